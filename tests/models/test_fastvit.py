"""FastViT / MobileCLIP family: parity with timm both ways for every architecture, the fast (meta-device) path,
re-parameterisation (folded outputs, timm's folded model, speed, saving), adaptation and argument errors.

Sizes are reduced to keep CI fast: one block per stage and 64 px inputs (stage maps of 16, 8, 4, 2 and, for
the five-stage MCi3/MCi4, 1 pixels). Widths are timm's except for MCi3/MCi4, whose stages are narrowed to
(32, 64, 128, 256, 512) (ARCH_ARGS). Full sizes are checked on the meta device in tests/test_model_contract.py.
"""
from __future__ import annotations

import copy
import json
import time

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
    seeded_input,
    timm_model,
)

import imgzoo
from imgzoo.meta import meta_device
from imgzoo.models import fastvit
from imgzoo.optimize import optimize_for_inference, reparameterize_branches
from imgzoo.registry import get_model_entrypoint

timm = pytest.importorskip('timm')
pytestmark = pytest.mark.usefixtures('one_thread')

_ONE4 = dict(layers=(1, 1, 1, 1))
_ONE5 = dict(layers=(1, 1, 1, 1, 1), embed_dims=(32, 64, 128, 256, 512))
ARCH_ARGS = {
    'fastvit_t8': _ONE4, 'fastvit_t12': _ONE4, 'fastvit_s12': _ONE4, 'fastvit_sa12': _ONE4, 'fastvit_sa24': _ONE4,
    'fastvit_sa36': _ONE4, 'fastvit_ma36': _ONE4, 'fastvit_mci0': _ONE4, 'fastvit_mci1': _ONE4,
    'fastvit_mci2': _ONE4, 'fastvit_mci3': _ONE5, 'fastvit_mci4': _ONE5,
}
SHAPE = (2, 3, 64, 64)
# One architecture per block variant: RepMixer only; attention + positional encoding; SE downsampling with the
# activated large-kernel conv; five stages, LayerNorm2d and no stem scale branch.
VARIANTS = {
    'fastvit_t8': dict(layers=(1, 1, 1, 1), embed_dims=(8, 16, 32, 32)),
    'fastvit_sa12': dict(layers=(1, 1, 1, 1), embed_dims=(16, 32, 32, 64)),
    'fastvit_mci0': dict(layers=(1, 1, 1, 1), embed_dims=(16, 32, 32, 64)),
    'fastvit_mci3': dict(layers=(1, 1, 1, 1, 1), embed_dims=(8, 16, 32, 32, 64)),
}
FOLDABLE = (fastvit.MobileOneBlock, fastvit.ReparamLargeKernelConv, fastvit.RepMixer, fastvit.RepConditionalPosEnc)


def test_registered_archs_are_exactly_timms():
    assert imgzoo.list_models('fastvit_*') == sorted(ARCH_ARGS)
    assert sorted(ARCH_ARGS) == sorted(timm.list_models(module='fastvit'))


def test_tags_are_every_timm_hosted_one():
    """18 of timm's 21 tags live in timm/ repositories; the three apple_mclip tags live in Apple's own."""
    timm_hosted = sorted(n for n in timm.list_pretrained('fastvit_*')
                         if timm.get_pretrained_cfg(n).hf_hub_id.startswith('timm/'))
    assert len(timm_hosted) == 18 and len(timm.list_pretrained('fastvit_*')) == 21
    assert imgzoo.list_pretrained('fastvit_*') == timm_hosted


@pytest.mark.parametrize('arch', sorted(ARCH_ARGS))
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    """Through `local:` on the fast path (meta-device build, then the weights)."""
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, SHAPE, model_args=ARCH_ARGS[arch])
    assert list(reference.state_dict()) == list(ours.state_dict())
    assert not any(t.is_meta for t in ours.state_dict().values())


@pytest.mark.parametrize('arch', sorted(ARCH_ARGS))
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path, SHAPE, model_args=ARCH_ARGS[arch])


def test_meta_build_has_every_parameter_on_meta_and_loads_like_a_plain_build(tmp_path):
    with meta_device():
        model = get_model_entrypoint('fastvit_sa12')(**VARIANTS['fastvit_sa12'])
    assert all(t.is_meta for t in model.state_dict().values())
    torch.manual_seed(0)
    source = perturb_constants_(imgzoo.create_model('fastvit_sa12', **VARIANTS['fastvit_sa12'])).eval()
    folder = imgzoo.save_pretrained(source, tmp_path / 'sa12')
    fast = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    assert_same_outputs(source, fast, SHAPE, 'fast path vs the saved model')


