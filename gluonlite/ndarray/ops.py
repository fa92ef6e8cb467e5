"""Operator functions of ``gluonlite.nd`` with MXNet 1.x signatures.

Each function is one call into the C++ core; this file only maps MXNet's keyword
arguments (``axis``, ``keepdims``, ``out=``, ``name=``) onto it.
"""

from __future__ import annotations

import numbers
import operator
from typing import TYPE_CHECKING, Any, Optional

import numpy as np

from .. import _core
from ..base import MXNetError, MXNetIndexError, MXNetTypeError, MXNetValueError
from .arguments import argument_error, checked_api, is_binding_error, reject_unknown
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


def filled(like: NDArray, value: float, shape=None) -> NDArray:
    """An array of ``value`` with ``like``'s dtype and device (and shape, unless given)."""
    return _core.full(
        tuple(like.shape) if shape is None else tuple(shape),
        float(value),
        like._dtype_name,
        like._device_type,
        like._device_id,
    )


# ---- elementwise ---------------------------------------------------------------------------


def _make_unary(name: str, core_fn):
    from .sparse import ZERO_PRESERVING, same_storage

    keeps_zero = name in ZERO_PRESERVING

    def fn(data: Optional[NDArray] = None, out=None, name=None, **kwargs):
        if kwargs or data is None:
            reject_unknown(fn, kwargs, data)
        try:
            result = core_fn(data)
            if keeps_zero and type(data) is not NDArray:  # a sparse input stays sparse
                result = same_storage(result, data)  # type: ignore[arg-type]
            return _write_out(result, out)
        except TypeError as err:
            if not is_binding_error(err):
                raise
            raise argument_error(fn, (data,), {}) from None

    fn.binding_errors_checked = True  # type: ignore[attr-defined]
    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name} (MXNet ``nd.{name}``)."
    return fn


# The ops and which are also NDArray methods come from the core's table (unary_ops.def).
for _name, _is_method in _core.nd_unary_ops():
    globals()[_name] = _export(_make_unary(_name, getattr(_core, _name)))


def _make_binary(name: str, core_fn):
    def fn(lhs=None, rhs=None, out=None, name=None, **kwargs):
        if kwargs or lhs is None or rhs is None:
            reject_unknown(fn, kwargs, lhs, rhs)
        # binary_any checks its operands itself: no binding error can come from it
        try:
            return _write_out(core_fn(lhs, rhs), out)
        except MXNetTypeError:
            # two Python numbers: MXNet answers with a Python number (nd.power(2, 3) is 8)
            if out is None and _both_numbers(lhs, rhs) and core_fn in _SCALAR_BINARY:
                return _SCALAR_BINARY[core_fn](lhs, rhs)
            raise

    fn.binding_errors_checked = True  # type: ignore[attr-defined]
    fn.__name__ = name
    fn.__doc__ = f"Elementwise {name} with broadcasting (MXNet ``nd.{name}``)."
    return fn


def _both_numbers(lhs, rhs) -> bool:
    return isinstance(lhs, numbers.Number) and isinstance(rhs, numbers.Number)


def _as_flag(test):
    return lambda x, y: 1 if test(x, y) else 0


_SCALAR_BINARY = {
    _core.add: operator.add,
    _core.subtract: operator.sub,
    _core.multiply: operator.mul,
    _core.divide: operator.truediv,
    _core.power: operator.pow,
    _core.maximum: max,
    _core.minimum: min,
    _core.mod: operator.mod,
    _core.equal: _as_flag(operator.eq),
    _core.not_equal: _as_flag(operator.ne),
    _core.greater: _as_flag(operator.gt),
    _core.greater_equal: _as_flag(operator.ge),
    _core.lesser: _as_flag(operator.lt),
    _core.lesser_equal: _as_flag(operator.le),
    _core.logical_and: _as_flag(lambda x, y: x and y),
    _core.logical_or: _as_flag(lambda x, y: x or y),
    _core.logical_xor: _as_flag(lambda x, y: bool(x) != bool(y)),
}

