"""Swin Transformer V2 (Liu et al. 2022).

Module and parameter names follow timm's `swin_transformer_v2.py`, so its checkpoints load strictly.
Against V1: residual post-norm blocks, scaled cosine attention (a learned, clamped logit scale per
head) and a continuous position bias: a small MLP (`cpb_mlp`) maps log-spaced relative coordinates to
a bias per head, so windows other than the pretrained one need no table resampling. The coordinate
table, the relative position index, the zero key bias and the shift masks are non-persistent buffers:
computed at build time, or after a meta-device build by `init_non_persistent_buffers()`.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple, Union

import torch
import torch.fx
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from ..layers import DropPath, Mlp, to_2tuple
from ..layers.classifier_nhwc import NhwcClassifierHead
from ..layers.patch_embed import resample_patch_embed
from ..layers.patch_embed import PatchEmbed
from ..layers.relative_position import creating_on_meta, log_spaced_relative_coords, relative_position_index
from ..layers.windows import (
    dynamic_shifted_window_mask, shifted_window_mask, stage_window_sizes, window_partition, window_reverse,
)
from ..registry import register_model
from ._base import checkpoint
from ._swin_base import SwinBase

torch.fx.wrap('window_reverse')
torch.fx.wrap('dynamic_shifted_window_mask')

SizeT = Union[int, Tuple[int, int]]


def _init_linear(module: nn.Linear) -> None:
    nn.init.trunc_normal_(module.weight, std=0.02)
    if module.bias is not None:
        nn.init.zeros_(module.bias)


class WindowAttention(nn.Module):
    """Scaled cosine attention within a window plus a continuous relative position bias (16 * sigmoid(MLP))."""

    def __init__(
        self, dim: int, window_size: Tuple[int, int], num_heads: int, qkv_bias: bool = True,
        qkv_bias_separate: bool = False, attn_drop: float = 0.0, proj_drop: float = 0.0,
        pretrained_window_size: SizeT = (0, 0),
    ) -> None:
        super().__init__()
        self.dim = dim
        self.window_size: Tuple[int, int] = to_2tuple(window_size)  # type: ignore[assignment]
        self.pretrained_window_size: Tuple[int, int] = to_2tuple(pretrained_window_size)  # type: ignore[assignment]
        self.num_heads = num_heads
        self.qkv_bias_separate = qkv_bias_separate
        self.logit_scale = nn.Parameter(torch.empty(num_heads, 1, 1))
        self.cpb_mlp = nn.Sequential(nn.Linear(2, 512, bias=True), nn.ReLU(inplace=True), nn.Linear(512, num_heads, bias=False))
        self.qkv = nn.Linear(dim, dim * 3, bias=False)
        if qkv_bias:
            self.q_bias: Optional[nn.Parameter] = nn.Parameter(torch.empty(dim))
            self.register_buffer('k_bias', None, persistent=False)
            self.v_bias: Optional[nn.Parameter] = nn.Parameter(torch.empty(dim))
        else:
            self.q_bias = self.k_bias = self.v_bias = None
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)
        self.register_buffer('relative_coords_table', None, persistent=False)
        self.register_buffer('relative_position_index', None, persistent=False)
        nn.init.constant_(self.logit_scale, math.log(10))
        if self.q_bias is not None:
            nn.init.zeros_(self.q_bias)
            nn.init.zeros_(self.v_bias)
        if not creating_on_meta():
            self.init_non_persistent_buffers()

    def init_non_persistent_buffers(self) -> None:
        """Compute the zero key bias, the log-spaced coordinate table and the index on proj's device / dtype."""
        device, dtype = self.proj.weight.device, self.proj.weight.dtype
        if self.q_bias is not None:
            self.k_bias = torch.zeros(self.dim, device=device, dtype=self.q_bias.dtype)
        self.relative_coords_table = log_spaced_relative_coords(
            self.window_size, self.pretrained_window_size, device=device, dtype=dtype)
        self.relative_position_index = relative_position_index(*self.window_size, device=device)

    def _rel_pos_bias(self) -> torch.Tensor:
        area = self.window_size[0] * self.window_size[1]
        table = self.cpb_mlp(self.relative_coords_table).view(-1, self.num_heads)
        bias = table[self.relative_position_index.view(-1)].view(area, area, -1).permute(2, 0, 1)
        return 16 * torch.sigmoid(bias).unsqueeze(0)

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        batch_windows, tokens, channels = x.shape
        if self.q_bias is None:
            qkv = self.qkv(x)
        else:
            qkv_bias = torch.cat((self.q_bias, self.k_bias, self.v_bias))
            qkv = self.qkv(x) + qkv_bias if self.qkv_bias_separate else F.linear(x, self.qkv.weight, qkv_bias)
        q, k, v = qkv.reshape(batch_windows, tokens, 3, self.num_heads, -1).permute(2, 0, 3, 1, 4).unbind(0)
        # timm's path op for op (cosine attention), so that outputs are bit-identical to timm's
        attn = F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-2, -1)
        attn = attn * torch.clamp(self.logit_scale, max=math.log(1.0 / 0.01)).exp() + self._rel_pos_bias()
        if mask is not None:
            num_windows = mask.shape[0]
            attn = attn.view(-1, num_windows, self.num_heads, tokens, tokens) + mask.unsqueeze(1).unsqueeze(0)
            attn = attn.view(-1, self.num_heads, tokens, tokens)
        x = self.attn_drop(attn.softmax(dim=-1)) @ v
        x = x.transpose(1, 2).reshape(batch_windows, tokens, channels)
        return self.proj_drop(self.proj(x))


