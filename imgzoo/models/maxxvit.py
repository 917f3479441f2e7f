"""MaxViT (Tu et al. 2022), CoAtNet (Dai et al. 2021) and timm's MaxxViT / CoAtNeXt hybrids.

Module and parameter names follow timm's `maxxvit.py`, so its checkpoints load strictly. A conv stem is
followed by four stages of blocks: 'C' (MBConv or ConvNeXt), 'T' (attention over the whole map, CoAtNet),
'M' (MaxViT: a conv block, then attention within windows and within a strided grid) and 'PM' (window and
grid attention in parallel). Attention adds a relative position bias: a learned table indexed by offset
('bias'), TensorFlow MaxViT's one-hot lookup ('bias_tf') or an MLP over log-spaced offsets ('mlp'). Index,
lookup and coordinate tensors are non-persistent buffers: computed at build time, or after a meta-device
build by `init_non_persistent_buffers()`. Window and grid sizes follow img_size // 32; another `img_size`
resamples the bias tables on load, as timm does.

Model configs are dataclasses as in timm (`MaxxVitCfg`, `MaxxVitConvCfg`, `MaxxVitTransformerCfg`);
keyword arguments overlay them like timm's: `transformer_<field>` / `conv_<field>` / `<field>`.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field, fields, replace
from functools import partial
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, Union

import torch
import torch.fx
from torch import nn
from torch.nn import functional as F

from ..errors import InputSizeError, InvalidModelArgsError
from ..features import check_output_fmt, feature_take_indices
from ..layers import DropPath, LayerNorm2d, Mlp, create_act, create_conv2d, make_divisible, to_2tuple
from ..layers.classifier import ClassifierHead, NormMlpClassifierHead
from ..layers.layer_norm_act import LayerNormAct2d
from ..layers.layer_scale import LayerScale
from ..layers.norm_act import BatchNormAct2d
from ..layers.padding import Conv2dSame, pad_same
from ..layers.relative_position import creating_on_meta, relative_position_index, resize_rel_pos_bias_table
from ..layers.squeeze_excite import SEModule
from ..registry import register_model
from ._base import ImgzooModel, checkpoint_seq

SizeT = Tuple[int, int]


@dataclass
class MaxxVitTransformerCfg:
    """Transformer (attention) block options."""
    dim_head: int = 32
    head_first: bool = True
    expand_ratio: float = 4.0
    expand_first: bool = True
    shortcut_bias: bool = True
    attn_bias: bool = True
    attn_drop: float = 0.0
    proj_drop: float = 0.0
    pool_type: str = 'avg2'
    rel_pos_type: str = 'bias'
    rel_pos_dim: int = 512
    partition_ratio: int = 32
    window_size: Optional[Tuple[int, int]] = None
    grid_size: Optional[Tuple[int, int]] = None
    no_block_attn: bool = False
    use_nchw_attn: bool = False
    init_values: Optional[float] = None
    act_layer: str = 'gelu'
    norm_layer: str = 'layernorm2d'
    norm_layer_cl: str = 'layernorm'
    norm_eps: float = 1e-6

    def __post_init__(self) -> None:
        if self.grid_size is not None:
            self.grid_size = to_2tuple(self.grid_size)
        if self.window_size is not None:
            self.window_size = to_2tuple(self.window_size)
            if self.grid_size is None:
                self.grid_size = self.window_size


@dataclass
class MaxxVitConvCfg:
    """Convolution block options (MBConv or ConvNeXt)."""
    block_type: str = 'mbconv'
    expand_ratio: float = 4.0
    expand_output: bool = True
    kernel_size: int = 3
    group_size: int = 1
    pre_norm_act: bool = False
    output_bias: bool = True
    stride_mode: str = 'dw'
    pool_type: str = 'avg2'
    downsample_pool_type: str = 'avg2'
    padding: str = ''
    attn_early: bool = False
    attn_layer: str = 'se'
    attn_act_layer: str = 'silu'
    attn_ratio: float = 0.25
    init_values: Optional[float] = 1e-6
    act_layer: str = 'gelu'
    norm_layer: str = ''
    norm_layer_cl: str = ''
    norm_eps: Optional[float] = None

    def __post_init__(self) -> None:
        if self.block_type not in ('mbconv', 'convnext'):
            raise InvalidModelArgsError(f"conv block_type must be 'mbconv' or 'convnext', got {self.block_type!r}.")
        use_mbconv = self.block_type == 'mbconv'
        if not self.norm_layer:
            self.norm_layer = 'batchnorm2d' if use_mbconv else 'layernorm2d'
        if not self.norm_layer_cl and not use_mbconv:
            self.norm_layer_cl = 'layernorm'
        if self.norm_eps is None:
            self.norm_eps = 1e-5 if use_mbconv else 1e-6
        self.downsample_pool_type = self.downsample_pool_type or self.pool_type


@dataclass
class MaxxVitCfg:
    """Whole-model options: widths, depths, block types per stage, stem, head."""
    embed_dim: Tuple[int, ...] = (96, 192, 384, 768)
    depths: Tuple[int, ...] = (2, 3, 5, 2)
    block_type: Tuple[Union[str, Tuple[str, ...]], ...] = ('C', 'C', 'T', 'T')
    stem_width: Union[int, Tuple[int, int]] = 64
    stem_bias: bool = False
    conv_cfg: MaxxVitConvCfg = field(default_factory=MaxxVitConvCfg)
    transformer_cfg: MaxxVitTransformerCfg = field(default_factory=MaxxVitTransformerCfg)
    head_hidden_size: Optional[int] = None
    weight_init: str = 'vit_eff'


# ---------------------------------------------------------------------------------------------------- layers

class LayerScale2d(nn.Module):
    """x * gamma per channel of an NCHW map."""

    def __init__(self, dim: int, init_values: float = 1e-5) -> None:
        super().__init__()
        self.init_values = init_values
        self.gamma = nn.Parameter(torch.empty(dim))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.constant_(self.gamma, self.init_values)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gamma.view(1, -1, 1, 1)


class TraceableBatchNormAct2d(BatchNormAct2d):
    """BatchNormAct2d whose forward has no Python checks on tensor values, so torch.fx traces through it."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        use_batch_stats = self.training or self.running_mean is None
        if self.training and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
        if self.momentum is None:  # cumulative moving average, as nn.BatchNorm2d
            momentum = 1.0 / float(self.num_batches_tracked) if self.training else 0.0
        else:
            momentum = self.momentum
        x = F.batch_norm(x, self.running_mean if not self.training or self.track_running_stats else None,
                         self.running_var if not self.training or self.track_running_stats else None,
                         self.weight, self.bias, use_batch_stats, momentum, self.eps)
        return self.act(self.drop(x))


def _norm_layer(name: str, eps: float) -> Callable[[int], nn.Module]:
    if name == 'layernorm2d':
        return partial(LayerNorm2d, eps=eps)
    if name == 'layernorm':
        return partial(nn.LayerNorm, eps=eps)
    if name == 'batchnorm2d':
        return partial(nn.BatchNorm2d, eps=eps)
    raise InvalidModelArgsError(f"norm_layer must be 'layernorm2d', 'layernorm' or 'batchnorm2d', got {name!r}.")


def _norm_act_layer(name: str, act_layer: str, eps: float) -> Callable[..., nn.Module]:
    if name == 'batchnorm2d':
        return partial(TraceableBatchNormAct2d, eps=eps, act_layer=act_layer)
    if name == 'layernorm2d':
        return partial(LayerNormAct2d, eps=eps, act_layer=act_layer)
    raise InvalidModelArgsError(f"conv norm_layer must be 'batchnorm2d' or 'layernorm2d', got {name!r}.")


torch.fx.wrap('pad_same')  # its padding depends on the traced input size


