"""Building blocks shared by the model families."""
from .activations import QuickGELU, create_act, get_act_layer
from .classifier_cl import ClNormMlpClassifierHead
from .drop import DropPath, drop_path
from .helpers import make_divisible, to_2tuple
from .mlp import Mlp
from .norm import LayerNorm2d
from .norm_act import BatchNormAct2d, ConvNormAct
from .padding import Conv2dSame, create_conv2d, get_padding, pad_same
from .pooling import GlobalPool2d, check_num_classes, create_classifier
from .squeeze_excite import SEModule

__all__ = [
    'BatchNormAct2d', 'ClNormMlpClassifierHead', 'Conv2dSame', 'ConvNormAct', 'DropPath', 'GlobalPool2d', 'LayerNorm2d', 'Mlp', 'QuickGELU',
    'SEModule', 'check_num_classes', 'create_act', 'create_classifier', 'create_conv2d', 'drop_path',
    'get_act_layer', 'get_padding', 'make_divisible', 'pad_same', 'to_2tuple',
]
