"""NFNet family: timm's test_nfnet (full), and at one block per stage (depths=(1, 1, 1, 1)) the DeepMind port
(same padding, gamma in activations, skip-init gain), NFNet-L with ECA, NF-RegNet (SE between convs, final conv)
and NF-ResNet (7x7 pooled stem, ECA after the last conv)."""
from . import Case

ONE = dict(depths=(1, 1, 1, 1))

CASES = [
    Case('test_nfnet'),
    Case('dm_nfnet_f0', ONE),
    Case('eca_nfnet_l0', ONE),
    Case('nf_regnet_b0', ONE),
    Case('nf_ecaresnet26', ONE),
]
