"""Spatial sampling operators: GridGenerator, BilinearSampler and ROIPooling (MXNet's).

Composed from core ops (batch_dot, take, where, reductions), so both devices and the
gradients come from the core: BilinearSampler is differentiable in data and grid,
ROIPooling in data (as in MXNet, not in the boxes).
"""

from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from .. import _core
from ..base import MXNetValueError
from .arguments import checked_api
from .ndarray import NDArray, array
from .ops import _REDUCE_MAX, _write_out, batch_dot, filled

__all__ = ["GridGenerator", "BilinearSampler", "ROIPooling"]


def _pair(value, what: str, op: str) -> tuple:
    pair = (value, value) if isinstance(value, numbers.Integral) else tuple(value or ())
    if len(pair) != 2 or any(int(v) < 1 for v in pair):
        raise MXNetValueError(f"{op}: {what} must be two positive integers, got {value!r}")
    return int(pair[0]), int(pair[1])


@checked_api
def GridGenerator(
    data: NDArray, transform_type: Optional[str] = None, target_shape=(0, 0), out=None, name=None
) -> NDArray:
    """Sampling grids (N, 2, H, W) of normalized (x, y) source coordinates in [-1, 1].

    'affine': ``data`` is (N, 6), the row-major 2x3 matrices applied to the target
    grid of ``target_shape``. 'warp': ``data`` is a (N, 2, H, W) flow in pixels added to
    each target pixel's own position.
    """
    if transform_type == "affine":
        h, w = _pair(target_shape, "target_shape", "GridGenerator")
        if data.ndim != 2 or data.shape[1] != 6:
            raise MXNetValueError(f"GridGenerator: affine data must be (N, 6), got {data.shape}")
        ys, xs = np.meshgrid(np.linspace(-1, 1, h), np.linspace(-1, 1, w), indexing="ij")
        target = np.stack([xs.ravel(), ys.ravel(), np.ones(h * w)])  # (3, H*W)
        n = data.shape[0]
        theta = _core.reshape(data, (n, 2, 3), False)
        base = _core.broadcast_to(
            _core.expand_dims(array(target, ctx=data.context, dtype=data.dtype), 0), (n, 3, h * w)
        )
        return _write_out(_core.reshape(batch_dot(theta, base), (n, 2, h, w), False), out)
    if transform_type == "warp":
        if data.ndim != 4 or data.shape[1] != 2:
            raise MXNetValueError(
                f"GridGenerator: warp data must be (N, 2, H, W), got {data.shape}"
            )
        n, _, h, w = data.shape
        ys, xs = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
        base = array(np.stack([xs, ys])[None], ctx=data.context, dtype=data.dtype)
        scale = np.array([2.0 / max(w - 1, 1), 2.0 / max(h - 1, 1)]).reshape(1, 2, 1, 1)
        pixels = _core.add(data, _core.broadcast_to(base, tuple(data.shape)))
        normed = _core.multiply(
            pixels,
            _core.broadcast_to(array(scale, ctx=data.context, dtype=data.dtype), tuple(data.shape)),
        )
        return _write_out(_core.subtract(normed, filled(data, 1.0)), out)
    raise MXNetValueError(
        f"GridGenerator: transform_type must be 'affine' or 'warp', got {transform_type!r}"
    )


@checked_api
def BilinearSampler(data: NDArray, grid: NDArray, cudnn_off=None, out=None, name=None) -> NDArray:
    """Samples (N, C, H, W) ``data`` at the (N, 2, H', W') normalized ``grid`` coordinates,
    bilinearly, with zeros outside the input."""
    if data.ndim != 4 or grid.ndim != 4 or grid.shape[1] != 2 or grid.shape[0] != data.shape[0]:
        raise MXNetValueError(
            f"BilinearSampler: data must be (N, C, H, W) and grid (N, 2, H', W'), got "
            f"{data.shape} and {grid.shape}"
        )
    n, c, h, w = data.shape
    oh, ow = grid.shape[2], grid.shape[3]
    gx = _core.reshape(_core.slice_axis(grid, 1, 0, 1), (n, oh * ow), False)
    gy = _core.reshape(_core.slice_axis(grid, 1, 1, 2), (n, oh * ow), False)
    # source pixel coordinates
    x = _core.multiply(_core.add(gx, filled(gx, 1.0)), filled(gx, (w - 1) / 2.0))
    y = _core.multiply(_core.add(gy, filled(gy, 1.0)), filled(gy, (h - 1) / 2.0))
    x0, y0 = _core.floor(x).detach(), _core.floor(y).detach()
    fx, fy = _core.subtract(x, x0), _core.subtract(y, y0)
    one = filled(gx, 1.0)
    # (N*H*W, C) rows, gathered by flat (n, y, x) indices
    rows = _core.reshape(
        _core.transpose(_core.reshape(data, (n, c, h * w), False), (0, 2, 1)), (n * h * w, c), False
    )
    batch = array(
        np.repeat(np.arange(n) * h * w, oh * ow).reshape(n, oh * ow),
        ctx=data.context,
        dtype=data.dtype,
    )
    result = None
    for dy, wy in ((0.0, _core.subtract(one, fy)), (1.0, fy)):
        for dx, wx in ((0.0, _core.subtract(one, fx)), (1.0, fx)):
            cx = _core.add(x0, filled(gx, dx))
            cy = _core.add(y0, filled(gx, dy))
            inside = _core.multiply(
                _core.multiply(
                    _core.greater_equal(cx, filled(gx, 0.0)),
                    _core.lesser_equal(cx, filled(gx, w - 1)),
                ),
                _core.multiply(
                    _core.greater_equal(cy, filled(gx, 0.0)),
                    _core.lesser_equal(cy, filled(gx, h - 1)),
                ),
            )
            flat = _core.add(
                batch,
                _core.add(
                    _core.multiply(_core.clip(cy, 0.0, h - 1), filled(gx, w)),
                    _core.clip(cx, 0.0, w - 1),
                ),
            )
            picked = _core.take(rows, _core.astype(flat, "int64"), 0, "clip")  # (N, HW', C)
            weight = _core.expand_dims(_core.multiply(_core.multiply(wx, wy), inside), 2)
            term = _core.multiply(picked, _core.broadcast_to(weight, tuple(picked.shape)))
            result = term if result is None else _core.add(result, term)
    assert result is not None  # the loops above run at least once
    result = _core.reshape(_core.transpose(result, (0, 2, 1)), (n, c, oh, ow), False)
    return _write_out(result, out)


