"""Swin Transformer (Liu et al. 2021) and Swin-S3 / AutoFormerV2 (Chen et al. 2021).

Module and parameter names follow timm's `swin_transformer.py`, so its checkpoints load strictly.
Stages of shifted-window attention blocks work on channels-last (B, H, W, C) maps; every other block
rolls the map by half a window, with a mask keeping wrapped-around tokens apart. Attention adds a
learned relative position bias per head. The relative position indices and the shift masks are
non-persistent buffers: computed at build time, or after a meta-device build by
`init_non_persistent_buffers()`. Other `img_size` / `window_size` than the checkpoint's resample the
bias tables on load, as timm does.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Sequence, Set, Tuple, Union

import torch
import torch.fx
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from ..layers import DropPath, Mlp, to_2tuple
from ..layers.classifier_nhwc import NhwcClassifierHead
from ..layers.patch_embed import resample_patch_embed
from ..layers.patch_embed import PatchEmbed
from ..layers.relative_position import creating_on_meta, relative_position_index, resize_rel_pos_bias_table
from ..layers.weight_init import check_weight_init, head_bias_for, init_vit_module, named_apply, trunc_normal_
from ..layers.windows import (
    dynamic_shifted_window_mask, shifted_window_mask, stage_window_sizes, window_partition, window_reverse,
)
from ..registry import register_model
from ._base import checkpoint_seq
from ._swin_base import SwinBase

torch.fx.wrap('window_reverse')
torch.fx.wrap('dynamic_shifted_window_mask')

SizeT = Union[int, Tuple[int, int]]


def _init_linear(module: nn.Linear) -> None:
    nn.init.trunc_normal_(module.weight, std=0.02)
    if module.bias is not None:
        nn.init.zeros_(module.bias)


def _per_stage(value: Any, num_stages: int, name: str) -> Tuple[Any, ...]:
    values = tuple(value) if isinstance(value, (list, tuple)) else (value,) * num_stages
    if len(values) != num_stages:
        raise InvalidModelArgsError(f"{name} needs one value or one per stage ({num_stages}), got {value!r}.")
    return values


class WindowAttention(nn.Module):
    """Multi-head self-attention within a window, plus a learned relative position bias per head."""

    def __init__(
        self, dim: int, num_heads: int, head_dim: Optional[int] = None, window_size: SizeT = 7,
        qkv_bias: bool = True, attn_drop: float = 0.0, proj_drop: float = 0.0,
    ) -> None:
        super().__init__()
        self.dim = dim
        self.window_size: Tuple[int, int] = to_2tuple(window_size)  # type: ignore[assignment]
        win_h, win_w = self.window_size
        self.window_area = win_h * win_w
        self.num_heads = num_heads
        head_dim = head_dim or dim // num_heads
        attn_dim = head_dim * num_heads
        self.scale = head_dim ** -0.5
        self.relative_position_bias_table = nn.Parameter(torch.empty((2 * win_h - 1) * (2 * win_w - 1), num_heads))
        self.register_buffer('relative_position_index', None, persistent=False)
        self.qkv = nn.Linear(dim, attn_dim * 3, bias=qkv_bias)
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(attn_dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)
        trunc_normal_(self.relative_position_bias_table, std=0.02)
        if not creating_on_meta():
            self.init_non_persistent_buffers()

    def init_non_persistent_buffers(self) -> None:
        """Compute the relative position index on the bias table's device."""
        self.relative_position_index = relative_position_index(
            *self.window_size, device=self.relative_position_bias_table.device)

    def _rel_pos_bias(self) -> torch.Tensor:
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)]
        return bias.view(self.window_area, self.window_area, -1).permute(2, 0, 1).unsqueeze(0)

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        batch_windows, tokens, _ = x.shape
        qkv = self.qkv(x).reshape(batch_windows, tokens, 3, self.num_heads, -1).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        # timm's default (non-fused) path, op for op, so that outputs are bit-identical to timm's
        attn = (q * self.scale) @ k.transpose(-2, -1) + self._rel_pos_bias()
        if mask is not None:
            num_windows = mask.shape[0]
            attn = attn.view(-1, num_windows, self.num_heads, tokens, tokens) + mask.unsqueeze(1).unsqueeze(0)
            attn = attn.view(-1, self.num_heads, tokens, tokens)
        x = self.attn_drop(attn.softmax(dim=-1)) @ v
        x = x.transpose(1, 2).reshape(batch_windows, tokens, -1)
        return self.proj_drop(self.proj(x))


