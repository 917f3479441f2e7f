"""Vision Transformer (Dosovitskiy et al. 2020) and its DINOv2, CLIP and SigLIP image towers.

Module and parameter names follow timm's `vision_transformer.py`, so its checkpoints load
strictly. One class covers the variants:

- ViT: class token, learned absolute position embedding, pre-norm blocks, final norm, token pooling.
- DINOv2 (Oquab et al. 2023): layer scale (`ls1`/`ls2`), 518 px; the `reg4` variants add four
  register tokens (Darcet et al. 2023) and keep the class and register tokens out of the
  position embedding (`no_embed_class`).
- CLIP image towers (Radford et al. 2021): a LayerNorm before the blocks (`norm_pre`), no bias
  in the patch projection, LayerNorm eps 1e-5.
- SigLIP (Zhai et al. 2023): no class token; a multi-head attention pooling head (`attn_pool`).

QuickGELU and the `.openai` tags. OpenAI trained CLIP with QuickGELU (x * sigmoid(1.702 x)).
timm 1.0.31 keeps the activation in the architecture, not in the tag: `vit_*_clip_224` use
GELU, and separate architectures `vit_*_clip_quickgelu_224` use QuickGELU. Both list an
`.openai` tag and both load the same hub repository (e.g. `timm/vit_base_patch16_clip_224.openai`).
imgzoo mirrors this exactly, so every name timm accepts builds the same network here:
`vit_base_patch16_clip_quickgelu_224.openai` is the faithful OpenAI image tower, while
`vit_base_patch16_clip_224.openai` (and `hf-hub:timm/vit_base_patch16_clip_224.openai`, whose
config.json names the GELU architecture) runs those weights with GELU, as timm does. The
fine-tuned `openai_ft_*` tags were trained in timm with GELU and belong to the GELU architectures.

Position embeddings: weights for another input size are resampled on load (bicubic,
antialiased, prefix tokens kept) by `adapt_pretrained_state_dict`; with `dynamic_img_size=True`
they are resampled at run time for each input size.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Dict, List, Optional, Set, Tuple, Union

import torch
from torch import nn

from ..errors import InvalidModelArgsError, StateDictMismatchError
from ..layers import DropPath, Mlp, check_num_classes
from ..layers.attention import Attention
from ..layers.attention_pool import AttentionPoolLatent
from ..layers.layer_scale import LayerScale
from ..layers.patch_embed import PatchEmbed, resample_patch_embed
from ..layers.pos_embed import infer_square_grid, resample_abs_pos_embed
from ..registry import register_model


NormLayer = Callable[[int], nn.Module]
ActLayer = Union[str, Callable[..., nn.Module]]
GLOBAL_POOL_TYPES = ('', 'avg', 'avgmax', 'max', 'token', 'map')


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(norm1(x)), then x + mlp(norm2(x)), each optionally layer-scaled."""

    def __init__(
        self,
        dim: int,
        num_heads: int,
        mlp_ratio: float = 4.0,
        qkv_bias: bool = False,
        qk_norm: bool = False,
        proj_bias: bool = True,
        proj_drop: float = 0.0,
        attn_drop: float = 0.0,
        init_values: Optional[float] = None,
        drop_path: float = 0.0,
        act_layer: ActLayer = 'gelu',
        norm_layer: NormLayer = nn.LayerNorm,
    ) -> None:
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = Attention(
            dim, num_heads=num_heads, qkv_bias=qkv_bias, qk_norm=qk_norm, proj_bias=proj_bias,
            attn_drop=attn_drop, proj_drop=proj_drop, norm_layer=norm_layer,
        )
        self.ls1 = LayerScale(dim, init_values) if init_values else nn.Identity()
        self.drop_path1 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.norm2 = norm_layer(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), act_layer=act_layer, bias=proj_bias, drop=proj_drop)
        self.ls2 = LayerScale(dim, init_values) if init_values else nn.Identity()
        self.drop_path2 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path1(self.ls1(self.attn(self.norm1(x))))
        return x + self.drop_path2(self.ls2(self.mlp(self.norm2(x))))


