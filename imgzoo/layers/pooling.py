"""Global pooling and classifier heads shared by the convolutional families."""
from __future__ import annotations

from typing import Optional, Tuple

import torch
from torch import nn
from ..errors import InvalidModelArgsError

POOL_TYPES = ('avg', 'max', 'avgmax', 'catavgmax', '')


class GlobalPool2d(nn.Module):
    """Pool NCHW features over H and W: 'avg', 'max', 'avgmax' (their mean), 'catavgmax' or '' (none)."""

    def __init__(self, pool_type: str = 'avg', flatten: bool = True) -> None:
        super().__init__()
        pool_type = pool_type or ''
        if pool_type not in POOL_TYPES:
            raise InvalidModelArgsError(f"global_pool must be one of {POOL_TYPES}, got {pool_type!r}.")
        self.pool_type = pool_type
        self.flatten = flatten and bool(pool_type)

    def feat_mult(self) -> int:
        """How many times num_features the pooled vector is long."""
        return 2 if self.pool_type == 'catavgmax' else 1

    def is_identity(self) -> bool:
        return not self.pool_type

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.pool_type == 'avg':
            x = x.mean((2, 3), keepdim=True)
        elif self.pool_type == 'max':
            x = x.amax((2, 3), keepdim=True)
        elif self.pool_type == 'avgmax':
            x = 0.5 * (x.mean((2, 3), keepdim=True) + x.amax((2, 3), keepdim=True))
        elif self.pool_type == 'catavgmax':
            x = torch.cat((x.mean((2, 3), keepdim=True), x.amax((2, 3), keepdim=True)), dim=1)
        return x.flatten(1) if self.flatten else x

    def extra_repr(self) -> str:
        return f'pool_type={self.pool_type!r}, flatten={self.flatten}'


def create_classifier(
    num_features: int, num_classes: int, pool_type: str = 'avg', use_conv: bool = False
) -> Tuple[GlobalPool2d, nn.Module]:
    """A global pool and a linear (or 1x1 conv) classifier; Identity when num_classes is 0."""
    pool = GlobalPool2d(pool_type, flatten=not use_conv)
    pooled = num_features * pool.feat_mult()
    fc: nn.Module
    if num_classes <= 0:
        fc = nn.Identity()
    elif use_conv:
        fc = nn.Conv2d(pooled, num_classes, 1, bias=True)
    else:
        fc = nn.Linear(pooled, num_classes, bias=True)
    return pool, fc


def check_num_classes(num_classes: Optional[int]) -> int:
    """Validate a num_classes argument (0 means no classifier)."""
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 0:
        raise InvalidModelArgsError(f"num_classes must be a non-negative integer (0 for no classifier), got {num_classes!r}.")
    return num_classes
