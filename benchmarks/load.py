"""Load-time benchmark: imgzoo vs timm vs the raw floor, each case in fresh subprocesses.

    python benchmarks/load.py [--models resnet50 vit_large_patch16_224 ...] [--repeats 3] [--threads 1] [--in-process 15]

For each model a timm-saved folder (random weights, `save_for_hf`, safetensors) is written once
under benchmarks/_work/. imgzoo's bytecode is compiled first, as in an installed package. Each
repetition runs imgzoo, timm and the floor in turn, in fresh processes with the file in the page
cache. Medians are printed as a table with the ratios the targets are stated in (create time as
wall clock and as CPU time: on a busy machine timm's multi-threaded random initialisation waits for
cores, which inflates its wall clock), written to benchmarks/results/load.json, and plotted to
docs/benchmarks_load.png. With --in-process N, `create_model` is also timed N times in one process
after warm-up, imgzoo and timm alternating, on one thread.
"""
from __future__ import annotations

import argparse
import compileall
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
THREADS = 0  # torch threads in the probes; 0: one per core


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
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'HF_HUB_DISABLE_TELEMETRY': '1', 'BENCH_THREADS': str(THREADS or '')}
    out = subprocess.run([sys.executable, str(HERE / '_probe.py'), loader, arch, str(folder)],
                         check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_cost(statement: str, repeats: int) -> float:
    """Median seconds a statement (e.g. `import imgzoo`) adds on top of `import torch`, in fresh processes."""
    script = 'import time; import torch; t = time.perf_counter(); {s}; print(time.perf_counter() - t)'.format(s=statement)
    samples = [float(subprocess.run([sys.executable, '-c', script], check=True, capture_output=True,
                                    text=True).stdout.strip()) for _ in range(repeats)]
    return statistics.median(samples)


def in_process(arch: str, folder: Path, rounds: int) -> dict:
    """Median create_model seconds (wall and CPU) in one process after warm-up, imgzoo and timm alternating."""
    script = (
        'import json, statistics, sys, time, torch, imgzoo, timm\n'
        'torch.set_num_threads(1)\n'
        'folder, rounds = sys.argv[1], int(sys.argv[2])\n'
        'loaders = {"imgzoo": lambda: imgzoo.create_model("local:" + folder, pretrained=True),\n'
        '           "timm": lambda: timm.create_model("local-dir:" + folder, pretrained=True)}\n'
        'for _ in range(3):\n'
        '    for load in loaders.values(): load()\n'
        'times = {(name, kind): [] for name in loaders for kind in ("wall", "cpu")}\n'
        'for _ in range(rounds):\n'
        '    for name, load in loaders.items():\n'
        '        wall, cpu = time.perf_counter(), time.process_time()\n'
        '        load()\n'
        '        times[name, "cpu"].append(time.process_time() - cpu)\n'
        '        times[name, "wall"].append(time.perf_counter() - wall)\n'
        'print(json.dumps({f"{name}_{kind}_s": statistics.median(v) for (name, kind), v in times.items()}))\n'
    )
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'HF_HUB_DISABLE_TELEMETRY': '1', 'OMP_NUM_THREADS': '1'}
    out = subprocess.run([sys.executable, '-c', script, str(folder), str(rounds)], check=True, capture_output=True,
                         text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


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
        'imgzoo_create_cpu_s': median_of(imgzoo_runs, 'create_cpu_s'),
        'timm_create_cpu_s': median_of(timm_runs, 'create_cpu_s'),
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
    row['create_cpu_speedup'] = row['timm_create_cpu_s'] / row['imgzoo_create_cpu_s']
    row['first_vs_floor'] = row['imgzoo_first_s'] / row['floor_first_s']
    row['imgzoo_peak_over_file'] = row['imgzoo_peak_bytes'] / size
    row['timm_peak_over_file'] = row['timm_peak_bytes'] / size
    return row


def print_table(rows: list, imports: dict) -> None:
    header = (f"{'model':24} {'MB':>6} | {'create s imgzoo/timm':>21} {'x':>6} | {'CPU x':>6} | "
              f"{'1st pred s imgzoo/timm/floor':>28} "
              f"{'/floor':>6} | {'steady s':>8} | {'peak/file imgzoo/timm':>21}")
    print(header)
    print('-' * len(header))
    for r in rows:
        print(f"{r['arch']:24} {r['file_bytes'] / 1e6:6.0f} | {r['imgzoo_create_s']:9.3f} / {r['timm_create_s']:8.3f} "
              f"{r['create_speedup']:6.1f} | {r['create_cpu_speedup']:6.1f} | {r['imgzoo_first_s']:8.3f} / {r['timm_first_s']:7.3f} / {r['floor_first_s']:7.3f} "
              f"{r['first_vs_floor']:6.2f} | {r['imgzoo_steady_s']:8.3f} | {r['imgzoo_peak_over_file']:9.2f} / "
              f"{r['timm_peak_over_file']:9.2f}")
    print(f"\nimport cost on top of `import torch`: imgzoo {imports['imgzoo']:.3f} s, timm {imports['timm']:.3f} s")
    print(f"import + list_models(): imgzoo {imports['imgzoo_list']:.3f} s, timm {imports['timm_list']:.3f} s")
    steady = [r for r in rows if 'in_process' in r]
    if steady:
        print("\nin one process after warm-up, one thread (median create_model ms, imgzoo / timm, ratio):")
        for r in steady:
            p = r['in_process']
            print(f"{r['arch']:24} wall {p['imgzoo_wall_s'] * 1e3:7.1f} / {p['timm_wall_s'] * 1e3:7.1f} "
                  f"{p['timm_wall_s'] / p['imgzoo_wall_s']:5.1f}x | CPU {p['imgzoo_cpu_s'] * 1e3:7.1f} / "
                  f"{p['timm_cpu_s'] * 1e3:7.1f} {p['timm_cpu_s'] / p['imgzoo_cpu_s']:5.1f}x")


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
    parser.add_argument('--threads', type=int, default=0,
                        help='torch threads in the fresh-process probes (default: one per core)')
    parser.add_argument('--in-process', type=int, default=0, metavar='N',
                        help='also time N alternating create_model calls in one process after warm-up')
    args = parser.parse_args()
    global THREADS
    THREADS = args.threads

    WORK.mkdir(parents=True, exist_ok=True)
    # Read from bytecode as an installed package is (timm's is compiled in site-packages), even where
    # PYTHONDONTWRITEBYTECODE is set.
    import imgzoo

    compileall.compile_dir(Path(imgzoo.__file__).parent, quiet=1)
    rows = []
    for arch in args.models:
        folder = prepare(arch)
        for loader in LOADERS:  # warm the page cache and the import caches
            run_probe(loader, arch, folder)
        runs = {loader: [] for loader in LOADERS}
        for _ in range(args.repeats):
            for loader in LOADERS:
                runs[loader].append(run_probe(loader, arch, folder))
        rows.append(summarise(arch, folder, runs))
        if args.in_process:
            rows[-1]['in_process'] = in_process(arch, folder, args.in_process)
        print(f"done {arch}", file=sys.stderr)
    statements = {'imgzoo': 'import imgzoo', 'timm': 'import timm',
                  'imgzoo_list': 'import imgzoo; imgzoo.list_models()', 'timm_list': 'import timm; timm.list_models()'}
    imports = {key: import_cost(statement, max(args.repeats, 3)) for key, statement in statements.items()}
    print_table(rows, imports)
    results = HERE / 'results'
    results.mkdir(exist_ok=True)
    (results / 'load.json').write_text(json.dumps(
        {'date': time.strftime('%Y-%m-%d'), 'cpus': os.cpu_count(), 'rows': rows, 'import_s': imports}, indent=2))
    if not args.no_plot:
        plot(rows, HERE.parent / 'docs' / 'benchmarks_load.png')


if __name__ == '__main__':
    main()
