"""Block, HybridBlock, containers and layers (strings recorded from MXNet 1.9.1).

Name counters are per process, so expectations are computed from a probe block
created just before (``_next_number``), never assumed to start at 0.
"""

import re
import warnings
import weakref

import numpy as np
import pytest
from conftest import numeric_grad

import gluonlite as mx
from gluonlite import autograd, gluon, init, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import nn
from gluonlite.gluon.parameter import DeferredInitializationError


def _next_number(make, hint):
    """The counter value the next block of this kind will get."""
    return int(make().name[len(hint) :]) + 1


def _np(x):
    return x.asnumpy()


# ------------------------------------------------------------------ naming
def test_global_counters_are_per_class_and_keep_rising():
    n = _next_number(lambda: nn.Dense(1), "dense")
    s = _next_number(nn.Sequential, "sequential")
    net = nn.Sequential()
    net.add(nn.Dense(3), nn.Dense(4))
    assert net.name == "sequential%d" % s and net.prefix == "sequential%d_" % s
    assert [b.name for b in net] == ["dense%d" % n, "dense%d" % (n + 1)]
    assert nn.Dense(2).name == "dense%d" % (n + 2)


def test_custom_class_name_is_lower_cased():
    class MyDense2(nn.Block):
        pass

    first = MyDense2()
    number = int(first.name[len("mydense2") :])
    assert MyDense2().name == "mydense2%d" % (number + 1)


def test_activation_and_layer_hints():
    assert re.fullmatch(r"relu\d+", nn.Activation("relu").name)
    assert re.fullmatch(r"tanh\d+", nn.Activation("tanh").name)
    for block, hint in [
        (nn.Lambda("tanh"), "lambda"),
        (nn.HybridLambda("tanh"), "hybridlambda"),
        (nn.Dropout(0.1), "dropout"),
        (nn.Flatten(), "flatten"),
        (nn.HybridSequential(), "hybridsequential"),
        (nn.Sequential(), "sequential"),
        (nn.Block(), "block"),
        (nn.HybridBlock(), "hybridblock"),
    ]:
        assert re.fullmatch(hint + r"\d+", block.name), block.name


class MLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.hidden = nn.Dense(256, activation="relu")
            self.output = nn.Dense(10)

    def forward(self, x):
        return self.output(self.hidden(x))


def test_name_scope_prefixes_children():
    m = MLP()
    p = m.prefix
    assert (m.hidden.name, m.hidden.prefix) == (p + "dense0", p + "dense0_")
    assert (m.hidden.act.name, m.hidden.act.prefix) == (p + "dense0_relu", p + "dense0_relu_")
    assert repr(m.collect_params()) == (
        "{p} (\n"
        "  Parameter {p}dense0_weight (shape=(256, 0), dtype=float32)\n"
        "  Parameter {p}dense0_bias (shape=(256,), dtype=float32)\n"
        "  Parameter {p}dense1_weight (shape=(10, 0), dtype=float32)\n"
        "  Parameter {p}dense1_bias (shape=(10,), dtype=float32)\n"
        ")"
    ).format(p=p)
    assert repr(m.params) == "%s (\n\n)" % p
    assert (
        repr(MLP(prefix="mymlp_").collect_params()).splitlines()[1]
        == "  Parameter mymlp_dense0_weight (shape=(256, 0), dtype=float32)"
    )


def test_without_name_scope_children_keep_global_names():
    class MLP2(nn.Block):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Dense(256, activation="relu")

    n = _next_number(lambda: nn.Dense(1), "dense")
    m = MLP2()
    assert m.hidden.name == "dense%d" % n
    assert list(m.collect_params().keys()) == ["dense%d_weight" % n, "dense%d_bias" % n]


def test_nested_name_scopes_and_empty_prefix():
    net = nn.Sequential()
    with net.name_scope():
        net.add(nn.Dense(3), nn.Dense(4), nn.Sequential())
        with net[2].name_scope():
            net[2].add(nn.Dense(5))
    p = net.prefix
    assert list(net.collect_params().keys()) == [
        p + "dense0_weight",
        p + "dense0_bias",
        p + "dense1_weight",
        p + "dense1_bias",
        p + "sequential0_dense0_weight",
        p + "sequential0_dense0_bias",
    ]
    n = _next_number(lambda: nn.Dense(1), "dense")
    flat = nn.Sequential(prefix="")
    with flat.name_scope():  # an empty prefix opens no scope
        flat.add(nn.Dense(3))
    assert flat[0].name == "dense%d" % n
    assert nn.Dense(2, prefix="").name == ""


