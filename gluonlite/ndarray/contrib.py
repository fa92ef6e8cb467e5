"""``nd.contrib``: the contrib operators of MXNet that gluonlite has."""

from __future__ import annotations

import math
from typing import Optional, Tuple

from .. import _core
from ..base import MXNetTypeError
from ..context import Context, _as_context
from . import random
from ._internal import _count
from .arguments import checked_api
from .ctc import CTCLoss, ctc_loss  # noqa: F401  (MXNet has them in nd.contrib too)
from .ndarray import NDArray
from .ops import _write_out, filled

__all__ = ["isinf", "isnan", "isfinite", "CTCLoss", "ctc_loss", "rand_zipfian"]


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


@checked_api
def rand_zipfian(
    true_classes: NDArray, num_sampled: int, range_max: int, ctx: Optional[Context] = None
) -> Tuple[NDArray, NDArray, NDArray]:
    """``num_sampled`` classes in [0, range_max) drawn with replacement from the
    approximately log-uniform distribution ``P(c) = log((c + 2) / (c + 1)) /
    log(range_max + 1)``, and the expected counts ``P(c) * num_sampled`` of the true and of
    the sampled classes: ``(samples int64, expected_count_true float64,
    expected_count_sampled float64)``, on ``ctx`` (the current context by default)."""
    op = "rand_zipfian"
    if not isinstance(true_classes, NDArray):
        raise MXNetTypeError(
            "%s: true_classes must be an NDArray, got %s" % (op, type(true_classes).__name__)
        )
    num_sampled = _count(op, "num_sampled", num_sampled, 1)
    range_max = _count(op, "range_max", range_max, 1)
    ctx = _as_context(ctx)
    log_range = math.log(range_max + 1)
    rand = random.uniform(0, log_range, shape=(num_sampled,), dtype="float64", ctx=ctx)
    # exp(u) - 1 is in [0, range_max); the modulo guards the rounding at the top end
    sampled_classes = (rand.exp() - 1).astype("int64") % range_max

    def expected_count(classes: NDArray) -> NDArray:
        classes = classes.astype("float64")
        return ((classes + 2.0) / (classes + 1.0)).log() / log_range * num_sampled

    true = true_classes.as_in_context(ctx)
    return sampled_classes, expected_count(true), expected_count(sampled_classes)
