"""Block.save / Block.load: structure JSON plus parameters, as MXNet 1.9 writes them."""

import json

import numpy as np
import pytest

import gluonlite as mx
from gluonlite.base import MXNetError


class MyBlock(mx.gluon.nn.Block):
    def add(self, block):
        self._children[block.name + str(len(self._children))] = block

    def forward(self, x, *args):
        out = (x,) + args
        for block in self._children.values():
            out = block(*out)
        return out


def _net():
    inside = MyBlock()
    inside.add(mx.gluon.nn.Dense(10))
    net = MyBlock()
    net.add(inside)
    net.add(mx.gluon.nn.Dense(10))
    return net


def test_save_then_load_into_a_fresh_model_gives_the_same_output(tmp_path):
    net1 = _net()
    net1.initialize()
    net1.hybridize()
    x = mx.nd.ones((1, 10))
    out1 = net1(x)
    prefix = str(tmp_path / "MyModel")
    net1.save(prefix)
    model = json.load(open(prefix + "-model.json"))
    top = model["myblock0"]
    # the layout MXNet 1.9.1 writes (minus the cached Symbol graph gluonlite doesn't have)
    assert top["orig_name"] == net1.name
    assert list(top["children"].values()) == list(net1._children.keys())
    assert top["dense3"]["hybridized"] is True
    net2 = _net()
    assert net2.name != net1.name
    net2.load(prefix)
    assert net2.name == net1.name
    assert list(net2._children.keys()) == list(net1._children.keys())
    dense = list(net2._children.values())[1]
    assert dense.weight.name == list(net1._children.values())[1].weight.name
    np.testing.assert_array_equal(net2(x).asnumpy(), out1.asnumpy())


def test_load_into_a_different_architecture_names_the_block(tmp_path):
    net = _net()
    net.initialize()
    net(mx.nd.ones((1, 10)))
    prefix = str(tmp_path / "m")
    net.save(prefix)
    other = MyBlock()
    other.add(mx.gluon.nn.Conv2D(3, 1))
    with pytest.raises(MXNetError, match="no entry 'conv2d1'"):
        other.load(prefix)
