"""Feature extraction: which intermediate outputs a backbone returns, and the `features_only` wrapper.

Every model describes its feature taps in `model.feature_info` (a list of dicts with `num_chs`,
`reduction` and `module`, identical to timm's) and returns them from `forward_intermediates`.
`create_model(..., features_only=True)` wraps any model in `FeatureGetterNet`, which prunes what
the chosen taps do not need and returns the feature maps as a list (or a dict keyed by module).
"""
from __future__ import annotations

from copy import deepcopy
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import nn

from .errors import InvalidModelArgsError

IndicesT = Union[int, Sequence[int], None]
OUTPUT_FORMATS = ('NCHW', 'NHWC', 'NLC')
FEATURE_CLASSES = ('getter', 'list', 'dict')


def feature_take_indices(num_features: int, indices: IndicesT = None) -> Tuple[List[int], int]:
    """Absolute feature indices to take, and the largest: None is all, an int n the last n, a list those
    (negative from the end). Same semantics as timm's helper of the same name."""
    if indices is None:
        indices = num_features
    if isinstance(indices, int):
        if not 0 < indices <= num_features:
            raise InvalidModelArgsError(
                f"indices={indices} asks for the last {indices} features, but the model has {num_features}; "
                f"use 1 to {num_features}, or a list of indices.")
        take = [num_features - indices + i for i in range(indices)]
    else:
        take = []
        for i in indices:
            idx = num_features + i if i < 0 else i
            if not 0 <= idx < num_features:
                raise InvalidModelArgsError(
                    f"feature index {i} is out of range: the model has {num_features} features "
                    f"(indices 0 to {num_features - 1}, or -{num_features} to -1).")
            take.append(idx)
        if not take:
            raise InvalidModelArgsError('indices is empty: name at least one feature index.')
    return take, max(take)


def check_output_fmt(output_fmt: str, allowed: Sequence[str] = ('NCHW',)) -> str:
    """The output format if this model can produce it, else InvalidModelArgsError naming the allowed ones."""
    if output_fmt not in allowed:
        raise InvalidModelArgsError(f"output_fmt must be one of {tuple(allowed)} for this model, got {output_fmt!r}.")
    return output_fmt


def _as_index_tuple(out_indices: IndicesT, num_features: int) -> Tuple[int, ...]:
    return tuple(feature_take_indices(num_features, out_indices)[0])


class FeatureInfo:
    """The feature taps a backbone returns: channels, reduction (stride) and module name of each."""

    def __init__(self, feature_info: List[Dict[str, Any]], out_indices: IndicesT = None) -> None:
        previous_reduction = 1
        for i, info in enumerate(feature_info):
            if not ('num_chs' in info and info['num_chs'] > 0 and 'module' in info
                    and info.get('reduction', 0) >= previous_reduction):
                raise ValueError(f"imgzoo bug: feature_info[{i}] = {info} is incomplete or out of order.")
            previous_reduction = info['reduction']
            info.setdefault('index', i)
        self.info = feature_info
        self.out_indices = _as_index_tuple(out_indices, len(feature_info))

    def from_other(self, out_indices: IndicesT) -> 'FeatureInfo':
        return FeatureInfo(deepcopy(self.info), out_indices)

    def get(self, key: str, idx: Union[int, Sequence[int], None] = None) -> Any:
        """Value of key at each output index (idx None), at one feature index, or at a list of them."""
        if idx is None:
            return [self.info[i][key] for i in self.out_indices]
        if isinstance(idx, (tuple, list)):
            return [self.info[i][key] for i in idx]
        return self.info[idx][key]

    def get_dicts(self, keys: Optional[Sequence[str]] = None,
                  idx: Union[int, Sequence[int], None] = None) -> Any:
        indices = self.out_indices if idx is None else idx
        if isinstance(indices, int):
            info = self.info[indices]
            return dict(info) if keys is None else {k: info[k] for k in keys}
        return [dict(self.info[i]) if keys is None else {k: self.info[i][k] for k in keys} for i in indices]

    def channels(self, idx: Union[int, Sequence[int], None] = None) -> Any:
        return self.get('num_chs', idx)

    def reduction(self, idx: Union[int, Sequence[int], None] = None) -> Any:
        return self.get('reduction', idx)

    def module_name(self, idx: Union[int, Sequence[int], None] = None) -> Any:
        return self.get('module', idx)

    def __getitem__(self, item: int) -> Dict[str, Any]:
        return self.info[item]

    def __len__(self) -> int:
        return len(self.info)


class FeatureGetterNet(nn.ModuleDict):
    """A backbone that returns the feature maps at `out_indices` (timm's 'getter' feature class).

    The wrapped model is pruned of what those taps do not need (the head always, later blocks and
    the final norm when unused), and its weights stay under `model.`.
    """

    def __init__(
        self, model: nn.Module, out_indices: IndicesT = None, *, output_fmt: str = 'NCHW', norm: bool = False,
        return_dict: bool = False,
    ) -> None:
        super().__init__()
        num_taps = len(model.feature_info)
        out_indices = model.default_out_indices if out_indices is None else out_indices
        out_indices = model.prune_intermediate_layers(out_indices, prune_norm=not norm, prune_head=True)
        self.feature_info = FeatureInfo(deepcopy(list(model.feature_info)), out_indices)
        if len(self.feature_info) != num_taps:
            raise ValueError('imgzoo bug: prune_intermediate_layers changed feature_info.')
        self.model = model
        self.out_indices = list(self.feature_info.out_indices)
        self.output_fmt = output_fmt
        self.norm = norm
        self.return_dict = return_dict

    def forward(self, x: torch.Tensor) -> Union[List[torch.Tensor], Dict[str, torch.Tensor]]:
        features = self.model.forward_intermediates(
            x, indices=self.out_indices, norm=self.norm, output_fmt=self.output_fmt, intermediates_only=True,
        )
        if self.return_dict:
            return dict(zip(self.feature_info.module_name(), features))
        return features


def create_feature_model(
    model: nn.Module, out_indices: IndicesT = None, feature_cls: str = 'getter', output_fmt: Optional[str] = None,
    norm: bool = False,
) -> FeatureGetterNet:
    """Wrap a model as a backbone returning its feature maps; the head is dropped.

    output_fmt None means the model's native layout (its `output_fmt` attribute, else NCHW), as timm's."""
    if output_fmt is None:
        output_fmt = getattr(model, 'output_fmt', 'NCHW')
    if feature_cls not in FEATURE_CLASSES:
        raise InvalidModelArgsError(
            f"feature_cls must be one of {FEATURE_CLASSES} ('getter' and 'list' return a list of feature maps, "
            f"'dict' a dict keyed by module name), got {feature_cls!r}.")
    if output_fmt not in OUTPUT_FORMATS:
        raise InvalidModelArgsError(f"output_fmt must be one of {OUTPUT_FORMATS}, got {output_fmt!r}.")
    if isinstance(out_indices, list):
        out_indices = tuple(out_indices)
    return FeatureGetterNet(model, out_indices, output_fmt=output_fmt, norm=norm, return_dict=feature_cls == 'dict')
