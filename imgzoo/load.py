"""Put a (possibly adapted) state dict into a model strictly, materialising a meta-device model.

A model built on the `meta` device has no storage; loading assigns the checkpoint's tensors
as its parameters (no copy when dtype and device already match), then initialises exactly
the modules the checkpoint did not cover, such as a new classifier.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Set, Tuple, Union

import torch
from torch import nn

from .errors import StateDictMismatchError

StateDict = Dict[str, torch.Tensor]


def check_state_dict(
    model: nn.Module, state_dict: StateDict, allowed_missing: Iterable[str] = (), *,
    architecture: str = 'model', source: str = '',
) -> None:
    """Raise StateDictMismatchError listing every missing, unexpected, wrongly shaped or typed key."""
    expected = model.state_dict(keep_vars=True)
    allowed = set(allowed_missing)
    missing = [k for k in expected if k not in state_dict and k not in allowed]
    unexpected = [k for k in state_dict if k not in expected]
    mismatched: List[Tuple[str, tuple, tuple]] = []
    wrong_dtypes: List[Tuple[str, str, str]] = []
    for key, target in expected.items():
        if key not in state_dict:
            continue
        found = state_dict[key]
        if tuple(found.shape) != tuple(target.shape):
            mismatched.append((key, tuple(target.shape), tuple(found.shape)))
        elif target.is_floating_point() != found.is_floating_point() or found.is_complex():
            wrong_dtypes.append((key, str(target.dtype), str(found.dtype)))
    if missing or unexpected or mismatched or wrong_dtypes:
        raise StateDictMismatchError(architecture, missing, unexpected, mismatched, source, wrong_dtypes)


def _is_meta(t: Optional[torch.Tensor]) -> bool:
    return t is not None and t.is_meta


def load_into_model(
    model: nn.Module,
    state_dict: StateDict,
    *,
    allowed_missing: Iterable[str] = (),
    architecture: str = 'model',
    source: str = '',
    dtype: Optional[torch.dtype] = None,
    device: Union[str, torch.device, None] = None,
) -> nn.Module:
    """Load strictly (after check_state_dict), then initialise whatever is still on the meta device."""
    allowed: Set[str] = set(allowed_missing)
    check_state_dict(model, state_dict, allowed, architecture=architecture, source=source)
    target_device = torch.device(device) if device is not None else torch.device('cpu')
    expected = model.state_dict(keep_vars=True)
    prepared: StateDict = {}
    for key, tensor in state_dict.items():
        current = expected[key]
        want_dtype = (dtype or current.dtype) if tensor.is_floating_point() else current.dtype
        prepared[key] = tensor.to(device=target_device, dtype=want_dtype)
    meta_model = any(_is_meta(p) for p in model.parameters()) or any(_is_meta(b) for b in model.buffers())
    model.load_state_dict(prepared, strict=False, assign=meta_model)
    if target_device.type == 'meta':
        # Shapes only, as asked: nothing to materialise; tensors the checkpoint lacked still take the dtype.
        return model.to(dtype=dtype) if dtype is not None else model
    if meta_model:
        _materialise_rest(model, target_device, dtype)
    return model


def _materialise_rest(model: nn.Module, device: torch.device, dtype: Optional[torch.dtype]) -> None:
    """Give real storage to tensors the checkpoint did not provide and initialise them once."""
    for name, module in model.named_modules():
        own = list(module.named_parameters(recurse=False)) + list(module.named_buffers(recurse=False))
        if not any(_is_meta(t) for _, t in own):
            continue
        module.to_empty(device=device, recurse=False)
        if dtype is not None:
            for pname, param in module.named_parameters(recurse=False):
                if param.is_floating_point() and param.dtype != dtype:
                    param.data = param.data.to(dtype)
        init_new = getattr(model, 'init_new_module', None)
        if callable(init_new):
            init_new(name, module)
        elif hasattr(module, 'reset_parameters'):
            module.reset_parameters()
        else:
            raise RuntimeError(
                f"imgzoo bug: {type(model).__name__}.{name} ({type(module).__name__}) was not covered by the "
                "checkpoint and has no way to initialise itself."
            )
    init_buffers = getattr(model, 'init_non_persistent_buffers', None)
    if callable(init_buffers):
        init_buffers()
    leftovers = [n for n, t in list(model.named_parameters()) + list(model.named_buffers()) if t.is_meta]
    if leftovers:
        raise RuntimeError(f"imgzoo bug: tensors left uninitialised after loading: {leftovers[:5]}.")
