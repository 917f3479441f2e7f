"""ResNetV2 family: BiT-50x1 at full size (weight-standardised convs, GroupNorm, fixed stem; timm's BiT
builders take no depth), the others at reduced depth (layers=(1, 1, 1, 1)): pre-activation basic blocks with the deep stem and average-pool shortcuts, EvoNorm-S0, FRN,
and the post-activation bottleneck (preact=False)."""
from . import Case

ONE = (1, 1, 1, 1)

CASES = [
    Case('resnetv2_50x1_bit'),
    Case('resnetv2_18d', dict(layers=ONE)),
    Case('resnetv2_50d_evos', dict(layers=ONE)),
    Case('resnetv2_50d_frn', dict(layers=ONE)),
    Case('resnetv2_50', dict(layers=ONE, preact=False)),
]
