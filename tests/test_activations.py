"""Every activation name timm's create_act_layer knows gives the same module output (and parameters) in imgzoo."""
from __future__ import annotations

import pytest
import torch

from imgzoo import InvalidModelArgsError
from imgzoo.layers.activations import create_act, get_act_layer

TIMM_NAMES = ['silu', 'swish', 'mish', 'relu', 'relu6', 'leaky_relu', 'elu', 'prelu', 'celu', 'selu', 'gelu',
              'gelu_tanh', 'quick_gelu', 'sigmoid', 'tanh', 'hard_sigmoid', 'hardsigmoid', 'hard_swish',
              'hardswish', 'hard_mish', 'identity']


def test_the_list_is_timms():
    from timm.layers.create_act import _ACT_LAYER_DEFAULT

    assert sorted(TIMM_NAMES) == sorted(_ACT_LAYER_DEFAULT)


@pytest.mark.parametrize('name', TIMM_NAMES)
@pytest.mark.parametrize('inplace', [False, True])
def test_activation_matches_timms(name, inplace):
    from timm.layers import create_act_layer

    x = torch.randn(2, 8, 5, 5, generator=torch.Generator().manual_seed(0)) * 4
    theirs = create_act_layer(name, inplace=inplace)
    ours = create_act(name, inplace=inplace)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    ours.load_state_dict(theirs.state_dict())
    expected = theirs(x.clone())
    got = ours(x.clone())
    assert torch.equal(got, expected), float((got - expected).abs().max())


def test_an_unknown_name_lists_the_known_ones():
    with pytest.raises(InvalidModelArgsError, match=r"Unknown activation 'swishh'.*'hard_mish'"):
        get_act_layer('swishh')
