"""Inputs and outputs of batch runs: listing and decoding images through fsspec, and result files written
in atomic parts that an interrupted run can resume from."""
from __future__ import annotations

import glob as globlib
import io
import json
import os
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

from ..data.images import IMAGE_SUFFIXES
from ..errors import ImageReadError, ImgzooError

PathLike = Union[str, os.PathLike]
OUTPUT_FORMATS = ('.parquet', '.jsonl', '.csv')
METADATA_KEY = b'imgzoo'


class OutputFormatError(ImgzooError, ValueError):
    """An output file name whose extension is not a supported format."""


def _is_url(name: str) -> bool:
    return '://' in name


def _has_magic(name: str) -> bool:
    return any(ch in name for ch in '*?[')


def _is_image_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in IMAGE_SUFFIXES


def list_images(inputs: Iterable[PathLike]) -> List[str]:
    """Every image named by inputs: files as given, folders searched recursively and globs expanded
    (both keep image suffixes only), local paths or fsspec URLs (file://, s3://, memory://, ...).

    Local paths come back absolute, URLs as URLs; duplicates are dropped, order is sorted.
    """
    found: Set[str] = set()
    for raw in inputs:
        name = os.fspath(raw)
        if _is_url(name):
            found.update(_list_url(name))
            continue
        path = os.path.abspath(os.path.expanduser(name))
        if _has_magic(name):
            matches = [p for p in globlib.glob(path, recursive=True) if os.path.isfile(p) and _is_image_name(p)]
            if not matches:
                raise ImageReadError(f"No image files match {name!r}.")
            found.update(matches)
        elif os.path.isdir(path):
            matches = [os.path.join(root, f) for root, _, files in os.walk(path) for f in files if _is_image_name(f)]
            if not matches:
                raise ImageReadError(f"Folder {name} holds no image files ({', '.join(IMAGE_SUFFIXES)}).")
            found.update(matches)
        elif os.path.exists(path):
            found.add(path)
        else:
            raise ImageReadError(f"Input {name} does not exist (give image files, folders, globs or fsspec URLs).")
    return sorted(found)


def _list_url(url: str) -> List[str]:
    import fsspec

    fs, path = fsspec.core.url_to_fs(url)
    protocol = url.split('://', 1)[0]
    if _has_magic(path):
        matches = [p for p in fs.glob(path) if fs.isfile(p) and _is_image_name(p)]
    elif fs.isdir(path):
        matches = [p for p in fs.find(path) if _is_image_name(p)]
    elif fs.exists(path):
        matches = [path]
    else:
        raise ImageReadError(f"Input {url} does not exist.")
    if not matches:
        raise ImageReadError(f"No image files under {url}.")
    return [m if _is_url(m) else f"{protocol}://{m.lstrip('/') if protocol != 'file' else m}" for m in matches]


def read_bytes(name: str) -> bytes:
    """The bytes of a local file or an fsspec URL."""
    if _is_url(name):
        import fsspec

        with fsspec.open(name, 'rb') as f:
            return f.read()
    with open(name, 'rb') as f:
        return f.read()


def decode_image(name: str, data: Optional[bytes] = None) -> Any:
    """A decoded RGB PIL image, or ImageReadError saying why the file cannot be one."""
    from PIL import Image, UnidentifiedImageError

    try:
        data = read_bytes(name) if data is None else data
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return image.convert('RGB')
    except UnidentifiedImageError:
        raise ImageReadError(f"{name} is not an image PIL can read.") from None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as e:
        raise ImageReadError(f"Cannot decode image {name}: {type(e).__name__}: {e}") from None


def check_images(names: Sequence[str]) -> None:
    """Raise ImageReadError for the first name whose header PIL cannot identify as an image."""
    from PIL import Image, UnidentifiedImageError

    for name in names:
        try:
            with (open(name, 'rb') if not _is_url(name) else _open_url(name)) as f, Image.open(f):
                pass
        except UnidentifiedImageError:
            raise ImageReadError(f"{name} is not an image PIL can read.") from None
        except OSError as e:
            raise ImageReadError(f"Cannot read image {name}: {e.strerror or e}.") from None


def _open_url(name: str) -> Any:
    import fsspec

    return fsspec.open(name, 'rb').open()


def load_pixels(name: str, transform: Callable[[Any], Any], data: Optional[bytes] = None) -> Tuple[Any, Optional[str]]:
    """(transformed tensor, None) for a readable image, (None, error message) for any other file."""
    try:
        return transform(decode_image(name, data)), None
    except ImageReadError as e:
        return None, str(e)


def output_format(out: PathLike) -> str:
    """The output format from the file name's extension, or OutputFormatError naming the supported ones."""
    suffix = Path(os.fspath(out)).suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise OutputFormatError(
            f"Cannot write results to {out}: the extension must be one of {', '.join(OUTPUT_FORMATS)}.")
    return suffix


