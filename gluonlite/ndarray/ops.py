"""Operator functions of ``gluonlite.nd`` with MXNet 1.x signatures.

Each function is one call into the C++ core; this file only maps MXNet's keyword
arguments (``axis``, ``keepdims``, ``out=``, ``name=``) onto it.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from .. import _core
from ..base import MXNetError, MXNetTypeError
from .arguments import argument_error, checked_api, is_binding_error
from .ndarray import _REDUCE_MAX, _REDUCE_MEAN, _REDUCE_MIN, _REDUCE_PROD, _REDUCE_SUM, NDArray

__all__ = []


def _export(fn):
    """Makes ``fn`` public, its binding errors translated (see arguments.py)."""
    __all__.append(fn.__name__)
    return checked_api(fn)


def _write_out(result: NDArray, out: Optional[NDArray]) -> NDArray:
    if out is None:
        return result
    if not isinstance(out, NDArray):
        raise MXNetTypeError("out must be an NDArray, got %s %r" % (type(out).__name__, out))
    _core.copy_(out, result)
    return out


# ---- elementwise ---------------------------------------------------------------------------


def _make_unary(name: str, core_fn):
    def fn(data: NDArray, out=None, name=None, **kwargs):
        try:
            return _write_out(core_fn(data), out)
        except TypeError as err:
            if not is_binding_error(err):
                raise
            raise argument_error(fn, (data,), {}) from None

    fn.binding_errors_checked = True  # type: ignore[attr-defined]
    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name} (MXNet ``nd.{name}``)."
    return fn


_UNARY = [
    "abs",
    "sign",
    "exp",
    "log",
    "sqrt",
    "rsqrt",
    "square",
    "sigmoid",
    "tanh",
    "relu",
    "softsign",
    "sin",
    "cos",
    "floor",
    "ceil",
    "round",
    "reciprocal",
    "negative",
    "logical_not",
]
for _name in _UNARY:
    globals()[_name] = _export(_make_unary(_name, getattr(_core, _name)))


def _make_binary(name: str, core_fn):
    def fn(lhs, rhs, out=None, name=None, **kwargs):
        # binary_any checks its operands itself: no binding error can come from it
        return _write_out(core_fn(lhs, rhs), out)

    fn.binding_errors_checked = True  # type: ignore[attr-defined]
    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name} with broadcasting (MXNet ``nd.{name}``)."
    return fn


_BINARY = {
    "add": _core.add,
    "subtract": _core.subtract,
    "multiply": _core.multiply,
    "divide": _core.divide,
    "power": _core.power,
    "maximum": _core.maximum,
    "minimum": _core.minimum,
    "modulo": _core.modulo,
    "equal": _core.equal,
    "not_equal": _core.not_equal,
    "greater": _core.greater,
    "greater_equal": _core.greater_equal,
    "lesser": _core.lesser,
    "lesser_equal": _core.lesser_equal,
}
for _name, _fn in _BINARY.items():
    globals()[_name] = _export(_make_binary(_name, _fn))
    # MXNet's explicit broadcast_* and elemwise_* names are the same ops here.
    globals()["broadcast_" + _name] = _export(_make_binary("broadcast_" + _name, _fn))
for _alias, _target in [
    ("broadcast_sub", "subtract"),
    ("broadcast_mul", "multiply"),
    ("broadcast_div", "divide"),
    ("broadcast_mod", "modulo"),
    ("elemwise_add", "add"),
    ("elemwise_sub", "subtract"),
    ("elemwise_mul", "multiply"),
    ("elemwise_div", "divide"),
    ("true_divide", "divide"),
    ("pow", "power"),
]:
    globals()[_alias] = _export(_make_binary(_alias, _BINARY[_target]))


@_export
def clip(data: NDArray, a_min: float, a_max: float, out=None, **kwargs) -> NDArray:
    """Clips values to [a_min, a_max]."""
    return _write_out(_core.clip(data, float(a_min), float(a_max)), out)


@_export
def softrelu(data: NDArray, out=None, **kwargs) -> NDArray:
    """log(1 + exp(x))."""
    return _write_out(_core.softrelu(data), out)


@_export
def Activation(data: NDArray, act_type: str = "relu", out=None, name=None, **kwargs) -> NDArray:
    """Applies relu, sigmoid, tanh, softrelu or softsign."""
    fns = {
        "relu": _core.relu,
        "sigmoid": _core.sigmoid,
        "tanh": _core.tanh,
        "softrelu": _core.softrelu,
        "softsign": _core.softsign,
    }
    if act_type not in fns:
        raise MXNetError(
            f"Activation: unknown act_type {act_type!r}; expected one of {', '.join(sorted(fns))}"
        )
    return _write_out(fns[act_type](data), out)


# ---- reductions, softmax ----------------------------------------------------------------------


def _make_reduce(name: str, code: int):
    def fn(data: NDArray, axis=None, keepdims=False, exclude=False, out=None, name=None, **kwargs):
        try:
            return _write_out(_core.reduce(code, data, axis, keepdims, exclude), out)
        except TypeError as err:
            if not is_binding_error(err):
                raise
            raise argument_error(fn, (data, axis, keepdims, exclude), {}) from None

    fn.binding_errors_checked = True  # type: ignore[attr-defined]
    fn.__name__ = name
    fn.__doc__ = f"{name} over ``axis`` (all axes when None), MXNet semantics."
    return fn


for _name, _code in [
    ("sum", _REDUCE_SUM),
    ("mean", _REDUCE_MEAN),
    ("max", _REDUCE_MAX),
    ("min", _REDUCE_MIN),
    ("prod", _REDUCE_PROD),
]:
    globals()[_name] = _export(_make_reduce(_name, _code))
sum_axis = _export(_make_reduce("sum_axis", _REDUCE_SUM))
max_axis = _export(_make_reduce("max_axis", _REDUCE_MAX))
min_axis = _export(_make_reduce("min_axis", _REDUCE_MIN))


@_export
def argmax(data: NDArray, axis=None, keepdims=False, out=None, **kwargs) -> NDArray:
    """Indices of the maxima, in the input's dtype as MXNet returns them."""
    return _write_out(_core.argmax(data, axis, keepdims), out)


