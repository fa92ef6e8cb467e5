"""Block.summary: the table MXNet 1.9.1 prints, byte for byte.

Each expected table below was printed by MXNet 1.9.1 for the same net and inputs. Blocks get
explicit prefixes so the names (and the Symbol rows MXNet prints for layers inside a deferred
block) do not depend on how many blocks earlier tests created.
"""

import contextlib
import io

import pytest

import gluonlite as mx


def _build(name):
    nd = mx.nd
    nn = mx.gluon.nn
    if name == "sequential":
        net = nn.Sequential()
        net.add(
            nn.Conv2D(4, 3, in_channels=1),
            nn.BatchNorm(in_channels=4),
            nn.Activation("relu"),
            nn.Dense(10, in_units=4 * 6 * 6),
        )
        net.initialize()
        return net, (nd.ones((2, 1, 8, 8)),)
    if name == "deferred_mlp":
        net = nn.Sequential()
        net.add(nn.Dense(256, activation="relu", prefix="hidden_"), nn.Dense(10, prefix="out_"))
        net.initialize()
        return net, (nd.ones((2, 20)),)
    if name == "deferred_lenet":
        net = nn.HybridSequential()
        net.add(
            nn.Conv2D(6, 5, activation="sigmoid", prefix="conv_"),
            nn.MaxPool2D(2),
            nn.BatchNorm(),
            nn.Flatten(),
            nn.Dense(5, activation="tanh", prefix="fc_"),
            nn.Dropout(0.5),
        )
        net.initialize()
        return net, (nd.ones((1, 1, 12, 12)),)
    if name == "nested":

        class Nested(nn.HybridBlock):
            def __init__(self, **kw):
                super().__init__(**kw)
                with self.name_scope():
                    self.a = nn.Dense(5)
                    self.inner = nn.HybridSequential()
                    self.inner.add(nn.Dense(3, activation="relu"), nn.Dense(2))

            def hybrid_forward(self, F, x):
                return self.inner(self.a(x))

        net = Nested(prefix="nested_")
        net.initialize()
        return net, (nd.ones((4, 7)),)
    if name == "shared":
        shared = nn.Dense(6, in_units=6)
        net = nn.Sequential()
        net.add(shared, nn.Dense(6, in_units=6, params=shared.params), shared)
        net.initialize()
        return net, (nd.ones((1, 6)),)
    if name == "multi_io":

        class Multi(nn.Block):
            def __init__(self, **kw):
                super().__init__(**kw)
                with self.name_scope():
                    self.d = nn.Dense(2, in_units=3)

            def forward(self, x, y):
                return self.d(x), [y * 2, y]

        net = Multi()
        net.initialize()
        return net, (nd.ones((1, 3)), nd.ones((5,)))
    if name == "lstm_with_states":
        net = mx.gluon.rnn.LSTM(4, input_size=3)
        net.initialize()
        return net, (nd.ones((5, 2, 3)), net.begin_state(batch_size=2))
    if name == "block_children":

        class Net(nn.Block):
            def __init__(self, **kw):
                super().__init__(**kw)
                with self.name_scope():
                    self.body = nn.Sequential()
                    self.body.add(nn.Dense(8, activation="relu"), nn.Dropout(0.1))
                    self.head = nn.Dense(3, in_units=8, use_bias=False)

            def forward(self, x):
                return self.head(self.body(x)).sum(axis=1)

        net = Net(prefix="net_")
        net.initialize()
        return net, (nd.ones((2, 5)),)
    raise KeyError(name)


