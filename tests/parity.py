"""Parity helpers: timm (the oracle) and imgzoo build, save and load the same weights.

Weights are seeded random values; norm statistics and affine parameters are spread and every other
constant-initialised tensor (zero-init layers, layer scale, tokens) perturbed, so no block is an
identity and a wrong key mapping, epsilon, buffer or forward pass shows up in the outputs. Every
comparison goes through `assert_close` (relative RTOL) on a normal and a faint input
(`assert_same_outputs`): family tests use these, never their own tolerance.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch
from torch import nn

RTOL = 1e-5
"""A correct port matches timm to ~1e-7 relative; a wrong epsilon, buffer or constant moves outputs by far more
than RTOL once `perturb_constants_` has spread the statistics (tests/test_parity_helper.py proves it)."""

NORM_TYPES = (nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm, nn.LocalResponseNorm)


def perturb_constants_(model: nn.Module, seed: int = 0) -> nn.Module:
    """Make every epsilon, buffer and constant matter.

    BatchNorm running variances spread log-uniformly over 1e-4..1 (so an epsilon of 1e-5 vs 1e-3 moves the
    outputs), with the scale multiplied by sqrt(variance) so activations stay bounded through deep nets;
    running means and shifts move away from zero, other norm scales away from one. Every other constant
    tensor (zero-init layers, layer scale, tokens) gets noise around its constant, so no block is an identity.
    """
    gen = torch.Generator().manual_seed(seed)
    done = set()
    with torch.no_grad():
        for module_name, module in model.named_modules():
            if not _is_norm(module):
                continue
            prefix = f'{module_name}.' if module_name else ''
            var = getattr(module, 'running_var', None)
            if isinstance(var, torch.Tensor) and var.is_floating_point():
                var.copy_(10 ** (torch.rand(var.shape, generator=gen) * 4 - 4))
                module.running_mean.copy_(torch.randn(var.shape, generator=gen) * 0.5)
                done |= {prefix + 'running_var', prefix + 'running_mean'}
            weight, bias = getattr(module, 'weight', None), getattr(module, 'bias', None)
            if isinstance(weight, torch.Tensor) and weight.is_floating_point():
                gain = 1 + torch.randn(weight.shape, generator=gen) * 0.3
                if isinstance(var, torch.Tensor) and var.shape == weight.shape:
                    gain = gain * var.sqrt()
                weight.copy_(gain)
                done.add(prefix + 'weight')
            if isinstance(bias, torch.Tensor) and bias.is_floating_point():
                bias.copy_(torch.randn(bias.shape, generator=gen) * 0.2)
                done.add(prefix + 'bias')
        saved = set(model.state_dict())  # non-persistent buffers (a zero key bias, masks) are derived, not weights
        for name, tensor in list(model.named_parameters()) + list(model.named_buffers()):
            if name in done or name not in saved or not tensor.is_floating_point() or tensor.numel() < 1:
                continue
            flat = tensor.reshape(-1)
            if bool((flat == flat[0]).all()):
                tensor.add_(torch.randn(tensor.shape, generator=gen) * 0.1)
    return model


def _is_norm(module: nn.Module) -> bool:
    return isinstance(module, NORM_TYPES) or type(module).__name__.lower().endswith(('norm', 'norm2d', 'normact2d'))


def assert_close(ours: torch.Tensor, reference: torch.Tensor, what: str, rtol: float = RTOL) -> float:
    """ours equals reference within rtol of reference's largest magnitude; returns the difference."""
    assert ours.shape == reference.shape, f'{what}: shape {tuple(ours.shape)} != {tuple(reference.shape)}'
    diff = max_diff(ours, reference)
    scale = float(reference.float().abs().max())
    assert diff <= rtol * max(scale, 1e-6), f'{what}: differs by {diff:.3g} (relative {diff / max(scale, 1e-12):.3g})'
    return diff


def parity_inputs(shape: Sequence[int], seed: int = 1) -> Tuple[torch.Tensor, torch.Tensor]:
    """A seeded input and a faint copy of it: at 1e-2 amplitude, normalisation epsilons dominate."""
    x = seeded_input(shape, seed)
    return x, x * 1e-2


