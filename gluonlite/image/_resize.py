"""Image resizing on the host, following OpenCV's ``cv::resize`` (which MXNet calls).

Each interpolation is a separable linear map: one (out x in) weight matrix per axis, built
from OpenCV's sampling rules (pixel centres at +0.5 except for nearest, edge pixels
replicated), applied to the rows and then the columns through its few non-zero taps.
uint8 results are rounded to nearest and saturated. OpenCV computes uint8 bilinear and
bicubic in fixed point, so a value can differ from MXNet's by one grey level; nearest and
area shrinking are exact.
"""

from __future__ import annotations

import functools

import numpy as np

from ..base import MXNetError


def _nearest(n_in: int, n_out: int) -> np.ndarray:
    src = np.minimum(np.floor(np.arange(n_out) * (n_in / n_out)).astype(np.int64), n_in - 1)
    weights = np.zeros((n_out, n_in))
    weights[np.arange(n_out), src] = 1.0
    return weights


def _kernel_matrix(n_in: int, n_out: int, taps: int, kernel) -> np.ndarray:
    """Weights of a ``taps``-wide kernel around each half-pixel-mapped output position."""
    pos = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
    base = np.floor(pos)
    frac = pos - base
    weights = np.zeros((n_out, n_in))
    first = -(taps // 2) + 1
    for k in range(first, first + taps):
        w = kernel(frac - k)
        idx = np.clip(base + k, 0, n_in - 1).astype(np.int64)  # replicated border
        np.add.at(weights, (np.arange(n_out), idx), w)
    return weights / weights.sum(axis=1, keepdims=True)


def _linear_matrix(n_in: int, n_out: int) -> np.ndarray:
    # OpenCV clamps the sample position itself (not only the taps) at the borders
    pos = np.clip((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0, n_in - 1)
    base = np.minimum(np.floor(pos).astype(np.int64), n_in - 1)
    frac = pos - base
    weights = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    np.add.at(weights, (rows, base), 1 - frac)
    np.add.at(weights, (rows, np.minimum(base + 1, n_in - 1)), frac)
    return weights


def _cubic(x: np.ndarray) -> np.ndarray:
    a = -0.75  # OpenCV's cubic coefficient
    x = np.abs(x)
    return np.where(
        x <= 1,
        ((a + 2) * x - (a + 3)) * x * x + 1,
        np.where(x < 2, ((a * x - 5 * a) * x + 8 * a) * x - 4 * a, 0.0),
    )


def _lanczos4(x: np.ndarray) -> np.ndarray:
    return np.sinc(x) * np.sinc(x / 4) * (np.abs(x) < 4)


def _area_matrix(n_in: int, n_out: int) -> np.ndarray:
    if n_out > n_in:
        # enlarging: OpenCV's INTER_AREA interpolates between the two covering pixels
        scale = n_in / n_out
        src = np.floor(np.arange(n_out) * scale).astype(np.int64)
        frac = (np.arange(n_out) + 1) - (src + 1) / scale
        frac = np.where(frac <= 0, 0.0, frac - np.floor(frac))
        weights = np.zeros((n_out, n_in))
        rows = np.arange(n_out)
        np.add.at(weights, (rows, np.minimum(src, n_in - 1)), 1 - frac)
        np.add.at(weights, (rows, np.minimum(src + 1, n_in - 1)), frac)
        return weights
    # shrinking: each output pixel averages the input pixels its footprint overlaps
    edges = np.arange(n_out + 1) * (n_in / n_out)
    left = np.arange(n_in)
    overlap = np.minimum(edges[1:, None], left[None, :] + 1) - np.maximum(
        edges[:-1, None], left[None, :]
    )
    weights = np.clip(overlap, 0, None)
    return weights / weights.sum(axis=1, keepdims=True)


def weight_matrix(n_in: int, n_out: int, interp: int) -> np.ndarray:
    """The (n_out, n_in) matrix that resamples one axis with OpenCV's ``interp`` method."""
    if interp == 0:
        return _nearest(n_in, n_out)
    if interp == 1:
        return _linear_matrix(n_in, n_out)
    if interp == 2:
        return _kernel_matrix(n_in, n_out, 4, _cubic)
    if interp == 3:
        return _area_matrix(n_in, n_out)
    if interp == 4:
        return _kernel_matrix(n_in, n_out, 8, _lanczos4)
    raise MXNetError(
        "Unknown interpolation method %r: expected 0 (nearest), 1 (bilinear), "
        "2 (bicubic), 3 (area) or 4 (lanczos4)" % (interp,)
    )


@functools.lru_cache(maxsize=256)
def _taps(n_in: int, n_out: int, interp: int) -> tuple:
    """The weight matrix as (index, weight) pairs per output row: its few non-zero columns.

    Cached: a loader resizes many images between the same sizes.
    """
    weights = weight_matrix(n_in, n_out, interp)
    nonzero = weights != 0
    count = max(1, int(nonzero.sum(axis=1).max()))
    index = np.argsort(~nonzero, axis=1, kind="stable")[:, :count]
    return index, np.take_along_axis(weights, index, axis=1).astype(np.float32)


def _resample(work: np.ndarray, n_out: int, interp: int, axis: int) -> np.ndarray:
    index, taps = _taps(work.shape[axis], n_out, interp)
    shape = [1] * work.ndim
    shape[axis] = index.shape[0]
    out = None
    for k in range(index.shape[1]):
        term = np.take(work, index[:, k], axis=axis) * taps[:, k].reshape(shape)
        out = term if out is None else out + term
    assert out is not None  # _taps gives every output at least one tap
    return out


def resize_numpy(img: np.ndarray, width: int, height: int, interp: int) -> np.ndarray:
    """Resize an HxWxC (or HxW) numpy image to ``height`` x ``width``; keeps the dtype."""
    if width <= 0 or height <= 0:
        raise MXNetError(
            "resize: the output size must be positive, got width %d, height %d" % (width, height)
        )
    if img.ndim not in (2, 3):
        raise MXNetError(
            "resize: expected an image of shape (height, width, channels), "
            "got shape %s" % (img.shape,)
        )
    in_h, in_w = img.shape[:2]
    if in_h == 0 or in_w == 0:
        raise MXNetError("resize: cannot resize an empty image of shape %s" % (img.shape,))
    if (in_h, in_w) == (height, width):
        return img.copy()
    if interp == 0:  # a pure gather: no arithmetic, any dtype
        rows = _taps(in_h, height, 0)[0][:, 0]
        cols = _taps(in_w, width, 0)[0][:, 0]
        return img[rows][:, cols]
    work = img.astype(np.float32)
    if in_h != height:
        work = _resample(work, height, interp, 0)
    if in_w != width:
        work = _resample(work, width, interp, 1)
    if img.dtype == np.uint8:
        return np.clip(np.rint(work), 0, 255).astype(np.uint8)
    if np.issubdtype(img.dtype, np.integer):
        info = np.iinfo(img.dtype)
        return np.clip(np.rint(work), info.min, info.max).astype(img.dtype)
    return work.astype(img.dtype)


def short_side_size(height: int, width: int, size: int) -> tuple:
    """(new_height, new_width) with the shorter side ``size``, the other scaled down (floor)."""
    if height > width:
        return size * height // width, size
    return size, size * width // height
