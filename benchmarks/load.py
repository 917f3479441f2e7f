"""Load-time benchmark: imgzoo vs timm vs the raw floor, each case in fresh subprocesses.

    python benchmarks/load.py [--models resnet50 vit_large_patch16_224 ...] [--repeats 3]

For each model a timm-saved folder (random weights, `save_for_hf`, safetensors) is written once
under benchmarks/_work/. Each repetition runs imgzoo, timm and the floor in turn, in fresh
processes with the file in the page cache. Medians are printed as a table with the ratios the
targets are stated in, written to benchmarks/results/load.json, and plotted to docs/benchmarks_load.png.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / '_work'
DEFAULT_MODELS = ['resnet50', 'vit_base_patch16_224', 'vit_large_patch16_224', 'convnext_base', 'efficientnet_b0',
                  'mobilenetv3_large_100']
LOADERS = ('imgzoo', 'timm', 'floor')


def prepare(arch: str) -> Path:
    folder = WORK / arch
    if (folder / 'model.safetensors').exists():
        return folder
    script = (
        'import sys, torch, timm; torch.manual_seed(0); '
        'm = timm.create_model(sys.argv[1]); timm.models.save_for_hf(m, sys.argv[2], safe_serialization=True)'
    )
    subprocess.run([sys.executable, '-c', script, arch, str(folder)], check=True)
    return folder


def run_probe(loader: str, arch: str, folder: Path) -> dict:
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'HF_HUB_DISABLE_TELEMETRY': '1'}
    out = subprocess.run([sys.executable, str(HERE / '_probe.py'), loader, arch, str(folder)],
                         check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_cost(module: str, repeats: int) -> float:
    """Median seconds `import module` adds on top of `import torch`, in fresh processes."""
    script = ('import time; import torch; t = time.perf_counter(); import {m}; print(time.perf_counter() - t)'
              .format(m=module))
    samples = [float(subprocess.run([sys.executable, '-c', script], check=True, capture_output=True,
                                    text=True).stdout.strip()) for _ in range(repeats)]
    return statistics.median(samples)


def median_of(runs: list, key: str) -> float:
    return statistics.median(r[key] for r in runs)


def summarise(arch: str, folder: Path, runs: dict) -> dict:
    size = (folder / 'model.safetensors').stat().st_size
    imgzoo_runs, timm_runs, floor_runs = runs['imgzoo'], runs['timm'], runs['floor']
    steady = min(median_of(imgzoo_runs, 'steady_forward_s'), median_of(timm_runs, 'steady_forward_s'))
    floor_first = median_of(floor_runs, 'read_s') + steady
    row = {
        'arch': arch, 'file_bytes': size,
        'imgzoo_create_s': median_of(imgzoo_runs, 'create_s'), 'timm_create_s': median_of(timm_runs, 'create_s'),
        'imgzoo_first_s': median_of(imgzoo_runs, 'first_prediction_s'),
        'timm_first_s': median_of(timm_runs, 'first_prediction_s'),
        'floor_read_s': median_of(floor_runs, 'read_s'), 'floor_first_s': floor_first,
        'imgzoo_steady_s': median_of(imgzoo_runs, 'steady_forward_s'),
        'timm_steady_s': median_of(timm_runs, 'steady_forward_s'),
        'imgzoo_peak_bytes': median_of(imgzoo_runs, 'peak_rss_above_torch_bytes'),
        'timm_peak_bytes': median_of(timm_runs, 'peak_rss_above_torch_bytes'),
        'floor_peak_bytes': median_of(floor_runs, 'peak_rss_above_torch_bytes'),
    }
    row['create_speedup'] = row['timm_create_s'] / row['imgzoo_create_s']
    row['first_vs_floor'] = row['imgzoo_first_s'] / row['floor_first_s']
    row['imgzoo_peak_over_file'] = row['imgzoo_peak_bytes'] / size
    row['timm_peak_over_file'] = row['timm_peak_bytes'] / size
    return row


def print_table(rows: list, imports: dict) -> None:
    header = (f"{'model':24} {'MB':>6} | {'create s imgzoo/timm':>21} {'x':>6} | {'1st pred s imgzoo/timm/floor':>28} "
              f"{'/floor':>6} | {'steady s':>8} | {'peak/file imgzoo/timm':>21}")
    print(header)
    print('-' * len(header))
    for r in rows:
        print(f"{r['arch']:24} {r['file_bytes'] / 1e6:6.0f} | {r['imgzoo_create_s']:9.3f} / {r['timm_create_s']:8.3f} "
              f"{r['create_speedup']:6.1f} | {r['imgzoo_first_s']:8.3f} / {r['timm_first_s']:7.3f} / {r['floor_first_s']:7.3f} "
              f"{r['first_vs_floor']:6.2f} | {r['imgzoo_steady_s']:8.3f} | {r['imgzoo_peak_over_file']:9.2f} / "
              f"{r['timm_peak_over_file']:9.2f}")
    print(f"\nimport cost on top of `import torch`: imgzoo {imports['imgzoo']:.3f} s, timm {imports['timm']:.3f} s")


def plot(rows: list, path: Path) -> None:
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    names = [r['arch'] for r in rows]
    xs = range(len(rows))
    fig, ax = plt.subplots(figsize=(9, 4.5))
    width = 0.38
    ax.bar([x - width / 2 for x in xs], [r['timm_create_s'] for r in rows], width, label='timm create_model')
    ax.bar([x + width / 2 for x in xs], [r['imgzoo_create_s'] for r in rows], width, label='imgzoo create_model')
    for x, r in zip(xs, rows):
        ax.text(x + width / 2, r['imgzoo_create_s'], f"{r['create_speedup']:.0f}x", ha='center', va='bottom', fontsize=8)
    ax.set_xticks(list(xs))
    ax.set_xticklabels(names, rotation=15, fontsize=8)
    ax.set_ylabel('seconds (median, local folder, pretrained=True)')
    ax.set_title('Model creation time from a local folder: imgzoo vs timm')
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--models', nargs='+', default=DEFAULT_MODELS)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--no-plot', action='store_true')
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    rows = []
    for arch in args.models:
        folder = prepare(arch)
        run_probe('floor', arch, folder)  # warm the page cache
        runs = {loader: [] for loader in LOADERS}
        for _ in range(args.repeats):
            for loader in LOADERS:
                runs[loader].append(run_probe(loader, arch, folder))
        rows.append(summarise(arch, folder, runs))
        print(f"done {arch}", file=sys.stderr)
    imports = {m: import_cost(m, max(args.repeats, 3)) for m in ('imgzoo', 'timm')}
    print_table(rows, imports)
    results = HERE / 'results'
    results.mkdir(exist_ok=True)
    (results / 'load.json').write_text(json.dumps(
        {'date': time.strftime('%Y-%m-%d'), 'cpus': os.cpu_count(), 'rows': rows, 'import_s': imports}, indent=2))
    if not args.no_plot:
        plot(rows, HERE.parent / 'docs' / 'benchmarks_load.png')


if __name__ == '__main__':
    main()
