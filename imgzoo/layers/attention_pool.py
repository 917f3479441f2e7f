"""Attention pooling of a token sequence with a learned query (SigLIP's multi-head attention pooling head)."""
from __future__ import annotations

from typing import Callable, Optional, Union

import torch
from torch import nn
from torch.nn import functional as F

from .mlp import Mlp
from ..errors import InvalidModelArgsError
from .weight_init import trunc_normal_tf_


class AttentionPoolLatent(nn.Module):
    """Cross-attention from a learned `latent` query to the tokens, then proj, and a residual norm + MLP.

    Keys follow timm's `AttentionPoolLatent`: latent, q, kv, proj, norm, mlp. The result is the
    pooled (B, C) vector (the latent_len outputs reduced by pool_type 'token' or 'avg').
    """

    def __init__(
        self,
        in_features: int,
        num_heads: int = 8,
        mlp_ratio: float = 4.0,
        qkv_bias: bool = True,
        latent_len: int = 1,
        pool_type: str = 'token',
        norm_layer: Optional[Callable[[int], nn.Module]] = None,
        act_layer: Union[str, Callable[..., nn.Module]] = 'gelu',
        drop: float = 0.0,
    ) -> None:
        super().__init__()
        if in_features % num_heads:
            raise InvalidModelArgsError(f"in_features ({in_features}) must be divisible by num_heads ({num_heads}).")
        if pool_type not in ('token', 'avg', ''):
            raise InvalidModelArgsError(f"pool_type must be 'token', 'avg' or '', got {pool_type!r}.")
        self.num_heads = num_heads
        self.head_dim = in_features // num_heads
        self.latent_len = latent_len
        self.latent_dim = in_features
        self.pool = pool_type
        self.latent = nn.Parameter(torch.empty(1, latent_len, in_features))
        self.q = nn.Linear(in_features, in_features, bias=qkv_bias)
        self.kv = nn.Linear(in_features, in_features * 2, bias=qkv_bias)
        self.proj = nn.Linear(in_features, in_features)
        self.proj_drop = nn.Dropout(drop)
        self.norm = norm_layer(in_features) if norm_layer is not None else nn.Identity()
        self.mlp = Mlp(in_features, int(in_features * mlp_ratio), act_layer=act_layer)
        self.out_features = in_features
        self.init_weights()

    def init_weights(self) -> None:
        trunc_normal_tf_(self.latent, std=self.latent_dim ** -0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, tokens, channels = x.shape
        q = self.q(self.latent.expand(batch, -1, -1))
        q = q.reshape(batch, self.latent_len, self.num_heads, self.head_dim).transpose(1, 2)
        kv = self.kv(x).reshape(batch, tokens, 2, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        k, v = kv.unbind(0)
        x = F.scaled_dot_product_attention(q, k, v)
        x = x.transpose(1, 2).reshape(batch, self.latent_len, channels)
        x = self.proj_drop(self.proj(x))
        x = x + self.mlp(self.norm(x))
        if self.pool == 'token':
            return x[:, 0]
        if self.pool == 'avg':
            return x.mean(1)
        return x
