"""timm's data call forms give timm's results: create_transform(**cfg), create_transform(input_size, ...),
resolve_data_config(args, model=...), resolve_model_data_config(model)."""
from __future__ import annotations

import argparse

import pytest
import skimage.data
import timm.data
import torch
from parity import assert_close
from PIL import Image

import imgzoo
from imgzoo.errors import InvalidConfigError


@pytest.fixture(scope='module')
def photos():
    return [Image.fromarray(skimage.data.chelsea()), Image.fromarray(skimage.data.astronaut()[::2, ::2].copy())]


def _as_tuples(cfg):
    return {k: tuple(v) if isinstance(v, (list, tuple)) else v for k, v in cfg.items()}


@pytest.fixture(scope='module')
def model():
    return imgzoo.create_model('resnet18', pretrained_cfg='a3_in1k', num_classes=2)


def test_resolve_data_config_with_args_and_model_matches_timm(model):
    assert _as_tuples(imgzoo.resolve_data_config({}, model=model)) == _as_tuples(
        timm.data.resolve_data_config({}, model=model))
    # A training script's whole argument dict: unrelated keys are ignored, falsy values fall through.
    args = {'img_size': 176, 'crop_pct': None, 'interpolation': '', 'mean': None, 'std': (0.5,), 'lr': 0.1,
            'model': 'resnet18', 'crop_mode': 'squash'}
    ours = imgzoo.resolve_data_config(args, model=model)
    assert _as_tuples(ours) == _as_tuples(timm.data.resolve_data_config(args, model=model))
    assert ours['input_size'] == (3, 176, 176) and ours['std'] == (0.5, 0.5, 0.5) and ours['crop_mode'] == 'squash'
    assert imgzoo.resolve_data_config(argparse.Namespace(**args), model=model) == ours


def test_resolve_model_data_config_matches_timm(model):
    for kwargs in ({}, {'use_test_size': True}, {'args': {'crop_pct': 1.0}},
                   {'pretrained_cfg': imgzoo.get_pretrained_cfg('resnet18.tv_in1k').to_dict()}):
        ours = imgzoo.resolve_model_data_config(model, **kwargs)
        assert _as_tuples(ours) == _as_tuples(timm.data.resolve_model_data_config(model, **kwargs)), kwargs
    assert imgzoo.resolve_model_data_config(model, use_test_size=True)['input_size'] == (3, 224, 224)


def test_model_first_form_and_keyword_overrides_still_work(model):
    assert imgzoo.resolve_data_config(model) == imgzoo.resolve_data_config({}, model=model)
    assert imgzoo.resolve_data_config({'crop_pct': 0.8}, model=model, crop_pct=0.7)['crop_pct'] == 0.7


def test_resolve_data_config_rejects_what_is_neither_args_nor_model(model):
    with pytest.raises(InvalidConfigError, match=r'dict of overrides.*resolve_data_config\(\{\}, model=model\)'):
        imgzoo.resolve_data_config('resnet18')
    with pytest.raises(InvalidConfigError, match='dict of overrides'):
        imgzoo.resolve_data_config(model, model=model)


@pytest.mark.parametrize('cfg', [
    dict(input_size=(3, 160, 200), interpolation='bicubic', crop_pct=0.95, crop_mode='center'),
    dict(input_size=(3, 128, 128), crop_mode='border', mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5)),
    dict(input_size=(3, 144, 144)),  # timm's create_transform defaults: bilinear, crop_pct 0.875
], ids=['center', 'border', 'defaults'])
def test_create_transform_from_config_keywords_matches_timm(cfg, photos):
    ours, reference = imgzoo.create_transform(**cfg), timm.data.create_transform(**cfg)
    mapping = imgzoo.create_transform(cfg)
    for image in photos:
        expected = reference(image)
        assert type(ours(image)) is torch.Tensor
        assert_close(ours(image), expected, 'create_transform(**cfg)')
        assert_close(mapping(image), expected, 'create_transform(cfg)')


@pytest.mark.parametrize('input_size,kwargs', [
    (160, {}),
    ((128, 176), {'interpolation': 'bicubic', 'crop_pct': 1.0}),
    ((3, 112, 112), {'crop_mode': 'squash', 'crop_border_pixels': 8}),
    (96, {'is_training': True, 'no_aug': True}),
    ((96, 128), {'is_training': True, 'no_aug': True, 'interpolation': 'random'}),
])
def test_create_transform_positional_size_matches_timm(input_size, kwargs, photos):
    ours, reference = imgzoo.create_transform(input_size, **kwargs), timm.data.create_transform(input_size, **kwargs)
    for image in photos:
        assert_close(ours(image), reference(image), f'create_transform({input_size!r}, {kwargs})')


def test_unnormalized_output_is_timm_uint8_tensor(photos):
    for kwargs in ({'normalize': False}, {'use_prefetcher': True}):
        ours = imgzoo.create_transform(128, **kwargs)(photos[0])
        expected = timm.data.create_transform(128, **kwargs)(photos[0])
        assert ours.dtype == torch.uint8 and torch.equal(ours, expected)


def test_mapping_form_takes_training_options(photos):
    cfg = imgzoo.resolve_data_config(input_size=(3, 96, 96), interpolation='bicubic')
    opts = dict(is_training=True, scale=(1.0, 1.0), ratio=(1.0, 1.0), hflip=1.0, color_jitter=None)
    assert_close(imgzoo.create_transform(cfg, **opts)(photos[1]),
                 timm.data.create_transform(**cfg, **opts)(photos[1]), 'create_transform(cfg, is_training=True)')


def test_mapping_form_rejects_a_key_given_twice():
    cfg = imgzoo.resolve_data_config(input_size=(3, 96, 96))
    with pytest.raises(InvalidConfigError, match=r"crop_pct given both.*pass each once"):
        imgzoo.create_transform(cfg, crop_pct=1.0)


@pytest.mark.parametrize('kwargs,match', [
    ({'naflex': True}, r"naflex=True has no torchvision.transforms.v2 equivalent.*docs/data.md"),
    ({'tf_preprocessing': True}, 'tf_preprocessing'),
    ({'num_classes': 10}, r"unexpected argument 'num_classes'.*resolve_data_config"),
    ({'input_size': (3, 0, 224)}, 'input_size must be'),
    ({'input_size': 'big'}, 'input_size must be'),
    ({'interpolation': 'random'}, r"'random' is for training transforms"),
    ({'interpolation': 'cubic'}, 'Unknown interpolation'),
    ({'mean': (0.5, 0.5)}, 'one per channel'),
    ({'separate': True}, 'separate=True splits a training transform'),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(InvalidConfigError, match=match):
        imgzoo.create_transform(**kwargs)


def test_options_left_at_their_off_value_are_accepted(photos):
    transform = imgzoo.create_transform(96, naflex=False, patchify=False, tf_preprocessing=False)
    assert transform(photos[0]).shape == (3, 96, 96)