# ------------------------------------------------------------------ printing
def test_sequential_repr_before_and_after_inference():
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"))
    net.add(nn.Dense(10))
    assert repr(net) == (
        "Sequential(\n"
        "  (0): Dense(None -> 256, Activation(relu))\n"
        "  (1): Dense(None -> 10, linear)\n"
        ")"
    )
    net.initialize()
    net(nd.random.uniform(shape=(2, 20)))
    assert repr(net) == (
        "Sequential(\n  (0): Dense(20 -> 256, Activation(relu))\n  (1): Dense(256 -> 10, linear)\n)"
    )
    n = net[0].name
    assert repr(net[0].params) == (
        "%s_ (\n"
        "  Parameter %s_weight (shape=(256, 20), dtype=float32)\n"
        "  Parameter %s_bias (shape=(256,), dtype=float32)\n"
        ")" % (n, n, n)
    )
    assert repr(net[0].weight) == "Parameter %s_weight (shape=(256, 20), dtype=float32)" % n


def test_layer_reprs_match_mxnet():
    assert repr(nn.Dropout(0.5)) == "Dropout(p = 0.5, axes=())"
    assert repr(nn.Dropout(0.3, axes=(1,))) == "Dropout(p = 0.3, axes=(1,))"
    assert repr(nn.Flatten()) == "Flatten"
    assert repr(nn.Activation("relu")) == "Activation(relu)"
    assert repr(nn.Lambda(lambda x: x)) == "Lambda(<lambda>)"
    assert repr(nn.Lambda("tanh")) == "Lambda(tanh)"
    assert repr(nn.HybridLambda("tanh")) == "HybridLambda(tanh)"
    assert repr(nn.HybridLambda(lambda F, x: x)) == "HybridLambda(<lambda>)"
    assert repr(nn.HybridSequential()) == "HybridSequential(\n\n)"
    assert repr(nn.Sequential()) == "Sequential(\n\n)"
    assert repr(nn.Block()) == "Block(\n\n)"
    assert (
        repr(nn.Dense(3, use_bias=False, flatten=False, in_units=4, dtype="float64"))
        == "Dense(4 -> 3, linear)"
    )


class NestMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.net = nn.Sequential()
        self.net.add(nn.Dense(64, activation="relu"), nn.Dense(32, activation="relu"))
        self.dense = nn.Dense(16, activation="relu")

    def forward(self, x):
        return self.dense(self.net(x))


