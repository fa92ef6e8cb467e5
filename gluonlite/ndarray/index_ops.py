"""MXNet's ordering and index operators of ``nd``: sort, argsort, topk, gather_nd, scatter_nd,
the Sequence* family, slice and slice_like, and NDArray's integer-array indexing.

Differences from MXNet 1.9.1, on purpose:

* Sorting is stable and NaN-aware everywhere: ties keep the lower index first, NaN sorts
  after +inf (first when descending), identically on CPU and GPU. MXNet's CPU sort is
  stable only for rows of up to 16 elements, and NaN scrambles its order.
* ``sort`` has a gradient along any axis (MXNet 1.9.1's fails unless ``axis=None``);
  float16 and bool data and empty arrays sort (MXNet refuses them).
* ``SequenceLast`` without ``sequence_length`` sends its gradient to the last step (MXNet's
  goes to the first). Lengths are truncated to integers as in MXNet; a length beyond the
  axis counts as the whole axis (MXNet reads past the sequence and returns zeros).
* ``scatter_nd`` and indexed assignment raise IndexError for an out-of-range index (MXNet
  silently drops it); ``x[[]]`` gives an empty array (MXNet raises).
"""

from __future__ import annotations

import builtins
import numbers
from typing import Optional

import numpy as np

from .. import _core
from ..base import MXNetTypeError, MXNetValueError
from .arguments import checked_api
from .ndarray import NDArray, _dtype_name, array, fit_value
from .ops import _own_data, _write_out

__all__ = []
_pyslice = builtins.slice  # nd.slice below shadows the builtin in this module


def _export(fn):
    """Makes ``fn`` public, its binding errors translated (see arguments.py)."""
    __all__.append(fn.__name__)
    return checked_api(fn)


def _device(arr: NDArray) -> tuple:
    return arr._device_type, arr._device_id


def _write_outs(results: list, out) -> list:
    if out is None:
        return results
    outs = [out] if isinstance(out, NDArray) else list(out)
    if len(outs) != len(results):
        raise MXNetValueError(f"out has {len(outs)} array(s), expected {len(results)}")
    return [_write_out(r, o) for r, o in zip(results, outs)]


# ---- sort, argsort, topk ---------------------------------------------------------------------

_INDEX_DTYPES = ("float16", "float32", "float64", "int32", "int64", "uint8")
_RET_TYPES = {"value": 0, "indices": 1, "mask": 2, "both": 3}


def _check_flag(value, what: str, op: str) -> bool:
    if isinstance(value, (bool, np.bool_)) or (
        isinstance(value, numbers.Integral) and value in (0, 1)
    ):
        return bool(value)
    raise MXNetTypeError(f"{op}: {what} must be a boolean, got {value!r}")


def _index_dtype(dtype, op: str) -> str:
    try:
        name = _dtype_name(dtype)
    except TypeError:
        name = None
    if name not in _INDEX_DTYPES:
        raise MXNetValueError(
            f"{op}: dtype {dtype!r} is not supported for indices; valid values are "
            + ", ".join(repr(d) for d in _INDEX_DTYPES)
        )
    return name


def _sort_axis(data: NDArray, axis, op: str):
    """(array, axis) to sort along: axis None sorts the flattened array."""
    if axis is None:
        return data.reshape((-1,)), 0
    if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
        raise MXNetTypeError(f"{op}: axis must be an int or None, got {axis!r}")
    return data, int(axis)


@_export
def sort(data: NDArray, axis=-1, is_ascend=True, out=None, name=None) -> NDArray:
    """Sorted copy along ``axis`` (flattened when None), stable and NaN-last (see above)."""
    x, ax = _sort_axis(data, axis, "sort")
    return _write_out(_core.sort(x, ax, _check_flag(is_ascend, "is_ascend", "sort")), out)


@_export
def argsort(
    data: NDArray, axis=-1, is_ascend=True, dtype="float32", out=None, name=None
) -> NDArray:
    """Indices that sort ``data`` along ``axis``, in ``dtype`` (float32 by default, as MXNet)."""
    x, ax = _sort_axis(data, axis, "argsort")
    ascend = _check_flag(is_ascend, "is_ascend", "argsort")
    return _write_out(_core.argsort(x, ax, ascend, _index_dtype(dtype, "argsort")), out)


