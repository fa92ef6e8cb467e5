"""Autograd as MXNet 1.9.1 defines it: grad() returns lists, mark_variables writes into the
caller's buffers, and arrays whose graph a backward() consumed are constants afterwards.

Every expected value here was observed in MXNet 1.9.1 running the same lines.
"""

import gc
import json

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import autograd, gluon, nd
from gluonlite.base import MXNetError


def _f64(values):
    return nd.array(values, dtype="float64")


# ---- autograd.grad -------------------------------------------------------------------------


def test_grad_of_one_variable_returns_a_list_of_one():
    x = _f64([1.0, 2.0, 3.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
    grads = autograd.grad(y, x)
    assert isinstance(grads, list) and len(grads) == 1
    np.testing.assert_array_equal(grads[0].asnumpy(), [2.0, 4.0, 6.0])
    with autograd.record():
        y = x * x
    assert isinstance(autograd.grad(y, x, create_graph=True), list)


def test_grad_frees_the_graph_unless_retained():
    x = _f64([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
    autograd.grad(y, [x])
    with pytest.raises(MXNetError, match="retain_graph=True"):
        autograd.grad(y, [x])
    with autograd.record():
        y = x * x
    autograd.grad(y, [x], retain_graph=True)
    (g,) = autograd.grad(y, [x])
    np.testing.assert_array_equal(g.asnumpy(), [2.0, 4.0])


def test_grad_with_an_unreachable_variable_raises_naming_it():
    x = _f64([1.0, 2.0, 3.0])
    w = _f64([1.0, 1.0, 1.0])
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        y = x * x
    with pytest.raises(MXNetError, match=r"variable 1 \(shape \(3,\)\): it is unreachable"):
        autograd.grad(y, [x, w])


def test_grad_with_a_variable_that_needs_no_gradient_raises_naming_it():
    x = _f64([1.0, 2.0])
    x.attach_grad()
    u = _f64([1.0, 1.0])
    with autograd.record():
        y = x * u
    with pytest.raises(MXNetError, match=r"variable 0 \(shape \(2,\)\): it does not require"):
        autograd.grad(y, [u])


# ---- mark_variables ------------------------------------------------------------------------


def test_mark_variables_backward_writes_into_the_given_buffer():
    a = _f64([1.0, 2.0])
    ga = nd.zeros((2,), dtype="float64")
    autograd.mark_variables([a], [ga])
    with autograd.record():
        z = (a * a * a).sum()
    z.backward()
    np.testing.assert_array_equal(ga.asnumpy(), [3.0, 12.0])  # the caller's own array
    assert a.grad._is_same_storage(ga)
    with autograd.record():
        z = (a * 5).sum()
    z.backward()
    np.testing.assert_array_equal(ga.asnumpy(), [5.0, 5.0])  # 'write' overwrites


def test_mark_variables_add_accumulates_into_the_buffer():
    b = _f64([1.0, 2.0])
    gb = _f64([10.0, 10.0])
    autograd.mark_variables([b], [gb], grad_reqs="add")
    for _ in range(2):
        with autograd.record():
            z = (b * b).sum()
        z.backward()
    np.testing.assert_array_equal(gb.asnumpy(), [14.0, 18.0])


def test_mark_variables_null_keeps_the_buffer_and_records_nothing():
    c = _f64([1.0, 2.0])
    gc_ = _f64([10.0, 10.0])
    autograd.mark_variables(c, gc_, grad_reqs="null")  # single arrays, as MXNet accepts
    np.testing.assert_array_equal(c.grad.asnumpy(), [10.0, 10.0])
    with autograd.record():
        z = (c * c).sum()
    with pytest.raises(MXNetError, match="not the result of an operation recorded"):
        z.backward()
    np.testing.assert_array_equal(gc_.asnumpy(), [10.0, 10.0])


def test_mark_variables_with_a_list_of_reqs():
    x, y = _f64([1.0]), _f64([2.0])
    gx, gy = _f64([1.0]), _f64([1.0])
    autograd.mark_variables([x, y], [gx, gy], grad_reqs=["write", "add"])
    with autograd.record():
        z = x * y
    z.backward()
    assert gx.asscalar() == 2.0 and gy.asscalar() == 2.0


def test_attach_grad_after_mark_variables_gets_a_new_buffer():
    e = nd.array([1.0])
    ge = nd.zeros((1,))
    autograd.mark_variables([e], [ge])
    e.attach_grad()
    with autograd.record():
        z = e * 5
    z.backward()
    assert ge.asscalar() == 0.0 and e.grad.asscalar() == 5.0


def test_mark_variables_on_a_recorded_array_makes_it_a_leaf():
    x = nd.array([2.0])
    x.attach_grad()
    with autograd.record():
        h = x * 3
        gh = nd.zeros((1,))
        autograd.mark_variables([h], [gh])
        z = h * h
    z.backward()
    assert gh.asscalar() == 12.0 and x.grad.asscalar() == 0.0


@pytest.mark.parametrize(
    "buffer, message",
    [
        (nd.zeros((3,)), r"gradient 0 is \(3,\) float32 on cpu\(0\) but variable 0 is \(2,\)"),
        (nd.zeros((2,), dtype="float64"), r"gradient 0 is \(2,\) float64 .* is \(2,\) float32"),
    ],
)
def test_mark_variables_refuses_a_buffer_that_does_not_match(buffer, message):
    with pytest.raises(ValueError, match=message):
        autograd.mark_variables([nd.zeros((2,))], [buffer])


def test_mark_variables_refuses_a_bad_req_and_a_non_array():
    with pytest.raises(ValueError, match=r"grad_req 0 must be 'write', 'add' or 'null', got 'x'"):
        autograd.mark_variables([nd.zeros((2,))], [nd.zeros((2,))], grad_reqs="x")
    with pytest.raises(TypeError, match="gradient 0 must be an NDArray, got list"):
        autograd.mark_variables([nd.zeros((2,))], [[0.0, 0.0]])


# ---- a consumed graph leaves constants -----------------------------------------------------


def test_array_of_a_consumed_graph_is_a_constant_in_the_next_recording():
    w = nd.array([3.0])
    x = nd.array([2.0])
    w.attach_grad()
    x.attach_grad()
    with autograd.record():
        y = x * w
        z = y * 2
    z.backward()
    assert (x.grad.asscalar(), w.grad.asscalar()) == (6.0, 4.0)
    with autograd.record():
        q = y * w
    q.backward()
    # y = 6 enters as a constant: w gets y, x (not reached) keeps its old gradient
    assert (x.grad.asscalar(), w.grad.asscalar()) == (6.0, 6.0)


def test_backward_from_constants_only_raises_with_the_retain_graph_hint():
    x = nd.array([2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
    y.backward()
    with autograd.record():
        q = y * 5
    with pytest.raises(MXNetError, match="^Cannot differentiate: .*retain_graph=True"):
        q.backward()
    with pytest.raises(MXNetError, match="^Cannot differentiate: .*retain_graph=True"):
        y.backward()


def test_a_retained_graph_keeps_feeding_gradients_into_a_new_recording():
    x = nd.array([2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
    y.backward(retain_graph=True)
    with autograd.record():
        q = y * 3
    q.backward()
    assert x.grad.asscalar() == 12.0


def test_a_graph_partly_consumed_by_another_head_raises():
    x = nd.array([2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
        a = y * 2
        b = y * 3
    a.backward()
    assert x.grad.asscalar() == 8.0
    # y's graph is gone: b's node still exists, but nothing behind it needs a gradient
    with pytest.raises(
        MXNetError, match="^Cannot differentiate: none of the arrays .*retain_graph"
    ):
        b.backward()


def test_backward_frees_the_graph_nodes():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    gc.collect()
    before = mx._core.live_node_count()
    with autograd.record():
        y = nd.exp(x * 2).sum()
    assert mx._core.live_node_count() == before + 3
    y.backward()
    assert mx._core.live_node_count() == before  # y itself is alive, its graph is not
    assert y.asscalar() == pytest.approx(np.exp(2.0) + np.exp(4.0), rel=1e-6)


def test_hand_written_rnn_state_is_a_constant_in_the_next_step():
    w = _f64([0.5])
    w.attach_grad()
    x = _f64([1.0, 2.0])
    state = _f64([0.0, 0.0])
    grads, states = [], []
    for _ in range(3):
        with autograd.record():
            state = nd.tanh(x * w + state)
            loss = state.sum()
        loss.backward()
        for s in [state]:
            s.detach()  # result discarded: no effect, as in MXNet
        grads.append(w.grad.asscalar())
        states.append(state.asnumpy())
    # d/dw sum(tanh(x w + s_prev)) with s_prev a constant
    prev = np.zeros(2)
    for step in range(3):
        expected = np.sum(x.asnumpy() * (1 - np.tanh(x.asnumpy() * 0.5 + prev) ** 2))
        assert grads[step] == pytest.approx(expected, rel=1e-12)
        prev = states[step]


def _lstm_losses_and_grads(detach_state: bool):
    mx.random.seed(7)
    net = gluon.rnn.LSTM(4, input_size=3)
    net.initialize(mx.init.Xavier())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    state = net.begin_state(batch_size=2)
    x = nd.array(np.linspace(-1, 1, 30).reshape(5, 2, 3))
    losses = []
    for _ in range(3):
        if detach_state:
            state = [s.detach() for s in state]
        with autograd.record():
            out, state = net(x, state)
            loss = (out * out).sum()
        loss.backward()
        trainer.step(2)
        for s in state:
            s.detach()  # MXNet's RNN idiom: the result is dropped
        losses.append(loss.asscalar())
    return losses, [p.data().asnumpy() for p in net.collect_params().values()]


def test_rnn_idiom_trains_with_the_previous_state_as_a_constant():
    losses, params = _lstm_losses_and_grads(detach_state=False)
    ref_losses, ref_params = _lstm_losses_and_grads(detach_state=True)
    assert losses == ref_losses
    assert losses[0] != losses[1]  # it trains
    for got, ref in zip(params, ref_params):
        np.testing.assert_array_equal(got, ref)


# ---- higher-order gradients of gradients that do not depend on the input (MXNet: zeros) ----


@pytest.mark.parametrize(
    "op",
    [
        lambda x: nd.radians(x),
        lambda x: x * 3.0,
        lambda x: nd.Dropout(x),  # record() trains: a mask scaled by 2
    ],
)
def test_second_derivative_of_a_constant_gradient_is_zero(op):
    x = nd.array([0.5, -2.0, 3.0])
    x.attach_grad()
    head = nd.array([1.0, 2.0, -1.0])
    with autograd.record():
        y = op(x)
        g = autograd.grad(y, x, head_grads=head, create_graph=True, retain_graph=True)[0]
        g2 = autograd.grad(g, x, create_graph=True, retain_graph=True)[0]
    slope = y.asnumpy() / x.asnumpy()  # each op is linear: y = slope * x
    np.testing.assert_allclose(g.asnumpy(), slope * head.asnumpy(), rtol=1e-6)
    np.testing.assert_array_equal(g2.asnumpy(), np.zeros(3))
    # the head-gradient array itself is not made part of the graph
    with pytest.raises(MXNetError, match="not the result of an operation recorded"):
        autograd.grad(head, x)


def test_second_derivative_of_arcsinh_is_the_true_one():
    # d2/dx2 arcsinh(x) = -x / (1 + x^2)^1.5 (MXNet 1.9.1 returns the opposite sign)
    xs = np.array([0.5, -2.0, 3.0])
    x = nd.array(xs, dtype="float64")
    x.attach_grad()
    with autograd.record():
        g = autograd.grad(nd.arcsinh(x), x, create_graph=True, retain_graph=True)[0]
    g.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), -xs / (1 + xs**2) ** 1.5, rtol=1e-12)


def test_topk_of_an_int32_array_takes_int32_head_gradients():
    a = nd.arange(0, 16, dtype="int32")
    a.attach_grad()
    with autograd.record():
        b = nd.topk(a, k=3, ret_typ="value")
    b.backward(nd.array([1, 2, 3], dtype="int32"))
    want = np.zeros(16, dtype=np.int32)
    want[[15, 14, 13]] = [1, 2, 3]
    np.testing.assert_array_equal(a.grad.asnumpy(), want)


# ---- assignment while recording (MXNet 1.9.1, probed) ----------------------------------------


def test_whole_array_assignment_of_a_recorded_value_is_recorded():
    y = nd.ones((3, 4))
    y.attach_grad()
    for assign in (
        lambda x: x.__setitem__(slice(None), y),
        lambda x: x.__setitem__(Ellipsis, y),
        lambda x: y.copyto(x),
    ):
        x = nd.zeros((3, 4))
        with autograd.record():
            assign(x)
            z = (x * 2).sum()
        z.backward()
        np.testing.assert_array_equal(y.grad.asnumpy(), np.full((3, 4), 2.0))


def test_partial_assignment_or_inplace_update_from_a_recorded_value_raises():
    y = nd.ones((4,))
    y.attach_grad()
    x = nd.zeros((3, 4))
    with pytest.raises(MXNetError, match=r"Inplace operations \(\+=, -=, x\[:\]=, etc\).*x\[0\]"):
        with autograd.record():
            x[0] = y
    with pytest.raises(MXNetError, match=r"add: Inplace operations.*right-hand side"):
        with autograd.record():
            x += y
    np.testing.assert_array_equal(x.asnumpy(), np.zeros((3, 4)))  # nothing was written
    with autograd.record():  # values that need no gradient are fine, as in MXNet
        x[0] = nd.ones((4,))
        x += nd.ones((4,))
    np.testing.assert_array_equal(x.asnumpy()[0], np.full(4, 2.0))
    x[1] = y  # outside recording too
    np.testing.assert_array_equal(x.asnumpy()[1], np.ones(4))


def test_custom_function_gradient_stays_a_constant_under_create_graph():
    class Square(autograd.Function):
        def forward(self, x):
            self.save_for_backward(x)
            return x * x

        def backward(self, dy):
            (x,) = self.saved_tensors
            return dy * 2 * x

    x = _f64([3.0])
    x.attach_grad()
    with autograd.record():
        (g,) = autograd.grad(Square()(x), [x], create_graph=True)
    assert g.asscalar() == 6.0
    with pytest.raises(MXNetError, match="not the result of an operation recorded"):
        g.backward()


# ---- autograd.get_symbol ------------------------------------------------------------------


def test_get_symbol_lists_the_recorded_variables_and_operations():
    x = nd.ones((1,))
    x.attach_grad()
    z = nd.ones((1,))
    z.attach_grad()
    c = nd.ones((1,)) * 5  # not recorded: folded into the operation that reads it
    with autograd.record():
        y = x * x + 2 * z - c
    sym = autograd.get_symbol(y)
    assert sym.list_arguments() == ["var0", "var1"]  # x, then z, as MXNet names them
    assert sym.list_outputs() == ["node_3_output"]
    graph = json.loads(sym.tojson())
    ops = [node["op"] for node in graph["nodes"]]
    assert ops.count("null") == 2 and len(ops) == 6
    # x * x reads var0 twice
    square = graph["nodes"][1]
    assert square["name"] == "node_0" and square["inputs"] == [[0, 0, 0], [0, 0, 0]]
    with autograd.record():
        w = x * 3
    assert autograd.get_symbol([w, y]).list_outputs() == ["node_0_output", "node_4_output"]
    assert autograd.get_symbol(x).list_arguments() == ["var0"]  # a leaf is its own graph


def test_get_symbol_refuses_an_unrecorded_array():
    with pytest.raises(MXNetError, match="get_symbol: the array is not the result"):
        autograd.get_symbol(nd.ones((2,)))
    with pytest.raises(TypeError, match="expected NDArray"):
        autograd.get_symbol("y")


def _graph_ops(head):
    import json

    return [
        (n["op"], n["name"]) for n in json.loads(mx.autograd.get_symbol(head).tojson())["nodes"]
    ]


def _three_dense(prefix, initialize=True):
    net = mx.gluon.nn.HybridSequential(prefix=prefix)
    with net.name_scope():
        for _ in range(3):
            net.add(mx.gluon.nn.Dense(4))
    if initialize:
        net.initialize()
    return net


def test_get_symbol_shows_a_hybridized_call_as_one_cached_op_past_inline_limit():
    net = _three_dense("three_")
    x = mx.nd.ones((2, 5))
    counts = {}
    for limit in (3, 0):
        net.hybridize(inline_limit=limit)
        for _ in range(2):  # the first call (imperative, then traced) and a replay
            with mx.autograd.record():
                y = net(x)
            graph = _graph_ops(y)
            ops = [op for op, _ in graph if op != "null"]
            if limit == 3:
                assert len(ops) == 3 and "_CachedOp" not in ops  # 3 operators: inlined
            else:
                assert ops == ["_CachedOp"] and ("_CachedOp", "three") in graph
            counts[limit] = len(graph)
            y.backward()
    assert counts[3] == counts[0] + 2  # MXNet's test_inline
    # two calls in one recording are two nodes; the second reads the first's output
    with mx.autograd.record():
        z = net(net(x)[:, :4].tile((1, 2))[:, :5] * 1)
    ops = [op for op, _ in _graph_ops(z) if op != "null"]
    assert ops.count("_CachedOp") == 2
    z.backward()
    # a hybridized parent with hybridized children is one node: the outermost call
    outer = mx.gluon.nn.HybridSequential(prefix="outer_")
    outer.add(_three_dense("inner_", initialize=False), mx.gluon.nn.Dense(3))
    outer.initialize()
    outer.hybridize(inline_limit=0)
    for _ in range(2):
        with mx.autograd.record():
            w = outer(x)
        assert [op for op, _ in _graph_ops(w) if op != "null"] == ["_CachedOp"]
        symbol = mx.autograd.get_symbol(w)
        w.backward()
    with pytest.raises(mx.base.MXNetError, match="_CachedOp: this node stands for"):
        symbol.eval(ctx=mx.cpu(), **{name: mx.nd.ones((1,)) for name in symbol.list_arguments()})
