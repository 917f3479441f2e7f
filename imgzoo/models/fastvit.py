"""FastViT (Vasu et al. 2023) and the MobileCLIP / MobileCLIP2 image encoders (MCi0-MCi4).

Module and parameter names follow timm's `fastvit.py`, so its checkpoints load strictly.
A convolutional stem of MobileOne blocks feeds four (MCi3/MCi4: five) stages of RepMixer blocks
(depthwise token mixing) or attention blocks with a conditional positional encoding; a MobileOne
block with squeeze-excite widens the last stage before the classifier.

Re-parameterisation: the training-time layout has parallel branches (kxk conv + BN, 1x1 conv + BN,
BN identity; large + small kernel; mixer minus norm; positional conv plus identity). Each such module
has `reparameterize()`, which folds its branches into one convolution (`reparam_conv`) computing the
same function; `imgzoo.optimize.reparameterize_branches(model)` (and `optimize_for_inference`) calls
them all. A model built with `inference_mode=True` has the folded layout from the start, which is
what a folded model's `model_args` record, so a folded model saves and loads back (in timm too).
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F

from ..errors import InvalidModelArgsError
from ..features import check_output_fmt, feature_take_indices
from ..layers import DropPath, LayerNorm2d, SEModule, check_num_classes, create_act
from ..layers.classifier import ClassifierHead
from ..layers.padding import create_conv2d, get_padding
from ..registry import register_model
from ._base import ImgzooModel, checkpoint_seq

ActLayer = Union[str, Callable[..., nn.Module]]
OPTIMIZED_ATTR = 'imgzoo_optimized_for_inference'  # set by imgzoo.optimize_for_inference


def num_groups(group_size: Optional[int], channels: int) -> int:
    """Conv groups for a group size: 0/None is a dense conv, 1 depthwise."""
    if not group_size:
        return 1
    if channels % group_size:
        raise InvalidModelArgsError(f'{channels} channels cannot be split into groups of {group_size}.')
    return channels // group_size


def _check_grouping(in_chs: int, out_chs: int, groups: int) -> None:
    if out_chs % groups:
        raise InvalidModelArgsError(
            f'a conv from {in_chs} to {out_chs} channels in {groups} groups cannot be built: each stage width '
            '(embed_dims) must be a multiple of the one before, and embed_dims[-1] * cls_ratio a multiple of '
            'embed_dims[-1].')


def _identity_kernel(channels: int, in_per_group: int, kernel_size: Tuple[int, int], like: torch.Tensor) -> torch.Tensor:
    """The kernel of a (grouped) conv that passes its input through unchanged."""
    kernel = torch.zeros((channels, in_per_group, *kernel_size), dtype=like.dtype, device=like.device)
    index = torch.arange(channels, device=like.device)
    kernel[index, index % in_per_group, kernel_size[0] // 2, kernel_size[1] // 2] = 1
    return kernel


def _fuse_conv_bn(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> Tuple[torch.Tensor, torch.Tensor]:
    """Kernel and bias of one conv computing conv followed by bn (eval statistics)."""
    return _fuse_kernel_bn(conv.weight, bn)


def _fuse_kernel_bn(kernel: torch.Tensor, bn: nn.BatchNorm2d) -> Tuple[torch.Tensor, torch.Tensor]:
    std = (bn.running_var + bn.eps).sqrt()
    t = (bn.weight / std).reshape(-1, 1, 1, 1)
    return kernel * t, bn.bias - bn.running_mean * bn.weight / std


def _folded_conv(
    kernel: torch.Tensor, bias: torch.Tensor, stride: int = 1, dilation: int = 1, groups: int = 1,
) -> nn.Conv2d:
    """A conv holding an already computed kernel and bias (built without running an initialiser)."""
    out_chs, in_per_group, kh, kw = kernel.shape
    conv = nn.Conv2d(in_per_group * groups, out_chs, (kh, kw), stride=stride,
                     padding=(get_padding(kh, stride, dilation), get_padding(kw, stride, dilation)),
                     dilation=dilation, groups=groups, bias=True, device='meta')
    conv.weight = nn.Parameter(kernel.detach().clone())
    conv.bias = nn.Parameter(bias.detach().clone())
    return conv


class ConvNorm(nn.Module):
    """Conv2d (`conv`, no bias) then BatchNorm2d (`bn`): the key layout of timm's ConvNormAct without activation."""

    def __init__(self, in_chs: int, out_chs: int, kernel_size: int, stride: int = 1, groups: int = 1) -> None:
        super().__init__()
        self.conv = create_conv2d(in_chs, out_chs, kernel_size, stride=stride, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(out_chs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn(self.conv(x))


class MobileOneBlock(nn.Module):
    """MobileOne block (Vasu et al. 2022): kxk conv branches, a 1x1 scale branch and a BN identity, summed,
    then SE and activation; one kxk conv after `reparameterize()`."""

    def __init__(
        self, in_chs: int, out_chs: int, kernel_size: int, stride: int = 1, dilation: int = 1,
        group_size: int = 0, inference_mode: bool = False, use_se: bool = False, use_act: bool = True,
        use_scale_branch: bool = True, num_conv_branches: int = 1, act_layer: ActLayer = nn.GELU,
    ) -> None:
        super().__init__()
        self.inference_mode = inference_mode
        self.groups = num_groups(group_size, in_chs)
        _check_grouping(in_chs, out_chs, self.groups)
        self.stride = stride
        self.dilation = dilation
        self.kernel_size = kernel_size
        self.in_chs = in_chs
        self.out_chs = out_chs
        self.num_conv_branches = num_conv_branches
        self.se = SEModule(out_chs, rd_divisor=1) if use_se else nn.Identity()
        self.identity: Optional[nn.Module] = None
        self.conv_kxk: Optional[nn.ModuleList] = None
        self.conv_scale: Optional[nn.Module] = None
        if inference_mode:
            self.reparam_conv: Optional[nn.Conv2d] = nn.Conv2d(
                in_chs, out_chs, kernel_size, stride=stride, padding=get_padding(kernel_size, stride, dilation),
                dilation=dilation, groups=self.groups, bias=True)
        else:
            self.reparam_conv = None
            if out_chs == in_chs and stride == 1:
                self.identity = nn.BatchNorm2d(in_chs)
            if num_conv_branches > 0:
                self.conv_kxk = nn.ModuleList([
                    ConvNorm(in_chs, out_chs, kernel_size, stride=stride, groups=self.groups)
                    for _ in range(num_conv_branches)
                ])
            if kernel_size > 1 and use_scale_branch:
                self.conv_scale = ConvNorm(in_chs, out_chs, 1, stride=stride, groups=self.groups)
            if self.identity is None and self.conv_kxk is None and self.conv_scale is None:
                raise InvalidModelArgsError(
                    'this MobileOneBlock would have no branch: give it conv branches (num_conv_branches > 0), a '
                    'scale branch or equal in/out channels with stride 1.')
        self.act = create_act(act_layer) if use_act else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.reparam_conv is not None:
            return self.act(self.se(self.reparam_conv(x)))
        out = self.conv_scale(x) if self.conv_scale is not None else None
        if self.identity is not None:
            identity = self.identity(x)
            out = identity if out is None else out + identity
        if self.conv_kxk is not None:
            for branch in self.conv_kxk:
                y = branch(x)
                out = y if out is None else out + y
        return self.act(self.se(out))

    def _get_kernel_bias(self) -> Tuple[torch.Tensor, torch.Tensor]:
        kernel: Any = 0
        bias: Any = 0
        if self.conv_scale is not None:
            k, b = _fuse_conv_bn(self.conv_scale.conv, self.conv_scale.bn)
            pad = self.kernel_size // 2
            kernel, bias = kernel + F.pad(k, [pad, pad, pad, pad]), bias + b
        if self.identity is not None:
            ident = _identity_kernel(self.in_chs, self.in_chs // self.groups, (self.kernel_size,) * 2,
                                     self.identity.weight)
            k, b = _fuse_kernel_bn(ident, self.identity)
            kernel, bias = kernel + k, bias + b
        if self.conv_kxk is not None:
            for branch in self.conv_kxk:
                k, b = _fuse_conv_bn(branch.conv, branch.bn)
                kernel, bias = kernel + k, bias + b
        return kernel, bias

    @torch.no_grad()
    def reparameterize(self) -> None:
        """Fold every branch into one kxk conv (`reparam_conv`); the outputs stay the same in eval mode."""
        if self.reparam_conv is not None:
            return
        kernel, bias = self._get_kernel_bias()
        self.reparam_conv = _folded_conv(kernel, bias, self.stride, self.dilation, self.groups)
        for name in ('conv_kxk', 'conv_scale', 'identity'):
            delattr(self, name)
            setattr(self, name, None)
        self.inference_mode = True


class ReparamLargeKernelConv(nn.Module):
    """Large-kernel conv + BN with a parallel small-kernel conv + BN (RepLKNet), then SE and activation."""

    def __init__(
        self, in_chs: int, out_chs: int, kernel_size: int, stride: int, group_size: int,
        small_kernel: Optional[int] = None, use_se: bool = False, act_layer: Optional[ActLayer] = None,
        inference_mode: bool = False,
    ) -> None:
        super().__init__()
        self.stride = stride
        self.groups = num_groups(group_size, in_chs)
        _check_grouping(in_chs, out_chs, self.groups)
        self.in_chs = in_chs
        self.out_chs = out_chs
        self.kernel_size = kernel_size
        self.small_kernel = small_kernel
        self.large_conv: Optional[nn.Module] = None
        self.small_conv: Optional[nn.Module] = None
        if inference_mode:
            self.reparam_conv: Optional[nn.Conv2d] = nn.Conv2d(
                in_chs, out_chs, kernel_size, stride=stride, padding=get_padding(kernel_size, stride),
                groups=self.groups, bias=True)
        else:
            self.reparam_conv = None
            self.large_conv = ConvNorm(in_chs, out_chs, kernel_size, stride=stride, groups=self.groups)
            if small_kernel is not None:
                if small_kernel > kernel_size:
                    raise InvalidModelArgsError(
                        f'small_kernel={small_kernel} is larger than kernel_size={kernel_size}: the small branch '
                        'must fit inside the large kernel.')
                self.small_conv = ConvNorm(in_chs, out_chs, small_kernel, stride=stride, groups=self.groups)
        self.se = SEModule(out_chs, rd_ratio=0.25) if use_se else nn.Identity()
        self.act = create_act(act_layer) if act_layer is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.reparam_conv is not None:
            out = self.reparam_conv(x)
        else:
            out = self.large_conv(x)
            if self.small_conv is not None:
                out = out + self.small_conv(x)
        return self.act(self.se(out))

    def get_kernel_bias(self) -> Tuple[torch.Tensor, torch.Tensor]:
        """Kernel and bias of the one conv equal to both branches."""
        kernel, bias = _fuse_conv_bn(self.large_conv.conv, self.large_conv.bn)
        if self.small_conv is not None:
            small_k, small_b = _fuse_conv_bn(self.small_conv.conv, self.small_conv.bn)
            pad = (self.kernel_size - self.small_kernel) // 2
            kernel, bias = kernel + F.pad(small_k, [pad] * 4), bias + small_b
        return kernel, bias

    @torch.no_grad()
    def reparameterize(self) -> None:
        """Fold both branches into one large-kernel conv (`reparam_conv`)."""
        if self.reparam_conv is not None:
            return
        kernel, bias = self.get_kernel_bias()
        self.reparam_conv = _folded_conv(kernel, bias, self.stride, 1, self.groups)
        for name in ('large_conv', 'small_conv'):
            delattr(self, name)
            setattr(self, name, None)


def convolutional_stem(
    in_chs: int, out_chs: int, act_layer: ActLayer = nn.GELU, inference_mode: bool = False,
    use_scale_branch: bool = True,
) -> nn.Sequential:
    """Three MobileOne blocks: 3x3 stride 2, depthwise 3x3 stride 2, 1x1."""
    common = dict(act_layer=act_layer, inference_mode=inference_mode, use_scale_branch=use_scale_branch)
    return nn.Sequential(
        MobileOneBlock(in_chs, out_chs, 3, stride=2, **common),
        MobileOneBlock(out_chs, out_chs, 3, stride=2, group_size=1, **common),
        MobileOneBlock(out_chs, out_chs, 1, stride=1, **common),
    )


class Attention(nn.Module):
    """Multi-head self-attention over the positions of an NCHW map."""

    def __init__(self, dim: int, head_dim: int = 32, qkv_bias: bool = False, attn_drop: float = 0.0,
                 proj_drop: float = 0.0) -> None:
        super().__init__()
        if dim % head_dim:
            raise InvalidModelArgsError(
                f'attention width {dim} is not a multiple of head_dim={head_dim}; choose embed_dims divisible by it.')
        self.head_dim = head_dim
        self.num_heads = dim // head_dim
        self.scale = head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, C, H, W = x.shape
        N = H * W
        x = x.flatten(2).transpose(-2, -1)
        q, k, v = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4).unbind(0)
        x = F.scaled_dot_product_attention(q, k, v, dropout_p=self.attn_drop.p if self.training else 0.0)
        x = self.proj_drop(self.proj(x.transpose(1, 2).reshape(B, N, C)))
        return x.transpose(-2, -1).reshape(B, C, H, W)


class PatchEmbed(nn.Module):
    """Downsampling between stages: a large-kernel strided conv, then a 1x1 MobileOne block."""

    def __init__(
        self, patch_size: int, stride: int, in_chs: int, embed_dim: int, act_layer: ActLayer = nn.GELU,
        lkc_use_act: bool = False, use_se: bool = False, inference_mode: bool = False,
    ) -> None:
        super().__init__()
        self.proj = nn.Sequential(
            ReparamLargeKernelConv(in_chs, embed_dim, patch_size, stride, group_size=1, small_kernel=3, use_se=use_se,
                                   act_layer=act_layer if lkc_use_act else None, inference_mode=inference_mode),
            MobileOneBlock(embed_dim, embed_dim, 1, stride=1, use_se=False, act_layer=act_layer,
                           inference_mode=inference_mode),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x)


class LayerScale2d(nn.Module):
    """Per-channel scale of an NCHW map (`gamma`, shape (C, 1, 1))."""

    def __init__(self, dim: int, init_values: float = 1e-5, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace
        self.gamma = nn.Parameter(torch.full((dim, 1, 1), float(init_values)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mul_(self.gamma) if self.inplace else x * self.gamma


class RepMixer(nn.Module):
    """Token mixing x + scale * (mixer(x) - norm(x)) with depthwise MobileOne blocks; one depthwise conv after
    `reparameterize()`."""

    def __init__(self, dim: int, kernel_size: int = 3, layer_scale_init_value: Optional[float] = 1e-5,
                 inference_mode: bool = False) -> None:
        super().__init__()
        self.dim = dim
        self.kernel_size = kernel_size
        self.inference_mode = inference_mode
        self.norm: Optional[MobileOneBlock] = None
        self.mixer: Optional[MobileOneBlock] = None
        self.layer_scale: Optional[nn.Module] = None
        if inference_mode:
            self.reparam_conv: Optional[nn.Conv2d] = nn.Conv2d(
                dim, dim, kernel_size, stride=1, padding=kernel_size // 2, groups=dim, bias=True)
        else:
            self.reparam_conv = None
            self.norm = MobileOneBlock(dim, dim, kernel_size, group_size=1, use_act=False, use_scale_branch=False,
                                       num_conv_branches=0)
            self.mixer = MobileOneBlock(dim, dim, kernel_size, group_size=1, use_act=False)
            if layer_scale_init_value is not None:
                self.layer_scale = LayerScale2d(dim, layer_scale_init_value)
            else:
                self.layer_scale = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.reparam_conv is not None:
            return self.reparam_conv(x)
        return x + self.layer_scale(self.mixer(x) - self.norm(x))

    @torch.no_grad()
    def reparameterize(self) -> None:
        """Fold the residual, mixer, norm and layer scale into one depthwise conv (`reparam_conv`)."""
        if self.reparam_conv is not None:
            return
        self.mixer.reparameterize()
        self.norm.reparameterize()
        mixer, norm = self.mixer.reparam_conv, self.norm.reparam_conv
        identity = _identity_kernel(self.dim, 1, (self.kernel_size,) * 2, mixer.weight)
        if isinstance(self.layer_scale, LayerScale2d):
            gamma = self.layer_scale.gamma
            kernel = identity + gamma.unsqueeze(-1) * (mixer.weight - norm.weight)
            bias = torch.squeeze(gamma) * (mixer.bias - norm.bias)
        else:
            kernel = identity + mixer.weight - norm.weight
            bias = mixer.bias - norm.bias
        self.reparam_conv = _folded_conv(kernel, bias, groups=self.dim)
        for name in ('mixer', 'norm', 'layer_scale'):
            delattr(self, name)
            setattr(self, name, None)
        self.inference_mode = True


class ConvMlp(nn.Module):
    """Depthwise 7x7 conv + BN, then a 1x1 conv MLP."""

    def __init__(self, in_chs: int, hidden_channels: Optional[int] = None, out_chs: Optional[int] = None,
                 act_layer: ActLayer = nn.GELU, drop: float = 0.0) -> None:
        super().__init__()
        out_chs = out_chs or in_chs
        hidden_channels = hidden_channels or in_chs
        self.conv = ConvNorm(in_chs, out_chs, 7, groups=in_chs)
        self.fc1 = nn.Conv2d(in_chs, hidden_channels, kernel_size=1)
        self.act = create_act(act_layer)
        self.fc2 = nn.Conv2d(hidden_channels, out_chs, kernel_size=1)
        self.drop = nn.Dropout(drop)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.drop(self.act(self.fc1(self.conv(x))))
        return self.drop(self.fc2(x))


class RepConditionalPosEnc(nn.Module):
    """Conditional positional encoding x + depthwise_conv(x) (Chu et al. 2021); one conv after `reparameterize()`."""

    def __init__(self, dim: int, dim_out: Optional[int] = None, spatial_shape: Union[int, Tuple[int, int]] = (7, 7),
                 inference_mode: bool = False) -> None:
        super().__init__()
        if isinstance(spatial_shape, int):
            spatial_shape = (spatial_shape, spatial_shape)
        if not isinstance(spatial_shape, (tuple, list)) or len(spatial_shape) != 2:
            raise InvalidModelArgsError(f'spatial_shape must be an int or a pair of ints, got {spatial_shape!r}.')
        self.spatial_shape = tuple(spatial_shape)
        self.dim = dim
        self.dim_out = dim_out or dim
        self.groups = dim
        self.pos_enc: Optional[nn.Conv2d] = None
        conv = nn.Conv2d(dim, self.dim_out, self.spatial_shape, 1, self.spatial_shape[0] // 2, groups=dim, bias=True)
        if inference_mode:
            self.reparam_conv: Optional[nn.Conv2d] = conv
        else:
            self.reparam_conv = None
            self.pos_enc = conv

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.reparam_conv is not None:
            return self.reparam_conv(x)
        return self.pos_enc(x) + x

    @torch.no_grad()
    def reparameterize(self) -> None:
        """Fold the residual into the positional conv (`reparam_conv`)."""
        if self.reparam_conv is not None:
            return
        weight = self.pos_enc.weight
        kernel = _identity_kernel(self.dim, self.dim // self.groups, self.spatial_shape, weight) + weight
        conv = _folded_conv(kernel, self.pos_enc.bias, groups=self.groups)
        conv.padding = self.pos_enc.padding
        self.reparam_conv = conv
        delattr(self, 'pos_enc')
        self.pos_enc = None


class RepMixerBlock(nn.Module):
    """MetaFormer block with a RepMixer token mixer and a conv MLP."""

    def __init__(self, dim: int, kernel_size: int = 3, mlp_ratio: float = 4.0, act_layer: ActLayer = nn.GELU,
                 proj_drop: float = 0.0, drop_path: float = 0.0, layer_scale_init_value: Optional[float] = 1e-5,
                 inference_mode: bool = False) -> None:
        super().__init__()
        self.token_mixer = RepMixer(dim, kernel_size=kernel_size, layer_scale_init_value=layer_scale_init_value,
                                    inference_mode=inference_mode)
        self.mlp = ConvMlp(dim, hidden_channels=int(dim * mlp_ratio), act_layer=act_layer, drop=proj_drop)
        self.layer_scale = LayerScale2d(dim, layer_scale_init_value) if layer_scale_init_value is not None \
            else nn.Identity()
        self.drop_path = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.token_mixer(x)
        return x + self.drop_path(self.layer_scale(self.mlp(x)))


class AttentionBlock(nn.Module):
    """MetaFormer block with self-attention as token mixer and a conv MLP."""

    def __init__(self, dim: int, mlp_ratio: float = 4.0, act_layer: ActLayer = nn.GELU,
                 norm_layer: Callable[[int], nn.Module] = nn.BatchNorm2d, proj_drop: float = 0.0,
                 drop_path: float = 0.0, layer_scale_init_value: Optional[float] = 1e-5) -> None:
        super().__init__()
        self.norm = norm_layer(dim)
        self.token_mixer = Attention(dim=dim)
        self.layer_scale_1 = LayerScale2d(dim, layer_scale_init_value) if layer_scale_init_value is not None \
            else nn.Identity()
        self.drop_path1 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()
        self.mlp = ConvMlp(dim, hidden_channels=int(dim * mlp_ratio), act_layer=act_layer, drop=proj_drop)
        self.layer_scale_2 = LayerScale2d(dim, layer_scale_init_value) if layer_scale_init_value is not None \
            else nn.Identity()
        self.drop_path2 = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path1(self.layer_scale_1(self.token_mixer(self.norm(x))))
        return x + self.drop_path2(self.layer_scale_2(self.mlp(x)))


class FastVitStage(nn.Module):
    """Optional downsampling (PatchEmbed), optional positional encoding, then blocks of one token-mixer type."""

    def __init__(
        self, dim: int, dim_out: int, depth: int, token_mixer_type: str, downsample: bool = True,
        se_downsample: bool = False, down_patch_size: int = 7, down_stride: int = 2,
        pos_emb_layer: Optional[Callable[..., nn.Module]] = None, kernel_size: int = 3, mlp_ratio: float = 4.0,
        act_layer: ActLayer = nn.GELU, norm_layer: Callable[[int], nn.Module] = nn.BatchNorm2d,
        proj_drop_rate: float = 0.0, drop_path_rate: Sequence[float] = (), layer_scale_init_value: Optional[float] = 1e-5,
        lkc_use_act: bool = False, inference_mode: bool = False,
    ) -> None:
        super().__init__()
        self.grad_checkpointing = False
        if downsample:
            self.downsample: nn.Module = PatchEmbed(
                down_patch_size, down_stride, dim, dim_out, use_se=se_downsample, act_layer=act_layer,
                lkc_use_act=lkc_use_act, inference_mode=inference_mode)
        else:
            if dim != dim_out:
                raise InvalidModelArgsError(f'a stage without downsampling keeps its width: {dim} != {dim_out}.')
            self.downsample = nn.Identity()
        self.pos_emb = pos_emb_layer(dim_out, inference_mode=inference_mode) if pos_emb_layer is not None \
            else nn.Identity()
        blocks: List[nn.Module] = []
        for block_idx in range(depth):
            if token_mixer_type == 'repmixer':
                blocks.append(RepMixerBlock(
                    dim_out, kernel_size=kernel_size, mlp_ratio=mlp_ratio, act_layer=act_layer,
                    proj_drop=proj_drop_rate, drop_path=drop_path_rate[block_idx],
                    layer_scale_init_value=layer_scale_init_value, inference_mode=inference_mode))
            elif token_mixer_type == 'attention':
                blocks.append(AttentionBlock(
                    dim_out, mlp_ratio=mlp_ratio, act_layer=act_layer, norm_layer=norm_layer,
                    proj_drop=proj_drop_rate, drop_path=drop_path_rate[block_idx],
                    layer_scale_init_value=layer_scale_init_value))
            else:
                raise InvalidModelArgsError(
                    f"token mixer {token_mixer_type!r} is not one of 'repmixer', 'attention'.")
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pos_emb(self.downsample(x))
        if self.grad_checkpointing:
            return checkpoint_seq(self.blocks, x)
        return self.blocks(x)


REPARAMETERIZABLE = (MobileOneBlock, ReparamLargeKernelConv, RepMixer, RepConditionalPosEnc)


def _per_stage(name: str, value: Sequence[Any], num_stages: int) -> Tuple[Any, ...]:
    if len(value) != num_stages:
        raise InvalidModelArgsError(
            f'{name} needs one value per stage ({num_stages}, from layers), got {len(value)}: {tuple(value)!r}.')
    return tuple(value)


class FastVit(ImgzooModel):
    """FastViT / MobileCLIP image encoder; see the module docstring."""

    def __init__(
        self,
        in_chans: int = 3,
        layers: Tuple[int, ...] = (2, 2, 6, 2),
        token_mixers: Tuple[str, ...] = ('repmixer', 'repmixer', 'repmixer', 'repmixer'),
        embed_dims: Tuple[int, ...] = (64, 128, 256, 512),
        mlp_ratios: Tuple[float, ...] = (4,) * 4,
        downsamples: Tuple[bool, ...] = (False, True, True, True),
        se_downsamples: Tuple[bool, ...] = (False, False, False, False),
        repmixer_kernel_size: int = 3,
        num_classes: int = 1000,
        pos_embs: Tuple[Optional[Callable[..., nn.Module]], ...] = (None,) * 4,
        down_patch_size: int = 7,
        down_stride: int = 2,
        drop_rate: float = 0.0,
        proj_drop_rate: float = 0.0,
        drop_path_rate: float = 0.0,
        layer_scale_init_value: float = 1e-5,
        lkc_use_act: bool = False,
        stem_use_scale_branch: bool = True,
        fork_feat: bool = False,
        cls_ratio: float = 2.0,
        global_pool: str = 'avg',
        norm_layer: Callable[[int], nn.Module] = nn.BatchNorm2d,
        act_layer: ActLayer = nn.GELU,
        inference_mode: bool = False,
    ) -> None:
        super().__init__()
        if fork_feat:
            raise InvalidModelArgsError(
                "fork_feat=True (timm's detection layout with per-stage norms) is not offered; use "
                "create_model(..., features_only=True) for the stage feature maps.")
        num_stages = len(layers)
        token_mixers = _per_stage('token_mixers', token_mixers, num_stages)
        embed_dims = _per_stage('embed_dims', embed_dims, num_stages)
        mlp_ratios = _per_stage('mlp_ratios', mlp_ratios, num_stages)
        downsamples = _per_stage('downsamples', downsamples, num_stages)
        se_downsamples = _per_stage('se_downsamples', se_downsamples, num_stages)
        pos_embs = _per_stage('pos_embs', pos_embs, num_stages)
        self.num_classes = check_num_classes(num_classes)
        self.in_chans = in_chans
        self.fork_feat = False
        self.global_pool = global_pool
        self.feature_info: List[Dict[str, Any]] = []

        self.stem = convolutional_stem(in_chans, embed_dims[0], act_layer, inference_mode,
                                       use_scale_branch=stem_use_scale_branch)
        total = sum(layers)
        rates = [drop_path_rate * i / (total - 1) if total > 1 else 0.0 for i in range(total)]
        prev_dim = embed_dims[0]
        scale = 1
        stages = []
        for i in range(num_stages):
            downsample = downsamples[i] or prev_dim != embed_dims[i]
            start = sum(layers[:i])
            stages.append(FastVitStage(
                dim=prev_dim, dim_out=embed_dims[i], depth=layers[i], downsample=downsample,
                se_downsample=se_downsamples[i], down_patch_size=down_patch_size, down_stride=down_stride,
                pos_emb_layer=pos_embs[i], token_mixer_type=token_mixers[i], kernel_size=repmixer_kernel_size,
                mlp_ratio=mlp_ratios[i], act_layer=act_layer, norm_layer=norm_layer, proj_drop_rate=proj_drop_rate,
                drop_path_rate=rates[start:start + layers[i]], layer_scale_init_value=layer_scale_init_value,
                lkc_use_act=lkc_use_act, inference_mode=inference_mode))
            prev_dim = embed_dims[i]
            if downsample:
                scale *= 2
            self.feature_info.append(dict(num_chs=prev_dim, reduction=4 * scale, module=f'stages.{i}'))
        self.stages = nn.Sequential(*stages)
        self.num_stages = num_stages

        self.num_features = final_features = int(embed_dims[-1] * cls_ratio)
        self.final_conv: nn.Module = MobileOneBlock(
            embed_dims[-1], final_features, 3, stride=1, group_size=1, inference_mode=inference_mode, use_se=True,
            act_layer=act_layer, num_conv_branches=1)
        self.head = ClassifierHead(final_features, self.num_classes, pool_type=global_pool, drop_rate=drop_rate)
        self.head_hidden_size = self.head.num_features
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    # The arguments create_model built this model with; a folded model records inference_mode=True so that its
    # saved folder builds the folded layout again (imgzoo and timm).
    _model_args: Optional[Dict[str, Any]] = None

    @property
    def model_args(self) -> Dict[str, Any]:
        args = dict(self._model_args or {})
        if getattr(self, OPTIMIZED_ATTR, False):
            raise InvalidModelArgsError(
                'This FastViT was rewritten by optimize_for_inference (BatchNorm folded into convolutions), a '
                'layout no architecture builds, so it cannot be saved. Save the model before optimizing it, or '
                'fold only its branches with imgzoo.optimize.reparameterize_branches(model), which saves.')
        folded = [m.reparam_conv is not None for m in self.modules() if isinstance(m, REPARAMETERIZABLE)]
        if all(folded):
            args['inference_mode'] = True
        elif any(folded):
            raise InvalidModelArgsError(
                'Only some of this FastViT\'s re-parameterisable modules are folded, a layout no architecture '
                'builds, so it cannot be saved. Fold all of them (imgzoo.optimize.reparameterize_branches(model)) '
                'or none before saving.')
        return args

    @model_args.setter
    def model_args(self, value: Dict[str, Any]) -> None:
        self._model_args = dict(value)

    @property
    def default_out_indices(self) -> Tuple[int, ...]:
        return tuple(range(min(4, len(self.feature_info))))  # timm's feature_cfg: the first four stages

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(
            stem=r'^stem',
            blocks=r'^stages\.(\d+)' if coarse else [
                (r'^stages\.(\d+).downsample', (0,)),
                (r'^stages\.(\d+).pos_emb', (0,)),
                (r'^stages\.(\d+)\.\w+\.(\d+)', None),
            ],
        )

    def set_grad_checkpointing(self, enable: bool = True) -> None:
        self.grad_checkpointing = enable
        for stage in self.stages:
            stage.grad_checkpointing = enable

    def get_classifier(self) -> nn.Module:
        return self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and optionally the pooling) with a fresh one."""
        self.num_classes = check_num_classes(num_classes)
        self.head.in_features = self.num_features  # as timm: narrower after prune_intermediate_layers
        self.head.reset(num_classes, global_pool)
        self.head_hidden_size = self.head.num_features
        if global_pool is not None:
            self.global_pool = global_pool

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the stage outputs at indices (norm has no effect: FastViT has no final norm)."""
        check_output_fmt(output_fmt)
        take_indices, max_index = feature_take_indices(len(self.stages), indices)
        intermediates = []
        x = self.stem(x)
        last_idx = self.num_stages - 1
        stages = self.stages[:max_index + 1] if stop_early else self.stages
        feat_idx = 0
        for feat_idx, stage in enumerate(stages):
            x = stage(x)
            if feat_idx in take_indices:
                intermediates.append(x)
        if intermediates_only:
            return intermediates
        if feat_idx == last_idx:
            x = self.final_conv(x)
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the stages after the last index needed, and the final conv with the head; returns kept indices."""
        take_indices, max_index = feature_take_indices(len(self.stages), indices)
        prune_end = prune_norm or prune_head or max_index < len(self.stages) - 1
        if prune_end:
            self.final_conv = nn.Identity()
            self.num_features = self.head_hidden_size = self.feature_info[max_index]['num_chs']
        self.stages = self.stages[:max_index + 1]
        if prune_head or prune_end:
            self.reset_classifier(0, '')
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        return self.final_conv(self.stages(self.stem(x)))

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        return self.head(x, pre_logits=True) if pre_logits else self.head(x)


def _build(defaults: Dict[str, Any], kwargs: Dict[str, Any]) -> FastVit:
    return FastVit(**{**defaults, **kwargs})


_REPMIXER4 = ('repmixer', 'repmixer', 'repmixer', 'repmixer')
_SA = ('repmixer', 'repmixer', 'repmixer', 'attention')
_CPE = partial(RepConditionalPosEnc, spatial_shape=(7, 7))
_CPE4 = (None, None, None, _CPE)
_MCI = dict(num_classes=512, mlp_ratios=(3, 3, 3, 3), se_downsamples=(False, False, True, True), pos_embs=_CPE4, token_mixers=_SA,
            lkc_use_act=True)
_MCI_LARGE = dict(  # num_classes: the CLIP projection width of the default tag, as timm builds them
    num_classes=768, mlp_ratios=(4, 4, 4, 4, 4), se_downsamples=(False,) * 5, downsamples=(False, True, True, True, True),
    pos_embs=(None, None, None, _CPE, _CPE), token_mixers=('repmixer', 'repmixer', 'repmixer', 'attention', 'attention'),
    lkc_use_act=True, norm_layer=partial(LayerNorm2d, eps=1e-5), stem_use_scale_branch=False,
)


@register_model
def fastvit_t8(**kwargs: Any) -> FastVit:
    return _build(dict(layers=(2, 2, 4, 2), embed_dims=(48, 96, 192, 384), mlp_ratios=(3, 3, 3, 3),
                       token_mixers=_REPMIXER4), kwargs)


@register_model
def fastvit_t12(**kwargs: Any) -> FastVit:
    return _build(dict(layers=(2, 2, 6, 2), embed_dims=(64, 128, 256, 512), mlp_ratios=(3, 3, 3, 3),
                       token_mixers=_REPMIXER4), kwargs)


@register_model
def fastvit_s12(**kwargs: Any) -> FastVit:
    return _build(dict(layers=(2, 2, 6, 2), embed_dims=(64, 128, 256, 512), mlp_ratios=(4, 4, 4, 4),
                       token_mixers=_REPMIXER4), kwargs)


@register_model
def fastvit_sa12(**kwargs: Any) -> FastVit:
    return _build(dict(layers=(2, 2, 6, 2), embed_dims=(64, 128, 256, 512), mlp_ratios=(4, 4, 4, 4),
                       pos_embs=_CPE4, token_mixers=_SA), kwargs)


@register_model
def fastvit_sa24(**kwargs: Any) -> FastVit:
    return _build(dict(layers=(4, 4, 12, 4), embed_dims=(64, 128, 256, 512), mlp_ratios=(4, 4, 4, 4),
                       pos_embs=_CPE4, token_mixers=_SA), kwargs)


@register_model
def fastvit_sa36(**kwargs: Any) -> FastVit:
    return _build(dict(layers=(6, 6, 18, 6), embed_dims=(64, 128, 256, 512), mlp_ratios=(4, 4, 4, 4),
                       pos_embs=_CPE4, token_mixers=_SA), kwargs)


@register_model
def fastvit_ma36(**kwargs: Any) -> FastVit:
    return _build(dict(layers=(6, 6, 18, 6), embed_dims=(76, 152, 304, 608), mlp_ratios=(4, 4, 4, 4),
                       pos_embs=_CPE4, token_mixers=_SA), kwargs)


@register_model
def fastvit_mci0(**kwargs: Any) -> FastVit:
    """MobileCLIP-S0 image encoder."""
    return _build(dict(layers=(2, 6, 10, 2), embed_dims=(64, 128, 256, 512), **_MCI), kwargs)


@register_model
def fastvit_mci1(**kwargs: Any) -> FastVit:
    """MobileCLIP-S1 image encoder."""
    return _build(dict(layers=(4, 12, 20, 4), embed_dims=(64, 128, 256, 512), **_MCI), kwargs)


@register_model
def fastvit_mci2(**kwargs: Any) -> FastVit:
    """MobileCLIP-S2 image encoder."""
    return _build(dict(layers=(4, 12, 24, 4), embed_dims=(80, 160, 320, 640), **_MCI), kwargs)


@register_model
def fastvit_mci3(**kwargs: Any) -> FastVit:
    """MobileCLIP2-L image encoder (five stages)."""
    return _build(dict(layers=(2, 12, 24, 4, 2), embed_dims=(96, 192, 384, 768, 1536), **_MCI_LARGE), kwargs)


@register_model
def fastvit_mci4(**kwargs: Any) -> FastVit:
    """MobileCLIP2-XL image encoder (five stages)."""
    return _build(dict(layers=(2, 12, 24, 4, 4), embed_dims=(128, 256, 512, 1024, 2048), **_MCI_LARGE), kwargs)
