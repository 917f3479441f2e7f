"""Image to patch tokens with one strided convolution (`proj`), and patch-kernel resampling."""
from __future__ import annotations

from typing import Callable, Optional, Sequence, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InputSizeError
from .helpers import to_2tuple
from ..errors import InvalidModelArgsError

SizeLike = Union[int, Sequence[int]]


class PatchEmbed(nn.Module):
    """Split an image into non-overlapping patches and project each to embed_dim (timm's keys `proj`, `norm`).

    Output is (B, H*W, C) tokens, or (B, H, W, C) with output_fmt='NHWC'. With strict_img_size the
    input must be exactly img_size; otherwise any size divisible by the patch (or, with
    dynamic_img_pad, any size, padded bottom/right to a multiple of the patch).
    """

    def __init__(
        self,
        img_size: SizeLike = 224,
        patch_size: SizeLike = 16,
        in_chans: int = 3,
        embed_dim: int = 768,
        norm_layer: Optional[Callable[[int], nn.Module]] = None,
        output_fmt: str = 'NLC',
        bias: bool = True,
        strict_img_size: bool = True,
        dynamic_img_pad: bool = False,
    ) -> None:
        super().__init__()
        if output_fmt not in ('NLC', 'NHWC'):
            raise InvalidModelArgsError(f"output_fmt must be 'NLC' or 'NHWC', got {output_fmt!r}.")
        self.patch_size: Tuple[int, int] = tuple(int(p) for p in to_2tuple(patch_size))  # type: ignore[assignment]
        self.img_size: Tuple[int, int] = tuple(int(s) for s in to_2tuple(img_size))  # type: ignore[assignment]
        if len(self.patch_size) != 2 or len(self.img_size) != 2 or min(*self.patch_size, *self.img_size) <= 0:
            raise InvalidModelArgsError(f"img_size and patch_size must be positive (H, W) sizes, got {img_size!r}, {patch_size!r}.")
        self.grid_size: Tuple[int, int] = (self.img_size[0] // self.patch_size[0], self.img_size[1] // self.patch_size[1])
        if min(self.grid_size) == 0:
            raise InvalidModelArgsError(f"img_size {self.img_size} is smaller than one patch {self.patch_size}.")
        self.num_patches = self.grid_size[0] * self.grid_size[1]
        self.output_fmt = output_fmt
        self.strict_img_size = strict_img_size
        self.dynamic_img_pad = dynamic_img_pad
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=self.patch_size, stride=self.patch_size, bias=bias)
        self.norm = norm_layer(embed_dim) if norm_layer else nn.Identity()

    def feat_size(self, img_size: Sequence[int]) -> Tuple[int, int]:
        """The token grid (H, W) an input of img_size gives (integer arithmetic only, so symbolic sizes work)."""
        if self.dynamic_img_pad:
            return (-(-img_size[0] // self.patch_size[0]), -(-img_size[1] // self.patch_size[1]))
        return img_size[0] // self.patch_size[0], img_size[1] // self.patch_size[1]

    def feat_ratio(self) -> int:
        """The reduction of the token grid relative to the input (the larger patch side, as in timm)."""
        return max(self.patch_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = checked_patch_input(x, self.img_size, self.patch_size, self.strict_img_size, self.dynamic_img_pad)
        x = self.proj(x)
        x = x.permute(0, 2, 3, 1) if self.output_fmt == 'NHWC' else x.flatten(2).transpose(1, 2)
        return self.norm(x)


@torch.fx.wrap
def checked_patch_input(
    x: torch.Tensor, img_size: Tuple[int, int], patch_size: Tuple[int, int], strict_img_size: bool,
    dynamic_img_pad: bool,
) -> torch.Tensor:
    """x if PatchEmbed can take it (padded bottom/right with dynamic_img_pad), else InputSizeError.

    A leaf for torch.fx (its checks read concrete sizes); torch.export and torch.compile trace through it.
    """
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
    if dynamic_img_pad:
        pad_h = (patch_size[0] - height % patch_size[0]) % patch_size[0]
        pad_w = (patch_size[1] - width % patch_size[1]) % patch_size[1]
        x = F.pad(x, (0, pad_w, 0, pad_h))
    return x


def resample_patch_embed(
    weight: torch.Tensor, new_size: Sequence[int], interpolation: str = 'bicubic', antialias: bool = True,
) -> torch.Tensor:
    """Resample a (O, I, h, w) patch kernel to new_size by inverting the image resize (FlexiViT).

    A kernel resampled this way gives, on an image resized by the same factor, the tokens the
    original kernel gave on the original image (as far as the resize is invertible).
    """
    if weight.ndim != 4:
        raise InvalidModelArgsError(f"Expected a (out, in, h, w) patch kernel, got shape {tuple(weight.shape)}.")
    old_h, old_w = int(weight.shape[-2]), int(weight.shape[-1])
    new_h, new_w = int(new_size[0]), int(new_size[1])
    if (old_h, old_w) == (new_h, new_w):
        return weight
    basis = torch.eye(old_h * old_w, dtype=torch.float32, device=weight.device).reshape(-1, 1, old_h, old_w)
    resized = F.interpolate(basis, size=(new_h, new_w), mode=interpolation, antialias=antialias)
    resize_mat = resized.reshape(old_h * old_w, new_h * new_w).T
    pinv = torch.linalg.pinv(resize_mat)
    out_ch, in_ch = weight.shape[:2]
    kernel = weight.reshape(out_ch, in_ch, old_h * old_w).float() @ pinv
    return kernel.reshape(out_ch, in_ch, new_h, new_w).to(weight.dtype)