@_export
def topk(
    data: NDArray,
    axis=-1,
    k=1,
    ret_typ="indices",
    is_ascend=False,
    dtype="float32",
    out=None,
    name=None,
):
    """The ``k`` largest (smallest with ``is_ascend``) along ``axis``; k < 1 takes all.

    ``ret_typ``: 'indices' (in ``dtype``), 'value', 'mask' (data's shape and dtype, 1 at the
    selected positions) or 'both' ([value, indices], as MXNet).
    """
    if ret_typ not in _RET_TYPES:
        raise MXNetValueError(
            f"topk: ret_typ {ret_typ!r} is not valid; expected one of 'both', 'indices', "
            "'mask', 'value'"
        )
    if not isinstance(k, numbers.Integral) or isinstance(k, bool):
        raise MXNetTypeError(f"topk: k must be an int, got {k!r}")
    x, ax = _sort_axis(data, axis, "topk")
    ascend = _check_flag(is_ascend, "is_ascend", "topk")
    results = _core.topk(x, ax, int(k), _RET_TYPES[ret_typ], ascend, _index_dtype(dtype, "topk"))
    if ret_typ == "mask" and axis is None:
        results = [results[0].reshape(data.shape)]
    if ret_typ == "both":
        return _write_outs(results, out)
    return _write_out(results[0], out)


# ---- gather_nd, scatter_nd -------------------------------------------------------------------


def _as_indices(indices, like: NDArray) -> NDArray:
    if isinstance(indices, NDArray):
        return indices
    return array(indices, ctx=like.context, dtype="int64")


@_export
def gather_nd(data: NDArray, indices, out=None, name=None) -> NDArray:
    """``indices`` (M, Y...) address data's first M axes: the result has shape
    Y + data.shape[M:]. Negative indices count from the end; out of range raises IndexError."""
    return _write_out(_core.gather_nd(data, _as_indices(indices, data)), out)


@_export
def scatter_nd(data: NDArray, indices, shape=None, out=None, name=None) -> NDArray:
    """Zeros of ``shape`` with ``data`` written at ``indices`` (the inverse of gather_nd).

    A position given twice keeps one write (the last on the CPU), as in MXNet.
    """
    if shape is None:
        raise MXNetValueError("scatter_nd: shape is required")
    return _write_out(_core.scatter_nd(data, _as_indices(indices, data), shape), out)


# ---- SequenceMask, SequenceLast, SequenceReverse ---------------------------------------------


def _sequence_lengths(
    op: str, data: NDArray, sequence_length, use_sequence_length, axis, axes: tuple
) -> Optional[NDArray]:
    """Checks the Sequence* arguments; the lengths as int64, or None when not used."""
    if not isinstance(data, NDArray):
        raise MXNetTypeError(f"{op}: data must be an NDArray, got {type(data).__name__}")
    if data.ndim < 2:
        raise MXNetValueError(
            f"{op}: data must have rank 2 or more (time and batch axes), got shape {data.shape}"
        )
    if axis not in axes or isinstance(axis, bool):
        raise MXNetValueError(
            f"{op}: axis must be {' or '.join(map(str, axes))}, got {axis!r} (time-major "
            "layouts only, as in MXNet)"
        )
    use = _check_flag(use_sequence_length, "use_sequence_length", op)
    if not use:
        if sequence_length is not None:
            raise MXNetValueError(
                f"{op}: sequence_length was given but use_sequence_length is False; pass "
                "use_sequence_length=True to apply it"
            )
        return None
    if not isinstance(sequence_length, NDArray):
        raise MXNetValueError(
            f"{op}: use_sequence_length=True needs sequence_length, an NDArray of batch size"
        )
    batch = data.shape[1 - axis]
    if sequence_length.shape != (batch,):
        raise MXNetValueError(
            f"{op}: sequence_length has shape {sequence_length.shape} but data of shape "
            f"{data.shape} with axis={axis} has batch size {batch}: expected ({batch},)"
        )
    return _core.astype(sequence_length.as_in_context(data.context), "int64")


def _time_batch(values: NDArray, axis: int, ndim: int) -> NDArray:
    """(T, B) values (or (B, T) for axis 1) reshaped to broadcast against rank-``ndim`` data."""
    return _core.reshape(values, values.shape + (1,) * (ndim - 2), False)


def _steps(data: NDArray, axis: int) -> NDArray:
    """Time positions 0..T-1 as int64, shaped (T, 1) for axis 0 and (1, T) for axis 1."""
    t = data.shape[axis]
    steps = _core.arange(0.0, float(t), 1.0, 1, "int64", *_device(data))
    return _core.reshape(steps, (t, 1) if axis == 0 else (1, t), False)


