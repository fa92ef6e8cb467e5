"""Whether MXNet's NumPy semantics are on (``npx.set_np``): one switch per thread."""

from __future__ import annotations

import threading

_local = threading.local()


def np_shape() -> bool:
    """Whether NumPy shape semantics (0-d and zero-size arrays) are on."""
    return getattr(_local, "shape", False)


def np_array() -> bool:
    """Whether Gluon and friends should create ``mx.np.ndarray``s."""
    return getattr(_local, "array", False)


def set_state(shape: bool, array: bool) -> tuple:
    """Sets both switches; returns the previous (shape, array)."""
    previous = (np_shape(), np_array())
    _local.shape, _local.array = bool(shape), bool(array)
    return previous
