"""GroupNorm, ReflectionPad2D and contrib SyncBatchNorm, against MXNet 1.9.1's outputs."""

import numpy as np
import pytest
from conftest import numeric_grad

import gluonlite as mx
from gluonlite import autograd, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import nn


def _group_norm_reference(x, groups, gamma, beta, eps=1e-5):
    n = x.shape[0]
    g = x.reshape(n, groups, -1)
    normed = (g - g.mean(2, keepdims=True)) / np.sqrt(g.var(2, keepdims=True) + eps)
    return (normed * gamma[None, :, None] + beta[None, :, None]).reshape(x.shape)


def test_group_norm_matches_mxnet_and_numpy():
    layer = nn.GroupNorm(num_groups=2)
    layer.initialize()
    x = nd.arange(2 * 4 * 3).reshape((2, 4, 3))
    y = layer(x).asnumpy()
    # MXNet 1.9.1 prints these for sample 0
    np.testing.assert_allclose(
        y[0, :2],
        [[-1.4638476, -0.8783086, -0.29276952], [0.29276952, 0.8783086, 1.4638476]],
        rtol=1e-5,
    )
    assert layer.gamma.shape == (2,) and layer.beta.shape == (2,)
    assert repr(layer) == "GroupNorm(eps=1e-05, num_groups=2, center=True, scale=True)"
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 6, 2, 2))
    gamma, beta = np.array([1.5, -0.5, 2.0]), np.array([0.1, 0.2, 0.3])
    layer = nn.GroupNorm(num_groups=3)
    layer.initialize()
    layer.gamma.set_data(nd.array(gamma))
    layer.beta.set_data(nd.array(beta))
    np.testing.assert_allclose(
        layer(nd.array(a)).asnumpy(), _group_norm_reference(a, 3, gamma, beta), rtol=1e-4, atol=1e-5
    )


def test_group_norm_gradient_and_errors():
    layer = nn.GroupNorm(num_groups=2)
    layer.cast("float64")
    layer.initialize()
    rng = np.random.default_rng(1)
    a = rng.standard_normal((2, 4, 3))
    w = rng.standard_normal(a.shape)
    x = nd.array(a, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = layer(x)
    y.backward(nd.array(w, dtype="float64"))
    ones, zeros = np.ones(2), np.zeros(2)
    num = numeric_grad(lambda v: float((_group_norm_reference(v, 2, ones, zeros) * w).sum()), a)
    np.testing.assert_allclose(x.grad.asnumpy(), num, rtol=1e-5, atol=1e-7)
    with pytest.raises(MXNetError, match="divisible by num_groups=3"):
        g = nn.GroupNorm(num_groups=3)
        g.initialize()
        g(nd.ones((1, 4, 2)))


def test_reflection_pad_2d():
    layer = nn.ReflectionPad2D(1)
    y = layer(nd.arange(6).reshape((1, 1, 2, 3))).asnumpy()
    np.testing.assert_array_equal(
        y[0, 0], [[4, 3, 4, 5, 4], [1, 0, 1, 2, 1], [4, 3, 4, 5, 4], [1, 0, 1, 2, 1]]
    )  # MXNet 1.9.1
    assert layer(nd.ones((2, 3, 24, 24))).shape == (2, 3, 26, 26)


def test_sync_batch_norm_on_one_device_is_batch_norm():
    rng = np.random.default_rng(2)
    a = rng.uniform(size=(8, 3, 4))
    bn = nn.BatchNorm(in_channels=3)
    sbn = mx.gluon.contrib.nn.SyncBatchNorm(in_channels=3, num_devices=1)
    bn.initialize()
    sbn.initialize()
    with autograd.record():
        y1, y2 = bn(nd.array(a)), sbn(nd.array(a))
    np.testing.assert_allclose(y1.asnumpy(), y2.asnumpy(), rtol=1e-6)
    np.testing.assert_allclose(
        bn.running_mean.data().asnumpy(), sbn.running_mean.data().asnumpy(), rtol=1e-6
    )
    assert sbn.prefix.startswith("syncbatchnorm")
    assert repr(sbn) == (
        "SyncBatchNorm(eps=1e-05, momentum=0.9, fix_gamma=False, "
        f"use_global_stats=False, ndev=1, key='{sbn.prefix}', in_channels=3)"
    )
    with pytest.raises(NotImplementedError, match="num_devices=2"):
        mx.gluon.contrib.nn.SyncBatchNorm(num_devices=2)
