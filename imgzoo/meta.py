"""Build a module on the `meta` device without running its random initialisation.

Initialisers such as `normal_` have no built-in meta kernel; the first call on a meta tensor
pulls in PyTorch's symbolic machinery (sympy and about 900 modules: 160 MB and seconds), and so
does scalar arithmetic such as `1e-6 * torch.ones(dim)`. Values of meta tensors do not exist, so
in-place fill and random ops on them are skipped outright, and elementwise arithmetic only computes
the result's shape and dtype. The
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


_ELEMENTWISE_BINARY_OPS = frozenset({
    'mul', 'add', 'sub', 'div', 'true_divide', '__mul__', '__rmul__', '__add__', '__radd__', '__sub__', '__rsub__',
    '__truediv__', '__rtruediv__',
})


def _elementwise_on_meta(args: tuple) -> Any:
    """Shape and dtype of an elementwise binary op whose inputs include a meta tensor, or None."""
    if len(args) != 2 or not any(isinstance(a, torch.Tensor) and a.is_meta for a in args):
        return None
    if not all(isinstance(a, (torch.Tensor, int, float, bool)) for a in args):
        return None
    shapes = [tuple(a.shape) for a in args if isinstance(a, torch.Tensor)]
    ndim = max(len(s) for s in shapes)
    padded = [(1,) * (ndim - len(s)) + s for s in shapes]
    shape = []
    for sizes in zip(*padded):
        wide = {d for d in sizes if d != 1}
        if len(wide) > 1:
            return None
        shape.append(wide.pop() if wide else 1)
    return torch.empty(shape, dtype=torch.result_type(*args), device='meta')


class _SkipInitOnMeta(TorchFunctionMode):
    def __torch_function__(self, func: Any, types: Any, args: tuple = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        name = getattr(func, '__name__', '')
        if name in _VALUE_ONLY_INPLACE_OPS:
            target = args[0] if args else kwargs.get('tensor', kwargs.get('self'))
            if isinstance(target, torch.Tensor) and target.is_meta:
                return target
        elif name in _ELEMENTWISE_BINARY_OPS and not kwargs:
            result = _elementwise_on_meta(args)
            if result is not None:
                return result
        return func(*args, **kwargs)


@contextmanager
def meta_device() -> Iterator[None]:
    """Create tensors on the meta device and skip value-only initialisation of them."""
    with torch.device('meta'), _SkipInitOnMeta():
        yield