@pytest.mark.parametrize('arch', sorted(VARIANTS))
def test_inference_mode_layout_is_timms(arch):
    with meta_device():
        ours = get_model_entrypoint(arch)(inference_mode=True)
    with torch.device('meta'):
        theirs = timm.create_model(arch, inference_mode=True)
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}


def _unfolded_pair(arch):
    reference = timm_model(arch, **VARIANTS[arch])
    ours = imgzoo.create_model(arch, **VARIANTS[arch]).eval()
    ours.load_state_dict(reference.state_dict())
    return reference, ours


@pytest.mark.parametrize('arch', sorted(VARIANTS))
def test_reparameterized_model_equals_unfolded_and_timms_folded(arch):
    reference, ours = _unfolded_pair(arch)
    x = seeded_input(SHAPE)
    with torch.no_grad():
        unfolded = ours(x)
    folded = copy.deepcopy(ours)
    assert reparameterize_branches(folded) > 0
    timm_folded = timm.utils.reparameterize_model(reference)
    modules = [m for m in folded.modules() if isinstance(m, FOLDABLE)]
    assert modules and all(m.reparam_conv is not None for m in modules)
    assert not any(isinstance(sub, torch.nn.BatchNorm2d) for m in modules for sub in m.modules()), 'branch left'
    assert {k: tuple(v.shape) for k, v in folded.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in timm_folded.state_dict().items()}
    with torch.no_grad():
        assert_close(folded(x), unfolded, f'{arch} folded vs unfolded', rtol=1e-4)
        assert_same_outputs(timm_folded, folded, SHAPE, f'{arch} folded vs timm reparameterize_model')
        # timm's walker (parent first, then what is left) folds an imgzoo model the same way
        assert_close(timm.utils.reparameterize_model(ours)(x), folded(x), f'{arch} folded by timm\'s walker')
    before = {k: v.clone() for k, v in folded.state_dict().items()}
    reparameterize_branches(folded)
    assert all(torch.equal(v, before[k]) for k, v in folded.state_dict().items()), 'folding twice changed weights'


def test_reparameterized_model_is_faster():
    """fastvit_t8 at full size, 1 thread, one 128 px image: best of several runs, folded against unfolded."""
    torch.manual_seed(0)
    model = perturb_constants_(imgzoo.create_model('fastvit_t8')).eval()
    folded = copy.deepcopy(model)
    reparameterize_branches(folded)
    x = seeded_input((1, 3, 128, 128))

    def best(m, runs=7):
        times = []
        with torch.no_grad():
            m(x)
            for _ in range(runs):
                start = time.perf_counter()
                m(x)
                times.append(time.perf_counter() - start)
        return min(times)

    unfolded_s, folded_s = best(model), best(folded)
    print(f'fastvit_t8 128px batch 1, 1 thread: unfolded {unfolded_s * 1e3:.1f} ms, folded {folded_s * 1e3:.1f} ms')
    assert folded_s < unfolded_s


def test_folded_model_saves_and_loads_back_in_imgzoo_and_timm(tmp_path):
    reference, ours = _unfolded_pair('fastvit_sa12')
    reparameterize_branches(ours)
    folder = imgzoo.save_pretrained(ours, tmp_path / 'folded')
    config = json.loads((folder / 'config.json').read_text())
    assert config['model_args']['inference_mode'] is True
    again = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    assert all(m.reparam_conv is not None for m in again.modules() if isinstance(m, FOLDABLE))
    assert_same_outputs(ours, again, SHAPE, 'folded model after save and load')
    # timm's own inference-mode model takes the saved weights (timm's local-dir: loader cannot: its checkpoint
    # filter reads a state dict without 'stem.0.conv_kxk.0.conv.weight' as an original Apple checkpoint)
    theirs = timm.create_model('fastvit_sa12', inference_mode=True, **VARIANTS['fastvit_sa12']).eval()
    from safetensors.torch import load_file
    theirs.load_state_dict(load_file(str(folder / 'model.safetensors')))
    assert_same_outputs(theirs, ours, SHAPE, 'folded weights in timm inference_mode model')
    unfolded_folder = imgzoo.save_pretrained(_unfolded_pair('fastvit_sa12')[1], tmp_path / 'unfolded')
    assert 'inference_mode' not in json.loads((unfolded_folder / 'config.json').read_text()).get('model_args', {})


