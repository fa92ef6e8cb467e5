"""Parameter, Constant, ParameterDict (strings recorded from MXNet 1.9.1)."""

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import autograd, gluon, init, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import nn
from gluonlite.gluon.parameter import DeferredInitializationError


# ------------------------------------------------------------------ Parameter basics
def test_parameter_defaults_and_repr():
    p = gluon.Parameter("foo")
    assert repr(p) == "Parameter foo (shape=None, dtype=<class 'numpy.float32'>)"
    assert (p.grad_req, p.lr_mult, p.wd_mult, p.init, p.dtype) == (
        "write",
        1.0,
        1.0,
        None,
        np.float32,
    )
    assert (
        repr(gluon.Parameter("foo", shape=3))
        == "Parameter foo (shape=(3,), dtype=<class 'numpy.float32'>)"
    )
    assert repr(gluon.Parameter("a", dtype="float16")) == "Parameter a (shape=None, dtype=float16)"
    assert (
        repr(gluon.Parameter("a", dtype=np.float64))
        == "Parameter a (shape=None, dtype=<class 'numpy.float64'>)"
    )


def test_deferred_error_class_is_an_mxneterror():
    assert issubclass(DeferredInitializationError, MXNetError)
    assert issubclass(DeferredInitializationError, RuntimeError)
    assert gluon.DeferredInitializationError is DeferredInitializationError


def test_bad_grad_req_message_matches_mxnet():
    with pytest.raises(AssertionError) as info:
        gluon.Parameter("bad", grad_req="foo")
    assert str(info.value) == "grad_req must be one of 'write', 'add', or 'null', but got 'foo'"


@pytest.mark.parametrize("shape, text", [(None, "None"), ((2, 0), "(2, 0)")])
def test_initialize_without_a_known_shape_raises_like_mxnet(shape, text):
    with pytest.raises(ValueError) as info:
        gluon.Parameter("w4", shape=shape).initialize()
    assert (
        str(info.value)
        == "Cannot initialize Parameter 'w4' because it has invalid shape: %s." % text
    )


def test_initialize_gives_data_and_zero_grad():
    p = gluon.Parameter("foo", shape=(3,))
    p.initialize()
    values = p.data().asnumpy()
    assert values.shape == (3,) and np.abs(values).max() <= 0.07
    assert (p.grad().asnumpy() == 0).all()
    assert p.list_ctx() == [mx.cpu(0)]
    assert len(p.list_data()) == 1 and len(p.list_grad()) == 1


def test_second_initialize_warns_with_mxnet_text():
    p = gluon.Parameter("twice", shape=(2,))
    p.initialize(init=init.One())
    with pytest.warns(UserWarning) as record:
        p.initialize(init=init.Zero())
    assert [str(r.message) for r in record] == [
        "Parameter 'twice' is already initialized, ignoring. Set force_reinit=True to "
        "re-initialize."
    ]
    assert (p.data().asnumpy() == 1).all()


def test_force_reinit_redraws_values():
    p = gluon.Parameter("redraw", shape=(50,))
    p.initialize()
    first = p.data().asnumpy().copy()
    p.initialize(force_reinit=True)
    assert not (p.data().asnumpy() == first).all()
    p.initialize(init="ones", force_reinit=True)
    assert (p.data().asnumpy() == 1).all()


def test_uninitialized_access_message_matches_mxnet():
    p = gluon.Parameter("never", shape=(2,))
    message = (
        "Parameter 'never' has not been initialized. Note that you should initialize "
        "parameters and create Trainer with Block.collect_params() instead of "
        "Block.params because the later does not include Parameters of nested child "
        "Blocks"
    )
    for access in (p.data, p.grad, p.list_data):
        with pytest.raises(RuntimeError) as info:
            access()
        assert str(info.value) == message
    with pytest.raises(RuntimeError) as info:
        p.list_ctx()
    assert str(info.value) == "Parameter 'never' has not been initialized"


def test_grad_req_null_message_matches_mxnet():
    p = gluon.Parameter("w3", shape=(2, 2), grad_req="null")
    p.initialize()
    for access in (p.grad, p.list_grad):
        with pytest.raises(RuntimeError) as info:
            access()
        assert (
            str(info.value)
            == "Cannot get gradient array for Parameter 'w3' because grad_req='null'"
        )
    p.grad_req = "write"
    assert (p.grad().asnumpy() == 0).all()
    p.grad_req = "null"
    with pytest.raises(RuntimeError):
        p.grad()


