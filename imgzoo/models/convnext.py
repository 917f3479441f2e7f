"""ConvNeXt and ConvNeXt-V2 (Liu et al. 2022, "A ConvNet for the 2020s"; Woo et al. 2023).

Module and parameter names follow timm's `convnext.py`, so its checkpoints load strictly.
A block is a 7x7 depthwise conv, a norm and an MLP, scaled per channel (layer scale, V1) and
added to the input. The MLP runs channels-last with nn.Linear, or on NCHW with 1x1 convs
(`conv_mlp`, the small timm variants). V2 drops layer scale and puts global response
normalisation inside the MLP. The head pools, normalises, then classifies (`head.fc`).
Options: a patch stem or overlapping 3x3 conv stems (`stem_type`), LayerNorm, RMSNorm or
SimpleNorm (`norm_layer`), an MLP head (`head_hidden_size`), norm before pooling
(`head_norm_first`), dilated later stages (`output_stride` 16 or 8).
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple, Union

import torch
from torch import nn

from ..errors import InvalidModelArgsError
from ..features import check_output_fmt, feature_take_indices
from ..layers import DropPath, LayerNorm2d, Mlp, check_num_classes, create_act, create_conv2d, make_divisible
from ..layers.classifier import ClassifierHead, NormMlpClassifierHead
from ..layers.mlp import GlobalResponseNormMlp
from ..layers.rms_norm import RmsNorm, RmsNorm2d, SimpleNorm, SimpleNorm2d
from ..registry import register_model
from ._base import ImgzooModel, checkpoint_seq


NormLayer = Callable[[int], nn.Module]
ActLayer = Union[str, Callable[..., nn.Module]]

_NORM_LAYERS: Dict[str, Tuple[Callable[..., nn.Module], Callable[..., nn.Module]]] = {
    'layernorm': (LayerNorm2d, partial(nn.LayerNorm, eps=1e-6)),
    'layernorm2d': (LayerNorm2d, partial(nn.LayerNorm, eps=1e-6)),
    'simplenorm': (SimpleNorm2d, SimpleNorm),
    'simplenorm2d': (SimpleNorm2d, SimpleNorm),
    'rmsnorm': (RmsNorm2d, RmsNorm),
    'rmsnorm2d': (RmsNorm2d, RmsNorm),
}
STEM_TYPES = ('patch', 'overlap', 'overlap_tiered', 'overlap_act')


def _norm_layers(norm_layer: Optional[str], conv_mlp: bool, norm_eps: Optional[float]) -> Tuple[NormLayer, NormLayer]:
    """The NCHW norm and the norm used inside blocks (channels-last unless conv_mlp)."""
    name = norm_layer or 'layernorm'
    if name not in _NORM_LAYERS:
        raise InvalidModelArgsError(f"norm_layer must be one of {tuple(_NORM_LAYERS)}, got {norm_layer!r}.")
    nchw, channels_last = _NORM_LAYERS[name]
    block_norm = nchw if conv_mlp else channels_last
    if norm_eps is not None:
        return partial(nchw, eps=norm_eps), partial(block_norm, eps=norm_eps)
    return nchw, block_norm


class ConvNeXtBlock(nn.Module):
    """Depthwise conv → norm → MLP (4x) → layer scale, plus the input."""

    def __init__(
        self, dim: int, kernel_size: int = 7, dilation: int = 1, mlp_ratio: float = 4.0, conv_mlp: bool = False,
        conv_bias: bool = True, use_grn: bool = False, ls_init_value: Optional[float] = 1e-6,
        act_layer: ActLayer = 'gelu', norm_layer: Optional[NormLayer] = None, drop_path: float = 0.0,
    ) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = LayerNorm2d if conv_mlp else partial(nn.LayerNorm, eps=1e-6)
        mlp_layer = GlobalResponseNormMlp if use_grn else Mlp
        self.use_conv_mlp = conv_mlp
        self.conv_dw = create_conv2d(dim, dim, kernel_size, dilation=dilation, depthwise=True, bias=conv_bias)
        self.norm = norm_layer(dim)
        self.mlp = mlp_layer(dim, int(mlp_ratio * dim), act_layer=act_layer, use_conv=conv_mlp)
        self.gamma = nn.Parameter(ls_init_value * torch.ones(dim)) if ls_init_value is not None else None
        self.shortcut = nn.Identity()
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
        return self.drop_path(x) + self.shortcut(shortcut)


class ConvNeXtStage(nn.Module):
    """Optional downsample (norm, then a 2x2 stride-2 conv) followed by `depth` blocks."""

    def __init__(
        self, in_chs: int, out_chs: int, stride: int, depth: int, drop_path_rates: Sequence[float],
        norm_layer: NormLayer, norm_layer_cl: NormLayer, kernel_size: int = 7, dilation: Tuple[int, int] = (1, 1),
        conv_mlp: bool = False, conv_bias: bool = True, use_grn: bool = False,
        ls_init_value: Optional[float] = 1e-6, act_layer: ActLayer = 'gelu',
    ) -> None:
        super().__init__()
        self.grad_checkpointing = False
        self.downsample: nn.Module
        if in_chs != out_chs or stride > 1 or dilation[0] != dilation[1]:
            downsample_kernel = 2 if stride > 1 or dilation[0] != dilation[1] else 1
            self.downsample = nn.Sequential(
                norm_layer(in_chs),
                create_conv2d(in_chs, out_chs, downsample_kernel, stride=stride, dilation=dilation[0],
                              padding='same' if dilation[1] > 1 else 0, bias=conv_bias),
            )
        else:
            self.downsample = nn.Identity()
        self.blocks = nn.Sequential(*[
            ConvNeXtBlock(
                out_chs, kernel_size=kernel_size, dilation=dilation[1], conv_mlp=conv_mlp, conv_bias=conv_bias,
                use_grn=use_grn, ls_init_value=ls_init_value, act_layer=act_layer,
                norm_layer=norm_layer if conv_mlp else norm_layer_cl, drop_path=drop_path_rates[i],
            )
            for i in range(depth)
        ])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.downsample(x)
        if self.grad_checkpointing:
            return checkpoint_seq(self.blocks, x)
        return self.blocks(x)


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


class ConvNeXt(ImgzooModel):
    """ConvNeXt (V1 and, with use_grn and no layer scale, V2); see the module docstring."""

    def __init__(
        self,
        depths: Sequence[int] = (3, 3, 9, 3),
        dims: Sequence[int] = (96, 192, 384, 768),
        num_classes: int = 1000,
        in_chans: int = 3,
        global_pool: str = 'avg',
        output_stride: int = 32,
        kernel_sizes: Union[int, Sequence[int]] = 7,
        ls_init_value: Optional[float] = 1e-6,
        stem_type: str = 'patch',
        patch_size: int = 4,
        head_init_scale: float = 1.0,
        head_norm_first: bool = False,
        head_hidden_size: Optional[int] = None,
        conv_mlp: bool = False,
        conv_bias: bool = True,
        use_grn: bool = False,
        act_layer: ActLayer = 'gelu',
        norm_layer: Optional[str] = None,
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
        if output_stride not in (8, 16, 32):
            raise InvalidModelArgsError(f"output_stride must be 8, 16 or 32, got {output_stride!r}.")
        if stem_type not in STEM_TYPES:
            raise InvalidModelArgsError(f"stem_type must be one of {STEM_TYPES}, got {stem_type!r}.")
        norm_layer_2d, norm_layer_cl = _norm_layers(norm_layer, conv_mlp, norm_eps)

        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.drop_rate = drop_rate
        self.head_init_scale = head_init_scale

        if stem_type == 'patch':
            self.stem = nn.Sequential(
                nn.Conv2d(in_chans, dims[0], kernel_size=patch_size, stride=patch_size, bias=conv_bias),
                norm_layer_2d(dims[0]),
            )
            stem_stride = patch_size
        else:
            mid_chs = make_divisible(dims[0] // 2) if 'tiered' in stem_type else dims[0]
            self.stem = nn.Sequential(*filter(None, [
                nn.Conv2d(in_chans, mid_chs, kernel_size=3, stride=2, padding=1, bias=conv_bias),
                create_act(act_layer) if 'act' in stem_type else None,
                nn.Conv2d(mid_chs, dims[0], kernel_size=3, stride=2, padding=1, bias=conv_bias),
                norm_layer_2d(dims[0]),
            ]))
            stem_stride = 4

        dp_rates = _drop_path_rates(drop_path_rate, depths)
        stages = []
        self.feature_info = []
        prev_chs, curr_stride, dilation = dims[0], stem_stride, 1
        for i in range(4):
            stride = 2 if curr_stride == 2 or i > 0 else 1
            if curr_stride >= output_stride and stride > 1:
                dilation *= stride
                stride = 1
            curr_stride *= stride
            first_dilation = 1 if dilation in (1, 2) else 2
            stages.append(ConvNeXtStage(
                prev_chs, dims[i], stride=stride, depth=depths[i], drop_path_rates=dp_rates[i],
                norm_layer=norm_layer_2d, norm_layer_cl=norm_layer_cl, kernel_size=kernel_sizes[i],
                dilation=(first_dilation, dilation), conv_mlp=conv_mlp, conv_bias=conv_bias, use_grn=use_grn,
                ls_init_value=ls_init_value, act_layer=act_layer,
            ))
            prev_chs = dims[i]
            self.feature_info.append(dict(num_chs=prev_chs, reduction=curr_stride, module=f'stages.{i}'))
        self.stages = nn.Sequential(*stages)
        self.num_features = prev_chs

        self.head: Union[ClassifierHead, NormMlpClassifierHead]
        if head_norm_first:
            self.norm_pre = norm_layer_2d(self.num_features)
            self.head = ClassifierHead(self.num_features, self.num_classes, pool_type=global_pool, drop_rate=drop_rate)
        else:
            self.norm_pre = nn.Identity()
            self.head = NormMlpClassifierHead(
                self.num_features, self.num_classes, hidden_size=head_hidden_size, pool_type=global_pool,
                drop_rate=drop_rate, norm_layer=norm_layer_2d, act_layer='gelu',
            )
        self.head_hidden_size = self.head.num_features
        for name, module in self.named_modules():
            _init_weights(module, name, head_init_scale)

    def init_new_module(self, name: str, module: nn.Module) -> None:
        """Initialise a module the checkpoint did not cover (e.g. a new classifier) as a fresh model would."""
        _init_weights(module, name, self.head_init_scale)

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(
            stem=r'^stem',
            blocks=r'^stages\.(\d+)' if coarse else [
                (r'^stages\.(\d+)\.downsample', (0,)),
                (r'^stages\.(\d+)\.blocks\.(\d+)', None),
                (r'^norm_pre', (99999,)),
            ],
        )

    def set_grad_checkpointing(self, enable: bool = True) -> None:
        """Recompute each stage's block activations in the backward pass instead of storing them."""
        self.grad_checkpointing = enable
        for stage in self.stages:
            stage.grad_checkpointing = enable

    def get_classifier(self) -> nn.Module:
        return self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None, reset_other: bool = False) -> None:
        """Replace the classifier (and optionally the pooling; with reset_other also the head norm and
        hidden layer) with a fresh one."""
        self.num_classes = check_num_classes(num_classes)
        if isinstance(self.head, NormMlpClassifierHead):
            self.head.reset(self.num_classes, global_pool, reset_other=reset_other, in_features=self.num_features)
        else:
            self.head.reset(self.num_classes, global_pool, in_features=self.num_features)
        _init_weights(self.head.fc, 'head.fc', self.head_init_scale)
        self.head_hidden_size = self.head.num_features

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the outputs of the stages at indices; norm applies the pre-head norm
        (head_norm_first models) to the last stage's map."""
        check_output_fmt(output_fmt)
        take_indices, max_index = feature_take_indices(len(self.stages), indices)
        intermediates = []
        x = self.stem(x)
        last_idx = len(self.stages) - 1
        stages = self.stages[:max_index + 1] if stop_early else self.stages
        feat_idx = 0
        for feat_idx, stage in enumerate(stages):
            x = stage(x)
            if feat_idx in take_indices:
                intermediates.append(self.norm_pre(x) if norm and feat_idx == last_idx else x)
        if intermediates_only:
            return intermediates
        if feat_idx == last_idx:
            x = self.norm_pre(x)
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the stages after the last index needed (and the head); returns the kept indices."""
        take_indices, max_index = feature_take_indices(len(self.stages), indices)
        prune_end = max_index < len(self.stages) - 1
        if prune_norm or prune_end:
            self.norm_pre = nn.Identity()
        self.stages = self.stages[:max_index + 1]
        if prune_end:
            self.num_features = self.head_hidden_size = self.feature_info[max_index]['num_chs']
        if prune_head or prune_end:
            self.reset_classifier(0, '', reset_other=True)
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm_pre(self.stages(self.stem(x)))

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        return self.head(x, pre_logits=pre_logits)

    def no_weight_decay(self) -> Set[str]:
        return set()

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


def _arch(depths: Sequence[int], dims: Sequence[int], **defaults: Any) -> Callable[..., ConvNeXt]:
    def build(**kwargs: Any) -> ConvNeXt:
        return _convnext(**{'depths': depths, 'dims': dims, **defaults, **kwargs})
    return build


_V2 = dict(use_grn=True, ls_init_value=None)
_ATTO, _FEMTO, _PICO = ((2, 2, 6, 2), (40, 80, 160, 320)), ((2, 2, 6, 2), (48, 96, 192, 384)), ((2, 2, 6, 2), (64, 128, 256, 512))
_NANO, _TINY = ((2, 2, 8, 2), (80, 160, 320, 640)), ((3, 3, 9, 3), (96, 192, 384, 768))
_SMALL, _BASE = ((3, 3, 27, 3), (96, 192, 384, 768)), ((3, 3, 27, 3), (128, 256, 512, 1024))
_LARGE, _XLARGE = ((3, 3, 27, 3), (192, 384, 768, 1536)), ((3, 3, 27, 3), (256, 512, 1024, 2048))


@register_model
def convnext_zepto_rms(**kwargs: Any) -> ConvNeXt:
    return _arch((2, 2, 4, 2), (32, 64, 128, 256), conv_mlp=True, norm_layer='simplenorm')(**kwargs)


@register_model
def convnext_zepto_rms_ols(**kwargs: Any) -> ConvNeXt:
    return _arch((2, 2, 4, 2), (32, 64, 128, 256), conv_mlp=True, norm_layer='simplenorm',
                 stem_type='overlap_act')(**kwargs)


@register_model
def convnext_atto(**kwargs: Any) -> ConvNeXt:
    return _arch(*_ATTO, conv_mlp=True)(**kwargs)


@register_model
def convnext_atto_ols(**kwargs: Any) -> ConvNeXt:
    return _arch(*_ATTO, conv_mlp=True, stem_type='overlap_tiered')(**kwargs)


@register_model
def convnext_atto_rms(**kwargs: Any) -> ConvNeXt:
    return _arch(*_ATTO, conv_mlp=True, norm_layer='rmsnorm2d')(**kwargs)


@register_model
def convnext_femto(**kwargs: Any) -> ConvNeXt:
    return _arch(*_FEMTO, conv_mlp=True)(**kwargs)


@register_model
def convnext_femto_ols(**kwargs: Any) -> ConvNeXt:
    return _arch(*_FEMTO, conv_mlp=True, stem_type='overlap_tiered')(**kwargs)


@register_model
def convnext_pico(**kwargs: Any) -> ConvNeXt:
    return _arch(*_PICO, conv_mlp=True)(**kwargs)


@register_model
def convnext_pico_ols(**kwargs: Any) -> ConvNeXt:
    return _arch(*_PICO, conv_mlp=True, stem_type='overlap_tiered')(**kwargs)


@register_model
def convnext_nano(**kwargs: Any) -> ConvNeXt:
    return _arch(*_NANO, conv_mlp=True)(**kwargs)


@register_model
def convnext_nano_ols(**kwargs: Any) -> ConvNeXt:
    return _arch(*_NANO, conv_mlp=True, stem_type='overlap')(**kwargs)


@register_model
def convnext_tiny_hnf(**kwargs: Any) -> ConvNeXt:
    return _arch(*_TINY, head_norm_first=True, conv_mlp=True)(**kwargs)


@register_model
def convnext_tiny(**kwargs: Any) -> ConvNeXt:
    return _arch(*_TINY)(**kwargs)


@register_model
def convnext_small(**kwargs: Any) -> ConvNeXt:
    return _arch(*_SMALL)(**kwargs)


@register_model
def convnext_base(**kwargs: Any) -> ConvNeXt:
    return _arch(*_BASE)(**kwargs)


@register_model
def convnext_large(**kwargs: Any) -> ConvNeXt:
    return _arch(*_LARGE)(**kwargs)


@register_model
def convnext_large_mlp(**kwargs: Any) -> ConvNeXt:
    return _arch(*_LARGE, head_hidden_size=1536)(**kwargs)


@register_model
def convnext_xlarge(**kwargs: Any) -> ConvNeXt:
    return _arch(*_XLARGE)(**kwargs)


@register_model
def convnext_xxlarge(**kwargs: Any) -> ConvNeXt:
    return _arch((3, 4, 30, 3), (384, 768, 1536, 3072), norm_eps=1e-5)(**kwargs)


@register_model
def convnextv2_atto(**kwargs: Any) -> ConvNeXt:
    return _arch(*_ATTO, conv_mlp=True, **_V2)(**kwargs)


@register_model
def convnextv2_femto(**kwargs: Any) -> ConvNeXt:
    return _arch(*_FEMTO, conv_mlp=True, **_V2)(**kwargs)


@register_model
def convnextv2_pico(**kwargs: Any) -> ConvNeXt:
    return _arch(*_PICO, conv_mlp=True, **_V2)(**kwargs)


@register_model
def convnextv2_nano(**kwargs: Any) -> ConvNeXt:
    return _arch(*_NANO, conv_mlp=True, **_V2)(**kwargs)


@register_model
def convnextv2_tiny(**kwargs: Any) -> ConvNeXt:
    return _arch(*_TINY, **_V2)(**kwargs)


@register_model
def convnextv2_small(**kwargs: Any) -> ConvNeXt:
    return _arch(*_SMALL, **_V2)(**kwargs)


@register_model
def convnextv2_base(**kwargs: Any) -> ConvNeXt:
    return _arch(*_BASE, **_V2)(**kwargs)


@register_model
def convnextv2_large(**kwargs: Any) -> ConvNeXt:
    return _arch(*_LARGE, **_V2)(**kwargs)


@register_model
def convnextv2_huge(**kwargs: Any) -> ConvNeXt:
    return _arch((3, 3, 27, 3), (352, 704, 1408, 2816), **_V2)(**kwargs)


@register_model
def test_convnext(**kwargs: Any) -> ConvNeXt:
    return _arch((1, 2, 4, 2), (24, 32, 48, 64), norm_eps=1e-5, act_layer='gelu_tanh')(**kwargs)


@register_model
def test_convnext2(**kwargs: Any) -> ConvNeXt:
    return _arch((1, 1, 1, 1), (32, 64, 96, 128), norm_eps=1e-5, act_layer='gelu_tanh')(**kwargs)


@register_model
def test_convnext3(**kwargs: Any) -> ConvNeXt:
    return _arch((1, 1, 1, 1), (32, 64, 96, 128), norm_eps=1e-5, kernel_sizes=(7, 5, 5, 3),
                 act_layer='silu')(**kwargs)
