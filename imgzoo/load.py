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


# One entry of the model's state dict: (owning module, attribute name, is a parameter, current tensor).
_Entry = Tuple[nn.Module, str, bool, torch.Tensor]


class _Walk(NamedTuple):
    entries: Dict[str, _Entry]  # the model's state dict, in its order, with the owner of each tensor
    unsaved: List[nn.Module]  # modules with non-persistent buffers
    plain: bool  # state_dict() and load_state_dict() of every module are nn.Module's own (or BatchNorm's)
    meta: bool  # some tensor is on the meta device


_PLAIN_SAVE = nn.Module._save_to_state_dict
_PLAIN_STATE_DICT = nn.Module.state_dict
_PLAIN_LOADS = (nn.Module._load_from_state_dict, _NormBase._load_from_state_dict)
_PLAIN_EXTRA_STATE = nn.Module.set_extra_state
_plain_classes: Dict[type, bool] = {}


def _is_plain_class(cls: type) -> bool:
    plain = _plain_classes[cls] = (
        cls._save_to_state_dict is _PLAIN_SAVE and cls.state_dict is _PLAIN_STATE_DICT
        and cls._load_from_state_dict in _PLAIN_LOADS and cls.set_extra_state is _PLAIN_EXTRA_STATE)
    return plain


def _walk(model: nn.Module) -> _Walk:
    entries: Dict[str, _Entry] = {}
    unsaved: List[nn.Module] = []
    plain_classes = _plain_classes
    plain, meta = True, False
    stack: List[Tuple[str, nn.Module]] = [('', model)]
    while stack:  # depth first, parents before children: the order of state_dict() and named_modules()
        prefix, module = stack.pop()
        if plain:
            class_plain = plain_classes.get(type(module))
            plain = (class_plain if class_plain is not None else _is_plain_class(type(module))) and not (
                module._state_dict_hooks or module._state_dict_pre_hooks or module._load_state_dict_pre_hooks
                or module._load_state_dict_post_hooks)
        for name, param in module._parameters.items():
            if param is not None:
                entries[prefix + name] = (module, name, True, param)
                meta = meta or param.is_meta
        if module._buffers:
            skip = module._non_persistent_buffers_set
            for name, buffer in module._buffers.items():
                if buffer is None:
                    continue
                meta = meta or buffer.is_meta
                if name in skip:
                    unsaved.append(module)
                else:
                    entries[prefix + name] = (module, name, False, buffer)
        children = module._modules
        if children:
            stack.extend(reversed([(f'{prefix}{name}.', child) for name, child in children.items() if child is not None]))
    return _Walk(entries, unsaved, plain, meta)


def _check(walk: _Walk, state_dict: StateDict, allowed: Set[str], architecture: str, source: str) -> None:
    expected = walk.entries
    missing = [k for k in expected if k not in state_dict and k not in allowed]
    unexpected = [k for k in state_dict if k not in expected]
    mismatched: List[Tuple[str, tuple, tuple]] = []
    wrong_dtypes: List[Tuple[str, str, str]] = []
    for key, (_, _, _, target) in expected.items():
        found = state_dict.get(key)
        if found is None:
            continue
        found_dtype, target_dtype = found.dtype, target.dtype
        if found.shape != target.shape:
            mismatched.append((key, tuple(target.shape), tuple(found.shape)))
        elif (found_dtype is not target_dtype and target_dtype.is_floating_point != found_dtype.is_floating_point) \
                or found_dtype.is_complex:
            wrong_dtypes.append((key, str(target_dtype), str(found_dtype)))
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
    direct = walk.meta and walk.plain and _can_assign_directly()
    if direct:
        _assign(walk, state_dict, target_device, dtype)
    else:
        entries = walk.entries
        prepared = {key: _prepare(tensor, entries[key][3], target_device, dtype)
                    for key, tensor in state_dict.items()}
        model.load_state_dict(prepared, strict=False, assign=walk.meta)
    if target_device.type == 'meta':
        # Shapes only, as asked: nothing to materialise; tensors the checkpoint lacked still take the dtype.
        return model.to(dtype=dtype) if dtype is not None else model
    if walk.meta:
        _materialise_rest(model, walk, state_dict if direct else None, target_device, dtype)
    return model


