"""Test isolation: no test can reach the internet or touch the user's caches.

HF_ENDPOINT points at a closed loopback port unless a test starts the loopback hub (`hub`
fixture), and every test gets its own empty HF_HOME.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

CLOSED_ENDPOINT = 'http://127.0.0.1:9'
os.environ['HF_ENDPOINT'] = CLOSED_ENDPOINT
os.environ['HF_HUB_DISABLE_TELEMETRY'] = '1'
os.environ['HF_HUB_DISABLE_PROGRESS_BARS'] = '1'
os.environ['HF_HUB_ETAG_TIMEOUT'] = '5'
os.environ['HF_HUB_DOWNLOAD_TIMEOUT'] = '10'
os.environ.pop('HF_HUB_OFFLINE', None)
os.environ.pop('TRANSFORMERS_OFFLINE', None)
sys.path.insert(0, str(Path(__file__).parent))

# huggingface_hub reads HF_HUB_OFFLINE once, at import: import it now, while the variable is unset,
# so a test that sets it later cannot leave the whole test process offline.
import huggingface_hub.constants  # noqa: E402,F401
from hub_server import HubServer  # noqa: E402


def pytest_configure(config):
    """Under pytest-xdist, split the cores between the workers: torch's default of one thread per core in
    every worker would oversubscribe the machine and stall each op (subprocesses inherit OMP_NUM_THREADS)."""
    workers = int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', '1'))
    if workers > 1:
        import torch

        threads = max(1, len(os.sched_getaffinity(0)) // workers) if hasattr(os, 'sched_getaffinity') else 1
        os.environ['OMP_NUM_THREADS'] = str(threads)
        torch.set_num_threads(threads)


@pytest.fixture(autouse=True)
def isolated_hf_env(tmp_path_factory, monkeypatch):
    """A fresh HF_HOME per test and the closed endpoint as default."""
    home = tmp_path_factory.mktemp('hf_home')
    monkeypatch.setenv('HF_HOME', str(home))
    monkeypatch.delenv('HF_HUB_CACHE', raising=False)
    monkeypatch.delenv('HUGGINGFACE_HUB_CACHE', raising=False)
    monkeypatch.delenv('HF_HUB_OFFLINE', raising=False)
    monkeypatch.setenv('HF_ENDPOINT', CLOSED_ENDPOINT)
    yield home


@pytest.fixture
def hub(monkeypatch):
    """A running loopback hub; HF_ENDPOINT points at it for the test."""
    with HubServer() as server:
        monkeypatch.setenv('HF_ENDPOINT', server.url)
        yield server


@pytest.fixture(scope='session')
def timm_resnet18_folder(tmp_path_factory):
    """A resnet18 (10 classes) with seeded random weights, saved by timm's save_for_hf."""
    from parity import save_timm_folder, timm_model

    folder = tmp_path_factory.mktemp('timm_resnet18') / 'resnet18'
    save_timm_folder(timm_model('resnet18', num_classes=10), folder)
    return folder


@pytest.fixture(scope='module')
def one_thread():
    """One intra-op thread for a test module: on a shared machine, more threads than free cores stall every op."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
