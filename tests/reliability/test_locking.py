"""The fetch lock under failure: a holder killed mid-download, and caches where no lock can be taken.

Processes are real (`lock_load.py`); the test moves on by events (the hub saw the request, a process
logged that it waits), never by sleeping.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest

import imgzoo
from reliability_support import HERE, assert_cache_consistent, subprocess_env, weights_digest

LOADER = str(HERE / 'lock_load.py')


class Loader:
    """A lock_load.py process whose stderr is watched for the line saying it waits for another fetch."""

    def __init__(self, argv: List[str], env: Dict[str, str]) -> None:
        self.process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.waiting = threading.Event()
        self.stderr: List[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.stderr.append(line)
            if 'waiting for it' in line:
                self.waiting.set()

    def result(self, timeout: float) -> dict:
        """The process's JSON report; fails the test if it does not finish in time."""
        try:
            self.process.wait(timeout=timeout)  # stdout holds one short line: no pipe can fill up meanwhile
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f'loader still running after {timeout} s (stranded by a lock?):\n{"".join(self.stderr)[-2000:]}')
        stdout = self.process.stdout.read()
        self.kill()
        lines = [line for line in stdout.splitlines() if line.startswith('{')]
        assert lines, f'no report (exit {self.process.returncode}):\n{"".join(self.stderr)[-3000:]}'
        return {**json.loads(lines[-1]), 'returncode': self.process.returncode}

    def kill(self) -> None:
        """End the process if it still runs, and close its pipes."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._reader.join(timeout=10)
        self.process.stdout.close()
        self.process.stderr.close()


@pytest.mark.timeout(180)
def test_a_lock_holder_killed_mid_download_strands_nobody(repo, tmp_path, isolated_hf_env, tiny_weights):
    """The holder of the weights lock is SIGKILLed while half the file has arrived; the two processes waiting
    for it take over: one resumes the download, the other reads the cache, both load the right weights."""
    cache = tmp_path / 'shared cache'
    stall = repo.hub.add_fault('*/model.safetensors', kind='stall', delay=120, times=1, methods=('GET',))
    env = subprocess_env(repo.hub.url, isolated_hf_env, {'HF_HUB_DOWNLOAD_TIMEOUT': '150'})
    loaders: List[Loader] = []
    try:
        holder = Loader([sys.executable, LOADER, repo.name, str(cache)], env)
        loaders.append(holder)
        assert stall.reached.wait(90), 'the first loader never started downloading the weights'
        waiters = [Loader([sys.executable, LOADER, repo.name, str(cache)], env) for _ in range(2)]
        loaders += waiters
        for waiter in waiters:
            assert waiter.waiting.wait(90), f'a loader did not wait for the holder:\n{"".join(waiter.stderr)[-2000:]}'
        assert holder.process.poll() is None, 'the holder finished although the hub stalled its download'
        holder.process.send_signal(signal.SIGKILL)
        assert holder.process.wait(30) == -signal.SIGKILL
        results = [waiter.result(timeout=60) for waiter in waiters]
    finally:
        for loader in loaders:
            loader.kill()
    expected = weights_digest(tiny_weights)
    assert [(r['returncode'], r.get('digest'), r.get('commit')) for r in results] == [(0, expected, repo.commit)] * 2
    hub = repo.hub
    assert hub.count('*/config.json', 'GET') == 1
    assert hub.count('*/model.safetensors', 'GET') == 2, 'after the kill, the weights must be fetched once more, once'
    # huggingface_hub (>= 1.0) downloads into a per-process `<blob>.<random>.incomplete` file and never resumes
    # another process's: the killed holder's half file stays behind, unused. Everything else is as after a clean run.
    leftovers = sorted((cache / 'models--org--tiny-resnet' / 'blobs').glob('*.incomplete'))
    assert len(leftovers) <= 1
    for leftover in leftovers:
        leftover.unlink()
    assert_cache_consistent(cache, repo)


# --- read-only caches ------------------------------------------------------------------------------------------

def _can_bind_mount_read_only() -> bool:
    if not shutil.which('unshare'):
        return False
    probe = subprocess.run(['unshare', '--mount', 'sh', '-c', 'mount --bind -o ro / / 2>/dev/null || mount -o remount,bind,ro / /'],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


@contextmanager
def read_only(cache: Path) -> Iterator[List[str]]:
    """A command prefix under which `cache` is read-only: file modes for a normal user, a read-only bind mount
    in a private mount namespace for root (who may write regardless of modes)."""
    if os.geteuid() != 0:
        paths = [cache, *cache.rglob('*')]
        modes = {p: p.lstat().st_mode for p in paths if not p.is_symlink()}
        for p in modes:
            p.chmod(modes[p] & ~0o222)
        try:
            yield []
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    if not _can_bind_mount_read_only():
        pytest.skip('running as root without a way to mount the cache read-only (unshare --mount)')
    yield ['unshare', '--mount', 'sh', '-c', 'mount --bind -o ro "$0" "$0" && exec "$@"', str(cache)]


def _load_read_only(repo, cache: Path, hf_home: Path, extra: Optional[Dict[str, str]] = None) -> dict:
    with read_only(cache) as prefix:
        check = subprocess.run([*prefix, 'touch', str(cache / 'probe')], capture_output=True)
        assert check.returncode != 0, 'the cache is still writable'
        loader = Loader([*prefix, sys.executable, LOADER, repo.name, str(cache)],
                        subprocess_env(repo.hub.url, hf_home, extra))
        return loader.result(timeout=90)


@pytest.fixture
def warm_cache(repo, tmp_path) -> Path:
    cache = tmp_path / 'read-only cache'
    imgzoo.create_model(repo.name, pretrained=True, cache_dir=cache)
    repo.hub.requests.clear()
    return cache


@pytest.mark.timeout(120)
def test_a_warm_read_only_cache_loads_online_without_a_lock(repo, warm_cache, isolated_hf_env, tiny_weights):
    result = _load_read_only(repo, warm_cache, isolated_hf_env)
    assert (result['returncode'], result.get('digest'), result.get('commit')) == (0, weights_digest(tiny_weights), repo.commit), result
    assert repo.hub.requests == [('HEAD', f'/{repo.repo_id}/resolve/main/config.json')]


@pytest.mark.timeout(120)
def test_a_warm_read_only_cache_loads_offline(repo, warm_cache, isolated_hf_env, tiny_weights):
    result = _load_read_only(repo, warm_cache, isolated_hf_env, {'HF_HUB_OFFLINE': '1'})
    assert (result['returncode'], result.get('digest')) == (0, weights_digest(tiny_weights)), result
    assert repo.hub.requests == []


@pytest.mark.timeout(120)
def test_a_cold_read_only_cache_fails_with_a_named_error_saying_what_to_do(repo, tmp_path, isolated_hf_env):
    cache = tmp_path / 'empty read-only cache'
    cache.mkdir()
    result = _load_read_only(repo, cache, isolated_hf_env)
    assert result['returncode'] == 1 and result['error'] == 'CacheNotWritableError', result
    message = result['message']
    for part in (str(cache), 'config.json', repo.repo_id, 'cache_dir', 'HF_HUB_CACHE'):
        assert part in message, (part, message)
    assert not list(cache.iterdir())
