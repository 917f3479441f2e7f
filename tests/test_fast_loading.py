"""Meta-device build + direct weight mapping is indistinguishable from building then copying weights."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
import torch

import imgzoo
from imgzoo.registry import get_model_entrypoint
from parity import max_diff, perturb_constants_, seeded_input

# One architecture per family that is registered; families land in imgzoo.models.FAMILIES.
FAMILY_REPRESENTATIVES = {
    'resnet': 'resnet50d',
    'vision_transformer': 'vit_tiny_patch16_224',
    'convnext': 'convnext_atto',
    'regnet': 'regnety_008',
    'efficientnet': 'efficientnet_b0',
    'mobilenetv3': 'mobilenetv3_small_100',
}


def _representatives():
    from imgzoo.models import FAMILIES

    return [arch for family, arch in FAMILY_REPRESENTATIVES.items() if family in FAMILIES]


def _slow_path(folder, architecture, model_args):
    """What a loader without the fast path does: build with random init, then copy the weights in."""
    from safetensors.torch import load_file

    model = get_model_entrypoint(architecture)(**model_args)
    model.load_state_dict(load_file(folder / 'model.safetensors'), strict=True)
    return model


@pytest.mark.parametrize('arch', _representatives())
def test_fast_path_equals_slow_path(arch, tmp_path):
    torch.manual_seed(0)
    source = perturb_constants_(imgzoo.create_model(arch, num_classes=10, img_size=64) if arch.startswith('vit')
                                else imgzoo.create_model(arch, num_classes=10))
    folder = imgzoo.save_pretrained(source, tmp_path / arch)
    config = json.loads((folder / 'config.json').read_text())
    fast = imgzoo.create_model(f'local:{folder}', pretrained=True)
    slow = _slow_path(folder, arch, {**config.get('model_args', {}), 'num_classes': 10})

    fast_state, slow_state = fast.state_dict(keep_vars=True), slow.state_dict(keep_vars=True)
    assert list(fast_state) == list(slow_state)
    for key, slow_tensor in slow_state.items():
        fast_tensor = fast_state[key]
        assert type(fast_tensor) is type(slow_tensor), key
        assert (fast_tensor.dtype, fast_tensor.device, fast_tensor.requires_grad) == \
            (slow_tensor.dtype, slow_tensor.device, slow_tensor.requires_grad), key
        assert torch.equal(fast_tensor, slow_tensor), key
    fast_buffers = dict(fast.named_buffers())
    for name, buffer in slow.named_buffers():
        assert torch.equal(fast_buffers[name], buffer), name
    x = seeded_input((2, 3, 64, 64))
    with torch.no_grad():
        # Weights are equal bit for bit; CPU kernels may pick other vectorised paths for memory-mapped
        # (less aligned) weights, which moves the last float32 bit.
        assert max_diff(fast.eval()(x), slow.eval()(x)) <= 1e-5
    fast.train()
    optimizer = torch.optim.SGD(fast.parameters(), lr=0.01)
    fast(x).square().mean().backward()
    optimizer.step()


def test_new_classifier_is_initialised_exactly_once_and_real(tmp_path):
    torch.manual_seed(0)
    folder = imgzoo.save_pretrained(imgzoo.create_model('resnet18'), tmp_path / 'r18')
    model = imgzoo.create_model(f'local:{folder}', pretrained=True, num_classes=7)
    assert model.fc.weight.shape == (7, 512) and not model.fc.weight.is_meta
    bound = 1 / 512 ** 0.5
    assert float(model.fc.weight.detach().abs().max()) <= bound and float(model.fc.weight.detach().std()) > bound / 4


@pytest.mark.parametrize('dtype', [torch.bfloat16, torch.float16])
def test_dtype_on_load(dtype, tmp_path):
    torch.manual_seed(0)
    reference = imgzoo.create_model('resnet18', num_classes=10).eval()
    folder = imgzoo.save_pretrained(reference, tmp_path / 'r18')
    model = imgzoo.create_model(f'local:{folder}', pretrained=True, dtype=dtype).eval()
    assert {p.dtype for p in model.parameters()} == {dtype}
    assert model.bn1.num_batches_tracked.dtype == torch.int64
    assert torch.equal(model.conv1.weight, reference.conv1.weight.to(dtype))


def test_device_on_load(tmp_path):
    torch.manual_seed(0)
    folder = imgzoo.save_pretrained(imgzoo.create_model('resnet18'), tmp_path / 'r18')
    model = imgzoo.create_model(f'local:{folder}', pretrained=True, device='cpu', num_classes=3)
    assert {p.device.type for p in model.parameters()} == {'cpu'}
    if torch.cuda.is_available():
        on_gpu = imgzoo.create_model(f'local:{folder}', pretrained=True, device='cuda', num_classes=3)
        assert {p.device.type for p in on_gpu.parameters()} == {'cuda'}


_MEMORY_PROBE = textwrap.dedent('''
    import os, sys, torch, imgzoo
    def rss():
        with open('/proc/self/statm') as f:
            return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
    folder, dtype = sys.argv[1], getattr(torch, sys.argv[2])
    before = rss()
    model = imgzoo.create_model('local:' + folder, pretrained=True, dtype=dtype)
    total = 0
    for p in model.parameters():
        total += int(p.detach().reshape(-1).view(torch.uint8)[::4096].sum())
    print(rss() - before)
''')


def test_bfloat16_file_loads_as_bfloat16_without_float32_copy(tmp_path):
    torch.manual_seed(0)
    model = imgzoo.create_model('resnet50').to(torch.bfloat16)
    model.pretrained_cfg = imgzoo.create_model('resnet50').pretrained_cfg
    folder = imgzoo.save_pretrained(model, tmp_path / 'bf16')
    size = (folder / 'model.safetensors').stat().st_size

    def peak_growth(dtype_name):
        env = {**os.environ, 'HF_HUB_DISABLE_TELEMETRY': '1'}
        out = subprocess.run([sys.executable, '-c', _MEMORY_PROBE, str(folder), dtype_name],
                             capture_output=True, text=True, check=True, env=env, timeout=120)
        return int(out.stdout.strip().splitlines()[-1])

    as_bf16, as_fp32 = peak_growth('bfloat16'), peak_growth('float32')
    assert as_bf16 < 1.3 * size + 16e6, f'bf16 load grew {as_bf16 / 1e6:.0f} MB for a {size / 1e6:.0f} MB file'
    assert as_fp32 > 2.5 * size, f'float32 load grew only {as_fp32 / 1e6:.0f} MB: the probe does not measure copies'


def test_meta_build_skips_initialisers_without_loading_meta_kernels(tmp_path):
    torch.manual_seed(0)
    folder = imgzoo.save_pretrained(imgzoo.create_model('resnet18'), tmp_path / 'r18')
    probe = ("import sys, imgzoo; imgzoo.create_model('local:' + sys.argv[1], pretrained=True); "
             "print('sympy' in sys.modules)")
    out = subprocess.run([sys.executable, '-c', probe, str(folder)], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == 'False'


def test_skipping_initialisation_is_local_to_the_building_thread():
    import threading

    from imgzoo.meta import meta_device

    inside, done = threading.Event(), threading.Event()
    results = {}

    def build_on_meta():
        with meta_device():
            inside.set()
            done.wait(timeout=30)
            results['meta'] = torch.nn.Linear(4, 4).weight.is_meta

    worker = threading.Thread(target=build_on_meta)
    worker.start()
    assert inside.wait(timeout=30)
    layer = torch.nn.Linear(64, 64)
    done.set()
    worker.join()
    assert results['meta'] is True
    assert not layer.weight.is_meta and float(layer.weight.detach().std()) > 0.01


def test_every_architecture_builds_on_meta_without_symbolic_machinery():
    """Building for a pretrained load must not pull in sympy / torch._dynamo (seconds and 160 MB)."""
    probe = textwrap.dedent('''
        import sys, imgzoo
        from imgzoo.meta import meta_device
        from imgzoo.registry import get_model_entrypoint
        for arch in imgzoo.list_models():
            with meta_device():
                model = get_model_entrypoint(arch)(num_classes=1000, in_chans=3)
            assert all(p.is_meta for p in model.parameters()), arch
            heavy = [m for m in ('sympy', 'torch._dynamo') if m in sys.modules]
            if heavy:
                print('HEAVY', arch, heavy)
                break
        else:
            print('OK', len(imgzoo.list_models()))
    ''')
    out = subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.strip().startswith('OK'), out.stdout


def test_meta_arithmetic_gives_shapes_and_dtypes():
    from imgzoo.meta import meta_device

    with meta_device():
        scaled = 1e-6 * torch.ones(5)
        summed = torch.ones(2, 3) + torch.ones(3)
        mixed = torch.ones(2, 1, dtype=torch.int64) * torch.ones(4)
    assert (scaled.shape, scaled.dtype, scaled.is_meta) == ((5,), torch.float32, True)
    assert summed.shape == (2, 3) and (mixed.shape, mixed.dtype) == ((2, 4), torch.float32)
