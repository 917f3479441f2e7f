"""Learned per-channel scaling of a residual branch (CaiT / DINOv2 layer scale)."""
from __future__ import annotations

import torch
from torch import nn


class LayerScale(nn.Module):
    """x * gamma over the last (channel) dimension; gamma starts at init_values."""

    def __init__(self, dim: int, init_values: float = 1e-5) -> None:
        super().__init__()
        self.init_values = init_values
        self.gamma = nn.Parameter(torch.empty(dim))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.constant_(self.gamma, self.init_values)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gamma
