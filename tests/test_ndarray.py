"""NDArray creation, printing (recorded from MXNet 1.9.1), arithmetic, indexing, errors."""

import pickle

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import nd
from gluonlite.base import MXNetError

# Recorded by running MXNet 1.9.1: str(nd_array) for each case.
MXNET_PRINTED = {
    "ones23": (lambda: nd.ones((2, 3)), "\n[[1. 1. 1.]\n [1. 1. 1.]]\n<NDArray 2x3 @cpu(0)>"),
    "scalar0d": (lambda: nd.array(3.2), "\n3.2\n<NDArray  @cpu(0)>"),
    "int32": (
        lambda: nd.array([[1, 2], [3, 4]], dtype="int32"),
        "\n[[1 2]\n [3 4]]\n<NDArray 2x2 @cpu(0)>",
    ),
    "large": (
        lambda: nd.arange(2000),
        "\n[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]\n"
        "<NDArray 2000 @cpu(0)>",
    ),
    "float64": (
        lambda: nd.array([0.1, 0.25], dtype="float64"),
        "\n[0.1  0.25]\n<NDArray 2 @cpu(0)>",
    ),
    "uint8": (lambda: nd.array([1, 255], dtype="uint8"), "\n[  1 255]\n<NDArray 2 @cpu(0)>"),
    "int8": (lambda: nd.array([-1, 5], dtype="int8"), "\n[-1  5]\n<NDArray 2 @cpu(0)>"),
    "int64": (lambda: nd.array([7, 8], dtype="int64"), "\n[7 8]\n<NDArray 2 @cpu(0)>"),
    "bool": (lambda: nd.array([True, False], dtype="bool"), "\n[ True False]\n<NDArray 2 @cpu(0)>"),
    "float16": (lambda: nd.array([0.5, 1.5], dtype="float16"), "\n[0.5 1.5]\n<NDArray 2 @cpu(0)>"),
    "3d": (
        lambda: nd.arange(8).reshape((2, 2, 2)),
        "\n[[[0. 1.]\n  [2. 3.]]\n\n [[4. 5.]\n  [6. 7.]]]\n<NDArray 2x2x2 @cpu(0)>",
    ),
    "neg": (
        lambda: nd.array([-1.5, 2.25, 1e-5]),
        "\n[-1.50e+00  2.25e+00  1.00e-05]\n<NDArray 3 @cpu(0)>",
    ),
    "big": (lambda: nd.array([1e6, 2.5]), "\n[1.0e+06 2.5e+00]\n<NDArray 2 @cpu(0)>"),
    "row": (lambda: nd.ones((2, 3))[1], "\n[1. 1. 1.]\n<NDArray 3 @cpu(0)>"),
    "transpose": (
        lambda: nd.array([[1, 2], [3, 4]]).T,
        "\n[[1. 3.]\n [2. 4.]]\n<NDArray 2x2 @cpu(0)>",
    ),
    "int_div": (lambda: nd.array([1, 2, 3], dtype="int32") / 2, "\n[0 1 1]\n<NDArray 3 @cpu(0)>"),
    "int_mul_float": (
        lambda: nd.array([1, 2, 3], dtype="int32") * 2.7,
        "\n[2 4 6]\n<NDArray 3 @cpu(0)>",
    ),
}


@pytest.mark.parametrize("case", sorted(MXNET_PRINTED))
def test_printing_matches_mxnet(case):
    make, expected = MXNET_PRINTED[case]
    assert str(make()) == expected
    assert repr(make()) == expected


def test_type_and_dtype_like_mxnet():
    x = nd.ones((2, 3))
    assert x.dtype is np.float32
    assert type(x).__name__ == "NDArray"
    assert str(x.context) == "cpu(0)" and x.ctx == mx.cpu(0)
    assert nd.array(np.array([1, 2], dtype=np.int32)).dtype is np.float32  # MXNet default
    assert nd.array(nd.array([1, 2], dtype="int64")).dtype is np.int64  # NDArray source keeps it
    assert x.size == 6 and x.ndim == 2 and x.shape == (2, 3)


def test_creation_functions():
    np.testing.assert_array_equal(nd.zeros((2, 2)).asnumpy(), np.zeros((2, 2), np.float32))
    np.testing.assert_array_equal(nd.full((3,), 7, dtype="int32").asnumpy(), [7, 7, 7])
    np.testing.assert_array_equal(nd.arange(2, 8, 2).asnumpy(), [2, 4, 6])
    np.testing.assert_array_equal(nd.arange(3, repeat=2).asnumpy(), [0, 0, 1, 1, 2, 2])
    x = nd.array([[1, 2]], dtype="float64")
    assert nd.zeros_like(x).dtype is np.float64 and nd.ones_like(x).asnumpy().tolist() == [[1, 1]]
    assert nd.empty((2, 5)).shape == (2, 5)


