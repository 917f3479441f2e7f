"""Put a (possibly adapted) state dict into a model strictly, materialising a meta-device model.

A model built on the `meta` device has no storage; loading assigns the checkpoint's tensors
as its parameters (no copy when dtype and device already match), then initialises exactly
the modules the checkpoint did not cover, such as a new classifier.

One walk over the modules finds every entry of the model's state dict together with the module
that owns it; checking, assigning and finding what is left to initialise all use that walk.
"""
from __future__ import annotations

from typing import Dict, Iterable, List, NamedTuple, Optional, Set, Tuple, Union

import torch
from torch import nn
from torch.nn.modules import module as _module
from torch.nn.modules.batchnorm import _NormBase

from .errors import StateDictMismatchError

StateDict = Dict[str, torch.Tensor]


class _Entry(NamedTuple):
    module: nn.Module
    name: str
    is_param: bool
    tensor: torch.Tensor


class _Walk(NamedTuple):
    entries: Dict[str, _Entry]  # the model's state dict, in its order, with the owner of each tensor
    modules: List[Tuple[str, nn.Module]]  # every module once, as named_modules() lists them
    plain: bool  # state_dict() and load_state_dict() of every module are nn.Module's own (or BatchNorm's)


_PLAIN_SAVE = nn.Module._save_to_state_dict
_PLAIN_STATE_DICT = nn.Module.state_dict
_PLAIN_LOADS = (nn.Module._load_from_state_dict, _NormBase._load_from_state_dict)
_PLAIN_EXTRA_STATE = nn.Module.set_extra_state


def _is_plain(module: nn.Module) -> bool:
    cls = type(module)
    return (cls._save_to_state_dict is _PLAIN_SAVE and cls.state_dict is _PLAIN_STATE_DICT
            and cls._load_from_state_dict in _PLAIN_LOADS and cls.set_extra_state is _PLAIN_EXTRA_STATE
            and not module._state_dict_hooks and not module._state_dict_pre_hooks
            and not module._load_state_dict_pre_hooks and not module._load_state_dict_post_hooks)


def _walk(model: nn.Module) -> _Walk:
    entries: Dict[str, _Entry] = {}
    modules: List[Tuple[str, nn.Module]] = []
    seen: Set[int] = set()
    plain = True

    def visit(module: nn.Module, prefix: str) -> None:
        nonlocal plain
        if id(module) not in seen:
            seen.add(id(module))
            modules.append((prefix[:-1], module))
        plain = plain and _is_plain(module)
        for name, param in module._parameters.items():
            if param is not None:
                entries[prefix + name] = _Entry(module, name, True, param)
        skip = module._non_persistent_buffers_set
        for name, buffer in module._buffers.items():
            if buffer is not None and name not in skip:
                entries[prefix + name] = _Entry(module, name, False, buffer)
        for name, child in module._modules.items():
            if child is not None:
                visit(child, prefix + name + '.')

    visit(model, '')
    return _Walk(entries, modules, plain and _is_plain(model))


def _check(walk: _Walk, state_dict: StateDict, allowed: Set[str], architecture: str, source: str) -> None:
    expected = walk.entries
    missing = [k for k in expected if k not in state_dict and k not in allowed]
    unexpected = [k for k in state_dict if k not in expected]
    mismatched: List[Tuple[str, tuple, tuple]] = []
    wrong_dtypes: List[Tuple[str, str, str]] = []
    for key, entry in expected.items():
        found = state_dict.get(key)
        if found is None:
            continue
        target = entry.tensor
        if found.shape != target.shape:
            mismatched.append((key, tuple(target.shape), tuple(found.shape)))
        elif target.is_floating_point() != found.is_floating_point() or found.is_complex():
            wrong_dtypes.append((key, str(target.dtype), str(found.dtype)))
    if missing or unexpected or mismatched or wrong_dtypes:
        raise StateDictMismatchError(architecture, missing, unexpected, mismatched, source, wrong_dtypes)


def check_state_dict(
    model: nn.Module, state_dict: StateDict, allowed_missing: Iterable[str] = (), *,
    architecture: str = 'model', source: str = '',
) -> None:
    """Raise StateDictMismatchError listing every missing, unexpected, wrongly shaped or typed key."""
    _check(_walk(model), state_dict, set(allowed_missing), architecture, source)


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
    walk = _walk(model)
    _check(walk, state_dict, set(allowed_missing), architecture, source)
    target_device = torch.device(device) if device is not None else torch.device('cpu')
    entries = walk.entries
    prepared: StateDict = {}
    for key, tensor in state_dict.items():
        current = entries[key].tensor
        want_dtype = (dtype or current.dtype) if tensor.is_floating_point() else current.dtype
        if tensor.dtype != want_dtype or tensor.device != target_device:
            tensor = tensor.to(device=target_device, dtype=want_dtype)
        prepared[key] = tensor
    meta_model = any(entry.tensor.is_meta for entry in entries.values()) or any(
        _is_meta(b) for _, m in walk.modules for b in m._buffers.values())
    if meta_model and walk.plain and _can_assign_directly():
        _assign(walk, prepared)
    else:
        model.load_state_dict(prepared, strict=False, assign=meta_model)
    if target_device.type == 'meta':
        # Shapes only, as asked: nothing to materialise; tensors the checkpoint lacked still take the dtype.
        return model.to(dtype=dtype) if dtype is not None else model
    if meta_model:
        _materialise_rest(model, walk, target_device, dtype)
    return model


def _can_assign_directly() -> bool:
    """Whether assigning into a module's tensor dicts does all that load_state_dict(assign=True) would."""
    return (not _module._global_parameter_registration_hooks and not _module._global_buffer_registration_hooks
            and not torch.__future__.get_swap_module_params_on_conversion())


def _assign(walk: _Walk, prepared: StateDict) -> None:
    """load_state_dict(prepared, strict=False, assign=True) for a model whose modules all load as nn.Module."""
    for key, entry in walk.entries.items():
        tensor = prepared.get(key)
        if tensor is None:
            module = entry.module
            if entry.name == 'num_batches_tracked' and isinstance(module, _NormBase) and module.track_running_stats:
                # What BatchNorm's loader does for a checkpoint without the counter.
                module._buffers[entry.name] = torch.tensor(0, dtype=torch.long)
            continue
        if entry.is_param:
            if not isinstance(tensor, nn.Parameter):
                tensor = nn.Parameter(tensor, requires_grad=entry.tensor.requires_grad)
            else:
                tensor.requires_grad_(entry.tensor.requires_grad)
            entry.module._parameters[entry.name] = tensor
        else:
            entry.module._buffers[entry.name] = tensor


def _materialise_rest(model: nn.Module, walk: _Walk, device: torch.device, dtype: Optional[torch.dtype]) -> None:
    """Give real storage to tensors the checkpoint did not provide and initialise them once."""
    init_new = getattr(model, 'init_new_module', None)
    for name, module in walk.modules:
        if not (any(_is_meta(t) for t in module._parameters.values())
                or any(_is_meta(t) for t in module._buffers.values())):
            continue
        module.to_empty(device=device, recurse=False)
        if dtype is not None:
            for pname, param in module.named_parameters(recurse=False):
                if param.is_floating_point() and param.dtype != dtype:
                    param.data = param.data.to(dtype)
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
    leftovers = [f'{name}.{tname}'.lstrip('.') for name, module in walk.modules
                 for tensors in (module._parameters, module._buffers) for tname, t in tensors.items() if _is_meta(t)]
    if leftovers:
        raise RuntimeError(f"imgzoo bug: tensors left uninitialised after loading: {leftovers[:5]}.")
