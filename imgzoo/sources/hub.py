"""A model repository on the hub, fetched with `huggingface_hub` into its standard cache.

Environment variables are read at call time, so they work however late they are set:
`HF_ENDPOINT` (hub address), `HF_HUB_CACHE` / `HF_HOME` (cache), `HF_HUB_OFFLINE` (no network),
`HF_HUB_ETAG_TIMEOUT` (seconds to wait for the hub's answer about a file).
The cache layout is huggingface_hub's own, shared with timm and transformers.

Network use:
- offline (`HF_HUB_OFFLINE=1` or `local_files_only=True`): no request at all; files the cache
  lacks are an `OfflineCacheMissError` naming them and the `imgzoo download` command that fetches them;
- a revision pinned to a 40-hex commit whose files are cached: no request;
- a branch or tag whose file is cached: one HEAD request checks it is current. When the hub
  cannot be reached (refused or dropped connection, timeout, server error), the cached copy is
  used, one `HubUnreachableWarning` per fetch says so, and the fetch's other files come from
  the cache without further requests;
- files not cached: downloaded (huggingface_hub retries transient errors).
Fetches that may touch the network hold a per-cache lock (`imgzoo.locking`), so processes
sharing a cache download each file once and the waiting ones make no requests.
"""
from __future__ import annotations

import errno
import functools
import os
import re
import socket
import sys
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union
from urllib.parse import urlsplit

from ..errors import (
    CacheNotWritableError, ConfigNotFoundError, HubEntryNotFoundError, HubError, HubFileNotFoundError,
    HubRepositoryNotFoundError, HubRevisionNotFoundError, HubUnreachableError, ImgzooError, OfflineCacheMissError,
    WeightsNotFoundError,
)
from ..locking import fetch_lock
from .common import (
    CONFIG_NAME, PICKLE_WEIGHTS_INDEX_NAME, PICKLE_WEIGHTS_NAME, SAFE_WEIGHTS_INDEX_NAME, SAFE_WEIGHTS_NAME,
    ModelConfig, WeightsLocation, read_config_file, read_index,
)

WEIGHTS_CANDIDATES: Tuple[str, ...] = (
    SAFE_WEIGHTS_NAME, SAFE_WEIGHTS_INDEX_NAME, PICKLE_WEIGHTS_NAME, PICKLE_WEIGHTS_INDEX_NAME,
)
_TRUE = {'1', 'ON', 'YES', 'TRUE'}
_PROXY_VARIABLES = ('HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy')
_COMMIT = re.compile(r'[0-9a-f]{40}')


class HubUnreachableWarning(UserWarning):
    """The hub could not be reached, so a cached copy of a repository is used as it is."""


def default_cache_dir() -> Path:
    """The hub cache folder: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub."""
    explicit = os.environ.get('HF_HUB_CACHE') or os.environ.get('HUGGINGFACE_HUB_CACHE')
    if explicit:
        return Path(os.path.expanduser(explicit))
    home = os.environ.get('HF_HOME') or os.path.join(os.environ.get('XDG_CACHE_HOME', '~/.cache'), 'huggingface')
    return Path(os.path.expanduser(home)) / 'hub'


def is_offline() -> bool:
    """Whether HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) asks for no network access, or huggingface_hub is in
    offline mode (it reads HF_HUB_OFFLINE once, when imported, and then refuses every request)."""
    return _offline_variable() or _hf_offline_mode()


def _offline_variable() -> bool:
    value = os.environ.get('HF_HUB_OFFLINE') or os.environ.get('TRANSFORMERS_OFFLINE') or ''
    return value.upper() in _TRUE


def _hf_offline_mode() -> bool:
    constants = sys.modules.get('huggingface_hub.constants')
    return bool(getattr(constants, 'HF_HUB_OFFLINE', False))


def _offline_reason(local_files_only: bool) -> str:
    if local_files_only:
        return 'local_files_only=True'
    if _offline_variable():
        return 'HF_HUB_OFFLINE=1'
    return 'huggingface_hub is in offline mode: HF_HUB_OFFLINE was set when it was imported'


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


def is_commit_hash(revision: Optional[str]) -> bool:
    """Whether a revision is a full 40-hex commit hash (immutable, so cached files need no check)."""
    return bool(revision) and _COMMIT.fullmatch(revision) is not None  # type: ignore[arg-type]


def _describe(repo_id: str, revision: Optional[str]) -> str:
    return f"hf-hub:{repo_id}" + (f"@{revision}" if revision else '')


