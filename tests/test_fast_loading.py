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
    'mobilevit': 'mobilevit_xxs',
    'efficientvit_mit': 'efficientvit_b0',
    'hgnet': 'hgnetv2_b0',
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
    conv = torch.nn.Conv2d(16, 32, 3)
    norm = torch.nn.BatchNorm2d(8)
    done.set()
    worker.join()
    assert results['meta'] is True
    assert not layer.weight.is_meta and float(layer.weight.detach().std()) > 0.01
    assert float(conv.weight.detach().std()) > 0.01
    assert torch.equal(norm.weight.detach(), torch.ones(8)) and torch.equal(norm.running_var, torch.ones(8))


def test_meta_build_initialises_tensors_it_is_told_to_put_on_a_real_device():
    """Only meta tensors have their initialisation skipped: a layer given device='cpu' inside the build is
    initialised as usual."""
    from imgzoo.meta import meta_device

    with meta_device():
        layer = torch.nn.Linear(64, 64, device='cpu')
        norm = torch.nn.LayerNorm(32, device='cpu')
    weight = layer.weight.detach()
    assert not weight.is_meta and float(weight.abs().max()) <= 1 / 8 and float(weight.std()) > 0.02
    assert torch.equal(norm.weight.detach(), torch.ones(32)) and torch.equal(norm.bias.detach(), torch.zeros(32))


def test_meta_build_leaves_pytorch_layers_as_it_found_them():
    """The build wraps reset_parameters of PyTorch's layers only while it runs, also when it fails."""
    from imgzoo.meta import meta_device

    methods = {cls: dict(vars(cls)) for cls in (torch.nn.Linear, torch.nn.modules.conv._ConvNd,
                                                 torch.nn.modules.batchnorm._NormBase, torch.nn.LayerNorm,
                                                 torch.nn.GroupNorm)}
    with meta_device():
        assert torch.nn.Linear.reset_parameters is not methods[torch.nn.Linear]['reset_parameters']
        with meta_device():
            pass
        assert torch.nn.Linear.reset_parameters is not methods[torch.nn.Linear]['reset_parameters']
    with pytest.raises(KeyError):
        with meta_device():
            raise KeyError('model bug')
    for cls, before in methods.items():
        assert {k: v for k, v in vars(cls).items() if 'reset' in k} == {k: v for k, v in before.items() if 'reset' in k}


def test_load_into_model_honours_modules_that_load_themselves():
    """A module with its own loading hook is loaded by PyTorch's load_state_dict (the hook runs); plain models
    have their tensors assigned directly. Both give the checkpoint's tensors, uncopied."""
    from imgzoo.load import load_into_model
    from imgzoo.meta import meta_device

    torch.manual_seed(0)
    source = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Linear(4, 2))
    state = {k: v.clone() for k, v in source.state_dict().items()}
    seen = []
    for hooked in (False, True):
        with meta_device():
            model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Linear(4, 2))
        if hooked:
            model[1]._register_load_state_dict_pre_hook(lambda *args, **kwargs: seen.append(args[1]))
        load_into_model(model, dict(state))
        loaded = model.state_dict(keep_vars=True)
        assert all(loaded[k].data_ptr() == v.data_ptr() for k, v in state.items())
        assert all(isinstance(p, torch.nn.Parameter) and p.requires_grad for p in model.parameters())
    assert seen == ['1.']


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


# --- the fast path, observed: no initialiser runs, no tensor is written or copied, storages are the file's map ---

# Ops that copy a tensor's values. In-place ops (names ending in '_', such as normal_, uniform_, fill_, zero_,
# copy_) write values; a pretrained load must do neither to a real tensor it read from the file.
_COPY_OPS = frozenset({'aten.clone', 'aten._to_copy', 'aten.copy', 'aten.contiguous', 'aten.new_empty_strided'})


