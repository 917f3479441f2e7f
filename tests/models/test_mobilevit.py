"""MobileViT family: state-dict and output parity with timm in both directions, patch-grid resizing,
output stride, drop-path schedule, adaptation.

Every architecture at full size (64 px inputs keep them fast). The tag tables are checked by
tests/test_registry.py; the model contract by tests/test_model_contract.py.
"""
from __future__ import annotations

import pytest
import torch
from parity import (
    assert_same_outputs,
    check_imgzoo_to_timm,
    check_in_chans_adaptation,
    check_num_classes_adaptation,
    check_timm_to_imgzoo,
    seeded_input,
    timm_model,
)

import imgzoo

pytestmark = pytest.mark.usefixtures('one_thread')

ARCHS = [
    'mobilevit_s', 'mobilevit_xs', 'mobilevit_xxs', 'mobilevitv2_050', 'mobilevitv2_075', 'mobilevitv2_100',
    'mobilevitv2_125', 'mobilevitv2_150', 'mobilevitv2_175', 'mobilevitv2_200',
]


def _pair(arch, **kwargs):
    reference = timm_model(arch, **kwargs)
    ours = imgzoo.create_model(arch, **kwargs).eval()
    ours.load_state_dict(reference.state_dict())
    return reference, ours


def test_registered_archs_are_exactly_the_family():
    assert imgzoo.list_models('mobilevit*') == sorted(ARCHS)
    assert len(imgzoo.list_pretrained('mobilevit*')) == 16


@pytest.mark.parametrize('arch', ARCHS)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path)
    assert list(reference.state_dict()) == list(ours.state_dict())


@pytest.mark.parametrize('arch', ARCHS)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path)


@pytest.mark.parametrize('arch', ['mobilevit_xxs', 'mobilevitv2_050'])
@pytest.mark.parametrize('size', [(72, 72), (64, 96), (100, 76)])
def test_maps_off_the_patch_grid_are_resized_as_in_timm(arch, size):
    """v1 resizes the projected map to a patch multiple and back (bilinear); v2 resizes the block input."""
    reference, ours = _pair(arch)
    assert_same_outputs(reference, ours, (2, 3, *size), f'{arch} at {size}')


@pytest.mark.parametrize('arch', ['mobilevit_xs', 'mobilevitv2_075'])
@pytest.mark.parametrize('output_stride', [8, 16])
def test_output_stride_dilates_the_last_stages_as_in_timm(arch, output_stride):
    reference, ours = _pair(arch, output_stride=output_stride)
    assert_same_outputs(reference, ours, (2, 3, 64, 64), f'{arch} output_stride={output_stride}')
    with torch.no_grad():
        assert ours.forward_features(seeded_input((1, 3, 64, 64))).shape[-1] == 64 // output_stride


def test_output_stride_must_be_8_16_or_32():
    with pytest.raises(imgzoo.InvalidModelArgsError, match='output_stride must be 8, 16 or 32'):
        imgzoo.create_model('mobilevit_xxs', output_stride=4)


@pytest.mark.parametrize('arch', ['mobilevit_xxs', 'mobilevitv2_050'])
def test_drop_path_schedule_matches_timm(arch):
    import timm

    def rates(model):
        return [(n, round(m.drop_prob, 6)) for n, m in model.named_modules() if type(m).__name__ == 'DropPath']

    with torch.device('meta'):
        theirs = timm.create_model(arch, drop_path_rate=0.2)
    ours = imgzoo.create_model(arch, drop_path_rate=0.2, device='meta')
    ours_rates = rates(ours)
    assert ours_rates == [r for r in rates(theirs) if r[1] > 0 or 'transformer' in r[0]]
    assert max(r for _, r in ours_rates) == 0.2
    model = imgzoo.create_model(arch, drop_path_rate=0.2).train()
    x = seeded_input((2, 3, 64, 64))
    torch.manual_seed(0)
    first = model(x)
    torch.manual_seed(1)
    assert not torch.equal(first, model(x)), 'drop path had no effect in training'


@pytest.mark.parametrize('arch', ['mobilevit_xxs', 'mobilevitv2_050'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    _, ours = check_num_classes_adaptation(arch, tmp_path)
    assert ours.head.fc.weight.shape == (10, ours.num_features)


@pytest.mark.parametrize('arch,in_chans', [('mobilevit_xxs', 1), ('mobilevitv2_050', 4)])
def test_in_chans_adaptation_matches_timm_logits(arch, in_chans, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=in_chans)


@pytest.mark.parametrize('arch', ['mobilevit_xxs', 'mobilevitv2_050'])
def test_transformer_norms_match_timm_where_epsilon_dominates(arch):
    """BatchNorm before the transformer rescales a faint image, so whole-model parity cannot see the
    LayerNorm / GroupNorm epsilons: feed the transformer part faint tokens directly (variance ~1e-6)."""
    from parity import assert_close

    reference, ours = _pair(arch)
    theirs_block, ours_block = reference.stages[2][1], ours.stages[2][1]
    dim = ours_block.conv_1x1.out_channels
    tokens = seeded_input((8, 16, dim) if arch.startswith('mobilevit_') else (2, dim, 4, 16)) * 1e-3
    with torch.no_grad():
        assert_close(ours_block.norm(ours_block.transformer(tokens)),
                     theirs_block.norm(theirs_block.transformer(tokens)), f'{arch} transformer on faint tokens')
