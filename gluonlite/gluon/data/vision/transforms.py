"""Image transforms (MXNet 1.x ``mxnet.gluon.data.vision.transforms``) as Blocks.

They take HxWxC images (uint8 as decoded, or float), ``ToTensor`` turns them into CxHxW
float32 in [0, 1], ``Normalize`` then works on CxHxW (or NxCxHxW). As in MXNet, the
HybridBlocks call the ``nd.image`` operators (see there for where each one runs).

Randomness follows MXNet: the flips and colour jitters draw from gluonlite's generator,
so ``mx.random.seed`` repeats them; RandomResizedCrop and RandomApply use Python's
``random`` module, so ``random.seed`` repeats those.
"""

from __future__ import annotations

import random
from typing import Any, Sequence

import numpy as np

from .... import image
from ...block import Block, HybridBlock
from ...nn import HybridSequential, Sequential

__all__ = [
    "Compose",
    "Cast",
    "ToTensor",
    "Normalize",
    "Resize",
    "CenterCrop",
    "CropResize",
    "Rotate",
    "RandomRotation",
    "RandomResizedCrop",
    "RandomFlipLeftRight",
    "RandomFlipTopBottom",
    "RandomBrightness",
    "RandomContrast",
    "RandomSaturation",
    "RandomHue",
    "RandomColorJitter",
    "RandomLighting",
    "RandomApply",
]


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

    def __init__(self, dtype: Any = "float32") -> None:
        super().__init__()
        self._dtype = dtype

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.cast(x, self._dtype)


class ToTensor(HybridBlock):
    """HxWxC (or NxHxWxC) in [0, 255] to float32 CxHxW (or NxCxHxW) in [0, 1]: ``x / 255``."""

    def __init__(self) -> None:
        super().__init__()

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.image.to_tensor(x)


class Normalize(HybridBlock):
    """``(x - mean[c]) / std[c]`` per channel of a CxHxW or NxCxHxW tensor.

    ``mean``/``std`` are a float (every channel) or one value per channel.
    """

    def __init__(self, mean: Any = 0.0, std: Any = 1.0) -> None:
        super().__init__()
        self._mean = mean
        self._std = std

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.image.normalize(x, self._mean, self._std)


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
        return F.image.resize(x, self._size, self._keep, self._interpolation)


class CropResize(HybridBlock):
    """Crop the ``width`` x ``height`` region at (``x``, ``y``), then resize to ``size``."""

    def __init__(
        self, x: int, y: int, width: int, height: int, size: Any = None, interpolation: Any = None
    ) -> None:
        super().__init__()
        self._x, self._y, self._width, self._height = x, y, width, height
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        out = F.image.crop(x, self._x, self._y, self._width, self._height)
        if self._size:
            interp = 1 if self._interpolation is None else self._interpolation
            out = F.image.resize(out, self._size, False, interp)
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


class Rotate(Block):
    """Rotates a float32 image (C, H, W) or batch by ``rotation_degrees`` (counter-clockwise),
    keeping its shape; ``zoom_in`` hides the padding, ``zoom_out`` keeps all of the image."""

    def __init__(self, rotation_degrees: float, zoom_in: bool = False, zoom_out: bool = False):
        super().__init__()
        self._args = (rotation_degrees, zoom_in, zoom_out)

    def forward(self, x: Any) -> Any:
        if x.dtype != np.float32:
            raise TypeError(
                "This transformation only supports float32. Consider calling it after ToTensor"
            )
        return image.imrotate(x, *self._args)


