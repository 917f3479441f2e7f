"""EfficientNet (Tan & Le 2019), EfficientNet-Lite, EfficientNetV2 (Tan & Le 2021) and MobileNetV2 (Sandler et al. 2018).

Module and parameter names follow timm's `efficientnet.py`, so its checkpoints load strictly.
All share one layout: a strided 3x3 stem, stages of mobile blocks built from compact tables
(`_efficientnet_builder`), a 1x1 head conv, global pooling and a linear classifier. The `tf_`
variants reproduce TensorFlow's checkpoints exactly: 'same' padding computed from each input's
size and batch-norm epsilon 1e-3.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Optional, Sequence

import torch
from torch import nn
from torch.nn import functional as F

from ..layers import check_num_classes, create_classifier, create_conv2d
from ..layers.norm_act import BatchNormAct2d
from ..registry import register_model
from ._efficientnet_builder import (
    BN_EPS_TF, EFFICIENTNET_SE, BlockDef, SqueezeExciteCfg, Stage, build_stages, cn, ds, er, expand_stages, init_weights_goog,
    ir, round_channels,
)



class EfficientNet(nn.Module):
    """Stem, mobile-block stages, 1x1 head conv with BN+act, pooling and classifier; see the module docstring.

    `stages` holds one BlockDef per block (see `expand_stages`); `round_chs` maps a table's channel
    count to the built width.
    """

    def __init__(
        self,
        stages: Sequence[Sequence[BlockDef]],
        num_classes: int = 1000,
        in_chans: int = 3,
        global_pool: str = 'avg',
        num_features: int = 1280,
        stem_size: int = 32,
        fix_stem: bool = False,
        round_chs: Callable[[int], int] = round_channels,
        act_layer: str = 'silu',
        pad_type: str = '',
        bn_eps: float = 1e-5,
        bn_momentum: float = 0.1,
        se_cfg: SqueezeExciteCfg = EFFICIENTNET_SE,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
    ) -> None:
        super().__init__()
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate
        norm_act = partial(BatchNormAct2d, eps=bn_eps, momentum=bn_momentum, act_layer=act_layer)

        if not fix_stem:
            stem_size = round_chs(stem_size)
        self.conv_stem = create_conv2d(in_chans, stem_size, 3, stride=2, padding=pad_type)
        self.bn1 = norm_act(stem_size)
        stages_built, head_chs = build_stages(
            stages, stem_size, round_chs=round_chs, act_layer=act_layer, pad_type=pad_type,
            bn_eps=bn_eps, bn_momentum=bn_momentum, se_cfg=se_cfg, drop_path_rate=drop_path_rate,
        )
        self.blocks = nn.Sequential(*stages_built)
        self.conv_head = create_conv2d(head_chs, num_features, 1, padding=pad_type)
        self.bn2 = norm_act(num_features)
        self.num_features = num_features
        self.global_pool, self.classifier = create_classifier(self.num_features, self.num_classes, pool_type=global_pool)
        self.head_hidden_size = self.num_features * self.global_pool.feat_mult()
        init_weights_goog(self)

    def init_new_module(self, name: str, module: nn.Module) -> None:
        """Initialise a module that loaded weights did not cover (e.g. a new classifier)."""
        init_weights_goog(module)

    def get_classifier(self) -> nn.Module:
        return self.classifier

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and optionally the pooling) with a fresh one."""
        self.num_classes = check_num_classes(num_classes)
        pool_type = self.global_pool.pool_type if global_pool is None else global_pool
        self.global_pool, self.classifier = create_classifier(self.num_features, self.num_classes, pool_type=pool_type)
        self.head_hidden_size = self.num_features * self.global_pool.feat_mult()
        init_weights_goog(self.classifier)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bn1(self.conv_stem(x))
        x = self.blocks(x)
        return self.bn2(self.conv_head(x))

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.global_pool(x)
        if self.drop_rate:
            x = F.dropout(x, p=float(self.drop_rate), training=self.training)
        return x if pre_logits else self.classifier(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))


def _tf_defaults(kwargs: dict) -> dict:
    """TensorFlow-ported weights: 'same' padding and BN epsilon 1e-3 unless the caller overrides them."""
    return {'pad_type': 'same', 'bn_eps': BN_EPS_TF, **kwargs}


_EFFICIENTNET = (
    (ds(1, 3, 1, 16, se=0.25),),
    (ir(2, 3, 2, 6, 24, se=0.25),),
    (ir(2, 5, 2, 6, 40, se=0.25),),
    (ir(3, 3, 2, 6, 80, se=0.25),),
    (ir(3, 5, 1, 6, 112, se=0.25),),
    (ir(4, 5, 2, 6, 192, se=0.25),),
    (ir(1, 3, 1, 6, 320, se=0.25),),
)


def _efficientnet(channel_multiplier: float, depth_multiplier: float, **kwargs: Any) -> EfficientNet:
    round_chs = partial(round_channels, multiplier=channel_multiplier)
    return EfficientNet(
        expand_stages(_EFFICIENTNET, depth_multiplier), num_features=round_chs(1280), stem_size=32,
        round_chs=round_chs, **{'act_layer': 'silu', **kwargs},
    )


