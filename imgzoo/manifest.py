"""SHA-256 manifests of model folders.

`checksums.sha256` lists every file of a folder in `sha256sum` format (`<hex digest>  <path>`,
paths relative to the folder with '/'), so `sha256sum -c checksums.sha256` checks it too.
The manifest itself and imgzoo's `.imgzoo` marker are not listed.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Dict, List, Literal, Optional, Union

from .errors import InvalidManifestError, ManifestMismatchError, ManifestNotFoundError
from .sources.common import MANIFEST_NAME, MARKER_NAME, MODEL_FILE_PATTERN, PICKLE_SUFFIXES

NOT_LISTED = frozenset({MANIFEST_NAME, MARKER_NAME})
WEIGHTS_SUFFIXES = ('.safetensors', '.json', *PICKLE_SUFFIXES)
_LINE = re.compile(r'^([0-9a-fA-F]{64}) [ *](.+)$')

Status = Literal['ok', 'changed', 'missing', 'extra']


@dataclass(frozen=True)
class FileCheck:
    """The result of checking one file: 'ok', 'changed', 'missing' or 'extra' (not in the manifest)."""

    name: str
    status: Status
    expected: Optional[str] = None
    actual: Optional[str] = None
    size: Optional[int] = None

    @property
    def ok(self) -> bool:
        return self.status == 'ok'


def sha256_file(path: Union[str, os.PathLike], chunk_size: int = 1 << 20) -> str:
    """The hex SHA-256 digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(chunk_size), b''):
            digest.update(block)
    return digest.hexdigest()


def _listed_files(folder: Path) -> List[str]:
    names = []
    for path in sorted(folder.rglob('*')):
        if path.is_file() and path.relative_to(folder).as_posix() not in NOT_LISTED:
            name = path.relative_to(folder).as_posix()
            if '\n' in name or '\\' in name:
                raise InvalidManifestError(f"Cannot list {name!r} in a manifest: rename it without newlines or '\\'.")
            names.append(name)
    return names


def write_manifest(folder: Union[str, os.PathLike]) -> Path:
    """Write `checksums.sha256` listing every file of folder; returns its path."""
    folder = Path(folder)
    lines = [f'{sha256_file(folder / name)}  {name}\n' for name in _listed_files(folder)]
    path = folder / MANIFEST_NAME
    path.write_text(''.join(lines), encoding='utf-8')
    return path


def write_marker(folder: Union[str, os.PathLike]) -> None:
    """Write imgzoo's `.imgzoo` marker, recording the size of each file the folder's manifest lists."""
    folder = Path(folder)
    sizes = {}
    if (folder / MANIFEST_NAME).is_file():
        sizes = {name: (folder / name).stat().st_size for name in read_manifest(folder)}
    (folder / MARKER_NAME).write_text(json.dumps({'written_by': 'imgzoo', 'sizes': sizes}, indent=1) + '\n')


def recorded_sizes(folder: Union[str, os.PathLike]) -> Dict[str, int]:
    """File sizes recorded in the `.imgzoo` marker when the folder was written (empty when unknown)."""
    try:
        data = json.loads((Path(folder) / MARKER_NAME).read_text(encoding='utf-8'))
        sizes = data['sizes']
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(sizes, dict):
        return {}
    return {k: v for k, v in sizes.items() if isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)}


def affects_the_model(name: str) -> bool:
    """Whether a file in a model folder could change what loads: config, weights, indexes (not notes or images)."""
    return MODEL_FILE_PATTERN.fullmatch(name) is not None or name.endswith(WEIGHTS_SUFFIXES)


