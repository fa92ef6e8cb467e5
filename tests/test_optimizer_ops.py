"""nd.*_update operators: values after two steps equal MXNet 1.9.1's (probed, float32), the
out= conventions, float64 references for FTML/FTRL/LAMB, and errors that name the culprit."""

import numpy as np
import pytest

from gluonlite import nd
from gluonlite.base import MXNetError

W = [1.0, -2.0, 3.0, 0.5]
G = [[0.5, 0.5, -1.0, 2.0], [-0.3, 0.8, 0.1, -2.5]]

# (op, number of states, hyper-parameters, [weight, *states] after two steps in MXNet 1.9.1)
MXNET_TWO_STEPS = [
    (
        "sgd_update",
        0,
        {"lr": 0.1, "wd": 0.01, "rescale_grad": 0.5, "clip_gradient": 0.3},
        [[0.9880260229110718, -2.0509769916534424, 3.018972873687744, 0.4990305006504059]],
    ),
    (
        "sgd_mom_update",
        1,
        {"lr": 0.1, "momentum": 0.9, "wd": 0.01, "rescale_grad": 0.5, "clip_gradient": 0.3},
        [
            [0.9646259546279907, -2.0716769695281982, 3.0432729721069336, 0.47158050537109375],
            [
                -0.009373998269438744,
                -0.048677001148462296,
                0.016272999346256256,
                0.002080501988530159,
            ],
        ],
    ),
    (
        "nag_mom_update",
        1,
        {"lr": 0.1, "momentum": 0.9, "wd": 0.01, "rescale_grad": 0.5},
        [
            [0.9562739133834839, -2.134411573410034, 3.1119279861450195, 0.4647124707698822],
            [
                -0.009311811998486519,
                -0.058526262640953064,
                0.03410769999027252,
                0.03425714373588562,
            ],
        ],
    ),
    (
        "adam_update",
        2,
        {
            "lr": 0.01,
            "beta1": 0.8,
            "beta2": 0.99,
            "wd": 0.02,
            "rescale_grad": 2.0,
            "clip_gradient": 1.0,
            "epsilon": 1e-06,
        },
        [
            [0.9761874079704285, -2.0455691814422607, 3.0304925441741943, 0.48283571004867554],
            [0.04392000287771225, 0.3535999655723572, -0.10791999846696854, -0.03999999165534973],
            [0.013268629088997841, 0.019123820587992668, 0.01057807169854641, 0.01989998109638691],
        ],
    ),
    (
        "rmsprop_update",
        1,
        {"lr": 0.01, "gamma1": 0.9, "wd": 0.02, "clip_weights": 1.5},
        [
            [0.9840134978294373, -1.5, 1.4954383373260498, 0.49348607659339905],
            [0.032211463898420334, 0.0783340260386467, 0.08121401816606522, 0.9839342832565308],
        ],
    ),
    (
        "rmspropalex_update",
        3,
        {"lr": 0.01, "gamma1": 0.9, "gamma2": 0.8, "wd": 0.02, "clip_gradient": 0.5},
        [
            [0.9561799168586731, -2.0864665508270264, 3.0496814250946045, 0.4629476070404053],
            [0.030377384275197983, 0.04404401034116745, 0.02508138306438923, 0.04750001057982445],
            [
                0.01693333499133587,
                0.09140001982450485,
                -0.028933338820934296,
                -0.005000002682209015,
            ],
            [
                -0.01048678532242775,
                -0.05313314497470856,
                0.016348041594028473,
                -0.003719048574566841,
            ],
        ],
    ),
    (
        "signsgd_update",
        0,
        {"lr": 0.1, "wd": 0.01, "rescale_grad": -2.0, "clip_gradient": 0.0},
        [[0.998100996017456, -2.195901870727539, 2.9939029216766357, 0.4991005063056946]],
    ),
    (
        "signum_update",
        1,
        {"lr": 0.1, "momentum": 0.8, "wd": 0.01, "wd_lh": 0.02, "clip_gradient": 0.4},
        [
            [0.7962040305137634, -2.191807985305786, 3.187811851501465, 0.49820202589035034],
            [-0.007396001368761063, -0.13660800457000732, 0.03301200270652771, 0.01440199464559555],
        ],
    ),
    (
        "ftml_update",
        3,
        {"lr": 0.05, "beta1": 0.5, "beta2": 0.9, "wd": 0.03, "rescale_grad": 0.7, "clip_grad": 0.6},
        [
            [0.9706617593765259, -2.0902271270751953, 3.0374584197998047, 0.4833333194255829],
            [4.392158508300781, 6.196062088012695, 6.438719272613525, 8.999999046325684],
            [0.016290228813886642, 0.03241923078894615, 0.03500823304057121, 0.06840001791715622],
            [-4.26330041885376, 12.951177597045898, -19.557342529296875, -4.34999942779541],
        ],
    ),
    (
        "ftrl_update",
        2,
        {
            "lr": 0.1,
            "lamda1": 0.02,
            "beta": 0.5,
            "wd": 0.03,
            "rescale_grad": 0.8,
            "clip_gradient": 0.5,
        },
        [
            [0.42121192812919617, -0.9717502593994141, 1.5354440212249756, 0.2387264519929886],
            [-4.103549003601074, 11.130141258239746, -15.51815128326416, -2.9088449478149414],
            [0.217600017786026, 0.4100000262260437, 0.2563999891281128, 0.5],
        ],
    ),
]