def test_partly_folded_or_optimized_model_is_refused_by_save(tmp_path):
    _, ours = _unfolded_pair('fastvit_t8')
    ours.stages[0].blocks[0].token_mixer.reparameterize()
    with pytest.raises(imgzoo.InvalidModelArgsError, match='Only some of.*Fold all of them'):
        imgzoo.save_pretrained(ours, tmp_path / 'partial')
    assert not (tmp_path / 'partial').exists()
    _, plain = _unfolded_pair('fastvit_t8')
    optimized = optimize_for_inference(plain, channels_last=False)
    with torch.no_grad():
        assert_close(optimized(seeded_input(SHAPE)), plain(seeded_input(SHAPE)), 'optimize_for_inference', rtol=1e-4)
    with pytest.raises(imgzoo.InferenceOnlyModelError, match='optimize_for_inference.*Save the model you passed'):
        imgzoo.save_pretrained(optimized, tmp_path / 'optimized')
    assert not (tmp_path / 'optimized').exists()


@pytest.mark.parametrize('arch', sorted(VARIANTS))
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    _, ours = check_num_classes_adaptation(arch, tmp_path, model_args=VARIANTS[arch])
    assert ours.head.fc.weight.shape == (10, ours.num_features)


@pytest.mark.parametrize('arch,in_chans', [('fastvit_t8', 1), ('fastvit_sa12', 5), ('fastvit_mci0', 1),
                                           ('fastvit_mci3', 4)])
def test_in_chans_adaptation_matches_timm_logits(arch, in_chans, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=in_chans, model_args=VARIANTS[arch])


@pytest.mark.parametrize('global_pool', ['max', 'avgmax', 'catavgmax'])
def test_global_pool_options_match_timm(global_pool):
    args = dict(VARIANTS['fastvit_sa12'], global_pool=global_pool)
    reference = timm_model('fastvit_sa12', **args)
    ours = imgzoo.create_model('fastvit_sa12', **args).eval()
    ours.load_state_dict(reference.state_dict())
    assert ours.head_hidden_size == reference.head_hidden_size
    assert_same_outputs(reference, ours, SHAPE, f'fastvit global_pool={global_pool!r}')


def test_options_match_timm_layouts_and_outputs():
    """Layer scale off, another RepMixer kernel, wider final conv, no stem scale branch, other patch size.

    Both entrypoints are called directly: create_model (timm's and imgzoo's alike) drops None arguments, so
    layer_scale_init_value=None only reaches the constructor this way."""
    args = dict(VARIANTS['fastvit_sa12'], layer_scale_init_value=None, repmixer_kernel_size=5, cls_ratio=3.0,
                stem_use_scale_branch=False, down_patch_size=5)
    torch.manual_seed(0)
    reference = perturb_constants_(timm.models.fastvit.fastvit_sa12(**args)).eval()
    ours = get_model_entrypoint('fastvit_sa12')(**args).eval()
    assert not any('layer_scale' in k for k in ours.state_dict())
    assert list(ours.state_dict()) == list(reference.state_dict())
    ours.load_state_dict(reference.state_dict())
    assert_same_outputs(reference, ours, SHAPE, 'fastvit options')
    folded = copy.deepcopy(ours)
    reparameterize_branches(folded)
    with torch.no_grad():
        assert_close(folded(seeded_input(SHAPE)), ours(seeded_input(SHAPE)), 'folded without layer scale', rtol=1e-4)
        assert_close(folded(seeded_input(SHAPE)), timm.utils.reparameterize_model(reference)(seeded_input(SHAPE)),
                     'folded without layer scale vs timm')


def test_drop_path_rates_are_timms():
    args = dict(VARIANTS['fastvit_sa12'], layers=(1, 2, 3, 2), drop_path_rate=0.3)
    theirs = timm.create_model('fastvit_sa12', **args)
    ours = imgzoo.create_model('fastvit_sa12', **args)
    rates = lambda m: [float(getattr(d, 'drop_prob', 0.0)) for n, d in m.named_modules() if n.endswith(  # noqa: E731
        ('drop_path', 'drop_path1', 'drop_path2'))]
    assert rates(ours) == pytest.approx(rates(theirs), abs=1e-7) and max(rates(ours)) == pytest.approx(0.3)


