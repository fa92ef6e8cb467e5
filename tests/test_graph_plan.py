"""Graph plans: the C++ replay of hybridized blocks (csrc/graph/plan.h).

A hybridized block's graph runs as _core.GraphPlan objects: runs of operators executed in
C++ back to back, each intermediate dropped at its last use. These tests check the plan
itself (values, memory plan, errors) and how hybridize() splits graphs into plans."""

import threading

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import _core, autograd, gluon, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import nn


def test_a_plan_runs_its_kernels_in_order_and_returns_the_outputs():
    plan = _core.GraphPlan(2)
    (s,) = plan.add(_core.binary_kernel("add"), [0, 1])  # a + b
    (e,) = plan.add(_core.unary_kernel("exp"), [s])  # exp(a + b)
    (p,) = plan.add(_core.binary_kernel("multiply"), [e, 0])  # exp(a + b) * a
    plan.finish([p, s, p])
    a = np.array([[0.5, -1.0, 2.0]], dtype=np.float64)
    b = np.array([[1.5], [0.25]], dtype=np.float64)
    out = plan.run([nd.array(a, dtype="float64"), nd.array(b, dtype="float64")])
    assert len(out) == 3
    np.testing.assert_allclose(out[0].asnumpy(), np.exp(a + b) * a, rtol=1e-15)
    np.testing.assert_array_equal(out[1].asnumpy(), a + b)
    np.testing.assert_array_equal(out[2].asnumpy(), out[0].asnumpy())
    assert (plan.num_inputs, plan.num_registers, plan.num_steps) == (2, 5, 3)


def test_intermediates_are_dropped_at_their_last_use():
    # x -> relu -> tanh -> sigmoid -> exp: each value is read once, by the next step
    plan = _core.GraphPlan(1)
    r = [0]
    for name in ("relu", "tanh", "sigmoid", "exp"):
        r = plan.add(_core.unary_kernel(name), r)
    plan.finish(r)
    assert [plan.released_after(i) for i in range(4)] == [[0], [1], [2], [3]]
    assert plan.peak_live_registers == 2  # a step's input and output, never more
    # a value read by a later step stays until that step: relu(x) is read by steps 1 and 3
    plan = _core.GraphPlan(1)
    (a,) = plan.add(_core.unary_kernel("relu"), [0])
    (b,) = plan.add(_core.unary_kernel("tanh"), [a])
    (c,) = plan.add(_core.unary_kernel("exp"), [b])
    (d,) = plan.add(_core.binary_kernel("add"), [a, c])
    plan.finish([d])
    assert plan.released_after(1) == [] and plan.released_after(2) == [b]
    assert plan.released_after(3) == [a, c]
    assert plan.peak_live_registers == 3


def test_an_output_nobody_reads_is_dropped_at_once_and_outputs_are_kept():
    plan = _core.GraphPlan(1)
    (a,) = plan.add(_core.unary_kernel("relu"), [0])
    (b,) = plan.add(_core.unary_kernel("tanh"), [0])
    plan.finish([b])
    assert a in plan.released_after(0) and b not in plan.released_after(1)


def test_a_plan_leaves_no_buffer_behind():
    x = nd.array(np.random.RandomState(0).randn(64, 64))
    plan = _core.GraphPlan(1)
    r = [0]
    for _ in range(20):
        r = plan.add(_core.unary_kernel("tanh"), r)
    plan.finish(r)
    plan.run([x])  # warm the caching allocator
    before = _core.cpu_allocator_stats()[0]
    out = plan.run([x])
    assert _core.cpu_allocator_stats()[0] == before + 1  # just the output
    expected = x.asnumpy()
    for _ in range(20):
        expected = np.tanh(expected)
    np.testing.assert_allclose(out[0].asnumpy(), expected, rtol=1e-5)


