"""Write a model as a folder that imgzoo (`local:`), timm (`local-dir:`) and transformers load.

The folder is written next to the target under a temporary name and renamed into place, so
an interrupted save leaves the previous folder (or nothing), never a half-written one. A folder
that holds anything is replaced only with overwrite=True, and then only the files imgzoo writes.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import secrets
import shutil
import socket
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Union

import torch
from torch import nn

from .errors import FolderExistsError, InferenceOnlyModelError, InvalidModelArgsError
from .optimize import OPTIMIZED_ATTR
from .pretrained import strip_provenance
from .sources.common import (
    CONFIG_NAME, MARKER_NAME, MODEL_FILE_PATTERN, PICKLE_WEIGHTS_NAME, SAFE_WEIGHTS_INDEX_NAME, SAFE_WEIGHTS_NAME,
)
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
    for name, value in model_args.items():
        if not _is_json_value(value):
            raise InvalidModelArgsError(
                f"The model was created with {name}={value!r}, a Python object config.json cannot hold, so the saved "
                f"folder could not rebuild it. Create the model with the argument given by name (for an activation "
                f"or norm layer, a string such as 'silu'), or save model.state_dict() yourself.")
    if model_args:
        config['model_args'] = model_args
    for key in ('label_names', 'label_descriptions'):
        value = pretrained_cfg.pop(key, None)
        if value:
            config[key] = value
    config['pretrained_cfg'] = {k: v for k, v in pretrained_cfg.items() if v is not None}
    return config


def _is_json_value(value: Any) -> bool:
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_json_value(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json_value(v) for k, v in value.items())
    return False


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
    from .weights import write_safetensors

    state_dict = {k: v.detach().to('cpu').contiguous() for k, v in state_dict.items()}
    if not safe:
        torch.save(state_dict, folder / PICKLE_WEIGHTS_NAME)
        return
    shards = _shards(state_dict, max_bytes)
    if len(shards) == 1:
        write_safetensors(folder / SAFE_WEIGHTS_NAME, state_dict, metadata={'format': 'pt'})
        return
    weight_map: Dict[str, str] = {}
    for i, shard in enumerate(shards, start=1):
        name = f'model-{i:05d}-of-{len(shards):05d}.safetensors'
        write_safetensors(folder / name, shard, metadata={'format': 'pt'})
        weight_map.update({k: name for k in shard})
    total = sum(t.numel() * t.element_size() for t in state_dict.values())
    index = {'metadata': {'total_size': total}, 'weight_map': weight_map}
    (folder / SAFE_WEIGHTS_INDEX_NAME).write_text(json.dumps(index, indent=2))


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_file():
            with open(path, 'rb') as f:
                os.fsync(f.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith('linux'):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _temp_prefix(target: Path, kind: str) -> str:
    return f'.{target.name}.{kind}-{socket.gethostname()}-'


def _make_temp_dir(target: Path, kind: str) -> Path:
    """A new hidden sibling folder of target, named after this host and process, with default permissions."""
    prefix = _temp_prefix(target, kind) + f'{os.getpid()}-'
    while True:
        path = target.parent / (prefix + secrets.token_hex(4))
        try:
            os.mkdir(path)
            return path
        except FileExistsError:
            continue


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


# A writer's temp folder changes after the writer started; allow for coarse or skewed filesystem clocks.
_CLOCK_SLACK_S = 5.0


def _process_start(pid: int) -> Optional[float]:
    """When a process started, in seconds since the epoch (Linux /proc), or None where unknown."""
    try:
        with open(f'/proc/{pid}/stat', 'rb') as f:
            stat = f.read()
        ticks = int(stat[stat.rindex(b')') + 2:].split()[19])
        booted = time.time() - time.clock_gettime(time.CLOCK_BOOTTIME)
        return booted + ticks / os.sysconf('SC_CLK_TCK')
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _writer_alive(pid: int, folder: Path) -> bool:
    """Whether the process that made folder may still be writing it: its PID runs, and is not a later process
    that reuses the PID (one started after the folder last changed)."""
    if not _pid_alive(pid):
        return False
    started = _process_start(pid)
    if started is None:
        return True
    try:
        changed = folder.stat().st_mtime
    except OSError:
        return True
    return started <= changed + _CLOCK_SLACK_S


def _remove_stale_temporaries(target: Path) -> None:
    """Clean up after writers on this host that were killed: delete their temp folders, and put back a
    previous folder that a kill left moved aside (only possible where atomic exchange is unsupported)."""
    try:
        siblings = list(target.parent.iterdir())
    except OSError:
        return
    for kind in ('tmp', 'old'):
        pattern = re.compile(re.escape(_temp_prefix(target, kind)) + r'(\d+)-[0-9a-f]{8}$')
        for path in siblings:
            match = pattern.match(path.name)
            if not match or not path.is_dir() or _writer_alive(int(match.group(1)), path):
                continue
            if kind == 'old' and not target.exists():
                try:
                    os.replace(path, target)
                    continue
                except OSError:
                    pass
            shutil.rmtree(path, ignore_errors=True)


def is_model_file(name: str) -> bool:
    """Whether a file name in a model folder is one that imgzoo writes (and overwrite=True replaces)."""
    return MODEL_FILE_PATTERN.fullmatch(name) is not None


def folder_exists_error(target: Path, flag: str = 'overwrite=True') -> FolderExistsError:
    """The error for a save target that is a file or a non-empty folder; `flag` is how the caller says overwrite."""
    if target.exists() and not target.is_dir():
        return FolderExistsError(f"{target} exists and is a file; choose a folder path.", path=target)
    try:
        names = sorted(os.listdir(target))
    except OSError:
        names = []
    shown = ', '.join(names[:5]) + (f' and {len(names) - 5} more' if len(names) > 5 else '')
    return FolderExistsError(
        f"{target} already holds files ({shown}), so nothing was written. Choose a new or empty folder, or pass "
        f"{flag} to replace the model files in it (config.json, weights, checksums.sha256; other files are kept).",
        path=target, files=names,
    )


def check_target(target: Path, overwrite: bool) -> None:
    """Raise FolderExistsError unless target is absent, an empty folder, or a folder and overwrite is set."""
    if target.exists() and not target.is_dir():
        raise folder_exists_error(target)
    if target.is_dir() and not overwrite and any(target.iterdir()):
        raise folder_exists_error(target)


def _umask() -> int:
    try:
        with open('/proc/self/status', encoding='ascii') as f:
            for line in f:
                if line.startswith('Umask:'):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # no /proc: the only portable way to read it
    os.umask(mask)
    return mask


def _apply_umask(folder: Path) -> None:
    """Give every file written into folder the permissions the umask gives (safetensors writes 0600)."""
    mode = 0o666 & ~_umask()
    for path in folder.rglob('*'):
        if path.is_file() and not path.is_symlink():
            os.chmod(path, mode)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        shutil.copy2(src, dst, follow_symlinks=False)


def _carry_over(old: Path, new: Path) -> None:
    """Put the files of old that imgzoo does not write (a user's notes) into new, as hard links where possible."""
    for entry in os.scandir(old):
        if is_model_file(entry.name) or os.path.lexists(new / entry.name):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.copytree(entry.path, new / entry.name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry.path, str(new / entry.name))


def _rescue_late_files(old: Path, target: Path) -> None:
    """Files a user added to (or replaced in) the folder while it was being swapped: move them into the new one."""
    for entry in os.scandir(old):
        if is_model_file(entry.name):
            continue
        dest = target / entry.name
        try:
            if not os.path.lexists(dest):
                os.rename(entry.path, dest)
            elif entry.is_file(follow_symlinks=False) and dest.is_file() and not dest.is_symlink() \
                    and entry.inode() != dest.stat().st_ino:
                os.replace(entry.path, dest)
        except OSError:
            continue


def _move_into_place(tmp: Path, target: Path, overwrite: bool) -> None:
    """Make the complete folder tmp appear at target in one step.

    Without overwrite, tmp is renamed onto target, which the kernel does only when target is absent or an
    empty folder, so a folder that holds anything is never replaced. With overwrite, the files of target that
    imgzoo does not write are linked into tmp first, the two folders are swapped atomically, and the previous
    folder is deleted.
    """
    try:
        os.rename(tmp, target)
        return
    except OSError as e:
        if e.errno not in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR):
            raise
        if not overwrite or not target.is_dir():
            raise folder_exists_error(target) from None
    _carry_over(target, tmp)
    if _exchange(tmp, target):
        _rescue_late_files(tmp, target)
        shutil.rmtree(tmp, ignore_errors=True)
        return
    old = _make_temp_dir(target, 'old')
    os.rmdir(old)
    os.replace(target, old)
    os.replace(tmp, target)
    _rescue_late_files(old, target)
    shutil.rmtree(old, ignore_errors=True)


