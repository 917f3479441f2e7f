"""Batch prediction and image embeddings over many images, written to Parquet / JSON lines / CSV.

    imgzoo.batch.predict('convnext_tiny.fb_in1k', ['photos/'], out='labels.parquet')
    imgzoo.batch.embed('vit_base_patch14_dinov2.lvd142m', ['s3://bucket/images/'], out='emb.parquet', normalize=True)

Two engines run the same steps (list inputs → decode and transform → model → rows): 'local' streams
through DataLoader worker processes on this machine; 'ray' runs on Ray Data (a local Ray, or the
cluster named by RAY_ADDRESS). An unreadable file becomes a row with its error, never the end of the
run (unless fail_fast). Rows are written in atomic parts as they are ready; resume=True skips the
images the output already holds.
"""
from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

from ..errors import ImageReadError, InvalidModelArgsError
from .io import PartWriter, check_images, decode_image, list_images, load_pixels, read_metadata, read_table

PathLike = Union[str, os.PathLike]
ENGINES = ('local', 'ray')
PART_ROWS = 512
PART_SECONDS = 30.0


@dataclass(frozen=True)
class Task:
    """What to compute per image: 'predict' (top-k classes) or 'embed' (pre-logits features)."""

    kind: str
    top_k: int = 5
    normalize: bool = False

    def schema(self) -> Any:
        import pyarrow as pa

        if self.kind == 'predict':
            columns = [('top_k_indices', pa.list_(pa.int64())), ('top_k_labels', pa.list_(pa.string())),
                       ('top_k_probabilities', pa.list_(pa.float32()))]
        else:
            columns = [('embedding', pa.list_(pa.float32()))]
        return pa.schema([('path', pa.string()), *columns, ('error', pa.string())])


@dataclass
class BatchResult:
    """What a batch run did: the output file, rows written this run, errors among them, images skipped
    because the output already held them, and the run's seconds."""

    out: Optional[str]
    rows: int
    errors: int
    skipped: int
    seconds: float
    table: Any = field(default=None, repr=False)

    @property
    def images_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


class ImageModelRunner:
    """A model built from its name, with its own preprocessing, turning pixel batches into result rows.

    The model is created once (by name, so it is fetched through the shared cache rather than pickled)
    and, unless optimize=False, rewritten with `imgzoo.optimize_for_inference`.
    """

    def __init__(self, model_name: str, task: Task, *, cache_dir: Optional[PathLike] = None,
                 device: Optional[str] = None, optimize: bool = True, local_files_only: bool = False,
                 verify: bool = False, use_test_size: bool = False) -> None:
        import torch

        from ..data import get_label_names, resolve_data_config
        from ..factory import create_model
        from ..optimize import optimize_for_inference

        self.task = task
        self.device = torch.device(device or ('cuda' if torch.cuda.is_available() else 'cpu'))
        model = create_model(model_name, pretrained=True, cache_dir=cache_dir, device=self.device,
                             local_files_only=local_files_only, verify=verify).eval()
        self.data_config = resolve_data_config(model=model, use_test_size=use_test_size)
        self.pretrained_cfg = dict(model.pretrained_cfg)
        self.labels = get_label_names(model) if task.kind == 'predict' else []
        self.model = optimize_for_inference(model, inplace=True) if optimize else model
        self.channels_last = any(p.is_contiguous(memory_format=torch.channels_last) and p.dim() == 4
                                 for p in self.model.parameters())

    def __call__(self, pixels: Any) -> Dict[str, List[Any]]:
        """Result columns for a (B, C, H, W) float batch."""
        import torch

        x = torch.as_tensor(pixels).to(self.device)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        with torch.inference_mode():
            if self.task.kind == 'predict':
                probs = self.model(x).float().softmax(dim=-1)
                top = probs.topk(min(self.task.top_k, probs.shape[-1]), dim=-1)
                indices = top.indices.tolist()
                return {'top_k_indices': indices,
                        'top_k_labels': [[self.labels[i] for i in row] for row in indices],
                        'top_k_probabilities': top.values.tolist()}
            features = self.model.forward_head(self.model.forward_features(x), pre_logits=True).float()
            if self.task.normalize:
                features = torch.nn.functional.normalize(features, dim=-1)
            return {'embedding': features.cpu().tolist()}


