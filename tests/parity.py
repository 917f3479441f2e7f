"""Parity helpers: timm (the oracle) and imgzoo build, save and load the same weights.

Weights are seeded random values, with every constant-initialised tensor (norm scales and
shifts, running statistics, zero-init layers, layer scale) perturbed, so no block is an
identity and a wrong key mapping or forward pass shows up in the logits.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence, Tuple

import torch
from torch import nn

ATOL = 1e-4


def perturb_constants_(model: nn.Module, seed: int = 0) -> nn.Module:
    """Replace every constant floating tensor (all elements equal) with noise around the constant."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in list(model.named_parameters()) + list(model.named_buffers()):
            if not tensor.is_floating_point() or tensor.numel() < 2:
                continue
            flat = tensor.reshape(-1)
            if not bool((flat == flat[0]).all()):
                continue
            noise = torch.randn(tensor.shape, generator=gen) * 0.1
            if name.endswith('running_var'):
                tensor.copy_((tensor + noise).abs() + 0.5)
            else:
                tensor.add_(noise)
    return model


def seeded_input(shape: Sequence[int], seed: int = 1) -> torch.Tensor:
    """A reproducible input batch."""
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def timm_model(arch: str, seed: int = 0, **kwargs: Any) -> nn.Module:
    """A seeded random timm model with perturbed constants, in eval mode."""
    import timm

    torch.manual_seed(seed)
    model = timm.create_model(arch, pretrained=False, **kwargs)
    return perturb_constants_(model, seed).eval()


def save_timm_folder(model: nn.Module, folder: Path, model_args: Optional[dict] = None) -> Path:
    """timm's own save_for_hf (safetensors)."""
    import timm

    timm.models.save_for_hf(model, str(folder), safe_serialization=True, model_args=model_args)
    return folder


def max_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.float() - b.float()).abs().max())


def check_timm_to_imgzoo(
    arch: str, tmp_path: Path, input_shape: Tuple[int, ...] = (2, 3, 64, 64), model_args: Optional[dict] = None,
    **load_kwargs: Any,
) -> Tuple[nn.Module, nn.Module]:
    """timm save_for_hf -> imgzoo local: (pretrained=True) gives the same logits; returns both models."""
    import imgzoo

    model_args = model_args or {}
    reference = timm_model(arch, **model_args)
    folder = save_timm_folder(reference, tmp_path / f'timm_{arch}', model_args=model_args or None)
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, **load_kwargs).eval()
    x = seeded_input(input_shape)
    with torch.no_grad():
        diff = max_diff(reference(x), ours(x))
    assert diff <= ATOL, f'{arch}: timm -> imgzoo logits differ by {diff}'
    return reference, ours


def check_imgzoo_to_timm(
    arch: str, tmp_path: Path, input_shape: Tuple[int, ...] = (2, 3, 64, 64), model_args: Optional[dict] = None,
) -> None:
    """imgzoo save_pretrained -> timm local-dir: gives the same logits."""
    import timm

    import imgzoo

    model_args = model_args or {}
    torch.manual_seed(0)
    ours = perturb_constants_(imgzoo.create_model(arch, **model_args)).eval()
    folder = imgzoo.save_pretrained(ours, tmp_path / f'imgzoo_{arch}')
    reference = timm.create_model(f'local-dir:{folder}', pretrained=True).eval()
    x = seeded_input(input_shape)
    with torch.no_grad():
        diff = max_diff(reference(x), ours(x))
    assert diff <= ATOL, f'{arch}: imgzoo -> timm logits differ by {diff}'


def check_num_classes_adaptation(
    arch: str, tmp_path: Path, num_classes: int = 10, input_shape: Tuple[int, ...] = (2, 3, 64, 64),
    model_args: Optional[dict] = None,
) -> Tuple[nn.Module, nn.Module]:
    """timm and imgzoo load one timm folder with a new head: pre-logits agree and the new classifier is real."""
    import timm

    import imgzoo

    model_args = model_args or {}
    folder = save_timm_folder(timm_model(arch, **model_args), tmp_path / f'{arch}_classes',
                              model_args=model_args or None)
    reference = timm.create_model(f'local-dir:{folder}', pretrained=True, num_classes=num_classes).eval()
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, num_classes=num_classes).eval()
    x = seeded_input(input_shape)
    with torch.no_grad():
        diff = max_diff(reference.forward_head(reference.forward_features(x), pre_logits=True),
                        ours.forward_head(ours.forward_features(x), pre_logits=True))
        assert diff <= ATOL, f'{arch}: pre-logits differ by {diff} after num_classes adaptation'
        assert ours(x).shape == (input_shape[0], num_classes)
    heads = ours.get_classifier()
    for head in heads if isinstance(heads, tuple) else (heads,):
        assert head.weight.shape[0] == num_classes and not head.weight.is_meta
        assert float(head.weight.detach().abs().sum()) > 0, f'{arch}: new classifier left at zero'
    return reference, ours


def check_in_chans_adaptation(
    arch: str, tmp_path: Path, in_chans: int, spatial: Tuple[int, int] = (64, 64), model_args: Optional[dict] = None,
) -> Tuple[nn.Module, nn.Module]:
    """timm and imgzoo adapt one timm folder's first conv to in_chans with the same logits."""
    import timm

    import imgzoo

    model_args = model_args or {}
    folder = save_timm_folder(timm_model(arch, **model_args), tmp_path / f'{arch}_chans', model_args=model_args or None)
    reference = timm.create_model(f'local-dir:{folder}', pretrained=True, in_chans=in_chans).eval()
    ours = imgzoo.create_model(f'local:{folder}', pretrained=True, in_chans=in_chans).eval()
    x = seeded_input((2, in_chans, *spatial))
    with torch.no_grad():
        diff = max_diff(reference(x), ours(x))
    assert diff <= ATOL, f'{arch}: logits differ by {diff} after in_chans={in_chans} adaptation'
    assert ours.pretrained_cfg['input_size'][0] == in_chans
    return reference, ours
