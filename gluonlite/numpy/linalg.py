"""``mx.np.linalg``: NumPy's linear algebra on the ``nd.linalg`` kernels.

Every function is composed from core operators (potrf, syevd, gelqf, inverse, det, slogdet,
syrk and GEMMs), so it runs where its input lives (CPU or GPU) and autograd differentiates
it. Matrices lie in the last two axes; leading axes are batch axes. Integer input is computed
in float32, as in MXNet. Deliberate differences from MXNet 1.9.1:

- ``svd`` comes from the eigen-decomposition of ``a @ a.T`` (computed in float64, also for
  float32 input); singular values and vectors match a direct SVD to float32 precision, but
  where ``a`` is rank deficient the rows of ``v`` for (near-)zero singular values are not
  determined.
- ``qr(mode='complete')`` of a matrix with more rows than columns is not supported.
- ``eig`` and ``eigvals`` (which MXNet computes on the CPU only) copy the data to the host.
"""

from __future__ import annotations

import numbers
import warnings
from typing import List, Tuple

import numpy as onp

from .. import _core
from ..base import MXNetError
from .math_ops import _write_out, max, min, sum  # noqa: A004
from .multiarray import as_np, ndarray
from .shape_ops import flip, reshape, swapaxes

__all__ = [
    "norm",
    "inv",
    "det",
    "slogdet",
    "cholesky",
    "solve",
    "eigh",
    "eigvalsh",
    "eig",
    "eigvals",
    "svd",
    "qr",
    "pinv",
    "matrix_rank",
    "lstsq",
    "cond",
    "matrix_power",
    "multi_dot",
    "tensorinv",
    "tensorsolve",
]


def norm(x, ord=None, axis=None, keepdims: bool = False, out=None) -> ndarray:  # noqa: A002
    """Vector and Frobenius norms: ``ord`` None/'fro'/2 (Euclidean), 1, inf (vectors).

    With ``axis=None`` the array is treated as one flat vector for ord None/'fro', as NumPy
    does for 1-D and 2-D input; matrix norms with ord 1, 2 or inf are not supported.
    """
    x = as_np(x)
    if x._dtype_name[0] in "iub":
        x = ndarray(_core.astype(x, "float32"))
    vector_axis = axis is None or isinstance(axis, numbers.Integral)
    if ord in (None, "fro") or (ord == 2 and vector_axis and (axis is not None or x.ndim == 1)):
        result = _core.sqrt(sum(_core.square(x), axis=axis, keepdims=keepdims))
    elif ord == 1 and vector_axis and (axis is not None or x.ndim == 1):
        result = sum(_core.abs(x), axis=axis, keepdims=keepdims)
    elif ord == float("inf") and vector_axis and (axis is not None or x.ndim == 1):
        result = max(_core.abs(x), axis=axis, keepdims=keepdims)
    else:
        raise NotImplementedError(f"linalg.norm: ord={ord!r} with axis={axis!r} is not supported")
    return _write_out(ndarray(result), out)


# ---- argument checks -------------------------------------------------------------------------


def _floating(a, op: str, name: str = "a") -> ndarray:
    """``a`` as a float32/float64 ndarray (integers and bools become float32)."""
    a = as_np(a)
    kind = a._dtype_name
    if kind[0] in "iub":
        return ndarray(_core.astype(a, "float32"))
    if kind not in ("float32", "float64"):
        raise TypeError(
            f"linalg.{op}: {name} has dtype {kind}; only float32 and float64 are supported"
        )
    return a


def _matrices(a, op: str, name: str = "a", square: bool = True) -> ndarray:
    """``a`` checked to hold (square) matrices in its last two axes."""
    a = _floating(a, op, name)
    if a.ndim < 2:
        raise MXNetError(
            f"linalg.{op}: {name} must have at least 2 dimensions, got shape {a.shape}"
        )
    if square and a.shape[-1] != a.shape[-2]:
        raise MXNetError(
            f"linalg.{op}: the last two dimensions of {name} must be equal (square matrices), "
            f"got shape {a.shape}"
        )
    if a.size == 0:
        raise MXNetError(
            f"linalg.{op}: {name} has shape {a.shape}; zero-size input is not supported"
        )
    return a


def _renamed_error(op: str, kernel: str, fn, *args):
    """Calls the core kernel; its errors are re-worded to name this function and ``a``."""
    try:
        return fn(*args)
    except MXNetError as error:
        text = str(error).replace(f"linalg.{kernel}: A", f"linalg.{op}: a")
        raise MXNetError(text.replace(f"linalg.{kernel}:", f"linalg.{op}:")) from None