@pytest.mark.parametrize("op, n_states, kwargs, expected", MXNET_TWO_STEPS)
def test_two_steps_equal_mxnet(op, n_states, kwargs, expected):
    weight = nd.array(W)
    states = [nd.zeros(4) for _ in range(n_states)]
    for t, g in enumerate(G, 1):
        extra = {"t": t} if op == "ftml_update" else {}
        result = getattr(nd, op)(weight, nd.array(g), *states, out=weight, **kwargs, **extra)
        assert result is weight
    for got, want in zip([weight] + states, expected):
        np.testing.assert_allclose(got.asnumpy(), np.float32(want), rtol=2e-7, atol=1e-8)


def test_without_out_weight_is_kept_and_states_move():
    weight, mom = nd.array(W), nd.zeros(4)
    result = nd.sgd_mom_update(weight, nd.array(G[0]), mom, lr=0.1, momentum=0.9)
    # MXNet: [1.04, -1.96, 3.19] for the first three; the weight itself is untouched
    np.testing.assert_allclose(result.asnumpy(), [0.95, -2.05, 3.1, 0.3], rtol=1e-6)
    np.testing.assert_array_equal(weight.asnumpy(), np.float32(W))
    np.testing.assert_allclose(mom.asnumpy(), [-0.05, -0.05, 0.1, -0.2], rtol=1e-6)
    other = nd.zeros(4)
    assert nd.sgd_update(weight, nd.array(G[0]), lr=0.1, out=other) is other
    np.testing.assert_allclose(other.asnumpy(), [0.95, -2.05, 3.1, 0.3], rtol=1e-6)
    np.testing.assert_array_equal(weight.asnumpy(), np.float32(W))


def test_signsgd_ignores_rescale_and_clip_as_mxnet():
    grad = nd.array([0.5, -0.5, 0.0, 2.0])
    plain = nd.signsgd_update(nd.array(W), grad, lr=0.1, wd=0.1).asnumpy()
    odd = nd.signsgd_update(
        nd.array(W), grad, lr=0.1, wd=0.1, rescale_grad=-1.0, clip_gradient=0.0
    ).asnumpy()
    np.testing.assert_array_equal(plain, odd)
    np.testing.assert_allclose(plain, [0.89, -1.88, 2.97, 0.395], rtol=1e-6)


def test_mp_sgd_updates_master_copy():
    w16 = nd.array(W, dtype="float16")
    w32 = w16.astype("float32")
    result = nd.mp_sgd_update(w16, nd.array(G[0], dtype="float16"), w32, lr=0.1, wd=0.1)
    want = (1 - np.float32(0.1) * np.float32(0.1)) * np.float32(W) - np.float32(0.1) * np.float32(
        G[0]
    )
    np.testing.assert_allclose(w32.asnumpy(), want, rtol=1e-6)
    assert result.dtype == np.float16
    np.testing.assert_array_equal(result.asnumpy(), want.astype(np.float16))
    np.testing.assert_array_equal(w16.asnumpy(), np.float16(W))


def f32(x):
    return float(np.float32(x))


def test_lamb_phases_float64_reference():
    rs = np.random.RandomState(2)
    w0, g0 = rs.uniform(-1, 1, 20), rs.uniform(-1, 1, 20)
    weight = nd.array(w0, dtype="float64")
    mean, var = nd.zeros(20, dtype="float64"), nd.zeros(20, dtype="float64")
    g = nd.lamb_update_phase1(
        weight,
        nd.array(g0, dtype="float64"),
        mean,
        var,
        t=1,
        wd=0.01,
        rescale_grad=0.5,
        clip_gradient=0.2,
    )
    gc = np.clip(f32(0.5) * g0, -f32(0.2), f32(0.2))
    m = (1 - f32(0.9)) * gc
    v = (1 - f32(0.999)) * gc * gc
    direction = (m / (1 - f32(0.9))) / (np.sqrt(v / (1 - f32(0.999))) + f32(1e-6)) + f32(0.01) * w0
    np.testing.assert_allclose(mean.asnumpy(), m, rtol=1e-12)
    np.testing.assert_allclose(var.asnumpy(), v, rtol=1e-12)
    np.testing.assert_allclose(g.asnumpy(), direction, rtol=1e-12)
    r1, r2 = weight.norm(), g.norm()
    new = nd.lamb_update_phase2(weight, g, r1, r2, lr=0.1)
    ratio = np.linalg.norm(w0) / np.linalg.norm(direction)
    np.testing.assert_allclose(new.asnumpy(), w0 - f32(0.1) * ratio * direction, rtol=1e-12)
    clamped = nd.lamb_update_phase2(weight, g, r1, r2, lr=0.1, upper_bound=0.5)
    ratio = 0.5 / np.linalg.norm(direction)
    np.testing.assert_allclose(clamped.asnumpy(), w0 - f32(0.1) * ratio * direction, rtol=1e-12)
    unscaled = nd.lamb_update_phase2(weight, g, nd.zeros(1, dtype="float64"), r2, lr=0.1)
    np.testing.assert_allclose(unscaled.asnumpy(), w0 - f32(0.1) * direction, rtol=1e-12)
    np.testing.assert_array_equal(weight.asnumpy(), w0)


