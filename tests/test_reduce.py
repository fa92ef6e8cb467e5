"""Reductions (sum, mean, max, min, prod, argmax, argmin), broadcast_to and the reverse
of broadcasting in binary-op gradients: values against numpy, shapes and errors as in
MXNet 1.9.1, gradients against float64 finite differences."""

import numpy as np
import pytest
from conftest import numeric_grad, requires_gpu

import gluonlite as mx
from gluonlite import autograd, nd
from gluonlite.base import MXNetError

NUMPY = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min, "prod": np.prod}
AXES = [None, 0, 1, 2, -1, (0, 2), (1, 2), (0, 1, 2), (2, 0)]


def mxnet_shape(shape, axis, keepdims):
    """The output shape MXNet gives: keepdims keeps 1s, a full reduction is (1,)."""
    axes = range(len(shape)) if axis is None else np.atleast_1d(axis) % len(shape)
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes) or (1,)


# ---- values ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(NUMPY))
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduce_matches_numpy_in_float64(name, axis, keepdims):
    a = np.random.default_rng(0).uniform(0.5, 1.5, (3, 4, 5))
    out = getattr(nd, name)(nd.array(a, dtype="float64"), axis=axis, keepdims=keepdims)
    assert out.dtype is np.float64
    assert out.shape == mxnet_shape(a.shape, axis, keepdims)
    expected = NUMPY[name](a, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(out.asnumpy().reshape(-1), np.ravel(expected), rtol=1e-13)


@pytest.mark.parametrize("name", sorted(NUMPY))
def test_reduce_methods_match_functions(name):
    a = np.random.default_rng(1).uniform(0.5, 1.5, (2, 3, 4)).astype(np.float32)
    x = nd.array(a)
    np.testing.assert_array_equal(
        getattr(x, name)(axis=1).asnumpy(), getattr(nd, name)(x, axis=1).asnumpy()
    )


@pytest.mark.parametrize(
    "shape,axis",
    [
        ((1000000,), None),  # one long reduction, split over threads
        ((1000, 1000), 1),
        ((1000, 1000), 0),
        ((3, 200001), 1),  # few outputs, long rows
        ((500001, 2), 0),  # few outputs, many short rows
        ((100000, 7), 1),  # many short rows
        ((64, 1500), 0),  # outputs in several chunks
        ((8, 9, 10, 11), (0, 2)),  # interleaved kept and reduced dims
        ((8, 9, 10, 11), (1, 3)),
    ],
)
def test_float32_sum_and_max_of_large_arrays(shape, axis):
    a = np.random.default_rng(2).uniform(-1, 1, shape).astype(np.float32)
    x = nd.array(a)
    exact = a.astype(np.float64).sum(axis=axis)
    got = nd.sum(x, axis=axis).asnumpy().reshape(np.shape(exact))
    scale = np.abs(a).astype(np.float64).sum(axis=axis)  # the error bound grows with sum |a|
    assert np.all(np.abs(got - exact) <= 1e-6 * scale + 1e-6)
    np.testing.assert_array_equal(
        nd.max(x, axis=axis).asnumpy().reshape(np.shape(exact)), a.max(axis=axis)
    )
    np.testing.assert_allclose(
        nd.mean(x, axis=axis).asnumpy().reshape(np.shape(exact)),
        a.astype(np.float64).mean(axis=axis),
        rtol=1e-5,
        atol=1e-7,
    )


def test_float32_sum_is_accurate_where_naive_float_accumulation_drifts():
    a = np.full(10_000_000, 0.1, dtype=np.float32)
    assert abs(float(nd.sum(nd.array(a)).asscalar()) - 0.1 * 1e7 * (np.float32(0.1) / 0.1)) < 1.0


def test_noncontiguous_inputs_reduce_correctly():
    a = np.arange(60, dtype=np.float64).reshape(3, 4, 5)
    x = nd.array(a, dtype="float64")
    t = nd.transpose(x, axes=(2, 0, 1))
    np.testing.assert_array_equal(
        nd.sum(t, axis=(0, 2)).asnumpy(), a.transpose(2, 0, 1).sum(axis=(0, 2))
    )
    np.testing.assert_array_equal(nd.max(x.T, axis=0).asnumpy(), a.T.max(axis=0))
    s = x[:, 1:3]
    np.testing.assert_array_equal(nd.prod(s, axis=1).asnumpy(), a[:, 1:3].prod(axis=1))
    np.testing.assert_array_equal(nd.sum(s).asnumpy(), [a[:, 1:3].sum()])


def test_integer_and_half_dtypes_keep_their_dtype_like_mxnet():
    i = nd.array([1, 2, 4], dtype="int32")
    assert nd.sum(i).dtype is np.int32 and nd.sum(i).asnumpy().tolist() == [7]
    assert nd.mean(i).asnumpy().tolist() == [2]  # integer mean truncates, as in MXNet
    assert nd.prod(i).asnumpy().tolist() == [8]
    assert nd.max(i).asnumpy().tolist() == [4] and nd.min(i).asnumpy().tolist() == [1]
    assert nd.sum(nd.ones((1000,), dtype="uint8")).asnumpy().tolist() == [232]  # wraps, as MXNet
    big = nd.array([2**40, 2**40], dtype="int64")
    assert nd.sum(big).asnumpy().tolist() == [2**41]
    h = nd.ones((10000,), dtype="float16")
    assert nd.sum(h).dtype is np.float16
    assert nd.sum(h).asnumpy().tolist() == [10000.0]  # accumulated in float, not half
    assert nd.mean(h).asnumpy().tolist() == [1.0]


def test_max_and_min_propagate_nan_like_numpy():
    a = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]], dtype=np.float32)
    np.testing.assert_array_equal(nd.max(nd.array(a), axis=1).asnumpy(), [np.nan, 6.0])
    np.testing.assert_array_equal(nd.min(nd.array(a), axis=1).asnumpy(), [np.nan, 4.0])
    np.testing.assert_array_equal(nd.max(nd.array(a)).asnumpy(), [np.nan])
    neg = nd.array([-np.inf, -np.inf])
    assert nd.max(neg).asnumpy().tolist() == [-np.inf]


