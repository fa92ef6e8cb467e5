"""mx.np / mx.npx: values against numpy (float64), MXNet 1.9.1's printing and dtypes (probed),
storage sharing with nd.NDArray, autograd through np ops."""

import numpy as onp
import pytest

import gluonlite as mx
from gluonlite import autograd, nd, np, npx


def _f64(x):
    return x.asnumpy().astype(onp.float64)


# ---- representation: one tensor, two faces ---------------------------------------------


def test_np_ndarray_subclasses_ndarray_like_mxnet():
    assert issubclass(np.ndarray, nd.NDArray)
    assert type(np.ones((2, 3))) is np.ndarray
    import gluonlite.numpy as mx_np

    assert mx_np is np and mx.np is np and mx.npx is npx


def test_as_np_ndarray_shares_storage_both_ways():
    x = nd.zeros((2, 3))
    y = x.as_np_ndarray()
    assert type(y) is np.ndarray and y._is_same_storage(x)
    y[0, 1] = 5.0
    assert x.asnumpy()[0, 1] == 5.0
    z = y.as_nd_ndarray()
    assert type(z) is nd.NDArray and z._is_same_storage(y)
    z[1] = 7.0
    assert (y.asnumpy()[1] == 7.0).all()


def test_as_np_ndarray_shares_autograd_state():
    x = nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    y = x.as_np_ndarray()
    with autograd.record():
        loss = (y * y).sum()
    loss.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), [2.0, 4.0, 6.0])
    assert type(y.grad) is np.ndarray
    onp.testing.assert_allclose(y.grad.asnumpy(), [2.0, 4.0, 6.0])


# ---- printing (strings recorded from MXNet 1.9.1 with npx.set_np()) ----------------------


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda: np.ones((2, 3)), "array([[1., 1., 1.],\n       [1., 1., 1.]])"),
        (lambda: np.arange(5), "array([0., 1., 2., 3., 4.])"),
        (lambda: np.array([1, 2, 3], dtype="int32"), "array([1, 2, 3], dtype=int32)"),
        (lambda: np.array(3.5), "array(3.5)"),
        (lambda: np.zeros((2, 0)), "array([], shape=(2, 0))"),
        (lambda: np.array([1, 2], dtype="float64"), "array([1., 2.], dtype=float64)"),
        (lambda: np.array([[1.5, 2], [3, 4]]), "array([[1.5, 2. ],\n       [3. , 4. ]])"),
        (lambda: np.array([1.0, 2.0]) > 1, "array([False,  True])"),
        (lambda: np.zeros(3, dtype=int), "array([0, 0, 0], dtype=int64)"),
        (lambda: np.ones((2, 3)).sum(), "array(6.)"),
        (lambda: np.array([1, 2], dtype="int32").sum(), "array(3, dtype=int32)"),
        (
            lambda: np.arange(2000),
            "array([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n"
            "       1.999e+03])",
        ),
        (
            lambda: np.ones((2, 3, 4))[:, :2, :2],
            "array([[[1., 1.],\n        [1., 1.]],\n\n       [[1., 1.],\n        [1., 1.]]])",
        ),
    ],
)
def test_repr_matches_mxnet(make, expected):
    assert repr(make()) == expected


def test_str_is_numpy_str():
    assert str(np.ones((2, 3))) == "[[1. 1. 1.]\n [1. 1. 1.]]"
    assert str(np.array(2.5)) == "2.5"


@pytest.mark.skipif(mx.num_gpus() == 0, reason="needs a GPU")
def test_repr_names_gpu_context():
    assert repr(np.ones((2,), ctx=mx.gpu(0))) == "array([1., 1.], ctx=gpu(0))"
    assert repr(np.ones((2,), dtype="int32", ctx=mx.gpu(0))) == (
        "array([1, 1], dtype=int32, ctx=gpu(0))"
    )


# ---- creation ----------------------------------------------------------------------------


