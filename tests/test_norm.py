"""BatchNorm, LayerNorm and InstanceNorm: forward against float64 numpy, gradients against
finite differences, BatchNorm's running statistics in train vs predict mode (values recorded
from MXNet 1.9.1), deferred channel inference, reprs and errors."""

import numpy as np
import pytest
from conftest import requires_gpu

import gluonlite as mx
from gluonlite import autograd, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import nn


def rand(*shape, seed=0):
    return np.random.default_rng(seed + sum(shape)).standard_normal(shape)


def f64(a):
    return nd.array(a, dtype="float64")


def normalize(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)


def bcast(v, ndim, axis):
    shape = [1] * ndim
    shape[axis] = -1
    return v.reshape(shape)


def check_gradients(op, arrays, train=True, rtol=1e-5, atol=1e-7, eps=1e-6):
    """autograd's gradients against central differences of sum(op(*arrays) * head)."""
    inputs = [f64(a) for a in arrays]
    for t in inputs:
        t.attach_grad()
    with autograd.record(train_mode=train):
        y = op(*inputs)
    head = rand(*y.shape, seed=42)
    y.backward(f64(head))
    mode = autograd.train_mode if train else autograd.predict_mode

    def value(vals):
        with mode():
            return (op(*[f64(v) for v in vals]).asnumpy() * head).sum()

    for i, t in enumerate(inputs):
        want = np.zeros_like(arrays[i])
        for idx in np.ndindex(arrays[i].shape):
            plus = [a.copy() for a in arrays]
            minus = [a.copy() for a in arrays]
            plus[i][idx] += eps
            minus[i][idx] -= eps
            want[idx] = (value(plus) - value(minus)) / (2 * eps)
        np.testing.assert_allclose(t.grad.asnumpy(), want, rtol=rtol, atol=atol)


# ---- BatchNorm op -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape,axis", [((4, 3, 2, 5), 1), ((6, 4), 1), ((2, 3, 5), -1), ((2, 5, 3, 2), 2)]
)
def test_batch_norm_training_uses_batch_statistics(shape, axis):
    x = rand(*shape)
    c = shape[axis]
    gamma, beta = rand(c, seed=1), rand(c, seed=2)
    with autograd.train_mode():
        y = nd.BatchNorm(
            f64(x),
            f64(gamma),
            f64(beta),
            f64(np.zeros(c)),
            f64(np.ones(c)),
            eps=1e-5,
            fix_gamma=False,
            axis=axis,
        )
    axes = tuple(i for i in range(len(shape)) if i != axis % len(shape))
    ref = normalize(x, axes, 1e-5) * bcast(gamma, len(shape), axis) + bcast(beta, len(shape), axis)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-10, atol=1e-10)


def test_batch_norm_inference_uses_running_statistics_and_fix_gamma():
    x, mean, var = rand(3, 2, 4), np.array([0.5, -1.0]), np.array([2.0, 0.25])
    gamma, beta = np.array([3.0, -2.0]), np.array([0.1, 0.2])
    args = [f64(x), f64(gamma), f64(beta), f64(mean), f64(var)]
    y = nd.BatchNorm(*args, eps=1e-3, fix_gamma=False)
    ref = (x - mean[:, None]) / np.sqrt(var[:, None] + 1e-3) * gamma[:, None] + beta[:, None]
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-12)
    fixed = nd.BatchNorm(*args, eps=1e-3)  # fix_gamma=True is the op's default: gamma = 1
    np.testing.assert_allclose(
        fixed.asnumpy(), (ref - beta[:, None]) / gamma[:, None] + beta[:, None], rtol=1e-12
    )


@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("shape,axis", [((4, 3, 2, 2), 1), ((5, 2, 3), -1)])
def test_batch_norm_gradients_match_finite_differences(train, shape, axis):
    c = shape[axis]
    arrays = [rand(*shape), rand(c, seed=1), rand(c, seed=2)]
    mean, var = f64(rand(c, seed=3)), f64(np.abs(rand(c, seed=4)) + 0.5)
    check_gradients(
        lambda x, g, b: nd.BatchNorm(x, g, b, mean, var, fix_gamma=False, axis=axis),
        arrays,
        train=train,
    )


