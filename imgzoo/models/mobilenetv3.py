"""MobileNetV3 (Howard et al. 2019).

Module and parameter names follow timm's `mobilenetv3.py`, so its checkpoints load strictly.
The body uses the shared mobile blocks (`_efficientnet_builder`) with hard-swish and
squeeze-excite gated by a hard sigmoid. The "efficient head" pools first, then applies a 1x1
conv with bias and an activation (no batch norm) before the classifier, so `num_features` (the
last stage's width) differs from the width `forward_head(pre_logits=True)` returns (`head_hidden_size`).
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Optional, Sequence

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from ..layers import GlobalPool2d, check_num_classes, create_act, create_conv2d
from ..layers.norm_act import BatchNormAct2d
from ..registry import register_model
from ._efficientnet_builder import (
    BN_EPS_TF, MOBILENETV3_SE, BlockDef, SqueezeExciteCfg, build_stages, cn, ds, expand_stages, init_weights_goog, ir,
    round_channels,
)



class MobileNetV3(nn.Module):
    """Stem, mobile-block stages, pooled 1x1 head conv + act, classifier; see the module docstring."""

    def __init__(
        self,
        stages: Sequence[Sequence[BlockDef]],
        num_classes: int = 1000,
        in_chans: int = 3,
        global_pool: str = 'avg',
        num_features: int = 1280,
        stem_size: int = 16,
        fix_stem: bool = False,
        head_bias: bool = True,
        round_chs: Callable[[int], int] = round_channels,
        act_layer: str = 'hard_swish',
        pad_type: str = '',
        bn_eps: float = 1e-5,
        bn_momentum: float = 0.1,
        se_cfg: SqueezeExciteCfg = MOBILENETV3_SE,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
    ) -> None:
        super().__init__()
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate

        if not fix_stem:
            stem_size = round_chs(stem_size)
        self.conv_stem = create_conv2d(in_chans, stem_size, 3, stride=2, padding=pad_type)
        self.bn1 = BatchNormAct2d(stem_size, eps=bn_eps, momentum=bn_momentum, act_layer=act_layer)
        stages_built, out_chs = build_stages(
            stages, stem_size, round_chs=round_chs, act_layer=act_layer, pad_type=pad_type,
            bn_eps=bn_eps, bn_momentum=bn_momentum, se_cfg=se_cfg, drop_path_rate=drop_path_rate,
        )
        self.blocks = nn.Sequential(*stages_built)
        self.num_features = out_chs
        self.head_hidden_size = num_features

        self.global_pool = GlobalPool2d(global_pool, flatten=False)
        self.conv_head = create_conv2d(
            self.num_features * self.global_pool.feat_mult(), num_features, 1, padding=pad_type, bias=head_bias)
        self.act2 = create_act(act_layer, inplace=True)
        self.flatten = nn.Flatten(1) if global_pool else nn.Identity()
        self.classifier = self._new_classifier()
        init_weights_goog(self)

    def _new_classifier(self) -> nn.Module:
        return nn.Linear(self.head_hidden_size, self.num_classes) if self.num_classes > 0 else nn.Identity()

    def init_new_module(self, name: str, module: nn.Module) -> None:
        """Initialise a module that loaded weights did not cover (e.g. a new classifier)."""
        init_weights_goog(module)

    def get_classifier(self) -> nn.Module:
        return self.classifier

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier; the pooling may change only to one of the same width (the head conv stays)."""
        self.num_classes = check_num_classes(num_classes)
        if global_pool is not None:
            pool = GlobalPool2d(global_pool, flatten=False)
            if pool.feat_mult() != self.global_pool.feat_mult():
                raise InvalidModelArgsError(
                    f"MobileNetV3 cannot switch global_pool from {self.global_pool.pool_type!r} to {global_pool!r}: "
                    "the head conv after pooling is sized for the current pooled width. "
                    "Choose a pooling of the same width ('avg', 'max', 'avgmax'), or create the model with it."
                )
            self.global_pool = pool
            self.flatten = nn.Flatten(1) if global_pool else nn.Identity()
        self.classifier = self._new_classifier()
        init_weights_goog(self.classifier)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bn1(self.conv_stem(x))
        return self.blocks(x)

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.global_pool(x)
        x = self.flatten(self.act2(self.conv_head(x)))
        if self.drop_rate:
            x = F.dropout(x, p=float(self.drop_rate), training=self.training)
        return x if pre_logits else self.classifier(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))


_LARGE = (
    (ds(1, 3, 1, 16, act='relu'),),
    (ir(1, 3, 2, 4, 24, act='relu'), ir(1, 3, 1, 3, 24, act='relu')),
    (ir(3, 5, 2, 3, 40, se=0.25, act='relu'),),
    (ir(1, 3, 2, 6, 80), ir(1, 3, 1, 2.5, 80), ir(2, 3, 1, 2.3, 80)),
    (ir(2, 3, 1, 6, 112, se=0.25),),
    (ir(3, 5, 2, 6, 160, se=0.25),),
    (cn(1, 1, 1, 960),),
)
_SMALL = (
    (ds(1, 3, 2, 16, se=0.25, act='relu'),),
    (ir(1, 3, 2, 4.5, 24, act='relu'), ir(1, 3, 1, 3.67, 24, act='relu')),
    (ir(1, 5, 2, 4, 40, se=0.25), ir(2, 5, 1, 6, 40, se=0.25)),
    (ir(2, 5, 1, 3, 48, se=0.25),),
    (ir(3, 5, 2, 6, 96, se=0.25),),
    (cn(1, 1, 1, 576),),
)


def _mobilenetv3(stages: Sequence[Sequence[BlockDef]], num_features: int, channel_multiplier: float = 1.0,
                 **kwargs: Any) -> MobileNetV3:
    return MobileNetV3(
        expand_stages(stages), num_features=num_features, stem_size=16, fix_stem=channel_multiplier < 0.75,
        round_chs=partial(round_channels, multiplier=channel_multiplier), **kwargs,
    )


@register_model
def mobilenetv3_large_100(**kwargs: Any) -> MobileNetV3:
    return _mobilenetv3(_LARGE, 1280, **kwargs)


@register_model
def mobilenetv3_small_100(**kwargs: Any) -> MobileNetV3:
    return _mobilenetv3(_SMALL, 1024, **kwargs)


@register_model
def tf_mobilenetv3_large_100(**kwargs: Any) -> MobileNetV3:
    return _mobilenetv3(_LARGE, 1280, **{'pad_type': 'same', 'bn_eps': BN_EPS_TF, **kwargs})
