"""Errors of nd.random's samplers: each names the function, the argument, and for array
parameters the index of the bad value; the exception classes are MXNet's (ValueError and
TypeError ones are also MXNetError)."""

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import autograd, nd
from gluonlite.base import MXNetError


def arr(values, dtype="float32"):
    return nd.array(values, dtype=dtype)


# ---- errors name the argument --------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: nd.random.gamma(-1, 1, shape=2),
            ValueError,
            "gamma: alpha must be finite and > 0, got alpha=-1",
        ),
        (
            lambda: nd.random.gamma(1, 0, shape=2),
            ValueError,
            "gamma: beta must be finite and > 0, got beta=0",
        ),
        (
            lambda: nd.random.gamma(arr([1, -2]), arr([1, 1])),
            ValueError,
            "gamma: alpha must be finite and > 0, got alpha[1]=-2",
        ),
        (
            lambda: nd.sample_gamma(arr([[1, 1], [1, 1]]), arr([[1, 1], [float("nan"), 1]])),
            ValueError,
            "sample_gamma: beta must be finite and > 0, got beta[1, 0]=nan",
        ),
        (
            lambda: nd.random.exponential(-1, shape=3),
            ValueError,
            "exponential: scale must be finite and > 0, got scale=-1",
        ),
        (
            lambda: nd.random.exponential_like(nd.zeros((2,)), lam=0),
            ValueError,
            "exponential_like: lam must be finite and > 0, got lam=0",
        ),
        (
            lambda: nd.random.poisson(-1, shape=3),
            ValueError,
            "poisson: lam must be finite and >= 0, got lam=-1",
        ),
        (
            lambda: nd.sample_poisson(arr([1, -2])),
            ValueError,
            "sample_poisson: lam must be finite and >= 0, got lam[1]=-2",
        ),
        (
            lambda: nd.random.negative_binomial(2, 0, shape=4),
            ValueError,
            "negative_binomial: p must be in (0, 1], got p=0",
        ),
        (
            lambda: nd.random.negative_binomial(2, 1.5, shape=4),
            ValueError,
            "negative_binomial: p must be in (0, 1], got p=1.5",
        ),
        (
            lambda: nd.random.negative_binomial(-2, 0.5, shape=4),
            ValueError,
            "negative_binomial: k must be finite and >= 0, got k=-2",
        ),
        (
            lambda: nd.random.generalized_negative_binomial(1, -1, shape=4),
            ValueError,
            "generalized_negative_binomial: alpha must be finite and >= 0, got alpha=-1",
        ),
        (
            lambda: nd.random.uniform(arr([0, 3]), arr([1, 2])),
            ValueError,
            "uniform: need finite low <= high, got low[1]=3, high[1]=2",
        ),
        (
            lambda: nd.sample_normal(arr([0, 0]), arr([1, -1])),
            ValueError,
            "sample_normal: sigma must be finite and >= 0, got sigma[1]=-1",
        ),
        (
            lambda: nd.random.normal_like(nd.zeros((2,)), scale=-1),
            ValueError,
            "normal_like: scale must be finite and >= 0, got scale=-1",
        ),
        (
            lambda: nd.random.uniform(arr([0, 1]), arr([1, 2, 3])),
            ValueError,
            "uniform: low and high must have the same shape, got (2,) and (3,)",
        ),
        (
            lambda: nd.random.gamma(shape=2, dtype="int32"),
            TypeError,
            "gamma: dtype int32 is not supported",
        ),
        (
            lambda: nd.random.uniform_like(nd.zeros((2,), dtype="int32")),
            TypeError,
            "uniform_like: dtype int32 is not supported",
        ),
        (
            lambda: nd.random.uniform(arr([0, 1]), 1),
            AssertionError,
            "uniform: distribution parameters must all be numbers or all be NDArrays, got "
            "low=NDArray, high=int",
        ),
        (
            lambda: nd.random.uniform("a", 1),
            ValueError,
            "uniform: low must be an NDArray or a number, got str",
        ),
        (
            lambda: nd.sample_uniform(arr([0, 1]), 2),
            AssertionError,
            "sample_uniform: argument high must have NDArray type, but got int",
        ),
        (
            lambda: nd.random_gamma(arr([1.0]), 1, shape=2),
            TypeError,
            "random_gamma: alpha must be a number, got an NDArray",
        ),
        (
            lambda: nd.random.randint(0.5, 10, shape=3),
            TypeError,
            "randint: low must be an integer, got 0.5",
        ),
        (
            lambda: nd.random.uniform(0, 1, shape=3, foo=1),
            TypeError,
            "Cannot find argument 'foo', Possible Arguments: low, high",
        ),
        (
            lambda: nd.random.randn(2, 3, shape=4),
            TypeError,
            "got multiple values for keyword argument 'shape'",
        ),
        (
            lambda: nd.random.uniform(0, 1, shape=3, out=nd.zeros(4)),
            ValueError,
            "uniform: out has shape (4,) but the samples have (3,)",
        ),
        (
            lambda: nd.random.normal(arr([0, 1]), arr([1, 2]), shape=3, out=nd.zeros((2, 4))),
            ValueError,
            "normal: out has shape (2, 4) but the samples have (2, 3)",
        ),
        (
            lambda: nd.random.uniform(0, 1, dtype="float64", out=nd.zeros(4)),
            TypeError,
            "uniform: out has dtype float32 but dtype is float64",
        ),
        (
            lambda: nd.random.multinomial([0.2, 0.8]),
            AssertionError,
            "multinomial: argument data must have NDArray type, but got list",
        ),
        (
            lambda: nd.random.shuffle([1, 2]),
            AssertionError,
            "shuffle: argument data must have NDArray type, but got list",
        ),
        (
            lambda: nd.random.multinomial(arr([0.2, 0.8], "int32")),
            TypeError,
            "multinomial: data must hold probabilities in a float dtype, got int32",
        ),
        (
            lambda: nd.random.multinomial(arr([0.2, 0.8]), dtype="int64"),
            TypeError,
            "multinomial: dtype int64 is not supported; use uint8, int32, float16, float32 or "
            "float64",
        ),
        (
            lambda: nd.random.multinomial(arr([[0.2, 0.8], [-0.2, 1.2]])),
            ValueError,
            "multinomial: probabilities must be finite and >= 0, got data[1, 0]=-0.2",
        ),
        (
            lambda: nd.random.multinomial(arr([[0.5, 0.5], [0.0, 0.0]])),
            ValueError,
            "multinomial: the probabilities of data[1] sum to 0; a row needs a finite, "
            "positive sum",
        ),
        (
            lambda: nd.random.multinomial(arr([1e308, 1e308], "float64")),
            ValueError,
            "multinomial: the probabilities of data sum to inf",
        ),
        (
            lambda: nd.random.multinomial(arr(0.5)),
            ValueError,
            "multinomial: data must have at least one axis",
        ),
        (
            lambda: nd.random.multinomial(nd.zeros((2, 0))),
            ValueError,
            "multinomial: data has no categories",
        ),
        (
            lambda: nd.random.multinomial(nd.zeros((257,)), dtype="uint8"),
            ValueError,
            "multinomial: 257 categories do not fit dtype uint8 (it holds indices up to 255 "
            "exactly)",
        ),
        (
            lambda: nd.random.multinomial(nd.zeros((2050,)), dtype="float16"),
            ValueError,
            "multinomial: 2050 categories do not fit dtype float16",
        ),
    ],
)
def test_bad_arguments_raise_errors_naming_them(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


def test_value_and_type_errors_are_also_mxnet_errors():
    with pytest.raises(MXNetError):
        nd.random.poisson(-1, shape=3)
    with pytest.raises(MXNetError):
        nd.random.multinomial(arr([0.0, 0.0]))
    with pytest.raises(MXNetError):
        nd.random.gamma(shape=2, dtype="int64")


def test_sampling_into_a_recorded_array_is_refused():
    x = nd.ones((3,))
    x.attach_grad()
    with autograd.record():
        with pytest.raises(
            MXNetError, match="gamma: cannot fill an array that is part of a recorded"
        ):
            nd.random.gamma(2, 2, out=x)


def test_seed_accepts_ctx_and_rejects_non_integers():
    mx.random.seed(5, ctx=mx.cpu())
    a = nd.random.gamma(2, 1, shape=(50,)).asnumpy()
    mx.random.seed(5, ctx="cpu")
    b = nd.random.gamma(2, 1, shape=(50,)).asnumpy()
    mx.random.seed(5, ctx=mx.gpu(0))  # one generator for every device: it reseeds all
    c = nd.random.gamma(2, 1, shape=(50,)).asnumpy()
    assert np.array_equal(a, b) and np.array_equal(a, c)
    for bad in ("a", 1.5, None):
        with pytest.raises(ValueError, match="seed_state must be an integer"):
            mx.random.seed(bad)
    with pytest.raises(ValueError, match="unknown device type 'tpu'"):
        mx.random.seed(1, ctx="tpu")
