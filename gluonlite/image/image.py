"""Image decoding and geometry (MXNet 1.x ``mxnet.image``): NDArrays of shape HxWxC.

Decoding uses Pillow (see ``_codec``), resizing follows OpenCV's rules (see ``_resize``).
Both run on the host in numpy, where MXNet ran OpenCV: these functions prepare data in
loaders, not on the training path. Random crops draw from Python's ``random`` module, as
MXNet's do, so ``random.seed`` makes them repeatable.
"""

from __future__ import annotations

import random
from typing import Any, Optional, Sequence, Tuple

import numpy as np

from .. import ndarray as nd
from ..base import MXNetError
from . import _codec, _resize

__all__ = [
    "imread",
    "imdecode",
    "imresize",
    "scale_down",
    "resize_short",
    "fixed_crop",
    "random_crop",
    "center_crop",
    "color_normalize",
    "random_size_crop",
    "imrotate",
    "random_rotate",
]


def _to_ndarray(arr: np.ndarray, out: Any = None) -> Any:
    if out is not None:
        if tuple(out.shape) != arr.shape:
            raise MXNetError(
                "out has shape %s but the result has shape %s" % (tuple(out.shape), arr.shape)
            )
        out[:] = nd.array(arr, dtype=arr.dtype)
        return out
    return nd.array(arr, dtype=arr.dtype)


def _decode(buf: bytes, flag: int, to_rgb: Any, out: Any) -> Any:
    if flag not in (0, 1):
        raise MXNetError("imdecode: flag must be 0 (greyscale) or 1 (colour), got %r" % (flag,))
    arr = _codec.decode_numpy(buf, flag, bgr=not to_rgb)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return _to_ndarray(arr, out)


def imdecode(buf: Any, flag: int = 1, to_rgb: Any = 1, out: Any = None) -> Any:
    """Decode an encoded image (JPEG, PNG, ...) to an HxWxC uint8 NDArray.

    ``flag`` 1 gives 3 colour channels, 0 one grey channel (HxWx1); ``to_rgb`` 0 gives
    OpenCV's BGR order. ``buf`` is bytes, bytearray, a uint8 numpy array or NDArray.
    Unlike MXNet, a truncated file raises MXNetError instead of giving a black image.
    """
    if isinstance(buf, nd.NDArray):
        buf = buf.asnumpy().astype(np.uint8).tobytes()
    elif isinstance(buf, np.ndarray):
        buf = buf.astype(np.uint8, copy=False).tobytes()
    elif isinstance(buf, (bytes, bytearray, memoryview)):
        buf = bytes(buf)
    else:
        raise ValueError(
            "buf must be of type bytes, bytearray or numpy.ndarray,"
            "if you would like to input type str, please convert to bytes"
        )
    return _decode(buf, flag, to_rgb, out)


def imread(filename: str, flag: int = 1, to_rgb: Any = True, out: Any = None) -> Any:
    """Read and decode an image file to an HxWxC uint8 NDArray (see ``imdecode``)."""
    try:
        with open(filename, "rb") as f:
            buf = f.read()
    except OSError as err:
        raise MXNetError("Imread: '%s' couldn't open file: %s" % (filename, err.strerror)) from None
    try:
        return _decode(buf, flag, to_rgb, out)
    except MXNetError as err:
        raise MXNetError("Imread: '%s': %s" % (filename, err)) from None


def _image_numpy(src: Any, what: str) -> np.ndarray:
    arr = src.asnumpy() if isinstance(src, nd.NDArray) else np.asarray(src)
    if arr.ndim != 3:
        raise MXNetError(
            "%s: expected an image of shape (height, width, channels), got "
            "shape %s" % (what, arr.shape)
        )
    return arr


def imresize(src: Any, w: int, h: int, interp: int = 1, out: Any = None) -> Any:
    """Resize an HxWxC NDArray to ``h`` x ``w`` with OpenCV's ``interp`` method.

    0 nearest, 1 bilinear (default), 2 bicubic, 3 area, 4 Lanczos (8x8).
    """
    arr = _image_numpy(src, "imresize")
    if w < 1 or h < 1:
        raise MXNetError("imresize: width and height must be at least 1, got w=%d, h=%d" % (w, h))
    return _to_ndarray(_resize.resize_numpy(arr, int(w), int(h), interp), out)