def test_numpy_interop():
    x = nd.array([[1.5, 2.5]])
    assert np.asarray(x).dtype == np.float32
    np.testing.assert_array_equal(np.asarray(x), [[1.5, 2.5]])
    assert x.asscalar if True else None
    assert nd.ones((1,)).asscalar() == 1.0 and type(nd.ones((1,)).asscalar()) is np.float32
    with pytest.raises(ValueError, match="not a scalar"):
        nd.ones((2, 3)).asscalar()
    y = pickle.loads(pickle.dumps(x))
    np.testing.assert_array_equal(y.asnumpy(), x.asnumpy())


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "**"])
@pytest.mark.parametrize(
    "shapes", [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1, 3), (5, 1)), ((1,), (2, 2))]
)
def test_binary_broadcast_matches_numpy(op, shapes):
    rng = np.random.default_rng(0)
    a = rng.uniform(0.5, 2.0, shapes[0])
    b = rng.uniform(0.5, 2.0, shapes[1])
    got = eval(f"x {op} y", {"x": nd.array(a, dtype="float64"), "y": nd.array(b, dtype="float64")})
    np.testing.assert_allclose(got.asnumpy(), eval(f"a {op} b"), rtol=1e-12)


@pytest.mark.parametrize(
    "expr,expected",
    [
        ("x + 1", [2, 3, 4]),
        ("1 + x", [2, 3, 4]),
        ("x - 1", [0, 1, 2]),
        ("10 - x", [9, 8, 7]),
        ("x * 2", [2, 4, 6]),
        ("6 / x", [6, 3, 2]),
        ("x / 2", [0.5, 1, 1.5]),
        ("x ** 2", [1, 4, 9]),
        ("2 ** x", [2, 4, 8]),
        ("x % 2", [1, 0, 1]),
        ("-x", [-1, -2, -3]),
        ("abs(-x)", [1, 2, 3]),
        ("x > 2", [0, 0, 1]),
        ("x >= 2", [0, 1, 1]),
        ("x < 2", [1, 0, 0]),
        ("x <= 2", [1, 1, 0]),
        ("x == 2", [0, 1, 0]),
        ("x != 2", [1, 0, 1]),
        ("x + np.float32(1)", [2, 3, 4]),
    ],
)
def test_scalar_operators(expr, expected):
    x = nd.array([1, 2, 3])
    out = eval(expr, {"x": x, "np": np})
    assert out.dtype is np.float32  # comparisons return 0/1 in the input dtype, like MXNet
    np.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-6)


def test_inplace_operators_modify_in_place():
    x = nd.array([1, 2, 3])
    alias = x
    x += 1
    x *= nd.array([2, 2, 2])
    x -= 1
    x /= 2
    assert alias is x
    np.testing.assert_allclose(x.asnumpy(), [1.5, 2.5, 3.5])
    y = nd.ones((2, 3))
    y += nd.array([1, 2, 3])  # broadcast rhs
    np.testing.assert_allclose(y.asnumpy(), [[2, 3, 4], [2, 3, 4]])


@pytest.mark.parametrize(
    "name",
    [
        "exp",
        "log",
        "sqrt",
        "square",
        "sigmoid",
        "tanh",
        "relu",
        "abs",
        "sign",
        "sin",
        "cos",
        "floor",
        "ceil",
        "reciprocal",
        "rsqrt",
        "softsign",
    ],
)
def test_unary_matches_numpy(name):
    a = np.array([[0.3, 1.7, 2.2], [0.9, 3.4, 0.05]])
    ref = {
        "exp": np.exp,
        "log": np.log,
        "sqrt": np.sqrt,
        "square": np.square,
        "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
        "tanh": np.tanh,
        "relu": lambda v: np.maximum(v, 0),
        "abs": np.abs,
        "sign": np.sign,
        "sin": np.sin,
        "cos": np.cos,
        "floor": np.floor,
        "ceil": np.ceil,
        "reciprocal": lambda v: 1 / v,
        "rsqrt": lambda v: 1 / np.sqrt(v),
        "softsign": lambda v: v / (1 + np.abs(v)),
    }[name]
    for sign in (1, -1):
        v = a * sign if name not in ("log", "sqrt", "rsqrt") else a
        got = getattr(nd, name)(nd.array(v, dtype="float64")).asnumpy()
        np.testing.assert_allclose(got, ref(v), rtol=1e-12, atol=1e-15)


