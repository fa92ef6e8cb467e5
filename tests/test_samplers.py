"""nd.random's samplers (csrc/random/samplers.*, gluonlite/ndarray/random.py): MXNet 1.9.1's
shape, dtype, ctx and out rules (the expectations were recorded with MXNet 1.9.1), the
distributions themselves (moments and chi-square / Kolmogorov-Smirnov tests with fixed
seeds, numpy and math only), seeding, and errors that name the bad argument."""

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import autograd, nd

requires_gpu = pytest.mark.skipif(mx.context.num_gpus() == 0, reason="no CUDA GPU available")


def arr(values, dtype="float32"):
    return nd.array(values, dtype=dtype)


# ---- shapes and dtypes, as MXNet 1.9.1 gives them ---------------------------------------------

A2 = [0.5, 2.0]  # a valid parameter pair for every two-parameter distribution but uniform

SHAPE_CASES = [
    # (call, expected shape, expected dtype) -- each recorded with MXNet 1.9.1
    (lambda: nd.random.uniform(), (1,), "float32"),
    (lambda: nd.random.uniform(shape=(2, 3)), (2, 3), "float32"),
    (lambda: nd.random.uniform(0, 1, shape=5, dtype="float64"), (5,), "float64"),
    (lambda: nd.random.uniform(0, 1, dtype="float16"), (1,), "float16"),
    (lambda: nd.random.uniform(arr([0, 1]), arr([1, 2]), shape=(3,)), (2, 3), "float32"),
    (lambda: nd.random.uniform(arr([0, 1]), arr([1, 2])), (2,), "float32"),
    (
        lambda: nd.random.uniform(arr([[0, 1]]), arr([[1, 2]]), shape=(3, 2)),
        (1, 2, 3, 2),
        "float32",
    ),
    (
        lambda: nd.random.uniform(arr([0, 1], "float64"), arr([1, 2], "float64")),
        (2,),
        "float32",
    ),
    (lambda: nd.random.uniform(arr([0, 1]), arr([1, 2]), dtype="float64"), (2,), "float64"),
    (lambda: nd.random.uniform(arr([0, 1]), arr([1, 2]), dtype="float16"), (2,), "float16"),
    (lambda: nd.random.normal(arr([0, 1]), arr([1, 2]), shape=(2, 3)), (2, 2, 3), "float32"),
    (lambda: nd.random.gamma(), (1,), "float32"),
    (lambda: nd.random.gamma(shape=(2, 2)), (2, 2), "float32"),
    (lambda: nd.random.gamma(arr(A2), arr(A2), shape=(3, 4)), (2, 3, 4), "float32"),
    (
        lambda: nd.random.gamma(arr(A2), arr(A2), shape=(3, 4), dtype="float64"),
        (2, 3, 4),
        "float64",
    ),
    (lambda: nd.random.exponential(arr([1, 2]), shape=3), (2, 3), "float32"),
    (lambda: nd.random.poisson(shape=3), (3,), "float32"),
    (lambda: nd.random.poisson(arr([1, 2]), shape=3), (2, 3), "float32"),
    (lambda: nd.random.poisson(arr([1, 2], "int32"), shape=(3, 4)), (2, 3, 4), "float32"),
    (lambda: nd.random.poisson(arr([[1, 2]]), shape=(2, 3)), (1, 2, 2, 3), "float32"),
    (lambda: nd.random.negative_binomial(shape=3), (3,), "float32"),
    (
        lambda: nd.random.negative_binomial(arr([2, 3]), arr([0.5, 0.2]), shape=3),
        (2, 3),
        "float32",
    ),
    (lambda: nd.random.generalized_negative_binomial(shape=3), (3,), "float32"),
    (
        lambda: nd.random.generalized_negative_binomial(arr([2, 3]), arr([0.5, 0.2]), shape=3),
        (2, 3),
        "float32",
    ),
    (lambda: nd.random.randint(0, 10), (1,), "int32"),
    (lambda: nd.random.randint(0, 10, shape=3, dtype="int64"), (3,), "int64"),
    (lambda: nd.random.randn(2, 3), (2, 3), "float32"),
    (lambda: nd.random.randn(2, 3, dtype="float64"), (2, 3), "float64"),
    (lambda: nd.random.multinomial(arr([0.2, 0.8])), (1,), "int32"),
    (lambda: nd.random.multinomial(arr([[0.2, 0.8], [0.5, 0.5]])), (2,), "int32"),
    (
        lambda: nd.random.multinomial(arr([[0.2, 0.8], [0.5, 0.5]]), shape=(3, 4)),
        (2, 3, 4),
        "int32",
    ),
    (lambda: nd.random.multinomial(arr([[[0.2, 0.8]]]), shape=(2,)), (1, 1, 2), "int32"),
    (lambda: nd.random.multinomial(arr([0.2, 0.8]), shape=0), (0,), "int32"),
    (lambda: nd.random.multinomial(arr([0.2, 0.8]), dtype="float64"), (1,), "float64"),
    (lambda: nd.random.multinomial(arr([0.2, 0.8]), dtype="uint8"), (1,), "uint8"),
    (lambda: nd.random.shuffle(arr([1, 2, 3])), (3,), "float32"),
    (lambda: nd.random.uniform_like(nd.zeros((2, 3))), (2, 3), "float32"),
    (lambda: nd.random.uniform_like(nd.zeros((2, 3), dtype="float64"), 2, 3), (2, 3), "float64"),
    (lambda: nd.random.normal_like(nd.zeros((2, 3)), loc=1, scale=2), (2, 3), "float32"),
    (lambda: nd.random.gamma_like(nd.zeros((2, 3)), alpha=2, beta=3), (2, 3), "float32"),
    (lambda: nd.random.poisson_like(nd.zeros((2, 3), dtype="float16"), lam=3), (2, 3), "float16"),
    (lambda: nd.random.exponential_like(nd.zeros((2, 3)), lam=2), (2, 3), "float32"),
    (lambda: nd.random.negative_binomial_like(nd.zeros((2, 3)), k=2, p=0.3), (2, 3), "float32"),
    (
        lambda: nd.random.generalized_negative_binomial_like(nd.zeros((2, 3)), mu=2, alpha=0.3),
        (2, 3),
        "float32",
    ),
    # the operator-style aliases at nd level
    (lambda: nd.random_uniform(shape=3), (3,), "float32"),
    (lambda: nd.uniform(shape=3), (3,), "float32"),
    (lambda: nd.normal(shape=(2,)), (2,), "float32"),
    (lambda: nd.random_gamma(shape=2), (2,), "float32"),
    (lambda: nd.random_poisson(shape=2), (2,), "float32"),
    (lambda: nd.random_randint(0, 5, shape=2), (2,), "int32"),
    (lambda: nd.random_negative_binomial(shape=2), (2,), "float32"),
    (lambda: nd.random_generalized_negative_binomial(shape=2), (2,), "float32"),
    (lambda: nd.sample_uniform(arr([0, 1]), arr([1, 2])), (2,), "float32"),
    (
        lambda: nd.sample_uniform(arr([0, 1], "float64"), arr([1, 2], "float64"), shape=2),
        (2, 2),
        "float32",
    ),
    (lambda: nd.sample_normal(arr([0, 1]), arr([1, 2]), shape=(2, 3)), (2, 2, 3), "float32"),
    (lambda: nd.sample_gamma(arr([1, 2]), arr([1, 2])), (2,), "float32"),
    (lambda: nd.sample_poisson(arr([1, 2], "int32")), (2,), "float32"),
    (lambda: nd.sample_negative_binomial(arr([1, 2]), arr([0.5, 0.5])), (2,), "float32"),
    (lambda: nd.sample_generalized_negative_binomial(arr([1, 2]), arr(A2)), (2,), "float32"),
    (lambda: nd.sample_multinomial(arr([0.5, 0.5])), (1,), "int32"),
    (lambda: nd.shuffle(arr([[1, 2], [3, 4]])), (2, 2), "float32"),
]


