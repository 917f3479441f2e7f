"""The shared parity helper must tell a correct port from one with a wrong constant.

Each case loads timm's weights into imgzoo's model, checks it passes, then changes one normalisation
epsilon (a mutation a family port could make) and checks the helper fails. Every family test compares
through `assert_same_outputs` / `assert_close`, so this proves their power too.
"""
from __future__ import annotations

import pytest
from parity import assert_same_outputs, timm_model

import imgzoo

pytestmark = pytest.mark.usefixtures('one_thread')

CASES = [
    ('resnet18', ('BatchNorm2d',), 1e-3),
    ('efficientnet_b0', ('BatchNorm2d', 'BatchNormAct2d'), 1e-3),
    ('regnety_008', ('BatchNorm2d', 'BatchNormAct2d'), 1e-3),
    ('tf_mobilenetv3_large_100', ('BatchNorm2d', 'BatchNormAct2d'), 1e-5),
    ('convnext_atto', ('LayerNorm2d', 'LayerNorm'), 1e-5),
]


@pytest.mark.parametrize('arch,norm_types,wrong_eps', CASES)
def test_wrong_norm_epsilon_is_caught(arch, norm_types, wrong_eps):
    reference = timm_model(arch)
    ours = imgzoo.create_model(arch).eval()
    ours.load_state_dict(reference.state_dict())
    assert_same_outputs(reference, ours, (2, 3, 64, 64), arch)
    for module in ours.modules():
        if type(module).__name__ in norm_types:
            module.eps = wrong_eps
    with pytest.raises(AssertionError, match='differs by'):
        assert_same_outputs(reference, ours, (2, 3, 64, 64), f'{arch} with eps={wrong_eps}')


def test_vit_layernorm_epsilon_is_caught():
    reference = timm_model('vit_tiny_patch16_224', depth=2)
    ours = imgzoo.create_model('vit_tiny_patch16_224', depth=2).eval()
    ours.load_state_dict(reference.state_dict())
    assert_same_outputs(reference, ours, (1, 3, 224, 224), 'vit')
    for module in ours.modules():
        if type(module).__name__ == 'LayerNorm':
            module.eps = 1e-5
    with pytest.raises(AssertionError, match='differs by'):
        assert_same_outputs(reference, ours, (1, 3, 224, 224), 'vit with eps=1e-5')
