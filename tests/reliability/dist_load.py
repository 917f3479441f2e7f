"""Run under torchrun by the concurrency tests: every rank creates the same hub model into one cache.

usage: torchrun --nproc-per-node 4 ... dist_load.py MODEL_NAME CACHE_DIR OTHER_MODEL_NAME
Phase 1: all ranks load MODEL_NAME. Phase 2: only odd ranks load OTHER_MODEL_NAME (rank 0 never does),
so no rank may wait for a rank that does not load. Rank 0 prints one JSON line per rank and phase.
"""
from __future__ import annotations

import json
import logging
import os
import sys

import torch
import torch.distributed as dist

import imgzoo
from concurrent_load import WaitLog, checksum


def load(name: str, cache: str) -> dict:
    WaitLog.waited = False
    model = imgzoo.create_model(name, pretrained=True, cache_dir=cache)
    return {'checksum': checksum(model), 'waited': WaitLog.waited, 'commit': model.pretrained_cfg['hf_hub_commit']}


def main() -> None:
    name, cache, other = sys.argv[1], sys.argv[2], sys.argv[3]
    torch.set_num_threads(1)
    logger = logging.getLogger('imgzoo')
    logger.setLevel(logging.INFO)
    logger.addHandler(WaitLog())
    import huggingface_hub.file_download  # noqa: F401  (before the rendezvous, so ranks start loading together)

    imgzoo.list_models()
    dist.init_process_group('gloo')
    rank, world = dist.get_rank(), dist.get_world_size()
    results = [{'phase': 1, 'rank': rank, 'local_rank': int(os.environ['LOCAL_RANK']), **load(name, cache)}]
    if rank % 2 == 1:
        results.append({'phase': 2, 'rank': rank, **load(other, cache)})
    gathered = [None] * world
    dist.all_gather_object(gathered, results)
    if rank == 0:
        for rank_results in gathered:
            for result in rank_results:
                print(json.dumps(result), flush=True)
    dist.destroy_process_group()


if __name__ == '__main__':
    main()
