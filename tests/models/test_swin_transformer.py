"""Swin Transformer family: parity with timm both ways for every architecture, the fast (meta-device) path,
img_size / window_size changes, relative position table resizing, adaptation.

Sizes are reduced to keep CI fast: every architecture keeps its window sizes, patch size and head
layout but runs at 64-96 px with fewer blocks (one plain and one shifted block where the shift
matters) and, above tiny, narrower stages (ARCH_ARGS). Full sizes are checked on the meta device in
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
    perturb_constants_,
    save_timm_folder,
    seeded_input,
    timm_model,
)

import imgzoo
from imgzoo.layers.relative_position import relative_position_index, resize_rel_pos_bias_table
from imgzoo.meta import meta_device
from imgzoo.registry import get_model_entrypoint

timm = pytest.importorskip('timm')
pytestmark = pytest.mark.usefixtures('one_thread')

_NARROW = dict(embed_dim=32, num_heads=(1, 2, 2, 4))
ARCH_ARGS = {
    'swin_tiny_patch4_window7_224': (dict(img_size=64, depths=(1, 2, 1, 1)), 64),
    'swin_small_patch4_window7_224': (dict(img_size=64, depths=(1, 2, 2, 1), **_NARROW), 64),
    'swin_base_patch4_window7_224': (dict(img_size=64, depths=(1, 2, 2, 1), **_NARROW), 64),
    'swin_base_patch4_window12_384': (dict(img_size=96, depths=(2, 2, 1, 1), **_NARROW), 96),
    'swin_large_patch4_window7_224': (dict(img_size=64, depths=(1, 2, 2, 1), **_NARROW), 64),
    'swin_large_patch4_window12_384': (dict(img_size=96, depths=(2, 2, 1, 1), **_NARROW), 96),
    'swin_s3_tiny_224': (dict(img_size=64, depths=(1, 2, 2, 1), **_NARROW), 64),
    'swin_s3_small_224': (dict(img_size=(64, 96), depths=(2, 2, 2, 1), **_NARROW), (64, 96)),
    'swin_s3_base_224': (dict(img_size=64, depths=(1, 2, 2, 1), **_NARROW), 64),
}


def _shape(size) -> tuple:
    h, w = (size, size) if isinstance(size, int) else size
    return (2, 3, h, w)


def test_registered_archs_are_exactly_timms():
    assert imgzoo.list_models(['swin_t*', 'swin_s*', 'swin_b*', 'swin_l*']) == sorted(ARCH_ARGS)
    assert sorted(ARCH_ARGS) == sorted(timm.list_models(module='swin_transformer'))


@pytest.mark.parametrize('arch', sorted(ARCH_ARGS))
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    """Through `local:` on the fast path: a meta-device build whose index buffers and masks are then computed."""
    model_args, size = ARCH_ARGS[arch]
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, _shape(size), model_args=model_args)
    assert list(reference.state_dict()) == list(ours.state_dict())
    ours_buffers = dict(ours.named_buffers())
    for name, buffer in reference.named_buffers():
        assert name in ours_buffers and not ours_buffers[name].is_meta, name
        assert torch.equal(ours_buffers[name], buffer), name


@pytest.mark.parametrize('arch', sorted(ARCH_ARGS))
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    model_args, size = ARCH_ARGS[arch]
    check_imgzoo_to_timm(arch, tmp_path, _shape(size), model_args=model_args)


def test_meta_build_leaves_buffers_to_init_non_persistent_buffers():
    with meta_device():
        model = get_model_entrypoint('swin_tiny_patch4_window7_224')(img_size=64, depths=(1, 2, 1, 1))
    assert all(p.is_meta for p in model.parameters())
    shifted = model.layers[1].blocks[1]
    assert shifted.attn.relative_position_index is None and shifted.attn_mask is None
    model.to_empty(device='cpu')
    model.init_non_persistent_buffers()
    plain = imgzoo.create_model('swin_tiny_patch4_window7_224', img_size=64, depths=(1, 2, 1, 1))
    plain_buffers = dict(plain.named_buffers())
    assert plain_buffers and set(plain_buffers) == set(dict(model.named_buffers()))
    for name, buffer in model.named_buffers():
        assert torch.equal(buffer, plain_buffers[name]), name


def test_fast_path_equals_plain_build_and_load(tmp_path):
    torch.manual_seed(0)
    args = dict(img_size=64, depths=(1, 2, 1, 1))
    source = perturb_constants_(imgzoo.create_model('swin_tiny_patch4_window7_224', **args)).eval()
    folder = imgzoo.save_pretrained(source, tmp_path / 'swin')
    fast = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    slow = imgzoo.create_model('swin_tiny_patch4_window7_224', **args).eval()
    slow.load_state_dict(source.state_dict())
    fast_buffers = dict(fast.named_buffers())
    for name, buffer in slow.named_buffers():
        assert torch.equal(fast_buffers[name], buffer), name
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        assert_close(fast(x), slow(x), 'fast path vs plain build')


def test_shift_mask_and_index_are_timms():
    """The buffers timm computes, entry for entry (an index or mask off by one would show here)."""
    reference = timm_model('swin_tiny_patch4_window7_224', img_size=96, depths=(2, 2, 2, 2), window_size=(5, 7))
    ours = imgzoo.create_model('swin_tiny_patch4_window7_224', img_size=96, depths=(2, 2, 2, 2), window_size=(5, 7))
    theirs = dict(reference.named_buffers())
    ours_buffers = dict(ours.named_buffers())
    assert set(ours_buffers) == set(theirs)
    for name, buffer in theirs.items():
        assert torch.equal(ours_buffers[name], buffer), name
    assert torch.equal(relative_position_index(3, 4), timm.models.swin_transformer.get_relative_position_index(3, 4))


@pytest.mark.parametrize('new_args', [
    dict(img_size=96, window_size=12),  # bigger windows: tables resampled
    dict(img_size=96),  # same windows on a bigger grid: new masks, padding
    dict(img_size=(64, 96), window_size=(4, 6)),  # smaller, non-square windows
])
def test_img_size_and_window_change_on_load_matches_timm(new_args, tmp_path):
    base = dict(img_size=64, depths=(1, 2, 1, 1))
    folder = save_timm_folder(timm_model('swin_tiny_patch4_window7_224', **base), tmp_path / 'timm_swin',
                              model_args=base)
    reference = timm.create_model(f'local-dir:{folder}', pretrained=True, **new_args).eval()
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, **new_args).eval()
    size = new_args['img_size']
    assert ours.pretrained_cfg['input_size'][1:] == _shape(size)[2:]
    for a, b in zip(ours.state_dict().values(), reference.state_dict().values()):
        assert a.shape == b.shape
    assert_same_outputs(reference, ours, _shape(size), f'swin after {new_args}')


@pytest.mark.parametrize('table_shape,new_window,new_shape,old_window', [
    ((13 * 13, 3), (12, 12), (23 * 23, 3), None),
    ((23 * 23, 2), (7, 7), (13 * 13, 2), None),
    ((13 * 13, 2), (5, 9), (9 * 17, 2), None),
    ((9 * 13, 2), (8, 8), (15 * 15, 2), (5, 7)),
    ((4, 13, 13), (12, 12), (4, 23, 23), None),  # TF MaxViT layout
])
def test_rel_pos_table_resize_matches_timm(table_shape, new_window, new_shape, old_window):
    from timm.layers import resize_rel_pos_bias_table as timm_resize

    table = seeded_input(table_shape)
    ours = resize_rel_pos_bias_table(table, new_window, new_shape, old_window_size=old_window)
    theirs = timm_resize(table, new_window_size=new_window, new_bias_shape=new_shape, old_window_size=old_window)
    assert_close(ours, theirs, f'resized table {table_shape} -> {new_shape}')


def test_num_classes_adaptation_matches_timm_pre_logits(tmp_path):
    args = dict(img_size=64, depths=(1, 2, 1, 1))
    _, ours = check_num_classes_adaptation('swin_tiny_patch4_window7_224', tmp_path, model_args=args)
    assert ours.head.fc.weight.shape == (10, ours.num_features)


@pytest.mark.parametrize('in_chans', [1, 5])
def test_in_chans_adaptation_matches_timm_logits(in_chans, tmp_path):
    check_in_chans_adaptation('swin_s3_tiny_224', tmp_path, in_chans=in_chans,
                              model_args=dict(img_size=64, depths=(1, 2, 1, 1), **_NARROW))


def test_wrong_input_size_and_arguments_say_what_to_do():
    model = imgzoo.create_model('swin_tiny_patch4_window7_224', img_size=64, depths=(1, 2, 1, 1))
    with pytest.raises(imgzoo.InputSizeError, match='takes exactly 64x64.*img_size'):
        model(seeded_input((1, 3, 96, 96)))
    with pytest.raises(imgzoo.InvalidModelArgsError, match='window_size needs one size for all stages or one per stage'):
        imgzoo.create_model('swin_tiny_patch4_window7_224', window_size=(7, 7, 7))
    with pytest.raises(imgzoo.InvalidModelArgsError, match='num_heads needs one value per stage'):
        imgzoo.create_model('swin_tiny_patch4_window7_224', num_heads=(3, 6))


def test_dynamic_img_size_takes_other_sizes_like_timm():
    args = dict(img_size=64, depths=(1, 2, 1, 1), dynamic_img_size=True)
    reference = timm_model('swin_tiny_patch4_window7_224', **args)
    ours = imgzoo.create_model('swin_tiny_patch4_window7_224', **args).eval()
    ours.load_state_dict(reference.state_dict())
    assert_same_outputs(reference, ours, (2, 3, 96, 128), 'swin dynamic_img_size at 96x128')


def test_features_only_defaults_to_timms_channels_last_maps():
    model = imgzoo.create_model('swin_tiny_patch4_window7_224', img_size=64, depths=(1, 2, 1, 1), features_only=True)
    maps = model(seeded_input((1, 3, 64, 64)))
    assert [tuple(m.shape[1:]) for m in maps] == [(16, 16, 96), (8, 8, 192), (4, 4, 384), (2, 2, 768)]
    nchw = imgzoo.create_model('swin_tiny_patch4_window7_224', img_size=64, depths=(1, 2, 1, 1), features_only=True,
                               output_fmt='NCHW')
    assert tuple(nchw(seeded_input((1, 3, 64, 64)))[0].shape) == (1, 96, 16, 16)


@pytest.mark.parametrize('global_pool', ['max', 'avgmax', 'catavgmax', ''])
def test_global_pool_options_match_timm(global_pool):
    args = dict(img_size=64, depths=(1, 2, 1, 1), global_pool=global_pool, **_NARROW)
    reference = timm_model('swin_tiny_patch4_window7_224', **args)
    ours = imgzoo.create_model('swin_tiny_patch4_window7_224', **args).eval()
    ours.load_state_dict(reference.state_dict())
    assert ours.head_hidden_size == reference.head_hidden_size
    assert_same_outputs(reference, ours, (2, 3, 64, 64), f'swin global_pool={global_pool!r}')
