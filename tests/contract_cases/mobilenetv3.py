"""MobileNetV3 family at full size (64x64 inputs keep them fast): one case per block variant and head.

mobilenetv3_small_050 (hard-swish, SE on the expanded width, efficient head; the compiled case),
tf_mobilenetv3_large_100 (TF 'same' padding), mobilenetv4_conv_small (cn + uir blocks, normed head),
mobilenetv4_hybrid_medium (multi-query attention with strided keys/values, layer scale),
mobilenetv4_conv_blur_medium (blur anti-aliasing: a non-persistent filter buffer), lcnet_050 (dsa + SE)
and fbnetv3_b (SE sized from the block input).
"""
from . import Case

CASES = [
    Case('mobilenetv3_small_050'),
    Case('tf_mobilenetv3_large_100'),
    Case('mobilenetv4_conv_small'),
    Case('mobilenetv4_hybrid_medium'),
    Case('mobilenetv4_conv_blur_medium'),
    Case('lcnet_050'),
    Case('fbnetv3_b'),
]
