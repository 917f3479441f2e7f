"""ResNet family at full depth (small inputs keep them fast)."""
from . import Case

CASES = [
    Case('resnet18'),
    Case('resnet50d'),
    Case('seresnet50'),
    Case('resnext50_32x4d'),
]
