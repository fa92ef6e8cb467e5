"""``mx.np`` elementwise math, comparisons and reductions with NumPy signatures."""

from __future__ import annotations

import builtins
import math
import numbers
import operator
from typing import Optional, cast

import numpy as onp

from .. import _core
from ..base import MXNetTypeError, MXNetValueError
from ..ndarray.ndarray import NDArray, _dtype_name
from .multiarray import _is_scalar, as_np, ndarray

__all__ = [
    "where",
    "clip",
    "sum",
    "mean",
    "max",
    "min",
    "amax",
    "amin",
    "prod",
    "std",
    "var",
    "argmax",
    "argmin",
]

_SUM, _MEAN, _MAX, _MIN, _PROD = range(5)
_INT_KINDS = "iub"  # first letters of int*, uint*, bool dtype names


def _write_out(result: NDArray, out: Optional[NDArray]) -> ndarray:
    """``result``, or ``out`` with ``result`` copied in (cast to ``out``'s dtype)."""
    if out is None:
        return cast(ndarray, result)  # callers pass mx.np results
    if not isinstance(out, NDArray):
        raise MXNetTypeError(f"out must be an ndarray, got {type(out).__name__}")
    if tuple(out.shape) != tuple(result.shape):
        raise MXNetValueError(f"out has shape {out.shape} but the result has shape {result.shape}")
    if out._dtype_name != result._dtype_name:
        result = _core.astype(result, out._dtype_name)
    _core.copy_(out, result)
    return cast(ndarray, out)


# ---- elementwise ---------------------------------------------------------------------------


def _make_unary(name: str, core_fn, float_only: bool = False):
    def fn(x, out=None):
        x = as_np(x)
        if float_only and x._dtype_name[0] in _INT_KINDS:
            x = _core.astype(x, "float32")
        return _write_out(ndarray(core_fn(x)), out)

    fn.__name__ = name
    fn.__doc__ = (
        f"Elementwise {name} (NumPy's ``np.{name}``; integer input keeps its dtype, as MXNet)."
    )
    return fn


_LN2, _LN10 = math.log(2.0), math.log(10.0)
_UNARY = {
    "abs": _core.abs,
    "absolute": _core.abs,
    "fabs": _core.abs,
    "sign": _core.sign,
    "exp": _core.exp,
    "log": _core.log,
    "sqrt": _core.sqrt,
    "square": _core.square,
    "tanh": _core.tanh,
    "sin": _core.sin,
    "cos": _core.cos,
    "floor": _core.floor,
    "ceil": _core.ceil,
    "negative": _core.negative,
    "reciprocal": _core.reciprocal,
    # composed from core ops (each step differentiable)
    "log2": lambda x: _core.multiply(_core.log(x), 1.0 / _LN2),
    "log10": lambda x: _core.multiply(_core.log(x), 1.0 / _LN10),
    "log1p": lambda x: _core.log(_core.add(x, 1.0)),
    "expm1": lambda x: _core.subtract(_core.exp(x), 1.0),
    "tan": lambda x: _core.divide(_core.sin(x), _core.cos(x)),
}
for _name, _fn in _UNARY.items():
    globals()[_name] = _make_unary(_name, _fn)
    __all__.append(_name)


def logical_not(x, out=None) -> ndarray:
    """Elementwise NOT, as a bool array."""
    return _write_out(ndarray(_core.astype(_core.logical_not(as_np(x)), "bool")), out)


def _make_binary(name: str, dunder: str, rdunder: str, numpy_fn):
    def fn(x1, x2, out=None):
        if isinstance(x1, NDArray):
            result = getattr(as_np(x1), dunder)(x2)
        elif isinstance(x2, NDArray):
            result = getattr(as_np(x2), rdunder)(x1)
        elif _is_scalar(x1) and _is_scalar(x2):
            result = as_np(onp.asarray(numpy_fn(x1, x2)))
        else:
            result = getattr(as_np(x1), dunder)(x2)
        if result is NotImplemented:
            raise MXNetTypeError(
                f"{name}: unsupported operand types {type(x1).__name__} and {type(x2).__name__}"
            )
        return _write_out(result, out)

    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name} with broadcasting and NumPy dtype promotion."
    return fn


for _name, _dunder, _rdunder, _np_fn in [
    ("add", "__add__", "__radd__", onp.add),
    ("subtract", "__sub__", "__rsub__", onp.subtract),
    ("multiply", "__mul__", "__rmul__", onp.multiply),
    ("divide", "__truediv__", "__rtruediv__", onp.divide),
    ("true_divide", "__truediv__", "__rtruediv__", onp.divide),
    ("mod", "__mod__", "__rmod__", onp.mod),
    ("remainder", "__mod__", "__rmod__", onp.mod),
    ("power", "__pow__", "__rpow__", onp.power),
    ("equal", "__eq__", "__eq__", onp.equal),
    ("not_equal", "__ne__", "__ne__", onp.not_equal),
    ("greater", "__gt__", "__lt__", onp.greater),
    ("greater_equal", "__ge__", "__le__", onp.greater_equal),
    ("less", "__lt__", "__gt__", onp.less),
    ("less_equal", "__le__", "__ge__", onp.less_equal),
]:
    globals()[_name] = _make_binary(_name, _dunder, _rdunder, _np_fn)
    __all__.append(_name)


