"""Anti-aliased downsampling: a fixed binomial blur then a strided subsample (Zhang 2019), timm's BlurPool2d."""
from __future__ import annotations

from math import comb
from typing import Optional

import torch
from torch import nn
from torch.nn import functional as F


class BlurPool2d(nn.Module):
    """Reflect-pad, blur each channel with a binomial filter of filt_size taps, subsample by stride.

    The filter is a non-persistent buffer (checkpoints do not store it), computed at construction and again
    by `reset_parameters` / `init_non_persistent_buffers` after a meta-device build.
    """

    def __init__(self, channels: Optional[int] = None, filt_size: int = 3, stride: int = 2,
                 pad_mode: str = 'reflect') -> None:
        super().__init__()
        self.channels = channels
        self.filt_size = filt_size
        self.stride = stride
        self.pad_mode = pad_mode
        pad = ((stride - 1) + (filt_size - 1)) // 2
        self.padding = [pad] * 4
        self.register_buffer('filt', torch.empty(channels or 1, 1, filt_size, filt_size), persistent=False)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.init_non_persistent_buffers()

    def init_non_persistent_buffers(self) -> None:
        if self.filt.is_meta:
            return  # no values on the meta device: the loader calls this again once storage exists
        coeffs = torch.tensor([comb(self.filt_size - 1, k) for k in range(self.filt_size)],
                              dtype=torch.float32) / (2 ** (self.filt_size - 1))
        blur = (coeffs[:, None] * coeffs[None, :])[None, None, :, :]
        with torch.no_grad():
            self.filt.copy_(blur.repeat(self.channels or 1, 1, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.pad(x, self.padding, mode=self.pad_mode)
        return F.conv2d(x, self.filt.to(x.dtype), stride=self.stride, groups=self.filt.shape[0])
