"""Inception-v3 at full size on 96x96 inputs (the smallest reasonable size: 75 is its minimum)."""
from . import Case

CASES = [
    Case('inception_v3', input_shape=(2, 3, 96, 96)),
]
