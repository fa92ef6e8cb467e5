"""gluon.SymbolBlock.imports and mx.sym.load on graphs exported by MXNet 1.9.1.

Fixtures: tests/data/symbol/, written by tests/data/make_symbol_fixtures.py (its
docstring describes every file). ``make_symbol_fixtures.py --check`` also runs this file
under real MXNet (``gluonlite`` aliased to ``mxnet``): every assertion here holds for
MXNet except those behind ``if not UNDER_MXNET``, where gluonlite deliberately says more
than MXNet does (which input is missing, which name is not an input).
"""

import json
import os

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import autograd, gluon, nd
from gluonlite.base import MXNetError

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "symbol")
UNDER_MXNET = mx.__name__ == "mxnet"  # set by make_symbol_fixtures.py --check

# model -> the graph's input names, as MXNet's export named them (data, or data0, data1...
# for a block called with several arrays: an RNN's begin states are inputs data1, data2).
STORED_PARAMS = {
    "mlp": ["data"],
    "lenet": ["data"],
    "bn_dropout": ["data"],
    "embedding": ["data"],
    "two_io": ["data0", "data1"],
    "lstm_bi2_states": ["data0", "data1", "data2"],
    "gru_states": ["data0", "data1"],
    "rnn_tanh_states": ["data0", "data1"],
    "lstm_nostates": ["data"],
    "mobilenet0.25": ["data"],
    "mobilenetv2_0.25": ["data"],
}
# Large model-zoo nets: NAME-params.json lists the parameters; values are regenerated.
GENERATED_PARAMS = {
    "resnet18_v1": ["data"],
    "resnet18_v2": ["data"],
    "squeezenet1.1": ["data"],
    "densenet121": ["data"],
    "vgg11_bn": ["data"],
    "inceptionv3": ["data"],
    "alexnet": ["data"],
}
META_MODELS = ["mlp", "lenet", "bn_dropout", "two_io", "lstm_bi2_states"]


def fixture(name: str) -> str:
    return os.path.join(DATA, name)


def load_io(name: str):
    """(inputs in order, expected outputs in order) from NAME-io.npz."""
    io = np.load(fixture(name + "-io.npz"))
    inputs = [io[k] for k in sorted(io.files) if k.startswith("data")]
    outputs = [io[k] for k in sorted(io.files) if k.startswith("output")]
    return inputs, outputs


def as_list(out) -> list:
    return list(out) if isinstance(out, (list, tuple)) else [out]


def forward(net, inputs) -> list:
    """Inference-mode forward (outside autograd.record); outputs as numpy arrays."""
    arrays = [nd.array(x, dtype=x.dtype, ctx=mx.cpu()) for x in inputs]
    return [out.asnumpy() for out in as_list(net(*arrays))]


def regenerated_params(name: str) -> list:
    """[(parameter name, float32 value)] of a generated model, in the .params key order:
    one RandomState(seed) draws rs.uniform(low, high, shape) for each entry in turn."""
    with open(fixture(name + "-params.json")) as f:
        spec = json.load(f)
    rs = np.random.RandomState(spec["seed"])
    values = []
    for key, shape, (low, high) in spec["params"]:
        values.append((key.split(":", 1)[1], rs.uniform(low, high, shape).astype(np.float32)))
    return values


def import_model(name: str):
    """The exported model as a SymbolBlock on the CPU, with MXNet's parameter values."""
    sym_file = fixture(name + "-symbol.json")
    if name in STORED_PARAMS:
        params_file = fixture(name + "-0000.params")
        return gluon.SymbolBlock.imports(sym_file, STORED_PARAMS[name], params_file, ctx=mx.cpu())
    net = gluon.SymbolBlock.imports(sym_file, GENERATED_PARAMS[name], ctx=mx.cpu())
    params = net.collect_params()
    params.initialize(ctx=mx.cpu())
    for pname, value in regenerated_params(name):
        params[pname].set_data(nd.array(value))
    return net


def assert_outputs_match(got: list, expected: list) -> None:
    assert len(got) == len(expected)
    for out, want in zip(got, expected):
        assert out.shape == want.shape
        np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-4)


