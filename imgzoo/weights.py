"""Read weights into a state dict without running code from the file.

safetensors files are memory-mapped copy-on-write: each tensor is its own view of the mapping
(its own storage, so `torch.save` of any part works), nothing is read until used, and writing a
parameter never touches the file. `write_safetensors` lays files out so that every tensor whose size
is a multiple of 64 bytes starts on a 64-byte boundary, as tensors torch allocates do: CPU kernels
(MKL's matrix-vector product, for one) round the last bit differently on unaligned operands, so only
aligned weights compute bit for bit what a copy of them computes. Pickled files go through
`torch.load(weights_only=True)` only; anything that would need arbitrary code is refused.
"""
from __future__ import annotations

import json
import math
import mmap as mmap_module
import os
import pickle
import struct
import warnings
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import torch

from .errors import CorruptWeightsError, UnsafeCheckpointError
from .sources.common import WeightsLocation

StateDict = Dict[str, torch.Tensor]

SAFETENSORS_DTYPES = {
    'F64': torch.float64, 'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16,
    'I64': torch.int64, 'I32': torch.int32, 'I16': torch.int16, 'I8': torch.int8, 'U8': torch.uint8,
    'BOOL': torch.bool, 'F8_E4M3': torch.float8_e4m3fn, 'F8_E5M2': torch.float8_e5m2,
}
CHECKPOINT_WRAPPER_KEYS = ('state_dict_ema', 'model_ema', 'state_dict', 'model')
_LFS_MAGIC = b'version https://git-lfs'
_MAX_HEADER = 100 * 1024 * 1024
ALIGNMENT = 64


def read_state_dict(location: WeightsLocation, mmap: bool = True) -> StateDict:
    """All tensors of one weights file or of every shard, merged; duplicate names are an error.

    mmap=False reads the tensors into memory instead of mapping the files (see `read_safetensors`)."""
    merged: StateDict = {}
    for path in location.files:
        part = read_safetensors(path, mmap) if location.format == 'safetensors' else read_pickle(path, mmap=mmap)
        duplicated = merged.keys() & part.keys()
        if duplicated:
            raise CorruptWeightsError(
                f"Shard {path.name} repeats tensors already read from another shard: {sorted(duplicated)[:5]}.", path=path)
        merged.update(part)
    return merged


def _sniff(path: Path, head: bytes) -> None:
    stripped = head.lstrip()
    if stripped.startswith(_LFS_MAGIC):
        raise CorruptWeightsError(
            f"{path} is a Git LFS pointer, not the weights: the repository was cloned without LFS. "
            "Run `git lfs pull` in that clone, or download the model with `imgzoo download`.", path=path)
    lowered = stripped[:200].lower()
    if lowered.startswith((b'<!doctype html', b'<html', b'<?xml', b'<head')):
        raise CorruptWeightsError(
            f"{path} is an HTML page, not weights: a download probably saved an error or login page. "
            "Delete it and download the weights again.", path=path)