# ---- exclude, keepdims, axis errors -----------------------------------------------------


def test_exclude_reduces_every_axis_not_listed():
    a = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    x = nd.array(a, dtype="float64")
    out = nd.sum(x, axis=1, exclude=True)
    assert out.shape == (3,)
    np.testing.assert_array_equal(out.asnumpy(), a.sum(axis=(0, 2)))
    out = nd.max(x, axis=(0, -1), exclude=True, keepdims=True)
    assert out.shape == (2, 1, 4)
    np.testing.assert_array_equal(out.asnumpy(), a.max(axis=1, keepdims=True))
    # Excluding every axis reduces nothing; no axes at all reduces everything (MXNet).
    np.testing.assert_array_equal(nd.sum(x, axis=(0, 1, 2), exclude=True).asnumpy(), a)
    np.testing.assert_array_equal(nd.sum(x, exclude=True).asnumpy(), [a.sum()])


def test_empty_axis_tuple_reduces_everything_like_mxnet():
    x = nd.array(np.arange(6).reshape(2, 3))
    out = nd.sum(x, axis=())
    assert out.shape == (1,) and out.asnumpy().tolist() == [15.0]


@pytest.mark.parametrize("name", sorted(NUMPY))
@pytest.mark.parametrize("axis", [3, -4, (0, 5)])
def test_out_of_range_axis_raises_index_error_naming_axis(name, axis):
    x = nd.ones((2, 3, 4))
    bad = axis if isinstance(axis, int) else 5
    message = rf"{name}: axis {bad} is out of range for an array of 3 dimension"
    with pytest.raises(IndexError, match=message):
        getattr(nd, name)(x, axis=axis)


def test_repeated_axis_is_an_mxnet_error():
    with pytest.raises(MXNetError, match=r"sum: axis -2 is given more than once"):
        nd.sum(nd.ones((2, 3)), axis=(0, -2))


# ---- empty reductions ---------------------------------------------------------------------


