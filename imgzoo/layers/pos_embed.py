"""Resampling of learned absolute position embeddings to another patch grid."""
from __future__ import annotations

import math
from typing import Optional, Sequence, Tuple

import torch
from torch.nn import functional as F


def infer_square_grid(num_tokens: int) -> Optional[Tuple[int, int]]:
    """(n, n) when num_tokens is a perfect square n * n, else None."""
    side = math.isqrt(num_tokens) if num_tokens >= 0 else 0
    return (side, side) if side * side == num_tokens and side > 0 else None


def resample_abs_pos_embed(
    posemb: torch.Tensor,
    new_size: Sequence[int],
    old_size: Optional[Sequence[int]] = None,
    num_prefix_tokens: int = 1,
    interpolation: str = 'bicubic',
    antialias: bool = True,
    align_corners: Optional[bool] = None,
) -> torch.Tensor:
    """Resample a (1, prefix + H*W, C) position embedding to a new_size grid; prefix tokens are kept as they are.

    old_size defaults to the square grid the token count implies. Interpolation runs in float32
    and the result has the input's dtype, as in timm's `resample_abs_pos_embed`.
    """
    new_h, new_w = int(new_size[0]), int(new_size[1])
    num_pos_tokens = posemb.shape[1]
    if old_size is None:
        grid = infer_square_grid(num_pos_tokens - num_prefix_tokens)
        if grid is None:
            raise ValueError(
                f"Cannot infer the grid of a position embedding with {num_pos_tokens - num_prefix_tokens} patch "
                "tokens (not a square number); pass old_size."
            )
        old_size = grid
    old_h, old_w = int(old_size[0]), int(old_size[1])
    if old_h * old_w + num_prefix_tokens != num_pos_tokens:
        raise ValueError(
            f"A {old_h}x{old_w} grid with {num_prefix_tokens} prefix tokens has {old_h * old_w + num_prefix_tokens} "
            f"positions, but the embedding has {num_pos_tokens}."
        )
    if (old_h, old_w) == (new_h, new_w):
        return posemb

    prefix, grid_tokens = posemb[:, :num_prefix_tokens], posemb[:, num_prefix_tokens:]
    dim = posemb.shape[-1]
    orig_dtype = posemb.dtype
    grid_tokens = grid_tokens.float().reshape(1, old_h, old_w, dim).permute(0, 3, 1, 2)
    grid_tokens = F.interpolate(grid_tokens, size=(new_h, new_w), mode=interpolation, antialias=antialias,
                                align_corners=align_corners)
    grid_tokens = grid_tokens.permute(0, 2, 3, 1).reshape(1, new_h * new_w, dim).to(orig_dtype)
    if num_prefix_tokens:
        return torch.cat([prefix, grid_tokens], dim=1)
    return grid_tokens
