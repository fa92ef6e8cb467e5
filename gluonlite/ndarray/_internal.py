"""``nd._internal``: the operators MXNet's graphs name but its front ends hide.

A ``-symbol.json`` spells ``x * 2`` as ``_mul_scalar`` and ``nd.zeros`` as ``_zeros``;
these functions give those names an NDArray implementation, so a graph node runs as one
call here whatever front end made it (see ``gluonlite/symbol/registry.py``).
"""

from __future__ import annotations

from typing import Any, Callable

from .. import _core
from ..base import MXNetValueError
from . import ndarray as _nd
from . import ops
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
