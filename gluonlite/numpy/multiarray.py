"""``mx.np.ndarray``: MXNet's NumPy-interface array over the same C++ tensor as ``nd.NDArray``.

``ndarray`` is a Python subclass of the pybind11 class ``_core.NDArray`` (as MXNet's
``np.ndarray`` subclasses ``NDArray``). ``ndarray(t)`` makes a new Python handle on the core
tensor ``t``: same storage, same autograd state, no copy. Every function and method here
calls the core (directly or through the ``nd`` front end) and re-wraps the result. Where the
NumPy interface differs from legacy NDArray it follows MXNet 1.9.1's ``mx.np``: 0-d results,
NumPy indexing, dtype promotion between arrays, ``array([...])`` printing.
"""

from __future__ import annotations

import numbers
from typing import Any, Dict, Optional

import numpy as onp

from .. import _core
from ..context import Context, _as_context
from ..ndarray.ndarray import NDArray, _index_spec

__all__ = ["ndarray", "as_np", "promote_dtypes", "to_device"]


class ndarray(NDArray):  # noqa: N801  (MXNet's name)
    """An n-dimensional array with NumPy semantics (MXNet's ``mx.np.ndarray``)."""

    __slots__ = ()

    @property
    def dtype(self) -> onp.dtype:
        """The element type as a ``numpy.dtype`` (legacy ``NDArray.dtype`` is the scalar type)."""
        return _NP_DTYPES[self._dtype_name]


_NP_DTYPES = {
    name: onp.dtype(name)
    for name in ("float16", "float32", "float64", "uint8", "int8", "int32", "int64", "bool")
}


def _patch(attrs: Dict[str, Any]) -> None:
    """Sets ``ndarray``'s special methods (assigned after the class: they need its name)."""
    for name, value in attrs.items():
        setattr(ndarray, name, value)


_patch(
    {
        "__module__": "gluonlite.numpy",
    }
)


def _wrap_any(value: Any) -> Any:
    """``value`` with every NDArray in it (lists and tuples too) turned into an ndarray."""
    if isinstance(value, NDArray):
        return value if type(value) is ndarray else ndarray(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_wrap_any(v) for v in value)
    return value


def to_device(ctx=None, device=None) -> Context:
    """The Context named by ``ctx`` or its newer alias ``device`` (the current one if neither)."""
    if device is not None:
        if ctx is not None and _as_context(ctx) != _as_context(device):
            raise ValueError(f"ctx={ctx} and device={device} disagree; give one of them")
        ctx = device
    return _as_context(ctx)


def as_np(value: Any, ctx: Optional[Context] = None, dtype=None) -> ndarray:
    """``value`` as an ndarray: NDArrays are re-wrapped (no copy), other data is copied in."""
    if isinstance(value, NDArray):
        return value if type(value) is ndarray else ndarray(value)
    from .creation import array

    return array(value, dtype=dtype, ctx=ctx)


# ---- dtype promotion (MXNet 1.9.1's mx.np rules, probed) -----------------------------------

_PROMOTED: dict = {}


def _promote_pair(a: str, b: str) -> str:
    if a == b:
        return a
    if a == "bool":
        return b
    if b == "bool":
        return a
    a_float, b_float = a.startswith("float"), b.startswith("float")
    if a_float != b_float:  # an integer with a float gives the float type, whatever its width
        return a if a_float else b
    if {a, b} == {"int8", "uint8"}:
        return "int32"  # MXNet's choice (numpy says int16)
    return onp.promote_types(a, b).name


def promote_dtypes(a: str, b: str) -> str:
    """The dtype of a binary op's result on arrays of dtypes ``a`` and ``b``."""
    key = (a, b)
    try:
        return _PROMOTED[key]
    except KeyError:
        result = _PROMOTED[key] = _promote_pair(a, b)
        return result


def _promoted(x: NDArray, y: NDArray):
    target = promote_dtypes(x._dtype_name, y._dtype_name)
    if x._dtype_name != target:
        x = _core.astype(x, target)
    if y._dtype_name != target:
        y = _core.astype(y, target)
    return x, y


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (numbers.Number, onp.generic)) and not isinstance(value, onp.ndarray)


def _operand(self: NDArray, other: Any):
    """``other`` as something the core's operators take (an NDArray or a float), or None."""
    if isinstance(other, NDArray) or _is_scalar(other):
        return other
    if isinstance(other, (list, tuple, onp.ndarray)):
        from .creation import array

        return array(other, ctx=self.context)
    return None