def _batch_shape(a: ndarray) -> tuple:
    return tuple(a.shape[:-2])


def _t(a) -> ndarray:
    """Swaps the last two axes."""
    return swapaxes(a, -1, -2)


def _matmul(a, b) -> ndarray:
    from .linalg_ops import matmul

    return matmul(a, b)


# ---- determinants and inverses ---------------------------------------------------------------


def inv(a) -> ndarray:
    """The inverse of each square matrix (LU with partial pivoting); singular ones raise
    MXNetError."""
    a = _matrices(a, "inv")
    return ndarray(_renamed_error("inv", "inverse", _core.linalg_inverse, a))


def det(a) -> ndarray:
    """The determinant of each square matrix: shape ``a.shape[:-2]`` (0-d for one matrix)."""
    a = _matrices(a, "det")
    return reshape(_core.linalg_det(a), _batch_shape(a))


def slogdet(a) -> List[ndarray]:
    """``[sign, log|det|]`` of each square matrix (a list, as MXNet returns)."""
    a = _matrices(a, "slogdet")
    sign, logabs = _core.linalg_slogdet(a)
    shape = _batch_shape(a)
    return [reshape(sign, shape), reshape(logabs, shape)]


def cholesky(a) -> ndarray:
    """The lower Cholesky factor L (``a = L @ L.T``) of each symmetric positive definite
    matrix; only the lower triangle is read."""
    a = _matrices(a, "cholesky")
    return ndarray(_renamed_error("cholesky", "potrf", _core.linalg_potrf, a, True))


def solve(a, b) -> ndarray:
    """Solves ``a @ x = b``: b holds vectors (``b.ndim == a.ndim - 1``) or matrices."""
    a = _matrices(a, "solve")
    b = _floating(as_np(b, a.context), "solve", "b")
    if b._dtype_name != a._dtype_name:
        a, b = (ndarray(_core.astype(x, "float64")) for x in (a, b))
    vector = b.ndim == a.ndim - 1
    if b.ndim == 0 or b.shape[-1 if vector else -2] != a.shape[-1]:
        raise MXNetError(
            f"linalg.solve: b of shape {b.shape} does not match a of shape {a.shape}: "
            f"b needs {a.shape[-1]} rows"
        )
    inverse = ndarray(_renamed_error("solve", "inverse", _core.linalg_inverse, a))
    if vector:
        return reshape(_matmul(inverse, reshape(b, b.shape + (1,))), b.shape)
    return _matmul(inverse, b)


def matrix_power(a, n: int) -> ndarray:
    """``a`` multiplied by itself ``n`` times (``n < 0``: of its inverse; 0: identity)."""
    if not isinstance(n, (numbers.Integral, onp.integer)) or isinstance(n, bool):
        raise TypeError(f"linalg.matrix_power: n must be an int, got {n!r}")
    a = _matrices(a, "matrix_power")
    n = int(n)
    if n == 0:
        from .creation import eye

        eye_n = eye(a.shape[-1], dtype=a._dtype_name, ctx=a.context)
        return ndarray(_core.add(_core.multiply(a, 0.0), eye_n))
    base = inv(a) if n < 0 else a
    n = abs(n)
    result = None
    while n:
        if n & 1:
            result = base if result is None else _matmul(result, base)
        n >>= 1
        if n:
            base = _matmul(base, base)
    return result


def multi_dot(arrays, *, out=None) -> ndarray:
    """The product of a chain of arrays (first and last may be vectors), left to right."""
    from .linalg_ops import dot

    arrays = [as_np(x) for x in arrays]
    if len(arrays) < 2:
        raise ValueError("linalg.multi_dot: expecting at least two arrays")
    result = arrays[0]
    for x in arrays[1:]:
        result = dot(result, x)
    return _write_out(result, out)


def tensorinv(a, ind: int = 2) -> ndarray:
    """The inverse of ``a`` viewed as a matrix of its first ``ind`` by its other axes."""
    a = as_np(a)
    if not isinstance(ind, numbers.Integral) or ind <= 0:
        raise ValueError(f"linalg.tensorinv: ind must be a positive integer, got {ind!r}")
    rows = int(onp.prod(a.shape[:ind], dtype=onp.int64))
    columns = int(onp.prod(a.shape[ind:], dtype=onp.int64))
    if rows != columns:
        raise MXNetError(
            f"linalg.tensorinv: a of shape {a.shape} with ind={ind} is not square: "
            f"{rows} x {columns}"
        )
    inverse = inv(reshape(a, (rows, columns)))
    return reshape(inverse, tuple(a.shape[ind:]) + tuple(a.shape[:ind]))


