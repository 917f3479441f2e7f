"""Coordinate processes that fetch the same hub files into one shared cache.

Every fetch of a repository revision that may touch the network holds a lock file in
`<cache>/.locks/imgzoo/`. The first process (or thread) to take it talks to the hub; the
others wait for it, and when it recorded the commit it resolved they use that commit and read
the files from the cache without a request of their own. This covers `torch.distributed`
jobs (`torchrun`: one rank fetches, the ranks sharing its cache wait) as well as any other
processes sharing a cache.

The lock is an OS file lock (`flock`), which the kernel releases when its holder exits or is
killed, and nothing is collective: a rank waits only for a process that is fetching right
now, never for ranks that might load the model later, so loading in only some ranks cannot
deadlock. A cache where no lock file can be created (read-only, or a filesystem without
`flock`) is used without coordination.
"""
from __future__ import annotations

import logging
import os
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import quote

logger = logging.getLogger('imgzoo')

LOCKS_SUBDIR = Path('.locks') / 'imgzoo'
_LOG_EVERY_S = 10.0


@dataclass
class FetchLock:
    """The state of one held fetch lock.

    `waited` says another process held the lock when this one asked for it; `followed_commit`
    is the commit that process recorded while this one waited (None if it recorded none).
    """

    path: Optional[Path]
    waited: bool = False
    followed_commit: Optional[str] = None

    def record(self, commit: Optional[str]) -> None:
        """Tell processes waiting on this lock which commit the fetch resolved to."""
        if self.path is None or not commit:
            return
        stamp = _stamp_path(self.path)
        tmp = stamp.with_name(f'{stamp.name}.{os.getpid()}.tmp')
        try:
            tmp.write_text(f'{commit} {uuid.uuid4().hex}\n', encoding='ascii')
            os.replace(tmp, stamp)
        except OSError:
            tmp.unlink(missing_ok=True)


def lock_path(cache: Path, repo_id: str, revision: Optional[str]) -> Path:
    """The lock file for fetching one revision of a model repository into cache."""
    repo_folder = 'models--' + repo_id.replace('/', '--')
    return cache / LOCKS_SUBDIR / repo_folder / (quote(revision or 'main', safe='') + '.lock')


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name[:-len('.lock')] + '.commit')


def _read_stamp(path: Path) -> Optional[str]:
    try:
        return _stamp_path(path).read_text(encoding='ascii').strip() or None
    except (OSError, UnicodeDecodeError):
        return None


@contextmanager
def fetch_lock(cache: Path, repo_id: str, revision: Optional[str]) -> Iterator[FetchLock]:
    """Hold the lock for fetching repo_id@revision into cache, waiting for any current holder."""
    from filelock import FileLock, Timeout

    path = lock_path(cache, repo_id, revision)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(path), mode=0o664, fallback_to_soft=False)
        before = _read_stamp(path)
        try:
            lock.acquire(timeout=0)
            state = FetchLock(path)
        except Timeout:
            state = _wait(lock, path, before, repo_id, revision)
    except (OSError, NotImplementedError) as e:
        logger.debug("imgzoo: fetching hf-hub:%s without a lock (%s cannot be locked: %s)", repo_id, path, e)
        yield FetchLock(None)
        return
    try:
        yield state
    finally:
        lock.release()


def _wait(lock, path: Path, before: Optional[str], repo_id: str, revision: Optional[str]) -> FetchLock:
    from filelock import Timeout

    start = time.monotonic()
    where = f"hf-hub:{repo_id}" + (f"@{revision}" if revision else '')
    logger.info("imgzoo: another process is fetching %s into this cache; waiting for it (lock %s).", where, path)
    while True:
        try:
            lock.acquire(timeout=_LOG_EVERY_S)
            break
        except Timeout:
            waited = time.monotonic() - start
            logger.info("imgzoo: still waiting for the fetch of %s (%.0f s, lock %s).", where, waited, path)
    after = _read_stamp(path)
    commit = after.split()[0] if after and after != before else None
    return FetchLock(path, waited=True, followed_commit=commit)
