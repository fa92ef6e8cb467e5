"""mx.npx operators added over the nd ones: values recorded from MXNet 1.9.1 (npx.set_np())."""

import numpy as onp
import pytest

import gluonlite as mx
from gluonlite import autograd, np, npx
from gluonlite.base import MXNetError

X = [[1.0, 5, 3], [4, 2, 6]]


@pytest.fixture(autouse=True)
def numpy_mode():
    npx.set_np()
    yield
    npx.reset_np()


def test_topk_indices_and_both():
    x = np.array(X)
    got = npx.topk(x, k=2)
    assert type(got) is np.ndarray
    assert got.asnumpy().tolist() == [[1, 2], [2, 0]]
    values, indices = npx.topk(x, k=2, ret_typ="both")
    assert type(values) is np.ndarray
    assert values.asnumpy().tolist() == [[5, 3], [6, 4]]
    assert indices.asnumpy().tolist() == [[1, 2], [2, 0]]


def test_arange_like_whole_array_and_axis():
    x = np.array(X)
    assert npx.arange_like(x).asnumpy().tolist() == [[0, 1, 2], [3, 4, 5]]
    assert npx.arange_like(x, axis=1).asnumpy().tolist() == [0, 1, 2]
    assert npx.arange_like(x, start=1, step=2, repeat=2).asnumpy().tolist() == [
        [1, 1, 3],
        [3, 5, 5],
    ]
    with pytest.raises(MXNetError, match=r"axis 2 is out of range for data of shape \(2, 3\)"):
        npx.arange_like(x, axis=2)


def test_sequence_mask_gather_nd_shape_array_nonzero():
    x = np.array(X)
    masked = npx.sequence_mask(x, np.array([1.0, 2]), use_sequence_length=True, axis=1, value=-1)
    assert masked.asnumpy().tolist() == [[1, -1, -1], [4, 2, -1]]
    assert npx.gather_nd(x, np.array([[0, 1], [2, 0]])).asnumpy().tolist() == [3, 4]
    shape = npx.shape_array(x)
    assert shape.dtype == onp.int64 and shape.asnumpy().tolist() == [2, 3]
    found = npx.nonzero(x > 3)
    assert found.dtype == onp.int64 and found.asnumpy().tolist() == [[0, 1], [1, 0], [1, 2]]


def test_smooth_l1_reshape_like_batch_flatten_slice_cast_erf():
    x = np.array(X)
    assert npx.smooth_l1(x - 3, 1.0).asnumpy().tolist() == [[1.5, 1.5, 0], [0.5, 0.5, 2.5]]
    assert npx.reshape_like(x, np.ones((3, 2))).asnumpy().tolist() == [[1, 5], [3, 4], [2, 6]]
    assert npx.batch_flatten(np.ones((2, 2, 2))).shape == (2, 4)
    assert npx.slice(x, begin=(0, 1), end=(2, 3)).asnumpy().tolist() == [[5, 3], [2, 6]]
    cast = npx.cast(x, "int32")
    assert cast.dtype == onp.int32 and type(cast) is np.ndarray
    onp.testing.assert_allclose(
        npx.erf(x).asnumpy(), [[0.8427008, 1.0, 0.9999779], [1.0, 0.9953223, 1.0]], rtol=1e-6
    )
    onp.testing.assert_allclose(
        npx.gammaln(x).asnumpy(), [[0, 3.1780539, 0.6931472], [1.7917595, 0, 4.787492]], rtol=1e-5
    )


def test_wrapped_ops_keep_gradients():
    x = np.array(X)
    x.attach_grad()
    with autograd.record():
        y = (npx.smooth_l1(x - 3, 1.0) * np.array([[1.0, 2, 3], [4, 5, 6]])).sum()
    y.backward()
    # d smooth_l1(t)/dt = t inside |t| < 1, sign(t) outside
    assert x.grad.asnumpy().tolist() == [[-1, 2, 0], [4, -5, 6]]


def test_unknown_keyword_is_rejected():
    with pytest.raises(MXNetError):
        npx.topk(np.array(X), k=2, bogus=1)


def test_all_names_exist_on_npx():
    for name in (
        "topk",
        "sequence_mask",
        "gather_nd",
        "reshape_like",
        "smooth_l1",
        "batch_flatten",
        "cast",
        "erf",
        "erfinv",
        "gamma",
        "gammaln",
        "slice",
        "shape_array",
        "deconvolution",
        "arange_like",
        "nonzero",
        "layer_norm",
        "embedding",
        "softmax",
        "log_softmax",
        "pick",
        "one_hot",
        "batch_dot",
    ):
        assert callable(getattr(npx, name)), name
    assert mx.npx is npx
