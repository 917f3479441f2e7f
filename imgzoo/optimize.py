"""Inference-only rewrites of a model: BatchNorm folded into the convolution before it, re-parameterisable
branches folded, channels_last memory format, an optional lower precision.

The rewritten model computes the same function (within float rounding) and keeps its class, methods,
`pretrained_cfg` and `feature_info`; its state dict no longer matches the architecture's, so it is
for inference, not for saving or training.
"""
from __future__ import annotations

import copy
import warnings
from typing import Dict, List, Optional

import torch
from torch import fx, nn
from torch.nn.modules.batchnorm import _BatchNorm

from .errors import ModelInTrainingModeError
from .layers.padding import Conv2dSame

OPTIMIZED_ATTR = 'imgzoo_optimized_for_inference'


class FoldedNormAct(nn.Module):
    """What is left of a norm+activation layer once its normalisation is folded into the conv before it."""

    def __init__(self, drop: nn.Module, act: nn.Module) -> None:
        super().__init__()
        self.drop = drop
        self.act = act

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.drop(x))


FOLDABLE_CONVS = (nn.Conv2d, Conv2dSame)
"""Convolutions whose weights are used as stored (weight-standardising convs are not foldable)."""


class _ConvBnTracer(fx.Tracer):
    def is_leaf_module(self, m: nn.Module, qualname: str) -> bool:
        return isinstance(m, (nn.Conv2d, _BatchNorm)) or super().is_leaf_module(m, qualname)


def conv_bn_pairs(model: nn.Module) -> List[Tuple[str, str]]:
    """(conv, batchnorm) module names where the conv's only consumer is the BatchNorm, in inference order."""
    graph = _ConvBnTracer().trace(model)
    modules = dict(model.named_modules())
    calls: Dict[str, int] = {}
    for node in graph.nodes:
        if node.op == 'call_module':
            calls[node.target] = calls.get(node.target, 0) + 1
    pairs = []
    for node in graph.nodes:
        if node.op != 'call_module' or not isinstance(modules.get(node.target), _BatchNorm):
            continue
        source = node.args[0] if node.args else None
        if not (isinstance(source, fx.Node) and source.op == 'call_module'
                and type(modules.get(source.target)) in FOLDABLE_CONVS):
            continue
        if len(source.users) == 1 and calls[source.target] == 1 and calls[node.target] == 1:
            pairs.append((str(source.target), str(node.target)))
    return pairs


def _fold(conv: nn.Conv2d, bn: _BatchNorm) -> None:
    scale = (bn.weight if bn.affine else torch.ones_like(bn.running_var)) * torch.rsqrt(bn.running_var + bn.eps)
    shift = bn.bias if bn.affine else torch.zeros_like(bn.running_mean)
    with torch.no_grad():
        weight = conv.weight * scale.reshape(-1, 1, 1, 1).to(conv.weight.dtype)
        bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
        bias = (bias - bn.running_mean) * scale + shift
        conv.weight = nn.Parameter(weight.detach(), requires_grad=False)
        conv.bias = nn.Parameter(bias.detach().to(conv.weight.dtype), requires_grad=False)


def _replace(model: nn.Module, name: str, module: nn.Module) -> None:
    parent_name, _, child = name.rpartition('.')
    parent = model.get_submodule(parent_name) if parent_name else model
    setattr(parent, child, module)


def fold_batchnorm(model: nn.Module) -> int:
    """Fold every BatchNorm that directly follows a convolution into it, in place; returns how many."""
    pairs = conv_bn_pairs(model)
    for conv_name, bn_name in pairs:
        bn = model.get_submodule(bn_name)
        _fold(model.get_submodule(conv_name), bn)
        act, drop = getattr(bn, 'act', None), getattr(bn, 'drop', None)
        _replace(model, bn_name, FoldedNormAct(drop or nn.Identity(), act) if act is not None else nn.Identity())
    return len(pairs)


def reparameterize_branches(model: nn.Module) -> int:
    """Fold multi-branch training blocks (RepVGG, MobileOne, FastViT style) in place; returns how many."""
    folded = 0
    for module in list(model.modules()):
        if module is not model and callable(getattr(module, 'reparameterize', None)):
            module.reparameterize()
            folded += 1
    return folded


def reparameterize(model: nn.Module, inplace: bool = False) -> nn.Module:
    """The model with every re-parameterisable block (RepVGG, MobileOne, FastViT style) folded into its
    inference form: the same function with fewer, larger convolutions (timm's `reparameterize_model`).

    A copy unless inplace=True; the model keeps its class, `pretrained_cfg` and `feature_info`.
    """
    folded = model if inplace else copy.deepcopy(model)
    reparameterize_branches(folded)
    return folded


def prefers_channels_last(model: nn.Module, device: torch.device) -> bool:
    """Whether channels_last is expected to be faster: convolution + BatchNorm trunks (ResNet, EfficientNet,
    MobileNet, RegNet, ...) on CPU and CUDA. Not transformers, and not LayerNorm ConvNets such as ConvNeXt,
    whose norms permute to channels-last themselves (measured no faster: docs/benchmarks.md)."""
    if device.type not in ('cpu', 'cuda'):
        return False
    spatial_convs = [m for m in model.modules() if isinstance(m, nn.Conv2d) and m.kernel_size != (1, 1)]
    return len(spatial_convs) >= 4 and any(isinstance(m, _BatchNorm) for m in model.modules())


def optimize_for_inference(
    model: nn.Module,
    *,
    channels_last: Optional[bool] = None,
    fold_bn: bool = True,
    reparameterize: bool = True,
    dtype: Optional[torch.dtype] = None,
    inplace: bool = False,
) -> nn.Module:
    """An eval-mode copy of model rewritten for fast inference (the input model is left untouched unless
    inplace=True).

    BatchNorm layers that follow a convolution are folded into it (the fused norm+activation layers keep
    their activation), re-parameterisable branches are folded, and channels_last is used when it helps the
    model on its device (None decides; True/False force). dtype (e.g. torch.bfloat16) is applied only when
    asked. Outputs equal the plain model's within float rounding in float32.
    """
    if model.training:
        raise ModelInTrainingModeError(
            'optimize_for_inference needs a model in eval mode: its BatchNorm statistics are folded into '
            'the weights. Call model.eval() first (and keep training on the original model).')
    optimized = model if inplace else copy.deepcopy(model)
    parameter = next(optimized.parameters(), None)
    device = parameter.device if parameter is not None else torch.device('cpu')
    if channels_last is None:
        channels_last = prefers_channels_last(optimized, device)  # decided on the model as built, before folding
    if reparameterize:
        reparameterize_branches(optimized)
    if fold_bn and any(isinstance(m, _BatchNorm) for m in optimized.modules()):
        try:
            fold_batchnorm(optimized)
        except Exception as error:  # noqa: BLE001 - a model fx cannot trace still runs, unfolded
            warnings.warn(f'BatchNorm folding skipped: {type(model).__name__} could not be traced '
                          f'({type(error).__name__}: {error}).', RuntimeWarning, stacklevel=2)
    if channels_last:
        optimized = optimized.to(memory_format=torch.channels_last)
    if dtype is not None:
        optimized = optimized.to(dtype=dtype)
    setattr(optimized, OPTIMIZED_ATTR, True)
    return optimized.eval()
