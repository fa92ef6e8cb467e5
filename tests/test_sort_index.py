"""sort/argsort/topk, gather_nd/scatter_nd, Sequence*, slice/slice_like and NDArray's
integer-array indexing: values vs numpy (float64), gradients vs finite differences, outputs
recorded from MXNet 1.9.1, and errors naming the culprit."""

import numpy as np
import pytest
from conftest import numeric_grad, requires_gpu

import gluonlite as mx
from gluonlite import autograd, nd
from gluonlite.base import MXNetError

X = [[3, 1, 2, 1], [2, 2, 0, 5]]  # the probe array: ties in both rows


def f64(a) -> nd.NDArray:
    return nd.array(np.asarray(a, dtype=np.float64), dtype="float64")


def grad_of(fn, x0: np.ndarray, head: np.ndarray) -> np.ndarray:
    x = f64(x0)
    x.attach_grad()
    with autograd.record():
        y = fn(x)
    y.backward(f64(head))
    return x.grad.asnumpy()


# ---- sort, argsort, topk ---------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1, -1, None])
@pytest.mark.parametrize("ascend", [True, False])
def test_sort_and_argsort_match_numpy(axis, ascend):
    a = np.random.default_rng(0).normal(size=(5, 7))
    ref_idx = np.argsort(a if ascend else -a, axis=axis)
    flat = a.reshape(-1) if axis is None else a
    ref = np.take_along_axis(flat, ref_idx, axis=-1 if axis is None else axis)
    got = nd.sort(f64(a), axis=axis, is_ascend=ascend)
    np.testing.assert_array_equal(got.asnumpy(), ref)
    idx = nd.argsort(f64(a), axis=axis, is_ascend=ascend)
    assert idx.dtype == np.float32
    np.testing.assert_array_equal(idx.asnumpy(), ref_idx)


def test_outputs_recorded_from_mxnet():
    x = nd.array(X)
    assert nd.sort(x).asnumpy().tolist() == [[1, 1, 2, 3], [0, 2, 2, 5]]
    assert nd.argsort(x).asnumpy().tolist() == [[1, 3, 2, 0], [2, 0, 1, 3]]
    assert nd.argsort(x, is_ascend=False).asnumpy().tolist() == [[0, 2, 1, 3], [3, 0, 1, 2]]
    assert nd.argsort(x, axis=None).asnumpy().tolist() == [6, 1, 3, 2, 4, 5, 0, 7]
    assert nd.sort(x, axis=0).asnumpy().tolist() == [[2, 1, 0, 1], [3, 2, 2, 5]]
    assert nd.topk(x).asnumpy().tolist() == [[0], [3]]
    value, index = nd.topk(x, k=2, ret_typ="both")
    assert value.asnumpy().tolist() == [[3, 2], [5, 2]]
    assert index.asnumpy().tolist() == [[0, 2], [3, 0]]
    assert nd.topk(x, k=2, ret_typ="mask").asnumpy().tolist() == [[1, 0, 1, 0], [1, 0, 0, 1]]
    assert nd.topk(x, axis=None, k=3).asnumpy().tolist() == [7, 0, 2]
    mask = nd.topk(x, axis=None, k=3, ret_typ="mask")
    assert mask.shape == (2, 4) and mask.asnumpy().tolist() == [[1, 0, 1, 0], [0, 0, 0, 1]]
    value, index = nd.topk(x, k=2, ret_typ="both", is_ascend=True)
    assert value.asnumpy().tolist() == [[1, 1], [0, 2]]
    assert index.asnumpy().tolist() == [[1, 3], [2, 0]]
    value, index = nd.topk(x, axis=0, k=1, ret_typ="both")
    assert value.asnumpy().tolist() == [[3, 2, 2, 5]] and index.asnumpy().tolist() == [[0, 1, 0, 1]]
    # k < 1 sorts the whole axis
    assert nd.topk(x, k=0).asnumpy().tolist() == [[0, 2, 1, 3], [3, 0, 1, 2]]
    assert nd.topk(x, k=-1).asnumpy().tolist() == [[0, 2, 1, 3], [3, 0, 1, 2]]


