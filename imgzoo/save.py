"""Write a model as a folder that imgzoo (`local:`), timm (`local-dir:`) and transformers load.

The folder is written next to the target under a temporary name and renamed into place, so
an interrupted save leaves the previous folder (or nothing), never a half-written one.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import torch
from torch import nn

from .errors import FolderExistsError, InvalidModelArgsError
from .pretrained import strip_provenance
from .sources.common import CONFIG_NAME, PICKLE_WEIGHTS_NAME, SAFE_WEIGHTS_INDEX_NAME, SAFE_WEIGHTS_NAME

MARKER_NAME = '.imgzoo'
_SIZE_UNITS = {'': 1, 'B': 1, 'KB': 10**3, 'MB': 10**6, 'GB': 10**9, 'TB': 10**12,
               'KIB': 2**10, 'MIB': 2**20, 'GIB': 2**30, 'TIB': 2**40}


def parse_size(size: Union[int, str]) -> int:
    """Bytes in '2GB', '500MB', '1GiB' or an int."""
    if isinstance(size, int):
        return size
    match = re.fullmatch(r'\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*', size)
    if not match or match.group(2).upper() not in _SIZE_UNITS:
        raise ValueError(f"Cannot read size {size!r}; use e.g. '2GB', '500MB' or a number of bytes.")
    return int(float(match.group(1)) * _SIZE_UNITS[match.group(2).upper()])


def build_config(model: nn.Module) -> Dict[str, Any]:
    """The timm-format config.json content for a model built by create_model."""
    pretrained_cfg = dict(getattr(model, 'pretrained_cfg', None) or {})
    architecture = pretrained_cfg.pop('architecture', None)
    if not architecture:
        raise InvalidModelArgsError(
            f"This {type(model).__name__} has no pretrained_cfg['architecture'], so the folder could not be "
            "loaded again. Create models with imgzoo.create_model before saving them."
        )
    pretrained_cfg = strip_provenance(pretrained_cfg)
    num_classes = int(getattr(model, 'num_classes', pretrained_cfg.get('num_classes', 0)))
    pretrained_cfg['num_classes'] = num_classes
    pretrained_cfg.pop('extra', None)
    config: Dict[str, Any] = {'architecture': architecture, 'num_classes': num_classes}
    if hasattr(model, 'num_features'):
        config['num_features'] = int(model.num_features)
    pool = getattr(model, 'global_pool', None)
    pool_type = pool if isinstance(pool, str) else getattr(pool, 'pool_type', None)
    if isinstance(pool_type, str) and pool_type:
        config['global_pool'] = pool_type
    model_args = {k: v for k, v in dict(getattr(model, 'model_args', {}) or {}).items() if k != 'num_classes'}
    if model_args:
        config['model_args'] = model_args
    for key in ('label_names', 'label_descriptions'):
        value = pretrained_cfg.pop(key, None)
        if value:
            config[key] = value
    config['pretrained_cfg'] = {k: v for k, v in pretrained_cfg.items() if v is not None}
    return config


def _shards(state_dict: Dict[str, torch.Tensor], max_bytes: Optional[int]) -> List[Dict[str, torch.Tensor]]:
    if not max_bytes:
        return [state_dict]
    shards: List[Dict[str, torch.Tensor]] = [{}]
    size = 0
    for key, tensor in state_dict.items():
        nbytes = tensor.numel() * tensor.element_size()
        if shards[-1] and size + nbytes > max_bytes:
            shards.append({})
            size = 0
        shards[-1][key] = tensor
        size += nbytes
    return shards


def _write_weights(folder: Path, state_dict: Dict[str, torch.Tensor], safe: bool, max_bytes: Optional[int]) -> None:
    from safetensors.torch import save_file

    state_dict = {k: v.detach().to('cpu').contiguous() for k, v in state_dict.items()}
    if not safe:
        torch.save(state_dict, folder / PICKLE_WEIGHTS_NAME)
        return
    shards = _shards(state_dict, max_bytes)
    if len(shards) == 1:
        save_file(state_dict, str(folder / SAFE_WEIGHTS_NAME), metadata={'format': 'pt'})
        return
    weight_map: Dict[str, str] = {}
    for i, shard in enumerate(shards, start=1):
        name = f'model-{i:05d}-of-{len(shards):05d}.safetensors'
        save_file(shard, str(folder / name), metadata={'format': 'pt'})
        weight_map.update({k: name for k in shard})
    total = sum(t.numel() * t.element_size() for t in state_dict.values())
    index = {'metadata': {'total_size': total}, 'weight_map': weight_map}
    (folder / SAFE_WEIGHTS_INDEX_NAME).write_text(json.dumps(index, indent=2))


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_file():
            with open(path, 'rb') as f:
                os.fsync(f.fileno())


def write_folder_atomically(target: Path, fill: Any, *, overwrite: bool = False) -> Path:
    """Create target by calling fill(tmp_folder) on a sibling temp folder and renaming it into place."""
    target = Path(os.path.expanduser(os.fspath(target))).absolute()
    if target.exists() and not target.is_dir():
        raise FolderExistsError(f"{target} exists and is a file; choose a folder path.")
    if target.is_dir() and any(target.iterdir()) and not overwrite and not (target / MARKER_NAME).exists():
        raise FolderExistsError(
            f"{target} already holds files that imgzoo did not write. Choose an empty or new folder, "
            "or pass overwrite=True to replace it."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f'.{target.name}.tmp-', dir=target.parent))
    try:
        fill(tmp)
        (tmp / MARKER_NAME).write_text('written by imgzoo\n')
        _fsync_tree(tmp)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f'.{target.name}.old-', dir=target.parent))
            os.rmdir(old)
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def save_pretrained(
    model: nn.Module,
    folder: Union[str, os.PathLike],
    *,
    safe_serialization: bool = True,
    max_shard_size: Union[int, str, None] = None,
    overwrite: bool = False,
) -> Path:
    """Save config.json and weights (safetensors, optionally sharded) into folder; returns its path."""
    config = build_config(model)
    max_bytes = parse_size(max_shard_size) if max_shard_size is not None else None
    state_dict = model.state_dict()

    def fill(tmp: Path) -> None:
        _write_weights(tmp, state_dict, safe_serialization, max_bytes)
        (tmp / CONFIG_NAME).write_text(json.dumps(config, indent=2) + '\n')

    return write_folder_atomically(Path(os.fspath(folder)), fill, overwrite=overwrite)