@_export
def SequenceMask(
    data: NDArray,
    sequence_length: Optional[NDArray] = None,
    use_sequence_length=False,
    value=0.0,
    axis=0,
    out=None,
    name=None,
) -> NDArray:
    """Sets steps at or beyond each sequence's length to ``value``; time is ``axis`` (0 or 1)
    and batch the other one of the first two axes."""
    lengths = _sequence_lengths(
        "SequenceMask", data, sequence_length, use_sequence_length, axis, (0, 1)
    )
    if lengths is None:
        return _write_out(_core.clone(data), out)
    batch = _core.reshape(lengths, (1, -1) if axis == 0 else (-1, 1), False)
    keep = _time_batch(_core.lesser(_steps(data, axis), batch), axis, data.ndim)
    filler = _core.full((), float(value), data._dtype_name, *_device(data))
    return _write_out(_core.where(_core.astype(keep, data._dtype_name), data, filler), out)


@_export
def SequenceLast(
    data: NDArray,
    sequence_length: Optional[NDArray] = None,
    use_sequence_length=False,
    axis=0,
    out=None,
    name=None,
) -> NDArray:
    """The last valid step of each sequence (the last step when no lengths are used);
    a sequence of length 0 gives zeros."""
    lengths = _sequence_lengths(
        "SequenceLast", data, sequence_length, use_sequence_length, axis, (0, 1)
    )
    t = data.shape[axis]
    if lengths is None:
        last = _core.full((), float(t - 1), "int64", *_device(data))
        return _write_out(_core.take(data, last, axis, "clip"), out)
    rest = data.shape[2:]
    index = _core.broadcast_to(
        _core.reshape(
            _core.clip(_core.subtract(lengths, 1), 0.0, float(t - 1)),
            (-1,) + (1,) * len(rest),
            False,
        ),
        (data.shape[1 - axis],) + rest,
    )
    picked = _core.pick(data, index, axis, False, "clip")
    valid = _core.reshape(_core.greater(lengths, 0), (-1,) + (1,) * len(rest), False)
    zero = _core.full((), 0.0, data._dtype_name, *_device(data))
    return _write_out(_core.where(_core.astype(valid, data._dtype_name), picked, zero), out)


@_export
def SequenceReverse(
    data: NDArray,
    sequence_length: Optional[NDArray] = None,
    use_sequence_length=False,
    axis=0,
    out=None,
    name=None,
) -> NDArray:
    """Reverses the first ``sequence_length[b]`` steps of each sequence b along axis 0 (the
    whole axis when no lengths are used); later steps stay in place."""
    lengths = _sequence_lengths(
        "SequenceReverse", data, sequence_length, use_sequence_length, axis, (0,)
    )
    t = data.shape[0]
    steps = _steps(data, 0)
    if lengths is None:
        source = _core.subtract(t - 1, steps)
    else:
        n = _core.reshape(_core.clip(lengths, 0.0, float(t)), (1, -1), False)
        inside = _core.lesser(steps, n)
        source = _core.where(
            _core.astype(inside, "int64"),
            _core.subtract(_core.subtract(n, 1), steps),
            _core.broadcast_to(steps, inside.shape),
        )
    source = _core.broadcast_to(_time_batch(source, 0, data.ndim), data.shape)
    return _write_out(_core.take_along_axis(data, source, 0), out)


# ---- slice, slice_like -----------------------------------------------------------------------


def _int_tuple(value, what: str, op: str) -> tuple:
    if value is None or isinstance(value, numbers.Integral):
        return (value,)
    try:
        entries = tuple(value)
    except TypeError:
        raise MXNetTypeError(
            f"{op}: {what} must be a tuple of ints or None, got {value!r}"
        ) from None
    for v in entries:
        if v is not None and (not isinstance(v, numbers.Integral) or isinstance(v, bool)):
            raise MXNetTypeError(f"{op}: {what} must be a tuple of ints or None, got {value!r}")
    return entries


