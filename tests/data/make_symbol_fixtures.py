"""Writes the exported-model fixtures in tests/data/symbol/ with the real MXNet 1.9.1.

Run it with MXNet's interpreter (a scratch virtualenv: ``pip install mxnet==1.9.1
numpy==1.23.5``)::

    /work/mxvenv/bin/python tests/data/make_symbol_fixtures.py          # write
    /work/mxvenv/bin/python tests/data/make_symbol_fixtures.py --check  # verify

Every model is built in MXNet Gluon, initialized after ``mx.random.seed(0)``, hybridized,
run once and exported with ``export(prefix, 0)``. For model NAME the folder then holds:

* ``NAME-symbol.json``: the graph exactly as MXNet's ``export`` wrote it.
* ``NAME-0000.params``: the exported parameters, for models whose parameters are small.
  BatchNorm's gamma, beta, running_mean and running_var are first overwritten with
  values from ``np.random.RandomState(2)`` so that inference-mode BatchNorm is exercised.
* ``NAME-params.json`` instead of the ``.params``, for the large model-zoo nets:
  ``{"seed": 2, "params": [[key, shape, [low, high]], ...]}`` in the ``.params`` file's
  key order (``arg:``/``aux:`` prefixed, as in the file). Every value is regenerated
  with one ``np.random.RandomState(2)`` as ``rs.uniform(low, high, shape)`` taken in that
  order and cast to float32; the recorded output was computed with exactly these values.
* ``NAME-io.npz``: ``data`` (or ``data0``, ``data1``, ... when the graph has several
  inputs, named as in the JSON) and ``output`` (or ``output0``, ...): MXNet's inference
  forward (outside ``autograd.record``) on a fixed input from ``np.random.RandomState(1)``.
* ``NAME-meta.json`` (a few small models): what MXNet's ``mx.sym.load`` and
  ``SymbolBlock.imports`` report about the graph (arguments, auxiliary states, outputs,
  inferred shapes, parameter names, ``print(net)``).

Plus ``legacy_mlp-symbol.json`` (the MLP rewritten in the pre-1.0 JSON layout),
``legacy_mlp-upgraded.json`` (what MXNet's ``tojson()`` prints after loading it),
``mlp-finetune.npz`` (losses, gradients and weights of a few SGD steps on the imported
MLP) and ``errors.json`` (what MXNet raises for the bad inputs tests/test_symbol_import.py
feeds in).

``--check`` loads every fixture back with MXNet's ``SymbolBlock.imports`` and runs the
functions of tests/test_symbol_import.py under MXNet (``gluonlite`` aliased to ``mxnet``,
a minimal stand-in for pytest), so the tests themselves are checked against the oracle.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import importlib.util
import inspect
import json
import os
import pathlib
import re
import sys
import tempfile
import traceback
import types

import mxnet as mx
import numpy as np
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn, rnn
from mxnet.gluon.model_zoo import vision

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "symbol")
TESTS = os.path.dirname(HERE)
BATCH = 2


def path(name: str) -> str:
    return os.path.join(OUT, name)


# ------------------------------------------------------------------ deterministic values
def value_bounds(name: str, shape) -> list:
    """[low, high] of the uniform draw for a parameter: gamma and running_var in [0.5, 1.5),
    weights (2-D and more) He-uniform over their fan-in, everything else in [-0.1, 0.1).

    Plain U(-0.1, 0.1) for every weight makes a deep net's output independent of its input
    to 1e-6, which would let a wrong convolution pass; He scaling keeps the signal."""
    if name.endswith(("gamma", "running_var")):
        return [0.5, 1.5]
    if name.endswith("weight") and len(shape) >= 2:
        limit = float(np.sqrt(6.0 / np.prod(shape[1:])))
        return [-limit, limit]
    return [-0.1, 0.1]


def image_input(rs: np.random.RandomState, side: int, channels: int = 3) -> np.ndarray:
    """An image batch with values k/16 in [0, 1): exact in float32 and small in an npz."""
    return (rs.randint(0, 16, size=(BATCH, channels, side, side)) / 16.0).astype(np.float32)


# ------------------------------------------------------------------------------- models
class MLP(gluon.HybridBlock):
    """Dense(16, relu) then Dense(4)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.hidden = nn.Dense(16, activation="relu")
            self.out = nn.Dense(4)

    def hybrid_forward(self, F, x):
        return self.out(self.hidden(x))


