"""Eval and training transforms from timm's options, built on `torchvision.transforms.v2`.

`create_transform` takes timm's call forms: `create_transform(**data_config)`,
`create_transform(input_size, is_training=..., ...)` with timm's keyword names and defaults, and
imgzoo's `create_transform(data_config, ...)`.

Eval: on PIL images the output equals timm's eval transform for the same options: resize (shorter
side, both sides, or longer side, by crop mode) to size / crop_pct, centre crop (padding with the
mean colour in `border` mode), scale to [0, 1] floats and normalise.

Training: timm's pipeline step by step (random resized crop, flips, auto-augment or colour jitter,
grayscale, blur, normalise, random erasing) on v2 transforms; where v2 has no step with timm's
semantics, the nearest one is used as listed in docs/data.md.
"""
from __future__ import annotations

import inspect
import math
import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ..errors import InvalidConfigError
from ..pretrained import IMAGENET_DEFAULT_MEAN, IMAGENET_DEFAULT_STD
from .config import DATA_CONFIG_KEYS, resolve_data_config

RANDOM_INTERPOLATION = 'random'
RE_MODES = ('const', 'rand', 'pixel')
TRAIN_CROP_MODES = ('rrc',)
AUTO_AUGMENT_POLICIES = ('rand-...', 'augmix-...', 'original', 'originalr', '3a', 'trivialaugment')

# timm options that imgzoo does not implement, with the value that means "off".
_UNSUPPORTED_OFF = {
    'tf_preprocessing': False, 'naflex': False, 'patchify': False, 'patch_size': 16, 'max_seq_len': 576,
    'patchify_channels_last': True, 'patchify_flatten': True,
}

InputSize = Union[int, Sequence[int], Mapping[str, Any]]


def _spec_error(spec: str, detail: str) -> InvalidConfigError:
    return InvalidConfigError(
        f"auto_augment={spec!r}: {detail}. Use 'rand-m9-mstd0.5-inc1' (RandAugment), 'augmix-m5-w4-d2' (AugMix), "
        "'original' (AutoAugment ImageNet policy), '3a' (DeiT III 3-augment) or 'trivialaugment'; "
        "see docs/data.md."
    )


def _spec_options(spec: str, tokens: Sequence[str], allowed: Sequence[str]) -> Dict[str, float]:
    options: Dict[str, float] = {}
    for token in tokens:
        match = re.fullmatch(r'([a-z]+)(\d.*)', token)
        if match is None or match.group(1) not in allowed:
            raise _spec_error(spec, f"unknown section {token!r} (known: {', '.join(allowed)})")
        try:
            options[match.group(1)] = float(match.group(2))
        except ValueError:
            raise _spec_error(spec, f"section {token!r} does not end in a number") from None
    return options


def _auto_augment(spec: str, img_size: Tuple[int, int], mean: Sequence[float], interpolation: str) -> Any:
    from torchvision.transforms import v2

    from ._v2_ops import AugMix, AutoAugment, RandAugmentTimm, TrivialAugmentWide

    fill = [min(255, round(255 * m)) for m in mean]
    random_interp = interpolation == RANDOM_INTERPOLATION
    fixed = v2.InterpolationMode.BILINEAR if random_interp else v2.InterpolationMode(interpolation)
    name, *tokens = spec.split('-')
    if name == 'rand':
        if any(t.startswith('t') for t in tokens):
            raise _spec_error(spec, "named op sets ('t...') have no v2 equivalent")
        opts = _spec_options(spec, tokens, ('m', 'n', 'p', 'mstd', 'mmax', 'inc'))
        mstd = opts.get('mstd', 0.0)
        interpolations = ([v2.InterpolationMode.BILINEAR, v2.InterpolationMode.BICUBIC] if random_interp
                          else [fixed])
        return RandAugmentTimm(
            num_ops=int(opts.get('n', 2)), magnitude=int(opts.get('m', 10)),
            magnitude_std=math.inf if mstd > 100 else mstd, magnitude_max=opts.get('mmax'),
            prob=opts.get('p', 0.5), interpolations=interpolations, fill=fill,
        )
    if name == 'augmix':
        opts = _spec_options(spec, tokens, ('m', 'w', 'd', 'a', 'b', 'mstd'))
        severity = int(opts.get('m', 3))
        if not 1 <= severity <= 10:
            raise _spec_error(spec, f'AugMix severity m must be 1..10, got {severity}')
        return AugMix(severity=severity, mixture_width=int(opts.get('w', 3)), chain_depth=int(opts.get('d', -1)),
                         alpha=opts.get('a', 1.0), all_ops=True, interpolation=fixed, fill=fill)
    if name in ('original', 'originalr'):
        _spec_options(spec, tokens, ('mstd',))
        return AutoAugment(v2.AutoAugmentPolicy.IMAGENET, interpolation=fixed, fill=fill)
    if name == '3a' and not tokens:
        return v2.RandomChoice([
            v2.RandomSolarize(threshold=128, p=1.0),
            v2.RandomGrayscale(p=1.0),
            v2.GaussianBlur(kernel_size=13, sigma=(0.1, 2.0)),
        ])
    if name == 'trivialaugment' and not tokens:
        return TrivialAugmentWide(interpolation=fixed, fill=fill)
    if name in ('v0', 'v0r'):
        raise _spec_error(spec, "the TPU EfficientNet 'v0' AutoAugment policy has no v2 equivalent")
    raise _spec_error(spec, 'unknown policy')


