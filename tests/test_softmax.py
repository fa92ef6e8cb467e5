"""softmax and log_softmax: values against numpy and MXNet 1.9.1, stability for huge
logits, dtypes, errors, and gradients against float64 finite differences."""

import numpy as np
import pytest
from conftest import numeric_grad, requires_gpu

import gluonlite as mx
from gluonlite import autograd, nd


def np_log_softmax(a, axis=-1, temperature=1.0):
    z = a / temperature
    z = z - z.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def np_softmax(a, axis=-1, temperature=1.0):
    return np.exp(np_log_softmax(a, axis, temperature))


REFERENCE = {"softmax": np_softmax, "log_softmax": np_log_softmax}


# ---- values ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REFERENCE))
@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
@pytest.mark.parametrize("temperature", [None, 2.5, 0.5])
def test_values_match_numpy_in_float64(name, axis, temperature):
    a = np.random.default_rng(0).normal(0, 3, (3, 4, 5))
    out = getattr(nd, name)(nd.array(a, dtype="float64"), axis=axis, temperature=temperature)
    assert out.dtype is np.float64 and out.shape == a.shape
    expected = REFERENCE[name](a, axis, 1.0 if temperature is None else temperature)
    np.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", sorted(REFERENCE))
@pytest.mark.parametrize(
    "shape,axis",
    [((300, 1000), -1), ((300, 1000), 0), ((7, 600, 3), 1), ((2, 3, 700), 1), ((1, 5), 0)],
)
def test_float32_values_on_larger_arrays(name, shape, axis):
    a = np.random.default_rng(1).normal(0, 4, shape).astype(np.float32)
    out = getattr(nd, name)(nd.array(a), axis=axis)
    assert out.dtype is np.float32
    np.testing.assert_allclose(
        out.asnumpy(), REFERENCE[name](a.astype(np.float64), axis), rtol=2e-6, atol=1e-6
    )


def test_values_recorded_from_mxnet():
    out = nd.softmax(nd.array([[1, 2], [3, 5]]), axis=0).asnumpy()
    np.testing.assert_allclose(
        out,
        [[0.11920291930437088, 0.04742587357759476], [0.8807970285415649, 0.9525741338729858]],
        rtol=1e-6,
    )
    x = nd.array([[1, 2, 4], [3, 5, -1]])
    np.testing.assert_allclose(
        nd.log_softmax(x, axis=-1, temperature=2.0).asnumpy(),
        [
            [-1.9643688201904297, -1.4643688201904297, -0.4643687903881073],
            [-1.3490121364593506, -0.349012166261673, -3.3490121364593506],
        ],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        nd.softmax(x, temperature=0.5).asnumpy(),
        [
            [0.0024282580707222223, 0.017942534759640694, 0.9796292185783386],
            [0.017986100167036057, 0.9820078015327454, 6.033664249116555e-06],
        ],
        rtol=1e-6,
    )


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_huge_logits_stay_finite(dtype):
    big = 3e4 if dtype == "float16" else 1e4
    x = nd.array([[big, -big, 0.0], [-big, -big, -big]], dtype=dtype)
    s = nd.softmax(x).asnumpy().astype(np.float64)
    assert np.isfinite(s).all()
    np.testing.assert_allclose(s, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-3)
    ls = nd.log_softmax(x).asnumpy().astype(np.float64)
    assert np.isfinite(ls).all()
    np.testing.assert_allclose(ls[0], [0.0, -2 * big, -big], rtol=1e-3, atol=1e-3)


def test_float16_keeps_its_dtype_and_accumulates_in_float():
    out = nd.softmax(nd.array([1, 2, 3], dtype="float16"))
    assert out.dtype is np.float16
    # The correctly rounded result; MXNet, computing in half, gives [0.08997, 0.2446, 0.665].
    expected = np_softmax(np.array([1.0, 2.0, 3.0])).astype(np.float16)
    np.testing.assert_array_equal(out.asnumpy(), expected)
    long_row = np.random.default_rng(2).normal(0, 1, (4, 5000)).astype(np.float16)
    out = nd.softmax(nd.array(long_row, dtype="float16"), axis=1).asnumpy().astype(np.float64)
    np.testing.assert_allclose(out.sum(axis=1), np.ones(4), rtol=2e-3)


def test_noncontiguous_input():
    a = np.random.default_rng(3).normal(0, 1, (4, 6))
    x = nd.array(a, dtype="float64")
    np.testing.assert_allclose(nd.softmax(x.T, axis=1).asnumpy(), np_softmax(a.T, 1), rtol=1e-13)
    np.testing.assert_allclose(
        nd.log_softmax(x[:, 1:4]).asnumpy(), np_log_softmax(a[:, 1:4]), rtol=1e-13
    )


def test_nan_poisons_only_its_own_row():
    x = nd.array([[1.0, np.nan, 2.0], [1.0, 2.0, 3.0]])
    for fn in (nd.softmax, nd.log_softmax):
        out = fn(x).asnumpy()
        assert np.isnan(out[0]).all() and np.isfinite(out[1]).all()


def test_empty_axis_gives_empty_result():
    assert nd.softmax(nd.array(np.zeros((3, 0)))).shape == (3, 0)


