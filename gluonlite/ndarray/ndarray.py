"""NDArray: MXNet's ``mx.nd.NDArray`` over gluonlite's C++ tensor.

The class itself is ``gluonlite._core.NDArray``: arithmetic operators are bound in C++ so
``x + y`` is one call. This module adds the rest of MXNet's NDArray methods, printing
(byte-identical to MXNet 1.9.1) and indexing, and the creation functions.
"""

from __future__ import annotations

import numbers
import struct
from typing import Any, Optional, Sequence

import numpy as np

from .. import _core
from ..base import MXNetError, MXNetTypeError, MXNetValueError
from ..context import Context, _as_context
from ..context import current_context as current_context  # MXNet's nd.ndarray has it too
from .arguments import checked_api, reject_unknown, unknown_argument_error

__all__ = [
    "NDArray",
    "array",
    "empty",
    "zeros",
    "ones",
    "full",
    "arange",
    "zeros_like",
    "ones_like",
    "full_like",
    "waitall",
    "from_numpy",
]

NDArray = _core.NDArray
NDArray.__module__ = "gluonlite.ndarray.ndarray"

# MXNet's storage-type codes; gluonlite stores every array densely ('default').
_STORAGE_TYPE_STR_TO_ID = {"undefined": -1, "default": 0, "row_sparse": 1, "csr": 2}
# MXNet keeps the builtin under this name because its ndarray module shadows ``slice``.
py_slice = slice

_REDUCE_SUM, _REDUCE_MEAN, _REDUCE_MAX, _REDUCE_MIN, _REDUCE_PROD = range(5)


def _ctx_of(arr: NDArray) -> Context:
    return Context("cpu" if arr._device_type == 1 else "gpu", arr._device_id)


_DTYPE_NAME_CACHE: dict = {None: "float32"}


def _dtype_name(dtype) -> str:
    """The numpy name of ``dtype`` ('float32', np.float32, np.dtype('f4') -> 'float32')."""
    try:
        return _DTYPE_NAME_CACHE[dtype]
    except (KeyError, TypeError):  # TypeError: an unhashable dtype-like object
        name = np.dtype(dtype).name
    if isinstance(dtype, (str, type, np.dtype)):
        _DTYPE_NAME_CACHE[dtype] = name
    return name


# ---- creation ----------------------------------------------------------------------------


def _shape_tuple(shape) -> tuple:
    """``shape`` as a tuple of ints; float and string dimensions are refused, as in MXNet."""
    if type(shape) is tuple and all(type(d) is int for d in shape):
        return shape  # the common case, without the ABC checks below
    dims = (shape,) if isinstance(shape, numbers.Integral) else shape
    if (
        isinstance(dims, (str, bytes))
        or not hasattr(dims, "__iter__")
        or not all(isinstance(d, numbers.Integral) for d in dims)
    ):
        raise MXNetTypeError(f"shape must be an int or a tuple of ints, got {shape!r}")
    return tuple(int(d) for d in dims)


def _with_stype(arr: NDArray, stype, op: str) -> NDArray:
    """``arr`` as storage type ``stype`` (None or 'default': itself)."""
    if stype is None or stype == "default":
        return arr
    from . import sparse

    return sparse.cast_storage(arr, sparse._check_stype(stype, op))


def empty(shape, ctx: Optional[Context] = None, dtype="float32", stype=None) -> NDArray:
    """An uninitialized array (a sparse ``stype`` gives one with nothing stored)."""
    if stype not in (None, "default"):
        from . import sparse

        return sparse.zeros(stype, shape, ctx, dtype)
    ctx = _as_context(ctx)
    return _core.empty(_shape_tuple(shape), _dtype_name(dtype), ctx._core_type, ctx.device_id)


def full(
    shape,
    val,
    ctx: Optional[Context] = None,
    dtype="float32",
    out: Optional[NDArray] = None,
    name=None,
) -> NDArray:
    """An array filled with ``val`` (written into ``out`` when given)."""
    if out is not None:
        _core.fill_(out, float(val))
        return out
    ctx = _as_context(ctx)
    return _core.full(
        _shape_tuple(shape), float(val), _dtype_name(dtype), ctx._core_type, ctx.device_id
    )


