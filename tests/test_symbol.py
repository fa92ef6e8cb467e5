"""mx.sym: graph building, names, attributes, JSON text, shape/type inference and the
Executor, checked against what MXNet 1.9.1 prints and computes (recorded with the oracle)."""

import json

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import autograd, gluon, nd, sym
from gluonlite.base import MXNetError

# MXNet 1.9.1: (a + b * 2).tojson()
SCALAR_GRAPH_JSON = """{
  "nodes": [
    {
      "op": "null",
      "name": "a",
      "inputs": []
    },
    {
      "op": "null",
      "name": "b",
      "inputs": []
    },
    {
      "op": "_mul_scalar",
      "name": "_mulscalar0",
      "attrs": {"scalar": "2"},
      "inputs": [[1, 0, 0]]
    },
    {
      "op": "elemwise_add",
      "name": "_plus0",
      "inputs": [[0, 0, 0], [2, 0, 0]]
    }
  ],
  "arg_nodes": [0, 1],
  "node_row_ptr": [0, 1, 2, 3, 4],
  "heads": [[3, 0, 0]],
  "attrs": {"mxnet_version": ["int", 10901]}
}""".replace(",\n", ", \n")  # each line-ending comma has a space after it


@pytest.fixture(autouse=True)
def fresh_names():
    # names count per NameManager, as in MXNet; each test starts from a new one
    with mx.name.NameManager():
        yield


def test_scalar_arithmetic_graph_is_written_as_mxnet_writes_it():
    a, b = sym.var("a"), sym.var("b")
    assert (a + b * 2).tojson() == SCALAR_GRAPH_JSON


def test_arithmetic_names_and_operators_follow_mxnet():
    a, b = sym.var("a"), sym.var("b")
    cases = [
        (a - b, "_minus0", "elemwise_sub", None),
        (a / b, "_div0", "elemwise_div", None),
        (a**b, "_power0", "_power", None),
        (1 - a, "_rminusscalar0", "_rminus_scalar", {"scalar": "1"}),
        (2 / a, "_rdivscalar0", "_rdiv_scalar", {"scalar": "2"}),
        (2**a, "_rpower_scalar0", "_rpower_scalar", {"scalar": "2"}),
        (-a, "_mulscalar0", "_mul_scalar", {"scalar": "-1.0"}),
        (a % 2, "_modscalar0", "_mod_scalar", {"scalar": "2"}),
        (a == 1, "_equal_scalar0", "_equal_scalar", {"scalar": "1"}),
        (a < b, "_lesser0", "_lesser", None),
        (abs(a), "abs0", "abs", None),
    ]
    for s, name, op, attrs in cases:
        node = json.loads(s.tojson())["nodes"][-1]
        assert (s.name, node["op"], node.get("attrs")) == (name, op, attrs)


def test_operator_variables_lists_and_internals():
    a, b = sym.var("a"), sym.var("b")
    g = sym.Group(
        [a + b, sym.FullyConnected(a, num_hidden=2, name="fc"), sym.BatchNorm(b, name="bn")]
    )
    assert g.list_outputs() == ["_plus0_output", "fc_output", "bn_output"]
    assert g.list_arguments() == ["a", "b", "fc_weight", "fc_bias", "bn_gamma", "bn_beta"]
    assert g.list_auxiliary_states() == ["bn_moving_mean", "bn_moving_var"]
    assert g.get_internals().list_outputs() == [
        "a",
        "b",
        "_plus0_output",
        "fc_weight",
        "fc_bias",
        "fc_output",
        "bn_gamma",
        "bn_beta",
        "bn_moving_mean",
        "bn_moving_var",
        "bn_output",
    ]
    assert repr(g) == "<Symbol group [_plus0, fc, bn]>"
    assert g[1].name == "fc" and g["bn_output"].name == "bn" and len(g) == 3
    # BatchNorm's moving statistics are written as mutated inputs (version 1), with MXNet's
    # default initializers on the variables it made
    nodes = json.loads(g.tojson())["nodes"]
    assert nodes[-1]["inputs"] == [[1, 0, 0], [6, 0, 0], [7, 0, 0], [8, 0, 1], [9, 0, 1]]
    assert nodes[8]["attrs"] == {"__init__": '["zero", {}]'}
    assert json.loads(g.tojson())["node_row_ptr"][-1] == 13  # BatchNorm has 3 outputs


