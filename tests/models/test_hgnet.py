"""HGNet family (PP-HGNet V1 and V2): state-dict and output parity with timm in both directions, the
learnable scalar affines, the head's pooling rules, drop-path schedule, adaptation.

Every architecture at full size (64 px inputs keep them fast). The tag tables are checked by
tests/test_registry.py; the model contract by tests/test_model_contract.py.
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
    seeded_input,
    timm_model,
)

import imgzoo

pytestmark = pytest.mark.usefixtures('one_thread')

ARCHS = [
    'hgnet_tiny', 'hgnet_small', 'hgnet_base', 'hgnetv2_b0', 'hgnetv2_b1', 'hgnetv2_b2', 'hgnetv2_b3',
    'hgnetv2_b4', 'hgnetv2_b5', 'hgnetv2_b6',
]
WITH_AFFINE = ['hgnetv2_b0', 'hgnetv2_b1', 'hgnetv2_b2', 'hgnetv2_b3']


def _randomise_affines_(model, seed=0):
    """perturb_constants_ leaves one-element tensors alone; the learnable affines are exactly those."""
    gen = torch.Generator().manual_seed(seed)
    count = 0
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(('lab.scale', 'lab.bias', 'last_conv.2.scale', 'last_conv.2.bias')):
                p.copy_(1 + torch.randn(1, generator=gen) * 0.3 if name.endswith('scale')
                        else torch.randn(1, generator=gen) * 0.2)
                count += 1
    return count


def test_registered_archs_are_exactly_the_family():
    assert imgzoo.list_models('hgnet*') == sorted(ARCHS)
    assert len(imgzoo.list_pretrained('hgnet*')) == 19


@pytest.mark.parametrize('arch', ARCHS)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path)
    assert list(reference.state_dict()) == list(ours.state_dict())


@pytest.mark.parametrize('arch', ARCHS)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path)


@pytest.mark.parametrize('arch', WITH_AFFINE)
def test_learnable_affines_load_and_apply_as_in_timm(arch, tmp_path):
    reference = timm_model(arch)
    assert _randomise_affines_(reference) > 0
    folder = save_timm_folder(reference, tmp_path / arch)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    assert_same_outputs(reference, ours, (2, 3, 64, 64), f'{arch}: timm -> imgzoo with learnt affines')


def test_learnable_affines_round_trip_to_timm(tmp_path):
    import timm

    torch.manual_seed(0)
    ours = perturb_constants_(imgzoo.create_model('hgnetv2_b0')).eval()
    assert _randomise_affines_(ours, seed=3) > 0
    folder = imgzoo.save_pretrained(ours, tmp_path / 'b0')
    reference = timm.create_model(f'local-dir:{folder}', pretrained=True).eval()
    assert_same_outputs(reference, ours, (2, 3, 64, 64), 'hgnetv2_b0: imgzoo -> timm with learnt affines')


def test_v2_large_models_have_no_affines_and_v1_no_se_aggregation():
    b4 = imgzoo.create_model('hgnetv2_b4', device='meta')
    assert not any('lab' in n for n, _ in b4.named_parameters())
    tiny = imgzoo.create_model('hgnet_tiny', device='meta')
    assert type(tiny.stages[0].blocks[0].aggregation[1]).__name__ == 'EseModule'


@pytest.mark.parametrize('size', [(63, 63), (64, 80), (97, 71)])
def test_odd_input_sizes_match_timm(size):
    """The V2 stem pads right/bottom before its 2x2 convs and ceil-mode pool: odd sizes exercise both."""
    reference = timm_model('hgnetv2_b0')
    _randomise_affines_(reference)
    ours = imgzoo.create_model('hgnetv2_b0').eval()
    ours.load_state_dict(reference.state_dict())
    assert_same_outputs(reference, ours, (2, 3, *size), f'hgnetv2_b0 at {size}')


def test_head_without_pooling_needs_no_classifier():
    with pytest.raises(imgzoo.InvalidModelArgsError, match="global_pool=''.*num_classes=0"):
        imgzoo.create_model('hgnetv2_b0', global_pool='')
    with pytest.raises(imgzoo.InvalidModelArgsError, match="global_pool='catavgmax'"):
        imgzoo.create_model('hgnetv2_b0', global_pool='catavgmax')
    reference = timm_model('hgnetv2_b0', num_classes=0, global_pool='')
    ours = imgzoo.create_model('hgnetv2_b0', num_classes=0, global_pool='').eval()
    ours.load_state_dict(reference.state_dict())
    x = seeded_input((1, 3, 64, 64))
    with torch.no_grad():
        assert_close(ours(x), reference(x), 'unpooled head (1x1 conv at every position)')
    assert ours(x).shape == (1, 2048, 2, 2)


@pytest.mark.parametrize('arch', ['hgnet_tiny', 'hgnetv2_b0'])
def test_drop_path_schedule_matches_timm(arch):
    import timm

    def rates(model):
        return [(n, round(m.drop_prob, 6)) for n, m in model.named_modules() if type(m).__name__ == 'DropPath']

    with torch.device('meta'):
        theirs = timm.create_model(arch, drop_path_rate=0.3)
    ours = imgzoo.create_model(arch, drop_path_rate=0.3, device='meta')
    assert rates(ours) == rates(theirs) and rates(ours)


@pytest.mark.parametrize('arch', ['hgnet_tiny', 'hgnetv2_b0', 'hgnetv2_b4'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    _, ours = check_num_classes_adaptation(arch, tmp_path)
    assert ours.head.fc.weight.shape == (10, 2048)


@pytest.mark.parametrize('arch', ['hgnet_tiny', 'hgnetv2_b0'])
def test_in_chans_adaptation_matches_timm_logits(arch, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=1)
