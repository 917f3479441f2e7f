"""Run by the concurrency tests: N forked processes create the same hub model into one cache at once.

usage: python concurrent_load.py MODEL_NAME CACHE_DIR WORKERS
Prints one JSON line per worker: {"worker", "checksum", "waited"}; exits non-zero if any worker failed.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time


def checksum(model) -> float:
    return float(sum(t.double().sum() for t in model.state_dict().values()))


class WaitLog(logging.Handler):
    """Remembers whether this process waited for another one's fetch."""

    waited = False

    def emit(self, record: logging.LogRecord) -> None:
        if 'waiting for it' in record.getMessage():
            WaitLog.waited = True


def work(name: str, cache: str, start_at: float) -> dict:
    import imgzoo

    logger = logging.getLogger('imgzoo')
    logger.setLevel(logging.INFO)
    logger.addHandler(WaitLog())
    time.sleep(max(0.0, start_at - time.time()))
    model = imgzoo.create_model(name, pretrained=True, cache_dir=cache)
    return {'checksum': checksum(model), 'waited': WaitLog.waited, 'commit': model.pretrained_cfg['hf_hub_commit']}


def main() -> int:
    name, cache, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
    import huggingface_hub.file_download  # noqa: F401  (imported once, before forking, so workers start together)
    import torch

    import imgzoo

    imgzoo.list_models()

    torch.set_num_threads(1)
    start_at = time.time() + 0.5
    read_end, write_end = os.pipe()
    children = []
    for worker in range(workers):
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            try:
                result = {'worker': worker, **work(name, cache, start_at)}
            except BaseException as e:  # report, then exit without running the parent's cleanup
                result = {'worker': worker, 'error': f'{type(e).__name__}: {e}'}
            os.write(write_end, (json.dumps(result) + '\n').encode())
            os._exit(0 if 'error' not in result else 1)
        children.append(pid)
    os.close(write_end)
    failed = sum(os.waitpid(pid, 0)[1] != 0 for pid in children)
    with os.fdopen(read_end) as results:
        sys.stdout.write(results.read())
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
