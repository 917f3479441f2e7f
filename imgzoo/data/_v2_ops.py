"""The two resize/crop steps timm's eval transform has that `torchvision.transforms.v2` lacks.

Imported only when a transform is built, so `import imgzoo` does not import torchvision.
"""
from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

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
