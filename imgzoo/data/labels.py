"""Class names for a model's outputs.

A folder's own `label_names` (with `label_descriptions`, which map a name to a readable
description) come first. Otherwise a 1000-class model (or 1001 with `label_offset=1`, index 0
being background) gets the ImageNet-1k names shipped in `imagenet1k_classes.txt`; any other
classifier gets `class N`.

`imagenet1k_classes.txt` holds the 1000 ImageNet-1k class names in class-index order, one per
line, copied from torchvision's ImageNet category list (`torchvision/models/_meta.py`,
BSD-3-Clause), whose names are WordNet lemmas made unique (e.g. 'crane bird' and 'crane').
"""
from __future__ import annotations

import functools
from importlib import resources
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ..pretrained import PretrainedCfg

IMAGENET_CLASSES_FILE = 'imagenet1k_classes.txt'
IMAGENET_NUM_CLASSES = 1000


@functools.lru_cache(maxsize=1)
def _imagenet_names() -> Tuple[str, ...]:
    text = resources.files(__package__).joinpath(IMAGENET_CLASSES_FILE).read_text(encoding='utf-8')
    names = tuple(line.strip() for line in text.splitlines() if line.strip())
    assert len(names) == IMAGENET_NUM_CLASSES, f'{IMAGENET_CLASSES_FILE} has {len(names)} names, expected 1000'
    return names


def imagenet_class_names() -> List[str]:
    """The 1000 ImageNet-1k class names, in class-index order."""
    return list(_imagenet_names())


def _cfg_dict(source: Any) -> Dict[str, Any]:
    if isinstance(source, PretrainedCfg):
        return source.to_dict()
    if isinstance(source, Mapping):
        return dict(source)
    cfg = getattr(source, 'pretrained_cfg', None)
    if isinstance(cfg, PretrainedCfg):
        return cfg.to_dict()
    return dict(cfg or {})


def _configured_names(cfg: Mapping[str, Any], num_classes: int) -> Optional[List[str]]:
    names = cfg.get('label_names')
    if isinstance(names, Mapping):
        try:
            by_index = {int(k): str(v) for k, v in names.items()}
        except (TypeError, ValueError):
            return None
        if sorted(by_index) != list(range(num_classes)):
            return None
        names = [by_index[i] for i in range(num_classes)]
    if not isinstance(names, (list, tuple)) or len(names) != num_classes:
        return None
    descriptions = cfg.get('label_descriptions')
    if isinstance(descriptions, Mapping):
        return [str(descriptions.get(name, name)) for name in names]
    return [str(name) for name in names]


def resolve_label_names(source: Any, num_classes: Optional[int] = None) -> Tuple[List[str], str]:
    """Names for each output of a model (or for a pretrained config) and where they came from.

    source is a model built by imgzoo, its `pretrained_cfg` dict or a PretrainedCfg. num_classes
    defaults to the model's or config's. The second value is 'config', 'imagenet-1k' or 'index'.
    """
    cfg = _cfg_dict(source)
    if num_classes is None:
        num_classes = int(getattr(source, 'num_classes', None) or cfg.get('num_classes') or 0)
    configured = _configured_names(cfg, num_classes)
    if configured is not None:
        return configured, 'config'
    offset = int(cfg.get('label_offset') or 0)
    if num_classes == IMAGENET_NUM_CLASSES + offset and offset in (0, 1):
        return ['background'] * offset + imagenet_class_names(), 'imagenet-1k'
    return [f'class {i}' for i in range(num_classes)], 'index'


def get_label_names(source: Any, num_classes: Optional[int] = None) -> List[str]:
    """Names for each output of a model or pretrained config (see `resolve_label_names`)."""
    return resolve_label_names(source, num_classes)[0]
