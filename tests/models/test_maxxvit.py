"""MaxViT / CoAtNet / MaxxViT family: parity with timm both ways for every architecture, the fast (meta-device)
path with its computed buffers, img_size changes on load (bias tables resampled as timm), adaptation, errors.

Sizes are reduced to keep CI fast: every architecture keeps its block types, relative position type, norms,
activations, padding and head, but runs at 64 px (img_size=64: 2x2 windows and grids), one block per stage
(two where a stage mixes block types) and narrow stages (embed_dim 32..256, see `reduced`). Full sizes are
checked on the meta device in tests/test_model_contract.py.
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
from imgzoo.meta import meta_device
from imgzoo.models.maxxvit import _ARCHS, _cfgs
from imgzoo.registry import get_model_entrypoint

timm = pytest.importorskip('timm')
pytestmark = pytest.mark.usefixtures('one_thread')

ARCHS = sorted(a for a, _, _ in _ARCHS)
SHAPE = (2, 3, 64, 64)


def reduced(arch: str, img_size=64) -> dict:
    """Narrow, shallow arguments for arch that keep every block variant it has."""
    variant = next(v for a, v, _ in _ARCHS if a == arch)
    cfg = _cfgs()[variant]
    depths = tuple(len(t) if isinstance(t, tuple) else 1 for t in cfg.block_type)
    args = dict(img_size=img_size, depths=depths, embed_dim=(32, 64, 128, 256), stem_width=(16, 32))
    if cfg.head_hidden_size:
        args['head_hidden_size'] = 128
    return args


def test_registered_archs_are_exactly_timms():
    assert imgzoo.list_models(['coat*', 'maxvit*', 'maxxvit*', 'test_maxvit', 'test_coatnet']) == ARCHS
    assert ARCHS == sorted(timm.list_models(module='maxxvit'))
    assert len(imgzoo.list_pretrained(['coat*', 'maxvit*', 'maxxvit*'])) == 52


@pytest.mark.parametrize('arch', ARCHS)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    """Through `local:` on the fast path: a meta-device build whose index, lookup and coordinate buffers are then
    computed; they equal timm's."""
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, SHAPE, model_args=reduced(arch))
    assert list(reference.state_dict()) == list(ours.state_dict())
    ours_buffers = dict(ours.named_buffers())
    theirs = dict(reference.named_buffers())
    assert set(ours_buffers) == set(theirs)
    for name, buffer in theirs.items():
        assert not ours_buffers[name].is_meta and torch.equal(ours_buffers[name], buffer), name


@pytest.mark.parametrize('arch', ARCHS)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path, SHAPE, model_args=reduced(arch))


def test_meta_build_leaves_buffers_to_init_non_persistent_buffers(monkeypatch):
    args = reduced('maxvit_tiny_tf_224')
    with meta_device():
        model = get_model_entrypoint('maxvit_tiny_tf_224')(**args)
    assert all(p.is_meta for p in model.parameters())
    rel_pos = model.stages[0].blocks[0].attn_block.attn.rel_pos
    assert rel_pos.height_lookup is None and rel_pos.width_lookup is None
    model.to_empty(device='cpu')
    model.init_non_persistent_buffers()
    plain = imgzoo.create_model('maxvit_tiny_tf_224', **args)
    plain_buffers = dict(plain.named_buffers())
    lookups = {n: b for n, b in model.named_buffers() if 'lookup' in n}
    assert lookups and all(torch.equal(b, plain_buffers[n]) for n, b in lookups.items())


@pytest.mark.parametrize('arch', ['coatnet_rmlp_1_rw_224', 'maxvit_tiny_tf_224'])
def test_fast_path_equals_plain_build_and_load(arch, tmp_path):
    torch.manual_seed(0)
    source = perturb_constants_(imgzoo.create_model(arch, **reduced(arch))).eval()
    folder = imgzoo.save_pretrained(source, tmp_path / arch)
    fast = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    source_buffers = dict(source.named_buffers())
    for name, buffer in fast.named_buffers():
        assert torch.equal(buffer, source_buffers[name]), name
    x = seeded_input(SHAPE)
    with torch.no_grad():
        assert_close(fast(x), source(x), f'{arch} fast path vs the saved model')


