"""Image operators (MXNet 1.x ``nd.image``), on HxWxC images or NxHxWxC batches.

``to_tensor``, ``normalize``, ``crop`` and the flips are NDArray ops. Resizing and the
colour ops run in numpy on the host, where MXNet ran OpenCV and C++ loops: they prepare
data in loaders. The random ones draw from gluonlite's generator, so ``mx.random.seed``
repeats them, as it does MXNet's.
"""

from __future__ import annotations

from typing import Any, Tuple

import numpy as np

from ..base import MXNetError
from . import random as _random
from .arguments import checked_api
from .ndarray import NDArray
from .ndarray import array as _array
from .ops import broadcast_div, broadcast_sub  # type: ignore[attr-defined]  # made at import

__all__ = [
    "to_tensor",
    "normalize",
    "resize",
    "crop",
    "flip_left_right",
    "flip_top_bottom",
    "random_flip_left_right",
    "random_flip_top_bottom",
    "random_brightness",
    "random_contrast",
    "random_saturation",
    "random_hue",
    "random_color_jitter",
    "random_lighting",
    "adjust_lighting",
]


def _shape_text(x: NDArray) -> str:
    return "[%s]" % ",".join(str(d) for d in x.shape)


def _check_image(x: NDArray, name: str) -> None:
    if len(x.shape) != 3:
        raise MXNetError(
            "%s: Input image must have shape (height, width, channels), but got %s"
            % (name, _shape_text(x))
        )


def _uniform(low: float, high: float, count: int = 1) -> np.ndarray:
    return _random.uniform(low, high, shape=(count,)).asnumpy()


def _from_numpy(arr: np.ndarray, like: NDArray) -> NDArray:
    return _array(arr, ctx=like.context, dtype=arr.dtype)


def _kernels() -> Any:
    from ..image import _color, _resize  # noqa: F401 (host-side kernels)

    return _color, _resize


def to_tensor(data: NDArray) -> NDArray:
    """HxWxC (or NxHxWxC) in [0, 255] to float32 CxHxW (or NxCxHxW) in [0, 1]: ``x / 255``."""
    axes: Tuple[int, ...]
    if data.ndim == 3:
        axes = (2, 0, 1)
    elif data.ndim == 4:
        axes = (0, 3, 1, 2)
    else:
        raise MXNetError(
            "to_tensor: Input image must have shape (height, width, channels), "
            "or (N, height, width, channels) but got %s" % _shape_text(data)
        )
    return data.transpose(axes).astype("float32") / 255.0


def _per_channel(values: Any, what: str, data: NDArray, channels: int) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=np.float32))
    if arr.ndim != 1 or arr.size not in (1, channels):
        raise MXNetError(
            "normalize: Invalid %s for input with shape %s. %s must have either "
            "1 or %d elements, but got %s"
            % (what, _shape_text(data), what, channels, list(arr.ravel()))
        )
    return np.broadcast_to(arr, (channels,))


def normalize(data: NDArray, mean: Any = 0.0, std: Any = 1.0) -> NDArray:
    """``(data - mean[c]) / std[c]`` per channel of a CxHxW or NxCxHxW tensor."""
    if data.ndim not in (3, 4):
        raise MXNetError(
            "normalize: Input tensor must have shape (channels, height, width), "
            "or (N, channels, height, width), but got %s" % _shape_text(data)
        )
    channels = data.shape[data.ndim - 3]
    shape = (channels, 1, 1) if data.ndim == 3 else (1, channels, 1, 1)
    mean_nd = _array(
        _per_channel(mean, "mean", data, channels).reshape(shape),
        ctx=data.context,
        dtype=data.dtype,
    )
    std_nd = _array(
        _per_channel(std, "std", data, channels).reshape(shape), ctx=data.context, dtype=data.dtype
    )
    return broadcast_div(broadcast_sub(data, mean_nd), std_nd)


def _resized_hw(height: int, width: int, size: Any, keep_ratio: bool) -> tuple:
    if isinstance(size, (tuple, list)) and len(size) == 1:
        size = size[0]
    if isinstance(size, (tuple, list)):
        if len(size) != 2 or size[0] <= 0 or size[1] <= 0:
            raise MXNetError(
                "resize: size must be a positive int or (width, height), got %r" % (size,)
            )
        return int(size[1]), int(size[0])
    if size <= 0:
        raise MXNetError("resize: Input size should greater than 0, but got %d" % size)
    if not keep_ratio:
        return size, size
    return _kernels()[1].short_side_size(height, width, size)


def resize(data: NDArray, size: Any, keep_ratio: bool = False, interp: int = 1) -> NDArray:
    """Resize to ``size`` (w, h) or ``size`` x ``size`` (shorter side with ``keep_ratio``)."""
    if data.ndim not in (3, 4):
        raise MXNetError("resize: Input image dimension should be 3 or 4 but got %d" % data.ndim)
    resize_numpy = _kernels()[1].resize_numpy
    new_h, new_w = _resized_hw(
        data.shape[data.ndim - 3], data.shape[data.ndim - 2], size, keep_ratio
    )
    arr = data.asnumpy()
    if arr.ndim == 3:
        out = resize_numpy(arr, new_w, new_h, interp)
    else:
        out = np.stack([resize_numpy(a, new_w, new_h, interp) for a in arr])
    return _from_numpy(out, data)


