"""DeiT family at reduced size: 3 blocks (timm's default features_only taps are the last three) and 32x32 inputs."""
from . import Case

SMALL = dict(depth=3, img_size=32)

CASES = [
    Case('deit_tiny_distilled_patch16_224', SMALL, (2, 3, 32, 32)),  # distillation token and head (compiled)
    Case('deit_tiny_patch16_224', SMALL, (2, 3, 32, 32)),
    Case('deit3_small_patch16_224', SMALL, (2, 3, 32, 32)),  # layer scale 1e-6, no_embed_class
]
