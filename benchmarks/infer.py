"""Forward throughput: imgzoo vs timm on the same weights (CPU, batch 8, eval, no grad).

    python benchmarks/infer.py [--models resnet50 vit_base_patch16_224] [--seconds 10]

Both models are loaded from the same timm-saved folder and timed in alternating rounds in
one process, so machine noise hits both alike. Prints images/s and the imgzoo/timm ratio and
writes benchmarks/results/infer.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time

import torch

from load import HERE, WORK, prepare


def images_per_second(model: torch.nn.Module, x: torch.Tensor, rounds: int) -> list:
    samples = []
    with torch.no_grad():
        for _ in range(rounds):
            start = time.perf_counter()
            model(x)
            samples.append(x.shape[0] / (time.perf_counter() - start))
    return samples


def main() -> None:
    import timm

    import imgzoo

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--models', nargs='+', default=['resnet50', 'vit_base_patch16_224'])
    parser.add_argument('--rounds', type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    WORK.mkdir(parents=True, exist_ok=True)
    rows = []
    x = torch.randn(8, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    for arch in args.models:
        folder = prepare(arch)
        ours = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
        theirs = timm.create_model(f'local-dir:{folder}', pretrained=True).eval()
        images_per_second(ours, x, 2)
        images_per_second(theirs, x, 2)
        ours_s, theirs_s = [], []
        for _ in range(args.rounds):
            ours_s += images_per_second(ours, x, 1)
            theirs_s += images_per_second(theirs, x, 1)
        row = {'arch': arch, 'imgzoo_img_s': statistics.median(ours_s), 'timm_img_s': statistics.median(theirs_s)}
        row['ratio'] = row['imgzoo_img_s'] / row['timm_img_s']
        rows.append(row)
        print(f"{arch:24} imgzoo {row['imgzoo_img_s']:7.1f} img/s   timm {row['timm_img_s']:7.1f} img/s   "
              f"ratio {row['ratio']:.3f}")
    results = HERE / 'results'
    results.mkdir(exist_ok=True)
    (results / 'infer.json').write_text(json.dumps({'date': time.strftime('%Y-%m-%d'), 'rows': rows}, indent=2))


if __name__ == '__main__':
    main()