def check_model_folder(folder: Union[str, os.PathLike], *, hashes: bool = False) -> None:
    """Check a model folder against its `checksums.sha256`, if it has one: every listed file present with the size
    recorded when it was written, no unlisted config or weights file under a standard name, and with hashes=True
    every digest. Raises ManifestMismatchError listing each file that differs. A folder without a manifest passes.
    """
    folder = Path(folder)
    if not (folder / MANIFEST_NAME).is_file():
        return
    expected = read_manifest(folder)
    sizes = recorded_sizes(folder)
    problems: Dict[str, str] = {}
    for name, digest in expected.items():
        path = folder / name
        try:
            size = path.stat().st_size
        except OSError:
            problems[name] = 'missing'
            continue
        if name in sizes and size != sizes[name]:
            problems[name] = f'{size} bytes, {sizes[name]} when written'
        elif hashes and sha256_file(path) != digest:
            problems[name] = 'changed (SHA-256 differs)'
    for name in _listed_files(folder):
        if name not in expected and MODEL_FILE_PATTERN.fullmatch(name):
            problems[name] = 'not in the manifest'
    if problems:
        listing = '; '.join(f'{name}: {problem}' for name, problem in sorted(problems.items()))
        raise ManifestMismatchError(
            f"{folder} does not match its {MANIFEST_NAME} ({listing}). The files changed after they were written: "
            f"download or save the model again, or run `imgzoo verify {folder}` for details.",
            path=folder, problems=dict(sorted(problems.items())),
        )


def write_signed_folder(
    target: Union[str, os.PathLike], fill: Callable[[Path], object], *, overwrite: bool = False,
) -> Path:
    """Write a folder atomically with fill(tmp_folder) and a manifest of what fill wrote; returns its path."""
    from .save import write_folder_atomically

    return write_folder_atomically(Path(target), fill, overwrite=overwrite, sign=True)


def _safe_name(name: str, manifest: Path) -> str:
    pure = PurePosixPath(name)
    if pure.is_absolute() or '..' in pure.parts or '\\' in name or ':' in pure.parts[0]:
        raise InvalidManifestError(
            f"{manifest} names {name!r}, which is outside its folder; the manifest may have been tampered with."
        )
    return pure.as_posix()


def read_manifest(folder: Union[str, os.PathLike]) -> Dict[str, str]:
    """File name -> expected hex digest, from folder's `checksums.sha256`."""
    folder = Path(folder)
    path = folder / MANIFEST_NAME
    if not folder.is_dir():
        raise ManifestNotFoundError(f"{folder} is not a folder.")
    if not path.is_file():
        raise ManifestNotFoundError(
            f"{folder} has no {MANIFEST_NAME}, so there is nothing to verify against. Folders written by "
            "`imgzoo download --to`, `imgzoo save` and `imgzoo convert` have one."
        )
    try:
        text = path.read_text(encoding='utf-8')
    except UnicodeDecodeError:
        raise InvalidManifestError(f"{path} is not UTF-8 text, so it is not a sha256sum manifest.") from None
    expected: Dict[str, str] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match:
            raise InvalidManifestError(
                f"{path} line {lineno} is not '<64 hex digits>  <file name>': {line[:80]!r}."
            )
        name = _safe_name(match.group(2), path)
        if name in expected:
            raise InvalidManifestError(f"{path} lists {name!r} twice.")
        expected[name] = match.group(1).lower()
    return expected


def verify_folder(folder: Union[str, os.PathLike]) -> List[FileCheck]:
    """Check every file listed in folder's manifest, and report files it does not list, in name order."""
    folder = Path(folder)
    expected = read_manifest(folder)
    checks: List[FileCheck] = []
    for name, digest in expected.items():
        path = folder / name
        if not path.is_file():
            checks.append(FileCheck(name, 'missing', expected=digest))
            continue
        actual = sha256_file(path)
        status: Status = 'ok' if actual == digest else 'changed'
        checks.append(FileCheck(name, status, expected=digest, actual=actual, size=path.stat().st_size))
    for name in _listed_files(folder):
        if name not in expected:
            path = folder / name
            checks.append(FileCheck(name, 'extra', actual=sha256_file(path), size=path.stat().st_size))
    return sorted(checks, key=lambda c: c.name)
