"""`create_model`: the one place that runs the loading steps, in order.

parse name (names) → resolve config (resolve, registry) → `build_model`, the one build path of every
family: build (registry entrypoint, on the meta device when weights follow) → fetch files (sources)
→ read weights (weights) → adapt (adapt) → load strictly (load) → attach the resolved pretrained
config → wrap as a feature backbone (features) when features_only.
"""
from __future__ import annotations

import dataclasses
import inspect
import os
import re
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, Set, Union

import torch
from torch import nn
from torch.nn.modules.module import _IncompatibleKeys

from .adapt import adapt_state_dict
from .errors import InvalidModelArgsError
from .features import create_feature_model
from .load import load_into_model
from .meta import meta_device
from .names import parse_model_name
from .pretrained import PretrainedCfg
from .registry import get_model_entrypoint, model_class_of
from .resolve import locate_weights, merge_user_cfg, resolve_model
from .sources.common import WeightsLocation, size_violations
from .weights import describe, read_pickle, read_safetensors, read_state_dict

PathLike = Union[str, os.PathLike]


class RandomWeightsWarning(UserWarning):
    """A `local:` or `hf-hub:` model (a name that points at weights) built with pretrained=False: random weights."""


_NOT_SAVED_ARGS = ('num_classes', 'device', 'dtype')


def create_model(
    model_name: Union[str, os.PathLike],
    pretrained: bool = False,
    *,
    pretrained_cfg: Union[str, Mapping[str, Any], PretrainedCfg, None] = None,
    pretrained_cfg_overlay: Optional[Mapping[str, Any]] = None,
    checkpoint_path: Optional[PathLike] = None,
    cache_dir: Optional[PathLike] = None,
    num_classes: Optional[int] = None,
    in_chans: Optional[int] = None,
    features_only: bool = False,
    out_indices: Union[int, Sequence[int], None] = None,
    feature_cls: str = 'getter',
    output_fmt: Optional[str] = None,
    device: Union[str, torch.device, None] = None,
    dtype: Optional[torch.dtype] = None,
    local_files_only: bool = False,
    verify: bool = False,
    mmap: bool = True,
    **model_kwargs: Any,
) -> nn.Module:
    """Build a model from `arch`, `arch.tag`, `hf-hub:org/repo[@rev]` or `local:/folder`.

    With pretrained=True the weights named by the resolved config are loaded strictly,
    adapting the classifier to num_classes and the first conv to in_chans. Other keyword
    arguments go to the architecture (e.g. drop_rate, drop_path_rate, global_pool, img_size).
    features_only=True returns a backbone giving the feature maps at out_indices (the
    architecture's default taps when None) as a list, or a dict with feature_cls='dict', in output_fmt
    (default: the model's native layout, as timm's, e.g. NHWC for Swin, NCHW for most).
    A folder with a `checksums.sha256` (every folder imgzoo writes) is checked against it: file sizes always,
    SHA-256 digests with verify=True; a difference raises ManifestMismatchError.
    Weights are memory-mapped from the file (mmap=True); mmap=False reads them into memory, each on a
    64-byte boundary, so that outputs are bit-identical to timm's on any file (see docs/benchmarks.md).
    """
    model_kwargs = {k: v for k, v in model_kwargs.items() if v is not None}  # as timm: None means the default
    source = parse_model_name(model_name)
    resolved = resolve_model(source, cache_dir=cache_dir, local_files_only=local_files_only, verify=verify)
    if not pretrained and source.points_at_weights:
        warnings.warn(
            f"'{source.describe()}' names a model with weights, but pretrained=False builds it with random ones. "
            "Pass pretrained=True to load its weights.", RandomWeightsWarning, stacklevel=2,
        )
    cfg = merge_user_cfg(resolved.cfg, pretrained_cfg, pretrained_cfg_overlay)
    config_args = {k: v for k, v in resolved.model_args.items() if v is not None}  # None is the default there too
    build_args: Dict[str, Any] = {**config_args, **model_kwargs}
    build_args['num_classes'] = cfg.num_classes if num_classes is None else num_classes
    build_args['in_chans'] = int(cfg.input_size[0]) if in_chans is None else in_chans
    if cfg.fixed_input_size and 'img_size' not in build_args and _takes(resolved.architecture, 'img_size'):
        build_args['img_size'] = tuple(cfg.input_size[-2:])  # as timm: a fixed-size model is built at its weights' size
    features = dict(out_indices=out_indices, feature_cls=feature_cls, output_fmt=output_fmt) if features_only else None
    weights = (lambda: locate_weights(source, cfg, cache_dir=cache_dir, local_files_only=local_files_only)) \
        if pretrained else None
    return build_model(resolved.architecture, build_args, cfg, weights=weights, checkpoint_path=checkpoint_path,
                       features=features, device=device, dtype=dtype, mmap=mmap)


