"""dot, batch_dot and FullyConnected: values against numpy (float64), gradients against central
finite differences, MXNet's shape rules and our error messages; on a GPU, both GEMM paths
(cuBLAS and the tiled fallback kernel) against the CPU."""

import itertools
import re

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import autograd, nd
from gluonlite.base import MXNetError

TRANSPOSES = list(itertools.product([False, True], repeat=2))


def rand(*shape, seed=0):
    return np.random.default_rng(seed + 7 * len(shape) + sum(shape)).standard_normal(shape)


def f64(x):
    return nd.array(x, dtype="float64")


def dot_ref(a, b, ta=False, tb=False):
    """numpy model of MXNet's dot: a as (prod(shape[:-1]), shape[-1]), or with transpose_a
    (shape[0], prod(shape[1:])) transposed; b with the roles of the axes swapped."""
    if a.ndim == 1 and b.ndim == 1:
        return np.array([a @ b])
    A = a.reshape(a.shape[0], -1).T if ta else a.reshape(-1, a.shape[-1])
    B = b.reshape(-1, b.shape[-1]).T if tb else b.reshape(b.shape[0], -1)
    shape = ((a.shape[1:] if ta else a.shape[:-1]) if a.ndim > 1 else ()) + (
        (b.shape[:-1] if tb else b.shape[1:]) if b.ndim > 1 else ()
    )
    return (A @ B).reshape(shape)


def batch_dot_ref(a, b, ta=False, tb=False):
    return np.matmul(np.swapaxes(a, -1, -2) if ta else a, np.swapaxes(b, -1, -2) if tb else b)


def fc_ref(x, w, b, flatten):
    x2 = x.reshape(x.shape[0], -1) if flatten else x
    y = x2 @ w.T
    return y if b is None else y + b


def stored_shape(shape, transpose):
    """Shape of an operand that, read with `transpose`, acts as a matrix of `shape`."""
    return shape[::-1] if transpose else shape


def numeric_grads(f, arrays, head, eps=1e-6):
    """Central differences of sum(f(*arrays) * head) with respect to every array."""
    grads = []
    for i, x in enumerate(arrays):
        g = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            plus = [a.copy() for a in arrays]
            minus = [a.copy() for a in arrays]
            plus[i][idx] += eps
            minus[i][idx] -= eps
            g[idx] = (np.sum(f(*plus) * head) - np.sum(f(*minus) * head)) / (2 * eps)
        grads.append(g)
    return grads


def autograd_grads(op, arrays, head):
    """Gradients of sum(op(*inputs) * head) from our autograd, inputs in float64."""
    inputs = [f64(a) for a in arrays]
    for x in inputs:
        x.attach_grad()
    with autograd.record():
        y = op(*inputs)
    y.backward(f64(head))
    return [x.grad.asnumpy() for x in inputs]


def forward_np(op):
    """Runs one of our ops on numpy inputs, for finite differences."""
    return lambda *arrays: op(*[f64(a) for a in arrays]).asnumpy()


# ---- dot -----------------------------------------------------------------------------------


@pytest.mark.parametrize("ta,tb", TRANSPOSES)
def test_dot_matrix_matches_numpy_for_every_transpose(ta, tb):
    a = rand(*stored_shape((3, 5), ta))
    b = rand(*stored_shape((5, 4), tb))
    y = nd.dot(f64(a), f64(b), transpose_a=ta, transpose_b=tb)
    assert y.shape == (3, 4)
    np.testing.assert_allclose(y.asnumpy(), dot_ref(a, b, ta, tb), rtol=1e-12, atol=1e-12)


def test_dot_of_two_vectors_has_shape_1_like_mxnet():
    y = nd.dot(f64(np.array([1.0, 2.0, 3.0])), f64(np.array([4.0, 5.0, 6.0])))
    assert y.shape == (1,)
    assert y.asnumpy().tolist() == [32.0]


