"""MXNet's elementwise math beyond the basics (issue #13): tan ... erfinv, broadcast_hypot and
the logical ops, against numpy and Python's math in float64, with gradients checked by finite
differences and domain edges checked against what MXNet 1.9.1 returns.

The ops come from the core's tables (csrc/ops/unary_ops.def, binary_ops.def); the first tests
check that nd and NDArray expose exactly what the tables say.
"""

import math

import numpy as np
import pytest
from conftest import requires_gpu

from gluonlite import _core, autograd, nd
from gluonlite.base import MXNetError, MXNetTypeError

# numpy/math oracles in float64 and a domain to sample (lo, hi) where the op is smooth.
_vec = np.vectorize


def _rint_mxnet(x):  # MXNet's rint: ties go to the lower integer ("n.5 -> n")
    return np.where(x - np.floor(x) <= 0.5, np.floor(x), np.ceil(x))


UNARY = {
    "tan": (np.tan, -1.4, 1.4),
    "arcsin": (np.arcsin, -0.95, 0.95),
    "arccos": (np.arccos, -0.95, 0.95),
    "arctan": (np.arctan, -8.0, 8.0),
    "sinh": (np.sinh, -4.0, 4.0),
    "cosh": (np.cosh, -4.0, 4.0),
    "arcsinh": (np.arcsinh, -8.0, 8.0),
    "arccosh": (np.arccosh, 1.05, 8.0),
    "arctanh": (np.arctanh, -0.95, 0.95),
    "log2": (np.log2, 0.05, 50.0),
    "log10": (np.log10, 0.05, 50.0),
    "log1p": (np.log1p, -0.95, 20.0),
    "expm1": (np.expm1, -5.0, 5.0),
    "cbrt": (np.cbrt, -8.0, 8.0),
    "rcbrt": (lambda x: 1 / np.cbrt(x), 0.1, 8.0),
    "radians": (np.radians, -400.0, 400.0),
    "degrees": (np.degrees, -7.0, 7.0),
    "gamma": (_vec(math.gamma), 0.1, 6.0),
    "gammaln": (_vec(math.lgamma), 0.1, 30.0),
    "erf": (_vec(math.erf), -3.0, 3.0),
    "erfinv": (None, -0.999, 0.999),  # checked by inversion through math.erf
    "trunc": (np.trunc, -9.0, 9.0),
    "fix": (np.trunc, -9.0, 9.0),
    "rint": (_rint_mxnet, -9.0, 9.0),
}
PIECEWISE_CONSTANT = {"trunc", "fix", "rint"}
NOT_METHODS = {"gamma", "gammaln", "erf", "erfinv"}  # as in MXNet 1.9.1's NDArray
TOLERANCE = {"float64": 1e-13, "float32": 2e-6, "float16": 2e-3}


def _sample(name, n=257, seed=0):
    _, lo, hi = UNARY[name]
    x = np.random.default_rng(seed).uniform(lo, hi, n)
    if name in PIECEWISE_CONSTANT:  # ties and integers, where rounding rules differ
        x = np.concatenate([x, np.arange(-4.5, 5.0, 0.5)])
    return x


def _oracle(name, x):
    with np.errstate(all="ignore"):
        return UNARY[name][0](x)


# ---- the tables are what nd and NDArray expose ---------------------------------------------


def test_every_table_op_is_an_nd_function_and_methods_follow_the_table():
    table = dict(_core.nd_unary_ops())
    for name in UNARY:
        assert name in table, name
        assert table[name] is (name not in NOT_METHODS), name
    for name, is_method in table.items():
        assert callable(getattr(nd, name)), name
        assert hasattr(nd.NDArray, name) is is_method, name
    assert "digamma" not in table and not hasattr(nd, "digamma")  # core-only helper


def test_binary_table_gives_every_mxnet_alias():
    names = {n for _, aliases in _core.nd_binary_ops() for n in aliases}
    mxnet_names = (
        "broadcast_hypot broadcast_plus broadcast_minus broadcast_add broadcast_sub "
        "broadcast_mul broadcast_div broadcast_mod broadcast_power broadcast_maximum "
        "broadcast_minimum broadcast_equal broadcast_not_equal broadcast_greater "
        "broadcast_greater_equal broadcast_lesser broadcast_lesser_equal "
        "broadcast_logical_and broadcast_logical_or broadcast_logical_xor "
        "logical_and logical_or logical_xor elemwise_add elemwise_sub elemwise_mul "
        "elemwise_div add subtract multiply divide power maximum minimum modulo "
        "equal not_equal greater greater_equal lesser lesser_equal true_divide"
    ).split()
    for name in mxnet_names:
        assert name in names and callable(getattr(nd, name)), name
    assert not hasattr(nd, "hypot")  # MXNet's nd has only broadcast_hypot


