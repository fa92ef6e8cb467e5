"""``mx.mod.Module`` on Symbol graphs, and the loss markers ``nd.make_loss`` / ``nd.MakeLoss``.

Expected values come from numpy, from the same graph run through ``gluon.SymbolBlock``,
or from MXNet 1.9.1 (tests/data/module/, written by tests/data/make_module_fixtures.py;
the texts and gradients below were observed with it).
"""

import json
import logging
import os

import numpy as np
import pytest

# the fixture builders, shared with the checkpoint tests
from test_model_checkpoint import BUILD, FIXTURES

import gluonlite as mx
from gluonlite import autograd, gluon, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import nn


def mlp(num_hidden=3):
    data = mx.sym.var("data")
    fc1 = mx.sym.FullyConnected(data, name="fc1", num_hidden=16)
    act1 = mx.sym.Activation(fc1, name="relu1", act_type="relu")
    return mx.sym.FullyConnected(act1, name="fc2", num_hidden=num_hidden)


def bound(symbol, shape, **bind_kwargs):
    mod = mx.mod.Module(symbol, label_names=None)
    mod.bind([("data", shape)], **bind_kwargs)
    return mod


# ---- make_loss / MakeLoss -------------------------------------------------------------

X = np.array([[1.0, 2.0, -3.0], [0.5, 0.0, 4.0]], dtype=np.float32)


def _gradient(fn, data, **kwargs):
    x = nd.array(data)
    x.attach_grad()
    with autograd.record():
        y = fn(x, **kwargs)
    y.backward(nd.ones_like(y) * 5)  # the head gradient is ignored
    return y.asnumpy(), x.grad.asnumpy()


@pytest.mark.parametrize(
    "kwargs,expected",
    [
        ({}, 1.0),
        ({"grad_scale": 2.0}, 2.0),
        ({"normalization": "batch"}, 0.5),
        ({"normalization": "batch", "grad_scale": 3.0}, 1.5),
        ({"normalization": "valid"}, 0.25),  # 4 elements > 0
        ({"normalization": "valid", "valid_thresh": 0.6}, 1 / 3),
        ({"normalization": "valid", "valid_thresh": 5.0}, 1.0),  # none valid: divide by 1
    ],
)
def test_MakeLoss_gradient_is_grad_scale_normalized_whatever_the_head_gradient(kwargs, expected):
    out, grad = _gradient(nd.MakeLoss, X, **kwargs)
    np.testing.assert_array_equal(out, X)
    np.testing.assert_allclose(grad, np.full(X.shape, expected, np.float32), rtol=1e-6)


def test_MakeLoss_batch_size_is_every_axis_but_the_last():
    _, grad = _gradient(nd.MakeLoss, np.ones((2, 3, 2), np.float32), normalization="batch")
    np.testing.assert_allclose(grad, np.full((2, 3, 2), 1 / 6, np.float32))
    _, grad = _gradient(nd.MakeLoss, np.ones((4,), np.float32), normalization="batch")
    np.testing.assert_array_equal(grad, np.ones(4, np.float32))


def test_make_loss_gradient_is_ones_and_its_scale_arguments_have_no_effect():
    out, grad = _gradient(nd.make_loss, X)
    np.testing.assert_array_equal(out, X)
    np.testing.assert_array_equal(grad, np.ones_like(X))
    with pytest.warns(UserWarning, match="make_loss ignores grad_scale=2.0"):
        _, grad = _gradient(nd.make_loss, X, grad_scale=2.0)
    np.testing.assert_array_equal(grad, np.ones_like(X))


def test_loss_markers_chain_into_the_graph_and_keep_dtype():
    x = nd.array(X, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = nd.MakeLoss(x * 2, grad_scale=0.5)
    y.backward()
    assert y.dtype == np.float64 and x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad.asnumpy(), np.ones(X.shape))
    out = nd.zeros((2, 3))
    assert nd.make_loss(nd.array(X), out=out) is out
    np.testing.assert_array_equal(out.asnumpy(), X)


def test_MakeLoss_refuses_bad_arguments():
    x = nd.array(X)
    with pytest.raises(ValueError, match="normalization='bad' is not valid"):
        nd.MakeLoss(x, normalization="bad")
    with pytest.raises(TypeError, match="grad_scale must be a number, got str 'x'"):
        nd.MakeLoss(x, grad_scale="x")
    with pytest.raises(MXNetError, match="only supports floating point types, not int32"):
        nd.MakeLoss(nd.array([1, 2], dtype="int32"))
    with pytest.raises(MXNetError, match="Cannot find argument 'scale'"):
        nd.make_loss(x, scale=2)


