"""Two-layer MLPs: `fc1` → activation → (norm) → `fc2`, as in transformer and ConvNeXt blocks."""
from __future__ import annotations

from typing import Callable, Optional, Union

import torch
from torch import nn

from .activations import create_act
from .grn import GlobalResponseNorm


class Mlp(nn.Module):
    """Linear (or 1x1 conv with use_conv) → act → drop → norm → linear → drop; keys fc1, norm, fc2."""

    def __init__(
        self, in_features: int, hidden_features: Optional[int] = None, out_features: Optional[int] = None,
        act_layer: Union[str, Callable[..., nn.Module]] = 'gelu', norm_layer: Optional[Callable[[int], nn.Module]] = None,
        bias: bool = True, drop: float = 0.0, use_conv: bool = False,
    ) -> None:
        super().__init__()
        out_features = out_features or in_features
        hidden_features = hidden_features or in_features
        linear = (lambda i, o, b: nn.Conv2d(i, o, 1, bias=b)) if use_conv else nn.Linear
        self.fc1 = linear(in_features, hidden_features, bias)
        self.act = create_act(act_layer)
        self.drop1 = nn.Dropout(drop)
        self.norm = norm_layer(hidden_features) if norm_layer is not None else nn.Identity()
        self.fc2 = linear(hidden_features, out_features, bias)
        self.drop2 = nn.Dropout(drop)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.drop1(self.act(self.fc1(x)))
        return self.drop2(self.fc2(self.norm(x)))


class GlobalResponseNormMlp(nn.Module):
    """Mlp with global response normalisation after the activation (ConvNeXt-V2); keys fc1, grn, fc2."""

    def __init__(
        self, in_features: int, hidden_features: Optional[int] = None, out_features: Optional[int] = None,
        act_layer: Union[str, Callable[..., nn.Module]] = 'gelu', bias: bool = True, drop: float = 0.0,
        use_conv: bool = False,
    ) -> None:
        super().__init__()
        out_features = out_features or in_features
        hidden_features = hidden_features or in_features
        linear = (lambda i, o, b: nn.Conv2d(i, o, 1, bias=b)) if use_conv else nn.Linear
        self.fc1 = linear(in_features, hidden_features, bias)
        self.act = create_act(act_layer)
        self.drop1 = nn.Dropout(drop)
        self.grn = GlobalResponseNorm(hidden_features, channels_last=not use_conv)
        self.fc2 = linear(hidden_features, out_features, bias)
        self.drop2 = nn.Dropout(drop)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.drop1(self.act(self.fc1(x)))
        return self.drop2(self.fc2(self.grn(x)))
