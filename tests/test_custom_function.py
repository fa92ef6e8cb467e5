"""Custom differentiable code in Python: ``autograd.Function`` (MXNet semantics).

Gradients are checked against central finite differences in float64; the calling conventions
(what reaches forward/backward, what comes back, which error) were observed in MXNet 1.9.1.
"""

import numpy as np
import pytest
from conftest import numeric_grad

import gluonlite as mx
from gluonlite import autograd, nd
from gluonlite.base import MXNetError


def _f64(values):
    return nd.array(np.asarray(values, dtype=np.float64), dtype="float64")


class Sigmoid(autograd.Function):
    def forward(self, x):
        y = 1 / (1 + nd.exp(-x))
        self.save_for_backward(y)
        return y

    def backward(self, dy):
        (y,) = self.saved_tensors
        return dy * y * (1 - y)


# ---- autograd.Function ---------------------------------------------------------------------


def test_function_gradient_flows_through_the_rest_of_the_graph():
    x0 = np.array([-1.5, 0.2, 0.7, 2.0])
    w0 = np.array([0.3, -1.1, 2.0, 0.5])
    x, w = _f64(x0), _f64(w0)
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        y = Sigmoid()(nd.exp(x) * 0.5) * w
        loss = (y * y).sum()
    loss.backward()

    def f(xv):
        return (w0 / (1 + np.exp(-np.exp(xv) * 0.5))) ** 2

    np.testing.assert_allclose(
        x.grad.asnumpy(), numeric_grad(lambda v: float(f(v).sum()), x0), rtol=1e-7
    )
    np.testing.assert_allclose(w.grad.asnumpy(), 2 * w0 / (1 + np.exp(-np.exp(x0) * 0.5)) ** 2)


def test_function_with_two_inputs_and_two_outputs():
    class DivMul(autograd.Function):  # MXNet's test_function
        def forward(self, x, y):
            self.save_for_backward(x, y)
            return x / y, x * y

        def backward(self, dm, dn):
            x, y = self.saved_tensors
            return dm / y + dn * y, dn * x - dm * x / y / y

    x0, y0 = np.array([0.3, 1.2, 2.5]), np.array([1.5, 0.4, 0.9])
    x, y = _f64(x0), _f64(y0)
    x.attach_grad()
    y.attach_grad()
    with autograd.record():
        m, n = DivMul()(x, y)
        autograd.backward([m, n])
    np.testing.assert_allclose(x.grad.asnumpy(), 1 / y0 + y0, rtol=1e-12)
    np.testing.assert_allclose(y.grad.asnumpy(), x0 - x0 / y0**2, rtol=1e-12)


