"""Property tests: nd's elementwise, reduction, selection and linear-algebra ops against numpy.

Random shapes (0-d and zero-size dims included), dtypes, broadcast pairs, axes and the
function, operator, scalar, reflected, in-place and ``out=`` forms; invalid combinations must
raise the documented exception with its message. Shape and indexing ops: test_fuzz_shape_ops.py.
"""

import operator
import re
import warnings

import numpy as np
import pytest
from fuzz_support import (
    FLOATS,
    INTS,
    arrays,
    assert_matches,
    elements,
    mxnet_full_reduction_shape,
    shapes,
    to_nd,
)
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gluonlite import nd
from gluonlite.base import MXNetError, MXNetIndexError, MXNetTypeError, MXNetValueError

# ---- elementwise unary -----------------------------------------------------------------

UNARY_FLOAT = {  # numpy oracle, evaluated in float64
    "abs": np.abs,
    "sign": np.sign,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "rsqrt": lambda x: 1 / np.sqrt(x),
    "square": np.square,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "softrelu": lambda x: np.where(x > 20, x, np.log1p(np.exp(x))),
    "sin": np.sin,
    "cos": np.cos,
    "floor": np.floor,
    "ceil": np.ceil,
    "round": lambda x: np.sign(x) * np.floor(np.abs(x) + 0.5),  # half away from zero
    "reciprocal": lambda x: 1 / x,
    "negative": np.negative,
    "logical_not": lambda x: (x == 0).astype(x.dtype),
}
UNARY_INT = {  # exact integer results; negate, abs and square wrap like numpy
    "negative": np.negative,
    "abs": np.abs,
    "sign": np.sign,
    "square": np.square,
    "relu": lambda x: np.maximum(x, 0).astype(x.dtype),
    "floor": lambda x: x,
    "ceil": lambda x: x,
    "round": lambda x: x,
    "logical_not": lambda x: (x == 0).astype(x.dtype),
}


@given(
    data=st.data(),
    name=st.sampled_from(sorted(UNARY_FLOAT)),
    dtype=st.sampled_from(FLOATS),
    shape=shapes(),
)
def test_unary_float_ops_match_numpy(data, name, dtype, shape):
    x = data.draw(arrays(dtype, shape))
    with np.errstate(all="ignore"):
        want = UNARY_FLOAT[name](x.astype(np.float64)).astype(dtype)
    assert_matches(getattr(nd, name)(to_nd(x)), want)
    out = nd.empty(shape, dtype=dtype)
    assert getattr(nd, name)(to_nd(x), out=out) is out
    assert_matches(out, want)


@given(
    data=st.data(),
    name=st.sampled_from(sorted(UNARY_INT)),
    dtype=st.sampled_from(INTS),
    shape=shapes(),
)
def test_unary_integer_ops_are_exact_and_wrap(data, name, dtype, shape):
    x = data.draw(arrays(dtype, shape, full_int_range=True))
    with np.errstate(all="ignore"):
        want = UNARY_INT[name](x).astype(dtype)
    assert_matches(getattr(nd, name)(to_nd(x)), want)


# ---- elementwise binary ----------------------------------------------------------------


def _trunc_div(a, b):  # MXNet integer division: truncates; by zero gives 0
    if b == 0:
        return 0
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _exact(fn, dtype):  # fn over Python ints, wrapped back into dtype
    bits = 8 * np.dtype(dtype).itemsize

    def apply(a, b):
        a, b = np.broadcast_arrays(a.astype(object), b.astype(object))
        out = np.frompyfunc(lambda u, v: fn(u, v) % (1 << bits), 2, 1)(a, b)
        return np.asarray(out, dtype=np.uint64).astype(f"uint{bits}").view(dtype)

    return apply


BINARY = {  # name: (operator or None, numpy oracle for float dtypes, oracle for int dtypes)
    "add": (operator.add, np.add, np.add),
    "subtract": (operator.sub, np.subtract, np.subtract),
    "multiply": (operator.mul, np.multiply, np.multiply),
    "divide": (operator.truediv, np.divide, None),
    "modulo": (operator.mod, lambda a, b: np.where(b == 0, 0, np.mod(a, b)).astype(a.dtype), None),
    "power": (operator.pow, np.power, np.power),
    "maximum": (None, np.maximum, np.maximum),
    "minimum": (None, np.minimum, np.minimum),
    "equal": (operator.eq, np.equal, np.equal),
    "not_equal": (operator.ne, np.not_equal, np.not_equal),
    "greater": (operator.gt, np.greater, np.greater),
    "greater_equal": (operator.ge, np.greater_equal, np.greater_equal),
    "lesser": (operator.lt, np.less, np.less),
    "lesser_equal": (operator.le, np.less_equal, np.less_equal),
}


