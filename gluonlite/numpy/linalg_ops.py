"""``mx.np`` products: dot, matmul, tensordot, einsum (composed from the core's GEMMs)."""

from __future__ import annotations

import numbers

import numpy as onp

from .. import _core
from ..base import MXNetValueError
from .math_ops import _write_out, sum
from .multiarray import _promoted, as_np, ndarray
from .shape_ops import broadcast_to, reshape, transpose

__all__ = ["dot", "vdot", "inner", "outer", "matmul", "tensordot", "einsum"]


def _pair(a, b):
    a = as_np(a)
    b = as_np(b, a.context)
    return _promoted(a, b) if a._dtype_name != b._dtype_name else (a, b)


def dot(a, b, out=None) -> ndarray:
    """NumPy's ``dot``: inner product of 1-D arrays, matrix product, sum over a's last and
    b's second-to-last axis for N-D arrays."""
    a, b = _pair(a, b)
    if a.ndim == 0 or b.ndim == 0:
        return _write_out(ndarray(_core.multiply(a, b)), out)
    if b.ndim > 2:
        return _write_out(tensordot(a, b, ((a.ndim - 1,), (b.ndim - 2,))), out)
    if a.shape[-1] != b.shape[0]:
        raise MXNetValueError(
            f"dot: shapes {a.shape} and {b.shape} not aligned: {a.shape[-1]} (dim {a.ndim - 1}) "
            f"!= {b.shape[0]} (dim 0)"
        )
    result = _core.dot(a, b, False, False)
    if a.ndim == 1 and b.ndim == 1:
        result = _core.reshape(result, (), False)
    return _write_out(ndarray(result), out)


def vdot(a, b) -> ndarray:
    """The dot product of the flattened arrays."""
    return dot(reshape(a, (-1,)), reshape(b, (-1,)))


def inner(a, b) -> ndarray:
    """Sum product over the last axes."""
    a, b = _pair(a, b)
    return tensordot(a, b, ((a.ndim - 1,), (b.ndim - 1,)))


def outer(a, b) -> ndarray:
    """The outer product of the flattened arrays."""
    a, b = _pair(a, b)
    return ndarray(_core.multiply(reshape(a, (-1, 1)), reshape(b, (1, -1))))


def _axes_pair(a, b, axes):
    if isinstance(axes, (numbers.Integral, onp.integer)):
        n = int(axes)
        if n < 0 or n > a.ndim or n > b.ndim:
            raise MXNetValueError(
                f"tensordot: axes={n} is out of range for {a.shape} and {b.shape}"
            )
        return list(range(a.ndim - n, a.ndim)), list(range(n))
    axes_a, axes_b = axes
    axes_a = [axes_a] if isinstance(axes_a, (numbers.Integral, onp.integer)) else list(axes_a)
    axes_b = [axes_b] if isinstance(axes_b, (numbers.Integral, onp.integer)) else list(axes_b)
    if len(axes_a) != len(axes_b):
        raise MXNetValueError("tensordot: axes lists of the two arrays must have the same length")
    return [ax % a.ndim for ax in axes_a], [ax % b.ndim for ax in axes_b]


def tensordot(a, b, axes=2) -> ndarray:
    """Sum of products over ``axes`` (an int n: a's last n with b's first n; or two lists)."""
    a, b = _pair(a, b)
    axes_a, axes_b = _axes_pair(a, b, axes)
    for i, j in zip(axes_a, axes_b):
        if a.shape[i] != b.shape[j]:
            raise MXNetValueError(
                f"tensordot: shape mismatch for sum: axis {i} of a has size {a.shape[i]}, "
                f"axis {j} of b has size {b.shape[j]}"
            )
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [j for j in range(b.ndim) if j not in axes_b]
    k = int(onp.prod([a.shape[i] for i in axes_a], dtype=onp.int64))
    left = transpose(a, free_a + axes_a)
    right = transpose(b, axes_b + free_b)
    m = int(onp.prod([a.shape[i] for i in free_a], dtype=onp.int64))
    n = int(onp.prod([b.shape[j] for j in free_b], dtype=onp.int64))
    product = _core.dot(reshape(left, (m, k)), reshape(right, (k, n)), False, False)
    shape = tuple(a.shape[i] for i in free_a) + tuple(b.shape[j] for j in free_b)
    return ndarray(_core.reshape(product, shape, False)) if shape else reshape(product, ())


