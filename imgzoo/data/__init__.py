"""Preprocessing and labels: the data config, eval and training transforms, MixUp/CutMix, images, class names."""
from .config import resolve_data_config, resolve_model_data_config
from .images import find_images, load_image
from .labels import get_label_names, imagenet_class_names, resolve_label_names
from .mixup import Mixup, SoftTargetCrossEntropy, mixup_target
from .transforms import create_transform

__all__ = [
    'Mixup', 'SoftTargetCrossEntropy', 'create_transform', 'find_images', 'get_label_names', 'imagenet_class_names',
    'load_image', 'mixup_target', 'resolve_data_config', 'resolve_label_names', 'resolve_model_data_config',
]
