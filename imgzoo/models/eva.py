"""EVA, EVA-02, EVA-CLIP, Perception Encoder, RoPE-ViT, DINOv3, LingBot-Vision and Sapiens2 image transformers.

Every architecture timm 1.0.31 registers in `timm/models/eva.py`, with its module and parameter names, so
timm's checkpoints load strictly and outputs match. One class (`Eva`) covers the variants:

- EVA (Fang et al. 2022): learned absolute position embedding, average pooling (class token for the CLIP tower).
- EVA-02 (Fang et al. 2023): + axial rotary position embedding (RoPE, `RotaryEmbeddingCat`) rescaled to the
  pretraining grid (`ref_feat_shape`), SwiGLU MLP, sub-LN (`scale_mlp`: a norm inside the MLP;
  `scale_attn_inner`: a norm on the attention output, EVA-CLIP), separate q/k/v projections with a q and v bias
  and no k bias (`qkv_fused=False`) or a fused `qkv` with `q_bias` / `v_bias` parameters and a zero `k_bias`
  buffer; EVA-02-CLIP enormous uses post-norm blocks (`use_post_norm`).
- Perception Encoder (Bolya et al. 2025): RoPE attention with a biased `qkv` (`attn_type='rope'`), 'xy' grid
  indexing and offset, a norm before the blocks, attention pooling ('map') for the core (CLIP) towers.
- timm's SBB ViTs and RoPE-ViT (Heo et al. 2024): register tokens, layer scale; RoPE-Mixed learns per-block,
  per-head frequencies (`rope.freqs`, `RotaryEmbeddingMixed`); `*_ape` add absolute embeddings.
- DINOv3 (Simeoni et al. 2025) and LingBot-Vision: DINOv3 RoPE (`RotaryEmbeddingDinoV3`, half rotation),
  four register tokens, any input size (`dynamic_img_size=True`), SwiGLU aligned to 8 or 64 for the big ones.
- Sapiens2: RmsNorm, q/k norm, grouped-query attention in the middle blocks, layer scale on attention only.

Rotary tables, the zero k-bias and RoPE grids are non-persistent buffers (`imgzoo/layers/rotary.py`): after a
meta-device build they are computed by `init_non_persistent_buffers()`, never left as garbage. Weights for
another `img_size` resample the absolute position embedding (bicubic, antialiased, prefix tokens kept) and the
rotary tables are computed for the new grid, as timm does.
"""
from __future__ import annotations

import math
from functools import partial
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError, StateDictMismatchError
from ..features import check_output_fmt, feature_take_indices
from ..layers import DropPath, Mlp, check_num_classes
from ..layers.attention_pool import AttentionPoolLatent
from ..layers.glu import GluMlp, SwiGLU
from ..layers.patch_embed import PatchEmbed, resample_patch_embed
from ..layers.pos_embed import infer_square_grid, resample_abs_pos_embed
from ..layers.relative_position import creating_on_meta
from ..layers.rms_norm import RmsNorm
from ..layers.rotary import (
    RotaryEmbeddingCat, RotaryEmbeddingDinoV3, RotaryEmbeddingMixed, apply_rot_embed_cat,
)
from ..registry import register_model
from ._base import ImgzooModel, checkpoint

NormLayer = Callable[[int], nn.Module]
GLOBAL_POOL_TYPES = ('', 'avg', 'avgmax', 'max', 'token', 'map')
ROPE_TYPES = ('cat', 'mixed', 'dinov3')
ATTN_TYPES = ('eva', 'rope')
OUTPUT_FORMATS = ('NCHW', 'NLC')


def _ln(eps: float) -> NormLayer:
    return partial(nn.LayerNorm, eps=eps)


def _rms(eps: float) -> NormLayer:
    return partial(RmsNorm, eps=eps)


def _rotate(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, rope: torch.Tensor, num_prefix_tokens: int,
            half: bool) -> Tuple[torch.Tensor, torch.Tensor]:
    """Queries and keys rotated by the rope table; prefix tokens (class, registers) are left as they are."""
    npt = num_prefix_tokens
    q = torch.cat([q[:, :, :npt, :], apply_rot_embed_cat(q[:, :, npt:, :], rope, half=half)], dim=2).type_as(v)
    k = torch.cat([k[:, :, :npt, :], apply_rot_embed_cat(k[:, :, npt:, :], rope, half=half)], dim=2).type_as(v)
    return q, k


class EvaAttention(nn.Module):
    """EVA attention: fused `qkv` without bias plus `q_bias`, a zero `k_bias` buffer and `v_bias`, or separate
    `q_proj` / `k_proj` (no bias) / `v_proj`; optional q/k norm and sub-LN on the output (`norm`); RoPE on the
    patch tokens."""

    def __init__(
        self, dim: int, num_heads: int = 8, qkv_bias: bool = True, qkv_fused: bool = True,
        num_prefix_tokens: int = 1, attn_drop: float = 0.0, proj_drop: float = 0.0,
        norm_layer: Optional[NormLayer] = None, qk_norm: bool = False, scale_norm: bool = True,
        rotate_half: bool = False,
    ) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        attn_dim = self.head_dim * num_heads
        self.num_prefix_tokens = num_prefix_tokens
        self.rotate_half = rotate_half
        if qkv_fused:
            self.qkv = nn.Linear(dim, attn_dim * 3, bias=False)
            self.q_proj = self.k_proj = self.v_proj = None
            if qkv_bias:
                self.q_bias = nn.Parameter(torch.zeros(attn_dim))
                self.register_buffer('k_bias', None, persistent=False)
                self.v_bias = nn.Parameter(torch.zeros(attn_dim))
            else:
                self.q_bias = self.k_bias = self.v_bias = None
        else:
            self.q_proj = nn.Linear(dim, attn_dim, bias=qkv_bias)
            self.k_proj = nn.Linear(dim, attn_dim, bias=False)
            self.v_proj = nn.Linear(dim, attn_dim, bias=qkv_bias)
            self.qkv = None
            self.q_bias = self.k_bias = self.v_bias = None
        self.q_norm = norm_layer(self.head_dim) if qk_norm else nn.Identity()
        self.k_norm = norm_layer(self.head_dim) if qk_norm else nn.Identity()
        self.attn_drop = nn.Dropout(attn_drop)
        self.norm = norm_layer(attn_dim) if scale_norm else nn.Identity()
        self.proj = nn.Linear(attn_dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)
        if not creating_on_meta():
            self.init_non_persistent_buffers()

    def reset_parameters(self) -> None:
        if self.q_bias is not None:
            nn.init.zeros_(self.q_bias)
            nn.init.zeros_(self.v_bias)
        self.init_non_persistent_buffers()

    def init_non_persistent_buffers(self) -> None:
        """The fixed zero key bias, like the q bias in shape, device and dtype."""
        if self.q_bias is not None:
            self.k_bias = torch.zeros_like(self.q_bias, requires_grad=False).detach()

    def forward(self, x: torch.Tensor, rope: Optional[torch.Tensor] = None) -> torch.Tensor:
        batch, tokens, channels = x.shape
        if self.qkv is not None:
            if self.q_bias is None:
                qkv = self.qkv(x)
            else:
                qkv = F.linear(x, weight=self.qkv.weight, bias=torch.cat((self.q_bias, self.k_bias, self.v_bias)))
            q, k, v = qkv.reshape(batch, tokens, 3, self.num_heads, -1).permute(2, 0, 3, 1, 4).unbind(0)
        else:
            q = self.q_proj(x).reshape(batch, tokens, self.num_heads, -1).transpose(1, 2)
            k = self.k_proj(x).reshape(batch, tokens, self.num_heads, -1).transpose(1, 2)
            v = self.v_proj(x).reshape(batch, tokens, self.num_heads, -1).transpose(1, 2)
        q, k = self.q_norm(q), self.k_norm(k)
        if rope is not None:
            q, k = _rotate(q, k, v, rope, self.num_prefix_tokens, self.rotate_half)
        x = F.scaled_dot_product_attention(q, k, v, dropout_p=self.attn_drop.p if self.training else 0.0)
        x = x.transpose(1, 2).reshape(batch, tokens, channels)
        x = self.norm(x)
        return self.proj_drop(self.proj(x))