def write_folder_atomically(
    target: Union[str, os.PathLike], fill: Callable[[Path], Any], *, overwrite: bool = False,
    sign: bool = True,
) -> Path:
    """Create target by calling fill(tmp_folder) on a sibling temp folder and moving it into place.

    A target that does not exist or is an empty folder is created. A folder that holds anything is refused
    with FolderExistsError unless overwrite=True; then only the files imgzoo writes are replaced (other files
    are kept), in one atomic exchange (Linux). A writer killed at any point leaves the previous folder (or
    none) at target; its temporary folder is removed by the next write to the same target. Written files get
    the umask's permissions; with sign=True a `checksums.sha256` manifest lists them. A symlinked target is
    written where it points.
    """
    from .manifest import write_manifest, write_marker

    target = Path(os.path.expanduser(os.fspath(target))).absolute()
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    _remove_stale_temporaries(target)
    check_target(target, overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _make_temp_dir(target, 'tmp')
    try:
        fill(tmp)
        if sign:
            write_manifest(tmp)
        write_marker(tmp)
        _apply_umask(tmp)
        _fsync_tree(tmp)
        _move_into_place(tmp, target, overwrite)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _fsync_dir(target.parent)
    return target


def save_pretrained(
    model: nn.Module,
    folder: Union[str, os.PathLike],
    *,
    safe_serialization: bool = True,
    max_shard_size: Union[int, str, None] = None,
    overwrite: bool = False,
) -> Path:
    """Save config.json, weights (safetensors, optionally sharded) and checksums.sha256 into folder; returns its path.

    A folder that already holds files is refused unless overwrite=True, which replaces the model files and
    keeps the others (see write_folder_atomically).
    """
    if getattr(model, OPTIMIZED_ATTR, False):
        raise InferenceOnlyModelError(
            'This model was rewritten by optimize_for_inference (BatchNorm folded, branches merged): its weights '
            'no longer fit its architecture. Save the model you passed to optimize_for_inference instead.')
    config = build_config(model)
    max_bytes = parse_size(max_shard_size) if max_shard_size is not None else None
    state_dict = model.state_dict()

    def fill(tmp: Path) -> None:
        _write_weights(tmp, state_dict, safe_serialization, max_bytes)
        (tmp / CONFIG_NAME).write_text(json.dumps(config, indent=2) + '\n')

    return write_folder_atomically(Path(os.fspath(folder)), fill, overwrite=overwrite)
