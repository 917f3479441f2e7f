"""The `imgzoo` command line end to end: each command in a subprocess (exit codes, key output),
the download --to / verify / predict local: round trip through the loopback hub, and error handling."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest
import skimage.data
import torch

import imgzoo
from imgzoo.cli import main
from imgzoo.errors import InvalidManifestError, ManifestNotFoundError
from imgzoo.manifest import MANIFEST_NAME, read_manifest, verify_folder, write_signed_folder
from parity import perturb_constants_

PHOTOS = Path(skimage.data.__file__).parent
CHELSEA = PHOTOS / 'chelsea.png'
LABELS = ['alpha', 'beta', 'gamma']
DATA_CFG = {'input_size': (3, 160, 160), 'crop_pct': 0.8, 'interpolation': 'bilinear',
            'mean': (0.4, 0.5, 0.6), 'std': (0.3, 0.2, 0.25), 'crop_mode': 'center'}


def run_cli(*args: str, offline: bool = False, hf_home: Optional[Path] = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m imgzoo ARGS` with the test's hub endpoint and HF home passed explicitly."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(('HF_', 'HUGGINGFACE_'))}
    env.update(HF_ENDPOINT=os.environ['HF_ENDPOINT'], HF_HOME=str(hf_home or os.environ['HF_HOME']),
               HF_HUB_DISABLE_TELEMETRY='1', HF_HUB_DISABLE_PROGRESS_BARS='1', COLUMNS='200')
    if offline:
        env['HF_HUB_OFFLINE'] = '1'
    return subprocess.run([sys.executable, '-m', 'imgzoo', *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope='module')
def tiny_folder(tmp_path_factory):
    """A 3-class resnet18 folder with its own label names and a non-default data config."""
    torch.manual_seed(0)
    model = perturb_constants_(imgzoo.create_model('resnet18', num_classes=3)).eval()
    model.pretrained_cfg.update(DATA_CFG, label_names=LABELS)
    return imgzoo.save_pretrained(model, tmp_path_factory.mktemp('tiny') / 'resnet18-tiny')


@pytest.fixture(scope='module')
def imagenet_resnet18_bytes():
    """safetensors bytes of a seeded 1000-class resnet18, served as the built-in tag's hub repo."""
    from safetensors.torch import save

    torch.manual_seed(1)
    return save(imgzoo.create_model('resnet18').state_dict(), metadata={'format': 'pt'})


def test_list_prints_one_name_per_line():
    result = run_cli('list', 'resnet1')
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == imgzoo.list_models('resnet1') and 'resnet18' in result.stdout.split()


def test_list_pretrained_and_no_match(capsys):
    assert main(['list', '--pretrained', 'resnet18.*']) == 0
    assert capsys.readouterr().out.split() == imgzoo.list_pretrained('resnet18.*')
    assert main(['list', 'no_such_model']) == 1
    assert "no architectures match 'no_such_model'" in capsys.readouterr().err


def test_info_reads_config_and_file_sizes_without_downloading_weights(hub, tiny_folder):
    commit = hub.add_folder('org/tiny', tiny_folder)
    result = run_cli('info', 'hf-hub:org/tiny', '--json')
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    model = imgzoo.create_model(f'local:{tiny_folder}')
    assert info['architecture'] == 'resnet18' and info['family'] == 'resnet'
    assert info['parameters'] == sum(p.numel() for p in model.parameters())
    assert info['labels'] == {'source': 'config', 'count': 3, 'first': LABELS}
    assert info['data_config'] == json.loads(json.dumps(imgzoo.resolve_data_config(pretrained_cfg=DATA_CFG)))
    size = (tiny_folder / 'model.safetensors').stat().st_size
    assert info['weights']['files'] == [{'name': 'model.safetensors', 'size': size}]
    assert (info['weights']['repo'], info['weights']['commit']) == ('org/tiny', commit)
    assert hub.count('*/model.safetensors', method='GET') == 0


def test_info_table_for_builtin_tag_offline(capsys):
    assert main(['info', 'resnet50.tv_in1k']) == 0
    out = capsys.readouterr().out
    assert 'resnet50 (family resnet)' in out and '25.56M' in out and 'bilinear' in out
    assert 'hf-hub:timm/resnet50.tv_in1k @ main' in out and 'ImageNet-1k (shipped with imgzoo)' in out


