"""``nd.linalg``: MXNet 1.x's batched linear-algebra operators.

Every operator works on the trailing two axes of its inputs (``gemm`` and ``gemm2``: the
``axis`` given and the last) and repeats over the leading ones, in float32 and float64, with
gradients. Each is one call into the C++ core (csrc/ops/linalg_*.cc); this file maps MXNet's
keyword arguments onto it. The functions are also ``nd.linalg_gemm``, ``nd.linalg_potrf``,
... as in MXNet (``syevd`` has no such alias there, nor here).

Deliberate differences from MXNet 1.9.1: zero-size inputs raise an MXNetError that says so
(MXNet raises one with an empty message); failures MXNet reports asynchronously (potri of a
non-square array) are raised at the call; and where the eigenvectors of ``syevd`` are
determined only up to sign and their largest entries tie in magnitude, the sign picked may
differ from LAPACK's.
"""

from __future__ import annotations

import numbers
import types
from typing import List, Optional, Sequence

import numpy as np

from .. import _core
from ..base import MXNetError, MXNetTypeError
from .arguments import checked_api, unknown_argument_error
from .ndarray import NDArray
from .ops import _write_out

_NAMES = [
    "gemm",
    "gemm2",
    "potrf",
    "potri",
    "trmm",
    "trsm",
    "sumlogdiag",
    "extractdiag",
    "makediag",
    "extracttrian",
    "maketrian",
    "syrk",
    "gelqf",
    "syevd",
    "inverse",
    "det",
    "slogdet",
]
# What ``from .linalg import *`` gives ``nd``: MXNet's ``nd.linalg_*`` aliases.
__all__: List[str] = []

_TRUE_TEXT, _FALSE_TEXT = ("1", "true"), ("0", "false")