@pytest.mark.parametrize(
    "a_shape,b_shape,ta,tb,out_shape",
    [
        ((3,), (3, 4), False, False, (4,)),
        ((3,), (3, 4), True, False, (4,)),  # a 1-D lhs reads the same either way
        ((3,), (4, 3), False, True, (4,)),
        ((4, 3), (3,), False, False, (4,)),
        ((3, 4), (3,), True, False, (4,)),
        ((2, 3, 4), (4, 5, 6), False, False, (2, 3, 5, 6)),
        ((2, 3, 4), (2, 5, 6), True, False, (3, 4, 5, 6)),
        ((2, 3, 4), (5, 6, 4), False, True, (2, 3, 5, 6)),
        ((2, 3, 4), (5, 6, 2), True, True, (3, 4, 5, 6)),
    ],
)
def test_dot_nd_follows_mxnet_shape_rules(a_shape, b_shape, ta, tb, out_shape):
    a, b = rand(*a_shape), rand(*b_shape, seed=1)
    y = nd.dot(f64(a), f64(b), transpose_a=ta, transpose_b=tb)
    assert y.shape == out_shape
    np.testing.assert_allclose(y.asnumpy(), dot_ref(a, b, ta, tb), rtol=1e-12, atol=1e-12)


def test_dot_float32_matches_float64_reference():
    a, b = rand(33, 65), rand(65, 17, seed=1)
    y = nd.dot(nd.array(a, dtype="float32"), nd.array(b, dtype="float32"))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.asnumpy(), a @ b, rtol=1e-4, atol=1e-4)


def test_dot_float16_computes_through_float32():
    a, b = rand(8, 40), rand(40, 6, seed=1)
    y = nd.dot(nd.array(a, dtype="float16"), nd.array(b, dtype="float16"))
    assert y.dtype == np.float16
    ref = a.astype(np.float16).astype(np.float64) @ b.astype(np.float16).astype(np.float64)
    np.testing.assert_allclose(y.asnumpy().astype(np.float64), ref, rtol=2e-3, atol=2e-2)


def test_dot_reads_transposed_and_sliced_views_correctly():
    a, b, c = rand(5, 3), rand(5, 6, seed=1), rand(6, 2, seed=2)
    a_t = nd.transpose(f64(a))  # (3, 5) stored transposed
    np.testing.assert_allclose(nd.dot(a_t, f64(b)).asnumpy(), a.T @ b, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        nd.dot(f64(b), a_t, transpose_a=True, transpose_b=True).asnumpy(),
        b.T @ a,
        rtol=1e-12,
        atol=1e-12,
    )
    rows = f64(b)[1:4]  # starts inside the buffer
    np.testing.assert_allclose(nd.dot(rows, f64(c)).asnumpy(), b[1:4] @ c, rtol=1e-12, atol=1e-12)
    cols = f64(b)[:, 1:4]  # rows 6 apart
    np.testing.assert_allclose(
        nd.dot(f64(a).T, cols).asnumpy(), a.T @ b[:, 1:4], rtol=1e-12, atol=1e-12
    )


def test_dot_rejects_integer_dtype_with_type_error():
    with pytest.raises(TypeError, match="dot"):
        nd.dot(nd.array([[1, 2]], dtype="int32"), nd.array([[1], [2]], dtype="int32"))


def test_dot_shape_mismatch_names_op_and_both_shapes():
    with pytest.raises(MXNetError) as err:
        nd.dot(nd.ones((2, 3)), nd.ones((4, 5)))
    msg = str(err.value)
    assert "dot" in msg and "(2, 3)" in msg and "(4, 5)" in msg
    assert "3 elements in the lhs but 4 in the rhs" in msg


def test_dot_cannot_transpose_vectors():
    with pytest.raises(
        MXNetError,
        match=r"dot: cannot transpose 1-D vectors \(shapes \(3,\) and "
        r"\(3,\), transpose_a=True, transpose_b=False\)",
    ):
        nd.dot(nd.ones((3,)), nd.ones((3,)), transpose_a=True)


