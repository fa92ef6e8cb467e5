"""mx.onnx.export_model: MXNet-format graphs to ONNX, run in onnxruntime against MXNet's output.

The fixtures in tests/data/onnx/ come from MXNet 1.9.1 (make_onnx_fixtures.py): four models
saved by HybridBlock.export with an input batch and MXNet's inference output, and one small
graph per converter case with its inputs, parameters and MXNet's outputs.
"""

import json
import logging
import os
import sys

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import gluonlite as mx  # noqa: E402
import gluonlite.onnx  # noqa: E402,F401
from gluonlite.base import MXNetError  # noqa: E402

DATA = os.path.join(os.path.dirname(__file__), "data", "onnx")
MODELS = ["mlp", "lenet", "resnet", "mobilenet"]
with open(os.path.join(DATA, "ops-cases.json")) as _f:
    CASES = json.load(_f)
CASE_ARRAYS = np.load(os.path.join(DATA, "ops-cases.npz"))


def model_files(name):
    """(symbol path, params path, input batch, MXNet's output) of a fixture model."""
    io = np.load(os.path.join(DATA, name + "-io.npz"))
    symbol = os.path.join(DATA, name + "-symbol.json")
    params = os.path.join(DATA, name + "-0000.params")
    return symbol, params, io["data"], io["output"]


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path, monkeypatch):
    """Every test runs in its own folder: a default 'model.onnx' lands there."""
    monkeypatch.chdir(tmp_path)


def session(path):
    options = ort.SessionOptions()
    options.log_severity_level = 3  # no warnings about constant folding
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def run(path, feeds):
    return session(path).run(None, feeds)


def case_parts(name):
    """(symbol JSON string, params, feeds, shapes, dtypes, MXNet outputs) of an op case."""
    case = CASES[name]
    prefix = name + "::"
    params = {
        k[len(prefix + "param::") :]: CASE_ARRAYS[k]
        for k in CASE_ARRAYS.files
        if k.startswith(prefix + "param::")
    }
    feeds = {n: CASE_ARRAYS[prefix + "input::" + n] for n, _, _ in case["inputs"]}
    outputs = []
    while prefix + "output::%d" % len(outputs) in CASE_ARRAYS.files:
        outputs.append(CASE_ARRAYS[prefix + "output::%d" % len(outputs)])
    shapes = [tuple(s) for _, s, _ in case["inputs"]]
    dtypes = [np.dtype(t) for _, _, t in case["inputs"]]
    return json.dumps(case["symbol"]), params, feeds, shapes, dtypes, outputs


def graph_json(nodes, heads):
    return json.dumps({"nodes": nodes, "arg_nodes": [], "heads": heads})


def var(name):
    return {"op": "null", "name": name, "inputs": []}


def op_node(op, name, attrs, *sources):
    return {"op": op, "name": name, "attrs": attrs, "inputs": [[i, 0, 0] for i in sources]}


def dims(value_info):
    """A graph input's dimensions: an int, or None for a dynamic one."""
    return [
        d.dim_value if d.HasField("dim_value") else None
        for d in value_info.type.tensor_type.shape.dim
    ]


# ---- whole models ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", MODELS)
def test_model_matches_mxnet_output(name, tmp_path):
    symbol, params, data, expected = model_files(name)
    target = str(tmp_path / "m.onnx")
    returned = mx.onnx.export_model(symbol, params, [data.shape], np.float32, target)
    assert returned == target
    onnx.checker.check_model(target)
    (got,) = run(target, {"data": data})
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


def test_model_graph_layout(tmp_path):
    symbol, params, data, _ = model_files("lenet")
    path = mx.onnx.export_model(symbol, params, [data.shape], np.float32, str(tmp_path / "m.onnx"))
    model = onnx.load(path)
    assert [(o.domain, o.version) for o in model.opset_import] == [("", 13)]
    assert model.ir_version == 7
    assert model.graph.name == "mxnet_converted_model"
    assert [i.name for i in model.graph.input] == ["data"]
    assert dims(model.graph.input[0]) == [2, 1, 28, 28]
    assert [o.name for o in model.graph.output] == ["dense4_fwd"]
    assert dims(model.graph.output[0]) == [2, 10]
    weights = {t.name for t in model.graph.initializer}
    assert {"conv0_weight", "conv0_bias", "dense4_weight", "dense4_bias"} <= weights
    ops = [n.op_type for n in model.graph.node]
    assert ops.count("Conv") == 2 and ops.count("Gemm") == 2 and "Identity" in ops  # Dropout
    assert len(model.graph.value_info) == 0  # no shape inference stored unless asked


