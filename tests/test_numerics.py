"""Numerics: NaN and Inf propagate as in numpy through every elementwise op, reduction and
gradient; softmax, log_softmax and the cross-entropy losses stay finite for logits of ±1e4."""

import itertools

import numpy as np
import pytest

from gluonlite import autograd, gluon, nd

SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -2.5, 3.0]


def _pairs(dtype):
    a, b = zip(*itertools.product(SPECIAL, SPECIAL))
    return np.array(a, dtype), np.array(b, dtype)


def _assert_same(got, want):
    got = got.asnumpy() if hasattr(got, "asnumpy") else got
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=0, equal_nan=True)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(np.isposinf(got), np.isposinf(want))
    np.testing.assert_array_equal(np.isneginf(got), np.isneginf(want))


# Forward (numpy) and derivative (numpy formula) of each differentiable unary op.
UNARY = {
    "negative": (np.negative, lambda x: -np.ones_like(x)),
    "abs": (np.abs, np.sign),
    "sign": (np.sign, np.zeros_like),
    "exp": (np.exp, np.exp),
    "log": (np.log, lambda x: 1 / x),
    "sqrt": (np.sqrt, lambda x: 1 / (2 * np.sqrt(x))),
    "rsqrt": (lambda x: 1 / np.sqrt(x), lambda x: -0.5 * (1 / np.sqrt(x)) ** 3),
    "square": (np.square, lambda x: 2 * x),
    "sigmoid": (
        lambda x: 1 / (1 + np.exp(-x)),
        lambda x: (1 / (1 + np.exp(-x))) * (1 - 1 / (1 + np.exp(-x))),
    ),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "relu": (lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(x.dtype)),
    "softrelu": (lambda x: np.logaddexp(0, x), lambda x: 1 / (1 + np.exp(-x))),
    "softsign": (
        lambda x: np.where(np.isinf(x), np.sign(x), x / (1 + np.abs(x))),
        lambda x: 1 / (1 + np.abs(x)) ** 2,
    ),
    "sin": (np.sin, np.cos),
    "cos": (np.cos, lambda x: -np.sin(x)),
    "floor": (np.floor, np.zeros_like),
    "ceil": (np.ceil, np.zeros_like),
    "round": (lambda x: np.sign(x) * np.floor(np.abs(x) + 0.5), np.zeros_like),
    "reciprocal": (lambda x: 1 / x, lambda x: -1 / x**2),
    "logical_not": (lambda x: (x == 0).astype(x.dtype), np.zeros_like),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_ops_and_gradients_propagate_nan_and_inf_like_numpy(name, dtype):
    x_np = np.array(SPECIAL, dtype)
    forward, derivative = UNARY[name]
    with np.errstate(all="ignore"):
        want_y, want_grad = forward(x_np).astype(dtype), derivative(x_np).astype(dtype)
    if name in ("sign", "floor", "ceil", "round", "logical_not"):
        want_grad = np.zeros_like(x_np)  # piecewise constant: zero gradient, even at NaN
    x = nd.array(x_np, dtype=dtype)
    x.attach_grad()
    with autograd.record():
        y = getattr(nd, name)(x)
    y.backward()
    _assert_same(y, want_y)
    _assert_same(x.grad, want_grad)


# Forward and gradients (d/da, d/db) of each binary op, as numpy formulas.
BINARY = {
    "add": (np.add, lambda a, b, y: (np.ones_like(a), np.ones_like(b))),
    "subtract": (np.subtract, lambda a, b, y: (np.ones_like(a), -np.ones_like(b))),
    "multiply": (np.multiply, lambda a, b, y: (b, a)),
    "divide": (np.divide, lambda a, b, y: (1 / b, -y / b)),
    "power": (np.power, lambda a, b, y: (b * a ** (b - 1), y * np.log(a))),
    "maximum": (np.maximum, lambda a, b, y: ((a >= b).astype(a.dtype), (a < b).astype(a.dtype))),
    "minimum": (np.minimum, lambda a, b, y: ((a <= b).astype(a.dtype), (a > b).astype(a.dtype))),
    # MXNet's modulo by zero is 0 (numpy's is NaN), NaN or Inf dividends still give NaN.
    "modulo": (
        lambda a, b: np.where((b == 0) & np.isfinite(a), 0 * a, np.mod(a, b)),
        lambda a, b, y: (np.ones_like(a), -np.floor(a / b)),
    ),
}
COMPARISONS = {
    "equal": np.equal,
    "not_equal": np.not_equal,
    "greater": np.greater,
    "greater_equal": np.greater_equal,
    "lesser": np.less,
    "lesser_equal": np.less_equal,
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_ops_and_gradients_propagate_nan_and_inf_like_numpy(name, dtype):
    a_np, b_np = _pairs(dtype)
    forward, grads = BINARY[name]
    with np.errstate(all="ignore"):
        want_y = forward(a_np, b_np).astype(dtype)
        want_ga, want_gb = (g.astype(dtype) for g in grads(a_np, b_np, want_y))
    a, b = nd.array(a_np, dtype=dtype), nd.array(b_np, dtype=dtype)
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = getattr(nd, name)(a, b)
    y.backward()
    _assert_same(y, want_y)
    _assert_same(a.grad, want_ga)
    _assert_same(b.grad, want_gb)


@pytest.mark.parametrize("name", sorted(BINARY) + sorted(COMPARISONS))
def test_scalar_forms_propagate_nan_and_inf_like_numpy(name):
    forward = (
        BINARY[name][0]
        if name in BINARY
        else (lambda a, b: COMPARISONS[name](a, b).astype(np.float32))
    )
    x_np = np.array(SPECIAL, np.float32)
    for s in SPECIAL:
        with np.errstate(all="ignore"):
            want = forward(x_np, np.float32(s)).astype(np.float32)
            want_reflected = forward(np.float32(s), x_np).astype(np.float32)
        _assert_same(getattr(nd, name)(nd.array(x_np), s), want)
        _assert_same(getattr(nd, name)(s, nd.array(x_np)), want_reflected)


@pytest.mark.parametrize("name", sorted(COMPARISONS))
def test_comparisons_with_nan_are_false_except_not_equal(name):
    a_np, b_np = _pairs("float32")
    want = COMPARISONS[name](a_np, b_np).astype(np.float32)
    _assert_same(getattr(nd, name)(nd.array(a_np), nd.array(b_np)), want)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "prod"])
