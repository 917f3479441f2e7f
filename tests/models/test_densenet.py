"""DenseNet family: state-dict and output parity with timm in both directions, blur-pool buffers, adaptation.

densenet121 and densenetblur121d at full depth; densenet169/201/161/264d with block_config=(2, 3, 4, 2)
(their dense layers are identical modules repeated; growth rate and stem are theirs). Full-size state
dicts of every architecture are checked against timm on the meta device by tests/test_model_contract.py.
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

SHORT = dict(block_config=(2, 3, 4, 2))
ARCH_ARGS = {
    'densenet121': {},
    'densenetblur121d': {},
    'densenet169': SHORT,
    'densenet201': SHORT,
    'densenet161': SHORT,
    'densenet264d': SHORT,
}


def test_registered_archs_are_exactly_the_family():
    assert set(imgzoo.list_models('densenet*')) == set(ARCH_ARGS)


@pytest.mark.parametrize('arch', ARCH_ARGS)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, model_args=ARCH_ARGS[arch])
    assert list(reference.state_dict()) == list(ours.state_dict())


@pytest.mark.parametrize('arch', ARCH_ARGS)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path, model_args=ARCH_ARGS[arch])


def test_blur_filters_are_computed_after_a_meta_build(tmp_path):
    """The blur filters are not in checkpoints: a pretrained (meta-device) load must compute them."""
    _, ours = check_timm_to_imgzoo('densenetblur121d', tmp_path, model_args=SHORT)
    blur = ours.features.pool0[1]
    expected = torch.tensor([1.0, 2.0, 1.0])
    assert torch.equal(blur.filt[0, 0], expected[:, None] * expected[None, :] / 16)
    assert blur.filt.shape == (64, 1, 3, 3) and 'features.pool0.1.filt' not in ours.state_dict()


def test_memory_efficient_checkpointing_matches_plain_gradients():
    torch.manual_seed(0)
    plain = imgzoo.create_model('densenet121', **SHORT).train()
    efficient = imgzoo.create_model('densenet121', memory_efficient=True, **SHORT).train()
    efficient.load_state_dict(plain.state_dict())
    x = seeded_input((2, 3, 64, 64))
    for model in (plain, efficient):
        (model(x) ** 2).mean().backward()
    for (name, a), (_, b) in zip(plain.named_parameters(), efficient.named_parameters()):
        assert_close(b.grad, a.grad, f'gradient of {name} with memory_efficient', rtol=1e-4)


def test_proj_drop_rate_is_applied_in_training_only():
    reference = timm_model('densenet121', proj_drop_rate=0.5, **SHORT)
    ours = imgzoo.create_model('densenet121', proj_drop_rate=0.5, **SHORT).eval()
    ours.load_state_dict(reference.state_dict())
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        assert_close(ours(x), reference(x), 'eval output with proj_drop_rate')
        torch.manual_seed(3)
        a = ours.train()(x)
        torch.manual_seed(3)
        b = reference.train()(x)
        assert_close(a, b, 'training output with proj_drop_rate (same dropout masks)')
        assert float((a - ours.eval()(x)).abs().max()) > 1e-3


def test_num_classes_adaptation_matches_timm_pre_logits(tmp_path):
    _, ours = check_num_classes_adaptation('densenet121', tmp_path, model_args=SHORT)
    assert ours.classifier.weight.shape == (10, ours.num_features)


@pytest.mark.parametrize('arch', ['densenet121', 'densenetblur121d'])
def test_in_chans_adaptation_matches_timm_logits(arch, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=1, model_args=SHORT)


def test_bad_options_are_refused():
    with pytest.raises(imgzoo.InvalidModelArgsError, match='stem_type must be one of'):
        imgzoo.create_model('densenet121', stem_type='wide')
    with pytest.raises(imgzoo.InvalidModelArgsError, match="aa_layer must be None or 'blur'"):
        imgzoo.create_model('densenet121', aa_layer='gauss')
