"""Activation memory of one training step with and without gradient checkpointing.

    python benchmarks/checkpointing.py [--models vit_base_patch16_224 convnext_tiny] [--batch 16]

Each (model, setting) runs in a fresh process: build the model, run one forward + backward at batch
size --batch, 224x224, and report peak resident memory above the memory held after building the model
(the activations and gradients of the step), plus the step time. Writes benchmarks/results/checkpointing.json.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

PROBE = r'''
import json, resource, sys, time, torch, imgzoo
arch, batch, enable = sys.argv[1], int(sys.argv[2]), sys.argv[3] == '1'
torch.manual_seed(0)
model = imgzoo.create_model(arch).train()
model.set_grad_checkpointing(enable)
x = torch.randn(batch, 3, 224, 224)
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
model(x).float().pow(2).mean().backward()
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({'step_mb': (peak - baseline) / 1024, 'seconds': elapsed}))
'''


def run(arch: str, batch: int, enable: bool) -> dict:
    out = subprocess.run([sys.executable, '-c', PROBE, arch, str(batch), '1' if enable else '0'],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--models', nargs='+', default=['vit_base_patch16_224', 'convnext_tiny'])
    parser.add_argument('--batch', type=int, default=16)
    args = parser.parse_args()
    rows = []
    for arch in args.models:
        plain, ckpt = run(arch, args.batch, False), run(arch, args.batch, True)
        row = {'arch': arch, 'batch': args.batch, 'plain': plain, 'checkpointed': ckpt,
               'memory_saved': 1 - ckpt['step_mb'] / plain['step_mb'], 'time_ratio': ckpt['seconds'] / plain['seconds']}
        rows.append(row)
        print(f"{arch:22} step memory {plain['step_mb']:7.0f} MB -> {ckpt['step_mb']:7.0f} MB with checkpointing "
              f"({row['memory_saved']:.0%} less), step time x{row['time_ratio']:.2f}", flush=True)
    (HERE / 'results').mkdir(exist_ok=True)
    (HERE / 'results' / 'checkpointing.json').write_text(
        json.dumps({'date': time.strftime('%Y-%m-%d'), 'rows': rows}, indent=2))


if __name__ == '__main__':
    main()
