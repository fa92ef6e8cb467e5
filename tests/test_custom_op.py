"""Python operators: ``operator.CustomOp`` / ``CustomOpProp`` / ``register`` and ``nd.Custom``.

Gradients are checked against central finite differences in float64; what reaches each
callback (strings for keyword arguments, list shapes, dtype codes, req values) and which
error comes back were observed in MXNet 1.9.1.
"""

import numpy as np
import pytest
from conftest import numeric_grad

import gluonlite as mx
from gluonlite import autograd, nd
from gluonlite.base import MXNetError

LOG = []


class ScaledSquare(mx.operator.CustomOp):
    def __init__(self, scale):
        super().__init__()
        self.scale = scale

    def forward(self, is_train, req, in_data, out_data, aux):
        LOG.append(("forward", is_train, req, autograd.is_recording()))
        self.assign(out_data[0], req[0], in_data[0] * in_data[0] * self.scale)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        LOG.append(("backward", req, autograd.is_recording()))
        self.assign(in_grad[0], req[0], out_grad[0] * 2 * in_data[0] * self.scale)


@mx.operator.register("test_scaled_square")
class ScaledSquareProp(mx.operator.CustomOpProp):
    def __init__(self, scale="1.0"):
        LOG.append(("prop", scale))
        super().__init__(need_top_grad=True)
        self.scale = float(scale)

    def infer_shape(self, in_shape):
        LOG.append(("infer_shape", in_shape))
        return in_shape, [in_shape[0]], []

    def infer_type(self, in_type):
        LOG.append(("infer_type", in_type))
        return in_type, [in_type[0]], []

    def create_operator(self, ctx, in_shapes, in_dtypes):
        LOG.append(("create_operator", ctx, in_shapes, in_dtypes))
        return ScaledSquare(self.scale)


def _f64(values):
    return nd.array(np.asarray(values, dtype=np.float64), dtype="float64")


def test_custom_op_value_gradient_and_calling_convention():
    x0 = np.array([0.5, -1.0, 2.0])
    x = _f64(x0)
    x.attach_grad()
    LOG.clear()
    with autograd.record():
        y = nd.Custom(x, op_type="test_scaled_square", scale=2)
        loss = (nd.sin(y) * y).sum()
    assert LOG == [
        ("prop", "2"),  # keyword arguments arrive as strings
        ("infer_shape", [[3]]),
        ("infer_type", [np.float64]),
        ("create_operator", mx.cpu(), [[3]], [1]),  # MXNet's dtype code of float64
        ("forward", True, ["write"], False),
    ]
    np.testing.assert_allclose(y.asnumpy(), 2 * x0**2, rtol=1e-15)
    LOG.clear()
    loss.backward()
    assert LOG == [("backward", ["write"], False)]

    def f(xv):
        return np.sin(2 * xv**2) * 2 * xv**2

    np.testing.assert_allclose(
        x.grad.asnumpy(), numeric_grad(lambda v: float(f(v).sum()), x0), rtol=1e-7
    )


def test_custom_op_outside_record_is_just_a_call():
    LOG.clear()
    y = nd.Custom(nd.array([3.0]), op_type="test_scaled_square", name="ignored")
    assert y.asscalar() == 9.0
    assert LOG[-1] == ("forward", False, ["write"], False)
    with pytest.raises(MXNetError, match="not the result of an operation recorded"):
        y.backward()


def test_custom_op_through_a_variable_with_grad_req_add():
    x = nd.array([1.0, 2.0])
    x.attach_grad(grad_req="add")
    for _ in range(2):
        with autograd.record():
            y = nd.Custom(x, op_type="test_scaled_square")
        y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [4.0, 8.0])


class ProductAndSum(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0] * in_data[1])
        self.assign(out_data[1], req[1], in_data[0] + in_data[1])
        aux[0][:] += 1  # auxiliary states are mutable and keep the change

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        LOG.append(("backward", req))
        a, b = in_data
        self.assign(in_grad[0], req[0], out_grad[0] * b + out_grad[1])
        self.assign(in_grad[1], req[1], out_grad[0] * a + out_grad[1])


@mx.operator.register("test_product_and_sum")
class ProductAndSumProp(mx.operator.CustomOpProp):
    def list_arguments(self):
        return ["a", "b"]

    def list_outputs(self):
        return ["product", "sum"]

    def list_auxiliary_states(self):
        return ["count"]

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0], in_shape[0]], [in_shape[0]]

    def create_operator(self, ctx, shapes, dtypes):
        return ProductAndSum()