class FixedHiddenMLP(nn.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rand_weight = nd.random.uniform(shape=(20, 20))  # not a parameter
        self.dense = nn.Dense(20, activation="relu")

    def forward(self, x):
        x = self.dense(x)
        x = nd.relu(nd.dot(x, self.rand_weight) + 1)
        x = self.dense(x)  # reused: shares its parameters
        return x.sum()


def test_custom_block_repr_uses_attribute_names():
    chimera = nn.Sequential()
    chimera.add(NestMLP(), nn.Dense(20), FixedHiddenMLP())
    chimera.initialize()
    out = chimera(nd.random.uniform(shape=(2, 20)))
    assert out.shape == (1,)
    assert repr(chimera) == (
        "Sequential(\n"
        "  (0): NestMLP(\n"
        "    (net): Sequential(\n"
        "      (0): Dense(20 -> 64, Activation(relu))\n"
        "      (1): Dense(64 -> 32, Activation(relu))\n"
        "    )\n"
        "    (dense): Dense(32 -> 16, Activation(relu))\n"
        "  )\n"
        "  (1): Dense(16 -> 20, linear)\n"
        "  (2): FixedHiddenMLP(\n"
        "    (dense): Dense(20 -> 20, Activation(relu))\n"
        "  )\n"
        ")"
    )
    assert len(chimera.collect_params().keys()) == 10


def test_mysequential_via_children_runs_but_prints_empty():
    class MySequential(nn.Block):
        def add(self, block):
            self._children[block.name] = block

        def forward(self, x):
            for block in self._children.values():
                x = block(x)
            return x

    net = MySequential()
    net.add(nn.Dense(256, activation="relu"))
    net.add(nn.Dense(10))
    net.initialize()
    assert net(nd.ones((2, 20))).shape == (2, 10)
    assert repr(net) == "MySequential(\n\n)"
    assert len(list(net.collect_params().keys())) == 4


# ------------------------------------------------------------------ containers
def test_sequential_indexing_slicing_and_len():
    net = nn.Sequential()
    a, b, c = nn.Dense(1), nn.Dense(2), nn.Dense(3)
    assert net.add(a, b, c) is None
    assert len(net) == 3 and net[0] is a and net[-1] is c
    part = net[0:2]
    assert type(part) is nn.Sequential and part.prefix == net.prefix
    assert part[0] is a and len(part) == 2
    rev = net[::-1]
    assert rev[0] is c
    with pytest.raises(IndexError) as info:
        net[5]
    assert "3 layers" in str(info.value)
    with pytest.raises(TypeError, match="list indices must be integers or slices, not str"):
        net["a"]


def test_custom_block_is_not_subscriptable():
    class MLP2(nn.Block):
        pass

    with pytest.raises(TypeError, match="'MLP2' object is not subscriptable"):
        MLP2()[0]


def test_sequential_add_rejects_non_blocks():
    with pytest.raises(TypeError, match="3"):
        nn.Sequential().add(3)


def test_hybridsequential_rejects_plain_blocks_with_mxnet_message():
    with pytest.raises(ValueError) as info:
        nn.HybridSequential().add(nn.Lambda("tanh"))
    assert str(info.value).startswith(
        "Children of HybridBlock must also be HybridBlock, but Lambda(tanh) has type <class "
    )
    assert str(info.value).endswith(
        "Lambda'>. If you are using Sequential, please try HybridSequential instead."
    )


def test_hybridsequential_forward_matches_sequential():
    h = nn.HybridSequential()
    h.add(nn.Dense(4, activation="tanh"), nn.Dense(2))
    h.initialize()
    x = nd.random.uniform(shape=(3, 5))
    out = h(x)
    s = nn.Sequential()
    s.add(h[0], h[1])
    assert (_np(s(x)) == _np(out)).all()
    assert h[0:1][0] is h[0] and type(h[0:1]) is nn.HybridSequential


# ------------------------------------------------------------------ registration
def test_setattr_registers_children_and_parameters():
    class B(nn.Block):
        def __init__(self):
            super().__init__()
            self.d = nn.Dense(2)
            self.p = gluon.Parameter("pp_attr", shape=(1,))

    b = B()
    assert b._children["d"] is b.d and b._reg_params == {"p": b.p}
    b.d = nn.Dense(5)
    assert b._children["d"] is b.d
    b.e = None
    b.e = nn.Dense(4)
    assert list(b._children) == ["d", "e"]
    b.register_child(nn.Dense(1))
    assert list(b._children) == ["d", "e", "2"]


def test_setattr_type_change_message_matches_mxnet():
    class B(nn.Block):
        def __init__(self):
            super().__init__()
            self.d = nn.Dense(2)
            self.p = gluon.Parameter("pp2", shape=(1,))

    with pytest.raises(TypeError) as info:
        B().d = 3
    assert str(info.value) == (
        "Changing attribute type for d from <class "
        "'gluonlite.gluon.nn.basic_layers.Dense'> to <class 'int'>is not "
        "allowed."
    )
    with pytest.raises(AssertionError, match="Overriding Parameter attribute p is not allowed"):
        B().p = gluon.Parameter("qq")


def test_attribute_parameter_is_collected_and_initialized():
    class WithAttr(nn.Block):
        def __init__(self):
            super().__init__()
            self.w = gluon.Parameter("myw_attr", shape=(3, 3))

        def forward(self, x):
            return nd.dot(x, self.w.data())

    block = WithAttr()
    assert "myw_attr" in block.collect_params().keys()
    block.initialize(init.One())
    assert (_np(block(nd.ones((1, 3)))) == 3).all()


def test_unregistered_container_warning_matches_mxnet():
    class M(nn.Block):
        def __init__(self):
            super().__init__()
            self.lst = [nn.Dense(3)]

    with pytest.warns(UserWarning) as record:
        M().collect_params()
    assert str(record[0].message) == (
        '"M.lst" is an unregistered container with Blocks. Note that Blocks inside the list, '
        "tuple or dict will not be registered automatically. Make sure to register them using "
        "register_child() or switching to nn.Sequential/nn.HybridSequential instead. "
    )


# ------------------------------------------------------------------ collect_params
def test_collect_params_regex_is_anchored_and_warns_when_empty():
    net = nn.Sequential()
    net.add(nn.Dense(4), nn.Dense(2))
    w0, w1 = net[0].weight.name, net[1].weight.name
    assert list(net.collect_params(".*weight").keys()) == [w0, w1]
    assert list(net.collect_params(net[0].name).keys()) == [w0, net[0].bias.name]
    with pytest.warns(UserWarning) as record:
        selected = net.collect_params("weight")
    assert repr(selected) == "%s (\n\n)" % net.prefix
    text = str(record[0].message)
    assert "collect_params('weight') selected no parameters" in text
    assert "'.*weight'" in text


def test_collect_params_lists_shared_parameters_once():
    net = nn.Sequential()
    shared = nn.Dense(8, activation="relu")
    net.add(
        nn.Dense(8, activation="relu"), shared, nn.Dense(8, activation="relu", params=shared.params)
    )
    assert net[1].weight is net[2].weight and net[2].params.prefix == shared.prefix
    names = list(net.collect_params().keys())
    assert names == [net[0].weight.name, net[0].bias.name, shared.weight.name, shared.bias.name]


def test_sharing_with_a_shape_conflict_names_both_shapes():
    a = nn.Dense(4, in_units=3)
    with pytest.raises(AssertionError) as info:
        nn.Dense(5, in_units=3, params=a.params)
    assert str(info.value) == (
        "Cannot retrieve Parameter '%s' because desired attribute does "
        "not match with stored for attribute 'shape': desired '(5, 3)' "
        "vs stored '(4, 3)'." % a.weight.name
    )


def test_shared_parameters_take_one_value_and_sum_gradients():
    net = nn.Sequential()
    shared = nn.Dense(8, activation="relu")
    net.add(
        nn.Dense(8, activation="relu"), shared, nn.Dense(8, activation="relu", params=shared.params)
    )
    net.initialize()
    x = nd.random.uniform(shape=(2, 20))
    net(x)
    assert (_np(net[1].weight.data()) == _np(net[2].weight.data())).all()
    assert net[1].weight is net[2].weight and len(list(net.collect_params().keys())) == 4
    with autograd.record():
        loss = net(x).sum()
    loss.backward()
    w0, b0 = _np(net[0].weight.data()).astype(np.float64), _np(net[0].bias.data())
    ws, bs = _np(shared.weight.data()).astype(np.float64), _np(shared.bias.data())
    h1 = np.maximum(_np(x) @ w0.T + b0, 0)

    def loss_of(w):  # both uses of the shared layer see the same w
        h2 = np.maximum(h1 @ w.T + bs, 0)
        return np.maximum(h2 @ w.T + bs, 0).sum()

    np.testing.assert_allclose(
        _np(shared.weight.grad()), numeric_grad(loss_of, ws), rtol=1e-3, atol=1e-4
    )


def test_reusing_one_block_sums_gradients():
    lin = nn.Dense(1, in_units=1, use_bias=False)
    net = nn.Sequential()
    net.add(lin, lin)
    net.initialize(init.Constant(3))
    assert len(list(net.collect_params().keys())) == 1
    x = nd.array([[1.0]])
    with autograd.record():
        y = net(x)
    y.backward()
    assert _np(y)[0, 0] == 9 and _np(lin.weight.grad())[0, 0] == 6


def test_params_sharing_sums_gradients_over_both_layers():
    first = nn.Dense(1, in_units=1, use_bias=False)
    second = nn.Dense(1, in_units=1, use_bias=False, params=first.params)
    net = nn.Sequential()
    net.add(first, second)
    net.initialize(init.Constant(3))
    assert second.weight is first.weight
    with autograd.record():
        y = net(nd.array([[2.0]]))
    y.backward()
    assert _np(y)[0, 0] == 18 and _np(first.weight.grad())[0, 0] == 12  # d(w*w*x)/dw


def test_same_seed_gives_the_same_initial_weights():
    def build():
        net = nn.Sequential()
        net.add(nn.Dense(8, activation="relu"), nn.Dense(3))
        net.initialize(init.Xavier())
        net(nd.ones((2, 5)))
        return [_np(p.data()) for p in net.collect_params().values()]

    mx.random.seed(42)
    first = build()
    mx.random.seed(42)
    second = build()
    assert all((a == b).all() for a, b in zip(first, second))


# ------------------------------------------------------------------ deferred init
def test_deferred_init_prints_at_first_forward(capsys):
    class PrintInit(init.Initializer):
        def _init_weight(self, name, data):
            print("Init", name, data.shape)

    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    assert net[0].weight.shape == (256, 0)
    net.initialize(init=PrintInit())
    assert capsys.readouterr().out == ""
    assert (_np(net[0].bias.data()) == 0).all()  # known shape: initialized at once
    net(nd.random.uniform(shape=(2, 20)))
    assert capsys.readouterr().out == "Init %s_weight (256, 20)\nInit %s_weight (10, 256)\n" % (
        net[0].name,
        net[1].name,
    )
    net.initialize(init=PrintInit(), force_reinit=True)
    assert capsys.readouterr().out.count("Init ") == 2


def test_in_units_avoids_deferral(capsys):
    class PrintInit(init.Initializer):
        def _init_weight(self, name, data):
            print("Init", name, data.shape)

    net = nn.Sequential()
    net.add(nn.Dense(256, in_units=20, activation="relu"), nn.Dense(10, in_units=256))
    net.initialize(init=PrintInit())
    assert capsys.readouterr().out == "Init %s_weight (256, 20)\nInit %s_weight (10, 256)\n" % (
        net[0].name,
        net[1].name,
    )


def test_plain_block_with_deferred_param_raises_clearly():
    class MyDense(nn.Block):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.weight = self.params.get("weight", shape=(0, units), allow_deferred_init=True)

        def forward(self, x):
            return nd.dot(x, self.weight.data())

    block = MyDense(3)
    block.initialize()
    with pytest.raises(DeferredInitializationError) as info:
        block(nd.ones((2, 4)))
    assert "plain Block" in str(info.value) and block.weight.name in str(info.value)


def test_custom_hybridblock_with_infer_shape():
    class HD(nn.HybridBlock):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self._units = units
            with self.name_scope():
                self.weight = self.params.get("weight", shape=(units, 0), allow_deferred_init=True)

        def infer_shape(self, x):
            self.weight.shape = (self._units, x.shape[1])

        def hybrid_forward(self, F, x, weight):
            assert F is nd
            return F.FullyConnected(x, weight, no_bias=True, num_hidden=self._units)

    hd = HD(3)
    hd.initialize()
    assert hd(nd.ones((2, 4))).shape == (2, 3)
    assert (
        repr(hd.weight)
        == "Parameter %s_weight (shape=(3, 4), dtype=<class 'numpy.float32'>)" % hd.name
    )


class _Deferred(nn.HybridBlock):
    """A custom HybridBlock with one deferred parameter used by ``body(F, x, w)``."""

    def __init__(self, shape, body, **kwargs):
        super().__init__(**kwargs)
        self._body = body
        with self.name_scope():
            self.w = self.params.get("w", shape=shape, allow_deferred_init=True)

    def hybrid_forward(self, F, x, w):
        return self._body(F, x, w)


def test_custom_hybridblock_infers_through_fully_connected(capsys):
    seen = []

    def body(F, x, w):
        seen.append(F.__name__)
        return F.FullyConnected(x, w, no_bias=True, num_hidden=3)

    block = _Deferred((3, 0), body)
    block.initialize(init.One())
    assert (_np(block(nd.ones((2, 4)))) == 4).all()
    assert block.w.shape == (3, 4)
    # like MXNet, hybrid_forward runs once to infer shapes (MXNet: on symbols), then for real
    assert seen == ["gluonlite.symbol", "gluonlite.ndarray"]


def test_custom_hybridblock_infers_through_dot_and_elementwise():
    block = _Deferred((0, 5), lambda F, x, w: F.dot(x, w))
    block.initialize(init.One())
    assert block(nd.ones((2, 4))).shape == (2, 5) and block.w.shape == (4, 5)
    scale = _Deferred((0,), lambda F, x, w: x * w)
    scale.initialize(init.Constant(3))
    assert (_np(scale(nd.ones((2, 6)))) == 3).all() and scale.w.shape == (6,)
    shift = _Deferred((0,), lambda F, x, w: F.broadcast_add(x, w))
    shift.initialize(init.One())
    assert (_np(shift(nd.ones((2, 6)))) == 2).all() and shift.w.shape == (6,)


def test_custom_hybridblock_that_cannot_be_inferred_says_what_to_do():
    block = _Deferred((3, 0), lambda F, x, w: x)  # w unused: nothing to infer from
    block.initialize()
    with pytest.raises(DeferredInitializationError, match="infer_shape") as info:
        block(nd.ones((2, 4)))
    assert block.w.name in str(info.value)
    opaque = _Deferred((3, 0), lambda F, x, w: F.concat(x, w))
    opaque.initialize()
    with pytest.raises(
        ValueError,
        match="Deferred initialization failed because shape cannot be inferred.*F.concat",
    ):
        opaque(nd.ones((2, 4)))


# ------------------------------------------------------------------ Dense forward
def test_dense_forward_matches_numpy():
    dense = nn.Dense(3, activation="relu", in_units=4)
    dense.initialize(init.Normal(1.0))
    dense.bias.set_data(nd.array([0.5, -0.5, 0.1]))
    x = np.random.RandomState(0).randn(2, 4).astype(np.float32)
    expected = np.maximum(x @ _np(dense.weight.data()).T + _np(dense.bias.data()), 0)
    assert np.allclose(_np(dense(nd.array(x))), expected, atol=1e-5)


def test_dense_flatten_and_no_bias():
    dense = nn.Dense(2, use_bias=False)
    dense.initialize(init.One())
    assert dense.bias is None and list(dense.collect_params().keys()) == [dense.weight.name]
    assert (_np(dense(nd.ones((2, 3, 4)))) == 12).all()
    assert dense.weight.shape == (2, 12)
    flat = nn.Dense(2, flatten=False)
    flat.initialize(init.One())
    assert flat(nd.ones((2, 3, 4))).shape == (2, 3, 2)
    assert flat.weight.shape == (2, 4)


def test_dense_wrong_input_shape_names_block_and_shapes():
    dense = nn.Dense(256)
    dense.initialize()
    dense(nd.ones((2, 20)))
    with pytest.raises(MXNetError) as info:
        dense(nd.ones((2, 21)))
    text = str(info.value)
    assert dense.name in text and dense.weight.name in text
    assert "(256, 20)" in text and "(2, 21)" in text
    assert "Shape inconsistent, Provided = [256,20], inferred shape=(256,21)" in text


def test_dense_dtype_float64():
    dense = nn.Dense(2, in_units=3, dtype="float64")
    dense.initialize()
    assert dense.weight.data().dtype == np.float64
    assert dense(nd.ones((1, 3), dtype="float64")).dtype == np.float64


# ------------------------------------------------------------------ other layers
def test_dropout_is_identity_in_prediction_and_drops_in_training():
    drop = nn.Dropout(0.5)
    x = nd.ones((100, 100))
    assert (_np(drop(x)) == 1).all()
    with autograd.record():
        y = _np(drop(x))
    assert set(np.unique(y)) <= {0.0, 2.0} and 0.4 < (y == 0).mean() < 0.6


def test_flatten_and_lambdas():
    x = nd.ones((2, 3, 4))
    assert nn.Flatten()(x).shape == (2, 12)
    assert (_np(nn.Lambda("tanh")(nd.zeros((2,)))) == 0).all()
    assert (_np(nn.Lambda(lambda v: v * 2)(nd.ones((2,)))) == 2).all()
    assert (_np(nn.HybridLambda("relu")(nd.array([-1, 1]))) == [0, 1]).all()
    assert (_np(nn.HybridLambda(lambda F, v: F.relu(v) * 3)(nd.array([-1, 1]))) == [0, 3]).all()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: nn.Lambda("nosuch"), "Function name nosuch is not found in ndarray."),
        (lambda: nn.HybridLambda("nosuch"), "Function name nosuch is not found in symbol/ndarray."),
    ],
)
def test_lambda_unknown_name_messages(make, message):
    with pytest.raises(AssertionError) as info:
        make()
    assert str(info.value) == message


