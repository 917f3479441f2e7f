"""Hiera (Ryali et al. 2023), with the absolute-window position embedding of Bolya et al. 2023 (abswin).

Module and parameter names follow timm's `hiera.py`, so its checkpoints load strictly. Patch tokens are
"unrolled" once after the embedding: reordered so that each 2x2 (q_stride) pooling is a max over the
leading token dimension and each mask unit (an 8x8 patch window) is contiguous. Early stages attend within
mask units, later ones globally; the first block of a stage max-pools its queries and residual. Feature
maps are "rerolled" back to spatial order. A boolean `mask` over mask units (1 keep) drops tokens as in MAE.
Hiera has no buffers: position embeddings are parameters; abswin models tile a window embedding over the
mask units and add an interpolated global one, so they take other `img_size`s with the same weights.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple, Union

import torch
import torch.fx
from torch import nn
from torch.nn import functional as F

from ..errors import InputSizeError, InvalidModelArgsError
from ..features import check_output_fmt, feature_take_indices
from ..layers import DropPath, Mlp
from ..layers.classifier_cl import ClNormMlpClassifierHead
from ..layers.layer_scale import LayerScale
from ..registry import register_model
from ._base import ImgzooModel, checkpoint

SizeT = Union[int, Sequence[int]]


def _tuple(value: SizeT, n: int = 2) -> Tuple[int, ...]:
    return tuple(int(v) for v in value) if isinstance(value, (list, tuple)) else (int(value),) * n


def _layer_norm(dim: int) -> nn.LayerNorm:
    return nn.LayerNorm(dim, eps=1e-6)


def _on_meta() -> bool:
    return torch.empty(0).is_meta


def _given_mask(mask: Optional[torch.Tensor]) -> Optional[torch.Tensor]:
    """The mask, or None when there is none; torch.fx makes an input of the unset `mask=None` argument, and a
    graph traced without a mask is specialised to none (as torch.export and torch.compile specialise)."""
    if isinstance(mask, torch.fx.Proxy) and mask.node.op == 'placeholder' and mask.node.args == (None,):
        return None
    return mask


def undo_windowing(x: torch.Tensor, shape: List[int], mu_shape: List[int]) -> torch.Tensor:
    """[B, #MUs, *mu_shape, C] mask-unit windows -> [B, *shape, C] spatial order."""
    dims = len(shape)
    batch, channels = x.shape[0], x.shape[-1]
    num_units = [s // mu for s, mu in zip(shape, mu_shape)]
    x = x.view(batch, *num_units, *mu_shape, channels)
    permute = [0] + sum([list(p) for p in zip(range(1, 1 + dims), range(1 + dims, 1 + 2 * dims))], []) + [2 * dims + 1]
    return x.permute(permute).reshape(batch, *shape, channels)


class Unroll(nn.Module):
    """Reorder [B, prod(size), C] tokens so that each q_stride pooling step is a max over a leading block of
    the token dimension, applied once per schedule entry (this also makes mask units contiguous)."""

    def __init__(self, input_size: Sequence[int], patch_stride: Sequence[int], unroll_schedule: List[Tuple[int, ...]]) -> None:
        super().__init__()
        self.size = [i // s for i, s in zip(input_size, patch_stride)]
        self.schedule = unroll_schedule

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, _, channels = x.shape
        size = self.size
        x = x.view(*([batch] + size + [channels]))
        for strides in self.schedule:
            size = [i // s for i, s in zip(size, strides)]
            new_shape = [batch] + sum([[i, s] for i, s in zip(size, strides)], []) + [channels]
            x = x.view(new_shape)
            rank = len(new_shape)
            x = x.permute([0] + list(range(2, rank - 1, 2)) + list(range(1, rank - 1, 2)) + [rank - 1])
            x = x.flatten(0, len(strides))
            batch = batch * math.prod(strides)
        return x.reshape(-1, math.prod(self.size), channels)


class Reroll(nn.Module):
    """Undo `Unroll` for the output of a given block: [B, *spatial, C], or [B, #MUs, *mu, C] with a mask."""

    def __init__(
        self, input_size: Sequence[int], patch_stride: Sequence[int], unroll_schedule: List[Tuple[int, ...]],
        stage_ends: List[int], q_pool: int,
    ) -> None:
        super().__init__()
        self.size = [i // s for i, s in zip(input_size, patch_stride)]
        self.schedule: Dict[int, Tuple[List[Tuple[int, ...]], List[int]]] = {}
        size = self.size
        for i in range(stage_ends[-1] + 1):
            self.schedule[i] = unroll_schedule, size
            if i in stage_ends[:q_pool]:
                if len(unroll_schedule) > 0:
                    size = [n // s for n, s in zip(size, unroll_schedule[0])]
                unroll_schedule = unroll_schedule[1:]

    def forward(self, x: torch.Tensor, block_idx: int, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        schedule, size = self.schedule[block_idx]
        batch, tokens, channels = x.shape
        dims = len(size)
        mu_shape = [1] * dims
        for strides in schedule:
            x = x.view(batch, *strides, tokens // math.prod(strides), *mu_shape, channels)
            rank = len(x.shape)
            permute = [0, 1 + dims] + sum([list(p) for p in zip(range(1, 1 + dims), range(2 + dims, rank - 1))], []) \
                + [rank - 1]
            x = x.permute(permute)
            mu_shape = [m * s for m, s in zip(mu_shape, strides)]
            x = x.reshape(batch, -1, *mu_shape, channels)
            tokens = x.shape[1]
        x = x.view(batch, tokens, *mu_shape, channels)
        if mask is not None:
            return x
        return undo_windowing(x, size, mu_shape)


class MaskUnitAttention(nn.Module):
    """Attention within mask units (windows) or over all tokens, optionally max-pooling the queries by q_stride."""

    def __init__(
        self, dim: int, dim_out: int, heads: int, q_stride: int = 1, window_size: int = 0,
        use_mask_unit_attn: bool = False,
    ) -> None:
        super().__init__()
        self.dim = dim
        self.dim_out = dim_out
        self.heads = heads
        self.q_stride = q_stride
        self.head_dim = dim_out // heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim_out)
        self.proj = nn.Linear(dim_out, dim_out)
        self.window_size = window_size
        self.use_mask_unit_attn = use_mask_unit_attn

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, tokens, _ = x.shape
        if self.use_mask_unit_attn:
            num_windows = tokens // (self.q_stride * self.window_size)
            qkv = self.qkv(x).reshape(batch, -1, num_windows, 3, self.heads, self.head_dim).permute(3, 0, 4, 2, 1, 5)
            q, k, v = qkv.unbind(0)
            if self.q_stride > 1:
                q = q.view(batch, self.heads, num_windows, self.q_stride, -1, self.head_dim).amax(dim=3)
        else:
            qkv = self.qkv(x).reshape(batch, tokens, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
            q, k, v = qkv.unbind(0)
            if self.q_stride > 1:
                q = q.view(batch, self.heads, self.q_stride, -1, self.head_dim).amax(dim=2)
            q, k, v = q.contiguous(), k.contiguous(), v.contiguous()
        x = F.scaled_dot_product_attention(q, k, v)
        x = x.transpose(1, 3) if self.use_mask_unit_attn else x.transpose(1, 2)
        return self.proj(x.reshape(batch, -1, self.dim_out))


class HieraBlock(nn.Module):
    """Pre-norm (mask-unit) attention and MLP with residuals; a stage's first block widens and pools the residual."""

    def __init__(
        self, dim: int, dim_out: int, heads: int, mlp_ratio: float = 4.0, drop_path: float = 0.0,
        init_values: Optional[float] = None, norm_layer: Callable[[int], nn.Module] = _layer_norm,
        act_layer: Union[str, Callable[..., nn.Module]] = 'gelu', q_stride: int = 1, window_size: int = 0,
        use_expand_proj: bool = True, use_mask_unit_attn: bool = False,
    ) -> None:
        super().__init__()
        self.dim = dim
        self.dim_out = dim_out
        self.norm1 = norm_layer(dim)
        self.do_expand = dim != dim_out
        self.proj: Optional[nn.Linear] = None
        if self.do_expand:
            if use_expand_proj:
                self.proj = nn.Linear(dim, dim_out)
            elif dim_out != dim * 2:
                raise InvalidModelArgsError(
                    f"use_expand_proj=False widens a stage by concatenating max and mean pools, so dim_mul must be 2 "
                    f"(got {dim} -> {dim_out}).")
        self.attn = MaskUnitAttention(dim, dim_out, heads, q_stride, window_size, use_mask_unit_attn)
        self.ls1 = LayerScale(dim_out, init_values=init_values) if init_values is not None else nn.Identity()
        self.drop_path1 = DropPath(drop_path) if drop_path > 0 else nn.Identity()
        self.norm2 = norm_layer(dim_out)
        self.mlp = Mlp(dim_out, int(dim_out * mlp_ratio), act_layer=act_layer)
        self.ls2 = LayerScale(dim_out, init_values=init_values) if init_values is not None else nn.Identity()
        self.drop_path2 = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x_norm = self.norm1(x)
        if self.do_expand:
            stride = self.attn.q_stride
            if self.proj is not None:
                x = self.proj(x_norm)
                x = x.view(x.shape[0], stride, -1, x.shape[-1]).amax(dim=1)
            else:
                pooled = x.view(x.shape[0], stride, -1, x.shape[-1])
                x = torch.cat([pooled.amax(dim=1), pooled.mean(dim=1)], dim=-1)
        x = x + self.drop_path1(self.ls1(self.attn(x_norm)))
        return x + self.drop_path2(self.ls2(self.mlp(self.norm2(x))))


class HieraPatchEmbed(nn.Module):
    """Strided conv patch embedding in 1, 2 or 3 spatial dims, flattened to [B, N, C]; a mask zeroes dropped units."""

    def __init__(
        self, dim_in: int, dim_out: int, kernel: Tuple[int, ...], stride: Tuple[int, ...], padding: Tuple[int, ...],
        reshape: bool = True,
    ) -> None:
        super().__init__()
        self.spatial_dims = len(kernel)
        self.reshape = reshape
        conv = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}.get(self.spatial_dims)
        if conv is None:
            raise InvalidModelArgsError(f"Hiera takes 1 to 3 spatial dims, got patch_kernel={kernel!r}.")
        self.proj = conv(dim_in, dim_out, kernel_size=kernel, stride=stride, padding=padding)

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        if mask is not None:
            mask = _resized_mask(list(x.shape[2:]), mask)
            x = self.proj(x * mask.to(torch.bool))
        else:
            x = self.proj(x)
        if self.reshape:
            x = x.reshape(x.shape[0], x.shape[1], -1).transpose(2, 1)
        return x


@torch.fx.wrap
def _resized_mask(target_size: List[int], mask: torch.Tensor) -> torch.Tensor:
    if list(mask.shape[2:]) != list(target_size):
        return F.interpolate(mask.float(), size=target_size)
    return mask


def _checked_input(x: torch.Tensor, in_chans: int, input_size: List[int]) -> torch.Tensor:
    """x unchanged if Hiera (built for input_size) can take it, else InputSizeError saying what to do."""
    if x.ndim != 2 + len(input_size) or int(x.shape[1]) != in_chans:
        raise InputSizeError(
            f"Expected a (B, {in_chans}, {', '.join(map(str, input_size))}) batch, got shape {tuple(x.shape)}.")
    size = [int(s) for s in x.shape[2:]]
    if size != list(input_size):
        raise InputSizeError(
            f"Input is {'x'.join(map(str, size))} but this model takes exactly {'x'.join(map(str, input_size))} "
            "(its position embedding and mask units are laid out for it). Resize the input, or create the model "
            "with img_size=... (abswin models load their weights at any multiple of 32).")
    return x


torch.fx.wrap('_checked_input')


class Hiera(ImgzooModel):
    """Hiera: conv patch embedding, unrolled tokens, four stages of (mask-unit) attention blocks with query
    pooling between them, and a pool → norm → linear head."""

    def __init__(
        self,
        img_size: SizeT = (224, 224),
        in_chans: int = 3,
        embed_dim: int = 96,
        num_heads: int = 1,
        num_classes: int = 1000,
        global_pool: str = 'avg',
        stages: Tuple[int, ...] = (2, 3, 16, 3),
        q_pool: int = 3,
        q_stride: Tuple[int, ...] = (2, 2),
        mask_unit_size: Tuple[int, ...] = (8, 8),
        mask_unit_attn: Tuple[bool, ...] = (True, True, False, False),
        use_expand_proj: bool = True,
        dim_mul: float = 2.0,
        head_mul: float = 2.0,
        patch_kernel: Tuple[int, ...] = (7, 7),
        patch_stride: Tuple[int, ...] = (4, 4),
        patch_padding: Tuple[int, ...] = (3, 3),
        mlp_ratio: float = 4.0,
        drop_path_rate: float = 0.0,
        init_values: Optional[float] = None,
        fix_init: bool = True,
        weight_init: str = '',
        norm_layer: Union[str, Callable[[int], nn.Module]] = 'LayerNorm',
        drop_rate: float = 0.0,
        patch_drop_rate: float = 0.0,
        head_init_scale: float = 0.001,
        sep_pos_embed: bool = False,
        abs_win_pos_embed: bool = False,
        global_pos_size: Tuple[int, int] = (14, 14),
    ) -> None:
        """
        Args:
            img_size: input size; the token grid must divide into mask units and the q_stride poolings.
            stages: blocks per stage; q_pool: how many stage transitions pool the queries by q_stride.
            mask_unit_size: tokens per mask unit (window) per dim; mask_unit_attn: per stage, attend within units.
            use_expand_proj: widen with a linear layer (else concatenate max and mean pools, dim_mul 2).
            init_values: layer scale start value (None: no layer scale).
            weight_init: '' (ViT), 'jax' or 'skip'; fix_init rescales residual projections by depth.
            patch_drop_rate: in training, drop this fraction of mask units (MAE-style patch dropout).
            sep_pos_embed: separate spatial and temporal embeddings (3-d input); abs_win_pos_embed: tiled window
                embedding plus an interpolated global one of global_pos_size (any img_size).
        """
        super().__init__()
        if norm_layer in ('LayerNorm', 'layernorm'):
            norm_layer = _layer_norm
        elif isinstance(norm_layer, str):
            raise InvalidModelArgsError(f"norm_layer must be 'LayerNorm' or a norm class, got {norm_layer!r}.")
        if weight_init not in ('', 'jax', 'skip'):
            raise InvalidModelArgsError(f"weight_init must be '', 'jax' or 'skip', got {weight_init!r}.")
        dims = len(patch_stride)
        img_size = _tuple(img_size, dims)
        if not 0 <= q_pool < len(stages):
            raise InvalidModelArgsError(f"q_pool must be below the number of stages ({len(stages)}), got {q_pool}.")
        if len(mask_unit_attn) < len(stages):
            raise InvalidModelArgsError(f"mask_unit_attn needs one flag per stage ({len(stages)}), got {mask_unit_attn!r}.")
        self.num_classes = num_classes
        self.in_chans = in_chans
        self.patch_stride = patch_stride
        self.tokens_spatial_shape = [i // s for i, s in zip(img_size, patch_stride)]
        self.input_size = list(img_size)
        self._check_grid(img_size, patch_stride, q_stride, mask_unit_size, q_pool)
        num_tokens = math.prod(self.tokens_spatial_shape)
        flat_mu_size = math.prod(mask_unit_size)
        flat_q_stride = math.prod(q_stride)
        self.q_pool, self.q_stride = q_pool, q_stride
        self.mu_size, self.mask_unit_size = flat_mu_size, mask_unit_size
        self.mask_spatial_shape = [i // s for i, s in zip(self.tokens_spatial_shape, self.mask_unit_size)]
        self.stage_ends = [sum(stages[:i]) - 1 for i in range(1, len(stages) + 1)]
        self.patch_drop_rate = patch_drop_rate

        self.patch_embed = HieraPatchEmbed(in_chans, embed_dim, patch_kernel, patch_stride, patch_padding)
        self.pos_embed: Optional[nn.Parameter] = None
        self.pos_embed_win: Optional[nn.Parameter] = None
        self.pos_embed_spatial: Optional[nn.Parameter] = None
        self.pos_embed_temporal: Optional[nn.Parameter] = None
        if sep_pos_embed:
            if dims != 3:
                raise InvalidModelArgsError('sep_pos_embed splits a temporal from a 2-d spatial embedding: it needs 3-d input.')
            self.pos_embed_spatial = nn.Parameter(
                torch.zeros(1, self.tokens_spatial_shape[1] * self.tokens_spatial_shape[2], embed_dim))
            self.pos_embed_temporal = nn.Parameter(torch.zeros(1, self.tokens_spatial_shape[0], embed_dim))
        elif abs_win_pos_embed:
            self.pos_embed = nn.Parameter(torch.zeros(1, embed_dim, *global_pos_size))
            self.pos_embed_win = nn.Parameter(torch.zeros(1, embed_dim, *mask_unit_size))
        else:
            self.pos_embed = nn.Parameter(torch.zeros(1, num_tokens, embed_dim))

        schedule = [tuple(q_stride)] * len(self.stage_ends[:-1])
        self.unroll = Unroll(img_size, patch_stride, schedule)
        self.reroll = Reroll(img_size, patch_stride, schedule, self.stage_ends, q_pool)
        q_pool_blocks = [x + 1 for x in self.stage_ends[:q_pool]]

        depth = sum(stages)
        rates = [float(r) for r in torch.linspace(0, drop_path_rate, depth, device='cpu').tolist()]
        self.blocks = nn.ModuleList()
        self.feature_info = []
        cur_stage = 0
        for i in range(depth):
            dim_out = embed_dim
            use_mask_unit_attn = mask_unit_attn[cur_stage]
            if i - 1 in self.stage_ends:
                dim_out = int(embed_dim * dim_mul)
                num_heads = int(num_heads * head_mul)
                cur_stage += 1
                if i in q_pool_blocks:
                    flat_mu_size //= flat_q_stride
            self.blocks.append(HieraBlock(
                dim=embed_dim, dim_out=dim_out, heads=num_heads, mlp_ratio=mlp_ratio, drop_path=rates[i],
                init_values=init_values, norm_layer=norm_layer,
                q_stride=flat_q_stride if i in q_pool_blocks else 1, window_size=flat_mu_size,
                use_expand_proj=use_expand_proj, use_mask_unit_attn=use_mask_unit_attn,
            ))
            embed_dim = dim_out
            if i in self.stage_ends:
                self.feature_info.append(
                    dict(num_chs=dim_out, reduction=2 ** (cur_stage + 2), module=f'blocks.{self.stage_ends[cur_stage]}'))

        self.num_features = embed_dim
        self.head = ClNormMlpClassifierHead(embed_dim, num_classes, pool_type=global_pool, drop_rate=drop_rate,
                                            norm_layer=norm_layer, input_fmt='NLC')
        self.head_hidden_size = self.head.num_features
        self.weight_init = weight_init
        if not _on_meta():
            self._init_weights(weight_init, fix_init, head_init_scale)

    @staticmethod
    def _check_grid(img_size: Tuple[int, ...], patch_stride: Sequence[int], q_stride: Sequence[int],
                    mask_unit_size: Sequence[int], q_pool: int) -> None:
        tokens = [i // s for i, s in zip(img_size, patch_stride)]
        unit = [m for m in mask_unit_size]
        pooled = [q ** q_pool for q in q_stride]
        if any(i % s for i, s in zip(img_size, patch_stride)) or any(t % u for t, u in zip(tokens, unit)) \
                or any(t % p for t, p in zip(tokens, pooled)):
            raise InvalidModelArgsError(
                f"img_size {tuple(img_size)} gives a {tuple(tokens)} token grid that does not divide into "
                f"{tuple(unit)} mask units and {q_pool} poolings by {tuple(q_stride)}; use a multiple of "
                f"{[s * max(u, p) for s, u, p in zip(patch_stride, unit, pooled)]}.")

    def _init_weights(self, weight_init: str, fix_init: bool, head_init_scale: float) -> None:
        for param in (self.pos_embed, self.pos_embed_win, self.pos_embed_spatial, self.pos_embed_temporal):
            if param is not None:
                nn.init.trunc_normal_(param, std=0.02)
        if weight_init != 'skip':
            for name, module in self.named_modules():
                self._init_module(name, module, jax=weight_init == 'jax')
        if fix_init:
            for layer_id, block in enumerate(self.blocks):
                with torch.no_grad():
                    block.attn.proj.weight.div_(math.sqrt(2.0 * (layer_id + 1)))
                    block.mlp.fc2.weight.div_(math.sqrt(2.0 * (layer_id + 1)))
        if isinstance(self.head.fc, nn.Linear):
            with torch.no_grad():
                self.head.fc.weight.mul_(head_init_scale)
                self.head.fc.bias.mul_(head_init_scale)

    @staticmethod
    def _init_module(name: str, module: nn.Module, jax: bool) -> None:
        """timm's ViT (or JAX) initialisation of one module; the classifier starts at zero."""
        is_conv = isinstance(module, (nn.Conv1d, nn.Conv2d, nn.Conv3d))
        if name.startswith('head.fc') and isinstance(module, nn.Linear):
            nn.init.zeros_(module.weight)
            nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Linear):
            if jax:
                nn.init.xavier_uniform_(module.weight)
                if module.bias is not None:
                    nn.init.normal_(module.bias, std=1e-6) if 'mlp' in name else nn.init.zeros_(module.bias)
            else:
                nn.init.trunc_normal_(module.weight, std=0.02)
                if module.bias is not None:
                    nn.init.constant_(module.bias, 0.02)
        elif is_conv:
            if jax:
                fan_in = module.weight[0].numel()
                nn.init.trunc_normal_(module.weight, std=math.sqrt(1.0 / fan_in) / 0.87962566103423978)
            else:
                nn.init.trunc_normal_(module.weight, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)

    def init_new_module(self, name: str, module: nn.Module) -> None:
        """Initialise a module the checkpoint did not cover (a new classifier): a real, non-zero classifier."""
        if hasattr(module, 'reset_parameters'):
            module.reset_parameters()
        else:
            raise RuntimeError(f"imgzoo bug: no initialisation for {name} ({type(module).__name__}).")

    def adapt_pretrained_state_dict(self, state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
        """Original (facebookresearch) key names to timm's, as timm's checkpoint filter."""
        out = {}
        for key, value in state_dict.items():
            if 'head.projection.' in key:
                key = key.replace('head.projection.', 'head.fc.')
            if key.startswith('encoder_norm.'):
                key = key.replace('encoder_norm.', 'head.norm.')
            elif key.startswith('norm.'):
                key = key.replace('norm.', 'head.norm.')
            if key == 'pos_embed_abs':
                key = 'pos_embed'
            out[key] = value
        return out

    def no_weight_decay(self) -> Set[str]:
        if self.pos_embed is not None:
            return {'pos_embed'}
        return {'pos_embed_spatial', 'pos_embed_temporal'}

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(
            stem=r'^pos_embed|pos_embed_spatial|pos_embed_temporal|pos_embed_abs|pos_embed_win|patch_embed',
            blocks=[(r'^blocks\.(\d+)', None), (r'^norm', (99999,))],
        )

    def get_classifier(self) -> nn.Module:
        return self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None, reset_other: bool = False) -> None:
        """A fresh classifier (and pooling when given); reset_other also drops the head's norm."""
        self.num_classes = num_classes
        self.head.reset(num_classes, global_pool, reset_other=reset_other, in_features=self.num_features)
        self.head_hidden_size = self.head.num_features

    def get_random_mask(self, x: torch.Tensor, mask_ratio: float) -> torch.Tensor:
        """A random boolean keep-mask over mask units (1 keep), dropping mask_ratio of them per sample."""
        batch = x.shape[0]
        num_windows = math.prod(self.mask_spatial_shape)
        len_keep = int(num_windows * (1 - mask_ratio))
        noise = torch.rand(batch, num_windows, device=x.device)
        ids_restore = torch.argsort(torch.argsort(noise, dim=1), dim=1)
        mask = torch.zeros([batch, num_windows], device=x.device)
        mask[:, :len_keep] = 1
        return torch.gather(mask, dim=1, index=ids_restore).bool()

    def _pos_embed(self, x: torch.Tensor) -> torch.Tensor:
        if self.pos_embed_win is not None:
            pos_embed_win = self.pos_embed_win.tile(self.mask_spatial_shape)
            pos_embed = F.interpolate(self.pos_embed, size=pos_embed_win.shape[-2:], mode='bicubic', antialias=True)
            pos_embed = (pos_embed + pos_embed_win).flatten(2).transpose(1, 2)
        elif self.pos_embed is not None:
            pos_embed = self.pos_embed
        else:
            pos_embed = self.pos_embed_spatial.repeat(1, self.tokens_spatial_shape[0], 1) + torch.repeat_interleave(
                self.pos_embed_temporal, self.tokens_spatial_shape[1] * self.tokens_spatial_shape[2], dim=1)
        return x + pos_embed

    def _embed(self, x: torch.Tensor, mask: Optional[torch.Tensor]) -> torch.Tensor:
        x = _checked_input(x, self.in_chans, self.input_size)
        patch_mask = mask.view(x.shape[0], 1, *self.mask_spatial_shape) if mask is not None else None
        x = self.unroll(self._pos_embed(self.patch_embed(x, mask=patch_mask)))
        if mask is not None:
            x = x[mask[..., None].tile(1, self.mu_size, x.shape[2])].view(x.shape[0], -1, x.shape[-1])
        return x

    def _block(self, block: nn.Module, x: torch.Tensor) -> torch.Tensor:
        if self.grad_checkpointing and not torch.jit.is_scripting():
            return checkpoint(block, x)
        return block(x)

    def forward_intermediates(
        self, x: torch.Tensor, mask: Optional[torch.Tensor] = None, indices: Union[int, List[int], None] = None,
        norm: bool = False, stop_early: bool = True, output_fmt: str = 'NCHW', intermediates_only: bool = False,
        coarse: bool = True,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final tokens and the stage outputs (coarse) or block outputs at indices, rerolled to NCHW / NHWC maps
        (mask-unit windows when a mask is given). Hiera's trunk has no final norm, so norm must be False."""
        mask = _given_mask(mask)
        if norm:
            raise InvalidModelArgsError("Hiera has no final norm in its trunk (the norm is in the head): use norm=False.")
        check_output_fmt(output_fmt, ('NCHW', 'NHWC'))
        if coarse:
            take_indices, max_index = feature_take_indices(len(self.stage_ends), indices)
            take_indices = [self.stage_ends[i] for i in take_indices]
            max_index = self.stage_ends[max_index]
        else:
            take_indices, max_index = feature_take_indices(len(self.blocks), indices)
        x = self._embed(x, mask)
        intermediates = []
        blocks = self.blocks if not stop_early else self.blocks[:max_index + 1]
        for i, block in enumerate(blocks):
            x = self._block(block, x)
            if i in take_indices:
                tap = self.reroll(x, i, mask=mask)
                intermediates.append(tap.permute(0, 3, 1, 2) if output_fmt == 'NCHW' else tap)
        if intermediates_only:
            return intermediates
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
        coarse: bool = True,
    ) -> List[int]:
        """Drop the blocks after the last index needed and the head (with its norm); returns the kept indices."""
        if coarse:
            take_indices, max_index = feature_take_indices(len(self.stage_ends), indices)
            num_chs = self.feature_info[max_index]['num_chs']
            max_index = self.stage_ends[max_index]
        else:
            take_indices, max_index = feature_take_indices(len(self.blocks), indices)
            num_chs = self.blocks[max_index].dim_out
        prune_end = max_index < len(self.blocks) - 1
        self.blocks = self.blocks[:max_index + 1]
        if prune_end:
            self.num_features = self.head_hidden_size = num_chs
        if prune_head or prune_end:
            self.reset_classifier(0, reset_other=True)
        return take_indices

    def forward_features(
        self, x: torch.Tensor, mask: Optional[torch.Tensor] = None, return_intermediates: bool = False,
    ) -> Union[torch.Tensor, Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Tokens after the last block ([B, N, C], unrolled order); mask is [B, #mask units] booleans, 1 keep."""
        mask = _given_mask(mask)
        if self.training and self.patch_drop_rate > 0:
            if mask is not None:
                raise InvalidModelArgsError('Pass no mask while training with patch_drop_rate: it draws its own.')
            mask = self.get_random_mask(x, mask_ratio=self.patch_drop_rate)
        x = self._embed(x, mask)
        intermediates = []
        for i, block in enumerate(self.blocks):
            x = self._block(block, x)
            if return_intermediates and i in self.stage_ends:
                intermediates.append(self.reroll(x, i, mask=mask))
        if return_intermediates:
            return x, intermediates
        return x

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        return self.head(x, pre_logits=pre_logits)

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Logits; with a mask (MAE-style, [B, #mask units], 1 keep), the kept tokens after the last block."""
        mask = _given_mask(mask)
        x = self.forward_features(x, mask=mask)
        if mask is None:
            x = self.forward_head(x)
        return x


def _hiera(defaults: Dict[str, Any], kwargs: Dict[str, Any]) -> Hiera:
    return Hiera(**{**defaults, **kwargs})


@register_model
def hiera_tiny_224(**kwargs: Any) -> Hiera:
    return _hiera(dict(embed_dim=96, num_heads=1, stages=(1, 2, 7, 2)), kwargs)


@register_model
def hiera_small_224(**kwargs: Any) -> Hiera:
    return _hiera(dict(embed_dim=96, num_heads=1, stages=(1, 2, 11, 2)), kwargs)


@register_model
def hiera_base_224(**kwargs: Any) -> Hiera:
    return _hiera(dict(embed_dim=96, num_heads=1, stages=(2, 3, 16, 3)), kwargs)


@register_model
def hiera_base_plus_224(**kwargs: Any) -> Hiera:
    return _hiera(dict(embed_dim=112, num_heads=2, stages=(2, 3, 16, 3)), kwargs)


@register_model
def hiera_large_224(**kwargs: Any) -> Hiera:
    return _hiera(dict(embed_dim=144, num_heads=2, stages=(2, 6, 36, 4)), kwargs)


@register_model
def hiera_huge_224(**kwargs: Any) -> Hiera:
    return _hiera(dict(embed_dim=256, num_heads=4, stages=(2, 6, 36, 4)), kwargs)


@register_model
def hiera_small_abswin_256(**kwargs: Any) -> Hiera:
    return _hiera(dict(embed_dim=96, num_heads=1, stages=(1, 2, 11, 2), abs_win_pos_embed=True,
                       global_pos_size=(16, 16), init_values=1e-5, weight_init='jax', use_expand_proj=False,
                       img_size=256), kwargs)


@register_model
def hiera_base_abswin_256(**kwargs: Any) -> Hiera:
    return _hiera(dict(embed_dim=96, num_heads=1, stages=(2, 3, 16, 3), abs_win_pos_embed=True, init_values=1e-5,
                       weight_init='jax', img_size=256), kwargs)
