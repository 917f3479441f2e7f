"""The model contract every family implements, and the small helpers it is built from.

A family's model class subclasses `ImgzooModel` and, with timm's names, arguments and results:

- attributes `num_classes`, `num_features`, `head_hidden_size`, `feature_info` (a list of
  `dict(num_chs=, reduction=, module=)`, one per feature tap, identical to timm's), `grad_checkpointing`;
- `forward_features(x)`, `forward_head(x, pre_logits=False)`, `forward(x)` (provided);
- `forward_intermediates(x, indices=None, norm=False, stop_early=False, output_fmt='NCHW',
  intermediates_only=False)`: the final features and the feature maps at `indices` (None all, int the
  last n, list those); ViT-style models return NCHW maps with prefix tokens removed;
- `prune_intermediate_layers(indices=1, prune_norm=False, prune_head=True) -> list of kept indices`;
- `get_classifier()`, `reset_classifier(num_classes, global_pool=None)`;
- `set_grad_checkpointing(enable=True)` (provided: sets `grad_checkpointing`; override to reach nested
  stages), `group_matcher(coarse=False)` (timm's regex dict), `no_weight_decay()` (provided: empty);
- `default_out_indices`: the taps `features_only=True` returns when no `out_indices` is given (timm's
  default for the family; provided: every tap).

Constructors run under `imgzoo.meta.meta_device()` when weights follow: no reads of tensor values;
buffers that checkpoints do not store are (re)computed in `init_non_persistent_buffers()`. Argument
values a model cannot take raise `InvalidModelArgsError`. Feature wrapping, weights and configs are
the factory's job, never the family's.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Sequence, Set, Tuple, Union

import torch
from torch import nn
from torch.utils.checkpoint import checkpoint as _torch_checkpoint

CONTRACT_ATTRIBUTES = ('num_classes', 'num_features', 'head_hidden_size', 'feature_info', 'grad_checkpointing')
CONTRACT_METHODS = (
    'forward_features', 'forward_head', 'forward_intermediates', 'prune_intermediate_layers', 'get_classifier',
    'reset_classifier', 'set_grad_checkpointing', 'group_matcher', 'no_weight_decay',
)


class ImgzooModel(nn.Module):
    """Base class of every imgzoo model: the shared half of the contract (see the module docstring)."""

    grad_checkpointing: bool = False
    feature_info: List[Dict[str, Any]]

    @property
    def default_out_indices(self) -> Union[int, Tuple[int, ...]]:
        return tuple(range(len(self.feature_info)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))

    def set_grad_checkpointing(self, enable: bool = True) -> None:
        """Recompute block activations in the backward pass instead of storing them (less memory)."""
        self.grad_checkpointing = enable

    def no_weight_decay(self) -> Set[str]:
        """Parameter names that optimisers should not decay (timm's convention)."""
        return set()


def checkpoint(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run function with activation checkpointing (non-reentrant)."""
    return _torch_checkpoint(function, *args, use_reentrant=False, **kwargs)


def checkpoint_seq(
    functions: Union[nn.Sequential, Sequence[Callable[..., Any]]], x: torch.Tensor, every: int = 1,
    flatten: bool = False, skip_last: bool = False,
) -> torch.Tensor:
    """Run a sequence of modules, checkpointing each segment of `every` of them (timm's helper)."""
    if isinstance(functions, nn.Sequential):
        functions = list(functions.children())
        if flatten:
            functions = [m for seq in functions for m in (seq.children() if isinstance(seq, nn.Sequential) else [seq])]
    functions = list(functions)
    num_checkpointed = len(functions) - (1 if skip_last else 0)

    def run_segment(start: int, end: int) -> Callable[[torch.Tensor], torch.Tensor]:
        def forward(inp: torch.Tensor) -> torch.Tensor:
            for j in range(start, end + 1):
                inp = functions[j](inp)
            return inp
        return forward

    end = -1
    for start in range(0, num_checkpointed, every):
        end = min(start + every - 1, num_checkpointed - 1)
        x = checkpoint(run_segment(start, end), x)
    for j in range(end + 1, len(functions)):
        x = functions[j](x)
    return x


def stage_feature_info(channels: Iterable[int], reductions: Iterable[int], modules: Iterable[str]) -> List[Dict[str, Any]]:
    """feature_info entries from parallel lists of channels, reductions and module names."""
    return [dict(num_chs=int(c), reduction=int(r), module=m) for c, r, m in zip(channels, reductions, modules)]


def to_nchw_maps(tokens: torch.Tensor, num_prefix_tokens: int, grid: Tuple[int, int]) -> torch.Tensor:
    """(B, prefix + H*W, C) tokens as a (B, C, H, W) map, prefix tokens dropped."""
    batch, _, channels = tokens.shape
    spatial = tokens[:, num_prefix_tokens:]
    return spatial.reshape(batch, grid[0], grid[1], channels).permute(0, 3, 1, 2).contiguous()