def lenet() -> gluon.HybridBlock:
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(
            nn.Conv2D(6, kernel_size=5, activation="relu"),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Conv2D(16, kernel_size=5, activation="relu"),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Flatten(),
            nn.Dense(120, activation="relu"),
            nn.Dense(84, activation="relu"),
            nn.Dense(10),
        )
    return net


def bn_dropout() -> gluon.HybridBlock:
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(
            nn.Dense(16),
            nn.BatchNorm(),
            nn.Activation("relu"),
            nn.Dropout(0.5),
            nn.Dense(4),
        )
    return net


def embedding() -> gluon.HybridBlock:
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Embedding(50, 8), nn.Dense(3))
    return net


class WithStates(gluon.HybridBlock):
    """Calls a recurrent layer with explicit begin states, returns output and new states."""

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.layer = layer

    def hybrid_forward(self, F, x, *states):
        out, new_states = self.layer(x, list(states))
        return [out] + list(new_states)


class WithoutStates(gluon.HybridBlock):
    """Calls a recurrent layer without states: MXNet builds zero states inside the graph."""

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.layer = layer

    def hybrid_forward(self, F, x):
        return self.layer(x)


class TwoInTwoOut(gluon.HybridBlock):
    """(dx(x) + dy(y), dx(x) * dy(y)) for the multi-input, multi-output path."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.dx = nn.Dense(4)
            self.dy = nn.Dense(4)

    def hybrid_forward(self, F, x, y):
        a = self.dx(x)
        b = self.dy(y)
        return a + b, a * b


T, C, H = 5, 4, 8  # sequence length, input features, hidden size of the recurrent fixtures


def rnn_inputs(rs: np.random.RandomState, n_states: int, state_rows: int) -> list:
    x = rs.uniform(-1, 1, (T, BATCH, C)).astype(np.float32)
    states = [
        rs.uniform(-0.5, 0.5, (state_rows, BATCH, H)).astype(np.float32) for _ in range(n_states)
    ]
    return [x] + states


def zoo(name: str):
    return lambda: vision.get_model(name, classes=10, pretrained=False)


# name -> (builder, input maker (RandomState(1) -> list of arrays), generated): generated
# models store NAME-params.json instead of the .params file.
MODELS = {
    "mlp": (MLP, lambda rs: [rs.uniform(-1, 1, (BATCH, 10)).astype(np.float32)], False),
    "lenet": (lenet, lambda rs: [image_input(rs, 28, 1)], False),
    "bn_dropout": (
        bn_dropout,
        lambda rs: [rs.uniform(-1, 1, (BATCH, 6)).astype(np.float32)],
        False,
    ),
    "embedding": (
        embedding,
        lambda rs: [rs.randint(0, 50, (BATCH, 5)).astype(np.float32)],
        False,
    ),
    "two_io": (
        TwoInTwoOut,
        lambda rs: [
            rs.uniform(-1, 1, (BATCH, 3)).astype(np.float32),
            rs.uniform(-1, 1, (BATCH, 5)).astype(np.float32),
        ],
        False,
    ),
    "lstm_bi2_states": (
        lambda: WithStates(rnn.LSTM(H, num_layers=2, bidirectional=True)),
        lambda rs: rnn_inputs(rs, 2, 4),
        False,
    ),
    "gru_states": (lambda: WithStates(rnn.GRU(H)), lambda rs: rnn_inputs(rs, 1, 1), False),
    "rnn_tanh_states": (
        lambda: WithStates(rnn.RNN(H, activation="tanh")),
        lambda rs: rnn_inputs(rs, 1, 1),
        False,
    ),
    "lstm_nostates": (
        lambda: WithoutStates(rnn.LSTM(H)),
        lambda rs: rnn_inputs(rs, 0, 0),
        False,
    ),
    "mobilenet0.25": (zoo("mobilenet0.25"), lambda rs: [image_input(rs, 32)], False),
    "mobilenetv2_0.25": (zoo("mobilenetv2_0.25"), lambda rs: [image_input(rs, 32)], False),
    "resnet18_v1": (zoo("resnet18_v1"), lambda rs: [image_input(rs, 32)], True),
    "resnet18_v2": (zoo("resnet18_v2"), lambda rs: [image_input(rs, 32)], True),
    "squeezenet1.1": (zoo("squeezenet1.1"), lambda rs: [image_input(rs, 209)], True),
    "densenet121": (zoo("densenet121"), lambda rs: [image_input(rs, 221)], True),
    "vgg11_bn": (zoo("vgg11_bn"), lambda rs: [image_input(rs, 32)], True),
    "inceptionv3": (zoo("inceptionv3"), lambda rs: [image_input(rs, 299)], True),
    "alexnet": (zoo("alexnet"), lambda rs: [image_input(rs, 63)], True),
}
META_MODELS = ["mlp", "lenet", "bn_dropout", "two_io", "lstm_bi2_states"]
# Overwritten from RandomState(2) in the stored models: MXNet initializes them to 0 or 1.
RANDOMIZED_SUFFIXES = ("gamma", "beta", "running_mean", "running_var", "bias")


def as_list(out) -> list:
    return list(out) if isinstance(out, (list, tuple)) else [out]


def io_keys(prefix: str, count: int) -> list:
    return [prefix] if count == 1 else ["%s%d" % (prefix, i) for i in range(count)]


def graph_inputs(name: str) -> list:
    """The graph's input names: the arguments that are not parameters, in JSON order."""
    sym = mx.sym.load(path(name + "-symbol.json"))
    if os.path.exists(path(name + "-0000.params")):
        keys = list(nd.load(path(name + "-0000.params")))
    else:
        with open(path(name + "-params.json")) as f:
            keys = [key for key, _, _ in json.load(f)["params"]]
    names = {key.split(":", 1)[1] for key in keys}
    return [a for a in sym.list_inputs() if a not in names]