@_export
def argmin(data: NDArray, axis=None, keepdims=False, out=None, **kwargs) -> NDArray:
    """Indices of the minima, in the input's dtype as MXNet returns them."""
    return _write_out(_core.argmin(data, axis, keepdims), out)


@_export
def norm(data: NDArray, ord=2, axis=None, keepdims=False, out=None, **kwargs) -> NDArray:
    """L2 (ord=2) or L1 (ord=1) norm, in the input's dtype as MXNet returns it.

    Difference from MXNet: integer and float16 inputs are accumulated in float64 and
    float32 (MXNet accumulates in the input dtype, so uint8 [255, 0, 5] wraps), and an
    integer result too large for its dtype saturates instead of wrapping.
    """
    if ord not in (1, 2):
        raise ValueError(f"norm: ord must be 1 or 2, got {ord}")
    dtype = np.dtype(data.dtype)
    wide = "float32" if dtype == np.float16 else "float64" if dtype.kind in "biu" else None
    x = _core.astype(data, wide) if wide else data
    if ord == 2:
        result = _core.sqrt(_core.reduce(_REDUCE_SUM, _core.square(x), axis, keepdims, False))
    else:
        result = _core.reduce(_REDUCE_SUM, _core.abs(x), axis, keepdims, False)
    if wide and dtype.kind in "biu":
        # The largest float64 below the dtype's max: int64's max itself rounds up to 2**63.
        highest = float(np.iinfo(dtype).max) if dtype != np.bool_ else 1.0
        if highest >= 2.0**63:
            highest = float(np.nextafter(2.0**63, 0))
        result = _core.clip(result, 0.0, highest)
    return _write_out(_core.astype(result, dtype.name) if wide else result, out)


@_export
def broadcast_to(data: NDArray, shape=None, out=None, **kwargs) -> NDArray:
    """Broadcasts to ``shape`` (0 keeps the input's dimension).

    MXNet needs as many dimensions as the input; gluonlite also prepends new leading ones,
    as numpy does (a 0 there is a size: the input has no dimension to keep).
    """
    lead = len(shape) - data.ndim
    shape = tuple(data.shape[i - lead] if d == 0 and i >= lead else d for i, d in enumerate(shape))
    return _write_out(_core.broadcast_to(data, shape), out)


@_export
def broadcast_like(lhs: NDArray, rhs: NDArray, out=None, **kwargs) -> NDArray:
    """Broadcasts ``lhs`` to the shape of ``rhs``."""
    return _write_out(_core.broadcast_to(lhs, rhs.shape), out)


@_export
def softmax(data: NDArray, axis: int = -1, temperature=None, out=None, **kwargs) -> NDArray:
    """Softmax along ``axis``."""
    return _write_out(
        _core.softmax(data, axis, 1.0 if temperature is None else float(temperature)), out
    )


@_export
def log_softmax(data: NDArray, axis: int = -1, temperature=None, out=None, **kwargs) -> NDArray:
    """Log-softmax along ``axis``."""
    return _write_out(
        _core.log_softmax(data, axis, 1.0 if temperature is None else float(temperature)), out
    )


