"""The `imgzoo` command line (also `python -m imgzoo`).

Every command that takes a model accepts any name form (`arch`, `arch.tag`,
`hf-hub:org/repo[@rev]`, `local:/folder`) and `--cache-dir`. Errors print one line:
exit code 2 for usage errors, 1 for failures; add `--debug` anywhere for the traceback.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__
from .errors import ImgzooError, InvalidModelArgsError
from .manifest import write_signed_folder

app = typer.Typer(
    name='imgzoo',
    help=(
        'PyTorch image models from built-in tags, hub repositories (hf-hub:org/repo) or folders (local:DIR). '
        'Start with `imgzoo demo`: it runs offline on real weights. Add --debug anywhere to see tracebacks.'
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

CacheDir = typer.Option(
    None, '--cache-dir',
    help='Hub cache folder (default: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub).',
    file_okay=False,
)
Overwrite = typer.Option(
    False, '--overwrite', help='Write into DIR even if it holds files: replaces the model files, keeps the others.')
Verify = typer.Option(
    False, '--verify', help="Check every file's SHA-256 against the folder's checksums.sha256 before loading "
                            '(sizes are always checked).')
_TRUE = {'1', 'true', 'yes', 'on'}
# The click that typer runs on: typer >= 0.22 vendors it as typer._click, older typer uses click itself.
_click_errors = sys.modules[typer.BadParameter.__module__]


def _stdout() -> Console:
    return Console(highlight=False, width=None if sys.stdout.isatty() else 200)


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 200)


def _human_size(size: Optional[int]) -> str:
    if size is None:
        return '?'
    if size < 1000:
        return f'{size} B'
    value, unit = float(size), 'B'
    for unit in ('KB', 'MB', 'GB'):
        value /= 1000
        if value < 1000:
            break
    return f'{value:.1f} {unit}'


def _format_count(n: int) -> str:
    return f'{n / 1e6:.2f}M' if n >= 1e5 else f'{n:,}'


_WORDS = {'true': True, 'false': False, 'yes': True, 'no': False, 'on': True, 'off': False,
          'null': None, 'none': None}


def _parse_value(text: str) -> Any:
    """One --model-arg value: a number, true/false (yes/no, on/off), null/none, a JSON list or a comma list
    (3,4,6,3), else the text itself."""
    stripped = text.strip()
    if stripped.lower() in _WORDS:
        return _WORDS[stripped.lower()]
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        pass
    if ',' in stripped:
        return [_parse_value(part) for part in stripped.strip('()').split(',') if part.strip()]
    return text


def _parse_model_args(pairs: Sequence[str]) -> Dict[str, Any]:
    """KEY=VALUE pairs for --model-arg, values read by _parse_value."""
    args: Dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition('=')
        key = key.strip()
        if not sep or not key.isidentifier():
            raise typer.BadParameter(f"expected KEY=VALUE (e.g. drop_rate=0.1), got {pair!r}", param_hint='--model-arg')
        if key in args:
            raise typer.BadParameter(f"{key!r} is given twice", param_hint='--model-arg')
        args[key] = _parse_value(value)
    return args


def _meta_model(name: str, cache_dir: Optional[Path], **kwargs: Any) -> Any:
    """A model built on the meta device: its config and parameter shapes, without memory or weights."""
    import warnings

    from .factory import RandomWeightsWarning, create_model
    from .meta import meta_device

    with meta_device(), warnings.catch_warnings():
        warnings.simplefilter('ignore', RandomWeightsWarning)  # no weights are wanted here
        return create_model(name, cache_dir=cache_dir, **kwargs)


def _print_folder(folder: Path) -> None:
    out = _stdout()
    table = Table('file', 'size', title=f'wrote {escape(str(folder))}', title_justify='left')
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name != '.imgzoo':
            table.add_row(escape(path.name), _human_size(path.stat().st_size))
    out.print(table)
    out.print(f'Load it with: imgzoo predict local:{escape(str(folder))} IMAGE   '
              f"(or imgzoo.create_model('local:{escape(str(folder))}', pretrained=True))")


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, '--version', help='Print the imgzoo version and exit.', is_eager=True),
) -> None:
    if version:
        typer.echo(f'imgzoo {__version__}')
        raise typer.Exit(0)


@app.command('list')
def list_command(
    pattern: Optional[str] = typer.Argument(None, help="Shell-style filter, e.g. 'resnet*' or 'convnext'."),
    pretrained: bool = typer.Option(False, '--pretrained', help='List arch.tag names that have weights.'),
) -> None:
    """List architectures (or, with --pretrained, every arch.tag with weights), one per line."""
    from .registry import list_models

    names = list_models(pattern or '', pretrained=pretrained)
    if not names:
        what = 'pretrained tags' if pretrained else 'architectures'
        _error(f"no {what} match {pattern!r}; run 'imgzoo list' to see them all")
        raise typer.Exit(1)
    typer.echo('\n'.join(names))


_LABEL_SOURCES = {
    'config': 'config.json', 'imagenet-1k': 'ImageNet-1k (shipped with imgzoo)', 'index': 'nowhere (no names)',
}


@app.command('info')
def info_command(
    name: str = typer.Argument(..., help='Model name: arch, arch.tag, hf-hub:org/repo[@rev] or local:DIR.'),
    cache_dir: Optional[Path] = CacheDir,
    as_json: bool = typer.Option(False, '--json', help='Print the information as JSON.'),
) -> None:
    """Architecture, parameters, data config, labels and where the weights come from (downloads no weights)."""
    from .data import resolve_data_config, resolve_label_names
    from .names import parse_model_name
    from .resolve import describe_weights
    from .registry import get_model_family

    source = parse_model_name(name)
    model = _meta_model(name, cache_dir)
    cfg = dict(model.pretrained_cfg)
    labels, label_source = resolve_label_names(model)
    info: Dict[str, Any] = {
        'name': name,
        'architecture': cfg['architecture'],
        'family': get_model_family(cfg['architecture']),
        'tag': cfg.get('tag'),
        'parameters': sum(p.numel() for p in model.parameters()),
        'num_classes': model.num_classes,
        'num_features': getattr(model, 'num_features', None),
        'model_args': {k: v for k, v in model.model_args.items() if k != 'in_chans'},
        'data_config': resolve_data_config(model=model),
        'labels': {'source': label_source, 'count': len(labels), 'first': labels[:5]},
        'license': cfg.get('license'),
        'weights': describe_weights(source, cfg, cache_dir=cache_dir),
    }
    if as_json:
        typer.echo(json.dumps(info, indent=2, default=str))
        return
    out = _stdout()
    table = Table('field', 'value', title=escape(name), title_justify='left', show_header=False)
    data_config = info['data_config']
    rows = [
        ('architecture', f"{info['architecture']} (family {info['family']})"),
        ('tag', info['tag'] or '-'),
        ('parameters', f"{_format_count(info['parameters'])} ({info['parameters']:,})"),
        ('classes', f"{info['num_classes']}, features {info['num_features']}"),
        ('model args', json.dumps(info['model_args']) if info['model_args'] else '-'),
        ('input size', 'x'.join(str(v) for v in data_config['input_size'])),
        ('preprocess', f"{data_config['crop_mode']} crop {data_config['crop_pct']:g}, {data_config['interpolation']}"),
        ('mean / std', f"{tuple(round(v, 4) for v in data_config['mean'])} / "
                       f"{tuple(round(v, 4) for v in data_config['std'])}"),
        ('labels', f"{info['labels']['count']} from {_LABEL_SOURCES[label_source]}: "
                   f"{', '.join(info['labels']['first'])}"
                   + (', ...' if info['labels']['count'] > 5 else '')),
        ('license', info['license'] or '-'),
    ]
    weights = info['weights']
    if weights['source'] == 'hf-hub':
        rows.append(('weights', f"hf-hub:{weights['repo']} @ {weights['revision']}"
                                + (f" (commit {weights['commit']})" if weights.get('commit') else '')))
    elif weights['source'] == 'local':
        rows.append(('weights', f"folder {weights['folder']}"))
    elif weights['source'] == 'file':
        rows.append(('weights', 'file'))
    else:
        rows.append(('weights', 'none'))
    for f in weights.get('files', []):
        rows.append(('  file', f"{f['name']}  {_human_size(f['size'])}" + ('  (cached)' if f.get('cached') else '')))
    if weights.get('note'):
        rows.append(('  note', weights['note'].lstrip('; ')))
    for key, value in rows:
        table.add_row(key, escape(str(value)))
    out.print(table)


@app.command('download')
def download_command(
    name: str = typer.Argument(..., help='Model name: arch.tag, hf-hub:org/repo[@rev] or local:DIR.'),
    to: Optional[Path] = typer.Option(
        None, '--to', help='Write a self-contained folder (config.json, weights, checksums.sha256) that '
                           'local:DIR loads with no network.', file_okay=False,
    ),
    cache_dir: Optional[Path] = CacheDir,
    overwrite: bool = Overwrite,
) -> None:
    """Download config and weights into the hub cache, or into a self-contained folder with --to."""
    from .names import HubSource, LocalSource, parse_model_name
    from .resolve import locate_weights, resolve_model
    from .save import build_config, check_target
    from .sources import hub
    from .sources.common import CONFIG_NAME

    if to is not None:
        check_target(to.absolute(), overwrite)  # before downloading anything; checked again when written
    source = parse_model_name(name)
    resolved = resolve_model(source, cache_dir=cache_dir)
    location = locate_weights(source, resolved.cfg, cache_dir=cache_dir)
    weight_files = ([location.index_file] if location.index_file else []) + list(location.files)
    if to is None:
        out = _stdout()
        from_hub = location.provenance.get('source') == 'hf-hub'
        where = 'cache ' + str(hub.cache_dir_or_default(cache_dir)) if from_hub else 'disk'
        table = Table('file', 'size', 'path', title=f'{escape(name)}: ready offline ({escape(where)})',
                      title_justify='left')
        for path in weight_files:
            table.add_row(escape(path.name), _human_size(path.stat().st_size), escape(str(path)))
        out.print(table)
        commit = location.provenance.get('hf_hub_commit')
        if commit:
            out.print(f'commit {commit}')
        return

    if isinstance(source, HubSource):
        config_bytes = hub.download(source.repo_id, CONFIG_NAME, revision=resolved.cfg.hf_hub_commit or source.revision,
                                    cache_dir=cache_dir).read_bytes()
    elif isinstance(source, LocalSource):
        config_bytes = (source.path / CONFIG_NAME).read_bytes()
    else:
        config_bytes = (json.dumps(build_config(_meta_model(name, cache_dir)), indent=2) + '\n').encode()

    def fill(tmp: Path) -> None:
        (tmp / CONFIG_NAME).write_bytes(config_bytes)
        for path in weight_files:
            shutil.copyfile(path, tmp / path.name)

    _print_folder(write_signed_folder(to, fill, overwrite=overwrite))


@app.command('verify')
def verify_command(
    folder: Path = typer.Argument(..., help='A folder with a checksums.sha256 manifest.', exists=True,
                                  file_okay=False),
) -> None:
    """Check a folder against its checksums.sha256: each file OK, changed, missing or extra; exit 1 on any problem."""
    from .manifest import affects_the_model, verify_folder

    checks = verify_folder(folder)
    out = _stdout()
    table = Table('file', 'status', 'size', title=f'verify {escape(str(folder))}', title_justify='left')
    styles = {'ok': 'green', 'changed': 'bold red', 'missing': 'bold red', 'extra': 'yellow'}
    for check in checks:
        label = {'ok': 'OK', 'changed': 'CHANGED', 'missing': 'MISSING', 'extra': 'EXTRA (not in manifest)'}
        table.add_row(escape(check.name), f'[{styles[check.status]}]{label[check.status]}[/]', _human_size(check.size))
    out.print(table)
    # Files the manifest does not list are reported; they fail the check only when they could change what loads.
    problems = [c for c in checks if not c.ok and (c.status != 'extra' or affects_the_model(c.name))]
    if problems:
        counts = {s: sum(c.status == s for c in problems) for s in ('changed', 'missing', 'extra')}
        summary = ', '.join(f'{n} {s}' for s, n in counts.items() if n)
        _stderr().print(f'imgzoo: error: {folder} does not match its manifest ({summary}).')
        raise typer.Exit(1)
    out.print(f'all {len(checks)} files OK')


Inputs = typer.Argument(..., help='Image files, folders (searched recursively), globs or fsspec URLs (s3://...).')
Out = typer.Option(None, '--out', '-o', help='Write rows to this .parquet, .jsonl or .csv file.')
Engine = typer.Option('local', '--engine', help="'local' (DataLoader workers) or 'ray' (Ray Data; RAY_ADDRESS).")
Workers = typer.Option(None, '--workers', '-w', min=0, help='Decoding workers (local) or model actors (ray).')
Resume = typer.Option(False, '--resume', help='Skip images the output (or its unfinished parts) already holds.')
FailFast = typer.Option(False, '--fail-fast', help='Stop at the first unreadable image instead of recording it.')
NoOptimize = typer.Option(False, '--no-optimize', help='Run the plain model (no optimize_for_inference).')
BatchSize = typer.Option(32, '--batch-size', '-b', min=1, help='Images per forward pass.')
Device = typer.Option('auto', '--device', help="Torch device, e.g. cpu or cuda (auto: cuda if available).")
TestSize = typer.Option(False, '--test-size', help="Use the config's test_input_size / test_crop_pct.")


def _run_batch(task_name: str, name: str, inputs: List[str], out: Optional[Path], *, engine: str,
               workers: Optional[int], resume: bool, fail_fast: bool, no_optimize: bool, batch_size: int, device: str,
               cache_dir: Optional[Path], verify: bool, test_size: bool, **task: Any) -> Any:
    from . import batch

    if resume and out is None:
        raise typer.BadParameter('--resume continues a run written with --out FILE.', param_hint="'--resume'")
    run = batch.predict if task_name == 'predict' else batch.embed
    result = run(name, inputs, out, engine=engine, num_workers=workers, resume=resume, fail_fast=fail_fast,
                 optimize=not no_optimize, batch_size=batch_size, cache_dir=cache_dir,
                 device=None if device == 'auto' else device, progress=out is not None, verify=verify,
                 use_test_size=test_size, **task)
    if result.errors or out is not None:
        done = f'{result.rows} images in {result.seconds:.1f} s ({result.images_per_second:.1f} img/s)'
        skipped = f', {result.skipped} already in the output' if result.skipped else ''
        failed = f'; {result.errors} could not be read (see the error column)' if result.errors else ''
        where = f' -> {result.out}' if result.out else ''
        _stderr().print(f'{task_name}: {done}{skipped}{failed}{where}')
    return result


@app.command('predict')
def predict_command(
    name: str = typer.Argument(..., help='Model name: arch.tag, hf-hub:org/repo[@rev] or local:DIR.'),
    inputs: List[str] = Inputs,
    top_k: int = typer.Option(5, '--top-k', '-k', min=1, help='How many classes to give per image.'),
    out: Optional[Path] = Out,
    as_json: bool = typer.Option(False, '--json', help='Without --out: print results as JSON.'),
    engine: str = Engine,
    workers: Optional[int] = Workers,
    resume: bool = Resume,
    fail_fast: bool = FailFast,
    no_optimize: bool = NoOptimize,
    batch_size: int = BatchSize,
    device: str = Device,
    test_size: bool = TestSize,
    cache_dir: Optional[Path] = CacheDir,
    verify: bool = Verify,
) -> None:
    """Classify images with a pretrained model and its own preprocessing; with --out, write one row per image."""
    result = _run_batch('predict', name, inputs, out, engine=engine, workers=workers, resume=resume,
                        fail_fast=fail_fast, no_optimize=no_optimize, batch_size=batch_size, device=device,
                        cache_dir=cache_dir, verify=verify, test_size=test_size, top_k=top_k)
    if out is not None:
        return
    rows = result.table.to_pylist()
    results = [{'image': row['path'], 'error': row['error'], 'predictions': [
        {'rank': r, 'index': i, 'label': label, 'probability': p}
        for r, (i, label, p) in enumerate(zip(row['top_k_indices'], row['top_k_labels'],
                                                row['top_k_probabilities']), start=1)
    ] if row['error'] is None else []} for row in rows]
    if as_json:
        metadata = result.table.schema.metadata or {}
        run_info = json.loads(metadata.get(b'imgzoo', b'{}'))
        typer.echo(json.dumps({'model': name, 'data_config': run_info.get('data_config'), 'results': results},
                              indent=2))
        return
    console = _stdout()
    for item in results:
        console.print(f"[bold]{escape(item['image'])}[/]")
        if item['error']:
            console.print(f"  [red]{escape(item['error'])}[/]")
            continue
        table = Table('#', 'label', 'class', 'probability')
        for p in item['predictions']:
            table.add_row(str(p['rank']), escape(p['label']), str(p['index']), f"{p['probability']:.4f}")
        console.print(table)


@app.command('embed')
def embed_command(
    name: str = typer.Argument(..., help='Model name: arch.tag, hf-hub:org/repo[@rev] or local:DIR.'),
    inputs: List[str] = Inputs,
    out: Path = typer.Option(..., '--out', '-o', help='Write rows to this .parquet, .jsonl or .csv file.'),
    normalize: bool = typer.Option(False, '--normalize', help='L2-normalise each embedding.'),
    engine: str = Engine,
    workers: Optional[int] = Workers,
    resume: bool = Resume,
    fail_fast: bool = FailFast,
    no_optimize: bool = NoOptimize,
    batch_size: int = BatchSize,
    device: str = Device,
    test_size: bool = TestSize,
    cache_dir: Optional[Path] = CacheDir,
    verify: bool = Verify,
) -> None:
    """Embed images (the model's pre-logits features) into one row per image."""
    _run_batch('embed', name, inputs, out, engine=engine, workers=workers, resume=resume, fail_fast=fail_fast,
               no_optimize=no_optimize, batch_size=batch_size, device=device, cache_dir=cache_dir, verify=verify,
               test_size=test_size, normalize=normalize)


NATIVE_LAYOUT_ALIASES = {'imgzoo': 'timm'}


@app.command('convert')
def convert_command(
    checkpoint: Path = typer.Argument(..., help='A training checkpoint or a foreign weights file.', exists=True,
                                      dir_okay=False),
    arch: str = typer.Option(..., '--arch', help='The imgzoo architecture, e.g. tf_efficientnet_lite0.'),
    layout: Optional[str] = typer.Option(
        None, '--from', help="Key layout of the checkpoint: 'imgzoo' / 'timm' (e.g. a training checkpoint) or a "
                             'foreign one such as efficientnet_pytorch (default: detected from the keys).',
    ),
    to: Path = typer.Option(..., '--to', help='The folder to write (loads with local:DIR).', file_okay=False),
    overwrite: bool = Overwrite,
) -> None:
    """Turn a training checkpoint or a foreign layout (e.g. efficientnet_pytorch) into a safetensors local: folder."""
    from .convert import convert_checkpoint, detect_layout, list_conversions
    from .registry import get_model_entrypoint

    get_model_entrypoint(arch)
    known = sorted(set(NATIVE_LAYOUT_ALIASES) | set(list_conversions()))
    if layout is not None and layout not in known:
        raise typer.BadParameter(f"unknown layout {layout!r}; known layouts: {', '.join(known)}", param_hint='--from')
    if layout is None:
        layout = detect_layout(_read_checkpoint(checkpoint)) or 'imgzoo'
    conversion = NATIVE_LAYOUT_ALIASES.get(layout, layout)
    folder = convert_checkpoint(checkpoint, arch, to, layout=conversion, overwrite=overwrite)
    _stdout().print(f'converted {escape(str(checkpoint))} ({layout} layout) to {escape(arch)}')
    _print_folder(folder)


def _read_checkpoint(path: Path) -> Dict[str, Any]:
    from .weights import read_pickle, read_safetensors

    path = path.absolute()
    return read_safetensors(path) if path.suffix == '.safetensors' else read_pickle(path)


@app.command('save')
def save_command(
    name: str = typer.Argument(..., help='Model name: arch, arch.tag, hf-hub:org/repo[@rev] or local:DIR.'),
    to: Path = typer.Option(..., '--to', help='The folder to write (loads with local:DIR).', file_okay=False),
    pretrained: bool = typer.Option(True, '--pretrained/--no-pretrained', help='Load weights (default) or initialise.'),
    num_classes: Optional[int] = typer.Option(None, '--num-classes', min=0, help='Adapt the classifier (0: none).'),
    in_chans: Optional[int] = typer.Option(None, '--in-chans', min=1, help='Adapt the first convolution.'),
    model_arg: List[str] = typer.Option([], '--model-arg', help='KEY=VALUE passed to the architecture; repeatable.'),
    max_shard_size: Optional[str] = typer.Option(None, '--max-shard-size', help="Shard weights, e.g. '2GB'."),
    cache_dir: Optional[Path] = CacheDir,
    overwrite: bool = Overwrite,
    verify: bool = Verify,
) -> None:
    """Materialise any loadable model as a folder (e.g. a built-in tag with --num-classes)."""
    from .factory import create_model
    from .save import check_target, save_pretrained

    check_target(to.absolute(), overwrite)  # before loading anything; checked again when the folder is written
    model_args = _parse_model_args(model_arg)
    try:
        model = create_model(name, pretrained=pretrained, num_classes=num_classes, in_chans=in_chans,
                             cache_dir=cache_dir, verify=verify, **model_args)
    except InvalidModelArgsError as e:
        if not model_args:
            raise
        raise typer.BadParameter(f"{e} (given: {', '.join(model_arg)})", param_hint='--model-arg') from None
    folder = save_pretrained(model, to, max_shard_size=max_shard_size, overwrite=overwrite)
    _print_folder(folder)


@app.command('demo')
def demo_command(
    to: Optional[Path] = typer.Option(None, '--to', help='Keep the converted model folder here '
                                                         '(default: a temporary folder, removed afterwards).',
                                      file_okay=False),
    overwrite: bool = Overwrite,
) -> None:
    """Offline, on real weights: convert EfficientNet-Lite0, load it with local:, classify four sample photos."""
    from .demo import run_demo

    run_demo(_stdout(), to=to, overwrite=overwrite)


def _error(message: str, hint: Optional[str] = None) -> None:
    console = _stderr()
    if hint and not message.rstrip().endswith(('.', '!', '?')):
        message = message.rstrip() + '.'
    console.print(f'[bold red]imgzoo: error:[/] {escape(message)}' + (f' {escape(hint)}' if hint else ''),
                  soft_wrap=True)


# Python arguments named in library messages, and the command-line flags that do the same.
_CLI_TERMS = (
    ('pass overwrite=True', 'add --overwrite'), ('overwrite=True', '--overwrite'),
    ('verify=True', '--verify'), ('use pretrained=False', 'use --no-pretrained'),
    ('pretrained=False', '--no-pretrained'), ('pass num_classes= or in_chans=', 'pass --num-classes or --in-chans'),
    ('local_files_only=True', 'HF_HUB_OFFLINE=1'),
)


def _in_cli_terms(error: ImgzooError) -> ImgzooError:
    """The same error (type and fields), worded with the command line's flags instead of Python arguments."""
    from .errors import _restore

    message = str(error)
    for python, flag in _CLI_TERMS:
        message = message.replace(python, flag)
    return _restore(type(error), (message,), dict(error.__dict__))


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = '--debug' in args or os.environ.get('IMGZOO_DEBUG', '').lower() in _TRUE
    args = [a for a in args if a != '--debug']
    command = typer.main.get_command(app)
    try:
        result = command.main(args=args, prog_name='imgzoo', standalone_mode=False)
    except _click_errors.UsageError as e:
        if type(e).__name__ == 'NoArgsIsHelpError':  # bare `imgzoo`: the help (printed by rich, or the message)
            if e.format_message():
                typer.echo(e.format_message())
            return 0
        hint = f"Run '{e.ctx.command_path} --help' for usage." if e.ctx is not None else None
        _error(e.format_message(), hint)
        return 2
    except _click_errors.ClickException as e:
        _error(e.format_message())
        return e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _error('interrupted')
        return 130
    except BrokenPipeError:
        sys.stdout = open(os.devnull, 'w')  # the reader went away (e.g. `imgzoo list | head`); stop quietly
        return 0
    except ImgzooError as e:
        if debug:
            raise
        _error(str(_in_cli_terms(e)))
        return 1
    except Exception as e:
        if debug:
            raise
        _error(f'{type(e).__name__}: {e}', '(run again with --debug for the traceback)')
        return 1
    return result if isinstance(result, int) else 0
