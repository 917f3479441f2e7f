"""Forward time of RepVGG / MobileOne before and after imgzoo.reparameterize (1 thread, batch 1, 224 px).

    OMP_NUM_THREADS=1 python benchmarks/reparameterize_byobnet.py
"""
import time

import torch

import imgzoo


def best_ms(model: torch.nn.Module, x: torch.Tensor, runs: int = 7) -> float:
    times = []
    with torch.no_grad():
        model(x)
        for _ in range(runs):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    torch.set_num_threads(1)
    x = torch.randn(1, 3, 224, 224)
    print('| architecture | training form (ms) | folded (ms) | speed-up |')
    print('|---|---|---|---|')
    for arch in ('repvgg_a0', 'repvgg_b1', 'mobileone_s0', 'mobileone_s1'):
        torch.manual_seed(0)
        model = imgzoo.create_model(arch).eval()
        plain, folded = best_ms(model, x), best_ms(imgzoo.reparameterize(model), x)
        print(f'| {arch} | {plain:.1f} | {folded:.1f} | {plain / folded:.2f}x |')


if __name__ == '__main__':
    main()
