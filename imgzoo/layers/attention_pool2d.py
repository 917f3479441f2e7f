"""Attention pooling of an NCHW map with a learned absolute position embedding (CLIP's ResNet head).

Keys follow timm's `AttentionPool2d`: pos_embed, q/k/v (qkv_separate) or qkv, proj.
"""
from __future__ import annotations

from typing import Optional, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from .helpers import to_2tuple
from .pos_embed import resample_abs_pos_embed


@torch.fx.wrap
def _pos_embed_for(pos_embed: torch.Tensor, x: torch.Tensor, feat_size: Tuple[int, int]) -> torch.Tensor:
    """The (1, 1 + H*W, C) position embedding for the map x, resampled from feat_size when they differ."""
    return resample_abs_pos_embed(pos_embed.unsqueeze(0), x.shape[-2:], old_size=feat_size, num_prefix_tokens=1)


@torch.fx.wrap
def _unpooled_map(x: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """Tokens after the first, as an NCHW map with the spatial size of like."""
    return x[:, 1:].reshape(x.shape[0], like.shape[-2], like.shape[-1], -1).permute(0, 3, 1, 2)


class AttentionPool2d(nn.Module):
    """Multi-head attention from the mean token (plus position embedding) over all positions, then a
    linear projection; pool_type 'token' returns the pooled vector, '' every position as a map."""

    def __init__(
        self,
        in_features: int,
        feat_size: Union[int, Tuple[int, int]] = 7,
        out_features: Optional[int] = None,
        embed_dim: Optional[int] = None,
        head_dim: int = 64,
        num_heads: Optional[int] = None,
        qkv_bias: bool = True,
        qkv_separate: bool = False,
        pool_type: str = 'token',
        drop_rate: float = 0.0,
    ) -> None:
        super().__init__()
        if pool_type not in ('', 'token'):
            raise InvalidModelArgsError(f"Attention pooling supports global_pool 'token' or '', got {pool_type!r}.")
        self.embed_dim = embed_dim = embed_dim or in_features
        self.in_features = in_features
        if out_features is None:
            self.out_features = in_features
        elif out_features > 0:
            self.out_features = out_features
        else:
            self.out_features = embed_dim
        if num_heads is not None:
            head_dim = embed_dim // num_heads
        else:
            num_heads = embed_dim // head_dim
        if num_heads * head_dim != embed_dim:
            raise InvalidModelArgsError(f'embed_dim {embed_dim} is not a multiple of the head size {head_dim}.')
        self.feat_size = to_2tuple(feat_size)
        self.seq_len = self.feat_size[0] * self.feat_size[1]
        self.num_heads = num_heads
        self.head_dim = head_dim
        self.pool_type = pool_type
        if qkv_separate:
            self.q = nn.Linear(in_features, embed_dim, bias=qkv_bias)
            self.k = nn.Linear(in_features, embed_dim, bias=qkv_bias)
            self.v = nn.Linear(in_features, embed_dim, bias=qkv_bias)
            self.qkv = None
        else:
            self.q = self.k = self.v = None
            self.qkv = nn.Linear(in_features, embed_dim * 3, bias=qkv_bias)
        self.drop = nn.Dropout(drop_rate)
        self.proj = nn.Linear(embed_dim, self.out_features) if out_features != 0 else nn.Identity()
        self.pos_embed = nn.Parameter(torch.zeros(self.seq_len + 1, in_features))
        self.init_weights()

    def init_weights(self) -> None:
        std = self.in_features ** -0.5
        for linear in (self.q, self.k, self.v, self.qkv):
            if linear is not None:
                nn.init.trunc_normal_(linear.weight, std=std)
                nn.init.zeros_(linear.bias)
        nn.init.trunc_normal_(self.pos_embed, std=std)

    def reset(self, num_classes: Optional[int] = None, pool_type: Optional[str] = None) -> None:
        """A fresh projection for num_classes (none for 0: the attention output), a new pooling when given."""
        if pool_type is not None:
            if pool_type not in ('', 'token'):
                raise InvalidModelArgsError(
                    f"Attention pooling supports global_pool 'token' or '', got {pool_type!r}.")
            self.pool_type = pool_type
        if num_classes is not None:
            ref = self.pos_embed
            self.proj = nn.Linear(self.embed_dim, num_classes) if num_classes > 0 else nn.Identity()
            self.proj.to(device=ref.device, dtype=ref.dtype).train(self.training)
            self.out_features = num_classes if num_classes > 0 else self.embed_dim

    def _pool(self, x: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        if self.pool_type == 'token':
            return x[:, 0]
        return _unpooled_map(x, like)

    def forward(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        like = x
        batch = x.shape[0]
        x = x.flatten(2).transpose(1, 2)
        x = torch.cat([x.mean(1, keepdim=True), x], dim=1)
        x = x + _pos_embed_for(self.pos_embed, like, self.feat_size)
        if self.qkv is None:
            q = self.q(x).reshape(batch, -1, self.num_heads, self.head_dim).transpose(1, 2)
            k = self.k(x).reshape(batch, -1, self.num_heads, self.head_dim).transpose(1, 2)
            v = self.v(x).reshape(batch, -1, self.num_heads, self.head_dim).transpose(1, 2)
        else:
            q, k, v = self.qkv(x).reshape(batch, -1, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4).unbind(0)
        x = F.scaled_dot_product_attention(q, k, v)
        x = self.drop(x.transpose(1, 2).reshape(batch, -1, self.embed_dim))
        if pre_logits:
            return self._pool(x, like)
        return self._pool(self.proj(x), like)
