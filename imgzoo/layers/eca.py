"""Efficient channel attention (Wang et al. 2019), in timm's key layout (`conv`, a Conv1d over channels)."""
from __future__ import annotations

import math
from typing import Callable, Optional, Union

import torch
from torch import nn

from .activations import create_act


class EcaModule(nn.Module):
    """Gate each channel by a 1D conv over the pooled channel descriptor; the kernel size grows with log2(channels)."""

    def __init__(self, channels: Optional[int] = None, kernel_size: int = 3, gamma: float = 2, beta: float = 1,
                 gate_layer: Union[str, Callable[..., nn.Module]] = 'sigmoid') -> None:
        super().__init__()
        if channels is not None:
            t = int(abs(math.log(channels, 2) + beta) / gamma)
            kernel_size = max(t if t % 2 else t + 1, 3)
        padding = (kernel_size - 1) // 2
        self.conv = nn.Conv1d(1, 1, kernel_size=kernel_size, padding=padding, bias=False)
        self.gate = create_act(gate_layer)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x.mean((2, 3)).view(x.shape[0], 1, -1)
        y = self.gate(self.conv(y)).view(x.shape[0], -1, 1, 1)
        return x * y.expand_as(x)
