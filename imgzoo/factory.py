"""`create_model`: the one place that runs the loading steps, in order.

parse name (names) → resolve config (resolve, registry) → build (registry entrypoint, on the
meta device when weights follow) → fetch files (sources) → read weights (weights) → adapt
(adapt) → load strictly (load) → attach the resolved pretrained config.
"""
from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Union

import torch
from torch import nn

from .adapt import adapt_state_dict
from .errors import ImgzooError, InvalidModelArgsError
from .load import load_into_model
from .meta import meta_device
from .names import parse_model_name
from .pretrained import PretrainedCfg
from .registry import get_model_entrypoint
from .resolve import locate_weights, merge_user_cfg, resolve_model
from .weights import describe, read_state_dict, read_pickle, read_safetensors

PathLike = Union[str, os.PathLike]
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
    device: Union[str, torch.device, None] = None,
    dtype: Optional[torch.dtype] = None,
    local_files_only: bool = False,
    **model_kwargs: Any,
) -> nn.Module:
    """Build a model from `arch`, `arch.tag`, `hf-hub:org/repo[@rev]` or `local:/folder`.

    With pretrained=True the weights named by the resolved config are loaded strictly,
    adapting the classifier to num_classes and the first conv to in_chans. Other keyword
    arguments go to the architecture (e.g. drop_rate, drop_path_rate, global_pool, img_size).
    """
    source = parse_model_name(model_name)
    resolved = resolve_model(source, cache_dir=cache_dir, local_files_only=local_files_only)
    cfg = merge_user_cfg(resolved.cfg, pretrained_cfg, pretrained_cfg_overlay)
    architecture = resolved.architecture

    build_args: Dict[str, Any] = {**resolved.model_args, **model_kwargs}
    build_args['num_classes'] = cfg.num_classes if num_classes is None else num_classes
    build_args['in_chans'] = int(cfg.input_size[0]) if in_chans is None else in_chans
    model = _build(architecture, build_args, on_meta=pretrained)

    if pretrained:
        location = locate_weights(source, cfg, cache_dir=cache_dir, local_files_only=local_files_only)
        state_dict = read_state_dict(location)
        state_dict, reinit = adapt_state_dict(
            state_dict, model, cfg.to_dict(),
            num_classes=build_args['num_classes'], in_chans=build_args['in_chans'],
        )
        load_into_model(
            model, state_dict, allowed_missing=reinit, architecture=architecture,
            source=describe(location), dtype=dtype, device=device,
        )
    elif device is not None or dtype is not None:
        model.to(device=device, dtype=dtype)

    if checkpoint_path is not None:
        load_checkpoint(model, checkpoint_path, architecture=architecture)

    _attach_cfg(model, cfg, architecture, build_args)
    return model


def _build(architecture: str, build_args: Dict[str, Any], *, on_meta: bool) -> nn.Module:
    entrypoint = get_model_entrypoint(architecture)
    try:
        if on_meta:
            with meta_device():
                return entrypoint(**build_args)
        return entrypoint(**build_args)
    except TypeError as e:
        if 'unexpected keyword argument' not in str(e):
            raise _unbuildable(architecture, build_args, e) from None
        accepted = _accepted_args(entrypoint)
        raise InvalidModelArgsError(
            f"'{architecture}' does not accept {str(e).split('argument')[-1].strip()}. "
            f"Accepted model arguments: {', '.join(accepted) or 'see the model file'}."
        ) from None
    except ImgzooError:
        raise
    except (ValueError, RuntimeError, IndexError, KeyError, AttributeError, ZeroDivisionError, OverflowError,
            AssertionError) as e:
        raise _unbuildable(architecture, build_args, e) from None


def _unbuildable(architecture: str, build_args: Dict[str, Any], error: Exception) -> InvalidModelArgsError:
    """The error for model arguments (from config.json or keywords) the architecture rejects."""
    args = ', '.join(f'{k}={v!r:.40}' for k, v in build_args.items())
    return InvalidModelArgsError(
        f"'{architecture}' cannot be built with {args}: {type(error).__name__}: {str(error)[:300]}. "
        "Check the model arguments (the keywords given to create_model and 'model_args' in config.json)."
    )


def _accepted_args(entrypoint: Any) -> list:
    model_cls = inspect.signature(entrypoint).return_annotation
    if isinstance(model_cls, str):
        model_cls = entrypoint.__globals__.get(model_cls)
    if not inspect.isclass(model_cls):
        return []
    return [n for n, p in inspect.signature(model_cls.__init__).parameters.items()
            if n != 'self' and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def _attach_cfg(model: nn.Module, cfg: PretrainedCfg, architecture: str, build_args: Dict[str, Any]) -> None:
    cfg.architecture = architecture
    cfg.num_classes = getattr(model, 'num_classes', cfg.num_classes)
    in_chans = build_args['in_chans']
    if in_chans != cfg.input_size[0]:
        cfg.input_size = (in_chans, *cfg.input_size[1:])
    img_size = build_args.get('img_size')
    if img_size is not None:
        height, width = (img_size, img_size) if isinstance(img_size, int) else tuple(img_size)
        if (height, width) != tuple(cfg.input_size[1:]):
            cfg.input_size = (in_chans, height, width)
            cfg.test_input_size = cfg.pool_size = cfg.test_pool_size = None
    model.pretrained_cfg = cfg.to_dict()  # type: ignore[assignment]
    model.default_cfg = model.pretrained_cfg  # type: ignore[assignment]
    model.model_args = {  # type: ignore[assignment]
        k: v for k, v in build_args.items() if k not in _NOT_SAVED_ARGS and v is not None
    }


def load_checkpoint(model: nn.Module, checkpoint_path: PathLike, *, architecture: str = 'model') -> nn.Module:
    """Load a training checkpoint (state_dict / model / EMA wrapped, 'module.' prefixes) strictly into model."""
    path = Path(os.path.expanduser(os.fspath(checkpoint_path))).absolute()
    from .errors import WeightsNotFoundError

    if not path.is_file():
        raise WeightsNotFoundError(f"checkpoint_path {path} does not exist or is not a file.")
    state_dict = read_safetensors(path) if path.suffix == '.safetensors' else read_pickle(path)
    return load_into_model(model, state_dict, architecture=architecture, source=str(path))