def build_model(
    architecture: str,
    build_args: Dict[str, Any],
    cfg: PretrainedCfg,
    *,
    weights: Optional[Callable[[], WeightsLocation]] = None,
    checkpoint_path: Optional[PathLike] = None,
    features: Optional[Mapping[str, Any]] = None,
    device: Union[str, torch.device, None] = None,
    dtype: Optional[torch.dtype] = None,
    mmap: bool = True,
) -> nn.Module:
    """The one build path of every family: build (on the meta device when weights follow), load the
    weights strictly, attach the config, and wrap as a feature backbone when asked."""
    entrypoint = get_model_entrypoint(architecture)
    check_model_args(architecture, entrypoint, build_args)
    if weights is not None:
        with meta_device():
            model = _run_builder(architecture, entrypoint, build_args)
        location = weights()
        cfg = dataclasses.replace(cfg, **location.provenance)
        state_dict, reinit = adapt_state_dict(
            read_state_dict(location, mmap=mmap), model, cfg.to_dict(),
            num_classes=build_args['num_classes'], in_chans=build_args['in_chans'],
        )
        load_into_model(
            model, state_dict, allowed_missing=reinit, architecture=architecture,
            source=describe(location), dtype=dtype, device=device,
        )
    else:
        model = _run_builder(architecture, entrypoint, build_args)
        if device is not None or dtype is not None:
            model.to(device=device, dtype=dtype)

    if checkpoint_path is not None:
        load_checkpoint(model, checkpoint_path, architecture=architecture)

    _attach_cfg(model, _final_cfg(model, cfg, architecture, build_args), build_args)
    if features is not None:
        model = _as_feature_model(model, architecture, features)
    return model


_FIXED_BY_BUILDER = re.compile(r"got multiple values for (?:keyword )?argument '(\w+)'")


def _run_builder(architecture: str, entrypoint: Callable[..., nn.Module], build_args: Mapping[str, Any]) -> nn.Module:
    """Call the builder; an argument the builder sets itself (e.g. EfficientNet's num_features) is named as such."""
    try:
        return entrypoint(**build_args)
    except TypeError as e:
        fixed = _FIXED_BY_BUILDER.search(str(e))
        if fixed is None or fixed.group(1) not in build_args:
            raise
        name = fixed.group(1)
        raise InvalidModelArgsError(
            f"'{architecture}' sets {name} itself (it is part of that architecture's definition), so {name}= cannot "
            f"be given. Create it without {name}=, or pick the architecture that has the {name} you want.",
            architecture=architecture, field=name) from None


def _as_feature_model(model: nn.Module, architecture: str, features: Mapping[str, Any]) -> nn.Module:
    if not all(hasattr(model, m) for m in ('forward_intermediates', 'prune_intermediate_layers', 'feature_info')):
        raise InvalidModelArgsError(
            f"'{architecture}' does not support features_only=True. "
            "imgzoo.list_models(features_only=True) lists the architectures that do.")
    wrapped = create_feature_model(model, **features)
    wrapped.pretrained_cfg = wrapped.default_cfg = model.pretrained_cfg  # type: ignore[assignment]
    return wrapped


def check_model_args(architecture: str, entrypoint: Callable[..., Any], build_args: Mapping[str, Any]) -> None:
    """Refuse sizes beyond any real model (before anything is allocated) and keyword arguments the architecture
    does not take, naming the ones it does.

    Other values a model cannot use raise InvalidModelArgsError from the model itself, and any other exception
    from model code is a bug that surfaces unchanged.
    """
    too_large = size_violations(build_args)
    if too_large:
        raise InvalidModelArgsError(
            f"'{architecture}': {'; '.join(too_large)}: larger than any real model, refused before allocating "
            "memory.", architecture=architecture, field=too_large[0].split(' = ')[0],
        )
    accepted = _accepted_args(entrypoint)
    if accepted is not None:
        unknown = [k for k in build_args if k not in accepted]
        if unknown:
            names = ', '.join(repr(k) for k in unknown)
            raise InvalidModelArgsError(
                f"'{architecture}' does not accept {names}. "
                f"Accepted model arguments: {', '.join(sorted(accepted))}.", architecture=architecture,
                unknown=unknown,
            )
    defaults = _defaults(entrypoint)
    for key, value in build_args.items():
        default = defaults.get(key, None)
        if value is not None and default is not None and not _same_kind(value, default):
            raise InvalidModelArgsError(
                f"'{architecture}' cannot take {key}={value!r:.60}: it expects {_kind_name(default)} "
                f"(default {default!r:.40}).", architecture=architecture, field=key,
            )


def _same_kind(value: Any, default: Any) -> bool:
    """Whether value can be of the parameter's kind, judged by its default: only clear mismatches are refused
    (text for a number, a number for text, anything but true/false for a flag). Sequences pass where a number
    is the default (img_size=224 or (224, 192)), and classes or functions where text is (act_layer='gelu' or
    nn.GELU), as timm's constructors take them."""
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, (int, float)):
        return (isinstance(value, (int, float)) and not isinstance(value, bool)) or isinstance(value, (tuple, list))
    if isinstance(default, str):
        return isinstance(value, str) or callable(value)
    if isinstance(default, (tuple, list)):
        return isinstance(value, (tuple, list, int, float)) and not isinstance(value, bool)
    return True