def test_lambda_rejects_non_callables_like_mxnet():
    for cls in (nn.Lambda, nn.HybridLambda):
        with pytest.raises(ValueError) as info:
            cls(3)
        assert str(info.value) == "Unrecognized function in lambda: 3 of type <class 'int'>"


def test_centered_layer_without_parameters():
    class CenteredLayer(nn.Block):
        def forward(self, x):
            return x - x.mean()

    assert list(_np(CenteredLayer()(nd.array([1, 2, 3, 4, 5])))) == [-2, -1, 0, 1, 2]


def test_custom_dense_with_params_get_and_get_constant():
    class MyDense(nn.Block):
        def __init__(self, units, in_units, **kwargs):
            super().__init__(**kwargs)
            self.weight = self.params.get("weight", shape=(in_units, units))
            self.bias = self.params.get("bias", shape=(units,))
            self.scale = self.params.get_constant("scale", nd.array([2.0]))

        def forward(self, x):
            linear = nd.dot(x, self.weight.data()) + self.bias.data()
            return nd.relu(linear) * self.scale.data()

    dense = MyDense(units=3, in_units=5)
    p = dense.prefix
    assert repr(dense.params) == (
        "{p} (\n"
        "  Parameter {p}weight (shape=(5, 3), dtype=<class 'numpy.float32'>)\n"
        "  Parameter {p}bias (shape=(3,), dtype=<class 'numpy.float32'>)\n"
        "  Constant {p}scale (shape=(1,), dtype=<class 'numpy.float32'>)\n"
        ")"
    ).format(p=p)
    dense.initialize(init.One())
    assert (_np(dense(nd.ones((2, 5)))) == 12).all()  # (5 + bias 1) * 2
    assert dense.scale.grad_req == "null"