def test_not_differentiable_forces_null():
    p = gluon.Parameter("nd", shape=(2,), differentiable=False)
    assert p.grad_req == "null"
    p.grad_req = "write"
    assert p.grad_req == "null"


# ------------------------------------------------------------------ set_data
def test_set_data_copies_values_and_accepts_numpy():
    p = gluon.Parameter("s", shape=(3,))
    p.initialize()
    p.set_data(nd.ones((3,)))
    assert (p.data().asnumpy() == 1).all()
    p.set_data(np.arange(3))
    assert list(p.data().asnumpy()) == [0, 1, 2]


def test_set_data_wrong_shape_says_expected_then_given():
    p = gluon.Parameter("w", shape=(2, 2))
    p.initialize()
    with pytest.raises(AssertionError) as info:
        p.set_data(nd.ones((3, 3)))
    # MXNet: "Expected shape (3, 3) is incompatible with given shape (2, 2)." (reversed)
    assert str(info.value) == (
        "Parameter 'w' has shape (2, 2); set_data got an array of "
        "shape (3, 3), which is incompatible."
    )


def test_set_data_on_uninitialized_parameter_matches_mxnet():
    p = gluon.Parameter("u", shape=(2,))
    with pytest.raises(AssertionError) as info:
        p.set_data(nd.ones((2,)))
    assert str(info.value) == "Parameter 'u' has not been initialized"


def test_shape_setter_fills_unknown_dims_only():
    p = gluon.Parameter("w7", shape=(2, 0))
    p.shape = (2, 5)
    assert p.shape == (2, 5)
    for bad in [(0, 5), (2, 4), (2,)]:
        with pytest.raises(AssertionError) as info:
            p.shape = bad
        assert "Parameter 'w7'" in str(info.value) and str(bad) in str(info.value)
    assert p.shape == (2, 5)


# ------------------------------------------------------------------ deferred
def test_deferred_parameter_error_names_parameter_block_and_dimension():
    net = nn.Dense(4)
    net.initialize()
    with pytest.raises(DeferredInitializationError) as info:
        net.weight.data()
    text = str(info.value)
    assert text.startswith(
        "Parameter '%s_weight' of block '%s' (Dense(None -> 4, linear)) "
        "has not been initialized yet because initialization was deferred" % (net.name, net.name)
    )
    assert "dimension 1 (in_units)" in text
    assert "in_units=..." in text and "first forward pass" in text
    for access in (net.weight.grad, net.weight.list_data, net.weight.list_grad):
        with pytest.raises(DeferredInitializationError):
            access()
    assert net.weight.list_ctx() == [mx.cpu()]


def test_deferred_standalone_parameter():
    p = gluon.Parameter("w5", shape=(2, 0), allow_deferred_init=True)
    p.initialize()
    with pytest.raises(
        DeferredInitializationError,
        match="Parameter 'w5' has not been initialized yet because initialization was deferred",
    ):
        p.data()
    with pytest.raises(
        AssertionError,
        match=r"Cannot initialize Parameter 'w5' because it "
        r"has invalid shape: \(2, 0\)",
    ):
        p._finish_deferred_init()
    p.shape = (2, 3)  # the failed attempt above kept the deferred record
    p._finish_deferred_init()
    assert p.data().shape == (2, 3)


def test_set_data_on_deferred_parameter_becomes_its_value():
    net = nn.Dense(2)
    net.initialize()
    net.weight.set_data(nd.ones((2, 3)))
    assert repr(net.weight) == "Parameter %s_weight (shape=(2, 3), dtype=float32)" % net.name
    with pytest.raises(DeferredInitializationError, match="set_data"):
        net.weight.data()
    net(nd.ones((1, 3)))
    assert (net.weight.data().asnumpy() == 1).all()


def test_repeated_initialize_on_deferred_net_warns_only_for_known_shapes():
    net = nn.Dense(3)
    net.initialize()
    with pytest.warns(UserWarning) as record:
        net.initialize()
    assert [str(r.message) for r in record] == [
        "Parameter '%s_bias' is already initialized, ignoring. Set force_reinit=True to "
        "re-initialize." % net.name
    ]