def test_creation_dtypes_follow_mxnet():
    assert np.array([1, 2]).dtype == onp.float32  # lists: float32 whatever their type
    assert np.array(onp.array([1, 2])).dtype == onp.int64  # numpy arrays keep theirs
    assert np.array([1, 2], dtype=int).dtype == onp.int64
    assert np.zeros(3).dtype == onp.float32 and np.full((2,), 7).dtype == onp.float32
    assert np.arange(3).dtype == onp.float32 and np.arange(3, dtype=int).dtype == onp.int64
    assert np.linspace(0, 1, 5).dtype == onp.float32
    assert np.zeros_like(np.ones((2,), dtype="int32")).dtype == onp.int32


def test_creation_values_against_numpy():
    onp.testing.assert_allclose(_f64(np.arange(2, 8, 2)), onp.arange(2, 8, 2))
    onp.testing.assert_allclose(_f64(np.linspace(0, 1, 5)), onp.linspace(0, 1, 5))
    onp.testing.assert_allclose(_f64(np.eye(3, 4, k=1)), onp.eye(3, 4, k=1))
    onp.testing.assert_allclose(_f64(np.identity(2)), onp.identity(2))
    onp.testing.assert_allclose(_f64(np.full((2, 2), 7.5)), onp.full((2, 2), 7.5))
    onp.testing.assert_allclose(_f64(np.full_like(np.ones((2,)), 3)), [3.0, 3.0])
    assert np.empty((0,)).shape == (0,) and np.ones_like(np.zeros((2, 1))).shape == (2, 1)


def test_ctx_and_device_arguments():
    a = np.ones((2,), ctx=mx.cpu())
    b = np.zeros((2,), device=mx.cpu())
    assert a.ctx == mx.cpu() and b.device == mx.cpu() and a.context == mx.cpu()
    assert a.as_in_ctx(mx.cpu()) is a
    c = a.copyto(mx.cpu())
    assert type(c) is np.ndarray and not c._is_same_storage(a)
    target = np.zeros((2,))
    assert a.copyto(target) is target and (target.asnumpy() == 1).all()


def test_unknown_keyword_is_refused_as_in_mxnet():
    with pytest.raises(TypeError, match=r"ones\(\) got an unexpected keyword argument 'foo'"):
        np.ones((2, 3), foo=1)
    with pytest.raises(TypeError, match="'axsi'"):
        np.sum(np.ones(3), axsi=0)


# ---- dtype promotion (MXNet 1.9.1, probed) -----------------------------------------------


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("int32", "int64", "int64"),
        ("int32", "float32", "float32"),
        ("int32", "float16", "float16"),
        ("float16", "float32", "float32"),
        ("float32", "float64", "float64"),
        ("int8", "uint8", "int32"),
        ("bool", "int32", "int32"),
        ("bool", "float32", "float32"),
    ],
)
def test_binary_ops_promote_like_mxnet(a, b, expected):
    x = np.array([1, 1], dtype=a)
    y = np.array([1, 0], dtype=b)
    assert (x + y).dtype == onp.dtype(expected)
    assert (y * x).dtype == onp.dtype(expected)
    onp.testing.assert_allclose(_f64(x + y), [2.0, 1.0])


def test_scalar_ops_keep_the_array_dtype_and_true_division_gives_float():
    i = np.array([1, 2], dtype="int32")
    assert repr(i + 1.5) == "array([2, 3], dtype=int32)"  # MXNet 1.9.1
    assert repr(i / 2) == "array([0.5, 1. ])"
    assert repr(i / i) == "array([1., 1.])"
    assert (np.array([1.0, 2.0]) == 2).dtype == onp.bool_


# ---- indexing ----------------------------------------------------------------------------

_KEYS = [
    1,
    -1,
    (1, 2),
    (slice(None), 1),
    (None, Ellipsis, 1),
    (slice(0, 3, 2), slice(None, None, -1)),
    (Ellipsis, None),
    [0, 2],
    ([0, 2], [1, 3]),
    (slice(None), [3, 0, 0]),
    ([[0], [2]], [1, 3]),
]


@pytest.mark.parametrize("key", _KEYS, ids=[repr(k) for k in _KEYS])
def test_getitem_matches_numpy(key):
    host = onp.arange(12.0).reshape(3, 4)
    x = np.array(host)
    got = x[key]
    want = host[key]
    assert type(got) is np.ndarray
    assert got.shape == want.shape
    onp.testing.assert_array_equal(got.asnumpy(), want)


