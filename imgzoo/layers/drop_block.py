"""DropBlock (Ghiasi et al. 2018): drop contiguous square regions of a feature map during training, as timm's
DropBlock2d does (same random draws, so a seeded run matches timm's)."""
from __future__ import annotations

import torch
import torch.fx
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError


@torch.fx.wrap
def drop_block_2d(
    x: torch.Tensor, drop_prob: float = 0.1, block_size: int = 7, gamma_scale: float = 1.0,
    with_noise: bool = False, inplace: bool = False, couple_channels: bool = True, scale_by_keep: bool = True,
) -> torch.Tensor:
    """x with blocks of block_size x block_size zeroed (or filled with gaussian noise, with_noise).

    Block centres are drawn with the rate that drops about drop_prob * gamma_scale of the map; with
    couple_channels every channel shares one mask; scale_by_keep rescales the kept values so the mean is kept.
    A torch.fx leaf: it reads concrete sizes.
    """
    batch, channels, height, width = x.shape
    kh, kw = min(block_size, height), min(block_size, width)
    gamma = float(gamma_scale * drop_prob * height * width) / float(kh * kw) / float(
        (height - kh + 1) * (width - kw + 1))
    with torch.no_grad():
        centres = torch.empty((batch, 1 if couple_channels else channels, height, width), dtype=x.dtype,
                              device=x.device).bernoulli_(gamma)
        block_mask = F.max_pool2d(centres, kernel_size=(kh, kw), stride=1, padding=(kh // 2, kw // 2))
        if kh % 2 == 0 or kw % 2 == 0:  # an even window pools to one row / column more
            block_mask = block_mask[..., (kh + 1) % 2:, (kw + 1) % 2:]
        keep_mask = 1.0 - block_mask
    if with_noise:
        with torch.no_grad():
            noise = torch.empty_like(keep_mask).normal_().mul_(block_mask)
        return x.mul_(keep_mask).add_(noise) if inplace else x * keep_mask + noise
    if scale_by_keep:
        with torch.no_grad():
            scale = keep_mask.numel() / keep_mask.to(dtype=torch.float32).sum().add(1e-7)
            keep_mask.mul_(scale.to(x.dtype))
    return x.mul_(keep_mask) if inplace else x * keep_mask


class DropBlock2d(nn.Module):
    """Module form of `drop_block_2d` (timm's DropBlock2d); identity in eval mode or with drop_prob 0."""

    def __init__(
        self, drop_prob: float = 0.1, block_size: int = 7, gamma_scale: float = 1.0, with_noise: bool = False,
        inplace: bool = False, couple_channels: bool = True, scale_by_keep: bool = True,
    ) -> None:
        super().__init__()
        if not 0.0 <= drop_prob <= 1.0:
            raise InvalidModelArgsError(f"DropBlock drop_prob must be in [0, 1], got {drop_prob!r}.")
        if not isinstance(block_size, int) or block_size < 1:
            raise InvalidModelArgsError(f"DropBlock block_size must be a positive whole number, got {block_size!r}.")
        self.drop_prob = drop_prob
        self.gamma_scale = gamma_scale
        self.block_size = block_size
        self.with_noise = with_noise
        self.inplace = inplace
        self.couple_channels = couple_channels
        self.scale_by_keep = scale_by_keep

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or not self.drop_prob:
            return x
        return drop_block_2d(x, self.drop_prob, self.block_size, self.gamma_scale, self.with_noise, self.inplace,
                             self.couple_channels, self.scale_by_keep)

    def extra_repr(self) -> str:
        return f'drop_prob={self.drop_prob}, block_size={self.block_size}, gamma_scale={self.gamma_scale}'
