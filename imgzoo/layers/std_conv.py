"""Weight-standardised convolutions (Qiao et al. 2019; Brock et al. 2021), in timm's key layout."""
from __future__ import annotations

from typing import Optional, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from .padding import get_padding, is_static_pad, pad_same

IntOrPair = Union[int, Tuple[int, int]]


class StdConv2d(nn.Conv2d):
    """Conv2d whose weight is standardised (zero mean, unit variance per output channel) at every call.

    Used by BiT / ResNetV2; `eps` is added to the variance (BiT's weights use 1e-8).
    """

    def __init__(self, in_channel: int, out_channels: int, kernel_size: IntOrPair, stride: IntOrPair = 1,
                 padding: Optional[IntOrPair] = None, dilation: IntOrPair = 1, groups: int = 1, bias: bool = False,
                 eps: float = 1e-6) -> None:
        if padding is None:
            padding = get_padding(kernel_size, stride, dilation)  # type: ignore[arg-type]
        super().__init__(in_channel, out_channels, kernel_size, stride=stride, padding=padding, dilation=dilation,
                         groups=groups, bias=bias)
        self.eps = eps

    def standardized_weight(self) -> torch.Tensor:
        return F.batch_norm(self.weight.reshape(1, self.out_channels, -1), None, None, training=True, momentum=0.0,
                            eps=self.eps).reshape_as(self.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.standardized_weight(), self.bias, self.stride, self.padding, self.dilation, self.groups)


class ScaledStdConv2d(nn.Conv2d):
    """Scaled weight standardisation (NFNets): each output channel's weight standardised (eps added to the
    variance), then multiplied by its learnt `gain` and by gamma / sqrt(fan_in)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrPair, stride: IntOrPair = 1,
                 padding: Optional[IntOrPair] = None, dilation: IntOrPair = 1, groups: int = 1, bias: bool = True,
                 gamma: float = 1.0, eps: float = 1e-6, gain_init: float = 1.0) -> None:
        if padding is None:
            padding = get_padding(kernel_size, stride, dilation)  # type: ignore[arg-type]
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, padding=padding, dilation=dilation,
                         groups=groups, bias=bias)
        self.scale = gamma * self.weight[0].numel() ** -0.5  # gamma / sqrt(fan-in)
        self.eps = eps
        self.gain_init = gain_init
        self.gain = nn.Parameter(torch.empty((self.out_channels, 1, 1, 1)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if hasattr(self, 'gain'):  # nn.Conv2d's constructor calls this before gain exists
            nn.init.constant_(self.gain, self.gain_init)
            super().reset_parameters()

    def standardized_weight(self) -> torch.Tensor:
        return F.batch_norm(self.weight.reshape(1, self.out_channels, -1), None, None,
                            weight=(self.gain * self.scale).view(-1), training=True, momentum=0.0,
                            eps=self.eps).reshape_as(self.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.standardized_weight(), self.bias, self.stride, self.padding, self.dilation, self.groups)


@torch.fx.wrap
def _pad_same(x: torch.Tensor, kernel_size: Tuple[int, int], stride: Tuple[int, int],
              dilation: Tuple[int, int]) -> torch.Tensor:
    return pad_same(x, kernel_size, stride, dilation)


class ScaledStdConv2dSame(ScaledStdConv2d):
    """ScaledStdConv2d with TensorFlow's 'same' padding (the DeepMind NFNet ports): a fixed symmetric padding
    where that is equivalent, else padding computed from each input's size."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
                 padding: Optional[IntOrPair] = None, dilation: int = 1, groups: int = 1, bias: bool = True,
                 gamma: float = 1.0, eps: float = 1e-6, gain_init: float = 1.0) -> None:
        same_pad = not is_static_pad(kernel_size, stride, dilation)
        static = 0 if same_pad else get_padding(kernel_size, stride, dilation)
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, padding=static, dilation=dilation,
                         groups=groups, bias=bias, gamma=gamma, eps=eps, gain_init=gain_init)
        self.same_pad = same_pad

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.same_pad:
            x = _pad_same(x, self.kernel_size, self.stride, self.dilation)  # type: ignore[arg-type]
        return F.conv2d(x, self.standardized_weight(), self.bias, self.stride, self.padding, self.dilation,
                        self.groups)
