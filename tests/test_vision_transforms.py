"""gluon.data.vision.transforms against MXNet 1.9.1: values of the deterministic ones (the
.npz fixture MXNet wrote), properties and seeding of the random ones."""

import os
import random

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import nd
from gluonlite.base import MXNetError
from gluonlite.gluon import Block, HybridBlock
from gluonlite.gluon.data.vision import transforms as T
from gluonlite.image import _color

REF = np.load(os.path.join(os.path.dirname(__file__), "data", "vision", "mxnet_transforms.npz"))
IMG, BATCH = REF["img"], REF["batch"]  # 7x9x3 and 2x7x9x3 uint8
# MXNet's random_* ops with mx.random.seed(3) drew the factor 1.0853022 for this image;
# their outputs are recorded here (random_saturation aside: see test_saturation_...).
PIXELS = np.array([[[100, 50, 200], [10, 250, 30]]], dtype=np.uint8)
MX_ALPHA = 1.0853022


def _x(arr=IMG):
    return nd.array(arr, dtype=arr.dtype)


def _within_one(a, b):
    a, b = np.asarray(a).astype(int), np.asarray(b).astype(int)
    assert a.shape == b.shape and np.abs(a - b).max() <= 1


def test_block_kinds_match_mxnet():
    for cls in (
        T.Cast,
        T.ToTensor,
        T.Normalize,
        T.Resize,
        T.RandomFlipLeftRight,
        T.RandomBrightness,
        T.RandomColorJitter,
        T.RandomLighting,
        T.CropResize,
    ):
        assert issubclass(cls, HybridBlock), cls
    for cls in (T.CenterCrop, T.RandomResizedCrop):
        assert issubclass(cls, Block) and not issubclass(cls, HybridBlock)
    assert repr(T.ToTensor()) == "ToTensor(\n\n)"
    assert T.RandomBrightness(0.3)._args == (0.7, 1.3)
    assert T.RandomHue(1.5)._args == (0, 2.5)


def test_to_tensor_matches_mxnet():
    out = T.ToTensor()(_x())
    assert out.shape == (3, 7, 9) and out.dtype == np.float32
    np.testing.assert_array_equal(out.asnumpy(), REF["to_tensor"])
    batch = T.ToTensor()(_x(BATCH))
    assert batch.shape == (2, 3, 7, 9)
    np.testing.assert_array_equal(batch.asnumpy(), REF["to_tensor_batch"])
    with pytest.raises(
        MXNetError,
        match=r"to_tensor: Input image must have shape \(height, "
        r"width, channels\), or \(N, height, width, channels\) "
        r"but got \[7,9\]",
    ):
        T.ToTensor()(_x(IMG[:, :, 0]))


def test_normalize_matches_mxnet():
    norm = T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
    np.testing.assert_array_equal(norm(T.ToTensor()(_x())).asnumpy(), REF["normalize"])
    scalar = T.Normalize(0.5, 0.25)(T.ToTensor()(_x(BATCH)))
    np.testing.assert_array_equal(scalar.asnumpy(), REF["normalize_batch_scalar"])
    with pytest.raises(
        MXNetError,
        match=r"Invalid mean for input with shape \[3,7,9\]\. mean "
        r"must have either 1 or 3 elements, but got",
    ):
        T.Normalize((1, 2))(T.ToTensor()(_x()))


def test_cast():
    out = T.Cast()(_x())
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.asnumpy(), IMG.astype(np.float32))
    assert T.Cast("float16")(_x()).dtype == np.float16


