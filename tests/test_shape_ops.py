"""nd's shape, layout and small NN operators (shape_ops, nn_extra_ops, util_ops, contrib).

Values against numpy in float64, gradients against finite differences, and the expected
outputs that MXNet 1.9.1 printed where numpy has no twin (recorded by hand).
"""

import numpy as np
import pytest
from conftest import numeric_grad

from gluonlite import autograd, nd
from gluonlite.base import MXNetError

RNG = np.random.default_rng(7)


def _grad_check(op, x: np.ndarray, rtol=1e-6, atol=1e-8):
    """The gradient of sum(op(x) * w) for a fixed random w against finite differences."""
    w = RNG.standard_normal(np.shape(op(nd.array(x, dtype="float64")).asnumpy()))

    def f(v):
        return float((op(nd.array(v, dtype="float64")).asnumpy() * w).sum())

    xa = nd.array(x, dtype="float64")
    xa.attach_grad()
    with autograd.record():
        y = op(xa)
    y.backward(nd.array(w, dtype="float64"))
    np.testing.assert_allclose(xa.grad.asnumpy(), numeric_grad(f, x), rtol=rtol, atol=atol)


def test_tile_follows_numpy_including_short_and_long_reps():
    a = RNG.standard_normal((2, 3))
    for reps in [(3,), (2, 2), (2, 1, 3), 2]:
        np.testing.assert_array_equal(
            nd.tile(nd.array(a, dtype="float64"), reps=reps).asnumpy(), np.tile(a, reps)
        )
    _grad_check(lambda x: nd.tile(x, reps=(2, 3)), a)


def test_repeat_follows_numpy():
    a = RNG.standard_normal((2, 3))
    x = nd.array(a, dtype="float64")
    np.testing.assert_array_equal(nd.repeat(x, repeats=2).asnumpy(), np.repeat(a, 2))
    np.testing.assert_array_equal(nd.repeat(x, repeats=3, axis=1).asnumpy(), np.repeat(a, 3, 1))
    np.testing.assert_array_equal(nd.repeat(x, repeats=2, axis=-2).asnumpy(), np.repeat(a, 2, 0))
    _grad_check(lambda v: nd.repeat(v, repeats=2, axis=0), a)
    with pytest.raises(IndexError, match="repeat: axis 2 is out of range"):
        nd.repeat(x, repeats=2, axis=2)


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect"])
def test_pad_modes_match_numpy(mode):
    a = RNG.standard_normal((2, 1, 3, 4))
    width = (0, 0, 0, 0, 1, 2, 2, 1)
    np_width = [(0, 0), (0, 0), (1, 2), (2, 1)]
    kw = {"constant_value": 1.5} if mode == "constant" else {}
    got = nd.pad(nd.array(a, dtype="float64"), mode=mode, pad_width=width, **kw).asnumpy()
    np_kw = {"constant_values": 1.5} if mode == "constant" else {}
    np.testing.assert_array_equal(got, np.pad(a, np_width, mode=mode, **np_kw))
    _grad_check(lambda x: nd.pad(x, mode=mode, pad_width=width, **kw), a)


def test_pad_refuses_what_mxnet_refuses_with_a_clear_message():
    with pytest.raises(MXNetError, match="only 4-D or 5-D input"):
        nd.pad(nd.ones((2, 3)), mode="constant", pad_width=(1, 1, 1, 1))
    with pytest.raises(MXNetError, match="first two axes must be zero"):
        nd.pad(nd.ones((1, 1, 2, 2)), mode="constant", pad_width=(1, 1, 0, 0, 1, 1, 1, 1))
    with pytest.raises(MXNetError, match="mode must be"):
        nd.pad(nd.ones((1, 1, 2, 2)), mode="wrap", pad_width=(0, 0, 0, 0, 1, 1, 1, 1))


def test_flip_and_reverse():
    a = RNG.standard_normal((2, 3, 4))
    x = nd.array(a, dtype="float64")
    np.testing.assert_array_equal(nd.flip(x, axis=1).asnumpy(), a[:, ::-1])
    np.testing.assert_array_equal(nd.reverse(x, axis=(0, 2)).asnumpy(), a[::-1, :, ::-1])
    _grad_check(lambda v: nd.flip(v, axis=(0, 2)), a)