def test_empty_reductions_give_identity_nan_or_error():
    e = nd.array(np.zeros((2, 0, 3)))
    assert nd.sum(e, axis=1).shape == (2, 3)
    np.testing.assert_array_equal(nd.sum(e, axis=1).asnumpy(), np.zeros((2, 3)))
    np.testing.assert_array_equal(nd.prod(e, axis=1).asnumpy(), np.ones((2, 3)))
    assert np.isnan(nd.mean(e, axis=1).asnumpy()).all()
    assert nd.sum(e, axis=2).shape == (2, 0)  # nothing to compute
    np.testing.assert_array_equal(nd.sum(e).asnumpy(), [0.0])
    for name in ("max", "min"):
        with pytest.raises(
            MXNetError,
            match=rf"{name}: cannot reduce over a zero-size axis: "
            r"the input has shape \(2, 0, 3\)",
        ):
            getattr(nd, name)(e, axis=1)


def test_gradient_of_an_empty_sum_is_empty():
    e = nd.array(np.zeros((2, 0, 3)), dtype="float64")
    e.attach_grad()
    with autograd.record():
        y = nd.sum(e, axis=1)
    y.backward()
    assert e.grad.shape == (2, 0, 3)


# ---- argmax / argmin ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_argmax_argmin_match_numpy(name, axis, keepdims):
    a = np.random.default_rng(3).permutation(60).reshape(3, 4, 5).astype(np.float32)
    out = getattr(nd, name)(nd.array(a), axis=axis, keepdims=keepdims)
    assert out.dtype is np.float32  # MXNet returns float indices for float input
    expected = getattr(np, name)(a, axis=axis)
    if keepdims:
        expected = np.expand_dims(expected, axis)
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.asnumpy(), expected)


def test_argmax_without_axis_searches_the_flattened_array():
    a = np.array([[1, 9, 3], [9, 0, 2]], dtype=np.float32)
    assert nd.argmax(nd.array(a)).shape == (1,)
    assert nd.argmax(nd.array(a)).asnumpy().tolist() == [1.0]  # first of the tied maxima
    assert nd.argmin(nd.array(a)).asnumpy().tolist() == [4.0]
    assert nd.argmax(nd.array(a), keepdims=True).shape == (1, 1)
    assert nd.argmin(nd.array(a).T).asnumpy().tolist() == [3.0]  # logical order, not memory order


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_argmax_argmin_of_large_arrays_with_ties(axis):
    a = np.random.default_rng(8).integers(0, 50, (700, 900)).astype(np.float32)  # many ties
    x = nd.array(a)
    np.testing.assert_array_equal(
        nd.argmax(x, axis=axis).asnumpy().ravel(), np.ravel(a.argmax(axis=axis))
    )
    np.testing.assert_array_equal(
        nd.argmin(x, axis=axis).asnumpy().ravel(), np.ravel(a.argmin(axis=axis))
    )


def test_argmax_dtype_and_nan_follow_mxnet_and_numpy():
    assert nd.argmax(nd.array([1, 5, 3], dtype="float64")).dtype is np.float64
    assert nd.argmax(nd.array([1, 5, 3], dtype="int32")).asnumpy().tolist() == [1]
    assert nd.argmax(nd.array([1, np.nan, 3, np.nan])).asnumpy().tolist() == [1.0]
    assert nd.argmin(nd.array([1, np.nan, 0])).asnumpy().tolist() == [1.0]


def test_argmax_errors():
    with pytest.raises(IndexError, match=r"argmax: axis 3 is out of range for an array of 3 dim"):
        nd.argmax(nd.ones((2, 3, 4)), axis=3)
    with pytest.raises(
        MXNetError,
        match=r"argmin: cannot search along a zero-size axis: "
        r"the input has shape \(2, 0, 3\) and axis=1",
    ):
        nd.argmin(nd.array(np.zeros((2, 0, 3))), axis=1)


