"""Vision Transformer family (ViT, DeiT, DINOv2, CLIP and SigLIP towers): parity with timm in both
directions, position-embedding resampling, dynamic input size, adaptation and the model API.

Reduced models: to fit the CPU test budget every architecture is checked at img_size 64 (56 for
patch 14, the largest multiple below 64) through `model_args`, which timm writes into config.json
and imgzoo reads back. The tiny and small models keep their full depth. Base, large and huge
models are checked at reduced depth (2 blocks for base, 1 for large and huge): a ViT has one block
type, and every option that changes it (layer scale, QuickGELU, CLIP's pre-norm and eps, register
tokens, the attention-pool head, the distillation token) is still exercised. The resampling
checks use the real 224, 384 and 518 grids.

Every other architecture (all of timm's vision_transformer.py and deit.py) is checked at full size on the
meta device (heads, epsilons, activations, token and pooling options against timm's, in
tests/test_model_contract.py) and numerically on
narrow models (depth 1, width 64, 2 heads, mlp_ratio 2, 2x2 patches), one per distinct network: see the
section "every architecture" below.
"""
from __future__ import annotations

import pytest
import torch
from parity import (
    assert_close,
    check_imgzoo_to_timm,
    check_timm_to_imgzoo,
    distinct_networks,
    max_diff,
    save_timm_folder,
    seeded_input,
    timm_model,
)

import imgzoo
from imgzoo.errors import InputSizeError, InvalidModelArgsError, StateDictMismatchError
from imgzoo.layers.activations import QuickGELU
from imgzoo.registry import get_model_entrypoint, get_model_family

S16 = {'img_size': 64}
S14 = {'img_size': 56}
B16 = {'img_size': 64, 'depth': 2}
B14 = {'img_size': 56, 'depth': 2}
L16 = {'img_size': 64, 'depth': 1}
L14 = {'img_size': 56, 'depth': 1}

ARCH_CASES = {
    'vit_tiny_patch16_224': S16,
    'vit_small_patch16_224': S16,
    'vit_small_patch32_224': S16,
    'vit_base_patch16_224': B16,
    'vit_base_patch32_224': B16,
    'vit_base_patch16_384': B16,
    'vit_large_patch16_224': L16,
    'vit_huge_patch14_224': L14,
    'deit_tiny_patch16_224': S16,
    'deit_small_patch16_224': S16,
    'deit_base_patch16_224': B16,
    'deit_base_patch16_384': B16,
    'deit_base_distilled_patch16_224': B16,
    'vit_small_patch14_dinov2': S14,
    'vit_base_patch14_dinov2': B14,
    'vit_large_patch14_dinov2': L14,
    'vit_small_patch14_reg4_dinov2': S14,
    'vit_base_patch14_reg4_dinov2': B14,
    'vit_base_patch16_clip_224': B16,
    'vit_base_patch32_clip_224': B16,
    'vit_large_patch14_clip_224': L14,
    'vit_base_patch16_clip_quickgelu_224': B16,
    'vit_base_patch32_clip_quickgelu_224': B16,
    'vit_large_patch14_clip_quickgelu_224': L14,
    'vit_base_patch16_siglip_224': B16,
}
ARCHS = list(ARCH_CASES)


def _shape(model_args, batch=2, chans=3):
    size = model_args['img_size']
    return (batch, chans, size, size)


def _logits(model, x):
    with torch.no_grad():
        return model.eval()(x)


def _timm_load(folder, **kwargs):
    import timm

    return timm.create_model(f'local-dir:{folder}', pretrained=True, **kwargs).eval()


def test_family_is_registered_with_timms_default_tags():
    import timm

    assert set(imgzoo.list_models('vit_*')) | set(imgzoo.list_models('deit_*')) >= set(ARCHS)
    for arch in ARCHS:
        assert imgzoo.get_pretrained_cfg(arch).tag == timm.get_pretrained_cfg(arch).tag, arch


