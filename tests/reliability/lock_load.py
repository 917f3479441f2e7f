"""Run by the locking tests: create one hub model into a cache and report on stdout.

usage: python lock_load.py MODEL_NAME CACHE_DIR
Logs imgzoo's INFO messages to stderr (the tests watch for 'waiting for it'), then prints one JSON line:
{"digest", "commit"} on success (exit 0) or {"error", "message"} on failure (exit 1).
"""
from __future__ import annotations

import json
import logging
import sys


def main() -> int:
    name, cache = sys.argv[1], sys.argv[2]
    import torch

    import imgzoo
    from reliability_support import weights_digest

    torch.set_num_threads(1)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter('%(message)s'))
    logger = logging.getLogger('imgzoo')
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        model = imgzoo.create_model(name, pretrained=True, cache_dir=cache)
    except Exception as e:  # reported to the test, which asserts on the type and message
        print(json.dumps({'error': type(e).__name__, 'message': str(e)}), flush=True)
        return 1
    print(json.dumps({'digest': weights_digest(model.state_dict()), 'commit': model.pretrained_cfg['hf_hub_commit']}),
          flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
