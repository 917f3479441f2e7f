"""Batch prediction throughput: imgzoo's engines against a plain timm loop on the same JPEG folder.

    python benchmarks/batch.py [--images 200] [--models efficientnet_b0 vit_base_patch16_224] [--workers 0 1 2]
                               [--ray]

A folder of real-size JPEGs (scikit-image's photos, resized to 1024 px on the long side and re-encoded,
under benchmarks/_work/jpegs) is classified by:
- the plain loop: timm model from the same weights, PIL decode + timm's eval transform + forward, batch
  by batch in one process (what a user writes by hand);
- imgzoo's local engine (`imgzoo.batch.predict`) at each --workers count;
- with --ray, imgzoo's Ray engine on a local Ray (startup included, as a user pays it).
Prints images/s and the ratio to the plain loop; writes benchmarks/results/batch.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import torch

from load import HERE, WORK, prepare


def make_jpegs(count: int) -> Path:
    from PIL import Image
    from skimage import data as skdata

    folder = WORK / 'jpegs' / str(count)
    if folder.exists() and len(list(folder.glob('*.jpg'))) == count:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    photos = [getattr(skdata, name)() for name in ('chelsea', 'coffee', 'rocket', 'astronaut')]
    for i in range(count):
        image = Image.fromarray(photos[i % len(photos)]).convert('RGB')
        scale = 1024 / max(image.size)
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.BICUBIC)
        image.rotate(i % 7).save(folder / f'img_{i:05d}.jpg', quality=90)
    return folder


def plain_timm_loop(arch: str, folder: Path, batch_size: int) -> float:
    import timm
    from PIL import Image

    model = timm.create_model(f'local-dir:{prepare(arch)}', pretrained=True).eval()
    transform = timm.data.create_transform(**timm.data.resolve_data_config(model=model))
    paths = sorted(folder.glob('*.jpg'))
    start = time.perf_counter()
    with torch.inference_mode():
        for i in range(0, len(paths), batch_size):
            x = torch.stack([transform(Image.open(p).convert('RGB')) for p in paths[i:i + batch_size]])
            model(x).softmax(-1).topk(5)
    return len(paths) / (time.perf_counter() - start)


def imgzoo_engine(arch: str, folder: Path, batch_size: int, workers: int, engine: str) -> float:
    import imgzoo.batch

    with tempfile.TemporaryDirectory() as tmp:
        result = imgzoo.batch.predict(f'local:{prepare(arch)}', [folder], Path(tmp) / 'out.parquet',
                                      batch_size=batch_size, num_workers=workers, engine=engine)
    assert result.errors == 0
    return result.images_per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--images', type=int, default=200)
    parser.add_argument('--models', nargs='+', default=['efficientnet_b0', 'vit_base_patch16_224'])
    parser.add_argument('--workers', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--ray', action='store_true')
    args = parser.parse_args()
    torch.set_num_threads(os.cpu_count() or 1)
    folder = make_jpegs(args.images)
    rows = []
    for arch in args.models:
        plain = plain_timm_loop(arch, folder, args.batch_size)
        row = {'arch': arch, 'images': args.images, 'plain_timm_img_s': plain, 'imgzoo_local_img_s': {}}
        print(f'{arch:22} plain timm loop {plain:6.1f} img/s', flush=True)
        for workers in args.workers:
            speed = imgzoo_engine(arch, folder, args.batch_size, workers, 'local')
            row['imgzoo_local_img_s'][workers] = speed
            print(f'{arch:22} imgzoo local, {workers} workers {speed:6.1f} img/s ({speed / plain:.2f}x)', flush=True)
        if args.ray:
            speed = imgzoo_engine(arch, folder, args.batch_size, max(1, (os.cpu_count() or 2) - 1), 'ray')
            row['imgzoo_ray_img_s'] = speed
            print(f'{arch:22} imgzoo ray (local cluster) {speed:6.1f} img/s ({speed / plain:.2f}x)', flush=True)
        rows.append(row)
    (HERE / 'results').mkdir(exist_ok=True)
    (HERE / 'results' / 'batch.json').write_text(
        json.dumps({'date': time.strftime('%Y-%m-%d'), 'cpus': os.cpu_count(), 'rows': rows}, indent=2))


if __name__ == '__main__':
    main()