def test_batch_norm_fix_gamma_gives_gamma_a_zero_gradient():
    x, gamma, beta = f64(rand(4, 2, 3)), f64([2.0, 3.0]), f64([0.0, 0.0])
    gamma.attach_grad()
    with autograd.record():
        y = nd.BatchNorm(x, gamma, beta, f64([0, 0]), f64([1, 1]))
    y.backward()
    assert gamma.grad.asnumpy().tolist() == [0.0, 0.0]
    assert gamma.asnumpy().tolist() == [2.0, 3.0]  # not overwritten (MXNet writes 1 into it)


def test_batch_norm_output_mean_var_returns_mean_and_inverse_std():
    x = rand(4, 3, 5)
    with autograd.train_mode():
        y, mean, invstd = nd.BatchNorm(
            f64(x),
            f64(np.ones(3)),
            f64(np.zeros(3)),
            f64(np.zeros(3)),
            f64(np.ones(3)),
            eps=1e-3,
            output_mean_var=True,
        )
    np.testing.assert_allclose(mean.asnumpy(), x.mean(axis=(0, 2)), rtol=1e-12)
    np.testing.assert_allclose(invstd.asnumpy(), 1 / np.sqrt(x.var(axis=(0, 2)) + 1e-3), rtol=1e-12)


# ---- BatchNorm layer ------------------------------------------------------------------------


def test_batch_norm_running_statistics_update_only_when_training_under_record():
    x = nd.array(np.arange(24, dtype=np.float32).reshape(2, 3, 2, 2) / 7.0)
    bn = nn.BatchNorm()
    bn.initialize()
    assert bn.running_mean.grad_req == "null" and bn.running_var.grad_req == "null"
    bn(x)  # predict mode: no update
    with autograd.train_mode():  # training without recording: no update
        bn(x)
    with autograd.record(train_mode=False):  # recording in predict mode: no update
        bn(x)
    assert bn.running_mean.data().asnumpy().tolist() == [0, 0, 0]
    assert bn.running_var.data().asnumpy().tolist() == [1, 1, 1]
    with autograd.record():
        y = bn(x)
    y.backward()
    # MXNet 1.9.1 after the same step
    np.testing.assert_allclose(
        bn.running_mean.data().asnumpy(),
        [0.10714288055896759, 0.16428576409816742, 0.22142863273620605],
        rtol=1e-6,
    )
    np.testing.assert_allclose(bn.running_var.data().asnumpy(), [0.9760203957557678] * 3, rtol=1e-6)
    with autograd.predict_mode():
        pred = bn(x)
    np.testing.assert_allclose(
        pred.asnumpy()[0, :, 0, 0],
        [-0.1084505245089531, 0.4121118485927582, 0.9326742887496948],
        rtol=1e-5,
    )
    with pytest.raises(RuntimeError, match="grad_req='null'"):
        bn.running_mean.grad()


def test_batch_norm_momentum_and_use_global_stats():
    x = rand(8, 2, 3).astype(np.float32)
    bn = nn.BatchNorm(momentum=0.5)
    bn.initialize()
    with autograd.record():
        bn(nd.array(x))
    np.testing.assert_allclose(
        bn.running_mean.data().asnumpy(), 0.5 * x.mean(axis=(0, 2)), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        bn.running_var.data().asnumpy(), 0.5 + 0.5 * x.var(axis=(0, 2)), rtol=1e-5
    )
    frozen = nn.BatchNorm(use_global_stats=True)
    frozen.initialize()
    with autograd.record():
        y = frozen(nd.array(x))
    assert frozen.running_mean.data().asnumpy().tolist() == [0, 0]
    np.testing.assert_allclose(y.asnumpy(), x / np.sqrt(1 + 1e-5), rtol=1e-6)


