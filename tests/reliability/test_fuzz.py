"""Property-based tests: whatever a config.json or a model name holds, only imgzoo's exceptions escape.

Integers are kept small (|n| < 5000) so no example asks for gigabytes of memory; everything
else (types, nesting, strings, unicode, NaN) is unconstrained.
"""
from __future__ import annotations

import json
import os
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import imgzoo
from imgzoo import ImgzooError
from imgzoo.sources.common import parse_model_config, read_config_file

pytestmark = pytest.mark.timeout(120)
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

small_ints = st.integers(min_value=-5, max_value=5000)
scalars = st.none() | st.booleans() | small_ints | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)

ARCHS = ['resnet18', 'resnet50', 'resnet18d', 'no_such_net', '', 'ResNet18', 'resnet18.a1_in1k']
MODEL_ARG_KEYS = ['in_chans', 'global_pool', 'drop_rate', 'drop_path_rate', 'stem_width', 'stem_type', 'avg_down',
                  'base_width', 'cardinality', 'use_se', 'zero_init_last', 'layers', 'block', 'num_classes', 'img_size']
CFG_KEYS = ['num_classes', 'input_size', 'test_input_size', 'mean', 'std', 'crop_pct', 'interpolation', 'crop_mode',
            'first_conv', 'classifier', 'label_offset', 'label_names', 'hf_hub_id', 'hf_hub_filename', 'file', 'url',
            'pool_size', 'fixed_input_size', 'architecture', 'tag', 'state_dict', 'labels', 'license']
plausible = {
    'num_classes': small_ints, 'in_chans': small_ints, 'input_size': st.lists(small_ints, max_size=4),
    'mean': st.lists(st.floats(allow_nan=True), max_size=4), 'first_conv': st.sampled_from(['conv1', 'stem.0', 'nope']),
    'classifier': st.sampled_from(['fc', 'head', 'nope']),
    'global_pool': st.sampled_from(['avg', 'max', 'catavgmax', '', 'bad']),
    'layers': st.lists(small_ints, max_size=5), 'stem_type': st.sampled_from(['', 'deep', 'odd']),
    'architecture': st.sampled_from(ARCHS), 'drop_rate': st.floats(), 'drop_path_rate': st.floats(),
    'cardinality': small_ints, 'base_width': small_ints, 'stem_width': small_ints, 'label_offset': small_ints,
    'avg_down': st.booleans(), 'use_se': st.booleans(), 'crop_pct': st.floats(),
    'hf_hub_filename': st.text(max_size=12),
}
DELETE = object()


def _value(key: str):
    return (plausible[key] | json_values) if key in plausible else json_values


mutation_paths = (['architecture', 'num_classes', 'model_args', 'pretrained_cfg', 'label_names', 'global_pool']
                  + [f'model_args.{k}' for k in MODEL_ARG_KEYS] + [f'pretrained_cfg.{k}' for k in CFG_KEYS])
mutations = st.lists(
    st.sampled_from(mutation_paths).flatmap(
        lambda p: st.tuples(st.just(p), _value(p.split('.')[-1]) | st.just(DELETE))),
    min_size=1, max_size=3,
)


def mutate(config: dict, changes) -> dict:
    """config with each (dotted path, value) change applied; DELETE removes the key."""
    config = json.loads(json.dumps(config))
    for path, value in changes:
        *parents, key = path.split('.')
        node = config
        for parent in parents:
            if not isinstance(node.get(parent), dict):
                node[parent] = {}
            node = node[parent]
        if value is DELETE:
            node.pop(key, None)
        else:
            node[key] = value
    return config


