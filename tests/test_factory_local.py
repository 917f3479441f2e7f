"""create_model on local folders: formats, overlays, checkpoints, provenance, and the errors of issue 2."""
from __future__ import annotations

import json
import shutil

import pytest
import torch

import imgzoo
from imgzoo import (
    ConfigNotFoundError, InvalidConfigError, InvalidModelArgsError, ModelFolderNotFoundError, NoPretrainedWeightsError,
    StateDictMismatchError, UnknownModelError, UnsafeCheckpointError, WeightsNotFoundError,
)
from parity import max_diff, seeded_input

X = seeded_input((2, 3, 64, 64))


def _logits(model):
    with torch.no_grad():
        return model.eval()(X)


@pytest.fixture
def folder(timm_resnet18_folder, tmp_path):
    """A private copy of the timm-saved resnet18 folder, free to modify."""
    target = tmp_path / 'model'
    shutil.copytree(timm_resnet18_folder, target)
    return target


@pytest.fixture
def reference(timm_resnet18_folder):
    return imgzoo.create_model(f'local:{timm_resnet18_folder}', pretrained=True)


@pytest.mark.parametrize('prefix', ['local:', 'local-dir:', 'folder:'])
def test_all_prefixes_load_the_same_model(prefix, folder, reference):
    model = imgzoo.create_model(f'{prefix}{folder}', pretrained=True)
    assert max_diff(_logits(model), _logits(reference)) == 0


def test_provenance_is_recorded(folder):
    cfg = imgzoo.create_model(f'local:{folder}', pretrained=True).pretrained_cfg
    assert cfg['source'] == 'local-dir'
    assert cfg['local_dir'] == str(folder)
    assert cfg['weights_files'] == (str(folder / 'model.safetensors'),)
    assert cfg['architecture'] == 'resnet18' and cfg['num_classes'] == 10


def test_pretrained_false_builds_architecture_without_weights(folder):
    (folder / 'model.safetensors').unlink()
    model = imgzoo.create_model(f'local:{folder}')
    assert model.num_classes == 10 and not any(p.is_meta for p in model.parameters())


def test_pickle_weights_load_through_weights_only(folder, reference):
    state_dict = imgzoo.create_model(f'local:{folder}', pretrained=True).state_dict()
    (folder / 'model.safetensors').unlink()
    torch.save(state_dict, folder / 'pytorch_model.bin')
    model = imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert max_diff(_logits(model), _logits(reference)) == 0
    assert model.pretrained_cfg['weights_files'] == (str(folder / 'pytorch_model.bin'),)


def test_single_pth_file_with_wrapped_checkpoint(folder, reference):
    state_dict = reference.state_dict()
    (folder / 'model.safetensors').unlink()
    torch.save({'epoch': 3, 'state_dict': {f'module.{k}': v for k, v in state_dict.items()}}, folder / 'best.pth')
    model = imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert max_diff(_logits(model), _logits(reference)) == 0


def test_safetensors_is_preferred_over_pickle(folder, reference):
    torch.save({k: torch.zeros_like(v) for k, v in reference.state_dict().items()}, folder / 'pytorch_model.bin')
    model = imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert max_diff(_logits(model), _logits(reference)) == 0


def test_sharded_safetensors_round_trip(reference, tmp_path):
    folder = imgzoo.save_pretrained(reference, tmp_path / 'sharded', max_shard_size='10MB')
    index = json.loads((folder / 'model.safetensors.index.json').read_text())
    shards = sorted(set(index['weight_map'].values()))
    assert len(shards) >= 2 and index['metadata']['total_size'] > 10_000_000
    model = imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert max_diff(_logits(model), _logits(reference)) == 0
    assert len(model.pretrained_cfg['weights_files']) == len(shards)


def test_legacy_flat_config_loads(folder, reference):
    config = json.loads((folder / 'config.json').read_text())
    flat = {**config['pretrained_cfg'], 'architecture': 'resnet18', 'num_classes': 10}
    (folder / 'config.json').write_text(json.dumps(flat))
    model = imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert max_diff(_logits(model), _logits(reference)) == 0