@pytest.mark.parametrize(
    "cls,ref,axis",
    [(T.RandomFlipLeftRight, "flip_left_right", 1), (T.RandomFlipTopBottom, "flip_top_bottom", 0)],
)
def test_random_flips_half_the_time_and_seeded(cls, ref, axis):
    # MXNet's flip op agrees except on the middle row/column of an odd size, which its
    # swap loop never writes (uninitialised memory in MXNet 1.9.1's output)
    keep = np.ones(IMG.shape[axis], bool)
    keep[IMG.shape[axis] // 2] = False
    np.testing.assert_array_equal(
        np.compress(keep, REF[ref], axis), np.compress(keep, np.flip(IMG, axis), axis)
    )
    assert not np.array_equal(REF[ref], np.flip(IMG, axis))
    flip = cls()
    x = _x()
    mx.random.seed(42)
    flipped = []
    for _ in range(200):
        out = flip(x).asnumpy()
        is_flipped = np.array_equal(out, np.flip(IMG, axis))
        assert is_flipped or np.array_equal(out, IMG)
        flipped.append(is_flipped)
    assert 70 <= sum(flipped) <= 130
    mx.random.seed(42)
    again = [np.array_equal(flip(x).asnumpy(), np.flip(IMG, axis)) for _ in range(200)]
    assert again == flipped


@pytest.mark.parametrize("interp", [0, 1, 2, 3, 4])
def test_resize_against_mxnet(interp):
    for w, h in ((5, 4), (13, 11)):
        out = T.Resize((w, h), interpolation=interp)(_x())
        assert out.shape == (h, w, 3) and out.dtype == np.uint8
        ref = REF["resize_%dx%d_interp%d" % (w, h, interp)]
        if interp == 0:  # nearest: exact
            np.testing.assert_array_equal(out.asnumpy(), ref)
        else:  # OpenCV's fixed point: +-1
            _within_one(out.asnumpy(), ref)


def test_resize_keep_ratio_batch_and_float():
    _within_one(T.Resize(12, keep_ratio=True)(_x()).asnumpy(), REF["resize_keep_12"])
    _within_one(T.Resize(4, keep_ratio=True)(_x()).asnumpy(), REF["resize_keep_4"])
    assert T.Resize(4, keep_ratio=True)(_x()).shape == (4, 5, 3)
    _within_one(T.Resize(6)(_x()).asnumpy(), REF["resize_square_6"])
    _within_one(T.Resize((5, 4))(_x(BATCH)).asnumpy(), REF["resize_batch_5x4"])
    out = T.Resize((5, 4))(nd.array(IMG.astype(np.float32)))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.asnumpy(), REF["resize_float_5x4"], atol=1e-3)
    with pytest.raises(MXNetError, match="Input image dimension should be 3 or 4 but got 2"):
        T.Resize(3)(_x(IMG[:, :, 0]))


def test_center_crop_against_mxnet():
    np.testing.assert_array_equal(T.CenterCrop(4)(_x()).asnumpy(), REF["center_crop_4"])
    np.testing.assert_array_equal(T.CenterCrop((5, 3))(_x()).asnumpy(), REF["center_crop_5x3"])
    _within_one(T.CenterCrop(12)(_x()).asnumpy(), REF["center_crop_12"])


def test_crop_resize():
    out = T.CropResize(1, 2, 4, 3)(_x())
    np.testing.assert_array_equal(out.asnumpy(), IMG[2:5, 1:5])
    _within_one(
        T.CropResize(1, 2, 4, 3, size=(6, 5), interpolation=1)(_x()).asnumpy(),
        REF["fixed_crop_resize"],
    )
    assert T.CropResize(0, 0, 3, 3)(_x(BATCH)).shape == (2, 3, 3, 3)


def test_random_resized_crop_shape_and_python_seed():
    crop = T.RandomResizedCrop((6, 5))
    random.seed(3)
    first = crop(_x()).asnumpy()
    assert first.shape == (5, 6, 3) and first.dtype == np.uint8
    random.seed(3)
    np.testing.assert_array_equal(crop(_x()).asnumpy(), first)
    square = np.random.RandomState(1).randint(0, 256, (8, 8, 3)).astype(np.uint8)
    whole = T.RandomResizedCrop(8, scale=(1.0, 1.0), ratio=(1.0, 1.0))(_x(square))
    np.testing.assert_array_equal(whole.asnumpy(), square)  # the whole image, unresized


