"""Small arithmetic helpers used when sizing layers."""
from __future__ import annotations

import collections.abc
from typing import Any, Optional, Tuple


def make_divisible(v: float, divisor: int = 8, min_value: Optional[int] = None, round_limit: float = 0.9) -> int:
    """Round a channel count to a multiple of divisor, never more than (1 - round_limit) below v."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < round_limit * v:
        new_v += divisor
    return new_v


def to_2tuple(x: Any) -> Tuple[Any, Any]:
    """(x, x) for a scalar, tuple(x) for an iterable."""
    if isinstance(x, collections.abc.Iterable) and not isinstance(x, str):
        return tuple(x)  # type: ignore[return-value]
    return (x, x)
