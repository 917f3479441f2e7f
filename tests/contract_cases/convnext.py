"""ConvNeXt family: one case per block/stem/norm/head variant, at reduced depth (one block per stage) where
the full architecture is large; small inputs keep them fast."""
from . import Case

_ONE = dict(depths=(1, 1, 1, 1))

CASES = [
    Case('convnext_atto'),                                   # conv MLP (NCHW), LayerNorm2d, patch stem
    Case('convnext_tiny', _ONE),                             # channels-last MLP with nn.Linear, layer scale
    Case('convnextv2_atto'),                                 # GRN MLP, no layer scale
    Case('convnext_tiny_hnf', _ONE),                         # head norm first (norm_pre, ClassifierHead)
    Case('convnext_zepto_rms_ols'),                          # SimpleNorm, overlapping stem with activation
    Case('convnext_atto_rms'),                               # RMSNorm
    Case('convnext_large_mlp', dict(depths=(1, 1, 1, 1), dims=(32, 64, 96, 128), head_hidden_size=64)),  # MLP head
]