def test_dot_rejects_mixed_dtypes():
    with pytest.raises(
        MXNetError,
        match=r"dot: lhs and rhs have different dtypes \(float64 vs "
        r"float32\)",
    ):
        nd.dot(nd.ones((2, 3), dtype="float64"), nd.ones((3, 2), dtype="float32"))


@pytest.mark.parametrize("ta,tb", TRANSPOSES)
def test_dot_gradient_matches_finite_differences(ta, tb):
    a = rand(*stored_shape((3, 4), ta))
    b = rand(*stored_shape((4, 2), tb), seed=1)

    def op(x, y):
        return nd.dot(x, y, transpose_a=ta, transpose_b=tb)

    head = rand(3, 2, seed=2)
    got = autograd_grads(op, [a, b], head)
    want = numeric_grads(forward_np(op), [a, b], head)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    "a_shape,b_shape,ta,tb",
    [
        ((2, 3, 4), (4, 2), False, False),
        ((2, 3, 4), (2, 5), True, False),
        ((2, 3), (2, 2, 3), False, True),
        ((4,), (4, 3), False, False),
        ((3,), (3,), False, False),
    ],
)
def test_dot_nd_gradient_matches_finite_differences(a_shape, b_shape, ta, tb):
    a, b = rand(*a_shape), rand(*b_shape, seed=1)

    def op(x, y):
        return nd.dot(x, y, transpose_a=ta, transpose_b=tb)

    head = rand(*dot_ref(a, b, ta, tb).shape, seed=2)
    got = autograd_grads(op, [a, b], head)
    want = numeric_grads(forward_np(op), [a, b], head)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7)


# ---- batch_dot -----------------------------------------------------------------------------


@pytest.mark.parametrize("ta,tb", TRANSPOSES)
def test_batch_dot_matches_numpy_for_every_transpose(ta, tb):
    a = rand(3, *stored_shape((4, 5), ta))
    b = rand(3, *stored_shape((5, 2), tb), seed=1)
    y = nd.batch_dot(f64(a), f64(b), transpose_a=ta, transpose_b=tb)
    assert y.shape == (3, 4, 2)
    np.testing.assert_allclose(y.asnumpy(), batch_dot_ref(a, b, ta, tb), rtol=1e-12, atol=1e-12)


def test_batch_dot_accepts_several_batch_axes_like_mxnet():
    a, b = rand(2, 3, 4, 5), rand(2, 3, 5, 6, seed=1)
    y = nd.batch_dot(f64(a), f64(b))
    assert y.shape == (2, 3, 4, 6)
    np.testing.assert_allclose(y.asnumpy(), a @ b, rtol=1e-12, atol=1e-12)


def test_batch_dot_reads_swapped_axes_view():
    a, b = rand(3, 4, 5), rand(3, 6, 5, seed=1)
    y = nd.batch_dot(f64(a), nd.swapaxes(f64(b), 1, 2))
    np.testing.assert_allclose(y.asnumpy(), a @ b.transpose(0, 2, 1), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "a_shape,b_shape,fragment",
    [
        ((2, 3, 4), (3, 4, 5), "leading batch dimensions must be equal"),
        ((2, 3, 4), (2, 5, 5), "4 elements in the lhs but 5 in the rhs"),
        ((3, 4), (4, 5), "at least 3"),
    ],
)
def test_batch_dot_bad_shapes_name_op_and_both_shapes(a_shape, b_shape, fragment):
    with pytest.raises(MXNetError) as err:
        nd.batch_dot(nd.ones(a_shape), nd.ones(b_shape))
    msg = str(err.value)
    assert msg.startswith("batch_dot:") or "batch_dot:" in msg
    assert str(a_shape) in msg and str(b_shape) in msg and fragment in msg


