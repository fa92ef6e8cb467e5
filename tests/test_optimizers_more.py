"""FTML, Ftrl, LAMB, SGLD, Adamax, Nadam and the nd.*_update operators, against float64 numpy
references written from MXNet 1.9.1's update formulas, over several steps."""

import math

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import gluon, nd


def f32(x):
    """A hyper-parameter as MXNet's update operators see it (a float32)."""
    return float(np.float32(x))


def _clip(x, bound):
    return np.clip(x, -bound, bound) if bound is not None and bound >= 0 else x


def _run(opt, steps=4, shape=(7, 5), dtype="float64", seed=0, n_weights=2):
    """Weights after ``steps`` updates by ``opt``, with the gradients used."""
    rs = np.random.RandomState(seed)
    w0 = [rs.uniform(-1, 1, shape) for _ in range(n_weights)]
    grads = [[rs.uniform(-1, 1, shape) for _ in range(n_weights)] for _ in range(steps)]
    weights = [nd.array(w, dtype=dtype) for w in w0]
    states = [opt.create_state_multi_precision(i, w) for i, w in enumerate(weights)]
    for step in grads:
        for i, (w, g) in enumerate(zip(weights, step)):
            opt.update_multi_precision(i, w, nd.array(g, dtype=dtype), states[i])
    return w0, grads, [w.asnumpy().astype(np.float64) for w in weights], states


# ---- FTML -----------------------------------------------------------------------------------


def _ftml_ref(w, grads, lr, beta1=0.6, beta2=0.999, eps=1e-8, wd=0.0, rescale=1.0, clip=None):
    lr, beta1, beta2, eps, wd, rescale = map(f32, (lr, beta1, beta2, eps, wd, rescale))
    d = np.zeros_like(w)
    v = np.zeros_like(w)
    z = np.zeros_like(w)
    for t, g in enumerate(grads, 1):
        g = _clip(rescale * g + wd * w, None if clip is None else f32(clip))
        v = beta2 * v + (1 - beta2) * g * g
        d_t = (1 - beta1**t) / lr * (np.sqrt(v / (1 - beta2**t)) + eps)
        z = beta1 * z + (1 - beta1) * g - (d_t - beta1 * d) * w
        d = d_t
        w = -z / d_t
    return w, (d, v, z)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"beta1": 0.5, "beta2": 0.9, "wd": 0.03, "rescale_grad": 0.7, "clip_gradient": 0.4}],
)
def test_ftml_matches_reference(kwargs):
    opt = mx.optimizer.FTML(learning_rate=0.05, **kwargs)
    w0, grads, got, states = _run(opt)
    ref_kwargs = {
        "beta1": kwargs.get("beta1", 0.6),
        "beta2": kwargs.get("beta2", 0.999),
        "wd": kwargs.get("wd", 0.0),
        "rescale": kwargs.get("rescale_grad", 1.0),
        "clip": kwargs.get("clip_gradient"),
    }
    for i in range(2):
        want, want_states = _ftml_ref(w0[i], [g[i] for g in grads], 0.05, **ref_kwargs)
        np.testing.assert_allclose(got[i], want, rtol=1e-11, atol=1e-13)
        for s, ws in zip(states[i], want_states):
            np.testing.assert_allclose(s.asnumpy(), ws, rtol=1e-11, atol=1e-13)


def test_ftml_float32_close_to_reference():
    opt = mx.optimizer.FTML(learning_rate=0.05, wd=0.01)
    w0, grads, got, _ = _run(opt, dtype="float32")
    want, _ = _ftml_ref(w0[0].astype(np.float32), [g[0] for g in grads], 0.05, wd=0.01)
    np.testing.assert_allclose(got[0], want, rtol=2e-5, atol=1e-6)


# ---- Ftrl -----------------------------------------------------------------------------------


