"""Random sampling (MXNet's ``nd.random``), all drawn from gluonlite's one Philox stream."""

from __future__ import annotations

from typing import Optional

from .. import _core
from ..context import Context, _as_context
from .ndarray import NDArray, _dtype_name, _shape_tuple

__all__ = ["uniform", "normal", "randn", "randint", "shuffle", "exponential"]


def _target(shape, dtype, ctx, out) -> NDArray:
    if out is not None:
        return out
    ctx = _as_context(ctx)
    shape = (1,) if shape is None else _shape_tuple(shape)
    return _core.empty(
        shape, _dtype_name(dtype if dtype is not None else "float32"), ctx._core_type, ctx.device_id
    )


def uniform(
    low=0,
    high=1,
    shape=None,
    dtype=None,
    ctx: Optional[Context] = None,
    out: Optional[NDArray] = None,
    **kwargs,
) -> NDArray:
    """Samples U[low, high); fills ``out`` in place when given."""
    t = _target(shape, dtype, ctx, out)
    _core.uniform_(t, float(low), float(high))
    return t


def normal(
    loc=0,
    scale=1,
    shape=None,
    dtype=None,
    ctx: Optional[Context] = None,
    out: Optional[NDArray] = None,
    **kwargs,
) -> NDArray:
    """Samples N(loc, scale²); fills ``out`` in place when given."""
    t = _target(shape, dtype, ctx, out)
    _core.normal_(t, float(loc), float(scale))
    return t


def randn(*shape, loc=0, scale=1, dtype=None, ctx: Optional[Context] = None, **kwargs) -> NDArray:
    """Standard normal samples of the given shape."""
    return normal(loc, scale, shape or (1,), dtype, ctx)


def randint(
    low,
    high,
    shape=None,
    dtype="int32",
    ctx: Optional[Context] = None,
    out: Optional[NDArray] = None,
    **kwargs,
) -> NDArray:
    """Integers uniform in [low, high)."""
    t = _target(shape, dtype, ctx, out)
    _core.randint_(t, int(low), int(high))
    return t


def shuffle(data: NDArray, **kwargs) -> NDArray:
    """A copy of ``data`` with its first axis randomly permuted."""
    return _core.shuffle(data)


def exponential(
    scale=1,
    shape=None,
    dtype=None,
    ctx: Optional[Context] = None,
    out: Optional[NDArray] = None,
    **kwargs,
) -> NDArray:
    """Samples Exp(1/scale) by inversion of a uniform draw."""
    u = uniform(0, 1, shape, dtype, ctx, out)
    y = _core.negative(_core.log(_core.subtract(1.0, u)))
    result = _core.multiply(y, float(scale))
    if out is not None:
        _core.copy_(out, result)
        return out
    return result