def _binary_oracle(name, dtype):
    _, float_fn, int_fn = BINARY[name]
    if np.dtype(dtype).kind == "f":
        fn = float_fn
    elif name == "divide":
        fn = _exact(_trunc_div, dtype)
    elif name == "modulo":
        fn = _exact(lambda a, b: 0 if b == 0 else a % b, dtype)
    else:
        fn = int_fn

    def oracle(a, b):
        with np.errstate(all="ignore"):
            return np.asarray(fn(a, b)).astype(dtype)

    return oracle


def _operands(data, name, dtype, shape):
    """Values for which numpy is the exact oracle: quarters for float modulo, small powers."""
    if name == "modulo" and np.dtype(dtype).kind == "f":
        return data.draw(
            hnp.arrays(dtype, shape, elements=st.integers(-40, 40).map(lambda v: v / 4))
        )
    if name == "power" and np.dtype(dtype).kind != "f":
        lo = 0 if dtype == "uint8" else -3
        return data.draw(arrays(dtype, shape, lo=lo, hi=3))
    if name == "power":
        return data.draw(arrays(dtype, shape, lo=-4, hi=4))
    return data.draw(arrays(dtype, shape, full_int_range=True))


def _exponents(data, name, dtype, shape):
    if name == "power" and np.dtype(dtype).kind != "f":
        return data.draw(arrays(dtype, shape, lo=0, hi=4))
    return _operands(data, name, dtype, shape)


@given(
    data=st.data(),
    name=st.sampled_from(sorted(BINARY)),
    dtype=st.sampled_from(FLOATS + INTS),
    shapes_=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, min_side=0, max_side=3),
)
def test_binary_ops_broadcast_like_numpy(data, name, dtype, shapes_):
    (sa, sb), result_shape = shapes_
    a, b = _operands(data, name, dtype, sa), _exponents(data, name, dtype, sb)
    want = _binary_oracle(name, dtype)(a, b)
    assert want.shape == result_shape
    assert_matches(getattr(nd, name)(to_nd(a), to_nd(b)), want)
    assert_matches(getattr(nd, "broadcast_" + name)(to_nd(a), to_nd(b)), want)
    op = BINARY[name][0]
    if op is not None:
        assert_matches(op(to_nd(a), to_nd(b)), want)
    out = nd.empty(result_shape, dtype=dtype)
    assert getattr(nd, name)(to_nd(a), to_nd(b), out=out) is out
    assert_matches(out, want)


@given(
    data=st.data(),
    name=st.sampled_from(sorted(BINARY)),
    dtype=st.sampled_from(FLOATS + INTS),
    shape=shapes(),
    reflected=st.booleans(),
)
def test_binary_ops_with_a_scalar(data, name, dtype, shape, reflected):
    a = _operands(data, name, dtype, shape)
    if name == "modulo" and np.dtype(dtype).kind == "f":
        s = data.draw(st.integers(-40, 40)) / 4
    elif name == "power" and reflected:
        s = data.draw(st.integers(0, 3))
        a = _exponents(data, name, dtype, shape)
    elif name == "power":
        s = data.draw(st.integers(0, 4))
    else:
        s = data.draw(elements(dtype, lo=-100, hi=100))
    scalar = np.array(s).astype(dtype)  # the core casts the scalar to the array's dtype
    oracle = _binary_oracle(name, dtype)
    want = oracle(scalar, a) if reflected else oracle(a, scalar)
    want = want.reshape(shape)
    op, fn = BINARY[name][0], getattr(nd, name)
    if reflected:
        assert_matches(fn(s, to_nd(a)), want)
        if op is not None and name not in (
            "equal",
            "not_equal",
            "greater",
            "greater_equal",
            "lesser",
            "lesser_equal",
        ):
            assert_matches(op(s, to_nd(a)), want)
    else:
        assert_matches(fn(to_nd(a), s), want)
        if op is not None:
            assert_matches(op(to_nd(a), s), want)