def global_pool_nlc(x: torch.Tensor, pool_type: str = 'token', num_prefix_tokens: int = 1) -> torch.Tensor:
    """Pool (B, N, C) tokens: 'token' takes the first, 'avg'/'max'/'avgmax' reduce the patch tokens, '' keeps all."""
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


def _init_linear(module: nn.Linear) -> None:
    nn.init.trunc_normal_(module.weight, std=0.02)
    if module.bias is not None:
        nn.init.zeros_(module.bias)


class VisionTransformer(nn.Module):
    """Vision Transformer with timm's token, pooling and normalisation options; see the module docstring."""

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
        proj_bias: bool = True,
        init_values: Optional[float] = None,
        class_token: bool = True,
        no_embed_class: bool = False,
        reg_tokens: int = 0,
        pre_norm: bool = False,
        final_norm: bool = True,
        fc_norm: Optional[bool] = None,
        dynamic_img_size: bool = False,
        dynamic_img_pad: bool = False,
        drop_rate: float = 0.0,
        pos_drop_rate: float = 0.0,
        proj_drop_rate: float = 0.0,
        attn_drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        norm_layer: Optional[NormLayer] = None,
        act_layer: Optional[ActLayer] = None,
    ) -> None:
        """
        Args:
            img_size: input size (int or (H, W)); sets the position-embedding grid.
            patch_size: patch size (int or (H, W)).
            global_pool: 'token' (class token), 'avg', 'max', 'avgmax' (patch tokens), 'map'
                (attention pooling) or '' (no pooling: forward_head returns all tokens).
            init_values: layer-scale initial value; None disables layer scale.
            class_token / reg_tokens: prepend a class token / this many register tokens.
            no_embed_class: position embeddings cover only the patch tokens.
            pre_norm: LayerNorm after the embeddings (`norm_pre`), as in CLIP; removes the patch-projection bias.
            final_norm / fc_norm: final LayerNorm on all tokens (`norm`) or, with fc_norm, after pooling
                (`fc_norm`); fc_norm=None enables it for 'avg', 'max' and 'avgmax' pooling.
            dynamic_img_size: accept any input size divisible by the patch, resampling position embeddings.
            dynamic_img_pad: pad inputs bottom/right to a multiple of the patch size.
            norm_layer: LayerNorm constructor (default eps 1e-6); act_layer: MLP activation (default GELU).
        """
        super().__init__()
        if global_pool not in GLOBAL_POOL_TYPES:
            raise InvalidModelArgsError(f"global_pool must be one of {GLOBAL_POOL_TYPES}, got {global_pool!r}.")
        if global_pool == 'token' and not class_token:
            raise InvalidModelArgsError(
                "global_pool='token' needs the class token; pass class_token=True or another global_pool "
                "('avg', 'map', ...)."
            )
        if not isinstance(reg_tokens, int) or reg_tokens < 0:
            raise InvalidModelArgsError(f"reg_tokens must be a non-negative integer, got {reg_tokens!r}.")
        if not isinstance(depth, int) or depth < 0:
            raise InvalidModelArgsError(f"depth must be a non-negative integer, got {depth!r}.")
        if embed_dim % num_heads:
            raise InvalidModelArgsError(f"embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads}).")
        use_fc_norm = global_pool in ('avg', 'avgmax', 'max') if fc_norm is None else fc_norm
        norm_layer = norm_layer or partial(nn.LayerNorm, eps=1e-6)
        act_layer = act_layer or 'gelu'

        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.global_pool = global_pool
        self.num_features = self.head_hidden_size = self.embed_dim = embed_dim
        self.has_class_token = class_token
        self.num_reg_tokens = reg_tokens
        self.num_prefix_tokens = int(class_token) + reg_tokens + self.num_dist_tokens
        self.no_embed_class = no_embed_class
        self.dynamic_img_size = dynamic_img_size
        self.drop_rate = drop_rate

        self.patch_embed = PatchEmbed(
            img_size=img_size, patch_size=patch_size, in_chans=in_chans, embed_dim=embed_dim,
            bias=not pre_norm, output_fmt='NHWC' if dynamic_img_size else 'NLC',
            strict_img_size=not dynamic_img_size, dynamic_img_pad=dynamic_img_pad,
        )
        num_patches = self.patch_embed.num_patches
        self.cls_token = nn.Parameter(torch.empty(1, 1, embed_dim)) if class_token else None
        self.reg_token = nn.Parameter(torch.empty(1, reg_tokens, embed_dim)) if reg_tokens else None
        embed_len = num_patches if no_embed_class else num_patches + self.num_prefix_tokens
        self.pos_embed = nn.Parameter(torch.empty(1, embed_len, embed_dim))
        self.dist_token = nn.Parameter(torch.empty(1, 1, embed_dim)) if self.num_dist_tokens else None
        self.pos_drop = nn.Dropout(p=pos_drop_rate)
        self.norm_pre = norm_layer(embed_dim) if pre_norm else nn.Identity()

        drop_path_rates = [drop_path_rate * i / (depth - 1) if depth > 1 else 0.0 for i in range(depth)]
        self.blocks = nn.Sequential(*[
            Block(
                embed_dim, num_heads, mlp_ratio=mlp_ratio, qkv_bias=qkv_bias, qk_norm=qk_norm,
                proj_bias=proj_bias, proj_drop=proj_drop_rate, attn_drop=attn_drop_rate,
                init_values=init_values, drop_path=drop_path_rates[i], act_layer=act_layer, norm_layer=norm_layer,
            )
            for i in range(depth)
        ])
        self.norm = norm_layer(embed_dim) if final_norm and not use_fc_norm else nn.Identity()
        self.attn_pool = AttentionPoolLatent(
            embed_dim, num_heads=num_heads, mlp_ratio=mlp_ratio, norm_layer=norm_layer, act_layer=act_layer,
        ) if global_pool == 'map' else None
        self.fc_norm = norm_layer(embed_dim) if final_norm and use_fc_norm else nn.Identity()
        self.head_drop = nn.Dropout(drop_rate)
        self.head = self._new_head(self.num_classes)
        self.init_weights()

    def _new_head(self, num_classes: int) -> nn.Module:
        if num_classes <= 0:
            return nn.Identity()
        head = nn.Linear(self.embed_dim, num_classes)
        _init_linear(head)
        return head

    def init_weights(self) -> None:
        """timm's default scheme: truncated normal (std 0.02) for position embeddings and Linear weights,
        zero biases, near-zero class and register tokens."""
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        if self.cls_token is not None:
            nn.init.normal_(self.cls_token, std=1e-6)
        if self.reg_token is not None:
            nn.init.normal_(self.reg_token, std=1e-6)
        if self.dist_token is not None:
            nn.init.trunc_normal_(self.dist_token, std=0.02)
        for module in self.modules():
            if isinstance(module, nn.Linear):
                _init_linear(module)
        if self.attn_pool is not None:
            self.attn_pool.init_weights()

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
        if self.attn_pool is None:
            out = {k: v for k, v in out.items() if not k.startswith('attn_pool.')}
        kernel = out.get('patch_embed.proj.weight')
        if kernel is not None and kernel.ndim == 4 and tuple(kernel.shape[-2:]) != self.patch_embed.patch_size:
            out['patch_embed.proj.weight'] = resample_patch_embed(kernel, self.patch_embed.patch_size)
        pos_embed = out.get('pos_embed')
        if pos_embed is not None and pos_embed.ndim == 3 and pos_embed.shape[1] != self.pos_embed.shape[1]:
            num_prefix = 0 if self.no_embed_class else self.num_prefix_tokens
            old_grid = infer_square_grid(pos_embed.shape[1] - num_prefix)
            if old_grid is None:
                raise StateDictMismatchError(
                    type(self).__name__, mismatched=[('pos_embed', tuple(self.pos_embed.shape), tuple(pos_embed.shape))],
                )
            out['pos_embed'] = resample_abs_pos_embed(pos_embed, self.patch_embed.grid_size, old_grid, num_prefix)
        return out

    def no_weight_decay(self) -> Set[str]:
        """Parameters that optimisers usually exclude from weight decay."""
        return {'pos_embed', 'cls_token', 'reg_token', 'dist_token'}

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
        if self.dynamic_img_size:
            batch, height, width, channels = x.shape
            pos_embed = resample_abs_pos_embed(
                self.pos_embed, (height, width), old_size=self.patch_embed.grid_size,
                num_prefix_tokens=0 if self.no_embed_class else self.num_prefix_tokens,
            )
            x = x.reshape(batch, -1, channels)
        else:
            pos_embed = self.pos_embed
        prefix = self._prefix_tokens(x.shape[0])
        if self.no_embed_class:
            x = x + pos_embed
            if prefix:
                x = torch.cat(prefix + [x], dim=1)
        else:
            if prefix:
                x = torch.cat(prefix + [x], dim=1)
            x = x + pos_embed
        return self.pos_drop(x)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """All tokens (B, prefix + patches, C) after the blocks and the final norm."""
        x = self.patch_embed(x)
        x = self._pos_embed(x)
        x = self.norm_pre(x)
        x = self.blocks(x)
        return self.norm(x)

    def pool(self, x: torch.Tensor, pool_type: Optional[str] = None) -> torch.Tensor:
        """Pool tokens with the attention pool, or with global_pool (or pool_type when given)."""
        if self.attn_pool is not None:
            return self.attn_pool(x[:, self.num_prefix_tokens:])
        return global_pool_nlc(x, self.global_pool if pool_type is None else pool_type, self.num_prefix_tokens)

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.pool(x)
        x = self.fc_norm(x)
        x = self.head_drop(x)
        return x if pre_logits else self.head(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))


