"""save_parameters / load_parameters / ParameterDict.save / load / export against the files
MXNet 1.9.1 wrote for the same networks (tests/data/mxnet_params, see
tests/data/make_mxnet_fixtures.py), plus gluonlite's structural matching and messages."""

import json
import os
from pathlib import Path

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import gluon, init, nd
from gluonlite.gluon import nn
from gluonlite.ndarray import utils as nd_utils

DATA = Path(__file__).parent / "data" / "mxnet_params"
MANIFEST = json.loads((DATA / "manifest.json").read_text("utf-8"))


def _values(name):
    """key -> numpy array, as MXNet loads the fixture."""
    return {
        e["key"]: np.frombuffer(bytes.fromhex(e["hex"]), dtype=e["dtype"]).reshape(e["shape"])
        for e in MANIFEST[name]["entries"]
    }


# The fixture script's networks, rebuilt (same structure, same attribute names).
class MLP(gluon.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.hidden = nn.Dense(4, in_units=3)
            self.output = nn.Dense(2, in_units=4)

    def forward(self, x):
        return self.output(nd.relu(self.hidden(x)))


class Unit(gluon.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.conv = nn.Dense(2, in_units=2)


class Nested(gluon.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.Sequential()
            self.features.add(
                nn.Dense(2, in_units=2), nn.Dense(2, in_units=2), nn.Dense(2, in_units=2), Unit()
            )
            self.output = nn.Dense(1, in_units=2)


def _sequential(**kwargs):
    net = nn.Sequential(**kwargs)
    with net.name_scope():
        net.add(nn.Dense(3, in_units=2), nn.Dense(2, in_units=3))
    return net


def _shared():
    net = nn.Sequential()
    first = nn.Dense(2, in_units=2)
    net.add(first, nn.Dense(2, in_units=2), nn.Dense(2, in_units=2, params=first.params))
    return net


def _float16():
    net = nn.Sequential()
    net.add(nn.Dense(3, in_units=2))
    net.cast("float16")
    return net


def _export_net(prefix="expfix_"):
    net = nn.HybridSequential(prefix=prefix)
    with net.name_scope():
        net.add(nn.Dense(3, in_units=2, activation="relu"), nn.Dense(1, in_units=3))
    return net


def _bn_net(prefix="bnfix_"):
    net = nn.HybridSequential(prefix=prefix)
    with net.name_scope():
        net.add(nn.Dense(4, in_units=3), nn.BatchNorm(in_channels=4), nn.Dense(2, in_units=4))
    return net


def _set_structural(net, values):
    net.initialize()
    params = net._collect_params_with_prefix()
    for key, value in values.items():
        params[key].set_data(nd.array(value, dtype=value.dtype))


def _set_by_name(net, values, strip=""):
    net.initialize()
    for key, value in values.items():
        net.collect_params()[key[4:] if key[3:4] == ":" else key].set_data(
            nd.array(value, dtype=value.dtype)
        )


def _assert_net_holds(net, values):
    params = net._collect_params_with_prefix()
    for key, value in values.items():
        got = params[key].data().asnumpy()
        assert got.dtype == value.dtype and got.tobytes() == value.tobytes(), key


STRUCTURAL = [
    ("gluon_sequential.params", _sequential, False),
    ("gluon_mlp_structural.params", MLP, False),
    ("gluon_nested.params", Nested, False),
    ("gluon_shared.params", _shared, False),
    ("gluon_shared_dedup.params", _shared, True),
    ("gluon_float16.params", _float16, False),
]


# ---------------------------------------------------------------- byte-identical files
@pytest.mark.parametrize("name, make, dedup", STRUCTURAL)
def test_save_parameters_writes_mxnets_bytes(tmp_path, name, make, dedup):
    net = make()
    values = _values("gluon_shared.params") if dedup else _values(name)
    _set_structural(net, values)
    net.save_parameters(str(tmp_path / "p.params"), deduplicate=dedup)
    assert (tmp_path / "p.params").read_bytes() == (DATA / name).read_bytes()


def test_dedup_keeps_the_last_alias_at_the_first_position():
    assert list(_values("gluon_shared_dedup.params")) == [
        "2.weight",
        "2.bias",
        "1.weight",
        "1.bias",
    ]


@pytest.mark.parametrize(
    "name, make, strip",
    [
        ("gluon_sequential_collect.params", lambda: _sequential(prefix="seqfix_"), ""),
        ("gluon_mlp_legacy_global.params", lambda: MLP(prefix="mlp1_"), ""),
        ("gluon_mlp_legacy_stripped.params", lambda: MLP(prefix="mlp1_"), "mlp1_"),
    ],
)
def test_collect_params_save_writes_mxnets_bytes(tmp_path, name, make, strip):
    net = make()
    _set_by_name(net, {strip + k: v for k, v in _values(name).items()})
    net.collect_params().save(str(tmp_path / "p.params"), strip_prefix=strip)
    assert (tmp_path / "p.params").read_bytes() == (DATA / name).read_bytes()


@pytest.mark.parametrize(
    "name, make, epoch",
    [("gluon_export-0007.params", _export_net, 7), ("gluon_export_bn-0000.params", _bn_net, 0)],
)
def test_export_writes_mxnets_params_file(tmp_path, name, make, epoch):
    net = make()
    _set_by_name(net, _values(name))
    net.export(str(tmp_path / "model"), epoch=epoch)
    assert sorted(os.listdir(tmp_path)) == ["model-%04d.params" % epoch, "model-symbol.json"]
    assert (tmp_path / ("model-%04d.params" % epoch)).read_bytes() == (DATA / name).read_bytes()


# ---------------------------------------------------------------- reading MXNet's files
@pytest.mark.parametrize("name, make, dedup", STRUCTURAL)
def test_load_parameters_reads_mxnets_checkpoints(name, make, dedup):
    net = make()
    net.load_parameters(str(DATA / name))
    _assert_net_holds(net, _values("gluon_shared.params" if dedup else name))


@pytest.mark.parametrize(
    "name", ["gluon_mlp_legacy_global.params", "gluon_mlp_legacy_stripped.params"]
)
def test_legacy_files_load_into_a_model_with_other_counters(name):
    MLP()  # the counters move on, as in a long script
    net = MLP()
    assert net.prefix != "mlp1_"
    net.load_parameters(str(DATA / name))
    values = list(_values(name).values())
    assert [p.data().asnumpy().tobytes() for p in net.collect_params().values()] == [
        v.tobytes() for v in values
    ]


@pytest.mark.parametrize(
    "name, make",
    [("gluon_export-0007.params", _export_net), ("gluon_export_bn-0000.params", _bn_net)],
)
@pytest.mark.parametrize("prefix", [None, "exported_"])  # MXNet's prefix, or another one
def test_load_parameters_reads_export_files(name, make, prefix):
    net = make() if prefix is None else make(prefix=prefix)
    net.load_parameters(str(DATA / name))
    values = list(_values(name).values())
    assert [p.data().asnumpy().tobytes() for p in net.collect_params().values()] == [
        v.tobytes() for v in values
    ]


# ---------------------------------------------------------------- structure, not counters
def test_checkpoint_loads_into_a_second_model_built_later(tmp_path):
    first = MLP()
    first.initialize(init.Xavier())
    first.save_parameters(str(tmp_path / "mlp.params"))
    first.collect_params().save(str(tmp_path / "legacy.params"))
    x = nd.array(np.arange(6, dtype=np.float32).reshape(2, 3))
    for path in ("mlp.params", "legacy.params"):
        second = MLP()
        second.load_parameters(str(tmp_path / path))
        assert second(x).asnumpy().tobytes() == first(x).asnumpy().tobytes()
        third = MLP()
        third.collect_params().load(str(tmp_path / "legacy.params"))
        assert third(x).asnumpy().tobytes() == first(x).asnumpy().tobytes()


def test_loading_into_a_never_initialized_or_deferred_net_fixes_the_shapes(tmp_path):
    src = nn.Dense(4, in_units=3)
    src.initialize()
    src.save_parameters(str(tmp_path / "d.params"))
    fresh = nn.Dense(4)  # never initialized, in_units unknown
    fresh.load_parameters(str(tmp_path / "d.params"))
    assert fresh.weight.shape == (4, 3) and fresh.weight.data().shape == (4, 3)
    deferred = nn.Dense(4)
    deferred.initialize(ctx=mx.cpu(0))  # still deferred
    deferred.load_parameters(str(tmp_path / "d.params"))
    assert deferred.weight.data().asnumpy().tobytes() == src.weight.data().asnumpy().tobytes()
    assert deferred.weight.grad().shape == (4, 3)


# ---------------------------------------------------------------- messages
def test_missing_and_extra_messages_list_the_names_and_suggest_the_closest(tmp_path):
    path = str(tmp_path / "renamed.params")
    nd.save(
        path,
        {
            "hiden.weight": nd.ones((4, 3)),
            "hidden.bias": nd.ones(4),
            "output.weight": nd.ones((2, 4)),
            "output.bias": nd.ones(2),
        },
    )
    with pytest.raises(AssertionError) as info:
        MLP().load_parameters(path)
    assert str(info.value) == (
        "Parameter 'hidden.weight' is missing in file '%s', which contains parameters: "
        "'hiden.weight', 'hidden.bias', 'output.weight', 'output.bias'. Set allow_missing=True "
        "to ignore missing parameters. Did you mean 'hiden.weight'?" % path
    )
    with pytest.raises(ValueError) as info:
        MLP().load_parameters(path, allow_missing=True)
    assert str(info.value) == (
        "Parameter 'hiden.weight' loaded from file '%s' is not present in the block, which "
        "contains parameters 'hidden.weight', 'hidden.bias', 'output.weight', 'output.bias'. "
        "Set ignore_extra=True to ignore. Did you mean 'hidden.weight'?" % path
    )
    net = MLP()
    net.initialize()
    net.load_parameters(path, allow_missing=True, ignore_extra=True)
    assert net.hidden.bias.data().asnumpy().tolist() == [1, 1, 1, 1]


def test_legacy_messages_keep_mxnets_wording(tmp_path):
    path = str(tmp_path / "legacy.params")
    nd.save(path, {"foo_weight": nd.ones((3, 2))})
    params = _sequential(prefix="legacymsg_").collect_params()
    with pytest.raises(AssertionError) as info:
        params.load(path, ignore_extra=True)
    assert str(info.value).startswith(
        "Parameter 'legacymsg_dense0_weight' is missing in file: %s, which contains "
        "parameters: 'foo_weight'. Please make sure source and target networks have the same "
        "prefix. For more info on naming" % path
    )
    with pytest.raises(AssertionError) as info:
        params.load(path, allow_missing=True)
    assert str(info.value).startswith(
        "Parameter 'foo_weight' loaded from file: %s is not present in ParameterDict, choices "
        "are: 'legacymsg_dense0_weight', 'legacymsg_dense0_bias', 'legacymsg_dense1_weight', "
        "'legacymsg_dense1_bias'. Set ignore_extra to True to ignore." % path
    )
    with pytest.warns(UserWarning, match="set no parameter at all"):
        params.load(path, allow_missing=True, ignore_extra=True)
    with pytest.raises(
        AssertionError,
        match="restore_prefix is 'other_' but Parameters name "
        "'legacymsg_dense0_weight' does not start with",
    ):
        params.load(path, restore_prefix="other_")


def test_shape_mismatch_names_the_key_and_changes_nothing(tmp_path):
    path = str(tmp_path / "wide.params")
    nd.save(
        path,
        {
            "0.weight": nd.ones((3, 2)),
            "0.bias": nd.ones(3),
            "1.weight": nd.ones((5, 3)),
            "1.bias": nd.ones(2),
        },
    )
    net = _sequential()
    net.initialize(init.Zero())
    with pytest.raises(AssertionError) as info:
        net.load_parameters(path)
    assert str(info.value) == (
        "Failed loading Parameter '%s' (key '1.weight' in file '%s') from saved params: shape "
        "incompatible expected (2, 3) vs saved (5, 3)" % (net[1].weight.name, path)
    )
    assert not net[0].weight.data().asnumpy().any()  # checked before anything was set


def test_dtype_mismatch_and_cast_dtype(tmp_path):
    path = str(DATA / "gluon_float16.params")
    net = nn.Sequential()
    net.add(nn.Dense(3, in_units=2))
    net.initialize()
    with pytest.raises(AssertionError) as info:
        net.load_parameters(path)
    assert str(info.value) == (
        "Failed loading Parameter '%s' (key '0.weight' in file '%s') from saved params: dtype "
        "incompatible expected float32 vs saved <class 'numpy.float16'>. Set cast_dtype=True to "
        "cast the dtype of saved params." % (net[0].weight.name, path)
    )
    net.load_parameters(path, cast_dtype=True)
    want = _values("gluon_float16.params")["0.weight"]
    assert net[0].weight.data().dtype == np.float32
    assert (net[0].weight.data().asnumpy() == want.astype(np.float32)).all()
    net.load_parameters(path, cast_dtype=True, dtype_source="saved")
    assert net[0].weight.dtype == np.float16 and net[0].weight.data().dtype == np.float16
    assert net[0].weight.grad().dtype == np.float16


def test_context_mismatch_and_list_files(tmp_path):
    net = nn.Dense(2, in_units=2)
    net.initialize(ctx=mx.cpu(0))
    net.save_parameters(str(tmp_path / "d.params"))
    with pytest.raises(
        AssertionError,
        match=r"Failed to load Parameter '.*' on \[cpu\(1\)\] "
        r"because it was previous initialized on \[cpu\(0\)\]",
    ):
        net.load_parameters(str(tmp_path / "d.params"), ctx=mx.cpu(1))
    nd.save(str(tmp_path / "list.params"), [nd.ones(2)])
    with pytest.raises(ValueError, match="holds a list of 1 arrays, not a dict"):
        net.load_parameters(str(tmp_path / "list.params"))
    nd.save(str(tmp_path / "empty.params"), {})
    nn.Sequential().load_parameters(str(tmp_path / "empty.params"))  # nothing to do


def test_parameter_dict_round_trip_with_prefixes(tmp_path):
    src = _sequential()
    src.initialize(init.Xavier())
    path = str(tmp_path / "pd.params")
    src.collect_params().save(path, strip_prefix=src.prefix)
    assert sorted(nd.load(path)) == ["dense0_bias", "dense0_weight", "dense1_bias", "dense1_weight"]
    dst = _sequential()
    dst.collect_params().load(path, restore_prefix=dst.prefix)
    for a, b in zip(src.collect_params().values(), dst.collect_params().values()):
        assert a.data().asnumpy().tobytes() == b.data().asnumpy().tobytes()


def test_save_parameters_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "net.params"
    path.write_bytes(b"old")
    net = _sequential()
    net.initialize()

    def fail(fd, arrays, names, label):
        os.write(fd, b"junk")
        raise KeyboardInterrupt

    monkeypatch.setattr(nd_utils, "_write_params_fd", fail)
    with pytest.raises(KeyboardInterrupt):
        net.save_parameters(str(path))
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["net.params"]


def test_load_initializer_reads_files(tmp_path):
    src = nn.Dense(3, in_units=2, prefix="loadinit_")
    src.initialize(init.Xavier())
    nd.save(
        str(tmp_path / "w.params"), {"arg:" + k: v.data() for k, v in src.collect_params().items()}
    )
    dst = nn.Dense(3, in_units=2, prefix="loadinit_")
    dst.initialize(init.Load(tmp_path / "w.params"))
    assert dst.weight.data().asnumpy().tobytes() == src.weight.data().asnumpy().tobytes()
    nd.save(str(tmp_path / "empty.params"), {})
    other = nn.Dense(3, in_units=2)
    other.initialize(init.Load(str(tmp_path / "empty.params"), default_init=init.One()))
    assert (other.weight.data().asnumpy() == 1).all()
