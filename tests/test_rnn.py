"""gluon.rnn cells against a float64 numpy reference of MXNet's equations: outputs,
finite-difference gradients, names, repr, the container and modifier cells."""
import re

import numpy as np
import pytest

from gluonlite import autograd, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import rnn

MODES = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru']


# ---- numpy reference (MXNet's equations, float64) -------------------------------------

def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def np_step(mode, x, states, wi, wh, bi, bh):
    """One step; returns (output, new states)."""
    h = states[0]
    xw, hw = x @ wi.T + bi, h @ wh.T + bh
    if mode == 'rnn_tanh':
        out = np.tanh(xw + hw)
        return out, [out]
    if mode == 'rnn_relu':
        out = np.maximum(xw + hw, 0)
        return out, [out]
    if mode == 'lstm':
        i, f, g, o = np.split(xw + hw, 4, axis=1)
        c = sigmoid(f) * states[1] + sigmoid(i) * np.tanh(g)
        out = sigmoid(o) * np.tanh(c)
        return out, [out, c]
    xr, xz, xn = np.split(xw, 3, axis=1)
    hr, hz, hn = np.split(hw, 3, axis=1)
    r, z = sigmoid(xr + hr), sigmoid(xz + hz)
    n = np.tanh(xn + r * hn)
    out = (1 - z) * n + z * h
    return out, [out]


def np_sequence(mode, x, states, wi, wh, bi, bh, reverse=False):
    """x (T, N, I); returns (outputs (T, N, H), final states)."""
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    outs = [None] * x.shape[0]
    for t in steps:
        outs[t], states = np_step(mode, x[t], states, wi, wh, bi, bh)
    return np.stack(outs), states


def make_cell(mode, hidden, **kwargs):
    if mode == 'lstm':
        return rnn.LSTMCell(hidden, **kwargs)
    if mode == 'gru':
        return rnn.GRUCell(hidden, **kwargs)
    return rnn.RNNCell(hidden, activation=mode[4:], **kwargs)


def randomize(block, rng, dtype='float64', scale=0.5):
    """Random float64 values for every parameter; returns them by structural name."""
    block.cast(dtype)
    values = {}
    for name, param in block.collect_params().items():
        values[name[len(block.prefix):]] = v = rng.uniform(-scale, scale, param.shape)
        param.set_data(nd.array(v, dtype=dtype))
    return values


def f64(a):
    return nd.array(a, dtype='float64')


# ---- cells ---------------------------------------------------------------------------

@pytest.mark.parametrize('mode', MODES)
def test_cell_unroll_matches_numpy_reference(mode):
    rng = np.random.RandomState(0)
    cell = make_cell(mode, 4, input_size=3)
    cell.initialize()
    p = randomize(cell, rng)
    x = rng.uniform(-1, 1, (2, 5, 3))       # NTC
    begin = [rng.uniform(-1, 1, (2, 4)) for _ in cell.state_info()]
    out, states = cell.unroll(5, f64(x), begin_state=[f64(s) for s in begin], layout='NTC',
                              merge_outputs=True)
    want, want_states = np_sequence(mode, x.transpose(1, 0, 2), begin, p['i2h_weight'],
                                    p['h2h_weight'], p['i2h_bias'], p['h2h_bias'])
    np.testing.assert_allclose(out.asnumpy(), want.transpose(1, 0, 2), rtol=1e-12, atol=1e-12)
    assert len(states) == len(want_states)
    for got, w in zip(states, want_states):
        np.testing.assert_allclose(got.asnumpy(), w, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize('mode', MODES)
def test_cell_gradients_match_finite_differences(mode):
    rng = np.random.RandomState(1)
    cell = make_cell(mode, 3, input_size=2)
    cell.initialize()
    p = randomize(cell, rng)
    x = rng.uniform(-1, 1, (3, 2, 2))       # TNC
    begin = [rng.uniform(-1, 1, (2, 3)) for _ in cell.state_info()]
    head = rng.uniform(-1, 1, (3, 2, 3))
    xt = f64(x)
    xt.attach_grad()
    with autograd.record():
        out, _ = cell.unroll(3, xt, begin_state=[f64(s) for s in begin], layout='TNC',
                             merge_outputs=True)
        loss = (out * f64(head)).sum()
    loss.backward()
    names = ['i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias']

    def objective(values):
        y, _ = np_sequence(mode, values['x'], begin, *[values[k] for k in names])
        return (y * head).sum()

    values = dict(p, x=x)
    for key in ['x'] + names:
        want = numeric(objective, values, key)
        got = xt.grad if key == 'x' else getattr(cell, key).grad()
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-6, atol=1e-8, err_msg=key)


