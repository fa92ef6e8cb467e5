"""Global random state (MXNet's ``mxnet.random``) and the samplers, as ``mx.random.*``."""

from __future__ import annotations

from . import _core
from .context import Context
from .ndarray.random import (  # noqa: F401
    exponential,
    gamma,
    generalized_negative_binomial,
    multinomial,
    negative_binomial,
    normal,
    poisson,
    randint,
    randn,
    shuffle,
    uniform,
)

__all__ = [
    "seed",
    "uniform",
    "normal",
    "randn",
    "randint",
    "exponential",
    "gamma",
    "poisson",
    "negative_binomial",
    "generalized_negative_binomial",
    "multinomial",
    "shuffle",
]


def seed(seed_state: int, ctx="all") -> None:
    """Seeds gluonlite's one Philox generator; CPU and GPU then draw identical streams.

    Unlike MXNet, ``ctx`` does not select a generator: there is a single one for every
    device, so ``seed(s, ctx=gpu(0))`` reseeds it for all of them, and the same seed gives
    bit-identical values on ``cpu()`` and ``gpu()``. ``ctx`` must still be ``'all'``, a
    Context or a device-type string, as MXNet accepts.
    """
    if isinstance(seed_state, bool) or not hasattr(seed_state, "__index__"):
        raise ValueError(f"seed_state must be an integer, got {type(seed_state).__name__}")
    if not isinstance(ctx, Context) and ctx != "all":
        Context(ctx)  # ValueError naming an unknown device type, TypeError for others
    _core.seed(int(seed_state.__index__()) & 0xFFFFFFFFFFFFFFFF)
