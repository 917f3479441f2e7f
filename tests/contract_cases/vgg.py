"""VGG family: plain and batch-norm variants at full depth; the conv MLP's hidden width reduced
(mlp_ratio=0.125: fc1 has 512 instead of 4096 outputs) so the 100M-parameter head stays small."""
from . import Case

CASES = [
    Case('vgg11', dict(mlp_ratio=0.125)),
    Case('vgg13_bn', dict(mlp_ratio=0.125)),
]
