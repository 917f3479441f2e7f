"""A model repository on the hub, fetched with `huggingface_hub` into its standard cache.

Environment variables are read at call time, so they work however late they are set:
`HF_ENDPOINT` (hub address), `HF_HUB_CACHE` / `HF_HOME` (cache), `HF_HUB_OFFLINE` (no network).
The cache layout is huggingface_hub's own, shared with timm and transformers.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

from ..errors import ConfigNotFoundError, HubError, HubFileNotFoundError, OfflineCacheMissError, WeightsNotFoundError
from .common import (
    CONFIG_NAME, PICKLE_WEIGHTS_INDEX_NAME, PICKLE_WEIGHTS_NAME, SAFE_WEIGHTS_INDEX_NAME, SAFE_WEIGHTS_NAME,
    ModelConfig, WeightsLocation, read_config_file, read_index,
)

WEIGHTS_CANDIDATES: Tuple[str, ...] = (
    SAFE_WEIGHTS_NAME, SAFE_WEIGHTS_INDEX_NAME, PICKLE_WEIGHTS_NAME, PICKLE_WEIGHTS_INDEX_NAME,
)
_TRUE = {'1', 'ON', 'YES', 'TRUE'}


def default_cache_dir() -> Path:
    """The hub cache folder: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub."""
    explicit = os.environ.get('HF_HUB_CACHE') or os.environ.get('HUGGINGFACE_HUB_CACHE')
    if explicit:
        return Path(os.path.expanduser(explicit))
    home = os.environ.get('HF_HOME') or os.path.join(os.environ.get('XDG_CACHE_HOME', '~/.cache'), 'huggingface')
    return Path(os.path.expanduser(home)) / 'hub'


def is_offline() -> bool:
    """Whether HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) asks for no network access."""
    value = os.environ.get('HF_HUB_OFFLINE') or os.environ.get('TRANSFORMERS_OFFLINE') or ''
    return value.upper() in _TRUE


def endpoint() -> str:
    """The hub address in use."""
    return os.environ.get('HF_ENDPOINT', 'https://huggingface.co').rstrip('/')


def cache_dir_or_default(cache_dir: Union[str, os.PathLike, None]) -> Path:
    """cache_dir expanded, or the default hub cache."""
    return Path(os.path.expanduser(os.fspath(cache_dir))) if cache_dir is not None else default_cache_dir()


def commit_of(path: Path) -> Optional[str]:
    """The commit hash of a file inside a hub cache snapshot, from its path."""
    parts = path.parts
    if 'snapshots' in parts:
        i = len(parts) - 1 - parts[::-1].index('snapshots')
        if i + 1 < len(parts):
            return parts[i + 1]
    return None


def _describe(repo_id: str, revision: Optional[str]) -> str:
    return f"hf-hub:{repo_id}" + (f"@{revision}" if revision else '')


def download(
    repo_id: str, filename: str, *, revision: Optional[str] = None,
    cache_dir: Union[str, os.PathLike, None] = None, local_files_only: bool = False,
) -> Path:
    """One file of a repository, from the cache or the hub; hub errors become imgzoo errors."""
    from huggingface_hub import hf_hub_download
    from huggingface_hub import errors as hf_errors

    offline = local_files_only or is_offline()
    cache = cache_dir_or_default(cache_dir)
    where = _describe(repo_id, revision)
    try:
        return Path(hf_hub_download(
            repo_id, filename, revision=revision, cache_dir=cache, local_files_only=offline,
            endpoint=os.environ.get('HF_ENDPOINT') or None,
        ))
    except hf_errors.RevisionNotFoundError:
        raise HubFileNotFoundError(
            f"Revision '{revision}' does not exist in {repo_id} on {endpoint()}. "
            "Check the branch, tag or commit after '@'."
        ) from None
    except hf_errors.RepositoryNotFoundError:
        raise HubFileNotFoundError(
            f"Repository '{repo_id}' was not found on {endpoint()} (or it is private or gated). "
            "Check the name; for a private repository log in with `hf auth login` or set HF_TOKEN."
        ) from None
    except hf_errors.RemoteEntryNotFoundError:
        raise HubFileNotFoundError(f"{where} has no file '{filename}'.") from None
    except hf_errors.LocalEntryNotFoundError as e:
        if offline:
            raise OfflineCacheMissError(
                f"Working offline ({'local_files_only=True' if local_files_only else 'HF_HUB_OFFLINE=1'}) and the "
                f"cache at {cache} does not hold '{filename}' of {where}. While online, run "
                f"`imgzoo download {where}` (add --cache-dir {cache} if you use another cache), or unset HF_HUB_OFFLINE."
            ) from None
        raise HubError(
            f"Could not fetch '{filename}' of {where} from {endpoint()} and the cache at {cache} has no copy: "
            f"{e.__cause__ or e}. Check the network connection or HF_ENDPOINT, then retry."
        ) from None
    except hf_errors.HfHubHTTPError as e:
        raise HubError(f"The hub at {endpoint()} refused '{filename}' of {where}: {e}") from None
    except OSError as e:
        raise HubError(f"Could not fetch '{filename}' of {where} into {cache}: {e}") from None


def fetch_config(
    repo_id: str, *, revision: Optional[str] = None, cache_dir: Union[str, os.PathLike, None] = None,
    local_files_only: bool = False,
) -> Tuple[ModelConfig, Path]:
    """The parsed `config.json` of a repository and its cached path."""
    try:
        path = download(repo_id, CONFIG_NAME, revision=revision, cache_dir=cache_dir, local_files_only=local_files_only)
    except HubFileNotFoundError as e:
        if "has no file" not in str(e):
            raise
        raise ConfigNotFoundError(
            f"{_describe(repo_id, revision)} has no config.json, so it is not a timm-format model repository. "
            "imgzoo loads repositories written by timm's push_to_hf_hub or imgzoo.save_pretrained."
        ) from None
    return read_config_file(path, origin=f"{CONFIG_NAME} of {_describe(repo_id, revision)}"), path


def fetch_weights(
    repo_id: str, *, revision: Optional[str] = None, cache_dir: Union[str, os.PathLike, None] = None,
    local_files_only: bool = False, filename: Optional[str] = None,
) -> WeightsLocation:
    """The weights of a repository: `filename` if given, else the first of WEIGHTS_CANDIDATES that exists."""
    candidates: Sequence[str] = (filename,) if filename else WEIGHTS_CANDIDATES
    offline = local_files_only or is_offline()
    not_cached: List[str] = []
    for name in candidates:
        if offline and not filename:
            state = _cache_state(repo_id, name, revision, cache_dir)
            if state == 'absent':
                continue
            if state == 'unknown':
                not_cached.append(name)
                continue
        try:
            path = download(repo_id, name, revision=revision, cache_dir=cache_dir, local_files_only=local_files_only)
        except HubFileNotFoundError as e:
            if "has no file" in str(e) and not filename:
                continue
            raise
        fmt = 'safetensors' if 'safetensors' in name else 'pickle'
        if name.endswith('.index.json'):
            shards = [
                download(repo_id, shard, revision=revision, cache_dir=cache_dir, local_files_only=local_files_only)
                for shard in read_index(path, f"{name} of {_describe(repo_id, revision)}")
            ]
            return WeightsLocation(shards, fmt, index_file=path)  # type: ignore[arg-type]
        return WeightsLocation([path], fmt)  # type: ignore[arg-type]
    where = _describe(repo_id, revision)
    if not_cached:
        cache = cache_dir_or_default(cache_dir)
        raise OfflineCacheMissError(
            f"Working offline and the cache at {cache} holds no weights of {where} "
            f"(looked for {', '.join(not_cached)}). While online, run `imgzoo download {where}`, "
            "or unset HF_HUB_OFFLINE."
        )
    raise WeightsNotFoundError(
        f"{where} has no weights file (looked for {', '.join(candidates)}). "
        "Use pretrained=False for a randomly initialised model."
    )


def _cache_state(repo_id: str, filename: str, revision: Optional[str], cache_dir: Union[str, os.PathLike, None]) -> str:
    """'cached', 'absent' (the cache recorded that the hub lacks it) or 'unknown'."""
    from huggingface_hub import try_to_load_from_cache
    from huggingface_hub.file_download import _CACHED_NO_EXIST

    found = try_to_load_from_cache(repo_id, filename, cache_dir=cache_dir_or_default(cache_dir), revision=revision)
    if found is _CACHED_NO_EXIST:
        return 'absent'
    return 'cached' if isinstance(found, str) else 'unknown'