def rows_for(task: Task, paths: Sequence[str], errors: Sequence[Optional[str]],
             columns: Mapping[str, List[Any]]) -> List[Dict[str, Any]]:
    """One row per path: the model's columns for readable images (in order), nulls and the error otherwise."""
    names = [n for n in task.schema().names if n not in ('path', 'error')]
    good = iter(range(len(next(iter(columns.values()), []))))
    rows = []
    for path, error in zip(paths, errors):
        if error is None:
            i = next(good)
            rows.append({'path': path, **{n: columns[n][i] for n in names}, 'error': None})
        else:
            rows.append({'path': path, **{n: None for n in names}, 'error': error})
    return rows


def describe_run(model_name: str, task: Task, *, cache_dir: Optional[PathLike] = None,
                 local_files_only: bool = False, verify: bool = False, use_test_size: bool = False) -> Dict[str, Any]:
    """The model's name, provenance and data config, from its configuration alone (no weights read)."""
    from ..data import resolve_data_config
    from ..factory import create_model
    from ..meta import meta_device

    with warnings.catch_warnings(), meta_device():
        warnings.simplefilter('ignore')
        model = create_model(model_name, cache_dir=cache_dir, local_files_only=local_files_only, verify=verify)
    cfg = model.pretrained_cfg
    provenance = {k: cfg.get(k) for k in ('architecture', 'tag', 'source', 'hf_hub_id', 'hf_hub_revision',
                                          'hf_hub_commit', 'local_dir')}
    return {'model': model_name, 'task': task.kind, 'top_k': task.top_k if task.kind == 'predict' else None,
            'normalize': task.normalize, 'provenance': provenance,
            'data_config': resolve_data_config(model=model, use_test_size=use_test_size)}


class _ImageFiles:
    """A map-style dataset of (path, tensor or None, error or None), decoded in DataLoader workers."""

    def __init__(self, paths: Sequence[str], data_config: Mapping[str, Any]) -> None:
        self.paths = list(paths)
        self.data_config = dict(data_config)
        self._transform = None

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> Any:
        if self._transform is None:
            from ..data import create_transform

            self._transform = create_transform(self.data_config)
        pixels, error = load_pixels(self.paths[index], self._transform)
        return self.paths[index], pixels, error


def _collate(items: Sequence[Any]) -> Any:
    import torch

    paths = [p for p, _, _ in items]
    errors = [e for _, _, e in items]
    good = [t for _, t, _ in items if t is not None]
    return paths, (torch.stack(good) if good else None), errors


def _progress(enabled: bool, total: int) -> Any:
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
                               TimeRemainingColumn)

    class _Speed(TextColumn):
        def render(self, task: Any) -> Any:
            from rich.text import Text

            return Text(f'{task.speed or 0:.1f} img/s')

    return Progress(TextColumn('images'), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(), _Speed(''),
                    TimeRemainingColumn(), console=Console(stderr=True), disable=not enabled, transient=False)


def _run_local(runner: ImageModelRunner, paths: Sequence[str], writer: PartWriter, *, batch_size: int,
               num_workers: int, fail_fast: bool, progress: bool, part_rows: int) -> List[int]:
    from torch.utils.data import DataLoader

    loader = DataLoader(_ImageFiles(paths, runner.data_config), batch_size=batch_size, num_workers=num_workers,
                        collate_fn=_collate, shuffle=False)
    counts = [0, 0]
    pending: List[Dict[str, Any]] = []
    last_flush = time.monotonic()
    with _progress(progress, len(paths)) as bar:
        job = bar.add_task('images', total=len(paths))
        for batch_paths, pixels, errors in loader:
            if fail_fast and any(errors):
                raise ImageReadError(next(e for e in errors if e))
            columns = runner(pixels) if pixels is not None else {}
            pending.extend(rows_for(runner.task, batch_paths, errors, columns))
            counts[0] += len(batch_paths)
            counts[1] += sum(e is not None for e in errors)
            bar.advance(job, len(batch_paths))
            if len(pending) >= part_rows or time.monotonic() - last_flush > PART_SECONDS:
                writer.write_part(pending)
                pending, last_flush = [], time.monotonic()
        writer.write_part(pending)
    return counts


