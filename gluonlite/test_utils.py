"""Testing helpers used by MXNet scripts (a subset of ``mxnet.test_utils``)."""

from __future__ import annotations

import numpy as np

from . import _core
from .context import Context, cpu
from .ndarray import NDArray

__all__ = [
    "list_gpus",
    "default_context",
    "set_default_context",
    "almost_equal",
    "assert_almost_equal",
    "same",
]

_default_ctx = cpu()


def list_gpus() -> range:
    """Indices of the usable GPUs (empty without one), the usual GPU-detection idiom."""
    return range(_core.num_gpus())


def default_context() -> Context:
    """The context tests run on."""
    return _default_ctx


def set_default_context(ctx: Context) -> None:
    """Sets the context tests run on."""
    global _default_ctx
    _default_ctx = ctx


def _np(a):
    return a.asnumpy() if isinstance(a, NDArray) else np.asarray(a)


def same(a, b) -> bool:
    """Whether two arrays are exactly equal."""
    return np.array_equal(_np(a), _np(b))


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True) -> bool:
    """Whether two arrays are equal within tolerances (defaults 1e-5 relative, 1e-20 absolute)."""
    return np.allclose(
        _np(a),
        _np(b),
        rtol=1e-5 if rtol is None else rtol,
        atol=1e-20 if atol is None else atol,
        equal_nan=equal_nan,
    )


def assert_almost_equal(
    a,
    b,
    rtol=None,
    atol=None,
    names=("a", "b"),
    equal_nan=False,
    use_broadcast=True,
    mismatches=(10, 10),
) -> None:
    """Raises AssertionError naming the worst element when the arrays differ."""
    np.testing.assert_allclose(
        _np(a),
        _np(b),
        rtol=1e-5 if rtol is None else rtol,
        atol=1e-20 if atol is None else atol,
        equal_nan=equal_nan,
        err_msg=f"{names[0]} and {names[1]} differ",
    )