def numeric(objective, values, key, eps=1e-6):
    """Central differences of objective(values) with respect to values[key]."""
    base = values[key]
    grad = np.zeros_like(base)
    for idx in np.ndindex(base.shape):
        plus, minus = base.copy(), base.copy()
        plus[idx] += eps
        minus[idx] -= eps
        grad[idx] = (objective(dict(values, **{key: plus}))
                     - objective(dict(values, **{key: minus}))) / (2 * eps)
    return grad


def test_cell_names_shapes_state_info_and_repr():
    cases = [(rnn.RNNCell(8), 'rnn', 'RNNCell(None -> 8, tanh)', (8, 0)),
             (rnn.RNNCell(8, activation='relu', input_size=5), 'rnn',
              'RNNCell(5 -> 8, relu)', (8, 5)),
             (rnn.LSTMCell(8), 'lstm', 'LSTMCell(None -> 32)', (32, 0)),
             (rnn.GRUCell(8, input_size=5), 'gru', 'GRUCell(5 -> 24)', (24, 5))]
    for cell, alias, text, i2h_shape in cases:
        assert repr(cell) == text
        assert re.fullmatch(alias + r'\d+_', cell.prefix)
        params = cell.collect_params()
        assert [k[len(cell.prefix):] for k in params.keys()] == \
            ['i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias']
        rows = i2h_shape[0]
        assert [p.shape for p in params.values()] == [i2h_shape, (rows, 8), (rows,), (rows,)]
    assert rnn.LSTMCell(8).state_info(3) == [{'shape': (3, 8), '__layout__': 'NC'}] * 2
    states = rnn.GRUCell(4).begin_state(2)
    assert len(states) == 1 and states[0].shape == (2, 4) and states[0].asnumpy().sum() == 0


def test_container_cell_reprs_as_mxnet():
    seq = rnn.SequentialRNNCell()
    seq.add(rnn.LSTMCell(4))
    seq.add(rnn.DropoutCell(0.5))
    seq.add(rnn.ResidualCell(rnn.GRUCell(4)))
    seq.add(rnn.ZoneoutCell(rnn.RNNCell(4), 0.1, 0.2))
    assert repr(seq) == ('SequentialRNNCell(\n(0): LSTMCell(None -> 16)\n'
                         '(1): DropoutCell(rate=0.5, axes=())\n'
                         '(2): ResidualCell(GRUCell(None -> 12))\n'
                         '(3): ZoneoutCell(p_out=0.1, p_state=0.2, RNNCell(None -> 4, tanh))\n)')
    assert len(list(seq.collect_params().keys())) == 12
    bi = rnn.BidirectionalCell(rnn.LSTMCell(3), rnn.GRUCell(3))
    assert repr(bi) == 'BidirectionalCell(forward=LSTMCell(None -> 12), backward=GRUCell(None -> 9))'