def test_custom_op_with_two_arguments_two_outputs_and_an_aux_state():
    a, b, count = _f64([1.0, 2.0]), _f64([3.0, 4.0]), _f64([0.0, 0.0])
    a.attach_grad()
    LOG.clear()
    with autograd.record():
        outputs = nd.Custom(a, b, count, op_type="test_product_and_sum")
        loss = outputs[0].sum()
    assert isinstance(outputs, list) and len(outputs) == 2
    np.testing.assert_array_equal(outputs[1].asnumpy(), [4.0, 6.0])
    loss.backward()
    assert LOG == [("backward", ["write", "null"])]  # b needs no gradient
    np.testing.assert_array_equal(a.grad.asnumpy(), [3.0, 4.0])
    np.testing.assert_array_equal(count.asnumpy(), [1.0, 1.0])

    b.attach_grad()
    with autograd.record():
        p, s = nd.Custom(a, b, count, op_type="test_product_and_sum")
    autograd.backward([p, s], [_f64([1.0, 1.0]), _f64([0.5, 2.0])])
    np.testing.assert_array_equal(a.grad.asnumpy(), [3.5, 6.0])
    np.testing.assert_array_equal(b.grad.asnumpy(), [1.5, 4.0])


class DistanceLoss(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0] * 1)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        LOG.append(("loss backward", out_data))
        self.assign(in_grad[0], req[0], in_data[0] - in_data[1])


@mx.operator.register("test_distance_loss")
class DistanceLossProp(mx.operator.CustomOpProp):
    def __init__(self):
        super().__init__(need_top_grad=False)

    def list_arguments(self):
        return ["data", "label"]

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        return in_data  # only the inputs: outputs are not kept for backward

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0]], []

    def create_operator(self, ctx, shapes, dtypes):
        return DistanceLoss()


def test_custom_loss_without_top_grad_ignores_the_head_gradient():
    x, label = nd.array([1.0, 5.0]), nd.array([0.0, 1.0])
    x.attach_grad()
    LOG.clear()
    with autograd.record():
        out = nd.Custom(x, label, op_type="test_distance_loss")
    out.backward(nd.array([10.0, 10.0]))
    np.testing.assert_array_equal(x.grad.asnumpy(), [1.0, 4.0])
    assert LOG == [("loss backward", [None])]  # undeclared out_data is not kept


def test_custom_op_in_a_hybrid_block_trains():
    class Block(mx.gluon.nn.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.dense = mx.gluon.nn.Dense(1, in_units=2)

        def hybrid_forward(self, F, x):
            return F.Custom(self.dense(x), op_type="test_scaled_square", scale=0.5)

    net = Block()
    net.initialize(mx.init.Constant(1.0))
    net.hybridize()
    x = nd.array([[1.0, 2.0]])
    with autograd.record():
        y = net(x)  # 0.5 * (x . w + b)^2 with w = 1 and b = 0 (the bias keeps its zeros)
    y.backward()
    assert y.asscalar() == 4.5
    np.testing.assert_array_equal(net.dense.weight.grad().asnumpy(), [[3.0, 6.0]])
    np.testing.assert_array_equal(net.dense.bias.grad().asnumpy(), [3.0])


def test_custom_op_writes_into_out():
    target = nd.zeros((2,))
    result = nd.Custom(nd.array([1.0, 3.0]), op_type="test_scaled_square", out=target)
    assert result is target
    np.testing.assert_array_equal(target.asnumpy(), [1.0, 9.0])


def test_default_custom_op_computes_nothing():
    out = nd.Custom(nd.array([1.0, 5.0]), op_type="custom_op")
    np.testing.assert_array_equal(out.asnumpy(), [0.0, 0.0])


@pytest.mark.parametrize(
    "req, expected", [("write", [5.0, 7.0]), ("inplace", [5.0, 7.0]), ("add", [6.0, 9.0])]
)
def test_assign_honours_req(req, expected):
    dst = nd.array([1.0, 2.0])
    mx.operator.CustomOp().assign(dst, req, nd.array([5.0, 7.0]))
    np.testing.assert_array_equal(dst.asnumpy(), expected)


def test_assign_null_leaves_dst_and_a_bad_req_raises():
    dst = nd.array([1.0, 2.0])
    mx.operator.CustomOp().assign(dst, "null", nd.array([5.0, 7.0]))
    np.testing.assert_array_equal(dst.asnumpy(), [1.0, 2.0])
    with pytest.raises(
        ValueError, match="req must be 'null', 'write', 'inplace' or 'add', got 'x'"
    ):
        mx.operator.CustomOp().assign(dst, "x", dst)


def test_registering_a_name_again_warns_and_overrides():
    @mx.operator.register("test_twice")
    class First(mx.operator.CustomOpProp):
        pass

    with pytest.warns(UserWarning, match="overriding existing custom operator test_twice"):

        @mx.operator.register("test_twice")
        class Second(mx.operator.CustomOpProp):
            def create_operator(self, ctx, shapes, dtypes):
                return ScaledSquare(3.0)

    assert nd.Custom(nd.array([2.0]), op_type="test_twice").asscalar() == 12.0


# ---- errors name the operator --------------------------------------------------------------


def _register_op(name, forward=None, backward=None, **prop_methods):
    """Registers `name`: a CustomOp from the given forward/backward (identity by default)."""

    def identity(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0])

    op_cls = type(
        "BrokenOp",
        (mx.operator.CustomOp,),
        {"forward": forward or identity, **({"backward": backward} if backward else {})},
    )
    prop_methods.setdefault("create_operator", lambda self, ctx, shapes, dtypes: op_cls())
    mx.operator.register(name)(type("BrokenProp", (mx.operator.CustomOpProp,), prop_methods))


