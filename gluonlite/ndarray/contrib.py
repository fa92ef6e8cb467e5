"""``nd.contrib``: the contrib operators of MXNet that gluonlite has."""

from __future__ import annotations

from .. import _core
from .arguments import checked_api
from .ctc import CTCLoss, ctc_loss  # noqa: F401  (MXNet has them in nd.contrib too)
from .ndarray import NDArray
from .ops import _write_out, filled

__all__ = ["isinf", "isnan", "isfinite", "CTCLoss", "ctc_loss"]


@checked_api
def isnan(data: NDArray, out=None, name=None) -> NDArray:
    """1 where ``data`` is NaN, else 0 (in data's dtype)."""
    return _write_out(_core.not_equal(data, data), out)


@checked_api
def isinf(data: NDArray, out=None, name=None) -> NDArray:
    """1 where ``data`` is +inf or -inf, else 0 (in data's dtype)."""
    return _write_out(_core.equal(_core.abs(data), filled(data, float("inf"))), out)


@checked_api
def isfinite(data: NDArray, out=None, name=None) -> NDArray:
    """1 where ``data`` is neither NaN nor infinite, else 0 (in data's dtype)."""
    finite = _core.lesser(_core.abs(data), filled(data, float("inf")))
    return _write_out(finite, out)
