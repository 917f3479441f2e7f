"""RMS normalisation (x / rms(x)) and SimpleNorm (x / std(x), no centring), channels-last and NCHW.

Same parameters (`weight` only), epsilons and arithmetic as timm's RmsNorm / SimpleNorm layers.
"""
from __future__ import annotations

from typing import Tuple

import torch
from torch import nn
from torch.nn import functional as F


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float, dim: int = -1) -> torch.Tensor:
    """x scaled by 1 / sqrt(mean(x^2) + eps) over dim, then by weight (broadcast along dim)."""
    x = x * torch.rsqrt(x.pow(2).mean(dim=dim, keepdim=True) + eps)
    return x * (weight if dim == -1 else weight.reshape(1, -1, 1, 1))


def simple_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    """x scaled by 1 / sqrt(var(x) + eps) over the last dim (unbiased variance, no centring), then by weight."""
    return x * torch.rsqrt(torch.var(x, dim=-1, keepdim=True) + eps) * weight


class _WeightOnlyNorm(nn.Module):
    def __init__(self, channels: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.normalized_shape: Tuple[int, ...] = (channels,)
        self.eps = eps
        self.weight = nn.Parameter(torch.empty(channels))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.ones_(self.weight)

    def extra_repr(self) -> str:
        return f'{self.normalized_shape[0]}, eps={self.eps}'


class RmsNorm(nn.Module):
    """RMS norm over the last dim (tokens, or channels-last maps); affine=False drops the weight."""

    def __init__(self, channels: int, eps: float = 1e-6, affine: bool = True) -> None:
        super().__init__()
        self.normalized_shape: Tuple[int, ...] = (int(channels),)
        self.eps = eps
        self.elementwise_affine = affine
        if affine:
            self.weight = nn.Parameter(torch.empty(self.normalized_shape))
        else:
            self.register_parameter('weight', None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.weight is not None:
            nn.init.ones_(self.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return f'{self.normalized_shape[0]}, eps={self.eps}, affine={self.elementwise_affine}'


class RmsNorm2d(_WeightOnlyNorm):
    """RMS norm over the channels of NCHW tensors."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return rms_norm(x, self.weight, self.eps, dim=1)


class SimpleNorm(_WeightOnlyNorm):
    """x / std(x) over the last (channel) dim of channels-last tensors, times weight."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return simple_norm(x, self.weight, self.eps)


class SimpleNorm2d(_WeightOnlyNorm):
    """x / std(x) over the channels of NCHW tensors, times weight."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return simple_norm(x.permute(0, 2, 3, 1), self.weight, self.eps).permute(0, 3, 1, 2)
