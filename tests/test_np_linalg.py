"""mx.np.linalg: values against NumPy (float64), MXNet 1.9.1's conventions, gradients by
finite differences, errors."""

import numpy as onp
import pytest

import gluonlite as mx
from gluonlite import autograd, np
from gluonlite.base import MXNetError

RNG = onp.random.RandomState(0)
SPD = onp.array([[4.0, 1, 2], [1, 5, 3], [2, 3, 6]])


def spd_batch(n=3, batch=(2,)):
    x = RNG.randn(*batch, n, n)
    return x @ onp.swapaxes(x, -1, -2) + n * onp.eye(n)


def numeric_grad(f, x, eps=1e-6):
    grad = onp.zeros_like(x)
    for i in onp.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += eps
        minus[i] -= eps
        grad[i] = (f(plus) - f(minus)) / (2 * eps)
    return grad


def check_grad(fn, x, project=None):
    """d sum(fn(x) * w) / dx against finite differences, float64."""
    out0 = fn(np.array(x, dtype="float64"))
    outs = out0 if isinstance(out0, (list, tuple)) else [out0]
    weights = [RNG.randn(*o.shape) for o in outs]

    def scalar(value):
        results = fn(np.array(value, dtype="float64"))
        results = results if isinstance(results, (list, tuple)) else [results]
        return builtins_sum(float((r.asnumpy() * w).sum()) for r, w in zip(results, weights))

    a = np.array(x, dtype="float64")
    a.attach_grad()
    with autograd.record():
        results = fn(a)
        results = results if isinstance(results, (list, tuple)) else [results]
        total = None
        for r, w in zip(results, weights):
            term = (r * np.array(w, dtype="float64")).sum()
            total = term if total is None else total + term
    total.backward()
    onp.testing.assert_allclose(a.grad.asnumpy(), numeric_grad(scalar, x), rtol=1e-4, atol=1e-6)


def builtins_sum(values):
    total = 0.0
    for v in values:
        total += v
    return total


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_inv_det_slogdet_match_numpy_batched(dtype):
    x = spd_batch(batch=(2, 2))
    a = np.array(x, dtype=dtype)
    tol = 1e-4 if dtype == "float32" else 1e-10
    assert np.linalg.inv(a).dtype == onp.dtype(dtype)
    onp.testing.assert_allclose(np.linalg.inv(a).asnumpy(), onp.linalg.inv(x), rtol=tol, atol=tol)
    d = np.linalg.det(a)
    assert isinstance(d, np.ndarray) and d.shape == (2, 2)
    onp.testing.assert_allclose(d.asnumpy(), onp.linalg.det(x), rtol=tol)
    sign, logabs = np.linalg.slogdet(a)
    ref_sign, ref_log = onp.linalg.slogdet(x)
    onp.testing.assert_allclose(sign.asnumpy(), ref_sign)
    onp.testing.assert_allclose(logabs.asnumpy(), ref_log, rtol=tol)


def test_det_of_one_matrix_is_0d_and_slogdet_a_list():
    d = np.linalg.det(np.array(SPD))
    assert d.shape == () and abs(float(d) - 70.0) < 1e-3
    result = np.linalg.slogdet(np.array(SPD))
    assert isinstance(result, list) and [r.shape for r in result] == [(), ()]


def test_integer_input_is_computed_in_float32():
    result = np.linalg.inv(np.array([[1, 2], [3, 4]]))
    assert result.dtype == onp.float32
    onp.testing.assert_allclose(result.asnumpy(), [[-2, 1], [1.5, -0.5]], rtol=1e-5)


def test_cholesky_matches_numpy():
    x = spd_batch(4, (3,))
    onp.testing.assert_allclose(
        np.linalg.cholesky(np.array(x, dtype="float64")).asnumpy(),
        onp.linalg.cholesky(x),
        rtol=1e-10,
    )


