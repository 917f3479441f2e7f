"""ResNet family: one case per block/stem/attention/anti-aliasing/norm variant. Architectures deeper than
ResNet-50 run with one block per stage (layers=(1, 1, 1, 1)); small inputs keep them fast."""
from . import Case

_ONE = dict(layers=(1, 1, 1, 1))

CASES = [
    Case('resnet18'),
    Case('resnet50d'),                                        # deep stem, average-pool shortcut
    Case('seresnet50'),                                       # squeeze-excitation
    Case('resnext50_32x4d'),                                  # grouped 3x3
    Case('resnet10t'),                                        # tiered deep stem, BasicBlock
    Case('ecaresnet26t'),                                     # ECA attention
    Case('resnetblur18'),                                     # blur-pool anti-aliasing (non-persistent filter)
    Case('resnetaa50d', _ONE),                                # average-pool anti-aliasing
    Case('resnetrs50', _ONE),                                 # conv stem pool, SE 1/4
    Case('senet154', _ONE),                                   # 3x3 downsample conv, reduce_first=2, 64x4d
    Case('resnet50_gn', _ONE),                                # GroupNorm
    Case('test_resnet'),                                      # mixed block types, custom channels
]
