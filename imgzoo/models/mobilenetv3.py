"""MobileNetV3 family: MobileNetV3 (Howard et al. 2019), MobileNetV4 conv/hybrid (Qin et al. 2024), FBNetV3 and
LCNet (timm's `mobilenetv3.py`).

Module and parameter names follow timm, so its checkpoints load strictly. The body is built from
timm's block strings (`_efficientnet_builder`); the "efficient head" pools first, then applies a 1x1
conv (with bias and an activation; MobileNetV4: no bias, then norm+act) before the classifier, so
`num_features` (the last stage's width) differs from the width `forward_head(pre_logits=True)`
returns (`head_hidden_size`).
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from ..features import check_output_fmt, feature_take_indices
from ..layers import GlobalPool2d, check_num_classes, create_act, create_conv2d
from ..layers.blocks import SqueezeExcite
from ..layers.blur_pool import create_aa
from ..registry import register_model
from ._base import ImgzooModel, checkpoint_seq
from ._efficientnet_builder import (
    BN_EPS_TF, BlockArgs, batchnorm_act, build_blocks, decode_arch_def, init_weights_goog, round_channels,
)

IndicesT = Union[int, List[int], None]


class MobileNetV3(ImgzooModel):
    """Stem, mobile-block stages, pooled 1x1 head conv (+ norm) + act, classifier; see the module docstring."""

    def __init__(
        self,
        block_args: BlockArgs,
        num_classes: int = 1000,
        in_chans: int = 3,
        stem_size: int = 16,
        fix_stem: bool = False,
        num_features: int = 1280,
        head_bias: bool = True,
        head_norm: bool = False,
        pad_type: str = '',
        act_layer: Any = 'relu',
        norm_layer: Optional[Callable[..., nn.Module]] = None,
        bn_eps: Optional[float] = None,
        bn_momentum: Optional[float] = None,
        aa_layer: Optional[str] = None,
        se_layer: Optional[Callable[..., nn.Module]] = None,
        se_from_exp: bool = True,
        round_chs_fn: Callable[[int], int] = round_channels,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        layer_scale_init_value: Optional[float] = None,
        global_pool: str = 'avg',
    ) -> None:
        super().__init__()
        norm_act = norm_layer or batchnorm_act(bn_eps, bn_momentum)
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate

        if not fix_stem:
            stem_size = round_chs_fn(stem_size)
        self.conv_stem = create_conv2d(in_chans, stem_size, 3, stride=2, padding=pad_type)
        self.bn1 = norm_act(stem_size, act_layer=act_layer)
        stages, self.feature_info, self.num_features = build_blocks(
            stem_size, block_args, norm_act=norm_act, act_layer=act_layer, round_chs_fn=round_chs_fn,
            pad_type=pad_type, se_layer=se_layer or SqueezeExcite, se_from_exp=se_from_exp,
            aa_layer=create_aa(aa_layer) if isinstance(aa_layer, str) else aa_layer, drop_path_rate=drop_path_rate,
            layer_scale_init_value=layer_scale_init_value,
        )
        self.blocks = nn.Sequential(*stages)
        self.stage_ends = [f['stage'] for f in self.feature_info]
        self.head_hidden_size = num_features

        self.global_pool = GlobalPool2d(global_pool, flatten=False)
        pooled_chs = self.num_features * self.global_pool.feat_mult()
        if head_norm:
            self.conv_head: nn.Module = create_conv2d(pooled_chs, self.head_hidden_size, 1, padding=pad_type)
            self.norm_head: nn.Module = norm_act(self.head_hidden_size, act_layer=act_layer)
            self.act2: nn.Module = nn.Identity()
        else:
            self.conv_head = create_conv2d(pooled_chs, self.head_hidden_size, 1, padding=pad_type, bias=head_bias)
            self.norm_head = nn.Identity()
            self.act2 = create_act(act_layer, inplace=True)
        self.flatten: nn.Module = nn.Flatten(1) if global_pool else nn.Identity()
        self.classifier = self._new_classifier()
        init_weights_goog(self)

    def _new_classifier(self) -> nn.Module:
        return nn.Linear(self.head_hidden_size, self.num_classes) if self.num_classes > 0 else nn.Identity()

    @property
    def default_out_indices(self) -> Tuple[int, ...]:
        return tuple(range(min(5, len(self.feature_info))))

    def init_new_module(self, name: str, module: nn.Module) -> None:
        """Initialise a module that loaded weights did not cover (e.g. a new classifier)."""
        init_buffers = getattr(module, 'init_non_persistent_buffers', None)
        if callable(init_buffers):
            init_buffers()
        else:
            init_weights_goog(module)

    def init_non_persistent_buffers(self) -> None:
        """Recompute buffers checkpoints do not hold (anti-aliasing blur filters)."""
        for module in self.modules():
            init_buffers = getattr(module, 'init_non_persistent_buffers', None)
            if module is not self and callable(init_buffers):
                init_buffers()

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(stem=r'^conv_stem|bn1', blocks=r'^blocks\.(\d+)' if coarse else r'^blocks\.(\d+)\.(\d+)')

    def get_classifier(self) -> nn.Module:
        return self.classifier

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier; the pooling may change only to one of the same width (the head conv stays)."""
        self.num_classes = check_num_classes(num_classes)
        if global_pool is not None:
            pool = GlobalPool2d(global_pool, flatten=False)
            if isinstance(self.conv_head, nn.Identity):
                self.head_hidden_size = self.num_features * pool.feat_mult()
            elif pool.feat_mult() != self.global_pool.feat_mult():
                raise InvalidModelArgsError(
                    f"MobileNetV3 cannot switch global_pool from {self.global_pool.pool_type!r} to {global_pool!r}: "
                    "the head conv after pooling is sized for the current pooled width. "
                    "Choose a pooling of the same width ('avg', 'max', 'avgmax'), or create the model with it."
                )
            self.global_pool = pool
            self.flatten = nn.Flatten(1) if global_pool else nn.Identity()
        self.classifier = self._new_classifier()
        init_weights_goog(self.classifier)

    def forward_intermediates(
        self, x: torch.Tensor, indices: IndicesT = None, norm: bool = False, stop_early: bool = False,
        output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the feature maps at indices of feature_info (the stem when strided, then stage ends)."""
        check_output_fmt(output_fmt)
        if stop_early and not intermediates_only:
            raise InvalidModelArgsError('stop_early=True needs intermediates_only=True (the final features need '
                                        'every stage).')
        take, max_index = feature_take_indices(len(self.stage_ends), indices)
        take_indices = [self.stage_ends[i] for i in take]
        max_index = self.stage_ends[max_index]
        intermediates = []
        x = self.bn1(self.conv_stem(x))
        if 0 in take_indices:
            intermediates.append(x)
        blocks = self.blocks[:max_index] if stop_early else self.blocks
        for feat_idx, stage in enumerate(blocks, start=1):
            x = checkpoint_seq(stage, x) if self.grad_checkpointing else stage(x)
            if feat_idx in take_indices:
                intermediates.append(x)
        if intermediates_only:
            return intermediates
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: IndicesT = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the stages after the last index needed and the head; returns the kept indices."""
        take, max_index = feature_take_indices(len(self.stage_ends), indices)
        num_chs = self.feature_info[max_index]['num_chs']
        max_index = self.stage_ends[max_index]
        prune_end = max_index < len(self.blocks)
        self.blocks = self.blocks[:max_index]
        if prune_end:
            self.num_features = num_chs
        if prune_end or prune_head:
            self.conv_head = nn.Identity()
            self.norm_head = nn.Identity()
            self.act2 = nn.Identity()
            self.reset_classifier(0, '')
        return take

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bn1(self.conv_stem(x))
        return checkpoint_seq(self.blocks, x, flatten=True) if self.grad_checkpointing else self.blocks(x)

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.global_pool(x)
        x = self.flatten(self.act2(self.norm_head(self.conv_head(x))))
        if pre_logits:
            return x
        if self.drop_rate > 0.0:
            x = F.dropout(x, p=float(self.drop_rate), training=self.training)
        return self.classifier(x)


def _tf(kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """TensorFlow-ported weights: 'same' padding and BN epsilon 1e-3 unless the caller overrides them."""
    return {'pad_type': 'same', 'bn_eps': BN_EPS_TF, **kwargs}


def _create(arch_def: List[List[str]], *, depth_multiplier: float = 1.0, group_size: Optional[int] = None,
            **kwargs: Any) -> MobileNetV3:
    return MobileNetV3(decode_arch_def(arch_def, depth_multiplier, group_size=group_size), **kwargs)


_V3_LARGE = [
    ['ds_r1_k3_s1_e1_c16_nre'], ['ir_r1_k3_s2_e4_c24_nre', 'ir_r1_k3_s1_e3_c24_nre'], ['ir_r3_k5_s2_e3_c40_se0.25_nre'],
    ['ir_r1_k3_s2_e6_c80', 'ir_r1_k3_s1_e2.5_c80', 'ir_r2_k3_s1_e2.3_c80'], ['ir_r2_k3_s1_e6_c112_se0.25'],
    ['ir_r3_k5_s2_e6_c160_se0.25'], ['cn_r1_k1_s1_c960'],
]
_V3_LARGE_MINIMAL = [
    ['ds_r1_k3_s1_e1_c16'], ['ir_r1_k3_s2_e4_c24', 'ir_r1_k3_s1_e3_c24'], ['ir_r3_k3_s2_e3_c40'],
    ['ir_r1_k3_s2_e6_c80', 'ir_r1_k3_s1_e2.5_c80', 'ir_r2_k3_s1_e2.3_c80'], ['ir_r2_k3_s1_e6_c112'],
    ['ir_r3_k3_s2_e6_c160'], ['cn_r1_k1_s1_c960'],
]
_V3_SMALL = [
    ['ds_r1_k3_s2_e1_c16_se0.25_nre'], ['ir_r1_k3_s2_e4.5_c24_nre', 'ir_r1_k3_s1_e3.67_c24_nre'],
    ['ir_r1_k5_s2_e4_c40_se0.25', 'ir_r2_k5_s1_e6_c40_se0.25'], ['ir_r2_k5_s1_e3_c48_se0.25'],
    ['ir_r3_k5_s2_e6_c96_se0.25'], ['cn_r1_k1_s1_c576'],
]
_V3_SMALL_MINIMAL = [
    ['ds_r1_k3_s2_e1_c16'], ['ir_r1_k3_s2_e4.5_c24', 'ir_r1_k3_s1_e3.67_c24'],
    ['ir_r1_k3_s2_e4_c40', 'ir_r2_k3_s1_e6_c40'], ['ir_r2_k3_s1_e3_c48'], ['ir_r3_k3_s2_e6_c96'],
    ['cn_r1_k1_s1_c576'],
]
_V3_RW = [
    ['ds_r1_k3_s1_e1_c16_nre_noskip'], ['ir_r1_k3_s2_e4_c24_nre', 'ir_r1_k3_s1_e3_c24_nre'],
    ['ir_r3_k5_s2_e3_c40_se0.25_nre'], ['ir_r1_k3_s2_e6_c80', 'ir_r1_k3_s1_e2.5_c80', 'ir_r2_k3_s1_e2.3_c80'],
    ['ir_r2_k3_s1_e6_c112_se0.25'], ['ir_r3_k5_s2_e6_c160_se0.25'], ['cn_r1_k1_s1_c960'],
]
_V3_SE = partial(SqueezeExcite, gate_layer='hard_sigmoid', force_act_layer='relu', rd_round_fn=round_channels)


def _mobilenet_v3(arch_def: List[List[str]], num_features: int, channel_multiplier: float = 1.0,
                  depth_multiplier: float = 1.0, group_size: Optional[int] = None, act_layer: Any = 'hard_swish',
                  **kwargs: Any) -> MobileNetV3:
    return _create(arch_def, depth_multiplier=depth_multiplier, group_size=group_size, num_features=num_features,
                   stem_size=16, fix_stem=channel_multiplier < 0.75,
                   round_chs_fn=partial(round_channels, multiplier=channel_multiplier), act_layer=act_layer,
                   se_layer=_V3_SE, **kwargs)


def _mobilenet_v3_rw(channel_multiplier: float = 1.0, **kwargs: Any) -> MobileNetV3:
    return _create(_V3_RW, head_bias=False, round_chs_fn=partial(round_channels, multiplier=channel_multiplier),
                   se_layer=partial(SqueezeExcite, gate_layer='hard_sigmoid'), **{'act_layer': 'hard_swish', **kwargs})


_FBNETV3 = {
    'b': (16, [
        ['ds_r2_k3_s1_e1_c16'], ['ir_r1_k5_s2_e4_c24', 'ir_r3_k5_s1_e2_c24'],
        ['ir_r1_k5_s2_e5_c40_se0.25', 'ir_r4_k5_s1_e3_c40_se0.25'], ['ir_r1_k5_s2_e5_c72', 'ir_r4_k3_s1_e3_c72'],
        ['ir_r1_k3_s1_e5_c120_se0.25', 'ir_r5_k5_s1_e3_c120_se0.25'],
        ['ir_r1_k3_s2_e6_c184_se0.25', 'ir_r5_k5_s1_e4_c184_se0.25', 'ir_r1_k5_s1_e6_c224_se0.25'],
        ['cn_r1_k1_s1_c1344'],
    ]),
    'd': (24, [
        ['ds_r2_k3_s1_e1_c16'], ['ir_r1_k3_s2_e5_c24', 'ir_r5_k3_s1_e2_c24'],
        ['ir_r1_k5_s2_e4_c40_se0.25', 'ir_r4_k3_s1_e3_c40_se0.25'], ['ir_r1_k3_s2_e5_c72', 'ir_r4_k3_s1_e3_c72'],
        ['ir_r1_k3_s1_e5_c128_se0.25', 'ir_r6_k5_s1_e3_c128_se0.25'],
        ['ir_r1_k3_s2_e6_c208_se0.25', 'ir_r5_k5_s1_e5_c208_se0.25', 'ir_r1_k5_s1_e6_c240_se0.25'],
        ['cn_r1_k1_s1_c1440'],
    ]),
    'g': (32, [
        ['ds_r3_k3_s1_e1_c24'], ['ir_r1_k5_s2_e4_c40', 'ir_r4_k5_s1_e2_c40'],
        ['ir_r1_k5_s2_e4_c56_se0.25', 'ir_r4_k5_s1_e3_c56_se0.25'], ['ir_r1_k5_s2_e5_c104', 'ir_r4_k3_s1_e3_c104'],
        ['ir_r1_k3_s1_e5_c160_se0.25', 'ir_r8_k5_s1_e3_c160_se0.25'],
        ['ir_r1_k3_s2_e6_c264_se0.25', 'ir_r6_k5_s1_e5_c264_se0.25', 'ir_r2_k5_s1_e6_c288_se0.25'],
        ['cn_r1_k1_s1_c1728'],
    ]),
}


def _fbnetv3(size: str, channel_multiplier: float = 1.0, **kwargs: Any) -> MobileNetV3:
    stem_size, arch_def = _FBNETV3[size]
    round_chs_fn = partial(round_channels, multiplier=channel_multiplier, round_limit=0.95)
    return _create(arch_def, num_features=1984, head_bias=False, stem_size=stem_size, round_chs_fn=round_chs_fn,
                   se_from_exp=False, se_layer=partial(SqueezeExcite, gate_layer='hard_sigmoid', rd_round_fn=round_chs_fn),
                   **{'act_layer': 'hard_swish', **kwargs})


_LCNET = [
    ['dsa_r1_k3_s1_c32'], ['dsa_r2_k3_s2_c64'], ['dsa_r2_k3_s2_c128'], ['dsa_r1_k3_s2_c256', 'dsa_r1_k5_s1_c256'],
    ['dsa_r4_k5_s1_c256'], ['dsa_r2_k5_s2_c512_se0.25'],
]


def _lcnet(channel_multiplier: float = 1.0, **kwargs: Any) -> MobileNetV3:
    return _create(_LCNET, stem_size=16, round_chs_fn=partial(round_channels, multiplier=channel_multiplier),
                   se_layer=partial(SqueezeExcite, gate_layer='hard_sigmoid', force_act_layer='relu'),
                   num_features=1280, **{'act_layer': 'hard_swish', **kwargs})


_V4_HYBRID_MEDIUM = [
    ['er_r1_k3_s2_e4_c48'],
    ['uir_r1_a3_k5_s2_e4_c80', 'uir_r1_a3_k3_s1_e2_c80'],
    ['uir_r1_a3_k5_s2_e6_c160', 'uir_r1_a0_k0_s1_e2_c160', 'uir_r1_a3_k3_s1_e4_c160', 'uir_r1_a3_k5_s1_e4_c160',
     'mqa_r1_k3_h4_s1_v2_d64_c160', 'uir_r1_a3_k3_s1_e4_c160', 'mqa_r1_k3_h4_s1_v2_d64_c160',
     'uir_r1_a3_k0_s1_e4_c160', 'mqa_r1_k3_h4_s1_v2_d64_c160', 'uir_r1_a3_k3_s1_e4_c160',
     'mqa_r1_k3_h4_s1_v2_d64_c160', 'uir_r1_a3_k0_s1_e4_c160'],
    ['uir_r1_a5_k5_s2_e6_c256', 'uir_r1_a5_k5_s1_e4_c256', 'uir_r2_a3_k5_s1_e4_c256', 'uir_r1_a0_k0_s1_e2_c256',
     'uir_r1_a3_k5_s1_e2_c256', 'uir_r1_a0_k0_s1_e2_c256', 'uir_r1_a0_k0_s1_e4_c256', 'mqa_r1_k3_h4_s1_d64_c256',
     'uir_r1_a3_k0_s1_e4_c256', 'mqa_r1_k3_h4_s1_d64_c256', 'uir_r1_a5_k5_s1_e4_c256', 'mqa_r1_k3_h4_s1_d64_c256',
     'uir_r1_a5_k0_s1_e4_c256', 'mqa_r1_k3_h4_s1_d64_c256', 'uir_r1_a5_k0_s1_e4_c256'],
    ['cn_r1_k1_s1_c960'],
]
_V4_HYBRID_LARGE = [
    ['er_r1_k3_s2_e4_c48'],
    ['uir_r1_a3_k5_s2_e4_c96', 'uir_r1_a3_k3_s1_e4_c96'],
    ['uir_r1_a3_k5_s2_e4_c192', 'uir_r3_a3_k3_s1_e4_c192', 'uir_r1_a3_k5_s1_e4_c192', 'uir_r2_a5_k3_s1_e4_c192',
     'mqa_r1_k3_h8_s1_v2_d48_c192', 'uir_r1_a5_k3_s1_e4_c192', 'mqa_r1_k3_h8_s1_v2_d48_c192',
     'uir_r1_a5_k3_s1_e4_c192', 'mqa_r1_k3_h8_s1_v2_d48_c192', 'uir_r1_a5_k3_s1_e4_c192',
     'mqa_r1_k3_h8_s1_v2_d48_c192', 'uir_r1_a3_k0_s1_e4_c192'],
    ['uir_r4_a5_k5_s2_e4_c512', 'uir_r1_a5_k0_s1_e4_c512', 'uir_r1_a5_k3_s1_e4_c512', 'uir_r2_a5_k0_s1_e4_c512',
     'uir_r1_a5_k3_s1_e4_c512', 'uir_r1_a5_k5_s1_e4_c512', 'mqa_r1_k3_h8_s1_d64_c512', 'uir_r1_a5_k0_s1_e4_c512',
     'mqa_r1_k3_h8_s1_d64_c512', 'uir_r1_a5_k0_s1_e4_c512', 'mqa_r1_k3_h8_s1_d64_c512', 'uir_r1_a5_k0_s1_e4_c512',
     'mqa_r1_k3_h8_s1_d64_c512', 'uir_r1_a5_k0_s1_e4_c512'],
    ['cn_r1_k1_s1_c960'],
]
_V4_CONV_SMALL = [
    ['cn_r1_k3_s2_e1_c32', 'cn_r1_k1_s1_e1_c32'],
    ['cn_r1_k3_s2_e1_c96', 'cn_r1_k1_s1_e1_c64'],
    ['uir_r1_a5_k5_s2_e3_c96', 'uir_r4_a0_k3_s1_e2_c96', 'uir_r1_a3_k0_s1_e4_c96'],
    ['uir_r1_a3_k3_s2_e6_c128', 'uir_r1_a5_k5_s1_e4_c128', 'uir_r1_a0_k5_s1_e4_c128', 'uir_r1_a0_k5_s1_e3_c128',
     'uir_r2_a0_k3_s1_e4_c128'],
    ['cn_r1_k1_s1_c960'],
]
_V4_CONV_MEDIUM = [
    ['er_r1_k3_s2_e4_c48'],
    ['uir_r1_a3_k5_s2_e4_c80', 'uir_r1_a3_k3_s1_e2_c80'],
    ['uir_r1_a3_k5_s2_e6_c160', 'uir_r2_a3_k3_s1_e4_c160', 'uir_r1_a3_k5_s1_e4_c160', 'uir_r1_a3_k3_s1_e4_c160',
     'uir_r1_a3_k0_s1_e4_c160', 'uir_r1_a0_k0_s1_e2_c160', 'uir_r1_a3_k0_s1_e4_c160'],
    ['uir_r1_a5_k5_s2_e6_c256', 'uir_r1_a5_k5_s1_e4_c256', 'uir_r2_a3_k5_s1_e4_c256', 'uir_r1_a0_k0_s1_e4_c256',
     'uir_r1_a3_k0_s1_e4_c256', 'uir_r1_a3_k5_s1_e2_c256', 'uir_r1_a5_k5_s1_e4_c256', 'uir_r2_a0_k0_s1_e4_c256',
     'uir_r1_a5_k0_s1_e2_c256'],
    ['cn_r1_k1_s1_c960'],
]
_V4_CONV_LARGE = [
    ['er_r1_k3_s2_e4_c48'],
    ['uir_r1_a3_k5_s2_e4_c96', 'uir_r1_a3_k3_s1_e4_c96'],
    ['uir_r1_a3_k5_s2_e4_c192', 'uir_r3_a3_k3_s1_e4_c192', 'uir_r1_a3_k5_s1_e4_c192', 'uir_r5_a5_k3_s1_e4_c192',
     'uir_r1_a3_k0_s1_e4_c192'],
    ['uir_r4_a5_k5_s2_e4_c512', 'uir_r1_a5_k0_s1_e4_c512', 'uir_r1_a5_k3_s1_e4_c512', 'uir_r2_a5_k0_s1_e4_c512',
     'uir_r1_a5_k3_s1_e4_c512', 'uir_r1_a5_k5_s1_e4_c512', 'uir_r3_a5_k0_s1_e4_c512'],
    ['cn_r1_k1_s1_c960'],
]
_V4 = {  # arch_def, stem size, default activation, layer scale
    'hybrid_medium': (_V4_HYBRID_MEDIUM, 32, 'relu', 1e-5),
    'hybrid_large': (_V4_HYBRID_LARGE, 24, 'gelu', 1e-5),
    'conv_small': (_V4_CONV_SMALL, 32, 'relu', None),
    'conv_medium': (_V4_CONV_MEDIUM, 32, 'relu', None),
    'conv_large': (_V4_CONV_LARGE, 24, 'relu', None),
}


def _mobilenet_v4(kind: str, channel_multiplier: float = 1.0, group_size: Optional[int] = None,
                  **kwargs: Any) -> MobileNetV3:
    arch_def, stem_size, act, layer_scale = _V4[kind]
    return _create(arch_def, group_size=group_size, head_bias=False, head_norm=True, num_features=1280,
                   stem_size=stem_size, fix_stem=channel_multiplier < 1.0,
                   round_chs_fn=partial(round_channels, multiplier=channel_multiplier),
                   layer_scale_init_value=layer_scale, **{'act_layer': act, **kwargs})


@register_model
def mobilenetv3_large_075(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v3(_V3_LARGE, 1280, 0.75, **kwargs)

@register_model
def mobilenetv3_large_100(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v3(_V3_LARGE, 1280, 1.0, **kwargs)

@register_model
def mobilenetv3_large_150d(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v3(_V3_LARGE, 1280, 1.5, depth_multiplier=1.2, **kwargs)

@register_model
def mobilenetv3_small_050(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v3(_V3_SMALL, 1024, 0.5, **kwargs)

@register_model
def mobilenetv3_small_075(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v3(_V3_SMALL, 1024, 0.75, **kwargs)

@register_model
def mobilenetv3_small_100(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v3(_V3_SMALL, 1024, 1.0, **kwargs)

@register_model
def mobilenetv3_rw(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v3_rw(1.0, **{'bn_eps': BN_EPS_TF, **kwargs})

@register_model
def tf_mobilenetv3_large_075(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v3(_V3_LARGE, 1280, 0.75, **_tf(kwargs))

@register_model
def tf_mobilenetv3_large_100(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v3(_V3_LARGE, 1280, 1.0, **_tf(kwargs))

@register_model
def tf_mobilenetv3_large_minimal_100(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v3(_V3_LARGE_MINIMAL, 1280, 1.0, **_tf({'act_layer': 'relu', **kwargs}))

@register_model
def tf_mobilenetv3_small_075(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v3(_V3_SMALL, 1024, 0.75, **_tf(kwargs))

@register_model
def tf_mobilenetv3_small_100(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v3(_V3_SMALL, 1024, 1.0, **_tf(kwargs))

@register_model
def tf_mobilenetv3_small_minimal_100(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v3(_V3_SMALL_MINIMAL, 1024, 1.0, **_tf({'act_layer': 'relu', **kwargs}))

@register_model
def fbnetv3_b(**kwargs: Any) -> MobileNetV3:
    return _fbnetv3('b', **kwargs)

@register_model
def fbnetv3_d(**kwargs: Any) -> MobileNetV3:
    return _fbnetv3('d', **kwargs)

@register_model
def fbnetv3_g(**kwargs: Any) -> MobileNetV3:
    return _fbnetv3('g', **kwargs)

@register_model
def lcnet_035(**kwargs: Any) -> MobileNetV3:
    return _lcnet(0.35, **kwargs)

@register_model
def lcnet_050(**kwargs: Any) -> MobileNetV3:
    return _lcnet(0.5, **kwargs)

@register_model
def lcnet_075(**kwargs: Any) -> MobileNetV3:
    return _lcnet(0.75, **kwargs)

@register_model
def lcnet_100(**kwargs: Any) -> MobileNetV3:
    return _lcnet(1.0, **kwargs)

@register_model
def lcnet_150(**kwargs: Any) -> MobileNetV3:
    return _lcnet(1.5, **kwargs)

@register_model
def mobilenetv4_conv_small_035(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v4('conv_small', 0.35, **kwargs)

@register_model
def mobilenetv4_conv_small_050(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v4('conv_small', 0.5, **kwargs)

@register_model
def mobilenetv4_conv_small(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v4('conv_small', **kwargs)

@register_model
def mobilenetv4_conv_medium(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v4('conv_medium', **kwargs)

@register_model
def mobilenetv4_conv_large(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v4('conv_large', **kwargs)

@register_model
def mobilenetv4_hybrid_medium(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v4('hybrid_medium', **kwargs)

@register_model
def mobilenetv4_hybrid_large(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v4('hybrid_large', **kwargs)

@register_model
def mobilenetv4_conv_aa_medium(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v4('conv_medium', **{'aa_layer': 'avg', **kwargs})

@register_model
def mobilenetv4_conv_blur_medium(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v4('conv_medium', **{'aa_layer': 'blurpc', **kwargs})

@register_model
def mobilenetv4_conv_aa_large(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v4('conv_large', **{'aa_layer': 'avg', **kwargs})

@register_model
def mobilenetv4_hybrid_medium_075(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v4('hybrid_medium', 0.75, **kwargs)

@register_model
def mobilenetv4_hybrid_large_075(**kwargs: Any) -> MobileNetV3:
    return _mobilenet_v4('hybrid_large', 0.75, **kwargs)
