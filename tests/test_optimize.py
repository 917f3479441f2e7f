"""optimize_for_inference: folded models compute what the plain ones do, the input model is untouched."""
from __future__ import annotations

import pytest
import torch
from parity import assert_close, perturb_constants_, seeded_input
from torch.nn.modules.batchnorm import _BatchNorm

import imgzoo
from imgzoo import InferenceOnlyModelError, ModelInTrainingModeError, optimize_for_inference

pytestmark = pytest.mark.usefixtures('one_thread')

# One architecture per family (ViT at depth 2: nothing to fold, channels_last left off).
CASES = [
    ('resnet18', {}), ('resnet50d', {}), ('efficientnet_b0', {}), ('tf_efficientnet_lite0', {}),
    ('mobilenetv3_small_100', {}), ('regnety_008', {}), ('convnext_atto', {}),
    ('vit_tiny_patch16_224', {'depth': 2, 'img_size': 64}),
    ('resnet18', {'num_classes': 10, 'in_chans': 1}),
]


def _model(arch, kwargs):
    torch.manual_seed(0)
    return perturb_constants_(imgzoo.create_model(arch, **kwargs)).eval()


@pytest.mark.parametrize('arch,kwargs', CASES)
def test_optimized_model_equals_the_plain_one(arch, kwargs):
    model = _model(arch, kwargs)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    optimized = optimize_for_inference(model)
    x = seeded_input((2, kwargs.get('in_chans', 3), 64, 64))
    with torch.no_grad():
        assert_close(optimized(x), model(x), f'{arch} optimized', rtol=1e-4)
        features = optimized.forward_features(x)
        assert_close(optimized.forward_head(features, pre_logits=True),
                     model.forward_head(model.forward_features(x), pre_logits=True), f'{arch} pre-logits', rtol=1e-4)
    assert optimized.pretrained_cfg == model.pretrained_cfg
    assert optimized.feature_info == model.feature_info
    after = model.state_dict()
    assert list(after) == list(before) and all(torch.equal(after[k], before[k]) for k in before), 'input changed'
    if any(isinstance(m, _BatchNorm) for m in model.modules()):
        assert not any(isinstance(m, _BatchNorm) for m in optimized.modules()), f'{arch}: BatchNorm left unfolded'


def test_fused_norm_act_keeps_its_activation():
    model = _model('efficientnet_b0', {})
    optimized = optimize_for_inference(model, channels_last=False)
    acts = [type(m).__name__ for m in optimized.modules() if type(m).__name__ == 'FoldedNormAct']
    assert acts, 'BatchNormAct2d layers were not folded'
    assert all(isinstance(m.act, torch.nn.SiLU) for m in optimized.modules() if type(m).__name__ == 'FoldedNormAct'
               and not isinstance(m.act, torch.nn.Identity))


def test_channels_last_follows_the_family_and_can_be_forced():
    conv, vit = _model('resnet18', {}), _model('vit_tiny_patch16_224', {'depth': 1, 'img_size': 64})
    assert optimize_for_inference(conv).conv1.weight.is_contiguous(memory_format=torch.channels_last)
    assert not optimize_for_inference(conv, channels_last=False).conv1.weight.is_contiguous(
        memory_format=torch.channels_last)
    assert not optimize_for_inference(vit).patch_embed.proj.weight.is_contiguous(memory_format=torch.channels_last)


def test_training_mode_is_refused_with_what_to_do():
    model = imgzoo.create_model('resnet18').train()
    with pytest.raises(ModelInTrainingModeError, match=r'eval mode.*model\.eval\(\)'):
        optimize_for_inference(model)
    assert isinstance(ModelInTrainingModeError('x'), ValueError)


def test_inplace_rewrites_the_given_model():
    model = _model('resnet18', {})
    assert optimize_for_inference(model, inplace=True) is model
    assert not any(isinstance(m, _BatchNorm) for m in model.modules())


def test_bfloat16_only_when_asked_and_close():
    model = _model('resnet18', {})
    x = seeded_input((2, 3, 64, 64))
    assert next(optimize_for_inference(model).parameters()).dtype == torch.float32
    low = optimize_for_inference(model, dtype=torch.bfloat16)
    with torch.no_grad():
        reference, out = model(x), low(x.to(torch.bfloat16)).float()
    assert out.dtype == torch.float32 and next(low.parameters()).dtype == torch.bfloat16
    assert (out.argmax(-1) == reference.argmax(-1)).all()
    assert_close(out, reference, 'resnet18 bfloat16', rtol=5e-2)


def test_saving_an_optimized_model_is_refused_and_the_original_saves(tmp_path):
    model = _model('resnet18', {})
    with pytest.raises(InferenceOnlyModelError, match='Save the model you passed to optimize_for_inference'):
        imgzoo.save_pretrained(optimize_for_inference(model), tmp_path / 'fast')
    assert not (tmp_path / 'fast').exists()
    imgzoo.save_pretrained(model, tmp_path / 'plain')
    assert (tmp_path / 'plain' / 'model.safetensors').is_file()


def test_layernorm_convnets_stay_contiguous():
    """ConvNeXt's norms permute to channels-last themselves: channels_last memory format measured no faster."""
    model = _model('convnext_atto', {})
    assert not optimize_for_inference(model).stem[0].weight.is_contiguous(memory_format=torch.channels_last)