@pytest.mark.parametrize('arch,new_size', [
    ('maxvit_tiny_tf_224', 96),  # 'bias_tf' 3-d tables resampled 2x2 -> 3x3 windows
    ('maxvit_rmlp_pico_rw_256', (96, 128)),  # MLP biases: new coordinates only
    ('coatnet_0_rw_224', 128),  # 'T' blocks: full-map tables resampled
    ('maxvit_nano_rw_256', 96),  # flat 'bias' tables
])
def test_img_size_change_on_load_matches_timm(arch, new_size, tmp_path):
    base = reduced(arch)
    folder = save_timm_folder(timm_model(arch, **base), tmp_path / 'timm_folder', model_args=base)
    reference = timm.create_model(f'local-dir:{folder}', pretrained=True, img_size=new_size).eval()
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, img_size=new_size).eval()
    h, w = (new_size, new_size) if isinstance(new_size, int) else new_size
    assert ours.pretrained_cfg['input_size'][1:] == (h, w)
    for (name, a), b in zip(ours.state_dict().items(), reference.state_dict().values()):
        assert a.shape == b.shape, name
    assert_same_outputs(reference, ours, (2, 3, h, w), f'{arch} at {new_size}')


def test_explicit_window_and_grid_sizes_match_timm():
    args = dict(reduced('maxvit_nano_rw_256', img_size=128), transformer_window_size=4, transformer_grid_size=2)
    reference = timm_model('maxvit_nano_rw_256', **args)
    ours = imgzoo.create_model('maxvit_nano_rw_256', **args).eval()
    ours.load_state_dict(reference.state_dict())
    assert_same_outputs(reference, ours, (2, 3, 128, 128), 'maxvit with 4x4 windows, 2x2 grid')