def test_force_reinit_on_deferred_net_stays_deferred():
    net = nn.Dense(2)
    net.initialize()
    net.initialize(force_reinit=True)
    with pytest.raises(DeferredInitializationError):
        net.weight.data()


# ------------------------------------------------------------------ contexts
def test_several_contexts_hold_identical_copies():
    p = gluon.Parameter("cx", shape=(2,))
    p.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
    assert p.list_ctx() == [mx.cpu(0), mx.cpu(1)]
    first, second = p.list_data()
    assert (first.asnumpy() == second.asnumpy()).all()
    assert p.data(mx.cpu(1)).context == mx.cpu(1)
    assert p.data().context == mx.cpu(0)  # the current context's copy
    with pytest.raises(RuntimeError) as info:
        p.data(mx.cpu(2))
    assert str(info.value).startswith(
        "Parameter 'cx' was not initialized on context cpu(2). It was only initialized on "
        "[cpu(0), cpu(1)]."
    )
    assert "reset_ctx" in str(info.value)


def test_reset_ctx_moves_the_value():
    p = gluon.Parameter("rc", shape=(2,))
    p.initialize()
    before = p.data().asnumpy()
    p.reset_ctx(mx.cpu(3))
    assert p.list_ctx() == [mx.cpu(3)]
    assert p.data().context == mx.cpu(3)
    assert (p.data().asnumpy() == before).all()
    with pytest.raises(ValueError) as info:
        gluon.Parameter("w6", shape=(2,)).reset_ctx(mx.cpu(1))
    assert str(info.value) == (
        "Cannot reset context for Parameter 'w6' because it has not been initialized."
    )


def test_reset_ctx_on_deferred_parameter_changes_the_target():
    net = nn.Dense(2)
    net.initialize()
    net.collect_params().reset_ctx(mx.cpu(1))
    assert net.weight.list_ctx() == [mx.cpu(1)]
    net(nd.ones((1, 3), ctx=mx.cpu(1)))
    assert net.weight.data().context == mx.cpu(1)


# ------------------------------------------------------------------ grads, cast
def test_zero_grad_clears_gradients():
    p = gluon.Parameter("zg", shape=(3,))
    p.initialize()
    with autograd.record():
        y = (p.data() * 2).sum()
    y.backward()
    assert (p.grad().asnumpy() == 2).all()
    p.zero_grad()
    assert (p.grad().asnumpy() == 0).all()


def test_grad_req_add_accumulates():
    p = gluon.Parameter("acc", shape=(2,), grad_req="add")
    p.initialize(init="ones")
    for _ in range(2):
        with autograd.record():
            y = (p.data() * 3).sum()
        y.backward()
    assert (p.grad().asnumpy() == 6).all()


def test_cast_changes_data_and_grad_dtype():
    p = gluon.Parameter("c16", shape=(2,))
    p.initialize(init="ones")
    p.cast("float16")
    assert p.data().dtype == np.float16 and p.grad().dtype == np.float16
    assert repr(p) == "Parameter c16 (shape=(2,), dtype=float16)"
    assert (p.data().asnumpy() == 1).all()


# ------------------------------------------------------------------ Constant
def test_constant_repr_value_and_grad_req():
    c = gluon.Constant("cc", nd.array([1, 2, 3]))
    assert repr(c) == "Constant cc (shape=(3,), dtype=<class 'numpy.float32'>)"
    assert c.grad_req == "null"
    assert str(c.init).startswith("Constant_cc_")
    with pytest.warns(UserWarning) as record:
        c.grad_req = "write"
    assert str(record[0].message) == (
        'Constant parameter "cc" does not support grad_req other '
        'than "null", and new value "write" is ignored.'
    )
    assert c.grad_req == "null"
    c.initialize()
    assert list(c.data().asnumpy()) == [1, 2, 3]


def test_constant_from_nested_list():
    c = gluon.Constant("cc2", [[1, 2], [3, 4]])
    assert repr(c) == "Constant cc2 (shape=(2, 2), dtype=<class 'numpy.float32'>)"
    c.initialize()
    assert (c.data().asnumpy() == [[1, 2], [3, 4]]).all()