def test_bad_plans_and_calls_raise_and_name_the_culprit():
    plan = _core.GraphPlan(1)
    with pytest.raises(ValueError, match="'add' takes 2 arguments, got 1"):
        plan.add(_core.binary_kernel("add"), [0])
    with pytest.raises(IndexError, match="'relu' reads register 3 of 1"):
        plan.add(_core.unary_kernel("relu"), [3])
    (r,) = plan.add(_core.unary_kernel("relu"), [0])
    with pytest.raises(MXNetError, match="run\\(\\) before finish"):
        plan.run([nd.ones((2,))])
    plan.finish([r])
    with pytest.raises(MXNetError, match="added after finish"):
        plan.add(_core.unary_kernel("relu"), [0])
    with pytest.raises(ValueError, match="expected 1 inputs, got 2"):
        plan.run([nd.ones((2,)), nd.ones((2,))])
    with pytest.raises(ValueError, match="no unary op named 'nope'"):
        _core.unary_kernel("nope")
    with pytest.raises(ValueError, match="no binary op named 'nope'"):
        _core.binary_kernel("nope")


def test_a_kernel_error_inside_a_plan_names_the_operator():
    plan = _core.GraphPlan(3)
    (y,) = plan.add(_core.fully_connected_kernel(4, True, True), [0, 1, 2])
    plan.finish([y])
    x, w, b = nd.ones((2, 5)), nd.ones((4, 6)), nd.zeros((4,))
    with pytest.raises(MXNetError, match="FullyConnected"):
        plan.run([x, w, b])


def _mlp(hybridize=True):
    net = nn.HybridSequential()
    net.add(nn.Dense(32, activation="relu"), nn.Dense(16, activation="tanh"), nn.Dense(4))
    net.initialize(mx.init.Xavier())
    if hybridize:
        net.hybridize()
    return net


def test_a_hybridized_mlp_is_one_plan_of_its_five_operators():
    net = _mlp()
    x = nd.array(np.random.RandomState(1).randn(3, 10))
    net(x)
    net(x)
    graph = net._cached_graph
    assert len(graph.plans) == 1
    assert graph.plans[0].num_steps == 5  # FC relu FC tanh FC
    assert all(k is not None for k in graph.kernels)


def test_plan_replay_equals_the_imperative_path_with_gradients():
    x = nd.array(np.random.RandomState(2).randn(5, 10))
    hybrid, plain = _mlp(), _mlp(hybridize=False)
    hybrid(x)  # the first call traces (and finishes the deferred initialization)
    plain(x)
    for p, q in zip(hybrid.collect_params().values(), plain.collect_params().values()):
        q.set_data(p.data())
    results = []
    for net in (hybrid, plain):
        xx = x.copy()
        xx.attach_grad()
        with autograd.record():
            y = net(xx)
            loss = (y * y).sum()
        loss.backward()
        grads = [p.grad().asnumpy() for p in net.collect_params().values()]
        results.append((y.asnumpy(), xx.grad.asnumpy(), grads))
    (y1, g1, w1), (y2, g2, w2) = results
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(g1, g2)
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)


class _Mixed(gluon.HybridBlock):
    """Dense, reshape, softmax, Dense, and expand_dims/squeeze (Python steps) on the side."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.a = nn.Dense(12, activation="relu")
            self.b = nn.Dense(3)

    def hybrid_forward(self, F, x):
        h = self.a(x)
        h = F.softmax(F.reshape(h, shape=(-1, 4)), axis=-1)
        side = F.squeeze(F.expand_dims(h, axis=0), axis=0)  # no kernels: Python steps
        return self.b(F.reshape(h, shape=(-1, 12))) + side.sum()


def test_operators_without_kernels_split_the_graph_into_plans():
    net = _Mixed()
    net.initialize()
    x = nd.array(np.random.RandomState(3).randn(2, 7))
    expected = net(x).asnumpy()
    net.hybridize()
    net(x)
    out = net(x)
    graph = net._cached_graph
    native = sum(k is not None for k in graph.kernels)
    python = [n.op for n, k in zip(graph.step_nodes, graph.kernels) if k is None]
    assert sorted(python) == ["expand_dims", "squeeze"]
    assert len(graph.plans) >= 2 and sum(p.num_steps for p in graph.plans) == native
    np.testing.assert_array_equal(out.asnumpy(), expected)


class _Everyday(gluon.HybridBlock):
    """The operators tutorials put between layers, all with C++ kernels: scalar arithmetic,
    reshape, flatten, softmax, dropout, concat, transpose, reductions."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.fc = nn.Dense(12, in_units=12)
            self.drop = nn.Dropout(0.4)

    def hybrid_forward(self, F, x):
        h = F.Flatten(x) * 2 + 1
        h = (1 - h) / 3 + 2 ** F.tanh(h) - F.maximum(h, 0.5) + F.minimum(0.3, h)
        h = self.drop(self.fc(h**2 / 10))
        h = F.reshape(h, shape=(0, 3, -1))
        h = F.log_softmax(h, axis=1) + F.softmax(h * 0.5, axis=-1)  # (4, 3, 4)
        t = F.transpose(F.concat(h, h * 2, dim=2), axes=(0, 2, 1))  # (4, 8, 3)
        t = F.broadcast_sub(t, F.mean(t, axis=1, keepdims=True))
        return F.broadcast_add(t, F.sum(t, axis=(1, 2), keepdims=True) / 10)


