"""ResNet, ResNeXt, Wide ResNet and SE-ResNet (He et al. 2015; Xie et al. 2016; Hu et al. 2017).

Module and parameter names follow timm's `resnet.py`, so its checkpoints load strictly.
Variants differ in stem ('' is a 7x7 conv, 'deep' three 3x3 convs), downsample shortcut
(1x1 strided conv, or average pool then 1x1 conv with `avg_down`), group width and SE.
"""
from __future__ import annotations

import math
from functools import partial
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Type, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..features import check_output_fmt, feature_take_indices
from ..layers import (
    BlurPool2d, DropBlock2d, DropPath, EcaModule, SEModule, check_fraction, check_num_classes, create_act,
    create_classifier, get_act_layer, get_padding,
)
from ..layers.pool_same import AvgPool2dSame
from ..registry import register_model
from ._base import ImgzooModel, checkpoint_seq
from ._pruned import adapt_to_pruned
from ..errors import InvalidModelArgsError



NormLayer = Callable[[int], nn.Module]
AttnLayer = Optional[Callable[[int], nn.Module]]
AaLayer = Optional[str]
ActLayer = Union[str, Callable[..., nn.Module]]
DropBlockLayer = Optional[Callable[[], nn.Module]]
OUTPUT_STRIDES = (8, 16, 32)
BLOCK_ARGS = ('attn_layer',)


def _attn_layer(attn_layer: Union[str, Callable[[int], nn.Module], None]) -> AttnLayer:
    """The attention module class for a block's `se` slot: 'se', 'se_r4' (ResNet-RS, rd_ratio 1/4), 'eca', a module
    class taking the channel count, or None."""
    if attn_layer is None:
        return None
    if callable(attn_layer):
        return attn_layer
    layers = {'se': SEModule, 'se_r4': partial(SEModule, rd_ratio=0.25), 'eca': EcaModule}
    if attn_layer not in layers:
        raise InvalidModelArgsError(
            f"attn_layer must be one of {tuple(layers)}, a module class or None, got {attn_layer!r}.")
    return layers[attn_layer]


def _norm_layer(norm_layer: str) -> NormLayer:
    if norm_layer == 'batchnorm':
        return nn.BatchNorm2d
    if norm_layer == 'groupnorm':
        return partial(_group_norm, num_groups=32)
    raise InvalidModelArgsError(f"norm_layer must be 'batchnorm' or 'groupnorm', got {norm_layer!r}.")


def _group_norm(num_channels: int, num_groups: int = 32) -> nn.GroupNorm:
    return nn.GroupNorm(num_groups, num_channels, eps=1e-5)


def _aa(aa_layer: AaLayer, channels: int, stride: int, enable: bool = True) -> nn.Module:
    """Anti-aliased downsampling in place of a strided conv: 2x2 average pool ('avg') or blur pool ('blur')."""
    if not aa_layer or not enable:
        return nn.Identity()
    if aa_layer == 'avg':
        return nn.AvgPool2d(stride)
    return BlurPool2d(channels=channels, stride=stride)


def drop_blocks(drop_prob: float = 0.0) -> List[DropBlockLayer]:
    """DropBlock constructors per stage, as timm's: none in layer1/layer2, 5x5 blocks at a quarter of the rate
    in layer3, 3x3 blocks in layer4."""
    if not drop_prob:
        return [None] * 4
    return [None, None, partial(DropBlock2d, drop_prob=drop_prob, block_size=5, gamma_scale=0.25),
            partial(DropBlock2d, drop_prob=drop_prob, block_size=3, gamma_scale=1.0)]


