"""Differential attention (Ye et al. 2024): the difference of two softmax maps, scaled by a learned lambda."""
from __future__ import annotations

import math
from typing import Callable, Optional

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from .rms_norm import RmsNorm


def diff_attention_lambda(module: nn.Module) -> torch.Tensor:
    """lambda = exp(lambda_a) - exp(lambda_b) + lambda_init, or with lambda_a = q1 . k1, lambda_b = q2 . k2."""
    if module.lambda_a is not None:
        lambda_1, lambda_2 = torch.exp(module.lambda_a), torch.exp(module.lambda_b)
    else:
        lambda_1 = torch.exp(torch.sum(module.lambda_q1 * module.lambda_k1, dim=-1).float())
        lambda_2 = torch.exp(torch.sum(module.lambda_q2 * module.lambda_k2, dim=-1).float())
    return lambda_1 - lambda_2 + module.lambda_init


class DiffAttention(nn.Module):
    """softmax(Q1 K1^T) V - lambda softmax(Q2 K2^T) V, per-head RMS-normalised (timm's keys: qkv, q_norm,
    k_norm, norm, proj, lambda_q1/k1/q2/k2 or lambda_a/b, sub_norm); lambda_init depends on the block depth."""

    def __init__(
        self,
        dim: int,
        num_heads: int = 8,
        qkv_bias: bool = False,
        qk_norm: bool = False,
        scale_norm: bool = False,
        proj_bias: bool = True,
        attn_drop: float = 0.0,
        proj_drop: float = 0.0,
        norm_layer: Optional[Callable[[int], nn.Module]] = None,
        depth: int = 0,
        dual_lambda: bool = False,
    ) -> None:
        super().__init__()
        if dim % (2 * num_heads):
            raise InvalidModelArgsError(f"dim ({dim}) must be divisible by 2 * num_heads ({2 * num_heads}).")
        norm_layer = norm_layer or RmsNorm
        self.num_heads = num_heads
        self.head_dim = dim // num_heads // 2
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.q_norm = norm_layer(self.head_dim) if qk_norm else nn.Identity()
        self.k_norm = norm_layer(self.head_dim) if qk_norm else nn.Identity()
        self.attn_drop = nn.Dropout(attn_drop)
        self.norm = norm_layer(dim) if scale_norm else nn.Identity()
        self.proj = nn.Linear(dim, dim, bias=proj_bias)
        self.proj_drop = nn.Dropout(proj_drop)
        self.dual_lambda = dual_lambda
        if dual_lambda:
            self.lambda_a = nn.Parameter(torch.empty((), dtype=torch.float32))
            self.lambda_b = nn.Parameter(torch.empty((), dtype=torch.float32))
            self.lambda_q1 = self.lambda_k1 = self.lambda_q2 = self.lambda_k2 = None
        else:
            self.lambda_a = self.lambda_b = None
            self.lambda_q1 = nn.Parameter(torch.empty(self.head_dim, dtype=torch.float32))
            self.lambda_k1 = nn.Parameter(torch.empty(self.head_dim, dtype=torch.float32))
            self.lambda_q2 = nn.Parameter(torch.empty(self.head_dim, dtype=torch.float32))
            self.lambda_k2 = nn.Parameter(torch.empty(self.head_dim, dtype=torch.float32))
        self.sub_norm = RmsNorm(2 * self.head_dim, eps=1e-5)
        self.lambda_init = 0.8 - 0.6 * math.exp(-0.3 * depth)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.dual_lambda:
            nn.init.zeros_(self.lambda_a)
            nn.init.zeros_(self.lambda_b)
        else:
            for p in (self.lambda_q1, self.lambda_k1, self.lambda_q2, self.lambda_k2):
                nn.init.normal_(p, mean=0.0, std=0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = self.qkv(x).chunk(3, dim=2)
        # (B, N, C) -> (B, 2 * heads, N, head_dim) for q, k and (B, heads, N, 2 * head_dim) for v
        q = q.unflatten(-1, (2 * self.num_heads, self.head_dim)).transpose(1, 2)
        k = k.unflatten(-1, (2 * self.num_heads, self.head_dim)).transpose(1, 2)
        v = v.unflatten(-1, (self.num_heads, 2 * self.head_dim)).transpose(1, 2)
        q, k = self.q_norm(q), self.k_norm(k)
        lambda_full = diff_attention_lambda(self).type_as(q)
        q1, q2 = q.unflatten(1, (self.num_heads, 2)).unbind(2)
        k1, k2 = k.unflatten(1, (self.num_heads, 2)).unbind(2)
        dropout_p = self.attn_drop.p if self.training else 0.0
        x = F.scaled_dot_product_attention(q1, k1, v, dropout_p=dropout_p) \
            - lambda_full * F.scaled_dot_product_attention(q2, k2, v, dropout_p=dropout_p)
        x = self.sub_norm(x) * (1 - self.lambda_init)
        x = self.norm(x.transpose(1, 2).flatten(2))
        return self.proj_drop(self.proj(x))