@pytest.mark.parametrize('arch', ARCHS)
def test_timm_folder_loads_with_same_logits_and_saves_back(arch, tmp_path):
    """timm save_for_hf -> imgzoo local: -> imgzoo save_pretrained -> timm local-dir:, same logits throughout."""
    model_args = ARCH_CASES[arch]
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, _shape(model_args), model_args=model_args)
    assert list(reference.state_dict()) == list(ours.state_dict())
    folder = imgzoo.save_pretrained(ours, tmp_path / 'imgzoo')
    x = seeded_input(_shape(model_args), seed=3)
    assert_close(_logits(_timm_load(folder), x), _logits(ours, x), 'outputs')
@pytest.mark.parametrize('arch', [
    'vit_tiny_patch16_224', 'deit_base_distilled_patch16_224', 'vit_small_patch14_reg4_dinov2',
    'vit_base_patch16_clip_quickgelu_224', 'vit_base_patch16_siglip_224',
])
def test_imgzoo_built_model_loads_in_timm_with_same_logits(arch, tmp_path):
    model_args = dict(ARCH_CASES[arch], depth=1)
    check_imgzoo_to_timm(arch, tmp_path, _shape(model_args), model_args=model_args)


def test_tag_input_sizes_match_the_default_model():
    """Each tag's input size is the one its architecture builds by default (timm sets img_size from the tag)."""
    sizes = {}
    for full_name in imgzoo.list_pretrained('vit_*') + imgzoo.list_pretrained('deit_*'):
        arch = full_name.partition('.')[0]
        if get_model_family(arch) not in ('vision_transformer', 'deit'):
            continue  # vit_* names of other families (EVA's RoPE ViTs, DINOv3, ...)
        cfg = imgzoo.get_pretrained_cfg(full_name)
        assert cfg.first_conv == 'patch_embed.proj', full_name
        sizes.setdefault(arch, set()).add(tuple(cfg.input_size[1:]))
    assert set(ARCHS) <= set(sizes) <= set(ALL_ARCHS)
    for arch, arch_sizes in sizes.items():
        with torch.device('meta'):
            model = get_model_entrypoint(arch)()
        assert arch_sizes == {model.patch_embed.img_size}, arch


def test_openai_clip_tags_follow_timm_activation_split():
    quick = imgzoo.get_pretrained_cfg('vit_base_patch16_clip_quickgelu_224.openai')
    gelu = imgzoo.get_pretrained_cfg('vit_base_patch16_clip_224.openai')
    assert quick.hf_hub_id == gelu.hf_hub_id == 'timm/vit_base_patch16_clip_224.openai'
    with torch.device('meta'):
        quick_model = get_model_entrypoint('vit_base_patch16_clip_quickgelu_224')(depth=1)
        gelu_model = get_model_entrypoint('vit_base_patch16_clip_224')(depth=1)
    assert isinstance(quick_model.blocks[0].mlp.act, QuickGELU)
    assert isinstance(gelu_model.blocks[0].mlp.act, torch.nn.GELU)


@pytest.mark.parametrize('arch,depth', [('vit_tiny_patch16_224', 2), ('deit_base_distilled_patch16_224', 1)])
def test_pos_embed_resampled_from_224_checkpoint_to_384_like_timm(arch, depth, tmp_path):
    folder = save_timm_folder(timm_model(arch, depth=depth), tmp_path / arch, model_args={'depth': depth})
    reference = _timm_load(folder, img_size=384)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, img_size=384).eval()
    assert ours.pos_embed.shape == reference.pos_embed.shape
    assert max_diff(ours.pos_embed.detach(), reference.pos_embed.detach()) <= 1e-6
    x = seeded_input((1, 3, 384, 384))
    assert_close(_logits(reference, x), _logits(ours, x), 'outputs')
@pytest.mark.parametrize('arch', ['vit_small_patch14_dinov2', 'vit_small_patch14_reg4_dinov2'])
def test_dinov2_pos_embed_resampled_from_518_to_224_like_timm(arch, tmp_path):
    folder = save_timm_folder(timm_model(arch, depth=1), tmp_path / arch, model_args={'depth': 1})
    reference = _timm_load(folder, img_size=224)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, img_size=224).eval()
    assert ours.pos_embed.shape == reference.pos_embed.shape
    assert max_diff(ours.pos_embed.detach(), reference.pos_embed.detach()) <= 1e-6
    x = seeded_input((1, 3, 224, 224))
    assert_close(_logits(reference, x), _logits(ours, x), 'outputs')