def _flag(value, name: str, op: str) -> bool:
    """A boolean argument as MXNet parses it: bools, 0/1 and 'True'/'False'."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE_TEXT + _FALSE_TEXT:
        return value.strip().lower() in _TRUE_TEXT
    raise MXNetTypeError("linalg.%s: %s must be a bool, got %r" % (op, name, value))


def _number(value, name: str, op: str) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, np.ndarray):
        return float(value)
    raise MXNetTypeError("linalg.%s: %s must be a number, got %r" % (op, name, value))


def _integer(value, name: str, op: str, bits: int) -> int:
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        if -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
            return int(value)
        raise MXNetError("linalg.%s: %s %d is out of range" % (op, name, value))
    raise MXNetTypeError("linalg.%s: %s must be an int, got %r" % (op, name, value))


def _no_extra(op: str, kwargs: dict, accepted: str) -> None:
    """MXNet refuses keyword arguments an operator does not have; so do we."""
    if kwargs:
        valid = accepted.split(", ") + ["out", "name"]
        raise unknown_argument_error("linalg." + op, sorted(kwargs)[0], valid)


def _write_outs(results: Sequence[NDArray], out, op: str) -> List[NDArray]:
    """Both outputs of gelqf/syevd/slogdet, copied into ``out`` (two NDArrays) when given."""
    if out is None:
        return list(results)
    if not isinstance(out, (list, tuple)) or len(out) != len(results):
        raise MXNetTypeError(
            "linalg.%s: out must be a list of %d NDArrays, got %r" % (op, len(results), out)
        )
    return [_write_out(r, o) for r, o in zip(results, out)]


def gemm(
    A: NDArray,
    B: NDArray,
    C: NDArray,
    transpose_a=False,
    transpose_b=False,
    alpha=1.0,
    beta=1.0,
    axis=-2,
    out: Optional[NDArray] = None,
    name=None,
    **kwargs,
) -> NDArray:
    """``alpha * op(A) @ op(B) + beta * C`` for every matrix of a batch.

    op() transposes when ``transpose_a`` / ``transpose_b`` is set. The matrix rows lie along
    ``axis`` (default the second-last), the columns along the last axis; all other axes are
    batch axes and must agree between A, B and C.
    """
    _no_extra("gemm", kwargs, "A, B, C, transpose_a, transpose_b, alpha, beta, axis")
    y = _core.linalg_gemm(
        A,
        B,
        C,
        _flag(transpose_a, "transpose_a", "gemm"),
        _flag(transpose_b, "transpose_b", "gemm"),
        _number(alpha, "alpha", "gemm"),
        _number(beta, "beta", "gemm"),
        _integer(axis, "axis", "gemm", 32),
    )
    return _write_out(y, out)


def gemm2(
    A: NDArray,
    B: NDArray,
    transpose_a=False,
    transpose_b=False,
    alpha=1.0,
    axis=-2,
    out: Optional[NDArray] = None,
    name=None,
    **kwargs,
) -> NDArray:
    """``alpha * op(A) @ op(B)`` for every matrix of a batch (``gemm`` without C)."""
    _no_extra("gemm2", kwargs, "A, B, transpose_a, transpose_b, alpha, axis")
    y = _core.linalg_gemm2(
        A,
        B,
        _flag(transpose_a, "transpose_a", "gemm2"),
        _flag(transpose_b, "transpose_b", "gemm2"),
        _number(alpha, "alpha", "gemm2"),
        _integer(axis, "axis", "gemm2", 32),
    )
    return _write_out(y, out)


def syrk(
    A: NDArray, transpose=False, alpha=1.0, out: Optional[NDArray] = None, name=None, **kwargs
) -> NDArray:
    """``alpha * A @ A.T``, or ``alpha * A.T @ A`` with ``transpose``, per matrix."""
    _no_extra("syrk", kwargs, "A, transpose, alpha")
    y = _core.linalg_syrk(A, _flag(transpose, "transpose", "syrk"), _number(alpha, "alpha", "syrk"))
    return _write_out(y, out)


def _triangular(core_fn, op, A, B, transpose, rightside, lower, alpha, out, kwargs):
    _no_extra(op, kwargs, "A, B, transpose, rightside, lower, alpha")
    y = core_fn(
        A,
        B,
        _flag(transpose, "transpose", op),
        _flag(rightside, "rightside", op),
        _flag(lower, "lower", op),
        _number(alpha, "alpha", op),
    )
    return _write_out(y, out)


def trmm(
    A: NDArray,
    B: NDArray,
    transpose=False,
    rightside=False,
    lower=True,
    alpha=1.0,
    out: Optional[NDArray] = None,
    name=None,
    **kwargs,
) -> NDArray:
    """``alpha * op(A) @ B`` (``alpha * B @ op(A)`` with ``rightside``) for triangular A.

    Only A's lower triangle (upper with ``lower=False``) is read.
    """
    return _triangular(
        _core.linalg_trmm, "trmm", A, B, transpose, rightside, lower, alpha, out, kwargs
    )


def trsm(
    A: NDArray,
    B: NDArray,
    transpose=False,
    rightside=False,
    lower=True,
    alpha=1.0,
    out: Optional[NDArray] = None,
    name=None,
    **kwargs,
) -> NDArray:
    """Solves ``op(A) @ X = alpha * B`` (``X @ op(A) = alpha * B`` with ``rightside``).

    A is triangular; only its lower triangle (upper with ``lower=False``) is read. A zero on
    its diagonal gives infinities and NaNs, as in MXNet.
    """
    return _triangular(
        _core.linalg_trsm, "trsm", A, B, transpose, rightside, lower, alpha, out, kwargs
    )


def potrf(A: NDArray, lower=True, out: Optional[NDArray] = None, name=None, **kwargs) -> NDArray:
    """Cholesky factor of the symmetric positive definite A: L with ``A = L @ L.T``.

    With ``lower=False`` the upper factor U with ``A = U.T @ U``. Only that triangle of A
    is read. A matrix that is not positive definite raises MXNetError naming it.
    """
    _no_extra("potrf", kwargs, "A, lower")
    return _write_out(_core.linalg_potrf(A, _flag(lower, "lower", "potrf")), out)


def potri(A: NDArray, lower=True, out: Optional[NDArray] = None, name=None, **kwargs) -> NDArray:
    """``inv(B)`` from B's Cholesky factor A (``A^-T A^-1``; ``A^-1 A^-T`` with lower=False)."""
    _no_extra("potri", kwargs, "A, lower")
    return _write_out(_core.linalg_potri(A, _flag(lower, "lower", "potri")), out)


def gelqf(A: NDArray, out=None, name=None, **kwargs) -> List[NDArray]:
    """LQ factorization ``A = L @ Q`` of matrices with no more rows than columns.

    Returns ``[Q, L]``: Q with orthonormal rows, L lower triangular, signed as LAPACK's.
    """
    _no_extra("gelqf", kwargs, "A")
    return _write_outs(_core.linalg_gelqf(A), out, "gelqf")


