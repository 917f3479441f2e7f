"""Model families, one file each; the registry imports them on first use.

A family is listed here once its file is complete: listing it is what makes its
architectures visible to `create_model` and `list_models`.
"""

FAMILIES: tuple = (
    'resnet',
    'convnext',
    'regnet',
    'vision_transformer',
    'deit',
    'efficientnet',
    'mobilenetv3',
    'eva',
    'swin_transformer',
    'swin_transformer_v2',
    'vgg',
    'densenet',
    'inception_v3',
    'resnetv2',
    'nfnet',
    'mobilevit',
    'efficientvit_mit',
    'hgnet',
    'fastvit',
    'hiera',
    'maxxvit',
    'byobnet',
)
