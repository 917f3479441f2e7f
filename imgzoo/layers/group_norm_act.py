"""Group norm with a fused activation, in timm's key layout (`weight`, `bias` of nn.GroupNorm)."""
from __future__ import annotations

from typing import Optional

import torch
from torch import nn
from torch.nn import functional as F

from .norm_act import ActLayer, maybe_act


class GroupNormAct(nn.GroupNorm):
    """GroupNorm (num_groups groups, or channels // group_size) followed by an activation."""

    def __init__(self, num_channels: int, num_groups: int = 32, eps: float = 1e-5, affine: bool = True,
                 group_size: Optional[int] = None, apply_act: bool = True, act_layer: ActLayer = 'relu') -> None:
        groups = num_channels // group_size if group_size else num_groups
        super().__init__(groups, num_channels, eps=eps, affine=affine)
        self.drop = nn.Identity()
        act = maybe_act(act_layer) if apply_act else None
        self.act = act if act is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)
        return self.act(self.drop(x))
