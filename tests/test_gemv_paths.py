"""Products with one row or one column go through GEMV (csrc/ops/matmul.cc): every
transpose combination, both float types, strided operands, and the bias accumulation of
FullyConnected must give what numpy gives."""

import itertools

import numpy as np
import pytest

from gluonlite import autograd, nd


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("ta, tb", list(itertools.product([False, True], repeat=2)))
@pytest.mark.parametrize("m, k, n", [(1, 7, 5), (6, 7, 1), (1, 7, 1), (1, 1, 5), (4, 3, 1)])
def test_dot_with_a_row_or_a_column(dtype, ta, tb, m, k, n):
    rng = np.random.RandomState(m * 100 + k * 10 + n)
    a = rng.randn(*((k, m) if ta else (m, k)))
    b = rng.randn(*((n, k) if tb else (k, n)))
    got = nd.dot(nd.array(a, dtype=dtype), nd.array(b, dtype=dtype), transpose_a=ta, transpose_b=tb)
    want = (a.T if ta else a) @ (b.T if tb else b)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(got.asnumpy(), want, rtol=tol, atol=tol)


def test_strided_operands_and_batches():
    rng = np.random.RandomState(0)
    big = rng.randn(9, 8)
    a = nd.array(big)[2:3]  # one row of a larger array
    b = nd.array(big).T  # a transposed view
    np.testing.assert_allclose(nd.dot(a, b).asnumpy(), big[2:3] @ big.T, rtol=1e-5, atol=1e-5)
    x, y = rng.randn(3, 1, 6), rng.randn(3, 6, 4)
    np.testing.assert_allclose(
        nd.batch_dot(nd.array(x), nd.array(y)).asnumpy(), x @ y, rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("no_bias", [False, True])
def test_fully_connected_at_batch_one_and_its_gradients(no_bias):
    rng = np.random.RandomState(1)
    x, w, b = rng.randn(1, 20), rng.randn(6, 20), rng.randn(6)
    xs, ws, bs = (
        nd.array(x, dtype="float64"),
        nd.array(w, dtype="float64"),
        nd.array(b, dtype="float64"),
    )
    for v in (xs, ws, bs):
        v.attach_grad()
    head = rng.randn(1, 6)
    with autograd.record():
        y = nd.FullyConnected(xs, ws, None if no_bias else bs, num_hidden=6, no_bias=no_bias)
    y.backward(nd.array(head, dtype="float64"))
    np.testing.assert_allclose(y.asnumpy(), x @ w.T + (0 if no_bias else b), rtol=1e-12)
    np.testing.assert_allclose(xs.grad.asnumpy(), head @ w, rtol=1e-12)
    np.testing.assert_allclose(ws.grad.asnumpy(), head.T @ x, rtol=1e-12)


def test_output_is_not_read_when_overwritten():
    # the output buffer starts uninitialized: NaNs in reused memory must not leak through
    for _ in range(20):
        junk = nd.full((1, 64), float("nan"))
        del junk
        out = nd.dot(nd.ones((1, 3)), nd.ones((3, 64)))
        assert np.isfinite(out.asnumpy()).all()
