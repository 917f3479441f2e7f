"""Mobile convolution blocks shared by EfficientNet, MobileNetV2/V3 and related families.

Module and parameter names follow timm's `_efficientnet_blocks.py` (`conv_pw`, `conv_dw`,
`conv_pwl`, `bn1`..`bn3`, `se.conv_reduce`/`se.conv_expand`), so their checkpoints load
strictly. Every block takes a `norm_act` factory, `norm_act(channels, act_layer=..., apply_act=...)`
(usually `functools.partial(BatchNormAct2d, eps=..., momentum=...)`), so families choose the
batch-norm epsilon once and blocks stay agnostic of it.
"""
from __future__ import annotations

from typing import Callable, Optional, Union

import torch
from torch import nn

from .activations import create_act
from .drop import DropPath
from .norm_act import ActLayer, BatchNormAct2d
from .padding import create_conv2d
from ..errors import InvalidModelArgsError

NormActFactory = Callable[..., nn.Module]
PadType = Union[str, int]


class SqueezeExcite(nn.Module):
    """Squeeze-excite with 1x1 convs `conv_reduce`/`conv_expand` (EfficientNet/MobileNet key layout)."""

    def __init__(
        self, channels: int, rd_channels: int, act_layer: ActLayer = 'relu',
        gate_layer: Union[str, Callable[..., nn.Module]] = 'sigmoid',
    ) -> None:
        super().__init__()
        if rd_channels < 1:
            raise InvalidModelArgsError(f"SqueezeExcite needs at least one reduced channel, got rd_channels={rd_channels}.")
        self.conv_reduce = nn.Conv2d(channels, rd_channels, 1, bias=True)
        self.act1 = create_act(act_layer, inplace=True)
        self.conv_expand = nn.Conv2d(rd_channels, channels, 1, bias=True)
        self.gate = create_act(gate_layer)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_se = x.mean((2, 3), keepdim=True)
        x_se = self.conv_expand(self.act1(self.conv_reduce(x_se)))
        return x * self.gate(x_se)


def _drop_path(rate: float) -> nn.Module:
    return DropPath(rate) if rate else nn.Identity()


def _se_or_identity(se_layer: Optional[Callable[[int], nn.Module]], channels: int) -> nn.Module:
    return se_layer(channels) if se_layer is not None else nn.Identity()


class ConvBnAct(nn.Module):
    """Conv → BN → act, with an optional residual (`conv`, `bn1`); EfficientNetV2's first stage."""

    def __init__(
        self, in_chs: int, out_chs: int, kernel_size: int, stride: int = 1, pad_type: PadType = '',
        skip: bool = False, act_layer: ActLayer = 'relu', norm_act: NormActFactory = BatchNormAct2d,
        drop_path_rate: float = 0.0,
    ) -> None:
        super().__init__()
        self.has_skip = skip and stride == 1 and in_chs == out_chs
        self.conv = create_conv2d(in_chs, out_chs, kernel_size, stride=stride, padding=pad_type)
        self.bn1 = norm_act(out_chs, act_layer=act_layer)
        self.drop_path = _drop_path(drop_path_rate)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.bn1(self.conv(x))
        if self.has_skip:
            x = self.drop_path(x) + shortcut
        return x