def make_model(name: str) -> None:
    build, make_inputs, generated = MODELS[name]
    mx.random.seed(0)
    net = build()
    # He-normal keeps the signal through deep nets (MXNet's default Uniform(0.07) flattens
    # LeNet's output to a constant); generated models overwrite it all anyway.
    net.initialize(mx.init.Xavier(rnd_type="gaussian", factor_type="in", magnitude=2))
    inputs = make_inputs(np.random.RandomState(1))
    arrays = [nd.array(a, dtype=a.dtype) for a in inputs]
    net.hybridize()
    net(*arrays)  # export needs one hybridized forward; this one also finishes deferred init
    if not generated:
        rs = np.random.RandomState(2)
        for pname, param in net.collect_params().items():
            if pname.endswith(RANDOMIZED_SUFFIXES):
                param.set_data(nd.array(rs.uniform(*value_bounds(pname, param.shape), param.shape)))
    prefix = path(name)
    net.export(prefix, 0)
    params_file = prefix + "-0000.params"
    if generated:
        rs = np.random.RandomState(2)
        entries = []
        params = net.collect_params()
        for key, arr in nd.load(params_file).items():
            pname = key.split(":", 1)[1]
            bounds = value_bounds(pname, arr.shape)
            params[pname].set_data(nd.array(rs.uniform(*bounds, arr.shape).astype(np.float32)))
            entries.append([key, list(arr.shape), bounds])
        os.remove(params_file)
        with open(prefix + "-params.json", "w") as f:
            json.dump({"seed": 2, "params": entries}, f, indent=0)
            f.write("\n")
    outputs = [o.asnumpy() for o in as_list(net(*arrays))]
    if outputs[0].ndim == 2 and outputs[0].shape[0] == BATCH and outputs[0].shape[1] > 1:
        # The two samples must differ by far more than the tests' tolerance: an output that
        # ignores its input would let a wrong kernel pass.
        assert np.abs(outputs[0][0] - outputs[0][1]).max() > 1e-2, name
    in_names = graph_inputs(name)
    assert len(in_names) == len(inputs), (name, in_names)
    record = dict(zip(io_keys("data", len(inputs)), inputs))
    record.update(zip(io_keys("output", len(outputs)), outputs))
    np.savez_compressed(prefix + "-io.npz", **record)
    if in_names != io_keys("data", len(inputs)):
        raise AssertionError("%s: MXNet named the inputs %s" % (name, in_names))
    print("%-18s inputs %-22s outputs %s" % (name, in_names, [o.shape for o in outputs]))


def shape_lists(shapes) -> list:
    return [list(s) for s in shapes] if shapes is not None else None


