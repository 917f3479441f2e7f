"""Find a model's config and weight files: in a folder on disk (`local`) or on the hub (`hub`)."""
from .common import ModelConfig, WeightsLocation, parse_model_config, read_config_file

__all__ = ['ModelConfig', 'WeightsLocation', 'parse_model_config', 'read_config_file']
