"""Hiera family at full depth, on 64x64 inputs (img_size=64: a 16x16 token grid of 2x2 mask units) to stay fast.

hiera_tiny_224 covers the linear stage expansion without layer scale (the first case is also compiled);
hiera_small_abswin_256 the abswin position embedding, layer scale and expansion by concatenated max/mean pools.
"""
from . import Case

CASES = [
    Case('hiera_tiny_224', dict(img_size=64)),
    Case('hiera_small_abswin_256', dict(img_size=64)),
]