class RandomRotation(Block):
    """Rotates by an angle drawn uniformly from ``angle_limits`` (lower, upper), with
    probability ``rotate_with_proba`` (numpy's RNG, as MXNet)."""

    def __init__(
        self,
        angle_limits: tuple,
        zoom_in: bool = False,
        zoom_out: bool = False,
        rotate_with_proba: float = 1.0,
    ) -> None:
        super().__init__()
        lower, upper = angle_limits
        if lower >= upper:
            raise ValueError("`angle_limits` must be an ordered tuple")
        if rotate_with_proba < 0 or rotate_with_proba > 1:
            raise ValueError("Probability of rotating the image should be between 0 and 1")
        self._args = (angle_limits, zoom_in, zoom_out)
        self._rotate_with_proba = rotate_with_proba

    def forward(self, x: Any) -> Any:
        if np.random.random() > self._rotate_with_proba:
            return x
        if x.dtype != np.float32:
            raise TypeError(
                "This transformation only supports float32. Consider calling it after ToTensor"
            )
        return image.random_rotate(x, *self._args)


class RandomResizedCrop(Block):
    """A crop of random area (``scale`` of the image) and aspect ``ratio``, resized to ``size``."""

    def __init__(
        self,
        size: Any,
        scale: tuple = (0.08, 1.0),
        ratio: tuple = (3.0 / 4.0, 4.0 / 3.0),
        interpolation: int = 1,
    ) -> None:
        super().__init__()
        if isinstance(size, (int, float)):
            size = (size, size)
        self._args = (size, scale, ratio, interpolation)

    def forward(self, x: Any) -> Any:
        return image.random_size_crop(x, *self._args)[0]


class RandomFlipLeftRight(HybridBlock):
    """Mirror the HxWxC image left to right with probability 0.5."""

    def __init__(self) -> None:
        super().__init__()

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.image.random_flip_left_right(x)


class RandomFlipTopBottom(HybridBlock):
    """Flip the HxWxC image upside down with probability 0.5."""

    def __init__(self) -> None:
        super().__init__()

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.image.random_flip_top_bottom(x)


class _RandomEnhance(HybridBlock):
    """A colour jitter whose factor is drawn from [max(0, 1 - amount), 1 + amount]."""

    _op = ""

    def __init__(self, amount: float) -> None:
        super().__init__()
        self._args = (max(0, 1 - amount), 1 + amount)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return getattr(F.image, self._op)(x, *self._args)


class RandomBrightness(_RandomEnhance):
    """Scale the image by a factor drawn from ``[max(0, 1 - brightness), 1 + brightness]``."""

    _op = "random_brightness"

    def __init__(self, brightness: float) -> None:
        super().__init__(brightness)


class RandomContrast(_RandomEnhance):
    """Blend with the mean grey by a factor from ``[max(0, 1 - contrast), 1 + contrast]``."""

    _op = "random_contrast"

    def __init__(self, contrast: float) -> None:
        super().__init__(contrast)


class RandomSaturation(_RandomEnhance):
    """Blend with the pixel grey by a factor from ``[max(0, 1 - saturation), 1 + saturation]``."""

    _op = "random_saturation"

    def __init__(self, saturation: float) -> None:
        super().__init__(saturation)


class RandomHue(_RandomEnhance):
    """Rotate the hue by ``alpha * 360`` degrees, ``alpha`` from ``[max(0, 1 - hue), 1 + hue]``
    (so hue=0.1 turns it by up to 36 degrees either way)."""

    _op = "random_hue"

    def __init__(self, hue: float) -> None:
        super().__init__(hue)


class RandomColorJitter(HybridBlock):
    """Brightness, contrast, saturation and hue jitters (those > 0), in random order."""

    def __init__(
        self, brightness: float = 0, contrast: float = 0, saturation: float = 0, hue: float = 0
    ) -> None:
        super().__init__()
        self._args = (brightness, contrast, saturation, hue)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.image.random_color_jitter(x, *self._args)


class RandomLighting(HybridBlock):
    """AlexNet-style PCA colour noise: per-component weights drawn from N(0, ``alpha``)."""

    def __init__(self, alpha: float) -> None:
        super().__init__()
        self._alpha = alpha

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.image.random_lighting(x, self._alpha)


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