# ---- values --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(UNARY) - {"erfinv"}))
def test_unary_math_matches_numpy_in_float64(name):
    x = _sample(name)
    got = getattr(nd, name)(nd.array(x, dtype="float64"))
    assert got.dtype == np.float64
    np.testing.assert_allclose(got.asnumpy(), _oracle(name, x), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("dtype", ["float16", "float32"])
@pytest.mark.parametrize("name", sorted(set(UNARY) - {"erfinv"}))
def test_unary_math_keeps_low_precision_dtypes(name, dtype):
    x = _sample(name).astype(dtype)
    got = getattr(nd, name)(nd.array(x, dtype=dtype))
    assert got.dtype == np.dtype(dtype)
    want = _oracle(name, x.astype(np.float64))
    np.testing.assert_allclose(got.asnumpy().astype(np.float64), want, rtol=TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_erfinv_inverts_erf(dtype):
    x = np.concatenate([np.linspace(-0.999, 0.999, 401), [1e-30, -1e-8, 0.9999999, -0.99999]])
    x = x.astype(dtype).astype(np.float64)
    x = x[np.abs(x) < 1]  # 0.9999999 is 1 in float16
    y = nd.erfinv(nd.array(x, dtype=dtype)).asnumpy().astype(np.float64)
    erf = _vec(math.erf)
    if dtype == "float64":
        np.testing.assert_allclose(erf(y), x, rtol=4e-16, atol=1e-300)
    else:  # within a rounding of the correctly rounded result
        exact = y + (x - erf(y)) / (2 / math.sqrt(math.pi) * np.exp(-y * y))
        np.testing.assert_allclose(y, exact, rtol=TOLERANCE[dtype], atol=1e-30)


def test_erfinv_known_values_and_far_tail():
    got = nd.erfinv(nd.array([0.5, -0.25, 0.0, -0.0, 1 - 1e-15, 1 - 2**-53], dtype="float64"))
    values = got.asnumpy()
    np.testing.assert_allclose(values[:2], [0.4769362762044699, -0.2253120550121781], rtol=1e-15)
    assert values[2] == 0 and math.copysign(1, values[3]) == -1  # erfinv(-0) is -0
    # Tails: erfc(y) must give back 1 - x to full relative precision.
    for y, x in zip(values[4:], [1 - 1e-15, 1 - 2**-53]):
        assert math.erfc(y) == pytest.approx(1 - x, rel=1e-13)


def test_rint_and_fix_follow_mxnet_not_numpy_at_ties():
    x = nd.array([-3.5, -2.5, -0.5, 0.5, 1.5, 2.5, -2.7, 2.7, -0.2])
    assert nd.rint(x).asnumpy().tolist() == [-4, -3, -1, 0, 1, 2, -3, 3, -0.0]
    assert nd.fix(x).asnumpy().tolist() == [-3, -2, -0.0, 0, 1, 2, -2, 2, -0.0]


def test_integer_inputs_compute_in_double_and_truncate_like_mxnet():
    x = nd.array([1, 2, 3], dtype="int32")
    assert nd.tan(x).dtype == np.int32 and nd.tan(x).asnumpy().tolist() == [1, -2, 0]
    assert nd.expm1(x).asnumpy().tolist() == [1, 6, 19]
    assert nd.degrees(x).asnumpy().tolist() == [57, 114, 171]
    assert nd.rint(x).asnumpy().tolist() == [1, 2, 3]


# ---- domain edges (the values MXNet 1.9.1 returns) ----------------------------------------

EDGES = [-3.5, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, np.inf, -np.inf, np.nan]
# op: (values at EDGES, gradients at EDGES) as MXNet 1.9.1 returns them: the same NaNs, signed
# infinities and zeros; where MXNet rounds a constant or digamma to float32 (erfinv's and
# gamma's gradients) the exact value is given instead.
EDGE_VALUES = {
    "arcsin": ([np.nan, -math.pi / 2, -0.5235987755982989, -0.0, 0.0, 0.5235987755982989,
                math.pi / 2, np.nan, np.nan, np.nan],
               [np.nan, np.inf, 1.1547005383792517, 1, 1, 1.1547005383792517, np.inf,
                np.nan, np.nan, np.nan]),
    "arccosh": ([np.nan] * 6 + [0.0, np.inf, np.nan, np.nan],
                [0.29814239699997197, np.inf, np.nan, np.nan, np.nan, np.nan, np.inf, 0, 0,
                 np.nan]),
    "arctanh": ([np.nan, -np.inf, -0.5493061443340548, -0.0, 0.0, 0.5493061443340548,
                 np.inf, np.nan, np.nan, np.nan],
                [-0.08888888888888889, np.inf, 4 / 3, 1, 1, 4 / 3, np.inf, -0.0, -0.0,
                 np.nan]),
    "log2": ([np.nan, np.nan, np.nan, -np.inf, -np.inf, -1.0, 0.0, np.inf, np.nan, np.nan],
             [-0.4121985831111324, -1.4426950408889634, -2.8853900817779268, -np.inf,
              np.inf, 2.8853900817779268, 1.4426950408889634, 0.0, -0.0, np.nan]),
    "log1p": ([np.nan, -np.inf, -0.6931471805599453, -0.0, 0.0, 0.4054651081081644,
               0.6931471805599453, np.inf, np.nan, np.nan],
              [-0.4, np.inf, 2.0, 1, 1, 2 / 3, 0.5, 0.0, -0.0, np.nan]),
    "expm1": ([np.expm1(-3.5), np.expm1(-1.0), np.expm1(-0.5), -0.0, 0.0, np.expm1(0.5),
               np.expm1(1.0), np.inf, -1.0, np.nan],
              [np.exp(-3.5), np.exp(-1.0), np.exp(-0.5), 1, 1, np.exp(0.5), np.e, np.inf,
               0.0, np.nan]),
    "cbrt": ([np.cbrt(-3.5), -1.0, np.cbrt(-0.5), -0.0, 0.0, np.cbrt(0.5), 1.0, np.inf,
              -np.inf, np.nan],
             [0.14459947485122196, 1 / 3, 0.5291336839893998, np.inf, np.inf,
              0.5291336839893998, 1 / 3, 0.0, 0.0, np.nan]),
    "rcbrt": ([1 / np.cbrt(-3.5), -1.0, 1 / np.cbrt(-0.5), -np.inf, np.inf, 1 / np.cbrt(0.5),
               1.0, 0.0, -0.0, np.nan],
              [-0.06272702438174756, -1 / 3, -0.839947366596582, -np.inf, -np.inf,
               -0.839947366596582, -1 / 3, -0.0, -0.0, np.nan]),
    "gamma": ([0.2700882058522691, np.nan, -3.5449077018110318, -np.inf, np.inf,
               1.772453850905516, 1.0, np.inf, np.nan, np.nan],
              [0.37511765666082414, np.nan, -0.12935358979554037, -np.inf, np.inf,
               -3.4802309069132606, -0.5772156649015329, np.inf, np.nan, np.nan]),
    # At the poles MXNet's float64 gradient is the largest double, not inf.
    "gammaln": ([-1.309006684993042, np.inf, 1.2655121234846454, np.inf, np.inf,
                 0.5723649429247001, 0.0, np.inf, np.inf, np.nan],
                [1.388870926359529, 1.7976931348623157e308, 0.03648997397857652,
                 1.7976931348623157e308, 1.7976931348623157e308, -1.9635100260214235,
                 -0.5772156649015329, np.inf, 1.7976931348623157e308, np.nan]),
    "erfinv": ([np.nan, -np.inf, -0.4769362762044699, -0.0, 0.0, 0.4769362762044699,
                np.inf, np.nan, np.nan, np.nan],
               [np.nan, np.inf, 1.1125848189719496, 0.8862269254527579, 0.8862269254527579,
                1.1125848189719496, np.inf, np.nan, np.nan, np.nan]),
}  # fmt: skip


def _value_and_grad(name, values, dtype="float64"):
    x = nd.array(values, dtype=dtype)
    x.attach_grad()
    with autograd.record():
        y = getattr(nd, name)(x)
    y.backward()
    return y.asnumpy(), x.grad.asnumpy()


def _assert_same(got, want):  # NaN equals NaN, signed zeros and infinities must match
    np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True)
    zero = np.asarray(want) == 0
    assert (np.signbit(got[zero]) == np.signbit(np.asarray(want)[zero])).all(), (got, want)


@pytest.mark.parametrize("name", sorted(EDGE_VALUES))
def test_domain_edges_match_mxnet(name):
    y, grad = _value_and_grad(name, EDGES)
    want_y, want_grad = EDGE_VALUES[name]
    _assert_same(y, want_y)
    _assert_same(grad, want_grad)


def test_gammaln_gradient_at_a_pole_is_inf_in_float32_as_mxnet():
    _, grad = _value_and_grad("gammaln", [-1.0, 0.0, 0.5], "float32")
    assert np.isposinf(grad[:2]).all() and grad[2] == pytest.approx(-1.9635100260214235)


# ---- gradients -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(UNARY))
def test_gradient_matches_finite_differences(name):
    x0 = _sample(name, n=31, seed=1)
    if name in PIECEWISE_CONSTANT:
        x0 = x0[np.abs(2 * x0 - np.round(2 * x0)) > 0.2]  # away from the jumps
    _, grad = _value_and_grad(name, x0)
    h = 1e-6
    f = getattr(nd, name)
    plus = f(nd.array(x0 + h, dtype="float64")).asnumpy()
    minus = f(nd.array(x0 - h, dtype="float64")).asnumpy()
    np.testing.assert_allclose(grad, (plus - minus) / (2 * h), rtol=1e-6, atol=1e-8)


def test_gamma_gradient_on_negative_non_integers():
    x0 = np.array([-0.5, -1.5, -2.25, -3.9])
    _, grad = _value_and_grad("gamma", x0)
    h = 1e-7
    fd = (_vec(math.gamma)(x0 + h) - _vec(math.gamma)(x0 - h)) / (2 * h)
    np.testing.assert_allclose(grad, fd, rtol=1e-6)


@pytest.mark.parametrize(
    "name,second",
    [
        ("tan", lambda v: 2 * np.tan(v) / np.cos(v) ** 2),
        ("arctan", lambda v: -2 * v / (1 + v * v) ** 2),
        ("log1p", lambda v: -1 / (1 + v) ** 2),
        ("cbrt", lambda v: -2 / 9 * v ** (-5 / 3)),
        ("erf", lambda v: -4 * v / math.sqrt(math.pi) * np.exp(-v * v)),
    ],
)
def test_second_order_gradient_with_create_graph(name, second):
    x0 = np.array([0.3, 0.7, 1.2])
    x = nd.array(x0, dtype="float64")
    x.attach_grad()
    with autograd.record():
        dy = autograd.grad(getattr(nd, name)(x), x, create_graph=True)[0]
    dy.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), second(x0), rtol=1e-10)