def tensorsolve(a, b, axes=None) -> ndarray:
    """x with ``tensordot(a, x, x.ndim) == b``; ``axes`` of a are moved to its end first."""
    from .shape_ops import moveaxis

    a = as_np(a)
    b = as_np(b, a.context)
    if axes is not None:
        axes = [axes] if isinstance(axes, numbers.Integral) else list(axes)
        a = moveaxis(a, axes, [a.ndim - len(axes) + i for i in range(len(axes))])
    solution_shape = tuple(a.shape[b.ndim :])
    rows = int(onp.prod(b.shape, dtype=onp.int64))
    columns = int(onp.prod(solution_shape, dtype=onp.int64))
    if rows != columns:
        raise MXNetError(
            f"linalg.tensorsolve: a of shape {a.shape} and b of shape {b.shape} do not give a "
            f"square system ({rows} x {columns})"
        )
    x = solve(reshape(a, (rows, columns)), reshape(b, (rows,)))
    return reshape(x, solution_shape)


# ---- eigen-decompositions and SVD ------------------------------------------------------------


def _lower_view(a: ndarray, UPLO: str, op: str) -> ndarray:  # noqa: N803
    if UPLO not in ("L", "U"):
        raise ValueError(f"linalg.{op}: UPLO must be 'L' or 'U', got {UPLO!r}")
    return a if UPLO == "L" else _t(a)  # the upper triangle of a is the lower one of a.T


def eigh(a, UPLO: str = "L") -> Tuple[ndarray, ndarray]:  # noqa: N803
    """``(w, v)`` of each symmetric matrix: ascending eigenvalues w, eigenvectors in the
    columns of v (each with its largest-magnitude entry positive)."""
    a = _lower_view(_matrices(a, "eigh"), UPLO, "eigh")
    vectors, values = _core.linalg_syevd(a)
    return ndarray(values), _t(vectors)


def eigvalsh(a, UPLO: str = "L") -> ndarray:  # noqa: N803
    """The ascending eigenvalues of each symmetric matrix."""
    a = _lower_view(_matrices(a, "eigvalsh"), UPLO, "eigvalsh")
    return ndarray(_core.linalg_syevd(a)[1])


def _host_eig(a, op: str):
    """General eigen-decomposition on the host (MXNet has a CPU kernel only); real
    eigenvalues only, as in MXNet."""
    a = _matrices(a, op)
    values, vectors = onp.linalg.eig(a.asnumpy())
    if onp.any(values.imag != 0):
        raise MXNetError(f"linalg.{op}: a has complex eigenvalues, which are not supported")
    dtype = a._dtype_name
    return (
        as_np(values.real.astype(dtype), a.context),
        as_np(vectors.real.astype(dtype), a.context),
    )


def eig(a) -> Tuple[ndarray, ndarray]:
    """``(w, v)``: eigenvalues and right eigenvectors (columns) of general square matrices.

    Computed on the host and without gradient; complex eigenvalues raise MXNetError.
    """
    return _host_eig(a, "eig")


def eigvals(a) -> ndarray:
    """The eigenvalues of general square matrices (host computation, no gradient)."""
    return _host_eig(a, "eigvals")[0]


def _sign_of_largest(rows: ndarray) -> ndarray:
    """+1 or -1 per row: the sign of its entry of largest magnitude (constant to autograd)."""
    from .. import autograd

    with autograd.pause():
        balance = _core.add(max(rows, axis=-1, keepdims=True), min(rows, axis=-1, keepdims=True))
        return ndarray(
            _core.subtract(_core.multiply(_mask(_core.greater_equal(balance, 0.0), rows), 2.0), 1.0)
        )


def _mask(condition, like: ndarray) -> ndarray:
    """A boolean result as 0/1 in ``like``'s dtype."""
    return ndarray(_core.astype(condition, like._dtype_name))


def _svd64(a: ndarray):
    """(ut, s, v) of matrices with rows <= columns, in float64."""
    a = ndarray(_core.astype(a, "float64")) if a._dtype_name != "float64" else a
    vectors, values = _core.linalg_syevd(_core.linalg_syrk(a, False, 1.0))
    rows = flip(ndarray(vectors), axis=-2)  # descending singular values
    s = ndarray(_core.sqrt(_core.maximum(flip(ndarray(values), axis=-1), 0.0)))
    projected = _matmul(rows, a)  # row i has norm s_i
    safe = ndarray(_core.add(s, _core.subtract(1.0, _mask(_core.greater(s, 0.0), s))))
    v = ndarray(_core.divide(projected, reshape(safe, tuple(safe.shape) + (1,))))
    sign = _sign_of_largest(v)
    v = ndarray(_core.multiply(v, sign))
    ut = ndarray(_core.multiply(_t(rows), _t(sign)))
    return ut, s, v


