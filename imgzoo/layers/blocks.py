"""Mobile convolution blocks shared by EfficientNet, MobileNetV2/V3/V4 and related families.

Module and parameter names follow timm's `_efficientnet_blocks.py` (`conv_pw`, `conv_dw`,
`conv_pwl`, `bn1`..`bn3`, `se.conv_reduce`/`se.conv_expand`, `pw_exp.conv`/`pw_exp.bn`, `attn.*`),
so their checkpoints load strictly. Every block takes a `norm_act` factory,
`norm_act(channels, act_layer=..., apply_act=...)` (usually `functools.partial(BatchNormAct2d, eps=...)`),
so families choose the normalisation once and blocks stay agnostic of it; `aa_layer` (anti-aliasing,
`aa_layer(channels, stride)`) and `se_layer` (`se_layer(channels, act_layer=...)`) are factories too.

Each block reports `feature_info(location)`: where timm taps its features ('bottleneck': the block
output; 'expansion': the input of the last projection).
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Union

import torch
from torch import nn
from torch.nn import functional as F

from .activations import create_act
from .drop import DropPath
from .helpers import make_divisible
from .mixed_conv import create_conv2d_any
from .norm_act import ActLayer, BatchNormAct2d
from ..errors import InvalidModelArgsError

NormActFactory = Callable[..., nn.Module]
LayerFactory = Optional[Callable[..., nn.Module]]
PadType = Union[str, int]
KernelSize = Union[int, List[int]]


def num_groups(group_size: Optional[int], channels: int) -> int:
    """Conv groups for a group size: 0/None a dense conv, 1 depthwise, else channels // group_size."""
    if not group_size:
        return 1
    if channels % group_size:
        raise InvalidModelArgsError(f"group_size={group_size} does not divide {channels} channels.")
    return channels // group_size


def _drop_path(rate: float) -> nn.Module:
    return DropPath(rate) if rate else nn.Identity()


def _aa(aa_layer: LayerFactory, channels: int, stride: int, enable: bool) -> nn.Module:
    return aa_layer(channels, stride) if aa_layer is not None and enable else nn.Identity()


def _space_to_depth(
    s2d: int, in_chs: int, dw_kernel_size: KernelSize, pad_type: PadType, use_aa: bool, norm_act: NormActFactory,
    act_layer: ActLayer,
) -> tuple:
    """For the block that starts a space-to-depth region (s2d == 1, EfficientNet-X): a 2x2 stride-2 conv to 4x
    the channels (`conv_s2d`, `bn_s2d`), after which the depthwise kernel halves (rounded up, 'same' padded
    when even) and anti-aliasing is off. Returns (conv, norm, in_chs, dw kernel, dw padding, use_aa)."""
    if s2d != 1:
        return None, None, in_chs, dw_kernel_size, pad_type, use_aa
    if not isinstance(dw_kernel_size, int):
        raise InvalidModelArgsError(f'A space-to-depth block needs a single depthwise kernel, got {dw_kernel_size}.')
    sd_chs = in_chs * 4
    conv = create_conv2d_any(in_chs, sd_chs, 2, stride=2, padding='same')
    norm = norm_act(sd_chs, act_layer=act_layer)
    dw_kernel_size = (dw_kernel_size + 1) // 2
    return conv, norm, sd_chs, dw_kernel_size, 'same' if dw_kernel_size == 2 else pad_type, False