def test_second_order_gradient_of_gammaln_is_refused_by_name():
    x = nd.array([1.5], dtype="float64")
    x.attach_grad()
    with autograd.record():
        dy = autograd.grad(nd.gammaln(x), x, create_graph=True)[0]
    with pytest.raises(MXNetError, match="digamma .*gammaln"):
        dy.backward()


# ---- method forms, errors ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(UNARY) - NOT_METHODS))
def test_method_form_equals_the_function(name):
    x = nd.array(_sample(name, n=9), dtype="float32")
    np.testing.assert_array_equal(getattr(x, name)().asnumpy(), getattr(nd, name)(x).asnumpy())


def test_out_argument_and_bad_input_name_the_op():
    x = nd.array([0.25, 0.5])
    out = nd.zeros((2,))
    assert nd.arctanh(x, out=out) is out
    np.testing.assert_allclose(out.asnumpy(), np.arctanh([0.25, 0.5]), rtol=1e-6)
    with pytest.raises(MXNetTypeError, match="erfinv"):
        nd.erfinv([0.5])
    with pytest.raises(MXNetError, match="hypot: operands have different dtypes"):
        nd.broadcast_hypot(x, nd.array([1.0], dtype="float64"))
    with pytest.raises(MXNetError, match="logical_xor: operands could not be broadcast"):
        nd.broadcast_logical_xor(nd.zeros((2, 3)), nd.zeros((4,)))


