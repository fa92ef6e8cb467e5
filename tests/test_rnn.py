"""gluon.rnn: the cells against a float64 numpy reference of MXNet's equations, the fused
layers (one C++ op per layer and direction) against the cells, finite differences and
MXNet 1.9.1 fixtures (tests/data/make_rnn_fixtures.py), names, repr, errors, training."""

import json
import os
import re

import numpy as np
import pytest
from conftest import requires_gpu

import gluonlite as mx
from gluonlite import _core, autograd, gluon, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import rnn

FIXTURES = os.path.join(os.path.dirname(__file__), "data", "rnn")
MODES = ["rnn_tanh", "rnn_relu", "lstm", "gru"]
MODE_CODE = {"rnn_tanh": 0, "rnn_relu": 1, "lstm": 2, "gru": 3}
GATES = {"rnn_tanh": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}


# ---- numpy reference (MXNet's equations, float64) -------------------------------------


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def np_step(mode, x, states, wi, wh, bi, bh, wr=None):
    """One step; returns (output, new states). wr: an LSTM's projection (LSTMP)."""
    h = states[0]
    xw, hw = x @ wi.T + bi, h @ wh.T + bh
    if mode == "rnn_tanh":
        out = np.tanh(xw + hw)
        return out, [out]
    if mode == "rnn_relu":
        out = np.maximum(xw + hw, 0)
        return out, [out]
    if mode == "lstm":
        i, f, g, o = np.split(xw + hw, 4, axis=1)
        c = sigmoid(f) * states[1] + sigmoid(i) * np.tanh(g)
        out = sigmoid(o) * np.tanh(c)
        if wr is not None:
            out = out @ wr.T
        return out, [out, c]
    xr, xz, xn = np.split(xw, 3, axis=1)
    hr, hz, hn = np.split(hw, 3, axis=1)
    r, z = sigmoid(xr + hr), sigmoid(xz + hz)
    n = np.tanh(xn + r * hn)
    out = (1 - z) * n + z * h
    return out, [out]


def np_sequence(mode, x, states, wi, wh, bi, bh, reverse=False, wr=None):
    """x (T, N, I); returns (outputs (T, N, H), final states)."""
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    outs = [None] * x.shape[0]
    for t in steps:
        outs[t], states = np_step(mode, x[t], states, wi, wh, bi, bh, wr)
    return np.stack(outs), states


def np_layer(mode, x, states, params, num_layers, dirs):
    """A fused layer in TNC: params by structural name ('l0_i2h_weight'), states
    (L*D, N, H) arrays; returns (output, [h_T, (c_T)])."""
    finals = [[] for _ in states]
    for layer in range(num_layers):
        outs = []
        for d, tag in enumerate("lr"[:dirs]):
            at = layer * dirs + d
            p = [
                "%s%d_%s" % (tag, layer, k)
                for k in ("i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias")
            ]
            y, st = np_sequence(
                mode,
                x,
                [s[at] for s in states],
                *[params[k] for k in p],
                reverse=tag == "r",
                wr=params.get("%s%d_h2r_weight" % (tag, layer)),
            )
            outs.append(y)
            for f, s in zip(finals, st):
                f.append(s)
        x = np.concatenate(outs, axis=2)
    return x, [np.stack(f) for f in finals]


def make_cell(mode, hidden, **kwargs):
    if mode == "lstm":
        return rnn.LSTMCell(hidden, **kwargs)
    if mode == "gru":
        return rnn.GRUCell(hidden, **kwargs)
    return rnn.RNNCell(hidden, activation=mode[4:], **kwargs)


def make_layer(mode, hidden, **kwargs):
    if mode == "lstmp":
        return rnn.LSTM(hidden, projection_size=hidden - 1, **kwargs)
    if mode == "lstm":
        return rnn.LSTM(hidden, **kwargs)
    if mode == "gru":
        return rnn.GRU(hidden, **kwargs)
    return rnn.RNN(hidden, activation=mode[4:], **kwargs)


def randomize(block, rng, dtype="float64", scale=0.5):
    """Random float64 values for every parameter; returns them by structural name."""
    block.cast(dtype)
    values = {}
    for name, param in block.collect_params().items():
        values[name[len(block.prefix) :]] = v = rng.uniform(-scale, scale, param.shape)
        param.set_data(nd.array(v, dtype=dtype))
    return values


def f64(a):
    return nd.array(a, dtype="float64")


