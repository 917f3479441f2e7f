"""Hostile and broken files: each is refused with a named imgzoo error that says what is wrong, raised
from imgzoo's own code (no traceback from inside torch or safetensors), and no code from a file runs."""
from __future__ import annotations

import json
import pickle
import shutil
import struct
from pathlib import Path
from typing import Type

import pytest
import torch

import imgzoo
from imgzoo import (
    ConfigNotFoundError, CorruptWeightsError, HubFileNotFoundError, ImgzooError, InvalidConfigError,
    ModelFolderNotFoundError, StateDictMismatchError, UnknownModelError, UnsafeCheckpointError, WeightsNotFoundError,
)
from reliability_support import same_weights

pytestmark = pytest.mark.timeout(60)
IMGZOO_DIR = Path(imgzoo.__file__).parent
LFS_POINTER = (b'version https://git-lfs.github.com/spec/v1\n'
               b'oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 46830571\n')
HTML_PAGE = b'<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>upstream error</body></html>\n'


def raises_cleanly(error: Type[Exception], call, *args, **kwargs) -> str:
    """Call, expect `error`, check it is raised by imgzoo's code with no chained exception; return the message."""
    with pytest.raises(error) as info:
        call(*args, **kwargs)
    assert isinstance(info.value, ImgzooError)
    assert info.value.__cause__ is None and (info.value.__context__ is None or info.value.__suppress_context__)
    raised_in = Path(str(info.traceback[-1].path))
    assert IMGZOO_DIR in raised_in.parents, f'raised from {raised_in}, not from imgzoo'
    if isinstance(info.value, (imgzoo.CorruptWeightsError, imgzoo.UnsafeCheckpointError)):
        assert info.value.path, 'a weights error names the file it is about in its path field'
    return str(info.value)


@pytest.fixture
def folder(tmp_path, tiny_folder) -> Path:
    """A writable copy of the tiny model folder, without its checksums.sha256: these tests reach the readers'
    own defences, as for a folder from elsewhere (a manifest would stop most of them earlier, see
    test_manifest_checks.py)."""
    copy = Path(shutil.copytree(tiny_folder, tmp_path / 'model'))
    (copy / 'checksums.sha256').unlink()
    return copy


def load(folder: Path, **kwargs):
    return imgzoo.create_model(f'local:{folder}', pretrained=True, **kwargs)


# --- code execution -----------------------------------------------------------------------------------------

