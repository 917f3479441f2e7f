"""One measurement in a fresh process: python benchmarks/_probe.py LOADER ARCH FOLDER.

Prints one JSON line: seconds to create the model (wall clock and CPU time), to the first prediction (create + one
forward pass), a steady forward pass, and peak resident memory above the `import torch` baseline.
LOADER is 'imgzoo', 'timm' or 'floor' (read every byte of the weights file with safetensors).
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time


def rss_bytes() -> int:
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')


def main() -> None:
    loader, arch, folder = sys.argv[1], sys.argv[2], sys.argv[3]
    import torch

    torch.set_num_threads(int(os.environ.get('BENCH_THREADS') or os.cpu_count() or 1))
    baseline = rss_bytes()
    x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    result = {'loader': loader, 'arch': arch}
    if loader == 'floor':
        from safetensors.torch import load_file

        start = time.perf_counter()
        tensors = load_file(os.path.join(folder, 'model.safetensors'))
        total = 0.0
        for t in tensors.values():
            total += float(t.float().sum()) if t.is_floating_point() else float(t.sum())
        result['read_s'] = time.perf_counter() - start
    else:
        start = time.perf_counter()
        if loader == 'imgzoo':
            import imgzoo
            imported, imported_cpu = time.perf_counter(), time.process_time()
            model = imgzoo.create_model(f'local:{folder}', pretrained=True)
        else:
            import timm
            imported, imported_cpu = time.perf_counter(), time.process_time()
            model = timm.create_model(f'local-dir:{folder}', pretrained=True)
        model.eval()
        created, created_cpu = time.perf_counter(), time.process_time()
        with torch.no_grad():
            model(x)
        first = time.perf_counter()
        steady = []
        with torch.no_grad():
            for _ in range(3):
                t0 = time.perf_counter()
                model(x)
                steady.append(time.perf_counter() - t0)
        result.update(
            import_s=imported - start, create_s=created - imported, create_cpu_s=created_cpu - imported_cpu, first_prediction_s=first - imported,
            steady_forward_s=statistics.median(steady),
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result['peak_rss_above_torch_bytes'] = max(peak - baseline, 0)
    print(json.dumps(result))


if __name__ == '__main__':
    main()
