"""Global response normalisation (ConvNeXt-V2), for NCHW or channels-last tensors."""
from __future__ import annotations

import torch
from torch import nn


class GlobalResponseNorm(nn.Module):
    """Scale each channel by its spatial L2 norm relative to the mean over channels; keys weight, bias."""

    def __init__(self, dim: int, eps: float = 1e-6, channels_last: bool = True) -> None:
        super().__init__()
        self.eps = eps
        self.channels_last = channels_last
        self.spatial_dim = (1, 2) if channels_last else (2, 3)
        self.channel_dim = -1 if channels_last else 1
        self.wb_shape = (1, 1, 1, -1) if channels_last else (1, -1, 1, 1)
        self.weight = nn.Parameter(torch.zeros(dim))
        self.bias = nn.Parameter(torch.zeros(dim))

    def reset_parameters(self) -> None:
        nn.init.zeros_(self.weight)
        nn.init.zeros_(self.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_g = x.norm(p=2, dim=self.spatial_dim, keepdim=True)
        x_n = x_g / (x_g.mean(dim=self.channel_dim, keepdim=True) + self.eps)
        return x + torch.addcmul(self.bias.view(self.wb_shape), self.weight.view(self.wb_shape), x * x_n)

    def extra_repr(self) -> str:
        return f'{self.weight.shape[0]}, eps={self.eps}, channels_last={self.channels_last}'
