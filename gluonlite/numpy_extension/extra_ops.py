"""More ``mx.npx`` operators: the ``nd`` ones (same arguments, checks and gradients) with
their results as ``mx.np.ndarray``, plus ``arange_like`` and ``nonzero``."""

from __future__ import annotations

import functools
from typing import Callable

import numpy as onp

from .. import _core
from .. import ndarray as _nd
from ..base import MXNetError
from ..numpy.multiarray import _wrap_any, as_np, ndarray

__all__ = [
    "topk",
    "sequence_mask",
    "gather_nd",
    "reshape_like",
    "smooth_l1",
    "batch_flatten",
    "cast",
    "erf",
    "erfinv",
    "gamma",
    "gammaln",
    "slice",
    "shape_array",
    "deconvolution",
    "arange_like",
    "nonzero",
]


def _np_result(nd_fn: Callable, name: str) -> Callable:
    @functools.wraps(nd_fn)
    def fn(*args, **kwargs):
        return _wrap_any(nd_fn(*args, **kwargs))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"MXNet's ``npx.{name}``: ``nd.{nd_fn.__name__}`` returning ``mx.np.ndarray``."
    return fn


topk = _np_result(_nd.topk, "topk")
sequence_mask = _np_result(_nd.SequenceMask, "sequence_mask")
gather_nd = _np_result(_nd.gather_nd, "gather_nd")
reshape_like = _np_result(_nd.reshape_like, "reshape_like")
smooth_l1 = _np_result(_nd.smooth_l1, "smooth_l1")
batch_flatten = _np_result(_nd.Flatten, "batch_flatten")
cast = _np_result(_nd.Cast, "cast")
erf = _np_result(_nd.erf, "erf")
erfinv = _np_result(_nd.erfinv, "erfinv")
gamma = _np_result(_nd.gamma, "gamma")
gammaln = _np_result(_nd.gammaln, "gammaln")
slice = _np_result(_nd.slice, "slice")  # noqa: A001  (MXNet's name)
shape_array = _np_result(_nd.shape_array, "shape_array")
deconvolution = _np_result(_nd.Deconvolution, "deconvolution")


def arange_like(
    data,
    start: float = 0.0,
    step: float = 1.0,
    repeat: int = 1,
    ctx=None,
    axis=None,
    out=None,
    name=None,
) -> ndarray:
    """``start, start + step, ...`` shaped like ``data`` (or as long as its ``axis``), each
    value repeated ``repeat`` times, in data's dtype."""
    from ..numpy.creation import arange
    from ..numpy.shape_ops import reshape

    data = as_np(data)
    if not isinstance(repeat, int) or repeat < 1:
        raise MXNetError(f"npx.arange_like: repeat must be a positive int, got {repeat!r}")
    if axis is not None and not -data.ndim <= axis < data.ndim:
        raise MXNetError(
            f"npx.arange_like: axis {axis} is out of range for data of shape {data.shape}"
        )
    count = data.size if axis is None else data.shape[axis]
    positions = arange(count, dtype="float64", ctx=ctx or data.context)
    values = _core.add(
        _core.multiply(_core.floor(_core.divide(positions, float(repeat))), float(step)),
        float(start),
    )
    values = ndarray(_core.astype(values, data._dtype_name))
    result = values if axis is not None else reshape(values, data.shape)
    if out is not None:
        out[...] = result
        return out
    return result


def nonzero(a) -> ndarray:
    """The indices of the nonzero entries, one row per entry (shape (count, a.ndim), int64).

    The result's size depends on the data, so it is computed on the host.
    """
    a = as_np(a)
    found = onp.transpose(onp.nonzero(a.asnumpy())).astype(onp.int64)
    return as_np(found.reshape(-1, a.ndim), a.context)
