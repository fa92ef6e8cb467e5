"""gluon.Trainer: rescaling, multipliers, grad_req, sharing, stale gradients, multiple
contexts, saved states, and a linear-regression fit; checked against MXNet 1.9.1."""

import glob
import os

import numpy as np
import pytest
from conftest import requires_gpu

import gluonlite as mx
from gluonlite import autograd, gluon, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import nn
from gluonlite.gluon.parameter import DeferredInitializationError

X = (np.arange(12).reshape(4, 3) % 5) * 0.3 - 0.6
Y = np.array([[1, 0], [0, 1], [0.5, 0.5], [-1, 2]])


def build(ctx=None):
    net = nn.Dense(2, in_units=3)
    net.initialize(ctx=ctx)
    net.weight.set_data(nd.array(np.arange(6).reshape(2, 3) * 0.1 - 0.2))
    net.bias.set_data(nd.array([0.05, -0.05]))
    return net


def backward(net, x=X, y=Y, ctx=None):
    x, y = nd.array(x, ctx=ctx), nd.array(y, ctx=ctx)
    with autograd.record():
        loss = ((net(x) - y) ** 2).sum(axis=1) / 2  # L2 loss, per sample
    loss.backward()


def scalar_param(value, **kwargs):
    p = gluon.Parameter("w", shape=(len(value),), **kwargs)
    p.initialize(init=mx.init.Zero())
    p.set_data(nd.array(value))
    return p


def backward_dot(params, x):
    """loss = sum_i <p_i, x>: every gradient equals x."""
    with autograd.record():
        loss = sum((p.data() * nd.array(x)).sum() for p in params)
    loss.backward()


# MXNet 1.9.1: build(), bias.lr_mult = 2, Trainer(collect_params(), opt, kwargs), three
# (backward, step(4)) rounds on X, Y.
MXNET_STEPS = {
    "sgd": (
        dict(learning_rate=0.1, momentum=0.9, wd=0.01),
        [-0.359212399, -0.0442532822, 0.0511153191, 0.289650053, 0.105475962, 0.152528942],
        [0.114693157, 0.86749655],
    ),
    "adam": (
        dict(learning_rate=0.05, wd=0.01),
        [-0.349609077, 0.0498553365, 0.150025606, 0.249689549, 0.050647039, 0.150652483],
        [0.176642582, 0.248076692],
    ),
}


@pytest.mark.parametrize("optimizer", sorted(MXNET_STEPS))
def test_steps_match_mxnet(optimizer):
    kwargs, want_w, want_b = MXNET_STEPS[optimizer]
    net = build()
    net.bias.lr_mult = 2.0
    trainer = gluon.Trainer(net.collect_params(), optimizer, kwargs)
    for _ in range(3):
        backward(net)
        trainer.step(4)
    np.testing.assert_allclose(net.weight.data().asnumpy().reshape(-1), want_w, rtol=1e-6)
    np.testing.assert_allclose(net.bias.data().asnumpy(), want_b, rtol=1e-6)


def test_step_rescales_gradient_by_batch_size():
    p = scalar_param([1.0, 2.0, 3.0])
    trainer = gluon.Trainer([p], "sgd", {"learning_rate": 0.5})
    backward_dot([p], [4.0, -8.0, 2.0])
    trainer.step(4)
    np.testing.assert_allclose(p.data().asnumpy(), [0.5, 3.0, 2.75])
    assert trainer.optimizer.rescale_grad == 0.25


def test_lr_mult_zero_leaves_weight_unchanged_and_wd_mult_scales_decay():
    frozen, decayed = scalar_param([1.0, 2.0]), scalar_param([1.0, 2.0])
    frozen.lr_mult = 0.0
    decayed.wd_mult = 2.0
    trainer = gluon.Trainer([frozen, decayed], "sgd", {"learning_rate": 0.1, "wd": 0.5})
    backward_dot([frozen, decayed], [1.0, 1.0])
    trainer.step(1)
    np.testing.assert_array_equal(frozen.data().asnumpy(), [1.0, 2.0])
    np.testing.assert_allclose(
        decayed.data().asnumpy(), [1 - 0.1 * (1 + 1.0), 2 - 0.1 * (1 + 2.0)], rtol=1e-6
    )


def test_grad_req_null_parameter_is_skipped():
    net = build()
    net.bias.grad_req = "null"
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    bias_before = net.bias.data().asnumpy()
    weight_before = net.weight.data().asnumpy()
    backward(net)
    trainer.step(4)  # no stale-gradient error for the frozen bias
    np.testing.assert_array_equal(net.bias.data().asnumpy(), bias_before)
    assert not np.allclose(net.weight.data().asnumpy(), weight_before)


