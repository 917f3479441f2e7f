"""PP-HGNet and PP-HGNetV2 (PaddlePaddle's high-performance GPU networks).

Module and parameter names follow timm's `hgnet.py`, so its checkpoints load strictly: a `stem`
(V1: three 3x3 convs and a max pool; V2: a 3x3 conv, a two-branch 2x2-conv / max-pool block and two
more convs), four `stages` of HG blocks (a stack of convs, or light 1x1 + depthwise convs in V2's later
stages, whose outputs are concatenated and aggregated by 1x1 convs, ESE attention in V1), and a head that
pools, applies a 1x1 conv + ReLU (`head.last_conv`) and the classifier. HGNetV2 b0-b3 add a learnable
scalar affine (`lab`) after each activation.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from ..features import check_output_fmt, feature_take_indices
from ..layers import DropPath, check_num_classes, create_conv2d
from ..layers.pooling import GlobalPool2d
from ..registry import register_model
from ._base import ImgzooModel, checkpoint_seq

# per stage: in_chs, mid_chs, out_chs, blocks, downsample, light_block, kernel_size, layer_num
StageCfg = Tuple[int, int, int, int, bool, bool, int, int]

MODEL_CFGS: Dict[str, Dict[str, Any]] = dict(
    hgnet_tiny=dict(stem_type='v1', stem_chs=(48, 48, 96), stages=(
        (96, 96, 224, 1, False, False, 3, 5), (224, 128, 448, 1, True, False, 3, 5),
        (448, 160, 512, 2, True, False, 3, 5), (512, 192, 768, 1, True, False, 3, 5))),
    hgnet_small=dict(stem_type='v1', stem_chs=(64, 64, 128), stages=(
        (128, 128, 256, 1, False, False, 3, 6), (256, 160, 512, 1, True, False, 3, 6),
        (512, 192, 768, 2, True, False, 3, 6), (768, 224, 1024, 1, True, False, 3, 6))),
    hgnet_base=dict(stem_type='v1', stem_chs=(96, 96, 160), stages=(
        (160, 192, 320, 1, False, False, 3, 7), (320, 224, 640, 2, True, False, 3, 7),
        (640, 256, 960, 3, True, False, 3, 7), (960, 288, 1280, 2, True, False, 3, 7))),
    hgnetv2_b0=dict(stem_type='v2', stem_chs=(16, 16), stages=(
        (16, 16, 64, 1, False, False, 3, 3), (64, 32, 256, 1, True, False, 3, 3),
        (256, 64, 512, 2, True, True, 5, 3), (512, 128, 1024, 1, True, True, 5, 3))),
    hgnetv2_b1=dict(stem_type='v2', stem_chs=(24, 32), stages=(
        (32, 32, 64, 1, False, False, 3, 3), (64, 48, 256, 1, True, False, 3, 3),
        (256, 96, 512, 2, True, True, 5, 3), (512, 192, 1024, 1, True, True, 5, 3))),
    hgnetv2_b2=dict(stem_type='v2', stem_chs=(24, 32), stages=(
        (32, 32, 96, 1, False, False, 3, 4), (96, 64, 384, 1, True, False, 3, 4),
        (384, 128, 768, 3, True, True, 5, 4), (768, 256, 1536, 1, True, True, 5, 4))),
    hgnetv2_b3=dict(stem_type='v2', stem_chs=(24, 32), stages=(
        (32, 32, 128, 1, False, False, 3, 5), (128, 64, 512, 1, True, False, 3, 5),
        (512, 128, 1024, 3, True, True, 5, 5), (1024, 256, 2048, 1, True, True, 5, 5))),
    hgnetv2_b4=dict(stem_type='v2', stem_chs=(32, 48), stages=(
        (48, 48, 128, 1, False, False, 3, 6), (128, 96, 512, 1, True, False, 3, 6),
        (512, 192, 1024, 3, True, True, 5, 6), (1024, 384, 2048, 1, True, True, 5, 6))),
    hgnetv2_b5=dict(stem_type='v2', stem_chs=(32, 64), stages=(
        (64, 64, 128, 1, False, False, 3, 6), (128, 128, 512, 2, True, False, 3, 6),
        (512, 256, 1024, 5, True, True, 5, 6), (1024, 512, 2048, 2, True, True, 5, 6))),
    hgnetv2_b6=dict(stem_type='v2', stem_chs=(48, 96), stages=(
        (96, 96, 192, 2, False, False, 3, 6), (192, 192, 512, 3, True, False, 3, 6),
        (512, 384, 1024, 6, True, True, 5, 6), (1024, 768, 2048, 3, True, True, 5, 6))),
)


class LearnableAffineBlock(nn.Module):
    """scale * x + bias with two learnt scalars (shape [1] each)."""

    def __init__(self, scale_value: float = 1.0, bias_value: float = 0.0) -> None:
        super().__init__()
        self.scale_value, self.bias_value = scale_value, bias_value
        self.scale = nn.Parameter(torch.empty(1))
        self.bias = nn.Parameter(torch.empty(1))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.constant_(self.scale, self.scale_value)
        nn.init.constant_(self.bias, self.bias_value)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.scale * x + self.bias


class ConvBNAct(nn.Module):
    """Conv → BatchNorm → ReLU (use_act) → learnable affine (use_act and use_lab); keys conv, bn, lab."""

    def __init__(self, in_chs: int, out_chs: int, kernel_size: int, stride: int = 1, groups: int = 1,
                 padding: str = '', use_act: bool = True, use_lab: bool = False) -> None:
        super().__init__()
        self.use_act = use_act
        self.use_lab = use_lab
        self.conv = create_conv2d(in_chs, out_chs, kernel_size, stride=stride, padding=padding, groups=groups)
        self.bn = nn.BatchNorm2d(out_chs)
        self.act = nn.ReLU() if use_act else nn.Identity()
        self.lab = LearnableAffineBlock() if use_act and use_lab else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.lab(self.act(self.bn(self.conv(x))))


class LightConvBNAct(nn.Module):
    """1x1 conv-bn (no activation) then depthwise kxk conv-bn-act."""

    def __init__(self, in_chs: int, out_chs: int, kernel_size: int, use_lab: bool = False) -> None:
        super().__init__()
        self.conv1 = ConvBNAct(in_chs, out_chs, kernel_size=1, use_act=False, use_lab=use_lab)
        self.conv2 = ConvBNAct(out_chs, out_chs, kernel_size=kernel_size, groups=out_chs, use_act=True,
                               use_lab=use_lab)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv2(self.conv1(x))


class EseModule(nn.Module):
    """Effective squeeze-excitation: x * sigmoid(conv1x1(mean over H, W))."""

    def __init__(self, chs: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(chs, chs, kernel_size=1, stride=1, padding=0)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.sigmoid(self.conv(x.mean((2, 3), keepdim=True)))


class StemV1(nn.Module):
    """PP-HGNet stem: 3x3 convs (the first strided) then a 3x3 stride-2 max pool."""

    def __init__(self, stem_chs: Sequence[int]) -> None:
        super().__init__()
        self.stem = nn.Sequential(*[
            ConvBNAct(stem_chs[i], stem_chs[i + 1], kernel_size=3, stride=2 if i == 0 else 1)
            for i in range(len(stem_chs) - 1)
        ])
        self.pool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(self.stem(x))


class StemV2(nn.Module):
    """PP-HGNetV2 stem: strided 3x3 conv, then [2x2 max pool | two 2x2 convs] on a right/bottom-padded map,
    concatenated, a strided 3x3 conv and a 1x1 conv."""

    def __init__(self, in_chs: int, mid_chs: int, out_chs: int, use_lab: bool = False) -> None:
        super().__init__()
        self.stem1 = ConvBNAct(in_chs, mid_chs, kernel_size=3, stride=2, use_lab=use_lab)
        self.stem2a = ConvBNAct(mid_chs, mid_chs // 2, kernel_size=2, stride=1, use_lab=use_lab)
        self.stem2b = ConvBNAct(mid_chs // 2, mid_chs, kernel_size=2, stride=1, use_lab=use_lab)
        self.stem3 = ConvBNAct(mid_chs * 2, mid_chs, kernel_size=3, stride=2, use_lab=use_lab)
        self.stem4 = ConvBNAct(mid_chs, out_chs, kernel_size=1, stride=1, use_lab=use_lab)
        self.pool = nn.MaxPool2d(kernel_size=2, stride=1, ceil_mode=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.pad(self.stem1(x), (0, 1, 0, 1))
        x2 = self.stem2b(F.pad(self.stem2a(x), (0, 1, 0, 1)))
        x = torch.cat([self.pool(x), x2], dim=1)
        return self.stem4(self.stem3(x))


class HighPerfGpuBlock(nn.Module):
    """HG block: layer_num convs in sequence, every output (and the input) concatenated, then aggregated
    ('ese': 1x1 conv + ESE; 'se': 1x1 squeeze to out/2 and 1x1 excite to out); residual after the first."""

    def __init__(self, in_chs: int, mid_chs: int, out_chs: int, layer_num: int, kernel_size: int = 3,
                 residual: bool = False, light_block: bool = False, use_lab: bool = False, agg: str = 'ese',
                 drop_path: float = 0.0) -> None:
        super().__init__()
        self.residual = residual
        self.layers = nn.ModuleList()
        for i in range(layer_num):
            chs = in_chs if i == 0 else mid_chs
            if light_block:
                self.layers.append(LightConvBNAct(chs, mid_chs, kernel_size=kernel_size, use_lab=use_lab))
            else:
                self.layers.append(ConvBNAct(chs, mid_chs, kernel_size=kernel_size, stride=1, use_lab=use_lab))
        total_chs = in_chs + layer_num * mid_chs
        if agg == 'se':
            self.aggregation = nn.Sequential(
                ConvBNAct(total_chs, out_chs // 2, kernel_size=1, stride=1, use_lab=use_lab),
                ConvBNAct(out_chs // 2, out_chs, kernel_size=1, stride=1, use_lab=use_lab),
            )
        else:
            self.aggregation = nn.Sequential(
                ConvBNAct(total_chs, out_chs, kernel_size=1, stride=1, use_lab=use_lab),
                EseModule(out_chs),
            )
        self.drop_path = DropPath(drop_path) if drop_path else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x
        output = [x]
        for layer in self.layers:
            x = layer(x)
            output.append(x)
        x = self.aggregation(torch.cat(output, dim=1))
        if self.residual:
            x = self.drop_path(x) + identity
        return x


class HighPerfGpuStage(nn.Module):
    """Optional depthwise strided 3x3 conv-bn (`downsample`) then HG blocks (`blocks`)."""

    def __init__(self, in_chs: int, mid_chs: int, out_chs: int, block_num: int, layer_num: int,
                 downsample: bool = True, stride: int = 2, light_block: bool = False, kernel_size: int = 3,
                 use_lab: bool = False, agg: str = 'ese', drop_path: Sequence[float] = ()) -> None:
        super().__init__()
        self.downsample = ConvBNAct(in_chs, in_chs, kernel_size=3, stride=stride, groups=in_chs, use_act=False,
                                    use_lab=use_lab) if downsample else nn.Identity()
        self.blocks = nn.Sequential(*[
            HighPerfGpuBlock(in_chs if i == 0 else out_chs, mid_chs, out_chs, layer_num, residual=i > 0,
                             kernel_size=kernel_size, light_block=light_block, use_lab=use_lab, agg=agg,
                             drop_path=drop_path[i] if drop_path else 0.0)
            for i in range(block_num)
        ])
        self.grad_checkpointing = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.downsample(x)
        return checkpoint_seq(self.blocks, x) if self.grad_checkpointing else self.blocks(x)


class ClassifierHead(nn.Module):
    """Global pool (unflattened) → 1x1 conv + ReLU (+ affine) to hidden_size (`last_conv`) → dropout →
    flatten → `fc`."""

    def __init__(self, in_features: int, num_classes: int, pool_type: str = 'avg', drop_rate: float = 0.0,
                 hidden_size: Optional[int] = 2048, use_lab: bool = False) -> None:
        super().__init__()
        self.in_features = in_features
        self.num_features = in_features
        self.global_pool = self._pool(pool_type, num_classes)
        self.last_conv: nn.Module
        if hidden_size is not None:
            self.num_features = hidden_size
            last_conv = nn.Conv2d(in_features, hidden_size, kernel_size=1, stride=1, padding=0, bias=False)
            layers = [last_conv, nn.ReLU()] + ([LearnableAffineBlock()] if use_lab else [])
            self.last_conv = nn.Sequential(*layers)
        else:
            self.last_conv = nn.Identity()
        self.dropout = nn.Dropout(drop_rate)
        self.flatten = nn.Flatten(1) if pool_type else nn.Identity()
        self.fc = nn.Linear(self.num_features, num_classes) if num_classes > 0 else nn.Identity()

    @staticmethod
    def _pool(pool_type: str, num_classes: int) -> GlobalPool2d:
        pool = GlobalPool2d(pool_type, flatten=False)
        if pool.feat_mult() != 1:
            raise InvalidModelArgsError(
                f"global_pool={pool_type!r} changes the pooled width, which this head's 1x1 conv cannot take; "
                "use 'avg', 'max', 'avgmax' or ''.")
        if pool.is_identity() and num_classes:
            raise InvalidModelArgsError(
                "global_pool='' (no pooling) needs num_classes=0: the classifier takes pooled features.")
        return pool

    def reset(self, num_classes: int, pool_type: Optional[str] = None, reset_other: bool = False,
              in_features: Optional[int] = None) -> None:
        """A fresh classifier; a new pooling when given; reset_other also drops last_conv."""
        ref = next(self.parameters(), None)
        if pool_type is not None:
            self.global_pool = self._pool(pool_type, num_classes)
            self.flatten = nn.Flatten(1) if pool_type else nn.Identity()
        if reset_other:
            self.last_conv = nn.Identity()
            self.num_features = self.in_features
        if in_features is not None and in_features != self.in_features:
            self.in_features = self.num_features = in_features
        fc = nn.Linear(self.num_features, num_classes) if num_classes > 0 else nn.Identity()
        if ref is not None:
            fc.to(device=ref.device, dtype=ref.dtype)
        self.fc = fc

    def forward(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.flatten(self.dropout(self.last_conv(self.global_pool(x))))
        return x if pre_logits else self.fc(x)


def _stage_drop_path_rates(drop_path_rate: float, depths: Sequence[int]) -> List[List[float]]:
    """Rates rising linearly from 0 to drop_path_rate over all blocks, split by stage (timm's stagewise rule)."""
    total = sum(depths)
    flat = [drop_path_rate * i / (total - 1) if total > 1 else 0.0 for i in range(total)]
    out, start = [], 0
    for d in depths:
        out.append(flat[start:start + d])
        start += d
    return out


class HighPerfGpuNet(ImgzooModel):
    """PP-HGNet (stem_type 'v1', ESE aggregation) and PP-HGNetV2 ('v2', SE-style aggregation)."""

    def __init__(
        self,
        cfg: Dict[str, Any],
        in_chans: int = 3,
        num_classes: int = 1000,
        global_pool: str = 'avg',
        head_hidden_size: Optional[int] = 2048,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        use_lab: bool = False,
    ) -> None:
        super().__init__()
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate
        self.use_lab = use_lab
        stem_type, stem_chs = cfg['stem_type'], cfg['stem_chs']
        if stem_type == 'v2':
            self.stem: nn.Module = StemV2(in_chans, stem_chs[0], stem_chs[1], use_lab=use_lab)
        else:
            self.stem = StemV1([in_chans, *stem_chs])

        stages_cfg: Sequence[StageCfg] = cfg['stages']
        dpr = _stage_drop_path_rates(drop_path_rate, [c[3] for c in stages_cfg])
        current_stride = 4
        self.feature_info: List[Dict[str, Any]] = []
        stages = []
        for i, (in_chs, mid_chs, out_chs, block_num, downsample, light_block, kernel_size, layer_num) in \
                enumerate(stages_cfg):
            stages.append(HighPerfGpuStage(
                in_chs, mid_chs, out_chs, block_num, layer_num, downsample=downsample, light_block=light_block,
                kernel_size=kernel_size, use_lab=use_lab, agg='ese' if stem_type == 'v1' else 'se',
                drop_path=dpr[i]))
            self.num_features = out_chs
            if downsample:
                current_stride *= 2
            self.feature_info.append(dict(num_chs=out_chs, reduction=current_stride, module=f'stages.{i}'))
        self.stages = nn.Sequential(*stages)
        self.head = ClassifierHead(self.num_features, self.num_classes, pool_type=global_pool, drop_rate=drop_rate,
                                   hidden_size=head_hidden_size, use_lab=use_lab)
        self.head_hidden_size = self.head.num_features

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(
            stem=r'^stem',
            blocks=r'^stages\.(\d+)' if coarse else [
                (r'^stages\.(\d+)\.downsample', (0,)),
                (r'^stages\.(\d+)\.blocks\.(\d+)', None),
            ],
        )

    def set_grad_checkpointing(self, enable: bool = True) -> None:
        """Recompute each stage's block activations in the backward pass."""
        self.grad_checkpointing = enable
        for stage in self.stages:
            stage.grad_checkpointing = enable

    def get_classifier(self) -> nn.Module:
        return self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None, reset_other: bool = False) -> None:
        """Replace the classifier (and optionally the pooling); reset_other also drops the head's 1x1 conv."""
        check_num_classes(num_classes)
        self.head.reset(num_classes, global_pool, reset_other=reset_other, in_features=self.num_features)
        self.num_classes = num_classes
        self.head_hidden_size = self.head.num_features

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the output maps of the stages at indices (0-3)."""
        check_output_fmt(output_fmt)
        take_indices, max_index = feature_take_indices(len(self.stages), indices)
        intermediates = []
        x = self.stem(x)
        stages = self.stages[:max_index + 1] if stop_early else self.stages
        for feat_idx, stage in enumerate(stages):
            x = stage(x)
            if feat_idx in take_indices:
                intermediates.append(x)
        if intermediates_only:
            return intermediates
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the stages after the last index needed (and the head); returns the kept indices."""
        take_indices, max_index = feature_take_indices(len(self.stages), indices)
        prune_end = max_index < len(self.stages) - 1
        self.stages = self.stages[:max_index + 1]
        if prune_end:
            self.num_features = self.head_hidden_size = self.feature_info[max_index]['num_chs']
        if prune_head or prune_end:
            self.reset_classifier(0, 'avg', reset_other=True)
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        return self.stages(self.stem(x))

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        return self.head(x, pre_logits=pre_logits)


