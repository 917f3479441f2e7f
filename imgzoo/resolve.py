"""From a parsed model name to what to build (architecture, model args, pretrained config)
and where its weights are. No model code runs here."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Union

from .errors import ImgzooError, NoPretrainedWeightsError
from .manifest import check_model_folder
from .names import BuiltinSource, HubSource, LocalSource, ModelSource
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
    The config is built once, with its provenance; nothing edits it afterwards.
    """
    if isinstance(source, BuiltinSource):
        return ResolvedModel(source.arch, {}, get_pretrained_cfg(source.arch, source.tag))
    if isinstance(source, LocalSource):
        local.check_folder(source.path)
        check_model_folder(source.path, hashes=verify)
        config = local.read_folder_config(source.path)
        provenance: Dict[str, Any] = {'source': 'local-dir', 'local_dir': str(source.path)}
    elif isinstance(source, HubSource):
        config, config_path = hub.fetch_config(
            source.repo_id, revision=source.revision, cache_dir=cache_dir, local_files_only=local_files_only,
        )
        provenance = {'source': 'hf-hub', 'hf_hub_id': source.repo_id, 'hf_hub_revision': source.revision,
                      'hf_hub_commit': hub.commit_of(config_path)}
    else:
        raise TypeError(f"Unknown model source {source!r}.")
    get_model_entrypoint(config.architecture)
    values = {**config.pretrained_cfg, **provenance, 'architecture': config.architecture}
    if not (values.get('first_conv') and values.get('classifier')):
        # Older config.json files lack them: the built-in table has them (read only then: it costs milliseconds).
        builtin = get_pretrained_cfg(config.architecture)
        for key in ('first_conv', 'classifier'):
            values[key] = values.get(key) or getattr(builtin, key)
    return ResolvedModel(config.architecture, dict(config.model_args), cfg_from_dict(values))


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
    """Find the weights for a resolved model; the location's provenance says where they came from."""
    if cfg.file:
        location = local.weights_from_file(Path(os.path.expanduser(cfg.file)).absolute())
        provenance: Dict[str, Any] = {'source': 'file'}
    elif isinstance(source, LocalSource):
        location = local.find_weights(source.path)
        provenance = {}
    elif cfg.hf_hub_id:
        from_repo = isinstance(source, HubSource)
        revision = cfg.hf_hub_revision if from_repo else None
        if from_repo and cfg.hf_hub_id == source.repo_id and cfg.hf_hub_commit:
            revision = cfg.hf_hub_commit  # the commit config.json came from: weights match it, no second check
        location = hub.fetch_weights(
            cfg.hf_hub_id, revision=revision, cache_dir=cache_dir, local_files_only=local_files_only,
            filename=cfg.hf_hub_filename,
        )
        provenance = {'source': 'hf-hub', 'hf_hub_commit': hub.commit_of(location.files[0]) or cfg.hf_hub_commit}
    else:
        arch = cfg.architecture or source.describe()
        tags = list_tags(arch) if isinstance(source, BuiltinSource) else []
        hint = f" Tags with weights: {', '.join(f'{arch}.{t}' for t in tags)}." if tags else ''
        raise NoPretrainedWeightsError(
            f"No pretrained weights are known for '{source.describe()}'.{hint} "
            "Use pretrained=False, or name a file with pretrained_cfg_overlay=dict(file=...).", architecture=arch,
        )
    provenance['weights_files'] = tuple(str(p) for p in location.files)
    return replace(location, provenance=provenance)


def describe_weights(source: ModelSource, cfg: Mapping[str, Any], *, cache_dir: Optional[PathLike] = None) -> Dict[str, Any]:
    """Where locate_weights would take the weights of a resolved config from (files and sizes), without
    downloading them: what `imgzoo info` shows."""
    if cfg.get('file'):
        path = Path(os.path.expanduser(cfg['file'])).absolute()
        size = path.stat().st_size if path.exists() else None
        return {'source': 'file', 'files': [{'name': str(path), 'size': size}]}
    if isinstance(source, LocalSource):
        try:
            location = local.find_weights(source.path)
        except ImgzooError as e:  # shown as a note: info describes, it does not fail on a broken folder
            return {'source': 'local', 'folder': str(source.path), 'files': [], 'note': str(e)}
        files = [location.index_file] if location.index_file else []
        files += list(location.files)
        manifest = (source.path / 'checksums.sha256').is_file()
        return {
            'source': 'local', 'folder': str(source.path),
            'files': [{'name': p.name, 'size': p.stat().st_size} for p in files],
            'note': 'checksums.sha256 present: check it with `imgzoo verify`' if manifest else 'no checksums.sha256',
        }
    if cfg.get('hf_hub_id'):
        repo_id = cfg['hf_hub_id']
        revision = cfg.get('hf_hub_revision') if isinstance(source, HubSource) else None
        info = {'source': 'hf-hub', 'repo': repo_id, 'revision': revision or 'main', 'commit': cfg.get('hf_hub_commit')}
        info.update(hub.describe_weights(repo_id, revision, cfg.get('hf_hub_filename'), cache_dir))
        return info
    return {'source': None, 'files': [], 'note': 'no pretrained weights: use --no-pretrained, or a tag with weights'}