@pytest.mark.parametrize('arch', ['maxvit_tiny_tf_224', 'coatnet_bn_0_rw_224', 'maxxvit_rmlp_nano_rw_256'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    _, ours = check_num_classes_adaptation(arch, tmp_path, model_args=reduced(arch))
    assert ours.get_classifier().weight.shape[0] == 10


@pytest.mark.parametrize('arch,in_chans', [('maxvit_tiny_tf_224', 1), ('coatnext_nano_rw_224', 5)])
def test_in_chans_adaptation_matches_timm_logits(arch, in_chans, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=in_chans, model_args=reduced(arch))


@pytest.mark.parametrize('arch,global_pool', [('coatnet_0_rw_224', 'max'), ('maxvit_tiny_tf_224', 'avgmax'),
                                              ('maxvit_tiny_tf_224', '')])  # '': per-position logits
def test_global_pool_options_match_timm(arch, global_pool):
    args = dict(reduced(arch), global_pool=global_pool)
    reference = timm_model(arch, **args)
    ours = imgzoo.create_model(arch, **args).eval()
    ours.load_state_dict(reference.state_dict())
    assert ours.head_hidden_size == reference.head_hidden_size
    assert_same_outputs(reference, ours, SHAPE, f'{arch} global_pool={global_pool!r}')


def test_rel_pos_mlp_dropout_trains_like_timm():
    """The rel-pos MLP keeps timm's hard-wired 0.125 dropout in training: the same draws give the same logits."""
    args = reduced('maxvit_rmlp_pico_rw_256')
    reference = timm_model('maxvit_rmlp_pico_rw_256', **args).train()
    ours = imgzoo.create_model('maxvit_rmlp_pico_rw_256', **args).train()
    ours.load_state_dict(reference.state_dict())
    x = seeded_input(SHAPE)
    with torch.no_grad():
        torch.manual_seed(5)
        theirs = reference(x)
        torch.manual_seed(5)
        assert_close(ours(x), theirs, 'training-mode logits (dropout, batch statistics)')
    assert_close(ours.stages[0].blocks[0].conv.pre_norm.running_mean,
                 reference.stages[0].blocks[0].conv.pre_norm.running_mean, 'running mean after a training step')


def test_wrong_input_and_arguments_say_what_to_do():
    coat = imgzoo.create_model('coatnet_0_rw_224', **reduced('coatnet_0_rw_224'))
    with pytest.raises(imgzoo.InputSizeError, match='takes exactly 64x64.*img_size'):
        coat(seeded_input((1, 3, 96, 96)))
    maxvit = imgzoo.create_model('maxvit_nano_rw_256', **reduced('maxvit_nano_rw_256'))
    with pytest.raises(imgzoo.InputSizeError, match=r'does not divide into \(2, 2\) windows'):
        maxvit(seeded_input((1, 3, 80, 80)))
    with pytest.raises(imgzoo.InputSizeError, match=r'Expected a \(B, 3, H, W\)'):
        maxvit(seeded_input((1, 1, 64, 64)))
    with pytest.raises(imgzoo.InvalidModelArgsError, match="does not accept transformer_window_sise.*transformer_"):
        imgzoo.create_model('maxvit_nano_rw_256', transformer_window_sise=4)
    with pytest.raises(imgzoo.InvalidModelArgsError, match='one entry per stage'):
        imgzoo.create_model('maxvit_nano_rw_256', depths=(1, 1))
    with pytest.raises(imgzoo.InvalidModelArgsError, match='use at least 32 px'):
        imgzoo.create_model('maxvit_nano_rw_256', img_size=16)


@pytest.mark.parametrize('arch,img_size,input_size', [
    ('maxvit_nano_rw_256', 64, 128),
    ('maxvit_tiny_tf_224', 32, 80),  # 1x1 windows; odd maps (5 px) before the last TF 'same' convs and pools
])
def test_other_input_sizes_work_where_timm_takes_them(arch, img_size, input_size):
    """MaxViT's window and grid attention is size-independent: other input sizes run as in timm."""
    args = reduced(arch, img_size=img_size)
    reference = timm_model(arch, **args)
    ours = imgzoo.create_model(arch, **args).eval()
    ours.load_state_dict(reference.state_dict())
    assert_same_outputs(reference, ours, (1, 3, input_size, input_size), f'{arch} at {input_size} px built for {img_size}')


def test_3x3_pooling_options_match_timm():
    """pool_type 'avg' / 'max' (3x3 kernel, stride 2: strided convs' shortcuts and the attention downsampling)."""
    for pool in ('avg', 'max'):
        args = dict(reduced('coatnet_0_rw_224'), conv_pool_type=pool, conv_downsample_pool_type=pool,
                    transformer_pool_type=pool)
        reference = timm_model('coatnet_0_rw_224', **args)
        ours = imgzoo.create_model('coatnet_0_rw_224', **args).eval()
        ours.load_state_dict(reference.state_dict())
        assert_same_outputs(reference, ours, SHAPE, f'coatnet with pool_type={pool!r}')


def test_unpooled_head_loads_linear_weights_as_convs_like_timm(tmp_path):
    """global_pool='' turns the MLP head into 1x1 convs: a checkpoint's linear weights are reshaped on load."""
    args = reduced('maxvit_tiny_tf_224')
    folder = save_timm_folder(timm_model('maxvit_tiny_tf_224', **args), tmp_path / 'timm_tf', model_args=args)
    reference = timm.create_model(f'local-dir:{folder}', pretrained=True, global_pool='').eval()
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, global_pool='').eval()
    assert ours.head.fc.weight.ndim == 4
    assert_same_outputs(reference, ours, SHAPE, 'maxvit per-position logits from a pooled checkpoint')
