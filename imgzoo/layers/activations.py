"""Activation layers by name."""
from __future__ import annotations

from typing import Callable, Type, Union

import torch
from torch import nn
from torch.nn import functional as F
from ..errors import InvalidModelArgsError


class QuickGELU(nn.Module):
    """x * sigmoid(1.702 x), the GELU approximation of OpenAI's CLIP."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


class GELUTanh(nn.GELU):
    """GELU with the tanh approximation."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(approximate='tanh')


class HardSigmoid(nn.Module):
    """relu6(x + 3) / 6, as in MobileNetV3 and timm."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu6(x + 3.0) / 6.0


class HardMish(nn.Module):
    """0.5 x clamp(x + 2, 0, 2), timm's hard Mish."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.inplace:
            return x.mul_(0.5 * (x + 2).clamp(min=0, max=2))
        return 0.5 * x * (x + 2).clamp(min=0, max=2)


class PReLU(nn.PReLU):
    """nn.PReLU taking (and ignoring) timm's `inplace` argument."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, inplace: bool = False) -> None:
        super().__init__(num_parameters=num_parameters, init=init)


def _inplace(cls: Type[nn.Module]) -> Callable[..., nn.Module]:
    def make(inplace: bool = False) -> nn.Module:
        return cls(inplace=inplace)
    return make


def _no_inplace(cls: Type[nn.Module]) -> Callable[..., nn.Module]:
    def make(inplace: bool = False) -> nn.Module:
        return cls()
    return make


_ACTIVATIONS = {
    'relu': _inplace(nn.ReLU),
    'relu6': _inplace(nn.ReLU6),
    'leaky_relu': _inplace(nn.LeakyReLU),
    'elu': _inplace(nn.ELU),
    'celu': _inplace(nn.CELU),
    'selu': _inplace(nn.SELU),
    'prelu': PReLU,
    'mish': _inplace(nn.Mish),
    'hard_mish': HardMish,
    'silu': _inplace(nn.SiLU),
    'swish': _inplace(nn.SiLU),
    'hard_swish': _inplace(nn.Hardswish),
    'hardswish': _inplace(nn.Hardswish),
    'hard_sigmoid': HardSigmoid,
    'hardsigmoid': HardSigmoid,
    'sigmoid': _no_inplace(nn.Sigmoid),
    'tanh': _no_inplace(nn.Tanh),
    'gelu': _no_inplace(nn.GELU),
    'gelu_tanh': GELUTanh,
    'quick_gelu': QuickGELU,
    'identity': _no_inplace(nn.Identity),
}


def get_act_layer(name_or_layer: Union[str, Callable[..., nn.Module], None]) -> Callable[..., nn.Module]:
    """A callable `make(inplace=False) -> nn.Module` for an activation name or layer class."""
    if name_or_layer is None:
        return _ACTIVATIONS['identity']
    if not isinstance(name_or_layer, str):
        return name_or_layer
    try:
        return _ACTIVATIONS[name_or_layer]
    except KeyError:
        raise InvalidModelArgsError(f"Unknown activation {name_or_layer!r}; known: {sorted(_ACTIVATIONS)}.") from None


def create_act(name_or_layer: Union[str, Callable[..., nn.Module], None], inplace: bool = False) -> nn.Module:
    """Instantiate an activation by name or class."""
    make = get_act_layer(name_or_layer)
    try:
        return make(inplace=inplace)
    except TypeError:
        return make()
