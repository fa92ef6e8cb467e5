"""Fixes found by porting d2l.ai's NumPy-interface chapters (examples/tutorials/d2l_np_*.py)."""

import numpy as onp
import pytest

from gluonlite import np, npx


@pytest.fixture(autouse=True)
def numpy_mode():
    """NumPy mode for each test, switched off again so other test files see the default."""
    npx.set_np()
    yield
    npx.reset_np()


def test_float_index_array_truncates_to_integer_positions():
    # np.array([1, 3]) is float32 (MXNet's default); d2l's data_iter indexes with it
    x = np.arange(10) * 2
    index = np.array([1, 3])
    assert str(index.dtype) == "float32" or index.dtype == onp.float32
    onp.testing.assert_array_equal(x[index].asnumpy(), onp.array([2.0, 6.0], dtype="float32"))
    # MXNet 1.9.1 truncates fractional positions: [1.7, 3.2] selects elements 1 and 3
    onp.testing.assert_array_equal(x[np.array([1.7, 3.2])].asnumpy(), onp.array([2.0, 6.0]))


def test_float_index_array_rows_of_a_matrix():
    features = np.array(onp.arange(12, dtype="float32").reshape(6, 2))
    rows = features[np.array([4, 0, 2])]
    onp.testing.assert_array_equal(rows.asnumpy(), onp.arange(12).reshape(6, 2)[[4, 0, 2]])


def test_float_index_array_assignment():
    x = np.arange(10)
    x[np.array([1.0, 2.0])] = 5
    expected = onp.arange(10, dtype="float32")
    expected[[1, 2]] = 5
    onp.testing.assert_array_equal(x.asnumpy(), expected)


def test_custom_initializers_receive_numpy_arrays_in_numpy_mode():
    # d2l's MyInit multiplies by a boolean mask: np semantics, as MXNet passes mx.np arrays
    from gluonlite import init
    from gluonlite.gluon import nn

    seen = []

    class MyInit(init.Initializer):
        def _init_weight(self, name, data):
            seen.append(type(data))
            data[:] = np.random.uniform(-10, 10, data.shape)
            data *= np.abs(data) >= 5

    net = nn.Dense(8)
    net.initialize(MyInit())
    net(np.ones((2, 4)))
    weight = net.weight.data().asnumpy()
    assert seen == [np.ndarray]
    assert ((weight == 0) | (onp.abs(weight) >= 5)).all() and (weight != 0).any()
