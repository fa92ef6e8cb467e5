"""Embedding and the LeakyReLU family (nd.Embedding, nd.LeakyReLU and the Gluon layers
Embedding, LeakyReLU, PReLU, ELU, SELU, GELU, Swish): values against numpy, gradients
against finite differences, reprs recorded from MXNet 1.9.1; and a LeNet-style network's
deferred shapes and repr."""

import math

import numpy as np
import pytest
from conftest import numeric_grad, requires_gpu

import gluonlite as mx
from gluonlite import autograd, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import nn

SELU_LAMBDA, SELU_ALPHA = 1.0507009873554804934193349852946, 1.6732632423543772848170429916717
erf = np.vectorize(math.erf)


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


ACTS = {
    "leaky": lambda x, s: np.where(x > 0, x, s * x),
    "elu": lambda x, s: np.where(x > 0, x, s * (np.exp(x) - 1)),
    "selu": lambda x, s: SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1)),
    "gelu": lambda x, s: 0.5 * x * (1 + erf(x / np.sqrt(2))),
}


@pytest.mark.parametrize("act", sorted(ACTS))
def test_leaky_relu_family_values_and_gradients(act):
    x0 = rand(3, 4)
    y = nd.LeakyReLU(nd.array(x0, dtype="float64"), act_type=act, slope=0.3)
    np.testing.assert_allclose(y.asnumpy(), ACTS[act](x0, 0.3), rtol=1e-12, atol=1e-14)
    x = nd.array(x0, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = nd.LeakyReLU(x, act_type=act, slope=0.3)
    y.backward()
    expected = numeric_grad(lambda v: float(ACTS[act](v, 0.3).sum()), x0)
    np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-6, atol=1e-8)


def test_leaky_relu_values_recorded_from_mxnet():
    x = nd.array([-2.0, -0.5, 0, 0.5, 2])
    np.testing.assert_allclose(nd.LeakyReLU(x).asnumpy(), [-0.5, -0.125, 0.0, 0.5, 2.0])
    np.testing.assert_allclose(
        nd.LeakyReLU(x, act_type="elu").asnumpy(),
        [-0.21616618, -0.09836735, 0.0, 0.5, 2.0],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        nd.LeakyReLU(x, act_type="selu", slope=0.3).asnumpy(),
        [-1.5201665, -0.6917582, 0.0, 0.5253505, 2.101402],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        nd.LeakyReLU(x, act_type="gelu").asnumpy(),
        [-0.0455001, -0.15426877, 0.0, 0.3457312, 1.9544998],
        rtol=1e-5,
    )
    with autograd.predict_mode():  # rrelu outside training: the mean of the bounds
        np.testing.assert_allclose(
            nd.LeakyReLU(x, act_type="rrelu").asnumpy(),
            ACTS["leaky"](x.asnumpy(), (0.125 + 0.334) / 2),
            rtol=1e-6,
        )
    with pytest.raises(MXNetError, match=r"unknown act_type 'swish'"):
        nd.LeakyReLU(x, act_type="swish")


def test_rrelu_slopes_are_drawn_within_bounds_while_training():
    x = nd.array(-np.ones((1000,)))
    with autograd.train_mode():
        y = nd.LeakyReLU(x, act_type="rrelu", lower_bound=0.2, upper_bound=0.3).asnumpy()
    assert (-y >= 0.2).all() and (-y < 0.3).all() and len(np.unique(y)) > 100


@pytest.mark.parametrize("channels", [1, 3])
def test_prelu_gradients_for_data_and_per_channel_slopes(channels):
    x0, g0 = rand(2, 3, 4), np.array([0.1, 0.2, 0.3])[:channels]

    def ref(x, g):
        return np.where(x > 0, x, g.reshape(1, -1, 1) * x)

    x, g = nd.array(x0, dtype="float64"), nd.array(g0, dtype="float64")
    x.attach_grad()
    g.attach_grad()
    with autograd.record():
        y = nd.LeakyReLU(x, g, act_type="prelu")
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), ref(x0, g0), rtol=1e-12)
    np.testing.assert_allclose(
        x.grad.asnumpy(), numeric_grad(lambda v: float(ref(v, g0).sum()), x0), rtol=1e-6, atol=1e-8
    )
    np.testing.assert_allclose(
        g.grad.asnumpy(), numeric_grad(lambda v: float(ref(x0, v).sum()), g0), rtol=1e-6, atol=1e-8
    )


def test_activation_layers_values_and_reprs():
    x0 = np.array([-2.0, -0.5, 0, 0.5, 2])
    x = nd.array(x0)
    cases = [
        (nn.LeakyReLU(0.1), "LeakyReLU(0.1)", ACTS["leaky"](x0, 0.1)),
        (nn.ELU(0.5), "ELU(\n\n)", ACTS["elu"](x0, 0.5)),
        (nn.SELU(), "SELU(\n\n)", ACTS["selu"](x0, 0)),
        (nn.GELU(), "GELU(\n\n)", ACTS["gelu"](x0, 0)),
        (nn.Swish(2.0), "Swish(\n\n)", x0 / (1 + np.exp(-2 * x0))),
    ]
    for layer, text, want in cases:
        assert repr(layer) == text
        np.testing.assert_allclose(layer(x).asnumpy(), want, rtol=1e-6, atol=1e-7)
    with pytest.raises(
        AssertionError, match="Slope coefficient for LeakyReLU must be no less than 0."
    ):
        nn.LeakyReLU(-0.1)


