"""ResNetV2: pre-activation ResNets (He et al. 2016), including Big Transfer (BiT, Kolesnikov et al. 2019).

Module and parameter names follow timm's `resnetv2.py`, so its checkpoints load strictly. BiT models use
weight-standardised convs (`StdConv2d`, eps 1e-8) with GroupNorm(32) + ReLU and a 'fixed' stem (7x7 conv,
1-pixel zero pad, unpadded 3x3 max pool); the other variants use plain convs with BatchNorm (or GroupNorm,
EvoNorm-S0, FRN). Pre-activation blocks normalise their input and take the shortcut projection from it;
the model ends with a norm (+ activation) before the 1x1-conv classifier head.
"""
from __future__ import annotations

from collections import OrderedDict
from functools import partial
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from ..features import check_output_fmt, feature_take_indices
from ..layers import (
    BatchNormAct2d,
    DropPath,
    EvoNorm2dS0,
    FilterResponseNormTlu2d,
    GroupNormAct,
    StdConv2d,
    check_num_classes,
    create_conv2d,
    make_divisible,
)
from ..layers.classifier import ClassifierHead
from ..registry import register_model
from ._base import ImgzooModel, checkpoint_seq

NormLayer = Callable[..., nn.Module]
ConvLayer = Callable[..., nn.Module]

NORM_LAYERS: Dict[str, NormLayer] = {
    'groupnorm': GroupNormAct,
    'batchnorm': BatchNormAct2d,
    'evonorms0': EvoNorm2dS0,
    'frn': FilterResponseNormTlu2d,
}
CONV_LAYERS = ('std_conv', 'conv')
STEM_TYPES = ('', 'fixed', 'deep', 'deep_fixed', 'tiered')