EXPECTED = {
    "sequential": (
        "--------------------------------------------------------------------------------\n"
        "        Layer (type)                                Output Shape         Param #\n"
        "================================================================================\n"
        "               Input                                (2, 1, 8, 8)               0\n"
        "            Conv2D-1                                (2, 4, 6, 6)              40\n"
        "         BatchNorm-2                                (2, 4, 6, 6)              16\n"
        "        Activation-3                                (2, 4, 6, 6)               0\n"
        "             Dense-4                                     (2, 10)            1450\n"
        "================================================================================\n"
        "Parameters in forward computation graph, duplicate included\n"
        "   Total params: 1506\n"
        "   Trainable params: 1498\n"
        "   Non-trainable params: 8\n"
        "Shared params in forward computation graph: 0\n"
        "Unique parameters in model: 1506\n"
        "--------------------------------------------------------------------------------\n"
    ),
    "deferred_mlp": (
        "--------------------------------------------------------------------------------\n"
        "        Layer (type)                                Output Shape         Param #\n"
        "================================================================================\n"
        "               Input                                     (2, 20)               0\n"
        "        Activation-1                    <Symbol hidden_relu_fwd>               0\n"
        "        Activation-2                                    (2, 256)               0\n"
        "             Dense-3                                    (2, 256)            5376\n"
        "             Dense-4                                     (2, 10)            2570\n"
        "================================================================================\n"
        "Parameters in forward computation graph, duplicate included\n"
        "   Total params: 7946\n"
        "   Trainable params: 7946\n"
        "   Non-trainable params: 0\n"
        "Shared params in forward computation graph: 0\n"
        "Unique parameters in model: 7946\n"
        "--------------------------------------------------------------------------------\n"
    ),
    "deferred_lenet": (
        "--------------------------------------------------------------------------------\n"
        "        Layer (type)                                Output Shape         Param #\n"
        "================================================================================\n"
        "               Input                              (1, 1, 12, 12)               0\n"
        "        Activation-1                   <Symbol conv_sigmoid_fwd>               0\n"
        "        Activation-2                                (1, 6, 8, 8)               0\n"
        "            Conv2D-3                                (1, 6, 8, 8)             156\n"
        "         MaxPool2D-4                                (1, 6, 4, 4)               0\n"
        "         BatchNorm-5                                (1, 6, 4, 4)              24\n"
        "           Flatten-6                                     (1, 96)               0\n"
        "        Activation-7                        <Symbol fc_tanh_fwd>               0\n"
        "        Activation-8                                      (1, 5)               0\n"
        "             Dense-9                                      (1, 5)             485\n"
        "          Dropout-10                                      (1, 5)               0\n"
        "================================================================================\n"
        "Parameters in forward computation graph, duplicate included\n"
        "   Total params: 665\n"
        "   Trainable params: 653\n"
        "   Non-trainable params: 12\n"
        "Shared params in forward computation graph: 0\n"
        "Unique parameters in model: 665\n"
        "--------------------------------------------------------------------------------\n"
    ),
    "nested": (
        "--------------------------------------------------------------------------------\n"
        "        Layer (type)                                Output Shape         Param #\n"
        "================================================================================\n"
        "               Input                                      (4, 7)               0\n"
        "             Dense-1                                      (4, 5)              40\n"
        "        Activation-2             <Symbol nested_dense1_relu_fwd>               0\n"
        "        Activation-3                                      (4, 3)               0\n"
        "             Dense-4                                      (4, 3)              18\n"
        "             Dense-5                                      (4, 2)               8\n"
        "            Nested-6                                      (4, 2)               0\n"
        "================================================================================\n"
        "Parameters in forward computation graph, duplicate included\n"
        "   Total params: 66\n"
        "   Trainable params: 66\n"
        "   Non-trainable params: 0\n"
        "Shared params in forward computation graph: 0\n"
        "Unique parameters in model: 66\n"
        "--------------------------------------------------------------------------------\n"
    ),
    "shared": (
        "--------------------------------------------------------------------------------\n"
        "        Layer (type)                                Output Shape         Param #\n"
        "================================================================================\n"
        "               Input                                      (1, 6)               0\n"
        "             Dense-1                                      (1, 6)              42\n"
        "             Dense-2                                      (1, 6)              42\n"
        "             Dense-3                                      (1, 6)              42\n"
        "             Dense-4                                      (1, 6)              42\n"
        "             Dense-5                                      (1, 6)              42\n"
        "================================================================================\n"
        "Parameters in forward computation graph, duplicate included\n"
        "   Total params: 210\n"
        "   Trainable params: 210\n"
        "   Non-trainable params: 0\n"
        "Shared params in forward computation graph: 168\n"
        "Unique parameters in model: 42\n"
        "--------------------------------------------------------------------------------\n"
    ),
    "multi_io": (
        "--------------------------------------------------------------------------------\n"
        "        Layer (type)                                Output Shape         Param #\n"
        "================================================================================\n"
        "               Input                                (1, 3), (5,)               0\n"
        "             Dense-1                                      (1, 2)               8\n"
        "             Multi-2                        (1, 2), [(5,), (5,)]               0\n"
        "================================================================================\n"
        "Parameters in forward computation graph, duplicate included\n"
        "   Total params: 8\n"
        "   Trainable params: 8\n"
        "   Non-trainable params: 0\n"
        "Shared params in forward computation graph: 0\n"
        "Unique parameters in model: 8\n"
        "--------------------------------------------------------------------------------\n"
    ),
    "lstm_with_states": (
        "--------------------------------------------------------------------------------\n"
        "        Layer (type)                                Output Shape         Param #\n"
        "================================================================================\n"
        "               Input           (5, 2, 3), [(1, 2, 4), (1, 2, 4)]               0\n"
        "              LSTM-1           (5, 2, 4), [(1, 2, 4), (1, 2, 4)]             144\n"
        "================================================================================\n"
        "Parameters in forward computation graph, duplicate included\n"
        "   Total params: 144\n"
        "   Trainable params: 144\n"
        "   Non-trainable params: 0\n"
        "Shared params in forward computation graph: 0\n"
        "Unique parameters in model: 144\n"
        "--------------------------------------------------------------------------------\n"
    ),
    "block_children": (
        "--------------------------------------------------------------------------------\n"
        "        Layer (type)                                Output Shape         Param #\n"
        "================================================================================\n"
        "               Input                                      (2, 5)               0\n"
        "        Activation-1                <Symbol net_dense0_relu_fwd>               0\n"
        "        Activation-2                                      (2, 8)               0\n"
        "             Dense-3                                      (2, 8)              48\n"
        "           Dropout-4                                      (2, 8)               0\n"
        "             Dense-5                                      (2, 3)              24\n"
        "               Net-6                                        (2,)               0\n"
        "================================================================================\n"
        "Parameters in forward computation graph, duplicate included\n"
        "   Total params: 72\n"
        "   Trainable params: 72\n"
        "   Non-trainable params: 0\n"
        "Shared params in forward computation graph: 0\n"
        "Unique parameters in model: 72\n"
        "--------------------------------------------------------------------------------\n"
    ),
}