def test_nested_factories_and_deep_access():
    def block1():
        net = nn.Sequential()
        for _ in range(4):
            net.add(nn.Dense(32, activation="relu"))
        return net

    def block2():
        net = nn.Sequential()
        for _ in range(4):
            net.add(block1())
        return net

    rgnet = nn.Sequential()
    rgnet.add(block2())
    rgnet.add(nn.Dense(10))
    rgnet.initialize()
    rgnet(nd.random.uniform(shape=(2, 20)))
    assert (_np(rgnet[0][1][0].bias.data()) == 0).all()
    assert rgnet[0][1][0].bias.data().shape == (32,)
    assert repr(rgnet).splitlines()[3] == "      (0): Dense(20 -> 32, Activation(relu))"
    assert len(list(rgnet.collect_params(".*bias").keys())) == 17


# ------------------------------------------------------------------ hooks, apply, hybridize, cast
def test_forward_hooks_run_and_detach():
    calls = []
    net = nn.Sequential()
    net.add(nn.Dense(3, in_units=2), nn.Dense(1, in_units=3))
    pre = net.register_forward_pre_hook(lambda b, x: calls.append(("pre", b.name, len(x))))
    post = net.register_forward_hook(lambda b, x, y: calls.append(("post", y.shape)))
    net.initialize()
    net(nd.ones((1, 2)))
    assert calls == [("pre", net.name, 1), ("post", (1, 1))]
    pre.detach()
    pre.detach()
    net(nd.ones((1, 2)))
    assert calls[2:] == [("post", (1, 1))]
    with post:
        pass
    net(nd.ones((1, 2)))
    assert len(calls) == 3


