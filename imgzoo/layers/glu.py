"""Gated MLPs: SwiGLU with separate gate/value projections, and the packed GLU with one `fc1`."""
from __future__ import annotations

from typing import Callable, Optional, Union

import torch
from torch import nn

from ..errors import InvalidModelArgsError
from .activations import create_act

ActLayer = Union[str, Callable[..., nn.Module]]


class GluMlp(nn.Module):
    """fc1 to 2h features split in halves a, b; then a * act(b) (or act(a) * b) → norm → fc2 (timm keys)."""

    def __init__(
        self, in_features: int, hidden_features: Optional[int] = None, out_features: Optional[int] = None,
        act_layer: ActLayer = 'sigmoid', norm_layer: Optional[Callable[[int], nn.Module]] = None,
        bias: bool = True, drop: float = 0.0, gate_last: bool = True,
    ) -> None:
        super().__init__()
        out_features = out_features or in_features
        hidden_features = hidden_features or in_features
        if hidden_features % 2:
            raise InvalidModelArgsError(f"A GLU MLP splits its hidden features in two; got an odd {hidden_features}.")
        self.gate_last = gate_last
        self.fc1 = nn.Linear(in_features, hidden_features, bias=bias)
        self.act = create_act(act_layer)
        self.drop1 = nn.Dropout(drop)
        self.norm = norm_layer(hidden_features // 2) if norm_layer is not None else nn.Identity()
        self.fc2 = nn.Linear(hidden_features // 2, out_features, bias=bias)
        self.drop2 = nn.Dropout(drop)

    def init_weights(self) -> None:
        """timm's GLU init: the gate half of fc1 near zero weight, bias one."""
        half = self.fc1.weight.shape[0] // 2
        with torch.no_grad():
            if self.fc1.bias is not None:
                nn.init.ones_(self.fc1.bias[half:])
            nn.init.normal_(self.fc1.weight[half:], std=1e-6)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x1, x2 = self.fc1(x).chunk(2, dim=-1)
        x = x1 * self.act(x2) if self.gate_last else self.act(x1) * x2
        return self.drop2(self.fc2(self.norm(self.drop1(x))))


class SwiGLUPacked(GluMlp):
    """GluMlp with SiLU on the first half (DINOv2 giant's packed SwiGLU)."""

    def __init__(
        self, in_features: int, hidden_features: Optional[int] = None, out_features: Optional[int] = None,
        act_layer: ActLayer = 'silu', norm_layer: Optional[Callable[[int], nn.Module]] = None,
        bias: bool = True, drop: float = 0.0,
    ) -> None:
        super().__init__(in_features, hidden_features, out_features, act_layer=act_layer, norm_layer=norm_layer,
                         bias=bias, drop=drop, gate_last=False)


class SwiGLU(nn.Module):
    """act(fc1_g(x)) * fc1_x(x) → norm → fc2 (timm keys fc1_g, fc1_x, norm, fc2)."""

    def __init__(
        self, in_features: int, hidden_features: Optional[int] = None, out_features: Optional[int] = None,
        act_layer: ActLayer = 'silu', norm_layer: Optional[Callable[[int], nn.Module]] = None,
        bias: bool = True, drop: float = 0.0,
    ) -> None:
        super().__init__()
        out_features = out_features or in_features
        hidden_features = hidden_features or in_features
        self.fc1_g = nn.Linear(in_features, hidden_features, bias=bias)
        self.fc1_x = nn.Linear(in_features, hidden_features, bias=bias)
        self.act = create_act(act_layer)
        self.drop1 = nn.Dropout(drop)
        self.norm = norm_layer(hidden_features) if norm_layer is not None else nn.Identity()
        self.fc2 = nn.Linear(hidden_features, out_features, bias=bias)
        self.drop2 = nn.Dropout(drop)

    def init_weights(self) -> None:
        """timm's SwiGLU init: gate projection near zero weight, bias one."""
        if self.fc1_g.bias is not None:
            nn.init.ones_(self.fc1_g.bias)
        nn.init.normal_(self.fc1_g.weight, std=1e-6)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.act(self.fc1_g(x)) * self.fc1_x(x)
        return self.drop2(self.fc2(self.norm(self.drop1(x))))
