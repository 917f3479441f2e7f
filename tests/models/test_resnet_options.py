"""ResNet constructor options timm takes: output_stride (dilated later stages), drop_block_rate (DropBlock in
layer3 / layer4), act_layer and block_args. Layouts are compared with timm's at full size on the meta device;
outputs at full depth for the 18/26-layer nets and at one block per stage for the deeper ones (CI budget)."""
from __future__ import annotations

import pytest
import torch
from parity import (
    assert_close,
    assert_same_outputs,
    check_imgzoo_to_timm,
    check_timm_to_imgzoo,
    save_timm_folder,
    seeded_input,
    timm_model,
)
from torch import nn
from torch.nn import functional as F

import imgzoo
from imgzoo.errors import InvalidModelArgsError
from imgzoo.layers import DropBlock2d

pytestmark = pytest.mark.usefixtures('one_thread')
ONE_BLOCK = dict(layers=(1, 1, 1, 1))
LAYOUT_TYPES = (nn.Conv2d, nn.AvgPool2d, nn.MaxPool2d)
LAYOUT_ATTRS = ('kernel_size', 'stride', 'padding', 'dilation', 'groups', 'ceil_mode', 'count_include_pad',
                'block_size', 'gamma_scale', 'drop_prob', 'filt_size')


def _layout(model: nn.Module) -> list:
    """Every leaf module but the head: its path, class and (for convs, pools, blur and DropBlock) geometry."""
    out = []
    for name, module in model.named_modules():
        if name.startswith(('global_pool', 'fc')) or any(True for _ in module.children()) \
                or isinstance(module, nn.Identity):
            continue
        geometry = isinstance(module, LAYOUT_TYPES) or type(module).__name__ in ('BlurPool2d', 'DropBlock2d')
        attrs = tuple((k, tuple(v) if isinstance(v, list) else v) for k in LAYOUT_ATTRS
                      if geometry and not isinstance(v := getattr(module, k, None), (type(None), nn.Module)))
        out.append((name, type(module).__name__, attrs))
    return out


def _meta_pair(arch: str, **kwargs):
    import timm

    with torch.device('meta'):
        reference = timm.create_model(arch, **kwargs)
    return reference, imgzoo.create_model(arch, device='meta', **kwargs)


LAYOUT_CASES = [
    ('resnet18', dict(output_stride=16)),
    ('resnet18', dict(output_stride=8)),
    ('resnet26d', dict(output_stride=8)),  # average-pool shortcut: 'same'-padded pool in the dilated stages
    ('senet154', dict(output_stride=16)),  # 3x3 shortcut conv keeps its kernel with the previous dilation
    ('resnetaa34d', dict(output_stride=8)),  # anti-aliasing where the dilation changes
    ('resnetblur18', dict(output_stride=16)),
    ('resnetrs50', dict(output_stride=16)),
    ('resnet50', dict(drop_block_rate=0.2)),
    ('resnet18', dict(drop_block_rate=0.1, output_stride=8)),
    ('resnet26', dict(act_layer='silu')),
    ('resnet50d', dict(act_layer='gelu')),
    ('resnet50', dict(block_args=dict(attn_layer='eca'))),
    ('seresnet50', dict(block_args={})),  # timm: block_args replaces the builder's, so no SE
]


@pytest.mark.parametrize('arch,kwargs', LAYOUT_CASES, ids=[f'{a}-{"-".join(map(str, k.items()))}'
                                                           for a, k in LAYOUT_CASES])
def test_option_builds_timms_layout_and_feature_info(arch, kwargs):
    reference, ours = _meta_pair(arch, **kwargs)
    assert _layout(ours) == _layout(reference)
    assert ours.feature_info == reference.feature_info
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in reference.state_dict().items()}


def test_output_stride_feature_reductions_are_timms():
    for output_stride, reductions in ((32, [2, 4, 8, 16, 32]), (16, [2, 4, 8, 16, 16]), (8, [2, 4, 8, 8, 8])):
        model = imgzoo.create_model('resnet50', output_stride=output_stride, device='meta')
        assert [info['reduction'] for info in model.feature_info] == reductions