def test_apply_visits_children_first():
    seen = []
    net = nn.Sequential()
    net.add(nn.Dense(1), nn.Dense(2))
    assert net.apply(lambda b: seen.append(b.name)) is net
    assert seen == [net[0].name, net[1].name, net.name]


def test_hybridize_is_accepted_and_changes_nothing():
    net = nn.HybridSequential()
    net.add(nn.Dense(4, activation="relu"), nn.Dense(2))
    net.initialize()
    x = nd.random.uniform(shape=(3, 5))
    before = _np(net(x))
    net.hybridize()
    assert (_np(net(x)) == before).all()


def test_sequential_hybridize_warning_matches_mxnet():
    net = nn.Sequential()
    net.add(nn.Dense(2), nn.Dense(3))
    with pytest.warns(UserWarning) as record:
        net.hybridize()
    assert str(record[0].message) == (
        "All children of this Sequential layer '%s' are HybridBlocks. Consider using "
        "HybridSequential for the best performance." % net.prefix
    )
    mixed = nn.Sequential()
    mixed.add(nn.Lambda("tanh"), nn.Dense(3))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mixed.hybridize()


def test_block_cast():
    net = nn.Sequential()
    net.add(nn.Dense(3, in_units=2))
    net.initialize()
    net.cast("float64")
    assert net[0].weight.data().dtype == np.float64
    assert repr(net[0].weight).endswith("dtype=float64)")


