"""``nd._internal``: the operators MXNet's graphs name but its front ends hide.

A ``-symbol.json`` spells ``x * 2`` as ``_mul_scalar`` and ``nd.zeros`` as ``_zeros``;
these functions give those names an NDArray implementation, so a graph node runs as one
call here whatever front end made it (see ``gluonlite/symbol/registry.py``).
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable, List, Tuple

import numpy as np

from .. import _core
from ..base import MXNetTypeError, MXNetValueError
from . import ndarray as _nd
from . import ops, random_pdf
from . import random as _random
from .arguments import exporter
from .ndarray import NDArray

__all__: list = []
_export = exporter(__all__)


def _scalar_op(name: str, apply: Callable[[NDArray, float], Any]) -> Callable:
    def fn(data: NDArray, scalar: float = 1.0, is_int: Any = None, out=None, name=None) -> NDArray:
        return ops._write_out(apply(data, float(scalar)), out)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"MXNet's ``{name}``: the array and the attribute ``scalar``."
    return _export(fn)


def _flag(compare: Callable) -> Callable[[NDArray, float], NDArray]:
    # comparisons against a scalar give 0/1 in the array's dtype, as the broadcast ones do
    return lambda x, s: compare(x, ops.filled(x, s))


_SCALAR_OPS = {
    "_plus_scalar": lambda x, s: x + s,
    "_minus_scalar": lambda x, s: x - s,
    "_rminus_scalar": lambda x, s: s - x,
    "_mul_scalar": lambda x, s: x * s,
    "_div_scalar": lambda x, s: x / s,
    "_rdiv_scalar": lambda x, s: s / x,
    "_power_scalar": lambda x, s: x**s,
    "_rpower_scalar": lambda x, s: s**x,
    "_mod_scalar": lambda x, s: x % s,
    "_rmod_scalar": lambda x, s: s % x,
    "_maximum_scalar": lambda x, s: _core.maximum(x, s),
    "_minimum_scalar": lambda x, s: _core.minimum(x, s),
    "_hypot_scalar": lambda x, s: _core.hypot(x, ops.filled(x, s)),
    "_equal_scalar": _flag(_core.equal),
    "_not_equal_scalar": _flag(_core.not_equal),
    "_greater_scalar": _flag(_core.greater),
    "_greater_equal_scalar": _flag(_core.greater_equal),
    "_lesser_scalar": _flag(_core.lesser),
    "_lesser_equal_scalar": _flag(_core.lesser_equal),
    "_logical_and_scalar": _flag(_core.logical_and),
    "_logical_or_scalar": _flag(_core.logical_or),
    "_logical_xor_scalar": _flag(_core.logical_xor),
}
for _name, _apply in _SCALAR_OPS.items():
    globals()[_name] = _scalar_op(_name, _apply)


def _binary_op(name: str, apply: Callable[[NDArray, NDArray], NDArray]) -> Callable:
    def fn(lhs: NDArray, rhs: NDArray, out=None, name=None) -> NDArray:
        return ops._write_out(apply(lhs, rhs), out)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"MXNet's ``{name}``: elementwise, with broadcasting."
    return _export(fn)


# the names MXNet's Symbol arithmetic writes (``a ** b`` is ``_power``, ``a == b`` ``_equal``)
_BINARY_OPS = {
    "_plus": _core.add,
    "_minus": _core.subtract,
    "_mul": _core.multiply,
    "_div": _core.divide,
    "_power": _core.power,
    "_mod": _core.mod,
    "_maximum": _core.maximum,
    "_minimum": _core.minimum,
    "_hypot": _core.hypot,
    "_equal": _core.equal,
    "_not_equal": _core.not_equal,
    "_greater": _core.greater,
    "_greater_equal": _core.greater_equal,
    "_lesser": _core.lesser,
    "_lesser_equal": _core.lesser_equal,
    "_logical_and": _core.logical_and,
    "_logical_or": _core.logical_or,
    "_logical_xor": _core.logical_xor,
}
for _name, _fn in _BINARY_OPS.items():
    globals()[_name] = _binary_op(_name, _fn)
# MXNet's capitalised spellings of the same operators
for _alias, _name in (("_Plus", "_plus"), ("_Minus", "_minus"), ("_Mul", "_mul"), ("_Div", "_div")):
    globals()[_alias] = globals()[_name]
    __all__.append(_alias)


@_export
def _copy(data: NDArray, out=None, name=None) -> NDArray:
    """MXNet's ``_copy`` (``identity``): a copy of the array."""
    return ops.identity(data, out=out)


@_export
def _zeros(
    shape: Any = (), ctx: Any = None, dtype: Any = "float32", out=None, name=None
) -> NDArray:
    """MXNet's ``_zeros``: an array of zeros (``nd.zeros``)."""
    return _nd.zeros(shape, ctx=ctx, dtype=dtype, out=out)


@_export
def _ones(shape: Any = (), ctx: Any = None, dtype: Any = "float32", out=None, name=None) -> NDArray:
    """MXNet's ``_ones``: an array of ones (``nd.ones``)."""
    return _nd.ones(shape, ctx=ctx, dtype=dtype, out=out)


@_export
def _full(
    shape: Any = (),
    value: float = 0.0,
    ctx: Any = None,
    dtype: Any = "float32",
    out=None,
    name=None,
) -> NDArray:
    """MXNet's ``_full``: an array of ``value`` (``nd.full``)."""
    return _nd.full(shape, value, ctx=ctx, dtype=dtype, out=out)