class _RunsCode:
    """Unpickling this object would execute Python code that creates a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return exec, (f"open({str(self.marker)!r}, 'w').write('code from a weights file ran')",)


@pytest.mark.parametrize('fmt', ['torch-zip', 'raw-pickle'])
def test_pickle_that_would_run_code_is_refused_and_the_code_never_runs(folder, tmp_path, fmt):
    marker = tmp_path / 'pwned'
    payload = {'conv1.weight': torch.zeros(1), 'evil': _RunsCode(marker)}
    path = folder / 'pytorch_model.bin'
    if fmt == 'torch-zip':
        torch.save(payload, path)
    else:
        path.write_bytes(pickle.dumps(payload, protocol=2))
    (folder / 'model.safetensors').unlink()
    assert not marker.exists()

    message = raises_cleanly(UnsafeCheckpointError, load, folder)
    assert 'never runs code' in message and str(path) in message
    raises_cleanly(UnsafeCheckpointError, imgzoo.load_checkpoint, imgzoo.create_model('resnet18', num_classes=10), path)
    assert not marker.exists(), 'the pickle ran code'


def test_the_payload_really_runs_code_when_unpickled_unsafely(tmp_path):
    """The control for the test above: the same payload does execute under a plain pickle.load."""
    marker = tmp_path / 'pwned'
    pickle.loads(pickle.dumps(_RunsCode(marker)))
    assert marker.read_text() == 'code from a weights file ran'


def test_unsafe_pickle_in_a_hub_repo_is_refused(hub, tiny_folder, tmp_path):
    marker = tmp_path / 'pwned'
    torch.save({'evil': _RunsCode(marker)}, tmp_path / 'evil.bin')
    hub.add_repo('org/evil', {'config.json': (tiny_folder / 'config.json').read_bytes(),
                              'pytorch_model.bin': (tmp_path / 'evil.bin').read_bytes()})
    raises_cleanly(UnsafeCheckpointError, imgzoo.create_model, 'hf-hub:org/evil', pretrained=True)
    assert not marker.exists()


# --- broken weights files ------------------------------------------------------------------------------------

@pytest.mark.parametrize('keep', [0.5, 0.999, 100, 4])
def test_truncated_safetensors(folder, keep):
    path = folder / 'model.safetensors'
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)] if keep < 1 else data[:int(keep)])
    message = raises_cleanly(CorruptWeightsError, load, folder)
    assert str(path) in message and ('truncated' in message or 'too short' in message)


def test_safetensors_header_that_is_not_json(folder):
    path = folder / 'model.safetensors'
    path.write_bytes(struct.pack('<Q', 16) + b'{"a": [1, 2, 3' + b'\0' * 100)
    assert 'header' in raises_cleanly(CorruptWeightsError, load, folder)


def test_safetensors_with_an_unsupported_dtype(folder):
    header = json.dumps({'conv1.weight': {'dtype': 'F4_WEIRD', 'shape': [2], 'data_offsets': [0, 2]}}).encode()
    (folder / 'model.safetensors').write_bytes(struct.pack('<Q', len(header)) + header + b'\0\0')
    assert 'unsupported' in raises_cleanly(CorruptWeightsError, load, folder)


@pytest.mark.parametrize('name', ['model.safetensors', 'pytorch_model.bin'])
def test_git_lfs_pointer_saved_as_weights(folder, name):
    (folder / 'model.safetensors').unlink()
    (folder / name).write_bytes(LFS_POINTER)
    message = raises_cleanly(CorruptWeightsError, load, folder)
    assert f'{folder / name} is a Git LFS pointer, not the weights' in message and 'git lfs pull' in message


@pytest.mark.parametrize('name', ['model.safetensors', 'pytorch_model.bin'])
def test_html_error_page_saved_as_weights(folder, name):
    (folder / 'model.safetensors').unlink()
    (folder / name).write_bytes(HTML_PAGE)
    message = raises_cleanly(CorruptWeightsError, load, folder)
    assert 'HTML page, not weights' in message and 'download the weights again' in message


def test_lfs_pointer_and_html_page_served_by_the_hub(hub, tiny_folder):
    config = (tiny_folder / 'config.json').read_bytes()
    hub.add_repo('org/lfs', {'config.json': config, 'model.safetensors': LFS_POINTER})
    hub.add_repo('org/html', {'config.json': config, 'model.safetensors': HTML_PAGE})
    for name, fragment in (('hf-hub:org/lfs', 'Git LFS pointer'), ('hf-hub:org/html', 'HTML page')):
        assert fragment in raises_cleanly(CorruptWeightsError, imgzoo.create_model, name, pretrained=True)


def test_truncated_pickle(folder, tiny_weights):
    path = folder / 'pytorch_model.bin'
    torch.save(tiny_weights, path)
    path.write_bytes(path.read_bytes()[:5000])
    (folder / 'model.safetensors').unlink()
    assert 'truncated or not a checkpoint' in raises_cleanly(CorruptWeightsError, load, folder)


# --- weights that do not fit ---------------------------------------------------------------------------------

def _rewrite(folder: Path, weights, **changes) -> None:
    from safetensors.torch import save_file

    state = {**weights, **changes}
    save_file({k: v for k, v in state.items() if v is not None}, str(folder / 'model.safetensors'))


def test_weights_with_a_wrong_shape(folder, tiny_weights):
    _rewrite(folder, tiny_weights, **{'layer1.0.conv1.weight': torch.zeros(64, 64, 1, 1)})
    message = raises_cleanly(StateDictMismatchError, load, folder)
    assert 'layer1.0.conv1.weight: model expects [64, 64, 3, 3], weights have [64, 64, 1, 1]' in message


@pytest.mark.parametrize('key,bad', [
    ('conv1.weight', torch.zeros(64, 3, 7, 7, dtype=torch.int32)),
    ('bn1.num_batches_tracked', torch.tensor(1.5)),
    ('bn1.weight', torch.zeros(64, dtype=torch.bool)),
])
def test_weights_with_a_wrong_dtype(folder, tiny_weights, key, bad):
    _rewrite(folder, tiny_weights, **{key: bad})
    message = raises_cleanly(StateDictMismatchError, load, folder)
    assert f'wrong dtype     {key}' in message


def test_weights_missing_a_tensor_or_with_an_extra_one(folder, tiny_weights):
    _rewrite(folder, tiny_weights, **{'layer4.1.bn2.bias': None, 'layer5.0.weight': torch.zeros(1)})
    message = raises_cleanly(StateDictMismatchError, load, folder)
    assert 'missing         layer4.1.bn2.bias' in message and 'unexpected      layer5.0.weight' in message


def test_half_precision_weights_load_converted_not_refused(folder, tiny_weights):
    """float16 weights for a float32 model are a dtype the model converts, not a mismatch."""
    model = load(folder)
    assert model.conv1.weight.dtype == torch.float32 and same_weights(model, tiny_weights)


# --- broken config.json --------------------------------------------------------------------------------------

@pytest.mark.parametrize('text,fragment', [
    ('{"architecture": "resnet18",\n "num_classes": 10,,}', 'not valid JSON: Expecting property name'),
    ('["resnet18"]', 'must hold a JSON object, got list'),
    ('"resnet18"', 'must hold a JSON object, got str'),
    ('{"architecture": 18, "pretrained_cfg": {}}', "'architecture' must be str"),
    ('{"architecture": "resnet18", "num_classes": "ten", "pretrained_cfg": {}}', "'num_classes' must be int"),
    ('{"architecture": "resnet18", "model_args": [1], "pretrained_cfg": {}}', "'model_args' must be dict"),
    ('{"architecture": "resnet18", "pretrained_cfg": {"input_size": "224"}}', "'pretrained_cfg.input_size' must be"),
    ('{"architecture": "resnet18", "pretrained_cfg": {"input_size": []}}', '[channels, height, width]'),
    ('{"architecture": "resnet18", "num_classes": -3, "pretrained_cfg": {}}', "'num_classes' must be 0 or more"),
    ('{"architecture": "resnet18", "pretrained_cfg": {"label_offset": "1"}}', "label_offset"),
    ('{"architecture": "resnet18", "pretrained_cfg": {"hf_hub_filename": "../../secret.bin"}}',
     'inside the repository'),
    ('{"pretrained_cfg": {}}', "no 'architecture' field"),
])
def test_config_that_is_not_json_not_an_object_or_has_wrong_types(folder, text, fragment):
    (folder / 'config.json').write_text(text)
    message = raises_cleanly(InvalidConfigError, load, folder)
    assert fragment in message and str(folder / 'config.json') in message


def test_config_that_is_not_utf8(folder):
    (folder / 'config.json').write_bytes(b'{"architecture": "r\xe9snet"}')
    assert 'not UTF-8' in raises_cleanly(InvalidConfigError, load, folder)


def test_config_naming_an_unknown_architecture(folder):
    config = json.loads((folder / 'config.json').read_text())
    (folder / 'config.json').write_text(json.dumps({**config, 'architecture': 'resnet19'}))
    message = raises_cleanly(UnknownModelError, load, folder)
    assert "'resnet19'" in message and 'resnet18' in message


def test_config_with_model_args_the_architecture_rejects(folder):
    config = json.loads((folder / 'config.json').read_text())
    (folder / 'config.json').write_text(json.dumps({**config, 'model_args': {'stem_type': 'triple'}}))
    message = raises_cleanly(imgzoo.InvalidModelArgsError, load, folder)
    assert "stem_type must be '', 'deep'" in message and "'triple'" in message


def test_config_cannot_redirect_the_weights_to_another_file(folder, tmp_path, tiny_weights):
    """A config.json naming a weights file elsewhere (`file`, `url`, `state_dict`) is ignored: the weights
    are the folder's own, as with timm."""
    elsewhere = tmp_path / 'elsewhere.safetensors'
    _rewrite(tmp_path, {k: torch.zeros_like(v) for k, v in tiny_weights.items()})
    (tmp_path / 'model.safetensors').rename(elsewhere)
    config = json.loads((folder / 'config.json').read_text())
    config['pretrained_cfg'].update(file=str(elsewhere), url='http://example.invalid/w.pth', source='file')
    (folder / 'config.json').write_text(json.dumps(config))
    model = load(folder)
    assert same_weights(model, tiny_weights)
    assert model.pretrained_cfg['weights_files'] == (str(folder / 'model.safetensors'),)
    assert model.pretrained_cfg['source'] == 'local-dir' and model.pretrained_cfg['file'] is None