def zeros(
    shape, ctx: Optional[Context] = None, dtype="float32", stype=None, out=None, name=None
) -> NDArray:
    """An array of zeros (written into ``out`` when given); ``stype`` 'row_sparse' or 'csr'
    gives a sparse array with nothing stored."""
    if stype not in (None, "default") and out is None:
        from . import sparse

        return sparse.zeros(stype, shape, ctx, dtype)
    return full(shape, 0.0, ctx, dtype if dtype is not None else "float32", out=out)


def ones(
    shape, ctx: Optional[Context] = None, dtype="float32", stype=None, out=None, name=None
) -> NDArray:
    """An array of ones (written into ``out`` when given), of storage type ``stype``."""
    result = full(shape, 1.0, ctx, dtype if dtype is not None else "float32", out=out)
    return result if out is not None else _with_stype(result, stype, "ones")


def _filled_like(data: NDArray, value: float, out: Optional[NDArray]) -> NDArray:
    if out is not None:
        _core.fill_(out, value)
        return out
    return _core.full(data.shape, value, data._dtype_name, data._device_type, data._device_id)


def zeros_like(data: NDArray, out=None, name=None) -> NDArray:
    """Zeros with the shape, dtype and context of ``data`` (and its storage type: a sparse
    ``data`` gives a sparse array with nothing stored)."""
    if type(data) is not NDArray and out is None and data.stype != "default":
        from . import sparse

        return sparse.zeros_like(data)
    return _filled_like(data, 0.0, out)


def ones_like(data: NDArray, out=None, name=None) -> NDArray:
    """Ones with the shape, dtype and context of ``data``."""
    return _filled_like(data, 1.0, out)


def full_like(data: NDArray, fill_value, out=None, name=None) -> NDArray:
    """``fill_value`` with the shape, dtype and context of ``data``."""
    return _filled_like(data, float(fill_value), out)


def arange(
    start,
    stop=None,
    step=1.0,
    repeat=1,
    infer_range=None,
    ctx: Optional[Context] = None,
    dtype="float32",
) -> NDArray:
    """Evenly spaced values in [start, stop) (MXNet's ``nd.arange``, float32 by default)."""
    if stop is None:
        start, stop = 0, start
    ctx = _as_context(ctx)
    return _core.arange(
        float(start),
        float(stop),
        float(step),
        int(repeat),
        _dtype_name(dtype),
        ctx._core_type,
        ctx.device_id,
    )


def array(source_array, ctx: Optional[Context] = None, dtype=None) -> NDArray:
    """An array from a list, numpy array or NDArray.

    As in MXNet, the dtype is float32 unless given, except that an NDArray source keeps
    its own dtype.
    """
    ctx = _as_context(ctx)
    if isinstance(source_array, NDArray):
        target = _dtype_name(dtype) if dtype is not None else source_array._dtype_name
        out = _core.empty(source_array.shape, target, ctx._core_type, ctx.device_id)
        _core.copy_(out, source_array)
        return out
    host_dtype = np.dtype(dtype) if dtype is not None else np.dtype(np.float32)
    try:
        host = np.asarray(source_array, dtype=host_dtype, order="C")
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"source_array must be array like object, got {type(source_array).__name__}: {err}"
        ) from None
    return _core.from_numpy(host, ctx._core_type, ctx.device_id)


def from_numpy(ndarray: np.ndarray, zero_copy: bool = True, array_cls=None) -> NDArray:
    """An NDArray with the numpy array's data and dtype.

    With ``zero_copy`` (the default), as in MXNet, the NDArray shares the numpy array's
    memory, which must be C-contiguous (ValueError otherwise), and the numpy array is made
    read-only so that only the NDArray writes to it. Dtypes the core cannot share (bool,
    big-endian) are copied.
    """
    if not isinstance(ndarray, np.ndarray):
        raise MXNetTypeError(f"from_numpy: expected a numpy.ndarray, got {type(ndarray).__name__}")
    if zero_copy:
        if not ndarray.flags["C_CONTIGUOUS"]:
            raise ValueError(
                "from_numpy: zero_copy needs a C-contiguous numpy array; pass "
                "np.ascontiguousarray(a) or zero_copy=False"
            )
        if ndarray.dtype.isnative and ndarray.dtype.kind in "fiu":
            shared, was_writeable = None, ndarray.flags.writeable
            try:
                # an array an earlier from_numpy locked is shared again (numpy exports only
                # writeable arrays); one whose memory is read-only itself is copied
                ndarray.flags.writeable = True
                shared = _core.from_dlpack(ndarray)
            except (TypeError, ValueError, BufferError, MXNetError):
                pass
            if shared is not None or not was_writeable:
                ndarray.flags.writeable = False
            if shared is not None:
                return shared
    host = np.asarray(ndarray, order="C")
    if not host.dtype.isnative:
        host = host.astype(host.dtype.newbyteorder("="))
    return _core.from_numpy(host, 1, 0)