class AttentionRope(nn.Module):
    """Self-attention with RoPE (timm's `AttentionRope`): fused `qkv` or separate projections, all biased alike;
    optional q/k norm, output norm, and grouped-query attention (`num_kv_heads`, separate projections only)."""

    def __init__(
        self, dim: int, num_heads: int = 8, qkv_bias: bool = True, qkv_fused: bool = True,
        num_prefix_tokens: int = 1, attn_drop: float = 0.0, proj_drop: float = 0.0,
        norm_layer: Optional[NormLayer] = None, qk_norm: bool = False, scale_norm: bool = False,
        rotate_half: bool = False, num_kv_heads: Optional[int] = None,
    ) -> None:
        super().__init__()
        if dim % num_heads:
            raise InvalidModelArgsError(f"embed_dim ({dim}) must be divisible by num_heads ({num_heads}).")
        num_kv_heads = num_kv_heads or num_heads
        if num_heads % num_kv_heads:
            raise InvalidModelArgsError(f"num_heads ({num_heads}) must be divisible by num_kv_heads ({num_kv_heads}).")
        self.num_heads = num_heads
        self.num_kv_heads = num_kv_heads
        self.num_kv_groups = num_heads // num_kv_heads
        self.head_dim = dim // num_heads
        self.attn_dim = self.head_dim * num_heads
        kv_dim = self.head_dim * num_kv_heads
        self.num_prefix_tokens = num_prefix_tokens
        self.rotate_half = rotate_half
        if qkv_fused:
            if self.num_kv_groups != 1:
                raise InvalidModelArgsError('Grouped-query attention (num_kv_heads) needs qkv_fused=False.')
            self.qkv = nn.Linear(dim, self.attn_dim * 3, bias=qkv_bias)
            self.q_proj = self.k_proj = self.v_proj = None
        else:
            self.qkv = None
            self.q_proj = nn.Linear(dim, self.attn_dim, bias=qkv_bias)
            self.k_proj = nn.Linear(dim, kv_dim, bias=qkv_bias)
            self.v_proj = nn.Linear(dim, kv_dim, bias=qkv_bias)
        self.q_norm = norm_layer(self.head_dim) if qk_norm else nn.Identity()
        self.k_norm = norm_layer(self.head_dim) if qk_norm else nn.Identity()
        self.attn_drop = nn.Dropout(attn_drop)
        self.norm = norm_layer(self.attn_dim) if scale_norm else nn.Identity()
        self.proj = nn.Linear(self.attn_dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x: torch.Tensor, rope: Optional[torch.Tensor] = None) -> torch.Tensor:
        batch, tokens, _ = x.shape
        if self.qkv is not None:
            qkv = self.qkv(x).reshape(batch, tokens, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
            q, k, v = qkv.unbind(0)
        else:
            q = self.q_proj(x).reshape(batch, tokens, self.num_heads, self.head_dim).transpose(1, 2)
            k = self.k_proj(x).reshape(batch, tokens, self.num_kv_heads, self.head_dim).transpose(1, 2)
            v = self.v_proj(x).reshape(batch, tokens, self.num_kv_heads, self.head_dim).transpose(1, 2)
        q, k = self.q_norm(q), self.k_norm(k)
        if rope is not None:
            q, k = _rotate(q, k, v, rope, self.num_prefix_tokens, self.rotate_half)
        if self.num_kv_groups > 1:
            k = k.repeat_interleave(self.num_kv_groups, dim=1)
            v = v.repeat_interleave(self.num_kv_groups, dim=1)
        x = F.scaled_dot_product_attention(q, k, v, dropout_p=self.attn_drop.p if self.training else 0.0)
        x = x.transpose(1, 2).reshape(batch, tokens, self.attn_dim)
        x = self.norm(x)
        return self.proj_drop(self.proj(x))


def _create_mlp(dim: int, mlp_ratio: float, swiglu_mlp: bool, swiglu_align_to: int, scale_mlp: bool,
                norm_layer: NormLayer, drop: float, separate_swiglu: bool) -> nn.Module:
    hidden = int(dim * mlp_ratio)
    if not swiglu_mlp:
        return Mlp(dim, hidden, act_layer='gelu', norm_layer=norm_layer if scale_mlp else None, drop=drop)
    if separate_swiglu:
        if swiglu_align_to:
            hidden = hidden + (-hidden % swiglu_align_to)
        return SwiGLU(dim, hidden, norm_layer=norm_layer if scale_mlp else None, drop=drop)
    return GluMlp(dim, hidden * 2, act_layer='silu', norm_layer=None, drop=drop, gate_last=False)


class EvaBlock(nn.Module):
    """Pre-norm block: x + gamma_1 * attn(norm1(x)), then x + gamma_2 * mlp(norm2(x)) (gammas: layer scale)."""

    def __init__(
        self, dim: int, num_heads: int, qkv_bias: bool = True, qkv_fused: bool = True, mlp_ratio: float = 4.0,
        swiglu_mlp: bool = False, swiglu_align_to: int = 0, scale_mlp: bool = False, scale_attn_inner: bool = False,
        num_prefix_tokens: int = 1, attn_type: str = 'eva', rotate_half: bool = False, qk_norm: bool = False,
        num_kv_heads: Optional[int] = None, proj_drop: float = 0.0, attn_drop: float = 0.0, drop_path: float = 0.0,
        init_values: Optional[float] = None, attn_only_layer_scale: bool = False,
        norm_layer: NormLayer = _ln(1e-6),
    ) -> None:
        super().__init__()
        self.norm1 = norm_layer(dim)
        attn_args = dict(num_heads=num_heads, qkv_bias=qkv_bias, qkv_fused=qkv_fused,
                         num_prefix_tokens=num_prefix_tokens, attn_drop=attn_drop, proj_drop=proj_drop,
                         norm_layer=norm_layer, qk_norm=qk_norm, scale_norm=scale_attn_inner, rotate_half=rotate_half)
        if attn_type == 'rope':
            self.attn: nn.Module = AttentionRope(dim, num_kv_heads=num_kv_heads, **attn_args)
        else:
            if num_kv_heads is not None and num_kv_heads != num_heads:
                raise InvalidModelArgsError("Grouped-query attention (num_kv_heads) needs attn_type='rope'.")
            self.attn = EvaAttention(dim, **attn_args)
        self.init_values = init_values
        self.gamma_1 = nn.Parameter(torch.empty(dim)) if init_values is not None else None
        self.drop_path1 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.norm2 = norm_layer(dim)
        self.mlp = _create_mlp(dim, mlp_ratio, swiglu_mlp, swiglu_align_to, scale_mlp, norm_layer, proj_drop,
                               separate_swiglu=scale_mlp or bool(swiglu_align_to))
        use_mlp_ls = init_values is not None and not attn_only_layer_scale
        self.gamma_2 = nn.Parameter(torch.empty(dim)) if use_mlp_ls else None
        self.drop_path2 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for gamma in (self.gamma_1, self.gamma_2):
            if gamma is not None:
                nn.init.constant_(gamma, self.init_values)

    def forward(self, x: torch.Tensor, rope: Optional[torch.Tensor] = None) -> torch.Tensor:
        x_attn = self.attn(self.norm1(x), rope=rope)
        if self.gamma_1 is not None:
            x_attn = self.gamma_1 * x_attn
        x = x + self.drop_path1(x_attn)
        x_mlp = self.mlp(self.norm2(x))
        if self.gamma_2 is not None:
            x_mlp = self.gamma_2 * x_mlp
        return x + self.drop_path2(x_mlp)


class EvaBlockPostNorm(nn.Module):
    """Post-norm block (EVA-02-CLIP enormous): x + norm1(attn(x)), then x + norm2(mlp(x))."""

    def __init__(
        self, dim: int, num_heads: int, qkv_bias: bool = True, qkv_fused: bool = True, mlp_ratio: float = 4.0,
        swiglu_mlp: bool = False, swiglu_align_to: int = 0, scale_mlp: bool = False, scale_attn_inner: bool = False,
        num_prefix_tokens: int = 1, attn_type: str = 'eva', rotate_half: bool = False, proj_drop: float = 0.0,
        attn_drop: float = 0.0, drop_path: float = 0.0, norm_layer: NormLayer = _ln(1e-6), **_: Any,
    ) -> None:
        super().__init__()
        attn_cls = AttentionRope if attn_type == 'rope' else EvaAttention
        self.attn = attn_cls(dim, num_heads=num_heads, qkv_bias=qkv_bias, qkv_fused=qkv_fused,
                             num_prefix_tokens=num_prefix_tokens, attn_drop=attn_drop, proj_drop=proj_drop,
                             norm_layer=norm_layer, scale_norm=scale_attn_inner, rotate_half=rotate_half)
        self.norm1 = norm_layer(dim)
        self.drop_path1 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.mlp = _create_mlp(dim, mlp_ratio, swiglu_mlp, swiglu_align_to, scale_mlp, norm_layer, proj_drop,
                               separate_swiglu=scale_mlp)
        self.norm2 = norm_layer(dim)
        self.drop_path2 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()

    def forward(self, x: torch.Tensor, rope: Optional[torch.Tensor] = None) -> torch.Tensor:
        x = x + self.drop_path1(self.norm1(self.attn(x, rope=rope)))
        return x + self.drop_path2(self.norm2(self.mlp(x)))


def global_pool_nlc(x: torch.Tensor, pool_type: str = 'token', num_prefix_tokens: int = 1) -> torch.Tensor:
    """Pool (B, N, C) tokens: 'token' the first, 'avg' / 'max' / 'avgmax' over the patch tokens, '' none."""
    if not pool_type:
        return x
    if pool_type == 'token':
        return x[:, 0]
    x = x[:, num_prefix_tokens:]
    if pool_type == 'avg':
        return x.mean(dim=1)
    if pool_type == 'max':
        return x.amax(dim=1)
    if pool_type == 'avgmax':
        return 0.5 * (x.amax(dim=1) + x.mean(dim=1))
    raise InvalidModelArgsError(f"global_pool must be one of {GLOBAL_POOL_TYPES}, got {pool_type!r}.")


@torch.fx.wrap
def _pos_embed_for_grid(pos_embed: torch.Tensor, x_nhwc: torch.Tensor, old_grid: Tuple[int, int],
                        num_prefix_tokens: int) -> torch.Tensor:
    """pos_embed resampled to the (H, W) grid of x_nhwc (a torch.fx leaf: it reads concrete sizes)."""
    return resample_abs_pos_embed(pos_embed, (x_nhwc.shape[1], x_nhwc.shape[2]), old_size=old_grid,
                                  num_prefix_tokens=num_prefix_tokens)


def _trunc_normal(tensor: torch.Tensor, std: float = 0.02) -> None:
    nn.init.trunc_normal_(tensor, std=std)


class Eva(ImgzooModel):
    """EVA-style vision transformer with absolute and/or rotary position embeddings; see the module docstring."""

    def __init__(
        self,
        img_size: Union[int, Tuple[int, int], List[int]] = 224,
        patch_size: Union[int, Tuple[int, int], List[int]] = 16,
        in_chans: int = 3,
        num_classes: int = 1000,
        global_pool: str = 'avg',
        embed_dim: int = 768,
        depth: int = 12,
        num_heads: int = 12,
        num_kv_heads: Union[int, Sequence[Optional[int]], None] = None,
        qkv_bias: bool = True,
        qkv_fused: bool = True,
        qk_norm: bool = False,
        mlp_ratio: float = 4.0,
        swiglu_mlp: bool = False,
        swiglu_align_to: int = 0,
        scale_mlp: bool = False,
        scale_attn_inner: bool = False,
        attn_type: str = 'eva',
        drop_rate: float = 0.0,
        pos_drop_rate: float = 0.0,
        patch_drop_rate: float = 0.0,
        proj_drop_rate: float = 0.0,
        attn_drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        norm_layer: Optional[NormLayer] = None,
        init_values: Optional[float] = None,
        attn_only_layer_scale: bool = False,
        class_token: bool = True,
        num_reg_tokens: int = 0,
        no_embed_class: bool = False,
        use_abs_pos_emb: bool = True,
        use_rot_pos_emb: bool = False,
        rope_type: Optional[str] = 'cat',
        rope_grid_offset: float = 0.0,
        rope_grid_indexing: str = 'ij',
        rope_temperature: float = 10000.0,
        rope_rotate_half: bool = False,
        rope_shift_coords: Optional[float] = None,
        rope_jitter_coords: Optional[float] = None,
        rope_rescale_coords: Optional[float] = None,
        rope_mrope_section: Optional[Tuple[int, int, int]] = None,
        use_post_norm: bool = False,
        use_pre_transformer_norm: bool = False,
        use_post_transformer_norm: Optional[bool] = None,
        use_fc_norm: Optional[bool] = None,
        attn_pool_num_heads: Optional[int] = None,
        attn_pool_mlp_ratio: Optional[float] = None,
        dynamic_img_size: bool = False,
        dynamic_img_pad: bool = False,
        ref_feat_shape: Union[int, Tuple[int, int], None] = None,
        head_init_scale: float = 0.001,
    ) -> None:
        """
        Args (timm's names and defaults):
            global_pool: 'avg' (patch tokens), 'token' (class token), 'max', 'avgmax', 'map' (attention pooling
                over all tokens) or '' (forward_head returns all tokens).
            num_kv_heads: key/value heads for grouped-query attention, one value or one per block (attn_type
                'rope', qkv_fused=False).
            qkv_fused: one `qkv` projection (EVA: bias as `q_bias` / zero `k_bias` / `v_bias`) or q/k/v_proj.
            swiglu_mlp / swiglu_align_to / scale_mlp: SwiGLU MLP (packed `fc1` unless scale_mlp or alignment),
                hidden size rounded up to a multiple of swiglu_align_to, norm inside the MLP (sub-LN).
            scale_attn_inner: norm on the attention output before `proj` (EVA-CLIP).
            attn_type: 'eva' (EvaAttention) or 'rope' (AttentionRope).
            norm_layer: norm constructor (default LayerNorm, eps 1e-6).
            init_values / attn_only_layer_scale: layer scale (`gamma_1`, `gamma_2`), attention branch only.
            class_token / num_reg_tokens / no_embed_class: prefix tokens, and whether the absolute embedding
                covers them.
            use_abs_pos_emb / use_rot_pos_emb / rope_*: learned absolute embedding; RoPE of rope_type 'cat'
                (axial), 'mixed' (learned) or 'dinov3', its grid offset and indexing ('ij' / 'xy'), temperature,
                half rotation, train-time coordinate augmentation (shift / jitter / rescale).
            ref_feat_shape: the pretraining token grid that 'cat' RoPE positions are rescaled to.
            use_post_norm: post-norm blocks. use_pre_transformer_norm: `norm_pre` after the embeddings (and no
                patch-projection bias). use_post_transformer_norm / use_fc_norm: final `norm` on all tokens and
                `fc_norm` after pooling (defaults: fc_norm for 'avg', else norm).
            dynamic_img_size / dynamic_img_pad: any input size (embeddings computed per size) / pad to the patch.
            head_init_scale: the new classifier's initial weights are scaled by this.
        """
        super().__init__()
        if global_pool not in GLOBAL_POOL_TYPES:
            raise InvalidModelArgsError(f"global_pool must be one of {GLOBAL_POOL_TYPES}, got {global_pool!r}.")
        if global_pool == 'token' and not class_token:
            raise InvalidModelArgsError("global_pool='token' needs the class token; pass class_token=True or another "
                                        "global_pool ('avg', 'map', ...).")
        if attn_type not in ATTN_TYPES:
            raise InvalidModelArgsError(f"attn_type must be one of {ATTN_TYPES}, got {attn_type!r}.")
        if use_rot_pos_emb and rope_type not in ROPE_TYPES:
            raise InvalidModelArgsError(
                f"rope_type must be one of {ROPE_TYPES} (the types timm's EVA architectures use), got {rope_type!r}.")
        if rope_mrope_section is not None:
            raise InvalidModelArgsError("rope_mrope_section applies to rope_type='mrope', which imgzoo does not build.")
        if patch_drop_rate:
            raise InvalidModelArgsError(
                "patch_drop_rate (train-time token dropout) is not supported by imgzoo's EVA; use 0 (the default).")
        if not isinstance(depth, int) or depth < 0:
            raise InvalidModelArgsError(f"depth must be a non-negative integer, got {depth!r}.")
        if embed_dim % num_heads:
            raise InvalidModelArgsError(f"embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads}).")
        if not isinstance(num_reg_tokens, int) or num_reg_tokens < 0:
            raise InvalidModelArgsError(f"num_reg_tokens must be a non-negative integer, got {num_reg_tokens!r}.")
        norm_layer = norm_layer or _ln(1e-6)
        activate_fc_norm = global_pool == 'avg' if use_fc_norm is None else use_fc_norm
        activate_post_norm = (not activate_fc_norm) if use_post_transformer_norm is None else use_post_transformer_norm

        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.global_pool = global_pool
        self.num_features = self.head_hidden_size = self.embed_dim = embed_dim
        self.num_prefix_tokens = int(class_token) + num_reg_tokens
        self.no_embed_class = no_embed_class
        self.dynamic_img_size = dynamic_img_size
        self.head_init_scale = head_init_scale
        self.grad_checkpointing = False

        self.patch_embed = PatchEmbed(
            img_size=img_size, patch_size=patch_size, in_chans=in_chans, embed_dim=embed_dim,
            bias=not use_pre_transformer_norm, output_fmt='NHWC' if dynamic_img_size else 'NLC',
            strict_img_size=not dynamic_img_size, dynamic_img_pad=dynamic_img_pad,
        )
        num_patches = self.patch_embed.num_patches
        reduction = self.patch_embed.feat_ratio()
        self.cls_token = nn.Parameter(torch.empty(1, 1, embed_dim)) if class_token else None
        self.reg_token = nn.Parameter(torch.empty(1, num_reg_tokens, embed_dim)) if num_reg_tokens else None
        self.cls_embed = class_token and self.reg_token is None
        num_pos_tokens = num_patches if no_embed_class else num_patches + self.num_prefix_tokens
        self.pos_embed = nn.Parameter(torch.empty(1, num_pos_tokens, embed_dim)) if use_abs_pos_emb else None
        self.pos_drop = nn.Dropout(p=pos_drop_rate)
        self.patch_drop = None

        self.rope_mixed = False
        self.rope: Optional[nn.Module] = None
        if use_rot_pos_emb:
            feat_shape = None if dynamic_img_size else self.patch_embed.grid_size
            augs = dict(shift_coords=rope_shift_coords, jitter_coords=rope_jitter_coords,
                        rescale_coords=rope_rescale_coords)
            if rope_type == 'mixed':
                if rope_rotate_half:
                    raise InvalidModelArgsError("rope_type='mixed' needs rope_rotate_half=False.")
                self.rope = RotaryEmbeddingMixed(embed_dim, depth, num_heads, temperature=rope_temperature,
                                                 feat_shape=feat_shape, grid_indexing=rope_grid_indexing, **augs)
                self.rope_mixed = True
            elif rope_type == 'cat':
                ref = (ref_feat_shape, ref_feat_shape) if isinstance(ref_feat_shape, int) else ref_feat_shape
                self.rope = RotaryEmbeddingCat(embed_dim // num_heads, temperature=rope_temperature,
                                               feat_shape=feat_shape, ref_feat_shape=ref, grid_offset=rope_grid_offset,
                                               grid_indexing=rope_grid_indexing, rotate_half=rope_rotate_half, **augs)
            else:
                self.rope = RotaryEmbeddingDinoV3(embed_dim // num_heads, temperature=rope_temperature,
                                                  feat_shape=feat_shape, grid_offset=rope_grid_offset,
                                                  grid_indexing=rope_grid_indexing, rotate_half=rope_rotate_half,
                                                  **augs)
        self.norm_pre = norm_layer(embed_dim) if use_pre_transformer_norm else nn.Identity()

        if num_kv_heads is None or isinstance(num_kv_heads, int):
            kv_heads: Tuple[Optional[int], ...] = (num_kv_heads,) * depth
        else:
            kv_heads = tuple(num_kv_heads)
        if len(kv_heads) != depth:
            raise InvalidModelArgsError(
                f"num_kv_heads needs one value per block ({depth}), got {len(kv_heads)}; or pass one int for all.")
        if use_post_norm and (qk_norm or attn_only_layer_scale or any(h is not None for h in kv_heads)):
            raise InvalidModelArgsError('qk_norm, num_kv_heads and attn_only_layer_scale need pre-norm blocks '
                                        '(use_post_norm=False).')
        dpr = [drop_path_rate * i / (depth - 1) if depth > 1 else 0.0 for i in range(depth)]
        block_fn = EvaBlockPostNorm if use_post_norm else EvaBlock
        self.blocks = nn.ModuleList([
            block_fn(
                dim=embed_dim, num_heads=num_heads, qkv_bias=qkv_bias, qkv_fused=qkv_fused, mlp_ratio=mlp_ratio,
                swiglu_mlp=swiglu_mlp, swiglu_align_to=swiglu_align_to, scale_mlp=scale_mlp,
                scale_attn_inner=scale_attn_inner, attn_type=attn_type, rotate_half=rope_rotate_half,
                num_prefix_tokens=self.num_prefix_tokens, proj_drop=proj_drop_rate, attn_drop=attn_drop_rate,
                drop_path=dpr[i], norm_layer=norm_layer, init_values=init_values,
                **({} if use_post_norm else dict(qk_norm=qk_norm, attn_only_layer_scale=attn_only_layer_scale,
                                                 num_kv_heads=kv_heads[i])),
            )
            for i in range(depth)
        ])
        self.feature_info = [dict(module=f'blocks.{i}', num_chs=embed_dim, reduction=reduction) for i in range(depth)]
        self.norm = norm_layer(embed_dim) if activate_post_norm else nn.Identity()
        self.attn_pool = AttentionPoolLatent(
            embed_dim, num_heads=attn_pool_num_heads or num_heads, mlp_ratio=attn_pool_mlp_ratio or mlp_ratio,
            norm_layer=norm_layer, act_layer='gelu',
        ) if global_pool == 'map' else None
        self.fc_norm = norm_layer(embed_dim) if activate_fc_norm else nn.Identity()
        self.head_drop = nn.Dropout(drop_rate)
        self.head = self._new_head(self.num_classes)
        self.init_weights()

    @property
    def default_out_indices(self) -> int:
        """timm's features_only default for EVA: the last three blocks."""
        return 3

    def _new_head(self, num_classes: int) -> nn.Module:
        if num_classes <= 0:
            return nn.Identity()
        head = nn.Linear(self.embed_dim, num_classes)
        self._init_head(head)
        return head

    def _init_head(self, head: nn.Linear) -> None:
        _trunc_normal(head.weight)
        nn.init.zeros_(head.bias)
        if self.head_init_scale:
            with torch.no_grad():
                head.weight.mul_(self.head_init_scale)
                head.bias.mul_(self.head_init_scale)

    def init_weights(self) -> None:
        """timm's scheme: truncated normal (std 0.02) Linear weights, zero biases, embeddings and tokens; each
        block's attention and MLP output projections divided by sqrt(2 * (block index + 1))."""
        for module in self.modules():
            if isinstance(module, nn.Linear):
                _trunc_normal(module.weight)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
        for tensor in (self.pos_embed, self.cls_token, self.reg_token):
            if tensor is not None:
                _trunc_normal(tensor)
        with torch.no_grad():
            for layer_id, block in enumerate(self.blocks):
                scale = math.sqrt(2.0 * (layer_id + 1))
                block.attn.proj.weight.div_(scale)
                block.mlp.fc2.weight.div_(scale)
        if isinstance(self.head, nn.Linear):
            self._init_head(self.head)

    def init_new_module(self, name: str, module: nn.Module) -> None:
        """Initialise a module the checkpoint did not cover (a new classifier) as the constructor would."""
        if name == 'head' and isinstance(module, nn.Linear):
            self._init_head(module)
        elif isinstance(module, nn.Linear):
            _trunc_normal(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif hasattr(module, 'reset_parameters'):
            module.reset_parameters()
        else:
            raise RuntimeError(f"imgzoo bug: no initialisation for {name} ({type(module).__name__}).")

    def init_non_persistent_buffers(self) -> None:
        """Compute the rotary tables and zero key biases (after a meta-device build and load), on the weights'
        device and in their dtype."""
        reference = self.patch_embed.proj.weight
        if self.rope is not None:
            self.rope.init_non_persistent_buffers(device=reference.device, dtype=reference.dtype)
        for module in self.modules():
            if isinstance(module, EvaAttention):
                module.init_non_persistent_buffers()

    def adapt_pretrained_state_dict(self, state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """Fit a checkpoint to this model: timm's key conversions for original EVA / EVA-02 (MIM), OpenCLIP,
        DINOv3, Sapiens2 and Perception Encoder layouts; rotary tables dropped (they are computed, only the
        learned `rope.freqs` load); the patch kernel and absolute position embedding resampled to this model's
        patch size and grid."""
        out = _convert_checkpoint(state_dict, self)
        if self.attn_pool is None:
            out = {k: v for k, v in out.items() if not k.startswith('attn_pool.')}
        kernel = out.get('patch_embed.proj.weight')
        if kernel is not None and kernel.ndim == 4 and tuple(kernel.shape[-2:]) != self.patch_embed.patch_size:
            out['patch_embed.proj.weight'] = resample_patch_embed(kernel, self.patch_embed.patch_size)
        pos_embed = out.get('pos_embed')
        if (self.pos_embed is not None and pos_embed is not None and pos_embed.ndim == 3
                and pos_embed.shape[1] != self.pos_embed.shape[1]):
            num_prefix = 0 if self.no_embed_class else self.num_prefix_tokens
            old_grid = infer_square_grid(pos_embed.shape[1] - num_prefix)
            if old_grid is None:
                raise StateDictMismatchError(
                    type(self).__name__, mismatched=[('pos_embed', tuple(self.pos_embed.shape), tuple(pos_embed.shape))],
                )
            out['pos_embed'] = resample_abs_pos_embed(pos_embed, self.patch_embed.grid_size, old_grid, num_prefix)
        return out

    def no_weight_decay(self) -> Set[str]:
        """Parameters that optimisers usually exclude from weight decay (timm's set)."""
        nwd = {'pos_embed', 'cls_token', 'reg_token'}
        if self.rope is not None and hasattr(self.rope, 'no_weight_decay'):
            nwd |= {f'rope.{p}' for p in self.rope.no_weight_decay()}
        return nwd

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        """timm's parameter groups: the embeddings, then one group per block (the final norm with the last)."""
        return dict(
            stem=r'^cls_token|reg_token|pos_embed|patch_embed|norm_pre',
            blocks=[(r'^blocks\.(\d+)', None), (r'^norm', (99999,))],
        )

    def get_classifier(self) -> nn.Module:
        return self.head

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier with a fresh one; global_pool may change the pooling but cannot add 'map'."""
        num_classes = check_num_classes(num_classes)
        if global_pool is not None:
            if global_pool not in GLOBAL_POOL_TYPES:
                raise InvalidModelArgsError(f"global_pool must be one of {GLOBAL_POOL_TYPES}, got {global_pool!r}.")
            if global_pool == 'token' and self.cls_token is None:
                raise InvalidModelArgsError("global_pool='token' needs the class token, which this model has not.")
            if global_pool == 'map' and self.attn_pool is None:
                raise InvalidModelArgsError(
                    "reset_classifier cannot add attention pooling; create the model with global_pool='map'.")
            if global_pool != 'map':
                self.attn_pool = None
            self.global_pool = global_pool
        self.num_classes = num_classes
        reference = self.patch_embed.proj.weight
        self.head = self._new_head(num_classes).to(device=reference.device, dtype=reference.dtype)
        self.head.train(self.training)

    def _pos_embed(self, x: torch.Tensor) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        if self.dynamic_img_size:
            grid = (x.shape[1], x.shape[2])
            pos_embed = None if self.pos_embed is None else _pos_embed_for_grid(
                self.pos_embed, x, self.patch_embed.grid_size, 0 if self.no_embed_class else self.num_prefix_tokens)
            x = x.flatten(1, 2)
            rope = self.rope.get_embed(shape=grid) if self.rope is not None else None
        else:
            pos_embed = self.pos_embed
            rope = self.rope.get_embed() if self.rope is not None else None
        prefix = []
        if self.cls_token is not None:
            prefix.append(self.cls_token.expand(x.shape[0], -1, -1))
        if self.reg_token is not None:
            prefix.append(self.reg_token.expand(x.shape[0], -1, -1))
        if self.no_embed_class:
            if pos_embed is not None:
                x = x + pos_embed
            if prefix:
                x = torch.cat(prefix + [x], dim=1)
        else:
            if prefix:
                x = torch.cat(prefix + [x], dim=1)
            if pos_embed is not None:
                x = x + pos_embed
        return self.pos_drop(x), rope

    def _run_block(self, i: int, block: nn.Module, x: torch.Tensor, rope: Optional[torch.Tensor]) -> torch.Tensor:
        block_rope = rope[i] if self.rope_mixed and rope is not None else rope
        if self.grad_checkpointing:
            return checkpoint(block, x, block_rope)
        return block(x, block_rope)

    def forward_intermediates(
        self,
        x: torch.Tensor,
        indices: Union[int, List[int], None] = None,
        return_prefix_tokens: bool = False,
        norm: bool = False,
        stop_early: bool = False,
        output_fmt: str = 'NCHW',
        intermediates_only: bool = False,
    ) -> Union[List[Any], Tuple[torch.Tensor, List[Any]]]:
        """Final features and the outputs of the blocks at indices (None all, int the last n, list those).

        Intermediates are NCHW maps of the patch tokens (output_fmt='NLC': token sequences without the prefix
        tokens); norm=True applies the final norm to each; return_prefix_tokens pairs each with its prefix tokens.
        """
        check_output_fmt(output_fmt, OUTPUT_FORMATS)
        take_indices, max_index = feature_take_indices(len(self.blocks), indices)
        batch, height, width = x.shape[0], x.shape[-2], x.shape[-1]
        x = self.patch_embed(x)
        x, rope = self._pos_embed(x)
        x = self.norm_pre(x)
        blocks = self.blocks[:max_index + 1] if stop_early else self.blocks
        intermediates = []
        for i, block in enumerate(blocks):
            x = self._run_block(i, block, x, rope)
            if i in take_indices:
                intermediates.append(self.norm(x) if norm else x)
        prefix_tokens = [y[:, :self.num_prefix_tokens] for y in intermediates]
        intermediates = [y[:, self.num_prefix_tokens:] for y in intermediates]
        if output_fmt == 'NCHW':
            grid = self.patch_embed.feat_size((height, width)) if self.dynamic_img_size \
                else self.patch_embed.grid_size
            intermediates = [y.reshape(batch, grid[0], grid[1], -1).permute(0, 3, 1, 2).contiguous()
                             for y in intermediates]
        if return_prefix_tokens:
            intermediates = list(zip(intermediates, prefix_tokens))
        if intermediates_only:
            return intermediates
        return self.norm(x), intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the blocks after the last index needed (and the final norm / the head); returns the kept indices."""
        take_indices, max_index = feature_take_indices(len(self.blocks), indices)
        self.blocks = self.blocks[:max_index + 1]
        if prune_norm:
            self.norm = nn.Identity()
        if prune_head:
            self.attn_pool = None
            self.fc_norm = nn.Identity()
            self.reset_classifier(0, '')
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """All tokens (B, prefix + patches, C) after the blocks and the final norm."""
        x = self.patch_embed(x)
        x, rope = self._pos_embed(x)
        x = self.norm_pre(x)
        for i, block in enumerate(self.blocks):
            x = self._run_block(i, block, x, rope)
        return self.norm(x)

    def pool(self, x: torch.Tensor, pool_type: Optional[str] = None) -> torch.Tensor:
        """Pool tokens with the attention pool (over all tokens, as timm), or global_pool / pool_type."""
        if self.attn_pool is not None:
            return self.attn_pool(x)
        return global_pool_nlc(x, self.global_pool if pool_type is None else pool_type, self.num_prefix_tokens)

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.pool(x)
        x = self.fc_norm(x)
        x = self.head_drop(x)
        return x if pre_logits else self.head(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))


_PE_SWAPS = (
    ('conv1', 'patch_embed.proj'), ('positional_embedding', 'pos_embed'), ('transformer.resblocks.', 'blocks.'),
    ('ln_pre', 'norm_pre'), ('ln_post', 'norm'), ('ln_', 'norm'), ('ls_1.gamma', 'gamma_1'),
    ('ls_2.gamma', 'gamma_2'), ('in_proj_', 'qkv.'), ('out_proj', 'proj'), ('mlp.c_fc', 'mlp.fc1'),
    ('mlp.c_proj', 'mlp.fc2'),
)


def _convert_pe(state_dict: Dict[str, torch.Tensor], prefix: str) -> Dict[str, torch.Tensor]:
    """Meta's Perception Encoder layout (OpenCLIP-style names) to timm's."""
    out: Dict[str, torch.Tensor] = {}
    for k, v in state_dict.items():
        k = k.replace('module.', '')
        if prefix:
            if not k.startswith(prefix):
                continue
            k = k[len(prefix):]
        for old, new in _PE_SWAPS:
            k = k.replace(old, new)
        if k.startswith('attn_pool'):
            k = k.replace('attn_pool.attn', 'attn_pool').replace('attn_pool.layernorm', 'attn_pool.norm')
            k = k.replace('attn_pool.probe', 'attn_pool.latent')
            if k.startswith('attn_pool.qkv'):
                dim = v.shape[0] // 3
                kind = 'weight' if k.endswith('weight') else 'bias'
                out[f'attn_pool.q.{kind}'], out[f'attn_pool.kv.{kind}'] = v[:dim], v[dim:]
                continue
        elif k == 'proj':
            k, v = 'head.weight', v.transpose(0, 1)
            out['head.bias'] = torch.zeros(v.shape[0], dtype=v.dtype)
        elif k == 'class_embedding':
            k, v = 'cls_token', v.unsqueeze(0).unsqueeze(1)
        elif k == 'pos_embed':
            v = v.unsqueeze(0)
        out[k] = v
    return out


def _convert_checkpoint(state_dict: Dict[str, torch.Tensor], model: Eva) -> Dict[str, torch.Tensor]:
    """timm's `checkpoint_filter_fn` key conversions (everything but the resampling, done by the caller)."""
    for wrapper in ('model_ema', 'model', 'module', 'state_dict'):
        inner = state_dict.get(wrapper)
        if isinstance(inner, dict):
            state_dict = inner
    if 'visual.conv1.weight' in state_dict:
        return _convert_pe(state_dict, 'visual.')
    if 'conv1.weight' in state_dict:
        return _convert_pe(state_dict, '')
    prefix = 'visual.trunk.' if 'visual.trunk.pos_embed' in state_dict else \
        'visual.' if 'visual.pos_embed' in state_dict else ''
    sapiens2 = 'blocks.0.attn.wq.weight' in state_dict and 'blocks.0.ffn.w12.weight' in state_dict
    dinov3 = 'storage_tokens' in state_dict and not sapiens2
    mim = not dinov3 and prefix + 'mask_token' in state_dict
    no_qkv = prefix + 'blocks.0.attn.q_proj.weight' in state_dict
    params = dict(model.named_parameters())
    out: Dict[str, torch.Tensor] = {}
    for k, v in state_dict.items():
        if prefix:
            if not k.startswith(prefix):
                continue
            k = k[len(prefix):]
        if 'rope' in k and k != 'rope.freqs':
            continue
        if sapiens2:
            if k == 'mask_token':
                continue
            for old, new in (('storage_tokens', 'reg_token'), ('patch_embed.projection.', 'patch_embed.proj.'),
                             ('attn.wq.', 'attn.q_proj.'), ('attn.wk.', 'attn.k_proj.'), ('attn.wv.', 'attn.v_proj.'),
                             ('attn.gamma.weight', 'gamma_1'), ('.ffn.', '.mlp.'), ('.ln1.', '.norm1.'),
                             ('.ln2.', '.norm2.')):
                k = k.replace(old, new)
            if k.startswith('ln1.'):
                k = 'norm.' + k[len('ln1.'):]
        elif dinov3:
            if k.endswith(('.periods', '.bias_mask', 'mask_token')) or k.startswith(('projectors.', 'local_cls_norm')):
                continue
            if k.endswith('qkv.bias'):
                q_key = k.replace('qkv.bias', 'q_bias')
                if q_key in params:
                    q, _, vv = v.chunk(3, dim=-1)
                    out[q_key], out[k.replace('qkv.bias', 'v_bias')] = q, vv
                continue
            k = k.replace('ls1.gamma', 'gamma_1').replace('ls2.gamma', 'gamma_2').replace('storage_tokens', 'reg_token')
        elif mim and k in ('mask_token', 'lm_head.weight', 'lm_head.bias', 'norm.weight', 'norm.bias'):
            if not k.startswith('norm.'):
                continue
            k = k.replace('norm', 'fc_norm')
        for old, new in (('mlp.ffn_ln', 'mlp.norm'), ('attn.inner_attn_ln', 'attn.norm'), ('mlp.w12', 'mlp.fc1'),
                         ('mlp.w1', 'mlp.fc1_g'), ('mlp.w2', 'mlp.fc1_x'), ('mlp.w3', 'mlp.fc2')):
            k = k.replace(old, new)
        if no_qkv:
            k = k.replace('q_bias', 'q_proj.bias').replace('v_bias', 'v_proj.bias')
        out[k] = v
    return out


def _eva(defaults: Dict[str, Any], **kwargs: Any) -> Eva:
    return Eva(**{**defaults, **kwargs})


def _sapiens2(embed_dim: int, depth: int, num_heads: int, num_kv_heads: int, num_full_attn_blocks: int = 8,
              **extra: Any) -> Dict[str, Any]:
    """Sapiens2: grouped-query attention except in the first and last num_full_attn_blocks blocks."""
    kv_heads = tuple(num_heads if (i < num_full_attn_blocks or i >= depth - num_full_attn_blocks) else num_kv_heads
                     for i in range(depth))
    return dict(
        img_size=(1024, 768), patch_size=16, dynamic_img_size=True, embed_dim=embed_dim, depth=depth,
        num_heads=num_heads, num_kv_heads=kv_heads, attn_type='rope', qkv_fused=False, qkv_bias=True, qk_norm=True,
        global_pool='token', swiglu_mlp=True, mlp_ratio=4.0, init_values=1.0, attn_only_layer_scale=True,
        rope_type='dinov3', rope_temperature=100, rope_rotate_half=True, rope_rescale_coords=2.0,
        use_rot_pos_emb=True, use_abs_pos_emb=False, class_token=True, num_reg_tokens=8, use_fc_norm=False,
        norm_layer=_rms(1e-6), **extra,
    )


# Architectures (generated from timm 1.0.31's registered entrypoints and default configs).


@register_model
def eva_giant_patch14_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=14, embed_dim=1408, depth=40, num_heads=16, mlp_ratio=6144 / 1408,
    ), **kwargs)


