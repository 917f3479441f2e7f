"""FastViT / MobileCLIP at reduced depth (one block per stage) and width, on 64 px inputs (full sizes are checked
on the meta device). Attention stages keep timm's head width of 32, so their widths stay multiples of 32;
each stage's width is a multiple of the one before (the downsampling conv is grouped by input channel).

Cases cover: RepMixer-only stages (t8), attention stages with the conditional positional encoding (sa12),
squeeze-excite downsampling and the activated large-kernel conv (mci0), and the five-stage LayerNorm2d
encoders without a stem scale branch (mci3).
"""
from . import Case

CASES = [
    Case('fastvit_t8', dict(layers=(1, 1, 1, 1), embed_dims=(8, 16, 32, 32))),
    Case('fastvit_sa12', dict(layers=(1, 1, 1, 1), embed_dims=(16, 32, 32, 64))),
    Case('fastvit_mci0', dict(layers=(1, 1, 1, 1), embed_dims=(16, 32, 32, 64))),
    Case('fastvit_mci3', dict(layers=(1, 1, 1, 1, 1), embed_dims=(8, 16, 32, 32, 64))),
]
