"""EfficientViT from MIT Han Lab (Cai et al. 2022): multi-scale linear attention for high-resolution
dense prediction. The B series (Hardswish, BatchNorm) and the L series (tanh-GELU, BatchNorm eps 1e-7,
fused MBConvs in the early stages).

Module and parameter names follow timm's `efficientvit_mit.py`, so its checkpoints load strictly:
`stem` (3x3 conv + residual depthwise-separable or conv blocks), four `stages` whose first block
downsamples, the last two (B) or one (L) holding `EfficientVitBlock`s (LiteMLA context module + MBConv
local module), and a `head` with a 1x1 conv, pooling, a hidden linear + LayerNorm, and the classifier.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from ..features import check_output_fmt, feature_take_indices
from ..layers import check_num_classes, create_conv2d
from ..layers.activations import create_act
from ..layers.pooling import GlobalPool2d
from ..registry import register_model
from ._base import ImgzooModel, checkpoint, checkpoint_seq

NormLayer = Optional[Callable[[int], nn.Module]]
ActLayer = Optional[str]


def _bn(eps: float) -> Callable[[int], nn.Module]:
    def make(num_features: int) -> nn.Module:
        return nn.BatchNorm2d(num_features, eps=eps)
    return make


def _triple(value: Any, n: int) -> Tuple[Any, ...]:
    """value repeated n times unless it is already a tuple/list (timm's val2tuple for these blocks)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


class ConvNormAct(nn.Module):
    """Dropout → conv → optional norm → optional activation; keys conv, norm."""

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1, dilation: int = 1,
        groups: int = 1, bias: bool = False, dropout: float = 0.0, norm_layer: NormLayer = None,
        act_layer: ActLayer = 'relu',
    ) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout, inplace=False)
        self.conv = create_conv2d(in_channels, out_channels, kernel_size, stride=stride, dilation=dilation,
                                  groups=groups, bias=bias)
        self.norm = norm_layer(out_channels) if norm_layer else nn.Identity()
        self.act = create_act(act_layer, inplace=True) if act_layer is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.norm(self.conv(self.dropout(x))))


