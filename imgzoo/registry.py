"""The registry of architectures and their pretrained tags.

Model files register builder functions with `@register_model` and their tag tables with
`register_pretrained_cfgs`. Families are imported the first time the registry is asked
about them, so `import imgzoo` does not build any model code.
"""
from __future__ import annotations

import difflib
import fnmatch
import importlib
import threading
from typing import Any, Callable, Dict, List, Mapping, Optional, TypeVar

from .errors import UnknownModelError, UnknownPretrainedTagError
from .pretrained import PretrainedCfg, cfg_from_dict

_entrypoints: Dict[str, Callable[..., Any]] = {}
_arch_family: Dict[str, str] = {}
_pretrained: Dict[str, Dict[str, PretrainedCfg]] = {}
_families_loaded = False
_load_lock = threading.RLock()

FnT = TypeVar('FnT', bound=Callable[..., Any])


def register_model(fn: FnT) -> FnT:
    """Register a builder function under its own name; it takes model kwargs and returns a model."""
    name = fn.__name__
    if name in _entrypoints and _entrypoints[name] is not fn:
        raise ValueError(f"Architecture '{name}' is registered twice ({fn.__module__}).")
    _entrypoints[name] = fn
    _arch_family[name] = fn.__module__.rsplit('.', 1)[-1]
    return fn


def register_pretrained_cfgs(table: Mapping[str, Mapping[str, Any]]) -> None:
    """Register tag tables: keys are 'arch.tag' (or bare 'arch' for an untagged default)."""
    for full_name, values in table.items():
        arch, _, tag = full_name.partition('.')
        cfg = cfg_from_dict({**values, 'architecture': arch, 'tag': tag or None})
        _pretrained.setdefault(arch, {})[tag] = cfg


def _ensure_families_loaded() -> None:
    global _families_loaded
    if _families_loaded:
        return
    with _load_lock:
        if _families_loaded:
            return
        from . import models

        for family in models.FAMILIES:
            importlib.import_module(f'{models.__name__}.{family}')
        _families_loaded = True


def list_models(filter: str = '', pretrained: bool = False) -> List[str]:
    """Architecture names matching a shell-style filter; with pretrained=True, 'arch.tag' names with weights."""
    _ensure_families_loaded()
    if pretrained:
        names = [
            f'{arch}.{tag}' for arch, tags in _pretrained.items() if arch in _entrypoints
            for tag, cfg in tags.items() if tag and cfg.has_weights
        ]
    else:
        names = list(_entrypoints)
    if filter:
        pattern = filter if any(ch in filter for ch in '*?[') else f'*{filter}*'
        names = [n for n in names if fnmatch.fnmatch(n, pattern)]
    return sorted(names)


def list_pretrained(filter: str = '') -> List[str]:
    """Every 'arch.tag' with published weights, optionally filtered."""
    return list_models(filter, pretrained=True)


def is_model(name: str) -> bool:
    """Whether an architecture (tag ignored) is registered."""
    _ensure_families_loaded()
    return name.partition('.')[0] in _entrypoints


def get_model_entrypoint(arch: str) -> Callable[..., Any]:
    """The builder function of an architecture, or UnknownModelError with close matches."""
    _ensure_families_loaded()
    try:
        return _entrypoints[arch]
    except KeyError:
        raise UnknownModelError(arch, difflib.get_close_matches(arch, list(_entrypoints), n=5, cutoff=0.6)) from None


def get_model_family(arch: str) -> str:
    """The model-file name an architecture is defined in."""
    get_model_entrypoint(arch)
    return _arch_family[arch]


def list_tags(arch: str) -> List[str]:
    """The pretrained tags of an architecture, default first."""
    get_model_entrypoint(arch)
    return [t for t in _pretrained.get(arch, {}) if t]


def get_pretrained_cfg(name: str, tag: Optional[str] = None) -> PretrainedCfg:
    """The pretrained config of 'arch' (its default tag) or 'arch.tag'; a fresh copy each call."""
    arch, _, name_tag = name.partition('.')
    tag = tag or name_tag or None
    get_model_entrypoint(arch)
    tags = _pretrained.get(arch, {})
    if tag is None:
        chosen = next(iter(tags.values()), None) if tags else None
        if chosen is None:
            chosen = PretrainedCfg(architecture=arch)
    else:
        if tag not in tags:
            raise UnknownPretrainedTagError(arch, tag, [t for t in tags if t])
        chosen = tags[tag]
    return cfg_from_dict(chosen.to_dict())