class SwinTransformerV2Block(nn.Module):
    """(Shifted-)window attention and an MLP, each post-normed inside its residual branch; (B, H, W, C)."""

    def __init__(
        self, dim: int, input_resolution: SizeT, num_heads: int, window_size: SizeT = 7, shift_size: SizeT = 0,
        always_partition: bool = False, dynamic_mask: bool = False, mlp_ratio: float = 4.0, qkv_bias: bool = True,
        proj_drop: float = 0.0, attn_drop: float = 0.0, drop_path: float = 0.0,
        act_layer: Union[str, Callable[..., nn.Module]] = 'gelu', norm_layer: Callable[[int], nn.Module] = nn.LayerNorm,
        pretrained_window_size: SizeT = 0,
    ) -> None:
        super().__init__()
        self.dim = dim
        self.input_resolution: Tuple[int, int] = to_2tuple(input_resolution)  # type: ignore[assignment]
        self.num_heads = num_heads
        self.always_partition = always_partition
        self.dynamic_mask = dynamic_mask
        self.window_size, self.shift_size = self._window_and_shift(to_2tuple(window_size), to_2tuple(shift_size))
        self.window_area = self.window_size[0] * self.window_size[1]
        self.mlp_ratio = mlp_ratio
        self.attn = WindowAttention(
            dim, window_size=self.window_size, num_heads=num_heads, qkv_bias=qkv_bias, attn_drop=attn_drop,
            proj_drop=proj_drop, pretrained_window_size=to_2tuple(pretrained_window_size),
        )
        self.norm1 = norm_layer(dim)
        self.drop_path1 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.mlp = Mlp(dim, int(dim * mlp_ratio), act_layer=act_layer, drop=proj_drop)
        self.norm2 = norm_layer(dim)
        self.drop_path2 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.register_buffer('attn_mask', None, persistent=False)
        if not creating_on_meta():
            self.init_non_persistent_buffers()

    def _window_and_shift(
        self, window_size: Tuple[int, int], shift_size: Tuple[int, int],
    ) -> Tuple[Tuple[int, int], Tuple[int, int]]:
        if self.always_partition:
            return window_size, shift_size
        window = tuple(r if r <= w else w for r, w in zip(self.input_resolution, window_size))
        shift = tuple(0 if r <= w else s for r, w, s in zip(self.input_resolution, window, shift_size))
        return window, shift  # type: ignore[return-value]

    def init_non_persistent_buffers(self) -> None:
        """Compute the shifted-window mask for input_resolution (in the norm's device and dtype)."""
        if self.dynamic_mask or not any(self.shift_size):
            self.attn_mask = None
            return
        padded = [-(-r // w) * w for r, w in zip(self.input_resolution, self.window_size)]
        self.attn_mask = shifted_window_mask(padded, self.window_size, self.shift_size,
                                             device=self.norm1.weight.device, dtype=self.norm1.weight.dtype)

    def _attn(self, x: torch.Tensor) -> torch.Tensor:
        _, height, width, channels = x.shape
        has_shift = any(self.shift_size)
        if has_shift:
            x = torch.roll(x, shifts=(-self.shift_size[0], -self.shift_size[1]), dims=(1, 2))
        pad_h = (self.window_size[0] - height % self.window_size[0]) % self.window_size[0]
        pad_w = (self.window_size[1] - width % self.window_size[1]) % self.window_size[1]
        x = F.pad(x, (0, 0, 0, pad_w, 0, pad_h))
        _, padded_h, padded_w, _ = x.shape
        windows = window_partition(x, self.window_size).view(-1, self.window_area, channels)
        if self.dynamic_mask and has_shift:
            mask = dynamic_shifted_window_mask(x, self.window_size, self.shift_size)
        else:
            mask = self.attn_mask
        windows = self.attn(windows, mask=mask)
        windows = windows.view(-1, self.window_size[0], self.window_size[1], channels)
        x = window_reverse(windows, self.window_size, padded_h, padded_w)
        x = x[:, :height, :width, :].contiguous()
        if has_shift:
            x = torch.roll(x, shifts=self.shift_size, dims=(1, 2))
        return x

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, height, width, channels = x.shape
        x = x + self.drop_path1(self.norm1(self._attn(x)))
        x = x.reshape(batch, -1, channels)
        x = x + self.drop_path2(self.norm2(self.mlp(x)))
        return x.reshape(batch, height, width, channels)


class PatchMerging(nn.Module):
    """Concatenate each 2x2 neighbourhood (padding odd sides), project to out_dim, then normalise."""

    def __init__(self, dim: int, out_dim: Optional[int] = None, norm_layer: Callable[[int], nn.Module] = nn.LayerNorm) -> None:
        super().__init__()
        self.dim = dim
        self.out_dim = out_dim or 2 * dim
        self.reduction = nn.Linear(4 * dim, self.out_dim, bias=False)
        self.norm = norm_layer(self.out_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, height, width, channels = x.shape
        x = F.pad(x, (0, 0, 0, width % 2, 0, height % 2))
        _, height, width, _ = x.shape
        x = x.reshape(batch, height // 2, 2, width // 2, 2, channels).permute(0, 1, 3, 4, 2, 5).flatten(3)
        return self.norm(self.reduction(x))


class SwinTransformerV2Stage(nn.Module):
    """An optional patch merging (downsample) followed by depth blocks alternating plain and shifted windows."""

    def __init__(
        self, dim: int, out_dim: int, input_resolution: SizeT, depth: int, num_heads: int, window_size: SizeT,
        always_partition: bool = False, dynamic_mask: bool = False, downsample: bool = False, mlp_ratio: float = 4.0,
        qkv_bias: bool = True, proj_drop: float = 0.0, attn_drop: float = 0.0,
        drop_path: Union[Sequence[float], float] = 0.0, act_layer: Union[str, Callable[..., nn.Module]] = 'gelu',
        norm_layer: Callable[[int], nn.Module] = nn.LayerNorm, pretrained_window_size: SizeT = 0,
    ) -> None:
        super().__init__()
        self.dim = dim
        self.input_resolution = tuple(to_2tuple(input_resolution))
        self.output_resolution = tuple((r + 1) // 2 for r in self.input_resolution) if downsample else self.input_resolution
        self.depth = depth
        self.grad_checkpointing = False
        window_size = to_2tuple(window_size)
        shift_size = tuple(w // 2 for w in window_size)
        if downsample:
            self.downsample: nn.Module = PatchMerging(dim, out_dim, norm_layer)
        else:
            if dim != out_dim:
                raise InvalidModelArgsError(f"A stage without downsampling keeps its width; got {dim} -> {out_dim}.")
            self.downsample = nn.Identity()
        self.blocks = nn.ModuleList([
            SwinTransformerV2Block(
                out_dim, self.output_resolution, num_heads=num_heads, window_size=window_size,
                shift_size=0 if i % 2 == 0 else shift_size, always_partition=always_partition,
                dynamic_mask=dynamic_mask, mlp_ratio=mlp_ratio, qkv_bias=qkv_bias, proj_drop=proj_drop,
                attn_drop=attn_drop, drop_path=drop_path[i] if isinstance(drop_path, (list, tuple)) else drop_path,
                act_layer=act_layer, norm_layer=norm_layer, pretrained_window_size=pretrained_window_size,
            )
            for i in range(depth)
        ])

    def init_respostnorm(self) -> None:
        """Zero the post-norms, so each block starts as an identity (timm's init)."""
        for block in self.blocks:
            for norm in (block.norm1, block.norm2):
                nn.init.zeros_(norm.weight)
                nn.init.zeros_(norm.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.downsample(x)
        for block in self.blocks:
            x = checkpoint(block, x) if self.grad_checkpointing and not torch.jit.is_scripting() else block(x)
        return x


class SwinTransformerV2(SwinBase):
    """Swin Transformer V2: patch embedding, four stages of (shifted-)window cosine attention, final norm, head."""

    stem_pattern = r'^absolute_pos_embed|patch_embed'

    def __init__(
        self,
        img_size: SizeT = 224,
        patch_size: int = 4,
        in_chans: int = 3,
        num_classes: int = 1000,
        global_pool: str = 'avg',
        embed_dim: int = 96,
        depths: Tuple[int, ...] = (2, 2, 6, 2),
        num_heads: Tuple[int, ...] = (3, 6, 12, 24),
        window_size: Union[SizeT, Sequence[SizeT]] = 7,
        always_partition: bool = False,
        strict_img_size: bool = True,
        dynamic_img_size: bool = False,
        mlp_ratio: float = 4.0,
        qkv_bias: bool = True,
        drop_rate: float = 0.0,
        proj_drop_rate: float = 0.0,
        attn_drop_rate: float = 0.0,
        drop_path_rate: float = 0.1,
        act_layer: Union[str, Callable[..., nn.Module]] = 'gelu',
        norm_layer: Optional[Callable[[int], nn.Module]] = None,
        pretrained_window_sizes: Tuple[int, ...] = (0, 0, 0, 0),
    ) -> None:
        """
        Args:
            img_size: input size the patch grid, windows and shift masks are laid out for.
            window_size: attention window, one for all stages or one per stage (int or (h, w)).
            pretrained_window_sizes: per stage, the window the position-bias MLP was trained with
                (0: this window); coordinates are normalised by it.
            always_partition: keep window_size (and the shift) even where a stage's map is smaller.
            strict_img_size / dynamic_img_size: dynamic_img_size (or strict_img_size=False) accepts any
                input size divisible by the patch, computing the shift masks on each forward.
            drop_path_rate: stochastic depth, rising linearly over all blocks to this rate.
        """
        super().__init__()
        if dynamic_img_size:
            strict_img_size = False
        num_stages = len(depths)
        if len(num_heads) != num_stages:
            raise InvalidModelArgsError(f"num_heads needs one value per stage ({num_stages}), got {num_heads!r}.")
        if len(pretrained_window_sizes) != num_stages:
            raise InvalidModelArgsError(
                f"pretrained_window_sizes needs one value per stage ({num_stages}), got {pretrained_window_sizes!r}.")
        norm_layer = norm_layer or nn.LayerNorm
        self.num_classes = num_classes
        self.in_chans = in_chans
        self.global_pool = global_pool
        self.output_fmt = 'NHWC'
        self.dynamic_img_size = not strict_img_size
        self.drop_rate = drop_rate
        self.num_layers = num_stages
        self.embed_dim = embed_dim
        embed_dims = [int(embed_dim * 2 ** i) for i in range(num_stages)]
        self.num_features = embed_dims[-1]

        self.patch_embed = PatchEmbed(
            img_size=img_size, patch_size=patch_size, in_chans=in_chans, embed_dim=embed_dims[0],
            norm_layer=norm_layer, output_fmt='NHWC', strict_img_size=strict_img_size,
        )
        grid = self.patch_embed.grid_size
        window_sizes = stage_window_sizes(window_size, num_stages)
        rates = torch.linspace(0, drop_path_rate, sum(depths), device='cpu').split(list(depths))
        reduction = max(to_2tuple(patch_size))

        self.feature_info = []
        layers = []
        in_dim, scale = embed_dims[0], 1
        for i in range(num_stages):
            layers.append(SwinTransformerV2Stage(
                in_dim, embed_dims[i], tuple((g + scale - 1) // scale for g in grid), depths[i],
                num_heads=num_heads[i], window_size=window_sizes[i], always_partition=always_partition,
                dynamic_mask=not strict_img_size, downsample=i > 0, mlp_ratio=mlp_ratio, qkv_bias=qkv_bias,
                proj_drop=proj_drop_rate, attn_drop=attn_drop_rate, drop_path=rates[i].tolist(),
                act_layer=act_layer, norm_layer=norm_layer, pretrained_window_size=pretrained_window_sizes[i],
            ))
            in_dim = embed_dims[i]
            if i > 0:
                scale *= 2
            self.feature_info.append(dict(num_chs=embed_dims[i], reduction=reduction * scale, module=f'layers.{i}'))
        self.layers = nn.Sequential(*layers)
        self.norm = norm_layer(self.num_features)
        self.head = NhwcClassifierHead(self.num_features, num_classes, pool_type=global_pool, drop_rate=drop_rate)
        self.head_hidden_size = self.head.num_features
        for module in self.modules():
            if isinstance(module, nn.Linear):
                _init_linear(module)
        for stage in self.layers:
            stage.init_respostnorm()

    def init_non_persistent_buffers(self) -> None:
        """Compute coordinate tables, indices, key biases and shift masks (after a meta-device build and load)."""
        for module in self.modules():
            if isinstance(module, (WindowAttention, SwinTransformerV2Block)):
                module.init_non_persistent_buffers()

    def init_new_module(self, name: str, module: nn.Module) -> None:
        """Initialise a module the checkpoint did not cover (a new classifier) as the constructor would."""
        if isinstance(module, nn.Linear):
            _init_linear(module)
        elif hasattr(module, 'reset_parameters'):
            module.reset_parameters()
        else:
            raise RuntimeError(f"imgzoo bug: no initialisation for {name} ({type(module).__name__}).")

    def adapt_pretrained_state_dict(self, state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """Fit a timm-layout checkpoint to this model: drop stored buffers and resample the patch kernel to
        this patch size. Other windows need nothing: the position-bias MLP is continuous."""
        out = {}
        for key, value in state_dict.items():
            if any(name in key for name in ('relative_position_index', 'relative_coords_table', 'attn_mask')):
                continue
            if key == 'patch_embed.proj.weight' and tuple(value.shape[-2:]) != self.patch_embed.patch_size:
                value = resample_patch_embed(value, self.patch_embed.patch_size)
            out[key] = value
        return out

    def no_weight_decay(self) -> Set[str]:
        return {n for n, _ in self.named_parameters() if 'cpb_mlp' in n or 'logit_scale' in n}


def _swinv2(defaults: Dict[str, Any], kwargs: Dict[str, Any]) -> SwinTransformerV2:
    return SwinTransformerV2(**{**defaults, **kwargs})


_T = dict(embed_dim=96, depths=(2, 2, 6, 2), num_heads=(3, 6, 12, 24))
_S = dict(embed_dim=96, depths=(2, 2, 18, 2), num_heads=(3, 6, 12, 24))
_B = dict(embed_dim=128, depths=(2, 2, 18, 2), num_heads=(4, 8, 16, 32))
_L = dict(embed_dim=192, depths=(2, 2, 18, 2), num_heads=(6, 12, 24, 48))
_FROM_12 = dict(pretrained_window_sizes=(12, 12, 12, 6))


@register_model
def swinv2_tiny_window16_256(**kwargs: Any) -> SwinTransformerV2:
    return _swinv2(dict(img_size=256, window_size=16, **_T), kwargs)


@register_model
def swinv2_tiny_window8_256(**kwargs: Any) -> SwinTransformerV2:
    return _swinv2(dict(img_size=256, window_size=8, **_T), kwargs)


@register_model
def swinv2_small_window16_256(**kwargs: Any) -> SwinTransformerV2:
    return _swinv2(dict(img_size=256, window_size=16, **_S), kwargs)


@register_model
def swinv2_small_window8_256(**kwargs: Any) -> SwinTransformerV2:
    return _swinv2(dict(img_size=256, window_size=8, **_S), kwargs)


@register_model
def swinv2_base_window16_256(**kwargs: Any) -> SwinTransformerV2:
    return _swinv2(dict(img_size=256, window_size=16, **_B), kwargs)


@register_model
def swinv2_base_window8_256(**kwargs: Any) -> SwinTransformerV2:
    return _swinv2(dict(img_size=256, window_size=8, **_B), kwargs)


@register_model
def swinv2_base_window12_192(**kwargs: Any) -> SwinTransformerV2:
    return _swinv2(dict(img_size=192, window_size=12, num_classes=21841, **_B), kwargs)


@register_model
def swinv2_base_window12to16_192to256(**kwargs: Any) -> SwinTransformerV2:
    return _swinv2(dict(img_size=256, window_size=16, **_B, **_FROM_12), kwargs)


@register_model
def swinv2_base_window12to24_192to384(**kwargs: Any) -> SwinTransformerV2:
    return _swinv2(dict(img_size=384, window_size=24, **_B, **_FROM_12), kwargs)


@register_model
def swinv2_large_window12_192(**kwargs: Any) -> SwinTransformerV2:
    return _swinv2(dict(img_size=192, window_size=12, num_classes=21841, **_L), kwargs)


@register_model
def swinv2_large_window12to16_192to256(**kwargs: Any) -> SwinTransformerV2:
    return _swinv2(dict(img_size=256, window_size=16, **_L, **_FROM_12), kwargs)


@register_model
def swinv2_large_window12to24_192to384(**kwargs: Any) -> SwinTransformerV2:
    return _swinv2(dict(img_size=384, window_size=24, **_L, **_FROM_12), kwargs)