def svd(a) -> Tuple[ndarray, ndarray, ndarray]:
    """``(ut, l, v)`` with ``a = ut @ diag(l) @ v`` for matrices of shape (..., M, N), M <= N.

    MXNet's order and shapes: ut (..., M, M), descending l (..., M), v (..., M, N) with
    orthonormal rows, each row's largest-magnitude entry positive.
    """
    a = _matrices(a, "svd", square=False)
    if a.shape[-2] > a.shape[-1]:
        raise MXNetError(
            f"linalg.svd: a of shape {a.shape} has more rows than columns; the second-to-last "
            "dimension must be less than or equal to the last (pass a.T and swap the factors)"
        )
    dtype = a._dtype_name
    return tuple(  # type: ignore[return-value]
        x if dtype == "float64" else ndarray(_core.astype(x, dtype)) for x in _svd64(a)
    )


def _singular_values(a: ndarray) -> ndarray:
    wide = a if a.shape[-2] <= a.shape[-1] else _t(a)
    return _svd64(wide)[1]


def qr(a, mode: str = "reduced"):
    """``(q, r)`` with ``a = q @ r``, q with orthonormal columns, r upper triangular (signed
    as LAPACK's); ``mode='r'`` returns r alone."""
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"linalg.qr: unrecognized mode {mode!r}; use 'reduced', 'complete' or 'r'")
    a = _matrices(a, "qr", square=False)
    rows, columns = a.shape[-2], a.shape[-1]
    if mode == "complete" and rows > columns:
        raise NotImplementedError(
            f"linalg.qr: mode='complete' for a of shape {a.shape} (more rows than columns) is "
            "not supported"
        )
    if rows >= columns:  # a.T = L Q (LQ) gives a = Q.T L.T
        q_rows, lower = _core.linalg_gelqf(_t(a))
        q, r = _t(q_rows), _t(lower)
    else:
        from .shape_ops import concatenate

        q, square_r = qr(ndarray(_core.slice_axis(a, a.ndim - 1, 0, rows)))
        rest = _matmul(_t(q), ndarray(_core.slice_axis(a, a.ndim - 1, rows, None)))
        r = concatenate([square_r, rest], axis=-1)
    return r if mode == "r" else (q, r)


def pinv(a, rcond=1e-15, hermitian: bool = False) -> ndarray:
    """The Moore-Penrose pseudo-inverse of each matrix; singular values at or below
    ``rcond * max(s)`` are treated as zero (rcond may be an array over the batch)."""
    if hermitian:
        raise NotImplementedError("linalg.pinv: hermitian=True is not supported")
    a = _matrices(a, "pinv", square=False)
    tall = a.shape[-2] > a.shape[-1]
    ut, s, v = _svd64(_t(a) if tall else a)
    cutoff = ndarray(_core.multiply(max(s, axis=-1, keepdims=True), _rcond_array(rcond, s)))
    keep = _mask(_core.greater(s, cutoff), s)
    safe = ndarray(_core.add(s, _core.subtract(1.0, keep)))
    inverse_s = ndarray(_core.multiply(_core.reciprocal(safe), keep))
    scaled = ndarray(_core.multiply(_t(v), reshape(inverse_s, tuple(s.shape[:-1]) + (1, -1))))
    result = _matmul(scaled, _t(ut))
    result = _t(result) if tall else result
    return ndarray(_core.astype(result, a._dtype_name)) if a._dtype_name != "float64" else result


def _rcond_array(rcond, s: ndarray) -> ndarray:
    rcond = as_np(rcond, s.context, dtype="float64")
    rcond = ndarray(_core.astype(rcond, "float64"))
    return reshape(rcond, tuple(rcond.shape) + (1,))