# ------------------------------------------------------------------------ outputs
def test_every_fixture_is_tested():
    names = {f[: -len("-symbol.json")] for f in os.listdir(DATA) if f.endswith("-symbol.json")}
    assert names - {"legacy_mlp"} == set(STORED_PARAMS) | set(GENERATED_PARAMS)


@pytest.mark.parametrize("name", sorted(STORED_PARAMS))
def test_imported_model_with_params_file_matches_mxnet(name):
    net = import_model(name)
    inputs, expected = load_io(name)
    assert_outputs_match(forward(net, inputs), expected)


@pytest.mark.parametrize("name", sorted(GENERATED_PARAMS))
def test_imported_model_with_set_data_matches_mxnet(name):
    net = import_model(name)
    inputs, expected = load_io(name)
    assert_outputs_match(forward(net, inputs), expected)


@pytest.mark.parametrize("name", sorted(GENERATED_PARAMS))
def test_params_json_names_every_parameter_of_the_graph(name):
    sym = mx.sym.load(fixture(name + "-symbol.json"))
    listed = [pname for pname, _ in regenerated_params(name)]
    graph = [a for a in sym.list_arguments() if a != "data"] + sym.list_auxiliary_states()
    assert sorted(listed) == sorted(graph)
    assert sorted(
        gluon.SymbolBlock.imports(fixture(name + "-symbol.json"), ["data"]).collect_params().keys()
    ) == sorted(graph)


def test_hybridized_symbolblock_gives_the_same_output():
    net = import_model("lenet")
    inputs, expected = load_io("lenet")
    net.hybridize()
    assert_outputs_match(forward(net, inputs), expected)
    assert_outputs_match(forward(net, inputs), expected)  # the cached graph replayed


def test_batchnorm_dropout_inference_is_deterministic():
    net = import_model("bn_dropout")
    inputs, expected = load_io("bn_dropout")
    first = forward(net, inputs)
    assert_outputs_match(first, expected)
    np.testing.assert_array_equal(forward(net, inputs)[0], first[0])
    with autograd.record(train_mode=False):  # recording in predict mode: still no dropout
        recorded = net(nd.array(inputs[0])).asnumpy()
    np.testing.assert_allclose(recorded, expected[0], rtol=1e-4, atol=1e-4)


def test_batchnorm_running_stats_come_from_the_params_file():
    params = import_model("bn_dropout").collect_params()
    saved = nd.load(fixture("bn_dropout-0000.params"))
    for key, value in saved.items():
        kind, pname = key.split(":", 1)
        assert kind == ("aux" if pname.endswith(("running_mean", "running_var")) else "arg")
        np.testing.assert_array_equal(params[pname].data().asnumpy(), value.asnumpy())


def test_lstm_without_states_makes_zero_states_for_any_batch():
    # MXNet exported _zeros nodes of shape (1, 0, 8): the 0 is the batch, taken from the data.
    with open(fixture("lstm_nostates-symbol.json")) as f:
        zeros = [n for n in json.load(f)["nodes"] if n["op"] == "_zeros"]
    assert [n["attrs"]["shape"] for n in zeros] == ["(1, 0, 8)", "(1, 0, 8)"]
    net = import_model("lstm_nostates")
    (x,), (expected,) = load_io("lstm_nostates")
    wider = np.concatenate([x, np.random.RandomState(5).uniform(-1, 1, x[:, :1].shape)], 1)
    out = net(nd.array(wider.astype(np.float32))).asnumpy()
    assert out.shape == (x.shape[0], 3, 8)
    np.testing.assert_allclose(out[:, :2], expected, rtol=1e-4, atol=1e-4)


def test_rnn_begin_states_are_graph_inputs():
    sym = mx.sym.load(fixture("lstm_bi2_states-symbol.json"))
    inputs = sym.list_inputs()
    assert inputs[0] == "data0" and inputs[-2:] == ["data1", "data2"]
    assert len(sym.list_outputs()) == 3  # output, h, c


