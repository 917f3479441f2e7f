"""Bring-your-own-blocks networks (timm's `byobnet.py`): RepVGG, MobileOne, GENet (GERNet), ResNet-style
nets with tiered / quad stems and SE / ECA / global-context / BAT attention (resnet32ts .. gcresnext50ts,
resnet51q, resnet61q), RegNetZ (incl. EvoNorm variants) and the CLIP ResNets with attention pooling.

A network is a stem, `stages` of blocks described by a `ByoModelCfg` (block type, depth, channels, stride,
group size, bottleneck ratio per stage), an optional 1x1 `final_conv` and a `head`. Module and parameter
names are timm's, so its checkpoints load strictly.

RepVGG and MobileOne blocks train with parallel branches (kxk conv, 1x1 conv, BatchNorm identity) that
`reparameterize()` folds into one `reparam_conv`, as timm does; `imgzoo.reparameterize(model)` folds every
block. A model built with `inference_mode=True` has its blocks folded from the start (how a folded model
saved by `imgzoo.save_pretrained` loads back).
"""
from __future__ import annotations

from abc import ABCMeta, abstractmethod

import math
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InferenceOnlyModelError, InvalidModelArgsError
from ..features import check_output_fmt, feature_take_indices
from ..layers import DropPath, EcaModule, SEModule, check_num_classes, make_divisible, to_2tuple
from ..layers.activations import create_act
from ..layers.attention_pool2d import AttentionPool2d
from ..layers.classifier import ClassifierHead, NormMlpClassifierHead
from ..layers.evo_norm import EvoNorm2dS0, group_std
from ..layers.global_context import GlobalContext
from ..layers.norm_act import BatchNormAct2d
from ..layers.norm_act import ConvNormAct as PlainConvNormAct
from ..layers.padding import create_conv2d, get_padding
from ..layers.pool_same import AvgPool2dSame
from ..registry import register_model
from ._base import ImgzooModel, checkpoint_seq

GroupSize = Union[int, None, Callable[[int, int], int]]


# ----------------------------------------------------------------------------------------------- configs

@dataclass(frozen=True)
class ByoBlockCfg:
    """One stage (or a run of blocks within it): block type, depth d, channels c, stride s of the first block,
    group size gs (1 depthwise, 0/None dense, or a function of (channels, block index)), bottleneck ratio br.
    attn_layer / block_kwargs set here replace the model-level ones for these blocks ('' disables attn)."""

    type: str
    d: int
    c: int
    s: int = 2
    gs: GroupSize = None
    br: float = 1.0
    attn_layer: Optional[str] = None
    attn_kwargs: Optional[Dict[str, Any]] = None
    block_kwargs: Optional[Dict[str, Any]] = None


@dataclass(frozen=True)
class ByoModelCfg:
    """The whole network: stages (each a ByoBlockCfg or a tuple of them), stem, widths, layers and head."""

    blocks: Tuple[Union[ByoBlockCfg, Tuple[ByoBlockCfg, ...]], ...]
    downsample: str = 'conv1x1'
    stem_type: str = '3x3'
    stem_pool: Optional[str] = 'maxpool'
    stem_chs: Union[int, Tuple[int, ...]] = 32
    width_factor: float = 1.0
    num_features: int = 0
    zero_init_last: bool = True
    fixed_input_size: bool = False
    act_layer: str = 'relu'
    norm_layer: str = 'batchnorm'  # or 'evonorms0a' (EvoNorm-S0a, group size 16)
    aa_layer: str = ''
    head_hidden_size: Optional[int] = None
    head_type: str = 'classifier'
    attn_layer: Optional[str] = None
    attn_kwargs: Dict[str, Any] = field(default_factory=dict)
    block_kwargs: Dict[str, Any] = field(default_factory=dict)


def _rep_vgg_bcfg(d: Sequence[int] = (4, 6, 16, 1), wf: Sequence[float] = (1., 1., 1., 1.),
                  groups: int = 0) -> Tuple[ByoBlockCfg, ...]:
    c = (64, 128, 256, 512)
    group_size: GroupSize = 0
    if groups > 0:
        def group_size(chs: int, idx: int) -> int:  # grouped convs in every second block
            return chs // groups if (idx + 1) % 2 == 0 else 0
    return tuple(ByoBlockCfg(type='rep', d=depth, c=int(chs * w), gs=group_size) for depth, chs, w in zip(d, c, wf))


def _mobileone_bcfg(d: Sequence[int] = (2, 8, 10, 1), wf: Sequence[float] = (1., 1., 1., 1.),
                    se_blocks: Sequence[int] = (), num_conv_branches: int = 1) -> Tuple[Tuple[ByoBlockCfg, ...], ...]:
    c = (64, 128, 256, 512)
    prev_c = min(64, c[0] * wf[0])
    se_blocks = se_blocks or (0,) * len(d)
    stages = []
    for depth, chs, w, se in zip(d, c, wf, se_blocks):
        blocks = []
        for i in range(depth):
            out_c = chs * w
            kwargs = dict(num_conv_branches=num_conv_branches)
            attn = dict(attn_layer='se') if i >= depth - se else {}
            blocks.append(ByoBlockCfg(type='one', d=1, c=int(prev_c), gs=1, block_kwargs=kwargs, **attn))  # depthwise
            blocks.append(ByoBlockCfg(type='one', d=1, c=int(out_c), gs=0, block_kwargs=dict(kernel_size=1, **kwargs),
                                      **attn))  # pointwise
            prev_c = out_c
        stages.append(tuple(blocks))
    return tuple(stages)


def num_groups(group_size: Optional[int], channels: int) -> int:
    """Conv groups for a group size: 0/None a dense conv, 1 depthwise, else channels // group_size."""
    if not group_size:
        return 1
    if channels % group_size:
        raise InvalidModelArgsError(f'group size {group_size} does not divide {channels} channels.')
    return channels // group_size


# ----------------------------------------------------------------------------------------------- layers

class EvoNorm2dS0a(EvoNorm2dS0):
    """EvoNorm-S0a: EvoNorm-S0 with the group std taken before the sigmoid gating (timm's variant), eps 1e-3."""

    def __init__(self, num_features: int, groups: int = 32, group_size: Optional[int] = None,
                 apply_act: bool = True, eps: float = 1e-3) -> None:
        super().__init__(num_features, groups=groups, group_size=group_size, apply_act=apply_act, eps=eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = (1, -1, 1, 1)
        d = group_std(x, self.groups, self.eps)
        if self.v is not None:
            x = x * (x * self.v.view(shape).to(x.dtype)).sigmoid()
        x = x / d
        return x * self.weight.view(shape).to(x.dtype) + self.bias.view(shape).to(x.dtype)


NormAct = Callable[..., nn.Module]


def _norm_act_factory(norm_layer: str, act_layer: str) -> NormAct:
    """norm_act(channels, apply_act=True): BatchNorm + activation, or EvoNorm-S0a (its own activation)."""
    if norm_layer == 'batchnorm':
        return partial(BatchNormAct2d, act_layer=act_layer)
    if norm_layer == 'evonorms0a':
        return partial(EvoNorm2dS0a, group_size=16)
    raise InvalidModelArgsError(f"norm_layer must be 'batchnorm' or 'evonorms0a', got {norm_layer!r}.")


class ConvNormAct(nn.Module):
    """Conv (`conv`) → norm + act (`bn`) → optional anti-aliasing average pool (`aa`, when strided)."""

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: int = 1, stride: int = 1, dilation: int = 1,
        groups: int = 1, apply_act: bool = True, norm_act: Optional[NormAct] = None, aa_layer: str = '',
    ) -> None:
        super().__init__()
        use_aa = bool(aa_layer) and stride > 1
        self.conv = create_conv2d(in_channels, out_channels, kernel_size, stride=1 if use_aa else stride,
                                  dilation=dilation, groups=groups)
        self.bn = (norm_act or BatchNormAct2d)(out_channels, apply_act=apply_act)
        if use_aa:
            if aa_layer != 'avg':
                raise InvalidModelArgsError(f"aa_layer must be '' or 'avg', got {aa_layer!r}.")
            self.aa: Optional[nn.Module] = nn.AvgPool2d(stride)
        else:
            self.aa = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bn(self.conv(x))
        if self.aa is not None:
            x = self.aa(x)
        return x


