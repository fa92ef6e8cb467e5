"""Image transforms (MXNet 1.x ``mxnet.gluon.data.vision.transforms``) as Blocks.

They take HxWxC images (uint8 as decoded, or float), ``ToTensor`` turns them into CxHxW
float32 in [0, 1], ``Normalize`` then works on CxHxW (or NxCxHxW). ToTensor, Normalize,
Cast and the flips are NDArray ops; resizing and the colour jitters run in numpy on the
host (MXNet ran OpenCV and C++ loops there), as they belong in data loading.

Randomness follows MXNet: the flips and colour jitters draw from gluonlite's generator,
so ``mx.random.seed`` repeats them; RandomResizedCrop and RandomApply use Python's
``random`` module, so ``random.seed`` repeats those.
"""
from __future__ import annotations

import random
from typing import Any, Sequence

import numpy as np

from .... import image
from .... import ndarray as nd
from ....base import MXNetError
from ....image import _color, _resize
from ...block import Block, HybridBlock
from ...nn import HybridSequential, Sequential

__all__ = ['Compose', 'Cast', 'ToTensor', 'Normalize', 'Resize', 'CenterCrop', 'CropResize',
           'RandomResizedCrop', 'RandomFlipLeftRight', 'RandomFlipTopBottom',
           'RandomBrightness', 'RandomContrast', 'RandomSaturation', 'RandomHue',
           'RandomColorJitter', 'RandomLighting', 'RandomApply']


def _shape_text(x: Any) -> str:
    return '[%s]' % ','.join(str(d) for d in x.shape)


def _check_image(x: Any, name: str) -> None:
    if len(x.shape) != 3:
        raise MXNetError('%s: Input image must have shape (height, width, channels), but got %s'
                         % (name, _shape_text(x)))


def _draw_uniform(low: float, high: float, count: int = 1) -> np.ndarray:
    return nd.random.uniform(low, high, shape=(count,)).asnumpy()


def _from_numpy(arr: np.ndarray, like: Any) -> Any:
    return nd.array(arr, ctx=like.context, dtype=arr.dtype)


class Compose(Sequential):
    """Apply ``transforms`` in order; runs of HybridBlocks are grouped into hybridized
    HybridSequentials, as MXNet does (so ``print`` shows the same tree).

    Unlike MXNet, the ``transforms`` list passed in is left unchanged.
    """

    def __init__(self, transforms: Sequence[Block]) -> None:
        super().__init__()
        run: list = []
        for block in list(transforms) + [None]:
            if isinstance(block, HybridBlock):
                run.append(block)
                continue
            if len(run) == 1:
                self.add(run[0])
            elif len(run) > 1:
                group = HybridSequential()
                for member in run:
                    group.add(member)
                group.hybridize()
                self.add(group)
            run = []
            if block is not None:
                self.add(block)


class Cast(HybridBlock):
    """Cast the input to ``dtype`` (default float32)."""

    def __init__(self, dtype: Any = 'float32') -> None:
        super().__init__()
        self._dtype = dtype

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.cast(x, self._dtype)


class ToTensor(HybridBlock):
    """HxWxC (or NxHxWxC) in [0, 255] to float32 CxHxW (or NxCxHxW) in [0, 1]: ``x / 255``."""

    def __init__(self) -> None:
        super().__init__()

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        if x.ndim == 3:
            axes = (2, 0, 1)
        elif x.ndim == 4:
            axes = (0, 3, 1, 2)
        else:
            raise MXNetError('ToTensor: Input image must have shape (height, width, channels), '
                             'or (N, height, width, channels) but got %s' % _shape_text(x))
        return F.transpose(x, axes=axes).astype('float32') / 255.0