def _kind_name(default: Any) -> str:
    if isinstance(default, bool):
        return 'true or false'
    if isinstance(default, (int, float)):
        return 'a number (or a list of numbers)'
    if isinstance(default, str):
        return 'text'
    return 'a list'


def _defaults(entrypoint: Callable[..., Any]) -> Dict[str, Any]:
    """Default values of the builder's and its model class's keyword parameters (the builder's win)."""
    out: Dict[str, Any] = {}
    model_cls = model_class_of(entrypoint)
    sources = [model_cls.__init__] if model_cls is not None else []
    for fn in [*sources, entrypoint]:
        try:
            params = inspect.signature(fn).parameters.values()
        except (TypeError, ValueError):
            continue
        out.update({p.name: p.default for p in params if p.default is not p.empty})
    return out


def _takes(architecture: str, name: str) -> bool:
    accepted = _accepted_args(get_model_entrypoint(architecture))
    return accepted is None or name in accepted


def _accepted_args(entrypoint: Callable[..., Any]) -> Optional[Set[str]]:
    """Keyword names the builder and its model class take, or None when either takes **kwargs freely."""
    builder = inspect.signature(entrypoint).parameters.values()
    accepted = {p.name for p in builder if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    if not any(p.kind == p.VAR_KEYWORD for p in builder):
        return accepted
    model_cls = model_class_of(entrypoint)
    if model_cls is None:
        return None
    params = list(inspect.signature(model_cls.__init__).parameters.values())[1:]
    if any(p.kind == p.VAR_KEYWORD for p in params):
        return None
    return accepted | {p.name for p in params
                       if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.default is not p.empty}


def _final_cfg(model: nn.Module, cfg: PretrainedCfg, architecture: str, build_args: Dict[str, Any]) -> PretrainedCfg:
    """The config the built model carries: cfg with the architecture, class count and input size it was built
    with (a new object; cfg itself is not changed)."""
    changes: Dict[str, Any] = {'architecture': architecture,
                               'num_classes': getattr(model, 'num_classes', cfg.num_classes)}
    if changes['num_classes'] != cfg.num_classes:
        changes['label_offset'] = None  # a background class was dropped on load, or the classifier is new
    in_chans = build_args['in_chans']
    input_size = cfg.input_size
    if in_chans != input_size[0]:
        input_size = changes['input_size'] = (in_chans, *input_size[1:])
    img_size = build_args.get('img_size')
    if img_size is not None:
        height, width = (img_size, img_size) if isinstance(img_size, int) else tuple(img_size)
        if (height, width) != tuple(input_size[1:]):
            changes.update(input_size=(in_chans, height, width), test_input_size=None, pool_size=None,
                           test_pool_size=None)
    return dataclasses.replace(cfg, **changes)


def _attach_cfg(model: nn.Module, cfg: PretrainedCfg, build_args: Dict[str, Any]) -> None:
    model.pretrained_cfg = cfg.to_dict()  # type: ignore[assignment]
    model.default_cfg = model.pretrained_cfg  # type: ignore[assignment]
    model.model_args = {  # type: ignore[assignment]
        k: v for k, v in build_args.items() if k not in _NOT_SAVED_ARGS and v is not None
    }


def load_checkpoint(
    model: nn.Module, checkpoint_path: PathLike, use_ema: bool = True, device: Union[str, torch.device, None] = None,
    strict: bool = True, *, architecture: Optional[str] = None,
) -> _IncompatibleKeys:
    """Load a training checkpoint (state_dict / model / EMA wrapped, 'module.' prefixes) into model, as timm's
    load_checkpoint: EMA weights first when use_ema, every key checked when strict. With strict=False keys the
    model lacks are skipped and tensors the checkpoint lacks keep their values (shapes must still match).
    Returns the missing and unexpected keys (empty lists when strict)."""
    from .errors import WeightsNotFoundError

    path = Path(os.path.expanduser(os.fspath(checkpoint_path))).absolute()
    if not path.is_file():
        raise WeightsNotFoundError(f"checkpoint_path {path} does not exist or is not a file.", path=path)
    state_dict = read_safetensors(path) if path.suffix == '.safetensors' else read_pickle(path, use_ema=use_ema)
    architecture = architecture or (getattr(model, 'pretrained_cfg', None) or {}).get('architecture') or 'model'
    missing: list = []
    unexpected: list = []
    if not strict:
        expected = model.state_dict().keys()
        missing = [k for k in expected if k not in state_dict]
        unexpected = [k for k in state_dict if k not in expected]
        state_dict = {k: v for k, v in state_dict.items() if k in expected}
    load_into_model(model, state_dict, allowed_missing=missing, architecture=architecture, source=str(path),
                    device=device if device is not None else _device_of(model))
    return _IncompatibleKeys(missing, unexpected)


def _device_of(model: nn.Module) -> Optional[torch.device]:
    tensor = next(iter(model.parameters()), None)
    return tensor.device if tensor is not None and not tensor.is_meta else None
