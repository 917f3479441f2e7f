"""Relative position biases of windowed attention (Swin, MaxViT, CoAtNet): index buffers and table resizing.

A relative position bias table holds one learned value per head for every offset (dy, dx) between
two tokens of a window; the index buffer maps each (query, key) pair of the window to its row of
the table. Index buffers are not stored in checkpoints: models compute them at build time, or after
a meta-device build in `init_non_persistent_buffers()` (see `creating_on_meta`).
"""
from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple

import torch

from ..errors import InvalidModelArgsError


def creating_on_meta() -> bool:
    """Whether tensors created now land on the meta device (inside `imgzoo.meta.meta_device()`).

    Modules leave their non-persistent buffers unset (None) then, and compute them for real in
    `init_non_persistent_buffers()` once the weights are loaded.
    """
    return torch.empty(0).is_meta


def relative_position_index(win_h: int, win_w: int, device: Optional[torch.device] = None) -> torch.Tensor:
    """(win_h*win_w, win_h*win_w) long tensor: the table row of each (query, key) pair of a window."""
    coords = torch.stack(torch.meshgrid(
        torch.arange(win_h, device=device, dtype=torch.long),
        torch.arange(win_w, device=device, dtype=torch.long),
        indexing='ij',
    )).flatten(1)
    relative = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0)
    return (relative[..., 0] + win_h - 1) * (2 * win_w - 1) + relative[..., 1] + win_w - 1