def waitall() -> None:
    """Waits for all pending GPU work (CPU work is synchronous)."""
    for i in range(_core.num_gpus()):
        _core.synchronize(i)


for _name in __all__:  # binding errors become MXNetTypeError naming the argument
    if _name not in ("NDArray", "waitall"):
        globals()[_name] = checked_api(globals()[_name])


# ---- printing ------------------------------------------------------------------------------


def _repr(self: NDArray) -> str:
    shape_info = "x".join(str(d) for d in self.shape)
    return "\n%s\n<%s %s @%s>" % (str(self.asnumpy()), "NDArray", shape_info, _ctx_of(self))


# ---- indexing --------------------------------------------------------------------------------

_INDEX, _RANGE, _NEWAXIS = 0, 1, 2


def _index_spec(shape: tuple, key):
    """Normalises a basic index into the core's (kind, start, stop, step) list.

    Returns (spec, int_only) where int_only tells that every axis got an integer, or
    (None, False) when the key holds an index array (advanced indexing, index_ops.py).
    """
    if not isinstance(key, tuple):
        key = (key,)
    n_real = sum(1 for k in key if k is not None and k is not Ellipsis)
    if n_real > len(shape):
        raise IndexError(f"too many indices ({n_real}) for an array of shape {shape}")
    spec = []
    dim = 0
    int_only = True
    for k in key:
        if k is Ellipsis:
            for _ in range(len(shape) - n_real):
                spec.append((_RANGE, 0, shape[dim], 1))
                dim += 1
            int_only = False
        elif k is None:
            spec.append((_NEWAXIS, 0, 0, 0))
            int_only = False
        elif isinstance(k, slice):
            start, stop, step = k.indices(shape[dim])
            spec.append((_RANGE, start, stop, step))
            dim += 1
            int_only = False
        elif isinstance(k, (numbers.Integral, np.integer)) and not isinstance(k, bool):
            i = int(k)
            n = shape[dim]
            if i < -n or i >= n:
                raise IndexError(f"index {i} is out of bounds for axis {dim} with size {n}")
            spec.append((_INDEX, i + n if i < 0 else i, 0, 0))
            dim += 1
        elif isinstance(k, (NDArray, list, np.ndarray)):
            return None, False
        else:
            raise IndexError(
                f"NDArray index of type {type(k).__name__} is not supported; use integers, "
                "slices, None, Ellipsis or integer arrays (lists, numpy arrays, NDArrays)"
            )
    if dim < len(shape):
        int_only = False
    return spec, int_only


def _getitem(self: NDArray, key) -> NDArray:
    if type(key) is int:
        return self._index_first_axis(key)
    spec, int_only = _index_spec(self.shape, key)
    if spec is None:  # integer arrays in the key: a gather (index_ops.py)
        from .index_ops import advanced_getitem

        return advanced_getitem(self, key)
    out = _core.slice_view(self, spec)
    if not out._is_contiguous:  # MXNet: only indexing that gives a contiguous block is a view
        out = _core.clone(out)
    if out.ndim == 0:  # MXNet's legacy arrays never become 0-d through indexing
        out = _core.reshape(out, (1,), False)
    return out


def fit_value(value: NDArray, shape: tuple) -> NDArray:
    """``value`` ready to broadcast into a target of ``shape``, as MXNet's assignment takes it:
    extra leading 1-dims dropped (a (1,) sum into one element). MXNetValueError otherwise."""
    original = value.shape
    dims = value.shape
    while len(dims) > len(shape) and dims[0] == 1:
        dims = dims[1:]
    try:
        fits = np.broadcast_shapes(dims, shape) == tuple(shape)
    except ValueError:
        fits = False
    if not fits:
        raise MXNetValueError(
            f"cannot assign an array of shape {original} to a target of shape {shape}"
        )
    if dims == original:
        return value
    if 0 in dims:  # the core's reshape reads 0 as "keep"; no data to keep anyway
        return _core.empty(dims, value._dtype_name, value._device_type, value._device_id)
    return _core.reshape(value, dims, False)