def test_output_dtypes_as_mxnet():
    x = nd.array(X)
    assert nd.argsort(x, dtype="int32").dtype == np.int32
    assert nd.topk(x, dtype="int64").dtype == np.int64
    assert nd.topk(x, dtype="float16").dtype == np.float16
    xi = nd.array([[3, 1, 2]], dtype="int32")
    assert nd.sort(xi).dtype == np.int32 and nd.sort(xi).asnumpy().tolist() == [[1, 2, 3]]
    assert nd.argsort(xi).dtype == np.float32
    value, index = nd.topk(nd.array([1, 2, 3], dtype="uint8"), k=2, ret_typ="both")
    assert (value.dtype, index.dtype) == (np.uint8, np.float32)
    assert value.asnumpy().tolist() == [3, 2] and index.asnumpy().tolist() == [2, 1]
    for dtype in ("float64", "int32"):  # the mask has the data's dtype
        m = nd.topk(nd.array([1, 2, 3], dtype=dtype), k=2, ret_typ="mask")
        assert m.dtype == np.dtype(dtype) and m.asnumpy().tolist() == [0, 1, 1]


@pytest.mark.parametrize("n", [5, 16, 17, 1000])
def test_ties_keep_index_order_in_both_directions(n):
    # MXNet's CPU sort is stable up to 16 elements per row; gluonlite's always is.
    a = np.random.default_rng(n).integers(0, 3, size=(3, n)).astype(np.float32)
    up = nd.argsort(nd.array(a), dtype="int64").asnumpy()
    down = nd.argsort(nd.array(a), is_ascend=False, dtype="int64").asnumpy()
    np.testing.assert_array_equal(up, np.argsort(a, axis=-1, kind="stable"))
    np.testing.assert_array_equal(down, np.argsort(-a, axis=-1, kind="stable"))
    for k in (1, 3, n):  # the partial sort for small k gives the same prefix
        top = nd.topk(nd.array(a), k=k, dtype="int64").asnumpy()
        np.testing.assert_array_equal(top, down[:, :k])


def test_nan_sorts_after_inf_and_first_when_descending():
    v = [1, np.nan, 3, -np.inf, np.inf, np.nan, 0]
    x = nd.array([v])
    got = nd.sort(x).asnumpy()[0]
    np.testing.assert_array_equal(got, [-np.inf, 0, 1, 3, np.inf, np.nan, np.nan])
    assert nd.argsort(x).asnumpy()[0].tolist() == [3, 6, 0, 2, 4, 1, 5]
    assert nd.argsort(x, is_ascend=False).asnumpy()[0].tolist() == [1, 5, 4, 2, 0, 6, 3]
    value, index = nd.topk(x, k=3, ret_typ="both")
    np.testing.assert_array_equal(value.asnumpy()[0], [np.nan, np.nan, np.inf])
    assert index.asnumpy()[0].tolist() == [1, 5, 4]
    assert nd.argsort(nd.array([0.0, -0.0, 0.0, -1.0])).asnumpy().tolist() == [3, 0, 1, 2]


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64", "float16", "float64"])
def test_every_dtype_sorts_like_numpy(dtype):
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else np.finfo(dtype)
    a = np.array([info.max, 0, info.min, 1, info.max, 7], dtype=dtype)
    got = nd.array(a, dtype=dtype)
    np.testing.assert_array_equal(nd.sort(got).asnumpy(), np.sort(a))
    ref = np.argsort(a, kind="stable")
    np.testing.assert_array_equal(nd.argsort(got, dtype="int64").asnumpy(), ref)


def test_float16_bool_and_empty_inputs_sort():
    h = nd.array([3, -1, 2], dtype="float16")
    assert nd.sort(h, is_ascend=False).asnumpy().tolist() == [3, 2, -1]
    b = nd.array([1, 0, 1, 0], dtype="bool")
    assert nd.argsort(b, dtype="int32").asnumpy().tolist() == [1, 3, 0, 2]
    assert nd.sort(nd.zeros((2, 0))).shape == (2, 0)
    assert nd.topk(nd.zeros((2, 0)), k=0, ret_typ="both")[1].shape == (2, 0)