def test_download_to_folder_verify_and_predict_offline(hub, tiny_folder, tmp_path):
    import timm
    from PIL import Image

    hub.add_folder('org/tiny', tiny_folder)
    out = tmp_path / 'downloaded'
    result = run_cli('download', 'hf-hub:org/tiny', '--to', str(out))
    assert result.returncode == 0, result.stderr
    assert 'checksums.sha256' in result.stdout and f'local:{out}' in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ['.imgzoo', MANIFEST_NAME, 'config.json', 'model.safetensors']
    assert (out / 'config.json').read_bytes() == (tiny_folder / 'config.json').read_bytes()
    assert set(read_manifest(out)) == {'config.json', 'model.safetensors'}

    result = run_cli('verify', str(out), offline=True)
    assert result.returncode == 0, result.stderr
    assert 'all 2 files OK' in result.stdout

    hub.stop()  # predict runs with no hub at all
    result = run_cli('predict', f'local:{out}', str(CHELSEA), '--top-k', '3', '--json', offline=True)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload['data_config']['input_size'] == [3, 160, 160]
    predictions = payload['results'][0]['predictions']
    assert payload['results'][0]['image'] == str(CHELSEA) and len(predictions) == 3

    reference = timm.create_model(f'local-dir:{out}', pretrained=True).eval()
    transform = timm.data.create_transform(**timm.data.resolve_data_config(model=reference))
    with torch.no_grad():
        probs = reference(transform(Image.open(CHELSEA).convert('RGB'))[None]).softmax(-1)[0]
    expected = probs.argsort(descending=True).tolist()
    assert [p['index'] for p in predictions] == expected
    assert [p['label'] for p in predictions] == [LABELS[i] for i in expected]
    for p in predictions:
        assert p['probability'] == pytest.approx(float(probs[p['index']]), abs=1e-5)


def test_sharded_repo_downloads_to_a_folder_that_loads(hub, tiny_folder, tmp_path, capsys):
    model = imgzoo.create_model(f'local:{tiny_folder}', pretrained=True)
    hub.add_folder('org/sharded', imgzoo.save_pretrained(model, tmp_path / 'src', max_shard_size='20MB'))
    assert main(['download', 'hf-hub:org/sharded', '--to', str(tmp_path / 'out')]) == 0
    listed = set(read_manifest(tmp_path / 'out'))
    assert 'model.safetensors.index.json' in listed and len(listed) == 5
    loaded = imgzoo.create_model(f'local:{tmp_path / "out"}', pretrained=True)
    assert all(torch.equal(a, b) for a, b in zip(loaded.state_dict().values(), model.state_dict().values()))
    assert main(['info', f'local:{tmp_path / "out"}']) == 0
    assert 'model-00003-of-00003.safetensors' in capsys.readouterr().out


def test_verify_detects_a_flipped_byte(tiny_folder, tmp_path):
    folder = write_signed_folder(tmp_path / 'signed', lambda tmp: [
        shutil.copyfile(tiny_folder / name, tmp / name) for name in ('config.json', 'model.safetensors')])
    weights = folder / 'model.safetensors'
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0x01
    weights.write_bytes(bytes(data))

    result = run_cli('verify', str(folder))
    assert result.returncode == 1
    rows = {line.split()[1]: line for line in result.stdout.splitlines() if line.startswith('│')}
    assert 'CHANGED' in rows['model.safetensors'] and 'OK' in rows['config.json']
    assert 'does not match its manifest (1 changed)' in result.stderr and 'Traceback' not in result.stderr


def test_verify_reports_missing_and_extra_files_and_refuses_bad_manifests(tiny_folder, tmp_path):
    folder = write_signed_folder(tmp_path / 'signed', lambda tmp: shutil.copyfile(
        tiny_folder / 'config.json', tmp / 'config.json'))
    assert [(c.name, c.status) for c in verify_folder(folder)] == [('config.json', 'ok')]
    (folder / 'config.json').rename(folder / 'pytorch_model.bin')
    assert [(c.name, c.status) for c in verify_folder(folder)] == [('config.json', 'missing'),
                                                                  ('pytorch_model.bin', 'extra')]
    (folder / MANIFEST_NAME).write_text(f"{'0' * 64}  ../outside.json\n")
    with pytest.raises(InvalidManifestError, match='outside its folder'):
        verify_folder(folder)
    (folder / MANIFEST_NAME).unlink()
    with pytest.raises(ManifestNotFoundError):
        verify_folder(folder)
    assert main(['verify', str(folder)]) == 1