def test_shared_parameters_are_updated_once():
    dense = nn.Dense(2, in_units=2, use_bias=False)
    net = nn.Sequential()
    net.add(dense, dense)
    net.initialize(mx.init.Constant(0.5))
    assert list(net.collect_params().keys()) == [dense.weight.name]
    p = dense.weight
    for params in (net.collect_params(), [p, p]):
        start = p.data().asnumpy()
        trainer = gluon.Trainer(params, "sgd", {"learning_rate": 0.1})
        x = nd.array([[1.0, 2.0]])
        with autograd.record():
            y = net(x).sum()
        y.backward()
        grad = p.grad().asnumpy()
        trainer.step(1)
        np.testing.assert_allclose(p.data().asnumpy(), start - 0.1 * grad, rtol=1e-6)


STALE = (
    "Gradient of Parameter `%s` on context cpu(0) has not been updated by backward since "
    "last `step`. This could mean a bug in your model that made it only use a subset of "
    "the Parameters (Blocks) for this iteration. If you are intentionally only using a "
    "subset, call step with ignore_stale_grad=True to suppress this warning and skip "
    "updating of Parameters with stale gradient"
)


def test_stale_gradient_raises_mxnets_userwarning():
    used, unused = scalar_param([1.0]), scalar_param([1.0])
    unused.name = "unused_weight"
    trainer = gluon.Trainer([used, unused], "sgd", {"learning_rate": 1.0})
    backward_dot([used], [1.0])
    with pytest.raises(UserWarning) as info:
        trainer.step(1)
    assert str(info.value) == STALE % "unused_weight"
    np.testing.assert_array_equal(used.data().asnumpy(), [1.0])  # nothing was updated
    trainer.step(1, ignore_stale_grad=True)  # updates the fresh one, skips the stale one
    np.testing.assert_array_equal(used.data().asnumpy(), [0.0])
    np.testing.assert_array_equal(unused.data().asnumpy(), [1.0])
    with pytest.raises(UserWarning, match="Gradient of Parameter `w` on context cpu"):
        trainer.step(1)  # the step consumed the gradient


def test_save_and_load_states_resume_identically(tmp_path):
    fname = str(tmp_path / "trainer.states")

    def continue_training(net, trainer):
        for _ in range(2):
            backward(net)
            trainer.step(4)
        return net.weight.data().asnumpy()

    net = build()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.05})
    continue_training(net, trainer)
    trainer.save_states(fname)
    saved_w, saved_b = net.weight.data().copy(), net.bias.data().copy()
    want = continue_training(net, trainer)

    net2 = build()
    net2.weight.set_data(saved_w)
    net2.bias.set_data(saved_b)
    trainer2 = gluon.Trainer(net2.collect_params(), "sgd", {"learning_rate": 1.0})
    trainer2.load_states(fname)
    assert isinstance(trainer2.optimizer, mx.optimizer.Adam)
    assert trainer2.optimizer.param_dict[0] is net2.bias  # sorted names: bias, weight
    np.testing.assert_array_equal(continue_training(net2, trainer2), want)
    assert os.listdir(str(tmp_path)) == ["trainer.states"]


def test_save_states_failure_keeps_previous_file(tmp_path, monkeypatch):
    fname = str(tmp_path / "trainer.states")
    net = build()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    trainer.save_states(fname)
    before = open(fname, "rb").read()
    backward(net)
    trainer.step(4)

    def failing_fsync(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="disk full"):
        trainer.save_states(fname)
    assert open(fname, "rb").read() == before
    assert glob.glob(str(tmp_path / ".*")) == []


def test_learning_rate_property_and_setter():
    net = build()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    assert trainer.learning_rate == 0.1
    trainer.set_learning_rate(0.5)
    assert trainer.learning_rate == 0.5 and trainer.optimizer.lr == 0.5
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=0.4)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"lr_scheduler": sched})
    for _ in range(3):
        backward(net)
        trainer.step(4)
    assert trainer.learning_rate == pytest.approx(0.1)
    with pytest.raises(UserWarning, match="^LRScheduler of the optimizer has already been defined"):
        trainer.set_learning_rate(0.5)


def _two_context_step(kvstore="device", **trainer_kwargs):
    net = build(ctx=[mx.cpu(0), mx.cpu(1)])
    trainer = gluon.Trainer(
        net.collect_params(),
        "sgd",
        {"learning_rate": 0.1, "momentum": 0.9},
        kvstore=kvstore,
        **trainer_kwargs,
    )
    for half, ctx in ((slice(0, 2), mx.cpu(0)), (slice(2, 4), mx.cpu(1))):
        backward(net, X[half], Y[half], ctx=ctx)
    return net, trainer


