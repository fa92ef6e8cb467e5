"""mx.image augmenters, CreateAugmenter and ImageIter, against MXNet 1.9.1's behaviour.

The dumps() strings and the batch sequences of each last_batch_handle were printed by
MXNet 1.9.1 on the same inputs; pixel values are checked against numpy computations.
"""

import json
import random

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import image, nd
from gluonlite.base import MXNetError

PIL_Image = pytest.importorskip("PIL.Image")

N_IMAGES = 7
SHAPE = (3, 6, 8)  # CenterCropAug((8, 6)) of an 8x10 image: rows 1..6, columns 1..8


def _img(i, h=8, w=10):
    return np.random.RandomState(i).randint(0, 256, (h, w, 3)).astype(np.uint8)


def _chw_crop(i):
    """What ImageIter with the default augmenters gives for image i: centre crop, CHW."""
    return _img(i)[1:7, 1:9].transpose(2, 0, 1).astype(np.float32)


def _save(path, arr, fmt="PNG", **kwargs):
    PIL_Image.fromarray(arr).save(str(path), format=fmt, **kwargs)


@pytest.fixture
def data_dir(tmp_path):
    """7 PNG images (label i for image i) as files, a .lst, and a .rec with its .idx."""
    rec = mx.recordio.MXIndexedRecordIO(str(tmp_path / "a.idx"), str(tmp_path / "a.rec"), "w")
    rec2 = mx.recordio.MXIndexedRecordIO(str(tmp_path / "b.idx"), str(tmp_path / "b.rec"), "w")
    with open(tmp_path / "a.lst", "w") as lst, open(tmp_path / "b.lst", "w") as lst2:
        for i in range(N_IMAGES):
            img = _img(i)
            _save(tmp_path / ("img%d.png" % i), img)
            bgr = img[:, :, ::-1]
            rec.write_idx(i, mx.recordio.pack_img((0, float(i), i, 0), bgr, img_fmt=".png"))
            rec2.write_idx(i, mx.recordio.pack_img((0, [i, 10.0 + i], i, 0), bgr, img_fmt=".png"))
            lst.write("%d\t%d\timg%d.png\n" % (i, 2 * i, i))
            lst2.write("%d\t%d\t%d.5\timg%d.png\n" % (i, i, i, i))
    rec.close()
    rec2.close()
    return tmp_path


def _epochs(it, n, reset="reset", image_of=int):
    """[(pad, labels)... , 'STOP'] for n epochs, checking every image of every batch.

    ``image_of(label)`` is the index of the image the label belongs to.
    """
    out = []
    for _ in range(n):
        while True:
            try:
                batch = it.next()
            except StopIteration:
                out.append("STOP")
                break
            data, label = batch.data[0], batch.label[0]
            assert isinstance(batch, mx.io.DataBatch)
            assert data.shape == (it.batch_size,) + SHAPE and data.dtype == np.float32
            labels = label.asnumpy().tolist()
            for row, lab in zip(data.asnumpy(), labels):
                np.testing.assert_array_equal(row, _chw_crop(image_of(lab)))
            out.append((batch.pad, labels))
        getattr(it, reset)()
    return out


# ---------------------------------------------------------------------------- exports


def test_names_are_exported():
    names = [
        "Augmenter",
        "SequentialAug",
        "RandomOrderAug",
        "ResizeAug",
        "ForceResizeAug",
        "RandomCropAug",
        "RandomSizedCropAug",
        "CenterCropAug",
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
        "ImageIter",
    ]
    for name in names:
        assert name in image.__all__
        assert getattr(mx.img, name) is getattr(image, name)
    assert "imdecode" in image.__all__ and "random_size_crop" in image.__all__
    assert issubclass(image.ImageIter, mx.io.DataIter)


# ---------------------------------------------------------------------------- dumps


def test_augmenter_base():
    aug = image.Augmenter(a=1, b=np.array([1, 2]), c=nd.array([1.5]))
    assert aug.dumps() == '["augmenter", {"a": 1, "b": [1, 2], "c": [1.5]}]'
    with pytest.raises(NotImplementedError, match="Must override implementation"):
        aug(nd.zeros((2, 2, 3)))
    seq = image.SequentialAug([image.CastAug("float16")])
    assert seq.dumps() == ["sequentialaug", ['["castaug", {"type": "float16"}]']]


