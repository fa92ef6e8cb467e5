"""``mx.np`` array creation with NumPy signatures (float32 is the default floating dtype)."""

from __future__ import annotations

import numbers
from typing import Any, Optional

import numpy as onp

from .. import _core
from ..base import MXNetTypeError
from ..ndarray import ndarray as _nd
from ..ndarray.ndarray import NDArray, _dtype_name, _shape_tuple
from .multiarray import ndarray, to_device

__all__ = [
    "array",
    "asarray",
    "empty",
    "zeros",
    "ones",
    "full",
    "empty_like",
    "zeros_like",
    "ones_like",
    "full_like",
    "arange",
    "linspace",
    "eye",
    "identity",
]


def _dtype_or(dtype, default: str = "float32") -> str:
    return default if dtype is None else _dtype_name(dtype)


def _check_order(order: str, op: str) -> None:
    if order not in ("C", None):
        raise NotImplementedError(f"{op}: order={order!r} is not supported (only 'C')")


def array(object: Any, dtype=None, ctx=None, device=None) -> ndarray:  # noqa: A002
    """An ndarray copied from ``object`` (a list, numpy array, scalar or array).

    As in MXNet 1.9.1, the dtype is float32 unless given, except that a numpy array or
    (np/nd) array source keeps its own dtype.
    """
    ctx = to_device(ctx, device)
    if isinstance(object, NDArray):
        target = _dtype_or(dtype, object._dtype_name)
        out = _core.empty(object.shape, target, ctx._core_type, ctx.device_id)
        _core.copy_(out, object if object._dtype_name == target else _core.astype(object, target))
        return ndarray(out)
    if dtype is None:
        dtype = object.dtype if isinstance(object, onp.ndarray) else "float32"
    try:
        host = onp.asarray(object, dtype=_dtype_name(dtype), order="C")
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"array: object must be array-like, got {type(object).__name__}: {err}"
        ) from None
    if host.dtype == onp.bool_:
        out = _core.from_numpy(host.astype(onp.uint8), ctx._core_type, ctx.device_id)
        return ndarray(_core.astype(out, "bool"))
    return ndarray(_core.from_numpy(host, ctx._core_type, ctx.device_id))


def asarray(a: Any, dtype=None, ctx=None, device=None) -> ndarray:
    """``a`` itself when it already is an ndarray of that dtype and device, else a copy."""
    if (
        isinstance(a, ndarray)
        and (dtype is None or _dtype_name(dtype) == a._dtype_name)
        and (ctx is None and device is None or to_device(ctx, device) == a.context)
    ):
        return a
    return array(a, dtype=dtype, ctx=ctx, device=device)


def empty(shape, dtype=None, order: str = "C", ctx=None, device=None) -> ndarray:
    """An uninitialized array."""
    _check_order(order, "empty")
    ctx = to_device(ctx, device)
    return ndarray(
        _core.empty(_shape_tuple(shape), _dtype_or(dtype), ctx._core_type, ctx.device_id)
    )


def full(shape, fill_value, dtype=None, order: str = "C", ctx=None, device=None, out=None):
    """An array filled with ``fill_value`` (float32 unless ``dtype`` is given)."""
    _check_order(order, "full")
    if isinstance(fill_value, NDArray):
        fill_value = fill_value.item()
    if not isinstance(fill_value, (numbers.Number, onp.generic)):
        raise MXNetTypeError(f"full: fill_value must be a number, got {type(fill_value).__name__}")
    if out is not None:
        _core.fill_(out, float(fill_value))  # type: ignore[arg-type]  # a Number here
        return out
    ctx = to_device(ctx, device)
    return ndarray(
        _core.full(
            _shape_tuple(shape),
            float(fill_value),  # type: ignore[arg-type]  # checked to be a Number above
            _dtype_or(dtype),
            ctx._core_type,
            ctx.device_id,
        )
    )


def zeros(shape, dtype=None, order: str = "C", ctx=None, device=None) -> ndarray:
    """An array of zeros (float32 unless ``dtype`` is given)."""
    return full(shape, 0.0, dtype, order, ctx, device)


def ones(shape, dtype=None, order: str = "C", ctx=None, device=None) -> ndarray:
    """An array of ones (float32 unless ``dtype`` is given)."""
    return full(shape, 1.0, dtype, order, ctx, device)


def _like(a: NDArray, dtype, ctx, device):
    if not isinstance(a, NDArray):
        a = array(a)
    target = to_device(ctx, device) if (ctx is not None or device is not None) else a.context
    return a.shape, _dtype_or(dtype, a._dtype_name), target


def full_like(a, fill_value, dtype=None, order: str = "C", ctx=None, device=None, out=None):
    """``fill_value`` with the shape, dtype and device of ``a``."""
    shape, dtype, ctx = _like(a, dtype, ctx, device)
    return full(shape, fill_value, dtype, order, ctx, out=out)


def zeros_like(a, dtype=None, order: str = "C", ctx=None, device=None, out=None) -> ndarray:
    """Zeros with the shape, dtype and device of ``a``."""
    return full_like(a, 0.0, dtype, order, ctx, device, out)


def ones_like(a, dtype=None, order: str = "C", ctx=None, device=None, out=None) -> ndarray:
    """Ones with the shape, dtype and device of ``a``."""
    return full_like(a, 1.0, dtype, order, ctx, device, out)


def empty_like(prototype, dtype=None, order: str = "C", ctx=None, device=None) -> ndarray:
    """An uninitialized array with the shape, dtype and device of ``prototype``."""
    shape, dtype, ctx = _like(prototype, dtype, ctx, device)
    return empty(shape, dtype, order, ctx)


def arange(start, stop=None, step=1, dtype=None, ctx=None, device=None) -> ndarray:
    """Evenly spaced values in [start, stop) (float32 unless ``dtype`` is given)."""
    if step == 0:
        raise ValueError("arange: step must not be zero")
    return ndarray(_nd.arange(start, stop, step, 1, None, to_device(ctx, device), _dtype_or(dtype)))


def linspace(
    start,
    stop,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype=None,
    axis: int = 0,
    ctx=None,
    device=None,
):
    """``num`` evenly spaced values from ``start`` to ``stop`` (float32 unless ``dtype``)."""
    from ..ndarray.shape_ops import linspace as nd_linspace

    if axis != 0:
        raise NotImplementedError("linspace: only axis=0 is supported")
    if not isinstance(num, numbers.Integral) or num < 0:
        raise ValueError(f"linspace: num must be a non-negative int, got {num!r}")
    out = ndarray(
        nd_linspace(start, stop, int(num), endpoint, to_device(ctx, device), _dtype_or(dtype))
    )
    if retstep:
        divisions = (num - 1) if endpoint else num
        return out, (stop - start) / divisions if divisions > 0 else float("nan")
    return out


def eye(N: int, M: Optional[int] = None, k: int = 0, dtype=None, ctx=None, device=None):  # noqa: N803
    """An N x M array with ones on the k-th diagonal (float32 unless ``dtype``)."""
    from ..ndarray.shape_ops import eye as nd_eye

    return ndarray(nd_eye(N, N if M is None else M, k, to_device(ctx, device), _dtype_or(dtype)))


def identity(n: int, dtype=None, ctx=None, device=None) -> ndarray:
    """The n x n identity matrix."""
    return eye(n, None, 0, dtype, ctx, device)