@_export
def slice(data: NDArray, begin=None, end=None, step=(), out=None, name=None) -> NDArray:
    """data[begin[0]:end[0]:step[0], begin[1]:end[1]:step[1], ...] as a new array; None
    entries and omitted axes take the whole axis, bounds clip as Python slices do."""
    if begin is None or end is None:
        raise MXNetValueError("slice: begin and end are required")
    begin, end = _int_tuple(begin, "begin", "slice"), _int_tuple(end, "end", "slice")
    step = _int_tuple(step, "step", "slice") if step is not None else ()
    if len(begin) != len(end):
        raise MXNetValueError(f"slice: begin {begin} and end {end} must have the same length")
    if step and len(step) != len(begin):
        raise MXNetValueError(f"slice: step {step} and begin {begin} must have the same length")
    if len(begin) > data.ndim:
        raise MXNetValueError(
            f"slice: begin {begin} slices {len(begin)} axes but data of shape {data.shape} "
            f"has {data.ndim}"
        )
    spec = []
    for i, (b, e) in enumerate(zip(begin, end)):
        s = step[i] if step and step[i] is not None else 1
        if s == 0:
            raise MXNetValueError(f"slice: step[{i}] cannot be 0")
        spec.append((1,) + _pyslice(b, e, s).indices(data.shape[i]))
    return _write_out(_own_data(_core.slice_view(data, spec), data), out)


@_export
def slice_like(data: NDArray, shape_like: NDArray, axes=(), out=None, name=None) -> NDArray:
    """Slices ``data`` from the start to ``shape_like``'s shape on ``axes`` (all when empty)."""
    like = shape_like.shape
    if axes is None or (not isinstance(axes, numbers.Integral) and len(axes) == 0):
        if len(like) != data.ndim:
            raise MXNetValueError(
                f"slice_like: data of shape {data.shape} and shape_like of shape {like} differ "
                "in rank; give axes to slice only some of them"
            )
        axes = range(data.ndim)
    spec = [(1, 0, n, 1) for n in data.shape]
    for a in _int_tuple(axes, "axes", "slice_like"):
        # a negative axis counts from data's end, as in MXNet, and indexes both arrays
        ax = a + data.ndim if a is not None and a < 0 else a
        if ax is None or not 0 <= ax < min(data.ndim, len(like)):
            raise MXNetValueError(
                f"slice_like: axis {a} is out of range for data of shape {data.shape} and "
                f"shape_like of shape {like}"
            )
        if like[ax] > data.shape[ax]:
            raise MXNetValueError(
                f"slice_like: axis {a} of shape_like has size {like[ax]}, larger than data's "
                f"{data.shape[ax]}"
            )
        spec[ax] = (1, 0, like[ax], 1)
    return _write_out(_own_data(_core.slice_view(data, spec), data), out)


# ---- integer-array indexing (NDArray.__getitem__ / __setitem__) -----------------------------
# MXNet's legacy rules are numpy's, with one difference: when the advanced indices (arrays
# and the integers among them) are adjacent, a None after the first of them does not stay
# in place but becomes a new axis at the position counting only the slices and Nones before
# it (x[[1, 0], None] has shape (1, 2, ...), not (2, 1, ...)). Index arrays may hold
# floats (truncated) and bools (taken as 0 and 1); boolean NDArrays are refused.


def _index_array(entry) -> np.ndarray:
    if isinstance(entry, NDArray):
        if entry.dtype == np.bool_:
            raise ValueError(
                "NDArray indexing: a boolean NDArray index is not supported (MXNet's legacy "
                "NDArray has no boolean indexing); use integer indices, e.g. from np.nonzero"
            )
        host = entry.asnumpy()
    else:
        host = np.asarray(entry)
    if host.dtype.kind == "f":
        return np.trunc(host).astype(np.int64)
    if host.dtype.kind not in "biu":
        raise IndexError(
            f"NDArray index of type {type(entry).__name__} holding {host.dtype} is not "
            "supported; use integers, slices, None, Ellipsis or integer arrays"
        )
    return host.astype(np.int64, copy=False)


