"""hybridize(): the traced graph replays with the imperative path's results and gradients,
and refuses what MXNet's cached graph refuses (a changed input structure, scalars)."""

import warnings

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import autograd, gluon, nd
from gluonlite.gluon import nn
from gluonlite.gluon._cached_graph import CachedGraph, Untraceable


def _mlp():
    net = nn.HybridSequential()
    net.add(nn.Dense(16, activation="relu"), nn.Dense(8, activation="tanh"), nn.Dense(3))
    return net


def _convnet():
    net = nn.HybridSequential()
    net.add(
        nn.Conv2D(4, 3, padding=1, activation="relu"),
        nn.BatchNorm(),
        nn.MaxPool2D(),
        nn.Conv2D(6, 3, strides=2, use_bias=False),
        nn.Activation("sigmoid"),
        nn.AvgPool2D(),
        nn.Flatten(),
        nn.Dropout(0.3),
        nn.Dense(5),
    )
    return net


class _Residual(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.fc = nn.Dense(6, in_units=6)

    def hybrid_forward(self, F, x, y):
        return F.relu(self.fc(x) + y) * 2 - 1, x - y


def _run(net, inputs, train):
    params = list(net.collect_params().values())
    for p in params:
        p.zero_grad()
    if train:
        mx.random.seed(7)  # the same dropout masks on both paths
        with autograd.record():
            out = net(*inputs)
            flat = out if isinstance(out, (list, tuple)) else [out]
            loss = sum((o * o).sum() for o in flat)
        loss.backward()
    else:
        out = net(*inputs)
        flat = out if isinstance(out, (list, tuple)) else [out]
    return [o.asnumpy() for o in flat], [
        p.grad().asnumpy().copy() for p in params if p.grad_req != "null"
    ]


@pytest.mark.parametrize(
    "make, shapes",
    [(_mlp, [(4, 10)]), (_convnet, [(2, 3, 12, 12)]), (_Residual, [(3, 6), (3, 6)])],
)
@pytest.mark.parametrize("train", [False, True])
def test_replay_matches_the_imperative_path_bit_for_bit(make, shapes, train):
    rng = np.random.RandomState(0)
    inputs = [nd.array(rng.randn(*s)) for s in shapes]
    net = make()
    net.initialize(mx.init.Xavier())
    net(*inputs)  # finish deferred initialization
    expected_out, expected_grads = _run(net, inputs, train)
    net.hybridize()
    _run(net, inputs, train)  # the first hybridized call traces
    assert isinstance(net.__dict__["_cached_graph"], CachedGraph)
    out, grads = _run(net, inputs, train)
    for got, want in zip(out + grads, expected_out + expected_grads):
        np.testing.assert_array_equal(got, want)


def test_replay_follows_parameter_updates_and_new_batch_sizes():
    net = _mlp()
    net.initialize()
    net.hybridize()
    x = nd.ones((2, 10))
    net(x)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5})
    before = net(x).asnumpy()
    with autograd.record():
        loss = net(x).sum()
    loss.backward()
    trainer.step(1)
    after = net(x).asnumpy()
    assert not np.allclose(before, after)
    net.hybridize(active=False)
    np.testing.assert_array_equal(net(x).asnumpy(), after)
    net.hybridize()
    assert net(nd.ones((5, 10))).shape == (5, 3)


def test_a_changed_input_structure_or_a_scalar_raises_as_in_mxnet():
    class FooDefault(gluon.HybridBlock):
        def hybrid_forward(self, F, a, b=None):
            return a if b is None else a + b

    foo = FooDefault()
    foo.hybridize()
    foo(nd.ones((2,)))
    np.testing.assert_array_equal(foo(nd.ones((2,)), None).asnumpy(), [1, 1])
    with pytest.raises(ValueError, match="argument structure of HybridBlock does not match"):
        foo(nd.ones((2,)), nd.ones((2,)))
    with pytest.raises(
        ValueError, match="must be \\(nested\\) list of Symbol or NDArray, but got 1"
    ):
        foo(nd.ones((2,)), 1)
    foo.hybridize()  # a new trace accepts the new structure
    np.testing.assert_array_equal(foo(nd.ones((2,)), nd.ones((2,))).asnumpy(), [2, 2])


def test_a_block_that_reads_values_runs_imperatively_with_a_warning():
    class ReadsValues(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return x * float(x.sum().asscalar())

    block = ReadsValues()
    block.hybridize()
    x = nd.array([1.0, 2.0])
    with pytest.warns(UserWarning, match="could not be traced.*runs imperatively"):
        np.testing.assert_array_equal(block(x).asnumpy(), [3.0, 6.0])
    assert isinstance(block.__dict__["_cached_graph"], Untraceable)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once only
        np.testing.assert_array_equal(block(x).asnumpy(), [3.0, 6.0])


def test_adding_a_child_drops_the_traced_graph():
    net = nn.HybridSequential()
    net.add(nn.Dense(10, flatten=False))
    net.hybridize()
    net.initialize()
    assert net(nd.ones((2, 3, 5))).shape == (2, 3, 10)
    net.add(nn.Flatten())
    assert net(nd.ones((2, 3, 5))).shape == (2, 30)


def test_hybridized_calls_refuse_several_contexts_and_no_arrays():
    class Add(gluon.HybridBlock):
        def hybrid_forward(self, F, a, b):
            return a + b

    add = Add()
    add.hybridize()
    with pytest.raises(ValueError, match="multiple contexts.*cpu\\(1\\), cpu\\(2\\)"):
        add(nd.ones((2,), ctx=mx.cpu(1)), nd.ones((2,), ctx=mx.cpu(2)))
    with pytest.raises(ValueError, match="one NDArray or one Symbol"):
        Add()(None, None)


def test_blocks_without_a_prefix_name_nodes_in_the_enclosing_scope():
    names = gluon.model_zoo.vision.resnet18_v1()(mx.sym.var("data")).get_internals()
    outputs = names.list_outputs()
    assert len(outputs) == len(set(outputs)) == 171  # as MXNet 1.9.1
    assert any(name.endswith("_stage1__plus1_output") for name in outputs)
