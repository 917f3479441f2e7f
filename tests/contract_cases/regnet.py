"""RegNet family: one case per block variant at full depth (the smallest widths); small inputs keep them fast."""
from . import Case

CASES = [
    Case('regnetx_002'),                                     # X: plain bottleneck
    Case('regnety_002'),                                     # Y: squeeze-excitation
    Case('regnetz_005'),                                     # Z: inverted bottleneck, no shortcut projection, final conv
    Case('regnetv_040', dict(w0=24, wa=36.44, wm=2.49, group_size=8, depth=13)),  # V: pre-activation (200MF widths)
    Case('regnety_040_sgn', dict(w0=24, wa=36.44, wm=2.49, group_size=16, depth=13)),  # GroupNorm + SiLU (200MF widths)
]
