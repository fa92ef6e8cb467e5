"""Small MXNet ``nd`` operators: gradient stops, casts, index helpers and legacy names."""

from __future__ import annotations

from typing import Optional

import numpy as np

from .. import _core
from ..base import MXNetValueError
from .arguments import exporter
from .ndarray import NDArray, array
from .ops import _REDUCE_PROD, _REDUCE_SUM, _write_out, argmax, one_hot, pick

__all__ = []


_export_here = exporter(__all__)


def _alias(name: str, fn) -> None:
    globals()[name] = fn
    __all__.append(name)


@_export_here
def stop_gradient(data: NDArray, out=None, name=None) -> NDArray:
    """A copy of ``data`` through which no gradient flows."""
    return _write_out(_core.clone(data.detach()), out)


_alias("BlockGrad", stop_gradient)


@_export_here
def amp_cast(data: NDArray, dtype=None, out=None, name=None) -> NDArray:
    """Casts to ``dtype`` (MXNet's mixed-precision cast)."""
    if dtype is None:
        raise MXNetValueError("amp_cast: dtype is required")
    return _write_out(data.astype(dtype), out)


@_export_here
def amp_multicast(
    *data: NDArray,
    num_outputs: Optional[int] = None,
    cast_narrow: bool = False,
    out=None,
    name=None,
):
    """Casts all inputs to their widest (``cast_narrow``: narrowest) float dtype."""
    if num_outputs is not None and int(num_outputs) != len(data):
        raise MXNetValueError(
            f"amp_multicast: num_outputs={num_outputs} but {len(data)} input(s) were given"
        )
    widths = [np.dtype(d.dtype).itemsize for d in data]
    target = data[(widths.index(min(widths)) if cast_narrow else widths.index(max(widths)))].dtype
    return [d.astype(target) for d in data]


@_export_here
def reset_arrays(*data: NDArray, num_arrays: Optional[int] = None) -> None:
    """Sets every input array to zero, in place."""
    if num_arrays is not None and int(num_arrays) != len(data):
        raise MXNetValueError(f"reset_arrays: num_arrays={num_arrays} but {len(data)} arrays")
    for d in data:
        _core.fill_(d, 0.0)


@_export_here
def choose_element_0index(
    data: NDArray,
    index: NDArray,
    axis: int = -1,
    keepdims=False,
    mode: str = "clip",
    out=None,
    name=None,
) -> NDArray:
    """MXNet's legacy name for ``pick``."""
    return pick(data, index, axis=axis, keepdims=keepdims, mode=mode, out=out)


@_export_here
def batch_take(a: NDArray, indices: NDArray, out=None, name=None) -> NDArray:
    """``a[i, indices[i]]`` for a 2-D ``a`` (MXNet's legacy ``pick``)."""
    if a.ndim != 2:
        raise MXNetValueError(f"batch_take: a must be 2-D, got shape {a.shape}")
    return pick(a, indices, axis=1, out=out)


@_export_here
def fill_element_0index(lhs: NDArray, mhs: NDArray, rhs: NDArray, out=None, name=None) -> NDArray:
    """A copy of 2-D ``lhs`` with ``lhs[i, rhs[i]] = mhs[i]``."""
    if lhs.ndim != 2 or mhs.shape != (lhs.shape[0],) or rhs.shape != (lhs.shape[0],):
        raise MXNetValueError(
            f"fill_element_0index: lhs must be (N, M) with mhs and rhs of shape (N,), got "
            f"{lhs.shape}, {mhs.shape}, {rhs.shape}"
        )
    mask = one_hot(rhs, lhs.shape[1], dtype=lhs.dtype)
    keep = _core.subtract(
        _core.full(tuple(lhs.shape), 1.0, lhs._dtype_name, lhs._device_type, lhs._device_id), mask
    )
    filled = _core.add(_core.multiply(lhs, keep), _core.multiply(mask, _core.expand_dims(mhs, 1)))
    return _write_out(filled, out)


