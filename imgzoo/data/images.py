"""Reading image files for inference."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable, List, Union

from ..errors import ImageReadError

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.gif', '.webp', '.tif', '.tiff', '.ppm', '.pgm')


def load_image(path: Union[str, os.PathLike], mode: str = 'RGB') -> Any:
    """A decoded PIL image in the given mode (RGB by default, as pretrained models expect)."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    try:
        with Image.open(path) as image:
            image.load()
            return image.convert(mode)
    except FileNotFoundError:
        raise ImageReadError(f"Image {path} does not exist.") from None
    except IsADirectoryError:
        raise ImageReadError(f"{path} is a folder; pass the folder itself to read every image in it.") from None
    except UnidentifiedImageError:
        raise ImageReadError(
            f"{path} is not an image PIL can read (supported: {', '.join(IMAGE_SUFFIXES)} and more)."
        ) from None
    except (OSError, ValueError, Image.DecompressionBombError) as e:
        raise ImageReadError(f"Cannot decode image {path}: {e}.") from None


def check_images(paths: Iterable[Union[str, os.PathLike]]) -> None:
    """Check that each file is an image PIL can identify, reading only its header."""
    from PIL import Image, UnidentifiedImageError

    for path in map(Path, paths):
        try:
            with Image.open(path):
                pass
        except UnidentifiedImageError:
            raise ImageReadError(
                f"{path} is not an image PIL can read (supported: {', '.join(IMAGE_SUFFIXES)} and more)."
            ) from None
        except OSError as e:
            raise ImageReadError(f"Cannot read image {path}: {e.strerror or e}.") from None


def find_images(paths: Iterable[Union[str, os.PathLike]]) -> List[Path]:
    """Image files named directly, plus the image files (by suffix) directly inside named folders, sorted."""
    found: List[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            images = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
            if not images:
                raise ImageReadError(f"Folder {path} holds no image files ({', '.join(IMAGE_SUFFIXES)}).")
            found.extend(images)
        elif path.exists():
            found.append(path)
        else:
            raise ImageReadError(f"Image {path} does not exist.")
    return found
