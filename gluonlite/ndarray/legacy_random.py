"""MXNet's operator-style samplers at ``nd`` level: ``nd.random_uniform`` and its kin take
number parameters only, ``nd.sample_uniform`` and its kin NDArray parameters only
(``nd.uniform`` and ``nd.normal`` are ``random_uniform`` and ``random_normal``). They share
``nd.random``'s kernels; note that ``random_exponential`` and ``sample_exponential`` take
the rate ``lam``, where ``nd.random.exponential`` takes the scale.
"""

from __future__ import annotations

from typing import List, Optional, Union

from .. import _core
from ..base import MXNetTypeError, MXNetValueError
from ..context import Context
from . import random as _random
from .arguments import checked_api
from .ndarray import NDArray

__all__ = [
    "random_uniform",
    "random_normal",
    "random_randint",
    "random_exponential",
    "random_gamma",
    "random_poisson",
    "random_negative_binomial",
    "random_generalized_negative_binomial",
    "uniform",
    "normal",
    "sample_uniform",
    "sample_normal",
    "sample_exponential",
    "sample_gamma",
    "sample_poisson",
    "sample_negative_binomial",
    "sample_generalized_negative_binomial",
    "sample_multinomial",
    "shuffle",
]


def _numbers(op: str, names, values) -> None:
    for name, value in zip(names, values):
        if isinstance(value, NDArray):
            base = op[len("random_") :]
            raise MXNetTypeError(
                f"{op}: {name} must be a number, got an NDArray (nd.sample_{base} and "
                f"nd.random.{base} take NDArray parameters)"
            )
        if not _random._is_number(value):
            raise MXNetValueError(f"{op}: {name} must be a number, got {type(value).__name__}")


def _random_op(op, kind, names, values, shape, ctx, dtype, out, kwargs) -> NDArray:
    _random._check_kwargs(op, dict(kwargs))
    _numbers(op, names, values)
    return _random._sample(op, kind, names, values, shape, dtype, ctx, out, kwargs)


def _sample_op(op, kind, names, values, shape, dtype, out, kwargs) -> NDArray:
    _random._check_kwargs(op, dict(kwargs))  # an unknown keyword first, as MXNet reports it
    for name, value in zip(names, values):
        _random._require_ndarray(op, name, value)
    return _random._sample(op, kind, names, values, shape, dtype, None, out, kwargs)


# ---- number parameters ------------------------------------------------------------------------


def random_uniform(
    low: float = 0,
    high: float = 1,
    shape=None,
    ctx: Optional[Context] = None,
    dtype=None,
    out=None,
    **kwargs,
) -> NDArray:
    """U[low, high) samples (MXNet's ``_random_uniform``)."""
    _numbers("random_uniform", ("low", "high"), (low, high))
    return _random._fill(
        "random_uniform", _core.uniform_, float(low), float(high), shape, dtype, ctx, out, kwargs
    )


def random_normal(
    loc: float = 0,
    scale: float = 1,
    shape=None,
    ctx: Optional[Context] = None,
    dtype=None,
    out=None,
    **kwargs,
) -> NDArray:
    """N(loc, scale²) samples (MXNet's ``_random_normal``)."""
    _numbers("random_normal", ("loc", "scale"), (loc, scale))
    return _random._fill(
        "random_normal", _core.normal_, float(loc), float(scale), shape, dtype, ctx, out, kwargs
    )


def random_randint(
    low: int,
    high: int,
    shape=None,
    ctx: Optional[Context] = None,
    dtype=None,
    out=None,
    **kwargs,
) -> NDArray:
    """Integers uniform in [low, high) (MXNet's ``_random_randint``)."""
    return _random.randint(low, high, shape, dtype, ctx, out, **kwargs)


def random_exponential(
    lam: float = 1, shape=None, ctx: Optional[Context] = None, dtype=None, out=None, **kwargs
) -> NDArray:
    """Exponential samples of rate ``lam`` (mean 1/lam)."""
    return _random_op(
        "random_exponential", "exponential_rate", ("lam",), (lam,), shape, ctx, dtype, out, kwargs
    )


def random_gamma(
    alpha: float = 1,
    beta: float = 1,
    shape=None,
    ctx: Optional[Context] = None,
    dtype=None,
    out=None,
    **kwargs,
) -> NDArray:
    """Gamma samples, shape ``alpha`` and scale ``beta``."""
    return _random_op(
        "random_gamma", "gamma", ("alpha", "beta"), (alpha, beta), shape, ctx, dtype, out, kwargs
    )


def random_poisson(
    lam: float = 1, shape=None, ctx: Optional[Context] = None, dtype=None, out=None, **kwargs
) -> NDArray:
    """Poisson(lam) samples, as floats."""
    return _random_op("random_poisson", "poisson", ("lam",), (lam,), shape, ctx, dtype, out, kwargs)


def random_negative_binomial(
    k: float = 1,
    p: float = 1,
    shape=None,
    ctx: Optional[Context] = None,
    dtype=None,
    out=None,
    **kwargs,
) -> NDArray:
    """Failures before the k-th success, success probability p."""
    return _random_op(
        "random_negative_binomial",
        "negative_binomial",
        ("k", "p"),
        (k, p),
        shape,
        ctx,
        dtype,
        out,
        kwargs,
    )