def test_symbolic_loss_markers_write_mxnet_graph_nodes():
    loss = mx.sym.MakeLoss(mx.sym.var("a"), grad_scale=2, normalization="batch")
    node = json.loads(loss.tojson())["nodes"][1]
    assert node == {
        "op": "MakeLoss",
        "name": "makeloss0",
        "attrs": {"grad_scale": "2", "normalization": "batch"},
        "inputs": [[0, 0, 0]],
    }
    assert json.loads(mx.sym.make_loss(mx.sym.var("a"), name="l").tojson())["nodes"][1] == {
        "op": "make_loss",
        "name": "l",
        "inputs": [[0, 0, 0]],
    }
    assert mx.nd.BlockGrad is mx.nd.stop_gradient


# ---- training ---------------------------------------------------------------------------


def test_fit_a_gluon_loss_on_symbols_through_make_loss():
    mx.random.seed(7)
    rs = np.random.RandomState(7)
    data = rs.uniform(-1, 1, (20, 10)).astype(np.float32)
    label = rs.uniform(-1, 1, (20, 1)).astype(np.float32)
    data_iter = mx.io.NDArrayIter(data, label, batch_size=10, label_name="label")
    loss = gluon.loss.L2Loss()(mlp(1), mx.sym.var("label"))
    mod = mx.mod.Module(mx.sym.make_loss(loss), data_names=("data",), label_names=("label",))
    mod.bind(data_iter.provide_data, data_iter.provide_label)
    mod.init_params(mx.init.Xavier(magnitude=2))
    before = mod.score(data_iter, mx.metric.Loss())[0][1]
    with pytest.warns(UserWarning, match="init_params call ignored"):  # fit keeps them
        mod.fit(
            data_iter,
            num_epoch=100,
            optimizer="adam",
            optimizer_params={"learning_rate": 0.01},
            eval_metric=mx.metric.Loss(),
        )
    after = mod.score(data_iter, mx.metric.Loss())
    assert after[0][0] == "loss" and before > 0.05
    assert after[0][1] < 0.01


def test_fit_with_SoftmaxOutput_and_accuracy():
    mx.random.seed(0)
    rs = np.random.RandomState(0)
    data = rs.uniform(-1, 1, (60, 6)).astype(np.float32)
    label = (data @ rs.uniform(-1, 1, (6, 3))).argmax(1).astype(np.float32)
    data_iter = mx.io.NDArrayIter(data, label, batch_size=20)
    mod = mx.mod.Module(mx.sym.SoftmaxOutput(mlp(3), name="softmax"))
    mod.fit(
        data_iter,
        num_epoch=30,
        optimizer_params={"learning_rate": 0.5},
        initializer=mx.init.Xavier(),
    )
    ((name, accuracy),) = mod.score(data_iter, "acc")
    assert name == "accuracy" and accuracy > 0.95
    probabilities = mod.predict(data_iter).asnumpy()
    np.testing.assert_allclose(probabilities.sum(1), np.ones(60), rtol=1e-5)
    assert (probabilities.argmax(1) == label).mean() == accuracy


