"""Threads: autograd state is per thread, inference on one net from two threads is correct,
and long kernels let other Python threads run (the GIL is released around them)."""

import threading
import time

import numpy as np
import pytest

from gluonlite import autograd, gluon, init, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import nn


def _run_in_threads(*targets):
    """Runs each target in its own thread; re-raises the first exception from any of them."""
    errors = []

    def guarded(fn):
        try:
            fn()
        except BaseException as err:  # noqa: BLE001 - reported in the main thread
            errors.append(err)

    threads = [threading.Thread(target=guarded, args=(fn,)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread did not finish"
    if errors:
        raise errors[0]


def test_recording_and_training_state_is_per_thread():
    inside, outside = threading.Barrier(2), threading.Barrier(2)
    seen = {}

    def recorder():
        x = nd.array([1.0, 2.0])
        x.attach_grad()
        with autograd.record():
            inside.wait()  # both threads are now running: this one records
            y = (x * x).sum()
            seen["recorder"] = (autograd.is_recording(), autograd.is_training())
            outside.wait()  # until the other thread has computed outside any record()
        y.backward()
        seen["grad"] = x.grad.asnumpy().tolist()

    def bystander():
        inside.wait()
        x = nd.array([3.0])
        x.attach_grad()
        z = x * 2
        seen["bystander"] = (autograd.is_recording(), autograd.is_training())
        outside.wait()
        with pytest.raises(
            MXNetError,
            match="^Cannot differentiate: the array is not the result of an operation recorded",
        ):
            z.backward()
        seen["bystander_grad"] = x.grad.asnumpy().tolist()

    _run_in_threads(recorder, bystander)
    assert seen == {
        "recorder": (True, True),
        "bystander": (False, False),
        "grad": [2.0, 4.0],
        "bystander_grad": [0.0],
    }
    assert not autograd.is_recording() and not autograd.is_training()


def _mlp():
    net = nn.HybridSequential()
    net.add(nn.Dense(64, activation="relu"), nn.Dense(10))
    net.initialize(init.Xavier())
    return net


@pytest.mark.parametrize("hybridize", [False, True])
def test_two_threads_share_one_net_for_inference(hybridize):
    net = _mlp()
    inputs = [nd.random.uniform(-1, 1, shape=(8, 20)) for _ in range(2)]
    expected = [net(x).asnumpy() for x in inputs]
    if hybridize:
        net.hybridize()
    start = threading.Barrier(2)

    def worker(x, want):
        def run():
            start.wait()
            for _ in range(200):
                np.testing.assert_array_equal(net(x).asnumpy(), want)

        return run

    _run_in_threads(*[worker(x, want) for x, want in zip(inputs, expected)])


def _train(params, data, label, steps=20):
    net = _mlp()
    net(data)
    for p, value in zip(net.collect_params().values(), params):
        p.set_data(nd.array(value))
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    for _ in range(steps):
        with autograd.record():
            loss = loss_fn(net(data), label)
        loss.backward()
        trainer.step(data.shape[0])
    return net(data).asnumpy()


def test_two_threads_training_their_own_nets_match_a_serial_run():
    data = nd.random.uniform(-1, 1, shape=(16, 20))
    label = nd.array(np.arange(16) % 10)
    reference = _mlp()
    reference(data)
    params = [p.data().asnumpy() for p in reference.collect_params().values()]
    serial = _train(params, data, label)
    results = []
    _run_in_threads(*[lambda: results.append(_train(params, data, label))] * 2)
    assert len(results) == 2
    for result in results:
        np.testing.assert_array_equal(result, serial)


def _main_thread_progress(call):
    """Iterations the main thread makes during the middle half of ``call`` in another thread.

    A call that holds the GIL allows none there: the main thread can only run just before
    or just after it (within a 5 ms switch interval, outside the middle of a long call).
    """
    span = {}

    def worker():
        span["start"] = time.perf_counter()
        call()
        span["end"] = time.perf_counter()

    stamps = []
    t = threading.Thread(target=worker)
    t.start()
    while t.is_alive():
        stamps.append(time.perf_counter())
    t.join()
    quarter = (span["end"] - span["start"]) / 4
    lo, hi = span["start"] + quarter, span["end"] - quarter
    return sum(lo < s < hi for s in stamps), 4 * quarter


@pytest.mark.parametrize("op", ["dot", "batch_dot", "FullyConnected", "exp", "add", "sum"])
def test_long_kernels_release_the_gil(op):
    makers = {
        "dot": lambda n: (lambda a: lambda: nd.dot(a, a))(nd.ones((n, n))),
        "batch_dot": lambda n: (lambda a: lambda: nd.batch_dot(a, a))(nd.ones((4, n // 2, n // 2))),
        "FullyConnected": lambda n: (
            lambda a: lambda: nd.FullyConnected(a, a, nd.zeros((n,)), num_hidden=n)
        )(nd.ones((n, n))),
        "exp": lambda n: (lambda a: lambda: nd.exp(a))(nd.ones((n * n,))),
        "add": lambda n: (lambda a: lambda: a + a)(nd.ones((n * n,))),
        "sum": lambda n: (lambda a: lambda: a.sum(axis=1))(nd.ones((n * 4, n))),
    }
    sizes = (
        [512, 1024, 2048, 3072]
        if op in ("dot", "batch_dot", "FullyConnected")
        else [1024, 2048, 4096, 5792]
    )
    for size in sizes:  # the first size whose call lasts 50 ms here: long enough to judge
        call = makers[op](size)
        call()  # warm up caches and thread pools
        progress, duration = _main_thread_progress(call)
        if duration >= 0.05:
            break
    assert progress > 100, "the main thread made %d steps during a %.0f ms %s" % (
        progress,
        duration * 1e3,
        op,
    )
