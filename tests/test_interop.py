"""numpy and DLPack interchange."""

import numpy as np
import pytest

from gluonlite import nd


def test_numpy_from_dlpack_shares_memory():
    x = nd.arange(6).reshape((2, 3))
    view = np.from_dlpack(x)
    np.testing.assert_array_equal(view, np.arange(6).reshape(2, 3))
    x[0, 0] = 42
    assert view[0, 0] == 42  # zero copy


def test_from_dlpack_of_numpy_and_strided_views():
    a = np.arange(12, dtype=np.float64).reshape(3, 4)
    x = nd.from_dlpack(a)
    assert x.dtype is np.float64 and x.shape == (3, 4)
    np.testing.assert_array_equal(x.asnumpy(), a)
    a[1, 1] = -1
    assert x.asnumpy()[1, 1] == -1
    t = nd.from_dlpack(a.T)  # strided producer
    np.testing.assert_array_equal(t.asnumpy(), a.T)


def test_capsule_round_trip_and_single_use():
    x = nd.array([1.0, 2.0], dtype="float64")
    capsule = nd.to_dlpack_for_read(x)
    y = nd.from_dlpack(capsule)
    np.testing.assert_array_equal(y.asnumpy(), [1, 2])
    with pytest.raises(ValueError, match="unused 'dltensor' capsule"):
        nd.from_dlpack(capsule)
    assert x.__dlpack_device__() == (1, 0)


@pytest.mark.parametrize(
    "dtype", ["float32", "float64", "float16", "int8", "uint8", "int32", "int64", "bool"]
)
def test_dlpack_all_dtypes(dtype):
    src = np.array([1, 0, 1], dtype=dtype)
    back = np.from_dlpack(nd.from_dlpack(src))
    assert back.dtype == src.dtype
    np.testing.assert_array_equal(back, src)
