"""Atomic folder writes: a save killed with SIGKILL at any point leaves the previous folder or none, never a
half-written one that loads; a folder that holds anything is never replaced without overwrite=True, and with
it only the files imgzoo writes are replaced (a user's notes.txt stays)."""
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

SAVED_FILES = sorted([MARKER_NAME, 'checksums.sha256', 'config.json', 'model.safetensors'])
WITH_NOTES = sorted(SAVED_FILES + ['notes.txt'])


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
    results['checksums'], results['notes'] = lines[0]['checksums'], lines[0]['notes']
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
    assert sorted(p.name for p in target.iterdir()) == WITH_NOTES
    assert (target / 'notes.txt').read_text() == results['notes']
    assert checksum(load(target)) == results['checksums'][expected]
    leftovers = hidden_leftovers(target.parent)
    assert len(leftovers) == 1, 'the killed save left its temporary folder'
    if scenario != 'after-swap':
        assert (target.parent / leftovers[0] / 'config.json').exists() != (scenario == 'mid-weights')
    with pytest.raises(FolderExistsError):
        imgzoo.save_pretrained(load(tiny_folder), target)
    imgzoo.save_pretrained(load(tiny_folder), target, overwrite=True)
    assert os.listdir(target.parent) == ['model'] and (target / 'notes.txt').read_text() == results['notes']


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
    imgzoo.save_pretrained(load(tiny_folder), target, overwrite=True)
    assert same_weights(load(target), tiny_weights) and os.listdir(target.parent) == ['model']
    assert (target / 'notes.txt').read_text() == results['notes']


@pytest.mark.timeout(300)
def test_saves_killed_at_random_moments_always_leave_one_complete_version(killed_saves, tiny_folder):
    """Each child must really die by SIGKILL mid-loop (a child that raised at once would leave only version A),
    and the kills must land at moments where the folder holds the new version too."""
    work, results = killed_saves
    random_ = results['random']
    outcomes = random_['outcomes']
    assert random_['signals'] == [signal.SIGKILL] * 6, random_
    assert None not in random_['last_completed'], random_
    versions = results['checksums']
    assert all(outcome in versions.values() for outcome in outcomes), outcomes
    assert versions['B'] in outcomes, f'no kill left the new version: {random_}'
    target = work / 'random' / 'model'
    assert (target / 'notes.txt').read_text() == results['notes']
    imgzoo.save_pretrained(load(tiny_folder), target, overwrite=True)
    assert os.listdir(target.parent) == ['model']


# --- in-process properties --------------------------------------------------------------------------------

@pytest.fixture
def model(tiny_folder):
    return load(tiny_folder)


def test_a_folder_that_holds_anything_is_never_replaced_without_overwrite(model, tmp_path, tiny_weights):
    """The data-loss bug of issue 15: a second save_pretrained into a folder an earlier save wrote replaced the
    fine-tuned model and deleted the user's notes. Whoever wrote the folder, it is refused and left untouched."""
    photos = tmp_path / 'photos'
    photos.mkdir()
    (photos / 'holiday.jpg').write_bytes(b'precious')
    finetuned = imgzoo.save_pretrained(model, tmp_path / 'finetuned')
    (finetuned / 'notes.txt').write_text('lr 3e-4')
    before = {p.name: p.read_bytes() for p in finetuned.iterdir()}
    other = imgzoo.create_model('resnet18', num_classes=10)
    for target in (photos, finetuned):
        with pytest.raises(FolderExistsError, match='overwrite=True') as info:
            imgzoo.save_pretrained(other, target)
        assert info.value.path == str(target) and 'notes.txt' in info.value.files or target == photos
    assert os.listdir(photos) == ['holiday.jpg']
    assert {p.name: p.read_bytes() for p in finetuned.iterdir()} == before
    assert same_weights(load(finetuned), tiny_weights) and sorted(os.listdir(tmp_path)) == ['finetuned', 'photos']


def test_overwrite_replaces_only_the_model_files_and_keeps_the_users(model, tmp_path, tiny_weights):
    target = imgzoo.save_pretrained(model, tmp_path / 'model', max_shard_size='10MB')
    assert (target / 'model.safetensors.index.json').exists()
    (target / 'notes.txt').write_text('keep me')
    (target / 'plots').mkdir()
    (target / 'plots' / 'loss.png').write_bytes(b'png')
    (target / 'README.md').symlink_to(target / 'notes.txt')
    imgzoo.save_pretrained(model, target, overwrite=True)
    assert sorted(os.listdir(target)) == sorted(SAVED_FILES + ['README.md', 'notes.txt', 'plots'])
    assert (target / 'notes.txt').read_text() == 'keep me' and (target / 'plots' / 'loss.png').read_bytes() == b'png'
    assert (target / 'README.md').is_symlink()
    assert same_weights(load(target), tiny_weights) and os.listdir(tmp_path) == ['model']