# ---- binary: hypot, logical ops, aliases ---------------------------------------------------


def test_broadcast_hypot_matches_numpy_and_its_gradient_is_a_over_hypot():
    a0 = np.array([[3.0, -4.0, 0.5, 1e200]])
    b0 = np.array([[4.0], [0.25]])
    a, b = nd.array(a0, dtype="float64"), nd.array(b0, dtype="float64")
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = nd.broadcast_hypot(a, b)
    y.backward()
    want = np.hypot(a0, b0)
    np.testing.assert_allclose(y.asnumpy(), want, rtol=1e-15)  # no overflow at 1e200
    np.testing.assert_allclose(a.grad.asnumpy(), (a0 / want).sum(0, keepdims=True), rtol=1e-14)
    np.testing.assert_allclose(b.grad.asnumpy(), (b0 / want).sum(1, keepdims=True), rtol=1e-14)
    z = nd.zeros((1,), dtype="float64")  # MXNet: 0 / hypot(0, 0) is NaN
    z.attach_grad()
    with autograd.record():
        nd.broadcast_hypot(z, z).backward()
    assert np.isnan(z.grad.asnumpy()).all()


@pytest.mark.parametrize("op", ["and", "or", "xor"])
def test_logical_ops_treat_nan_as_true_and_have_no_gradient(op):
    a0 = np.array([0.0, 1.0, 2.0, -0.0, np.nan, 0.0], dtype="float32")
    b0 = np.array([0.0, 0.0, 3.0, 1.0, 0.0, np.nan], dtype="float32")
    want = getattr(np, "logical_" + op)(a0 != 0, b0 != 0).astype("float32")
    a = nd.array(a0)
    a.attach_grad()
    with autograd.record():
        y = getattr(nd, "logical_" + op)(a, nd.array(b0))
    y.backward()
    assert y.dtype == np.float32 and y.asnumpy().tolist() == want.tolist()
    assert a.grad.asnumpy().tolist() == [0.0] * 6
    rows = getattr(nd, "broadcast_logical_" + op)(nd.array(a0[:3]), nd.array([[0.0], [5.0]]))
    assert (
        rows.asnumpy().tolist()
        == getattr(np, "logical_" + op)(a0[:3] != 0, np.array([[0.0], [5.0]]) != 0).tolist()
    )
    # Scalars on either side, as MXNet's nd.logical_* accept them.
    scalar = getattr(nd, "logical_" + op)(2, nd.array([0, 1], dtype="int32"))
    assert scalar.asnumpy().tolist() == getattr(np, "logical_" + op)(True, [0, 1]).tolist()
    # Two numbers give a Python number, as MXNet's nd.logical_and(2, 0) == 0.
    assert getattr(nd, "logical_" + op)(2, 0) == {"and": 0, "or": 1, "xor": 1}[op]


