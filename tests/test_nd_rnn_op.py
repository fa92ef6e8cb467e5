"""nd.RNN (MXNet's fused recurrent operator) and nd._rnn_param_concat: values and gradients
against MXNet 1.9.1 (tests/data/make_rnn_op_fixtures.py), finite differences in float64,
agreement with gluon.rnn's layers given the same weights, dropout, and errors."""

import json
import os

import numpy as np
import pytest
from conftest import numeric_grad, requires_gpu

import gluonlite as mx
from gluonlite import autograd, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import rnn

FIXTURES = np.load(os.path.join(os.path.dirname(__file__), "data", "rnn_op_fixtures.npz"))
RNN_CASES = json.loads(str(FIXTURES["rnn_cases"]))
GATES = {"rnn_tanh": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}
STATE_SIZE = 4  # the fixtures' hidden size


def packing(mode, num_layers, dirs, hidden, input_size, projection=None):
    """(structural name, shape) of each block of the packed vector, in MXNet's order."""
    rows = GATES[mode] * hidden
    width = projection or hidden
    weights, biases, in_size = [], [], input_size
    for layer in range(num_layers):
        for tag in "lr"[:dirs]:
            weights.append(("%s%d_i2h_weight" % (tag, layer), (rows, in_size)))
            weights.append(("%s%d_h2h_weight" % (tag, layer), (rows, width)))
            if projection:
                weights.append(("%s%d_h2r_weight" % (tag, layer), (projection, hidden)))
            biases.append(("%s%d_i2h_bias" % (tag, layer), (rows,)))
            biases.append(("%s%d_h2h_bias" % (tag, layer), (rows,)))
        in_size = width * dirs
    return weights + biases


def param_count(*args, **kwargs):
    return sum(int(np.prod(shape)) for _, shape in packing(*args, **kwargs))


def fixture(case, key):
    return FIXTURES["rnn/%s/%s" % (case["name"], key)]


def fixture_inputs(case):
    lstm = case["mode"] == "lstm"
    arrays = [nd.array(fixture(case, "data")), nd.array(fixture(case, "parameters"))]
    arrays.append(nd.array(fixture(case, "state0")))
    if lstm:
        arrays.append(nd.array(fixture(case, "state1")))
    return arrays


def fixture_kwargs(case, **extra):
    kwargs = dict(
        state_size=STATE_SIZE,
        num_layers=case["num_layers"],
        bidirectional=case["bidirectional"],
        mode=case["mode"],
        projection_size=case["projection_size"],
    )
    kwargs.update(extra)
    return kwargs


# ---- MXNet 1.9.1 fixtures ------------------------------------------------------------


@pytest.mark.parametrize("case", RNN_CASES, ids=[c["name"] for c in RNN_CASES])
def test_rnn_matches_mxnet_outputs_and_states(case):
    inputs = fixture_inputs(case)
    outs = nd.RNN(*inputs, **fixture_kwargs(case, state_outputs=True))
    assert isinstance(outs, list)
    assert len(outs) == (3 if case["mode"] == "lstm" else 2)
    for i, got in enumerate(outs):
        want = fixture(case, "out%d" % i)
        assert got.shape == want.shape
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", RNN_CASES, ids=[c["name"] for c in RNN_CASES])
def test_rnn_without_state_outputs_returns_the_output_alone(case):
    out = nd.RNN(*fixture_inputs(case), **fixture_kwargs(case))
    assert isinstance(out, nd.NDArray)
    np.testing.assert_allclose(out.asnumpy(), fixture(case, "out0"), rtol=1e-5, atol=1e-6)
    out = nd.RNN(*fixture_inputs(case), **fixture_kwargs(case, state_outputs=False))
    assert isinstance(out, nd.NDArray)


def test_rnn_writes_into_out():
    case = next(c for c in RNN_CASES if c["name"] == "lstm_bi")
    outs = [nd.zeros(fixture(case, "out%d" % i).shape) for i in range(3)]
    got = nd.RNN(*fixture_inputs(case), **fixture_kwargs(case, state_outputs=True), out=outs)
    assert all(g is o for g, o in zip(got, outs))
    for i, o in enumerate(outs):
        np.testing.assert_allclose(o.asnumpy(), fixture(case, "out%d" % i), rtol=1e-5, atol=1e-6)
    with pytest.raises(MXNetError, match=r"^RNN: out must hold 3 arrays \(output and states\)"):
        nd.RNN(*fixture_inputs(case), **fixture_kwargs(case, state_outputs=True), out=outs[0])


