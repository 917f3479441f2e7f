"""Inception-v3: parity with timm in both directions, the auxiliary classifier, preprocessing, adaptation.

Full-size model; inputs are 96x96 (the network needs 75 at least) except for the auxiliary classifier,
which needs 17x17 features at Mixed_6e, i.e. the native 299x299 (batch of one).
"""
from __future__ import annotations

import pytest
import torch
from parity import (
    assert_close,
    check_imgzoo_to_timm,
    check_in_chans_adaptation,
    check_num_classes_adaptation,
    check_timm_to_imgzoo,
    save_timm_folder,
    seeded_input,
    timm_model,
)

import imgzoo

pytestmark = pytest.mark.usefixtures('one_thread')

SHAPE = (2, 3, 96, 96)
NATIVE = (1, 3, 299, 299)


def test_timm_folder_loads_with_same_logits(tmp_path):
    reference, ours = check_timm_to_imgzoo('inception_v3', tmp_path, input_shape=SHAPE)
    assert list(reference.state_dict()) == list(ours.state_dict())


def test_imgzoo_folder_loads_in_timm_with_same_logits(tmp_path):
    check_imgzoo_to_timm('inception_v3', tmp_path, input_shape=SHAPE)


def test_tags_keep_299_input_and_inception_preprocessing():
    for tag in ('tv_in1k', 'tf_in1k', 'tf_adv_in1k'):
        cfg = imgzoo.get_pretrained_cfg(f'inception_v3.{tag}')
        assert tuple(cfg.input_size) == (3, 299, 299) and tuple(cfg.pool_size) == (8, 8)
        assert tuple(cfg.mean) == (0.5, 0.5, 0.5) and tuple(cfg.std) == (0.5, 0.5, 0.5)
    gluon = imgzoo.get_pretrained_cfg('inception_v3.gluon_in1k')
    assert tuple(gluon.mean) == (0.485, 0.456, 0.406) and tuple(gluon.input_size) == (3, 299, 299)
    assert imgzoo.get_pretrained_cfg('inception_v3').tag == 'tv_in1k'


def _aux_folder(tmp_path):
    reference = timm_model('inception_v3', aux_logits=True)
    return reference, save_timm_folder(reference, tmp_path / 'aux', model_args=dict(aux_logits=True))


def test_aux_logits_match_timm(tmp_path):
    reference, folder = _aux_folder(tmp_path)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    x = seeded_input(NATIVE)
    with torch.no_grad():
        logits, aux = ours(x)
        ref_logits, ref_aux = reference(x)
    assert_close(logits, ref_logits, 'logits with aux_logits=True')
    assert_close(aux, ref_aux, 'auxiliary logits')


def test_checkpoint_with_aux_weights_loads_into_a_model_without(tmp_path):
    """torchvision's weights (tv_in1k) carry the auxiliary classifier; the default model drops it."""
    reference, folder = _aux_folder(tmp_path)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, aux_logits=False).eval()
    assert ours.AuxLogits is None and not any(k.startswith('AuxLogits') for k in ours.state_dict())
    x = seeded_input(SHAPE)
    with torch.no_grad():
        assert_close(ours(x), reference.forward_head(reference.forward_postaux(reference.forward_preaux(x))),
                     'logits after dropping the auxiliary classifier')


def test_aux_classifier_is_initialised_when_the_checkpoint_has_none(tmp_path):
    reference = timm_model('inception_v3')
    folder = save_timm_folder(reference, tmp_path / 'plain')
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, aux_logits=True, num_classes=10).eval()
    x = seeded_input(NATIVE)
    with torch.no_grad():
        pre, aux = ours.forward_features(x)
        assert_close(ours.forward_head(pre, pre_logits=True), reference.forward_head(
            reference.forward_features(x), pre_logits=True), 'pre-logits with a fresh auxiliary classifier')
    assert aux.shape == (1, 10) and bool(torch.isfinite(aux).all())
    assert all(not t.is_meta for t in ours.AuxLogits.state_dict().values())
    assert float(ours.AuxLogits.fc.weight.detach().abs().sum()) > 0


def test_num_classes_adaptation_matches_timm_pre_logits(tmp_path):
    _, ours = check_num_classes_adaptation('inception_v3', tmp_path, input_shape=SHAPE)
    assert ours.fc.weight.shape == (10, 2048)


def test_in_chans_adaptation_matches_timm_logits(tmp_path):
    check_in_chans_adaptation('inception_v3', tmp_path, in_chans=1, spatial=(96, 96))


def test_norm_eps_is_timms():
    model = imgzoo.create_model('inception_v3')
    assert {m.eps for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)} == {1e-3}
