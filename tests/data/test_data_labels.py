"""Class names: shipped ImageNet-1k names, and a folder's label_names / label_descriptions first."""
from __future__ import annotations

import json

import pytest

import imgzoo
from imgzoo.data import resolve_label_names


def test_shipped_imagenet_names_are_complete_and_ordered():
    from torchvision.models._meta import _IMAGENET_CATEGORIES

    names = imgzoo.imagenet_class_names()
    assert len(names) == len(set(names)) == 1000
    assert names == list(_IMAGENET_CATEGORIES)
    assert names[281] == 'tabby' and names[0] == 'tench' and names[999] == 'toilet tissue'


def test_thousand_class_model_gets_imagenet_names():
    model = imgzoo.create_model('resnet18')
    names, source = resolve_label_names(model)
    assert source == 'imagenet-1k' and names[285] == 'Egyptian cat'


def test_label_offset_adds_background():
    names, source = resolve_label_names({'num_classes': 1001, 'label_offset': 1})
    assert source == 'imagenet-1k' and names[0] == 'background' and names[282] == 'tabby'


@pytest.mark.parametrize('label_names', [['n1', 'n2', 'n3'], {'0': 'n1', '1': 'n2', '2': 'n3'}])
def test_folder_labels_take_precedence(tmp_path, label_names):
    model = imgzoo.create_model('resnet18', num_classes=3)
    folder = imgzoo.save_pretrained(model, tmp_path / 'm')
    config = json.loads((folder / 'config.json').read_text())
    config['label_names'] = label_names
    config['label_descriptions'] = {'n1': 'first thing', 'n3': 'third thing'}
    (folder / 'config.json').write_text(json.dumps(config))
    (folder / 'checksums.sha256').unlink()  # the config was edited by hand: no manifest to hold it to
    loaded = imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert resolve_label_names(loaded) == (['first thing', 'n2', 'third thing'], 'config')


def test_labels_that_do_not_fit_the_classifier_are_not_used():
    cfg = {'num_classes': 1000, 'label_names': ['a', 'b']}
    assert resolve_label_names(cfg)[1] == 'imagenet-1k'
    assert imgzoo.get_label_names({'num_classes': 2, 'label_names': ['a', 'b']}, num_classes=4) == [
        'class 0', 'class 1', 'class 2', 'class 3']
