"""mx.image: decoding with Pillow and OpenCV-style geometry, against MXNet 1.9.1's outputs.

tests/data/vision/mxnet_transforms.npz holds MXNet's results (its OpenCV decode and
resize) for the inputs stored beside them (tests/data/make_vision_fixtures.py).
"""

import io
import os
import random

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import image, nd
from gluonlite.base import MXNetError

PIL_Image = pytest.importorskip("PIL.Image")

REF = np.load(os.path.join(os.path.dirname(__file__), "data", "vision", "mxnet_transforms.npz"))
IMG = REF["img"]  # 7x9x3 uint8


def _png(arr, mode=None):
    out = io.BytesIO()
    PIL_Image.fromarray(arr, mode).save(out, format="PNG")
    return out.getvalue()


def _close(a, b, tol):
    """Equal shapes and every value within ``tol`` (MXNet's fixed-point OpenCV vs float)."""
    a, b = np.asarray(a).astype(np.int64), np.asarray(b).astype(np.int64)
    assert a.shape == b.shape
    assert np.abs(a - b).max() <= tol


def test_aliases():
    assert mx.image is image and mx.img is image
    assert mx.image.imdecode is image.imdecode


def test_imdecode_png_exact_pixels():
    rng = np.random.RandomState(5)
    rgb = rng.randint(0, 256, (4, 6, 3)).astype(np.uint8)
    out = image.imdecode(_png(rgb))
    assert isinstance(out, nd.NDArray) and out.dtype == np.uint8 and out.shape == (4, 6, 3)
    np.testing.assert_array_equal(out.asnumpy(), rgb)
    np.testing.assert_array_equal(image.imdecode(_png(rgb), to_rgb=0).asnumpy(), rgb[:, :, ::-1])
    np.testing.assert_array_equal(image.imdecode(bytearray(_png(rgb))).asnumpy(), rgb)
    as_np = np.frombuffer(_png(rgb), dtype=np.uint8)
    np.testing.assert_array_equal(image.imdecode(as_np).asnumpy(), rgb)
    as_nd = nd.array(as_np, dtype="uint8")
    np.testing.assert_array_equal(image.imdecode(as_nd).asnumpy(), rgb)


def test_imdecode_matches_mxnet_on_its_png():
    png = REF["png"].tobytes()
    np.testing.assert_array_equal(image.imdecode(png).asnumpy(), REF["png_decode"])
    np.testing.assert_array_equal(image.imdecode(png, to_rgb=0).asnumpy(), REF["png_decode_bgr"])
    grey = image.imdecode(png, 0)
    assert grey.shape == (7, 9, 1)
    np.testing.assert_array_equal(grey.asnumpy(), REF["png_decode_grey"])
    # 1024 pixels: libpng's integer grey weights, not a rounded 0.299/0.587/0.114
    np.testing.assert_array_equal(
        image.imdecode(REF["png_big"], flag=0).asnumpy(), REF["png_big_grey"]
    )


def test_imdecode_grey_and_rgba_sources():
    grey = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    colour = image.imdecode(_png(grey))
    assert colour.shape == (3, 4, 3)
    np.testing.assert_array_equal(colour.asnumpy(), np.repeat(grey[:, :, None], 3, axis=2))
    np.testing.assert_array_equal(image.imdecode(_png(grey), 0).asnumpy()[:, :, 0], grey)
    rgba = np.dstack([IMG[:3, :4], np.full((3, 4), 7, np.uint8)])
    np.testing.assert_array_equal(image.imdecode(_png(rgba, "RGBA")).asnumpy(), IMG[:3, :4])


def test_imdecode_jpeg_roundtrip_within_tolerance():
    yy, xx = np.mgrid[0:16, 0:16]
    smooth = np.stack([yy * 15, xx * 15, 255 - yy * 8], axis=2).astype(np.uint8)
    buf = io.BytesIO()
    PIL_Image.fromarray(smooth).save(buf, format="JPEG", quality=95)
    out = image.imdecode(buf.getvalue()).asnumpy()
    assert out.shape == (16, 16, 3)
    error = np.abs(out.astype(int) - smooth)
    assert error.mean() < 3 and error.max() <= 12  # 4:2:0 chroma on a steep gradient
    grey = image.imdecode(buf.getvalue(), 0).asnumpy()
    luma = smooth.astype(float) @ [0.299, 0.587, 0.114]
    assert grey.shape == (16, 16, 1) and np.abs(grey[:, :, 0] - luma).max() <= 6


def test_imdecode_bad_input():
    with pytest.raises(
        MXNetError,
        match=r"Decoding failed\. Invalid image file: the 7 bytes "
        r"given are not in an image format",
    ):
        image.imdecode(b"garbage")
    with pytest.raises(MXNetError, match="Input cannot be an empty buffer"):
        image.imdecode(b"")
    with pytest.raises(
        MXNetError,
        match=r"Invalid image file: the 100 bytes given are a "
        r"damaged PNG \(image file is truncated\)",
    ):
        image.imdecode(REF["png"].tobytes()[:100])  # MXNet silently returns a black image
    with pytest.raises(
        ValueError, match="^buf must be of type bytes, bytearray or numpy.ndarray,if you would like"
    ):
        image.imdecode("not bytes")
    with pytest.raises(MXNetError, match="flag must be 0 .* or 1 .*, got -1"):
        image.imdecode(REF["png"].tobytes(), -1)


