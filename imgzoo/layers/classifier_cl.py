"""Pool → norm → (MLP) → linear head for channels-last features (NLC tokens or NHWC maps); timm's
`ClNormMlpClassifierHead` key layout (`norm`, `pre_logits.fc`, `fc`)."""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Optional, Union

import torch
from torch import nn

from ..errors import InvalidModelArgsError
from .activations import create_act
from .pooling import check_num_classes

CL_POOL_TYPES = ('', 'avg', 'max', 'avgmax')


def _check_pool(pool_type: Optional[str]) -> str:
    pool_type = pool_type or ''
    if pool_type not in CL_POOL_TYPES:
        raise InvalidModelArgsError(f"global_pool must be one of {CL_POOL_TYPES} for this head, got {pool_type!r}.")
    return pool_type


class ClNormMlpClassifierHead(nn.Module):
    """Global pool over the token (NLC) or spatial (NHWC) dims → norm → optional linear+act → dropout → linear."""

    def __init__(
        self, in_features: int, num_classes: int, hidden_size: Optional[int] = None, pool_type: str = 'avg',
        drop_rate: float = 0.0, norm_layer: Callable[[int], nn.Module] = nn.LayerNorm,
        act_layer: Union[str, Callable[..., nn.Module]] = 'gelu', input_fmt: str = 'NHWC',
    ) -> None:
        super().__init__()
        if input_fmt not in ('NHWC', 'NLC'):
            raise InvalidModelArgsError(f"input_fmt must be 'NHWC' or 'NLC', got {input_fmt!r}.")
        self.in_features = in_features
        self.hidden_size = hidden_size
        self.num_features = in_features
        self.pool_type = _check_pool(pool_type)
        self.pool_dim = (1,) if input_fmt == 'NLC' else (1, 2)
        self.norm: nn.Module = norm_layer(in_features)
        if hidden_size:
            self.pre_logits: nn.Module = nn.Sequential(OrderedDict([
                ('fc', nn.Linear(in_features, hidden_size)),
                ('act', create_act(act_layer)),
            ]))
            self.num_features = hidden_size
        else:
            self.pre_logits = nn.Identity()
        self.drop = nn.Dropout(drop_rate)
        self.fc = self._classifier(check_num_classes(num_classes))

    def _classifier(self, num_classes: int) -> nn.Module:
        return nn.Linear(self.num_features, num_classes) if num_classes > 0 else nn.Identity()

    def reset(
        self, num_classes: int, pool_type: Optional[str] = None, reset_other: bool = False,
        in_features: Optional[int] = None,
    ) -> None:
        """A fresh classifier; reset_other also drops the norm and hidden layer (as timm, for feature use)."""
        ref = next(self.parameters(), None)
        if pool_type is not None:
            self.pool_type = _check_pool(pool_type)
        if reset_other:
            self.pre_logits = nn.Identity()
            self.norm = nn.Identity()
            self.hidden_size = None
            self.num_features = self.in_features
        if in_features is not None and in_features != self.in_features:
            if not isinstance(self.norm, nn.Identity):
                raise InvalidModelArgsError('The head width can only change once its norm is removed (reset_other=True).')
            self.in_features = in_features
            if not self.hidden_size:
                self.num_features = in_features
        self.fc = self._classifier(check_num_classes(num_classes))
        if ref is not None:
            self.fc.to(device=ref.device, dtype=ref.dtype)
        self.fc.train(self.training)

    def _global_pool(self, x: torch.Tensor) -> torch.Tensor:
        if self.pool_type == 'avg':
            return x.mean(dim=self.pool_dim)
        if self.pool_type == 'max':
            return x.amax(dim=self.pool_dim)
        if self.pool_type == 'avgmax':
            return 0.5 * (x.amax(dim=self.pool_dim) + x.mean(dim=self.pool_dim))
        return x

    def forward(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.drop(self.pre_logits(self.norm(self._global_pool(x))))
        return x if pre_logits else self.fc(x)