def scale_down(src_size: Tuple[int, int], size: Tuple[int, int]) -> Tuple[int, int]:
    """Shrink the crop ``size`` (w, h), keeping its aspect, until it fits ``src_size`` (w, h)."""
    w: float
    h: float
    w, h = size
    sw, sh = src_size
    if sh < h:
        w, h = float(w * sh) / h, sh
    if sw < w:
        w, h = sw, float(h * sw) / w
    return int(w), int(h)


def _get_interp_method(interp: int, sizes: Sequence[int] = ()) -> int:
    """Resolve MXNet's meta methods: 9 picks by the size change, 10 picks at random."""
    if interp == 9:
        if sizes:
            old_h, old_w, new_h, new_w = sizes
            if new_h > old_h and new_w > old_w:
                return 2
            if new_h < old_h and new_w < old_w:
                return 3
            return 1
        return 2
    if interp == 10:
        return random.randint(0, 4)
    if interp not in (0, 1, 2, 3, 4):
        raise ValueError("Unknown interp method %d" % interp)
    return interp


def resize_short(src: Any, size: int, interp: int = 2) -> Any:
    """Resize so the shorter side is ``size``; the longer keeps the aspect ratio (floored)."""
    h, w, _ = src.shape
    new_h, new_w = _resize.short_side_size(h, w, size)
    return imresize(src, new_w, new_h, interp=_get_interp_method(interp, (h, w, new_h, new_w)))


def fixed_crop(
    src: Any,
    x0: int,
    y0: int,
    w: int,
    h: int,
    size: Optional[Tuple[int, int]] = None,
    interp: int = 2,
) -> Any:
    """The ``w`` x ``h`` region at (``x0``, ``y0``), resized to ``size`` (w, h) if given."""
    out = src[y0 : y0 + h, x0 : x0 + w]
    if size is not None and (w, h) != tuple(size):
        sizes = (h, w, size[1], size[0])
        out = imresize(out, *size, interp=_get_interp_method(interp, sizes))
    return out


def random_crop(src: Any, size: Tuple[int, int], interp: int = 2) -> Tuple[Any, tuple]:
    """A crop of ``size`` (w, h) at a random place, and its (x, y, w, h) in ``src``.

    A crop larger than the image is scaled down to fit, then resized up to ``size``.
    """
    h, w, _ = src.shape
    new_w, new_h = scale_down((w, h), size)
    x0 = random.randint(0, w - new_w)
    y0 = random.randint(0, h - new_h)
    return fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)


def center_crop(src: Any, size: Tuple[int, int], interp: int = 2) -> Tuple[Any, tuple]:
    """The centred crop of ``size`` (w, h), and its (x, y, w, h) in ``src`` (see random_crop)."""
    h, w, _ = src.shape
    new_w, new_h = scale_down((w, h), size)
    x0 = int((w - new_w) / 2)
    y0 = int((h - new_h) / 2)
    return fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)


def color_normalize(src: Any, mean: Any, std: Any = None) -> Any:
    """``(src - mean) / std`` per channel, computed in place in ``src`` as MXNet does."""
    if mean is not None:
        src -= mean
    if std is not None:
        src /= std
    return src


def random_size_crop(
    src: Any,
    size: Tuple[int, int],
    area: Any,
    ratio: Tuple[float, float],
    interp: int = 2,
    **kwargs: Any,
) -> Tuple[Any, tuple]:
    """A crop of random area fraction and aspect ratio, resized to ``size`` (w, h).

    ``area`` is the (min, max) fraction of the image (a number means (number, 1.0));
    ``ratio`` the (min, max) width/height ratio, drawn log-uniformly. After ten misses
    it falls back to ``center_crop``.
    """
    h, w, _ = src.shape
    if "min_area" in kwargs:
        import warnings

        warnings.warn(
            "`min_area` is deprecated. Please use `area` instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        area = kwargs.pop("min_area")
    assert not kwargs, "unexpected keyword arguments for `random_size_crop`."
    if isinstance(area, (int, float)):
        area = (area, 1.0)
    for _ in range(10):
        target_area = random.uniform(area[0], area[1]) * h * w
        log_ratio = (np.log(ratio[0]), np.log(ratio[1]))
        new_ratio = np.exp(random.uniform(*log_ratio))
        new_w = int(round(np.sqrt(target_area * new_ratio)))
        new_h = int(round(np.sqrt(target_area / new_ratio)))
        if new_w <= w and new_h <= h:
            x0 = random.randint(0, w - new_w)
            y0 = random.randint(0, h - new_h)
            return fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)
    return center_crop(src, size, interp)