# ---- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_integer_input_is_a_type_error(name):
    with pytest.raises(
        TypeError,
        match=rf"{name}: input dtype int32 is not supported; {name} "
        r"needs float16, float32 or float64",
    ):
        getattr(nd, name)(nd.array([1, 2], dtype="int32"))


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_bad_axis_names_the_axis(name):
    with pytest.raises(IndexError, match=rf"{name}: axis 3 is out of range for an array of 3 dim"):
        getattr(nd, name)(nd.ones((2, 3, 4)), axis=3)


def test_zero_temperature_is_a_value_error():
    with pytest.raises(ValueError, match=r"softmax: temperature must be a nonzero number \(got 0"):
        nd.softmax(nd.ones((2, 3)), temperature=0)


# ---- gradients ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REFERENCE))
@pytest.mark.parametrize("axis", [-1, 0, 1])
@pytest.mark.parametrize("temperature", [None, 2.5])
def test_gradients_match_finite_differences(name, axis, temperature):
    rng = np.random.default_rng(4)
    x0 = rng.normal(0, 1, (3, 4, 2))
    w = rng.normal(0, 1, x0.shape)
    x = nd.array(x0, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = getattr(nd, name)(x, axis=axis, temperature=temperature)
    y.backward(nd.array(w, dtype="float64"))
    t = 1.0 if temperature is None else temperature
    expected = numeric_grad(lambda v: float((REFERENCE[name](v, axis, t) * w).sum()), x0)
    np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-6, atol=1e-8)


def test_log_softmax_gradient_recorded_from_mxnet():
    x = nd.array([[1, 2, 4], [3, 5, -1]])
    x.attach_grad()
    with autograd.record():
        y = nd.log_softmax(x, temperature=2.0)
    y.backward(nd.array([[1, 2, 3], [4, 5, 6]]))
    np.testing.assert_allclose(
        x.grad.asnumpy(),
        [
            [0.07926684617996216, 0.30632829666137695, -0.38559508323669434],
            [0.05377638339996338, -2.790384292602539, 2.736607313156128],
        ],
        rtol=1e-5,
        atol=1e-6,
    )


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_second_order_gradient(name):
    rng = np.random.default_rng(5)
    x0, w = rng.normal(0, 1, (2, 4)), rng.normal(0, 1, (2, 4))

    def first_grad(v):  # d/dv sum(f(v) * w), analytically
        if name == "softmax":
            s = np_softmax(v)
            return s * (w - (w * s).sum(axis=-1, keepdims=True))
        return w - np_softmax(v) * w.sum(axis=-1, keepdims=True)

    x = nd.array(x0, dtype="float64")
    x.attach_grad()
    wn = nd.array(w, dtype="float64")
    with autograd.record():
        y = (getattr(nd, name)(x) * wn).sum()
        (g,) = autograd.grad(y, [x], create_graph=True)
        z = (g * g).sum()
    z.backward()
    np.testing.assert_allclose(g.asnumpy(), first_grad(x0), rtol=1e-10)
    expected = numeric_grad(lambda v: float((first_grad(v) ** 2).sum()), x0)
    np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-6, atol=1e-8)


def test_second_order_gradient_through_prod():
    x0 = np.array([[0.5, -1.5, 2.0], [1.25, 0.75, -0.5]])
    w = np.array([[1.0, 2.0, -1.0], [0.5, -2.0, 3.0]])

    def first_grad(v):  # d/dv sum(prod(v, axis=1)) = prod / v
        return v.prod(axis=1, keepdims=True) / v

    x = nd.array(x0, dtype="float64")
    x.attach_grad()
    with autograd.record():
        (g,) = autograd.grad(nd.prod(x, axis=1).sum(), [x], create_graph=True)
        z = (g * nd.array(w, dtype="float64")).sum()
    z.backward()
    expected = numeric_grad(lambda v: float((first_grad(v) * w).sum()), x0)
    np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-6, atol=1e-8)


# ---- GPU ------------------------------------------------------------------------------------


@requires_gpu
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize(
    "shape,axis",
    [((300, 1000), -1), ((300, 1000), 0), ((7, 600, 3), 1), ((4, 70000), -1), ((1, 5), 0)],
)
def test_gpu_matches_cpu(dtype, shape, axis):
    a = np.random.default_rng(6).normal(0, 4, shape).astype(dtype)
    for name in sorted(REFERENCE):
        c = getattr(nd, name)(nd.array(a, dtype=dtype), axis=axis).asnumpy().astype(np.float64)
        g = getattr(nd, name)(nd.array(a, dtype=dtype, ctx=mx.gpu(0)), axis=axis)
        tol = {"float16": 2e-3, "float32": 2e-6}.get(dtype, 1e-13)
        np.testing.assert_allclose(
            g.asnumpy().astype(np.float64), c, rtol=tol, atol=tol, err_msg=name
        )


@requires_gpu
def test_gpu_gradients_match_cpu():
    a = np.random.default_rng(7).normal(0, 1, (5, 6))
    w = np.random.default_rng(8).normal(0, 1, (5, 6))
    grads = []
    for ctx in (mx.cpu(), mx.gpu(0)):
        x = nd.array(a, dtype="float64", ctx=ctx)
        x.attach_grad()
        with autograd.record():
            y = (
                nd.softmax(x, axis=0) * nd.array(w, dtype="float64", ctx=ctx)
            ).sum() + nd.log_softmax(x, temperature=3.0).sum()
        y.backward()
        grads.append(x.grad.asnumpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12)
