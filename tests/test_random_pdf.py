"""nd.random_pdf_* (and sym.random_pdf_*), nd.contrib.rand_zipfian and
nd._internal._sample_unique_zipfian: values against closed forms, gradients against finite
differences, shapes, dtypes and errors as MXNet 1.9.1 gives them (recorded with the oracle)."""

import json
import math

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import autograd, nd, sym
from gluonlite.base import MXNetError

_lgamma = np.vectorize(math.lgamma, otypes=[np.float64])


# ---- closed forms (float64 numpy), parameters already broadcast to the sample -----------


def _log_normal(x, mu, sigma):
    return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * math.log(2 * math.pi)


def _log_uniform(x, low, high):
    return np.broadcast_to(-np.log(high - low), x.shape)


def _log_gamma(x, alpha, beta):  # beta is the rate
    return alpha * np.log(beta) + (alpha - 1) * np.log(x) - beta * x - _lgamma(alpha)


def _log_exponential(x, lam):
    return np.log(lam) - lam * x


def _log_poisson(x, lam):
    return x * np.log(lam) - _lgamma(x + 1) - lam


def _log_negative_binomial(x, k, p):
    return _lgamma(x + k) - _lgamma(x + 1) - _lgamma(k) + k * np.log(p) + x * np.log(1 - p)


def _log_generalized_negative_binomial(x, mu, alpha):
    return _log_negative_binomial(x, 1 / alpha, 1 / (mu * alpha + 1))


def _log_dirichlet(x, alpha):
    return (
        np.sum((alpha - 1) * np.log(x), axis=-1)
        + _lgamma(alpha.sum(axis=-1))
        - _lgamma(alpha).sum(axis=-1)
    )


RNG = np.random.RandomState(7)
SHAPE = (2, 2, 3, 4)  # parameters (2, 2): each scores a 3x4 block of samples
CONTINUOUS = RNG.uniform(0.2, 3.0, SHAPE)
COUNTS = np.floor(RNG.uniform(0, 7, SHAPE))
P1 = RNG.uniform(0.5, 2.5, (2, 2))
P2 = RNG.uniform(0.2, 0.8, (2, 2))

# name -> (closed form, sample, parameter values, parameter names, discrete)
CASES = {
    "normal": (_log_normal, CONTINUOUS, (P1, P2), ("mu", "sigma"), False),
    "uniform": (_log_uniform, CONTINUOUS, (P1, P1 + 1.5), ("low", "high"), True),
    "gamma": (_log_gamma, CONTINUOUS, (P1, P2), ("alpha", "beta"), False),
    "exponential": (_log_exponential, CONTINUOUS, (P1,), ("lam",), False),
    "poisson": (_log_poisson, COUNTS, (P1,), ("lam",), True),
    "negative_binomial": (_log_negative_binomial, COUNTS, (P1, P2), ("k", "p"), True),
    "generalized_negative_binomial": (
        _log_generalized_negative_binomial,
        COUNTS,
        (P1, P2),
        ("mu", "alpha"),
        True,
    ),
}


def _pdf(name):
    return getattr(nd, "random_pdf_" + name)


def _expand(p, ndim):
    return p.reshape(p.shape + (1,) * (ndim - p.ndim))


def _nd(*arrays, dtype="float64"):
    return [nd.array(a, dtype=dtype) for a in arrays]


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("is_log", [False, True])
def test_values_match_the_closed_form_with_parameters_over_leading_axes(name, is_log):
    closed, sample, params, _, _ = CASES[name]
    expected = closed(sample, *[_expand(p, sample.ndim) for p in params])
    got = _pdf(name)(*_nd(sample, *params), is_log=is_log)
    assert got.shape == SHAPE and got.dtype == np.float64
    np.testing.assert_allclose(
        got.asnumpy(), expected if is_log else np.exp(expected), rtol=1e-12, atol=1e-300
    )


@pytest.mark.parametrize("name", list(CASES))
def test_parameters_of_the_samples_full_shape_give_one_density_each(name):
    closed, sample, params, _, _ = CASES[name]
    full = [np.broadcast_to(_expand(p, sample.ndim), sample.shape).copy() for p in params]
    got = _pdf(name)(*_nd(sample, *full), is_log=True).asnumpy()
    np.testing.assert_allclose(got, closed(sample, *full), rtol=1e-12)


