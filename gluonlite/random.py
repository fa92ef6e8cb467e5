"""Global random state (MXNet's ``mxnet.random``)."""

from __future__ import annotations

from . import _core
from .ndarray.random import exponential, normal, randint, randn, shuffle, uniform  # noqa: F401

__all__ = ["seed", "uniform", "normal", "randint", "shuffle", "randn"]


def seed(seed_state: int, ctx="all") -> None:
    """Seeds gluonlite's one Philox generator; CPU and GPU then draw identical streams.

    Unlike MXNet, ``ctx`` does not matter: there is a single generator for every device,
    so the same seed gives bit-identical values on ``cpu()`` and ``gpu()``.
    """
    if not isinstance(seed_state, (int,)) and not hasattr(seed_state, "__index__"):
        raise ValueError(f"seed_state must be an integer, got {type(seed_state).__name__}")
    _core.seed(int(seed_state) & 0xFFFFFFFFFFFFFFFF)
