"""Folders imgzoo writes carry checksums.sha256; loading checks sizes every time and digests with verify=True."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import skimage.data
import torch

import imgzoo
from imgzoo import ManifestMismatchError
from imgzoo.cli import main
from imgzoo.manifest import verify_folder
from reliability_support import same_weights

CHELSEA = Path(skimage.data.__file__).parent / 'chelsea.png'


@pytest.fixture
def folder(tiny_folder, tmp_path) -> Path:
    copy = tmp_path / 'model'
    shutil.copytree(tiny_folder, copy)
    return copy


def flip_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF  # the last byte of the last tensor: still a valid safetensors file of the same size
    path.write_bytes(bytes(data))


def test_save_pretrained_writes_a_manifest_that_imgzoo_verify_accepts(tiny_folder, capsys):
    assert {c.name: c.status for c in verify_folder(tiny_folder)} == {'config.json': 'ok', 'model.safetensors': 'ok'}
    assert main(['verify', str(tiny_folder)]) == 0
    assert 'all 2 files OK' in capsys.readouterr().out


def test_a_weights_file_of_another_size_is_refused_on_every_load(folder):
    weights = folder / 'model.safetensors'
    with open(weights, 'ab') as f:
        f.write(b'\0' * 16)  # still loads as safetensors: only the recorded size can tell
    with pytest.raises(ManifestMismatchError) as info:
        imgzoo.create_model(f'local:{folder}', pretrained=True)
    error = info.value
    assert error.problems == {'model.safetensors': f'{weights.stat().st_size} bytes, '
                                                   f'{weights.stat().st_size - 16} when written'}
    assert error.path == str(folder) and f'imgzoo verify {folder}' in str(error)


def test_changed_bytes_of_the_same_size_are_caught_with_verify(folder, tiny_weights):
    flip_one_byte(folder / 'model.safetensors')
    loaded = imgzoo.create_model(f'local:{folder}', pretrained=True)  # sizes match: the cheap check passes
    assert not same_weights(loaded, tiny_weights)
    with pytest.raises(ManifestMismatchError, match=r'model\.safetensors: changed \(SHA-256 differs\)') as info:
        imgzoo.create_model(f'local:{folder}', pretrained=True, verify=True)
    assert list(info.value.problems) == ['model.safetensors']


def test_predict_verify_refuses_changed_weights_and_names_the_file(folder, capsys):
    flip_one_byte(folder / 'model.safetensors')
    assert main(['predict', f'local:{folder}', str(CHELSEA), '--verify']) == 1
    err = capsys.readouterr().err
    assert 'does not match its checksums.sha256' in err and 'model.safetensors: changed' in err
    assert main(['predict', f'local:{folder}', str(CHELSEA), '--top-k', '1']) == 0


def test_a_missing_listed_file_and_an_unlisted_standard_weights_file_are_refused(folder, tiny_weights):
    (folder / 'model.safetensors').rename(folder / 'weights.safetensors')
    with pytest.raises(ManifestMismatchError) as info:
        imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert info.value.problems == {'model.safetensors': 'missing'}

    (folder / 'weights.safetensors').rename(folder / 'model.safetensors')
    torch.save(tiny_weights, folder / 'pytorch_model.bin')
    with pytest.raises(ManifestMismatchError, match='pytorch_model.bin: not in the manifest'):
        imgzoo.create_model(f'local:{folder}', pretrained=True)


def test_a_users_extra_files_do_not_fail_loading_or_verify(folder, tiny_weights, capsys):
    (folder / 'notes.txt').write_text('mine')
    assert same_weights(imgzoo.create_model(f'local:{folder}', pretrained=True, verify=True), tiny_weights)
    assert main(['verify', str(folder)]) == 0
    (folder / 'extra.safetensors').write_bytes((folder / 'model.safetensors').read_bytes())
    assert main(['verify', str(folder)]) == 1, 'an unlisted weights file could be loaded: verify must fail'


def test_a_folder_without_a_manifest_loads_as_before(timm_resnet18_folder):
    assert not (timm_resnet18_folder / 'checksums.sha256').exists()
    imgzoo.create_model(f'local:{timm_resnet18_folder}', pretrained=True, verify=True)