class SqueezeExcite(nn.Module):
    """Squeeze-excite with 1x1 convs `conv_reduce`/`conv_expand` (EfficientNet/MobileNet key layout).

    The reduced width is rd_channels, else rd_round_fn(channels * rd_ratio); force_act_layer
    overrides the block's activation.
    """

    def __init__(
        self, channels: int, rd_ratio: float = 0.25, rd_channels: Optional[int] = None, act_layer: ActLayer = 'relu',
        gate_layer: ActLayer = 'sigmoid', force_act_layer: ActLayer = None,
        rd_round_fn: Optional[Callable[[float], int]] = None,
    ) -> None:
        super().__init__()
        if rd_channels is None:
            rd_channels = int((rd_round_fn or round)(channels * rd_ratio))
        if rd_channels < 1:
            raise InvalidModelArgsError(f"SqueezeExcite needs at least one reduced channel, got rd_channels={rd_channels}.")
        self.conv_reduce = nn.Conv2d(channels, rd_channels, 1, bias=True)
        self.act1 = create_act(force_act_layer or act_layer, inplace=True)
        self.conv_expand = nn.Conv2d(rd_channels, channels, 1, bias=True)
        self.gate = create_act(gate_layer)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_se = x.mean((2, 3), keepdim=True)
        x_se = self.conv_expand(self.act1(self.conv_reduce(x_se)))
        return x * self.gate(x_se)