# Each op under all of its MXNet names (binary_ops.def): add, broadcast_add, elemwise_add, ...
for _core_name, _nd_names in _core.nd_binary_ops():
    for _name in _nd_names:
        globals()[_name] = _export(_make_binary(_name, getattr(_core, _core_name)))

if TYPE_CHECKING:  # generated into globals() above; declared for the modules importing them

    def maximum(
        lhs: Any = None, rhs: Any = None, out: Any = None, name: Any = None, **kwargs: Any
    ) -> NDArray: ...

    def minimum(
        lhs: Any = None, rhs: Any = None, out: Any = None, name: Any = None, **kwargs: Any
    ) -> NDArray: ...


@_export
def clip(data: NDArray, a_min: float, a_max: float, out=None, name=None) -> NDArray:
    """Clips values to [a_min, a_max]."""
    return _write_out(_core.clip(data, float(a_min), float(a_max)), out)


@_export
def softrelu(data: NDArray, out=None, name=None) -> NDArray:
    """log(1 + exp(x))."""
    return _write_out(_core.softrelu(data), out)


# Activation's act_type -> kernel (also what a hybridized graph's Activation node calls)
ACTIVATIONS = {
    "relu": _core.relu,
    "sigmoid": _core.sigmoid,
    "tanh": _core.tanh,
    "softrelu": _core.softrelu,
    "softsign": _core.softsign,
}


@_export
def Activation(data: NDArray, act_type: str = "relu", out=None, name=None) -> NDArray:
    """Applies relu, sigmoid, tanh, softrelu or softsign."""
    fn = ACTIVATIONS.get(act_type)
    if fn is None:
        raise MXNetError(
            f"Activation: unknown act_type {act_type!r}; expected one of "
            f"{', '.join(sorted(ACTIVATIONS))}"
        )
    return _write_out(fn(data), out)


# ---- reductions, softmax ----------------------------------------------------------------------


def _make_reduce(name: str, code: int):
    def fn(
        data: Optional[NDArray] = None,
        axis=None,
        keepdims=False,
        exclude=False,
        out=None,
        name=None,
        **kwargs,
    ):
        if kwargs or data is None:
            reject_unknown(fn, kwargs, data)
        assert data is not None  # reject_unknown raised otherwise
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

if TYPE_CHECKING:  # generated into globals() above; declared for the modules importing it

    def mean(
        data: Optional[NDArray] = None,
        axis: Any = None,
        keepdims: Any = False,
        exclude: Any = False,
        out: Any = None,
        name: Any = None,
        **kwargs: Any,
    ) -> NDArray: ...


sum_axis = _export(_make_reduce("sum_axis", _REDUCE_SUM))
max_axis = _export(_make_reduce("max_axis", _REDUCE_MAX))
min_axis = _export(_make_reduce("min_axis", _REDUCE_MIN))


@_export
def argmax(data: NDArray, axis=None, keepdims=False, out=None, name=None) -> NDArray:
    """Indices of the maxima, in the input's dtype as MXNet returns them."""
    return _write_out(_core.argmax(data, axis, keepdims), out)


@_export
def argmin(data: NDArray, axis=None, keepdims=False, out=None, name=None) -> NDArray:
    """Indices of the minima, in the input's dtype as MXNet returns them."""
    return _write_out(_core.argmin(data, axis, keepdims), out)


@_export
def norm(
    data: NDArray, ord=2, axis=None, out_dtype=None, keepdims=False, out=None, name=None
) -> NDArray:
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
    result = _core.astype(result, dtype.name) if wide else result
    if out_dtype is not None and np.dtype(out_dtype) != np.dtype(result.dtype):
        result = _core.astype(result, np.dtype(out_dtype).name)
    return _write_out(result, out)


@_export
def broadcast_to(data: NDArray, shape=None, out=None, name=None) -> NDArray:
    """Broadcasts to ``shape`` (0 keeps the input's dimension).

    MXNet needs as many dimensions as the input; gluonlite also prepends new leading ones,
    as numpy does (a 0 there is a size: the input has no dimension to keep).
    """
    lead = len(shape) - data.ndim
    shape = tuple(data.shape[i - lead] if d == 0 and i >= lead else d for i, d in enumerate(shape))
    return _write_out(_core.broadcast_to(data, shape), out)