# ---- shape -------------------------------------------------------------------------------------
# MXNet 1.x's operators return new arrays: writing into nd.transpose(x) never changes x. The
# core returns views (free for gluonlite's own internals), so these functions copy a result
# that shares x's memory. Only NDArray.reshape and contiguous basic indexing are views.


def _own_data(result: NDArray, source: NDArray) -> NDArray:
    return _core.clone(result) if result._is_same_storage(source) else result


@_export
def reshape(data: NDArray, shape=None, reverse=False, out=None, **kwargs) -> NDArray:
    """Reshape with MXNet's special codes (0, -1, -2, -3, -4)."""
    return _write_out(_own_data(_core.reshape(data, tuple(shape), bool(reverse)), data), out)


@_export
def transpose(data: NDArray, axes=None, out=None, **kwargs) -> NDArray:
    """Permutes axes (reverses them when ``axes`` is None or empty)."""
    return _write_out(_own_data(_core.transpose(data, tuple(axes) if axes else None), data), out)


@_export
def swapaxes(data: NDArray, dim1: int = 0, dim2: int = 0, out=None, **kwargs) -> NDArray:
    """Swaps two axes."""
    return _write_out(_own_data(_core.swapaxes(data, dim1, dim2), data), out)


SwapAxis = swapaxes


@_export
def expand_dims(data: NDArray, axis: int, out=None, **kwargs) -> NDArray:
    """Inserts a size-1 axis."""
    return _write_out(_own_data(_core.expand_dims(data, axis), data), out)


@_export
def squeeze(data: NDArray, axis=None, out=None, **kwargs) -> NDArray:
    """Removes size-1 axes."""
    return _write_out(_own_data(_core.squeeze(data, axis), data), out)


@_export
def flatten(data: NDArray, out=None, **kwargs) -> NDArray:
    """Collapses all axes but the first: (N, a, b) -> (N, a*b)."""
    return _write_out(_own_data(_core.flatten(data), data), out)


Flatten = flatten


@_export
def concat(*data: NDArray, dim: int = 1, out=None, **kwargs) -> NDArray:
    """Concatenates along ``dim`` (MXNet's default is 1)."""
    if "num_args" in kwargs:
        kwargs.pop("num_args")
    return _write_out(_core.concat(list(data), dim), out)


Concat = concat


@_export
def stack(*data: NDArray, axis: int = 0, out=None, **kwargs) -> NDArray:
    """Stacks along a new axis."""
    kwargs.pop("num_args", None)
    return _write_out(_core.stack(list(data), axis), out)


@_export
def split(data: NDArray, num_outputs: int, axis: int = 1, squeeze_axis: bool = False, **kwargs):
    """Splits into ``num_outputs`` equal parts along ``axis`` (MXNet's default is 1)."""
    parts = [
        _own_data(p, data) for p in _core.split(data, int(num_outputs), axis, bool(squeeze_axis))
    ]
    return parts[0] if len(parts) == 1 else parts


SliceChannel = split


@_export
def slice_axis(
    data: NDArray, axis: int, begin: int, end: Optional[int], out=None, **kwargs
) -> NDArray:
    """Slices [begin, end) along ``axis``."""
    return _write_out(_own_data(_core.slice_axis(data, axis, begin, end), data), out)


@_export
def identity(data: NDArray, out=None, **kwargs) -> NDArray:
    """A copy of ``data``."""
    return _write_out(_core.clone(data), out)


copy = identity


@_export
def cast(data: NDArray, dtype, out=None, **kwargs) -> NDArray:
    """Casts to ``dtype``."""
    return _write_out(data.astype(dtype), out)


Cast = cast


# ---- linear algebra, layers --------------------------------------------------------------------


@_export
def dot(
    lhs: NDArray,
    rhs: NDArray,
    transpose_a: bool = False,
    transpose_b: bool = False,
    out=None,
    **kwargs,
) -> NDArray:
    """Matrix product with MXNet's ``nd.dot`` semantics."""
    return _write_out(_core.dot(lhs, rhs, bool(transpose_a), bool(transpose_b)), out)


@_export
def batch_dot(
    lhs: NDArray,
    rhs: NDArray,
    transpose_a: bool = False,
    transpose_b: bool = False,
    out=None,
    **kwargs,
) -> NDArray:
    """Batched matrix product of 3-D arrays."""
    return _write_out(_core.batch_dot(lhs, rhs, bool(transpose_a), bool(transpose_b)), out)