def test_broadcast_plus_and_minus_broadcast():
    a, b = nd.array([1.0, 2.0]), nd.array([[1.0], [2.0]])
    assert nd.broadcast_plus(a, b).asnumpy().tolist() == [[2, 3], [3, 4]]
    assert nd.broadcast_minus(a, b).asnumpy().tolist() == [[0, 1], [-1, 0]]


@pytest.mark.parametrize("fn", [lambda x: nd.maximum(x, 2), lambda x: nd.maximum(2, x)])
def test_maximum_with_a_scalar_gives_a_tie_to_the_array_on_either_side(fn):
    x = nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with autograd.record():
        y = fn(x)
    y.backward()
    assert y.asnumpy().tolist() == [2, 2, 3]
    assert x.grad.asnumpy().tolist() == [0, 1, 1]  # MXNet 1.9.1


# ---- GPU -----------------------------------------------------------------------------------


@requires_gpu
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gpu_matches_cpu(dtype):
    import gluonlite as mx

    for name in UNARY:
        x = _sample(name, n=65).astype(dtype)
        cpu = getattr(nd, name)(nd.array(x, dtype=dtype)).asnumpy()
        gpu = getattr(nd, name)(nd.array(x, dtype=dtype, ctx=mx.gpu(0))).asnumpy()
        np.testing.assert_allclose(gpu, cpu, rtol=TOLERANCE[dtype] * 4, err_msg=name)
    a = nd.array([[3.0, 0.0, np.nan]], dtype=dtype)
    for name in ["broadcast_hypot", "logical_and", "logical_or", "logical_xor"]:
        cpu = getattr(nd, name)(a, a.T).asnumpy()
        gpu = getattr(nd, name)(a.as_in_context(mx.gpu(0)), a.T.as_in_context(mx.gpu(0)))
        np.testing.assert_allclose(gpu.asnumpy(), cpu, rtol=1e-6, equal_nan=True, err_msg=name)
