"""Swin Transformer V2 family: parity with timm both ways for every architecture, the fast (meta-device)
path and its buffers, img_size / window_size changes, adaptation.

Sizes are reduced to keep CI fast: every architecture keeps its window and pretrained-window sizes
but runs at 64-128 px with fewer blocks (a plain and a shifted, masked block in the first stages)
and, above tiny, narrower stages (ARCH_ARGS). Full sizes are checked on the meta device in
tests/test_model_contract.py.
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
    save_timm_folder,
    seeded_input,
    timm_model,
)

import imgzoo
from imgzoo.layers.relative_position import log_spaced_relative_coords
from imgzoo.meta import meta_device
from imgzoo.registry import get_model_entrypoint

timm = pytest.importorskip('timm')
pytestmark = pytest.mark.usefixtures('one_thread')

_NARROW = dict(embed_dim=32, num_heads=(1, 2, 2, 4))
_ARCHS = [
    'swinv2_base_window12_192', 'swinv2_base_window12to16_192to256', 'swinv2_base_window12to24_192to384',
    'swinv2_base_window16_256', 'swinv2_base_window8_256', 'swinv2_large_window12_192',
    'swinv2_large_window12to16_192to256', 'swinv2_large_window12to24_192to384', 'swinv2_small_window16_256',
    'swinv2_small_window8_256', 'swinv2_tiny_window16_256', 'swinv2_tiny_window8_256',
]
# Inputs large enough that the first stage's map exceeds the window, so its second block is shifted and
# masked: 64 px for windows of 8 and 12, 96 px for 16, 128 px for 24.
_INPUT = {'window8': 64, 'window12_': 64, 'window16': 96, 'to16': 96, 'to24': 128}
ARCH_ARGS = {arch: dict(img_size=next(size for key, size in _INPUT.items() if key in arch), depths=(2, 2, 1, 1),
                        **({} if arch == 'swinv2_tiny_window8_256' else _NARROW)) for arch in _ARCHS}


def _shape(args: dict) -> tuple:
    size = args['img_size']
    h, w = (size, size) if isinstance(size, int) else size
    return (2, 3, h, w)


def test_registered_archs_are_exactly_timms():
    assert imgzoo.list_models('swinv2_*') == sorted(_ARCHS) == sorted(timm.list_models(module='swin_transformer_v2'))


@pytest.mark.parametrize('arch', _ARCHS)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    """Through `local:` on the fast path: a meta-device build whose tables, indices, key biases and masks
    are then computed."""
    args = ARCH_ARGS[arch]
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, _shape(args), model_args=args)
    assert list(reference.state_dict()) == list(ours.state_dict())
    ours_buffers = dict(ours.named_buffers())
    for name, buffer in reference.named_buffers():
        assert name in ours_buffers and not ours_buffers[name].is_meta, name
        assert torch.equal(ours_buffers[name], buffer), name


@pytest.mark.parametrize('arch', _ARCHS)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    args = ARCH_ARGS[arch]
    check_imgzoo_to_timm(arch, tmp_path, _shape(args), model_args=args)


def test_meta_build_leaves_buffers_to_init_non_persistent_buffers():
    args = dict(img_size=64, depths=(1, 2, 1, 1))
    with meta_device():
        model = get_model_entrypoint('swinv2_tiny_window8_256')(**args)
    block = model.layers[1].blocks[1]
    assert block.attn_mask is None and block.attn.k_bias is None and block.attn.relative_coords_table is None
    model.to_empty(device='cpu')
    model.init_non_persistent_buffers()
    plain_buffers = dict(imgzoo.create_model('swinv2_tiny_window8_256', **args).named_buffers())
    assert plain_buffers and set(plain_buffers) == set(dict(model.named_buffers()))
    for name, buffer in model.named_buffers():
        assert torch.equal(buffer, plain_buffers[name]), name


@pytest.mark.parametrize('window,pretrained', [((8, 8), (0, 0)), ((5, 9), (0, 0)), ((16, 16), (12, 12)), ((1, 3), (0, 0))])
def test_log_spaced_coords_are_timms(window, pretrained):
    from timm.models.swin_transformer_v2 import WindowAttention as TimmAttention

    theirs = TimmAttention(8, window_size=window, num_heads=2, pretrained_window_size=pretrained)
    ours = log_spaced_relative_coords(window, pretrained)
    assert_close(ours, theirs.relative_coords_table, f'coords table {window} from {pretrained}')


@pytest.mark.parametrize('new_args', [
    dict(img_size=96, window_size=12),  # bigger windows than trained: the MLP extrapolates
    dict(img_size=96, window_size=12, pretrained_window_sizes=(8, 8, 8, 4)),
    dict(img_size=(64, 96), window_size=(4, 6)),
])
def test_img_size_and_window_change_on_load_matches_timm(new_args, tmp_path):
    base = dict(img_size=64, depths=(1, 2, 1, 1))
    folder = save_timm_folder(timm_model('swinv2_tiny_window8_256', **base), tmp_path / 'timm_swinv2',
                              model_args=base)
    reference = timm.create_model(f'local-dir:{folder}', pretrained=True, **new_args).eval()
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, **new_args).eval()
    assert_same_outputs(reference, ours, _shape(new_args), f'swinv2 after {new_args}')


def test_num_classes_adaptation_matches_timm_pre_logits(tmp_path):
    args = dict(img_size=64, depths=(1, 2, 1, 1))
    _, ours = check_num_classes_adaptation('swinv2_tiny_window8_256', tmp_path, model_args=args)
    assert ours.head.fc.weight.shape == (10, ours.num_features)


@pytest.mark.parametrize('in_chans', [1, 4])
def test_in_chans_adaptation_matches_timm_logits(in_chans, tmp_path):
    check_in_chans_adaptation('swinv2_tiny_window8_256', tmp_path, in_chans=in_chans,
                              model_args=dict(img_size=64, depths=(1, 2, 1, 1), **_NARROW))


def test_dynamic_img_size_and_errors():
    args = dict(img_size=64, depths=(1, 2, 1, 1), dynamic_img_size=True)
    reference = timm_model('swinv2_tiny_window8_256', **args)
    ours = imgzoo.create_model('swinv2_tiny_window8_256', **args).eval()
    ours.load_state_dict(reference.state_dict())
    assert_same_outputs(reference, ours, (2, 3, 96, 128), 'swinv2 dynamic_img_size at 96x128')
    with pytest.raises(imgzoo.InvalidModelArgsError, match='pretrained_window_sizes needs one value per stage'):
        imgzoo.create_model('swinv2_tiny_window8_256', pretrained_window_sizes=(8, 8))
    strict = imgzoo.create_model('swinv2_tiny_window8_256', img_size=64, depths=(1, 2, 1, 1))
    with pytest.raises(imgzoo.InputSizeError, match='takes exactly 64x64'):
        strict(seeded_input((1, 3, 96, 96)))
