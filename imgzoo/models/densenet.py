"""DenseNet (Huang et al. 2016), with timm's deep-stem and anti-aliased (blur pool) variants.

Module and parameter names follow timm's `densenet.py`, so its checkpoints load strictly. Each dense
layer is BN-ReLU-1x1 conv, BN-ReLU-3x3 conv on the concatenation of all earlier outputs of its block;
transitions halve the channels (BN-ReLU-1x1 conv) and the resolution (2x2 average pool, or a blur pool).
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence, Tuple, Type, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from ..features import check_output_fmt, feature_take_indices
from ..layers import BatchNormAct2d, BlurPool2d, check_num_classes, create_classifier
from ..optim import MATCH_PREV_GROUP
from ..registry import register_model
from ._base import ImgzooModel, checkpoint

STEM_TYPES = ('', 'deep', 'deep_tiered', 'deep_tiered_narrow')
AA_LAYERS: Dict[str, Type[nn.Module]] = {'blur': BlurPool2d, 'blurpool': BlurPool2d}


class DenseLayer(nn.Module):
    """BN-ReLU-1x1 conv (to bn_size * growth_rate) then BN-ReLU-3x3 conv (to growth_rate)."""

    def __init__(self, num_input_features: int, growth_rate: int, bn_size: int, act_layer: str = 'relu',
                 drop_rate: float = 0.0, grad_checkpointing: bool = False) -> None:
        super().__init__()
        self.norm1 = BatchNormAct2d(num_input_features, act_layer=act_layer)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False)
        self.norm2 = BatchNormAct2d(bn_size * growth_rate, act_layer=act_layer)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False)
        self.drop_rate = float(drop_rate)
        self.grad_checkpointing = grad_checkpointing

    def bottleneck_fn(self, *xs: torch.Tensor) -> torch.Tensor:
        return self.conv1(self.norm1(torch.cat(xs, 1)))

    def forward(self, prev_features: List[torch.Tensor]) -> torch.Tensor:
        if self.grad_checkpointing and self.training:
            bottleneck = checkpoint(self.bottleneck_fn, *prev_features)
        else:
            bottleneck = self.bottleneck_fn(*prev_features)
        new_features = self.conv2(self.norm2(bottleneck))
        if self.drop_rate > 0:
            new_features = F.dropout(new_features, p=self.drop_rate, training=self.training)
        return new_features


class DenseBlock(nn.ModuleDict):
    """num_layers dense layers, each seeing every earlier output of the block; returns their concatenation."""

    def __init__(self, num_layers: int, num_input_features: int, bn_size: int, growth_rate: int,
                 act_layer: str = 'relu', drop_rate: float = 0.0, grad_checkpointing: bool = False) -> None:
        super().__init__()
        for i in range(num_layers):
            self.add_module(f'denselayer{i + 1}', DenseLayer(
                num_input_features + i * growth_rate, growth_rate=growth_rate, bn_size=bn_size,
                act_layer=act_layer, drop_rate=drop_rate, grad_checkpointing=grad_checkpointing))

    def forward(self, init_features: torch.Tensor) -> torch.Tensor:
        features = [init_features]
        for layer in self.values():
            features.append(layer(features))
        return torch.cat(features, 1)


class DenseTransition(nn.Sequential):
    """BN-ReLU-1x1 conv then 2x downsampling (average pool, or an anti-aliasing layer)."""

    def __init__(self, num_input_features: int, num_output_features: int, act_layer: str = 'relu',
                 aa_layer: Optional[Type[nn.Module]] = None) -> None:
        super().__init__()
        self.add_module('norm', BatchNormAct2d(num_input_features, act_layer=act_layer))
        self.add_module('conv', nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1, bias=False))
        if aa_layer is not None:
            self.add_module('pool', aa_layer(num_output_features, stride=2))
        else:
            self.add_module('pool', nn.AvgPool2d(kernel_size=2, stride=2))


def _aa_layer(aa_layer: Union[str, Type[nn.Module], None]) -> Optional[Type[nn.Module]]:
    if aa_layer is None or isinstance(aa_layer, type):
        return aa_layer
    try:
        return AA_LAYERS[str(aa_layer).lower().replace('_', '')]
    except KeyError:
        raise InvalidModelArgsError(f"aa_layer must be None or 'blur', got {aa_layer!r}.") from None


class DenseNet(ImgzooModel):
    """DenseNet: stem, dense blocks joined by transitions, final norm; see the module docstring."""

    def __init__(
        self,
        growth_rate: int = 32,
        block_config: Sequence[int] = (6, 12, 24, 16),
        num_classes: int = 1000,
        in_chans: int = 3,
        global_pool: str = 'avg',
        bn_size: int = 4,
        stem_type: str = '',
        act_layer: str = 'relu',
        norm_layer: str = 'batchnorm2d',
        aa_layer: Union[str, Type[nn.Module], None] = None,
        drop_rate: float = 0.0,
        proj_drop_rate: float = 0.0,
        memory_efficient: bool = False,
        aa_stem_only: bool = True,
    ) -> None:
        super().__init__()
        if stem_type not in STEM_TYPES:
            raise InvalidModelArgsError(f'stem_type must be one of {STEM_TYPES}, got {stem_type!r}.')
        if norm_layer != 'batchnorm2d':
            raise InvalidModelArgsError(f"DenseNet supports only norm_layer='batchnorm2d', got {norm_layer!r}.")
        aa = _aa_layer(aa_layer)
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate

        deep_stem = 'deep' in stem_type
        num_init_features = growth_rate * 2
        stem_pool: nn.Module
        if aa is None:
            stem_pool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        else:
            stem_pool = nn.Sequential(nn.MaxPool2d(kernel_size=3, stride=1, padding=1), aa(num_init_features, stride=2))
        if deep_stem:
            stem_chs_1 = stem_chs_2 = growth_rate
            if 'tiered' in stem_type:
                stem_chs_1 = 3 * (growth_rate // 4)
                stem_chs_2 = num_init_features if 'narrow' in stem_type else 6 * (growth_rate // 4)
            self.features = nn.Sequential(OrderedDict([
                ('conv0', nn.Conv2d(in_chans, stem_chs_1, 3, stride=2, padding=1, bias=False)),
                ('norm0', BatchNormAct2d(stem_chs_1, act_layer=act_layer)),
                ('conv1', nn.Conv2d(stem_chs_1, stem_chs_2, 3, stride=1, padding=1, bias=False)),
                ('norm1', BatchNormAct2d(stem_chs_2, act_layer=act_layer)),
                ('conv2', nn.Conv2d(stem_chs_2, num_init_features, 3, stride=1, padding=1, bias=False)),
                ('norm2', BatchNormAct2d(num_init_features, act_layer=act_layer)),
                ('pool0', stem_pool),
            ]))
        else:
            self.features = nn.Sequential(OrderedDict([
                ('conv0', nn.Conv2d(in_chans, num_init_features, kernel_size=7, stride=2, padding=3, bias=False)),
                ('norm0', BatchNormAct2d(num_init_features, act_layer=act_layer)),
                ('pool0', stem_pool),
            ]))
        self.feature_info: List[Dict[str, Any]] = [
            dict(num_chs=num_init_features, reduction=2, module=f'features.norm{2 if deep_stem else 0}')]
        current_stride = 4

        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            name = f'denseblock{i + 1}'
            self.features.add_module(name, DenseBlock(
                num_layers, num_features, bn_size=bn_size, growth_rate=growth_rate, act_layer=act_layer,
                drop_rate=proj_drop_rate, grad_checkpointing=memory_efficient))
            num_features = num_features + num_layers * growth_rate
            if i != len(block_config) - 1:
                self.feature_info.append(
                    dict(num_chs=num_features, reduction=current_stride, module=f'features.{name}'))
                current_stride *= 2
                self.features.add_module(f'transition{i + 1}', DenseTransition(
                    num_features, num_features // 2, act_layer=act_layer, aa_layer=None if aa_stem_only else aa))
                num_features = num_features // 2
        self.features.add_module('norm5', BatchNormAct2d(num_features, act_layer=act_layer))
        self.feature_info.append(dict(num_chs=num_features, reduction=current_stride, module='features.norm5'))
        names = [n for n, _ in self.features.named_children()]
        self.feature_ends = [names.index(f['module'].split('.', 1)[1]) for f in self.feature_info]

        self.num_features = num_features
        self.global_pool, self.classifier = create_classifier(
            self.num_features, self.num_classes, pool_type=global_pool)
        self.head_hidden_size = self.num_features * self.global_pool.feat_mult()
        self.head_drop = nn.Dropout(drop_rate)
        self._init_weights()

    def _init_weights(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.constant_(m.bias, 0)

    def init_non_persistent_buffers(self) -> None:
        """Blur filters of anti-aliased variants (not stored in checkpoints)."""
        for m in self.modules():
            if isinstance(m, BlurPool2d):
                m.init_non_persistent_buffers()

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(
            stem=r'^features\.conv[012]|features\.norm[012]|features\.pool[012]',
            blocks=r'^features\.(?:denseblock|transition)(\d+)' if coarse else [
                (r'^features\.denseblock(\d+)\.denselayer(\d+)', None),
                (r'^features\.transition(\d+)', MATCH_PREV_GROUP),
            ],
        )

    def set_grad_checkpointing(self, enable: bool = True) -> None:
        """Checkpoint the bottleneck (concatenation, BN-ReLU, 1x1 conv) of every dense layer, as timm does."""
        self.grad_checkpointing = enable
        for m in self.features.modules():
            if isinstance(m, DenseLayer):
                m.grad_checkpointing = enable

    def get_classifier(self) -> nn.Module:
        return self.classifier

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and optionally the pooling) with a fresh one."""
        self.num_classes = check_num_classes(num_classes)
        pool_type = self.global_pool.pool_type if global_pool is None else global_pool
        self.global_pool, self.classifier = create_classifier(self.num_features, self.num_classes, pool_type=pool_type)
        self.head_hidden_size = self.num_features * self.global_pool.feat_mult()

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the maps at indices: 0 the stem before pooling, 1-3 the first three dense
        blocks (before their transitions), 4 the final norm."""
        check_output_fmt(output_fmt)
        take_indices, max_index = feature_take_indices(len(self.feature_ends), indices)
        layers = self.features[:self.feature_ends[max_index] + 1] if stop_early else self.features
        intermediates = []
        feat_idx = 0
        for i, layer in enumerate(layers):
            x = layer(x)
            if i in self.feature_ends:
                if feat_idx in take_indices:
                    intermediates.append(x)
                feat_idx += 1
        if intermediates_only:
            return intermediates
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the layers after the last index needed (and the head); returns the kept indices."""
        take_indices, max_index = feature_take_indices(len(self.feature_ends), indices)
        prune_end = max_index < len(self.feature_ends) - 1
        self.features = self.features[:self.feature_ends[max_index] + 1]
        if prune_end:
            self.num_features = self.head_hidden_size = self.feature_info[max_index]['num_chs']
        if prune_head or prune_end:
            self.reset_classifier(0, '')
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x)

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.head_drop(self.global_pool(x))
        return x if pre_logits else self.classifier(x)


def _densenet(default_growth: int, default_blocks: Tuple[int, ...], **kwargs: Any) -> DenseNet:
    return DenseNet(**{'growth_rate': default_growth, 'block_config': default_blocks, **kwargs})


@register_model
def densenet121(**kwargs: Any) -> DenseNet:
    return _densenet(32, (6, 12, 24, 16), **kwargs)


@register_model
def densenetblur121d(**kwargs: Any) -> DenseNet:
    return _densenet(32, (6, 12, 24, 16), **{'stem_type': 'deep', 'aa_layer': 'blur', **kwargs})


@register_model
def densenet169(**kwargs: Any) -> DenseNet:
    return _densenet(32, (6, 12, 32, 32), **kwargs)


@register_model
def densenet201(**kwargs: Any) -> DenseNet:
    return _densenet(32, (6, 12, 48, 32), **kwargs)


@register_model
def densenet161(**kwargs: Any) -> DenseNet:
    return _densenet(48, (6, 12, 36, 24), **kwargs)


@register_model
def densenet264d(**kwargs: Any) -> DenseNet:
    return _densenet(48, (6, 12, 64, 48), **{'stem_type': 'deep', **kwargs})