class BasicBlock(nn.Module):
    """Two 3x3 convs with a residual connection (ResNet-18/34)."""

    expansion = 1

    def __init__(
        self, inplanes: int, planes: int, stride: int = 1, downsample: Optional[nn.Module] = None,
        cardinality: int = 1, base_width: int = 64, reduce_first: int = 1, norm_layer: NormLayer = nn.BatchNorm2d,
        attn_layer: AttnLayer = None, aa_layer: AaLayer = None, drop_path: float = 0.0, dilation: int = 1,
        first_dilation: Optional[int] = None, act_layer: ActLayer = 'relu', drop_block: DropBlockLayer = None,
    ) -> None:
        super().__init__()
        if cardinality != 1 or base_width != 64:
            raise InvalidModelArgsError('BasicBlock supports only cardinality=1 and base_width=64.')
        first_planes = planes // reduce_first
        outplanes = planes * self.expansion
        first_dilation = first_dilation or dilation
        use_aa = aa_layer is not None and (stride == 2 or first_dilation != dilation)
        self.conv1 = nn.Conv2d(inplanes, first_planes, 3, stride=1 if use_aa else stride, padding=first_dilation,
                               dilation=first_dilation, bias=False)
        self.bn1 = norm_layer(first_planes)
        self.drop_block = drop_block() if drop_block is not None else nn.Identity()
        self.act1 = create_act(act_layer, inplace=True)
        self.aa = _aa(aa_layer, first_planes, stride, enable=use_aa)
        self.conv2 = nn.Conv2d(first_planes, outplanes, 3, padding=dilation, dilation=dilation, bias=False)
        self.bn2 = norm_layer(outplanes)
        self.se = attn_layer(outplanes) if attn_layer is not None else None
        self.act2 = create_act(act_layer, inplace=True)
        self.downsample = downsample
        self.drop_path = DropPath(drop_path) if drop_path > 0 else None

    def zero_init_last(self) -> None:
        nn.init.zeros_(self.bn2.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x if self.downsample is None else self.downsample(x)
        x = self.aa(self.act1(self.drop_block(self.bn1(self.conv1(x)))))
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
        cardinality: int = 1, base_width: int = 64, reduce_first: int = 1, norm_layer: NormLayer = nn.BatchNorm2d,
        attn_layer: AttnLayer = None, aa_layer: AaLayer = None, drop_path: float = 0.0, dilation: int = 1,
        first_dilation: Optional[int] = None, act_layer: ActLayer = 'relu', drop_block: DropBlockLayer = None,
    ) -> None:
        super().__init__()
        width = int(math.floor(planes * (base_width / 64)) * cardinality)
        first_planes = width // reduce_first
        outplanes = planes * self.expansion
        first_dilation = first_dilation or dilation
        use_aa = aa_layer is not None and (stride == 2 or first_dilation != dilation)
        self.conv1 = nn.Conv2d(inplanes, first_planes, 1, bias=False)
        self.bn1 = norm_layer(first_planes)
        self.act1 = create_act(act_layer, inplace=True)
        self.conv2 = nn.Conv2d(first_planes, width, 3, stride=1 if use_aa else stride, padding=first_dilation,
                               dilation=first_dilation, groups=cardinality, bias=False)
        self.bn2 = norm_layer(width)
        self.drop_block = drop_block() if drop_block is not None else nn.Identity()
        self.act2 = create_act(act_layer, inplace=True)
        self.aa = _aa(aa_layer, width, stride, enable=use_aa)
        self.conv3 = nn.Conv2d(width, outplanes, 1, bias=False)
        self.bn3 = norm_layer(outplanes)
        self.se = attn_layer(outplanes) if attn_layer is not None else None
        self.act3 = create_act(act_layer, inplace=True)
        self.downsample = downsample
        self.drop_path = DropPath(drop_path) if drop_path > 0 else None

    def zero_init_last(self) -> None:
        nn.init.zeros_(self.bn3.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x if self.downsample is None else self.downsample(x)
        x = self.act1(self.bn1(self.conv1(x)))
        x = self.aa(self.act2(self.drop_block(self.bn2(self.conv2(x)))))
        x = self.bn3(self.conv3(x))
        if self.se is not None:
            x = self.se(x)
        if self.drop_path is not None:
            x = self.drop_path(x)
        return self.act3(x + shortcut)


Block = Union[Type[BasicBlock], Type[Bottleneck]]


def _downsample(inplanes: int, outplanes: int, stride: int, avg_down: bool, kernel_size: int = 1,
                norm_layer: NormLayer = nn.BatchNorm2d, dilation: int = 1,
                first_dilation: Optional[int] = None) -> Optional[nn.Module]:
    """The shortcut projection of a stage's first block (None where the shapes already match); in a dilated
    stage the conv keeps its kernel with the previous stage's dilation, and the average pool pads 'same'."""
    if stride == 1 and inplanes == outplanes:
        return None
    if not avg_down:
        kernel_size = 1 if stride == 1 and dilation == 1 else kernel_size
        first_dilation = (first_dilation or dilation) if kernel_size > 1 else 1
        padding = get_padding(kernel_size, stride, first_dilation)
        return nn.Sequential(nn.Conv2d(inplanes, outplanes, kernel_size, stride=stride, padding=padding,
                                       dilation=first_dilation, bias=False), norm_layer(outplanes))
    avg_stride = stride if dilation == 1 else 1
    pool: nn.Module
    if stride == 1 and dilation == 1:
        pool = nn.Identity()
    elif avg_stride == 1 and dilation > 1:
        pool = AvgPool2dSame(2, avg_stride, ceil_mode=True, count_include_pad=False)
    else:
        pool = nn.AvgPool2d(2, avg_stride, ceil_mode=True, count_include_pad=False)
    return nn.Sequential(pool, nn.Conv2d(inplanes, outplanes, 1, stride=1, bias=False), norm_layer(outplanes))


class ResNet(ImgzooModel):
    """ResNet with timm's stem and downsample options; see the module docstring."""

    def __init__(
        self,
        block: Union[Block, Sequence[Block]] = Bottleneck,
        layers: Sequence[int] = (3, 4, 6, 3),
        num_classes: int = 1000,
        in_chans: int = 3,
        global_pool: str = 'avg',
        cardinality: int = 1,
        base_width: int = 64,
        stem_width: int = 64,
        stem_type: str = '',
        replace_stem_pool: bool = False,
        block_reduce_first: int = 1,
        down_kernel_size: int = 1,
        avg_down: bool = False,
        channels: Sequence[int] = (64, 128, 256, 512),
        norm_layer: str = 'batchnorm',
        aa_layer: AaLayer = None,
        attn_layer: Optional[str] = None,
        use_se: bool = False,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        zero_init_last: bool = True,
        output_stride: int = 32,
        act_layer: ActLayer = 'relu',
        drop_block_rate: float = 0.0,
        block_args: Optional[Dict[str, Any]] = None,
    ) -> None:
        """
        Args:
            output_stride: 32, 16 or 8: the later stages keep the resolution of the stage that reaches this
                stride, with dilated 3x3 convs instead of striding (for dense prediction).
            act_layer: activation name ('relu', 'silu', ...) or class, for the stem and every block.
            drop_block_rate: DropBlock in layer3 (5x5 blocks, a quarter of the rate) and layer4 (3x3), training only.
            block_args: extra block options, as timm's: {'attn_layer': 'se' | 'se_r4' | 'eca' | class | None}.
                Given, it replaces the architecture's block options (as in timm, where it replaces the builder's).
            The other arguments are timm's; norm_layer is 'batchnorm' or 'groupnorm', aa_layer None, 'avg' or 'blur',
            attn_layer as in block_args.
        """
        super().__init__()
        if output_stride not in OUTPUT_STRIDES:
            raise InvalidModelArgsError(
                f"output_stride must be one of {OUTPUT_STRIDES} (the stride of the last feature map), "
                f"got {output_stride!r}.")
        for name, rate in (('drop_rate', drop_rate), ('drop_path_rate', drop_path_rate), ('drop_block_rate', drop_block_rate)):
            check_fraction(name, rate)
        for name, count in (('in_chans', in_chans), ('stem_width', stem_width), ('base_width', base_width),
                            ('cardinality', cardinality)):
            if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
                raise InvalidModelArgsError(f"{name} must be a positive whole number, got {count!r}.")
        if block_args is not None:
            if not isinstance(block_args, dict) or any(k not in BLOCK_ARGS for k in block_args):
                raise InvalidModelArgsError(
                    f"block_args must be a dict with keys from {BLOCK_ARGS} (the other block options are ResNet "
                    f"arguments: cardinality, base_width, norm_layer, aa_layer, act_layer...), got {block_args!r}.")
            attn_layer, use_se = block_args.get('attn_layer'), False
        act = get_act_layer(act_layer)
        if stem_type not in ('', 'deep', 'deep_tiered'):
            raise InvalidModelArgsError(f"stem_type must be '', 'deep' or 'deep_tiered', got {stem_type!r}.")
        if aa_layer not in (None, 'avg', 'blur'):
            raise InvalidModelArgsError(f"aa_layer must be None, 'avg' or 'blur', got {aa_layer!r}.")
        for name, counts in (('layers', layers), ('channels', channels)):
            if not isinstance(counts, (list, tuple)) or not all(
                    isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in counts):
                raise InvalidModelArgsError(f"{name} must be a list of 4 positive whole numbers, got {counts!r}.")
        blocks_per_stage = tuple(block) if isinstance(block, (list, tuple)) else (block,) * len(channels)
        if not all(isinstance(b, type) and issubclass(b, nn.Module) and hasattr(b, 'expansion') for b in blocks_per_stage):
            raise InvalidModelArgsError(
                f"block must be a ResNet block class (imgzoo.models.resnet.BasicBlock or Bottleneck) or a list of 4, "
                f"got {block!r}.")
        if not len(layers) == len(channels) == len(blocks_per_stage) == 4:
            raise InvalidModelArgsError(
                f"layers, channels (and a per-stage block list) need 4 entries, got layers={tuple(layers)}, "
                f"channels={tuple(channels)}.")
        attn = _attn_layer('se' if use_se and attn_layer is None else attn_layer)
        norm = _norm_layer(norm_layer)
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate

        deep_stem = 'deep' in stem_type
        inplanes = stem_width * 2 if deep_stem else 64
        if deep_stem:
            stem_chs = (3 * (stem_width // 4), stem_width) if 'tiered' in stem_type else (stem_width, stem_width)
            self.conv1 = nn.Sequential(
                nn.Conv2d(in_chans, stem_chs[0], 3, stride=2, padding=1, bias=False),
                norm(stem_chs[0]),
                create_act(act, inplace=True),
                nn.Conv2d(stem_chs[0], stem_chs[1], 3, stride=1, padding=1, bias=False),
                norm(stem_chs[1]),
                create_act(act, inplace=True),
                nn.Conv2d(stem_chs[1], inplanes, 3, stride=1, padding=1, bias=False),
            )
        else:
            self.conv1 = nn.Conv2d(in_chans, inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm(inplanes)
        self.act1 = create_act(act, inplace=True)
        self.feature_info = [dict(num_chs=inplanes, reduction=2, module='act1')]
        self.maxpool: nn.Module
        if replace_stem_pool:
            self.maxpool = nn.Sequential(*filter(None, [
                nn.Conv2d(inplanes, inplanes, 3, stride=1 if aa_layer else 2, padding=1, bias=False),
                _aa(aa_layer, inplanes, 2) if aa_layer else None,
                norm(inplanes),
                create_act(act, inplace=True),
            ]))
        elif aa_layer == 'avg':
            self.maxpool = nn.AvgPool2d(2)
        elif aa_layer == 'blur':
            self.maxpool = nn.Sequential(nn.MaxPool2d(kernel_size=3, stride=1, padding=1),
                                         BlurPool2d(channels=inplanes, stride=2))
        else:
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)

        total_blocks = sum(layers)
        block_idx = 0
        net_stride, dilation, prev_dilation = 4, 1, 1
        stages = zip(blocks_per_stage, channels, layers, drop_blocks(drop_block_rate))
        for stage_idx, (block_fn, planes, num_blocks, drop_block) in enumerate(stages):
            stride = 1 if stage_idx == 0 else 2
            if net_stride >= output_stride:  # dilate instead of striding once the output stride is reached
                dilation *= stride
                stride = 1
            else:
                net_stride *= stride
            blocks = []
            for i in range(num_blocks):
                dpr = drop_path_rate * block_idx / max(total_blocks - 1, 1)
                downsample = _downsample(inplanes, planes * block_fn.expansion, stride, avg_down, down_kernel_size,
                                         norm, dilation, prev_dilation) if i == 0 else None
                blocks.append(block_fn(
                    inplanes, planes, stride if i == 0 else 1, downsample, cardinality=cardinality,
                    base_width=base_width, reduce_first=block_reduce_first, norm_layer=norm, attn_layer=attn,
                    aa_layer=aa_layer, drop_path=dpr, dilation=dilation, first_dilation=prev_dilation,
                    act_layer=act, drop_block=drop_block,
                ))
                prev_dilation = dilation
                inplanes = planes * block_fn.expansion
                block_idx += 1
            self.add_module(f'layer{stage_idx + 1}', nn.Sequential(*blocks))
            self.feature_info.append(dict(num_chs=inplanes, reduction=net_stride, module=f'layer{stage_idx + 1}'))

        self.num_features = channels[-1] * blocks_per_stage[-1].expansion
        self.global_pool, self.fc = create_classifier(self.num_features, self.num_classes, pool_type=global_pool)
        self.head_hidden_size = self.num_features * self.global_pool.feat_mult()
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
        self.head_hidden_size = self.num_features * self.global_pool.feat_mult()

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


def _resnet(*block_and_layers: Any, **kwargs: Any) -> ResNet:
    """A ResNet of (block, layers); keyword arguments (block and layers included) override them."""
    block, layers = block_and_layers
    return ResNet(**{'block': block, 'layers': layers, **kwargs})


@register_model
def resnet10t(**kwargs: Any) -> ResNet:
    """ResNet-10-T: tiered deep stem, average-pool shortcut."""
    return _resnet(BasicBlock, (1, 1, 1, 1), **{**dict(stem_width=32, stem_type='deep_tiered', avg_down=True), **kwargs})


@register_model
def resnet14t(**kwargs: Any) -> ResNet:
    """ResNet-14-T."""
    return _resnet(Bottleneck, (1, 1, 1, 1), **{**dict(stem_width=32, stem_type='deep_tiered', avg_down=True), **kwargs})


@register_model
def resnet18(**kwargs: Any) -> ResNet:
    """ResNet-18."""
    return _resnet(BasicBlock, (2, 2, 2, 2), **kwargs)


@register_model
def resnet18d(**kwargs: Any) -> ResNet:
    """ResNet-18-D: deep stem, average-pool shortcut."""
    return _resnet(BasicBlock, (2, 2, 2, 2), **{**dict(stem_width=32, stem_type='deep', avg_down=True), **kwargs})


@register_model
def resnet34(**kwargs: Any) -> ResNet:
    """ResNet-34."""
    return _resnet(BasicBlock, (3, 4, 6, 3), **kwargs)


@register_model
def resnet34d(**kwargs: Any) -> ResNet:
    """ResNet-34-D."""
    return _resnet(BasicBlock, (3, 4, 6, 3), **{**dict(stem_width=32, stem_type='deep', avg_down=True), **kwargs})


@register_model
def resnet26(**kwargs: Any) -> ResNet:
    """ResNet-26."""
    return _resnet(Bottleneck, (2, 2, 2, 2), **kwargs)


@register_model
def resnet26t(**kwargs: Any) -> ResNet:
    """ResNet-26-T."""
    return _resnet(Bottleneck, (2, 2, 2, 2), **{**dict(stem_width=32, stem_type='deep_tiered', avg_down=True), **kwargs})


@register_model
def resnet26d(**kwargs: Any) -> ResNet:
    """ResNet-26-D."""
    return _resnet(Bottleneck, (2, 2, 2, 2), **{**dict(stem_width=32, stem_type='deep', avg_down=True), **kwargs})


@register_model
def resnet50(**kwargs: Any) -> ResNet:
    """ResNet-50."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **kwargs)


@register_model
def resnet50c(**kwargs: Any) -> ResNet:
    """ResNet-50-C: deep stem."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(stem_width=32, stem_type='deep'), **kwargs})


@register_model
def resnet50d(**kwargs: Any) -> ResNet:
    """ResNet-50-D."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(stem_width=32, stem_type='deep', avg_down=True), **kwargs})


@register_model
def resnet50s(**kwargs: Any) -> ResNet:
    """ResNet-50-S: 64-wide deep stem."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(stem_width=64, stem_type='deep'), **kwargs})


@register_model
def resnet50t(**kwargs: Any) -> ResNet:
    """ResNet-50-T."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(stem_width=32, stem_type='deep_tiered', avg_down=True), **kwargs})


@register_model
def resnet101(**kwargs: Any) -> ResNet:
    """ResNet-101."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **kwargs)


@register_model
def resnet101c(**kwargs: Any) -> ResNet:
    """ResNet-101-C."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(stem_width=32, stem_type='deep'), **kwargs})


@register_model
def resnet101d(**kwargs: Any) -> ResNet:
    """ResNet-101-D."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(stem_width=32, stem_type='deep', avg_down=True), **kwargs})


@register_model
def resnet101s(**kwargs: Any) -> ResNet:
    """ResNet-101-S."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(stem_width=64, stem_type='deep'), **kwargs})


@register_model
def resnet152(**kwargs: Any) -> ResNet:
    """ResNet-152."""
    return _resnet(Bottleneck, (3, 8, 36, 3), **kwargs)


@register_model
def resnet152c(**kwargs: Any) -> ResNet:
    """ResNet-152-C."""
    return _resnet(Bottleneck, (3, 8, 36, 3), **{**dict(stem_width=32, stem_type='deep'), **kwargs})


@register_model
def resnet152d(**kwargs: Any) -> ResNet:
    """ResNet-152-D."""
    return _resnet(Bottleneck, (3, 8, 36, 3), **{**dict(stem_width=32, stem_type='deep', avg_down=True), **kwargs})


@register_model
def resnet152s(**kwargs: Any) -> ResNet:
    """ResNet-152-S."""
    return _resnet(Bottleneck, (3, 8, 36, 3), **{**dict(stem_width=64, stem_type='deep'), **kwargs})


@register_model
def resnet200(**kwargs: Any) -> ResNet:
    """ResNet-200."""
    return _resnet(Bottleneck, (3, 24, 36, 3), **kwargs)


@register_model
def resnet200d(**kwargs: Any) -> ResNet:
    """ResNet-200-D."""
    return _resnet(Bottleneck, (3, 24, 36, 3), **{**dict(stem_width=32, stem_type='deep', avg_down=True), **kwargs})


@register_model
def wide_resnet50_2(**kwargs: Any) -> ResNet:
    """Wide ResNet-50-2."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(base_width=128), **kwargs})


@register_model
def wide_resnet101_2(**kwargs: Any) -> ResNet:
    """Wide ResNet-101-2."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(base_width=128), **kwargs})


@register_model
def resnet50_gn(**kwargs: Any) -> ResNet:
    """ResNet-50 with GroupNorm."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(norm_layer='groupnorm'), **kwargs})


@register_model
def resnext50_32x4d(**kwargs: Any) -> ResNet:
    """ResNeXt-50 32x4d."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(cardinality=32, base_width=4), **kwargs})


@register_model
def resnext50d_32x4d(**kwargs: Any) -> ResNet:
    """ResNeXt-50-D 32x4d."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(cardinality=32, base_width=4, stem_width=32, stem_type='deep', avg_down=True), **kwargs})


@register_model
def resnext101_32x4d(**kwargs: Any) -> ResNet:
    """ResNeXt-101 32x4d."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(cardinality=32, base_width=4), **kwargs})


@register_model
def resnext101_32x8d(**kwargs: Any) -> ResNet:
    """ResNeXt-101 32x8d."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(cardinality=32, base_width=8), **kwargs})


@register_model
def resnext101_32x16d(**kwargs: Any) -> ResNet:
    """ResNeXt-101 32x16d."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(cardinality=32, base_width=16), **kwargs})


@register_model
def resnext101_32x32d(**kwargs: Any) -> ResNet:
    """ResNeXt-101 32x32d."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(cardinality=32, base_width=32), **kwargs})


@register_model
def resnext101_64x4d(**kwargs: Any) -> ResNet:
    """ResNeXt-101 64x4d."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(cardinality=64, base_width=4), **kwargs})


@register_model
def ecaresnet26t(**kwargs: Any) -> ResNet:
    """ECA-ResNet-26-T."""
    return _resnet(Bottleneck, (2, 2, 2, 2), **{**dict(stem_width=32, stem_type='deep_tiered', avg_down=True, attn_layer='eca'), **kwargs})


@register_model
def ecaresnet50d(**kwargs: Any) -> ResNet:
    """ECA-ResNet-50-D."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(stem_width=32, stem_type='deep', avg_down=True, attn_layer='eca'), **kwargs})


@register_model
def ecaresnet50d_pruned(**kwargs: Any) -> ResNet:
    """ECA-ResNet-50-D pruned (Zhang et al. 2020, arXiv:2002.08258): ecaresnet50d at the widths of timm's pruning file."""
    return adapt_to_pruned(ecaresnet50d(**kwargs), 'ecaresnet50d_pruned')


@register_model
def ecaresnet50t(**kwargs: Any) -> ResNet:
    """ECA-ResNet-50-T."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(stem_width=32, stem_type='deep_tiered', avg_down=True, attn_layer='eca'), **kwargs})


@register_model
def ecaresnetlight(**kwargs: Any) -> ResNet:
    """ECA-ResNet-Light."""
    return _resnet(Bottleneck, (1, 1, 11, 3), **{**dict(stem_width=32, avg_down=True, attn_layer='eca'), **kwargs})


@register_model
def ecaresnet101d(**kwargs: Any) -> ResNet:
    """ECA-ResNet-101-D."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(stem_width=32, stem_type='deep', avg_down=True, attn_layer='eca'), **kwargs})


@register_model
def ecaresnet101d_pruned(**kwargs: Any) -> ResNet:
    """ECA-ResNet-101-D pruned (Zhang et al. 2020, arXiv:2002.08258): ecaresnet101d at the widths of timm's pruning file."""
    return adapt_to_pruned(ecaresnet101d(**kwargs), 'ecaresnet101d_pruned')


@register_model
def ecaresnet200d(**kwargs: Any) -> ResNet:
    """ECA-ResNet-200-D."""
    return _resnet(Bottleneck, (3, 24, 36, 3), **{**dict(stem_width=32, stem_type='deep', avg_down=True, attn_layer='eca'), **kwargs})


@register_model
def ecaresnet269d(**kwargs: Any) -> ResNet:
    """ECA-ResNet-269-D."""
    return _resnet(Bottleneck, (3, 30, 48, 8), **{**dict(stem_width=32, stem_type='deep', avg_down=True, attn_layer='eca'), **kwargs})


@register_model
def ecaresnext26t_32x4d(**kwargs: Any) -> ResNet:
    """ECA-ResNeXt-26-T 32x4d."""
    return _resnet(Bottleneck, (2, 2, 2, 2), **{**dict(cardinality=32, base_width=4, stem_width=32, stem_type='deep_tiered', avg_down=True, attn_layer='eca'), **kwargs})


@register_model
def ecaresnext50t_32x4d(**kwargs: Any) -> ResNet:
    """ECA-ResNeXt-50-T 32x4d."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(cardinality=32, base_width=4, stem_width=32, stem_type='deep_tiered', avg_down=True, attn_layer='eca'), **kwargs})


@register_model
def seresnet18(**kwargs: Any) -> ResNet:
    """SE-ResNet-18."""
    return _resnet(BasicBlock, (2, 2, 2, 2), **{**dict(attn_layer='se'), **kwargs})


@register_model
def seresnet34(**kwargs: Any) -> ResNet:
    """SE-ResNet-34."""
    return _resnet(BasicBlock, (3, 4, 6, 3), **{**dict(attn_layer='se'), **kwargs})


@register_model
def seresnet50(**kwargs: Any) -> ResNet:
    """SE-ResNet-50."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(attn_layer='se'), **kwargs})


@register_model
def seresnet50t(**kwargs: Any) -> ResNet:
    """SE-ResNet-50-T."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(stem_width=32, stem_type='deep_tiered', avg_down=True, attn_layer='se'), **kwargs})


@register_model
def seresnet101(**kwargs: Any) -> ResNet:
    """SE-ResNet-101."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(attn_layer='se'), **kwargs})


@register_model
def seresnet152(**kwargs: Any) -> ResNet:
    """SE-ResNet-152."""
    return _resnet(Bottleneck, (3, 8, 36, 3), **{**dict(attn_layer='se'), **kwargs})


@register_model
def seresnet152d(**kwargs: Any) -> ResNet:
    """SE-ResNet-152-D."""
    return _resnet(Bottleneck, (3, 8, 36, 3), **{**dict(stem_width=32, stem_type='deep', avg_down=True, attn_layer='se'), **kwargs})


@register_model
def seresnet200d(**kwargs: Any) -> ResNet:
    """SE-ResNet-200-D."""
    return _resnet(Bottleneck, (3, 24, 36, 3), **{**dict(stem_width=32, stem_type='deep', avg_down=True, attn_layer='se'), **kwargs})


@register_model
def seresnet269d(**kwargs: Any) -> ResNet:
    """SE-ResNet-269-D."""
    return _resnet(Bottleneck, (3, 30, 48, 8), **{**dict(stem_width=32, stem_type='deep', avg_down=True, attn_layer='se'), **kwargs})


@register_model
def seresnext26d_32x4d(**kwargs: Any) -> ResNet:
    """SE-ResNeXt-26-D 32x4d."""
    return _resnet(Bottleneck, (2, 2, 2, 2), **{**dict(cardinality=32, base_width=4, stem_width=32, stem_type='deep', avg_down=True, attn_layer='se'), **kwargs})


@register_model
def seresnext26t_32x4d(**kwargs: Any) -> ResNet:
    """SE-ResNeXt-26-T 32x4d."""
    return _resnet(Bottleneck, (2, 2, 2, 2), **{**dict(cardinality=32, base_width=4, stem_width=32, stem_type='deep_tiered', avg_down=True, attn_layer='se'), **kwargs})


@register_model
def seresnext50_32x4d(**kwargs: Any) -> ResNet:
    """SE-ResNeXt-50 32x4d."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(cardinality=32, base_width=4, attn_layer='se'), **kwargs})


@register_model
def seresnext101_32x4d(**kwargs: Any) -> ResNet:
    """SE-ResNeXt-101 32x4d."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(cardinality=32, base_width=4, attn_layer='se'), **kwargs})


@register_model
def seresnext101_32x8d(**kwargs: Any) -> ResNet:
    """SE-ResNeXt-101 32x8d."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(cardinality=32, base_width=8, attn_layer='se'), **kwargs})


@register_model
def seresnext101d_32x8d(**kwargs: Any) -> ResNet:
    """SE-ResNeXt-101-D 32x8d."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(cardinality=32, base_width=8, stem_width=32, stem_type='deep', avg_down=True, attn_layer='se'), **kwargs})


@register_model
def seresnext101_64x4d(**kwargs: Any) -> ResNet:
    """SE-ResNeXt-101 64x4d."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(cardinality=64, base_width=4, attn_layer='se'), **kwargs})


@register_model
def senet154(**kwargs: Any) -> ResNet:
    """SENet-154."""
    return _resnet(Bottleneck, (3, 8, 36, 3), **{**dict(cardinality=64, base_width=4, stem_type='deep', down_kernel_size=3, block_reduce_first=2, attn_layer='se'), **kwargs})


@register_model
def resnetblur18(**kwargs: Any) -> ResNet:
    """ResNet-18 with blur-pool anti-aliasing."""
    return _resnet(BasicBlock, (2, 2, 2, 2), **{**dict(aa_layer='blur'), **kwargs})


@register_model
def resnetblur50(**kwargs: Any) -> ResNet:
    """ResNet-50 with blur-pool anti-aliasing."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(aa_layer='blur'), **kwargs})


@register_model
def resnetblur50d(**kwargs: Any) -> ResNet:
    """ResNet-50-D with blur-pool anti-aliasing."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(aa_layer='blur', stem_width=32, stem_type='deep', avg_down=True), **kwargs})


@register_model
def resnetblur101d(**kwargs: Any) -> ResNet:
    """ResNet-101-D with blur-pool anti-aliasing."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(aa_layer='blur', stem_width=32, stem_type='deep', avg_down=True), **kwargs})


@register_model
def resnetaa34d(**kwargs: Any) -> ResNet:
    """ResNet-34-D with average-pool anti-aliasing."""
    return _resnet(BasicBlock, (3, 4, 6, 3), **{**dict(aa_layer='avg', stem_width=32, stem_type='deep', avg_down=True), **kwargs})


@register_model
def resnetaa50(**kwargs: Any) -> ResNet:
    """ResNet-50 with average-pool anti-aliasing."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(aa_layer='avg'), **kwargs})


@register_model
def resnetaa50d(**kwargs: Any) -> ResNet:
    """ResNet-50-D with average-pool anti-aliasing."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(aa_layer='avg', stem_width=32, stem_type='deep', avg_down=True), **kwargs})


@register_model
def resnetaa101d(**kwargs: Any) -> ResNet:
    """ResNet-101-D with average-pool anti-aliasing."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(aa_layer='avg', stem_width=32, stem_type='deep', avg_down=True), **kwargs})


@register_model
def seresnetaa50d(**kwargs: Any) -> ResNet:
    """SE-ResNet-50-D with average-pool anti-aliasing."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(aa_layer='avg', stem_width=32, stem_type='deep', avg_down=True, attn_layer='se'), **kwargs})


@register_model
def seresnextaa101d_32x8d(**kwargs: Any) -> ResNet:
    """SE-ResNeXt-101-D 32x8d, average-pool anti-aliasing."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(cardinality=32, base_width=8, stem_width=32, stem_type='deep', avg_down=True, aa_layer='avg', attn_layer='se'), **kwargs})


@register_model
def seresnextaa201d_32x8d(**kwargs: Any) -> ResNet:
    """SE-ResNeXt-201-D 32x8d, average-pool anti-aliasing."""
    return _resnet(Bottleneck, (3, 24, 36, 4), **{**dict(cardinality=32, base_width=8, stem_width=64, stem_type='deep', avg_down=True, aa_layer='avg', attn_layer='se'), **kwargs})


@register_model
def resnetrs50(**kwargs: Any) -> ResNet:
    """ResNet-RS-50 (Bello et al. 2021)."""
    return _resnet(Bottleneck, (3, 4, 6, 3), **{**dict(stem_width=32, stem_type='deep', replace_stem_pool=True, avg_down=True, attn_layer='se_r4'), **kwargs})


@register_model
def resnetrs101(**kwargs: Any) -> ResNet:
    """ResNet-RS-101 (Bello et al. 2021)."""
    return _resnet(Bottleneck, (3, 4, 23, 3), **{**dict(stem_width=32, stem_type='deep', replace_stem_pool=True, avg_down=True, attn_layer='se_r4'), **kwargs})


@register_model
def resnetrs152(**kwargs: Any) -> ResNet:
    """ResNet-RS-152 (Bello et al. 2021)."""
    return _resnet(Bottleneck, (3, 8, 36, 3), **{**dict(stem_width=32, stem_type='deep', replace_stem_pool=True, avg_down=True, attn_layer='se_r4'), **kwargs})


@register_model
def resnetrs200(**kwargs: Any) -> ResNet:
    """ResNet-RS-200 (Bello et al. 2021)."""
    return _resnet(Bottleneck, (3, 24, 36, 3), **{**dict(stem_width=32, stem_type='deep', replace_stem_pool=True, avg_down=True, attn_layer='se_r4'), **kwargs})


@register_model
def resnetrs270(**kwargs: Any) -> ResNet:
    """ResNet-RS-270 (Bello et al. 2021)."""
    return _resnet(Bottleneck, (4, 29, 53, 4), **{**dict(stem_width=32, stem_type='deep', replace_stem_pool=True, avg_down=True, attn_layer='se_r4'), **kwargs})


@register_model
def resnetrs350(**kwargs: Any) -> ResNet:
    """ResNet-RS-350 (Bello et al. 2021)."""
    return _resnet(Bottleneck, (4, 36, 72, 4), **{**dict(stem_width=32, stem_type='deep', replace_stem_pool=True, avg_down=True, attn_layer='se_r4'), **kwargs})


@register_model
def resnetrs420(**kwargs: Any) -> ResNet:
    """ResNet-RS-420 (Bello et al. 2021)."""
    return _resnet(Bottleneck, (4, 44, 87, 4), **{**dict(stem_width=32, stem_type='deep', replace_stem_pool=True, avg_down=True, attn_layer='se_r4'), **kwargs})


@register_model
def test_resnet(**kwargs: Any) -> ResNet:
    """A tiny ResNet with mixed block types (timm's test model)."""
    return _resnet([BasicBlock, BasicBlock, Bottleneck, BasicBlock], (1, 1, 1, 1), **{
        **dict(stem_width=16, stem_type='deep', avg_down=True, channels=(32, 48, 48, 96)), **kwargs})
