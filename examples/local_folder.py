"""The seed workflow: create a model, save it as a folder, load it back through `local:`.

Runs offline. It shows that the reloaded model gives the same outputs and where its
weights came from (the provenance imgzoo records in `model.pretrained_cfg`).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import torch

import imgzoo


def main() -> None:
    torch.manual_seed(0)
    model = imgzoo.create_model('resnet50.a1_in1k', num_classes=10).eval()
    print(f"created  resnet50.a1_in1k with a 10-class head: {sum(p.numel() for p in model.parameters()):,} parameters")

    with tempfile.TemporaryDirectory() as tmp:
        folder = imgzoo.save_pretrained(model, Path(tmp) / 'my-resnet50')
        files = sorted(p.name for p in folder.iterdir())
        print(f"saved    {folder} -> {', '.join(files)}")

        loaded = imgzoo.create_model(f'local:{folder}', pretrained=True).eval()
        x = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            diff = (model(x) - loaded(x)).abs().max().item()
        cfg = loaded.pretrained_cfg
        print(f"loaded   local:{folder} (pretrained=True)")
        print(f"outputs  max abs difference {diff:.3g} -> {'identical' if diff == 0 else 'DIFFERENT'}")
        print(f"source   {cfg['source']} folder {cfg['local_dir']}")
        print(f"weights  {', '.join(cfg['weights_files'])}")
        print(f"preproc  input {tuple(cfg['input_size'])}, crop_pct {cfg['crop_pct']}, "
              f"{cfg['interpolation']}, mean {tuple(cfg['mean'])}")
        if diff != 0:
            raise SystemExit('reloaded model differs from the saved one')


if __name__ == '__main__':
    main()
