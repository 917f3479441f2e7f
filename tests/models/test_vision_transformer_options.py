"""VisionTransformer constructor options timm takes: patch_drop_rate (PatchDropout), weight_init ('', 'jax',
'jax_nlhb', 'moco', 'reset', 'skip'), fix_init and embed_layer. Reduced sizes (depth 2, 64x64 inputs) keep the
suite inside the CI budget: the options act per block or on the embeddings, so depth adds nothing to them."""
from __future__ import annotations

import math

import pytest
import torch
from parity import assert_close, check_imgzoo_to_timm, check_timm_to_imgzoo, seeded_input
from torch import nn

import imgzoo
from imgzoo.errors import InvalidModelArgsError
from imgzoo.layers import PatchDropout
from imgzoo.layers.patch_embed import PatchEmbed

pytestmark = pytest.mark.usefixtures('one_thread')
SMALL = dict(depth=2, img_size=64)
TINY = 'vit_tiny_patch16_224'


def _seeded_pair(arch: str, seed: int = 0, **kwargs):
    import timm

    torch.manual_seed(seed)
    reference = timm.create_model(arch, **kwargs)
    torch.manual_seed(seed)
    return reference, imgzoo.create_model(arch, **kwargs)


INIT_CASES = [
    (TINY, dict(weight_init='')),
    (TINY, dict(weight_init='jax')),
    (TINY, dict(weight_init='jax_nlhb')),
    (TINY, dict(weight_init='moco')),
    (TINY, dict(weight_init='reset')),
    (TINY, dict(fix_init=True)),
    (TINY, dict(weight_init='jax', fix_init=True)),
    ('vit_small_patch14_reg4_dinov2', dict(weight_init='moco')),  # register tokens, layer scale
    ('vit_base_patch16_clip_224', dict(weight_init='jax_nlhb', depth=1)),  # pre-norm, no patch bias
    ('vit_base_patch16_siglip_224', dict(depth=1)),  # attention-pool ('map') head
]


@pytest.mark.parametrize('arch,kwargs', INIT_CASES, ids=[f'{a}-{k}' for a, k in INIT_CASES])
def test_weight_init_draws_timms_values_with_the_same_seed(arch, kwargs):
    """Every scheme draws the same random numbers in the same order as timm: one seed, equal weights."""
    reference, ours = _seeded_pair(arch, **{**SMALL, **kwargs})
    expected = reference.state_dict()
    assert list(ours.state_dict()) == list(expected)
    differ = [k for k, v in ours.state_dict().items() if not torch.equal(v, expected[k])]
    assert differ == []


def test_skip_leaves_modules_as_built_with_timms_shapes():
    """'skip' initialises nothing (weights are loaded next): Linear layers keep PyTorch's construction init,
    and the tokens are left as allocated; shapes are timm's."""
    torch.use_deterministic_algorithms(True)  # fills uninitialised memory with NaN: "never written" shows
    try:
        reference, ours = _seeded_pair(TINY, weight_init='skip', **SMALL)
    finally:
        torch.use_deterministic_algorithms(False)
    assert {k: v.shape for k, v in ours.state_dict().items()} == {k: v.shape for k, v in reference.state_dict().items()}
    same = {k for k, v in ours.state_dict().items() if torch.equal(v, reference.state_dict()[k])}
    assert same == set(reference.state_dict()) - {'cls_token', 'pos_embed'}
    assert ours.cls_token.isnan().all() and ours.pos_embed.isnan().all()  # allocated, never written
    fc1 = ours.blocks[0].mlp.fc1
    assert float(fc1.weight.detach().abs().max()) <= 1 / math.sqrt(fc1.in_features)  # construction bound
    assert float(ours.head.bias.detach().abs().max()) > 0  # the timm scheme would have zeroed it
    meta = imgzoo.create_model(TINY, weight_init='skip', device='meta')
    assert meta.pos_embed.is_meta


