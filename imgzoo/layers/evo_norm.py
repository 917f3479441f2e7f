"""Normalisation-activation layers without batch statistics: EvoNorm-S0 and FRN with TLU, in timm's layout."""
from __future__ import annotations

from typing import Optional

import torch
from torch import nn


def group_std(x: torch.Tensor, groups: int = 32, eps: float = 1e-5) -> torch.Tensor:
    """Per-sample standard deviation over each group of channels (and H, W), broadcast back to x's shape."""
    batch, channels, height, width = x.shape
    grouped = x.reshape(batch, groups, channels // groups, height, width)
    std = grouped.float().var(dim=(2, 3, 4), unbiased=False, keepdim=True).add(eps).sqrt().to(x.dtype)
    return std.expand(grouped.shape).reshape(batch, channels, height, width)


class EvoNorm2dS0(nn.Module):
    """EvoNorm-S0 (Liu et al. 2020): x * sigmoid(v x) / group_std(x), then an affine transform."""

    def __init__(self, num_features: int, groups: int = 32, group_size: Optional[int] = None, apply_act: bool = True,
                 eps: float = 1e-5) -> None:
        super().__init__()
        self.apply_act = apply_act
        self.groups = num_features // group_size if group_size else groups
        self.eps = eps
        self.weight = nn.Parameter(torch.empty(num_features))
        self.bias = nn.Parameter(torch.empty(num_features))
        self.v = nn.Parameter(torch.empty(num_features)) if apply_act else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.ones_(self.weight)
        nn.init.zeros_(self.bias)
        if self.v is not None:
            nn.init.ones_(self.v)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = (1, -1, 1, 1)
        if self.v is not None:
            v = self.v.view(shape).to(x.dtype)
            x = x * (x * v).sigmoid() / group_std(x, self.groups, self.eps)
        return x * self.weight.view(shape).to(x.dtype) + self.bias.view(shape).to(x.dtype)


class FilterResponseNormTlu2d(nn.Module):
    """Filter response normalisation (Singh & Krishnan 2019) with a thresholded linear unit: max(y, tau)."""

    def __init__(self, num_features: int, apply_act: bool = True, eps: float = 1e-5, rms: bool = True) -> None:
        super().__init__()
        self.apply_act = apply_act
        self.rms = rms
        self.eps = eps
        self.weight = nn.Parameter(torch.empty(num_features))
        self.bias = nn.Parameter(torch.empty(num_features))
        self.tau = nn.Parameter(torch.empty(num_features)) if apply_act else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.ones_(self.weight)
        nn.init.zeros_(self.bias)
        if self.tau is not None:
            nn.init.zeros_(self.tau)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = (1, -1, 1, 1)
        inv_rms = x.square().float().mean(dim=(2, 3), keepdim=True).add(self.eps).rsqrt().to(x.dtype)
        x = x * inv_rms.expand(x.shape)
        x = x * self.weight.view(shape).to(dtype=x.dtype) + self.bias.view(shape).to(dtype=x.dtype)
        return torch.maximum(x, self.tau.reshape(shape).to(dtype=x.dtype)) if self.tau is not None else x