def test_solve_vector_and_matrix_right_hand_sides():
    x = spd_batch(3, (2,))
    bv = RNG.randn(2, 3)
    bm = RNG.randn(2, 3, 4)
    a = np.array(x, dtype="float64")
    got = np.linalg.solve(a, np.array(bv, dtype="float64"))
    assert got.shape == (2, 3)
    onp.testing.assert_allclose(got.asnumpy(), onp.linalg.solve(x, bv[..., None])[..., 0])
    onp.testing.assert_allclose(
        np.linalg.solve(a, np.array(bm, dtype="float64")).asnumpy(), onp.linalg.solve(x, bm)
    )


def test_eigh_matches_mxnet_recorded_output():
    w, v = np.linalg.eigh(np.array(SPD))
    # MXNet 1.9.1: eigenvectors in columns, largest-magnitude entry positive
    onp.testing.assert_allclose(w.asnumpy(), [2.1943977, 3.3867702, 9.418833], rtol=1e-5)
    recorded = [
        [-0.44122472, 0.8155834, 0.37435868],
        [-0.5773503, -0.5773503, 0.57735014],
        [0.68701327, 0.03860506, 0.7256184],
    ]
    onp.testing.assert_allclose(v.asnumpy(), recorded, atol=1e-5)
    onp.testing.assert_allclose(np.linalg.eigvalsh(np.array(SPD)).asnumpy(), w.asnumpy())


def test_eigh_upper_reads_the_upper_triangle():
    x = onp.triu(SPD)  # lower part zero: only UPLO='U' sees the full matrix
    w = np.linalg.eigvalsh(np.array(x, dtype="float64"), UPLO="U")
    onp.testing.assert_allclose(w.asnumpy(), onp.linalg.eigvalsh(SPD), rtol=1e-10)


def test_svd_returns_mxnet_order_and_signs():
    ut, s, v = np.linalg.svd(np.array([[1.0, 2, 3], [4, 5, 6]]))
    # recorded from MXNet 1.9.1
    onp.testing.assert_allclose(
        ut.asnumpy(), [[0.3863178, -0.9223658], [0.9223658, 0.3863178]], atol=1e-5
    )
    onp.testing.assert_allclose(s.asnumpy(), [9.508031, 0.7728695], rtol=1e-5)
    onp.testing.assert_allclose(
        v.asnumpy(),
        [[0.42866704, 0.5663069, 0.7039467], [0.80596405, 0.11238248, -0.5811991]],
        atol=1e-5,
    )


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_svd_batched_reconstructs_and_matches_numpy_values(dtype):
    x = RNG.randn(2, 3, 5)
    ut, s, v = np.linalg.svd(np.array(x, dtype=dtype))
    assert (ut.shape, s.shape, v.shape) == ((2, 3, 3), (2, 3), (2, 3, 5))
    assert s.dtype == onp.dtype(dtype)
    tol = 1e-5 if dtype == "float32" else 1e-10
    onp.testing.assert_allclose(s.asnumpy(), onp.linalg.svd(x, compute_uv=False), rtol=tol)
    rebuilt = ut.asnumpy() @ (s.asnumpy()[..., None] * v.asnumpy())
    onp.testing.assert_allclose(rebuilt, x, atol=10 * tol)


def test_qr_tall_and_wide_match_numpy():
    tall = RNG.randn(5, 3)
    q, r = np.linalg.qr(np.array(tall, dtype="float64"))
    ref_q, ref_r = onp.linalg.qr(tall)
    onp.testing.assert_allclose(q.asnumpy(), ref_q, atol=1e-10)
    onp.testing.assert_allclose(r.asnumpy(), ref_r, atol=1e-10)
    wide = RNG.randn(2, 4)
    q, r = np.linalg.qr(np.array(wide, dtype="float64"))
    ref_q, ref_r = onp.linalg.qr(wide)
    onp.testing.assert_allclose(q.asnumpy(), ref_q, atol=1e-10)
    onp.testing.assert_allclose(r.asnumpy(), ref_r, atol=1e-10)
    assert r.asnumpy()[1, 0] == 0.0
    r_only = np.linalg.qr(np.array(tall, dtype="float64"), mode="r")
    onp.testing.assert_allclose(r_only.asnumpy(), onp.linalg.qr(tall)[1], atol=1e-10)