def _vit(defaults: Dict[str, Any], **kwargs: Any) -> VisionTransformer:
    return VisionTransformer(**{**defaults, **kwargs})


_CLIP = dict(pre_norm=True, norm_layer=partial(nn.LayerNorm, eps=1e-5))
_CLIP_QUICKGELU = dict(_CLIP, act_layer='quick_gelu')
_DINOV2 = dict(img_size=518, patch_size=14, init_values=1e-5)
_DINOV2_REG4 = dict(_DINOV2, reg_tokens=4, no_embed_class=True)


@register_model
def vit_tiny_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=16, embed_dim=192, depth=12, num_heads=3), **kwargs)


@register_model
def vit_small_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=16, embed_dim=384, depth=12, num_heads=6), **kwargs)


@register_model
def vit_small_patch32_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=32, embed_dim=384, depth=12, num_heads=6), **kwargs)


@register_model
def vit_base_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=16, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def vit_base_patch32_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=32, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def vit_base_patch16_384(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(img_size=384, patch_size=16, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def vit_large_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=16, embed_dim=1024, depth=24, num_heads=16), **kwargs)


@register_model
def vit_huge_patch14_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=14, embed_dim=1280, depth=32, num_heads=16), **kwargs)


@register_model
def vit_small_patch14_dinov2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(_DINOV2, embed_dim=384, depth=12, num_heads=6), **kwargs)