def _prepare(tensor: torch.Tensor, current: torch.Tensor, device: torch.device,
             dtype: Optional[torch.dtype]) -> torch.Tensor:
    """The checkpoint's tensor on the target device, in the asked dtype (floating point) or the model's."""
    want_dtype = (dtype or current.dtype) if tensor.is_floating_point() else current.dtype
    if tensor.dtype != want_dtype or tensor.device != device:
        return tensor.to(device=device, dtype=want_dtype)
    return tensor


def _can_assign_directly() -> bool:
    """Whether assigning into a module's tensor dicts does all that load_state_dict(assign=True) would."""
    return (not _module._global_parameter_registration_hooks and not _module._global_buffer_registration_hooks
            and not torch.__future__.get_swap_module_params_on_conversion())


def _assign(walk: _Walk, state_dict: StateDict, device: torch.device, dtype: Optional[torch.dtype]) -> None:
    """load_state_dict(state_dict, strict=False, assign=True) for a model whose modules all load as nn.Module."""
    parameter = nn.Parameter
    make_parameter = torch.Tensor._make_subclass
    plain_tensor = torch.Tensor
    on_cpu = device.type == 'cpu'
    for key, (module, name, is_param, current) in walk.entries.items():
        tensor = state_dict.get(key)
        if tensor is None:
            if name == 'num_batches_tracked' and isinstance(module, _NormBase) and module.track_running_stats:
                # What BatchNorm's loader does for a checkpoint without the counter.
                module._buffers[name] = torch.tensor(0, dtype=torch.long)
            continue
        if dtype is not None or tensor.dtype is not current.dtype or not (tensor.is_cpu if on_cpu else tensor.device == device):
            tensor = _prepare(tensor, current, device, dtype)
        if is_param:
            if type(tensor) is plain_tensor:
                tensor = make_parameter(parameter, tensor, current.requires_grad)  # what nn.Parameter() does
            elif not isinstance(tensor, parameter):
                tensor = parameter(tensor, requires_grad=current.requires_grad)
            else:
                tensor.requires_grad_(current.requires_grad)
            module._parameters[name] = tensor
        else:
            module._buffers[name] = tensor


def _materialise_rest(model: nn.Module, walk: _Walk, assigned: Optional[StateDict], device: torch.device,
                      dtype: Optional[torch.dtype]) -> None:
    """Give real storage to tensors the checkpoint did not provide and initialise them once.

    When `assigned` (the state dict) was assigned directly, only modules owning a key it lacks or a
    non-persistent buffer can still hold meta tensors; otherwise every module is looked at."""
    candidates = None
    if assigned is not None:
        candidates = {id(entry[0]) for key, entry in walk.entries.items() if key not in assigned}
        candidates.update(id(module) for module in walk.unsaved)
    # named_modules() only when some module may need it: the walk does not list them, to stay cheap.
    modules = list(model.named_modules()) if candidates is None or candidates else []
    init_new = getattr(model, 'init_new_module', None)
    for name, module in modules:
        if candidates is not None and id(module) not in candidates:
            continue
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
    # Directly assigned tensors are on the target device, so only the candidates can hold meta tensors.
    leftovers = [f'{name}.{tname}'.lstrip('.') for name, module in modules
                 if candidates is None or id(module) in candidates
                 for tensors in (module._parameters, module._buffers) for tname, t in tensors.items()
                 if t is not None and t.is_meta]
    if leftovers:
        raise RuntimeError(f"imgzoo bug: tensors left uninitialised after loading: {leftovers[:5]}.")