@torch.fx.wrap
def _bilinear_transform(x: torch.Tensor, p: torch.Tensor, q: torch.Tensor, block_size: int,
                        groups: int) -> torch.Tensor:
    """Apply BAT's row (p) and column (q) block-diagonal transforms, each (B, groups*bs*bs, 1, 1) logits, to x."""
    B, C, H, W = x.shape
    if H % block_size or W % block_size:
        raise InvalidModelArgsError(
            f'BAT attention needs feature maps that are multiples of block_size={block_size}, got {H}x{W}: '
            f'use an input size that is a multiple of {block_size * 32}.')
    p = p.view(B, groups, block_size, block_size).sigmoid()
    q = q.view(B, groups, block_size, block_size).sigmoid()
    p = p / p.sum(dim=3, keepdim=True)
    q = q / q.sum(dim=2, keepdim=True)
    p = p.view(B, groups, 1, block_size, block_size).expand(B, groups, C // groups, block_size, block_size)
    q = q.view(B, groups, 1, block_size, block_size).expand(B, groups, C // groups, block_size, block_size)
    p = _resize_mat(p.contiguous().view(B, C, block_size, block_size), H // block_size)
    q = _resize_mat(q.contiguous().view(B, C, block_size, block_size), W // block_size)
    return p.matmul(x).matmul(q)


def _resize_mat(x: torch.Tensor, t: int) -> torch.Tensor:
    """Each entry of a (B, C, n, n) matrix expanded to a t x t diagonal block: (B, C, n*t, n*t)."""
    B, C, n, _ = x.shape
    if t <= 1:
        return x
    x = x.reshape(B * C, -1, 1, 1) * torch.eye(t, t, dtype=x.dtype, device=x.device)
    x = x.view(B * C, n, n, t, t)
    x = torch.cat(torch.split(x, 1, dim=1), dim=3)
    x = torch.cat(torch.split(x, 1, dim=2), dim=4)
    return x.view(B, C, n * t, n * t)


class BilinearAttnTransform(nn.Module):
    def __init__(self, in_channels: int, block_size: int, groups: int) -> None:
        super().__init__()
        self.conv1 = PlainConvNormAct(in_channels, groups, 1)
        self.conv_p = nn.Conv2d(groups, block_size * block_size * groups, kernel_size=(block_size, 1))
        self.conv_q = nn.Conv2d(groups, block_size * block_size * groups, kernel_size=(1, block_size))
        self.conv2 = PlainConvNormAct(in_channels, in_channels, 1)
        self.block_size = block_size
        self.groups = groups
        self.in_channels = in_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv1(x)
        p = self.conv_p(F.adaptive_max_pool2d(out, (self.block_size, 1)))
        q = self.conv_q(F.adaptive_max_pool2d(out, (1, self.block_size)))
        return self.conv2(_bilinear_transform(x, p, q, self.block_size, self.groups))


class BatNonLocalAttn(nn.Module):
    """BAT (bilinear attention transform) non-local block with a residual; keys conv1, ba.*, conv2."""

    def __init__(self, in_channels: int, block_size: int = 7, groups: int = 2, rd_ratio: float = 0.25,
                 rd_divisor: int = 8, drop_rate: float = 0.2) -> None:
        super().__init__()
        rd_channels = make_divisible(in_channels * rd_ratio, divisor=rd_divisor)
        self.conv1 = PlainConvNormAct(in_channels, rd_channels, 1)
        self.ba = BilinearAttnTransform(rd_channels, block_size, groups)
        self.conv2 = PlainConvNormAct(rd_channels, in_channels, 1)
        self.dropout = nn.Dropout2d(p=drop_rate)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.conv2(self.ba(self.conv1(x)))) + x


_ATTN_LAYERS: Dict[str, Callable[..., nn.Module]] = dict(
    se=SEModule, eca=EcaModule, gca=partial(GlobalContext, fuse_add=True, fuse_scale=False), bat=BatNonLocalAttn,
)


def _attn_factory(attn_layer: Optional[str],
                  attn_kwargs: Optional[Dict[str, Any]]) -> Optional[Callable[..., nn.Module]]:
    if not attn_layer:
        return None
    if attn_layer not in _ATTN_LAYERS:
        raise InvalidModelArgsError(f'attn_layer must be one of {sorted(_ATTN_LAYERS)}, got {attn_layer!r}.')
    return partial(_ATTN_LAYERS[attn_layer], **(attn_kwargs or {}))


@dataclass(frozen=True)
class LayerFn:
    """The layer factories a block builds from (chosen once per model, attn overridable per block)."""

    conv_norm_act: Callable[..., nn.Module]
    norm_act: NormAct
    act: str
    attn: Optional[Callable[..., nn.Module]] = None


def _layer_fns(cfg: ByoModelCfg, allow_aa: bool = True) -> LayerFn:
    norm_act = _norm_act_factory(cfg.norm_layer, cfg.act_layer)
    aa = cfg.aa_layer if allow_aa else ''
    return LayerFn(conv_norm_act=partial(ConvNormAct, norm_act=norm_act, aa_layer=aa), norm_act=norm_act,
                   act=cfg.act_layer, attn=_attn_factory(cfg.attn_layer, cfg.attn_kwargs))


# ----------------------------------------------------------------------------------------------- blocks

class DownsampleAvg(nn.Module):
    """Average pool (when strided or dilated) then 1x1 conv + norm: the 'D' ResNet shortcut."""

    def __init__(self, in_chs: int, out_chs: int, stride: int = 1, dilation: int = 1, apply_act: bool = False,
                 layers: Optional[LayerFn] = None) -> None:
        super().__init__()
        avg_stride = stride if dilation == 1 else 1
        if stride > 1 or dilation > 1:
            pool = AvgPool2dSame if avg_stride == 1 and dilation > 1 else nn.AvgPool2d
            self.pool: nn.Module = pool(2, avg_stride, ceil_mode=True, count_include_pad=False)
        else:
            self.pool = nn.Identity()
        self.conv = layers.conv_norm_act(in_chs, out_chs, 1, apply_act=apply_act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(self.pool(x))


def _shortcut(downsample: str, in_chs: int, out_chs: int, stride: int, dilation: Tuple[int, int],
              layers: LayerFn) -> Optional[nn.Module]:
    if downsample not in ('avg', 'conv1x1', ''):
        raise InvalidModelArgsError(f"downsample must be 'avg', 'conv1x1' or '', got {downsample!r}.")
    if in_chs != out_chs or stride != 1 or dilation[0] != dilation[1]:
        if not downsample:
            return None
        if downsample == 'avg':
            return DownsampleAvg(in_chs, out_chs, stride=stride, dilation=dilation[0], layers=layers)
        return layers.conv_norm_act(in_chs, out_chs, kernel_size=1, stride=stride, dilation=dilation[0],
                                    apply_act=False)
    return nn.Identity()


def _attn(layers: LayerFn, chs: int, enable: bool) -> nn.Module:
    return layers.attn(chs) if enable and layers.attn is not None else nn.Identity()


def _drop_path(rate: float) -> nn.Module:
    return DropPath(rate) if rate > 0. else nn.Identity()


class _ResidualBlock(nn.Module):
    """Shared tail of the residual blocks: drop path, shortcut add, activation."""

    shortcut: Optional[nn.Module]
    last_conv: str

    def zero_init_last(self) -> None:
        bn = getattr(self, self.last_conv).bn
        if self.shortcut is not None and getattr(bn, 'weight', None) is not None:
            nn.init.zeros_(bn.weight)

    def _finish(self, x: torch.Tensor, shortcut: torch.Tensor) -> torch.Tensor:
        x = self.drop_path(x)
        if self.shortcut is not None:
            x = x + self.shortcut(shortcut)
        return self.act(x)


class BasicBlock(_ResidualBlock):
    """ResNet basic block: kxk (strided) → kxk; keys shortcut, conv1_kxk, attn, conv2_kxk, attn_last."""

    last_conv = 'conv2_kxk'

    def __init__(self, in_chs: int, out_chs: int, kernel_size: int = 3, stride: int = 1,
                 dilation: Tuple[int, int] = (1, 1), group_size: Optional[int] = None, bottle_ratio: float = 1.0,
                 downsample: str = 'avg', attn_last: bool = True, linear_out: bool = False,
                 layers: Optional[LayerFn] = None, drop_path_rate: float = 0.) -> None:
        super().__init__()
        mid_chs = make_divisible(out_chs * bottle_ratio)
        groups = num_groups(group_size, mid_chs)
        self.shortcut = _shortcut(downsample, in_chs, out_chs, stride, dilation, layers)
        self.conv1_kxk = layers.conv_norm_act(in_chs, mid_chs, kernel_size, stride=stride, dilation=dilation[0])
        self.attn = _attn(layers, mid_chs, not attn_last)
        self.conv2_kxk = layers.conv_norm_act(mid_chs, out_chs, kernel_size, dilation=dilation[1], groups=groups,
                                              apply_act=False)
        self.attn_last = _attn(layers, out_chs, attn_last)
        self.drop_path = _drop_path(drop_path_rate)
        self.act = nn.Identity() if linear_out else create_act(layers.act, inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.attn_last(self.conv2_kxk(self.attn(self.conv1_kxk(x))))
        return self._finish(x, shortcut)


class BottleneckBlock(_ResidualBlock):
    """ResNet bottleneck: 1x1 → kxk (strided, grouped) → optional second kxk → 1x1."""

    last_conv = 'conv3_1x1'

    def __init__(self, in_chs: int, out_chs: int, kernel_size: int = 3, stride: int = 1,
                 dilation: Tuple[int, int] = (1, 1), bottle_ratio: float = 1., group_size: Optional[int] = None,
                 downsample: str = 'avg', attn_last: bool = False, linear_out: bool = False, extra_conv: bool = False,
                 bottle_in: bool = False, layers: Optional[LayerFn] = None, drop_path_rate: float = 0.) -> None:
        super().__init__()
        mid_chs = make_divisible((in_chs if bottle_in else out_chs) * bottle_ratio)
        groups = num_groups(group_size, mid_chs)
        self.shortcut = _shortcut(downsample, in_chs, out_chs, stride, dilation, layers)
        self.conv1_1x1 = layers.conv_norm_act(in_chs, mid_chs, 1)
        self.conv2_kxk = layers.conv_norm_act(mid_chs, mid_chs, kernel_size, stride=stride, dilation=dilation[0],
                                              groups=groups)
        if extra_conv:
            self.conv2b_kxk: nn.Module = layers.conv_norm_act(mid_chs, mid_chs, kernel_size, dilation=dilation[1],
                                                              groups=groups)
        else:
            self.conv2b_kxk = nn.Identity()
        self.attn = _attn(layers, mid_chs, not attn_last)
        self.conv3_1x1 = layers.conv_norm_act(mid_chs, out_chs, 1, apply_act=False)
        self.attn_last = _attn(layers, out_chs, attn_last)
        self.drop_path = _drop_path(drop_path_rate)
        self.act = nn.Identity() if linear_out else create_act(layers.act, inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.attn(self.conv2b_kxk(self.conv2_kxk(self.conv1_1x1(x))))
        x = self.attn_last(self.conv3_1x1(x))
        return self._finish(x, shortcut)


class DarkBlock(_ResidualBlock):
    """DarkNet-like block: 1x1 → kxk (strided)."""

    last_conv = 'conv2_kxk'

    def __init__(self, in_chs: int, out_chs: int, kernel_size: int = 3, stride: int = 1,
                 dilation: Tuple[int, int] = (1, 1), bottle_ratio: float = 1.0, group_size: Optional[int] = None,
                 downsample: str = 'avg', attn_last: bool = True, linear_out: bool = False,
                 layers: Optional[LayerFn] = None, drop_path_rate: float = 0.) -> None:
        super().__init__()
        mid_chs = make_divisible(out_chs * bottle_ratio)
        groups = num_groups(group_size, mid_chs)
        self.shortcut = _shortcut(downsample, in_chs, out_chs, stride, dilation, layers)
        self.conv1_1x1 = layers.conv_norm_act(in_chs, mid_chs, 1)
        self.attn = _attn(layers, mid_chs, not attn_last)
        self.conv2_kxk = layers.conv_norm_act(mid_chs, out_chs, kernel_size, stride=stride, dilation=dilation[0],
                                              groups=groups, apply_act=False)
        self.attn_last = _attn(layers, out_chs, attn_last)
        self.drop_path = _drop_path(drop_path_rate)
        self.act = nn.Identity() if linear_out else create_act(layers.act, inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.attn_last(self.conv2_kxk(self.attn(self.conv1_1x1(x))))
        return self._finish(x, shortcut)


class EdgeBlock(_ResidualBlock):
    """EdgeResidual-like block: kxk (strided) → 1x1."""

    last_conv = 'conv2_1x1'

    def __init__(self, in_chs: int, out_chs: int, kernel_size: int = 3, stride: int = 1,
                 dilation: Tuple[int, int] = (1, 1), bottle_ratio: float = 1.0, group_size: Optional[int] = None,
                 downsample: str = 'avg', attn_last: bool = False, linear_out: bool = False,
                 layers: Optional[LayerFn] = None, drop_path_rate: float = 0.) -> None:
        super().__init__()
        mid_chs = make_divisible(out_chs * bottle_ratio)
        groups = num_groups(group_size, mid_chs)
        self.shortcut = _shortcut(downsample, in_chs, out_chs, stride, dilation, layers)
        self.conv1_kxk = layers.conv_norm_act(in_chs, mid_chs, kernel_size, stride=stride, dilation=dilation[0],
                                              groups=groups)
        self.attn = _attn(layers, mid_chs, not attn_last)
        self.conv2_1x1 = layers.conv_norm_act(mid_chs, out_chs, 1, apply_act=False)
        self.attn_last = _attn(layers, out_chs, attn_last)
        self.drop_path = _drop_path(drop_path_rate)
        self.act = nn.Identity() if linear_out else create_act(layers.act, inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.attn_last(self.conv2_1x1(self.attn(self.conv1_kxk(x))))
        return self._finish(x, shortcut)


def _fuse_bn(kernel: torch.Tensor, bn: nn.BatchNorm2d) -> Tuple[torch.Tensor, torch.Tensor]:
    """A conv kernel and a BatchNorm after it as one kernel and bias."""
    std = (bn.running_var + bn.eps).sqrt()
    t = (bn.weight / std).reshape(-1, 1, 1, 1)
    return kernel * t, bn.bias - bn.running_mean * bn.weight / std


class _RepBlock(nn.Module, metaclass=ABCMeta):
    """Shared half of RepVGG and MobileOne blocks: the folded conv, and folding the training branches into it.

    Training form: identity BatchNorm (`identity`, when shapes allow), kxk conv branch(es) (`conv_kxk`), a 1x1
    branch (`conv_1x1` / `conv_scale`), summed. Folded form: `reparam_conv` only (timm's key)."""

    reparam_conv: Optional[nn.Conv2d]
    _scale_name: str

    def _reparam_conv(self, in_chs: int, out_chs: int, kernel_size: int, stride: int, dilation: int,
                      groups: int) -> nn.Conv2d:
        padding = get_padding(kernel_size, stride, dilation)  # timm's inference_mode build omits it
        return nn.Conv2d(in_chs, out_chs, kernel_size, stride=stride, padding=padding, dilation=dilation,
                         groups=groups, bias=True)

    @abstractmethod
    def _kxk_branches(self) -> List[nn.Module]:
        """The block's kxk conv+norm branches (each subclass has its own layout)."""

    def _identity_kernel(self, like: nn.Conv2d) -> torch.Tensor:
        """The identity map as a kxk (grouped) kernel."""
        kernel = torch.zeros_like(like.weight)
        input_dim = like.in_channels // self.groups
        centre_h, centre_w = like.kernel_size[0] // 2, like.kernel_size[1] // 2
        idx = torch.arange(like.in_channels, device=kernel.device)
        kernel[idx, idx % input_dim, centre_h, centre_w] = 1
        return kernel

    def _kernel_bias(self) -> Tuple[torch.Tensor, torch.Tensor]:
        branches = self._kxk_branches()
        ref = branches[0].conv
        kernel, bias = 0, 0
        scale = getattr(self, self._scale_name)
        if scale is not None:
            k, b = _fuse_bn(scale.conv.weight, scale.bn)
            pad = ref.kernel_size[0] // 2
            kernel, bias = kernel + F.pad(k, [pad, pad, pad, pad]), bias + b
        if self.identity is not None:
            k, b = _fuse_bn(self._identity_kernel(ref), self.identity)
            kernel, bias = kernel + k, bias + b
        for branch in branches:
            k, b = _fuse_bn(branch.conv.weight, branch.bn)
            kernel, bias = kernel + k, bias + b
        return kernel, bias

    def reparameterize(self) -> None:
        """Fold the training branches into one `reparam_conv` (no-op when already folded)."""
        if self.reparam_conv is not None:
            return
        ref = self._kxk_branches()[0].conv
        with torch.no_grad():
            kernel, bias = self._kernel_bias()
        conv = nn.Conv2d(ref.in_channels, ref.out_channels, ref.kernel_size, stride=ref.stride, padding=ref.padding,
                         dilation=ref.dilation, groups=ref.groups, bias=True).to(device=ref.weight.device,
                                                                                   dtype=ref.weight.dtype)
        conv.weight.data = kernel.detach()
        conv.bias.data = bias.detach()
        for name in ('conv_kxk', self._scale_name, 'identity', 'drop_path'):
            delattr(self, name)
        self.reparam_conv = conv

    @property
    def is_folded(self) -> bool:
        return self.reparam_conv is not None


class RepVggBlock(_RepBlock):
    """RepVGG block: kxk conv-BN + 1x1 conv-BN + BN identity (when shapes allow), then attn and activation."""

    _scale_name = 'conv_1x1'

    def __init__(self, in_chs: int, out_chs: int, kernel_size: int = 3, stride: int = 1,
                 dilation: Tuple[int, int] = (1, 1), bottle_ratio: float = 1.0, group_size: Optional[int] = None,
                 downsample: str = '', layers: Optional[LayerFn] = None, drop_path_rate: float = 0.,
                 inference_mode: bool = False) -> None:
        super().__init__()
        self.groups = groups = num_groups(group_size, in_chs)
        if inference_mode:
            self.reparam_conv = self._reparam_conv(in_chs, out_chs, kernel_size, stride, dilation[0], groups)
        else:
            self.reparam_conv = None
            use_ident = in_chs == out_chs and stride == 1 and dilation[0] == dilation[1]
            self.identity = layers.norm_act(out_chs, apply_act=False) if use_ident else None
            self.conv_kxk = layers.conv_norm_act(in_chs, out_chs, kernel_size, stride=stride, dilation=dilation[0],
                                                 groups=groups, apply_act=False)
            self.conv_1x1 = layers.conv_norm_act(in_chs, out_chs, 1, stride=stride, groups=groups, apply_act=False)
            self.drop_path = _drop_path(drop_path_rate if use_ident else 0.)
        self.attn = _attn(layers, out_chs, True)
        self.act = create_act(layers.act, inplace=True)

    def init_weights(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.BatchNorm2d):
                nn.init.normal_(m.weight, .1, .1)
                nn.init.normal_(m.bias, 0, .1)

    def _kxk_branches(self) -> List[nn.Module]:
        return [self.conv_kxk]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.reparam_conv is not None:
            return self.act(self.attn(self.reparam_conv(x)))
        if self.identity is None:
            x = self.conv_1x1(x) + self.conv_kxk(x)
        else:
            identity = self.identity(x)
            x = self.drop_path(self.conv_1x1(x) + self.conv_kxk(x)) + identity
        return self.act(self.attn(x))


class MobileOneBlock(_RepBlock):
    """MobileOne block: num_conv_branches kxk conv-BN branches + 1x1 conv-BN (kxk > 1) + BN identity."""

    _scale_name = 'conv_scale'

    def __init__(self, in_chs: int, out_chs: int, kernel_size: int = 3, stride: int = 1,
                 dilation: Tuple[int, int] = (1, 1), bottle_ratio: float = 1.0, group_size: Optional[int] = None,
                 downsample: str = '', inference_mode: bool = False, num_conv_branches: int = 1,
                 layers: Optional[LayerFn] = None, drop_path_rate: float = 0.) -> None:
        super().__init__()
        self.num_conv_branches = num_conv_branches
        self.groups = groups = num_groups(group_size, in_chs)
        if inference_mode:
            self.reparam_conv = self._reparam_conv(in_chs, out_chs, kernel_size, stride, 1, groups)
        else:
            self.reparam_conv = None
            use_ident = in_chs == out_chs and stride == 1 and dilation[0] == dilation[1]
            self.identity = layers.norm_act(out_chs, apply_act=False) if use_ident else None
            self.conv_kxk = nn.ModuleList([
                layers.conv_norm_act(in_chs, out_chs, kernel_size=kernel_size, stride=stride, groups=groups,
                                     apply_act=False)
                for _ in range(num_conv_branches)
            ])
            self.conv_scale = None
            if kernel_size > 1:
                self.conv_scale = layers.conv_norm_act(in_chs, out_chs, kernel_size=1, stride=stride, groups=groups,
                                                       apply_act=False)
            self.drop_path = _drop_path(drop_path_rate if use_ident else 0.)
        self.attn = _attn(layers, out_chs, True)
        self.act = create_act(layers.act, inplace=True)

    def _kxk_branches(self) -> List[nn.Module]:
        return list(self.conv_kxk)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.reparam_conv is not None:
            return self.act(self.attn(self.reparam_conv(x)))
        out = self.conv_scale(x) if self.conv_scale is not None else None
        for conv in self.conv_kxk:
            out = conv(x) if out is None else out + conv(x)
        out = self.drop_path(out)
        if self.identity is not None:
            out = out + self.identity(x)
        return self.act(self.attn(out))


_BLOCKS: Dict[str, Callable[..., nn.Module]] = dict(
    basic=BasicBlock, bottle=BottleneckBlock, dark=DarkBlock, edge=EdgeBlock, rep=RepVggBlock, one=MobileOneBlock,
)


# ----------------------------------------------------------------------------------------------- stem

class Stem(nn.Sequential):
    """A stack of (conv-norm-act or plain) convs `conv1`..`convN`, then an optional `pool`; reduction 2 or 4."""

    def __init__(self, in_chs: int, out_chs: Union[int, Sequence[int]], kernel_size: int = 3, stride: int = 4,
                 pool: Optional[str] = 'maxpool', num_rep: int = 3, num_act: Optional[int] = None,
                 chs_decay: float = 0.5, layers: Optional[LayerFn] = None) -> None:
        super().__init__()
        if isinstance(out_chs, (list, tuple)):
            num_rep = len(out_chs)
            stem_chs = list(out_chs)
        else:
            stem_chs = [round(out_chs * chs_decay ** i) for i in range(num_rep)][::-1]
        self.stride = stride
        self.feature_info: List[Dict[str, Any]] = []
        prev_feat = ''
        stem_strides = [2] + [1] * (num_rep - 1)
        if stride == 4 and not pool:
            stem_strides[-1] = 2
        num_act = num_rep if num_act is None else num_act
        stem_norm_acts = [False] * (num_rep - num_act) + [True] * num_act
        prev_chs, curr_stride, last_feat_idx = in_chs, 1, -1
        i = 0
        for i, (ch, s, na) in enumerate(zip(stem_chs, stem_strides, stem_norm_acts)):
            conv_name = f'conv{i + 1}'
            if i > 0 and s > 1:
                last_feat_idx = i - 1
                self.feature_info.append(dict(num_chs=prev_chs, reduction=curr_stride, module=prev_feat, stage=0))
            if na:
                conv = layers.conv_norm_act(prev_chs, ch, kernel_size=kernel_size, stride=s)
            else:
                conv = create_conv2d(prev_chs, ch, kernel_size=kernel_size, stride=s)
            self.add_module(conv_name, conv)
            prev_chs, curr_stride, prev_feat = ch, curr_stride * s, conv_name
        if pool:
            pool = pool.lower()
            last_feat_idx = i
            self.feature_info.append(dict(num_chs=prev_chs, reduction=curr_stride, module=prev_feat, stage=0))
            if pool == 'max2':
                self.add_module('pool', nn.MaxPool2d(2))
            elif pool == 'avg2':
                self.add_module('pool', nn.AvgPool2d(2))
            elif 'max' in pool:
                self.add_module('pool', nn.MaxPool2d(kernel_size=3, stride=2, padding=1))
            elif 'avg' in pool:
                self.add_module('pool', nn.AvgPool2d(kernel_size=3, stride=2, padding=1, count_include_pad=False))
            else:
                raise InvalidModelArgsError(f'Unknown stem pool {pool!r}.')
            curr_stride *= 2
            prev_feat = 'pool'
        self.last_feat_idx = last_feat_idx if last_feat_idx >= 0 else None
        self.feature_info.append(dict(num_chs=prev_chs, reduction=curr_stride, module=prev_feat, stage=0))

    def forward_intermediates(self, x: torch.Tensor) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """The stem output and the map before its last stride (None when there is none)."""
        intermediate: Optional[torch.Tensor] = None
        for i, m in enumerate(self):
            x = m(x)
            if self.last_feat_idx is not None and i == self.last_feat_idx:
                intermediate = x
        return x, intermediate

    def prune_to_tap(self) -> None:
        """Replace the layers after the intermediate tap with identities (the stem then outputs it)."""
        if self.last_feat_idx is not None:
            for name in list(self._modules)[self.last_feat_idx + 1:]:
                setattr(self, name, nn.Identity())


def _create_stem(in_chs: int, out_chs: Union[int, Sequence[int]], stem_type: str, pool_type: Optional[str],
                 layers: LayerFn, inference_mode: bool) -> Tuple[nn.Module, List[Dict[str, Any]]]:
    if stem_type not in ('', 'quad', 'quad2', 'tiered', 'deep', 'rep', 'one', '7x7', '3x3'):
        raise InvalidModelArgsError(f'Unknown stem_type {stem_type!r}.')
    if 'quad' in stem_type:
        stem: nn.Module = Stem(in_chs, out_chs, num_rep=4, num_act=2 if 'quad2' in stem_type else None,
                               pool=pool_type, layers=layers)
    elif stem_type == 'tiered':
        stem = Stem(in_chs, (3 * out_chs // 8, out_chs // 2, out_chs), pool=pool_type, layers=layers)
    elif stem_type == 'deep':
        stem = Stem(in_chs, out_chs, num_rep=3, chs_decay=1.0, pool=pool_type, layers=layers)
    elif stem_type == 'rep':
        stem = RepVggBlock(in_chs, out_chs, stride=2, layers=layers, inference_mode=inference_mode)
    elif stem_type == 'one':
        stem = MobileOneBlock(in_chs, out_chs, kernel_size=3, stride=2, layers=layers, inference_mode=inference_mode)
    elif stem_type == '7x7':
        if pool_type:
            stem = Stem(in_chs, out_chs, 7, num_rep=1, pool=pool_type, layers=layers)
        else:
            stem = layers.conv_norm_act(in_chs, out_chs, 7, stride=2)
    elif isinstance(out_chs, (tuple, list)):
        stem = Stem(in_chs, out_chs, 3, pool=pool_type, layers=layers)
    elif pool_type:
        stem = Stem(in_chs, out_chs, 3, num_rep=1, pool=pool_type, layers=layers)
    else:
        stem = layers.conv_norm_act(in_chs, out_chs, 3, stride=2)
    if isinstance(stem, Stem):
        return stem, [dict(f, module=f"stem.{f['module']}") for f in stem.feature_info]
    return stem, [dict(num_chs=out_chs, reduction=2, module='stem', stage=0)]


def _stage_drop_path_rates(drop_path_rate: float, depths: Sequence[int]) -> List[List[float]]:
    """Rates rising linearly from 0 to drop_path_rate over all blocks, split by stage (timm's stagewise rule)."""
    total = sum(depths)
    flat = [drop_path_rate * i / (total - 1) if total > 1 else 0.0 for i in range(total)]
    out, start = [], 0
    for d in depths:
        out.append(flat[start:start + d])
        start += d
    return out


def _expand_blocks(stage: Union[ByoBlockCfg, Sequence[ByoBlockCfg]]) -> List[ByoBlockCfg]:
    stage = (stage,) if isinstance(stage, ByoBlockCfg) else stage
    return [replace(cfg, d=1) for cfg in stage for _ in range(cfg.d)]


def _block_layers(layers: LayerFn, block_cfg: ByoBlockCfg, cfg: ByoModelCfg) -> LayerFn:
    """The model's layers with this block's attention (block settings replace the model's, '' disables)."""
    if block_cfg.attn_layer is None and block_cfg.attn_kwargs is None:
        return layers
    if block_cfg.attn_layer is not None and not block_cfg.attn_layer:
        return replace(layers, attn=None)
    attn_kwargs = block_cfg.attn_kwargs if block_cfg.attn_kwargs is not None else cfg.attn_kwargs
    return replace(layers, attn=_attn_factory(block_cfg.attn_layer or cfg.attn_layer, attn_kwargs))


# ----------------------------------------------------------------------------------------------- model

class ByobNet(ImgzooModel):
    """Bring-your-own-blocks network: stem, stages, final_conv, head (timm's ByobNet)."""

    def __init__(
        self,
        cfg: ByoModelCfg,
        num_classes: int = 1000,
        in_chans: int = 3,
        global_pool: Optional[str] = None,
        output_stride: int = 32,
        img_size: Optional[Union[int, Tuple[int, int]]] = None,
        drop_rate: float = 0.,
        drop_block_rate: float = 0.,
        drop_path_rate: float = 0.,
        zero_init_last: bool = True,
        inference_mode: bool = False,
    ) -> None:
        super().__init__()
        if output_stride not in (8, 16, 32):
            raise InvalidModelArgsError(f'output_stride must be 8, 16 or 32, got {output_stride}.')
        if drop_block_rate:
            raise InvalidModelArgsError(
                'drop_block_rate is not supported by imgzoo ByobNet models; use drop_path_rate.')
        if inference_mode and not any(
                b.type in ('rep', 'one') for stage in cfg.blocks for b in _expand_blocks(stage)):
            raise InvalidModelArgsError('inference_mode=True applies to RepVGG / MobileOne models only.')
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate
        self.inference_mode = inference_mode
        stem_layers = _layer_fns(cfg, allow_aa=False)
        stage_layers = _layer_fns(cfg)
        if img_size is None and cfg.fixed_input_size:
            raise InvalidModelArgsError('This model needs img_size (its attention pooling has a fixed grid).')
        feat_size = to_2tuple(img_size) if img_size is not None else None

        self.feature_info: List[Dict[str, Any]] = []
        if isinstance(cfg.stem_chs, (list, tuple)):
            stem_chs: Union[int, List[int]] = [int(round(c * cfg.width_factor)) for c in cfg.stem_chs]
        else:
            first = cfg.blocks[0]
            first_c = first.c if isinstance(first, ByoBlockCfg) else first[0].c
            stem_chs = int(round((cfg.stem_chs or first_c) * cfg.width_factor))
        self.stem, stem_feat = _create_stem(in_chans, stem_chs, cfg.stem_type, cfg.stem_pool, stem_layers,
                                            inference_mode)
        self.feature_info.extend(stem_feat[:-1])
        net_stride = stem_feat[-1]['reduction']
        if feat_size is not None:
            feat_size = (feat_size[0] // net_stride, feat_size[1] // net_stride)

        # stages
        block_cfgs = [_expand_blocks(s) for s in cfg.blocks]
        dpr = _stage_drop_path_rates(drop_path_rate, [len(b) for b in block_cfgs])
        dilation = 1
        prev_chs = stem_feat[-1]['num_chs']
        prev_feat = stem_feat[-1]
        stages = []
        for stage_idx, stage_block_cfgs in enumerate(block_cfgs):
            stride = stage_block_cfgs[0].s
            if stride != 1 and prev_feat:
                self.feature_info.append(prev_feat)
            if net_stride >= output_stride and stride > 1:
                dilation *= stride
                stride = 1
            net_stride *= stride
            first_dilation = 1 if dilation in (1, 2) else 2
            blocks = []
            for block_idx, block_cfg in enumerate(stage_block_cfgs):
                out_chs = make_divisible(block_cfg.c * cfg.width_factor)
                group_size = block_cfg.gs
                if callable(group_size):
                    group_size = group_size(out_chs, block_idx)
                kwargs: Dict[str, Any] = dict(
                    in_chs=prev_chs, out_chs=out_chs, stride=stride if block_idx == 0 else 1,
                    dilation=(first_dilation, dilation), group_size=group_size, bottle_ratio=block_cfg.br,
                    downsample=cfg.downsample, drop_path_rate=dpr[stage_idx][block_idx],
                    layers=_block_layers(stage_layers, block_cfg, cfg),
                )
                extra = block_cfg.block_kwargs if block_cfg.block_kwargs is not None else cfg.block_kwargs
                kwargs.update(extra or {})
                if block_cfg.type in ('rep', 'one'):
                    kwargs['inference_mode'] = inference_mode
                blocks.append(_BLOCKS[block_cfg.type](**kwargs))
                first_dilation = dilation
                prev_chs = out_chs
                if stride > 1 and block_idx == 0 and feat_size is not None:
                    feat_size = (feat_size[0] // stride, feat_size[1] // stride)
            stages.append(nn.Sequential(*blocks))
            prev_feat = dict(num_chs=prev_chs, reduction=net_stride, module=f'stages.{stage_idx}', stage=stage_idx + 1)
        self.stages = nn.Sequential(*stages)

        if cfg.num_features:
            self.num_features = int(round(cfg.width_factor * cfg.num_features))
            self.final_conv: nn.Module = stage_layers.conv_norm_act(prev_chs, self.num_features, 1)
        else:
            self.num_features = prev_chs
            self.final_conv = nn.Identity()
        self.feature_info.append(
            dict(num_chs=self.num_features, reduction=net_stride, module='final_conv', stage=len(self.stages)))
        self.stage_ends = [f['stage'] for f in self.feature_info]

        if cfg.head_type == 'mlp':
            global_pool = 'avg' if global_pool is None else global_pool
            self.head: nn.Module = NormMlpClassifierHead(
                self.num_features, self.num_classes, hidden_size=cfg.head_hidden_size, pool_type=global_pool,
                norm_layer=nn.BatchNorm2d, act_layer=cfg.act_layer, drop_rate=drop_rate)
            self.head_hidden_size = self.head.num_features
        elif cfg.head_type == 'attn_abs':
            global_pool = 'token' if global_pool is None else global_pool
            self.head = AttentionPool2d(
                self.num_features, embed_dim=cfg.head_hidden_size, out_features=self.num_classes, feat_size=feat_size,
                pool_type=global_pool, drop_rate=drop_rate, qkv_separate=True)
            self.head_hidden_size = self.head.embed_dim
        else:
            global_pool = 'avg' if global_pool is None else global_pool
            self.head = ClassifierHead(self.num_features, self.num_classes, pool_type=global_pool, drop_rate=drop_rate)
            self.head_hidden_size = self.head.num_features
        self.global_pool = global_pool
        self._init_weights(zero_init_last)

    def _init_weights(self, zero_init_last: bool) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels // m.groups
                nn.init.normal_(m.weight, 0, math.sqrt(2.0 / fan_out))
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        for m in self.modules():
            if isinstance(m, _ResidualBlock) and zero_init_last:
                m.zero_init_last()
            elif isinstance(m, RepVggBlock):
                m.init_weights()
            elif isinstance(m, GlobalContext):
                m.reset_parameters()
            elif isinstance(m, AttentionPool2d):
                m.init_weights()

    # ------------------------------------------------------------------ contract

    @property
    def model_args(self) -> Dict[str, Any]:
        """The build arguments (set by create_model); inference_mode=True once every branch block is folded.

        A partly folded model has no architecture its weights fit: asking for its arguments (as
        save_pretrained does) raises InferenceOnlyModelError."""
        args = dict(self.__dict__.get('_model_args', {}))
        blocks = [m for m in self.modules() if isinstance(m, _RepBlock)]
        folded = [m.is_folded for m in blocks]
        if folded and all(folded):
            args['inference_mode'] = True
        elif any(folded):
            raise InferenceOnlyModelError(
                f'{sum(folded)} of {len(folded)} re-parameterisable blocks of this model are folded, so its weights '
                'fit no architecture. Fold them all with imgzoo.reparameterize(model) (or save the unfolded model).')
        return args

    @model_args.setter
    def model_args(self, value: Dict[str, Any]) -> None:
        self.__dict__['_model_args'] = dict(value)

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(
            stem=r'^stem',
            blocks=[(r'^stages\.(\d+)' if coarse else r'^stages\.(\d+)\.(\d+)', None), (r'^final_conv', (99999,))],
        )

    def get_classifier(self) -> nn.Module:
        return self.head.proj if isinstance(self.head, AttentionPool2d) else self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and optionally the pooling) with a fresh one."""
        self.num_classes = check_num_classes(num_classes)
        if isinstance(self.head, AttentionPool2d):
            self.head.reset(num_classes, global_pool)
        else:
            self.head.reset(num_classes, global_pool)
            self.head_hidden_size = self.head.num_features
        if global_pool is not None:
            self.global_pool = global_pool

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
        exclude_final_conv: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the maps at the feature taps (stem, each strided stage input, final_conv)."""
        check_output_fmt(output_fmt)
        intermediates = []
        take_indices, max_index = feature_take_indices(len(self.stage_ends), indices)
        take_indices = [self.stage_ends[i] for i in take_indices]
        max_index = self.stage_ends[max_index]
        feat_idx = 0
        if isinstance(self.stem, Stem):
            x, x_inter = self.stem.forward_intermediates(x)
        else:
            x, x_inter = self.stem(x), None
        if feat_idx in take_indices:
            intermediates.append(x if x_inter is None else x_inter)
        last_idx = self.stage_ends[-1]
        stages = self.stages[:max_index] if stop_early else self.stages
        for stage in stages:
            feat_idx += 1
            x = checkpoint_seq(stage, x) if self.grad_checkpointing else stage(x)
            if not exclude_final_conv and feat_idx == last_idx:
                x = self.final_conv(x)
            if feat_idx in take_indices:
                intermediates.append(x)
        if intermediates_only:
            return intermediates
        if exclude_final_conv and feat_idx == last_idx:
            x = self.final_conv(x)
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the stages after the last index needed (and the head); returns the kept indices."""
        take_indices, max_index = feature_take_indices(len(self.stage_ends), indices)
        num_chs = self.feature_info[max_index]['num_chs']
        max_index = self.stage_ends[max_index]
        prune_end = max_index < self.stage_ends[-1]
        self.stages = self.stages[:max_index]
        if prune_end:
            self.final_conv = nn.Identity()
            self.num_features = self.head_hidden_size = num_chs
        if max_index == 0 and isinstance(self.stem, Stem):
            self.stem.prune_to_tap()
        if prune_head or prune_end:
            self.head = ClassifierHead(self.num_features, 0, pool_type='', drop_rate=self.drop_rate)
            self.num_classes = 0
            self.global_pool = ''
            self.head_hidden_size = self.num_features
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        x = checkpoint_seq(self.stages, x) if self.grad_checkpointing else self.stages(x)
        return self.final_conv(x)

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        return self.head(x, pre_logits=pre_logits)


# ----------------------------------------------------------------------------------------------- architectures

def _tiered(blocks: Tuple[ByoBlockCfg, ...], **kwargs: Any) -> ByoModelCfg:
    return ByoModelCfg(blocks=blocks, stem_chs=64, stem_type='tiered', **kwargs)


_RESNEXT26 = (
    ByoBlockCfg(type='bottle', d=2, c=256, s=1, gs=32, br=0.25),
    ByoBlockCfg(type='bottle', d=2, c=512, s=2, gs=32, br=0.25),
    ByoBlockCfg(type='bottle', d=2, c=1024, s=2, gs=32, br=0.25),
    ByoBlockCfg(type='bottle', d=2, c=2048, s=2, gs=32, br=0.25),
)
_RESNET33 = (
    ByoBlockCfg(type='bottle', d=2, c=256, s=1, gs=0, br=0.25),
    ByoBlockCfg(type='bottle', d=3, c=512, s=2, gs=0, br=0.25),
    ByoBlockCfg(type='bottle', d=3, c=1536, s=2, gs=0, br=0.25),
    ByoBlockCfg(type='bottle', d=2, c=1536, s=2, gs=0, br=0.25),
)


def _regnetz(depths: Sequence[int], chs: Sequence[int], gs: int, br: float, first_stride: int,
             **kwargs: Any) -> ByoModelCfg:
    return ByoModelCfg(
        blocks=tuple(ByoBlockCfg(type='bottle', d=d, c=c, s=first_stride if i == 0 else 2, gs=gs, br=br)
                     for i, (d, c) in enumerate(zip(depths, chs))),
        stem_pool='', downsample='', act_layer='silu', attn_layer='se', attn_kwargs=dict(rd_ratio=0.25),
        block_kwargs=dict(bottle_in=True, linear_out=True), **kwargs,
    )


def _clip(depths: Sequence[int], width_factor: float = 1.0, **kwargs: Any) -> ByoModelCfg:
    return ByoModelCfg(
        blocks=tuple(ByoBlockCfg(type='bottle', d=d, c=c, s=1 if i == 0 else 2, br=0.25)
                     for i, (d, c) in enumerate(zip(depths, (256, 512, 1024, 2048)))),
        width_factor=width_factor, stem_chs=(32, 32, 64), stem_type='', stem_pool='avg2', downsample='avg',
        aa_layer='avg', **kwargs,
    )


MODEL_CFGS: Dict[str, ByoModelCfg] = dict(
    gernet_l=ByoModelCfg(
        blocks=(
            ByoBlockCfg(type='basic', d=1, c=128, s=2, gs=0, br=1.),
            ByoBlockCfg(type='basic', d=2, c=192, s=2, gs=0, br=1.),
            ByoBlockCfg(type='bottle', d=6, c=640, s=2, gs=0, br=1 / 4),
            ByoBlockCfg(type='bottle', d=5, c=640, s=2, gs=1, br=3.),
            ByoBlockCfg(type='bottle', d=4, c=640, s=1, gs=1, br=3.),
        ),
        stem_chs=32, stem_pool=None, num_features=2560,
    ),
    gernet_m=ByoModelCfg(
        blocks=(
            ByoBlockCfg(type='basic', d=1, c=128, s=2, gs=0, br=1.),
            ByoBlockCfg(type='basic', d=2, c=192, s=2, gs=0, br=1.),
            ByoBlockCfg(type='bottle', d=6, c=640, s=2, gs=0, br=1 / 4),
            ByoBlockCfg(type='bottle', d=4, c=640, s=2, gs=1, br=3.),
            ByoBlockCfg(type='bottle', d=1, c=640, s=1, gs=1, br=3.),
        ),
        stem_chs=32, stem_pool=None, num_features=2560,
    ),
    gernet_s=ByoModelCfg(
        blocks=(
            ByoBlockCfg(type='basic', d=1, c=48, s=2, gs=0, br=1.),
            ByoBlockCfg(type='basic', d=3, c=48, s=2, gs=0, br=1.),
            ByoBlockCfg(type='bottle', d=7, c=384, s=2, gs=0, br=1 / 4),
            ByoBlockCfg(type='bottle', d=2, c=560, s=2, gs=1, br=3.),
            ByoBlockCfg(type='bottle', d=1, c=256, s=1, gs=1, br=3.),
        ),
        stem_chs=13, stem_pool=None, num_features=1920,
    ),
    repvgg_a0=ByoModelCfg(blocks=_rep_vgg_bcfg(d=(2, 4, 14, 1), wf=(0.75, 0.75, 0.75, 2.5)), stem_type='rep',
                          stem_chs=48),
    repvgg_a1=ByoModelCfg(blocks=_rep_vgg_bcfg(d=(2, 4, 14, 1), wf=(1, 1, 1, 2.5)), stem_type='rep', stem_chs=64),
    repvgg_a2=ByoModelCfg(blocks=_rep_vgg_bcfg(d=(2, 4, 14, 1), wf=(1.5, 1.5, 1.5, 2.75)), stem_type='rep',
                          stem_chs=64),
    repvgg_b0=ByoModelCfg(blocks=_rep_vgg_bcfg(wf=(1., 1., 1., 2.5)), stem_type='rep', stem_chs=64),
    repvgg_b1=ByoModelCfg(blocks=_rep_vgg_bcfg(wf=(2., 2., 2., 4.)), stem_type='rep', stem_chs=64),
    repvgg_b1g4=ByoModelCfg(blocks=_rep_vgg_bcfg(wf=(2., 2., 2., 4.), groups=4), stem_type='rep', stem_chs=64),
    repvgg_b2=ByoModelCfg(blocks=_rep_vgg_bcfg(wf=(2.5, 2.5, 2.5, 5.)), stem_type='rep', stem_chs=64),
    repvgg_b2g4=ByoModelCfg(blocks=_rep_vgg_bcfg(wf=(2.5, 2.5, 2.5, 5.), groups=4), stem_type='rep', stem_chs=64),
    repvgg_b3=ByoModelCfg(blocks=_rep_vgg_bcfg(wf=(3., 3., 3., 5.)), stem_type='rep', stem_chs=64),
    repvgg_b3g4=ByoModelCfg(blocks=_rep_vgg_bcfg(wf=(3., 3., 3., 5.), groups=4), stem_type='rep', stem_chs=64),
    repvgg_d2se=ByoModelCfg(
        blocks=_rep_vgg_bcfg(d=(8, 14, 24, 1), wf=(2.5, 2.5, 2.5, 5.)), stem_type='rep', stem_chs=64,
        attn_layer='se', attn_kwargs=dict(rd_ratio=0.0625, rd_divisor=1),
    ),
    resnet51q=ByoModelCfg(
        blocks=(
            ByoBlockCfg(type='bottle', d=2, c=256, s=1, gs=32, br=0.25),
            ByoBlockCfg(type='bottle', d=4, c=512, s=2, gs=32, br=0.25),
            ByoBlockCfg(type='bottle', d=6, c=1536, s=2, gs=32, br=0.25),
            ByoBlockCfg(type='bottle', d=4, c=1536, s=2, gs=1, br=1.0),
        ),
        stem_chs=128, stem_type='quad2', stem_pool=None, num_features=2048, act_layer='silu',
    ),
    resnet61q=ByoModelCfg(
        blocks=(
            ByoBlockCfg(type='edge', d=1, c=256, s=1, gs=0, br=1.0, block_kwargs=dict()),
            ByoBlockCfg(type='bottle', d=4, c=512, s=2, gs=32, br=0.25),
            ByoBlockCfg(type='bottle', d=6, c=1536, s=2, gs=32, br=0.25),
            ByoBlockCfg(type='bottle', d=4, c=1536, s=2, gs=1, br=1.0),
        ),
        stem_chs=128, stem_type='quad', stem_pool=None, num_features=2048, act_layer='silu',
        block_kwargs=dict(extra_conv=True),
    ),
    resnext26ts=_tiered(_RESNEXT26, stem_pool='maxpool', act_layer='silu'),
    gcresnext26ts=_tiered(_RESNEXT26, stem_pool='maxpool', act_layer='silu', attn_layer='gca'),
    seresnext26ts=_tiered(_RESNEXT26, stem_pool='maxpool', act_layer='silu', attn_layer='se'),
    eca_resnext26ts=_tiered(_RESNEXT26, stem_pool='maxpool', act_layer='silu', attn_layer='eca'),
    bat_resnext26ts=_tiered(_RESNEXT26, stem_pool='maxpool', act_layer='silu', attn_layer='bat',
                            attn_kwargs=dict(block_size=8)),
    resnet32ts=_tiered(_RESNET33, stem_pool='', num_features=0, act_layer='silu'),
    resnet33ts=_tiered(_RESNET33, stem_pool='', num_features=1280, act_layer='silu'),
    gcresnet33ts=_tiered(_RESNET33, stem_pool='', num_features=1280, act_layer='silu', attn_layer='gca'),
    seresnet33ts=_tiered(_RESNET33, stem_pool='', num_features=1280, act_layer='silu', attn_layer='se'),
    eca_resnet33ts=_tiered(_RESNET33, stem_pool='', num_features=1280, act_layer='silu', attn_layer='eca'),
    gcresnet50t=_tiered(
        tuple(ByoBlockCfg(type='bottle', d=d, c=c, s=1 if i == 0 else 2, br=0.25)
              for i, (d, c) in enumerate(zip((3, 4, 6, 3), (256, 512, 1024, 2048)))),
        stem_pool='', attn_layer='gca'),
    gcresnext50ts=_tiered(
        tuple(ByoBlockCfg(type='bottle', d=d, c=c, s=1 if i == 0 else 2, gs=32, br=0.25)
              for i, (d, c) in enumerate(zip((3, 4, 6, 3), (256, 512, 1024, 2048)))),
        stem_pool='maxpool', act_layer='silu', attn_layer='gca'),
    regnetz_b16=_regnetz((2, 6, 12, 2), (48, 96, 192, 288), 16, 3, 2, stem_chs=32, num_features=1536),
    regnetz_c16=_regnetz((2, 6, 12, 2), (48, 96, 192, 288), 16, 4, 2, stem_chs=32, num_features=1536),
    regnetz_d32=_regnetz((3, 6, 12, 3), (64, 128, 256, 384), 32, 4, 1, stem_chs=64, stem_type='tiered',
                         num_features=1792),
    regnetz_d8=_regnetz((3, 6, 12, 3), (64, 128, 256, 384), 8, 4, 1, stem_chs=64, stem_type='tiered',
                        num_features=1792),
    regnetz_e8=_regnetz((3, 8, 16, 3), (96, 192, 384, 512), 8, 4, 1, stem_chs=64, stem_type='tiered',
                        num_features=2048),
    regnetz_b16_evos=_regnetz((2, 6, 12, 2), (48, 96, 192, 288), 16, 3, 2, stem_chs=32, num_features=1536,
                              norm_layer='evonorms0a'),
    regnetz_c16_evos=_regnetz((2, 6, 12, 2), (48, 96, 192, 288), 16, 4, 2, stem_chs=32, num_features=1536,
                              norm_layer='evonorms0a'),
    regnetz_d8_evos=_regnetz((3, 6, 12, 3), (64, 128, 256, 384), 8, 4, 1, stem_chs=64, stem_type='deep',
                             num_features=1792, norm_layer='evonorms0a'),
    mobileone_s0=ByoModelCfg(blocks=_mobileone_bcfg(wf=(0.75, 1.0, 1.0, 2.), num_conv_branches=4), stem_type='one',
                             stem_chs=48),
    mobileone_s1=ByoModelCfg(blocks=_mobileone_bcfg(wf=(1.5, 1.5, 2.0, 2.5)), stem_type='one', stem_chs=64),
    mobileone_s2=ByoModelCfg(blocks=_mobileone_bcfg(wf=(1.5, 2.0, 2.5, 4.0)), stem_type='one', stem_chs=64),
    mobileone_s3=ByoModelCfg(blocks=_mobileone_bcfg(wf=(2.0, 2.5, 3.0, 4.0)), stem_type='one', stem_chs=64),
    mobileone_s4=ByoModelCfg(blocks=_mobileone_bcfg(wf=(3.0, 3.5, 3.5, 4.0), se_blocks=(0, 0, 5, 1)),
                             stem_type='one', stem_chs=64),
    resnet50_clip=_clip((3, 4, 6, 3), head_type='attn_abs'),
    resnet101_clip=_clip((3, 4, 23, 3), head_type='attn_abs'),
    resnet50x4_clip=_clip((4, 6, 10, 6), 1.25, head_type='attn_abs'),
    resnet50x16_clip=_clip((6, 8, 18, 8), 1.5, head_type='attn_abs'),
    resnet50x64_clip=_clip((3, 15, 36, 10), 2.0, head_type='attn_abs'),
    resnet50_mlp=_clip((3, 4, 6, 3), head_hidden_size=1024, head_type='mlp'),
    test_byobnet=ByoModelCfg(
        blocks=(
            ByoBlockCfg(type='edge', d=1, c=32, s=2, gs=0, br=0.5),
            ByoBlockCfg(type='dark', d=1, c=64, s=2, gs=0, br=0.5),
            ByoBlockCfg(type='basic', d=1, c=128, s=2, gs=32, br=0.25),
            ByoBlockCfg(type='bottle', d=1, c=256, s=2, gs=64, br=0.25),
        ),
        stem_chs=24, downsample='avg', stem_pool='', act_layer='relu', attn_layer='se',
        attn_kwargs=dict(rd_ratio=0.25),
    ),
)
for _name in ('resnet50_clip', 'resnet101_clip', 'resnet50x4_clip', 'resnet50x16_clip', 'resnet50x64_clip'):
    MODEL_CFGS[_name + '_gap'] = replace(MODEL_CFGS[_name], head_type='classifier')

# The grid the CLIP attention pooling is built for (timm passes img_size from the pretrained config).
_CLIP_IMG_SIZE = dict(resnet50_clip=224, resnet101_clip=224, resnet50x4_clip=288, resnet50x16_clip=384,
                      resnet50x64_clip=448)
# CLIP image towers end in their embedding (attention pooling) or in pooled features (_gap): no classifier.
_CLIP_NUM_CLASSES = dict(resnet50_clip=1024, resnet101_clip=512, resnet50x4_clip=640, resnet50x16_clip=768,
                         resnet50x64_clip=1024)


def _create(variant: str, **kwargs: Any) -> ByobNet:
    if variant in _CLIP_IMG_SIZE:
        kwargs.setdefault('img_size', _CLIP_IMG_SIZE[variant])
        kwargs.setdefault('num_classes', _CLIP_NUM_CLASSES[variant])
    elif variant.endswith('_clip_gap'):
        kwargs.setdefault('num_classes', 0)
    return ByobNet(MODEL_CFGS[variant], **kwargs)


@register_model
def gernet_l(**kwargs: Any) -> ByobNet:
    return _create('gernet_l', **kwargs)


@register_model
def gernet_m(**kwargs: Any) -> ByobNet:
    return _create('gernet_m', **kwargs)


@register_model
def gernet_s(**kwargs: Any) -> ByobNet:
    return _create('gernet_s', **kwargs)


@register_model
def repvgg_a0(**kwargs: Any) -> ByobNet:
    return _create('repvgg_a0', **kwargs)


@register_model
def repvgg_a1(**kwargs: Any) -> ByobNet:
    return _create('repvgg_a1', **kwargs)


@register_model
def repvgg_a2(**kwargs: Any) -> ByobNet:
    return _create('repvgg_a2', **kwargs)


@register_model
def repvgg_b0(**kwargs: Any) -> ByobNet:
    return _create('repvgg_b0', **kwargs)


@register_model
def repvgg_b1(**kwargs: Any) -> ByobNet:
    return _create('repvgg_b1', **kwargs)


@register_model
def repvgg_b1g4(**kwargs: Any) -> ByobNet:
    return _create('repvgg_b1g4', **kwargs)


@register_model
def repvgg_b2(**kwargs: Any) -> ByobNet:
    return _create('repvgg_b2', **kwargs)


@register_model
def repvgg_b2g4(**kwargs: Any) -> ByobNet:
    return _create('repvgg_b2g4', **kwargs)


@register_model
def repvgg_b3(**kwargs: Any) -> ByobNet:
    return _create('repvgg_b3', **kwargs)


@register_model
def repvgg_b3g4(**kwargs: Any) -> ByobNet:
    return _create('repvgg_b3g4', **kwargs)


@register_model
def repvgg_d2se(**kwargs: Any) -> ByobNet:
    return _create('repvgg_d2se', **kwargs)


@register_model
def resnet51q(**kwargs: Any) -> ByobNet:
    return _create('resnet51q', **kwargs)


@register_model
def resnet61q(**kwargs: Any) -> ByobNet:
    return _create('resnet61q', **kwargs)


@register_model
def resnext26ts(**kwargs: Any) -> ByobNet:
    return _create('resnext26ts', **kwargs)


@register_model
def gcresnext26ts(**kwargs: Any) -> ByobNet:
    return _create('gcresnext26ts', **kwargs)


@register_model
def seresnext26ts(**kwargs: Any) -> ByobNet:
    return _create('seresnext26ts', **kwargs)


@register_model
def eca_resnext26ts(**kwargs: Any) -> ByobNet:
    return _create('eca_resnext26ts', **kwargs)


@register_model
def bat_resnext26ts(**kwargs: Any) -> ByobNet:
    return _create('bat_resnext26ts', **kwargs)


@register_model
def resnet32ts(**kwargs: Any) -> ByobNet:
    return _create('resnet32ts', **kwargs)


@register_model
def resnet33ts(**kwargs: Any) -> ByobNet:
    return _create('resnet33ts', **kwargs)


@register_model
def gcresnet33ts(**kwargs: Any) -> ByobNet:
    return _create('gcresnet33ts', **kwargs)


@register_model
def seresnet33ts(**kwargs: Any) -> ByobNet:
    return _create('seresnet33ts', **kwargs)


@register_model
def eca_resnet33ts(**kwargs: Any) -> ByobNet:
    return _create('eca_resnet33ts', **kwargs)


@register_model
def gcresnet50t(**kwargs: Any) -> ByobNet:
    return _create('gcresnet50t', **kwargs)


@register_model
def gcresnext50ts(**kwargs: Any) -> ByobNet:
    return _create('gcresnext50ts', **kwargs)


@register_model
def regnetz_b16(**kwargs: Any) -> ByobNet:
    return _create('regnetz_b16', **kwargs)


@register_model
def regnetz_c16(**kwargs: Any) -> ByobNet:
    return _create('regnetz_c16', **kwargs)


@register_model
def regnetz_d32(**kwargs: Any) -> ByobNet:
    return _create('regnetz_d32', **kwargs)


@register_model
def regnetz_d8(**kwargs: Any) -> ByobNet:
    return _create('regnetz_d8', **kwargs)


@register_model
def regnetz_e8(**kwargs: Any) -> ByobNet:
    return _create('regnetz_e8', **kwargs)


@register_model
def regnetz_b16_evos(**kwargs: Any) -> ByobNet:
    return _create('regnetz_b16_evos', **kwargs)


@register_model
def regnetz_c16_evos(**kwargs: Any) -> ByobNet:
    return _create('regnetz_c16_evos', **kwargs)


@register_model
def regnetz_d8_evos(**kwargs: Any) -> ByobNet:
    return _create('regnetz_d8_evos', **kwargs)


@register_model
def mobileone_s0(**kwargs: Any) -> ByobNet:
    return _create('mobileone_s0', **kwargs)


@register_model
def mobileone_s1(**kwargs: Any) -> ByobNet:
    return _create('mobileone_s1', **kwargs)


@register_model
def mobileone_s2(**kwargs: Any) -> ByobNet:
    return _create('mobileone_s2', **kwargs)


@register_model
def mobileone_s3(**kwargs: Any) -> ByobNet:
    return _create('mobileone_s3', **kwargs)


@register_model
def mobileone_s4(**kwargs: Any) -> ByobNet:
    return _create('mobileone_s4', **kwargs)


@register_model
def resnet50_clip(**kwargs: Any) -> ByobNet:
    return _create('resnet50_clip', **kwargs)


@register_model
def resnet101_clip(**kwargs: Any) -> ByobNet:
    return _create('resnet101_clip', **kwargs)


@register_model
def resnet50x4_clip(**kwargs: Any) -> ByobNet:
    return _create('resnet50x4_clip', **kwargs)


@register_model
def resnet50x16_clip(**kwargs: Any) -> ByobNet:
    return _create('resnet50x16_clip', **kwargs)


@register_model
def resnet50x64_clip(**kwargs: Any) -> ByobNet:
    return _create('resnet50x64_clip', **kwargs)


@register_model
def resnet50_clip_gap(**kwargs: Any) -> ByobNet:
    return _create('resnet50_clip_gap', **kwargs)


@register_model
def resnet101_clip_gap(**kwargs: Any) -> ByobNet:
    return _create('resnet101_clip_gap', **kwargs)


@register_model
def resnet50x4_clip_gap(**kwargs: Any) -> ByobNet:
    return _create('resnet50x4_clip_gap', **kwargs)


@register_model
def resnet50x16_clip_gap(**kwargs: Any) -> ByobNet:
    return _create('resnet50x16_clip_gap', **kwargs)


@register_model
def resnet50x64_clip_gap(**kwargs: Any) -> ByobNet:
    return _create('resnet50x64_clip_gap', **kwargs)


@register_model
def resnet50_mlp(**kwargs: Any) -> ByobNet:
    return _create('resnet50_mlp', **kwargs)


@register_model
def test_byobnet(**kwargs: Any) -> ByobNet:
    return _create('test_byobnet', **kwargs)
