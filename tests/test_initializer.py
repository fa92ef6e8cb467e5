"""Initializers: registry, dispatch, exact values and statistics.

Strings recorded from MXNet 1.9.1."""

import importlib
import warnings

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import gluon, init, nd
from gluonlite.gluon import nn


def _fill(initializer, shape, name="x_weight"):
    arr = nd.zeros(shape)
    initializer(init.InitDesc(name), arr)
    return arr.asnumpy()


# ------------------------------------------------------------------ module layout
def test_init_and_initializer_are_one_module():
    assert mx.init is mx.initializer
    assert importlib.import_module("gluonlite.init") is mx.initializer
    from gluonlite import init as init_alias

    assert init_alias is mx.initializer


def test_dir_lists_the_initializers():
    names = dir(init)
    for name in [
        "Bilinear",
        "Constant",
        "InitDesc",
        "Initializer",
        "LSTMBias",
        "Load",
        "MSRAPrelu",
        "Mixed",
        "Normal",
        "One",
        "Orthogonal",
        "Uniform",
        "Xavier",
        "Zero",
        "register",
        "create",
        "alias",
    ]:
        assert name in names


# ------------------------------------------------------------------ dumps / create
@pytest.mark.parametrize(
    "initializer, text",
    [
        (lambda: init.Uniform(), '["uniform", {"scale": 0.07}]'),
        (lambda: init.Normal(), '["normal", {"sigma": 0.01}]'),
        (lambda: init.Constant(2), '["constant", {"value": 2}]'),
        (lambda: init.Constant(nd.array([1, 2])), '["constant", {"value": [1.0, 2.0]}]'),
        (lambda: init.Constant(np.array([1.0, 2.0])), '["constant", {"value": [1.0, 2.0]}]'),
        (
            lambda: init.Xavier(),
            '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}]',
        ),
        (lambda: init.MSRAPrelu(), '["msraprelu", {"factor_type": "avg", "slope": 0.25}]'),
        (lambda: init.Orthogonal(), '["orthogonal", {"scale": 1.414, "rand_type": "uniform"}]'),
        (lambda: init.Bilinear(), '["bilinear", {}]'),
        (lambda: init.LSTMBias(), '["lstmbias", {"forget_bias": 1.0}]'),
        (lambda: init.Zero(), '["zero", {}]'),
        (lambda: init.One(), '["one", {}]'),
        (lambda: init.Initializer(), '["initializer", {}]'),
    ],
)
def test_dumps_matches_mxnet(initializer, text):
    assert initializer().dumps() == text


def test_attributes_match_mxnet():
    assert (init.Xavier().rnd_type, init.Xavier().factor_type, init.Xavier().magnitude) == (
        "uniform",
        "avg",
        3.0,
    )
    assert init.MSRAPrelu().magnitude == pytest.approx(1.8823529411764706)
    assert init.MSRAPrelu().rnd_type == "gaussian"
    assert (init.Uniform().scale, init.Normal().sigma, init.Constant(3).value) == (0.07, 0.01, 3)
    assert (init.Orthogonal().scale, init.Orthogonal().rand_type) == (1.414, "uniform")
    assert init.LSTMBias().forget_bias == 1.0


@pytest.mark.parametrize(
    "name, cls",
    [
        ("zeros", "Zero"),
        ("zero", "Zero"),
        ("Zero", "Zero"),
        ("ones", "One"),
        ("one", "One"),
        ("uniform", "Uniform"),
        ("normal", "Normal"),
        ("xavier", "Xavier"),
        ("msraprelu", "MSRAPrelu"),
        ("orthogonal", "Orthogonal"),
        ("bilinear", "Bilinear"),
        ("lstmbias", "LSTMBias"),
    ],
)
def test_create_by_alias(name, cls):
    assert type(init.create(name)).__name__ == cls


def test_create_with_arguments_json_and_instances():
    assert init.create("constant", 4).value == 4
    assert init.create("xavier", magnitude=2).magnitude == 2.0
    assert init.create('["uniform", {"scale": 0.5}]').scale == 0.5
    u = init.Uniform()
    assert init.create(u) is u


@pytest.mark.parametrize(
    "args, message",
    [
        (("nope",), "nope is not registered. Please register with initializer.register first"),
        ((3,), "initializer must be of string type"),
        (
            (init.Uniform(), 1),
            "initializer is already an instance. Additional arguments are invalid",
        ),
    ],
)
def test_create_errors_match_mxnet(args, message):
    with pytest.raises(AssertionError) as info:
        init.create(*args)
    assert str(info.value) == message