TRAINABLE = [c for c in RNN_CASES if c["trainable"]]


@pytest.mark.parametrize("case", TRAINABLE, ids=[c["name"] for c in TRAINABLE])
def test_rnn_gradients_match_mxnet(case):
    inputs = fixture_inputs(case)
    for a in inputs:
        a.attach_grad()
    with autograd.record():
        outs = nd.RNN(*inputs, **fixture_kwargs(case, state_outputs=True))
        loss = (outs[0] * nd.array(fixture(case, "head"))).sum() + (
            outs[1] * nd.array(fixture(case, "head_h"))
        ).sum()
    loss.backward()
    names = ["grad_data", "grad_parameters"] + ["grad_state%d" % i for i in range(len(inputs) - 2)]
    for arr, key in zip(inputs, names):
        want = fixture(case, key)
        assert np.abs(want).max() > 0  # the fixture checks something
        np.testing.assert_allclose(arr.grad.asnumpy(), want, rtol=1e-4, atol=1e-6, err_msg=key)


# ---- finite differences (float64) ----------------------------------------------------


@pytest.mark.parametrize("mode", ["rnn_relu", "rnn_tanh", "gru", "lstm", "lstmp"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_rnn_gradients_match_finite_differences(mode, bidirectional):
    rng = np.random.RandomState(3)
    T, N, C, H, L = 3, 2, 2, 3, 2
    projection = 2 if mode == "lstmp" else None
    mode = "lstm" if mode == "lstmp" else mode
    dirs = 2 if bidirectional else 1
    kwargs = dict(
        state_size=H,
        num_layers=L,
        bidirectional=bidirectional,
        mode=mode,
        projection_size=projection,
        state_outputs=True,
    )
    values = [
        rng.uniform(-1, 1, (T, N, C)),
        rng.uniform(-0.6, 0.6, (param_count(mode, L, dirs, H, C, projection),)),
        rng.uniform(-0.5, 0.5, (L * dirs, N, projection or H)),
    ]
    if mode == "lstm":
        values.append(rng.uniform(-0.5, 0.5, (L * dirs, N, H)))
    heads = None

    def forward(arrays):
        return nd.RNN(*arrays, **kwargs)

    outs = forward([nd.array(v, dtype="float64") for v in values])
    heads = [rng.uniform(-1, 1, o.shape) for o in outs]

    def loss_of(vals):
        outs = forward([nd.array(v, dtype="float64") for v in vals])
        return sum(float((o.asnumpy() * h).sum()) for o, h in zip(outs, heads))

    arrays = [nd.array(v, dtype="float64") for v in values]
    for a in arrays:
        a.attach_grad()
    with autograd.record():
        outs = forward(arrays)
        loss = nd.add_n(*[(o * nd.array(h, dtype="float64")).sum() for o, h in zip(outs, heads)])
    loss.backward()
    for i, name in enumerate(["data", "parameters", "state", "state_cell"][: len(values)]):

        def f(v, i=i):
            return loss_of(values[:i] + [v] + values[i + 1 :])

        want = numeric_grad(f, values[i])
        np.testing.assert_allclose(
            arrays[i].grad.asnumpy(), want, rtol=1e-5, atol=1e-7, err_msg=name
        )


# ---- agreement with gluon.rnn's layers -----------------------------------------------


def make_layer(mode, hidden, projection=None, **kwargs):
    if mode == "lstm":
        return rnn.LSTM(hidden, projection_size=projection, **kwargs)
    if mode == "gru":
        return rnn.GRU(hidden, **kwargs)
    return rnn.RNN(hidden, activation=mode[4:], **kwargs)


@pytest.mark.parametrize(
    "mode,projection",
    [
        ("rnn_relu", None),
        ("rnn_tanh", None),
        ("gru", None),
        ("lstm", None),
        ("lstm", 3),
    ],
)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_rnn_matches_the_gluon_layer_with_the_same_weights(mode, projection, bidirectional):
    rng = np.random.RandomState(5)
    T, N, C, H, L = 4, 3, 5, 6, 2
    dirs = 2 if bidirectional else 1
    layer = make_layer(mode, H, projection, num_layers=L, bidirectional=bidirectional, input_size=C)
    layer.initialize()
    for param in layer.collect_params().values():
        param.set_data(nd.array(rng.uniform(-0.5, 0.5, param.shape)))
    x = nd.array(rng.uniform(-1, 1, (T, N, C)))
    states = [nd.array(rng.uniform(-0.5, 0.5, s.shape)) for s in layer.begin_state(N)]
    want, want_states = layer(x, states)

    # packed by hand, with the op MXNet's exported graphs use for it
    blocks = packing(mode, L, dirs, H, C, projection)
    params = layer.collect_params()
    flat = nd._rnn_param_concat(
        *[params[layer.prefix + n].data().reshape(-1) for n, _ in blocks],
        dim=0,
        num_args=len(blocks),
    )
    assert flat.shape == (param_count(mode, L, dirs, H, C, projection),)
    got = nd.RNN(
        x,
        flat,
        *states,
        state_size=H,
        num_layers=L,
        bidirectional=bidirectional,
        mode=mode,
        projection_size=projection,
        state_outputs=True,
    )
    np.testing.assert_allclose(got[0].asnumpy(), want.asnumpy(), rtol=1e-6, atol=1e-7)
    for g, w in zip(got[1:], want_states):
        np.testing.assert_allclose(g.asnumpy(), w.asnumpy(), rtol=1e-6, atol=1e-7)


def test_gradient_through_rnn_param_concat_reaches_each_parameter():
    rng = np.random.RandomState(8)
    layer = rnn.GRU(3, input_size=2)
    layer.initialize()
    for param in layer.collect_params().values():
        param.set_data(nd.array(rng.uniform(-0.5, 0.5, param.shape)))
    x = nd.array(rng.uniform(-1, 1, (2, 2, 2)))
    with autograd.record():
        want = layer(x).sum()
    want.backward()
    blocks = packing("gru", 1, 1, 3, 2)
    params = [layer.collect_params()[layer.prefix + n].data() for n, _ in blocks]
    for p in params:
        p.attach_grad()
    with autograd.record():
        flat = nd._rnn_param_concat(*[p.reshape(-1) for p in params], dim=0)
        got = nd.RNN(x, flat, nd.zeros((1, 2, 3)), state_size=3, num_layers=1, mode="gru").sum()
    got.backward()
    for p, (n, _) in zip(params, blocks):
        np.testing.assert_allclose(
            p.grad.asnumpy(), layer.collect_params()[layer.prefix + n].grad().asnumpy(), rtol=1e-6
        )


# ---- dropout -------------------------------------------------------------------------


def _dropout_case(num_layers):
    rng = np.random.RandomState(2)
    x = nd.array(rng.uniform(-1, 1, (3, 4, 5)))
    params = nd.array(rng.uniform(-0.5, 0.5, (param_count("rnn_tanh", num_layers, 1, 8, 5),)))
    h0 = nd.zeros((num_layers, 4, 8))
    kwargs = dict(state_size=8, num_layers=num_layers, mode="rnn_tanh")
    return x, params, h0, kwargs


def test_dropout_applies_between_layers_in_training_only():
    x, params, h0, kwargs = _dropout_case(2)
    plain = nd.RNN(x, params, h0, **kwargs).asnumpy()
    np.testing.assert_array_equal(nd.RNN(x, params, h0, p=0.9, **kwargs).asnumpy(), plain)
    with autograd.predict_mode():
        np.testing.assert_array_equal(nd.RNN(x, params, h0, p=0.9, **kwargs).asnumpy(), plain)
    mx.random.seed(0)
    with autograd.train_mode():
        dropped = nd.RNN(x, params, h0, p=0.9, **kwargs).asnumpy()
    assert np.abs(dropped - plain).max() > 1e-3


def test_dropout_leaves_a_single_layer_alone():
    x, params, h0, kwargs = _dropout_case(1)
    plain = nd.RNN(x, params, h0, **kwargs).asnumpy()
    with autograd.train_mode():
        np.testing.assert_array_equal(nd.RNN(x, params, h0, p=0.9, **kwargs).asnumpy(), plain)


# ---- _rnn_param_concat ---------------------------------------------------------------


def test_rnn_param_concat_is_concat_along_dim_one_by_default():
    # recorded: MXNet 1.9.1's _rnn_param_concat does not flatten its inputs
    a = nd.arange(6).reshape((2, 3))
    b = nd.arange(4).reshape((2, 2))
    got = nd._rnn_param_concat(a, b, num_args=2)
    np.testing.assert_array_equal(got.asnumpy(), [[0, 1, 2, 0, 1], [3, 4, 5, 2, 3]])
    got = nd._rnn_param_concat(a.reshape(-1), b.reshape(-1), dim=0)
    np.testing.assert_array_equal(got.asnumpy(), [0, 1, 2, 3, 4, 5, 0, 1, 2, 3])
    out = nd.zeros((10,))
    assert nd._rnn_param_concat(a.reshape(-1), b.reshape(-1), dim=0, out=out) is out
    np.testing.assert_array_equal(out.asnumpy(), [0, 1, 2, 3, 4, 5, 0, 1, 2, 3])


def test_rnn_param_concat_checks_num_args_and_keywords():
    a = nd.ones((3,))
    with pytest.raises(MXNetError, match=r"num_args=3 but 2 array\(s\) were given"):
        nd._rnn_param_concat(a, a, dim=0, num_args=3)
    with pytest.raises(MXNetError, match=r"Cannot find argument 'axis'.*in operator _rnn_param"):
        nd._rnn_param_concat(a, a, axis=0)


# ---- errors --------------------------------------------------------------------------


def _gru_inputs(params_len=None):
    x = nd.ones((3, 2, 3))
    n = param_count("gru", 2, 2, 5, 3) if params_len is None else params_len
    return x, nd.ones((n,)), nd.zeros((4, 2, 5))


GRU_KW = dict(state_size=5, num_layers=2, bidirectional=True, mode="gru")


def test_wrong_parameter_length_says_what_it_should_be():
    assert param_count("gru", 2, 2, 5, 3) == 810  # as MXNet 1.9.1 infers it
    x, params, h0 = _gru_inputs(809)
    with pytest.raises(MXNetError) as info:
        nd.RNN(x, params, h0, **GRU_KW)
    assert str(info.value) == (
        "RNN: parameters has 809 elements but mode='gru' with num_layers=2, bidirectional=True, "
        "state_size=5 and input size 3 needs 810: all weights, then all biases, per layer "
        "and direction: l0_i2h_weight (15, 3), l0_h2h_weight (15, 5), r0_i2h_weight (15, 3), "
        "r0_h2h_weight (15, 5), l1_i2h_weight (15, 10), l1_h2h_weight (15, 5), "
        "r1_i2h_weight (15, 10), r1_h2h_weight (15, 5), l0_i2h_bias (15,), l0_h2h_bias (15,), "
        "r0_i2h_bias (15,), r0_h2h_bias (15,), l1_i2h_bias (15,), l1_h2h_bias (15,), "
        "r1_i2h_bias (15,), r1_h2h_bias (15,)"
    )


def test_wrong_parameter_length_of_a_projected_lstm_names_the_projection():
    x = nd.ones((2, 1, 3))
    expected = (
        r"projection_size=2 and input size 3 needs 150: .*"
        r"l0_h2h_weight \(20, 2\), l0_h2r_weight \(2, 5\), l0_i2h_bias"
    )
    with pytest.raises(MXNetError, match=expected):
        nd.RNN(
            x,
            nd.ones((1000,)),
            nd.zeros((1, 1, 2)),
            nd.zeros((1, 1, 5)),
            state_size=5,
            num_layers=1,
            mode="lstm",
            projection_size=2,
        )


@pytest.mark.parametrize(
    "change,error,message",
    [
        (
            dict(mode="foo"),
            MXNetError,
            "RNN: mode must be one of 'gru', 'lstm', 'rnn_relu', 'rnn_tanh', got 'foo'",
        ),
        (dict(mode=None), MXNetError, "RNN: required argument 'mode' is missing"),
        (dict(state_size=None), MXNetError, "RNN: required argument 'state_size' is missing"),
        (dict(num_layers=0), MXNetError, "RNN: num_layers must be a positive integer, got 0"),
        (dict(p=1.0), MXNetError, "RNN: p (dropout) must be in [0, 1), got 1.0"),
        (
            dict(projection_size=2),
            MXNetError,
            "RNN: projection_size is only supported with mode='lstm', got 'gru'",
        ),
        (
            dict(use_sequence_length=True),
            MXNetError,
            "RNN: use_sequence_length=True needs sequence_length (batch,)",
        ),
        (
            dict(lstm_state_clip_min=-1.0, lstm_state_clip_max=1.0),
            MXNetError,
            "RNN: state clipping is only supported with mode='lstm', not 'gru'",
        ),
        (
            dict(lstm_state_clip_min=-1.0),
            MXNetError,
            "RNN: lstm_state_clip_min and lstm_state_clip_max must be given together, got "
            "-1.0 and None",
        ),
    ],
)
def test_bad_arguments_raise_naming_them(change, error, message):
    x, params, h0 = _gru_inputs()
    with pytest.raises(error) as info:
        nd.RNN(x, params, h0, **dict(GRU_KW, **change))
    assert str(info.value) == message


def test_bad_inputs_raise_naming_them():
    x, params, h0 = _gru_inputs()
    expected = (
        r"^RNN: state has shape \(2, 2, 5\) but must be "
        r"\(num_layers \* directions, batch, state width\) = \(4, 2, 5\)$"
    )
    with pytest.raises(MXNetError, match=expected):
        nd.RNN(x, params, nd.zeros((2, 2, 5)), **GRU_KW)
    with pytest.raises(MXNetError, match=r"^RNN: state_cell is only used with mode='lstm'"):
        nd.RNN(x, params, h0, h0, **GRU_KW)
    with pytest.raises(MXNetError, match=r"^RNN: data must be 3-D, got shape \(3, 2\)$"):
        nd.RNN(nd.ones((3, 2)), params, h0, **GRU_KW)
    with pytest.raises(MXNetError, match=r"^RNN: required input 'state' is missing$"):
        nd.RNN(x, params, **GRU_KW)
    with pytest.raises(MXNetError, match=r"^RNN: parameters must be 1-D, got shape \(2, 405\)$"):
        nd.RNN(x, params.reshape((2, 405)), h0, **GRU_KW)
    with pytest.raises(
        MXNetError,
        match=r"^RNN: state is float64 on cpu\(0\) but data is "
        r"float32 on cpu\(0\)$",
    ):
        nd.RNN(x, params, h0.astype("float64"), **GRU_KW)
    with pytest.raises(MXNetError, match=r"^RNN: sequence_length is given but "):
        nd.RNN(x, params, h0, sequence_length=nd.ones((2,)), **GRU_KW)
    seq_kw = dict(GRU_KW, use_sequence_length=True)
    with pytest.raises(MXNetError, match=r"sequence_length\[1\] is 4.0; each length must be"):
        nd.RNN(x, params, h0, sequence_length=nd.array([1, 4]), **seq_kw)
    with pytest.raises(MXNetError, match=r"sequence_length must have shape \(2,\)"):
        nd.RNN(x, params, h0, sequence_length=nd.array([1, 2, 3]), **seq_kw)
    lstm_kw = dict(GRU_KW, mode="lstm")
    n = param_count("lstm", 2, 2, 5, 3)
    with pytest.raises(MXNetError, match=r"^RNN: required input 'state_cell' is missing$"):
        nd.RNN(x, nd.ones((n,)), h0, **lstm_kw)
    expected = (
        r"^RNN: state_cell has shape \(4, 2, 4\) but must be "
        r"\(num_layers \* directions, batch, state_size\) = \(4, 2, 5\)$"
    )
    with pytest.raises(MXNetError, match=expected):
        nd.RNN(x, nd.ones((n,)), h0, nd.zeros((4, 2, 4)), **lstm_kw)


def test_unknown_keyword_is_refused_with_mxnets_message():
    x, params, h0 = _gru_inputs()
    with pytest.raises(
        MXNetError,
        match=r"^Cannot find argument 'state_sizes', Possible "
        r"Arguments: data, parameters, state, state_cell, sequence_length, "
        r"state_size, .*; in operator RNN$",
    ):
        nd.RNN(x, params, h0, state_sizes=5, num_layers=2, mode="gru")


# ---- GPU -----------------------------------------------------------------------------


@requires_gpu
def test_rnn_on_gpu_matches_cpu():
    case = next(c for c in RNN_CASES if c["name"] == "lstm_bi")
    results = []
    for ctx in (mx.cpu(), mx.gpu(0)):
        inputs = [a.as_in_context(ctx) for a in fixture_inputs(case)]
        for a in inputs:
            a.attach_grad()
        with autograd.record():
            outs = nd.RNN(*inputs, **fixture_kwargs(case, state_outputs=True))
            loss = (outs[0] * nd.array(fixture(case, "head"), ctx=ctx)).sum()
        loss.backward()
        assert outs[0].context == ctx
        results.append([o.asnumpy() for o in outs] + [a.grad.asnumpy() for a in inputs])
    for got, want in zip(results[1], results[0]):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
