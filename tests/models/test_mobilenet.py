"""MobileNetV2 and MobileNetV3: parity with timm in both directions, the efficient head's API, adaptation."""
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

# One or more architectures per block variant and head (full size, 64x64 inputs); every architecture of the
# family is also checked against timm on the meta device by tests/test_model_contract.py.
ARCHS = ['mobilenetv2_100', 'mobilenetv2_140', 'mobilenetv3_large_100', 'mobilenetv3_small_050', 'mobilenetv3_rw',
         'tf_mobilenetv3_large_100', 'tf_mobilenetv3_large_minimal_100', 'tf_mobilenetv3_small_075', 'fbnetv3_b',
         'lcnet_050', 'mobilenetv4_conv_small_050', 'mobilenetv4_conv_medium', 'mobilenetv4_hybrid_medium',
         'mobilenetv4_hybrid_large_075', 'mobilenetv4_conv_aa_medium', 'mobilenetv4_conv_blur_medium']
SAME_PADDING = ['tf_mobilenetv3_large_100', 'tf_mobilenetv3_small_075']


def test_registered_archs_include_the_family():
    assert set(imgzoo.list_models('mobilenetv*')) | set(imgzoo.list_models('tf_mobilenetv3*')) >= {
        a for a in ARCHS if 'mobilenet' in a}


def test_blur_filter_is_recomputed_after_a_meta_build(tmp_path):
    # The blur filter is a non-persistent buffer: a pretrained load (meta build) must recompute it.
    _, ours = check_timm_to_imgzoo('mobilenetv4_conv_blur_medium', tmp_path)
    filters = [m.filt for m in ours.modules() if type(m).__name__ == 'BlurPool2d']
    assert filters and all(torch.allclose(f[0, 0], torch.tensor([[1., 2, 1], [2, 4, 2], [1, 2, 1]]) / 16)
                           for f in filters)


def test_stop_early_needs_intermediates_only():
    model = imgzoo.create_model('mobilenetv3_small_050')
    with pytest.raises(imgzoo.InvalidModelArgsError, match='intermediates_only'):
        model.forward_intermediates(seeded_input((1, 3, 32, 32)), indices=1, stop_early=True)


@pytest.mark.parametrize('arch', ARCHS)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path)
    assert list(reference.state_dict()) == list(ours.state_dict())
    if arch in SAME_PADDING:
        x = seeded_input((1, 3, 225, 225))
        with torch.no_grad():
            assert_close(reference(x), ours(x), 'outputs')
@pytest.mark.parametrize('arch', ARCHS)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path)


@pytest.mark.parametrize('arch', ['mobilenetv2_100', 'mobilenetv3_large_100', 'mobilenetv4_hybrid_medium'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    check_num_classes_adaptation(arch, tmp_path, num_classes=5)


@pytest.mark.parametrize('arch', ['mobilenetv3_small_100', 'mobilenetv4_conv_small_050'])
def test_in_chans_adaptation_matches_timm_logits(arch, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=1)


def test_efficient_head_widths_and_features_api():
    model = imgzoo.create_model('mobilenetv3_large_100').eval()
    x = seeded_input((1, 3, 64, 64))
    assert model.num_features == 960 and model.head_hidden_size == 1280
    features = model.forward_features(x)
    assert features.shape == (1, 960, 2, 2)
    assert model.forward_head(features, pre_logits=True).shape == (1, 1280)
    assert model(x).shape == (1, 1000)
    model.reset_classifier(0)
    assert model(x).shape == (1, 1280)
    model.reset_classifier(4, global_pool='max')
    assert model(x).shape == (1, 4) and model.get_classifier().in_features == 1280


def test_efficient_head_refuses_a_pooling_of_another_width():
    model = imgzoo.create_model('mobilenetv3_small_100')
    with pytest.raises(imgzoo.InvalidModelArgsError, match='catavgmax'):
        model.reset_classifier(10, global_pool='catavgmax')
    wide = imgzoo.create_model('mobilenetv3_small_100', global_pool='catavgmax').eval()
    assert wide.conv_head.in_channels == 2 * wide.num_features
    assert wide(seeded_input((1, 3, 64, 64))).shape == (1, 1000)


def test_mobilenetv2_head_and_features_api():
    model = imgzoo.create_model('mobilenetv2_140', num_classes=0).eval()
    x = seeded_input((1, 3, 64, 64))
    assert model.num_features == 1792
    assert model.forward_features(x).shape == (1, 1792, 2, 2)
    assert model(x).shape == (1, 1792)


def test_drop_rates_are_accepted_and_train():
    model = imgzoo.create_model('mobilenetv3_large_100', drop_rate=0.2, drop_path_rate=0.1)
    assert model.drop_rate == 0.2
    model.train()
    model(seeded_input((2, 3, 32, 32))).sum().backward()
    assert model.conv_stem.weight.grad is not None
