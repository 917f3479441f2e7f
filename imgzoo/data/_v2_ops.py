"""The steps of timm's transforms that `torchvision.transforms.v2` lacks, built from v2's own kernels
and transforms: keep-ratio resize, crop-or-pad, border trim, random-interpolation crop, RandAugment
with timm's options, and timm's random erasing.

Imported only when a transform is built, so `import imgzoo` does not import torchvision.
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch

from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F


class ResizeKeepRatio(v2.Transform):
    """Resize keeping the aspect ratio: longest=0 fits the shorter side to its target, longest=1 the
    longer side (timm's ResizeKeepRatio without its random training options)."""

    def __init__(self, size: Tuple[int, int], interpolation: v2.InterpolationMode, longest: float) -> None:
        super().__init__()
        self.size = tuple(size)
        self.interpolation = interpolation
        self.longest = float(longest)

    def make_params(self, flat_inputs: List[Any]) -> Dict[str, Any]:
        height, width = v2.query_size(flat_inputs)
        ratio_h, ratio_w = height / self.size[0], width / self.size[1]
        ratio = max(ratio_h, ratio_w) * self.longest + min(ratio_h, ratio_w) * (1.0 - self.longest)
        return {'size': [round(height / ratio), round(width / ratio)]}

    def transform(self, inpt: Any, params: Dict[str, Any]) -> Any:
        return self._call_kernel(F.resize, inpt, params['size'], interpolation=self.interpolation, antialias=True)

    # torchvision < 0.21 calls the two methods by these names.
    _get_params = make_params
    _transform = transform


class CenterCropOrPad(v2.Transform):
    """Centre crop to size, first padding sides shorter than the crop with a fill colour."""

    def __init__(self, size: Tuple[int, int], fill: Sequence[int]) -> None:
        super().__init__()
        self.size = tuple(size)
        self.fill = list(fill)

    def make_params(self, flat_inputs: List[Any]) -> Dict[str, Any]:
        height, width = v2.query_size(flat_inputs)
        pad_h, pad_w = max(self.size[0] - height, 0), max(self.size[1] - width, 0)
        return {'padding': [pad_w // 2, pad_h // 2, (pad_w + 1) // 2, (pad_h + 1) // 2]}

    def transform(self, inpt: Any, params: Dict[str, Any]) -> Any:
        if any(params['padding']):
            inpt = self._call_kernel(F.pad, inpt, params['padding'], fill=self.fill)
        return self._call_kernel(F.center_crop, inpt, list(self.size))

    _get_params = make_params
    _transform = transform


class TrimBorder(v2.Transform):
    """Cut a border of the given number of pixels off every side (timm's crop_border_pixels)."""

    def __init__(self, border: int) -> None:
        super().__init__()
        self.border = int(border)

    def make_params(self, flat_inputs: List[Any]) -> Dict[str, Any]:
        height, width = v2.query_size(flat_inputs)
        top, left = min(height, self.border), min(width, self.border)
        return {'top': top, 'left': left, 'height': max(height - 2 * top, 0), 'width': max(width - 2 * left, 0)}

    def transform(self, inpt: Any, params: Dict[str, Any]) -> Any:
        return self._call_kernel(F.crop, inpt, **params)

    _get_params = make_params
    _transform = transform


class RandomResizedCropRandomInterpolation(v2.RandomResizedCrop):
    """v2.RandomResizedCrop that draws its interpolation for each image from a list (timm's
    interpolation='random': bilinear or bicubic)."""

    def __init__(self, size: Tuple[int, int], scale: Tuple[float, float], ratio: Tuple[float, float],
                 interpolations: Sequence[v2.InterpolationMode]) -> None:
        super().__init__(list(size), scale=scale, ratio=ratio, interpolation=interpolations[0], antialias=True)
        self.interpolations = list(interpolations)

    def make_params(self, flat_inputs: List[Any]) -> Dict[str, Any]:
        params = super().make_params(flat_inputs)
        params['interpolation'] = self.interpolations[int(torch.randint(len(self.interpolations), ()))]
        return params

    def transform(self, inpt: Any, params: Dict[str, Any]) -> Any:
        crop = {k: params[k] for k in ('top', 'left', 'height', 'width')}
        return self._call_kernel(F.resized_crop, inpt, **crop, size=self.size, interpolation=params['interpolation'],
                                 antialias=True)

    _get_params = make_params
    _transform = transform


class _TensorSafeInterpolation:
    """v2's geometric auto-augment ops on tensors only take nearest or bilinear: on a tensor (and
    AugMix turns PIL images into tensors) another mode is replaced by bilinear."""

    def _apply_image_or_video_transform(self, image: Any, transform_id: str, magnitude: float, interpolation: Any,
                                        fill: Any) -> Any:
        if isinstance(image, torch.Tensor) and v2.InterpolationMode(interpolation) not in _TENSOR_MODES:
            interpolation = v2.InterpolationMode.BILINEAR
        return super()._apply_image_or_video_transform(  # type: ignore[misc]
            image, transform_id, magnitude, interpolation=interpolation, fill=fill)


_TENSOR_MODES = (v2.InterpolationMode.NEAREST, v2.InterpolationMode.BILINEAR)


class AugMix(_TensorSafeInterpolation, v2.AugMix):
    """v2.AugMix, bilinear where it works on tensors."""


class AutoAugment(_TensorSafeInterpolation, v2.AutoAugment):
    """v2.AutoAugment, bilinear on tensors."""


class TrivialAugmentWide(_TensorSafeInterpolation, v2.TrivialAugmentWide):
    """v2.TrivialAugmentWide, bilinear on tensors."""


class RandAugmentTimm(_TensorSafeInterpolation, v2.RandAugment):
    """v2.RandAugment with timm's RandAugment options: each of num_ops ops is applied with probability
    `prob`, the magnitude (timm's 0..10 scale) gets Gaussian noise of std `magnitude_std` (uniform in
    [0, magnitude] when infinite) clipped to [0, magnitude_max], and interpolation may be drawn per op.

    Ops and their magnitude tables are v2.RandAugment's (Identity left out: the per-op probability
    is timm's way of skipping an op). Magnitudes are read from a 1001-bin table, so a noisy
    magnitude is used to within 0.01 of timm's level.
    """

    _BINS = 1001
    _LEVELS = 10.0

    def __init__(self, num_ops: int, magnitude: float, magnitude_std: float = 0.0,
                 magnitude_max: Optional[float] = None, prob: float = 0.5,
                 interpolations: Sequence[v2.InterpolationMode] = (v2.InterpolationMode.BILINEAR,),
                 fill: Optional[Sequence[int]] = None) -> None:
        super().__init__(num_ops=num_ops, magnitude=0, num_magnitude_bins=self._BINS,
                         interpolation=interpolations[0], fill=list(fill) if fill is not None else None)
        self.level = float(magnitude)
        self.magnitude_std = float(magnitude_std)
        self.magnitude_max = float(magnitude_max) if magnitude_max is not None else self._LEVELS
        self.prob = float(prob)
        self.interpolations = list(interpolations)
        self._ops = {k: v for k, v in self._AUGMENTATION_SPACE.items() if k != 'Identity'}

    def _draw_level(self) -> float:
        level = self.level
        if self.magnitude_std == math.inf:
            level = float(torch.empty(()).uniform_(0.0, level))
        elif self.magnitude_std > 0:
            level = float(torch.normal(torch.tensor(level), torch.tensor(self.magnitude_std)))
        return max(0.0, min(level, self.magnitude_max, self._LEVELS))

    def forward(self, *inputs: Any) -> Any:
        flat_inputs_with_spec, image = self._flatten_and_extract_image_or_video(inputs)
        height, width = v2.query_size([image])
        for _ in range(self.num_ops):
            op, (magnitudes_fn, signed) = self._get_random_item(self._ops)
            if float(torch.rand(())) >= self.prob:
                continue
            magnitudes = magnitudes_fn(self._BINS, height, width)
            magnitude = 0.0
            if magnitudes is not None:
                magnitude = float(magnitudes[round(self._draw_level() / self._LEVELS * (self._BINS - 1))])
                if signed and torch.rand(()) <= 0.5:
                    magnitude *= -1
            interpolation = self.interpolations[int(torch.randint(len(self.interpolations), ()))]
            image = self._apply_image_or_video_transform(image, op, magnitude, interpolation=interpolation,
                                                         fill=self._fill)
        return self._unflatten_and_insert_image_or_video(flat_inputs_with_spec, image)


class RandomErasingTimm(v2.Transform):
    """timm's RandomErasing on v2.RandomErasing: with probability p erase 1..max_count boxes (count
    drawn uniformly), each covering scale/count of the area, filled with zeros ('const'), one
    normal value per channel ('rand') or per pixel ('pixel')."""

    def __init__(self, p: float, mode: str = 'const', max_count: int = 1,
                 scale: Tuple[float, float] = (0.02, 1 / 3), ratio: Tuple[float, float] = (0.3, 1 / 0.3)) -> None:
        super().__init__()
        self.p = float(p)
        self.mode = mode
        self.max_count = int(max_count)
        value: Any = 0.0 if mode == 'const' else 'random'
        cls = _PerChannelRandomErasing if mode == 'rand' else v2.RandomErasing
        self.erasers = torch.nn.ModuleList(
            cls(p=1.0, scale=(scale[0] / n, scale[1] / n), ratio=ratio, value=value)
            for n in range(1, self.max_count + 1)
        )

    def forward(self, *inputs: Any) -> Any:
        if float(torch.rand(())) >= self.p:
            return inputs if len(inputs) > 1 else inputs[0]
        count = int(torch.randint(1, self.max_count + 1, ()))
        eraser = self.erasers[count - 1]
        out = inputs if len(inputs) > 1 else inputs[0]
        for _ in range(count):
            out = eraser(out)
        return out


class _PerChannelRandomErasing(v2.RandomErasing):
    """v2.RandomErasing filling the box with one normal value per channel."""

    def make_params(self, flat_inputs: List[Any]) -> Dict[str, Any]:
        params = super().make_params(flat_inputs)
        if params['v'] is not None:
            params['v'] = torch.empty(params['v'].shape[0], 1, 1).normal_()
        return params

    _get_params = make_params
