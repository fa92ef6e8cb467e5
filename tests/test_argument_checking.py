"""MXNet's argument checking: an unknown keyword is refused, never silently ignored.

MXNet 1.9.1 raises ``MXNetError: Cannot find argument 'axsi', Possible Arguments: ...`` for
an operator, and Python's TypeError for its Python-level functions (``nd.array``,
``nd.save``). gluonlite raises MXNetTypeError (both classes) with MXNet's text for every
operator, and a TypeError naming the keyword for the rest.
"""

import inspect

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import gluon, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import nn, rnn

# Public nd functions that are Python functions in MXNet 1.9.1 too (recorded: a made-up
# keyword gives TypeError "got an unexpected keyword argument" there).
PYTHON_LEVEL_IN_MXNET = {"load", "load_frombuffer", "save", "save_tobuffer", "waitall"}
# nd.Custom passes every keyword to the registered CustomOpProp, as in MXNet.
TAKES_ANY_KEYWORD = {"nd.Custom"}


def _public_callables(module):
    names = getattr(module, "__all__", None) or dir(module)
    for name in sorted(names):
        fn = getattr(module, name)
        if name.startswith("_") or not callable(fn):
            continue
        if inspect.isclass(fn) or inspect.ismodule(fn) or getattr(fn, "__module__", "") == "typing":
            continue
        yield name, fn


ND_CALLABLES = [
    (name, fn)
    for name, fn in [("nd." + n, f) for n, f in _public_callables(nd)]
    + [("nd.image." + n, f) for n, f in _public_callables(nd.image)]
    + [("nd.random." + n, f) for n, f in _public_callables(nd.random)]
    + [("nd.linalg." + n, f) for n, f in _public_callables(nd.linalg)]
    + [("nd.contrib." + n, f) for n, f in _public_callables(nd.contrib)]
    if name not in TAKES_ANY_KEYWORD
]


def test_the_walk_covers_the_nd_surface():
    names = {n for n, _ in ND_CALLABLES}
    assert len(names) > 110
    for expected in [
        "nd.sum",
        "nd.relu",
        "nd.add",
        "nd.Convolution",
        "nd.zeros",
        "nd.image.resize",
    ]:
        assert expected in names


@pytest.mark.parametrize("name,fn", ND_CALLABLES, ids=[n for n, _ in ND_CALLABLES])
def test_every_public_nd_callable_refuses_a_made_up_keyword(name, fn):
    with pytest.raises(TypeError) as info:
        fn(made_up_kw=1)
    message = str(info.value)
    assert "made_up_kw" in message
    if name.split(".")[-1] not in PYTHON_LEVEL_IN_MXNET:
        assert isinstance(info.value, MXNetError)
        assert message.startswith("Cannot find argument 'made_up_kw', Possible Arguments: ")