# MXNet 1.9.1's [a.dumps() for a in CreateAugmenter(**kwargs)] for each case
_CREATE_CASES = [
    (
        dict(data_shape=(3, 224, 224)),
        [
            '["centercropaug", {"size": [224, 224], "interp": 2}]',
            '["castaug", {"type": "float32"}]',
        ],
    ),
    (
        dict(
            data_shape=(3, 32, 48),
            resize=40,
            rand_crop=True,
            rand_mirror=True,
            mean=True,
            std=True,
        ),
        [
            '["resizeaug", {"size": 40, "interp": 2}]',
            '["randomcropaug", {"size": [48, 32], "interp": 2}]',
            '["horizontalflipaug", {"p": 0.5}]',
            '["castaug", {"type": "float32"}]',
            '["colornormalizeaug", {"mean": [123.68000030517578, 116.27999877929688, '
            '103.52999877929688], "std": [58.39500045776367, 57.119998931884766, 57.375]}]',
        ],
    ),
    (
        dict(
            data_shape=(3, 300, 300),
            rand_mirror=True,
            mean=True,
            brightness=0.125,
            contrast=0.125,
            rand_gray=0.05,
            saturation=0.125,
            pca_noise=0.05,
            inter_method=10,
        ),
        [
            '["centercropaug", {"size": [300, 300], "interp": 10}]',
            '["horizontalflipaug", {"p": 0.5}]',
            '["castaug", {"type": "float32"}]',
            [
                "colorjitteraug",
                [
                    '["brightnessjitteraug", {"brightness": 0.125}]',
                    '["contrastjitteraug", {"contrast": 0.125}]',
                    '["saturationjitteraug", {"saturation": 0.125}]',
                ],
            ],
            '["lightingaug", {"alphastd": 0.05, "eigval": [55.46, 4.794, 1.148], "eigvec": '
            "[[-0.5675, 0.7192, 0.4009], [-0.5808, -0.0045, -0.814], "
            "[-0.5836, -0.6948, 0.4203]]}]",
            '["randomgrayaug", {"p": 0.05}]',
            '["colornormalizeaug", {"mean": [123.68000030517578, 116.27999877929688, '
            '103.52999877929688], "std": null}]',
        ],
    ),
    (
        dict(
            data_shape=(3, 20, 30),
            resize=24,
            rand_crop=True,
            rand_resize=True,
            hue=0.1,
            mean=np.array([1.0, 2.0, 3.0]),
            std=nd.array([4.0, 5.0, 6.0]),
            inter_method=1,
        ),
        [
            '["resizeaug", {"size": 24, "interp": 1}]',
            '["randomsizedcropaug", {"size": [30, 20], "area": 0.08, '
            '"ratio": [0.75, 1.3333333333333333], "interp": 1}]',
            '["castaug", {"type": "float32"}]',
            '["huejitteraug", {"hue": 0.1}]',
            '["colornormalizeaug", {"mean": [1.0, 2.0, 3.0], "std": [4.0, 5.0, 6.0]}]',
        ],
    ),
    (
        dict(data_shape=(3, 8, 8), brightness=0.3, std=True),
        [
            '["centercropaug", {"size": [8, 8], "interp": 2}]',
            '["castaug", {"type": "float32"}]',
            ["colorjitteraug", ['["brightnessjitteraug", {"brightness": 0.3}]']],
            '["colornormalizeaug", {"mean": null, '
            '"std": [58.39500045776367, 57.119998931884766, 57.375]}]',
        ],
    ),
    (
        dict(data_shape=(3, 8, 8), contrast=0.2, saturation=0.1, mean=np.array([5.0])),
        [
            '["centercropaug", {"size": [8, 8], "interp": 2}]',
            '["castaug", {"type": "float32"}]',
            [
                "colorjitteraug",
                [
                    '["contrastjitteraug", {"contrast": 0.2}]',
                    '["saturationjitteraug", {"saturation": 0.1}]',
                ],
            ],
            '["colornormalizeaug", {"mean": [5.0], "std": null}]',
        ],
    ),
]


@pytest.mark.parametrize("kwargs, expected", _CREATE_CASES)
def test_create_augmenter_matches_mxnet_dumps(kwargs, expected):
    assert [a.dumps() for a in image.CreateAugmenter(**kwargs)] == expected


def test_create_augmenter_classes_and_defaults():
    augs = image.CreateAugmenter(
        (3, 6, 8), resize=9, rand_crop=True, rand_resize=True, rand_mirror=True,
        mean=True, std=True, brightness=0.1, hue=0.1, pca_noise=0.1, rand_gray=0.2,
    )  # fmt: skip
    kinds = [type(a) for a in augs]
    assert kinds == [
        image.ResizeAug,
        image.RandomSizedCropAug,
        image.HorizontalFlipAug,
        image.CastAug,
        image.ColorJitterAug,
        image.HueJitterAug,
        image.LightingAug,
        image.RandomGrayAug,
        image.ColorNormalizeAug,
    ]
    norm = augs[-1]
    np.testing.assert_allclose(norm.mean.asnumpy(), [123.68, 116.28, 103.53], rtol=1e-6)
    np.testing.assert_allclose(norm.std.asnumpy(), [58.395, 57.12, 57.375], rtol=1e-6)
    assert augs[1].area == 0.08 and augs[1].ratio == (0.75, 4.0 / 3.0)