@pytest.mark.parametrize("axis", [0, 1])
def test_sort_gradient_scatters_to_the_source_positions(axis):
    a = np.random.default_rng(1).normal(size=(4, 5))
    head = np.random.default_rng(2).normal(size=(4, 5))
    got = grad_of(lambda x: nd.sort(x, axis=axis, is_ascend=False), a, head)
    ref = numeric_grad(lambda v: float((-np.sort(-v, axis=axis) * head).sum()), a)
    np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("ret_typ", ["value", "both"])
def test_topk_value_gradient(ret_typ):
    a = np.random.default_rng(4).normal(size=(3, 6))
    head = np.random.default_rng(5).normal(size=(3, 2))

    def fn(x):
        out = nd.topk(x, k=2, ret_typ=ret_typ)
        return out[0] if ret_typ == "both" else out

    got = grad_of(fn, a, head)
    ref = numeric_grad(lambda v: float((-np.sort(-v, axis=1)[:, :2] * head).sum()), a)
    np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-8)


def test_sort_methods():
    x = nd.array(X)
    assert x.sort().asnumpy().tolist() == [[1, 1, 2, 3], [0, 2, 2, 5]]
    assert x.argsort(axis=0).asnumpy().tolist() == [[1, 0, 1, 0], [0, 1, 0, 1]]
    assert x.topk(k=2).asnumpy().tolist() == [[0, 2], [3, 0]]


def test_sort_errors_name_the_argument():
    x = nd.array(X)
    with pytest.raises(IndexError, match="axis 2 is out of range"):
        nd.sort(x, axis=2)
    with pytest.raises(IndexError, match="topk: axis -3"):
        nd.topk(x, axis=-3)
    with pytest.raises(MXNetError, match="k=5 is larger than axis 1 of size 4"):
        nd.topk(x, k=5)
    with pytest.raises(ValueError, match="ret_typ 'foo' is not valid"):
        nd.topk(x, ret_typ="foo")
    with pytest.raises(ValueError, match="dtype 'int8' is not supported"):
        nd.argsort(x, dtype="int8")
    with pytest.raises(TypeError, match="k must be an int, got 2.0"):
        nd.topk(x, k=2.0)
    with pytest.raises(TypeError, match="is_ascend must be a boolean"):
        nd.topk(x, is_ascend="yes")
    with pytest.raises(MXNetError, match="Cannot find argument 'axsi'"):
        nd.sort(x, axsi=0)


# ---- gather_nd, scatter_nd -------------------------------------------------------------------


def test_gather_nd_matches_mxnet():
    d = nd.arange(24).reshape((2, 3, 4))
    got = nd.gather_nd(d, nd.array([[0, 1, 1], [1, 2, 0]]))
    assert got.asnumpy().tolist() == [list(range(4, 8)), list(range(20, 24)), list(range(12, 16))]
    assert nd.gather_nd(d, nd.array([[1]])).shape == (1, 3, 4)
    # negative indices count from the end; int32 indices work too
    got = nd.gather_nd(d, nd.array([[0, -1], [1, 2]], dtype="int32"))
    assert got.asnumpy().tolist() == [list(range(4, 8)), list(range(20, 24))]
    idx = np.array([[[0, 1], [1, 0]], [[1, 1], [2, 0]]])
    a = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(nd.gather_nd(f64(a), nd.array(idx)).asnumpy(), a[tuple(idx)])


def test_gather_nd_gradient_adds_repeated_positions():
    idx = np.array([[0, 0, 1], [1, 1, 0]])
    a = np.random.default_rng(6).normal(size=(2, 3, 4))
    head = np.random.default_rng(7).normal(size=(3, 4))
    got = grad_of(lambda x: nd.gather_nd(x, nd.array(idx)), a, head)
    ref = numeric_grad(lambda v: float((v[tuple(idx)] * head).sum()), a)
    np.testing.assert_allclose(got, ref, rtol=1e-6, atol=1e-8)