@pytest.mark.skipif(mx.context.num_gpus() == 0, reason="needs a GPU")
@pytest.mark.parametrize("name", ["lenet", "lstm_bi2_states", "mobilenetv2_0.25"])
def test_imported_model_runs_on_gpu(name):
    sym_file = fixture(name + "-symbol.json")
    net = gluon.SymbolBlock.imports(
        sym_file, STORED_PARAMS[name], fixture(name + "-0000.params"), ctx=mx.gpu(0)
    )
    inputs, expected = load_io(name)
    outs = as_list(net(*[nd.array(x, ctx=mx.gpu(0)) for x in inputs]))
    assert_outputs_match([o.asnumpy() for o in outs], expected)


# --------------------------------------------------------------------- graph facts
def load_meta(name: str) -> dict:
    with open(fixture(name + "-meta.json")) as f:
        return json.load(f)


@pytest.mark.parametrize("name", META_MODELS)
def test_symbol_lists_match_mxnet(name):
    meta = load_meta(name)
    sym = mx.sym.load(fixture(name + "-symbol.json"))
    assert sym.list_arguments() == meta["list_arguments"]
    assert sym.list_auxiliary_states() == meta["list_auxiliary_states"]
    assert sym.list_outputs() == meta["list_outputs"]
    assert sym.list_inputs() == meta["list_inputs"]


@pytest.mark.parametrize("name", META_MODELS)
def test_infer_shape_matches_mxnet(name):
    meta = load_meta(name)
    sym = mx.sym.load(fixture(name + "-symbol.json"))
    shapes = {k: tuple(v) for k, v in meta["input_shapes"].items()}
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**shapes)
    assert [list(s) for s in arg_shapes] == meta["infer_shape"]["arg_shapes"]
    assert [list(s) for s in out_shapes] == meta["infer_shape"]["out_shapes"]
    assert [list(s) for s in aux_shapes] == meta["infer_shape"]["aux_shapes"]


@pytest.mark.parametrize("name", META_MODELS)
def test_symbolblock_params_and_repr_match_mxnet(name):
    meta = load_meta(name)
    net = import_model(name)
    assert list(net.collect_params().keys()) == meta["symbolblock_params"]
    assert repr(net) == meta["symbolblock_repr"]


@pytest.mark.parametrize("name", META_MODELS)
def test_tojson_writes_the_exported_text_back(name):
    with open(fixture(name + "-symbol.json")) as f:
        text = f.read()
    assert mx.sym.load(fixture(name + "-symbol.json")).tojson() == text


# -------------------------------------------------------------------------- legacy
def test_legacy_json_loads_with_the_same_arguments_and_output():
    legacy = mx.sym.load(fixture("legacy_mlp-symbol.json"))
    modern = mx.sym.load(fixture("mlp-symbol.json"))
    assert legacy.list_arguments() == modern.list_arguments()
    net = gluon.SymbolBlock.imports(
        fixture("legacy_mlp-symbol.json"), ["data"], fixture("mlp-0000.params"), ctx=mx.cpu()
    )
    inputs, expected = load_io("mlp")
    assert_outputs_match(forward(net, inputs), expected)


def test_legacy_json_is_upgraded_like_mxnet():
    # "param"/"attr" merge into "attrs"; lr_mult, wd_mult and ctx_group gain double
    # underscores, unknown keys stay; entries gain a version 0; mxnet_version is 10901.
    with open(fixture("legacy_mlp-upgraded.json")) as f:
        upgraded = f.read()
    text = mx.sym.load(fixture("legacy_mlp-symbol.json")).tojson()
    assert json.loads(text) == json.loads(upgraded)
    assert text == upgraded


def test_legacy_json_attr_dict_matches_mxnet():
    with open(fixture("legacy_mlp-meta.json")) as f:
        meta = json.load(f)
    assert mx.sym.load(fixture("legacy_mlp-symbol.json")).attr_dict() == meta["attr_dict"]


# ------------------------------------------------------------------------ finetune
def test_finetuning_an_imported_mlp_follows_mxnet_sgd():
    record = np.load(fixture("mlp-finetune.npz"))
    (x,), _ = load_io("mlp")
    data, target = nd.array(x), nd.array(record["target"])
    net = import_model("mlp")
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    loss_fn = gluon.loss.L2Loss()
    losses = []
    for step in range(len(record["losses"])):
        with autograd.record():
            loss = loss_fn(net(data), target)
        loss.backward()
        losses.append(float(loss.mean().asscalar()))
        if step == 0:
            for pname, param in net.collect_params().items():
                np.testing.assert_allclose(
                    param.grad().asnumpy(), record["grad:" + pname], rtol=1e-4, atol=1e-5
                )
        trainer.step(x.shape[0])
    np.testing.assert_allclose(losses, record["losses"], rtol=1e-4, atol=1e-6)
    assert losses[-1] < 0.5 * losses[0]
    for pname, param in net.collect_params().items():
        np.testing.assert_allclose(
            param.data().asnumpy(), record["final:" + pname], rtol=1e-4, atol=1e-5
        )


