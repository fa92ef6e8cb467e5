"""``gluonlite.numpy_extension`` (``mx.npx``): MXNet's operators for ``mx.np`` arrays, the
NumPy-semantics switch and device helpers."""

from __future__ import annotations

from ..context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus  # noqa: F401
from ..ndarray.ndarray import waitall  # noqa: F401
from . import _state
from .extra_ops import *  # noqa: F401,F403
from .io import load, save  # noqa: F401
from .nn_ops import *  # noqa: F401,F403
from .ops import *  # noqa: F401,F403

__all__ = [
    "set_np",
    "reset_np",
    "is_np_array",
    "is_np_shape",
    "cpu",
    "gpu",
    "num_gpus",
    "current_context",
    "waitall",
    "save",
    "load",
]


def set_np(shape: bool = True, array: bool = True, dtype: bool = False) -> None:
    """Turns on MXNet's NumPy semantics: 0-d/zero-size shapes and ``mx.np.ndarray`` results.

    ``array=True`` needs ``shape=True``, as in MXNet. ``dtype=True`` (float64 defaults) is
    not supported.
    """
    if array and not shape:
        raise ValueError("NumPy Shape semantics is required in using NumPy array semantics.")
    if dtype:
        raise NotImplementedError("set_np(dtype=True) (float64 default dtype) is not supported")
    _state.set_state(shape, array)


def reset_np() -> None:
    """Turns MXNet's NumPy semantics off (legacy NDArray behaviour)."""
    _state.set_state(False, False)


def is_np_array() -> bool:
    """Whether NumPy-array semantics are on (``set_np()``)."""
    return _state.np_array()


def is_np_shape() -> bool:
    """Whether NumPy-shape semantics are on (``set_np()``)."""
    return _state.np_shape()


def _expose_on_nd() -> None:
    """``nd.np`` / ``nd.npx``, as MXNet's ``mx.nd.np`` / ``mx.nd.npx``: Gluon passes ``F = nd``
    to ``hybrid_forward``, and NumPy-mode blocks call ``F.np.sum`` / ``F.npx.relu``."""
    import sys

    from .. import ndarray as _nd
    from .. import numpy as _np_module

    _nd.np = _np_module
    _nd.npx = sys.modules[__name__]


_expose_on_nd()