def test_jax_scheme_properties():
    """Independent of timm: zero head, -log(C) head bias with nlhb, tiny normal MLP biases, zero attention
    biases, xavier-uniform Linear weights and lecun-normal (std sqrt(1 / fan_in)) patch projection."""
    torch.manual_seed(0)
    model = imgzoo.create_model(TINY, weight_init='jax', depth=4, num_classes=10).requires_grad_(False)
    assert not model.head.weight.any() and not model.head.bias.any()
    nlhb = imgzoo.create_model(TINY, weight_init='jax_nlhb', depth=1, num_classes=10)
    assert torch.allclose(nlhb.head.bias, torch.full((10,), -math.log(10)))
    biases = torch.cat([b.mlp.fc1.bias for b in model.blocks])
    assert 0 < float(biases.abs().max()) < 1e-5
    assert not torch.cat([b.attn.qkv.bias for b in model.blocks]).any()
    qkv = model.blocks[0].attn.qkv.weight
    assert float(qkv.abs().max()) <= math.sqrt(6 / (qkv.shape[0] + qkv.shape[1]))
    proj = model.patch_embed.proj.weight
    std = math.sqrt(1 / proj[0].numel())
    assert abs(float(proj.std()) - std) < 0.05 * std
    assert float(proj.abs().max()) <= 2 * std / 0.87962566103423978 + 1e-6


