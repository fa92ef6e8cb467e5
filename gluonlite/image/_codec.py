"""Image encoding and decoding with Pillow, the ``vision`` extra (``gluonlite[vision]``).

MXNet decodes with OpenCV compiled into libmxnet. gluonlite uses Pillow instead: it ships
self-contained wheels for every platform (libjpeg-turbo, libpng and zlib inside), while
OpenCV's wheels are large and its headless builds still pull system libraries. Pillow is
imported on first use, so the rest of gluonlite works without it.

Results match OpenCV's where the format allows: PNG (and other lossless formats) decode to
the same pixels, grey conversion uses libpng's integer weights (the ones OpenCV asks
libpng for), and a grey JPEG is libjpeg's own luminance output, as in OpenCV. Colour JPEG
pixels may differ from OpenCV's by a grey level or two when the two libjpeg builds differ.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from ..base import MXNetError

# libpng's fixed-point weights for png_set_rgb_to_gray(0.299, 0.587): value = sum >> 15
_GREY_WEIGHTS = np.array([9797, 19234, 3737], dtype=np.uint32)


def _pillow() -> Any:
    try:
        from PIL import Image
    except ImportError:
        raise MXNetError(
            "gluonlite.image needs Pillow to encode and decode images: "
            'pip install "gluonlite[vision]" (or pip install Pillow)'
        ) from None
    return Image


def _grey(rgb: np.ndarray) -> np.ndarray:
    return ((rgb.astype(np.uint32) @ _GREY_WEIGHTS) >> 15).astype(np.uint8)


def decode_numpy(buf: bytes, flag: int, bgr: bool) -> np.ndarray:
    """Decode ``buf`` to a uint8 numpy array.

    ``flag`` as OpenCV's ``imdecode``: 1 colour (HxWx3), 0 grey (HxW), -1 as stored
    (HxW for grey, HxWx3 or HxWx4 with alpha). ``bgr`` orders colour channels as OpenCV.
    """
    Image = _pillow()
    if len(buf) == 0:
        raise MXNetError("imdecode: Input cannot be an empty buffer")
    img = None
    try:
        img = Image.open(io.BytesIO(buf))
        if flag == 0 and img.format == "JPEG":
            img.draft("L", img.size)  # libjpeg's own luminance, as OpenCV gets it
        img.load()
    except Image.UnidentifiedImageError:
        raise MXNetError(
            "imdecode: Decoding failed. Invalid image file: the %d bytes given "
            "are not in an image format Pillow reads (JPEG, PNG, BMP, ...)" % len(buf)
        ) from None
    except Exception as err:  # Pillow raises several classes for corrupt data
        kind = getattr(img, "format", None) or "image"
        raise MXNetError(
            "imdecode: Decoding failed. Invalid image file: the %d bytes given "
            "are a damaged %s (%s)" % (len(buf), kind, err)
        ) from None
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # 16-bit and 32-bit grey: OpenCV scales down to 8 bits for 8-bit output
        arr = np.asarray(img, dtype=np.float64)
        arr = np.clip(arr / 256.0 if img.mode.startswith("I;16") else arr, 0, 255)
        img = Image.fromarray(arr.astype(np.uint8), "L")
    if flag == 0:
        if img.mode == "L":
            return np.asarray(img, dtype=np.uint8).copy()
        return _grey(np.asarray(img.convert("RGB")))
    has_alpha = img.mode in ("LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    if flag == -1 and img.mode in ("L", "RGB", "RGBA"):
        arr = np.array(img, dtype=np.uint8)
    elif flag == -1 and has_alpha:
        arr = np.array(img.convert("RGBA"), dtype=np.uint8)
    else:
        arr = np.array(img.convert("RGB"), dtype=np.uint8)
    if bgr and arr.ndim == 3:
        arr = arr[:, :, [2, 1, 0, 3][: arr.shape[2]]].copy()
    return arr


def encode_numpy(img: np.ndarray, quality: int, img_fmt: str) -> bytes:
    """Encode a uint8 HxW or HxWx{1,3,4} array given in BGR(A) order as JPEG or PNG bytes."""
    Image = _pillow()
    fmt = img_fmt.upper().lstrip(".")
    if fmt not in ("JPG", "JPEG", "PNG"):
        raise MXNetError(
            "pack_img: unsupported img_fmt %r, expected '.jpg', '.jpeg' or '.png'" % img_fmt
        )
    arr = np.asarray(img)
    if arr.dtype != np.uint8:
        raise MXNetError("pack_img: the image must be uint8, got %s" % arr.dtype)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 3 and arr.shape[2] in (3, 4):
        arr = arr[:, :, [2, 1, 0, 3][: arr.shape[2]]]
    elif arr.ndim != 2:
        raise MXNetError(
            "pack_img: expected an HxW or HxWx{1,3,4} image, got shape %s" % (arr.shape,)
        )
    pil = Image.fromarray(np.ascontiguousarray(arr))
    out = io.BytesIO()
    # out-of-range levels are clamped, as OpenCV's imencode does (pack_img's default
    # quality=95 thus means PNG level 9)
    if fmt == "PNG":
        pil.save(out, format="PNG", compress_level=min(max(int(quality), 0), 9))
    else:
        if pil.mode == "RGBA":
            pil = pil.convert("RGB")
        pil.save(out, format="JPEG", quality=min(max(int(quality), 0), 100))
    return out.getvalue()
