"""Building blocks shared by the model families."""
from .activations import QuickGELU, create_act, get_act_layer
from .drop import DropPath, drop_path
from .helpers import make_divisible, to_2tuple
from .pooling import GlobalPool2d, check_num_classes, create_classifier
from .squeeze_excite import SEModule

__all__ = [
    'DropPath', 'GlobalPool2d', 'QuickGELU', 'SEModule', 'check_num_classes', 'create_act', 'create_classifier',
    'drop_path', 'get_act_layer', 'make_divisible', 'to_2tuple',
]