@pytest.mark.parametrize('arch,model_args', [
    ('vit_tiny_patch16_224', {'depth': 2}),
    ('vit_tiny_patch16_224', {'depth': 1, 'reg_tokens': 2, 'no_embed_class': True}),
    ('vit_base_patch16_siglip_224', {'depth': 1}),
])
def test_dynamic_img_size_on_160x256_matches_timm(arch, model_args, tmp_path):
    model_args = dict(model_args, dynamic_img_size=True)
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, (1, 3, 160, 256), model_args=model_args)
    x = seeded_input((1, 3, 96, 48), seed=5)
    assert_close(_logits(reference, x), _logits(ours, x), 'outputs')
    with pytest.raises(InputSizeError, match='multiples of the patch size'):
        ours(seeded_input((1, 3, 150, 256)))


def test_fixed_size_model_rejects_other_sizes_with_a_named_error():
    model = imgzoo.create_model('vit_tiny_patch16_224', depth=1, img_size=64)
    with pytest.raises(InputSizeError, match='takes exactly 64x64.*dynamic_img_size=True'):
        model(seeded_input((1, 3, 96, 96)))


@pytest.mark.parametrize('model_args', [
    {'global_pool': 'avg'},
    {'global_pool': 'max', 'class_token': False},
    {'global_pool': 'avgmax', 'reg_tokens': 2, 'no_embed_class': True},
    {'global_pool': 'map'},
    {'global_pool': '', 'num_classes': 0},
    {'global_pool': 'avg', 'fc_norm': False, 'final_norm': True, 'pre_norm': True, 'init_values': 0.1},
])
def test_pooling_and_token_options_match_timm(model_args, tmp_path):
    model_args = dict(model_args, depth=1, img_size=64)
    reference, ours = check_timm_to_imgzoo('vit_tiny_patch16_224', tmp_path, (2, 3, 64, 64), model_args=model_args)
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        feats = ours.forward_features(x)
        assert_close(reference.forward_features(x), feats, 'outputs')
        assert_close(reference.forward_head(feats, pre_logits=True), ours.forward_head(feats, pre_logits=True), 'outputs')
def test_num_classes_adaptation_matches_timm_pre_logits(tmp_path):
    folder = save_timm_folder(timm_model('vit_tiny_patch16_224', **S16), tmp_path / 'vit', model_args=S16)
    reference = _timm_load(folder, num_classes=10)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, num_classes=10).eval()
    x = seeded_input(_shape(S16))
    with torch.no_grad():
        assert_close(ours.forward_head(ours.forward_features(x), pre_logits=True),
                     reference.forward_head(reference.forward_features(x), pre_logits=True), 'pre-logits')
        assert ours(x).shape == (2, 10)
    assert ours.head.weight.shape == (10, 192) and not ours.head.weight.is_meta
    head = ours.head.weight.detach(), ours.head.bias.detach()
    assert 0.01 < float(head[0].std()) < 0.03 and float(head[1].abs().max()) == 0.0


def test_distilled_heads_adapt_and_average(tmp_path):
    model_args = {'depth': 1, 'img_size': 64}
    arch = 'deit_base_distilled_patch16_224'
    folder = save_timm_folder(timm_model(arch, **model_args), tmp_path / 'deit', model_args=model_args)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, num_classes=7).eval()
    assert ours.head.weight.shape == ours.head_dist.weight.shape == (7, 768)
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        feats = ours.forward_features(x)
        both = (ours.head(feats[:, 0]) + ours.head_dist(feats[:, 1])) / 2
        assert max_diff(ours(x), both) <= 1e-6
        assert ours.forward_head(feats, pre_logits=True).shape == (2, 768)
    ours.train().set_distilled_training(True)
    logits, dist_logits = ours(x)
    assert logits.shape == dist_logits.shape == (2, 7)
    with pytest.raises(InvalidModelArgsError, match="global_pool='token'"):
        imgzoo.create_model(arch, depth=1, img_size=64, global_pool='avg')


