"""Squeeze-and-excitation channel attention."""
from __future__ import annotations

from typing import Callable, Optional, Union

import torch
from torch import nn

from .activations import create_act
from .helpers import make_divisible


class SEModule(nn.Module):
    """Squeeze-excite with 1x1 convs `fc1`/`fc2` (timm's key layout, as in SE-ResNet and RegNetY)."""

    def __init__(
        self,
        channels: int,
        rd_ratio: float = 1.0 / 16,
        rd_channels: Optional[int] = None,
        rd_divisor: int = 8,
        act_layer: Union[str, Callable[..., nn.Module]] = 'relu',
        gate_layer: Union[str, Callable[..., nn.Module]] = 'sigmoid',
    ) -> None:
        super().__init__()
        if not rd_channels:
            rd_channels = make_divisible(channels * rd_ratio, rd_divisor, round_limit=0.0)
        self.fc1 = nn.Conv2d(channels, rd_channels, kernel_size=1, bias=True)
        self.bn = nn.Identity()
        self.act = create_act(act_layer, inplace=True)
        self.fc2 = nn.Conv2d(rd_channels, channels, kernel_size=1, bias=True)
        self.gate = create_act(gate_layer)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_se = x.mean((2, 3), keepdim=True)
        x_se = self.fc2(self.act(self.bn(self.fc1(x_se))))
        return x * self.gate(x_se)
