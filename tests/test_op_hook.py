"""HybridBlock.register_op_hook: names, operators and arrays as MXNet 1.9.1 reports them
(every expected list here was printed by MXNet 1.9.1 for the same block)."""

import numpy as np
import pytest

from gluonlite import gluon, nd
from gluonlite.base import py_str


def _record(block, x, monitor_all):
    seen = []
    block.register_op_hook(
        lambda name, op, arr: seen.append((py_str(name), py_str(op), arr.asnumpy())),
        monitor_all,
    )
    out = block(x)
    return seen, out


def test_dense_then_relu_with_every_input():
    model = gluon.nn.HybridSequential(prefix="dense_")
    with model.name_scope():
        model.add(gluon.nn.Dense(2), gluon.nn.Activation("relu"))
    model.initialize()
    model.hybridize()
    x = nd.array([[1.0, -2.0, 3.0]])
    seen, out = _record(model, x, True)
    assert [name for name, _, _ in seen] == [
        "dense_dense0_fwd_data",
        "dense_dense0_fwd_weight",
        "dense_dense0_fwd_bias",
        "dense_dense0_fwd_output",
        "dense_relu0_fwd_input0",
        "dense_relu0_fwd_output",
    ]
    assert [op for _, op, _ in seen] == ["FullyConnected"] * 4 + ["Activation"] * 2
    w = model[0].weight.data().asnumpy()
    np.testing.assert_array_equal(seen[0][2], x.asnumpy())
    np.testing.assert_array_equal(seen[1][2], w)
    fc = x.asnumpy() @ w.T + model[0].bias.data().asnumpy()
    np.testing.assert_allclose(seen[3][2], fc, rtol=1e-6)
    np.testing.assert_allclose(seen[5][2], np.maximum(fc, 0), rtol=1e-6)
    np.testing.assert_allclose(out.asnumpy(), np.maximum(fc, 0), rtol=1e-6)
    seen, _ = _record(model, x, False)  # outputs only, on later calls too
    assert [name for name, _, _ in seen] == ["dense_dense0_fwd_output", "dense_relu0_fwd_output"]


@pytest.mark.parametrize(
    "fn, expected",
    [
        (lambda F, x: F.relu(x), [("h_relu0_input0", "relu"), ("h_relu0_0", "relu")]),
        (
            lambda F, x: x + x,
            [
                ("h__plus0_lhs", "elemwise_add"),
                ("h__plus0_rhs", "elemwise_add"),
                ("h__plus0_output", "elemwise_add"),
            ],
        ),
        (
            lambda F, x: F.softmax(x),
            [("h_softmax0_data", "softmax"), ("h_softmax0_output", "softmax")],
        ),
        (
            lambda F, x: F.concat(x, x, dim=1),
            [
                ("h_concat0_arg0", "Concat"),
                ("h_concat0_arg1", "Concat"),
                ("h_concat0_output", "Concat"),
            ],
        ),
    ],
)
def test_operator_naming_follows_mxnet(fn, expected):
    block = gluon.nn.HybridLambda(fn, prefix="h_")
    block.hybridize()
    seen, _ = _record(block, nd.ones((2, 3)), True)
    assert [(name, op) for name, op, _ in seen] == expected


def test_an_imperative_block_calls_no_hook():
    block = gluon.nn.Dense(2, in_units=3)
    block.initialize()
    seen, _ = _record(block, nd.ones((1, 3)), True)
    assert seen == []
    with pytest.raises(TypeError, match="callback must be callable"):
        block.register_op_hook("not a function")