class Normalize(HybridBlock):
    """``(x - mean[c]) / std[c]`` per channel of a CxHxW or NxCxHxW tensor.

    ``mean``/``std`` are a float (every channel) or one value per channel.
    """

    def __init__(self, mean: Any = 0.0, std: Any = 1.0) -> None:
        super().__init__()
        self._mean = mean
        self._std = std

    def _per_channel(self, values: Any, what: str, x: Any, channels: int) -> np.ndarray:
        arr = np.atleast_1d(np.asarray(values, dtype=np.float32))
        if arr.ndim != 1 or arr.size not in (1, channels):
            raise MXNetError('Normalize: Invalid %s for input with shape %s. %s must have either '
                             '1 or %d elements, but got %s' % (what, _shape_text(x), what,
                                                              channels, list(arr.ravel())))
        return np.broadcast_to(arr, (channels,))

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        if x.ndim not in (3, 4):
            raise MXNetError('Normalize: Input tensor must have shape (channels, height, width), '
                             'or (N, channels, height, width), but got %s' % _shape_text(x))
        channels = x.shape[x.ndim - 3]
        shape = (channels, 1, 1) if x.ndim == 3 else (1, channels, 1, 1)
        mean = self._per_channel(self._mean, 'mean', x, channels).reshape(shape)
        std = self._per_channel(self._std, 'std', x, channels).reshape(shape)
        mean = F.array(mean, ctx=x.context, dtype=x.dtype)
        std = F.array(std, ctx=x.context, dtype=x.dtype)
        return F.broadcast_div(F.broadcast_sub(x, mean), std)


def _resized_hw(height: int, width: int, size: Any, keep_ratio: bool) -> tuple:
    if isinstance(size, (tuple, list)) and len(size) == 1:
        size = size[0]
    if isinstance(size, (tuple, list)):
        if len(size) != 2 or size[0] <= 0 or size[1] <= 0:
            raise MXNetError('Resize: size must be a positive int or (width, height), got %r'
                             % (size,))
        return int(size[1]), int(size[0])
    if size <= 0:
        raise MXNetError('Resize: Input size should greater than 0, but got %d' % size)
    if not keep_ratio:
        return size, size
    return _resize.short_side_size(height, width, size)


class Resize(HybridBlock):
    """Resize HxWxC (or NxHxWxC) images to ``size`` (w, h), or ``size`` x ``size``.

    With an int ``size`` and ``keep_ratio=True`` the shorter side becomes ``size``.
    ``interpolation`` as ``image.imresize`` (default 1, bilinear).
    """

    def __init__(self, size: Any, keep_ratio: bool = False, interpolation: int = 1) -> None:
        super().__init__()
        self._keep = keep_ratio
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        if x.ndim not in (3, 4):
            raise MXNetError('Resize: Input image dimension should be 3 or 4 but got %d' % x.ndim)
        height, width = x.shape[x.ndim - 3], x.shape[x.ndim - 2]
        new_h, new_w = _resized_hw(height, width, self._size, self._keep)
        arr = x.asnumpy()
        if arr.ndim == 3:
            out = _resize.resize_numpy(arr, new_w, new_h, self._interpolation)
        else:
            out = np.stack([_resize.resize_numpy(a, new_w, new_h, self._interpolation)
                            for a in arr])
        return _from_numpy(out, x)


class CropResize(HybridBlock):
    """Crop the ``width`` x ``height`` region at (``x``, ``y``), then resize to ``size``."""

    def __init__(self, x: int, y: int, width: int, height: int, size: Any = None,
                 interpolation: Any = None) -> None:
        super().__init__()
        self._x, self._y, self._width, self._height = x, y, width, height
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        if x.ndim not in (3, 4):
            raise MXNetError('CropResize: Input image dimension should be 3 or 4 but got %d'
                             % x.ndim)
        rows = slice(self._y, self._y + self._height)
        cols = slice(self._x, self._x + self._width)
        out = x[rows, cols] if x.ndim == 3 else x[:, rows, cols]
        if self._size:
            interp = 1 if self._interpolation is None else self._interpolation
            out = Resize(self._size, False, interp)(out)
        return out


class CenterCrop(Block):
    """The centred ``size`` (int, or (w, h)) crop; a smaller image is scaled up to fit."""

    def __init__(self, size: Any, interpolation: int = 1) -> None:
        super().__init__()
        if isinstance(size, (int, float)):
            size = (size, size)
        self._args = (size, interpolation)

    def forward(self, x: Any) -> Any:
        return image.center_crop(x, *self._args)[0]


class RandomResizedCrop(Block):
    """A crop of random area (``scale`` of the image) and aspect ``ratio``, resized to ``size``."""

    def __init__(self, size: Any, scale: tuple = (0.08, 1.0),
                 ratio: tuple = (3.0 / 4.0, 4.0 / 3.0), interpolation: int = 1) -> None:
        super().__init__()
        if isinstance(size, (int, float)):
            size = (size, size)
        self._args = (size, scale, ratio, interpolation)

    def forward(self, x: Any) -> Any:
        return image.random_size_crop(x, *self._args)[0]


