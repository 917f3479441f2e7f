"""Vision Transformer (Dosovitskiy et al. 2020) and the ViT variants timm keeps in `vision_transformer.py`.

Module and parameter names follow timm's `vision_transformer.py`, so its checkpoints load
strictly. One class covers every variant through its options:

- tokens: class token, register tokens (`reg_tokens`, Darcet et al. 2023), learned absolute position
  embedding over the patches only (`no_embed_class`, DeiT-3 / big_vision) or over all tokens;
- pooling: class token, 'avg' / 'max' / 'avgmax' over the patch tokens, multi-head attention pooling
  ('map', SigLIP), or none; `fc_norm` moves the final norm after the pooling;
- blocks (`block_fn`): pre-norm `Block` (optionally layer-scaled, `init_values`), `ResPostBlock`
  (norm after each branch), `ParallelScalingBlock` (ViT-22B: attention and MLP from one projection),
  `DiffParallelScalingBlock`, `ParallelThingsBlock` (two attention and two MLP branches side by side);
- attention (`attn_layer`): standard or differential ('diff'); `qk_norm`, `scale_attn_norm`;
- MLP (`mlp_layer`): 'mlp', 'swiglu' (separate gate), 'swiglu_packed' (DINOv2 giant); `scale_mlp_norm`;
- norms: LayerNorm (eps 1e-6 unless given) or RmsNorm (`norm_layer='rmsnorm'`), a norm in the patch
  embedding (`embed_norm_layer`, AIMv2), before the blocks (`pre_norm`, CLIP) and after them (`final_norm`).

Families of weights built from these: ViT (augreg, orig, sam, dino, miil), DeiT-3 (in deit.py), DINOv2,
CLIP / OpenCLIP / MetaCLIP / DFN / TinyCLIP image towers, SigLIP / SigLIP 2, EVA, FlexiViT, AIMv2, BEiT-3,
InternViT, RADIO, TIPSv2 and timm's own `reg*_gap` / `so150m` models.

QuickGELU and the `.openai` tags. OpenAI trained CLIP with QuickGELU (x * sigmoid(1.702 x)).
timm 1.0.31 keeps the activation in the architecture, not in the tag: `vit_*_clip_224` use
GELU, and separate architectures `vit_*_clip_quickgelu_224` use QuickGELU. Both list an
`.openai` tag and both load the same hub repository (e.g. `timm/vit_base_patch16_clip_224.openai`).
imgzoo mirrors this exactly, so every name timm accepts builds the same network here.

Position embeddings: weights for another input size are resampled on load (bicubic, antialiased; bilinear
for FlexiViT and RADIO, as timm does), prefix tokens kept, by `adapt_pretrained_state_dict`; with
`dynamic_img_size=True` they are resampled at run time for each input size.
"""
from __future__ import annotations

import math
from collections import OrderedDict
from functools import partial
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, Type, Union

import torch
from torch import nn

from ..errors import InvalidModelArgsError, StateDictMismatchError
from ..features import check_output_fmt, feature_take_indices
from ..layers import DropPath, Mlp, check_fraction, check_num_classes, create_act
from ..layers.attention import Attention
from ..layers.attention_pool import AttentionPoolLatent
from ..layers.diff_attention import DiffAttention, diff_attention_lambda
from ..layers.glu import GluMlp, SwiGLU, SwiGLUPacked
from ..layers.layer_scale import LayerScale
from ..layers.patch_dropout import PatchDropout
from ..layers.patch_embed import PatchEmbed, resample_patch_embed
from ..layers.pos_embed import infer_square_grid, resample_abs_pos_embed
from ..layers.rms_norm import RmsNorm
from ..layers.weight_init import check_weight_init, head_bias_for, init_vit_module, named_apply, trunc_normal_
from ..registry import register_model
from ._base import ImgzooModel, checkpoint, checkpoint_seq

NormLayer = Callable[[int], nn.Module]
ActLayer = Union[str, Callable[..., nn.Module]]
GLOBAL_POOL_TYPES = ('', 'avg', 'avgmax', 'max', 'token', 'map')
OUTPUT_FORMATS = ('NCHW', 'NLC')


def _ln(eps: float) -> NormLayer:
    return partial(nn.LayerNorm, eps=eps)


def _rms(eps: float) -> NormLayer:
    return partial(RmsNorm, eps=eps)


NORM_LAYERS: Dict[str, NormLayer] = {'layernorm': _ln(1e-6), 'rmsnorm': RmsNorm}
MLP_LAYERS: Dict[str, Type[nn.Module]] = {'mlp': Mlp, 'swiglu': SwiGLU, 'swiglu_packed': SwiGLUPacked, 'glu': GluMlp}
ATTN_LAYERS: Dict[str, Type[nn.Module]] = {'': Attention, 'attn': Attention, 'diff': DiffAttention}


def _lookup(kind: str, value: Any, table: Dict[str, Any], default: Any) -> Any:
    if value is None:
        return default
    if isinstance(value, str):
        if value not in table:
            raise InvalidModelArgsError(f"Unknown {kind} {value!r}; known: {sorted(table)} (or a module class).")
        return table[value]
    if callable(value):
        return value
    raise InvalidModelArgsError(f"{kind} must be a name from {sorted(table)} or a module class, got {value!r}.")


def _create_attn(
    attn_layer: Union[str, Type[nn.Module]], dim: int, num_heads: int, qkv_bias: bool, qk_norm: bool,
    scale_norm: bool, proj_bias: bool, attn_drop: float, proj_drop: float, norm_layer: NormLayer, depth: int,
) -> nn.Module:
    cls = _lookup('attn_layer', attn_layer, ATTN_LAYERS, Attention)
    kwargs: Dict[str, Any] = dict(depth=depth) if issubclass(cls, DiffAttention) else {}
    return cls(dim, num_heads=num_heads, qkv_bias=qkv_bias, qk_norm=qk_norm, scale_norm=scale_norm,
               proj_bias=proj_bias, attn_drop=attn_drop, proj_drop=proj_drop, norm_layer=norm_layer, **kwargs)