class ConvBnAct(nn.Module):
    """Conv → norm+act → (aa), with an optional residual (`conv`, `bn1`); EfficientNetV2's first stage, LCNet."""

    def __init__(
        self, in_chs: int, out_chs: int, kernel_size: KernelSize, stride: int = 1, dilation: int = 1,
        group_size: int = 0, pad_type: PadType = '', skip: bool = False, act_layer: ActLayer = 'relu',
        norm_act: NormActFactory = BatchNormAct2d, aa_layer: LayerFactory = None, drop_path_rate: float = 0.0,
    ) -> None:
        super().__init__()
        self.has_skip = skip and stride == 1 and in_chs == out_chs
        use_aa = aa_layer is not None and stride > 1
        self.conv = create_conv2d_any(in_chs, out_chs, kernel_size, stride=1 if use_aa else stride, dilation=dilation,
                                      groups=num_groups(group_size, in_chs), padding=pad_type)
        self.bn1 = norm_act(out_chs, act_layer=act_layer)
        self.aa = _aa(aa_layer, out_chs, stride, use_aa)
        self.drop_path = _drop_path(drop_path_rate)

    def feature_info(self, location: str) -> Dict[str, Any]:
        if location == 'expansion':
            return dict(module='bn1', hook_type='forward', num_chs=self.conv.out_channels)
        return dict(module='', num_chs=self.conv.out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.aa(self.bn1(self.conv(x)))
        if self.has_skip:
            x = self.drop_path(x) + shortcut
        return x


class DepthwiseSeparableConv(nn.Module):
    """Depthwise conv → (aa) → (SE) → pointwise conv (`conv_dw`, `bn1`, `se`, `conv_pw`, `bn2`); MobileNet-V1 style."""

    def __init__(
        self, in_chs: int, out_chs: int, dw_kernel_size: KernelSize = 3, stride: int = 1, dilation: int = 1,
        group_size: int = 1, pad_type: PadType = '', noskip: bool = False, pw_kernel_size: KernelSize = 1,
        pw_act: bool = False, act_layer: ActLayer = 'relu', norm_act: NormActFactory = BatchNormAct2d,
        aa_layer: LayerFactory = None, se_layer: LayerFactory = None, drop_path_rate: float = 0.0, s2d: int = 0,
    ) -> None:
        super().__init__()
        self.has_skip = stride == 1 and in_chs == out_chs and not noskip
        self.has_pw_act = pw_act
        use_aa = aa_layer is not None and stride > 1
        self.conv_s2d, self.bn_s2d, in_chs, dw_kernel_size, dw_pad, use_aa = _space_to_depth(
            s2d, in_chs, dw_kernel_size, pad_type, use_aa, norm_act, act_layer)
        self.conv_dw = create_conv2d_any(in_chs, in_chs, dw_kernel_size, stride=1 if use_aa else stride,
                                         dilation=dilation, padding=dw_pad, groups=num_groups(group_size, in_chs))
        self.bn1 = norm_act(in_chs, act_layer=act_layer)
        self.aa = _aa(aa_layer, out_chs, stride, use_aa)
        self.se = se_layer(in_chs, act_layer=act_layer) if se_layer is not None else nn.Identity()
        self.conv_pw = create_conv2d_any(in_chs, out_chs, pw_kernel_size, padding=pad_type)
        self.bn2 = norm_act(out_chs, act_layer=act_layer, apply_act=pw_act)
        self.drop_path = _drop_path(drop_path_rate)

    def feature_info(self, location: str) -> Dict[str, Any]:
        if location == 'expansion':
            return dict(module='conv_pw', hook_type='forward_pre', num_chs=self.conv_pw.in_channels)
        return dict(module='', num_chs=self.conv_pw.out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        if self.conv_s2d is not None:
            x = self.bn_s2d(self.conv_s2d(x))
        x = self.aa(self.bn1(self.conv_dw(x)))
        x = self.se(x)
        x = self.bn2(self.conv_pw(x))
        if self.has_skip:
            x = self.drop_path(x) + shortcut
        return x


class InvertedResidual(nn.Module):
    """MBConv: 1x1 expand → depthwise → (aa) → (SE) → 1x1 linear project (`conv_pw`, `conv_dw`, `se`, `conv_pwl`).

    conv_kwargs reach the three convs (CondConv passes num_experts).
    """

    def __init__(
        self, in_chs: int, out_chs: int, dw_kernel_size: KernelSize = 3, stride: int = 1, dilation: int = 1,
        group_size: int = 1, pad_type: PadType = '', noskip: bool = False, exp_ratio: float = 1.0,
        exp_kernel_size: KernelSize = 1, pw_kernel_size: KernelSize = 1, act_layer: ActLayer = 'relu',
        norm_act: NormActFactory = BatchNormAct2d, aa_layer: LayerFactory = None, se_layer: LayerFactory = None,
        conv_kwargs: Optional[Dict[str, Any]] = None, drop_path_rate: float = 0.0, s2d: int = 0,
    ) -> None:
        super().__init__()
        conv_kwargs = conv_kwargs or {}
        self.has_skip = in_chs == out_chs and stride == 1 and not noskip
        use_aa = aa_layer is not None and stride > 1
        self.conv_s2d, self.bn_s2d, in_chs, dw_kernel_size, dw_pad, use_aa = _space_to_depth(
            s2d, in_chs, dw_kernel_size, pad_type, use_aa, norm_act, act_layer)
        mid_chs = make_divisible(in_chs * exp_ratio)
        self.conv_pw = create_conv2d_any(in_chs, mid_chs, exp_kernel_size, padding=pad_type, **conv_kwargs)
        self.bn1 = norm_act(mid_chs, act_layer=act_layer)
        self.conv_dw = create_conv2d_any(
            mid_chs, mid_chs, dw_kernel_size, stride=1 if use_aa else stride, dilation=dilation,
            groups=num_groups(group_size, mid_chs), padding=dw_pad, **conv_kwargs)
        self.bn2 = norm_act(mid_chs, act_layer=act_layer)
        self.aa = _aa(aa_layer, mid_chs, stride, use_aa)
        self.se = se_layer(mid_chs, act_layer=act_layer) if se_layer is not None else nn.Identity()
        self.conv_pwl = create_conv2d_any(mid_chs, out_chs, pw_kernel_size, padding=pad_type, **conv_kwargs)
        self.bn3 = norm_act(out_chs, act_layer=act_layer, apply_act=False)
        self.drop_path = _drop_path(drop_path_rate)

    def feature_info(self, location: str) -> Dict[str, Any]:
        if location == 'expansion':
            return dict(module='conv_pwl', hook_type='forward_pre', num_chs=self.conv_pwl.in_channels)
        return dict(module='', num_chs=self.conv_pwl.out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        if self.conv_s2d is not None:
            x = self.bn_s2d(self.conv_s2d(x))
        x = self.bn1(self.conv_pw(x))
        x = self.aa(self.bn2(self.conv_dw(x)))
        x = self.se(x)
        x = self.bn3(self.conv_pwl(x))
        if self.has_skip:
            x = self.drop_path(x) + shortcut
        return x


class CondConvResidual(InvertedResidual):
    """MBConv whose convs mix `num_experts` kernels per sample, routed by `routing_fn` (CondConv)."""

    def __init__(
        self, in_chs: int, out_chs: int, dw_kernel_size: KernelSize = 3, stride: int = 1, dilation: int = 1,
        group_size: int = 1, pad_type: PadType = '', noskip: bool = False, exp_ratio: float = 1.0,
        exp_kernel_size: KernelSize = 1, pw_kernel_size: KernelSize = 1, act_layer: ActLayer = 'relu',
        norm_act: NormActFactory = BatchNormAct2d, aa_layer: LayerFactory = None, se_layer: LayerFactory = None,
        num_experts: int = 0, drop_path_rate: float = 0.0,
    ) -> None:
        self.num_experts = num_experts
        super().__init__(
            in_chs, out_chs, dw_kernel_size=dw_kernel_size, stride=stride, dilation=dilation, group_size=group_size,
            pad_type=pad_type, noskip=noskip, exp_ratio=exp_ratio, exp_kernel_size=exp_kernel_size,
            pw_kernel_size=pw_kernel_size, act_layer=act_layer, norm_act=norm_act, aa_layer=aa_layer,
            se_layer=se_layer, conv_kwargs=dict(num_experts=num_experts), drop_path_rate=drop_path_rate,
        )
        self.routing_fn = nn.Linear(in_chs, num_experts)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        routing_weights = torch.sigmoid(self.routing_fn(x.mean((2, 3))))
        x = self.bn1(self.conv_pw(x, routing_weights))
        x = self.bn2(self.conv_dw(x, routing_weights))
        x = self.se(x)
        x = self.bn3(self.conv_pwl(x, routing_weights))
        if self.has_skip:
            x = self.drop_path(x) + shortcut
        return x


class EdgeResidual(nn.Module):
    """Fused-MBConv: kxk expand conv → (aa) → (SE) → 1x1 linear project (`conv_exp`, `bn1`, `se`, `conv_pwl`, `bn2`).

    force_in_chs sizes the expansion from another width than the input (TF EdgeTPU definitions).
    """

    def __init__(
        self, in_chs: int, out_chs: int, exp_kernel_size: KernelSize = 3, stride: int = 1, dilation: int = 1,
        group_size: int = 0, pad_type: PadType = '', force_in_chs: int = 0, noskip: bool = False,
        exp_ratio: float = 1.0, pw_kernel_size: KernelSize = 1, act_layer: ActLayer = 'relu',
        norm_act: NormActFactory = BatchNormAct2d, aa_layer: LayerFactory = None, se_layer: LayerFactory = None,
        drop_path_rate: float = 0.0,
    ) -> None:
        super().__init__()
        mid_chs = make_divisible((force_in_chs if force_in_chs > 0 else in_chs) * exp_ratio)
        self.has_skip = in_chs == out_chs and stride == 1 and not noskip
        use_aa = aa_layer is not None and stride > 1
        self.conv_exp = create_conv2d_any(
            in_chs, mid_chs, exp_kernel_size, stride=1 if use_aa else stride, dilation=dilation,
            groups=num_groups(group_size, mid_chs), padding=pad_type)
        self.bn1 = norm_act(mid_chs, act_layer=act_layer)
        self.aa = _aa(aa_layer, mid_chs, stride, use_aa)
        self.se = se_layer(mid_chs, act_layer=act_layer) if se_layer is not None else nn.Identity()
        self.conv_pwl = create_conv2d_any(mid_chs, out_chs, pw_kernel_size, padding=pad_type)
        self.bn2 = norm_act(out_chs, act_layer=act_layer, apply_act=False)
        self.drop_path = _drop_path(drop_path_rate)

    def feature_info(self, location: str) -> Dict[str, Any]:
        if location == 'expansion':
            return dict(module='conv_pwl', hook_type='forward_pre', num_chs=self.conv_pwl.in_channels)
        return dict(module='', num_chs=self.conv_pwl.out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.aa(self.bn1(self.conv_exp(x)))
        x = self.se(x)
        x = self.bn2(self.conv_pwl(x))
        if self.has_skip:
            x = self.drop_path(x) + shortcut
        return x


class ConvNormActAa(nn.Module):
    """Conv (`conv`) → norm+act (`bn`) → anti-aliasing (`aa`), the unit of MobileNetV4's blocks (timm's ConvNormAct)."""

    def __init__(
        self, in_chs: int, out_chs: int, kernel_size: KernelSize = 1, stride: int = 1, dilation: int = 1,
        groups: int = 1, padding: PadType = '', bias: bool = False, apply_act: bool = True,
        act_layer: ActLayer = 'relu', norm_act: NormActFactory = BatchNormAct2d, aa_layer: LayerFactory = None,
    ) -> None:
        super().__init__()
        use_aa = aa_layer is not None and stride > 1
        self.conv = create_conv2d_any(in_chs, out_chs, kernel_size, stride=1 if use_aa else stride,
                                      dilation=dilation, groups=groups, padding=padding, bias=bias)
        self.bn = norm_act(out_chs, act_layer=act_layer, apply_act=apply_act)
        self.aa = _aa(aa_layer, out_chs, stride, use_aa)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.aa(self.bn(self.conv(x)))


class LayerScale2d(nn.Module):
    """x * gamma per channel of an NCHW map; gamma starts at init_values."""

    def __init__(self, dim: int, init_values: float = 1e-5) -> None:
        super().__init__()
        self.init_values = init_values
        self.gamma = nn.Parameter(torch.empty(dim))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.constant_(self.gamma, self.init_values)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gamma.view(1, -1, 1, 1)


class UniversalInvertedResidual(nn.Module):
    """MobileNetV4's UIB: optional depthwise start, 1x1 expand, optional depthwise middle, (SE), 1x1 project,
    optional depthwise end, layer scale (`dw_start`, `pw_exp`, `dw_mid`, `se`, `pw_proj`, `dw_end`, `layer_scale`)."""

    def __init__(
        self, in_chs: int, out_chs: int, dw_kernel_size_start: int = 0, dw_kernel_size_mid: int = 3,
        dw_kernel_size_end: int = 0, stride: int = 1, dilation: int = 1, group_size: int = 1, pad_type: PadType = '',
        noskip: bool = False, exp_ratio: float = 1.0, act_layer: ActLayer = 'relu',
        norm_act: NormActFactory = BatchNormAct2d, aa_layer: LayerFactory = None, se_layer: LayerFactory = None,
        drop_path_rate: float = 0.0, layer_scale_init_value: Optional[float] = 1e-5,
    ) -> None:
        super().__init__()
        self.has_skip = in_chs == out_chs and stride == 1 and not noskip
        if stride > 1 and not (dw_kernel_size_start or dw_kernel_size_mid or dw_kernel_size_end):
            raise InvalidModelArgsError('A strided UniversalInvertedResidual needs at least one depthwise conv.')
        common = dict(dilation=dilation, padding=pad_type, act_layer=act_layer, norm_act=norm_act)
        if dw_kernel_size_start:
            self.dw_start: nn.Module = ConvNormActAa(
                in_chs, in_chs, dw_kernel_size_start, stride=stride if not dw_kernel_size_mid else 1,
                groups=num_groups(group_size, in_chs), apply_act=False, aa_layer=aa_layer, **common)
        else:
            self.dw_start = nn.Identity()
        mid_chs = make_divisible(in_chs * exp_ratio)
        self.pw_exp = ConvNormActAa(in_chs, mid_chs, 1, padding=pad_type, act_layer=act_layer, norm_act=norm_act)
        if dw_kernel_size_mid:
            self.dw_mid: nn.Module = ConvNormActAa(
                mid_chs, mid_chs, dw_kernel_size_mid, stride=stride, groups=num_groups(group_size, mid_chs),
                aa_layer=aa_layer, **common)
        else:
            self.dw_mid = nn.Identity()
        self.se = se_layer(mid_chs, act_layer=act_layer) if se_layer is not None else nn.Identity()
        self.pw_proj = ConvNormActAa(mid_chs, out_chs, 1, padding=pad_type, apply_act=False, act_layer=act_layer,
                                     norm_act=norm_act)
        if dw_kernel_size_end:
            end_stride = stride if not dw_kernel_size_start and not dw_kernel_size_mid else 1
            self.dw_end: nn.Module = ConvNormActAa(
                out_chs, out_chs, dw_kernel_size_end, stride=end_stride, groups=num_groups(group_size, out_chs),
                apply_act=False, **common)
        else:
            self.dw_end = nn.Identity()
        self.layer_scale = (LayerScale2d(out_chs, layer_scale_init_value) if layer_scale_init_value is not None
                            else nn.Identity())
        self.drop_path = _drop_path(drop_path_rate)

    def feature_info(self, location: str) -> Dict[str, Any]:
        if location == 'expansion':
            return dict(module='pw_proj.conv', hook_type='forward_pre', num_chs=self.pw_proj.conv.in_channels)
        return dict(module='', num_chs=self.pw_proj.conv.out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.pw_exp(self.dw_start(x))
        x = self.se(self.dw_mid(x))
        x = self.dw_end(self.pw_proj(x))
        x = self.layer_scale(x)
        if self.has_skip:
            x = self.drop_path(x) + shortcut
        return x


class MultiQueryAttention2d(nn.Module):
    """Multi-query attention on NCHW maps with optional strided queries and keys/values (MobileNetV4 hybrid).

    Parameter layout as timm's `MultiQueryAttention2d`: `query.{down_pool,norm,proj}`, `key.{down_conv,norm,proj}`,
    `value.{down_conv,norm,proj}`, `output.{upsample,proj,drop}`.
    """

    def __init__(
        self, dim: int, dim_out: Optional[int] = None, num_heads: int = 8, key_dim: Optional[int] = None,
        value_dim: Optional[int] = None, query_strides: int = 1, kv_stride: int = 1, dw_kernel_size: int = 3,
        dilation: int = 1, padding: PadType = '', norm_act: NormActFactory = BatchNormAct2d,
    ) -> None:
        super().__init__()
        dim_out = dim_out or dim
        self.num_heads = num_heads
        self.key_dim = key_dim or dim // num_heads
        self.value_dim = value_dim or dim // num_heads
        self.query_strides = (query_strides, query_strides) if isinstance(query_strides, int) else tuple(query_strides)
        self.kv_stride = kv_stride
        self.has_query_strides = any(s > 1 for s in self.query_strides)
        self.scale = self.key_dim ** -0.5

        self.query = nn.Sequential()
        if self.has_query_strides:
            self.query.add_module('down_pool', nn.AvgPool2d(kernel_size=self.query_strides, padding=0))
            self.query.add_module('norm', norm_act(dim, apply_act=False))
        self.query.add_module('proj', nn.Conv2d(dim, self.num_heads * self.key_dim, 1, bias=False))

        def kv(out: int) -> nn.Sequential:
            seq = nn.Sequential()
            if kv_stride > 1:
                seq.add_module('down_conv', create_conv2d_any(
                    dim, dim, dw_kernel_size, stride=kv_stride, dilation=dilation, padding=padding, groups=dim))
                seq.add_module('norm', norm_act(dim, apply_act=False))
            seq.add_module('proj', nn.Conv2d(dim, out, 1, padding=0, bias=False))
            return seq

        self.key = kv(self.key_dim)
        self.value = kv(self.value_dim)
        self.attn_drop = nn.Dropout(0.0)
        self.output = nn.Sequential()
        if self.has_query_strides:
            self.output.add_module('upsample', nn.Upsample(scale_factor=self.query_strides, mode='bilinear',
                                                           align_corners=False))
        self.output.add_module('proj', nn.Conv2d(self.value_dim * self.num_heads, dim_out, 1, bias=False))
        self.output.add_module('drop', nn.Dropout(0.0))
        self.init_weights()

    def init_weights(self) -> None:
        """Xavier-uniform projections (timm's choice for stability of the hybrid models)."""
        projections = [self.query.proj, self.key.proj, self.value.proj, self.output.proj]
        if self.kv_stride > 1:
            projections += [self.key.down_conv, self.value.down_conv]
        for conv in projections:
            nn.init.xavier_uniform_(conv.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, _, height, width = x.shape
        q = self.query(x)  # B, heads * key_dim, H', W'
        q = q.reshape(batch, self.num_heads, self.key_dim, -1).transpose(-1, -2)  # B, heads, HW, key_dim
        k = self.key(x).reshape(batch, self.key_dim, -1).transpose(1, 2).unsqueeze(1)  # B, 1, HW', key_dim
        v = self.value(x).reshape(batch, self.value_dim, -1).transpose(1, 2).unsqueeze(1)  # B, 1, HW', value_dim
        o = F.scaled_dot_product_attention(q, k, v)  # B, heads, HW, value_dim
        q_height = height // self.query_strides[0]
        o = o.transpose(2, 3).reshape(batch, self.num_heads * self.value_dim, q_height, -1)
        return self.output(o)


class MobileAttention(nn.Module):
    """MobileNetV4's attention block: norm → multi-query attention → layer scale, with a residual
    (`norm`, `attn`, `layer_scale`)."""

    def __init__(
        self, in_chs: int, out_chs: int, stride: int = 1, dw_kernel_size: int = 3, dilation: int = 1,
        group_size: int = 1, pad_type: PadType = '', num_heads: int = 8, key_dim: int = 64, value_dim: int = 64,
        use_multi_query: bool = True, kv_stride: int = 1, noskip: bool = False, act_layer: ActLayer = 'relu',
        norm_act: NormActFactory = BatchNormAct2d, aa_layer: LayerFactory = None, drop_path_rate: float = 0.0,
        layer_scale_init_value: Optional[float] = 1e-5,
    ) -> None:
        super().__init__()
        if not use_multi_query:
            raise InvalidModelArgsError('Only multi-query attention (mqa) blocks are supported.')
        self.has_skip = stride == 1 and in_chs == out_chs and not noskip
        self.norm = norm_act(in_chs, act_layer=act_layer, apply_act=False)
        self.attn = MultiQueryAttention2d(
            in_chs, dim_out=out_chs, num_heads=num_heads, key_dim=key_dim, value_dim=value_dim, kv_stride=kv_stride,
            dw_kernel_size=dw_kernel_size, dilation=dilation, padding=pad_type, norm_act=norm_act)
        self.layer_scale = (LayerScale2d(out_chs, layer_scale_init_value) if layer_scale_init_value is not None
                            else nn.Identity())
        self.drop_path = _drop_path(drop_path_rate)

    def feature_info(self, location: str) -> Dict[str, Any]:
        return dict(module='', num_chs=self.attn.output.proj.out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.layer_scale(self.attn(self.norm(x)))
        if self.has_skip:
            x = self.drop_path(x) + shortcut
        return x
