"""Arguments and configs: absurd sizes refused before allocation, random-weights warning for names that point at
weights, timm's load_checkpoint(use_ema=, strict=), CLI --model-arg parsing and errors worded in CLI flags."""
from __future__ import annotations

import json
import shutil
import warnings

import pytest
import torch

import imgzoo
from imgzoo import InvalidConfigError, InvalidModelArgsError, RandomWeightsWarning
from imgzoo.cli import _parse_model_args, main
from reliability_support import same_weights


@pytest.fixture
def refuse_allocation(monkeypatch):
    """Any parameter allocated on a real device fails the test: refusals must come before allocation."""
    real_empty = torch.empty

    def guarded(*args, **kwargs):
        size = args[0] if args and isinstance(args[0], (tuple, list, torch.Size)) else args
        numel = 1
        for d in size:
            numel *= int(d) if isinstance(d, int) else 1
        assert numel < 50_000_000, f'allocated {numel} elements before refusing'
        return real_empty(*args, **kwargs)

    monkeypatch.setattr(torch, 'empty', guarded)


@pytest.mark.parametrize('kwargs,field', [
    (dict(num_classes=10**9), 'num_classes'),
    (dict(img_size=10**6), 'img_size'),
    (dict(in_chans=10**7), 'in_chans'),
])
def test_absurd_argument_sizes_are_refused_before_allocation_naming_the_field(kwargs, field, refuse_allocation):
    for pretrained_cfg_args in ({},):
        with pytest.raises(InvalidModelArgsError, match=f'{field} = .*larger than any real model') as info:
            imgzoo.create_model('resnet18', **kwargs, **pretrained_cfg_args)
        assert info.value.field == field and info.value.architecture == 'resnet18'


@pytest.mark.parametrize('edit,field', [
    (lambda c: c.update(num_classes=10**9), 'num_classes'),
    (lambda c: c['pretrained_cfg'].update(input_size=[3, 10**6, 10**6]), 'pretrained_cfg.input_size'),
    (lambda c: c.setdefault('model_args', {}).update(embed_dim=10**8), 'model_args.embed_dim'),
])
def test_absurd_config_sizes_are_refused_before_allocation_naming_the_field(tiny_folder, tmp_path, edit, field,
                                                                           refuse_allocation):
    folder = tmp_path / 'absurd'
    shutil.copytree(tiny_folder, folder)
    (folder / 'checksums.sha256').unlink()
    config = json.loads((folder / 'config.json').read_text())
    edit(config)
    (folder / 'config.json').write_text(json.dumps(config))
    with pytest.raises(InvalidConfigError, match='larger than any real model') as info:
        imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert info.value.field == field and field in str(info.value)


def test_names_that_point_at_weights_warn_once_when_built_without_them(tiny_folder):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        imgzoo.create_model(f'local:{tiny_folder}')
        imgzoo.create_model(f'local:{tiny_folder}', pretrained=True)
        imgzoo.create_model('resnet18')
    random = [w for w in caught if issubclass(w.category, RandomWeightsWarning)]
    assert len(random) == 1 and 'pretrained=False' in str(random[0].message)
    assert str(tiny_folder) in str(random[0].message) and random[0].filename == __file__


def test_load_checkpoint_use_ema_and_strict_like_timm(tiny_folder, tiny_weights, tmp_path):
    model = imgzoo.create_model('resnet18', num_classes=10)
    zeros = {k: torch.zeros_like(v) for k, v in tiny_weights.items()}
    torch.save({'state_dict': zeros, 'state_dict_ema': tiny_weights, 'epoch': 3}, tmp_path / 'train.pth')
    result = imgzoo.load_checkpoint(model, tmp_path / 'train.pth')
    assert same_weights(model, tiny_weights) and (result.missing_keys, result.unexpected_keys) == ([], [])
    imgzoo.load_checkpoint(model, tmp_path / 'train.pth', use_ema=False)
    assert same_weights(model, zeros)

    partial = {k: v for k, v in tiny_weights.items() if not k.startswith('fc.')}
    partial['extra.weight'] = torch.ones(2)
    torch.save(partial, tmp_path / 'partial.pth')
    with pytest.raises(imgzoo.StateDictMismatchError) as info:
        imgzoo.load_checkpoint(model, tmp_path / 'partial.pth')
    assert info.value.missing == ['fc.weight', 'fc.bias'] and info.value.unexpected == ['extra.weight']
    result = imgzoo.load_checkpoint(model, tmp_path / 'partial.pth', strict=False)
    assert (result.missing_keys, result.unexpected_keys) == (['fc.weight', 'fc.bias'], ['extra.weight'])
    assert torch.equal(model.conv1.weight, tiny_weights['conv1.weight']) and not model.fc.bias.any()