@pytest.mark.parametrize('in_chans', [1, 5])
def test_in_chans_adaptation_matches_timm_logits(in_chans, tmp_path):
    model_args = {'depth': 1, 'img_size': 64}
    folder = save_timm_folder(timm_model('vit_tiny_patch16_224', **model_args), tmp_path / 'vit', model_args=model_args)
    reference = _timm_load(folder, in_chans=in_chans)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, in_chans=in_chans)
    x = seeded_input((2, in_chans, 64, 64))
    assert_close(_logits(reference, x), _logits(ours, x), 'outputs')
    assert ours.pretrained_cfg['input_size'][0] == in_chans


def test_patch_size_change_resamples_the_patch_kernel_like_timm(tmp_path):
    model_args = {'depth': 1, 'img_size': 64}
    folder = save_timm_folder(timm_model('vit_tiny_patch16_224', **model_args), tmp_path / 'vit', model_args=model_args)
    reference = _timm_load(folder, patch_size=8)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, patch_size=8)
    assert ours.patch_embed.proj.weight.shape == (192, 3, 8, 8)
    assert max_diff(ours.patch_embed.proj.weight.detach(), reference.patch_embed.proj.weight.detach()) <= 1e-5
    x = seeded_input((2, 3, 64, 64))
    assert_close(_logits(reference, x), _logits(ours, x), 'outputs')
def test_siglip_without_attention_pool_drops_its_weights_like_timm(tmp_path):
    model_args = {'depth': 1, 'img_size': 64}
    folder = save_timm_folder(timm_model('vit_base_patch16_siglip_224', **model_args), tmp_path / 'siglip',
                              model_args=model_args)
    reference = _timm_load(folder, global_pool='avg', fc_norm=False)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, global_pool='avg', fc_norm=False)
    assert ours.attn_pool is None
    x = seeded_input((2, 3, 64, 64))
    assert_close(_logits(reference, x), _logits(ours, x), 'outputs')
def test_unsquare_pos_embed_checkpoint_is_a_named_error(tmp_path):
    model_args = {'depth': 1, 'img_size': (32, 64)}
    folder = save_timm_folder(timm_model('vit_tiny_patch16_224', **model_args), tmp_path / 'vit', model_args=model_args)
    with pytest.raises(StateDictMismatchError, match='pos_embed'):
        imgzoo.create_model(f'local:{folder}', pretrained=True, img_size=64)


def test_embeddings_api_and_reset_classifier():
    model = imgzoo.create_model('vit_tiny_patch16_224', depth=1, img_size=64, num_classes=0).eval()
    x = seeded_input((2, 3, 64, 64))
    assert model(x).shape == (2, 192)
    assert model.forward_features(x).shape == (2, 17, 192)
    model.reset_classifier(5, global_pool='avg')
    assert model(x).shape == (2, 5) and model.global_pool == 'avg'
    assert model.forward_head(model.forward_features(x), pre_logits=True).shape == (2, 192)
    with pytest.raises(InvalidModelArgsError, match='cannot add attention pooling'):
        model.reset_classifier(5, global_pool='map')
    with pytest.raises(InvalidModelArgsError, match='needs the class token'):
        imgzoo.create_model('vit_tiny_patch16_224', depth=1, class_token=False)


def test_random_init_follows_timms_scheme():
    model = imgzoo.create_model('vit_small_patch14_reg4_dinov2', depth=1, img_size=56, num_classes=10)
    params = {name: p.detach() for name, p in model.named_parameters()}
    assert abs(float(params['blocks.0.attn.qkv.weight'].std()) - 0.02) < 0.002
    assert float(params['blocks.0.attn.qkv.bias'].abs().max()) == 0.0
    assert abs(float(params['pos_embed'].std()) - 0.02) < 0.003
    assert float(params['cls_token'].abs().max()) < 1e-4 and float(params['reg_token'].abs().max()) < 1e-4
    assert torch.all(params['blocks.0.ls1.gamma'] == 1e-5)
    assert float(params['head.weight'].std()) > 0.01


def test_drop_rates_train_and_backpropagate():
    model = imgzoo.create_model('vit_tiny_patch16_224', depth=2, img_size=32, drop_rate=0.1, drop_path_rate=0.2,
                                attn_drop_rate=0.1, proj_drop_rate=0.1, pos_drop_rate=0.1).train()
    assert isinstance(model.blocks[0].drop_path1, torch.nn.Identity) and model.blocks[1].drop_path1.drop_prob == 0.2
    model(seeded_input((2, 3, 32, 32))).sum().backward()
    assert model.patch_embed.proj.weight.grad is not None and model.pos_embed.grad is not None