# ---- cells ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_cell_unroll_matches_numpy_reference(mode):
    rng = np.random.RandomState(0)
    cell = make_cell(mode, 4, input_size=3)
    cell.initialize()
    p = randomize(cell, rng)
    x = rng.uniform(-1, 1, (2, 5, 3))  # NTC
    begin = [rng.uniform(-1, 1, (2, 4)) for _ in cell.state_info()]
    out, states = cell.unroll(
        5, f64(x), begin_state=[f64(s) for s in begin], layout="NTC", merge_outputs=True
    )
    want, want_states = np_sequence(
        mode,
        x.transpose(1, 0, 2),
        begin,
        p["i2h_weight"],
        p["h2h_weight"],
        p["i2h_bias"],
        p["h2h_bias"],
    )
    np.testing.assert_allclose(out.asnumpy(), want.transpose(1, 0, 2), rtol=1e-12, atol=1e-12)
    assert len(states) == len(want_states)
    for got, w in zip(states, want_states):
        np.testing.assert_allclose(got.asnumpy(), w, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_cell_gradients_match_finite_differences(mode):
    rng = np.random.RandomState(1)
    cell = make_cell(mode, 3, input_size=2)
    cell.initialize()
    p = randomize(cell, rng)
    x = rng.uniform(-1, 1, (3, 2, 2))  # TNC
    begin = [rng.uniform(-1, 1, (2, 3)) for _ in cell.state_info()]
    head = rng.uniform(-1, 1, (3, 2, 3))
    xt = f64(x)
    xt.attach_grad()
    with autograd.record():
        out, _ = cell.unroll(
            3, xt, begin_state=[f64(s) for s in begin], layout="TNC", merge_outputs=True
        )
        loss = (out * f64(head)).sum()
    loss.backward()
    names = ["i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias"]

    def objective(values):
        y, _ = np_sequence(mode, values["x"], begin, *[values[k] for k in names])
        return (y * head).sum()

    values = dict(p, x=x)
    for key in ["x"] + names:
        want = numeric(objective, values, key)
        got = xt.grad if key == "x" else getattr(cell, key).grad()
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-6, atol=1e-8, err_msg=key)


def numeric(objective, values, key, eps=1e-6):
    """Central differences of objective(values) with respect to values[key]."""
    base = values[key]
    grad = np.zeros_like(base)
    for idx in np.ndindex(base.shape):
        plus, minus = base.copy(), base.copy()
        plus[idx] += eps
        minus[idx] -= eps
        grad[idx] = (
            objective(dict(values, **{key: plus})) - objective(dict(values, **{key: minus}))
        ) / (2 * eps)
    return grad


def test_cell_names_shapes_state_info_and_repr():
    cases = [
        (rnn.RNNCell(8), "rnn", "RNNCell(None -> 8, tanh)", (8, 0)),
        (rnn.RNNCell(8, activation="relu", input_size=5), "rnn", "RNNCell(5 -> 8, relu)", (8, 5)),
        (rnn.LSTMCell(8), "lstm", "LSTMCell(None -> 32)", (32, 0)),
        (rnn.GRUCell(8, input_size=5), "gru", "GRUCell(5 -> 24)", (24, 5)),
    ]
    for cell, alias, text, i2h_shape in cases:
        assert repr(cell) == text
        assert re.fullmatch(alias + r"\d+_", cell.prefix)
        params = cell.collect_params()
        assert [k[len(cell.prefix) :] for k in params.keys()] == [
            "i2h_weight",
            "h2h_weight",
            "i2h_bias",
            "h2h_bias",
        ]
        rows = i2h_shape[0]
        assert [p.shape for p in params.values()] == [i2h_shape, (rows, 8), (rows,), (rows,)]
    assert rnn.LSTMCell(8).state_info(3) == [{"shape": (3, 8), "__layout__": "NC"}] * 2
    states = rnn.GRUCell(4).begin_state(2)
    assert len(states) == 1 and states[0].shape == (2, 4) and states[0].asnumpy().sum() == 0


def test_container_cell_reprs_as_mxnet():
    seq = rnn.SequentialRNNCell()
    seq.add(rnn.LSTMCell(4))
    seq.add(rnn.DropoutCell(0.5))
    seq.add(rnn.ResidualCell(rnn.GRUCell(4)))
    seq.add(rnn.ZoneoutCell(rnn.RNNCell(4), 0.1, 0.2))
    assert repr(seq) == (
        "SequentialRNNCell(\n(0): LSTMCell(None -> 16)\n"
        "(1): DropoutCell(rate=0.5, axes=())\n"
        "(2): ResidualCell(GRUCell(None -> 12))\n"
        "(3): ZoneoutCell(p_out=0.1, p_state=0.2, RNNCell(None -> 4, tanh))\n)"
    )
    assert len(list(seq.collect_params().keys())) == 12
    bi = rnn.BidirectionalCell(rnn.LSTMCell(3), rnn.GRUCell(3))
    assert (
        repr(bi) == "BidirectionalCell(forward=LSTMCell(None -> 12), backward=GRUCell(None -> 9))"
    )


def test_cell_step_call_and_deferred_input_size():
    cell = rnn.LSTMCell(5)
    cell.initialize()
    out, states = cell(nd.ones((2, 3)), cell.begin_state(2))
    assert out.shape == (2, 5) and [s.shape for s in states] == [(2, 5), (2, 5)]
    assert cell.i2h_weight.shape == (20, 3)
    with pytest.raises(
        MXNetError,
        match=r"LSTMCell '.*' expects a step input of shape "
        r"\(batch, 3\), got \(2, 4\)",
    ):
        cell(nd.ones((2, 4)), states)


