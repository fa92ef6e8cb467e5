"""Constructor argument checks shared by the Gluon layers.

MXNet accepts ``Dense(-3)`` or ``Dense(3, activation='rleu')`` and fails later, at
initialization or the first forward, with a message about shapes or operators. gluonlite
checks at construction and names the layer, the argument and the value.
"""

from __future__ import annotations

import numbers
from typing import Any, Optional, overload

from ...base import MXNetValueError

ACTIVATIONS = ("relu", "sigmoid", "softrelu", "softsign", "tanh")


def positive_int(layer: str, name: str, value: Any, allow_zero: bool = False) -> int:
    """``value`` as an int, refusing non-integers and values below 1 (or 0)."""
    lowest = 0 if allow_zero else 1
    if type(value) is int and value >= lowest:  # the common case, without the ABC check
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < lowest:
        need = "a non-negative" if allow_zero else "a positive"
        raise MXNetValueError(f"{layer}: {name} must be {need} integer, got {value!r}")
    return int(value)


@overload
def activation(layer: str, value: str) -> str: ...


@overload
def activation(layer: str, value: None) -> None: ...


def activation(layer: str, value: Optional[str]) -> Optional[str]:
    """``value`` if it is None or one of MXNet's Activation act_types."""
    if value is not None and value not in ACTIVATIONS:
        raise MXNetValueError(
            f"{layer}: activation {value!r} is not one of {', '.join(ACTIVATIONS)}"
        )
    return value


def drop_rate(layer: str, name: str, value: Any) -> float:
    """``value`` as a float in [0, 1) (MXNet takes 1 and then returns NaN everywhere)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= float(value) < 1:
        raise MXNetValueError(f"{layer}: {name} must be a number in [0, 1), got {value!r}")
    return float(value)
