"""Compact block definitions for EfficientNet-style networks, and the builder that turns them into stages.

A network body is a sequence of stages; a stage is a tuple of `BlockDef`s, each repeated
`repeats` times (only the first block of a stage keeps its stride). The short constructors
`ds`, `ir`, `er` and `cn` read like a table:

    (ir(2, 5, 2, 6, 40, se=0.25),)   # two MBConv blocks, 5x5 dw kernel, stride 2, expand 6, 40 channels

Width and depth scaling follow the EfficientNet rules (channels rounded to multiples of 8,
repeats scaled per stage with `ceil`), with the same arithmetic as timm so that block counts and
channel widths, and therefore checkpoints, agree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import partial
from typing import Callable, List, Optional, Sequence, Tuple

import torch
from torch import nn

from ..layers.blocks import ConvBnAct, DepthwiseSeparableConv, EdgeResidual, InvertedResidual, SqueezeExcite
from ..layers.helpers import make_divisible
from ..layers.norm_act import BatchNormAct2d
from ..errors import InvalidModelArgsError

BN_EPS_TF = 1e-3
BN_MOMENTUM_TF = 1 - 0.99
BLOCK_KINDS = ('ds', 'ir', 'er', 'cn')


@dataclass(frozen=True)
class BlockDef:
    """One row of an architecture table.

    kind: 'ds' depthwise-separable, 'ir' inverted residual (MBConv), 'er' edge residual (Fused-MBConv),
    'cn' conv-bn-act. `exp` is the expansion ratio (ir/er), `se` the squeeze-excite ratio (0 for none),
    `act` overrides the network's activation, `skip` forces the residual on (True, cn only) or off (False).
    """

    kind: str
    repeats: int
    kernel: int
    stride: int
    out: int
    exp: float = 1.0
    se: float = 0.0
    act: Optional[str] = None
    skip: Optional[bool] = None
    pw_act: bool = False

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise InvalidModelArgsError(f"Unknown block kind {self.kind!r}; expected one of {BLOCK_KINDS}.")
        if self.repeats < 1 or self.stride not in (1, 2):
            raise InvalidModelArgsError(f"Invalid block definition {self}: repeats must be >= 1 and stride 1 or 2.")


Stage = Tuple[BlockDef, ...]


def ds(repeats: int, kernel: int, stride: int, out: int, *, se: float = 0.0, act: Optional[str] = None,
       skip: Optional[bool] = None, pw_act: bool = False) -> BlockDef:
    """Depthwise-separable block definition."""
    return BlockDef('ds', repeats, kernel, stride, out, se=se, act=act, skip=skip, pw_act=pw_act)


def ir(repeats: int, kernel: int, stride: int, exp: float, out: int, *, se: float = 0.0,
       act: Optional[str] = None, skip: Optional[bool] = None) -> BlockDef:
    """Inverted-residual (MBConv) block definition."""
    return BlockDef('ir', repeats, kernel, stride, out, exp=exp, se=se, act=act, skip=skip)


def er(repeats: int, kernel: int, stride: int, exp: float, out: int, *, se: float = 0.0,
       act: Optional[str] = None, skip: Optional[bool] = None) -> BlockDef:
    """Edge-residual (Fused-MBConv) block definition."""
    return BlockDef('er', repeats, kernel, stride, out, exp=exp, se=se, act=act, skip=skip)


def cn(repeats: int, kernel: int, stride: int, out: int, *, act: Optional[str] = None,
       skip: Optional[bool] = None) -> BlockDef:
    """Conv-BN-act block definition."""
    return BlockDef('cn', repeats, kernel, stride, out, act=act, skip=skip)


def round_channels(channels: int, multiplier: float = 1.0, divisor: int = 8, round_limit: float = 0.9) -> int:
    """Scale a channel count by the width multiplier and round it to a multiple of divisor."""
    if not multiplier:
        return channels
    return make_divisible(channels * multiplier, divisor, round_limit=round_limit)


def _scale_stage(stage: Stage, multiplier: float) -> List[BlockDef]:
    # Total repeats scale with ceil; the new total is shared out over the stage's rows from the
    # last row backwards, so the first (often stride-2) row is the least likely to grow.
    repeats = [d.repeats for d in stage]
    remaining = sum(repeats)
    target = int(math.ceil(remaining * multiplier))
    scaled_reversed = []
    for r in reversed(repeats):
        n = max(1, round(r / remaining * target))
        scaled_reversed.append(n)
        remaining -= r
        target -= n
    counts = scaled_reversed[::-1]
    return [d for d, n in zip(stage, counts) for _ in range(n)]


def expand_stages(stages: Sequence[Stage], depth_multiplier: float = 1.0,
                  fix_first_last: bool = False) -> List[List[BlockDef]]:
    """One BlockDef per block: repeats scaled by depth_multiplier (not the first and last stage with fix_first_last)."""
    out = []
    for i, stage in enumerate(stages):
        fixed = fix_first_last and i in (0, len(stages) - 1)
        blocks = _scale_stage(stage, 1.0 if fixed else depth_multiplier)
        out.append([blocks[0]] + [replace(b, stride=1) for b in blocks[1:]])
    return out


@dataclass(frozen=True)
class SqueezeExciteCfg:
    """How blocks size and build squeeze-excite.

    from_expanded: the ratio applies to the block's expanded width (MobileNetV3) rather than its
    input width (EfficientNet); round_fn rounds the reduced width; act None uses the block's activation.
    """

    from_expanded: bool = False
    round_fn: Callable[[float], int] = round
    act: Optional[str] = None
    gate: str = 'sigmoid'

    def reduced_channels(self, channels: int, se_ratio: float, exp_ratio: float) -> int:
        ratio = se_ratio if self.from_expanded else se_ratio / exp_ratio
        return int(self.round_fn(channels * ratio))


EFFICIENTNET_SE = SqueezeExciteCfg()
MOBILENETV3_SE = SqueezeExciteCfg(from_expanded=True, round_fn=round_channels, act='relu', gate='hard_sigmoid')


def _se_factory(block: BlockDef, act: str, se_cfg: SqueezeExciteCfg) -> Optional[Callable[[int], nn.Module]]:
    if not block.se:
        return None
    exp_ratio = block.exp if block.kind in ('ir', 'er') else 1.0
    se_act = se_cfg.act or act

    def make(channels: int) -> nn.Module:
        rd = se_cfg.reduced_channels(channels, block.se, exp_ratio)
        return SqueezeExcite(channels, rd, act_layer=se_act, gate_layer=se_cfg.gate)

    return make


def build_stages(
    stages: Sequence[Sequence[BlockDef]],
    in_chs: int,
    *,
    round_chs: Callable[[int], int],
    act_layer: str,
    pad_type: str = '',
    bn_eps: float = 1e-5,
    bn_momentum: float = 0.1,
    se_cfg: SqueezeExciteCfg = EFFICIENTNET_SE,
    drop_path_rate: float = 0.0,
) -> Tuple[List[nn.Sequential], int]:
    """The blocks of every stage as nn.Sequential modules, and the channel count they end with."""
    norm_act = partial(BatchNormAct2d, eps=bn_eps, momentum=bn_momentum)
    total = sum(len(s) for s in stages)
    index = 0
    built: List[nn.Sequential] = []
    for stage in stages:
        blocks: List[nn.Module] = []
        for block in stage:
            out_chs = round_chs(block.out)
            act = block.act or act_layer
            common = dict(act_layer=act, norm_act=norm_act, pad_type=pad_type,
                          drop_path_rate=drop_path_rate * index / total)
            se_layer = _se_factory(block, act, se_cfg)
            noskip = block.skip is False
            if block.kind == 'ds':
                blocks.append(DepthwiseSeparableConv(
                    in_chs, out_chs, block.kernel, block.stride, noskip=noskip or block.pw_act,
                    pw_act=block.pw_act, se_layer=se_layer, **common))
            elif block.kind == 'ir':
                mid = make_divisible(in_chs * block.exp)
                blocks.append(InvertedResidual(
                    in_chs, mid, out_chs, block.kernel, block.stride, noskip=noskip, se_layer=se_layer, **common))
            elif block.kind == 'er':
                mid = make_divisible(in_chs * block.exp)
                blocks.append(EdgeResidual(
                    in_chs, mid, out_chs, block.kernel, block.stride, noskip=noskip, se_layer=se_layer, **common))
            else:
                blocks.append(ConvBnAct(in_chs, out_chs, block.kernel, block.stride, skip=block.skip is True, **common))
            in_chs = out_chs
            index += 1
        built.append(nn.Sequential(*blocks))
    return built, in_chs


def init_weights_goog(module: nn.Module) -> None:
    """TensorFlow-reference initialisation: fan-out normal convs, unit BN, fan-out uniform linear layers."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels // m.groups
            with torch.no_grad():
                # The tensor method rather than nn.init.normal_, which imgzoo.meta.meta_device cannot skip.
                m.weight.normal_(0, math.sqrt(2.0 / fan_out))
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Linear):
            init_range = 1.0 / math.sqrt(m.weight.size(0))
            nn.init.uniform_(m.weight, -init_range, init_range)
            nn.init.zeros_(m.bias)