def test_sequential_cell_unroll_equals_cells_in_turn():
    rng = np.random.RandomState(2)
    first, second = rnn.GRUCell(4, input_size=3), rnn.LSTMCell(2, input_size=4)
    seq = rnn.SequentialRNNCell()
    seq.add(first)
    seq.add(second)
    seq.initialize()
    p1, p2 = randomize(first, rng), randomize(second, rng)
    x = rng.uniform(-1, 1, (4, 2, 3))
    out, states = seq.unroll(4, f64(x), layout="TNC", merge_outputs=True)

    def zeros(h):
        return np.zeros((2, h))

    y1, s1 = np_sequence(
        "gru", x, [zeros(4)], p1["i2h_weight"], p1["h2h_weight"], p1["i2h_bias"], p1["h2h_bias"]
    )
    y2, s2 = np_sequence(
        "lstm",
        y1,
        [zeros(2), zeros(2)],
        p2["i2h_weight"],
        p2["h2h_weight"],
        p2["i2h_bias"],
        p2["h2h_bias"],
    )
    np.testing.assert_allclose(out.asnumpy(), y2, rtol=1e-12, atol=1e-12)
    assert len(states) == 3
    for got, want in zip(states, s1 + s2):
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-12, atol=1e-12)
    step_out, step_states = seq(f64(x[0]), seq.begin_state(2, dtype="float64"))
    np.testing.assert_allclose(step_out.asnumpy(), y2[0], rtol=1e-12, atol=1e-12)


def test_bidirectional_residual_dropout_and_zoneout_cells():
    rng = np.random.RandomState(3)
    left, right = rnn.RNNCell(3, input_size=2), rnn.GRUCell(3, input_size=2)
    bi = rnn.BidirectionalCell(left, right)
    bi.initialize()
    pl, pr = randomize(left, rng), randomize(right, rng)
    x = rng.uniform(-1, 1, (2, 4, 2))  # NTC
    out, states = bi.unroll(4, f64(x), merge_outputs=True)
    xt = x.transpose(1, 0, 2)
    z = [np.zeros((2, 3))]
    yl, _ = np_sequence(
        "rnn_tanh", xt, z, *[pl[k] for k in ("i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias")]
    )
    yr, _ = np_sequence(
        "gru",
        xt,
        z,
        *[pr[k] for k in ("i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias")],
        reverse=True,
    )
    np.testing.assert_allclose(
        out.asnumpy(), np.concatenate([yl, yr], 2).transpose(1, 0, 2), rtol=1e-12, atol=1e-12
    )
    assert len(states) == 2
    with pytest.raises(NotImplementedError, match="Bidirectional cannot be stepped"):
        bi(f64(x[:, 0]), states)
    with pytest.raises(MXNetError, match="After applying modifier cells"):
        zone_base_used = rnn.RNNCell(2)
        rnn.ZoneoutCell(zone_base_used)
        zone_base_used.begin_state(2)

    base = rnn.RNNCell(2, input_size=2)
    res = rnn.ResidualCell(base)
    res.initialize()
    p = randomize(base, rng)
    out, _ = res.unroll(4, f64(x), merge_outputs=True)
    y, _ = np_sequence(
        "rnn_tanh",
        xt,
        [np.zeros((2, 2))],
        p["i2h_weight"],
        p["h2h_weight"],
        p["i2h_bias"],
        p["h2h_bias"],
    )
    np.testing.assert_allclose(out.asnumpy(), (y + xt).transpose(1, 0, 2), rtol=1e-12)

    drop = rnn.DropoutCell(0.5)
    assert drop.state_info() == []
    kept, _ = drop(f64(x[:, 0]), [])
    np.testing.assert_array_equal(kept.asnumpy(), x[:, 0])  # not training: identity
    with autograd.record():
        dropped, _ = drop(nd.ones((50, 40)), [])
    values = np.unique(dropped.asnumpy())
    assert set(values) == {0.0, 2.0}

    zone_base = rnn.RNNCell(2, input_size=2)
    zone = rnn.ZoneoutCell(zone_base, zoneout_outputs=0.5, zoneout_states=0.5)
    zone.initialize()
    p = randomize(zone_base, rng)
    out, _ = zone.unroll(4, f64(x), merge_outputs=True)  # not training: no zoneout
    y, _ = np_sequence(
        "rnn_tanh",
        xt,
        [np.zeros((2, 2))],
        p["i2h_weight"],
        p["h2h_weight"],
        p["i2h_bias"],
        p["h2h_bias"],
    )
    np.testing.assert_allclose(out.asnumpy(), y.transpose(1, 0, 2), rtol=1e-12)


