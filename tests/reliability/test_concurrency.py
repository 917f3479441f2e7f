"""Many threads, processes and torchrun ranks creating one hub model into one empty shared cache.

The hub serves config.json slowly (1.5 s) so that the loaders usually arrive while the first one is still
fetching. What is guaranteed, and asserted: every loader gets the model, and exactly four requests reach
the hub (HEAD and GET of each file), whoever fetched. How many loaders waited is not: config and weights
have separate locks, so the loader that fetched the config may wait for the weights, and a loader that
starts late finds a warm cache and waits for nobody.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import imgzoo
from reliability_support import HERE, assert_cache_consistent, same_weights, subprocess_env

WORKERS = 4


def expected_requests(repo) -> list:
    return sorted([
        ('HEAD', f'/{repo.repo_id}/resolve/main/config.json'), ('GET', f'/{repo.repo_id}/resolve/main/config.json'),
        ('HEAD', f'/{repo.repo_id}/resolve/{repo.commit}/model.safetensors'),
        ('GET', f'/{repo.repo_id}/resolve/{repo.commit}/model.safetensors'),
    ])


@pytest.fixture
def slow_config(repo):
    repo.hub.add_fault('*/config.json', kind='slow', delay=1.5, methods=('GET',))
    return repo


@pytest.mark.timeout(60)
def test_threads_share_one_download(slow_config, tmp_path, tiny_weights):
    repo, cache = slow_config, tmp_path / 'shared cache'
    start = threading.Barrier(WORKERS)
    models, errors = {}, []

    def load(i: int) -> None:
        start.wait()
        try:
            models[i] = imgzoo.create_model(repo.name, pretrained=True, cache_dir=cache)
        except BaseException as e:  # collected and asserted on below
            errors.append(e)

    threads = [threading.Thread(target=load, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=50)
    assert not errors and len(models) == WORKERS
    assert all(same_weights(m, tiny_weights) for m in models.values())
    assert sorted(repo.hub.requests) == expected_requests(repo)
    assert_cache_consistent(cache, repo)


def _results(stdout: str) -> list:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith('{')]


@pytest.mark.timeout(120)
def test_processes_share_one_download(slow_config, tmp_path, isolated_hf_env):
    repo, cache = slow_config, tmp_path / 'shared cache'
    run = subprocess.run(
        [sys.executable, str(HERE / 'concurrent_load.py'), repo.name, str(cache), str(WORKERS)],
        env=subprocess_env(repo.hub.url, isolated_hf_env), capture_output=True, text=True, timeout=110,
    )
    results = _results(run.stdout)
    assert run.returncode == 0 and len(results) == WORKERS, run.stdout + run.stderr
    assert len({r['checksum'] for r in results}) == 1 and {r['commit'] for r in results} == {repo.commit}
    assert sorted(repo.hub.requests) == expected_requests(repo), f'waited: {[r["waited"] for r in results]}'

    assert_cache_consistent(cache, repo)


@pytest.mark.timeout(180)
def test_torchrun_ranks_share_one_download_and_never_wait_for_absent_ranks(slow_config, hub, tiny_folder, tmp_path,
                                                                          isolated_hf_env):
    """4 ranks on CPU with gloo share one download of each file; then only ranks 1 and 3 load a second
    model while ranks 0 and 2 sit in a collective, which must not deadlock."""
    torchrun = Path(sys.executable).parent / 'torchrun'
    if not torchrun.exists():
        torchrun = Path(shutil.which('torchrun') or 'torchrun')
    repo, cache = slow_config, tmp_path / 'shared cache'
    other_commit = hub.add_folder('org/other', tiny_folder)
    run = subprocess.run(
        # --standalone: the rendezvous store binds a free port itself (no port picked here and closed before use).
        [str(torchrun), '--standalone', '--nproc-per-node', str(WORKERS), str(HERE / 'dist_load.py'), repo.name,
         str(cache), 'hf-hub:org/other'],
        env=subprocess_env(hub.url, isolated_hf_env), capture_output=True, text=True, timeout=170,
    )
    results = _results(run.stdout)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    first = [r for r in results if r['phase'] == 1]
    second = [r for r in results if r['phase'] == 2]
    assert sorted(r['rank'] for r in first) == list(range(WORKERS)) and sorted(r['rank'] for r in second) == [1, 3]
    assert len({r['checksum'] for r in results}) == 1
    assert {r['commit'] for r in first} == {repo.commit} and {r['commit'] for r in second} == {other_commit}
    requests = sorted(r for r in hub.requests if r[1].startswith(f'/{repo.repo_id}/'))
    assert requests == expected_requests(repo), f'waited: {[r["waited"] for r in first]}'
    assert hub.count('/org/other/*', 'GET') == 2
    assert_cache_consistent(cache, repo)
