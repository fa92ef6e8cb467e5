"""Autograd: gradients of every elementwise op against float64 finite differences,
recording state, grad_req, retain_graph, and MXNet's error cases."""

import threading

import numpy as np
import pytest
from conftest import numeric_grad

from gluonlite import autograd, nd
from gluonlite.base import MXNetError

UNARY = {
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "square": np.square,
    "tanh": np.tanh,
    "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
    "relu": lambda v: np.maximum(v, 0),
    "abs": np.abs,
    "sin": np.sin,
    "cos": np.cos,
    "reciprocal": lambda v: 1 / v,
    "rsqrt": lambda v: 1 / np.sqrt(v),
    "softsign": lambda v: v / (1 + np.abs(v)),
    "softrelu": lambda v: np.log1p(np.exp(v)),
    "negative": lambda v: -v,
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_gradients_match_finite_differences(name):
    x0 = np.array([[0.4, 1.3, 2.1], [0.7, 1.9, 0.25]])
    if name not in ("log", "sqrt", "rsqrt"):
        x0 = x0 * np.array([1, -1, 1])  # both signs, away from the kinks at 0
    w = np.arange(1, 7, dtype=np.float64).reshape(2, 3)  # weighted sum: a non-trivial head grad
    x = nd.array(x0, dtype="float64")
    x.attach_grad()
    fn = getattr(nd, name)
    with autograd.record():
        y = (fn(x) * nd.array(w, dtype="float64")).sum()
    y.backward()
    expected = numeric_grad(lambda v: float((UNARY[name](v) * w).sum()), x0)
    np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-6, atol=1e-8)


