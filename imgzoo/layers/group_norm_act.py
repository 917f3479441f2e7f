"""Group normalisation with a fused activation, in timm's key layout (weight, bias)."""
from __future__ import annotations

from typing import Callable, Optional, Union

import torch
from torch import nn

from .activations import create_act

ActLayer = Union[str, Callable[..., nn.Module], None]


class GroupNormAct(nn.GroupNorm):
    """GroupNorm (groups of group_size channels, or num_groups groups) followed by an activation."""

    def __init__(self, num_channels: int, num_groups: int = 32, eps: float = 1e-5, group_size: Optional[int] = None,
                 act_layer: ActLayer = 'relu', apply_act: bool = True) -> None:
        super().__init__(num_channels // group_size if group_size else num_groups, num_channels, eps=eps)
        self.drop = nn.Identity()
        self.act = create_act(act_layer, inplace=True) if apply_act and act_layer is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.drop(super().forward(x)))

