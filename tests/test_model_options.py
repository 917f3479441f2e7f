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
    (folder / 'checksums.sha256').unlink()  # the config was edited by hand: no manifest to hold it to
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


DROP_PATH_MODELS = ['resnet50', 'mobilenetv3_large_100', 'efficientnet_b0']


def _drop_paths(model):
    return [(name, round(float(module.drop_prob), 7)) for name, module in model.named_modules()
            if type(module).__name__ == 'DropPath']


@pytest.mark.parametrize('arch', DROP_PATH_MODELS)
def test_drop_path_rate_puts_timms_drop_paths_in_timms_places(arch):
    import timm

    with torch.device('meta'):
        reference = timm.create_model(arch, drop_path_rate=0.2)
    ours = imgzoo.create_model(arch, drop_path_rate=0.2, device='meta')
    expected = _drop_paths(reference)
    assert expected and max(rate for _, rate in expected) > 0
    assert _drop_paths(ours) == expected
    assert _drop_paths(imgzoo.create_model(arch, device='meta')) == _drop_paths(timm.create_model(arch, pretrained=False)) == []


def _drop_paths_run(model, x, train=True):
    """Names of the DropPath modules one forward (and backward in training) runs, and whether any changed its input."""
    runs, changed = [], []

    def record(name, module, args, out):
        runs.append(name)
        changed.append(not torch.equal(out, args[0]))

    hooks = [module.register_forward_hook(lambda m, args, out, name=name: record(name, m, args, out))
             for name, module in model.named_modules() if type(module).__name__ == 'DropPath']
    try:
        if train:
            model.train()(x).sum().backward()
        else:
            with torch.no_grad():
                model.eval()(x)
    finally:
        for hook in hooks:
            hook.remove()
    return runs, any(changed)


@pytest.mark.parametrize('arch', DROP_PATH_MODELS)
def test_drop_paths_run_where_timms_do_in_training_only(arch):
    """Blocks without a residual keep an unused DropPath, in timm too; the others must apply theirs."""
    from parity import timm_model

    x = seeded_input((4, 3, 32, 32))
    # perturb_constants_ makes the zero-initialised last norm of each residual branch non-zero.
    ours = perturb_constants_(imgzoo.create_model(arch, drop_path_rate=0.5, num_classes=4))
    reference = timm_model(arch, drop_path_rate=0.5, num_classes=4)
    torch.manual_seed(0)
    runs, changed = _drop_paths_run(ours, x)
    assert runs and runs == _drop_paths_run(reference, x)[0]
    assert changed, 'no DropPath changed its branch in training'
    assert _drop_paths_run(ours, x, train=False) == (runs, False)
