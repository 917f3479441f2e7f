"""timm's ViT-style weight-initialisation schemes ('' timm's own, 'jax', 'jax_nlhb', 'moco', 'reset', 'skip'),
shared by the transformer families. Same draws in the same order as timm, so a seeded build matches timm's."""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch import nn

from ..errors import InvalidModelArgsError

WEIGHT_INIT_MODES = ('', 'jax', 'jax_nlhb', 'moco', 'reset', 'skip')


def check_weight_init(mode: str) -> str:
    """mode if it is a known scheme, else InvalidModelArgsError naming them."""
    if mode not in WEIGHT_INIT_MODES:
        raise InvalidModelArgsError(
            f"weight_init must be one of {WEIGHT_INIT_MODES} ('' timm's default, 'jax' / 'jax_nlhb' as big_vision, "
            f"'moco' as MoCo v3, 'reset' tokens only, 'skip' none: for weights loaded next), got {mode!r}.")
    return mode


def trunc_normal_(tensor: torch.Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0) -> torch.Tensor:
    """Normal(mean, std) truncated to [a, b], drawn by inverse CDF from one uniform draw per value, as timm draws
    it (torch's own trunc_normal_ now rejection-samples: same distribution, other values for a seed)."""
    if tensor.is_meta:
        return tensor

    def norm_cdf(x: float) -> float:
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    with torch.no_grad():
        low, high = norm_cdf((a - mean) / std), norm_cdf((b - mean) / std)
        tensor.uniform_(2 * low - 1, 2 * high - 1)
        tensor.erfinv_()
        tensor.mul_(std * math.sqrt(2.0)).add_(mean)
        return tensor.clamp_(min=a, max=b)


def trunc_normal_tf_(tensor: torch.Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                     b: float = 2.0) -> torch.Tensor:
    """Truncated normal with the bounds in standard deviations (TensorFlow / JAX convention), timm's draws."""
    trunc_normal_(tensor, 0.0, 1.0, a, b)
    with torch.no_grad():
        return tensor.mul_(std).add_(mean)


def lecun_normal_(tensor: torch.Tensor) -> torch.Tensor:
    """Truncated normal with variance 1 / fan_in (JAX's lecun_normal)."""
    fan_in, _ = nn.init._calculate_fan_in_and_fan_out(tensor)
    return trunc_normal_tf_(tensor, std=math.sqrt(1.0 / fan_in) / 0.87962566103423978)


def named_apply(fn: Callable[[nn.Module, str], None], module: nn.Module, name: str = '') -> None:
    """fn(child, dotted name) on every module below module, each after its own children (timm's order)."""
    for child_name, child in module.named_children():
        child_name = f'{name}.{child_name}' if name else child_name
        named_apply(fn, child, child_name)
        fn(child, child_name)


def init_vit_module(module: nn.Module, name: str, mode: str = '', head_bias: float = 0.0) -> None:
    """Initialise one module (not its children) by the scheme mode, as timm's init_weights_vit_* (modules are
    taken as freshly built: nothing is reset). Modules with their own init_weights use it, except where the
    scheme initialises Linear (and for jax Conv2d) layers itself."""
    if mode.startswith('jax'):
        if isinstance(module, nn.Linear):
            if name.startswith('head'):
                nn.init.zeros_(module.weight)
                nn.init.constant_(module.bias, head_bias)
            else:
                nn.init.xavier_uniform_(module.weight)
                if module.bias is not None:
                    if 'mlp' in name:
                        nn.init.normal_(module.bias, std=1e-6)
                    else:
                        nn.init.zeros_(module.bias)
            return
        if isinstance(module, nn.Conv2d):
            lecun_normal_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
            return
    elif mode.startswith('moco'):
        if isinstance(module, nn.Linear):
            if 'qkv' in name:  # q, k and v each as their own matrix
                bound = math.sqrt(6.0 / float(module.weight.shape[0] // 3 + module.weight.shape[1]))
                nn.init.uniform_(module.weight, -bound, bound)
            else:
                nn.init.xavier_uniform_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
            return
    elif mode == 'reset':
        return
    elif isinstance(module, nn.Linear):
        trunc_normal_(module.weight, std=0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
        return
    if hasattr(module, 'init_weights'):
        module.init_weights()


def head_bias_for(mode: str, num_classes: int) -> float:
    """The classifier bias 'jax_nlhb' starts from: -log(num_classes) (uniform class prior); 0 otherwise."""
    return -math.log(num_classes) if 'nlhb' in mode and num_classes > 0 else 0.0
