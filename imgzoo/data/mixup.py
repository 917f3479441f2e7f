"""MixUp and CutMix on batches, with timm's `Mixup` arguments and results.

Each sample is mixed with its mirror in the batch (sample i with sample B-1-i), as timm does, and
targets become mixed one-hot vectors with label smoothing. `torchvision.transforms.v2.MixUp` and
`CutMix` pair each sample with the previous one (a roll), have no label smoothing, no per-element
or per-pair modes and a box one pixel narrower on odd sizes, so they cannot give timm's results;
this module follows timm's procedure on plain tensor ops and draws from torch's random generator
(seed with `torch.manual_seed`). docs/data.md lists the differences.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence, Tuple, Union

import torch

from ..errors import InputSizeError, InvalidConfigError

MIXUP_MODES = ('batch', 'pair', 'elem')

Box = Tuple[int, int, int, int]


def one_hot(target: torch.Tensor, num_classes: int, on_value: float = 1.0, off_value: float = 0.0) -> torch.Tensor:
    """(N, num_classes) float vectors: on_value at each target class, off_value elsewhere."""
    index = target.long().view(-1, 1)
    return torch.full((index.shape[0], num_classes), off_value, device=target.device).scatter_(1, index, on_value)


def mixup_target(target: torch.Tensor, num_classes: int, lam: Union[float, torch.Tensor] = 1.0,
                 smoothing: float = 0.0, multi_label: bool = False) -> torch.Tensor:
    """Soft targets: lam x (smoothed one-hot of target) + (1 - lam) x the same for the mirrored batch.

    With multi_label, target is already (N, num_classes) and is smoothed towards 0.5.
    """
    if multi_label:
        if target.ndim != 2 or target.shape[1] != num_classes:
            raise InputSizeError(
                f"Multi-label mixup takes targets shaped (batch, num_classes={num_classes}), got "
                f"{tuple(target.shape)}. Pass class indices with multi_label=False."
            )
        y1 = target.float() * (1.0 - smoothing) + 0.5 * smoothing
    else:
        off_value = smoothing / num_classes
        y1 = one_hot(target, num_classes, on_value=1.0 - smoothing + off_value, off_value=off_value)
    return y1 * lam + y1.flip(0) * (1.0 - lam)


def _randint(low: int, high: int) -> int:
    """A uniform integer in [low, high)."""
    return int(torch.randint(low, high, ()))


def _beta(alpha: float, count: Optional[int] = None) -> torch.Tensor:
    concentration = torch.tensor([float(alpha)] * (count or 1))
    return torch.distributions.Beta(concentration, concentration).sample()


def rand_bbox(img_shape: Sequence[int], lam: float) -> Box:
    """(top, bottom, left, right) of a box of side sqrt(1 - lam) of the image's, centred on a
    uniformly drawn pixel and clipped to the image."""
    ratio = math.sqrt(1.0 - lam)
    img_h, img_w = img_shape[-2:]
    cut_h, cut_w = int(img_h * ratio), int(img_w * ratio)
    cy, cx = _randint(0, img_h), _randint(0, img_w)
    yl, yh = min(max(cy - cut_h // 2, 0), img_h), min(max(cy + (cut_h + 1) // 2, 0), img_h)
    xl, xh = min(max(cx - cut_w // 2, 0), img_w), min(max(cx + (cut_w + 1) // 2, 0), img_w)
    return yl, yh, xl, xh


def rand_bbox_minmax(img_shape: Sequence[int], minmax: Sequence[float]) -> Box:
    """(top, bottom, left, right) of a box whose sides are drawn between minmax[0] and minmax[1] of
    the image's, placed uniformly inside the image."""
    img_h, img_w = img_shape[-2:]
    cut_h = _randint(int(img_h * minmax[0]), int(img_h * minmax[1]))
    cut_w = _randint(int(img_w * minmax[0]), int(img_w * minmax[1]))
    yl, xl = _randint(0, img_h - cut_h + 1), _randint(0, img_w - cut_w + 1)
    return yl, yl + cut_h, xl, xl + cut_w


def cutmix_bbox_and_lam(img_shape: Sequence[int], lam: float, ratio_minmax: Optional[Sequence[float]] = None,
                        correct_lam: bool = True) -> Tuple[Box, float]:
    """A CutMix box and the lambda it gives: 1 - box area / image area when correcting (always with minmax)."""
    if ratio_minmax is not None:
        box = rand_bbox_minmax(img_shape, ratio_minmax)
    else:
        box = rand_bbox(img_shape, lam)
    if correct_lam or ratio_minmax is not None:
        yl, yh, xl, xh = box
        lam = 1.0 - (yh - yl) * (xh - xl) / float(img_shape[-2] * img_shape[-1])
    return box, lam