def test_unroll_valid_length_masks_outputs_and_keeps_last_states():
    rng = np.random.RandomState(4)
    cell = rnn.LSTMCell(3, input_size=2)
    cell.initialize()
    p = randomize(cell, rng)
    x = rng.uniform(-1, 1, (2, 4, 2))
    out, states = cell.unroll(4, f64(x), valid_length=f64([1, 3]))
    assert isinstance(out, nd.NDArray) and out.shape == (2, 4, 3)
    xt = x.transpose(1, 0, 2)
    y, _ = np_sequence(
        "lstm",
        xt,
        [np.zeros((2, 3))] * 2,
        p["i2h_weight"],
        p["h2h_weight"],
        p["i2h_bias"],
        p["h2h_bias"],
    )
    want = y.transpose(1, 0, 2).copy()
    want[0, 1:] = 0
    want[1, 3:] = 0
    np.testing.assert_allclose(out.asnumpy(), want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(states[0].asnumpy(), [y[0, 0], y[2, 1]], rtol=1e-12)
    outs, _ = cell.unroll(4, f64(x))
    assert isinstance(outs, list) and len(outs) == 4


def test_bidirectional_unroll_reverses_each_sequence_within_its_valid_length():
    rng = np.random.RandomState(11)
    left, right = rnn.GRUCell(3, input_size=2), rnn.LSTMCell(2, input_size=2)
    bi = rnn.BidirectionalCell(left, right)
    bi.initialize()
    pl, pr = randomize(left, rng), randomize(right, rng)
    names = ("i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias")
    x = rng.uniform(-1, 1, (3, 5, 2))  # NTC
    lengths = [2, 5, 4]
    xt = f64(x)
    xt.attach_grad()
    with autograd.record():
        out, states = bi.unroll(5, xt, valid_length=f64(lengths))
    assert isinstance(out, nd.NDArray) and out.shape == (3, 5, 5)
    for b, n in enumerate(lengths):
        seq = x[b : b + 1, :n].transpose(1, 0, 2)
        yl, sl = np_sequence("gru", seq, [np.zeros((1, 3))], *[pl[k] for k in names])
        yr, sr = np_sequence(
            "lstm", seq, [np.zeros((1, 2))] * 2, *[pr[k] for k in names], reverse=True
        )
        want = np.zeros((5, 5))
        want[:n] = np.concatenate([yl, yr], 2)[:, 0]
        np.testing.assert_allclose(out.asnumpy()[b], want, rtol=1e-12, atol=1e-12)
        for got, w in zip(states, sl + sr):
            np.testing.assert_allclose(got.asnumpy()[b], w[0], rtol=1e-12, atol=1e-12)
    out.backward()
    assert np.all(xt.grad.asnumpy()[0, 2:] == 0) and np.all(xt.grad.asnumpy()[0, :2] != 0)


# ---- the fused op --------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("reverse", [False, True])
def test_fused_op_gradients_match_finite_differences(mode, reverse):
    rng = np.random.RandomState(5)
    T, N, C, H, G = 3, 2, 2, 3, GATES[mode]
    lstm = mode == "lstm"
    arrays = {
        "x": rng.uniform(-1, 1, (T, N, C)),
        "h0": rng.uniform(-1, 1, (N, H)),
        "c0": rng.uniform(-1, 1, (N, H)),
        "wi": rng.uniform(-0.7, 0.7, (G * H, C)),
        "wh": rng.uniform(-0.7, 0.7, (G * H, H)),
        "bi": rng.uniform(-0.5, 0.5, (G * H,)),
        "bh": rng.uniform(-0.5, 0.5, (G * H,)),
    }
    if not lstm:
        del arrays["c0"]
    heads = [rng.uniform(-1, 1, s) for s in [(T, N, H), (N, H), (N, H)][: 3 if lstm else 2]]

    def run(values):
        return _core.rnn_layer(
            values["x"],
            values["h0"],
            values.get("c0"),
            values["wi"],
            values["wh"],
            values["bi"],
            values["bh"],
            None,
            MODE_CODE[mode],
            reverse,
        )

    def objective(np_values):
        outs = run({k: f64(v) for k, v in np_values.items()})
        return sum((o.asnumpy() * h).sum() for o, h in zip(outs, heads))

    tensors = {k: f64(v) for k, v in arrays.items()}
    for t in tensors.values():
        t.attach_grad()
    with autograd.record():
        outs = run(tensors)
        loss = sum((o * f64(h)).sum() for o, h in zip(outs, heads))
    loss.backward()
    # the op's forward against the reference, then its BPTT against its own forward
    want_y, want_states = np_sequence(
        mode,
        arrays["x"],
        [arrays["h0"]] + ([arrays["c0"]] if lstm else []),
        arrays["wi"],
        arrays["wh"],
        arrays["bi"],
        arrays["bh"],
        reverse,
    )
    np.testing.assert_allclose(outs[0].asnumpy(), want_y, rtol=1e-12, atol=1e-12)
    for got, want in zip(outs[1:], want_states):
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-12, atol=1e-12)
    for key in arrays:
        want = numeric(objective, arrays, key)
        np.testing.assert_allclose(
            tensors[key].grad.asnumpy(), want, rtol=1e-6, atol=1e-8, err_msg=key
        )


def test_fused_layer_refuses_create_graph():
    layer = rnn.GRU(3, input_size=2)
    layer.initialize()
    x = nd.ones((2, 1, 2))
    x.attach_grad()
    with autograd.record():
        y = layer(x).sum()
    with pytest.raises(MXNetError, match=r"RNN\(gru\): higher-order gradients"):
        autograd.grad(y, [x], create_graph=True)
    with autograd.record():
        y = layer(x).sum()
    assert autograd.grad(y, [x])[0].shape == (2, 1, 2)