def test_moveaxis():
    a = RNG.standard_normal((2, 3, 4))
    got = nd.moveaxis(nd.array(a), 0, -1).asnumpy()
    np.testing.assert_array_equal(got, np.moveaxis(a.astype(np.float32), 0, -1))
    got = nd.moveaxis(nd.array(a), (0, 1), (2, 0)).asnumpy()
    np.testing.assert_array_equal(got, np.moveaxis(a.astype(np.float32), (0, 1), (2, 0)))


def test_depth_to_space_and_back():
    a = np.arange(2 * 8 * 2 * 3, dtype=np.float64).reshape(2, 8, 2, 3)
    b = 2
    d2s = nd.depth_to_space(nd.array(a, dtype="float64"), 2).asnumpy()
    np.testing.assert_array_equal(
        d2s, a.reshape(2, b, b, 2, 2, 3).transpose(0, 3, 4, 1, 5, 2).reshape(2, 2, 4, 6)
    )
    back = nd.space_to_depth(nd.array(d2s, dtype="float64"), 2).asnumpy()
    np.testing.assert_array_equal(back, a)
    _grad_check(lambda x: nd.depth_to_space(x, 2), RNG.standard_normal((1, 4, 2, 2)))
    with pytest.raises(MXNetError, match=r"channels \(3\) must be divisible by block_size"):
        nd.depth_to_space(nd.ones((1, 3, 2, 2)), 2)


def test_diag_extracts_and_builds():
    m = RNG.standard_normal((3, 4))
    x = nd.array(m, dtype="float64")
    for k in (-2, -1, 0, 1, 3):
        np.testing.assert_array_equal(nd.diag(x, k=k).asnumpy(), np.diag(m, k))
    v = np.array([1.0, 2.0])
    for k in (-1, 0, 2):
        np.testing.assert_array_equal(
            nd.diag(nd.array(v, dtype="float64"), k=k).asnumpy(), np.diag(v, k)
        )
    t = RNG.standard_normal((2, 3, 4))
    np.testing.assert_array_equal(
        nd.diag(nd.array(t, dtype="float64"), k=-1, axis1=1, axis2=2).asnumpy(),
        np.diagonal(t, -1, 1, 2),
    )
    _grad_check(lambda a: nd.diag(a, k=1), m)
    _grad_check(lambda a: nd.diag(a, k=-1), v)


def test_crop_concatenate_linspace_eye():
    a = np.arange(12.0).reshape(3, 4)
    got = nd.crop(nd.array(a), begin=(0, 1), end=(2, None), step=(1, 2)).asnumpy()
    np.testing.assert_array_equal(got, [[1.0, 3.0], [5.0, 7.0]])  # MXNet 1.9.1
    got = nd.concatenate([nd.ones((1, 2)), nd.zeros((1, 2))]).asnumpy()
    np.testing.assert_array_equal(got, [[1, 1], [0, 0]])
    np.testing.assert_allclose(
        nd.linspace(0, 1, 5, endpoint=False).asnumpy(), [0, 0.2, 0.4, 0.6, 0.8], rtol=1e-6
    )
    assert nd.linspace(0, 1, 5).dtype == np.float32
    np.testing.assert_array_equal(nd.eye(2, 3, 1).asnumpy(), np.eye(2, 3, 1))


def test_add_n_moments_khatri_rao_broadcast_axis():
    arrays = [RNG.standard_normal((2, 3)) for _ in range(3)]
    got = nd.add_n(*[nd.array(a, dtype="float64") for a in arrays]).asnumpy()
    np.testing.assert_allclose(got, sum(arrays))
    assert nd.ElementWiseSum is nd.add_n
    with pytest.raises(MXNetError, match=r"add_n: input 1 has shape \(3,\)"):
        nd.add_n(nd.ones((2,)), nd.ones((3,)))
    mean, var = nd.moments(nd.array([[1.0, 2.0], [3.0, 5.0]]), axes=(0,))
    np.testing.assert_allclose(mean.asnumpy(), [2.0, 3.5])
    np.testing.assert_allclose(var.asnumpy(), [1.0, 2.25])
    got = nd.khatri_rao(nd.array([[1, 2], [3, 4]]), nd.array([[1, 0], [0, 1], [2, 2]])).asnumpy()
    np.testing.assert_array_equal(got, [[1, 0], [0, 2], [2, 4], [3, 0], [0, 4], [6, 8]])
    assert nd.broadcast_axis(nd.ones((1, 2, 1)), axis=(0, 2), size=(3, 4)).shape == (3, 2, 4)


