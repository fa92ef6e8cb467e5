"""``mx.np`` shape manipulation with NumPy signatures and semantics."""

from __future__ import annotations

import numbers
from typing import Sequence

import numpy as onp

from .. import _core
from ..base import MXNetValueError
from ..ndarray import shape_ops as _nd_shape
from ..ndarray.ndarray import NDArray
from .math_ops import _write_out
from .multiarray import as_np, ndarray, promote_dtypes

__all__ = [
    "reshape",
    "ravel",
    "transpose",
    "swapaxes",
    "moveaxis",
    "expand_dims",
    "squeeze",
    "broadcast_to",
    "concatenate",
    "stack",
    "split",
    "tile",
    "repeat",
    "flip",
    "meshgrid",
]


def _is_int(value) -> bool:
    return isinstance(value, (numbers.Integral, onp.integer)) and not isinstance(value, bool)


def _numpy_shape(a: NDArray, newshape, op: str = "reshape") -> tuple:
    """``newshape`` with its one -1 resolved, checked against ``a``'s size (NumPy's rules)."""
    dims = (newshape,) if _is_int(newshape) else tuple(newshape)
    if not all(_is_int(d) for d in dims):
        raise TypeError(f"{op}: newshape must be an int or a tuple of ints, got {newshape!r}")
    dims = tuple(int(d) for d in dims)
    if any(d < -1 for d in dims) or dims.count(-1) > 1:
        raise MXNetValueError(
            f"{op}: newshape {dims} may hold non-negative sizes and at most one -1 "
            "(MXNet's special codes are in npx.reshape)"
        )
    known = 1
    for d in dims:
        if d != -1:
            known *= d
    if -1 in dims:
        if known == 0 or a.size % known:
            raise MXNetValueError(f"cannot reshape array of size {a.size} into shape {dims}")
        dims = tuple(a.size // known if d == -1 else d for d in dims)
    elif known != a.size:
        raise MXNetValueError(f"cannot reshape array of size {a.size} into shape {dims}")
    return dims


def reshape(a, newshape, order: str = "C") -> ndarray:
    """``a`` with shape ``newshape`` (one entry may be -1), a view when ``a`` is contiguous."""
    if order != "C":
        raise NotImplementedError(f"reshape: order={order!r} is not supported (only 'C')")
    a = as_np(a)
    shape = _numpy_shape(a, newshape)
    if 0 in shape:  # the core's reshape reads 0 as "keep this dimension"
        return ndarray(_core.empty(shape, a._dtype_name, a._device_type, a._device_id))
    return ndarray(_core.reshape(a, shape, False))


def ravel(x, order: str = "C") -> ndarray:
    """The flattened array."""
    return reshape(x, (-1,), order)


def transpose(a, axes=None) -> ndarray:
    """Permutes the axes (reverses them when ``axes`` is None)."""
    a = as_np(a)
    return ndarray(_core.transpose(a, () if axes is None else tuple(axes)))


def swapaxes(a, axis1: int, axis2: int) -> ndarray:
    """Interchanges two axes."""
    return ndarray(_core.swapaxes(as_np(a), int(axis1), int(axis2)))


def moveaxis(a, source, destination) -> ndarray:
    """Moves axes to new positions."""
    return ndarray(_nd_shape.moveaxis(as_np(a), source, destination))


def expand_dims(a, axis: int) -> ndarray:
    """Inserts a size-1 axis at ``axis``."""
    return ndarray(_core.expand_dims(as_np(a), int(axis)))


def squeeze(a, axis=None) -> ndarray:
    """Removes size-1 axes (those in ``axis``, or all)."""
    a = as_np(a)
    if axis is not None:
        axes = (axis,) if _is_int(axis) else tuple(axis)
        for ax in axes:
            if not -a.ndim <= ax < a.ndim:
                raise MXNetValueError(
                    f"squeeze: axis {ax} is out of bounds for an array of dimension {a.ndim}"
                )
            if a.shape[ax] != 1:
                raise MXNetValueError(
                    f"squeeze: cannot select an axis to squeeze out which has size not equal "
                    f"to one (axis {ax} has size {a.shape[ax]})"
                )
        axis = axes
    return ndarray(_core.squeeze(a, axis))


def broadcast_to(array, shape) -> ndarray:
    """``array`` broadcast to ``shape`` (NumPy's rules: new axes are added on the left)."""
    array = as_np(array)
    shape = (shape,) if _is_int(shape) else tuple(int(d) for d in shape)
    if tuple(array.shape) == shape:
        return array
    try:
        onp.broadcast_shapes(array.shape, shape)
        if onp.broadcast_shapes(array.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise MXNetValueError(
            f"broadcast_to: operands could not be broadcast together with shape {array.shape} "
            f"and requested shape {shape}"
        ) from None
    x = array
    if x.ndim < len(shape):
        x = _core.reshape(x, (1,) * (len(shape) - x.ndim) + tuple(x.shape), False)
    if 0 in shape:
        return ndarray(_core.empty(shape, x._dtype_name, x._device_type, x._device_id))
    return ndarray(_core.broadcast_to(x, shape))


def _common(arrays: Sequence, op: str) -> list:
    arrays = [as_np(a) for a in arrays]
    if not arrays:
        raise MXNetValueError(f"{op}: need at least one array")
    target = arrays[0]._dtype_name
    for a in arrays[1:]:
        target = promote_dtypes(target, a._dtype_name)
    return [a if a._dtype_name == target else ndarray(_core.astype(a, target)) for a in arrays]


def concatenate(seq, axis=0, out=None) -> ndarray:
    """Joins arrays along an existing axis (flattened first when ``axis`` is None)."""
    arrays = _common(seq, "concatenate")
    if axis is None:
        arrays, axis = [ravel(a) for a in arrays], 0
    ndim = arrays[0].ndim
    for i, a in enumerate(arrays):
        if a.ndim != ndim:
            raise MXNetValueError(
                "concatenate: all the input arrays must have same number of dimensions, but "
                f"the array at index 0 has {ndim} dimension(s) and the array at index {i} has "
                f"{a.ndim} dimension(s)"
            )
    return _write_out(ndarray(_core.concat(arrays, int(axis))), out)


def stack(arrays, axis: int = 0, out=None) -> ndarray:
    """Joins same-shaped arrays along a new axis."""
    arrays = _common(arrays, "stack")
    return _write_out(ndarray(_core.stack(arrays, int(axis))), out)


def split(ary, indices_or_sections, axis: int = 0) -> list:
    """Splits into equal sections (an int) or at the given indices."""
    ary = as_np(ary)
    if not _is_int(indices_or_sections):
        indices_or_sections = [int(i) for i in indices_or_sections]
    return [ndarray(p) for p in _nd_shape.split_v2(ary, indices_or_sections, int(axis))]


def tile(A, reps) -> ndarray:  # noqa: N803  (NumPy's name)
    """Repeats the whole array ``reps`` times along each axis."""
    reps = (reps,) if _is_int(reps) else tuple(reps)
    return ndarray(_nd_shape.tile(as_np(A), reps))


def repeat(a, repeats: int, axis=None) -> ndarray:
    """Repeats each element ``repeats`` times (of the flattened array when ``axis`` is None)."""
    return ndarray(_nd_shape.repeat(as_np(a), repeats, axis))


def flip(m, axis=None) -> ndarray:
    """Reverses the order of elements along ``axis`` (all axes when None)."""
    m = as_np(m)
    if axis is None:
        axis = tuple(range(m.ndim))
    if axis == ():
        return m
    return ndarray(_nd_shape.flip(m, axis))


def meshgrid(*xi, indexing: str = "xy", sparse: bool = False, copy: bool = True) -> list:
    """Coordinate matrices from coordinate vectors (``indexing`` 'xy' or 'ij')."""
    if indexing not in ("xy", "ij"):
        raise MXNetValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    vectors = [ravel(as_np(x)) for x in xi]
    lengths = [v.shape[0] for v in vectors]
    if indexing == "xy" and len(vectors) > 1:
        lengths[0], lengths[1] = lengths[1], lengths[0]
    outputs = []
    for i, v in enumerate(vectors):
        position = i
        if indexing == "xy" and len(vectors) > 1 and i < 2:
            position = 1 - i
        shape = [1] * len(vectors)
        shape[position] = v.shape[0]
        grid = ndarray(_core.reshape(v, tuple(shape), False))
        if not sparse:
            grid = ndarray(_core.clone(broadcast_to(grid, tuple(lengths))))
        outputs.append(grid)
    return outputs
