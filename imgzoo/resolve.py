"""From a parsed model name to what to build (architecture, model args, pretrained config)
and where its weights are. No model code runs here."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Union

from .errors import NoPretrainedWeightsError
from .manifest import check_model_folder
from .names import ModelSource
from .pretrained import PretrainedCfg, apply_overlay, cfg_from_dict
from .registry import get_model_entrypoint, get_pretrained_cfg, list_tags
from .sources import hub, local
from .sources.common import WeightsLocation

PathLike = Union[str, os.PathLike]


@dataclass
class ResolvedModel:
    """What create_model builds: an architecture, its constructor args and its pretrained config."""

    architecture: str
    model_args: Dict[str, Any] = field(default_factory=dict)
    cfg: PretrainedCfg = field(default_factory=PretrainedCfg)


def resolve_model(
    source: ModelSource, *, cache_dir: Optional[PathLike] = None, local_files_only: bool = False,
    verify: bool = False,
) -> ResolvedModel:
    """Read the configuration a model name points at (downloads config.json for hub repos).

    A folder with a `checksums.sha256` is checked against it first: sizes always, SHA-256 digests with verify=True.
    """
    if source.kind == 'builtin':
        assert source.arch is not None
        return ResolvedModel(source.arch, {}, get_pretrained_cfg(source.arch, source.tag))
    if source.kind == 'local':
        assert source.path is not None
        local.check_folder(source.path)
        check_model_folder(source.path, hashes=verify)
        config = local.read_folder_config(source.path)
        cfg = cfg_from_dict(config.pretrained_cfg)
        cfg.source, cfg.local_dir = 'local-dir', str(source.path)
    else:
        assert source.repo_id is not None
        config, config_path = hub.fetch_config(
            source.repo_id, revision=source.revision, cache_dir=cache_dir, local_files_only=local_files_only,
        )
        cfg = cfg_from_dict(config.pretrained_cfg)
        cfg.source, cfg.hf_hub_id, cfg.hf_hub_revision = 'hf-hub', source.repo_id, source.revision
        cfg.hf_hub_commit = hub.commit_of(config_path)
    get_model_entrypoint(config.architecture)
    cfg.architecture = config.architecture
    _fill_arch_defaults(cfg)
    return ResolvedModel(config.architecture, dict(config.model_args), cfg)


def _fill_arch_defaults(cfg: PretrainedCfg) -> None:
    """first_conv / classifier from the built-in table when an older config.json lacks them."""
    if cfg.first_conv and cfg.classifier:
        return
    assert cfg.architecture is not None
    builtin = get_pretrained_cfg(cfg.architecture)
    cfg.first_conv = cfg.first_conv or builtin.first_conv
    cfg.classifier = cfg.classifier or builtin.classifier


def merge_user_cfg(
    cfg: PretrainedCfg,
    pretrained_cfg: Union[str, Mapping[str, Any], PretrainedCfg, None],
    overlay: Optional[Mapping[str, Any]],
) -> PretrainedCfg:
    """Apply create_model's pretrained_cfg (a tag, dict or PretrainedCfg) and then pretrained_cfg_overlay."""
    if isinstance(pretrained_cfg, str):
        assert cfg.architecture is not None
        cfg = get_pretrained_cfg(cfg.architecture, pretrained_cfg)
    elif isinstance(pretrained_cfg, PretrainedCfg):
        cfg = apply_overlay(cfg, pretrained_cfg.to_dict(drop_none=True))
    elif pretrained_cfg is not None:
        cfg = apply_overlay(cfg, pretrained_cfg)
    return apply_overlay(cfg, overlay)


def locate_weights(
    source: ModelSource, cfg: PretrainedCfg, *, cache_dir: Optional[PathLike] = None, local_files_only: bool = False,
) -> WeightsLocation:
    """Find the weights for a resolved model and record where they came from in cfg."""
    if cfg.file:
        location = local.weights_from_file(Path(os.path.expanduser(cfg.file)).absolute())
        cfg.source = 'file'
    elif source.kind == 'local':
        assert source.path is not None
        location = local.find_weights(source.path)
    elif cfg.hf_hub_id:
        revision = cfg.hf_hub_revision if source.kind == 'hub' else None
        if source.kind == 'hub' and cfg.hf_hub_id == source.repo_id and cfg.hf_hub_commit:
            revision = cfg.hf_hub_commit  # the commit config.json came from: weights match it, no second check
        location = hub.fetch_weights(
            cfg.hf_hub_id, revision=revision, cache_dir=cache_dir, local_files_only=local_files_only,
            filename=cfg.hf_hub_filename,
        )
        cfg.source = 'hf-hub'
        cfg.hf_hub_commit = hub.commit_of(location.files[0]) or cfg.hf_hub_commit
    else:
        arch = cfg.architecture or source.describe()
        tags = list_tags(arch) if source.kind == 'builtin' else []
        hint = f" Tags with weights: {', '.join(f'{arch}.{t}' for t in tags)}." if tags else ''
        raise NoPretrainedWeightsError(
            f"No pretrained weights are known for '{source.describe()}'.{hint} "
            "Use pretrained=False, or name a file with pretrained_cfg_overlay=dict(file=...)."
        )
    cfg.weights_files = tuple(str(p) for p in location.files)
    return location
