"""Average pooling with TF 'same' padding (used by dilated shortcuts)."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .helpers import to_2tuple
from .padding import pad_same


class AvgPool2dSame(nn.AvgPool2d):
    """AvgPool2d that pads its input TF 'same' style first (zeros, counted in the average)."""

    def __init__(self, kernel_size: int, stride: int = 1, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__(to_2tuple(kernel_size), to_2tuple(stride), (0, 0), ceil_mode, count_include_pad)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = pad_same(x, self.kernel_size, self.stride)  # type: ignore[arg-type]
        return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)
