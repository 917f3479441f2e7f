"""Building blocks shared by the model families."""
from .activations import QuickGELU, create_act, get_act_layer
from .blur_pool import BlurPool2d
from .diff_attention import DiffAttention
from .drop import DropPath, drop_path
from .eca import EcaModule
from .glu import GluMlp, SwiGLU, SwiGLUPacked
from .group_norm_act import GroupNormAct
from .helpers import make_divisible, to_2tuple
from .mixed_conv import CondConv2d, MixedConv2d, create_conv2d_any
from .mlp import Mlp
from .norm import LayerNorm2d
from .norm_act import BatchNormAct2d, ConvNormAct
from .padding import Conv2dSame, create_conv2d, get_padding, pad_same
from .rms_norm import RmsNorm, RmsNorm2d, SimpleNorm, SimpleNorm2d
from .pooling import GlobalPool2d, check_num_classes, create_classifier
from .squeeze_excite import SEModule

__all__ = [
    'BlurPool2d', 'CondConv2d', 'MixedConv2d', 'create_conv2d_any',
    'BatchNormAct2d', 'Conv2dSame', 'ConvNormAct', 'DropPath', 'GlobalPool2d', 'LayerNorm2d', 'Mlp', 'QuickGELU',
    'SEModule', 'check_num_classes', 'create_act', 'create_classifier', 'create_conv2d', 'drop_path',
    'get_act_layer', 'get_padding', 'make_divisible', 'pad_same', 'to_2tuple',
    'DiffAttention', 'GluMlp', 'RmsNorm', 'SwiGLU', 'SwiGLUPacked',
    'BlurPool2d', 'EcaModule', 'GroupNormAct', 'RmsNorm2d', 'SimpleNorm', 'SimpleNorm2d',
]
from .classifier_nhwc import NhwcClassifierHead, NhwcGlobalPool
from .patch_embed_traceable import TraceablePatchEmbed
from .relative_position import (
    creating_on_meta, log_spaced_relative_coords, relative_position_index, resize_rel_pos_bias_table,
)
from .windows import shifted_window_mask, stage_window_sizes, window_partition, window_reverse

__all__ += [
    'NhwcClassifierHead', 'NhwcGlobalPool', 'TraceablePatchEmbed', 'creating_on_meta', 'log_spaced_relative_coords',
    'relative_position_index', 'resize_rel_pos_bias_table', 'shifted_window_mask', 'stage_window_sizes',
    'window_partition', 'window_reverse',
]