def test_qr_bad_mode_and_complete_tall():
    with pytest.raises(ValueError, match="unrecognized mode 'full'"):
        np.linalg.qr(np.ones((2, 2)), mode="full")
    with pytest.raises(NotImplementedError, match=r"shape \(3, 2\)"):
        np.linalg.qr(np.ones((3, 2)), mode="complete")


def test_pinv_matrix_rank_lstsq_match_numpy():
    x = RNG.randn(4, 3)
    a = np.array(x, dtype="float64")
    onp.testing.assert_allclose(np.linalg.pinv(a).asnumpy(), onp.linalg.pinv(x), atol=1e-10)
    onp.testing.assert_allclose(
        np.linalg.pinv(np.array(x.T, dtype="float64")).asnumpy(), onp.linalg.pinv(x.T), atol=1e-10
    )
    singular = onp.array([[1.0, 2], [2, 4]])
    rank = np.linalg.matrix_rank(np.array(singular))
    assert type(rank) is onp.int64 and rank == 1  # a NumPy scalar, as MXNet
    ranks = np.linalg.matrix_rank(np.ones((2, 3, 3)))
    assert isinstance(ranks, np.ndarray) and ranks.dtype == onp.int64
    assert ranks.asnumpy().tolist() == [1, 1]
    b = RNG.randn(4, 2)
    got = np.linalg.lstsq(a, np.array(b, dtype="float64"), rcond=None)
    ref = onp.linalg.lstsq(x, b, rcond=None)
    onp.testing.assert_allclose(got[0].asnumpy(), ref[0], atol=1e-10)
    onp.testing.assert_allclose(got[1].asnumpy(), ref[1], rtol=1e-8)
    assert got[2] == ref[2] == 3
    onp.testing.assert_allclose(got[3].asnumpy(), ref[3], rtol=1e-10)


def test_lstsq_default_rcond_warns_and_rank_deficient_has_no_residuals():
    with pytest.warns(FutureWarning, match="`rcond` parameter will change"):
        np.linalg.lstsq(np.array([[1.0, 2], [3, 4], [5, 6]]), np.array([1.0, 2, 3]))
    x, residuals, rank, s = np.linalg.lstsq(
        np.array([[1.0, 2], [2, 4], [5, 10]]), np.array([1.0, 2, 3]), rcond=None
    )
    assert rank == 1 and residuals.shape == (0,)
    onp.testing.assert_allclose(x.asnumpy(), [0.13333334, 0.26666668], rtol=1e-4)


def test_cond_matrix_power_multi_dot_tensorinv_tensorsolve():
    a = np.array(SPD, dtype="float64")
    for p in (None, 2, -2, "fro", 1, -1, onp.inf, -onp.inf):
        onp.testing.assert_allclose(np.linalg.cond(a, p), onp.linalg.cond(SPD, p), rtol=1e-8)
    for n in (0, 1, 3, -2):
        onp.testing.assert_allclose(
            np.linalg.matrix_power(a, n).asnumpy(), onp.linalg.matrix_power(SPD, n), rtol=1e-8
        )
    vec = onp.array([1.0, -1, 2])
    onp.testing.assert_allclose(
        np.linalg.multi_dot([np.array(vec), a, a, np.array(vec)]).asnumpy(),
        onp.linalg.multi_dot([vec, SPD, SPD, vec]),
        rtol=1e-6,
    )
    t = RNG.randn(4, 2, 2) + onp.eye(4).reshape(4, 2, 2) * 3
    onp.testing.assert_allclose(
        np.linalg.tensorinv(np.array(t, dtype="float64"), ind=1).asnumpy(),
        onp.linalg.tensorinv(t, ind=1),
        atol=1e-10,
    )
    t6 = RNG.randn(6, 2, 3)
    rhs = RNG.randn(6)
    onp.testing.assert_allclose(
        np.linalg.tensorsolve(
            np.array(t6, dtype="float64"), np.array(rhs, dtype="float64")
        ).asnumpy(),
        onp.linalg.tensorsolve(t6, rhs),
        atol=1e-8,
    )


