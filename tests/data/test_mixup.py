"""Mixup/CutMix: timm's images and targets for a fixed draw, soft targets that sum to one, and the loss."""
from __future__ import annotations

import numpy as np
import pytest
import timm.data.mixup
import timm.loss
import torch
from parity import assert_close

import imgzoo
from imgzoo.data import mixup as ours_mixup
from imgzoo.errors import InputSizeError, InvalidConfigError

NUM_CLASSES = 7


def _batch(size=6, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(size, 3, 13, 17, generator=gen), torch.randint(0, NUM_CLASSES, (size,), generator=gen)


def _fixed_randint(low, high=None, size=None):
    """A deterministic stand-in for the box draws: two thirds of the way through [low, high)."""
    if high is None:
        low, high = 0, low
    value = low + (2 * (int(high) - int(low) - 1)) // 3
    return value if size is None else np.full(size, value)


def _run_both(monkeypatch, kwargs, batch_params=None, elem_params=None, size=6):
    """Apply timm's and imgzoo's Mixup to one batch with the same lambda and box draws."""
    monkeypatch.setattr(np.random, 'randint', _fixed_randint)
    monkeypatch.setattr(ours_mixup, '_randint', lambda low, high: _fixed_randint(low, high))
    x, target = _batch(size)
    reference, mine = timm.data.mixup.Mixup(**kwargs), imgzoo.Mixup(**kwargs)
    if batch_params is not None:
        monkeypatch.setattr(reference, '_params_per_batch', lambda: batch_params)
        monkeypatch.setattr(mine, '_params_per_batch', lambda: batch_params)
    if elem_params is not None:
        lam, use_cutmix = elem_params
        monkeypatch.setattr(reference, '_params_per_elem',
                            lambda n: (np.array(lam[:n], dtype=np.float32), np.array(use_cutmix[:n])))
        monkeypatch.setattr(mine, '_params_per_elem',
                            lambda n: (torch.tensor(lam[:n]), torch.tensor(use_cutmix[:n])))
    expected_x, expected_t = reference(x.clone(), target.clone())
    got_x, got_t = mine(x.clone(), target.clone())
    return (got_x, got_t), (expected_x, expected_t), x


BASE = dict(num_classes=NUM_CLASSES, label_smoothing=0.1)


@pytest.mark.parametrize('kwargs,params', [
    (dict(mixup_alpha=0.8), (0.7, False)),
    (dict(mixup_alpha=0.8, cutmix_alpha=1.0), (0.62, True)),
    (dict(cutmix_alpha=1.0, correct_lam=False), (0.3, True)),
    (dict(cutmix_minmax=(0.2, 0.8)), (0.5, True)),
    (dict(mixup_alpha=0.8, label_smoothing=0.0), (1.0, False)),
], ids=['mixup', 'cutmix', 'cutmix-uncorrected', 'cutmix-minmax', 'no-mix'])
def test_batch_mode_equals_timm_for_a_fixed_draw(monkeypatch, kwargs, params):
    (got_x, got_t), (exp_x, exp_t), original = _run_both(monkeypatch, {**BASE, **kwargs}, batch_params=params)
    assert_close(got_x, exp_x, 'mixed images')
    assert_close(got_t, exp_t, 'mixed targets')
    assert torch.allclose(got_t.sum(1), torch.ones(len(got_t)))
    if params[1]:  # CutMix pastes the mirrored sample's box: some pixels come from it, the rest are untouched
        assert bool((got_x == original.flip(0)).any()) and bool((got_x == original).any())


@pytest.mark.parametrize('mode', ['elem', 'pair'])
@pytest.mark.parametrize('minmax', [None, (0.3, 0.9)])
def test_elem_and_pair_modes_equal_timm_for_fixed_draws(monkeypatch, mode, minmax):
    lam = [0.7, 1.0, 0.35, 0.9, 0.55, 0.2]
    use_cutmix = [False, False, True, True, False, True]
    kwargs = {**BASE, 'mixup_alpha': 1.0, 'cutmix_alpha': 1.0, 'cutmix_minmax': minmax, 'mode': mode}
    (got_x, got_t), (exp_x, exp_t), _ = _run_both(monkeypatch, kwargs, elem_params=(lam, use_cutmix))
    assert_close(got_x, exp_x, f'{mode} images')
    assert_close(got_t, exp_t, f'{mode} targets')
    assert torch.allclose(got_t.sum(1), torch.ones(len(got_t)))


@pytest.mark.parametrize('mode', ['batch', 'pair', 'elem'])
@pytest.mark.parametrize('alphas', [(0.8, 0.0), (0.0, 1.0), (0.8, 1.0)])
def test_random_draws_give_targets_that_sum_to_one(mode, alphas):
    torch.manual_seed(0)
    mixup = imgzoo.Mixup(mixup_alpha=alphas[0], cutmix_alpha=alphas[1], mode=mode, num_classes=NUM_CLASSES,
                         label_smoothing=0.1)
    for seed in range(5):
        x, target = _batch(8, seed)
        mixed, soft = mixup(x.clone(), target)
        assert mixed.shape == x.shape and soft.shape == (8, NUM_CLASSES) and soft.dtype == torch.float32
        assert torch.allclose(soft.sum(1), torch.ones(8)) and bool((soft >= 0).all())
        assert bool((soft.argmax(1) == target).logical_or(soft.argmax(1) == target.flip(0)).all())


def test_draws_follow_prob_and_switch_prob():
    torch.manual_seed(0)
    draws = [imgzoo.Mixup(mixup_alpha=1.0, cutmix_alpha=1.0, switch_prob=0.25, prob=0.6)._params_per_batch()
             for _ in range(2000)]
    mixed = [d for d in draws if d[0] != 1.0]
    assert 0.55 < len(mixed) / len(draws) < 0.65
    assert 0.21 < sum(cut for _, cut in mixed) / len(mixed) < 0.29
    assert 0.45 < float(np.mean([lam for lam, _ in mixed])) < 0.55  # Beta(1, 1) is uniform
    only_cutmix = imgzoo.Mixup(mixup_alpha=0.0, cutmix_alpha=1.0)
    assert all(only_cutmix._params_per_batch()[1] for _ in range(50))
    lam, use_cutmix = imgzoo.Mixup(mixup_alpha=0.5, prob=0.3)._params_per_elem(4000)
    assert 0.27 < float((lam != 1.0).float().mean()) < 0.33
    lam, use_cutmix = imgzoo.Mixup(mixup_alpha=0.5, prob=1.0)._params_per_elem(4000)
    assert not bool(use_cutmix.any()) and 0.45 < float(lam.mean()) < 0.55 and float((lam < 0.1).float().mean()) > 0.15


def test_disabled_mixup_leaves_images_and_smooths_targets():
    mixup = imgzoo.Mixup(mixup_alpha=1.0, num_classes=NUM_CLASSES, label_smoothing=0.1)
    mixup.mixup_enabled = False
    x, target = _batch()
    mixed, soft = mixup(x.clone(), target)
    assert torch.equal(mixed, x)
    assert_close(soft, timm.data.mixup.mixup_target(target, NUM_CLASSES, 1.0, 0.1), 'smoothed targets')


def test_mixup_target_matches_timm():
    _, target = _batch()
    for lam, smoothing in ((0.3, 0.0), (0.8, 0.1), (torch.rand(6, 1), 0.2)):
        assert_close(imgzoo.mixup_target(target, NUM_CLASSES, lam, smoothing),
                     timm.data.mixup.mixup_target(target, NUM_CLASSES, lam, smoothing), f'lam={lam}')
    dense = (torch.rand(6, NUM_CLASSES) > 0.5).float()
    assert_close(imgzoo.mixup_target(dense, NUM_CLASSES, 0.6, 0.1, multi_label=True),
                 timm.data.mixup.mixup_target(dense, NUM_CLASSES, 0.6, 0.1, multi_label=True), 'multi-label')


def test_soft_target_cross_entropy_matches_timm():
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(6, NUM_CLASSES, generator=gen)
    soft = torch.softmax(torch.randn(6, NUM_CLASSES, generator=gen), -1)
    assert_close(imgzoo.SoftTargetCrossEntropy()(logits, soft), timm.loss.SoftTargetCrossEntropy()(logits, soft),
                 'soft-target loss')
    target = torch.randint(0, NUM_CLASSES, (6,), generator=gen)
    assert_close(imgzoo.SoftTargetCrossEntropy()(logits, imgzoo.mixup_target(target, NUM_CLASSES)),
                 torch.nn.functional.cross_entropy(logits, target), 'one-hot targets give cross-entropy')
    with pytest.raises(InputSizeError, match='CrossEntropyLoss'):
        imgzoo.SoftTargetCrossEntropy()(logits, target)


@pytest.mark.parametrize('kwargs,match', [
    (dict(mode='row'), "Unknown Mixup mode 'row'"),
    (dict(mixup_alpha=0.0, cutmix_alpha=0.0), 'needs mixup_alpha > 0'),
    (dict(cutmix_minmax=(0.8, 0.2)), 'cutmix_minmax must be'),
    (dict(prob=1.5), r'prob must lie in \[0, 1\]'),
    (dict(num_classes=0), 'num_classes must be'),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(InvalidConfigError, match=match):
        imgzoo.Mixup(**kwargs)


def test_bad_batches_are_named():
    mixup = imgzoo.Mixup(num_classes=NUM_CLASSES)
    x, target = _batch(5)
    with pytest.raises(InputSizeError, match='batch size must be even.*drop_last=True'):
        mixup(x, target)
    x, target = _batch(6)
    with pytest.raises(InvalidConfigError, match=r'class indices in \[0, 3\).*num_classes'):
        imgzoo.Mixup(num_classes=3)(x, target + 3)
    with pytest.raises(InputSizeError, match=r'\(N, C, H, W\)'):
        mixup(x[0], target)
