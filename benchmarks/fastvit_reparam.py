"""Forward time of FastViT / MobileCLIP models before and after folding their re-parameterisable branches.

    python benchmarks/fastvit_reparam.py [--size 256] [--runs 5] [arch ...]

Random weights, one image, one CPU thread, best of --runs, no_grad.
"""
from __future__ import annotations

import argparse
import copy
import time

import torch

import imgzoo
from imgzoo.optimize import reparameterize_branches


def best_ms(model: torch.nn.Module, x: torch.Tensor, runs: int) -> float:
    times = []
    with torch.no_grad():
        model(x)
        for _ in range(runs):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
    return min(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('archs', nargs='*', default=['fastvit_t8', 'fastvit_sa12', 'fastvit_mci0'])
    parser.add_argument('--size', type=int, default=256)
    parser.add_argument('--runs', type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print('| model | unfolded | folded | speed-up |\n|---|---|---|---|')
    for arch in args.archs:
        torch.manual_seed(0)
        model = imgzoo.create_model(arch).eval()
        folded = copy.deepcopy(model)
        reparameterize_branches(folded)
        x = torch.randn(1, 3, args.size, args.size)
        unfolded_ms, folded_ms = best_ms(model, x, args.runs), best_ms(folded, x, args.runs)
        print(f'| {arch} | {unfolded_ms:.1f} ms | {folded_ms:.1f} ms | {unfolded_ms / folded_ms:.2f}x |')


if __name__ == '__main__':
    main()