def test_two_sgd_steps_equal_mxnets():
    recorded = np.load(os.path.join(FIXTURES, "mxnet_sgd-steps.npz"))
    start, batches = BUILD.regression_start()
    mod = mx.mod.Module(BUILD.regression(mx), data_names=("data",), label_names=("label",))
    mod.bind([("data", (6, 3))], [("label", (6, 2))])
    mod.init_params(arg_params={k: nd.array(v) for k, v in start.items()})
    mod.init_optimizer(
        optimizer="sgd", optimizer_params={"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}
    )
    assert mod._optimizer.rescale_grad == 1 / 6
    for step, (x, y) in enumerate(batches):
        mod.forward_backward(mx.io.DataBatch([nd.array(x)], [nd.array(y)]))
        mod.update()
        np.testing.assert_allclose(
            mod.get_outputs()[0].asnumpy(), recorded["loss%d" % step], rtol=1e-5
        )
        for name, value in mod.get_params()[0].items():
            np.testing.assert_allclose(
                value.asnumpy(), recorded["%s_after%d" % (name, step)], rtol=1e-5, atol=1e-7
            )


def test_fit_logs_mxnets_lines_and_calls_the_callbacks(caplog):
    data_iter = mx.io.NDArrayIter(
        np.ones((10, 4), np.float32), np.zeros((10, 3), np.float32), 4, label_name="label"
    )
    loss = mx.sym.make_loss(mx.sym.mean(mx.sym.square(mlp(3) - mx.sym.var("label")), axis=1))
    mod = mx.mod.Module(loss, label_names=("label",))
    batches, epochs = [], []
    with caplog.at_level(logging.INFO):
        mod.fit(
            data_iter,
            eval_data=data_iter,
            num_epoch=2,
            eval_metric=mx.metric.Loss(),
            batch_end_callback=lambda p: batches.append((p.epoch, p.nbatch, p.eval_metric.name)),
            epoch_end_callback=lambda *a: epochs.append((a[0], a[1], sorted(a[2]), a[3])),
        )
    assert batches == [(e, b, "loss") for e in range(2) for b in range(3)]
    assert epochs == [
        (e, mod.symbol, ["fc1_bias", "fc1_weight", "fc2_bias", "fc2_weight"], {}) for e in range(2)
    ]
    lines = [m.split("=")[0] for m in caplog.messages]
    assert lines == [
        "Epoch[0] Train-loss",
        "Epoch[0] Time cost",
        "Epoch[0] Validation-loss",
        "Epoch[1] Train-loss",
        "Epoch[1] Time cost",
        "Epoch[1] Validation-loss",
    ]


# ---- computing: same values as SymbolBlock, exported and MXNet-written models ----------


def test_forward_and_predict_equal_symbolblock_with_the_same_params():
    symbol = BUILD.mlp(mx)
    mod = bound(symbol, (4, 4), for_training=False)
    mx.random.seed(3)
    mod.init_params(mx.init.Xavier())
    arg_params, aux_params = mod.get_params()
    block = gluon.SymbolBlock(symbol, mx.sym.var("data"))
    for name, value in list(arg_params.items()) + list(aux_params.items()):
        block.params[name].shape = value.shape
    block.initialize()
    for name, value in list(arg_params.items()) + list(aux_params.items()):
        block.params[name].set_data(value)
    x = nd.array(np.random.RandomState(1).uniform(-1, 1, (10, 4)))
    expected = block(x).asnumpy()
    mod.forward(mx.io.DataBatch([x[0:4]]))
    np.testing.assert_allclose(mod.get_outputs()[0].asnumpy(), expected[:4], rtol=1e-6)
    # 10 samples in batches of 4: the last batch's 2 padding rows are dropped
    predicted = mod.predict(mx.io.NDArrayIter(x, batch_size=4))
    np.testing.assert_allclose(predicted.asnumpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(mod.predict(x).asnumpy(), expected, rtol=1e-6)
    pieces = mod.predict(mx.io.NDArrayIter(x, batch_size=4), merge_batches=False)
    assert [[p.shape for p in batch] for batch in pieces] == [[(4, 3)], [(4, 3)], [(2, 3)]]


def test_module_load_runs_an_exported_hybridblock(tmp_path):
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(8, activation="relu"), nn.BatchNorm(), nn.Dense(3))
    net.initialize(mx.init.Xavier())
    x = nd.random.uniform(shape=(4, 5))
    net.hybridize()
    expected = net(x).asnumpy()
    prefix = str(tmp_path / "gluon")
    net.export(prefix)
    mod = mx.mod.Module.load(prefix, 0, label_names=None)
    mod.bind(data_shapes=[("data", x.shape)])
    mod.forward(mx.io.DataBatch([x], None), is_train=False)
    (out,) = mod.get_outputs()
    np.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-5, atol=1e-6)


def test_mxnet_checkpoint_predicts_mxnets_recorded_output():
    recorded = np.load(os.path.join(FIXTURES, "mxnet_mlp-io.npz"))
    mod = mx.mod.Module.load(os.path.join(FIXTURES, "mxnet_mlp"), 7, label_names=None)
    assert mod.params_initialized and not mod.binded
    mod.bind([("data", recorded["data"].shape)], for_training=False)
    out = mod.predict(nd.array(recorded["data"])).asnumpy()
    np.testing.assert_allclose(out, recorded["output"], rtol=1e-5, atol=1e-6)


