"""NFNet family: parity with timm in both directions, scaled weight standardisation, skip-init, adaptation.

Every architecture at one block per stage (depths=(1, 1, 1, 1); test_nfnet is that size already): blocks of
a stage are one module repeated, and each architecture keeps its own widths, stem, attention and options.
Full-size state dicts of every architecture are checked against timm on the meta device by
tests/test_model_contract.py. The DeepMind ports' skip-init gains are scalars, which parity.perturb_constants_
leaves at their initial zero (so the residual branch would not count): the tests here set them.
"""
from __future__ import annotations

import pytest
import torch
from parity import (
    assert_close,
    assert_same_outputs,
    check_imgzoo_to_timm,
    check_in_chans_adaptation,
    check_num_classes_adaptation,
    check_timm_to_imgzoo,
    perturb_constants_,
    save_timm_folder,
    timm_model,
)

import imgzoo
from imgzoo.layers import ScaledStdConv2d

pytestmark = pytest.mark.usefixtures('one_thread')

ONE = dict(depths=(1, 1, 1, 1))
ARCHS = [
    'dm_nfnet_f0', 'dm_nfnet_f1', 'dm_nfnet_f2', 'dm_nfnet_f3', 'dm_nfnet_f4', 'dm_nfnet_f5', 'dm_nfnet_f6',
    'nfnet_f0', 'nfnet_f1', 'nfnet_f2', 'nfnet_f3', 'nfnet_f4', 'nfnet_f5', 'nfnet_f6', 'nfnet_f7', 'nfnet_l0',
    'eca_nfnet_l0', 'eca_nfnet_l1', 'eca_nfnet_l2', 'eca_nfnet_l3',
    'nf_regnet_b0', 'nf_regnet_b1', 'nf_regnet_b2', 'nf_regnet_b3', 'nf_regnet_b4', 'nf_regnet_b5',
    'nf_resnet26', 'nf_resnet50', 'nf_resnet101', 'nf_seresnet26', 'nf_seresnet50', 'nf_seresnet101',
    'nf_ecaresnet26', 'nf_ecaresnet50', 'nf_ecaresnet101', 'test_nfnet',
]
DM = [a for a in ARCHS if a.startswith('dm_')]


def _args(arch):
    return {} if arch == 'test_nfnet' else ONE


def _set_skipinit_gains_(model, seed=0):
    gen = torch.Generator().manual_seed(seed)
    gains = [p for n, p in model.named_parameters() if n.endswith('skipinit_gain')]
    with torch.no_grad():
        for p in gains:
            p.copy_(0.5 + torch.rand((), generator=gen))
    return len(gains)


def test_registered_archs_are_exactly_the_family():
    assert set(imgzoo.list_models(['*nfnet*', 'nf_*'])) == set(ARCHS)


@pytest.mark.parametrize('arch', [a for a in ARCHS if a not in DM])
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, model_args=_args(arch))
    assert list(reference.state_dict()) == list(ours.state_dict())


@pytest.mark.parametrize('arch', [a for a in ARCHS if a not in DM])
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path, model_args=_args(arch))


@pytest.mark.parametrize('arch', DM)
def test_deepmind_ports_both_ways_with_live_skipinit_gains(arch, tmp_path):
    import timm

    reference = timm_model(arch, **ONE)
    assert _set_skipinit_gains_(reference) == 4
    folder = save_timm_folder(reference, tmp_path / 'timm', model_args=ONE)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    assert list(ours.state_dict()) == list(reference.state_dict())
    assert_same_outputs(reference, ours, (2, 3, 64, 64), f'{arch}: timm -> imgzoo logits')

    torch.manual_seed(1)
    ours = perturb_constants_(imgzoo.create_model(arch, **ONE), seed=1).eval()
    _set_skipinit_gains_(ours, seed=1)
    folder = imgzoo.save_pretrained(ours, tmp_path / 'imgzoo')
    theirs = timm.create_model(f'local-dir:{folder}', pretrained=True).eval()
    assert_same_outputs(theirs, ours, (2, 3, 64, 64), f'{arch}: imgzoo -> timm logits')


def test_scaled_weight_standardisation_is_timms_formula():
    model = imgzoo.create_model('nf_resnet26', **ONE)
    conv = model.stages[1][0].conv2
    assert isinstance(conv, ScaledStdConv2d) and conv.eps == 1e-5
    with torch.no_grad():
        conv.gain.copy_(torch.linspace(0.5, 2.0, conv.out_channels).view(-1, 1, 1, 1))
        flat = conv.weight.reshape(conv.out_channels, -1)
        fan_in = flat.shape[1]
        mean, var = flat.mean(1, keepdim=True), flat.var(1, unbiased=False, keepdim=True)
        expected = (flat - mean) / torch.sqrt(var + 1e-5) * conv.gain.view(-1, 1) * 1.7139588594436646 / fan_in ** 0.5
        assert_close(conv.standardized_weight(), expected.reshape_as(conv.weight), 'scaled standardised weight')


def test_deepmind_same_padding_matches_timm_on_odd_sizes():
    reference = timm_model('dm_nfnet_f0', **ONE)
    _set_skipinit_gains_(reference)
    ours = imgzoo.create_model('dm_nfnet_f0', **ONE).eval()
    ours.load_state_dict(reference.state_dict())
    assert_same_outputs(reference, ours, (1, 3, 67, 93), 'dm_nfnet_f0 on a 67x93 input')


@pytest.mark.parametrize('arch', ['nf_resnet26', 'nfnet_l0'])
def test_dilated_output_stride_matches_timm(arch):
    reference = timm_model(arch, output_stride=16, **ONE)
    ours = imgzoo.create_model(arch, output_stride=16, **ONE).eval()
    ours.load_state_dict(reference.state_dict())
    assert_same_outputs(reference, ours, (2, 3, 64, 64), f'{arch} at output_stride=16')


@pytest.mark.parametrize('arch', ['nfnet_l0', 'nf_regnet_b0'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    _, ours = check_num_classes_adaptation(arch, tmp_path, model_args=ONE)
    assert ours.head.fc.weight.shape[0] == 10


@pytest.mark.parametrize('arch', ['eca_nfnet_l0', 'nf_regnet_b0', 'nf_resnet26'])
def test_in_chans_adaptation_matches_timm_logits(arch, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=1, model_args=ONE)


def test_bad_overrides_are_refused():
    with pytest.raises(imgzoo.InvalidModelArgsError, match="does not accept 'depth'.*NfCfg fields"):
        imgzoo.create_model('nfnet_l0', depth=3)
    with pytest.raises(imgzoo.InvalidModelArgsError, match='act_layer must be one of'):
        imgzoo.create_model('nfnet_l0', act_layer='swishy')
    with pytest.raises(imgzoo.InvalidModelArgsError, match="attn_layer must be None, 'se' or 'eca'"):
        imgzoo.create_model('nfnet_l0', attn_layer='cbam')
