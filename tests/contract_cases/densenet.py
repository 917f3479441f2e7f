"""DenseNet family: plain stem, and deep stem with blur-pool anti-aliasing. Depth reduced
(block_config=(2, 3, 2, 2)): dense layers are identical modules repeated."""
from . import Case

CASES = [
    Case('densenet121', dict(block_config=(2, 3, 2, 2))),
    Case('densenetblur121d', dict(block_config=(2, 3, 2, 2))),
]