def _advanced_plan(shape: tuple, key):
    """(positions, grid, final shape) of a key holding index arrays: int64 positions (numpy)
    in ``shape`` seen as ``grid`` = (prod(leading axes), prod(trailing whole axes))."""
    entries = [
        e
        if e is None or e is Ellipsis or isinstance(e, _pyslice)
        else int(e)
        if isinstance(e, (numbers.Integral, np.integer)) and not isinstance(e, (bool, np.bool_))
        else _index_array(e)
        for e in (key if isinstance(key, tuple) else (key,))
    ]
    n_real = sum(1 for e in entries if e is not None and e is not Ellipsis)
    if n_real > len(shape):
        raise IndexError(f"too many indices ({n_real}) for an array of shape {shape}")
    ellipses = [i for i, e in enumerate(entries) if e is Ellipsis]
    if len(ellipses) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    fill = [_pyslice(None)] * (len(shape) - n_real)
    if ellipses:
        entries[ellipses[0] : ellipses[0] + 1] = fill
    else:
        entries += fill
    arrays = [e.shape for e in entries if isinstance(e, np.ndarray)]
    try:
        np.broadcast_shapes(*arrays)
    except ValueError:
        raise ValueError(
            "NDArray indexing: index arrays of shapes %s cannot be broadcast together"
            % ", ".join(map(str, arrays))
        ) from None
    advanced = [i for i, e in enumerate(entries) if isinstance(e, (int, np.ndarray))]
    late = []
    if advanced == list(range(advanced[0], advanced[-1] + 1)):
        late = [i for i, e in enumerate(entries) if e is None and i > advanced[0]]
    kept = [e for i, e in enumerate(entries) if i not in late]
    # Trailing whole axes stay rows of the gather, not per-element positions.
    lead = len(shape)
    while isinstance(kept[-1], _pyslice) and kept[-1].indices(shape[lead - 1]) == (
        0,
        shape[lead - 1],
        1,
    ):
        kept.pop()
        lead -= 1
    flat = np.zeros((), dtype=np.int64)
    stride = 1
    for axis in reversed(range(lead)):
        grid = np.arange(shape[axis], dtype=np.int64).reshape(
            [shape[axis] if a == axis else 1 for a in range(lead)]
        )
        flat = flat + np.broadcast_to(grid, shape[:lead])[tuple(kept)] * stride
        stride *= shape[axis]
    final = list(flat.shape) + list(shape[lead:])
    for i in late:
        final.insert(sum(1 for e in entries[:i] if e is None or isinstance(e, _pyslice)), 1)
    matrix = (stride, int(np.prod(shape[lead:], dtype=np.int64)))
    return np.ascontiguousarray(flat, dtype=np.int64), matrix, tuple(final) or (1,)


def advanced_getitem(arr: NDArray, key) -> NDArray:
    """arr[key] for a key holding index arrays: a gather (its gradient scatter-adds)."""
    if not isinstance(key, tuple) and arr.ndim > 0:  # rows of the first axis
        idx = _index_array(key)
        n = arr.shape[0]
        bad = (idx >= n) | (idx < -n)
        if bad.any():
            raise IndexError(
                f"index {idx[bad].reshape(-1)[0]} is out of bounds for axis 0 with size {n}"
            )
        if idx.size == 0 or arr.size == 0:
            return _core.empty(idx.shape + arr.shape[1:], arr._dtype_name, *_device(arr))
        rows = _core.from_numpy(np.where(idx < 0, idx + n, idx), *_device(arr))
        return _core.take(arr, rows, 0, "clip")
    flat, grid, final = _advanced_plan(arr.shape, key)
    if 0 in final:
        return _core.empty(final, arr._dtype_name, *_device(arr))
    positions = _core.from_numpy(flat, *_device(arr))
    gathered = _core.take(_core.reshape(arr, grid, False), positions, 0, "clip")
    return _core.reshape(gathered, final, False)


def advanced_setitem(arr: NDArray, key, value) -> None:
    """arr[key] = value for a key holding index arrays (a repeated position keeps the last)."""
    flat, grid, final = _advanced_plan(arr.shape, key)
    if isinstance(value, NDArray):
        value = value.as_in_context(arr.context)
    elif isinstance(value, (numbers.Number, np.generic)):
        # numbers.Number declares no __float__; a complex fails in float() as before
        value = _core.full((), float(value), arr._dtype_name, *_device(arr))  # type: ignore[arg-type]
    else:
        value = array(value, ctx=arr.context, dtype=arr._dtype_name)
    value = fit_value(value, final)
    if 0 in final:
        return
    value = _core.reshape(_core.broadcast_to(value, final), flat.shape + grid[1:], False)
    positions = _core.from_numpy(flat, *_device(arr))
    target = arr if arr._is_contiguous else _core.clone(arr)
    _core.index_put_(_core.reshape(target, grid, False), positions, value)
    if target is not arr:
        _core.copy_(arr, target)


def _install_methods(cls) -> None:
    """NDArray methods that are nd functions here and in ops.py (MXNet's list)."""
    from . import ops

    for fn in (sort, argsort, topk, slice, slice_like, ops.take, ops.pick, ops.one_hot):
        setattr(cls, fn.__name__, fn)