@register_model
def eva_giant_patch14_336(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=14, embed_dim=1408, depth=40, num_heads=16, mlp_ratio=6144 / 1408, img_size=336,
    ), **kwargs)


@register_model
def eva_giant_patch14_560(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=14, embed_dim=1408, depth=40, num_heads=16, mlp_ratio=6144 / 1408, img_size=560,
    ), **kwargs)


@register_model
def eva02_tiny_patch14_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=224, patch_size=14, embed_dim=192, depth=12, num_heads=3, mlp_ratio=4 * 2 / 3,
        swiglu_mlp=True, use_rot_pos_emb=True, ref_feat_shape=(16, 16), num_classes=0,
    ), **kwargs)


@register_model
def eva02_small_patch14_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=224, patch_size=14, embed_dim=384, depth=12, num_heads=6, mlp_ratio=4 * 2 / 3,
        swiglu_mlp=True, use_rot_pos_emb=True, ref_feat_shape=(16, 16), num_classes=0,
    ), **kwargs)


@register_model
def eva02_base_patch14_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=224, patch_size=14, embed_dim=768, depth=12, num_heads=12, qkv_fused=False, mlp_ratio=4 * 2
        / 3, swiglu_mlp=True, scale_mlp=True, use_rot_pos_emb=True, ref_feat_shape=(16, 16), num_classes=0,
    ), **kwargs)


