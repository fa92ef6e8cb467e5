"""gluon.contrib.nn: Concurrent, HybridConcurrent, Identity (expected values from MXNet 1.9.1)."""

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import autograd
from gluonlite.gluon import nn
from gluonlite.gluon.contrib.nn import Concurrent, HybridConcurrent, Identity


def _branches_net(container):
    net = container(axis=1)
    with net.name_scope():
        net.add(nn.Dense(2, in_units=3), Identity(), nn.Dense(1, in_units=3))
    net.initialize(mx.init.One())
    return net


@pytest.mark.parametrize("container", [HybridConcurrent, Concurrent])
def test_concurrent_concatenates_children_outputs_on_axis(container):
    net = _branches_net(container)
    out = net(mx.nd.array([[1, 2, 3]]))
    np.testing.assert_array_equal(out.asnumpy(), [[6, 6, 1, 2, 3, 6]])


def test_hybrid_concurrent_default_axis_is_last():
    net = HybridConcurrent()
    net.add(Identity(), Identity())
    out = net(mx.nd.array([[[1, 2]], [[3, 4]]]))
    assert out.shape == (2, 1, 4)
    np.testing.assert_array_equal(out.asnumpy()[1, 0], [3, 4, 3, 4])


def test_hybrid_concurrent_names_and_repr_match_mxnet():
    net = HybridConcurrent(axis=1)
    assert net.prefix.startswith("hybridconcurrent")
    with net.name_scope():
        net.add(nn.Dense(2, in_units=3), Identity(), nn.Dense(1, in_units=3))
    keys = [k[len(net.prefix) :] for k in net.collect_params().keys()]
    assert keys == ["dense0_weight", "dense0_bias", "dense1_weight", "dense1_bias"]
    assert repr(net) == (
        "HybridConcurrent(\n  (0): Dense(3 -> 2, linear)\n  (1): Identity(\n"
        "  \n  )\n  (2): Dense(3 -> 1, linear)\n)"
    )
    assert len(net) == 3 and isinstance(net[1], Identity)


def test_identity_returns_input_and_passes_gradient():
    x = mx.nd.array([[1.0, -2.0]])
    x.attach_grad()
    with autograd.record():
        y = (Identity()(x) * 3).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [[3, 3]])
    assert repr(Identity()) == "Identity(\n\n)"


def test_hybrid_concurrent_rejects_non_hybrid_child():
    with pytest.raises(ValueError, match="Children of HybridBlock must also be HybridBlock"):
        HybridConcurrent().add(nn.Sequential())
