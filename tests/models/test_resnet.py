"""ResNet family: state-dict and output parity with timm in both directions, and adaptation."""
from __future__ import annotations

import pytest
from parity import (
    check_imgzoo_to_timm,
    check_in_chans_adaptation,
    check_num_classes_adaptation,
    check_timm_to_imgzoo,
    distinct_networks,
    seeded_input,
)

import imgzoo

ARCHS = [
    'resnet10t', 'resnet14t', 'resnet18', 'resnet18d', 'resnet34', 'resnet34d', 'resnet26', 'resnet26t', 'resnet26d',
    'resnet50', 'resnet50c', 'resnet50d', 'resnet50s', 'resnet50t', 'resnet101', 'resnet101c', 'resnet101d',
    'resnet101s', 'resnet152', 'resnet152c', 'resnet152d', 'resnet152s', 'resnet200', 'resnet200d', 'wide_resnet50_2',
    'wide_resnet101_2', 'resnet50_gn', 'resnext50_32x4d', 'resnext50d_32x4d', 'resnext101_32x4d', 'resnext101_32x8d',
    'resnext101_32x16d', 'resnext101_32x32d', 'resnext101_64x4d', 'ecaresnet26t', 'ecaresnet50d', 'ecaresnet50t',
    'ecaresnetlight', 'ecaresnet101d', 'ecaresnet200d', 'ecaresnet269d', 'ecaresnext26t_32x4d', 'ecaresnext50t_32x4d',
    'seresnet18', 'seresnet34', 'seresnet50', 'seresnet50t', 'seresnet101', 'seresnet152', 'seresnet152d',
    'seresnet200d', 'seresnet269d', 'seresnext26d_32x4d', 'seresnext26t_32x4d', 'seresnext50_32x4d',
    'seresnext101_32x4d', 'seresnext101_32x8d', 'seresnext101d_32x8d', 'seresnext101_64x4d', 'senet154',
    'resnetblur18', 'resnetblur50', 'resnetblur50d', 'resnetblur101d', 'resnetaa34d', 'resnetaa50', 'resnetaa50d',
    'resnetaa101d', 'seresnetaa50d', 'seresnextaa101d_32x8d', 'seresnextaa201d_32x8d', 'resnetrs50', 'resnetrs101',
    'resnetrs152', 'resnetrs200', 'resnetrs270', 'resnetrs350', 'resnetrs420', 'test_resnet',
]
PRUNED = ('ecaresnet50d_pruned', 'ecaresnet101d_pruned')  # fixed widths, full size: tests/models/test_pruned.py
SHALLOW = ('resnet10t', 'resnet14t', 'resnet18', 'resnet18d', 'resnet26', 'resnet26t', 'resnet26d', 'seresnet18',
           'ecaresnet26t', 'resnetblur18', 'test_resnet')
WIDE = ('wide_resnet50_2', 'wide_resnet101_2', 'resnext101_32x16d', 'resnext101_32x32d')


def reduced(arch: str) -> dict:
    """Parity runs at reduced size to stay inside the CI budget: up to 26 layers at full depth, deeper ones with
    one block per stage, the widest (wide, 32x16d, 32x32d) also at a quarter of the stage widths. Every
    architecture is also compared with timm at full size on the meta device (tests/test_model_contract.py)."""
    if arch in SHALLOW:
        return {}
    if arch in WIDE:
        return dict(layers=(1, 1, 1, 1), channels=(16, 32, 64, 128))
    return dict(layers=(1, 1, 1, 1))


pytestmark = pytest.mark.usefixtures('one_thread')
# Parity both ways once per distinct reduced network (parity.distinct_networks): e.g. resnet50/101/152/200
# build the same network at one block per stage, on both sides.
DISTINCT = distinct_networks(ARCHS, reduced)


def test_registered_archs_are_timms_family():
    import timm

    assert sorted(set(timm.list_models(module='resnet')) - set(PRUNED)) == sorted(ARCHS)
    assert all(imgzoo.is_model(arch) for arch in ARCHS)


@pytest.mark.parametrize('arch', DISTINCT)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, model_args=reduced(arch))
    assert list(reference.state_dict()) == list(ours.state_dict())


@pytest.mark.parametrize('arch', DISTINCT)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path, model_args=reduced(arch))


@pytest.mark.parametrize('arch', ['resnet18', 'resnet50d', 'ecaresnet26t', 'resnet50_gn', 'resnetrs50'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    _, ours = check_num_classes_adaptation(arch, tmp_path, model_args=reduced(arch) or None)
    assert ours.fc.weight.shape == (10, ours.num_features)


@pytest.mark.parametrize('arch,in_chans', [('resnet18', 1), ('resnet50d', 1), ('resnet18', 5), ('resnet10t', 1),
                                            ('resnetblur18', 1), ('resnetaa34d', 1), ('resnetrs50', 1)])
def test_in_chans_adaptation_matches_timm_logits(arch, in_chans, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=in_chans, model_args=reduced(arch) or None)


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