@_export
def broadcast_like(
    lhs: NDArray, rhs: NDArray, lhs_axes=None, rhs_axes=None, out=None, name=None
) -> NDArray:
    """Broadcasts ``lhs`` to the shape of ``rhs`` (only ``lhs_axes``, sized as ``rhs_axes``)."""
    if lhs_axes is None and rhs_axes is None:
        return _write_out(_core.broadcast_to(lhs, rhs.shape), out)
    lhs_axes, rhs_axes = _axes_tuple(lhs_axes, "lhs_axes"), _axes_tuple(rhs_axes, "rhs_axes")
    if not lhs_axes:
        raise MXNetValueError("broadcast_like: lhs_axes and rhs_axes must not be empty")
    if len(lhs_axes) != len(rhs_axes):
        raise MXNetValueError(
            f"broadcast_like: lhs_axes {lhs_axes} and rhs_axes {rhs_axes} differ in length"
        )
    shape = list(lhs.shape)
    for la, ra in zip(lhs_axes, rhs_axes):
        for ax, nd_, nm in ((la, lhs.ndim, "lhs_axes"), (ra, rhs.ndim, "rhs_axes")):
            if not -nd_ <= ax < nd_:
                raise MXNetIndexError(f"broadcast_like: {nm} axis {ax} is out of range")
        shape[la] = rhs.shape[ra]
    return _write_out(_core.broadcast_to(lhs, tuple(shape)), out)


def _axes_tuple(axes, what: str) -> tuple:
    if axes is None:
        raise MXNetValueError(f"broadcast_like: {what} is required with the other *_axes")
    return (int(axes),) if isinstance(axes, numbers.Integral) else tuple(int(a) for a in axes)


@_export
def softmax(
    data: NDArray,
    length: Optional[NDArray] = None,
    axis: int = -1,
    temperature=None,
    dtype=None,
    use_length: bool = False,
    out=None,
    name=None,
) -> NDArray:
    """Softmax along ``axis``; with ``use_length``, only the first ``length`` entries count."""
    return _write_out(
        _softmax_family(
            _core.softmax, data, length, axis, temperature, dtype, use_length, "softmax"
        ),
        out,
    )


@_export
def log_softmax(
    data: NDArray,
    length: Optional[NDArray] = None,
    axis: int = -1,
    temperature=None,
    dtype=None,
    use_length: bool = False,
    out=None,
    name=None,
) -> NDArray:
    """Log-softmax along ``axis``; with ``use_length``, only the first ``length`` entries count."""
    return _write_out(
        _softmax_family(
            _core.log_softmax, data, length, axis, temperature, dtype, use_length, "log_softmax"
        ),
        out,
    )


def _softmax_family(core_fn, data, length, axis, temperature, dtype, use_length, op):
    """softmax/log_softmax with MXNet's ``length``/``use_length`` masking and ``dtype``."""
    if not isinstance(data, NDArray):
        raise MXNetTypeError(f"{op}: data must be an NDArray, got {type(data).__name__}")
    if isinstance(length, (int, float)) and not isinstance(length, bool):
        # softmax(x, -1) in old scripts passes axis positionally where length now sits
        length, axis = None, int(length)
    if dtype is not None and np.dtype(dtype) != np.dtype(data.dtype):
        data = data.astype(dtype)
    t = 1.0 if temperature is None else float(temperature)
    if not use_length:
        return core_fn(data, axis, t)
    if length is None:
        raise MXNetValueError(f"{op}: use_length=True needs the length argument")
    ax = axis if axis >= 0 else axis + data.ndim
    if not 0 <= ax < data.ndim:
        raise MXNetIndexError(f"{op}: axis {axis} is out of range for {data.ndim} dimension(s)")
    from .ndarray import arange

    # positions along axis against length (data's shape without axis): keep pos < length
    pos_shape = [1] * data.ndim
    pos_shape[ax] = data.shape[ax]
    pos = arange(data.shape[ax], ctx=data.context, dtype="float32").reshape(tuple(pos_shape))
    keep = _core.broadcast_to(
        _core.lesser(pos, _core.expand_dims(length.astype("float32"), ax)), data.shape
    )
    lowest = float(np.finfo(np.dtype(data.dtype)).min)
    filler = _core.full(data.shape, lowest, data._dtype_name, data._device_type, data._device_id)
    result = core_fn(_core.where(keep.astype(data.dtype), data, filler), axis, t)
    zero = _core.full(data.shape, 0.0, result._dtype_name, data._device_type, data._device_id)
    return _core.where(keep.astype(result.dtype), result, zero)


