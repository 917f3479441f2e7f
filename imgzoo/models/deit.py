"""DeiT and DeiT-3: data-efficient image transformers (Touvron et al. 2020, 2022).

DeiT models are Vision Transformers (`vision_transformer.VisionTransformer`) trained with
ImageNet-1k only; the distilled variants add a distillation token after the class token and
a second classifier (`head_dist`) on it. In eval mode (and in training unless
`set_distilled_training(True)`) the two heads' logits are averaged, as in timm. DeiT-3 models are
plain ViTs with layer scale (1e-6) and position embeddings over the patch tokens only.
"""
from __future__ import annotations

import inspect
from typing import Any, Dict, List, Optional, Tuple, Union

import torch
from torch import nn

from ..errors import InvalidModelArgsError
from ..registry import register_model
from .vision_transformer import VisionTransformer


class VisionTransformerDistilled(VisionTransformer):
    """ViT with a distillation token and head; takes VisionTransformer's arguments (global_pool 'token' only)."""

    num_dist_tokens = 1

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get('global_pool', 'token') != 'token' or not kwargs.get('class_token', True):
            raise InvalidModelArgsError(
                "Distilled DeiT pools the class and distillation tokens; it needs class_token=True and "
                "global_pool='token'."
            )
        if kwargs.get('reg_tokens', 0):
            raise InvalidModelArgsError('Distilled DeiT has no register tokens; leave reg_tokens at 0.')
        super().__init__(**kwargs)
        self.head_dist = self._new_head(self.num_classes)
        self.distilled_training = False

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        """timm's groups for distilled DeiT: the embeddings and distillation token, then one group per block."""
        return dict(
            stem=r'^cls_token|pos_embed|patch_embed|dist_token',
            blocks=[(r'^blocks\.(\d+)', None), (r'^norm', (99999,))],
        )

    def get_classifier(self) -> Tuple[nn.Module, nn.Module]:  # type: ignore[override]
        return self.head, self.head_dist

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace both heads with fresh ones; the pooling stays 'token'."""
        if global_pool not in (None, '', 'token'):
            raise InvalidModelArgsError("Distilled DeiT pools the class and distillation tokens; global_pool must be 'token'.")
        super().reset_classifier(num_classes)
        reference = self.patch_embed.proj.weight
        self.head_dist = self._new_head(self.num_classes).to(device=reference.device, dtype=reference.dtype)
        self.head_dist.train(self.training)

    def set_distilled_training(self, enable: bool = True) -> None:
        """In training mode, return (class-head logits, distillation-head logits) instead of their mean."""
        self.distilled_training = enable

    def _prefix_tokens(self, batch: int) -> List[torch.Tensor]:
        assert self.cls_token is not None and self.dist_token is not None
        return [self.cls_token.expand(batch, -1, -1), self.dist_token.expand(batch, -1, -1)]

    def forward_head(  # type: ignore[override]
        self, x: torch.Tensor, pre_logits: bool = False,
    ) -> Union[torch.Tensor, Tuple[torch.Tensor, torch.Tensor]]:
        x, x_dist = self.head_drop(x[:, 0]), self.head_drop(x[:, 1])
        if pre_logits:
            return (x + x_dist) / 2
        x, x_dist = self.head(x), self.head_dist(x_dist)
        if self.distilled_training and self.training:
            return x, x_dist
        return (x + x_dist) / 2


# the constructor forwards VisionTransformer's keyword arguments; advertise them for error messages
VisionTransformerDistilled.__init__.__signature__ = inspect.signature(VisionTransformer.__init__)  # type: ignore[attr-defined]


def _deit(defaults: Dict[str, Any], **kwargs: Any) -> VisionTransformer:
    return VisionTransformer(**{**defaults, **kwargs})


def _deit_distilled(defaults: Dict[str, Any], **kwargs: Any) -> VisionTransformerDistilled:
    return VisionTransformerDistilled(**{**defaults, **kwargs})


@register_model
def deit3_base_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _deit(dict(
        patch_size=16, embed_dim=768, depth=12, num_heads=12, no_embed_class=True, init_values=1e-06,
    ), **kwargs)


@register_model
def deit3_base_patch16_384(**kwargs: Any) -> VisionTransformer:
    return _deit(dict(
        img_size=384, patch_size=16, embed_dim=768, depth=12, num_heads=12, no_embed_class=True,
        init_values=1e-06,
    ), **kwargs)


@register_model
def deit3_huge_patch14_224(**kwargs: Any) -> VisionTransformer:
    return _deit(dict(
        patch_size=14, embed_dim=1280, depth=32, num_heads=16, no_embed_class=True, init_values=1e-06,
    ), **kwargs)


@register_model
def deit3_large_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _deit(dict(
        patch_size=16, embed_dim=1024, depth=24, num_heads=16, no_embed_class=True, init_values=1e-06,
    ), **kwargs)


@register_model
def deit3_large_patch16_384(**kwargs: Any) -> VisionTransformer:
    return _deit(dict(
        img_size=384, patch_size=16, embed_dim=1024, depth=24, num_heads=16, no_embed_class=True,
        init_values=1e-06,
    ), **kwargs)


@register_model
def deit3_medium_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _deit(dict(
        patch_size=16, embed_dim=512, depth=12, num_heads=8, no_embed_class=True, init_values=1e-06,
    ), **kwargs)


@register_model
def deit3_small_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _deit(dict(
        patch_size=16, embed_dim=384, depth=12, num_heads=6, no_embed_class=True, init_values=1e-06,
    ), **kwargs)


@register_model
def deit3_small_patch16_384(**kwargs: Any) -> VisionTransformer:
    return _deit(dict(
        img_size=384, patch_size=16, embed_dim=384, depth=12, num_heads=6, no_embed_class=True,
        init_values=1e-06,
    ), **kwargs)


@register_model
def deit_base_distilled_patch16_224(**kwargs: Any) -> VisionTransformerDistilled:
    return _deit_distilled(dict(patch_size=16, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def deit_base_distilled_patch16_384(**kwargs: Any) -> VisionTransformerDistilled:
    return _deit_distilled(dict(img_size=384, patch_size=16, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def deit_base_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _deit(dict(patch_size=16, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def deit_base_patch16_384(**kwargs: Any) -> VisionTransformer:
    return _deit(dict(img_size=384, patch_size=16, embed_dim=768, depth=12, num_heads=12), **kwargs)


@register_model
def deit_small_distilled_patch16_224(**kwargs: Any) -> VisionTransformerDistilled:
    return _deit_distilled(dict(patch_size=16, embed_dim=384, depth=12, num_heads=6), **kwargs)


@register_model
def deit_small_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _deit(dict(patch_size=16, embed_dim=384, depth=12, num_heads=6), **kwargs)


@register_model
def deit_tiny_distilled_patch16_224(**kwargs: Any) -> VisionTransformerDistilled:
    return _deit_distilled(dict(patch_size=16, embed_dim=192, depth=12, num_heads=3), **kwargs)


@register_model
def deit_tiny_patch16_224(**kwargs: Any) -> VisionTransformer:
    return _deit(dict(patch_size=16, embed_dim=192, depth=12, num_heads=3), **kwargs)