def test_colour_adjustments_reproduce_mxnet_for_its_factor():
    assert _color.adjust_brightness(PIXELS, MX_ALPHA).tolist() == [[[108, 54, 217], [10, 255, 32]]]
    assert _color.adjust_contrast(PIXELS, MX_ALPHA).tolist() == [[[98, 44, 207], [0, 255, 22]]]
    assert _color.adjust_hue(PIXELS, MX_ALPHA).tolist() == [[[176, 49, 200], [9, 250, 152]]]
    # nd.image.adjust_lighting(x, alpha=(0.1, 0.2, 0.3)) in MXNet
    assert _color.adjust_lighting(PIXELS, [0.1, 0.2, 0.3]).tolist() == [
        [[97, 46, 196], [7, 246, 26]]
    ]
    out = _color.adjust_lighting(PIXELS.astype(np.float32), [-1, -0.5, 0.3])
    np.testing.assert_allclose(
        out[0, 0], [129.8876953125, 81.94161224365234, 234.1766357421875], rtol=1e-6
    )


def test_saturation_uses_the_full_luma():
    # MXNet 1.9.1 gives [[106, 52, 215], ...]: its loop keeps only the blue term of the luma
    grey = PIXELS.astype(np.float64) @ [0.299, 0.587, 0.114]
    expected = np.clip(PIXELS * MX_ALPHA + grey[..., None] * (1 - MX_ALPHA), 0, 255).astype(int)
    np.testing.assert_array_equal(_color.adjust_saturation(PIXELS, MX_ALPHA), expected)
    assert expected[0, 0].tolist() == [101, 47, 210]


def test_random_brightness_factor_in_range_and_seeded():
    flat = nd.array(np.full((2, 2, 3), 100, np.uint8), dtype="uint8")
    jitter = T.RandomBrightness(0.3)
    mx.random.seed(5)
    values = [int(jitter(flat).asnumpy()[0, 0, 0]) for _ in range(60)]
    assert min(values) >= 70 and max(values) <= 130 and len(set(values)) > 20
    mx.random.seed(5)
    assert [int(jitter(flat).asnumpy()[0, 0, 0]) for _ in range(60)] == values
    out = T.RandomBrightness(0.5)(_x(PIXELS))
    assert out.dtype == np.uint8


def test_random_contrast_is_a_blend_with_the_mean_grey():
    mx.random.seed(9)
    x = PIXELS.astype(np.float32)
    out = T.RandomContrast(0.5)(nd.array(x)).asnumpy()
    mean_grey = (x @ np.array([0.299, 0.587, 0.114], np.float32)).mean()
    alpha = (out[0, 0, 0] - out[0, 0, 1]) / (x[0, 0, 0] - x[0, 0, 1])
    assert 0.5 <= alpha <= 1.5
    np.testing.assert_allclose(out, x * alpha + (1 - alpha) * mean_grey, rtol=1e-4, atol=1e-3)


def test_saturation_and_hue_leave_grey_alone():
    grey = nd.array(np.full((3, 3, 3), 77, np.uint8), dtype="uint8")
    mx.random.seed(0)
    for block in (T.RandomSaturation(0.9), T.RandomHue(0.4)):
        for _ in range(5):
            _within_one(block(grey).asnumpy(), grey.asnumpy())
    one_channel = _x(IMG[:, :, :1])
    np.testing.assert_array_equal(T.RandomHue(0.4)(one_channel).asnumpy(), IMG[:, :, :1])


def test_hue_full_turn_is_identity_and_keeps_lightness():
    _within_one(_color.adjust_hue(IMG, 1.0), IMG)
    turned = _color.adjust_hue(IMG, 0.3).astype(int)
    lightness = lambda a: (a.max(axis=2) + a.min(axis=2)) / 2  # noqa: E731
    assert np.abs(lightness(turned) - lightness(IMG.astype(int))).max() <= 1