@register_model
def vit_base_patch14_dinov2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(_DINOV2, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def vit_large_patch14_dinov2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(_DINOV2, embed_dim=1024, depth=24, num_heads=16), **kwargs)


@register_model
def vit_small_patch14_reg4_dinov2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(_DINOV2_REG4, embed_dim=384, depth=12, num_heads=6), **kwargs)


@register_model
def vit_base_patch14_reg4_dinov2(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(_DINOV2_REG4, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def vit_base_patch16_clip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(_CLIP, patch_size=16, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def vit_base_patch32_clip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(_CLIP, patch_size=32, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def vit_large_patch14_clip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(_CLIP, patch_size=14, embed_dim=1024, depth=24, num_heads=16), **kwargs)


@register_model
def vit_base_patch16_clip_quickgelu_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(_CLIP_QUICKGELU, patch_size=16, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def vit_base_patch32_clip_quickgelu_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(_CLIP_QUICKGELU, patch_size=32, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def vit_large_patch14_clip_quickgelu_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(_CLIP_QUICKGELU, patch_size=14, embed_dim=1024, depth=24, num_heads=16), **kwargs)


@register_model
def vit_base_patch16_siglip_224(**kwargs: Any) -> VisionTransformer:
    return _vit(dict(patch_size=16, embed_dim=768, depth=12, num_heads=12, class_token=False, global_pool='map'), **kwargs)