def assert_same_outputs(reference: nn.Module, ours: nn.Module, shape: Sequence[int], what: str,
                        rtol: float = RTOL) -> None:
    """Both models give the same outputs on parity_inputs(shape)."""
    with torch.no_grad():
        for i, x in enumerate(parity_inputs(shape)):
            assert_close(ours(x), reference(x), f"{what} ({'faint' if i else 'seeded'} input)", rtol)


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
    assert_same_outputs(reference, ours, input_shape, f'{arch}: timm -> imgzoo logits')
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
    assert_same_outputs(reference, ours, input_shape, f'{arch}: imgzoo -> timm logits')


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
        assert_close(ours.forward_head(ours.forward_features(x), pre_logits=True),
                     reference.forward_head(reference.forward_features(x), pre_logits=True),
                     f'{arch}: pre-logits after num_classes adaptation')
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
    assert_same_outputs(reference, ours, (2, in_chans, *spatial), f'{arch}: logits after in_chans={in_chans} adaptation')
    assert ours.pretrained_cfg['input_size'][0] == in_chans
    return reference, ours


_NOT_STRUCTURE = frozenset({'training', 'pretrained_cfg', 'default_cfg', 'pretrained_model_args'})


def structure_key(model: nn.Module) -> tuple:
    """What decides the function a model computes of its weights, module by module: path, class, every plain
    attribute (epsilons, strides, flags, stored activation functions...) and every parameter and buffer shape."""
    key = []
    for name, module in model.named_modules():
        attrs = tuple(sorted((k, repr(v)) for k, v in vars(module).items()
                             if not k.startswith('_') and k not in _NOT_STRUCTURE
                             and not isinstance(v, (torch.Tensor, nn.Module))))
        tensors = tuple((n, tuple(t.shape), t.dtype) for n, t in
                        (*module.named_parameters(recurse=False), *module.named_buffers(recurse=False)) if t is not None)
        key.append((name, type(module).__qualname__, attrs, tensors))
    return tuple(key)


def distinct_networks(archs: Sequence[str], model_args: Callable[[str], dict] = lambda arch: {}) -> List[str]:
    """The first of each group of architectures whose imgzoo builds at model_args(arch) AND whose timm builds at
    the same arguments have equal `structure_key`s (built on the meta device: no weights, no compute).

    Architectures of a family that differ only in depth or width build the same network at the reduced sizes a
    parity test uses; parity both ways for one member then proves it for every member of its group, since both
    sides compute the same function as for that member. The full-size structure of every architecture is
    compared with timm's separately (tests/test_model_contract.py).
    """
    import timm

    from imgzoo.meta import meta_device
    from imgzoo.registry import get_model_entrypoint

    groups: Dict[tuple, str] = {}
    for arch in archs:
        args = model_args(arch)
        with meta_device():
            ours = get_model_entrypoint(arch)(**args)
        with torch.device('meta'):
            theirs = timm.create_model(arch, **args)
        groups.setdefault((structure_key(ours), structure_key(theirs)), arch)
    return list(groups.values())


STRUCTURE_ATTRS = ('num_heads', 'head_dim', 'eps', 'lambda_init', 'init_values', 'num_parallel', 'latent_len',
                   'approximate', 'normalized_shape', 'num_prefix_tokens', 'no_embed_class', 'has_class_token',
                   'num_reg_tokens', 'pool_include_prefix', 'dynamic_img_size', 'embed_dim', 'num_classes',
                   'img_size', 'patch_size', 'global_pool')
"""Hyperparameters that state-dict shapes do not show, compared wherever timm's module has them."""


def _plain(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def assert_same_structure(ours: nn.Module, reference: nn.Module, what: str) -> None:
    """Module by module (meta builds suffice): every module of ours is timm's, an identity / dropout, or a
    parameter-free part of an activation timm has, with the
    same STRUCTURE_ATTRS and, for activations (modules named act, act1, mlp_act...), the same class."""
    theirs = dict(reference.named_modules())
    for name, module in ours.named_modules():
        other = theirs.get(name)
        if other is None or isinstance(module, nn.Identity):
            parent = name.rpartition('.')[0]
            inside_activation = parent in theirs and 'act' in parent.rpartition('.')[2] and not any(
                True for _ in module.parameters())  # e.g. the GELU a gamma-scaled activation wraps
            assert isinstance(module, (nn.Identity, nn.Dropout)) or name.endswith('drop') or inside_activation, \
                f'{what}: {name} is not in timm'
            continue
        for attr in STRUCTURE_ATTRS:
            if hasattr(other, attr) and not isinstance(getattr(other, attr), (torch.Tensor, nn.Module)):
                assert _plain(getattr(module, attr, '<absent>')) == _plain(getattr(other, attr)), \
                    f'{what}: {name or "model"}.{attr}'
        if 'act' in name.rpartition('.')[2]:  # act, act1, mlp_act, ...
            assert type(module).__name__ == type(other).__name__, f'{what}: {name} is {type(module).__name__}'