@_export
def FullyConnected(
    data: NDArray,
    weight: NDArray,
    bias: Optional[NDArray] = None,
    num_hidden: Optional[int] = None,
    no_bias: bool = False,
    flatten: bool = True,
    out=None,
    name=None,
    **kwargs,
) -> NDArray:
    """y = x Wᵀ + b as one GEMM (MXNet's ``FullyConnected``)."""
    if num_hidden is None:
        num_hidden = weight.shape[0]
    if not no_bias and bias is None:
        raise MXNetError("FullyConnected: bias is required unless no_bias=True")
    return _write_out(
        _core.fully_connected(
            data, weight, None if no_bias else bias, int(num_hidden), bool(flatten)
        ),
        out,
    )


@_export
def Dropout(
    data: NDArray, p: float = 0.5, mode: str = "training", axes=(), out=None, **kwargs
) -> NDArray:
    """Inverted dropout, active in training mode (``mode='always'`` forces it).

    Along ``axes`` the mask is shared: every element of such a line is kept or dropped
    together (MXNet's variational dropout).
    """
    if not 0 <= p < 1:
        raise ValueError(f"Dropout: p must be in [0, 1), got p={p}")
    active = mode == "always" or _core.is_training()
    if not active or p == 0:
        return _write_out(data, out) if out is not None else data
    return _write_out(_core.dropout(data, float(p), axes), out)


# ---- NDArray methods that are the functions above --------------------------------------------


def _install_op_methods(cls) -> None:
    for name in [
        "abs",
        "sign",
        "exp",
        "log",
        "sqrt",
        "rsqrt",
        "square",
        "sigmoid",
        "tanh",
        "relu",
        "softsign",
        "sin",
        "cos",
        "floor",
        "ceil",
        "round",
        "reciprocal",
        "argmax",
        "argmin",
        "norm",
        "softmax",
        "log_softmax",
        "transpose",
        "swapaxes",
        "expand_dims",
        "squeeze",
        "flatten",
        "split",
        "slice_axis",
        "clip",
        "broadcast_to",
        "broadcast_like",
    ]:
        setattr(cls, name, globals()[name])
    cls.zeros_like = lambda self, **kw: _core.full(
        self.shape, 0.0, self._dtype_name, self._device_type, self._device_id
    )
    cls.ones_like = lambda self, **kw: _core.full(
        self.shape, 1.0, self._dtype_name, self._device_type, self._device_id
    )
    cls.__abs__ = lambda self: _core.abs(self)


# ---- selection ------------------------------------------------------------------------------


@_export
def where(condition: NDArray, x: NDArray, y: NDArray, out=None, **kwargs) -> NDArray:
    """Elementwise ``x`` where ``condition`` is non-zero, else ``y`` (a 1-D condition as long
    as x's first axis picks whole rows, as in MXNet)."""
    return _write_out(_core.where(condition, x, y), out)


@_export
def take(a: NDArray, indices, axis: int = 0, mode: str = "clip", out=None, **kwargs) -> NDArray:
    """Gathers slices of ``a`` along ``axis`` (out-of-range indices clip or wrap)."""
    if not isinstance(indices, NDArray):
        from .ndarray import array

        indices = array(indices, ctx=a.context, dtype="int64")
    return _write_out(_core.take(a, indices, axis, mode), out)


@_export
def one_hot(
    indices: NDArray,
    depth: int,
    on_value: float = 1.0,
    off_value: float = 0.0,
    dtype="float32",
    out=None,
    **kwargs,
) -> NDArray:
    """One-hot encoding along a new last axis."""
    return _write_out(
        _core.one_hot(indices, int(depth), float(on_value), float(off_value), dtype), out
    )


@_export
def pick(
    data: NDArray,
    index: NDArray,
    axis: int = -1,
    keepdims: bool = False,
    mode: str = "clip",
    out=None,
    **kwargs,
) -> NDArray:
    """Picks one element per position along ``axis`` (``data[i, index[i]]`` for 2-D data).

    ``index`` has data's shape without ``axis``, or with it as size 1, as in MXNet.
    """
    return _write_out(_core.pick(data, index, axis, bool(keepdims), mode), out)


@_export
def from_dlpack(dlpack) -> NDArray:
    """An NDArray sharing memory with a DLPack capsule or ``__dlpack__`` object."""
    return _core.from_dlpack(dlpack)


@_export
def to_dlpack_for_read(data: NDArray):
    """A DLPack capsule sharing this array's memory."""
    return data.__dlpack__()


@_export
def to_dlpack_for_write(data: NDArray):
    """A DLPack capsule sharing this array's memory (writes are visible to both)."""
    return data.__dlpack__()
