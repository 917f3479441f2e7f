"""Batch prediction and embeddings: local and Ray engines, bad files, resume, formats, fsspec inputs."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch
from parity import assert_close

import imgzoo
import imgzoo.batch as batch
from imgzoo.errors import FolderExistsError, ImageReadError

pytestmark = pytest.mark.usefixtures('one_thread')

SKIMAGE_DATA = Path(__import__('skimage').data.__file__).parent
GOOD = ('chelsea.png', 'coffee.png', 'rocket.jpg')
UNREADABLE = ('corrupt.jpg', 'notes.jpg')


@pytest.fixture(scope='module')
def images(tmp_path_factory) -> Path:
    """Real photos, a multi-page TIFF, a truncated JPEG, a text file named .jpg, and a nested folder."""
    folder = tmp_path_factory.mktemp('images')
    for name in GOOD + ('multipage.tif',):
        shutil.copy(SKIMAGE_DATA / name, folder / name)
    (folder / 'corrupt.jpg').write_bytes((SKIMAGE_DATA / 'rocket.jpg').read_bytes()[:3000])
    (folder / 'notes.jpg').write_text('not an image')
    (folder / 'nested').mkdir()
    shutil.copy(SKIMAGE_DATA / 'astronaut.png', folder / 'nested' / 'astronaut.png')
    return folder


@pytest.fixture(scope='module')
def model_folder(tmp_path_factory) -> Path:
    torch.manual_seed(0)
    model = imgzoo.create_model('resnet18', num_classes=10, pretrained_cfg_overlay=dict(input_size=(3, 96, 96)))
    return imgzoo.save_pretrained(model, tmp_path_factory.mktemp('model') / 'r18')


def _names(table) -> list:
    return [Path(p).name for p in table.column('path').to_pylist()]


def test_local_predict_records_errors_and_finishes(images, model_folder, tmp_path):
    out = tmp_path / 'labels.parquet'
    result = batch.predict(f'local:{model_folder}', [images], out, top_k=3, num_workers=1, batch_size=2)
    assert (result.rows, result.errors, result.skipped) == (7, 2, 0)
    table = batch.read_table(out)
    assert table.column('path').to_pylist() == sorted(table.column('path').to_pylist())
    rows = {Path(r['path']).name: r for r in table.to_pylist()}
    assert set(rows) == set(GOOD) | set(UNREADABLE) | {'multipage.tif', 'astronaut.png'}
    for name in UNREADABLE:
        assert rows[name]['top_k_indices'] is None and name in rows[name]['error']
    assert 'truncated' in rows['corrupt.jpg']['error'] and 'not an image' in rows['notes.jpg']['error']
    for name in GOOD + ('multipage.tif', 'astronaut.png'):
        row = rows[name]
        assert row['error'] is None and len(row['top_k_indices']) == 3
        assert row['top_k_probabilities'] == sorted(row['top_k_probabilities'], reverse=True)
        assert row['top_k_labels'] == [f'class {i}' for i in row['top_k_indices']]
    meta = batch.read_metadata(out)
    assert meta['model'] == f'local:{model_folder}' and meta['provenance']['local_dir'] == str(model_folder)
    assert meta['data_config']['input_size'] == [3, 96, 96]


def test_predictions_equal_the_models_own(images, model_folder):
    """The top-k of each row is the plain model's softmax top-k on the model's own preprocessing."""
    result = batch.predict(f'local:{model_folder}', [images / 'chelsea.png', images / 'coffee.png'], top_k=4,
                           num_workers=0)
    model = imgzoo.create_model(f'local:{model_folder}', pretrained=True).eval()
    transform = imgzoo.create_transform(imgzoo.resolve_data_config(model=model))
    for row in result.table.to_pylist():
        x = transform(batch.decode_image(row['path'])).unsqueeze(0)
        with torch.no_grad():
            top = model(x).softmax(-1).topk(4)
        assert row['top_k_indices'] == top.indices[0].tolist()
        assert_close(torch.tensor(row['top_k_probabilities']), top.values[0], row['path'], rtol=1e-4)


@pytest.mark.parametrize('normalize', [False, True])
def test_embeddings_equal_pre_logits(images, model_folder, normalize):
    result = batch.embed(f'local:{model_folder}', [images / 'rocket.jpg', images / 'nested'], normalize=normalize,
                         num_workers=0, optimize=False)
    model = imgzoo.create_model(f'local:{model_folder}', pretrained=True).eval()
    transform = imgzoo.create_transform(imgzoo.resolve_data_config(model=model))
    for row in result.table.to_pylist():
        x = transform(batch.decode_image(row['path'])).unsqueeze(0)
        with torch.no_grad():
            expected = model.forward_head(model.forward_features(x), pre_logits=True)[0]
        if normalize:
            expected = torch.nn.functional.normalize(expected, dim=0)
        got = torch.tensor(row['embedding'])
        assert got.shape == (512,)
        assert_close(got, expected, row['path'])


def test_jsonl_and_csv_hold_the_same_rows(images, model_folder, tmp_path):
    tables = {}
    for suffix in ('.parquet', '.jsonl', '.csv'):
        out = tmp_path / f'labels{suffix}'
        batch.predict(f'local:{model_folder}', [images], out, num_workers=0)
        tables[suffix] = batch.read_table(out, batch.Task('predict').schema()).to_pylist()
    assert tables['.jsonl'] == tables['.parquet']
    for a, b in zip(tables['.csv'], tables['.parquet']):
        assert a['path'] == b['path'] and a['top_k_indices'] == b['top_k_indices'] and a['error'] == b['error']
    with pytest.raises(batch.io.OutputFormatError, match=r'\.parquet, \.jsonl, \.csv'):
        batch.predict(f'local:{model_folder}', [images], tmp_path / 'labels.xlsx')


def test_existing_output_needs_resume(images, model_folder, tmp_path):
    out = tmp_path / 'labels.parquet'
    batch.predict(f'local:{model_folder}', [images / 'coffee.png'], out, num_workers=0)
    with pytest.raises(FolderExistsError, match='--resume'):
        batch.predict(f'local:{model_folder}', [images], out, num_workers=0)
    again = batch.predict(f'local:{model_folder}', [images], out, num_workers=0, resume=True)
    assert (again.skipped, again.rows, again.table.num_rows) == (1, 6, 7)


def test_fail_fast_stops_at_the_first_unreadable_image(images, model_folder):
    with pytest.raises(ImageReadError, match='corrupt.jpg'):
        batch.predict(f'local:{model_folder}', [images / 'coffee.png', images / 'corrupt.jpg'], num_workers=0,
                      batch_size=1, fail_fast=True)


def test_resume_after_a_killed_run_loses_nothing_and_repeats_nothing(images, model_folder, tmp_path):
    many = tmp_path / 'many'
    many.mkdir()
    for i in range(40):
        shutil.copy(images / 'coffee.png', many / f'coffee_{i:02d}.png')
    out = tmp_path / 'labels.parquet'
    script = textwrap.dedent(f'''
        import imgzoo.batch as b
        b.predict('local:{model_folder}', [{str(many)!r}], {str(out)!r}, num_workers=0, batch_size=1, part_rows=1)
    ''')
    child = subprocess.Popen([sys.executable, '-c', script], env={**os.environ, 'OMP_NUM_THREADS': '1'})
    parts = out.with_name(out.name + '.parts')
    deadline = time.monotonic() + 120
    while not list(parts.glob('*.parquet')) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL, 'the run finished before it could be killed'
    assert not out.exists()
    finished = len(batch.io.PartWriter(out, batch.Task('predict').schema(), {}).done_paths())
    assert 1 <= finished < 40
    resumed = batch.predict(f'local:{model_folder}', [many], out, num_workers=0, resume=True)
    assert resumed.skipped == finished and resumed.rows == 40 - finished
    paths = resumed.table.column('path').to_pylist()
    assert len(paths) == len(set(paths)) == 40 and not parts.exists()


def test_fsspec_inputs(images, model_folder):
    import fsspec

    memory = fsspec.filesystem('memory')
    for name in GOOD:
        memory.pipe(f'/batch-test/{name}', (images / name).read_bytes())
    from_memory = batch.predict(f'local:{model_folder}', ['memory://batch-test'], num_workers=0)
    from_files = batch.predict(f'local:{model_folder}', [f'file://{images}/*.png', f'file://{images}/rocket.jpg'],
                               num_workers=0)
    assert [Path(p).name for p in from_memory.table.column('path').to_pylist()] == sorted(GOOD)
    assert from_files.table.column('path').to_pylist()[0].startswith('file://')
    assert from_memory.table.column('top_k_indices').to_pylist() == from_files.table.column('top_k_indices').to_pylist()


def test_missing_input_is_named(model_folder, tmp_path):
    with pytest.raises(ImageReadError, match='does not exist'):
        batch.predict(f'local:{model_folder}', [tmp_path / 'nowhere'])


def test_ray_engine_gives_the_local_rows(images, model_folder, tmp_path):
    pytest.importorskip('ray')
    import ray

    try:
        for task, run in (('predict', batch.predict), ('embed', batch.embed)):
            local = run(f'local:{model_folder}', [images], tmp_path / f'{task}_local.parquet', num_workers=0)
            on_ray = run(f'local:{model_folder}', [images], tmp_path / f'{task}_ray.parquet', engine='ray',
                         num_workers=1, batch_size=3)
            assert (on_ray.rows, on_ray.errors) == (local.rows, local.errors) == (7, 2)
            column = 'top_k_probabilities' if task == 'predict' else 'embedding'
            for a, b in zip(local.table.to_pylist(), on_ray.table.to_pylist()):
                assert (a['path'], a['error']) == (b['path'], b['error'])
                if a['error'] is None:
                    assert_close(torch.tensor(b[column]), torch.tensor(a[column]), f"{task} {a['path']}")
            assert batch.read_metadata(tmp_path / f'{task}_ray.parquet')['task'] == task
    finally:
        ray.shutdown()


def test_cli_predict_and_embed_write_rows_and_report_unreadable_images(images, model_folder, tmp_path, capsys):
    from imgzoo.cli import main

    out = tmp_path / 'labels.parquet'
    assert main(['predict', f'local:{model_folder}', str(images), '--out', str(out), '--workers', '0']) == 0
    err = capsys.readouterr().err
    assert '7 images' in err and '2 could not be read' in err and str(out) in err
    assert batch.read_table(out).num_rows == 7
    assert main(['predict', f'local:{model_folder}', str(images), '--out', str(out), '--workers', '0']) == 1
    assert '--resume' in capsys.readouterr().err
    assert main(['predict', f'local:{model_folder}', str(images), '--out', str(out), '--resume']) == 0
    assert '7 already in the output' in capsys.readouterr().err

    emb = tmp_path / 'emb.jsonl'
    assert main(['embed', f'local:{model_folder}', str(images / 'coffee.png'), '--out', str(emb), '--normalize',
                 '--workers', '0']) == 0
    row = batch.read_table(emb, batch.Task('embed').schema()).to_pylist()[0]
    assert abs(sum(v * v for v in row['embedding']) - 1) < 1e-5


def test_optimized_and_plain_runs_agree(images, model_folder):
    """predict / embed run optimize_for_inference by default; --no-optimize gives the plain model's values."""
    for run, column in ((batch.predict, 'top_k_probabilities'), (batch.embed, 'embedding')):
        fast = run(f'local:{model_folder}', [images], num_workers=0).table.to_pylist()
        plain = run(f'local:{model_folder}', [images], num_workers=0, optimize=False).table.to_pylist()
        for a, b in zip(fast, plain):
            if a['error'] is None:
                assert_close(torch.tensor(a[column]), torch.tensor(b[column]), a['path'], rtol=1e-4)