def test_register_makes_a_custom_initializer_creatable_by_name():
    @init.register
    class FortyTwoTest(init.Initializer):
        def _init_weight(self, name, arr):
            arr[:] = 42

    created = init.create("fortytwotest")
    assert isinstance(created, FortyTwoTest)
    assert (_fill(created, (2, 2)) == 42).all()
    assert created.dumps() == '["fortytwotest", {}]'


def test_register_twice_warns_like_mxnet():
    @init.register
    class TwiceRegistered(init.Initializer):
        pass

    first = TwiceRegistered
    with pytest.warns(UserWarning) as record:

        @init.register
        class TwiceRegistered(init.Initializer):  # noqa: F811
            pass

    text = str(record[0].message)
    assert text == (
        "\033[91mNew initializer %s.TwiceRegistered registered with name "
        "twiceregistered isoverriding existing initializer %s.TwiceRegistered\033[0m"
        % (__name__, first.__module__)
    )


def test_register_rejects_non_initializers():
    with pytest.raises(AssertionError, match="Can only register subclass of Initializer"):
        init.register(int)


def test_alias_registers_extra_names():
    @init.alias("aliastest2", "AliasTest3")
    class AliasTest(init.Initializer):
        pass

    assert isinstance(init.create("aliastest2"), AliasTest)
    assert isinstance(init.create("aliastest3"), AliasTest)


def test_equality_compares_class_and_arguments():
    assert init.Uniform(0.07) == init.Uniform()
    assert not init.Uniform(0.1) == init.Uniform()
    assert not init.Uniform() == init.Normal()
    with pytest.raises(TypeError):
        hash(init.Uniform())


def test_set_verbosity_returns_self():
    u = init.Uniform()
    assert u.set_verbosity(True) is u and u._verbose


# ------------------------------------------------------------------ InitDesc and dispatch
def test_initdesc_is_a_str_with_attrs():
    desc = init.InitDesc("abc", {"k": 1})
    assert isinstance(desc, str) and desc == "abc"
    assert desc.attrs == {"k": 1} and desc.global_init is None
    assert init.InitDesc("abc").attrs == {}


class _Recorder(init.Initializer):
    def __init__(self):
        super().__init__()
        self.calls = []

    def _init_weight(self, name, arr):
        self.calls.append(("weight", str(name)))

    def _init_bias(self, name, arr):
        self.calls.append(("bias", str(name)))

    def _init_gamma(self, name, arr):
        self.calls.append(("gamma", str(name)))

    def _init_beta(self, name, arr):
        self.calls.append(("beta", str(name)))

    def _init_zero(self, name, arr):
        self.calls.append(("zero", str(name)))

    def _init_one(self, name, arr):
        self.calls.append(("one", str(name)))

    def _init_default(self, name, arr):
        self.calls.append(("default", str(name)))


@pytest.mark.parametrize(
    "name, method",
    [
        ("fc_weight", "weight"),
        ("fc_bias", "bias"),
        ("bn_gamma", "gamma"),
        ("bn_beta", "beta"),
        ("x_min", "zero"),
        ("x_max", "one"),
        ("bn_moving_mean", "default"),
        ("bn_moving_var", "default"),
        ("foo", "default"),
        ("upsampling_weight", "weight"),
        ("stateweight", "weight"),
    ],
)
def test_direct_call_dispatches_on_the_name_suffix(name, method):
    rec = _Recorder()
    rec(init.InitDesc(name), nd.zeros((2, 2)))
    assert rec.calls == [(method, name)]


@pytest.mark.parametrize(
    "name, method",
    [
        ("fc_bias", "bias"),
        ("bn_moving_mean", "zero"),
        ("bn_moving_var", "one"),
        ("foo", "default"),
        ("a_moving_inv_var", "zero"),
        ("a_moving_avg", "zero"),
    ],
)
def test_legacy_str_call_warns_and_dispatches(name, method):
    rec = _Recorder()
    with pytest.warns(DeprecationWarning) as record:
        rec(name, nd.zeros((2, 2)))
    assert str(record[0].message) == (
        "\033[91mCalling initializer with init(str, NDArray) has been deprecated.please use "
        "init(mx.init.InitDesc(...), NDArray) instead.\033[0m"
    )
    assert rec.calls == [(method, name)]


def test_base_initializer_must_be_overridden():
    with pytest.raises(NotImplementedError, match="Must override it"):
        init.Initializer()(init.InitDesc("fc_weight"), nd.zeros(2))


