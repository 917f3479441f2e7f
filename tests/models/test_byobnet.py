"""ByobNet family (RepVGG, MobileOne, GERNet, ResNet-style byob nets, RegNetZ, CLIP ResNets): state-dict and
output parity with timm in both directions, re-parameterisation (folding equals timm's, saves and loads back),
output stride, drop-path schedule, adaptation.

Sizes: every architecture up to ~60M parameters at full size through saved folders (64 px inputs; BAT at
256 px). The largest ones (repvgg_b2/b3/d2se and their g4 variants, the x4/x16/x64 CLIP ResNets) are compared
in-process at reduced depth (their stage widths unchanged), built from the same ByoModelCfg as timm's with
fewer blocks per stage; their full-size key layout is checked by tests/test_model_contract.py on the meta device.
"""
from __future__ import annotations

import time
from dataclasses import replace

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
from imgzoo.models import byobnet

timm = pytest.importorskip('timm')

pytestmark = pytest.mark.usefixtures('one_thread')

ALL_ARCHS = sorted(timm.list_models(module='byobnet'))
HEAVY = {
    'repvgg_b2', 'repvgg_b2g4', 'repvgg_b3', 'repvgg_b3g4', 'repvgg_d2se',
    'resnet50x4_clip', 'resnet50x4_clip_gap', 'resnet50x16_clip', 'resnet50x16_clip_gap',
    'resnet50x64_clip', 'resnet50x64_clip_gap',
}
FULL_SIZE = [a for a in ALL_ARCHS if a not in HEAVY]
REP_ARCHS = [a for a in ALL_ARCHS if a.startswith(('repvgg', 'mobileone'))]


def _shape(arch):
    return (2, 3, 256, 256) if arch.startswith('bat_') else (2, 3, 64, 64)


def _pair(arch, **kwargs):
    reference = timm_model(arch, **kwargs)
    ours = imgzoo.create_model(arch, **kwargs).eval()
    ours.load_state_dict(reference.state_dict())
    return reference, ours


def test_registered_archs_are_exactly_timms():
    from imgzoo.registry import get_model_family

    assert sorted(a for a in imgzoo.list_models() if get_model_family(a) == 'byobnet') == ALL_ARCHS
    hosted = [t for t in timm.list_pretrained() if t.split('.')[0] in ALL_ARCHS]
    ours = [t for t in imgzoo.list_pretrained() if t.split('.')[0] in ALL_ARCHS]
    assert len(hosted) == 57 and sorted(ours) == sorted(hosted)


# regnetz_e8 with spread statistics is numerically chaotic: a 1-ulp difference in the first block (weights
# read from a memory-mapped file take another conv kernel path than in-memory ones) grows to ~3% of the logits
# over its 30 blocks; its folder load is checked tensor for tensor and its outputs in process (exactly equal).
CHAOTIC = {'regnetz_e8'}


@pytest.mark.parametrize('arch', sorted(CHAOTIC))
def test_chaotic_architecture_loads_timms_folder_exactly(arch, tmp_path):
    from parity import save_timm_folder

    reference = timm_model(arch)
    folder = save_timm_folder(reference, tmp_path / arch)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    theirs_sd, ours_sd = reference.state_dict(), ours.state_dict()
    assert list(ours_sd) == list(theirs_sd)
    assert all(torch.equal(ours_sd[k], theirs_sd[k]) for k in theirs_sd)
    in_memory = imgzoo.create_model(arch).eval()
    in_memory.load_state_dict(theirs_sd)
    with torch.no_grad():
        x = seeded_input((2, 3, 64, 64))
        assert torch.equal(in_memory(x), reference(x))


@pytest.mark.parametrize('arch', [a for a in FULL_SIZE if a not in CHAOTIC])
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, input_shape=_shape(arch))
    assert list(reference.state_dict()) == list(ours.state_dict())


@pytest.mark.parametrize('arch', FULL_SIZE)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path, input_shape=_shape(arch))


