"""The eval transform for a data config, built on `torchvision.transforms.v2`.

On PIL images the output equals timm's eval transform for the same config: resize (shorter
side, both sides, or longer side, by crop mode) to size / crop_pct with the configured
interpolation, centre crop (padding with the mean colour in `border` mode), scale to [0, 1]
floats and normalise.
"""
from __future__ import annotations

import math
from typing import Any, List, Mapping

from ..errors import InvalidConfigError
from .config import DATA_CONFIG_KEYS, resolve_data_config


def create_transform(data_config: Mapping[str, Any]) -> Any:
    """The eval transform (a `torchvision.transforms.v2.Compose`) for a data config.

    Takes what `resolve_data_config` returns; missing keys get timm's defaults. The transform
    accepts a PIL image, a uint8 image tensor (C, H, W) or a `tv_tensors.Image`, and returns a
    float32 tensor of shape input_size.
    """
    import torch
    from torchvision.transforms import v2

    from ._v2_ops import CenterCropOrPad, ResizeKeepRatio

    if not isinstance(data_config, Mapping):
        raise InvalidConfigError(
            f"create_transform takes a data config dict, got {type(data_config).__name__}. "
            "Build one with imgzoo.resolve_data_config(model)."
        )
    unknown = sorted(set(data_config) - set(DATA_CONFIG_KEYS))
    if unknown:
        raise InvalidConfigError(
            f"create_transform got keys that are not data config keys: {', '.join(unknown)}. "
            f"Pass imgzoo.resolve_data_config(model) (keys: {', '.join(DATA_CONFIG_KEYS)})."
        )
    cfg = resolve_data_config(pretrained_cfg={}, **data_config)
    img_size = tuple(cfg['input_size'][1:])
    scale_size = tuple(math.floor(x / cfg['crop_pct']) for x in img_size)
    interpolation = v2.InterpolationMode(cfg['interpolation'])

    steps: List[Any] = []
    if cfg['crop_mode'] == 'squash':
        steps += [v2.Resize(list(scale_size), interpolation=interpolation, antialias=True),
                  v2.CenterCrop(list(img_size))]
    elif cfg['crop_mode'] == 'border':
        fill = [round(255 * v) for v in cfg['mean']]
        steps += [ResizeKeepRatio(scale_size, interpolation, longest=1.0), CenterCropOrPad(img_size, fill)]
    else:
        if scale_size[0] == scale_size[1]:
            steps.append(v2.Resize(scale_size[0], interpolation=interpolation, antialias=True))
        else:
            steps.append(ResizeKeepRatio(scale_size, interpolation, longest=0.0))
        steps.append(v2.CenterCrop(list(img_size)))
    steps += [
        v2.ToImage(),
        v2.ToDtype(torch.float32, scale=True),
        v2.Normalize(mean=list(cfg['mean']), std=list(cfg['std'])),
        v2.ToPureTensor(),
    ]
    return v2.Compose(steps)
