"""Options that change what a pretrained load or a build produces: label offsets and drop_path_rate.

Label offsets: a checkpoint trained with a background class (TensorFlow's 1001-class ImageNet heads) has
`label_offset: 1` and `num_classes: 1001` in its config; asking for 1000 classes drops the first row(s).
"""
from __future__ import annotations

import json

import pytest
import torch

import imgzoo
from imgzoo.data import get_label_names
from parity import assert_close, perturb_constants_, seeded_input

OFFSET_MODELS = [('resnet18', 'fc'), ('tf_efficientnet_lite0', 'classifier')]


@pytest.fixture(scope='module', params=OFFSET_MODELS, ids=[arch for arch, _ in OFFSET_MODELS])
def background_class_folder(request, tmp_path_factory):
    """A 1001-class checkpoint whose config says index 0 is a background class."""
    arch, classifier = request.param
    torch.manual_seed(0)
    model = perturb_constants_(imgzoo.create_model(arch, num_classes=1001))
    folder = imgzoo.save_pretrained(model, tmp_path_factory.mktemp('offset') / arch)
    config = json.loads((folder / 'config.json').read_text())
    config['pretrained_cfg']['label_offset'] = 1
    (folder / 'config.json').write_text(json.dumps(config))
    return folder, classifier, {k: v.clone() for k, v in model.state_dict().items()}


def test_label_offset_drops_the_background_class_from_the_front(background_class_folder):
    folder, classifier, saved = background_class_folder
    model = imgzoo.create_model(f'local:{folder}', pretrained=True, num_classes=1000).eval()
    head = model.get_classifier()
    assert torch.equal(head.weight, saved[f'{classifier}.weight'][1:])
    assert torch.equal(head.bias, saved[f'{classifier}.bias'][1:])
    full = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        assert_close(model(x), full(x)[:, 1:], 'logits without the background class')
    names = get_label_names(model)
    assert len(names) == 1000 and names[0] == 'tench' and names == get_label_names(full)[1:]


def test_without_an_offset_the_checkpoint_classes_load_unchanged(background_class_folder):
    folder, classifier, saved = background_class_folder
    model = imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert model.num_classes == 1001 and torch.equal(model.get_classifier().weight, saved[f'{classifier}.weight'])
    assert get_label_names(model)[:2] == ['background', 'tench']
    other = imgzoo.create_model(f'local:{folder}', pretrained=True, num_classes=10)
    assert other.get_classifier().weight.shape[0] == 10
