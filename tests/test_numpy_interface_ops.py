"""mx.np functions and mx.npx operators against numpy (float64) and MXNet 1.9.1's records."""

import numpy as onp
import pytest

import gluonlite as mx
from gluonlite import autograd, np, npx

RNG = onp.random.RandomState(7)


def _f64(x):
    return x.asnumpy().astype(onp.float64)


def _close(got, want, rtol=1e-5, atol=1e-6):
    assert tuple(got.shape) == tuple(onp.shape(want)), (got.shape, onp.shape(want))
    onp.testing.assert_allclose(_f64(got), want, rtol=rtol, atol=atol)


# ---- elementwise ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "exp",
        "log",
        "sqrt",
        "abs",
        "square",
        "tanh",
        "sin",
        "cos",
        "tan",
        "log2",
        "log10",
        "log1p",
        "expm1",
        "negative",
        "reciprocal",
        "floor",
        "ceil",
        "sign",
    ],
)
def test_unary_against_numpy(name):
    host = RNG.uniform(0.2, 2.0, size=(3, 4))
    _close(getattr(np, name)(np.array(host)), getattr(onp, name)(host), rtol=1e-4)


@pytest.mark.parametrize(
    "name",
    [
        "add",
        "subtract",
        "multiply",
        "divide",
        "power",
        "maximum",
        "minimum",
        "mod",
        "greater",
        "less_equal",
        "equal",
    ],
)
def test_binary_against_numpy_with_broadcasting(name):
    a = RNG.uniform(0.5, 2.0, size=(3, 1))
    b = RNG.uniform(0.5, 2.0, size=(4,))
    _close(getattr(np, name)(np.array(a), np.array(b)), getattr(onp, name)(a, b), rtol=1e-5)
    _close(getattr(np, name)(np.array(a), 1.5), getattr(onp, name)(a, 1.5), rtol=1e-5)


def test_where_and_clip():
    a = RNG.uniform(-1, 1, size=(3, 4))
    _close(np.where(np.array(a) > 0, np.array(a), 0.0), onp.where(a > 0, a, 0.0))
    _close(np.clip(np.array(a), -0.5, 0.5), onp.clip(a, -0.5, 0.5))
    _close(np.clip(np.array(a), None, 0.1), onp.clip(a, None, 0.1))


def test_broadcast_error_names_the_shapes():
    with pytest.raises(mx.MXNetError, match=r"\(2, 3\).*\(4,\)|2,3.*4"):
        np.ones((2, 3)) + np.ones((4,))