def test_imread(tmp_path):
    path = tmp_path / "x.png"
    path.write_bytes(REF["png"].tobytes())
    np.testing.assert_array_equal(image.imread(str(path)).asnumpy(), REF["png_decode"])
    assert image.imread(str(path), 0).shape == (7, 9, 1)
    np.testing.assert_array_equal(
        image.imread(str(path), to_rgb=False).asnumpy(), REF["png_decode_bgr"]
    )
    missing = str(tmp_path / "missing.png")
    with pytest.raises(
        MXNetError, match="Imread: '.*missing.png' couldn't open file: No such file or directory"
    ):
        image.imread(missing)
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not an image")
    with pytest.raises(MXNetError, match="Imread: '.*junk.jpg': imdecode: Decoding failed"):
        image.imread(str(junk))


@pytest.mark.parametrize("interp", [0, 3])
def test_imresize_nearest_and_area_shrink_match_mxnet_exactly(interp):
    x = nd.array(IMG, dtype="uint8")
    out = image.imresize(x, 5, 4, interp=interp)
    assert out.shape == (4, 5, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(out.asnumpy(), REF["resize_5x4_interp%d" % interp])
    if interp == 0:
        np.testing.assert_array_equal(
            image.imresize(x, 13, 11, 0).asnumpy(), REF["resize_13x11_interp0"]
        )


@pytest.mark.parametrize("interp", [1, 2, 3, 4])
def test_imresize_within_one_level_of_mxnet(interp):
    x = nd.array(IMG, dtype="uint8")
    for w, h in ((5, 4), (13, 11)):
        _close(
            image.imresize(x, w, h, interp=interp).asnumpy(),
            REF["resize_%dx%d_interp%d" % (w, h, interp)],
            1,
        )
    _close(image.imresize(x, 13, 11).asnumpy(), REF["imresize_13x11"], 1)


def test_imresize_float_and_errors():
    x = nd.array(IMG.astype(np.float32))
    out = image.imresize(x, 5, 4)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.asnumpy(), REF["resize_float_5x4"], atol=1e-3)
    with pytest.raises(MXNetError, match="width and height must be at least 1, got w=0, h=5"):
        image.imresize(x, 0, 5)
    with pytest.raises(
        MXNetError,
        match=r"expected an image of shape \(height, width, "
        r"channels\), got shape \(7, 9\)",
    ):
        image.imresize(x[:, :, 0], 5, 4)
    with pytest.raises(MXNetError, match="Unknown interpolation method 7"):
        image.imresize(x, 5, 4, interp=7)


def test_resize_short_center_and_fixed_crop():
    x = nd.array(IMG, dtype="uint8")
    for size in (5, 14):
        ref = REF["resize_short_%d" % size]
        _close(image.resize_short(x, size).asnumpy(), ref, 1)
    out, rect = image.center_crop(x, (4, 4))
    assert rect == tuple(REF["image_center_crop_4_rect"]) == (2, 1, 4, 4)
    np.testing.assert_array_equal(out.asnumpy(), REF["image_center_crop_4"])
    out, rect = image.center_crop(x, (12, 10))  # bigger than the image: scaled up
    assert rect == (0, 0, 8, 7) and out.shape == (10, 12, 3)
    _close(out.asnumpy(), REF["image_center_crop_12x10"], 1)
    np.testing.assert_array_equal(image.fixed_crop(x, 1, 2, 4, 3).asnumpy(), REF["fixed_crop"])
    _close(image.fixed_crop(x, 1, 2, 4, 3, (6, 5), interp=1).asnumpy(), REF["fixed_crop_resize"], 1)


def test_scale_down():
    assert image.scale_down((640, 480), (720, 120)) == (640, 106)
    assert image.scale_down((100, 100), (50, 60)) == (50, 60)


def test_random_crop_uses_python_random():
    x = nd.array(IMG, dtype="uint8")
    random.seed(11)
    out, (x0, y0, w, h) = image.random_crop(x, (4, 3))
    assert (w, h) == (4, 3) and 0 <= x0 <= 5 and 0 <= y0 <= 4
    np.testing.assert_array_equal(out.asnumpy(), IMG[y0 : y0 + 3, x0 : x0 + 4])
    random.seed(11)
    assert image.random_crop(x, (4, 3))[1] == (x0, y0, w, h)
    seen = {image.random_crop(x, (4, 3))[1] for _ in range(40)}
    assert len(seen) > 5


def test_random_size_crop_area_and_ratio():
    x = nd.array(np.zeros((40, 40, 3), np.uint8), dtype="uint8")
    random.seed(0)
    for _ in range(20):
        out, (x0, y0, w, h) = image.random_size_crop(x, (8, 8), (0.25, 0.5), (0.5, 2.0))
        assert out.shape == (8, 8, 3)
        assert 0.2 * 1600 <= w * h <= 0.55 * 1600 and 0.4 <= w / h <= 2.5
        assert x0 + w <= 40 and y0 + h <= 40


def test_color_normalize_in_place_like_mxnet():
    x = nd.array(IMG.astype(np.float32))
    mean, std = nd.array([120.0, 110.0, 100.0]), nd.array([60.0, 50.0, 40.0])
    out = image.color_normalize(x, mean, std)
    np.testing.assert_array_equal(out.asnumpy(), REF["color_normalize"])
    np.testing.assert_array_equal(x.asnumpy(), REF["color_normalize"])  # src was modified


def test_imdecode_into_out():
    out = nd.zeros((7, 9, 3), dtype="uint8")
    assert image.imdecode(REF["png"].tobytes(), out=out) is out
    np.testing.assert_array_equal(out.asnumpy(), REF["png_decode"])
    with pytest.raises(
        MXNetError,
        match=r"out has shape \(2, 2, 3\) but the result has shape "
        r"\(7, 9, 3\)",
    ):
        image.imdecode(REF["png"].tobytes(), out=nd.zeros((2, 2, 3), dtype="uint8"))