def test_create_augmenter_bad_arguments():
    with pytest.raises(AssertionError, match="rand_resize=True needs rand_crop=True"):
        image.CreateAugmenter((3, 8, 8), rand_resize=True)
    with pytest.raises(AssertionError, match="mean must be True, None, a numpy.ndarray"):
        image.CreateAugmenter((3, 8, 8), mean=[1, 2, 3])
    with pytest.raises(AssertionError, match=r"mean must hold 1 or 3 values.*\(2,\)"):
        image.CreateAugmenter((3, 8, 8), mean=np.array([1.0, 2.0]))
    with pytest.raises(AssertionError, match="std must be True, None.*got tuple"):
        image.CreateAugmenter((3, 8, 8), std=(1, 2, 3))


# ---------------------------------------------------------------------------- deterministic


def _nd8(arr):
    return nd.array(arr, dtype="uint8")


def test_resize_aug_pixels():
    img = _img(3, 8, 12)
    out = image.ResizeAug(4, interp=0)(_nd8(img))
    assert out.shape == (4, 6, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(out.asnumpy(), img[::2, ::2])  # nearest: every 2nd pixel
    area = image.ResizeAug(4, interp=3)(_nd8(img)).asnumpy().astype(float)
    blocks = img.reshape(4, 2, 6, 2, 3).astype(float).mean(axis=(1, 3))
    assert np.abs(area - blocks).max() <= 0.5  # the 2x2 means, rounded
    tall = image.ResizeAug(5, interp=0)(_nd8(_img(1, 20, 10)))
    assert tall.shape == (10, 5, 3)  # the shorter side (width) becomes 5
    assert image.ResizeAug(4).dumps() == '["resizeaug", {"size": 4, "interp": 2}]'


def test_force_resize_aug_pixels():
    img = _img(4, 8, 12)
    out = image.ForceResizeAug((6, 2), interp=0)(_nd8(img))
    assert out.shape == (2, 6, 3)
    np.testing.assert_array_equal(out.asnumpy(), img[::4, ::2])
    assert image.ForceResizeAug((6, 2)).dumps() == (
        '["forceresizeaug", {"size": [6, 2], "interp": 2}]'
    )


def test_center_crop_aug_pixels():
    img = _img(5, 9, 12)
    out = image.CenterCropAug((5, 3))(_nd8(img))
    assert out.shape == (3, 5, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(out.asnumpy(), img[3:6, 3:8])
    # a crop larger than the image is scaled down to fit, then resized up (nearest: x2)
    big = image.CenterCropAug((24, 18), interp=0)(_nd8(img)).asnumpy()
    assert big.shape == (18, 24, 3)
    np.testing.assert_array_equal(big, img[:, :].repeat(2, axis=0).repeat(2, axis=1))


def test_horizontal_flip_aug():
    img = _img(6)
    np.testing.assert_array_equal(image.HorizontalFlipAug(1.0)(_nd8(img)).asnumpy(), img[:, ::-1])
    src = _nd8(img)
    assert image.HorizontalFlipAug(0.0)(src) is src
    random.seed(11)
    flips = [
        image.HorizontalFlipAug(0.5)(src).asnumpy()[0, 0, 0] != img[0, 0, 0] for _ in range(200)
    ]
    assert 60 < sum(flips) < 140  # about half of the draws flip
    random.seed(11)
    again = [
        image.HorizontalFlipAug(0.5)(src).asnumpy()[0, 0, 0] != img[0, 0, 0] for _ in range(200)
    ]
    assert flips == again


def test_cast_aug():
    img = _img(7)
    out = image.CastAug()(_nd8(img))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.asnumpy(), img.astype(np.float32))
    half = image.CastAug("float16")
    assert half(_nd8(img)).dtype == np.float16
    assert half.dumps() == '["castaug", {"type": "float16"}]'


def test_color_normalize_aug():
    img = _img(8).astype(np.float32)
    mean, std = np.array([10.0, 20.0, 30.0]), np.array([2.0, 4.0, 8.0])
    aug = image.ColorNormalizeAug(mean, nd.array(std))
    out = aug(nd.array(img))
    np.testing.assert_allclose(out.asnumpy(), (img - mean) / std, rtol=1e-6)
    assert json.loads(aug.dumps()) == [
        "colornormalizeaug",
        {"mean": [10.0, 20.0, 30.0], "std": [2.0, 4.0, 8.0]},
    ]
    only_mean = image.ColorNormalizeAug(nd.array([5.0]), None)(nd.array(img))
    np.testing.assert_allclose(only_mean.asnumpy(), img - 5.0)


# ---------------------------------------------------------------------------- random


def _uniform_after(seed, bound):
    random.seed(seed)
    return random.uniform(-bound, bound)


def test_brightness_jitter_aug():
    img = _img(9).astype(np.float32)
    aug = image.BrightnessJitterAug(0.3)
    random.seed(4)
    out = aug(nd.array(img)).asnumpy()
    alpha = 1.0 + _uniform_after(4, 0.3)
    np.testing.assert_allclose(out, img * alpha, rtol=1e-5)
    for seed in range(20):
        random.seed(seed)
        ratio = aug(nd.ones((2, 2, 3))).asnumpy()
        assert np.all((ratio >= 0.7 - 1e-6) & (ratio <= 1.3 + 1e-6))
    assert aug.dumps() == '["brightnessjitteraug", {"brightness": 0.3}]'


def test_contrast_jitter_aug():
    img = _img(10).astype(np.float32)
    random.seed(5)
    out = image.ContrastJitterAug(0.4)(nd.array(img)).asnumpy()
    alpha = 1.0 + _uniform_after(5, 0.4)
    gray_mean = (img * [0.299, 0.587, 0.114]).sum(axis=2).mean()
    np.testing.assert_allclose(out, img * alpha + (1 - alpha) * gray_mean, rtol=1e-4, atol=1e-3)


def test_saturation_jitter_aug():
    img = _img(11).astype(np.float32)
    random.seed(6)
    out = image.SaturationJitterAug(0.4)(nd.array(img)).asnumpy()
    alpha = 1.0 + _uniform_after(6, 0.4)
    gray = (img * [0.299, 0.587, 0.114]).sum(axis=2, keepdims=True)
    np.testing.assert_allclose(out, img * alpha + (1 - alpha) * gray, rtol=1e-4, atol=1e-3)


def test_hue_jitter_aug():
    img = _img(12).astype(np.float32)
    aug = image.HueJitterAug(0.3)
    random.seed(7)
    out = aug(nd.array(img)).asnumpy()
    alpha = _uniform_after(7, 0.3)
    c, s = np.cos(alpha * np.pi), np.sin(alpha * np.pi)
    rot = np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    t = (aug.ityiq @ rot @ aug.tyiq).T
    np.testing.assert_allclose(out, img @ t, rtol=1e-4, atol=1e-3)
    # the luma row is kept by the rotation: Y of the output equals Y of the input
    y = np.array([0.299, 0.587, 0.114])
    assert np.abs(out @ y - img @ y).max() < 1.0


def test_lighting_aug():
    img = _img(13).astype(np.float32)
    eigval = np.array([55.46, 4.794, 1.148])
    eigvec = np.array([[-0.5675, 0.7192, 0.4009], [-0.5808, -0.0045, -0.8140],
                       [-0.5836, -0.6948, 0.4203]])  # fmt: skip
    np.random.seed(3)
    out = image.LightingAug(0.1, eigval, eigvec)(nd.array(img)).asnumpy()
    np.random.seed(3)
    alpha = np.random.normal(0, 0.1, size=(3,))
    np.testing.assert_allclose(out, img + (eigvec * alpha) @ eigval, rtol=1e-5, atol=1e-4)


def test_random_gray_aug():
    img = _img(14).astype(np.float32)
    gray = image.RandomGrayAug(1.0)(nd.array(img)).asnumpy()
    expected = img @ np.array([0.21, 0.72, 0.07])
    for ch in range(3):
        np.testing.assert_allclose(gray[:, :, ch], expected, rtol=1e-5, atol=1e-3)
    src = nd.array(img)
    assert image.RandomGrayAug(0.0)(src) is src


def _find_window(big, small):
    h, w = small.shape[:2]
    for y in range(big.shape[0] - h + 1):
        for x in range(big.shape[1] - w + 1):
            if np.array_equal(big[y : y + h, x : x + w], small):
                return x, y
    return None


def test_random_crop_aug_in_bounds_and_seeded():
    img = _img(15, 9, 12)
    aug = image.RandomCropAug((5, 4))
    places = set()
    for seed in range(30):
        random.seed(seed)
        out = aug(_nd8(img)).asnumpy()
        assert out.shape == (4, 5, 3)
        where = _find_window(img, out)
        assert where is not None and 0 <= where[0] <= 7 and 0 <= where[1] <= 5
        random.seed(seed)
        np.testing.assert_array_equal(aug(_nd8(img)).asnumpy(), out)
        places.add(where)
    assert len(places) > 5  # the place varies with the seed


def test_random_sized_crop_aug():
    img = _img(16, 20, 24)
    aug = image.RandomSizedCropAug((6, 5), 0.3, (0.75, 1.33), interp=1)
    outs = []
    for seed in range(5):
        random.seed(seed)
        out = aug(_nd8(img)).asnumpy()
        assert out.shape == (5, 6, 3) and out.dtype == np.uint8
        random.seed(seed)
        np.testing.assert_array_equal(aug(_nd8(img)).asnumpy(), out)
        outs.append(out)
    assert any(not np.array_equal(outs[0], o) for o in outs[1:])
    with pytest.warns(DeprecationWarning, match="min_area"):
        old = image.RandomSizedCropAug((6, 5), None, (0.75, 1.33), min_area=0.5)
    assert old.area == 0.5
    with pytest.raises(AssertionError, match="unexpected keyword arguments.*bogus"):
        image.RandomSizedCropAug((6, 5), 0.3, (0.75, 1.33), bogus=1)


def test_random_order_and_color_jitter():
    jitter = image.ColorJitterAug(0.2, 0.3, 0.0)
    assert [type(t) for t in jitter.ts] == [image.BrightnessJitterAug, image.ContrastJitterAug]
    img = _img(17).astype(np.float32)
    members = list(jitter.ts)
    random.seed(8)
    first = jitter(nd.array(img)).asnumpy()
    assert not np.array_equal(first, img)
    # replay: the same seed gives the same shuffle (of the original order), then the
    # members draw their factors in that order
    random.seed(8)
    random.shuffle(members)
    assert members == jitter.ts  # the shuffle is done in place on .ts
    replay = nd.array(img)
    for member in members:
        replay = member(replay)
    np.testing.assert_array_equal(replay.asnumpy(), first)

    order = []

    class Mark(image.Augmenter):
        def __init__(self, tag):
            super().__init__(tag=tag)
            self.tag = tag

        def __call__(self, src):
            order.append(self.tag)
            return src

    shuffler = image.RandomOrderAug([Mark(i) for i in range(5)])
    orders = set()
    for seed in range(10):
        order.clear()
        random.seed(seed)
        shuffler(None)
        assert sorted(order) == [0, 1, 2, 3, 4]
        orders.add(tuple(order))
    assert len(orders) > 1
    assert shuffler.dumps()[0] == "randomorderaug" and len(shuffler.dumps()[1]) == 5


def test_create_augmenter_pipeline_repeats_under_seed():
    augs = image.CreateAugmenter(
        (3, 6, 8), resize=9, rand_crop=True, rand_resize=True, rand_mirror=True,
        mean=True, std=True, brightness=0.1, contrast=0.1, saturation=0.1, hue=0.1,
        pca_noise=0.1, rand_gray=0.3,
    )  # fmt: skip
    seq = image.SequentialAug(augs)
    results = []
    for _ in range(2):
        random.seed(3)
        np.random.seed(3)
        results.append(seq(_nd8(_img(18, 10, 14))).asnumpy())
        for aug in augs:  # ColorJitterAug shuffles its members in place
            if isinstance(aug, image.ColorJitterAug):
                aug.ts.sort(key=lambda t: type(t).__name__)
    assert results[0].shape == (6, 8, 3) and results[0].dtype == np.float32
    np.testing.assert_array_equal(results[0], results[1])
    assert np.abs(results[0]).max() < 5  # normalised by ImageNet's mean and std


# ---------------------------------------------------------------------------- ImageIter

# MXNet 1.9.1's (pad, labels) per batch over 3 epochs: 7 images, batch_size 3, reset()
_PAD_EPOCH = [(0, [0, 1, 2]), (0, [3, 4, 5]), (2, [6, 0, 1]), "STOP"]
_EXPECTED = {
    "pad": _PAD_EPOCH * 3,
    "discard": [(0, [0, 1, 2]), (0, [3, 4, 5]), "STOP"] * 3,
    "roll_over": [
        (0, [0, 1, 2]), (0, [3, 4, 5]), "STOP",
        (2, [6, 0, 1]), (0, [2, 3, 4]), "STOP",
        (1, [5, 6, 0]), (0, [1, 2, 3]), (0, [4, 5, 6]), "STOP",
    ],
}  # fmt: skip


@pytest.mark.parametrize("last_batch_handle", ["pad", "discard", "roll_over"])
@pytest.mark.parametrize("source", ["rec", "rec_idx", "lst"])
def test_image_iter_last_batch_handle(data_dir, source, last_batch_handle):
    scale = 1
    if source == "rec":
        kwargs = dict(path_imgrec=str(data_dir / "a.rec"))
    elif source == "rec_idx":
        kwargs = dict(path_imgrec=str(data_dir / "a.rec"), path_imgidx=str(data_dir / "a.idx"))
    else:
        kwargs = dict(path_imglist=str(data_dir / "a.lst"), path_root=str(data_dir))
        scale = 2  # the .lst labels are 2 * i
    it = image.ImageIter(3, SHAPE, last_batch_handle=last_batch_handle, **kwargs)
    assert it.provide_data == [("data", (3, 3, 6, 8))]
    assert it.provide_label == [("softmax_label", (3,))]
    expected = [
        e if e == "STOP" else (e[0], [float(scale * v) for v in e[1]])
        for e in _EXPECTED[last_batch_handle]
    ]
    assert _epochs(it, 3, image_of=lambda lab: int(lab) // scale) == expected


def test_image_iter_lst_labels(data_dir):
    it = image.ImageIter(4, SHAPE, path_imglist=str(data_dir / "a.lst"), path_root=str(data_dir))
    batch = it.next()
    np.testing.assert_array_equal(batch.label[0].asnumpy(), [0.0, 2.0, 4.0, 6.0])
    np.testing.assert_array_equal(batch.data[0].asnumpy()[3], _chw_crop(3))
    batch = it.next()
    assert batch.pad == 1
    np.testing.assert_array_equal(batch.label[0].asnumpy(), [8.0, 10.0, 12.0, 0.0])
    with pytest.raises(StopIteration):
        it.next()
    with pytest.raises(StopIteration):  # pad: no more reading until reset()
        next(it)
    it.reset()
    assert it.next().label[0].asnumpy().tolist() == [0.0, 2.0, 4.0, 6.0]
    assert it.iter_next() is None  # as MXNet: ImageIter keeps DataIter's iter_next


def test_image_iter_imglist_and_iteration_protocol(data_dir):
    imglist = [[i, "img%d.png" % i] for i in range(N_IMAGES)]
    it = image.ImageIter(4, SHAPE, imglist=imglist, path_root=str(data_dir))
    assert it.seq == ["1", "2", "3", "4", "5", "6", "7"]  # MXNet's string keys
    assert _epochs(it, 2) == [(0, [0, 1, 2, 3]), (1, [4, 5, 6, 0]), "STOP"] * 2
    assert [b.pad for b in it] == [0, 1]  # a Python iterator too


def test_image_iter_label_width(data_dir):
    expected = [[0, 10], [1, 11], [2, 12], [3, 13]]
    rec = image.ImageIter(4, SHAPE, label_width=2, path_imgrec=str(data_dir / "b.rec"))
    assert rec.provide_label == [("softmax_label", (4, 2))]
    label = rec.next().label[0]
    assert label.shape == (4, 2) and label.dtype == np.float32
    np.testing.assert_array_equal(label.asnumpy(), expected)
    lst = image.ImageIter(
        4, SHAPE, label_width=2, path_imglist=str(data_dir / "b.lst"), path_root=str(data_dir)
    )
    halves = [[0, 0.5], [1, 1.5], [2, 2.5], [3, 3.5]]
    np.testing.assert_array_equal(lst.next().label[0].asnumpy(), halves)
    two = [[i, i + 0.5, "img%d.png" % i] for i in range(N_IMAGES)]
    nested = [[[i, i + 0.5], "img%d.png" % i] for i in range(N_IMAGES)]
    for imglist in (two, nested):
        it = image.ImageIter(4, SHAPE, label_width=2, imglist=imglist, path_root=str(data_dir))
        np.testing.assert_array_equal(it.next().label[0].asnumpy(), halves)
        assert it.next().label[0].asnumpy()[3].tolist() == [0, 0.5]
    # .rec images with the labels of a .lst keyed by the same indices
    both = image.ImageIter(
        4, SHAPE, label_width=2, path_imgrec=str(data_dir / "a.rec"),
        path_imgidx=str(data_dir / "a.idx"), path_imglist=str(data_dir / "b.lst"),
    )  # fmt: skip
    np.testing.assert_array_equal(both.next().label[0].asnumpy(), halves)


def test_image_iter_label_dtype(data_dir):
    it = image.ImageIter(
        4, SHAPE, path_imglist=str(data_dir / "a.lst"), path_root=str(data_dir), dtype="int64"
    )
    assert it.imglist[3][0].dtype == np.int64
    label = it.next().label[0]
    assert label.dtype == np.float32  # the batch buffer stays float32, as MXNet
    assert label.asnumpy().tolist() == [0.0, 2.0, 4.0, 6.0]


def test_image_iter_shuffle(data_dir):
    def labels(seed):
        random.seed(seed)
        it = image.ImageIter(
            3, SHAPE, path_imgrec=str(data_dir / "a.rec"), path_imgidx=str(data_dir / "a.idx"),
            shuffle=True, last_batch_handle="discard",
        )  # fmt: skip
        epochs = [[], []]
        for epoch in epochs:
            for batch in it:
                epoch.extend(batch.label[0].asnumpy().tolist())
                for row, lab in zip(batch.data[0].asnumpy(), batch.label[0].asnumpy()):
                    np.testing.assert_array_equal(row, _chw_crop(int(lab)))
            it.reset()
        return epochs

    first = labels(5)
    assert first == labels(5)  # repeatable under random.seed
    # MXNet 1.9.1 under random.seed(5): the shuffled orders of the first two epochs
    assert first == [[6.0, 3.0, 1.0, 0.0, 5.0, 2.0], [0.0, 1.0, 5.0, 4.0, 3.0, 6.0]]


def test_image_iter_partitions(data_dir):
    parts = []
    for part in range(3):
        it = image.ImageIter(
            2, SHAPE, path_imgrec=str(data_dir / "a.rec"), path_imgidx=str(data_dir / "a.idx"),
            num_parts=3, part_index=part,
        )  # fmt: skip
        parts.append([b.label[0].asnumpy().tolist() for b in it])
    assert parts == [[[0.0, 1.0]], [[2.0, 3.0]], [[4.0, 5.0]]]  # 7 // 3 each, as MXNet


def test_image_iter_hard_reset_drops_rolled_over(data_dir):
    it = image.ImageIter(
        3, SHAPE, path_imglist=str(data_dir / "a.lst"), path_root=str(data_dir),
        last_batch_handle="roll_over",
    )  # fmt: skip
    assert [b.pad for b in it] == [0, 0]
    it.hard_reset()
    assert it.next().label[0].asnumpy().tolist() == [0.0, 2.0, 4.0]
    assert it._cache_data is None


def test_image_iter_big_batch(data_dir):
    kwargs = dict(path_imglist=str(data_dir / "a.lst"), path_root=str(data_dir))
    pad = image.ImageIter(10, SHAPE, **kwargs)
    batch = pad.next()
    assert batch.pad == 3
    expected = [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 0.0, 2.0, 4.0]
    assert batch.label[0].asnumpy().tolist() == expected
    roll = image.ImageIter(10, SHAPE, last_batch_handle="roll_over", **kwargs)
    with pytest.raises(StopIteration):  # 7 images held back for the next epoch
        roll.next()
    roll.reset()
    batch = roll.next()
    assert batch.pad == 3 and batch.label[0].asnumpy().tolist() == expected


def test_image_iter_kwargs_and_aug_list(data_dir):
    kwargs = dict(path_imglist=str(data_dir / "a.lst"), path_root=str(data_dir))
    it = image.ImageIter(
        3, (3, 4, 4), rand_crop=True, rand_mirror=True, mean=True, std=True, resize=5, **kwargs
    )
    assert [a.dumps() for a in it.auglist][:3] == [
        '["resizeaug", {"size": 5, "interp": 2}]',
        '["randomcropaug", {"size": [4, 4], "interp": 2}]',
        '["horizontalflipaug", {"p": 0.5}]',
    ]
    data = it.next().data[0]
    assert data.shape == (3, 3, 4, 4) and np.abs(data.asnumpy()).max() < 5
    whole = image.ImageIter(2, (3, 8, 10), aug_list=[image.CastAug()], **kwargs)
    np.testing.assert_array_equal(
        whole.next().data[0].asnumpy()[1], _img(1).transpose(2, 0, 1).astype(np.float32)
    )
    with pytest.raises(TypeError, match="foo"):
        image.ImageIter(3, SHAPE, foo=1, **kwargs)


def test_image_iter_jpeg_files(tmp_path):
    colours = [(200, 30, 60), (10, 220, 90), (120, 120, 250)]
    for i, colour in enumerate(colours):
        _save(tmp_path / ("c%d.jpg" % i), np.full((12, 16, 3), colour, np.uint8), "JPEG")
    imglist = [[float(i), "c%d.jpg" % i] for i in range(3)]
    it = image.ImageIter(
        3, (3, 8, 8), imglist=imglist, path_root=str(tmp_path), mean=np.array([100.0, 100, 100])
    )
    batch = it.next()
    data = batch.data[0].asnumpy()
    for i, colour in enumerate(colours):
        expected = np.array(colour, np.float32)[:, None, None] - 100.0
        assert np.abs(data[i] - expected).max() <= 3  # JPEG of a flat colour


def test_image_iter_postprocess_and_helpers(data_dir):
    it = image.ImageIter(1, SHAPE, path_imgrec=str(data_dir / "a.rec"))
    label, raw = it.next_sample()
    assert label == 0.0
    decoded = it.imdecode(raw)
    np.testing.assert_array_equal(decoded.asnumpy(), _img(0))
    chw = it.postprocess_data(it.augmentation_transform(decoded))
    np.testing.assert_array_equal(chw.asnumpy(), _chw_crop(0))
    it2 = image.ImageIter(1, SHAPE, path_imglist=str(data_dir / "a.lst"), path_root=str(data_dir))
    assert it2.read_image("img2.png") == (data_dir / "img2.png").read_bytes()
    it.check_valid_image(decoded)  # passes: an HxWxC image
    with pytest.raises(RuntimeError, match="Data shape is wrong"):
        it.check_valid_image(np.array([1.0, 2.0]))  # its first item has no shape


def test_image_iter_errors(data_dir, tmp_path):
    rec = str(data_dir / "a.rec")
    lst = dict(path_imglist=str(data_dir / "a.lst"), path_root=str(data_dir))
    with pytest.raises(AssertionError, match="path_imgrec, path_imglist or imglist"):
        image.ImageIter(3, SHAPE)
    with pytest.raises(AssertionError, match="uint8 label not supported.*dtype must be one of"):
        image.ImageIter(3, SHAPE, path_imgrec=rec, dtype="uint8")
    with pytest.raises(ValueError, match=r"data_shape should have length 3.*got \(6, 8\)"):
        image.ImageIter(3, (6, 8), path_imgrec=rec)
    with pytest.raises(ValueError, match=r"3 channels; data_shape is \(1, 6, 8\)"):
        image.ImageIter(3, (1, 6, 8), path_imgrec=rec)
    with pytest.raises(TypeError, match="data_shape should be a tuple"):
        image.ImageIter(3, 8, path_imgrec=rec)
    with pytest.raises(ValueError, match="last_batch_handle must be one of .*got 'foo'"):
        image.ImageIter(3, SHAPE, path_imgrec=rec, last_batch_handle="foo")
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        image.ImageIter(0, SHAPE, path_imgrec=rec)
    with pytest.raises(MXNetError, match="Cannot open RecordIO file .*none.rec"):
        image.ImageIter(3, SHAPE, path_imgrec=str(tmp_path / "none.rec"))
    with pytest.raises(FileNotFoundError, match="none.lst"):
        image.ImageIter(3, SHAPE, path_imglist=str(tmp_path / "none.lst"))
    with pytest.raises(AssertionError, match="shuffle=True or num_parts > 1 .*path_imgidx"):
        image.ImageIter(3, SHAPE, path_imgrec=rec, shuffle=True)
    with pytest.raises(AssertionError, match="part_index must be in.*part_index=2, num_parts=2"):
        image.ImageIter(
            3, SHAPE, path_imgrec=rec, path_imgidx=str(data_dir / "a.idx"), num_parts=2,
            part_index=2,
        )  # fmt: skip
    with pytest.raises(FileNotFoundError, match="none.png"):
        image.ImageIter(3, SHAPE, imglist=[[1, "none.png"]], path_root=str(data_dir)).next()
    with pytest.raises(TypeError, match="path_root is None.*'img1.png'"):
        image.ImageIter(3, SHAPE, imglist=[[1, "img1.png"]]).next()
    (data_dir / "bad.png").write_bytes(b"notanimage")
    broken = image.ImageIter(
        3, SHAPE, imglist=[[1, "img1.png"], [2, "bad.png"]], path_root=str(data_dir)
    )
    with pytest.raises(RuntimeError, match="Broken image filename: bad.png, .*Decoding failed"):
        broken.next()
    with pytest.raises(ValueError, match=r"has shape \(3, 8, 10\).*data_shape is \(3, 6, 8\)"):
        image.ImageIter(3, SHAPE, aug_list=[], **lst).next()
    with pytest.raises(ValueError, match="imglist\\[1\\] must be \\[label"):
        image.ImageIter(3, SHAPE, imglist=[[1, "img1.png"], ["img2.png"]])
    bad_lst = tmp_path / "bad.lst"
    bad_lst.write_text("0\t1\timg0.png\nx\t1\timg1.png\n")
    with pytest.raises(ValueError, match="line 2 of the image list .*bad.lst.*integer index"):
        image.ImageIter(3, SHAPE, path_imglist=str(bad_lst), path_root=str(data_dir))
    bad_lst.write_text("0\t0.5\timg0.png\n")
    with pytest.raises(TypeError, match="line 1 of the image list .*not a int32 number"):
        image.ImageIter(3, SHAPE, path_imglist=str(bad_lst), path_root=str(data_dir), dtype="int32")


def test_image_iter_broken_record_names_its_index(tmp_path):
    rec = mx.recordio.MXRecordIO(str(tmp_path / "x.rec"), "w")
    rec.write(mx.recordio.pack_img((0, 0.0, 0, 0), _img(0)[:, :, ::-1], img_fmt=".png"))
    rec.write(mx.recordio.pack((0, 1.0, 1, 0), b"not an image"))
    rec.close()
    it = image.ImageIter(2, SHAPE, path_imgrec=str(tmp_path / "x.rec"))
    with pytest.raises(RuntimeError, match="Broken image index: 1, "):
        it.next()


def test_lst_blank_lines_are_skipped(data_dir, tmp_path):
    lst = tmp_path / "gaps.lst"
    lst.write_text("0\t5\timg0.png\n\n1\t6\timg1.png\n\n")
    it = image.ImageIter(2, SHAPE, path_imglist=str(lst), path_root=str(data_dir))
    assert it.seq == [0, 1]
    assert it.next().label[0].asnumpy().tolist() == [5.0, 6.0]


@pytest.mark.parametrize(
    "last_batch_handle, expected",
    [
        ("discard", [(0, [0, 1, 2]), (0, [3, 4, 5]), "S", "S", "S", "S"]),
        ("pad", [(0, [0, 1, 2]), (0, [3, 4, 5]), (2, [6, 0, 1]), "S", "S", "S"]),
        ("roll_over", [(0, [0, 1, 2]), (0, [3, 4, 5]), "S", (2, [6, 0, 1]), (0, [2, 3, 4]), "S"]),
    ],
)
@pytest.mark.parametrize("indexed", [False, True])
def test_image_iter_next_without_reset(data_dir, last_batch_handle, expected, indexed):
    """MXNet 1.9.1's results of six next() calls in a row, never calling reset()."""
    kwargs = dict(path_imgrec=str(data_dir / "a.rec"), last_batch_handle=last_batch_handle)
    if indexed:
        kwargs["path_imgidx"] = str(data_dir / "a.idx")
    it = image.ImageIter(3, SHAPE, **kwargs)
    out = []
    for _ in range(6):
        try:
            batch = it.next()
            out.append((batch.pad, batch.label[0].asnumpy().astype(int).tolist()))
        except StopIteration:
            out.append("S")
    assert out == expected
