"""The registry of architectures and their pretrained tags.

Model files register builder functions with `@register_model` and their tag tables with
`register_pretrained_cfgs`. Names come from a generated index (`models/_index.py`, written by
`tools/gen_model_index.py`), so listing names costs the same however many families there are; a
family's model code is imported only when one of its architectures is built, and its tag table
(pure data, `models/_tags/<family>.py`) only when its tags are asked for.
"""
from __future__ import annotations

import difflib
import fnmatch
import importlib
import inspect
import threading
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, TypeVar, Union

from . import models
from .errors import UnknownModelError, UnknownPretrainedTagError
from .models import _index
from .pretrained import PretrainedCfg, cfg_from_dict

_entrypoints: Dict[str, Callable[..., Any]] = {}
_arch_family: Dict[str, str] = {}
_pretrained: Dict[str, Dict[str, PretrainedCfg]] = {}
_tags_loaded: Set[str] = set()
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


def unregister_model(name: str) -> None:
    """Remove an architecture registered with register_model (built-in ones cannot be removed)."""
    if name in _index.ARCHITECTURES:
        raise ValueError(f"'{name}' is a built-in architecture and cannot be unregistered.")
    _entrypoints.pop(name, None)
    _arch_family.pop(name, None)
    _pretrained.pop(name, None)


def register_pretrained_cfgs(table: Mapping[str, Mapping[str, Any]]) -> None:
    """Register tag tables: keys are 'arch.tag' (or bare 'arch' for an untagged default)."""
    for full_name, values in table.items():
        arch, _, tag = full_name.partition('.')
        cfg = cfg_from_dict({**values, 'architecture': arch, 'tag': tag or None})
        _pretrained.setdefault(arch, {})[tag] = cfg


def _load_tags(families: Iterable[str]) -> None:
    """Register the tag tables of these families (data modules: no model code is imported)."""
    with _load_lock:
        for family in families:
            if family in _tags_loaded:
                continue
            try:
                tags = importlib.import_module(f'{models.__name__}._tags.{family}')
            except ModuleNotFoundError as e:
                if e.name != f'{models.__name__}._tags.{family}':
                    raise
            else:
                register_pretrained_cfgs(tags.PRETRAINED_CFGS)
            _tags_loaded.add(family)


def _family_of(arch: str) -> Optional[str]:
    return _index.ARCHITECTURES.get(arch) or _arch_family.get(arch)


def _all_names() -> List[str]:
    return sorted(set(_index.ARCHITECTURES) | set(_entrypoints))


def _as_patterns(filters: Union[str, Sequence[str]]) -> List[str]:
    filters = [filters] if isinstance(filters, str) else list(filters)
    return [f if any(ch in f for ch in '*?[') else f'*{f}*' for f in filters if f]


def list_models(
    filter: Union[str, Sequence[str]] = '', pretrained: bool = False, exclude_filters: Union[str, Sequence[str]] = '',
    features_only: bool = False,
) -> List[str]:
    """Architecture names matching any shell-style filter (a string or a list) and no exclude filter.

    With pretrained=True, 'arch.tag' names with published weights; with features_only=True, only the
    architectures that `create_model(..., features_only=True)` supports.
    """
    if pretrained:
        _load_tags(set(_index.ARCHITECTURES.values()) | set(_arch_family.values()))
        known = set(_all_names())
        names = [
            f'{arch}.{tag}' for arch, tags in _pretrained.items() if arch in known
            for tag, cfg in tags.items() if tag and cfg.has_weights
        ]
    else:
        names = _all_names()
    if features_only:
        names = [n for n in names if n.partition('.')[0] in _index.FEATURES_ONLY
                 or _supports_features(_entrypoints.get(n.partition('.')[0]))]
    include = _as_patterns(filter)
    if include:
        names = [n for n in names if any(fnmatch.fnmatch(n, p) for p in include)]
    exclude = _as_patterns(exclude_filters)
    if exclude:
        names = [n for n in names if not any(fnmatch.fnmatch(n, p) for p in exclude)]
    return sorted(names)


def _supports_features(entrypoint: Optional[Callable[..., Any]]) -> bool:
    model_cls = model_class_of(entrypoint) if entrypoint is not None else None
    return model_cls is not None and all(hasattr(model_cls, m) for m in ('forward_intermediates',
                                                                          'prune_intermediate_layers'))


def model_class_of(entrypoint: Callable[..., Any]) -> Optional[type]:
    """The model class a builder returns, read from its return annotation (None if it has none)."""
    annotation = inspect.signature(entrypoint).return_annotation
    if isinstance(annotation, str):
        annotation = getattr(entrypoint, '__globals__', {}).get(annotation)
    return annotation if inspect.isclass(annotation) else None


def list_pretrained(filter: Union[str, Sequence[str]] = '', exclude_filters: Union[str, Sequence[str]] = '') -> List[str]:
    """Every 'arch.tag' with published weights, optionally filtered."""
    return list_models(filter, pretrained=True, exclude_filters=exclude_filters)


def is_model(name: str) -> bool:
    """Whether an architecture (tag ignored) is registered."""
    return _family_of(name.partition('.')[0]) is not None


def get_model_entrypoint(arch: str) -> Callable[..., Any]:
    """The builder function of an architecture, or UnknownModelError with close matches."""
    if arch not in _entrypoints:
        family = _index.ARCHITECTURES.get(arch)
        if family is None:
            raise UnknownModelError(arch, difflib.get_close_matches(arch, _all_names(), n=5, cutoff=0.6))
        with _load_lock:
            importlib.import_module(f'{models.__name__}.{family}')
        if arch not in _entrypoints:
            raise RuntimeError(f"imgzoo bug: the model index names '{arch}' in {family}.py, which does not "
                               "register it; run tools/gen_model_index.py.")
    return _entrypoints[arch]


def get_model_family(arch: str) -> str:
    """The model-file name an architecture is defined in."""
    family = _family_of(arch)
    if family is None:
        get_model_entrypoint(arch)
    return family or _arch_family[arch]


def list_tags(arch: str) -> List[str]:
    """The pretrained tags of an architecture, default first."""
    _load_tags([get_model_family(arch)])
    return [t for t in _pretrained.get(arch, {}) if t]


def get_pretrained_cfg(name: str, tag: Optional[str] = None) -> PretrainedCfg:
    """The pretrained config of 'arch' (its default tag) or 'arch.tag'; a fresh copy each call."""
    arch, _, name_tag = name.partition('.')
    tag = tag or name_tag or None
    _load_tags([get_model_family(arch)])
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
