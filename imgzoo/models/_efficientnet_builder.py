"""Architecture tables for EfficientNet-style networks, and the builder that turns them into stages.

A network body is a list of stages, a stage a list of block strings in timm's notation, e.g.

    'ir_r2_k5_s2_e6_c40_se0.25'   # 2 MBConv blocks, 5x5 depthwise, stride 2, expand 6, 40 channels, SE 0.25

Leading token: the block kind — `ds`/`dsa` depthwise-separable (`dsa`: activation after the pointwise
conv, no skip), `ir` inverted residual (MBConv; CondConv with `cc`), `er` edge residual (Fused-MBConv),
`cn` conv-norm-act, `uir` universal inverted residual, `mqa` multi-query attention (MobileNetV4).
Options: `r` repeats, `k` kernel (`3.5.7` mixed kernels), `a`/`p` expansion / projection kernel (for
`uir` the start / end depthwise kernel), `s` stride, `e` expansion, `c` output channels, `se` squeeze-excite
ratio, `n` activation (`re`, `r6`, `hs`, `sw`, `mi`), `gs` group size, `cc` CondConv experts, `fc` forced
input width (EdgeTPU), `h`/`d`/`v` attention heads / key width / key-value stride (for `ir`/`ds`, `d1` marks a
space-to-depth block: EfficientNet-X), `skip`/`noskip`.

Width and depth scaling follow the EfficientNet rules with timm's arithmetic (channels rounded to
multiples of 8, a stage's repeats scaled with `ceil` and shared out from its last row backwards), so
block counts, widths and therefore checkpoints agree. The builder also records timm's feature taps:
the stem when the first block is strided, then the end of every stage followed by a strided one.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache, partial
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import nn

from ..errors import InvalidModelArgsError
from ..layers.blocks import (
    CondConvResidual, ConvBnAct, DepthwiseSeparableConv, EdgeResidual, InvertedResidual, MobileAttention,
    SqueezeExcite, UniversalInvertedResidual,
)
from ..layers.helpers import make_divisible
from ..layers.mixed_conv import CondConv2d
from ..layers.norm_act import BatchNormAct2d

BN_EPS_TF = 1e-3
BN_MOMENTUM_TF = 1 - 0.99
ArchDef = Sequence[Sequence[str]]
BlockArgs = List[List[Dict[str, Any]]]
Kernel = Union[int, List[int]]

_ACTIVATION_CODES: Dict[str, Any] = {'re': 'relu', 'r6': 'relu6', 'hs': 'hard_swish', 'sw': 'swish', 'mi': nn.Mish}
_KINDS = ('ir', 'ds', 'dsa', 'er', 'cn', 'uir', 'mqa')


def round_channels(channels: int, multiplier: float = 1.0, divisor: int = 8, channel_min: Optional[int] = None,
                   round_limit: float = 0.9) -> int:
    """Scale a channel count by the width multiplier and round it to a multiple of divisor."""
    if not multiplier:
        return channels
    return make_divisible(channels * multiplier, divisor, channel_min, round_limit=round_limit)


def batchnorm_act(bn_eps: Optional[float] = None, bn_momentum: Optional[float] = None) -> Callable[..., nn.Module]:
    """The BatchNormAct2d factory blocks take, with the given epsilon and momentum (PyTorch's defaults otherwise)."""
    return partial(BatchNormAct2d, eps=1e-5 if bn_eps is None else bn_eps,
                   momentum=0.1 if bn_momentum is None else bn_momentum)


def _kernel(value: str) -> Kernel:
    return int(value) if value.isdigit() else [int(k) for k in value.split('.')]


def _decode_block(block: str) -> Tuple[Dict[str, Any], int]:
    """One block string as (keyword arguments of its block, repeats)."""
    kind, *ops = block.split('_')
    if kind not in _KINDS:
        raise InvalidModelArgsError(f"Unknown block kind {kind!r} in {block!r}; expected one of {_KINDS}.")
    opts: Dict[str, str] = {}
    skip: Optional[bool] = None
    act: Any = None
    for op in ops:
        if op == 'noskip':
            skip = False
        elif op == 'skip':
            skip = True
        elif op.startswith('n'):
            act = _ACTIVATION_CODES.get(op[1:], act)
        else:
            key, value, *_ = re.split(r'(\d.*)', op) + ['']
            if value:
                opts[key] = value
    try:
        args: Dict[str, Any] = dict(block_type=kind, out_chs=int(opts['c']), stride=int(opts['s']), act_layer=act)
        repeats = int(opts['r'])
        start = _kernel(opts['a']) if 'a' in opts else 1
        end = _kernel(opts['p']) if 'p' in opts else 1
        if kind == 'ir':
            args.update(dw_kernel_size=_kernel(opts['k']), exp_kernel_size=start, pw_kernel_size=end,
                        exp_ratio=float(opts['e']), se_ratio=float(opts.get('se', 0.0)), noskip=skip is False)
            if 'cc' in opts:
                args['num_experts'] = int(opts['cc'])
        elif kind in ('ds', 'dsa'):
            args.update(dw_kernel_size=_kernel(opts['k']), pw_kernel_size=end, se_ratio=float(opts.get('se', 0.0)),
                        pw_act=kind == 'dsa', noskip=kind == 'dsa' or skip is False)
        elif kind == 'er':
            args.update(exp_kernel_size=_kernel(opts['k']), pw_kernel_size=end, exp_ratio=float(opts['e']),
                        force_in_chs=int(opts.get('fc', 0)), se_ratio=float(opts.get('se', 0.0)),
                        noskip=skip is False)
        elif kind == 'cn':
            args.update(kernel_size=int(opts['k']), skip=skip is True)
        elif kind == 'uir':
            args.update(dw_kernel_size_start=_kernel(opts['a']) if 'a' in opts else 0,
                        dw_kernel_size_mid=_kernel(opts['k']),
                        dw_kernel_size_end=_kernel(opts['p']) if 'p' in opts else 0,
                        exp_ratio=float(opts['e']), se_ratio=float(opts.get('se', 0.0)), noskip=skip is False)
        else:  # mqa
            args.update(dw_kernel_size=_kernel(opts['k']), num_heads=int(opts['h']), key_dim=int(opts['d']),
                        value_dim=int(opts['d']), kv_stride=int(opts.get('v', 1)), noskip=skip is False)
    except KeyError as e:
        raise InvalidModelArgsError(f'Block string {block!r} lacks the option {e.args[0]!r}.') from None
    if 'gs' in opts:
        args['group_size'] = int(opts['gs'])
    if kind in ('ir', 'ds', 'dsa') and int(opts.get('d', 0)) > 0:
        args['s2d'] = True
    return args, repeats


def _scale_stage_depth(stage: List[Dict[str, Any]], repeats: List[int], multiplier: float,
                       depth_trunc: str) -> List[Dict[str, Any]]:
    # The stage's total repeats are scaled, then shared out over its rows from the last one backwards,
    # so the first (often strided) row is the least likely to grow.
    remaining = sum(repeats)
    if depth_trunc == 'round':
        target = max(1, round(remaining * multiplier))
    else:
        target = int(math.ceil(remaining * multiplier))
    counts = []
    for r in reversed(repeats):
        n = max(1, round(r / remaining * target))
        counts.append(n)
        remaining -= r
        target -= n
    return [args for args, n in zip(stage, reversed(counts)) for _ in range(n)]


@lru_cache(maxsize=256)
def _decode_cached(arch_def: Tuple[Tuple[str, ...], ...], depth_multiplier: Union[float, Tuple[float, ...]],
                   depth_trunc: str, experts_multiplier: int, fix_first_last: bool,
                   group_size: Optional[int]) -> Tuple[Tuple[Tuple[Tuple[str, Any], ...], ...], ...]:
    multipliers = depth_multiplier if isinstance(depth_multiplier, tuple) else (depth_multiplier,) * len(arch_def)
    if len(multipliers) != len(arch_def):
        raise InvalidModelArgsError(f'{len(multipliers)} depth multipliers for {len(arch_def)} stages.')
    stages = []
    for i, (blocks, multiplier) in enumerate(zip(arch_def, multipliers)):
        decoded, repeats = [], []
        for block in blocks:
            args, n = _decode_block(block)
            if args.get('num_experts', 0) > 0 and experts_multiplier > 1:
                args['num_experts'] *= experts_multiplier
            if group_size is not None:
                args.setdefault('group_size', group_size)
            decoded.append(args)
            repeats.append(n)
        fixed = fix_first_last and i in (0, len(arch_def) - 1)
        scaled = _scale_stage_depth(decoded, repeats, 1.0 if fixed else multiplier, depth_trunc)
        stages.append(tuple(tuple(args.items()) for args in scaled))
    return tuple(stages)


def decode_arch_def(
    arch_def: ArchDef, depth_multiplier: Union[float, Sequence[float]] = 1.0, depth_trunc: str = 'ceil',
    experts_multiplier: int = 1, fix_first_last: bool = False, group_size: Optional[int] = None,
) -> BlockArgs:
    """Block keyword arguments per stage, one dict per block, with depth scaling applied (cached)."""
    key = tuple(tuple(stage) for stage in arch_def)
    multiplier = tuple(depth_multiplier) if isinstance(depth_multiplier, (list, tuple)) else depth_multiplier
    decoded = _decode_cached(key, multiplier, depth_trunc, experts_multiplier, fix_first_last, group_size)
    return [[dict(items) for items in stage] for stage in decoded]


def build_blocks(
    in_chs: int,
    block_args: BlockArgs,
    *,
    norm_act: Callable[..., nn.Module],
    act_layer: Any,
    round_chs_fn: Callable[[int], int] = round_channels,
    output_stride: int = 32,
    pad_type: str = '',
    se_layer: Optional[Callable[..., nn.Module]] = SqueezeExcite,
    se_from_exp: bool = False,
    aa_layer: Optional[Callable[..., nn.Module]] = None,
    drop_path_rate: float = 0.0,
    layer_scale_init_value: Optional[float] = None,
    feature_location: str = '',
) -> Tuple[List[nn.Sequential], List[Dict[str, Any]], int]:
    """The stages (nn.Sequential each), timm's feature taps (num_chs, reduction, module, stage) and the
    final width. Strides beyond output_stride become dilation."""
    total = sum(len(stage) for stage in block_args)
    features: List[Dict[str, Any]] = []
    stride, dilation = 2, 1
    if block_args[0][0]['stride'] > 1 or block_args[0][0].get('s2d', False):
        features.append(dict(num_chs=in_chs, reduction=stride, module='bn1', stage=0))
    stages: List[nn.Sequential] = []
    index = 0
    # Space-to-depth (EfficientNet-X): the block marked `d1` starts a region (state 1) whose 2x2 stride-2
    # conv downsamples and quadruples the channels; its followers stay at 4x width (state 2) until the next
    # strided block, which ends the region by dropping its stride and a factor 4 of its expansion.
    space2depth = 0
    for stage_idx, stage in enumerate(block_args):
        blocks: List[nn.Module] = []
        for block_idx, args in enumerate(stage):
            args = dict(args)
            kind = args.pop('block_type')
            marks_s2d = args.pop('s2d', False)
            last_block = block_idx + 1 == len(stage)
            if block_idx:
                args['stride'] = 1
            s2d = 0
            if not space2depth and marks_s2d:
                if args['stride'] != 1:
                    raise InvalidModelArgsError(f'A space-to-depth block must have stride 1, got {args["stride"]}.')
                space2depth = 1
                stride *= 2
            if space2depth:
                if space2depth == 2 and args['stride'] == 2:
                    args['stride'] = 1
                    if 'exp_ratio' in args:
                        args['exp_ratio'] /= 4
                    space2depth = 0
                    s2d = int(marks_s2d)  # as timm: a `d1` mark on the closing block starts a new conv_s2d
                else:
                    s2d = space2depth
            extract = last_block and (stage_idx + 1 == len(block_args) or (
                block_args[stage_idx + 1][0]['stride'] > 1 and not space2depth))
            next_dilation = dilation
            if args['stride'] > 1:
                if stride * args['stride'] > output_stride:
                    next_dilation = dilation * args['stride']
                    args['stride'] = 1
                else:
                    stride *= args['stride']
            args['dilation'] = dilation
            dilation = next_dilation

            args['in_chs'] = in_chs
            args['out_chs'] = round_chs_fn(args['out_chs']) * (4 if s2d else 1)
            if args.get('force_in_chs'):
                args['force_in_chs'] = round_chs_fn(args['force_in_chs'])
            args['pad_type'] = pad_type
            args['act_layer'] = args['act_layer'] if args['act_layer'] is not None else act_layer
            args['norm_act'] = norm_act
            args['drop_path_rate'] = drop_path_rate * index / total
            if aa_layer is not None:
                args['aa_layer'] = aa_layer
            se_ratio = args.pop('se_ratio', None)
            if se_ratio and se_layer is not None:
                if not se_from_exp:
                    se_ratio /= args.get('exp_ratio', 1.0)
                if s2d == 1:
                    se_ratio /= 4
                args['se_layer'] = partial(se_layer, rd_ratio=se_ratio)
            if s2d:
                args['s2d'] = s2d
            if kind == 'ir':
                block: nn.Module = CondConvResidual(**args) if args.get('num_experts', 0) else InvertedResidual(**args)
            elif kind in ('ds', 'dsa'):
                block = DepthwiseSeparableConv(**args)
            elif kind == 'er':
                block = EdgeResidual(**args)
            elif kind == 'cn':
                block = ConvBnAct(**args)
            elif kind == 'uir':
                block = UniversalInvertedResidual(**args, layer_scale_init_value=layer_scale_init_value)
            else:
                block = MobileAttention(**args, use_multi_query=True, layer_scale_init_value=layer_scale_init_value)
            blocks.append(block)
            in_chs = args['out_chs']
            if space2depth == 1:
                space2depth = 2
            if extract:
                info = block.feature_info(feature_location)
                leaf = info.pop('module')
                info.pop('hook_type', None)
                module = f'blocks.{stage_idx}.{block_idx}.{leaf}' if leaf else f'blocks.{stage_idx}'
                features.append(dict(num_chs=info['num_chs'], reduction=stride, module=module, stage=stage_idx + 1))
            index += 1
        stages.append(nn.Sequential(*blocks))
    return stages, features, in_chs


def _is_meta(module: nn.Module) -> bool:
    first = next(module.parameters(), None)
    return first is not None and first.is_meta


def init_weights_goog(module: nn.Module) -> None:
    """TensorFlow-reference initialisation: fan-out normal convs, unit norms, fan-out uniform linear layers.

    Nothing to do on the meta device, where weights follow from a checkpoint.
    """
    if _is_meta(module):
        return
    with torch.no_grad():
        for name, m in module.named_modules():
            if isinstance(m, (nn.Conv2d, CondConv2d)):
                fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels // m.groups
                m.weight.normal_(0, math.sqrt(2.0 / fan_out))
                if m.bias is not None:
                    m.bias.zero_()
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm, nn.LayerNorm)) and m.weight is not None:
                m.weight.fill_(1.0)
                m.bias.zero_()
            elif isinstance(m, nn.Linear):
                fan_in = m.weight.size(1) if 'routing_fn' in name else 0
                init_range = 1.0 / math.sqrt(fan_in + m.weight.size(0))
                m.weight.uniform_(-init_range, init_range)
                m.bias.zero_()
        for m in module.modules():
            init = getattr(m, 'init_weights', None)
            if m is not module and callable(init):
                init()
