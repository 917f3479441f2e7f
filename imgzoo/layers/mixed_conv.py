"""Convolutions of the mobile families beyond a plain Conv2d: mixed kernel sizes (MixNet) and CondConv.

`create_conv2d_any` picks one from its arguments, with timm's rules: a list of kernel sizes gives a
`MixedConv2d` (channels split into one group per kernel, keys `0`, `1`, ...), `num_experts > 0` a
`CondConv2d` (per-sample mixture of expert kernels), anything else `create_conv2d`.
"""
from __future__ import annotations

import math
from typing import List, Sequence, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from .padding import create_conv2d, get_padding, get_same_padding, is_static_pad


def _split_channels(channels: int, parts: int) -> List[int]:
    split = [channels // parts] * parts
    split[0] += channels - sum(split)
    return split


class MixedConv2d(nn.ModuleDict):
    """Channels split into groups, each convolved with its own kernel size, then concatenated (MixConv)."""

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: Sequence[int], stride: int = 1,
        padding: Union[str, int] = '', dilation: int = 1, depthwise: bool = False, bias: bool = False,
    ) -> None:
        super().__init__()
        kernels = list(kernel_size)
        in_splits = _split_channels(in_channels, len(kernels))
        out_splits = _split_channels(out_channels, len(kernels))
        self.in_channels = sum(in_splits)
        self.out_channels = sum(out_splits)
        for idx, (k, in_ch, out_ch) in enumerate(zip(kernels, in_splits, out_splits)):
            self.add_module(str(idx), create_conv2d(
                in_ch, out_ch, k, stride=stride, padding=padding, dilation=dilation,
                groups=in_ch if depthwise else 1, bias=bias))
        self.splits = in_splits

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        parts = torch.split(x, self.splits, 1)
        return torch.cat([conv(parts[i]) for i, conv in enumerate(self.values())], 1)


def _cond_same_pad(x: torch.Tensor, kernel: Tuple[int, int], stride: Tuple[int, int],
                   dilation: Tuple[int, int]) -> torch.Tensor:
    ih, iw = x.shape[-2:]
    pad_h = get_same_padding(ih, kernel[0], stride[0], dilation[0])
    pad_w = get_same_padding(iw, kernel[1], stride[1], dilation[1])
    return F.pad(x, (pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2))


torch.fx.wrap('_cond_same_pad')


class CondConv2d(nn.Module):
    """Conditionally parameterised convolution: each sample's kernel is its routing-weighted sum of
    `num_experts` kernels (weight stored as (num_experts, prod(kernel shape)), timm's layout)."""

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1,
        padding: Union[str, int] = '', dilation: int = 1, groups: int = 1, bias: bool = False, num_experts: int = 4,
    ) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = (kernel_size, kernel_size)
        self.stride = (stride, stride)
        self.dilation = (dilation, dilation)
        self.dynamic_padding = False
        if isinstance(padding, str):
            mode = padding.lower()
            if mode == 'same' and not is_static_pad(kernel_size, stride, dilation):
                self.dynamic_padding, pad = True, 0
            elif mode in ('same', ''):
                pad = get_padding(kernel_size, stride, dilation)
            elif mode == 'valid':
                pad = 0
            else:
                raise InvalidModelArgsError(f"padding must be '', 'same', 'valid' or an int, got {padding!r}.")
        else:
            pad = padding
        self.padding = (pad, pad)
        self.groups = groups
        self.num_experts = num_experts
        self.weight_shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = nn.Parameter(torch.empty(num_experts, math.prod(self.weight_shape)))
        self.bias = nn.Parameter(torch.empty(num_experts, out_channels)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        fan_in = math.prod(self.weight_shape[1:])
        bound = 1 / math.sqrt(fan_in)
        with torch.no_grad():
            # kaiming_uniform_(a=sqrt(5)) on each expert's kernel is uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)).
            self.weight.uniform_(-bound, bound)
            if self.bias is not None:
                self.bias.uniform_(-bound, bound)

    def forward(self, x: torch.Tensor, routing_weights: torch.Tensor) -> torch.Tensor:
        batch, channels, height, width = x.shape
        weight = torch.matmul(routing_weights, self.weight)
        weight = weight.view((batch * self.out_channels, self.in_channels // self.groups) + self.kernel_size)
        bias = None
        if self.bias is not None:
            bias = torch.matmul(routing_weights, self.bias).view(batch * self.out_channels)
        x = x.reshape(1, batch * channels, height, width)
        if self.dynamic_padding:
            x = _cond_same_pad(x, self.kernel_size, self.stride, self.dilation)
        out = F.conv2d(x, weight, bias, stride=self.stride, padding=self.padding, dilation=self.dilation,
                       groups=self.groups * batch)
        return out.permute([1, 0, 2, 3]).view(batch, self.out_channels, out.shape[-2], out.shape[-1])


def create_conv2d_any(
    in_channels: int, out_channels: int, kernel_size: Union[int, List[int]], stride: int = 1,
    padding: Union[str, int] = '', dilation: int = 1, groups: int = 1, depthwise: bool = False, bias: bool = False,
    num_experts: int = 0,
) -> nn.Module:
    """Conv2d, Conv2dSame, MixedConv2d (list kernel_size) or CondConv2d (num_experts > 0), as timm's create_conv2d."""
    if isinstance(kernel_size, (list, tuple)):
        if num_experts:
            raise InvalidModelArgsError('Mixed kernel sizes cannot be combined with CondConv experts.')
        if depthwise or groups == in_channels:
            depthwise = True
        elif groups != 1:
            raise InvalidModelArgsError(f'Mixed kernel sizes need groups=1 or depthwise, got groups={groups}.')
        return MixedConv2d(in_channels, out_channels, kernel_size, stride, padding, dilation, depthwise, bias)
    groups = in_channels if depthwise else groups
    if num_experts > 0:
        return CondConv2d(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, num_experts)
    return create_conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding, dilation=dilation,
                         groups=groups, bias=bias)
