"""Create time from a local folder, imgzoo vs timm, measured in the same run, with an identity check.

    python benchmarks/create.py [--models swin_base_patch4_window7_224 maxvit_tiny_tf_224 ...] [--repeats 5]

For each model two folders with the same seeded random weights are written once under benchmarks/_work/:
one saved by timm (`save_for_hf`, safetensors' own layout) and one re-saved by `imgzoo.save_pretrained`
(tensors on 64-byte boundaries). Each repetition creates the model in a fresh process, imgzoo (`local:`)
and timm (`local-dir:`) alternating, timing `create_model` only (imports excluded, file in the page cache,
imgzoo's bytecode compiled as an installed package has it). A last process per folder builds both and
compares the weights, every buffer (relative-position lookups and rotary tables are computed after
imgzoo's meta-device build) and the outputs on a seeded image: imgzoo maps the weights file, so where
safetensors' layout leaves a weight off a 64-byte boundary, CPU matrix-vector kernels may round its last
bit differently from timm's aligned copy; the last column times `mmap=False`, which reads the weights
into aligned memory, and checks its outputs.
"""
from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / '_work'
DEFAULT_MODELS = ['swin_base_patch4_window7_224', 'maxvit_tiny_tf_224', 'eva02_base_patch14_224']

_SAVE = '''
import sys, torch, timm
torch.manual_seed(0)
timm.models.save_for_hf(timm.create_model(sys.argv[1]), sys.argv[2], safe_serialization=True)
'''

_RESAVE = '''
import sys, imgzoo
imgzoo.save_pretrained(imgzoo.create_model('local:' + sys.argv[1], pretrained=True), sys.argv[2])
'''

_CREATE = '''
import json, sys, time
import torch
loader, folder = sys.argv[1], sys.argv[2]
if loader.startswith('imgzoo'):
    import imgzoo
    create = lambda: imgzoo.create_model('local:' + folder, pretrained=True, mmap=loader == 'imgzoo')
else:
    import timm
    create = lambda: timm.create_model('local-dir:' + folder, pretrained=True)
start, cpu = time.perf_counter(), time.process_time()
create()
print(json.dumps({'seconds': time.perf_counter() - start, 'cpu': time.process_time() - cpu}))
'''

_COMPARE = '''
import json, sys, torch, timm, imgzoo
folder = sys.argv[1]
ours = imgzoo.create_model('local:' + folder, pretrained=True).eval()
theirs = timm.create_model('local-dir:' + folder, pretrained=True).eval()
x = torch.randn(2, *ours.pretrained_cfg['input_size'], generator=torch.Generator().manual_seed(0))
with torch.no_grad():
    a, b = ours(x), theirs(x)
ours_buffers = dict(ours.named_buffers())
weights_equal = all(torch.equal(p, q) for p, q in zip(ours.state_dict().values(), theirs.state_dict().values()))
buffers_equal = all(torch.equal(ours_buffers[n], t) for n, t in theirs.named_buffers())
read = imgzoo.create_model('local:' + folder, pretrained=True, mmap=False).eval()
with torch.no_grad():
    c = read(x)
print(json.dumps({'identical': bool(torch.equal(a, b)), 'max_abs_diff': float((a - b).abs().max()),
                  'weights_equal': weights_equal, 'buffers_equal': buffers_equal, 'num_buffers': len(ours_buffers),
                  'identical_read': bool(torch.equal(c, b))}))
'''


def _run(script: str, *args: str) -> dict:
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'HF_HUB_DISABLE_TELEMETRY': '1', 'OMP_NUM_THREADS': '1'}
    out = subprocess.run([sys.executable, '-c', script, *args], check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--models', nargs='+', default=DEFAULT_MODELS)
    parser.add_argument('--repeats', type=int, default=5)
    args = parser.parse_args()
    import timm
    import torch

    print(f'torch {torch.__version__}, timm {timm.__version__}, OMP_NUM_THREADS=1, median of {args.repeats} '
          'fresh processes each\n')
    compileall.compile_dir(str(HERE.parent / 'imgzoo'), quiet=1)
    print('| model | folder written by | imgzoo create | timm create | timm / imgzoo (CPU time) | weights equal '
          '| buffers equal | outputs identical (max abs diff) | imgzoo mmap=False: create, identical |')
    print('|---|---|---|---|---|---|---|---|---|')
    for arch in args.models:
        folders = {'timm': WORK / f'create_{arch}', 'imgzoo': WORK / f'create_{arch}_imgzoo'}
        if not (folders['timm'] / 'model.safetensors').exists():
            subprocess.run([sys.executable, '-c', _SAVE, arch, str(folders['timm'])], check=True)
        if not (folders['imgzoo'] / 'model.safetensors').exists():
            subprocess.run([sys.executable, '-c', _RESAVE, str(folders['timm']), str(folders['imgzoo'])], check=True)
        for writer, folder in folders.items():
            runs: dict = {'imgzoo': [], 'timm': [], 'imgzoo-read': []}
            _run(_CREATE, 'imgzoo', str(folder))  # warm the page cache
            for _ in range(args.repeats):
                for loader in runs:
                    runs[loader].append(_run(_CREATE, loader, str(folder)))
            check = _run(_COMPARE, str(folder))
            ours, theirs = (statistics.median(r['seconds'] for r in runs[k]) for k in ('imgzoo', 'timm'))
            ours_cpu, theirs_cpu = (statistics.median(r['cpu'] for r in runs[k]) for k in ('imgzoo', 'timm'))
            print(f"| {arch} | {writer} | {ours:.3f} s | {theirs:.3f} s | {theirs / ours:.1f}x ({theirs_cpu / ours_cpu:.1f}x) "
                  f"| {check['weights_equal']} | "
                  f"{check['buffers_equal']} ({check['num_buffers']}) | {check['identical']} ({check['max_abs_diff']:.2e}) | "
                  f"{statistics.median(r['seconds'] for r in runs['imgzoo-read']):.3f} s, {check['identical_read']} |",
                  flush=True)


if __name__ == '__main__':
    main()