@register_model
def eva02_large_patch14_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=224, patch_size=14, embed_dim=1024, depth=24, num_heads=16, mlp_ratio=4 * 2 / 3,
        qkv_fused=False, swiglu_mlp=True, scale_mlp=True, use_rot_pos_emb=True, ref_feat_shape=(16, 16),
        num_classes=0,
    ), **kwargs)


@register_model
def eva02_tiny_patch14_336(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=336, patch_size=14, embed_dim=192, depth=12, num_heads=3, mlp_ratio=4 * 2 / 3,
        swiglu_mlp=True, use_rot_pos_emb=True, ref_feat_shape=(16, 16),
    ), **kwargs)


@register_model
def eva02_small_patch14_336(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=336, patch_size=14, embed_dim=384, depth=12, num_heads=6, mlp_ratio=4 * 2 / 3,
        swiglu_mlp=True, use_rot_pos_emb=True, ref_feat_shape=(16, 16),
    ), **kwargs)


@register_model
def eva02_base_patch14_448(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=448, patch_size=14, embed_dim=768, depth=12, num_heads=12, qkv_fused=False, mlp_ratio=4 * 2
        / 3, swiglu_mlp=True, scale_mlp=True, use_rot_pos_emb=True, ref_feat_shape=(16, 16),
    ), **kwargs)