def _reduced(cfg, depth):
    """The same config with at most `depth` blocks per stage."""
    return replace(cfg, blocks=tuple(replace(b, d=min(b.d, depth)) for b in cfg.blocks))


@pytest.mark.parametrize('arch', sorted(HEAVY))
def test_largest_architectures_at_reduced_depth_match_timm(arch):
    from timm.models import byobnet as timm_byobnet

    depth = 1 if 'clip' in arch else 2  # two blocks keep RepVGG's alternating grouped convs
    kwargs = {}
    if arch in byobnet._CLIP_IMG_SIZE:
        kwargs = dict(img_size=byobnet._CLIP_IMG_SIZE[arch], num_classes=byobnet._CLIP_NUM_CLASSES[arch])
    elif arch.endswith('_clip_gap'):
        kwargs = dict(num_classes=0)
    torch.manual_seed(0)
    reference = timm_byobnet.ByobNet(_reduced(timm_byobnet.model_cfgs[arch], depth), **kwargs)
    reference = perturb_constants_(reference).eval()
    ours = byobnet.ByobNet(_reduced(byobnet.MODEL_CFGS[arch], depth), **kwargs).eval()
    assert list(ours.state_dict()) == list(reference.state_dict())
    ours.load_state_dict(reference.state_dict())
    assert_same_outputs(reference, ours, (1, 3, 64, 64), f'{arch} at depth {depth}')


# ---------------------------------------------------------------------------------------- re-parameterisation

def _timm_folded(reference):
    from timm.utils.model import reparameterize_model

    return reparameterize_model(reference)


def _realistic_(model, seed=0):
    """BatchNorm statistics and gains at trained-model scale, so deep stacks of summed branches stay bounded
    and the outputs of folded and unfolded models can be compared in absolute terms."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.copy_(torch.rand(m.weight.shape, generator=gen) * 0.2 + 0.05)
                m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.05)
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=gen) * 1.8 + 0.2)
    return model.eval()


@pytest.mark.parametrize('arch', ['repvgg_a0', 'repvgg_b1g4', 'mobileone_s0', 'mobileone_s4'])  # grouped; SE
def test_reparameterize_folds_like_timm(arch):
    """Folded weights equal timm's folded weights (same keys; statistics spread so every epsilon matters);
    folded outputs are within 1e-4 of the unfolded model's and equal timm's folded model's."""
    reference, ours = _pair(arch)
    folded = imgzoo.reparameterize(ours)
    assert folded is not ours and not ours.stem.is_folded, 'reparameterize must leave the input model alone'
    theirs = _timm_folded(reference)
    assert list(folded.state_dict()) == list(theirs.state_dict())
    assert any(k.endswith('reparam_conv.weight') for k in folded.state_dict())
    assert not any(k.split('.')[-2] in ('conv_kxk', 'conv_1x1', 'conv_scale', 'identity') for k in folded.state_dict())
    for name, tensor in folded.state_dict().items():
        assert_close(tensor, theirs.state_dict()[name], f'{arch} folded {name}')

    # outputs: with the spread statistics above, deep nets amplify float rounding chaotically (timm's own
    # folding moves repvgg_d2se's logits by their full scale), so compare at trained-model scale
    torch.manual_seed(0)
    ours = _realistic_(imgzoo.create_model(arch))
    reference = timm.create_model(arch).eval()
    reference.load_state_dict(ours.state_dict())
    folded, theirs = imgzoo.reparameterize(ours), _timm_folded(reference)
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        unfolded_out, folded_out = ours(x), folded(x)
        assert float(unfolded_out.abs().max()) > 1e-2, 'outputs too small for an absolute bound to mean anything'
        assert float((folded_out - unfolded_out).abs().max()) <= 1e-4
        assert_close(folded_out, theirs(x), f'{arch} folded vs timm folded')


