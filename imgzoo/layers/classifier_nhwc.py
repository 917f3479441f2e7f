"""Classifier head for channels-last (B, H, W, C) features, as Swin's stages produce (keys `fc`)."""
from __future__ import annotations

from typing import Optional

import torch
from torch import nn

from ..errors import InvalidModelArgsError
from .pooling import POOL_TYPES, check_num_classes


class NhwcGlobalPool(nn.Module):
    """Pool (B, H, W, C) over H and W: 'avg', 'max', 'avgmax' (their mean), 'catavgmax' or '' (none)."""

    def __init__(self, pool_type: str = 'avg') -> None:
        super().__init__()
        pool_type = pool_type or ''
        if pool_type not in POOL_TYPES:
            raise InvalidModelArgsError(f"global_pool must be one of {POOL_TYPES}, got {pool_type!r}.")
        self.pool_type = pool_type

    def feat_mult(self) -> int:
        """How many times num_features the pooled vector is long."""
        return 2 if self.pool_type == 'catavgmax' else 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.pool_type == 'avg':
            return x.mean((1, 2))
        if self.pool_type == 'max':
            return x.amax((1, 2))
        if self.pool_type == 'avgmax':
            return 0.5 * (x.mean((1, 2)) + x.amax((1, 2)))
        if self.pool_type == 'catavgmax':
            return torch.cat((x.mean((1, 2)), x.amax((1, 2))), dim=-1)
        return x

    def extra_repr(self) -> str:
        return f'pool_type={self.pool_type!r}'


class NhwcClassifierHead(nn.Module):
    """Global pool → dropout → linear over channels-last features; without pooling, logits per position."""

    def __init__(self, in_features: int, num_classes: int, pool_type: str = 'avg', drop_rate: float = 0.0) -> None:
        super().__init__()
        self.in_features = in_features
        self.global_pool = NhwcGlobalPool(pool_type)
        self.num_features = in_features * self.global_pool.feat_mult()
        self.drop = nn.Dropout(drop_rate)
        self.fc = self._fc(check_num_classes(num_classes))

    def _fc(self, num_classes: int) -> nn.Module:
        return nn.Linear(self.num_features, num_classes) if num_classes > 0 else nn.Identity()

    def reset(self, num_classes: int, pool_type: Optional[str] = None, in_features: Optional[int] = None) -> None:
        """A fresh classifier for num_classes; a new pooling when pool_type is given, a new width with in_features."""
        ref = next(self.parameters(), None)
        if in_features is not None:
            self.in_features = in_features
        if pool_type is not None:
            self.global_pool = NhwcGlobalPool(pool_type)
        self.num_features = self.in_features * self.global_pool.feat_mult()
        self.fc = self._fc(check_num_classes(num_classes))
        if ref is not None:
            self.fc.to(device=ref.device, dtype=ref.dtype)

    def forward(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.drop(self.global_pool(x))
        return x if pre_logits else self.fc(x)
