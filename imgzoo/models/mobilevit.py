"""MobileViT (Mehta & Rastegari 2021) and MobileViT-v2 with separable self-attention (Mehta & Rastegari 2022).

Module and parameter names follow timm's `mobilevit.py`, which builds these networks with its
bring-your-own-blocks `ByobNet`: a 3x3 stem conv (`stem`), five `stages` of inverted-residual
bottlenecks, the last three each followed by a MobileViT block, an optional 1x1 `final_conv`, and a
pooled linear `head`. Checkpoints of timm load strictly. The blocks that these networks use are
written here; the general ByobNet family lives elsewhere.

MobileViT block (v1): local 3x3 conv and 1x1 projection, the map unfolded into patch-pixel sequences
for standard transformer blocks, folded back, projected and fused with the block input.
MobileViT-v2 block: the same layout with linear (separable) self-attention on [B, C, P, N] tensors,
GroupNorm with one group, and no fusion conv.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from ..features import check_output_fmt, feature_take_indices
from ..layers import DropPath, check_num_classes, make_divisible, to_2tuple
from ..layers.activations import create_act
from ..layers.classifier import ClassifierHead
from ..layers.norm_act import ConvNormAct
from ..registry import register_model
from ._base import ImgzooModel, checkpoint_seq
from .vision_transformer import Block as TransformerBlock


@dataclass(frozen=True)
class StageCfg:
    """One stage: inverted-residual blocks (depth, channels, stride, expansion), then optionally a MobileViT block."""

    depth: int
    channels: int
    stride: int
    expansion: float = 4.0
    vit: Optional[str] = None  # None, 'v1' or 'v2'
    vit_kwargs: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MobileVitCfg:
    stages: Tuple[StageCfg, ...]
    stem_chs: int
    num_features: int = 0  # width of the 1x1 final_conv; 0 for none
    act_layer: str = 'silu'


def _v1(depth: int, c: int, s: int, dim: int, transformer_depth: int, br: float = 4.0) -> StageCfg:
    return StageCfg(depth, c, s, br, 'v1', dict(transformer_dim=dim, transformer_depth=transformer_depth, patch_size=2))


def _v2(c: int, transformer_depth: int) -> StageCfg:
    return StageCfg(1, c, 2, 2.0, 'v2', dict(transformer_depth=transformer_depth, patch_size=2, bottle_ratio=0.5))


def _v2_cfg(multiplier: float) -> MobileVitCfg:
    chs = (64, 128, 256, 384, 512)
    if multiplier != 1.0:
        chs = tuple(int(c * multiplier) for c in chs)
    return MobileVitCfg(
        stages=(
            StageCfg(1, chs[0], 1, 2.0), StageCfg(2, chs[1], 2, 2.0),
            _v2(chs[2], 2), _v2(chs[3], 4), _v2(chs[4], 3),
        ),
        stem_chs=int(32 * multiplier),
    )


MODEL_CFGS: Dict[str, MobileVitCfg] = dict(
    mobilevit_xxs=MobileVitCfg(
        stages=(
            StageCfg(1, 16, 1, 2.0), StageCfg(3, 24, 2, 2.0),
            _v1(1, 48, 2, 64, 2, br=2.0), _v1(1, 64, 2, 80, 4, br=2.0), _v1(1, 80, 2, 96, 3, br=2.0),
        ),
        stem_chs=16, num_features=320,
    ),
    mobilevit_xs=MobileVitCfg(
        stages=(
            StageCfg(1, 32, 1), StageCfg(3, 48, 2),
            _v1(1, 64, 2, 96, 2), _v1(1, 80, 2, 120, 4), _v1(1, 96, 2, 144, 3),
        ),
        stem_chs=16, num_features=384,
    ),
    mobilevit_s=MobileVitCfg(
        stages=(
            StageCfg(1, 32, 1), StageCfg(3, 64, 2),
            _v1(1, 96, 2, 144, 2), _v1(1, 128, 2, 192, 4), _v1(1, 160, 2, 240, 3),
        ),
        stem_chs=16, num_features=640,
    ),
    mobilevitv2_050=_v2_cfg(0.50),
    mobilevitv2_075=_v2_cfg(0.75),
    mobilevitv2_100=_v2_cfg(1.0),
    mobilevitv2_125=_v2_cfg(1.25),
    mobilevitv2_150=_v2_cfg(1.5),
    mobilevitv2_175=_v2_cfg(1.75),
    mobilevitv2_200=_v2_cfg(2.0),
)


class GroupNorm1(nn.GroupNorm):
    """GroupNorm with a single group (normalises over C, H, W per sample); keys weight, bias."""

    def __init__(self, num_channels: int, eps: float = 1e-5) -> None:
        super().__init__(1, num_channels, eps=eps)


class ConvMlp(nn.Module):
    """1x1 conv → activation → dropout → 1x1 conv, on NCHW (or [B, C, P, N]) tensors; keys fc1, norm, fc2."""

    def __init__(self, in_features: int, hidden_features: int, act_layer: str = 'silu', drop: float = 0.0) -> None:
        super().__init__()
        self.fc1 = nn.Conv2d(in_features, hidden_features, kernel_size=1, bias=True)
        self.norm = nn.Identity()
        self.act = create_act(act_layer)
        self.drop = nn.Dropout(drop)
        self.fc2 = nn.Conv2d(hidden_features, in_features, kernel_size=1, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.drop(self.act(self.norm(self.fc1(x)))))


class BottleneckBlock(nn.Module):
    """Inverted residual as a ByobNet bottleneck: 1x1 expand, depthwise kxk (strided), linear 1x1 project.

    The residual is added only when input and output shapes agree (timm's ByobNet with downsample='').
    """

    def __init__(
        self, in_chs: int, out_chs: int, stride: int = 1, dilation: Tuple[int, int] = (1, 1),
        bottle_ratio: float = 4.0, act_layer: str = 'silu', drop_path_rate: float = 0.0,
    ) -> None:
        super().__init__()
        mid_chs = make_divisible(in_chs * bottle_ratio)
        self.has_shortcut = in_chs == out_chs and stride == 1 and dilation[0] == dilation[1]
        self.conv1_1x1 = ConvNormAct(in_chs, mid_chs, 1, act_layer=act_layer)
        self.conv2_kxk = ConvNormAct(mid_chs, mid_chs, 3, stride=stride, dilation=dilation[0], groups=mid_chs,
                                     act_layer=act_layer)
        self.conv2b_kxk = nn.Identity()
        self.attn = nn.Identity()
        self.conv3_1x1 = ConvNormAct(mid_chs, out_chs, 1, apply_act=False, act_layer=act_layer)
        self.attn_last = nn.Identity()
        self.drop_path = DropPath(drop_path_rate) if drop_path_rate > 0.0 else nn.Identity()
        self.act = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.conv3_1x1(self.attn(self.conv2b_kxk(self.conv2_kxk(self.conv1_1x1(x)))))
        x = self.drop_path(self.attn_last(x))
        if self.has_shortcut:
            x = x + shortcut
        return self.act(x)


@torch.fx.wrap
def _unfold_v1(x: torch.Tensor, patch_h: int, patch_w: int) -> torch.Tensor:
    """[B, C, H, W] → [B * P, N, C] patch-pixel sequences (bilinear resize to a patch multiple first)."""
    B, C, H, W = x.shape
    new_h, new_w = math.ceil(H / patch_h) * patch_h, math.ceil(W / patch_w) * patch_w
    num_patch_h, num_patch_w = new_h // patch_h, new_w // patch_w
    if new_h != H or new_w != W:
        x = F.interpolate(x, size=(new_h, new_w), mode='bilinear', align_corners=False)
    x = x.reshape(B * C * num_patch_h, patch_h, num_patch_w, patch_w).transpose(1, 2)
    return x.reshape(B, C, num_patch_h * num_patch_w, patch_h * patch_w).transpose(1, 3).reshape(
        B * patch_h * patch_w, num_patch_h * num_patch_w, -1)


@torch.fx.wrap
def _fold_v1(x: torch.Tensor, like: torch.Tensor, patch_h: int, patch_w: int) -> torch.Tensor:
    """Inverse of _unfold_v1 back to the shape of `like` (the map that was unfolded)."""
    B, C, H, W = like.shape
    new_h, new_w = math.ceil(H / patch_h) * patch_h, math.ceil(W / patch_w) * patch_w
    num_patch_h, num_patch_w = new_h // patch_h, new_w // patch_w
    x = x.contiguous().view(B, patch_h * patch_w, num_patch_h * num_patch_w, -1)
    x = x.transpose(1, 3).reshape(B * C * num_patch_h, num_patch_w, patch_h, patch_w)
    x = x.transpose(1, 2).reshape(B, C, num_patch_h * patch_h, num_patch_w * patch_w)
    if new_h != H or new_w != W:
        x = F.interpolate(x, size=(H, W), mode='bilinear', align_corners=False)
    return x


class MobileVitBlock(nn.Module):
    """MobileViT block: local kxk conv, 1x1 to transformer_dim, transformers over unfolded patches, fold,
    1x1 projection, and a kxk fusion conv over [input, projection]."""

    def __init__(
        self, in_chs: int, out_chs: Optional[int] = None, stride: int = 1, dilation: Tuple[int, int] = (1, 1),
        bottle_ratio: float = 1.0, mlp_ratio: float = 2.0, transformer_dim: Optional[int] = None,
        transformer_depth: int = 2, patch_size: int = 8, num_heads: int = 4, attn_drop: float = 0.0,
        drop: float = 0.0, no_fusion: bool = False, drop_path_rate: float = 0.0, act_layer: str = 'silu',
    ) -> None:
        super().__init__()
        out_chs = out_chs or in_chs
        transformer_dim = transformer_dim or make_divisible(bottle_ratio * in_chs)
        self.conv_kxk = ConvNormAct(in_chs, in_chs, 3, stride=stride, dilation=dilation[0], act_layer=act_layer)
        self.conv_1x1 = nn.Conv2d(in_chs, transformer_dim, kernel_size=1, bias=False)
        self.transformer = nn.Sequential(*[
            TransformerBlock(
                transformer_dim, num_heads=num_heads, mlp_ratio=mlp_ratio, qkv_bias=True, attn_drop=attn_drop,
                proj_drop=drop, drop_path=drop_path_rate, act_layer=act_layer, norm_layer=nn.LayerNorm,
            )
            for _ in range(transformer_depth)
        ])
        self.norm = nn.LayerNorm(transformer_dim)
        self.conv_proj = ConvNormAct(transformer_dim, out_chs, 1, act_layer=act_layer)
        self.conv_fusion = None if no_fusion else ConvNormAct(in_chs + out_chs, out_chs, 3, act_layer=act_layer)
        self.patch_size = to_2tuple(patch_size)
        self.patch_area = self.patch_size[0] * self.patch_size[1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.conv_1x1(self.conv_kxk(x))
        local = x
        x = _unfold_v1(x, self.patch_size[0], self.patch_size[1])
        x = self.norm(self.transformer(x))
        x = self.conv_proj(_fold_v1(x, local, self.patch_size[0], self.patch_size[1]))
        if self.conv_fusion is not None:
            x = self.conv_fusion(torch.cat((shortcut, x), dim=1))
        return x


class LinearSelfAttention(nn.Module):
    """Separable self-attention with linear cost on [B, C, P, N]: softmax over N of a one-channel query
    weights the keys into a context vector that scales relu(values)."""

    def __init__(self, embed_dim: int, attn_drop: float = 0.0, proj_drop: float = 0.0, bias: bool = True) -> None:
        super().__init__()
        self.embed_dim = embed_dim
        self.qkv_proj = nn.Conv2d(embed_dim, 1 + 2 * embed_dim, kernel_size=1, bias=bias)
        self.attn_drop = nn.Dropout(attn_drop)
        self.out_proj = nn.Conv2d(embed_dim, embed_dim, kernel_size=1, bias=bias)
        self.out_drop = nn.Dropout(proj_drop)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        query, key, value = self.qkv_proj(x).split([1, self.embed_dim, self.embed_dim], dim=1)
        context_scores = self.attn_drop(F.softmax(query, dim=-1))
        context_vector = (key * context_scores).sum(dim=-1, keepdim=True)
        out = F.relu(value) * context_vector.expand_as(value)
        return self.out_drop(self.out_proj(out))


class LinearTransformerBlock(nn.Module):
    """Pre-norm block on [B, C, P, N]: x + attn(norm1(x)), then x + mlp(norm2(x)) with 1x1-conv MLP."""

    def __init__(
        self, embed_dim: int, mlp_ratio: float = 2.0, drop: float = 0.0, attn_drop: float = 0.0,
        drop_path: float = 0.0, act_layer: str = 'silu',
    ) -> None:
        super().__init__()
        self.norm1 = GroupNorm1(embed_dim)
        self.attn = LinearSelfAttention(embed_dim, attn_drop=attn_drop, proj_drop=drop)
        self.drop_path1 = DropPath(drop_path)
        self.norm2 = GroupNorm1(embed_dim)
        self.mlp = ConvMlp(embed_dim, int(embed_dim * mlp_ratio), act_layer=act_layer, drop=drop)
        self.drop_path2 = DropPath(drop_path)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path1(self.attn(self.norm1(x)))
        return x + self.drop_path2(self.mlp(self.norm2(x)))


@torch.fx.wrap
def _resize_to_patches_v2(x: torch.Tensor, patch_h: int, patch_w: int) -> torch.Tensor:
    """Bilinear (align_corners) resize up to a multiple of the patch size; unchanged when already one."""
    H, W = x.shape[-2:]
    new_h, new_w = math.ceil(H / patch_h) * patch_h, math.ceil(W / patch_w) * patch_w
    if new_h != H or new_w != W:
        x = F.interpolate(x, size=(new_h, new_w), mode='bilinear', align_corners=True)
    return x


@torch.fx.wrap
def _unfold_v2(x: torch.Tensor, patch_h: int, patch_w: int) -> torch.Tensor:
    """[B, C, H, W] (H, W patch multiples) → [B, C, P, N]."""
    B, C, H, W = x.shape
    num_patch_h, num_patch_w = H // patch_h, W // patch_w
    x = x.reshape(B, C, num_patch_h, patch_h, num_patch_w, patch_w).permute(0, 1, 3, 5, 2, 4)
    return x.reshape(B, C, -1, num_patch_h * num_patch_w)


@torch.fx.wrap
def _fold_v2(x: torch.Tensor, like: torch.Tensor, patch_h: int, patch_w: int) -> torch.Tensor:
    """[B, C, P, N] → [B, C, H, W] with the spatial size of `like` (the map that was unfolded)."""
    B, C, H, W = like.shape
    num_patch_h, num_patch_w = H // patch_h, W // patch_w
    x = x.reshape(B, C, patch_h, patch_w, num_patch_h, num_patch_w).permute(0, 1, 4, 2, 5, 3)
    return x.reshape(B, C, num_patch_h * patch_h, num_patch_w * patch_w)


class MobileVitV2Block(nn.Module):
    """MobileViT-v2 block: depthwise kxk conv, 1x1 to transformer_dim, linear transformers over unfolded
    patches, fold, linear 1x1 projection."""

    def __init__(
        self, in_chs: int, out_chs: Optional[int] = None, stride: int = 1, dilation: Tuple[int, int] = (1, 1),
        bottle_ratio: float = 1.0, mlp_ratio: float = 2.0, transformer_dim: Optional[int] = None,
        transformer_depth: int = 2, patch_size: int = 8, attn_drop: float = 0.0, drop: float = 0.0,
        drop_path_rate: float = 0.0, act_layer: str = 'silu',
    ) -> None:
        super().__init__()
        out_chs = out_chs or in_chs
        transformer_dim = transformer_dim or make_divisible(bottle_ratio * in_chs)
        self.conv_kxk = ConvNormAct(in_chs, in_chs, 3, stride=1, dilation=dilation[0], groups=in_chs,
                                    act_layer=act_layer)
        self.conv_1x1 = nn.Conv2d(in_chs, transformer_dim, kernel_size=1, bias=False)
        self.transformer = nn.Sequential(*[
            LinearTransformerBlock(transformer_dim, mlp_ratio=mlp_ratio, attn_drop=attn_drop, drop=drop,
                                   drop_path=drop_path_rate, act_layer=act_layer)
            for _ in range(transformer_depth)
        ])
        self.norm = GroupNorm1(transformer_dim)
        self.conv_proj = ConvNormAct(transformer_dim, out_chs, 1, apply_act=False, act_layer=act_layer)
        self.patch_size = to_2tuple(patch_size)
        self.patch_area = self.patch_size[0] * self.patch_size[1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        patch_h, patch_w = self.patch_size
        x = _resize_to_patches_v2(x, patch_h, patch_w)
        x = self.conv_1x1(self.conv_kxk(x))
        local = x
        x = self.norm(self.transformer(_unfold_v2(x, patch_h, patch_w)))
        return self.conv_proj(_fold_v2(x, local, patch_h, patch_w))


def _stage_drop_path_rates(drop_path_rate: float, depths: Sequence[int]) -> List[List[float]]:
    """Rates rising linearly from 0 to drop_path_rate over all blocks, split by stage (timm's stagewise rule)."""
    total = sum(depths)
    flat = [drop_path_rate * i / (total - 1) if total > 1 else 0.0 for i in range(total)]
    out, start = [], 0
    for d in depths:
        out.append(flat[start:start + d])
        start += d
    return out


class MobileVit(ImgzooModel):
    """MobileViT / MobileViT-v2 in timm's ByobNet layout: stem, stages, final_conv, head."""

    def __init__(
        self,
        cfg: MobileVitCfg,
        num_classes: int = 1000,
        in_chans: int = 3,
        global_pool: str = 'avg',
        output_stride: int = 32,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        zero_init_last: bool = True,
    ) -> None:
        super().__init__()
        if output_stride not in (8, 16, 32):
            raise InvalidModelArgsError(f'output_stride must be 8, 16 or 32, got {output_stride}.')
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate
        act = cfg.act_layer

        self.stem = ConvNormAct(in_chans, cfg.stem_chs, 3, stride=2, act_layer=act)
        self.feature_info: List[Dict[str, Any]] = []

        # blocks per stage: the inverted residuals, then the MobileViT block (its own entry in timm's depth count)
        depths = [s.depth + (1 if s.vit else 0) for s in cfg.stages]
        dpr = _stage_drop_path_rates(drop_path_rate, depths)
        prev_chs, net_stride, dilation = cfg.stem_chs, 2, 1
        prev_feat: Dict[str, Any] = dict(num_chs=prev_chs, reduction=2, module='stem')
        stages = []
        for stage_idx, stage_cfg in enumerate(cfg.stages):
            stride = stage_cfg.stride
            if stride != 1:
                self.feature_info.append(prev_feat)
            if net_stride >= output_stride and stride > 1:
                dilation *= stride
                stride = 1
            net_stride *= stride
            first_dilation = 1 if dilation in (1, 2) else 2
            blocks: List[nn.Module] = []
            out_chs = make_divisible(stage_cfg.channels)
            for block_idx in range(stage_cfg.depth):
                blocks.append(BottleneckBlock(
                    prev_chs, out_chs, stride=stride if block_idx == 0 else 1, dilation=(first_dilation, dilation),
                    bottle_ratio=stage_cfg.expansion, act_layer=act, drop_path_rate=dpr[stage_idx][block_idx]))
                first_dilation = dilation
                prev_chs = out_chs
            if stage_cfg.vit is not None:
                block_cls = MobileVitBlock if stage_cfg.vit == 'v1' else MobileVitV2Block
                blocks.append(block_cls(
                    prev_chs, out_chs, dilation=(first_dilation, dilation), act_layer=act,
                    drop_path_rate=dpr[stage_idx][-1], **stage_cfg.vit_kwargs))
            stages.append(nn.Sequential(*blocks))
            prev_feat = dict(num_chs=prev_chs, reduction=net_stride, module=f'stages.{stage_idx}')
        self.stages = nn.Sequential(*stages)

        if cfg.num_features:
            self.num_features = cfg.num_features
            self.final_conv: nn.Module = ConvNormAct(prev_chs, self.num_features, 1, act_layer=act)
        else:
            self.num_features = prev_chs
            self.final_conv = nn.Identity()
        self.feature_info.append(dict(num_chs=self.num_features, reduction=net_stride, module='final_conv'))
        self.global_pool = global_pool  # kept in sync with the head, which does the pooling (as timm's)
        self.head = ClassifierHead(self.num_features, self.num_classes, pool_type=global_pool, drop_rate=drop_rate)
        self.head_hidden_size = self.head.num_features
        self._init_weights(zero_init_last)

    def _init_weights(self, zero_init_last: bool) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels // m.groups
                nn.init.normal_(m.weight, 0, math.sqrt(2.0 / fan_out))
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm, nn.LayerNorm)):  # norms start as identity maps
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, BottleneckBlock) and zero_init_last and m.has_shortcut:
                nn.init.zeros_(m.conv3_1x1.bn.weight)

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(
            stem=r'^stem',
            blocks=[(r'^stages\.(\d+)' if coarse else r'^stages\.(\d+)\.(\d+)', None), (r'^final_conv', (99999,))],
        )

    def get_classifier(self) -> nn.Module:
        return self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and optionally the pooling) with a fresh one."""
        self.num_classes = check_num_classes(num_classes)
        self.head.reset(num_classes, global_pool)
        self.head_hidden_size = self.head.num_features
        if global_pool is not None:
            self.global_pool = global_pool

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the maps after stages 0-3 and after final_conv (taps 0-4)."""
        check_output_fmt(output_fmt)
        take_indices, max_index = feature_take_indices(len(self.feature_info), indices)
        num_stages = len(self.stages)
        stages = self.stages[:max_index + 1] if stop_early else self.stages
        intermediates = []
        x = self.stem(x)
        for i, stage in enumerate(stages):
            x = checkpoint_seq(stage, x) if self.grad_checkpointing else stage(x)
            if i == num_stages - 1:
                x = self.final_conv(x)
            if i in take_indices:
                intermediates.append(x)
        if intermediates_only:
            return intermediates
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the stages after the last index needed (and the head); returns the kept indices."""
        take_indices, max_index = feature_take_indices(len(self.feature_info), indices)
        self.stages = self.stages[:max_index + 1]
        if max_index < len(self.feature_info) - 1:
            self.final_conv = nn.Identity()
            self.num_features = self.head_hidden_size = self.feature_info[max_index]['num_chs']
            prune_head = True
        if prune_head:
            self.head = ClassifierHead(self.num_features, 0, pool_type='', drop_rate=self.drop_rate)
            self.num_classes = 0
            self.head_hidden_size = self.num_features
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        if self.grad_checkpointing:
            x = checkpoint_seq(self.stages, x)
        else:
            x = self.stages(x)
        return self.final_conv(x)

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        return self.head(x, pre_logits=pre_logits)


def _create(variant: str, **kwargs: Any) -> MobileVit:
    return MobileVit(MODEL_CFGS[variant], **kwargs)


@register_model
def mobilevit_xxs(**kwargs: Any) -> MobileVit:
    return _create('mobilevit_xxs', **kwargs)


@register_model
def mobilevit_xs(**kwargs: Any) -> MobileVit:
    return _create('mobilevit_xs', **kwargs)


@register_model
def mobilevit_s(**kwargs: Any) -> MobileVit:
    return _create('mobilevit_s', **kwargs)


@register_model
def mobilevitv2_050(**kwargs: Any) -> MobileVit:
    return _create('mobilevitv2_050', **kwargs)


@register_model
def mobilevitv2_075(**kwargs: Any) -> MobileVit:
    return _create('mobilevitv2_075', **kwargs)


@register_model
def mobilevitv2_100(**kwargs: Any) -> MobileVit:
    return _create('mobilevitv2_100', **kwargs)


@register_model
def mobilevitv2_125(**kwargs: Any) -> MobileVit:
    return _create('mobilevitv2_125', **kwargs)


@register_model
def mobilevitv2_150(**kwargs: Any) -> MobileVit:
    return _create('mobilevitv2_150', **kwargs)


@register_model
def mobilevitv2_175(**kwargs: Any) -> MobileVit:
    return _create('mobilevitv2_175', **kwargs)


@register_model
def mobilevitv2_200(**kwargs: Any) -> MobileVit:
    return _create('mobilevitv2_200', **kwargs)