def test_multi_output_operators_name_their_outputs():
    a = sym.var("a")
    assert sym.SliceChannel(a, num_outputs=3, name="sl").list_outputs() == [
        "sl_output0",
        "sl_output1",
        "sl_output2",
    ]
    assert sym.topk(a, k=2, ret_typ="both").list_outputs() == ["topk0_output0", "topk0_output1"]
    assert sym.BatchNorm(a, output_mean_var=True, name="bn").list_outputs() == [
        "bn_output",
        "bn_mean",
        "bn_var",
    ]


def test_variable_attributes():
    a = sym.var(
        "a", shape=(2, 3), dtype="float64", lr_mult=2.0, init=mx.init.Xavier(), attr={"foo": "bar"}
    )
    assert a.attr("__shape__") == "(2, 3)" and a.attr("__dtype__") == "1"
    assert a.attr("foo") == "bar"
    assert (
        a.attr("__init__")
        == '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]'
    )
    assert a.list_attr()["lr_mult"] == "2.0"  # listed under both spellings, as MXNet does
    with pytest.raises(ValueError, match="colour"):
        sym.var("x", colour="red")


def test_unknown_keyword_names_the_argument_and_operator():
    with pytest.raises(MXNetError, match="Cannot find argument 'foo'.*num_hidden.*FullyConnected"):
        sym.FullyConnected(sym.var("a"), num_hidden=2, foo=3)