@pytest.mark.parametrize("call, shape, dtype", SHAPE_CASES)
def test_output_shape_and_dtype_match_mxnet(call, shape, dtype):
    out = call()
    assert out.shape == shape
    assert np.dtype(out.dtype).name == dtype


def test_multinomial_get_prob_returns_samples_and_log_prob_in_data_dtype():
    for data_dtype, out_dtype, prob_dtype in [
        ("float32", "int32", "float32"),
        ("float64", "int32", "float64"),
        ("float16", "int32", "float16"),
        ("float32", "uint8", "float32"),
    ]:
        res = nd.random.multinomial(
            arr([[0.2, 0.8], [0.5, 0.5]], data_dtype), shape=(3, 4), get_prob=True, dtype=out_dtype
        )
        assert isinstance(res, list) and len(res) == 2
        samples, log_prob = res
        assert samples.shape == log_prob.shape == (2, 3, 4)
        assert np.dtype(samples.dtype).name == out_dtype
        assert np.dtype(log_prob.dtype).name == prob_dtype
        probs = np.array([[0.2, 0.8], [0.5, 0.5]])
        picked = np.take_along_axis(probs, samples.asnumpy().astype(int).reshape(2, -1), 1)
        np.testing.assert_allclose(
            log_prob.asnumpy().reshape(2, -1),
            np.log(picked),
            rtol=2e-3 if "16" in prob_dtype else 1e-6,
        )


