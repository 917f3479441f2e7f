"""Model name parsing: every accepted form, and clear errors for the rest."""
from __future__ import annotations

from pathlib import Path

import pytest

from imgzoo import InvalidModelNameError, parse_model_name


@pytest.mark.parametrize('name,arch,tag', [
    ('resnet50', 'resnet50', None),
    ('resnet50.a1_in1k', 'resnet50', 'a1_in1k'),
    ('vit_base_patch16_clip_224.laion2b-ft-in12k', 'vit_base_patch16_clip_224', 'laion2b-ft-in12k'),
])
def test_builtin_names(name, arch, tag):
    source = parse_model_name(name)
    assert (source.kind, source.arch, source.tag) == ('builtin', arch, tag)


@pytest.mark.parametrize('name,repo,revision', [
    ('hf-hub:timm/resnet50.a1_in1k', 'timm/resnet50.a1_in1k', None),
    ('hf-hub:timm/resnet50.a1_in1k@main', 'timm/resnet50.a1_in1k', 'main'),
    ('hf-hub:org/repo@' + 'a' * 40, 'org/repo', 'a' * 40),
    ('hf_hub:org/repo', 'org/repo', None),
])
def test_hub_names(name, repo, revision):
    source = parse_model_name(name)
    assert (source.kind, source.repo_id, source.revision) == ('hub', repo, revision)


@pytest.mark.parametrize('prefix', ['local:', 'local-dir:', 'folder:'])
def test_local_aliases_expand_user_and_relative_paths(prefix, monkeypatch, tmp_path):
    monkeypatch.setenv('HOME', str(tmp_path))
    assert parse_model_name(f'{prefix}~/models/x').path == tmp_path / 'models' / 'x'
    monkeypatch.chdir(tmp_path)
    assert parse_model_name(f'{prefix}rel/dir').path == tmp_path / 'rel' / 'dir'


def test_pathlike_is_a_local_folder(tmp_path):
    assert parse_model_name(tmp_path).path == tmp_path


@pytest.mark.parametrize('name,fragment', [
    ('timm/resnet50.a1_in1k', "hf-hub:timm/resnet50.a1_in1k"),
    ('/data/models/x', "local:/data/models/x"),
    ('C:\\models\\x', 'local:'),
    ('s3://bucket/key', 'hf-hub:'),
])
def test_slash_or_colon_without_prefix_suggests_prefixes(name, fragment):
    with pytest.raises(InvalidModelNameError, match='not an architecture name') as info:
        parse_model_name(name)
    assert fragment in str(info.value)


@pytest.mark.parametrize('name', ['', '   ', 'hf-hub:', 'hf-hub:org/repo@', 'hf-hub:a/b/c', 'local:', 'resnet 50', 'res$net'])
def test_malformed_names_are_rejected(name):
    with pytest.raises(InvalidModelNameError):
        parse_model_name(name)


def test_describe_round_trips():
    assert parse_model_name('hf-hub:org/repo@v1').describe() == 'hf-hub:org/repo@v1'
    assert parse_model_name('resnet50.a1_in1k').describe() == 'resnet50.a1_in1k'
    assert parse_model_name('local:/x').describe() == f'local:{Path("/x")}'
