"""EVA family (EVA, EVA-02, EVA-CLIP, PE, RoPE-ViT, SBB, DINOv3, LingBot, Sapiens2): parity with timm both ways
for every architecture, the fast (meta-device) path with its rotary tables, img_size changes and dynamic sizes,
checkpoint layouts, adaptation and errors.

Reduced sizes keep CI fast: every architecture is checked at depth 2, width 64 (2 heads; 4 for PE, whose
attention pool has 8 heads of its own) and 32x32 inputs (28x28 for patch 14), passed as `model_args` that timm
writes into config.json and imgzoo reads back. Every option of an architecture other than its size (rope type,
grid indexing and offset, reference grid, qkv layout, SwiGLU packing and alignment, sub-LN, post-norm, layer
scale, tokens, pooling, norms, GQA) is kept, so each distinct network is exercised. Full sizes are checked on
the meta device in tests/test_model_contract.py. `head_init_scale=1.0`: timm scales a new classifier by 0.001,
which would leave the logits dominated by the (perturbed) head bias and blind to the features.
"""
from __future__ import annotations

import pytest
import torch
from parity import (
    assert_close,
    assert_same_outputs,
    check_imgzoo_to_timm,
    check_in_chans_adaptation,
    check_num_classes_adaptation,
    check_timm_to_imgzoo,
    perturb_constants_,
    save_timm_folder,
    seeded_input,
    timm_model,
)

import imgzoo
from imgzoo.meta import meta_device
from imgzoo.registry import get_model_entrypoint

timm = pytest.importorskip('timm')
pytestmark = pytest.mark.usefixtures('one_thread')

ARCHS = sorted(timm.list_models(module='eva'))


def small_args(arch: str) -> dict:
    """The reduced model_args an architecture is tested at (see the module docstring)."""
    args = dict(depth=2, embed_dim=64, num_heads=4 if '_pe_' in arch else 2, img_size=28 if 'patch14' in arch else 32,
                head_init_scale=1.0)
    if 'sapiens2' in arch:
        args['num_kv_heads'] = (2, 1)  # one full-attention and one grouped-query block
    return args


def _shape(args: dict) -> tuple:
    size = args['img_size']
    return (2, 3, size, size) if isinstance(size, int) else (2, 3, *size)


def test_registered_archs_are_exactly_timms():
    assert sorted(a for a in imgzoo.list_models() if imgzoo.registry.get_model_family(a) == 'eva') == ARCHS
    assert len(ARCHS) == 65


def test_tags_cover_every_timm_hosted_tag():
    from timm.models._registry import _model_pretrained_cfgs, _model_with_tags

    hosted = {t for a in ARCHS for t in _model_with_tags[a]
              if (_model_pretrained_cfgs[t].hf_hub_id or '').startswith('timm/')
              and not _model_pretrained_cfgs[t].hf_hub_filename}
    ours = set(imgzoo.list_pretrained()) & {f'{a}.{t}' for a in ARCHS for t in imgzoo.registry.list_tags(a)}
    assert hosted == ours and len(ours) == 79


@pytest.mark.parametrize('arch', ARCHS)
def test_timm_folder_loads_with_same_logits_and_buffers(arch, tmp_path):
    """Through `local:` on the fast path: a meta-device build whose rotary tables and zero k-bias are then
    computed, equal to timm's buffers entry for entry."""
    args = small_args(arch)
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, _shape(args), model_args=args)
    assert list(reference.state_dict()) == list(ours.state_dict())
    ours_buffers = dict(ours.named_buffers())
    assert set(ours_buffers) == {name for name, _ in reference.named_buffers()}
    for name, buffer in reference.named_buffers():
        assert not ours_buffers[name].is_meta and ours_buffers[name].dtype == buffer.dtype, name
        assert torch.equal(ours_buffers[name], buffer), name


@pytest.mark.parametrize('arch', ARCHS)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    args = small_args(arch)
    check_imgzoo_to_timm(arch, tmp_path, _shape(args), model_args=args)


@pytest.mark.parametrize('arch', ['eva02_base_patch14_224', 'vit_pe_core_base_patch16_224',
                                  'vit_small_patch16_rope_mixed_224', 'vit_base_patch16_dinov3'])