def test_base_blocks_need_forward():
    with pytest.raises(NotImplementedError):
        nn.Block()(nd.ones(2))
    with pytest.raises(NotImplementedError):
        nn.HybridBlock()(nd.ones(2))


# ------------------------------------------------------------------ save / load (needs nd.save)
needs_save = pytest.mark.skipif(not hasattr(nd, "save"), reason="nd.save / nd.load not built yet")


def _stack(n):
    net = nn.Sequential()
    net.add(*[nn.Dense(2, in_units=2) for _ in range(n)])
    net.initialize()
    return net


@needs_save
def test_save_and_load_parameters_round_trip(tmp_path):
    src, dst = _stack(2), _stack(2)
    path = str(tmp_path / "net.params")
    src.save_parameters(path)
    assert sorted(nd.load(path).keys()) == ["0.bias", "0.weight", "1.bias", "1.weight"]
    dst.load_parameters(path)
    x = nd.ones((1, 2))
    assert (_np(dst(x)) == _np(src(x))).all()


@needs_save
def test_load_parameters_missing_and_extra_messages(tmp_path):
    small, big = _stack(1), _stack(2)
    path = str(tmp_path / "small.params")
    small.save_parameters(path)
    with pytest.raises(AssertionError) as info:
        big.load_parameters(path)
    assert str(info.value) == (
        "Parameter '1.weight' is missing in file '%s', which contains "
        "parameters: '0.weight', '0.bias'. Set allow_missing=True to "
        "ignore missing parameters." % path
    )
    big_path = str(tmp_path / "big.params")
    big.save_parameters(big_path)
    with pytest.raises(ValueError) as info:
        small.load_parameters(big_path)
    assert "Parameter '1.weight' loaded from file" in str(info.value)
    assert "'0.weight', '0.bias'" in str(info.value)  # MXNet printed an empty list here
    small.load_parameters(big_path, ignore_extra=True)


# ------------------------------------------------------------------ release without the GC
def _train_two_steps(hybridize):
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(
            gluon.nn.Conv2D(4, 3, activation="relu"),
            gluon.nn.BatchNorm(),
            gluon.nn.MaxPool2D(),
            gluon.nn.Dense(3),
        )
    net.initialize()
    if hybridize:
        net.hybridize()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    x, y = mx.nd.ones((4, 1, 6, 6)), mx.nd.array([0, 1, 2, 0])
    for _ in range(2):
        with mx.autograd.record():
            out = loss(net(x), y)
        out.backward()
        trainer.step(4)
    return weakref.ref(net), [weakref.ref(p) for p in net.collect_params().values()]


@pytest.mark.parametrize("hybridize", [False, True])
def test_a_dropped_network_and_trainer_are_freed_by_reference_counting(hybridize):
    # like a dropped PyTorch module: no reference cycle (block <-> name scope, parameter <->
    # trainer, a hybridized graph's replay <-> its globals) may hold a network's arrays
    # until a garbage collection
    import gc

    gc.collect()
    gc.disable()
    try:
        net, params = _train_two_steps(hybridize)
        assert len(params) == 8
        assert net() is None
        assert [p() for p in params] == [None] * len(params)
    finally:
        gc.enable()