def test_mp_lamb_phase2_leaves_master_copy_alone():
    w16 = nd.array(W[:3], dtype="float16")
    w32 = w16.astype("float32")
    mean, var = nd.zeros(3), nd.zeros(3)
    g = nd.mp_lamb_update_phase1(
        w16, nd.array(G[0][:3], dtype="float16"), mean, var, w32, t=1, wd=0.01
    )
    assert g.dtype == np.float32
    # values printed by MXNet 1.9.1 for the same call
    np.testing.assert_allclose(g.asnumpy(), [1.009998, 0.979998, -0.9699991], rtol=1e-6)
    out = nd.mp_lamb_update_phase2(w16, g, w32.norm(), g.norm(), w32, lr=0.1)
    assert out.dtype == np.float16
    np.testing.assert_allclose(out.asnumpy(), [0.779, -2.215, 3.213], atol=1e-3)
    np.testing.assert_array_equal(w32.asnumpy(), np.float32(W[:3]))


def test_missing_required_parameter_raises_mxnet_error():
    weight, grad = nd.array(W), nd.array(G[0])
    with pytest.raises(
        MXNetError, match="Required parameter lr of float is not presented, in operator sgd_update"
    ):
        nd.sgd_update(weight, grad)
    states = [nd.zeros(4) for _ in range(3)]
    with pytest.raises(
        MXNetError, match="Required parameter t of int is not presented, in operator ftml_update"
    ):
        nd.ftml_update(weight, grad, *states, lr=0.1)
    with pytest.raises(MXNetError, match="Required parameter wd of float .* lamb_update_phase1"):
        nd.lamb_update_phase1(weight, grad, states[0], states[1], t=1)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda w: nd.sgd_update(w, nd.ones(5), lr=0.1),
            "sgd_update: grad has shape (5,) but weight has shape (4,)",
        ),
        (
            lambda w: nd.sgd_update(w, nd.ones(4, dtype="float64"), lr=0.1),
            "sgd_update: grad has dtype float64, expected float32",
        ),
        (
            lambda w: nd.ftrl_update(w, nd.ones(4), nd.zeros(4), nd.zeros(3), lr=0.1),
            "ftrl_update: n has shape (3,) but weight has shape (4,)",
        ),
        (
            lambda w: nd.ftml_update(
                w, nd.ones(4), nd.zeros(4), nd.zeros(4, dtype="float64"), nd.zeros(4), lr=0.1, t=1
            ),
            "ftml_update: v has dtype float64, expected float32",
        ),
        (
            lambda w: nd.lamb_update_phase2(w, nd.ones(4), nd.ones(2), nd.ones(1), lr=0.1),
            "lamb_update_phase2: r1 must hold one value (a norm), got shape (2,)",
        ),
        (
            lambda w: nd.mp_lamb_update_phase1(
                w, nd.ones(4), nd.zeros(4), nd.zeros(4), w, t=1, wd=0.0
            ),
            "mp_lamb_update_phase1: multi-precision updates need a float16 weight, got float32",
        ),
        (
            lambda w: nd.sgd_update(w, nd.ones(4), lr="fast"),
            "sgd_update: lr must be a number, got 'fast'",
        ),
        (
            lambda w: nd.ftml_update(
                w, nd.ones(4), nd.zeros(4), nd.zeros(4), nd.zeros(4), lr=0.1, t=1.5
            ),
            "ftml_update: t must be an int, got 1.5",
        ),
        (
            lambda w: nd.ftrl_update(w, [1, 2], nd.zeros(4), nd.zeros(4), lr=0.1),
            "ftrl_update: grad must be an NDArray, got list",
        ),
        (
            lambda w: nd.sgd_update(w, nd.ones(4), lr=0.1, out=nd.zeros(3)),
            "sgd_update: out has shape (3,) but weight has shape (4,)",
        ),
    ],
)
def test_bad_operands_name_the_culprit(call, message):
    weight = nd.array(W)
    with pytest.raises(MXNetError) as info:
        call(weight)
    assert str(info.value) == message
    np.testing.assert_array_equal(weight.asnumpy(), np.float32(W))  # nothing was written
