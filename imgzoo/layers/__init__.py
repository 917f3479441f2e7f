"""Building blocks shared by the model families."""
from .activations import create_act, get_act_layer, QuickGELU
from .attention_pool2d import AttentionPool2d
from .blur_pool import BlurPool2d
from .classifier_cl import ClNormMlpClassifierHead
from .classifier_nhwc import NhwcClassifierHead, NhwcGlobalPool
from .diff_attention import DiffAttention
from .drop import drop_path, DropPath
from .drop_block import drop_block_2d, DropBlock2d
from .eca import EcaModule
from .evo_norm import EvoNorm2dS0, FilterResponseNormTlu2d
from .global_context import GlobalContext
from .glu import GluMlp, SwiGLU, SwiGLUPacked
from .group_norm_act import GroupNormAct
from .helpers import check_fraction, make_divisible, to_2tuple
from .layer_norm_act import LayerNormAct2d
from .mixed_conv import CondConv2d, create_conv2d_any, MixedConv2d
from .mlp import Mlp
from .norm import LayerNorm2d
from .norm_act import BatchNormAct2d, ConvNormAct
from .padding import Conv2dSame, create_conv2d, get_padding, pad_same
from .patch_dropout import patch_dropout_forward, PatchDropout
from .pooling import check_num_classes, create_classifier, GlobalPool2d
from .relative_position import (
    creating_on_meta, log_spaced_relative_coords, relative_position_index, resize_rel_pos_bias_table,
)
from .rms_norm import RmsNorm, RmsNorm2d, SimpleNorm, SimpleNorm2d
from .squeeze_excite import SEModule
from .std_conv import ScaledStdConv2d, ScaledStdConv2dSame, StdConv2d
from .windows import shifted_window_mask, stage_window_sizes, window_partition, window_reverse

__all__ = [
    'AttentionPool2d',
    'BatchNormAct2d', 'BlurPool2d', 'check_num_classes', 'ClNormMlpClassifierHead', 'CondConv2d', 'Conv2dSame', 'ConvNormAct', 'create_act',
    'create_classifier', 'create_conv2d', 'create_conv2d_any', 'creating_on_meta', 'DiffAttention', 'drop_path',
    'drop_block_2d', 'DropBlock2d',
    'DropPath', 'EcaModule', 'EvoNorm2dS0', 'FilterResponseNormTlu2d', 'get_act_layer', 'get_padding', 'GlobalPool2d',
    'GluMlp', 'GroupNormAct', 'LayerNorm2d', 'log_spaced_relative_coords', 'make_divisible', 'MixedConv2d', 'Mlp',
    'NhwcClassifierHead', 'NhwcGlobalPool', 'pad_same', 'QuickGELU', 'relative_position_index',
    'patch_dropout_forward', 'PatchDropout',
    'resize_rel_pos_bias_table', 'RmsNorm', 'RmsNorm2d', 'ScaledStdConv2d', 'ScaledStdConv2dSame', 'SEModule',
    'shifted_window_mask', 'SimpleNorm', 'SimpleNorm2d', 'stage_window_sizes', 'StdConv2d', 'SwiGLU', 'SwiGLUPacked',
    'to_2tuple', 'window_partition', 'window_reverse',
]
__all__ += ['GlobalContext', 'LayerNormAct2d']
