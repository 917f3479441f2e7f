"""What both sources produce: a parsed `config.json` and the location of weight files."""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Literal, Mapping, Optional

from ..errors import ConfigNotFoundError, InvalidConfigError
from ..pretrained import PROVENANCE_FIELDS, WEIGHT_POINTER_FIELDS, apply_aliases

CONFIG_NAME = 'config.json'
SAFE_WEIGHTS_NAME = 'model.safetensors'
SAFE_WEIGHTS_INDEX_NAME = 'model.safetensors.index.json'
PICKLE_WEIGHTS_NAME = 'pytorch_model.bin'
PICKLE_WEIGHTS_INDEX_NAME = 'pytorch_model.bin.index.json'
PICKLE_SUFFIXES = ('.pth', '.pt', '.bin', '.ckpt')
MANIFEST_NAME = 'checksums.sha256'
MARKER_NAME = '.imgzoo'
# The files imgzoo writes into a model folder: replaced by a save with overwrite=True, while every other file
# of the folder (a user's notes.txt, a README) is kept.
MODEL_FILE_PATTERN = re.compile(
    r'(config\.json|model\.safetensors(\.index\.json)?|model-\d{5}-of-\d{5}\.safetensors'
    r'|pytorch_model\.bin(\.index\.json)?|pytorch_model-\d{5}-of-\d{5}\.bin|checksums\.sha256|\.imgzoo)'
)
# Where weights come from is decided by the folder or repository being loaded and recorded by imgzoo,
# never read from a config.json: these keys are ignored there (as timm does for hub and folder sources).
IGNORED_CFG_KEYS = (*PROVENANCE_FIELDS, *WEIGHT_POINTER_FIELDS)
# Fields with a default that null in a config.json leaves at that default (they cannot be None).
DEFAULTED_CFG_KEYS = (
    'input_size', 'interpolation', 'crop_pct', 'crop_mode', 'mean', 'std', 'fixed_input_size', 'custom_load',
)


@dataclass
class ModelConfig:
    """The parts of a timm-format `config.json` that build and describe a model."""

    architecture: str
    model_args: Dict[str, Any] = field(default_factory=dict)
    pretrained_cfg: Dict[str, Any] = field(default_factory=dict)
    origin: str = ''


@dataclass
class WeightsLocation:
    """One weights file, or the shards of an indexed checkpoint, and their format."""

    files: List[Path]
    format: Literal['safetensors', 'pickle']
    index_file: Optional[Path] = None
    provenance: Dict[str, Any] = field(default_factory=dict)  # PretrainedCfg provenance fields for these files


def read_config_file(path: Path, origin: str = '') -> ModelConfig:
    """Read and validate a `config.json`; errors give the file, and line and column for bad JSON."""
    where = str(path.parent) if not origin or origin == str(path) else origin
    origin = origin or str(path)
    if not path.exists():
        raise ConfigNotFoundError(
            f"No config.json in {where}. A model folder needs the config.json that "
            "imgzoo.save_pretrained or timm's save_for_hf writes next to the weights.", path=path.parent,
            filename=CONFIG_NAME,
        )
    try:
        text = path.read_text(encoding='utf-8')
    except UnicodeDecodeError as e:
        raise InvalidConfigError(f"{origin} is not UTF-8 text ({e}); it cannot be a config.json.", path=path) from None
    except OSError as e:
        raise ConfigNotFoundError(f"Cannot read {origin}: {e.strerror or e}.", path=path) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidConfigError(
            f"{origin} is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}. "
            "Fix the file or write it again with imgzoo.save_pretrained.", path=path,
        ) from None
    return parse_model_config(raw, origin)


def _expect(value: Any, types: tuple, what: str, origin: str) -> None:
    if not isinstance(value, types) or isinstance(value, bool) and bool not in types:
        names = ' or '.join(t.__name__ for t in types)
        raise InvalidConfigError(
            f"{origin}: '{what}' must be {names}, got {type(value).__name__} ({value!r:.80}).", field=what)