def _endpoint_arg() -> Optional[str]:
    return os.environ.get('HF_ENDPOINT') or None


def _etag_timeout() -> float:
    from huggingface_hub import constants

    try:
        return float(os.environ.get('HF_HUB_ETAG_TIMEOUT') or constants.HF_HUB_ETAG_TIMEOUT)
    except ValueError:
        return float(constants.HF_HUB_ETAG_TIMEOUT)


@functools.lru_cache(maxsize=None)
def _network_errors() -> Tuple[type, ...]:
    """Transport-level exceptions of the HTTP client huggingface_hub uses (refused, dropped, timed out)."""
    found: List[type] = []
    for module, name in (('httpx2', 'TransportError'), ('httpx', 'TransportError'), ('requests', 'RequestException')):
        try:
            found.append(getattr(__import__(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(found)


@dataclass
class _Fetch:
    """One fetch of files from a repository revision: where, and whether the hub has proved unreachable."""

    repo_id: str
    revision: Optional[str]
    cache: Path
    local_files_only: bool
    offline: bool
    unreachable: Optional[str] = None
    resolved_commit: Optional[str] = None
    reachable: bool = False
    wanted: Tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return _describe(self.repo_id, self.revision)

    def use_cache(self, reason: str, commit: Optional[str]) -> None:
        """Remember the hub is unreachable and warn, once per fetch, that cached files are used."""
        if self.unreachable is None:
            at = f" (commit {commit})" if commit else ''
            warnings.warn(
                f"Could not reach the hub at {endpoint()} to check {self.where} ({reason}); using the copy "
                f"cached in {self.cache}{at}. It may be out of date.",
                HubUnreachableWarning, stacklevel=2,
            )
        self.unreachable = reason


def _new_fetch(
    repo_id: str, revision: Optional[str], cache_dir: Union[str, os.PathLike, None], local_files_only: bool,
) -> _Fetch:
    offline = local_files_only or is_offline()
    return _Fetch(repo_id, revision, cache_dir_or_default(cache_dir), local_files_only, offline)


def download(
    repo_id: str, filename: str, *, revision: Optional[str] = None,
    cache_dir: Union[str, os.PathLike, None] = None, local_files_only: bool = False,
) -> Path:
    """One file of a repository, from the cache or the hub; hub errors become imgzoo errors."""
    return _download(_new_fetch(repo_id, revision, cache_dir, local_files_only), filename)


def _download(fetch: _Fetch, filename: str, revision: Optional[str] = None) -> Path:
    """One file, at `revision` (default: the fetch's revision), following the module's network rules."""
    revision = revision or fetch.revision
    with _hub_errors(fetch, filename, revision):
        if fetch.unreachable is not None:
            return _cached_or_raise(fetch, filename, revision)
        if not fetch.offline and not is_commit_hash(revision):
            state, cached = _cache_lookup(fetch, filename, revision)
            if state != 'unknown':
                fresh = _current_commit(fetch, filename, revision, _ref_commit(fetch, revision))
                if fresh is None:
                    return _cached_or_raise(fetch, filename, revision)
                if cached is not None and fresh == commit_of(cached):
                    return cached
            else:
                _check_reachable(fetch, filename, revision)
        elif not fetch.offline and _cache_lookup(fetch, filename, revision)[0] == 'unknown':
            _check_reachable(fetch, filename, revision)
        return _hf_download(fetch, filename, revision, local_files_only=fetch.offline)


def _check_reachable(fetch: _Fetch, filename: str, revision: Optional[str]) -> None:
    """Before a download the cache cannot serve, check that the hub's address accepts connections at all.

    huggingface_hub retries a failed first request for about 25 s when nothing is cached; with no network
    at all that only delays the inevitable, so one TCP connection attempt (not an HTTP request) decides.
    Skipped behind a proxy, where the hub's own address says nothing. Checked once per fetch.
    """
    if fetch.reachable or any(os.environ.get(v) for v in _PROXY_VARIABLES):
        return
    url = urlsplit(endpoint())
    port = url.port or (443 if url.scheme == 'https' else 80)
    try:
        socket.create_connection((url.hostname or '', port), timeout=min(_etag_timeout(), 1.5)).close()
    except OSError as e:
        wanted = list(fetch.wanted) or [filename]
        where = _describe(fetch.repo_id, revision)
        names = ', '.join(f"'{name}'" for name in wanted)
        raise HubUnreachableError(
            f"Cannot reach the hub at {endpoint()} ({type(e).__name__}: {e.strerror or e}) and the cache at "
            f"{fetch.cache} has no copy of {names} of {where}. On a machine with network access run "
            f"`imgzoo download {where}` (into this cache: --cache-dir {fetch.cache}) and copy the cache here; "
            "to work without the network, set HF_HUB_OFFLINE=1 so only cached files are used, with no waiting.",
            repo_id=fetch.repo_id, revision=revision, filename=filename, filenames=wanted, path=fetch.cache,
        ) from None
    fetch.reachable = True


def _hf_download(fetch: _Fetch, filename: str, revision: Optional[str], *, local_files_only: bool) -> Path:
    from huggingface_hub import hf_hub_download

    return Path(hf_hub_download(
        fetch.repo_id, filename, revision=revision, cache_dir=fetch.cache, local_files_only=local_files_only,
        endpoint=_endpoint_arg(), etag_timeout=_etag_timeout(),
    ))


def _cache_lookup(fetch: _Fetch, filename: str, revision: Optional[str]) -> Tuple[str, Optional[Path]]:
    """('cached', path), ('absent', None) when the cache recorded that the hub lacks the file, or ('unknown', None)."""
    from huggingface_hub import try_to_load_from_cache
    from huggingface_hub.file_download import _CACHED_NO_EXIST

    try:
        found = try_to_load_from_cache(fetch.repo_id, filename, cache_dir=fetch.cache, revision=revision)
    except ValueError:
        return 'unknown', None
    if found is _CACHED_NO_EXIST:
        return 'absent', None
    return ('cached', Path(found)) if isinstance(found, str) else ('unknown', None)


def _ref_commit(fetch: _Fetch, revision: Optional[str]) -> Optional[str]:
    """The commit the cache records for a branch or tag, if any."""
    ref = fetch.cache / ('models--' + fetch.repo_id.replace('/', '--')) / 'refs' / (revision or 'main')
    try:
        text = ref.read_text(encoding='ascii').strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if is_commit_hash(text) else None


def _cached_or_raise(fetch: _Fetch, filename: str, revision: Optional[str]) -> Path:
    """A file of a fetch whose hub is unreachable: the cached copy, or an error naming the reason."""
    state, cached = _cache_lookup(fetch, filename, revision)
    if cached is not None:
        return cached
    fields = dict(repo_id=fetch.repo_id, revision=revision, filename=filename, path=fetch.cache)
    if state == 'absent':
        raise HubEntryNotFoundError(f"{_describe(fetch.repo_id, revision)} has no file '{filename}' (as cached).",
                                    **fields)
    raise HubError(
        f"Could not fetch '{filename}' of {_describe(fetch.repo_id, revision)} from {endpoint()} "
        f"({fetch.unreachable}) and the cache at {fetch.cache} has no copy. "
        "Check the network connection or HF_ENDPOINT, then retry.", **fields,
    )


def _current_commit(
    fetch: _Fetch, filename: str, revision: Optional[str], cached_commit: Optional[str],
) -> Optional[str]:
    """The commit the hub serves the file from, or None (after warning) when the hub cannot be reached."""
    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub import errors as hf_errors

    url = hf_hub_url(fetch.repo_id, filename, revision=revision, endpoint=_endpoint_arg())
    try:
        meta = get_hf_file_metadata(url, timeout=_etag_timeout(), endpoint=_endpoint_arg())
    except (hf_errors.RevisionNotFoundError, hf_errors.RemoteEntryNotFoundError):
        raise
    except (hf_errors.HfHubHTTPError, hf_errors.FileMetadataError, *_network_errors()) as e:
        fetch.use_cache(_short(e), cached_commit)
        return None
    if not meta.commit_hash:
        fetch.use_cache(f"{endpoint()} sent no commit header, so it is not a hub", cached_commit)
        return None
    return meta.commit_hash


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:160]}" if text else type(error).__name__


@contextmanager
def _hub_errors(fetch: _Fetch, filename: str, revision: Optional[str]) -> Iterator[None]:
    """Translate huggingface_hub and HTTP client exceptions into imgzoo's hub errors."""
    from huggingface_hub import errors as hf_errors

    where = _describe(fetch.repo_id, revision)
    fields = dict(repo_id=fetch.repo_id, revision=revision, filename=filename, path=fetch.cache)
    try:
        yield
    except ImgzooError:
        raise
    except hf_errors.RevisionNotFoundError:
        raise HubRevisionNotFoundError(
            f"Revision '{revision}' does not exist in {fetch.repo_id} on {endpoint()}. "
            "Check the branch, tag or commit after '@'.", **fields,
        ) from None
    except hf_errors.RepositoryNotFoundError:
        raise HubRepositoryNotFoundError(
            f"Repository '{fetch.repo_id}' was not found on {endpoint()} (or it is private or gated). "
            "Check the name; for a private repository log in with `hf auth login` or set HF_TOKEN.", **fields,
        ) from None
    except hf_errors.RemoteEntryNotFoundError:
        raise HubEntryNotFoundError(f"{where} has no file '{filename}'.", **fields) from None
    except hf_errors.LocalEntryNotFoundError as e:
        if fetch.offline:
            raise OfflineCacheMissError(
                f"Working offline ({_offline_reason(fetch.local_files_only)}) and the cache at {fetch.cache} does "
                f"not hold '{filename}' of {where}. While online, run `imgzoo download {where}` (add --cache-dir "
                f"{fetch.cache} if you use another cache), or unset HF_HUB_OFFLINE.",
                filenames=[filename], **fields,
            ) from None
        raise HubError(
            f"Could not fetch '{filename}' of {where} from {endpoint()} and the cache at {fetch.cache} has no copy: "
            f"{_short(e.__cause__ or e)}. Check the network connection or HF_ENDPOINT, then retry.", **fields,
        ) from None
    except hf_errors.HfHubHTTPError as e:
        raise HubError(f"The hub at {endpoint()} refused '{filename}' of {where}: {_short(e)}", **fields) from None
    except ValueError as e:
        raise HubFileNotFoundError(
            f"'{filename}' of {where} is not a valid hub file name: {_short(e)}", **fields) from None
    except _network_errors() as e:
        raise HubError(
            f"Lost the connection to {endpoint()} while fetching '{filename}' of {where} ({_short(e)}). "
            "Check the network connection or HF_ENDPOINT, then retry; the cache is left consistent.", **fields,
        ) from None
    except OSError as e:
        if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise CacheNotWritableError(
                f"The cache at {fetch.cache} cannot be written ({e.strerror}) and does not hold '{filename}' of "
                f"{where}. Pass cache_dir= (or set HF_HUB_CACHE or HF_HOME) to a writable folder, or fill this "
                f"cache where it is writable: `imgzoo download {where} --cache-dir {fetch.cache}`. A read-only "
                "cache that holds the model loads as usual.", **fields,
            ) from None
        raise HubError(f"Could not fetch '{filename}' of {where} into {fetch.cache}: {e}", **fields) from None


@contextmanager
def _coordinated(fetch: _Fetch) -> Iterator[_Fetch]:
    """Run a fetch under the cache's fetch lock; a fetch that waited follows the commit its predecessor resolved."""
    if fetch.offline:
        yield fetch
        return
    with fetch_lock(fetch.cache, fetch.repo_id, fetch.revision) as lock:
        if lock.followed_commit and not is_commit_hash(fetch.revision):
            yield replace(fetch, revision=lock.followed_commit)
        else:
            yield fetch
            lock.record(fetch.resolved_commit)


def fetch_config(
    repo_id: str, *, revision: Optional[str] = None, cache_dir: Union[str, os.PathLike, None] = None,
    local_files_only: bool = False,
) -> Tuple[ModelConfig, Path]:
    """The parsed `config.json` of a repository and its cached path."""
    fetch = _new_fetch(repo_id, revision, cache_dir, local_files_only)
    with _coordinated(fetch) as active:
        try:
            path = _download(active, CONFIG_NAME)
        except HubEntryNotFoundError:
            raise ConfigNotFoundError(
                f"{_describe(repo_id, revision)} has no config.json, so it is not a timm-format model repository. "
                "imgzoo loads repositories written by timm's push_to_hf_hub or imgzoo.save_pretrained.",
                repo_id=repo_id, revision=revision, filename=CONFIG_NAME,
            ) from None
        active.resolved_commit = commit_of(path)
    return read_config_file(path, origin=f"{CONFIG_NAME} of {_describe(repo_id, revision)}"), path


def fetch_weights(
    repo_id: str, *, revision: Optional[str] = None, cache_dir: Union[str, os.PathLike, None] = None,
    local_files_only: bool = False, filename: Optional[str] = None,
) -> WeightsLocation:
    """The weights of a repository: `filename` if given, else the first of WEIGHTS_CANDIDATES that exists."""
    fetch = _new_fetch(repo_id, revision, cache_dir, local_files_only)
    with _coordinated(fetch) as active:
        location = _find_weights(active, filename)
        active.resolved_commit = commit_of(location.files[0])
    return location


def _find_weights(fetch: _Fetch, filename: Optional[str]) -> WeightsLocation:
    candidates: Sequence[str] = (filename,) if filename else WEIGHTS_CANDIDATES
    fetch.wanted = tuple(candidates)
    not_cached: List[str] = []
    for name in candidates:
        if not filename:
            state, _ = _cache_lookup(fetch, name, fetch.revision)
            if state == 'absent' and (fetch.offline or is_commit_hash(fetch.revision) or fetch.unreachable):
                continue
            if fetch.offline and state == 'unknown':
                not_cached.append(name)
                continue
        try:
            path = _download(fetch, name)
        except HubEntryNotFoundError:
            if filename:
                raise
            continue
        fmt = 'safetensors' if 'safetensors' in name else 'pickle'
        if name.endswith('.index.json'):
            origin = f"{name} of {fetch.where}"
            shards = [_download(fetch, shard, commit_of(path)) for shard in read_index(path, origin)]
            return WeightsLocation(shards, fmt, index_file=path)  # type: ignore[arg-type]
        return WeightsLocation([path], fmt)  # type: ignore[arg-type]
    if not_cached:
        raise OfflineCacheMissError(
            f"Working offline ({_offline_reason(fetch.local_files_only)}) and the cache at {fetch.cache} holds no "
            f"weights of {fetch.where} (looked for {', '.join(not_cached)}). While online, run "
            f"`imgzoo download {fetch.where}`, or unset HF_HUB_OFFLINE.",
            repo_id=fetch.repo_id, revision=fetch.revision, filenames=not_cached, path=fetch.cache,
        )
    raise WeightsNotFoundError(
        f"{fetch.where} has no weights file (looked for {', '.join(candidates)}). "
        "Use pretrained=False for a randomly initialised model.",
        repo_id=fetch.repo_id, revision=fetch.revision,
    )


def describe_weights(
    repo_id: str, revision: Optional[str], filename: Optional[str], cache_dir: Union[str, os.PathLike, None],
) -> Dict[str, Any]:
    """The weights files fetch_weights would take from a repository, with sizes, without downloading weights:
    from the hub's file listing (one request), else from what the cache holds (offline, or hub unreachable)."""
    candidates = [filename] if filename else list(WEIGHTS_CANDIDATES)
    listing: Dict[str, Optional[int]] = {}
    commit = None
    note = ''
    if is_offline():
        note = 'offline: showing what the cache holds'
    else:
        from huggingface_hub import HfApi
        from huggingface_hub.errors import HfHubHTTPError

        try:
            model_info = HfApi(endpoint=_endpoint_arg()).model_info(repo_id, revision=revision, files_metadata=True,
                                                                     timeout=_etag_timeout())
            listing = {s.rfilename: s.size for s in (model_info.siblings or [])}
            commit = model_info.sha
        except (HfHubHTTPError, *_network_errors()) as e:  # the listing only adds detail: fall back to the cache
            note = f'hub listing unavailable ({type(e).__name__}): showing what the cache holds'
    if listing:
        chosen = next((name for name in candidates if name in listing), None)
        if chosen is None:
            return {'files': [], 'commit': commit, 'note': f'the repository has none of {", ".join(candidates)}'}
        names = [chosen]
        if chosen.endswith('.index.json'):
            index = download(repo_id, chosen, revision=revision, cache_dir=cache_dir)
            names += read_index(index, f'{chosen} of {repo_id}')
        return {'files': [{'name': n, 'size': listing.get(n)} for n in names], 'commit': commit, 'note': note}

    from huggingface_hub import try_to_load_from_cache

    cache = cache_dir_or_default(cache_dir)
    files = []
    for name in candidates:
        found = try_to_load_from_cache(repo_id, name, cache_dir=cache, revision=revision)
        if isinstance(found, str):
            files.append({'name': name, 'size': Path(found).stat().st_size, 'cached': True})
            commit = commit or commit_of(Path(found))
            break
    if not files:
        note += '; the cache holds no weights of this repository yet'
    return {'files': files, 'commit': commit, 'note': note}