def test_values_recorded_with_mxnet():
    # the docstring example of MXNet's random_pdf_normal
    sample = nd.array([[-2, -1, 0, 1, 2], [-2, -1, 0, 1, 2]])
    got = nd.random_pdf_normal(sample, nd.array([0, 0]), nd.array([1, 2]))
    np.testing.assert_allclose(
        got.asnumpy(),
        [
            [0.05399097, 0.24197073, 0.3989423, 0.24197073, 0.05399097],
            [0.12098537, 0.17603266, 0.19947115, 0.17603266, 0.12098537],
        ],
        rtol=1e-6,
    )
    x = nd.array([[0.5, 5, -3]])
    np.testing.assert_allclose(
        nd.random_pdf_exponential(x, nd.array([2])).asnumpy(),
        [[7.357589e-01, 9.079986e-05, 8.068576e02]],
        rtol=1e-6,
    )
    counts = nd.array([[0, 1, 2.5]])
    np.testing.assert_allclose(
        nd.random_pdf_poisson(counts, nd.array([2])).asnumpy(),
        [[0.13533528, 0.27067056, 0.23036145]],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        nd.random_pdf_negative_binomial(counts, nd.array([2]), nd.array([0.3])).asnumpy(),
        [[0.09, 0.126, 0.12913847]],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        nd.random_pdf_generalized_negative_binomial(
            counts, nd.array([2]), nd.array([0.3])
        ).asnumpy(),
        [[0.2087373, 0.26092154, 0.1762536]],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        nd.random_pdf_gamma(nd.array([[0.5, 1, 2.5]]), nd.array([2]), nd.array([0.3])).asnumpy(),
        [[0.03873185, 0.06667364, 0.10628247]],
        rtol=1e-6,
    )
    # MXNet does not check the support: the uniform density is 1/(high-low) everywhere, and
    # a negative scale gives a negative normal density
    np.testing.assert_allclose(
        nd.random_pdf_uniform(x, nd.array([0]), nd.array([2])).asnumpy(), [[0.5, 0.5, 0.5]]
    )
    np.testing.assert_allclose(
        nd.random_pdf_normal(nd.array([[1, 2]]), nd.array([0]), nd.array([-1])).asnumpy(),
        [[-0.24197072, -0.05399097]],
        rtol=1e-6,
    )


# ---- gradients ----------------------------------------------------------------------------


def _check_gradients(fn, arrays, wrt, eps=1e-6, rtol=1e-5, atol=1e-7):
    """autograd's gradient of sum(fn(*arrays) * head) against central differences, for the
    inputs at the indices ``wrt``; the others must get a zero gradient."""
    inputs = _nd(*arrays)
    for x in inputs:
        x.attach_grad()
    with autograd.record():
        out = fn(*inputs)
    head = np.random.RandomState(0).uniform(0.5, 1.5, out.shape)
    out.backward(nd.array(head, dtype="float64"))
    for i, a in enumerate(arrays):
        analytic = inputs[i].grad.asnumpy()
        if i not in wrt:
            np.testing.assert_array_equal(analytic, np.zeros_like(a))
            continue
        numeric = np.zeros_like(a)
        for j in range(a.size):
            shifted = [b.copy() for b in arrays]
            flat = shifted[i].reshape(-1)
            flat[j] = a.reshape(-1)[j] + eps
            plus = fn(*_nd(*shifted)).asnumpy()
            flat[j] = a.reshape(-1)[j] - eps
            minus = fn(*_nd(*shifted)).asnumpy()
            numeric.reshape(-1)[j] = np.sum((plus - minus) * head) / (2 * eps)
        np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol, err_msg="input %d" % i)


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("is_log", [False, True])
def test_gradients_match_finite_differences(name, is_log):
    _, sample, params, _, sample_has_no_gradient = CASES[name]
    sample = sample[:, :, :2, :2]  # keep the finite differences few
    arrays = [sample, *params]
    # as in MXNet, the sample gets no gradient from a discrete or the uniform density
    wrt = set(range(1 if sample_has_no_gradient else 0, len(arrays)))

    def fn(*inputs):
        return _pdf(name)(*inputs, is_log=is_log)

    _check_gradients(fn, arrays, wrt)


