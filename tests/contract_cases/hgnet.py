"""HGNet family at full size: V2 with learnable affines (b0: conv and light blocks, SE-style aggregation,
two-branch stem), V2 without them (b4) and V1 (tiny: ESE aggregation, three-conv stem). 64 px inputs."""
from . import Case

CASES = [
    Case('hgnetv2_b0'),
    Case('hgnet_tiny'),
    Case('hgnetv2_b4'),
]
