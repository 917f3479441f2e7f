"""Classifier heads as modules (`head.global_pool`, `head.fc`, ...), in timm's key layout."""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Optional, Union

import torch
from torch import nn

from ..errors import InvalidModelArgsError
from .activations import create_act
from .norm import LayerNorm2d
from .pooling import GlobalPool2d, check_num_classes, create_classifier


class ClassifierHead(nn.Module):
    """Global pool → dropout → linear (or 1x1 conv with use_conv); keys global_pool, fc."""

    def __init__(
        self, in_features: int, num_classes: int, pool_type: str = 'avg', drop_rate: float = 0.0,
        use_conv: bool = False,
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.use_conv = use_conv
        self.global_pool, self.fc = create_classifier(in_features, check_num_classes(num_classes), pool_type, use_conv)
        self.num_features = in_features * self.global_pool.feat_mult()
        self.drop = nn.Dropout(drop_rate)
        self.flatten = nn.Flatten(1) if use_conv and pool_type else nn.Identity()

    def reset(self, num_classes: int, pool_type: Optional[str] = None, in_features: Optional[int] = None) -> None:
        """A fresh classifier for num_classes, a new pooling when pool_type is given, a new input width
        when in_features is given (after a model's feature taps were pruned)."""
        ref = next(self.parameters(), None)
        pool_type = self.global_pool.pool_type if pool_type is None else pool_type
        if in_features is not None:
            self.in_features = in_features
        self.global_pool, self.fc = create_classifier(
            self.in_features, check_num_classes(num_classes), pool_type, self.use_conv)
        if ref is not None:
            self.fc.to(device=ref.device, dtype=ref.dtype)
        self.flatten = nn.Flatten(1) if self.use_conv and pool_type else nn.Identity()
        self.num_features = self.in_features * self.global_pool.feat_mult()

    def forward(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.drop(self.global_pool(x))
        if pre_logits:
            return self.flatten(x)
        return self.flatten(self.fc(x))


class NormMlpClassifierHead(nn.Module):
    """Global pool → norm → (linear + act when hidden_size) → dropout → linear; keys norm, pre_logits.fc, fc.

    Without pooling (pool_type '') the linear layers are 1x1 convs applied at every position.
    """

    def __init__(
        self, in_features: int, num_classes: int, hidden_size: Optional[int] = None, pool_type: str = 'avg',
        drop_rate: float = 0.0, norm_layer: Callable[[int], nn.Module] = LayerNorm2d,
        act_layer: Union[str, Callable[..., nn.Module]] = 'tanh',
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.hidden_size = hidden_size
        self.num_features = in_features
        self.global_pool = self._pool(pool_type)
        self.use_conv = self.global_pool.is_identity()
        self.norm = norm_layer(in_features)
        self.flatten = nn.Flatten(1) if pool_type else nn.Identity()
        if hidden_size:
            self.pre_logits = nn.Sequential(OrderedDict([
                ('fc', self._linear(in_features, hidden_size)),
                ('act', create_act(act_layer)),
            ]))
            self.num_features = hidden_size
        else:
            self.pre_logits = nn.Identity()
        self.drop = nn.Dropout(drop_rate)
        self.fc = self._classifier(check_num_classes(num_classes))

    @staticmethod
    def _pool(pool_type: str) -> GlobalPool2d:
        pool = GlobalPool2d(pool_type, flatten=False)
        if pool.feat_mult() != 1:
            raise InvalidModelArgsError(
                f"global_pool={pool_type!r} changes the pooled width, which this head's norm cannot take; "
                "use 'avg', 'max', 'avgmax' or ''."
            )
        return pool

    def _linear(self, in_features: int, out_features: int) -> nn.Module:
        if self.use_conv:
            return nn.Conv2d(in_features, out_features, 1)
        return nn.Linear(in_features, out_features)

    def _classifier(self, num_classes: int) -> nn.Module:
        return self._linear(self.num_features, num_classes) if num_classes > 0 else nn.Identity()

    def reset(self, num_classes: int, pool_type: Optional[str] = None, reset_other: bool = False,
              in_features: Optional[int] = None) -> None:
        """A fresh classifier for num_classes; a new pooling (keeping the hidden layer's weights) when given.

        reset_other drops the norm and the hidden layer too (pool then classifier only), which lets
        in_features change (after a model's feature taps were pruned), as timm's head does.
        """
        ref = next(self.parameters(), None)
        if in_features is not None and in_features != self.in_features and not (
                reset_other or isinstance(self.norm, nn.Identity)):
            raise InvalidModelArgsError('The head input width can only change with its norm removed (reset_other=True).')
        if reset_other:
            self.norm = nn.Identity()
            self.pre_logits = nn.Identity()
            self.hidden_size = None
            self.num_features = self.in_features
        if in_features is not None and in_features != self.in_features:
            self.in_features = in_features
            if not self.hidden_size:
                self.num_features = in_features
        if pool_type is not None:
            self.global_pool = self._pool(pool_type)
            self.flatten = nn.Flatten(1) if pool_type else nn.Identity()
            self.use_conv = self.global_pool.is_identity()
            if self.hidden_size:
                old = self.pre_logits.fc
                new = self._linear(self.in_features, self.hidden_size)
                new.to(device=old.weight.device, dtype=old.weight.dtype)
                with torch.no_grad():
                    new.weight.copy_(old.weight.reshape(new.weight.shape))
                    new.bias.copy_(old.bias)
                self.pre_logits.fc = new
        self.fc = self._classifier(check_num_classes(num_classes))
        if ref is not None:
            self.fc.to(device=ref.device, dtype=ref.dtype)

    def forward(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.norm(self.global_pool(x))
        x = self.drop(self.pre_logits(self.flatten(x)))
        return x if pre_logits else self.fc(x)