def test_gradients_recorded_with_mxnet():
    x, mu, sigma = _nd([[0.3, 1.2, 2.0], [0.5, 0.7, 1.5]], [1.5, 2.5], [0.7, 1.3])
    for a in (x, mu, sigma):
        a.attach_grad()
    with autograd.record():
        y = nd.random_pdf_gamma(x, mu, sigma, is_log=True)
    y.backward()
    np.testing.assert_allclose(
        x.grad.asnumpy().ravel(), [0.96666667, -0.28333333, -0.45, 1.7, 0.84285714, -0.3]
    )
    np.testing.assert_allclose(mu.grad.asnumpy(), [-1.50799907, -1.9667344], rtol=1e-6)
    np.testing.assert_allclose(sigma.grad.asnumpy(), [2.92857143, 3.06923077])


# ---- Dirichlet ----------------------------------------------------------------------------


@pytest.mark.parametrize("alpha_shape", [(2, 2, 3), (2, 3), (3,)])
@pytest.mark.parametrize("is_log", [False, True])
def test_dirichlet_scores_vectors_along_the_last_axis(alpha_shape, is_log):
    rng = np.random.RandomState(3)
    sample = rng.dirichlet([1.0, 2.0, 3.0], size=(2, 2, 5))  # (2, 2, 5, 3)
    alpha = rng.uniform(0.5, 2.0, alpha_shape)
    # alpha (P..., k) scores sample[P..., ...]: put alpha's leading axes first, then 1s
    lead = alpha_shape[:-1]
    full = alpha.reshape(lead + (1,) * (sample.ndim - len(alpha_shape)) + alpha_shape[-1:])
    expected = _log_dirichlet(sample, full)
    got = nd.random_pdf_dirichlet(*_nd(sample, alpha), is_log=is_log)
    assert got.shape == (2, 2, 5)
    np.testing.assert_allclose(got.asnumpy(), expected if is_log else np.exp(expected), rtol=1e-12)


def test_dirichlet_of_one_vector_has_shape_one_as_in_mxnet():
    got = nd.random_pdf_dirichlet(nd.array([0.2, 0.8]), nd.array([2, 3]))
    assert got.shape == (1,)
    np.testing.assert_allclose(got.asnumpy(), [1.536], rtol=1e-6)  # MXNet 1.9.1
    rows = nd.random_pdf_dirichlet(nd.array([[0.2, 0.8], [0.5, 0.5]]), nd.array([[2, 3], [1, 1]]))
    np.testing.assert_allclose(rows.asnumpy(), [1.536, 1.0], rtol=1e-6)


@pytest.mark.parametrize("is_log", [False, True])
def test_dirichlet_gradients_match_finite_differences(is_log):
    rng = np.random.RandomState(5)
    sample = rng.dirichlet([1.0, 2.0, 1.5], size=(2, 2))  # (2, 2, 3)
    alpha = rng.uniform(0.5, 2.0, (2, 3))

    def fn(x, a):
        return nd.random_pdf_dirichlet(x, a, is_log=is_log)

    _check_gradients(fn, [sample, alpha], {0, 1})


# ---- dtypes -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype,rtol", [("float32", 1e-5), ("float16", 2e-3)])
@pytest.mark.parametrize("name", list(CASES) + ["dirichlet"])
def test_float32_and_float16_keep_their_dtype(name, dtype, rtol):
    if name == "dirichlet":
        closed = _log_dirichlet
        sample = np.random.RandomState(1).dirichlet([1.0, 2.0], size=(2, 2, 4))
        params = (np.array([[0.7, 1.5], [2.0, 1.2]]),)
        full = [params[0].reshape(2, 1, 1, 2)]
    else:
        closed, sample, params, _, _ = CASES[name]
        full = [_expand(p, sample.ndim) for p in params]
    # the reference from the inputs as rounded to the dtype
    sample = sample.astype(dtype).astype(np.float64)
    params = tuple(p.astype(dtype).astype(np.float64) for p in params)
    full = [f.astype(dtype).astype(np.float64) for f in full]
    got = getattr(nd, "random_pdf_" + name)(*_nd(sample, *params, dtype=dtype))
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(
        got.asnumpy().astype(np.float64), np.exp(closed(sample, *full)), rtol=rtol, atol=1e-6
    )