def test_eig_real_eigenvalues_and_complex_error():
    w, v = np.linalg.eig(np.array([[2.0, 1], [0, 3]]))
    onp.testing.assert_allclose(w.asnumpy(), [2, 3])
    onp.testing.assert_allclose(v.asnumpy(), [[1, 0.70710677], [0, 0.70710677]], rtol=1e-6)
    onp.testing.assert_allclose(np.linalg.eigvals(np.array([[2.0, 1], [0, 3]])).asnumpy(), [2, 3])
    with pytest.raises(MXNetError, match="complex eigenvalues"):
        np.linalg.eig(np.array([[0.0, 1], [-1, 0]]))


def test_gradients_by_finite_differences():
    x = spd_batch(3, (2,))
    check_grad(np.linalg.inv, x)
    check_grad(np.linalg.det, x)
    check_grad(lambda a: np.linalg.slogdet(a)[1], x)
    # only the lower triangle is read: differentiate through a symmetric parametrisation
    check_grad(lambda a: np.linalg.cholesky((a + a.T) / 2), x[0])
    check_grad(lambda a: np.linalg.solve(a, np.array(onp.ones((2, 3, 1)), dtype="float64")), x)
    check_grad(lambda a: np.linalg.eigvalsh((a + np.swapaxes(a, -1, -2)) / 2), x)
    wide = RNG.randn(2, 4)
    check_grad(lambda a: np.linalg.svd(a)[1], wide)
    check_grad(lambda a: list(np.linalg.qr(a)), RNG.randn(4, 3))
    check_grad(np.linalg.pinv, RNG.randn(2, 3))


def test_errors_name_the_argument_and_shape():
    with pytest.raises(
        MXNetError,
        match=r"linalg.inv: the last two dimensions of a must be equal"
        r" \(square matrices\), got shape \(2, 3\)",
    ):
        np.linalg.inv(np.ones((2, 3)))
    with pytest.raises(
        MXNetError,
        match=r"linalg.det: a must have at least 2 dimensions, got "
        r"shape \(3,\)",
    ):
        np.linalg.det(np.ones((3,)))
    with pytest.raises(MXNetError, match="linalg.inv: a is singular"):
        np.linalg.inv(np.array([[1.0, 2], [2, 4]]))
    with pytest.raises(MXNetError, match="linalg.solve: a is singular"):
        np.linalg.solve(np.array([[1.0, 2], [2, 4]]), np.array([1.0, 2]))
    with pytest.raises(MXNetError, match="linalg.cholesky: a is not positive definite"):
        np.linalg.cholesky(np.array([[1.0, 2], [2, 1]]))
    with pytest.raises(MXNetError, match=r"linalg.svd: a of shape \(3, 2\) has more rows"):
        np.linalg.svd(np.ones((3, 2)))
    with pytest.raises(MXNetError, match=r"linalg.solve: b of shape \(2,\) does not match a"):
        np.linalg.solve(np.eye(3), np.ones((2,)))
    with pytest.raises(TypeError, match="linalg.inv: a has dtype float16"):
        np.linalg.inv(np.ones((2, 2), dtype="float16"))
    with pytest.raises(NotImplementedError, match="hermitian=True"):
        np.linalg.pinv(np.ones((2, 3)), hermitian=True)
    with pytest.raises(TypeError, match="matrix_power: n must be an int"):
        np.linalg.matrix_power(np.eye(2), 1.5)


def test_results_are_np_ndarrays_on_the_input_context():
    a = np.array(SPD, ctx=mx.cpu())
    for result in (
        np.linalg.inv(a),
        np.linalg.cholesky(a),
        np.linalg.eigh(a)[1],
        np.linalg.svd(a)[2],
        np.linalg.qr(a)[0],
        np.linalg.pinv(a),
    ):
        assert type(result) is np.ndarray and result.context == mx.cpu()