PARITY_CASES = [
    ('resnet18', dict(output_stride=16)),
    ('resnet18', dict(output_stride=8)),
    ('resnet26d', dict(output_stride=8)),
    ('resnetaa50d', dict(output_stride=16, **ONE_BLOCK)),
    ('senet154', dict(output_stride=8, layers=(1, 1, 1, 1), channels=(32, 32, 32, 32))),
    ('resnet26', dict(act_layer='silu')),
    ('resnet50', dict(block_args=dict(attn_layer='eca'), **ONE_BLOCK)),
    ('resnet18', dict(drop_block_rate=0.2)),  # eval mode: DropBlock is the identity on both sides
]


@pytest.mark.parametrize('arch,model_args', PARITY_CASES, ids=[f'{a}-{"-".join(map(str, k))}'
                                                               for a, k in PARITY_CASES])
def test_option_parity_both_ways(arch, model_args, tmp_path):
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, input_shape=(2, 3, 96, 96), model_args=model_args)
    assert list(ours.state_dict()) == list(reference.state_dict())
    check_imgzoo_to_timm(arch, tmp_path, input_shape=(2, 3, 96, 96), model_args=model_args)


@pytest.mark.parametrize('output_stride', [8, 16])
def test_dilated_features_only_maps_equal_timms(output_stride, tmp_path):
    import timm

    model_args = dict(output_stride=output_stride)
    folder = save_timm_folder(timm_model('resnet26d', **model_args), tmp_path / 'timm', model_args=model_args)
    reference = timm.create_model(f'local-dir:{folder}', pretrained=True, features_only=True).eval()
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, features_only=True).eval()
    assert ours.feature_info.reduction() == reference.feature_info.reduction()
    assert ours.feature_info.reduction()[-1] == output_stride
    x = seeded_input((2, 3, 96, 96))
    with torch.no_grad():
        maps, expected = ours(x), reference(x)
    assert len(maps) == len(expected) == 5
    for i, (got, want) in enumerate(zip(maps, expected)):
        assert_close(got, want, f'resnet26d output_stride={output_stride} feature map {i}')
    assert maps[-1].shape[-1] == 96 // output_stride


def _drop_blocks(model):
    return [(name, m.drop_prob, m.block_size, m.gamma_scale) for name, m in model.named_modules()
            if type(m).__name__ == 'DropBlock2d']


def test_drop_block_sits_where_timms_does():
    reference, ours = _meta_pair('resnet50', drop_block_rate=0.2)
    expected = _drop_blocks(reference)
    assert [name for name, *_ in expected] == [f'layer3.{i}.drop_block' for i in range(6)] + \
        [f'layer4.{i}.drop_block' for i in range(3)]
    assert _drop_blocks(ours) == expected
    assert _drop_blocks(imgzoo.create_model('resnet50', device='meta')) == []


def _train_outputs(model, x, seed):
    model.train()
    torch.manual_seed(seed)
    out = model(x)
    out.sum().backward()
    return out.detach()


@pytest.mark.parametrize('arch,model_args', [
    ('resnet18', dict(drop_block_rate=0.3)),
    ('resnet26d', dict(drop_block_rate=0.3, drop_path_rate=0.2, output_stride=16)),
])
def test_drop_block_training_forward_matches_timm_with_the_same_seed(arch, model_args, tmp_path):
    """Same random draws in the same order as timm: with one seed the training forward is timm's."""
    reference, ours = check_timm_to_imgzoo(arch, tmp_path, input_shape=(2, 3, 64, 64), model_args=model_args)
    x = seeded_input((2, 3, 128, 128))
    expected = _train_outputs(reference, x, seed=7)
    assert_close(_train_outputs(ours, x, seed=7), expected, f'{arch} {model_args} training forward')
    other_seed = _train_outputs(ours, x, seed=8)
    assert float((other_seed - expected).abs().max()) > 1e-3, 'DropBlock / DropPath did not act in training'