def test_batch_norm_defers_channels_and_prints_like_mxnet():
    bn = nn.BatchNorm()
    assert repr(bn) == (
        "BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, "
        "use_global_stats=False, in_channels=None)"
    )
    assert [p.shape for p in bn.params.values()] == [(0,)] * 4
    assert [p.init for p in bn.params.values()] == ["ones", "zeros", "zeros", "ones"]
    bn.initialize()
    bn(nd.ones((2, 5, 3)))
    assert [p.shape for p in bn.params.values()] == [(5,)] * 4
    assert repr(bn).endswith("in_channels=5)")
    other = nn.BatchNorm(
        axis=2,
        momentum=0.8,
        epsilon=1e-3,
        center=False,
        scale=False,
        use_global_stats=True,
        in_channels=5,
    )
    assert repr(other) == (
        "BatchNorm(axis=2, eps=0.001, momentum=0.8, fix_gamma=True, "
        "use_global_stats=True, in_channels=5)"
    )
    assert other.gamma.grad_req == "null" and other.beta.grad_req == "null"


def test_batch_norm_scale_false_pins_gamma_to_one():
    x = rand(6, 2, 3).astype(np.float32)
    bn = nn.BatchNorm(scale=False, in_channels=2)
    bn.initialize()
    bn.gamma.set_data(nd.array([5.0, 5.0]))
    with autograd.train_mode():
        y = bn(nd.array(x))
    np.testing.assert_allclose(y.asnumpy(), normalize(x, (0, 2), 1e-5), rtol=1e-4, atol=1e-5)


def test_batch_norm_float16_data_keeps_float32_parameters():
    bn = nn.BatchNorm(in_channels=3)
    bn.initialize()
    bn.cast("float16")
    assert bn.gamma.dtype == "float32"
    x = rand(4, 3, 5)
    with autograd.record():
        y = bn(nd.array(x, dtype="float16"))
    assert y.dtype == np.float16
    np.testing.assert_allclose(y.asnumpy(), normalize(x, (0, 2), 1e-5), rtol=1e-2, atol=1e-2)
    np.testing.assert_allclose(
        bn.running_mean.data().asnumpy(), 0.1 * x.mean(axis=(0, 2)), rtol=1e-2, atol=1e-3
    )


def test_batch_norm_channel_mismatch_and_bad_axis_name_the_layer():
    bn = nn.BatchNorm()
    bn.initialize()
    bn(nd.ones((2, 3, 4)))
    with pytest.raises(MXNetError) as info:
        bn(nd.ones((2, 4, 4)))
    assert (
        "BatchNorm layer '%s' (BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, "
        "use_global_stats=False, in_channels=3)) normalizes 3 channels on axis 1, but got an "
        "input of shape (2, 4, 4) with 4 there" % bn.name
    ) in str(info.value)
    wide = nn.BatchNorm(axis=3)
    wide.initialize()
    with pytest.raises(
        MXNetError,
        match=r"normalizes along axis 3, but its input of shape "
        r"\(2, 3\) has only 2 axes",
    ):
        wide(nd.ones((2, 3)))
    with pytest.raises(MXNetError, match=r"BatchNorm: moving_var must have shape \(2,\)"):
        nd.BatchNorm(nd.ones((2, 2)), nd.ones(2), nd.ones(2), nd.ones(2), nd.ones(3))


# ---- LayerNorm, InstanceNorm ----------------------------------------------------------------


@pytest.mark.parametrize("shape,axis", [((2, 3, 4), -1), ((2, 3, 4), 1), ((5, 6), 0)])
def test_layer_norm_matches_numpy_and_finite_differences(shape, axis):
    x, gamma, beta = rand(*shape), rand(shape[axis], seed=1), rand(shape[axis], seed=2)
    y = nd.LayerNorm(f64(x), f64(gamma), f64(beta), axis=axis, eps=1e-5)
    ref = normalize(x, axis, 1e-5) * bcast(gamma, len(shape), axis) + bcast(beta, len(shape), axis)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-10, atol=1e-10)
    check_gradients(lambda a, g, b: nd.LayerNorm(a, g, b, axis=axis), [x, gamma, beta])


