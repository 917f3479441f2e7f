"""RegNet X, Y, Z and V (Radosavovic et al. 2020, "Designing Network Design Spaces"; Dollar et al. 2021).

Module and parameter names follow timm's `regnet.py`, so its checkpoints load strictly.
A RegNet is generated from a few numbers: block widths grow linearly (w0 + wa * i), are
snapped to powers of wm, and consecutive blocks of equal width form a stage. Blocks are
ResNet bottlenecks with grouped 3x3 convs of `group_size` channels per group; RegNetY adds
squeeze-excitation after the grouped conv; RegNetZ inverts the bottleneck (bottle_ratio 4),
drops the projection shortcut and the last activation; RegNetV is a pre-activation RegNetY.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import nn

from ..errors import InvalidModelArgsError
from ..features import check_output_fmt, feature_take_indices
from ..layers import (
    BatchNormAct2d, ConvNormAct, DropPath, GroupNormAct, SEModule, check_num_classes, create_act, create_conv2d,
    make_divisible,
)
from ..layers.classifier import ClassifierHead
from ..layers.pool_same import AvgPool2dSame
from ..registry import register_model
from ._base import ImgzooModel, checkpoint_seq


ActLayer = Union[str, Callable[..., nn.Module]]


@dataclass(frozen=True)
class RegNetCfg:
    """The numbers that generate a RegNet (timm's `RegNetCfg` fields, same defaults)."""

    depth: int = 21
    w0: int = 80
    wa: float = 42.63
    wm: float = 2.66
    group_size: int = 24
    bottle_ratio: float = 1.0
    se_ratio: float = 0.0
    group_min_ratio: float = 0.0
    stem_width: int = 32
    downsample: Optional[str] = 'conv1x1'
    linear_out: bool = False
    preact: bool = False
    num_features: int = 0
    act_layer: ActLayer = 'relu'
    norm_layer: str = 'batchnorm'


def generate_regnet(
    width_slope: float, width_initial: int, width_mult: float, depth: int, quant: int = 8,
) -> List[int]:
    """Per-block widths: w0 + wa * i, snapped to w0 * wm^k, then to a multiple of quant."""
    if not (width_slope >= 0 and width_initial > 0 and width_mult > 1 and width_initial % quant == 0):
        raise InvalidModelArgsError(
            f"RegNet needs wa >= 0, w0 > 0 and a multiple of {quant}, and wm > 1; "
            f"got wa={width_slope}, w0={width_initial}, wm={width_mult}."
        )
    widths = []
    for i in range(depth):
        width_cont = i * width_slope + width_initial
        exp = round(math.log(width_cont / width_initial) / math.log(width_mult))
        widths.append(int(round(width_initial * width_mult ** exp / quant) * quant))
    return widths


def stage_widths_depths(widths: Sequence[int]) -> Tuple[List[int], List[int]]:
    """Distinct widths in increasing order, with how many blocks have each."""
    stage_widths = sorted(set(widths))
    return stage_widths, [widths.count(w) for w in stage_widths]


def adjust_widths_groups(
    widths: Sequence[int], bottle_ratios: Sequence[float], groups: Sequence[int], min_ratio: float = 0.0,
) -> Tuple[List[int], List[int]]:
    """Make each bottleneck width a multiple of its group width (shrinking groups wider than the width)."""
    bottleneck = [int(w * b) for w, b in zip(widths, bottle_ratios)]
    groups = [min(g, w) for g, w in zip(groups, bottleneck)]
    if min_ratio:
        bottleneck = [make_divisible(w, g, min_ratio) for w, g in zip(bottleneck, groups)]
    else:
        bottleneck = [int(round(w / g) * g) for w, g in zip(bottleneck, groups)]
    return [int(w / b) for w, b in zip(bottleneck, bottle_ratios)], groups


NORM_LAYERS = ('batchnorm', 'groupnorm16')


def _norm_act(norm_layer: str, channels: int, act_layer: ActLayer, apply_act: bool = True) -> nn.Module:
    """BatchNorm (or GroupNorm of 16-channel groups) followed by an activation."""
    if norm_layer == 'groupnorm16':
        return GroupNormAct(channels, group_size=16, act_layer=act_layer, apply_act=apply_act)
    return BatchNormAct2d(channels, act_layer=act_layer, apply_act=apply_act)


def _conv_norm_act(
    in_chs: int, out_chs: int, kernel_size: int, norm_layer: str, act_layer: ActLayer, stride: int = 1,
    dilation: int = 1, groups: int = 1, apply_act: bool = True,
) -> ConvNormAct:
    module = ConvNormAct(in_chs, out_chs, kernel_size, stride=stride, dilation=dilation, groups=groups,
                         act_layer=act_layer, apply_act=apply_act)
    if norm_layer != 'batchnorm':
        module.bn = _norm_act(norm_layer, out_chs, act_layer, apply_act)
    return module


def _shortcut(
    downsample: Optional[str], in_chs: int, out_chs: int, stride: int, dilation: Tuple[int, int] = (1, 1),
    norm_layer: str = 'batchnorm', preact: bool = False,
) -> Optional[nn.Module]:
    """Identity, a projection (1x1 conv [+ norm], or 2x2 average pool then 1x1 conv [+ norm]), or None (no residual)."""
    if in_chs == out_chs and stride == 1 and dilation[0] == dilation[1]:
        return nn.Identity()
    if not downsample:
        return None

    def project(proj_stride: int) -> nn.Module:
        if preact:
            return create_conv2d(in_chs, out_chs, 1, stride=proj_stride)
        return _conv_norm_act(in_chs, out_chs, 1, norm_layer, None, stride=proj_stride, apply_act=False)

    if downsample == 'avg':
        pool: nn.Module = nn.Identity()
        if stride > 1 or dilation[0] > 1:
            pool_fn = AvgPool2dSame if stride == 1 and dilation[0] > 1 else nn.AvgPool2d
            pool = pool_fn(2, stride, ceil_mode=True, count_include_pad=False)
        return nn.Sequential(pool, project(1))
    return project(stride)


class Bottleneck(nn.Module):
    """1x1 → grouped 3x3 → (SE) → 1x1, plus the shortcut."""

    def __init__(
        self, in_chs: int, out_chs: int, stride: int = 1, dilation: Tuple[int, int] = (1, 1),
        bottle_ratio: float = 1.0, group_size: int = 1, se_ratio: float = 0.25, downsample: Optional[str] = 'conv1x1',
        linear_out: bool = False, act_layer: ActLayer = 'relu', norm_layer: str = 'batchnorm',
        drop_path_rate: float = 0.0,
    ) -> None:
        super().__init__()
        bottleneck_chs = int(round(out_chs * bottle_ratio))
        groups = bottleneck_chs // group_size
        self.conv1 = _conv_norm_act(in_chs, bottleneck_chs, 1, norm_layer, act_layer)
        self.conv2 = _conv_norm_act(bottleneck_chs, bottleneck_chs, 3, norm_layer, act_layer, stride=stride,
                                    dilation=dilation[0], groups=groups)
        self.se: nn.Module
        if se_ratio:
            self.se = SEModule(bottleneck_chs, rd_channels=int(round(in_chs * se_ratio)), act_layer=act_layer)
        else:
            self.se = nn.Identity()
        self.conv3 = _conv_norm_act(bottleneck_chs, out_chs, 1, norm_layer, act_layer, apply_act=False)
        self.act3 = nn.Identity() if linear_out else create_act(act_layer)
        self.downsample = _shortcut(downsample, in_chs, out_chs, stride, dilation, norm_layer)
        self.drop_path = DropPath(drop_path_rate) if drop_path_rate > 0 else nn.Identity()

    def zero_init_last(self) -> None:
        nn.init.zeros_(self.conv3.bn.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.conv3(self.se(self.conv2(self.conv1(x))))
        if self.downsample is not None:
            x = self.drop_path(x) + self.downsample(shortcut)
        return self.act3(x)


class PreBottleneck(nn.Module):
    """Pre-activation bottleneck (RegNetV): norm-act before each conv; the shortcut starts after norm1."""

    def __init__(
        self, in_chs: int, out_chs: int, stride: int = 1, dilation: Tuple[int, int] = (1, 1),
        bottle_ratio: float = 1.0, group_size: int = 1, se_ratio: float = 0.25, downsample: Optional[str] = 'conv1x1',
        linear_out: bool = False, act_layer: ActLayer = 'relu', norm_layer: str = 'batchnorm',
        drop_path_rate: float = 0.0,
    ) -> None:
        super().__init__()
        bottleneck_chs = int(round(out_chs * bottle_ratio))
        groups = bottleneck_chs // group_size
        self.norm1 = _norm_act(norm_layer, in_chs, act_layer)
        self.conv1 = create_conv2d(in_chs, bottleneck_chs, 1)
        self.norm2 = _norm_act(norm_layer, bottleneck_chs, act_layer)
        self.conv2 = create_conv2d(bottleneck_chs, bottleneck_chs, 3, stride=stride, dilation=dilation[0],
                                   groups=groups)
        self.se: nn.Module
        if se_ratio:
            self.se = SEModule(bottleneck_chs, rd_channels=int(round(in_chs * se_ratio)), act_layer=act_layer)
        else:
            self.se = nn.Identity()
        self.norm3 = _norm_act(norm_layer, bottleneck_chs, act_layer)
        self.conv3 = create_conv2d(bottleneck_chs, out_chs, 1)
        self.downsample = _shortcut(downsample, in_chs, out_chs, stride, dilation, preact=True)
        self.drop_path = DropPath(drop_path_rate) if drop_path_rate > 0 else nn.Identity()

    def zero_init_last(self) -> None:
        """Nothing to zero: the residual branch ends in a conv."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.norm1(x)
        shortcut = x
        x = self.conv3(self.norm3(self.se(self.conv2(self.norm2(self.conv1(x))))))
        if self.downsample is not None:
            x = self.drop_path(x) + self.downsample(shortcut)
        return x


class RegStage(nn.Module):
    """Blocks `b1`..`bN` of one width; the first one strides."""

    def __init__(
        self, depth: int, in_chs: int, out_chs: int, stride: int, dilation: int, drop_path_rates: Sequence[float],
        block_fn: type = Bottleneck, **block_kwargs: Any,
    ) -> None:
        super().__init__()
        self.grad_checkpointing = False
        first_dilation = 1 if dilation in (1, 2) else 2
        for i in range(depth):
            self.add_module(f'b{i + 1}', block_fn(
                in_chs if i == 0 else out_chs, out_chs, stride=stride if i == 0 else 1,
                dilation=(first_dilation, dilation), drop_path_rate=drop_path_rates[i], **block_kwargs,
            ))
            first_dilation = dilation

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.grad_checkpointing:
            return checkpoint_seq(list(self.children()), x)
        for block in self.children():
            x = block(x)
        return x


def _init_weights(module: nn.Module) -> None:
    if isinstance(module, nn.Conv2d):
        fan_out = module.kernel_size[0] * module.kernel_size[1] * module.out_channels // module.groups
        nn.init.normal_(module.weight, 0.0, math.sqrt(2.0 / fan_out))
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.Linear):
        nn.init.normal_(module.weight, 0.0, 0.01)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif hasattr(module, 'reset_parameters'):
        module.reset_parameters()


_CFG_FIELDS = tuple(f.name for f in dataclasses.fields(RegNetCfg))
_STAGES = ('s1', 's2', 's3', 's4')


class RegNet(ImgzooModel):
    """RegNet generated from a `RegNetCfg`; any cfg field can be overridden by keyword."""

    def __init__(
        self,
        cfg: RegNetCfg,
        num_classes: int = 1000,
        in_chans: int = 3,
        output_stride: int = 32,
        global_pool: str = 'avg',
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        zero_init_last: bool = True,
        **cfg_overrides: Any,
    ) -> None:
        super().__init__()
        unknown = sorted(set(cfg_overrides) - set(_CFG_FIELDS))
        if unknown:
            raise InvalidModelArgsError(
                f"RegNet does not accept {', '.join(unknown)}. Accepted model arguments: num_classes, in_chans, "
                f"output_stride, global_pool, drop_rate, drop_path_rate, zero_init_last, {', '.join(_CFG_FIELDS)}."
            )
        cfg = dataclasses.replace(cfg, **cfg_overrides)
        if cfg.downsample not in ('conv1x1', 'avg', '', None):
            raise InvalidModelArgsError(f"downsample must be 'conv1x1', 'avg', '' or None, got {cfg.downsample!r}.")
        if cfg.norm_layer not in NORM_LAYERS:
            raise InvalidModelArgsError(f"norm_layer must be one of {NORM_LAYERS}, got {cfg.norm_layer!r}.")
        if output_stride not in (8, 16, 32):
            raise InvalidModelArgsError(f"output_stride must be 8, 16 or 32, got {output_stride!r}.")
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate

        self.stem: nn.Module
        if cfg.preact:
            self.stem = create_conv2d(in_chans, cfg.stem_width, 3, stride=2)
        else:
            self.stem = _conv_norm_act(in_chans, cfg.stem_width, 3, cfg.norm_layer, cfg.act_layer, stride=2)
        self.feature_info = [dict(num_chs=cfg.stem_width, reduction=2, module='stem')]

        prev_width, curr_stride = cfg.stem_width, 2
        block_fn = PreBottleneck if cfg.preact else Bottleneck
        for name, stage_args in zip(_STAGES, self._stage_args(cfg, output_stride, drop_path_rate)):
            self.add_module(name, RegStage(
                in_chs=prev_width, block_fn=block_fn, se_ratio=cfg.se_ratio, downsample=cfg.downsample,
                linear_out=cfg.linear_out, act_layer=cfg.act_layer, norm_layer=cfg.norm_layer, **stage_args,
            ))
            prev_width = stage_args['out_chs']
            curr_stride *= stage_args['stride']
            self.feature_info.append(dict(num_chs=prev_width, reduction=curr_stride, module=name))

        self.final_conv: nn.Module
        if cfg.num_features:
            self.final_conv = _conv_norm_act(prev_width, cfg.num_features, 1, cfg.norm_layer, cfg.act_layer)
            self.num_features = cfg.num_features
        else:
            self.final_conv = create_act(cfg.act_layer) if cfg.linear_out or cfg.preact else nn.Identity()
            self.num_features = prev_width
        self.head = ClassifierHead(self.num_features, self.num_classes, pool_type=global_pool, drop_rate=drop_rate)
        self.head_hidden_size = self.head.num_features

        for module in self.modules():
            _init_weights(module)
        if zero_init_last:
            for module in self.modules():
                if isinstance(module, (Bottleneck, PreBottleneck)):
                    module.zero_init_last()

    @staticmethod
    def _stage_args(cfg: RegNetCfg, output_stride: int, drop_path_rate: float) -> List[Dict[str, Any]]:
        widths = generate_regnet(cfg.wa, cfg.w0, cfg.wm, cfg.depth)
        stage_widths, stage_depths = stage_widths_depths(widths)
        if len(stage_widths) != 4:
            raise InvalidModelArgsError(
                f"RegNet cfg (w0={cfg.w0}, wa={cfg.wa}, wm={cfg.wm}, depth={cfg.depth}) generates "
                f"{len(stage_widths)} stages; it needs exactly 4."
            )
        strides, dilations, net_stride, dilation = [], [], 2, 1
        for _ in range(4):
            if net_stride >= output_stride:
                dilation *= 2
                strides.append(1)
            else:
                strides.append(2)
                net_stride *= 2
            dilations.append(dilation)
        bottle_ratios = [cfg.bottle_ratio] * 4
        stage_widths, stage_groups = adjust_widths_groups(
            stage_widths, bottle_ratios, [cfg.group_size] * 4, min_ratio=cfg.group_min_ratio)
        total = sum(stage_depths)
        rates = [drop_path_rate * i / max(total - 1, 1) for i in range(total)]
        out, start = [], 0
        for width, depth, ratio, group_size, stride, dil in zip(
                stage_widths, stage_depths, bottle_ratios, stage_groups, strides, dilations):
            out.append(dict(
                out_chs=width, stride=stride, dilation=dil, depth=depth, bottle_ratio=ratio, group_size=group_size,
                drop_path_rates=rates[start:start + depth],
            ))
            start += depth
        return out

    def init_new_module(self, name: str, module: nn.Module) -> None:
        """Initialise a module the checkpoint did not cover (e.g. a new classifier) as a fresh model would."""
        _init_weights(module)

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(stem=r'^stem', blocks=r'^s(\d+)' if coarse else r'^s(\d+)\.b(\d+)')

    def set_grad_checkpointing(self, enable: bool = True) -> None:
        """Recompute each stage's block activations in the backward pass instead of storing them."""
        self.grad_checkpointing = enable
        for name in _STAGES:
            stage = getattr(self, name)
            if isinstance(stage, RegStage):
                stage.grad_checkpointing = enable

    def get_classifier(self) -> nn.Module:
        return self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and optionally the pooling) with a fresh one."""
        self.num_classes = check_num_classes(num_classes)
        self.head.reset(self.num_classes, global_pool, in_features=self.num_features)
        _init_weights(self.head.fc)
        self.head_hidden_size = self.head.num_features

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the feature maps at indices (0 the stem, 1-4 the stages)."""
        check_output_fmt(output_fmt)
        take_indices, max_index = feature_take_indices(5, indices)
        intermediates = []
        x = self.stem(x)
        if 0 in take_indices:
            intermediates.append(x)
        names = _STAGES[:max_index] if stop_early else _STAGES
        feat_idx = 0
        for feat_idx, name in enumerate(names, start=1):
            x = getattr(self, name)(x)
            if feat_idx in take_indices:
                intermediates.append(x)
        if intermediates_only:
            return intermediates
        if feat_idx == 4:
            x = self.final_conv(x)
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the stages after the last index needed (and the head, and the final conv that feeds only
        the head); returns the kept indices."""
        take_indices, max_index = feature_take_indices(5, indices)
        prune_end = max_index < 4 or ((prune_norm or prune_head) and isinstance(self.final_conv, ConvNormAct))
        for name in _STAGES[max_index:]:
            setattr(self, name, nn.Identity())
        if prune_end:
            self.final_conv = nn.Identity()
            self.num_features = self.head_hidden_size = self.feature_info[max_index]['num_chs']
        if prune_head or prune_end:
            self.reset_classifier(0, '')
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        x = self.s1(x)
        x = self.s2(x)
        x = self.s3(x)
        x = self.s4(x)
        return self.final_conv(x)

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        return self.head(x, pre_logits=pre_logits)


_SE = dict(se_ratio=0.25)
_Z = dict(bottle_ratio=4.0, se_ratio=0.25, downsample=None, linear_out=True, act_layer='silu')

MODEL_CFGS: Dict[str, RegNetCfg] = dict(
    regnetx_002=RegNetCfg(w0=24, wa=36.44, wm=2.49, group_size=8, depth=13),
    regnetx_004=RegNetCfg(w0=24, wa=24.48, wm=2.54, group_size=16, depth=22),
    regnetx_004_tv=RegNetCfg(w0=24, wa=24.48, wm=2.54, group_size=16, depth=22, group_min_ratio=0.9),
    regnetx_006=RegNetCfg(w0=48, wa=36.97, wm=2.24, group_size=24, depth=16),
    regnetx_008=RegNetCfg(w0=56, wa=35.73, wm=2.28, group_size=16, depth=16),
    regnetx_016=RegNetCfg(w0=80, wa=34.01, wm=2.25, group_size=24, depth=18),
    regnetx_032=RegNetCfg(w0=88, wa=26.31, wm=2.25, group_size=48, depth=25),
    regnetx_040=RegNetCfg(w0=96, wa=38.65, wm=2.43, group_size=40, depth=23),
    regnetx_064=RegNetCfg(w0=184, wa=60.83, wm=2.07, group_size=56, depth=17),
    regnetx_080=RegNetCfg(w0=80, wa=49.56, wm=2.88, group_size=120, depth=23),
    regnetx_120=RegNetCfg(w0=168, wa=73.36, wm=2.37, group_size=112, depth=19),
    regnetx_160=RegNetCfg(w0=216, wa=55.59, wm=2.1, group_size=128, depth=22),
    regnetx_320=RegNetCfg(w0=320, wa=69.86, wm=2.0, group_size=168, depth=23),
    regnety_002=RegNetCfg(w0=24, wa=36.44, wm=2.49, group_size=8, depth=13, **_SE),
    regnety_004=RegNetCfg(w0=48, wa=27.89, wm=2.09, group_size=8, depth=16, **_SE),
    regnety_006=RegNetCfg(w0=48, wa=32.54, wm=2.32, group_size=16, depth=15, **_SE),
    regnety_008=RegNetCfg(w0=56, wa=38.84, wm=2.4, group_size=16, depth=14, **_SE),
    regnety_008_tv=RegNetCfg(w0=56, wa=38.84, wm=2.4, group_size=16, depth=14, group_min_ratio=0.9, **_SE),
    regnety_016=RegNetCfg(w0=48, wa=20.71, wm=2.65, group_size=24, depth=27, **_SE),
    regnety_032=RegNetCfg(w0=80, wa=42.63, wm=2.66, group_size=24, depth=21, **_SE),
    regnety_040=RegNetCfg(w0=96, wa=31.41, wm=2.24, group_size=64, depth=22, **_SE),
    regnety_064=RegNetCfg(w0=112, wa=33.22, wm=2.27, group_size=72, depth=25, **_SE),
    regnety_080=RegNetCfg(w0=192, wa=76.82, wm=2.19, group_size=56, depth=17, **_SE),
    regnety_080_tv=RegNetCfg(w0=192, wa=76.82, wm=2.19, group_size=56, depth=17, group_min_ratio=0.9, **_SE),
    regnety_120=RegNetCfg(w0=168, wa=73.36, wm=2.37, group_size=112, depth=19, **_SE),
    regnety_160=RegNetCfg(w0=200, wa=106.23, wm=2.48, group_size=112, depth=18, **_SE),
    regnety_320=RegNetCfg(w0=232, wa=115.89, wm=2.53, group_size=232, depth=20, **_SE),
    regnety_640=RegNetCfg(w0=352, wa=147.48, wm=2.4, group_size=328, depth=20, **_SE),
    regnety_1280=RegNetCfg(w0=456, wa=160.83, wm=2.52, group_size=264, depth=27, **_SE),
    regnety_2560=RegNetCfg(w0=640, wa=230.83, wm=2.53, group_size=373, depth=27, **_SE),
    regnety_040_sgn=RegNetCfg(w0=96, wa=31.41, wm=2.24, group_size=64, depth=22, act_layer='silu',
                              norm_layer='groupnorm16', **_SE),
    regnetv_040=RegNetCfg(depth=22, w0=96, wa=31.41, wm=2.24, group_size=64, preact=True, act_layer='silu', **_SE),
    regnetv_064=RegNetCfg(depth=25, w0=112, wa=33.22, wm=2.27, group_size=72, preact=True, act_layer='silu',
                          downsample='avg', **_SE),
    regnetz_005=RegNetCfg(depth=21, w0=16, wa=10.7, wm=2.51, group_size=4, num_features=1024, **_Z),
    regnetz_040=RegNetCfg(depth=28, w0=48, wa=14.5, wm=2.226, group_size=8, num_features=0, **_Z),
    regnetz_040_h=RegNetCfg(depth=28, w0=48, wa=14.5, wm=2.226, group_size=8, num_features=1536, **_Z),
)


def _regnet(variant: str, **kwargs: Any) -> RegNet:
    return RegNet(MODEL_CFGS[variant], **kwargs)


def _regnet_z(variant: str, **kwargs: Any) -> RegNet:
    return _regnet(variant, **{'zero_init_last': False, **kwargs})


@register_model
def regnetx_002(**kwargs: Any) -> RegNet:
    """RegNetX-200MF."""
    return _regnet('regnetx_002', **kwargs)


@register_model
def regnetx_004(**kwargs: Any) -> RegNet:
    """RegNetX-400MF."""
    return _regnet('regnetx_004', **kwargs)


@register_model
def regnetx_004_tv(**kwargs: Any) -> RegNet:
    """RegNetX-400MF, torchvision group rounding."""
    return _regnet('regnetx_004_tv', **kwargs)


@register_model
def regnetx_006(**kwargs: Any) -> RegNet:
    """RegNetX-600MF."""
    return _regnet('regnetx_006', **kwargs)


@register_model
def regnetx_008(**kwargs: Any) -> RegNet:
    """RegNetX-800MF."""
    return _regnet('regnetx_008', **kwargs)


@register_model
def regnetx_016(**kwargs: Any) -> RegNet:
    """RegNetX-1.6GF."""
    return _regnet('regnetx_016', **kwargs)


@register_model
def regnetx_032(**kwargs: Any) -> RegNet:
    """RegNetX-3.2GF."""
    return _regnet('regnetx_032', **kwargs)


@register_model
def regnetx_040(**kwargs: Any) -> RegNet:
    """RegNetX-4.0GF."""
    return _regnet('regnetx_040', **kwargs)


@register_model
def regnetx_064(**kwargs: Any) -> RegNet:
    """RegNetX-6.4GF."""
    return _regnet('regnetx_064', **kwargs)


@register_model
def regnetx_080(**kwargs: Any) -> RegNet:
    """RegNetX-8.0GF."""
    return _regnet('regnetx_080', **kwargs)


@register_model
def regnetx_120(**kwargs: Any) -> RegNet:
    """RegNetX-12GF."""
    return _regnet('regnetx_120', **kwargs)


@register_model
def regnetx_160(**kwargs: Any) -> RegNet:
    """RegNetX-16GF."""
    return _regnet('regnetx_160', **kwargs)


@register_model
def regnetx_320(**kwargs: Any) -> RegNet:
    """RegNetX-32GF."""
    return _regnet('regnetx_320', **kwargs)


@register_model
def regnety_002(**kwargs: Any) -> RegNet:
    """RegNetY-200MF."""
    return _regnet('regnety_002', **kwargs)


@register_model
def regnety_004(**kwargs: Any) -> RegNet:
    """RegNetY-400MF."""
    return _regnet('regnety_004', **kwargs)


@register_model
def regnety_006(**kwargs: Any) -> RegNet:
    """RegNetY-600MF."""
    return _regnet('regnety_006', **kwargs)


@register_model
def regnety_008(**kwargs: Any) -> RegNet:
    """RegNetY-800MF."""
    return _regnet('regnety_008', **kwargs)


@register_model
def regnety_008_tv(**kwargs: Any) -> RegNet:
    """RegNetY-800MF, torchvision group rounding."""
    return _regnet('regnety_008_tv', **kwargs)


@register_model
def regnety_016(**kwargs: Any) -> RegNet:
    """RegNetY-1.6GF."""
    return _regnet('regnety_016', **kwargs)


@register_model
def regnety_032(**kwargs: Any) -> RegNet:
    """RegNetY-3.2GF."""
    return _regnet('regnety_032', **kwargs)


@register_model
def regnety_040(**kwargs: Any) -> RegNet:
    """RegNetY-4.0GF."""
    return _regnet('regnety_040', **kwargs)


@register_model
def regnety_064(**kwargs: Any) -> RegNet:
    """RegNetY-6.4GF."""
    return _regnet('regnety_064', **kwargs)


@register_model
def regnety_080(**kwargs: Any) -> RegNet:
    """RegNetY-8.0GF."""
    return _regnet('regnety_080', **kwargs)


@register_model
def regnety_080_tv(**kwargs: Any) -> RegNet:
    """RegNetY-8.0GF, torchvision group rounding."""
    return _regnet('regnety_080_tv', **kwargs)


@register_model
def regnety_120(**kwargs: Any) -> RegNet:
    """RegNetY-12GF."""
    return _regnet('regnety_120', **kwargs)


@register_model
def regnety_160(**kwargs: Any) -> RegNet:
    """RegNetY-16GF."""
    return _regnet('regnety_160', **kwargs)


@register_model
def regnety_320(**kwargs: Any) -> RegNet:
    """RegNetY-32GF."""
    return _regnet('regnety_320', **kwargs)


@register_model
def regnety_640(**kwargs: Any) -> RegNet:
    """RegNetY-64GF."""
    return _regnet('regnety_640', **kwargs)


@register_model
def regnety_1280(**kwargs: Any) -> RegNet:
    """RegNetY-128GF."""
    return _regnet('regnety_1280', **kwargs)


@register_model
def regnety_2560(**kwargs: Any) -> RegNet:
    """RegNetY-256GF."""
    return _regnet('regnety_2560', **kwargs)


@register_model
def regnety_040_sgn(**kwargs: Any) -> RegNet:
    """RegNetY-4.0GF with GroupNorm and SiLU."""
    return _regnet('regnety_040_sgn', **kwargs)


@register_model
def regnetv_040(**kwargs: Any) -> RegNet:
    """RegNetV-4.0GF (pre-activation)."""
    return _regnet('regnetv_040', **kwargs)


@register_model
def regnetv_064(**kwargs: Any) -> RegNet:
    """RegNetV-6.4GF (pre-activation)."""
    return _regnet('regnetv_064', **kwargs)


@register_model
def regnetz_005(**kwargs: Any) -> RegNet:
    """RegNetZ-500MF."""
    return _regnet_z('regnetz_005', **kwargs)


@register_model
def regnetz_040(**kwargs: Any) -> RegNet:
    """RegNetZ-4.0GF."""
    return _regnet_z('regnetz_040', **kwargs)


@register_model
def regnetz_040_h(**kwargs: Any) -> RegNet:
    """RegNetZ-4.0GF with a 1536-wide final conv."""
    return _regnet_z('regnetz_040_h', **kwargs)