@pytest.mark.parametrize('kwargs', [
    dict(drop_prob=0.2, block_size=5, gamma_scale=0.25),
    dict(drop_prob=0.3, block_size=4),  # even block: the pooled mask is cropped
    dict(drop_prob=0.3, block_size=3, couple_channels=False),
    dict(drop_prob=0.3, block_size=3, with_noise=True),
    dict(drop_prob=0.3, block_size=3, scale_by_keep=False),
])
def test_drop_block_layer_matches_timms(kwargs):
    from timm.layers import DropBlock2d as TimmDropBlock2d

    x = seeded_input((2, 4, 9, 11))
    torch.manual_seed(3)
    expected = TimmDropBlock2d(**kwargs).train()(x)
    torch.manual_seed(3)
    got = DropBlock2d(**kwargs).train()(x)
    assert_close(got, expected, f'DropBlock2d({kwargs})')
    assert not torch.equal(got, x)
    assert torch.equal(DropBlock2d(**kwargs).eval()(x), x)


def test_drop_block_drops_square_blocks_at_about_the_rate():
    """Statistical properties (independent of timm): about drop_prob of the map dropped, in whole blocks,
    and the kept values rescaled so the mean is kept."""
    torch.manual_seed(0)
    x = torch.ones(64, 1, 32, 32)
    out = DropBlock2d(drop_prob=0.2, block_size=5).train()(x)
    dropped = out == 0
    assert 0.15 < float(dropped.float().mean()) < 0.25
    assert abs(float(out.mean()) - 1.0) < 1e-3
    # away from the borders (where blocks are clipped) every dropped pixel lies in a fully dropped 5x5 window:
    # whole blocks go, not single pixels
    full_windows = (F.avg_pool2d(dropped.float(), 5, 1) == 1).float()  # by top-left corner, 28x28
    covered = F.max_pool2d(F.pad(full_windows, (4, 4, 4, 4)), 5, 1).bool()  # pixels inside some full window
    assert bool((covered | ~dropped)[..., 4:28, 4:28].all())
    assert bool(dropped[..., 4:28, 4:28].any())


def test_act_layer_class_matches_timm():
    reference = timm_model('resnet18', act_layer=nn.SiLU)
    ours = imgzoo.create_model('resnet18', act_layer=nn.SiLU).eval()
    ours.load_state_dict(reference.state_dict())
    assert [type(m) for m in ours.modules() if isinstance(m, nn.SiLU)] == \
        [type(m) for m in reference.modules() if isinstance(m, nn.SiLU)] != []
    assert_same_outputs(reference, ours, (2, 3, 64, 64), 'resnet18 act_layer=nn.SiLU')


def test_options_pass_the_factory():
    model = imgzoo.create_model('resnet50', output_stride=16, drop_block_rate=0.1, act_layer='silu',
                                block_args=dict(attn_layer='se'), device='meta')
    assert model.feature_info[-1]['reduction'] == 16
    assert type(model.layer1[0].act1).__name__ == 'SiLU' and model.layer1[0].se is not None


@pytest.mark.parametrize('kwargs,says', [
    (dict(output_stride=12), ['output_stride', '12', '(8, 16, 32)']),
    (dict(output_stride=4), ['output_stride', '(8, 16, 32)']),
    (dict(drop_block_rate=1.5), ['drop_block_rate', '[0, 1]', '1.5']),
    (dict(block_args=dict(dilation=2)), ['block_args', "'attn_layer'", 'dilation']),
    (dict(block_args=dict(attn_layer='cbam')), ['attn_layer', "'se'", "'eca'", 'cbam']),
    (dict(act_layer='nonsense'), ['nonsense', 'relu', 'silu']),
])
def test_bad_option_values_say_what_is_allowed(kwargs, says):
    with pytest.raises(InvalidModelArgsError) as info:
        imgzoo.create_model('resnet18', device='meta', **kwargs)
    for text in says:
        assert text in str(info.value)