def make_meta(name: str) -> None:
    sym = mx.sym.load(path(name + "-symbol.json"))
    io = np.load(path(name + "-io.npz"))
    inputs = {k: io[k].shape for k in io.files if k.startswith("data")}
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**inputs)
    net = gluon.SymbolBlock.imports(
        path(name + "-symbol.json"), sorted(inputs), path(name + "-0000.params")
    )
    meta = {
        "input_shapes": {k: list(v) for k, v in inputs.items()},
        "list_arguments": sym.list_arguments(),
        "list_auxiliary_states": sym.list_auxiliary_states(),
        "list_outputs": sym.list_outputs(),
        "list_inputs": sym.list_inputs(),
        "infer_shape": {
            "arg_shapes": shape_lists(arg_shapes),
            "out_shapes": shape_lists(out_shapes),
            "aux_shapes": shape_lists(aux_shapes),
        },
        "symbolblock_params": list(net.collect_params().keys()),
        "symbolblock_repr": repr(net),
        "tojson_equals_file": sym.tojson() == open(path(name + "-symbol.json")).read(),
    }
    with open(path(name + "-meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")


# -------------------------------------------------------------------------------- legacy
# Extra user attributes on two nodes, to record which keys the upgrade renames ('lr_mult',
# 'wd_mult' and 'ctx_group' get double underscores, an unknown 'mood' is kept as it is).
LEGACY_USER_ATTRS = {
    "mlp0_dense0_weight": {
        "attr": {"lr_mult": "1.0", "wd_mult": "0.5", "ctx_group": "dev1", "mood": "happy"}
    },
    "mlp0_dense0_fwd": {"attr": {"ctx_group": "dev1"}},
}


def to_legacy(graph: dict) -> dict:
    """The graph in the pre-1.0 layout MXNet 0.8-0.9 wrote: an op's parameters under
    "param", user attributes under "attr", 2-element node entries, "backward_source_id",
    no "node_row_ptr" and no "attrs"/"mxnet_version"."""
    nodes = []
    for node in graph["nodes"]:
        attrs = dict(node.get("attrs", {}))
        legacy = {"op": node["op"], "name": node["name"]}
        if node["op"] == "null":
            legacy["param"] = {}
            # 0.8 wrote user attributes without the double underscores and no shapes.
            if "__lr_mult__" in attrs:
                legacy["attr"] = {"lr_mult": attrs["__lr_mult__"]}
        else:
            attrs.pop("flatten", None)  # FullyConnected had no 'flatten' (default True) yet
            legacy["param"] = attrs
        legacy.update(LEGACY_USER_ATTRS.get(node["name"], {}))
        legacy["inputs"] = [entry[:2] for entry in node["inputs"]]
        legacy["backward_source_id"] = -1
        nodes.append(legacy)
    return {
        "nodes": nodes,
        "arg_nodes": graph["arg_nodes"],
        "heads": [entry[:2] for entry in graph["heads"]],
    }


def make_legacy() -> None:
    with open(path("mlp-symbol.json")) as f:
        graph = json.load(f)
    legacy = to_legacy(graph)
    legacy_file = path("legacy_mlp-symbol.json")
    with open(legacy_file, "w") as f:
        json.dump(legacy, f, indent=2)
        f.write("\n")
    modern = mx.sym.load(path("mlp-symbol.json"))
    loaded = mx.sym.load(legacy_file)
    assert loaded.list_arguments() == modern.list_arguments(), loaded.list_arguments()
    with open(path("legacy_mlp-upgraded.json"), "w") as f:
        f.write(loaded.tojson())
    with open(path("legacy_mlp-meta.json"), "w") as f:
        json.dump(
            {"list_arguments": loaded.list_arguments(), "attr_dict": loaded.attr_dict()},
            f,
            indent=1,
            sort_keys=True,
        )
        f.write("\n")
    io = np.load(path("mlp-io.npz"))
    net = gluon.SymbolBlock.imports(legacy_file, ["data"], path("mlp-0000.params"))
    out = net(nd.array(io["data"])).asnumpy()
    np.testing.assert_allclose(out, io["output"], rtol=1e-6, atol=1e-6)
    print("legacy_mlp         loads, same arguments and output")


# ------------------------------------------------------------------------------ finetune
FINETUNE_STEPS = 4
FINETUNE_LR = 0.1


def finetune_target(x: np.ndarray) -> np.ndarray:
    """The regression target the fine-tuning test fits (fixed, not learnable by chance)."""
    return np.random.RandomState(3).uniform(-1, 1, (x.shape[0], 4)).astype(np.float32)


def make_finetune() -> None:
    """Record MXNet's losses, first-step gradients and final weights of SGD on the MLP."""
    io = np.load(path("mlp-io.npz"))
    x = nd.array(io["data"])
    y = nd.array(finetune_target(io["data"]))
    net = gluon.SymbolBlock.imports(path("mlp-symbol.json"), ["data"], path("mlp-0000.params"))
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": FINETUNE_LR})
    loss_fn = gluon.loss.L2Loss()
    record = {}
    losses = []
    for step in range(FINETUNE_STEPS):
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        losses.append(float(loss.mean().asscalar()))
        if step == 0:
            for pname, param in net.collect_params().items():
                record["grad:" + pname] = param.grad().asnumpy()
        trainer.step(x.shape[0])
    for pname, param in net.collect_params().items():
        record["final:" + pname] = param.data().asnumpy()
    record["target"] = y.asnumpy()
    record["losses"] = np.array(losses, dtype=np.float32)
    np.savez_compressed(path("mlp-finetune.npz"), **record)
    assert losses[-1] < 0.9 * losses[0], losses
    print("mlp-finetune       losses", ["%.5f" % v for v in losses])


# -------------------------------------------------------------------------------- errors
def first_error(fn) -> dict:
    try:
        fn()
    except Exception as err:  # noqa: BLE001 - we record whatever MXNet raises
        return {"class": type(err).__name__, "message": str(err)}
    return {"class": None, "message": None}


def unknown_op_json(tmp: str) -> str:
    with open(path("mlp-symbol.json")) as f:
        graph = json.load(f)
    node = next(n for n in graph["nodes"] if n["op"] == "FullyConnected")
    node["op"] = "NoSuchOp"
    target = os.path.join(tmp, "unknown_op-symbol.json")
    with open(target, "w") as f:
        json.dump(graph, f)
    return target


def params_without(tmp: str, missing: str) -> str:
    arrays = nd.load(path("mlp-0000.params"))
    del arrays[missing]
    target = os.path.join(tmp, "missing-0000.params")
    nd.save(target, arrays)
    return target


def params_with_stray(tmp: str) -> str:
    arrays = nd.load(path("mlp-0000.params"))
    arrays["arg:stray_weight"] = nd.ones((2, 2))
    target = os.path.join(tmp, "stray-0000.params")
    nd.save(target, arrays)
    return target


def make_errors() -> None:
    tmp = tempfile.mkdtemp()
    sym_file = path("mlp-symbol.json")
    two_file = path("two_io-symbol.json")
    io = np.load(path("two_io-io.npz"))
    two = gluon.SymbolBlock.imports(two_file, ["data0", "data1"], path("two_io-0000.params"))
    errors = {
        "unknown_op": first_error(lambda: mx.sym.load(unknown_op_json(tmp))),
        "unknown_op_imports": first_error(
            lambda: gluon.SymbolBlock.imports(unknown_op_json(tmp), ["data"])
        ),
        "missing_param": first_error(
            lambda: gluon.SymbolBlock.imports(
                sym_file, ["data"], params_without(tmp, "arg:mlp0_dense1_bias")
            )
        ),
        "too_few_inputs": first_error(lambda: two(nd.array(io["data0"]))),
        "too_many_inputs": first_error(
            lambda: two(nd.array(io["data0"]), nd.array(io["data1"]), nd.array(io["data1"]))
        ),
        "unknown_input_name": first_error(
            lambda: gluon.SymbolBlock.imports(two_file, ["data0", "nosuch"])
        ),
        "unknown_input_name_forward": first_error(
            lambda: gluon.SymbolBlock.imports(
                two_file, ["data0", "nosuch"], path("two_io-0000.params")
            )(nd.array(io["data0"]), nd.array(io["data1"]))
        ),
        "extra_param_in_file": first_error(
            lambda: gluon.SymbolBlock.imports(sym_file, ["data"], params_with_stray(tmp))
        ),
        "missing_symbol_file": first_error(
            lambda: gluon.SymbolBlock.imports(os.path.join(tmp, "absent-symbol.json"), ["data"])
        ),
    }
    for err in errors.values():  # no log timestamps or scratch paths: a stable file
        if err["message"] is not None:
            message = re.sub(r"\[\d\d:\d\d:\d\d\] ", "", err["message"])
            err["message"] = message.replace(tmp, "<tmp>").replace(OUT, "<fixtures>")
    with open(path("errors.json"), "w") as f:
        json.dump(errors, f, indent=1)
        f.write("\n")
    for key, err in errors.items():
        first_line = (err["message"] or "").strip().splitlines()[:1]
        print("error %-20s %s %s" % (key, err["class"], first_line))


# --------------------------------------------------------------------------------- check
class _Raises:
    """pytest.raises for --check: a context manager that stores the exception in .value."""

    def __init__(self, kind, match=None):
        self.kind, self.match, self.value = kind, match, None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            raise AssertionError("DID NOT RAISE %s" % self.kind)
        if not issubclass(exc_type, self.kind):
            return False
        self.value = exc
        if self.match is not None:
            assert re.search(self.match, str(exc)), (self.match, str(exc))
        return True


class _Skip(Exception):
    pass


def _fake_pytest() -> types.ModuleType:
    fake = types.ModuleType("pytest")

    def parametrize(names, values, **_kwargs):
        def mark(fn):
            fn._params = ([n.strip() for n in names.split(",")], list(values))
            return fn

        return mark

    def skip(reason=""):
        raise _Skip(reason)

    def skipif(condition, reason=""):
        def mark(fn):
            if not condition:
                return fn

            @functools.wraps(fn)
            def skipped(*_args, **_kwargs):
                raise _Skip(reason)

            return skipped

        return mark

    fake.raises = _Raises
    fake.skip = skip
    fake.mark = types.SimpleNamespace(parametrize=parametrize, skipif=skipif)
    fake.fixture = lambda fn=None, **_kwargs: fn
    return fake


def check() -> int:
    """Reproduce every recorded output with MXNet, then run the tests under MXNet."""
    failures = 0
    for name in MODELS:
        sym_file = path(name + "-symbol.json")
        io = np.load(path(name + "-io.npz"))
        data_keys = [k for k in io.files if k.startswith("data")]
        params_file = path(name + "-0000.params")
        if os.path.exists(params_file):
            net = gluon.SymbolBlock.imports(sym_file, data_keys, params_file)
        else:
            net = gluon.SymbolBlock.imports(sym_file, data_keys)
            net.collect_params().initialize()
            with open(path(name + "-params.json")) as f:
                spec = json.load(f)
            rs = np.random.RandomState(spec["seed"])
            params = net.collect_params()
            for key, shape, (low, high) in spec["params"]:
                params[key.split(":", 1)[1]].set_data(
                    nd.array(rs.uniform(low, high, shape).astype(np.float32))
                )
        outs = as_list(net(*[nd.array(io[k], dtype=io[k].dtype) for k in data_keys]))
        keys = io_keys("output", len(outs))
        for key, out in zip(keys, outs):
            np.testing.assert_allclose(out.asnumpy(), io[key], rtol=1e-5, atol=1e-5)
        print("check %-18s reproduced" % name)

    # The test file under MXNet: gluonlite -> mxnet, pytest -> the stand-in above.
    sys.modules["gluonlite"] = mx
    sys.modules["gluonlite.base"] = mx.base
    sys.modules["pytest"] = _fake_pytest()
    spec = importlib.util.spec_from_file_location(
        "test_symbol_import", os.path.join(TESTS, "test_symbol_import.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    for fname, fn in inspect.getmembers(module, inspect.isfunction):
        if not fname.startswith("test_") or fn.__module__ != module.__name__:
            continue
        names, values = getattr(fn, "_params", ([], [()]))
        for value in values:
            args = dict(zip(names, value if len(names) > 1 else [value])) if names else {}
            if "tmp_path" in inspect.signature(fn).parameters:
                args["tmp_path"] = pathlib.Path(tempfile.mkdtemp())
            label = "%s[%s]" % (
                fname,
                "-".join(str(v) for v in args.values() if not isinstance(v, os.PathLike)),
            )
            try:
                with contextlib.redirect_stderr(open(os.devnull, "w")):
                    fn(**args)
            except _Skip as why:
                print("SKIP  %s: %s" % (label, why))
            except Exception:  # noqa: BLE001 - report and go on
                failures += 1
                print("FAIL  %s\n%s" % (label, traceback.format_exc(limit=3)))
            else:
                print("pass  %s" % label)
    print("%d failure(s)" % failures)
    return failures


def main() -> None:
    if "--check" in sys.argv:
        sys.exit(1 if check() else 0)
    os.makedirs(OUT, exist_ok=True)
    for stale in glob.glob(path("*")):
        os.remove(stale)
    for name in MODELS:
        make_model(name)
    for name in META_MODELS:
        make_meta(name)
    make_legacy()
    make_finetune()
    make_errors()
    total = sum(os.path.getsize(f) for f in glob.glob(path("*")))
    print("wrote %d files, %.2f MB" % (len(os.listdir(OUT)), total / 1e6))


if __name__ == "__main__":
    main()