def test_prelu_layer_learns_its_slope():
    layer = nn.PReLU()
    assert repr(layer) == "PReLU(\n\n)"
    assert layer.alpha.shape == (1,) and layer.alpha.name.startswith("prelu")
    layer.initialize()
    np.testing.assert_allclose(layer.alpha.data().asnumpy(), [0.25])
    x = nd.array([[-2.0, 3.0], [-1.0, -4.0]])
    with autograd.record():
        y = layer(x)
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), [[-0.5, 3.0], [-0.25, -1.0]])
    np.testing.assert_allclose(layer.alpha.grad().asnumpy(), [-7.0])
    per_channel = nn.PReLU(in_channels=3)
    per_channel.initialize()
    assert per_channel(nd.ones((2, 3, 4)) * -1).asnumpy().tolist() == [[[-0.25] * 4] * 3] * 2


def test_embedding_gathers_rows_clips_and_scatters_gradients():
    weight = nd.arange(10).reshape((5, 2))
    idx = nd.array([[0, 4, 7, -1]])
    # MXNet 1.9.1: out-of-range indices are clipped
    assert nd.Embedding(idx, weight, input_dim=5, output_dim=2).asnumpy().tolist() == [
        [[0.0, 1.0], [8.0, 9.0], [8.0, 9.0], [0.0, 1.0]]
    ]
    layer = nn.Embedding(5, 2)
    assert repr(layer) == "Embedding(5 -> 2, float32)"
    assert repr(nn.Embedding(10, 4, dtype="float64")) == "Embedding(10 -> 4, float64)"
    layer.initialize()
    layer.weight.set_data(weight)
    with autograd.record():
        y = layer(nd.array([[1, 3], [1, 0]]))
        loss = y * nd.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
    loss.backward()
    assert y.shape == (2, 2, 2)
    np.testing.assert_allclose(
        layer.weight.grad().asnumpy(), [[7, 8], [6, 8], [0, 0], [3, 4], [0, 0]]
    )
    with pytest.raises(
        MXNetError,
        match=r"Embedding layer 'embedding\d+' .*weight must have "
        r"shape \(input_dim, output_dim\) = \(5, 3\), got \(5, 2\)",
    ):
        layer._kwargs["output_dim"] = 3
        layer(nd.array([0]))


_BATCH_NORM_REPR = (
    "BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, "
    "in_channels=None)"
)
_POOL_REPR = (
    "%s(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, "
    "pool_type=%s, layout=NCHW)"
)
LENET_BEFORE = f"""HybridSequential(
  (0): Conv2D(None -> 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2), Activation(relu))
  (1): {_BATCH_NORM_REPR}
  (2): {_POOL_REPR % ("MaxPool2D", "max")}
  (3): Conv2D(None -> 16, kernel_size=(3, 3), stride=(1, 1), Activation(relu))
  (4): {_BATCH_NORM_REPR}
  (5): {_POOL_REPR % ("AvgPool2D", "avg")}
  (6): Flatten
  (7): Dense(None -> 120, Activation(relu))
  (8): Dense(None -> 10, linear)
)"""


def lenet():
    net = nn.HybridSequential()
    net.add(
        nn.Conv2D(6, kernel_size=5, padding=2, activation="relu"),
        nn.BatchNorm(),
        nn.MaxPool2D(pool_size=2, strides=2),
        nn.Conv2D(16, kernel_size=3, activation="relu"),
        nn.BatchNorm(),
        nn.AvgPool2D(pool_size=2, strides=2),
        nn.Flatten(),
        nn.Dense(120, activation="relu"),
        nn.Dense(10),
    )
    return net


def test_lenet_prints_like_mxnet_before_and_after_the_first_forward():
    net = lenet()
    assert repr(net) == LENET_BEFORE  # recorded from MXNet 1.9.1
    net.initialize()
    with autograd.record():
        y = net(nd.ones((4, 1, 12, 12)))
    y.backward()
    assert y.shape == (4, 10)
    after = repr(net)
    assert "Conv2D(1 -> 6," in after and "Conv2D(6 -> 16," in after
    assert after.count("in_channels=6)") == 1 and after.count("in_channels=16)") == 1
    assert "Dense(64 -> 120, Activation(relu))" in after and "Dense(120 -> 10, linear)" in after
    grads = [p.grad() for p in net.collect_params().values() if p.grad_req != "null"]
    assert len(grads) == 12 and all(np.isfinite(g.asnumpy()).all() for g in grads)


@requires_gpu
def test_lenet_gpu_matches_cpu():
    x = nd.array(rand(4, 1, 12, 12))
    outputs = []
    for ctx in [mx.cpu(), mx.gpu(0)]:
        mx.random.seed(7)
        net = lenet()
        net.initialize(ctx=ctx)
        with autograd.record():
            y = net(x.as_in_context(ctx))
        y.backward()
        outputs.append(
            [y.asnumpy()]
            + [p.grad(ctx).asnumpy() for p in net.collect_params().values() if p.grad_req != "null"]
        )
    for cpu_value, gpu_value in zip(*outputs):
        np.testing.assert_allclose(gpu_value, cpu_value, rtol=1e-3, atol=1e-4)
