"""A model folder on disk: `config.json` plus weights.

Weights are chosen in this order, the first that exists wins:
1. `model.safetensors`
2. `model.safetensors.index.json` (sharded safetensors)
3. `pytorch_model.bin`
4. `pytorch_model.bin.index.json` (sharded pickles)
5. the only `*.safetensors` file in the folder
6. the only `*.pth`, `*.pt`, `*.bin` or `*.ckpt` file in the folder
Several candidates at steps 5 or 6 are an error naming them: pick one with
`pretrained_cfg_overlay=dict(file=...)`.
A weights file may be a symbolic link, also to a file outside the folder; the location then
names the file it points to, so the model's provenance (`weights_files`) shows where the
weights really came from.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

from ..errors import ModelFolderNotFoundError, WeightsNotFoundError
from .common import (
    CONFIG_NAME, PICKLE_SUFFIXES, PICKLE_WEIGHTS_INDEX_NAME, PICKLE_WEIGHTS_NAME, SAFE_WEIGHTS_INDEX_NAME,
    SAFE_WEIGHTS_NAME, ModelConfig, WeightsLocation, read_config_file, read_index,
)


def check_folder(path: Path) -> Path:
    """The folder itself, or a clear error when it is missing, unreadable or is a file."""
    try:
        path.stat()
    except FileNotFoundError:
        pass
    except OSError as e:
        raise ModelFolderNotFoundError(f"Cannot access the model folder {path}: {e.strerror or e}.", path=path) from None
    if not path.exists():
        raise ModelFolderNotFoundError(
            f"Model folder {path} does not exist. Check the path after 'local:' "
            "(relative paths are taken from the current directory).", path=path,
        )
    if not path.is_dir():
        raise ModelFolderNotFoundError(
            f"{path} is a file, not a folder. 'local:' takes the folder holding config.json and the weights; "
            "to load a single weights file use create_model(arch, pretrained=True, "
            "pretrained_cfg_overlay=dict(file=...)) or checkpoint_path=.", path=path,
        )
    return path


def read_folder_config(folder: Path) -> ModelConfig:
    """The parsed `config.json` of a model folder."""
    check_folder(folder)
    return read_config_file(folder / CONFIG_NAME, origin=str(folder / CONFIG_NAME))


def find_weights(folder: Path) -> WeightsLocation:
    """The weights of a model folder, chosen in the documented order."""
    check_folder(folder)
    for name, fmt in ((SAFE_WEIGHTS_NAME, 'safetensors'), (PICKLE_WEIGHTS_NAME, 'pickle')):
        single = folder / name
        index = folder / (SAFE_WEIGHTS_INDEX_NAME if fmt == 'safetensors' else PICKLE_WEIGHTS_INDEX_NAME)
        if single.is_file() or single.is_symlink():
            return WeightsLocation([_real(single)], fmt)  # type: ignore[arg-type]
        if index.is_file():
            return _sharded(folder, index, fmt)
    for suffixes, fmt in ((('.safetensors',), 'safetensors'), (PICKLE_SUFFIXES, 'pickle')):
        found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in suffixes)
        if len(found) == 1:
            return WeightsLocation([_real(found[0])], fmt)  # type: ignore[arg-type]
        if len(found) > 1:
            names = ', '.join(p.name for p in found)
            raise WeightsNotFoundError(
                f"{folder} holds several candidate weights files ({names}) and none has a standard name. "
                f"Pick one with pretrained_cfg_overlay=dict(file='{found[0]}') or rename it to {SAFE_WEIGHTS_NAME}.",
                path=folder,
            )
    raise WeightsNotFoundError(
        f"No weights file in {folder}. Expected {SAFE_WEIGHTS_NAME} (or {SAFE_WEIGHTS_INDEX_NAME}, "
        f"{PICKLE_WEIGHTS_NAME}, a single *.safetensors / *.pth file). "
        "Use pretrained=False for a randomly initialised model.", path=folder,
    )


def weights_from_file(path: Path) -> WeightsLocation:
    """A single weights file named by the user (or a shard index)."""
    if not path.exists():
        raise WeightsNotFoundError(f"Weights file {path} does not exist.", path=path)
    if path.is_dir():
        return find_weights(path)
    if path.name.endswith('.index.json'):
        fmt = 'safetensors' if path.name.endswith('.safetensors.index.json') else 'pickle'
        return _sharded(path.parent, path, fmt)
    return WeightsLocation([path], 'safetensors' if path.suffix == '.safetensors' else 'pickle')


def _sharded(folder: Path, index: Path, fmt: str) -> WeightsLocation:
    shards: List[Path] = [folder / name for name in read_index(index, str(index))]
    missing: Optional[List[str]] = [p.name for p in shards if not p.is_file()]
    if missing:
        raise WeightsNotFoundError(
            f"{index} lists shard files that are missing from {folder}: {', '.join(missing)}.", path=folder,
            filename=missing[0])
    return WeightsLocation([_real(p) for p in shards], fmt, index_file=index)  # type: ignore[arg-type]


def _real(path: Path) -> Path:
    """The weights file, or for a symbolic link the file it points to."""
    if not path.is_symlink():
        return path
    target = Path(os.path.realpath(path))
    if not target.is_file():
        raise WeightsNotFoundError(
            f"{path} is a symbolic link to {os.readlink(path)}, which is not an existing file. "
            "Fix or remove the link.", path=path,
        )
    return target
