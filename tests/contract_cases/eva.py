"""EVA family at reduced size: 3 blocks (the fewest that timm's default features_only taps, the last three
blocks, allow), 32x32 inputs (28x28 for patch 14), and width cut to 64 (2 heads, 4 for the PE attention pool)
where the real width would only add compute. Each case covers a block, attention, MLP, norm, position-embedding
or pooling variant; the width does not change the code paths."""
from . import Case

P16 = (2, 3, 32, 32)
P14 = (2, 3, 28, 28)
S16 = dict(depth=3, img_size=32)
S14 = dict(depth=3, img_size=28)
NARROW = dict(embed_dim=64, num_heads=2)

CASES = [
    Case('eva02_tiny_patch14_224', S14, P14),  # axial RoPE (cat), fused qkv + q/v bias, packed SwiGLU (compiled)
    Case('eva02_base_patch14_224', dict(S14, **NARROW), P14),  # q/k/v_proj, SwiGLU with sub-LN (scale_mlp)
    Case('eva02_base_patch16_clip_224', dict(S16, **NARROW), P16),  # attention sub-LN, class-token pooling
    Case('eva02_enormous_patch14_clip_224', dict(S14, **NARROW), P14),  # post-norm blocks
    Case('eva_giant_patch14_224', dict(S14, **NARROW), P14),  # absolute position only, avg pool + fc_norm
    Case('vit_pe_core_tiny_patch16_384', dict(S16, embed_dim=64, num_heads=4), P16),  # AttentionRope, xy grid, map
    Case('vit_small_patch16_rope_mixed_ape_224', dict(S16, **NARROW), P16),  # learned RoPE-Mixed + APE
    Case('vit_small_patch16_dinov3', dict(depth=3, **NARROW), (2, 3, 48, 32)),  # DINOv3 RoPE, dynamic size
    # GQA, RmsNorm, q/k norm; without the train-time RoPE rescaling (random, so training outputs would differ)
    Case('vit_base_patch16_sapiens2', dict(depth=3, num_kv_heads=(2, 1, 2), rope_rescale_coords=None, **NARROW),
         P16),
    Case('vit_medium_patch16_rope_reg1_gap_256', dict(S16, **NARROW), P16),  # register token, no class token
]