def test_overlay_file_points_at_other_weights(folder, reference, tmp_path):
    other = tmp_path / 'elsewhere.safetensors'
    shutil.move(folder / 'model.safetensors', other)
    model = imgzoo.create_model(f'local:{folder}', pretrained=True, pretrained_cfg_overlay={'file': str(other)})
    assert max_diff(_logits(model), _logits(reference)) == 0
    assert model.pretrained_cfg['source'] == 'file'


def test_overlay_on_builtin_arch_loads_a_local_file(folder, reference):
    model = imgzoo.create_model('resnet18', pretrained=True, num_classes=10,
                                pretrained_cfg_overlay=dict(file=str(folder / 'model.safetensors'), num_classes=10))
    assert max_diff(_logits(model), _logits(reference)) == 0


def test_overlay_changes_fields_and_warns_on_unknown_keys(folder):
    with pytest.warns(UserWarning, match='my_field'):
        model = imgzoo.create_model(f'local:{folder}', pretrained=True,
                                    pretrained_cfg_overlay={'mean': (0.5, 0.5, 0.5), 'my_field': 1})
    assert model.pretrained_cfg['mean'] == (0.5, 0.5, 0.5)
    assert model.pretrained_cfg['my_field'] == 1


def test_checkpoint_path_unwraps_training_checkpoints(reference, tmp_path):
    state_dict = reference.state_dict()
    path = tmp_path / 'train.pth'
    torch.save({'state_dict': {f'module.{k}': v for k, v in state_dict.items()}, 'epoch': 7}, path)
    model = imgzoo.create_model('resnet18', num_classes=10, checkpoint_path=path)
    assert max_diff(_logits(model), _logits(reference)) == 0


def test_checkpoint_path_prefers_ema_weights_like_timm(reference, tmp_path):
    state_dict = reference.state_dict()
    path = tmp_path / 'train.pth'
    zeros = {k: torch.zeros_like(v) for k, v in state_dict.items()}
    torch.save({'state_dict': zeros, 'state_dict_ema': state_dict}, path)
    model = imgzoo.create_model('resnet18', num_classes=10, checkpoint_path=path)
    assert max_diff(_logits(model), _logits(reference)) == 0


def test_model_api(reference):
    assert reference.num_classes == 10 and reference.num_features == 512
    feats = reference.forward_features(X)
    assert reference.forward_head(feats, pre_logits=True).shape == (2, 512)
    reference.reset_classifier(3)
    assert reference(X).shape == (2, 3)


def test_loaded_model_trains(folder):
    model = imgzoo.create_model(f'local:{folder}', pretrained=True, num_classes=4).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    before = model.conv1.weight.detach().clone()
    loss = model(X).logsumexp(dim=1).mean()
    loss.backward()
    optimizer.step()
    assert all(p.requires_grad for p in model.parameters())
    assert not torch.equal(before, model.conv1.weight)
    # The file on disk is untouched by training (copy-on-write mapping).
    fresh = imgzoo.create_model(f'local:{folder}', pretrained=True, num_classes=4)
    assert torch.equal(fresh.conv1.weight, before)


# --- errors named by the core issue -----------------------------------------------------------

def test_missing_folder(tmp_path):
    with pytest.raises(ModelFolderNotFoundError, match='does not exist'):
        imgzoo.create_model(f'local:{tmp_path / "nope"}', pretrained=True)


def test_folder_path_is_a_file(folder):
    with pytest.raises(ModelFolderNotFoundError, match='is a file, not a folder'):
        imgzoo.create_model(f'local:{folder / "model.safetensors"}', pretrained=True)


def test_folder_without_config(folder):
    (folder / 'config.json').unlink()
    with pytest.raises(ConfigNotFoundError, match='No config.json') as info:
        imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert isinstance(info.value, FileNotFoundError)


