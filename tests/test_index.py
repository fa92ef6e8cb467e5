"""where, take (and x[int_array]), one_hot, pick: values vs numpy, gradients, errors."""

import numpy as np
import pytest
from conftest import numeric_grad

from gluonlite import autograd, nd


def test_where_matches_numpy_with_broadcast():
    c = np.array([[1, 0, 1], [0, 0, 1]], dtype=np.float32)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    y = np.array([-1, -2, -3], dtype=np.float32)
    got = nd.where(nd.array(c), nd.array(x), nd.array(y))
    np.testing.assert_array_equal(got.asnumpy(), np.where(c != 0, x, y))


def test_where_gradient_routes_to_the_chosen_branch():
    c = nd.array([1, 0, 1])
    x, y = nd.array([1.0, 2.0, 3.0]), nd.array([4.0, 5.0, 6.0])
    x.attach_grad()
    y.attach_grad()
    with autograd.record():
        out = (nd.where(c, x, y) * nd.array([1.0, 2.0, 3.0])).sum()
    out.backward()
    assert x.grad.asnumpy().tolist() == [1, 0, 3]
    assert y.grad.asnumpy().tolist() == [0, 2, 0]


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_take_matches_numpy_clip_and_wrap(axis):
    a = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    idx = np.array([[0, 2], [1, 7]])
    n = a.shape[axis]
    got = nd.take(nd.array(a, dtype="float64"), nd.array(idx), axis=axis)
    np.testing.assert_array_equal(got.asnumpy(), np.take(a, np.clip(idx, 0, n - 1), axis=axis))
    got = nd.take(nd.array(a, dtype="float64"), nd.array(idx), axis=axis, mode="wrap")
    np.testing.assert_array_equal(got.asnumpy(), np.take(a, idx % n, axis=axis))


def test_take_gradient_scatter_adds_repeated_rows():
    a0 = np.random.default_rng(3).normal(size=(4, 3))
    idx = np.array([2, 0, 2, 3])
    w = np.arange(12, dtype=np.float64).reshape(4, 3)
    a = nd.array(a0, dtype="float64")
    a.attach_grad()
    with autograd.record():
        out = (nd.take(a, nd.array(idx)) * nd.array(w, dtype="float64")).sum()
    out.backward()
    expected = numeric_grad(lambda v: float((v[idx] * w).sum()), a0)
    np.testing.assert_allclose(a.grad.asnumpy(), expected, rtol=1e-7)


def test_integer_array_indexing():
    x = nd.arange(12).reshape((4, 3))
    np.testing.assert_array_equal(x[[3, 0]].asnumpy(), [[9, 10, 11], [0, 1, 2]])
    np.testing.assert_array_equal(x[nd.array([1, -1])].asnumpy(), [[3, 4, 5], [9, 10, 11]])
    with pytest.raises(IndexError, match="index 4 is out of bounds for axis 0 with size 4"):
        x[[0, 4]]


def test_one_hot_and_pick():
    oh = nd.one_hot(nd.array([0, 2, 1]), 3)
    np.testing.assert_array_equal(oh.asnumpy(), np.eye(3)[[0, 2, 1]])
    assert nd.one_hot(
        nd.array([1]), 2, on_value=5, off_value=-1, dtype="int32"
    ).asnumpy().tolist() == [[-1, 5]]
    data = nd.array([[1, 2, 3], [4, 5, 6]])
    assert nd.pick(data, nd.array([2, 0])).asnumpy().tolist() == [3, 4]
    assert nd.pick(data, nd.array([1, 0, 1]), axis=0).asnumpy().tolist() == [4, 2, 6]
    with pytest.raises(ValueError, match="depth must be positive"):
        nd.one_hot(nd.array([0]), 0)


def test_take_rejects_bad_mode():
    with pytest.raises(ValueError, match="mode must be 'clip' or 'wrap'"):
        nd.take(nd.ones((2,)), nd.array([0]), mode="raise")