def is_whole_key(key) -> bool:
    """Whether ``x[key]`` is all of ``x``: ``x[:]``, ``x[...]`` or ``x[None]``."""
    return key is None or key is Ellipsis or (isinstance(key, slice) and key == slice(None))


def _setitem(self: NDArray, key, value) -> None:
    """x[key] = value. As in MXNet the value broadcasts to the target after dropping extra
    leading 1-dims, so a (1,) sum can be written into one element."""
    whole = is_whole_key(key)
    if whole:
        target = self
    else:
        if isinstance(value, NDArray) and _core.is_recording() and _core.requires_grad(value):
            raise MXNetError(_INPLACE_RECORDING % ("x[%r] = y" % (key,)))
        spec, _ = _index_spec(self.shape, key)
        if spec is None:
            from .index_ops import advanced_setitem

            advanced_setitem(self, key, value)
            return
        target = _core.slice_view(self, spec)
    if isinstance(value, (numbers.Number, np.generic)):
        _core.fill_(target, float(value))  # type: ignore[arg-type]  # Number has no __float__
        return
    if not isinstance(value, NDArray):
        value = array(value, ctx=_ctx_of(self), dtype=self._dtype_name)
    if value.shape != target.shape:
        value = fit_value(value, target.shape)
    if whole:  # x[:] = y is recorded (MXNet's _copyto) when y needs a gradient
        _core.assign_(self, value)
        return
    _core.copy_(target, value)


# MXNet's text, then which assignment: part of an array cannot take a recorded value.
_INPLACE_RECORDING = (
    "Inplace operations (+=, -=, x[:]=, etc) are not supported when recording with autograd: "
    "%s writes into part of an array, so the gradient into the value (which needs one) would "
    "be lost. Build the result out of place (nd.concat, nd.where, ...) inside autograd.record()."
)


# ---- methods -----------------------------------------------------------------------------------


def _reshape(self: NDArray, *shape, **kwargs) -> NDArray:
    """Reshapes, with MXNet's special codes 0, -1, -2, -3, -4 and ``reverse=``."""
    unknown = [k for k in kwargs if k not in ("shape", "reverse")]
    if unknown:
        raise unknown_argument_error("reshape", unknown[0], ("shape", "reverse"))
    target: Any = shape
    if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
        target = shape[0]
    elif not shape:
        target = kwargs.get("shape")
        if target is None:
            raise TypeError("reshape() requires a shape")
    return _core.reshape(self, tuple(target), bool(kwargs.get("reverse", False)))


def _astype(self: NDArray, dtype, copy: bool = True) -> NDArray:
    """Casts to ``dtype`` (returns self when unchanged and ``copy=False``)."""
    if not copy and np.dtype(dtype) == np.dtype(self.dtype):
        return self
    return _core.astype(self, _dtype_name(dtype))


def _copyto(self: NDArray, other) -> NDArray:
    """Copies into an NDArray (returned) or onto a Context (a new array)."""
    if isinstance(other, NDArray):
        if other is self:
            import warnings

            warnings.warn(
                "You are attempting to copy an array to itself", RuntimeWarning, stacklevel=2
            )
            return self
        _core.assign_(other, self)  # recorded when self needs a gradient (MXNet's _copyto)
        return other
    if isinstance(other, Context):
        return _core.to_device(self, other._core_type, other.device_id)
    raise TypeError(f"copyto does not support type {type(other).__name__}")


def _as_in_context(self: NDArray, context: Context) -> NDArray:
    """This array on ``context``: self when already there, else a copy."""
    if _ctx_of(self) == context:
        return self
    return self.copyto(context)


def _asscalar(self: NDArray):
    """The value of a one-element array as a numpy scalar."""
    if self.size != 1:
        raise ValueError(f"The current array is not a scalar (shape {self.shape})")
    return self.asnumpy().reshape(-1)[0]


def _backward(
    self: NDArray,
    out_grad: Optional[NDArray] = None,
    retain_graph: bool = False,
    train_mode: bool = True,
) -> None:
    """Computes gradients of this array w.r.t. every variable it depends on."""
    prev = _core.set_training(train_mode)
    try:
        _core.backward([self], [out_grad], retain_graph, False)
    finally:
        _core.set_training(prev)