_FAST_SCALARS = frozenset([float, int])
_FLOAT_NAMES = frozenset(["float16", "float32", "float64"])


def _make_binary(base_method, true_divide: bool = False, compare: bool = False):
    """An ndarray operator over the C++ ``NDArray`` one: NumPy promotion, then re-wrapping."""

    def slow(self, other):
        if isinstance(other, NDArray):
            self, other = _promoted(self, other)
        else:
            other = _operand(self, other)
            if other is None:
                return NotImplemented
            if isinstance(other, NDArray):  # converted from a list or a numpy array
                self, other = _promoted(self, other)
        if true_divide and self._dtype_name[0] in "iub":  # int / int is a float in NumPy
            self = _core.astype(self, "float32")
            if isinstance(other, NDArray):
                other = _core.astype(other, "float32")
        out = base_method(self, other)
        if out is NotImplemented:
            return out
        return ndarray(_core.astype(out, "bool") if compare else out)

    if compare:
        return slow
    if true_divide:

        def divide(self, other):
            if self._dtype_name in _FLOAT_NAMES and (
                type(other) in _FAST_SCALARS
                or (isinstance(other, NDArray) and other._dtype_name == self._dtype_name)
            ):
                return ndarray(base_method(self, other))
            return slow(self, other)

        return divide

    def method(self, other):
        # hot path: a float/int scalar, or an array of the same dtype (one C++ call + a wrap)
        if type(other) in _FAST_SCALARS or (
            isinstance(other, NDArray) and other._dtype_name == self._dtype_name
        ):
            return ndarray(base_method(self, other))
        return slow(self, other)

    return method


def _make_inplace(base_method):
    def method(self, other):
        if not isinstance(other, NDArray):
            other = _operand(self, other)
            if other is None:
                return NotImplemented
        if isinstance(other, NDArray) and other._dtype_name != self._dtype_name:
            other = _core.astype(other, self._dtype_name)  # in place: the target keeps its dtype
        return base_method(self, other)

    return method


_BINARY_DUNDERS = [
    ("__add__", False, False),
    ("__radd__", False, False),
    ("__sub__", False, False),
    ("__rsub__", False, False),
    ("__mul__", False, False),
    ("__rmul__", False, False),
    ("__truediv__", True, False),
    ("__rtruediv__", True, False),
    ("__mod__", False, False),
    ("__rmod__", False, False),
    ("__pow__", False, False),
    ("__rpow__", False, False),
    ("__eq__", False, True),
    ("__ne__", False, True),
    ("__gt__", False, True),
    ("__ge__", False, True),
    ("__lt__", False, True),
    ("__le__", False, True),
]
for _name, _true_div, _compare in _BINARY_DUNDERS:
    setattr(
        ndarray,
        _name,
        _make_binary(getattr(NDArray, _name), true_divide=_true_div, compare=_compare),
    )
for _name in ("__iadd__", "__isub__", "__imul__", "__itruediv__", "__imod__"):
    setattr(ndarray, _name, _make_inplace(getattr(NDArray, _name)))
# defining __eq__ would otherwise drop __hash__
_patch(
    {
        "__hash__": NDArray.__hash__,
        "__neg__": lambda self: ndarray(_core.negative(self)),
        "__abs__": lambda self: ndarray(_core.abs(self)),
        "__pos__": lambda self: self,
        "__matmul__": lambda self, other: _matmul(self, other),
        "__rmatmul__": lambda self, other: _matmul(as_np(other, self.context), self),
    }
)


def _matmul(a, b):
    from .linalg_ops import matmul

    return matmul(a, b)


# ---- printing (as MXNet 1.9.1 prints mx.np.ndarray) --------------------------------------


# numpy >= 2.2 appends ", shape=(n,)" to summarized arrays; MXNet 1.9.1 ran on numpy 1.x
_PRINT_LEGACY = (
    {"legacy": "2.1"} if tuple(map(int, onp.__version__.split(".")[:2])) >= (2, 2) else {}
)


