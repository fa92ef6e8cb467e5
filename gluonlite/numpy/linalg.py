"""``mx.np.linalg``: norms (composed from core ops, so differentiable)."""

from __future__ import annotations

import numbers

from .. import _core
from .math_ops import _write_out, max, sum  # noqa: A004
from .multiarray import as_np, ndarray

__all__ = ["norm"]


def norm(x, ord=None, axis=None, keepdims: bool = False, out=None) -> ndarray:  # noqa: A002
    """Vector and Frobenius norms: ``ord`` None/'fro'/2 (Euclidean), 1, inf (vectors).

    With ``axis=None`` the array is treated as one flat vector for ord None/'fro', as NumPy
    does for 1-D and 2-D input; matrix norms with ord 1, 2 or inf are not supported.
    """
    x = as_np(x)
    if x._dtype_name[0] in "iub":
        x = ndarray(_core.astype(x, "float32"))
    vector_axis = axis is None or isinstance(axis, numbers.Integral)
    if ord in (None, "fro") or (ord == 2 and vector_axis and (axis is not None or x.ndim == 1)):
        result = _core.sqrt(sum(_core.square(x), axis=axis, keepdims=keepdims))
    elif ord == 1 and vector_axis and (axis is not None or x.ndim == 1):
        result = sum(_core.abs(x), axis=axis, keepdims=keepdims)
    elif ord == float("inf") and vector_axis and (axis is not None or x.ndim == 1):
        result = max(_core.abs(x), axis=axis, keepdims=keepdims)
    else:
        raise NotImplementedError(f"linalg.norm: ord={ord!r} with axis={axis!r} is not supported")
    return _write_out(ndarray(result), out)
