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


# ---- dtype objects, unknown dimensions and file writers in NumPy mode (MXNet 1.9.1, probed) ----


def test_np_array_dtype_is_a_numpy_dtype_object():
    a = np.ones((2, 3))
    assert isinstance(a.dtype, onp.dtype)
    assert repr(a.dtype) == "dtype('float32')"
    assert a.dtype == "float32" and a.dtype.name == "float32" and a.dtype.itemsize == 4
    assert np.ones(2, dtype="int32").dtype == onp.dtype("int32")
    assert (np.ones(2) > 0).dtype == onp.dtype("bool")
    # the legacy front end keeps MXNet's scalar type
    assert a.as_nd_ndarray().dtype is onp.float32


def test_np_array_arithmetic_still_promotes_across_dtypes():
    out = np.ones(2, dtype="int32") + np.ones(2)
    assert out.dtype == onp.dtype("float32")
    onp.testing.assert_array_equal(out.asnumpy(), [2.0, 2.0])
    assert (np.ones(2, dtype="float64") / 2).dtype == onp.dtype("float64")


def test_unknown_dimensions_read_minus_one_under_numpy_shape():
    from gluonlite.gluon import Parameter, nn

    net = nn.Sequential(prefix="")
    with net.name_scope():
        net.add(nn.Dense(4, prefix="dense0_"), nn.Conv2D(3, 3), nn.BatchNorm())
    assert str(net) == (
        "Sequential(\n"
        "  (0): Dense(-1 -> 4, linear)\n"
        "  (1): Conv2D(-1 -> 3, kernel_size=(3, 3), stride=(1, 1))\n"
        "  (2): BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, "
        "use_global_stats=False, in_channels=-1)\n"
        ")"
    )
    net.initialize()
    assert repr(net[0].weight) == "Parameter dense0_weight (shape=(4, -1), dtype=float32)"
    assert net[2].gamma.shape == (-1,)
    net[0](np.ones((2, 5)))  # deferred shapes still resolve
    assert net[0].weight.shape == (4, 5) and str(net[0]) == "Dense(5 -> 4, linear)"
    net[2](np.ones((2, 6, 4, 4)))
    assert net[2].gamma.shape == (6,)

    p = Parameter("w", shape=(-1, 3))
    assert p.shape == (-1, 3)
    p.shape = (2, 3)
    assert p.shape == (2, 3)
    with pytest.raises(AssertionError, match="'w'"):
        p.shape = (5, 3)
    npx.reset_np()
    assert Parameter("w3", shape=(0, 3)).shape == (0, 3)  # legacy reads 0
    assert Parameter("w4", shape=(-1, 3)).shape == (0, 3)


def test_nd_save_refuses_np_arrays_and_names_the_entry(tmp_path):
    from gluonlite import nd

    path = str(tmp_path / "x.params")
    with pytest.raises(TypeError, match="key 'b'.*npx.save"):
        nd.save(path, {"a": nd.ones((1,)), "b": np.ones((2,))})
    with pytest.raises(TypeError, match="item 0.*npx.save"):
        nd.save(path, [np.ones((2,))])
    with pytest.raises(TypeError, match="mxnet.numpy.ndarray"):
        nd.save(path, np.ones((2,)))
    assert not (tmp_path / "x.params").exists()
    npx.save(path, {"b": np.ones((2,))})
    onp.testing.assert_array_equal(npx.load(path)["b"].asnumpy(), [1.0, 1.0])


def test_parameter_writers_use_numpy_records_in_numpy_mode(tmp_path):
    from gluonlite.gluon import nn

    net = nn.Dense(3, in_units=2)
    net.initialize()
    x = np.ones((1, 2))
    want = net(x).asnumpy()
    net.collect_params().save(str(tmp_path / "p.params"))
    net.export(str(tmp_path / "m"))
    loaded = npx.load(str(tmp_path / "p.params"))
    weight = loaded[net.weight.name].asnumpy()
    onp.testing.assert_array_equal(weight, net.weight.data().asnumpy())
    arrays = npx.load(str(tmp_path / "m-0000.params"))
    assert sorted(arrays) == ["arg:" + net.bias.name, "arg:" + net.weight.name]
    net2 = nn.Dense(3, in_units=2, prefix=net.prefix)
    net2.collect_params().load(str(tmp_path / "p.params"))
    onp.testing.assert_allclose(net2(x).asnumpy(), want)