def _repr(self: NDArray) -> str:
    with onp.printoptions(**_PRINT_LEGACY):  # type: ignore[arg-type]  # legacy="2.1" only
        text = repr(self.asnumpy())
    dtype = self._dtype_name
    if "dtype=" in text:
        if dtype == "float32":  # the default dtype is not shown
            text = text[: text.rindex(",")] + ")"
    elif dtype not in ("float32", "bool"):
        text = text[:-1] + ", dtype=%s)" % dtype
    if self._device_type != 1:
        text = text[:-1] + ", ctx=%s)" % self.context
    return text


_patch(
    {
        "__repr__": _repr,
        "__str__": lambda self: str(self.asnumpy()),
    }
)


# ---- indexing ----------------------------------------------------------------------------


def _is_basic(key) -> bool:
    parts = key if isinstance(key, tuple) else (key,)
    for k in parts:
        if k is None or k is Ellipsis or isinstance(k, slice):
            continue
        if isinstance(k, (numbers.Integral, onp.integer)) and not isinstance(k, (bool, onp.bool_)):
            continue
        return False
    return True


def _host_key(key):
    """The key with arrays as numpy arrays, for numpy to interpret (advanced indexing)."""
    if isinstance(key, tuple):
        return tuple(_host_key(k) for k in key)
    if isinstance(key, NDArray):
        host = key.asnumpy()
        if host.dtype.kind == "f":  # np.array([1, 3]) is float32; MXNet truncates it to integers
            host = host.astype(onp.int64)
        return host
    if isinstance(key, list):
        return onp.asarray(key) if key else onp.zeros((0,), dtype=onp.int64)
    return key


def _flat_positions(shape: tuple, key) -> onp.ndarray:
    """Flat positions (int64) of the elements an advanced index selects, in result shape."""
    size = 1
    for d in shape:
        size *= d
    positions = onp.arange(size, dtype=onp.int64).reshape(shape)
    return onp.asarray(positions[_host_key(key)])


def _check_key_types(key) -> None:
    for k in key if isinstance(key, tuple) else (key,):
        if isinstance(k, (float, onp.floating, str)):
            raise ValueError(
                f"ndarray does not support indexing with key {k!r} of type {type(k).__name__}; "
                "use integers, slices, None, Ellipsis or integer/boolean arrays"
            )


def _getitem(self: NDArray, key):
    if _is_basic(key):
        spec, _ = _index_spec(self.shape, key)
        out = _core.slice_view(self, spec)
        if not out._is_contiguous:  # as MXNet: only a contiguous block stays a view
            out = _core.clone(out)
        return ndarray(out)
    _check_key_types(key)
    try:
        positions = _flat_positions(self.shape, key)
    except IndexError as err:
        raise IndexError(str(err)) from None
    flat = _core.reshape(self, (-1,), False)
    index = _core.from_numpy(positions.reshape(-1), self._device_type, self._device_id)
    gathered = _core.take(flat, index, 0, "clip")
    return ndarray(_core.reshape(gathered, positions.shape, False))


def _setitem(self: NDArray, key, value) -> None:
    if _is_basic(key):
        spec, _ = _index_spec(self.shape, key)
        target = _core.slice_view(self, spec)
        if isinstance(value, NDArray):
            if value._dtype_name != self._dtype_name:
                value = _core.astype(value, self._dtype_name)
            _core.copy_(target, value)
        elif _is_scalar(value):
            _core.fill_(target, float(value))
        else:
            host = onp.asarray(value, dtype=self._dtype_name)
            _core.copy_(target, _core.from_numpy(host, self._device_type, self._device_id))
        return
    # advanced assignment: computed on the host and copied back (not recorded by autograd)
    host = self.asnumpy()
    host[_host_key(key)] = value.asnumpy() if isinstance(value, NDArray) else value
    _core.copy_(self, _core.from_numpy(host, self._device_type, self._device_id))


_patch(
    {
        "__getitem__": _getitem,
        "__setitem__": _setitem,
    }
)


def _len(self: NDArray) -> int:
    if self.ndim == 0:
        raise TypeError("len() of unsized object")
    return self.shape[0]


def _iter(self: NDArray):
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d array")
    for i in range(self.shape[0]):
        yield self[i]


def _bool(self: NDArray) -> bool:
    if self.size == 1:
        return bool(self.asnumpy().reshape(-1)[0])
    if self.size == 0:
        return False
    raise ValueError("The truth value of an ndarray with multiple elements is ambiguous.")


_patch(
    {
        "__bool__": _bool,
        "__len__": _len,
        "__iter__": _iter,
    }
)