# ---- errors -------------------------------------------------------------------------------


def test_bad_shapes_name_the_parameter():
    sample = nd.ones(SHAPE)
    with pytest.raises(MXNetError, match=r"random_pdf_normal: mu has shape \(3,\).*\(2,\)"):
        nd.random_pdf_normal(sample, nd.ones((3,)), nd.ones((3,)))
    with pytest.raises(MXNetError, match=r"random_pdf_normal: sigma has shape \(2,\) but mu"):
        nd.random_pdf_normal(sample, nd.ones((2, 2)), nd.ones((2,)))
    with pytest.raises(ValueError, match="random_pdf_gamma: alpha has 5 dimension"):
        nd.random_pdf_gamma(sample, nd.ones(SHAPE + (1,)), nd.ones(SHAPE + (1,)))
    with pytest.raises(ValueError, match="random_pdf_poisson: lam has 0 dimension"):
        nd.random_pdf_poisson(sample, nd.array(1.0))
    with pytest.raises(ValueError, match=r"random_pdf_exponential: lam has shape \(1,\)"):
        nd.random_pdf_exponential(nd.array([0.5, 5.0, 3.0]), nd.array([2.0]))
    with pytest.raises(ValueError, match=r"random_pdf_dirichlet: alpha has shape \(2, 3\)"):
        nd.random_pdf_dirichlet(nd.ones((2, 2)), nd.ones((2, 3)))
    with pytest.raises(ValueError, match=r"random_pdf_dirichlet: alpha has 2 dimension"):
        nd.random_pdf_dirichlet(nd.ones((2,)), nd.ones((1, 2)))


def test_bad_types_name_the_input():
    sample = nd.ones((2, 3))
    with pytest.raises(TypeError, match="random_pdf_normal: mu has dtype float64 but sample"):
        nd.random_pdf_normal(sample, nd.ones((2,), dtype="float64"), nd.ones((2,)))
    with pytest.raises(TypeError, match="random_pdf_poisson: sample must have a floating"):
        nd.random_pdf_poisson(nd.ones((2, 3), dtype="int32"), nd.ones((2,), dtype="int32"))
    with pytest.raises(TypeError, match="random_pdf_uniform: high must be an NDArray, got list"):
        nd.random_pdf_uniform(sample, nd.ones((2,)), [2.0, 3.0])
    with pytest.raises(MXNetError, match=r"Cannot find argument 'islog'.*is_log"):
        nd.random_pdf_exponential(sample, nd.ones((2,)), islog=True)


def test_out_receives_the_result():
    out = nd.zeros((2, 3))
    result = nd.random_pdf_exponential(nd.ones((2, 3)), nd.array([1.0, 2.0]), out=out)
    assert result is out
    np.testing.assert_allclose(out.asnumpy()[1], [2 * math.exp(-2)] * 3, rtol=1e-6)


# ---- the symbolic front end ---------------------------------------------------------------