def _make_extremum(name: str, core_fn):
    def fn(x1, x2, out=None):
        from .multiarray import _promoted

        if not isinstance(x1, NDArray):
            x1, x2 = x2, x1  # maximum/minimum are symmetric
        x1 = as_np(x1)
        if isinstance(x2, NDArray):
            x1, x2 = _promoted(x1, x2)
        elif not _is_scalar(x2):
            x1, x2 = _promoted(x1, as_np(x2, x1.context))
        return _write_out(ndarray(core_fn(x1, x2)), out)

    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name} of two arrays (or an array and a scalar)."
    return fn


maximum = _make_extremum("maximum", _core.maximum)
minimum = _make_extremum("minimum", _core.minimum)
__all__ += ["maximum", "minimum", "logical_not"]


def where(condition, x=None, y=None) -> ndarray:
    """``x`` where ``condition`` is true, else ``y`` (broadcast; scalars allowed)."""
    condition = as_np(condition)
    if x is None and y is None:
        raise NotImplementedError("where(condition) without x and y: use np.nonzero on the host")
    ctx = condition.context
    x_arr = as_np(x, ctx) if not _is_scalar(x) else None
    y_arr = as_np(y, ctx) if not _is_scalar(y) else None
    if x_arr is not None and y_arr is not None:
        from .multiarray import _promoted

        x_arr, y_arr = _promoted(x_arr, y_arr)
    like = x_arr if x_arr is not None else y_arr
    dtype = like._dtype_name if like is not None else "float32"
    shape = onp.broadcast_shapes(
        condition.shape,
        x_arr.shape if x_arr is not None else (),
        y_arr.shape if y_arr is not None else (),
    )
    from .shape_ops import broadcast_to

    def full(value):
        return _core.full(shape, float(value), dtype, ctx._core_type, ctx.device_id)

    x_full = broadcast_to(x_arr, shape) if x_arr is not None else full(x)
    y_full = broadcast_to(y_arr, shape) if y_arr is not None else full(y)
    cond: NDArray = broadcast_to(condition, shape)
    if cond._dtype_name != dtype:
        cond = _core.astype(cond, dtype)
    return ndarray(_core.where(cond, x_full, y_full))


def clip(a, a_min, a_max, out=None) -> ndarray:
    """Limits values to [a_min, a_max] (either may be None)."""
    if a_min is None and a_max is None:
        raise MXNetValueError("clip: one of a_min and a_max must be given")
    lo = -math.inf if a_min is None else float(a_min)
    hi = math.inf if a_max is None else float(a_max)
    return _write_out(ndarray(_core.clip(as_np(a), lo, hi)), out)


# ---- reductions ----------------------------------------------------------------------------


def _axis_arg(axis, ndim: int, op: str):
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (numbers.Integral, onp.integer)) else tuple(axis)
    for ax in axes:
        if not isinstance(ax, (numbers.Integral, onp.integer)) or isinstance(ax, bool):
            raise MXNetTypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}")
        if not -ndim <= operator.index(ax) < builtins.max(ndim, 1):
            raise MXNetValueError(
                f"{op}: axis {ax} is out of bounds for an array of dimension {ndim}"
            )
    return axes[0] if isinstance(axis, (numbers.Integral, onp.integer)) else axes


def _reduced_all(axes, ndim: int) -> bool:
    if axes is None:
        return True
    axes = (axes,) if isinstance(axes, (numbers.Integral, onp.integer)) else axes
    return len({ax % ndim for ax in axes}) == ndim


def _reduce(code: int, a, axis, dtype, out, keepdims: bool, op: str) -> ndarray:
    a = as_np(a)
    if dtype is not None:
        a = _core.astype(a, _dtype_name(dtype))
    elif code == _MEAN and a._dtype_name[0] in _INT_KINDS:
        a = _core.astype(a, "float32")
    elif code in (_SUM, _PROD) and a._dtype_name == "bool":
        a = _core.astype(a, "int64")  # NumPy (and MXNet): summing booleans counts them
    axes = _axis_arg(axis, a.ndim, op)
    if a.ndim == 0:
        result = a
    else:
        result = _core.reduce(code, a, axes, bool(keepdims), False)
        if not keepdims and result.ndim != 0 and _reduced_all(axes, a.ndim):
            result = _core.reshape(result, (), False)  # NumPy: a full reduction is 0-d
    return _write_out(ndarray(result), out)