class _RealTensorOps:
    """Records every aten op that touches a tensor with storage (meta tensors have none), with its first argument."""

    def __init__(self):
        from torch.utils._python_dispatch import TorchDispatchMode
        from torch.utils._pytree import tree_flatten

        calls = self.calls = []

        class Mode(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                kwargs = kwargs or {}
                out = func(*args, **kwargs)
                tensors = [t for t in tree_flatten((args, kwargs, out))[0] if isinstance(t, torch.Tensor)]
                if any(not t.is_meta for t in tensors):
                    first = args[0] if args and isinstance(args[0], torch.Tensor) else None
                    calls.append((str(func.overloadpacket), first.data_ptr() if first is not None else None))
                return out

        self._mode = Mode()

    def __enter__(self):
        self._mode.__enter__()
        return self

    def __exit__(self, *exc):
        return self._mode.__exit__(*exc)

    def writes(self):
        return [name for name, _ in self.calls if name.endswith('_') or name in _COPY_OPS]


@pytest.fixture(scope='module')
def saved_representatives(tmp_path_factory):
    """One seeded model folder per registered family (float32, 10 classes)."""
    root = tmp_path_factory.mktemp('representatives')
    folders = {}
    for arch in _representatives():
        torch.manual_seed(0)
        kwargs = {'img_size': 64} if arch.startswith('vit') else {}
        folders[arch] = imgzoo.save_pretrained(imgzoo.create_model(arch, num_classes=10, **kwargs), root / arch)
    return folders


@pytest.mark.parametrize('arch', _representatives())
def test_pretrained_load_runs_no_initialiser_and_copies_nothing(arch, saved_representatives):
    folder = saved_representatives[arch]
    with _RealTensorOps() as ops:
        imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert ops.writes() == [], f'a pretrained load of {arch} wrote or copied tensors: {sorted(set(ops.writes()))}'
    # The recorder sees initialisers and copies when they happen: a random build, and copying weights into it.
    from safetensors.torch import load_file

    with _RealTensorOps() as control:
        model = get_model_entrypoint(arch)(**json.loads((folder / 'config.json').read_text()).get('model_args', {}),
                                           num_classes=10)
    assert {'aten.normal_', 'aten.uniform_'} & set(control.writes()) or 'aten.fill_' in control.writes(), control.writes()
    with _RealTensorOps() as control:
        model.load_state_dict(load_file(folder / 'model.safetensors'))
    assert 'aten.copy_' in control.writes()


def test_a_new_classifier_is_the_only_thing_initialised(saved_representatives):
    folder = saved_representatives['resnet50d']
    with _RealTensorOps() as ops:
        model = imgzoo.create_model(f'local:{folder}', pretrained=True, num_classes=7)
    written = {ptr for name, ptr in ops.calls if name.endswith('_')}
    names = {name for name, t in model.state_dict(keep_vars=True).items() if t.data_ptr() in written}
    assert names == {'fc.weight', 'fc.bias'}
    assert not [name for name, _ in ops.calls if name in _COPY_OPS]


def _mapped_ranges(path):
    """Address ranges of this process's memory maps of one file (from /proc/self/maps)."""
    real = os.path.realpath(path)
    ranges = []
    with open('/proc/self/maps') as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and fields[5].strip() == real:
                start, end = (int(v, 16) for v in fields[0].split('-'))
                ranges.append((start, end))
    return ranges


@pytest.mark.skipif(not os.path.exists('/proc/self/maps'), reason='needs /proc (Linux)')
@pytest.mark.parametrize('arch', _representatives())
def test_loaded_tensors_live_in_the_memory_map_of_the_file(arch, saved_representatives):
    folder = saved_representatives[arch]
    model = imgzoo.create_model(f'local:{folder}', pretrained=True)
    ranges = _mapped_ranges(folder / 'model.safetensors')
    assert ranges, 'the weights file is not memory-mapped'
    outside = [
        name for name, t in model.state_dict().items()
        if t.numel() and not any(start <= t.data_ptr() and t.data_ptr() + t.numel() * t.element_size() <= end
                                 for start, end in ranges)
    ]
    assert outside == [], f'{len(outside)} tensors are copies, not views of the file: {outside[:5]}'


_ANON_PROBE = textwrap.dedent('''
    import gc, sys, torch, imgzoo
    def anonymous():
        with open('/proc/self/smaps_rollup') as f:
            for line in f:
                if line.startswith('Anonymous:'):
                    return int(line.split()[1]) * 1024
    def touch(model):
        return sum(int(t.reshape(-1).view(torch.uint8)[::1024].sum()) for t in model.state_dict().values() if t.numel())
    folder = sys.argv[1]
    touch(imgzoo.create_model('local:' + folder, pretrained=True))  # imports, allocator arenas, page cache
    gc.collect()
    before = anonymous()
    model = imgzoo.create_model('local:' + folder, pretrained=True)
    touch(model)
    loaded = anonymous() - before
    copies = [t.clone() for t in model.state_dict().values()]
    print(loaded, anonymous() - before - loaded)
''')


@pytest.mark.skipif(not os.path.exists('/proc/self/smaps_rollup'), reason='needs /proc/self/smaps_rollup (Linux 4.14+)')
def test_loading_and_reading_every_weight_adds_no_anonymous_memory(tmp_path):
    """Resident memory counts mapped file pages too; anonymous memory counts only copies."""
    torch.manual_seed(0)
    folder = imgzoo.save_pretrained(imgzoo.create_model('resnet50'), tmp_path / 'r50')
    size = (folder / 'model.safetensors').stat().st_size
    out = subprocess.run([sys.executable, '-c', _ANON_PROBE, str(folder)], capture_output=True, text=True,
                         check=True, timeout=120, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    loaded, copied = (int(v) for v in out.stdout.split())
    assert copied > 0.9 * size, f'cloning the weights added only {copied / 1e6:.0f} MB: the probe does not see copies'
    assert loaded < 0.1 * size, f'loading added {loaded / 1e6:.0f} MB of anonymous memory for a {size / 1e6:.0f} MB file'


@pytest.mark.parametrize('pretrained', [True, False])
def test_device_meta_gives_a_model_without_storage(pretrained, saved_representatives):
    """`device=` reaches the model on any machine: 'meta' cannot be met by a loader hard-coding the CPU."""
    folder = saved_representatives['resnet50d']
    for num_classes in (None, 7):
        model = imgzoo.create_model(f'local:{folder}', pretrained=pretrained, device='meta', num_classes=num_classes,
                                    dtype=torch.bfloat16)
        state = model.state_dict()
        assert {t.device.type for t in state.values()} == {'meta'}
        assert model.fc.weight.shape == (num_classes or 10, 2048)
        assert {t.dtype for t in model.parameters()} == {torch.bfloat16}
        assert state['bn1.num_batches_tracked'].dtype == torch.int64