def test_save_checkpoint_with_optimizer_states_round_trips(tmp_path):
    data_iter = mx.io.NDArrayIter(
        np.ones((8, 4), np.float32), np.zeros((8, 3), np.float32), 4, label_name="label"
    )
    loss = mx.sym.make_loss(mx.sym.mean(mx.sym.square(mlp(3) - mx.sym.var("label")), axis=1))
    mod = mx.mod.Module(loss, label_names=("label",))
    mod.fit(
        data_iter,
        num_epoch=2,
        optimizer_params={"learning_rate": 0.1, "momentum": 0.9},
        eval_metric=mx.metric.Loss(),
    )
    prefix = str(tmp_path / "ck")
    mod.save_checkpoint(prefix, 2, save_optimizer_states=True)
    assert sorted(os.listdir(tmp_path)) == ["ck-0002.params", "ck-0002.states", "ck-symbol.json"]
    loaded = mx.mod.Module.load(prefix, 2, load_optimizer_states=True, label_names=("label",))
    loaded.bind(data_iter.provide_data, data_iter.provide_label)
    loaded.init_optimizer(optimizer_params={"learning_rate": 0.1, "momentum": 0.9})
    old, new = mod._updater.states, loaded._updater.states
    assert sorted(old) == sorted(new) == [0, 1, 2, 3]
    for index in old:
        np.testing.assert_array_equal(old[index].asnumpy(), new[index].asnumpy())
    for name, value in mod.get_params()[0].items():
        np.testing.assert_array_equal(loaded.get_params()[0][name].asnumpy(), value.asnumpy())


# ---- parameters -------------------------------------------------------------------------


def test_init_params_honours_variable_init_attributes_and_defaults_by_suffix():
    weight = mx.sym.var("fc_weight", init=mx.init.Constant(3.0))
    out = mx.sym.BatchNorm(
        mx.sym.FullyConnected(mx.sym.var("data"), weight=weight, num_hidden=2, name="fc"), name="bn"
    )
    mod = bound(out, (3, 4))
    mod.init_params(mx.init.Uniform(0.5))
    args, aux = mod.get_params()
    assert sorted(args) == ["bn_beta", "bn_gamma", "fc_bias", "fc_weight"]
    np.testing.assert_array_equal(args["fc_weight"].asnumpy(), np.full((2, 4), 3.0))
    np.testing.assert_array_equal(args["fc_bias"].asnumpy(), np.zeros(2))
    np.testing.assert_array_equal(args["bn_gamma"].asnumpy(), np.ones(2))
    np.testing.assert_array_equal(aux["bn_moving_var"].asnumpy(), np.ones(2))
    np.testing.assert_array_equal(aux["bn_moving_mean"].asnumpy(), np.zeros(2))


def test_get_params_are_host_copies_refreshed_after_update():
    mod = bound(mx.sym.make_loss(mx.sym.sum(mlp(2))), (3, 4))
    mod.init_params()
    mod.init_optimizer(optimizer_params={"learning_rate": 1.0})
    args, _ = mod.get_params()
    before = args["fc2_bias"].asnumpy().copy()
    mod.forward_backward(mx.io.DataBatch([nd.ones((3, 4))]))
    mod.update()
    np.testing.assert_array_equal(args["fc2_bias"].asnumpy(), before)  # not yet synced
    again, _ = mod.get_params()
    assert again is args
    # d(sum)/d(bias) = 3 per element, times rescale_grad 1/3 and lr 1; biases have no wd
    np.testing.assert_allclose(args["fc2_bias"].asnumpy(), before - 1.0, rtol=1e-6)


def test_fixed_params_stay_and_inputs_get_gradients():
    mod = mx.mod.Module(
        mx.sym.make_loss(mx.sym.sum(mlp(2))), label_names=None, fixed_param_names=["fc1_weight"]
    )
    mod.bind([("data", (3, 4))], inputs_need_grad=True)
    mod.init_params()
    mod.init_optimizer(optimizer_params={"learning_rate": 1.0})
    fixed = mod.get_params()[0]["fc1_weight"].asnumpy().copy()
    moving = mod.get_params()[0]["fc2_weight"].asnumpy().copy()
    mod.forward_backward(mx.io.DataBatch([nd.ones((3, 4))]))
    mod.update()
    (grad,) = mod.get_input_grads()
    assert grad.shape == (3, 4) and np.abs(grad.asnumpy()).sum() > 0
    args = mod.get_params()[0]
    np.testing.assert_array_equal(args["fc1_weight"].asnumpy(), fixed)
    assert not np.array_equal(args["fc2_weight"].asnumpy(), moving)


