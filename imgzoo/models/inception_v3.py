"""Inception-v3 (Szegedy et al. 2015), with the optional auxiliary classifier.

Module and parameter names follow timm's `inception_v3.py` (itself torchvision's), so its checkpoints
load strictly. Convs are conv + BatchNorm (eps 1e-3) + ReLU with no padding unless stated; the
default input is 299x299 with Inception's own mean/std (see the tag table). torchvision's weights
(`tv_in1k`) carry the auxiliary classifier: a model built without it drops those weights on load, and
a model built with it (`aux_logits=True`) from weights without them initialises it afresh.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..features import check_output_fmt, feature_take_indices
from ..layers import ConvNormAct, check_num_classes, create_classifier
from ..registry import register_model
from ._base import ImgzooModel, checkpoint_seq

ConvBlock = Callable[..., nn.Module]


class InceptionA(nn.Module):
    """35x35 block: 1x1, 5x5, double 3x3 and pooled 1x1 branches."""

    def __init__(self, in_channels: int, pool_features: int, conv_block: ConvBlock) -> None:
        super().__init__()
        self.branch1x1 = conv_block(in_channels, 64, kernel_size=1)
        self.branch5x5_1 = conv_block(in_channels, 48, kernel_size=1)
        self.branch5x5_2 = conv_block(48, 64, kernel_size=5, padding=2)
        self.branch3x3dbl_1 = conv_block(in_channels, 64, kernel_size=1)
        self.branch3x3dbl_2 = conv_block(64, 96, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = conv_block(96, 96, kernel_size=3, padding=1)
        self.branch_pool = conv_block(in_channels, pool_features, kernel_size=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        branch1x1 = self.branch1x1(x)
        branch5x5 = self.branch5x5_2(self.branch5x5_1(x))
        branch3x3dbl = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        branch_pool = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([branch1x1, branch5x5, branch3x3dbl, branch_pool], 1)


class InceptionB(nn.Module):
    """35 -> 17 reduction: strided 3x3, double 3x3 and max-pool branches."""

    def __init__(self, in_channels: int, conv_block: ConvBlock) -> None:
        super().__init__()
        self.branch3x3 = conv_block(in_channels, 384, kernel_size=3, stride=2)
        self.branch3x3dbl_1 = conv_block(in_channels, 64, kernel_size=1)
        self.branch3x3dbl_2 = conv_block(64, 96, kernel_size=3, padding=1)
        self.branch3x3dbl_3 = conv_block(96, 96, kernel_size=3, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        branch3x3 = self.branch3x3(x)
        branch3x3dbl = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        branch_pool = F.max_pool2d(x, kernel_size=3, stride=2)
        return torch.cat([branch3x3, branch3x3dbl, branch_pool], 1)


class InceptionC(nn.Module):
    """17x17 block with factorised 1x7 / 7x1 convolutions."""

    def __init__(self, in_channels: int, channels_7x7: int, conv_block: ConvBlock) -> None:
        super().__init__()
        c7 = channels_7x7
        self.branch1x1 = conv_block(in_channels, 192, kernel_size=1)
        self.branch7x7_1 = conv_block(in_channels, c7, kernel_size=1)
        self.branch7x7_2 = conv_block(c7, c7, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7_3 = conv_block(c7, 192, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_1 = conv_block(in_channels, c7, kernel_size=1)
        self.branch7x7dbl_2 = conv_block(c7, c7, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_3 = conv_block(c7, c7, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7dbl_4 = conv_block(c7, c7, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7dbl_5 = conv_block(c7, 192, kernel_size=(1, 7), padding=(0, 3))
        self.branch_pool = conv_block(in_channels, 192, kernel_size=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        branch1x1 = self.branch1x1(x)
        branch7x7 = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        branch7x7dbl = self.branch7x7dbl_1(x)
        branch7x7dbl = self.branch7x7dbl_3(self.branch7x7dbl_2(branch7x7dbl))
        branch7x7dbl = self.branch7x7dbl_5(self.branch7x7dbl_4(branch7x7dbl))
        branch_pool = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([branch1x1, branch7x7, branch7x7dbl, branch_pool], 1)


class InceptionD(nn.Module):
    """17 -> 8 reduction: 3x3 and 7x7-then-3x3 strided branches and a max pool."""

    def __init__(self, in_channels: int, conv_block: ConvBlock) -> None:
        super().__init__()
        self.branch3x3_1 = conv_block(in_channels, 192, kernel_size=1)
        self.branch3x3_2 = conv_block(192, 320, kernel_size=3, stride=2)
        self.branch7x7x3_1 = conv_block(in_channels, 192, kernel_size=1)
        self.branch7x7x3_2 = conv_block(192, 192, kernel_size=(1, 7), padding=(0, 3))
        self.branch7x7x3_3 = conv_block(192, 192, kernel_size=(7, 1), padding=(3, 0))
        self.branch7x7x3_4 = conv_block(192, 192, kernel_size=3, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        branch3x3 = self.branch3x3_2(self.branch3x3_1(x))
        branch7x7x3 = self.branch7x7x3_2(self.branch7x7x3_1(x))
        branch7x7x3 = self.branch7x7x3_4(self.branch7x7x3_3(branch7x7x3))
        branch_pool = F.max_pool2d(x, kernel_size=3, stride=2)
        return torch.cat([branch3x3, branch7x7x3, branch_pool], 1)


class InceptionE(nn.Module):
    """8x8 block whose 3x3 branches split into parallel 1x3 and 3x1 convs."""

    def __init__(self, in_channels: int, conv_block: ConvBlock) -> None:
        super().__init__()
        self.branch1x1 = conv_block(in_channels, 320, kernel_size=1)
        self.branch3x3_1 = conv_block(in_channels, 384, kernel_size=1)
        self.branch3x3_2a = conv_block(384, 384, kernel_size=(1, 3), padding=(0, 1))
        self.branch3x3_2b = conv_block(384, 384, kernel_size=(3, 1), padding=(1, 0))
        self.branch3x3dbl_1 = conv_block(in_channels, 448, kernel_size=1)
        self.branch3x3dbl_2 = conv_block(448, 384, kernel_size=3, padding=1)
        self.branch3x3dbl_3a = conv_block(384, 384, kernel_size=(1, 3), padding=(0, 1))
        self.branch3x3dbl_3b = conv_block(384, 384, kernel_size=(3, 1), padding=(1, 0))
        self.branch_pool = conv_block(in_channels, 192, kernel_size=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        branch1x1 = self.branch1x1(x)
        branch3x3 = self.branch3x3_1(x)
        branch3x3 = torch.cat([self.branch3x3_2a(branch3x3), self.branch3x3_2b(branch3x3)], 1)
        branch3x3dbl = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        branch3x3dbl = torch.cat([self.branch3x3dbl_3a(branch3x3dbl), self.branch3x3dbl_3b(branch3x3dbl)], 1)
        branch_pool = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))
        return torch.cat([branch1x1, branch3x3, branch3x3dbl, branch_pool], 1)


class InceptionAux(nn.Module):
    """Auxiliary classifier on the 17x17 features (used in training)."""

    def __init__(self, in_channels: int, num_classes: int, conv_block: ConvBlock) -> None:
        super().__init__()
        self.conv0 = conv_block(in_channels, 128, kernel_size=1)
        self.conv1 = conv_block(128, 768, kernel_size=5)
        self.conv1.stddev = 0.01
        self.fc: nn.Module = nn.Linear(768, num_classes) if num_classes > 0 else nn.Identity()
        self.fc.stddev = 0.001

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.avg_pool2d(x, kernel_size=5, stride=3)
        x = self.conv1(self.conv0(x))
        x = torch.flatten(F.adaptive_avg_pool2d(x, (1, 1)), 1)
        return self.fc(x)


def _init_weights(module: nn.Module) -> None:
    """timm's initialisation: truncated normal with each layer's stddev (0.1 unless set), BN at identity."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            std = getattr(m, 'stddev', 0.1)
            nn.init.trunc_normal_(m.weight, std=std, a=-2.0, b=2.0)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.constant_(m.weight, 1)
            nn.init.constant_(m.bias, 0)


