"""EfficientNet family: EfficientNet B0-B8/L2, -Lite, -EdgeTPU, -CondConv, EfficientNetV2, MixNet, MnasNet,
MobileNetV1/V2, MobileNet-EdgeTPU, FBNet-C, SPNASNet and TinyNet (timm's `efficientnet.py`).

Module and parameter names follow timm, so its checkpoints load strictly. All share one layout: a
strided stem conv, stages of mobile blocks built from timm's block strings (`_efficientnet_builder`),
a 1x1 head conv with norm+act, global pooling and a linear classifier. The `tf_` variants reproduce
TensorFlow's checkpoints exactly: 'same' padding computed from each input's size and batch-norm
epsilon 1e-3.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..features import check_output_fmt, feature_take_indices
from ..layers import check_num_classes, create_classifier, create_conv2d
from ..layers.blocks import SqueezeExcite
from ..layers.blur_pool import create_aa
from ..layers.evo_norm import EvoNorm2dS0
from ..layers.global_context import GlobalContext
from ..layers.group_norm_act import GroupNormAct
from ..layers.layer_norm_act import LayerNormAct2d
from ..registry import register_model
from ._base import ImgzooModel, checkpoint_seq
from ._pruned import adapt_to_pruned
from ._efficientnet_builder import (
    BN_EPS_TF, BlockArgs, batchnorm_act, build_blocks, decode_arch_def, init_weights_goog, round_channels,
)

IndicesT = Union[int, List[int], None]


class EfficientNet(ImgzooModel):
    """Stem, mobile-block stages, 1x1 head conv with norm+act, pooling and classifier; see the module docstring.

    Feature taps (`feature_info`) are timm's: the stem when the first stage is strided, then the end
    of every stage followed by a stride; `forward_intermediates` returns them.
    """

    def __init__(
        self,
        block_args: BlockArgs,
        num_classes: int = 1000,
        num_features: int = 1280,
        in_chans: int = 3,
        stem_size: int = 32,
        stem_kernel_size: int = 3,
        fix_stem: bool = False,
        output_stride: int = 32,
        pad_type: str = '',
        act_layer: Any = 'relu',
        norm_layer: Optional[Callable[..., nn.Module]] = None,
        bn_eps: Optional[float] = None,
        bn_momentum: Optional[float] = None,
        aa_layer: Optional[Callable[..., nn.Module]] = None,
        se_layer: Optional[Callable[..., nn.Module]] = None,
        round_chs_fn: Callable[[int], int] = round_channels,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        global_pool: str = 'avg',
    ) -> None:
        super().__init__()
        norm_act = norm_layer or batchnorm_act(bn_eps, bn_momentum)
        if isinstance(aa_layer, str):
            aa_layer = create_aa(aa_layer)
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate

        if not fix_stem:
            stem_size = round_chs_fn(stem_size)
        self.conv_stem = create_conv2d(in_chans, stem_size, stem_kernel_size, stride=2, padding=pad_type)
        self.bn1 = norm_act(stem_size, act_layer=act_layer)
        stages, self.feature_info, head_chs = build_blocks(
            stem_size, block_args, norm_act=norm_act, act_layer=act_layer, round_chs_fn=round_chs_fn,
            output_stride=output_stride, pad_type=pad_type, se_layer=se_layer or SqueezeExcite, aa_layer=aa_layer,
            drop_path_rate=drop_path_rate,
        )
        self.blocks = nn.Sequential(*stages)
        self.stage_ends = [f['stage'] for f in self.feature_info]
        if num_features > 0:
            self.conv_head: nn.Module = create_conv2d(head_chs, num_features, 1, padding=pad_type)
            self.bn2: nn.Module = norm_act(num_features, act_layer=act_layer)
            self.num_features = num_features
        else:
            self.conv_head = nn.Identity()
            self.bn2 = nn.Identity()
            self.num_features = head_chs
        self.global_pool, self.classifier = create_classifier(self.num_features, self.num_classes, pool_type=global_pool)
        self.head_hidden_size = self.num_features * self.global_pool.feat_mult()
        init_weights_goog(self)

    @property
    def default_out_indices(self) -> Tuple[int, ...]:
        return tuple(range(min(5, len(self.feature_info))))

    def init_new_module(self, name: str, module: nn.Module) -> None:
        """Initialise a module that loaded weights did not cover (e.g. a new classifier)."""
        init_weights_goog(module)

    def init_non_persistent_buffers(self) -> None:
        """Recompute buffers checkpoints do not hold (the blur filters of anti-aliased variants)."""
        for module in self.modules():
            init_buffers = getattr(module, 'init_non_persistent_buffers', None)
            if module is not self and callable(init_buffers):
                init_buffers()

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(
            stem=r'^conv_stem|bn1',
            blocks=[(r'^blocks\.(\d+)' if coarse else r'^blocks\.(\d+)\.(\d+)', None), (r'conv_head|bn2', (99999,))],
        )

    def get_classifier(self) -> nn.Module:
        return self.classifier

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and optionally the pooling) with a fresh one."""
        self.num_classes = check_num_classes(num_classes)
        pool_type = self.global_pool.pool_type if global_pool is None else global_pool
        self.global_pool, self.classifier = create_classifier(self.num_features, self.num_classes, pool_type=pool_type)
        self.head_hidden_size = self.num_features * self.global_pool.feat_mult()
        init_weights_goog(self.classifier)

    def forward_intermediates(
        self, x: torch.Tensor, indices: IndicesT = None, norm: bool = False, stop_early: bool = False,
        output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the feature maps at indices of feature_info (the stem, then stage ends)."""
        check_output_fmt(output_fmt)
        take, max_index = feature_take_indices(len(self.stage_ends), indices)
        take_indices = [self.stage_ends[i] for i in take]
        max_index = self.stage_ends[max_index]
        intermediates = []
        x = self.bn1(self.conv_stem(x))
        if 0 in take_indices:
            intermediates.append(x)
        blocks = self.blocks[:max_index] if stop_early else self.blocks
        feat_idx = 0
        for feat_idx, stage in enumerate(blocks, start=1):
            x = checkpoint_seq(stage, x) if self.grad_checkpointing else stage(x)
            if feat_idx in take_indices:
                intermediates.append(x)
        if intermediates_only:
            return intermediates
        if feat_idx == self.stage_ends[-1]:
            x = self.bn2(self.conv_head(x))
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: IndicesT = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the stages after the last index needed, the head conv and the classifier; returns the kept indices."""
        take, max_index = feature_take_indices(len(self.stage_ends), indices)
        num_chs = self.feature_info[max_index]['num_chs']
        max_index = self.stage_ends[max_index]
        prune_end = prune_norm or prune_head or max_index < len(self.blocks)
        self.blocks = self.blocks[:max_index]
        if prune_end:
            self.conv_head = nn.Identity()
            self.bn2 = nn.Identity()
            self.num_features = self.head_hidden_size = num_chs
        if prune_head or prune_end:
            self.reset_classifier(0, '')
        return take

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bn1(self.conv_stem(x))
        x = checkpoint_seq(self.blocks, x, flatten=True) if self.grad_checkpointing else self.blocks(x)
        return self.bn2(self.conv_head(x))

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.global_pool(x)
        if self.drop_rate > 0.0:
            x = F.dropout(x, p=float(self.drop_rate), training=self.training)
        return x if pre_logits else self.classifier(x)


def _tf(kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """TensorFlow-ported weights: 'same' padding and BN epsilon 1e-3 unless the caller overrides them."""
    return {'pad_type': 'same', 'bn_eps': BN_EPS_TF, **kwargs}


def _act(kwargs: Dict[str, Any], default: Any) -> Dict[str, Any]:
    return {'act_layer': default, **kwargs}


def _create(arch_def: List[List[str]], *, depth_multiplier: Any = 1.0, depth_trunc: str = 'ceil',
            experts_multiplier: int = 1, fix_first_last: bool = False, group_size: Optional[int] = None,
            **kwargs: Any) -> EfficientNet:
    block_args = decode_arch_def(arch_def, depth_multiplier, depth_trunc=depth_trunc,
                                 experts_multiplier=experts_multiplier, fix_first_last=fix_first_last,
                                 group_size=group_size)
    return EfficientNet(block_args, **kwargs)


def _rc(multiplier: float = 1.0, **kw: Any) -> Callable[[int], int]:
    return partial(round_channels, multiplier=multiplier, **kw)


_MNASNET_A1 = [
    ['ds_r1_k3_s1_e1_c16_noskip'], ['ir_r2_k3_s2_e6_c24'], ['ir_r3_k5_s2_e3_c40_se0.25'], ['ir_r4_k3_s2_e6_c80'],
    ['ir_r2_k3_s1_e6_c112_se0.25'], ['ir_r3_k5_s2_e6_c160_se0.25'], ['ir_r1_k3_s1_e6_c320'],
]
_MNASNET_B1 = [
    ['ds_r1_k3_s1_c16_noskip'], ['ir_r3_k3_s2_e3_c24'], ['ir_r3_k5_s2_e3_c40'], ['ir_r3_k5_s2_e6_c80'],
    ['ir_r2_k3_s1_e6_c96'], ['ir_r4_k5_s2_e6_c192'], ['ir_r1_k3_s1_e6_c320_noskip'],
]
_MNASNET_SMALL = [
    ['ds_r1_k3_s1_c8'], ['ir_r1_k3_s2_e3_c16'], ['ir_r2_k3_s2_e6_c16'], ['ir_r4_k5_s2_e6_c32_se0.25'],
    ['ir_r3_k3_s1_e6_c32_se0.25'], ['ir_r3_k5_s2_e6_c88_se0.25'], ['ir_r1_k3_s1_e6_c144'],
]
_MOBILENETV1 = [['dsa_r1_k3_s1_c64'], ['dsa_r2_k3_s2_c128'], ['dsa_r2_k3_s2_c256'], ['dsa_r6_k3_s2_c512'],
                ['dsa_r2_k3_s2_c1024']]
_MOBILENETV2 = [
    ['ds_r1_k3_s1_c16'], ['ir_r2_k3_s2_e6_c24'], ['ir_r3_k3_s2_e6_c32'], ['ir_r4_k3_s2_e6_c64'],
    ['ir_r3_k3_s1_e6_c96'], ['ir_r3_k3_s2_e6_c160'], ['ir_r1_k3_s1_e6_c320'],
]
_FBNETC = [
    ['ir_r1_k3_s1_e1_c16'], ['ir_r1_k3_s2_e6_c24', 'ir_r2_k3_s1_e1_c24'],
    ['ir_r1_k5_s2_e6_c32', 'ir_r1_k5_s1_e3_c32', 'ir_r1_k5_s1_e6_c32', 'ir_r1_k3_s1_e6_c32'],
    ['ir_r1_k5_s2_e6_c64', 'ir_r1_k5_s1_e3_c64', 'ir_r2_k5_s1_e6_c64'],
    ['ir_r3_k5_s1_e6_c112', 'ir_r1_k5_s1_e3_c112'], ['ir_r4_k5_s2_e6_c184'], ['ir_r1_k3_s1_e6_c352'],
]
_SPNASNET = [
    ['ds_r1_k3_s1_c16_noskip'], ['ir_r3_k3_s2_e3_c24'], ['ir_r1_k5_s2_e6_c40', 'ir_r3_k3_s1_e3_c40'],
    ['ir_r1_k5_s2_e6_c80', 'ir_r3_k3_s1_e3_c80'], ['ir_r1_k5_s1_e6_c96', 'ir_r3_k5_s1_e3_c96'],
    ['ir_r4_k5_s2_e6_c192'], ['ir_r1_k3_s1_e6_c320_noskip'],
]
_EFFICIENTNET = [
    ['ds_r1_k3_s1_e1_c16_se0.25'], ['ir_r2_k3_s2_e6_c24_se0.25'], ['ir_r2_k5_s2_e6_c40_se0.25'],
    ['ir_r3_k3_s2_e6_c80_se0.25'], ['ir_r3_k5_s1_e6_c112_se0.25'], ['ir_r4_k5_s2_e6_c192_se0.25'],
    ['ir_r1_k3_s1_e6_c320_se0.25'],
]
_EFFICIENTNET_EDGE = [
    ['er_r1_k3_s1_e4_c24_fc24_noskip'], ['er_r2_k3_s2_e8_c32'], ['er_r4_k3_s2_e8_c48'], ['ir_r5_k5_s2_e8_c96'],
    ['ir_r4_k5_s1_e8_c144'], ['ir_r2_k5_s2_e8_c192'],
]
_EFFICIENTNET_CC = [
    ['ds_r1_k3_s1_e1_c16_se0.25'], ['ir_r2_k3_s2_e6_c24_se0.25'], ['ir_r2_k5_s2_e6_c40_se0.25'],
    ['ir_r3_k3_s2_e6_c80_se0.25'], ['ir_r3_k5_s1_e6_c112_se0.25_cc4'], ['ir_r4_k5_s2_e6_c192_se0.25_cc4'],
    ['ir_r1_k3_s1_e6_c320_se0.25_cc4'],
]
_EFFICIENTNET_LITE = [
    ['ds_r1_k3_s1_e1_c16'], ['ir_r2_k3_s2_e6_c24'], ['ir_r2_k5_s2_e6_c40'], ['ir_r3_k3_s2_e6_c80'],
    ['ir_r3_k5_s1_e6_c112'], ['ir_r4_k5_s2_e6_c192'], ['ir_r1_k3_s1_e6_c320'],
]
_EFFICIENTNETV2_BASE = [
    ['cn_r1_k3_s1_e1_c16_skip'], ['er_r2_k3_s2_e4_c32'], ['er_r2_k3_s2_e4_c48'], ['ir_r3_k3_s2_e4_c96_se0.25'],
    ['ir_r5_k3_s1_e6_c112_se0.25'], ['ir_r8_k3_s2_e6_c192_se0.25'],
]
_EFFICIENTNETV2_S = [
    ['cn_r2_k3_s1_e1_c24_skip'], ['er_r4_k3_s2_e4_c48'], ['er_r4_k3_s2_e4_c64'], ['ir_r6_k3_s2_e4_c128_se0.25'],
    ['ir_r9_k3_s1_e6_c160_se0.25'], ['ir_r15_k3_s2_e6_c256_se0.25'],
]
# timm's original reading of the paper ('rw'): a fused first stage, a wider last stage and head.
_EFFICIENTNETV2_RW_S = [['er_r2_k3_s1_e1_c24']] + _EFFICIENTNETV2_S[1:-1] + [['ir_r15_k3_s2_e6_c272_se0.25']]
_EFFICIENTNETV2_M = [
    ['cn_r3_k3_s1_e1_c24_skip'], ['er_r5_k3_s2_e4_c48'], ['er_r5_k3_s2_e4_c80'], ['ir_r7_k3_s2_e4_c160_se0.25'],
    ['ir_r14_k3_s1_e6_c176_se0.25'], ['ir_r18_k3_s2_e6_c304_se0.25'], ['ir_r5_k3_s1_e6_c512_se0.25'],
]
_EFFICIENTNETV2_L = [
    ['cn_r4_k3_s1_e1_c32_skip'], ['er_r7_k3_s2_e4_c64'], ['er_r7_k3_s2_e4_c96'], ['ir_r10_k3_s2_e4_c192_se0.25'],
    ['ir_r19_k3_s1_e6_c224_se0.25'], ['ir_r25_k3_s2_e6_c384_se0.25'], ['ir_r7_k3_s1_e6_c640_se0.25'],
]
_EFFICIENTNETV2_XL = [
    ['cn_r4_k3_s1_e1_c32_skip'], ['er_r8_k3_s2_e4_c64'], ['er_r8_k3_s2_e4_c96'], ['ir_r16_k3_s2_e4_c192_se0.25'],
    ['ir_r24_k3_s1_e6_c256_se0.25'], ['ir_r32_k3_s2_e6_c512_se0.25'], ['ir_r8_k3_s1_e6_c640_se0.25'],
]
_MIXNET_S = [
    ['ds_r1_k3_s1_e1_c16'],
    ['ir_r1_k3_a1.1_p1.1_s2_e6_c24', 'ir_r1_k3_a1.1_p1.1_s1_e3_c24'],
    ['ir_r1_k3.5.7_s2_e6_c40_se0.5_nsw', 'ir_r3_k3.5_a1.1_p1.1_s1_e6_c40_se0.5_nsw'],
    ['ir_r1_k3.5.7_p1.1_s2_e6_c80_se0.25_nsw', 'ir_r2_k3.5_p1.1_s1_e6_c80_se0.25_nsw'],
    ['ir_r1_k3.5.7_a1.1_p1.1_s1_e6_c120_se0.5_nsw', 'ir_r2_k3.5.7.9_a1.1_p1.1_s1_e3_c120_se0.5_nsw'],
    ['ir_r1_k3.5.7.9.11_s2_e6_c200_se0.5_nsw', 'ir_r2_k3.5.7.9_p1.1_s1_e6_c200_se0.5_nsw'],
]
_MIXNET_M = [
    ['ds_r1_k3_s1_e1_c24'],
    ['ir_r1_k3.5.7_a1.1_p1.1_s2_e6_c32', 'ir_r1_k3_a1.1_p1.1_s1_e3_c32'],
    ['ir_r1_k3.5.7.9_s2_e6_c40_se0.5_nsw', 'ir_r3_k3.5_a1.1_p1.1_s1_e6_c40_se0.5_nsw'],
    ['ir_r1_k3.5.7_s2_e6_c80_se0.25_nsw', 'ir_r3_k3.5.7.9_a1.1_p1.1_s1_e6_c80_se0.25_nsw'],
    ['ir_r1_k3_s1_e6_c120_se0.5_nsw', 'ir_r3_k3.5.7.9_a1.1_p1.1_s1_e3_c120_se0.5_nsw'],
    ['ir_r1_k3.5.7.9_s2_e6_c200_se0.5_nsw', 'ir_r3_k3.5.7.9_p1.1_s1_e6_c200_se0.5_nsw'],
]
_MOBILENET_EDGETPU = [
    ['cn_r1_k1_s1_c16'], ['er_r1_k3_s2_e8_c32', 'er_r3_k3_s1_e4_c32'], ['er_r1_k3_s2_e8_c48', 'er_r3_k3_s1_e4_c48'],
    ['ir_r1_k3_s2_e8_c96', 'ir_r3_k3_s1_e4_c96'], ['ir_r1_k3_s1_e8_c96_noskip', 'ir_r3_k3_s1_e4_c96'],
    ['ir_r1_k5_s2_e8_c160', 'ir_r3_k5_s1_e4_c160'], ['ir_r1_k3_s1_e8_c192'],
]
# EfficientNet-X (TPU/GPU-friendly search): a space-to-depth first block (`d1`), fused ReLU stages 2-3;
# version 2 (EfficientNet-H) has expansion 4 in stages 2-4.
_EFFICIENTNET_X = [
    ['ds_r1_k3_s1_e1_c16_se0.25_d1'], ['er_r2_k3_s2_e6_c24_se0.25_nre'], ['er_r2_k5_s2_e6_c40_se0.25_nre'],
    ['ir_r3_k3_s2_e6_c80_se0.25'], ['ir_r3_k5_s1_e6_c112_se0.25'], ['ir_r4_k5_s2_e6_c192_se0.25'],
    ['ir_r1_k3_s1_e6_c320_se0.25'],
]
_EFFICIENTNET_X_V2 = [
    ['ds_r1_k3_s1_e1_c16_se0.25_d1'], ['er_r2_k3_s2_e4_c24_se0.25_nre'], ['er_r2_k5_s2_e4_c40_se0.25_nre'],
    ['ir_r3_k3_s2_e4_c80_se0.25'], ['ir_r3_k5_s1_e6_c112_se0.25'], ['ir_r4_k5_s2_e6_c192_se0.25'],
    ['ir_r1_k3_s1_e6_c320_se0.25'],
]
_TEST_EFFICIENTNET = [
    ['cn_r1_k3_s1_e1_c16_skip'], ['er_r1_k3_s2_e4_c24'], ['er_r1_k3_s2_e4_c32'], ['ir_r1_k3_s2_e4_c48_se0.25'],
    ['ir_r1_k3_s2_e4_c64_se0.25'],
]


def _edgetpu_v2_def(chs: List[int], group_size: int) -> List[List[str]]:
    return [
        [f'cn_r1_k1_s1_c{chs[0]}'],
        [f'er_r1_k3_s2_e8_c{chs[1]}', f'er_r1_k3_s1_e4_gs{group_size}_c{chs[1]}'],
        [f'er_r1_k3_s2_e8_c{chs[2]}', f'er_r1_k3_s1_e4_gs{group_size}_c{chs[2]}', f'er_r1_k3_s1_e4_c{chs[2]}',
         f'er_r1_k3_s1_e4_gs{group_size}_c{chs[2]}'],
        [f'er_r1_k3_s2_e8_c{chs[3]}', f'ir_r3_k3_s1_e4_c{chs[3]}'],
        [f'ir_r1_k3_s1_e8_c{chs[4]}', f'ir_r3_k3_s1_e4_c{chs[4]}'],
        [f'ir_r1_k3_s2_e8_c{chs[5]}', f'ir_r3_k3_s1_e4_c{chs[5]}'],
        [f'ir_r1_k3_s1_e8_c{chs[6]}'],
    ]


def _mnasnet(arch_def: List[List[str]], channel_multiplier: float, stem_size: int = 32, **kwargs: Any) -> EfficientNet:
    return _create(arch_def, stem_size=stem_size, round_chs_fn=_rc(channel_multiplier), **kwargs)


def _mobilenet_v1(channel_multiplier: float = 1.0, depth_multiplier: float = 1.0, group_size: Optional[int] = None,
                  fix_stem_head: bool = False, head_conv: bool = False, **kwargs: Any) -> EfficientNet:
    round_chs_fn = _rc(channel_multiplier)
    head = (1024 if fix_stem_head else max(1024, round_chs_fn(1024))) if head_conv else 0
    return _create(_MOBILENETV1, depth_multiplier=depth_multiplier, fix_first_last=fix_stem_head,
                   group_size=group_size, num_features=head, stem_size=32, fix_stem=fix_stem_head,
                   round_chs_fn=round_chs_fn, **_act(kwargs, 'relu6'))


def _mobilenet_v2(channel_multiplier: float = 1.0, depth_multiplier: float = 1.0, group_size: Optional[int] = None,
                  fix_stem_head: bool = False, **kwargs: Any) -> EfficientNet:
    round_chs_fn = _rc(channel_multiplier)
    return _create(_MOBILENETV2, depth_multiplier=depth_multiplier, fix_first_last=fix_stem_head,
                   group_size=group_size, num_features=1280 if fix_stem_head else max(1280, round_chs_fn(1280)),
                   stem_size=32, fix_stem=fix_stem_head, round_chs_fn=round_chs_fn, **_act(kwargs, 'relu6'))


def _efficientnet(channel_multiplier: float = 1.0, depth_multiplier: float = 1.0, channel_divisor: int = 8,
                  group_size: Optional[int] = None, **kwargs: Any) -> EfficientNet:
    round_chs_fn = _rc(channel_multiplier, divisor=channel_divisor)
    return _create(_EFFICIENTNET, depth_multiplier=depth_multiplier, group_size=group_size,
                   num_features=round_chs_fn(1280), stem_size=32, round_chs_fn=round_chs_fn, **_act(kwargs, 'swish'))


def _efficientnet_x(channel_multiplier: float = 1.0, depth_multiplier: float = 1.0, channel_divisor: int = 8,
                    group_size: Optional[int] = None, version: int = 1, **kwargs: Any) -> EfficientNet:
    round_chs_fn = _rc(channel_multiplier, divisor=channel_divisor)
    return _create(_EFFICIENTNET_X if version == 1 else _EFFICIENTNET_X_V2, depth_multiplier=depth_multiplier,
                   group_size=group_size, num_features=round_chs_fn(1280), stem_size=32, round_chs_fn=round_chs_fn,
                   **_act(kwargs, 'silu'))


def _norm(kwargs: Dict[str, Any], default: Callable[..., nn.Module]) -> Dict[str, Any]:
    return {'norm_layer': default, **kwargs}


def _group_norm(group_size: int) -> Callable[..., nn.Module]:
    return partial(GroupNormAct, group_size=group_size)


def _evo_norm(group_size: int) -> Callable[..., nn.Module]:
    """EvoNorm-S0 in the norm_act form; it carries its own non-linearity, so act_layer is ignored (as in timm)."""
    def make(channels: int, act_layer: Any = None, apply_act: bool = True) -> nn.Module:
        return EvoNorm2dS0(channels, group_size=group_size, apply_act=apply_act)
    return make


def _efficientnet_edge(channel_multiplier: float = 1.0, depth_multiplier: float = 1.0,
                       group_size: Optional[int] = None, **kwargs: Any) -> EfficientNet:
    round_chs_fn = _rc(channel_multiplier)
    return _create(_EFFICIENTNET_EDGE, depth_multiplier=depth_multiplier, group_size=group_size,
                   num_features=round_chs_fn(1280), stem_size=32, round_chs_fn=round_chs_fn, **_act(kwargs, 'relu'))


def _efficientnet_condconv(channel_multiplier: float = 1.0, depth_multiplier: float = 1.0, experts_multiplier: int = 1,
                           **kwargs: Any) -> EfficientNet:
    round_chs_fn = _rc(channel_multiplier)
    return _create(_EFFICIENTNET_CC, depth_multiplier=depth_multiplier, experts_multiplier=experts_multiplier,
                   num_features=round_chs_fn(1280), stem_size=32, round_chs_fn=round_chs_fn, **_act(kwargs, 'swish'))


def _efficientnet_lite(channel_multiplier: float = 1.0, depth_multiplier: float = 1.0, **kwargs: Any) -> EfficientNet:
    # Lite keeps the stem, the head and the first and last stages at their B0 size, uses ReLU6 and no SE.
    return _create(_EFFICIENTNET_LITE, depth_multiplier=depth_multiplier, fix_first_last=True, num_features=1280,
                   stem_size=32, fix_stem=True, round_chs_fn=_rc(channel_multiplier), **_act(kwargs, 'relu6'))


def _efficientnetv2_base(channel_multiplier: float = 1.0, depth_multiplier: float = 1.0,
                         group_size: Optional[int] = None, **kwargs: Any) -> EfficientNet:
    round_chs_fn = _rc(channel_multiplier, round_limit=0.0)
    return _create(_EFFICIENTNETV2_BASE, depth_multiplier=depth_multiplier, group_size=group_size,
                   num_features=round_chs_fn(1280), stem_size=32, round_chs_fn=round_chs_fn, **_act(kwargs, 'silu'))


def _efficientnetv2_s(channel_multiplier: float = 1.0, depth_multiplier: Any = 1.0, group_size: Optional[int] = None,
                      rw: bool = False, **kwargs: Any) -> EfficientNet:
    round_chs_fn = _rc(channel_multiplier)
    return _create(_EFFICIENTNETV2_RW_S if rw else _EFFICIENTNETV2_S, depth_multiplier=depth_multiplier,
                   group_size=group_size, num_features=round_chs_fn(1792 if rw else 1280), stem_size=24,
                   round_chs_fn=round_chs_fn, **_act(kwargs, 'silu'))


def _efficientnetv2(arch_def: List[List[str]], stem_size: int, channel_multiplier: float = 1.0,
                    depth_multiplier: float = 1.0, group_size: Optional[int] = None, **kwargs: Any) -> EfficientNet:
    return _create(arch_def, depth_multiplier=depth_multiplier, group_size=group_size, num_features=1280,
                   stem_size=stem_size, round_chs_fn=_rc(channel_multiplier), **_act(kwargs, 'silu'))


def _mixnet_s(channel_multiplier: float = 1.0, **kwargs: Any) -> EfficientNet:
    return _create(_MIXNET_S, num_features=1536, stem_size=16, round_chs_fn=_rc(channel_multiplier), **kwargs)


def _mixnet_m(channel_multiplier: float = 1.0, depth_multiplier: float = 1.0, **kwargs: Any) -> EfficientNet:
    return _create(_MIXNET_M, depth_multiplier=depth_multiplier, depth_trunc='round', num_features=1536,
                   stem_size=24, round_chs_fn=_rc(channel_multiplier), **kwargs)


def _tinynet(model_width: float = 1.0, depth_multiplier: float = 1.0, **kwargs: Any) -> EfficientNet:
    return _create(_EFFICIENTNET, depth_multiplier=depth_multiplier, depth_trunc='round',
                   num_features=max(1280, round_channels(1280, model_width, 8, None)), stem_size=32, fix_stem=True,
                   round_chs_fn=_rc(model_width), **_act(kwargs, 'swish'))


_EDGETPU_V2 = {  # stem size, stem kernel, group size, channels, head width
    'xs': (32, 3, 64, [16, 32, 48, 96, 144, 160, 192], 1280),
    's': (64, 5, 64, [24, 48, 64, 128, 160, 192, 256], 1280),
    'm': (64, 5, 64, [32, 64, 80, 160, 192, 240, 320], 1344),
    'l': (64, 7, 128, [32, 64, 96, 192, 240, 256, 384], 1408),
}


def _mobilenet_edgetpu(size: Optional[str] = None, channel_multiplier: float = 1.0, depth_multiplier: float = 1.0,
                       **kwargs: Any) -> EfficientNet:
    if size is None:
        arch_def, stem_size, stem_kernel, num_features = _MOBILENET_EDGETPU, 32, 3, 1280
    else:
        stem_size, stem_kernel, group_size, chs, num_features = _EDGETPU_V2[size]
        arch_def = _edgetpu_v2_def(chs, group_size)
    return _create(arch_def, depth_multiplier=depth_multiplier, num_features=num_features, stem_size=stem_size,
                   stem_kernel_size=stem_kernel, round_chs_fn=_rc(channel_multiplier), **_act(kwargs, 'relu'))


def _test_efficientnet(channel_multiplier: float = 1.0, depth_multiplier: float = 1.0, **kwargs: Any) -> EfficientNet:
    round_chs_fn = _rc(channel_multiplier, round_limit=0.0)
    return _create(_TEST_EFFICIENTNET, depth_multiplier=depth_multiplier, num_features=round_chs_fn(256),
                   stem_size=24, round_chs_fn=round_chs_fn, **_act(kwargs, 'silu'))


@register_model
def mnasnet_050(**kwargs: Any) -> EfficientNet:
    return _mnasnet(_MNASNET_B1, 0.5, **kwargs)

@register_model
def mnasnet_075(**kwargs: Any) -> EfficientNet:
    return _mnasnet(_MNASNET_B1, 0.75, **kwargs)

@register_model
def mnasnet_100(**kwargs: Any) -> EfficientNet:
    return _mnasnet(_MNASNET_B1, 1.0, **kwargs)

@register_model
def mnasnet_140(**kwargs: Any) -> EfficientNet:
    return _mnasnet(_MNASNET_B1, 1.4, **kwargs)

@register_model
def semnasnet_050(**kwargs: Any) -> EfficientNet:
    return _mnasnet(_MNASNET_A1, 0.5, **kwargs)

@register_model
def semnasnet_075(**kwargs: Any) -> EfficientNet:
    return _mnasnet(_MNASNET_A1, 0.75, **kwargs)

@register_model
def semnasnet_100(**kwargs: Any) -> EfficientNet:
    return _mnasnet(_MNASNET_A1, 1.0, **kwargs)

@register_model
def semnasnet_140(**kwargs: Any) -> EfficientNet:
    return _mnasnet(_MNASNET_A1, 1.4, **kwargs)

@register_model
def mnasnet_small(**kwargs: Any) -> EfficientNet:
    return _mnasnet(_MNASNET_SMALL, 1.0, stem_size=8, **kwargs)

@register_model
def mobilenetv1_100(**kwargs: Any) -> EfficientNet:
    return _mobilenet_v1(1.0, **kwargs)

@register_model
def mobilenetv1_100h(**kwargs: Any) -> EfficientNet:
    return _mobilenet_v1(1.0, head_conv=True, **kwargs)

@register_model
def mobilenetv1_125(**kwargs: Any) -> EfficientNet:
    return _mobilenet_v1(1.25, **kwargs)

@register_model
def mobilenetv2_035(**kwargs: Any) -> EfficientNet:
    return _mobilenet_v2(0.35, **kwargs)

@register_model
def mobilenetv2_050(**kwargs: Any) -> EfficientNet:
    return _mobilenet_v2(0.5, **kwargs)

@register_model
def mobilenetv2_075(**kwargs: Any) -> EfficientNet:
    return _mobilenet_v2(0.75, **kwargs)

@register_model
def mobilenetv2_100(**kwargs: Any) -> EfficientNet:
    return _mobilenet_v2(1.0, **kwargs)

@register_model
def mobilenetv2_140(**kwargs: Any) -> EfficientNet:
    return _mobilenet_v2(1.4, **kwargs)

@register_model
def mobilenetv2_110d(**kwargs: Any) -> EfficientNet:
    return _mobilenet_v2(1.1, depth_multiplier=1.2, fix_stem_head=True, **kwargs)

@register_model
def mobilenetv2_120d(**kwargs: Any) -> EfficientNet:
    return _mobilenet_v2(1.2, depth_multiplier=1.4, fix_stem_head=True, **kwargs)

@register_model
def fbnetc_100(**kwargs: Any) -> EfficientNet:
    return _create(_FBNETC, stem_size=16, num_features=1984, round_chs_fn=_rc(1.0), **{'bn_eps': BN_EPS_TF, **kwargs})

@register_model
def spnasnet_100(**kwargs: Any) -> EfficientNet:
    return _mnasnet(_SPNASNET, 1.0, **kwargs)

@register_model
def efficientnet_b0(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.0, 1.0, **kwargs)

@register_model
def efficientnet_b1(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.0, 1.1, **kwargs)

@register_model
def efficientnet_b2(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.1, 1.2, **kwargs)

@register_model
def efficientnet_b3(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.2, 1.4, **kwargs)

@register_model
def efficientnet_b4(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.4, 1.8, **kwargs)

@register_model
def efficientnet_b5(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.6, 2.2, **kwargs)

@register_model
def efficientnet_b6(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.8, 2.6, **kwargs)

@register_model
def efficientnet_b7(**kwargs: Any) -> EfficientNet:
    return _efficientnet(2.0, 3.1, **kwargs)

@register_model
def efficientnet_b8(**kwargs: Any) -> EfficientNet:
    return _efficientnet(2.2, 3.6, **kwargs)

@register_model
def efficientnet_l2(**kwargs: Any) -> EfficientNet:
    return _efficientnet(4.3, 5.3, **kwargs)

@register_model
def efficientnet_b1_pruned(**kwargs: Any) -> EfficientNet:
    return adapt_to_pruned(_efficientnet(1.0, 1.1, **_tf(kwargs)), 'efficientnet_b1_pruned')

@register_model
def efficientnet_b2_pruned(**kwargs: Any) -> EfficientNet:
    return adapt_to_pruned(_efficientnet(1.1, 1.2, **_tf(kwargs)), 'efficientnet_b2_pruned')

@register_model
def efficientnet_b3_pruned(**kwargs: Any) -> EfficientNet:
    return adapt_to_pruned(_efficientnet(1.2, 1.4, **_tf(kwargs)), 'efficientnet_b3_pruned')

@register_model
def efficientnet_es(**kwargs: Any) -> EfficientNet:
    return _efficientnet_edge(1.0, 1.0, **kwargs)

@register_model
def efficientnet_es_pruned(**kwargs: Any) -> EfficientNet:
    return _efficientnet_edge(1.0, 1.0, **kwargs)

@register_model
def efficientnet_em(**kwargs: Any) -> EfficientNet:
    return _efficientnet_edge(1.0, 1.1, **kwargs)

@register_model
def efficientnet_el(**kwargs: Any) -> EfficientNet:
    return _efficientnet_edge(1.2, 1.4, **kwargs)

@register_model
def efficientnet_el_pruned(**kwargs: Any) -> EfficientNet:
    return _efficientnet_edge(1.2, 1.4, **kwargs)

@register_model
def efficientnet_cc_b0_4e(**kwargs: Any) -> EfficientNet:
    return _efficientnet_condconv(1.0, 1.0, **kwargs)

@register_model
def efficientnet_cc_b0_8e(**kwargs: Any) -> EfficientNet:
    return _efficientnet_condconv(1.0, 1.0, experts_multiplier=2, **kwargs)

@register_model
def efficientnet_cc_b1_8e(**kwargs: Any) -> EfficientNet:
    return _efficientnet_condconv(1.0, 1.1, experts_multiplier=2, **kwargs)

@register_model
def efficientnet_lite0(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.0, 1.0, **kwargs)

@register_model
def efficientnet_lite1(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.0, 1.1, **kwargs)

@register_model
def efficientnet_lite2(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.1, 1.2, **kwargs)

@register_model
def efficientnet_lite3(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.2, 1.4, **kwargs)

@register_model
def efficientnet_lite4(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.4, 1.8, **kwargs)

@register_model
def efficientnetv2_rw_t(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2_s(0.8, 0.9, **kwargs)

@register_model
def efficientnetv2_rw_s(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2_s(rw=True, **kwargs)

@register_model
def efficientnetv2_rw_m(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2_s(1.2, (1.2,) * 4 + (1.6,) * 2, rw=True, **kwargs)

@register_model
def efficientnetv2_s(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2_s(**kwargs)

@register_model
def efficientnetv2_m(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2(_EFFICIENTNETV2_M, 24, **kwargs)

@register_model
def efficientnetv2_l(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2(_EFFICIENTNETV2_L, 32, **kwargs)

@register_model
def efficientnetv2_xl(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2(_EFFICIENTNETV2_XL, 32, **kwargs)

@register_model
def tf_efficientnet_b0(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.0, 1.0, **_tf(kwargs))

@register_model
def tf_efficientnet_b1(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.0, 1.1, **_tf(kwargs))

@register_model
def tf_efficientnet_b2(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.1, 1.2, **_tf(kwargs))

@register_model
def tf_efficientnet_b3(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.2, 1.4, **_tf(kwargs))

@register_model
def tf_efficientnet_b4(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.4, 1.8, **_tf(kwargs))

@register_model
def tf_efficientnet_b5(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.6, 2.2, **_tf(kwargs))

@register_model
def tf_efficientnet_b6(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.8, 2.6, **_tf(kwargs))

@register_model
def tf_efficientnet_b7(**kwargs: Any) -> EfficientNet:
    return _efficientnet(2.0, 3.1, **_tf(kwargs))

@register_model
def tf_efficientnet_b8(**kwargs: Any) -> EfficientNet:
    return _efficientnet(2.2, 3.6, **_tf(kwargs))

@register_model
def tf_efficientnet_l2(**kwargs: Any) -> EfficientNet:
    return _efficientnet(4.3, 5.3, **_tf(kwargs))

@register_model
def tf_efficientnet_es(**kwargs: Any) -> EfficientNet:
    return _efficientnet_edge(1.0, 1.0, **_tf(kwargs))

@register_model
def tf_efficientnet_em(**kwargs: Any) -> EfficientNet:
    return _efficientnet_edge(1.0, 1.1, **_tf(kwargs))

@register_model
def tf_efficientnet_el(**kwargs: Any) -> EfficientNet:
    return _efficientnet_edge(1.2, 1.4, **_tf(kwargs))

@register_model
def tf_efficientnet_cc_b0_4e(**kwargs: Any) -> EfficientNet:
    return _efficientnet_condconv(1.0, 1.0, **_tf(kwargs))

@register_model
def tf_efficientnet_cc_b0_8e(**kwargs: Any) -> EfficientNet:
    return _efficientnet_condconv(1.0, 1.0, experts_multiplier=2, **_tf(kwargs))

@register_model
def tf_efficientnet_cc_b1_8e(**kwargs: Any) -> EfficientNet:
    return _efficientnet_condconv(1.0, 1.1, experts_multiplier=2, **_tf(kwargs))

@register_model
def tf_efficientnet_lite0(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.0, 1.0, **_tf(kwargs))

@register_model
def tf_efficientnet_lite1(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.0, 1.1, **_tf(kwargs))

@register_model
def tf_efficientnet_lite2(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.1, 1.2, **_tf(kwargs))

@register_model
def tf_efficientnet_lite3(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.2, 1.4, **_tf(kwargs))

@register_model
def tf_efficientnet_lite4(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.4, 1.8, **_tf(kwargs))

@register_model
def tf_efficientnetv2_s(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2_s(**_tf(kwargs))

@register_model
def tf_efficientnetv2_m(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2(_EFFICIENTNETV2_M, 24, **_tf(kwargs))

@register_model
def tf_efficientnetv2_l(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2(_EFFICIENTNETV2_L, 32, **_tf(kwargs))

@register_model
def tf_efficientnetv2_xl(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2(_EFFICIENTNETV2_XL, 32, **_tf(kwargs))

@register_model
def tf_efficientnetv2_b0(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2_base(1.0, 1.0, **_tf(kwargs))

@register_model
def tf_efficientnetv2_b1(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2_base(1.0, 1.1, **_tf(kwargs))

@register_model
def tf_efficientnetv2_b2(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2_base(1.1, 1.2, **_tf(kwargs))

@register_model
def tf_efficientnetv2_b3(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2_base(1.2, 1.4, **_tf(kwargs))

@register_model
def mixnet_s(**kwargs: Any) -> EfficientNet:
    return _mixnet_s(1.0, **kwargs)

@register_model
def mixnet_m(**kwargs: Any) -> EfficientNet:
    return _mixnet_m(1.0, **kwargs)

@register_model
def mixnet_l(**kwargs: Any) -> EfficientNet:
    return _mixnet_m(1.3, **kwargs)

@register_model
def mixnet_xl(**kwargs: Any) -> EfficientNet:
    return _mixnet_m(1.6, 1.2, **kwargs)

@register_model
def mixnet_xxl(**kwargs: Any) -> EfficientNet:
    return _mixnet_m(2.4, 1.3, **kwargs)

@register_model
def tf_mixnet_s(**kwargs: Any) -> EfficientNet:
    return _mixnet_s(1.0, **_tf(kwargs))

@register_model
def tf_mixnet_m(**kwargs: Any) -> EfficientNet:
    return _mixnet_m(1.0, **_tf(kwargs))

@register_model
def tf_mixnet_l(**kwargs: Any) -> EfficientNet:
    return _mixnet_m(1.3, **_tf(kwargs))

@register_model
def tinynet_a(**kwargs: Any) -> EfficientNet:
    return _tinynet(1.0, 1.2, **kwargs)

@register_model
def tinynet_b(**kwargs: Any) -> EfficientNet:
    return _tinynet(0.75, 1.1, **kwargs)

@register_model
def tinynet_c(**kwargs: Any) -> EfficientNet:
    return _tinynet(0.54, 0.85, **kwargs)

@register_model
def tinynet_d(**kwargs: Any) -> EfficientNet:
    return _tinynet(0.54, 0.695, **kwargs)

@register_model
def tinynet_e(**kwargs: Any) -> EfficientNet:
    return _tinynet(0.51, 0.6, **kwargs)

@register_model
def mobilenet_edgetpu_100(**kwargs: Any) -> EfficientNet:
    return _mobilenet_edgetpu(**kwargs)

@register_model
def mobilenet_edgetpu_v2_xs(**kwargs: Any) -> EfficientNet:
    return _mobilenet_edgetpu('xs', **kwargs)

@register_model
def mobilenet_edgetpu_v2_s(**kwargs: Any) -> EfficientNet:
    return _mobilenet_edgetpu('s', **kwargs)

@register_model
def mobilenet_edgetpu_v2_m(**kwargs: Any) -> EfficientNet:
    return _mobilenet_edgetpu('m', **kwargs)

@register_model
def mobilenet_edgetpu_v2_l(**kwargs: Any) -> EfficientNet:
    return _mobilenet_edgetpu('l', **kwargs)

@register_model
def test_efficientnet(**kwargs: Any) -> EfficientNet:
    return _test_efficientnet(**kwargs)


# Norm-layer, anti-aliasing and attention variants, EfficientNet-X/H.

@register_model
def efficientnet_b0_gn(**kwargs: Any) -> EfficientNet:
    return _efficientnet(**_norm(kwargs, _group_norm(8)))

@register_model
def efficientnet_b0_g8_gn(**kwargs: Any) -> EfficientNet:
    return _efficientnet(group_size=8, **_norm(kwargs, _group_norm(8)))

@register_model
def efficientnet_b0_g16_evos(**kwargs: Any) -> EfficientNet:
    # Despite its name, timm builds it with batch norm (its EvoNorm argument is commented out).
    return _efficientnet(group_size=16, channel_divisor=16, **kwargs)

@register_model
def efficientnet_b3_gn(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.2, 1.4, channel_divisor=16, **_norm(kwargs, _group_norm(16)))

@register_model
def efficientnet_b3_g8_gn(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.2, 1.4, group_size=8, channel_divisor=16, **_norm(kwargs, _group_norm(16)))

@register_model
def efficientnet_blur_b0(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.0, 1.0, **{'aa_layer': 'blurpc', **kwargs})

@register_model
def gc_efficientnetv2_rw_t(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2_s(0.8, 0.9, **{'se_layer': GlobalContext, **kwargs})

@register_model
def efficientnet_x_b3(**kwargs: Any) -> EfficientNet:
    return _efficientnet_x(1.2, 1.4, **kwargs)

@register_model
def efficientnet_x_b5(**kwargs: Any) -> EfficientNet:
    return _efficientnet_x(1.6, 2.2, **kwargs)

@register_model
def efficientnet_h_b5(**kwargs: Any) -> EfficientNet:
    return _efficientnet_x(1.92, 2.2, version=2, **kwargs)

@register_model
def test_efficientnet_gn(**kwargs: Any) -> EfficientNet:
    return _test_efficientnet(**_norm(kwargs, _group_norm(8)))

@register_model
def test_efficientnet_ln(**kwargs: Any) -> EfficientNet:
    return _test_efficientnet(**_norm(kwargs, LayerNormAct2d))

@register_model
def test_efficientnet_evos(**kwargs: Any) -> EfficientNet:
    return _test_efficientnet(**_norm(kwargs, _evo_norm(8)))