def matrix_rank(A, tol=None, hermitian: bool = False):  # noqa: N803  (MXNet's name)
    """The number of singular values above ``tol`` (default ``max(s) * max(M, N) * eps``).

    As MXNet: a NumPy int64 scalar for one matrix, an int64 ndarray for a batch.
    """
    if hermitian:
        raise NotImplementedError("linalg.matrix_rank: hermitian=True is not supported")
    A = _floating(A, "matrix_rank", "A")  # noqa: N806
    if A.ndim < 2:
        return onp.int64(int(bool(onp.any(A.asnumpy() != 0))))
    A = _matrices(A, "matrix_rank", "A", square=False)  # noqa: N806
    s = _singular_values(A)
    if tol is None:
        eps = float(onp.finfo(A._dtype_name).eps)
        tol_array = ndarray(
            _core.multiply(max(s, axis=-1, keepdims=True), eps * _builtin_max(A.shape[-2:]))
        )
    else:
        tol_array = _rcond_array(tol, s)
    count = sum(ndarray(_core.astype(_core.greater(s, tol_array), "int64")), axis=-1)
    count = ndarray(_core.astype(count, "int64"))
    return onp.int64(count.asnumpy()) if A.ndim == 2 else count


def _builtin_max(values) -> int:
    """Python's max (this module's ``max`` is NumPy's)."""
    import builtins

    return builtins.max(values)


def lstsq(a, b, rcond="warn"):
    """Least-squares solution of ``a @ x = b``: ``(x, residuals, rank, s)`` as NumPy returns.

    ``rcond='warn'`` keeps the old default (machine precision) with NumPy's FutureWarning;
    ``rcond=None`` uses ``eps * max(M, N)``.
    """
    a = _matrices(a, "lstsq", square=False)
    b = _floating(as_np(b, a.context), "lstsq", "b")
    if a.ndim != 2 or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise MXNetError(
            f"linalg.lstsq: a must be 2-D and b 1-D or 2-D with as many rows as a, got a of "
            f"shape {a.shape} and b of shape {b.shape}"
        )
    eps = float(onp.finfo(a._dtype_name).eps)
    if rcond == "warn":
        warnings.warn(
            "`rcond` parameter will change to the default of machine precision times "
            "``max(M, N)`` where M and N are the input matrix dimensions.\nTo use the future "
            "default and silence this warning we advise to pass `rcond=None`, to keep using "
            "the old, explicitly pass `rcond=-1`.",
            FutureWarning,
            stacklevel=2,
        )
        rcond = eps
    elif rcond is None:
        rcond = eps * _builtin_max(a.shape)
    elif rcond < 0:
        rcond = eps
    if b._dtype_name != a._dtype_name:
        a, b = (ndarray(_core.astype(x, "float64")) for x in (a, b))
    x = _matmul(pinv(a, rcond), b)
    s = _singular_values(a)
    cutoff = float(s.asnumpy().max()) * rcond if s.size else 0.0
    rank = int((s.asnumpy() > cutoff).sum())
    rows, columns = a.shape
    if rank == columns and rows > columns:
        residual = ndarray(_core.subtract(b, _matmul(a, x)))
        residuals = sum(ndarray(_core.square(residual)), axis=0)
        if b.ndim == 1:
            residuals = reshape(residuals, (1,))
    else:
        from .creation import zeros

        residuals = zeros((0,), dtype=a._dtype_name, ctx=a.context)
    s = ndarray(_core.astype(s, a._dtype_name))
    return x, residuals, rank, s


def cond(x, p=None):
    """The condition number of each matrix: ``p`` None/2 (largest over smallest singular
    value), -2, 'fro', 1, -1, inf or -inf. A NumPy scalar for one matrix, as MXNet."""
    x = _matrices(x, "cond", square=False)
    if p in (None, 2, -2):
        s = _singular_values(x)
        ratio = ndarray(_core.divide(max(s, axis=-1), min(s, axis=-1)))
        if p == -2:
            ratio = ndarray(_core.reciprocal(ratio))
    elif p in ("fro", 1, -1, float("inf"), -float("inf")):
        x = _matrices(x, "cond")
        ratio = ndarray(_core.multiply(_matrix_norm(x, p), _matrix_norm(inv(x), p)))
    else:
        raise ValueError(f"linalg.cond: invalid norm order {p!r}")
    ratio = ndarray(_core.astype(ratio, x._dtype_name))
    return ratio.asnumpy()[()] if x.ndim == 2 else ratio


def _matrix_norm(x: ndarray, p) -> ndarray:
    if p == "fro":
        return ndarray(_core.sqrt(sum(ndarray(_core.square(x)), axis=(-2, -1))))
    magnitude = ndarray(_core.abs(x))
    sums = sum(magnitude, axis=-2 if p in (1, -1) else -1)
    return max(sums, axis=-1) if p in (1, float("inf")) else min(sums, axis=-1)