def test_init_params_from_given_values_and_missing_ones():
    mod = bound(mlp(2), (3, 4))
    weight = nd.ones((16, 4))
    with pytest.raises(RuntimeError, match="^fc1_bias is not presented"):
        mod.init_params(arg_params={"fc1_weight": weight})
    mod.init_params(arg_params={"fc1_weight": weight}, allow_missing=True)
    np.testing.assert_array_equal(mod.get_params()[0]["fc1_weight"].asnumpy(), np.ones((16, 4)))
    with pytest.warns(UserWarning, match="Parameters already initialized and force_init=False"):
        mod.init_params()
    with pytest.raises(MXNetError, match=r"'fc1_weight' has shape \(2, 2\), but the module's"):
        mod.set_params({"fc1_weight": nd.ones((2, 2))}, {}, allow_missing=True)


def test_a_new_batch_size_rebinds_and_keeps_the_parameters():
    mod = bound(mlp(2), (3, 4))
    mod.init_params()
    mod.forward(mx.io.DataBatch([nd.ones((3, 4))]))
    first = mod.get_outputs()[0].asnumpy()
    mod.forward(mx.io.DataBatch([nd.ones((5, 4))]))
    assert mod.data_shapes[0].shape == (5, 4) and mod.output_shapes == [("fc2_output", (5, 2))]
    np.testing.assert_allclose(mod.get_outputs()[0].asnumpy(), np.repeat(first[:1], 5, 0))


def test_names_and_shapes():
    label = mx.sym.var("label")
    loss = mx.sym.make_loss(mx.sym.mean(mx.sym.square(mlp(2) - label), axis=1), name="mse")
    mod = mx.mod.Module(loss, label_names=("label",))
    assert (mod.data_names, mod.label_names) == (["data"], ["label"])
    assert mod.symbol is loss and not mod.binded
    mod.bind([mx.io.DataDesc("data", (3, 4))], [("label", (3, 2))])
    assert mod.binded and not mod.params_initialized and not mod.optimizer_initialized
    assert [(d.name, d.shape) for d in mod.data_shapes] == [("data", (3, 4))]
    assert [(d.name, d.shape) for d in mod.label_shapes] == [("label", (3, 2))]
    assert mod.output_shapes == [(mod.output_names[0], (3,))]


def test_variable_lr_and_wd_multipliers_reach_the_optimizer():
    data = mx.sym.var("data")
    fc1 = mx.sym.FullyConnected(
        data,
        weight=mx.sym.var("fc1_weight", lr_mult=0),
        bias=mx.sym.var("fc1_bias"),
        num_hidden=4,
        name="fc1",
    )
    fc2 = mx.sym.FullyConnected(
        fc1,
        weight=mx.sym.var("fc2_weight", wd_mult=0.5),
        bias=mx.sym.var("fc2_bias", wd_mult=0.5),
        num_hidden=2,
        name="fc2",
    )
    mod = bound(fc2, (5, 3))
    mod.init_params(mx.init.Uniform(1.0))
    mod.init_optimizer(optimizer_params={"learning_rate": 1.0})
    assert mod._optimizer.lr_mult == {"fc1_weight": 0.0}
    # MXNet's rule: no weight decay for names not ending in _weight/_gamma, unless given
    assert mod._optimizer.wd_mult == {"fc1_bias": 0.0, "fc2_bias": 0.5, "fc2_weight": 0.5}
    before = mod.get_params()[0]["fc1_weight"].asnumpy().copy()
    mod.forward(mx.io.DataBatch([nd.ones((5, 3))]), is_train=True)
    mod.backward(mod.get_outputs())
    mod.update()
    np.testing.assert_array_equal(mod.get_params()[0]["fc1_weight"].asnumpy(), before)


