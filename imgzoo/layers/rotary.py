"""Rotary position embeddings (RoPE) for vision transformers: EVA-02's axial `RotaryEmbeddingCat`, RoPE-ViT's
learned `RotaryEmbeddingMixed` and DINOv3's `RotaryEmbeddingDinoV3`, with timm's buffers and numerics.

Each module yields a (N, 2 * head_dim) table of concatenated sin and cos values (Mixed: one per block and
head) that `apply_rot_embed_cat` applies to queries and keys. The tables are non-persistent buffers (never in
checkpoints): built at construction, or, after a meta-device build (`imgzoo.meta.meta_device()`), left unset
and computed for real by `init_non_persistent_buffers()` once the weights are loaded — loading a meta-built
EVA-02 without that step gives garbage outputs (timm PR #2350). Without a fixed grid (`feat_shape=None`,
`dynamic_img_size`) the tables are computed per input size in `get_embed(shape)`.
"""
from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple

import torch
import torch.fx
from torch import nn

from ..errors import InvalidModelArgsError
from .relative_position import creating_on_meta

GRID_INDEXING = ('ij', 'xy')


def rot(x: torch.Tensor) -> torch.Tensor:
    """Interleaved-pair rotation: [x0, x1, x2, x3] -> [-x1, x0, -x3, x2]."""
    return torch.stack([-x[..., 1::2], x[..., ::2]], -1).reshape(x.shape)


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    """Half rotation: [x0, x1, x2, x3] -> [-x2, -x3, x0, x1]."""
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([-x2, x1], dim=-1)


def apply_rot_embed_cat(x: torch.Tensor, emb: torch.Tensor, half: bool = False) -> torch.Tensor:
    """Rotate x (..., N, D) by a concatenated [sin, cos] table (..., N, 2D); the result has x's dtype."""
    sin_emb, cos_emb = emb.chunk(2, -1)
    out = x * cos_emb + (rotate_half(x) if half else rot(x)) * sin_emb
    return out.to(dtype=x.dtype)


def _rope_layout(x: torch.Tensor, half: bool = False) -> torch.Tensor:
    """Per-frequency values (..., D/2) in the (..., D) layout the rotation expects (halves or interleaved pairs)."""
    return torch.cat([x, x], dim=-1) if half else x.repeat_interleave(2, -1)


def _swap_xy(seq: Sequence[int]) -> List[int]:
    seq = list(seq)
    return seq if len(seq) < 2 else [seq[1], seq[0]] + seq[2:]


