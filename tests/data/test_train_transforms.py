"""Training transforms: equal to timm's with randomness disabled; with it on, the right shapes, dtypes,
value ranges and the randomness timm's options ask for (auto-augment, erasing, random interpolation)."""
from __future__ import annotations

import pytest
import skimage.data
import timm.data
import torch
from parity import assert_close
from PIL import Image
from torchvision.transforms import v2

import imgzoo
from imgzoo.data._v2_ops import RandAugmentTimm, RandomErasingTimm
from imgzoo.errors import InvalidConfigError

MEAN, STD = torch.tensor((0.485, 0.456, 0.406)), torch.tensor((0.229, 0.224, 0.225))
LOW, HIGH = ((0 - MEAN) / STD)[:, None, None], ((1 - MEAN) / STD)[:, None, None]
FIXED = dict(is_training=True, scale=(1.0, 1.0), ratio=(1.0, 1.0), hflip=0.0, color_jitter=None)


@pytest.fixture(scope='module')
def photos():
    # chelsea is 300x451 (the crop falls back to the centre square), astronaut 256x256 (the crop is the image).
    return [Image.fromarray(skimage.data.chelsea()), Image.fromarray(skimage.data.astronaut()[::2, ::2].copy())]


@pytest.mark.parametrize('kwargs', [
    dict(input_size=(3, 128, 128)),
    dict(input_size=112, interpolation='bicubic', hflip=1.0),
    dict(input_size=(3, 96, 128), vflip=1.0, mean=(0.5, 0.5, 0.5), std=(0.25, 0.25, 0.25)),
    dict(input_size=96, color_jitter=((1.3, 1.3), 0, 0)),
    dict(input_size=96, color_jitter=(0, 0, (0.6, 0.6))),
    dict(input_size=96, color_jitter=(0, (1.4, 1.4), 0), color_jitter_prob=1.0),
    dict(input_size=96, color_jitter=((1.4, 1.4), 0, 0), color_jitter_prob=0.0),
    dict(input_size=96, color_jitter=(0, 0, 0, (0.1, 0.1))),
    dict(input_size=96, grayscale_prob=1.0),
    dict(input_size=96, auto_augment='rand-m9-mstd0.5-inc1-p0', color_jitter=0.4),  # AA disables jitter
], ids=['plain', 'bicubic-hflip', 'nonsquare-vflip', 'brightness', 'saturation', 'contrast-prob', 'jitter-prob0', 'hue',
        'grayscale', 'rand-p0'])
def test_equals_timm_with_randomness_disabled(kwargs, photos):
    args = {**FIXED, **kwargs}
    ours, reference = imgzoo.create_transform(**args), timm.data.create_transform(**args)
    for image in photos:
        got = ours(image)
        assert type(got) is torch.Tensor and got.dtype == torch.float32
        assert_close(got, reference(image), f'training transform {kwargs}')


def test_separate_stages_compose_to_the_whole(photos):
    args = {**FIXED, 'input_size': 96, 'hflip': 1.0, 'color_jitter': ((1.2, 1.2), 0, 0)}
    first, second, third = imgzoo.create_transform(**args, separate=True)
    t_first, t_second, t_third = timm.data.create_transform(**args, separate=True)
    image = photos[0]
    assert_close(third(second(first(image))), imgzoo.create_transform(**args)(image), 'separate stages')
    assert_close(third(second(first(image))), t_third(t_second(t_first(image))), 'separate stages vs timm')


def test_random_interpolation_draws_bilinear_or_bicubic(photos):
    args = {**FIXED, 'input_size': 80}
    bilinear = timm.data.create_transform(**args, interpolation='bilinear')(photos[0])
    bicubic = timm.data.create_transform(**args, interpolation='bicubic')(photos[0])
    transform = imgzoo.create_transform(**args, interpolation='random')
    torch.manual_seed(0)
    seen = set()
    for _ in range(12):
        out = transform(photos[0])
        seen.add('bilinear' if torch.allclose(out, bilinear, atol=1e-5) else
                 'bicubic' if torch.allclose(out, bicubic, atol=1e-5) else 'other')
    assert seen == {'bilinear', 'bicubic'}