def test_scatter_nd_and_its_gradient():
    got = nd.scatter_nd(nd.array([2, 3, 0]), nd.array([[1, 1, 0], [0, 1, 0]]), shape=(2, 2))
    assert got.asnumpy().tolist() == [[0, 0], [2, 3]]
    got = nd.scatter_nd(nd.array([[1, 2], [3, 4]]), nd.array([[1, 0]]), shape=(2, 2))
    assert got.asnumpy().tolist() == [[3, 4], [1, 2]]
    dup = nd.scatter_nd(nd.array([2, 3]), nd.array([[1, 1], [1, 1]]), shape=(2, 2))
    assert dup.asnumpy().tolist() == [[0, 0], [0, 3]]  # the last write wins, as MXNet's CPU
    got = grad_of(
        lambda v: nd.scatter_nd(v, nd.array([[1, 1, 0], [0, 1, 0]]), shape=(2, 2)),
        np.array([2.0, 3.0, 5.0]),
        np.array([[1.0, 2.0], [3.0, 4.0]]),
    )
    assert got.tolist() == [3, 4, 1]  # MXNet 1.9.1's gradient


def test_gather_scatter_errors():
    d = nd.arange(24).reshape((2, 3, 4))
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 2"):
        nd.gather_nd(d, nd.array([[0, 5], [1, 2]]))
    with pytest.raises(MXNetError, match="at least 2 dimensions"):
        nd.gather_nd(d, nd.array([0, 1]))
    with pytest.raises(MXNetError, match="address 4 axes but the array of shape"):
        nd.gather_nd(d, nd.zeros((4, 1)))
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 1 with size 2"):
        nd.scatter_nd(nd.array([2, 3]), nd.array([[1, 1], [1, 5]]), shape=(2, 2))
    with pytest.raises(ValueError, match="data must have shape \\(2,\\)"):
        nd.scatter_nd(nd.array([2, 3, 4]), nd.array([[1, 1], [1, 1]]), shape=(2, 2))


# ---- Sequence* -------------------------------------------------------------------------------

SEQ = np.arange(24.0).reshape(3, 2, 4)  # (time 3, batch 2, features 4)


def _rows(a) -> list:
    return np.asarray(a).reshape(-1, 4)[:, 0].tolist()  # first feature of each (t, b) row


def test_sequence_mask_matches_mxnet():
    x, length = nd.array(SEQ), nd.array([1, 3])
    got = nd.SequenceMask(x, length, use_sequence_length=True)
    assert _rows(got.asnumpy()) == [0, 4, 0, 12, 0, 20]
    got = nd.SequenceMask(x, nd.array([1.5, 2.2]), True, value=-1)  # lengths truncate
    assert _rows(got.asnumpy()) == [0, 4, -1, 12, -1, -1]
    got = nd.SequenceMask(x.swapaxes(0, 1), length, use_sequence_length=True, axis=1)
    assert _rows(got.asnumpy()) == [0, 0, 0, 4, 12, 20]
    got = nd.SequenceMask(x.astype("int32"), length, True, value=-1.5)
    assert got.dtype == np.int32 and _rows(got.asnumpy()) == [0, 4, -1, 12, -1, 20]
    assert nd.SequenceMask(x).asnumpy().tolist() == SEQ.tolist()
    head = np.arange(1.0, 25.0).reshape(3, 2, 4)
    g = grad_of(lambda v: nd.SequenceMask(v, nd.array([1, 3]), True, value=7), SEQ, head)
    assert _rows(g) == [1, 5, 0, 13, 0, 21]


def test_sequence_last_matches_mxnet():
    x = nd.array(SEQ)
    assert _rows(nd.SequenceLast(x).asnumpy()) == [16, 20]
    assert _rows(nd.SequenceLast(x, nd.array([1, 3]), True).asnumpy()) == [0, 20]
    got = nd.SequenceLast(x.swapaxes(0, 1), nd.array([1, 3]), True, axis=1)
    assert _rows(got.asnumpy()) == [0, 20]
    assert _rows(nd.SequenceLast(x, nd.array([1.5, 2.7]), True).asnumpy()) == [0, 12]
    assert _rows(nd.SequenceLast(x, nd.array([0, 2]), True).asnumpy()) == [0, 12]
    got = nd.SequenceLast(nd.array(np.arange(6.0).reshape(3, 2)), nd.array([1, 3]), True)
    assert got.asnumpy().tolist() == [0, 5]
    head = np.arange(1.0, 9.0).reshape(2, 4)
    g = grad_of(lambda v: nd.SequenceLast(v, nd.array([1, 3]), True), SEQ, head)
    assert _rows(g) == [1, 0, 0, 0, 0, 5]
    # without lengths the gradient goes to the last step (MXNet 1.9.1 sends it to the first)
    assert _rows(grad_of(lambda v: nd.SequenceLast(v), SEQ, head)) == [0, 0, 0, 0, 1, 5]