def test_smooth_l1_l2normalization_lrn_values_recorded_from_mxnet():
    x = nd.array([-2, -0.5, 0, 0.3, 1.5])
    np.testing.assert_allclose(
        nd.smooth_l1(x, scalar=2.0).asnumpy(), [1.875, 0.375, 0.0, 0.175, 1.375], rtol=1e-6
    )
    np.testing.assert_allclose(nd.smooth_l1(x).asnumpy(), [1.5, 0.125, 0.0, 0.045, 1.0], rtol=1e-6)
    np.testing.assert_allclose(
        nd.L2Normalization(nd.array([[3, 4], [6, 8]])).asnumpy(),
        [[0.6, 0.8], [0.6, 0.8]],
        rtol=1e-6,
    )
    ch = nd.L2Normalization(nd.arange(8).reshape((1, 2, 2, 2)), mode="channel").asnumpy()
    np.testing.assert_allclose(
        ch.ravel(),
        [0.0, 0.19611613, 0.31622776, 0.3939193, 1.0, 0.9805807, 0.94868326, 0.91914505],
        rtol=1e-6,
    )
    lrn = nd.LRN(nd.arange(1, 11).reshape((2, 5, 1, 1)), nsize=3, alpha=0.1, beta=0.75, knorm=2)
    np.testing.assert_allclose(
        lrn.asnumpy().ravel(),
        [
            0.5599586,
            1.016125,
            1.327149,
            1.5095811,
            2.011731,
            1.8406289,
            1.63241,
            1.6117795,
            1.5807331,
            2.0956955,
        ],
        rtol=1e-6,
    )
    a = RNG.standard_normal((2, 5, 2, 1))
    _grad_check(lambda v: nd.LRN(v, nsize=3, alpha=0.1), a, rtol=1e-5)
    _grad_check(lambda v: nd.L2Normalization(v, mode="spatial"), RNG.standard_normal((2, 2, 3)))
    _grad_check(lambda v: nd.smooth_l1(v, scalar=1.5), np.array([-2.0, -0.1, 0.2, 0.9]))


def test_upsampling_nearest_and_softmax_activation():
    got = nd.UpSampling(nd.arange(4).reshape((1, 1, 2, 2)), scale=2, sample_type="nearest")
    np.testing.assert_array_equal(
        got.asnumpy()[0, 0], [[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]]
    )
    two = nd.UpSampling(nd.ones((1, 1, 2, 2)), nd.ones((1, 2, 4, 4)), scale=2, num_args=2)
    assert two.shape == (1, 3, 4, 4)
    _grad_check(lambda v: nd.UpSampling(v, scale=3), RNG.standard_normal((1, 2, 2, 2)))
    sm = nd.SoftmaxActivation(nd.arange(8).reshape((1, 2, 2, 2)), mode="channel").asnumpy()
    np.testing.assert_allclose(sm.ravel(), [0.01798621] * 4 + [0.98201376] * 4, rtol=1e-6)
    np.testing.assert_allclose(
        nd.softmin(nd.array([1, 2, 3])).asnumpy(), [0.66524094, 0.24472848, 0.09003057], rtol=1e-6
    )
    np.testing.assert_allclose(
        nd.hard_sigmoid(nd.array([-5, 0, 1, 5])).asnumpy(), [0, 0.5, 0.7, 1.0], rtol=1e-6
    )