def test_fused_op_checks_shapes():
    x, h = nd.ones((3, 2, 4)), nd.zeros((2, 5))
    wi, wh, b = nd.ones((20, 4)), nd.ones((20, 5)), nd.zeros((20,))
    with pytest.raises(MXNetError, match=r"RNN\(lstm\): the data must be 3-D"):
        _core.rnn_layer(nd.ones((3, 4)), h, h, wi, wh, b, b, None, 2, False)
    with pytest.raises(
        MXNetError,
        match=r"RNN\(lstm\): i2h_weight has shape \(20, 3\) but "
        r"the data \(3, 2, 4\) needs \(20, 4\)",
    ):
        _core.rnn_layer(x, h, h, nd.ones((20, 3)), wh, b, b, None, 2, False)
    with pytest.raises(MXNetError, match="lstm needs an initial cell state"):
        _core.rnn_layer(x, h, None, wi, wh, b, b, None, 2, False)
    with pytest.raises(MXNetError, match=r"the initial hidden state has shape \(3, 5\)"):
        _core.rnn_layer(x, nd.zeros((3, 5)), h, wi, wh, b, b, None, 2, False)


# ---- the layers ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_layer_matches_unrolled_cell_with_same_weights(mode):
    rng = np.random.RandomState(6)
    layer = make_layer(mode, 4, input_size=3)
    cell = make_cell(mode, 4, input_size=3)
    layer.initialize()
    cell.initialize()
    p = randomize(layer, rng)
    cell.cast("float64")
    for k in ("i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias"):
        getattr(cell, k).set_data(f64(p["l0_" + k]))
    x = f64(rng.uniform(-1, 1, (5, 2, 3)))
    out, states = layer(x, layer.begin_state(2, dtype="float64"))
    cell_out, cell_states = cell.unroll(5, x, layout="TNC", merge_outputs=True)
    np.testing.assert_allclose(out.asnumpy(), cell_out.asnumpy(), rtol=1e-12, atol=1e-12)
    for got, want in zip(states, cell_states):
        np.testing.assert_allclose(got.asnumpy()[0], want.asnumpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", MODES + ["lstmp"])
def test_bidirectional_two_layer_gradients_match_finite_differences(mode):
    rng = np.random.RandomState(7)
    layer = make_layer(
        mode, 3 if mode == "lstmp" else 2, num_layers=2, bidirectional=True, input_size=2
    )
    layer.initialize()
    p = randomize(layer, rng, scale=0.7)
    x = rng.uniform(-1, 1, (3, 2, 2))
    begin = [rng.uniform(-1, 1, s["shape"]) for s in layer.state_info(2)]
    head = rng.uniform(-1, 1, (3, 2, 4))  # lstmp: 2 x projection size 2
    state_heads = [rng.uniform(-1, 1, s["shape"]) for s in layer.state_info(2)]
    xt, st = f64(x), [f64(s) for s in begin]
    for t in [xt] + st:
        t.attach_grad()
    with autograd.record():
        out, states = layer(xt, st)
        loss = (out * f64(head)).sum()
        for s, h in zip(states, state_heads):
            loss = loss + (s * f64(h)).sum()
    loss.backward()

    def objective(values):
        y, finals = np_layer(
            mode.replace("lstmp", "lstm"),
            values["x"],
            [values["s%d" % i] for i in range(len(begin))],
            values,
            2,
            2,
        )
        return (y * head).sum() + sum((f * h).sum() for f, h in zip(finals, state_heads))

    values = dict(p, x=x, **{"s%d" % i: s for i, s in enumerate(begin)})
    want_y, _ = np_layer(mode.replace("lstmp", "lstm"), x, begin, p, 2, 2)
    np.testing.assert_allclose(out.asnumpy(), want_y, rtol=1e-12, atol=1e-12)
    for key in values:
        want = numeric(objective, values, key)
        if key == "x":
            got = xt.grad
        elif key.startswith("s") and key[1:].isdigit():
            got = st[int(key[1:])].grad
        else:
            got = getattr(layer, key).grad()
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-6, atol=1e-8, err_msg=key)


FIXTURE_LAYERS = {
    "lstm_bi2": lambda: rnn.LSTM(8, num_layers=2, bidirectional=True, input_size=5),
    "gru2": lambda: rnn.GRU(8, num_layers=2, input_size=5),
    "rnn_tanh2_ntc": lambda: rnn.RNN(
        8, num_layers=2, activation="tanh", layout="NTC", input_size=5
    ),
    "rnn_relu_bi": lambda: rnn.RNN(8, bidirectional=True, input_size=5),
    "lstmp_bi2": lambda: rnn.LSTM(
        8, num_layers=2, bidirectional=True, projection_size=4, input_size=5
    ),
}


