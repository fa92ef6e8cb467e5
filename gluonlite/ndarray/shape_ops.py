"""Shape and layout operators of MXNet's ``nd``: tile, repeat, pad, flip, diag, ...

Each is composed from core ops that have CPU and CUDA kernels and gradients (take,
broadcast_to, reshape, transpose, concat), so each runs on both devices and is
differentiable without a kernel of its own. Index arrays are built on the host; they are
small next to the data they index.
"""

from __future__ import annotations

import numbers
from typing import Optional, Sequence

import numpy as np

from .. import _core
from ..base import MXNetIndexError, MXNetValueError
from .arguments import exporter
from .ndarray import NDArray, array
from .ops import _own_data, _write_out, concat

__all__ = []


_export_here = exporter(__all__)


def _axis(axis: int, ndim: int, op: str, what: str = "axis") -> int:
    if not isinstance(axis, numbers.Integral) or not -ndim <= axis < ndim:
        raise MXNetIndexError(
            f"{op}: {what} {axis!r} is out of range for an array of {ndim} dimension(s)"
        )
    return int(axis) % ndim


def _index(values: np.ndarray, like: NDArray) -> NDArray:
    return array(values, ctx=like.context, dtype="int64")


def _positive(value, op: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise MXNetValueError(f"{op}: {what} must be a positive integer, got {value!r}")
    return int(value)


@_export_here
def tile(data: NDArray, reps=None, out=None, name=None) -> NDArray:
    """Repeats the whole array ``reps[i]`` times along axis i (numpy's rule for lengths)."""
    if reps is None:
        raise MXNetValueError("tile: reps is required")
    reps = (reps,) if isinstance(reps, numbers.Integral) else tuple(int(r) for r in reps)
    if any(r < 0 for r in reps):
        raise MXNetValueError(f"tile: reps must be non-negative, got {reps}")
    ndim = max(len(reps), data.ndim)
    reps = (1,) * (ndim - len(reps)) + reps
    shape = (1,) * (ndim - data.ndim) + tuple(data.shape)
    # (1, d0, 1, d1, ...) broadcast to (r0, d0, r1, d1, ...), then merged pairwise
    paired = tuple(v for d in shape for v in (1, d))
    target = tuple(v for r, d in zip(reps, shape) for v in (r, d))
    x = _core.broadcast_to(_core.reshape(data, paired, False), target)
    result = _core.reshape(x, tuple(r * d for r, d in zip(reps, shape)), False)
    return _write_out(_own_data(result, data), out)


@_export_here
def repeat(data: NDArray, repeats=None, axis=None, out=None, name=None) -> NDArray:
    """Repeats each element ``repeats`` times along ``axis`` (the flattened array if None)."""
    repeats = _positive(repeats, "repeat", "repeats") if repeats != 0 else 0
    x = data
    if axis is None:
        x, axis = _core.reshape(data, (-1,), False), 0
    axis = _axis(axis, x.ndim, "repeat")
    shape = tuple(x.shape)
    expanded = _core.expand_dims(x, axis + 1)
    target = shape[: axis + 1] + (repeats,) + shape[axis + 1 :]
    merged = shape[:axis] + (shape[axis] * repeats,) + shape[axis + 1 :]
    result = _core.reshape(_core.broadcast_to(expanded, target), merged, False)
    return _write_out(_own_data(result, data), out)


def _reflect_index(n: int, before: int, after: int) -> np.ndarray:
    idx = np.arange(-before, n + after)
    if n == 1:
        return np.zeros_like(idx)
    period = 2 * (n - 1)
    idx = np.abs(idx) % period
    return np.where(idx >= n, period - idx, idx)


@_export_here
def pad(
    data: NDArray,
    mode: str = "constant",
    pad_width=None,
    constant_value: float = 0.0,
    out=None,
    name=None,
) -> NDArray:
    """Pads a 4-D or 5-D array: ``mode`` 'constant', 'edge' or 'reflect' (MXNet's ``nd.pad``).

    ``pad_width`` is (before_0, after_0, before_1, after_1, ...), zero for the first two
    axes as in MXNet.
    """
    if mode not in ("constant", "edge", "reflect"):
        raise MXNetValueError(f"pad: mode must be 'constant', 'edge' or 'reflect', got {mode!r}")
    if data.ndim not in (4, 5):
        raise MXNetValueError(f"pad: only 4-D or 5-D input is supported, got {data.ndim}-D")
    if pad_width is None or len(pad_width) != 2 * data.ndim:
        raise MXNetValueError(
            f"pad: pad_width needs {2 * data.ndim} values for {data.ndim}-D input, got {pad_width}"
        )
    widths = [int(w) for w in pad_width]
    if any(w < 0 for w in widths):
        raise MXNetValueError(f"pad: pad_width must be non-negative, got {tuple(widths)}")
    if any(widths[:4]):
        raise MXNetValueError("pad: padding on the first two axes must be zero")
    x = data
    for axis in range(2, data.ndim):
        before, after = widths[2 * axis], widths[2 * axis + 1]
        if not before and not after:
            continue
        n = x.shape[axis]
        if mode == "constant":
            parts = []
            for width in (before, after):
                shape = list(x.shape)
                shape[axis] = width
                parts.append(
                    _core.full(
                        tuple(shape),
                        float(constant_value),
                        x._dtype_name,
                        x._device_type,
                        x._device_id,
                    )
                )
            pieces = ([parts[0]] if before else []) + [x] + ([parts[1]] if after else [])
            x = _core.concat(pieces, axis)
            continue
        if mode == "reflect" and (before >= n or after >= n):
            raise MXNetValueError(
                f"pad: reflect padding of {max(before, after)} needs axis {axis} longer than "
                f"that, got size {n}"
            )
        if mode == "edge":
            idx = np.clip(np.arange(-before, n + after), 0, n - 1)
        else:
            idx = _reflect_index(n, before, after)
        x = _core.take(x, _index(idx, x), axis, "clip")
    return _write_out(_own_data(x, data), out)


Pad = pad
__all__.append("Pad")


def _axes(axis, ndim: int, op: str) -> tuple:
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    return tuple(_axis(a, ndim, op) for a in axes)


@_export_here
def flip(data: NDArray, axis=None, out=None, name=None) -> NDArray:
    """Reverses the order of elements along ``axis`` (an int or a tuple)."""
    if axis is None:
        raise MXNetValueError("flip: axis is required")
    x = data
    for ax in _axes(axis, data.ndim, "flip"):
        x = _core.take(x, _index(np.arange(x.shape[ax] - 1, -1, -1), x), ax, "clip")
    return _write_out(_own_data(x, data), out)


reverse = flip
__all__.append("reverse")


@_export_here
def moveaxis(tensor: NDArray, source=None, destination=None) -> NDArray:
    """Moves axes ``source`` to positions ``destination`` (numpy's ``moveaxis``)."""
    try:
        src = _axes(source, tensor.ndim, "moveaxis")
        dst = _axes(destination, tensor.ndim, "moveaxis")
    except MXNetIndexError as err:  # MXNet raises ValueError here
        raise MXNetValueError(str(err)) from None
    if len(src) != len(dst):
        raise MXNetValueError("moveaxis: source and destination need the same number of axes")
    for what, axes in (("source", src), ("destination", dst)):
        if len(set(axes)) != len(axes):
            raise MXNetValueError("moveaxis: repeated axis in %s %s" % (what, list(axes)))
    order = [a for a in range(tensor.ndim) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return _own_data(_core.transpose(tensor, tuple(order)), tensor)


def _check_4d(data: NDArray, op: str) -> None:
    if data.ndim != 4:
        raise MXNetValueError(f"{op}: data must be 4-D (N, C, H, W), got shape {data.shape}")


@_export_here
def depth_to_space(data: NDArray, block_size: Optional[int] = None, out=None, name=None) -> NDArray:
    """(N, C, H, W) -> (N, C / b², H·b, W·b), moving depth blocks into space (DCR order)."""
    _check_4d(data, "depth_to_space")
    b = _positive(block_size, "depth_to_space", "block_size")
    n, c, h, w = data.shape
    if c % (b * b):
        raise MXNetValueError(
            f"depth_to_space: channels ({c}) must be divisible by block_size² ({b * b})"
        )
    x = _core.reshape(data, (n, b, b, c // (b * b), h, w), False)
    x = _core.transpose(x, (0, 3, 4, 1, 5, 2))
    return _write_out(_core.reshape(x, (n, c // (b * b), h * b, w * b), False), out)


@_export_here
def space_to_depth(data: NDArray, block_size: Optional[int] = None, out=None, name=None) -> NDArray:
    """(N, C, H, W) -> (N, C·b², H / b, W / b), the inverse of ``depth_to_space``."""
    _check_4d(data, "space_to_depth")
    b = _positive(block_size, "space_to_depth", "block_size")
    n, c, h, w = data.shape
    if h % b or w % b:
        raise MXNetValueError(
            f"space_to_depth: height ({h}) and width ({w}) must be divisible by block_size ({b})"
        )
    x = _core.reshape(data, (n, c, h // b, b, w // b, b), False)
    x = _core.transpose(x, (0, 3, 5, 1, 2, 4))
    return _write_out(_core.reshape(x, (n, c * b * b, h // b, w // b), False), out)


@_export_here
def diag(data: NDArray, k: int = 0, axis1: int = 0, axis2: int = 1, out=None, name=None):
    """The k-th diagonal of ``data`` (along axis1/axis2), or a matrix with 1-D data on it."""
    k = int(k)
    if data.ndim == 0:
        raise MXNetValueError("diag: data must have at least one dimension")
    if data.ndim == 1:
        n = data.shape[0]
        m = n + abs(k)
        rows, cols = (
            (np.arange(n), np.arange(n) + k) if k >= 0 else (np.arange(n) - k, np.arange(n))
        )
        flat = np.full(m * m, n, dtype=np.int64)  # index n picks the appended zero
        flat[rows * m + cols] = np.arange(n)
        zero = _core.full((1,), 0.0, data._dtype_name, data._device_type, data._device_id)
        padded = _core.concat([data, zero], 0)
        result = _core.reshape(_core.take(padded, _index(flat, data), 0, "clip"), (m, m), False)
        return _write_out(result, out)
    a1 = _axis(axis1, data.ndim, "diag", "axis1")
    a2 = _axis(axis2, data.ndim, "diag", "axis2")
    if a1 == a2:
        raise MXNetValueError(f"diag: axis1 and axis2 must differ, both are {a1}")
    rest = [a for a in range(data.ndim) if a not in (a1, a2)]
    x = _core.transpose(data, tuple(rest + [a1, a2]))
    r, c = data.shape[a1], data.shape[a2]
    length = max(0, min(r, c - k) if k >= 0 else min(r + k, c))
    i = np.arange(length) + (0 if k >= 0 else -k)
    flat_idx = i * c + i + k
    lead = tuple(data.shape[a] for a in rest)
    x = _core.reshape(x, lead + (r * c,), False)
    result = _core.take(x, _index(flat_idx, data), len(lead), "clip")
    return _write_out(result, out)


@_export_here
def concatenate(arrays: Sequence[NDArray], axis: int = 0, always_copy: bool = True) -> NDArray:
    """Joins ``arrays`` along ``axis`` (MXNet's Python-level ``nd.concatenate``)."""
    arrays = list(arrays)
    if not arrays:
        raise MXNetValueError("concatenate: arrays must not be empty")
    if len(arrays) == 1 and not always_copy:
        return arrays[0]
    return concat(*arrays, dim=axis)


@_export_here
def crop(data: NDArray, begin=None, end=None, step=None, out=None, name=None) -> NDArray:
    """``data[begin:end:step]`` per axis, a copy (MXNet's ``nd.crop``, alias of slice)."""
    if begin is None or end is None:
        raise MXNetValueError("crop: begin and end are required")
    step = step if step is not None else (None,) * len(begin)
    if not len(begin) == len(end) == len(step) or len(begin) > data.ndim:
        raise MXNetValueError(
            f"crop: begin {tuple(begin)}, end {tuple(end)} and step {tuple(step)} need one entry "
            f"per sliced axis (at most {data.ndim})"
        )
    x = data
    for axis, (b, e, s) in enumerate(zip(begin, end, step)):
        s = 1 if s is None else int(s)
        if s == 0:
            raise MXNetValueError(f"crop: step must not be zero (axis {axis})")
        idx = np.arange(x.shape[axis])[slice(b, e, s)]
        if s == 1 and idx.size and idx[-1] - idx[0] + 1 == idx.size:
            x = _core.slice_axis(x, axis, int(idx[0]), int(idx[-1]) + 1)
        else:
            x = _core.take(x, _index(idx, x), axis, "clip")
    return _write_out(_own_data(x, data), out)


@_export_here
def linspace(
    start: float, stop: float, num: int, endpoint: bool = True, ctx=None, dtype="float32"
) -> NDArray:
    """``num`` evenly spaced values from start to stop (numpy's ``linspace``)."""
    values = np.linspace(float(start), float(stop), int(num), endpoint=bool(endpoint))
    return array(values, ctx=ctx, dtype=dtype)


@_export_here
def eye(N: int, M: int = 0, k: int = 0, ctx=None, dtype="float32") -> NDArray:
    """An N x M (N x N when M is 0) array with ones on the k-th diagonal."""
    n = _positive(N, "eye", "N") if N != 0 else 0
    return array(np.eye(n, int(M) or n, int(k)), ctx=ctx, dtype=dtype)


@_export_here
def add_n(*args: NDArray, num_args: Optional[int] = None, out=None, name=None) -> NDArray:
    """The elementwise sum of all the inputs (same shapes)."""
    if not args:
        raise MXNetValueError("add_n: needs at least one array")
    if num_args is not None and int(num_args) != len(args):
        raise MXNetValueError(f"add_n: num_args={num_args} but {len(args)} array(s) were given")
    shape = args[0].shape
    for i, a in enumerate(args):
        if a.shape != shape:
            raise MXNetValueError(
                f"add_n: input {i} has shape {a.shape}, expected {shape} like input 0"
            )
    total = args[0] if len(args) > 1 else _core.clone(args[0])
    for a in args[1:]:
        total = _core.add(total, a)
    return _write_out(total, out)


ElementWiseSum = add_n
__all__.append("ElementWiseSum")


@_export_here
def moments(data: NDArray, axes=None, keepdims: bool = False, out=None, name=None):
    """[mean, variance] over ``axes`` (all axes when None)."""
    from .ops import mean

    axis = None if axes is None else tuple(axes)
    m = mean(data, axis=axis, keepdims=True)
    var = mean(_core.square(_core.subtract(data, m)), axis=axis, keepdims=keepdims)
    return [m if keepdims else mean(data, axis=axis), var]


@_export_here
def khatri_rao(*args: NDArray, num_args: Optional[int] = None, out=None, name=None) -> NDArray:
    """Column-wise Kronecker product of matrices with the same number of columns."""
    if not args:
        raise MXNetValueError("khatri_rao: needs at least one matrix")
    k = args[0].shape[-1]
    for i, a in enumerate(args):
        if a.ndim != 2 or a.shape[1] != k:
            raise MXNetValueError(
                f"khatri_rao: input {i} must be a matrix with {k} columns, got shape {a.shape}"
            )
    result = args[0]
    for a in args[1:]:
        prod = _core.multiply(_core.expand_dims(result, 1), _core.expand_dims(a, 0))
        result = _core.reshape(prod, (-1, k), False)
    return _write_out(_core.clone(result) if len(args) == 1 else result, out)


@_export_here
def broadcast_axis(data: NDArray, axis=(), size=(), out=None, name=None) -> NDArray:
    """Broadcasts the size-1 ``axis`` (int or tuple) to ``size``."""
    axes = _axes(axis, data.ndim, "broadcast_axis")
    sizes = (size,) if isinstance(size, numbers.Integral) else tuple(size)
    if len(axes) != len(sizes):
        raise MXNetValueError(f"broadcast_axis: axis {axis} and size {size} differ in length")
    shape = list(data.shape)
    for a, s in zip(axes, sizes):
        if shape[a] != 1:
            raise MXNetValueError(
                f"broadcast_axis: axis {a} has size {shape[a]}; only size-1 axes broadcast"
            )
        shape[a] = int(s)
    return _write_out(_core.broadcast_to(data, tuple(shape)), out)


broadcast_axes = broadcast_axis
__all__.append("broadcast_axes")


@_export_here
def reshape_like(
    lhs: NDArray,
    rhs: NDArray,
    lhs_begin: Optional[int] = None,
    lhs_end: Optional[int] = None,
    rhs_begin: Optional[int] = None,
    rhs_end: Optional[int] = None,
    out=None,
    name=None,
) -> NDArray:
    """Reshapes lhs[lhs_begin:lhs_end] axes to rhs's rhs_begin:rhs_end axes (all by default)."""

    def span(begin, end, ndim, what):
        b = 0 if begin is None else _axis(begin, ndim + 1, "reshape_like", what + "_begin")
        e = ndim if end is None else (end % ndim if end < 0 else min(int(end), ndim))
        return b, e

    lb, le = span(lhs_begin, lhs_end, lhs.ndim, "lhs")
    rb, re = span(rhs_begin, rhs_end, rhs.ndim, "rhs")
    shape = tuple(lhs.shape[:lb]) + tuple(rhs.shape[rb:re]) + tuple(lhs.shape[le:])
    if int(np.prod(shape)) != lhs.size:
        raise MXNetValueError(
            f"reshape_like: cannot reshape {lhs.shape} into {shape} (axes {lb}:{le} of lhs "
            f"as axes {rb}:{re} of rhs {rhs.shape})"
        )
    return _write_out(_own_data(_core.reshape(lhs, shape, False), lhs), out)


@_export_here
def split_v2(ary: NDArray, indices_or_sections=None, axis: int = 0, squeeze_axis: bool = False):
    """Splits into equal sections (an int) or at the given indices (numpy's ``split``)."""
    axis = _axis(axis, ary.ndim, "split_v2")
    n = ary.shape[axis]
    if isinstance(indices_or_sections, numbers.Integral):
        sections = int(indices_or_sections)
        if sections < 1 or n % sections:
            raise MXNetValueError(
                f"split_v2: axis {axis} of size {n} cannot be split into {sections} equal parts"
            )
        bounds = list(range(0, n + 1, n // sections))
    else:
        bounds = [0] + [int(i) for i in indices_or_sections] + [n]
    parts = []
    for b, e in zip(bounds[:-1], bounds[1:]):
        part = _own_data(_core.slice_axis(ary, axis, b, max(b, e)), ary)
        parts.append(_core.squeeze(part, (axis,)) if squeeze_axis else part)
    return parts


def _slices(begin, end, step) -> tuple:
    step = step if step is not None else (None,) * len(begin)
    return tuple(slice(b, e, s) for b, e, s in zip(begin, end, step))


def _slice_assign(self: NDArray, rhs, begin, end, step) -> NDArray:
    """Writes ``rhs`` into ``self[begin:end:step]`` in place; returns self."""
    self[_slices(begin, end, step)] = rhs
    return self


def _slice_assign_scalar(self: NDArray, value, begin, end, step) -> NDArray:
    """Writes the scalar ``value`` into ``self[begin:end:step]`` in place; returns self."""
    self[_slices(begin, end, step)] = float(value)
    return self


def _view_or_copy(fn, core_fn):
    """An NDArray method ``fn`` whose ``inplace=True`` returns a view (MXNet's methods)."""
    name = fn.__name__

    def method(self, *args, inplace: bool = False, **kwargs):
        if inplace:
            return core_fn(self, *args, **kwargs)
        return fn(self, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"{fn.__doc__}\n\nWith ``inplace=True``, a view of this array's data."
    return method


def _flatten_view(self: NDArray) -> NDArray:
    return _core.flatten(self)


def _expand_dims_view(self: NDArray, axis: int) -> NDArray:
    return _core.expand_dims(self, axis)


def _squeeze_view(self: NDArray, axis=None) -> NDArray:
    return _core.squeeze(self, axis)


def install_methods(cls) -> None:
    """NDArray methods that are the functions of this module (``x.tile(reps)``, ...)."""
    from . import nn_extra_ops, util_ops

    for module, names in [
        (
            globals(),
            [
                "tile",
                "repeat",
                "pad",
                "flip",
                "diag",
                "depth_to_space",
                "space_to_depth",
                "broadcast_axes",
                "reshape_like",
                "split_v2",
            ],
        ),
        (vars(nn_extra_ops), ["softmin"]),
        (vars(util_ops), ["nansum", "nanprod", "argmax_channel", "shape_array", "size_array"]),
    ]:
        for name in names:
            setattr(cls, name, module[name])
    cls.slice_assign = _slice_assign
    from . import ops

    cls.flatten = _view_or_copy(ops.flatten, _flatten_view)
    cls.expand_dims = _view_or_copy(ops.expand_dims, _expand_dims_view)
    cls.squeeze = _view_or_copy(ops.squeeze, _squeeze_view)
    cls.slice_assign_scalar = _slice_assign_scalar