def syevd(A: NDArray, out=None, name=None, **kwargs) -> List[NDArray]:
    """Eigen-decomposition of symmetric matrices (their lower triangle is read).

    Returns ``[U, lam]``: the rows of U are orthonormal eigenvectors (``U @ A = diag(lam) @
    U``), each with its largest-magnitude entry positive, and lam ascends.
    """
    _no_extra("syevd", kwargs, "A")
    return _write_outs(_core.linalg_syevd(A), out, "syevd")


def inverse(A: NDArray, out: Optional[NDArray] = None, name=None, **kwargs) -> NDArray:
    """``inv(A)`` through LU with partial pivoting; a singular matrix raises MXNetError."""
    _no_extra("inverse", kwargs, "A")
    return _write_out(_core.linalg_inverse(A), out)


def det(A: NDArray, out: Optional[NDArray] = None, name=None, **kwargs) -> NDArray:
    """Determinant of each matrix: shape A.shape[:-2], or (1,) for a single matrix.

    No gradient flows through a singular matrix (it gets zeros), as in MXNet.
    """
    _no_extra("det", kwargs, "A")
    return _write_out(_core.linalg_det(A), out)


def slogdet(A: NDArray, out=None, name=None, **kwargs) -> List[NDArray]:
    """``[sign, log|det|]`` of each matrix; the sign gets no gradient."""
    _no_extra("slogdet", kwargs, "A")
    return _write_outs(_core.linalg_slogdet(A), out, "slogdet")


def sumlogdiag(A: NDArray, out: Optional[NDArray] = None, name=None, **kwargs) -> NDArray:
    """Sum of the logarithms of the diagonal of each square matrix."""
    _no_extra("sumlogdiag", kwargs, "A")
    return _write_out(_core.linalg_sumlogdiag(A), out)


def extractdiag(A: NDArray, offset=0, out: Optional[NDArray] = None, name=None, **kwargs):
    """The diagonal at ``offset`` (> 0 above the main one, < 0 below) of each matrix."""
    _no_extra("extractdiag", kwargs, "A, offset")
    y = _core.linalg_extractdiag(A, _integer(offset, "offset", "extractdiag", 64))
    return _write_out(y, out)


def makediag(A: NDArray, offset=0, out: Optional[NDArray] = None, name=None, **kwargs):
    """Square matrices with the vectors of A on the diagonal at ``offset``, zeros elsewhere."""
    _no_extra("makediag", kwargs, "A, offset")
    y = _core.linalg_makediag(A, _integer(offset, "offset", "makediag", 64))
    return _write_out(y, out)


def extracttrian(
    A: NDArray, offset=0, lower=True, out: Optional[NDArray] = None, name=None, **kwargs
) -> NDArray:
    """A triangle of each square matrix, packed into a vector.

    offset 0: the lower triangle (row by row) or with ``lower=False`` the upper one (column
    by column); offset k > 0: the upper triangle above the k-th diagonal; k < 0: the lower
    triangle below it.
    """
    _no_extra("extracttrian", kwargs, "A, offset, lower")
    y = _core.linalg_extracttrian(
        A,
        _integer(offset, "offset", "extracttrian", 64),
        _flag(lower, "lower", "extracttrian"),
    )
    return _write_out(y, out)


def maketrian(
    A: NDArray, offset=0, lower=True, out: Optional[NDArray] = None, name=None, **kwargs
) -> NDArray:
    """The inverse of ``extracttrian``: square matrices holding the packed triangles of A."""
    _no_extra("maketrian", kwargs, "A, offset, lower")
    y = _core.linalg_maketrian(
        A, _integer(offset, "offset", "maketrian", 64), _flag(lower, "lower", "maketrian")
    )
    return _write_out(y, out)


def _renamed(fn, name: str):
    """A copy of ``fn`` named ``name`` (same code, so a bad call fails at its own boundary)."""
    alias = types.FunctionType(fn.__code__, fn.__globals__, name, fn.__defaults__, fn.__closure__)
    alias.__kwdefaults__ = fn.__kwdefaults__
    alias.__doc__, alias.__qualname__ = fn.__doc__, name
    alias.__annotations__ = dict(fn.__annotations__)
    return alias


def _install() -> None:
    scope = globals()
    for op in _NAMES:
        raw = scope[op]
        scope[op] = checked_api(raw)
        if op != "syevd":  # MXNet 1.9.1 has no nd.linalg_syevd
            alias = "linalg_" + op
            scope[alias] = checked_api(_renamed(raw, alias))
            __all__.append(alias)


_install()
