"""Anti-aliased downsampling: a fixed binomial blur applied with a stride (Zhang 2019), in timm's layout."""
from __future__ import annotations

from math import comb
from typing import Optional

import torch
from torch import nn
from torch.nn import functional as F

from .padding import get_padding


class BlurPool2d(nn.Module):
    """Blur each channel with a filt_size x filt_size binomial filter, then subsample by stride.

    The filter is a non-persistent buffer (`filt`): checkpoints do not store it, `reset_parameters()` and
    `init_non_persistent_buffers()` compute it.
    """

    def __init__(self, channels: Optional[int] = None, filt_size: int = 3, stride: int = 2,
                 pad_mode: str = 'reflect') -> None:
        super().__init__()
        self.channels = channels
        self.filt_size = filt_size
        self.stride = stride
        self.pad_mode = pad_mode
        self.padding = [get_padding(filt_size, stride, dilation=1)] * 4
        self.register_buffer('filt', torch.empty((channels or 1, 1, filt_size, filt_size)), persistent=False)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Fill the blur filter (skipped on the meta device, where values do not exist)."""
        coeffs = torch.tensor([comb(self.filt_size - 1, k) for k in range(self.filt_size)],
                              dtype=torch.float32, device='cpu') / (2 ** (self.filt_size - 1))
        blur = (coeffs[:, None] * coeffs[None, :])[None, None, :, :]
        if self.channels is not None:
            blur = blur.repeat(self.channels, 1, 1, 1)
        self.filt.copy_(blur)

    def init_non_persistent_buffers(self) -> None:
        self.reset_parameters()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.pad(x, self.padding, mode=self.pad_mode)
        if self.channels is None:
            channels = x.shape[1]
            weight = self.filt.expand(channels, 1, self.filt_size, self.filt_size)
        else:
            channels = self.channels
            weight = self.filt
        return F.conv2d(x, weight, stride=self.stride, groups=channels)
