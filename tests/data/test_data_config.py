"""resolve_data_config: timm's precedence (overrides, then the pretrained config, then defaults)."""
from __future__ import annotations

import pytest
import timm.data

import imgzoo
from imgzoo.errors import InvalidConfigError

CFG = {
    'input_size': (3, 240, 260), 'test_input_size': (3, 288, 300), 'interpolation': 'bilinear',
    'mean': (0.5, 0.4, 0.3), 'std': (0.2, 0.3, 0.4), 'crop_pct': 0.9, 'test_crop_pct': 1.0, 'crop_mode': 'squash',
}


def _timm(pretrained_cfg, args=None, use_test_size=False):
    resolved = timm.data.resolve_data_config(args=args or {}, pretrained_cfg=pretrained_cfg,
                                             use_test_size=use_test_size)
    return {k: tuple(v) if isinstance(v, (list, tuple)) else v for k, v in resolved.items()}


@pytest.mark.parametrize('pretrained_cfg', [CFG, {'num_classes': 10}, {'input_size': [3, 192, 192], 'crop_pct': 1.0}])
@pytest.mark.parametrize('use_test_size', [False, True])
@pytest.mark.parametrize('overrides', [
    {},
    {'input_size': (3, 128, 160)},
    {'img_size': 96, 'crop_pct': 0.8, 'crop_mode': 'border', 'interpolation': 'bicubic'},
    {'mean': (0.1, 0.2, 0.3), 'std': (0.9, 0.8, 0.7)},
])
def test_matches_timm(pretrained_cfg, use_test_size, overrides):
    ours = imgzoo.resolve_data_config(pretrained_cfg=pretrained_cfg, use_test_size=use_test_size, **overrides)
    assert ours == _timm(pretrained_cfg, overrides, use_test_size)


def test_model_cfg_is_used_and_explicit_cfg_wins():
    model = imgzoo.create_model('resnet18', pretrained_cfg='tv_in1k', num_classes=2)
    assert imgzoo.resolve_data_config(model)['interpolation'] == 'bilinear'
    assert imgzoo.resolve_data_config(model) == _timm(model.pretrained_cfg)
    explicit = imgzoo.get_pretrained_cfg('resnet18.a1_in1k')
    assert imgzoo.resolve_data_config(model, explicit)['crop_pct'] == 0.95
    assert imgzoo.resolve_data_config(model, interpolation='nearest')['interpolation'] == 'nearest'


def test_defaults_without_any_config():
    assert imgzoo.resolve_data_config() == {
        'input_size': (3, 224, 224), 'interpolation': 'bicubic', 'mean': (0.485, 0.456, 0.406),
        'std': (0.229, 0.224, 0.225), 'crop_pct': 0.875, 'crop_mode': 'center',
    }


def test_channel_statistics_follow_in_chans():
    one = imgzoo.resolve_data_config(pretrained_cfg=CFG, in_chans=1)
    assert one['input_size'] == (1, 240, 260)
    assert one['mean'] == pytest.approx((0.4,)) and one['std'] == pytest.approx((0.3,))
    assert imgzoo.resolve_data_config(in_chans=2, mean=(0.5,))['mean'] == (0.5, 0.5)
    with pytest.raises(InvalidConfigError, match='one per channel'):
        imgzoo.resolve_data_config(mean=(0.5, 0.5))


@pytest.mark.parametrize('bad,match', [
    ({'crop_mode': 'zoom'}, 'crop_mode'),
    ({'interpolation': 'random'}, 'interpolation'),
    ({'crop_pct': 0}, 'crop_pct'),
    ({'input_size': (224, 224)}, 'input_size'),
    ({'std': (0.1, 0.0, 0.1)}, 'std'),
])
def test_bad_values_are_named(bad, match):
    with pytest.raises(InvalidConfigError, match=match):
        imgzoo.resolve_data_config(**bad)
