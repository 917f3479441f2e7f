"""ResNet family: state-dict and output parity with timm in both directions, and adaptation."""
from __future__ import annotations

import pytest
from parity import (
    check_imgzoo_to_timm,
    check_in_chans_adaptation,
    check_num_classes_adaptation,
    check_timm_to_imgzoo,
    seeded_input,
)

import imgzoo

ARCHS = [
    'resnet18', 'resnet26', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'resnet50d', 'resnet26d',
    'resnext50_32x4d', 'resnext101_32x8d', 'wide_resnet50_2', 'wide_resnet101_2', 'seresnet50',
]


def test_registered_archs_are_exactly_the_family():
    assert set(imgzoo.list_models('*resne*')) >= set(ARCHS)


@pytest.mark.parametrize('arch', ARCHS)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path)
    assert list(reference.state_dict()) == list(ours.state_dict())


@pytest.mark.parametrize('arch', ARCHS)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path)


@pytest.mark.parametrize('arch', ['resnet18', 'resnet50d'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    _, ours = check_num_classes_adaptation(arch, tmp_path)
    assert ours.fc.weight.shape == (10, ours.num_features)


@pytest.mark.parametrize('arch,in_chans', [('resnet18', 1), ('resnet50d', 1), ('resnet18', 5)])
def test_in_chans_adaptation_matches_timm_logits(arch, in_chans, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=in_chans)


def test_global_pool_and_features_api(tmp_path):
    model = imgzoo.create_model('resnet18', num_classes=0, global_pool='catavgmax').eval()
    x = seeded_input((1, 3, 64, 64))
    assert model(x).shape == (1, 1024)
    assert model.forward_features(x).shape == (1, 512, 2, 2)
    model.reset_classifier(7)
    assert model(x).shape == (1, 7)
    assert model.forward_head(model.forward_features(x), pre_logits=True).shape == (1, 1024)


def test_drop_rates_are_accepted():
    model = imgzoo.create_model('resnet50', drop_rate=0.2, drop_path_rate=0.1)
    assert model.drop_rate == 0.2
    model.train()
    model(seeded_input((2, 3, 32, 32))).sum().backward()