@_export_here
def onehot_encode(indices: NDArray, out: NDArray) -> NDArray:
    """Writes the one-hot encoding of ``indices`` into the (N, depth) array ``out``."""
    if out is None or out.ndim != 2:
        raise MXNetValueError("onehot_encode: out must be a 2-D NDArray (N, depth)")
    return _write_out(one_hot(indices, out.shape[1], dtype=out.dtype), out)


@_export_here
def shape_array(data: NDArray, out=None, name=None) -> NDArray:
    """The shape of ``data`` as a 1-D int64 array."""
    return _write_out(
        array(np.array(data.shape, dtype=np.int64), ctx=data.context, dtype="int64"), out
    )


@_export_here
def size_array(data: NDArray, out=None, name=None) -> NDArray:
    """The number of elements of ``data`` as a shape-(1,) int64 array."""
    return _write_out(
        array(np.array([data.size], dtype=np.int64), ctx=data.context, dtype="int64"), out
    )


def _nan_reduce(code: int, fill: float, data, axis, keepdims, exclude, out):
    isnan = _core.not_equal(data, data)
    filler = _core.full(
        tuple(data.shape), fill, data._dtype_name, data._device_type, data._device_id
    )
    return _write_out(
        _core.reduce(code, _core.where(isnan, filler, data), axis, keepdims, exclude), out
    )


@_export_here
def nansum(data: NDArray, axis=None, keepdims=False, exclude=False, out=None, name=None):
    """Sum over ``axis`` treating NaN as zero."""
    return _nan_reduce(_REDUCE_SUM, 0.0, data, axis, keepdims, exclude, out)


@_export_here
def nanprod(data: NDArray, axis=None, keepdims=False, exclude=False, out=None, name=None):
    """Product over ``axis`` treating NaN as one."""
    return _nan_reduce(_REDUCE_PROD, 1.0, data, axis, keepdims, exclude, out)


@_export_here
def argmax_channel(data: NDArray, out=None, name=None) -> NDArray:
    """Indices of the maxima along the last axis."""
    return argmax(data, axis=-1, out=out)


def _check_index_shape(shape, op: str) -> tuple:
    if shape is None or not len(shape):
        raise MXNetValueError(f"{op}: shape is required")
    shape = tuple(int(s) for s in shape)
    if any(s < 1 for s in shape):
        raise MXNetValueError(f"{op}: shape must be positive, got {shape}")
    return shape


@_export_here
def ravel_multi_index(data: NDArray, shape=None, out=None, name=None) -> NDArray:
    """Flat indices of the (ndim, N) coordinates ``data`` into an array of ``shape``."""
    shape = _check_index_shape(shape, "ravel_multi_index")
    coords = data.asnumpy().astype(np.int64)
    if coords.shape[0] != len(shape):
        raise MXNetValueError(
            f"ravel_multi_index: data has {coords.shape[0]} coordinate rows for a "
            f"{len(shape)}-D shape"
        )
    strides = np.cumprod((1,) + shape[:0:-1])[::-1]
    flat = np.tensordot(strides, coords, axes=1)
    return _write_out(array(flat, ctx=data.context, dtype=data.dtype), out)


@_export_here
def unravel_index(data: NDArray, shape=None, out=None, name=None) -> NDArray:
    """(ndim, N) coordinates of the flat indices ``data`` in an array of ``shape``."""
    shape = _check_index_shape(shape, "unravel_index")
    flat = data.asnumpy().astype(np.int64)
    coords = np.stack(np.unravel_index(flat % int(np.prod(shape)), shape))
    return _write_out(array(coords, ctx=data.context, dtype=data.dtype), out)


@_export_here
def cast_storage(data: NDArray, stype: Optional[str] = None, out=None, name=None) -> NDArray:
    """Dense storage only: 'default' returns a copy."""
    if stype != "default":
        raise NotImplementedError(
            f"cast_storage: stype={stype!r} is not supported by gluonlite (dense storage only)"
        )
    return _write_out(_core.clone(data), out)