def test_unknown_pattern_message_matches_mxnet():
    with pytest.raises(ValueError) as info:
        init.Initializer()(init.InitDesc("fc_foo"), nd.zeros(2))
    assert str(info.value) == (
        "Unknown initialization pattern for fc_foo. Default initialization is now limited to "
        '"weight", "bias", "gamma" (1.0), and "beta" (0.0).Please use '
        "mx.sym.Variable(init=mx.init.*) to set initialization pattern"
    )


def test_direct_call_on_a_bias_uses_init_bias_zeros():
    # MXNet: One()/Constant()/Uniform() called directly on '*_bias' fill 0
    for initializer in (init.One(), init.Constant(2), init.Uniform()):
        assert (_fill(initializer, (2, 3), "v_bias") == 0).all()


def test_gluon_always_calls_init_weight_even_for_biases():
    rec = _Recorder()
    p = gluon.Parameter("foo_bias", shape=(2,))
    p.initialize(init=rec)
    assert rec.calls == [("weight", "foo_bias")]


def test_gluon_passes_an_initdesc_with_the_chosen_init():
    seen = []

    class Spy(init.Initializer):
        def _init_weight(self, name, arr):
            seen.append((type(name).__name__, str(name), name.attrs.get("__init__") is self))
            arr[:] = 1

    spy = Spy()
    p = gluon.Parameter("foo_bias", shape=(2,))
    p.initialize(init=spy)
    assert seen == [("InitDesc", "foo_bias", True)]
    assert (p.data().asnumpy() == 1).all()


# ------------------------------------------------------------------ values
def test_zero_one_constant_exact():
    assert (_fill(init.Zero(), (2, 3)) == 0).all()
    assert (_fill(init.One(), (2, 3)) == 1).all()
    assert (_fill(init.Constant(2.5), (2, 3)) == 2.5).all()
    value = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)
    assert (_fill(init.Constant(nd.array(value)), (2, 3)) == value).all()
    assert (_fill(init.Constant(value), (2, 3)) == value).all()
    assert (_fill(init.Constant([[1, 2, 3], [4, 5, 6]]), (2, 3)) == value).all()


def test_uniform_stays_within_bounds_with_the_right_spread():
    mx.random.seed(1)
    values = _fill(init.Uniform(0.5), (500, 400))
    assert values.min() >= -0.5 and values.max() <= 0.5
    assert values.min() < -0.49 and values.max() > 0.49
    assert abs(values.mean()) < 0.005
    assert values.std() == pytest.approx(0.5 / np.sqrt(3), rel=0.01)


def test_default_uniform_scale_is_0_07():
    values = _fill(init.Uniform(), (300, 300))
    assert np.abs(values).max() <= 0.07 and np.abs(values).max() > 0.069


def test_normal_statistics():
    mx.random.seed(2)
    values = _fill(init.Normal(0.2), (500, 400))
    assert abs(values.mean()) < 0.002
    assert values.std() == pytest.approx(0.2, rel=0.01)
    assert np.abs(values).max() > 0.6  # untruncated: beyond 3 sigma occurs


def test_xavier_uniform_bound_is_sqrt_of_magnitude_over_avg_fan():
    values = _fill(init.Xavier(), (64, 32))  # fans 32 and 64, avg 48 -> sqrt(3/48)
    assert np.abs(values).max() <= 0.25 and np.abs(values).max() > 0.245


@pytest.mark.parametrize(
    "factor_type, factor", [("avg", (36 + 400 * 9) / 2), ("in", 36.0), ("out", 400 * 9.0)]
)
def test_xavier_gaussian_std_uses_receptive_field(factor_type, factor):
    # shape (400, 4, 3, 3): fan_in = 4*9, fan_out = 400*9
    mx.random.seed(3)
    values = _fill(init.Xavier("gaussian", factor_type, 2), (400, 4, 3, 3))
    assert values.std() == pytest.approx(np.sqrt(2 / factor), rel=0.02)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "Xavier initializer cannot be applied to vector v_weight. It requires at least 2D."),
    ],
)
def test_xavier_rejects_vectors(kwargs, message):
    with pytest.raises(ValueError) as info:
        _fill(init.Xavier(**kwargs), (3,), "v_weight")
    assert str(info.value) == message


def test_xavier_rejects_bad_types():
    with pytest.raises(ValueError, match="Incorrect factor type"):
        _fill(init.Xavier(factor_type="bad"), (3, 3))
    with pytest.raises(ValueError, match="Unknown random type"):
        _fill(init.Xavier(rnd_type="bad"), (3, 3))


def test_msraprelu_is_gaussian_with_he_magnitude():
    mx.random.seed(4)
    values = _fill(init.MSRAPrelu("in", 0), (300, 400))  # He-normal: std sqrt(2/fan_in)
    assert values.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    values = _fill(init.MSRAPrelu(), (300, 500))
    assert values.std() == pytest.approx(np.sqrt(1.8823529411764706 / 400), rel=0.02)


