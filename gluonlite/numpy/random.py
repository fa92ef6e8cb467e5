"""``mx.np.random``: NumPy-style sampling on gluonlite's one Philox stream."""

from __future__ import annotations

import numbers
from typing import cast

import numpy as onp

from .. import _core
from .. import random as _mx_random
from ..base import MXNetValueError
from ..ndarray.ndarray import NDArray, _dtype_name
from .multiarray import as_np, ndarray, to_device

__all__ = ["seed", "uniform", "normal", "randn", "rand", "randint", "choice", "shuffle"]


def seed(seed, ctx="all") -> None:  # noqa: A002
    """Seeds the generator (the same stream on CPU and GPU)."""
    _mx_random.seed(seed, ctx=ctx)


def _size(size) -> tuple:
    if size is None:
        return ()
    if isinstance(size, (numbers.Integral, onp.integer)):
        return (int(size),)
    dims = tuple(size)
    if not all(isinstance(d, (numbers.Integral, onp.integer)) for d in dims):
        raise TypeError(f"size must be an int or a tuple of ints, got {size!r}")
    return tuple(int(d) for d in dims)


def _is_array(value) -> bool:
    return isinstance(value, (NDArray, onp.ndarray, list, tuple))


def _draw(fill, a, b, size, dtype, ctx, device, out, op: str) -> ndarray:
    """Fills a new (or ``out``) array by ``fill(t, a, b)``; array parameters broadcast."""
    ctx = to_device(ctx, device)
    dtype = _dtype_name(dtype) if dtype is not None else "float32"
    if _is_array(a) or _is_array(b):
        a_arr, b_arr = as_np(a, ctx, dtype), as_np(b, ctx, dtype)
        shape = _size(size) if size is not None else onp.broadcast_shapes(a_arr.shape, b_arr.shape)
        from .shape_ops import broadcast_to

        unit = _core.empty(shape, dtype, ctx._core_type, ctx.device_id)
        fill(unit, 0.0, 1.0)
        # loc/low + scale·z: the standard draw moved and scaled, per element
        result = _core.add(
            _core.multiply(unit, broadcast_to(b_arr if op == "normal" else b_arr - a_arr, shape)),
            broadcast_to(a_arr, shape),
        )
        if out is not None:
            _core.copy_(out, result)
            return out
        return ndarray(result)
    target = (
        out if out is not None else _core.empty(_size(size), dtype, ctx._core_type, ctx.device_id)
    )
    fill(target, float(a), float(b))
    return cast(ndarray, out) if out is not None else ndarray(target)


def uniform(low=0.0, high=1.0, size=None, dtype=None, ctx=None, device=None, out=None):
    """Samples U[low, high) (float32 unless ``dtype``); size None gives a 0-d array."""
    return _draw(_core.uniform_, low, high, size, dtype, ctx, device, out, "uniform")


def normal(loc=0.0, scale=1.0, size=None, dtype=None, ctx=None, device=None, out=None):
    """Samples N(loc, scale²) (float32 unless ``dtype``)."""
    return _draw(_core.normal_, loc, scale, size, dtype, ctx, device, out, "normal")


def rand(*size, **kwargs) -> ndarray:
    """U[0, 1) samples of shape ``size``."""
    return uniform(size=size, **kwargs)


def randn(*size, **kwargs) -> ndarray:
    """Standard normal samples of shape ``size``."""
    return normal(size=size, **kwargs)


def randint(low, high=None, size=None, dtype=None, ctx=None, device=None, out=None) -> ndarray:
    """Integers uniform in [low, high) ([0, low) when ``high`` is None), int64 by default."""
    if high is None:
        low, high = 0, low
    if int(high) <= int(low):
        raise MXNetValueError(f"randint: low >= high ({low} >= {high})")
    ctx = to_device(ctx, device)
    dtype = _dtype_name(dtype) if dtype is not None else "int64"
    target = (
        out if out is not None else _core.empty(_size(size), dtype, ctx._core_type, ctx.device_id)
    )
    _core.randint_(target, int(low), int(high))
    return cast(ndarray, out) if out is not None else ndarray(target)


def choice(a, size=None, replace: bool = True, p=None, ctx=None, device=None, out=None):
    """Samples from ``a`` (an int n means ``arange(n)``), with or without replacement and
    with probabilities ``p``."""
    ctx = to_device(ctx, device)
    population = None if isinstance(a, (numbers.Integral, onp.integer)) else as_np(a, ctx)
    n = int(a) if population is None else population.shape[0]
    if n <= 0:
        raise ValueError("choice: a must be a positive int or a non-empty array")
    shape = _size(size)
    count = int(onp.prod(shape, dtype=onp.int64))
    if not replace:
        if count > n:
            raise ValueError(
                "choice: cannot take a larger sample than population when replace=False"
            )
        if p is not None:
            raise NotImplementedError("choice: p with replace=False is not supported")
        order = _core.shuffle(
            _core.arange(0.0, float(n), 1.0, 1, "int64", ctx._core_type, ctx.device_id)
        )
        index = _core.slice_axis(order, 0, 0, count)
    elif p is None:
        index = _core.empty((count,), "int64", ctx._core_type, ctx.device_id)
        _core.randint_(index, 0, n)
    else:
        probs = onp.asarray(p.asnumpy() if isinstance(p, NDArray) else p, dtype=onp.float64)
        if probs.shape != (n,) or (probs < 0).any() or abs(probs.sum() - 1.0) > 1e-6:
            raise ValueError(
                "choice: p must be a 1-D probability vector as long as a, summing to 1"
            )
        cdf = as_np(onp.cumsum(probs)[:-1].astype(onp.float32), ctx)
        unit = _core.empty((count, 1), "float32", ctx._core_type, ctx.device_id)
        _core.uniform_(unit, 0.0, 1.0)
        # the index is how many cumulative bounds the draw passed
        passed = _core.greater_equal(unit, _core.reshape(cdf, (1, n - 1), False)) if n > 1 else None
        index = (
            _core.astype(_core.reduce(0, passed, 1, False, False), "int64")
            if passed is not None
            else _core.full((count,), 0.0, "int64", ctx._core_type, ctx.device_id)
        )
    picked = index if population is None else _core.take(population, index, 0, "clip")
    result = _core.reshape(picked, shape + tuple(picked.shape[1:]), False)
    if out is not None:
        _core.copy_(out, result)
        return out
    return ndarray(result)


def shuffle(x) -> None:
    """Shuffles ``x`` in place along its first axis."""
    if not isinstance(x, NDArray):
        raise TypeError(f"shuffle: x must be an ndarray, got {type(x).__name__}")
    _core.copy_(x, _core.shuffle(x))
