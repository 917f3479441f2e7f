"""EfficientNet family at full size (64x64 inputs keep them fast): one case per block variant.

efficientnet_b0 (ds + ir + SE, the compiled case), tf_efficientnetv2_b0 (cn + er, TF 'same' padding),
tf_mixnet_s (mixed-kernel and grouped 1x1 convs), tf_efficientnet_cc_b0_4e (CondConv experts),
mobilenetv1_100 (dsa: activation after the pointwise conv), mobilenet_edgetpu_v2_xs (grouped Fused-MBConv),
efficientnet_es (EdgeTPU forced input width), mobilenetv2_050 (fix-less width scaling), test_efficientnet_gn /
_ln / _evos (GroupNorm, LayerNorm, EvoNorm-S0 in place of batch norm), efficientnet_blur_b0 (blur-pool
anti-aliasing with a non-persistent filter), gc_efficientnetv2_rw_t (global-context attention in place of SE),
efficientnet_x_b3 (space-to-depth first stage) and efficientnet_b1_pruned (layers rebuilt at pruned
widths).
"""
from . import Case

CASES = [
    Case('efficientnet_b0'),
    Case('tf_efficientnetv2_b0'),
    Case('tf_mixnet_s'),
    Case('tf_efficientnet_cc_b0_4e'),
    Case('mobilenetv1_100'),
    Case('mobilenet_edgetpu_v2_xs'),
    Case('efficientnet_es'),
    Case('mobilenetv2_050'),
    Case('efficientnet_b1_pruned'),
    Case('test_efficientnet_gn'),
    Case('test_efficientnet_ln'),
    Case('test_efficientnet_evos'),
    Case('efficientnet_blur_b0'),
    Case('gc_efficientnetv2_rw_t'),
    Case('efficientnet_x_b3'),
]