def test_float16_arithmetic_rounds_like_numpy():
    a = np.array([0.1, 1000.5, -3.3, 65000], dtype=np.float16)
    b = np.array([0.2, 0.25, 7.1, 100], dtype=np.float16)
    got = (nd.array(a, dtype="float16") + nd.array(b, dtype="float16")).asnumpy()
    np.testing.assert_array_equal(
        got, (a.astype(np.float32) + b.astype(np.float32)).astype(np.float16)
    )


def test_maximum_minimum_clip_propagate_nan():
    x = nd.array([1.0, np.nan, 3.0])
    assert np.isnan(nd.maximum(x, 2).asnumpy()[1])
    assert np.isnan(nd.minimum(x, nd.array([0, 0, 0])).asnumpy()[1])
    np.testing.assert_array_equal(nd.maximum(x, 2).asnumpy()[[0, 2]], [2, 3])
    np.testing.assert_array_equal(nd.clip(nd.array([-5, 0.5, 5]), -1, 1).asnumpy(), [-1, 0.5, 1])


def test_integer_division_by_zero_does_not_crash():
    out = nd.array([1, 2], dtype="int32") / nd.array([0, 1], dtype="int32")
    assert out.asnumpy().tolist() == [0, 2]


def test_indexing_like_mxnet():
    x = nd.arange(6).reshape((2, 3))
    assert x[1, 2].shape == (1,)  # MXNet's legacy arrays: a full integer index gives shape (1,)
    assert x[:, 1].shape == (2,)
    assert x[None].shape == (1, 2, 3)
    assert x[..., 1].shape == (2,)
    assert x[::-1].asnumpy().tolist() == [[3, 4, 5], [0, 1, 2]]
    assert x[:, ::2].asnumpy().tolist() == [[0, 2], [3, 5]]
    assert x[-1].asnumpy().tolist() == [3, 4, 5]
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 2"):
        x[5]
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0]


def test_views_share_storage_and_setitem():
    x = nd.zeros((3, 4))
    row = x[1]
    row[:] = 7
    x[2, 1:3] = nd.array([1, 2])
    x[0] = np.array([9, 9, 9, 9])
    x[:, 3] = 5
    np.testing.assert_array_equal(x.asnumpy(), [[9, 9, 9, 5], [7, 7, 7, 5], [0, 1, 2, 5]])
    x[:] += 1
    assert x.asnumpy()[2, 0] == 1


def test_overlapping_copy_is_safe():
    x = nd.arange(5)
    x[1:] = x[:-1]
    np.testing.assert_array_equal(x.asnumpy(), [0, 0, 1, 2, 3])


@pytest.mark.parametrize(
    "spec,expected",
    [
        ((0, -1), (3, 1)),
        ((-3, 0), (6, 4)),
        ((-4, 1, 2, -2), (1, 2, 3, 4)),
        ((-1,), (24,)),
        ((2, -1), (2, 12)),
        ((0, -2), (2, 3, 4)),
    ],
)
def test_reshape_special_codes(spec, expected):
    src = nd.array([1, 2, 3]) if spec == (0, -1) else nd.ones((2, 3, 4))
    assert src.reshape(spec).shape == expected


def test_reshape_variants_and_errors():
    x = nd.arange(6)
    assert x.reshape(2, 3).shape == (2, 3)
    assert x.reshape(shape=(3, 2)).shape == (3, 2)
    assert nd.ones((2, 3, 4)).reshape((-1, 6), reverse=True).shape == (4, 6)
    with pytest.raises(MXNetError, match=r"cannot reshape array of shape \(6,\)"):
        x.reshape((4, 2))