def _progression_positions(src: int, dst: int) -> List[float]:
    """Source sample positions on a geometric progression that spreads src offsets over dst ones (BEiT)."""
    def geometric_sum(ratio: float, n: int) -> float:
        return (1.0 - ratio ** n) / (1.0 - ratio)

    left, right = 1.01, 1.5
    while right - left > 1e-6:
        ratio = (left + right) / 2.0
        if geometric_sum(ratio, src // 2) > dst // 2:
            right = ratio
        else:
            left = ratio
    offsets, current = [], 1.0
    for i in range(src // 2):
        offsets.append(current)
        current += ratio ** (i + 1)
    return [-d for d in reversed(offsets)] + [0.0] + offsets


def _linear_weights(points: torch.Tensor, queries: torch.Tensor) -> Tuple[torch.Tensor, ...]:
    """Left/right neighbour indices and distances of queries on a sorted, unevenly spaced grid."""
    right = torch.bucketize(queries, points).clamp(max=points.shape[0] - 1)
    left = (right - 1).clamp(0, points.shape[0] - 1)
    dist_left = (queries - points[left]).clamp(min=0)
    dist_right = (points[right] - queries).clamp(min=0)
    both_zero = (dist_left == 0) & (dist_right == 0)
    dist_left = torch.where(both_zero, torch.ones_like(dist_left), dist_left)
    dist_right = torch.where(both_zero, torch.ones_like(dist_right), dist_right)
    return left, right, dist_left, dist_right


def _interpolate_grid(values: torch.Tensor, src_size: Tuple[int, int], dst_size: Tuple[int, int]) -> torch.Tensor:
    """(heads, src_h, src_w) -> (heads, dst_h, dst_w), linear on geometric-progression source positions."""
    ys = torch.tensor(_progression_positions(src_size[0], dst_size[0]))
    xs = torch.tensor(_progression_positions(src_size[1], dst_size[1]))
    ty, tx = dst_size[0] // 2.0, dst_size[1] // 2.0
    qy = torch.arange(-ty, ty + 0.1, 1.0)
    qx = torch.arange(-tx, tx + 0.1, 1.0)
    y0, y1, dy0, dy1 = _linear_weights(ys, qy)
    x0, x1, dx0, dx1 = _linear_weights(xs, qx)
    wy0, wy1 = dy1[:, None], dy0[:, None]  # weight of the left sample is the distance to the right one
    wx0, wx1 = dx1[None, :], dx0[None, :]
    out = (values[:, y0][:, :, x0] * (wy0 * wx0) + values[:, y0][:, :, x1] * (wy0 * wx1)
           + values[:, y1][:, :, x0] * (wy1 * wx0) + values[:, y1][:, :, x1] * (wy1 * wx1))
    return out / ((dy0 + dy1)[:, None] * (dx0 + dx1)[None, :])


def resize_rel_pos_bias_table(
    table: torch.Tensor,
    new_window_size: Sequence[int],
    new_bias_shape: Sequence[int],
    old_window_size: Optional[Sequence[int]] = None,
) -> torch.Tensor:
    """Resample a relative position bias table to another window size, as timm's function of the same name.

    Flat tables are (num_offsets [+ extra], heads) (Swin, BEiT); 3-d tables are (heads, 2*Wh-1, 2*Ww-1)
    (TF MaxViT). The source window is old_window_size, else square when the table size allows, else the
    destination's. Values are interpolated linearly on a geometric progression of source offsets
    (BEiT's scheme: near offsets keep their values, far ones stretch), in float32, on the CPU.
    """
    dst_size = (int(new_window_size[0]) * 2 - 1, int(new_window_size[1]) * 2 - 1)
    if table.ndim == 3:
        if tuple(new_bias_shape[1:]) != dst_size:
            raise InvalidModelArgsError(f"bias shape {tuple(new_bias_shape)} does not fit window {tuple(new_window_size)}.")
        num_extra = 0
        src_size = (int(table.shape[1]), int(table.shape[2]))
        flat = False
    elif table.ndim == 2:
        src_positions = int(table.shape[0])
        num_extra = int(new_bias_shape[0]) - dst_size[0] * dst_size[1]
        if old_window_size is not None:
            src_size = (int(old_window_size[0]) * 2 - 1, int(old_window_size[1]) * 2 - 1)
        else:
            side = math.isqrt(src_positions - num_extra)
            if side * side == src_positions - num_extra:
                src_size = (side, side)
            elif src_positions - num_extra == dst_size[0] * dst_size[1]:
                src_size = dst_size
            else:
                raise InvalidModelArgsError(
                    f"Cannot tell the window of a relative position table with {src_positions} rows "
                    "(not square); pass old_window_size.")
        flat = True
    else:
        raise InvalidModelArgsError(f"A relative position bias table is 2-d or 3-d, got shape {tuple(table.shape)}.")
    if src_size == dst_size:
        return table
    if table.is_meta:
        return table.new_empty(tuple(new_bias_shape))
    dtype, device = table.dtype, table.device
    extra = None
    if num_extra:
        table, extra = table[:-num_extra], table[-num_extra:]
    values = table.detach().float().cpu()
    values = values.T.reshape(-1, *src_size) if flat else values
    resized = _interpolate_grid(values, src_size, dst_size)
    if flat:
        resized = resized.reshape(resized.shape[0], -1).T
        if extra is not None:
            resized = torch.cat((resized, extra.float().cpu()), dim=0)
    return resized.contiguous().to(device=device, dtype=dtype)


def log_spaced_relative_coords(
    window_size: Sequence[int], pretrained_window_size: Sequence[int] = (0, 0),
    device: Optional[torch.device] = None, dtype: Optional[torch.dtype] = None,
) -> torch.Tensor:
    """(1, 2*Wh-1, 2*Ww-1, 2) relative (dy, dx) offsets, log-spaced into [-1, 1] (Swin V2's continuous bias input).

    Offsets are divided by the pretrained window's extent (this window's when that is 0), scaled to
    +-8, then mapped through sign(x) * log2(|x| + 1) / 3, so larger windows extrapolate smoothly.
    """
    win_h, win_w = int(window_size[0]), int(window_size[1])
    coords = torch.stack(torch.meshgrid(
        torch.arange(-(win_h - 1), win_h, device=device, dtype=torch.float32),
        torch.arange(-(win_w - 1), win_w, device=device, dtype=torch.float32),
        indexing='ij',
    )).permute(1, 2, 0).contiguous().unsqueeze(0)
    reference = pretrained_window_size if pretrained_window_size[0] > 0 else window_size
    extent = torch.tensor([max(int(reference[0]) - 1, 1), max(int(reference[1]) - 1, 1)],
                          device=device, dtype=torch.float32)
    coords = coords / extent * 8
    coords = torch.sign(coords) * torch.log2(torch.abs(coords) + 1.0) / math.log2(8)
    return coords.to(dtype=dtype)
