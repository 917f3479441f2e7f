"""HGNet family at full size (timm's builders take no depth): V2-B0 (stem v2, light blocks, SE aggregation,
learnable affine) and V1 tiny (stem v1, ESE aggregation)."""
from . import Case

CASES = [
    Case('hgnetv2_b0'),
    Case('hgnet_tiny'),
]
