"""Registry: listing, lookup, close-match suggestions, and tag tables that agree with timm's."""
from __future__ import annotations

import pytest

import imgzoo
from imgzoo import UnknownModelError, UnknownPretrainedTagError
from imgzoo.registry import list_tags

DATA_FIELDS = ('hf_hub_id', 'input_size', 'test_input_size', 'interpolation', 'crop_pct', 'test_crop_pct',
               'crop_mode', 'mean', 'std', 'num_classes', 'first_conv', 'classifier')


def test_list_models_filters_with_wildcards_and_substrings():
    assert 'resnet50' in imgzoo.list_models()
    assert imgzoo.list_models('resnet5*') == sorted(n for n in imgzoo.list_models() if n.startswith('resnet5'))
    assert 'resnext50_32x4d' in imgzoo.list_models('next50')


def test_list_pretrained_gives_arch_dot_tag():
    names = imgzoo.list_pretrained('resnet50.*')
    assert 'resnet50.a1_in1k' in names and 'resnet50.tv_in1k' in names
    assert imgzoo.list_models('resnet50.*', pretrained=True) == names


def test_is_model_ignores_tag():
    assert imgzoo.is_model('resnet50') and imgzoo.is_model('resnet50.a1_in1k')
    assert not imgzoo.is_model('resnet51')


def test_default_tag_is_timms_first():
    import timm

    for arch in ('resnet50', 'resnet18', 'seresnet50'):
        assert imgzoo.get_pretrained_cfg(arch).tag == timm.get_pretrained_cfg(arch).tag


def test_unknown_architecture_suggests_close_names():
    with pytest.raises(UnknownModelError, match="Unknown model architecture 'resnet05'") as info:
        imgzoo.get_pretrained_cfg('resnet05')
    assert 'resnet50' in info.value.suggestions


def test_unknown_tag_lists_known_tags():
    with pytest.raises(UnknownPretrainedTagError, match='a1_in1k'):
        imgzoo.get_pretrained_cfg('resnet50.nope')


def test_every_registered_tag_matches_timms_published_config():
    """The tag tables carry the same hub repository and preprocessing values as timm."""
    import timm

    checked = 0
    for full_name in imgzoo.list_pretrained():
        ours = imgzoo.get_pretrained_cfg(full_name).to_dict()
        theirs = timm.get_pretrained_cfg(full_name).to_dict()
        for field in DATA_FIELDS:
            a, b = ours.get(field), theirs.get(field)
            a = tuple(a) if isinstance(a, list) else a
            b = tuple(b) if isinstance(b, list) else b
            assert a == b, f'{full_name}.{field}: imgzoo {a!r} != timm {b!r}'
        checked += 1
    assert checked >= 79


def test_list_tags_order():
    assert list_tags('resnet50')[0] == 'a1_in1k'


def test_model_index_is_current():
    """imgzoo/models/_index.py lists exactly what the family files register (tools/gen_model_index.py)."""
    import importlib.util
    from pathlib import Path

    tool = Path(__file__).resolve().parents[1] / 'tools' / 'gen_model_index.py'
    spec = importlib.util.spec_from_file_location('gen_model_index', tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.INDEX.read_text() == module.render(), 'run python tools/gen_model_index.py'


def test_listing_names_imports_no_family_code():
    import subprocess
    import sys

    probe = ('import sys, imgzoo; names = imgzoo.list_models(); '
             'print(len(names), sorted(m for m in sys.modules if m.startswith("imgzoo.models.") '
             'and not m.startswith(("imgzoo.models._index", "imgzoo.models._tags"))))')
    out = subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True, check=True).stdout.split(' ', 1)
    assert int(out[0]) > 50 and out[1].strip() == '[]'