@pytest.mark.parametrize("shape", [(2, 3, 5), (2, 2, 3, 4)])
def test_instance_norm_matches_numpy_and_finite_differences(shape):
    x, gamma, beta = rand(*shape), rand(shape[1], seed=1), rand(shape[1], seed=2)
    y = nd.InstanceNorm(f64(x), f64(gamma), f64(beta), eps=1e-3)
    axes = tuple(range(2, len(shape)))
    ref = normalize(x, axes, 1e-3) * bcast(gamma, len(shape), 1) + bcast(beta, len(shape), 1)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-10, atol=1e-10)
    check_gradients(lambda a, g, b: nd.InstanceNorm(a, g, b), [x, gamma, beta])


def test_layer_norm_layer_defers_channels_and_prints_like_mxnet():
    ln = nn.LayerNorm()
    assert repr(ln) == "LayerNorm(eps=1e-05, axis=-1, center=True, scale=True, in_channels=0)"
    ln.initialize()
    x = rand(2, 3, 6).astype(np.float32)
    y = ln(nd.array(x))
    assert repr(ln) == "LayerNorm(eps=1e-05, axis=-1, center=True, scale=True, in_channels=6)"
    np.testing.assert_allclose(y.asnumpy(), normalize(x, -1, 1e-5), rtol=1e-5, atol=1e-5)
    fixed = nn.LayerNorm(axis=1, epsilon=1e-3, center=False, scale=False, in_channels=3)
    assert repr(fixed) == "LayerNorm(eps=0.001, axis=1, center=False, scale=False, in_channels=3)"
    assert fixed.gamma.grad_req == "null" and fixed.beta.grad_req == "null"


def test_instance_norm_layer_axis_and_repr():
    layer = nn.InstanceNorm(axis=2)
    assert repr(layer) == "InstanceNorm(eps=1e-05, axis=2, center=True, scale=False, in_channels=0)"
    assert layer.gamma.grad_req == "null" and layer.beta.grad_req == "write"
    layer.initialize()
    x = rand(2, 4, 3, 5).astype(np.float32)
    y = layer(nd.array(x))
    assert layer.gamma.shape == (3,)
    ref = normalize(x.swapaxes(1, 2), (2, 3), 1e-5).swapaxes(1, 2)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-4, atol=1e-4)


def test_norm_layer_channel_mismatch_names_the_layer():
    ln = nn.LayerNorm(in_channels=4)
    ln.initialize()
    with pytest.raises(
        MXNetError,
        match=r"LayerNorm layer 'layernorm\d+' .* normalizes 4 "
        r"channels on axis -1, but got an input of shape "
        r"\(2, 5\) with 5 there",
    ):
        ln(nd.ones((2, 5)))


def _norm_ops_on(ctx):
    """BatchNorm, InstanceNorm and LayerNorm of (data, gamma, beta), their constants on ``ctx``."""
    return [
        lambda a, g, b: nd.BatchNorm(
            a,
            g,
            b,
            nd.zeros(3, ctx=ctx, dtype="float64"),
            nd.ones(3, ctx=ctx, dtype="float64"),
            fix_gamma=False,
        ),
        lambda a, g, b: nd.InstanceNorm(a, g, b),
        lambda a, g, b: nd.LayerNorm(
            a, nd.ones(6, ctx=ctx, dtype="float64"), nd.zeros(6, ctx=ctx, dtype="float64")
        ),
    ]


@requires_gpu
def test_normalization_gpu_matches_cpu():
    x, gamma, beta = rand(4, 3, 5, 6), rand(3, seed=1), rand(3, seed=2)
    results = []
    for ctx in [mx.cpu(), mx.gpu(0)]:
        outs = []
        for op in _norm_ops_on(ctx):
            arrays = [nd.array(v, ctx=ctx, dtype="float64") for v in (x, gamma, beta)]
            for a in arrays:
                a.attach_grad()
            with autograd.record():
                y = op(*arrays)
            (y * y).backward()
            outs += [y.asnumpy()] + [a.grad.asnumpy() for a in arrays]
        results.append(outs)
    for cpu_value, gpu_value in zip(*results):
        np.testing.assert_allclose(gpu_value, cpu_value, rtol=1e-9, atol=1e-9)
