"""What Swin V1 and V2 models share: timm's contract methods over `patch_embed`, `layers` (stages that
keep NHWC maps), `norm` and an NHWC classifier `head`."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, Union

import torch
from torch import nn

from ..features import check_output_fmt, feature_take_indices
from ._base import ImgzooModel


class SwinBase(ImgzooModel):
    """Contract methods of the Swin families; subclasses build patch_embed, layers, norm and head."""

    stem_pattern = r'^patch_embed'

    def group_matcher(self, coarse: bool = False) -> Dict[str, Any]:
        return dict(
            stem=self.stem_pattern,
            blocks=r'^layers\.(\d+)' if coarse else [
                (r'^layers\.(\d+).downsample', (0,)),
                (r'^layers\.(\d+)\.\w+\.(\d+)', None),
                (r'^norm', (99999,)),
            ],
        )

    def set_grad_checkpointing(self, enable: bool = True) -> None:
        self.grad_checkpointing = enable
        for stage in self.layers:
            stage.grad_checkpointing = enable

    def get_classifier(self) -> nn.Module:
        return self.head.fc

    def reset_classifier(self, num_classes: int, global_pool: Optional[str] = None) -> None:
        """Replace the classifier (and optionally the pooling) with a fresh one."""
        self.head.reset(num_classes, pool_type=global_pool, in_features=self.num_features)
        self.num_classes = num_classes
        self.head_hidden_size = self.head.num_features
        if global_pool is not None:
            self.global_pool = global_pool

    def forward_intermediates(
        self, x: torch.Tensor, indices: Union[int, List[int], None] = None, norm: bool = False,
        stop_early: bool = False, output_fmt: str = 'NCHW', intermediates_only: bool = False,
    ) -> Union[List[torch.Tensor], Tuple[torch.Tensor, List[torch.Tensor]]]:
        """Final features and the stage outputs at indices, NCHW (or NHWC); norm applies the final norm to the last stage."""
        check_output_fmt(output_fmt, ('NCHW', 'NHWC'))
        num_stages = len(self.layers)
        take_indices, max_index = feature_take_indices(num_stages, indices)
        intermediates = []
        x = self.patch_embed(x)
        stages = self.layers[:max_index + 1] if stop_early else self.layers
        last = 0
        for i, stage in enumerate(stages):
            x = stage(x)
            last = i
            if i in take_indices:
                tap = self.norm(x) if norm and i == num_stages - 1 else x
                intermediates.append(tap.permute(0, 3, 1, 2).contiguous() if output_fmt == 'NCHW' else tap)
        if intermediates_only:
            return intermediates
        if last == num_stages - 1:
            x = self.norm(x)
        return x, intermediates

    def prune_intermediate_layers(
        self, indices: Union[int, List[int]] = 1, prune_norm: bool = False, prune_head: bool = True,
    ) -> List[int]:
        """Drop the stages after the last index needed (and the final norm / head); returns the kept indices."""
        take_indices, max_index = feature_take_indices(len(self.layers), indices)
        prune_end = max_index < len(self.layers) - 1
        if prune_norm or prune_end:
            self.norm = nn.Identity()
        self.layers = self.layers[:max_index + 1]
        if prune_end:
            self.num_features = self.head_hidden_size = self.feature_info[max_index]['num_chs']
        if prune_head or prune_end:
            self.reset_classifier(0, '')
        return take_indices

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(self.layers(self.patch_embed(x)))

    def forward_head(self, x: torch.Tensor, pre_logits: bool = False) -> torch.Tensor:
        return self.head(x, pre_logits=pre_logits)