def test_the_issue_examples_raise_and_list_the_valid_names():
    x = nd.array([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(MXNetError, match=r"Cannot find argument 'axsi'.*axis, keepdims") as e:
        nd.sum(x, axsi=0)
    assert "in operator sum" in str(e.value)
    with pytest.raises(MXNetError, match=r"Cannot find argument 'axes'.*\baxis\b"):
        nd.softmax(x, axes=0)
    with pytest.raises(MXNetError, match=r"Cannot find argument 'act_typ'.*act_type"):
        nd.Activation(x, act_typ="relu")


def test_valid_keywords_still_work_and_give_the_right_values():
    a = np.array([[1.0, 2.0], [3.0, 5.0]])
    x = nd.array(a)
    np.testing.assert_allclose(
        nd.sum(x, axis=0, keepdims=True, name="s").asnumpy(), a.sum(0, keepdims=True)
    )
    np.testing.assert_allclose(nd.relu(data=x, name="r").asnumpy(), a)
    np.testing.assert_allclose(nd.add(lhs=x, rhs=x).asnumpy(), 2 * a)
    np.testing.assert_allclose(
        nd.concat(x, x, dim=0, num_args=2).asnumpy(), np.concatenate([a, a], 0)
    )
    out = nd.zeros((2, 2))
    nd.ones((2, 2), out=out)
    np.testing.assert_allclose(out.asnumpy(), np.ones((2, 2)))


def test_a_missing_input_is_reported_after_unknown_keywords_as_in_mxnet():
    with pytest.raises(TypeError, match="relu: required argument 'data' is missing"):
        nd.relu()
    with pytest.raises(TypeError, match="add: required argument 'rhs' is missing"):
        nd.add(nd.ones((1,)))


def test_num_args_must_match_the_arrays_given():
    x = nd.ones((2,))
    with pytest.raises(MXNetError, match=r"concat: num_args=3 but 2 array\(s\)"):
        nd.concat(x, x, dim=0, num_args=3)


METHOD_CASES = [
    ("sum", ()),
    ("mean", ()),
    ("max", ()),
    ("argmax", ()),
    ("norm", ()),
    ("relu", ()),
    ("exp", ()),
    ("softmax", ()),
    ("transpose", ()),
    ("expand_dims", (0,)),
    ("clip", (0.0, 1.0)),
    ("reshape", ((3, 2),)),
    ("flatten", ()),
    ("split", (3,)),
    ("zeros_like", ()),
    ("ones_like", ()),
    ("broadcast_to", ((2, 2, 3),)),
]


@pytest.mark.parametrize("method,args", METHOD_CASES, ids=[m for m, _ in METHOD_CASES])
def test_ndarray_methods_refuse_a_made_up_keyword(method, args):
    x = nd.ones((2, 3))
    getattr(x, method)(*args)  # valid call works
    with pytest.raises(MXNetError, match="Cannot find argument 'made_up_kw'"):
        getattr(x, method)(*args, made_up_kw=1)


def test_reduce_methods_write_into_out():
    x = nd.array([[1.0, 2.0], [3.0, 4.0]])
    out = nd.zeros((2,))
    assert x.sum(axis=1, out=out) is out
    np.testing.assert_allclose(out.asnumpy(), [3.0, 7.0])


def test_new_mxnet_keywords():
    a = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    x = nd.array(a)
    # softmax/log_softmax with use_length: entries past length are 0 (MXNet 1.9.1 values)
    y = nd.softmax(x, nd.array([2, 3]), axis=-1, use_length=True).asnumpy()
    e = np.exp(a[0, :2] - a[0, :2].max())
    np.testing.assert_allclose(y[0], list(e / e.sum()) + [0.0], rtol=1e-6)
    np.testing.assert_allclose(y[1], np.exp(a[1]) / np.exp(a[1]).sum(), rtol=1e-6)
    assert nd.softmax(x, dtype="float64").dtype == np.float64
    assert nd.norm(x, out_dtype="float64").dtype == np.float64
    # broadcast_like with axes: lhs axes 0 and 2 take rhs's sizes at axes 1 and 2
    b = nd.broadcast_like(
        nd.ones((1, 2, 1, 3)), nd.ones((5, 6, 7, 8)), lhs_axes=(0, 2), rhs_axes=(1, 2)
    )
    assert b.shape == (6, 2, 7, 3)
    np.testing.assert_allclose(nd.reshape(x, target_shape=(3, 2)).asnumpy(), a.reshape(3, 2))
    parts = [nd.zeros((2, 1)) for _ in range(3)]
    nd.split(x, num_outputs=3, axis=1, out=parts)
    np.testing.assert_allclose(parts[2].asnumpy(), a[:, 2:])
    assert nd.dot(x, x.T, forward_stype="csr").stype == "csr"
    assert nd.zeros((2,), stype="row_sparse").stype == "row_sparse"
    with pytest.raises(MXNetError, match="dot: unknown storage type 'coo'"):
        nd.dot(x, x.T, forward_stype="coo")


# ---- Gluon layer constructors ---------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: nn.Dense(3, **kw),
        lambda **kw: nn.Conv2D(4, 3, **kw),
        lambda **kw: nn.BatchNorm(**kw),
        lambda **kw: nn.Embedding(10, 4, **kw),
        lambda **kw: nn.Dropout(0.5, **kw),
        lambda **kw: nn.MaxPool2D(**kw),
        lambda **kw: rnn.LSTM(8, **kw),
        lambda **kw: gluon.loss.L2Loss(**kw),
    ],
    ids=["Dense", "Conv2D", "BatchNorm", "Embedding", "Dropout", "MaxPool2D", "LSTM", "L2Loss"],
)
def test_layer_constructors_refuse_a_made_up_keyword(make):
    make()  # the valid construction works
    with pytest.raises(TypeError, match="made_up_kw"):
        make(made_up_kw=1)


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: nn.Dense(-3), "Dense: units must be a non-negative integer, got -3"),
        (lambda: nn.Dense(3.5), "Dense: units must be a non-negative integer, got 3.5"),
        (lambda: nn.Dense(3, activation="rleu"), "Dense: activation 'rleu' is not one of relu"),
        (lambda: nn.Activation("rleu"), "Activation: activation 'rleu'"),
        (lambda: nn.Conv2D(-1, 3), "Conv2D: channels must be a positive integer, got -1"),
        (lambda: nn.Dropout(1.5), r"Dropout: rate must be a number in \[0, 1\), got 1.5"),
        (lambda: nn.Embedding(-1, 3), "Embedding: input_dim must be a positive integer"),
        (lambda: rnn.LSTM(0), "LSTM: hidden_size must be a positive integer, got 0"),
        (lambda: rnn.GRU(4, num_layers=0), "GRU: num_layers must be a positive integer"),
    ],
)
def test_layer_constructors_refuse_bad_values_naming_them(make, match):
    with pytest.raises(ValueError, match=match) as info:
        make()
    assert isinstance(info.value, MXNetError)


def test_a_value_error_is_raised_at_the_call_for_operators():
    x = nd.ones((2, 3))
    with pytest.raises(MXNetError, match="Activation: unknown act_type 'rleu'"):
        nd.Activation(x, act_type="rleu")
    with pytest.raises(MXNetError, match="num_hidden must be positive, got -1"):
        nd.FullyConnected(x, nd.ones((4, 3)), nd.ones((4,)), num_hidden=-1)
    with pytest.raises(IndexError, match="sum: axis 5 is out of range"):
        nd.sum(x, axis=5)
    assert mx.nd.sum(x).asscalar() == 6.0
