"""Patch dropout (Liu et al. 2022, Li et al. 2023 FLIP): keep a random subset of the patch tokens in training,
as timm's PatchDropout does (same random draws, so a seeded run matches timm's)."""
from __future__ import annotations

from typing import Optional, Tuple

import torch
import torch.fx
from torch import nn

from .helpers import check_fraction


@torch.fx.wrap
def patch_dropout_forward(
    x: torch.Tensor, prob: float, num_prefix_tokens: int, ordered: bool, training: bool,
) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
    """(B, prefix + L, C) tokens -> the prefix tokens and max(1, int(L * (1 - prob))) random patch tokens per
    sample, with the kept indices; unchanged (and None) outside training. A torch.fx leaf: it reads sizes."""
    if not training or prob == 0.0:
        return x, None
    prefix_tokens = x[:, :num_prefix_tokens] if num_prefix_tokens else None
    x = x[:, num_prefix_tokens:]
    batch, length = x.shape[0], x.shape[1]
    num_keep = max(1, int(length * (1.0 - prob)))
    keep_indices = torch.argsort(torch.randn(batch, length, device=x.device), dim=-1)[:, :num_keep]
    if ordered:
        keep_indices = keep_indices.sort(dim=-1)[0]
    x = x.gather(1, keep_indices.unsqueeze(-1).expand((-1, -1) + x.shape[2:]))
    if prefix_tokens is not None:
        x = torch.cat((prefix_tokens, x), dim=1)
    return x, keep_indices


class PatchDropout(nn.Module):
    """Drop a fraction prob of the patch tokens in training, never the num_prefix_tokens leading ones (class,
    register, distillation tokens); ordered keeps the kept patches in their original order."""

    def __init__(self, prob: float = 0.5, num_prefix_tokens: int = 1, ordered: bool = False) -> None:
        super().__init__()
        self.prob = check_fraction('patch dropout rate', prob, upper_open=True,
                                   meaning='the fraction of patch tokens dropped')
        self.num_prefix_tokens = num_prefix_tokens
        self.ordered = ordered

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return patch_dropout_forward(x, self.prob, self.num_prefix_tokens, self.ordered, self.training)[0]

    def extra_repr(self) -> str:
        return f'prob={self.prob}, num_prefix_tokens={self.num_prefix_tokens}'