def test_cell_step_call_and_deferred_input_size():
    cell = rnn.LSTMCell(5)
    cell.initialize()
    out, states = cell(nd.ones((2, 3)), cell.begin_state(2))
    assert out.shape == (2, 5) and [s.shape for s in states] == [(2, 5), (2, 5)]
    assert cell.i2h_weight.shape == (20, 3)
    with pytest.raises(MXNetError, match=r"LSTMCell '.*' expects a step input of shape "
                                         r"\(batch, 3\), got \(2, 4\)"):
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
    out, states = seq.unroll(4, f64(x), layout='TNC', merge_outputs=True)
    zeros = lambda h: np.zeros((2, h))
    y1, s1 = np_sequence('gru', x, [zeros(4)], p1['i2h_weight'], p1['h2h_weight'],
                         p1['i2h_bias'], p1['h2h_bias'])
    y2, s2 = np_sequence('lstm', y1, [zeros(2), zeros(2)], p2['i2h_weight'], p2['h2h_weight'],
                         p2['i2h_bias'], p2['h2h_bias'])
    np.testing.assert_allclose(out.asnumpy(), y2, rtol=1e-12, atol=1e-12)
    assert len(states) == 3
    for got, want in zip(states, s1 + s2):
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-12, atol=1e-12)
    step_out, step_states = seq(f64(x[0]), seq.begin_state(2, dtype='float64'))
    np.testing.assert_allclose(step_out.asnumpy(), y2[0], rtol=1e-12, atol=1e-12)


def test_bidirectional_residual_dropout_and_zoneout_cells():
    rng = np.random.RandomState(3)
    left, right = rnn.RNNCell(3, input_size=2), rnn.GRUCell(3, input_size=2)
    bi = rnn.BidirectionalCell(left, right)
    bi.initialize()
    pl, pr = randomize(left, rng), randomize(right, rng)
    x = rng.uniform(-1, 1, (2, 4, 2))        # NTC
    out, states = bi.unroll(4, f64(x), merge_outputs=True)
    xt = x.transpose(1, 0, 2)
    z = [np.zeros((2, 3))]
    yl, _ = np_sequence('rnn_tanh', xt, z, *[pl[k] for k in
                                             ('i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias')])
    yr, _ = np_sequence('gru', xt, z, *[pr[k] for k in
                                        ('i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias')],
                        reverse=True)
    np.testing.assert_allclose(out.asnumpy(), np.concatenate([yl, yr], 2).transpose(1, 0, 2),
                               rtol=1e-12, atol=1e-12)
    assert len(states) == 2
    with pytest.raises(NotImplementedError, match='Bidirectional cannot be stepped'):
        bi(f64(x[:, 0]), states)

    base = rnn.RNNCell(2, input_size=2)
    res = rnn.ResidualCell(base)
    res.initialize()
    p = randomize(base, rng)
    out, _ = res.unroll(4, f64(x), merge_outputs=True)
    y, _ = np_sequence('rnn_tanh', xt, [np.zeros((2, 2))], p['i2h_weight'], p['h2h_weight'],
                       p['i2h_bias'], p['h2h_bias'])
    np.testing.assert_allclose(out.asnumpy(), (y + xt).transpose(1, 0, 2), rtol=1e-12)

    drop = rnn.DropoutCell(0.5)
    assert drop.state_info() == []
    kept, _ = drop(f64(x[:, 0]), [])
    np.testing.assert_array_equal(kept.asnumpy(), x[:, 0])    # not training: identity
    with autograd.record():
        dropped, _ = drop(nd.ones((50, 40)), [])
    values = np.unique(dropped.asnumpy())
    assert set(values) == {0.0, 2.0}

    zone_base = rnn.RNNCell(2, input_size=2)
    zone = rnn.ZoneoutCell(zone_base, zoneout_outputs=0.5, zoneout_states=0.5)
    zone.initialize()
    p = randomize(zone_base, rng)
    out, _ = zone.unroll(4, f64(x), merge_outputs=True)        # not training: no zoneout
    y, _ = np_sequence('rnn_tanh', xt, [np.zeros((2, 2))], p['i2h_weight'], p['h2h_weight'],
                       p['i2h_bias'], p['h2h_bias'])
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
    y, _ = np_sequence('lstm', xt, [np.zeros((2, 3))] * 2, p['i2h_weight'], p['h2h_weight'],
                       p['i2h_bias'], p['h2h_bias'])
    want = y.transpose(1, 0, 2).copy()
    want[0, 1:] = 0
    want[1, 3:] = 0
    np.testing.assert_allclose(out.asnumpy(), want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(states[0].asnumpy(), [y[0, 0], y[2, 1]], rtol=1e-12)
    outs, _ = cell.unroll(4, f64(x))
    assert isinstance(outs, list) and len(outs) == 4
