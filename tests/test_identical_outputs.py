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