def test_shape_ops():
    x = nd.arange(24).reshape((2, 3, 4))
    np.testing.assert_array_equal(
        x.transpose((2, 0, 1)).asnumpy(), np.arange(24).reshape(2, 3, 4).transpose(2, 0, 1)
    )
    assert nd.expand_dims(x, 1).shape == (2, 1, 3, 4) and nd.expand_dims(x, -1).shape == (
        2,
        3,
        4,
        1,
    )
    assert nd.squeeze(nd.ones((1, 3, 1))).shape == (3,)
    assert nd.flatten(x).shape == (2, 12) and nd.flatten(nd.ones((3,))).shape == (3, 1)
    assert nd.concat(nd.ones((2, 2)), nd.zeros((2, 1))).shape == (2, 3)  # default dim=1
    assert nd.stack(nd.ones((2,)), nd.zeros((2,))).asnumpy().tolist() == [[1, 1], [0, 0]]
    parts = nd.split(nd.arange(8).reshape((2, 4)), 2)  # default axis=1
    assert isinstance(parts, list) and parts[1].asnumpy().tolist() == [[2, 3], [6, 7]]
    assert nd.swapaxes(x, 0, 2).shape == (4, 3, 2)
    np.testing.assert_array_equal(
        nd.slice_axis(x, axis=2, begin=1, end=3).asnumpy(),
        np.arange(24).reshape(2, 3, 4)[:, :, 1:3],
    )


def test_astype_copyto_context():
    x = nd.array([1.7, -2.2])
    assert x.astype("int32").asnumpy().tolist() == [1, -2]
    assert x.astype(np.float64).dtype is np.float64
    assert x.astype("float32", copy=False) is x
    assert x.as_in_context(mx.cpu()) is x
    y = x.copyto(mx.cpu())
    assert y is not x and y.asnumpy().tolist() == x.asnumpy().tolist()
    z = nd.zeros((2,))
    assert x.copyto(z) is z and z.asnumpy()[0] == np.float32(1.7)


def test_bad_input_errors_name_the_problem():
    with pytest.raises(
        MXNetError,
        match=r"add: operands could not be broadcast together with shapes \(2, 3\) and \(4, 3\)",
    ):
        nd.ones((2, 3)) + nd.ones((4, 3))
    with pytest.raises(
        MXNetError, match=r"add: operands have different dtypes \(lhs float32, rhs int32\)"
    ):
        nd.ones((2, 3)) + nd.ones((2, 3), dtype="int32")
    with pytest.raises(TypeError, match="unsupported dtype 'complex64'"):
        nd.zeros((2,), dtype="complex64")
    with pytest.raises(IndexError, match="axis 3 is out of range"):
        nd.ones((2, 2)).transpose((0, 3))
    with pytest.raises(
        MXNetError,
        match=r"in-place result would have shape \(2, 3\) but the target has shape \(3,\)",
    ):
        x = nd.ones((3,))
        x += nd.ones((2, 3))
    with pytest.raises(MXNetError, match=r"concat: array 1 has shape \(3, 2\)"):
        nd.concat(nd.ones((2, 2)), nd.ones((3, 2)), dim=1)


def test_gpu_without_gpu_raises_clear_error():
    if mx.num_gpus() > 0:
        pytest.skip("a GPU is present")
    ctx = mx.gpu(0)  # building the context never fails, as in MXNet
    assert str(ctx) == "gpu(0)"
    with pytest.raises(MXNetError, match=r"num_gpus\(\) == 0"):
        nd.ones((2,), ctx=ctx)
    with pytest.raises(MXNetError, match=r"num_gpus\(\) == 0"):
        nd.ones((2,)).as_in_context(ctx)


def test_truth_value_len_iter():
    assert bool(nd.array([1])) and not bool(nd.array([0]))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(nd.ones((2,)))
    x = nd.arange(6).reshape((3, 2))
    assert len(x) == 3
    assert [r.asnumpy().tolist() for r in x] == [[0, 1], [2, 3], [4, 5]]


def test_core_errors_are_also_mxnet_errors():
    # MXNet reports a bad axis as MXNetError; Python code expects IndexError: both catch it.
    with pytest.raises(MXNetError, match="axis 5 is out of range"):
        nd.ones((2, 2)).sum(axis=5)
    with pytest.raises(IndexError, match="axis 5 is out of range"):
        nd.ones((2, 2)).sum(axis=5)
    with pytest.raises(MXNetError):
        nd.zeros((2,), dtype="complex64")


def test_gpu_detection_idioms():
    assert list(mx.test_utils.list_gpus()) == list(range(mx.num_gpus()))
    assert mx.util.get_gpu_count() == mx.num_gpus()
    mx.test_utils.assert_almost_equal(nd.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-7]))
    with pytest.raises(
        AssertionError, match=r"Location of maximum error: \(0,\), a=1.00000000, b=1.10000000"
    ):
        mx.test_utils.assert_almost_equal(nd.array([1.0]), np.array([1.1]))