def _ftrl_ref(w, grads, lr=0.1, lamda1=0.01, beta=1.0, wd=0.0, rescale=1.0, clip=None):
    lr, lamda1, beta, wd, rescale = map(f32, (lr, lamda1, beta, wd, rescale))
    z = np.zeros_like(w)
    n = np.zeros_like(w)
    for g in grads:
        g = _clip(rescale * g, None if clip is None else f32(clip))
        z = z + g - (np.sqrt(n + g * g) - np.sqrt(n)) * w / lr
        n = n + g * g
        w = (np.sign(z) * lamda1 - z) / ((beta + np.sqrt(n)) / lr + wd) * (np.abs(z) > lamda1)
    return w, (z, n)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"lamda1": 0.05, "wd": 0.03, "rescale_grad": 0.8, "clip_gradient": 0.5},
        {"learning_rate": 0.5, "beta": 2.0, "lamda1": 1.0},
    ],
)
def test_ftrl_matches_reference(kwargs):
    opt = mx.optimizer.Ftrl(**kwargs)
    w0, grads, got, states = _run(opt)
    ref = {
        "lr": kwargs.get("learning_rate", 0.1),
        "lamda1": kwargs.get("lamda1", 0.01),
        "beta": kwargs.get("beta", 1.0),
        "wd": kwargs.get("wd", 0.0),
        "rescale": kwargs.get("rescale_grad", 1.0),
        "clip": kwargs.get("clip_gradient"),
    }
    for i in range(2):
        want, (z, n) = _ftrl_ref(w0[i], [g[i] for g in grads], **ref)
        np.testing.assert_allclose(got[i], want, rtol=1e-11, atol=1e-13)
        np.testing.assert_allclose(states[i][0].asnumpy(), z, rtol=1e-11, atol=1e-13)
        np.testing.assert_allclose(states[i][1].asnumpy(), n, rtol=1e-11, atol=1e-13)
    if ref["lamda1"] == 1.0:
        assert (got[0] == 0).any()  # the L1 term zeroes small coordinates


def test_ftrl_default_learning_rate_is_point_one():
    assert mx.optimizer.Ftrl().learning_rate == 0.1
    assert mx.optimizer.create("ftrl", learning_rate=0.3).learning_rate == 0.3


# ---- LAMB -----------------------------------------------------------------------------------