# --- every architecture of vision_transformer.py and deit.py -------------------------------------------------
# Full-size models are checked on the meta device (keys, shapes, heads, epsilons, activations, token and
# pooling options and the contract: test_architecture_matches_timm_on_meta in tests/test_model_contract.py). Numbers are checked on narrow models: depth 1, embed_dim 64 with 2 heads and
# mlp_ratio 2, two patches per side. Width, depth and input size do not change a ViT's code paths, so
# architectures that build the same narrow network (same modules, epsilons, activations, token and pooling
# options) share one parity check; each distinct one is checked in both directions.
NARROW = dict(depth=1, embed_dim=64, num_heads=2, mlp_ratio=2.0)
VIT_FAMILIES = ('vision_transformer', 'deit')
ALL_ARCHS = [a for a in imgzoo.list_models() if imgzoo.registry.get_model_family(a) in VIT_FAMILIES]


def test_every_timm_architecture_is_registered():
    from timm.models._registry import _module_to_models
    import timm

    theirs = {a for m in VIT_FAMILIES for a in _module_to_models[m] if a in timm.list_models()}
    assert set(ALL_ARCHS) == theirs


def _narrow_args(arch):
    with torch.device('meta'):
        patch = get_model_entrypoint(arch)(depth=0).patch_embed.patch_size[0]
    return dict(NARROW, img_size=2 * patch), (2, 3, 2 * patch, 2 * patch)


# One parity check per distinct narrow network, on both sides (parity.distinct_networks).
DISTINCT = distinct_networks(ALL_ARCHS, lambda arch: _narrow_args(arch)[0])


@pytest.mark.parametrize('arch', DISTINCT)
def test_each_distinct_architecture_matches_timm_both_ways(arch, tmp_path):
    model_args, shape = _narrow_args(arch)
    check_timm_to_imgzoo(arch, tmp_path, shape, model_args=model_args)
    check_imgzoo_to_timm(arch, tmp_path, shape, model_args=model_args)


ADAPTATION_ARCHS = [
    'vit_tiny_patch16_224',  # Block
    'vit_base_patch16_rpn_224',  # ResPostBlock
    'vit_base_patch16_xp_224',  # ParallelScalingBlock
    'vit_dpwee_patch16_reg1_gap_256',  # DiffParallelScalingBlock
    'vit_small_patch16_18x2_224',  # ParallelThingsBlock
    'aimv2_large_patch14_224',  # RmsNorm, SwiGLU, norm in the patch embedding
    'vit_base_patch16_siglip_224',  # attention pooling
    'deit_tiny_distilled_patch16_224',  # two heads
    'deit3_small_patch16_224',
]


@pytest.mark.parametrize('arch', ADAPTATION_ARCHS)
def test_num_classes_and_in_chans_adaptation_match_timm(arch, tmp_path):
    from parity import check_in_chans_adaptation, check_num_classes_adaptation

    model_args, shape = _narrow_args(arch)
    check_num_classes_adaptation(arch, tmp_path, num_classes=7, input_shape=shape, model_args=model_args)
    check_in_chans_adaptation(arch, tmp_path, in_chans=1, spatial=shape[2:], model_args=model_args)


@pytest.mark.parametrize('arch', ['flexivit_small', 'vit_base_patch16_radio_v3', 'vit_large_patch16_radio_v3'])
def test_img_size_adaptation_resamples_like_timm(arch, tmp_path):
    """FlexiViT and RADIO resample bilinearly (RADIO v3 base/huge with aligned corners), others bicubic."""
    model_args = dict(NARROW, img_size=64)
    folder = save_timm_folder(timm_model(arch, **model_args), tmp_path / arch, model_args=model_args)
    reference = _timm_load(folder, img_size=96)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, img_size=96).eval()
    assert max_diff(ours.pos_embed.detach(), reference.pos_embed.detach()) <= 1e-6
    assert_close(_logits(ours, seeded_input((1, 3, 96, 96))), _logits(reference, seeded_input((1, 3, 96, 96))),
                 f'{arch} logits at 96 px')