LAYER_NAMES = (
    'Conv2d_1a_3x3', 'Conv2d_2a_3x3', 'Conv2d_2b_3x3', 'Pool1', 'Conv2d_3b_1x1', 'Conv2d_4a_3x3', 'Pool2',
    'Mixed_5b', 'Mixed_5c', 'Mixed_5d', 'Mixed_6a', 'Mixed_6b', 'Mixed_6c', 'Mixed_6d', 'Mixed_6e',
    'Mixed_7a', 'Mixed_7b', 'Mixed_7c',
)
AUX_AFTER = 'Mixed_6e'


class InceptionV3(ImgzooModel):
    """Inception-v3; with aux_logits=True, forward returns (logits, auxiliary logits) as in timm."""

    def __init__(
        self,
        num_classes: int = 1000,
        in_chans: int = 3,
        drop_rate: float = 0.0,
        global_pool: str = 'avg',
        aux_logits: bool = False,
        norm_eps: float = 1e-3,
        act_layer: str = 'relu',
    ) -> None:
        super().__init__()
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.aux_logits = aux_logits
        self.drop_rate = drop_rate
        conv_block = partial(ConvNormAct, padding=0, act_layer=act_layer, eps=norm_eps)
        self._conv_block = conv_block

        self.Conv2d_1a_3x3 = conv_block(in_chans, 32, kernel_size=3, stride=2)
        self.Conv2d_2a_3x3 = conv_block(32, 32, kernel_size=3)
        self.Conv2d_2b_3x3 = conv_block(32, 64, kernel_size=3, padding=1)
        self.Pool1: nn.Module = nn.MaxPool2d(kernel_size=3, stride=2)
        self.Conv2d_3b_1x1 = conv_block(64, 80, kernel_size=1)
        self.Conv2d_4a_3x3 = conv_block(80, 192, kernel_size=3)
        self.Pool2: nn.Module = nn.MaxPool2d(kernel_size=3, stride=2)
        self.Mixed_5b: nn.Module = InceptionA(192, pool_features=32, conv_block=conv_block)
        self.Mixed_5c: nn.Module = InceptionA(256, pool_features=64, conv_block=conv_block)
        self.Mixed_5d: nn.Module = InceptionA(288, pool_features=64, conv_block=conv_block)
        self.Mixed_6a: nn.Module = InceptionB(288, conv_block=conv_block)
        self.Mixed_6b: nn.Module = InceptionC(768, channels_7x7=128, conv_block=conv_block)
        self.Mixed_6c: nn.Module = InceptionC(768, channels_7x7=160, conv_block=conv_block)
        self.Mixed_6d: nn.Module = InceptionC(768, channels_7x7=160, conv_block=conv_block)
        self.Mixed_6e: nn.Module = InceptionC(768, channels_7x7=192, conv_block=conv_block)
        self.AuxLogits: Optional[InceptionAux] = \
            InceptionAux(768, self.num_classes, conv_block=conv_block) if aux_logits else None
        self.Mixed_7a: nn.Module = InceptionD(768, conv_block=conv_block)
        self.Mixed_7b: nn.Module = InceptionE(1280, conv_block=conv_block)
        self.Mixed_7c: nn.Module = InceptionE(2048, conv_block=conv_block)
        self.feature_info = [
            dict(num_chs=64, reduction=2, module='Conv2d_2b_3x3'),
            dict(num_chs=192, reduction=4, module='Conv2d_4a_3x3'),
            dict(num_chs=288, reduction=8, module='Mixed_5d'),
            dict(num_chs=768, reduction=16, module='Mixed_6e'),
            dict(num_chs=2048, reduction=32, module='Mixed_7c'),
        ]
        self.feature_ends = [LAYER_NAMES.index(info['module']) for info in self.feature_info]

        self.num_features = 2048
        self.global_pool, fc = create_classifier(self.num_features, self.num_classes, pool_type=global_pool)
        self.head_drop = nn.Dropout(drop_rate)
        self.fc = fc
        self.head_hidden_size = self.num_features * self.global_pool.feat_mult()
        _init_weights(self)

    def adapt_pretrained_state_dict(self, state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """Drop auxiliary-classifier weights this model does not have; give a fresh auxiliary classifier
        (or a fresh auxiliary fc, for another num_classes) where the checkpoint has none that fits."""
        if self.AuxLogits is None:
            return {k: v for k, v in state_dict.items() if not k.startswith('AuxLogits.')}
        fresh = InceptionAux(768, self.num_classes, conv_block=self._conv_block).to(device='cpu')
        _init_weights(fresh)
        fresh_state = {f'AuxLogits.{k}': v for k, v in fresh.state_dict().items()}
        out = dict(state_dict)
        has_aux = any(k.startswith('AuxLogits.') for k in out)
        for key, value in fresh_state.items():
            if not has_aux:
                out[key] = value
            elif key.startswith('AuxLogits.fc.') and (key not in out or out[key].shape != value.shape):
                out[key] = value
        if self.num_classes == 0:
            out = {k: v for k, v in out.items() if not k.startswith('AuxLogits.fc.')}
        return out

    def group_matcher(self, coarse: bool = False) -> Callable[[str], Union[int, float]]:
        module_map = {name: i for i, (name, _) in enumerate(self.named_children())}
        module_map.pop('fc')

        def _matcher(name: str) -> Union[int, float]:
            if name.startswith(('Conv2d_1', 'Conv2d_2')):
                return 0
            if name.startswith(('Conv2d_3', 'Conv2d_4')):
                return 1
            return module_map.get(name.split('.')[0], float('inf'))
        return _matcher

    def get_classifier(self) -> nn.Module:
        return self.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and the auxiliary one) and optionally the pooling."""
        self.num_classes = check_num_classes(num_classes)
        pool_type = self.global_pool.pool_type if global_pool is None else global_pool
        self.global_pool, self.fc = create_classifier(self.num_features, self.num_classes, pool_type=pool_type)
        self.head_hidden_size = self.num_features * self.global_pool.feat_mult()
        if self.AuxLogits is not None:
            self.AuxLogits.fc = nn.Linear(768, self.num_classes) if self.num_classes > 0 else nn.Identity()

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the maps at indices: 0-1 the stem (Conv2d_2b_3x3, Conv2d_4a_3x3), 2-4 the last
        block at each stride (Mixed_5d, Mixed_6e, Mixed_7c). The auxiliary classifier is not run."""
        check_output_fmt(output_fmt)
        take_indices, max_index = feature_take_indices(len(self.feature_ends), indices)
        take_ends = [self.feature_ends[i] for i in take_indices]
        names = LAYER_NAMES[:self.feature_ends[max_index] + 1] if stop_early else LAYER_NAMES
        intermediates = []
        for i, name in enumerate(names):
            x = getattr(self, name)(x)
            if i in take_ends:
                intermediates.append(x)
        if intermediates_only:
            return intermediates
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Replace the layers after the last index needed by identities (and drop the heads); returns kept indices."""
        take_indices, max_index = feature_take_indices(len(self.feature_ends), indices)
        prune_end = max_index < len(self.feature_ends) - 1
        for name in LAYER_NAMES[self.feature_ends[max_index] + 1:]:
            setattr(self, name, nn.Identity())
        if prune_end:
            self.num_features = self.head_hidden_size = self.feature_info[max_index]['num_chs']
        if prune_head or prune_end:
            self.AuxLogits = None
            self.aux_logits = False
            self.reset_classifier(0, '')
        return take_indices

    def _run(self, names: Tuple[str, ...], x: torch.Tensor) -> torch.Tensor:
        layers = [getattr(self, name) for name in names]
        if self.grad_checkpointing:
            return checkpoint_seq(layers, x)
        for layer in layers:
            x = layer(x)
        return x

    def forward_features(self, x: torch.Tensor) -> Union[torch.Tensor, Tuple[torch.Tensor, torch.Tensor]]:
        split = LAYER_NAMES.index(AUX_AFTER) + 1
        x = self._run(LAYER_NAMES[:split], x)
        if self.aux_logits and self.AuxLogits is not None:
            aux = self.AuxLogits(x)
            return self._run(LAYER_NAMES[split:], x), aux
        return self._run(LAYER_NAMES[split:], x)

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        x = self.head_drop(self.global_pool(x))
        return x if pre_logits else self.fc(x)

    def forward(self, x: torch.Tensor) -> Union[torch.Tensor, Tuple[torch.Tensor, torch.Tensor]]:
        if self.aux_logits and self.AuxLogits is not None:
            x, aux = self.forward_features(x)
            return self.forward_head(x), aux
        return self.forward_head(self.forward_features(x))


@register_model
def inception_v3(**kwargs: Any) -> InceptionV3:
    return InceptionV3(**kwargs)
