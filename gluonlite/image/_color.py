"""Colour adjustments of HxWxC images (numpy, float32 arithmetic as MXNet's image ops).

Each takes the factor already drawn; the random transforms draw it. Results keep the input
dtype; uint8 results are clipped to [0, 255] and truncated, as MXNet's ``saturate_cast``.
"""

from __future__ import annotations

import numpy as np

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)
# AlexNet's PCA of ImageNet RGB values (the constants MXNet's lighting op uses)
_EIGVAL = np.array([55.46, 4.794, 1.148], dtype=np.float32)
_EIGVEC = np.array(
    [[-0.5675, 0.7192, 0.4009], [-0.5808, -0.0045, -0.8140], [-0.5836, -0.6948, 0.4203]],
    dtype=np.float32,
)


def saturate(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """float32 ``values`` back in ``dtype``: uint8 clipped to [0, 255] and truncated."""
    if dtype == np.uint8:
        return np.clip(values, 0, 255).astype(np.uint8)
    return values.astype(dtype)


def _grey(img: np.ndarray) -> np.ndarray:
    """Per-pixel luma (HxWx1); a 1-channel image is its own grey."""
    work = img.astype(np.float32)
    if img.shape[2] == 1:
        return work
    return (work[:, :, :3] @ _LUMA)[:, :, None]


def adjust_brightness(img: np.ndarray, alpha: float) -> np.ndarray:
    """``img * alpha``."""
    return saturate(img.astype(np.float32) * np.float32(alpha), img.dtype)


def adjust_contrast(img: np.ndarray, alpha: float) -> np.ndarray:
    """Blend with the image's mean luma: ``img * alpha + mean_grey * (1 - alpha)``."""
    alpha = np.float32(alpha)
    mean = np.float32(_grey(img).mean(dtype=np.float64))
    return saturate(img.astype(np.float32) * alpha + (1 - alpha) * mean, img.dtype)


def adjust_saturation(img: np.ndarray, alpha: float) -> np.ndarray:
    """Blend with each pixel's luma: ``img * alpha + grey * (1 - alpha)``.

    Deliberate difference: MXNet 1.9.1 takes only the blue term of the luma (a bug in its
    loop); gluonlite uses the full 0.299 R + 0.587 G + 0.114 B.
    """
    if img.shape[2] == 1:
        return img.copy()
    alpha = np.float32(alpha)
    return saturate(img.astype(np.float32) * alpha + _grey(img) * (1 - alpha), img.dtype)


def _rgb_to_hls(rgb: np.ndarray) -> tuple:
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    vmax, vmin = rgb.max(axis=-1), rgb.min(axis=-1)
    diff = vmax - vmin
    light = (vmax + vmin) * 0.5
    chromatic = diff > np.finfo(np.float32).eps
    safe = np.where(chromatic, diff, 1)
    sat = np.where(
        light < 0.5,
        diff / np.where(chromatic, vmax + vmin, 1),
        diff / np.where(chromatic, 2 - vmax - vmin, 1),
    )
    hue = np.where(
        vmax == r,
        (g - b) * 60 / safe,
        np.where(vmax == g, (b - r) * 60 / safe + 120, (r - g) * 60 / safe + 240),
    )
    hue = np.where(hue < 0, hue + 360, hue)
    return np.where(chromatic, hue, 0), light, np.where(chromatic, sat, 0)


def _hls_to_rgb(hue: np.ndarray, light: np.ndarray, sat: np.ndarray) -> np.ndarray:
    p2 = np.where(light <= 0.5, light * (1 + sat), light + sat - light * sat)
    p1 = 2 * light - p2

    def channel(h: np.ndarray) -> np.ndarray:
        h = np.mod(h, 360)
        return np.where(
            h < 60,
            p1 + (p2 - p1) * h / 60,
            np.where(h < 180, p2, np.where(h < 240, p1 + (p2 - p1) * (240 - h) / 60, p1)),
        )

    rgb = np.stack([channel(hue + 120), channel(hue), channel(hue - 120)], axis=-1)
    return np.where((sat == 0)[..., None], light[..., None], rgb)


def adjust_hue(img: np.ndarray, alpha: float) -> np.ndarray:
    """Rotate every pixel's hue (in HLS space) by ``alpha * 360`` degrees, as MXNet."""
    if img.shape[2] == 1:
        return img.copy()
    rgb = img[:, :, :3].astype(np.float32) / np.float32(255)
    hue, light, sat = _rgb_to_hls(rgb)
    out = _hls_to_rgb(hue + np.float32(alpha) * 360, light, sat) * np.float32(255)
    return saturate(out.astype(np.float32), img.dtype)


def adjust_lighting(img: np.ndarray, alpha_rgb: np.ndarray) -> np.ndarray:
    """Add AlexNet's PCA colour shift ``eigvec @ (alpha_rgb * eigval)`` to every pixel."""
    shift = _EIGVEC @ (np.asarray(alpha_rgb, dtype=np.float32) * _EIGVAL)
    return saturate(img.astype(np.float32) + shift[: img.shape[2]], img.dtype)