def parse_model_config(raw: Any, origin: str = 'config.json') -> ModelConfig:
    """Interpret timm's config format (nested, or the older flat form that is the pretrained cfg itself)."""
    if not isinstance(raw, dict):
        raise InvalidConfigError(f"{origin} must hold a JSON object, got {type(raw).__name__}.")
    raw = dict(raw)
    if 'pretrained_cfg' not in raw:
        pretrained_cfg = dict(raw)
        architecture = pretrained_cfg.pop('architecture', None)
        pretrained_cfg.pop('num_features', None)
        model_args: Any = {}
        top: Dict[str, Any] = {}
    else:
        pretrained_cfg = raw['pretrained_cfg']
        _expect(pretrained_cfg, (dict,), 'pretrained_cfg', origin)
        pretrained_cfg = dict(pretrained_cfg)
        architecture = raw.get('architecture')
        model_args = raw.get('model_args', {}) or {}
        top = raw
    if architecture is None:
        raise InvalidConfigError(
            f"{origin} has no 'architecture' field, so imgzoo cannot tell which model to build. "
            "Add e.g. \"architecture\": \"resnet50\"."
        )
    _expect(architecture, (str,), 'architecture', origin)
    _expect(model_args, (dict,), 'model_args', origin)
    if 'num_classes' in top:
        _expect(top['num_classes'], (int,), 'num_classes', origin)
        pretrained_cfg['num_classes'] = top['num_classes']
    if 'num_classes' in pretrained_cfg:
        _expect(pretrained_cfg['num_classes'], (int,), 'pretrained_cfg.num_classes', origin)
    for key in ('label_names', 'label_descriptions'):
        if key in top:
            pretrained_cfg[key] = top[key]
    pretrained_cfg = apply_aliases(pretrained_cfg)
    if 'label_names' in pretrained_cfg and pretrained_cfg['label_names'] is not None:
        _expect(pretrained_cfg['label_names'], (list, dict), 'label_names', origin)
    if 'label_descriptions' in pretrained_cfg and pretrained_cfg['label_descriptions'] is not None:
        _expect(pretrained_cfg['label_descriptions'], (dict,), 'label_descriptions', origin)
    for key in ('input_size', 'test_input_size', 'mean', 'std'):
        value = pretrained_cfg.get(key)
        if value is not None:
            _expect(value, (list, tuple), f'pretrained_cfg.{key}', origin)
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
                raise InvalidConfigError(f"{origin}: 'pretrained_cfg.{key}' must be a list of numbers, got {value!r:.80}.")
    for key in ('crop_pct', 'test_crop_pct'):
        value = pretrained_cfg.get(key)
        if value is not None:
            _expect(value, (int, float), f'pretrained_cfg.{key}', origin)
    for key in ('interpolation', 'crop_mode'):
        value = pretrained_cfg.get(key)
        if value is not None:
            _expect(value, (str,), f'pretrained_cfg.{key}', origin)
    for key in IGNORED_CFG_KEYS:
        pretrained_cfg.pop(key, None)
    for key in DEFAULTED_CFG_KEYS:
        if key in pretrained_cfg and pretrained_cfg[key] is None:
            del pretrained_cfg[key]
    _check_values(model_args, pretrained_cfg, origin)
    if 'in_chans' in model_args and model_args['in_chans'] is not None and 'input_size' in pretrained_cfg:
        pretrained_cfg['input_size'] = [model_args['in_chans'], *pretrained_cfg['input_size'][1:]]
    model_args = {k: v for k, v in model_args.items() if k != 'num_classes'}
    return ModelConfig(architecture=architecture, model_args=model_args, pretrained_cfg=pretrained_cfg, origin=origin)


# Largest value a size field can sensibly take: a config or argument beyond these would ask for more memory than
# any machine has (a billion classes), so it is refused before anything is allocated, naming the field.
SIZE_LIMITS: Dict[str, int] = {
    'num_classes': 10_000_000, 'in_chans': 4096, 'img_size': 16384, 'input_size': 16384, 'patch_size': 4096,
    'embed_dim': 65536, 'num_features': 65536, 'hidden_size': 65536, 'width': 65536, 'widths': 65536,
    'dims': 65536, 'channels': 65536, 'head_hidden_size': 65536, 'mlp_ratio': 256, 'num_heads': 4096,
    'depth': 4096, 'depths': 4096, 'layers': 4096, 'base_width': 65536, 'stem_width': 65536,
    'cardinality': 65536,
}


