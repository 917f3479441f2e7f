"""ConvNeXt and ConvNeXt-V2: state-dict and output parity with timm in both directions, and adaptation."""
from __future__ import annotations

import pytest
import torch
from parity import (
    assert_close,
    check_imgzoo_to_timm,
    check_in_chans_adaptation,
    check_num_classes_adaptation,
    check_timm_to_imgzoo,
    distinct_networks,
    max_diff,
    save_timm_folder,
    seeded_input,
    timm_model,
)
from safetensors.torch import load_file, save_file

import imgzoo

ARCHS = [
    'convnext_zepto_rms', 'convnext_zepto_rms_ols', 'convnext_atto', 'convnext_atto_ols', 'convnext_atto_rms',
    'convnext_femto', 'convnext_femto_ols', 'convnext_pico', 'convnext_pico_ols', 'convnext_nano', 'convnext_nano_ols',
    'convnext_tiny_hnf', 'convnext_tiny', 'convnext_small', 'convnext_base', 'convnext_large', 'convnext_large_mlp',
    'convnext_xlarge', 'convnext_xxlarge',
    'convnextv2_atto', 'convnextv2_femto', 'convnextv2_pico', 'convnextv2_nano', 'convnextv2_tiny', 'convnextv2_small',
    'convnextv2_base', 'convnextv2_large', 'convnextv2_huge',
    'test_convnext', 'test_convnext2', 'test_convnext3',
]
LARGE = ('convnext_large', 'convnext_large_mlp', 'convnext_xlarge', 'convnext_xxlarge', 'convnextv2_large',
         'convnextv2_huge')


def reduced(arch: str) -> dict:
    """Parity runs at reduced size to stay inside the CI budget: nano and smaller at full size; tiny to base
    with one block per stage; large and wider with one block per stage at 48-384 channels. Every architecture
    is also compared with timm at full size on the meta device (tests/test_model_contract.py)."""
    if arch in LARGE:
        return dict(depths=(1, 1, 1, 1), dims=(48, 96, 192, 384))
    if any(size in arch for size in ('tiny', 'small', 'base')):
        return dict(depths=(1, 1, 1, 1))
    return {}


pytestmark = pytest.mark.usefixtures('one_thread')
# Parity both ways once per distinct reduced network (parity.distinct_networks): e.g. convnext_tiny and
# convnext_small build the same network at one block per stage, on both sides.
DISTINCT = distinct_networks(ARCHS, reduced)


def test_registered_archs_are_exactly_the_family():
    assert imgzoo.list_models('*convnext*') == sorted(ARCHS)


@pytest.mark.parametrize('arch', DISTINCT)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, model_args=reduced(arch))
    assert list(reference.state_dict()) == list(ours.state_dict())


@pytest.mark.parametrize('arch', DISTINCT)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path, model_args=reduced(arch))


@pytest.mark.parametrize('output_stride', [8, 16])
def test_dilated_output_stride_matches_timm(output_stride, tmp_path):
    reference, ours = check_timm_to_imgzoo('convnext_atto', tmp_path, model_args=dict(output_stride=output_stride))
    assert [d['reduction'] for d in ours.feature_info] == [d['reduction'] for d in reference.feature_info]
    x = seeded_input((1, 3, 64, 64))
    with torch.no_grad():
        assert ours.forward_features(x).shape[-1] == 64 // output_stride


@pytest.mark.parametrize('model_args', [{'head_norm_first': True}, {'head_hidden_size': 48}, {'kernel_sizes': 5}])
def test_head_and_kernel_options_match_timm(model_args, tmp_path):
    reference, ours = check_timm_to_imgzoo('convnext_atto', tmp_path, model_args=model_args)
    assert list(reference.state_dict()) == list(ours.state_dict())


def test_num_classes_adaptation_matches_timm_pre_logits(tmp_path):
    reference, ours = check_num_classes_adaptation('convnext_atto', tmp_path)
    assert ours.get_classifier() is ours.head.fc
    assert torch.equal(ours.head.norm.weight, reference.head.norm.weight)


@pytest.mark.parametrize('arch', ['convnext_large_mlp', 'convnext_tiny_hnf', 'convnext_zepto_rms'])
def test_num_classes_adaptation_of_head_variants(arch, tmp_path):
    check_num_classes_adaptation(arch, tmp_path, model_args=reduced(arch) or None)


@pytest.mark.parametrize('arch', ['convnext_atto', 'convnextv2_atto', 'convnext_atto_ols', 'convnext_zepto_rms_ols'])
def test_in_chans_adaptation_matches_timm_logits(arch, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=1)