class _RandomFlip(HybridBlock):
    """Reverse axis ``_axis`` of an HxWxC image with probability 0.5."""

    _axis = 0

    def __init__(self) -> None:
        super().__init__()

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        _check_image(x, type(self).__name__)
        if _draw_uniform(0, 1)[0] >= 0.5:
            return x.copy()
        index = [slice(None)] * x.ndim
        index[self._axis] = slice(None, None, -1)
        return x[tuple(index)]


class RandomFlipLeftRight(_RandomFlip):
    """Mirror the HxWxC image left to right with probability 0.5."""

    _axis = 1


class RandomFlipTopBottom(_RandomFlip):
    """Flip the HxWxC image upside down with probability 0.5."""

    _axis = 0


class _RandomEnhance(HybridBlock):
    """A colour adjustment whose factor is drawn from [max(0, 1 - amount), 1 + amount]."""

    _adjust: Any = None

    def __init__(self, amount: float) -> None:
        super().__init__()
        self._args = (max(0, 1 - amount), 1 + amount)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        _check_image(x, type(self).__name__)
        alpha = _draw_uniform(*self._args)[0]
        return _from_numpy(type(self)._adjust(x.asnumpy(), alpha), x)


class RandomBrightness(_RandomEnhance):
    """Scale the image by a factor drawn from ``[max(0, 1 - brightness), 1 + brightness]``."""

    _adjust = staticmethod(_color.adjust_brightness)

    def __init__(self, brightness: float) -> None:
        super().__init__(brightness)


class RandomContrast(_RandomEnhance):
    """Blend with the mean grey by a factor from ``[max(0, 1 - contrast), 1 + contrast]``."""

    _adjust = staticmethod(_color.adjust_contrast)

    def __init__(self, contrast: float) -> None:
        super().__init__(contrast)


class RandomSaturation(_RandomEnhance):
    """Blend with the pixel grey by a factor from ``[max(0, 1 - saturation), 1 + saturation]``."""

    _adjust = staticmethod(_color.adjust_saturation)

    def __init__(self, saturation: float) -> None:
        super().__init__(saturation)


class RandomHue(_RandomEnhance):
    """Rotate the hue by ``alpha * 360`` degrees, ``alpha`` from ``[max(0, 1 - hue), 1 + hue]``
    (so hue=0.1 turns it by up to 36 degrees either way)."""

    _adjust = staticmethod(_color.adjust_hue)

    def __init__(self, hue: float) -> None:
        super().__init__(hue)


class RandomColorJitter(HybridBlock):
    """Brightness, contrast, saturation and hue jitters (those > 0), in random order."""

    def __init__(self, brightness: float = 0, contrast: float = 0, saturation: float = 0,
                 hue: float = 0) -> None:
        super().__init__()
        self._args = (brightness, contrast, saturation, hue)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        _check_image(x, 'RandomColorJitter')
        adjust = (_color.adjust_brightness, _color.adjust_contrast, _color.adjust_saturation,
                  _color.adjust_hue)
        out = x.asnumpy()
        for which in np.argsort(_draw_uniform(0, 1, 4), kind='stable'):
            amount = self._args[which]
            if amount > 0:
                offset = _draw_uniform(-amount, amount)[0]
                # hue turns by offset * 360 degrees; the others scale by 1 + offset
                out = adjust[which](out, offset if which == 3 else 1 + offset)
        return _from_numpy(out, x)


class RandomLighting(HybridBlock):
    """AlexNet-style PCA colour noise: per-component weights drawn from N(0, ``alpha``)."""

    def __init__(self, alpha: float) -> None:
        super().__init__()
        self._alpha = alpha

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        _check_image(x, 'RandomLighting')
        if self._alpha == 0:
            return x.copy()
        weights = nd.random.normal(0, self._alpha, shape=(3,)).asnumpy()
        return _from_numpy(_color.adjust_lighting(x.asnumpy(), weights), x)


class RandomApply(Sequential):
    """Apply ``transforms`` with probability ``p`` (drawn from Python's ``random``)."""

    def __init__(self, transforms: Block, p: float = 0.5) -> None:
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, x: Any) -> Any:
        if self.p < random.random():
            return x
        return self.transforms(x)