# ------------------------------------------------------------------ ParameterDict
def test_parameterdict_repr_matches_mxnet():
    pd = gluon.ParameterDict("pre_")
    pd.get("w", shape=(2, 3))
    pd.get_constant("c", nd.array([1, 2, 3]))
    assert repr(pd) == (
        "pre_ (\n"
        "  Parameter pre_w (shape=(2, 3), dtype=<class 'numpy.float32'>)\n"
        "  Constant pre_c (shape=(3,), dtype=<class 'numpy.float32'>)\n"
        ")"
    )
    assert repr(gluon.ParameterDict()) == "(\n\n)"
    assert list(pd) == ["pre_w", "pre_c"] and list(pd.keys()) == ["pre_w", "pre_c"]
    assert "pre_w" in pd and pd.prefix == "pre_"


def test_get_returns_the_same_parameter_and_merges_unknown_dims():
    pd = gluon.ParameterDict("pre_")
    w = pd.get("w", shape=(2, 0))
    w2 = pd.get("w", shape=(0, 3))
    assert w is w2 and w.shape == (2, 3)
    assert pd.get("w", dtype=np.float32) is w
    assert pd.get("w", init="zeros").init == "zeros"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"shape": (2,)}, "attribute 'shape': desired '(2,)' vs stored '(2, 3)'."),
        (
            {"dtype": "float64"},
            "attribute 'dtype': desired 'float64' vs stored '<class 'numpy.float32'>'.",
        ),
        ({"lr_mult": 2.0}, "attribute 'lr_mult': desired '2.0' vs stored '1.0'."),
        ({"init": "ones"}, "attribute 'init': desired 'ones' vs stored 'zeros'."),
    ],
)
def test_get_conflict_messages_match_mxnet(kwargs, message):
    pd = gluon.ParameterDict("pre_")
    pd.get("w", shape=(2, 3), init="zeros")
    with pytest.raises(AssertionError) as info:
        pd.get("w", **kwargs)
    assert str(info.value) == (
        "Cannot retrieve Parameter 'pre_w' because desired attribute "
        "does not match with stored for " + message
    )


def test_get_unknown_keyword_raises_typeerror():
    with pytest.raises(TypeError, match="foo"):
        gluon.ParameterDict("p_").get("newp", foo=1)


def test_get_constant_errors_match_mxnet():
    pd = gluon.ParameterDict("pre_")
    pd.get("w", shape=(2,))
    with pytest.raises(KeyError) as info:
        pd.get_constant("nc")
    assert info.value.args[0] == (
        "No constant named 'pre_nc'. Please specify value if you want to create a new constant."
    )
    c = pd.get_constant("c", nd.array([1, 2, 3]))
    assert pd.get_constant("c") is c
    assert pd.get_constant("c", nd.array([1, 2, 3])) is c
    assert pd.get_constant("c", [1, 2, 3]) is c
    with pytest.raises(AssertionError) as info:
        pd.get_constant("c", nd.array([1, 2, 4]))
    assert (
        str(info.value) == "Constant 'pre_c' already exists but it's value doesn't match new value"
    )
    with pytest.raises(AssertionError) as info:
        pd.get_constant("w", nd.array([1, 2]))
    assert str(info.value) == "Parameter 'pre_w' already exists but it is not a constant."


def test_shared_dict_lookups():
    base = gluon.ParameterDict("pre_")
    w = base.get("w", shape=(2,))
    view = gluon.ParameterDict("pre_", shared=base)
    assert view.get("w") is w
    other = gluon.ParameterDict("s_", shared=base)
    assert other.get("w") is not w


def test_update_conflict_message_matches_mxnet():
    pd = gluon.ParameterDict("pre_")
    pd.get("w")
    other = gluon.ParameterDict("x_")
    other._params["pre_w"] = gluon.Parameter("pre_w")
    with pytest.raises(AssertionError) as info:
        pd.update(other)
    assert str(info.value) == (
        "Cannot update self with other because they have different "
        "Parameters with the same name 'pre_w'"
    )


def test_setattr_sets_on_every_parameter():
    net = nn.Sequential()
    net.add(nn.Dense(3), nn.Dense(4))
    params = net.collect_params()
    params.setattr("grad_req", "add")
    params.setattr("lr_mult", 2.0)
    assert all(p.grad_req == "add" and p.lr_mult == 2.0 for p in params.values())