def test_fcmae_tag_without_head_norm_loads_as_timm_does(hub, tmp_path):
    """FCMAE weights have no head norm and no classifier; timm loads them non-strictly (identity norm)."""
    import timm

    folder = save_timm_folder(timm_model('convnextv2_atto', num_classes=0), tmp_path / 'fcmae')
    weights = folder / 'model.safetensors'
    state_dict = load_file(weights)
    assert 'head.norm.weight' in state_dict and 'head.fc.weight' not in state_dict
    save_file({k: v for k, v in state_dict.items() if not k.startswith('head.norm.')}, weights)
    hub.add_repo('timm/convnextv2_atto.fcmae', {'model.safetensors': weights.read_bytes()})

    reference = timm.create_model(f'local-dir:{folder}', pretrained=True, pretrained_strict=False).eval()
    ours = imgzoo.create_model('convnextv2_atto.fcmae', pretrained=True).eval()
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        out = ours(x)
        assert out.shape == (2, 320)
        assert_close(reference(x), out, 'outputs')
    assert torch.equal(ours.head.norm.weight, torch.ones(320))


def test_incomplete_checkpoint_with_classifier_is_still_refused(tmp_path):
    folder = save_timm_folder(timm_model('convnext_atto'), tmp_path / 'broken')
    weights = folder / 'model.safetensors'
    save_file({k: v for k, v in load_file(weights).items() if not k.startswith('head.norm.')}, weights)
    with pytest.raises(imgzoo.StateDictMismatchError, match='head.norm.weight'):
        imgzoo.create_model(f'local:{folder}', pretrained=True)


def test_global_pool_and_features_api():
    model = imgzoo.create_model('convnext_atto', num_classes=0, global_pool='max').eval()
    x = seeded_input((1, 3, 64, 64))
    assert model(x).shape == (1, 320)
    assert model.forward_features(x).shape == (1, 320, 2, 2)
    model.reset_classifier(7)
    assert model(x).shape == (1, 7)
    assert model.forward_head(model.forward_features(x), pre_logits=True).shape == (1, 320)
    model.reset_classifier(5, global_pool='')
    assert model(x).shape == (1, 5, 2, 2)


def test_reset_classifier_matches_timm_and_keeps_dtype(tmp_path):
    import timm

    folder = save_timm_folder(timm_model('convnext_atto', head_hidden_size=48), tmp_path / 'mlp_head',
                              model_args={'head_hidden_size': 48})
    reference = timm.create_model(f'local-dir:{folder}', pretrained=True).eval()
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    reference.reset_classifier(0, global_pool='')
    ours.reset_classifier(0, global_pool='')
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        out = ours(x)
        assert out.shape == (2, 48, 2, 2)
        assert_close(reference(x), out, 'outputs')
    ours.to(torch.float64).reset_classifier(3)
    assert ours.head.fc.weight.dtype == torch.float64


def test_pooling_that_widens_features_is_refused():
    with pytest.raises(imgzoo.InvalidModelArgsError, match='catavgmax'):
        imgzoo.create_model('convnext_atto', global_pool='catavgmax')


def test_drop_path_schedule_matches_timm():
    import timm

    def rates(model):
        return [float(getattr(b.drop_path, 'drop_prob', 0.0)) for s in model.stages for b in s.blocks]

    ours = imgzoo.create_model('convnext_atto', drop_rate=0.2, drop_path_rate=0.1)
    assert rates(ours) == pytest.approx(rates(timm.create_model('convnext_atto', drop_path_rate=0.1)), abs=1e-7)
    assert ours.head.drop.p == 0.2
    ours.train()
    ours(seeded_input((2, 3, 32, 32))).sum().backward()
    assert ours.stem[0].weight.grad is not None


def test_grad_checkpointing_reaches_every_stage(monkeypatch):
    """set_grad_checkpointing must switch the stages' own flags (as timm does): count the checkpointed calls."""
    from imgzoo.models import _base

    calls = []
    real = _base.checkpoint
    monkeypatch.setattr(_base, 'checkpoint', lambda fn, *a, **k: calls.append(1) or real(fn, *a, **k))
    model = imgzoo.create_model('convnext_atto', depths=(1, 1, 1, 1)).train()
    model.set_grad_checkpointing(True)
    assert all(stage.grad_checkpointing for stage in model.stages)
    model(seeded_input((1, 3, 32, 32))).sum().backward()
    assert len(calls) == 4