# ---- gradients ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(NUMPY))
@pytest.mark.parametrize(
    "axis,keepdims,exclude",
    [
        (None, False, False),
        (1, False, False),
        ((0, 2), True, False),
        (-1, True, False),
        (1, False, True),
    ],
)
def test_reduce_gradients_match_finite_differences(name, axis, keepdims, exclude):
    rng = np.random.default_rng(4)
    x0 = rng.permutation(24).reshape(2, 3, 4) / 10.0 + 0.5  # distinct: no ties for max/min
    x = nd.array(x0, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = getattr(nd, name)(x, axis=axis, keepdims=keepdims, exclude=exclude)
    w = rng.uniform(0.5, 2.0, y.shape)  # a non-trivial head gradient
    y.backward(nd.array(w, dtype="float64"))

    def f(v):
        out = getattr(nd, name)(
            nd.array(v, dtype="float64"), axis=axis, keepdims=keepdims, exclude=exclude
        )
        return float((out.asnumpy() * w).sum())

    np.testing.assert_allclose(x.grad.asnumpy(), numeric_grad(f, x0), rtol=1e-6, atol=1e-8)


def test_max_gradient_is_shared_by_ties_like_mxnet():
    x = nd.array([[1, 2, 2], [3, 3, 1]])
    x.attach_grad()
    with autograd.record():
        y = nd.max(x, axis=1)
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [[0, 1, 1], [1, 1, 0]])


def test_prod_gradient_is_nan_at_zero_like_mxnet():
    x = nd.array([[1, 0, 2], [3, 3, 1]])
    x.attach_grad()
    with autograd.record():
        y = nd.prod(x, axis=1)
    y.backward()
    g = x.grad.asnumpy()
    assert np.isnan(g[0, 1]) and g[0, 0] == 0 and g[0, 2] == 0
    np.testing.assert_array_equal(g[1], [3, 3, 9])


def test_second_order_gradient_through_sum_and_mean():
    x0 = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    x = nd.array(x0, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = nd.sum(x * x * x, axis=1).mean()
        (g,) = autograd.grad(y, [x], create_graph=True)  # 3 x^2 / 2
        z = nd.sum(g * g)
    z.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * (1.5 * x0**2) * 3 * x0, rtol=1e-12)


# ---- broadcast_to and the reverse of broadcasting -----------------------------------------


def test_broadcast_to_values_and_mxnet_zero_dims():
    a = np.array([[1.0], [2.0]])
    out = nd.broadcast_to(nd.array(a), shape=(2, 3))
    np.testing.assert_array_equal(out.asnumpy(), np.broadcast_to(a, (2, 3)))
    assert nd.broadcast_to(nd.array(a), shape=(0, 4)).shape == (2, 4)  # 0 keeps the dim
    out = nd.broadcast_to(nd.array([1.0, 2.0]), shape=(3, 2))  # numpy-style extra dims
    np.testing.assert_array_equal(out.asnumpy(), [[1, 2]] * 3)
    src = nd.array(a)
    out = nd.broadcast_to(src, shape=(2, 1))
    out[:] = 7  # a new array, never a view of the input
    assert src.asnumpy().tolist() == [[1.0], [2.0]]


def test_broadcast_to_incompatible_shape_names_both_shapes():
    with pytest.raises(
        MXNetError,
        match=r"broadcast_to: cannot broadcast an array of shape "
        r"\(2, 2\) to \(2, 3\) \(dimension 1 has size 2",
    ):
        nd.broadcast_to(nd.ones((2, 2)), shape=(2, 3))