def test_util_ops():
    x = nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with autograd.record():
        y = nd.stop_gradient(x * 2) + x
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [1, 1, 1])
    assert nd.BlockGrad is nd.stop_gradient
    a, b = nd.ones((2, 3)), nd.ones((2,))
    nd.reset_arrays(a, b, num_arrays=2)
    assert a.asnumpy().sum() == 0 and b.asnumpy().sum() == 0
    np.testing.assert_array_equal(
        nd.choose_element_0index(nd.array([[1, 2], [3, 4]]), nd.array([1, 0])).asnumpy(), [2, 3]
    )
    got = nd.fill_element_0index(nd.zeros((2, 3)), nd.array([7, 8]), nd.array([2, 0])).asnumpy()
    np.testing.assert_array_equal(got, [[0, 0, 7], [8, 0, 0]])
    out = nd.zeros((3, 4))
    nd.onehot_encode(nd.array([1, 3, 0]), out)
    np.testing.assert_array_equal(out.asnumpy(), np.eye(4)[[1, 3, 0]])
    assert nd.shape_array(nd.ones((2, 3))).asnumpy().tolist() == [2, 3]
    assert nd.shape_array(nd.ones((2, 3))).dtype == np.int64
    assert nd.size_array(nd.ones((2, 3))).asnumpy().tolist() == [6]
    nan = float("nan")
    assert nd.nansum(nd.array([1, nan, 2])).asscalar() == 3
    assert nd.nanprod(nd.array([3, nan, 2])).asscalar() == 6
    np.testing.assert_array_equal(
        nd.argmax_channel(nd.array([[1, 3, 2], [5, 4, 0]])).asnumpy(), [1, 0]
    )
    np.testing.assert_array_equal(
        nd.ravel_multi_index(nd.array([[1, 2], [0, 3]]), shape=(3, 4)).asnumpy(), [4, 11]
    )
    np.testing.assert_array_equal(
        nd.unravel_index(nd.array([5, 11]), shape=(3, 4)).asnumpy(), [[1, 2], [1, 3]]
    )
    casts = nd.amp_multicast(nd.ones((2,), dtype="float16"), nd.ones((2,)), num_outputs=2)
    assert [c.dtype for c in casts] == [np.float32, np.float32]
    assert nd.amp_cast(nd.ones((2,)), dtype="float16").dtype == np.float16


def test_contrib_isinf_isnan_isfinite():
    inf, nan = float("inf"), float("nan")
    x = nd.array([1, inf, -inf, nan])
    np.testing.assert_array_equal(nd.contrib.isinf(x).asnumpy(), [0, 1, 1, 0])
    np.testing.assert_array_equal(nd.contrib.isnan(x).asnumpy(), [0, 0, 0, 1])
    np.testing.assert_array_equal(nd.contrib.isfinite(x).asnumpy(), [1, 0, 0, 0])
    assert nd.contrib.isnan(x).dtype == np.float32


def test_mxnet_alias_names_exist():
    for name in [
        "Concat",
        "Flatten",
        "SwapAxis",
        "Cast",
        "SliceChannel",
        "copy",
        "Pad",
        "reverse",
        "broadcast_axes",
        "ElementWiseSum",
        "BlockGrad",
    ]:
        assert callable(getattr(nd, name)), name
    assert nd.Concat(nd.ones((1, 2)), nd.ones((1, 2)), dim=0).shape == (2, 2)


def test_reshape_like_split_v2_slice_assign_recorded_from_mxnet():
    x = nd.arange(12).reshape((3, 4))
    assert nd.reshape_like(x, nd.ones((4, 3))).shape == (4, 3)
    got = nd.reshape_like(
        nd.ones((30, 7)), nd.ones((15, 2, 4)), lhs_begin=0, lhs_end=1, rhs_begin=0, rhs_end=2
    )
    assert got.shape == (15, 2, 7)
    assert [a.shape for a in nd.split_v2(x, 2, axis=1)] == [(3, 2), (3, 2)]
    parts = nd.split_v2(x, (1, 3), axis=1)
    assert [a.shape for a in parts] == [(3, 1), (3, 2), (3, 1)]
    np.testing.assert_array_equal(parts[1].asnumpy(), x.asnumpy()[:, 1:3])
    y = x.copy()
    assert y.slice_assign(nd.ones((2, 2)), (0, 1), (2, 3), (None, None)) is y
    np.testing.assert_array_equal(y.asnumpy(), [[0, 1, 1, 3], [4, 1, 1, 7], [8, 9, 10, 11]])
    y = x.copy()
    y.slice_assign_scalar(7, (0, 1), (2, 3), (None, 2))
    np.testing.assert_array_equal(y.asnumpy(), [[0, 7, 2, 3], [4, 7, 6, 7], [8, 9, 10, 11]])


def test_method_forms():
    a = RNG.standard_normal((1, 4, 2, 2))
    x = nd.array(a, dtype="float64")
    np.testing.assert_array_equal(x.tile((1, 1, 1, 2)).asnumpy(), np.tile(a, (1, 1, 1, 2)))
    np.testing.assert_array_equal(x.repeat(2, axis=3).asnumpy(), np.repeat(a, 2, 3))
    np.testing.assert_array_equal(x.flip(axis=1).asnumpy(), a[:, ::-1])
    assert x.depth_to_space(2).shape == (1, 1, 4, 4)
    assert x.space_to_depth(2).shape == (1, 16, 1, 1)
    assert x.pad(mode="edge", pad_width=(0, 0, 0, 0, 1, 1, 1, 1)).shape == (1, 4, 4, 4)
    assert x.shape_array().asnumpy().tolist() == [1, 4, 2, 2]
    np.testing.assert_allclose(x.nansum().asscalar(), a.sum())
    np.testing.assert_array_equal(nd.array([[1.0, 2.0], [3.0, 4.0]]).diag().asnumpy(), [1, 4])