def test_sequence_reverse_matches_mxnet():
    x = nd.array(SEQ)
    assert _rows(nd.SequenceReverse(x).asnumpy()) == [16, 20, 8, 12, 0, 4]
    assert _rows(nd.SequenceReverse(x, nd.array([1, 3]), True).asnumpy()) == [0, 20, 8, 12, 16, 4]
    got = nd.SequenceReverse(x, nd.array([1.5, 2.7]), True)
    assert _rows(got.asnumpy()) == [0, 12, 8, 4, 16, 20]
    got = nd.SequenceReverse(nd.array(np.arange(6.0).reshape(3, 2)), nd.array([1, 3]), True)
    assert got.asnumpy().tolist() == [[0, 5], [2, 3], [4, 1]]
    head = np.arange(1.0, 25.0).reshape(3, 2, 4)
    g = grad_of(lambda v: nd.SequenceReverse(v, nd.array([1, 3]), True), SEQ, head)
    assert _rows(g) == [1, 21, 9, 13, 17, 5]


def test_sequence_errors():
    x, length = nd.array(SEQ), nd.array([1, 3])
    with pytest.raises(ValueError, match="axis must be 0 or 1, got 2"):
        nd.SequenceMask(x, length, True, axis=2)
    with pytest.raises(ValueError, match="axis must be 0, got 1"):
        nd.SequenceReverse(x, length, True, axis=1)
    with pytest.raises(ValueError, match="rank 2 or more"):
        nd.SequenceLast(nd.arange(3))
    with pytest.raises(ValueError, match="sequence_length has shape \\(3,\\)"):
        nd.SequenceMask(x, nd.array([1, 2, 3]), True)
    with pytest.raises(ValueError, match="needs sequence_length"):
        nd.SequenceMask(x, use_sequence_length=True)
    with pytest.raises(ValueError, match="use_sequence_length is False"):
        nd.SequenceMask(x, length)


# ---- integer-array indexing ------------------------------------------------------------------

B = np.arange(12.0).reshape(3, 4)
A4 = np.arange(120.0).reshape(2, 3, 4, 5)
# Keys whose MXNet result equals numpy's (recorded: same shape and values).
NUMPY_LIKE = [
    ([1, 1, 0],),
    ([1, 1, 0], [0, 1, 0]),
    (slice(None), [0, 3]),
    ([0, 2], slice(1, 3)),
    ([0, 2], 1),
    (1, [0, 2]),
    ([[1, 0], [2, 2]],),
    ([0, 1], [[0], [1]]),
    (slice(None, None, 2), [1]),
    (Ellipsis, [1, 0]),
    (None, [1, 0]),
]
NUMPY_LIKE_4D = [
    (slice(None), [0, 1], slice(None), [1, 2]),
    (1, slice(None), [0, 2]),
    ([0, 1], Ellipsis, [0, 1]),
    (slice(None), [[0], [1]], [1, 2], 0),
    (1, None, [0, 1]),
    ([0, 1], None, [0, 1]),
    (slice(None), None, [1, 0]),
]


@pytest.mark.parametrize("key", NUMPY_LIKE, ids=str)
def test_advanced_indexing_matches_numpy(key):
    np.testing.assert_array_equal(f64(B)[key].asnumpy(), B[key])


@pytest.mark.parametrize("key", NUMPY_LIKE_4D, ids=str)
def test_advanced_indexing_4d_matches_numpy(key):
    np.testing.assert_array_equal(f64(A4)[key].asnumpy(), A4[key])


