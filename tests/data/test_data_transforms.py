"""create_transform: torchvision.transforms.v2 eval transform equal to timm's on real photos."""
from __future__ import annotations

import pytest
import skimage.data
import timm.data
import torch
from PIL import Image

import imgzoo
from imgzoo.errors import InvalidConfigError

PHOTOS = ('chelsea', 'coffee', 'rocket', 'astronaut')


@pytest.fixture(scope='module')
def photos():
    return {name: Image.fromarray(getattr(skimage.data, name)()) for name in PHOTOS}


@pytest.mark.parametrize('config', [
    dict(crop_mode='center', interpolation='bicubic', input_size=(3, 224, 224), crop_pct=0.875),
    dict(crop_mode='center', interpolation='bilinear', input_size=(3, 160, 200), crop_pct=0.95),
    dict(crop_mode='squash', interpolation='bicubic', input_size=(3, 192, 192), crop_pct=1.0),
    dict(crop_mode='border', interpolation='bilinear', input_size=(3, 224, 176), crop_pct=0.9,
         mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5)),
], ids=['center', 'center-nonsquare', 'squash', 'border'])
def test_equals_timm_eval_transform_on_photos(config, photos):
    data_config = imgzoo.resolve_data_config(**config)
    ours = imgzoo.create_transform(data_config)
    reference = timm.data.create_transform(**data_config)
    for name, image in photos.items():
        expected, got = reference(image), ours(image)
        assert type(got) is torch.Tensor and got.dtype == torch.float32
        assert got.shape == expected.shape == data_config['input_size'], name
        assert float((got - expected).abs().max()) <= 1e-6, name


def test_border_mode_pads_with_the_mean_colour(photos):
    # coffee is 400x600: scaling the longer side leaves bands above and below to pad.
    data_config = imgzoo.resolve_data_config(input_size=(3, 64, 64), crop_pct=1.0, crop_mode='border',
                                             mean=(0.2, 0.4, 0.6), std=(1.0, 1.0, 1.0))
    out = imgzoo.create_transform(data_config)(photos['coffee'])
    fill = torch.tensor([round(255 * m) / 255 for m in (0.2, 0.4, 0.6)]) - torch.tensor([0.2, 0.4, 0.6])
    assert torch.allclose(out[:, 0, :], fill[:, None].expand(3, 64), atol=1e-6)
    assert not torch.allclose(out[:, 32, :], fill[:, None].expand(3, 64), atol=1e-2)


def test_uint8_tensor_input_matches_pil(photos):
    data_config = imgzoo.resolve_data_config(input_size=(3, 96, 96), interpolation='bilinear')
    transform = imgzoo.create_transform(data_config)
    image = photos['chelsea']
    tensor = torch.from_numpy(skimage.data.chelsea()).permute(2, 0, 1).contiguous()
    # Tensor resizing is torch's antialiased kernel, not PIL's: close, not identical.
    assert float((transform(tensor) - transform(image)).abs().mean()) < 0.02


def test_model_config_drives_the_transform(photos):
    model = imgzoo.create_model('resnet18', pretrained_cfg='a3_in1k', num_classes=2)
    transform = imgzoo.create_transform(imgzoo.resolve_data_config(model))
    assert transform(photos['rocket']).shape == (3, 160, 160)
    test_size = imgzoo.create_transform(imgzoo.resolve_data_config(model, use_test_size=True))
    assert test_size(photos['rocket']).shape == (3, 224, 224)


def test_rejects_a_pretrained_cfg_in_place_of_a_data_config():
    with pytest.raises(InvalidConfigError, match='resolve_data_config'):
        imgzoo.create_transform(imgzoo.get_pretrained_cfg('resnet18').to_dict())