def test_reparameterize_in_place_and_twice():
    _, ours = _pair('mobileone_s0')
    x = seeded_input((1, 3, 64, 64))
    with torch.no_grad():
        before = ours(x)
        assert imgzoo.reparameterize(ours, inplace=True) is ours
        once = ours(x)
        imgzoo.reparameterize(ours, inplace=True)  # already folded: nothing changes
        assert torch.equal(ours(x), once)
    assert_close(once, before, 'folded in place', rtol=1e-4)
    assert all(m.is_folded for m in ours.modules() if isinstance(m, byobnet._RepBlock))


@pytest.mark.parametrize('arch', ['repvgg_a0', 'mobileone_s1'])
def test_folded_model_saves_and_loads_back_folded(arch, tmp_path):
    _, ours = _pair(arch)
    folded = imgzoo.reparameterize(ours)
    folder = imgzoo.save_pretrained(folded, tmp_path / 'folded')
    import json
    config = json.loads((folder / 'config.json').read_text())
    assert config['model_args']['inference_mode'] is True
    loaded = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    assert loaded.stem.is_folded and list(loaded.state_dict()) == list(folded.state_dict())
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        assert_close(loaded(x), folded(x), f'{arch} folded, saved and loaded')
    # the unfolded model still saves as the plain architecture
    plain = json.loads((imgzoo.save_pretrained(ours, tmp_path / 'plain') / 'config.json').read_text())
    assert 'inference_mode' not in plain.get('model_args', {})


def test_partly_folded_model_is_refused_by_save(tmp_path):
    _, ours = _pair('repvgg_a0')
    ours.stages[0][0].reparameterize()
    with pytest.raises(imgzoo.InferenceOnlyModelError, match='1 of 22 .*folded.*imgzoo.reparameterize'):
        imgzoo.save_pretrained(ours, tmp_path / 'partial')
    assert not (tmp_path / 'partial').exists()


def test_optimized_model_is_refused_by_save(tmp_path):
    _, ours = _pair('mobileone_s0')
    optimized = imgzoo.optimize_for_inference(ours)
    with pytest.raises(imgzoo.InferenceOnlyModelError, match='optimize_for_inference'):
        imgzoo.save_pretrained(optimized, tmp_path / 'optimized')
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        assert_close(optimized(x), ours(x), 'optimize_for_inference', rtol=1e-4)


def test_inference_mode_build_has_timms_folded_layout():
    reference, ours = _pair('repvgg_a0')
    built = imgzoo.create_model('repvgg_a0', inference_mode=True).eval()
    folded = imgzoo.reparameterize(ours)
    assert {k: v.shape for k, v in built.state_dict().items()} == {k: v.shape for k, v in folded.state_dict().items()}
    built.load_state_dict(folded.state_dict())
    with torch.no_grad():
        assert_close(built(seeded_input((1, 3, 64, 64))), folded(seeded_input((1, 3, 64, 64))), 'inference_mode build')
    with pytest.raises(imgzoo.InvalidModelArgsError, match='RepVGG / MobileOne'):
        imgzoo.create_model('resnet33ts', inference_mode=True)


def test_folded_forward_is_faster():
    """Folded RepVGG runs one conv per block instead of two convs, two norms and a norm identity."""
    _, ours = _pair('repvgg_a0')
    folded = imgzoo.reparameterize(ours)
    x = seeded_input((4, 3, 128, 128))

    def best(model):
        times = []
        with torch.no_grad():
            model(x)
            for _ in range(5):
                start = time.perf_counter()
                model(x)
                times.append(time.perf_counter() - start)
        return min(times)

    assert best(folded) < best(ours)


# ---------------------------------------------------------------------------------------- options

@pytest.mark.parametrize('arch', ['repvgg_a0', 'resnet33ts', 'gernet_s'])
@pytest.mark.parametrize('output_stride', [8, 16])
def test_output_stride_dilates_the_last_stages_as_in_timm(arch, output_stride):
    reference, ours = _pair(arch, output_stride=output_stride)
    assert_same_outputs(reference, ours, (2, 3, 64, 64), f'{arch} output_stride={output_stride}')
    with torch.no_grad():
        assert ours.forward_features(seeded_input((1, 3, 64, 64))).shape[-1] == 64 // output_stride


