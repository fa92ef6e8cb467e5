"""image.imrotate / random_rotate and the Rotate / RandomRotation transforms, against
figures recorded from MXNet 1.9.1 (the same inputs through mxnet.image.imrotate)."""

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import image, nd
from gluonlite.gluon.data.vision import transforms

IMG = np.arange(60, dtype=np.float32).reshape(2, 5, 6) / 10

# (degrees, zoom_in, zoom_out) -> (sum, sum of value * flat position) of MXNet's output
MXNET_FIGURES = {
    (30, False, False): (148.559, 5759.67),
    (-45, True, False): (176.4636, 6737.834),
    (90, False, True): (118.0, 4359.4),
    (0, False, False): (177.0, 7021.0),
    (200, False, False): (154.5591, 5437.147),
}
MXNET_30_DEGREES_CHANNEL_0 = [
    [0.0024, 0.114, 0.31747, 0.70407, 1.09067, 0.47252],
    [0.07381, 0.40048, 0.78708, 1.17369, 1.56029, 1.61175],
    [0.48349, 0.8701, 1.2567, 1.6433, 2.0299, 2.41651],
    [0.80957, 1.33971, 1.72631, 2.11292, 2.49952, 2.48972],
    [0.4988, 1.80933, 2.19593, 2.58253, 1.38805, 0.04966],
]


def _figures(out):
    flat = out.asnumpy().ravel().astype(np.float64)
    return flat.sum(), (flat * np.arange(flat.size)).sum()


@pytest.mark.parametrize("args", sorted(MXNET_FIGURES))
def test_imrotate_matches_mxnet(args):
    degrees, zoom_in, zoom_out = args
    out = image.imrotate(nd.array(IMG), degrees, zoom_in=zoom_in, zoom_out=zoom_out)
    assert out.shape == IMG.shape and out.dtype == np.float32
    np.testing.assert_allclose(_figures(out), MXNET_FIGURES[args], rtol=1e-5)


def test_imrotate_values_and_batches():
    out = image.imrotate(nd.array(IMG), 30)
    np.testing.assert_allclose(out.asnumpy()[0], MXNET_30_DEGREES_CHANNEL_0, atol=2e-5)
    np.testing.assert_allclose(image.imrotate(nd.array(IMG), 0).asnumpy(), IMG, atol=1e-6)
    # a quarter turn of a square image is an exact permutation of its pixels
    square = np.arange(16, dtype=np.float32).reshape(1, 4, 4)
    np.testing.assert_allclose(
        image.imrotate(nd.array(square), 90).asnumpy()[0], np.rot90(square[0], k=1), atol=1e-5
    )
    batch = nd.array(np.stack([IMG, IMG * 2]))
    both = image.imrotate(batch, nd.array([15, -70]))
    np.testing.assert_allclose(_figures(both), (456.4506, 35233.402), rtol=1e-5)
    np.testing.assert_allclose(
        both.asnumpy()[1], image.imrotate(nd.array(IMG * 2), -70).asnumpy(), atol=1e-6
    )
    np.testing.assert_allclose(
        _figures(transforms.Rotate(10)(nd.array(IMG))), (163.6041, 6439.881), rtol=1e-5
    )


def test_random_rotation_draws_from_the_limits():
    np.random.seed(7)
    got = transforms.RandomRotation((-20, 20))(nd.array(IMG)).asnumpy()
    np.random.seed(7)
    np.random.random()  # the probability draw
    angle = np.random.uniform(-20, 20)
    np.testing.assert_allclose(got, image.imrotate(nd.array(IMG), angle).asnumpy(), atol=1e-6)
    same = transforms.RandomRotation((-20, 20), rotate_with_proba=0.0)(nd.array(IMG))
    np.testing.assert_array_equal(same.asnumpy(), IMG)


def test_bad_arguments_raise_mxnets_errors():
    with pytest.raises(TypeError, match="Only `float32` images are supported"):
        image.imrotate(nd.array(IMG).astype("uint8"), 10)
    with pytest.raises(ValueError, match="`zoom_in` and `zoom_out` cannot be both True"):
        image.imrotate(nd.array(IMG), 10, True, True)
    with pytest.raises(TypeError, match="rotation angle is required to be a scalar"):
        image.imrotate(nd.array(IMG), nd.array([1.0]))
    with pytest.raises(ValueError, match="number of images must be equal"):
        image.imrotate(nd.array(np.stack([IMG, IMG])), nd.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="Only 3D and 4D"):
        image.imrotate(nd.ones((2, 2)), 10)
    with pytest.raises(ValueError, match="`angle_limits` must be an ordered tuple"):
        transforms.RandomRotation((5, 1))
    with pytest.raises(ValueError, match="should be between 0 and 1"):
        transforms.RandomRotation((1, 5), rotate_with_proba=2)
    with pytest.raises(TypeError, match="only supports float32"):
        transforms.Rotate(10)(nd.ones((2, 2, 2), dtype="uint8"))
    assert mx.image.random_rotate is image.random_rotate
