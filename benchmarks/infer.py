"""Forward throughput: timm's default model vs imgzoo's plain and optimised models on the same weights.

    python benchmarks/infer.py [--models resnet50 efficientnet_b0 ...] [--rounds 10] [--compile]

All models are loaded from the same timm-saved folder and timed in alternating rounds in one process
(CPU, batch 8, 224x224, eval, no grad), so machine noise hits each alike. Prints images/s, the ratio of
each imgzoo variant to timm and the largest output difference from timm; writes
benchmarks/results/infer.json and plots docs/benchmarks_infer.png. With --compile, torch.compile'd
variants of timm's and imgzoo's optimised model are added.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import torch

from load import HERE, WORK, prepare

DEFAULT_MODELS = ['resnet50', 'efficientnet_b0', 'mobilenetv3_large_100', 'convnext_tiny', 'regnety_040',
                  'vit_base_patch16_224']


def seconds_per_batch(model: torch.nn.Module, x: torch.Tensor) -> float:
    start = time.perf_counter()
    model(x)
    return time.perf_counter() - start


def measure(variants: dict, x: torch.Tensor, rounds: int) -> dict:
    """Median images/s of each variant, timed in alternating rounds after two warm-up passes."""
    samples = {name: [] for name in variants}
    with torch.no_grad():
        for model in variants.values():
            model(x)
            model(x)
        for _ in range(rounds):
            for name, model in variants.items():
                samples[name].append(x.shape[0] / seconds_per_batch(model, x))
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    import timm

    import imgzoo

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--models', nargs='+', default=DEFAULT_MODELS)
    parser.add_argument('--rounds', type=int, default=10)
    parser.add_argument('--compile', action='store_true', help='add torch.compile variants (slow to build)')
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    WORK.mkdir(parents=True, exist_ok=True)
    rows = []
    x = torch.randn(8, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    for arch in args.models:
        folder = prepare(arch)
        theirs = timm.create_model(f'local-dir:{folder}', pretrained=True).eval()
        plain = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
        optimized = imgzoo.optimize_for_inference(plain)
        variants = {'timm': theirs, 'imgzoo': plain, 'imgzoo_optimized': optimized}
        if args.compile:
            variants['timm_compiled'] = torch.compile(theirs)
            variants['imgzoo_optimized_compiled'] = torch.compile(optimized)
        with torch.no_grad():
            reference = theirs(x)
            diffs = {name: float((model(x) - reference).abs().max()) for name, model in variants.items()}
        speed = measure(variants, x, args.rounds)
        row = {'arch': arch, 'img_s': speed, 'max_diff_vs_timm': diffs,
               'ratio_vs_timm': {name: s / speed['timm'] for name, s in speed.items()}}
        rows.append(row)
        cells = '  '.join(f"{name} {speed[name]:6.1f} img/s ({row['ratio_vs_timm'][name]:.2f}x, diff {diffs[name]:.1e})"
                          for name in variants)
        print(f'{arch:22} {cells}', flush=True)
    results = HERE / 'results'
    results.mkdir(exist_ok=True)
    (results / 'infer.json').write_text(json.dumps({'date': time.strftime('%Y-%m-%d'), 'rows': rows}, indent=2))
    plot(rows, HERE.parent / 'docs' / 'benchmarks_infer.png')


def plot(rows: list, path) -> None:
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    names = [n for n in rows[0]['ratio_vs_timm'] if n != 'timm']
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        ax.bar([j + i * width for j in range(len(rows))], [r['ratio_vs_timm'][name] for r in rows], width, label=name)
    ax.axhline(1.0, color='black', linewidth=0.8)
    ax.set_xticks([j + width * (len(names) - 1) / 2 for j in range(len(rows))], [r['arch'] for r in rows], rotation=20)
    ax.set_ylabel('images/s relative to timm')
    ax.set_title('CPU inference, batch 8, 224x224 (2 cores)')
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


if __name__ == '__main__':
    main()