def test_dynamic_exports_symbolic_dimensions(tmp_path):
    symbol, params, data, expected = model_files("resnet")
    path = mx.onnx.export_model(
        symbol, params, [data.shape], np.float32, str(tmp_path / "m.onnx"), dynamic=True
    )
    model = onnx.load(path)
    assert dims(model.graph.input[0]) == [None, None, None, None]  # all dynamic, as MXNet
    np.testing.assert_allclose(run(path, {"data": data})[0], expected, rtol=1e-4, atol=1e-4)
    (one,) = run(path, {"data": data[1:]})
    np.testing.assert_allclose(one, expected[1:], rtol=1e-4, atol=1e-4)


def test_dynamic_input_shapes_choose_the_dynamic_dimensions(tmp_path):
    symbol, params, data, expected = model_files("mobilenet")
    path = mx.onnx.export_model(
        symbol,
        params,
        [data.shape],
        np.float32,
        str(tmp_path / "m.onnx"),
        dynamic=True,
        dynamic_input_shapes=[(None, 3, 32, 32)],
    )
    assert dims(onnx.load(path).graph.input[0]) == [None, 3, 32, 32]
    (got,) = run(path, {"data": np.concatenate([data, data[:1]])})
    np.testing.assert_allclose(got[:2], expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(got[2], expected[0], rtol=1e-4, atol=1e-4)


def test_run_shape_inference_stores_value_info(tmp_path):
    symbol, params, data, _ = model_files("mlp")
    path = mx.onnx.export_model(
        symbol, params, [data.shape], np.float32, str(tmp_path / "m.onnx"), run_shape_inference=True
    )
    infos = {v.name: dims(v) for v in onnx.load(path).graph.value_info}
    assert infos["dense0_fwd"] == [4, 32]
    assert infos["dense1_fwd"] == [4, 16]


def test_params_as_ndarray_dicts_with_prefixes_and_as_a_list(tmp_path):
    symbol, params_file, data, expected = model_files("resnet")
    loaded = mx.nd.load(params_file)
    assert any(k.startswith("aux:") for k in loaded)
    arg = {k: v for k, v in loaded.items() if k.startswith("arg:")}
    aux = {k[4:]: v for k, v in loaded.items() if k.startswith("aux:")}
    for i, params in enumerate([loaded, [arg, aux]]):
        path = mx.onnx.export_model(
            symbol, params, [data.shape], [np.float32], str(tmp_path / ("m%d.onnx" % i))
        )
        np.testing.assert_allclose(run(path, {"data": data})[0], expected, rtol=1e-4, atol=1e-4)


def test_symbol_object_json_string_and_old_argument_names(tmp_path):
    symbol, params, data, expected = model_files("mlp")
    with open(symbol) as f:
        text = f.read()

    class FakeSymbol:
        def tojson(self):
            return text

    for i, sym in enumerate([FakeSymbol(), text]):
        path = mx.onnx.export_model(
            sym,
            params,
            input_shape=[data.shape],
            input_type="float32",
            onnx_file_path=str(tmp_path / ("m%d.onnx" % i)),
        )
        np.testing.assert_allclose(run(path, {"data": data})[0], expected, rtol=1e-4, atol=1e-4)


def test_gluonlite_symbol_exports(tmp_path):
    symbol_api = pytest.importorskip("gluonlite.symbol")
    symbol, params, data, expected = model_files("resnet")
    path = mx.onnx.export_model(symbol_api.load(symbol), params, [data.shape], np.float32, "m.onnx")
    np.testing.assert_allclose(run(path, {"data": data})[0], expected, rtol=1e-4, atol=1e-4)


def test_default_file_path_is_model_onnx(tmp_path):
    symbol, params, data, _ = model_files("mlp")
    assert mx.onnx.export_model(symbol, params, [data.shape]) == "model.onnx"
    assert (tmp_path / "model.onnx").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["model.onnx"]  # no temporary file left
    assert (os.stat("model.onnx").st_mode & 0o777) == 0o666 & ~current_umask()


def test_verbose_logs_each_node(tmp_path, caplog):
    symbol, params, data, _ = model_files("mlp")
    target = str(tmp_path / "m.onnx")
    with caplog.at_level(logging.INFO):
        mx.onnx.export_model(symbol, params, [data.shape], np.float32, target, verbose=True)
    messages = [r.getMessage() for r in caplog.records]
    assert "Converting json and weight file to sym and params" in messages
    assert "Converting idx: 0, op: null, name: data" in messages
    assert "Converting idx: 3, op: FullyConnected, name: dense0_fwd" in messages
    assert "Output node is: dense2_fwd" in messages
    assert "Input shape of the model [(4, 20)] " in messages
    assert "Exported ONNX file %s saved to disk" % target in messages


def test_get_operator_support_lists_the_converted_ops():
    ops = mx.onnx.get_operator_support()
    assert ops == sorted(ops)
    zoo_ops = ["Activation", "BatchNorm", "Concat", "Convolution", "Dropout", "Flatten"]
    zoo_ops += ["FullyConnected", "Pooling", "clip", "elemwise_add", "Reshape", "softmax"]
    assert set(zoo_ops) <= set(ops)
    assert mx.onnx.get_operator_support(13) == ops


# ---- one converter case at a time ----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_case_matches_mxnet(name, tmp_path):
    sym, params, feeds, shapes, dtypes, expected = case_parts(name)
    path = mx.onnx.export_model(sym, params, shapes, dtypes, str(tmp_path / "m.onnx"))
    onnx.checker.check_model(path)
    got = run(path, feeds)
    assert len(got) == len(expected)
    for actual, wanted in zip(got, expected):
        assert actual.shape == wanted.shape
        assert actual.dtype == wanted.dtype
        np.testing.assert_allclose(actual, wanted, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", ["reshape_4", "reshape_6", "dot_2d_3d", "batchnorm_axis_last"])
def test_shape_dependent_ops_with_dynamic_batch(name, tmp_path):
    sym, params, feeds, shapes, dtypes, expected = case_parts(name)
    dynamic = [(None,) + s[1:] for s in shapes]
    path = mx.onnx.export_model(
        sym,
        params,
        shapes,
        dtypes,
        str(tmp_path / "m.onnx"),
        dynamic=True,
        dynamic_input_shapes=dynamic,
    )
    np.testing.assert_allclose(run(path, feeds)[0], expected[0], rtol=1e-4, atol=1e-4)


def test_label_of_a_loss_layer_is_not_an_input(tmp_path):
    sym, params, feeds, shapes, dtypes, expected = case_parts("softmax_output")
    assert CASES["softmax_output"]["labels"] == ["softmax_label"]
    for i, given in enumerate([shapes, shapes + [(3,)]]):  # the label's shape may be given
        path = mx.onnx.export_model(sym, params, given, np.float32, str(tmp_path / ("%d.onnx" % i)))
        assert [v.name for v in onnx.load(path).graph.input] == ["data"]
        np.testing.assert_allclose(run(path, feeds)[0], expected[0], rtol=1e-4, atol=1e-4)


def test_fix_gamma_replaces_gamma_by_ones(tmp_path):
    sym, params, feeds, shapes, dtypes, expected = case_parts("batchnorm_fix_gamma")
    path = mx.onnx.export_model(sym, params, shapes, dtypes, str(tmp_path / "m.onnx"))
    names = {t.name for t in onnx.load(path).graph.initializer}
    assert "bn_gamma" not in names and "bn_beta" in names


# ---- bad input ------------------------------------------------------------------------------


def test_unknown_op_names_op_and_node(tmp_path):
    sym = graph_json([var("data"), op_node("cumsum", "running", {}, 0)], [[1, 0, 0]])
    with pytest.raises(MXNetError) as info:
        mx.onnx.export_model(sym, {}, [(2, 3)], np.float32, str(tmp_path / "m.onnx"))
    assert isinstance(info.value, AttributeError)  # the class MXNet raises
    assert str(info.value).startswith(
        "No conversion function registered for op type cumsum yet: node 'running' (cumsum) "
        "has no ONNX converter"
    )
    assert not (tmp_path / "m.onnx").exists()


def test_missing_in_shapes_names_the_inputs(tmp_path):
    symbol, params, _, _ = model_files("mlp")
    with pytest.raises(MXNetError, match=r"in_shapes is required: .*\('data'\)"):
        mx.onnx.export_model(symbol, params, None, np.float32, str(tmp_path / "m.onnx"))
    with pytest.raises(MXNetError, match=r"for one input write \[\(4, 20\)\]"):
        mx.onnx.export_model(symbol, params, (4, 20), np.float32, str(tmp_path / "m.onnx"))


def test_too_few_in_shapes_name_the_input_without_one(tmp_path):
    sym, params, _, shapes, _, _ = case_parts("concat")
    with pytest.raises(MXNetError) as info:
        mx.onnx.export_model(sym, params, shapes[:1], np.float32, str(tmp_path / "m.onnx"))
    assert isinstance(info.value, ValueError)
    assert "in_shapes gives 1 shape(s) for the 2 graph inputs that are not parameters " in str(
        info.value
    )
    assert "('data', 'other'): no shape for 'other'" in str(info.value)


def test_parameter_missing_from_params_is_reported_as_an_input(tmp_path):
    sym, params, _, shapes, _, _ = case_parts("fc_flatten")
    del params["fc_bias"]
    with pytest.raises(MXNetError, match="no shape for 'fc_bias' .a parameter missing from params"):
        mx.onnx.export_model(sym, params, shapes, np.float32, str(tmp_path / "m.onnx"))


def test_in_types_of_another_length_fail_like_mxnet(tmp_path):
    symbol, params, data, _ = model_files("mlp")
    with pytest.raises(AssertionError, match="the lengths of in_types and in_shapes must be equal"):
        mx.onnx.export_model(symbol, params, [data.shape], [np.float32] * 2, str(tmp_path / "m"))
    with pytest.raises(TypeError, match="in_types for input 'data' is not a dtype: 'floaty'"):
        mx.onnx.export_model(symbol, params, [data.shape], "floaty", str(tmp_path / "m"))


def test_bad_shapes_are_named(tmp_path):
    symbol, params, _, _ = model_files("mlp")
    path = str(tmp_path / "m")
    with pytest.raises(MXNetError, match="in_shapes for input 'data' must be a tuple of non-neg"):
        mx.onnx.export_model(symbol, params, [(4, -1)], np.float32, path)
    with pytest.raises(AssertionError, match="pass dynamic=True"):
        mx.onnx.export_model(symbol, params, [(4, 20)], dynamic_input_shapes=[(None, 20)])
    with pytest.raises(AssertionError, match="dynamic_input_shapes for input 'data' has 1 dim"):
        mx.onnx.export_model(
            symbol, params, [(4, 20)], dynamic=True, dynamic_input_shapes=[(None,)]
        )
    assert not os.path.exists(path)


def test_input_shape_that_does_not_fit_the_weights_names_the_node(tmp_path):
    symbol, params, _, _ = model_files("mlp")
    with pytest.raises(MXNetError) as info:
        mx.onnx.export_model(symbol, params, [(4, 21)], np.float32, str(tmp_path / "m.onnx"))
    text = str(info.value)
    assert text.startswith(
        "cannot export node 'dense0_fwd' (FullyConnected): its input shapes or dtypes do not "
        "fit (graph inputs data: (4, 21))"
    )
    assert "between 20 and 21" in text


def test_convolution_channels_that_do_not_fit_the_weight(tmp_path):
    symbol, params, _, _ = model_files("lenet")
    with pytest.raises(MXNetError) as info:
        mx.onnx.export_model(symbol, params, [(2, 3, 28, 28)], np.float32, str(tmp_path / "m"))
    assert str(info.value) == (
        "cannot export node 'conv0_fwd' (Convolution): its input 'data' has 3 channels but the "
        "weight 'conv0_weight' of shape (6, 1, 5, 5) (num_group=1) expects 1"
    )


def test_unsupported_attribute_names_node_and_attribute(tmp_path):
    attrs = {"kernel": "(3,)", "pool_type": "max", "pooling_convention": "same"}
    node = op_node("Pooling", "pool0", attrs, 0)
    with pytest.raises(MXNetError) as info:
        mx.onnx.export_model(graph_json([var("data"), node], [[1, 0, 0]]), {}, [(1, 2, 8)])
    assert str(info.value) == (
        "cannot export node 'pool0' (Pooling) to ONNX: pooling_convention=same; "
        "supported: valid, full"
    )


def test_missing_required_attribute(tmp_path):
    node = op_node("Convolution", "conv", {"num_filter": "2"}, 0, 1, 2)
    params = {"w": np.ones((2, 1, 1, 1), np.float32), "b": np.zeros(2, np.float32)}
    sym = graph_json([var("data"), var("w"), var("b"), node], [[3, 0, 0]])
    with pytest.raises(
        MXNetError, match=r"^node 'conv' \(Convolution\) lacks its required attribute 'kernel'$"
    ):
        mx.onnx.export_model(sym, params, [(1, 1, 3, 3)], np.float32, str(tmp_path / "m"))


def test_output_the_export_does_not_produce(tmp_path):
    sym, params, _, shapes, dtypes, _ = case_parts("batchnorm")
    document = json.loads(sym)
    document["heads"] = [[len(document["nodes"]) - 1, 1, 0]]  # BatchNorm's batch mean
    with pytest.raises(MXNetError, match=r"output 1 of node 'bn' \(BatchNorm\)"):
        mx.onnx.export_model(json.dumps(document), params, shapes, dtypes, str(tmp_path / "m"))


def test_bad_sym_and_params_arguments(tmp_path):
    _, params, data, _ = model_files("mlp")
    with pytest.raises(TypeError, match="sym must be a path to a -symbol.json file, .* got int"):
        mx.onnx.export_model(42, params, [data.shape])
    missing = str(tmp_path / "nope-symbol.json")
    with pytest.raises(ValueError, match="cannot read the symbol file '%s'" % missing):
        mx.onnx.export_model(missing, params, [data.shape])
    with pytest.raises(ValueError, match="the symbol is not valid JSON"):
        mx.onnx.export_model("{nodes", params, [data.shape])
    symbol = model_files("mlp")[0]
    with pytest.raises(ValueError, match="cannot load the params file '.*nope.params'"):
        mx.onnx.export_model(symbol, str(tmp_path / "nope.params"), [data.shape])
    with pytest.raises(TypeError, match="params must be a path to a .params file, .* got int"):
        mx.onnx.export_model(symbol, 7, [data.shape])


def test_missing_output_folder_and_failed_export_leave_files_alone(tmp_path):
    symbol, params, data, _ = model_files("mlp")
    target = str(tmp_path / "no" / "m.onnx")
    with pytest.raises(FileNotFoundError, match="cannot write the ONNX file: no folder") as info:
        mx.onnx.export_model(symbol, params, [data.shape], np.float32, target)
    assert info.value.filename == target
    existing = tmp_path / "old.onnx"
    existing.write_bytes(b"previous model")
    with pytest.raises(MXNetError):
        mx.onnx.export_model(symbol, params, [(4, 21)], np.float32, str(existing))
    assert existing.read_bytes() == b"previous model"


def test_without_onnx_installed_the_error_says_what_to_install(monkeypatch):
    symbol, params, data, _ = model_files("mlp")
    monkeypatch.setitem(sys.modules, "onnx", None)  # makes `import onnx` fail
    with pytest.raises(ImportError, match=r"needs the onnx package: pip install onnx"):
        mx.onnx.export_model(symbol, params, [data.shape])
