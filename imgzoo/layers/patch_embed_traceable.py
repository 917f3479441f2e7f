"""PatchEmbed whose input checks survive graph capture (torch.fx, torch.export, torch.compile).

Same keys (`proj`, `norm`), arguments and errors as `PatchEmbed`; the size checks run in a function
that torch.fx records as one call instead of tracing its Python control flow.
"""
from __future__ import annotations

from typing import Tuple

import torch
import torch.fx
from torch.nn import functional as F

from ..errors import InputSizeError
from .patch_embed import PatchEmbed


def checked_patch_input(
    x: torch.Tensor, img_size: Tuple[int, int], patch_size: Tuple[int, int], strict_img_size: bool,
    dynamic_img_pad: bool,
) -> torch.Tensor:
    """x unchanged if a patch embedding with these settings can take it, else InputSizeError saying what to do."""
    if x.ndim != 4:
        raise InputSizeError(f"Expected a (B, C, H, W) image batch, got a tensor of shape {tuple(x.shape)}.")
    height, width = int(x.shape[-2]), int(x.shape[-1])
    if strict_img_size:
        if (height, width) != tuple(img_size):
            raise InputSizeError(
                f"Input is {height}x{width} but this model takes exactly {img_size[0]}x{img_size[1]}. "
                "Resize the input, create the model with img_size=(H, W), or with dynamic_img_size=True."
            )
    elif not dynamic_img_pad and (height % patch_size[0] or width % patch_size[1]):
        raise InputSizeError(
            f"Input is {height}x{width}; with dynamic_img_size both sides must be multiples of the patch size "
            f"{patch_size[0]}x{patch_size[1]}. Resize or crop the input, or pass dynamic_img_pad=True."
        )
    return x


def pad_to_patch_multiple(x: torch.Tensor, patch_size: Tuple[int, int]) -> torch.Tensor:
    """Zero-pad an NCHW batch bottom/right to a multiple of the patch size."""
    pad_h = (patch_size[0] - x.shape[-2] % patch_size[0]) % patch_size[0]
    pad_w = (patch_size[1] - x.shape[-1] % patch_size[1]) % patch_size[1]
    return F.pad(x, (0, pad_w, 0, pad_h))


torch.fx.wrap('checked_patch_input')
torch.fx.wrap('pad_to_patch_multiple')


class TraceablePatchEmbed(PatchEmbed):
    """`PatchEmbed` with graph-capture-friendly input checks (see the module docstring)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = checked_patch_input(x, self.img_size, self.patch_size, self.strict_img_size, self.dynamic_img_pad)
        if self.dynamic_img_pad:
            x = pad_to_patch_multiple(x, self.patch_size)
        x = self.proj(x)
        x = x.permute(0, 2, 3, 1) if self.output_fmt == 'NHWC' else x.flatten(2).transpose(1, 2)
        return self.norm(x)
