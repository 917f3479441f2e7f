"""RegNetX and RegNetY (Radosavovic et al. 2020, "Designing Network Design Spaces").

Module and parameter names follow timm's `regnet.py`, so its checkpoints load strictly.
A RegNet is generated from a few numbers: block widths grow linearly (w0 + wa * i), are
snapped to powers of wm, and consecutive blocks of equal width form a stage. Blocks are
ResNet bottlenecks with grouped 3x3 convs of `group_size` channels per group; RegNetY adds
squeeze-excitation after the grouped conv.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import nn

from ..errors import InvalidModelArgsError
from ..layers import ConvNormAct, DropPath, SEModule, check_num_classes, create_act, make_divisible
from ..layers.classifier import ClassifierHead
from ..registry import register_model


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
    num_features: int = 0
    act_layer: ActLayer = 'relu'


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


def _shortcut(downsample: Optional[str], in_chs: int, out_chs: int, stride: int) -> Optional[nn.Module]:
    """Identity, a projection (1x1 conv + BN, or 2x2 average pool then 1x1 conv + BN), or None (no residual)."""
    if in_chs == out_chs and stride == 1:
        return nn.Identity()
    if not downsample:
        return None
    if downsample == 'avg':
        pool = nn.AvgPool2d(2, stride, ceil_mode=True, count_include_pad=False) if stride > 1 else nn.Identity()
        return nn.Sequential(pool, ConvNormAct(in_chs, out_chs, 1, apply_act=False))
    return ConvNormAct(in_chs, out_chs, 1, stride=stride, apply_act=False)


class Bottleneck(nn.Module):
    """1x1 → grouped 3x3 → (SE) → 1x1, plus the shortcut."""

    def __init__(
        self, in_chs: int, out_chs: int, stride: int = 1, bottle_ratio: float = 1.0, group_size: int = 1,
        se_ratio: float = 0.25, downsample: Optional[str] = 'conv1x1', linear_out: bool = False,
        act_layer: ActLayer = 'relu', drop_path_rate: float = 0.0,
    ) -> None:
        super().__init__()
        bottleneck_chs = int(round(out_chs * bottle_ratio))
        groups = bottleneck_chs // group_size
        self.conv1 = ConvNormAct(in_chs, bottleneck_chs, 1, act_layer=act_layer)
        self.conv2 = ConvNormAct(bottleneck_chs, bottleneck_chs, 3, stride=stride, groups=groups, act_layer=act_layer)
        self.se: nn.Module
        if se_ratio:
            self.se = SEModule(bottleneck_chs, rd_channels=int(round(in_chs * se_ratio)), act_layer=act_layer)
        else:
            self.se = nn.Identity()
        self.conv3 = ConvNormAct(bottleneck_chs, out_chs, 1, apply_act=False)
        self.act3 = nn.Identity() if linear_out else create_act(act_layer)
        self.downsample = _shortcut(downsample, in_chs, out_chs, stride)
        self.drop_path = DropPath(drop_path_rate) if drop_path_rate > 0 else nn.Identity()

    def zero_init_last(self) -> None:
        nn.init.zeros_(self.conv3.bn.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.conv3(self.se(self.conv2(self.conv1(x))))
        if self.downsample is not None:
            x = self.drop_path(x) + self.downsample(shortcut)
        return self.act3(x)


class RegStage(nn.Module):
    """Blocks `b1`..`bN` of one width; the first one strides."""

    def __init__(
        self, depth: int, in_chs: int, out_chs: int, stride: int, drop_path_rates: Sequence[float],
        **block_kwargs: Any,
    ) -> None:
        super().__init__()
        for i in range(depth):
            self.add_module(f'b{i + 1}', Bottleneck(
                in_chs if i == 0 else out_chs, out_chs, stride=stride if i == 0 else 1,
                drop_path_rate=drop_path_rates[i], **block_kwargs,
            ))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
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


class RegNet(nn.Module):
    """RegNetX / RegNetY generated from a `RegNetCfg`; any cfg field can be overridden by keyword."""

    def __init__(
        self,
        cfg: RegNetCfg,
        num_classes: int = 1000,
        in_chans: int = 3,
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
                f"global_pool, drop_rate, drop_path_rate, zero_init_last, {', '.join(_CFG_FIELDS)}."
            )
        cfg = dataclasses.replace(cfg, **cfg_overrides)
        if cfg.downsample not in ('conv1x1', 'avg', '', None):
            raise InvalidModelArgsError(f"downsample must be 'conv1x1', 'avg', '' or None, got {cfg.downsample!r}.")
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate

        self.stem = ConvNormAct(in_chans, cfg.stem_width, 3, stride=2, act_layer=cfg.act_layer)
        prev_width = cfg.stem_width
        for i, stage_args in enumerate(self._stage_args(cfg, drop_path_rate)):
            self.add_module(f's{i + 1}', RegStage(
                in_chs=prev_width, se_ratio=cfg.se_ratio, downsample=cfg.downsample, linear_out=cfg.linear_out,
                act_layer=cfg.act_layer, **stage_args,
            ))
            prev_width = stage_args['out_chs']

        self.final_conv: nn.Module
        if cfg.num_features:
            self.final_conv = ConvNormAct(prev_width, cfg.num_features, 1, act_layer=cfg.act_layer)
            self.num_features = cfg.num_features
        else:
            self.final_conv = create_act(cfg.act_layer) if cfg.linear_out else nn.Identity()
            self.num_features = prev_width
        self.head = ClassifierHead(self.num_features, self.num_classes, pool_type=global_pool, drop_rate=drop_rate)
        self.head_hidden_size = self.head.num_features

        for module in self.modules():
            _init_weights(module)
        if zero_init_last:
            for module in self.modules():
                if isinstance(module, Bottleneck):
                    module.zero_init_last()

    @staticmethod
    def _stage_args(cfg: RegNetCfg, drop_path_rate: float) -> List[Dict[str, Any]]:
        widths = generate_regnet(cfg.wa, cfg.w0, cfg.wm, cfg.depth)
        stage_widths, stage_depths = stage_widths_depths(widths)
        if len(stage_widths) != 4:
            raise InvalidModelArgsError(
                f"RegNet cfg (w0={cfg.w0}, wa={cfg.wa}, wm={cfg.wm}, depth={cfg.depth}) generates "
                f"{len(stage_widths)} stages; it needs exactly 4."
            )
        bottle_ratios = [cfg.bottle_ratio] * 4
        stage_widths, stage_groups = adjust_widths_groups(
            stage_widths, bottle_ratios, [cfg.group_size] * 4, min_ratio=cfg.group_min_ratio)
        total = sum(stage_depths)
        rates = [drop_path_rate * i / max(total - 1, 1) for i in range(total)]
        out, start = [], 0
        for width, depth, ratio, group_size in zip(stage_widths, stage_depths, bottle_ratios, stage_groups):
            out.append(dict(
                out_chs=width, stride=2, depth=depth, bottle_ratio=ratio, group_size=group_size,
                drop_path_rates=rates[start:start + depth],
            ))
            start += depth
        return out

    def init_new_module(self, name: str, module: nn.Module) -> None:
        """Initialise a module the checkpoint did not cover (e.g. a new classifier) as a fresh model would."""
        _init_weights(module)

    def get_classifier(self) -> nn.Module:
        return self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and optionally the pooling) with a fresh one."""
        self.num_classes = check_num_classes(num_classes)
        self.head.reset(self.num_classes, global_pool)
        _init_weights(self.head.fc)
        self.head_hidden_size = self.head.num_features

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        x = self.s1(x)
        x = self.s2(x)
        x = self.s3(x)
        x = self.s4(x)
        return self.final_conv(x)

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        return self.head(x, pre_logits=pre_logits)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))