@torch.fx.wrap
def rope_grid(
    feat_shape: Sequence[int],
    grid_type: str = 'index',
    ref_feat_shape: Optional[Sequence[int]] = None,
    grid_offset: float = 0.0,
    grid_indexing: str = 'ij',
    normalize_coords: str = 'separate',
    device: Optional[torch.device] = None,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """(*feat_shape, 2) coordinates of a token grid (timm's `_build_grid`).

    'index': integer positions (+ grid_offset), rescaled onto ref_feat_shape when given (EVA's fine-tune
    scheme); 'centered': 0.5-centred positions normalised to [-1, 1] (DINOv3). 'xy' swaps the coordinate
    channels, the spatial layout stays (H, W).
    """
    feat_shape = [int(s) for s in feat_shape]
    if grid_indexing == 'xy':
        feat_shape = _swap_xy(feat_shape)
        if ref_feat_shape is not None:
            ref_feat_shape = _swap_xy(ref_feat_shape)
    if grid_type == 'centered':
        if normalize_coords == 'max':
            denom = [float(max(feat_shape))] * len(feat_shape)
        elif normalize_coords == 'min':
            denom = [float(min(feat_shape))] * len(feat_shape)
        else:
            denom = [float(s) for s in feat_shape]
        axes = [(torch.arange(0.5, s, device=device, dtype=torch.float32) + grid_offset) / d
                for s, d in zip(feat_shape, denom)]
    else:
        axes = [torch.arange(s, device=device, dtype=torch.int64).to(torch.float32) + grid_offset for s in feat_shape]
    if ref_feat_shape is not None:
        axes = [t / f * r for t, f, r in zip(axes, feat_shape, ref_feat_shape)]
    grid = torch.stack(torch.meshgrid(axes, indexing=grid_indexing), dim=-1).to(dtype=dtype)
    if grid_type == 'centered':
        grid = 2.0 * grid - 1.0
    return grid


def augment_coords(
    coords: torch.Tensor, shift: Optional[float], jitter: Optional[float], rescale: Optional[float],
) -> torch.Tensor:
    """DINOv3's train-time coordinate augmentation: random shift, per-axis and shared log-uniform scales."""
    num_axes = coords.shape[-1]
    if shift is not None:
        coords = coords + torch.empty(num_axes, device=coords.device, dtype=coords.dtype).uniform_(-shift, shift)[None, :]
    if jitter is not None:
        bound = math.log(jitter)
        coords = coords * torch.empty(num_axes, device=coords.device, dtype=coords.dtype).uniform_(-bound, bound).exp()[None, :]
    if rescale is not None:
        bound = math.log(rescale)
        coords = coords * torch.empty(1, device=coords.device, dtype=coords.dtype).uniform_(-bound, bound).exp()
    return coords


def _check_aug(name: str, value: Optional[float], minimum: float) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < minimum:
        raise InvalidModelArgsError(f"{name} must be a finite number >= {minimum:g} (or None), got {value!r}.")
    return float(value)


def _check_indexing(grid_indexing: str) -> str:
    if grid_indexing not in GRID_INDEXING:
        raise InvalidModelArgsError(f"rope grid_indexing must be 'ij' or 'xy', got {grid_indexing!r}.")
    return grid_indexing


def _float32_at_least(dtype: torch.dtype) -> torch.dtype:
    return torch.float32 if dtype.is_floating_point and torch.finfo(dtype).bits < 32 else dtype


class RotaryEmbeddingCat(nn.Module):
    """Axial RoPE over a 2-D grid with inverse-frequency bands (EVA-02, PE, timm's SBB and RoPE-ViT axial models).

    Buffers as timm's: `bands` (head_dim // 4 frequencies) and, with a fixed `feat_shape`, the cached
    `pos_embed` (H * W, 2 * head_dim). `ref_feat_shape` rescales positions to the pretraining grid, so
    another input size reuses the learned frequency range.
    """

    def __init__(
        self, dim: int, temperature: float = 10000.0, feat_shape: Optional[Sequence[int]] = None,
        ref_feat_shape: Optional[Sequence[int]] = None, grid_offset: float = 0.0, grid_indexing: str = 'ij',
        rotate_half: bool = False, shift_coords: Optional[float] = None, jitter_coords: Optional[float] = None,
        rescale_coords: Optional[float] = None,
    ) -> None:
        super().__init__()
        if dim % 4:
            raise InvalidModelArgsError(f"Axial RoPE needs a head dimension divisible by 4, got {dim}.")
        self.dim = dim
        self.temperature = float(temperature)
        self.feat_shape = list(feat_shape) if feat_shape is not None else None
        self.ref_feat_shape = list(ref_feat_shape) if ref_feat_shape is not None else None
        self.grid_offset = grid_offset
        self.grid_indexing = _check_indexing(grid_indexing)
        self.rotate_half = rotate_half
        self.shift_coords = _check_aug('rope_shift_coords', shift_coords, 0.0)
        self.jitter_coords = _check_aug('rope_jitter_coords', jitter_coords, 1.0)
        self.rescale_coords = _check_aug('rope_rescale_coords', rescale_coords, 1.0)
        self.aug_active = any(v is not None for v in (self.shift_coords, self.jitter_coords, self.rescale_coords))
        self.register_buffer('bands', None, persistent=False)
        if self.feat_shape is not None:
            self.register_buffer('pos_embed', None, persistent=False)
        else:
            self.pos_embed = None
        if not creating_on_meta():
            self.init_non_persistent_buffers()

    def _compute_bands(self) -> torch.Tensor:
        exponent = torch.arange(0, self.dim // 4, 1, dtype=torch.int64).to(torch.float32) / (self.dim // 4)
        return 1.0 / (self.temperature ** exponent)

    def init_non_persistent_buffers(self, device: Optional[torch.device] = None,
                                    dtype: Optional[torch.dtype] = None) -> None:
        """Compute `bands` (float32 at least) and the cached table (in dtype, default float32) on device."""
        bands = self._compute_bands()
        self.bands = bands.to(device=device, dtype=_float32_at_least(dtype or torch.get_default_dtype()))
        if self.feat_shape is not None:
            self.pos_embed = self._build(self.feat_shape, bands).to(device=device, dtype=dtype)

    def _build(self, shape: Sequence[int], bands: torch.Tensor, dtype: Optional[torch.dtype] = None,
               augment: bool = False) -> torch.Tensor:
        grid = rope_grid(shape, 'index', self.ref_feat_shape, self.grid_offset, self.grid_indexing,
                         device=bands.device)
        if augment:
            grid = augment_coords(grid, self.shift_coords, self.jitter_coords, self.rescale_coords)
            dtype = dtype or bands.dtype
        pos = grid.unsqueeze(-1) * bands
        out_dtype = torch.float32 if dtype is None else dtype
        sin = _rope_layout(pos.sin().to(out_dtype).flatten(-2).flatten(0, -2), self.rotate_half)
        cos = _rope_layout(pos.cos().to(out_dtype).flatten(-2).flatten(0, -2), self.rotate_half)
        return torch.cat([sin, cos], -1)

    def get_embed(self, shape: Optional[Sequence[int]] = None) -> torch.Tensor:
        """The (N, 2 * dim) table for the fixed grid, or computed for shape (H, W) without one."""
        if self.feat_shape is None:
            if shape is None:
                raise InvalidModelArgsError('This rotary embedding has no fixed grid: pass the (H, W) shape.')
            return self._build(shape, self.bands, augment=self.training and self.aug_active)
        if self.training and self.aug_active:
            return self._build(self.feat_shape, self.bands, augment=True)
        return self.pos_embed

    def _apply(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        module = super()._apply(fn, *args, **kwargs)
        if self.bands is not None and _float32_at_least(self.bands.dtype) != self.bands.dtype:
            self.bands = self._compute_bands().to(device=self.bands.device)
        return module


def _mixed_freqs_init(head_dim: int, depth: int, num_heads: int, temperature: float) -> torch.Tensor:
    """RoPE-Mixed's initial frequencies (2, depth, num_heads, head_dim // 2): base magnitudes at random angles."""
    mag = 1.0 / (temperature ** (torch.arange(0, head_dim, 4, dtype=torch.float32) / head_dim))
    mag = mag.unsqueeze(0).unsqueeze(0)
    angles = torch.rand(depth, num_heads, 1) * 2 * torch.pi
    fx = torch.cat([mag * torch.cos(angles), mag * torch.cos(angles + torch.pi / 2)], dim=-1)
    fy = torch.cat([mag * torch.sin(angles), mag * torch.sin(angles + torch.pi / 2)], dim=-1)
    return torch.stack([fx, fy], dim=0)


@torch.fx.wrap
def mixed_grid(shape: Sequence[int], grid_indexing: str, device: Optional[torch.device] = None,
               ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Flattened, contiguous (t_x, t_y) token coordinates of an (H, W) grid for RoPE-Mixed."""
    grid = rope_grid(shape, grid_indexing=grid_indexing, device=device).reshape(-1, 2)
    return grid[:, 0].clone(memory_format=torch.contiguous_format), grid[:, 1].clone(memory_format=torch.contiguous_format)


def mixed_embed(freqs: torch.Tensor, t_x: torch.Tensor, t_y: torch.Tensor,
                dtype: Optional[torch.dtype] = None) -> torch.Tensor:
    """(depth, heads, N, 2 * head_dim) [sin, cos] tables from learned frequencies (2, depth, heads, head_dim // 2)."""
    dtype = freqs.dtype if dtype is None else dtype
    freqs = freqs.float()
    angles = t_x.float().unsqueeze(-1) * freqs[0].unsqueeze(-2) + t_y.float().unsqueeze(-1) * freqs[1].unsqueeze(-2)
    return torch.cat([_rope_layout(angles.sin()), _rope_layout(angles.cos())], dim=-1).to(dtype)


class RotaryEmbeddingMixed(nn.Module):
    """RoPE-Mixed (Heo et al. 2024): learned per-block, per-head 2-D frequencies `freqs` (a parameter, in
    checkpoints); the token coordinates `t_x`, `t_y` are non-persistent buffers for a fixed grid."""

    def __init__(
        self, dim: int, depth: int, num_heads: int, temperature: float = 10.0,
        feat_shape: Optional[Sequence[int]] = None, grid_indexing: str = 'xy', shift_coords: Optional[float] = None,
        jitter_coords: Optional[float] = None, rescale_coords: Optional[float] = None,
    ) -> None:
        super().__init__()
        head_dim = dim // num_heads
        if head_dim % 4:
            raise InvalidModelArgsError(f"RoPE-Mixed needs a head dimension divisible by 4, got {head_dim}.")
        self.dim, self.depth, self.num_heads, self.temperature = dim, depth, num_heads, temperature
        self.feat_shape = list(feat_shape) if feat_shape is not None else None
        self.grid_indexing = _check_indexing(grid_indexing)
        self.shift_coords = _check_aug('rope_shift_coords', shift_coords, 0.0)
        self.jitter_coords = _check_aug('rope_jitter_coords', jitter_coords, 1.0)
        self.rescale_coords = _check_aug('rope_rescale_coords', rescale_coords, 1.0)
        self.aug_active = any(v is not None for v in (self.shift_coords, self.jitter_coords, self.rescale_coords))
        self.freqs = nn.Parameter(torch.empty(2, depth, num_heads, head_dim // 2))
        if self.feat_shape is not None:
            self.register_buffer('t_x', None, persistent=False)
            self.register_buffer('t_y', None, persistent=False)
        else:
            self.t_x = self.t_y = None
        if not creating_on_meta():
            self.reset_parameters()
            self.init_non_persistent_buffers()

    def reset_parameters(self) -> None:
        """Random initial frequencies (skipped on the meta device, where checkpoints provide them)."""
        with torch.no_grad():
            self.freqs.copy_(_mixed_freqs_init(self.dim // self.num_heads, self.depth, self.num_heads,
                                               self.temperature))

    def init_non_persistent_buffers(self, device: Optional[torch.device] = None,
                                    dtype: Optional[torch.dtype] = None) -> None:
        if self.feat_shape is not None:
            device = self.freqs.device if device is None else device
            t_x, t_y = mixed_grid(self.feat_shape, self.grid_indexing, device=device)
            buffer_dtype = _float32_at_least(dtype or torch.get_default_dtype())
            self.t_x, self.t_y = t_x.to(buffer_dtype), t_y.to(buffer_dtype)

    def get_embed(self, shape: Optional[Sequence[int]] = None) -> torch.Tensor:
        """(depth, num_heads, N, 2 * head_dim) tables for the fixed grid, or for shape (H, W)."""
        if shape is not None:
            t_x, t_y = mixed_grid(shape, self.grid_indexing, device=self.freqs.device)
        elif self.t_x is not None and self.t_y is not None:
            t_x, t_y = self.t_x, self.t_y
        else:
            raise InvalidModelArgsError('This rotary embedding has no fixed grid: pass the (H, W) shape.')
        dtype = None
        if self.training and self.aug_active:
            coords = augment_coords(torch.stack([t_x, t_y], dim=-1).float(), self.shift_coords, self.jitter_coords,
                                    self.rescale_coords)
            t_x, t_y = coords[:, 0], coords[:, 1]
            dtype = _float32_at_least(self.freqs.dtype)
        return mixed_embed(self.freqs, t_x, t_y, dtype=dtype)

    def no_weight_decay(self) -> set:
        return {'freqs'}


class RotaryEmbeddingDinoV3(nn.Module):
    """DINOv3's RoPE: 0.5-centred coordinates normalised to [-1, 1], `periods` = temperature ** (4i / dim)
    (or geometric between min and max period); half-rotation layout by default. Buffers as timm's:
    `periods` and, with a fixed grid, `pos_embed_cached`."""

    def __init__(
        self, dim: int, temperature: Optional[float] = 100.0, min_period: Optional[float] = None,
        max_period: Optional[float] = None, feat_shape: Optional[Sequence[int]] = None,
        normalize_coords: str = 'separate', grid_offset: float = 0.0, grid_indexing: str = 'ij',
        rotate_half: bool = True, shift_coords: Optional[float] = None, jitter_coords: Optional[float] = None,
        rescale_coords: Optional[float] = None,
    ) -> None:
        super().__init__()
        if dim % 4:
            raise InvalidModelArgsError(f"DINOv3 RoPE needs a head dimension divisible by 4, got {dim}.")
        if normalize_coords not in ('separate', 'min', 'max'):
            raise InvalidModelArgsError(f"normalize_coords must be 'separate', 'min' or 'max', got {normalize_coords!r}.")
        if temperature is None and (min_period is None or max_period is None):
            raise InvalidModelArgsError('DINOv3 RoPE needs a temperature or both min_period and max_period.')
        self.dim = dim
        self.rotate_half = rotate_half
        self.temperature = float(temperature) if temperature is not None else None
        self.min_period, self.max_period = min_period, max_period
        self.normalize_coords = normalize_coords
        self.shift_coords = _check_aug('rope_shift_coords', shift_coords, 0.0)
        self.jitter_coords = _check_aug('rope_jitter_coords', jitter_coords, 1.0)
        self.rescale_coords = _check_aug('rope_rescale_coords', rescale_coords, 1.0)
        self.aug_active = any(v is not None for v in (self.shift_coords, self.jitter_coords, self.rescale_coords))
        self.feat_shape = list(feat_shape) if feat_shape is not None else None
        self.grid_offset = grid_offset
        self.grid_indexing = _check_indexing(grid_indexing)
        self.register_buffer('periods', None, persistent=False)
        if self.feat_shape is not None:
            self.register_buffer('pos_embed_cached', None, persistent=False)
        else:
            self.pos_embed_cached = None
        if not creating_on_meta():
            self.init_non_persistent_buffers()

    def _compute_periods(self) -> torch.Tensor:
        n = self.dim // 4
        if self.min_period is not None and self.max_period is not None:
            exponents = torch.linspace(0, 1, n, dtype=torch.float32)
            return self.min_period * ((self.max_period / self.min_period) ** exponents)
        exponents = 2.0 * torch.arange(n, dtype=torch.float32) / (self.dim // 2)
        return self.temperature ** exponents

    def init_non_persistent_buffers(self, device: Optional[torch.device] = None,
                                    dtype: Optional[torch.dtype] = None) -> None:
        self.periods = self._compute_periods().to(device=device,
                                                  dtype=_float32_at_least(dtype or torch.get_default_dtype()))
        if self.feat_shape is not None:
            self.pos_embed_cached = self._create(self.feat_shape, no_aug=True).to(dtype=dtype)

    def _create(self, shape: Sequence[int], no_aug: bool = False) -> torch.Tensor:
        coords = rope_grid(shape, 'centered', grid_offset=self.grid_offset, grid_indexing=self.grid_indexing,
                           normalize_coords=self.normalize_coords).flatten(0, -2)
        if not no_aug and self.training and self.aug_active:
            coords = augment_coords(coords, self.shift_coords, self.jitter_coords, self.rescale_coords)
        coords = coords[:, :, None].to(device=self.periods.device, dtype=self.periods.dtype)
        angles = (2 * math.pi * coords / self.periods[None, None, :]).flatten(1)
        return torch.cat([_rope_layout(angles.sin(), self.rotate_half), _rope_layout(angles.cos(), self.rotate_half)],
                         dim=-1)

    def get_embed(self, shape: Optional[Sequence[int]] = None) -> torch.Tensor:
        """(N, 2 * dim) table for shape (H, W), or for the fixed grid."""
        if shape is not None:
            return self._create(shape)
        if self.feat_shape is None:
            raise InvalidModelArgsError('This rotary embedding has no fixed grid: pass the (H, W) shape.')
        if self.pos_embed_cached is None or (self.training and self.aug_active):
            return self._create(self.feat_shape)
        return self.pos_embed_cached

    def _apply(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        module = super()._apply(fn, *args, **kwargs)
        if self.periods is not None and _float32_at_least(self.periods.dtype) != self.periods.dtype:
            self.periods = self._compute_periods().to(device=self.periods.device)
        return module