def _lamb_ref(
    w,
    grads,
    lr=0.001,
    beta1=0.9,
    beta2=0.999,
    eps=1e-6,
    wd=0.0,
    rescale=1.0,
    clip=None,
    lower=None,
    upper=None,
    bias_correction=True,
):
    beta1, beta2, eps, wd, rescale = map(f32, (beta1, beta2, eps, wd, rescale))
    lr = f32(lr)
    mean = np.zeros_like(w)
    var = np.zeros_like(w)
    for t, g in enumerate(grads, 1):
        g = _clip(rescale * g, None if clip is None else f32(clip))
        mean = beta1 * mean + (1 - beta1) * g
        var = beta2 * var + (1 - beta2) * g * g
        m_hat, v_hat = mean, var
        if bias_correction:
            m_hat = mean / (1 - f32(beta1**t) if w.dtype != np.float64 else 1 - beta1**t)
            v_hat = var / (1 - beta2**t)
        direction = m_hat / (np.sqrt(v_hat) + eps) + wd * w
        r1 = np.linalg.norm(w)
        if lower:
            r1 = max(r1, f32(lower))
        if upper:
            r1 = min(r1, f32(upper))
        r2 = np.linalg.norm(direction)
        ratio = 1.0 if r1 == 0 or r2 == 0 else r1 / r2
        w = w - lr * ratio * direction
    return w, (mean, var)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"bias_correction": False},
        {"wd": 0.05, "rescale_grad": 0.5, "clip_gradient": 0.3},
        {"lower_bound": 5.0, "upper_bound": None},
        {"upper_bound": 0.5},
    ],
)
def test_lamb_matches_reference(kwargs):
    opt = mx.optimizer.LAMB(learning_rate=0.01, **kwargs)
    w0, grads, got, states = _run(opt)
    ref = {
        "lr": 0.01,
        "wd": kwargs.get("wd", 0.0),
        "rescale": kwargs.get("rescale_grad", 1.0),
        "clip": kwargs.get("clip_gradient"),
        "lower": kwargs.get("lower_bound"),
        "upper": kwargs.get("upper_bound"),
        "bias_correction": kwargs.get("bias_correction", True),
    }
    for i in range(2):
        want, (mean, var) = _lamb_ref(w0[i], [g[i] for g in grads], **ref)
        np.testing.assert_allclose(got[i], want, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(states[i][0].asnumpy(), mean, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(states[i][1].asnumpy(), var, rtol=1e-10, atol=1e-14)


def test_lamb_multi_tensor_form_equals_single_updates():
    rs = np.random.RandomState(5)
    shapes = [(4, 3), (6,), (2, 2, 2)]
    w_init = [rs.uniform(-1, 1, s) for s in shapes]
    g_init = [rs.uniform(-1, 1, s) for s in shapes]
    single = mx.optimizer.LAMB(learning_rate=0.02, wd=0.01)
    multi = mx.optimizer.LAMB(learning_rate=0.02, wd=0.01)
    ws = [nd.array(w) for w in w_init]
    wm = [nd.array(w) for w in w_init]
    ss = [single.create_state(i, w) for i, w in enumerate(ws)]
    sm = [multi.create_state(i, w) for i, w in enumerate(wm)]
    for _ in range(3):
        for i, (w, g) in enumerate(zip(ws, g_init)):
            single.update(i, w, nd.array(g), ss[i])
        multi.update(list(range(3)), wm, [nd.array(g) for g in g_init], sm)
    for a, b, w in zip(ws, wm, w_init):
        np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
        assert not np.allclose(a.asnumpy(), w)


def test_lamb_multi_precision_keeps_master_copy_moving():
    opt = mx.optimizer.LAMB(learning_rate=0.05, multi_precision=True)
    w0, grads, got, states = _run(opt, dtype="float16", n_weights=1)
    weight32, (mean, var) = states[0]
    assert weight32.dtype == np.float32 and mean.dtype == np.float32
    want, _ = _lamb_ref(
        w0[0].astype(np.float16).astype(np.float32),
        [g[0].astype(np.float16).astype(np.float32) for g in grads],
        lr=0.05,
    )
    np.testing.assert_allclose(weight32.asnumpy(), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got[0], weight32.asnumpy().astype(np.float16))


# ---- SGLD, Adamax, Nadam --------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [{}, {"wd": 0.05, "rescale_grad": 0.5, "clip_gradient": 0.2}])
def test_sgld_step_is_half_sgd_plus_seeded_noise(kwargs):
    lr = 0.01
    opt = mx.optimizer.SGLD(learning_rate=lr, **kwargs)
    rs = np.random.RandomState(1)
    w0, g0 = rs.uniform(-1, 1, (6, 4)), rs.uniform(-1, 1, (6, 4))
    weight = nd.array(w0, dtype="float64")
    mx.random.seed(123)
    opt.update(0, weight, nd.array(g0, dtype="float64"), opt.create_state(0, weight))
    mx.random.seed(123)
    noise = nd.random.normal(0, math.sqrt(lr), shape=(6, 4), dtype="float64").asnumpy()
    g = _clip(kwargs.get("rescale_grad", 1.0) * g0, kwargs.get("clip_gradient"))
    want = w0 - lr / 2 * (g + kwargs.get("wd", 0.0) * w0) + noise
    np.testing.assert_allclose(weight.asnumpy(), want, rtol=1e-12, atol=1e-14)
    assert np.abs(noise).max() > 0.01  # the noise really is there


def _adamax_ref(w, grads, lr=0.002, beta1=0.9, beta2=0.999, wd=0.0, rescale=1.0, clip=None):
    m = np.zeros_like(w)
    u = np.zeros_like(w)
    for t, g in enumerate(grads, 1):
        g = _clip(rescale * g + wd * w, clip)
        m = beta1 * m + (1 - beta1) * g
        u = np.maximum(beta2 * u, np.abs(g))
        w = w - lr / (1 - beta1**t) * m / u
    return w


@pytest.mark.parametrize("kwargs", [{}, {"wd": 0.02, "rescale_grad": 0.5, "clip_gradient": 0.4}])
def test_adamax_matches_reference(kwargs):
    opt = mx.optimizer.Adamax(**kwargs)
    w0, grads, got, _ = _run(opt)
    ref = {
        "wd": kwargs.get("wd", 0.0),
        "rescale": kwargs.get("rescale_grad", 1.0),
        "clip": kwargs.get("clip_gradient"),
    }
    for i in range(2):
        # rtol: nd.clip takes its bounds as float32, as MXNet's clip does
        want = _adamax_ref(w0[i], [g[i] for g in grads], **ref)
        np.testing.assert_allclose(got[i], want, rtol=1e-7, atol=1e-9)


def _nadam_ref(ws, grads, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, decay=0.004):
    """Nadam over several weights; the momentum schedule advances on every update (MXNet)."""
    ms = [np.zeros_like(w) for w in ws]
    vs = [np.zeros_like(w) for w in ws]
    schedule = 1.0
    for t, step in enumerate(grads, 1):
        for i, g in enumerate(step):
            mom_t = beta1 * (1 - 0.5 * 0.96 ** (t * decay))
            mom_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * decay))
            schedule *= mom_t
            ms[i] = beta1 * ms[i] + (1 - beta1) * g
            vs[i] = beta2 * vs[i] + (1 - beta2) * g * g
            m_bar = (1 - mom_t) * g / (1 - schedule) + mom_next * ms[i] / (1 - schedule * mom_next)
            ws[i] = ws[i] - lr * m_bar / (np.sqrt(vs[i] / (1 - beta2**t)) + eps)
    return ws