@pytest.mark.parametrize("ta,tb", TRANSPOSES)
def test_batch_dot_gradient_matches_finite_differences(ta, tb):
    a = rand(2, *stored_shape((3, 2), ta))
    b = rand(2, *stored_shape((2, 3), tb), seed=1)

    def op(x, y):
        return nd.batch_dot(x, y, transpose_a=ta, transpose_b=tb)

    head = rand(2, 3, 3, seed=2)
    got = autograd_grads(op, [a, b], head)
    want = numeric_grads(forward_np(op), [a, b], head)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-7)


# ---- FullyConnected ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "x_shape,flatten,out_shape",
    [
        ((4, 6), True, (4, 3)),
        ((4, 2, 3), True, (4, 3)),
        ((4, 2, 6), False, (4, 2, 3)),
        ((6,), False, (3,)),
    ],
)
@pytest.mark.parametrize("with_bias", [True, False])
def test_fully_connected_matches_numpy(x_shape, flatten, out_shape, with_bias):
    x = rand(*x_shape)
    w = rand(3, 6, seed=1)
    b = rand(3, seed=2) if with_bias else None
    y = nd.FullyConnected(
        f64(x),
        f64(w),
        f64(b) if with_bias else None,
        num_hidden=3,
        no_bias=not with_bias,
        flatten=flatten,
    )
    assert y.shape == out_shape
    np.testing.assert_allclose(y.asnumpy(), fc_ref(x, w, b, flatten), rtol=1e-12, atol=1e-12)


def test_fully_connected_float32_wide_layer():
    x, w, b = rand(5, 300), rand(200, 300, seed=1), rand(200, seed=2)
    y = nd.FullyConnected(nd.array(x), nd.array(w), nd.array(b), num_hidden=200)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.asnumpy(), x @ w.T + b, rtol=1e-4, atol=1e-4)


def test_fully_connected_float16():
    x, w, b = rand(4, 10), rand(3, 10, seed=1), rand(3, seed=2)
    y = nd.FullyConnected(
        nd.array(x, dtype="float16"),
        nd.array(w, dtype="float16"),
        nd.array(b, dtype="float16"),
        num_hidden=3,
    )
    assert y.dtype == np.float16

    def h(v):
        return v.astype(np.float16).astype(np.float64)

    np.testing.assert_allclose(
        y.asnumpy().astype(np.float64), h(x) @ h(w).T + h(b), rtol=2e-3, atol=2e-2
    )


@pytest.mark.parametrize(
    "x_shape,w_shape,b_shape,num_hidden,message",
    [
        (
            (2, 21),
            (256, 20),
            (256,),
            256,
            "FullyConnected: input has 21 features (shape (2, 21)) but weight expects 20 "
            "(weight shape (256, 20))",
        ),
        (
            (2, 3, 4),
            (5, 10),
            (5,),
            5,
            "FullyConnected: input has 12 features (shape (2, 3, 4), flattened to (2, 12)) but "
            "weight expects 10 (weight shape (5, 10))",
        ),
        (
            (2, 20),
            (256, 20),
            (255,),
            255,
            "FullyConnected: weight must have shape (num_hidden, in_units) = (255, in_units), "
            "got (256, 20)",
        ),
        (
            (2, 20),
            (256, 20),
            (255,),
            256,
            "FullyConnected: bias must have shape (num_hidden,) = (256,), got (255,)",
        ),
    ],
)
def test_fully_connected_bad_shapes_message(x_shape, w_shape, b_shape, num_hidden, message):
    with pytest.raises(MXNetError, match=re.escape(message)):
        nd.FullyConnected(
            nd.ones(x_shape), nd.ones(w_shape), nd.ones(b_shape), num_hidden=num_hidden
        )