MODEL_CFGS: Dict[str, RegNetCfg] = dict(
    regnetx_002=RegNetCfg(w0=24, wa=36.44, wm=2.49, group_size=8, depth=13),
    regnetx_032=RegNetCfg(w0=88, wa=26.31, wm=2.25, group_size=48, depth=25),
    regnety_008=RegNetCfg(w0=56, wa=38.84, wm=2.4, group_size=16, depth=14, se_ratio=0.25),
    regnety_032=RegNetCfg(w0=80, wa=42.63, wm=2.66, group_size=24, depth=21, se_ratio=0.25),
    regnety_040=RegNetCfg(w0=96, wa=31.41, wm=2.24, group_size=64, depth=22, se_ratio=0.25),
)


def _regnet(variant: str, **kwargs: Any) -> RegNet:
    return RegNet(MODEL_CFGS[variant], **kwargs)


@register_model
def regnetx_002(**kwargs: Any) -> RegNet:
    """RegNetX-200MF."""
    return _regnet('regnetx_002', **kwargs)


@register_model
def regnetx_032(**kwargs: Any) -> RegNet:
    """RegNetX-3.2GF."""
    return _regnet('regnetx_032', **kwargs)


@register_model
def regnety_008(**kwargs: Any) -> RegNet:
    """RegNetY-800MF."""
    return _regnet('regnety_008', **kwargs)


@register_model
def regnety_032(**kwargs: Any) -> RegNet:
    """RegNetY-3.2GF."""
    return _regnet('regnety_032', **kwargs)


@register_model
def regnety_040(**kwargs: Any) -> RegNet:
    """RegNetY-4.0GF."""
    return _regnet('regnety_040', **kwargs)