def random_generalized_negative_binomial(
    mu: float = 1,
    alpha: float = 1,
    shape=None,
    ctx: Optional[Context] = None,
    dtype=None,
    out=None,
    **kwargs,
) -> NDArray:
    """Negative binomial samples with mean ``mu`` and variance ``mu + alpha * mu**2``."""
    return _random_op(
        "random_generalized_negative_binomial",
        "generalized_negative_binomial",
        ("mu", "alpha"),
        (mu, alpha),
        shape,
        ctx,
        dtype,
        out,
        kwargs,
    )


def uniform(
    low: float = 0,
    high: float = 1,
    shape=None,
    ctx: Optional[Context] = None,
    dtype=None,
    out=None,
    **kwargs,
) -> NDArray:
    """``nd.uniform``: the same as ``nd.random_uniform``."""
    return random_uniform(low, high, shape, ctx, dtype, out, **kwargs)


def normal(
    loc: float = 0,
    scale: float = 1,
    shape=None,
    ctx: Optional[Context] = None,
    dtype=None,
    out=None,
    **kwargs,
) -> NDArray:
    """``nd.normal``: the same as ``nd.random_normal``."""
    return random_normal(loc, scale, shape, ctx, dtype, out, **kwargs)


# ---- NDArray parameters -------------------------------------------------------------------


def sample_uniform(
    low: Optional[NDArray] = None,
    high: Optional[NDArray] = None,
    shape=None,
    dtype=None,
    out=None,
    **kwargs,
) -> NDArray:
    """U[low[i], high[i]) samples, shape ``low.shape + shape``."""
    return _sample_op(
        "sample_uniform", "uniform", ("low", "high"), (low, high), shape, dtype, out, kwargs
    )


def sample_normal(
    mu: Optional[NDArray] = None,
    sigma: Optional[NDArray] = None,
    shape=None,
    dtype=None,
    out=None,
    **kwargs,
) -> NDArray:
    """N(mu[i], sigma[i]²) samples, shape ``mu.shape + shape``."""
    return _sample_op(
        "sample_normal", "normal", ("mu", "sigma"), (mu, sigma), shape, dtype, out, kwargs
    )


def sample_exponential(
    lam: Optional[NDArray] = None, shape=None, dtype=None, out=None, **kwargs
) -> NDArray:
    """Exponential samples of rate ``lam[i]``, shape ``lam.shape + shape``."""
    return _sample_op(
        "sample_exponential", "exponential_rate", ("lam",), (lam,), shape, dtype, out, kwargs
    )


def sample_gamma(
    alpha: Optional[NDArray] = None,
    beta: Optional[NDArray] = None,
    shape=None,
    dtype=None,
    out=None,
    **kwargs,
) -> NDArray:
    """Gamma(alpha[i], scale beta[i]) samples, shape ``alpha.shape + shape``."""
    return _sample_op(
        "sample_gamma", "gamma", ("alpha", "beta"), (alpha, beta), shape, dtype, out, kwargs
    )


def sample_poisson(
    lam: Optional[NDArray] = None, shape=None, dtype=None, out=None, **kwargs
) -> NDArray:
    """Poisson(lam[i]) samples, shape ``lam.shape + shape``."""
    return _sample_op("sample_poisson", "poisson", ("lam",), (lam,), shape, dtype, out, kwargs)


def sample_negative_binomial(
    k: Optional[NDArray] = None,
    p: Optional[NDArray] = None,
    shape=None,
    dtype=None,
    out=None,
    **kwargs,
) -> NDArray:
    """Negative binomial (k[i], p[i]) samples, shape ``k.shape + shape``."""
    return _sample_op(
        "sample_negative_binomial",
        "negative_binomial",
        ("k", "p"),
        (k, p),
        shape,
        dtype,
        out,
        kwargs,
    )


def sample_generalized_negative_binomial(
    mu: Optional[NDArray] = None,
    alpha: Optional[NDArray] = None,
    shape=None,
    dtype=None,
    out=None,
    **kwargs,
) -> NDArray:
    """Generalized negative binomial (mu[i], alpha[i]) samples, shape ``mu.shape + shape``."""
    return _sample_op(
        "sample_generalized_negative_binomial",
        "generalized_negative_binomial",
        ("mu", "alpha"),
        (mu, alpha),
        shape,
        dtype,
        out,
        kwargs,
    )


def sample_multinomial(
    data: Optional[NDArray] = None,
    shape=None,
    get_prob: bool = False,
    dtype="int32",
    out=None,
    **kwargs,
) -> Union[NDArray, List[NDArray]]:
    """``nd.random.multinomial`` under its operator name."""
    # a missing data (None) is refused by multinomial itself, with MXNet's message
    return _random.multinomial(data, shape, get_prob, out, dtype, **kwargs)  # type: ignore[arg-type]


def shuffle(data: Optional[NDArray] = None, out=None, **kwargs) -> NDArray:
    """A copy of ``data`` with its first axis randomly permuted."""
    # a missing data (None) is refused by shuffle itself, with MXNet's message
    return _random.shuffle(data, out, **kwargs)  # type: ignore[arg-type]


for _name in __all__:  # binding errors become MXNetTypeError naming the argument
    globals()[_name] = checked_api(globals()[_name])