def _bool(self: NDArray) -> bool:
    if self.size == 0:
        return False
    if self.size == 1:
        return bool(self.asnumpy().reshape(-1)[0])
    raise ValueError("The truth value of an NDArray with multiple elements is ambiguous.")


def _len(self: NDArray) -> int:
    if self.ndim == 0:
        raise TypeError("len() of a 0-d NDArray")
    return self.shape[0]


def _iter(self: NDArray):
    for i in range(len(self)):
        yield self[i]


def _array_protocol(self: NDArray, dtype=None, copy=None) -> np.ndarray:
    out = self.asnumpy()
    return out.astype(dtype, copy=False) if dtype is not None else out


def _reduce_method(code, op_name: str):
    def method(self, axis=None, keepdims=False, exclude=False, out=None, name=None, **kwargs):
        if kwargs:
            reject_unknown(method, kwargs)
        result = _core.reduce(code, self, axis, keepdims, exclude)
        if out is None:
            return result
        _core.copy_(out, result)
        return out

    method.__name__ = op_name
    return method


def _reduce_state(self: NDArray):
    return (_rebuild, (self.asnumpy(), str(_ctx_of(self))))


# A .params file is a 24-byte header (magic 0x112, reserved, array count), the records, and
# the name count (8 bytes): MXNet's pickle state is one record's bytes alone.
_PARAMS_HEADER = struct.Struct("<QQQ")
_PARAMS_FOOTER = struct.Struct("<Q")


def _getstate(self: NDArray) -> dict:
    """MXNet's pickle state: ``{'handle': bytearray}`` holding the array's saved record."""
    from .utils import save_tobuffer

    blob = save_tobuffer([self])
    return {"handle": bytearray(blob[_PARAMS_HEADER.size : -_PARAMS_FOOTER.size])}


def _setstate(self: NDArray, state: dict) -> None:
    """Takes the data, shape and dtype of a ``__getstate__`` record (also one MXNet wrote,
    a GPU array's included: it loads onto the CPU when no GPU is present)."""
    from .utils import load_frombuffer

    if not isinstance(state, dict) or "handle" not in state:
        raise TypeError(
            "__setstate__ expects {'handle': bytes of a saved array}, got %r" % (state,)
        )
    record = bytes(state["handle"])
    blob = _PARAMS_HEADER.pack(0x112, 0, 1) + record + _PARAMS_FOOTER.pack(0)
    try:
        (loaded,) = load_frombuffer(blob)
    except MXNetError as err:
        raise MXNetError("__setstate__: the state is not a saved array record: %s" % err) from None
    if not isinstance(loaded, NDArray):  # a record of no array (MXNet's empty NDArray)
        raise MXNetError("__setstate__: the state is not a saved array record: it holds none")
    self._rebind(loaded)


def _basic_indexing_slice_is_contiguous(slc_key: Any, shape: Sequence[int]) -> bool:
    """Whether basic indexing by ``slc_key`` (slices and integers) of a C-contiguous array of
    ``shape`` gives a C-contiguous view, by NumPy's rule (MXNet's helper of the same name)."""
    key = slc_key if isinstance(slc_key, tuple) else (slc_key,)
    if len(key) > len(shape):
        raise IndexError("too many indices (%d) for shape %s" % (len(key), tuple(shape)))
    dims = []  # (length, stride in elements) of the view's dimensions
    stride = 1
    strides = []
    for n in reversed(shape):
        strides.append(stride)
        stride *= n
    strides.reverse()
    for axis, n in enumerate(shape):
        k = key[axis] if axis < len(key) else slice(None)
        if isinstance(k, slice):
            start, stop, step = k.indices(n)
            dims.append((len(range(start, stop, step)), step * strides[axis]))
        elif isinstance(k, numbers.Integral):
            continue  # the axis is dropped
        else:
            raise TypeError("basic indexing takes slices and integers, got %r" % (k,))
    if any(length == 0 for length, _ in dims):
        return True
    expected = 1
    for length, step in reversed(dims):
        if length != 1:
            if step != expected:
                return False
            expected *= length
    return True


def _rebuild(data: np.ndarray, ctx_str: str) -> NDArray:
    kind, dev = ctx_str.rstrip(")").split("(")
    return array(data, ctx=Context(kind, int(dev)), dtype=data.dtype)