@pytest.mark.parametrize('auto_augment', ['rand-m9-mstd0.5-inc1', 'rand-m7-n3-mstd101-mmax8', 'rand-m9-mstd0.5',
                                          'augmix-m5-w4-d2', 'original', 'originalr-mstd0.5', '3a',
                                          'trivialaugment'])
@pytest.mark.parametrize('interpolation', ['random', 'bicubic'])
def test_auto_augment_policies_give_normalised_images(auto_augment, interpolation, photos):
    transform = imgzoo.create_transform((3, 96, 112), is_training=True, auto_augment=auto_augment,
                                        interpolation=interpolation)
    plain = imgzoo.create_transform((3, 96, 112), is_training=True, interpolation='bilinear', color_jitter=None,
                                    hflip=0.0, scale=(1.0, 1.0), ratio=(1.0, 1.0))(photos[0])
    torch.manual_seed(0)
    outs = [transform(photos[0]) for _ in range(6)]
    for out in outs:
        assert out.shape == (3, 96, 112) and out.dtype == torch.float32
        assert bool(((out >= LOW - 1e-5) & (out <= HIGH + 1e-5)).all())
    assert any(not torch.allclose(a, b) for a, b in zip(outs, outs[1:])), 'no randomness'
    assert all(out.shape == plain.shape for out in outs)


def _step(transform, cls):
    return next(t for t in transform.transforms if isinstance(t, cls))


def test_policy_strings_set_the_v2_options():
    def build(spec):
        return imgzoo.create_transform(96, is_training=True, auto_augment=spec)

    rand = _step(build('rand-m7-n3-mstd101-mmax8-p0.7-inc1'), RandAugmentTimm)
    assert (rand.num_ops, rand.level, rand.magnitude_std, rand.magnitude_max, rand.prob) == (3, 7.0, float('inf'), 8.0, 0.7)
    rand = _step(build('rand-m9-mstd0.5'), RandAugmentTimm)
    assert (rand.num_ops, rand.level, rand.magnitude_std, rand.magnitude_max, rand.prob) == (2, 9.0, 0.5, 10.0, 0.5)
    assert list(rand.fill) == [124, 116, 104]  # geometric ops fill with the mean colour, as timm's img_mean
    augmix = _step(build('augmix-m5-w4-d2'), v2.AugMix)
    assert (augmix.severity, augmix.mixture_width, augmix.chain_depth, augmix.alpha) == (5, 4, 2, 1.0)
    assert _step(build('original'), v2.AutoAugment).policy == v2.AutoAugmentPolicy.IMAGENET


def test_rand_augment_magnitude_noise_and_clipping():
    torch.manual_seed(0)
    noisy = RandAugmentTimm(2, magnitude=9, magnitude_std=0.5)
    levels = torch.tensor([noisy._draw_level() for _ in range(2000)])
    assert 8.9 < float(levels.mean()) < 9.1 and 0.4 < float(levels.std()) < 0.5  # clipped at 10 above
    assert float(levels.max()) == 10.0
    uniform = RandAugmentTimm(2, magnitude=7, magnitude_std=float('inf'), magnitude_max=5)
    levels = torch.tensor([uniform._draw_level() for _ in range(2000)])
    assert float(levels.min()) >= 0 and float(levels.max()) == 5.0 and 0.25 < float((levels < 2.5).float().mean()) < 0.45
    assert RandAugmentTimm(2, magnitude=6)._draw_level() == 6.0


def test_rand_augment_applies_each_op_with_its_probability(photos):
    image = v2.functional.pil_to_tensor(photos[1])
    torch.manual_seed(0)
    assert torch.equal(RandAugmentTimm(3, magnitude=9, prob=0.0)(image), image)
    changed = sum(not torch.equal(RandAugmentTimm(1, magnitude=9, prob=0.5)(image), image) for _ in range(200))
    # Equalize/AutoContrast/Posterize/... each change this photo; about half the draws apply the op.
    assert 70 < changed < 130