@register_model
def eva02_large_patch14_448(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=448, patch_size=14, embed_dim=1024, depth=24, num_heads=16, mlp_ratio=4 * 2 / 3,
        qkv_fused=False, swiglu_mlp=True, scale_mlp=True, use_rot_pos_emb=True, ref_feat_shape=(16, 16),
    ), **kwargs)


@register_model
def eva_giant_patch14_clip_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=14, embed_dim=1408, depth=40, num_heads=16, mlp_ratio=6144 / 1408, global_pool='token',
        num_classes=1024,
    ), **kwargs)


@register_model
def eva02_base_patch16_clip_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=224, patch_size=16, embed_dim=768, depth=12, num_heads=12, qkv_fused=False, mlp_ratio=4 * 2
        / 3, swiglu_mlp=True, scale_mlp=True, scale_attn_inner=True, use_rot_pos_emb=True,
        ref_feat_shape=(16, 16), global_pool='token', num_classes=512,
    ), **kwargs)


@register_model
def eva02_large_patch14_clip_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=224, patch_size=14, embed_dim=1024, depth=24, num_heads=16, mlp_ratio=4 * 2 / 3,
        qkv_fused=False, swiglu_mlp=True, scale_mlp=True, scale_attn_inner=True, use_rot_pos_emb=True,
        ref_feat_shape=(16, 16), global_pool='token', num_classes=768,
    ), **kwargs)