def test_meta_build_leaves_rotary_tables_to_init_non_persistent_buffers(arch):
    """On the meta device no table is computed (nothing to read); init_non_persistent_buffers gives timm's."""
    args = dict(small_args(arch), dynamic_img_size=False)
    with meta_device():
        model = get_model_entrypoint(arch)(**args)
    assert all(p.is_meta for p in model.parameters())
    assert not list(model.named_buffers()), 'a buffer was created on the meta device'
    model.to_empty(device='cpu')
    model.init_non_persistent_buffers()
    reference = timm_model(arch, **args)
    theirs = dict(reference.named_buffers())
    ours = dict(model.named_buffers())
    assert ours and set(ours) == set(theirs)
    for name, buffer in theirs.items():
        assert torch.equal(ours[name], buffer), name


def test_fast_path_equals_plain_build_and_load(tmp_path):
    torch.manual_seed(0)
    args = small_args('eva02_base_patch14_224')
    source = perturb_constants_(imgzoo.create_model('eva02_base_patch14_224', **args)).eval()
    folder = imgzoo.save_pretrained(source, tmp_path / 'eva02')
    fast = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    slow = imgzoo.create_model('eva02_base_patch14_224', **args).eval()
    slow.load_state_dict(source.state_dict())
    fast_buffers = dict(fast.named_buffers())
    for name, buffer in slow.named_buffers():
        assert torch.equal(fast_buffers[name], buffer), name
    x = seeded_input(_shape(args))
    with torch.no_grad():
        assert torch.equal(fast(x), slow(x))


@pytest.mark.parametrize('arch,new_size', [
    ('eva02_base_patch14_224', 42),  # RoPE rescaled to the reference grid + absolute embedding resampled
    ('eva02_large_patch14_clip_224', (28, 42)),  # non-square
    ('vit_pe_core_base_patch16_224', 48),  # 'xy' grid with offset, attention pool
    ('vit_small_patch16_rope_mixed_ape_224', 48),  # learned RoPE on a new grid, patch-only embedding
    ('vit_medium_patch16_rope_reg1_gap_256', 16),  # smaller grid, RoPE only
])
def test_img_size_change_on_load_matches_timm(arch, new_size, tmp_path):
    base = small_args(arch)
    folder = save_timm_folder(timm_model(arch, **base), tmp_path / 'timm', model_args=base)
    reference = timm.create_model(f'local-dir:{folder}', pretrained=True, img_size=new_size).eval()
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, img_size=new_size).eval()
    shape = _shape(dict(img_size=new_size))
    assert ours.pretrained_cfg['input_size'][1:] == shape[2:]
    for (name, a), b in zip(ours.state_dict().items(), reference.state_dict().values()):
        assert a.shape == b.shape, name
    theirs = dict(reference.named_buffers())
    for name, buffer in ours.named_buffers():
        assert torch.equal(buffer, theirs[name]), name
    assert_same_outputs(reference, ours, shape, f'{arch} loaded at img_size={new_size}')


@pytest.mark.parametrize('arch', ['vit_small_patch16_dinov3', 'eva02_tiny_patch14_224', 'vit_pe_core_tiny_patch16_384',
                                  'vit_small_patch16_rope_mixed_ape_224'])
