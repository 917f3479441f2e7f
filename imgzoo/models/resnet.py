"""ResNet, ResNeXt, Wide ResNet and SE-ResNet (He et al. 2015; Xie et al. 2016; Hu et al. 2017).

Module and parameter names follow timm's `resnet.py`, so its checkpoints load strictly.
Variants differ in stem ('' is a 7x7 conv, 'deep' three 3x3 convs), downsample shortcut
(1x1 strided conv, or average pool then 1x1 conv with `avg_down`), group width and SE.
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Tuple, Type, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..features import check_output_fmt, feature_take_indices
from ..layers import DropPath, SEModule, check_num_classes, create_classifier
from ..registry import register_model
from ._base import ImgzooModel, checkpoint_seq
from ..errors import InvalidModelArgsError



class BasicBlock(nn.Module):
    """Two 3x3 convs with a residual connection (ResNet-18/34)."""

    expansion = 1

    def __init__(
        self, inplanes: int, planes: int, stride: int = 1, downsample: Optional[nn.Module] = None,
        cardinality: int = 1, base_width: int = 64, use_se: bool = False, drop_path: float = 0.0,
    ) -> None:
        super().__init__()
        if cardinality != 1 or base_width != 64:
            raise InvalidModelArgsError('BasicBlock supports only cardinality=1 and base_width=64.')
        outplanes = planes * self.expansion
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.act1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, outplanes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(outplanes)
        self.se = SEModule(outplanes) if use_se else None
        self.act2 = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.drop_path = DropPath(drop_path) if drop_path > 0 else None

    def zero_init_last(self) -> None:
        nn.init.zeros_(self.bn2.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x if self.downsample is None else self.downsample(x)
        x = self.act1(self.bn1(self.conv1(x)))
        x = self.bn2(self.conv2(x))
        if self.se is not None:
            x = self.se(x)
        if self.drop_path is not None:
            x = self.drop_path(x)
        return self.act2(x + shortcut)


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (grouped for ResNeXt), 1x1 expand, with a residual connection."""

    expansion = 4

    def __init__(
        self, inplanes: int, planes: int, stride: int = 1, downsample: Optional[nn.Module] = None,
        cardinality: int = 1, base_width: int = 64, use_se: bool = False, drop_path: float = 0.0,
    ) -> None:
        super().__init__()
        width = int(math.floor(planes * (base_width / 64)) * cardinality)
        outplanes = planes * self.expansion
        self.conv1 = nn.Conv2d(inplanes, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.act1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, groups=cardinality, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.act2 = nn.ReLU(inplace=True)
        self.conv3 = nn.Conv2d(width, outplanes, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(outplanes)
        self.se = SEModule(outplanes) if use_se else None
        self.act3 = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.drop_path = DropPath(drop_path) if drop_path > 0 else None

    def zero_init_last(self) -> None:
        nn.init.zeros_(self.bn3.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x if self.downsample is None else self.downsample(x)
        x = self.act1(self.bn1(self.conv1(x)))
        x = self.act2(self.bn2(self.conv2(x)))
        x = self.bn3(self.conv3(x))
        if self.se is not None:
            x = self.se(x)
        if self.drop_path is not None:
            x = self.drop_path(x)
        return self.act3(x + shortcut)


def _downsample(inplanes: int, outplanes: int, stride: int, avg_down: bool) -> Optional[nn.Module]:
    if stride == 1 and inplanes == outplanes:
        return None
    if not avg_down:
        return nn.Sequential(nn.Conv2d(inplanes, outplanes, 1, stride=stride, bias=False), nn.BatchNorm2d(outplanes))
    pool: nn.Module = nn.Identity() if stride == 1 else nn.AvgPool2d(2, stride, ceil_mode=True, count_include_pad=False)
    return nn.Sequential(pool, nn.Conv2d(inplanes, outplanes, 1, stride=1, bias=False), nn.BatchNorm2d(outplanes))


class ResNet(ImgzooModel):
    """ResNet with timm's stem and downsample options; see the module docstring."""

    def __init__(
        self,
        block: Union[Type[BasicBlock], Type[Bottleneck]],
        layers: Sequence[int],
        num_classes: int = 1000,
        in_chans: int = 3,
        global_pool: str = 'avg',
        cardinality: int = 1,
        base_width: int = 64,
        stem_width: int = 64,
        stem_type: str = '',
        avg_down: bool = False,
        use_se: bool = False,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        zero_init_last: bool = True,
    ) -> None:
        super().__init__()
        if stem_type not in ('', 'deep'):
            raise InvalidModelArgsError(f"stem_type must be '' or 'deep', got {stem_type!r}.")
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate

        inplanes = stem_width * 2 if stem_type == 'deep' else 64
        if stem_type == 'deep':
            self.conv1 = nn.Sequential(
                nn.Conv2d(in_chans, stem_width, 3, stride=2, padding=1, bias=False),
                nn.BatchNorm2d(stem_width),
                nn.ReLU(inplace=True),
                nn.Conv2d(stem_width, stem_width, 3, stride=1, padding=1, bias=False),
                nn.BatchNorm2d(stem_width),
                nn.ReLU(inplace=True),
                nn.Conv2d(stem_width, inplanes, 3, stride=1, padding=1, bias=False),
            )
        else:
            self.conv1 = nn.Conv2d(in_chans, inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(inplanes)
        self.act1 = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.feature_info = [dict(num_chs=inplanes, reduction=2, module='act1')]

        total_blocks = sum(layers)
        block_idx = 0
        for stage_idx, (planes, num_blocks) in enumerate(zip((64, 128, 256, 512), layers)):
            stride = 1 if stage_idx == 0 else 2
            blocks = []
            for i in range(num_blocks):
                dpr = drop_path_rate * block_idx / max(total_blocks - 1, 1)
                downsample = _downsample(inplanes, planes * block.expansion, stride, avg_down) if i == 0 else None
                blocks.append(block(
                    inplanes, planes, stride if i == 0 else 1, downsample,
                    cardinality=cardinality, base_width=base_width, use_se=use_se, drop_path=dpr,
                ))
                inplanes = planes * block.expansion
                block_idx += 1
            self.add_module(f'layer{stage_idx + 1}', nn.Sequential(*blocks))
            self.feature_info.append(dict(num_chs=inplanes, reduction=4 * 2 ** stage_idx, module=f'layer{stage_idx + 1}'))

        self.num_features = self.head_hidden_size = 512 * block.expansion
        self.global_pool, self.fc = create_classifier(self.num_features, self.num_classes, pool_type=global_pool)
        self.init_weights(zero_init_last)

    def init_weights(self, zero_init_last: bool = True) -> None:
        """He-normal convs; last BN of each residual branch at zero when zero_init_last."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
        if zero_init_last:
            for m in self.modules():
                if isinstance(m, (BasicBlock, Bottleneck)):
                    m.zero_init_last()

    def group_matcher(self, coarse: bool = False) -> Dict[str, str]:
        return dict(stem=r'^conv1|bn1|maxpool', blocks=r'^layer(\d+)' if coarse else r'^layer(\d+)\.(\d+)')

    def get_classifier(self) -> nn.Module:
        return self.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and optionally the pooling) with a fresh one."""
        self.num_classes = check_num_classes(num_classes)
        pool_type = self.global_pool.pool_type if global_pool is None else global_pool
        self.global_pool, self.fc = create_classifier(self.num_features, self.num_classes, pool_type=pool_type)

    def _stem(self, x: torch.Tensor) -> torch.Tensor:
        return self.act1(self.bn1(self.conv1(x)))

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the feature maps at indices (0 the stem, 1-4 the stages)."""
        check_output_fmt(output_fmt)
        take_indices, max_index = feature_take_indices(5, indices)
        intermediates = []
        x = self._stem(x)
        if 0 in take_indices:
            intermediates.append(x)
        x = self.maxpool(x)
        layer_names = ('layer1', 'layer2', 'layer3', 'layer4')
        if stop_early:
            layer_names = layer_names[:max_index]
        for feat_idx, name in enumerate(layer_names, start=1):
            layer = getattr(self, name)
            x = checkpoint_seq(layer, x) if self.grad_checkpointing else layer(x)
            if feat_idx in take_indices:
                intermediates.append(x)
        if intermediates_only:
            return intermediates
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the stages after the last index needed (and the head); returns the kept indices."""
        take_indices, max_index = feature_take_indices(5, indices)
        for name in ('layer1', 'layer2', 'layer3', 'layer4')[max_index:]:
            setattr(self, name, nn.Sequential())
        if max_index == 0:
            self.maxpool = nn.Identity()
        prune_end = max_index < 4
        if prune_end:
            self.num_features = self.head_hidden_size = self.feature_info[max_index]['num_chs']
        if prune_head or prune_end:
            self.reset_classifier(0, '')
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self._stem(x))
        if self.grad_checkpointing:
            return checkpoint_seq([self.layer1, self.layer2, self.layer3, self.layer4], x, flatten=True)
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        return self.layer4(x)

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.global_pool(x)
        if self.drop_rate:
            x = F.dropout(x, p=float(self.drop_rate), training=self.training)
        return x if pre_logits else self.fc(x)


def _resnet(block: Union[Type[BasicBlock], Type[Bottleneck]], layers: Sequence[int], **kwargs: Any) -> ResNet:
    return ResNet(block, layers, **kwargs)


_D = dict(stem_width=32, stem_type='deep', avg_down=True)


@register_model
def resnet18(**kwargs: Any) -> ResNet:
    return _resnet(BasicBlock, (2, 2, 2, 2), **kwargs)


@register_model
def resnet26(**kwargs: Any) -> ResNet:
    return _resnet(Bottleneck, (2, 2, 2, 2), **kwargs)


@register_model
def resnet34(**kwargs: Any) -> ResNet:
    return _resnet(BasicBlock, (3, 4, 6, 3), **kwargs)


@register_model
def resnet50(**kwargs: Any) -> ResNet:
    return _resnet(Bottleneck, (3, 4, 6, 3), **kwargs)


@register_model
def resnet101(**kwargs: Any) -> ResNet:
    return _resnet(Bottleneck, (3, 4, 23, 3), **kwargs)


@register_model
def resnet152(**kwargs: Any) -> ResNet:
    return _resnet(Bottleneck, (3, 8, 36, 3), **kwargs)


@register_model
def resnet26d(**kwargs: Any) -> ResNet:
    return _resnet(Bottleneck, (2, 2, 2, 2), **{**_D, **kwargs})


@register_model
def resnet50d(**kwargs: Any) -> ResNet:
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**_D, **kwargs})


@register_model
def resnext50_32x4d(**kwargs: Any) -> ResNet:
    return _resnet(Bottleneck, (3, 4, 6, 3), **{'cardinality': 32, 'base_width': 4, **kwargs})


@register_model
def resnext101_32x8d(**kwargs: Any) -> ResNet:
    return _resnet(Bottleneck, (3, 4, 23, 3), **{'cardinality': 32, 'base_width': 8, **kwargs})


@register_model
def wide_resnet50_2(**kwargs: Any) -> ResNet:
    return _resnet(Bottleneck, (3, 4, 6, 3), **{'base_width': 128, **kwargs})


@register_model
def wide_resnet101_2(**kwargs: Any) -> ResNet:
    return _resnet(Bottleneck, (3, 4, 23, 3), **{'base_width': 128, **kwargs})


@register_model
def seresnet50(**kwargs: Any) -> ResNet:
    return _resnet(Bottleneck, (3, 4, 6, 3), **{'use_se': True, **kwargs})