@register_model
def eva02_large_patch14_clip_336(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=336, patch_size=14, embed_dim=1024, depth=24, num_heads=16, mlp_ratio=4 * 2 / 3,
        qkv_fused=False, swiglu_mlp=True, scale_mlp=True, scale_attn_inner=True, use_rot_pos_emb=True,
        ref_feat_shape=(16, 16), global_pool='token', num_classes=768,
    ), **kwargs)


@register_model
def eva02_enormous_patch14_clip_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=224, patch_size=14, embed_dim=1792, depth=64, num_heads=16, mlp_ratio=15360 / 1792,
        use_post_norm=True, global_pool='token', num_classes=1024,
    ), **kwargs)


@register_model
def vit_medium_patch16_rope_reg1_gap_256(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=256, patch_size=16, embed_dim=512, depth=12, num_heads=8, qkv_fused=True, qkv_bias=True,
        init_values=1e-05, class_token=False, num_reg_tokens=1, use_rot_pos_emb=True, use_abs_pos_emb=False,
        ref_feat_shape=(16, 16),
    ), **kwargs)


@register_model
def vit_mediumd_patch16_rope_reg1_gap_256(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=256, patch_size=16, embed_dim=512, depth=20, num_heads=8, qkv_fused=True, qkv_bias=False,
        init_values=1e-05, class_token=False, num_reg_tokens=1, use_rot_pos_emb=True, use_abs_pos_emb=False,
        ref_feat_shape=(16, 16),
    ), **kwargs)


@register_model
def vit_betwixt_patch16_rope_reg4_gap_256(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=256, patch_size=16, embed_dim=640, depth=12, num_heads=10, qkv_fused=True, qkv_bias=True,
        init_values=1e-05, class_token=False, num_reg_tokens=4, use_rot_pos_emb=True, use_abs_pos_emb=False,
        ref_feat_shape=(16, 16),
    ), **kwargs)


@register_model
def vit_base_patch16_rope_reg1_gap_256(**kwargs: Any) -> Eva:
    return _eva(dict(
        img_size=256, patch_size=16, embed_dim=768, depth=12, num_heads=12, qkv_fused=True, qkv_bias=True,
        init_values=1e-05, class_token=False, num_reg_tokens=1, use_rot_pos_emb=True, use_abs_pos_emb=False,
        ref_feat_shape=(16, 16),
    ), **kwargs)


