"""Layer norm over the channels of an NCHW map with a fused activation, in timm's LayerNormAct2d layout."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .norm_act import ActLayer, maybe_act


class LayerNormAct2d(nn.LayerNorm):
    """LayerNorm over channels of an NCHW tensor, then an activation (timm's defaults: eps 1e-5, ReLU).

    Takes the `norm_act(channels, act_layer=..., apply_act=...)` form mobile blocks use.
    """

    def __init__(self, num_channels: int, eps: float = 1e-5, affine: bool = True, apply_act: bool = True,
                 act_layer: ActLayer = 'relu') -> None:
        super().__init__(num_channels, eps=eps, elementwise_affine=affine)
        self.drop = nn.Identity()
        act = maybe_act(act_layer) if apply_act else None
        self.act = act if act is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias, self.eps)
        return self.act(self.drop(x.permute(0, 3, 1, 2)))