@pytest.mark.parametrize("special", [np.nan, np.inf, -np.inf])
def test_reductions_propagate_nan_and_inf_like_numpy(name, special):
    x_np = np.arange(12, dtype=np.float32).reshape(3, 4) - 5
    x_np[1, 2] = special
    for axis in (None, 0, 1):
        with np.errstate(all="ignore"):
            want = np.asarray(getattr(np, name)(x_np, axis=axis), np.float32).reshape(-1)
        _assert_same(getattr(nd, name)(nd.array(x_np), axis=axis), want)


def test_argmax_and_argmin_pick_the_first_nan_like_numpy():
    x_np = np.array([[1, np.nan, 5, np.nan], [np.inf, 2, np.inf, -np.inf]], np.float32)
    for axis in (0, 1):
        _assert_same(
            nd.argmax(nd.array(x_np), axis=axis), np.argmax(x_np, axis=axis).astype(np.float32)
        )
        _assert_same(
            nd.argmin(nd.array(x_np), axis=axis), np.argmin(x_np, axis=axis).astype(np.float32)
        )


def test_softmax_of_a_nan_row_is_nan_and_other_rows_are_unaffected():
    x = nd.array([[1.0, np.nan, 2.0], [1.0, 2.0, 3.0]])
    y = nd.softmax(x).asnumpy()
    assert np.isnan(y[0]).all()
    e = np.exp(np.array([1.0, 2.0, 3.0]) - 3.0)
    np.testing.assert_allclose(y[1], e / e.sum(), rtol=1e-6)


# ---- extreme logits ---------------------------------------------------------------------

LOGITS = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -1e4], [-1e4, 0.0, 1e4]])


def _softmax64(x, axis=-1):
    z = x - x.max(axis=axis, keepdims=True)
    return np.exp(z) / np.exp(z).sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("log", [False, True])
def test_softmax_and_log_softmax_are_finite_for_logits_of_1e4(dtype, log):
    x = nd.array(LOGITS, dtype=dtype)
    x.attach_grad()
    weight = nd.array(np.arange(12).reshape(4, 3) % 5 - 2.0, dtype=dtype)
    with autograd.record():
        y = nd.log_softmax(x) if log else nd.softmax(x)
        (y * weight).sum().backward()
    p = _softmax64(LOGITS)
    z = LOGITS - LOGITS.max(axis=-1, keepdims=True)
    want = z - np.log(np.exp(z).sum(axis=-1, keepdims=True)) if log else p
    w = weight.asnumpy().astype(np.float64)
    want_grad = (
        w - p * w.sum(-1, keepdims=True) if log else p * (w - (p * w).sum(-1, keepdims=True))
    )
    got, grad = y.asnumpy().astype(np.float64), x.grad.asnumpy().astype(np.float64)
    assert np.isfinite(got).all() and np.isfinite(grad).all()
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("sparse_label", [True, False])
def test_softmax_cross_entropy_is_finite_for_logits_of_1e4(sparse_label):
    classes = np.array([0, 1, 2, 0])
    label = nd.array(classes) if sparse_label else nd.array(np.eye(3)[classes])
    x = nd.array(LOGITS)
    x.attach_grad()
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=sparse_label)
    with autograd.record():
        loss = loss_fn(x, label)
    loss.backward()
    z = LOGITS - LOGITS.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    want = -log_p[np.arange(4), classes]
    np.testing.assert_allclose(loss.asnumpy(), want, rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), _softmax64(LOGITS) - np.eye(3)[classes], atol=1e-6)


@pytest.mark.parametrize("from_sigmoid", [False, True])
def test_sigmoid_binary_cross_entropy_is_finite_for_logits_of_1e4(from_sigmoid):
    logits = np.array([[1e4, -1e4, 0.5, 1e4], [-1e4, 1e4, -1e4, 3.0]])
    labels = np.array([[0.0, 1.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.5]])
    x = nd.array(logits)
    x.attach_grad()
    loss_fn = gluon.loss.SigmoidBinaryCrossEntropyLoss(from_sigmoid=from_sigmoid)
    with autograd.record():
        loss = loss_fn(nd.sigmoid(x) if from_sigmoid else x, nd.array(labels))
    loss.backward()
    got, grad = loss.asnumpy(), x.grad.asnumpy()
    assert np.isfinite(got).all() and np.isfinite(grad).all()
    with np.errstate(over="ignore"):
        _check_bce(logits, labels, got, grad, from_sigmoid)


def _check_bce(logits, labels, got, grad, from_sigmoid):
    if from_sigmoid:  # probabilities of exactly 0 and 1: MXNet's eps=1e-12 bounds the log
        p = 1 / (1 + np.exp(-logits))
        want = -(np.log(p + 1e-12) * labels + np.log(1 - p + 1e-12) * (1 - labels)).mean(axis=1)
    else:
        want = (np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits)))).mean(
            axis=1
        )
        np.testing.assert_allclose(grad, (1 / (1 + np.exp(-logits)) - labels) / 4, atol=1e-7)
    np.testing.assert_allclose(got, want, rtol=1e-5)