def test_bad_arguments_are_refused_clearly():
    with pytest.raises(imgzoo.InvalidModelArgsError, match='output_stride must be 8, 16 or 32'):
        imgzoo.create_model('repvgg_a0', output_stride=4)
    with pytest.raises(imgzoo.InvalidModelArgsError, match='drop_block_rate is not supported'):
        imgzoo.create_model('resnet33ts', drop_block_rate=0.1)
    model = imgzoo.create_model('bat_resnext26ts').eval()
    with pytest.raises(imgzoo.InvalidModelArgsError, match='multiples of block_size=8.*256'):
        model(seeded_input((1, 3, 64, 64)))


@pytest.mark.parametrize('arch', ['repvgg_a0', 'mobileone_s0', 'resnet33ts'])
def test_drop_path_schedule_matches_timm(arch):
    def rates(model):
        return [(n, round(m.drop_prob, 6)) for n, m in model.named_modules() if type(m).__name__ == 'DropPath']

    with torch.device('meta'):
        theirs = timm.create_model(arch, drop_path_rate=0.2)
    ours = imgzoo.create_model(arch, drop_path_rate=0.2, device='meta')
    assert rates(ours) == rates(theirs) and rates(ours)
    model = perturb_constants_(imgzoo.create_model(arch, drop_path_rate=0.2)).train()  # no zero-init branch
    x = seeded_input((8, 3, 64, 64))  # a small batch may keep every path by chance (~13% at batch 2)
    torch.manual_seed(0)
    first = model(x)
    torch.manual_seed(1)
    assert not torch.equal(first, model(x)), 'drop path had no effect in training'


@pytest.mark.parametrize('size', [(96, 96), (64, 128)])
def test_clip_attention_pool_resamples_its_position_embedding_as_in_timm(size):
    reference, ours = _pair('resnet50_clip')
    assert_same_outputs(reference, ours, (2, 3, *size), f'resnet50_clip at {size}')
    reference.reset_classifier(0, '')
    ours.reset_classifier(0, '')
    assert_same_outputs(reference, ours, (1, 3, *size), f'resnet50_clip unpooled at {size}')


@pytest.mark.parametrize('arch', ['repvgg_a0', 'mobileone_s0', 'resnet51q', 'resnet50_clip', 'resnet50_mlp',
                                  'regnetz_b16_evos'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    _, ours = check_num_classes_adaptation(arch, tmp_path)
    assert ours.get_classifier().weight.shape[0] == 10


@pytest.mark.parametrize('arch,in_chans', [('repvgg_a0', 1), ('mobileone_s0', 4), ('resnet61q', 1),
                                           ('resnet50_clip', 4), ('regnetz_d8_evos', 1)])
def test_in_chans_adaptation_matches_timm_logits(arch, in_chans, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=in_chans)


def test_bat_attention_captures_with_fx_and_export():
    """BAT (not a contract case: its training-time Dropout2d cannot be made deterministic) traces and exports."""
    from torchvision.models.feature_extraction import create_feature_extractor, get_graph_node_names

    reference, model = _pair('bat_resnext26ts')
    x = seeded_input((2, 3, 256, 256))
    with torch.no_grad():
        eager = model(x)
        assert_close(eager, reference(x), 'bat_resnext26ts eager')
    _, nodes = get_graph_node_names(model)
    traced = create_feature_extractor(model, return_nodes={nodes[-1]: 'out'})
    batch = torch.export.Dim('batch', min=1, max=64)
    exported = torch.export.export(model, (x,), dynamic_shapes=({0: batch},)).module()
    x3 = seeded_input((3, 3, 256, 256), seed=5)
    with torch.no_grad():
        assert_close(traced(x)['out'], eager, 'bat_resnext26ts torch.fx')
        assert_close(exported(x3), model(x3), 'bat_resnext26ts torch.export, another batch size')
    model.train()
    (model(x[:1]) ** 2).mean().backward()
    assert not [n for n, p in model.named_parameters() if p.grad is None]
