"""Exception types raised by imgzoo.

Every failure a user can cause has its own class, and each class subclasses the standard
exception a Python user would expect (``FileNotFoundError``, ``ValueError``, ...), so code
written against the standard types keeps working. Messages say what went wrong and what to do.
"""
from __future__ import annotations

from typing import Iterable, Sequence


class ImgzooError(Exception):
    """Base class of every error imgzoo raises on purpose."""


class InvalidModelNameError(ImgzooError, ValueError):
    """A model name that is not `arch`, `arch.tag`, `hf-hub:org/repo[@rev]` or `local:/path`."""


class UnknownModelError(ImgzooError, ValueError):
    """An architecture name that is not registered."""

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(
            f"Unknown model architecture '{name}'.{hint} "
            "Run `imgzoo.list_models()` to see every architecture."
        )


class UnknownPretrainedTagError(ImgzooError, ValueError):
    """A pretrained tag that the architecture does not have."""

    def __init__(self, arch: str, tag: str, known_tags: Sequence[str]) -> None:
        self.arch = arch
        self.tag = tag
        self.known_tags = list(known_tags)
        known = ', '.join(self.known_tags) if self.known_tags else 'none'
        super().__init__(
            f"Architecture '{arch}' has no pretrained tag '{tag}'. Known tags: {known}."
        )


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


class OfflineCacheMissError(HubError, FileNotFoundError):
    """Files needed offline that the local cache does not hold."""


class CacheNotWritableError(HubError, PermissionError):
    """Files to download into a cache that cannot be written (read-only or not permitted)."""


class FolderExistsError(ImgzooError, FileExistsError):
    """A save target that already holds files imgzoo did not write."""


class ConversionError(ImgzooError, ValueError):
    """A foreign checkpoint that a named conversion cannot map."""


class InputSizeError(ImgzooError, ValueError):
    """An input tensor whose shape or image size the model cannot take."""


class ImageReadError(ImgzooError, OSError):
    """An image path that is missing or cannot be decoded, or a folder holding no images."""


class ManifestNotFoundError(ImgzooError, FileNotFoundError):
    """A folder to verify that has no `checksums.sha256` manifest."""


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
        self.architecture = architecture
        self.missing = list(missing)
        self.unexpected = list(unexpected)
        self.mismatched = list(mismatched)
        self.wrong_dtypes = list(wrong_dtypes)
        lines = [f"Weights{f' from {source}' if source else ''} do not fit '{architecture}':"]
        for key, expected, found in self.mismatched:
            lines.append(f"  shape mismatch  {key}: model expects {list(expected)}, weights have {list(found)}")
        for key, expected_dtype, found_dtype in self.wrong_dtypes:
            lines.append(f"  wrong dtype     {key}: model expects {expected_dtype}, weights have {found_dtype}")
        lines += [f"  missing         {key}" for key in self.missing]
        lines += [f"  unexpected      {key}" for key in self.unexpected]
        lines.append(
            "Check that the architecture and model_args match the checkpoint; pass num_classes= or "
            "in_chans= to adapt the classifier or the first convolution."
        )
        super().__init__('\n'.join(lines))
