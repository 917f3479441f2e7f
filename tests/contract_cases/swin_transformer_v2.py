"""Swin Transformer V2 family at reduced depth / width and 64-96 px inputs (full sizes are checked on meta).
drop_path_rate=0 because timm's default of 0.1 makes training-mode outputs random.

Covers the plain window, a window normalised by a different pretrained window (12to16), and dynamic
input sizes (shift masks computed per forward).
"""
from . import Case

_SMALL = dict(img_size=64, depths=(1, 2, 1, 1), embed_dim=32, num_heads=(1, 2, 2, 4), drop_path_rate=0.0)

CASES = [
    Case('swinv2_tiny_window8_256', _SMALL),
    Case('swinv2_base_window12to16_192to256', dict(_SMALL, img_size=(64, 96), depths=(1, 2, 2, 1)),
         input_shape=(2, 3, 64, 96)),
    Case('swinv2_small_window16_256', dict(_SMALL, dynamic_img_size=True), input_shape=(2, 3, 96, 64)),
]