def test_broadcast_to_gradient_sums_back():
    x0 = np.array([[0.5], [1.5]])
    w = np.arange(12, dtype=np.float64).reshape(2, 2, 3)
    x = nd.array(x0, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = nd.broadcast_to(x, shape=(2, 2, 3))
    y.backward(nd.array(w, dtype="float64"))
    np.testing.assert_allclose(x.grad.asnumpy(), w.sum(axis=(0, 2)).reshape(2, 1))


@pytest.mark.parametrize(
    "shapes",
    [((2, 3), (3,)), ((2, 3), (1, 3)), ((4, 1, 3), (2, 1)), ((2, 3), (2, 3)), ((5,), (1,))],
)
def test_binary_gradients_sum_back_to_each_operand_shape(shapes):
    rng = np.random.default_rng(5)
    a0, b0 = rng.uniform(-1, 1, shapes[0]), rng.uniform(-1, 1, shapes[1])
    a, b = nd.array(a0, dtype="float64"), nd.array(b0, dtype="float64")
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = a * b
    w = rng.uniform(-1, 1, y.shape)
    y.backward(nd.array(w, dtype="float64"))
    np.testing.assert_allclose(a.grad.asnumpy(), _sum_to(w * b0, shapes[0]), rtol=1e-12)
    np.testing.assert_allclose(b.grad.asnumpy(), _sum_to(w * a0, shapes[1]), rtol=1e-12)


def _sum_to(g, shape):
    lead = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(lead)))
    return g.sum(axis=tuple(i for i, d in enumerate(shape) if d == 1), keepdims=True)


# ---- GPU ------------------------------------------------------------------------------------


@requires_gpu
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int32", "uint8"])
@pytest.mark.parametrize(
    "shape,axis",
    [
        ((1000000,), None),
        ((300, 700), 1),
        ((300, 700), 0),
        ((3, 200001), 1),
        ((500001, 2), 0),
        ((6, 7, 8, 9), (0, 2)),
        ((6, 7, 8, 9), (1, 3)),
        ((5,), 0),
    ],
)
def test_gpu_reductions_match_cpu(dtype, shape, axis):
    a = np.random.default_rng(6).uniform(0, 3, shape).astype(dtype)
    cpu, gpu = nd.array(a, dtype=dtype), nd.array(a, dtype=dtype, ctx=mx.gpu(0))
    for name in ("sum", "mean", "max", "min"):
        c = getattr(nd, name)(cpu, axis=axis).asnumpy().astype(np.float64)
        g = getattr(nd, name)(gpu, axis=axis).asnumpy().astype(np.float64)
        tol = {"float16": 2e-3, "float32": 2e-5}.get(dtype, 1e-12)
        np.testing.assert_allclose(g, c, rtol=tol, atol=tol, err_msg=name)
    for name in ("argmax", "argmin"):
        ax = axis if isinstance(axis, int) or axis is None else None
        np.testing.assert_array_equal(
            getattr(nd, name)(gpu, axis=ax).asnumpy(), getattr(nd, name)(cpu, axis=ax).asnumpy()
        )


@requires_gpu
def test_gpu_reduce_gradients_match_cpu():
    a = np.random.default_rng(7).uniform(0.5, 1.5, (4, 5, 6))
    grads = []
    for ctx in (mx.cpu(), mx.gpu(0)):
        x = nd.array(a, dtype="float64", ctx=ctx)
        x.attach_grad()
        with autograd.record():
            y = (nd.max(x, axis=1) * nd.prod(x, axis=1)).sum() + nd.broadcast_to(
                nd.mean(x, axis=(0, 2), keepdims=True), shape=(4, 5, 6)
            ).sum()
        y.backward()
        grads.append(x.grad.asnumpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12)


@pytest.mark.parametrize(
    "ctx", [mx.cpu(), pytest.param(mx.gpu(0), marks=requires_gpu)], ids=["cpu", "gpu"]
)
@pytest.mark.parametrize("shape,axis", [((2, 4_000_001), 1), ((4_000_001, 2), 0)])
def test_float32_sums_accumulate_in_double_on_every_device(ctx, shape, axis):
    # Both devices fold float32 sums in double (reduce_functors.h): over 4e6 elements a
    # float accumulator drifts by ~1e-5 relative, the double fold stays within float32's
    # rounding of the exact sum.
    a = np.random.default_rng(8).uniform(0, 1, shape).astype(np.float32)
    exact = a.astype(np.float64).sum(axis=axis)
    got = nd.sum(nd.array(a, ctx=ctx), axis=axis).asnumpy()
    np.testing.assert_allclose(got, exact, rtol=2e-7)
    mean = nd.mean(nd.array(a, ctx=ctx), axis=axis).asnumpy()
    np.testing.assert_allclose(mean, exact / shape[axis], rtol=2e-7)
