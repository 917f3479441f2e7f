"""Fit pretrained weights to a model built with other options.

Each adaptation is one small function; `adapt_state_dict` applies them in order and
returns the keys the model must initialise itself (a new classifier).
"""
from __future__ import annotations

import math
from typing import Any, Dict, Mapping, Sequence, Set, Tuple, Union

import torch
from torch import nn

from .errors import StateDictMismatchError

StateDict = Dict[str, torch.Tensor]


def _names(value: Union[str, Sequence[str], None]) -> Tuple[str, ...]:
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def apply_label_offset(state_dict: StateDict, classifiers: Sequence[str], label_offset: int) -> StateDict:
    """Drop the first label_offset classes (e.g. a 1001-class background class) from the classifier."""
    out = dict(state_dict)
    for name in classifiers:
        for suffix in ('.weight', '.bias'):
            key = name + suffix
            if key in out:
                out[key] = out[key][label_offset:]
    return out


def drop_classifier(state_dict: StateDict, classifiers: Sequence[str]) -> Tuple[StateDict, Set[str]]:
    """Remove classifier weights; returns the new dict and the removed keys."""
    dropped = {k for k in state_dict for name in classifiers if k in (f'{name}.weight', f'{name}.bias')}
    return {k: v for k, v in state_dict.items() if k not in dropped}, dropped


def adapt_input_conv(in_chans: int, conv_weight: torch.Tensor, key: str = 'first conv') -> torch.Tensor:
    """Convert first-conv weights trained on 3 channels to in_chans (timm's rule).

    One channel: sum over the RGB filters. Otherwise: repeat the RGB filters, keep the first
    in_chans, and scale by 3 / in_chans so activations keep their magnitude.
    """
    if conv_weight.ndim != 4:
        raise StateDictMismatchError('model', mismatched=[(key, ('Conv2d weight',), tuple(conv_weight.shape))])
    out_ch, src_ch, kh, kw = conv_weight.shape
    if in_chans == src_ch:
        return conv_weight
    dtype = conv_weight.dtype
    weight = conv_weight.float()
    if in_chans == 1:
        if src_ch > 3 and src_ch % 3 == 0:
            weight = weight.reshape(out_ch, src_ch // 3, 3, kh, kw).sum(dim=2)
        else:
            weight = weight.sum(dim=1, keepdim=True)
    else:
        if src_ch != 3:
            raise StateDictMismatchError(
                'model', mismatched=[(f'{key} (in_chans={in_chans})', (out_ch, in_chans, kh, kw), tuple(conv_weight.shape))]
            )
        repeat = int(math.ceil(in_chans / 3))
        weight = weight.repeat(1, repeat, 1, 1)[:, :in_chans, :, :] * (3 / float(in_chans))
    return weight.to(dtype)


def adapt_first_convs(state_dict: StateDict, first_convs: Sequence[str], in_chans: int) -> StateDict:
    """Apply adapt_input_conv to each named first conv present in the state dict."""
    out = dict(state_dict)
    for name in first_convs:
        key = f'{name}.weight'
        if key in out:
            out[key] = adapt_input_conv(in_chans, out[key], key)
    return out


def adapt_state_dict(
    state_dict: StateDict,
    model: nn.Module,
    pretrained_cfg: Mapping[str, Any],
    *,
    num_classes: int,
    in_chans: int,
) -> Tuple[StateDict, Set[str]]:
    """Apply every adaptation the model's options call for; returns (state dict, keys left to initialise)."""
    classifiers = _names(pretrained_cfg.get('classifier'))
    label_offset = pretrained_cfg.get('label_offset') or 0
    pretrained_classes = pretrained_cfg.get('num_classes', 1000)
    if label_offset and num_classes == pretrained_classes - label_offset:
        state_dict = apply_label_offset(state_dict, classifiers, label_offset)
        pretrained_classes = num_classes

    reinit: Set[str] = set()
    if num_classes != pretrained_classes:
        state_dict, dropped = drop_classifier(state_dict, classifiers)
        if num_classes > 0:
            reinit = {k for k, _ in model.state_dict(keep_vars=True).items() for name in classifiers
                      if k.startswith(name + '.')}

    pretrained_in_chans = int((pretrained_cfg.get('input_size') or (3,))[0])
    if in_chans != pretrained_in_chans:
        state_dict = adapt_first_convs(state_dict, _names(pretrained_cfg.get('first_conv')), in_chans)

    model_hook = getattr(model, 'adapt_pretrained_state_dict', None)
    if callable(model_hook):
        state_dict = model_hook(state_dict)
    return state_dict, reinit
