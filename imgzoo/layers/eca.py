"""Efficient channel attention (Wang et al. 2020, ECA-Net): a 1D conv across pooled channels gates each channel."""
from __future__ import annotations

import math
from typing import Callable, Optional, Union

import torch
from torch import nn

from .activations import create_act


class EcaModule(nn.Module):
    """Pool, 1D conv over channels (kernel size adapted to the channel count), sigmoid gate; key `conv`."""

    def __init__(self, channels: Optional[int] = None, kernel_size: int = 3, gamma: float = 2, beta: float = 1,
                 gate_layer: Union[str, Callable[..., nn.Module]] = 'sigmoid') -> None:
        super().__init__()
        if channels is not None:
            t = int(abs(math.log(channels, 2) + beta) / gamma)
            kernel_size = max(t if t % 2 else t + 1, 3)
        self.conv = nn.Conv1d(1, 1, kernel_size=kernel_size, padding=(kernel_size - 1) // 2, bias=False)
        self.gate = create_act(gate_layer)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv(x.mean((2, 3)).view(x.shape[0], 1, -1))
        return x * self.gate(y).view(x.shape[0], -1, 1, 1).expand_as(x)
