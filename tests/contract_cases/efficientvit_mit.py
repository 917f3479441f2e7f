"""EfficientViT (MIT) family at full size: B series (DSConv stem, MBConv, LiteMLA blocks in the last two
stages) and L series (ConvBlock stem, fused MBConvs, eps 1e-7, tanh-GELU). 64 px inputs keep them fast."""
from . import Case

CASES = [
    Case('efficientvit_b0'),
    Case('efficientvit_l1'),
]
