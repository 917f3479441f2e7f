"""Normalisation-free networks: NFNet-F/L (Brock et al. 2021), NF-RegNet and NF-ResNet (Brock et al. 2021a).

Module and parameter names follow timm's `nfnet.py`, so its checkpoints load strictly. There are no norm
layers: every conv uses scaled weight standardisation (`ScaledStdConv2d`: per-channel standardised weight
times a learnt gain and gamma / sqrt(fan-in)), where gamma is the activation's variance-preserving constant.
Pre-activation blocks scale their input by beta = 1 / expected std and their residual branch by alpha.
The DeepMind ports (`dm_nfnet_*`) apply gamma in the activations instead, use TF 'same' padding and a
learnt skip-init gain on each residual branch.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, fields, replace
from functools import partial
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from ..features import check_output_fmt, feature_take_indices
from ..layers import (
    DropPath,
    EcaModule,
    ScaledStdConv2d,
    ScaledStdConv2dSame,
    SEModule,
    check_num_classes,
    create_act,
    make_divisible,
)
from ..layers.classifier import ClassifierHead
from ..registry import register_model
from ._base import ImgzooModel, checkpoint, checkpoint_seq


@dataclass
class NfCfg:
    """Architecture of a normalisation-free network (timm's fields and defaults)."""

    depths: Tuple[int, ...]
    channels: Tuple[int, ...]
    alpha: float = 0.2
    stem_type: str = '3x3'
    stem_chs: Optional[int] = None
    group_size: Optional[int] = None
    attn_layer: Optional[str] = None
    attn_kwargs: Dict[str, Any] = field(default_factory=dict)
    attn_gain: float = 2.0
    width_factor: float = 1.0
    bottle_ratio: float = 0.5
    num_features: int = 0  # channels of the final 1x1 conv; none when 0
    ch_div: int = 8
    reg: bool = False  # RegNet-style: bottleneck from in_chs, attention between conv2 and conv3
    extra_conv: bool = False  # second 3x3 conv in each block (NFNet-F/L)
    gamma_in_act: bool = False
    same_padding: bool = False
    std_conv_eps: float = 1e-5
    skipinit: bool = False
    zero_init_fc: bool = False
    act_layer: str = 'silu'


NONLIN_GAMMA = dict(
    identity=1.0, celu=1.270926833152771, elu=1.2716004848480225, gelu=1.7015043497085571,
    leaky_relu=1.70590341091156, log_sigmoid=1.9193484783172607, log_softmax=1.0002083778381348,
    relu=1.7139588594436646, relu6=1.7131484746932983, selu=1.0008515119552612, sigmoid=4.803835391998291,
    silu=1.7881293296813965, softsign=2.338853120803833, softplus=1.9203323125839233, tanh=1.5939117670059204,
)
"""Gain that restores unit variance after each activation for unit-Gaussian inputs (timm's constants)."""

STEM_TYPES = ('', 'deep', 'deep_tiered', 'deep_quad', '3x3', '7x7', 'deep_pool', '3x3_pool', '7x7_pool')
ATTN_LAYERS: Dict[str, Callable[..., nn.Module]] = {'se': SEModule, 'eca': EcaModule}


class GammaAct(nn.Module):
    """An activation whose output is multiplied by gamma."""

    def __init__(self, act_type: str = 'relu', gamma: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.act = create_act(act_type, inplace=inplace)
        self.gamma = gamma

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(x) * self.gamma


def act_with_gamma(act_type: str, gamma: float = 1.0) -> Callable[..., nn.Module]:
    def _create(inplace: bool = False) -> GammaAct:
        return GammaAct(act_type, gamma=gamma, inplace=inplace)
    return _create


class _AvgPool2dSame(nn.Module):
    """2x2 average pool at stride 1 with TF 'same' padding (one pixel right and bottom), for dilated stages."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.avg_pool2d(F.pad(x, (0, 1, 0, 1)), 2, 1, 0, ceil_mode=True, count_include_pad=False)


class DownsampleAvg(nn.Module):
    """2x2 average pool (when striding) then 1x1 conv shortcut."""

    def __init__(self, in_chs: int, out_chs: int, stride: int = 1, dilation: int = 1,
                 first_dilation: Optional[int] = None, conv_layer: Callable[..., nn.Module] = ScaledStdConv2d) -> None:
        super().__init__()
        avg_stride = stride if dilation == 1 else 1
        if stride > 1 or dilation > 1:
            self.pool: nn.Module = _AvgPool2dSame() if avg_stride == 1 and dilation > 1 else \
                nn.AvgPool2d(2, avg_stride, ceil_mode=True, count_include_pad=False)
        else:
            self.pool = nn.Identity()
        self.conv = conv_layer(in_chs, out_chs, 1, stride=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(self.pool(x))


class NormFreeBlock(nn.Module):
    """Pre-activation bottleneck without normalisation: out = alpha * branch(act(x) * beta) + shortcut."""

    def __init__(
        self, in_chs: int, out_chs: Optional[int] = None, stride: int = 1, dilation: int = 1,
        first_dilation: Optional[int] = None, alpha: float = 1.0, beta: float = 1.0, bottle_ratio: float = 0.25,
        group_size: Optional[int] = None, ch_div: int = 1, reg: bool = True, extra_conv: bool = False,
        skipinit: bool = False, attn_layer: Optional[Callable[..., nn.Module]] = None, attn_gain: float = 2.0,
        act_layer: Callable[..., nn.Module] = nn.ReLU, conv_layer: Callable[..., nn.Module] = ScaledStdConv2d,
        drop_path_rate: float = 0.0,
    ) -> None:
        super().__init__()
        first_dilation = first_dilation or dilation
        out_chs = out_chs or in_chs
        mid_chs = make_divisible(in_chs * bottle_ratio if reg else out_chs * bottle_ratio, ch_div)
        groups = 1 if not group_size else mid_chs // group_size
        if group_size and group_size % ch_div == 0:
            mid_chs = group_size * groups
        self.alpha = alpha
        self.beta = beta
        self.attn_gain = attn_gain
        if in_chs != out_chs or stride != 1 or dilation != first_dilation:
            self.downsample: Optional[nn.Module] = DownsampleAvg(
                in_chs, out_chs, stride=stride, dilation=dilation, first_dilation=first_dilation, conv_layer=conv_layer)
        else:
            self.downsample = None
        self.act1 = act_layer()
        self.conv1 = conv_layer(in_chs, mid_chs, 1)
        self.act2 = act_layer(inplace=True)
        self.conv2 = conv_layer(mid_chs, mid_chs, 3, stride=stride, dilation=first_dilation, groups=groups)
        if extra_conv:
            self.act2b: Optional[nn.Module] = act_layer(inplace=True)
            self.conv2b: Optional[nn.Module] = conv_layer(mid_chs, mid_chs, 3, stride=1, dilation=dilation,
                                                          groups=groups)
        else:
            self.act2b = None
            self.conv2b = None
        self.attn = attn_layer(mid_chs) if reg and attn_layer is not None else None
        self.act3 = act_layer()
        self.conv3 = conv_layer(mid_chs, out_chs, 1, gain_init=1.0 if skipinit else 0.0)
        self.attn_last = attn_layer(out_chs) if not reg and attn_layer is not None else None
        self.drop_path = DropPath(drop_path_rate) if drop_path_rate > 0 else nn.Identity()
        self.skipinit_gain = nn.Parameter(torch.zeros(())) if skipinit else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.act1(x) * self.beta
        shortcut = x if self.downsample is None else self.downsample(out)
        out = self.conv2(self.act2(self.conv1(out)))
        if self.conv2b is not None and self.act2b is not None:
            out = self.conv2b(self.act2b(out))
        if self.attn is not None:
            out = self.attn_gain * self.attn(out)
        out = self.conv3(self.act3(out))
        if self.attn_last is not None:
            out = self.attn_gain * self.attn_last(out)
        out = self.drop_path(out)
        if self.skipinit_gain is not None:
            out = out * self.skipinit_gain
        return out * self.alpha + shortcut


def create_stem(in_chs: int, out_chs: int, stem_type: str, conv_layer: Callable[..., nn.Module],
                act_layer: Callable[..., nn.Module]) -> Tuple[nn.Sequential, int, Dict[str, Any]]:
    """The stem, its stride and its feature tap: a 3x3 or 7x7 conv, or a deep stack of 3x3 convs;
    '_pool' adds a max pool."""
    stem_stride = 2
    stem_feature = dict(num_chs=out_chs, reduction=2, module='stem.conv')
    stem: Dict[str, nn.Module] = OrderedDict()
    if 'deep' in stem_type:
        if 'quad' in stem_type:
            stem_chs: Tuple[int, ...] = (out_chs // 8, out_chs // 4, out_chs // 2, out_chs)
            strides: Tuple[int, ...] = (2, 1, 1, 2)
            stem_stride = 4
            stem_feature = dict(num_chs=out_chs // 2, reduction=2, module='stem.conv3')
        else:
            stem_chs = (3 * out_chs // 8, out_chs // 2, out_chs) if 'tiered' in stem_type else \
                (out_chs // 2, out_chs // 2, out_chs)
            strides = (2, 1, 1)
            stem_feature = dict(num_chs=out_chs // 2, reduction=2, module='stem.conv2')
        last_idx = len(stem_chs) - 1
        for i, (c, s) in enumerate(zip(stem_chs, strides)):
            stem[f'conv{i + 1}'] = conv_layer(in_chs, c, kernel_size=3, stride=s)
            if i != last_idx:
                stem[f'act{i + 2}'] = act_layer(inplace=i < last_idx - 1)
            in_chs = c
    elif '3x3' in stem_type:
        stem['conv'] = conv_layer(in_chs, out_chs, kernel_size=3, stride=2)
    else:
        stem['conv'] = conv_layer(in_chs, out_chs, kernel_size=7, stride=2)
    if 'pool' in stem_type:
        stem['pool'] = nn.MaxPool2d(3, stride=2, padding=1)
        stem_stride = 4
    return nn.Sequential(stem), stem_stride, stem_feature


CFG_FIELDS = tuple(f.name for f in fields(NfCfg))


class NormFreeNet(ImgzooModel):
    """Normalisation-free network; keyword arguments named like NfCfg fields override the architecture."""

    def __init__(self, cfg: Optional[NfCfg] = None, num_classes: int = 1000, in_chans: int = 3,
                 global_pool: str = 'avg', output_stride: int = 32, drop_rate: float = 0.0,
                 drop_path_rate: float = 0.0, **kwargs: Any) -> None:
        super().__init__()
        unknown = sorted(set(kwargs) - set(CFG_FIELDS))
        if unknown:
            raise InvalidModelArgsError(
                f"NormFreeNet does not accept {', '.join(map(repr, unknown))}. Architecture overrides must be "
                f"NfCfg fields: {', '.join(CFG_FIELDS)}.")
        if cfg is None:
            raise InvalidModelArgsError('NormFreeNet needs an NfCfg (use a named architecture such as nfnet_l0).')
        if output_stride not in (8, 16, 32):
            raise InvalidModelArgsError(f'output_stride must be 8, 16 or 32, got {output_stride}.')
        cfg = replace(cfg, **kwargs)
        if cfg.act_layer not in NONLIN_GAMMA:
            raise InvalidModelArgsError(f'act_layer must be one of {sorted(NONLIN_GAMMA)}, got {cfg.act_layer!r}.')
        if cfg.stem_type not in STEM_TYPES:
            raise InvalidModelArgsError(f'stem_type must be one of {STEM_TYPES}, got {cfg.stem_type!r}.')
        if cfg.attn_layer is not None and cfg.attn_layer not in ATTN_LAYERS:
            raise InvalidModelArgsError(f"attn_layer must be None, 'se' or 'eca', got {cfg.attn_layer!r}.")
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate

        conv_cls = ScaledStdConv2dSame if cfg.same_padding else ScaledStdConv2d
        act_layer: Callable[..., nn.Module]
        if cfg.gamma_in_act:
            act_layer = act_with_gamma(cfg.act_layer, gamma=NONLIN_GAMMA[cfg.act_layer])
            conv_layer: Callable[..., nn.Module] = partial(conv_cls, eps=cfg.std_conv_eps)
        else:
            act_layer = partial(create_act, cfg.act_layer)
            conv_layer = partial(conv_cls, gamma=NONLIN_GAMMA[cfg.act_layer], eps=cfg.std_conv_eps)
        attn_layer = partial(ATTN_LAYERS[cfg.attn_layer], **cfg.attn_kwargs) if cfg.attn_layer else None

        stem_chs = make_divisible((cfg.stem_chs or cfg.channels[0]) * cfg.width_factor, cfg.ch_div)
        self.stem, stem_stride, stem_feat = create_stem(in_chans, stem_chs, cfg.stem_type, conv_layer, act_layer)
        self.feature_info: List[Dict[str, Any]] = [stem_feat]
        self.stem_feat_idx = [n for n, _ in self.stem.named_children()].index(stem_feat['module'].split('.', 1)[1])

        total = sum(cfg.depths)
        rates = torch.linspace(0, drop_path_rate, total, device='cpu').split(list(cfg.depths)) if total else []
        drop_path_rates = [r.tolist() for r in rates]
        prev_chs, net_stride, dilation, expected_var = stem_chs, stem_stride, 1, 1.0
        stages = []
        for stage_idx, stage_depth in enumerate(cfg.depths):
            stride = 1 if stage_idx == 0 and stem_stride > 2 else 2
            if net_stride >= output_stride and stride > 1:
                dilation *= stride
                stride = 1
            net_stride *= stride
            first_dilation = 1 if dilation in (1, 2) else 2
            blocks = []
            for block_idx in range(stage_depth):
                first_block = block_idx == 0 and stage_idx == 0
                out_chs = make_divisible(cfg.channels[stage_idx] * cfg.width_factor, cfg.ch_div)
                blocks.append(NormFreeBlock(
                    in_chs=prev_chs, out_chs=out_chs, alpha=cfg.alpha, beta=1.0 / expected_var ** 0.5,
                    stride=stride if block_idx == 0 else 1, dilation=dilation, first_dilation=first_dilation,
                    group_size=cfg.group_size, bottle_ratio=1.0 if cfg.reg and first_block else cfg.bottle_ratio,
                    ch_div=cfg.ch_div, reg=cfg.reg, extra_conv=cfg.extra_conv, skipinit=cfg.skipinit,
                    attn_layer=attn_layer, attn_gain=cfg.attn_gain, act_layer=act_layer, conv_layer=conv_layer,
                    drop_path_rate=drop_path_rates[stage_idx][block_idx]))
                if block_idx == 0:
                    expected_var = 1.0  # reset after the first block of each stage
                expected_var += cfg.alpha ** 2
                first_dilation = dilation
                prev_chs = out_chs
            self.feature_info.append(dict(num_chs=prev_chs, reduction=net_stride, module=f'stages.{stage_idx}'))
            stages.append(nn.Sequential(*blocks))
        self.stages = nn.Sequential(*stages)

        self.final_conv: nn.Module
        if cfg.num_features:
            self.num_features = make_divisible(cfg.width_factor * cfg.num_features, cfg.ch_div)
            self.final_conv = conv_layer(prev_chs, self.num_features, 1)
            self.feature_info[-1] = dict(num_chs=self.num_features, reduction=net_stride, module='final_conv')
        else:
            self.num_features = prev_chs
            self.final_conv = nn.Identity()
        self.final_act = act_layer(inplace=False)
        self.head = ClassifierHead(self.num_features, self.num_classes, pool_type=global_pool, drop_rate=self.drop_rate)
        self.head_hidden_size = self.head.num_features
        self._init_weights(cfg.zero_init_fc)

    def _init_weights(self, zero_init_fc: bool) -> None:
        for name, m in self.named_modules():
            if 'fc' in name and isinstance(m, nn.Linear):
                if zero_init_fc:
                    nn.init.zeros_(m.weight)
                else:
                    nn.init.normal_(m.weight, 0.0, 0.01)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_in', nonlinearity='linear')
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(
            stem=r'^stem',
            blocks=[
                (r'^stages\.(\d+)' if coarse else r'^stages\.(\d+)\.(\d+)', None),
                (r'^final_conv', (99999,)),
            ],
        )

    def get_classifier(self) -> nn.Module:
        return self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and optionally the pooling) with a fresh one."""
        self.num_classes = check_num_classes(num_classes)
        pool_type = self.head.global_pool.pool_type if global_pool is None else global_pool
        self.head = ClassifierHead(self.num_features, self.num_classes, pool_type=pool_type, drop_rate=self.drop_rate)
        self.head_hidden_size = self.head.num_features

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the maps at indices: 0 the stem tap, then the stages; the last is taken after
        final_conv (before the final activation) in models that have one."""
        check_output_fmt(output_fmt)
        last_idx = len(self.stages)
        take_indices, max_index = feature_take_indices(last_idx + 1, indices)
        intermediates = []
        for i, module in enumerate(self.stem):
            x = module(x)
            if i == self.stem_feat_idx and 0 in take_indices:
                intermediates.append(x)
        stages = self.stages[:max_index] if stop_early else self.stages
        for feat_idx, stage in enumerate(stages, start=1):
            x = checkpoint(stage, x) if self.grad_checkpointing else stage(x)
            if feat_idx == last_idx:
                x = self.final_conv(x)
            if feat_idx in take_indices:
                intermediates.append(x)
        if intermediates_only:
            return intermediates
        if len(stages) == last_idx:
            x = self.final_act(x)
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the stages after the last index needed (and the final conv, the head); returns kept indices."""
        take_indices, max_index = feature_take_indices(len(self.stages) + 1, indices)
        prune_end = max_index < len(self.stages)
        if prune_end:
            self.final_conv = nn.Identity()
            self.final_act = nn.Identity()
        if max_index == 0:
            self.stem = self.stem[:self.stem_feat_idx + 1]
        self.stages = self.stages[:max_index]
        if prune_end:
            self.num_features = self.head_hidden_size = self.feature_info[max_index]['num_chs']
        if prune_head or prune_end:
            self.reset_classifier(0, '')
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        x = checkpoint_seq(self.stages, x) if self.grad_checkpointing else self.stages(x)
        return self.final_act(self.final_conv(x))

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        return self.head(x, pre_logits=pre_logits)


def _nfres_cfg(depths: Tuple[int, ...], channels: Tuple[int, ...] = (256, 512, 1024, 2048),
               group_size: Optional[int] = None, act_layer: str = 'relu', attn_layer: Optional[str] = None,
               attn_kwargs: Optional[Dict[str, Any]] = None) -> NfCfg:
    return NfCfg(depths=depths, channels=channels, stem_type='7x7_pool', stem_chs=64, bottle_ratio=0.25,
                 group_size=group_size, act_layer=act_layer, attn_layer=attn_layer, attn_kwargs=attn_kwargs or {})


def _nfreg_cfg(depths: Tuple[int, ...], channels: Tuple[int, ...] = (48, 104, 208, 440)) -> NfCfg:
    return NfCfg(depths=depths, channels=channels, stem_type='3x3', group_size=8, width_factor=0.75,
                 bottle_ratio=2.25, num_features=1280 * channels[-1] // 440, reg=True, attn_layer='se',
                 attn_kwargs=dict(rd_ratio=0.5))


def _nfnet_cfg(depths: Tuple[int, ...], channels: Tuple[int, ...] = (256, 512, 1536, 1536), group_size: int = 128,
               bottle_ratio: float = 0.5, feat_mult: float = 2.0, act_layer: str = 'gelu', attn_layer: str = 'se',
               attn_kwargs: Optional[Dict[str, Any]] = None) -> NfCfg:
    return NfCfg(depths=depths, channels=channels, stem_type='deep_quad', stem_chs=128, group_size=group_size,
                 bottle_ratio=bottle_ratio, extra_conv=True, num_features=int(channels[-1] * feat_mult),
                 act_layer=act_layer, attn_layer=attn_layer,
                 attn_kwargs=attn_kwargs if attn_kwargs is not None else dict(rd_ratio=0.5))


def _dm_nfnet_cfg(depths: Tuple[int, ...], channels: Tuple[int, ...] = (256, 512, 1536, 1536)) -> NfCfg:
    return NfCfg(depths=depths, channels=channels, stem_type='deep_quad', stem_chs=128, group_size=128,
                 bottle_ratio=0.5, extra_conv=True, gamma_in_act=True, same_padding=True, skipinit=True,
                 num_features=int(channels[-1] * 2.0), act_layer='gelu', attn_layer='se',
                 attn_kwargs=dict(rd_ratio=0.5))


_L = dict(feat_mult=1.5, group_size=64, bottle_ratio=0.25, act_layer='silu')
_ECA_L = dict(group_size=64, bottle_ratio=0.25, attn_layer='eca', attn_kwargs=dict(), act_layer='silu')

MODEL_CFGS: Dict[str, NfCfg] = dict(
    dm_nfnet_f0=_dm_nfnet_cfg(depths=(1, 2, 6, 3)),
    dm_nfnet_f1=_dm_nfnet_cfg(depths=(2, 4, 12, 6)),
    dm_nfnet_f2=_dm_nfnet_cfg(depths=(3, 6, 18, 9)),
    dm_nfnet_f3=_dm_nfnet_cfg(depths=(4, 8, 24, 12)),
    dm_nfnet_f4=_dm_nfnet_cfg(depths=(5, 10, 30, 15)),
    dm_nfnet_f5=_dm_nfnet_cfg(depths=(6, 12, 36, 18)),
    dm_nfnet_f6=_dm_nfnet_cfg(depths=(7, 14, 42, 21)),
    nfnet_f0=_nfnet_cfg(depths=(1, 2, 6, 3)),
    nfnet_f1=_nfnet_cfg(depths=(2, 4, 12, 6)),
    nfnet_f2=_nfnet_cfg(depths=(3, 6, 18, 9)),
    nfnet_f3=_nfnet_cfg(depths=(4, 8, 24, 12)),
    nfnet_f4=_nfnet_cfg(depths=(5, 10, 30, 15)),
    nfnet_f5=_nfnet_cfg(depths=(6, 12, 36, 18)),
    nfnet_f6=_nfnet_cfg(depths=(7, 14, 42, 21)),
    nfnet_f7=_nfnet_cfg(depths=(8, 16, 48, 24)),
    nfnet_l0=_nfnet_cfg(depths=(1, 2, 6, 3), attn_kwargs=dict(rd_ratio=0.25, rd_divisor=8), **_L),
    eca_nfnet_l0=_nfnet_cfg(depths=(1, 2, 6, 3), feat_mult=1.5, **_ECA_L),
    eca_nfnet_l1=_nfnet_cfg(depths=(2, 4, 12, 6), feat_mult=2, **_ECA_L),
    eca_nfnet_l2=_nfnet_cfg(depths=(3, 6, 18, 9), feat_mult=2, **_ECA_L),
    eca_nfnet_l3=_nfnet_cfg(depths=(4, 8, 24, 12), feat_mult=2, **_ECA_L),
    nf_regnet_b0=_nfreg_cfg(depths=(1, 3, 6, 6)),
    nf_regnet_b1=_nfreg_cfg(depths=(2, 4, 7, 7)),
    nf_regnet_b2=_nfreg_cfg(depths=(2, 4, 8, 8), channels=(56, 112, 232, 488)),
    nf_regnet_b3=_nfreg_cfg(depths=(2, 5, 9, 9), channels=(56, 128, 248, 528)),
    nf_regnet_b4=_nfreg_cfg(depths=(2, 6, 11, 11), channels=(64, 144, 288, 616)),
    nf_regnet_b5=_nfreg_cfg(depths=(3, 7, 14, 14), channels=(80, 168, 336, 704)),
    nf_resnet26=_nfres_cfg(depths=(2, 2, 2, 2)),
    nf_resnet50=_nfres_cfg(depths=(3, 4, 6, 3)),
    nf_resnet101=_nfres_cfg(depths=(3, 4, 23, 3)),
    nf_seresnet26=_nfres_cfg(depths=(2, 2, 2, 2), attn_layer='se', attn_kwargs=dict(rd_ratio=1 / 16)),
    nf_seresnet50=_nfres_cfg(depths=(3, 4, 6, 3), attn_layer='se', attn_kwargs=dict(rd_ratio=1 / 16)),
    nf_seresnet101=_nfres_cfg(depths=(3, 4, 23, 3), attn_layer='se', attn_kwargs=dict(rd_ratio=1 / 16)),
    nf_ecaresnet26=_nfres_cfg(depths=(2, 2, 2, 2), attn_layer='eca', attn_kwargs=dict()),
    nf_ecaresnet50=_nfres_cfg(depths=(3, 4, 6, 3), attn_layer='eca', attn_kwargs=dict()),
    nf_ecaresnet101=_nfres_cfg(depths=(3, 4, 23, 3), attn_layer='eca', attn_kwargs=dict()),
    test_nfnet=_nfnet_cfg(depths=(1, 1, 1, 1), channels=(32, 64, 96, 128), feat_mult=1.5, group_size=8,
                          bottle_ratio=0.25, attn_kwargs=dict(rd_ratio=0.25, rd_divisor=8), act_layer='silu'),
)


def _nfnet(variant: str, kwargs: Dict[str, Any]) -> NormFreeNet:
    return NormFreeNet(MODEL_CFGS[variant], **kwargs)


@register_model
def dm_nfnet_f0(**kwargs: Any) -> NormFreeNet:
    return _nfnet('dm_nfnet_f0', kwargs)


@register_model
def dm_nfnet_f1(**kwargs: Any) -> NormFreeNet:
    return _nfnet('dm_nfnet_f1', kwargs)


@register_model
def dm_nfnet_f2(**kwargs: Any) -> NormFreeNet:
    return _nfnet('dm_nfnet_f2', kwargs)


@register_model
def dm_nfnet_f3(**kwargs: Any) -> NormFreeNet:
    return _nfnet('dm_nfnet_f3', kwargs)


@register_model
def dm_nfnet_f4(**kwargs: Any) -> NormFreeNet:
    return _nfnet('dm_nfnet_f4', kwargs)


@register_model
def dm_nfnet_f5(**kwargs: Any) -> NormFreeNet:
    return _nfnet('dm_nfnet_f5', kwargs)


@register_model
def dm_nfnet_f6(**kwargs: Any) -> NormFreeNet:
    return _nfnet('dm_nfnet_f6', kwargs)


@register_model
def nfnet_f0(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nfnet_f0', kwargs)


@register_model
def nfnet_f1(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nfnet_f1', kwargs)


@register_model
def nfnet_f2(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nfnet_f2', kwargs)


@register_model
def nfnet_f3(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nfnet_f3', kwargs)


@register_model
def nfnet_f4(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nfnet_f4', kwargs)


@register_model
def nfnet_f5(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nfnet_f5', kwargs)


@register_model
def nfnet_f6(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nfnet_f6', kwargs)


@register_model
def nfnet_f7(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nfnet_f7', kwargs)


@register_model
def nfnet_l0(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nfnet_l0', kwargs)


@register_model
def eca_nfnet_l0(**kwargs: Any) -> NormFreeNet:
    return _nfnet('eca_nfnet_l0', kwargs)


@register_model
def eca_nfnet_l1(**kwargs: Any) -> NormFreeNet:
    return _nfnet('eca_nfnet_l1', kwargs)


@register_model
def eca_nfnet_l2(**kwargs: Any) -> NormFreeNet:
    return _nfnet('eca_nfnet_l2', kwargs)


@register_model
def eca_nfnet_l3(**kwargs: Any) -> NormFreeNet:
    return _nfnet('eca_nfnet_l3', kwargs)


@register_model
def nf_regnet_b0(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_regnet_b0', kwargs)


@register_model
def nf_regnet_b1(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_regnet_b1', kwargs)


@register_model
def nf_regnet_b2(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_regnet_b2', kwargs)


@register_model
def nf_regnet_b3(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_regnet_b3', kwargs)


@register_model
def nf_regnet_b4(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_regnet_b4', kwargs)


@register_model
def nf_regnet_b5(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_regnet_b5', kwargs)


@register_model
def nf_resnet26(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_resnet26', kwargs)


@register_model
def nf_resnet50(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_resnet50', kwargs)


@register_model
def nf_resnet101(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_resnet101', kwargs)


@register_model
def nf_seresnet26(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_seresnet26', kwargs)


@register_model
def nf_seresnet50(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_seresnet50', kwargs)


@register_model
def nf_seresnet101(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_seresnet101', kwargs)


@register_model
def nf_ecaresnet26(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_ecaresnet26', kwargs)


@register_model
def nf_ecaresnet50(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_ecaresnet50', kwargs)


@register_model
def nf_ecaresnet101(**kwargs: Any) -> NormFreeNet:
    return _nfnet('nf_ecaresnet101', kwargs)


@register_model
def test_nfnet(**kwargs: Any) -> NormFreeNet:
    return _nfnet('test_nfnet', kwargs)