@pytest.mark.parametrize(
    "key, shape",
    [
        (([1, 0], None), (1, 2, 3, 4, 5)),
        ((slice(None), [1, 0], None), (2, 1, 2, 4, 5)),
        ((None, [1, 0], None), (1, 1, 2, 3, 4, 5)),
        (([1, 0], slice(1, None), None), (2, 1, 2, 4, 5)),
        ((1, [1, 0], None), (1, 2, 4, 5)),
        (([[0], [1]], slice(None), None), (2, 1, 1, 3, 4, 5)),
    ],
    ids=str,
)
def test_none_after_adjacent_index_arrays_follows_mxnet(key, shape):
    # MXNet places such a new axis by counting the slices and Nones before it (recorded);
    # new axes never reorder the data
    got = f64(A4)[key]
    assert got.shape == shape
    np.testing.assert_array_equal(got.asnumpy().reshape(-1), A4[key].reshape(-1))


def test_index_array_kinds_as_mxnet():
    x = f64(B)
    np.testing.assert_array_equal(x[nd.array([2, 0])].asnumpy(), B[[2, 0]])
    np.testing.assert_array_equal(x[nd.array([2, 0], dtype="int32")].asnumpy(), B[[2, 0]])
    np.testing.assert_array_equal(x[np.array([2, 0])].asnumpy(), B[[2, 0]])
    np.testing.assert_array_equal(x[[-1, 0]].asnumpy(), B[[-1, 0]])
    np.testing.assert_array_equal(x[[1.5, 0]].asnumpy(), B[[1, 0]])  # floats truncate
    np.testing.assert_array_equal(x[[True, False, True]].asnumpy(), B[[1, 0, 1]])  # bools as ints
    assert x[nd.array([1])].shape == (1, 4)
    assert x[[]].shape == (0, 4)
    assert x[[1], [2]].shape == (1,)


def test_advanced_indexing_errors():
    x = f64(B)
    with pytest.raises(IndexError, match="index 3 is out of bounds for axis 0 with size 3"):
        x[[3, 0]]
    with pytest.raises(IndexError, match="index -4 is out of bounds for axis 0 with size 3"):
        x[[-4, 0]]
    with pytest.raises(IndexError, match="index 9 is out of bounds for axis 1 with size 4"):
        x[[0, 1], [0, 9]]
    with pytest.raises(ValueError, match="shapes \\(3,\\), \\(2,\\) cannot be broadcast"):
        x[[0, 1, 2], [0, 1]]
    with pytest.raises(ValueError, match="boolean NDArray index"):
        x[nd.array([1, 0, 1], dtype="bool")]
    with pytest.raises(IndexError, match="too many indices"):
        x[[0], [0], [0]]


def test_gradient_through_advanced_indexing_adds_repeats():
    a = np.random.default_rng(8).normal(size=(3, 4))
    rows, cols = [1, 1, 0, 2], [0, 0, 3, 1]
    head = np.arange(1.0, 5.0)
    got = grad_of(lambda v: v[rows, cols], a, head)
    ref = np.zeros_like(a)
    np.add.at(ref, (rows, cols), head)
    np.testing.assert_array_equal(got, ref)
    head2 = np.random.default_rng(9).normal(size=(2, 2))
    got = grad_of(lambda v: v[1:, [0, 3]], a, head2)
    np.testing.assert_allclose(got, numeric_grad(lambda v: float((v[1:, [0, 3]] * head2).sum()), a))


def test_advanced_indexing_returns_a_copy():
    x = nd.array(B)
    y = x[[0, 1]]
    y[:] = -1
    assert (x.asnumpy() == B).all()


# ---- assignment ------------------------------------------------------------------------------