def crop(data: NDArray, x: int, y: int, width: int, height: int) -> NDArray:
    """The ``width`` x ``height`` region at (``x``, ``y``) of each image."""
    if data.ndim not in (3, 4):
        raise MXNetError("crop: Input image dimension should be 3 or 4 but got %d" % data.ndim)
    rows, cols = slice(y, y + height), slice(x, x + width)
    return data[rows, cols] if data.ndim == 3 else data[:, rows, cols]


def _flip(data: NDArray, axis: int) -> NDArray:
    index = [slice(None)] * data.ndim
    index[axis] = slice(None, None, -1)
    return data[tuple(index)]


def flip_left_right(data: NDArray) -> NDArray:
    """Mirror an HxWxC image left to right (every column written, unlike MXNet 1.9.1's,
    which leaves the middle column of an odd width uninitialised)."""
    _check_image(data, "flip_left_right")
    return _flip(data, 1)


def flip_top_bottom(data: NDArray) -> NDArray:
    """Flip an HxWxC image upside down."""
    _check_image(data, "flip_top_bottom")
    return _flip(data, 0)


def random_flip_left_right(data: NDArray) -> NDArray:
    """``flip_left_right`` with probability 0.5, else a copy."""
    _check_image(data, "random_flip_left_right")
    return _flip(data, 1) if _uniform(0, 1)[0] < 0.5 else data.copy()


def random_flip_top_bottom(data: NDArray) -> NDArray:
    """``flip_top_bottom`` with probability 0.5, else a copy."""
    _check_image(data, "random_flip_top_bottom")
    return _flip(data, 0) if _uniform(0, 1)[0] < 0.5 else data.copy()


def _enhance(data: NDArray, min_factor: float, max_factor: float, name: str) -> NDArray:
    _check_image(data, "random_" + name)
    adjust = getattr(_kernels()[0], "adjust_" + name)
    return _from_numpy(adjust(data.asnumpy(), _uniform(min_factor, max_factor)[0]), data)


def random_brightness(data: NDArray, min_factor: float, max_factor: float) -> NDArray:
    """Scale by a factor drawn from [min_factor, max_factor]."""
    return _enhance(data, min_factor, max_factor, "brightness")


def random_contrast(data: NDArray, min_factor: float, max_factor: float) -> NDArray:
    """Blend with the mean grey by a factor drawn from [min_factor, max_factor]."""
    return _enhance(data, min_factor, max_factor, "contrast")


def random_saturation(data: NDArray, min_factor: float, max_factor: float) -> NDArray:
    """Blend with each pixel's grey by a factor from [min_factor, max_factor].

    Deliberate difference: MXNet 1.9.1's grey keeps only the blue term of the luma.
    """
    return _enhance(data, min_factor, max_factor, "saturation")


def random_hue(data: NDArray, min_factor: float, max_factor: float) -> NDArray:
    """Turn the hue by ``alpha * 360`` degrees, ``alpha`` from [min_factor, max_factor]."""
    return _enhance(data, min_factor, max_factor, "hue")


def random_color_jitter(
    data: NDArray, brightness: float = 0, contrast: float = 0, saturation: float = 0, hue: float = 0
) -> NDArray:
    """The four jitters (those > 0) in random order; each factor is 1 + U(-amount, amount),
    the hue turn U(-hue, hue) * 360 degrees."""
    _check_image(data, "random_color_jitter")
    color = _kernels()[0]
    adjust = (
        color.adjust_brightness,
        color.adjust_contrast,
        color.adjust_saturation,
        color.adjust_hue,
    )
    amounts = (brightness, contrast, saturation, hue)
    out = data.asnumpy()
    for which in np.argsort(_uniform(0, 1, 4), kind="stable"):
        amount = amounts[which]
        if amount > 0:
            offset = _uniform(-amount, amount)[0]
            out = adjust[which](out, offset if which == 3 else 1 + offset)
    return _from_numpy(out, data)


def adjust_lighting(data: NDArray, alpha: Any) -> NDArray:
    """Add AlexNet's PCA colour shift for the three component weights ``alpha``."""
    _check_image(data, "adjust_lighting")
    return _from_numpy(_kernels()[0].adjust_lighting(data.asnumpy(), alpha), data)


def random_lighting(data: NDArray, alpha_std: float = 0.05) -> NDArray:
    """``adjust_lighting`` with weights drawn from N(0, ``alpha_std``)."""
    _check_image(data, "random_lighting")
    if alpha_std == 0:
        return data.copy()
    return adjust_lighting(data, _random.normal(0, alpha_std, shape=(3,)).asnumpy())


# MXNet's image functions are operators: an unknown keyword is refused (see arguments.py)
for _name in __all__:
    globals()[_name] = checked_api(globals()[_name])