class DSConv(nn.Module):
    """Depthwise kxk conv → pointwise conv."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1,
                 use_bias: Any = False, norm_layer: Any = None, act_layer: Any = ('relu6', None)) -> None:
        super().__init__()
        use_bias, norm_layer, act_layer = _triple(use_bias, 2), _triple(norm_layer, 2), _triple(act_layer, 2)
        self.depth_conv = ConvNormAct(in_channels, in_channels, kernel_size, stride, groups=in_channels,
                                      norm_layer=norm_layer[0], act_layer=act_layer[0], bias=use_bias[0])
        self.point_conv = ConvNormAct(in_channels, out_channels, 1, norm_layer=norm_layer[1],
                                      act_layer=act_layer[1], bias=use_bias[1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.point_conv(self.depth_conv(x))


class ConvBlock(nn.Module):
    """Two full kxk convs (the L-series stem blocks)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1,
                 expand_ratio: float = 1, use_bias: Any = False, norm_layer: Any = None,
                 act_layer: Any = ('relu6', None)) -> None:
        super().__init__()
        use_bias, norm_layer, act_layer = _triple(use_bias, 2), _triple(norm_layer, 2), _triple(act_layer, 2)
        mid_channels = round(in_channels * expand_ratio)
        self.conv1 = ConvNormAct(in_channels, mid_channels, kernel_size, stride, norm_layer=norm_layer[0],
                                 act_layer=act_layer[0], bias=use_bias[0])
        self.conv2 = ConvNormAct(mid_channels, out_channels, kernel_size, 1, norm_layer=norm_layer[1],
                                 act_layer=act_layer[1], bias=use_bias[1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv2(self.conv1(x))


class MBConv(nn.Module):
    """Inverted residual body: 1x1 expand → depthwise kxk (strided) → 1x1 project."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1,
                 expand_ratio: float = 6, use_bias: Any = False, norm_layer: Any = None,
                 act_layer: Any = ('relu6', 'relu6', None)) -> None:
        super().__init__()
        use_bias, norm_layer, act_layer = _triple(use_bias, 3), _triple(norm_layer, 3), _triple(act_layer, 3)
        mid_channels = round(in_channels * expand_ratio)
        self.inverted_conv = ConvNormAct(in_channels, mid_channels, 1, stride=1, norm_layer=norm_layer[0],
                                         act_layer=act_layer[0], bias=use_bias[0])
        self.depth_conv = ConvNormAct(mid_channels, mid_channels, kernel_size, stride=stride, groups=mid_channels,
                                      norm_layer=norm_layer[1], act_layer=act_layer[1], bias=use_bias[1])
        self.point_conv = ConvNormAct(mid_channels, out_channels, 1, norm_layer=norm_layer[2],
                                      act_layer=act_layer[2], bias=use_bias[2])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.point_conv(self.depth_conv(self.inverted_conv(x)))


class FusedMBConv(nn.Module):
    """Fused inverted residual body: full kxk expand (strided) → 1x1 project."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 3, stride: int = 1,
                 expand_ratio: float = 6, groups: int = 1, use_bias: Any = False, norm_layer: Any = None,
                 act_layer: Any = ('relu6', None)) -> None:
        super().__init__()
        use_bias, norm_layer, act_layer = _triple(use_bias, 2), _triple(norm_layer, 2), _triple(act_layer, 2)
        mid_channels = round(in_channels * expand_ratio)
        self.spatial_conv = ConvNormAct(in_channels, mid_channels, kernel_size, stride=stride, groups=groups,
                                        norm_layer=norm_layer[0], act_layer=act_layer[0], bias=use_bias[0])
        self.point_conv = ConvNormAct(mid_channels, out_channels, 1, norm_layer=norm_layer[1],
                                      act_layer=act_layer[1], bias=use_bias[1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.point_conv(self.spatial_conv(x))


def _relu_linear_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, eps: float) -> torch.Tensor:
    dtype = v.dtype
    q, k, v = q.float(), k.float(), v.float()
    out = q @ (k.transpose(-1, -2) @ v)
    out = out[..., :-1] / (out[..., -1:] + eps)
    return out.to(dtype)


@torch.fx.wrap
def _linear_attention_fp32(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, eps: float) -> torch.Tensor:
    """ReLU linear attention (v padded with a ones column for the normaliser), always in float32."""
    device_type = v.device.type
    if device_type != 'meta' and torch.is_autocast_enabled(device_type):
        with torch.autocast(device_type=device_type, enabled=False):
            return _relu_linear_attention(q, k, v, eps)
    return _relu_linear_attention(q, k, v, eps)


class LiteMLA(nn.Module):
    """Lightweight multi-scale linear attention: 1x1 qkv, depthwise + grouped-pointwise aggregation at each
    scale, ReLU linear attention per head, 1x1 projection."""

    def __init__(
        self, in_channels: int, out_channels: int, heads: Optional[int] = None, heads_ratio: float = 1.0,
        dim: int = 8, use_bias: Any = False, norm_layer: Any = (None, None), act_layer: Any = (None, None),
        scales: Sequence[int] = (5,), eps: float = 1e-5,
    ) -> None:
        super().__init__()
        self.eps = eps
        heads = heads or int(in_channels // dim * heads_ratio)
        total_dim = heads * dim
        use_bias, norm_layer, act_layer = _triple(use_bias, 2), _triple(norm_layer, 2), _triple(act_layer, 2)
        self.dim = dim
        self.qkv = ConvNormAct(in_channels, 3 * total_dim, 1, bias=use_bias[0], norm_layer=norm_layer[0],
                               act_layer=act_layer[0])
        self.aggreg = nn.ModuleList([
            nn.Sequential(
                nn.Conv2d(3 * total_dim, 3 * total_dim, scale, padding=scale // 2, groups=3 * total_dim,
                          bias=use_bias[0]),
                nn.Conv2d(3 * total_dim, 3 * total_dim, 1, groups=3 * heads, bias=use_bias[0]),
            )
            for scale in scales
        ])
        self.kernel_func = nn.ReLU(inplace=False)
        self.proj = ConvNormAct(total_dim * (1 + len(scales)), out_channels, 1, bias=use_bias[1],
                                norm_layer=norm_layer[1], act_layer=act_layer[1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, height, width = x.shape[0], x.shape[2], x.shape[3]
        qkv = self.qkv(x)
        multi_scale_qkv = torch.cat([qkv] + [op(qkv) for op in self.aggreg], dim=1)
        multi_scale_qkv = multi_scale_qkv.reshape(batch, -1, 3 * self.dim, height * width).transpose(-1, -2)
        q, k, v = multi_scale_qkv.chunk(3, dim=-1)
        q, k = self.kernel_func(q), self.kernel_func(k)
        v = F.pad(v, (0, 1), mode='constant', value=1.0)
        out = _linear_attention_fp32(q, k, v, self.eps)
        out = out.transpose(-1, -2).reshape(batch, -1, height, width)
        return self.proj(out)


class ResidualBlock(nn.Module):
    """main(pre_norm(x)) plus shortcut(x) when there is a shortcut; keys main, shortcut."""

    def __init__(self, main: nn.Module, shortcut: Optional[nn.Module] = None,
                 pre_norm: Optional[nn.Module] = None) -> None:
        super().__init__()
        self.pre_norm = pre_norm if pre_norm is not None else nn.Identity()
        self.main = main
        self.shortcut = shortcut

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        res = self.main(self.pre_norm(x))
        if self.shortcut is not None:
            res = res + self.shortcut(x)
        return res


class EfficientVitBlock(nn.Module):
    """Residual LiteMLA (context) then residual MBConv (local)."""

    def __init__(self, in_channels: int, heads_ratio: float = 1.0, head_dim: int = 32, expand_ratio: float = 4,
                 norm_layer: NormLayer = None, act_layer: ActLayer = 'hard_swish') -> None:
        super().__init__()
        self.context_module = ResidualBlock(
            LiteMLA(in_channels, in_channels, heads_ratio=heads_ratio, dim=head_dim, norm_layer=(None, norm_layer)),
            nn.Identity(),
        )
        self.local_module = ResidualBlock(
            MBConv(in_channels, in_channels, expand_ratio=expand_ratio, use_bias=(True, True, False),
                   norm_layer=(None, None, norm_layer), act_layer=(act_layer, act_layer, None)),
            nn.Identity(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.local_module(self.context_module(x))


def build_local_block(
    in_channels: int, out_channels: int, stride: int, expand_ratio: float, norm_layer: NormLayer,
    act_layer: ActLayer, fewer_norm: bool = False, block_type: str = 'default',
) -> nn.Module:
    """DSConv / ConvBlock (expand_ratio 1) or MBConv / FusedMBConv; fewer_norm drops all norms but the last."""
    if expand_ratio == 1:
        cls = DSConv if block_type == 'default' else ConvBlock
        kwargs: Dict[str, Any] = {} if cls is DSConv else dict(expand_ratio=1)
        return cls(in_channels, out_channels, stride=stride, use_bias=(True, False) if fewer_norm else False,
                   norm_layer=(None, norm_layer) if fewer_norm else norm_layer, act_layer=(act_layer, None), **kwargs)
    if block_type == 'default':
        return MBConv(in_channels, out_channels, stride=stride, expand_ratio=expand_ratio,
                      use_bias=(True, True, False) if fewer_norm else False,
                      norm_layer=(None, None, norm_layer) if fewer_norm else norm_layer,
                      act_layer=(act_layer, act_layer, None))
    return FusedMBConv(in_channels, out_channels, stride=stride, expand_ratio=expand_ratio,
                       use_bias=(True, False) if fewer_norm else False,
                       norm_layer=(None, norm_layer) if fewer_norm else norm_layer, act_layer=(act_layer, None))


class Stem(nn.Sequential):
    """Strided 3x3 conv (`in_conv`) and `depth` residual local blocks (`res0`, ...)."""

    def __init__(self, in_chs: int, out_chs: int, depth: int, norm_layer: NormLayer, act_layer: ActLayer,
                 block_type: str = 'default') -> None:
        super().__init__()
        self.stride = 2
        self.add_module('in_conv', ConvNormAct(in_chs, out_chs, kernel_size=3, stride=2, norm_layer=norm_layer,
                                               act_layer=act_layer))
        for i in range(depth):
            self.add_module(f'res{i}', ResidualBlock(
                build_local_block(out_chs, out_chs, 1, 1, norm_layer, act_layer, block_type=block_type),
                nn.Identity(),
            ))


class EfficientVitStage(nn.Module):
    """B series stage: a downsampling MBConv, then MBConvs (stages 0-1) or EfficientVitBlocks (2-3)."""

    def __init__(self, in_chs: int, out_chs: int, depth: int, norm_layer: NormLayer, act_layer: ActLayer,
                 expand_ratio: float, head_dim: int, vit_stage: bool = False) -> None:
        super().__init__()
        blocks: List[nn.Module] = [ResidualBlock(
            build_local_block(in_chs, out_chs, 2, expand_ratio, norm_layer, act_layer, fewer_norm=vit_stage), None)]
        if vit_stage:
            blocks += [EfficientVitBlock(out_chs, head_dim=head_dim, expand_ratio=expand_ratio, norm_layer=norm_layer,
                                         act_layer=act_layer) for _ in range(depth)]
        else:
            blocks += [ResidualBlock(build_local_block(out_chs, out_chs, 1, expand_ratio, norm_layer, act_layer),
                                     nn.Identity()) for _ in range(1, depth)]
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks(x)


class EfficientVitLargeStage(nn.Module):
    """L series stage: a downsampling (fused) MBConv, then (fused) MBConvs or EfficientVitBlocks (stage 3)."""

    def __init__(self, in_chs: int, out_chs: int, depth: int, norm_layer: NormLayer, act_layer: ActLayer,
                 head_dim: int, vit_stage: bool = False, fewer_norm: bool = False) -> None:
        super().__init__()
        block_type = 'default' if fewer_norm else 'fused'
        blocks: List[nn.Module] = [ResidualBlock(
            build_local_block(in_chs, out_chs, 2, 24 if vit_stage else 16, norm_layer, act_layer,
                              fewer_norm=vit_stage or fewer_norm, block_type=block_type), None)]
        if vit_stage:
            blocks += [EfficientVitBlock(out_chs, head_dim=head_dim, expand_ratio=6, norm_layer=norm_layer,
                                         act_layer=act_layer) for _ in range(depth)]
        else:
            blocks += [ResidualBlock(build_local_block(out_chs, out_chs, 1, 4, norm_layer, act_layer,
                                                       fewer_norm=fewer_norm, block_type=block_type), nn.Identity())
                       for _ in range(depth)]
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks(x)


class ClassifierHead(nn.Module):
    """1x1 conv-bn-act (`in_conv`) → global pool → `classifier`: linear, LayerNorm, act, dropout, linear."""

    def __init__(self, in_channels: int, widths: Sequence[int], num_classes: int = 1000, dropout: float = 0.0,
                 act_layer: ActLayer = 'hard_swish', pool_type: str = 'avg', norm_eps: float = 1e-5) -> None:
        super().__init__()
        self.widths = widths
        self.in_features = in_channels
        self.num_features = widths[-1]
        self.in_conv: nn.Module = ConvNormAct(in_channels, widths[0], 1, norm_layer=_bn(1e-5), act_layer=act_layer)
        self.global_pool = self._pool(pool_type)
        self.classifier = nn.Sequential(
            nn.Linear(widths[0], widths[1], bias=False),
            nn.LayerNorm(widths[1], eps=norm_eps),
            create_act(act_layer, inplace=True) if act_layer is not None else nn.Identity(),
            nn.Dropout(dropout, inplace=False),
            nn.Linear(widths[1], num_classes, bias=True) if num_classes > 0 else nn.Identity(),
        )

    @staticmethod
    def _pool(pool_type: str) -> GlobalPool2d:
        pool = GlobalPool2d(pool_type, flatten=True)
        if pool.is_identity() or pool.feat_mult() != 1:
            raise InvalidModelArgsError(
                f"global_pool={pool_type!r}: this head needs pooling that keeps the width; use 'avg', 'max' or "
                "'avgmax'.")
        return pool

    def reset(self, num_classes: int, pool_type: Optional[str] = None, reset_other: bool = False,
              in_features: Optional[int] = None) -> None:
        """A fresh classifier; reset_other also drops the pre-logits conv and hidden layer."""
        ref = next(self.parameters(), None)
        if pool_type is not None:
            self.global_pool = self._pool(pool_type)
        if reset_other:
            self.in_conv = nn.Identity()
            for i in range(3):
                self.classifier[i] = nn.Identity()
            self.num_features = self.in_features
        if in_features is not None and in_features != self.in_features:
            self.in_features = self.num_features = in_features
        fc = nn.Linear(self.num_features, num_classes, bias=True) if num_classes > 0 else nn.Identity()
        if ref is not None:
            fc.to(device=ref.device, dtype=ref.dtype)
        self.classifier[-1] = fc

    def forward(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.global_pool(self.in_conv(x))
        if pre_logits:
            for i in range(4):
                x = self.classifier[i](x)
            return x
        return self.classifier(x)


class _EfficientVitBase(ImgzooModel):
    """What both series share: the contract around stem, stages and head."""

    stem: Stem
    stages: nn.Sequential
    head: ClassifierHead

    def _finish(self, in_channels: int, head_widths: Sequence[int], num_classes: int, drop_rate: float,
                global_pool: str, act_layer: ActLayer, norm_eps: float) -> None:
        self.num_features = in_channels
        self.head = ClassifierHead(in_channels, widths=head_widths, num_classes=num_classes, dropout=drop_rate,
                                   pool_type=global_pool, act_layer=act_layer, norm_eps=norm_eps)
        self.head_hidden_size = self.head.num_features

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(
            stem=r'^stem',
            blocks=r'^stages\.(\d+)' if coarse else [
                (r'^stages\.(\d+).downsample', (0,)),
                (r'^stages\.(\d+)\.\w+\.(\d+)', None),
            ],
        )

    def get_classifier(self) -> nn.Module:
        return self.head.classifier[-1]

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None, reset_other: bool = False) -> None:
        """Replace the classifier (and optionally the pooling); reset_other also drops the head's hidden layers."""
        check_num_classes(num_classes)
        self.head.reset(num_classes, global_pool, reset_other=reset_other, in_features=self.num_features)
        self.num_classes = num_classes
        self.head_hidden_size = self.head.num_features
        if global_pool is not None:
            self.global_pool = global_pool

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the output maps of the stages at indices (0-3)."""
        check_output_fmt(output_fmt)
        take_indices, max_index = feature_take_indices(len(self.stages), indices)
        intermediates = []
        x = self.stem(x)
        stages = self.stages[:max_index + 1] if stop_early else self.stages
        for feat_idx, stage in enumerate(stages):
            x = checkpoint(stage, x) if self.grad_checkpointing else stage(x)
            if feat_idx in take_indices:
                intermediates.append(x)
        if intermediates_only:
            return intermediates
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the stages after the last index needed (and the head); returns the kept indices."""
        take_indices, max_index = feature_take_indices(len(self.stages), indices)
        prune_end = max_index < len(self.stages) - 1
        self.stages = self.stages[:max_index + 1]
        if prune_end:
            self.num_features = self.head_hidden_size = self.feature_info[max_index]['num_chs']
        if prune_head or prune_end:
            self.reset_classifier(0, reset_other=True)
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        return checkpoint_seq(self.stages, x) if self.grad_checkpointing else self.stages(x)

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        return self.head(x, pre_logits=pre_logits)


def _check_widths(widths: Sequence[int], depths: Sequence[int], head_widths: Sequence[int]) -> None:
    if len(widths) != 5 or len(depths) != 5 or len(head_widths) != 2:
        raise InvalidModelArgsError(
            f'widths and depths need 5 entries (stem + 4 stages) and head_widths 2, got widths={tuple(widths)}, '
            f'depths={tuple(depths)}, head_widths={tuple(head_widths)}.')


class EfficientVit(_EfficientVitBase):
    """EfficientViT B series."""

    def __init__(
        self, in_chans: int = 3, widths: Sequence[int] = (), depths: Sequence[int] = (), head_dim: int = 32,
        expand_ratio: float = 4, act_layer: str = 'hard_swish', global_pool: str = 'avg',
        head_widths: Sequence[int] = (), drop_rate: float = 0.0, num_classes: int = 1000,
    ) -> None:
        super().__init__()
        _check_widths(widths, depths, head_widths)
        self.global_pool = global_pool
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        norm_layer = _bn(1e-5)
        self.stem = Stem(in_chans, widths[0], depths[0], norm_layer, act_layer)
        stride = self.stem.stride
        self.feature_info: List[Dict[str, Any]] = []
        self.stages = nn.Sequential()
        in_channels = widths[0]
        for i, (w, d) in enumerate(zip(widths[1:], depths[1:])):
            self.stages.append(EfficientVitStage(in_channels, w, depth=d, norm_layer=norm_layer, act_layer=act_layer,
                                                 expand_ratio=expand_ratio, head_dim=head_dim, vit_stage=i >= 2))
            stride *= 2
            in_channels = w
            self.feature_info.append(dict(num_chs=in_channels, reduction=stride, module=f'stages.{i}'))
        # timm's B-series head keeps Hardswish whatever act_layer the body uses
        self._finish(in_channels, head_widths, self.num_classes, drop_rate, global_pool, 'hard_swish', 1e-5)


class EfficientVitLarge(_EfficientVitBase):
    """EfficientViT L series: tanh-GELU, BatchNorm and head LayerNorm eps norm_eps (1e-7)."""

    def __init__(
        self, in_chans: int = 3, widths: Sequence[int] = (), depths: Sequence[int] = (), head_dim: int = 32,
        act_layer: str = 'gelu_tanh', global_pool: str = 'avg', head_widths: Sequence[int] = (),
        drop_rate: float = 0.0, num_classes: int = 1000, norm_eps: float = 1e-7,
    ) -> None:
        super().__init__()
        _check_widths(widths, depths, head_widths)
        self.global_pool = global_pool
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.norm_eps = norm_eps
        norm_layer = _bn(norm_eps)
        self.stem = Stem(in_chans, widths[0], depths[0], norm_layer, act_layer, block_type='large')
        stride = self.stem.stride
        self.feature_info: List[Dict[str, Any]] = []
        self.stages = nn.Sequential()
        in_channels = widths[0]
        for i, (w, d) in enumerate(zip(widths[1:], depths[1:])):
            self.stages.append(EfficientVitLargeStage(in_channels, w, depth=d, norm_layer=norm_layer,
                                                      act_layer=act_layer, head_dim=head_dim, vit_stage=i >= 3,
                                                      fewer_norm=i >= 2))
            stride *= 2
            in_channels = w
            self.feature_info.append(dict(num_chs=in_channels, reduction=stride, module=f'stages.{i}'))
        self._finish(in_channels, head_widths, self.num_classes, drop_rate, global_pool, act_layer, norm_eps)


def _b(widths: Tuple[int, ...], depths: Tuple[int, ...], head_dim: int, head_widths: Tuple[int, int],
       kwargs: Dict[str, Any]) -> EfficientVit:
    return EfficientVit(**dict(dict(widths=widths, depths=depths, head_dim=head_dim, head_widths=head_widths),
                               **kwargs))


def _l(widths: Tuple[int, ...], depths: Tuple[int, ...], head_widths: Tuple[int, int],
       kwargs: Dict[str, Any]) -> EfficientVitLarge:
    return EfficientVitLarge(**dict(dict(widths=widths, depths=depths, head_dim=32, head_widths=head_widths),
                                    **kwargs))


@register_model
def efficientvit_b0(**kwargs: Any) -> EfficientVit:
    return _b((8, 16, 32, 64, 128), (1, 2, 2, 2, 2), 16, (1024, 1280), kwargs)


@register_model
def efficientvit_b1(**kwargs: Any) -> EfficientVit:
    return _b((16, 32, 64, 128, 256), (1, 2, 3, 3, 4), 16, (1536, 1600), kwargs)


@register_model
def efficientvit_b2(**kwargs: Any) -> EfficientVit:
    return _b((24, 48, 96, 192, 384), (1, 3, 4, 4, 6), 32, (2304, 2560), kwargs)


@register_model
def efficientvit_b3(**kwargs: Any) -> EfficientVit:
    return _b((32, 64, 128, 256, 512), (1, 4, 6, 6, 9), 32, (2304, 2560), kwargs)


@register_model
def efficientvit_l1(**kwargs: Any) -> EfficientVitLarge:
    return _l((32, 64, 128, 256, 512), (1, 1, 1, 6, 6), (3072, 3200), kwargs)


@register_model
def efficientvit_l2(**kwargs: Any) -> EfficientVitLarge:
    return _l((32, 64, 128, 256, 512), (1, 2, 2, 8, 8), (3072, 3200), kwargs)


@register_model
def efficientvit_l3(**kwargs: Any) -> EfficientVitLarge:
    return _l((64, 128, 256, 512, 1024), (1, 2, 2, 8, 8), (6144, 6400), kwargs)