def test_color_jitter():
    mx.random.seed(1)
    np.testing.assert_array_equal(T.RandomColorJitter()(_x()).asnumpy(), IMG)
    flat = nd.array(np.full((2, 2, 3), 100, np.uint8), dtype="uint8")
    values = {int(T.RandomColorJitter(brightness=0.2)(flat).asnumpy()[0, 0, 0]) for _ in range(30)}
    assert min(values) >= 80 and max(values) <= 120 and len(values) > 5
    mx.random.seed(2)
    first = T.RandomColorJitter(0.3, 0.3, 0.3, 0.1)(_x()).asnumpy()
    mx.random.seed(2)
    np.testing.assert_array_equal(T.RandomColorJitter(0.3, 0.3, 0.3, 0.1)(_x()).asnumpy(), first)


def test_random_lighting_adds_one_shift_per_channel():
    x = nd.array(IMG.astype(np.float32))
    np.testing.assert_array_equal(T.RandomLighting(0)(x).asnumpy(), IMG)
    mx.random.seed(4)
    out = T.RandomLighting(0.1)(x).asnumpy()
    shift = out - IMG
    np.testing.assert_allclose(shift, np.broadcast_to(shift[0, 0], shift.shape), atol=1e-4)
    assert np.abs(shift[0, 0]).max() > 0
    mx.random.seed(4)
    np.testing.assert_array_equal(T.RandomLighting(0.1)(x).asnumpy(), out)


def test_random_colour_ops_need_one_image():
    for block in (T.RandomBrightness(0.1), T.RandomFlipLeftRight(), T.RandomLighting(0.1)):
        with pytest.raises(
            MXNetError,
            match=r"Input image must have shape \(height, width, "
            r"channels\), but got \[2,7,9,3\]",
        ):
            block(_x(BATCH))


def test_compose_groups_hybrid_runs_and_chains():
    steps = [T.Resize(8), T.CenterCrop(6), T.ToTensor(), T.Normalize(0.5, 0.5)]
    compose = T.Compose(steps)
    assert len(steps) == 4  # the list is left as given
    names = [type(child).__name__ for child in compose._children.values()]
    assert names == ["Resize", "CenterCrop", "HybridSequential"]
    assert repr(compose).startswith("Compose(\n  (0): Resize(\n")
    out = compose(_x())
    manual = T.Normalize(0.5, 0.5)(T.ToTensor()(T.CenterCrop(6)(T.Resize(8)(_x()))))
    assert out.shape == (3, 6, 6)
    np.testing.assert_array_equal(out.asnumpy(), manual.asnumpy())


def test_random_apply_uses_python_random():
    apply = T.RandomApply(T.Cast("float16"), p=0.5)
    random.seed(0)
    kinds = [apply(_x()).dtype for _ in range(40)]
    assert 8 <= kinds.count(np.float16) <= 32 and np.uint8 in kinds
    random.seed(0)
    assert [apply(_x()).dtype for _ in range(40)] == kinds


def test_nd_image_ops_match_mxnet():
    x = _x(PIXELS)
    # a degenerate range makes the draw MXNet's factor: the op's own arithmetic is compared
    for op, expected in (
        ("random_brightness", [[[108, 54, 217], [10, 255, 32]]]),
        ("random_contrast", [[[98, 44, 207], [0, 255, 22]]]),
        ("random_hue", [[[176, 49, 200], [9, 250, 152]]]),
    ):
        out = getattr(nd.image, op)(x, MX_ALPHA, MX_ALPHA)
        assert out.dtype == np.uint8 and out.asnumpy().tolist() == expected, op
    assert nd.image.adjust_lighting(x, (0.1, 0.2, 0.3)).asnumpy().tolist() == [
        [[97, 46, 196], [7, 246, 26]]
    ]
    np.testing.assert_array_equal(nd.image.to_tensor(_x()).asnumpy(), REF["to_tensor"])
    np.testing.assert_array_equal(nd.image.flip_top_bottom(_x()).asnumpy(), IMG[::-1])
    np.testing.assert_array_equal(nd.image.crop(_x(), 1, 2, 4, 3).asnumpy(), IMG[2:5, 1:5])
    np.testing.assert_array_equal(
        nd.image.resize(_x(), (13, 11), interp=0).asnumpy(), REF["resize_13x11_interp0"]
    )
    assert mx.nd.image is __import__("gluonlite.ndarray.image", fromlist=["x"])
