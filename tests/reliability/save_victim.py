"""Run by the atomic-save tests: saves that are killed with SIGKILL at chosen points or at random moments.

usage: python save_victim.py WORKDIR [MODEL_NAME_FOR_CLI]
Builds two versions of a model (A and B), then for each scenario forks a child that writes B over A
(or into a new folder) and is killed; prints one JSON line per scenario. The test inspects WORKDIR.
"""
from __future__ import annotations

import json
import os
import random
import select
import shutil
import signal
import sys
import time
from pathlib import Path

import torch

import imgzoo
import imgzoo.save as save_module


def checksum(model) -> float:
    return float(sum(t.double().sum() for t in model.state_dict().values()))


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def patch(point: str) -> None:
    """Arrange for this process to SIGKILL itself at `point` of the next save."""
    if point == 'mid-weights':
        real = save_module._write_weights

        def write_half_then_die(folder, *args, **kwargs):
            real(folder, *args, **kwargs)
            path = folder / 'model.safetensors'
            with open(path, 'r+b') as f:
                f.truncate(path.stat().st_size // 2)
            die()
        save_module._write_weights = write_half_then_die
    elif point == 'before-swap':
        save_module._fsync_tree = lambda folder: die()
    elif point == 'after-swap':
        real_exchange = save_module._exchange
        save_module._exchange = lambda a, b: (real_exchange(a, b), die())
    elif point == 'between-renames':
        save_module._exchange = lambda a, b: False
        real_replace, calls = os.replace, []

        def replace_once_then_die(src, dst):
            calls.append(src)
            if len(calls) > 1:
                die()
            real_replace(src, dst)
        save_module.os.replace = replace_once_then_die  # type: ignore[attr-defined]
    elif point == 'mid-copy':
        def copy_half_then_die(src, dst, **kwargs):
            data = Path(src).read_bytes()
            Path(dst).write_bytes(data[:len(data) // 2])
            die()
        shutil.copyfile = copy_half_then_die
    else:
        raise ValueError(point)


def run_child(action, point: str) -> int:
    """Fork, run action with a kill at point in the child; the child's termination signal."""
    pid = os.fork()
    if pid == 0:
        try:
            patch(point)
            action()
        finally:
            os._exit(3)  # reached only if the kill did not happen
    _, status = os.waitpid(pid, 0)
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status)


NOTES = 'my notes: lr 3e-4 worked best\n'


def save_a_with_notes(target: Path, versions) -> None:
    """Version A at target, plus a file of the user's own that every later save must keep."""
    imgzoo.save_pretrained(versions['A'], target)
    (target / 'notes.txt').write_text(NOTES)


def main() -> None:
    work = Path(sys.argv[1])
    cli_name = sys.argv[2] if len(sys.argv) > 2 else None
    torch.set_num_threads(1)
    versions = {}
    for label, seed in (('A', 0), ('B', 1)):
        torch.manual_seed(seed)
        versions[label] = imgzoo.create_model('resnet18', num_classes=10).half()
    print(json.dumps({'checksums': {k: checksum(m) for k, m in versions.items()}, 'notes': NOTES}), flush=True)

    for point in ('mid-weights', 'before-swap', 'after-swap', 'between-renames'):
        target = work / point / 'model'
        save_a_with_notes(target, versions)
        signal_ = run_child(lambda target=target: imgzoo.save_pretrained(versions['B'], target, overwrite=True), point)
        print(json.dumps({'scenario': point, 'signal': signal_}), flush=True)

    target = work / 'new-folder' / 'model'
    signal_ = run_child(lambda: imgzoo.save_pretrained(versions['B'], target), 'mid-weights')
    print(json.dumps({'scenario': 'new-folder', 'signal': signal_}), flush=True)

    if cli_name:
        from imgzoo.cli import app

        target = work / 'cli' / 'model'
        save_a_with_notes(target, versions)
        signal_ = run_child(lambda: app(['download', cli_name, '--to', str(target), '--overwrite'],
                                        standalone_mode=False), 'mid-copy')
        print(json.dumps({'scenario': 'cli', 'signal': signal_}), flush=True)

    random_kills(work / 'random' / 'model', versions)


def random_kills(target: Path, versions, runs: int = 6) -> None:
    """A child saves B and A alternately (overwrite=True) without pause and reports each save it completes; it is
    killed at a random moment after a chosen save completed, then the folder is loaded.

    Even runs kill within the first half of the save that follows a completed B, so the folder still holds B
    (the kill falls while A is being written); odd runs kill anywhere in the 1.5 saves after a completed A.
    """
    save_a_with_notes(target, versions)
    rng = random.Random(0)
    outcomes, signals, last_completed = [], [], []
    for run in range(runs):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            try:
                while True:
                    for label in ('B', 'A'):
                        start = time.monotonic()
                        imgzoo.save_pretrained(versions[label], target, overwrite=True)
                        os.write(write_fd, f'{label} {time.monotonic() - start:.4f}\n'.encode())
            finally:
                os._exit(3)  # reached only if a save raised
        os.close(write_fd)
        wanted, rounds = ('B', 1.0) if run % 2 == 0 else ('A', 3.0)
        completed, skip = None, rng.randrange(3)  # kill after the 1st, 2nd or 3rd completed save of `wanted`
        reports, deadline = 0, time.monotonic() + 60  # a child that never reports `wanted` must not hang the test
        buffer = b''
        while completed is None and reports < 12 and time.monotonic() < deadline:
            ready, _, _ = select.select([read_fd], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(read_fd, 4096) if ready else b''
            if not chunk:
                break  # the child exited, or the deadline passed
            *lines, buffer = (buffer + chunk).split(b'\n')
            reports += len(lines)
            if not lines:
                continue
            label, seconds = lines[-1].decode().split()  # the latest report: what the folder holds now
            if label == wanted and skip:
                skip -= 1
            elif label == wanted:
                completed = label
                time.sleep(rng.uniform(0, rounds * float(seconds) / 2))
        os.kill(pid, signal.SIGKILL)
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
        signals.append(os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status))
        last_completed.append(completed)
        try:
            loaded = imgzoo.create_model(f'local:{target}', pretrained=True)
            outcomes.append(checksum(loaded))
        except imgzoo.ImgzooError as e:
            outcomes.append(f'{type(e).__name__}: {e}')
    print(json.dumps({'scenario': 'random', 'outcomes': outcomes, 'signals': signals,
                      'last_completed': last_completed}), flush=True)


if __name__ == '__main__':
    main()
