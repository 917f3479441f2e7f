"""ConvNeXt and ConvNeXt-V2 (Liu et al. 2022, "A ConvNet for the 2020s"; Woo et al. 2023).

Module and parameter names follow timm's `convnext.py`, so its checkpoints load strictly.
A block is a 7x7 depthwise conv, a norm and an MLP, scaled per channel (layer scale, V1) and
added to the input. The MLP runs channels-last with nn.Linear, or on NCHW with 1x1 convs
(`conv_mlp`, the small timm variants). V2 drops layer scale and puts global response
normalisation inside the MLP. The head pools, normalises, then classifies (`head.fc`).
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import torch
from torch import nn

from ..errors import InvalidModelArgsError
from ..layers import DropPath, LayerNorm2d, Mlp, check_num_classes
from ..layers.classifier import ClassifierHead, NormMlpClassifierHead
from ..layers.mlp import GlobalResponseNormMlp
from ..registry import register_model


NormLayer = Callable[[int], nn.Module]


class ConvNeXtBlock(nn.Module):
    """Depthwise conv → norm → MLP (4x) → layer scale, plus the input."""

    def __init__(
        self, dim: int, kernel_size: int = 7, mlp_ratio: float = 4.0, conv_mlp: bool = False,
        conv_bias: bool = True, use_grn: bool = False, ls_init_value: Optional[float] = 1e-6,
        act_layer: Union[str, Callable[..., nn.Module]] = 'gelu', norm_layer: Optional[NormLayer] = None,
        drop_path: float = 0.0,
    ) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = LayerNorm2d if conv_mlp else partial(nn.LayerNorm, eps=1e-6)
        mlp_layer = GlobalResponseNormMlp if use_grn else Mlp
        self.use_conv_mlp = conv_mlp
        self.conv_dw = nn.Conv2d(dim, dim, kernel_size, padding=kernel_size // 2, groups=dim, bias=conv_bias)
        self.norm = norm_layer(dim)
        self.mlp = mlp_layer(dim, int(mlp_ratio * dim), act_layer=act_layer, use_conv=conv_mlp)
        self.gamma = nn.Parameter(ls_init_value * torch.ones(dim)) if ls_init_value is not None else None
        self.drop_path = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.conv_dw(x)
        if self.use_conv_mlp:
            x = self.mlp(self.norm(x))
        else:
            x = self.mlp(self.norm(x.permute(0, 2, 3, 1))).permute(0, 3, 1, 2)
        if self.gamma is not None:
            x = x.mul(self.gamma.reshape(1, -1, 1, 1))
        return self.drop_path(x) + shortcut


class ConvNeXtStage(nn.Module):
    """Optional downsample (norm, then a 2x2 stride-2 conv) followed by `depth` blocks."""

    def __init__(
        self, in_chs: int, out_chs: int, stride: int, depth: int, drop_path_rates: Sequence[float],
        norm_layer: NormLayer, norm_layer_cl: NormLayer, kernel_size: int = 7, conv_mlp: bool = False,
        conv_bias: bool = True, use_grn: bool = False, ls_init_value: Optional[float] = 1e-6,
        act_layer: Union[str, Callable[..., nn.Module]] = 'gelu',
    ) -> None:
        super().__init__()
        self.downsample: nn.Module
        if in_chs != out_chs or stride > 1:
            self.downsample = nn.Sequential(
                norm_layer(in_chs),
                nn.Conv2d(in_chs, out_chs, kernel_size=2 if stride > 1 else 1, stride=stride, bias=conv_bias),
            )
        else:
            self.downsample = nn.Identity()
        self.blocks = nn.Sequential(*[
            ConvNeXtBlock(
                out_chs, kernel_size=kernel_size, conv_mlp=conv_mlp, conv_bias=conv_bias, use_grn=use_grn,
                ls_init_value=ls_init_value, act_layer=act_layer,
                norm_layer=norm_layer if conv_mlp else norm_layer_cl, drop_path=drop_path_rates[i],
            )
            for i in range(depth)
        ])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks(self.downsample(x))


def _drop_path_rates(drop_path_rate: float, depths: Sequence[int]) -> List[List[float]]:
    """Rates rising linearly from 0 over all blocks, split per stage."""
    total = sum(depths)
    rates = [drop_path_rate * i / max(total - 1, 1) for i in range(total)]
    out, start = [], 0
    for depth in depths:
        out.append(rates[start:start + depth])
        start += depth
    return out


def _init_weights(module: nn.Module, name: str = '', head_init_scale: float = 1.0) -> None:
    if isinstance(module, (nn.Conv2d, nn.Linear)):
        nn.init.trunc_normal_(module.weight, std=0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
        if isinstance(module, nn.Linear) and 'head.' in f'{name}.' and head_init_scale != 1.0:
            with torch.no_grad():
                module.weight.mul_(head_init_scale)
                module.bias.mul_(head_init_scale)
    elif hasattr(module, 'reset_parameters'):
        module.reset_parameters()


class ConvNeXt(nn.Module):
    """ConvNeXt (V1 and, with use_grn and no layer scale, V2); see the module docstring."""

    def __init__(
        self,
        depths: Sequence[int] = (3, 3, 9, 3),
        dims: Sequence[int] = (96, 192, 384, 768),
        num_classes: int = 1000,
        in_chans: int = 3,
        global_pool: str = 'avg',
        kernel_sizes: Union[int, Sequence[int]] = 7,
        ls_init_value: Optional[float] = 1e-6,
        patch_size: int = 4,
        head_init_scale: float = 1.0,
        head_norm_first: bool = False,
        head_hidden_size: Optional[int] = None,
        conv_mlp: bool = False,
        conv_bias: bool = True,
        use_grn: bool = False,
        act_layer: Union[str, Callable[..., nn.Module]] = 'gelu',
        norm_eps: Optional[float] = None,
        drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
    ) -> None:
        super().__init__()
        depths, dims = tuple(depths), tuple(dims)
        if len(depths) != 4 or len(dims) != 4:
            raise InvalidModelArgsError(f"depths and dims need 4 entries each, got depths={depths}, dims={dims}.")
        kernel_sizes = (kernel_sizes,) * 4 if isinstance(kernel_sizes, int) else tuple(kernel_sizes)
        if len(kernel_sizes) != 4:
            raise InvalidModelArgsError(f"kernel_sizes needs 1 or 4 entries, got {kernel_sizes}.")
        if head_norm_first and head_hidden_size:
            raise InvalidModelArgsError("head_hidden_size needs head_norm_first=False (the default).")
        eps = 1e-6 if norm_eps is None else norm_eps
        norm_layer: NormLayer = partial(LayerNorm2d, eps=eps)
        norm_layer_cl: NormLayer = norm_layer if conv_mlp else partial(nn.LayerNorm, eps=eps)

        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate
        self.head_init_scale = head_init_scale

        self.stem = nn.Sequential(
            nn.Conv2d(in_chans, dims[0], kernel_size=patch_size, stride=patch_size, bias=conv_bias),
            norm_layer(dims[0]),
        )
        dp_rates = _drop_path_rates(drop_path_rate, depths)
        stages = []
        prev_chs = dims[0]
        for i in range(4):
            stages.append(ConvNeXtStage(
                prev_chs, dims[i], stride=2 if i > 0 else 1, depth=depths[i], drop_path_rates=dp_rates[i],
                norm_layer=norm_layer, norm_layer_cl=norm_layer_cl, kernel_size=kernel_sizes[i],
                conv_mlp=conv_mlp, conv_bias=conv_bias, use_grn=use_grn, ls_init_value=ls_init_value,
                act_layer=act_layer,
            ))
            prev_chs = dims[i]
        self.stages = nn.Sequential(*stages)
        self.num_features = prev_chs

        self.head: Union[ClassifierHead, NormMlpClassifierHead]
        if head_norm_first:
            self.norm_pre = norm_layer(self.num_features)
            self.head = ClassifierHead(self.num_features, self.num_classes, pool_type=global_pool, drop_rate=drop_rate)
        else:
            self.norm_pre = nn.Identity()
            self.head = NormMlpClassifierHead(
                self.num_features, self.num_classes, hidden_size=head_hidden_size, pool_type=global_pool,
                drop_rate=drop_rate, norm_layer=norm_layer, act_layer='gelu',
            )
        self.head_hidden_size = self.head.num_features
        for name, module in self.named_modules():
            _init_weights(module, name, head_init_scale)

    def init_new_module(self, name: str, module: nn.Module) -> None:
        """Initialise a module the checkpoint did not cover (e.g. a new classifier) as a fresh model would."""
        _init_weights(module, name, self.head_init_scale)

    def get_classifier(self) -> nn.Module:
        return self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and optionally the pooling) with a fresh one."""
        self.num_classes = check_num_classes(num_classes)
        self.head.reset(self.num_classes, global_pool)
        _init_weights(self.head.fc, 'head.fc', self.head_init_scale)
        self.head_hidden_size = self.head.num_features

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm_pre(self.stages(self.stem(x)))

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        return self.head(x, pre_logits=pre_logits)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_head(self.forward_features(x))

    def adapt_pretrained_state_dict(self, state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """Give FCMAE (self-supervised) checkpoints, which have neither head norm nor classifier, an identity
        head norm, which is what timm's non-strict load of them leaves."""
        norm = self.head.norm if isinstance(self.head, NormMlpClassifierHead) else None
        head_keys = ('head.norm.weight', 'head.norm.bias', 'head.fc.weight')
        if isinstance(norm, nn.LayerNorm) and 'stem.0.weight' in state_dict and not any(
                k in state_dict for k in head_keys):
            ref = state_dict['stem.0.weight']
            state_dict = dict(state_dict)
            state_dict['head.norm.weight'] = torch.ones(norm.normalized_shape, dtype=ref.dtype)
            state_dict['head.norm.bias'] = torch.zeros(norm.normalized_shape, dtype=ref.dtype)
        return state_dict


def _convnext(**kwargs: Any) -> ConvNeXt:
    return ConvNeXt(**kwargs)


@register_model
def convnext_atto(**kwargs: Any) -> ConvNeXt:
    return _convnext(**{'depths': (2, 2, 6, 2), 'dims': (40, 80, 160, 320), 'conv_mlp': True, **kwargs})


@register_model
def convnext_nano(**kwargs: Any) -> ConvNeXt:
    return _convnext(**{'depths': (2, 2, 8, 2), 'dims': (80, 160, 320, 640), 'conv_mlp': True, **kwargs})


@register_model
def convnext_tiny(**kwargs: Any) -> ConvNeXt:
    return _convnext(**{'depths': (3, 3, 9, 3), 'dims': (96, 192, 384, 768), **kwargs})


@register_model
def convnext_small(**kwargs: Any) -> ConvNeXt:
    return _convnext(**{'depths': (3, 3, 27, 3), 'dims': (96, 192, 384, 768), **kwargs})


@register_model
def convnext_base(**kwargs: Any) -> ConvNeXt:
    return _convnext(**{'depths': (3, 3, 27, 3), 'dims': (128, 256, 512, 1024), **kwargs})


@register_model
def convnext_large(**kwargs: Any) -> ConvNeXt:
    return _convnext(**{'depths': (3, 3, 27, 3), 'dims': (192, 384, 768, 1536), **kwargs})


_V2 = dict(use_grn=True, ls_init_value=None)


@register_model
def convnextv2_atto(**kwargs: Any) -> ConvNeXt:
    return _convnext(**{'depths': (2, 2, 6, 2), 'dims': (40, 80, 160, 320), 'conv_mlp': True, **_V2, **kwargs})


@register_model
def convnextv2_tiny(**kwargs: Any) -> ConvNeXt:
    return _convnext(**{'depths': (3, 3, 9, 3), 'dims': (96, 192, 384, 768), **_V2, **kwargs})


@register_model
def convnextv2_base(**kwargs: Any) -> ConvNeXt:
    return _convnext(**{'depths': (3, 3, 27, 3), 'dims': (128, 256, 512, 1024), **_V2, **kwargs})