@pytest.mark.parametrize('text,value', [
    ('0.1', 0.1), ('3', 3), ('-2e-3', -2e-3), ('true', True), ('False', False), ('yes', True), ('off', False),
    ('null', None), ('None', None), ('[3, 4, 6, 3]', [3, 4, 6, 3]), ('3,4,6,3', [3, 4, 6, 3]),
    ('(224,256)', [224, 256]), ('avg', 'avg'), ('"1"', '1'),
])
def test_model_arg_values_are_parsed(text, value):
    assert _parse_model_args([f'k={text}']) == {'k': value}


@pytest.mark.parametrize('args,expected', [
    (['--model-arg', 'drop_rate=abc'], "cannot take drop_rate='abc': it expects a number"),
    (['--model-arg', 'zero_init_last=3'], 'cannot take zero_init_last=3: it expects true or false'),
    (['--model-arg', 'not_an_arg=1'], "does not accept 'not_an_arg'"),
    (['--model-arg', 'drop_rate=0.1', '--model-arg', 'drop_rate=0.2'], "'drop_rate' is given twice"),
])
def test_model_args_the_architecture_cannot_take_are_usage_errors_naming_the_flag(args, expected, tmp_path, capsys):
    assert main(['save', 'resnet18', '--no-pretrained', '--to', str(tmp_path / 'out'), *args]) == 2
    err = capsys.readouterr().err
    assert expected in err and '--model-arg' in err and not (tmp_path / 'out').exists()


def test_cli_errors_name_cli_flags_not_python_arguments(tmp_path, capsys):
    (tmp_path / 'out').mkdir()
    (tmp_path / 'out' / 'notes.txt').write_text('x')
    assert main(['save', 'resnet18', '--no-pretrained', '--to', str(tmp_path / 'out')]) == 1
    err = capsys.readouterr().err
    assert 'add --overwrite' in err and 'overwrite=True' not in err
    (tmp_path / 'no-weights').mkdir()
    imgzoo.save_pretrained(imgzoo.create_model('resnet18', num_classes=10), tmp_path / 'w')
    shutil.copyfile(tmp_path / 'w' / 'config.json', tmp_path / 'no-weights' / 'config.json')
    assert main(['save', f'local:{tmp_path / "no-weights"}', '--to', str(tmp_path / 'new')]) == 1
    err = capsys.readouterr().err
    assert 'No weights file in' in err
    assert '--no-pretrained' in err and 'pretrained=False' not in err


def test_an_empty_folder_says_no_config_json_in_the_folder(tmp_path):
    with pytest.raises(imgzoo.ConfigNotFoundError) as info:
        imgzoo.create_model(f'local:{tmp_path}')
    assert str(info.value).startswith(f'No config.json in {tmp_path}. ') and info.value.path == str(tmp_path)


@pytest.mark.parametrize('arch, kwargs', [('efficientnet_b0', {'num_features': 0}),
                                          ('mobilenetv3_large_100', {'num_features': 64})])
def test_an_argument_the_builder_sets_itself_is_named_not_a_python_type_error(arch, kwargs):
    name = next(iter(kwargs))
    with pytest.raises(InvalidModelArgsError, match=rf"'{arch}' sets {name} itself.*without {name}=") as info:
        imgzoo.create_model(arch, **kwargs)
    assert info.value.field == name


def test_a_type_error_inside_model_code_is_not_renamed(monkeypatch):
    from imgzoo.registry import get_model_entrypoint

    def broken(**kwargs):
        raise TypeError("f() got multiple values for keyword argument 'depth'")

    monkeypatch.setattr('imgzoo.factory.get_model_entrypoint', lambda name: broken)
    monkeypatch.setattr('imgzoo.factory.check_model_args', lambda *args: None)
    with pytest.raises(TypeError, match='depth'):
        imgzoo.create_model('resnet18')
    assert get_model_entrypoint('resnet18') is not broken


@pytest.mark.parametrize('model_args, error', [
    ({'drop_path_rate': None}, None),
    ({'drop_path_rate': []}, r'drop_path_rate must be a number in \[0, 1\], got \[\]'),
    ({'drop_rate': 1.5}, r'drop_rate must be a number in \[0, 1\], got 1.5'),
    ({'stem_width': 0}, r'stem_width must be a positive whole number, got 0'),
    ({'block': False}, r'block must be a ResNet block class'),
])
def test_model_args_in_a_config_are_checked_like_keyword_arguments(model_args, error, tiny_folder, tmp_path):
    """Cases the config fuzz test found: None means the default (as for keyword arguments), other wrong
    values are named before they reach arithmetic deep in the constructor."""
    folder = tmp_path / 'edited'
    shutil.copytree(tiny_folder, folder)
    config = json.loads((folder / 'config.json').read_text())
    config['model_args'] = {**config.get('model_args', {}), **model_args}
    (folder / 'config.json').write_text(json.dumps(config))
    (folder / 'checksums.sha256').unlink()
    if error is None:
        assert imgzoo.create_model(f'local:{folder}', pretrained=True).num_classes == 10
    else:
        with pytest.raises(InvalidModelArgsError, match=error):
            imgzoo.create_model(f'local:{folder}', pretrained=True)
