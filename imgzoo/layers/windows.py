"""Window partitioning of channels-last feature maps and the shifted-window attention mask (Swin).

torch.fx cannot trace `window_reverse` (sizes arrive as traced values) or `dynamic_shifted_window_mask`
(Python loops over sizes): modules that call them register them with `torch.fx.wrap('<name>')`, which
acts on the calling module's globals.
"""
from __future__ import annotations

from typing import Optional, Sequence, Tuple, Union

import torch

from ..errors import InvalidModelArgsError
from .helpers import to_2tuple

SizeT = Union[int, Tuple[int, int]]


def window_partition(x: torch.Tensor, window_size: Tuple[int, int]) -> torch.Tensor:
    """(B, H, W, C) -> (B * num_windows, win_h, win_w, C); H and W must be multiples of the window."""
    batch, height, width, channels = x.shape
    x = x.view(batch, height // window_size[0], window_size[0], width // window_size[1], window_size[1], channels)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, window_size[0], window_size[1], channels)


def window_reverse(windows: torch.Tensor, window_size: Tuple[int, int], height: int, width: int) -> torch.Tensor:
    """Inverse of window_partition: (B * num_windows, win_h, win_w, C) -> (B, height, width, C)."""
    channels = windows.shape[-1]
    x = windows.view(-1, height // window_size[0], width // window_size[1], window_size[0], window_size[1], channels)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, height, width, channels)



def shifted_window_mask(
    size: Sequence[int], window_size: Tuple[int, int], shift_size: Tuple[int, int],
    device: Optional[torch.device] = None, dtype: Optional[torch.dtype] = None,
) -> torch.Tensor:
    """(num_windows, win_area, win_area) mask of 0 and -100 that keeps tokens rolled in from the other
    side of a shifted map (SW-MSA) from attending to each other. size is the padded (H, W) map."""
    img_mask = torch.zeros((1, int(size[0]), int(size[1]), 1), dtype=dtype, device=device)
    count = 0
    for h in ((0, -window_size[0]), (-window_size[0], -shift_size[0]), (-shift_size[0], None)):
        for w in ((0, -window_size[1]), (-window_size[1], -shift_size[1]), (-shift_size[1], None)):
            img_mask[:, h[0]:h[1], w[0]:w[1], :] = count
            count += 1
    mask_windows = window_partition(img_mask, window_size).view(-1, window_size[0] * window_size[1])
    mask = mask_windows.unsqueeze(1) - mask_windows.unsqueeze(2)
    return mask.masked_fill(mask != 0, -100.0).masked_fill(mask == 0, 0.0)


def dynamic_shifted_window_mask(x: torch.Tensor, window_size: Tuple[int, int], shift_size: Tuple[int, int]) -> torch.Tensor:
    """shifted_window_mask for the (padded, channels-last) map x, on its device and dtype."""
    return shifted_window_mask((x.shape[1], x.shape[2]), window_size, shift_size, device=x.device, dtype=x.dtype)


def stage_window_sizes(window_size: Union[SizeT, Sequence[SizeT]], num_stages: int) -> Tuple[Tuple[int, int], ...]:
    """One (h, w) window per stage from an int, an (h, w) pair, or one int / pair per stage."""
    if not isinstance(window_size, (list, tuple)):
        window_size = (window_size,) * num_stages
    elif len(window_size) == 2 and not isinstance(window_size[0], (list, tuple)):
        window_size = (window_size,) * num_stages
    if len(window_size) != num_stages:
        raise InvalidModelArgsError(
            f"window_size needs one size for all stages or one per stage ({num_stages}), got {window_size!r}.")
    sizes = tuple(tuple(int(w) for w in to_2tuple(ws)) for ws in window_size)
    if any(len(ws) != 2 or min(ws) <= 0 for ws in sizes):
        raise InvalidModelArgsError(f"window sizes must be positive, got {window_size!r}.")
    return sizes  # type: ignore[return-value]
