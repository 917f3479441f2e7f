"""Build a module on the `meta` device without running its random initialisation.

Initialisers such as `normal_` have no built-in meta kernel; the first call on a meta tensor
pulls in PyTorch's symbolic machinery (sympy and about 900 modules: 160 MB and seconds), and so
does scalar arithmetic such as `1e-6 * torch.ones(dim)`. Values of meta tensors do not exist, so
in-place fill and random ops on them are skipped outright, and elementwise arithmetic only computes
the result's shape and dtype. The mode is thread-local, so models built at the same time in other
threads initialise normally.

A build calls about 1500 torch functions; one mode (instead of `torch.device('meta')` stacked under
a second one) decides what to do with each function once, by identity, so most calls cost one
dictionary look-up. Most of those calls come from the `reset_parameters` of PyTorch's own layers
(convolutions, linear and normalisation layers); while a build is under way these methods are
wrapped so that, in the building thread only and for a module whose tensors are all on the meta
device, they return at once. The wrappers are removed when the last build ends.
"""
from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from typing import Any, Callable, Dict, Iterator, List, Tuple

import torch
from torch import nn
from torch.nn.modules.batchnorm import _NormBase
from torch.nn.modules.conv import _ConvNd
from torch.overrides import TorchFunctionMode
from torch.utils._device import _device_constructors

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

_META = torch.device('meta')
_FILLED = frozenset({torch.zeros, torch.ones})

# What the mode does with a function; decided once per function object.
_PASS, _FACTORY, _SKIP_ON_META, _ELEMENTWISE = range(4)
_KINDS: Dict[Any, int] = {}


def _kind_of(func: Any) -> int:
    if func in _device_constructors():
        kind = _FACTORY
    else:
        name = getattr(func, '__name__', '')
        kind = _SKIP_ON_META if name in _VALUE_ONLY_INPLACE_OPS else \
            _ELEMENTWISE if name in _ELEMENTWISE_BINARY_OPS else _PASS
    try:
        _KINDS[func] = kind
    except TypeError:  # an unhashable callable: decided again on each call
        pass
    return kind


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


class _MetaBuild(TorchFunctionMode):
    """New tensors on the meta device (as `torch.device('meta')`), value-only ops on meta tensors skipped."""

    def __torch_function__(self, func: Callable[..., Any], types: Any, args: tuple = (), kwargs: Any = None) -> Any:
        try:
            kind = _KINDS[func]
        except (KeyError, TypeError):
            kind = _kind_of(func)
        if kind == _PASS:
            return func(*args, **kwargs) if kwargs else func(*args)
        kwargs = kwargs or {}
        if kind == _FACTORY:
            device = kwargs.get('device')
            if device is None:
                device = kwargs['device'] = _META
            if func in _FILLED and 'out' not in kwargs and (device is _META or torch.device(device).type == 'meta'):
                func = torch.empty  # the same tensor without PyTorch's Python kernel for the (absent) values
        elif kind == _SKIP_ON_META:
            target = args[0] if args else kwargs.get('tensor', kwargs.get('self'))
            if isinstance(target, torch.Tensor) and target.is_meta:
                return target
        elif not kwargs:
            result = _elementwise_on_meta(args)
            if result is not None:
                return result
        return func(*args, **kwargs)


# Methods of PyTorch layers that only write values into the module's own tensors.
_RESET_METHODS: Tuple[Tuple[type, str], ...] = (
    (_ConvNd, 'reset_parameters'), (nn.Linear, 'reset_parameters'), (_NormBase, 'reset_parameters'),
    (_NormBase, 'reset_running_stats'), (nn.LayerNorm, 'reset_parameters'), (nn.GroupNorm, 'reset_parameters'),
)

_local = threading.local()
_install_lock = threading.Lock()
_DisableTorchFunction = torch._C.DisableTorchFunction
_builds = 0  # meta builds under way in all threads
_installed: List[Tuple[type, str, Callable[..., Any], Callable[..., Any]]] = []


def _building() -> bool:
    return getattr(_local, 'depth', 0) > 0


def _all_meta(module: nn.Module) -> bool:
    with _DisableTorchFunction():  # a tensor's attributes, read without passing through the mode
        for tensors in (module._parameters, module._buffers):
            for t in tensors.values():
                if t is not None and not t.is_meta:
                    return False
    return True


def _skip_on_meta(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def reset(self: nn.Module) -> None:
        if _building() and _all_meta(self):
            return None
        return original(self)

    return reset


def _install() -> None:
    for cls, name in _RESET_METHODS:
        original = cls.__dict__[name]
        wrapper = _skip_on_meta(original)
        setattr(cls, name, wrapper)
        _installed.append((cls, name, original, wrapper))


def _uninstall() -> None:
    while _installed:
        cls, name, original, wrapper = _installed.pop()
        if cls.__dict__.get(name) is wrapper:  # unless someone else has replaced it since
            setattr(cls, name, original)


@contextmanager
def meta_device() -> Iterator[None]:
    """Create tensors on the meta device and skip value-only initialisation of them."""
    global _builds
    with _install_lock:
        if _builds == 0:
            _install()
        _builds += 1
    _local.depth = getattr(_local, 'depth', 0) + 1
    try:
        with _MetaBuild():
            yield
    finally:
        _local.depth -= 1
        with _install_lock:
            _builds -= 1
            if _builds == 0:
                _uninstall()