# ---- reductions ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "prod", "std", "var"])
@pytest.mark.parametrize("axis", [None, 0, 1, (0, 2), -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_against_numpy(name, axis, keepdims):
    host = RNG.uniform(0.5, 1.5, size=(2, 3, 4))
    got = getattr(np, name)(np.array(host), axis=axis, keepdims=keepdims)
    _close(got, getattr(onp, name)(host, axis=axis, keepdims=keepdims), rtol=1e-4)
    method = getattr(np.array(host), name)(axis=axis, keepdims=keepdims)
    assert method.shape == got.shape


def test_full_reductions_are_0d_and_integer_rules_follow_mxnet():
    i = np.array([1, 2], dtype="int32")
    assert np.ones((2, 3)).sum().shape == ()
    assert repr(i.sum()) == "array(3, dtype=int32)"
    assert repr(i.mean()) == "array(1.5)"
    assert repr(i.std()) == "array(0, dtype=int32)"  # MXNet 1.9.1 keeps the int dtype
    assert repr(np.argmax(np.array([1.0, 2.0]))) == "array(1, dtype=int64)"


def test_reduction_dtype_out_and_ddof():
    host = RNG.uniform(size=(3, 4))
    out = np.zeros((3,), dtype="float64")
    res = np.sum(np.array(host), axis=1, dtype="float64", out=out)
    assert res is out and out.dtype == onp.float64
    _close(out, host.astype(onp.float32).sum(axis=1))
    _close(np.var(np.array(host), axis=0, ddof=1), onp.var(host, axis=0, ddof=1), rtol=1e-4)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_argmax_argmin_against_numpy(axis):
    host = RNG.uniform(size=(3, 5))
    assert (np.argmax(np.array(host), axis=axis).asnumpy() == onp.argmax(host, axis=axis)).all()
    assert (np.argmin(np.array(host), axis).asnumpy() == onp.argmin(host, axis)).all()
    assert np.array(host).argmax(axis).dtype == onp.int64


def test_reduction_axis_errors_name_the_axis():
    with pytest.raises(ValueError, match="axis 3 is out of bounds"):
        np.sum(np.ones((2, 3)), axis=3)


# ---- shapes --------------------------------------------------------------------------------


def test_shape_ops_against_numpy():
    host = RNG.uniform(size=(2, 3, 4))
    x = np.array(host)
    _close(np.reshape(x, (4, -1)), host.reshape(4, -1))
    _close(x.reshape(6, 4), host.reshape(6, 4))
    _close(np.transpose(x, (2, 0, 1)), host.transpose(2, 0, 1))
    _close(x.T, host.T)
    _close(np.swapaxes(x, 0, 2), onp.swapaxes(host, 0, 2))
    _close(np.expand_dims(x, 1), onp.expand_dims(host, 1))
    _close(np.squeeze(np.ones((1, 3, 1))), onp.ones(3))
    _close(np.broadcast_to(np.array(host[0, 0]), (3, 4)), onp.broadcast_to(host[0, 0], (3, 4)))
    _close(np.tile(x, (1, 2, 1)), onp.tile(host, (1, 2, 1)))
    _close(np.repeat(x, 2, axis=1), onp.repeat(host, 2, axis=1))
    _close(np.flip(x, 1), onp.flip(host, 1))
    _close(np.flip(x), onp.flip(host))
    _close(np.concatenate([x, x], axis=2), onp.concatenate([host, host], axis=2))
    _close(np.concatenate([x, x], axis=None), onp.concatenate([host, host], axis=None))
    _close(np.stack([x, x], axis=1), onp.stack([host, host], axis=1))
    for got, want in zip(np.split(x, [1, 3], axis=2), onp.split(host, [1, 3], axis=2)):
        _close(got, want)
    for got, want in zip(np.meshgrid(np.arange(2), np.arange(3)), onp.meshgrid(range(2), range(3))):
        _close(got, want)
    ij = np.meshgrid(np.arange(2), np.arange(3), indexing="ij")
    _close(ij[1], onp.meshgrid(range(2), range(3), indexing="ij")[1])


def test_numpy_reshape_refuses_mxnet_codes():
    with pytest.raises(ValueError, match="npx.reshape"):
        np.ones((2, 3)).reshape(-2)
    with pytest.raises(ValueError, match="cannot reshape array of size 6 into shape"):
        np.reshape(np.ones((2, 3)), (4, 2))


def test_npx_reshape_special_codes_as_mxnet():
    assert npx.reshape(np.ones((2, 3, 4)), (-2, -1)).shape == (2, 12)
    assert npx.reshape(np.ones((2, 3, 4)), (-5, -1)).shape == (6, 4)
    assert npx.reshape(np.ones((6, 4)), (-6, 2, -1, -2)).shape == (2, 3, 4)
    assert npx.reshape(np.ones((1, 3, 4)), (-3, -4)).shape == (3, 4)
    with pytest.raises(ValueError, match="dimension 0 has size 2"):
        npx.reshape(np.ones((2, 3)), (-3, -1))


# ---- products ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sa, sb", [((3,), (3,)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((2, 2, 3), (4, 3, 5)), ((), (3,))]
)
def test_dot_against_numpy(sa, sb):
    a, b = RNG.uniform(size=sa), RNG.uniform(size=sb)
    _close(np.dot(np.array(a), np.array(b)), onp.dot(a, b), rtol=1e-4)


@pytest.mark.parametrize(
    "sa, sb", [((2, 3), (3, 4)), ((5, 2, 3), (3, 4)), ((2, 1, 2, 3), (4, 3, 2)), ((3,), (2, 3, 4))]
)
def test_matmul_against_numpy(sa, sb):
    a, b = RNG.uniform(size=sa), RNG.uniform(size=sb)
    _close(np.matmul(np.array(a), np.array(b)), onp.matmul(a, b), rtol=1e-4)
    _close(np.array(a) @ np.array(b), a @ b, rtol=1e-4)


def test_tensordot_and_einsum_against_numpy():
    a, b = RNG.uniform(size=(2, 3, 4)), RNG.uniform(size=(4, 3, 5))
    _close(
        np.tensordot(np.array(a), np.array(b), axes=([1, 2], [1, 0])),
        onp.tensordot(a, b, axes=([1, 2], [1, 0])),
        rtol=1e-4,
    )
    m, n = RNG.uniform(size=(2, 3)), RNG.uniform(size=(3, 4))
    for spec, ops in [
        ("ij,jk->ik", (m, n)),
        ("ij->ji", (m,)),
        ("ij->", (m,)),
        ("bij,bjk->bik", (a.transpose(0, 2, 1)[:, :3, :], a)),
        ("ij,jk,kl->il", (m, n, RNG.uniform(size=(4, 2)))),
        ("i,j->ij", (m[0], n[0])),
        ("ij,ij->i", (m, m)),
    ]:
        _close(np.einsum(spec, *[np.array(o) for o in ops]), onp.einsum(spec, *ops), rtol=1e-4)


# ---- autograd through np ops, against finite differences -----------------------------


def test_gradient_of_composed_np_function_matches_finite_differences():
    host = RNG.uniform(0.5, 1.5, size=(3, 4))

    def f_np(a):
        return (onp.log1p(onp.exp(a)) @ onp.ones((4, 2))).sum() + onp.tanh(a).std() * 3

    x = np.array(host, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = np.sum(np.matmul(np.log1p(np.exp(x)), np.ones((4, 2), dtype="float64")))
        y = y + np.std(np.tanh(x)) * 3
    y.backward()
    eps = 1e-6
    numeric = onp.zeros_like(host)
    for idx in onp.ndindex(*host.shape):
        up, down = host.copy(), host.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric[idx] = (f_np(up) - f_np(down)) / (2 * eps)
    onp.testing.assert_allclose(x.grad.asnumpy(), numeric, rtol=1e-5, atol=1e-7)


# ---- random --------------------------------------------------------------------------------


def test_random_shapes_dtypes_and_ranges():
    np.random.seed(3)
    u = np.random.uniform(2, 3, size=(1000,))
    assert type(u) is np.ndarray and u.dtype == onp.float32
    assert 2 <= u.asnumpy().min() and u.asnumpy().max() < 3
    assert np.random.uniform().shape == ()
    n = np.random.normal(1.0, 2.0, size=(20000,)).asnumpy()
    assert abs(n.mean() - 1.0) < 0.1 and abs(n.std() - 2.0) < 0.1
    r = np.random.randint(0, 5, size=(3, 4))
    assert r.dtype == onp.int64 and r.shape == (3, 4) and set(r.asnumpy().ravel()) <= set(range(5))
    loc = np.array([0.0, 100.0])
    assert abs(np.random.normal(loc, 1.0, size=(5000, 2)).asnumpy().mean(0)[1] - 100) < 0.2


def test_random_seed_reproduces_and_choice_shuffle():
    np.random.seed(11)
    a = np.random.uniform(size=(5,)).asnumpy()
    np.random.seed(11)
    assert (np.random.uniform(size=(5,)).asnumpy() == a).all()
    c = np.random.choice(4, size=(20000,), p=[0.1, 0.2, 0.3, 0.4]).asnumpy()
    onp.testing.assert_allclose(
        onp.bincount(c, minlength=4) / c.size, [0.1, 0.2, 0.3, 0.4], atol=0.02
    )
    no_rep = np.random.choice(10, size=(10,), replace=False).asnumpy()
    assert sorted(no_rep.tolist()) == list(range(10))
    x = np.arange(10)
    np.random.shuffle(x)
    assert sorted(x.asnumpy().tolist()) == list(range(10))


# ---- npx -------------------------------------------------------------------------------------


def test_set_np_switches_util_and_use_np():
    from gluonlite.test_utils import use_np

    assert not npx.is_np_array() and not mx.util.is_np_array()
    npx.set_np()
    try:
        assert npx.is_np_array() and npx.is_np_shape() and mx.util.is_np_array()
    finally:
        npx.reset_np()
    assert not mx.util.is_np_array()

    @use_np
    def inside():
        return mx.util.is_np_array()

    assert inside() is True and not mx.util.is_np_array()
    with pytest.raises(ValueError, match="Shape semantics"):
        npx.set_np(shape=False, array=True)


def test_npx_nn_ops_against_numpy():
    host = RNG.uniform(-1, 1, size=(2, 5))
    x = np.array(host)
    _close(npx.relu(x), onp.maximum(host, 0))
    _close(npx.sigmoid(x), 1 / (1 + onp.exp(-host)))
    e = onp.exp(host - host.max(-1, keepdims=True))
    _close(npx.softmax(x), e / e.sum(-1, keepdims=True))
    _close(npx.log_softmax(x), onp.log(e / e.sum(-1, keepdims=True)), atol=1e-5)
    _close(npx.activation(x, act_type="tanh"), onp.tanh(host))
    w, b = RNG.uniform(size=(3, 5)), RNG.uniform(size=(3,))
    _close(
        npx.fully_connected(x, np.array(w), np.array(b), num_hidden=3, no_bias=False),
        host @ w.T + b,
        rtol=1e-4,
    )
    _close(npx.one_hot(np.array([0, 2]), 3), onp.eye(3)[[0, 2]])
    _close(npx.pick(x, np.array([0, 4])), host[[0, 1], [0, 4]])
    p, q = RNG.uniform(size=(2, 3, 4)), RNG.uniform(size=(2, 4, 2))
    _close(npx.batch_dot(np.array(p), np.array(q)), p @ q, rtol=1e-4)
    assert (npx.dropout(x, p=0.5).asnumpy() == x.asnumpy()).all()  # not training: identity


# MXNet 1.9.1: npx.save('f', {'a': np.arange(3), 'b': np.array(5.)}) wrote these bytes.
_MXNET_V3_FILE = bytes.fromhex(
    "120100000000000000000000000000000200000000000000cafa93f900000000010000000300000000000000"
    "010000000000000000000000000000000000803f00000040cafa93f90000000000000000010000000000000000"
    "0000000000a0400200000000000000010000000000000061010000000000000062"
)


def test_npx_save_writes_mxnet_v3_bytes_and_loads_np_arrays(tmp_path):
    path = tmp_path / "np.params"
    npx.save(str(path), {"a": np.arange(3), "b": np.array(5.0)})
    assert path.read_bytes() == _MXNET_V3_FILE
    loaded = npx.load(str(path))
    assert set(loaded) == {"a", "b"} and type(loaded["a"]) is np.ndarray
    assert repr(loaded["b"]) == "array(5.)"
    _close(loaded["a"], [0.0, 1.0, 2.0])
    npx.save(str(path), [np.zeros((2, 0)), np.ones((2,), dtype="int32")])
    again = npx.load(str(path))
    assert again[0].shape == (2, 0) and repr(again[1]) == "array([1, 1], dtype=int32)"
    with pytest.raises(TypeError, match="item 1"):
        npx.save(str(path), [np.ones(1), 3])


def test_mxnet_v3_file_loads_and_resaves_byte_identical(tmp_path):
    from pathlib import Path

    original = Path(__file__).parent / "data" / "mxnet_params" / "nd_v3_npx.params"
    loaded = npx.load(str(original))
    assert type(loaded["scalar"]) is np.ndarray and loaded["scalar"].shape == ()
    assert loaded["zero"].shape == (2, 0) and loaded["mat"].dtype == onp.int32
    npx.save(str(tmp_path / "again.params"), loaded)
    assert (tmp_path / "again.params").read_bytes() == original.read_bytes()


def test_npx_unknown_keyword_is_mxnet_cannot_find_argument():
    with pytest.raises(mx.MXNetError, match="Cannot find argument 'axsi'.*in operator softmax"):
        npx.softmax(np.ones(2), axsi=1)


def test_npx_dropout_in_training_scales_kept_units():
    x = np.ones((200, 50))
    with autograd.record():
        y = npx.dropout(x, p=0.5).asnumpy()
    kept = y != 0
    assert 0.4 < kept.mean() < 0.6
    onp.testing.assert_allclose(y[kept], 2.0)


def test_pickle_round_trip_keeps_type_dtype_and_values():
    import pickle

    x = np.array([[1, 2], [3, 4]], dtype="int32")
    y = pickle.loads(pickle.dumps(x))
    assert type(y) is np.ndarray and repr(y) == repr(x)


def test_gradient_through_shape_ops_einsum_and_indexing_matches_finite_differences():
    host = RNG.uniform(0.5, 1.5, size=(3, 4))
    other = RNG.uniform(size=(4, 2))

    def f_np(a):
        joined = onp.concatenate([a, a[::-1] * 2], axis=0)  # (6, 4)
        mixed = onp.einsum("ij,jk->ik", joined, other)  # (6, 2)
        picked = mixed[[0, 5, 5], [1, 0, 1]]
        gated = onp.where(a > 1.0, a, onp.broadcast_to(a[:1], a.shape)).var(axis=1)
        return (picked**2).sum() + gated.sum() + onp.swapaxes(a, 0, 1)[1:, 2].prod()

    x = np.array(host, dtype="float64")
    x.attach_grad()
    with autograd.record():
        joined = np.concatenate([x, np.flip(x, 0) * 2], axis=0)
        mixed = np.einsum("ij,jk->ik", joined, np.array(other, dtype="float64"))
        picked = mixed[[0, 5, 5], [1, 0, 1]]
        gated = np.var(np.where(x > 1.0, x, np.broadcast_to(x[:1], x.shape)), axis=1)
        y = (picked**2).sum() + gated.sum() + np.swapaxes(x, 0, 1)[1:, 2].prod()
    y.backward()
    eps = 1e-6
    numeric = onp.zeros_like(host)
    for idx in onp.ndindex(*host.shape):
        up, down = host.copy(), host.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric[idx] = (f_np(up) - f_np(down)) / (2 * eps)
    onp.testing.assert_allclose(_f64(y), f_np(host), rtol=1e-10)
    onp.testing.assert_allclose(x.grad.asnumpy(), numeric, rtol=1e-5, atol=1e-7)


def test_npx_layers_return_np_arrays_with_reference_values():
    data = RNG.uniform(-1, 1, size=(1, 2, 4, 4))
    weight = RNG.uniform(-1, 1, size=(3, 2, 3, 3))
    conv = npx.convolution(
        np.array(data, dtype="float32"),
        np.array(weight, dtype="float32"),
        kernel=(3, 3),
        num_filter=3,
        no_bias=True,
    )
    want = onp.zeros((1, 3, 2, 2))
    for o, i, j in onp.ndindex(3, 2, 2):
        want[0, o, i, j] = (data[0, :, i : i + 3, j : j + 3] * weight[o]).sum()
    assert type(conv) is np.ndarray
    _close(conv, want, rtol=1e-4, atol=1e-5)
    pooled = npx.pooling(
        np.array(data, dtype="float32"), kernel=(2, 2), stride=(2, 2), pool_type="max"
    )
    _close(pooled, data.reshape(1, 2, 2, 2, 2, 2).max(axis=(3, 5)))
    table = RNG.uniform(size=(5, 3))
    _close(
        npx.embedding(
            np.array([4, 0]), np.array(table, dtype="float32"), input_dim=5, output_dim=3
        ),
        table[[4, 0]],
    )
    x = RNG.uniform(size=(2, 6))
    normed = (x - x.mean(-1, keepdims=True)) / onp.sqrt(x.var(-1, keepdims=True) + 1e-5)
    _close(npx.layer_norm(np.array(x, dtype="float32"), np.ones(6), np.zeros(6)), normed, atol=1e-5)
    _close(
        npx.leaky_relu(np.array(x - 0.5, dtype="float32"), slope=0.1),
        onp.where(x > 0.5, x - 0.5, 0.1 * (x - 0.5)),
    )
    bn = npx.batch_norm(
        np.array(data, dtype="float32"),
        np.ones(2),
        np.zeros(2),
        np.zeros(2),
        np.ones(2),
        use_global_stats=True,
        fix_gamma=False,
        eps=1e-3,
    )
    _close(bn, data / onp.sqrt(1 + 1e-3), rtol=1e-5)
