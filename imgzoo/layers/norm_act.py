"""Batch norm with a fused activation, and conv + norm + activation, in timm's key layout."""
from __future__ import annotations

from typing import Callable, Optional, Union

import torch
from torch import nn

from .activations import create_act
from .padding import create_conv2d

ActLayer = Union[str, Callable[..., nn.Module], None]


class BatchNormAct2d(nn.BatchNorm2d):
    """BatchNorm2d followed by an activation; parameters and buffers are BatchNorm2d's own."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 act_layer: ActLayer = 'relu', apply_act: bool = True) -> None:
        super().__init__(num_features, eps=eps, momentum=momentum)
        self.drop = nn.Identity()
        self.act = create_act(act_layer, inplace=True) if apply_act and act_layer is not None else nn.Identity()

    def _check_input_dim(self, input: torch.Tensor) -> None:
        if isinstance(input, torch.fx.Proxy):  # torch.fx tracing: the rank is unknown until run
            return
        super()._check_input_dim(input)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.drop(super().forward(x)))


class ConvNormAct(nn.Module):
    """Conv2d (`conv`) then BatchNormAct2d (`bn`)."""

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: int = 1, stride: int = 1,
        padding: Union[str, int] = '', dilation: int = 1, groups: int = 1, bias: bool = False,
        act_layer: ActLayer = 'relu', apply_act: bool = True, eps: float = 1e-5,
    ) -> None:
        super().__init__()
        self.conv = create_conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                                  dilation=dilation, groups=groups, bias=bias)
        self.bn = BatchNormAct2d(out_channels, eps=eps, act_layer=act_layer, apply_act=apply_act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn(self.conv(x))


def maybe_act(act_layer: ActLayer, inplace: bool = True) -> Optional[nn.Module]:
    """An activation module, or None for no activation."""
    return None if act_layer is None else create_act(act_layer, inplace=inplace)
