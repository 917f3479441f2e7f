"""Exception types raised by imgzoo.

Every failure a user can cause has its own class, and each class subclasses the standard
exception a Python user would expect (``FileNotFoundError``, ``ValueError``, ...), so code
written against the standard types keeps working. Messages say what went wrong and what to do.
"""
from __future__ import annotations

import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple


def _restore(cls: type, args: tuple, state: Dict[str, Any]) -> 'ImgzooError':
    """Rebuild an imgzoo error from its message and fields, without calling its __init__ (see __reduce__)."""
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class ImgzooError(Exception):
    """Base class of every error imgzoo raises on purpose.

    Besides the message, an error carries the data it is about as attributes, so callers can branch on
    data rather than on text: `repo_id`, `revision`, `filename`, `path`, `architecture` where they apply
    (None otherwise), plus class-specific fields documented on each class. Every imgzoo error survives
    pickling (DataLoader workers, multiprocessing, Ray) with its type, message and fields.
    """

    repo_id: Optional[str] = None
    revision: Optional[str] = None
    filename: Optional[str] = None
    path: Optional[str] = None
    architecture: Optional[str] = None

    def __init__(self, message: str = '', **fields: Any) -> None:
        super().__init__(message)
        for key, value in fields.items():
            setattr(self, key, os.fspath(value) if isinstance(value, os.PathLike) else value)

    def __reduce__(self) -> Tuple[Any, ...]:
        return _restore, (type(self), self.args, dict(self.__dict__))

    @property
    def fields(self) -> Dict[str, Any]:
        """The structured fields set on this error (name -> value)."""
        return dict(self.__dict__)


class InvalidModelNameError(ImgzooError, ValueError):
    """A model name that is not `arch`, `arch.tag`, `hf-hub:org/repo[@rev]` or `local:/path`."""


class UnknownModelError(ImgzooError, ValueError):
    """An architecture name that is not registered."""

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"Unknown model architecture '{name}'.{hint} "
            "Run `imgzoo.list_models()` to see every architecture.",
            name=name, architecture=name, suggestions=list(suggestions),
        )


class UnknownPretrainedTagError(ImgzooError, ValueError):
    """A pretrained tag that the architecture does not have."""

    def __init__(self, arch: str, tag: str, known_tags: Sequence[str]) -> None:
        known = ', '.join(known_tags) if known_tags else 'none'
        super().__init__(
            f"Architecture '{arch}' has no pretrained tag '{tag}'. Known tags: {known}.",
            arch=arch, architecture=arch, tag=tag, known_tags=list(known_tags),
        )


class ModelInTrainingModeError(ImgzooError, ValueError):
    """An inference-only rewrite (optimize_for_inference) was asked of a model in training mode."""


class InferenceOnlyModelError(ImgzooError, ValueError):
    """A model rewritten by optimize_for_inference given to something that needs the architecture's own weights."""


class NoPretrainedWeightsError(ImgzooError, ValueError):
    """`pretrained=True` for a configuration that says nowhere where weights live."""


class InvalidModelArgsError(ImgzooError, TypeError, ValueError):
    """Keyword arguments the architecture does not accept (a TypeError), or values it cannot use (a ValueError)."""


class ConfigNotFoundError(ImgzooError, FileNotFoundError):
    """A model folder or repository without `config.json`."""


class InvalidConfigError(ImgzooError, ValueError):
    """A `config.json` that is not valid JSON or not in timm's format."""


class ModelFolderNotFoundError(ImgzooError, FileNotFoundError):
    """A `local:` path that does not exist or is not a folder."""


class WeightsNotFoundError(ImgzooError, FileNotFoundError):
    """No weights file where one was expected."""


class CorruptWeightsError(ImgzooError, ValueError):
    """A weights file that cannot be read: truncated, not a weights file, or inconsistent."""


class UnsafeCheckpointError(ImgzooError, ValueError):
    """A pickled checkpoint that needs arbitrary code to load, refused for safety."""


class HubError(ImgzooError, OSError):
    """A failure talking to the model hub."""


class HubFileNotFoundError(HubError, FileNotFoundError):
    """A repository, revision or file that the hub says does not exist."""


class HubRepositoryNotFoundError(HubFileNotFoundError):
    """A repository the hub does not have (or hides: private or gated)."""


class HubRevisionNotFoundError(HubFileNotFoundError):
    """A branch, tag or commit that the repository does not have."""


class HubEntryNotFoundError(HubFileNotFoundError):
    """A file that the repository revision does not have."""


class HubUnreachableError(HubError, ConnectionError):
    """The hub cannot be reached and the cache lacks the files; `filenames` lists the files that were needed."""

    filenames: Sequence[str] = ()


class OfflineCacheMissError(HubError, FileNotFoundError):
    """Files needed offline that the local cache does not hold; `filenames` lists them."""

    filenames: Sequence[str] = ()


class CacheNotWritableError(HubError, PermissionError):
    """Files to download into a cache that cannot be written (read-only or not permitted)."""


class FolderExistsError(ImgzooError, FileExistsError):
    """A save target that is a file, or a folder that already holds files; `files` lists some of them."""

    files: Sequence[str] = ()


class ConversionError(ImgzooError, ValueError):
    """A foreign checkpoint that a named conversion cannot map."""


class InputSizeError(ImgzooError, ValueError):
    """An input tensor whose shape or image size the model cannot take."""


class ImageReadError(ImgzooError, OSError):
    """An image path that is missing or cannot be decoded, or a folder holding no images."""


class ManifestNotFoundError(ImgzooError, FileNotFoundError):
    """A folder to verify that has no `checksums.sha256` manifest."""


class ManifestMismatchError(ImgzooError, ValueError):
    """A model folder whose files do not match its `checksums.sha256`; `problems` maps each file to what is wrong
    ('changed', 'missing', 'size N, manifest says M', 'not in the manifest')."""

    problems: Dict[str, str] = {}


class InvalidManifestError(ImgzooError, ValueError):
    """A `checksums.sha256` manifest that is not in `sha256sum` format or names files outside its folder."""


class StateDictMismatchError(ImgzooError, ValueError):
    """Weights whose keys or shapes do not fit the model."""

    def __init__(
        self,
        architecture: str,
        missing: Iterable[str] = (),
        unexpected: Iterable[str] = (),
        mismatched: Iterable[tuple[str, tuple, tuple]] = (),
        source: str = '',
        wrong_dtypes: Iterable[tuple[str, str, str]] = (),
    ) -> None:
        missing, unexpected = list(missing), list(unexpected)
        mismatched, wrong_dtypes = [tuple(m) for m in mismatched], [tuple(w) for w in wrong_dtypes]
        lines = [f"Weights{f' from {source}' if source else ''} do not fit '{architecture}':"]
        for key, expected, found in mismatched:
            lines.append(f"  shape mismatch  {key}: model expects {list(expected)}, weights have {list(found)}")
        for key, expected_dtype, found_dtype in wrong_dtypes:
            lines.append(f"  wrong dtype     {key}: model expects {expected_dtype}, weights have {found_dtype}")
        lines += [f"  missing         {key}" for key in missing]
        lines += [f"  unexpected      {key}" for key in unexpected]
        lines.append(
            "Check that the architecture and model_args match the checkpoint; pass num_classes= or "
            "in_chans= to adapt the classifier or the first convolution."
        )
        super().__init__(
            '\n'.join(lines), architecture=architecture, source=source, missing=missing, unexpected=unexpected,
            mismatched=mismatched, wrong_dtypes=wrong_dtypes,
        )
