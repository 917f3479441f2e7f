"""Swin Transformer family at reduced depth / width and 64-96 px inputs (full sizes are checked on meta).
drop_path_rate=0 because timm's default of 0.1 makes training-mode outputs random.

64 px gives stage maps of 16, 8, 4 and 2 tokens: windows of 7 need padding and a shift mask at the
first two stages and shrink to the map (no shift) at the last two.
"""
from . import Case

_SMALL = dict(img_size=64, depths=(1, 2, 1, 1), embed_dim=32, num_heads=(1, 2, 2, 4), drop_path_rate=0.0)

CASES = [
    Case('swin_tiny_patch4_window7_224', _SMALL),
    Case('swin_s3_tiny_224', dict(img_size=(64, 96), depths=(1, 2, 2, 1), embed_dim=32, num_heads=(1, 2, 2, 4),
                                  drop_path_rate=0.0), input_shape=(2, 3, 64, 96)),
    Case('swin_base_patch4_window12_384', dict(img_size=96, depths=(1, 2, 2, 1), embed_dim=32, num_heads=(1, 2, 2, 4),
                                               always_partition=True, drop_path_rate=0.0),
         input_shape=(2, 3, 96, 96)),
    Case('swin_small_patch4_window7_224', dict(_SMALL, dynamic_img_size=True), input_shape=(2, 3, 96, 64)),
]