INPLACE = {
    "add": operator.iadd,
    "subtract": operator.isub,
    "multiply": operator.imul,
    "divide": operator.itruediv,
    "modulo": operator.imod,
}


@given(
    data=st.data(),
    name=st.sampled_from(sorted(INPLACE)),
    dtype=st.sampled_from(FLOATS + INTS),
    shape=shapes(min_dims=1),
    scalar=st.booleans(),
)
def test_inplace_ops_update_the_target(data, name, dtype, shape, scalar):
    a = _operands(data, name, dtype, shape)
    # The rhs broadcasts to the target: a suffix of its shape with some dims set to 1.
    suffix = shape[data.draw(st.integers(0, len(shape))) :]
    rhs_shape = tuple(d if data.draw(st.booleans()) else 1 for d in suffix)
    b = _operands(data, name, dtype, () if scalar else rhs_shape)
    if scalar and dtype == "int64":  # a scalar operand is a double, as in MXNet: exact to 2^53
        b = np.array(int(b) >> 11, dtype)
    want = _binary_oracle(name, dtype)(a, b).reshape(shape)
    target = to_nd(a)
    assert INPLACE[name](target, b.item() if scalar else to_nd(b)) is target
    assert_matches(target, want)


@given(data=st.data(), n=st.integers(1, 5), dtype=st.sampled_from(["float32", "int32"]))
def test_inplace_add_of_an_overlapping_view_reads_before_writing(data, n, dtype):
    a = data.draw(arrays(dtype, (n, n)))
    x = to_nd(a)
    x += x.T
    assert_matches(x, (a + a.T).astype(dtype))


@given(
    name=st.sampled_from(sorted(BINARY)),
    dtypes=st.lists(st.sampled_from(FLOATS + INTS), min_size=2, max_size=2, unique=True),
)
def test_binary_ops_reject_mixed_dtypes(name, dtypes):
    a, b = nd.zeros((2,), dtype=dtypes[0]), nd.zeros((2,), dtype=dtypes[1])
    core_name = "mod" if name == "modulo" else name
    with pytest.raises(
        MXNetError,
        match=rf"^{core_name}: operands have different dtypes "
        rf"\(lhs {dtypes[0]}, rhs {dtypes[1]}\)",
    ):
        getattr(nd, name)(a, b)


@given(data=st.data(), name=st.sampled_from(sorted(BINARY)), shape=shapes(min_dims=1, min_side=2))
def test_binary_ops_reject_shapes_that_do_not_broadcast(data, name, shape):
    axis = data.draw(st.integers(0, len(shape) - 1))
    other = list(shape)
    other[axis] = data.draw(st.integers(2, 5).filter(lambda d: d != shape[axis]))
    core_name = "mod" if name == "modulo" else name
    with pytest.raises(
        MXNetError,
        match=rf"^{core_name}: operands could not be broadcast "
        r"together with shapes",
    ):
        getattr(nd, name)(nd.zeros(shape), nd.zeros(tuple(other)))
    with pytest.raises(MXNetError, match=r"^add: in-place result would have shape"):
        target = nd.zeros(shape[1:])
        target += nd.zeros(shape)


@given(
    data=st.data(),
    dtype=st.sampled_from(FLOATS + INTS),
    shape=shapes(),
    bounds=st.tuples(st.integers(-5, 5), st.integers(-5, 5)),
)
def test_clip_matches_numpy_and_rejects_inverted_bounds(data, dtype, shape, bounds):
    x = data.draw(arrays(dtype, shape))
    lo, hi = min(bounds), max(bounds)
    if dtype == "uint8":  # bounds are cast to the array's dtype: keep them representable
        lo, hi = abs(lo), abs(lo) + abs(hi)
    assert_matches(nd.clip(to_nd(x), lo, hi), np.clip(x, lo, hi).astype(dtype))
    if lo < hi:
        with pytest.raises(
            MXNetValueError,
            match=rf"^clip: a_min \({hi}\) must not exceed "
            rf"a_max \({lo}\)",
        ):
            nd.clip(to_nd(x), hi, lo)


@given(
    data=st.data(),
    src=st.sampled_from(FLOATS + INTS + ["bool"]),
    dst=st.sampled_from(FLOATS + INTS + ["bool"]),
    shape=shapes(),
)
def test_astype_converts_like_numpy_within_range(data, src, dst, shape):
    lo = 0 if dst in ("uint8", "bool") else -100
    x = data.draw(arrays(src, shape, lo=lo, hi=100))
    assert_matches(to_nd(x).astype(dst), x.astype(dst))
    assert_matches(nd.cast(to_nd(x), dtype=dst), x.astype(dst))


