"""Pruned architectures (ecaresnet50d/101d_pruned, efficientnet_b1/b2/b3_pruned): layer widths from imgzoo's own
table (imgzoo/models/_pruned_widths.py, generated from timm's pruning files), parity both ways with timm at
full size (the widths are fixed by the table, so no reduced depth; 64x64 inputs keep them fast), adaptation,
and the widths-dependent contract members (feature_info, num_features) against timm under head options.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch
from parity import (
    check_imgzoo_to_timm,
    check_in_chans_adaptation,
    check_num_classes_adaptation,
    check_timm_to_imgzoo,
)

import imgzoo
from imgzoo.errors import InvalidModelArgsError
from imgzoo.meta import meta_device
from imgzoo.models._pruned import pruned_architectures

timm = pytest.importorskip('timm')
pytestmark = pytest.mark.usefixtures('one_thread')

ARCHS = ['ecaresnet50d_pruned', 'ecaresnet101d_pruned', 'efficientnet_b1_pruned', 'efficientnet_b2_pruned',
         'efficientnet_b3_pruned']


def _tool():
    path = Path(__file__).resolve().parents[2] / 'tools' / 'gen_pruned_widths.py'
    spec = importlib.util.spec_from_file_location('gen_pruned_widths', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_widths_table_is_current_with_timms_pruning_files():
    """imgzoo/models/_pruned_widths.py is what tools/gen_pruned_widths.py writes from timm's _pruned/*.txt."""
    tool = _tool()
    assert tool.OUT.read_text() == tool.render(), 'run python tools/gen_pruned_widths.py'
    assert sorted(pruned_architectures()) == sorted(ARCHS)


def test_every_pruned_architecture_of_timm_is_registered():
    pruned = {a for a in timm.list_models() if a.endswith('_pruned')}
    # es/el_pruned are ordinary EdgeTPU networks with pruned weights: timm builds them without a pruning file.
    assert pruned - set(ARCHS) == {'efficientnet_es_pruned', 'efficientnet_el_pruned'}
    assert all(imgzoo.is_model(a) for a in ARCHS)


@pytest.mark.parametrize('arch', ARCHS)
def test_timm_folder_loads_with_same_logits(arch, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path)
    assert [(k, v.shape) for k, v in reference.state_dict().items()] == \
        [(k, v.shape) for k, v in ours.state_dict().items()]


@pytest.mark.parametrize('arch', ARCHS)
def test_imgzoo_folder_loads_in_timm_with_same_logits(arch, tmp_path):
    check_imgzoo_to_timm(arch, tmp_path)


@pytest.mark.parametrize('arch', ['ecaresnet50d_pruned', 'efficientnet_b1_pruned'])
def test_num_classes_adaptation_matches_timm_pre_logits(arch, tmp_path):
    _, ours = check_num_classes_adaptation(arch, tmp_path)
    assert ours.get_classifier().in_features == ours.num_features != 2048


@pytest.mark.parametrize('arch', ['ecaresnet50d_pruned', 'efficientnet_b1_pruned'])
def test_in_chans_adaptation_matches_timm_logits(arch, tmp_path):
    check_in_chans_adaptation(arch, tmp_path, in_chans=1)


def _widths(model):
    return (model.num_features, model.head_hidden_size,
            [(d['num_chs'], d['reduction'], d['module']) for d in model.feature_info])


@pytest.mark.parametrize('arch', ['ecaresnet50d_pruned', 'efficientnet_b2_pruned'])
@pytest.mark.parametrize('args', [dict(num_classes=0), dict(global_pool='catavgmax'), dict(in_chans=4),
                                  dict(num_classes=0, global_pool='')])
def test_widths_follow_timm_under_head_options(arch, args):
    """num_features, head_hidden_size, feature_info and every parameter shape as timm's adapter leaves them,
    with the classifier gone (num_features then follows the last tap), a wider pooling or another in_chans."""
    with meta_device():
        ours = imgzoo.create_model(arch, **args)
    with torch.device('meta'):
        theirs = timm.create_model(arch, **args)
    assert _widths(ours) == _widths(theirs)
    assert {k: v.shape for k, v in ours.state_dict().items()} == {k: v.shape for k, v in theirs.state_dict().items()}


@pytest.mark.parametrize('arch', ['ecaresnet50d_pruned', 'efficientnet_b1_pruned'])
def test_built_in_eval_mode_as_timm(arch):
    """timm's adapter leaves a pruned model in eval mode (batch norm on running statistics); so does imgzoo."""
    with meta_device():
        ours = imgzoo.create_model(arch)
    with torch.device('meta'):
        theirs = timm.create_model(arch)
    assert not theirs.training and not any(m.training for m in ours.modules())


def test_features_only_maps_have_the_pruned_widths():
    model = imgzoo.create_model('efficientnet_b1_pruned', features_only=True).eval()
    with torch.no_grad():
        maps = model(torch.zeros(1, 3, 64, 64))
    assert [m.shape[1] for m in maps] == model.feature_info.channels() == [16, 12, 35, 67, 320]


@pytest.mark.parametrize('arch,args,message', [
    ('ecaresnet50d_pruned', dict(layers=[3, 4, 6, 4]), r"'layer4\.3\.conv1' is not in it"),
    ('ecaresnet50d_pruned', dict(layers=[3, 4, 6, 2]), r"it lacks 'layer4\.2\.conv1'"),
])
def test_layout_other_than_the_tables_is_refused_with_the_layer_named(arch, args, message):
    with pytest.raises(InvalidModelArgsError, match=message + r'.*layout arguments at their defaults'):
        imgzoo.create_model(arch, **args)


@pytest.mark.parametrize('arch', ['ecaresnet50d_pruned', 'efficientnet_b1_pruned'])
def test_pretrained_load_initialises_and_copies_nothing(arch, tmp_path):
    """The rebuilt layers are created on the meta device too: a pretrained load writes no tensor."""
    from test_fast_loading import _RealTensorOps

    folder = imgzoo.save_pretrained(imgzoo.create_model(arch), tmp_path / arch)
    with _RealTensorOps() as ops:
        imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert ops.writes() == [], sorted(set(ops.writes()))
