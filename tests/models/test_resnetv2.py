"""ResNetV2 / BiT: parity with timm in both directions, weight standardisation, dilation, adaptation.

Reduced depth (layers=(1, 1, 1, 1): a stage's blocks are one module repeated) for the non-BiT architectures
except resnetv2_18 / resnetv2_18d (full). timm's BiT builders fix depth and width, so resnetv2_50x1_bit and
resnetv2_101x1_bit go through folders at full size, and every BiT architecture's own width (1-4) is checked
at reduced depth by building timm's and imgzoo's ResNetV2 classes with the BiT options directly. Full-size
state dicts of every architecture are checked against timm on the meta device by tests/test_model_contract.py.
"""
from __future__ import annotations

from functools import partial

import pytest
import torch
from parity import (
    assert_close,
    assert_same_outputs,
    perturb_constants_,
    check_imgzoo_to_timm,
    check_in_chans_adaptation,
    check_num_classes_adaptation,
    check_timm_to_imgzoo,
    seeded_input,
    timm_model,
)

import imgzoo
from imgzoo.layers import StdConv2d

pytestmark = pytest.mark.usefixtures('one_thread')

ONE = dict(layers=(1, 1, 1, 1))
BIT_WIDTHS = {'resnetv2_50x1_bit': 1, 'resnetv2_50x3_bit': 3, 'resnetv2_101x1_bit': 1, 'resnetv2_101x3_bit': 3,
              'resnetv2_152x2_bit': 2, 'resnetv2_152x4_bit': 4}
ARCH_ARGS = {
    'resnetv2_50x1_bit': {},
    'resnetv2_101x1_bit': {},
    'resnetv2_18': {},
    'resnetv2_18d': {},
    'resnetv2_34': ONE,
    'resnetv2_34d': ONE,
    'resnetv2_50': ONE,
    'resnetv2_50d': ONE,
    'resnetv2_50t': ONE,
    'resnetv2_101': ONE,
    'resnetv2_101d': ONE,
    'resnetv2_152': ONE,
    'resnetv2_152d': ONE,
    'resnetv2_50d_gn': ONE,
    'resnetv2_50d_evos': ONE,
    'resnetv2_50d_frn': ONE,
}


def test_registered_archs_are_exactly_the_family():
    assert set(imgzoo.list_models('resnetv2*')) == set(ARCH_ARGS) | set(BIT_WIDTHS)


@pytest.mark.parametrize('arch', BIT_WIDTHS)
def test_bit_width_matches_timm_at_reduced_depth(arch):
    """Each BiT builder's options (fixed stem, StdConv2d eps 1e-8, GroupNorm(32), its width), then those
    options at depth 1 against timm's ResNetV2 class built the way timm's BiT builders build it."""
    from timm.layers import GroupNormAct as TimmGroupNormAct
    from timm.layers import StdConv2d as TimmStdConv2d
    from timm.models.resnetv2 import ResNetV2 as TimmResNetV2

    from imgzoo.meta import meta_device
    from imgzoo.models.resnetv2 import ResNetV2
    from imgzoo.registry import get_model_entrypoint

    width = BIT_WIDTHS[arch]
    with meta_device():
        full = get_model_entrypoint(arch)()
    assert isinstance(full.stem.pad, torch.nn.ConstantPad2d) and full.stem.conv.eps == 1e-8
    assert {m.num_groups for m in full.modules() if isinstance(m, torch.nn.GroupNorm)} == {32}
    assert full.stem.conv.out_channels == 64 * width

    torch.manual_seed(0)
    reference = perturb_constants_(TimmResNetV2(
        layers=[1, 1, 1, 1], width_factor=width, stem_type='fixed', conv_layer=partial(TimmStdConv2d, eps=1e-8),
        norm_layer=partial(TimmGroupNormAct, num_groups=32), num_classes=10)).eval()
    ours = ResNetV2(layers=(1, 1, 1, 1), width_factor=width, stem_type='fixed', conv_layer='std_conv', conv_eps=1e-8,
                    norm_layer='groupnorm', num_classes=10).eval()
    ours.load_state_dict(reference.state_dict())
    assert list(ours.state_dict()) == list(reference.state_dict())
    assert_same_outputs(reference, ours, (2, 3, 64, 64), f'{arch} options at depth 1')


@pytest.mark.parametrize('arch', ARCH_ARGS)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, model_args=ARCH_ARGS[arch])
    assert list(reference.state_dict()) == list(ours.state_dict())


@pytest.mark.parametrize('arch', ARCH_ARGS)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path, model_args=ARCH_ARGS[arch])


def test_bit_convs_standardise_weights_with_eps_1e8():
    model = imgzoo.create_model('resnetv2_50x1_bit', **ONE)
    convs = [m for m in model.modules() if isinstance(m, StdConv2d)]
    assert convs and {m.eps for m in convs} == {1e-8}
    conv = convs[1]
    with torch.no_grad():
        conv.weight.mul_(7.0).add_(3.0)  # standardisation removes any per-channel scale and shift
        flat = conv.weight.reshape(conv.out_channels, -1)
        mean, var = flat.mean(1, keepdim=True), flat.var(1, unbiased=False, keepdim=True)
        expected = ((flat - mean) / torch.sqrt(var + 1e-8)).reshape_as(conv.weight)
        assert_close(conv.standardized_weight(), expected, 'standardised weight')


@pytest.mark.parametrize('arch,output_stride', [('resnetv2_50x1_bit', 16), ('resnetv2_50d', 8)])
def test_dilated_output_stride_matches_timm(arch, output_stride):
    reference = timm_model(arch, output_stride=output_stride, **ARCH_ARGS[arch])
    ours = imgzoo.create_model(arch, output_stride=output_stride, **ARCH_ARGS[arch]).eval()
    ours.load_state_dict(reference.state_dict())
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        assert ours.forward_features(x).shape[-1] == 64 // output_stride
        assert_close(ours(x), reference(x), f'{arch} at output_stride={output_stride}')
    assert [f['reduction'] for f in ours.feature_info] == [f['reduction'] for f in reference.feature_info]


def test_drop_path_rates_match_timm():
    reference = timm_model('resnetv2_50', drop_path_rate=0.2)
    ours = imgzoo.create_model('resnetv2_50', drop_path_rate=0.2)
    rates = lambda m: [getattr(b.drop_path, 'drop_prob', 0.0) for s in m.stages for b in s.blocks]  # noqa: E731
    assert rates(ours) == pytest.approx(rates(reference)) and max(rates(ours)) == pytest.approx(0.2)


@pytest.mark.parametrize('arch', ['resnetv2_50x1_bit', 'resnetv2_18d'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    _, ours = check_num_classes_adaptation(arch, tmp_path, model_args=ARCH_ARGS[arch])
    assert ours.head.fc.weight.shape[0] == 10


@pytest.mark.parametrize('arch', ['resnetv2_50x1_bit', 'resnetv2_18d', 'resnetv2_50d_evos'])
def test_in_chans_adaptation_matches_timm_logits(arch, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=1, model_args=ARCH_ARGS[arch])


def test_bad_options_are_refused():
    with pytest.raises(imgzoo.InvalidModelArgsError, match='norm_layer must be one of'):
        imgzoo.create_model('resnetv2_50', norm_layer='layernorm')
    with pytest.raises(imgzoo.InvalidModelArgsError, match='output_stride must be 8, 16 or 32'):
        imgzoo.create_model('resnetv2_50', output_stride=4)
    with pytest.raises(imgzoo.InvalidModelArgsError, match='basic=True blocks exist only with preact=True'):
        imgzoo.create_model('resnetv2_18', preact=False)
