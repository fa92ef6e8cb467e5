"""Property tests: nd's creation, shape and indexing ops against numpy.

reshape (with MXNet's codes 0, -1, -2, -3, -4 and reverse=), transpose, swapaxes,
expand_dims, squeeze, flatten, concat, stack, split, broadcast_to, slice_axis, basic
indexing and assignment, on random shapes including 0-d and zero-size dims.
"""

import numpy as np
import pytest
from fuzz_support import FLOATS, INTS, arrays, assert_matches, elements, shapes, to_nd
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gluonlite import autograd, nd
from gluonlite.base import MXNetError, MXNetIndexError

DTYPES = st.sampled_from(FLOATS + INTS)


def _shape_text(shape):
    return "\\(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + "\\)"


# ---- creation ----------------------------------------------------------------------------


@given(shape=shapes(), dtype=DTYPES, value=st.integers(-5, 5))
def test_zeros_ones_full_have_the_shape_dtype_and_value(shape, dtype, value):
    assert_matches(nd.zeros(shape, dtype=dtype), np.zeros(shape, dtype))
    assert_matches(nd.ones(shape, dtype=dtype), np.ones(shape, dtype))
    assert_matches(nd.full(shape, value, dtype=dtype), np.full(shape, value).astype(dtype))


@given(
    start=st.integers(-20, 20),
    length=st.integers(0, 20),
    step=st.integers(-3, 3).filter(bool),
    repeat=st.integers(1, 3),
    dtype=st.sampled_from(["float32", "float64", "int32", "int64"]),
)
def test_arange_matches_numpy(start, length, step, repeat, dtype):
    stop = start + length * step
    want = np.repeat(np.arange(start, stop, step), repeat).astype(dtype)
    assert_matches(nd.arange(start, stop, step, repeat=repeat, dtype=dtype), want)


# ---- reshape -------------------------------------------------------------------------------


def _prime_factors(d):
    out, p = [], 2
    while d > 1:
        while d % p == 0:
            out.append(p)
            d //= p
        p += 1
    return out


def _same_size_shape(data, shape):
    """A random shape with as many elements as ``shape``.

    A zero-size array keeps its shape: in a reshape spec, 0 means "copy this dimension".
    """
    n = int(np.prod(shape))
    if n == 0:
        return shape
    factors = data.draw(st.permutations([p for d in shape for p in _prime_factors(d)]))
    ndim = data.draw(st.integers(0 if n == 1 else 1, 4))
    if ndim == 0:
        return ()
    cuts = sorted(
        data.draw(st.lists(st.integers(0, len(factors)), min_size=ndim - 1, max_size=ndim - 1))
    )
    bounds = [0] + cuts + [len(factors)]
    return tuple(int(np.prod(factors[bounds[i] : bounds[i + 1]])) for i in range(ndim))


@given(data=st.data(), shape=shapes(), dtype=DTYPES, reverse=st.booleans())
def test_reshape_with_codes_0_and_minus_1_matches_numpy(data, shape, dtype, reverse):
    x = data.draw(arrays(dtype, shape))
    target = _same_size_shape(data, shape)
    spec = list(target)
    aligned = (lambda i: len(shape) - len(target) + i) if reverse else (lambda i: i)
    for i, d in enumerate(target):  # code 0 copies the input's (aligned) dimension
        j = aligned(i)
        if 0 <= j < len(shape) and shape[j] == d and d != 0 and data.draw(st.booleans()):
            spec[i] = 0
    if x.size and spec and data.draw(st.booleans()):  # code -1 infers one dimension
        spec[data.draw(st.integers(0, len(spec) - 1))] = -1
    assert_matches(nd.reshape(to_nd(x), tuple(spec), reverse=reverse), x.reshape(target))
    assert_matches(to_nd(x).reshape(target), x.reshape(target))