def test_fully_connected_rejects_integer_dtype_with_type_error():
    with pytest.raises(TypeError, match="FullyConnected"):
        nd.FullyConnected(
            nd.ones((2, 3), dtype="int32"),
            nd.ones((4, 3), dtype="int32"),
            nd.ones((4,), dtype="int32"),
            num_hidden=4,
        )


@pytest.mark.parametrize("x_shape,flatten", [((3, 4), True), ((3, 2, 2), True), ((2, 3, 4), False)])
@pytest.mark.parametrize("with_bias", [True, False])
def test_fully_connected_gradient_matches_finite_differences(x_shape, flatten, with_bias):
    x, w, b = rand(*x_shape), rand(2, 4, seed=1), rand(2, seed=2)
    if with_bias:

        def op(x_, w_, b_):
            return nd.FullyConnected(x_, w_, b_, num_hidden=2, flatten=flatten)

        arrays = [x, w, b]
    else:

        def op(x_, w_):
            return nd.FullyConnected(x_, w_, num_hidden=2, no_bias=True, flatten=flatten)

        arrays = [x, w]
    head = rand(*fc_ref(x, w, None, flatten).shape, seed=3)
    got = autograd_grads(op, arrays, head)
    want = numeric_grads(forward_np(op), arrays, head)
    for g, w_ in zip(got, want):
        np.testing.assert_allclose(g, w_, rtol=1e-6, atol=1e-7)


