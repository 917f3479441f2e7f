"""SwinTransformer constructor options timm takes: weight_init ('', 'jax', 'jax_nlhb', 'moco', 'reset', 'skip')
and embed_layer. Swin-T at reduced depth (1, 1, 2, 1), 64x64 inputs and 2x2 windows keeps the suite inside the
CI budget: the options act per module, so depth adds nothing to them."""
from __future__ import annotations

import math

import pytest
import torch
from torch import nn

import imgzoo
from imgzoo.errors import InvalidModelArgsError
from imgzoo.layers.patch_embed import PatchEmbed

pytestmark = pytest.mark.usefixtures('one_thread')
ARCH = 'swin_tiny_patch4_window7_224'
SMALL = dict(depths=(1, 1, 2, 1), img_size=64, window_size=2)


@pytest.mark.parametrize('weight_init', ['', 'jax', 'jax_nlhb', 'moco', 'reset', 'skip'])
def test_weight_init_draws_timms_values_with_the_same_seed(weight_init):
    import timm

    torch.manual_seed(0)
    reference = timm.create_model(ARCH, weight_init=weight_init, **SMALL).state_dict()
    torch.manual_seed(0)
    ours = imgzoo.create_model(ARCH, weight_init=weight_init, **SMALL).state_dict()
    assert list(ours) == list(reference)
    assert [k for k, v in ours.items() if not torch.equal(v, reference[k])] == []


def test_weight_init_scheme_properties():
    """Independent of timm: jax zeroes the classifier ('head.fc') and -log(C) with nlhb; the default scheme
    zeroes every Linear bias; moco bounds q, k, v as (dim x dim) matrices."""
    torch.manual_seed(0)
    jax = imgzoo.create_model(ARCH, weight_init='jax_nlhb', num_classes=7, **SMALL)
    assert not jax.head.fc.weight.any()
    assert torch.allclose(jax.head.fc.bias, torch.full((7,), -math.log(7)))
    default = imgzoo.create_model(ARCH, **SMALL)
    assert all(not m.bias.any() for m in default.modules() if isinstance(m, nn.Linear) and m.bias is not None)
    assert abs(float(default.layers[0].blocks[0].attn.qkv.weight.detach().std()) - 0.02) < 0.002
    moco = imgzoo.create_model(ARCH, weight_init='moco', **SMALL)
    qkv = moco.layers[0].blocks[0].attn.qkv.weight
    assert float(qkv.detach().abs().max()) <= math.sqrt(6 / (qkv.shape[0] // 3 + qkv.shape[1]))


def _recording(base):
    class Recording(base):
        calls = []

        def __init__(self, **kwargs):
            type(self).calls.append(kwargs)
            super().__init__(**kwargs)
    return Recording


@pytest.mark.parametrize('kwargs', [dict(), dict(strict_img_size=False)])
def test_embed_layer_is_called_as_timm_calls_it(kwargs):
    import timm
    from timm.layers import PatchEmbed as TimmPatchEmbed

    theirs, ours = _recording(TimmPatchEmbed), _recording(PatchEmbed)
    with torch.device('meta'):
        timm.create_model(ARCH, embed_layer=theirs, **SMALL, **kwargs)
    model = imgzoo.create_model(ARCH, embed_layer=ours, device='meta', **SMALL, **kwargs)
    assert isinstance(model.patch_embed, ours)
    (got,), (expected,) = ours.calls, theirs.calls
    expected = {k: v for k, v in expected.items() if k not in ('device', 'dtype')}
    assert got.pop('norm_layer') is nn.LayerNorm and expected.pop('norm_layer') is nn.LayerNorm
    assert got == expected


def test_options_pass_the_factory():
    model = imgzoo.create_model(ARCH, weight_init='moco', embed_layer=PatchEmbed, device='meta')
    assert model.weight_init_mode == 'moco'


class NotAnEmbedding(nn.Module):
    def __init__(self, **kwargs):
        super().__init__()


@pytest.mark.parametrize('kwargs,says', [
    (dict(weight_init='xavier'), ['weight_init', "'jax'", "'moco'", 'xavier']),
    (dict(embed_layer='patch'), ['embed_layer', 'class']),
    (dict(embed_layer=NotAnEmbedding), ['NotAnEmbedding', 'grid_size']),
])
def test_bad_option_values_say_what_is_allowed(kwargs, says):
    with pytest.raises(InvalidModelArgsError) as info:
        imgzoo.create_model(ARCH, device='meta', **kwargs)
    for text in says:
        assert text in str(info.value)
