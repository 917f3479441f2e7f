"""Fixtures for the reliability suite: one small model folder per session, published on the loopback hub."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict

import huggingface_hub.constants  # noqa: F401  (imported now, while HF_HUB_OFFLINE is unset: it reads it once)
import pytest
import torch

import imgzoo
from reliability_support import REPO_ID


@dataclass
class PublishedRepo:
    """A repository on the loopback hub and what it holds."""

    hub: object
    repo_id: str
    commit: str
    folder: Path

    @property
    def name(self) -> str:
        return f'hf-hub:{self.repo_id}'


@pytest.fixture(scope='session')
def tiny_folder(tmp_path_factory) -> Path:
    """A resnet18 with 10 classes and seeded weights stored as float16 (22 MB), saved by imgzoo."""
    torch.manual_seed(0)
    model = imgzoo.create_model('resnet18', num_classes=10).half()
    return imgzoo.save_pretrained(model, tmp_path_factory.mktemp('tiny') / 'resnet18-10')


@pytest.fixture(scope='session')
def tiny_weights(tiny_folder) -> Dict[str, torch.Tensor]:
    """The tensors of tiny_folder's weights file, as float32 (what a loaded model holds)."""
    from safetensors.torch import load_file

    stored = load_file(tiny_folder / 'model.safetensors')
    return {k: v.float() if v.is_floating_point() else v for k, v in stored.items()}


@pytest.fixture
def repo(hub, tiny_folder) -> PublishedRepo:
    """tiny_folder published as org/tiny-resnet on the test's loopback hub."""
    commit = hub.add_folder(REPO_ID, tiny_folder)
    return PublishedRepo(hub, REPO_ID, commit, tiny_folder)
