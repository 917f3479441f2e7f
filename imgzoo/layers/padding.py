"""Convolution padding: symmetric ('' / int) and TensorFlow's input-dependent 'same'."""
from __future__ import annotations

import math
from typing import Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F
from ..errors import InvalidModelArgsError




def get_padding(kernel_size: int, stride: int = 1, dilation: int = 1) -> int:
    """Symmetric padding that keeps size/stride for odd kernels (PyTorch convention)."""
    return ((stride - 1) + dilation * (kernel_size - 1)) // 2


def is_static_pad(kernel_size: int, stride: int = 1, dilation: int = 1) -> bool:
    """Whether TF 'same' padding equals a fixed symmetric padding for every input size."""
    return stride == 1 and (dilation * (kernel_size - 1)) % 2 == 0


def get_same_padding(size: int, kernel_size: int, stride: int, dilation: int) -> int:
    """Total padding TF 'same' adds along one axis of length size."""
    return max((math.ceil(size / stride) - 1) * stride + (kernel_size - 1) * dilation + 1 - size, 0)


def pad_same(x: torch.Tensor, kernel_size: Tuple[int, int], stride: Tuple[int, int],
             dilation: Tuple[int, int] = (1, 1), value: float = 0.0) -> torch.Tensor:
    """Pad x as TF 'same' would: the extra pixel (odd totals) goes bottom/right."""
    ih, iw = x.shape[-2:]
    pad_h = get_same_padding(ih, kernel_size[0], stride[0], dilation[0])
    pad_w = get_same_padding(iw, kernel_size[1], stride[1], dilation[1])
    if pad_h or pad_w:
        x = F.pad(x, (pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2), value=value)
    return x


# Graph capture: torch.fx records pad_same as one call (its padding is computed from the input size).
torch.fx.wrap('pad_same')


class Conv2dSame(nn.Conv2d):
    """Conv2d with TF 'same' padding computed from each input's size."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
                 padding: int = 0, dilation: int = 1, groups: int = 1, bias: bool = True) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, 0, dilation, groups, bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = pad_same(x, self.kernel_size, self.stride, self.dilation)  # type: ignore[arg-type]
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


def create_conv2d(
    in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
    padding: Union[str, int] = '', dilation: int = 1, groups: int = 1, depthwise: bool = False, bias: bool = False,
) -> nn.Conv2d:
    """A Conv2d with padding '' (symmetric), 'same' (TF, static when possible), 'valid' or an int."""
    groups = in_channels if depthwise else groups
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == 'same':
            if is_static_pad(kernel_size, stride, dilation):
                padding = get_padding(kernel_size, stride, dilation)
            else:
                return Conv2dSame(in_channels, out_channels, kernel_size, stride, 0, dilation, groups, bias)
        elif mode == 'valid':
            padding = 0
        elif mode == '':
            padding = get_padding(kernel_size, stride, dilation)
        else:
            raise InvalidModelArgsError(f"padding must be '', 'same', 'valid' or an int, got {padding!r}.")
    return nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                     dilation=dilation, groups=groups, bias=bias)


