"""Image resizing on the host, following OpenCV's ``cv::resize`` (which MXNet calls).

Each interpolation is a separable linear map: one (out x in) weight matrix per axis, built
from OpenCV's sampling rules (pixel centres at +0.5 except for nearest, edge pixels
replicated), applied to the rows and then the columns. uint8 results are rounded to
nearest and saturated. OpenCV computes uint8 bilinear and bicubic in fixed point, so a
value can differ from MXNet's by one grey level; nearest is exact.
"""
from __future__ import annotations


import numpy as np

from ..base import MXNetError

INTERP_NAMES = {0: 'nearest', 1: 'bilinear', 2: 'bicubic', 3: 'area', 4: 'lanczos4'}


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
        idx = np.clip(base + k, 0, n_in - 1).astype(np.int64)   # replicated border
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
    a = -0.75                                    # OpenCV's cubic coefficient
    x = np.abs(x)
    return np.where(x <= 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                    np.where(x < 2, ((a * x - 5 * a) * x + 8 * a) * x - 4 * a, 0.0))


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
    overlap = (np.minimum(edges[1:, None], left[None, :] + 1)
               - np.maximum(edges[:-1, None], left[None, :]))
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
    raise MXNetError('Unknown interpolation method %r: expected 0 (nearest), 1 (bilinear), '
                     '2 (bicubic), 3 (area) or 4 (lanczos4)' % (interp,))


def resize_numpy(img: np.ndarray, width: int, height: int, interp: int) -> np.ndarray:
    """Resize an HxWxC (or HxW) numpy image to ``height`` x ``width``; keeps the dtype."""
    if width <= 0 or height <= 0:
        raise MXNetError('resize: the output size must be positive, got width %d, height %d'
                         % (width, height))
    if img.ndim not in (2, 3):
        raise MXNetError('resize: expected an image of shape (height, width, channels), '
                         'got shape %s' % (img.shape,))
    in_h, in_w = img.shape[:2]
    if in_h == 0 or in_w == 0:
        raise MXNetError('resize: cannot resize an empty image of shape %s' % (img.shape,))
    if (in_h, in_w) == (height, width):
        return img.copy()
    rows = weight_matrix(in_h, height, interp)
    cols = weight_matrix(in_w, width, interp)
    work = img.astype(np.float64)
    out = np.tensordot(rows, work, axes=(1, 0))                     # (height, in_w, ...)
    out = np.moveaxis(np.tensordot(cols, out, axes=(1, 1)), 0, 1)   # (height, width, ...)
    if img.dtype == np.uint8:
        return np.clip(np.rint(out), 0, 255).astype(np.uint8)
    if np.issubdtype(img.dtype, np.integer):
        info = np.iinfo(img.dtype)
        return np.clip(np.rint(out), info.min, info.max).astype(img.dtype)
    return out.astype(img.dtype)


def short_side_size(height: int, width: int, size: int) -> tuple:
    """(new_height, new_width) with the shorter side ``size``, the other scaled down (floor)."""
    if height > width:
        return size * height // width, size
    return size, size * width // height


