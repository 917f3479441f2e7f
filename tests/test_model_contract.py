"""Every registered architecture holds to the model contract (imgzoo/models/_base.py), checked against timm.

Modelled on timm's tests/test_models.py. Two tiers keep the suite inside the CI budget:

- every architecture, at full size on the meta device (no weights, no compute), in one test that builds
  each side once: state-dict keys and shapes, module hyperparameters (parity.assert_same_structure),
  feature_info, num_features / head_hidden_size, group_matcher, no_weight_decay, layer-decay layer ids, the
  features_only default taps and the pretrained config's first_conv / classifier, all equal to timm's;
- representative cases per family (tests/contract_cases/<family>.py, reduced sizes where stated there)
  with timm's weights: forward_intermediates, features_only feature maps (every name form goes through
  the same build path), forward + backward with every parameter receiving a gradient, gradient
  checkpointing, reset_classifier, torch.fx (torchvision's create_feature_extractor), torch.export with a
  dynamic batch, and torch.compile(fullgraph=True) for the first case of each family (the 'eager'
  backend: graph capture is what is tested; inductor code generation would cost minutes per model).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import torch
from contract_cases import Case, family_cases
from parity import assert_close, assert_same_structure, seeded_input, timm_model
from safetensors.torch import save_file

import imgzoo
from imgzoo import models
from imgzoo.meta import meta_device
from imgzoo.models._base import CONTRACT_ATTRIBUTES, CONTRACT_METHODS, ImgzooModel
from imgzoo.optim import layer_map
from imgzoo.registry import get_model_entrypoint, get_model_family

timm = pytest.importorskip('timm')

pytestmark = pytest.mark.usefixtures('one_thread')

ALL_ARCHS = imgzoo.list_models()
FAMILY_CASES = family_cases()
CASES = [case for cases in FAMILY_CASES.values() for case in cases]
FIRST_CASES = [cases[0] for cases in FAMILY_CASES.values() if cases]


def _ids(cases):
    return [c.id for c in cases]


# timm arguments that make timm build what imgzoo builds on purpose: timm switches fbnetc_100 to BatchNorm
# epsilon 1e-3 only with pretrained=True, imgzoo always builds it so (test_efficientnet checks both).
TIMM_ARGS = {'fbnetc_100': dict(bn_eps=1e-3)}


def _meta_pair(arch: str):
    with meta_device():
        ours = imgzoo.create_model(arch)  # the factory's defaults too (e.g. img_size from a fixed-size tag), as timm
    with torch.device('meta'):
        theirs = timm.create_model(arch, **TIMM_ARGS.get(arch, {}))
    return ours, theirs


def _feature_info(entries):
    return [(d['num_chs'], d['reduction'], d['module']) for d in entries]


def test_every_family_has_contract_cases():
    assert sorted(FAMILY_CASES) == sorted(models.FAMILIES)
    for family, cases in FAMILY_CASES.items():
        assert cases, f'tests/contract_cases/{family}.py lists no case'
        for case in cases:
            assert get_model_family(case.arch) == family, f'{case.arch} is not in {family}.py'


def test_features_only_lists_every_architecture():
    assert imgzoo.list_models(features_only=True) == ALL_ARCHS


@pytest.mark.parametrize('arch', ALL_ARCHS)
def test_architecture_matches_timm_on_meta(arch):
    """One meta build of each side per architecture, every full-size check on it: the contract's members,
    state-dict keys and shapes, module structure (epsilons, strides, heads, activations...), feature_info,
    widths, group_matcher, no_weight_decay, layer-decay ids, the pretrained config's module names and the
    features_only default taps."""
    ours, theirs = _meta_pair(arch)
    for name in CONTRACT_ATTRIBUTES:
        assert hasattr(ours, name), f'{arch} lacks {name}'
    for name in CONTRACT_METHODS:
        assert callable(getattr(ours, name, None)), f'{arch} lacks {name}()'
    ours_sd, theirs_sd = ours.state_dict(), theirs.state_dict()
    assert list(ours_sd) == list(theirs_sd)
    assert {k: tuple(v.shape) for k, v in ours_sd.items()} == {k: tuple(v.shape) for k, v in theirs_sd.items()}
    assert_same_structure(ours, theirs, arch)
    assert _feature_info(ours.feature_info) == _feature_info(theirs.feature_info)
    assert (ours.num_features, ours.head_hidden_size) == (theirs.num_features, theirs.head_hidden_size)
    for coarse in (False, True):
        ours_matcher, theirs_matcher = ours.group_matcher(coarse=coarse), theirs.group_matcher(coarse=coarse)
        if callable(theirs_matcher):  # a function (e.g. Inception-v3): same group for every parameter
            names = list(theirs_sd)
            assert [ours_matcher(n) for n in names] == [theirs_matcher(n) for n in names]
        else:
            assert ours_matcher == theirs_matcher
    theirs_nwd = theirs.no_weight_decay() if hasattr(theirs, 'no_weight_decay') else set()
    assert set(ours.no_weight_decay()) == set(theirs_nwd)
    theirs_layers = timm.models.group_parameters(theirs, theirs.group_matcher(coarse=False), reverse=True)
    assert layer_map(ours) == theirs_layers

    cfg = imgzoo.get_pretrained_cfg(arch)
    modules = dict(ours.named_modules())
    for field in ('first_conv', 'classifier'):
        names = getattr(cfg, field)
        for name in (names,) if isinstance(names, str) else names or ():
            assert name in modules, f'{arch}: pretrained_cfg.{field}={name!r} is not a module'

    with meta_device():  # through the factory: the features_only wrapping is the factory's, not the family's
        ours_features = imgzoo.create_model(arch, features_only=True)
    with torch.device('meta'):
        theirs_features = timm.create_model(arch, features_only=True, **TIMM_ARGS.get(arch, {}))
    assert ours_features.feature_info.out_indices == tuple(theirs_features.feature_info.out_indices)
    assert ours_features.feature_info.channels() == theirs_features.feature_info.channels()
    assert ours_features.feature_info.reduction() == theirs_features.feature_info.reduction()


def test_every_architecture_has_a_pretrained_cfg():
    assert imgzoo.list_models(pretrained=False) == ALL_ARCHS


def _pair(case: Case):
    reference = timm_model(case.arch, **case.kwargs)
    ours = imgzoo.create_model(case.arch, **case.kwargs).eval()
    ours.load_state_dict(reference.state_dict())
    return reference, ours


@pytest.mark.parametrize('case', CASES, ids=_ids(CASES))
def test_forward_intermediates_and_reset_classifier_match_timm(case):
    """One pair of models per case: forward_intermediates, then reset_classifier (which changes the models)."""
    reference, ours = _pair(case)
    x = seeded_input(case.input_shape)
    _check_forward_intermediates(case, reference, ours, x)
    _check_reset_classifier(case, reference, ours, x)


def _check_forward_intermediates(case, reference, ours, x):
    taps = len(ours.feature_info)
    with torch.no_grad():
        for indices in (None, 1, [0, taps - 1]):
            for norm in (False, True):
                try:
                    ref_final, ref_maps = reference.forward_intermediates(x, indices=indices, norm=norm)
                except AssertionError:  # timm refuses norm=True where the trunk has no final norm (Hiera)
                    with pytest.raises(imgzoo.InvalidModelArgsError, match='norm=False'):
                        ours.forward_intermediates(x, indices=indices, norm=norm)
                    continue
                final, maps = ours.forward_intermediates(x, indices=indices, norm=norm)
                assert_close(final, ref_final, f'{case.id} final features (indices={indices}, norm={norm})')
                assert len(maps) == len(ref_maps)
                for i, (a, b) in enumerate(zip(maps, ref_maps)):
                    assert_close(a, b, f'{case.id} intermediate {i} (indices={indices}, norm={norm})')
        for norm in (False, True):
            try:
                ref_only = reference.forward_intermediates(x, indices=[taps - 1], norm=norm, intermediates_only=True,
                                                           stop_early=True)
            except AssertionError:  # refused by timm (checked above)
                continue
            only = ours.forward_intermediates(x, indices=[taps - 1], norm=norm, intermediates_only=True, stop_early=True)
            assert len(only) == len(ref_only) == 1
            assert_close(only[0], ref_only[0], f'{case.id} intermediates_only with stop_early (norm={norm})')


@pytest.mark.parametrize('case', CASES, ids=_ids(CASES))
def test_features_only_maps_match_timm(case, tmp_path: Path):
    reference = timm_model(case.arch, **case.kwargs)
    weights = tmp_path / 'weights.safetensors'
    save_file({k: v.detach().contiguous().clone() for k, v in reference.state_dict().items()}, str(weights))
    overlay = dict(file=str(weights))
    x = seeded_input(case.input_shape)
    taps = len(reference.feature_info)
    for out_indices in (None, (1, taps - 1)):
        chosen = {} if out_indices is None else dict(out_indices=out_indices)
        theirs = timm.create_model(case.arch, pretrained=True, features_only=True, pretrained_cfg_overlay=overlay,
                                   **chosen, **case.kwargs).eval()
        ours = imgzoo.create_model(case.arch, pretrained=True, features_only=True, pretrained_cfg_overlay=overlay,
                                   **chosen, **case.kwargs).eval()
        assert ours.feature_info.channels() == theirs.feature_info.channels()
        assert ours.feature_info.reduction() == theirs.feature_info.reduction()
        assert ours.feature_info.module_name() == theirs.feature_info.module_name()
        with torch.no_grad():
            ours_maps, theirs_maps = ours(x), theirs(x)
        assert len(ours_maps) == len(theirs_maps)
        for i, (a, b) in enumerate(zip(ours_maps, theirs_maps)):
            assert_close(a, b, f'{case.id} feature map {i} (out_indices={out_indices})')
    as_dict = imgzoo.create_model(case.arch, features_only=True, feature_cls='dict', **case.kwargs)
    assert list(as_dict(x)) == as_dict.feature_info.module_name()


def _grads(model, x):
    torch.manual_seed(0)  # the same draws for stochastic layers in training (e.g. MaxViT's rel-pos MLP dropout)
    model.zero_grad(set_to_none=True)
    out = model(x)
    (out.float() ** 2).mean().backward()
    return out.detach(), {n: p.grad for n, p in model.named_parameters()}


@pytest.mark.parametrize('case', CASES, ids=_ids(CASES))
def test_backward_reaches_every_parameter_and_checkpointing_changes_nothing(case):
    torch.manual_seed(0)
    model = imgzoo.create_model(case.arch, **case.kwargs).train()
    x = seeded_input(case.input_shape)
    plain_out, plain = _grads(model, x)
    missing = [n for n, g in plain.items() if g is None and n not in case.no_grad]
    assert not missing, f'{case.id}: parameters without gradient: {missing[:5]}'
    model.set_grad_checkpointing(True)
    assert model.grad_checkpointing
    ckpt_out, ckpt = _grads(model, x)
    assert_close(ckpt_out, plain_out, f'{case.id} output with gradient checkpointing')
    for name, grad in plain.items():
        if grad is not None:
            assert_close(ckpt[name], grad, f'{case.id} gradient of {name} with checkpointing', rtol=1e-4)


def _check_reset_classifier(case, reference, ours, x):
    for args in ((7,), (0,), (0, '')):
        try:
            reference.reset_classifier(*args)
        except AssertionError:  # timm refuses (a head that cannot drop its pooling): ours must say why, clearly
            with pytest.raises(imgzoo.InvalidModelArgsError, match='global_pool'):
                ours.reset_classifier(*args)
            continue
        ours.reset_classifier(*args)
        if args[0]:
            ours_heads, reference_heads = ours.get_classifier(), reference.get_classifier()
            if not isinstance(ours_heads, tuple):  # distilled models have two heads, as in timm
                ours_heads, reference_heads = (ours_heads,), (reference_heads,)
            for ours_head, reference_head in zip(ours_heads, reference_heads, strict=True):
                ours_head.load_state_dict(reference_head.state_dict())
        with torch.no_grad():
            assert_close(ours(x), reference(x), f'{case.id} after reset_classifier{args}')
    assert ours.num_classes == 0 and reference.num_classes == 0


@pytest.mark.parametrize('case', CASES, ids=_ids(CASES))
def test_fx_and_export_capture_the_model(case):
    from torchvision.models.feature_extraction import create_feature_extractor, get_graph_node_names

    model = imgzoo.create_model(case.arch, **case.kwargs).eval()
    x = seeded_input(case.input_shape)
    with torch.no_grad():
        eager = model(x)
    _, eval_nodes = get_graph_node_names(model)
    traced = create_feature_extractor(model, return_nodes={eval_nodes[-1]: 'out'})
    with torch.no_grad():
        assert_close(traced(x)['out'], eager, f'{case.id} torch.fx')
    batch = torch.export.Dim('batch', min=1, max=64)
    exported = torch.export.export(model, (x,), dynamic_shapes=({0: batch},)).module()
    x3 = seeded_input((3, *case.input_shape[1:]), seed=5)
    with torch.no_grad():
        assert_close(exported(x), eager, f'{case.id} torch.export')
        assert_close(exported(x3), model(x3), f'{case.id} torch.export, another batch size')


@pytest.mark.parametrize('case', FIRST_CASES, ids=_ids(FIRST_CASES))
def test_compile_fullgraph(case):
    torch._dynamo.reset()
    model = imgzoo.create_model(case.arch, **case.kwargs).eval()
    x = seeded_input(case.input_shape)
    compiled = torch.compile(model, fullgraph=True, backend='eager')
    with torch.no_grad():
        assert_close(compiled(x), model(x), f'{case.id} torch.compile(fullgraph=True)')


def test_layer_decay_groups_match_timm_for_each_family():
    from timm.optim import param_groups_layer_decay as timm_groups

    for case in FIRST_CASES:
        reference, ours = _pair(case)
        theirs = timm_groups(reference, weight_decay=0.05, layer_decay=0.75,
                             no_weight_decay_list=getattr(reference, 'no_weight_decay', set)())
        names_of = {id(p): n for n, p in reference.named_parameters()}
        expected = [(g['lr_scale'], g['weight_decay'], [names_of[id(p)] for p in g['params']]) for g in theirs]
        got = [(g['lr_scale'], g['weight_decay'], g['param_names'])
               for g in imgzoo.param_groups_layer_decay(ours, weight_decay=0.05, layer_decay=0.75)]
        assert got == expected, case.id
        assert len({scale for scale, _, _ in got}) > 1, f'{case.id}: layer decay had no effect'


class _BrokenModel(ImgzooModel):
    """A model whose __init__ has a bug (reads an attribute it never set)."""

    def __init__(self, num_classes: int = 1000, in_chans: int = 3) -> None:
        super().__init__()
        self.missing_attribute_read = self.does_not_exist


def test_model_bug_in_init_surfaces_as_itself():
    from imgzoo.registry import register_model, unregister_model

    @register_model
    def _contract_broken_arch(**kwargs) -> _BrokenModel:
        return _BrokenModel(**kwargs)

    try:
        with pytest.raises(AttributeError, match='does_not_exist'):
            imgzoo.create_model('_contract_broken_arch')
        with pytest.raises(imgzoo.InvalidModelArgsError, match="does not accept 'depth'.*in_chans, num_classes"):
            imgzoo.create_model('_contract_broken_arch', depth=3)
    finally:
        unregister_model('_contract_broken_arch')


def test_features_only_errors_name_the_problem():
    with pytest.raises(imgzoo.InvalidModelArgsError, match='out of range.*5 features'):
        imgzoo.create_model('resnet18', features_only=True, out_indices=(1, 7))
    with pytest.raises(imgzoo.InvalidModelArgsError, match="feature_cls must be one of"):
        imgzoo.create_model('resnet18', features_only=True, feature_cls='hooks')
