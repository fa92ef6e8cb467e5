"""``mx.model`` checkpoints: ``prefix-symbol.json`` + ``prefix-%04d.params`` (``arg:``/``aux:``).

The fixtures in tests/data/module/ were written by tests/data/make_module_fixtures.py: a
checkpoint gluonlite wrote (and what MXNet 1.9.1 read from it), and one MXNet wrote.
"""

import importlib.util
import logging
import os
import shutil

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import nd
from gluonlite.base import MXNetError

DATA = os.path.join(os.path.dirname(__file__), "data")
FIXTURES = os.path.join(DATA, "module")


def _fixture_builders():
    spec = importlib.util.spec_from_file_location(
        "make_module_fixtures", os.path.join(DATA, "make_module_fixtures.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _fixture_builders()


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def test_save_checkpoint_writes_the_files_mxnet_read_byte_for_byte(tmp_path):
    args, aux = BUILD.mlp_params(mx, 5)
    prefix = str(tmp_path / "gluonlite_mlp")
    assert mx.model.save_checkpoint(prefix, 3, BUILD.mlp(mx), args, aux) is None
    assert sorted(os.listdir(tmp_path)) == [
        "gluonlite_mlp-0003.params",
        "gluonlite_mlp-symbol.json",
    ]
    for name in ("gluonlite_mlp-0003.params", "gluonlite_mlp-symbol.json"):
        assert _read(tmp_path / name) == _read(os.path.join(FIXTURES, name))


def test_mxnet_read_gluonlite_checkpoint_as_gluonlite_reads_it():
    recorded = np.load(os.path.join(FIXTURES, "gluonlite_mlp-mxnet.npz"))
    sym, args, aux = mx.model.load_checkpoint(os.path.join(FIXTURES, "gluonlite_mlp"), 3)
    assert list(args) == list(recorded["arg_keys"])
    assert list(aux) == list(recorded["aux_keys"])
    assert sym.list_outputs() == list(recorded["outputs"])
    mod = mx.mod.Module(sym, label_names=None)
    mod.bind([("data", recorded["data"].shape)], for_training=False)
    mod.set_params(args, aux)
    out = mod.predict(nd.array(recorded["data"])).asnumpy()
    np.testing.assert_allclose(out, recorded["output"], rtol=1e-5, atol=1e-6)


def test_load_checkpoint_reads_mxnet_files_in_their_key_order():
    recorded = np.load(os.path.join(FIXTURES, "mxnet_mlp-io.npz"))
    sym, args, aux = mx.model.load_checkpoint(os.path.join(FIXTURES, "mxnet_mlp"), 7)
    keys = ["arg:" + k for k in args] + ["aux:" + k for k in aux]
    assert keys == list(recorded["keys"])
    assert sym.list_arguments() == ["data"] + list(args)
    assert sym.list_auxiliary_states() == list(aux)
    expected_args, expected_aux = BUILD.mlp_params(mx, 3)
    for name, value in list(expected_args.items()) + list(expected_aux.items()):
        source = args if name in args else aux
        np.testing.assert_array_equal(source[name].asnumpy(), value.asnumpy())
    assert isinstance(mx.model.load_params(os.path.join(FIXTURES, "mxnet_mlp"), 7), tuple)


def test_save_checkpoint_keeps_dict_order_args_before_aux(tmp_path):
    prefix = str(tmp_path / "ck")
    args = {"z_weight": nd.ones((2,)), "a_bias": nd.zeros((1,))}
    aux = {"m_moving_var": nd.ones((1,))}
    mx.model.save_checkpoint(prefix, 1, mx.sym.var("x") * 2, args, aux)
    assert list(nd.load(prefix + "-0001.params")) == [
        "arg:z_weight",
        "arg:a_bias",
        "aux:m_moving_var",
    ]
    arg_params, aux_params = mx.model.load_params(prefix, 1)
    assert list(arg_params) == ["z_weight", "a_bias"] and list(aux_params) == ["m_moving_var"]


def test_save_checkpoint_epoch_is_zero_padded_to_four_digits_and_symbol_may_be_none(tmp_path):
    prefix = str(tmp_path / "ck")
    mx.model.save_checkpoint(prefix, 12345, None, {"w": nd.ones((1,))}, {})
    mx.model.save_checkpoint(prefix, 2, None, {"w": nd.ones((1,))}, {})
    assert sorted(os.listdir(tmp_path)) == ["ck-0002.params", "ck-12345.params"]


def test_save_checkpoint_logs_the_params_file(tmp_path, caplog):
    prefix = str(tmp_path / "ck")
    with caplog.at_level(logging.INFO):
        mx.model.save_checkpoint(prefix, 4, None, {"w": nd.ones((1,))}, {})
    assert 'Saved checkpoint to "%s-0004.params"' % prefix in caplog.messages


def test_missing_files_raise_mxnet_error_naming_them(tmp_path):
    prefix = str(tmp_path / "nope")
    with pytest.raises(MXNetError, match="nope-symbol.json"):
        mx.model.load_checkpoint(prefix, 1)
    shutil.copy(os.path.join(FIXTURES, "mxnet_mlp-symbol.json"), prefix + "-symbol.json")
    with pytest.raises(MXNetError, match="nope-0005.params"):
        mx.model.load_checkpoint(prefix, 5)
    with pytest.raises(MXNetError, match="nope-0005.params"):
        mx.model.load_params(prefix, 5)


def test_load_params_skips_keys_of_other_kinds_and_warns_on_an_empty_file(tmp_path, caplog):
    prefix = str(tmp_path / "p")
    nd.save(prefix + "-0000.params", {"foo:bar": nd.ones((1,)), "arg:w": nd.ones((2,))})
    arg_params, aux_params = mx.model.load_params(prefix, 0)
    assert list(arg_params) == ["w"] and aux_params == {}
    nd.save(prefix + "-0001.params", {})
    with caplog.at_level(logging.WARNING):
        assert mx.model.load_params(prefix, 1) == ({}, {})
    assert "Params file '%s-0001.params' is empty" % prefix in caplog.messages


def test_load_params_refuses_files_that_are_not_checkpoints(tmp_path):
    prefix = str(tmp_path / "p")
    nd.save(prefix + "-0000.params", [nd.ones((1,))])
    with pytest.raises(AttributeError, match="p-0000.params' holds 1 unnamed arrays"):
        mx.model.load_params(prefix, 0)
    nd.save(prefix + "-0001.params", {"weight": nd.ones((1,))})
    with pytest.raises(ValueError, match="key 'weight' has no 'arg:'/'aux:' prefix"):
        mx.model.load_params(prefix, 1)


def test_save_checkpoint_refuses_bad_arguments(tmp_path):
    prefix = str(tmp_path / "bad")
    with pytest.raises(TypeError, match="argument 'w' must be an NDArray, got ndarray"):
        mx.model.save_checkpoint(prefix, 0, None, {"w": np.ones(2)}, {})
    with pytest.raises(TypeError, match="symbol must be a Symbol"):
        mx.model.save_checkpoint(prefix, 0, "net", {"w": nd.ones((2,))}, {})
    assert os.listdir(tmp_path) == []


def test_batch_end_param_is_mxnets_namedtuple():
    param = mx.model.BatchEndParam(epoch=1, nbatch=2, eval_metric=None, locals={})
    assert param._fields == ("epoch", "nbatch", "eval_metric", "locals")
    assert (param.epoch, param.nbatch) == (1, 2)