class PreActBasic(nn.Module):
    """Pre-activation basic block: norm-act, 3x3 conv, norm-act, 3x3 conv, plus the shortcut."""

    def __init__(self, in_chs: int, out_chs: Optional[int] = None, bottle_ratio: float = 1.0, stride: int = 1,
                 dilation: int = 1, first_dilation: Optional[int] = None, groups: int = 1,
                 conv_layer: ConvLayer = StdConv2d, norm_layer: NormLayer = GroupNormAct,
                 proj_layer: Optional[Callable[..., nn.Module]] = None, drop_path_rate: float = 0.0) -> None:
        super().__init__()
        first_dilation = first_dilation or dilation
        out_chs = out_chs or in_chs
        mid_chs = make_divisible(out_chs * bottle_ratio)
        if proj_layer is not None and (stride != 1 or first_dilation != dilation or in_chs != out_chs):
            self.downsample: Optional[nn.Module] = proj_layer(
                in_chs, out_chs, stride=stride, dilation=dilation, first_dilation=first_dilation, preact=True,
                conv_layer=conv_layer, norm_layer=norm_layer)
        else:
            self.downsample = None
        self.norm1 = norm_layer(in_chs)
        self.conv1 = conv_layer(in_chs, mid_chs, 3, stride=stride, dilation=first_dilation, groups=groups)
        self.norm2 = norm_layer(mid_chs)
        self.conv2 = conv_layer(mid_chs, out_chs, 3, dilation=dilation, groups=groups)
        self.drop_path = DropPath(drop_path_rate) if drop_path_rate > 0 else nn.Identity()

    def zero_init_last(self) -> None:
        nn.init.zeros_(self.conv2.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_preact = self.norm1(x)
        shortcut = x if self.downsample is None else self.downsample(x_preact)
        x = self.conv2(self.norm2(self.conv1(x_preact)))
        return self.drop_path(x) + shortcut


class PreActBottleneck(nn.Module):
    """Pre-activation bottleneck (stride on the 3x3 conv)."""

    def __init__(self, in_chs: int, out_chs: Optional[int] = None, bottle_ratio: float = 0.25, stride: int = 1,
                 dilation: int = 1, first_dilation: Optional[int] = None, groups: int = 1,
                 conv_layer: ConvLayer = StdConv2d, norm_layer: NormLayer = GroupNormAct,
                 proj_layer: Optional[Callable[..., nn.Module]] = None, drop_path_rate: float = 0.0) -> None:
        super().__init__()
        first_dilation = first_dilation or dilation
        out_chs = out_chs or in_chs
        mid_chs = make_divisible(out_chs * bottle_ratio)
        self.downsample: Optional[nn.Module] = None if proj_layer is None else proj_layer(
            in_chs, out_chs, stride=stride, dilation=dilation, first_dilation=first_dilation, preact=True,
            conv_layer=conv_layer, norm_layer=norm_layer)
        self.norm1 = norm_layer(in_chs)
        self.conv1 = conv_layer(in_chs, mid_chs, 1)
        self.norm2 = norm_layer(mid_chs)
        self.conv2 = conv_layer(mid_chs, mid_chs, 3, stride=stride, dilation=first_dilation, groups=groups)
        self.norm3 = norm_layer(mid_chs)
        self.conv3 = conv_layer(mid_chs, out_chs, 1)
        self.drop_path = DropPath(drop_path_rate) if drop_path_rate > 0 else nn.Identity()

    def zero_init_last(self) -> None:
        nn.init.zeros_(self.conv3.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_preact = self.norm1(x)
        shortcut = x if self.downsample is None else self.downsample(x_preact)
        x = self.conv1(x_preact)
        x = self.conv2(self.norm2(x))
        x = self.conv3(self.norm3(x))
        return self.drop_path(x) + shortcut


class Bottleneck(nn.Module):
    """Post-activation (v1.5) bottleneck, for preact=False models."""

    def __init__(self, in_chs: int, out_chs: Optional[int] = None, bottle_ratio: float = 0.25, stride: int = 1,
                 dilation: int = 1, first_dilation: Optional[int] = None, groups: int = 1,
                 conv_layer: ConvLayer = StdConv2d, norm_layer: NormLayer = GroupNormAct,
                 proj_layer: Optional[Callable[..., nn.Module]] = None, drop_path_rate: float = 0.0) -> None:
        super().__init__()
        first_dilation = first_dilation or dilation
        out_chs = out_chs or in_chs
        mid_chs = make_divisible(out_chs * bottle_ratio)
        self.downsample: Optional[nn.Module] = None if proj_layer is None else proj_layer(
            in_chs, out_chs, stride=stride, dilation=dilation, preact=False, conv_layer=conv_layer,
            norm_layer=norm_layer)
        self.conv1 = conv_layer(in_chs, mid_chs, 1)
        self.norm1 = norm_layer(mid_chs)
        self.conv2 = conv_layer(mid_chs, mid_chs, 3, stride=stride, dilation=first_dilation, groups=groups)
        self.norm2 = norm_layer(mid_chs)
        self.conv3 = conv_layer(mid_chs, out_chs, 1)
        self.norm3 = norm_layer(out_chs, apply_act=False)
        self.drop_path = DropPath(drop_path_rate) if drop_path_rate > 0 else nn.Identity()
        self.act3 = nn.ReLU(inplace=True)

    def zero_init_last(self) -> None:
        if getattr(self.norm3, 'weight', None) is not None:
            nn.init.zeros_(self.norm3.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x if self.downsample is None else self.downsample(x)
        x = self.norm1(self.conv1(x))
        x = self.norm2(self.conv2(x))
        x = self.norm3(self.conv3(x))
        return self.act3(self.drop_path(x) + shortcut)


class DownsampleConv(nn.Module):
    """1x1 (strided) conv shortcut; normalised only in post-activation models."""

    def __init__(self, in_chs: int, out_chs: int, stride: int = 1, dilation: int = 1,
                 first_dilation: Optional[int] = None, preact: bool = True, conv_layer: ConvLayer = StdConv2d,
                 norm_layer: NormLayer = GroupNormAct) -> None:
        super().__init__()
        self.conv = conv_layer(in_chs, out_chs, 1, stride=stride)
        self.norm = nn.Identity() if preact else norm_layer(out_chs, apply_act=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(self.conv(x))


class _AvgPool2dSame(nn.Module):
    """2x2 average pool at stride 1 with TF 'same' padding (one pixel right and bottom), for dilated stages."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.avg_pool2d(F.pad(x, (0, 1, 0, 1)), 2, 1, 0, ceil_mode=True, count_include_pad=False)


class DownsampleAvg(nn.Module):
    """2x2 average pool then 1x1 conv shortcut ('D' variants)."""

    def __init__(self, in_chs: int, out_chs: int, stride: int = 1, dilation: int = 1,
                 first_dilation: Optional[int] = None, preact: bool = True, conv_layer: ConvLayer = StdConv2d,
                 norm_layer: NormLayer = GroupNormAct) -> None:
        super().__init__()
        avg_stride = stride if dilation == 1 else 1
        if stride > 1 or dilation > 1:
            self.pool: nn.Module = _AvgPool2dSame() if avg_stride == 1 and dilation > 1 else \
                nn.AvgPool2d(2, avg_stride, ceil_mode=True, count_include_pad=False)
        else:
            self.pool = nn.Identity()
        self.conv = conv_layer(in_chs, out_chs, 1, stride=1)
        self.norm = nn.Identity() if preact else norm_layer(out_chs, apply_act=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(self.conv(self.pool(x)))


class ResNetStage(nn.Module):
    """depth blocks; the first one strides (or dilates) and projects the shortcut."""

    def __init__(self, in_chs: int, out_chs: int, stride: int, dilation: int, depth: int,
                 bottle_ratio: float = 0.25, groups: int = 1, avg_down: bool = False,
                 block_dpr: Optional[Sequence[float]] = None, block_fn: Callable[..., nn.Module] = PreActBottleneck,
                 conv_layer: ConvLayer = StdConv2d, norm_layer: NormLayer = GroupNormAct) -> None:
        super().__init__()
        self.grad_checkpointing = False
        first_dilation = 1 if dilation in (1, 2) else 2
        proj_layer: Optional[Callable[..., nn.Module]] = DownsampleAvg if avg_down else DownsampleConv
        prev_chs = in_chs
        self.blocks = nn.Sequential()
        for block_idx in range(depth):
            self.blocks.add_module(str(block_idx), block_fn(
                prev_chs, out_chs, stride=stride if block_idx == 0 else 1, dilation=dilation,
                bottle_ratio=bottle_ratio, groups=groups, first_dilation=first_dilation, proj_layer=proj_layer,
                drop_path_rate=block_dpr[block_idx] if block_dpr else 0.0, conv_layer=conv_layer,
                norm_layer=norm_layer))
            prev_chs = out_chs
            first_dilation = dilation
            proj_layer = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.grad_checkpointing:
            return checkpoint_seq(self.blocks, x)
        return self.blocks(x)


def is_stem_deep(stem_type: str) -> bool:
    return any(s in stem_type for s in ('deep', 'tiered'))


def create_resnetv2_stem(in_chs: int, out_chs: int = 64, stem_type: str = '', preact: bool = True,
                         conv_layer: ConvLayer = StdConv2d, norm_layer: NormLayer = GroupNormAct) -> nn.Sequential:
    """7x7 conv (or three 3x3 convs) then a max pool; 'fixed' pads by one pixel and pools unpadded (BiT)."""
    stem: Dict[str, nn.Module] = OrderedDict()
    if is_stem_deep(stem_type):
        stem_chs = (3 * out_chs // 8, out_chs // 2) if 'tiered' in stem_type else (out_chs // 2, out_chs // 2)
        stem['conv1'] = conv_layer(in_chs, stem_chs[0], kernel_size=3, stride=2)
        stem['norm1'] = norm_layer(stem_chs[0])
        stem['conv2'] = conv_layer(stem_chs[0], stem_chs[1], kernel_size=3, stride=1)
        stem['norm2'] = norm_layer(stem_chs[1])
        stem['conv3'] = conv_layer(stem_chs[1], out_chs, kernel_size=3, stride=1)
        if not preact:
            stem['norm3'] = norm_layer(out_chs)
    else:
        stem['conv'] = conv_layer(in_chs, out_chs, kernel_size=7, stride=2)
        if not preact:
            stem['norm'] = norm_layer(out_chs)
    if 'fixed' in stem_type:
        stem['pad'] = nn.ConstantPad2d(1, 0.0)
        stem['pool'] = nn.MaxPool2d(kernel_size=3, stride=2, padding=0)
    else:
        stem['pool'] = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
    return nn.Sequential(stem)


def _norm_layer(norm_layer: str, act_layer: str, num_groups: int) -> NormLayer:
    try:
        layer = NORM_LAYERS[norm_layer]
    except KeyError:
        raise InvalidModelArgsError(f'norm_layer must be one of {sorted(NORM_LAYERS)}, got {norm_layer!r}.') from None
    if layer is GroupNormAct:
        return partial(GroupNormAct, num_groups=num_groups, act_layer=act_layer)
    if layer is BatchNormAct2d:
        return partial(BatchNormAct2d, act_layer=act_layer)
    return layer


def _conv_layer(conv_layer: str, conv_eps: float) -> ConvLayer:
    if conv_layer == 'std_conv':
        return partial(StdConv2d, eps=conv_eps)
    if conv_layer == 'conv':
        return create_conv2d
    raise InvalidModelArgsError(f'conv_layer must be one of {CONV_LAYERS}, got {conv_layer!r}.')


def _init_weights(module: nn.Module, name: str = '', zero_init_last: bool = True) -> None:
    if isinstance(module, nn.Linear) or ('head.fc' in name and isinstance(module, nn.Conv2d)):
        nn.init.normal_(module.weight, mean=0.0, std=0.01)
        nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Conv2d):
        nn.init.kaiming_normal_(module.weight, mode='fan_out', nonlinearity='relu')
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm2d, nn.LayerNorm, nn.GroupNorm)):
        nn.init.ones_(module.weight)
        nn.init.zeros_(module.bias)
    elif zero_init_last and hasattr(module, 'zero_init_last'):
        module.zero_init_last()


class ResNetV2(ImgzooModel):
    """Pre-activation ResNet / BiT; see the module docstring."""

    def __init__(
        self,
        layers: Sequence[int] = (3, 4, 6, 3),
        channels: Sequence[int] = (256, 512, 1024, 2048),
        num_classes: int = 1000,
        in_chans: int = 3,
        global_pool: str = 'avg',
        output_stride: int = 32,
        width_factor: int = 1,
        stem_chs: int = 64,
        stem_type: str = '',
        avg_down: bool = False,
        preact: bool = True,
        basic: bool = False,
        bottle_ratio: float = 0.25,
        act_layer: str = 'relu',
        norm_layer: str = 'groupnorm',
        num_groups: int = 32,
        conv_layer: str = 'std_conv',
        conv_eps: float = 1e-6,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        zero_init_last: bool = False,
    ) -> None:
        super().__init__()
        if stem_type not in STEM_TYPES:
            raise InvalidModelArgsError(f'stem_type must be one of {STEM_TYPES}, got {stem_type!r}.')
        if output_stride not in (8, 16, 32):
            raise InvalidModelArgsError(f'output_stride must be 8, 16 or 32, got {output_stride}.')
        if basic and not preact:
            raise InvalidModelArgsError('basic=True blocks exist only with preact=True.')
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate
        norm = _norm_layer(norm_layer, act_layer, num_groups)
        conv = _conv_layer(conv_layer, conv_eps)
        wf = width_factor

        self.feature_info: List[Dict[str, Any]] = []
        stem_chs = make_divisible(stem_chs * wf)
        self.stem = create_resnetv2_stem(in_chans, stem_chs, stem_type, preact, conv_layer=conv, norm_layer=norm)
        deep = is_stem_deep(stem_type)
        stem_feat = ('conv3' if deep else 'conv') if preact else ('norm3' if deep else 'norm')
        self.stem_feat_idx = [n for n, _ in self.stem.named_children()].index(stem_feat)
        self.feature_info.append(dict(num_chs=stem_chs, reduction=2, module=f'stem.{stem_feat}'))

        prev_chs, curr_stride, dilation = stem_chs, 4, 1
        total = sum(layers)
        rates = torch.linspace(0, drop_path_rate, total, device='cpu').split(list(layers)) if total else []
        block_dprs = [r.tolist() for r in rates]
        block_fn = (PreActBasic if basic else PreActBottleneck) if preact else Bottleneck
        self.stages = nn.Sequential()
        for stage_idx, (d, c, bdpr) in enumerate(zip(layers, channels, block_dprs)):
            out_chs = make_divisible(c * wf)
            stride = 1 if stage_idx == 0 else 2
            if curr_stride >= output_stride:
                dilation *= stride
                stride = 1
            self.stages.add_module(str(stage_idx), ResNetStage(
                prev_chs, out_chs, stride=stride, dilation=dilation, depth=d, bottle_ratio=bottle_ratio,
                avg_down=avg_down, block_dpr=bdpr, block_fn=block_fn, conv_layer=conv, norm_layer=norm))
            prev_chs = out_chs
            curr_stride *= stride
            self.feature_info.append(dict(num_chs=prev_chs, reduction=curr_stride, module=f'stages.{stage_idx}'))

        self.num_features = prev_chs
        self.norm = norm(self.num_features) if preact else nn.Identity()
        self.head = ClassifierHead(self.num_features, self.num_classes, pool_type=global_pool,
                                   drop_rate=self.drop_rate, use_conv=True)
        self.head_hidden_size = self.head.num_features
        self.init_weights(zero_init_last=zero_init_last)

    def init_weights(self, zero_init_last: bool = True) -> None:
        for name, module in self.named_modules():
            _init_weights(module, name, zero_init_last=zero_init_last)

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(
            stem=r'^stem',
            blocks=r'^stages\.(\d+)' if coarse else [
                (r'^stages\.(\d+)\.blocks\.(\d+)', None),
                (r'^norm', (99999,)),
            ],
        )

    def set_grad_checkpointing(self, enable: bool = True) -> None:
        self.grad_checkpointing = enable
        for stage in self.stages:
            stage.grad_checkpointing = enable

    def get_classifier(self) -> nn.Module:
        return self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and optionally the pooling) with a fresh one."""
        self.num_classes = check_num_classes(num_classes)
        pool_type = self.head.global_pool.pool_type if global_pool is None else global_pool
        self.head = ClassifierHead(self.num_features, self.num_classes, pool_type=pool_type,
                                   drop_rate=self.drop_rate, use_conv=True)
        self.head_hidden_size = self.head.num_features

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the maps at indices: 0 the stem (before its pool), 1-4 the stages (the last
        one through the final norm when norm=True)."""
        check_output_fmt(output_fmt)
        take_indices, max_index = feature_take_indices(5, indices)
        intermediates = []
        x_down = x
        for i, layer in enumerate(self.stem):
            x = layer(x)
            if i == self.stem_feat_idx:
                x_down = x
        if 0 in take_indices:
            intermediates.append(x_down)
        last_idx = len(self.stages)
        stages = self.stages[:max_index] if stop_early else self.stages
        feat_idx = 0
        for feat_idx, stage in enumerate(stages, start=1):
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
        """Drop the stages after the last index needed (and the head, the final norm); returns kept indices."""
        take_indices, max_index = feature_take_indices(5, indices)
        prune_end = max_index < len(self.stages)
        if prune_norm or prune_end:
            self.norm = nn.Identity()
        self.stages = self.stages[:max_index]
        if max_index == 0:
            self.stem = self.stem[:self.stem_feat_idx + 1]
        if prune_end:
            self.num_features = self.head_hidden_size = self.feature_info[max_index]['num_chs']
        if prune_head or prune_end:
            self.reset_classifier(0, '')
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(self.stages(self.stem(x)))

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        return self.head(x, pre_logits=pre_logits)


def _resnetv2(defaults: Dict[str, Any], kwargs: Dict[str, Any]) -> ResNetV2:
    return ResNetV2(**{**defaults, **kwargs})


_BIT = dict(stem_type='fixed', conv_layer='std_conv', conv_eps=1e-8, norm_layer='groupnorm')
_BN = dict(conv_layer='conv', norm_layer='batchnorm')
_BASIC = dict(channels=(64, 128, 256, 512), basic=True, bottle_ratio=1.0, **_BN)
_D = dict(stem_type='deep', avg_down=True)


@register_model
def resnetv2_50x1_bit(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 4, 6, 3), width_factor=1, **_BIT), kwargs)


@register_model
def resnetv2_50x3_bit(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 4, 6, 3), width_factor=3, **_BIT), kwargs)


@register_model
def resnetv2_101x1_bit(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 4, 23, 3), width_factor=1, **_BIT), kwargs)


@register_model
def resnetv2_101x3_bit(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 4, 23, 3), width_factor=3, **_BIT), kwargs)


@register_model
def resnetv2_152x2_bit(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 8, 36, 3), width_factor=2, **_BIT), kwargs)


@register_model
def resnetv2_152x4_bit(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 8, 36, 3), width_factor=4, **_BIT), kwargs)


@register_model
def resnetv2_18(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(2, 2, 2, 2), **_BASIC), kwargs)


@register_model
def resnetv2_18d(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(2, 2, 2, 2), **_BASIC, **_D), kwargs)


@register_model
def resnetv2_34(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 4, 6, 3), **_BASIC), kwargs)


@register_model
def resnetv2_34d(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 4, 6, 3), **_BASIC, **_D), kwargs)


@register_model
def resnetv2_50(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 4, 6, 3), **_BN), kwargs)


@register_model
def resnetv2_50d(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 4, 6, 3), **_BN, **_D), kwargs)


@register_model
def resnetv2_50t(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 4, 6, 3), stem_type='tiered', avg_down=True, **_BN), kwargs)


@register_model
def resnetv2_101(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 4, 23, 3), **_BN), kwargs)


@register_model
def resnetv2_101d(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 4, 23, 3), **_BN, **_D), kwargs)


@register_model
def resnetv2_152(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 8, 36, 3), **_BN), kwargs)


@register_model
def resnetv2_152d(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 8, 36, 3), **_BN, **_D), kwargs)


@register_model
def resnetv2_50d_gn(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 4, 6, 3), conv_layer='conv', norm_layer='groupnorm', **_D), kwargs)


@register_model
def resnetv2_50d_evos(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 4, 6, 3), conv_layer='conv', norm_layer='evonorms0', **_D), kwargs)


@register_model
def resnetv2_50d_frn(**kwargs: Any) -> ResNetV2:
    return _resnetv2(dict(layers=(3, 4, 6, 3), conv_layer='conv', norm_layer='frn', **_D), kwargs)
