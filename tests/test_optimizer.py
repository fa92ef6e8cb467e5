"""mx.optimizer: each fused update against a float64 numpy version of MXNet's formula over
several steps, against numbers recorded from MXNet 1.9.1, and its errors."""

import pickle
import types

import numpy as np
import pytest
from conftest import requires_gpu

import gluonlite as mx
from gluonlite import _core, nd
from gluonlite.base import MXNetError

W0 = np.linspace(-1, 1, 6).reshape(2, 3)


def grad_at(k):
    """The gradient of step k: exact in float16/32/64, so every framework sees the same."""
    return (((np.arange(6) * (k + 3)) % 7 - 3) * 0.37).reshape(2, 3)


# Recorded with MXNet 1.9.1: mx.optimizer.create(name, **kwargs), w = W0 (float32), three
# update_multi_precision(0, w, grad_at(k), state) steps; final weight and state(s).
ORACLE = {
    "sgd": (
        [-0.877122939, -0.653683305, -0.202357635, 0.217900619, 0.539757311, 0.975469053],
        None,
    ),
    "sgd_mom": (
        [-0.770186782, -0.668768466, -0.236864015, 0.215680674, 0.491638988, 1.00006425],
        [0.11095424, -0.0520077795, 0.00151619804, 0.0181289781, -0.0548586547, -0.0272997655],
    ),
    "sgd_mom_sched": (
        [-0.428055167, -0.704217553, -0.358909369, 0.195580229, 0.411388427, 0.965877891],
        [0.24725686, -0.0689569116, -0.0227001682, -0.000102963299, -0.0833462253, -0.0607490242],
    ),
    "nag": (
        [-0.670770526, -0.715521753, -0.235319927, 0.231979519, 0.44249177, 0.975356162],
        [0.110547751, -0.0518802553, 0.00157184794, 0.0181019213, -0.0546697006, -0.0272882916],
    ),
    "adam": (
        [-0.96999985, -0.605407, -0.21162799, 0.208367392, 0.58083427, 1.00437784],
        [
            [-0.135500029, 0.0520358011, 0.00680006854, -0.0181277264, 0.0643370152, 0.0353478827],
            [
                0.000749240629,
                0.000164594821,
                0.000387819688,
                0.000307115843,
                0.000423132675,
                0.000417141302,
            ],
        ],
    ),
    "rmsprop": (
        [-0.857848942, -0.628673792, -0.211980641, 0.224672407, 0.557373345, 0.863781333],
        [[0.0677500144, 0.016146373, 0.0327262022, 0.0287285801, 0.0393453538, 0.036751084]],
    ),
    "rmsprop_centered": (
        [-0.838736117, -0.604301393, -0.253069311, 0.256993592, 0.510225058, 1.03014851],
        [
            [0.0677500144, 0.0161688142, 0.0327274948, 0.0287066735, 0.0393459052, 0.0368145965],
            [-0.135500029, 0.0520839989, 0.0067462055, -0.0180787034, 0.0643160194, 0.0353771187],
            [
                0.0724399537,
                -0.0343316384,
                -0.00927765202,
                0.0226939246,
                -0.0407600179,
                -0.00696127862,
            ],
        ],
    ),
    "adagrad": (
        [-0.768827915, -0.78754437, -0.239775866, 0.276513994, 0.466029853, 0.987991393],
        [0.75, 0.17112501, 0.386900008, 0.308025002, 0.421124995, 0.421124995],
    ),
    "adadelta": (
        [-0.939908981, -0.604829431, -0.195249826, 0.204158857, 0.566703677, 0.963169754],
        [
            [0.0677499995, 0.0167702511, 0.0325709991, 0.0287832264, 0.0391691476, 0.0370113999],
            [
                2.84573471e-05,
                2.52668106e-05,
                1.49025818e-05,
                3.95080533e-05,
                2.68943768e-05,
                2.31376398e-05,
            ],
        ],
    ),
    "signum": (
        [-0.969406188, -0.609642148, -0.22987406, 0.209878042, 0.56964618, 0.989398241],
        [0.13818045, -0.0520333573, -0.00662911963, 0.0181341246, -0.0649166703, -0.0362484269],
    ),
    "signsgd": (
        [-0.969703019, -0.619818985, -0.199939013, 0.209939018, 0.589820981, 0.989699006],
        None,
    ),
}
ORACLE_KWARGS = {
    "sgd": ("sgd", dict(learning_rate=0.1, wd=0.01, rescale_grad=0.5, clip_gradient=0.4)),
    "sgd_mom": (
        "sgd",
        dict(learning_rate=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5, clip_gradient=0.4),
    ),
    "sgd_mom_sched": ("sgd", dict(momentum=0.9, wd=0.01)),  # + MultiFactorScheduler([2], 0.5, 0.1)
    "nag": (
        "nag",
        dict(learning_rate=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5, clip_gradient=0.4),
    ),
    "adam": ("adam", dict(learning_rate=0.01, wd=0.01, rescale_grad=0.5, clip_gradient=0.5)),
    "rmsprop": (
        "rmsprop",
        dict(learning_rate=0.01, wd=0.01, rescale_grad=0.5, clip_gradient=0.5, clip_weights=0.9),
    ),
    "rmsprop_centered": (
        "rmsprop",
        dict(learning_rate=0.01, centered=True, wd=0.01, rescale_grad=0.5, clip_gradient=0.5),
    ),
    "adagrad": ("adagrad", dict(learning_rate=0.1, wd=0.01, rescale_grad=0.5, clip_gradient=0.5)),
    "adadelta": ("adadelta", dict(wd=0.01, rescale_grad=0.5, clip_gradient=0.5)),
    "signum": (
        "signum",
        dict(learning_rate=0.01, wd=0.01, wd_lh=0.02, rescale_grad=0.5, clip_gradient=0.5),
    ),
    "signsgd": ("signum", dict(learning_rate=0.01, momentum=0.0, wd=0.01)),
}


