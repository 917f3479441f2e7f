"""EfficientNet, EfficientNet-Lite and EfficientNetV2: parity with timm in both directions, head API, adaptation."""
from __future__ import annotations

import pytest
import torch
from parity import (
    assert_close,
    check_imgzoo_to_timm,
    check_in_chans_adaptation,
    check_num_classes_adaptation,
    check_timm_to_imgzoo,
    max_diff,
    seeded_input,
)

import imgzoo

PYTORCH_PADDING = ['efficientnet_b0', 'efficientnet_b1', 'efficientnet_b2', 'efficientnet_b3', 'efficientnet_b4',
                   'efficientnetv2_rw_s', 'efficientnet_lite0']
SAME_PADDING = ['tf_efficientnet_b0', 'tf_efficientnet_b1', 'tf_efficientnet_b2', 'tf_efficientnet_b3',
                'tf_efficientnetv2_s', 'tf_efficientnetv2_m', 'tf_efficientnet_lite0', 'tf_efficientnet_lite1',
                'tf_efficientnet_lite2', 'tf_efficientnet_lite3', 'tf_efficientnet_lite4']
ARCHS = PYTORCH_PADDING + SAME_PADDING
# Odd at every stride-2 stage (65 → 33 → 17 → 9 → 5 → 3), so TF 'same' padding is asymmetric throughout.
ODD_INPUT = (1, 3, 65, 65)


def test_registered_archs_include_the_family():
    assert set(imgzoo.list_models('*efficientnet*')) >= set(ARCHS)
    assert all(imgzoo.get_pretrained_cfg(a).classifier == 'classifier' for a in ARCHS)


@pytest.mark.parametrize('arch', ARCHS)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path)
    assert list(reference.state_dict()) == list(ours.state_dict())
    if arch in SAME_PADDING:
        x = seeded_input(ODD_INPUT)
        with torch.no_grad():
            assert_close(reference(x), ours(x), 'outputs')
@pytest.mark.parametrize('arch', ARCHS)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path)


def test_same_padding_at_imagenet_odd_size(tmp_path):
    reference, ours = check_timm_to_imgzoo('tf_efficientnet_lite0', tmp_path, input_shape=(1, 3, 225, 225))
    assert type(ours.conv_stem).__name__ == 'Conv2dSame'


def test_tf_variants_use_tf_batchnorm_eps_and_can_override_it():
    assert imgzoo.create_model('tf_efficientnet_b0').bn1.eps == 1e-3
    assert imgzoo.create_model('efficientnet_b0').bn1.eps == 1e-5
    model = imgzoo.create_model('tf_efficientnet_lite0', pad_type='', bn_eps=1e-5)
    assert model.bn1.eps == 1e-5 and type(model.conv_stem).__name__ == 'Conv2d'


def test_num_classes_adaptation_matches_timm_pre_logits(tmp_path):
    _, ours = check_num_classes_adaptation('efficientnet_b0', tmp_path)
    assert ours.classifier.weight.shape == (10, 1280)


@pytest.mark.parametrize('in_chans', [1, 4])
def test_in_chans_adaptation_matches_timm_logits(in_chans, tmp_path):
    check_in_chans_adaptation('tf_efficientnet_lite0', tmp_path, in_chans=in_chans)


def test_global_pool_and_features_api():
    model = imgzoo.create_model('efficientnet_b0', num_classes=0, global_pool='catavgmax').eval()
    x = seeded_input((1, 3, 64, 64))
    assert model.num_features == 1280
    assert model(x).shape == (1, 2560)
    assert model.forward_features(x).shape == (1, 1280, 2, 2)
    model.reset_classifier(7)
    assert model(x).shape == (1, 7) and model.get_classifier().out_features == 7
    assert model.forward_head(model.forward_features(x), pre_logits=True).shape == (1, 2560)
    model.reset_classifier(3, global_pool='max')
    assert model(x).shape == (1, 3)


def test_drop_rates_reach_the_blocks_and_train():
    model = imgzoo.create_model('efficientnetv2_rw_s', drop_rate=0.2, drop_path_rate=0.2)
    assert model.drop_rate == 0.2
    rates = [b.drop_path.drop_prob for stage in model.blocks for b in stage if hasattr(b.drop_path, 'drop_prob')]
    assert rates == sorted(rates) and 0 < rates[-1] < 0.2
    model.train()
    model(seeded_input((2, 3, 32, 32))).sum().backward()
    assert model.conv_stem.weight.grad is not None


def test_builds_on_meta_device():
    with torch.device('meta'):
        model = imgzoo.create_model('tf_efficientnetv2_m', drop_path_rate=0.1)
    assert all(p.is_meta for p in model.parameters())
