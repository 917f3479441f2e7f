"""PP-HGNet / HGNetV2: parity with timm in both directions for every architecture (full size: timm's
builders fix the configuration; 64x64 inputs keep it fast), the head's options, adaptation.

The learnable affine blocks of V2-B0..B3 hold one-element parameters, which parity.perturb_constants_ leaves
at their initial 1 and 0 (an identity): the tests here set them.
"""
from __future__ import annotations

import pytest
import torch
from parity import (
    assert_close,
    assert_same_outputs,
    check_in_chans_adaptation,
    check_num_classes_adaptation,
    perturb_constants_,
    save_timm_folder,
    seeded_input,
    timm_model,
)

import imgzoo

pytestmark = pytest.mark.usefixtures('one_thread')

ARCHS = ['hgnet_tiny', 'hgnet_small', 'hgnet_base', 'hgnetv2_b0', 'hgnetv2_b1', 'hgnetv2_b2', 'hgnetv2_b3',
         'hgnetv2_b4', 'hgnetv2_b5', 'hgnetv2_b6']
LAB = {'hgnetv2_b0', 'hgnetv2_b1', 'hgnetv2_b2', 'hgnetv2_b3'}
SHAPE = (2, 3, 64, 64)


def _randomise_affine_(model, seed=0):
    gen = torch.Generator().manual_seed(seed)
    count = 0
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith('.scale'):
                p.copy_(1.0 + torch.randn(p.shape, generator=gen) * 0.2)
                count += 1
            elif name.endswith('lab.bias') or name.endswith('last_conv.2.bias'):
                p.copy_(torch.randn(p.shape, generator=gen) * 0.2)
                count += 1
    return count


def test_registered_archs_are_exactly_the_family():
    assert set(imgzoo.list_models('hgnet*')) == set(ARCHS)


@pytest.mark.parametrize('arch', ARCHS)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference = timm_model(arch)
    assert (_randomise_affine_(reference) > 0) == (arch in LAB)
    folder = save_timm_folder(reference, tmp_path / 'timm')
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    assert list(ours.state_dict()) == list(reference.state_dict())
    assert_same_outputs(reference, ours, SHAPE, f'{arch}: timm -> imgzoo logits')


@pytest.mark.parametrize('arch', ARCHS)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    import timm

    torch.manual_seed(0)
    ours = perturb_constants_(imgzoo.create_model(arch)).eval()
    _randomise_affine_(ours, seed=1)
    folder = imgzoo.save_pretrained(ours, tmp_path / 'imgzoo')
    theirs = timm.create_model(f'local-dir:{folder}', pretrained=True).eval()
    assert_same_outputs(theirs, ours, SHAPE, f'{arch}: imgzoo -> timm logits')


@pytest.mark.parametrize('arch', ['hgnetv2_b0', 'hgnet_tiny'])
def test_head_options_match_timm(arch):
    """Max pooling, and reset_classifier(reset_other=True) dropping the hidden conv. (timm.create_model drops
    None-valued kwargs, so head_hidden_size=None is checked on its own below.)"""
    for kwargs in (dict(global_pool='max'),):
        reference = timm_model(arch, **kwargs)
        ours = imgzoo.create_model(arch, **kwargs).eval()
        ours.load_state_dict(reference.state_dict())
        assert ours.head_hidden_size == reference.head_hidden_size
        assert_same_outputs(reference, ours, SHAPE, f'{arch} with {kwargs}')
    reference.reset_classifier(5, reset_other=True)
    ours.reset_classifier(5, reset_other=True)
    ours.get_classifier().load_state_dict(reference.get_classifier().state_dict())
    assert ours.head_hidden_size == reference.head_hidden_size == ours.num_features
    x = seeded_input(SHAPE)
    with torch.no_grad():
        assert_close(ours(x), reference(x), f'{arch} after reset_classifier(5, reset_other=True)')


def test_a_keyword_given_as_none_means_its_default_as_in_timm():
    """timm.create_model drops None-valued keywords; imgzoo does the same (head_hidden_size=None is 2048 here)."""
    import timm

    ours = imgzoo.create_model('hgnetv2_b0', head_hidden_size=None)
    theirs = timm.create_model('hgnetv2_b0', head_hidden_size=None)
    assert ours.head_hidden_size == theirs.head_hidden_size == 2048
    assert not isinstance(ours.head.last_conv, torch.nn.Identity)


def test_unpooled_head_with_classes_is_refused():
    with pytest.raises(imgzoo.InvalidModelArgsError, match="global_pool='' .*needs num_classes=0"):
        imgzoo.create_model('hgnetv2_b0', global_pool='')


@pytest.mark.parametrize('arch', ['hgnetv2_b0', 'hgnet_tiny'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    _, ours = check_num_classes_adaptation(arch, tmp_path)
    assert ours.head.fc.weight.shape == (10, 2048)


@pytest.mark.parametrize('arch', ['hgnetv2_b0', 'hgnet_tiny'])
def test_in_chans_adaptation_matches_timm_logits(arch, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=1)
