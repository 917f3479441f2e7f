"""Global context attention (GCNet, Cao et al. 2019) in timm's GlobalContext layout.

Keys: `conv_attn` (softmax spatial pooling), `mlp_scale.fc1/norm/fc2` (gating branch) and
`mlp_add.fc1/norm/fc2` (additive branch); the MLPs are 1x1 convs with LayerNorm2d in between.
"""
from __future__ import annotations

from typing import Optional

import torch
from torch import nn
from torch.nn import functional as F

from .activations import create_act
from .helpers import make_divisible
from .norm import LayerNorm2d
from .norm_act import ActLayer


class ContextMlp(nn.Module):
    """1x1 conv → LayerNorm2d → activation → 1x1 conv (keys fc1, norm, fc2; timm's ConvMlp)."""

    def __init__(self, channels: int, hidden: int, act_layer: ActLayer = 'relu') -> None:
        super().__init__()
        self.fc1 = nn.Conv2d(channels, hidden, kernel_size=1, bias=True)
        self.norm = LayerNorm2d(hidden)
        self.act = create_act(act_layer)
        self.drop = nn.Dropout(0.0)
        self.fc2 = nn.Conv2d(hidden, channels, kernel_size=1, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.drop(self.act(self.norm(self.fc1(x)))))


class GlobalContext(nn.Module):
    """Context pooled by a softmax over positions (or the mean, use_attn=False), passed through an MLP that
    gates the input (fuse_scale) and/or is added to it (fuse_add). timm's defaults: gate only, ratio 1/8."""

    def __init__(
        self, channels: int, use_attn: bool = True, fuse_add: bool = False, fuse_scale: bool = True,
        init_last_zero: bool = False, rd_ratio: float = 1. / 8, rd_channels: Optional[int] = None,
        rd_divisor: int = 1, act_layer: ActLayer = 'relu', gate_layer: ActLayer = 'sigmoid',
    ) -> None:
        super().__init__()
        if rd_channels is None:
            rd_channels = make_divisible(channels * rd_ratio, rd_divisor, round_limit=0.)
        self.conv_attn = nn.Conv2d(channels, 1, kernel_size=1, bias=True) if use_attn else None
        self.mlp_add = ContextMlp(channels, rd_channels, act_layer) if fuse_add else None
        self.mlp_scale = ContextMlp(channels, rd_channels, act_layer) if fuse_scale else None
        self.gate = create_act(gate_layer)
        self.init_last_zero = init_last_zero
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.conv_attn is not None:
            nn.init.kaiming_normal_(self.conv_attn.weight, mode='fan_in', nonlinearity='relu')
        if self.mlp_add is not None:
            nn.init.zeros_(self.mlp_add.fc2.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.conv_attn is not None:
            attn = F.softmax(self.conv_attn(x).flatten(2), dim=-1).unsqueeze(3)  # (B, 1, H * W, 1)
            context = (x.flatten(2).unsqueeze(1) @ attn).reshape(x.shape[0], -1, 1, 1)
        else:
            context = x.mean(dim=(2, 3), keepdim=True)
        if self.mlp_scale is not None:
            x = x * self.gate(self.mlp_scale(context))
        if self.mlp_add is not None:
            x = x + self.mlp_add(context)
        return x