@pytest.mark.parametrize("train", [False, True])
def test_everyday_operators_run_in_the_plan(train):
    x = nd.array(np.random.RandomState(5).randn(4, 3, 4))
    hybrid, plain = _Everyday(), _Everyday()
    for net in (hybrid, plain):
        net.initialize(mx.init.Xavier())
        net(x)
    for p, q in zip(hybrid.collect_params().values(), plain.collect_params().values()):
        q.set_data(p.data())
    hybrid.hybridize()
    hybrid(x)
    outs = []
    for net in (hybrid, plain):
        xx = x.copy()
        xx.attach_grad()
        mx.random.seed(11)  # the same dropout mask on both paths
        with autograd.record(train_mode=train):
            y = net(xx)
            (y * y).sum().backward()
        outs.append((y.asnumpy(), xx.grad.asnumpy(), net.fc.weight.grad().asnumpy()))
    graph = hybrid._cached_graph
    assert all(k is not None for k in graph.kernels), [
        n.op for n, k in zip(graph.step_nodes, graph.kernels) if k is None
    ]
    assert len(graph.plans) == 1
    for a, b in zip(outs[0], outs[1]):
        np.testing.assert_array_equal(a, b)
    inference = plain(x).asnumpy()  # no dropout outside training
    assert np.array_equal(outs[0][0], inference) != train


def test_a_convnet_in_training_mode_matches_with_batchnorm_statistics():
    def make():
        net = nn.HybridSequential()
        net.add(
            nn.Conv2D(4, 3, padding=1),
            nn.BatchNorm(),
            nn.Activation("relu"),
            nn.MaxPool2D(),
            nn.Conv2D(3, 3, use_bias=False),
            nn.GlobalAvgPool2D(),
        )
        net.initialize(mx.init.Xavier())
        return net

    x = nd.array(np.random.RandomState(4).randn(2, 2, 8, 8))
    hybrid, plain = make(), make()
    hybrid.hybridize()
    with autograd.record():
        hybrid(x)  # the trace (statistics moves are compared as deltas below)
    plain(x)
    for p, q in zip(hybrid.collect_params().values(), plain.collect_params().values()):
        q.set_data(p.data())
    outs = []
    for net in (hybrid, plain):
        before = {k.split("_", 1)[1]: v.data().asnumpy() for k, v in net.collect_params().items()}
        with autograd.record():
            y = net(x)
            (y * y).sum().backward()
        after = {k.split("_", 1)[1]: v.data().asnumpy() for k, v in net.collect_params().items()}
        moved = {k: after[k] - before[k] for k in after if "running" in k}
        grads = [p.grad().asnumpy() for p in net.collect_params().values() if p.grad_req != "null"]
        outs.append((y.asnumpy(), moved, grads))
    assert len(hybrid._cached_graph.plans) == 1
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    assert sorted(outs[0][1]) == sorted(outs[1][1]) and outs[0][1]
    for k in outs[0][1]:
        np.testing.assert_array_equal(outs[0][1][k], outs[1][1][k])
    for a, b in zip(outs[0][2], outs[1][2]):
        np.testing.assert_array_equal(a, b)


def test_threads_replay_one_plan_at_once():
    # large inputs: the plan runs without the GIL, so threads overlap; results stay right
    net = _mlp()
    xs = [nd.array(np.random.RandomState(10 + i).randn(512, 10)) for i in range(4)]
    net(xs[0])
    expected = [net(x).asnumpy() for x in xs]
    got = [None] * 4
    errors = []

    def work(i):
        try:
            for _ in range(5):
                got[i] = net(xs[i]).asnumpy()
        except Exception as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)