def run(
    model_name: str,
    inputs: Iterable[PathLike],
    out: Optional[PathLike],
    task: Task,
    *,
    engine: str = 'local',
    batch_size: int = 32,
    num_workers: Optional[int] = None,
    resume: bool = False,
    fail_fast: bool = False,
    optimize: bool = True,
    cache_dir: Optional[PathLike] = None,
    device: Optional[str] = None,
    local_files_only: bool = False,
    progress: bool = False,
    part_rows: int = PART_ROWS,
    verify: bool = False,
    use_test_size: bool = False,
) -> BatchResult:
    """Run a task over every image named by inputs; see predict and embed. Rows are written in parts of
    part_rows (or every 30 s); a run killed between parts loses no finished part."""
    import tempfile

    if engine not in ENGINES:
        raise InvalidModelArgsError(f"engine must be one of {ENGINES}, got {engine!r}.")
    if batch_size < 1:
        raise InvalidModelArgsError(f"batch_size must be at least 1, got {batch_size}.")
    started = time.perf_counter()
    paths = list_images(inputs)
    metadata = describe_run(model_name, task, cache_dir=cache_dir, local_files_only=local_files_only, verify=verify,
                            use_test_size=use_test_size)
    scratch = None
    if out is None:
        scratch = tempfile.TemporaryDirectory(prefix='imgzoo-batch-')
        out = os.path.join(scratch.name, 'results.parquet')
    writer = PartWriter(out, task.schema(), metadata)
    done = writer.start(resume)
    todo = [p for p in paths if p not in done]
    if fail_fast:
        check_images(todo)
    workers = default_workers() if num_workers is None else num_workers
    try:
        if engine == 'ray':
            from ..integrations.ray import run_on_ray

            counts = run_on_ray(model_name, task, todo, writer, metadata['data_config'], batch_size=batch_size,
                                num_actors=max(1, workers), fail_fast=fail_fast, optimize=optimize,
                                cache_dir=cache_dir, local_files_only=local_files_only, progress=progress)
        elif todo:
            runner = ImageModelRunner(model_name, task, cache_dir=cache_dir, device=device, optimize=optimize,
                                      local_files_only=local_files_only, verify=verify, use_test_size=use_test_size)
            counts = _run_local(runner, todo, writer, batch_size=batch_size, num_workers=workers,
                                fail_fast=fail_fast, progress=progress, part_rows=part_rows)
        else:
            counts = [0, 0]
        table = writer.finish()
    finally:
        if scratch is not None:
            scratch.cleanup()
    return BatchResult(out=None if scratch is not None else str(writer.out), rows=counts[0], errors=counts[1],
                       skipped=len(paths) - len(todo), seconds=time.perf_counter() - started, table=table)


def default_workers() -> int:
    """Decoding workers: one per core beyond the one running the model, at least one."""
    return max(1, (os.cpu_count() or 2) - 1)


def predict(model_name: str, inputs: Iterable[PathLike], out: Optional[PathLike] = None, *, top_k: int = 5,
            **options: Any) -> BatchResult:
    """Top-k classes of every image named by inputs (files, folders, globs, fsspec URLs).

    Rows (path, top_k_indices, top_k_labels, top_k_probabilities, error) go to out (.parquet, .jsonl or
    .csv), or only into the returned result's `table` when out is None. Options: engine ('local' or 'ray'),
    batch_size, num_workers, resume, fail_fast (check every image's header first, stop at the first
    unreadable one), optimize, cache_dir, device, local_files_only, progress, verify (check a folder's
    manifest digests), use_test_size.
    """
    if top_k < 1:
        raise InvalidModelArgsError(f"top_k must be at least 1, got {top_k}.")
    return run(model_name, inputs, out, Task('predict', top_k=top_k), **options)


def embed(model_name: str, inputs: Iterable[PathLike], out: Optional[PathLike] = None, *, normalize: bool = False,
          **options: Any) -> BatchResult:
    """Image embeddings (the model's pre-logits features, L2-normalised with normalize=True) of every image.

    Rows are (path, embedding as float32 list, error); options as for predict.
    """
    return run(model_name, inputs, out, Task('embed', normalize=normalize), **options)


__all__ = ['BatchResult', 'ImageModelRunner', 'Task', 'decode_image', 'embed', 'list_images', 'predict',
           'read_metadata', 'read_table', 'run']