class PartWriter:
    """Writes result rows to `<out>.parts/` as atomic Parquet parts, then merges them into `out`.

    A killed run leaves whole parts only (each is written to a temporary name and renamed); `done_paths`
    reads back what the output and the parts already hold, so a resumed run skips those images.
    """

    def __init__(self, out: PathLike, schema: Any, metadata: Mapping[str, Any]) -> None:
        self.out = Path(os.fspath(out)).expanduser().absolute()
        self.format = output_format(self.out)
        self.parts = self.out.with_name(self.out.name + '.parts')
        self.schema = schema.with_metadata({METADATA_KEY: json.dumps(metadata, default=str).encode()})

    def start(self, resume: bool) -> Set[str]:
        """Prepare the parts folder; returns the paths already done (empty unless resume)."""
        from ..errors import FolderExistsError

        if not resume and (self.out.exists() or self._part_files()):
            raise FolderExistsError(
                f"{self.out} (or its unfinished parts {self.parts}) already exists. Pass --resume (resume=True) to "
                "continue that run, or choose another output file.")
        self.parts.mkdir(parents=True, exist_ok=True)
        for stale in self.parts.glob('*.tmp'):
            stale.unlink()
        return self.done_paths() if resume else set()

    def _part_files(self) -> List[Path]:
        return sorted(self.parts.glob('*.parquet')) if self.parts.is_dir() else []

    def done_paths(self) -> Set[str]:
        import pyarrow.parquet as pq

        done: Set[str] = set()
        for part in self._part_files():
            done.update(pq.read_table(part, columns=['path']).column('path').to_pylist())
        if self.out.exists():
            done.update(self._read_final().column('path').to_pylist())
        return done

    def write_part(self, rows: Sequence[Mapping[str, Any]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not rows:
            return
        table = pa.Table.from_pylist(list(rows), schema=self.schema)
        name = f'part-{uuid.uuid4().hex}.parquet'
        tmp = self.parts / (name + '.tmp')
        pq.write_table(table, tmp)
        os.replace(tmp, self.parts / name)

    def finish(self) -> Any:
        """Merge previous output and every part into `out` (sorted by path, atomically); returns the table."""
        import pyarrow as pa

        tables = [self._read_part(p) for p in self._part_files()]
        if self.out.exists():
            tables.append(self._read_final())
        table = pa.concat_tables(tables) if tables else self.schema.empty_table()
        table = table.sort_by('path').replace_schema_metadata(self.schema.metadata)
        tmp = self.out.with_name(f'.{self.out.name}.{uuid.uuid4().hex}.tmp')
        write_table(table, tmp, self.format)
        os.replace(tmp, self.out)
        for part in self._part_files():
            part.unlink()
        self.parts.rmdir()
        return table

    def _read_part(self, path: Path) -> Any:
        import pyarrow.parquet as pq

        return pq.read_table(path).cast(self.schema)

    def _read_final(self) -> Any:
        return read_table(self.out, self.schema).cast(self.schema)


def write_table(table: Any, path: Path, fmt: str) -> None:
    """Write a result table as Parquet, JSON lines or CSV (list columns as JSON text in CSV)."""
    if fmt == '.parquet':
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    elif fmt == '.jsonl':
        with open(path, 'w', encoding='utf-8') as f:
            for row in table.to_pylist():
                f.write(json.dumps(row) + '\n')
    else:
        import csv

        with open(path, 'w', encoding='utf-8', newline='') as f:
            writer = csv.DictWriter(f, fieldnames=table.column_names)
            writer.writeheader()
            for row in table.to_pylist():
                writer.writerow({k: json.dumps(v) if isinstance(v, list) else v for k, v in row.items()})


def read_table(path: PathLike, schema: Any = None) -> Any:
    """A result file written by imgzoo (Parquet, JSON lines or CSV) as a pyarrow Table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(os.fspath(path))
    fmt = output_format(path)
    if fmt == '.parquet':
        return pq.read_table(path)
    if fmt == '.jsonl':
        rows = [json.loads(line) for line in path.read_text(encoding='utf-8').splitlines() if line.strip()]
    else:
        import csv

        with open(path, encoding='utf-8', newline='') as f:
            rows = [{k: _csv_value(v) for k, v in row.items()} for row in csv.DictReader(f)]
    return pa.Table.from_pylist(rows, schema=schema)


def _csv_value(text: str) -> Any:
    if text == '':
        return None
    if text[:1] == '[':
        return json.loads(text)
    return text


def read_metadata(path: PathLike) -> Dict[str, Any]:
    """The run description (model, provenance, data config) stored in a Parquet result file."""
    import pyarrow.parquet as pq

    metadata = pq.read_schema(os.fspath(path)).metadata or {}
    return json.loads(metadata.get(METADATA_KEY, b'{}'))
