"""EfficientViT (MIT) family: state-dict and output parity with timm in both directions, float32 linear
attention under autocast, the head's epsilons and pooling, adaptation.

b0-b2 run at full size; b3, l1, l2 and l3 at reduced depth (one block in the first three stages, two in
the last two: depths=(1, 1, 1, 2, 2)), l3 also with a narrower head (head_widths=(1536, 1600)), which keeps
every block type and width while cutting l3 from 246M to about 60M parameters. The tag tables are checked
by tests/test_registry.py; the model contract by tests/test_model_contract.py.
"""
from __future__ import annotations

import pytest
import torch
from parity import (
    assert_close,
    check_imgzoo_to_timm,
    check_in_chans_adaptation,
    check_num_classes_adaptation,
    check_timm_to_imgzoo,
    seeded_input,
    timm_model,
)

import imgzoo

pytestmark = pytest.mark.usefixtures('one_thread')

SHALLOW = dict(depths=(1, 1, 1, 2, 2))
ARCHS = {
    'efficientvit_b0': {},
    'efficientvit_b1': {},
    'efficientvit_b2': {},
    'efficientvit_b3': SHALLOW,
    'efficientvit_l1': SHALLOW,
    'efficientvit_l2': SHALLOW,
    'efficientvit_l3': dict(SHALLOW, head_widths=(1536, 1600)),
}


def _pair(arch, **kwargs):
    reference = timm_model(arch, **kwargs)
    ours = imgzoo.create_model(arch, **kwargs).eval()
    ours.load_state_dict(reference.state_dict())
    return reference, ours


def test_registered_archs_are_exactly_the_family():
    assert imgzoo.list_models('efficientvit_*') == sorted(ARCHS)
    assert len(imgzoo.list_pretrained('efficientvit_*')) == 19


@pytest.mark.parametrize('arch', ARCHS)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, model_args=ARCHS[arch])
    assert list(reference.state_dict()) == list(ours.state_dict())


@pytest.mark.parametrize('arch', ARCHS)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path, model_args=ARCHS[arch])


@pytest.mark.parametrize('arch', ['efficientvit_b0', 'efficientvit_l1'])
def test_linear_attention_stays_float32_under_autocast(arch):
    """LiteMLA's division by the attention normaliser is unstable in bfloat16; timm computes it in float32
    with autocast off, so must we."""
    reference, ours = _pair(arch, **ARCHS[arch])
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad(), torch.autocast('cpu', dtype=torch.bfloat16):
        assert_close(ours(x).float(), reference(x).float(), f'{arch} under bfloat16 autocast')


@pytest.mark.parametrize('arch', ['efficientvit_b0', 'efficientvit_l1'])
def test_head_hidden_layers_match_timm_where_epsilon_dominates(arch):
    """The head's LayerNorm (eps 1e-5 for B, 1e-7 for L) sees O(1) inputs in a whole-model run: feed it
    faint pooled features directly."""
    reference, ours = _pair(arch, **ARCHS[arch])
    pooled = seeded_input((4, ours.head.widths[0])) * 1e-4
    with torch.no_grad():
        assert_close(ours.head.classifier(pooled), reference.head.classifier(pooled), f'{arch} head on faint input')


@pytest.mark.parametrize('pool', ['max', 'avgmax'])
def test_global_pool_options_match_timm(pool):
    reference, ours = _pair('efficientvit_b0', global_pool=pool)
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        assert_close(ours(x), reference(x), f'global_pool={pool}')


@pytest.mark.parametrize('pool', ['', 'catavgmax'])
def test_head_refuses_pooling_it_cannot_take(pool):
    with pytest.raises(imgzoo.InvalidModelArgsError, match="global_pool=.*'avg', 'max' or 'avgmax'"):
        imgzoo.create_model('efficientvit_b0', global_pool=pool)
    model = imgzoo.create_model('efficientvit_b0', num_classes=5)
    with pytest.raises(imgzoo.InvalidModelArgsError, match='global_pool'):
        model.reset_classifier(0, pool)
    assert model.num_classes == 5 and model.get_classifier().out_features == 5


def test_widths_must_describe_stem_and_four_stages():
    with pytest.raises(imgzoo.InvalidModelArgsError, match='5 entries'):
        imgzoo.create_model('efficientvit_b0', depths=(1, 2, 2))


@pytest.mark.parametrize('arch', ['efficientvit_b0', 'efficientvit_l1'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    _, ours = check_num_classes_adaptation(arch, tmp_path, model_args=ARCHS[arch])
    assert ours.get_classifier().weight.shape == (10, ours.head_hidden_size)


@pytest.mark.parametrize('arch', ['efficientvit_b0', 'efficientvit_l1'])
def test_in_chans_adaptation_matches_timm_logits(arch, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=1, model_args=ARCHS[arch])
