"""Image augmenters (MXNet 1.x ``mx.image.Augmenter`` and friends) and ``CreateAugmenter``.

An augmenter is a callable taking an HxWxC NDArray and returning one; ``dumps()`` gives
MXNet's JSON description ``[class name in lower case, constructor arguments]``. As in
MXNet, the colour augmenters work in place on a float image (put ``CastAug`` first), the
random ones draw from Python's ``random`` module (``LightingAug`` from numpy's), so
``random.seed`` / ``numpy.random.seed`` make them repeatable.
"""

from __future__ import annotations

import json
import random
import warnings
from typing import Any, List, Optional, Sequence, Tuple, Union

import numpy as np

from .. import ndarray as nd
from .image import (
    _get_interp_method,
    center_crop,
    color_normalize,
    imresize,
    random_crop,
    random_size_crop,
    resize_short,
)

__all__ = [
    "Augmenter",
    "SequentialAug",
    "ResizeAug",
    "ForceResizeAug",
    "RandomCropAug",
    "RandomSizedCropAug",
    "CenterCropAug",
    "RandomOrderAug",
    "BrightnessJitterAug",
    "ContrastJitterAug",
    "SaturationJitterAug",
    "HueJitterAug",
    "ColorJitterAug",
    "LightingAug",
    "ColorNormalizeAug",
    "RandomGrayAug",
    "HorizontalFlipAug",
    "CastAug",
    "CreateAugmenter",
]

# ITU-R 601 luma weights, as MXNet's contrast and saturation jitter use them
_LUMA = (0.299, 0.587, 0.114)


