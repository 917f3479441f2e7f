"""RegNetX / RegNetY: width generation, state-dict and output parity with timm in both directions, adaptation."""
from __future__ import annotations

import pytest
import torch
from parity import (
    check_imgzoo_to_timm,
    check_in_chans_adaptation,
    check_num_classes_adaptation,
    check_timm_to_imgzoo,
    distinct_networks,
    seeded_input,
)

import imgzoo
from imgzoo.models.regnet import MODEL_CFGS, RegNet, RegNetCfg, generate_regnet

ARCHS = sorted(MODEL_CFGS)
SMALL_WIDTHS = dict(w0=24, wa=36.44, wm=2.49, depth=13, group_size=8)


def reduced(arch: str) -> dict:
    """Parity runs at reduced size to stay inside the CI budget: up to 1.6 GF and 22 blocks at full size; larger
    RegNets with their own block options (SE, pre-activation, bottleneck ratio, shortcut, final conv, norm,
    activation) at the 200MF widths (13 blocks: deeper perturbed nets amplify float rounding past RTOL).
    Every architecture is also compared with timm at full size on the meta device (tests/test_model_contract.py),
    and every width configuration by test_block_widths_match_timm_for_every_timm_regnet_cfg."""
    small = int(arch.split('_')[1]) <= 16 and MODEL_CFGS[arch].depth <= 22
    if small:
        return {}
    # GroupNorm of 16-channel groups needs widths that are multiples of 16
    return dict(SMALL_WIDTHS, group_size=16) if MODEL_CFGS[arch].norm_layer == 'groupnorm16' else dict(SMALL_WIDTHS)


pytestmark = pytest.mark.usefixtures('one_thread')
# Parity both ways once per distinct reduced network (parity.distinct_networks): e.g. the larger RegNetX
# models at the 200MF widths build regnetx_002's network, on both sides.
DISTINCT = distinct_networks(ARCHS, reduced)


def test_registered_archs_are_exactly_timms_family():
    from timm.models import regnet as timm_regnet

    from imgzoo.registry import get_model_family

    ours = [a for a in imgzoo.list_models('regnet*') if get_model_family(a) == 'regnet']  # regnetz_* is ByobNet's
    assert ours == ARCHS == sorted(timm_regnet.model_cfgs)


def test_block_widths_match_timm_for_every_timm_regnet_cfg():
    from timm.models import regnet as timm_regnet

    assert len(timm_regnet.model_cfgs) >= 30
    for name, cfg in timm_regnet.model_cfgs.items():
        expected, _, _ = timm_regnet.generate_regnet(cfg.wa, cfg.w0, cfg.wm, cfg.depth, cfg.group_size)
        assert generate_regnet(cfg.wa, cfg.w0, cfg.wm, cfg.depth) == expected, name


@pytest.mark.parametrize('arch', DISTINCT)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, model_args=reduced(arch))
    assert list(reference.state_dict()) == list(ours.state_dict())


@pytest.mark.parametrize('arch', DISTINCT)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path, model_args=reduced(arch))


@pytest.mark.parametrize('model_args', [dict(output_stride=16), dict(output_stride=8, downsample='avg')])
def test_dilated_output_stride_matches_timm(model_args, tmp_path):
    reference, ours = check_timm_to_imgzoo('regnety_002', tmp_path, model_args=model_args)
    assert [d['reduction'] for d in ours.feature_info] == [d['reduction'] for d in reference.feature_info]


@pytest.mark.parametrize('model_args', [
    {'se_ratio': 0.25, 'downsample': 'avg'},
    {'num_features': 256, 'linear_out': True, 'bottle_ratio': 0.5, 'group_min_ratio': 0.9},
])
def test_cfg_overrides_match_timm(model_args, tmp_path):
    reference, ours = check_timm_to_imgzoo('regnetx_002', tmp_path, model_args=model_args)
    assert list(reference.state_dict()) == list(ours.state_dict())


@pytest.mark.parametrize('arch', ['regnety_008', 'regnetz_005', 'regnetv_040'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    _, ours = check_num_classes_adaptation(arch, tmp_path, model_args=reduced(arch) or None)
    assert ours.get_classifier() is ours.head.fc


@pytest.mark.parametrize('arch', ['regnetx_002', 'regnetv_040', 'regnety_040_sgn'])
def test_in_chans_adaptation_matches_timm_logits(arch, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=1, model_args=reduced(arch) or None)


def test_global_pool_and_features_api():
    model = imgzoo.create_model('regnetx_002', num_classes=0, global_pool='catavgmax').eval()
    x = seeded_input((1, 3, 64, 64))
    assert model(x).shape == (1, 2 * 368)
    assert model.forward_features(x).shape == (1, 368, 2, 2)
    model.reset_classifier(7, global_pool='avg')
    assert model(x).shape == (1, 7)
    assert model.forward_head(model.forward_features(x), pre_logits=True).shape == (1, 368)
    model.to(torch.float64).reset_classifier(3)
    assert model.head.fc.weight.dtype == torch.float64


def test_unknown_or_invalid_cfg_values_are_refused():
    with pytest.raises(imgzoo.InvalidModelArgsError, match='se_rato'):
        imgzoo.create_model('regnetx_002', se_rato=0.25)
    with pytest.raises(imgzoo.InvalidModelArgsError, match='downsample'):
        imgzoo.create_model('regnetx_002', downsample='maxpool')
    with pytest.raises(imgzoo.InvalidModelArgsError, match='4'):
        RegNet(RegNetCfg(w0=24, wa=36.44, wm=2.49, depth=3))


def test_drop_path_schedule_matches_timm():
    import timm

    def rates(model):
        blocks = [b for name in ('s1', 's2', 's3', 's4') for b in getattr(model, name).children()]
        return [float(getattr(b.drop_path, 'drop_prob', 0.0)) for b in blocks]

    ours = imgzoo.create_model('regnety_008', drop_rate=0.2, drop_path_rate=0.1)
    assert rates(ours) == pytest.approx(rates(timm.create_model('regnety_008', drop_path_rate=0.1)), abs=1e-7)
    assert ours.head.drop.p == 0.2
    ours.train()
    ours(seeded_input((2, 3, 32, 32))).sum().backward()
    assert ours.stem.conv.weight.grad is not None


def test_grad_checkpointing_reaches_every_stage(monkeypatch):
    """set_grad_checkpointing must switch the stages' own flags (as timm does): count the checkpointed calls."""
    from imgzoo.models import _base

    calls = []
    real = _base.checkpoint
    monkeypatch.setattr(_base, 'checkpoint', lambda fn, *a, **k: calls.append(1) or real(fn, *a, **k))
    model = imgzoo.create_model('regnetx_002').train()
    model.set_grad_checkpointing(True)
    model(seeded_input((2, 3, 32, 32))).sum().backward()
    assert len(calls) == 13  # one per block