class SwinTransformerBlock(nn.Module):
    """(Shifted-)window attention and an MLP, each pre-normed with a residual connection; (B, H, W, C) in and out."""

    def __init__(
        self, dim: int, input_resolution: Tuple[int, int], num_heads: int = 4, head_dim: Optional[int] = None,
        window_size: SizeT = 7, shift_size: SizeT = 0, always_partition: bool = False, dynamic_mask: bool = False,
        mlp_ratio: float = 4.0, qkv_bias: bool = True, proj_drop: float = 0.0, attn_drop: float = 0.0,
        drop_path: float = 0.0, act_layer: Union[str, Callable[..., nn.Module]] = 'gelu',
        norm_layer: Callable[[int], nn.Module] = nn.LayerNorm,
    ) -> None:
        super().__init__()
        self.dim = dim
        self.input_resolution = tuple(input_resolution)
        self.always_partition = always_partition
        self.dynamic_mask = dynamic_mask
        self.window_size, self.shift_size = self._window_and_shift(to_2tuple(window_size), to_2tuple(shift_size))
        self.window_area = self.window_size[0] * self.window_size[1]
        self.mlp_ratio = mlp_ratio
        self.norm1 = norm_layer(dim)
        self.attn = WindowAttention(dim, num_heads=num_heads, head_dim=head_dim, window_size=self.window_size,
                                    qkv_bias=qkv_bias, attn_drop=attn_drop, proj_drop=proj_drop)
        self.drop_path1 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.norm2 = norm_layer(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), act_layer=act_layer, drop=proj_drop)
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
        x = x + self.drop_path1(self._attn(self.norm1(x)))
        x = x.reshape(batch, -1, channels)
        x = x + self.drop_path2(self.mlp(self.norm2(x)))
        return x.reshape(batch, height, width, channels)