# ---- shape -------------------------------------------------------------------------------------
# MXNet 1.x's operators return new arrays: writing into nd.transpose(x) never changes x. The
# core returns views (free for gluonlite's own internals), so these functions copy a result
# that shares x's memory. Only NDArray.reshape and contiguous basic indexing are views.


def _own_data(result: NDArray, source: NDArray) -> NDArray:
    return _core.clone(result) if result._is_same_storage(source) else result


@_export
def reshape(
    data: NDArray,
    shape=None,
    reverse=False,
    target_shape=None,
    keep_highest=False,
    out=None,
    name=None,
) -> NDArray:
    """Reshape with MXNet's special codes (0, -1, -2, -3, -4).

    ``target_shape`` is MXNet's deprecated spelling of ``shape`` (0 keeps a dimension);
    ``keep_highest`` is not supported.
    """
    if keep_highest:
        raise NotImplementedError("reshape: keep_highest=True is not supported by gluonlite")
    if shape is None:
        if target_shape is None:
            raise MXNetValueError("reshape: shape is required")
        shape = target_shape
    if isinstance(shape, numbers.Integral):  # MXNet reads shape=-1 (graphs write "-1") as (-1,)
        shape = (int(shape),)
    return _write_out(_own_data(_core.reshape(data, tuple(shape), bool(reverse)), data), out)


@_export
def transpose(data: NDArray, axes=None, out=None, name=None) -> NDArray:
    """Permutes axes (reverses them when ``axes`` is None or empty)."""
    return _write_out(_own_data(_core.transpose(data, tuple(axes) if axes else None), data), out)


@_export
def swapaxes(data: NDArray, dim1: int = 0, dim2: int = 0, out=None, name=None) -> NDArray:
    """Swaps two axes."""
    return _write_out(_own_data(_core.swapaxes(data, dim1, dim2), data), out)


SwapAxis = swapaxes
__all__.append("SwapAxis")


@_export
def expand_dims(data: NDArray, axis: int, out=None, name=None) -> NDArray:
    """Inserts a size-1 axis."""
    return _write_out(_own_data(_core.expand_dims(data, axis), data), out)


@_export
def squeeze(data: NDArray, axis=None, out=None, name=None) -> NDArray:
    """Removes size-1 axes."""
    return _write_out(_own_data(_core.squeeze(data, axis), data), out)


@_export
def flatten(data: NDArray, out=None, name=None) -> NDArray:
    """Collapses all axes but the first: (N, a, b) -> (N, a*b)."""
    return _write_out(_own_data(_core.flatten(data), data), out)


Flatten = flatten
__all__.append("Flatten")


@_export
def concat(*data: NDArray, dim: int = 1, num_args=None, out=None, name=None) -> NDArray:
    """Concatenates along ``dim`` (MXNet's default is 1); ``num_args`` is implied by data."""
    _check_num_args("concat", data, num_args)
    return _write_out(_core.concat(list(data), dim), out)


Concat = concat
__all__.append("Concat")


def _check_num_args(op: str, data: tuple, num_args) -> None:
    if num_args is not None and int(num_args) != len(data):
        raise MXNetValueError(f"{op}: num_args={num_args} but {len(data)} array(s) were given")


@_export
def stack(*data: NDArray, axis: int = 0, num_args=None, out=None, name=None) -> NDArray:
    """Stacks along a new axis; ``num_args`` is implied by data."""
    _check_num_args("stack", data, num_args)
    return _write_out(_core.stack(list(data), axis), out)