def test_fully_connected_weight_gradient_when_data_needs_none():
    x, w, b = rand(5, 4), rand(3, 4, seed=1), rand(3, seed=2)
    data, weight, bias = f64(x), f64(w), f64(b)
    weight.attach_grad()
    bias.attach_grad()
    head = rand(5, 3, seed=3)
    with autograd.record():
        y = nd.FullyConnected(data, weight, bias, num_hidden=3)
    y.backward(f64(head))
    np.testing.assert_allclose(weight.grad.asnumpy(), head.T @ x, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(bias.grad.asnumpy(), head.sum(axis=0), rtol=1e-12, atol=1e-12)


def test_fully_connected_bias_gradient_of_a_wide_layer_float32():
    # 40000 outputs: the column sum splits over threads.
    x, w = rand(3, 2), rand(40000, 2, seed=1)
    bias = nd.zeros((40000,))
    bias.attach_grad()
    head = rand(3, 40000, seed=2)
    with autograd.record():
        y = nd.FullyConnected(nd.array(x), nd.array(w), bias, num_hidden=40000)
    y.backward(nd.array(head))
    np.testing.assert_allclose(bias.grad.asnumpy(), head.sum(axis=0), rtol=1e-5, atol=1e-5)


def test_fully_connected_gradient_is_differentiable_with_create_graph():
    x, w = rand(3, 4), rand(2, 4, seed=1)
    data, weight = f64(x), f64(w)
    data.attach_grad()
    weight.attach_grad()
    with autograd.record():
        y = nd.FullyConnected(data, weight, num_hidden=2, no_bias=True)
        dx = autograd.grad(y, [data], create_graph=True, retain_graph=True)[0]
        z = (dx * dx).sum()
    z.backward()
    # dx = ones(3, 2) W, every row equal to W's column sums s; z = 3 |s|^2, dz/dW = 6 s per row.
    np.testing.assert_allclose(
        weight.grad.asnumpy(), 6 * np.tile(w.sum(axis=0), (2, 1)), rtol=1e-12, atol=1e-12
    )


def test_dot_gradient_is_differentiable_with_create_graph():
    a, b = rand(2, 3), rand(3, 4, seed=1)
    lhs, rhs = f64(a), f64(b)
    lhs.attach_grad()
    rhs.attach_grad()
    with autograd.record():
        y = nd.dot(lhs, rhs)
        da = autograd.grad(y, [lhs], create_graph=True, retain_graph=True)[0]
        z = (da * da).sum()
    z.backward()
    # da = ones(2, 4) B^T, every row equal to B's row sums r; z = 2 |r|^2, dz/dB = 4 r per column.
    np.testing.assert_allclose(
        rhs.grad.asnumpy(), 4 * np.tile(b.sum(axis=1)[:, None], (1, 4)), rtol=1e-12, atol=1e-12
    )


# ---- GPU: both GEMM paths against the CPU --------------------------------------------------

gpu = pytest.mark.skipif(mx.context.num_gpus() == 0, reason="needs a CUDA GPU")


@pytest.fixture(params=["cublas", "tiled"])
def gemm_path(request, monkeypatch):
    if request.param == "tiled":
        monkeypatch.setenv("GLUONLITE_DISABLE_CUBLAS", "1")
    else:
        monkeypatch.delenv("GLUONLITE_DISABLE_CUBLAS", raising=False)
    return request.param


def on_gpu(x, dtype):
    return nd.array(x, dtype=dtype, ctx=mx.gpu(0))


def gpu_tolerance(dtype):
    return {"float64": 1e-10, "float32": 1e-4, "float16": 3e-2}[dtype]


@gpu
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("ta,tb", TRANSPOSES)
def test_gpu_dot_matches_cpu(gemm_path, dtype, ta, tb):
    # Sizes straddle the 64x64x16 tiles of the fallback kernel.
    a = rand(*stored_shape((70, 33), ta))
    b = rand(*stored_shape((33, 130), tb), seed=1)
    want = (
        nd.dot(nd.array(a, dtype=dtype), nd.array(b, dtype=dtype), transpose_a=ta, transpose_b=tb)
        .asnumpy()
        .astype(np.float64)
    )
    got = nd.dot(on_gpu(a, dtype), on_gpu(b, dtype), transpose_a=ta, transpose_b=tb)
    tol = gpu_tolerance(dtype)
    np.testing.assert_allclose(got.asnumpy().astype(np.float64), want, rtol=tol, atol=tol)


@gpu
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("ta,tb", TRANSPOSES)
def test_gpu_batch_dot_matches_cpu(gemm_path, dtype, ta, tb):
    a = rand(5, *stored_shape((17, 9), ta))
    b = rand(5, *stored_shape((9, 66), tb), seed=1)
    got = nd.batch_dot(on_gpu(a, dtype), on_gpu(b, dtype), transpose_a=ta, transpose_b=tb)
    tol = gpu_tolerance(dtype)
    np.testing.assert_allclose(got.asnumpy(), batch_dot_ref(a, b, ta, tb), rtol=tol, atol=tol)


@gpu
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_gpu_fully_connected_forward_and_backward_match_cpu(gemm_path, dtype):
    x, w, b = rand(37, 3, 7), rand(65, 21, seed=1), rand(65, seed=2)
    head = rand(37, 65, seed=3)
    results = []
    for ctx in [mx.cpu(), mx.gpu(0)]:
        data, weight, bias = (nd.array(v, dtype=dtype, ctx=ctx) for v in (x, w, b))
        for t in (data, weight, bias):
            t.attach_grad()
        with autograd.record():
            y = nd.FullyConnected(data, weight, bias, num_hidden=65)
        y.backward(nd.array(head, dtype=dtype, ctx=ctx))
        results.append(
            [t.asnumpy().astype(np.float64) for t in (y, data.grad, weight.grad, bias.grad)]
        )
    tol = gpu_tolerance(dtype)
    for cpu_value, gpu_value in zip(*results):
        np.testing.assert_allclose(gpu_value, cpu_value, rtol=tol, atol=tol * 10)


@gpu
def test_gpu_large_sgemm_matches_cpu(gemm_path):
    a, b = rand(300, 520), rand(520, 260, seed=1)
    got = nd.dot(on_gpu(a, "float32"), on_gpu(b, "float32")).asnumpy()
    np.testing.assert_allclose(got, a @ b, rtol=1e-3, atol=1e-3)