def _flat(state):
    if state is None:
        return None
    if isinstance(state, (tuple, list)):
        return [_flat(s) for s in state]
    return state.asnumpy().reshape(-1)


def _concat(state):
    """Every state array, flattened into one float64 vector."""
    flat = _flat(state)
    return np.concatenate(
        [
            np.ravel(np.asarray(x, dtype=np.float64))
            for x in (flat if isinstance(flat, list) else [flat])
        ],
        axis=None,
    )


def run(name, kwargs, steps, dtype="float32", ctx=None, index=0):
    opt = mx.optimizer.create(name, **kwargs)
    w = nd.array(W0, dtype=dtype, ctx=ctx)
    state = opt.create_state_multi_precision(index, w)
    for k in range(steps):
        opt.update_multi_precision(index, w, nd.array(grad_at(k), dtype=dtype, ctx=ctx), state)
    return opt, w, state


# ---- float64 numpy versions of MXNet's formulas ---------------------------------------------


def _clip(x, c):
    return np.clip(x, -c, c) if c is not None and c >= 0 else x


def ref_sgd(w, g, s, t, lr, wd=0.0, rescale_grad=1.0, clip_gradient=None, momentum=0.0):
    g = _clip(rescale_grad * g, clip_gradient)
    if momentum == 0:
        return w - lr * (wd * w + g)
    s["mom"] = momentum * s.get("mom", 0.0) - lr * wd * w - lr * g
    return w + s["mom"]


def ref_nag(w, g, s, t, lr, wd=0.0, rescale_grad=1.0, clip_gradient=None, momentum=0.0):
    g = _clip(rescale_grad * g, clip_gradient) + wd * w
    mom = momentum * s.get("mom", 0.0) - lr * g
    w_new = w + momentum * mom - lr * g
    s["mom"] = mom - lr * wd * (w_new - w)  # MXNet's decay term reads the updated weight
    return w_new


