"""VGG family: state-dict and output parity with timm in both directions, the pre-logits conv MLP, adaptation.

Every architecture at full depth; the conv MLP's hidden width is reduced (mlp_ratio=0.125) so the 7x7
head conv has 13M instead of 103M parameters. The tag tables are checked by tests/test_registry.py.
"""
from __future__ import annotations

import pytest
import torch
from parity import (
    assert_close,
    check_imgzoo_to_timm,
    check_in_chans_adaptation,
    check_num_classes_adaptation,
    check_timm_to_imgzoo,
    seeded_input,
    timm_model,
)

import imgzoo

pytestmark = pytest.mark.usefixtures('one_thread')

ARCHS = ['vgg11', 'vgg11_bn', 'vgg13', 'vgg13_bn', 'vgg16', 'vgg16_bn', 'vgg19', 'vgg19_bn']
SMALL = dict(mlp_ratio=0.125)


def test_registered_archs_are_exactly_the_family():
    assert imgzoo.list_models('vgg*') == sorted(ARCHS)


@pytest.mark.parametrize('arch', ARCHS)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, model_args=SMALL)
    assert list(reference.state_dict()) == list(ours.state_dict())


@pytest.mark.parametrize('arch', ARCHS)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path, model_args=SMALL)


@pytest.mark.parametrize('size', [(32, 32), (64, 64), (256, 256), (32, 320)])
def test_pre_logits_conv_mlp_matches_timm_below_and_above_its_kernel(size):
    """Feature maps under 7x7 are pooled up to 7x7 before the 7x7 conv (only the short side when the other is
    longer); larger ones give a map the head pools."""
    reference = timm_model('vgg11_bn', **SMALL)
    ours = imgzoo.create_model('vgg11_bn', **SMALL).eval()
    ours.load_state_dict(reference.state_dict())
    x = seeded_input((1, 3, *size))
    with torch.no_grad():
        feats = ours.forward_features(x)
        assert_close(ours.pre_logits(feats), reference.pre_logits(reference.forward_features(x)),
                     f'conv MLP output at {size}px')
        assert_close(ours.forward_head(feats, pre_logits=True), reference.forward_head(feats, pre_logits=True),
                     f'pre-logits at {size}px')
    assert ours.head_hidden_size == 4096 and ours.num_features == 512


def test_num_classes_adaptation_matches_timm_pre_logits(tmp_path):
    _, ours = check_num_classes_adaptation('vgg11_bn', tmp_path, model_args=SMALL)
    assert ours.head.fc.weight.shape == (10, 4096)


@pytest.mark.parametrize('arch', ['vgg11', 'vgg11_bn'])
def test_in_chans_adaptation_matches_timm_logits(arch, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=1, model_args=SMALL)


def test_output_stride_other_than_32_is_refused():
    with pytest.raises(imgzoo.InvalidModelArgsError, match='output_stride=32'):
        imgzoo.create_model('vgg11', output_stride=16)
