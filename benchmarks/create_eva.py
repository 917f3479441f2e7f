"""Create time of eva02_base_patch14_224 from a local folder, imgzoo vs timm, measured in the same run.

    python benchmarks/create_eva.py [--models eva02_base_patch14_224 ...] [--repeats 5]

For each model a timm-saved folder (seeded random weights, `save_for_hf`, safetensors) is written once under
benchmarks/_work/. Each repetition creates the model from that folder with
`imgzoo.create_model('local:…', pretrained=True)` and `timm.create_model('local-dir:…', pretrained=True)` in
fresh processes (imports not counted, file in the page cache), alternating the two. A last process loads both
and compares their outputs on one seeded image at the model's input size: imgzoo computes the rotary tables
after its meta-device build, so the outputs must be identical, not merely close. Prints a markdown table of
medians and the ratio timm / imgzoo.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / '_work'
DEFAULT_MODELS = ['eva02_base_patch14_224']

_CREATE = '''
import json, sys, time, torch
loader, folder = sys.argv[1], sys.argv[2]
if loader == 'imgzoo':
    import imgzoo
    start = time.perf_counter()
    model = imgzoo.create_model('local:' + folder, pretrained=True)
else:
    import timm
    start = time.perf_counter()
    model = timm.create_model('local-dir:' + folder, pretrained=True)
print(json.dumps({'create_s': time.perf_counter() - start}))
'''

_COMPARE = '''
import json, sys, torch, timm, imgzoo
folder = sys.argv[1]
ours = imgzoo.create_model('local:' + folder, pretrained=True).eval()
theirs = timm.create_model('local-dir:' + folder, pretrained=True).eval()
size = tuple(ours.pretrained_cfg['input_size'])
x = torch.randn(2, *size, generator=torch.Generator().manual_seed(0))
with torch.no_grad():
    a, b = ours(x), theirs(x)
buffers = dict(theirs.named_buffers())
print(json.dumps({'identical': bool(torch.equal(a, b)), 'max_abs_diff': float((a - b).abs().max()),
                  'buffers_identical': all(torch.equal(t, buffers[n]) for n, t in ours.named_buffers()),
                  'output_shape': list(a.shape)}))
'''


def prepare(arch: str) -> Path:
    folder = WORK / arch
    if (folder / 'model.safetensors').exists():
        return folder
    script = ('import sys, torch, timm; torch.manual_seed(0); m = timm.create_model(sys.argv[1]); '
              'timm.models.save_for_hf(m, sys.argv[2], safe_serialization=True)')
    subprocess.run([sys.executable, '-c', script, arch, str(folder)], check=True)
    return folder


def run(script: str, *args: str) -> dict:
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'HF_HUB_DISABLE_TELEMETRY': '1'}
    out = subprocess.run([sys.executable, '-c', script, *args], check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--models', nargs='+', default=DEFAULT_MODELS)
    parser.add_argument('--repeats', type=int, default=5)
    args = parser.parse_args()
    rows = []
    for arch in args.models:
        folder = prepare(arch)
        times: dict = {'imgzoo': [], 'timm': []}
        for _ in range(args.repeats):
            for loader in ('imgzoo', 'timm'):
                times[loader].append(run(_CREATE, loader, str(folder))['create_s'])
        check = run(_COMPARE, str(folder))
        ours, theirs = statistics.median(times['imgzoo']), statistics.median(times['timm'])
        rows.append((arch, ours, theirs, theirs / ours, check))
    print(f'torch {__import__("torch").__version__}, timm {__import__("timm").__version__}, '
          f'{os.cpu_count()} CPUs, median of {args.repeats} fresh processes each\n')
    print('| model | imgzoo create | timm create | timm / imgzoo | outputs identical | buffers identical |')
    print('|---|---|---|---|---|---|')
    for arch, ours, theirs, ratio, check in rows:
        print(f"| {arch} | {ours:.3f} s | {theirs:.3f} s | {ratio:.1f}x | {check['identical']} "
              f"(max diff {check['max_abs_diff']:.1e}) | {check['buffers_identical']} |")


if __name__ == '__main__':
    main()
