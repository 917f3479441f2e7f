"""Vision Transformer family at reduced size: 3 blocks (the fewest that timm's default features_only taps,
the last three blocks, allow), 32x32 inputs (28x28 for patch 14), and embed_dim cut to 192 (or 256 for
differential attention, which splits heads in two) where the real width would only add compute. Each case
covers a block, attention, MLP, norm, token or pooling variant; the width does not change the code paths."""
from . import Case

P16 = (2, 3, 32, 32)
P14 = (2, 3, 28, 28)
SMALL = dict(depth=3, img_size=32)
SMALL14 = dict(depth=3, img_size=28)
NARROW = dict(embed_dim=192, num_heads=3)

CASES = [
    Case('vit_tiny_patch16_224', SMALL, P16),  # class token, LayerNorm 1e-6, GELU (compiled)
    Case('vit_small_patch14_reg4_dinov2', dict(SMALL14, **NARROW), P14),  # layer scale, registers, no_embed_class
    Case('vit_base_patch16_siglip_224', dict(SMALL, **NARROW), P16),  # no class token, attention pooling
    Case('vit_base_patch16_clip_quickgelu_224', dict(SMALL, **NARROW), P16),  # pre-norm, QuickGELU, eps 1e-5
    Case('vit_betwixt_patch16_reg1_gap_256', dict(SMALL, **NARROW), P16),  # avg pooling, no fc_norm, no qkv bias
    Case('aimv2_large_patch14_224', dict(SMALL14, embed_dim=192, num_heads=2), P14),  # RmsNorm, SwiGLU, embed norm
    Case('vit_giant_patch14_dinov2', dict(SMALL14, **NARROW), P14),  # packed SwiGLU
    Case('beit3_base_patch16_224', dict(SMALL, **NARROW), P16),  # attention / MLP scale norms
    Case('vit_base_patch16_rpn_224', dict(SMALL, **NARROW), P16),  # ResPostBlock
    Case('vit_base_patch16_xp_224', dict(SMALL, **NARROW), P16),  # ParallelScalingBlock, qk_norm, RmsNorm
    Case('vit_dpwee_patch16_reg1_gap_256', SMALL, P16),  # DiffParallelScalingBlock
    Case('vit_dwee_patch16_reg1_gap_256', SMALL, P16),  # differential attention
    Case('vit_small_patch16_18x2_224', dict(SMALL, **NARROW), P16),  # ParallelThingsBlock
    Case('test_vit2', dict(depth=3), (2, 3, 48, 32)),  # dynamic_img_size on a non-square input
    Case('test_vit3', dict(depth=3, img_size=32), P16),  # attention pooling over the prefix tokens too
    Case('vit_intern300m_patch14_448', dict(SMALL14, **NARROW), P14),  # no final norm
]