# ---- reductions ------------------------------------------------------------------------

REDUCE = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min, "prod": np.prod}


@given(
    data=st.data(),
    name=st.sampled_from(sorted(REDUCE)),
    dtype=st.sampled_from(FLOATS + INTS),
    shape=shapes(),
    keepdims=st.booleans(),
    exclude=st.booleans(),
)
def test_reductions_match_numpy(data, name, dtype, shape, keepdims, exclude):
    if name == "mean" and dtype in INTS:
        dtype = "float32"  # MXNet's integer mean truncates; numpy has no such mean
    lo, hi = (-2, 2) if name == "prod" else (-10, 10)
    x = data.draw(arrays(dtype, shape, lo=lo, hi=hi, full_int_range=name in ("sum", "max", "min")))
    ndim = len(shape)
    axis = None
    if ndim and data.draw(st.booleans()):
        axis = tuple(
            data.draw(
                st.lists(
                    st.integers(-ndim, ndim - 1),
                    min_size=1,
                    max_size=ndim,
                    unique_by=lambda a: a % ndim,
                )
            )
        )
        if len(axis) == 1 and data.draw(st.booleans()):
            axis = axis[0]
    listed = () if axis is None else tuple(a % ndim for a in np.atleast_1d(axis))
    reduced = (
        tuple(range(ndim))
        if axis is None
        else (tuple(a for a in range(ndim) if a not in listed) if exclude else listed)
    )

    def got():
        return getattr(nd, name)(to_nd(x), axis=axis, keepdims=keepdims, exclude=exclude)

    out_shape = tuple(
        1 if a in reduced else d for a, d in enumerate(shape) if keepdims or a not in reduced
    )
    n_reduced, n_out = int(np.prod([shape[a] for a in reduced])), int(np.prod(out_shape))
    if name in ("max", "min") and n_reduced == 0 and n_out:
        with pytest.raises(
            MXNetError,
            match=rf"^{name}: cannot reduce over a zero-size axis: "
            rf"the input has shape {re.escape(str(shape))}",
        ):
            got()
        return
    kwargs = {"dtype": dtype} if dtype in INTS and name in ("sum", "prod") else {}  # wrap
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # numpy's "mean of empty slice"
        want = (
            np.zeros(out_shape, dtype)
            if n_out == 0
            else np.asarray(
                REDUCE[name](
                    x.astype(np.float64) if dtype in FLOATS else x,
                    axis=reduced,
                    keepdims=keepdims,
                    **kwargs,
                )
            ).astype(dtype)
        )
    if not keepdims:
        want = mxnet_full_reduction_shape(want)
    assert_matches(got(), want, scale=10 * max(1, n_reduced))


@given(
    data=st.data(),
    name=st.sampled_from(["argmax", "argmin"]),
    dtype=st.sampled_from(FLOATS),
    shape=shapes(min_dims=1, min_side=1),
    keepdims=st.booleans(),
)
def test_argmax_argmin_return_indices_in_the_input_dtype(data, name, dtype, shape, keepdims):
    x = data.draw(arrays(dtype, shape))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    want = np.asarray(getattr(np, name)(x, axis=axis, keepdims=keepdims)).astype(dtype)
    want = want if keepdims else mxnet_full_reduction_shape(want)
    assert_matches(getattr(nd, name)(to_nd(x), axis=axis, keepdims=keepdims), want)


@given(
    name=st.sampled_from(["argmax", "argmin"]), shape=shapes(min_dims=1).filter(lambda s: 0 in s)
)
def test_argmax_of_a_zero_size_axis_is_an_error_or_empty(name, shape):
    axis = shape.index(0)
    out_numel = int(np.prod(shape[:axis] + shape[axis + 1 :]))
    if out_numel == 0:
        assert (
            getattr(nd, name)(nd.zeros(shape), axis=axis).shape == shape[:axis] + shape[axis + 1 :]
        )
        return
    with pytest.raises(
        MXNetError,
        match=rf"^{name}: cannot search along a zero-size axis: the "
        rf"input has shape \({', '.join(map(str, shape))}",
    ):
        getattr(nd, name)(nd.zeros(shape), axis=axis)