def _color_jitter(color_jitter: Union[float, Sequence[Any]]) -> Tuple[Any, ...]:
    if isinstance(color_jitter, (list, tuple)):
        if len(color_jitter) not in (3, 4):
            raise InvalidConfigError(
                f"color_jitter must be one number or 3 or 4 values (brightness, contrast, saturation[, hue]), "
                f"got {color_jitter!r}."
            )
        return tuple(color_jitter)
    return (float(color_jitter),) * 3


def _to_tensor_steps(mean: Sequence[float], std: Sequence[float], normalize: bool) -> List[Any]:
    import torch
    from torchvision.transforms import v2

    if not normalize:
        return [v2.ToImage()]
    return [v2.ToImage(), v2.ToDtype(torch.float32, scale=True), v2.Normalize(mean=list(mean), std=list(std))]


def _eval_steps(img_size: Tuple[int, int], interpolation: str, crop_pct: float, crop_mode: str,
                mean: Sequence[float], crop_border_pixels: Optional[int]) -> List[Any]:
    from torchvision.transforms import v2

    from ._v2_ops import CenterCropOrPad, ResizeKeepRatio, TrimBorder

    scale_size = tuple(math.floor(x / crop_pct) for x in img_size)
    mode = v2.InterpolationMode(interpolation)
    steps: List[Any] = [TrimBorder(crop_border_pixels)] if crop_border_pixels else []
    if crop_mode == 'squash':
        steps += [v2.Resize(list(scale_size), interpolation=mode, antialias=True), v2.CenterCrop(list(img_size))]
    elif crop_mode == 'border':
        fill = [round(255 * v) for v in mean]
        steps += [ResizeKeepRatio(scale_size, mode, longest=1.0), CenterCropOrPad(img_size, fill)]
    else:
        if scale_size[0] == scale_size[1]:
            steps.append(v2.Resize(scale_size[0], interpolation=mode, antialias=True))
        else:
            steps.append(ResizeKeepRatio(scale_size, mode, longest=0.0))
        steps.append(v2.CenterCrop(list(img_size)))
    return steps


def _train_steps(
    img_size: Tuple[int, int], scale: Optional[Sequence[float]], ratio: Optional[Sequence[float]], hflip: float,
    vflip: float, color_jitter: Any, color_jitter_prob: Optional[float], grayscale_prob: float,
    gaussian_blur_prob: float, auto_augment: Optional[str], interpolation: str, mean: Sequence[float],
) -> Tuple[List[Any], List[Any]]:
    from torchvision.transforms import v2

    from ._v2_ops import RandomResizedCropRandomInterpolation

    scale = tuple(scale or (0.08, 1.0))
    ratio = tuple(ratio or (3.0 / 4.0, 4.0 / 3.0))
    if interpolation == RANDOM_INTERPOLATION:
        crop: Any = RandomResizedCropRandomInterpolation(
            img_size, scale, ratio, [v2.InterpolationMode.BILINEAR, v2.InterpolationMode.BICUBIC])
    else:
        crop = v2.RandomResizedCrop(list(img_size), scale=scale, ratio=ratio,
                                    interpolation=v2.InterpolationMode(interpolation), antialias=True)
    primary: List[Any] = [crop]
    if hflip > 0:
        primary.append(v2.RandomHorizontalFlip(p=hflip))
    if vflip > 0:
        primary.append(v2.RandomVerticalFlip(p=vflip))

    secondary: List[Any] = []
    disable_color_jitter = False
    if auto_augment:
        if not isinstance(auto_augment, str):
            raise InvalidConfigError(f"auto_augment must be a policy string such as 'rand-m9-mstd0.5-inc1', "
                                     f"got {auto_augment!r}.")
        disable_color_jitter = '3a' not in auto_augment
        secondary.append(_auto_augment(auto_augment, img_size, mean, interpolation))
    if color_jitter is not None and not disable_color_jitter:
        jitter = v2.ColorJitter(*_color_jitter(color_jitter))
        secondary.append(jitter if color_jitter_prob is None else v2.RandomApply([jitter], p=color_jitter_prob))
    if grayscale_prob:
        secondary.append(v2.RandomGrayscale(p=grayscale_prob))
    if gaussian_blur_prob:
        secondary.append(v2.RandomApply([v2.GaussianBlur(kernel_size=23)], p=gaussian_blur_prob))
    return primary, secondary


