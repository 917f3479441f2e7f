"""Parse a model name into the place its configuration and weights come from."""
from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Optional, Union

from .errors import InvalidModelNameError

HUB_PREFIXES = ('hf-hub:', 'hf_hub:')
LOCAL_PREFIXES = ('local:', 'local-dir:', 'folder:')

_ARCH_PATTERN = re.compile(r'^[A-Za-z0-9_]+(\.[A-Za-z0-9_\-]+)?$')
_REPO_PATTERN = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.\-]*(/[A-Za-z0-9][A-Za-z0-9_.\-]*)?$')
_REPO_NAME_MAX = 96
# git's rules for ref names (check-ref-format): these can never name a branch, tag or commit
_BAD_REVISION = re.compile(r'[\x00-\x20\x7f~^:?*\[\\]|\.\.|//|@\{')


@dataclass(frozen=True)
class ModelSource(ABC):
    """Where a model comes from: a BuiltinSource (registered architecture, optional pretrained tag), a HubSource
    (repository on the model hub) or a LocalSource (folder on disk). `kind` names the type in messages and JSON."""

    name: str
    kind: ClassVar[str] = ''
    points_at_weights: ClassVar[bool] = False  # the name itself says where weights are (a folder or a repo)

    @abstractmethod
    def describe(self) -> str:
        """A short human-readable form, used in messages."""


@dataclass(frozen=True)
class BuiltinSource(ModelSource):
    """A registered architecture, `arch` or `arch.tag`."""

    arch: str = ''
    tag: Optional[str] = None
    kind: ClassVar[str] = 'builtin'

    def describe(self) -> str:
        return f"{self.arch}.{self.tag}" if self.tag else self.arch


@dataclass(frozen=True)
class HubSource(ModelSource):
    """A repository on the model hub, `hf-hub:org/repo[@revision]`."""

    repo_id: str = ''
    revision: Optional[str] = None
    kind: ClassVar[str] = 'hub'
    points_at_weights: ClassVar[bool] = True

    def describe(self) -> str:
        return f"hf-hub:{self.repo_id}" + (f"@{self.revision}" if self.revision else '')


@dataclass(frozen=True)
class LocalSource(ModelSource):
    """A model folder on disk, `local:/path`."""

    path: Path = Path()
    kind: ClassVar[str] = 'local'
    points_at_weights: ClassVar[bool] = True

    def describe(self) -> str:
        return f"local:{self.path}"


def parse_model_name(name: Union[str, os.PathLike]) -> ModelSource:
    """Turn `arch`, `arch.tag`, `hf-hub:org/repo[@revision]` or `local:/path` into a BuiltinSource, HubSource or
    LocalSource."""
    if isinstance(name, os.PathLike):
        name = 'local:' + os.fspath(name)
    if not isinstance(name, str):
        raise InvalidModelNameError(f"Model name must be a string, got {type(name).__name__}.")
    text = name.strip()
    if not text:
        raise InvalidModelNameError("Model name is empty. Pass an architecture such as 'resnet50'.")

    for prefix in HUB_PREFIXES:
        if text.startswith(prefix):
            return _parse_hub(name, text[len(prefix):])
    for prefix in LOCAL_PREFIXES:
        if text.startswith(prefix):
            return _parse_local(name, text[len(prefix):])
    return _parse_builtin(name, text)


def _parse_hub(name: str, rest: str) -> ModelSource:
    repo_id, sep, revision = rest.partition('@')
    if sep and not revision:
        raise InvalidModelNameError(f"'{name}' ends with '@' but names no revision. Use 'hf-hub:org/repo@main'.")
    if not _REPO_PATTERN.match(repo_id) or '..' in repo_id or repo_id.endswith(('.', '-')):
        raise InvalidModelNameError(
            f"'{name}' does not name a hub repository. Use 'hf-hub:org/repo' or 'hf-hub:org/repo@revision'."
        )
    if (repo_id.endswith('.git') or '--' in repo_id or any(part.endswith(('.', '-')) for part in repo_id.split('/'))
            or len(repo_id.split('/')[-1]) > _REPO_NAME_MAX):
        raise InvalidModelNameError(
            f"'{name}' is not a valid hub repository id: names use letters, digits, '-', '_' and '.', at most "
            f"{_REPO_NAME_MAX} characters, without '--' or '..', not ending in '-', '.' or '.git'."
        )
    if revision and (_BAD_REVISION.search(revision) or revision.startswith('/')
                     or revision.endswith(('/', '.', '.lock'))):
        raise InvalidModelNameError(
            f"'{name}': {revision!r} is not a valid revision. After '@' give a branch, a tag or a commit hash."
        )
    return HubSource(name=name, repo_id=repo_id, revision=revision or None)


def _parse_local(name: str, rest: str) -> ModelSource:
    if not rest.strip():
        raise InvalidModelNameError(f"'{name}' names no folder. Use 'local:/path/to/folder'.")
    if '\x00' in rest:
        raise InvalidModelNameError(f"{name!r} contains a NUL character, which no path can hold.")
    path = Path(os.path.expanduser(rest)).absolute()
    return LocalSource(name=name, path=path)


def _parse_builtin(name: str, text: str) -> ModelSource:
    if any(ch in text for ch in '/\\:'):
        raise InvalidModelNameError(
            f"'{name}' is not an architecture name. For a hub repository use 'hf-hub:{text}'; "
            f"for a folder on disk use 'local:{text}'."
        )
    if not _ARCH_PATTERN.match(text):
        raise InvalidModelNameError(
            f"'{name}' is not a valid model name: use letters, digits and '_' with an optional "
            "'.tag' (for example 'resnet50' or 'resnet50.a1_in1k')."
        )
    arch, _, tag = text.partition('.')
    return BuiltinSource(name=name, arch=arch, tag=tag or None)