@_export
def split(
    data: NDArray,
    num_outputs: int,
    axis: int = 1,
    squeeze_axis: bool = False,
    out=None,
    name=None,
):
    """Splits into ``num_outputs`` equal parts along ``axis`` (MXNet's default is 1)."""
    parts = [
        _own_data(p, data) for p in _core.split(data, int(num_outputs), axis, bool(squeeze_axis))
    ]
    if out is not None:
        outs = [out] if isinstance(out, NDArray) else list(out)
        if len(outs) != len(parts):
            raise MXNetValueError(f"split: out has {len(outs)} array(s), expected {len(parts)}")
        parts = [_write_out(p, o) for p, o in zip(parts, outs)]
    return parts[0] if len(parts) == 1 else parts


SliceChannel = split
__all__.append("SliceChannel")


@_export
def slice_axis(
    data: NDArray, axis: int, begin: int, end: Optional[int], out=None, name=None
) -> NDArray:
    """Slices [begin, end) along ``axis``."""
    return _write_out(_own_data(_core.slice_axis(data, axis, begin, end), data), out)


@_export
def identity(data: NDArray, out=None, name=None) -> NDArray:
    """A copy of ``data``."""
    return _write_out(_core.clone(data), out)


copy = identity
__all__.append("copy")


@_export
def cast(data: NDArray, dtype, out=None, name=None) -> NDArray:
    """Casts to ``dtype``."""
    return _write_out(data.astype(dtype), out)


Cast = cast
__all__.append("Cast")


# ---- linear algebra, layers --------------------------------------------------------------------


def _product_storage(result: NDArray, lhs: NDArray, transpose_a: bool, stype, op: str):
    """MXNet's output storage of a product: ``forward_stype`` when given, else row-sparse
    for dot(csr.T, x), else dense."""
    if stype is None and type(lhs) is not NDArray and lhs.stype == "csr" and transpose_a:
        stype = "row_sparse"
    if stype is None or stype == "default":
        return result
    from .ndarray import _with_stype

    return _with_stype(result, stype, op)


@_export
def dot(
    lhs: NDArray,
    rhs: NDArray,
    transpose_a: bool = False,
    transpose_b: bool = False,
    forward_stype=None,
    out=None,
    name=None,
) -> NDArray:
    """Matrix product with MXNet's ``nd.dot`` semantics (sparse operands included: see
    ``nd.sparse`` for the output storage)."""
    result = _core.dot(lhs, rhs, bool(transpose_a), bool(transpose_b))
    if forward_stype is not None or type(lhs) is not NDArray:
        result = _product_storage(result, lhs, transpose_a, forward_stype, "dot")
    return _write_out(result, out)


@_export
def batch_dot(
    lhs: NDArray,
    rhs: NDArray,
    transpose_a: bool = False,
    transpose_b: bool = False,
    forward_stype=None,
    out=None,
    name=None,
) -> NDArray:
    """Batched matrix product of 3-D arrays."""
    result = _core.batch_dot(lhs, rhs, bool(transpose_a), bool(transpose_b))
    if forward_stype is not None:
        result = _product_storage(result, lhs, transpose_a, forward_stype, "batch_dot")
    return _write_out(result, out)


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
    data: NDArray,
    p: float = 0.5,
    mode: str = "training",
    axes=(),
    cudnn_off: bool = False,
    out=None,
    name=None,
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
    unary_methods = [name for name, is_method in _core.nd_unary_ops() if is_method]
    for name in unary_methods + [
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
    from .ndarray import ones_like, zeros_like

    cls.zeros_like = zeros_like
    cls.ones_like = ones_like
    cls.__abs__ = lambda self: _core.abs(self)


# ---- selection ------------------------------------------------------------------------------


@_export
def where(condition: NDArray, x: NDArray, y: NDArray, out=None, name=None) -> NDArray:
    """Elementwise ``x`` where ``condition`` is non-zero, else ``y`` (a 1-D condition as long
    as x's first axis picks whole rows, as in MXNet)."""
    return _write_out(_core.where(condition, x, y), out)


@_export
def take(a: NDArray, indices, axis: int = 0, mode: str = "clip", out=None, name=None) -> NDArray:
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
    name=None,
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
    name=None,
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