def _tostype(self: NDArray, stype: str) -> NDArray:
    """This array as storage type ``stype`` ('default': itself; 'row_sparse' or 'csr': a
    sparse copy)."""
    return _with_stype(self, stype, "tostype")


# Gradient buffers whose storage type is not 'default', by data pointer: attach_grad and
# mark_variables keep it current, and the grad property wraps such a buffer in its sparse
# class. The dense path pays one truthiness test.
_GRAD_STYPES: dict = {}
_core_attach_grad = NDArray.attach_grad
_core_grad: Any = NDArray.grad  # the core's property object


def note_grad_stype(variable: NDArray, stype: Optional[str]) -> None:
    """Record the storage type of ``variable``'s gradient buffer (None: 'default'; the
    callers pass a valid one: attach_grad checks it, mark_variables reads a buffer's)."""
    default = stype is None or stype == "default"
    if default and not _GRAD_STYPES:  # nothing recorded that this buffer could inherit
        return
    buf = _core_grad.fget(variable)
    if buf is None or buf.size == 0:
        return
    if default:
        _GRAD_STYPES.pop(buf._data_ptr, None)
        return
    _GRAD_STYPES[buf._data_ptr] = stype


def _attach_grad(self: NDArray, grad_req: str = "write", stype: Optional[str] = None) -> None:
    """Allocates a zero gradient buffer (of storage type ``stype``, default dense) and marks
    the array as a variable for autograd."""
    if stype not in (None, "default", "row_sparse", "csr"):
        raise MXNetValueError(
            f"attach_grad: stype must be 'default', 'row_sparse' or 'csr', got {stype!r}"
        )
    _core_attach_grad(self, grad_req)
    note_grad_stype(self, stype)


def _grad_of(self: NDArray):
    buf = _core_grad.fget(self)
    if _GRAD_STYPES and buf is not None:
        stype = _GRAD_STYPES.get(buf._data_ptr)
        if stype is not None:
            from .sparse import _wrap

            return _wrap(buf, stype)
    return buf


def _install_methods() -> None:
    from . import ops as _ops  # noqa: F401  (nd functions, reused as methods)

    methods = {
        "__repr__": _repr,
        "__str__": _repr,
        "__getitem__": _getitem,
        "__setitem__": _setitem,
        "__bool__": _bool,
        "__len__": _len,
        "__iter__": _iter,
        "__array__": _array_protocol,
        "__reduce__": _reduce_state,
        "__getstate__": _getstate,
        "__setstate__": _setstate,
        "_basic_indexing_slice_is_contiguous": staticmethod(_basic_indexing_slice_is_contiguous),
        "__pos__": lambda self: self,
        "reshape": _reshape,
        "astype": _astype,
        "copyto": _copyto,
        "copy": lambda self: _core.clone(self),
        "as_in_context": _as_in_context,
        "as_in_ctx": _as_in_context,
        "asscalar": _asscalar,
        "item": _asscalar,
        "tolist": lambda self: self.asnumpy().tolist(),
        "backward": _backward,
        "wait_to_read": lambda self: (
            _core.synchronize(self._device_id) if self._device_type == 2 else None
        ),
        "wait_to_write": lambda self: (
            _core.synchronize(self._device_id) if self._device_type == 2 else None
        ),
        "sum": _reduce_method(_REDUCE_SUM, "sum"),
        "mean": _reduce_method(_REDUCE_MEAN, "mean"),
        "max": _reduce_method(_REDUCE_MAX, "max"),
        "min": _reduce_method(_REDUCE_MIN, "min"),
        "prod": _reduce_method(_REDUCE_PROD, "prod"),
        "tostype": _tostype,
        "attach_grad": _attach_grad,
    }
    context = property(_ctx_of, doc="The array's device (a Context).")
    properties = {
        "context": context,
        "ctx": context,
        "stype": property(lambda self: "default"),
        "grad": property(_grad_of, doc=_core_grad.__doc__),
        "T": property(lambda self: _ops.transpose(self), doc="A transposed copy (reversed axes)."),
        "handle": property(lambda self: self._data_ptr),
        "writable": property(lambda self: True),
    }
    for name, member in {**methods, **properties}.items():
        setattr(NDArray, name, member)
    _ops._install_op_methods(NDArray)
    from . import index_ops

    index_ops._install_methods(NDArray)
