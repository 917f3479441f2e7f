"""VGG (Simonyan & Zisserman 2014), with and without batch norm.

Module and parameter names follow timm's `vgg.py`, so its checkpoints load strictly. As in timm,
the two hidden fully connected layers are a pre-logits conv MLP (`pre_logits.fc1` a 7x7 conv,
`pre_logits.fc2` a 1x1 conv) applied to the final feature map, which is average-pooled up to 7x7
first when smaller; the classifier pools what the MLP returns.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from ..features import check_output_fmt, feature_take_indices
from ..layers import check_num_classes
from ..layers.classifier import ClassifierHead
from ..registry import register_model
from ._base import ImgzooModel, checkpoint_seq

CFGS: Dict[str, List[Union[str, int]]] = {
    'vgg11': [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
    'vgg13': [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
    'vgg16': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
    'vgg19': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
}


@torch.fx.wrap
def _pool_to_min_size(x: torch.Tensor, size: int) -> torch.Tensor:
    """Average-pool x up to at least size x size (identity when it is already that large)."""
    if x.shape[-2] < size or x.shape[-1] < size:
        x = F.adaptive_avg_pool2d(x, (max(size, x.shape[-2]), max(size, x.shape[-1])))
    return x


class ConvMlp(nn.Module):
    """The two hidden layers of VGG's classifier as convs: kernel_size conv, ReLU, dropout, 1x1 conv, ReLU."""

    def __init__(self, in_features: int = 512, out_features: int = 4096, kernel_size: int = 7,
                 mlp_ratio: float = 1.0, drop_rate: float = 0.2) -> None:
        super().__init__()
        self.input_kernel_size = kernel_size
        mid_features = int(out_features * mlp_ratio)
        self.fc1 = nn.Conv2d(in_features, mid_features, kernel_size, bias=True)
        self.act1 = nn.ReLU(True)
        self.drop = nn.Dropout(drop_rate)
        self.fc2 = nn.Conv2d(mid_features, out_features, 1, bias=True)
        self.act2 = nn.ReLU(True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = _pool_to_min_size(x, self.input_kernel_size)
        x = self.drop(self.act1(self.fc1(x)))
        return self.act2(self.fc2(x))


class VGG(ImgzooModel):
    """VGG: 3x3 conv (+ batch norm) + ReLU layers and 2x2 max pools in one `features` Sequential."""

    def __init__(
        self,
        cfg: Sequence[Union[str, int]],
        num_classes: int = 1000,
        in_chans: int = 3,
        output_stride: int = 32,
        mlp_ratio: float = 1.0,
        use_norm: bool = False,
        global_pool: str = 'avg',
        drop_rate: float = 0.0,
    ) -> None:
        super().__init__()
        if output_stride != 32:
            raise InvalidModelArgsError(f'VGG supports only output_stride=32, got {output_stride}.')
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate
        self.use_norm = use_norm
        self.feature_info: List[Dict[str, Any]] = []
        self.feature_ends: List[int] = []  # index into self.features of each feature tap

        prev_chs, net_stride = in_chans, 1
        layers: List[nn.Module] = []
        for v in cfg:
            last_idx = len(layers) - 1
            if v == 'M':
                self.feature_info.append(dict(num_chs=prev_chs, reduction=net_stride, module=f'features.{last_idx}'))
                self.feature_ends.append(last_idx)
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
                net_stride *= 2
            else:
                conv = nn.Conv2d(prev_chs, int(v), kernel_size=3, padding=1)
                layers += [conv, nn.BatchNorm2d(int(v)), nn.ReLU(inplace=True)] if use_norm \
                    else [conv, nn.ReLU(inplace=True)]
                prev_chs = int(v)
        self.features = nn.Sequential(*layers)
        self.feature_info.append(dict(num_chs=prev_chs, reduction=net_stride, module=f'features.{len(layers) - 1}'))
        self.feature_ends.append(len(layers) - 1)

        self.num_features = prev_chs
        self.pre_logits: nn.Module = ConvMlp(prev_chs, 4096, 7, mlp_ratio=mlp_ratio, drop_rate=drop_rate)
        self.head = ClassifierHead(4096, self.num_classes, pool_type=global_pool, drop_rate=drop_rate)
        self.head_hidden_size = self.head.num_features
        self._init_weights()

    def _init_weights(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)

    def group_matcher(self, coarse: bool = False) -> Dict[str, str]:
        return dict(stem=r'^features\.0', blocks=r'^features\.(\d+)')

    def get_classifier(self) -> nn.Module:
        return self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and optionally the pooling) with a fresh one."""
        self.num_classes = check_num_classes(num_classes)
        self.head.reset(num_classes, global_pool)
        self.head_hidden_size = self.head.num_features

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the maps at indices: 0-4 the conv stages before each max pool, 5 the last pool."""
        check_output_fmt(output_fmt)
        take_indices, max_index = feature_take_indices(len(self.feature_ends), indices)
        layers = self.features[:self.feature_ends[max_index] + 1] if stop_early else self.features
        intermediates = []
        feat_idx, last_idx = 0, len(self.feature_ends) - 1
        for i, layer in enumerate(layers):
            x = layer(x)
            if i == self.feature_ends[feat_idx]:
                if feat_idx in take_indices:
                    intermediates.append(x)
                feat_idx = min(feat_idx + 1, last_idx)
        if intermediates_only:
            return intermediates
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the layers after the last index needed (and the head with its conv MLP); returns the kept indices."""
        take_indices, max_index = feature_take_indices(len(self.feature_ends), indices)
        prune_end = max_index < len(self.feature_ends) - 1
        self.features = self.features[:self.feature_ends[max_index] + 1]
        if prune_end:
            self.num_features = self.feature_info[max_index]['num_chs']
        if prune_head or prune_end:
            self.pre_logits = nn.Identity()
            self.head_hidden_size = self.num_features
            self.head = ClassifierHead(self.num_features, 0, pool_type='', drop_rate=self.head.drop.p)
            self.num_classes = 0
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        if self.grad_checkpointing:
            # one segment per stage: an in-place ReLU must not modify a segment's saved input
            starts = [0] + [end + 1 for end in self.feature_ends[:-1]]
            ends = [end + 1 for end in self.feature_ends[:-1]] + [len(self.features)]
            return checkpoint_seq([self.features[a:b] for a, b in zip(starts, ends) if a < b], x)
        return self.features(x)

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.pre_logits(x)
        return self.head(x, pre_logits=pre_logits)


def _vgg(variant: str, use_norm: bool, **kwargs: Any) -> VGG:
    return VGG(CFGS[variant], use_norm=use_norm, **kwargs)


@register_model
def vgg11(**kwargs: Any) -> VGG:
    return _vgg('vgg11', False, **kwargs)


@register_model
def vgg11_bn(**kwargs: Any) -> VGG:
    return _vgg('vgg11', True, **kwargs)


@register_model
def vgg13(**kwargs: Any) -> VGG:
    return _vgg('vgg13', False, **kwargs)


@register_model
def vgg13_bn(**kwargs: Any) -> VGG:
    return _vgg('vgg13', True, **kwargs)


@register_model
def vgg16(**kwargs: Any) -> VGG:
    return _vgg('vgg16', False, **kwargs)


@register_model
def vgg16_bn(**kwargs: Any) -> VGG:
    return _vgg('vgg16', True, **kwargs)


@register_model
def vgg19(**kwargs: Any) -> VGG:
    return _vgg('vgg19', False, **kwargs)


@register_model
def vgg19_bn(**kwargs: Any) -> VGG:
    return _vgg('vgg19', True, **kwargs)