def sum(a, axis=None, dtype=None, out=None, keepdims: bool = False, initial=None):  # noqa: A001
    """Sum over ``axis`` (all axes: a 0-d array)."""
    if initial is not None:
        raise NotImplementedError("sum: initial is not supported")
    return _reduce(_SUM, a, axis, dtype, out, keepdims, "sum")


def mean(a, axis=None, dtype=None, out=None, keepdims: bool = False) -> ndarray:
    """Mean over ``axis``; integer input gives float32, as MXNet."""
    return _reduce(_MEAN, a, axis, dtype, out, keepdims, "mean")


def prod(a, axis=None, dtype=None, out=None, keepdims: bool = False, initial=None):
    """Product over ``axis``."""
    if initial is not None:
        raise NotImplementedError("prod: initial is not supported")
    return _reduce(_PROD, a, axis, dtype, out, keepdims, "prod")


def max(a, axis=None, out=None, keepdims: bool = False) -> ndarray:  # noqa: A001
    """Maximum over ``axis``."""
    if as_np(a).size == 0:
        raise MXNetValueError("max: zero-size array to reduction operation maximum has no identity")
    return _reduce(_MAX, a, axis, None, out, keepdims, "max")


def min(a, axis=None, out=None, keepdims: bool = False) -> ndarray:  # noqa: A001
    """Minimum over ``axis``."""
    if as_np(a).size == 0:
        raise MXNetValueError("min: zero-size array to reduction operation minimum has no identity")
    return _reduce(_MIN, a, axis, None, out, keepdims, "min")


amax, amin = max, min


def _reduced_count(shape: tuple, axes) -> int:
    if axes is None:
        axes = range(len(shape))
    elif isinstance(axes, (numbers.Integral, onp.integer)):
        axes = (axes,)
    count = 1
    for ax in axes:
        count *= shape[ax]
    return count


def _variance(a: ndarray, axis, dtype, ddof: int, keepdims: bool, op: str):
    """The variance in a floating dtype (float32 for integer input unless ``dtype``)."""
    if dtype is not None:
        work = _core.astype(a, _dtype_name(dtype))
    elif a._dtype_name[0] in _INT_KINDS:
        work = _core.astype(a, "float32")
    else:
        work = a
    axes = _axis_arg(axis, a.ndim, op)
    centred = _core.subtract(work, _reduce(_MEAN, work, axes, None, None, True, op))
    total = _reduce(_SUM, _core.square(centred), axes, None, None, keepdims, op)
    return _core.divide(total, float(_reduced_count(a.shape, axes) - ddof))


def _finish_moment(result, a: ndarray, dtype, out) -> ndarray:
    if dtype is None and a._dtype_name[0] in _INT_KINDS:  # MXNet 1.9.1 keeps integer dtypes
        result = _core.astype(result, a._dtype_name)
    return _write_out(ndarray(result), out)


def var(a, axis=None, dtype=None, out=None, ddof: int = 0, keepdims: bool = False) -> ndarray:
    """Variance over ``axis`` with ``ddof`` delta degrees of freedom.

    As MXNet 1.9.1, integer input gives a result in the input's dtype (truncated).
    """
    a = as_np(a)
    return _finish_moment(_variance(a, axis, dtype, ddof, keepdims, "var"), a, dtype, out)


def std(a, axis=None, dtype=None, out=None, ddof: int = 0, keepdims: bool = False) -> ndarray:
    """Standard deviation over ``axis`` (see ``var``)."""
    a = as_np(a)
    variance = _variance(a, axis, dtype, ddof, keepdims, "std")
    return _finish_moment(_core.sqrt(variance), a, dtype, out)


def _arg_extremum(core_fn, a, axis, out, op: str) -> ndarray:
    a = as_np(a)
    if a.size == 0:
        raise MXNetValueError(f"{op}: attempt to get {op} of an empty sequence")
    if axis is not None and not isinstance(axis, (numbers.Integral, onp.integer)):
        raise TypeError(f"{op}: axis must be an int or None, got {axis!r}")
    _axis_arg(axis, a.ndim, op)
    source = _core.reshape(a, (-1,), False) if axis is None else a
    result = _core.astype(core_fn(source, 0 if axis is None else int(axis), False), "int64")
    if axis is None:
        result = _core.reshape(result, (), False)
    return _write_out(ndarray(result), out)


def argmax(a, axis=None, out=None) -> ndarray:
    """Indices (int64) of the maxima along ``axis`` (of the flattened array when None)."""
    return _arg_extremum(_core.argmax, a, axis, out, "argmax")


def argmin(a, axis=None, out=None) -> ndarray:
    """Indices (int64) of the minima along ``axis`` (of the flattened array when None)."""
    return _arg_extremum(_core.argmin, a, axis, out, "argmin")