@pytest.mark.parametrize("name", sorted(FIXTURE_LAYERS))
def test_layer_reproduces_mxnet_fixture(name):
    layer = FIXTURE_LAYERS[name]()
    layer.load_parameters(os.path.join(FIXTURES, name + ".params"))
    io = nd.load(os.path.join(FIXTURES, name + "_io.nd"))
    with open(os.path.join(FIXTURES, name + ".txt")) as f:
        lines = f.read().splitlines()
    assert repr(layer) == lines[0]
    mx_prefix = re.match(r"[a-z]+\d+_", lines[1]).group(0)
    assert [k[len(layer.prefix) :] for k in layer.collect_params().keys()] == [
        k[len(mx_prefix) :] for k in lines[1:]
    ]
    n_states = 2 if name.startswith("lstm") else 1
    x = io["input"]
    x.attach_grad()
    with autograd.record():
        out, states = layer(x, [io["state%d" % i] for i in range(n_states)])
        loss = (out * io["head"]).sum()
    loss.backward()
    np.testing.assert_allclose(out.asnumpy(), io["output"].asnumpy(), rtol=1e-5, atol=1e-6)
    for i in range(n_states):
        np.testing.assert_allclose(
            states[i].asnumpy(), io["out_state%d" % i].asnumpy(), rtol=1e-5, atol=1e-6
        )
    if "grad_input" in io:  # MXNet cannot train a projected LSTM on the CPU
        np.testing.assert_allclose(
            x.grad.asnumpy(), io["grad_input"].asnumpy(), rtol=1e-5, atol=1e-6
        )
        for key, param in layer.collect_params().items():
            np.testing.assert_allclose(
                param.grad().asnumpy(),
                io["grad_" + key[len(layer.prefix) :]].asnumpy(),
                rtol=1e-5,
                atol=1e-6,
                err_msg=key,
            )
    no_states = layer(x)
    assert isinstance(no_states, nd.NDArray) and no_states.shape == out.shape


@pytest.mark.parametrize("name", ["lstm_bi2", "gru2", "lstmp_bi2"])
def test_saved_parameter_names_are_mxnets(name, tmp_path):
    layer = FIXTURE_LAYERS[name]()
    layer.load_parameters(os.path.join(FIXTURES, name + ".params"))
    path = str(tmp_path / "layer.params")
    layer.save_parameters(path)
    ours, theirs = nd.load(path), nd.load(os.path.join(FIXTURES, name + ".params"))
    assert sorted(ours) == sorted(theirs)
    assert any("_cell." in k for k in ours) == name.startswith("lstm")
    for key in theirs:
        np.testing.assert_array_equal(ours[key].asnumpy(), theirs[key].asnumpy())


def test_layer_names_shapes_state_info_and_repr():
    lstm = rnn.LSTM(8, 2, bidirectional=True)
    assert repr(lstm) == "LSTM(None -> 8, TNC, num_layers=2, bidirectional)"
    names = [k[len(lstm.prefix) :] for k in lstm.collect_params().keys()]
    assert names == [
        "%s%d_%s" % (d, layer, k)
        for layer in range(2)
        for d in "lr"
        for k in ("i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias")
    ]
    assert lstm.l1_i2h_weight.shape == (32, 16) and lstm.r0_i2h_weight.shape == (32, 0)
    assert lstm.state_info(3) == [{"shape": (4, 3, 8), "__layout__": "LNC", "dtype": "float32"}] * 2
    assert repr(rnn.GRU(8, input_size=5)) == "GRU(5 -> 8, TNC)"
    assert (
        repr(rnn.RNN(8, 2, "relu", layout="NTC", dropout=0.5))
        == "RNN(None -> 8, NTC, num_layers=2, dropout=0.5)"
    )
    assert re.fullmatch(r"lstm\d+_", lstm.prefix)


def test_layer_deferred_input_size_and_call_forms():
    layer = rnn.GRU(4, num_layers=2)
    layer.initialize()
    out = layer(nd.ones((5, 3, 6)))
    assert isinstance(out, nd.NDArray) and out.shape == (5, 3, 4)
    assert layer.l0_i2h_weight.shape == (12, 6)
    out, states = layer(nd.ones((5, 3, 6)), layer.begin_state(3)[0])
    assert isinstance(states, list) and states[0].shape == (2, 3, 4)


def test_layer_ntc_layout_is_tnc_transposed():
    rng = np.random.RandomState(8)
    ntc, tnc = rnn.LSTM(3, layout="NTC", input_size=2), rnn.LSTM(3, input_size=2)
    ntc.initialize()
    tnc.initialize()
    p = randomize(ntc, rng)
    tnc.cast("float64")
    for k, v in p.items():
        getattr(tnc, k).set_data(f64(v))
    x = rng.uniform(-1, 1, (2, 5, 2))
    np.testing.assert_allclose(
        ntc(f64(x)).asnumpy(),
        tnc(f64(x.transpose(1, 0, 2))).asnumpy().transpose(1, 0, 2),
        rtol=1e-12,
    )