def test_shard_index_naming_a_file_outside_the_folder(folder, tmp_path):
    (folder / 'model.safetensors').rename(tmp_path / 'outside.safetensors')
    index = {'weight_map': {'conv1.weight': '../outside.safetensors'}}
    (folder / 'model.safetensors.index.json').write_text(json.dumps(index))
    assert 'invalid shard file' in raises_cleanly(InvalidConfigError, load, folder)


# --- folders and paths ---------------------------------------------------------------------------------------

def test_empty_folder(tmp_path):
    (tmp_path / 'empty').mkdir()
    assert 'No config.json' in raises_cleanly(ConfigNotFoundError, load, tmp_path / 'empty')


def test_folder_with_config_but_no_weights(folder):
    (folder / 'model.safetensors').unlink()
    message = raises_cleanly(WeightsNotFoundError, load, folder)
    assert 'No weights file' in message and 'pretrained=False' in message


def test_folder_path_that_is_a_file(folder):
    message = raises_cleanly(ModelFolderNotFoundError, load, folder / 'model.safetensors')
    assert 'is a file, not a folder' in message


def test_folder_that_does_not_exist(tmp_path):
    assert 'does not exist' in raises_cleanly(ModelFolderNotFoundError, load, tmp_path / 'nowhere')


def test_folder_path_too_long_for_the_filesystem(tmp_path):
    assert 'Cannot access' in raises_cleanly(ModelFolderNotFoundError, load, tmp_path / ('x' * 300))