def test_array_parameters_keep_their_context_and_numbers_use_ctx():
    assert nd.random.uniform(0, 1, shape=3, ctx=mx.cpu(1)).context == mx.cpu(1)
    assert nd.random.gamma(2, 1, shape=3, ctx=mx.cpu(2)).context == mx.cpu(2)
    assert nd.random.randn(2, 3, ctx=mx.cpu(1)).context == mx.cpu(1)
    # MXNet puts array-parameter samples on the parameters' context, whatever ctx says
    out = nd.random.uniform(arr([0, 1]), arr([1, 2]), shape=3, ctx=mx.cpu(1))
    assert out.context == mx.cpu(0)
    like = nd.random.normal_like(nd.zeros((2,), ctx=mx.cpu(3)))
    assert like.context == mx.cpu(3)


def test_out_is_filled_and_returned():
    target = nd.zeros((3,))
    assert nd.random.uniform(0, 1, shape=3, out=target) is target
    assert (target.asnumpy() > 0).all()  # P(a uniform draw is exactly 0) = 2^-24 per value
    wide = nd.zeros((4,), dtype="float64")
    assert nd.random.gamma(2, 2, out=wide) is wide and np.dtype(wide.dtype) == np.float64
    grid = nd.zeros((2, 3))
    assert nd.random.uniform(arr([0, 10]), arr([1, 11]), shape=3, out=grid) is grid
    values = grid.asnumpy()
    assert ((values[0] >= 0) & (values[0] < 1)).all() and (
        (values[1] >= 10) & (values[1] < 11)
    ).all()
    ints = nd.zeros((3,), dtype="int64")
    assert nd.random.randint(1, 5, shape=3, out=ints) is ints
    assert set(ints.asnumpy().tolist()) <= {1, 2, 3, 4}
    samples = nd.zeros((5,), dtype="int32")
    assert nd.random.multinomial(arr([0.0, 1.0]), shape=5, out=samples) is samples
    assert samples.asnumpy().tolist() == [1, 1, 1, 1, 1]
    shuffled = nd.zeros((3, 2))
    assert nd.random.shuffle(nd.arange(6).reshape((3, 2)), out=shuffled) is shuffled
    assert sorted(shuffled.asnumpy()[:, 0].tolist()) == [0, 2, 4]