def _create_mlp(
    mlp_layer: Union[str, Type[nn.Module]], dim: int, mlp_ratio: float, act_layer: ActLayer,
    norm_layer: Optional[NormLayer], bias: bool, drop: float,
) -> nn.Module:
    cls = _lookup('mlp_layer', mlp_layer, MLP_LAYERS, Mlp)
    return cls(dim, hidden_features=int(dim * mlp_ratio), act_layer=act_layer, norm_layer=norm_layer, bias=bias,
               drop=drop)


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(norm1(x)), then x + mlp(norm2(x)), each optionally layer-scaled."""

    def __init__(
        self, dim: int, num_heads: int, mlp_ratio: float = 4.0, qkv_bias: bool = False, qk_norm: bool = False,
        scale_attn_norm: bool = False, scale_mlp_norm: bool = False, proj_bias: bool = True, proj_drop: float = 0.0,
        attn_drop: float = 0.0, init_values: Optional[float] = None, drop_path: float = 0.0,
        act_layer: ActLayer = 'gelu', norm_layer: NormLayer = nn.LayerNorm,
        mlp_layer: Union[str, Type[nn.Module]] = Mlp, attn_layer: Union[str, Type[nn.Module]] = Attention,
        depth: int = 0,
    ) -> None:
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = _create_attn(attn_layer, dim, num_heads, qkv_bias, qk_norm, scale_attn_norm, proj_bias,
                                 attn_drop, proj_drop, norm_layer, depth)
        self.ls1 = LayerScale(dim, init_values) if init_values else nn.Identity()
        self.drop_path1 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.norm2 = norm_layer(dim)
        self.mlp = _create_mlp(mlp_layer, dim, mlp_ratio, act_layer, norm_layer if scale_mlp_norm else None,
                               proj_bias, proj_drop)
        self.ls2 = LayerScale(dim, init_values) if init_values else nn.Identity()
        self.drop_path2 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path1(self.ls1(self.attn(self.norm1(x))))
        return x + self.drop_path2(self.ls2(self.mlp(self.norm2(x))))


class ResPostBlock(nn.Module):
    """Post-norm residual block: x + norm1(attn(x)), then x + norm2(mlp(x)); init_values sets the norm scales."""

    def __init__(
        self, dim: int, num_heads: int, mlp_ratio: float = 4.0, qkv_bias: bool = False, qk_norm: bool = False,
        scale_attn_norm: bool = False, scale_mlp_norm: bool = False, proj_bias: bool = True, proj_drop: float = 0.0,
        attn_drop: float = 0.0, init_values: Optional[float] = None, drop_path: float = 0.0,
        act_layer: ActLayer = 'gelu', norm_layer: NormLayer = nn.LayerNorm,
        mlp_layer: Union[str, Type[nn.Module]] = Mlp, attn_layer: Union[str, Type[nn.Module]] = Attention,
        depth: int = 0,
    ) -> None:
        super().__init__()
        self.init_values = init_values
        self.attn = _create_attn(attn_layer, dim, num_heads, qkv_bias, qk_norm, scale_attn_norm, proj_bias,
                                 attn_drop, proj_drop, norm_layer, depth)
        self.norm1 = norm_layer(dim)
        self.drop_path1 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.mlp = _create_mlp(mlp_layer, dim, mlp_ratio, act_layer, norm_layer if scale_mlp_norm else None,
                               proj_bias, proj_drop)
        self.norm2 = norm_layer(dim)
        self.drop_path2 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.init_weights()

    def init_weights(self) -> None:
        if self.init_values is not None:
            nn.init.constant_(self.norm1.weight, self.init_values)
            nn.init.constant_(self.norm2.weight, self.init_values)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path1(self.norm1(self.attn(x)))
        return x + self.drop_path2(self.norm2(self.mlp(x)))


class ParallelScalingBlock(nn.Module):
    """ViT-22B block (Dehghani et al. 2023): one input norm and projection feed attention and MLP in parallel.

    Keys: in_norm, in_proj (MLP fc1 and q, k, v stacked), mlp_bias (when qkv_bias is off), q_norm, k_norm,
    attn_out_proj + mlp_out_proj (or a fused out_proj), ls.
    """

    def __init__(
        self, dim: int, num_heads: int, mlp_ratio: float = 4.0, qkv_bias: bool = False, qk_norm: bool = False,
        scale_attn_norm: bool = False, scale_mlp_norm: bool = False, proj_bias: bool = True, proj_drop: float = 0.0,
        attn_drop: float = 0.0, init_values: Optional[float] = None, drop_path: float = 0.0,
        act_layer: ActLayer = 'gelu', norm_layer: NormLayer = nn.LayerNorm,
        mlp_layer: Union[str, Type[nn.Module], None] = None, attn_layer: Union[str, Type[nn.Module], None] = None,
        depth: int = 0, fuse_out_proj: bool = False,
    ) -> None:
        super().__init__()
        if dim % num_heads:
            raise InvalidModelArgsError(f"embed_dim ({dim}) must be divisible by num_heads ({num_heads}).")
        if scale_attn_norm or scale_mlp_norm:
            raise InvalidModelArgsError('ParallelScalingBlock has no scale norms; leave scale_attn_norm/scale_mlp_norm off.')
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        mlp_hidden_dim = int(mlp_ratio * dim)
        self.in_norm = norm_layer(dim)
        self.in_proj = nn.Linear(dim, mlp_hidden_dim + 3 * dim, bias=qkv_bias)
        self.in_split = [mlp_hidden_dim] + [dim] * 3
        if qkv_bias:
            self.register_parameter('mlp_bias', None)
        else:
            self.mlp_bias = nn.Parameter(torch.empty(mlp_hidden_dim))
        self.q_norm = norm_layer(self.head_dim) if qk_norm else nn.Identity()
        self.k_norm = norm_layer(self.head_dim) if qk_norm else nn.Identity()
        self.attn_drop = nn.Dropout(attn_drop)
        self.mlp_drop = nn.Dropout(proj_drop)
        self.mlp_act = create_act(act_layer)
        if fuse_out_proj:
            self.out_proj = nn.Linear(dim + mlp_hidden_dim, dim, bias=proj_bias)
            self.attn_out_proj = self.mlp_out_proj = None
        else:
            self.out_proj = None
            self.attn_out_proj = nn.Linear(dim, dim, bias=proj_bias)
            self.mlp_out_proj = nn.Linear(mlp_hidden_dim, dim, bias=proj_bias)
        self.ls = LayerScale(dim, init_values) if init_values is not None else nn.Identity()
        self.drop_path = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.mlp_bias is not None:
            nn.init.zeros_(self.mlp_bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_mlp, q, k, v = torch.split(self.in_proj(self.in_norm(x)), self.in_split, dim=-1)
        if self.mlp_bias is not None:
            x_mlp = x_mlp + self.mlp_bias
        q = self.q_norm(q.unflatten(-1, (self.num_heads, self.head_dim))).transpose(1, 2)
        k = self.k_norm(k.unflatten(-1, (self.num_heads, self.head_dim))).transpose(1, 2)
        v = v.unflatten(-1, (self.num_heads, self.head_dim)).transpose(1, 2)
        x_attn = nn.functional.scaled_dot_product_attention(
            q, k, v, dropout_p=self.attn_drop.p if self.training else 0.0).transpose(1, 2).flatten(2)
        x_mlp = self.mlp_drop(self.mlp_act(x_mlp))
        if self.out_proj is not None:
            y = self.out_proj(torch.cat((x_attn, x_mlp), dim=-1))
        else:
            y = self.attn_out_proj(x_attn) + self.mlp_out_proj(x_mlp)
        return x + self.drop_path(self.ls(y))


class DiffParallelScalingBlock(nn.Module):
    """ParallelScalingBlock with differential attention (keys as there, plus lambda_* and sub_norm; fused out_proj)."""

    def __init__(
        self, dim: int, num_heads: int, mlp_ratio: float = 4.0, qkv_bias: bool = False, qk_norm: bool = False,
        scale_attn_norm: bool = False, scale_mlp_norm: bool = False, proj_bias: bool = True, proj_drop: float = 0.0,
        attn_drop: float = 0.0, init_values: Optional[float] = None, drop_path: float = 0.0,
        act_layer: ActLayer = 'gelu', norm_layer: NormLayer = nn.LayerNorm,
        mlp_layer: Union[str, Type[nn.Module], None] = None, attn_layer: Union[str, Type[nn.Module], None] = None,
        depth: int = 0, dual_lambda: bool = False,
    ) -> None:
        super().__init__()
        if dim % (2 * num_heads):
            raise InvalidModelArgsError(f"embed_dim ({dim}) must be divisible by 2 * num_heads ({2 * num_heads}).")
        if scale_attn_norm or scale_mlp_norm:
            raise InvalidModelArgsError('DiffParallelScalingBlock has no scale norms; leave scale_attn_norm/scale_mlp_norm off.')
        self.num_heads = num_heads
        self.head_dim = dim // num_heads // 2
        mlp_hidden_dim = int(mlp_ratio * dim)
        self.in_norm = norm_layer(dim)
        self.in_proj = nn.Linear(dim, mlp_hidden_dim + 3 * dim, bias=qkv_bias)
        self.in_split = [mlp_hidden_dim] + [dim] * 3
        if qkv_bias:
            self.register_parameter('mlp_bias', None)
        else:
            self.mlp_bias = nn.Parameter(torch.empty(mlp_hidden_dim))
        self.q_norm = norm_layer(self.head_dim) if qk_norm else nn.Identity()
        self.k_norm = norm_layer(self.head_dim) if qk_norm else nn.Identity()
        self.attn_drop = nn.Dropout(attn_drop)
        self.sub_norm = RmsNorm(2 * self.head_dim, eps=1e-5)
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
        self.mlp_drop = nn.Dropout(proj_drop)
        self.mlp_act = create_act(act_layer)
        self.out_proj = nn.Linear(dim + mlp_hidden_dim, dim, bias=proj_bias)
        self.ls = LayerScale(dim, init_values) if init_values is not None else nn.Identity()
        self.drop_path = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.lambda_init = 0.8 - 0.6 * math.exp(-0.3 * depth)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.mlp_bias is not None:
            nn.init.zeros_(self.mlp_bias)
        if self.dual_lambda:
            nn.init.zeros_(self.lambda_a)
            nn.init.zeros_(self.lambda_b)
        else:
            for p in (self.lambda_q1, self.lambda_k1, self.lambda_q2, self.lambda_k2):
                nn.init.normal_(p, mean=0.0, std=0.1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_mlp, q, k, v = torch.split(self.in_proj(self.in_norm(x)), self.in_split, dim=-1)
        if self.mlp_bias is not None:
            x_mlp = x_mlp + self.mlp_bias
        q = q.unflatten(-1, (2 * self.num_heads, self.head_dim)).transpose(1, 2)
        k = k.unflatten(-1, (2 * self.num_heads, self.head_dim)).transpose(1, 2)
        v = v.unflatten(-1, (self.num_heads, 2 * self.head_dim)).transpose(1, 2)
        q, k = self.q_norm(q), self.k_norm(k)
        lambda_full = diff_attention_lambda(self).type_as(q)
        q1, q2 = q.unflatten(1, (self.num_heads, 2)).unbind(2)
        k1, k2 = k.unflatten(1, (self.num_heads, 2)).unbind(2)
        dropout_p = self.attn_drop.p if self.training else 0.0
        sdpa = nn.functional.scaled_dot_product_attention
        x_attn = sdpa(q1, k1, v, dropout_p=dropout_p) - lambda_full * sdpa(q2, k2, v, dropout_p=dropout_p)
        x_attn = (self.sub_norm(x_attn) * (1 - self.lambda_init)).transpose(1, 2).flatten(2)
        x_mlp = self.mlp_drop(self.mlp_act(x_mlp))
        y = self.out_proj(torch.cat((x_attn, x_mlp), dim=-1))
        return x + self.drop_path(self.ls(y))


class ParallelThingsBlock(nn.Module):
    """Touvron et al. 2022 ('Three things'): num_parallel attention branches summed, then as many MLP branches.

    Keys: attns.{i}.{norm, attn, ls}, ffns.{i}.{norm, mlp, ls}.
    """

    def __init__(
        self, dim: int, num_heads: int, num_parallel: int = 2, mlp_ratio: float = 4.0, qkv_bias: bool = False,
        qk_norm: bool = False, scale_attn_norm: bool = False, scale_mlp_norm: bool = False, proj_bias: bool = True,
        init_values: Optional[float] = None, proj_drop: float = 0.0, attn_drop: float = 0.0, drop_path: float = 0.0,
        act_layer: ActLayer = 'gelu', norm_layer: NormLayer = nn.LayerNorm,
        mlp_layer: Union[str, Type[nn.Module]] = Mlp, attn_layer: Union[str, Type[nn.Module]] = Attention,
        depth: int = 0,
    ) -> None:
        super().__init__()
        self.num_parallel = num_parallel
        self.attns = nn.ModuleList()
        self.ffns = nn.ModuleList()
        for _ in range(num_parallel):
            self.attns.append(nn.Sequential(OrderedDict([
                ('norm', norm_layer(dim)),
                ('attn', _create_attn(attn_layer, dim, num_heads, qkv_bias, qk_norm, scale_attn_norm, proj_bias,
                                      attn_drop, proj_drop, norm_layer, depth)),
                ('ls', LayerScale(dim, init_values) if init_values else nn.Identity()),
                ('drop_path', DropPath(drop_path) if drop_path > 0.0 else nn.Identity()),
            ])))
            self.ffns.append(nn.Sequential(OrderedDict([
                ('norm', norm_layer(dim)),
                ('mlp', _create_mlp(mlp_layer, dim, mlp_ratio, act_layer, norm_layer if scale_mlp_norm else None,
                                    proj_bias, proj_drop)),
                ('ls', LayerScale(dim, init_values) if init_values else nn.Identity()),
                ('drop_path', DropPath(drop_path) if drop_path > 0.0 else nn.Identity()),
            ])))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + torch.stack([attn(x) for attn in self.attns]).sum(dim=0)
        return x + torch.stack([ffn(x) for ffn in self.ffns]).sum(dim=0)


BLOCKS: Dict[str, Type[nn.Module]] = {
    'block': Block, 'res_post': ResPostBlock, 'parallel_scaling': ParallelScalingBlock,
    'diff_parallel_scaling': DiffParallelScalingBlock, 'parallel_things': ParallelThingsBlock,
}


def global_pool_nlc(
    x: torch.Tensor, pool_type: str = 'token', num_prefix_tokens: int = 1, reduce_include_prefix: bool = False,
) -> torch.Tensor:
    """Pool (B, N, C) tokens: 'token' takes the first, 'avg'/'max'/'avgmax' reduce the patch tokens (all tokens
    with reduce_include_prefix), '' keeps all."""
    if not pool_type:
        return x
    if pool_type == 'token':
        return x[:, 0]
    x = x if reduce_include_prefix else x[:, num_prefix_tokens:]
    if pool_type == 'avg':
        return x.mean(dim=1)
    if pool_type == 'max':
        return x.amax(dim=1)
    if pool_type == 'avgmax':
        return 0.5 * (x.amax(dim=1) + x.mean(dim=1))
    raise InvalidModelArgsError(f"global_pool must be one of {GLOBAL_POOL_TYPES}, got {pool_type!r}.")


@torch.fx.wrap
def _pos_embed_for_grid(
    pos_embed: torch.Tensor, x_nhwc: torch.Tensor, old_grid: Tuple[int, int], num_prefix_tokens: int,
) -> torch.Tensor:
    """pos_embed resampled to the (H, W) grid of x_nhwc (a torch.fx leaf: it reads concrete sizes)."""
    return resample_abs_pos_embed(pos_embed, (x_nhwc.shape[1], x_nhwc.shape[2]), old_size=old_grid,
                                  num_prefix_tokens=num_prefix_tokens)


def _init_linear(module: nn.Linear) -> None:
    nn.init.trunc_normal_(module.weight, std=0.02)
    if module.bias is not None:
        nn.init.zeros_(module.bias)


class VisionTransformer(ImgzooModel):
    """Vision Transformer with timm's token, pooling, block and normalisation options; see the module docstring."""

    num_dist_tokens = 0

    def __init__(
        self,
        img_size: Union[int, Tuple[int, int], List[int]] = 224,
        patch_size: Union[int, Tuple[int, int], List[int]] = 16,
        in_chans: int = 3,
        num_classes: int = 1000,
        global_pool: str = 'token',
        embed_dim: int = 768,
        depth: int = 12,
        num_heads: int = 12,
        mlp_ratio: float = 4.0,
        qkv_bias: bool = True,
        qk_norm: bool = False,
        scale_attn_norm: bool = False,
        scale_mlp_norm: bool = False,
        proj_bias: bool = True,
        init_values: Optional[float] = None,
        class_token: bool = True,
        pos_embed: str = 'learn',
        no_embed_class: bool = False,
        reg_tokens: int = 0,
        pre_norm: bool = False,
        final_norm: bool = True,
        fc_norm: Optional[bool] = None,
        pool_include_prefix: bool = False,
        dynamic_img_size: bool = False,
        dynamic_img_pad: bool = False,
        drop_rate: float = 0.0,
        pos_drop_rate: float = 0.0,
        patch_drop_rate: float = 0.0,
        proj_drop_rate: float = 0.0,
        attn_drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        weight_init: str = '',
        fix_init: bool = False,
        embed_layer: Callable[..., nn.Module] = PatchEmbed,
        embed_norm_layer: Union[str, NormLayer, None] = None,
        norm_layer: Union[str, NormLayer, None] = None,
        act_layer: Optional[ActLayer] = None,
        block_fn: Union[str, Type[nn.Module]] = Block,
        mlp_layer: Union[str, Type[nn.Module]] = Mlp,
        attn_layer: Union[str, Type[nn.Module]] = Attention,
    ) -> None:
        """
        Args:
            img_size: input size (int or (H, W)); sets the position-embedding grid.
            patch_size: patch size (int or (H, W)).
            global_pool: 'token' (class token), 'avg', 'max', 'avgmax' (patch tokens), 'map'
                (attention pooling) or '' (no pooling: forward_head returns all tokens).
            init_values: layer-scale initial value; None disables layer scale.
            class_token / reg_tokens: prepend a class token / this many register tokens.
            pos_embed: 'learn' (learned absolute position embedding) or 'none'.
            no_embed_class: position embeddings cover only the patch tokens.
            pre_norm: norm after the embeddings (`norm_pre`), as in CLIP; removes the patch-projection bias.
            final_norm / fc_norm: final norm on all tokens (`norm`) or, with fc_norm, after pooling
                (`fc_norm`); fc_norm=None enables it for 'avg', 'max' and 'avgmax' pooling.
            pool_include_prefix: pool over the prefix tokens too.
            dynamic_img_size: accept any input size divisible by the patch, resampling position embeddings.
            dynamic_img_pad: pad inputs bottom/right to a multiple of the patch size.
            patch_drop_rate: fraction of the patch tokens dropped in training (PatchDropout; prefix tokens kept).
            weight_init: random-init scheme: '' (timm's), 'jax', 'jax_nlhb' (head bias -log(num_classes)), 'moco',
                'reset' (tokens only) or 'skip' (none: for weights loaded next).
            fix_init: divide each block's attn.proj and mlp.fc2 weights by sqrt(2 * (index + 1)) after init.
            embed_layer: patch-embedding class, called as timm calls it (img_size, patch_size, in_chans,
                embed_dim, bias, dynamic_img_pad, and strict_img_size / output_fmt / norm_layer when used).
            embed_norm_layer: norm inside the patch embedding (`patch_embed.norm`).
            norm_layer: 'layernorm', 'rmsnorm' or a constructor (default LayerNorm, eps 1e-6).
            act_layer: MLP activation name or class (default GELU).
            block_fn / mlp_layer / attn_layer: block, MLP and attention types (classes or the names in
                BLOCKS, MLP_LAYERS, ATTN_LAYERS).
        """
        super().__init__()
        if global_pool not in GLOBAL_POOL_TYPES:
            raise InvalidModelArgsError(f"global_pool must be one of {GLOBAL_POOL_TYPES}, got {global_pool!r}.")
        if global_pool == 'token' and not class_token:
            raise InvalidModelArgsError(
                "global_pool='token' needs the class token; pass class_token=True or another global_pool "
                "('avg', 'map', ...)."
            )
        if pos_embed not in ('', 'none', 'learn'):
            raise InvalidModelArgsError(f"pos_embed must be 'learn' or 'none', got {pos_embed!r}.")
        if not isinstance(reg_tokens, int) or reg_tokens < 0:
            raise InvalidModelArgsError(f"reg_tokens must be a non-negative integer, got {reg_tokens!r}.")
        if not isinstance(depth, int) or depth < 0:
            raise InvalidModelArgsError(f"depth must be a non-negative integer, got {depth!r}.")
        if embed_dim % num_heads:
            raise InvalidModelArgsError(f"embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads}).")
        check_weight_init(weight_init)
        check_fraction('patch_drop_rate', patch_drop_rate, upper_open=True,
                       meaning='the fraction of patch tokens dropped in training')
        if not callable(embed_layer) or isinstance(embed_layer, str):
            raise InvalidModelArgsError(
                f"embed_layer must be a patch-embedding class (like imgzoo.layers.patch_embed.PatchEmbed), "
                f"got {embed_layer!r}.")
        use_fc_norm = global_pool in ('avg', 'avgmax', 'max') if fc_norm is None else fc_norm
        norm_layer = _lookup('norm_layer', norm_layer, NORM_LAYERS, _ln(1e-6))
        embed_norm_layer = _lookup('embed_norm_layer', embed_norm_layer, NORM_LAYERS, None)
        block_fn = _lookup('block_fn', block_fn, BLOCKS, Block)
        act_layer = act_layer or 'gelu'

        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.global_pool = global_pool
        self.num_features = self.head_hidden_size = self.embed_dim = embed_dim
        self.has_class_token = class_token
        self.num_reg_tokens = reg_tokens
        self.num_prefix_tokens = int(class_token) + reg_tokens + self.num_dist_tokens
        self.no_embed_class = no_embed_class
        self.pool_include_prefix = pool_include_prefix
        self.dynamic_img_size = dynamic_img_size
        self.drop_rate = drop_rate
        self.grad_checkpointing = False
        # how a checkpoint's position embedding / patch kernel is resampled on load (set per architecture)
        self.pretrained_resample: Dict[str, Any] = dict(interpolation='bicubic', antialias=True, align_corners=None)

        embed_args: Dict[str, Any] = dict(strict_img_size=False, output_fmt='NHWC') if dynamic_img_size else {}
        if embed_norm_layer is not None:
            embed_args['norm_layer'] = embed_norm_layer
        self.patch_embed = embed_layer(
            img_size=img_size, patch_size=patch_size, in_chans=in_chans, embed_dim=embed_dim, bias=not pre_norm,
            dynamic_img_pad=dynamic_img_pad, **embed_args,
        )
        missing = [a for a in ('num_patches', 'grid_size') if not hasattr(self.patch_embed, a)]
        if missing:
            raise InvalidModelArgsError(
                f"embed_layer {getattr(embed_layer, '__name__', embed_layer)!r} built a module without "
                f"{' and '.join(missing)}; a patch embedding needs num_patches and grid_size (as PatchEmbed has).")
        num_patches = self.patch_embed.num_patches
        reduction = self.patch_embed.feat_ratio() if hasattr(self.patch_embed, 'feat_ratio') else patch_size
        self.cls_token = nn.Parameter(torch.empty(1, 1, embed_dim)) if class_token else None
        self.reg_token = nn.Parameter(torch.empty(1, reg_tokens, embed_dim)) if reg_tokens else None
        embed_len = num_patches if no_embed_class else num_patches + self.num_prefix_tokens
        self.pos_embed = nn.Parameter(torch.empty(1, embed_len, embed_dim)) if pos_embed == 'learn' else None
        self.dist_token = nn.Parameter(torch.empty(1, 1, embed_dim)) if self.num_dist_tokens else None
        self.pos_drop = nn.Dropout(p=pos_drop_rate)
        self.patch_drop = PatchDropout(patch_drop_rate, num_prefix_tokens=self.num_prefix_tokens) \
            if patch_drop_rate > 0 else nn.Identity()
        self.norm_pre = norm_layer(embed_dim) if pre_norm else nn.Identity()

        drop_path_rates = [drop_path_rate * i / (depth - 1) if depth > 1 else 0.0 for i in range(depth)]
        self.blocks = nn.Sequential(*[
            block_fn(
                dim=embed_dim, num_heads=num_heads, mlp_ratio=mlp_ratio, qkv_bias=qkv_bias, qk_norm=qk_norm,
                scale_attn_norm=scale_attn_norm, scale_mlp_norm=scale_mlp_norm, proj_bias=proj_bias,
                init_values=init_values, proj_drop=proj_drop_rate, attn_drop=attn_drop_rate,
                drop_path=drop_path_rates[i], norm_layer=norm_layer, act_layer=act_layer, mlp_layer=mlp_layer,
                attn_layer=attn_layer, depth=i,
            )
            for i in range(depth)
        ])
        self.feature_info = [dict(module=f'blocks.{i}', num_chs=embed_dim, reduction=reduction) for i in range(depth)]
        self.norm = norm_layer(embed_dim) if final_norm and not use_fc_norm else nn.Identity()
        self.attn_pool = AttentionPoolLatent(
            embed_dim, num_heads=num_heads, mlp_ratio=mlp_ratio, norm_layer=norm_layer, act_layer=act_layer,
        ) if global_pool == 'map' else None
        self.fc_norm = norm_layer(embed_dim) if final_norm and use_fc_norm else nn.Identity()
        self.head_drop = nn.Dropout(drop_rate)
        self.head = self._new_head(self.num_classes, init=False)  # as timm: initialised with the rest below
        self.weight_init_mode = 'reset' if weight_init == 'skip' else weight_init
        self.fix_init = fix_init
        if fix_init and not all(hasattr(getattr(b, 'attn', None), 'proj') and hasattr(getattr(b, 'mlp', None), 'fc2')
                                for b in self.blocks):
            raise InvalidModelArgsError(
                "fix_init rescales each block's attn.proj and mlp.fc2; this block_fn has no such layers "
                "(use fix_init with 'block' or 'res_post' blocks).")
        if weight_init != 'skip':
            self.init_weights()

    @property
    def default_out_indices(self) -> int:
        """timm's features_only default for ViT: the last three blocks."""
        return 3

    def _new_head(self, num_classes: int, init: bool = True) -> nn.Module:
        if num_classes <= 0:
            return nn.Identity()
        head = nn.Linear(self.embed_dim, num_classes)
        if init:
            _init_linear(head)
        return head

    def init_weights(self, mode: str = '') -> None:
        """Initialise by the scheme mode (default: the weight_init the model was built with). timm's default:
        truncated normal (std 0.02) for position embeddings and Linear weights, zero biases, near-zero class and
        register tokens, and each block's own init (layer scale, GLU gates); see imgzoo.layers.weight_init for
        'jax', 'jax_nlhb', 'moco' and 'reset'. fix_init then rescales the residual projections."""
        mode = check_weight_init(mode or self.weight_init_mode)
        if self.dist_token is not None:
            trunc_normal_(self.dist_token, std=0.02)
        if self.pos_embed is not None:
            trunc_normal_(self.pos_embed, std=0.02)
        if self.cls_token is not None:
            nn.init.normal_(self.cls_token, std=1e-6)
        if self.reg_token is not None:
            nn.init.normal_(self.reg_token, std=1e-6)
        head_bias = head_bias_for(mode, self.num_classes)
        named_apply(lambda module, name: init_vit_module(module, name, mode, head_bias), self)
        if self.fix_init:
            self.fix_init_weight()

    def fix_init_weight(self) -> None:
        """Divide block i's attn.proj and mlp.fc2 weights by sqrt(2 * (i + 1)) (timm's fix_init)."""
        with torch.no_grad():
            for layer_id, block in enumerate(self.blocks):
                scale = math.sqrt(2.0 * (layer_id + 1))
                block.attn.proj.weight.div_(scale)
                block.mlp.fc2.weight.div_(scale)

    def init_new_module(self, name: str, module: nn.Module) -> None:
        """Initialise a module the checkpoint did not cover (a new classifier) as init_weights would."""
        if isinstance(module, nn.Linear):
            _init_linear(module)
        elif hasattr(module, 'init_weights'):
            module.init_weights()
        elif hasattr(module, 'reset_parameters'):
            module.reset_parameters()
        else:
            raise RuntimeError(f"imgzoo bug: no initialisation for {name} ({type(module).__name__}).")

    def adapt_pretrained_state_dict(self, state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """Fit a timm-layout checkpoint to this model's options.

        Resamples the position embedding to this model's patch grid (the checkpoint's grid is
        taken as square), resamples the patch kernel when patch_size differs, and drops the
        attention-pool weights when the model was built without one (timm loads those
        non-strictly too).
        """
        out = dict(state_dict)
        resample = self.pretrained_resample
        if self.attn_pool is None:
            out = {k: v for k, v in out.items() if not k.startswith('attn_pool.')}
        kernel = out.get('patch_embed.proj.weight')
        if kernel is not None and kernel.ndim == 4 and tuple(kernel.shape[-2:]) != self.patch_embed.patch_size:
            out['patch_embed.proj.weight'] = resample_patch_embed(
                kernel, self.patch_embed.patch_size, interpolation=resample['interpolation'],
                antialias=resample['antialias'])
        pos_embed = out.get('pos_embed')
        if (self.pos_embed is not None and pos_embed is not None and pos_embed.ndim == 3
                and pos_embed.shape[1] != self.pos_embed.shape[1]):
            num_prefix = 0 if self.no_embed_class else self.num_prefix_tokens
            old_grid = infer_square_grid(pos_embed.shape[1] - num_prefix)
            if old_grid is None:
                raise StateDictMismatchError(
                    type(self).__name__, mismatched=[('pos_embed', tuple(self.pos_embed.shape), tuple(pos_embed.shape))],
                )
            out['pos_embed'] = resample_abs_pos_embed(pos_embed, self.patch_embed.grid_size, old_grid, num_prefix,
                                                      **resample)
        return out

    def no_weight_decay(self) -> Set[str]:
        """Parameters that optimisers usually exclude from weight decay (timm's set)."""
        return {'pos_embed', 'cls_token', 'reg_token', 'dist_token'}

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
            if global_pool == 'token' and not self.has_class_token:
                raise InvalidModelArgsError("global_pool='token' needs the class token, which this model has not.")
            if global_pool == 'map' and self.attn_pool is None:
                raise InvalidModelArgsError(
                    "reset_classifier cannot add attention pooling; create the model with global_pool='map'."
                )
            if global_pool != 'map':
                self.attn_pool = None
            self.global_pool = global_pool
        self.num_classes = num_classes
        reference = self.patch_embed.proj.weight
        self.head = self._new_head(num_classes).to(device=reference.device, dtype=reference.dtype)
        self.head.train(self.training)

    def _prefix_tokens(self, batch: int) -> List[torch.Tensor]:
        tokens = []
        if self.cls_token is not None:
            tokens.append(self.cls_token.expand(batch, -1, -1))
        if self.reg_token is not None:
            tokens.append(self.reg_token.expand(batch, -1, -1))
        return tokens

    def _pos_embed(self, x: torch.Tensor) -> torch.Tensor:
        prefix = self._prefix_tokens(x.shape[0])
        if self.pos_embed is None:
            x = x.flatten(1, -2)
            return torch.cat(prefix + [x], dim=1) if prefix else x
        if self.dynamic_img_size:
            pos_embed = _pos_embed_for_grid(self.pos_embed, x, self.patch_embed.grid_size,
                                            0 if self.no_embed_class else self.num_prefix_tokens)
            x = x.flatten(1, 2)
        else:
            pos_embed = self.pos_embed
        if self.no_embed_class:
            x = x + pos_embed
            if prefix:
                x = torch.cat(prefix + [x], dim=1)
        else:
            if prefix:
                x = torch.cat(prefix + [x], dim=1)
            x = x + pos_embed
        return self.pos_drop(x)

    def _embed(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm_pre(self.patch_drop(self._pos_embed(self.patch_embed(x))))

    def forward_intermediates(
        self,
        x: torch.Tensor,
        indices: Union[int, List[int], None] = None,
        return_prefix_tokens: bool = False,
        norm: bool = False,
        stop_early: bool = False,
        output_fmt: str = 'NCHW',
        intermediates_only: bool = False,
        output_dict: bool = False,
    ) -> Union[List[Any], Tuple[torch.Tensor, List[Any]], Dict[str, Any]]:
        """Final features and the outputs of the blocks at indices (None all, int the last n, list those).

        Intermediates are NCHW maps of the patch tokens (output_fmt='NLC': token sequences without the
        prefix tokens); norm=True applies the final norm to each; return_prefix_tokens pairs each with its
        prefix tokens; output_dict returns timm's dict ('image_features', 'image_intermediates', ...).
        """
        check_output_fmt(output_fmt, OUTPUT_FORMATS)
        take_indices, max_index = feature_take_indices(len(self.blocks), indices)
        height, width = x.shape[-2], x.shape[-1]
        x = self._embed(x)
        blocks = self.blocks[:max_index + 1] if stop_early else self.blocks
        intermediates = []
        for i, block in enumerate(blocks):
            x = checkpoint(block, x) if self.grad_checkpointing else block(x)
            if i in take_indices:
                intermediates.append(self.norm(x) if norm else x)
        prefix_tokens = [y[:, :self.num_prefix_tokens] for y in intermediates] if self.num_prefix_tokens else None
        intermediates = [y[:, self.num_prefix_tokens:] for y in intermediates]
        if output_fmt == 'NCHW':
            grid = self.patch_embed.feat_size((height, width)) if self.dynamic_img_size \
                else self.patch_embed.grid_size
            intermediates = [y.unflatten(1, grid).permute(0, 3, 1, 2).contiguous() for y in intermediates]
        if output_dict:
            result: Dict[str, Any] = {'image_intermediates': intermediates}
            if prefix_tokens is not None and return_prefix_tokens:
                result['image_intermediates_prefix'] = prefix_tokens
            if not intermediates_only:
                result['image_features'] = self.norm(x)
            return result
        if return_prefix_tokens and prefix_tokens is not None:
            intermediates = list(zip(intermediates, prefix_tokens))
        if intermediates_only:
            return intermediates
        return self.norm(x), intermediates

    def get_intermediate_layers(
        self, x: torch.Tensor, n: Union[int, List[int], Tuple[int, ...]] = 1, reshape: bool = False,
        return_prefix_tokens: bool = False, norm: bool = False,
    ) -> List[Any]:
        """The DINO-style interface: outputs of the last n blocks (or those listed), NCHW with reshape."""
        return self.forward_intermediates(  # type: ignore[return-value]
            x, list(n) if isinstance(n, tuple) else n, return_prefix_tokens=return_prefix_tokens, norm=norm,
            output_fmt='NCHW' if reshape else 'NLC', intermediates_only=True,
        )

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the blocks after the last index needed (and the final norm / the head); returns the kept indices."""
        take_indices, max_index = feature_take_indices(len(self.blocks), indices)
        self.blocks = self.blocks[:max_index + 1]
        if prune_norm:
            self.norm = nn.Identity()
        if prune_head:
            self.fc_norm = nn.Identity()
            self.reset_classifier(0, '')
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """All tokens (B, prefix + patches, C) after the blocks and the final norm."""
        x = self._embed(x)
        x = checkpoint_seq(self.blocks, x) if self.grad_checkpointing else self.blocks(x)
        return self.norm(x)

    def pool(self, x: torch.Tensor, pool_type: Optional[str] = None) -> torch.Tensor:
        """Pool tokens with the attention pool, or with global_pool (or pool_type when given)."""
        if self.attn_pool is not None:
            return self.attn_pool(x if self.pool_include_prefix else x[:, self.num_prefix_tokens:])
        return global_pool_nlc(x, self.global_pool if pool_type is None else pool_type, self.num_prefix_tokens,
                               reduce_include_prefix=self.pool_include_prefix)

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.pool(x)
        x = self.fc_norm(x)
        x = self.head_drop(x)
        return x if pre_logits else self.head(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))


_BILINEAR = dict(interpolation='bilinear', antialias=False, align_corners=None)
_BILINEAR_CORNERS = dict(interpolation='bilinear', antialias=False, align_corners=True)
_BILINEAR_NO_CORNERS = dict(interpolation='bilinear', antialias=False, align_corners=False)


def _vit(defaults: Dict[str, Any], resample: Optional[Dict[str, Any]] = None, **kwargs: Any) -> VisionTransformer:
    model = VisionTransformer(**{**defaults, **kwargs})
    if resample is not None:
        model.pretrained_resample = dict(resample)
    return model


@register_model
def aimv2_1b_patch14_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=2048, depth=24, num_heads=16, class_token=False, fc_norm=False, mlp_ratio=2.75,
        global_pool='avg', qkv_bias=False, proj_bias=False, act_layer='silu', norm_layer=_rms(1e-05),
        embed_norm_layer=_rms(1e-05), mlp_layer='swiglu', num_classes=0,
    ), **kwargs)


@register_model
def aimv2_1b_patch14_336(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=336, patch_size=14, embed_dim=2048, depth=24, num_heads=16, class_token=False, fc_norm=False,
        mlp_ratio=2.75, global_pool='avg', qkv_bias=False, proj_bias=False, act_layer='silu',
        norm_layer=_rms(1e-05), embed_norm_layer=_rms(1e-05), mlp_layer='swiglu', num_classes=0,
    ), **kwargs)


@register_model
def aimv2_1b_patch14_448(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=448, patch_size=14, embed_dim=2048, depth=24, num_heads=16, class_token=False, fc_norm=False,
        mlp_ratio=2.75, global_pool='avg', qkv_bias=False, proj_bias=False, act_layer='silu',
        norm_layer=_rms(1e-05), embed_norm_layer=_rms(1e-05), mlp_layer='swiglu', num_classes=0,
    ), **kwargs)


@register_model
def aimv2_3b_patch14_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=3072, depth=24, num_heads=24, class_token=False, fc_norm=False,
        mlp_ratio=2.6667, global_pool='avg', qkv_bias=False, proj_bias=False, act_layer='silu',
        norm_layer=_rms(1e-05), embed_norm_layer=_rms(1e-05), mlp_layer='swiglu', num_classes=0,
    ), **kwargs)


@register_model
def aimv2_3b_patch14_336(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=336, patch_size=14, embed_dim=3072, depth=24, num_heads=24, class_token=False, fc_norm=False,
        mlp_ratio=2.6667, global_pool='avg', qkv_bias=False, proj_bias=False, act_layer='silu',
        norm_layer=_rms(1e-05), embed_norm_layer=_rms(1e-05), mlp_layer='swiglu', num_classes=0,
    ), **kwargs)


@register_model
def aimv2_3b_patch14_448(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=448, patch_size=14, embed_dim=3072, depth=24, num_heads=24, class_token=False, fc_norm=False,
        mlp_ratio=2.6667, global_pool='avg', qkv_bias=False, proj_bias=False, act_layer='silu',
        norm_layer=_rms(1e-05), embed_norm_layer=_rms(1e-05), mlp_layer='swiglu', num_classes=0,
    ), **kwargs)


@register_model
def aimv2_huge_patch14_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1536, depth=24, num_heads=12, class_token=False, fc_norm=False,
        mlp_ratio=2.6667, global_pool='avg', qkv_bias=False, proj_bias=False, act_layer='silu',
        norm_layer=_rms(1e-05), embed_norm_layer=_rms(1e-05), mlp_layer='swiglu', num_classes=0,
    ), **kwargs)


@register_model
def aimv2_huge_patch14_336(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=336, patch_size=14, embed_dim=1536, depth=24, num_heads=12, class_token=False, fc_norm=False,
        mlp_ratio=2.6667, global_pool='avg', qkv_bias=False, proj_bias=False, act_layer='silu',
        norm_layer=_rms(1e-05), embed_norm_layer=_rms(1e-05), mlp_layer='swiglu', num_classes=0,
    ), **kwargs)


@register_model
def aimv2_huge_patch14_448(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=448, patch_size=14, embed_dim=1536, depth=24, num_heads=12, class_token=False, fc_norm=False,
        mlp_ratio=2.6667, global_pool='avg', qkv_bias=False, proj_bias=False, act_layer='silu',
        norm_layer=_rms(1e-05), embed_norm_layer=_rms(1e-05), mlp_layer='swiglu', num_classes=0,
    ), **kwargs)


@register_model
def aimv2_large_patch14_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1024, depth=24, num_heads=8, class_token=False, fc_norm=False, mlp_ratio=2.75,
        global_pool='avg', qkv_bias=False, proj_bias=False, act_layer='silu', norm_layer=_rms(1e-05),
        embed_norm_layer=_rms(1e-05), mlp_layer='swiglu', num_classes=0,
    ), **kwargs)


@register_model
def aimv2_large_patch14_336(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=336, patch_size=14, embed_dim=1024, depth=24, num_heads=8, class_token=False, fc_norm=False,
        mlp_ratio=2.75, global_pool='avg', qkv_bias=False, proj_bias=False, act_layer='silu',
        norm_layer=_rms(1e-05), embed_norm_layer=_rms(1e-05), mlp_layer='swiglu', num_classes=0,
    ), **kwargs)


@register_model
def aimv2_large_patch14_448(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=448, patch_size=14, embed_dim=1024, depth=24, num_heads=8, class_token=False, fc_norm=False,
        mlp_ratio=2.75, global_pool='avg', qkv_bias=False, proj_bias=False, act_layer='silu',
        norm_layer=_rms(1e-05), embed_norm_layer=_rms(1e-05), mlp_layer='swiglu', num_classes=0,
    ), **kwargs)


@register_model
def beit3_base_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, mlp_ratio=4, scale_attn_norm=True,
        scale_mlp_norm=True, class_token=True, global_pool='avg', norm_layer=_ln(1e-05),
    ), **kwargs)


@register_model
def beit3_giant_patch14_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1408, depth=40, num_heads=16, mlp_ratio=4.3637, scale_attn_norm=True,
        scale_mlp_norm=True, class_token=True, global_pool='avg', norm_layer=_ln(1e-05),
    ), **kwargs)


@register_model
def beit3_giant_patch14_336(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=336, patch_size=14, embed_dim=1408, depth=40, num_heads=16, mlp_ratio=4.3637,
        scale_attn_norm=True, scale_mlp_norm=True, class_token=True, global_pool='avg', norm_layer=_ln(1e-05),
    ), **kwargs)


@register_model
def beit3_large_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=16, embed_dim=1024, depth=24, num_heads=16, mlp_ratio=4, scale_attn_norm=True,
        scale_mlp_norm=True, class_token=True, global_pool='avg', norm_layer=_ln(1e-05),
    ), **kwargs)


@register_model
def eva_large_patch14_196(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=196, patch_size=14, embed_dim=1024, depth=24, num_heads=16, global_pool='avg',
    ), **kwargs)


@register_model
def eva_large_patch14_336(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=336, patch_size=14, embed_dim=1024, depth=24, num_heads=16, global_pool='avg',
    ), **kwargs)


@register_model
def flexivit_base(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=240, patch_size=16, embed_dim=768, depth=12, num_heads=12, no_embed_class=True,
    ), resample=_BILINEAR, **kwargs)


@register_model
def flexivit_large(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=240, patch_size=16, embed_dim=1024, depth=24, num_heads=16, no_embed_class=True,
    ), resample=_BILINEAR, **kwargs)


@register_model
def flexivit_small(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=240, patch_size=16, embed_dim=384, depth=12, num_heads=6, no_embed_class=True,
    ), resample=_BILINEAR, **kwargs)


@register_model
def test_vit(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=160, patch_size=16, embed_dim=64, depth=6, num_heads=2, mlp_ratio=3, dynamic_img_size=True,
    ), **kwargs)


@register_model
def test_vit2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=160, patch_size=16, embed_dim=64, depth=8, num_heads=2, mlp_ratio=3, class_token=False,
        reg_tokens=1, global_pool='avg', init_values=1e-05, dynamic_img_size=True,
    ), **kwargs)


@register_model
def test_vit3(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=160, patch_size=16, embed_dim=96, depth=9, num_heads=3, mlp_ratio=2, class_token=False,
        reg_tokens=1, global_pool='map', pool_include_prefix=True, init_values=1e-05,
    ), **kwargs)


@register_model
def test_vit4(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=160, patch_size=16, embed_dim=96, depth=9, num_heads=3, mlp_ratio=3, class_token=False,
        reg_tokens=1, global_pool='avg', init_values=1e-05, dynamic_img_size=True, norm_layer='rmsnorm',
    ), **kwargs)


@register_model
def vit_base_patch14_dinov2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=518, patch_size=14, embed_dim=768, depth=12, num_heads=12, init_values=1e-05, num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch14_reg1_tipsv2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=448, patch_size=14, embed_dim=768, depth=12, num_heads=12, init_values=1.0, reg_tokens=1,
        no_embed_class=True, num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch14_reg4_dinov2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=518, patch_size=14, embed_dim=768, depth=12, num_heads=12, init_values=1e-05, reg_tokens=4,
        no_embed_class=True, num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch16_18x2_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=16, embed_dim=768, depth=18, num_heads=12, init_values=1e-05, block_fn=ParallelThingsBlock,
    ), **kwargs)


@register_model
def vit_base_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=16, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def vit_base_patch16_224_miil(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, qkv_bias=False, num_classes=11221,
    ), **kwargs)


@register_model
def vit_base_patch16_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(img_size=384, patch_size=16, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def vit_base_patch16_clip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, pre_norm=True, norm_layer=_ln(1e-05),
    ), **kwargs)


@register_model
def vit_base_patch16_clip_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=16, embed_dim=768, depth=12, num_heads=12, pre_norm=True, norm_layer=_ln(1e-05),
    ), **kwargs)


@register_model
def vit_base_patch16_clip_quickgelu_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, pre_norm=True, norm_layer=_ln(1e-05),
        act_layer='quick_gelu', num_classes=512,
    ), **kwargs)


@register_model
def vit_base_patch16_gap_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=16, class_token=False, global_pool='avg',
        fc_norm=False,
    ), **kwargs)


@register_model
def vit_base_patch16_plus_240(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(img_size=240, patch_size=16, embed_dim=896, depth=12, num_heads=14, init_values=1e-05), **kwargs)


@register_model
def vit_base_patch16_plus_clip_240(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=240, patch_size=16, embed_dim=896, depth=12, num_heads=14, pre_norm=True, norm_layer=_ln(1e-05),
        num_classes=640,
    ), **kwargs)


@register_model
def vit_base_patch16_radio_v3(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=512, patch_size=16, embed_dim=768, depth=12, num_heads=12, init_values=1e-05, reg_tokens=7,
        no_embed_class=True, final_norm=False, num_classes=0,
    ), resample=_BILINEAR_CORNERS, **kwargs)


@register_model
def vit_base_patch16_reg4_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False,
        no_embed_class=True, global_pool='avg', reg_tokens=4,
    ), **kwargs)


@register_model
def vit_base_patch16_rpn_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, qkv_bias=False, init_values=1e-05,
        class_token=False, block_fn=ResPostBlock, global_pool='avg',
    ), **kwargs)


@register_model
def vit_base_patch16_siglip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='map',
        num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch16_siglip_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='map',
        num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch16_siglip_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='map',
        num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch16_siglip_512(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=512, patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='map',
        num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch16_siglip_gap_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='avg',
        fc_norm=False, num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch16_siglip_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='avg',
        fc_norm=False, num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch16_siglip_gap_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='avg',
        fc_norm=False, num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch16_siglip_gap_512(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=512, patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='avg',
        fc_norm=False, num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch16_xp_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, pre_norm=True, no_embed_class=True,
        norm_layer='rmsnorm', block_fn=ParallelScalingBlock, qkv_bias=False, qk_norm=True,
    ), **kwargs)


@register_model
def vit_base_patch32_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=32, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def vit_base_patch32_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(img_size=384, patch_size=32, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def vit_base_patch32_clip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=32, embed_dim=768, depth=12, num_heads=12, pre_norm=True, norm_layer=_ln(1e-05),
    ), **kwargs)


@register_model
def vit_base_patch32_clip_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=32, embed_dim=768, depth=12, num_heads=12, pre_norm=True, norm_layer=_ln(1e-05),
        num_classes=512,
    ), **kwargs)


@register_model
def vit_base_patch32_clip_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=32, embed_dim=768, depth=12, num_heads=12, pre_norm=True, norm_layer=_ln(1e-05),
    ), **kwargs)


@register_model
def vit_base_patch32_clip_448(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=448, patch_size=32, embed_dim=768, depth=12, num_heads=12, pre_norm=True, norm_layer=_ln(1e-05),
    ), **kwargs)


@register_model
def vit_base_patch32_clip_quickgelu_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=32, embed_dim=768, depth=12, num_heads=12, pre_norm=True, norm_layer=_ln(1e-05),
        act_layer='quick_gelu', num_classes=512,
    ), **kwargs)


@register_model
def vit_base_patch32_plus_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(img_size=256, patch_size=32, embed_dim=896, depth=12, num_heads=14, init_values=1e-05), **kwargs)


@register_model
def vit_base_patch32_siglip_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=32, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='map',
        act_layer='gelu_tanh', num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch32_siglip_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=32, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='avg',
        fc_norm=False, act_layer='gelu_tanh', num_classes=0,
    ), **kwargs)


@register_model
def vit_base_patch8_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=8, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def vit_betwixt_patch16_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=640, depth=12, num_heads=10, class_token=False, global_pool='avg',
        qkv_bias=False, init_values=1e-06, fc_norm=False,
    ), **kwargs)


@register_model
def vit_betwixt_patch16_reg1_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=640, depth=12, num_heads=10, init_values=1e-05, class_token=False,
        no_embed_class=True, reg_tokens=1, global_pool='avg',
    ), **kwargs)


@register_model
def vit_betwixt_patch16_reg4_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=640, depth=12, num_heads=10, init_values=1e-05, class_token=False,
        no_embed_class=True, reg_tokens=4, global_pool='avg',
    ), **kwargs)


@register_model
def vit_betwixt_patch16_reg4_gap_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=16, embed_dim=640, depth=12, num_heads=10, init_values=1e-05, class_token=False,
        no_embed_class=True, reg_tokens=4, global_pool='avg',
    ), **kwargs)


@register_model
def vit_betwixt_patch32_clip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=32, embed_dim=640, depth=12, num_heads=10, pre_norm=True, norm_layer=_ln(1e-05),
        num_classes=512,
    ), **kwargs)


@register_model
def vit_dlittle_patch16_reg1_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=320, depth=14, num_heads=5, init_values=1e-05, mlp_ratio=5.6,
        class_token=False, no_embed_class=True, reg_tokens=1, global_pool='avg', attn_layer='diff',
    ), **kwargs)


@register_model
def vit_dpwee_patch16_reg1_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=256, depth=16, num_heads=4, init_values=1e-05, mlp_ratio=5,
        class_token=False, no_embed_class=True, reg_tokens=1, global_pool='avg',
        block_fn=DiffParallelScalingBlock,
    ), **kwargs)


@register_model
def vit_dwee_patch16_reg1_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=256, depth=14, num_heads=4, init_values=1e-05, mlp_ratio=5,
        class_token=False, no_embed_class=True, reg_tokens=1, global_pool='avg', attn_layer='diff',
    ), **kwargs)


@register_model
def vit_giant_patch14_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=14, embed_dim=1408, mlp_ratio=4.363636363636363, depth=40, num_heads=16), **kwargs)


@register_model
def vit_giant_patch14_clip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1408, mlp_ratio=4.363636363636363, depth=40, num_heads=16, pre_norm=True,
        norm_layer=_ln(1e-05), num_classes=1024,
    ), **kwargs)


@register_model
def vit_giant_patch14_dinov2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=518, patch_size=14, embed_dim=1536, depth=40, num_heads=24, init_values=1e-05,
        mlp_ratio=5.33334, mlp_layer='swiglu_packed', act_layer='silu', num_classes=0,
    ), **kwargs)


@register_model
def vit_giant_patch14_reg1_tipsv2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=448, patch_size=14, embed_dim=1536, depth=40, num_heads=24, init_values=1.0, mlp_ratio=5.33334,
        mlp_layer='swiglu_packed', act_layer='silu', reg_tokens=1, no_embed_class=True, num_classes=0,
    ), **kwargs)


@register_model
def vit_giant_patch14_reg4_dinov2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=518, patch_size=14, embed_dim=1536, depth=40, num_heads=24, init_values=1e-05,
        mlp_ratio=5.33334, mlp_layer='swiglu_packed', act_layer='silu', reg_tokens=4, no_embed_class=True,
        num_classes=0,
    ), **kwargs)


@register_model
def vit_giant_patch16_gap_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=16, embed_dim=1408, depth=40, num_heads=16, mlp_ratio=4.363636363636363, class_token=False,
        global_pool='avg', fc_norm=False, num_classes=0,
    ), **kwargs)


@register_model
def vit_giant_patch16_radio_v3(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=512, patch_size=16, embed_dim=1536, depth=40, num_heads=24, reg_tokens=7, no_embed_class=True,
        final_norm=False, num_classes=0,
    ), resample=_BILINEAR_NO_CORNERS, **kwargs)


@register_model
def vit_giantopt_patch16_siglip_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=1536, depth=40, num_heads=16, class_token=False,
        global_pool='map', act_layer='gelu_tanh', num_classes=0,
    ), **kwargs)


@register_model
def vit_giantopt_patch16_siglip_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=16, embed_dim=1536, depth=40, num_heads=16, class_token=False,
        global_pool='map', act_layer='gelu_tanh', num_classes=0,
    ), **kwargs)


@register_model
def vit_giantopt_patch16_siglip_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=1536, depth=40, num_heads=16, class_token=False,
        global_pool='avg', fc_norm=False, act_layer='gelu_tanh', num_classes=0,
    ), **kwargs)


@register_model
def vit_giantopt_patch16_siglip_gap_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=16, embed_dim=1536, depth=40, num_heads=16, class_token=False,
        global_pool='avg', fc_norm=False, act_layer='gelu_tanh', num_classes=0,
    ), **kwargs)


@register_model
def vit_gigantic_patch14_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=14, embed_dim=1664, mlp_ratio=4.923076923076923, depth=48, num_heads=16), **kwargs)


@register_model
def vit_gigantic_patch14_clip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1664, mlp_ratio=4.923076923076923, depth=48, num_heads=16, pre_norm=True,
        norm_layer=_ln(1e-05), num_classes=1280,
    ), **kwargs)


@register_model
def vit_gigantic_patch14_clip_378(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=378, patch_size=14, embed_dim=1664, mlp_ratio=4.923076923076923, depth=48, num_heads=16,
        pre_norm=True, norm_layer=_ln(1e-05), num_classes=1280,
    ), **kwargs)


@register_model
def vit_gigantic_patch14_clip_quickgelu_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1664, mlp_ratio=4.923076923076923, depth=48, num_heads=16, pre_norm=True,
        norm_layer=_ln(1e-05), act_layer='quick_gelu', num_classes=1280,
    ), **kwargs)


@register_model
def vit_huge_patch14_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=14, embed_dim=1280, depth=32, num_heads=16, num_classes=0), **kwargs)


@register_model
def vit_huge_patch14_clip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1280, depth=32, num_heads=16, pre_norm=True, norm_layer=_ln(1e-05),
    ), **kwargs)


@register_model
def vit_huge_patch14_clip_336(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=336, patch_size=14, embed_dim=1280, depth=32, num_heads=16, pre_norm=True,
        norm_layer=_ln(1e-05),
    ), **kwargs)


@register_model
def vit_huge_patch14_clip_378(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=378, patch_size=14, embed_dim=1280, depth=32, num_heads=16, pre_norm=True,
        norm_layer=_ln(1e-05), num_classes=1024,
    ), **kwargs)


@register_model
def vit_huge_patch14_clip_quickgelu_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1280, depth=32, num_heads=16, pre_norm=True, norm_layer=_ln(1e-05),
        act_layer='quick_gelu', num_classes=1024,
    ), **kwargs)


@register_model
def vit_huge_patch14_clip_quickgelu_378(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=378, patch_size=14, embed_dim=1280, depth=32, num_heads=16, pre_norm=True,
        norm_layer=_ln(1e-05), act_layer='quick_gelu', num_classes=1024,
    ), **kwargs)


@register_model
def vit_huge_patch14_gap_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1280, depth=32, num_heads=16, class_token=False, global_pool='avg',
        fc_norm=False, num_classes=0,
    ), **kwargs)


@register_model
def vit_huge_patch14_xp_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1280, depth=32, num_heads=16, pre_norm=True, no_embed_class=True,
        norm_layer='rmsnorm', block_fn=ParallelScalingBlock, qkv_bias=False, qk_norm=True,
    ), **kwargs)


@register_model
def vit_huge_patch16_gap_448(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=448, patch_size=16, embed_dim=1280, depth=32, num_heads=16, class_token=False,
        global_pool='avg', fc_norm=False, num_classes=0,
    ), **kwargs)


@register_model
def vit_huge_patch16_radio_v3(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=512, patch_size=16, embed_dim=1280, depth=32, num_heads=16, reg_tokens=7, no_embed_class=True,
        final_norm=False, num_classes=0,
    ), resample=_BILINEAR_CORNERS, **kwargs)


@register_model
def vit_huge_patch16_radio_v4(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=512, patch_size=16, embed_dim=1280, depth=32, num_heads=16, reg_tokens=9, no_embed_class=True,
        final_norm=False, num_classes=0,
    ), resample=_BILINEAR_NO_CORNERS, **kwargs)


@register_model
def vit_intern300m_patch14_448(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=448, patch_size=14, embed_dim=1024, depth=24, num_heads=16, init_values=0.1, final_norm=False,
        dynamic_img_size=True, num_classes=0,
    ), **kwargs)


@register_model
def vit_large_patch14_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=14, embed_dim=1024, depth=24, num_heads=16), **kwargs)


@register_model
def vit_large_patch14_clip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1024, depth=24, num_heads=16, pre_norm=True, norm_layer=_ln(1e-05),
    ), **kwargs)


@register_model
def vit_large_patch14_clip_336(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=336, patch_size=14, embed_dim=1024, depth=24, num_heads=16, pre_norm=True,
        norm_layer=_ln(1e-05),
    ), **kwargs)


@register_model
def vit_large_patch14_clip_quickgelu_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1024, depth=24, num_heads=16, pre_norm=True, norm_layer=_ln(1e-05),
        act_layer='quick_gelu', num_classes=768,
    ), **kwargs)


@register_model
def vit_large_patch14_clip_quickgelu_336(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=336, patch_size=14, embed_dim=1024, depth=24, num_heads=16, pre_norm=True,
        norm_layer=_ln(1e-05), act_layer='quick_gelu', num_classes=768,
    ), **kwargs)


@register_model
def vit_large_patch14_dinov2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=518, patch_size=14, embed_dim=1024, depth=24, num_heads=16, init_values=1e-05, num_classes=0,
    ), **kwargs)


@register_model
def vit_large_patch14_reg1_tipsv2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=448, patch_size=14, embed_dim=1024, depth=24, num_heads=16, init_values=1.0, reg_tokens=1,
        no_embed_class=True, num_classes=0,
    ), **kwargs)


@register_model
def vit_large_patch14_reg4_dinov2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=518, patch_size=14, embed_dim=1024, depth=24, num_heads=16, init_values=1e-05, reg_tokens=4,
        no_embed_class=True, num_classes=0,
    ), **kwargs)


@register_model
def vit_large_patch14_xp_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1024, depth=24, num_heads=16, pre_norm=True, no_embed_class=True,
        norm_layer='rmsnorm', block_fn=ParallelScalingBlock, qkv_bias=False, qk_norm=True,
    ), **kwargs)


@register_model
def vit_large_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=16, embed_dim=1024, depth=24, num_heads=16), **kwargs)


@register_model
def vit_large_patch16_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(img_size=384, patch_size=16, embed_dim=1024, depth=24, num_heads=16), **kwargs)


@register_model
def vit_large_patch16_radio_v3(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=512, patch_size=16, embed_dim=1024, depth=24, num_heads=16, init_values=1e-05, reg_tokens=7,
        no_embed_class=True, final_norm=False, num_classes=0,
    ), resample=_BILINEAR_NO_CORNERS, **kwargs)


@register_model
def vit_large_patch16_siglip_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=1024, depth=24, num_heads=16, class_token=False,
        global_pool='map', num_classes=0,
    ), **kwargs)


@register_model
def vit_large_patch16_siglip_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=16, embed_dim=1024, depth=24, num_heads=16, class_token=False,
        global_pool='map', num_classes=0,
    ), **kwargs)


@register_model
def vit_large_patch16_siglip_512(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=512, patch_size=16, embed_dim=1024, depth=24, num_heads=16, class_token=False,
        global_pool='map', act_layer='gelu_tanh', num_classes=0,
    ), **kwargs)


@register_model
def vit_large_patch16_siglip_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=1024, depth=24, num_heads=16, class_token=False,
        global_pool='avg', fc_norm=False, num_classes=0,
    ), **kwargs)


@register_model
def vit_large_patch16_siglip_gap_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=16, embed_dim=1024, depth=24, num_heads=16, class_token=False,
        global_pool='avg', fc_norm=False, num_classes=0,
    ), **kwargs)


@register_model
def vit_large_patch16_siglip_gap_512(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=512, patch_size=16, embed_dim=1024, depth=24, num_heads=16, class_token=False,
        global_pool='avg', fc_norm=False, act_layer='gelu_tanh', num_classes=0,
    ), **kwargs)


@register_model
def vit_large_patch32_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=32, embed_dim=1024, depth=24, num_heads=16, num_classes=0), **kwargs)


@register_model
def vit_large_patch32_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(img_size=384, patch_size=32, embed_dim=1024, depth=24, num_heads=16), **kwargs)


@register_model
def vit_little_patch16_reg1_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=320, depth=14, num_heads=5, init_values=1e-05, mlp_ratio=5.6,
        class_token=False, no_embed_class=True, reg_tokens=1, global_pool='avg',
    ), **kwargs)


@register_model
def vit_little_patch16_reg4_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=320, depth=14, num_heads=5, init_values=1e-05, mlp_ratio=5.6,
        class_token=False, no_embed_class=True, reg_tokens=4, global_pool='avg',
    ), **kwargs)


@register_model
def vit_medium_patch16_clip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        embed_dim=512, depth=12, num_heads=8, pre_norm=True, norm_layer=_ln(1e-05), num_classes=512,
    ), **kwargs)


@register_model
def vit_medium_patch16_gap_240(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=240, patch_size=16, embed_dim=512, depth=12, num_heads=8, class_token=False, global_pool='avg',
        qkv_bias=False, init_values=1e-06, fc_norm=False, num_classes=11821,
    ), **kwargs)


@register_model
def vit_medium_patch16_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=512, depth=12, num_heads=8, class_token=False, global_pool='avg',
        qkv_bias=False, init_values=1e-06, fc_norm=False,
    ), **kwargs)


@register_model
def vit_medium_patch16_gap_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=16, embed_dim=512, depth=12, num_heads=8, class_token=False, global_pool='avg',
        qkv_bias=False, init_values=1e-06, fc_norm=False,
    ), **kwargs)


@register_model
def vit_medium_patch16_reg1_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=512, depth=12, num_heads=8, init_values=1e-05, class_token=False,
        no_embed_class=True, reg_tokens=1, global_pool='avg',
    ), **kwargs)


@register_model
def vit_medium_patch16_reg4_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=512, depth=12, num_heads=8, init_values=1e-05, class_token=False,
        no_embed_class=True, reg_tokens=4, global_pool='avg',
    ), **kwargs)


@register_model
def vit_medium_patch32_clip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=32, embed_dim=512, depth=12, num_heads=8, pre_norm=True, norm_layer=_ln(1e-05),
        num_classes=512,
    ), **kwargs)


@register_model
def vit_mediumd_patch16_reg4_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=512, depth=20, num_heads=8, init_values=1e-05, class_token=False,
        no_embed_class=True, reg_tokens=4, global_pool='avg',
    ), **kwargs)


@register_model
def vit_mediumd_patch16_reg4_gap_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=16, embed_dim=512, depth=20, num_heads=8, init_values=1e-05, class_token=False,
        no_embed_class=True, reg_tokens=4, global_pool='avg',
    ), **kwargs)


@register_model
def vit_pwee_patch16_reg1_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=256, depth=16, num_heads=4, init_values=1e-05, mlp_ratio=5,
        class_token=False, no_embed_class=True, reg_tokens=1, global_pool='avg', block_fn=ParallelScalingBlock,
    ), **kwargs)


@register_model
def vit_small_patch14_dinov2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=518, patch_size=14, embed_dim=384, depth=12, num_heads=6, init_values=1e-05, num_classes=0,
    ), **kwargs)


@register_model
def vit_small_patch14_reg4_dinov2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=518, patch_size=14, embed_dim=384, depth=12, num_heads=6, init_values=1e-05, reg_tokens=4,
        no_embed_class=True, num_classes=0,
    ), **kwargs)


@register_model
def vit_small_patch16_18x2_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=16, embed_dim=384, depth=18, num_heads=6, init_values=1e-05, block_fn=ParallelThingsBlock,
    ), **kwargs)


@register_model
def vit_small_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=16, embed_dim=384, depth=12, num_heads=6), **kwargs)


@register_model
def vit_small_patch16_36x1_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=16, embed_dim=384, depth=36, num_heads=6, init_values=1e-05), **kwargs)


@register_model
def vit_small_patch16_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(img_size=384, patch_size=16, embed_dim=384, depth=12, num_heads=6), **kwargs)


@register_model
def vit_small_patch32_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=32, embed_dim=384, depth=12, num_heads=6), **kwargs)


@register_model
def vit_small_patch32_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(img_size=384, patch_size=32, embed_dim=384, depth=12, num_heads=6), **kwargs)


@register_model
def vit_small_patch8_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=8, embed_dim=384, depth=12, num_heads=6, num_classes=0), **kwargs)


@register_model
def vit_so150m2_patch16_reg1_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=832, depth=21, num_heads=13, mlp_ratio=2.6153846153846154,
        init_values=1e-05, qkv_bias=False, class_token=False, reg_tokens=1, global_pool='avg',
    ), **kwargs)


@register_model
def vit_so150m2_patch16_reg1_gap_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=16, embed_dim=832, depth=21, num_heads=13, mlp_ratio=2.6153846153846154,
        init_values=1e-05, qkv_bias=False, class_token=False, reg_tokens=1, global_pool='avg',
    ), **kwargs)


@register_model
def vit_so150m2_patch16_reg1_gap_448(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=448, patch_size=16, embed_dim=832, depth=21, num_heads=13, mlp_ratio=2.6153846153846154,
        init_values=1e-05, qkv_bias=False, class_token=False, reg_tokens=1, global_pool='avg',
    ), **kwargs)


@register_model
def vit_so150m_patch16_reg4_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=896, depth=18, num_heads=14, mlp_ratio=2.572, class_token=False,
        reg_tokens=4, global_pool='avg', fc_norm=False,
    ), **kwargs)


@register_model
def vit_so150m_patch16_reg4_gap_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=16, embed_dim=896, depth=18, num_heads=14, mlp_ratio=2.572, class_token=False,
        reg_tokens=4, global_pool='avg', fc_norm=False,
    ), **kwargs)


@register_model
def vit_so150m_patch16_reg4_map_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=896, depth=18, num_heads=14, mlp_ratio=2.572, class_token=False,
        reg_tokens=4, global_pool='map',
    ), **kwargs)


@register_model
def vit_so400m_patch14_reg1_tipsv2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=448, patch_size=14, embed_dim=1152, depth=27, num_heads=16, init_values=1.0,
        mlp_ratio=3.736111111111111, reg_tokens=1, no_embed_class=True, num_classes=0,
    ), **kwargs)


@register_model
def vit_so400m_patch14_siglip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False,
        global_pool='map', num_classes=0,
    ), **kwargs)


@register_model
def vit_so400m_patch14_siglip_378(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=378, patch_size=14, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False,
        global_pool='map', num_classes=0,
    ), **kwargs)


@register_model
def vit_so400m_patch14_siglip_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=14, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False,
        global_pool='map', num_classes=0,
    ), **kwargs)


@register_model
def vit_so400m_patch14_siglip_gap_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        patch_size=14, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False,
        global_pool='avg', fc_norm=False, num_classes=0,
    ), **kwargs)


@register_model
def vit_so400m_patch14_siglip_gap_378(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=378, patch_size=14, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False,
        global_pool='avg', fc_norm=False, num_classes=0,
    ), **kwargs)


@register_model
def vit_so400m_patch14_siglip_gap_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=14, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False,
        global_pool='avg', fc_norm=False, num_classes=0,
    ), **kwargs)


@register_model
def vit_so400m_patch14_siglip_gap_448(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=448, patch_size=14, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False,
        global_pool='avg', fc_norm=False, num_classes=0,
    ), **kwargs)


@register_model
def vit_so400m_patch14_siglip_gap_896(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=896, patch_size=14, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False,
        global_pool='avg', fc_norm=False, num_classes=0,
    ), **kwargs)


@register_model
def vit_so400m_patch16_radio_v4(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=512, patch_size=16, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.736111111111111,
        reg_tokens=9, no_embed_class=True, final_norm=False, num_classes=0,
    ), resample=_BILINEAR_NO_CORNERS, **kwargs)


@register_model
def vit_so400m_patch16_siglip_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False,
        global_pool='map', act_layer='gelu_tanh', num_classes=0,
    ), **kwargs)


@register_model
def vit_so400m_patch16_siglip_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=16, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False,
        global_pool='map', act_layer='gelu_tanh', num_classes=0,
    ), **kwargs)


@register_model
def vit_so400m_patch16_siglip_512(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=512, patch_size=16, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False,
        global_pool='map', act_layer='gelu_tanh', num_classes=0,
    ), **kwargs)


@register_model
def vit_so400m_patch16_siglip_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False,
        global_pool='avg', fc_norm=False, act_layer='gelu_tanh', num_classes=0,
    ), **kwargs)


@register_model
def vit_so400m_patch16_siglip_gap_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=384, patch_size=16, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False,
        global_pool='avg', fc_norm=False, act_layer='gelu_tanh', num_classes=0,
    ), **kwargs)


@register_model
def vit_so400m_patch16_siglip_gap_512(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=512, patch_size=16, embed_dim=1152, depth=27, num_heads=16, mlp_ratio=3.7362, class_token=False,
        global_pool='avg', fc_norm=False, act_layer='gelu_tanh', num_classes=0,
    ), **kwargs)


@register_model
def vit_tiny_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=16, embed_dim=192, depth=12, num_heads=3), **kwargs)


@register_model
def vit_tiny_patch16_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(img_size=384, patch_size=16, embed_dim=192, depth=12, num_heads=3), **kwargs)


@register_model
def vit_wee_patch16_reg1_gap_256(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        img_size=256, patch_size=16, embed_dim=256, depth=14, num_heads=4, init_values=1e-05, mlp_ratio=5,
        class_token=False, no_embed_class=True, reg_tokens=1, global_pool='avg',
    ), **kwargs)


@register_model
def vit_xsmall_patch16_clip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(
        embed_dim=256, depth=10, num_heads=4, pre_norm=True, norm_layer=_ln(1e-05), num_classes=512,
    ), **kwargs)
