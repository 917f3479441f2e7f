"""create_model through the hub protocol, against the loopback hub server, with the real huggingface_hub client."""
from __future__ import annotations

import pytest
import torch

import imgzoo
from imgzoo import ConfigNotFoundError, HubFileNotFoundError, OfflineCacheMissError
from parity import max_diff, seeded_input

X = seeded_input((2, 3, 64, 64))


def _logits(model):
    with torch.no_grad():
        return model.eval()(X)


@pytest.fixture
def reference(timm_resnet18_folder):
    return imgzoo.create_model(f'local:{timm_resnet18_folder}', pretrained=True)


@pytest.fixture
def repo(hub, timm_resnet18_folder):
    """The timm-saved resnet18 folder published as org/resnet18-test."""
    commit = hub.add_folder('org/resnet18-test', timm_resnet18_folder)
    return 'org/resnet18-test', commit


def test_hub_repo_loads_into_default_cache(hub, repo, reference, isolated_hf_env):
    repo_id, commit = repo
    model = imgzoo.create_model(f'hf-hub:{repo_id}', pretrained=True)
    assert max_diff(_logits(model), _logits(reference)) == 0
    cfg = model.pretrained_cfg
    assert (cfg['source'], cfg['hf_hub_id'], cfg['hf_hub_commit']) == ('hf-hub', repo_id, commit)
    storage = isolated_hf_env / 'hub' / 'models--org--resnet18-test'
    assert (storage / 'refs' / 'main').read_text() == commit
    assert sorted(p.name for p in (storage / 'snapshots' / commit).iterdir()) == ['config.json', 'model.safetensors']
    assert len(list((storage / 'blobs').iterdir())) == 2
    assert cfg['weights_files'] == (str(storage / 'snapshots' / commit / 'model.safetensors'),)


def test_cache_dir_argument_is_used_for_config_and_weights(hub, repo, tmp_path, isolated_hf_env):
    repo_id, commit = repo
    imgzoo.create_model(f'hf-hub:{repo_id}', pretrained=True, cache_dir=tmp_path / 'cache')
    snapshot = tmp_path / 'cache' / 'models--org--resnet18-test' / 'snapshots' / commit
    assert (snapshot / 'config.json').exists() and (snapshot / 'model.safetensors').exists()
    assert not (isolated_hf_env / 'hub').exists()


@pytest.mark.parametrize('variable', ['HF_HUB_CACHE', 'HF_HOME'])
def test_environment_chooses_the_default_cache(hub, repo, tmp_path, monkeypatch, variable):
    repo_id, _ = repo
    monkeypatch.setenv(variable, str(tmp_path / 'env'))
    imgzoo.create_model(f'hf-hub:{repo_id}', pretrained=True)
    base = tmp_path / 'env' if variable == 'HF_HUB_CACHE' else tmp_path / 'env' / 'hub'
    assert (base / 'models--org--resnet18-test' / 'refs' / 'main').exists()


def test_revision_by_branch_and_by_commit(hub, timm_resnet18_folder, reference):
    from safetensors.torch import save_file

    first = hub.add_folder('org/versions', timm_resnet18_folder)
    zeros = {k: torch.zeros_like(v) for k, v in reference.state_dict().items()}
    files = {p.name: p.read_bytes() for p in timm_resnet18_folder.iterdir()}
    save_file(zeros, str(timm_resnet18_folder.parent / 'zeros.safetensors'))
    files['model.safetensors'] = (timm_resnet18_folder.parent / 'zeros.safetensors').read_bytes()
    second = hub.add_repo('org/versions', files)
    dev = hub.add_repo('org/versions', {p.name: p.read_bytes() for p in timm_resnet18_folder.iterdir()}, branch='dev')

    latest = imgzoo.create_model('hf-hub:org/versions', pretrained=True)
    assert latest.pretrained_cfg['hf_hub_commit'] == second
    assert not latest.conv1.weight.detach().any()
    pinned = imgzoo.create_model(f'hf-hub:org/versions@{first}', pretrained=True)
    assert pinned.pretrained_cfg['hf_hub_commit'] == first
    assert max_diff(_logits(pinned), _logits(reference)) == 0
    on_dev = imgzoo.create_model('hf-hub:org/versions@dev', pretrained=True)
    assert on_dev.pretrained_cfg['hf_hub_revision'] == 'dev' and on_dev.pretrained_cfg['hf_hub_commit'] == dev