class Augmenter:
    """Base class of the image augmenters: keeps its keyword arguments for ``dumps()``.

    NDArray and numpy arguments are stored as (nested) lists, so they serialise to JSON.
    """

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        for key, value in kwargs.items():
            if isinstance(value, nd.NDArray):
                value = value.asnumpy()
            if isinstance(value, np.ndarray):
                self._kwargs[key] = value.tolist()

    def dumps(self) -> Any:
        """The JSON string ``[name in lower case, kwargs]`` describing this augmenter."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, src: Any) -> Any:
        """Apply the augmentation to the HxWxC image ``src``; subclasses override this."""
        raise NotImplementedError("Must override implementation.")


class SequentialAug(Augmenter):
    """Applies the augmenters ``ts`` one after another, in the given order."""

    def __init__(self, ts: List[Augmenter]) -> None:
        super().__init__()
        self.ts = ts

    def dumps(self) -> Any:
        """``[name, [dumps() of each member]]``: a list, not a string, as in MXNet."""
        return [self.__class__.__name__.lower(), [x.dumps() for x in self.ts]]

    def __call__(self, src: Any) -> Any:
        """Run ``src`` through every member in order."""
        for aug in self.ts:
            src = aug(src)
        return src


class RandomOrderAug(Augmenter):
    """Applies the augmenters ``ts`` in a random order (``ts`` is shuffled in place)."""

    def __init__(self, ts: List[Augmenter]) -> None:
        super().__init__()
        self.ts = ts

    def dumps(self) -> Any:
        """``[name, [dumps() of each member]]``: a list, not a string, as in MXNet."""
        return [self.__class__.__name__.lower(), [x.dumps() for x in self.ts]]

    def __call__(self, src: Any) -> Any:
        """Shuffle the members with ``random.shuffle``, then run ``src`` through them."""
        random.shuffle(self.ts)
        for aug in self.ts:
            src = aug(src)
        return src


class ResizeAug(Augmenter):
    """Resizes the shorter edge to ``size``, keeping the aspect ratio (see ``resize_short``)."""

    def __init__(self, size: int, interp: int = 2) -> None:
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src: Any) -> Any:
        """The resized image."""
        return resize_short(src, self.size, self.interp)


class ForceResizeAug(Augmenter):
    """Resizes to ``size`` (width, height), ignoring the aspect ratio."""

    def __init__(self, size: Tuple[int, int], interp: int = 2) -> None:
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src: Any) -> Any:
        """The resized image."""
        sizes = (src.shape[0], src.shape[1], self.size[1], self.size[0])
        return imresize(src, *self.size, interp=_get_interp_method(self.interp, sizes))


class RandomCropAug(Augmenter):
    """Crops ``size`` (width, height) at a random place (see ``random_crop``)."""

    def __init__(self, size: Tuple[int, int], interp: int = 2) -> None:
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src: Any) -> Any:
        """The cropped image."""
        return random_crop(src, self.size, self.interp)[0]


class RandomSizedCropAug(Augmenter):
    """A crop of random area and aspect ratio, resized to ``size`` (see ``random_size_crop``).

    ``area`` is the (min, max) fraction of the image kept, or a number for (number, 1.0);
    ``ratio`` the (min, max) width/height ratio. ``min_area`` is a deprecated ``area``.
    """

    def __init__(
        self,
        size: Tuple[int, int],
        area: Union[float, Tuple[float, float]],
        ratio: Tuple[float, float],
        interp: int = 2,
        **kwargs: Any,
    ) -> None:
        super().__init__(size=size, area=area, ratio=ratio, interp=interp)
        self.size = size
        if "min_area" in kwargs:
            warnings.warn(
                "`min_area` is deprecated. Please use `area` instead.",
                DeprecationWarning,
                stacklevel=2,
            )
            self.area = kwargs.pop("min_area")
        else:
            self.area = area
        self.ratio = ratio
        self.interp = interp
        if kwargs:
            raise AssertionError(
                "unexpected keyword arguments for `RandomSizedCropAug`: %s"
                % ", ".join(sorted(kwargs))
            )

    def __call__(self, src: Any) -> Any:
        """The cropped and resized image."""
        return random_size_crop(src, self.size, self.area, self.ratio, self.interp)[0]


class CenterCropAug(Augmenter):
    """Crops ``size`` (width, height) from the centre (see ``center_crop``)."""

    def __init__(self, size: Tuple[int, int], interp: int = 2) -> None:
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src: Any) -> Any:
        """The cropped image."""
        return center_crop(src, self.size, self.interp)[0]


class BrightnessJitterAug(Augmenter):
    """Scales the image by ``1 + u``, ``u`` uniform in [-brightness, brightness]."""

    def __init__(self, brightness: float) -> None:
        super().__init__(brightness=brightness)
        self.brightness = brightness

    def __call__(self, src: Any) -> Any:
        """``src`` scaled in place."""
        alpha = 1.0 + random.uniform(-self.brightness, self.brightness)
        src *= alpha
        return src


class ContrastJitterAug(Augmenter):
    """Blends the image with its mean luma: ``alpha * src + (1 - alpha) * mean_gray``.

    ``alpha`` is ``1 + u``, ``u`` uniform in [-contrast, contrast].
    """

    def __init__(self, contrast: float) -> None:
        super().__init__(contrast=contrast)
        self.contrast = contrast
        self.coef = nd.array([[_LUMA]])

    def __call__(self, src: Any) -> Any:
        """``src`` blended in place."""
        alpha = 1.0 + random.uniform(-self.contrast, self.contrast)
        gray = src * self.coef
        # 3 * mean over all elements of the weighted image = the mean luma per pixel
        gray = (3.0 * (1.0 - alpha) / gray.size) * nd.sum(gray)
        src *= alpha
        src += gray
        return src


class SaturationJitterAug(Augmenter):
    """Blends each pixel with its luma: ``alpha * src + (1 - alpha) * gray``.

    ``alpha`` is ``1 + u``, ``u`` uniform in [-saturation, saturation].
    """

    def __init__(self, saturation: float) -> None:
        super().__init__(saturation=saturation)
        self.saturation = saturation
        self.coef = nd.array([[_LUMA]])

    def __call__(self, src: Any) -> Any:
        """``src`` blended in place."""
        alpha = 1.0 + random.uniform(-self.saturation, self.saturation)
        gray = nd.sum(src * self.coef, axis=2, keepdims=True)
        gray *= 1.0 - alpha
        src *= alpha
        src += gray
        return src


class HueJitterAug(Augmenter):
    """Rotates the hue by ``u * 180`` degrees, ``u`` uniform in [-hue, hue].

    The rotation is the linear approximation in YIQ space (rotate I and Q about Y).
    """

    def __init__(self, hue: float) -> None:
        super().__init__(hue=hue)
        self.hue = hue
        self.tyiq = np.array(
            [[0.299, 0.587, 0.114], [0.596, -0.274, -0.321], [0.211, -0.523, 0.311]]
        )
        self.ityiq = np.array([[1.0, 0.956, 0.621], [1.0, -0.272, -0.647], [1.0, -1.107, 1.705]])

    def __call__(self, src: Any) -> Any:
        """A new image, ``src`` with its hue rotated."""
        alpha = random.uniform(-self.hue, self.hue)
        cos, sin = np.cos(alpha * np.pi), np.sin(alpha * np.pi)
        rotate = np.array([[1.0, 0.0, 0.0], [0.0, cos, -sin], [0.0, sin, cos]])
        transform = self.ityiq.dot(rotate).dot(self.tyiq).T
        return nd.dot(src, nd.array(transform))


class ColorJitterAug(RandomOrderAug):
    """Brightness, contrast and saturation jitter (those above 0), in a random order."""

    def __init__(self, brightness: float, contrast: float, saturation: float) -> None:
        ts: List[Augmenter] = []
        if brightness > 0:
            ts.append(BrightnessJitterAug(brightness))
        if contrast > 0:
            ts.append(ContrastJitterAug(contrast))
        if saturation > 0:
            ts.append(SaturationJitterAug(saturation))
        super().__init__(ts)


class LightingAug(Augmenter):
    """AlexNet-style PCA colour noise: adds ``eigvec @ (alpha * eigval)`` to every pixel.

    ``alpha`` is drawn from ``numpy.random.normal(0, alphastd, 3)``; ``eigval`` has 3
    eigenvalues, ``eigvec`` is 3x3 with the eigenvectors as columns.
    """

    def __init__(self, alphastd: float, eigval: Any, eigvec: Any) -> None:
        super().__init__(alphastd=alphastd, eigval=eigval, eigvec=eigvec)
        self.alphastd = alphastd
        self.eigval = eigval
        self.eigvec = eigvec

    def __call__(self, src: Any) -> Any:
        """``src`` with the noise added in place."""
        alpha = np.random.normal(0, self.alphastd, size=(3,))
        rgb = np.dot(np.asarray(self.eigvec) * alpha, np.asarray(self.eigval))
        src += nd.array(rgb)
        return src


class ColorNormalizeAug(Augmenter):
    """``(src - mean) / std`` per channel; either may be None to skip it."""

    def __init__(self, mean: Any, std: Any) -> None:
        super().__init__(mean=mean, std=std)
        self.mean = mean if mean is None or isinstance(mean, nd.NDArray) else nd.array(mean)
        self.std = std if std is None or isinstance(std, nd.NDArray) else nd.array(std)

    def __call__(self, src: Any) -> Any:
        """``src`` normalised in place."""
        return color_normalize(src, self.mean, self.std)


class RandomGrayAug(Augmenter):
    """With probability ``p``, replaces every channel by the grey value (channels stay 3).

    The grey value is ``0.21 R + 0.72 G + 0.07 B``.
    """

    def __init__(self, p: float) -> None:
        super().__init__(p=p)
        self.p = p
        self.mat = nd.array([[0.21, 0.21, 0.21], [0.72, 0.72, 0.72], [0.07, 0.07, 0.07]])

    def __call__(self, src: Any) -> Any:
        """The grey image, or ``src`` itself when the draw says no."""
        if random.random() < self.p:
            src = nd.dot(src, self.mat)
        return src


class HorizontalFlipAug(Augmenter):
    """With probability ``p``, mirrors the image left to right."""

    def __init__(self, p: float) -> None:
        super().__init__(p=p)
        self.p = p

    def __call__(self, src: Any) -> Any:
        """The mirrored image, or ``src`` itself when the draw says no."""
        if random.random() < self.p:
            src = nd.flip(src, axis=1)
        return src


class CastAug(Augmenter):
    """Casts the image to ``typ`` (float32 by default); ``dumps()`` names it ``type``."""

    def __init__(self, typ: str = "float32") -> None:
        super().__init__(type=typ)
        self.typ = typ

    def __call__(self, src: Any) -> Any:
        """A copy of ``src`` of dtype ``typ``."""
        return src.astype(self.typ)


# ImageNet's RGB statistics and PCA, as MXNet's CreateAugmenter hard-codes them
_IMAGENET_MEAN = (123.68, 116.28, 103.53)
_IMAGENET_STD = (58.395, 57.12, 57.375)
_IMAGENET_EIGVAL = (55.46, 4.794, 1.148)
_IMAGENET_EIGVEC = (
    (-0.5675, 0.7192, 0.4009),
    (-0.5808, -0.0045, -0.8140),
    (-0.5836, -0.6948, 0.4203),
)


def _check_stat(name: str, value: Any) -> None:
    """``mean`` / ``std`` must be an array of 1 or 3 values (AssertionError, as MXNet)."""
    if not isinstance(value, (np.ndarray, nd.NDArray)):
        raise AssertionError(
            "CreateAugmenter: %s must be True, None, a numpy.ndarray or an NDArray; got %s"
            % (name, type(value).__name__)
        )
    if len(value.shape) == 0 or value.shape[0] not in (1, 3):
        raise AssertionError(
            "CreateAugmenter: %s must hold 1 or 3 values (one per channel); got shape %s"
            % (name, tuple(value.shape))
        )


def CreateAugmenter(
    data_shape: Sequence[int],
    resize: int = 0,
    rand_crop: bool = False,
    rand_resize: bool = False,
    rand_mirror: bool = False,
    mean: Any = None,
    std: Any = None,
    brightness: float = 0,
    contrast: float = 0,
    saturation: float = 0,
    hue: float = 0,
    pca_noise: float = 0,
    rand_gray: float = 0,
    inter_method: int = 2,
) -> List[Augmenter]:
    """The standard augmenter list for images of ``data_shape`` (C, H, W), as MXNet builds it.

    In order: ``ResizeAug`` (if ``resize`` > 0); a random-sized, random or centre crop to
    (W, H); ``HorizontalFlipAug(0.5)`` (``rand_mirror``); ``CastAug``; ``ColorJitterAug``
    (``brightness``/``contrast``/``saturation``); ``HueJitterAug``; ``LightingAug`` with
    ImageNet's PCA (``pca_noise`` > 0); ``RandomGrayAug``; ``ColorNormalizeAug``.
    ``mean=True`` / ``std=True`` stand for ImageNet's RGB mean / standard deviation.
    ``rand_resize`` needs ``rand_crop``.
    """
    auglist: List[Augmenter] = []
    if resize > 0:
        auglist.append(ResizeAug(resize, inter_method))

    crop_size = (data_shape[2], data_shape[1])
    if rand_resize:
        if not rand_crop:
            raise AssertionError("CreateAugmenter: rand_resize=True needs rand_crop=True")
        auglist.append(RandomSizedCropAug(crop_size, 0.08, (3.0 / 4.0, 4.0 / 3.0), inter_method))
    elif rand_crop:
        auglist.append(RandomCropAug(crop_size, inter_method))
    else:
        auglist.append(CenterCropAug(crop_size, inter_method))

    if rand_mirror:
        auglist.append(HorizontalFlipAug(0.5))

    auglist.append(CastAug())

    if brightness or contrast or saturation:
        auglist.append(ColorJitterAug(brightness, contrast, saturation))
    if hue:
        auglist.append(HueJitterAug(hue))
    if pca_noise > 0:
        eigval = np.array(_IMAGENET_EIGVAL)
        eigvec = np.array(_IMAGENET_EIGVEC)
        auglist.append(LightingAug(pca_noise, eigval, eigvec))
    if rand_gray > 0:
        auglist.append(RandomGrayAug(rand_gray))

    norm_mean: Optional[Any] = mean
    norm_std: Optional[Any] = std
    if mean is True:
        norm_mean = nd.array(_IMAGENET_MEAN)
    elif mean is not None:
        _check_stat("mean", mean)
    if std is True:
        norm_std = nd.array(_IMAGENET_STD)
    elif std is not None:
        _check_stat("std", std)
    if norm_mean is not None or norm_std is not None:
        auglist.append(ColorNormalizeAug(norm_mean, norm_std))
    return auglist