def _create(variant: str, **kwargs: Any) -> HighPerfGpuNet:
    return HighPerfGpuNet(MODEL_CFGS[variant], **kwargs)


@register_model
def hgnet_tiny(**kwargs: Any) -> HighPerfGpuNet:
    return _create('hgnet_tiny', **kwargs)


@register_model
def hgnet_small(**kwargs: Any) -> HighPerfGpuNet:
    return _create('hgnet_small', **kwargs)


@register_model
def hgnet_base(**kwargs: Any) -> HighPerfGpuNet:
    return _create('hgnet_base', **kwargs)


@register_model
def hgnetv2_b0(**kwargs: Any) -> HighPerfGpuNet:
    return _create('hgnetv2_b0', **dict(dict(use_lab=True), **kwargs))


@register_model
def hgnetv2_b1(**kwargs: Any) -> HighPerfGpuNet:
    return _create('hgnetv2_b1', **dict(dict(use_lab=True), **kwargs))


@register_model
def hgnetv2_b2(**kwargs: Any) -> HighPerfGpuNet:
    return _create('hgnetv2_b2', **dict(dict(use_lab=True), **kwargs))


@register_model
def hgnetv2_b3(**kwargs: Any) -> HighPerfGpuNet:
    return _create('hgnetv2_b3', **dict(dict(use_lab=True), **kwargs))


@register_model
def hgnetv2_b4(**kwargs: Any) -> HighPerfGpuNet:
    return _create('hgnetv2_b4', **kwargs)


@register_model
def hgnetv2_b5(**kwargs: Any) -> HighPerfGpuNet:
    return _create('hgnetv2_b5', **kwargs)


@register_model
def hgnetv2_b6(**kwargs: Any) -> HighPerfGpuNet:
    return _create('hgnetv2_b6', **kwargs)