def test_safetensors_preferred_then_pickle(hub, timm_resnet18_folder, reference, tmp_path):
    files = {p.name: p.read_bytes() for p in timm_resnet18_folder.iterdir()}
    torch.save({k: torch.zeros_like(v) for k, v in reference.state_dict().items()}, tmp_path / 'zeros.bin')
    hub.add_repo('org/both', {**files, 'pytorch_model.bin': (tmp_path / 'zeros.bin').read_bytes()})
    both = imgzoo.create_model('hf-hub:org/both', pretrained=True)
    assert max_diff(_logits(both), _logits(reference)) == 0
    assert hub.count('*/pytorch_model.bin') == 0

    torch.save(reference.state_dict(), tmp_path / 'real.bin')
    hub.add_repo('org/pickle-only', {'config.json': files['config.json'], 'pytorch_model.bin': (tmp_path / 'real.bin').read_bytes()})
    pickled = imgzoo.create_model('hf-hub:org/pickle-only', pretrained=True)
    assert max_diff(_logits(pickled), _logits(reference)) == 0
    assert pickled.pretrained_cfg['weights_files'][0].endswith('pytorch_model.bin')


def test_builtin_tag_fetches_timms_repository(hub, tmp_path):
    from parity import timm_model
    from safetensors.torch import save_file

    weights = timm_model('resnet18').state_dict()
    save_file(weights, str(tmp_path / 'w.safetensors'))
    hub.add_repo('timm/resnet18.a1_in1k', {'model.safetensors': (tmp_path / 'w.safetensors').read_bytes()})
    model = imgzoo.create_model('resnet18.a1_in1k', pretrained=True)
    assert model.pretrained_cfg['hf_hub_id'] == 'timm/resnet18.a1_in1k'
    assert model.pretrained_cfg['crop_pct'] == 0.95 and model.pretrained_cfg['test_input_size'] == (3, 288, 288)
    assert torch.equal(model.conv1.weight, weights['conv1.weight'])
    assert hub.count('/timm/resnet18.a1_in1k/resolve/main/config.json') == 0


def test_warm_cache_offline_makes_no_requests(hub, repo, monkeypatch, reference):
    repo_id, _ = repo
    imgzoo.create_model(f'hf-hub:{repo_id}', pretrained=True)
    before = len(hub.requests)
    monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    model = imgzoo.create_model(f'hf-hub:{repo_id}', pretrained=True)
    assert len(hub.requests) == before
    assert max_diff(_logits(model), _logits(reference)) == 0


def test_cache_filled_by_imgzoo_serves_timm_offline(hub, repo, monkeypatch, reference, tmp_path):
    import timm

    repo_id, _ = repo
    cache = tmp_path / 'shared'
    imgzoo.create_model(f'hf-hub:{repo_id}', pretrained=True, cache_dir=cache)
    hub.stop()
    theirs = timm.create_model(f'hf-hub:{repo_id}', pretrained=True, cache_dir=cache)
    assert max_diff(_logits(theirs), _logits(reference)) <= 1e-6


def test_cache_filled_by_timm_serves_imgzoo_offline(hub, repo, monkeypatch, reference, tmp_path):
    import os
    import subprocess
    import sys

    repo_id, _ = repo
    cache = tmp_path / 'shared'
    script = f"import timm; timm.create_model('hf-hub:{repo_id}', pretrained=True, cache_dir={str(cache)!r})"
    env = {**os.environ, 'HF_ENDPOINT': hub.url, 'HF_HUB_DISABLE_TELEMETRY': '1'}
    subprocess.run([sys.executable, '-c', script], env=env, check=True, timeout=120)
    served = len(hub.requests)
    assert served > 0
    monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    ours = imgzoo.create_model(f'hf-hub:{repo_id}', pretrained=True, cache_dir=cache)
    assert len(hub.requests) == served
    assert max_diff(_logits(ours), _logits(reference)) == 0


def test_offline_with_cold_cache_names_repo_and_fix(monkeypatch):
    monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    with pytest.raises(OfflineCacheMissError, match=r"imgzoo download hf-hub:org/absent"):
        imgzoo.create_model('hf-hub:org/absent', pretrained=True)


def test_missing_repo_revision_and_config(hub, repo, timm_resnet18_folder):
    with pytest.raises(HubFileNotFoundError, match="Repository 'org/nothing' was not found"):
        imgzoo.create_model('hf-hub:org/nothing')
    with pytest.raises(HubFileNotFoundError, match="Revision 'v9' does not exist"):
        imgzoo.create_model('hf-hub:org/resnet18-test@v9')
    hub.add_repo('org/no-config', {'model.safetensors': (timm_resnet18_folder / 'model.safetensors').read_bytes()})
    with pytest.raises(ConfigNotFoundError, match='not a timm-format model repository'):
        imgzoo.create_model('hf-hub:org/no-config', pretrained=True)