def test_gradients_on_several_contexts_are_summed_before_the_update():
    single = build()
    trainer = gluon.Trainer(single.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    backward(single)
    trainer.step(4)
    net, trainer = _two_context_step()
    trainer.step(4)
    for copy in net.weight.list_data():
        np.testing.assert_allclose(copy.asnumpy(), single.weight.data().asnumpy(), rtol=1e-6)
    net, trainer = _two_context_step(kvstore=None)  # no reduction: each copy its own gradient
    trainer.step(4)
    w0, w1 = (w.asnumpy() for w in net.weight.list_data())
    assert not np.allclose(w0, w1)


def test_allreduce_grads_then_update_equals_step():
    net_a, trainer_a = _two_context_step()
    trainer_a.step(4)
    net_b, trainer_b = _two_context_step(update_on_kvstore=False)
    trainer_b.allreduce_grads()
    g0, g1 = (g.asnumpy() for g in net_b.weight.list_grad())
    np.testing.assert_array_equal(g0, g1)
    trainer_b.update(4)
    np.testing.assert_allclose(
        net_b.weight.data(mx.cpu(1)).asnumpy(), net_a.weight.data(mx.cpu(1)).asnumpy(), rtol=1e-7
    )
    _, trainer_c = _two_context_step()  # updates "on the kvstore" (MXNet's default)
    with pytest.raises(
        AssertionError,
        match=r"^allreduce_grads\(\) when parameters are updated "
        r"on kvstore is not supported",
    ):
        trainer_c.allreduce_grads()


def test_trainer_rejects_bad_arguments():
    net = build()
    with pytest.raises(
        ValueError,
        match=r"^First argument must be a list or dict of Parameters, "
        r"got <class 'gluonlite\.gluon\.nn\.basic_layers\.Dense'>\.$",
    ):
        gluon.Trainer(net, "sgd")
    with pytest.raises(ValueError, match=r"got list of <class 'int'>\.$"):
        gluon.Trainer([net.weight, 3], "sgd")
    with pytest.raises(
        AssertionError,
        match=r"^optimizer_params must be None if optimizer is an "
        r"instance of Optimizer instead of str$",
    ):
        gluon.Trainer(net.collect_params(), mx.optimizer.SGD(), {"learning_rate": 1})
    with pytest.raises(ValueError, match=r"^Cannot find optimizer sgdd"):
        gluon.Trainer(net.collect_params(), "sgdd")
    other = nn.Dense(2, in_units=3)
    other.initialize(ctx=mx.cpu(1))
    with pytest.raises(
        AssertionError,
        match=r"All Parameters must be initialized on the same "
        r"set of contexts, but Parameter dense\d+_bias",
    ):
        gluon.Trainer([net.weight, other.bias], "sgd")
    trainer = gluon.Trainer(net.collect_params(), "sgd", kvstore="dist_async")  # made lazily
    backward(net)
    with pytest.raises(MXNetError, match=r"^kvstore 'dist_async' is not served by gluonlite"):
        trainer.step(4)


def test_step_before_deferred_initialization_raises():
    net = nn.Dense(2)
    net.initialize()
    trainer = gluon.Trainer([net.weight], "sgd")  # shape (2, 0): waits for a forward
    with pytest.raises(DeferredInitializationError, match="has not been initialized yet"):
        trainer.step(1)


def test_linear_regression_recovers_true_parameters():
    rng = np.random.RandomState(0)
    features = rng.normal(size=(1000, 2))
    labels = features @ np.array([2, -3.4]) + 4.2 + 0.01 * rng.normal(size=1000)
    x, y = nd.array(features), nd.array(labels.reshape(-1, 1))
    net = nn.Dense(1)
    net.initialize(mx.init.Normal(sigma=0.01))
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.03})
    for _ in range(3):
        for i in range(0, 1000, 10):
            with autograd.record():
                loss = (net(x[i : i + 10]) - y[i : i + 10]) ** 2 / 2
            loss.backward()
            trainer.step(10)
    np.testing.assert_allclose(net.weight.data().asnumpy(), [[2, -3.4]], atol=5e-3)
    np.testing.assert_allclose(net.bias.data().asnumpy(), [4.2], atol=5e-3)


@requires_gpu
def test_training_on_gpu_matches_cpu():
    results = []
    for ctx in (mx.cpu(), mx.gpu(0)):
        net = build(ctx=ctx)
        trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.05, "wd": 0.01})
        for _ in range(3):
            backward(net, ctx=ctx)
            trainer.step(4)
        results.append(net.weight.data().asnumpy())
    np.testing.assert_allclose(results[1], results[0], rtol=1e-5, atol=1e-6)