def _round(v: float) -> int:
    """C's round(): halves away from zero (Python's round() goes to even)."""
    return int(np.floor(v + 0.5)) if v >= 0 else int(np.ceil(v - 0.5))


@checked_api
def ROIPooling(
    data: NDArray,
    rois: NDArray,
    pooled_size=None,
    spatial_scale: Optional[float] = None,
    out=None,
    name=None,
) -> NDArray:
    """Max pooling of each region of interest into a ``pooled_size`` grid of bins.

    ``rois`` is (R, 5): [batch_index, x1, y1, x2, y2] in input-image coordinates, scaled by
    ``spatial_scale`` onto ``data`` (N, C, H, W). Empty bins give 0, as in MXNet.
    """
    ph, pw = _pair(pooled_size, "pooled_size", "ROIPooling")
    if spatial_scale is None:
        raise MXNetValueError("ROIPooling: spatial_scale is required")
    if data.ndim != 4 or rois.ndim != 2 or rois.shape[1] != 5:
        raise MXNetValueError(
            f"ROIPooling: data must be (N, C, H, W) and rois (R, 5), got {data.shape} and "
            f"{rois.shape}"
        )
    n, c, h, w = data.shape
    boxes = rois.asnumpy().astype(np.float64)
    index_sets = []
    for r, (b, x1, y1, x2, y2) in enumerate(boxes):
        b = int(b)
        if not 0 <= b < n:
            raise MXNetValueError(f"ROIPooling: roi {r} has batch index {b}, not in [0, {n})")
        sx1, sy1 = _round(x1 * spatial_scale), _round(y1 * spatial_scale)
        sx2, sy2 = _round(x2 * spatial_scale), _round(y2 * spatial_scale)
        rh, rw = max(sy2 - sy1 + 1, 1), max(sx2 - sx1 + 1, 1)
        for i in range(ph):
            hs = min(max(int(np.floor(i * rh / ph)) + sy1, 0), h)
            he = min(max(int(np.ceil((i + 1) * rh / ph)) + sy1, 0), h)
            for j in range(pw):
                ws = min(max(int(np.floor(j * rw / pw)) + sx1, 0), w)
                we = min(max(int(np.ceil((j + 1) * rw / pw)) + sx1, 0), w)
                index_sets.append(
                    [b * h * w + yy * w + xx for yy in range(hs, he) for xx in range(ws, we)]
                )
    k = max(1, max(len(s) for s in index_sets))
    empty = np.array([not s for s in index_sets])
    # pad each bin with its own first position (max unchanged); empty bins read row 0
    padded = np.array([(s + [s[0]] * (k - len(s))) if s else [0] * k for s in index_sets])
    rows = _core.reshape(
        _core.transpose(_core.reshape(data, (n, c, h * w), False), (0, 2, 1)), (n * h * w, c), False
    )
    picked = _core.take(rows, array(padded, ctx=data.context, dtype="int64"), 0, "clip")
    pooled = _core.reduce(_REDUCE_MAX, picked, (1,), False, False)  # (R*ph*pw, C)
    keep = array(
        np.repeat(~empty[:, None], c, 1).astype(np.float32), ctx=data.context, dtype=data.dtype
    )
    pooled = _core.where(keep, pooled, filled(data, 0.0, pooled.shape))
    r = boxes.shape[0]
    result = _core.transpose(_core.reshape(pooled, (r, ph, pw, c), False), (0, 3, 1, 2))
    return _write_out(_core.clone(result), out)