def test_a_group_of_a_loss_and_a_blocked_prediction_trains_without_head_gradients():
    pred = mlp(2)
    loss = mx.sym.make_loss(mx.sym.sum(pred))
    grouped = bound(mx.sym.Group([loss, mx.sym.BlockGrad(pred)]), (3, 4))
    alone = bound(loss, (3, 4))
    grouped.init_params()
    alone.set_params(*grouped.get_params())
    batch = mx.io.DataBatch([nd.array(np.random.RandomState(2).uniform(size=(3, 4)))])
    for mod in (grouped, alone):
        mod.forward_backward(batch)
    total, prediction = (out.asnumpy() for out in grouped.get_outputs())
    assert prediction.shape == (3, 2)
    np.testing.assert_allclose(total, [prediction.sum()], rtol=1e-6)
    for name in ("fc1_weight", "fc2_bias"):
        np.testing.assert_allclose(
            grouped._exec.grad_dict[name].asnumpy(),
            alone._exec.grad_dict[name].asnumpy(),
            rtol=1e-6,
        )


# ---- bad input --------------------------------------------------------------------------


def test_bind_with_a_data_name_the_symbol_lacks_names_it():
    mod = mx.mod.Module(mlp(), label_names=None)
    with pytest.raises(ValueError) as info:
        mod.bind(data_shapes=[("dat", (2, 4))])
    assert str(info.value) == (
        "Data provided by data_shapes don't match names specified by data_names "
        "([DataDesc[dat,(2, 4),<class 'numpy.float32'>,NCHW]] vs. ['data'])"
    )
    with pytest.raises(ValueError, match=r"data_names=\['x'\]\) but input with name 'x' is not"):
        mx.mod.Module(mlp(), data_names=["x"])


def test_a_label_name_the_symbol_lacks_warns_with_the_candidates():
    with pytest.warns(UserWarning) as record:
        mx.mod.Module(mlp())
    assert str(record[0].message) == (
        "\033[91mYou created Module with Module(..., label_names=['softmax_label']) but input "
        "with name 'softmax_label' is not found in symbol.list_arguments(). Did you mean one "
        "of:\n\tdata\033[0m"
    )


def test_calls_out_of_order_raise_assertion_errors():
    mod = mx.mod.Module(mlp(), label_names=None)
    with pytest.raises(AssertionError, match="forward: call bind"):
        mod.forward(mx.io.DataBatch([nd.ones((2, 4))]))
    with pytest.raises(AssertionError, match="call bind before initializing the parameters"):
        mod.init_params()
    mod.bind([("data", (2, 4))], for_training=False)
    with pytest.raises(AssertionError, match="predict: the parameters are not initialized"):
        mod.predict(nd.ones((2, 4)))
    mod.init_params()
    with pytest.raises(AssertionError, match="update: call init_optimizer"):
        mod.update()
    mod.forward(mx.io.DataBatch([nd.ones((2, 4))]))
    with pytest.raises(AssertionError, match="re-bind with for_training=True to run backward"):
        mod.backward()
    with pytest.raises(ValueError, match="eval_data must be of type NDArray or DataIter"):
        mod.predict([nd.ones((2, 4))])


def test_backward_without_head_gradients_needs_a_loss_output():
    mod = bound(mlp(2), (2, 4))
    mod.init_params()
    mod.forward(mx.io.DataBatch([nd.ones((2, 4))]), is_train=True)
    with pytest.raises(
        MXNetError, match="head_gradient is required.*outputs without a loss: fc2_output"
    ):
        mod.backward()
    mod.backward([nd.ones((2, 2))])
    with pytest.raises(ValueError, match="the batch has 2 data arrays, the module has 1"):
        mod.forward(mx.io.DataBatch([nd.ones((2, 4)), nd.ones((2, 4))]))


def test_bad_module_arguments():
    with pytest.raises(NotImplementedError, match="several contexts"):
        mx.mod.Module(mlp(), label_names=None, context=[mx.cpu(0), mx.cpu(1)])
    with pytest.raises(TypeError, match="symbol must be a Symbol"):
        mx.mod.Module("net")
    mod = bound(mlp(), (2, 4))
    with pytest.raises(TypeError, match="initializer must be an Initializer"):
        mod.init_params("xavier")
    with pytest.raises(ValueError, match="grad_req must be 'write', 'add' or 'null'"):
        mx.mod.Module(mlp(), label_names=None).bind([("data", (2, 4))], grad_req="sometimes")