def matmul(a, b, out=None) -> ndarray:
    """NumPy's ``matmul``: matrix product over the last two axes, batch axes broadcast."""
    a, b = _pair(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise MXNetValueError("matmul: input operand does not have enough dimensions (0-d)")
    if a.ndim <= 2 and b.ndim <= 2:
        return dot(a, b, out)
    a_vector, b_vector = a.ndim == 1, b.ndim == 1
    if a_vector:
        a = reshape(a, (1, -1))
    if b_vector:
        b = reshape(b, (-1, 1))
    if a.shape[-1] != b.shape[-2]:
        raise MXNetValueError(
            f"matmul: mismatch in the core dimension: {a.shape[-1]} (a) != {b.shape[-2]} (b)"
        )
    batch = onp.broadcast_shapes(tuple(a.shape[:-2]), tuple(b.shape[:-2]))
    count = int(onp.prod(batch, dtype=onp.int64))
    a3 = reshape(broadcast_to(a, batch + tuple(a.shape[-2:])), (count,) + tuple(a.shape[-2:]))
    b3 = reshape(broadcast_to(b, batch + tuple(b.shape[-2:])), (count,) + tuple(b.shape[-2:]))
    product = _core.batch_dot(a3, b3, False, False)
    shape = batch + (a.shape[-2], b.shape[-1])
    result = reshape(product, shape)
    if a_vector:
        result = ndarray(_core.squeeze(result, (result.ndim - 2,)))
    if b_vector:
        result = ndarray(_core.squeeze(result, (result.ndim - 1,)))
    return _write_out(result, out)


# ---- einsum: one contraction at a time, each a tensordot-like GEMM ------------------------


def _parse_subscripts(subscripts: str, count: int):
    text = subscripts.replace(" ", "")
    if "." in text:
        raise NotImplementedError("einsum: '...' (ellipsis) subscripts are not supported")
    inputs, arrow, output = text.partition("->")
    terms = inputs.split(",")
    if len(terms) != count:
        raise MXNetValueError(f"einsum: {len(terms)} operand subscripts for {count} operands")
    for term in terms + [output]:
        if not term.isalpha() and term:
            raise MXNetValueError(f"einsum: invalid subscript {term!r} (letters only)")
    if not arrow:  # implicit output: letters seen once, in alphabetical order
        letters = "".join(terms)
        output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return terms, output


def _sum_out(x, term: str, keep: str):
    """Sums over the letters of ``term`` not in ``keep``; returns (array, remaining term)."""
    drop = [i for i, c in enumerate(term) if c not in keep]
    if not drop:
        return x, term
    return sum(x, axis=tuple(drop)), "".join(c for c in term if c in keep)


def _contract(x, tx: str, y, ty: str, keep: str):
    """x (letters tx) times y (letters ty), keeping the letters in ``keep``."""
    batch = [c for c in tx if c in ty and c in keep]
    summed = [c for c in tx if c in ty and c not in keep]
    left = [c for c in tx if c not in ty]
    right = [c for c in ty if c not in tx]
    size = dict(zip(tx, x.shape))
    size.update(zip(ty, y.shape))

    def prod(letters):
        return int(onp.prod([size[c] for c in letters], dtype=onp.int64))

    xt = transpose(x, [tx.index(c) for c in batch + left + summed])
    yt = transpose(y, [ty.index(c) for c in batch + summed + right])
    x3 = reshape(xt, (prod(batch), prod(left), prod(summed)))
    y3 = reshape(yt, (prod(batch), prod(summed), prod(right)))
    product = _core.batch_dot(x3, y3, False, False)
    letters = batch + left + right
    return reshape(product, tuple(size[c] for c in letters)), "".join(letters)


def einsum(subscripts: str, *operands, out=None, optimize=False) -> ndarray:
    """Einstein summation over letter subscripts (no '...', no repeated letter in one term)."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a str, got {type(subscripts).__name__}")
    terms, output = _parse_subscripts(subscripts, len(operands))
    arrays = [as_np(op) for op in operands]
    for term, arr in zip(terms, arrays):
        if len(set(term)) != len(term):
            raise NotImplementedError(f"einsum: repeated subscript in {term!r} (diagonals)")
        if len(term) != arr.ndim:
            raise MXNetValueError(
                f"einsum: subscript {term!r} has {len(term)} letters for an operand with "
                f"{arr.ndim} dimensions"
            )
    x, tx = arrays[0], terms[0]
    for i in range(1, len(arrays)):
        later = output + "".join(terms[i + 1 :])
        x, tx = _sum_out(x, tx, later + terms[i])
        y, ty = _sum_out(arrays[i], terms[i], later + tx)
        if x._dtype_name != y._dtype_name:
            x, y = _promoted(x, y)
        x, tx = _contract(x, tx, y, ty, later)
    x, tx = _sum_out(x, tx, output)
    if tx != output:
        x = transpose(x, [tx.index(c) for c in output])
    if not isinstance(x, ndarray):
        x = ndarray(x)
    return _write_out(x, out)
