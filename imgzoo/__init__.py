"""imgzoo: PyTorch image models that load from a built-in tag, a hub repository or a folder."""
from .errors import (
    CacheNotWritableError, ConfigNotFoundError, ConversionError, CorruptWeightsError, FolderExistsError, HubError, HubFileNotFoundError,
    ImageReadError, ImgzooError, InputSizeError, InvalidConfigError, InvalidManifestError, ManifestNotFoundError, InvalidModelArgsError, InvalidModelNameError, ModelFolderNotFoundError,
    NoPretrainedWeightsError, OfflineCacheMissError, StateDictMismatchError, UnknownModelError,
    UnknownPretrainedTagError, UnsafeCheckpointError, WeightsNotFoundError, HubEntryNotFoundError,
    HubRepositoryNotFoundError, HubRevisionNotFoundError, HubUnreachableError, ManifestMismatchError,
    InferenceOnlyModelError, ModelInTrainingModeError,
)
from .convert import convert_checkpoint, convert_state_dict, list_conversions
from .data import (
    Mixup, SoftTargetCrossEntropy, create_transform, get_label_names, imagenet_class_names, mixup_target,
    resolve_data_config, resolve_label_names, resolve_model_data_config,
)
from .factory import RandomWeightsWarning, create_model, load_checkpoint
from .features import FeatureGetterNet, FeatureInfo, feature_take_indices
from .names import ModelSource, parse_model_name
from .pretrained import PretrainedCfg
from .registry import get_pretrained_cfg, is_model, list_models, list_pretrained, register_model
from .optim import param_groups_layer_decay, param_groups_weight_decay
from .optimize import optimize_for_inference, reparameterize
from .save import save_pretrained
from .sources.hub import HubUnreachableWarning

__version__ = '0.1.0'

__all__ = [
    'CacheNotWritableError', 'ConfigNotFoundError', 'ConversionError', 'CorruptWeightsError', 'FolderExistsError', 'HubError',
    'HubFileNotFoundError', 'ImgzooError', 'InvalidConfigError', 'InvalidModelArgsError', 'InvalidModelNameError',
    'ModelFolderNotFoundError', 'ModelSource', 'NoPretrainedWeightsError', 'OfflineCacheMissError', 'PretrainedCfg',
    'StateDictMismatchError', 'UnknownModelError', 'UnknownPretrainedTagError', 'UnsafeCheckpointError',
    'WeightsNotFoundError', 'create_model', 'get_pretrained_cfg', 'is_model', 'list_models', 'list_pretrained',
    'load_checkpoint', 'parse_model_name', 'register_model', 'save_pretrained',
    'create_transform', 'get_label_names', 'imagenet_class_names', 'resolve_data_config', 'resolve_label_names',
    'resolve_model_data_config', 'Mixup', 'SoftTargetCrossEntropy', 'mixup_target',
    'convert_checkpoint', 'convert_state_dict', 'list_conversions',
    'ImageReadError', 'InputSizeError', 'InvalidManifestError', 'ManifestNotFoundError', 'HubUnreachableWarning',
    'HubEntryNotFoundError', 'HubRepositoryNotFoundError', 'HubRevisionNotFoundError', 'HubUnreachableError',
    'ManifestMismatchError', 'RandomWeightsWarning',
    'FeatureGetterNet', 'FeatureInfo', 'feature_take_indices', 'param_groups_layer_decay', 'param_groups_weight_decay',
    'InferenceOnlyModelError', 'ModelInTrainingModeError', 'optimize_for_inference', 'reparameterize',
]
