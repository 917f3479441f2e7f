"""Small helpers used when sizing layers and checking their arguments."""
from __future__ import annotations

import collections.abc
from typing import Any, Optional, Tuple

from ..errors import InvalidModelArgsError


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


def check_fraction(name: str, value: Any, upper_open: bool = False, meaning: str = '') -> float:
    """value if it is a number in [0, 1] ([0, 1) with upper_open); otherwise InvalidModelArgsError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            0.0 <= value < 1.0 if upper_open else 0.0 <= value <= 1.0):
        raise InvalidModelArgsError(
            f"{name} must be a number in [0, 1{')' if upper_open else ']'}{f' ({meaning})' if meaning else ''}, "
            f"got {value!r}.")
    return value
