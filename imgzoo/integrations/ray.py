"""imgzoo on Ray Data: batch prediction and embeddings across a Ray cluster (or a local Ray).

For your own pipelines:

    import ray
    from imgzoo.integrations.ray import ImagePredictor, decode_images

    data_config = imgzoo.batch.describe_run('convnext_tiny.fb_in1k', imgzoo.batch.Task('predict'))['data_config']
    ds = ray.data.from_items([{'path': p} for p in paths])
    ds = ds.map_batches(decode_images, fn_kwargs={'data_config': data_config}, batch_format='numpy')
    ds = ds.map_batches(ImagePredictor, fn_constructor_args=('convnext_tiny.fb_in1k',),
                        compute=ray.data.ActorPoolStrategy(size=4), batch_format='numpy')
    ds.write_parquet('s3://bucket/labels/')

Images are read (through fsspec) and decoded in Ray tasks; each actor builds its model once, from its
name, through the shared Hugging Face cache or a `local:` folder: models are never pickled.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ..batch import ImageModelRunner, Task, rows_for
from ..batch.io import PartWriter, load_pixels
from ..errors import ImageReadError

_transforms: Dict[str, Any] = {}


def decode_images(batch: Mapping[str, Any], data_config: Mapping[str, Any], fail_fast: bool = False) -> Dict[str, Any]:
    """A Ray map_batches function: {'path'} -> {'path', 'pixels' (float32 CHW), 'error'}; unreadable images get
    zero pixels and their error, readable ones an empty error."""
    import numpy as np

    from ..data import create_transform

    key = repr(sorted(data_config.items()))
    if key not in _transforms:
        _transforms[key] = create_transform(dict(data_config))
    transform = _transforms[key]
    channels, height, width = data_config['input_size']
    paths = [str(p) for p in batch['path']]
    pixels = np.zeros((len(paths), channels, height, width), dtype=np.float32)
    errors: List[Optional[str]] = []
    for i, path in enumerate(paths):
        tensor, error = load_pixels(path, transform)
        if error is not None and fail_fast:
            raise ImageReadError(error)
        if tensor is not None:
            pixels[i] = tensor.numpy()
        errors.append(error)
    return {'path': np.array(paths, dtype=object), 'pixels': pixels,
            'error': np.array([e or '' for e in errors], dtype=object)}


class _RayModel:
    def __init__(self, model_name: str, task: Task, *, cache_dir: Optional[str] = None, optimize: bool = True,
                 local_files_only: bool = False) -> None:
        self.runner = ImageModelRunner(model_name, task, cache_dir=cache_dir, optimize=optimize,
                                       local_files_only=local_files_only)

    def __call__(self, batch: Mapping[str, Any]) -> Dict[str, List[Any]]:
        import numpy as np

        paths = [str(p) for p in batch['path']]
        errors = [e if isinstance(e, str) and e else None for e in batch['error']]  # Ray turns all-null into NaN
        good = [i for i, e in enumerate(errors) if e is None]
        columns = self.runner(np.ascontiguousarray(batch['pixels'][good])) if good else {}
        rows = rows_for(self.runner.task, paths, errors, columns)
        return {name: [row[name] for row in rows] for name in self.runner.task.schema().names}


class ImagePredictor(_RayModel):
    """A Ray Data callable class: top-k classes for batches of decoded images (see decode_images)."""

    def __init__(self, model_name: str, *, top_k: int = 5, **options: Any) -> None:
        super().__init__(model_name, Task('predict', top_k=top_k), **options)


class ImageEmbedder(_RayModel):
    """A Ray Data callable class: pre-logits embeddings (normalize=True for L2) for batches of decoded images."""

    def __init__(self, model_name: str, *, normalize: bool = False, **options: Any) -> None:
        super().__init__(model_name, Task('embed', normalize=normalize), **options)


def init_ray() -> None:
    """Join the cluster named by RAY_ADDRESS, or start a local Ray; nothing if Ray is already running."""
    import ray

    if not ray.is_initialized():
        ray.init(address=os.environ.get('RAY_ADDRESS') or None, include_dashboard=False,
                 log_to_driver=False, configure_logging=False)


def run_on_ray(
    model_name: str, task: Task, paths: Sequence[str], writer: PartWriter, data_config: Mapping[str, Any], *,
    batch_size: int, num_actors: int, fail_fast: bool, optimize: bool, cache_dir: Optional[os.PathLike],
    local_files_only: bool, progress: bool = False,
) -> List[int]:
    """The batch pipeline on Ray Data, written by Ray as Parquet parts; returns [rows, errors]."""
    import ray
    import ray.exceptions

    if not paths:
        return [0, 0]
    init_ray()
    ray.data.DataContext.get_current().enable_progress_bars = progress
    logging.getLogger('ray.data').setLevel(logging.INFO if progress else logging.WARNING)
    gpus = 1 if ray.cluster_resources().get('GPU', 0) >= num_actors else 0
    model_cls = ImagePredictor if task.kind == 'predict' else ImageEmbedder
    task_options = {'top_k': task.top_k} if task.kind == 'predict' else {'normalize': task.normalize}
    ds = ray.data.from_items([{'path': p} for p in paths])
    ds = ds.map_batches(decode_images, fn_kwargs={'data_config': dict(data_config), 'fail_fast': fail_fast},
                        batch_size=batch_size, batch_format='numpy')
    ds = ds.map_batches(
        model_cls, fn_constructor_args=(model_name,),
        fn_constructor_kwargs={'cache_dir': None if cache_dir is None else os.fspath(cache_dir), 'optimize': optimize,
                               'local_files_only': local_files_only, **task_options},
        compute=ray.data.ActorPoolStrategy(size=num_actors), num_gpus=gpus, batch_size=batch_size,
        batch_format='numpy',
    )
    try:
        ds.write_parquet(str(writer.parts))
    except ray.exceptions.RayTaskError as error:
        cause = error.cause if isinstance(getattr(error, 'cause', None), Exception) else None
        if isinstance(cause, ImageReadError):
            raise ImageReadError(str(cause)) from None
        raise
    import pyarrow.parquet as pq

    written = pq.ParquetDataset(str(writer.parts)).read(columns=['path', 'error'])
    done = set(paths)
    errors = sum(1 for p, e in zip(written.column('path').to_pylist(), written.column('error').to_pylist())
                 if p in done and e is not None)
    return [len(paths), errors]