# ---------------------------------------------------------------------- bad input
def write_graph_with_unknown_op(tmp_path) -> str:
    with open(fixture("mlp-symbol.json")) as f:
        graph = json.load(f)
    node = next(n for n in graph["nodes"] if n["name"] == "mlp0_dense0_fwd")
    node["op"] = "NoSuchOp"
    target = str(tmp_path / "unknown-symbol.json")
    with open(target, "w") as f:
        json.dump(graph, f)
    return target


def test_unknown_op_raises_naming_op_and_node(tmp_path):
    sym_file = write_graph_with_unknown_op(tmp_path)
    with pytest.raises(MXNetError) as info:
        mx.sym.load(sym_file)
    assert "NoSuchOp" in str(info.value) and "mlp0_dense0_fwd" in str(info.value)
    with pytest.raises(MXNetError) as info:
        gluon.SymbolBlock.imports(sym_file, ["data"])
    assert "NoSuchOp" in str(info.value) and "mlp0_dense0_fwd" in str(info.value)


def test_missing_symbol_file_raises_naming_it(tmp_path):
    absent = str(tmp_path / "absent-symbol.json")
    with pytest.raises(MXNetError) as info:
        gluon.SymbolBlock.imports(absent, ["data"])
    assert absent in str(info.value)


def test_params_file_missing_a_parameter_raises_naming_it(tmp_path):
    arrays = nd.load(fixture("mlp-0000.params"))
    del arrays["arg:mlp0_dense1_bias"]
    params_file = str(tmp_path / "partial-0000.params")
    nd.save(params_file, arrays)
    with pytest.raises(AssertionError) as info:  # MXNet 1.9.1's class for this
        gluon.SymbolBlock.imports(fixture("mlp-symbol.json"), ["data"], params_file)
    assert "'mlp0_dense1_bias'" in str(info.value) and params_file in str(info.value)


def test_params_file_with_an_extra_parameter_raises_naming_it(tmp_path):
    arrays = nd.load(fixture("mlp-0000.params"))
    arrays["arg:stray_weight"] = nd.ones((2, 2))
    params_file = str(tmp_path / "stray-0000.params")
    nd.save(params_file, arrays)
    with pytest.raises(AssertionError) as info:
        gluon.SymbolBlock.imports(fixture("mlp-symbol.json"), ["data"], params_file)
    assert "'stray_weight'" in str(info.value)


def test_too_few_inputs_raise_naming_the_missing_one():
    net = import_model("two_io")
    (x, _), _ = load_io("two_io")
    with pytest.raises(ValueError) as info:  # MXNet: "argument structure ... does not match"
        net(nd.array(x))
    if not UNDER_MXNET:
        assert "data1" in str(info.value)


def test_too_many_inputs_raise_naming_the_expected_ones():
    net = import_model("two_io")
    (x, y), _ = load_io("two_io")
    with pytest.raises(ValueError) as info:
        net(nd.array(x), nd.array(y), nd.array(y))
    if not UNDER_MXNET:
        assert "data0" in str(info.value) and "data1" in str(info.value)
        assert "3" in str(info.value)


def test_input_name_not_in_the_graph_raises_naming_it():
    # MXNet takes the real input data1 for a parameter and raises AssertionError because the
    # file lacks it (without a params file it raises nothing); either class is accepted.
    with pytest.raises((AssertionError, MXNetError)) as info:
        gluon.SymbolBlock.imports(
            fixture("two_io-symbol.json"), ["data0", "nosuch"], fixture("two_io-0000.params")
        )
    if UNDER_MXNET:
        assert "'data1'" in str(info.value)
    else:
        assert "nosuch" in str(info.value) and "data1" in str(info.value)