def _crop_slices(shape: Any, begin: Any, end: Any, step: Any) -> tuple:
    begin, end = tuple(begin), tuple(end)
    step = tuple(step) if step else (None,) * len(begin)
    if not len(begin) == len(end) == len(step) or len(begin) > len(shape):
        raise MXNetValueError(
            "begin %s, end %s and step %s must have one entry each per leading axis of the "
            "array of shape %s" % (begin, end, step, tuple(shape))
        )
    return tuple(slice(b, e, s) for b, e, s in zip(begin, end, step))


@_export
def _crop_assign(
    lhs: NDArray, rhs: NDArray, begin: Any = (), end: Any = (), step: Any = (), out=None, name=None
) -> NDArray:
    """MXNet's ``_crop_assign`` (``_slice_assign``): ``lhs`` with ``lhs[begin:end:step]``
    replaced by ``rhs``."""
    result = lhs if out is lhs else _core.clone(lhs)
    result[_crop_slices(lhs.shape, begin, end, step)] = rhs
    return ops._write_out(result, out) if out is not None and out is not lhs else result


@_export
def _crop_assign_scalar(
    data: NDArray,
    scalar: float = 0.0,
    begin: Any = (),
    end: Any = (),
    step: Any = (),
    out=None,
    name=None,
) -> NDArray:
    """MXNet's ``_crop_assign_scalar`` (``_slice_assign_scalar``): ``data`` with
    ``data[begin:end:step]`` set to ``scalar``."""
    result = data if out is data else _core.clone(data)
    result[_crop_slices(data.shape, begin, end, step)] = float(scalar)
    return ops._write_out(result, out) if out is not None and out is not data else result


for _alias, _name in (
    ("_slice_assign", "_crop_assign"),
    ("_slice_assign_scalar", "_crop_assign_scalar"),
):
    globals()[_alias] = globals()[_name]
    __all__.append(_alias)


# the graph names of nd.random_pdf_normal, ... (``sym.random_pdf_normal`` writes these)
for _name in random_pdf.__all__:
    globals()["_" + _name] = getattr(random_pdf, _name)
    __all__.append("_" + _name)


def _count(op: str, name: str, value: Any, minimum: int) -> int:
    """``value`` as an int of at least ``minimum``; MXNetTypeError / MXNetValueError naming
    ``name`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise MXNetTypeError(
            "%s: %s must be an integer, got %s %r" % (op, name, type(value).__name__, value)
        )
    if value < minimum:
        raise MXNetValueError(
            "%s: %s must be %s, got %d"
            % (op, name, "positive" if minimum == 1 else "at least %d" % minimum, value)
        )
    return int(value)


def _unique_log_uniform(range_max: int, num_sampled: int) -> Tuple[np.ndarray, int]:
    """``num_sampled`` distinct classes drawn one by one, with MXNet's kernel
    ``lround(exp(u * log(range_max))) - 1`` (u uniform in [0, 1) from gluonlite's stream),
    and the number of draws that took."""
    log_range = math.log(range_max)
    chosen = np.empty(0, dtype=np.int64)
    tries = 0
    while chosen.size < num_sampled:
        need = num_sampled - chosen.size
        draws = min(max(2 * need, 64, tries // 2), 1 << 22)
        u = _random.uniform(0.0, 1.0, shape=(draws,), dtype="float64").asnumpy()
        values = np.floor(np.exp(u * log_range) + 0.5).astype(np.int64) - 1
        _, first = np.unique(values, return_index=True)  # first draw of each value
        first.sort()
        first = first[~np.isin(values[first], chosen)]  # and not drawn before
        if first.size >= need:
            first = first[:need]
            tries += int(first[-1]) + 1
        else:
            tries += draws
        chosen = np.concatenate([chosen, values[first]])
    return chosen, tries


@_export
def _sample_unique_zipfian(
    range_max: int, shape: Any = None, out: Any = None, name: Any = None
) -> List[NDArray]:
    """MXNet's ``_sample_unique_zipfian``: for each of ``shape[0]`` rows, ``shape[1]``
    distinct classes in [0, range_max), drawn without replacement from an approximately
    log-uniform distribution; returns ``[samples (int64, shape), draws per row (int64,
    (shape[0],))]``.

    Each draw is MXNet's ``lround(exp(u * log(range_max))) - 1``, u uniform in [0, 1), so
    class c has probability ``(log(min(c + 1.5, range_max)) - log(max(c + 0.5, 1))) /
    log(range_max)`` (close to the documented ``log((c + 2) / (c + 1)) / log(range_max +
    1)``). Draws of a class already in the row are counted and dropped."""
    op = "_sample_unique_zipfian"
    range_max = _count(op, "range_max", range_max, 1)
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise MXNetValueError(
            "%s: shape must be a 2-D shape (batch_size, num_sampled), got %r" % (op, shape)
        )
    batch = _count(op, "shape[0] (batch_size)", shape[0], 0)
    num_sampled = _count(op, "shape[1] (num_sampled)", shape[1], 0)
    if num_sampled > range_max:
        raise MXNetValueError(
            "%s: shape[1] (num_sampled=%d) cannot exceed range_max=%d: the classes of a row "
            "are distinct" % (op, num_sampled, range_max)
        )
    samples = np.zeros((batch, num_sampled), dtype=np.int64)
    tries = np.zeros((batch,), dtype=np.int64)
    for row in range(batch):
        samples[row], tries[row] = _unique_log_uniform(range_max, num_sampled)
    result = [_nd.array(samples, dtype="int64"), _nd.array(tries, dtype="int64")]
    if out is None:
        return result
    if not isinstance(out, (list, tuple)) or len(out) != 2:
        raise MXNetTypeError("%s: out must be a list of two NDArrays, got %r" % (op, out))
    return [ops._write_out(r, o) for r, o in zip(result, out)]