def test_malformed_json_gives_line_and_column(folder):
    (folder / 'config.json').write_text('{\n  "architecture": "resnet18",\n  "num_classes": 10,,\n}')
    with pytest.raises(InvalidConfigError, match=r'line 3, column 21'):
        imgzoo.create_model(f'local:{folder}')


def test_unknown_architecture_in_config(folder):
    config = json.loads((folder / 'config.json').read_text())
    config['architecture'] = 'resnet19'
    (folder / 'config.json').write_text(json.dumps(config))
    with pytest.raises(UnknownModelError, match="'resnet19'.*resnet18"):
        imgzoo.create_model(f'local:{folder}', pretrained=True)


def test_no_weights_file(folder):
    (folder / 'model.safetensors').unlink()
    with pytest.raises(WeightsNotFoundError, match='No weights file.*pretrained=False'):
        imgzoo.create_model(f'local:{folder}', pretrained=True)


def test_ambiguous_weights_files_are_an_error(folder):
    state_dict = imgzoo.create_model(f'local:{folder}', pretrained=True).state_dict()
    (folder / 'model.safetensors').unlink()
    torch.save(state_dict, folder / 'a.pth')
    torch.save(state_dict, folder / 'b.pth')
    with pytest.raises(WeightsNotFoundError, match=r'several candidate weights files \(a.pth, b.pth\)'):
        imgzoo.create_model(f'local:{folder}', pretrained=True)


def test_shape_mismatch_lists_keys_and_shapes(folder):
    config = json.loads((folder / 'config.json').read_text())
    config['architecture'] = 'resnet34'
    (folder / 'config.json').write_text(json.dumps(config))
    with pytest.raises(StateDictMismatchError) as info:
        imgzoo.create_model(f'local:{folder}', pretrained=True)
    message = str(info.value)
    assert "do not fit 'resnet34'" in message
    assert 'missing         layer1.2.conv1.weight' in message
    assert info.value.missing and not info.value.unexpected


def test_wrong_shape_reports_expected_and_found(folder, tmp_path):
    from safetensors.torch import load_file, save_file

    tensors = load_file(folder / 'model.safetensors')
    tensors['fc.weight'] = torch.zeros(10, 256)
    tensors['extra.weight'] = torch.zeros(1)
    save_file(tensors, folder / 'model.safetensors')
    with pytest.raises(StateDictMismatchError) as info:
        imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert 'fc.weight: model expects [10, 512], weights have [10, 256]' in str(info.value)
    assert 'unexpected      extra.weight' in str(info.value)


def test_unsafe_pickle_is_refused_and_never_runs(folder, tmp_path):
    marker = tmp_path / 'pwned'

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), 'w'))

    (folder / 'model.safetensors').unlink()
    torch.save({'fc.weight': Evil()}, folder / 'pytorch_model.bin')
    with pytest.raises(UnsafeCheckpointError, match='never runs code'):
        imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert not marker.exists()


@pytest.fixture
def untagged_arch():
    """An architecture registered without any pretrained tag, removed from the registry after the test."""
    from imgzoo.registry import register_model, unregister_model

    def _untagged_test_arch(**kwargs):
        return imgzoo.create_model('resnet18', **kwargs)

    register_model(_untagged_test_arch)
    try:
        yield '_untagged_test_arch'
    finally:
        unregister_model('_untagged_test_arch')


def test_builtin_arch_without_weights_says_what_to_do(untagged_arch):
    with pytest.raises(NoPretrainedWeightsError, match='pretrained=False'):
        imgzoo.create_model(untagged_arch, pretrained=True)


def test_no_test_architecture_is_left_registered():
    """Runs after the test above: its architecture is gone, so the module can run again in one process."""
    assert '_untagged_test_arch' not in imgzoo.list_models()


def test_unknown_model_kwarg_names_it():
    with pytest.raises(InvalidModelArgsError, match="does not accept 'img_size'.*drop_path_rate"):
        imgzoo.create_model('resnet18', img_size=384)
