"""Anti-aliased downsampling: a binomial blur followed by striding (Zhang 2019), timm's BlurPool2d."""
from __future__ import annotations

from math import comb
from typing import Callable, Optional

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from .padding import get_padding


class BlurPool2d(nn.Module):
    """Depthwise binomial blur of size filt_size, then stride; `filt` is a non-persistent buffer."""

    def __init__(self, channels: Optional[int] = None, filt_size: int = 3, stride: int = 2,
                 pad_mode: str = 'reflect') -> None:
        super().__init__()
        if filt_size < 2:
            raise InvalidModelArgsError(f'BlurPool2d needs filt_size >= 2, got {filt_size}.')
        self.channels = channels
        self.filt_size = filt_size
        self.stride = stride
        self.pad_mode = pad_mode
        self.padding = [get_padding(filt_size, stride, dilation=1)] * 4
        self.register_buffer('filt', torch.empty(channels or 1, 1, filt_size, filt_size), persistent=False)
        self.init_non_persistent_buffers()

    def init_non_persistent_buffers(self) -> None:
        """Fill the blur filter (also after a meta-device build: checkpoints do not store it)."""
        coeffs = torch.tensor([comb(self.filt_size - 1, k) for k in range(self.filt_size)],
                              dtype=torch.float32, device='cpu') / (2 ** (self.filt_size - 1))
        blur = (coeffs[:, None] * coeffs[None, :])[None, None]
        if self.channels is not None:
            blur = blur.repeat(self.channels, 1, 1, 1)
        if self.filt.is_meta:
            return
        with torch.no_grad():
            self.filt.copy_(blur.to(self.filt.dtype))

    reset_parameters = init_non_persistent_buffers  # what the loader calls on modules a checkpoint did not fill

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.pad(x, self.padding, mode=self.pad_mode)
        channels = x.shape[1] if self.channels is None else self.channels
        weight = self.filt if self.channels is not None else self.filt.expand(channels, 1, self.filt_size,
                                                                                self.filt_size)
        return F.conv2d(x, weight, stride=self.stride, groups=channels)


def create_aa(name: Optional[str]) -> Optional[Callable[[int, int], nn.Module]]:
    """An anti-aliasing factory `make(channels, stride)` for 'avg', 'blur' or 'blurpc' (constant-padded blur)."""
    if not name:
        return None
    key = name.lower().replace('_', '').replace('-', '')
    if key in ('avg', 'avgpool'):
        return lambda channels, stride: nn.AvgPool2d(stride)
    if key in ('blur', 'blurpool'):
        return lambda channels, stride: BlurPool2d(channels, stride=stride)
    if key == 'blurpc':
        return lambda channels, stride: BlurPool2d(channels, stride=stride, pad_mode='constant')
    raise InvalidModelArgsError(f"aa_layer must be 'avg', 'blur' or 'blurpc', got {name!r}.")
