"""Parameter groups for fine-tuning: weight decay and layer-wise learning-rate decay.

Groups follow the model's `group_matcher()` exactly as timm's optimiser helpers do, so the same
model gets the same groups and learning-rate scales in imgzoo and timm.
"""
from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from typing import Any, Callable, Collection, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from torch import nn

MATCH_PREV_GROUP = (99999,)
"""A group-matcher suffix meaning 'same layer as the previous group' (timm's convention)."""

GroupMatcher = Union[Mapping[str, Any], Callable[[str], Any]]


def _compile_matcher(group_matcher: Mapping[str, Any]) -> List[Tuple['re.Pattern[str]', Tuple[int, ...], Any]]:
    compiled = []
    for ordinal, spec in enumerate(group_matcher.values()):
        if spec is None:
            continue
        if isinstance(spec, (tuple, list)):
            compiled += [(re.compile(pattern), (ordinal,), suffix) for pattern, suffix in spec]
        else:
            compiled.append((re.compile(spec), (ordinal,), None))
    return compiled


def group_with_matcher(names: Iterable[str], group_matcher: GroupMatcher) -> Dict[int, List[str]]:
    """Layer id -> names, layers numbered from the input side by the matcher's ordinals."""
    compiled = _compile_matcher(group_matcher) if isinstance(group_matcher, Mapping) else None

    def ordinal_of(name: str) -> Tuple[float, ...]:
        if compiled is None:
            value = group_matcher(name)  # type: ignore[operator]
            return tuple(value) if isinstance(value, (tuple, list)) else (value,)
        for pattern, prefix, suffix in compiled:
            match = pattern.match(name)
            if match:
                parts = (prefix, match.groups(), suffix)
                return tuple(float(p) for part in parts if part for p in part if p is not None)
        return (float('inf'),)

    grouping: Dict[Tuple[float, ...], List[str]] = defaultdict(list)
    for name in names:
        grouping[ordinal_of(name)].append(name)
    layers: Dict[int, List[str]] = defaultdict(list)
    layer_id = -1
    for key in sorted(grouping):
        if layer_id < 0 or key[-1] != MATCH_PREV_GROUP[0]:
            layer_id += 1
        layers[layer_id].extend(grouping[key])
    return dict(layers)


def layer_map(model: nn.Module, coarse: bool = False) -> Dict[str, int]:
    """Parameter name -> layer id from the model's group_matcher (input side is 0)."""
    groups = group_with_matcher((n for n, _ in model.named_parameters()), model.group_matcher(coarse=coarse))
    return {name: layer for layer, names in groups.items() for name in names}


def _matches(name: str, patterns: Collection[str]) -> bool:
    return any(fnmatch.fnmatch(name, p) for p in patterns)


def param_groups_layer_decay(
    model: nn.Module,
    weight_decay: float = 0.05,
    no_weight_decay_list: Optional[Collection[str]] = None,
    layer_decay: float = 0.75,
    min_scale: float = 0.0,
    weight_decay_exclude_1d: bool = True,
) -> List[Dict[str, Any]]:
    """Optimizer parameter groups with an `lr_scale` of layer_decay ** (layers above) per layer.

    Parameters with at most one dimension, and those matching `no_weight_decay_list` (shell patterns;
    default: the model's own `no_weight_decay()`), get no weight decay. Scale the learning rate of each
    group by its `lr_scale` in the training loop or scheduler, as with timm.
    """
    if no_weight_decay_list is None:
        no_weight_decay_list = model.no_weight_decay() if hasattr(model, 'no_weight_decay') else ()
    layers = layer_map(model)
    num_layers = max(layers.values()) + 1 if layers else 1
    layer_max = num_layers - 1
    scales = [max(min_scale, layer_decay ** (layer_max - i)) for i in range(num_layers)]
    groups: Dict[str, Dict[str, Any]] = {}
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        no_decay = (weight_decay_exclude_1d and param.ndim <= 1) or _matches(name, no_weight_decay_list)
        layer_id = layers.get(name, layer_max)
        key = f"layer_{layer_id}_{'no_decay' if no_decay else 'decay'}"
        group = groups.setdefault(key, {
            'lr_scale': scales[layer_id], 'weight_decay': 0.0 if no_decay else weight_decay, 'params': [],
            'param_names': [],
        })
        group['params'].append(param)
        group['param_names'].append(name)
    return list(groups.values())


def param_groups_weight_decay(
    model: nn.Module, weight_decay: float = 1e-5, no_weight_decay_list: Optional[Collection[str]] = None,
) -> List[Dict[str, Any]]:
    """Two groups: decayed weights, and biases / norm parameters / `no_weight_decay_list` without decay."""
    if no_weight_decay_list is None:
        no_weight_decay_list = model.no_weight_decay() if hasattr(model, 'no_weight_decay') else ()
    decay, no_decay = [], []
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        skip = param.ndim <= 1 or name.endswith('.bias') or _matches(name, no_weight_decay_list)
        (no_decay if skip else decay).append(param)
    return [g for g in ({'params': no_decay, 'weight_decay': 0.0}, {'params': decay, 'weight_decay': weight_decay})
            if g['params']]
