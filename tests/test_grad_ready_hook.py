"""backward() writes each variable's gradient as soon as it is final and tells the
grad-ready hook (what overlapped allreduce starts from); kvstore/overlap.py's buckets."""

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import _core, autograd, gluon, nd
from gluonlite.gluon import nn
from gluonlite.kvstore.overlap import OverlappedReduction


@pytest.fixture
def hook():
    seen = []
    assert not _core.has_grad_ready_hook()

    def record(grad):
        seen.append((grad._data_ptr, grad.asnumpy().copy()))

    _core.set_grad_ready_hook(record)
    yield seen
    _core.set_grad_ready_hook(None)


def _net():
    net = nn.HybridSequential()
    net.add(
        nn.Dense(8, in_units=5, activation="tanh"), nn.Dense(6, in_units=8), nn.Dense(3, in_units=6)
    )
    net.initialize(mx.init.Xavier())
    return net


def test_each_gradient_is_reported_once_final_last_layer_first(hook):
    net = _net()
    x = nd.array(np.random.RandomState(0).randn(4, 5))
    with autograd.record():
        loss = (net(x) ** 2).sum()
    loss.backward()
    params = list(net.collect_params().values())
    ptrs = {p.grad()._data_ptr: p.name for p in params}
    order = [ptrs[ptr] for ptr, _ in hook]
    assert sorted(order) == sorted(p.name for p in params)  # each once
    # the last layer's gradients are final before the first layer's are computed
    last = [order.index(p.name) for p in net[2].collect_params().values()]
    first = [order.index(p.name) for p in net[0].collect_params().values()]
    assert max(last) < min(first)
    # what the hook saw is the final gradient
    final = {p.grad()._data_ptr: p.grad().asnumpy() for p in params}
    for ptr, value in hook:
        np.testing.assert_array_equal(value, final[ptr])


def test_a_variable_used_twice_is_reported_after_its_last_use(hook):
    x = nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with autograd.record():
        y = (x * 2).exp().sum() + (x * x).sum()
    y.backward()
    assert len(hook) == 1
    expected = 2 * np.exp(2 * np.array([1.0, 2.0, 3.0])) + 2 * np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(hook[0][1], expected, rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-6)


def test_a_head_that_is_a_variable_and_grad_req_add(hook):
    x = nd.array([1.0, 2.0])
    x.attach_grad(grad_req="add")
    for _ in range(2):
        with autograd.record():
            y = x * 3
        autograd.backward([y, x])  # x is a head and an input of y: seeded, then 3 more
    np.testing.assert_array_equal(x.grad.asnumpy(), [8.0, 8.0])
    assert [v.tolist() for _, v in hook] == [[4.0, 4.0], [8.0, 8.0]]


def test_autograd_grad_reports_nothing(hook):
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = (x * x).sum()
    (g,) = autograd.grad([y], [x])
    np.testing.assert_array_equal(g.asnumpy(), [2.0, 4.0])
    assert hook == []


class _Store:
    """Stands in for DistKVStore: records the pushes as they start and finish."""

    def __init__(self):
        self.log = []

    def start_push(self, keys, grads):
        self.log.append(("start", tuple(keys)))
        return tuple(keys)

    def finish_push(self, pending, apply=True):
        self.log.append(("finish" if apply else "drop", pending))

    def push(self, keys, grads):
        self.log.append(("push", tuple(keys)))

    def pull(self, keys, out):
        self.log.append(("pull", tuple(keys)))


def _run_backward(net, scale=1.0):
    x = nd.array(np.random.RandomState(1).randn(4, 5) * scale)
    with autograd.record():
        loss = (net(x) ** 2).sum()
    loss.backward()


def test_buckets_start_during_backward_and_finish_at_the_step():
    net = _net()
    params = list(net.collect_params().values())  # 6 arrays, 4 bytes an element
    store = _Store()
    # at most 100 bytes a bucket: dense2's weight and bias (72 + 12), then one each
    reduction = OverlappedReduction(store, list(enumerate(params)), 100)
    try:
        assert [b.keys for b in reduction.buckets] == [[4, 5], [3], [2], [1], [0]]
        _run_backward(net)
        # in the order the gradients become final: a layer's weight, then its bias
        started = [("start", (4, 5)), ("start", (2,)), ("start", (3,))]
        started += [("start", (0,)), ("start", (1,))]
        assert store.log == started
        store.log.clear()
        reduction.reduce()
        order = [(4, 5), (3,), (2,), (1,), (0,)]
        assert store.log == [("finish", k) for k in order] + [("pull", k) for k in order]
        # two passes before a step: the early reductions are dropped and pushed again
        store.log.clear()
        _run_backward(net)
        _run_backward(net, 2.0)
        reduction.reduce()
        assert store.log[:5] == started
        assert store.log[5:15] == [e for k in order for e in (("drop", k), ("push", k))]
    finally:
        reduction.close()
    assert not _core.has_grad_ready_hook()


def test_a_trainer_on_a_local_store_installs_no_hook():
    net = _net()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    _run_backward(net)
    trainer.step(4)
    assert trainer._overlap is None and not _core.has_grad_ready_hook()
