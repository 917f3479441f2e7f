"""Offline use, pinned revisions, and a hub that fails: every request is counted on the loopback hub."""
from __future__ import annotations

import time

import pytest
import torch

import imgzoo
from imgzoo import HubError, HubUnreachableError, OfflineCacheMissError
from imgzoo.sources import hub as hub_source
from reliability_support import hub_warnings, recorded_warnings, same_weights

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def short_timeouts(monkeypatch):
    """One second for the hub to answer about a file, so a slow hub is detected quickly."""
    monkeypatch.setenv('HF_HUB_ETAG_TIMEOUT', '1')


@pytest.fixture
def no_backoff_sleep(monkeypatch):
    """huggingface_hub's retries without their waits (1 + 2 + 4 + 8 + 8 s for requests, 1 s per resumed download);
    the list of the waits it asked for is returned, so a test can assert there were none instead of timing itself."""
    from huggingface_hub import file_download
    from huggingface_hub.utils import _http

    asked = []

    class _Time:
        def __getattr__(self, name):
            return getattr(time, name)

        @staticmethod
        def sleep(seconds: float) -> None:
            asked.append(seconds)

    monkeypatch.setattr(_http, 'time', _Time())
    monkeypatch.setattr(file_download, 'time', _Time())
    return asked


def warm(repo, **kwargs):
    return imgzoo.create_model(repo.name, pretrained=True, **kwargs)


def test_offline_env_with_a_warm_cache_makes_no_requests(repo, tiny_weights, monkeypatch):
    warm(repo)
    served = len(repo.hub.requests)
    monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    with recorded_warnings() as caught:
        model = imgzoo.create_model(repo.name, pretrained=True)
    assert len(repo.hub.requests) == served
    assert same_weights(model, tiny_weights) and not caught
    assert model.pretrained_cfg['hf_hub_commit'] == repo.commit


def test_local_files_only_with_a_warm_cache_makes_no_requests(repo, tiny_weights, tmp_path):
    cache = tmp_path / 'cache'
    warm(repo, cache_dir=cache)
    served = len(repo.hub.requests)
    model = imgzoo.create_model(repo.name, pretrained=True, cache_dir=cache, local_files_only=True)
    assert len(repo.hub.requests) == served and same_weights(model, tiny_weights)


def test_offline_with_a_cold_cache_fails_fast_naming_repo_file_and_command(repo, monkeypatch, isolated_hf_env,
                                                                        no_backoff_sleep):
    monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    with pytest.raises(OfflineCacheMissError) as info:
        imgzoo.create_model(repo.name, pretrained=True)
    assert no_backoff_sleep == [], 'failing fast means no request and no retry wait'
    message = str(info.value)
    assert "'config.json' of hf-hub:org/tiny-resnet" in message
    assert '`imgzoo download hf-hub:org/tiny-resnet`' in message and str(isolated_hf_env / 'hub') in message
    assert repo.hub.requests == []


@pytest.mark.parametrize('name,repo_id,files', [
    ('hf-hub:org/tiny-resnet', 'org/tiny-resnet', ['config.json']),
    ('resnet18.a1_in1k', 'timm/resnet18.a1_in1k',
     ['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin', 'pytorch_model.bin.index.json']),
])
def test_no_network_and_a_cold_cache_fail_at_once_saying_what_to_do(name, repo_id, files, monkeypatch,
                                                                    isolated_hf_env):
    """The conftest's endpoint is a closed loopback port: no hub answers. huggingface_hub would retry for ~25 s
    (backoff sleeps of 1, 2, 4, 8, 8 s); imgzoo must fail before any retry, and well within 2 s."""
    from huggingface_hub.utils import _http

    backoff_sleeps = []

    class _Time:
        def __getattr__(self, attr):
            return getattr(time, attr)

        @staticmethod
        def sleep(seconds: float) -> None:
            backoff_sleeps.append(seconds)

    monkeypatch.setattr(_http, 'time', _Time())
    start = time.monotonic()
    with pytest.raises(HubUnreachableError) as info:
        imgzoo.create_model(name, pretrained=True)
    elapsed = time.monotonic() - start
    assert backoff_sleeps == [], 'the hub client started retrying'
    assert elapsed < 2, elapsed
    error, message = info.value, str(info.value)
    assert (error.repo_id, list(error.filenames)) == (repo_id, files)
    assert error.path == str(isolated_hf_env / 'hub')
    assert all(f"'{f}'" in message for f in files) and f'hf-hub:{repo_id}' in message
    assert 'HF_HUB_OFFLINE=1' in message and f'`imgzoo download hf-hub:{repo_id}`' in message
    assert isinstance(error, HubError) and isinstance(error, ConnectionError)