def test_layer_errors_name_the_layer_and_shapes():
    layer = rnn.LSTM(8, input_size=5)
    layer.initialize()
    with pytest.raises(
        MXNetError,
        match=r"LSTM layer 'lstm\d+' expects a 3-D input in layout "
        r"'TNC' \(sequence length, batch, features\), got "
        r"shape \(4, 3\)",
    ):
        layer(nd.ones((4, 3)))
    with pytest.raises(
        MXNetError,
        match=r"LSTM layer 'lstm\d+' has input_size=5 \(parameter "
        r"'lstm\d+_l0_i2h_weight' of shape \(32, 5\)\) but got "
        r"an input of shape \(4, 3, 6\)",
    ):
        layer(nd.ones((4, 3, 6)))
    with pytest.raises(
        ValueError,
        match=r"Invalid recurrent state shape. Expecting "
        r"\(1, 3, 8\), got \(1, 2, 8\)",
    ):
        layer(nd.ones((4, 3, 5)), [nd.zeros((1, 2, 8)), nd.zeros((1, 2, 8))])
    with pytest.raises(MXNetError, match="must be given together, got -1 and None"):
        rnn.LSTM(8, state_clip_min=-1)
    with pytest.raises(MXNetError, match=r"lstm_state_clip_min \(1\) must not exceed"):
        rnn.LSTM(8, state_clip_min=1, state_clip_max=0)
    with pytest.raises(ValueError, match="sequence_length is given exactly when"):
        rnn.GRU(8, use_sequence_length=True, input_size=5)(nd.ones((4, 3, 5)))
    assert repr(rnn.GRU(8, use_sequence_length=False)).startswith("GRU(None -> 8")


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: rnn.LSTM(3, **kw),
        lambda **kw: rnn.LSTM(3, projection_size=2, **kw),
        lambda **kw: rnn.GRU(3, **kw),
        lambda **kw: rnn.RNN(3, activation="tanh", **kw),
    ],
    ids=["lstm", "lstmp", "gru", "rnn_tanh"],
)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_sequence_lengths_equal_running_each_row_alone(make, bidirectional):
    # Each row run alone over its own length is the reference: outputs past the length are
    # zero, final states are the last step's (the reverse direction starts there), and the
    # gradients of everything, the parameters' and the input's, are those of the rows alone.
    kw = dict(num_layers=2, bidirectional=bidirectional, input_size=2, dtype="float64")
    layer = make(use_sequence_length=True, **kw)
    layer.initialize(mx.init.Uniform(0.5))
    alone = make(prefix=layer.prefix, params=layer.collect_params(), **kw)
    rng = np.random.RandomState(3)
    x = nd.array(rng.rand(4, 3, 2), dtype="float64")
    lengths = [2, 4, 1]
    begin = [nd.array(rng.rand(*s.shape) - 0.5, dtype="float64") for s in layer.begin_state(3)]
    head = nd.array(rng.rand(4, 3, layer(x, begin, nd.array(lengths))[0].shape[2]), dtype="float64")
    x.attach_grad()
    with autograd.record():
        out, states = layer(x, begin, sequence_length=nd.array(lengths))
        loss = (out * head).sum() + sum((s * s).sum() for s in states)
    loss.backward()
    grads = {k: p.grad().asnumpy().copy() for k, p in layer.collect_params().items()}
    x_grad = x.grad.asnumpy().copy()
    layer.collect_params().zero_grad()
    x2 = x.copy()
    x2.attach_grad()
    with autograd.record():
        total = 0
        for n, length in enumerate(lengths):
            o, s = alone(x2[:length, n : n + 1], [b[:, n : n + 1] for b in begin])
            np.testing.assert_allclose(out[:length, n].asnumpy(), o[:, 0].asnumpy(), atol=1e-14)
            assert (out[length:, n].asnumpy() == 0).all()
            for got, want in zip(states, s):
                np.testing.assert_allclose(got[:, n].asnumpy(), want[:, 0].asnumpy(), atol=1e-14)
            total = total + (o * head[:length, n : n + 1]).sum() + sum((b * b).sum() for b in s)
    total.backward()
    for k, p in alone.collect_params().items():
        np.testing.assert_allclose(grads[k], p.grad().asnumpy(), atol=1e-13, err_msg=k)
    np.testing.assert_allclose(x_grad, x2.grad.asnumpy(), atol=1e-13)


def test_lstm_state_clipping_bounds_the_cell_and_differentiates():
    layer = rnn.LSTM(3, input_size=2, state_clip_min=-0.3, state_clip_max=0.3, dtype="float64")
    layer.initialize(mx.init.Uniform(1.0))
    free = rnn.LSTM(
        3, input_size=2, prefix=layer.prefix, params=layer.collect_params(), dtype="float64"
    )
    x = nd.array(np.random.RandomState(4).rand(6, 2, 2) * 3, dtype="float64")
    begin = layer.begin_state(2, dtype="float64")
    _, (h, c) = layer(x, begin)
    _, (_, c_free) = free(x, begin)
    assert np.abs(c_free.asnumpy()).max() > 0.3  # the clip is active on this input
    assert c.asnumpy().min() >= -0.3 and c.asnumpy().max() <= 0.3

    def loss_of(arr):
        out, (_, cell) = layer(arr, begin)
        return (out * out).sum() + cell.sum()

    x.attach_grad()
    with autograd.record():
        loss = loss_of(x)
    loss.backward()
    host, step = x.asnumpy(), 1e-6
    numeric = np.zeros(host.shape)
    for idx in np.ndindex(*host.shape):
        up, down = host.copy(), host.copy()
        up[idx] += step
        down[idx] -= step
        numeric[idx] = (
            loss_of(nd.array(up, dtype="float64")).asscalar()
            - loss_of(nd.array(down, dtype="float64")).asscalar()
        ) / (2 * step)
    np.testing.assert_allclose(x.grad.asnumpy(), numeric, atol=1e-8)
    # clip_nan: a NaN cell state becomes the minimum instead of propagating
    nan_layer = rnn.LSTM(
        3,
        input_size=2,
        state_clip_min=-0.3,
        state_clip_max=0.3,
        state_clip_nan=True,
        prefix=layer.prefix,
        params=layer.collect_params(),
        dtype="float64",
    )
    bad = nd.array(np.full((2, 2, 2), np.nan), dtype="float64")
    _, (_, c_nan) = nan_layer(bad, begin)
    np.testing.assert_array_equal(c_nan.asnumpy(), -0.3)
    _, (_, c_prop) = layer(bad, begin)
    assert np.isnan(c_prop.asnumpy()).all()


