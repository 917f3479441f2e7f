"""Helpers shared by the reliability tests."""
from __future__ import annotations

import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Optional

import torch
from torch import nn

from imgzoo.sources.hub import HubUnreachableWarning

HERE = Path(__file__).parent
REPO_ID = 'org/tiny-resnet'


def same_weights(model: nn.Module, expected: Mapping[str, torch.Tensor]) -> bool:
    """Whether a model's state dict equals expected exactly, key for key."""
    state = model.state_dict()
    return set(state) == set(expected) and all(torch.equal(state[k], expected[k]) for k in state)


@contextmanager
def recorded_warnings() -> Iterator[List[warnings.WarningMessage]]:
    """Record every warning (none filtered or de-duplicated)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        yield caught


def hub_warnings(caught: List[warnings.WarningMessage]) -> List[str]:
    """Messages of the HubUnreachableWarnings among recorded warnings."""
    return [str(w.message) for w in caught if issubclass(w.category, HubUnreachableWarning)]


def subprocess_env(hub_url: str, hf_home: Path, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """Environment for a child process: the loopback hub, an explicit HF_HOME, no telemetry, short timeouts."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(('HF_', 'HUGGINGFACE_', 'TRANSFORMERS_'))}
    env.update({
        'HF_ENDPOINT': hub_url, 'HF_HOME': str(hf_home), 'HF_HUB_DISABLE_TELEMETRY': '1',
        'HF_HUB_DISABLE_PROGRESS_BARS': '1', 'HF_HUB_ETAG_TIMEOUT': '5', 'HF_HUB_DOWNLOAD_TIMEOUT': '10',
        'PYTHONPATH': os.pathsep.join([p for p in (env.get('PYTHONPATH'), str(HERE), str(HERE.parent)) if p]),
        'OMP_NUM_THREADS': '1',
    })
    env.update(extra or {})
    return env


def python() -> str:
    return sys.executable


def files_in_cache(cache: Path, repo_id: str) -> Dict[str, List[str]]:
    """The cache's folders for one repository: blobs, snapshot files per commit, leftover partial downloads."""
    storage = cache / ('models--' + repo_id.replace('/', '--'))
    return {
        'blobs': sorted(p.name for p in (storage / 'blobs').iterdir()) if (storage / 'blobs').exists() else [],
        'snapshots': sorted(
            f'{s.name}/{f.name}' for s in (storage / 'snapshots').iterdir() for f in s.iterdir()
        ) if (storage / 'snapshots').exists() else [],
        'incomplete': sorted(str(p) for p in storage.rglob('*.incomplete')) if storage.exists() else [],
    }


def assert_cache_consistent(cache: Path, repo) -> None:
    """The cache holds exactly the repository's two files at its commit, no partial download, no stray lock state."""
    state = files_in_cache(cache, repo.repo_id)
    assert state['snapshots'] == [f'{repo.commit}/config.json', f'{repo.commit}/model.safetensors']
    assert len(state['blobs']) == 2 and state['incomplete'] == []
    assert not [p for p in (cache / '.locks').rglob('*') if p.is_file() and p.suffix not in ('.lock', '.commit')]


def weights_digest(state: Mapping[str, torch.Tensor]) -> str:
    """sha256 over a state dict's names and float32 bytes, in name order."""
    import hashlib

    digest = hashlib.sha256()
    for name in sorted(state):
        tensor = state[name]
        tensor = tensor.float() if tensor.is_floating_point() else tensor
        digest.update(name.encode() + b'\0' + tensor.reshape(-1).contiguous().view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()
