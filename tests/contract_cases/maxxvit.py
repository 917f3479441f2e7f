"""MaxViT / CoAtNet / MaxxViT family at 64x64 inputs (img_size=64: 2x2 windows and grids) and one block per stage
(two where a stage mixes block types), full widths. The first case is also compiled.

Variants covered: TF MaxViT (one-hot 'bias_tf' tables, TF 'same' padding, tanh GELU, MLP head), CoAtNet ('C' MBConv +
'T' full-map attention blocks, pooled strides, early SE), MaxViT with MLP relative positions, MaxxViT-V2 (ConvNeXt
conv blocks, grid attention only, LayerNorm stem), parallel window + grid blocks ('PM').
"""
from . import Case

_SMALL = dict(img_size=64, depths=(1, 1, 1, 1))

CASES = [
    Case('maxvit_tiny_tf_224', _SMALL),
    Case('coatnet_0_rw_224', dict(img_size=64, depths=(1, 1, 2, 1))),
    Case('maxvit_rmlp_pico_rw_256', _SMALL),
    Case('maxxvitv2_nano_rw_256', _SMALL),
    Case('maxvit_tiny_pm_256', _SMALL),
]
