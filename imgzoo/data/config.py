"""The eval-time data configuration of a model: input size, resize and crop, normalisation.

`resolve_data_config` follows timm's precedence, key by key: an explicit override wins, then
the pretrained config (given directly, else the one attached to the model), then the defaults.
"""
from __future__ import annotations

import argparse
import logging
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Union

from ..errors import InvalidConfigError
from ..pretrained import IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD, PretrainedCfg

_logger = logging.getLogger(__name__)

DEFAULT_CROP_PCT = 0.875
DEFAULT_CROP_MODE = 'center'
DEFAULT_INTERPOLATION = 'bicubic'
DEFAULT_INPUT_SIZE = (3, 224, 224)
CROP_MODES = ('center', 'squash', 'border')
INTERPOLATIONS = ('nearest', 'bilinear', 'bicubic', 'box', 'hamming', 'lanczos')
DATA_CONFIG_KEYS = ('input_size', 'interpolation', 'mean', 'std', 'crop_pct', 'crop_mode')

CfgLike = Union[Mapping[str, Any], PretrainedCfg, None]


def _as_dict(cfg: CfgLike) -> Dict[str, Any]:
    if cfg is None:
        return {}
    if isinstance(cfg, PretrainedCfg):
        return cfg.to_dict()
    if isinstance(cfg, Mapping):
        return dict(cfg)
    raise InvalidConfigError(
        f"pretrained_cfg must be a dict or a PretrainedCfg, got {type(cfg).__name__}. "
        "Pass model.pretrained_cfg or imgzoo.get_pretrained_cfg('arch.tag')."
    )


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _input_size(
    cfg: Mapping[str, Any], use_test_size: bool, input_size: Optional[Sequence[int]],
    img_size: Union[int, Sequence[int], None], in_chans: Optional[int],
) -> Tuple[int, int, int]:
    if input_size is not None:
        size = tuple(input_size)
        if len(size) != 3:
            raise InvalidConfigError(f"input_size must be (channels, height, width), got {input_size!r}.")
    elif img_size is not None:
        hw = (img_size, img_size) if isinstance(img_size, int) else tuple(img_size)
        if len(hw) != 2:
            raise InvalidConfigError(f"img_size must be an int or (height, width), got {img_size!r}.")
        size = (in_chans or 3, *hw)
    else:
        size = tuple(_first(cfg.get('test_input_size') if use_test_size else None, cfg.get('input_size'),
                            DEFAULT_INPUT_SIZE))
        if in_chans is not None:
            size = (in_chans, *size[1:])
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in size):
        raise InvalidConfigError(f"input_size must hold three positive integers, got {size!r}.")
    return size  # type: ignore[return-value]


def _channel_stats(
    name: str, explicit: Optional[Sequence[float]], configured: Optional[Sequence[float]],
    default: Sequence[float], in_chans: int,
) -> Tuple[float, ...]:
    """An explicit value must have one value or one per channel; a configured or default one that
    does not fit a model adapted to other in_chans is averaged over its channels."""
    if explicit is not None:
        stats = tuple(float(v) for v in explicit)
        if len(stats) == 1:
            return stats * in_chans
        if len(stats) != in_chans:
            raise InvalidConfigError(
                f"{name} has {len(stats)} values but the input has {in_chans} channels: {explicit!r}. "
                "Give one value, or one per channel."
            )
        return stats
    stats = tuple(float(v) for v in (configured or default))
    if len(stats) != in_chans:
        stats = (sum(stats) / len(stats),) * in_chans
    return stats


def _split_args(args: Any, model: Any) -> Tuple[Dict[str, Any], Any]:
    """timm's `args` (a dict or argparse namespace of overrides) apart from imgzoo's model-first form."""
    if args is None:
        return {}, model
    if isinstance(args, Mapping):
        return dict(args), model
    if isinstance(args, argparse.Namespace):
        return vars(args), model
    if model is None and (hasattr(args, 'pretrained_cfg') or hasattr(args, 'forward')):
        return {}, args
    raise InvalidConfigError(
        f"resolve_data_config takes a dict of overrides (or an argparse namespace) first, got "
        f"{type(args).__name__}. Call resolve_data_config(model) or resolve_data_config({{}}, model=model)."
    )