def test_wrong_arguments_say_what_to_do():
    with pytest.raises(imgzoo.InvalidModelArgsError, match="token mixer 'conv'.*'repmixer', 'attention'"):
        imgzoo.create_model('fastvit_t8', token_mixers=('repmixer', 'repmixer', 'repmixer', 'conv'))
    with pytest.raises(imgzoo.InvalidModelArgsError, match='embed_dims needs one value per stage'):
        imgzoo.create_model('fastvit_t8', embed_dims=(48, 96, 192))
    with pytest.raises(imgzoo.InvalidModelArgsError, match='not a multiple of head_dim=32'):
        imgzoo.create_model('fastvit_sa12', embed_dims=(8, 16, 16, 48))
    with pytest.raises(imgzoo.InvalidModelArgsError, match='fork_feat.*features_only=True'):
        imgzoo.create_model('fastvit_t8', fork_feat=True)
    with pytest.raises(imgzoo.InvalidModelArgsError, match='from 16 to 24 channels in 16 groups.*multiple of the one before'):
        imgzoo.create_model('fastvit_t8', embed_dims=(16, 24, 48, 96))


def test_mobileclip_heads_are_the_clip_projection():
    assert imgzoo.get_pretrained_cfg('fastvit_mci0').num_classes == 512
    assert imgzoo.get_pretrained_cfg('fastvit_mci3').num_classes == 768
    with meta_device():
        model = imgzoo.create_model('fastvit_mci4')
    assert model.head.fc.weight.shape == (768, 4096)


@pytest.mark.parametrize('arch', sorted(ARCH_ARGS))
def test_norm_epsilons_are_timms(arch):
    """Every normalisation layer at full size has timm's epsilon (LayerNorm2d 1e-5 in MCi3/MCi4: too small a
    change for the output comparison to see)."""
    with meta_device():
        ours = get_model_entrypoint(arch)()
    with torch.device('meta'):
        theirs = timm.create_model(arch)
    eps = lambda m: {n: s.eps for n, s in m.named_modules() if hasattr(s, 'eps')}  # noqa: E731
    assert eps(ours) == eps(theirs) and eps(ours)


@pytest.mark.parametrize('indices', [1, [0, 2], [1]])
def test_pruned_model_keeps_what_timms_keeps(indices):
    args = VARIANTS['fastvit_mci0']
    reference, ours = _unfolded_pair('fastvit_mci0')
    assert ours.prune_intermediate_layers(indices) == reference.prune_intermediate_layers(indices)
    assert list(ours.state_dict()) == list(reference.state_dict())
    assert (ours.num_features, ours.head_hidden_size, ours.num_classes) == \
        (reference.num_features, reference.head_hidden_size, reference.num_classes)
    x = seeded_input(SHAPE)
    with torch.no_grad():
        maps = ours.forward_intermediates(x, indices, intermediates_only=True)
        ref_maps = reference.forward_intermediates(x, indices, intermediates_only=True)
        assert len(maps) == len(ref_maps) == (1 if indices == 1 else len(indices))
        for a, b in zip(maps, ref_maps):
            assert_close(a, b, f'pruned to {indices} with {args}')


def test_grad_checkpointing_checkpoints_every_stage(monkeypatch):
    model = imgzoo.create_model('fastvit_t8', **VARIANTS['fastvit_t8']).train()
    calls = []
    real = fastvit.checkpoint_seq
    monkeypatch.setattr(fastvit, 'checkpoint_seq', lambda blocks, x: calls.append(blocks) or real(blocks, x))
    model(seeded_input(SHAPE))
    assert not calls
    model.set_grad_checkpointing()
    model(seeded_input(SHAPE))
    assert [id(c) for c in calls] == [id(stage.blocks) for stage in model.stages]


def test_folded_model_is_captured_by_fx_export_and_compile():
    from torchvision.models.feature_extraction import create_feature_extractor, get_graph_node_names

    _, ours = _unfolded_pair('fastvit_sa12')
    reparameterize_branches(ours)
    x = seeded_input(SHAPE)
    with torch.no_grad():
        eager = ours(x)
        _, nodes = get_graph_node_names(ours)
        assert_close(create_feature_extractor(ours, return_nodes={nodes[-1]: 'out'})(x)['out'], eager, 'folded fx')
        batch = torch.export.Dim('batch', min=1, max=64)
        exported = torch.export.export(ours, (x,), dynamic_shapes=({0: batch},)).module()
        assert_close(exported(x), eager, 'folded torch.export')
        torch._dynamo.reset()
        assert_close(torch.compile(ours, fullgraph=True, backend='eager')(x), eager, 'folded torch.compile')