@register_model
def vit_pe_core_tiny_patch16_384(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=192, depth=12, num_heads=3, mlp_ratio=4.0, global_pool='map',
        attn_type='rope', use_pre_transformer_norm=True, use_rot_pos_emb=True, ref_feat_shape=(24, 24),
        rope_grid_offset=1.0, rope_grid_indexing='xy', attn_pool_num_heads=8, attn_pool_mlp_ratio=4.0,
        norm_layer=_ln(1e-05), img_size=384, num_classes=512,
    ), **kwargs)


@register_model
def vit_pe_core_small_patch16_384(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=384, depth=12, num_heads=6, mlp_ratio=4.0, global_pool='map',
        attn_type='rope', use_pre_transformer_norm=True, use_rot_pos_emb=True, ref_feat_shape=(24, 24),
        rope_grid_offset=1.0, rope_grid_indexing='xy', attn_pool_num_heads=8, attn_pool_mlp_ratio=4.0,
        norm_layer=_ln(1e-05), img_size=384, num_classes=512,
    ), **kwargs)


@register_model
def vit_pe_core_base_patch16_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, mlp_ratio=4.0, global_pool='map',
        attn_type='rope', use_pre_transformer_norm=True, use_rot_pos_emb=True, ref_feat_shape=(14, 14),
        rope_grid_offset=1.0, rope_grid_indexing='xy', attn_pool_num_heads=8, attn_pool_mlp_ratio=4.0,
        norm_layer=_ln(1e-05), num_classes=1024,
    ), **kwargs)


@register_model
def vit_pe_core_large_patch14_336(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=14, embed_dim=1024, depth=24, num_heads=16, mlp_ratio=4.0, global_pool='map',
        attn_type='rope', use_pre_transformer_norm=True, use_rot_pos_emb=True, ref_feat_shape=(24, 24),
        rope_grid_offset=1.0, rope_grid_indexing='xy', attn_pool_num_heads=8, attn_pool_mlp_ratio=4.0,
        norm_layer=_ln(1e-05), img_size=336, num_classes=1024,
    ), **kwargs)


@register_model
def vit_pe_core_gigantic_patch14_448(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=14, embed_dim=1536, depth=50, num_heads=16, mlp_ratio=8960 / 1536, global_pool='map',
        attn_type='rope', class_token=False, use_pre_transformer_norm=True, use_rot_pos_emb=True,
        ref_feat_shape=(32, 32), rope_grid_indexing='xy', attn_pool_num_heads=8, attn_pool_mlp_ratio=4.0,
        norm_layer=_ln(1e-05), img_size=448, num_classes=1280,
    ), **kwargs)


@register_model
def vit_pe_lang_large_patch14_448(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=14, embed_dim=1024, depth=23, num_heads=16, mlp_ratio=4.0, attn_type='rope',
        class_token=True, use_rot_pos_emb=True, ref_feat_shape=(32, 32), rope_grid_offset=1.0,
        rope_grid_indexing='xy', use_pre_transformer_norm=True, use_post_transformer_norm=False,
        use_fc_norm=False, init_values=0.1, norm_layer=_ln(1e-05), img_size=448, num_classes=0,
    ), **kwargs)


@register_model
def vit_pe_lang_gigantic_patch14_448(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=14, embed_dim=1536, depth=47, num_heads=16, mlp_ratio=8960 / 1536, attn_type='rope',
        class_token=False, use_rot_pos_emb=True, ref_feat_shape=(32, 32), rope_grid_indexing='xy',
        use_pre_transformer_norm=True, use_post_transformer_norm=False, use_fc_norm=False, init_values=0.1,
        norm_layer=_ln(1e-05), img_size=448, num_classes=0,
    ), **kwargs)


@register_model
def vit_pe_spatial_tiny_patch16_512(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=192, depth=12, num_heads=3, mlp_ratio=4.0, attn_type='rope',
        use_pre_transformer_norm=True, use_post_transformer_norm=False, use_fc_norm=False,
        use_rot_pos_emb=True, ref_feat_shape=(32, 32), rope_grid_offset=1.0, rope_grid_indexing='xy',
        norm_layer=_ln(1e-05), img_size=512, num_classes=0,
    ), **kwargs)


@register_model
def vit_pe_spatial_small_patch16_512(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=384, depth=12, num_heads=6, mlp_ratio=4.0, attn_type='rope',
        use_pre_transformer_norm=True, use_post_transformer_norm=False, use_fc_norm=False,
        use_rot_pos_emb=True, ref_feat_shape=(32, 32), rope_grid_offset=1.0, rope_grid_indexing='xy',
        norm_layer=_ln(1e-05), img_size=512, num_classes=0,
    ), **kwargs)


@register_model
def vit_pe_spatial_base_patch16_512(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, mlp_ratio=4.0, attn_type='rope',
        use_pre_transformer_norm=True, use_post_transformer_norm=False, use_fc_norm=False,
        use_rot_pos_emb=True, ref_feat_shape=(32, 32), rope_grid_offset=1.0, rope_grid_indexing='xy',
        norm_layer=_ln(1e-05), img_size=512, num_classes=0,
    ), **kwargs)


@register_model
def vit_pe_spatial_large_patch14_448(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=14, embed_dim=1024, depth=24, num_heads=16, mlp_ratio=4.0, attn_type='rope',
        use_pre_transformer_norm=True, use_post_transformer_norm=False, use_fc_norm=False,
        use_rot_pos_emb=True, ref_feat_shape=(32, 32), rope_grid_offset=1.0, rope_grid_indexing='xy',
        norm_layer=_ln(1e-05), img_size=448, num_classes=0,
    ), **kwargs)


@register_model
def vit_pe_spatial_gigantic_patch14_448(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=14, embed_dim=1536, depth=50, num_heads=16, mlp_ratio=8960 / 1536, attn_type='rope',
        class_token=False, use_rot_pos_emb=True, ref_feat_shape=(32, 32), rope_grid_indexing='xy',
        use_pre_transformer_norm=True, use_post_transformer_norm=False, use_fc_norm=False, init_values=0.1,
        norm_layer=_ln(1e-05), img_size=448, num_classes=0,
    ), **kwargs)


@register_model
def vit_small_patch16_rope_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=384, depth=12, num_heads=6, mlp_ratio=4, attn_type='rope', qkv_bias=True,
        init_values=1e-05, class_token=True, global_pool='token', use_abs_pos_emb=False,
        use_rot_pos_emb=True, rope_grid_indexing='xy', rope_temperature=100.0,
    ), **kwargs)


@register_model
def vit_base_patch16_rope_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, mlp_ratio=4, attn_type='rope',
        use_fc_norm=False, qkv_bias=True, init_values=1e-05, class_token=True, global_pool='token',
        use_abs_pos_emb=False, use_rot_pos_emb=True, rope_grid_indexing='xy', rope_temperature=100.0,
    ), **kwargs)


@register_model
def vit_large_patch16_rope_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=1024, depth=24, num_heads=16, mlp_ratio=4, attn_type='rope', qkv_bias=True,
        init_values=1e-05, class_token=True, global_pool='token', use_abs_pos_emb=False,
        use_rot_pos_emb=True, rope_grid_indexing='xy', rope_temperature=100.0,
    ), **kwargs)


@register_model
def vit_small_patch16_rope_mixed_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=384, depth=12, num_heads=6, mlp_ratio=4, attn_type='rope', qkv_bias=True,
        init_values=1e-05, class_token=True, global_pool='token', use_abs_pos_emb=False,
        use_rot_pos_emb=True, rope_grid_indexing='xy', rope_temperature=10.0, rope_type='mixed',
    ), **kwargs)


@register_model
def vit_base_patch16_rope_mixed_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, mlp_ratio=4, qkv_bias=True, attn_type='rope',
        init_values=1e-05, class_token=True, global_pool='token', use_abs_pos_emb=False,
        use_rot_pos_emb=True, rope_grid_indexing='xy', rope_temperature=10.0, rope_type='mixed',
    ), **kwargs)


@register_model
def vit_large_patch16_rope_mixed_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=1024, depth=24, num_heads=16, mlp_ratio=4, attn_type='rope', qkv_bias=True,
        init_values=1e-05, class_token=True, global_pool='token', use_abs_pos_emb=False,
        use_rot_pos_emb=True, rope_grid_indexing='xy', rope_temperature=10.0, rope_type='mixed',
    ), **kwargs)


@register_model
def vit_small_patch16_rope_ape_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=384, depth=12, num_heads=6, mlp_ratio=4, attn_type='rope', qkv_bias=True,
        init_values=1e-05, class_token=True, global_pool='token', no_embed_class=True, use_abs_pos_emb=True,
        use_rot_pos_emb=True, rope_grid_indexing='xy', rope_temperature=100.0,
    ), **kwargs)


@register_model
def vit_base_patch16_rope_ape_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, mlp_ratio=4, attn_type='rope', qkv_bias=True,
        init_values=1e-05, class_token=True, global_pool='token', no_embed_class=True, use_abs_pos_emb=True,
        use_rot_pos_emb=True, rope_grid_indexing='xy', rope_temperature=100.0,
    ), **kwargs)