def test_huggingface_hub_imported_in_offline_mode_makes_imgzoo_offline_too(repo, tiny_weights, monkeypatch):
    """huggingface_hub reads HF_HUB_OFFLINE once, at import, and then refuses every request: imgzoo follows it
    (no request, the cache serves) and says so when the cache lacks a file, instead of a confusing hub error."""
    from huggingface_hub import constants

    warm(repo)
    served = len(repo.hub.requests)
    monkeypatch.setattr(constants, 'HF_HUB_OFFLINE', True)
    assert same_weights(warm(repo), tiny_weights) and len(repo.hub.requests) == served
    with pytest.raises(OfflineCacheMissError, match='HF_HUB_OFFLINE was set when it was imported'):
        imgzoo.create_model('hf-hub:org/never-fetched', pretrained=True)


def test_local_files_only_with_config_but_no_weights_names_the_weights(repo):
    imgzoo.create_model(repo.name)
    served = len(repo.hub.requests)
    with pytest.raises(OfflineCacheMissError) as info:
        imgzoo.create_model(repo.name, pretrained=True, local_files_only=True)
    message = str(info.value)
    assert 'holds no weights of hf-hub:org/tiny-resnet' in message and 'model.safetensors' in message
    assert 'imgzoo download hf-hub:org/tiny-resnet' in message
    assert len(repo.hub.requests) == served


def test_pinned_commit_with_a_warm_cache_makes_no_requests_online(repo, tiny_weights):
    name = f'{repo.name}@{repo.commit}'
    warm(repo)  # through the branch: the pinned name then finds the same files
    served = len(repo.hub.requests)
    model = imgzoo.create_model(name, pretrained=True)
    assert len(repo.hub.requests) == served and same_weights(model, tiny_weights)
    cfg = model.pretrained_cfg
    assert (cfg['hf_hub_revision'], cfg['hf_hub_commit']) == (repo.commit, repo.commit)


def test_pinned_commit_of_a_pickle_only_repo_makes_no_requests(hub, tiny_folder, tiny_weights, tmp_path):
    """The files the repository lacks (model.safetensors, the indexes) are remembered as absent, not asked again."""
    torch.save(tiny_weights, tmp_path / 'w.bin')
    commit = hub.add_repo('org/pickled', {'config.json': (tiny_folder / 'config.json').read_bytes(),
                                          'pytorch_model.bin': (tmp_path / 'w.bin').read_bytes()})
    imgzoo.create_model('hf-hub:org/pickled', pretrained=True)
    served = len(hub.requests)
    model = imgzoo.create_model(f'hf-hub:org/pickled@{commit}', pretrained=True)
    assert len(hub.requests) == served and same_weights(model, tiny_weights)


def test_warm_cache_online_costs_one_request(repo, tiny_weights):
    warm(repo)
    repo.hub.requests.clear()
    with recorded_warnings() as caught:
        model = warm(repo)
    assert repo.hub.requests == [('HEAD', f'/{repo.repo_id}/resolve/main/config.json')]
    assert same_weights(model, tiny_weights) and not caught


FAULTS = {
    'http-500': dict(kind='error', status=500),
    'http-503': dict(kind='error', status=503),
    'dropped-connection': dict(kind='drop'),
    # Answers after HF_HUB_ETAG_TIMEOUT (1 s) but before huggingface_hub's default (10 s): the client must give up
    # first, which the test checks by the order of events, not by a clock.
    'slow-response': dict(kind='slow', delay=4.0),
}


@pytest.mark.parametrize('fault', ['connection-refused', *FAULTS])
def test_unreachable_hub_with_a_warm_cache_loads_with_one_warning(repo, tiny_weights, fault, monkeypatch,
                                                                  no_backoff_sleep):
    warm(repo)
    served = len(repo.hub.requests)
    injected = None
    if fault == 'connection-refused':
        monkeypatch.setenv('HF_ENDPOINT', 'http://127.0.0.1:9')
    else:
        injected = repo.hub.add_fault('*', **FAULTS[fault])
    answered_before_giving_up = []
    use_cache = hub_source._Fetch.use_cache

    def giving_up(self, reason, commit):
        answered_before_giving_up.append(fault == 'slow-response' and injected.reached.is_set())
        use_cache(self, reason, commit)

    monkeypatch.setattr(hub_source._Fetch, 'use_cache', giving_up)
    with recorded_warnings() as caught:
        model = warm(repo)
    # One failed check and no retry: no backoff wait was asked for, the hub saw one HEAD, and imgzoo gave up
    # on a slow hub before it answered.
    assert no_backoff_sleep == [] and answered_before_giving_up == [False]
    if injected is not None:
        assert repo.hub.requests[served:] == [('HEAD', f'/{repo.repo_id}/resolve/main/config.json')]
    assert same_weights(model, tiny_weights)
    messages = hub_warnings(caught)
    assert len(messages) == 1 and len(caught) == 1, [str(w.message) for w in caught]
    assert 'hf-hub:org/tiny-resnet' in messages[0] and f'commit {repo.commit}' in messages[0]
    assert model.pretrained_cfg['hf_hub_commit'] == repo.commit


