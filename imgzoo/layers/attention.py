"""Multi-head self-attention over token sequences, computed with PyTorch's scaled_dot_product_attention."""
from __future__ import annotations

from typing import Callable, Optional

import torch
from torch import nn
from torch.nn import functional as F
from ..errors import InvalidModelArgsError


class Attention(nn.Module):
    """Self-attention with a fused `qkv` projection and an output `proj` (timm's key layout).

    qk_norm normalises queries and keys per head with norm_layer before the dot product;
    scale_norm normalises the attention output before the projection (`norm`, as in BEiT-3).
    """

    def __init__(
        self,
        dim: int,
        num_heads: int = 8,
        qkv_bias: bool = False,
        qk_norm: bool = False,
        proj_bias: bool = True,
        attn_drop: float = 0.0,
        proj_drop: float = 0.0,
        norm_layer: Optional[Callable[[int], nn.Module]] = None,
        scale_norm: bool = False,
    ) -> None:
        super().__init__()
        if dim % num_heads:
            raise InvalidModelArgsError(f"dim ({dim}) must be divisible by num_heads ({num_heads}).")
        if (qk_norm or scale_norm) and norm_layer is None:
            raise InvalidModelArgsError('qk_norm=True and scale_norm=True need a norm_layer.')
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.q_norm = norm_layer(self.head_dim) if qk_norm and norm_layer else nn.Identity()
        self.k_norm = norm_layer(self.head_dim) if qk_norm and norm_layer else nn.Identity()
        self.attn_drop = nn.Dropout(attn_drop)
        self.norm = norm_layer(dim) if scale_norm and norm_layer else nn.Identity()
        self.proj = nn.Linear(dim, dim, bias=proj_bias)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x: torch.Tensor, attn_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        # shapes stay symbolic (unflatten / flatten), so torch.fx and torch.export trace this
        qkv = self.qkv(x).unflatten(-1, (3, self.num_heads, self.head_dim)).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        q, k = self.q_norm(q), self.k_norm(k)
        x = F.scaled_dot_product_attention(
            q, k, v, attn_mask=attn_mask, dropout_p=self.attn_drop.p if self.training else 0.0,
        )
        x = self.norm(x.transpose(1, 2).flatten(2))
        return self.proj_drop(self.proj(x))