_EFFICIENTNET_LITE = (
    (ds(1, 3, 1, 16),),
    (ir(2, 3, 2, 6, 24),),
    (ir(2, 5, 2, 6, 40),),
    (ir(3, 3, 2, 6, 80),),
    (ir(3, 5, 1, 6, 112),),
    (ir(4, 5, 2, 6, 192),),
    (ir(1, 3, 1, 6, 320),),
)


def _efficientnet_lite(channel_multiplier: float, depth_multiplier: float, **kwargs: Any) -> EfficientNet:
    # Lite keeps the stem, the head and the first and last stages at their B0 size, uses ReLU6 and no SE.
    return EfficientNet(
        expand_stages(_EFFICIENTNET_LITE, depth_multiplier, fix_first_last=True), num_features=1280, stem_size=32,
        fix_stem=True, round_chs=partial(round_channels, multiplier=channel_multiplier),
        **{'act_layer': 'relu6', **kwargs},
    )


_EFFICIENTNETV2_S = (
    (cn(2, 3, 1, 24, skip=True),),
    (er(4, 3, 2, 4, 48),),
    (er(4, 3, 2, 4, 64),),
    (ir(6, 3, 2, 4, 128, se=0.25),),
    (ir(9, 3, 1, 6, 160, se=0.25),),
    (ir(15, 3, 2, 6, 256, se=0.25),),
)
# timm's original 'rw' reading of the paper: a fused first stage, a wider last stage and head.
_EFFICIENTNETV2_RW_S = ((er(2, 3, 1, 1, 24),),) + _EFFICIENTNETV2_S[1:-1] + ((ir(15, 3, 2, 6, 272, se=0.25),),)
_EFFICIENTNETV2_M = (
    (cn(3, 3, 1, 24, skip=True),),
    (er(5, 3, 2, 4, 48),),
    (er(5, 3, 2, 4, 80),),
    (ir(7, 3, 2, 4, 160, se=0.25),),
    (ir(14, 3, 1, 6, 176, se=0.25),),
    (ir(18, 3, 2, 6, 304, se=0.25),),
    (ir(5, 3, 1, 6, 512, se=0.25),),
)


def _efficientnetv2(stages: Sequence[Stage], num_features: int, **kwargs: Any) -> EfficientNet:
    return EfficientNet(
        expand_stages(stages), num_features=num_features, stem_size=24, **{'act_layer': 'silu', **kwargs},
    )


_MOBILENETV2 = (
    (ds(1, 3, 1, 16),),
    (ir(2, 3, 2, 6, 24),),
    (ir(3, 3, 2, 6, 32),),
    (ir(4, 3, 2, 6, 64),),
    (ir(3, 3, 1, 6, 96),),
    (ir(3, 3, 2, 6, 160),),
    (ir(1, 3, 1, 6, 320),),
)


def _mobilenetv2(channel_multiplier: float, **kwargs: Any) -> EfficientNet:
    round_chs = partial(round_channels, multiplier=channel_multiplier)
    return EfficientNet(
        expand_stages(_MOBILENETV2), num_features=max(1280, round_chs(1280)), stem_size=32, round_chs=round_chs,
        **{'act_layer': 'relu6', **kwargs},
    )


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
def tf_efficientnet_b0(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.0, 1.0, **_tf_defaults(kwargs))


@register_model
def tf_efficientnet_b1(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.0, 1.1, **_tf_defaults(kwargs))


@register_model
def tf_efficientnet_b2(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.1, 1.2, **_tf_defaults(kwargs))


@register_model
def tf_efficientnet_b3(**kwargs: Any) -> EfficientNet:
    return _efficientnet(1.2, 1.4, **_tf_defaults(kwargs))


@register_model
def efficientnet_lite0(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.0, 1.0, **kwargs)


@register_model
def tf_efficientnet_lite0(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.0, 1.0, **_tf_defaults(kwargs))


@register_model
def tf_efficientnet_lite1(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.0, 1.1, **_tf_defaults(kwargs))


@register_model
def tf_efficientnet_lite2(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.1, 1.2, **_tf_defaults(kwargs))


@register_model
def tf_efficientnet_lite3(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.2, 1.4, **_tf_defaults(kwargs))


@register_model
def tf_efficientnet_lite4(**kwargs: Any) -> EfficientNet:
    return _efficientnet_lite(1.4, 1.8, **_tf_defaults(kwargs))


@register_model
def efficientnetv2_rw_s(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2(_EFFICIENTNETV2_RW_S, 1792, **kwargs)


@register_model
def tf_efficientnetv2_s(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2(_EFFICIENTNETV2_S, 1280, **_tf_defaults(kwargs))


@register_model
def tf_efficientnetv2_m(**kwargs: Any) -> EfficientNet:
    return _efficientnetv2(_EFFICIENTNETV2_M, 1280, **_tf_defaults(kwargs))


@register_model
def mobilenetv2_100(**kwargs: Any) -> EfficientNet:
    return _mobilenetv2(1.0, **kwargs)


@register_model
def mobilenetv2_140(**kwargs: Any) -> EfficientNet:
    return _mobilenetv2(1.4, **kwargs)
