"""``mx.np.ndarray`` methods: NumPy-style reductions and reshapes, devices, conversions.

Methods inherited from ``NDArray`` that are not redefined here still run (they share the
core tensor) and their array results are re-wrapped as ``ndarray``.
"""

from __future__ import annotations

import functools

import numpy as onp

from .. import _core
from ..context import Context
from ..ndarray.ndarray import NDArray, _dtype_name
from . import linalg_ops, math_ops, shape_ops
from .multiarray import _wrap_any, ndarray


def _reshape(self, *shape, order: str = "C"):
    """``a.reshape(2, 3)`` or ``a.reshape((2, 3))`` with NumPy's rules (one -1)."""
    if len(shape) == 1 and not isinstance(shape[0], (int, onp.integer)):
        shape = shape[0]
    return shape_ops.reshape(self, shape, order)


def _transpose(self, *axes):
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        axes = axes[0]
    return shape_ops.transpose(self, axes if axes else None)


def _astype(self, dtype, order="K", casting="unsafe", subok=True, copy: bool = True):
    """A copy cast to ``dtype`` (self when unchanged and ``copy=False``)."""
    target = _dtype_name(dtype)
    if not copy and target == self._dtype_name:
        return self
    return ndarray(_core.astype(self, target))


def _copyto(self, other):
    """Copies into an array (returned) or onto a Context (a new ndarray)."""
    if isinstance(other, NDArray):
        if other._dtype_name != self._dtype_name:
            _core.copy_(other, _core.astype(self, other._dtype_name))
        else:
            _core.copy_(other, self)
        return other
    if isinstance(other, Context):
        return ndarray(_core.to_device(self, other._core_type, other.device_id))
    raise TypeError(f"copyto does not support type {type(other).__name__}")


def _as_in_ctx(self, ctx: Context):
    """This array on ``ctx``: itself when already there, else a copy."""
    if self.context == ctx:
        return self
    return self.copyto(ctx)


def _item(self, *args):
    """The value of a one-element array as a Python scalar."""
    return self.asnumpy().item(*args)


def _grad(self):
    g = NDArray.grad.__get__(self)
    return None if g is None else ndarray(g)


def _reduce_state(self):
    return (_rebuild, (self.asnumpy(), str(self.context)))


def _rebuild(data, ctx_str: str):
    from .creation import array

    kind, dev = ctx_str.rstrip(")").split("(")
    return array(data, dtype=data.dtype, ctx=Context(kind, int(dev)))


def _scalar_conversion(kind):
    def convert(self):
        if self.size != 1:
            raise TypeError("only size-1 arrays can be converted to Python scalars")
        return kind(self.asnumpy().reshape(-1)[0])

    return convert


_METHODS = {
    "reshape": _reshape,
    "transpose": _transpose,
    "astype": _astype,
    "copyto": _copyto,
    "as_in_ctx": _as_in_ctx,
    "as_in_context": _as_in_ctx,
    "to_device": _as_in_ctx,
    "item": _item,
    "tolist": lambda self: self.asnumpy().tolist(),
    "copy": lambda self, order="C": ndarray(_core.clone(self)),
    "detach": lambda self: ndarray(NDArray.detach(self)),
    "as_nd_ndarray": lambda self: NDArray(self),
    "as_np_ndarray": lambda self: self,
    "flatten": lambda self, order="C": shape_ops.ravel(self),
    "ravel": lambda self, order="C": shape_ops.ravel(self),
    "squeeze": lambda self, axis=None: shape_ops.squeeze(self, axis),
    "swapaxes": lambda self, axis1, axis2: shape_ops.swapaxes(self, axis1, axis2),
    "repeat": lambda self, repeats, axis=None: shape_ops.repeat(self, repeats, axis),
    "tile": lambda self, reps: shape_ops.tile(self, reps),
    "flip": lambda self, axis=None: shape_ops.flip(self, axis),
    "clip": lambda self, min=None, max=None, out=None: math_ops.clip(self, min, max, out),  # noqa: A002
    "dot": lambda self, b, out=None: linalg_ops.dot(self, b, out),
    "sum": lambda self, axis=None, dtype=None, out=None, keepdims=False: math_ops.sum(
        self, axis, dtype, out, keepdims
    ),
    "mean": lambda self, axis=None, dtype=None, out=None, keepdims=False: math_ops.mean(
        self, axis, dtype, out, keepdims
    ),
    "prod": lambda self, axis=None, dtype=None, out=None, keepdims=False: math_ops.prod(
        self, axis, dtype, out, keepdims
    ),
    "max": lambda self, axis=None, out=None, keepdims=False: math_ops.max(
        self, axis, out, keepdims
    ),
    "min": lambda self, axis=None, out=None, keepdims=False: math_ops.min(
        self, axis, out, keepdims
    ),
    "std": lambda self, axis=None, dtype=None, out=None, ddof=0, keepdims=False: math_ops.std(
        self, axis, dtype, out, ddof, keepdims
    ),
    "var": lambda self, axis=None, dtype=None, out=None, ddof=0, keepdims=False: math_ops.var(
        self, axis, dtype, out, ddof, keepdims
    ),
    "argmax": lambda self, axis=None, out=None: math_ops.argmax(self, axis, out),
    "argmin": lambda self, axis=None, out=None: math_ops.argmin(self, axis, out),
    "__reduce__": _reduce_state,
    "__float__": _scalar_conversion(float),
    "__int__": _scalar_conversion(int),
    "__index__": lambda self: (
        int(self.asnumpy().reshape(-1)[0])
        if self.size == 1 and self._dtype_name[0] in "iu"
        else (_ for _ in ()).throw(
            TypeError("only integer scalar arrays can be converted to a scalar index")
        )
    ),
}


def _rewrapping(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        return _wrap_any(method(self, *args, **kwargs))

    return wrapper


def install() -> None:
    """Puts the NumPy-style methods on ``ndarray``; re-wraps the inherited rest."""
    for name, fn in _METHODS.items():
        setattr(ndarray, name, fn)
    setattr(ndarray, *("grad", property(_grad, doc="The gradient buffer (an ndarray), or None.")))
    setattr(
        ndarray,
        *("T", property(lambda self: shape_ops.transpose(self), doc="The transposed array.")),
    )
    setattr(
        ndarray,
        *("device", property(lambda self: self.context, doc="The array's device (a Context).")),
    )
    skip = set(ndarray.__dict__) | {"__init__", "__new__", "__getattribute__", "__class__"}
    for name in dir(NDArray):
        if name in skip or (name.startswith("__") and name.endswith("__")):
            continue
        attr = getattr(NDArray, name)
        if callable(attr) and not isinstance(attr, type):
            setattr(ndarray, name, _rewrapping(attr))