def test_function_output_left_unused_gets_a_zero_gradient():
    seen = []

    class Two(autograd.Function):
        def forward(self, x):
            return x * 2, x * 3

        def backward(self, da, db):
            seen.append((da.asnumpy().tolist(), db.asnumpy().tolist()))
            return da * 2 + db * 3

    x = _f64([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        a, _ = Two()(x)
        loss = a.sum()
    loss.backward()
    assert seen == [([1.0, 1.0], [0.0, 0.0])]
    np.testing.assert_array_equal(x.grad.asnumpy(), [2.0, 2.0])


def test_function_runs_forward_and_backward_unrecorded_in_the_callers_train_mode():
    states = []

    class Probe(autograd.Function):
        def forward(self, x):
            states.append(("forward", autograd.is_recording(), autograd.is_training()))
            return x * 1

        def backward(self, dy):
            states.append(("backward", autograd.is_recording(), autograd.is_training()))
            return dy

    x = nd.ones((2,))
    x.attach_grad()
    with autograd.record():
        y = Probe()(x)
    y.backward()
    assert states == [("forward", False, True), ("backward", False, True)]


def test_function_outside_record_just_runs_forward():
    y = Sigmoid()(nd.array([0.0]))
    assert y.asscalar() == 0.5
    with pytest.raises(MXNetError, match="not the result of an operation recorded"):
        y.backward()


def test_function_instance_can_only_be_called_once():
    f = Sigmoid()
    f(nd.ones((1,)))
    with pytest.raises(AssertionError, match=r"called once.*\(Sigmoid was called before\)"):
        f(nd.ones((1,)))


def test_function_retain_graph_allows_a_second_backward():
    x = _f64([0.0, 1.0])
    x.attach_grad()
    with autograd.record():
        y = Sigmoid()(x)
    y.backward(retain_graph=True)
    y.backward()
    s = 1 / (1 + np.exp(-np.array([0.0, 1.0])))
    np.testing.assert_allclose(x.grad.asnumpy(), s * (1 - s), rtol=1e-12)


def test_function_on_inputs_without_gradient_records_nothing():
    with autograd.record():  # MXNet's test_function1
        x = nd.zeros((3, 4))
        for _ in range(5):
            x = type("Foo", (autograd.Function,), {"forward": lambda self, v: v + 1})()(x)
    np.testing.assert_array_equal(x.asnumpy(), np.full((3, 4), 5.0))


def test_function_result_under_create_graph_is_a_constant_as_in_mxnet():
    class Cube(autograd.Function):
        def forward(self, x):
            self.save_for_backward(x)
            return x * x * x

        def backward(self, dy):
            (x,) = self.saved_tensors
            return dy * 3 * x * x

    x = _f64([2.0])
    x.attach_grad()
    with autograd.record():
        y = Cube()(x)
        (g,) = autograd.grad(y, [x], create_graph=True)
    assert g.asscalar() == 12.0
    with pytest.raises(MXNetError, match="not the result of an operation recorded"):
        g.backward()


def test_function_saved_output_does_not_keep_the_graph_alive():
    import gc

    x = nd.ones((3,))
    x.attach_grad()
    gc.collect()
    before = mx._core.live_node_count()
    with autograd.record():
        f = Sigmoid()
        y = f(x)
    assert mx._core.live_node_count() == before + 1
    assert f.saved_tensors[0] is not y and f.saved_tensors[0]._is_same_storage(y)
    del f, y
    gc.collect()
    assert mx._core.live_node_count() == before


class _Returns(autograd.Function):
    """backward returns whatever the class attribute `grad` makes of dy."""

    grad = None

    def forward(self, x):
        return x * 1

    def backward(self, dy):
        return type(self).grad(dy)


@pytest.mark.parametrize(
    "make_grad, error, message",
    [
        (lambda dy: (dy, dy), MXNetError, r"^BadCount\.backward must return exactly .*got 2"),
        (lambda dy: nd.ones((5,)), MXNetError, r"^BadCount\.backward returned a gradient of "),
        (lambda dy: 3.0, TypeError, r"^BadCount\.backward must return NDArrays, not float"),
        (lambda dy: 1 / 0, MXNetError, r"^Error in BadCount\.backward: ZeroDivisionError"),
    ],
)
def test_function_bad_backward_raises_naming_the_class(make_grad, error, message):
    cls = type("BadCount", (_Returns,), {"grad": staticmethod(make_grad)})
    x = nd.ones((3,))
    x.attach_grad()
    with autograd.record():
        y = cls()(x)
    with pytest.raises(error, match=message) as info:
        y.backward()
    if "ZeroDivision" in message:
        assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_function_gradient_is_broadcast_and_cast_like_mxnet():
    cls = type("Bcast", (_Returns,), {"grad": staticmethod(lambda dy: _f64([7.0]))})
    x = nd.ones((3,))
    x.attach_grad()
    with autograd.record():
        y = cls()(x)
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.asnumpy(), [7.0, 7.0, 7.0])


def test_function_returning_its_input_raises_naming_the_class():
    class Ident(autograd.Function):
        def forward(self, x):
            return x

        def backward(self, dy):
            return dy

    x = nd.ones((2,))
    x.attach_grad()
    with autograd.record():
        with pytest.raises(MXNetError, match=r"^Ident: output 0 is an input.*x\.copy\(\)"):
            Ident()(x)


def test_function_refuses_a_non_array_input_while_recording():
    with autograd.record():
        with pytest.raises(TypeError, match="^Sigmoid: argument 0 must be an NDArray"):
            Sigmoid()(3.0)