def test_nadam_matches_reference_with_shared_schedule():
    opt = mx.optimizer.Nadam(learning_rate=0.01, schedule_decay=0.1)
    w0, grads, got, _ = _run(opt)
    want = _nadam_ref([w.copy() for w in w0], grads, lr=0.01, decay=0.1)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["ftml", "ftrl", "lamb", "sgld", "adamax", "nadam"])
def test_new_optimizers_train_through_trainer(name):
    net = gluon.nn.Dense(1, in_units=3)
    net.initialize(mx.init.Constant(0.5))
    trainer = gluon.Trainer(net.collect_params(), name, {"learning_rate": 0.01})
    assert type(trainer._optimizer).__name__.lower() == name
    before = net.weight.data().asnumpy().copy()
    with mx.autograd.record():
        loss = (net(nd.ones((4, 3))) ** 2).sum()
    loss.backward()
    trainer.step(4)
    after = net.weight.data().asnumpy()
    assert np.isfinite(after).all() and not np.array_equal(before, after)


def test_update_rejects_non_ndarray_weight():
    with pytest.raises(AssertionError, match="FTML.update: grad must be an NDArray, got list"):
        mx.optimizer.FTML().update(0, nd.ones(2), [1, 2], None)


# ---- MXNet fidelity next to the optimizers: Trainer._kvstore, init.Constant.dumps -----------


def test_trainer_kvstore_view_exposes_type_and_updater(tmp_path):
    x = gluon.Parameter("x", shape=(10,))
    x.initialize(ctx=[mx.cpu(0), mx.cpu(1)], init="zeros")
    trainer = gluon.Trainer([x], "sgd", {"learning_rate": 0.1}, kvstore="device")
    with mx.autograd.record():
        for w in x.list_data():
            (w + 1).backward()
    trainer.step(1)
    assert trainer._update_on_kvstore is True
    assert trainer._kvstore.type == "device"
    assert trainer._kvstore._updater is trainer._updaters[0]
    assert trainer._kvstore._updater.optimizer._get_lr(0) == 0.1
    trainer.save_states(str(tmp_path / "t.states"))
    trainer.load_states(str(tmp_path / "t.states"))
    x.lr_mult = 2.0
    assert trainer._kvstore._updater.optimizer is trainer._optimizer
    assert trainer._kvstore._updater.optimizer._get_lr(0) == 0.2
    np.testing.assert_array_equal(x.data(mx.cpu(1)).asnumpy(), np.full(10, -0.2, np.float32))


def test_trainer_single_context_has_no_kvstore():
    x = gluon.Parameter("x", shape=(3,))
    x.initialize(ctx=mx.cpu(0), init="zeros")
    trainer = gluon.Trainer([x], "sgd", {"learning_rate": 1.0})
    with mx.autograd.record():
        (x.data() + 1).backward()
    trainer.step(1)
    assert trainer._kvstore is None and trainer._update_on_kvstore is None


def test_constant_dumps_turns_arrays_into_lists_like_mxnet():
    import json

    init = mx.init.Constant(nd.ones((2, 3)))
    text = init.dumps()
    assert text == '["constant", {"value": [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]}]'
    assert text == json.dumps([init.__class__.__name__.lower(), init._kwargs])  # as MXNet's test
    assert isinstance(init.value, nd.NDArray)  # still initializes from the array
    arr = nd.zeros((2, 3))
    init._init_weight("w", arr)
    np.testing.assert_array_equal(arr.asnumpy(), np.ones((2, 3)))
    from_numpy = mx.init.Constant(np.arange(3.0))
    assert from_numpy.dumps() == '["constant", {"value": [0.0, 1.0, 2.0]}]'
    assert from_numpy._kwargs["value"] == [0.0, 1.0, 2.0]
    assert mx.init.Constant(1).dumps() == '["constant", {"value": 1}]'