def _split_input_size(input_size: Any) -> Tuple[Optional[int], Tuple[int, int], bool]:
    """(channels or None, (height, width), whether timm would resize the shorter side only)."""
    if isinstance(input_size, int) and not isinstance(input_size, bool):
        return None, (input_size, input_size), True
    if isinstance(input_size, (tuple, list)) and len(input_size) in (2, 3) \
            and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in input_size):
        channels = input_size[0] if len(input_size) == 3 else None
        return channels, (input_size[-2], input_size[-1]), False
    raise InvalidConfigError(
        f"input_size must be an int, (height, width) or (channels, height, width), got {input_size!r}. "
        "Pass imgzoo.resolve_data_config(model)['input_size']."
    )


def create_transform(
    input_size: InputSize = 224,
    is_training: bool = False,
    no_aug: bool = False,
    train_crop_mode: Optional[str] = None,
    scale: Optional[Sequence[float]] = None,
    ratio: Optional[Sequence[float]] = None,
    hflip: float = 0.5,
    vflip: float = 0.0,
    color_jitter: Union[float, Sequence[Any], None] = 0.4,
    color_jitter_prob: Optional[float] = None,
    grayscale_prob: float = 0.0,
    gaussian_blur_prob: float = 0.0,
    auto_augment: Optional[str] = None,
    interpolation: str = 'bilinear',
    mean: Sequence[float] = IMAGENET_DEFAULT_MEAN,
    std: Sequence[float] = IMAGENET_DEFAULT_STD,
    re_prob: float = 0.0,
    re_mode: str = 'const',
    re_count: int = 1,
    re_num_splits: int = 0,
    crop_pct: Optional[float] = None,
    crop_mode: Optional[str] = None,
    crop_border_pixels: Optional[int] = None,
    use_prefetcher: bool = False,
    normalize: bool = True,
    separate: bool = False,
    **timm_only: Any,
) -> Any:
    """The transform (a `torchvision.transforms.v2.Compose`) timm's `create_transform` builds for the same
    arguments: eval by default, training augmentation with `is_training=True`.

    input_size is an int, (height, width), (channels, height, width), or a data config dict from
    `resolve_data_config` (then `create_transform(cfg, ...)` equals `create_transform(**cfg, ...)`).
    Defaults are timm's (e.g. interpolation 'bilinear'). The transform takes a PIL image, a uint8
    image tensor (C, H, W) or a `tv_tensors.Image`, and returns a float32 tensor (a uint8 one with
    normalize=False or use_prefetcher=True). separate=True (training only) returns the three stages
    (crop and flips, augmentation, tensor conversion) as a tuple, as timm does.
    """
    arguments = dict(locals())
    if isinstance(input_size, Mapping):
        data_config = dict(input_size)
        unknown = sorted(set(data_config) - set(DATA_CONFIG_KEYS))
        if unknown:
            raise InvalidConfigError(
                f"create_transform got keys that are not data config keys: {', '.join(unknown)}. "
                f"Pass imgzoo.resolve_data_config(model) (keys: {', '.join(DATA_CONFIG_KEYS)})."
            )
        given = {k: v for k, v in arguments.items() if k in data_config and k != 'input_size'}
        clashing = sorted(k for k, v in given.items() if v != _DEFAULTS[k])
        if clashing:
            raise InvalidConfigError(
                f"{', '.join(clashing)} given both in the data config and as arguments; "
                "pass each once (e.g. create_transform(**{**data_config, 'crop_pct': 1.0}))."
            )
        kwargs = {k: v for k, v in arguments.items() if k in _DEFAULTS and k != 'input_size'}
        kwargs.update(data_config)
        kwargs.setdefault('input_size', 224)
        return create_transform(**kwargs, **timm_only)

    for name, value in timm_only.items():
        if name not in _UNSUPPORTED_OFF:
            raise InvalidConfigError(
                f"create_transform got an unexpected argument {name!r}. It takes timm's create_transform "
                "arguments (input_size, is_training, scale, ratio, hflip, auto_augment, interpolation, mean, std, "
                "re_prob, crop_pct, ...); a data config goes in as create_transform(**imgzoo.resolve_data_config(model))."
            )
        if value != _UNSUPPORTED_OFF[name]:
            raise InvalidConfigError(
                f"timm's {name}={value!r} has no torchvision.transforms.v2 equivalent in imgzoo; leave it at "
                f"{_UNSUPPORTED_OFF[name]!r}. docs/data.md lists the options imgzoo does not implement."
            )
    from torchvision.transforms import v2

    channels, img_size, shorter_side = _split_input_size(input_size)
    training = is_training and not no_aug
    if interpolation == RANDOM_INTERPOLATION and not training:
        if not is_training:
            raise InvalidConfigError(
                "interpolation='random' is for training transforms (is_training=True); "
                "an eval transform needs one mode such as 'bicubic' or 'bilinear'."
            )
        interpolation = 'bilinear'
    # Validates interpolation, crop settings and per-channel statistics the way resolve_data_config does.
    cfg = resolve_data_config(
        pretrained_cfg={}, input_size=(channels or len(mean), *img_size), crop_pct=crop_pct, crop_mode=crop_mode,
        interpolation='bilinear' if interpolation == RANDOM_INTERPOLATION else interpolation, mean=mean, std=std,
    )
    if separate and not training:
        raise InvalidConfigError("separate=True splits a training transform; use it with is_training=True "
                                 "and no_aug=False.")
    if use_prefetcher:
        normalize = False

    if is_training and no_aug:
        resize_to = img_size[0] if shorter_side else list(img_size)
        steps = [v2.Resize(resize_to, interpolation=v2.InterpolationMode(interpolation), antialias=True),
                 v2.CenterCrop(list(img_size))]
        return v2.Compose(steps + _to_tensor_steps(cfg['mean'], cfg['std'], normalize) + [v2.ToPureTensor()])
    if not is_training:
        steps = _eval_steps(img_size, interpolation, cfg['crop_pct'], cfg['crop_mode'], cfg['mean'],
                            crop_border_pixels)
        return v2.Compose(steps + _to_tensor_steps(cfg['mean'], cfg['std'], normalize) + [v2.ToPureTensor()])

    if (train_crop_mode or 'rrc') not in TRAIN_CROP_MODES:
        raise InvalidConfigError(
            f"train_crop_mode={train_crop_mode!r} (timm's keep-ratio crops, a work in progress there) has no "
            "v2 equivalent in imgzoo; use 'rrc' (random resized crop, the default)."
        )
    if re_mode not in RE_MODES:
        raise InvalidConfigError(f"Unknown re_mode {re_mode!r}; use one of {', '.join(RE_MODES)}.")
    if re_num_splits:
        raise InvalidConfigError(
            "re_num_splits (random erasing split across augmentation splits of a batch) has no v2 equivalent in "
            "imgzoo; leave it at 0."
        )
    if not (isinstance(re_count, int) and re_count >= 1):
        raise InvalidConfigError(f"re_count must be an integer of at least 1, got {re_count!r}.")
    primary, secondary = _train_steps(
        img_size, scale, ratio, hflip, vflip, color_jitter, color_jitter_prob, grayscale_prob, gaussian_blur_prob,
        auto_augment, interpolation, cfg['mean'])
    final = _to_tensor_steps(cfg['mean'], cfg['std'], normalize)
    if re_prob > 0 and normalize:
        from ._v2_ops import RandomErasingTimm

        final.append(RandomErasingTimm(re_prob, mode=re_mode, max_count=re_count))
    final.append(v2.ToPureTensor())
    if separate:
        return v2.Compose(primary), v2.Compose(secondary), v2.Compose(final)
    return v2.Compose(primary + secondary + final)


_DEFAULTS = {
    name: param.default
    for name, param in inspect.signature(create_transform).parameters.items()
    if param.kind is param.POSITIONAL_OR_KEYWORD
}