@register_model
def vit_large_patch16_rope_ape_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=1024, depth=24, num_heads=16, mlp_ratio=4, attn_type='rope', qkv_bias=True,
        init_values=1e-05, class_token=True, global_pool='token', no_embed_class=True, use_abs_pos_emb=True,
        use_rot_pos_emb=True, rope_grid_indexing='xy', rope_temperature=100.0,
    ), **kwargs)


@register_model
def vit_small_patch16_rope_mixed_ape_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=384, depth=12, num_heads=6, mlp_ratio=4, attn_type='rope', qkv_bias=True,
        init_values=1e-05, class_token=True, global_pool='token', no_embed_class=True, use_abs_pos_emb=True,
        use_rot_pos_emb=True, rope_grid_indexing='xy', rope_temperature=10.0, rope_type='mixed',
    ), **kwargs)


@register_model
def vit_base_patch16_rope_mixed_ape_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, mlp_ratio=4, attn_type='rope', qkv_bias=True,
        init_values=1e-05, class_token=True, global_pool='token', no_embed_class=True, use_abs_pos_emb=True,
        use_rot_pos_emb=True, rope_grid_indexing='xy', rope_temperature=10.0, rope_type='mixed',
    ), **kwargs)


@register_model
def vit_large_patch16_rope_mixed_ape_224(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, embed_dim=1024, depth=24, num_heads=16, mlp_ratio=4, attn_type='rope', qkv_bias=True,
        init_values=1e-05, class_token=True, global_pool='token', no_embed_class=True, use_abs_pos_emb=True,
        use_rot_pos_emb=True, rope_grid_indexing='xy', rope_temperature=10.0, rope_type='mixed',
    ), **kwargs)


@register_model
def vit_tiny_patch16_dinov3_qkvb(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=192, depth=12, num_heads=3, qkv_bias=True,
        init_values=1e-05, rope_type='dinov3', rope_temperature=100, rope_rotate_half=True,
        use_rot_pos_emb=True, use_abs_pos_emb=False, num_reg_tokens=4, use_fc_norm=False,
        norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_small_patch16_dinov3(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=384, depth=12, num_heads=6, qkv_bias=False,
        init_values=1e-05, rope_type='dinov3', rope_temperature=100, rope_rotate_half=True,
        use_rot_pos_emb=True, use_abs_pos_emb=False, num_reg_tokens=4, use_fc_norm=False,
        norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_small_patch16_dinov3_qkvb(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=384, depth=12, num_heads=6, qkv_bias=True,
        init_values=1e-05, rope_type='dinov3', rope_temperature=100, rope_rotate_half=True,
        use_rot_pos_emb=True, use_abs_pos_emb=False, num_reg_tokens=4, use_fc_norm=False,
        norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_small_plus_patch16_dinov3(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=384, depth=12, num_heads=6, qkv_bias=False,
        init_values=1e-05, rope_type='dinov3', rope_temperature=100, rope_rotate_half=True,
        use_rot_pos_emb=True, use_abs_pos_emb=False, swiglu_mlp=True, swiglu_align_to=8, num_reg_tokens=4,
        use_fc_norm=False, norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_small_plus_patch16_dinov3_qkvb(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=384, depth=12, num_heads=6, qkv_bias=True,
        init_values=1e-05, rope_type='dinov3', rope_temperature=100, rope_rotate_half=True,
        use_rot_pos_emb=True, use_abs_pos_emb=False, swiglu_mlp=True, swiglu_align_to=8, num_reg_tokens=4,
        use_fc_norm=False, norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch16_dinov3(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=768, depth=12, num_heads=12, qkv_bias=False,
        init_values=1e-05, rope_type='dinov3', rope_temperature=100, rope_rotate_half=True,
        use_rot_pos_emb=True, use_abs_pos_emb=False, num_reg_tokens=4, use_fc_norm=False,
        norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch16_dinov3_qkvb(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=768, depth=12, num_heads=12, qkv_bias=True,
        init_values=1e-05, rope_type='dinov3', rope_temperature=100, rope_rotate_half=True,
        use_rot_pos_emb=True, use_abs_pos_emb=False, num_reg_tokens=4, use_fc_norm=False,
        norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_large_patch16_dinov3(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=1024, depth=24, num_heads=16, qkv_bias=False,
        init_values=1e-05, rope_type='dinov3', rope_temperature=100, use_rot_pos_emb=True,
        use_abs_pos_emb=False, rope_rotate_half=True, num_reg_tokens=4, use_fc_norm=False,
        norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_large_patch16_dinov3_qkvb(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=1024, depth=24, num_heads=16, qkv_bias=True,
        init_values=1e-05, rope_type='dinov3', rope_temperature=100, use_rot_pos_emb=True,
        use_abs_pos_emb=False, rope_rotate_half=True, num_reg_tokens=4, use_fc_norm=False,
        norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_huge_plus_patch16_dinov3(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=1280, depth=32, num_heads=20, qkv_bias=False,
        init_values=1e-05, rope_type='dinov3', rope_temperature=100, use_rot_pos_emb=True,
        use_abs_pos_emb=False, rope_rotate_half=True, swiglu_mlp=True, swiglu_align_to=8, num_reg_tokens=4,
        use_fc_norm=False, norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_huge_plus_patch16_dinov3_qkvb(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=1280, depth=32, num_heads=20, qkv_bias=True,
        init_values=1e-05, rope_type='dinov3', rope_temperature=100, use_rot_pos_emb=True,
        use_abs_pos_emb=False, rope_rotate_half=True, swiglu_mlp=True, swiglu_align_to=8, num_reg_tokens=4,
        use_fc_norm=False, norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_7b_patch16_dinov3(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=4096, depth=40, num_heads=32, qkv_bias=False,
        mlp_ratio=2, init_values=1e-05, rope_type='dinov3', rope_temperature=100, use_rot_pos_emb=True,
        use_abs_pos_emb=False, rope_rotate_half=True, swiglu_mlp=True, swiglu_align_to=64, num_reg_tokens=4,
        use_fc_norm=False, norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_small_patch16_lingbot(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=384, depth=12, num_heads=6, qkv_bias=True,
        global_pool='token', init_values=1e-05, rope_type='dinov3', rope_temperature=100,
        rope_rotate_half=True, use_rot_pos_emb=True, use_abs_pos_emb=False, num_reg_tokens=4,
        use_fc_norm=False, norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch16_lingbot(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=768, depth=12, num_heads=12, qkv_bias=True,
        global_pool='token', init_values=1e-05, rope_type='dinov3', rope_temperature=100,
        rope_rotate_half=True, use_rot_pos_emb=True, use_abs_pos_emb=False, num_reg_tokens=4,
        use_fc_norm=False, norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_large_patch16_lingbot(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=1024, depth=24, num_heads=16, qkv_bias=True,
        global_pool='token', init_values=1e-05, rope_type='dinov3', rope_temperature=100,
        rope_rotate_half=True, use_rot_pos_emb=True, use_abs_pos_emb=False, num_reg_tokens=4,
        use_fc_norm=False, norm_layer=_ln(1e-05), num_classes=0,
    ), **kwargs)


@register_model
def vit_giant_patch16_lingbot(**kwargs: Any) -> Eva:
    return _eva(dict(
        patch_size=16, dynamic_img_size=True, embed_dim=1536, depth=40, num_heads=24, qkv_bias=False,
        global_pool='token', mlp_ratio=4 * 2 / 3, init_values=1e-05, rope_type='dinov3',
        rope_temperature=100, use_rot_pos_emb=True, use_abs_pos_emb=False, rope_rotate_half=True,
        swiglu_mlp=True, swiglu_align_to=8, num_reg_tokens=4, use_fc_norm=False, norm_layer=_ln(1e-05),
        num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch16_sapiens2(**kwargs: Any) -> Eva:
    return _eva(_sapiens2(embed_dim=768, depth=12, num_heads=12, num_kv_heads=6, num_classes=0), **kwargs)


@register_model
def vit_large_patch16_sapiens2(**kwargs: Any) -> Eva:
    return _eva(_sapiens2(embed_dim=1024, depth=24, num_heads=16, num_kv_heads=8, num_classes=0), **kwargs)


@register_model
def vit_huge_patch16_sapiens2(**kwargs: Any) -> Eva:
    return _eva(_sapiens2(embed_dim=1280, depth=32, num_heads=16, num_kv_heads=8, num_classes=0), **kwargs)


@register_model
def vit_giant_patch16_sapiens2(**kwargs: Any) -> Eva:
    return _eva(_sapiens2(embed_dim=1536, depth=40, num_heads=24, num_kv_heads=12, num_classes=0), **kwargs)


@register_model
def vit_5b_patch16_sapiens2(**kwargs: Any) -> Eva:
    return _eva(_sapiens2(embed_dim=2432, depth=56, num_heads=32, num_kv_heads=16, num_classes=0), **kwargs)
