"""Atomic folder writes: a save killed with SIGKILL at any point leaves the previous folder or none, never a
half-written one that loads; foreign folders are never overwritten without overwrite=True."""
from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import imgzoo
from imgzoo import FolderExistsError, ModelFolderNotFoundError
from imgzoo.save import MARKER_NAME, write_folder_atomically
from reliability_support import HERE, REPO_ID, same_weights, subprocess_env

SAVED_FILES = sorted([MARKER_NAME, 'config.json', 'model.safetensors'])


def checksum(model) -> float:
    return float(sum(t.double().sum() for t in model.state_dict().values()))


def load(folder: Path):
    return imgzoo.create_model(f'local:{folder}', pretrained=True)


@pytest.fixture(scope='module')
def killed_saves(tmp_path_factory, tiny_folder):
    """Run save_victim.py once: every kill scenario, each in its own folder; returns (workdir, results)."""
    from hub_server import HubServer

    work = tmp_path_factory.mktemp('killed')
    home = tmp_path_factory.mktemp('victim_home')
    with HubServer() as hub:
        hub.add_folder(REPO_ID, tiny_folder)
        run = subprocess.run(
            [sys.executable, str(HERE / 'save_victim.py'), str(work), f'hf-hub:{REPO_ID}'],
            env=subprocess_env(hub.url, home), capture_output=True, text=True, timeout=240,
        )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith('{')]
    results = {line['scenario']: line for line in lines if 'scenario' in line}
    results['checksums'] = lines[0]['checksums']
    return work, results


def hidden_leftovers(parent: Path) -> list:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith('.'))


@pytest.mark.timeout(300)
@pytest.mark.parametrize('scenario,expected', [
    ('mid-weights', 'A'), ('before-swap', 'A'), ('after-swap', 'B'), ('cli', 'A'),
])
def test_a_killed_save_leaves_a_complete_folder_and_the_next_save_cleans_up(killed_saves, tiny_folder, scenario,
                                                                            expected):
    work, results = killed_saves
    assert results[scenario]['signal'] == signal.SIGKILL
    target = work / scenario / 'model'
    assert sorted(p.name for p in target.iterdir()) == SAVED_FILES
    assert checksum(load(target)) == results['checksums'][expected]
    leftovers = hidden_leftovers(target.parent)
    assert len(leftovers) == 1, 'the killed save left its temporary folder'
    if scenario != 'after-swap':
        assert (target.parent / leftovers[0] / 'config.json').exists() != (scenario == 'mid-weights')
    imgzoo.save_pretrained(load(tiny_folder), target)
    assert os.listdir(target.parent) == ['model']


@pytest.mark.timeout(300)
def test_a_save_killed_into_a_new_folder_leaves_no_folder(killed_saves, tiny_folder):
    work, results = killed_saves
    assert results['new-folder']['signal'] == signal.SIGKILL
    target = work / 'new-folder' / 'model'
    assert not target.exists()
    with pytest.raises(ModelFolderNotFoundError):
        load(target)
    assert len(hidden_leftovers(target.parent)) == 1
    imgzoo.save_pretrained(load(tiny_folder), target)
    assert os.listdir(target.parent) == ['model'] and sorted(os.listdir(target)) == SAVED_FILES


@pytest.mark.timeout(300)
def test_without_atomic_exchange_a_kill_between_renames_leaves_no_folder_and_the_next_save_restores(
        killed_saves, tiny_folder, tiny_weights):
    """Where the filesystem cannot swap two folders, the old one is moved aside first: a kill then leaves
    no folder at the target (never a partial one), and the previous folder, complete, beside it."""
    work, results = killed_saves
    assert results['between-renames']['signal'] == signal.SIGKILL
    target = work / 'between-renames' / 'model'
    assert not target.exists()
    moved_aside = [name for name in hidden_leftovers(target.parent) if '.old-' in name]
    assert len(moved_aside) == 1
    assert checksum(load(target.parent / moved_aside[0])) == results['checksums']['A']
    imgzoo.save_pretrained(load(tiny_folder), target)
    assert same_weights(load(target), tiny_weights) and os.listdir(target.parent) == ['model']


@pytest.mark.timeout(300)
def test_saves_killed_at_random_moments_always_leave_one_complete_version(killed_saves, tiny_folder):
    work, results = killed_saves
    outcomes = results['random']['outcomes']
    assert len(outcomes) == 6
    assert all(outcome in results['checksums'].values() for outcome in outcomes), outcomes
    target = work / 'random' / 'model'
    imgzoo.save_pretrained(load(tiny_folder), target)
    assert os.listdir(target.parent) == ['model']


# --- in-process properties --------------------------------------------------------------------------------

@pytest.fixture
def model(tiny_folder):
    return load(tiny_folder)


def test_refuses_to_overwrite_a_folder_imgzoo_did_not_write(model, tmp_path):
    target = tmp_path / 'photos'
    target.mkdir()
    (target / 'holiday.jpg').write_bytes(b'precious')
    with pytest.raises(FolderExistsError, match='overwrite=True'):
        imgzoo.save_pretrained(model, target)
    assert os.listdir(target) == ['holiday.jpg']
    imgzoo.save_pretrained(model, target, overwrite=True)
    assert sorted(os.listdir(target)) == SAVED_FILES


def test_replaces_its_own_folder_and_an_empty_one(model, tmp_path):
    (tmp_path / 'empty').mkdir()
    imgzoo.save_pretrained(model, tmp_path / 'empty')
    imgzoo.save_pretrained(model, tmp_path / 'empty')
    assert sorted(os.listdir(tmp_path / 'empty')) == SAVED_FILES and os.listdir(tmp_path) == ['empty']


def test_target_that_is_a_file_is_refused(model, tmp_path):
    (tmp_path / 'file').write_text('x')
    with pytest.raises(FolderExistsError, match='is a file'):
        imgzoo.save_pretrained(model, tmp_path / 'file')


def test_a_failing_write_leaves_the_previous_folder_and_no_temporary_one(model, tmp_path, tiny_weights):
    target = imgzoo.save_pretrained(model, tmp_path / 'model')

    def fill(folder: Path) -> None:
        (folder / 'config.json').write_text('{}')
        raise OSError(28, 'No space left on device')

    with pytest.raises(OSError, match='No space left'):
        write_folder_atomically(target, fill)
    assert os.listdir(tmp_path) == ['model'] and same_weights(load(target), tiny_weights)


def test_saved_folder_has_the_usual_permissions_and_a_symlinked_target_is_followed(model, tmp_path):
    real = tmp_path / 'real'
    imgzoo.save_pretrained(model, real)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(real.stat().st_mode) == 0o777 & ~umask
    (tmp_path / 'link').symlink_to(real)
    imgzoo.save_pretrained(model, tmp_path / 'link')
    assert (tmp_path / 'link').is_symlink() and sorted(os.listdir(real)) == SAVED_FILES
    assert sorted(os.listdir(tmp_path)) == ['link', 'real']


def test_concurrent_saves_to_one_folder_leave_one_complete_version(tiny_folder, tmp_path):
    import threading

    models = [load(tiny_folder) for _ in range(2)]
    with torch.no_grad():
        models[1].fc.bias.fill_(1.0)
    target = tmp_path / 'model'
    errors = []

    def save(m) -> None:
        try:
            for _ in range(3):
                imgzoo.save_pretrained(m, target)
        except BaseException as e:  # asserted below
            errors.append(e)

    threads = [threading.Thread(target=save, args=(m,)) for m in models]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and os.listdir(tmp_path) == ['model']
    assert checksum(load(target)) in {checksum(m) for m in models}