structured_configs = st.fixed_dictionaries(
    {'architecture': st.sampled_from(ARCHS) | json_values},
    optional={
        'num_classes': _value('num_classes'),
        'model_args': st.dictionaries(st.sampled_from(MODEL_ARG_KEYS), st.deferred(lambda: json_values), max_size=4)
        | st.dictionaries(st.sampled_from(MODEL_ARG_KEYS), st.sampled_from([0, 1, 3, 64, 'avg']), max_size=3)
        | json_values,
        'pretrained_cfg': st.dictionaries(st.sampled_from(CFG_KEYS), st.sampled_from(CFG_KEYS).flatmap(_value),
                                          max_size=6) | json_values,
        'label_names': json_values, 'label_descriptions': json_values, 'global_pool': _value('global_pool'),
        'num_features': json_values,
    },
)
flat_configs = st.dictionaries(st.sampled_from(CFG_KEYS), st.sampled_from(CFG_KEYS).flatmap(_value), max_size=6).map(
    lambda d: {**d, 'architecture': d.get('architecture', 'resnet18')})
any_config = structured_configs | flat_configs | json_values


@pytest.fixture(scope='module')
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp('fuzz')


@FUZZ
@given(raw=any_config)
def test_parsing_any_config_raises_only_invalid_config_error(raw):
    try:
        config = parse_model_config(raw, 'fuzzed config.json')
    except ImgzooError as e:
        assert isinstance(e, ValueError)
        return
    assert isinstance(config.architecture, str) and isinstance(config.model_args, dict)


@FUZZ
@given(data=st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode('utf-8', 'surrogatepass'))
       | any_config.map(lambda c: json.dumps(c).encode()))
def test_reading_any_config_bytes_raises_only_imgzoo_errors(data, fuzz_dir):
    path = fuzz_dir / 'bytes' / 'config.json'
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    try:
        read_config_file(path)
    except ImgzooError:
        pass


def _load_fuzzed(folder: Path, weights: Path, config) -> None:
    folder.mkdir(exist_ok=True)
    if not (folder / 'model.safetensors').exists():
        os.symlink(weights, folder / 'model.safetensors')
    (folder / 'config.json').write_text(json.dumps(config, allow_nan=True))
    try:
        model = imgzoo.create_model(f'local:{folder}', pretrained=True)
    except ImgzooError as e:
        event(type(e).__name__)
        return
    event('loaded')
    assert model.pretrained_cfg['architecture'] in imgzoo.list_models()


@settings(FUZZ, max_examples=40)
@given(raw=any_config)
def test_create_model_from_any_config_raises_only_imgzoo_errors(raw, fuzz_dir, tiny_folder):
    """A folder holding a fuzzed config.json next to real resnet18 weights: the model is built on the
    meta device, then the weights are checked, adapted and loaded."""
    _load_fuzzed(fuzz_dir / 'any', tiny_folder / 'model.safetensors', raw)


@settings(FUZZ, max_examples=80)
@given(changes=mutations)
def test_create_model_from_a_mutated_config_raises_only_imgzoo_errors(changes, fuzz_dir, tiny_folder):
    """The tiny model's own config.json with one to three fields changed or removed."""
    config = mutate(json.loads((tiny_folder / 'config.json').read_text()), changes)
    _load_fuzzed(fuzz_dir / 'mutated', tiny_folder / 'model.safetensors', config)


name_alphabet = string.ascii_letters + string.digits + '._-/@:~#? \\\x00é\n'
model_names = (
    st.text(alphabet=name_alphabet, max_size=40)
    | st.tuples(st.sampled_from(['hf-hub:', 'hf_hub:', 'local:', 'local-dir:', 'folder:', '', 'timm/']),
                st.text(alphabet=name_alphabet, max_size=40)).map(''.join)
    | st.text(max_size=30)
)


@FUZZ
@given(name=model_names)
def test_parsing_any_model_name_raises_only_invalid_name_error(name):
    try:
        source = imgzoo.parse_model_name(name)
    except ImgzooError as e:
        assert isinstance(e, imgzoo.InvalidModelNameError)
        return
    assert source.kind in ('builtin', 'hub', 'local')


@settings(FUZZ, max_examples=100)
@given(name=model_names)
def test_create_model_from_any_name_raises_only_imgzoo_errors(name, monkeypatch, tmp_path):
    """Offline, so hub names end at the cache; built-in names that exist are built on the meta device."""
    monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    monkeypatch.chdir(tmp_path)
    try:
        imgzoo.create_model(name, pretrained=True, device='meta')
    except ImgzooError:
        pass