def test_projected_lstm_names_shapes_and_states():
    layer = rnn.LSTM(8, num_layers=2, projection_size=4)
    assert [(k[len(layer.prefix) :], v.shape) for k, v in layer.collect_params().items()] == [
        ("l0_i2h_weight", (32, 0)),
        ("l0_h2h_weight", (32, 4)),
        ("l0_i2h_bias", (32,)),
        ("l0_h2h_bias", (32,)),
        ("l0_h2r_weight", (4, 8)),
        ("l1_i2h_weight", (32, 4)),
        ("l1_h2h_weight", (32, 4)),
        ("l1_i2h_bias", (32,)),
        ("l1_h2h_bias", (32,)),
        ("l1_h2r_weight", (4, 8)),
    ]
    assert [s["shape"] for s in layer.state_info(3)] == [(2, 3, 4), (2, 3, 8)]
    layer.initialize()
    out, states = layer(nd.ones((5, 3, 6)), layer.begin_state(3))
    assert out.shape == (5, 3, 4) and [s.shape for s in states] == [(2, 3, 4), (2, 3, 8)]
    with pytest.raises(MXNetError, match=r"only lstm takes a projection"):
        _core.rnn_layer(
            nd.ones((2, 3, 6)),
            nd.zeros((3, 4)),
            None,
            nd.ones((12, 6)),
            nd.ones((12, 4)),
            nd.zeros((12,)),
            nd.zeros((12,)),
            nd.ones((4, 4)),
            3,
            False,
        )


def test_layer_dropout_between_layers_only_while_training():
    layer = rnn.RNN(6, num_layers=2, dropout=0.5, input_size=3)
    layer.initialize(mx.init.Uniform(0.5))
    x = nd.ones((4, 2, 3))
    a, b = layer(x), layer(x)
    np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
    with autograd.record():
        c = layer(x)
    assert not np.allclose(c.asnumpy(), a.asnumpy())


def test_training_step_reduces_loss_on_a_toy_sequence_task():
    mx.random.seed(0)
    rng = np.random.RandomState(9)
    x = rng.uniform(-1, 1, (16, 6, 1)).astype("float32")  # NTC
    y = np.cumsum(x, axis=1)[:, -1, :]  # the running sum at the end
    net = gluon.nn.HybridSequential()
    lstm = rnn.LSTM(8, layout="NTC")
    head = gluon.nn.Dense(1, flatten=False)
    net.add(lstm)
    net.add(head)
    net.initialize(mx.init.Xavier())
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.02})
    loss_fn = gluon.loss.L2Loss()
    losses = []
    for _ in range(40):
        with autograd.record():
            out = net(nd.array(x))[:, -1, :]
            loss = loss_fn(out, nd.array(y))
        loss.backward()
        trainer.step(x.shape[0])
        losses.append(loss.mean().asscalar())
    assert losses[-1] < 0.3 * losses[0]


@requires_gpu
def test_lstm_on_gpu_matches_cpu():
    rng = np.random.RandomState(10)
    layer = rnn.LSTM(8, num_layers=2, bidirectional=True, input_size=5)
    layer.initialize(ctx=[mx.cpu(), mx.gpu(0)])
    for param in layer.collect_params().values():
        param.set_data(nd.array(rng.uniform(-0.5, 0.5, param.shape)))
    x = rng.uniform(-1, 1, (4, 3, 5)).astype("float32")
    grads = []
    outs = []
    for ctx in (mx.cpu(), mx.gpu(0)):
        xt = nd.array(x, ctx=ctx)
        xt.attach_grad()
        with autograd.record():
            out = layer(xt)
            loss = (out * out).sum()
        loss.backward()
        outs.append(out.asnumpy())
        grads.append(xt.grad.asnumpy())
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-4, atol=1e-5)


def test_sequence_lengths_are_an_input_of_the_hybridized_layer():
    layer = rnn.GRU(3, input_size=2, use_sequence_length=True, layout="NTC", bidirectional=True)
    layer.initialize()
    x = nd.array(np.random.RandomState(5).rand(2, 4, 2))
    begin = layer.begin_state(2)
    expected = {
        lengths: layer(x, begin, sequence_length=nd.array(lengths))[0].asnumpy()
        for lengths in ((3, 2), (1, 4))
    }
    layer.hybridize()
    for lengths in ((1, 4), (3, 2), (1, 4)):  # the replay reads each call's lengths
        out = layer(x, begin, sequence_length=nd.array(lengths))[0].asnumpy()
        np.testing.assert_array_equal(out, expected[lengths])
        assert (out[0, lengths[0] :] == 0).all() and (out[1, lengths[1] :] == 0).all()
    graph = layer(mx.sym.var("data"), sequence_length=mx.sym.var("lengths"))
    node = [n for n in json.loads(graph.tojson())["nodes"] if n["op"] == "RNN"][0]
    assert node["attrs"]["use_sequence_length"] == "True"