def test_sym_random_pdf_writes_mxnets_node_and_runs_the_nd_function():
    v0, v1, v2 = sym.var("v0"), sym.var("v1"), sym.var("v2")
    pdf = sym.random_pdf_gamma(v0, v1, v2, is_log=True)
    assert pdf.list_arguments() == ["v0", "v1", "v2"]
    node = json.loads(pdf.tojson())["nodes"][-1]
    assert node["op"] == "_random_pdf_gamma" and node["attrs"] == {"is_log": "True"}
    assert node["name"] == "random_pdf_gamma0"
    _, sample, params, _, _ = CASES["gamma"]
    args = dict(zip(["v0", "v1", "v2"], _nd(sample, *params)))
    grads = {k: nd.zeros(v.shape, dtype="float64") for k, v in args.items()}
    executor = pdf.bind(mx.cpu(), args, args_grad=grads)
    executor.forward(is_train=True)
    expected = nd.random_pdf_gamma(*args.values(), is_log=True)
    np.testing.assert_allclose(executor.outputs[0].asnumpy(), expected.asnumpy(), rtol=1e-15)
    executor.backward(nd.ones(SHAPE, dtype="float64"))
    a, b = [_expand(p, 4) for p in params]
    np.testing.assert_allclose(  # d/dbeta of the log-density, summed over each block
        grads["v2"].asnumpy(), np.sum(a / b - sample, axis=(2, 3)), rtol=1e-12
    )
    arg_shapes, out_shapes, _ = pdf.infer_shape(v0=SHAPE, v1=(2, 2), v2=(2, 2))
    assert out_shapes == [SHAPE]
    dirichlet = sym.random_pdf_dirichlet(v0, v1)
    assert dirichlet.infer_shape(v0=(2, 2, 5, 3), v1=(2, 2, 3))[1] == [(2, 2, 5)]
    assert sym.load_json(pdf.tojson()).list_arguments() == ["v0", "v1", "v2"]


# ---- rand_zipfian -------------------------------------------------------------------------


def _zipf_prob(classes, range_max):
    classes = np.asarray(classes, dtype=np.float64)
    return (np.log(classes + 2) - np.log(classes + 1)) / math.log(range_max + 1)


def test_rand_zipfian_samples_and_expected_counts():
    true_classes = nd.array([3, 0, 7, 19])
    sampled, count_true, count_sampled = nd.contrib.rand_zipfian(true_classes, 500, 20)
    assert sampled.shape == (500,) and sampled.dtype == np.int64
    assert count_true.shape == (4,) and count_true.dtype == np.float64
    assert count_sampled.shape == (500,) and count_sampled.dtype == np.float64
    s = sampled.asnumpy()
    assert s.min() >= 0 and s.max() < 20
    np.testing.assert_allclose(count_true.asnumpy(), _zipf_prob([3, 0, 7, 19], 20) * 500)
    np.testing.assert_allclose(count_sampled.asnumpy(), _zipf_prob(s, 20) * 500)
    # MXNet 1.9.1's expected counts for true classes [3, 0, 7] with num_sampled=6, range_max=10
    _, exp_true, _ = nd.contrib.rand_zipfian(nd.array([3, 0, 7]), 6, 10)
    np.testing.assert_allclose(exp_true.asnumpy(), [0.55834853, 1.73438896, 0.29471605])


def test_rand_zipfian_follows_the_log_uniform_distribution_and_the_seed():
    mx.random.seed(11)
    first = nd.contrib.rand_zipfian(nd.array([1]), 200000, 20)[0].asnumpy()
    mx.random.seed(11)
    again = nd.contrib.rand_zipfian(nd.array([1]), 200000, 20)[0].asnumpy()
    np.testing.assert_array_equal(first, again)
    freq = np.bincount(first, minlength=20) / first.size
    p = _zipf_prob(np.arange(20), 20)
    # within 5 standard errors of each class's probability
    assert np.all(np.abs(freq - p) < 5 * np.sqrt(p * (1 - p) / first.size))


def test_sym_rand_zipfian_has_three_outputs_like_nd():
    true_classes = nd.array([3, 0, 7])
    mx.random.seed(5)
    expected = nd.contrib.rand_zipfian(true_classes, 50, 20)
    parts = sym.contrib.rand_zipfian(sym.var("true_classes"), 50, 20)
    assert isinstance(parts, tuple) and len(parts) == 3  # as MXNet returns them
    outputs = sym.Group(parts)
    assert len(outputs.list_outputs()) == 3
    mx.random.seed(5)
    got = outputs.eval(true_classes=true_classes)
    for g, e in zip(got, expected):
        assert g.dtype == e.dtype
        np.testing.assert_array_equal(g.asnumpy(), e.asnumpy())


