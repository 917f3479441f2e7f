"""save_pretrained writes folders that imgzoo, timm and transformers all load with the same outputs."""
from __future__ import annotations

import json

import pytest
import torch

import imgzoo
from imgzoo import FolderExistsError
from parity import max_diff, perturb_constants_, seeded_input

X = seeded_input((2, 3, 64, 64))


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    return perturb_constants_(imgzoo.create_model('resnet18.a1_in1k', num_classes=10)).eval()


def test_config_is_timm_format_without_repeated_num_classes(model, tmp_path):
    folder = imgzoo.save_pretrained(model, tmp_path / 'out')
    config = json.loads((folder / 'config.json').read_text())
    assert config['architecture'] == 'resnet18' and config['num_classes'] == 10
    assert config['num_features'] == 512 and config['global_pool'] == 'avg'
    assert 'num_classes' not in config.get('model_args', {})
    cfg = config['pretrained_cfg']
    assert cfg['num_classes'] == 10 and cfg['crop_pct'] == 0.95 and cfg['tag'] == 'a1_in1k'
    assert not {'source', 'weights_files', 'local_dir', 'hf_hub_commit', 'file'} & set(cfg)
    assert sorted(p.name for p in folder.iterdir()) == ['.imgzoo', 'checksums.sha256', 'config.json', 'model.safetensors']


def test_transformers_loads_the_folder_with_same_logits(model, tmp_path):
    from transformers import AutoModelForImageClassification

    folder = imgzoo.save_pretrained(model, tmp_path / 'out')
    wrapped = AutoModelForImageClassification.from_pretrained(str(folder)).eval()
    with torch.no_grad():
        assert max_diff(wrapped(X).logits, model(X)) <= 1e-4


def test_in_chans_and_model_args_round_trip(tmp_path):
    torch.manual_seed(0)
    model = imgzoo.create_model('resnet18', in_chans=1, num_classes=3, global_pool='max').eval()
    folder = imgzoo.save_pretrained(model, tmp_path / 'gray')
    config = json.loads((folder / 'config.json').read_text())
    assert config['model_args'] == {'in_chans': 1, 'global_pool': 'max'}
    assert config['pretrained_cfg']['input_size'][0] == 1
    loaded = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    x = seeded_input((2, 1, 64, 64))
    with torch.no_grad():
        assert max_diff(loaded(x), model(x)) == 0


def test_pickle_serialization_option(model, tmp_path):
    folder = imgzoo.save_pretrained(model, tmp_path / 'pickled', safe_serialization=False)
    assert (folder / 'pytorch_model.bin').exists() and not (folder / 'model.safetensors').exists()
    loaded = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    with torch.no_grad():
        assert max_diff(loaded(X), model(X)) == 0


def test_refuses_to_overwrite_foreign_folder(model, tmp_path):
    target = tmp_path / 'mine'
    target.mkdir()
    (target / 'notes.txt').write_text('keep me')
    with pytest.raises(FolderExistsError, match='overwrite=True'):
        imgzoo.save_pretrained(model, target)
    assert (target / 'notes.txt').read_text() == 'keep me'
    imgzoo.save_pretrained(model, target, overwrite=True)
    assert (target / 'notes.txt').read_text() == 'keep me' and (target / 'model.safetensors').exists()


def test_resaving_an_imgzoo_folder_needs_overwrite(model, tmp_path):
    first = imgzoo.save_pretrained(model, tmp_path / 'again')
    with pytest.raises(FolderExistsError, match='overwrite=True'):
        imgzoo.save_pretrained(model, first)
    imgzoo.save_pretrained(model, first, overwrite=True)
    assert sorted(p.name for p in first.iterdir()) == ['.imgzoo', 'checksums.sha256', 'config.json',
                                                       'model.safetensors']
    assert not [p for p in tmp_path.iterdir() if p.name.startswith('.again')]


def test_saving_a_loaded_model_state_dict_with_torch_save(tmp_path, model):
    folder = imgzoo.save_pretrained(model, tmp_path / 'src')
    loaded = imgzoo.create_model(f'local:{folder}', pretrained=True)
    torch.save(loaded.state_dict(), tmp_path / 'copy.pth')
    torch.save(loaded.fc.state_dict(), tmp_path / 'fc.pth')
    assert (tmp_path / 'fc.pth').stat().st_size < 100_000
