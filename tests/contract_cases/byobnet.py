"""ByobNet family at full size, 64 px inputs. The cases cover every block type (edge, dark, basic, bottle,
rep, one), stem (3x3 conv, rep, one, quad, tiered + maxpool, deep with EvoNorm, CLIP's 3-conv + avg pool)
and attention / head (SE, ECA, global context, attention pooling). BAT attention (bat_resnext26ts) is not a
case here: its Dropout2d (p=0.2, timm's default, no model argument turns it off) draws new masks in each
training forward, so the checkpointing comparison cannot hold; tests/models/test_byobnet.py captures it with
torch.fx and torch.export instead."""
from . import Case

CASES = [
    Case('test_byobnet'),
    Case('repvgg_a0'),
    Case('mobileone_s0'),
    Case('resnet61q'),
    Case('gcresnext26ts'),
    Case('eca_resnet33ts'),
    Case('regnetz_d8_evos'),
    Case('resnet50_clip'),
]