def test_rand_zipfian_errors_name_the_argument():
    t = nd.array([1, 2])
    with pytest.raises(ValueError, match="rand_zipfian: range_max must be positive, got 0"):
        nd.contrib.rand_zipfian(t, 5, 0)
    with pytest.raises(ValueError, match="rand_zipfian: num_sampled must be positive, got -1"):
        nd.contrib.rand_zipfian(t, -1, 10)
    with pytest.raises(TypeError, match="rand_zipfian: range_max must be an integer"):
        nd.contrib.rand_zipfian(t, 5, 2.5)
    with pytest.raises(TypeError, match="rand_zipfian: true_classes must be an NDArray"):
        nd.contrib.rand_zipfian([1, 2], 5, 10)
    with pytest.raises(MXNetError, match="Cannot find argument 'range'"):
        nd.contrib.rand_zipfian(t, 5, range=10)


# ---- _sample_unique_zipfian ---------------------------------------------------------------


def _kernel_prob(range_max):
    """P(class) of MXNet's draw lround(exp(u * log(range_max))) - 1, u uniform in [0, 1)."""
    c = np.arange(range_max, dtype=np.float64)
    upper = np.log(np.minimum(c + 1.5, range_max))
    lower = np.log(np.maximum(c + 0.5, 1.0))
    return (upper - lower) / math.log(range_max)


def test_unique_zipfian_rows_are_distinct_classes_in_range():
    samples, tries = nd._internal._sample_unique_zipfian(1000, shape=(3, 200))
    assert samples.shape == (3, 200) and samples.dtype == np.int64
    assert tries.shape == (3,) and tries.dtype == np.int64
    s, n = samples.asnumpy(), tries.asnumpy()
    for row in s:
        assert np.unique(row).size == 200
    assert s.min() >= 0 and s.max() < 1000
    assert np.all(n >= 200)
    # every class: a row is a permutation of range(range_max)
    full, _ = nd._internal._sample_unique_zipfian(50, shape=(2, 50))
    for row in full.asnumpy():
        np.testing.assert_array_equal(np.sort(row), np.arange(50))
    empty, none = nd._internal._sample_unique_zipfian(10, shape=(2, 0))
    assert empty.shape == (2, 0) and none.asnumpy().tolist() == [0, 0]


def test_unique_zipfian_draws_follow_mxnets_kernel_and_the_seed():
    mx.random.seed(3)
    first, tries = nd._internal._sample_unique_zipfian(10, shape=(4000, 1))
    mx.random.seed(3)
    again, _ = nd._internal._sample_unique_zipfian(10, shape=(4000, 1))
    np.testing.assert_array_equal(first.asnumpy(), again.asnumpy())
    assert tries.asnumpy().tolist() == [1] * 4000  # the first draw of a row is always new
    freq = np.bincount(first.asnumpy().ravel(), minlength=10) / 4000
    p = _kernel_prob(10)
    assert np.all(np.abs(freq - p) < 5 * np.sqrt(p * (1 - p) / 4000))
    # MXNet's own test: 8192 of 793472 classes take between 14500 and 17000 draws
    _, tries = nd._internal._sample_unique_zipfian(793472, shape=(2, 8192))
    assert np.all((tries.asnumpy() > 14500) & (tries.asnumpy() < 17000))


def test_sym_unique_zipfian_has_two_outputs():
    outputs = sym._internal._sample_unique_zipfian(range_max=100, shape=(2, 5))
    samples, tries = outputs.eval()
    assert samples.shape == (2, 5) and tries.shape == (2,) and tries.dtype == np.int64


def test_unique_zipfian_errors_name_the_argument():
    op = nd._internal._sample_unique_zipfian
    with pytest.raises(ValueError, match=r"shape\[1\] \(num_sampled=11\) cannot exceed range_max"):
        op(10, shape=(2, 11))
    with pytest.raises(ValueError, match="range_max must be positive, got 0"):
        op(0, shape=(2, 0))
    with pytest.raises(TypeError, match="range_max must be an integer, got float 10.5"):
        op(10.5, shape=(2, 3))
    with pytest.raises(ValueError, match=r"shape must be a 2-D shape .*got \(5,\)"):
        op(10, shape=(5,))
    with pytest.raises(ValueError, match=r"shape\[0\] \(batch_size\) must be at least 0"):
        op(10, shape=(-1, 3))
    with pytest.raises(MXNetError, match="Cannot find argument 'ctx'"):
        op(10, shape=(2, 3), ctx=mx.cpu())