def test_out_into_a_strided_view_is_filled_in_row_major_order():
    base = nd.zeros((3, 4))
    view = mx._core.transpose(base, None)  # a (4, 3) view of base (x.T copies, as in MXNet)
    assert not view._is_contiguous
    params = arr([1.0, 2.0, 3.0, 4.0])
    mx.random.seed(6)
    nd.random.gamma(params, params, shape=3, out=view)
    mx.random.seed(6)
    expected = nd.random.gamma(params, params, shape=3).asnumpy()
    assert np.array_equal(base.asnumpy().T, expected)


# ---- seeding ---------------------------------------------------------------------------------

DRAWS = {
    "gamma": lambda s: nd.random.gamma(0.7, 2.0, shape=s),
    "gamma_array": lambda s: nd.random.gamma(arr([0.5, 3.0]), arr([1.0, 2.0]), shape=s),
    "exponential": lambda s: nd.random.exponential(2.0, shape=s),
    "poisson": lambda s: nd.random.poisson(3.0, shape=s),
    "poisson_large": lambda s: nd.random.poisson(50.0, shape=s, dtype="float64"),
    "negative_binomial": lambda s: nd.random.negative_binomial(3, 0.4, shape=s),
    "generalized_negative_binomial": lambda s: nd.random.generalized_negative_binomial(
        2.0, 0.3, shape=s
    ),
    "uniform_array": lambda s: nd.random.uniform(arr([0, 1]), arr([1, 3]), shape=s),
    "normal_array": lambda s: nd.random.normal(arr([0, 1]), arr([1, 3]), shape=s, dtype="float16"),
    "multinomial": lambda s: nd.random.multinomial(
        arr([[0.2, 0.3, 0.5], [0.6, 0.4, 0.0]]), shape=s
    ),
}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_same_seed_gives_same_values_and_another_seed_others(name):
    draw = DRAWS[name]
    mx.random.seed(1234)
    a = draw((500,)).asnumpy()
    b = draw((500,)).asnumpy()
    mx.random.seed(1234)
    c = draw((500,)).asnumpy()
    mx.random.seed(1235)
    d = draw((500,)).asnumpy()
    assert np.array_equal(a, c)
    assert not np.array_equal(a, b) and not np.array_equal(a, d)


@pytest.mark.parametrize("name", ["gamma", "poisson", "negative_binomial", "exponential"])
def test_values_depend_on_the_element_index_not_the_shape(name):
    mx.random.seed(77)
    flat = DRAWS[name]((600,)).asnumpy()
    mx.random.seed(77)
    grid = DRAWS[name]((20, 30)).asnumpy()
    assert np.array_equal(grid.reshape(-1), flat)


def test_a_failed_call_does_not_advance_the_stream():
    mx.random.seed(3)
    expected = nd.random.gamma(2.0, 1.0, shape=(20,)).asnumpy()
    mx.random.seed(3)
    with pytest.raises(ValueError):
        nd.random.gamma(-2.0, 1.0, shape=(20,))
    with pytest.raises(ValueError):
        nd.random.multinomial(arr([0.5, -0.5]))
    with pytest.raises(ValueError):
        nd.sample_poisson(arr([1, -1]))
    assert np.array_equal(nd.random.gamma(2.0, 1.0, shape=(20,)).asnumpy(), expected)


def test_samplers_and_fills_share_one_stream_sequence():
    # seed, then the same calls in the same order: the same values, whichever sampler
    def run():
        mx.random.seed(8)
        return [
            nd.random.uniform(shape=(5,)).asnumpy(),
            nd.random.poisson(2.0, shape=(5,)).asnumpy(),
            nd.random.normal(shape=(5,)).asnumpy(),
            nd.random.multinomial(arr([0.5, 0.5]), shape=5).asnumpy(),
        ]

    for x, y in zip(run(), run()):
        assert np.array_equal(x, y)


