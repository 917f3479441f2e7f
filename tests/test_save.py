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


def test_written_safetensors_round_trip_through_the_safetensors_library(tmp_path):
    from safetensors import safe_open
    from safetensors.torch import load_file

    from imgzoo.weights import read_safetensors, write_safetensors

    tensors = {'odd': torch.randn(1000), 'matrix': torch.randn(16, 16), 'scalar': torch.tensor(3),
               'half': torch.randn(7).bfloat16(), 'empty': torch.zeros(0, 4), 'mask': torch.tensor([True, False]),
               'strided': torch.randn(8, 32).t()}
    path = tmp_path / 'w.safetensors'
    write_safetensors(path, tensors, metadata={'format': 'pt'})
    with safe_open(str(path), 'pt') as f:
        assert f.metadata() == {'format': 'pt'}
    for read in (load_file(str(path)), read_safetensors(path)):
        assert read.keys() == tensors.keys()
        for name, tensor in tensors.items():
            assert read[name].dtype == tensor.dtype and torch.equal(read[name], tensor), name


def test_saved_weights_are_aligned_so_loaded_models_compute_what_copies_compute(tmp_path):
    """CPU matrix-vector kernels round differently on weights that do not start on a 64-byte boundary; a
    batch of one through a classifier head is such a product. Saved files keep every weight aligned."""
    torch.manual_seed(0)
    folder = imgzoo.save_pretrained(imgzoo.create_model('resnet18', num_classes=10), tmp_path / 'r18')
    model = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    misaligned = [name for name, t in model.state_dict().items() if t.nbytes % 64 == 0 and t.data_ptr() % 64]
    assert misaligned == []
    copy = imgzoo.create_model('resnet18', num_classes=10).eval()
    copy.load_state_dict(model.state_dict())
    pooled = torch.randn(1, 512)
    with torch.no_grad():
        assert torch.equal(model(seeded_input((1, 3, 64, 64))), copy(seeded_input((1, 3, 64, 64))))
        assert torch.equal(model.fc(pooled), copy.fc(pooled))


def test_a_model_built_with_a_python_class_argument_is_refused_before_anything_is_written(tmp_path):
    model = imgzoo.create_model('resnet18', num_classes=10, act_layer=torch.nn.SiLU)
    with pytest.raises(imgzoo.InvalidModelArgsError, match=r"act_layer=<class 'torch.nn.modules.activation.SiLU'>.*by name"):
        imgzoo.save_pretrained(model, tmp_path / 'out')
    assert not (tmp_path / 'out').exists()
    named = imgzoo.create_model('resnet18', num_classes=10, act_layer='silu')
    folder = imgzoo.save_pretrained(named, tmp_path / 'named')
    assert json.loads((folder / 'config.json').read_text())['model_args']['act_layer'] == 'silu'