@pytest.mark.parametrize("shape", [(4, 6), (6, 4), (5, 5), (4, 2, 3)])
@pytest.mark.parametrize("rand_type", ["uniform", "normal"])
def test_orthogonal_gives_scaled_orthonormal_rows_or_columns(shape, rand_type):
    w = _fill(init.Orthogonal(rand_type=rand_type), shape).astype(np.float64)
    w = w.reshape(shape[0], -1)
    gram = w @ w.T if w.shape[0] <= w.shape[1] else w.T @ w
    assert np.allclose(gram, 1.414**2 * np.eye(gram.shape[0]), atol=1e-5)


def test_orthogonal_is_reproducible_with_the_seed():
    mx.random.seed(7)
    a = _fill(init.Orthogonal(), (3, 5))
    mx.random.seed(7)
    b = _fill(init.Orthogonal(), (3, 5))
    assert (a == b).all()


def test_bilinear_kernel_matches_mxnet_exactly():
    kernel = _fill(init.Bilinear(), (1, 1, 4, 4))
    row = np.array([0.25, 0.75, 0.75, 0.25])  # the 1-D tent of width 4
    expected = np.array(
        [
            [0.0625, 0.1875, 0.1875, 0.0625],
            [0.1875, 0.5625, 0.5625, 0.1875],
            [0.1875, 0.5625, 0.5625, 0.1875],
            [0.0625, 0.1875, 0.1875, 0.0625],
        ],
        dtype=np.float32,
    )
    assert (kernel[0, 0] == expected).all()
    assert (kernel[0, 0] == np.outer(row, row).astype(np.float32)).all()
    many = _fill(init.Bilinear(), (2, 3, 3, 3))
    assert (many[1, 2] == many[0, 0]).all()
    # recorded from MXNet 1.9.1 (odd and non-square kernels)
    assert many[0, 0].tolist() == [
        [0.0625, 0.1875, 0.1875],
        [0.1875, 0.5625, 0.5625],
        [0.1875, 0.5625, 0.5625],
    ]
    wide = _fill(init.Bilinear(), (1, 1, 2, 5))
    assert wide[0, 0].tolist() == [
        [
            0.1111111119389534,
            0.2222222238779068,
            0.3333333432674408,
            0.2222222238779068,
            0.1111111119389534,
        ],
        [
            0.2222222238779068,
            0.4444444477558136,
            0.6666666865348816,
            0.4444444477558136,
            0.2222222238779068,
        ],
    ]


def test_bilinear_on_a_matrix_names_the_parameter():
    with pytest.raises(ValueError) as info:
        _fill(init.Bilinear(), (3, 3), "v_weight")
    assert isinstance(info.value, IndexError)  # MXNet raised IndexError here
    assert "'v_weight'" in str(info.value) and "(3, 3)" in str(info.value)
    assert "4-D" in str(info.value)