def test_assignment_broadcasts_as_mxnet():
    X4, K = nd.arange(16).reshape((4, 4)), nd.ones((2, 2))
    y = nd.zeros((3, 4))
    y[1, 2] = (X4[0:2, 1:3] * K).sum()  # a (1,) array into one element
    assert y[1, 2].asscalar() == 14
    y[1] = nd.array([[1, 2, 3, 4]])  # extra leading 1-dims
    y[0] = nd.array([[[5, 6, 7, 8]]])
    y[2, 1] = nd.array([[7]])
    assert y.asnumpy().tolist() == [[5, 6, 7, 8], [1, 2, 3, 4], [0, 7, 0, 0]]
    y[1:3] = np.array([[5], [6]])
    y[:, 1] = np.array([9, 8, 7])
    y[:, 0] = nd.array([[1, 2, 3]])
    assert y.asnumpy().tolist() == [[1, 9, 7, 8], [2, 8, 5, 5], [3, 7, 6, 6]]
    y[0, 0] = np.float64(3.5)
    y[0, 1] = np.array([2.5])
    assert y[0].asnumpy().tolist() == [3.5, 2.5, 7, 8]


def test_assignment_through_index_arrays():
    y = nd.array(B)
    y[[0, 2], [1, 3]] = nd.array([10, 20])
    y[[1, 1], [0, 0]] = nd.array([30, 40])  # a repeated position keeps the last write
    y[np.array([0, 2]), 2:4] = np.array([-1, -2])
    ref = B.copy()
    ref[0, 1], ref[2, 3], ref[1, 0] = 10, 20, 40
    ref[[0, 2], 2:4] = [-1, -2]
    np.testing.assert_array_equal(y.asnumpy(), ref)
    y[nd.array([0, 2])] = 3
    ref[[0, 2]] = 3
    y[:, [1, 3]] = nd.array([[1, 2], [3, 4], [5, 6]])
    ref[:, [1, 3]] = [[1, 2], [3, 4], [5, 6]]
    np.testing.assert_array_equal(y.asnumpy(), ref)


def test_assignment_errors_name_the_shapes():
    y = nd.zeros((3, 4))
    with pytest.raises(ValueError, match="shape \\(2,\\) to a target of shape \\(4,\\)"):
        y[1] = nd.array([1, 2])
    with pytest.raises(ValueError, match="shape \\(3, 1\\) to a target of shape \\(3,\\)"):
        y[:, 1] = nd.array([[9], [8], [7]])
    with pytest.raises(ValueError, match="shape \\(3,\\) to a target of shape \\(2,\\)"):
        y[[0, 1], [0, 1]] = nd.array([1, 2, 3])
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 3"):
        y[[0, 5]] = 1


# ---- slice, slice_like, methods --------------------------------------------------------------


@pytest.mark.parametrize(
    "begin, end, step",
    [
        ((0, 1), (2, 3), ()),
        ((None, 1), (None, 3), None),
        ((None, None, None), (None, None, None), (1, 2, -1)),
        ((1, 2), (None, 0), (-1, -1)),
        ((-1, -2), (None, None), ()),
        ((0,), (5,), ()),
        ((3,), (5,), ()),
        (0, 1, ()),
    ],
    ids=str,
)
def test_slice_matches_python_slicing(begin, end, step):
    a = np.arange(24.0).reshape(2, 3, 4)
    bs = begin if isinstance(begin, tuple) else (begin,)
    es = end if isinstance(end, tuple) else (end,)
    ss = step or (None,) * len(bs)
    key = tuple(slice(b, e, s) for b, e, s in zip(bs, es, ss))
    np.testing.assert_array_equal(nd.slice(f64(a), begin, end, step).asnumpy(), a[key])


def test_slice_gradient_and_errors():
    a = np.arange(24.0).reshape(2, 3, 4)
    head = np.arange(1.0, 17.0).reshape(2, 2, 4)
    got = grad_of(lambda v: nd.slice(v, begin=(1, 2), end=(None, 0), step=(-1, -1)), a, head)
    ref = np.zeros_like(a)
    ref[1::-1, 2:0:-1] = head
    np.testing.assert_array_equal(got, ref)
    x = f64(a)
    with pytest.raises(ValueError, match="same length"):
        nd.slice(x, begin=(0, 1), end=(2,))
    with pytest.raises(ValueError, match="step\\[0\\] cannot be 0"):
        nd.slice(x, begin=(0,), end=(1,), step=(0,))
    with pytest.raises(ValueError, match="slices 4 axes"):
        nd.slice(x, begin=(0, 0, 0, 0), end=(1, 1, 1, 1))