def test_dynamic_img_size_takes_other_sizes_like_timm(arch):
    args = dict(small_args(arch), dynamic_img_size=True)
    reference = timm_model(arch, **args)
    ours = imgzoo.create_model(arch, **args).eval()
    ours.load_state_dict(reference.state_dict())
    size = (48, 32) if 'patch16' in arch else (42, 28)
    assert_same_outputs(reference, ours, (2, 3, *size), f'{arch} dynamic_img_size at {size}')
    with torch.no_grad():
        ours_maps = ours.forward_intermediates(seeded_input((1, 3, *size)), indices=1, intermediates_only=True)
    assert ours_maps[0].shape[-2:] == (size[0] // ours.patch_embed.patch_size[0],
                                       size[1] // ours.patch_embed.patch_size[1])


def test_rope_tables_follow_dtype_like_timm():
    reference = timm.create_model('eva02_tiny_patch14_224', **small_args('eva02_tiny_patch14_224')).to(torch.bfloat16)
    ours = imgzoo.create_model('eva02_tiny_patch14_224', **small_args('eva02_tiny_patch14_224')).to(torch.bfloat16)
    theirs = dict(reference.named_buffers())
    for name, buffer in ours.named_buffers():
        assert buffer.dtype == theirs[name].dtype and torch.equal(buffer, theirs[name]), name
    assert ours.rope.bands.dtype == torch.float32


def _to_original_dinov3(state: dict) -> dict:
    """A timm DINOv3 state dict in Meta's original layout (storage tokens, ls1/ls2, one qkv bias, periods)."""
    out = {}
    for k, v in state.items():
        if k.endswith('attn.q_bias'):
            v_bias = state[k.replace('q_bias', 'v_bias')]
            out[k.replace('q_bias', 'qkv.bias')] = torch.cat([v, torch.zeros_like(v), v_bias])
            continue
        if k.endswith('attn.v_bias'):
            continue
        k = k.replace('gamma_1', 'ls1.gamma').replace('gamma_2', 'ls2.gamma').replace('reg_token', 'storage_tokens')
        out[k] = v
    out['rope_embed.periods'] = torch.ones(4)
    out['mask_token'] = torch.zeros(1, 64)
    return out


def _to_original_pe(state: dict) -> dict:
    """A timm PE core state dict in Meta's layout (OpenCLIP names under visual., packed attention-pool qkv)."""
    swaps = (('patch_embed.proj', 'conv1'), ('norm_pre', 'ln_pre'), ('blocks.', 'transformer.resblocks.'),
             ('.norm1', '.ln_1'), ('.norm2', '.ln_2'), ('attn.qkv.', 'attn.in_proj_'), ('attn.proj', 'attn.out_proj'),
             ('mlp.fc1', 'mlp.c_fc'), ('mlp.fc2', 'mlp.c_proj'))
    out = {}
    for k, v in state.items():
        if k.startswith('attn_pool.'):
            if k.startswith(('attn_pool.q.', 'attn_pool.kv.')):
                kind = k.rsplit('.', 1)[1]
                if k.startswith('attn_pool.q.'):
                    out[f'visual.attn_pool.attn.in_proj_{kind}'] = torch.cat([v, state[f'attn_pool.kv.{kind}']])
                continue
            k = k.replace('attn_pool.latent', 'attn_pool.probe').replace('attn_pool.norm', 'attn_pool.layernorm')
            k = k.replace('attn_pool.proj', 'attn_pool.attn.out_proj')
            out['visual.' + k] = v
            continue
        if k == 'cls_token':
            out['visual.class_embedding'] = v.reshape(-1)
            continue
        if k == 'pos_embed':
            out['visual.positional_embedding'] = v[0]
            continue
        if k == 'head.weight':
            out['visual.proj'] = v.t()
            continue
        if k == 'head.bias':
            continue
        if k.startswith('norm.'):
            out['visual.ln_post.' + k[5:]] = v
            continue
        for old, new in swaps:
            k = k.replace(old, new)
        out['visual.' + k] = v
    return out


@pytest.mark.parametrize('arch,to_original', [
    ('vit_small_patch16_dinov3_qkvb', _to_original_dinov3),
    ('vit_pe_core_tiny_patch16_384', _to_original_pe),
])
def test_original_checkpoint_layouts_convert_like_timm(arch, to_original):
    from timm.models.eva import checkpoint_filter_fn

    args = small_args(arch)
    reference = timm_model(arch, **args)
    original = to_original(reference.state_dict())
    theirs = checkpoint_filter_fn(dict(original), reference)
    assert set(theirs) == set(reference.state_dict())  # the fake original layout is one timm reads back
    ours = imgzoo.create_model(arch, **args).eval()
    converted = ours.adapt_pretrained_state_dict(dict(original))
    assert set(converted) == set(theirs)
    for key, value in theirs.items():
        assert torch.equal(converted[key], value), key
    reference.load_state_dict(theirs)  # PE's original layout has no head bias: both read it as zero
    ours.load_state_dict(converted)
    assert_same_outputs(reference, ours, _shape(args), f'{arch} from the original layout')


@pytest.mark.parametrize('arch', ['eva02_base_patch14_224', 'vit_pe_core_tiny_patch16_384'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    args = small_args(arch)
    _, ours = check_num_classes_adaptation(arch, tmp_path, input_shape=_shape(args), model_args=args)
    assert ours.head.weight.shape == (10, 64)
    unscaled = imgzoo.create_model(arch, **dict(args, head_init_scale=0.001), num_classes=10)
    assert float(unscaled.head.weight.detach().abs().max()) < 0.01  # timm's default head_init_scale on a new head


@pytest.mark.parametrize('arch,in_chans', [('eva02_tiny_patch14_224', 1), ('vit_small_patch16_dinov3', 5)])
def test_in_chans_adaptation_matches_timm_logits(arch, in_chans, tmp_path):
    args = small_args(arch)
    check_in_chans_adaptation(arch, tmp_path, in_chans=in_chans, spatial=_shape(args)[2:], model_args=args)


@pytest.mark.parametrize('global_pool', ['avg', 'max', 'avgmax', 'token', ''])
def test_global_pool_options_match_timm(global_pool):
    args = dict(small_args('eva02_tiny_patch14_224'), global_pool=global_pool)
    reference = timm_model('eva02_tiny_patch14_224', **args)
    ours = imgzoo.create_model('eva02_tiny_patch14_224', **args).eval()
    ours.load_state_dict(reference.state_dict())
    assert_same_outputs(reference, ours, _shape(args), f'eva02 global_pool={global_pool!r}')


def test_return_prefix_tokens_and_nlc_match_timm():
    args = small_args('vit_betwixt_patch16_rope_reg4_gap_256')
    reference = timm_model('vit_betwixt_patch16_rope_reg4_gap_256', **args)
    ours = imgzoo.create_model('vit_betwixt_patch16_rope_reg4_gap_256', **args).eval()
    ours.load_state_dict(reference.state_dict())
    x = seeded_input(_shape(args))
    with torch.no_grad():
        for kwargs in (dict(return_prefix_tokens=True), dict(output_fmt='NLC', norm=True)):
            ours_out = ours.forward_intermediates(x, indices=[0, 1], intermediates_only=True, **kwargs)
            theirs_out = reference.forward_intermediates(x, indices=[0, 1], intermediates_only=True, **kwargs)
            for a, b in zip(ours_out, theirs_out):
                for ta, tb in zip(a, b) if isinstance(a, tuple) else ((a, b),):
                    assert_close(ta, tb, f'forward_intermediates {kwargs}')


def test_wrong_arguments_and_inputs_say_what_to_do():
    with pytest.raises(imgzoo.InvalidModelArgsError, match="rope_type must be one of"):
        imgzoo.create_model('eva02_tiny_patch14_224', rope_type='mrope')
    with pytest.raises(imgzoo.InvalidModelArgsError, match='num_kv_heads needs one value per block'):
        imgzoo.create_model('vit_base_patch16_sapiens2', depth=2)
    with pytest.raises(imgzoo.InvalidModelArgsError, match="global_pool='token' needs the class token"):
        imgzoo.create_model('vit_medium_patch16_rope_reg1_gap_256', global_pool='token')
    with pytest.raises(imgzoo.InvalidModelArgsError, match='patch_drop_rate'):
        imgzoo.create_model('eva02_tiny_patch14_224', patch_drop_rate=0.1)
    with pytest.raises(imgzoo.InvalidModelArgsError, match='head dimension divisible by 4'):
        imgzoo.create_model('eva02_tiny_patch14_224', embed_dim=66, num_heads=3)
    model = imgzoo.create_model('eva02_tiny_patch14_224', **small_args('eva02_tiny_patch14_224'))
    with pytest.raises(imgzoo.InputSizeError, match='takes exactly 28x28.*img_size'):
        model(seeded_input((1, 3, 56, 56)))
