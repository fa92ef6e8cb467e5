"""nd._internal: the operator names graphs use (``_mul_scalar``, ``_rminus_scalar``, ...)
and MXNet's slice-assignment operators, against numpy."""

import numpy as np
import pytest

from gluonlite import nd
from gluonlite.base import MXNetError

X = np.array([[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]])

SCALAR = {
    "_plus_scalar": lambda x, s: x + s,
    "_minus_scalar": lambda x, s: x - s,
    "_rminus_scalar": lambda x, s: s - x,
    "_mul_scalar": lambda x, s: x * s,
    "_div_scalar": lambda x, s: x / s,
    "_rdiv_scalar": lambda x, s: s / x,
    "_power_scalar": lambda x, s: np.abs(x) ** s,
    "_maximum_scalar": np.maximum,
    "_minimum_scalar": np.minimum,
    "_greater_scalar": lambda x, s: (x > s).astype(x.dtype),
    "_lesser_equal_scalar": lambda x, s: (x <= s).astype(x.dtype),
    "_equal_scalar": lambda x, s: (x == s).astype(x.dtype),
}


@pytest.mark.parametrize("name", sorted(SCALAR))
def test_scalar_operators(name):
    data = np.abs(X) if name == "_power_scalar" else X
    got = getattr(nd._internal, name)(nd.array(data, dtype="float64"), scalar=1.5)
    np.testing.assert_allclose(got.asnumpy(), SCALAR[name](data, 1.5), rtol=1e-12)


def test_binary_operators_broadcast():
    a, b = nd.array(X), nd.array([[2.0], [3.0]])
    np.testing.assert_allclose(nd._internal._plus(a, b).asnumpy(), X + [[2.0], [3.0]], rtol=1e-6)
    np.testing.assert_allclose(nd._internal._Mul(a, b).asnumpy(), X * [[2.0], [3.0]], rtol=1e-6)


def test_crop_assign_and_scalar_in_place_and_as_copy():
    x = nd.ones((2, 3, 4))
    nd._internal._crop_assign(x, nd.zeros((2, 1, 3)), begin=(0, 0, 0), end=(2, 1, 3), out=x)
    want = np.ones((2, 3, 4))
    want[0:2, 0:1, 0:3] = 0
    np.testing.assert_array_equal(x.asnumpy(), want)
    y = nd.ones((2, 3, 4))
    z = nd._internal._crop_assign_scalar(y, scalar=5, begin=(0, 1), end=(1, 3))
    want = np.ones((2, 3, 4))
    want[0:1, 1:3] = 5
    np.testing.assert_array_equal(z.asnumpy(), want)
    assert y.asnumpy().sum() == 24  # the input is untouched without out=
    with pytest.raises(MXNetError, match="one entry each"):
        nd._internal._crop_assign_scalar(y, scalar=1, begin=(0, 0), end=(1,))