@given(data=st.data(), shape=shapes(min_dims=2, min_side=1), code=st.sampled_from([-2, -3, -4]))
def test_reshape_codes_minus_2_3_4_match_their_definition(data, shape, code):
    x = data.draw(arrays("float32", shape))
    i = data.draw(st.integers(0, len(shape) - 2))
    if code == -2:  # copy all remaining dims
        spec, want = shape[:i] + (-2,), shape
    elif code == -3:  # merge two dims
        spec = shape[:i] + (-3,) + shape[i + 2 :]
        want = shape[:i] + (shape[i] * shape[i + 1],) + shape[i + 2 :]
    else:  # split one dim into two, one of them inferred
        a = data.draw(st.sampled_from([f for f in range(1, shape[i] + 1) if shape[i] % f == 0]))
        spec = shape[:i] + (-4, a, -1) + shape[i + 1 :]
        want = shape[:i] + (a, shape[i] // a) + shape[i + 1 :]
    assert_matches(nd.reshape(to_nd(x), spec), x.reshape(want))


@given(shape=shapes(), extra=st.integers(1, 3))
def test_reshape_to_a_different_size_is_an_error(shape, extra):
    n = int(np.prod(shape))
    with pytest.raises(
        MXNetError,
        match=rf"^reshape: cannot reshape array of shape "
        rf"{_shape_text(shape)} \({n} elements\) into shape "
        rf"\({n + extra},\) \({n + extra} elements\)",
    ):
        nd.zeros(shape).reshape((n + extra,))


# ---- axis permutations --------------------------------------------------------------------


@given(data=st.data(), shape=shapes(), dtype=DTYPES)
def test_transpose_and_swapaxes_match_numpy(data, shape, dtype):
    x = data.draw(arrays(dtype, shape))
    axes = data.draw(st.none() | st.permutations(range(len(shape))).map(tuple))
    assert_matches(nd.transpose(to_nd(x), axes=axes), np.transpose(x, axes))
    assert_matches(to_nd(x).T, x.T)
    if shape:
        a, b = (data.draw(st.integers(-len(shape), len(shape) - 1)) for _ in range(2))
        assert_matches(nd.swapaxes(to_nd(x), a, b), np.swapaxes(x, a, b))
    if len(shape) >= 2:
        with pytest.raises(MXNetError, match=r"^transpose: axis 0 repeated in axes"):
            nd.transpose(to_nd(x), axes=(0,) * len(shape))


@given(data=st.data(), shape=shapes(), dtype=DTYPES)
def test_expand_dims_and_squeeze_match_numpy(data, shape, dtype):
    x = data.draw(arrays(dtype, shape))
    nd_ = len(shape)
    axis = data.draw(st.integers(-nd_ - 1, nd_))
    assert_matches(nd.expand_dims(to_nd(x), axis), np.expand_dims(x, axis))
    with pytest.raises(
        MXNetIndexError,
        match=rf"^expand_dims: axis {nd_ + 1} is out of range for "
        rf"an array of {nd_} dimension\(s\)",
    ):
        nd.expand_dims(to_nd(x), nd_ + 1)
    assert_matches(nd.squeeze(to_nd(x)), np.squeeze(x))
    ones = [i for i, d in enumerate(shape) if d == 1]
    if ones:
        axes = tuple(data.draw(st.lists(st.sampled_from(ones), min_size=1, unique=True)))
        assert_matches(nd.squeeze(to_nd(x), axis=axes), np.squeeze(x, axis=axes))
    others = [i for i, d in enumerate(shape) if d != 1]
    if others:
        a = data.draw(st.sampled_from(others))
        with pytest.raises(
            MXNetError, match=rf"^squeeze: cannot squeeze axis {a} of size {shape[a]}"
        ):
            nd.squeeze(to_nd(x), axis=a)


@given(data=st.data(), shape=shapes(), dtype=DTYPES)
def test_flatten_keeps_the_first_axis(data, shape, dtype):
    x = data.draw(arrays(dtype, shape))
    want = x.reshape(1, 1) if x.ndim == 0 else x.reshape(shape[0], int(np.prod(shape[1:])))
    assert_matches(nd.flatten(to_nd(x)), want)


@given(op=st.sampled_from(["concat", "split", "swapaxes", "slice_axis", "take", "squeeze"]))
def test_axis_ops_reject_a_0d_array_by_name(op):
    s = nd.array(np.float32(1.5))
    calls = {
        "concat": lambda: nd.concat(s, s, dim=0),
        "split": lambda: nd.split(s, 1, axis=0),
        "swapaxes": lambda: nd.swapaxes(s, 0, 0),
        "slice_axis": lambda: nd.slice_axis(s, 0, 0, 1),
        "take": lambda: nd.take(s, nd.array([0]), axis=0),
        "squeeze": lambda: nd.squeeze(s, axis=0),
    }
    with pytest.raises(
        MXNetIndexError,
        match=rf"^{op}: axis 0 is out of range for a 0-d array, "
        r"which has no axes",
    ):
        calls[op]()


# ---- joining and splitting ------------------------------------------------------------------


@given(data=st.data(), shape=shapes(min_dims=1), dtype=DTYPES, count=st.integers(1, 3))
def test_concat_and_stack_match_numpy(data, shape, dtype, count):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    parts = []
    for _ in range(count):
        part_shape = list(shape)
        part_shape[axis] = data.draw(st.integers(0, 3))
        parts.append(data.draw(arrays(dtype, tuple(part_shape))))
    assert_matches(
        nd.concat(*[to_nd(p) for p in parts], dim=axis), np.concatenate(parts, axis=axis)
    )
    same = [data.draw(arrays(dtype, shape)) for _ in range(count)]
    new_axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    assert_matches(
        nd.stack(*[to_nd(p) for p in same], axis=new_axis), np.stack(same, axis=new_axis)
    )
    if count > 1:
        other = (axis + 1) % len(shape) if len(shape) > 1 else None
        if other is not None:
            bad = list(shape)
            bad[other] += 1
            with pytest.raises(MXNetError, match=r"^concat: array 1 has shape .* but array 0 has"):
                nd.concat(to_nd(parts[0]), nd.zeros(tuple(bad), dtype=dtype), dim=axis)


@given(data=st.data(), shape=shapes(min_dims=1), dtype=DTYPES)
def test_split_matches_numpy(data, shape, dtype):
    x = data.draw(arrays(dtype, shape))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    size = shape[axis]
    num = data.draw(st.sampled_from([n for n in range(1, 5) if size % n == 0]))
    squeeze = size == num and data.draw(st.booleans())
    want = [np.squeeze(p, axis=axis) if squeeze else p for p in np.split(x, num, axis=axis)]
    got = nd.split(to_nd(x), num, axis=axis, squeeze_axis=squeeze)
    got = [got] if num == 1 else got
    assert len(got) == num
    for g, w in zip(got, want):
        assert_matches(g, w)
    uneven = [n for n in range(1, 6) if size % n != 0]
    if uneven:
        bad = data.draw(st.sampled_from(uneven))
        with pytest.raises(
            MXNetError,
            match=rf"^split: axis {axis % len(shape)} of size {size} "
            rf"cannot be split evenly into {bad} parts",
        ):
            nd.split(to_nd(x), bad, axis=axis)


@given(data=st.data(), shape=shapes(), dtype=DTYPES, lead=st.integers(0, 2))
def test_broadcast_to_matches_numpy(data, shape, dtype, lead):
    x = data.draw(arrays(dtype, shape))
    target = tuple(data.draw(st.integers(0, 3)) for _ in range(lead)) + tuple(
        data.draw(st.integers(1, 3)) if d == 1 else d for d in shape
    )  # 0 there keeps the dim
    assert_matches(nd.broadcast_to(to_nd(x), target), np.broadcast_to(x, target))
    if not lead and shape:  # MXNet's code 0 keeps the input's dimension
        spec = tuple(0 if data.draw(st.booleans()) else d for d in target)
        want = tuple(shape[i] if d == 0 else d for i, d in enumerate(spec))
        assert_matches(nd.broadcast_to(to_nd(x), spec), np.broadcast_to(x, want))


@given(data=st.data(), shape=shapes(min_dims=1), dtype=DTYPES)
def test_slice_axis_matches_numpy_slicing(data, shape, dtype):
    x = data.draw(arrays(dtype, shape))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[axis]
    begin = data.draw(st.integers(-n, n))
    end = data.draw(st.none() | st.integers(-n, n))
    b, e = (
        begin % n if n and begin < 0 else begin,
        n if end is None else (end + n if end < 0 else end),
    )

    def call():
        return nd.slice_axis(to_nd(x), axis, begin, end)

    if b > e:
        with pytest.raises(
            MXNetIndexError,
            match=rf"^slice_axis: range \[{b}, {e}\) is out of bounds "
            rf"for axis {axis % len(shape)} of size {n}",
        ):
            call()
        return
    index = [slice(None)] * len(shape)
    index[axis] = slice(b, e)
    assert_matches(call(), x[tuple(index)])


# ---- indexing -------------------------------------------------------------------------------


def _mxnet_view(a):  # MXNet's legacy arrays never become 0-d through indexing
    return a.reshape(1) if a.ndim == 0 else a


@given(data=st.data(), shape=shapes(max_side=5), dtype=DTYPES)
def test_basic_indexing_matches_numpy(data, shape, dtype):
    x = data.draw(arrays(dtype, shape))
    key = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    assert_matches(to_nd(x)[key], _mxnet_view(np.asarray(x[key])))


@given(data=st.data(), shape=shapes(min_dims=1, max_side=5), dtype=DTYPES, scalar=st.booleans())
def test_assignment_through_an_index_matches_numpy(data, shape, dtype, scalar):
    x = data.draw(arrays(dtype, shape))
    key = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    target_shape = np.asarray(x[key]).shape
    if scalar:
        value = data.draw(elements(dtype, lo=-5, hi=5))
        got_value = value
    else:
        value_shape = data.draw(
            hnp.broadcastable_shapes(
                target_shape, min_side=0, max_side=5, max_dims=len(target_shape)
            ).filter(lambda v: np.broadcast_shapes(v, target_shape) == target_shape)
        )
        value = data.draw(arrays(dtype, value_shape))
        got_value = to_nd(value)
    want = x.copy()
    want[key] = value
    got = to_nd(x)
    got[key] = got_value
    assert_matches(got, want)


@given(shape=shapes(min_dims=1), extra=st.integers(0, 3), negative=st.booleans())
def test_out_of_range_and_too_many_indices_are_index_errors(shape, extra, negative):
    n = shape[0]
    i = -n - 1 - extra if negative else n + extra
    with pytest.raises(IndexError, match=rf"^index {i} is out of bounds for axis 0 with size {n}"):
        nd.zeros(shape)[i]
    key = (0,) * (len(shape) + 1)
    with pytest.raises(
        IndexError, match=rf"^too many indices \({len(key)}\) for an array of shape"
    ):
        nd.zeros(shape)[key]


@given(
    shape=shapes(min_dims=1).filter(lambda s: 0 in s),
    op=st.sampled_from(["reshape", "flatten", "expand_dims", "squeeze", "transpose"]),
)
def test_gradients_through_shape_ops_of_zero_size_arrays(shape, op):
    x = nd.zeros(shape)
    x.attach_grad()
    forms = {
        "reshape": lambda a: a.reshape((-1,)),
        "flatten": nd.flatten,
        "expand_dims": lambda a: nd.expand_dims(a, 0).reshape((-1,)),
        "squeeze": lambda a: nd.squeeze(nd.expand_dims(a, -1)).reshape((-1,)),
        "transpose": lambda a: a.T.reshape((-1,)),
    }
    with autograd.record():
        y = forms[op](x).sum()
    y.backward()
    assert_matches(x.grad, np.zeros(shape, np.float32))