def test_dict_zero_grad_and_list_ctx():
    net = nn.Dense(2, in_units=2)
    net.initialize()
    with autograd.record():
        y = net(nd.ones((1, 2))).sum()
    y.backward()
    assert (net.bias.grad().asnumpy() == 1).all()
    net.collect_params().zero_grad()
    assert (net.bias.grad().asnumpy() == 0).all()
    assert net.collect_params().list_ctx() == [mx.cpu(0)]


# ------------------------------------------------------------------ init precedence
def test_block_level_init_does_not_touch_dense_bias():
    net = nn.Dense(3, in_units=2)
    net.initialize(init.One())
    assert (net.weight.data().asnumpy() == 1).all()
    assert (net.bias.data().asnumpy() == 0).all()


def test_dict_level_init_overridden_everywhere_warns():
    net = nn.Dense(3, in_units=2)
    net.initialize(init.One())
    with pytest.warns(UserWarning) as record:
        net.collect_params(".*bias").initialize(init.Constant(5), force_reinit=True)
    assert (net.bias.data().asnumpy() == 0).all()  # MXNet semantics kept
    text = str(record[0].message)
    assert "did not apply to any parameter" in text
    assert "%s_bias (init='zeros'" % net.name in text
    assert "force_reinit=True" in text


def test_parameter_initialize_init_wins_then_own_init():
    net = nn.Dense(3, in_units=2)
    net.initialize()
    net.bias.initialize(init=init.Constant(7), force_reinit=True)
    assert (net.bias.data().asnumpy() == 7).all()
    net.bias.init = init.Constant(9)
    net.initialize(force_reinit=True)
    assert (net.bias.data().asnumpy() == 9).all()
    p = gluon.Parameter("z", shape=(2, 2))
    p.initialize(init=init.Constant(3), default_init=init.One())
    assert (p.data().asnumpy() == 3).all()


def test_params_get_init_string_is_used():
    pd = gluon.ParameterDict("t_")
    q = pd.get("q", shape=(2,), init="ones")
    pd.initialize()
    assert (q.data().asnumpy() == 1).all()


# ------------------------------------------------------------------ initialization state
class _StateProbe(init.Initializer):
    """Fills 2s and records autograd's flags while it runs."""

    def __init__(self, seen):
        super().__init__()
        self._seen = seen

    def _init_weight(self, name, arr):
        self._seen.append((str(name), autograd.is_recording(), autograd.is_training()))
        arr[:] = 2


@pytest.mark.parametrize("scope", ["record", "train_mode", "none"])
def test_initialization_runs_outside_recording_and_training(scope):
    # a deferred initialization runs inside the first forward, often under record():
    # the fill must not be recorded, and training-mode flags must be off as in MXNet
    seen = []
    net = nn.Dense(3, weight_initializer=_StateProbe(seen))
    net.initialize()
    x = nd.array([[1.0, 2.0]])
    with {"record": autograd.record, "train_mode": autograd.train_mode, "none": autograd.pause}[
        scope
    ]():
        y = net(x)
        assert autograd.is_recording() is (scope == "record")
        assert autograd.is_training() is (scope in ("record", "train_mode"))
    assert [flags for _, *flags in seen] == [[False, False]]
    assert seen[0][0] == net.weight.name
    np.testing.assert_array_equal(y.asnumpy(), [[6.0, 6.0, 6.0]])
    if scope == "record":
        y.backward()
        np.testing.assert_array_equal(net.weight.grad().asnumpy(), [[1.0, 2.0]] * 3)


@pytest.mark.parametrize("grad_req", ["write", "add", "null"])
def test_initialized_parameter_gets_a_zero_gradient_of_its_grad_req(grad_req):
    p = gluon.Parameter("w", shape=(2, 3), grad_req=grad_req)
    p.initialize(init=init.One())
    np.testing.assert_array_equal(p.data().asnumpy(), np.ones((2, 3)))
    if grad_req == "null":
        with pytest.raises(RuntimeError, match="'w'.*grad_req='null'|grad_req='null'.*'w'"):
            p.grad()
        return
    np.testing.assert_array_equal(p.grad().asnumpy(), np.zeros((2, 3)))
    x = p.data()
    for _ in range(2):
        with autograd.record():
            (x * 3).sum().backward()
    expected = 6.0 if grad_req == "add" else 3.0
    np.testing.assert_array_equal(p.grad().asnumpy(), np.full((2, 3), expected))