class PatchMerging(nn.Module):
    """Concatenate each 2x2 neighbourhood (padding odd sides), normalise, project to out_dim: halves H and W."""

    def __init__(self, dim: int, out_dim: Optional[int] = None, norm_layer: Callable[[int], nn.Module] = nn.LayerNorm) -> None:
        super().__init__()
        self.dim = dim
        self.out_dim = out_dim or 2 * dim
        self.norm = norm_layer(4 * dim)
        self.reduction = nn.Linear(4 * dim, self.out_dim, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, height, width, channels = x.shape
        x = F.pad(x, (0, 0, 0, width % 2, 0, height % 2))
        _, height, width, _ = x.shape
        x = x.reshape(batch, height // 2, 2, width // 2, 2, channels).permute(0, 1, 3, 4, 2, 5).flatten(3)
        return self.reduction(self.norm(x))


class SwinTransformerStage(nn.Module):
    """An optional patch merging (downsample) followed by depth blocks alternating plain and shifted windows."""

    def __init__(
        self, dim: int, out_dim: int, input_resolution: Tuple[int, int], depth: int, downsample: bool = True,
        num_heads: int = 4, head_dim: Optional[int] = None, window_size: SizeT = 7, always_partition: bool = False,
        dynamic_mask: bool = False, mlp_ratio: float = 4.0, qkv_bias: bool = True, proj_drop: float = 0.0,
        attn_drop: float = 0.0, drop_path: Union[Sequence[float], float] = 0.0,
        norm_layer: Callable[[int], nn.Module] = nn.LayerNorm,
    ) -> None:
        super().__init__()
        self.dim = dim
        self.input_resolution = tuple(input_resolution)
        self.output_resolution = tuple((r + 1) // 2 for r in input_resolution) if downsample else self.input_resolution
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
        self.blocks = nn.Sequential(*[
            SwinTransformerBlock(
                out_dim, self.output_resolution, num_heads=num_heads, head_dim=head_dim, window_size=window_size,
                shift_size=0 if i % 2 == 0 else shift_size, always_partition=always_partition,
                dynamic_mask=dynamic_mask, mlp_ratio=mlp_ratio, qkv_bias=qkv_bias, proj_drop=proj_drop,
                attn_drop=attn_drop, drop_path=drop_path[i] if isinstance(drop_path, (list, tuple)) else drop_path,
                norm_layer=norm_layer,
            )
            for i in range(depth)
        ])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.downsample(x)
        if self.grad_checkpointing and not torch.jit.is_scripting():
            return checkpoint_seq(self.blocks, x)
        return self.blocks(x)


class SwinTransformer(SwinBase):
    """Swin Transformer: patch embedding, four stages of (shifted-)window attention, final norm, pooled head."""

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
        head_dim: Optional[int] = None,
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
        embed_layer: Callable[..., nn.Module] = PatchEmbed,
        norm_layer: Optional[Callable[[int], nn.Module]] = None,
        weight_init: str = '',
    ) -> None:
        """
        Args:
            img_size: input size the patch grid, windows and shift masks are laid out for.
            window_size: attention window, one for all stages or one per stage (int or (h, w)).
            always_partition: keep window_size (and the shift) even where a stage's map is smaller.
            strict_img_size / dynamic_img_size: dynamic_img_size (or strict_img_size=False) accepts any
                input size divisible by the patch, computing the shift masks on each forward.
            head_dim: channels per head (default dim // num_heads).
            drop_path_rate: stochastic depth, rising linearly over all blocks to this rate.
            embed_layer: patch-embedding class, called as timm calls it (img_size, patch_size, in_chans, embed_dim,
                norm_layer, strict_img_size, output_fmt='NHWC').
            weight_init: random-init scheme: '' (timm's), 'jax', 'jax_nlhb' (head bias -log(num_classes)), 'moco',
                'reset' (nothing but the bias tables) or 'skip' (the same: for weights loaded next).
        """
        super().__init__()
        if dynamic_img_size:
            strict_img_size = False
        num_stages = len(depths)
        if len(num_heads) != num_stages:
            raise InvalidModelArgsError(f"num_heads needs one value per stage ({num_stages}), got {num_heads!r}.")
        check_weight_init(weight_init)
        if not callable(embed_layer) or isinstance(embed_layer, str):
            raise InvalidModelArgsError(
                f"embed_layer must be a patch-embedding class (like imgzoo.layers.patch_embed.PatchEmbed), "
                f"got {embed_layer!r}.")
        norm_layer = norm_layer or nn.LayerNorm
        self.num_classes = num_classes
        self.in_chans = in_chans
        self.global_pool = global_pool
        self.output_fmt = 'NHWC'
        self.dynamic_img_size = not strict_img_size
        self.drop_rate = drop_rate
        self.num_layers = num_stages
        embed_dims = [int(embed_dim * 2 ** i) for i in range(num_stages)]
        self.embed_dim = embed_dim
        self.num_features = embed_dims[-1]

        self.patch_embed = embed_layer(
            img_size=img_size, patch_size=patch_size, in_chans=in_chans, embed_dim=embed_dims[0],
            norm_layer=norm_layer, strict_img_size=strict_img_size, output_fmt='NHWC',
        )
        if not hasattr(self.patch_embed, 'grid_size'):
            raise InvalidModelArgsError(
                f"embed_layer {getattr(embed_layer, '__name__', embed_layer)!r} built a module without grid_size; "
                "a patch embedding needs it (as PatchEmbed has).")
        grid = self.patch_embed.grid_size
        head_dims = _per_stage(head_dim, num_stages, 'head_dim')
        window_sizes = stage_window_sizes(window_size, num_stages)
        mlp_ratios = _per_stage(mlp_ratio, num_stages, 'mlp_ratio')
        rates = torch.linspace(0, drop_path_rate, sum(depths), device='cpu').split(list(depths))
        reduction = max(to_2tuple(patch_size))

        self.feature_info = []
        layers = []
        in_dim, scale = embed_dims[0], 1
        for i in range(num_stages):
            layers.append(SwinTransformerStage(
                in_dim, embed_dims[i], ((grid[0] + scale - 1) // scale, (grid[1] + scale - 1) // scale), depths[i],
                downsample=i > 0, num_heads=num_heads[i], head_dim=head_dims[i], window_size=window_sizes[i],
                always_partition=always_partition, dynamic_mask=not strict_img_size, mlp_ratio=mlp_ratios[i],
                qkv_bias=qkv_bias, proj_drop=proj_drop_rate, attn_drop=attn_drop_rate, drop_path=rates[i].tolist(),
                norm_layer=norm_layer,
            ))
            in_dim = embed_dims[i]
            if i > 0:
                scale *= 2
            self.feature_info.append(dict(num_chs=embed_dims[i], reduction=reduction * scale, module=f'layers.{i}'))
        self.layers = nn.Sequential(*layers)
        self.norm = norm_layer(self.num_features)
        self.head = NhwcClassifierHead(self.num_features, num_classes, pool_type=global_pool, drop_rate=drop_rate)
        self.num_classes = num_classes
        self.head_hidden_size = self.head.num_features
        self.weight_init_mode = 'reset' if weight_init == 'skip' else weight_init
        if weight_init != 'skip':
            self.init_weights()

    def init_weights(self, mode: str = '') -> None:
        """Initialise by the scheme mode (default: the weight_init the model was built with): timm's default is
        truncated normal (std 0.02) Linear weights and zero biases; see imgzoo.layers.weight_init for the others."""
        mode = check_weight_init(mode or self.weight_init_mode)
        head_bias = head_bias_for(mode, self.num_classes)
        named_apply(lambda module, name: init_vit_module(module, name, mode, head_bias), self)

    def init_non_persistent_buffers(self) -> None:
        """Compute relative position indices and shift masks (after a meta-device build and load)."""
        for module in self.modules():
            if isinstance(module, (WindowAttention, SwinTransformerBlock)):
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
        """Fit a timm-layout checkpoint to this model: drop stored index / mask buffers, resample the
        patch kernel to this patch size and the relative position bias tables to these windows."""
        out = {}
        for key, value in state_dict.items():
            if 'relative_position_index' in key or 'attn_mask' in key:
                continue
            if key == 'patch_embed.proj.weight' and tuple(value.shape[-2:]) != self.patch_embed.patch_size:
                value = resample_patch_embed(value, self.patch_embed.patch_size)
            elif key.endswith('relative_position_bias_table'):
                attn = self.get_submodule(key[:-len('.relative_position_bias_table')])
                target = attn.relative_position_bias_table
                if value.shape != target.shape or attn.window_size[0] != attn.window_size[1]:
                    value = resize_rel_pos_bias_table(value, attn.window_size, target.shape)
            out[key] = value
        return out

    def no_weight_decay(self) -> Set[str]:
        return {n for n, _ in self.named_parameters() if 'relative_position_bias_table' in n}


def _swin(defaults: Dict[str, Any], kwargs: Dict[str, Any]) -> SwinTransformer:
    return SwinTransformer(**{**defaults, **kwargs})


_T = dict(embed_dim=96, depths=(2, 2, 6, 2), num_heads=(3, 6, 12, 24))
_S = dict(embed_dim=96, depths=(2, 2, 18, 2), num_heads=(3, 6, 12, 24))
_B = dict(embed_dim=128, depths=(2, 2, 18, 2), num_heads=(4, 8, 16, 32))
_L = dict(embed_dim=192, depths=(2, 2, 18, 2), num_heads=(6, 12, 24, 48))


@register_model
def swin_tiny_patch4_window7_224(**kwargs: Any) -> SwinTransformer:
    return _swin(dict(patch_size=4, window_size=7, **_T), kwargs)


@register_model
def swin_small_patch4_window7_224(**kwargs: Any) -> SwinTransformer:
    return _swin(dict(patch_size=4, window_size=7, **_S), kwargs)


@register_model
def swin_base_patch4_window7_224(**kwargs: Any) -> SwinTransformer:
    return _swin(dict(patch_size=4, window_size=7, **_B), kwargs)


@register_model
def swin_base_patch4_window12_384(**kwargs: Any) -> SwinTransformer:
    return _swin(dict(img_size=384, patch_size=4, window_size=12, **_B), kwargs)


@register_model
def swin_large_patch4_window7_224(**kwargs: Any) -> SwinTransformer:
    return _swin(dict(patch_size=4, window_size=7, **_L), kwargs)


@register_model
def swin_large_patch4_window12_384(**kwargs: Any) -> SwinTransformer:
    return _swin(dict(img_size=384, patch_size=4, window_size=12, **_L), kwargs)


@register_model
def swin_s3_tiny_224(**kwargs: Any) -> SwinTransformer:
    return _swin(dict(patch_size=4, window_size=(7, 7, 14, 7), embed_dim=96, depths=(2, 2, 6, 2),
                      num_heads=(3, 6, 12, 24)), kwargs)


@register_model
def swin_s3_small_224(**kwargs: Any) -> SwinTransformer:
    return _swin(dict(patch_size=4, window_size=(14, 14, 14, 7), embed_dim=96, depths=(2, 2, 18, 2),
                      num_heads=(3, 6, 12, 24)), kwargs)


@register_model
def swin_s3_base_224(**kwargs: Any) -> SwinTransformer:
    return _swin(dict(patch_size=4, window_size=(7, 7, 14, 7), embed_dim=96, depths=(2, 2, 30, 2),
                      num_heads=(3, 6, 12, 24)), kwargs)