def read_safetensors(path: Path, mmap: bool = True) -> StateDict:
    """Tensors of a safetensors file as copy-on-write memory-mapped views, or with mmap=False read into memory,
    each on an ALIGNMENT boundary whatever its offset in the file (so a model computes bit for bit what
    timm's copies compute, on any file)."""
    try:
        size = path.stat().st_size
        with open(path, 'rb') as f:
            head = f.read(8)
            _sniff(path, head + f.read(200))
            if len(head) < 8:
                raise CorruptWeightsError(f"{path} is {size} bytes long, too short to be a safetensors file.", path=path)
            (header_len,) = struct.unpack('<Q', head)
            if header_len > min(size - 8, _MAX_HEADER):
                raise CorruptWeightsError(
                    f"{path} is not a valid safetensors file (its header claims {header_len} bytes but the file "
                    f"has {size}); it is truncated or not safetensors. Download or save it again.", path=path)
            f.seek(8)
            header_bytes = f.read(header_len)
    except OSError as e:
        raise CorruptWeightsError(f"Cannot read {path}: {e.strerror or e}.", path=path) from None
    try:
        header = json.loads(header_bytes)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise CorruptWeightsError(f"{path} has a damaged safetensors header (not JSON). Download or save it again.", path=path) from None
    if not isinstance(header, dict):
        raise CorruptWeightsError(f"{path} has a damaged safetensors header.", path=path)
    data_start = 8 + header_len
    data_len = size - data_start
    entries = []
    for name, info in header.items():
        if name == '__metadata__':
            continue
        try:
            dtype = SAFETENSORS_DTYPES[info['dtype']]
            shape = [int(d) for d in info['shape']]
            begin, end = map(int, info['data_offsets'])
        except (KeyError, TypeError, ValueError):
            raise CorruptWeightsError(f"{path}: tensor '{name}' has an invalid or unsupported entry {info!r:.120}.", path=path) from None
        count = math.prod(shape)
        if end - begin != count * dtype.itemsize or begin < 0 or (shape and min(shape) < 0):
            raise CorruptWeightsError(f"{path}: tensor '{name}' has offsets that do not match its shape {shape}.", path=path)
        if end > data_len:
            raise CorruptWeightsError(
                f"{path} is truncated: tensor '{name}' needs bytes up to {data_start + end} but the file has {size}. "
                "Download or save it again.", path=path)
        entries.append((name, dtype, shape, data_start + begin, count))
    if not entries:
        return {}
    if mmap:
        with open(path, 'rb') as f:
            buffer = mmap_module.mmap(f.fileno(), 0, access=mmap_module.ACCESS_COPY)
        places = {name: offset for name, _, _, offset, _ in entries}
    else:
        buffer, places = _read_aligned(path, entries)
    out: StateDict = {}
    frombuffer = torch.frombuffer
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', UserWarning)
        for name, dtype, shape, offset, count in entries:
            if count == 0:
                out[name] = torch.empty(shape, dtype=dtype)
                continue
            tensor = frombuffer(buffer, dtype=dtype, count=count, offset=places[name])
            out[name] = tensor if len(shape) == 1 else tensor.view(shape)
    return out


def _read_aligned(path: Path, entries: List[tuple]) -> Tuple[Any, Dict[str, int]]:
    """Read the tensors into one anonymous memory block, each starting on an ALIGNMENT boundary; returns the
    block and each tensor's offset in it. Tensors lying back to back in the file are read with one call."""
    places: Dict[str, int] = {}
    runs: List[List[tuple]] = []
    end = 0
    for name, dtype, _, offset, count in sorted(entries, key=lambda entry: entry[3]):
        nbytes = count * dtype.itemsize
        if not nbytes:
            continue
        places[name] = end
        if runs and runs[-1][-1][0] + runs[-1][-1][1] == offset and len(runs[-1]) < 512:
            runs[-1].append((offset, nbytes, end))
        else:
            runs.append([(offset, nbytes, end)])
        end += -(-nbytes // ALIGNMENT) * ALIGNMENT
    memory = mmap_module.mmap(-1, max(end, 1))
    view = memoryview(memory)
    try:
        with open(path, 'rb', buffering=0) as f:
            for run in runs:
                _read_run(f, path, run, view)
    except OSError as e:
        raise CorruptWeightsError(f"Cannot read {path}: {e.strerror or e}.", path=path) from None
    finally:
        view.release()
    return memory, places


def _read_run(f: Any, path: Path, run: List[tuple], view: memoryview) -> None:
    """Read tensors that follow each other in the file, given as (offset, nbytes, place), into their places."""
    offset = run[0][0]
    buffers = [view[place:place + nbytes] for _, nbytes, place in run]
    while buffers:
        if hasattr(os, 'preadv'):
            done = os.preadv(f.fileno(), buffers, offset)
        else:
            f.seek(offset)
            done = f.readinto(buffers[0])
        if not done:
            raise CorruptWeightsError(f"{path} ended while its tensors were read: it was truncated or replaced "
                                      "meanwhile. Download or save it again.", path=path)
        offset += done
        while buffers and done >= len(buffers[0]):
            done -= len(buffers[0])
            buffers.pop(0)
        if done:
            buffers[0] = buffers[0][done:]


def write_safetensors(path: Path, state_dict: Mapping[str, torch.Tensor], metadata: Optional[Dict[str, str]] = None) -> None:
    """Write tensors as a safetensors file in which every tensor whose size is a multiple of ALIGNMENT bytes
    starts on an ALIGNMENT boundary (so `read_safetensors` maps it aligned); the rest follow them."""
    names = {dtype: name for name, dtype in SAFETENSORS_DTYPES.items()}
    tensors = {name: t.detach().to('cpu').contiguous() for name, t in state_dict.items()}
    order = sorted(tensors, key=lambda name: tensors[name].nbytes % ALIGNMENT != 0)
    header: Dict[str, Any] = {'__metadata__': dict(metadata)} if metadata else {}
    offset = 0
    for name in order:
        t = tensors[name]
        header[name] = {'dtype': names[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + t.nbytes]}
        offset += t.nbytes
    header_bytes = json.dumps(header, separators=(',', ':')).encode()
    header_bytes += b' ' * (-(8 + len(header_bytes)) % ALIGNMENT)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(header_bytes)))
        f.write(header_bytes)
        for name in order:
            t = tensors[name]
            if t.nbytes:
                f.write(memoryview(t.reshape(-1).view(torch.uint8).numpy()))


