"""nd.linalg: every operator against numpy (float64, and float32 within its precision), batched
over leading axes; every gradient against central finite differences in float64; MXNet 1.9.1's
documented examples; bad input raising MXNetError that names the operator and the argument.
On a GPU, each operator against the CPU (skipped without one)."""

import itertools

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import autograd, nd
from gluonlite.base import MXNetError

L = nd.linalg
FLAGS3 = list(itertools.product([False, True], repeat=3))


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def t(x):
    return np.swapaxes(x, -1, -2)


def spd(*shape, seed=0):
    """Symmetric positive definite matrices of shape (..., n, n)."""
    x = rand(*shape, seed=seed)
    return x @ t(x) + shape[-1] * np.eye(shape[-1])


def factor(*shape, lower=True, seed=0):
    """Well-conditioned triangular matrices, junk in the other triangle (never read)."""
    x = rand(*shape, seed=seed)
    tri = np.tril(x) if lower else np.triu(x)
    return (
        tri
        + (shape[-1] + 1) * np.eye(shape[-1])
        + 100 * (np.triu(x, 1) if lower else np.tril(x, -1))
    )


def tri(x, lower):
    return np.tril(x) if lower else np.triu(x)


def f64(x):
    return nd.array(x, dtype="float64")


def as_list(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


def run(op, arrays, dtype="float64"):
    return [y.asnumpy() for y in as_list(op(*[nd.array(a, dtype=dtype) for a in arrays]))]


def sym(g):
    """MXNet's gradient convention for ops reading one triangle of a symmetric matrix."""
    return 0.5 * (g + t(g))


def check_grad(op, arrays, symmetric=False, eps=1e-6, rtol=1e-5, atol=1e-6, seed=9):
    """Autograd of sum(op(*arrays)[k] * head[k]) against central differences (float64)."""
    outs = run(op, arrays)
    heads = [rand(*o.shape, seed=seed + k) for k, o in enumerate(outs)]

    def f(*xs):
        return sum(np.sum(o * h) for o, h in zip(run(op, xs), heads))

    inputs = [f64(a) for a in arrays]
    for x in inputs:
        x.attach_grad()
    with autograd.record():
        ys = as_list(op(*inputs))
    autograd.backward(ys, [f64(h) for h in heads])
    for i, a in enumerate(arrays):
        want = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            plus, minus = [x.copy() for x in arrays], [x.copy() for x in arrays]
            plus[i][idx] += eps
            minus[i][idx] -= eps
            want[idx] = (f(*plus) - f(*minus)) / (2 * eps)
        if symmetric:
            want = sym(want)
        np.testing.assert_allclose(inputs[i].grad.asnumpy(), want, rtol=rtol, atol=atol)


def mx_error(fn, *fragments, cls=MXNetError):
    with pytest.raises(cls) as info:
        fn()
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)
    return str(info.value)


# ---- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize("ta,tb", list(itertools.product([False, True], repeat=2)))
@pytest.mark.parametrize("lead", [(), (2,), (2, 3)])
def test_gemm_and_gemm2_match_numpy(ta, tb, lead):
    a = rand(*lead, *((4, 3) if ta else (3, 4)))
    b = rand(*lead, *((5, 4) if tb else (4, 5)), seed=1)
    c = rand(*lead, 3, 5, seed=2)
    want = 1.5 * (t(a) if ta else a) @ (t(b) if tb else b)
    kw = dict(transpose_a=ta, transpose_b=tb, alpha=1.5)
    (got,) = run(lambda x, y: L.gemm2(x, y, **kw), [a, b])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    (got,) = run(lambda x, y, z: L.gemm(x, y, z, beta=-0.5, **kw), [a, b, c])
    np.testing.assert_allclose(got, want - 0.5 * c, rtol=1e-12, atol=1e-12)
    (got32,) = run(lambda x, y, z: L.gemm(x, y, z, beta=-0.5, **kw), [a, b, c], "float32")
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32, want - 0.5 * c, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("axis", [1, -3])
def test_gemm_row_axis_selects_the_matrix_rows(axis):
    a, b, c = rand(2, 3, 4, 5), rand(2, 6, 4, 5, seed=1), rand(2, 3, 4, 6, seed=2)
    (got,) = run(lambda x, y, z: L.gemm(x, y, z, transpose_b=True, axis=axis, beta=2), [a, b, c])
    np.testing.assert_allclose(got, np.einsum("aick,ajck->aicj", a, b) + 2 * c, rtol=1e-12)
    (got,) = run(lambda x, y: L.gemm2(x, y, transpose_b=True, axis=axis), [a, b])
    np.testing.assert_allclose(got, np.einsum("aick,ajck->aicj", a, b), rtol=1e-12)


