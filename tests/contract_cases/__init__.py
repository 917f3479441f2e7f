"""Representative architectures per family for the model-contract tests (tests/test_model_contract.py).

Each family has a module here named like its model file, with `CASES`: architectures (at reduced
sizes where stated) that cover its block variants. Every registered architecture is also checked
at full size on the meta device; these cases add real forward/backward, feature maps, graph capture
and, for the first case of each family, torch.compile.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple


@dataclass(frozen=True)
class Case:
    """One architecture with the keyword arguments (reduced depth/size) and input shape it is tested at."""

    arch: str
    kwargs: Dict[str, Any] = field(default_factory=dict)
    input_shape: Tuple[int, int, int, int] = (2, 3, 64, 64)
    no_grad: Tuple[str, ...] = ()  # parameters timm's model also leaves without gradient in forward()

    @property
    def id(self) -> str:
        args = ','.join(f'{k}={v}' for k, v in self.kwargs.items())
        return f'{self.arch}[{args}]' if args else self.arch


def family_cases() -> Dict[str, List[Case]]:
    """family name -> its cases, from every module in this package."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f'{__name__}.{info.name}')
        found[info.name] = list(module.CASES)
    return found