def read_pickle(path: Path, use_ema: bool = True, mmap: bool = True) -> StateDict:
    """A pickled state dict, loaded with weights_only=True (memory-mapped when the format allows).

    In a training checkpoint the EMA weights are taken when present and use_ema is set, as timm does."""
    try:
        with open(path, 'rb') as f:
            _sniff(path, f.read(256))
    except OSError as e:
        raise CorruptWeightsError(f"Cannot read {path}: {e.strerror or e}.", path=path) from None
    try:
        obj = torch.load(path, map_location='cpu', weights_only=True, mmap=mmap and zipfile.is_zipfile(path))
    except pickle.UnpicklingError as e:
        raise UnsafeCheckpointError(
            f"Refused to load {path}: it is a pickle that needs code beyond plain tensors to load "
            f"({str(e).splitlines()[-1] if str(e) else 'unsafe content'}). imgzoo never runs code from weights files. "
            "If you trust and wrote this file, re-save its state_dict with safetensors.", path=path) from None
    except (RuntimeError, EOFError, ValueError, zipfile.BadZipFile, KeyError, OSError) as e:
        raise CorruptWeightsError(
            f"{path} could not be read as PyTorch weights ({type(e).__name__}: {str(e).splitlines()[0][:200]}). "
            "The file is truncated or not a checkpoint; download or save it again.", path=path) from None
    return unwrap_checkpoint(obj, str(path), use_ema=use_ema)


def unwrap_checkpoint(obj: Any, origin: str, use_ema: bool = True) -> StateDict:
    """The state dict inside a training checkpoint (timm's order: EMA first unless use_ema=False), without
    'module.' prefixes."""
    if not isinstance(obj, Mapping):
        raise CorruptWeightsError(f"{origin} holds a {type(obj).__name__}, not a state dict of tensors.", path=origin)
    if not all(isinstance(v, torch.Tensor) for v in obj.values()):
        wrappers = CHECKPOINT_WRAPPER_KEYS if use_ema else CHECKPOINT_WRAPPER_KEYS[2:]
        for key in wrappers:
            if isinstance(obj.get(key), Mapping):
                obj = obj[key]
                break
    bad: List[str] = [k for k, v in obj.items() if not isinstance(v, torch.Tensor)]
    if bad:
        raise CorruptWeightsError(
            f"{origin} is not a plain state dict: entries {bad[:5]} are not tensors and no "
            f"'{', '.join(CHECKPOINT_WRAPPER_KEYS)}' key holds the weights."
        )
    return {(k[7:] if k.startswith('module.') else k): v for k, v in obj.items()}


def describe(location: WeightsLocation) -> str:
    """A short description of where weights were read from, for messages."""
    if len(location.files) == 1:
        return str(location.files[0])
    return f"{location.index_file or location.files[0].parent} ({len(location.files)} shards)"


def first_file(location: Optional[WeightsLocation]) -> Optional[Path]:
    """The single file, or the index of a sharded checkpoint."""
    if location is None:
        return None
    return location.index_file or location.files[0]