def test_unreachable_hub_with_a_cold_cache_says_what_is_wrong(repo, no_backoff_sleep):
    repo.hub.add_fault('*', kind='error', status=503)
    with pytest.raises(HubError) as info:
        imgzoo.create_model(repo.name, pretrained=True)
    message = str(info.value)
    assert "'config.json' of hf-hub:org/tiny-resnet" in message and repo.hub.url in message
    assert 'has no copy' in message and 'Check the network connection' in message
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_hub_lost_while_downloading_weights_leaves_the_cache_consistent(repo, no_backoff_sleep, isolated_hf_env):
    repo.hub.add_fault('*/model.safetensors', kind='drop', methods=('GET',))
    with pytest.raises(HubError) as info:
        warm(repo)
    assert 'model.safetensors' in str(info.value)
    storage = isolated_hf_env / 'hub' / 'models--org--tiny-resnet'
    assert not list(storage.rglob('*.incomplete'))
    assert [p.name for p in (storage / 'snapshots' / repo.commit).iterdir()] == ['config.json']


def test_transient_failures_on_a_cold_cache_are_retried(repo, tiny_weights, no_backoff_sleep):
    repo.hub.add_fault('*/config.json', kind='error', status=500, times=1)
    repo.hub.add_fault('*/model.safetensors', kind='drop', methods=('GET',), times=1)
    with recorded_warnings() as caught:
        model = warm(repo)
    assert same_weights(model, tiny_weights) and not hub_warnings(caught)
    assert repo.hub.count('*/model.safetensors', 'GET') == 2


def test_moved_branch_is_fetched_and_config_and_weights_come_from_one_commit(repo, tiny_weights, monkeypatch):
    """The branch moves between reading config.json and fetching the weights: the weights still come from
    the commit the config came from."""
    from safetensors.torch import save_file

    warm(repo)
    zeros = {k: torch.zeros_like(v) for k, v in tiny_weights.items()}
    save_file(zeros, str(repo.folder.parent / 'zeros.safetensors'))
    files = {p.name: p.read_bytes() for p in repo.folder.iterdir() if not p.name.startswith('.')}
    files['model.safetensors'] = (repo.folder.parent / 'zeros.safetensors').read_bytes()
    second = repo.hub.add_repo(repo.repo_id, files)
    updated = warm(repo)
    assert updated.pretrained_cfg['hf_hub_commit'] == second and same_weights(updated, zeros)

    real_fetch_config = hub_source.fetch_config

    def fetch_config_then_push(*args, **kwargs):
        result = real_fetch_config(*args, **kwargs)
        original = (repo.folder / 'model.safetensors').read_bytes()
        repo.hub.add_repo(repo.repo_id, {**files, 'model.safetensors': original})
        return result

    monkeypatch.setattr(hub_source, 'fetch_config', fetch_config_then_push)
    racing = imgzoo.create_model(repo.name, pretrained=True, cache_dir=repo.folder.parent / f'race-{second[:6]}')
    assert racing.pretrained_cfg['hf_hub_commit'] == second and same_weights(racing, zeros)


def test_builtin_tag_weights_with_unreachable_hub_use_the_cache_with_one_warning(hub, tiny_weights, tmp_path):
    from safetensors.torch import save_file

    weights = {k: v for k, v in tiny_weights.items() if not k.startswith('fc.')}
    save_file(weights, str(tmp_path / 'w.safetensors'))
    hub.add_repo('timm/resnet18.a1_in1k', {'model.safetensors': (tmp_path / 'w.safetensors').read_bytes()})
    imgzoo.create_model('resnet18.a1_in1k', pretrained=True, num_classes=10)
    hub.add_fault('*', kind='error', status=502)
    with recorded_warnings() as caught:
        model = imgzoo.create_model('resnet18.a1_in1k', pretrained=True, num_classes=10)
    assert len(hub_warnings(caught)) == 1 and torch.equal(model.conv1.weight, weights['conv1.weight'])