def test_symlinked_weights_outside_the_folder_load_and_are_reported(folder, tmp_path, tiny_weights):
    outside = tmp_path / 'store' / 'weights.safetensors'
    outside.parent.mkdir()
    (folder / 'model.safetensors').rename(outside)
    (folder / 'model.safetensors').symlink_to(outside)
    model = load(folder)
    assert same_weights(model, tiny_weights)
    assert model.pretrained_cfg['weights_files'] == (str(outside),)
    assert model.pretrained_cfg['local_dir'] == str(folder)


def test_dangling_weights_symlink_names_its_target(folder, tmp_path):
    (folder / 'model.safetensors').unlink()
    (folder / 'model.safetensors').symlink_to(tmp_path / 'gone.safetensors')
    message = raises_cleanly(WeightsNotFoundError, load, folder)
    assert 'symbolic link' in message and 'gone.safetensors' in message


ODD_NAMES = ['with space', 'hash#tag', 'question?mark', 'tilde~name', '~leading', 'ünïcödé-模型', 'mixed ~#? é']


@pytest.mark.parametrize('name', ODD_NAMES)
def test_odd_characters_in_paths_save_and_load(tmp_path, tiny_folder, tiny_weights, name, monkeypatch):
    model = load(tiny_folder)
    saved = imgzoo.save_pretrained(model, tmp_path / name / name)
    assert saved == tmp_path / name / name
    assert same_weights(load(saved), tiny_weights)
    monkeypatch.chdir(tmp_path / name)
    assert same_weights(imgzoo.create_model(f'local:{name}', pretrained=True), tiny_weights)


@pytest.mark.parametrize('name', ['with space', 'hash#tag?q', 'ünï ~#?'])
def test_odd_characters_in_the_hub_cache_path(repo, tmp_path, tiny_weights, name, monkeypatch):
    cache = tmp_path / name / 'cache'
    model = imgzoo.create_model(repo.name, pretrained=True, cache_dir=cache)
    assert same_weights(model, tiny_weights)
    assert model.pretrained_cfg['weights_files'][0].startswith(str(cache))
    monkeypatch.setenv('HF_HOME', str(tmp_path / name / 'home'))
    monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    with pytest.raises(imgzoo.OfflineCacheMissError):
        imgzoo.create_model(repo.name, pretrained=True)
    monkeypatch.delenv('HF_HUB_OFFLINE')
    assert same_weights(imgzoo.create_model(repo.name, pretrained=True), tiny_weights)


def test_hub_config_with_a_path_traversal_filename_is_refused(hub, tiny_folder):
    config = json.loads((tiny_folder / 'config.json').read_text())
    config['pretrained_cfg']['hf_hub_filename'] = '../../../../etc/passwd'
    hub.add_repo('org/traversal', {'config.json': json.dumps(config).encode()})
    raises_cleanly(InvalidConfigError, imgzoo.create_model, 'hf-hub:org/traversal', pretrained=True)


def test_hub_repository_without_the_named_file(hub, tiny_folder):
    config = json.loads((tiny_folder / 'config.json').read_text())
    config['pretrained_cfg']['hf_hub_filename'] = 'weights/other.safetensors'
    hub.add_repo('org/missing-file', {'config.json': json.dumps(config).encode()})
    message = raises_cleanly(HubFileNotFoundError, imgzoo.create_model, 'hf-hub:org/missing-file', pretrained=True)
    assert "has no file 'weights/other.safetensors'" in message