def ref_adam(
    w,
    g,
    s,
    t,
    lr,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=None,
    beta1=0.9,
    beta2=0.999,
    epsilon=1e-8,
):
    g = _clip(rescale_grad * g + wd * w, clip_gradient)
    s["m"] = beta1 * s.get("m", 0.0) + (1 - beta1) * g
    s["v"] = beta2 * s.get("v", 0.0) + (1 - beta2) * g * g
    lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return w - lr_t * s["m"] / (np.sqrt(s["v"]) + epsilon)


def ref_rmsprop(
    w,
    g,
    s,
    t,
    lr,
    wd=0.0,
    rescale_grad=1.0,
    clip_gradient=None,
    gamma1=0.9,
    gamma2=0.9,
    epsilon=1e-8,
    centered=False,
    clip_weights=None,
):
    g = _clip(rescale_grad * g + wd * w, clip_gradient)
    s["n"] = (1 - gamma1) * g * g + gamma1 * s.get("n", 0.0)
    if not centered:
        return _clip(w - lr * g / np.sqrt(s["n"] + epsilon), clip_weights)
    s["g"] = (1 - gamma1) * g + gamma1 * s.get("g", 0.0)
    s["d"] = gamma2 * s.get("d", 0.0) - lr * g / np.sqrt(s["n"] - s["g"] ** 2 + epsilon)
    return _clip(w + s["d"], clip_weights)


def ref_adagrad(w, g, s, t, lr, wd=0.0, rescale_grad=1.0, clip_gradient=None, eps=1e-7):
    g = _clip(rescale_grad * g, clip_gradient)
    s["h"] = s.get("h", 0.0) + g * g
    return w - lr * (g / np.sqrt(s["h"] + eps) + wd * w)


def ref_adadelta(
    w, g, s, t, lr, wd=0.0, rescale_grad=1.0, clip_gradient=None, rho=0.9, epsilon=1e-5
):
    g = _clip(rescale_grad * g, clip_gradient)
    s["ag"] = rho * s.get("ag", 0.0) + (1 - rho) * g * g
    delta = np.sqrt(s.get("ad", 0.0) + epsilon) / np.sqrt(s["ag"] + epsilon) * g
    s["ad"] = rho * s.get("ad", 0.0) + (1 - rho) * delta * delta
    return w - (delta + wd * w)


def ref_signum(
    w, g, s, t, lr, wd=0.0, rescale_grad=1.0, clip_gradient=None, momentum=0.9, wd_lh=0.0
):
    g = _clip(rescale_grad * g, clip_gradient)
    if momentum == 0:
        return (1 - lr * wd) * w - lr * np.sign(g)
    s["mom"] = momentum * s.get("mom", 0.0) - (1 - momentum) * (wd * w + g)
    return (1 - lr * wd_lh) * w + lr * np.sign(s["mom"])


REFERENCE_CASES = [
    ("sgd", ref_sgd, dict(learning_rate=0.2, wd=0.05, rescale_grad=0.5, clip_gradient=0.3)),
    (
        "sgd",
        ref_sgd,
        dict(learning_rate=0.2, momentum=0.9, wd=0.05, rescale_grad=0.5, clip_gradient=0.3),
    ),
    (
        "nag",
        ref_nag,
        dict(learning_rate=0.2, momentum=0.8, wd=0.05, rescale_grad=0.5, clip_gradient=0.3),
    ),
    ("nag", ref_sgd, dict(learning_rate=0.2, wd=0.05)),
    (
        "adam",
        ref_adam,
        dict(
            learning_rate=0.05,
            beta1=0.8,
            beta2=0.95,
            epsilon=1e-6,
            wd=0.05,
            rescale_grad=0.5,
            clip_gradient=0.4,
        ),
    ),
    (
        "rmsprop",
        ref_rmsprop,
        dict(
            learning_rate=0.05,
            gamma1=0.8,
            epsilon=1e-6,
            wd=0.05,
            clip_gradient=0.6,
            clip_weights=0.95,
        ),
    ),
    (
        "rmsprop",
        ref_rmsprop,
        dict(
            learning_rate=0.05,
            gamma1=0.8,
            gamma2=0.7,
            centered=True,
            epsilon=1e-6,
            wd=0.05,
            rescale_grad=0.5,
        ),
    ),
    (
        "adagrad",
        ref_adagrad,
        dict(learning_rate=0.3, eps=1e-6, wd=0.05, rescale_grad=0.5, clip_gradient=0.4),
    ),
    ("adadelta", ref_adadelta, dict(rho=0.8, epsilon=1e-4, wd=0.05, clip_gradient=0.6)),
    (
        "signum",
        ref_signum,
        dict(
            learning_rate=0.05,
            momentum=0.7,
            wd=0.05,
            wd_lh=0.1,
            rescale_grad=0.5,
            clip_gradient=0.4,
        ),
    ),
    ("signum", ref_signum, dict(learning_rate=0.05, momentum=0.0, wd=0.05)),
]