def test_flatten_squeeze_expand_dims_methods_take_inplace_as_mxnet():
    t = (nd.arange(30) + 1).reshape((2, 3, 5))
    copy, ref = t.flatten(), t.flatten(inplace=True)
    t[0] = -1
    assert copy.asnumpy()[0, 0] == 1 and ref.asnumpy()[0, 0] == -1
    d = nd.ones((1, 3, 1))
    sq, sq_view = d.squeeze(axis=0), d.squeeze(axis=0, inplace=True)
    ex_view = d.expand_dims(0, inplace=True)
    d[0, 0, 0] = 5
    assert sq.asnumpy()[0, 0] == 1 and sq_view.asnumpy()[0, 0] == 5
    assert ex_view.shape == (1, 1, 3, 1) and ex_view.asnumpy()[0, 0, 0, 0] == 5


def test_from_numpy_zero_copy_shares_memory_and_locks_the_source():
    a = np.array([[1, 2], [3, 4], [5, 6]], dtype="float32")
    x = nd.from_numpy(a)
    with pytest.raises(ValueError):
        a[2, 1] = 0
    x[2, 1] = 100
    assert a[2, 1] == 100
    with pytest.raises(ValueError, match="C-contiguous"):
        nd.from_numpy(np.array([[1, 2], [3, 4]]).T)
    b = np.array([[1.0, 2.0], [3.0, 4.0]]).T
    y = nd.from_numpy(b, zero_copy=False)
    np.testing.assert_array_equal(y.asnumpy(), b)
    assert b.flags.writeable
    for arr in [
        np.array((1,)).reshape(()),
        np.array(()).reshape((1, 0, 2)),
        np.array([True, False]),
        np.array([1, 2], dtype=">f4"),
    ]:
        np.testing.assert_array_equal(nd.from_numpy(arr).asnumpy(), arr)


def test_an_impossible_reshape_raises_value_error_as_in_mxnet():
    with pytest.raises(ValueError, match=r"cannot reshape array of shape \(2, 3, 5\)") as info:
        nd.ones((2, 3, 5)).reshape((2, 3))
    assert isinstance(info.value, MXNetError)


def test_binary_ops_of_two_python_numbers_answer_with_a_number_as_in_mxnet():
    # MXNet 1.9.1: 8 5.5 3 1 1 1 0.5
    got = [
        nd.power(2, 3),
        nd.add(2, 3.5),
        nd.maximum(2, 3),
        nd.equal(2, 2),
        nd.lesser(1, 2),
        nd.modulo(7, 3),
        nd.divide(1, 2),
    ]
    assert got == [8, 5.5, 3, 1, 1, 1, 0.5]
    assert nd.greater(1, 2) == 0 and isinstance(nd.equal(2, 2), int)
    with pytest.raises(TypeError, match="operands must be NDArrays or numbers"):
        nd.add("a", 2)


def test_mxnet_unit_test_details():
    # from_numpy of an array an earlier from_numpy locked shares again (MXNet's test)
    a = np.array([[1, 2], [3, 4], [5, 6]], dtype="float32")
    nd.from_numpy(a)
    again = nd.from_numpy(a)
    again[2, 1] = 100
    assert a[2, 1] == 100 and not a.flags.writeable
    frozen = np.frombuffer(b"\0" * 8, dtype=np.float32)  # read-only memory: copied
    np.testing.assert_array_equal(nd.from_numpy(frozen).asnumpy(), [0, 0])
    with pytest.raises(ValueError, match="moveaxis: axis 3 is out of range"):
        nd.moveaxis(nd.ones((2, 3, 4)), 3, 0)
    with pytest.raises(MXNetError, match="must not be empty"):
        nd.broadcast_like(nd.ones((1, 2)), nd.ones((3, 2)), lhs_axes=(), rhs_axes=())
    from gluonlite.gluon import nn

    assert nn.Dense(0).weight.shape == (0, 0)
    ns = {}
    exec("from gluonlite.autograd import *", ns)
    assert ns["NDArray"] is nd.NDArray