@given(
    data=st.data(),
    dtype=st.sampled_from(FLOATS),
    shape=shapes(min_dims=1, min_side=1),
    log=st.booleans(),
    temperature=st.sampled_from([None, 0.5, 2.0]),
)
def test_softmax_and_log_softmax_match_numpy(data, dtype, shape, log, temperature):
    x = data.draw(arrays(dtype, shape))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    z = x.astype(np.float64) / (temperature or 1.0)
    z = z - z.max(axis=axis, keepdims=True)
    lse = np.log(np.exp(z).sum(axis=axis, keepdims=True))
    want = (z - lse if log else np.exp(z - lse)).astype(dtype)
    fn = nd.log_softmax if log else nd.softmax
    assert_matches(fn(to_nd(x), axis=axis, temperature=temperature), want, scale=10)


# ---- selection ---------------------------------------------------------------------------


@given(
    data=st.data(),
    dtype=st.sampled_from(FLOATS + INTS),
    shape=shapes(min_dims=1),
    rows=st.booleans(),
)
def test_where_selects_elementwise_or_by_rows(data, dtype, shape, rows):
    x, y = data.draw(arrays(dtype, shape)), data.draw(arrays(dtype, shape))
    cond = data.draw(arrays(dtype, shape[:1] if rows else shape, lo=0, hi=2))
    c = cond.reshape(cond.shape + (1,) * (len(shape) - cond.ndim))  # MXNet: a 1-D cond picks rows
    assert_matches(nd.where(to_nd(cond), to_nd(x), to_nd(y)), np.where(c != 0, x, y))


@given(
    data=st.data(),
    dtype=st.sampled_from(FLOATS + INTS),
    shape=shapes(min_dims=1, min_side=1),
    idx_shape=shapes(max_dims=2),
    mode=st.sampled_from(["clip", "wrap"]),
)
def test_take_gathers_like_numpy(data, dtype, shape, idx_shape, mode):
    x = data.draw(arrays(dtype, shape))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[axis]
    idx = data.draw(
        hnp.arrays(np.float32, idx_shape, elements=st.integers(-2 * n, 2 * n).map(float))
    )
    want = np.take(x, idx.astype(np.int64), axis=axis, mode=mode)
    assert_matches(nd.take(to_nd(x), to_nd(idx), axis=axis, mode=mode), want)


@given(shape=shapes(min_dims=1).filter(lambda s: 0 in s))
def test_take_from_a_zero_size_axis_is_an_index_error(shape):
    axis = shape.index(0)
    with pytest.raises(MXNetIndexError, match=rf"^take: cannot index axis {axis} of size 0"):
        nd.take(nd.zeros(shape), nd.array([0]), axis=axis)


@given(
    data=st.data(),
    idx_shape=shapes(max_dims=3),
    depth=st.integers(1, 5),
    dtype=st.sampled_from(FLOATS + INTS),
    on_off=st.tuples(st.integers(-3, 3), st.integers(-3, 3)),
)
def test_one_hot_matches_numpy(data, idx_shape, depth, dtype, on_off):
    idx = data.draw(
        hnp.arrays(np.float32, idx_shape, elements=st.integers(-2, depth + 2).map(float))
    )
    on, off = on_off
    want = np.where(idx[..., None] == np.arange(depth), on, off).astype(dtype)
    assert_matches(nd.one_hot(to_nd(idx), depth, on_value=on, off_value=off, dtype=dtype), want)


# ---- linear algebra ----------------------------------------------------------------------


def _mxnet_dot(a, b, ta, tb):
    """MXNet's nd.dot: each operand as a matrix (all axes but the contracted one merged)."""

    def rows(shape):
        return int(np.prod(shape))

    a2 = (
        a.reshape(a.shape[0], rows(a.shape[1:])).T
        if ta
        else a.reshape(rows(a.shape[:-1]), a.shape[-1])
    )
    b2 = (
        b.reshape(rows(b.shape[:-1]), b.shape[-1]).T
        if tb
        else b.reshape(b.shape[0], rows(b.shape[1:]))
    )
    lead = (a.shape[1:] if ta else a.shape[:-1]) if a.ndim > 1 else ()
    trail = (b.shape[:-1] if tb else b.shape[1:]) if b.ndim > 1 else ()
    return (a2 @ b2).reshape(lead + trail or (1,))