def test_integer_index_gives_0d_and_boolean_mask_selects():
    host = onp.arange(12.0).reshape(3, 4)
    x = np.array(host, dtype="float64")
    assert x[1, 2].shape == () and x[1, 2].item() == 6.0
    onp.testing.assert_array_equal(x[x > 5].asnumpy(), host[host > 5])
    rows = onp.array([True, False, True])
    onp.testing.assert_array_equal(x[np.array(rows, dtype=bool)].asnumpy(), host[rows])


def test_out_of_range_index_names_it():
    x = np.ones((3, 4))
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 3"):
        x[5]
    with pytest.raises(IndexError, match="9"):
        x[[0, 9]]


def test_setitem_basic_and_advanced_against_numpy():
    host = onp.zeros((3, 4))
    x = np.zeros((3, 4))
    for key, value in [((1, 2), 5.0), ((slice(None), 0), onp.array([1.0, 2.0, 3.0]))]:
        host[key] = value
        x[key] = value
    x[x > 2] = -1.0
    host[host > 2] = -1.0
    x[[0, 2], [3, 3]] = 9.0
    host[[0, 2], [3, 3]] = 9.0
    onp.testing.assert_array_equal(x.asnumpy(), host)


def test_gradient_flows_through_fancy_indexing():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    x.attach_grad()
    with autograd.record():
        y = (x[[0, 0, 3]] * 2).sum() + x[x > 2.5].sum()
    y.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), [4.0, 0.0, 1.0, 3.0])


# ---- errors: MXNet's exception classes, messages naming the culprit -----------------------


@pytest.mark.parametrize(
    "call, cls, pattern",
    [
        (lambda: np.ones((3, 4)).reshape(5, 2), mx.MXNetError, r"size 12 into shape \(5, 2\)"),
        (lambda: np.ones(3)[1.0], ValueError, "key 1.0 of type float"),
        (lambda: bool(np.ones(2)), ValueError, "truth value of an ndarray"),
        (lambda: np.sum(np.ones(3), axis="a"), mx.MXNetError, "axis must be an int.*'a'"),
        (lambda: np.random.randint(5, 2), mx.MXNetError, r"low >= high \(5 >= 2\)"),
        (lambda: np.squeeze(np.ones((2, 3)), axis=0), mx.MXNetError, "axis 0 has size 2"),
        (lambda: np.dot(np.ones((2, 3)), np.ones((2, 3))), mx.MXNetError, r"\(2, 3\) and \(2, 3\)"),
        (lambda: np.broadcast_to(np.ones((2, 3)), (4, 3)), mx.MXNetError, r"\(4, 3\)"),
        (lambda: np.ones((0,)).min(), mx.MXNetError, "zero-size array"),
        (lambda: np.ones("a"), mx.MXNetError, "shape must be an int or a tuple of ints, got 'a'"),
        (lambda: len(np.array(1.0)), TypeError, "unsized"),
    ],
)
def test_errors_have_mxnet_classes_and_name_the_culprit(call, cls, pattern):
    with pytest.raises(cls, match=pattern):
        call()


def test_linalg_norm_against_numpy():
    host = onp.random.RandomState(0).uniform(-1, 1, size=(3, 4))
    x = np.array(host)
    onp.testing.assert_allclose(np.linalg.norm(x).item(), onp.linalg.norm(host), rtol=1e-5)
    onp.testing.assert_allclose(
        _f64(np.linalg.norm(x, axis=1)), onp.linalg.norm(host, axis=1), rtol=1e-5
    )
    onp.testing.assert_allclose(
        _f64(np.linalg.norm(x, ord=1, axis=0)), onp.linalg.norm(host, ord=1, axis=0), rtol=1e-5
    )
    assert repr(np.linalg.norm(np.ones(4))) == "array(2.)"  # MXNet 1.9.1


def test_operands_from_lists_and_numpy_arrays_are_promoted():
    a = np.ones(2)
    assert repr(a + onp.ones(2)) == "array([2., 2.], dtype=float64)"
    assert repr(a + [1, 2]) == "array([2., 3.])"
    a += onp.array([1, 2], dtype=onp.int64)  # in place: a keeps float32
    assert repr(a) == "array([2., 3.])"
    assert np.ones((2, 3))[[]].shape == (0, 3)  # MXNet 1.9.1
