"""Hiera family: parity with timm both ways for every architecture, the fast (meta-device) path, MAE masks and
patch dropout, block-level intermediates, img_size changes (abswin), adaptation, input errors.

Sizes are reduced to keep CI fast: every architecture keeps its widths, heads, mask units, pooling and
position embedding, but runs at 64 px (img_size=64: a 16x16 token grid of 2x2 mask units) and, beyond tiny,
with fewer blocks per stage (ARCH_ARGS). Full sizes are checked on the meta device in tests/test_model_contract.py.
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
import imgzoo.models.hiera
from imgzoo.meta import meta_device
from imgzoo.registry import get_model_entrypoint

timm = pytest.importorskip('timm')
pytestmark = pytest.mark.usefixtures('one_thread')

_SHORT = dict(img_size=64, stages=(1, 2, 2, 1))
ARCH_ARGS = {
    'hiera_tiny_224': dict(img_size=64),
    'hiera_small_224': _SHORT,
    'hiera_base_224': _SHORT,
    'hiera_base_plus_224': _SHORT,
    'hiera_large_224': _SHORT,
    'hiera_huge_224': dict(img_size=64, stages=(1, 1, 1, 1)),
    'hiera_small_abswin_256': _SHORT,
    'hiera_base_abswin_256': _SHORT,
}
SHAPE = (2, 3, 64, 64)


def test_registered_archs_are_exactly_timms():
    assert imgzoo.list_models('hiera*') == sorted(ARCH_ARGS) == sorted(timm.list_models(module='hiera'))
    assert len(imgzoo.list_pretrained('hiera*')) == 16


@pytest.mark.parametrize('arch', sorted(ARCH_ARGS))
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    """Through `local:` on the fast path (a meta-device build given the file's tensors)."""
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, SHAPE, model_args=ARCH_ARGS[arch])
    assert list(reference.state_dict()) == list(ours.state_dict())
    assert not any(t.is_meta for t in list(ours.parameters()) + list(ours.buffers()))


@pytest.mark.parametrize('arch', sorted(ARCH_ARGS))
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path, SHAPE, model_args=ARCH_ARGS[arch])


def test_meta_build_runs_no_initialiser_and_fast_path_equals_plain_load(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(imgzoo.models.hiera.Hiera, '_init_weights', lambda self, *a: calls.append(a))
    with meta_device():
        get_model_entrypoint('hiera_small_abswin_256')(**_SHORT)
    assert calls == []
    monkeypatch.undo()
    torch.manual_seed(0)
    source = perturb_constants_(imgzoo.create_model('hiera_small_abswin_256', **_SHORT)).eval()
    folder = imgzoo.save_pretrained(source, tmp_path / 'hiera')
    fast = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    for (name, a), b in zip(fast.state_dict().items(), source.state_dict().values()):
        assert torch.equal(a, b), name
    x = seeded_input(SHAPE)
    with torch.no_grad():
        assert_close(fast(x), source(x), 'fast path vs the saved model')


def _pair(arch, **kwargs):
    reference = timm_model(arch, **kwargs)
    ours = imgzoo.create_model(arch, **kwargs).eval()
    ours.load_state_dict(reference.state_dict())
    return reference, ours


@pytest.mark.parametrize('arch', ['hiera_tiny_224', 'hiera_small_abswin_256'])
def test_mae_mask_matches_timm(arch):
    """A keep-mask over mask units drops tokens: tokens, rerolled mask-unit maps and block taps equal timm's."""
    reference, ours = _pair(arch, **ARCH_ARGS[arch])
    x = seeded_input(SHAPE)
    mask = torch.tensor([[True, False, True, True], [False, True, True, True]])
    with torch.no_grad():
        assert_close(ours(x, mask=mask), reference(x, mask=mask), f'{arch} masked tokens')
        ours_final, ours_maps = ours.forward_intermediates(x, mask=mask, indices=[0, 1], output_fmt='NHWC')
        ref_final, ref_maps = reference.forward_intermediates(x, mask=mask, indices=[0, 1], output_fmt='NHWC')
        assert_close(ours_final, ref_final, f'{arch} masked final tokens (stop_early)')
        for i, (a, b) in enumerate(zip(ours_maps, ref_maps)):
            assert a.ndim == 5 and a.shape[1] == 3  # [B, kept units, MUy, MUx, C]
            assert_close(a, b, f'{arch} masked intermediate {i}')


def test_block_level_intermediates_and_pruning_match_timm():
    reference, ours = _pair('hiera_tiny_224', img_size=64)
    x = seeded_input(SHAPE)
    with torch.no_grad():
        for indices in (3, [0, 2, 5, 11]):
            ours_out = ours.forward_intermediates(x, indices=indices, coarse=False, stop_early=False)
            ref_out = reference.forward_intermediates(x, indices=indices, coarse=False, stop_early=False)
            assert_close(ours_out[0], ref_out[0], f'final tokens (coarse=False, indices={indices})')
            assert len(ours_out[1]) == len(ref_out[1])
            for i, (a, b) in enumerate(zip(ours_out[1], ref_out[1])):
                assert_close(a, b, f'block tap {i} (indices={indices})')
    assert ours.prune_intermediate_layers([4], coarse=False) == reference.prune_intermediate_layers([4], coarse=False)
    assert len(ours.blocks) == len(reference.blocks) == 5
    assert list(ours.state_dict()) == list(reference.state_dict())  # the head's norm goes too
    assert ours.num_features == reference.num_features == 384  # block 4 is in the third stage
    with torch.no_grad():
        assert_close(ours(x), reference(x), 'pruned model output (pooled features)')


def test_patch_dropout_in_training_draws_like_timm():
    """patch_drop_rate drops random mask units in training: the same draws as timm for the same seed."""
    reference, ours = _pair('hiera_tiny_224', img_size=64, patch_drop_rate=0.5)
    reference.train()
    ours.train()
    x = seeded_input(SHAPE)
    with torch.no_grad():
        torch.manual_seed(3)
        ref_out = reference(x)
        torch.manual_seed(3)
        assert_close(ours(x), ref_out, 'logits with patch dropout')
    ours.eval()
    with torch.no_grad():
        assert not torch.allclose(ours(x), ref_out), 'patch dropout changed nothing'
    with pytest.raises(imgzoo.InvalidModelArgsError, match='no mask while training'):
        ours.train()(x, mask=torch.ones(2, 4, dtype=torch.bool))


@pytest.mark.parametrize('new_size', [128, (96, 160), (32, 96)])  # (32, 96) shrinks the global embedding
def test_abswin_img_size_change_on_load_matches_timm(new_size, tmp_path):
    base = dict(img_size=64, stages=(1, 2, 2, 1))
    folder = save_timm_folder(timm_model('hiera_small_abswin_256', **base), tmp_path / 'timm_hiera', model_args=base)
    reference = timm.create_model(f'local-dir:{folder}', pretrained=True, img_size=new_size).eval()
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, img_size=new_size).eval()
    h, w = (new_size, new_size) if isinstance(new_size, int) else new_size
    assert ours.pretrained_cfg['input_size'][1:] == (h, w)
    assert_same_outputs(reference, ours, (2, 3, h, w), f'abswin hiera at {new_size}')