def test_download_builtin_tag_into_cache_then_save_offline_with_num_classes(hub, imagenet_resnet18_bytes, tmp_path):
    hub.add_repo('timm/resnet18.a1_in1k', {'model.safetensors': imagenet_resnet18_bytes})
    result = run_cli('download', 'resnet18.a1_in1k')
    assert result.returncode == 0, result.stderr
    assert 'model.safetensors' in result.stdout and 'models--timm--resnet18.a1_in1k' in result.stdout

    out = tmp_path / 'resnet18-10'
    result = run_cli('save', 'resnet18.a1_in1k', '--num-classes', '10', '--to', str(out), offline=True)
    assert result.returncode == 0, result.stderr
    assert all(c.ok for c in verify_folder(out))
    saved = imgzoo.create_model(f'local:{out}', pretrained=True)
    served = imgzoo.create_model('resnet18.a1_in1k', pretrained=True, local_files_only=True)
    assert saved.num_classes == 10 and saved.pretrained_cfg['crop_pct'] == 0.95
    assert torch.equal(saved.layer4[1].conv2.weight, served.layer4[1].conv2.weight)


def test_convert_native_training_checkpoint(tiny_folder, tmp_path, capsys):
    model = imgzoo.create_model(f'local:{tiny_folder}', pretrained=True)
    checkpoint = tmp_path / 'checkpoint.pth'
    torch.save({'epoch': 3, 'state_dict': {f'module.{k}': v for k, v in model.state_dict().items()}}, checkpoint)
    assert main(['convert', str(checkpoint), '--arch', 'resnet18', '--to', str(tmp_path / 'out')]) == 0
    assert '(imgzoo layout)' in capsys.readouterr().out
    converted = imgzoo.create_model(f'local:{tmp_path / "out"}', pretrained=True)
    assert converted.num_classes == 3 and converted.pretrained_cfg['tag'] is None
    assert all(torch.equal(a, b) for a, b in zip(converted.state_dict().values(), model.state_dict().values()))
    assert all(c.ok for c in verify_folder(tmp_path / 'out'))


def test_usage_errors_exit_2_and_failures_exit_1_in_one_line():
    result = run_cli('predict', 'resnet18', '--top-k', '0', str(CHELSEA))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "imgzoo: error: Invalid value for '--top-k' / '-k': Input should be greater than or equal to 1. "
        "Run 'imgzoo predict --help' for usage."]
    result = run_cli('info', 'local:/no/such/folder')
    assert result.returncode == 1 and result.stdout == ''
    assert result.stderr.startswith('imgzoo: error: Model folder /no/such/folder does not exist.')
    assert 'Traceback' not in result.stderr


@pytest.mark.parametrize('argv,code,message', [
    (['frobnicate'], 2, "No such command 'frobnicate'"),
    (['predict'], 2, "Missing argument 'name'"),
    (['save', 'resnet18', '--to', 'x', '--model-arg', 'oops'], 2, 'expected KEY=VALUE'),
    (['convert', str(CHELSEA), '--arch', 'resnet18', '--to', 'x', '--from', 'keras'], 2, "unknown layout 'keras'"),
    (['info', 'resnet18.no_tag'], 1, "has no pretrained tag 'no_tag'"),
    (['info', 'not_an_arch'], 1, "Unknown model architecture 'not_an_arch'"),
    (['predict', 'resnet18', str(PHOTOS / 'README.txt'), '--fail-fast'], 1, 'is not an image'),
])
def test_error_exit_codes(argv, code, message, capsys):
    assert main(argv) == code
    err = capsys.readouterr().err
    assert message in err and err.startswith('imgzoo: error:') and 'Traceback' not in err


def test_debug_shows_the_traceback():
    with pytest.raises(imgzoo.UnknownModelError):
        main(['info', 'not_an_arch', '--debug'])


def test_import_imgzoo_does_not_load_the_cli_or_image_stacks():
    probe = ("import sys, imgzoo; imgzoo.resolve_data_config, imgzoo.create_transform; print(sorted(m for m in "
             "('imgzoo.cli', 'typer', 'rich', 'PIL.Image', 'torchvision', 'huggingface_hub') if m in sys.modules))")
    result = subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == '[]', result.stdout + result.stderr


def test_console_script_is_installed():
    script = Path(sys.executable).parent / 'imgzoo'
    result = subprocess.run([str(script), '--version'], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == f'imgzoo {imgzoo.__version__}'