def test_a_file_the_user_adds_while_the_folder_is_swapped_is_kept(model, tmp_path, monkeypatch):
    import imgzoo.save as save_module

    target = imgzoo.save_pretrained(model, tmp_path / 'model')
    real_exchange = save_module._exchange

    def user_writes_then_exchange(a: Path, b: Path) -> bool:
        (target / 'late.txt').write_text('written during the save')
        return real_exchange(a, b)

    monkeypatch.setattr(save_module, '_exchange', user_writes_then_exchange)
    imgzoo.save_pretrained(model, target, overwrite=True)
    assert (target / 'late.txt').read_text() == 'written during the save'


def test_an_empty_folder_is_filled_and_a_file_target_is_refused(model, tmp_path):
    (tmp_path / 'empty').mkdir()
    imgzoo.save_pretrained(model, tmp_path / 'empty')
    assert sorted(os.listdir(tmp_path / 'empty')) == SAVED_FILES and os.listdir(tmp_path) == ['empty']
    (tmp_path / 'file').write_text('x')
    for overwrite in (False, True):
        with pytest.raises(FolderExistsError, match='is a file'):
            imgzoo.save_pretrained(model, tmp_path / 'file', overwrite=overwrite)
    assert (tmp_path / 'file').read_text() == 'x'


@pytest.mark.parametrize('command', ['save', 'download', 'convert'])
def test_cli_commands_refuse_a_folder_that_holds_files_and_keep_the_users_with_overwrite(
        command, tiny_folder, tmp_path, capsys):
    from imgzoo.cli import main

    target = tmp_path / 'out'
    target.mkdir()
    (target / 'notes.txt').write_text('keep me')
    args = {
        'save': ['save', f'local:{tiny_folder}', '--to', str(target)],
        'download': ['download', f'local:{tiny_folder}', '--to', str(target)],
        'convert': ['convert', str(tiny_folder / 'model.safetensors'), '--arch', 'resnet18', '--to', str(target)],
    }[command]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert 'already holds files (notes.txt)' in err and '--overwrite' in err and 'overwrite=True' not in err
    assert os.listdir(target) == ['notes.txt']
    assert main(args + ['--overwrite']) == 0, capsys.readouterr().err
    assert sorted(os.listdir(target)) == sorted(SAVED_FILES + ['notes.txt'])
    assert (target / 'notes.txt').read_text() == 'keep me'
    from imgzoo.manifest import verify_folder
    assert {c.name: c.status for c in verify_folder(target)} == {
        'config.json': 'ok', 'model.safetensors': 'ok', 'notes.txt': 'extra'}


def test_a_failing_write_leaves_the_previous_folder_and_no_temporary_one(model, tmp_path, tiny_weights):
    target = imgzoo.save_pretrained(model, tmp_path / 'model')

    def fill(folder: Path) -> None:
        (folder / 'config.json').write_text('{}')
        raise OSError(28, 'No space left on device')

    with pytest.raises(OSError, match='No space left'):
        write_folder_atomically(target, fill, overwrite=True)
    assert os.listdir(tmp_path) == ['model'] and same_weights(load(target), tiny_weights)


@pytest.mark.parametrize('umask', [0o022, 0o027, 0o002])
def test_written_files_and_folder_get_the_permissions_the_umask_gives(model, tmp_path, umask):
    """safetensors writes 0600 on its own; every file imgzoo writes gets 0666 & ~umask, the folder 0777 & ~umask."""
    previous = os.umask(umask)
    try:
        folder = imgzoo.save_pretrained(model, tmp_path / 'model', max_shard_size='10MB')
        (folder / 'notes.txt').write_text('mine')
        os.chmod(folder / 'notes.txt', 0o600)
        imgzoo.save_pretrained(model, folder, overwrite=True)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~umask
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
    assert modes.pop('notes.txt') == 0o600, 'a kept file keeps its own permissions'
    assert modes == {name: 0o666 & ~umask for name in SAVED_FILES}


def test_a_symlinked_target_is_written_where_it_points(model, tmp_path):
    real = imgzoo.save_pretrained(model, tmp_path / 'real')
    (tmp_path / 'link').symlink_to(real)
    imgzoo.save_pretrained(model, tmp_path / 'link', overwrite=True)
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
                imgzoo.save_pretrained(m, target, overwrite=True)
        except BaseException as e:  # asserted below
            errors.append(e)

    threads = [threading.Thread(target=save, args=(m,)) for m in models]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and os.listdir(tmp_path) == ['model']
    assert checksum(load(target)) in {checksum(m) for m in models}
