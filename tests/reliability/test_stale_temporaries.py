"""Which temporary folders a write cleans up: those of writers on this host that are gone, recognised by PID and,
where /proc tells when a process started, not fooled by a later process that reuses the PID."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from imgzoo.save import write_folder_atomically


def _fill(folder):
    (folder / 'weights.bin').write_bytes(b'new')


def _temp_folder(target, pid):
    folder = target.parent / f'.{target.name}.tmp-{socket.gethostname()}-{pid}-deadbeef'
    folder.mkdir()
    (folder / 'weights.bin').write_bytes(b'half')
    return folder


@pytest.fixture
def running_process():
    """A process started now, which the test may pretend to be a writer; ended after the test."""
    process = subprocess.Popen([sys.executable, '-c', 'import sys; sys.stdin.read()'], stdin=subprocess.PIPE)
    try:
        yield process.pid
    finally:
        process.kill()
        process.wait()
        process.stdin.close()


def test_a_dead_writers_folder_is_removed(tmp_path):
    target = tmp_path / 'model'
    gone = subprocess.run([sys.executable, '-c', 'import os; print(os.getpid())'], capture_output=True, text=True,
                          check=True).stdout.strip()
    stale = _temp_folder(target, gone)
    write_folder_atomically(target, _fill)
    assert not stale.exists() and (target / 'weights.bin').read_bytes() == b'new'


@pytest.mark.skipif(not os.path.exists('/proc/self/stat'), reason='process start times come from /proc')
def test_a_folder_whose_pid_now_belongs_to_a_later_process_is_removed(tmp_path, running_process):
    target = tmp_path / 'model'
    stale = _temp_folder(target, running_process)
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))  # written by a writer that died before this PID's process started
    write_folder_atomically(target, _fill)
    assert not stale.exists()


def test_a_running_writers_folder_is_kept(tmp_path, running_process):
    target = tmp_path / 'model'
    live = _temp_folder(target, running_process)  # changed after its process started: that process may be writing
    write_folder_atomically(target, _fill)
    assert (live / 'weights.bin').read_bytes() == b'half'