def _raise(error):
    def method(self, *args, **kwargs):
        raise error

    return method


def _bad_backward_shape(self, req, out_grad, in_data, out_data, in_grad, aux):
    self.assign(in_grad[0], req[0], nd.ones((7,)))


@pytest.mark.parametrize(
    "name, setup, message",
    [
        (
            "test_forward_raises",
            dict(forward=_raise(ValueError("fwdboom"))),
            r"^Error in custom operator 'test_forward_raises' \(BrokenOp\.forward\): "
            r"ValueError: fwdboom$",
        ),
        (
            "test_infer_shape_count",
            dict(infer_shape=lambda self, s: (s, [[2], [2]], [])),
            r"^Custom operator 'test_infer_shape_count': infer_shape returned 2 output "
            r"entries, expected 1$",
        ),
        (
            "test_infer_shape_input",
            dict(infer_shape=lambda self, s: ([[9]], [[2]], [])),
            r"^Custom operator 'test_infer_shape_input': infer_shape returned shape \(9,\) "
            r"for argument 'data', but the array given has shape \(2,\)$",
        ),
        (
            "test_infer_type_bad",
            dict(infer_type=lambda self, t: (t, ["no such type"], [])),
            r"^Custom operator 'test_infer_type_bad': infer_type gave 'no such type' for "
            r"'output', which is not a dtype$",
        ),
        (
            "test_prop_kwargs",
            dict(__init__=lambda self: mx.operator.CustomOpProp.__init__(self)),
            r"^Error in custom operator 'test_prop_kwargs' \(BrokenProp\.__init__\): "
            r"TypeError: .*unexpected keyword argument 'foo'",
        ),
    ],
)
def test_forward_side_errors_name_the_operator(name, setup, message):
    _register_op(name, **setup)
    kwargs = {"foo": 3} if name == "test_prop_kwargs" else {}
    with pytest.raises(MXNetError, match=message) as info:
        nd.Custom(nd.array([1.0, 5.0]), op_type=name, **kwargs)
    if "Error in" in message:
        assert info.value.__cause__ is not None


@pytest.mark.parametrize(
    "backward, message",
    [
        (
            _raise(ValueError("bwdboom")),
            r"^Error in custom operator 'test_bwd_{0}' \(BrokenOp\.backward\): ValueError: "
            r"bwdboom$",
        ),
        (
            _bad_backward_shape,
            r"^Error in custom operator 'test_bwd_{0}' \(BrokenOp\.backward\): .*\(7,\)",
        ),
    ],
    ids=["raises", "wrong_shape"],
)
def test_backward_errors_name_the_operator(backward, message, request):
    name = "test_bwd_" + request.node.callspec.id
    _register_op(name, backward=backward)
    x = nd.array([1.0, 5.0])
    x.attach_grad()
    with autograd.record():
        y = nd.Custom(x, op_type=name)
    with pytest.raises(MXNetError, match=message.format(request.node.callspec.id)):
        y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [0.0, 0.0])  # nothing half-written


def test_unknown_op_type_and_missing_op_type():
    with pytest.raises(MXNetError, match=r"^Cannot find custom operator 'nosuch'; registered"):
        nd.Custom(nd.ones((2,)), op_type="nosuch")
    with pytest.raises(MXNetError, match=r"^Custom: the required argument `op_type` is missing"):
        nd.Custom(nd.ones((2,)))


def test_wrong_number_or_type_of_inputs_names_the_operator():
    with pytest.raises(
        MXNetError,
        match=r"^Custom operator 'test_product_and_sum' expects 3 inputs \(arguments: "
        r"\['a', 'b'\]; auxiliary states: \['count'\]\), got 2$",
    ):
        nd.Custom(nd.ones((2,)), nd.ones((2,)), op_type="test_product_and_sum")
    with pytest.raises(
        TypeError, match=r"^Custom operator 'test_scaled_square': input 0 \('data'\) must be an "
    ):
        nd.Custom([1.0, 2.0], op_type="test_scaled_square")
