"""MobileViT family at full size: v1 (standard transformer blocks over unfolded patches) and v2
(separable linear attention). 64 px inputs keep them fast; 72 px is not a multiple of the patch grid
at stride 16/32, so it exercises the resize-to-patch-multiple path of both block types."""
from . import Case

CASES = [
    Case('mobilevit_xxs'),
    Case('mobilevitv2_050', input_shape=(2, 3, 72, 72)),
    Case('mobilevit_xs', input_shape=(2, 3, 72, 72)),
]