def test_slice_like():
    a = np.arange(24.0).reshape(2, 3, 4)
    x = f64(a)
    np.testing.assert_array_equal(nd.slice_like(x, nd.zeros((1, 2, 1))).asnumpy(), a[:1, :2, :1])
    got = nd.slice_like(x, nd.zeros((1, 2, 3)), axes=(0, 2))
    np.testing.assert_array_equal(got.asnumpy(), a[:1, :, :3])
    got = nd.slice_like(x, nd.zeros((1, 2, 3)), axes=(-1,))
    np.testing.assert_array_equal(got.asnumpy(), a[:, :, :3])
    with pytest.raises(ValueError, match="differ in rank"):
        nd.slice_like(x, nd.zeros((1, 2)))
    with pytest.raises(ValueError, match="axis 0 of shape_like has size 3"):
        nd.slice_like(x, nd.zeros((3, 2, 3)))
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        nd.slice_like(x, nd.zeros((1, 2)), axes=(2,))
    head = np.ones((1, 2, 3))
    got = grad_of(lambda v: nd.slice_like(v, nd.zeros((1, 2, 3))), a, head)
    assert got.sum() == 6 and (got[:1, :2, :3] == 1).all()


def test_index_methods_as_mxnet():
    x = nd.arange(24).reshape((2, 3, 4))
    assert x.slice((0, 1), (1, 3)).shape == (1, 2, 4)
    assert x.slice(begin=(0, 1), end=(1, 3), step=(1, 1)).asnumpy()[0, 0].tolist() == [4, 5, 6, 7]
    assert x.slice_like(nd.zeros((1, 2, 1))).asnumpy().reshape(-1).tolist() == [0, 4]
    assert x.take(nd.array([1])).shape == (1, 3, 4)
    assert x[0].pick(nd.array([0, 1, 2]), axis=1).asnumpy().tolist() == [0, 5, 10]
    assert nd.array([0, 2]).one_hot(3).asnumpy().tolist() == [[1, 0, 0], [0, 0, 1]]


# ---- GPU (skips without one) -----------------------------------------------------------------


@requires_gpu
@pytest.mark.parametrize("n", [7, 4096, 5000])
def test_gpu_sort_equals_cpu(n):
    a = np.random.default_rng(n).integers(0, 50, size=(3, n)).astype(np.float32)
    a[0, :3] = np.nan
    for ascend in (True, False):
        cpu = nd.argsort(nd.array(a), is_ascend=ascend, dtype="int64").asnumpy()
        gpu = nd.argsort(nd.array(a, ctx=mx.gpu()), is_ascend=ascend, dtype="int64")
        np.testing.assert_array_equal(gpu.asnumpy(), cpu)
    top = nd.topk(nd.array(a, ctx=mx.gpu()), k=5, ret_typ="both")
    ref = nd.topk(nd.array(a), k=5, ret_typ="both")
    np.testing.assert_array_equal(top[0].asnumpy(), ref[0].asnumpy())
    np.testing.assert_array_equal(top[1].asnumpy(), ref[1].asnumpy())


@requires_gpu
def test_gpu_gather_scatter_and_indexing():
    d = nd.arange(24, ctx=mx.gpu()).reshape((2, 3, 4))
    idx = nd.array([[0, 1, 1], [1, 2, 0]], ctx=mx.gpu())
    assert (
        nd.gather_nd(d, idx).asnumpy().tolist()
        == nd.gather_nd(d.copyto(mx.cpu()), idx.copyto(mx.cpu())).asnumpy().tolist()
    )
    y = nd.zeros((3, 4), ctx=mx.gpu())
    y[[0, 2], [1, 3]] = nd.array([10, 20], ctx=mx.gpu())
    assert y.asnumpy()[[0, 2], [1, 3]].tolist() == [10, 20]
    m = nd.topk(nd.array(X, ctx=mx.gpu()), k=2, ret_typ="mask")
    assert m.asnumpy().tolist() == [[1, 0, 1, 0], [1, 0, 0, 1]]
