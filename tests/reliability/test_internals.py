"""Internals that keep the guarantees simple to hold: source kinds as types, a resolved config built once and
never edited in place, provenance keys defined in one place."""
from __future__ import annotations

import copy
import inspect
import re
from pathlib import Path

import imgzoo
from imgzoo import factory, names, pretrained, resolve
from imgzoo.names import BuiltinSource, HubSource, LocalSource, parse_model_name
from imgzoo.sources import common

ROOT = Path(imgzoo.__file__).parent


def test_source_kinds_are_types_not_strings():
    assert isinstance(parse_model_name('resnet18.a1_in1k'), BuiltinSource)
    assert isinstance(parse_model_name('hf-hub:org/repo@v1'), HubSource)
    assert isinstance(parse_model_name('local:/tmp/x'), LocalSource)
    for module in ('resolve.py', 'cli.py', 'names.py', 'factory.py'):
        text = (ROOT / module).read_text()
        assert not re.search(r"(?<!p\.)kind (==|!=|in) ", text), module


def test_the_cli_finds_weights_through_the_same_code_as_create_model():
    """`imgzoo info` and `download` resolve files through resolve / sources, never with hub calls of their own."""
    cli = (ROOT / 'cli.py').read_text()
    assert 'huggingface_hub' not in cli and 'HfApi' not in cli
    assert 'describe_weights' in cli and 'locate_weights' in cli


def test_the_resolved_config_is_built_once_and_not_edited_in_place(tiny_folder):
    source = parse_model_name(f'local:{tiny_folder}')
    resolved = resolve.resolve_model(source)
    before = copy.deepcopy(resolved.cfg)
    assert (before.source, before.local_dir) == ('local-dir', str(tiny_folder))
    model = factory.build_model(
        resolved.architecture, {**resolved.model_args, 'num_classes': 10, 'in_chans': 1},
        resolved.cfg, weights=lambda: resolve.locate_weights(source, resolved.cfg),
        checkpoint_path=None, features=None, device=None, dtype=None,
    )
    assert resolved.cfg == before, 'build_model edited the resolved config'
    cfg = model.pretrained_cfg
    assert cfg['weights_files'] == (str(tiny_folder / 'model.safetensors'),) and cfg['local_dir'] == str(tiny_folder)
    assert cfg['input_size'] == (1, 224, 224) and cfg['architecture'] == 'resnet18'
    random = factory.build_model(resolved.architecture, {'num_classes': 3, 'in_chans': 2}, resolved.cfg)
    assert resolved.cfg == before and random.pretrained_cfg['input_size'] == (2, 224, 224)


def test_provenance_keys_and_the_labels_alias_live_in_one_place():
    assert set(common.IGNORED_CFG_KEYS) == {*pretrained.PROVENANCE_FIELDS, *pretrained.WEIGHT_POINTER_FIELDS}
    assert pretrained.cfg_from_dict({'labels': ['a', 'b']}).label_names == ['a', 'b']
    assert common.parse_model_config({'architecture': 'resnet18', 'labels': ['a']}).pretrained_cfg['label_names'] == ['a']
    for module in (common, resolve, factory, names):
        assert "'labels'" not in inspect.getsource(module), module.__name__