def test_json_round_trip_keeps_the_text_and_the_values():
    data = sym.var("data")
    net = sym.Activation(sym.FullyConnected(data, num_hidden=4, name="fc1"), act_type="relu")
    net = sym.FullyConnected(net, num_hidden=2, name="fc2")
    text = net.tojson()
    again = sym.load_json(text)
    assert again.tojson() == text
    assert again.list_arguments() == net.list_arguments()
    rng = np.random.RandomState(0)
    arrays = {
        n: nd.array(rng.randn(*s))
        for n, s in zip(net.list_arguments(), net.infer_shape(data=(3, 5))[0])
    }
    out1 = net.eval(**arrays)[0].asnumpy()
    out2 = again.eval(**arrays)[0].asnumpy()
    x = arrays["data"].asnumpy()
    h = np.maximum(x @ arrays["fc1_weight"].asnumpy().T + arrays["fc1_bias"].asnumpy(), 0)
    expected = h @ arrays["fc2_weight"].asnumpy().T + arrays["fc2_bias"].asnumpy()
    np.testing.assert_allclose(out1, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(out1, out2)


def test_load_names_unknown_operator_and_node(tmp_path):
    graph = json.loads(sym.FullyConnected(sym.var("a"), num_hidden=2, name="fc").tojson())
    graph["nodes"][-1]["op"] = "NoSuchOp"
    with pytest.raises(MXNetError, match="Failed loading Op fc of type NoSuchOp"):
        sym.load_json(json.dumps(graph))
    with pytest.raises(MXNetError, match="nothere-symbol.json"):
        sym.load(str(tmp_path / "nothere-symbol.json"))


def test_infer_shape_and_partial_and_type():
    a = sym.var("a")
    conv = sym.Convolution(a, kernel=(3, 3), num_filter=4, name="conv")
    assert conv.infer_shape(a=(1, 2, 8, 8)) == (
        [(1, 2, 8, 8), (4, 2, 3, 3), (4,)],
        [(1, 4, 6, 6)],
        [],
    )
    fc = sym.FullyConnected(a, num_hidden=3, name="fc")
    with pytest.warns(UserWarning, match="Cannot decide shape"):
        assert fc.infer_shape() == (None, None, None)
    assert fc.infer_shape_partial() == ([(), (), ()], [()], [])
    assert conv.infer_type(a="float64") == ([np.float64] * 3, [np.float64], [])
    b = sym.var("b")
    with pytest.raises(MXNetError, match="_plus0"):
        (a + b).infer_shape(a=(2, 3), b=(3, 3))


def test_bind_forward_backward_writes_the_gradient_buffers():
    a, b = sym.var("a"), sym.var("b")
    e = a * 2 + b * b
    av, bv = np.arange(6.0).reshape(2, 3), np.ones((2, 3)) * 3
    grads = {"a": nd.zeros((2, 3)), "b": nd.zeros((2, 3))}
    ex = e.bind(mx.cpu(), {"a": nd.array(av), "b": nd.array(bv)}, args_grad=grads)
    out = ex.forward(is_train=True)[0]
    np.testing.assert_allclose(out.asnumpy(), av * 2 + bv * bv)
    ex.backward(nd.ones((2, 3)) * 0.5)
    np.testing.assert_allclose(grads["a"].asnumpy(), np.full((2, 3), 1.0))
    np.testing.assert_allclose(ex.grad_dict["b"].asnumpy(), bv)  # 2 b * 0.5
    ex2 = e.simple_bind(mx.cpu(), a=(2, 3), b=(2, 3))
    assert ex2.arg_dict["a"].shape == (2, 3) and set(ex2.grad_dict) == {"a", "b"}


def test_compose_replaces_variables():
    a, b = sym.var("a"), sym.var("b")
    f = (a + b)(a=sym.var("x"))
    assert f.list_arguments() == ["x", "b"]
    with pytest.raises(MXNetError, match="'zzz' is not an input"):
        (a + b)(zzz=sym.var("x"))


def test_hybrid_block_traces_to_mxnet_names():
    model = gluon.nn.Dense(128, activation="tanh", in_units=10, flatten=False, prefix="test_")
    out = model(sym.var("data"))
    assert out.list_outputs() == ["test_tanh_fwd_output"]
    assert out.infer_shape(data=(2, 3, 10))[1] == [(2, 3, 128)]
    with pytest.raises(ValueError, match="one NDArray or one Symbol"):
        model(sym.var("a"), nd.ones((2,)))


def test_export_loads_back_with_the_same_outputs(tmp_path):
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(gluon.nn.Dense(4, activation="relu", in_units=3))
        net.add(gluon.nn.BatchNorm())
        net.add(gluon.nn.Dense(2))
    net.initialize()
    x = nd.array(np.random.RandomState(0).randn(5, 3))
    with autograd.record():  # moves BatchNorm's statistics away from their initial values
        net(x)
    expected = net(x).asnumpy()
    prefix = str(tmp_path / "net")
    net.export(prefix)
    params = nd.load(prefix + "-0000.params")
    assert sorted(k.split(":")[0] for k in params) == ["arg"] * 6 + ["aux"] * 2
    block = gluon.SymbolBlock.imports(prefix + "-symbol.json", ["data"], prefix + "-0000.params")
    np.testing.assert_allclose(block(x).asnumpy(), expected, rtol=1e-6, atol=1e-6)
    assert str(block).splitlines()[0] == "SymbolBlock("


@pytest.mark.parametrize(
    "loss, label",
    [
        (gluon.loss.L2Loss(), "dense"),
        (gluon.loss.L1Loss(), "dense"),
        (gluon.loss.SoftmaxCrossEntropyLoss(), "class"),
        (gluon.loss.SigmoidBinaryCrossEntropyLoss(), "dense"),
        (gluon.loss.KLDivLoss(), "dense"),
    ],
)
def test_losses_on_symbols_compute_what_they_compute_on_arrays(loss, label):
    rng = np.random.RandomState(0)
    pred = rng.rand(4, 3)
    target = rng.randint(0, 3, size=(4,)).astype(np.float64) if label == "class" else rng.rand(4, 3)
    graph = loss(sym.var("pred"), sym.var("label"))
    got = graph.eval(pred=nd.array(pred), label=nd.array(target))[0].asnumpy()
    expected = loss(nd.array(pred), nd.array(target)).asnumpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


def test_operator_multipliers_go_to_the_node_and_its_variables():
    f = sym.FullyConnected(sym.var("a"), num_hidden=2, name="fc", lr_mult=0, wd_mult=2)
    nodes = json.loads(f.tojson())["nodes"]
    for node in nodes[1:]:  # fc_weight, fc_bias, fc (MXNet 1.9.1's text)
        assert node["attrs"] == {"__lr_mult__": "0", "__wd_mult__": "2", "num_hidden": "2"}
    assert f.attr_dict()["fc_weight"]["lr_mult"] == "0"
    gamma = sym.LeakyReLU(sym.var("a"), act_type="prelu", name="p").get_internals()["p_gamma"]
    assert gamma.attr("__init__") == '["Constant", {"value": 0.25}]'
    assert sym.make_loss(sym.var("a"), name="l").list_outputs() == ["l_loss"]


class _LSTMWithoutStates(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.lstm = gluon.rnn.LSTM(8, num_layers=2, bidirectional=True)

    def hybrid_forward(self, F, x):
        return self.lstm(x)


def test_rnn_layers_export_mxnets_fused_graph_and_load_back(tmp_path):
    net = _LSTMWithoutStates()
    net.initialize(mx.init.Xavier())
    x = nd.array(np.random.RandomState(0).rand(6, 2, 4))
    expected = net(x).asnumpy()
    prefix = str(tmp_path / "lstm")
    graph = net.export(prefix)
    ops = [n["op"] for n in json.loads(graph.tojson())["nodes"] if n["op"] != "null"]
    # as MXNet exports it: parameters flattened, packed, one RNN node, zero states made
    # in the graph with the batch size read off the input
    assert ops.count("RNN") == 1 and ops.count("_rnn_param_concat") == 1
    assert ops.count("_zeros") == 2 and ops.count("Reshape") == 16
    block = gluon.SymbolBlock.imports(prefix + "-symbol.json", ["data"], prefix + "-0000.params")
    np.testing.assert_allclose(block(x).asnumpy(), expected, rtol=1e-6, atol=1e-6)
    bigger = nd.array(np.random.RandomState(1).rand(6, 5, 4))  # another batch size
    np.testing.assert_allclose(block(bigger).asnumpy(), net(bigger).asnumpy(), rtol=1e-6, atol=1e-6)


# ---- nd.CachedOp -------------------------------------------------------------------------


def test_cached_op_runs_the_graph_and_records_gradients():
    sym = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=3, name="fc") * 2
    op = mx.nd.CachedOp(sym, flags=[("static_alloc", True)])
    assert op.flags == [("static_alloc", "True")]
    rng = np.random.RandomState(0)
    x, w, b = (mx.nd.array(rng.randn(*s)) for s in ((4, 5), (3, 5), (3,)))
    want = (x.asnumpy() @ w.asnumpy().T + b.asnumpy()) * 2
    np.testing.assert_allclose(op(x, w, b).asnumpy(), want, rtol=1e-5)
    out = mx.nd.zeros((4, 3))
    assert op(x, w, b, out=out) is out
    np.testing.assert_allclose(out.asnumpy(), want, rtol=1e-5)
    w.attach_grad()
    with mx.autograd.record():
        y = op(x, w, b)
    y.backward()
    # d(sum(2 (x W^T + b)))/dW = 2 * column sums of x, for every row of W
    np.testing.assert_allclose(w.grad.asnumpy(), np.tile(2 * x.asnumpy().sum(0), (3, 1)), rtol=1e-5)


def test_cached_op_checks_its_inputs():
    op = mx.nd.CachedOp(mx.sym.var("a") + mx.sym.var("b"))
    with pytest.raises(mx.base.MXNetError, match=r"2 inputs \(a, b\), got 1"):
        op(mx.nd.ones((2,)))
    with pytest.raises(TypeError, match="input 'b'"):
        op(mx.nd.ones((2,)), [1, 2])
    with pytest.raises(TypeError, match="needs a Symbol"):
        mx.nd.CachedOp("a + b")