def reference(ref_fn, kwargs, steps, lr_at=None):
    kw = dict(kwargs)
    lr = kw.pop("learning_rate", 0.01)
    kw.pop("multi_precision", None)
    w, state = W0.astype(np.float64), {}
    for k in range(steps):
        w = ref_fn(w, grad_at(k), state, k + 1, lr_at(k + 1) if lr_at else lr, **kw)
    return w


@pytest.mark.parametrize("dtype,rtol", [("float32", 2e-5), ("float64", 1e-6)])
@pytest.mark.parametrize(
    "name,ref_fn,kwargs",
    REFERENCE_CASES,
    ids=["%s-%d" % (c[0], i) for i, c in enumerate(REFERENCE_CASES)],
)
def test_update_matches_float64_formula_over_steps(name, ref_fn, kwargs, dtype, rtol):
    _, w, _ = run(name, kwargs, steps=5, dtype=dtype)
    assert w.dtype == np.dtype(dtype)
    np.testing.assert_allclose(w.asnumpy(), reference(ref_fn, kwargs, 5), rtol=rtol, atol=rtol / 10)


def test_lr_schedule_drives_the_step_size():
    sched = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=0.4)
    kwargs = dict(momentum=0.9, wd=0.05, clip_gradient=0.3)
    opt, w, _ = run("sgd", dict(kwargs, lr_scheduler=sched), steps=6)
    want = reference(ref_sgd, kwargs, 6, lr_at=lambda n: 0.4 * 0.5 ** ((n - 1) // 2))
    np.testing.assert_allclose(w.asnumpy(), want, rtol=2e-5, atol=1e-6)
    assert opt.num_update == 6 and opt.learning_rate == pytest.approx(0.1)


@pytest.mark.parametrize("case", sorted(ORACLE))
def test_update_is_bit_identical_to_mxnet(case):
    name, kwargs = ORACLE_KWARGS[case]
    if case == "sgd_mom_sched":
        kwargs = dict(
            kwargs,
            lr_scheduler=mx.lr_scheduler.MultiFactorScheduler(step=[2], factor=0.5, base_lr=0.1),
        )
    _, w, state = run(name, kwargs, steps=3)
    want_w, want_state = ORACLE[case]
    np.testing.assert_array_equal(w.asnumpy().reshape(-1), np.float32(want_w))
    got = _flat(state)
    if want_state is None:
        assert got is None
    else:
        np.testing.assert_array_equal(np.float32(got), np.float32(want_state))


def test_multi_precision_updates_float32_master_like_mxnet():
    # MXNet 1.9.1, float16 weight, multi_precision=True, 3 steps: (weight, master copy).
    sgd_w = [-0.372070312, -0.741210938, -0.358642578, 0.232421875, 0.355712891, 0.946777344]
    sgd_w32 = [-0.372020394, -0.741042733, -0.35874331, 0.23244448, 0.355661809, 0.946849644]
    adam_w = [-0.970214844, -0.615722656, -0.212524414, 0.208496094, 0.581054688, 1.00390625]
    adam_w32 = [-0.96999985, -0.615824819, -0.212513611, 0.208441585, 0.581080973, 1.00396967]
    _, w, (mom, w32) = run(
        "sgd",
        dict(learning_rate=0.1, momentum=0.9, wd=0.01, multi_precision=True),
        3,
        dtype="float16",
    )
    assert w.dtype == np.float16 and w32.dtype == np.float32 and mom.dtype == np.float32
    np.testing.assert_array_equal(w.asnumpy().reshape(-1), np.float16(sgd_w))
    np.testing.assert_array_equal(w32.asnumpy().reshape(-1), np.float32(sgd_w32))
    _, w, (w32, _) = run("adam", dict(learning_rate=0.01, multi_precision=True), 3, dtype="float16")
    np.testing.assert_array_equal(w.asnumpy().reshape(-1), np.float16(adam_w))
    np.testing.assert_array_equal(w32.asnumpy().reshape(-1), np.float32(adam_w32))


def test_float16_without_multi_precision_warns_like_mxnet():
    with pytest.warns(
        UserWarning,
        match=r"^Accumulating with float16 in optimizer can lead to "
        r"poor accuracy or slow convergence\. Consider using multi_precision=True "
        r"option of the SGD optimizer$",
    ):
        _, w, _ = run("sgd", dict(learning_rate=0.1, momentum=0.9), 2, dtype="float16")
    assert w.dtype == np.float16
    np.testing.assert_allclose(
        w.asnumpy(),
        reference(ref_sgd, dict(learning_rate=0.1, momentum=0.9), 2),
        rtol=2e-3,
        atol=2e-3,
    )


def test_adamw_kernel_matches_mxnet_contrib_op():
    # nd.contrib.adamw_update(w, g, m, v, rescale_grad=0.5, lr=0.01, eta=0.5, wd=0.1,
    # clip_gradient=0.5), three steps in MXNet 1.9.1.
    want = [-0.798168063, -0.549954236, -0.189509138, 0.183679789, 0.479345381, 0.859436631]
    w, m, v = nd.array(W0), nd.zeros((2, 3)), nd.zeros((2, 3))
    for k in range(3):
        _core.adamw_update(
            w, nd.array(grad_at(k)), m, v, None, 0.01, 0.5, 0.9, 0.999, 1e-8, 0.1, 0.5, 0.5
        )
    np.testing.assert_array_equal(w.asnumpy().reshape(-1), np.float32(want))
    before = w.asnumpy()
    for bad_scale in (0.0, float("inf"), float("nan")):  # an overflowed loss scale: skipped
        _core.adamw_update(
            w, nd.array(grad_at(0)), m, v, None, 0.01, 0.5, 0.9, 0.999, 1e-8, 0.1, bad_scale, -1.0
        )
    np.testing.assert_array_equal(w.asnumpy(), before)


def test_non_contiguous_weight_is_updated_in_place():
    base = nd.array(W0.T.copy())
    w = _core.transpose(base, None)  # a transposed view of base (x.T copies, as in MXNet)
    g = nd.array(grad_at(0))
    _core.sgd_update(w, g, None, 0.5, 0.0, 1.0, -1.0)
    np.testing.assert_allclose(base.asnumpy().T, W0 - 0.5 * grad_at(0), rtol=1e-6)


def test_kernel_errors_name_the_operand():
    w, g = nd.array(W0), nd.array(grad_at(0))
    with pytest.raises(
        MXNetError,
        match=r"sgd_mom_update: mom has shape \(3, 2\) but weight "
        r"has shape \(2, 3\)",
    ):
        _core.sgd_mom_update(w, g, nd.zeros((3, 2)), None, 0.1, 0.9, 0.0, 1.0, -1.0)
    with pytest.raises(MXNetError, match=r"adam_update: var has dtype float64, expected float32"):
        _core.adam_update(
            w,
            g,
            nd.zeros((2, 3)),
            nd.zeros((2, 3), dtype="float64"),
            None,
            0.1,
            0.9,
            0.999,
            1e-8,
            0.0,
            1.0,
            -1.0,
        )
    with pytest.raises(
        MXNetError,
        match=r"sgd_update: grad has shape \(6,\) but weight has "
        r"shape \(2, 3\)",
    ):
        _core.sgd_update(w, nd.zeros(6), None, 0.1, 0.0, 1.0, -1.0)
    with pytest.raises(
        MXNetError,
        match=r"sgd_update: weight must be float16, float32 or "
        r"float64, got int32",
    ):
        _core.sgd_update(
            nd.zeros(3, dtype="int32"), nd.zeros(3, dtype="int32"), None, 0.1, 0.0, 1.0, -1.0
        )
    with pytest.raises(
        MXNetError,
        match=r"mp_sgd_update: multi-precision updates need a "
        r"float16 weight, got float32",
    ):
        _core.sgd_update(w, g, nd.zeros((2, 3)), 0.1, 0.0, 1.0, -1.0)


def test_optimizer_rejects_non_ndarray_and_bad_hyperparameters():
    opt = mx.optimizer.SGD(learning_rate=0.1)
    with pytest.raises(
        AssertionError, match=r"SGD\.update: weight must be an NDArray, got ndarray"
    ):
        opt.update(0, W0, nd.array(W0), None)
    with pytest.raises(
        TypeError, match=r"Adam: learning_rate must be a number or None, got '0\.1'"
    ):
        mx.optimizer.Adam(learning_rate="0.1")
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'momentun'"):
        mx.optimizer.create("sgd", momentun=0.9)


def test_create_and_register():
    assert type(mx.optimizer.create("Adam", learning_rate=0.1)) is mx.optimizer.Adam
    assert mx.optimizer.Optimizer.create_optimizer("nag").momentum == 0.0
    with pytest.raises(
        ValueError,
        match=r"^Cannot find optimizer adamw\. Registered "
        r"optimizers: adadelta, adagrad, adam, adamax, ccsgd, ftml, ftrl, lamb, nadam, nag, ",
    ):
        mx.optimizer.create("adamw")  # MXNet 1.9.1 has no AdamW optimizer class either

    @mx.optimizer.register
    class HalveWeights(mx.optimizer.Optimizer):  # a user optimizer written with NDArray ops
        def update(self, index, weight, grad, state):
            self._update_count(index)
            weight[:] = weight * 0.5 - self._get_lr(index) * grad

    try:
        opt = mx.optimizer.create("halveweights", learning_rate=1.0, multi_precision=True)
        updater = mx.optimizer.get_updater(opt)
        w = nd.array([4.0, 2.0], dtype="float16")
        updater(0, nd.array([1.0, 1.0], dtype="float16"), w)
        np.testing.assert_array_equal(w.asnumpy(), [1.0, 0.0])
        assert w.dtype == np.float16 and updater.states[0][0].dtype == np.float32
        with pytest.warns(
            UserWarning,
            match="New optimizer .*HalveWeights is overriding existing optimizer .*HalveWeights",
        ):
            mx.optimizer.register(HalveWeights)
    finally:
        del mx.optimizer.Optimizer.opt_registry["halveweights"]


def test_lr_and_wd_multipliers():
    opt = mx.optimizer.SGD(
        learning_rate=0.5, wd=0.1, param_idx2name={0: "dense0_weight", 1: "dense0_bias"}
    )
    assert (opt._get_wd(0), opt._get_wd(1)) == (pytest.approx(0.1), 0.0)  # no wd on biases
    opt.set_lr_mult({1: 2.0})
    opt.set_wd_mult({"dense0_bias": 3.0})
    assert (opt._get_lr(0), opt._get_lr(1), opt._get_wd(1)) == (0.5, 1.0, pytest.approx(0.3))
    w = nd.array([1.0, 2.0])
    opt.update(1, w, nd.array([1.0, 1.0]), None)  # lr 1.0, wd 0.3: w - (0.3 w + 1)
    np.testing.assert_allclose(w.asnumpy(), [-0.3, 0.4], rtol=1e-6)


def test_num_update_and_per_device_counts():
    opt = mx.optimizer.SGD(begin_num_update=10)
    for index in (0, 1, 0):
        opt._update_count(index)
    assert opt.num_update == 12 and opt._index_update_count == {0: 12, 1: 11}
    opt._set_current_context(1)
    opt._update_count(0)
    assert opt.num_update == 12 and opt._index_update_count == {0: 11}


def test_set_learning_rate_refused_under_a_scheduler(capsys):
    opt = mx.optimizer.SGD(learning_rate=0.5)
    opt.set_learning_rate(0.25)
    assert opt.learning_rate == 0.25
    sched = mx.lr_scheduler.FactorScheduler(step=1, base_lr=0.1)
    opt = mx.optimizer.SGD(learning_rate=0.2, lr_scheduler=sched)
    assert capsys.readouterr().out == (
        "learning rate from ``lr_scheduler`` has been overwritten "
        "by ``learning_rate`` in optimizer.\n"
    )
    assert sched.base_lr == 0.2
    with pytest.raises(
        UserWarning,
        match=r"^LRScheduler of the optimizer has already been "
        r"defined\. Note that set_learning_rate can mutate the "
        r"value of the learning rate of the optimizer only when "
        r"the LRScheduler of the optimizer is undefined\.$",
    ):
        opt.set_learning_rate(0.1)


def test_updater_states_round_trip_through_pickle():
    opt = mx.optimizer.Adam(
        learning_rate=0.1, param_dict={0: types.SimpleNamespace(lr_mult=1.0, wd_mult=1.0)}
    )
    updater = mx.optimizer.get_updater(opt)
    w = nd.array(W0)
    updater(0, nd.array(grad_at(0)), w)
    blob = updater.get_states(dump_optimizer=True)
    fresh = mx.optimizer.get_updater(mx.optimizer.SGD())
    fresh.set_states(blob)
    assert type(fresh.optimizer) is mx.optimizer.Adam and fresh.optimizer.param_dict == {}
    assert fresh.optimizer._index_update_count == {0: 1} and fresh.states_synced == {0: False}
    for got, want in zip(fresh.states[0], updater.states[0]):
        np.testing.assert_array_equal(got.asnumpy(), want.asnumpy())
    w2 = w.copy()  # both continue identically
    updater(0, nd.array(grad_at(1)), w)
    fresh(0, nd.array(grad_at(1)), w2)
    np.testing.assert_array_equal(w.asnumpy(), w2.asnumpy())
    assert pickle.loads(pickle.dumps(opt)).param_dict == {}


@requires_gpu
@pytest.mark.parametrize(
    "name,ref_fn,kwargs",
    REFERENCE_CASES,
    ids=["%s-%d" % (c[0], i) for i, c in enumerate(REFERENCE_CASES)],
)
def test_gpu_update_matches_cpu(name, ref_fn, kwargs):
    _, w_cpu, s_cpu = run(name, kwargs, steps=4)
    _, w_gpu, s_gpu = run(name, kwargs, steps=4, ctx=mx.gpu(0))
    assert w_gpu.context == mx.gpu(0)
    np.testing.assert_allclose(w_gpu.asnumpy(), w_cpu.asnumpy(), rtol=1e-5, atol=1e-6)
    if s_cpu is not None:
        np.testing.assert_allclose(_concat(s_gpu), _concat(s_cpu), rtol=1e-5, atol=1e-6)


@requires_gpu
def test_gpu_multi_precision_matches_cpu():
    kwargs = dict(learning_rate=0.1, momentum=0.9, wd=0.01, multi_precision=True)
    _, w_cpu, (_, w32_cpu) = run("sgd", kwargs, 3, dtype="float16")
    _, w_gpu, (_, w32_gpu) = run("sgd", kwargs, 3, dtype="float16", ctx=mx.gpu(0))
    np.testing.assert_allclose(w32_gpu.asnumpy(), w32_cpu.asnumpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(w_gpu.asnumpy().astype(np.float32), w_cpu.asnumpy(), atol=1e-3)


# ---- lr_scheduler -------------------------------------------------------------------------

# MXNet 1.9.1: [scheduler(n) for n in range(14)] for the schedulers built in the test below.
SCHEDULES = {
    "factor": [0.2, 0.6, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.1],
    "multifactor": [0.5, 0.5, 1, 1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01],
    "poly": [
        0.1,
        0.4,
        0.7,
        1,
        0.761224489796,
        0.559183673469,
        0.39387755102,
        0.265306122449,
        0.173469387755,
        0.118367346939,
        0.1,
        0.1,
        0.1,
        0.1,
    ],
    "cosine": [
        0.1,
        0.4,
        0.7,
        1,
        0.955435990556,
        0.830570410836,
        0.65013442028,
        0.44986557972,
        0.269429589164,
        0.144564009444,
        0.1,
        0.1,
        0.1,
        0.1,
    ],
}


def _schedulers():
    S = mx.lr_scheduler
    return {
        "factor": S.FactorScheduler(
            step=3, factor=0.5, base_lr=1.0, stop_factor_lr=0.1, warmup_steps=2, warmup_begin_lr=0.2
        ),
        "multifactor": S.MultiFactorScheduler(
            step=[3, 5],
            factor=0.1,
            base_lr=1.0,
            warmup_steps=2,
            warmup_mode="constant",
            warmup_begin_lr=0.5,
        ),
        "poly": S.PolyScheduler(
            max_update=10, base_lr=1.0, pwr=2, final_lr=0.1, warmup_steps=3, warmup_begin_lr=0.1
        ),
        "cosine": S.CosineScheduler(
            max_update=10, base_lr=1.0, final_lr=0.1, warmup_steps=3, warmup_begin_lr=0.1
        ),
    }


@pytest.mark.parametrize("kind", sorted(SCHEDULES))
def test_scheduler_values_match_mxnet(kind):
    sched = _schedulers()[kind]
    np.testing.assert_allclose([sched(n) for n in range(14)], SCHEDULES[kind], rtol=1e-11)


def test_scheduler_formulas():
    poly = mx.lr_scheduler.PolyScheduler(max_update=8, base_lr=0.5, pwr=3, final_lr=0.01)
    cos = mx.lr_scheduler.CosineScheduler(max_update=8, base_lr=0.5, final_lr=0.01)
    for n in range(10):
        m = min(n, 8)
        assert poly(n) == pytest.approx(0.01 + 0.49 * (1 - m / 8) ** 3, rel=1e-12)
        assert cos(n) == pytest.approx(0.01 + 0.49 * (1 + np.cos(np.pi * m / 8)) / 2, rel=1e-12)


@pytest.mark.parametrize(
    "make,message",
    [
        (
            lambda S: S.FactorScheduler(step=0),
            "Schedule step must be greater or equal than 1 round",
        ),
        (
            lambda S: S.FactorScheduler(step=2, factor=1.5),
            "Factor must be no more than 1 to make lr reduce",
        ),
        (
            lambda S: S.MultiFactorScheduler(step=[3, 3]),
            "Schedule step must be an increasing integer list",
        ),
        (
            lambda S: S.PolyScheduler(max_update=0),
            "maximum number of updates must be strictly positive",
        ),
        (
            lambda S: S.CosineScheduler(max_update=5, warmup_steps=5),
            r"max_update \(5\) must differ from warmup_steps \(5\)",
        ),
        (
            lambda S: S.FactorScheduler(step=2, base_lr=0.1, warmup_begin_lr=0.2),
            "Base lr has to be higher than warmup_begin_lr",
        ),
        (
            lambda S: S.CosineScheduler(max_update=5, warmup_steps=2, warmup_mode="exp"),
            "Supports only linear and constant modes of warmup",
        ),
    ],
)
def test_scheduler_rejects_bad_settings(make, message):
    with pytest.raises(ValueError, match=message):
        make(mx.lr_scheduler)