@pytest.mark.parametrize("transpose", [False, True])
def test_syrk_matches_numpy(transpose):
    a = rand(2, 3, 4)
    (got,) = run(lambda x: L.syrk(x, transpose=transpose, alpha=0.5), [a])
    np.testing.assert_allclose(got, 0.5 * (t(a) @ a if transpose else a @ t(a)), rtol=1e-12)


@pytest.mark.parametrize("transpose,rightside,lower", FLAGS3)
def test_trmm_and_trsm_match_numpy_reading_one_triangle(transpose, rightside, lower):
    a = factor(2, 4, 4, lower=lower)
    b = rand(2, *((3, 4) if rightside else (4, 3)), seed=1)
    opa = t(tri(a, lower)) if transpose else tri(a, lower)
    kw = dict(transpose=transpose, rightside=rightside, lower=lower, alpha=-2.0)
    (got,) = run(lambda x, y: L.trmm(x, y, **kw), [a, b])
    np.testing.assert_allclose(got, -2.0 * (b @ opa if rightside else opa @ b), rtol=1e-12)
    (got,) = run(lambda x, y: L.trsm(x, y, **kw), [a, b])
    want = -2.0 * (b @ np.linalg.inv(opa) if rightside else np.linalg.solve(opa, b))
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    (got32,) = run(lambda x, y: L.trsm(x, y, **kw), [a, b], "float32")
    np.testing.assert_allclose(got32, want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("lower", [True, False])
def test_potrf_factors_and_reads_only_its_triangle(lower):
    a = spd(2, 3, 5, 5)
    junk = a + (np.triu(rand(5, 5, seed=4), 1) if lower else np.tril(rand(5, 5, seed=4), -1))
    (got,) = run(lambda x: L.potrf(x, lower=lower), [junk])
    chol = np.linalg.cholesky(a)
    np.testing.assert_allclose(got, chol if lower else t(chol), rtol=1e-12, atol=1e-12)
    (got32,) = run(lambda x: L.potrf(x, lower=lower), [junk], "float32")
    np.testing.assert_allclose(got32, chol if lower else t(chol), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("lower", [True, False])
def test_potri_inverts_the_factored_matrix(lower):
    f = factor(3, 4, 4, lower=lower)
    ft = tri(f, lower)
    (got,) = run(lambda x: L.potri(x, lower=lower), [f])
    want = np.linalg.inv(ft @ t(ft) if lower else t(ft) @ ft)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("shape", [(3, 5), (2, 3, 3), (2, 1, 4)])
def test_gelqf_matches_lapack_signs(shape):
    a = rand(*shape)
    q, l_ = run(L.gelqf, [a])
    qr_q, qr_r = np.linalg.qr(t(a))  # LAPACK geqrf on A^T: the same reflectors as gelqf on A
    np.testing.assert_allclose(q, t(qr_q), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(l_, t(qr_r), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(l_ @ q, a, rtol=1e-12, atol=1e-12)


def test_syevd_matches_eigh_reading_the_lower_triangle():
    a = spd(2, 3, 5, 5) - 4 * np.eye(5)  # mixed signs
    junk = a + np.triu(rand(5, 5, seed=3), 1)
    u, lam = run(L.syevd, [junk])
    want_lam, v = np.linalg.eigh(a)
    np.testing.assert_allclose(lam, want_lam, rtol=1e-10, atol=1e-12)
    rows = t(v)
    big = np.take_along_axis(rows, np.abs(rows).argmax(-1)[..., None], -1)
    np.testing.assert_allclose(u, rows * np.sign(big), rtol=1e-8, atol=1e-10)
    u32, lam32 = run(L.syevd, [junk], "float32")
    np.testing.assert_allclose(lam32, want_lam, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(u32 @ a @ t(u32), lam32[..., None] * np.eye(5), atol=2e-4)


def test_inverse_det_slogdet_match_numpy_batched():
    a = rand(2, 3, 4, 4) + 0.5 * np.eye(4)
    (inv,) = run(L.inverse, [a])
    np.testing.assert_allclose(inv, np.linalg.inv(a), rtol=1e-10, atol=1e-12)
    (det,) = run(L.det, [a])
    np.testing.assert_allclose(det, np.linalg.det(a), rtol=1e-12)
    sign, logabs = run(L.slogdet, [a])
    want_sign, want_log = np.linalg.slogdet(a)
    np.testing.assert_array_equal(sign, want_sign)
    np.testing.assert_allclose(logabs, want_log, rtol=1e-12)
    (det32,) = run(L.det, [a], "float32")
    np.testing.assert_allclose(det32, np.linalg.det(a), rtol=1e-4)


def test_one_matrix_gives_per_matrix_outputs_of_shape_1():
    a = nd.array([[1.0, 4.0], [2.0, 3.0]])
    assert L.det(a).shape == (1,) and L.sumlogdiag(a).shape == (1,)
    assert [y.shape for y in L.slogdet(a)] == [(1,), (1,)]
    assert L.det(a).asnumpy().tolist() == [-5.0]


def test_slogdet_of_a_singular_matrix_is_zero_sign_and_minus_inf():
    sign, logabs = L.slogdet(nd.array([[1.0, 2.0], [2.0, 4.0]]))
    assert sign.asnumpy()[0] == 0 and logabs.asnumpy()[0] == -np.inf
    assert L.det(nd.array([[1.0, 2.0], [2.0, 4.0]])).asnumpy()[0] == 0


def test_sumlogdiag_matches_numpy():
    a = spd(2, 3, 4, 4)
    (got,) = run(L.sumlogdiag, [a])
    np.testing.assert_allclose(got, np.log(np.diagonal(a, axis1=-2, axis2=-1)).sum(-1))


@pytest.mark.parametrize("offset", [-2, 0, 1])
def test_extractdiag_and_makediag_round_trip(offset):
    a = rand(2, 4, 4)
    (d,) = run(lambda x: L.extractdiag(x, offset=offset), [a])
    np.testing.assert_array_equal(d, np.diagonal(a, offset, -2, -1))
    (m,) = run(lambda x: L.makediag(x, offset=offset), [d])
    np.testing.assert_array_equal(m, np.stack([np.diag(v, offset) for v in d]))


@pytest.mark.parametrize(
    "offset,lower", [(0, True), (0, False), (1, True), (-1, False), (-2, True)]
)
def test_extracttrian_and_maketrian_pack_like_mxnet(offset, lower):
    a = rand(2, 4, 4)
    (p,) = run(lambda x: L.extracttrian(x, offset=offset, lower=lower), [a])
    if offset < 0 or (offset == 0 and lower):  # row by row below/on the diagonal
        want = [x[np.tril_indices(4, offset)] for x in a]
    else:  # column by column above/on it
        want = [x.T[np.tril_indices(4, -offset)] for x in a]
    np.testing.assert_array_equal(p, np.array(want))
    (m,) = run(lambda x: L.maketrian(x, offset=offset, lower=lower), [p])
    keep = np.tril(np.ones((4, 4)), offset) if offset < 0 or (offset == 0 and lower) else None
    keep = keep if keep is not None else np.triu(np.ones((4, 4)), offset)
    np.testing.assert_array_equal(m, a * keep)


def test_mxnet_documented_examples():
    a = nd.array([[[1.0, 1.0]], [[0.1, 0.1]]])
    got = L.gemm(a, a, nd.array([[[10.0]], [[0.01]]]), transpose_b=True, alpha=2.0, beta=10.0)
    np.testing.assert_allclose(got.asnumpy().ravel(), [104.0, 0.14], rtol=1e-6)
    np.testing.assert_allclose(
        L.potri(nd.array([[2.0, 0], [0.5, 2.0]])).asnumpy(), [[0.265625, -0.0625], [-0.0625, 0.25]]
    )
    got = L.trsm(nd.array([[1.0, 0], [1.0, 1.0]]), nd.array([[2.0, 2, 2], [4, 4, 4]]), alpha=0.5)
    np.testing.assert_allclose(got.asnumpy(), np.ones((2, 3)))
    q, l_ = L.gelqf(nd.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    np.testing.assert_allclose(l_.asnumpy(), [[-3.74165739, 0], [-8.55235974, 1.96396101]], 1e-6)
    u, lam = L.syevd(nd.array([[1.0, 2.0], [2.0, 5.0]]))
    np.testing.assert_allclose(
        u.asnumpy(), [[0.92387953, -0.38268343], [0.38268343, 0.92387953]], 1e-6
    )
    np.testing.assert_allclose(lam.asnumpy(), [0.17157288, 5.82842712], 1e-6)
    np.testing.assert_array_equal(
        L.maketrian(nd.array([1.0, 2.0, 3.0]), offset=-1).asnumpy(),
        [[0, 0, 0], [1, 0, 0], [2, 3, 0]],
    )


def test_aliases_out_and_dtype_follow_mxnet():
    assert nd.linalg_gemm2.__name__ == "linalg_gemm2" and not hasattr(nd, "linalg_syevd")
    names = ["gemm", "gemm2", "potrf", "potri", "trmm", "trsm", "sumlogdiag", "extractdiag"]
    names += ["makediag", "extracttrian", "maketrian", "syrk", "gelqf", "inverse", "det"]
    assert all(callable(getattr(nd, "linalg_" + n)) for n in names + ["slogdet"])
    x = nd.array([[4.0, 1.0], [1.0, 4.25]], dtype="float64")
    out = nd.zeros((2, 2), dtype="float64")
    assert nd.linalg_potrf(x, out=out) is out
    np.testing.assert_array_equal(out.asnumpy(), [[2.0, 0.0], [0.5, 2.0]])
    q, l_ = nd.zeros((2, 2)), nd.zeros((2, 2))
    assert L.gelqf(nd.array([[0.0, 1.0], [1.0, 0.0]]), out=[q, l_])[1] is l_
    np.testing.assert_allclose(np.abs(l_.asnumpy()), np.eye(2))


# ---- gradients (float64, central differences) ---------------------------------------------


@pytest.mark.parametrize("ta,tb", list(itertools.product([False, True], repeat=2)))
def test_gemm_gradients(ta, tb):
    a, b = rand(2, *((3, 2) if ta else (2, 3))), rand(2, *((4, 3) if tb else (3, 4)), seed=1)
    c = rand(2, 2, 4, seed=2)
    check_grad(lambda x, y, z: L.gemm(x, y, z, ta, tb, alpha=1.5, beta=-2.0), [a, b, c])
    check_grad(lambda x, y: L.gemm2(x, y, ta, tb, alpha=0.5), [a, b])


def test_gemm_gradient_with_row_axis():
    check_grad(
        lambda x, y: L.gemm2(x, y, transpose_b=True, axis=0), [rand(3, 2, 4), rand(2, 2, 4, seed=1)]
    )


@pytest.mark.parametrize("transpose", [False, True])
def test_syrk_gradient(transpose):
    check_grad(lambda x: L.syrk(x, transpose=transpose, alpha=2.0), [rand(2, 3, 4)])


@pytest.mark.parametrize("transpose,rightside,lower", FLAGS3)
def test_trmm_and_trsm_gradients_vanish_off_the_triangle(transpose, rightside, lower):
    a = factor(2, 3, 3, lower=lower)
    b = rand(2, *((2, 3) if rightside else (3, 2)), seed=1)
    kw = dict(transpose=transpose, rightside=rightside, lower=lower, alpha=1.5)
    check_grad(lambda x, y: L.trmm(x, y, **kw), [a, b])
    check_grad(lambda x, y: L.trsm(x, y, **kw), [a, b])


@pytest.mark.parametrize("lower", [True, False])
def test_potrf_and_potri_gradients(lower):
    check_grad(lambda x: L.potrf(x, lower=lower), [spd(2, 3, 3)], symmetric=True)
    check_grad(lambda x: L.potri(x, lower=lower), [factor(2, 3, 3, lower=lower)], rtol=1e-4)


def test_gelqf_gradient():
    check_grad(L.gelqf, [rand(2, 2, 4)])


def test_syevd_gradient():
    a = spd(2, 3, 3) + np.diag([0.0, 3.0, 7.0])  # well separated eigenvalues
    check_grad(L.syevd, [a], symmetric=True, rtol=1e-4)


def test_inverse_det_slogdet_sumlogdiag_gradients():
    a = rand(2, 3, 3) + 2 * np.eye(3)
    check_grad(L.inverse, [a])
    check_grad(L.det, [a])
    check_grad(L.slogdet, [a])
    check_grad(L.sumlogdiag, [spd(2, 3, 3)])
    check_grad(L.det, [a[0]])


def test_diag_and_trian_gradients():
    a = rand(2, 4, 4)
    check_grad(lambda x: L.extractdiag(x, offset=1), [a])
    check_grad(lambda x: L.makediag(x, offset=-1), [rand(2, 3)])
    check_grad(lambda x: L.extracttrian(x, offset=-1, lower=True), [a])
    check_grad(lambda x: L.maketrian(x, offset=1, lower=False), [rand(2, 6)])


def test_det_of_a_singular_matrix_backpropagates_zeros():
    x = nd.array([[1.0, 2.0], [2.0, 4.0]], dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = L.det(x) + L.slogdet(x)[1] * 0
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), np.zeros((2, 2)))


def test_inverse_gradient_is_differentiable_with_create_graph():
    a, w = rand(3, 3) + 3 * np.eye(3), rand(3, 3, seed=1)

    def first_grad(xv):
        x = f64(xv)
        x.attach_grad()
        with autograd.record():
            y = L.inverse(x).sum()
        return autograd.grad(y, [x], create_graph=True)[0], x

    g, x = first_grad(a)
    with autograd.record():
        g, x = first_grad(a)
        z = (g * f64(w)).sum()
    z.backward()
    want = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        plus, minus = a.copy(), a.copy()
        plus[idx] += 1e-6
        minus[idx] -= 1e-6
        hi = (first_grad(plus)[0].asnumpy() * w).sum()
        lo = (first_grad(minus)[0].asnumpy() * w).sum()
        want[idx] = (hi - lo) / 2e-6
    np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-5, atol=1e-6)


# ---- errors ----------------------------------------------------------------------------------


def test_potrf_rejects_non_square_rank_one_and_non_positive_definite():
    mx_error(lambda: L.potrf(nd.ones((2, 3))), "linalg.potrf: A must hold square", "(2, 3)")
    mx_error(lambda: L.potrf(nd.ones((4,))), "linalg.potrf: A must have at least 2 dim", "(4,)")
    bad = np.stack([spd(3, 3), np.array([[1.0, 2, 0], [2, 1, 0], [0, 0, 1]])])
    mx_error(
        lambda: L.potrf(nd.array(bad)), "linalg.potrf: A[1] is not positive definite", "order 2"
    )


def test_singular_inverse_and_bad_cholesky_factor_are_named():
    mx_error(lambda: L.inverse(nd.array([[1.0, 2.0], [2.0, 4.0]])), "linalg.inverse: A is singular")
    mx_error(
        lambda: L.potri(nd.array([[0.0, 0], [1, 1]])), "linalg.potri: A is not a Cholesky", "0"
    )


def test_batch_and_matrix_mismatches_name_both_shapes():
    mx_error(
        lambda: L.gemm2(nd.ones((2, 2, 3)), nd.ones((3, 3, 2))),
        "linalg.gemm2: A and B must have the same leading (batch) axes",
    )
    mx_error(lambda: L.gemm2(nd.ones((2, 2)), nd.ones((3, 2, 2))), "same number of dimensions")
    mx_error(
        lambda: L.gemm(nd.ones((2, 3)), nd.ones((2, 3)), nd.ones((2, 2))), "3 columns", "2 rows"
    )
    mx_error(
        lambda: L.gemm(nd.ones((3, 4)), nd.ones((4, 5)), nd.ones((3, 4))),
        "C has shape (3, 4)",
        "3 x 5",
    )
    mx_error(lambda: L.trsm(nd.ones((2, 2)), nd.ones((3, 2))), "linalg.trsm: B has shape (3, 2)")
    mx_error(lambda: L.trmm(nd.ones((2, 3)), nd.ones((2, 2))), "linalg.trmm: A must hold square")


def test_bad_arguments_are_named():
    mx_error(lambda: L.gemm2(nd.ones((3, 4)), nd.ones((4, 5)), axis=-1), "axis -1 is not a valid")
    mx_error(lambda: L.gelqf(nd.ones((3, 2))), "linalg.gelqf: A has shape (3, 2)")
    mx_error(lambda: L.extractdiag(nd.ones((2, 2)), offset=3), "offset 3 is out of range")
    mx_error(lambda: L.extracttrian(nd.ones((3, 3)), offset=-3), "offset -3 is out of range")
    mx_error(lambda: L.maketrian(nd.ones((4,))), "linalg.maketrian: the last axis of A has 4")
    mx_error(lambda: L.makediag(nd.array(5.0)), "linalg.makediag: A must have at least 1")
    mx_error(lambda: L.det(nd.ones((0, 2, 2))), "linalg.det: A has shape (0, 2, 2)", "zero-size")
    mx_error(lambda: L.gemm2(nd.ones((2, 2)), nd.ones((2, 2)), foo=1), "Cannot find argument 'foo'")
    mx_error(
        lambda: L.trsm(nd.ones((2, 2)), nd.ones((2, 2)), lower="maybe"), "lower must be a bool"
    )


def test_dtype_errors_name_the_argument():
    msg = mx_error(
        lambda: L.det(nd.ones((2, 2), dtype="int32")),
        "linalg.det: A has dtype int32",
        cls=TypeError,
    )
    assert "float32 and float64" in msg
    mx_error(lambda: L.inverse(nd.ones((2, 2), dtype="float16")), "float16", cls=TypeError)
    mx_error(
        lambda: L.gemm2(nd.ones((2, 2)), nd.ones((2, 2), dtype="float64")),
        "linalg.gemm2: A and B have different dtypes (float32 vs float64)",
    )
    mx_error(lambda: L.gemm2(nd.ones((2, 2)), "b"), "argument B must be an NDArray", cls=TypeError)


# ---- GPU against CPU (skipped without one) ---------------------------------------------------

GPU_CASES = {
    "gemm": (lambda a, b: L.gemm(a, b, a, transpose_b=True, beta=0.5), [(2, 5, 5), (2, 5, 5)]),
    "trsm": (lambda a, b: L.trsm(a, b, rightside=True), [(3, 4, 4), (3, 2, 4)]),
    "trmm": (lambda a, b: L.trmm(a, b, transpose=True, lower=False), [(3, 4, 4), (3, 4, 2)]),
    "potrf": (L.potrf, [(3, 6, 6)]),
    "potri": (L.potri, [(3, 6, 6)]),
    "gelqf": (L.gelqf, [(2, 3, 5)]),
    "syevd": (L.syevd, [(2, 5, 5)]),
    "inverse": (L.inverse, [(4, 5, 5)]),
    "det": (L.det, [(4, 5, 5)]),
    "slogdet": (L.slogdet, [(4, 5, 5)]),
    "extracttrian": (lambda a: L.extracttrian(a, offset=1, lower=False), [(2, 4, 4)]),
    "maketrian": (lambda a: L.maketrian(a, offset=-1), [(2, 6)]),
}


@pytest.mark.skipif(mx.context.num_gpus() == 0, reason="needs a CUDA GPU")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(GPU_CASES))
def test_gpu_matches_cpu(name, dtype):
    op, shapes = GPU_CASES[name]
    arrays = [spd(*s, seed=i) if s[-1] == s[-2] else rand(*s, seed=i) for i, s in enumerate(shapes)]
    if name == "potri":
        arrays = [np.linalg.cholesky(arrays[0])]
    want = run(op, arrays, dtype)
    got = as_list(op(*[nd.array(a, dtype=dtype, ctx=mx.gpu(0)) for a in arrays]))
    tol = 1e-10 if dtype == "float64" else 1e-4
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.asnumpy(), w, rtol=tol, atol=tol)