class TraceableConv2dSame(Conv2dSame):
    """Conv2dSame (TF 'same' padding from each input's size) that torch.fx records with one padding call."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = pad_same(x, self.kernel_size, self.stride, self.dilation)  # type: ignore[arg-type]
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


def _conv2d(in_chs: int, out_chs: int, kernel_size: int, stride: int = 1, padding: str = '', dilation: int = 1,
            groups: int = 1, depthwise: bool = False, bias: bool = False) -> nn.Conv2d:
    conv = create_conv2d(in_chs, out_chs, kernel_size, stride=stride, padding=padding, dilation=dilation,
                         groups=groups, depthwise=depthwise, bias=bias)
    if isinstance(conv, Conv2dSame):
        conv = TraceableConv2dSame(conv.in_channels, conv.out_channels, kernel_size, stride, 0, dilation, conv.groups,
                                   bias)
    return conv


class _Pool(nn.Module):
    """Max or average pooling with symmetric or TF 'same' padding (timm's create_pool2d for these cases)."""

    def __init__(self, kind: str, kernel_size: int, stride: int, padding: Union[str, int],
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kind, self.kernel_size, self.stride = kind, kernel_size, stride
        self.same = padding == 'same'
        self.padding = 0 if self.same else int(padding)
        self.count_include_pad = count_include_pad

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        k, s = (self.kernel_size,) * 2, (self.stride,) * 2
        if self.kind == 'max':
            if self.same:
                x = pad_same(x, k, s, value=-float('inf'))
            return F.max_pool2d(x, k, s, self.padding)
        if self.same:
            x = pad_same(x, k, s)
        return F.avg_pool2d(x, k, s, self.padding, count_include_pad=self.count_include_pad)


class Downsample2d(nn.Module):
    """Pool by 2 ('max'/'avg': 3x3 kernel, 'max2'/'avg2': 2x2), then a 1x1 conv when the width changes."""

    def __init__(self, dim: int, dim_out: int, pool_type: str = 'avg2', padding: str = '', bias: bool = True) -> None:
        super().__init__()
        if pool_type == 'max':
            self.pool = _Pool('max', 3, 2, padding or 1)
        elif pool_type == 'max2':
            self.pool = _Pool('max', 2, 2, padding or 0)
        elif pool_type == 'avg':
            self.pool = _Pool('avg', 3, 2, padding or 1, count_include_pad=False)
        elif pool_type == 'avg2':
            self.pool = _Pool('avg', 2, 2, padding or 0)
        else:
            raise InvalidModelArgsError(f"pool_type must be 'max', 'max2', 'avg' or 'avg2', got {pool_type!r}.")
        self.expand = nn.Conv2d(dim, dim_out, 1, bias=bias) if dim != dim_out else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.expand(self.pool(x))


class RelPosBias(nn.Module):
    """Learned bias per head for each (dy, dx) offset of a window; index buffer computed, not stored."""

    def __init__(self, window_size: SizeT, num_heads: int) -> None:
        super().__init__()
        self.window_size = tuple(window_size)
        self.window_area = window_size[0] * window_size[1]
        self.bias_shape = (self.window_area, self.window_area, num_heads)
        self.relative_position_bias_table = nn.Parameter(
            torch.empty((2 * window_size[0] - 1) * (2 * window_size[1] - 1), num_heads))
        self.register_buffer('relative_position_index', None, persistent=False)
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)
        if not creating_on_meta():
            self.init_non_persistent_buffers()

    def init_non_persistent_buffers(self) -> None:
        self.relative_position_index = relative_position_index(
            *self.window_size, device=self.relative_position_bias_table.device).view(-1)

    def get_bias(self) -> torch.Tensor:
        bias = self.relative_position_bias_table[self.relative_position_index]
        return bias.view(self.bias_shape).permute(2, 0, 1).unsqueeze(0).contiguous()


def _log_coords(window_size: SizeT, device: Optional[torch.device], dtype: Optional[torch.dtype]) -> torch.Tensor:
    """(2*Wh-1, 2*Ww-1, 2) offsets mapped through sign(x) * log(1 + |x|) (timm's 'cr' mode)."""
    coords = torch.stack(torch.meshgrid(
        torch.arange(-(window_size[0] - 1), window_size[0], device=device).to(torch.float32),
        torch.arange(-(window_size[1] - 1), window_size[1], device=device).to(torch.float32),
        indexing='ij',
    )).permute(1, 2, 0).contiguous()
    return (torch.sign(coords) * torch.log(1.0 + coords.abs())).to(dtype)


class RelPosMlp(nn.Module):
    """Bias per head from a 2-layer MLP over log-spaced (dy, dx) offsets; coordinates and index are computed."""

    def __init__(self, window_size: SizeT, num_heads: int = 8, hidden_dim: int = 128) -> None:
        super().__init__()
        self.window_size = tuple(window_size)
        self.window_area = window_size[0] * window_size[1]
        self.num_heads = num_heads
        self.bias_shape = (self.window_area, self.window_area, num_heads)
        self.mlp = Mlp(2, hidden_features=hidden_dim, out_features=num_heads, act_layer='relu')
        self.mlp.drop1 = nn.Dropout(0.125)
        self.register_buffer('relative_position_index', None, persistent=False)
        self.register_buffer('rel_coords_log', None, persistent=False)
        if not creating_on_meta():
            self.init_non_persistent_buffers()

    def init_non_persistent_buffers(self) -> None:
        weight = self.mlp.fc1.weight
        self.relative_position_index = relative_position_index(*self.window_size, device=weight.device).view(-1)
        self.rel_coords_log = _log_coords(self.window_size, weight.device, weight.dtype)

    def get_bias(self) -> torch.Tensor:
        bias = self.mlp(self.rel_coords_log).view(-1, self.num_heads)[self.relative_position_index]
        return bias.view(self.bias_shape).permute(2, 0, 1).unsqueeze(0).contiguous()


def _one_hot_lookup(length: int, device: Optional[torch.device], dtype: Optional[torch.dtype]) -> torch.Tensor:
    """(length, length, 2*length-1) with [i, x, x - i + length - 1] = 1 (TF MaxViT's reindexing)."""
    positions = torch.arange(length, device=device)
    offsets = positions[None, :] - positions[:, None] + length - 1
    return F.one_hot(offsets, 2 * length - 1).to(dtype)


class RelPosBiasTf(nn.Module):
    """TF MaxViT's bias: a (heads, 2*Wh-1, 2*Ww-1) table reindexed by one-hot lookups (computed buffers)."""

    def __init__(self, window_size: SizeT, num_heads: int) -> None:
        super().__init__()
        self.window_size = tuple(window_size)
        self.window_area = window_size[0] * window_size[1]
        self.num_heads = num_heads
        self.bias_shape = (num_heads, 2 * window_size[0] - 1, 2 * window_size[1] - 1)
        self.relative_position_bias_table = nn.Parameter(torch.empty(self.bias_shape))
        self.register_buffer('height_lookup', None, persistent=False)
        self.register_buffer('width_lookup', None, persistent=False)
        nn.init.normal_(self.relative_position_bias_table, std=0.02)
        if not creating_on_meta():
            self.init_non_persistent_buffers()

    def init_non_persistent_buffers(self) -> None:
        table = self.relative_position_bias_table
        self.height_lookup = _one_hot_lookup(self.window_size[0], table.device, table.dtype)
        self.width_lookup = _one_hot_lookup(self.window_size[1], table.device, table.dtype)

    def get_bias(self) -> torch.Tensor:
        bias = torch.einsum('nhw,ixh->nixw', self.relative_position_bias_table, self.height_lookup)
        bias = torch.einsum('nixw,jyw->nijxy', bias, self.width_lookup)
        return bias.reshape(self.num_heads, self.window_area, self.window_area)


def _rel_pos_cls(cfg: MaxxVitTransformerCfg, window_size: SizeT) -> Optional[Callable[..., nn.Module]]:
    if cfg.rel_pos_type == 'mlp':
        return partial(RelPosMlp, window_size, hidden_dim=cfg.rel_pos_dim)
    if cfg.rel_pos_type == 'bias':
        return partial(RelPosBias, window_size)
    if cfg.rel_pos_type == 'bias_tf':
        return partial(RelPosBiasTf, window_size)
    if cfg.rel_pos_type in ('', None):
        return None
    raise InvalidModelArgsError(f"rel_pos_type must be 'bias', 'bias_tf', 'mlp' or '', got {cfg.rel_pos_type!r}.")


class Attention2d(nn.Module):
    """Multi-head attention over all positions of an NCHW map (1x1 conv projections)."""

    def __init__(
        self, dim: int, dim_out: Optional[int] = None, dim_head: int = 32, bias: bool = True, expand_first: bool = True,
        head_first: bool = True, rel_pos_cls: Optional[Callable[..., nn.Module]] = None, attn_drop: float = 0.0,
        proj_drop: float = 0.0,
    ) -> None:
        super().__init__()
        dim_out = dim_out or dim
        dim_attn = dim_out if expand_first else dim
        self.num_heads = dim_attn // dim_head
        self.dim_head = dim_head
        self.head_first = head_first
        self.qkv = nn.Conv2d(dim, dim_attn * 3, 1, bias=bias)
        self.rel_pos = rel_pos_cls(num_heads=self.num_heads) if rel_pos_cls else None
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Conv2d(dim_attn, dim_out, 1, bias=bias)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, _, height, width = x.shape
        if self.head_first:
            q, k, v = self.qkv(x).view(batch, self.num_heads, self.dim_head * 3, -1).chunk(3, dim=2)
        else:
            q, k, v = self.qkv(x).reshape(batch, 3, self.num_heads, self.dim_head, -1).unbind(1)
        bias = self.rel_pos.get_bias() if self.rel_pos is not None else None
        x = F.scaled_dot_product_attention(
            q.transpose(-1, -2).contiguous(), k.transpose(-1, -2).contiguous(), v.transpose(-1, -2).contiguous(),
            attn_mask=bias, dropout_p=self.attn_drop.p if self.training else 0.0,
        ).transpose(-1, -2).reshape(batch, -1, height, width)
        return self.proj_drop(self.proj(x))


class AttentionCl(nn.Module):
    """Multi-head attention over the tokens of channels-last (..., C) windows (linear projections)."""

    def __init__(
        self, dim: int, dim_out: Optional[int] = None, dim_head: int = 32, bias: bool = True, expand_first: bool = True,
        head_first: bool = True, rel_pos_cls: Optional[Callable[..., nn.Module]] = None, attn_drop: float = 0.0,
        proj_drop: float = 0.0,
    ) -> None:
        super().__init__()
        dim_out = dim_out or dim
        dim_attn = dim_out if expand_first and dim_out > dim else dim
        if dim_attn % dim_head:
            raise InvalidModelArgsError(f"attention width {dim_attn} is not a multiple of dim_head={dim_head}.")
        self.num_heads = dim_attn // dim_head
        self.dim_head = dim_head
        self.head_first = head_first
        self.qkv = nn.Linear(dim, dim_attn * 3, bias=bias)
        self.rel_pos = rel_pos_cls(num_heads=self.num_heads) if rel_pos_cls else None
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(dim_attn, dim_out, bias=bias)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch = x.shape[0]
        restore_shape = x.shape[:-1]
        if self.head_first:
            q, k, v = self.qkv(x).view(batch, -1, self.num_heads, self.dim_head * 3).transpose(1, 2).chunk(3, dim=3)
        else:
            q, k, v = self.qkv(x).reshape(batch, -1, 3, self.num_heads, self.dim_head).transpose(1, 3).unbind(2)
        bias = self.rel_pos.get_bias() if self.rel_pos is not None else None
        x = F.scaled_dot_product_attention(q, k, v, attn_mask=bias, dropout_p=self.attn_drop.p if self.training else 0.0)
        x = x.transpose(1, 2).reshape(restore_shape + (-1,))
        return self.proj_drop(self.proj(x))


# ---------------------------------------------------------------------------------------------------- partitions

def window_partition(x: torch.Tensor, window_size: SizeT) -> torch.Tensor:
    """(B, H, W, C) -> (B * windows, wh, ww, C): contiguous non-overlapping windows."""
    batch, height, width, channels = x.shape
    x = x.view(batch, height // window_size[0], window_size[0], width // window_size[1], window_size[1], channels)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, window_size[0], window_size[1], channels)


def window_reverse(windows: torch.Tensor, window_size: SizeT, img_size: List[int]) -> torch.Tensor:
    height, width = img_size
    channels = windows.shape[-1]
    x = windows.view(-1, height // window_size[0], width // window_size[1], window_size[0], window_size[1], channels)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, height, width, channels)


def grid_partition(x: torch.Tensor, grid_size: SizeT) -> torch.Tensor:
    """(B, H, W, C) -> (B * cells, gh, gw, C): each 'window' takes every (H/gh, W/gw)-th position (dilated)."""
    batch, height, width, channels = x.shape
    x = x.view(batch, grid_size[0], height // grid_size[0], grid_size[1], width // grid_size[1], channels)
    return x.permute(0, 2, 4, 1, 3, 5).contiguous().view(-1, grid_size[0], grid_size[1], channels)


def grid_reverse(windows: torch.Tensor, grid_size: SizeT, img_size: List[int]) -> torch.Tensor:
    height, width = img_size
    channels = windows.shape[-1]
    x = windows.view(-1, height // grid_size[0], width // grid_size[1], grid_size[0], grid_size[1], channels)
    return x.permute(0, 3, 1, 4, 2, 5).contiguous().view(-1, height, width, channels)


def window_partition_nchw(x: torch.Tensor, window_size: SizeT) -> torch.Tensor:
    batch, channels, height, width = x.shape
    x = x.view(batch, channels, height // window_size[0], window_size[0], width // window_size[1], window_size[1])
    return x.permute(0, 2, 4, 1, 3, 5).contiguous().view(-1, channels, window_size[0], window_size[1])


def window_reverse_nchw(windows: torch.Tensor, window_size: SizeT, img_size: List[int]) -> torch.Tensor:
    height, width = img_size
    channels = windows.shape[1]
    x = windows.view(-1, height // window_size[0], width // window_size[1], channels, window_size[0], window_size[1])
    return x.permute(0, 3, 1, 4, 2, 5).contiguous().view(-1, channels, height, width)


def grid_partition_nchw(x: torch.Tensor, grid_size: SizeT) -> torch.Tensor:
    batch, channels, height, width = x.shape
    x = x.view(batch, channels, grid_size[0], height // grid_size[0], grid_size[1], width // grid_size[1])
    return x.permute(0, 3, 5, 1, 2, 4).contiguous().view(-1, channels, grid_size[0], grid_size[1])


def grid_reverse_nchw(windows: torch.Tensor, grid_size: SizeT, img_size: List[int]) -> torch.Tensor:
    height, width = img_size
    channels = windows.shape[1]
    x = windows.view(-1, height // grid_size[0], width // grid_size[1], channels, grid_size[0], grid_size[1])
    return x.permute(0, 3, 4, 1, 5, 2).contiguous().view(-1, channels, height, width)


for _name in ('window_reverse', 'grid_reverse', 'window_reverse_nchw', 'grid_reverse_nchw'):
    torch.fx.wrap(_name)  # sizes arrive as traced values


# ---------------------------------------------------------------------------------------------------- blocks

def _init_transformer(module: nn.Module, name: str, scheme: str = '') -> None:
    if isinstance(module, (nn.Conv2d, nn.Linear)):
        if scheme == 'normal':
            nn.init.normal_(module.weight, std=0.02)
        elif scheme == 'trunc_normal':
            nn.init.trunc_normal_(module.weight, std=0.02)
        elif scheme == 'xavier_normal':
            nn.init.xavier_normal_(module.weight)
        else:
            nn.init.xavier_uniform_(module.weight)
        if module.bias is not None:
            if scheme in ('normal', 'trunc_normal', 'xavier_normal') or 'mlp' not in name:
                nn.init.zeros_(module.bias)
            else:
                nn.init.normal_(module.bias, std=1e-6)


def _init_conv(module: nn.Module, name: str, scheme: str = '') -> None:
    if isinstance(module, nn.Conv2d):
        if scheme == 'normal':
            nn.init.normal_(module.weight, std=0.02)
        elif scheme == 'trunc_normal':
            nn.init.trunc_normal_(module.weight, std=0.02)
        elif scheme == 'xavier_normal':
            nn.init.xavier_normal_(module.weight)
        else:
            fan_out = module.kernel_size[0] * module.kernel_size[1] * module.out_channels // module.groups
            nn.init.normal_(module.weight, 0, math.sqrt(2.0 / fan_out))
        if module.bias is not None:
            nn.init.zeros_(module.bias)


def _apply_init(module: nn.Module, fn: Callable[..., None], scheme: str) -> None:
    for name, child in module.named_modules():
        fn(child, name, scheme)


class TransformerBlock2d(nn.Module):
    """CoAtNet's attention block on NCHW maps: (pooled) pre-norm attention over the whole map, then a conv MLP."""

    def __init__(
        self, dim: int, dim_out: int, stride: int = 1, rel_pos_cls: Optional[Callable[..., nn.Module]] = None,
        cfg: MaxxVitTransformerCfg = MaxxVitTransformerCfg(), drop_path: float = 0.0,
    ) -> None:
        super().__init__()
        norm_layer = _norm_layer(cfg.norm_layer, cfg.norm_eps)
        if stride == 2:
            self.shortcut: nn.Module = Downsample2d(dim, dim_out, pool_type=cfg.pool_type, bias=cfg.shortcut_bias)
            self.norm1: nn.Module = nn.Sequential(OrderedDict([
                ('norm', norm_layer(dim)),
                ('down', Downsample2d(dim, dim, pool_type=cfg.pool_type)),
            ]))
        else:
            if dim != dim_out:
                raise InvalidModelArgsError(f"A transformer block without stride keeps its width ({dim} -> {dim_out}).")
            self.shortcut = nn.Identity()
            self.norm1 = norm_layer(dim)
        self.attn = Attention2d(dim, dim_out, dim_head=cfg.dim_head, expand_first=cfg.expand_first, bias=cfg.attn_bias,
                                rel_pos_cls=rel_pos_cls, attn_drop=cfg.attn_drop, proj_drop=cfg.proj_drop)
        self.ls1 = LayerScale2d(dim_out, cfg.init_values) if cfg.init_values else nn.Identity()
        self.drop_path1 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.norm2 = norm_layer(dim_out)
        self.mlp = Mlp(dim_out, int(dim_out * cfg.expand_ratio), act_layer=cfg.act_layer, drop=cfg.proj_drop,
                       use_conv=True)
        self.ls2 = LayerScale2d(dim_out, cfg.init_values) if cfg.init_values else nn.Identity()
        self.drop_path2 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()

    def init_weights(self, scheme: str = '') -> None:
        _apply_init(self, _init_transformer, scheme)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.shortcut(x) + self.drop_path1(self.ls1(self.attn(self.norm1(x))))
        return x + self.drop_path2(self.ls2(self.mlp(self.norm2(x))))


class MbConvBlock(nn.Module):
    """Pre-norm inverted bottleneck: 1x1 expand, kxk depthwise (strided), squeeze-excite, 1x1 project."""

    def __init__(
        self, in_chs: int, out_chs: int, stride: int = 1, dilation: SizeT = (1, 1),
        cfg: MaxxVitConvCfg = MaxxVitConvCfg(), drop_path: float = 0.0,
    ) -> None:
        super().__init__()
        norm_act_layer = _norm_act_layer(cfg.norm_layer, cfg.act_layer, cfg.norm_eps)
        mid_chs = make_divisible((out_chs if cfg.expand_output else in_chs) * cfg.expand_ratio)
        groups = mid_chs // cfg.group_size if cfg.group_size else 1
        self.shortcut = (Downsample2d(in_chs, out_chs, pool_type=cfg.pool_type, bias=cfg.output_bias,
                                      padding=cfg.padding) if stride == 2 else nn.Identity())
        if cfg.stride_mode not in ('pool', '1x1', 'dw'):
            raise InvalidModelArgsError(f"stride_mode must be 'pool', '1x1' or 'dw', got {cfg.stride_mode!r}.")
        stride_pool, stride_1, stride_2 = 1, 1, 1
        if cfg.stride_mode == 'pool':
            stride_pool, dilation_2 = stride, dilation[1]
        elif cfg.stride_mode == '1x1':
            stride_1, dilation_2 = stride, dilation[1]
        else:
            stride_2, dilation_2 = stride, dilation[0]
        self.pre_norm = norm_act_layer(in_chs, apply_act=cfg.pre_norm_act)
        self.down = (Downsample2d(in_chs, in_chs, pool_type=cfg.downsample_pool_type, padding=cfg.padding)
                     if stride_pool > 1 else nn.Identity())
        self.conv1_1x1 = _conv2d(in_chs, mid_chs, 1, stride=stride_1)
        self.norm1 = norm_act_layer(mid_chs)
        self.conv2_kxk = _conv2d(mid_chs, mid_chs, cfg.kernel_size, stride=stride_2, dilation=dilation_2,
                                       groups=groups, padding=cfg.padding)
        if cfg.attn_layer != 'se':
            raise InvalidModelArgsError(f"conv attn_layer must be 'se' (timm's configs use no other), got {cfg.attn_layer!r}.")
        rd_channels = int(cfg.attn_ratio * (out_chs if cfg.expand_output else mid_chs))
        se = SEModule(mid_chs, rd_channels=rd_channels, act_layer=cfg.attn_act_layer)
        if cfg.attn_early:
            self.se_early: Optional[nn.Module] = se
            self.norm2 = norm_act_layer(mid_chs)
            self.se: Optional[nn.Module] = None
        else:
            self.se_early = None
            self.norm2 = norm_act_layer(mid_chs)
            self.se = se
        self.conv3_1x1 = _conv2d(mid_chs, out_chs, 1, bias=cfg.output_bias)
        self.drop_path = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()

    def init_weights(self, scheme: str = '') -> None:
        _apply_init(self, _init_conv, scheme)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = self.shortcut(x)
        x = self.norm1(self.conv1_1x1(self.down(self.pre_norm(x))))
        x = self.conv2_kxk(x)
        if self.se_early is not None:
            x = self.se_early(x)
        x = self.norm2(x)
        if self.se is not None:
            x = self.se(x)
        x = self.conv3_1x1(x)
        return self.drop_path(x) + shortcut


class ConvNeXtBlock(nn.Module):
    """ConvNeXt block on NCHW maps: 7x7 depthwise conv (strided or pooled), norm, conv MLP, layer scale."""

    def __init__(
        self, in_chs: int, out_chs: Optional[int] = None, kernel_size: int = 7, stride: int = 1,
        dilation: SizeT = (1, 1), cfg: MaxxVitConvCfg = MaxxVitConvCfg(), drop_path: float = 0.0,
    ) -> None:
        super().__init__()
        out_chs = out_chs or in_chs
        norm_layer = _norm_layer(cfg.norm_layer, cfg.norm_eps)
        if stride == 2:
            self.shortcut: nn.Module = Downsample2d(in_chs, out_chs)
        elif in_chs != out_chs:
            self.shortcut = nn.Conv2d(in_chs, out_chs, kernel_size=1, bias=cfg.output_bias)
        else:
            self.shortcut = nn.Identity()
        if cfg.stride_mode not in ('pool', 'dw'):
            raise InvalidModelArgsError(f"ConvNeXt blocks take stride_mode 'pool' or 'dw', got {cfg.stride_mode!r}.")
        stride_pool, stride_dw = (stride, 1) if cfg.stride_mode == 'pool' else (1, stride)
        self.down = (Downsample2d(in_chs, in_chs, pool_type=cfg.downsample_pool_type)
                     if stride_pool == 2 else nn.Identity())
        self.conv_dw = _conv2d(in_chs, out_chs, kernel_size, stride=stride_dw, dilation=dilation[1],
                                     depthwise=True, bias=cfg.output_bias)
        self.norm = norm_layer(out_chs)
        self.mlp = Mlp(out_chs, int(cfg.expand_ratio * out_chs), bias=cfg.output_bias, act_layer=cfg.act_layer,
                       use_conv=True)
        self.ls = LayerScale2d(out_chs, cfg.init_values) if cfg.init_values else nn.Identity()
        self.drop_path = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = self.shortcut(x)
        x = self.ls(self.mlp(self.norm(self.conv_dw(self.down(x)))))
        return self.drop_path(x) + shortcut


class PartitionAttentionCl(nn.Module):
    """Window ('block') or grid partition, attention, MLP; channels-last (B, H, W, C)."""

    def __init__(self, dim: int, partition_type: str = 'block', cfg: MaxxVitTransformerCfg = MaxxVitTransformerCfg(),
                 drop_path: float = 0.0) -> None:
        super().__init__()
        norm_layer = _norm_layer(cfg.norm_layer_cl, cfg.norm_eps)
        self.partition_block = partition_type == 'block'
        self.partition_size = to_2tuple(cfg.window_size if self.partition_block else cfg.grid_size)
        self.norm1 = norm_layer(dim)
        self.attn = AttentionCl(dim, dim, dim_head=cfg.dim_head, bias=cfg.attn_bias, head_first=cfg.head_first,
                                rel_pos_cls=_rel_pos_cls(cfg, self.partition_size), attn_drop=cfg.attn_drop,
                                proj_drop=cfg.proj_drop)
        self.ls1 = LayerScale(dim, cfg.init_values) if cfg.init_values else nn.Identity()
        self.drop_path1 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.norm2 = norm_layer(dim)
        self.mlp = Mlp(dim, int(dim * cfg.expand_ratio), act_layer=cfg.act_layer, drop=cfg.proj_drop)
        self.ls2 = LayerScale(dim, cfg.init_values) if cfg.init_values else nn.Identity()
        self.drop_path2 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()

    def _partition_attn(self, x: torch.Tensor) -> torch.Tensor:
        img_size = x.shape[1:3]
        if self.partition_block:
            return window_reverse(self.attn(window_partition(x, self.partition_size)), self.partition_size, img_size)
        return grid_reverse(self.attn(grid_partition(x, self.partition_size)), self.partition_size, img_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path1(self.ls1(self._partition_attn(self.norm1(x))))
        return x + self.drop_path2(self.ls2(self.mlp(self.norm2(x))))


class PartitionAttention2d(nn.Module):
    """Window or grid partition, attention, conv MLP; NCHW (use_nchw_attn)."""

    def __init__(self, dim: int, partition_type: str = 'block', cfg: MaxxVitTransformerCfg = MaxxVitTransformerCfg(),
                 drop_path: float = 0.0) -> None:
        super().__init__()
        norm_layer = _norm_layer(cfg.norm_layer, cfg.norm_eps)
        self.partition_block = partition_type == 'block'
        self.partition_size = to_2tuple(cfg.window_size if self.partition_block else cfg.grid_size)
        self.norm1 = norm_layer(dim)
        self.attn = Attention2d(dim, dim, dim_head=cfg.dim_head, bias=cfg.attn_bias, head_first=cfg.head_first,
                                rel_pos_cls=_rel_pos_cls(cfg, self.partition_size), attn_drop=cfg.attn_drop,
                                proj_drop=cfg.proj_drop)
        self.ls1 = LayerScale2d(dim, cfg.init_values) if cfg.init_values else nn.Identity()
        self.drop_path1 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.norm2 = norm_layer(dim)
        self.mlp = Mlp(dim, int(dim * cfg.expand_ratio), act_layer=cfg.act_layer, drop=cfg.proj_drop, use_conv=True)
        self.ls2 = LayerScale2d(dim, cfg.init_values) if cfg.init_values else nn.Identity()
        self.drop_path2 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()

    def _partition_attn(self, x: torch.Tensor) -> torch.Tensor:
        img_size = x.shape[-2:]
        if self.partition_block:
            windows = self.attn(window_partition_nchw(x, self.partition_size))
            return window_reverse_nchw(windows, self.partition_size, img_size)
        return grid_reverse_nchw(self.attn(grid_partition_nchw(x, self.partition_size)), self.partition_size, img_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path1(self.ls1(self._partition_attn(self.norm1(x))))
        return x + self.drop_path2(self.ls2(self.mlp(self.norm2(x))))


class MaxxVitBlock(nn.Module):
    """MaxViT block: a conv block, then window attention (unless no_block_attn) and grid attention."""

    def __init__(
        self, dim: int, dim_out: int, stride: int = 1, conv_cfg: MaxxVitConvCfg = MaxxVitConvCfg(),
        transformer_cfg: MaxxVitTransformerCfg = MaxxVitTransformerCfg(), drop_path: float = 0.0,
    ) -> None:
        super().__init__()
        self.nchw_attn = transformer_cfg.use_nchw_attn
        conv_cls = ConvNeXtBlock if conv_cfg.block_type == 'convnext' else MbConvBlock
        self.conv = conv_cls(dim, dim_out, stride=stride, cfg=conv_cfg, drop_path=drop_path)
        partition = PartitionAttention2d if self.nchw_attn else PartitionAttentionCl
        args = dict(dim=dim_out, cfg=transformer_cfg, drop_path=drop_path)
        self.attn_block = None if transformer_cfg.no_block_attn else partition(**args)
        self.attn_grid = partition(partition_type='grid', **args)

    def init_weights(self, scheme: str = '') -> None:
        if self.attn_block is not None:
            _apply_init(self.attn_block, _init_transformer, scheme)
        _apply_init(self.attn_grid, _init_transformer, scheme)
        _apply_init(self.conv, _init_conv, scheme)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        if not self.nchw_attn:
            x = x.permute(0, 2, 3, 1)
        if self.attn_block is not None:
            x = self.attn_block(x)
        x = self.attn_grid(x)
        if not self.nchw_attn:
            x = x.permute(0, 3, 1, 2)
        return x


class ParallelPartitionAttention(nn.Module):
    """Window and grid attention side by side (half the width each), concatenated, then one MLP."""

    def __init__(self, dim: int, cfg: MaxxVitTransformerCfg = MaxxVitTransformerCfg(), drop_path: float = 0.0) -> None:
        super().__init__()
        if dim % 2 or cfg.window_size != cfg.grid_size:
            raise InvalidModelArgsError('Parallel (PM) blocks need an even width and window_size == grid_size.')
        norm_layer = _norm_layer(cfg.norm_layer_cl, cfg.norm_eps)
        self.partition_size = to_2tuple(cfg.window_size)
        rel_pos_cls = _rel_pos_cls(cfg, self.partition_size)
        self.norm1 = norm_layer(dim)
        attn_args = dict(dim_head=cfg.dim_head, bias=cfg.attn_bias, head_first=cfg.head_first, rel_pos_cls=rel_pos_cls,
                         attn_drop=cfg.attn_drop, proj_drop=cfg.proj_drop)
        self.attn_block = AttentionCl(dim, dim // 2, **attn_args)
        self.attn_grid = AttentionCl(dim, dim // 2, **attn_args)
        self.ls1 = LayerScale(dim, cfg.init_values) if cfg.init_values else nn.Identity()
        self.drop_path1 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.norm2 = norm_layer(dim)
        self.mlp = Mlp(dim, int(dim * cfg.expand_ratio), out_features=dim, act_layer=cfg.act_layer, drop=cfg.proj_drop)
        self.ls2 = LayerScale(dim, cfg.init_values) if cfg.init_values else nn.Identity()
        self.drop_path2 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()

    def _partition_attn(self, x: torch.Tensor) -> torch.Tensor:
        img_size = x.shape[1:3]
        x_window = window_reverse(self.attn_block(window_partition(x, self.partition_size)), self.partition_size, img_size)
        x_grid = grid_reverse(self.attn_grid(grid_partition(x, self.partition_size)), self.partition_size, img_size)
        return torch.cat([x_window, x_grid], dim=-1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path1(self.ls1(self._partition_attn(self.norm1(x))))
        return x + self.drop_path2(self.ls2(self.mlp(self.norm2(x))))


class ParallelMaxxVitBlock(nn.Module):
    """Conv block(s), then parallel window + grid attention (timm's experimental 'PM' block)."""

    def __init__(
        self, dim: int, dim_out: int, stride: int = 1, num_conv: int = 2, conv_cfg: MaxxVitConvCfg = MaxxVitConvCfg(),
        transformer_cfg: MaxxVitTransformerCfg = MaxxVitTransformerCfg(), drop_path: float = 0.0,
    ) -> None:
        super().__init__()
        conv_cls = ConvNeXtBlock if conv_cfg.block_type == 'convnext' else MbConvBlock
        if num_conv > 1:
            # timm repeats one module object for the later convs (`[block] * (n - 1)`): they share weights
            repeated = conv_cls(dim_out, dim_out, cfg=conv_cfg, drop_path=drop_path)
            convs = [conv_cls(dim, dim_out, stride=stride, cfg=conv_cfg, drop_path=drop_path)]
            self.conv: nn.Module = nn.Sequential(*convs, *([repeated] * (num_conv - 1)))
        else:
            self.conv = conv_cls(dim, dim_out, stride=stride, cfg=conv_cfg, drop_path=drop_path)
        self.attn = ParallelPartitionAttention(dim=dim_out, cfg=transformer_cfg, drop_path=drop_path)

    def init_weights(self, scheme: str = '') -> None:
        _apply_init(self.attn, _init_transformer, scheme)
        _apply_init(self.conv, _init_conv, scheme)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        return self.attn(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class MaxxVitStage(nn.Module):
    """depth blocks of the given types; the first one downsamples by 2."""

    def __init__(
        self, in_chs: int, out_chs: int, stride: int = 2, depth: int = 4, feat_size: SizeT = (14, 14),
        block_types: Union[str, Tuple[str, ...]] = 'C', transformer_cfg: MaxxVitTransformerCfg = MaxxVitTransformerCfg(),
        conv_cfg: MaxxVitConvCfg = MaxxVitConvCfg(), drop_path: Union[float, List[float]] = 0.0,
    ) -> None:
        super().__init__()
        self.grad_checkpointing = False
        types = (block_types,) if isinstance(block_types, str) else tuple(block_types)
        types = types + (types[-1],) * (depth - len(types))
        rates = drop_path if isinstance(drop_path, (list, tuple)) else [drop_path] * depth
        blocks: List[nn.Module] = []
        for i, kind in enumerate(types[:depth]):
            block_stride = stride if i == 0 else 1
            if kind == 'C':
                conv_cls = ConvNeXtBlock if conv_cfg.block_type == 'convnext' else MbConvBlock
                blocks.append(conv_cls(in_chs, out_chs, stride=block_stride, cfg=conv_cfg, drop_path=rates[i]))
            elif kind == 'T':
                blocks.append(TransformerBlock2d(in_chs, out_chs, stride=block_stride,
                                                 rel_pos_cls=_rel_pos_cls(transformer_cfg, feat_size),
                                                 cfg=transformer_cfg, drop_path=rates[i]))
            elif kind == 'M':
                blocks.append(MaxxVitBlock(in_chs, out_chs, stride=block_stride, conv_cfg=conv_cfg,
                                           transformer_cfg=transformer_cfg, drop_path=rates[i]))
            elif kind == 'PM':
                blocks.append(ParallelMaxxVitBlock(in_chs, out_chs, stride=block_stride, conv_cfg=conv_cfg,
                                                   transformer_cfg=transformer_cfg, drop_path=rates[i]))
            else:
                raise InvalidModelArgsError(f"block types are 'C', 'T', 'M' or 'PM', got {kind!r}.")
            in_chs = out_chs
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.grad_checkpointing and not torch.jit.is_scripting():
            return checkpoint_seq(self.blocks, x)
        return self.blocks(x)


class Stem(nn.Module):
    """Two 3x3 convs, the first with stride 2 and followed by norm + activation."""

    def __init__(self, in_chs: int, out_chs: Union[int, Tuple[int, int]], kernel_size: int = 3, padding: str = '',
                 bias: bool = False, act_layer: str = 'gelu', norm_layer: str = 'batchnorm2d', norm_eps: float = 1e-5) -> None:
        super().__init__()
        widths = tuple(out_chs) if isinstance(out_chs, (list, tuple)) else (out_chs, out_chs)
        self.out_chs = widths[-1]
        self.stride = 2
        self.conv1 = _conv2d(in_chs, widths[0], kernel_size, stride=2, padding=padding, bias=bias)
        self.norm1 = _norm_act_layer(norm_layer, act_layer, norm_eps)(widths[0])
        self.conv2 = _conv2d(widths[0], widths[1], kernel_size, stride=1, padding=padding, bias=bias)

    def init_weights(self, scheme: str = '') -> None:
        _apply_init(self, _init_conv, scheme)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv2(self.norm1(self.conv1(x)))


# ---------------------------------------------------------------------------------------------------- model

def _submodule(model: nn.Module, name: str) -> Optional[nn.Module]:
    try:
        return model.get_submodule(name)
    except AttributeError:
        return None


def _overlay_kwargs(cfg: MaxxVitCfg, kwargs: Dict[str, Any]) -> MaxxVitCfg:
    """timm's overlay: transformer_<field> and conv_<field> go to the block configs, others to the model config."""
    groups: Dict[str, Dict[str, Any]] = {'transformer_': {}, 'conv_': {}, '': {}}
    for key, value in kwargs.items():
        prefix = next(p for p in ('transformer_', 'conv_', '') if key.startswith(p))
        groups[prefix][key[len(prefix):]] = value
    known = {
        'transformer_': {f.name for f in fields(MaxxVitTransformerCfg)},
        'conv_': {f.name for f in fields(MaxxVitConvCfg)},
        '': {f.name for f in fields(MaxxVitCfg)} - {'conv_cfg', 'transformer_cfg'},
    }
    for prefix, values in groups.items():
        unknown = sorted(set(values) - known[prefix])
        if unknown:
            raise InvalidModelArgsError(
                f"MaxxVit does not accept {', '.join(prefix + u for u in unknown)}; it takes img_size, in_chans, "
                f"num_classes, global_pool, drop_rate, drop_path_rate, the model config fields "
                f"{sorted(known[''])}, and transformer_<field> / conv_<field> for the block configs.")
    return replace(cfg, transformer_cfg=replace(cfg.transformer_cfg, **groups['transformer_']),
                   conv_cfg=replace(cfg.conv_cfg, **groups['conv_']), **groups[''])


def _checked_input(x: torch.Tensor, in_chans: int, img_size: SizeT, fixed: bool,
                   partitions: List[Tuple[SizeT, SizeT]]) -> torch.Tensor:
    """x unchanged if the model can take it, else InputSizeError saying what to do."""
    if x.ndim != 4 or int(x.shape[1]) != in_chans:
        raise InputSizeError(f"Expected a (B, {in_chans}, H, W) image batch, got shape {tuple(x.shape)}.")
    height, width = int(x.shape[2]), int(x.shape[3])
    if fixed:
        if (height, width) != tuple(img_size):
            raise InputSizeError(
                f"Input is {height}x{width} but this model takes exactly {img_size[0]}x{img_size[1]} (its attention "
                "covers whole feature maps). Resize the input or create the model with img_size=(H, W).")
        return x
    size = (height, width)
    size = tuple((s - 1) // 2 + 1 for s in size)
    for window, grid in partitions:
        size = tuple((s - 1) // 2 + 1 for s in size)
        if any(s % w for s, w in zip(size, window)) or any(s % g for s, g in zip(size, grid)):
            raise InputSizeError(
                f"Input is {height}x{width}: a {size[0]}x{size[1]} stage map does not divide into {window} windows "
                f"and a {grid} grid. Use sides that are multiples of {32 * max(max(window), max(grid))}, or create "
                "the model with img_size=(H, W) (windows follow img_size // 32).")
    return x


torch.fx.wrap('_checked_input')


class MaxxVit(ImgzooModel):
    """CoAtNet / MaxViT / MaxxViT: conv stem, four stages of conv and attention blocks, final norm, head."""

    def __init__(
        self, cfg: MaxxVitCfg, img_size: Union[int, SizeT] = 224, in_chans: int = 3, num_classes: int = 1000,
        global_pool: str = 'avg', drop_rate: float = 0.0, drop_path_rate: float = 0.0, **kwargs: Any,
    ) -> None:
        """
        Args:
            cfg: the architecture (a `MaxxVitCfg`; builders pass timm's).
            img_size: input size; window and grid sizes default to img_size // transformer partition_ratio (32).
            kwargs: overlay cfg fields as timm does: `embed_dim=`, `depths=`, ..., `transformer_window_size=`,
                `transformer_grid_size=`, `conv_<field>=`.
        """
        super().__init__()
        img_size = to_2tuple(img_size)
        if kwargs:
            cfg = _overlay_kwargs(cfg, kwargs)
        transformer_cfg = cfg.transformer_cfg
        if transformer_cfg.window_size is None:
            partition = (img_size[0] // transformer_cfg.partition_ratio, img_size[1] // transformer_cfg.partition_ratio)
            transformer_cfg = replace(transformer_cfg, window_size=partition, grid_size=partition)
        elif transformer_cfg.grid_size is None:
            raise InvalidModelArgsError('transformer window_size needs a grid_size too.')
        if min(transformer_cfg.window_size) < 1:
            raise InvalidModelArgsError(f"img_size {img_size} gives empty attention windows: use at least 32 px sides.")
        num_stages = len(cfg.embed_dim)
        if len(cfg.depths) != num_stages or len(cfg.block_type) != num_stages:
            raise InvalidModelArgsError(
                f"embed_dim, depths and block_type need one entry per stage; got {cfg.embed_dim}, {cfg.depths}, "
                f"{cfg.block_type}.")
        if cfg.weight_init not in ('', 'normal', 'trunc_normal', 'xavier_normal', 'vit_eff'):
            raise InvalidModelArgsError(f"weight_init {cfg.weight_init!r} is not one of timm's schemes.")
        self.img_size = img_size
        self.partition_ratio = transformer_cfg.partition_ratio
        self.num_classes = num_classes
        self.in_chans = in_chans
        self.global_pool = global_pool
        self.num_features = self.embed_dim = cfg.embed_dim[-1]
        self.drop_rate = drop_rate
        self.feature_info = []

        self.stem = Stem(in_chans, cfg.stem_width, padding=cfg.conv_cfg.padding, bias=cfg.stem_bias,
                         act_layer=cfg.conv_cfg.act_layer, norm_layer=cfg.conv_cfg.norm_layer,
                         norm_eps=cfg.conv_cfg.norm_eps)
        stride = self.stem.stride
        self.feature_info.append(dict(num_chs=self.stem.out_chs, reduction=2, module='stem'))
        feat_size = tuple(i // stride for i in img_size)
        rates = torch.linspace(0, drop_path_rate, sum(cfg.depths), device='cpu').split(list(cfg.depths))
        in_chs = self.stem.out_chs
        stages = []
        self._has_full_attention = any('T' in (t if isinstance(t, tuple) else (t,)) for t in cfg.block_type)
        self._partitions = []
        for i in range(num_stages):
            feat_size = tuple((r - 1) // 2 + 1 for r in feat_size)
            stages.append(MaxxVitStage(in_chs, cfg.embed_dim[i], depth=cfg.depths[i], block_types=cfg.block_type[i],
                                       conv_cfg=cfg.conv_cfg, transformer_cfg=transformer_cfg, feat_size=feat_size,
                                       drop_path=rates[i].tolist()))
            self._partitions.append((tuple(transformer_cfg.window_size), tuple(transformer_cfg.grid_size)))
            stride *= 2
            in_chs = cfg.embed_dim[i]
            self.feature_info.append(dict(num_chs=in_chs, reduction=stride, module=f'stages.{i}'))
        self.stages = nn.Sequential(*stages)

        final_norm = _norm_layer(cfg.transformer_cfg.norm_layer, cfg.transformer_cfg.norm_eps)
        if cfg.head_hidden_size:
            self.norm: nn.Module = nn.Identity()
            self.head: nn.Module = NormMlpClassifierHead(
                self.num_features, num_classes, hidden_size=cfg.head_hidden_size, pool_type=global_pool,
                drop_rate=drop_rate, norm_layer=final_norm)
        else:
            self.norm = final_norm(self.num_features)
            self.head = ClassifierHead(self.num_features, num_classes, pool_type=global_pool, drop_rate=drop_rate)
        self.head_hidden_size = self.head.num_features
        self.weight_init = cfg.weight_init
        if cfg.weight_init and not creating_on_meta():
            for module in self.modules():
                if hasattr(module, 'init_weights'):
                    module.init_weights(scheme=cfg.weight_init)

    def init_non_persistent_buffers(self) -> None:
        """Compute relative position indices, lookups and coordinates (after a meta-device build and load)."""
        for module in self.modules():
            if isinstance(module, (RelPosBias, RelPosMlp, RelPosBiasTf)):
                module.init_non_persistent_buffers()

    def init_new_module(self, name: str, module: nn.Module) -> None:
        """Initialise a module the checkpoint did not cover (a new classifier) as PyTorch's default."""
        if hasattr(module, 'reset_parameters'):
            module.reset_parameters()
        else:
            raise RuntimeError(f"imgzoo bug: no initialisation for {name} ({type(module).__name__}).")

    def adapt_pretrained_state_dict(self, state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """timm's checkpoint filter: resample bias tables to this model's windows, reshape conv <-> linear heads."""
        out = {}
        for key, value in state_dict.items():
            if key.endswith('relative_position_bias_table'):
                rel_pos = _submodule(self, key[:-len('.relative_position_bias_table')])
                if isinstance(rel_pos, (RelPosBias, RelPosBiasTf)):
                    target = rel_pos.relative_position_bias_table
                    if value.shape != target.shape or rel_pos.window_size[0] != rel_pos.window_size[1]:
                        value = resize_rel_pos_bias_table(value, rel_pos.window_size, target.shape)
            elif key.startswith('head.') and value.ndim in (2, 4):  # conv <-> linear classifier layers
                owner = _submodule(self, key.rsplit('.', 1)[0])
                target = getattr(owner, key.rsplit('.', 1)[1], None) if owner is not None else None
                if isinstance(target, torch.Tensor) and value.ndim != target.ndim and value.numel() == target.numel():
                    value = value.reshape(target.shape)
            out[key] = value
        return out

    def no_weight_decay(self) -> Set[str]:
        return {k for k, _ in self.named_parameters()
                if any(n in k for n in ('relative_position_bias_table', 'rel_pos.mlp'))}

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(stem=r'^stem', blocks=[(r'^stages\.(\d+)', None), (r'^norm', (99999,))])

    def set_grad_checkpointing(self, enable: bool = True) -> None:
        self.grad_checkpointing = enable
        for stage in self.stages:
            stage.grad_checkpointing = enable

    def get_classifier(self) -> nn.Module:
        return self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None, reset_other: bool = False) -> None:
        """A fresh classifier (and pooling when given); reset_other also drops the head's norm and hidden layer."""
        head = self.head
        if isinstance(head, NormMlpClassifierHead):
            if reset_other:
                head.norm = nn.Identity()
                head.pre_logits = nn.Identity()
                head.hidden_size = None
                head.num_features = head.in_features
            if self.num_features != head.in_features:
                if not isinstance(head.norm, nn.Identity):
                    raise InvalidModelArgsError('The head width can only change once its norm is removed.')
                head.in_features = self.num_features
                if not head.hidden_size:
                    head.num_features = self.num_features
        else:
            head.in_features = self.num_features
        head.reset(num_classes, global_pool)
        self.num_classes = num_classes
        self.head_hidden_size = head.num_features
        if global_pool is not None:
            self.global_pool = global_pool

    def _check(self, x: torch.Tensor) -> torch.Tensor:
        return _checked_input(x, self.in_chans, self.img_size, self._has_full_attention, self._partitions)

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the stem / stage outputs at indices (0 is the stem); norm normalises the last stage."""
        check_output_fmt(output_fmt, ('NCHW',))
        take_indices, max_index = feature_take_indices(len(self.stages) + 1, indices)
        intermediates = []
        x = self.stem(self._check(x))
        feat_idx = 0
        if feat_idx in take_indices:
            intermediates.append(x)
        last_idx = len(self.stages)
        stages = self.stages[:max_index] if stop_early else self.stages
        for stage in stages:
            feat_idx += 1
            x = stage(x)
            if feat_idx in take_indices:
                intermediates.append(self.norm(x) if norm and feat_idx == last_idx else x)
        if intermediates_only:
            return intermediates
        if feat_idx == last_idx:
            x = self.norm(x)
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the stages after the last index needed (and the final norm / head); returns the kept indices."""
        take_indices, max_index = feature_take_indices(len(self.stages) + 1, indices)
        prune_end = max_index < len(self.stages)
        if prune_norm or prune_end:
            self.norm = nn.Identity()
        self.stages = self.stages[:max_index]
        self._partitions = self._partitions[:max_index]
        if prune_end:
            self.num_features = self.head_hidden_size = self.feature_info[max_index]['num_chs']
        if prune_head or prune_end:
            self.reset_classifier(0, '', reset_other=True)
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(self.stages(self.stem(self._check(x))))

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        return self.head(x, pre_logits=pre_logits)


# ---------------------------------------------------------------------------------------------------- configs

def _rw_coat_cfg(stride_mode: str = 'pool', pool_type: str = 'avg2', conv_output_bias: bool = False,
                 conv_attn_early: bool = False, conv_attn_act_layer: str = 'relu', conv_norm_layer: str = '',
                 transformer_shortcut_bias: bool = True, transformer_norm_layer: str = 'layernorm2d',
                 transformer_norm_layer_cl: str = 'layernorm', init_values: Optional[float] = None,
                 rel_pos_type: str = 'bias', rel_pos_dim: int = 512) -> Dict[str, Any]:
    return dict(
        conv_cfg=MaxxVitConvCfg(stride_mode=stride_mode, pool_type=pool_type, pre_norm_act=True, expand_output=False,
                                output_bias=conv_output_bias, attn_early=conv_attn_early,
                                attn_act_layer=conv_attn_act_layer, act_layer='silu', norm_layer=conv_norm_layer),
        transformer_cfg=MaxxVitTransformerCfg(expand_first=False, shortcut_bias=transformer_shortcut_bias,
                                              pool_type=pool_type, init_values=init_values,
                                              norm_layer=transformer_norm_layer, norm_layer_cl=transformer_norm_layer_cl,
                                              rel_pos_type=rel_pos_type, rel_pos_dim=rel_pos_dim),
    )


def _rw_max_cfg(stride_mode: str = 'dw', pool_type: str = 'avg2', conv_output_bias: bool = False,
                conv_attn_ratio: float = 1 / 16, conv_norm_layer: str = '', transformer_norm_layer: str = 'layernorm2d',
                transformer_norm_layer_cl: str = 'layernorm', window_size: Optional[SizeT] = None, dim_head: int = 32,
                init_values: Optional[float] = None, rel_pos_type: str = 'bias', rel_pos_dim: int = 512) -> Dict[str, Any]:
    return dict(
        conv_cfg=MaxxVitConvCfg(stride_mode=stride_mode, pool_type=pool_type, expand_output=False,
                                output_bias=conv_output_bias, attn_ratio=conv_attn_ratio, act_layer='silu',
                                norm_layer=conv_norm_layer),
        transformer_cfg=MaxxVitTransformerCfg(expand_first=False, pool_type=pool_type, dim_head=dim_head,
                                              window_size=window_size, init_values=init_values,
                                              norm_layer=transformer_norm_layer, norm_layer_cl=transformer_norm_layer_cl,
                                              rel_pos_type=rel_pos_type, rel_pos_dim=rel_pos_dim),
    )


def _next_cfg(stride_mode: str = 'dw', pool_type: str = 'avg2', conv_norm_layer: str = 'layernorm2d',
              conv_norm_layer_cl: str = 'layernorm', transformer_norm_layer: str = 'layernorm2d',
              transformer_norm_layer_cl: str = 'layernorm', window_size: Optional[SizeT] = None,
              no_block_attn: bool = False, init_values: Any = 1e-6, rel_pos_type: str = 'mlp',
              rel_pos_dim: int = 512) -> Dict[str, Any]:
    init_values = to_2tuple(init_values)
    return dict(
        conv_cfg=MaxxVitConvCfg(block_type='convnext', stride_mode=stride_mode, pool_type=pool_type,
                                expand_output=False, init_values=init_values[0], norm_layer=conv_norm_layer,
                                norm_layer_cl=conv_norm_layer_cl),
        transformer_cfg=MaxxVitTransformerCfg(expand_first=False, pool_type=pool_type, window_size=window_size,
                                              no_block_attn=no_block_attn, init_values=init_values[1],
                                              norm_layer=transformer_norm_layer, norm_layer_cl=transformer_norm_layer_cl,
                                              rel_pos_type=rel_pos_type, rel_pos_dim=rel_pos_dim),
    )


def _tf_cfg() -> Dict[str, Any]:
    return dict(
        conv_cfg=MaxxVitConvCfg(norm_eps=1e-3, act_layer='gelu_tanh', padding='same'),
        transformer_cfg=MaxxVitTransformerCfg(norm_eps=1e-5, act_layer='gelu_tanh', head_first=False,
                                              rel_pos_type='bias_tf'),
    )


def _cfgs() -> Dict[str, MaxxVitCfg]:
    _s = (32, 64)
    coat_c = dict(conv_output_bias=True, conv_attn_ratio=0.25)
    m4 = ('M',) * 4
    return dict(
        coatnet_pico_rw=MaxxVitCfg(embed_dim=(64, 128, 256, 512), depths=(2, 3, 5, 2), stem_width=_s,
                                   **_rw_max_cfg(**coat_c)),
        coatnet_nano_rw=MaxxVitCfg(embed_dim=(64, 128, 256, 512), depths=(3, 4, 6, 3), stem_width=_s,
                                   **_rw_max_cfg(stride_mode='pool', **coat_c)),
        coatnet_0_rw=MaxxVitCfg(embed_dim=(96, 192, 384, 768), depths=(2, 3, 7, 2), stem_width=_s,
                                **_rw_coat_cfg(conv_attn_early=True, transformer_shortcut_bias=False)),
        coatnet_1_rw=MaxxVitCfg(embed_dim=(96, 192, 384, 768), depths=(2, 6, 14, 2), stem_width=_s,
                                **_rw_coat_cfg(stride_mode='dw', conv_attn_early=True, transformer_shortcut_bias=False)),
        coatnet_2_rw=MaxxVitCfg(embed_dim=(128, 256, 512, 1024), depths=(2, 6, 14, 2), stem_width=(64, 128),
                                **_rw_coat_cfg(stride_mode='dw', conv_attn_act_layer='silu')),
        coatnet_3_rw=MaxxVitCfg(embed_dim=(192, 384, 768, 1536), depths=(2, 6, 14, 2), stem_width=(96, 192),
                                **_rw_coat_cfg(stride_mode='dw', conv_attn_act_layer='silu', init_values=1e-6)),
        coatnet_bn_0_rw=MaxxVitCfg(embed_dim=(96, 192, 384, 768), depths=(2, 3, 7, 2), stem_width=_s,
                                   **_rw_coat_cfg(stride_mode='dw', conv_attn_early=True, transformer_shortcut_bias=False,
                                                  transformer_norm_layer='batchnorm2d')),
        coatnet_rmlp_nano_rw=MaxxVitCfg(embed_dim=(64, 128, 256, 512), depths=(3, 4, 6, 3), stem_width=_s,
                                        **_rw_max_cfg(rel_pos_type='mlp', rel_pos_dim=384, **coat_c)),
        coatnet_rmlp_0_rw=MaxxVitCfg(embed_dim=(96, 192, 384, 768), depths=(2, 3, 7, 2), stem_width=_s,
                                     **_rw_coat_cfg(stride_mode='dw', rel_pos_type='mlp')),
        coatnet_rmlp_1_rw=MaxxVitCfg(embed_dim=(96, 192, 384, 768), depths=(2, 6, 14, 2), stem_width=_s,
                                     **_rw_coat_cfg(pool_type='max', conv_attn_early=True, transformer_shortcut_bias=False,
                                                    rel_pos_type='mlp', rel_pos_dim=384)),
        coatnet_rmlp_1_rw2=MaxxVitCfg(embed_dim=(96, 192, 384, 768), depths=(2, 6, 14, 2), stem_width=_s,
                                      **_rw_coat_cfg(stride_mode='dw', rel_pos_type='mlp', rel_pos_dim=512)),
        coatnet_rmlp_2_rw=MaxxVitCfg(embed_dim=(128, 256, 512, 1024), depths=(2, 6, 14, 2), stem_width=(64, 128),
                                     **_rw_coat_cfg(stride_mode='dw', conv_attn_act_layer='silu', init_values=1e-6,
                                                    rel_pos_type='mlp')),
        coatnet_rmlp_3_rw=MaxxVitCfg(embed_dim=(192, 384, 768, 1536), depths=(2, 6, 14, 2), stem_width=(96, 192),
                                     **_rw_coat_cfg(stride_mode='dw', conv_attn_act_layer='silu', init_values=1e-6,
                                                    rel_pos_type='mlp')),
        coatnet_nano_cc=MaxxVitCfg(embed_dim=(64, 128, 256, 512), depths=(3, 4, 6, 3), stem_width=_s,
                                   block_type=('C', 'C', ('C', 'T'), ('C', 'T')), **_rw_coat_cfg()),
        coatnext_nano_rw=MaxxVitCfg(embed_dim=(64, 128, 256, 512), depths=(3, 4, 6, 3), stem_width=_s,
                                    weight_init='normal', **_next_cfg(rel_pos_type='bias', init_values=(1e-5, None))),
        coatnet_0=MaxxVitCfg(embed_dim=(96, 192, 384, 768), depths=(2, 3, 5, 2), stem_width=64, head_hidden_size=768),
        coatnet_1=MaxxVitCfg(embed_dim=(96, 192, 384, 768), depths=(2, 6, 14, 2), stem_width=64, head_hidden_size=768),
        coatnet_2=MaxxVitCfg(embed_dim=(128, 256, 512, 1024), depths=(2, 6, 14, 2), stem_width=128,
                             head_hidden_size=1024),
        coatnet_3=MaxxVitCfg(embed_dim=(192, 384, 768, 1536), depths=(2, 6, 14, 2), stem_width=192,
                             head_hidden_size=1536),
        coatnet_4=MaxxVitCfg(embed_dim=(192, 384, 768, 1536), depths=(2, 12, 28, 2), stem_width=192,
                             head_hidden_size=1536),
        coatnet_5=MaxxVitCfg(embed_dim=(256, 512, 1280, 2048), depths=(2, 12, 28, 2), stem_width=192,
                             head_hidden_size=2048),
        maxvit_pico_rw=MaxxVitCfg(embed_dim=(32, 64, 128, 256), depths=(2, 2, 5, 2), block_type=m4, stem_width=(24, 32),
                                  **_rw_max_cfg()),
        maxvit_nano_rw=MaxxVitCfg(embed_dim=(64, 128, 256, 512), depths=(1, 2, 3, 1), block_type=m4, stem_width=_s,
                                  **_rw_max_cfg()),
        maxvit_tiny_rw=MaxxVitCfg(embed_dim=(64, 128, 256, 512), depths=(2, 2, 5, 2), block_type=m4, stem_width=_s,
                                  **_rw_max_cfg()),
        maxvit_tiny_pm=MaxxVitCfg(embed_dim=(64, 128, 256, 512), depths=(2, 2, 5, 2), block_type=('PM',) * 4,
                                  stem_width=_s, **_rw_max_cfg()),
        maxvit_rmlp_pico_rw=MaxxVitCfg(embed_dim=(32, 64, 128, 256), depths=(2, 2, 5, 2), block_type=m4,
                                       stem_width=(24, 32), **_rw_max_cfg(rel_pos_type='mlp')),
        maxvit_rmlp_nano_rw=MaxxVitCfg(embed_dim=(64, 128, 256, 512), depths=(1, 2, 3, 1), block_type=m4,
                                       stem_width=_s, **_rw_max_cfg(rel_pos_type='mlp')),
        maxvit_rmlp_tiny_rw=MaxxVitCfg(embed_dim=(64, 128, 256, 512), depths=(2, 2, 5, 2), block_type=m4,
                                       stem_width=_s, **_rw_max_cfg(rel_pos_type='mlp')),
        maxvit_rmlp_small_rw=MaxxVitCfg(embed_dim=(96, 192, 384, 768), depths=(2, 2, 5, 2), block_type=m4,
                                        stem_width=_s, **_rw_max_cfg(rel_pos_type='mlp', init_values=1e-6)),
        maxvit_rmlp_base_rw=MaxxVitCfg(embed_dim=(96, 192, 384, 768), depths=(2, 6, 14, 2), block_type=m4,
                                       stem_width=_s, head_hidden_size=768, **_rw_max_cfg(rel_pos_type='mlp')),
        maxxvit_rmlp_nano_rw=MaxxVitCfg(embed_dim=(64, 128, 256, 512), depths=(1, 2, 3, 1), block_type=m4,
                                        stem_width=_s, weight_init='normal', **_next_cfg()),
        maxxvit_rmlp_tiny_rw=MaxxVitCfg(embed_dim=(64, 128, 256, 512), depths=(2, 2, 5, 2), block_type=m4,
                                        stem_width=_s, **_next_cfg()),
        maxxvit_rmlp_small_rw=MaxxVitCfg(embed_dim=(96, 192, 384, 768), depths=(2, 2, 5, 2), block_type=m4,
                                         stem_width=(48, 96), **_next_cfg()),
        maxxvitv2_nano_rw=MaxxVitCfg(embed_dim=(96, 192, 384, 768), depths=(1, 2, 3, 1), block_type=m4,
                                     stem_width=(48, 96), weight_init='normal',
                                     **_next_cfg(no_block_attn=True, rel_pos_type='bias')),
        maxxvitv2_rmlp_base_rw=MaxxVitCfg(embed_dim=(128, 256, 512, 1024), depths=(2, 6, 12, 2), block_type=m4,
                                          stem_width=(64, 128), **_next_cfg(no_block_attn=True)),
        maxxvitv2_rmlp_large_rw=MaxxVitCfg(embed_dim=(160, 320, 640, 1280), depths=(2, 6, 16, 2), block_type=m4,
                                           stem_width=(80, 160), head_hidden_size=1280, **_next_cfg(no_block_attn=True)),
        maxvit_tiny_tf=MaxxVitCfg(embed_dim=(64, 128, 256, 512), depths=(2, 2, 5, 2), block_type=m4, stem_width=64,
                                  stem_bias=True, head_hidden_size=512, **_tf_cfg()),
        maxvit_small_tf=MaxxVitCfg(embed_dim=(96, 192, 384, 768), depths=(2, 2, 5, 2), block_type=m4, stem_width=64,
                                   stem_bias=True, head_hidden_size=768, **_tf_cfg()),
        maxvit_base_tf=MaxxVitCfg(embed_dim=(96, 192, 384, 768), depths=(2, 6, 14, 2), block_type=m4, stem_width=64,
                                  stem_bias=True, head_hidden_size=768, **_tf_cfg()),
        maxvit_large_tf=MaxxVitCfg(embed_dim=(128, 256, 512, 1024), depths=(2, 6, 14, 2), block_type=m4,
                                   stem_width=128, stem_bias=True, head_hidden_size=1024, **_tf_cfg()),
        maxvit_xlarge_tf=MaxxVitCfg(embed_dim=(192, 384, 768, 1536), depths=(2, 6, 14, 2), block_type=m4,
                                    stem_width=192, stem_bias=True, head_hidden_size=1536, **_tf_cfg()),
        test_maxvit=MaxxVitCfg(embed_dim=(32, 64, 96, 128), depths=(1, 1, 1, 1), block_type=m4, stem_width=(16, 32),
                               **_rw_max_cfg()),
        test_coatnet=MaxxVitCfg(embed_dim=(32, 64, 96, 128), depths=(1, 1, 2, 1), stem_width=(16, 32),
                                **_rw_max_cfg(stride_mode='pool', conv_output_bias=True, conv_attn_ratio=0.25)),
    )


_MODEL_CFGS: Optional[Dict[str, MaxxVitCfg]] = None


# architectures whose default (first) pretrained tag is not a 1000-class one: their builders default to its classes
_DEFAULT_CLASSES = {'coatnet_3_rw_224': 11821, 'maxvit_xlarge_tf_224': 21843}


def _maxxvit(name: str, variant: str, img_size: int, kwargs: Dict[str, Any]) -> MaxxVit:
    global _MODEL_CFGS
    if _MODEL_CFGS is None:
        _MODEL_CFGS = _cfgs()
    kwargs.setdefault('img_size', img_size)
    kwargs.setdefault('num_classes', _DEFAULT_CLASSES.get(name, 1000))
    return MaxxVit(_MODEL_CFGS[variant], **kwargs)


def _register(name: str, variant: str, img_size: int) -> None:
    def builder(**kwargs: Any) -> MaxxVit:
        return _maxxvit(name, variant, img_size, kwargs)

    builder.__name__ = builder.__qualname__ = name
    builder.__doc__ = f"{name}: the {variant} config at {img_size}x{img_size} (timm's architecture of this name)."
    builder.__module__ = __name__
    globals()[name] = register_model(builder)


_ARCHS = [
    ('coatnet_pico_rw_224', 'coatnet_pico_rw', 224), ('coatnet_nano_rw_224', 'coatnet_nano_rw', 224),
    ('coatnet_0_rw_224', 'coatnet_0_rw', 224), ('coatnet_1_rw_224', 'coatnet_1_rw', 224),
    ('coatnet_2_rw_224', 'coatnet_2_rw', 224), ('coatnet_3_rw_224', 'coatnet_3_rw', 224),
    ('coatnet_bn_0_rw_224', 'coatnet_bn_0_rw', 224), ('coatnet_rmlp_nano_rw_224', 'coatnet_rmlp_nano_rw', 224),
    ('coatnet_rmlp_0_rw_224', 'coatnet_rmlp_0_rw', 224), ('coatnet_rmlp_1_rw_224', 'coatnet_rmlp_1_rw', 224),
    ('coatnet_rmlp_1_rw2_224', 'coatnet_rmlp_1_rw2', 224), ('coatnet_rmlp_2_rw_224', 'coatnet_rmlp_2_rw', 224),
    ('coatnet_rmlp_2_rw_384', 'coatnet_rmlp_2_rw', 384), ('coatnet_rmlp_3_rw_224', 'coatnet_rmlp_3_rw', 224),
    ('coatnet_nano_cc_224', 'coatnet_nano_cc', 224), ('coatnext_nano_rw_224', 'coatnext_nano_rw', 224),
    ('coatnet_0_224', 'coatnet_0', 224), ('coatnet_1_224', 'coatnet_1', 224), ('coatnet_2_224', 'coatnet_2', 224),
    ('coatnet_3_224', 'coatnet_3', 224), ('coatnet_4_224', 'coatnet_4', 224), ('coatnet_5_224', 'coatnet_5', 224),
    ('maxvit_pico_rw_256', 'maxvit_pico_rw', 256), ('maxvit_nano_rw_256', 'maxvit_nano_rw', 256),
    ('maxvit_tiny_rw_224', 'maxvit_tiny_rw', 224), ('maxvit_tiny_rw_256', 'maxvit_tiny_rw', 256),
    ('maxvit_rmlp_pico_rw_256', 'maxvit_rmlp_pico_rw', 256), ('maxvit_rmlp_nano_rw_256', 'maxvit_rmlp_nano_rw', 256),
    ('maxvit_rmlp_tiny_rw_256', 'maxvit_rmlp_tiny_rw', 256), ('maxvit_rmlp_small_rw_224', 'maxvit_rmlp_small_rw', 224),
    ('maxvit_rmlp_small_rw_256', 'maxvit_rmlp_small_rw', 256), ('maxvit_rmlp_base_rw_224', 'maxvit_rmlp_base_rw', 224),
    ('maxvit_rmlp_base_rw_384', 'maxvit_rmlp_base_rw', 384), ('maxvit_tiny_pm_256', 'maxvit_tiny_pm', 256),
    ('maxxvit_rmlp_nano_rw_256', 'maxxvit_rmlp_nano_rw', 256), ('maxxvit_rmlp_tiny_rw_256', 'maxxvit_rmlp_tiny_rw', 256),
    ('maxxvit_rmlp_small_rw_256', 'maxxvit_rmlp_small_rw', 256), ('maxxvitv2_nano_rw_256', 'maxxvitv2_nano_rw', 256),
    ('maxxvitv2_rmlp_base_rw_224', 'maxxvitv2_rmlp_base_rw', 224),
    ('maxxvitv2_rmlp_base_rw_384', 'maxxvitv2_rmlp_base_rw', 384),
    ('maxxvitv2_rmlp_large_rw_224', 'maxxvitv2_rmlp_large_rw', 224),
] + [(f'maxvit_{size}_tf_{px}', f'maxvit_{size}_tf', px)
     for size in ('tiny', 'small', 'base', 'large', 'xlarge') for px in (224, 384, 512)] + [
    ('test_maxvit', 'test_maxvit', 160), ('test_coatnet', 'test_coatnet', 160),
]

for _arch, _variant, _px in _ARCHS:
    _register(_arch, _variant, _px)