def size_violations(values: Mapping[str, Any], prefix: str = '') -> List[str]:
    """'field = value (at most N)' for each size field in values that exceeds its limit in SIZE_LIMITS."""
    found = []
    for key, value in values.items():
        limit = SIZE_LIMITS.get(key)
        if limit is None:
            continue
        numbers = value if isinstance(value, (list, tuple)) else [value]
        if any(isinstance(v, (int, float)) and not isinstance(v, bool) and v > limit for v in numbers):
            found.append(f"{prefix}{key} = {value!r:.60} (at most {limit})")
    return found


def _check_values(model_args: Dict[str, Any], cfg: Dict[str, Any], origin: str) -> None:
    """Value checks beyond types, for the fields the loader computes with."""
    too_large = (size_violations({'num_classes': cfg.get('num_classes')}) + size_violations(model_args, 'model_args.')
                 + size_violations({k: v for k, v in cfg.items() if k in ('input_size', 'test_input_size')},
                                   'pretrained_cfg.'))
    if too_large:
        raise InvalidConfigError(
            f"{origin}: {'; '.join(too_large)}: larger than any real model, refused before allocating memory. "
            "Fix the config.json.", field=too_large[0].split(' = ')[0],
        )
    def bad(what: str, need: str, value: Any) -> InvalidConfigError:
        return InvalidConfigError(f"{origin}: '{what}' must be {need}, got {value!r:.80}.", field=what)

    def is_int(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    if 'num_classes' in cfg and cfg['num_classes'] < 0:
        raise bad('num_classes', '0 or more', cfg['num_classes'])
    in_chans = model_args.get('in_chans')
    if in_chans is not None and not (is_int(in_chans) and in_chans >= 1):
        raise bad('model_args.in_chans', 'a whole number of 1 or more', in_chans)
    for key in ('input_size', 'test_input_size', 'min_input_size'):
        value = cfg.get(key)
        if value is not None and not (isinstance(value, (list, tuple)) and len(value) == 3
                                      and all(is_int(v) and v > 0 for v in value)):
            raise bad(f'pretrained_cfg.{key}', '[channels, height, width] of positive whole numbers', value)
    for key in ('mean', 'std'):
        value = cfg.get(key)
        if value is not None and not (value and all(math.isfinite(v) for v in value)):
            raise bad(f'pretrained_cfg.{key}', 'a non-empty list of finite numbers', value)
    for key in ('crop_pct', 'test_crop_pct'):
        value = cfg.get(key)
        if value is not None and not (math.isfinite(value) and value > 0):
            raise bad(f'pretrained_cfg.{key}', 'a positive finite number', value)
    for key in ('first_conv', 'classifier'):
        value = cfg.get(key)
        if value is not None and not (isinstance(value, str) or isinstance(value, (list, tuple))
                                      and all(isinstance(v, str) for v in value)):
            raise bad(f'pretrained_cfg.{key}', 'a module name or a list of module names', value)
    label_offset = cfg.get('label_offset')
    if label_offset is not None and not (is_int(label_offset) and label_offset >= 0):
        raise bad('pretrained_cfg.label_offset', 'a whole number of 0 or more', label_offset)
    filename = cfg.get('hf_hub_filename')
    if filename is not None and not (isinstance(filename, str) and filename and not filename.startswith('/')
                                     and '\\' not in filename and '..' not in filename.split('/')):
        raise bad('pretrained_cfg.hf_hub_filename', 'a file name inside the repository', filename)


def read_index(index_path: Path, origin: str) -> List[str]:
    """Shard file names listed by a hub-format `*.index.json` (`weight_map`), in first-seen order."""
    try:
        index = json.loads(index_path.read_text(encoding='utf-8'))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InvalidConfigError(f"{origin} is not a valid shard index: {e}.") from None
    weight_map = index.get('weight_map') if isinstance(index, dict) else None
    if not isinstance(weight_map, dict) or not weight_map:
        raise InvalidConfigError(f"{origin} has no 'weight_map' object listing tensor names and shard files.")
    shards: List[str] = []
    for shard in weight_map.values():
        if not isinstance(shard, str) or '/' in shard or '\\' in shard or shard in ('', '.', '..'):
            raise InvalidConfigError(f"{origin} names an invalid shard file {shard!r}.")
        if shard not in shards:
            shards.append(shard)
    return shards