def test_lstmbias_sets_the_forget_gate_quarter():
    assert list(_fill(init.LSTMBias(), (12,))) == [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    assert list(_fill(init.LSTMBias(2.5), (8,))) == [0, 0, 2.5, 2.5, 0, 0, 0, 0]


def test_random_initializers_follow_the_seed():
    mx.random.seed(11)
    a = _fill(init.Xavier(), (5, 7))
    mx.random.seed(11)
    b = _fill(init.Xavier(), (5, 7))
    assert (a == b).all()


# ------------------------------------------------------------------ Mixed
def test_mixed_direct_call_uses_the_first_matching_pattern():
    mixed = init.Mixed([".*bias", ".*"], [init.Constant(5), init.One()])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        arr = nd.zeros((2,))
        mixed(init.InitDesc("x_gamma"), arr)
        assert (arr.asnumpy() == 1).all()


def test_mixed_without_a_match_names_the_parameter():
    with pytest.raises(ValueError) as info:
        init.Mixed([".*bias"], [init.One()])(init.InitDesc("x_weight"), nd.zeros((2,)))
    assert "'x_weight'" in str(info.value) and "'.*'" in str(info.value)


def test_mixed_needs_one_initializer_per_pattern():
    with pytest.raises(AssertionError):
        init.Mixed([".*bias"], [init.One(), init.One()])


def test_mixed_works_in_block_initialize_and_reaches_dense_biases():
    net = nn.Dense(3, in_units=2)
    net.initialize(init.Mixed([".*bias", ".*"], [init.Constant(5), init.One()]))
    assert (net.weight.data().asnumpy() == 1).all()
    assert (net.bias.data().asnumpy() == 5).all()


def test_mixed_in_initialize_leaves_unmatched_params_their_own_init():
    net = nn.Dense(3, in_units=2)
    net.initialize(init.Mixed([".*weight"], [init.Constant(3)]))
    assert (net.weight.data().asnumpy() == 3).all()
    assert (net.bias.data().asnumpy() == 0).all()  # Dense's own 'zeros'


def test_mixed_in_initialize_without_match_or_own_init_raises_naming_it():
    p = gluon.Parameter("lonely_w", shape=(2,))
    with pytest.raises(ValueError, match="'lonely_w'"):
        p.initialize(init=init.Mixed([".*bias"], [init.One()]))


def test_mixed_accepts_initializer_names():
    net = nn.Dense(2, in_units=2)
    net.initialize(init.Mixed([".*weight", ".*"], ["ones", "zeros"]))
    assert (net.weight.data().asnumpy() == 1).all()


# ------------------------------------------------------------------ Load
def test_load_direct_call_strips_arg_and_aux():
    load = init.Load({"arg:w": nd.ones((2,)), "b": nd.ones((3,)) * 3}, default_init=init.Zero())
    assert list(_fill(load, (2,), "w")) == [1, 1]
    assert list(_fill(load, (3,), "b")) == [3, 3, 3]


def test_load_shape_mismatch_message_matches_mxnet():
    load = init.Load({"w": nd.ones((2,))})
    with pytest.raises(AssertionError) as info:
        _fill(load, (3,), "w")
    assert str(info.value) == (
        "Parameter w cannot be initialized from loading. Shape mismatch, target (3,) vs loaded (2,)"
    )


def test_load_missing_without_default_message_matches_mxnet():
    with pytest.raises(AssertionError) as info:
        _fill(init.Load({"w": nd.ones((2,))}), (3,), "q")
    assert str(info.value) == (
        "Cannot Initialize q. Not found in loaded param and no default Initializer is provided."
    )


def test_load_works_in_block_initialize():
    src = nn.Dense(3, in_units=2)
    src.initialize(init.Xavier())
    saved = {("arg:" + k): v.data() for k, v in src.collect_params().items()}
    dst = nn.Dense(3, in_units=2, prefix=src.prefix)
    dst.initialize(init.Load(saved))
    assert (dst.weight.data().asnumpy() == src.weight.data().asnumpy()).all()
    assert (dst.bias.data().asnumpy() == src.bias.data().asnumpy()).all()


def test_load_in_initialize_falls_back_to_own_init_then_default():
    net = nn.Dense(3, in_units=2)
    net.initialize(init.Load({}, default_init=init.One()))
    assert (net.weight.data().asnumpy() == 1).all()
    assert (net.bias.data().asnumpy() == 0).all()


# ------------------------------------------------------------------ verbose
def test_initialize_verbose_prints_which_initializer_went_where(capsys):
    net = nn.Dense(3, in_units=2)
    net.initialize(init.Xavier(), verbose=True)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Initialized %s_weight, shape (3, 2), with Xavier(rnd_type='uniform', "
        "factor_type='avg', magnitude=3)" % net.name,
        "Initialized %s_bias, shape (3,), with Zero() (the parameter's own init)" % net.name,
    ]


def test_initialize_verbose_reports_deferred_parameters(capsys):
    net = nn.Dense(3)
    net.initialize(init.One(), verbose=True)
    out = capsys.readouterr().out
    assert "Deferred %s_weight, shape (3, 0)" % net.name in out
    assert "in_units" in out and "One()" in out
    net(nd.ones((1, 4)))  # the report comes when the deferred init finally runs
    assert capsys.readouterr().out == "Initialized %s_weight, shape (3, 4), with One()\n" % net.name
    net.initialize(init.One(), force_reinit=True)
    net(nd.ones((1, 4)))
    assert capsys.readouterr().out == ""  # verbose belongs to the call that asked for it


def test_initialize_verbose_shows_mixed_patterns(capsys):
    net = nn.Dense(3, in_units=2)
    net.initialize(init.Mixed([".*bias", ".*"], [init.Constant(5), init.One()]), verbose=True)
    out = capsys.readouterr().out
    assert "with Constant(value=5) (Mixed pattern '.*bias')" in out
    assert "with One() (Mixed pattern '.*')" in out
    net = nn.Dense(3, in_units=2)
    net.initialize(init.Mixed([".*weight"], [init.One()]), verbose=True)
    assert capsys.readouterr().out.splitlines()[1] == (
        "Initialized %s_bias, shape (3,), with Zero() (the parameter's own init; no Mixed "
        "pattern matched)" % net.name
    )