def imrotate(src: Any, rotation_degrees: Any, zoom_in: bool = False, zoom_out: bool = False) -> Any:
    """Rotates a float32 image (C, H, W) or batch (N, C, H, W) counter-clockwise by
    ``rotation_degrees`` about its centre, keeping its shape: bilinear sampling, zeros where
    the rotated image does not reach. For a batch the angle is a number or one per image
    (an NDArray). ``zoom_in`` scales so that no padding shows, ``zoom_out`` so that the
    whole original stays in view."""
    if zoom_in and zoom_out:
        raise ValueError("`zoom_in` and `zoom_out` cannot be both True")
    if not isinstance(src, nd.NDArray) or src.dtype != np.float32:
        raise TypeError("Only `float32` images are supported by this function")
    single = src.ndim == 3
    if single:
        if not isinstance(rotation_degrees, (int, float, np.number)):
            raise TypeError(
                "When a single image is passed the rotation angle is required to be a scalar."
            )
        src = src.expand_dims(axis=0)
    elif src.ndim != 4:
        raise ValueError("Only 3D and 4D are supported by this function")
    n, _, h, w = src.shape
    if isinstance(rotation_degrees, (int, float, np.number)):
        angles = np.full(n, float(rotation_degrees))
    else:
        angles = np.asarray(
            rotation_degrees.asnumpy()
            if isinstance(rotation_degrees, nd.NDArray)
            else rotation_degrees,
            dtype=np.float64,
        ).reshape(-1)
        if angles.size != n:
            raise ValueError("The number of images must be equal to the number of rotation angles")
    theta = np.deg2rad(angles)[:, None, None]
    half_h, half_w = (h - 1) / 2.0, (w - 1) / 2.0
    ys = (np.arange(h, dtype=np.float64) - half_h)[None, :, None]
    xs = (np.arange(w, dtype=np.float64) - half_w)[None, None, :]
    # where output pixel (x, y) reads from, in the [-1, 1] coordinates of BilinearSampler
    src_x = (xs * np.cos(theta) - ys * np.sin(theta)) / half_w
    src_y = (xs * np.sin(theta) + ys * np.cos(theta)) / half_h
    scale = np.ones((n, 1, 1))
    if zoom_in or zoom_out:
        # the extents of the rotated image's bounding box
        cos, sin = np.abs(np.cos(theta)), np.abs(np.sin(theta))
        box_w, box_h = w * cos + h * sin, w * sin + h * cos
        if zoom_out:
            scale = np.maximum(box_w / w, box_h / h)
        else:
            scale = np.minimum(w / box_w, h / box_h)
    grid = np.stack([src_x * scale, src_y * scale], axis=1).astype(np.float32)
    out = nd.BilinearSampler(src, nd.array(grid, ctx=src.context))
    return out[0] if single else out


def random_rotate(
    src: Any, angle_limits: Tuple[float, float], zoom_in: bool = False, zoom_out: bool = False
) -> Any:
    """``imrotate`` by an angle drawn uniformly from ``angle_limits`` (numpy's RNG; one
    angle per image of a batch)."""
    if src.ndim == 3:
        degrees: Any = float(np.random.uniform(*angle_limits))
    else:
        degrees = np.random.uniform(*angle_limits, size=src.shape[0])
    return imrotate(src, degrees, zoom_in=zoom_in, zoom_out=zoom_out)


def __getattr__(name: str) -> Any:
    # MXNet keeps the augmenters and ImageIter in mxnet.image.image; here they live in
    # augment.py and image_iter.py (they build on this module), reachable from both.
    if name.startswith("__"):
        raise AttributeError(name)
    from . import augment, image_iter

    for module in (augment, image_iter):
        if name in module.__all__:
            return getattr(module, name)
    raise AttributeError("module 'gluonlite.image.image' has no attribute %r" % name)