def test_mx_random_exposes_mxnets_samplers():
    names = [
        "exponential",
        "gamma",
        "generalized_negative_binomial",
        "multinomial",
        "negative_binomial",
        "normal",
        "poisson",
        "randint",
        "randn",
        "seed",
        "shuffle",
        "uniform",
    ]
    for name in names:
        assert callable(getattr(mx.random, name)), name
    mx.random.seed(4)
    a = mx.random.poisson(4.0, shape=(10,)).asnumpy()
    mx.random.seed(4)
    assert np.array_equal(a, nd.random.poisson(4.0, shape=(10,)).asnumpy())


def test_nd_has_mxnets_sampler_aliases():
    # [n for n in dir(mx.nd) if 'random' in n or 'sample' in n], MXNet 1.9.1, without the
    # random_pdf_* densities, plus nd.uniform / nd.normal / nd.shuffle
    names = """random_exponential random_gamma random_generalized_negative_binomial
        random_negative_binomial random_normal random_poisson random_randint random_uniform
        sample_exponential sample_gamma sample_generalized_negative_binomial sample_multinomial
        sample_negative_binomial sample_normal sample_poisson sample_uniform uniform normal
        shuffle""".split()
    for name in names:
        assert callable(getattr(nd, name)), name
    mx.random.seed(9)
    a = nd.sample_gamma(arr([2.0]), arr([3.0]), shape=(100,)).asnumpy()
    mx.random.seed(9)
    assert np.array_equal(a, nd.random.gamma(arr([2.0]), arr([3.0]), shape=(100,)).asnumpy())
    mx.random.seed(9)
    b = nd.random_poisson(lam=5.0, shape=(100,)).asnumpy()
    mx.random.seed(9)
    assert np.array_equal(b, nd.random.poisson(5.0, shape=(100,)).asnumpy())


# ---- GPU: the same values as the CPU -------------------------------------------------------------


def _gpu_cases():
    return {
        **DRAWS,
        "gamma_float64": lambda s: nd.random.gamma(0.3, 1.0, shape=s, dtype="float64"),
        "like": lambda s: nd.random.poisson_like(nd.zeros(s, dtype="float16"), lam=20.0),
    }


@requires_gpu
@pytest.mark.parametrize("name", sorted(_gpu_cases()))
def test_gpu_samples_are_bit_identical_to_cpu(name):
    draw = _gpu_cases()[name]
    results = []
    for ctx in (mx.cpu(), mx.gpu(0)):
        mx.random.seed(2024)
        with ctx:
            results.append(draw((4099,)).asnumpy())
    assert results[0].dtype == results[1].dtype
    assert results[0].tobytes() == results[1].tobytes()


@requires_gpu
def test_gpu_multinomial_log_prob_and_errors_match_cpu():
    outs = []
    for ctx in (mx.cpu(), mx.gpu(0)):
        probs = nd.array([[0.1, 0.2, 0.7], [0.5, 0.0, 0.5]], ctx=ctx)
        probs.attach_grad()
        mx.random.seed(5)
        with autograd.record():
            y, logp = nd.random.multinomial(probs, shape=1000, get_prob=True)
        logp.backward()
        outs.append((y.asnumpy(), logp.asnumpy(), probs.grad.asnumpy()))
        with pytest.raises(ValueError, match=r"data\[1, 1\]=-0.5"):
            nd.random.multinomial(nd.array([[0.5, 0.5], [1.5, -0.5]], ctx=ctx))
        with pytest.raises(ValueError, match=r"lam\[1\]=-1"):
            nd.sample_poisson(nd.array([1, -1], ctx=ctx))
    for cpu, gpu in zip(*outs):
        np.testing.assert_array_equal(gpu, cpu)