def resolve_data_config(
    args: Any = None,
    pretrained_cfg: CfgLike = None,
    model: Any = None,
    use_test_size: bool = False,
    verbose: bool = False,
    *,
    input_size: Optional[Sequence[int]] = None,
    img_size: Union[int, Sequence[int], None] = None,
    in_chans: Optional[int] = None,
    interpolation: Optional[str] = None,
    mean: Optional[Sequence[float]] = None,
    std: Optional[Sequence[float]] = None,
    crop_pct: Optional[float] = None,
    crop_mode: Optional[str] = None,
) -> Dict[str, Any]:
    """The data config {input_size, interpolation, mean, std, crop_pct, crop_mode} for evaluation.

    Called as timm's `resolve_data_config(args, pretrained_cfg=None, model=None, use_test_size=False)`:
    args is a dict (or argparse namespace) whose keys `input_size`, `img_size`, `in_chans`/`chans`,
    `interpolation`, `mean`, `std`, `crop_pct`, `crop_mode` override (other keys are ignored, as
    timm does). imgzoo's model-first form `resolve_data_config(model)` is accepted too, and each
    override can be given as a keyword argument (which wins over args).

    Each key comes from the override if given, else from pretrained_cfg (or, without it,
    `model.pretrained_cfg`), else timm's default. use_test_size picks `test_input_size` and
    `test_crop_pct` where the pretrained config has them. A configured mean or std with a value per
    RGB channel, for a model built with other in_chans, is averaged over its channels (timm keeps it
    as is, which does not fit such inputs).
    """
    overrides, model = _split_args(args, model)
    # timm reads interpolation, crop_pct and crop_mode from args only when truthy.
    from_args = {
        'input_size': overrides.get('input_size'), 'img_size': overrides.get('img_size'),
        'in_chans': _first(overrides.get('in_chans'), overrides.get('chans')),
        'interpolation': overrides.get('interpolation') or None, 'mean': overrides.get('mean'),
        'std': overrides.get('std'), 'crop_pct': overrides.get('crop_pct') or None,
        'crop_mode': overrides.get('crop_mode') or None,
    }
    input_size = _first(input_size, from_args['input_size'])
    img_size = _first(img_size, from_args['img_size'])
    in_chans = _first(in_chans, from_args['in_chans'])
    interpolation = _first(interpolation, from_args['interpolation'])
    mean = _first(mean, from_args['mean'])
    std = _first(std, from_args['std'])
    crop_pct = _first(crop_pct, from_args['crop_pct'])
    crop_mode = _first(crop_mode, from_args['crop_mode'])
    if not pretrained_cfg:
        pretrained_cfg = None
    if pretrained_cfg is None and model is not None:
        pretrained_cfg = getattr(model, 'pretrained_cfg', None)
    cfg = _as_dict(pretrained_cfg)

    size = _input_size(cfg, use_test_size, input_size, img_size, in_chans)
    resolved_interpolation = _first(interpolation, cfg.get('interpolation'), DEFAULT_INTERPOLATION)
    if resolved_interpolation not in INTERPOLATIONS:
        raise InvalidConfigError(
            f"Unknown interpolation {resolved_interpolation!r}; use one of {', '.join(INTERPOLATIONS)}."
        )
    resolved_crop_pct = _first(crop_pct, cfg.get('test_crop_pct') if use_test_size else None, cfg.get('crop_pct'),
                               DEFAULT_CROP_PCT)
    if isinstance(resolved_crop_pct, bool) or not isinstance(resolved_crop_pct, (int, float)) \
            or not resolved_crop_pct > 0:
        raise InvalidConfigError(f"crop_pct must be a number above 0 (e.g. 0.875), got {resolved_crop_pct!r}.")
    resolved_crop_mode = _first(crop_mode, cfg.get('crop_mode'), DEFAULT_CROP_MODE)
    if resolved_crop_mode not in CROP_MODES:
        raise InvalidConfigError(f"Unknown crop_mode {resolved_crop_mode!r}; use one of {', '.join(CROP_MODES)}.")
    resolved_std = _channel_stats('std', std, cfg.get('std'), IMAGENET_DEFAULT_STD, size[0])
    if not all(v > 0 for v in resolved_std):
        raise InvalidConfigError(f"std values must all be above 0, got {resolved_std!r}.")
    resolved = {
        'input_size': size,
        'interpolation': resolved_interpolation,
        'mean': _channel_stats('mean', mean, cfg.get('mean'), IMAGENET_DEFAULT_MEAN, size[0]),
        'std': resolved_std,
        'crop_pct': float(resolved_crop_pct),
        'crop_mode': resolved_crop_mode,
    }
    if verbose:
        _logger.info('Data processing configuration: %s', resolved)
    return resolved


def resolve_model_data_config(
    model: Any,
    args: Any = None,
    pretrained_cfg: CfgLike = None,
    use_test_size: bool = False,
    verbose: bool = False,
) -> Dict[str, Any]:
    """`resolve_data_config` with the model first (timm's `resolve_model_data_config`)."""
    return resolve_data_config(args, pretrained_cfg=pretrained_cfg, model=model, use_test_size=use_test_size,
                               verbose=verbose)