BINARY = {
    "add": lambda a, b: a + b,
    "subtract": lambda a, b: a - b,
    "multiply": lambda a, b: a * b,
    "divide": lambda a, b: a / b,
    "power": lambda a, b: a**b,
    "maximum": np.maximum,
    "minimum": np.minimum,
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3))])
def test_binary_gradients_with_broadcasting(name, shapes):
    rng = np.random.default_rng(1)
    a0 = rng.uniform(0.5, 2.0, shapes[0])
    b0 = rng.uniform(0.5, 2.0, shapes[1]) + 0.013  # no ties for max/min
    a, b = nd.array(a0, dtype="float64"), nd.array(b0, dtype="float64")
    a.attach_grad()
    b.attach_grad()
    fn = getattr(nd, name)
    with autograd.record():
        y = fn(a, b).sum()
    y.backward()
    ga = numeric_grad(lambda v: float(BINARY[name](v, b0).sum()), a0)
    gb = numeric_grad(lambda v: float(BINARY[name](a0, v).sum()), b0)
    np.testing.assert_allclose(a.grad.asnumpy(), ga, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(b.grad.asnumpy(), gb, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "expr,ref",
    [
        ("x + 2", lambda v: v + 2),
        ("2 - x", lambda v: 2 - v),
        ("x * 3", lambda v: v * 3),
        ("3 / x", lambda v: 3 / v),
        ("x / 4", lambda v: v / 4),
        ("x ** 3", lambda v: v**3),
        ("2 ** x", lambda v: 2**v),
        ("nd.maximum(x, 1)", lambda v: np.maximum(v, 1)),
        ("nd.clip(x, 0.6, 1.5)", lambda v: np.clip(v, 0.6, 1.5)),
    ],
)
def test_scalar_operator_gradients(expr, ref):
    x0 = np.array([0.3, 0.8, 1.2, 1.9])
    x = nd.array(x0, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = eval(expr, {"x": x, "nd": nd}).sum()
    y.backward()
    np.testing.assert_allclose(
        x.grad.asnumpy(), numeric_grad(lambda v: float(ref(v).sum()), x0), rtol=1e-6, atol=1e-8
    )


def test_shape_op_gradients():
    x0 = np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 10
    w = np.linspace(-1, 1, 24).reshape(4, 2, 3)
    x = nd.array(x0, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = x.transpose((2, 0, 1)) * nd.array(w, dtype="float64")
        z = nd.concat(y[1:3, :, ::2], nd.expand_dims(y[0, :, 1:3], 0), dim=0)
        total = (z * z).sum()
    total.backward()

    def f(v):
        yv = v.transpose(2, 0, 1) * w
        zv = np.concatenate([yv[1:3, :, ::2], yv[0, :, 1:3][None]], axis=0)
        return float((zv * zv).sum())

    np.testing.assert_allclose(x.grad.asnumpy(), numeric_grad(f, x0), rtol=1e-6, atol=1e-8)


def test_variable_used_twice_gets_summed_gradient():
    # The tied-weight lesson: y = x * x with x = 3 gives y = 9 and dy/dx = 6.
    x = nd.array([3.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
    y.backward()
    assert y.asscalar() == 9 and x.grad.asscalar() == 6


def test_mxnet_recorded_example():
    # Recorded from MXNet 1.9.1.
    a = nd.array([1.0, 2.0, 3.0])
    a.attach_grad()
    with autograd.record():
        b = a * a + a
    b.backward()
    assert str(a.grad) == "\n[3. 5. 7.]\n<NDArray 3 @cpu(0)>"
    with autograd.record():
        c = (a * 2).sum()
    c.backward()
    assert a.grad.asnumpy().tolist() == [2, 2, 2]  # grad_req='write' overwrites


def test_grad_req_add_accumulates_and_null_ignores():
    x = nd.array([1.0, 2.0])
    x.attach_grad(grad_req="add")
    for _ in range(2):
        with autograd.record():
            y = (x * 3).sum()
        y.backward()
    assert x.grad.asnumpy().tolist() == [6, 6]
    z = nd.array([1.0])
    z.attach_grad(grad_req="null")
    assert z.grad is None
    with pytest.raises(ValueError, match="grad_req must be 'write', 'add' or 'null'"):
        x.attach_grad(grad_req="sometimes")


def test_second_backward_needs_retain_graph():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.asnumpy().tolist() == [2, 4]
    with pytest.raises(MXNetError, match="retain_graph=True"):
        y.backward()


def test_backward_outside_graph_raises():
    x = nd.array([1.0])
    with pytest.raises(MXNetError, match="not the result of an operation recorded"):
        (x * 2).backward()


def test_inplace_on_recorded_array_raises_like_mxnet():
    a = nd.array([1.0, 2.0])
    a.attach_grad()
    with pytest.raises(MXNetError, match="in-place operations"):
        with autograd.record():
            a += 1
    with pytest.raises(MXNetError, match="in-place assignment"):
        with autograd.record():
            a[:] = 3


def test_recording_state_and_pause():
    assert not autograd.is_recording() and not autograd.is_training()
    with autograd.record():
        assert autograd.is_recording() and autograd.is_training()
        with autograd.pause():
            assert not autograd.is_recording() and not autograd.is_training()
        with autograd.predict_mode():
            assert not autograd.is_training() and autograd.is_recording()
    with autograd.record(train_mode=False):
        assert not autograd.is_training()
    with autograd.train_mode():
        assert autograd.is_training() and not autograd.is_recording()
    assert not autograd.is_recording()


def test_paused_ops_are_not_differentiated():
    x = nd.array([2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
        with autograd.pause():
            k = x * 10  # a constant for the graph
        z = y * k
    z.backward()
    assert x.grad.asscalar() == pytest.approx(2 * 2 * 20)


def test_detach_blocks_gradient():
    x = nd.array([3.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
        z = y.detach() * x
    z.backward()
    assert x.grad.asscalar() == 9


def test_autograd_grad_and_head_grads():
    x = nd.array([1.0, 2.0, 3.0], dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = x * x
    (g,) = autograd.grad(y, x, head_grads=nd.array([1.0, 0.5, 2.0], dtype="float64"))
    assert g.asnumpy().tolist() == [2.0, 2.0, 12.0]
    assert x.grad.asnumpy().tolist() == [0, 0, 0]  # grad() leaves the buffers alone


def test_second_order_gradient_with_create_graph():
    x = nd.array([1.5], dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = x * x * x
        (dy,) = autograd.grad(y, x, create_graph=True)
    dy.backward()
    assert x.grad.asscalar() == pytest.approx(6 * 1.5)


def test_recording_flag_is_thread_local():
    seen = []
    with autograd.record():
        t = threading.Thread(target=lambda: seen.append(autograd.is_recording()))
        t.start()
        t.join()
        assert autograd.is_recording()
    assert seen == [False]


@pytest.mark.parametrize(
    "expr,second",
    [
        ("nd.exp(x)", lambda v: np.exp(v)),
        ("nd.sqrt(x)", lambda v: -0.25 * v**-1.5),
        ("nd.sigmoid(x)", lambda v: (lambda s: s * (1 - s) * (1 - 2 * s))(1 / (1 + np.exp(-v)))),
        ("nd.tanh(x)", lambda v: -2 * np.tanh(v) * (1 - np.tanh(v) ** 2)),
        ("1 / x", lambda v: 2 / v**3),
        ("x / (x + 1)", lambda v: -2 / (v + 1) ** 3),
        ("2 ** x", lambda v: np.log(2) ** 2 * 2**v),
    ],
)
def test_second_order_through_ops_that_reuse_their_output(expr, second):
    x0 = np.array([0.4, 1.1, 2.3])
    x = nd.array(x0, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = eval(expr, {"x": x, "nd": nd})
        (dy,) = autograd.grad(y, x, create_graph=True)
    dy.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), second(x0), rtol=1e-10)