def _summary_text(net, inputs):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        net.summary(*inputs)
    return buf.getvalue()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_summary_prints_mxnet_table(name):
    net, inputs = _build(name)
    assert _summary_text(net, inputs) == EXPECTED[name]


def test_summary_twice_drops_the_symbol_rows_once_shapes_are_known():
    net, inputs = _build("deferred_mlp")
    _summary_text(net, inputs)
    second = _summary_text(net, inputs)
    assert "Symbol" not in second
    assert "        Activation-1                                    (2, 256)               0\n" in (
        second
    )
    assert "   Total params: 7946\n" in second


def test_summary_leaves_no_hooks_behind():
    net, inputs = _build("nested")
    _summary_text(net, inputs)
    for block in [net, net.a, net.inner, net.inner[0], net.inner[0].act, net.inner[1]]:
        assert not block._forward_hooks and not block._forward_pre_hooks
        assert "_finish_deferred" not in block.__dict__


def test_summary_of_hybridized_net_raises_like_mxnet():
    nn = mx.gluon.nn
    net = nn.HybridSequential(prefix="hs_")
    with net.name_scope():
        net.add(nn.Dense(3, prefix="first_"), nn.Dense(2, prefix="second_"))
    net.initialize()
    net.hybridize()
    with pytest.raises(AssertionError) as info:
        net.summary(mx.nd.ones((1, 2)))
    assert str(info.value) == '"hs_first" must not be hybridized to print summary.'
    assert not net[0]._forward_hooks  # the hooks registered before the failure are gone
    net.hybridize(False)
    text = _summary_text(net, (mx.nd.ones((1, 2)),))
    assert "             Dense-2                                      (1, 2)               8\n" in (
        text
    )


def test_summary_of_uninitialized_net_raises_like_mxnet():
    nn = mx.gluon.nn
    net = nn.Sequential(prefix="s_")
    with net.name_scope():
        net.add(nn.Dense(3, in_units=2), nn.Dense(4))
    with pytest.raises(RuntimeError, match="^Parameter 's_dense0_weight' has not been initialized"):
        net.summary(mx.nd.ones((1, 2)))