@pytest.mark.parametrize('re_mode', ['const', 'rand', 'pixel'])
def test_random_erasing_modes(re_mode, photos):
    transform = imgzoo.create_transform(**{**FIXED, 'input_size': 96}, re_prob=1.0, re_mode=re_mode)
    clean = imgzoo.create_transform(**{**FIXED, 'input_size': 96})(photos[1])
    torch.manual_seed(0)
    for _ in range(5):
        out = transform(photos[1])
        assert out.shape == (3, 96, 96) and out.dtype == torch.float32 and bool(out.isfinite().all())
        erased = (out != clean).any(0)
        assert erased.any()
        values = out[:, erased]
        if re_mode == 'const':
            assert bool((values == 0).all())
        elif re_mode == 'rand':  # one normal value per channel
            assert bool((values == values[:, :1]).all()) and not bool((values == 0).all())
        else:  # per-pixel normal values
            assert values.unique().numel() > values.shape[1]


def test_random_erasing_count_splits_the_area():
    image = torch.ones(3, 60, 60)
    torch.manual_seed(0)
    single = RandomErasingTimm(1.0, mode='const', max_count=1)
    multi = RandomErasingTimm(1.0, mode='const', max_count=4)
    single_area = torch.tensor([float((single(image.clone()) == 0).all(0).float().mean()) for _ in range(300)])
    multi_area = torch.tensor([float((multi(image.clone()) == 0).all(0).float().mean()) for _ in range(300)])
    # Each of n boxes covers (0.02..1/3)/n of the image: the total stays within 1/3 whatever n is.
    assert float(single_area.max()) <= 1 / 3 + 0.02 and float(multi_area.max()) <= 1 / 3 + 0.02
    assert float(single_area.min()) > 0 and float(multi_area.min()) > 0
    assert RandomErasingTimm(0.0, max_count=3)(image) is image


@pytest.mark.parametrize('auto_augment', ['rand-m9-n4-p1', 'augmix-m5', 'original', 'trivialaugment'])
def test_training_takes_uint8_tensors_with_bicubic(auto_augment, photos):
    # v2's tensor affine kernels have no bicubic: geometric ops fall back to bilinear instead of failing.
    tensor = v2.functional.pil_to_tensor(photos[0])
    transform = imgzoo.create_transform(128, is_training=True, auto_augment=auto_augment, interpolation='bicubic',
                                        re_prob=0.5)
    torch.manual_seed(0)
    for _ in range(8):
        out = transform(tensor)
        assert out.shape == (3, 128, 128) and out.dtype == torch.float32


@pytest.mark.parametrize('kwargs,match', [
    ({'auto_augment': 'v0'}, r"'v0' AutoAugment policy has no v2 equivalent.*'rand-m9-mstd0.5-inc1'"),
    ({'auto_augment': 'rand-m9-x3'}, r"unknown section 'x3'"),
    ({'auto_augment': 'rand-m9-tweights'}, r"named op sets"),
    ({'auto_augment': 'augmix-m0'}, 'severity m must be 1..10'),
    ({'auto_augment': 'fancy'}, 'unknown policy'),
    ({'re_mode': 'noise', 're_prob': 0.5}, "Unknown re_mode 'noise'"),
    ({'re_count': 0, 're_prob': 0.5}, 're_count must be'),
    ({'re_num_splits': 2}, 're_num_splits'),
    ({'train_crop_mode': 'rkrc'}, "train_crop_mode='rkrc'"),
    ({'color_jitter': (0.4, 0.4)}, 'color_jitter must be'),
])
def test_bad_training_options_are_named(kwargs, match):
    with pytest.raises(InvalidConfigError, match=match):
        imgzoo.create_transform(96, is_training=True, **kwargs)
