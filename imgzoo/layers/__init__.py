"""Building blocks shared by the model families."""
from .activations import QuickGELU, create_act, get_act_layer
from .blur_pool import BlurPool2d
from .drop import DropPath, drop_path
from .eca import EcaModule
from .evo_norm import EvoNorm2dS0, FilterResponseNormTlu2d
from .group_norm_act import GroupNormAct
from .helpers import make_divisible, to_2tuple
from .mlp import Mlp
from .norm import LayerNorm2d
from .norm_act import BatchNormAct2d, ConvNormAct
from .padding import Conv2dSame, create_conv2d, get_padding, pad_same
from .pooling import GlobalPool2d, check_num_classes, create_classifier
from .squeeze_excite import SEModule
from .std_conv import ScaledStdConv2d, ScaledStdConv2dSame, StdConv2d

__all__ = [
    'BatchNormAct2d', 'BlurPool2d', 'Conv2dSame', 'ConvNormAct', 'DropPath', 'EcaModule', 'EvoNorm2dS0',
    'FilterResponseNormTlu2d', 'GlobalPool2d', 'GroupNormAct', 'LayerNorm2d', 'Mlp', 'QuickGELU', 'SEModule',
    'ScaledStdConv2d', 'ScaledStdConv2dSame', 'StdConv2d', 'check_num_classes', 'create_act', 'create_classifier',
    'create_conv2d', 'drop_path', 'get_act_layer', 'get_padding', 'make_divisible', 'pad_same', 'to_2tuple',
]