def test_moco_scheme_properties():
    """Independent of timm: q, k and v uniform with the bound of a (dim x dim) matrix each, other Linear
    xavier-uniform, zero biases, the patch projection left at PyTorch's uniform bound 1 / sqrt(fan_in)."""
    torch.manual_seed(0)
    model = imgzoo.create_model(TINY, weight_init='moco', depth=2).requires_grad_(False)
    qkv = model.blocks[0].attn.qkv.weight
    bound = math.sqrt(6 / (qkv.shape[0] // 3 + qkv.shape[1]))
    assert bound * 0.98 < float(qkv.abs().max()) <= bound
    fc1 = model.blocks[0].mlp.fc1.weight
    assert float(fc1.abs().max()) <= math.sqrt(6 / sum(fc1.shape))
    assert not model.blocks[0].attn.qkv.bias.any() and not model.head.bias.any()
    proj = model.patch_embed.proj.weight
    assert float(proj.abs().max()) <= 1 / math.sqrt(proj[0].numel())


def test_fix_init_divides_residual_projections_by_depth():
    torch.manual_seed(0)
    plain = imgzoo.create_model(TINY, depth=3)
    torch.manual_seed(0)
    fixed = imgzoo.create_model(TINY, depth=3, fix_init=True)
    for i, (a, b) in enumerate(zip(plain.blocks, fixed.blocks)):
        scale = math.sqrt(2.0 * (i + 1))
        assert torch.allclose(b.attn.proj.weight * scale, a.attn.proj.weight)
        assert torch.allclose(b.mlp.fc2.weight * scale, a.mlp.fc2.weight)
        assert torch.equal(b.attn.qkv.weight, a.attn.qkv.weight)


PATCH_DROP_CASES = [
    (TINY, dict(patch_drop_rate=0.5, **SMALL)),  # class token kept
    ('vit_small_patch14_reg4_dinov2', dict(patch_drop_rate=0.3, depth=2, img_size=56)),  # class + 4 registers
    ('vit_base_patch16_siglip_224', dict(patch_drop_rate=0.25, depth=1, img_size=64)),  # no prefix tokens
]


@pytest.mark.parametrize('arch,model_args', PATCH_DROP_CASES, ids=[a for a, _ in PATCH_DROP_CASES])
def test_patch_dropout_training_forward_matches_timm_with_the_same_seed(arch, model_args, tmp_path):
    size = model_args['img_size']
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, input_shape=(2, 3, size, size), model_args=model_args)
    x = seeded_input((2, 3, size, size))
    reference.train()
    ours.train()
    with torch.no_grad():  # training mode (the dropout draws), without building a graph
        torch.manual_seed(3)
        expected = reference.forward_features(x)
        torch.manual_seed(3)
        got = ours.forward_features(x)
        num_patches = ours.patch_embed.num_patches
        assert got.shape[1] == ours.num_prefix_tokens + int(num_patches * (1 - model_args['patch_drop_rate']))
        assert_close(got, expected, f'{arch} training forward with patch dropout')
        torch.manual_seed(3)
        logits = reference(x)
        torch.manual_seed(3)
        assert_close(ours(x), logits, f'{arch} training logits with patch dropout')
    ours.eval()
    with torch.no_grad():
        assert ours.forward_features(x).shape[1] == ours.num_prefix_tokens + num_patches


def test_patch_dropout_is_identity_in_eval_and_survives_a_round_trip(tmp_path):
    model_args = dict(patch_drop_rate=0.5, **SMALL)
    check_imgzoo_to_timm(TINY, tmp_path, model_args=model_args)
    torch.manual_seed(0)
    with_drop = imgzoo.create_model(TINY, **model_args).eval()
    plain = imgzoo.create_model(TINY, **SMALL).eval()
    plain.load_state_dict(with_drop.state_dict())
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        assert torch.equal(with_drop(x), plain(x))
    assert isinstance(with_drop.patch_drop, PatchDropout) and isinstance(plain.patch_drop, nn.Identity)


@pytest.mark.parametrize('num_prefix_tokens', [0, 1, 5])
def test_patch_dropout_keeps_prefix_tokens_and_a_subset_of_patches(num_prefix_tokens):
    tokens = torch.arange(2 * (num_prefix_tokens + 16), dtype=torch.float32).reshape(2, -1, 1).expand(-1, -1, 3)
    torch.manual_seed(0)
    out = PatchDropout(0.25, num_prefix_tokens=num_prefix_tokens).train()(tokens)
    assert out.shape == (2, num_prefix_tokens + 12, 3)
    assert torch.equal(out[:, :num_prefix_tokens], tokens[:, :num_prefix_tokens])
    for sample in range(2):
        kept = out[sample, num_prefix_tokens:, 0].tolist()
        patches = tokens[sample, num_prefix_tokens:, 0].tolist()
        assert len(set(kept)) == 12 and set(kept) <= set(patches)
    assert torch.equal(PatchDropout(0.25, num_prefix_tokens).eval()(tokens), tokens)


def _recording(base):
    class Recording(base):
        calls = []

        def __init__(self, **kwargs):
            type(self).calls.append(kwargs)
            super().__init__(**kwargs)
    return Recording


@pytest.mark.parametrize('kwargs', [
    dict(), dict(dynamic_img_size=True), dict(pre_norm=True), dict(embed_norm_layer='layernorm'),
    dict(dynamic_img_pad=True, dynamic_img_size=True),
])
def test_embed_layer_is_called_as_timm_calls_it(kwargs):
    import timm
    from timm.layers import PatchEmbed as TimmPatchEmbed

    timm_kwargs = dict(kwargs)
    if 'embed_norm_layer' in kwargs:
        timm_kwargs['embed_norm_layer'] = nn.LayerNorm
    theirs, ours = _recording(TimmPatchEmbed), _recording(PatchEmbed)
    with torch.device('meta'):
        timm.create_model(TINY, embed_layer=theirs, **SMALL, **timm_kwargs)
    model = imgzoo.create_model(TINY, embed_layer=ours, device='meta', **SMALL, **kwargs)
    assert isinstance(model.patch_embed, ours)
    (got,), (expected,) = ours.calls, theirs.calls
    got = {k: v for k, v in got.items() if k != 'norm_layer'}
    expected = {k: v for k, v in expected.items() if k not in ('norm_layer', 'device', 'dtype')}
    assert got == expected
    assert ('norm_layer' in ours.calls[0]) == ('norm_layer' in theirs.calls[0])


def test_options_pass_the_factory():
    model = imgzoo.create_model(TINY, patch_drop_rate=0.1, weight_init='jax', fix_init=True,
                                embed_layer=PatchEmbed, device='meta')
    assert model.patch_drop.prob == 0.1 and model.fix_init and model.weight_init_mode == 'jax'


class NotAnEmbedding(nn.Module):
    def __init__(self, **kwargs):
        super().__init__()


@pytest.mark.parametrize('kwargs,says', [
    (dict(weight_init='xavier'), ['weight_init', "'jax'", "'moco'", 'xavier']),
    (dict(patch_drop_rate=1.0), ['patch_drop_rate', '[0, 1)', '1.0']),
    (dict(patch_drop_rate=-0.1), ['patch_drop_rate', '[0, 1)']),
    (dict(fix_init=True, block_fn='parallel_scaling'), ['fix_init', 'attn.proj', 'mlp.fc2']),
    (dict(embed_layer='patch'), ['embed_layer', 'class']),
    (dict(embed_layer=NotAnEmbedding), ['NotAnEmbedding', 'num_patches', 'grid_size']),
])
def test_bad_option_values_say_what_is_allowed(kwargs, says):
    with pytest.raises(InvalidModelArgsError) as info:
        imgzoo.create_model(TINY, device='meta', **kwargs)
    for text in says:
        assert text in str(info.value)
