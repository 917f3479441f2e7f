"""Models loaded from an aligned folder compute bit for bit what timm computes on the same file.

Issue 12 asks for identical outputs, not close ones: same ops in the same order (timm's attention path,
not a fused one where timm does not fuse) and weights on the 64-byte boundaries timm's copies have
(`imgzoo.save_pretrained` writes them so). Depths are reduced to one block per stage to keep the
suite fast; every block variant of each family still runs. Batch 1 exercises the matrix-vector
kernels, which round differently on unaligned weights."""
from __future__ import annotations

import pytest
import torch

import imgzoo
from parity import perturb_constants_, seeded_input

CASES = {
    'swin_tiny_patch4_window7_224': dict(depths=(1, 1, 1, 1)),
    'swinv2_tiny_window8_256': dict(depths=(1, 1, 1, 1)),
    'maxvit_tiny_tf_224': dict(depths=(1, 1, 1, 1)),
    'coatnet_0_rw_224': dict(depths=(1, 1, 1, 1)),
    'eva02_tiny_patch14_224': dict(depth=2),
    'hiera_tiny_224': dict(stages=(1, 1, 1, 1)),
}


@pytest.mark.parametrize('arch', list(CASES))
def test_outputs_are_bit_identical_to_timms_on_the_same_file(arch, tmp_path):
    import timm

    torch.manual_seed(0)
    built = perturb_constants_(imgzoo.create_model(arch, **CASES[arch])).eval()
    folder = imgzoo.save_pretrained(built, tmp_path / arch)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
    theirs = timm.create_model(f'local-dir:{folder}', pretrained=True).eval()
    size = ours.pretrained_cfg['input_size']
    with torch.no_grad():
        for batch in (1, 2):
            x = seeded_input((batch, *size))
            a, b = ours(x), theirs(x)
            assert torch.equal(a, b), f'{arch}, batch {batch}: max abs difference {float((a - b).abs().max()):.3g}'


def _shift_data(path) -> None:
    """Pad the safetensors header by 8 spaces (still a valid file): every tensor then starts 8 bytes off a
    64-byte boundary, as in files safetensors' own writer produces half of the time."""
    import struct

    raw = path.read_bytes()
    (length,) = struct.unpack('<Q', raw[:8])
    path.write_bytes(struct.pack('<Q', length + 8) + raw[8:8 + length] + b' ' * 8 + raw[8 + length:])


def test_mmap_false_reads_weights_aligned_and_matches_timm_on_an_unaligned_file(tmp_path):
    import timm

    torch.manual_seed(0)
    built = perturb_constants_(imgzoo.create_model('maxvit_tiny_tf_224', depths=(1, 1, 1, 1))).eval()
    folder = imgzoo.save_pretrained(built, tmp_path / 'maxvit')
    _shift_data(folder / 'model.safetensors')
    (folder / 'checksums.sha256').unlink()
    mapped = imgzoo.create_model(f'local:{folder}', pretrained=True)
    assert {t.data_ptr() % 64 for t in mapped.state_dict().values() if t.nbytes % 64 == 0} == {8}
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, mmap=False).eval()
    assert {t.data_ptr() % 64 for t in ours.state_dict().values() if t.numel()} == {0}
    theirs = timm.create_model(f'local-dir:{folder}', pretrained=True).eval()
    with torch.no_grad():
        for batch in (1, 2):
            x = seeded_input((batch, 3, 224, 224))
            a, b = ours(x), theirs(x)
            assert torch.equal(a, b), f'batch {batch}: max abs difference {float((a - b).abs().max()):.3g}'


def test_mmap_false_reads_every_dtype_and_odd_size_like_the_safetensors_library(tmp_path):
    from safetensors.torch import load_file, save_file

    from imgzoo.weights import read_safetensors

    tensors = {'odd': torch.randn(1001), 'matrix': torch.randn(16, 16), 'scalar': torch.tensor(3),
               'half': torch.randn(7).bfloat16(), 'empty': torch.zeros(0, 4), 'mask': torch.tensor([True, False]),
               'bytes': torch.arange(5, dtype=torch.uint8)}
    tensors.update({f'many.{i:04d}': torch.randn(i % 7 + 1) for i in range(1500)})  # more than one scattered read
    path = tmp_path / 'w.safetensors'
    save_file(tensors, str(path))
    expected = load_file(str(path))
    read = read_safetensors(path, mmap=False)
    assert read.keys() == expected.keys()
    for name, tensor in expected.items():
        assert read[name].dtype == tensor.dtype and torch.equal(read[name], tensor), name
        assert read[name].numel() == 0 or read[name].data_ptr() % 64 == 0, name
