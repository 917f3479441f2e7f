"""The pretrained configuration: which weights, from where, and how to preprocess for them.

Field names and meanings follow timm's `PretrainedCfg`, so a `pretrained_cfg` block in a
`config.json` written by timm reads here unchanged, and the other way round. imgzoo adds
provenance fields (`source`, `hf_hub_revision`, `hf_hub_commit`, `weights_files`) that record
where the loaded weights came from; they are dropped when a folder is saved.
"""
from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Union

IMAGENET_DEFAULT_MEAN = (0.485, 0.456, 0.406)
IMAGENET_DEFAULT_STD = (0.229, 0.224, 0.225)
IMAGENET_INCEPTION_MEAN = (0.5, 0.5, 0.5)
IMAGENET_INCEPTION_STD = (0.5, 0.5, 0.5)
OPENAI_CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_CLIP_STD = (0.26862954, 0.26130258, 0.27577711)

# Where the loaded weights came from, recorded by imgzoo when it loads them; never read from a config.json and
# never written into a saved folder.
PROVENANCE_FIELDS = ('source', 'hf_hub_revision', 'hf_hub_commit', 'weights_files', 'local_dir')
# Fields that point at weights elsewhere: honoured from imgzoo's own tables and pretrained_cfg_overlay, ignored in
# a config.json (the folder's or repository's own weights load, as in timm), dropped when saving.
WEIGHT_POINTER_FIELDS = ('file', 'url', 'state_dict')
# Other spellings of fields that configs in the wild use.
FIELD_ALIASES = {'labels': 'label_names'}


def apply_aliases(values: Mapping[str, Any]) -> Dict[str, Any]:
    """values with aliased keys (e.g. 'labels') under their field names, unless the field is already given."""
    out = dict(values)
    for alias, name in FIELD_ALIASES.items():
        if alias in out and name not in out:
            out[name] = out.pop(alias)
    return out


@dataclass
class PretrainedCfg:
    """One pretrained configuration (timm's fields plus imgzoo's provenance)."""

    hf_hub_id: Optional[str] = None
    hf_hub_filename: Optional[str] = None
    url: Optional[str] = None
    file: Optional[str] = None
    state_dict: Optional[Dict[str, Any]] = None
    source: Optional[str] = None
    hf_hub_revision: Optional[str] = None
    hf_hub_commit: Optional[str] = None
    weights_files: Optional[Tuple[str, ...]] = None
    local_dir: Optional[str] = None

    architecture: Optional[str] = None
    tag: Optional[str] = None
    custom_load: bool = False

    input_size: Tuple[int, int, int] = (3, 224, 224)
    test_input_size: Optional[Tuple[int, int, int]] = None
    min_input_size: Optional[Tuple[int, int, int]] = None
    fixed_input_size: bool = False
    interpolation: str = 'bicubic'
    crop_pct: float = 0.875
    test_crop_pct: Optional[float] = None
    crop_mode: str = 'center'
    mean: Tuple[float, ...] = IMAGENET_DEFAULT_MEAN
    std: Tuple[float, ...] = IMAGENET_DEFAULT_STD

    num_classes: int = 1000
    label_offset: Optional[int] = None
    label_names: Optional[Sequence[str]] = None
    label_descriptions: Optional[Dict[str, str]] = None

    pool_size: Optional[Tuple[int, ...]] = None
    test_pool_size: Optional[Tuple[int, ...]] = None
    first_conv: Optional[Union[str, Tuple[str, ...]]] = None
    classifier: Optional[Union[str, Tuple[str, ...]]] = None

    license: Optional[str] = None
    description: Optional[str] = None
    origin_url: Optional[str] = None
    paper_name: Optional[str] = None
    paper_ids: Optional[str] = None
    notes: Optional[Tuple[str, ...]] = None

    extra: Dict[str, Any] = field(default_factory=dict)

    @property
    def has_weights(self) -> bool:
        """Whether this configuration says where weights can be found."""
        return bool(self.hf_hub_id or self.file or self.state_dict is not None)

    def to_dict(self, drop_none: bool = False) -> Dict[str, Any]:
        """A plain dict (extra keys merged in), as attached to models as `model.pretrained_cfg`."""
        out: Dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name == 'extra':
                continue
            value = getattr(self, f.name)
            if drop_none and value is None:
                continue
            out[f.name] = value
        out.update(self.extra)
        return out


KNOWN_FIELDS = frozenset(f.name for f in dataclasses.fields(PretrainedCfg) if f.name != 'extra')
_TUPLE_FIELDS = ('input_size', 'test_input_size', 'min_input_size', 'mean', 'std', 'pool_size', 'test_pool_size')


def cfg_from_dict(values: Mapping[str, Any], *, warn_unknown: bool = False, origin: str = '') -> PretrainedCfg:
    """Build a PretrainedCfg from a mapping; keys timm does not define are kept in `extra`."""
    known: Dict[str, Any] = {}
    extra: Dict[str, Any] = {}
    for key, value in apply_aliases(values).items():
        if key in KNOWN_FIELDS:
            known[key] = tuple(value) if key in _TUPLE_FIELDS and isinstance(value, list) else value
        else:
            extra[key] = value
    if isinstance(known.get('first_conv'), list):
        known['first_conv'] = tuple(known['first_conv'])
    if isinstance(known.get('classifier'), list):
        known['classifier'] = tuple(known['classifier'])
    if warn_unknown and extra:
        warnings.warn(
            f"Unknown pretrained_cfg keys {sorted(extra)}{f' in {origin}' if origin else ''}: kept as given, "
            "but imgzoo does not use them.",
            stacklevel=3,
        )
    return PretrainedCfg(**known, extra=extra)


def apply_overlay(cfg: PretrainedCfg, overlay: Optional[Mapping[str, Any]]) -> PretrainedCfg:
    """Return cfg with the fields in overlay replaced; unknown keys are kept and warned about."""
    if not overlay:
        return cfg
    merged = cfg.to_dict()
    merged.update(overlay)
    return cfg_from_dict(merged, warn_unknown=bool(set(overlay) - KNOWN_FIELDS), origin='pretrained_cfg_overlay')


def strip_provenance(cfg_dict: Mapping[str, Any]) -> Dict[str, Any]:
    """A pretrained_cfg dict without where-it-came-from fields, for writing into a new folder."""
    dropped = {*PROVENANCE_FIELDS, *WEIGHT_POINTER_FIELDS, 'hf_hub_id', 'hf_hub_filename'}
    return {k: v for k, v in cfg_dict.items() if k not in dropped}