def test_fixed_pos_embed_refuses_other_img_size_on_load(tmp_path):
    base = dict(img_size=64)
    folder = save_timm_folder(timm_model('hiera_tiny_224', **base), tmp_path / 'timm_hiera', model_args=base)
    with pytest.raises(imgzoo.StateDictMismatchError, match='pos_embed'):
        imgzoo.create_model(f'local:{folder}', pretrained=True, img_size=96)


@pytest.mark.parametrize('arch', ['hiera_tiny_224', 'hiera_small_abswin_256'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    _, ours = check_num_classes_adaptation(arch, tmp_path, model_args=ARCH_ARGS[arch])
    assert ours.head.fc.weight.shape == (10, ours.num_features)


@pytest.mark.parametrize('arch,in_chans', [('hiera_tiny_224', 1), ('hiera_small_abswin_256', 5)])
def test_in_chans_adaptation_matches_timm_logits(arch, in_chans, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=in_chans, model_args=ARCH_ARGS[arch])


@pytest.mark.parametrize('global_pool', ['max', 'avgmax', ''])
def test_global_pool_options_match_timm(global_pool):
    reference, ours = _pair('hiera_tiny_224', img_size=64, global_pool=global_pool)
    assert ours.head_hidden_size == reference.head_hidden_size
    assert_same_outputs(reference, ours, SHAPE, f'hiera global_pool={global_pool!r}')


def test_wrong_input_and_arguments_say_what_to_do():
    model = imgzoo.create_model('hiera_tiny_224', img_size=64)
    with pytest.raises(imgzoo.InputSizeError, match='takes exactly 64x64.*img_size'):
        model(seeded_input((1, 3, 96, 96)))
    with pytest.raises(imgzoo.InputSizeError, match=r'Expected a \(B, 3, 64, 64\) batch'):
        model(seeded_input((1, 4, 64, 64)))
    with pytest.raises(imgzoo.InvalidModelArgsError, match='does not divide into.*use a multiple of'):
        imgzoo.create_model('hiera_tiny_224', img_size=80)
    with pytest.raises(imgzoo.InvalidModelArgsError, match='use norm=False'):
        model.forward_intermediates(seeded_input((1, 3, 64, 64)), norm=True)
    with pytest.raises(imgzoo.InvalidModelArgsError, match='dim_mul must be 2'):
        imgzoo.create_model('hiera_small_abswin_256', dim_mul=3.0)
