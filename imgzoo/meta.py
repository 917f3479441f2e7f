"""Build a module on the `meta` device without running its random initialisation.

Initialisers such as `normal_` have no built-in meta kernel; the first call on a meta tensor
pulls in PyTorch's symbolic machinery (sympy and about 900 modules: 160 MB and seconds). Values of
meta tensors do not exist, so in-place fill and random ops on them are skipped outright. The
mode is thread-local, so models built at the same time in other threads initialise normally.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import torch
from torch.overrides import TorchFunctionMode

_VALUE_ONLY_INPLACE_OPS = frozenset({
    'normal_', 'uniform_', 'exponential_', 'bernoulli_', 'random_', 'log_normal_', 'cauchy_', 'geometric_',
    'erfinv_', 'fill_', 'zero_', 'copy_', 'mul_', 'add_', 'sub_', 'div_', 'clamp_', 'clamp_min_', 'clamp_max_',
    'sqrt_', 'neg_', 'abs_', 'exp_', 'log_',
    'constant_', 'ones_', 'zeros_', 'trunc_normal_', 'kaiming_normal_', 'kaiming_uniform_', 'xavier_normal_',
    'xavier_uniform_', 'orthogonal_', 'eye_', 'dirac_', 'sparse_',
})


class _SkipInitOnMeta(TorchFunctionMode):
    def __torch_function__(self, func: Any, types: Any, args: tuple = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        if getattr(func, '__name__', '') in _VALUE_ONLY_INPLACE_OPS:
            target = args[0] if args else kwargs.get('tensor', kwargs.get('self'))
            if isinstance(target, torch.Tensor) and target.is_meta:
                return target
        return func(*args, **kwargs)


@contextmanager
def meta_device() -> Iterator[None]:
    """Create tensors on the meta device and skip value-only initialisation of them."""
    with torch.device('meta'), _SkipInitOnMeta():
        yield