class DepthwiseSeparableConv(nn.Module):
    """Depthwise conv → (SE) → pointwise conv (`conv_dw`, `bn1`, `se`, `conv_pw`, `bn2`); MobileNet-V1 style."""

    def __init__(
        self, in_chs: int, out_chs: int, dw_kernel_size: int = 3, stride: int = 1, pad_type: PadType = '',
        noskip: bool = False, pw_act: bool = False, act_layer: ActLayer = 'relu',
        norm_act: NormActFactory = BatchNormAct2d, se_layer: Optional[Callable[[int], nn.Module]] = None,
        drop_path_rate: float = 0.0,
    ) -> None:
        super().__init__()
        self.has_skip = stride == 1 and in_chs == out_chs and not noskip
        self.conv_dw = create_conv2d(in_chs, in_chs, dw_kernel_size, stride=stride, padding=pad_type, depthwise=True)
        self.bn1 = norm_act(in_chs, act_layer=act_layer)
        self.se = _se_or_identity(se_layer, in_chs)
        self.conv_pw = create_conv2d(in_chs, out_chs, 1, padding=pad_type)
        self.bn2 = norm_act(out_chs, act_layer=act_layer, apply_act=pw_act)
        self.drop_path = _drop_path(drop_path_rate)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.bn1(self.conv_dw(x))
        x = self.se(x)
        x = self.bn2(self.conv_pw(x))
        if self.has_skip:
            x = self.drop_path(x) + shortcut
        return x


class InvertedResidual(nn.Module):
    """MBConv: 1x1 expand → depthwise → (SE) → 1x1 linear project (`conv_pw`, `conv_dw`, `se`, `conv_pwl`)."""

    def __init__(
        self, in_chs: int, mid_chs: int, out_chs: int, dw_kernel_size: int = 3, stride: int = 1,
        pad_type: PadType = '', noskip: bool = False, act_layer: ActLayer = 'relu',
        norm_act: NormActFactory = BatchNormAct2d, se_layer: Optional[Callable[[int], nn.Module]] = None,
        drop_path_rate: float = 0.0,
    ) -> None:
        super().__init__()
        self.has_skip = stride == 1 and in_chs == out_chs and not noskip
        self.conv_pw = create_conv2d(in_chs, mid_chs, 1, padding=pad_type)
        self.bn1 = norm_act(mid_chs, act_layer=act_layer)
        self.conv_dw = create_conv2d(mid_chs, mid_chs, dw_kernel_size, stride=stride, padding=pad_type, depthwise=True)
        self.bn2 = norm_act(mid_chs, act_layer=act_layer)
        self.se = _se_or_identity(se_layer, mid_chs)
        self.conv_pwl = create_conv2d(mid_chs, out_chs, 1, padding=pad_type)
        self.bn3 = norm_act(out_chs, act_layer=act_layer, apply_act=False)
        self.drop_path = _drop_path(drop_path_rate)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.bn1(self.conv_pw(x))
        x = self.bn2(self.conv_dw(x))
        x = self.se(x)
        x = self.bn3(self.conv_pwl(x))
        if self.has_skip:
            x = self.drop_path(x) + shortcut
        return x


class EdgeResidual(nn.Module):
    """Fused-MBConv: full kxk expand conv → (SE) → 1x1 linear project (`conv_exp`, `bn1`, `se`, `conv_pwl`, `bn2`)."""

    def __init__(
        self, in_chs: int, mid_chs: int, out_chs: int, exp_kernel_size: int = 3, stride: int = 1,
        pad_type: PadType = '', noskip: bool = False, act_layer: ActLayer = 'relu',
        norm_act: NormActFactory = BatchNormAct2d, se_layer: Optional[Callable[[int], nn.Module]] = None,
        drop_path_rate: float = 0.0,
    ) -> None:
        super().__init__()
        self.has_skip = stride == 1 and in_chs == out_chs and not noskip
        self.conv_exp = create_conv2d(in_chs, mid_chs, exp_kernel_size, stride=stride, padding=pad_type)
        self.bn1 = norm_act(mid_chs, act_layer=act_layer)
        self.se = _se_or_identity(se_layer, mid_chs)
        self.conv_pwl = create_conv2d(mid_chs, out_chs, 1, padding=pad_type)
        self.bn2 = norm_act(out_chs, act_layer=act_layer, apply_act=False)
        self.drop_path = _drop_path(drop_path_rate)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.bn1(self.conv_exp(x))
        x = self.se(x)
        x = self.bn2(self.conv_pwl(x))
        if self.has_skip:
            x = self.drop_path(x) + shortcut
        return x