class Mixup:
    """MixUp / CutMix for a batch, called as `images, soft_targets = mixup(images, targets)`.

    Arguments are timm's: mixup_alpha and cutmix_alpha (Beta distribution parameters; a mix is
    active when > 0), cutmix_minmax (box sides drawn in this fraction range instead of from lambda;
    forces cutmix_alpha=1), prob (chance a batch or element is mixed), switch_prob (chance of CutMix
    instead of MixUp when both are active), mode ('batch': one lambda per batch, 'pair': per pair of
    mirrored samples, 'elem': per sample), correct_lam (lambda from the clipped box area),
    label_smoothing, num_classes, multi_label. images are mixed in place; the batch size must be even.
    Set `mixup_enabled = False` to stop mixing (e.g. for the last epochs).
    """

    def __init__(self, mixup_alpha: float = 1.0, cutmix_alpha: float = 0.0,
                 cutmix_minmax: Optional[Sequence[float]] = None, prob: float = 1.0, switch_prob: float = 0.5,
                 mode: str = 'batch', correct_lam: bool = True, label_smoothing: float = 0.1,
                 num_classes: int = 1000, multi_label: bool = False) -> None:
        if mode not in MIXUP_MODES:
            raise InvalidConfigError(f"Unknown Mixup mode {mode!r}; use one of {', '.join(MIXUP_MODES)}.")
        if cutmix_minmax is not None:
            if len(cutmix_minmax) != 2 or not 0.0 <= cutmix_minmax[0] < cutmix_minmax[1] <= 1.0:
                raise InvalidConfigError(
                    f"cutmix_minmax must be (min, max) fractions of the image side with 0 <= min < max <= 1, "
                    f"got {cutmix_minmax!r} (e.g. (0.2, 0.8))."
                )
            cutmix_alpha = 1.0
        if mixup_alpha < 0 or cutmix_alpha < 0 or not (mixup_alpha > 0 or cutmix_alpha > 0):
            raise InvalidConfigError(
                f"Mixup needs mixup_alpha > 0, cutmix_alpha > 0 or cutmix_minmax, and no negative alpha; got "
                f"mixup_alpha={mixup_alpha}, cutmix_alpha={cutmix_alpha}."
            )
        for name, value in (('prob', prob), ('switch_prob', switch_prob), ('label_smoothing', label_smoothing)):
            if not 0.0 <= value <= 1.0:
                raise InvalidConfigError(f"{name} must lie in [0, 1], got {value!r}.")
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
            raise InvalidConfigError(f"num_classes must be a positive integer, got {num_classes!r}.")
        self.mixup_alpha = float(mixup_alpha)
        self.cutmix_alpha = float(cutmix_alpha)
        self.cutmix_minmax = tuple(cutmix_minmax) if cutmix_minmax is not None else None
        self.mix_prob = float(prob)
        self.switch_prob = float(switch_prob)
        self.label_smoothing = float(label_smoothing)
        self.num_classes = num_classes
        self.multi_label = multi_label
        self.mode = mode
        self.correct_lam = correct_lam
        self.mixup_enabled = True

    def _params_per_elem(self, count: int) -> Tuple[torch.Tensor, torch.Tensor]:
        lam = torch.ones(count)
        use_cutmix = torch.zeros(count, dtype=torch.bool)
        if not self.mixup_enabled:
            return lam, use_cutmix
        if self.mixup_alpha > 0 and self.cutmix_alpha > 0:
            use_cutmix = torch.rand(count) < self.switch_prob
            lam_mix = torch.where(use_cutmix, _beta(self.cutmix_alpha, count), _beta(self.mixup_alpha, count))
        elif self.mixup_alpha > 0:
            lam_mix = _beta(self.mixup_alpha, count)
        else:
            use_cutmix = torch.ones(count, dtype=torch.bool)
            lam_mix = _beta(self.cutmix_alpha, count)
        return torch.where(torch.rand(count) < self.mix_prob, lam_mix, lam), use_cutmix

    def _params_per_batch(self) -> Tuple[float, bool]:
        if not (self.mixup_enabled and float(torch.rand(())) < self.mix_prob):
            return 1.0, False
        if self.mixup_alpha > 0 and self.cutmix_alpha > 0:
            use_cutmix = float(torch.rand(())) < self.switch_prob
        else:
            use_cutmix = self.mixup_alpha <= 0
        return float(_beta(self.cutmix_alpha if use_cutmix else self.mixup_alpha)), use_cutmix

    def _mix_elem(self, x: torch.Tensor) -> torch.Tensor:
        batch_size = len(x)
        lam_batch, use_cutmix = self._params_per_elem(batch_size)
        lams = lam_batch.tolist()
        x_orig = x.clone()
        for i in range(batch_size):
            j = batch_size - i - 1
            if lams[i] != 1.0:
                if use_cutmix[i]:
                    (yl, yh, xl, xh), lams[i] = cutmix_bbox_and_lam(x[i].shape, lams[i], self.cutmix_minmax,
                                                                      self.correct_lam)
                    x[i][:, yl:yh, xl:xh] = x_orig[j][:, yl:yh, xl:xh]
                else:
                    x[i] = x[i] * lams[i] + x_orig[j] * (1 - lams[i])
        return torch.tensor(lams, device=x.device, dtype=x.dtype).unsqueeze(1)

    def _mix_pair(self, x: torch.Tensor) -> torch.Tensor:
        batch_size = len(x)
        lam_batch, use_cutmix = self._params_per_elem(batch_size // 2)
        lams = lam_batch.tolist()
        x_orig = x.clone()
        for i in range(batch_size // 2):
            j = batch_size - i - 1
            if lams[i] != 1.0:
                if use_cutmix[i]:
                    (yl, yh, xl, xh), lams[i] = cutmix_bbox_and_lam(x[i].shape, lams[i], self.cutmix_minmax,
                                                                      self.correct_lam)
                    x[i][:, yl:yh, xl:xh] = x_orig[j][:, yl:yh, xl:xh]
                    x[j][:, yl:yh, xl:xh] = x_orig[i][:, yl:yh, xl:xh]
                else:
                    x[i] = x[i] * lams[i] + x_orig[j] * (1 - lams[i])
                    x[j] = x[j] * lams[i] + x_orig[i] * (1 - lams[i])
        return torch.tensor(lams + lams[::-1], device=x.device, dtype=x.dtype).unsqueeze(1)

    def _mix_batch(self, x: torch.Tensor) -> float:
        lam, use_cutmix = self._params_per_batch()
        if lam == 1.0:
            return 1.0
        if use_cutmix:
            (yl, yh, xl, xh), lam = cutmix_bbox_and_lam(x.shape, lam, self.cutmix_minmax, self.correct_lam)
            x[:, :, yl:yh, xl:xh] = x.flip(0)[:, :, yl:yh, xl:xh]
        else:
            x_flipped = x.flip(0).mul_(1.0 - lam)
            x.mul_(lam).add_(x_flipped)
        return lam

    def __call__(self, x: torch.Tensor, target: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        if not isinstance(x, torch.Tensor) or x.ndim != 4:
            raise InputSizeError(
                f"Mixup takes a batch of images shaped (N, C, H, W), got "
                f"{tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__}."
            )
        if len(x) % 2:
            raise InputSizeError(
                f"Mixup pairs each image with its mirror in the batch, so the batch size must be even, got {len(x)}. "
                "Use drop_last=True in the DataLoader, or an even batch size."
            )
        if not self.multi_label and target.numel() and (int(target.min()) < 0 or int(target.max()) >= self.num_classes):
            raise InvalidConfigError(
                f"Targets must be class indices in [0, {self.num_classes}), got values from {int(target.min())} to "
                f"{int(target.max())}. Set num_classes to the dataset's class count."
            )
        if self.mode == 'elem':
            lam: Union[float, torch.Tensor] = self._mix_elem(x)
        elif self.mode == 'pair':
            lam = self._mix_pair(x)
        else:
            lam = self._mix_batch(x)
        return x, mixup_target(target, self.num_classes, lam, self.label_smoothing, self.multi_label)


class SoftTargetCrossEntropy(torch.nn.Module):
    """Cross-entropy against soft targets (probabilities over the last dimension), averaged over the
    batch: the loss for Mixup's targets (timm's `SoftTargetCrossEntropy`)."""

    def forward(self, x: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if x.shape != target.shape:
            raise InputSizeError(
                f"SoftTargetCrossEntropy takes logits and target probabilities of one shape, got {tuple(x.shape)} "
                f"and {tuple(target.shape)}. Class indices go to torch.nn.CrossEntropyLoss instead."
            )
        return torch.sum(-target * torch.nn.functional.log_softmax(x, dim=-1), dim=-1).mean()
