"""Preprocessing and labels: the data config, the eval transform, images, class names."""
from .config import resolve_data_config
from .images import find_images, load_image
from .labels import get_label_names, imagenet_class_names, resolve_label_names
from .transforms import create_transform

__all__ = [
    'create_transform', 'find_images', 'get_label_names', 'imagenet_class_names', 'load_image',
    'resolve_data_config', 'resolve_label_names',
]