@given(
    data=st.data(),
    dtype=st.sampled_from(["float32", "float64"]),
    lhs_dims=st.integers(1, 3),
    rhs_dims=st.integers(1, 3),
    transpose_a=st.booleans(),
    transpose_b=st.booleans(),
)
def test_dot_matches_mxnet_matrix_semantics(
    data, dtype, lhs_dims, rhs_dims, transpose_a, transpose_b
):
    side = st.integers(0, 4)
    k = data.draw(side)
    a_rest = tuple(data.draw(side) for _ in range(lhs_dims - 1))
    b_rest = tuple(data.draw(side) for _ in range(rhs_dims - 1))
    a_shape = (k,) + a_rest if transpose_a else a_rest + (k,)
    b_shape = b_rest + (k,) if transpose_b else (k,) + b_rest
    a, b = data.draw(arrays(dtype, a_shape)), data.draw(arrays(dtype, b_shape))

    def call():
        return nd.dot(to_nd(a), to_nd(b), transpose_a=transpose_a, transpose_b=transpose_b)

    if lhs_dims == rhs_dims == 1 and (transpose_a or transpose_b):
        with pytest.raises(MXNetError, match=r"^dot: cannot transpose 1-D vectors"):
            call()
        return
    want = _mxnet_dot(a.astype(np.float64), b, transpose_a, transpose_b).astype(dtype)
    assert_matches(call(), want, scale=10 * max(k, 1))


@given(
    data=st.data(),
    dtype=st.sampled_from(["float32", "float64"]),
    dims=st.tuples(*[st.integers(0, 4)] * 4),
    transpose_a=st.booleans(),
    transpose_b=st.booleans(),
)
def test_batch_dot_matches_numpy_matmul(data, dtype, dims, transpose_a, transpose_b):
    batch, m, k, n = dims
    a, b = data.draw(arrays(dtype, (batch, m, k))), data.draw(arrays(dtype, (batch, k, n)))
    want = np.matmul(a.astype(np.float64), b).astype(dtype)
    a_in = a.transpose(0, 2, 1).copy() if transpose_a else a
    b_in = b.transpose(0, 2, 1).copy() if transpose_b else b
    got = nd.batch_dot(to_nd(a_in), to_nd(b_in), transpose_a=transpose_a, transpose_b=transpose_b)
    assert_matches(got, want, scale=10 * max(k, 1))


@given(
    k=st.integers(1, 4), extra=st.integers(1, 3), dtype=st.sampled_from(["int32", "int64", "uint8"])
)
def test_dot_rejects_mismatched_shapes_and_integer_dtypes(k, extra, dtype):
    with pytest.raises(
        MXNetError,
        match=rf"^dot: cannot multiply shapes \(2, {k}\) and "
        rf"\({k + extra}, 3\)",
    ):
        nd.dot(nd.zeros((2, k)), nd.zeros((k + extra, 3)))
    with pytest.raises(MXNetTypeError, match=rf"^dot: dtype {dtype} is not supported"):
        nd.dot(nd.zeros((2, k), dtype=dtype), nd.zeros((k, 3), dtype=dtype))


# ---- out= ---------------------------------------------------------------------------------

OUT_FORMS = {  # op: (call with out=, the same call without it)
    "softrelu": lambda x, **o: nd.softrelu(x, **o),
    "norm": lambda x, **o: nd.norm(x, axis=1, **o),
    "broadcast_like": lambda x, **o: nd.broadcast_like(x[:1], x, **o),
    "swapaxes": lambda x, **o: nd.swapaxes(x, 0, 1, **o),
    "slice_axis": lambda x, **o: nd.slice_axis(x, 1, 1, None, **o),
    "identity": lambda x, **o: nd.identity(x, **o),
    "cast": lambda x, **o: nd.cast(x, "float64", **o),
    "where": lambda x, **o: nd.where(x > 0, x, -x, **o),
    "one_hot": lambda x, **o: nd.one_hot(x[0], 3, **o),
    "pick": lambda x, **o: nd.pick(x, x[:, 0], **o),
}


@pytest.mark.parametrize("op", sorted(OUT_FORMS))
def test_out_argument_receives_the_result(op):
    x = nd.array(np.arange(6).reshape(2, 3) - 2.5)
    want = OUT_FORMS[op](x)
    out = nd.full(want.shape, 7.0, dtype=want.dtype)
    assert OUT_FORMS[op](x, out=out) is out
    assert_matches(out, want.asnumpy())
