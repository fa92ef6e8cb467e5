"""Probability densities of samples: MXNet's ``nd.random_pdf_*`` operators.

``random_pdf_X(sample, <params>, is_log=False)`` gives the density (or, with ``is_log``,
the log-density) of each entry of ``sample`` under distribution X. The parameters all have
one shape P, the leading part of the sample's shape: ``sample[i, ...]`` is scored with the
parameters at ``i`` (P = sample's shape gives one density per distribution). The result has
the sample's shape. Dirichlet is the vector case: ``sample`` (P..., N..., k) and ``alpha``
(P..., k) give densities of shape ``sample.shape[:-1]`` (``(1,)`` for a single vector).

The formulas are MXNet 1.9.1's (src/operator/random/pdf_op.h), written with ``nd`` ops so
that autograd differentiates them; as in MXNet, the gradient with respect to the sample is
zero for the discrete distributions and for the uniform one, and nothing checks that a
sample lies in the support. ``gamma`` takes a rate ``beta`` (density ``beta**alpha
x**(alpha-1) exp(-beta x) / Gamma(alpha)``), ``exponential`` a rate ``lam``, and
``negative_binomial`` a success probability ``p`` (``P(x) = C(x+k-1, x) p**k (1-p)**x``).

float16 inputs are computed in float32 and the result cast back (MXNet rounds every step to
float16). Inputs must share one floating-point dtype, as in MXNet.
"""

from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple

import numpy as np

from .. import _core
from ..base import MXNetTypeError, MXNetValueError
from .arguments import exporter
from .ndarray import NDArray
from .ops import _write_out
from .util_ops import stop_gradient

__all__: list = []
_export = exporter(__all__)

_FLOATS = ("float16", "float32", "float64")
_HALF_LOG_TWO_PI = 0.5 * math.log(2.0 * math.pi)


def _dtype(array: NDArray) -> str:
    return np.dtype(array.dtype).name


def _check(
    op: str, sample: NDArray, params: Sequence[Tuple[str, NDArray]], vector: bool = False
) -> None:
    """MXNetTypeError / MXNetValueError naming the input whose type, dtype or shape is wrong."""
    for name, value in (("sample", sample),) + tuple(params):
        if not isinstance(value, NDArray):
            raise MXNetTypeError(
                "%s: %s must be an NDArray, got %s" % (op, name, type(value).__name__)
            )
    dtype = _dtype(sample)
    if dtype not in _FLOATS:
        raise MXNetTypeError(
            "%s: sample must have a floating-point dtype (float16, float32 or float64), got %s"
            % (op, dtype)
        )
    for name, value in params:
        if _dtype(value) != dtype:
            raise MXNetTypeError(
                "%s: %s has dtype %s but sample has %s; all inputs must have one dtype"
                % (op, name, _dtype(value), dtype)
            )
    first_name, first = params[0]
    shape, sample_shape = tuple(first.shape), tuple(sample.shape)
    for name, value in params[1:]:
        if tuple(value.shape) != shape:
            raise MXNetValueError(
                "%s: %s has shape %s but %s has %s; the parameters must have one shape"
                % (op, name, tuple(value.shape), first_name, shape)
            )
    if len(shape) == 0 or len(shape) > len(sample_shape):
        raise MXNetValueError(
            "%s: %s has %d dimension(s) but sample has %d; the parameters need at least one "
            "and at most as many as the sample" % (op, first_name, len(shape), len(sample_shape))
        )
    if vector:
        expected = sample_shape[: len(shape) - 1] + sample_shape[-1:]
        rule = "sample's leading axes followed by its last axis (the vector length)"
    else:
        expected = sample_shape[: len(shape)]
        rule = "the leading part of sample's shape"
    if shape != expected:
        raise MXNetValueError(
            "%s: %s has shape %s but sample has shape %s; the parameters' shape must be %s, "
            "here %s" % (op, first_name, shape, sample_shape, rule, expected)
        )


def _inputs(
    sample: NDArray, params: Sequence[NDArray], vector: bool = False
) -> Tuple[NDArray, List[NDArray]]:
    """The sample and the parameters, these reshaped to broadcast against it (float16 in
    float32)."""
    if _dtype(sample) == "float16":
        sample = sample.astype("float32")
        params = [p.astype("float32") for p in params]
    extra = (1,) * (len(sample.shape) - len(params[0].shape))
    shaped = []
    for p in params:
        shape = tuple(p.shape)
        target = shape[:-1] + extra + shape[-1:] if vector else shape + extra
        shaped.append(p.reshape(target))
    return sample, shaped


def _result(value: NDArray, sample: NDArray, out: Optional[NDArray]) -> NDArray:
    if _dtype(value) != _dtype(sample):
        value = value.astype(_dtype(sample))
    return _write_out(value, out)


def _from_log(log_value: NDArray, is_log: bool, sample: NDArray, out: Optional[NDArray]) -> NDArray:
    """The result of a density computed as its logarithm: kept, or exponentiated."""
    return _result(log_value if is_log else _core.exp(log_value), sample, out)


def _negative_binomial_log(x: NDArray, k: NDArray, p: NDArray) -> NDArray:
    """log C(x+k-1, x) + k log p + x log(1-p), the sample taken as a constant."""
    x = stop_gradient(x)
    per_distribution = k * _core.log(p) - _core.gammaln(k)
    per_sample = _core.gammaln(x + 1.0)
    return (
        _core.add(_core.gammaln(_core.add(x, k)), per_distribution)
        - per_sample
        + _core.multiply(x, _core.log(p * -1.0 + 1.0))
    )


@_export
def random_pdf_normal(
    sample: NDArray,
    mu: NDArray,
    sigma: NDArray,
    is_log: bool = False,
    out: Optional[NDArray] = None,
    name: Optional[str] = None,
) -> NDArray:
    """Density of ``sample`` under N(mu, sigma²)."""
    _check("random_pdf_normal", sample, (("mu", mu), ("sigma", sigma)))
    x, (u, s) = _inputs(sample, (mu, sigma))
    exponent = _core.square(_core.divide(_core.subtract(x, u), s)) * -0.5
    if is_log:
        value = _core.subtract(exponent, _core.log(s) + _HALF_LOG_TWO_PI)
    else:
        value = _core.divide(_core.exp(exponent), s * math.sqrt(2.0 * math.pi))
    return _result(value, sample, out)


@_export
def random_pdf_uniform(
    sample: NDArray,
    low: NDArray,
    high: NDArray,
    is_log: bool = False,
    out: Optional[NDArray] = None,
    name: Optional[str] = None,
) -> NDArray:
    """Density of ``sample`` under U[low, high): ``1 / (high - low)`` at every sample."""
    _check("random_pdf_uniform", sample, (("low", low), ("high", high)))
    x, (lo, hi) = _inputs(sample, (low, high))
    width = hi - lo
    value = _core.log(width) * -1.0 if is_log else _core.reciprocal(width)
    return _result(_core.broadcast_to(value, x.shape), sample, out)


@_export
def random_pdf_gamma(
    sample: NDArray,
    alpha: NDArray,
    beta: NDArray,
    is_log: bool = False,
    out: Optional[NDArray] = None,
    name: Optional[str] = None,
) -> NDArray:
    """Density of ``sample`` under Gamma with shape ``alpha`` and rate ``beta``."""
    _check("random_pdf_gamma", sample, (("alpha", alpha), ("beta", beta)))
    x, (a, b) = _inputs(sample, (alpha, beta))
    per_distribution = a * _core.log(b) - _core.gammaln(a)
    value = _core.subtract(
        _core.add(_core.multiply(a - 1.0, _core.log(x)), per_distribution),
        _core.multiply(b, x),
    )
    return _from_log(value, is_log, sample, out)


@_export
def random_pdf_exponential(
    sample: NDArray,
    lam: NDArray,
    is_log: bool = False,
    out: Optional[NDArray] = None,
    name: Optional[str] = None,
) -> NDArray:
    """Density of ``sample`` under the exponential distribution of rate ``lam``."""
    _check("random_pdf_exponential", sample, (("lam", lam),))
    x, (rate,) = _inputs(sample, (lam,))
    exponent = _core.multiply(rate, x) * -1.0
    if is_log:
        value = _core.add(exponent, _core.log(rate))
    else:
        value = _core.multiply(rate, _core.exp(exponent))
    return _result(value, sample, out)


@_export
def random_pdf_poisson(
    sample: NDArray,
    lam: NDArray,
    is_log: bool = False,
    out: Optional[NDArray] = None,
    name: Optional[str] = None,
) -> NDArray:
    """Probability of ``sample`` under Poisson(lam): ``lam**x exp(-lam) / x!``."""
    _check("random_pdf_poisson", sample, (("lam", lam),))
    x, (rate,) = _inputs(sample, (lam,))
    x = stop_gradient(x)
    value = _core.subtract(_core.multiply(x, _core.log(rate)) - _core.gammaln(x + 1.0), rate)
    return _from_log(value, is_log, sample, out)


@_export
def random_pdf_negative_binomial(
    sample: NDArray,
    k: NDArray,
    p: NDArray,
    is_log: bool = False,
    out: Optional[NDArray] = None,
    name: Optional[str] = None,
) -> NDArray:
    """Probability of ``sample`` failures before the ``k``-th success (success
    probability ``p``)."""
    _check("random_pdf_negative_binomial", sample, (("k", k), ("p", p)))
    x, (limit, prob) = _inputs(sample, (k, p))
    value = _negative_binomial_log(x, limit, prob)
    return _from_log(value, is_log, sample, out)


@_export
def random_pdf_generalized_negative_binomial(
    sample: NDArray,
    mu: NDArray,
    alpha: NDArray,
    is_log: bool = False,
    out: Optional[NDArray] = None,
    name: Optional[str] = None,
) -> NDArray:
    """Probability of ``sample`` under the negative binomial of mean ``mu`` and variance
    ``mu + alpha * mu**2`` (``k = 1/alpha``, ``p = 1/(mu*alpha + 1)``)."""
    _check("random_pdf_generalized_negative_binomial", sample, (("mu", mu), ("alpha", alpha)))
    x, (mean, dispersion) = _inputs(sample, (mu, alpha))
    limit = _core.reciprocal(dispersion)
    prob = _core.reciprocal(mean * dispersion + 1.0)
    value = _negative_binomial_log(x, limit, prob)
    return _from_log(value, is_log, sample, out)


@_export
def random_pdf_dirichlet(
    sample: NDArray,
    alpha: NDArray,
    is_log: bool = False,
    out: Optional[NDArray] = None,
    name: Optional[str] = None,
) -> NDArray:
    """Density of each vector along the sample's last axis under Dirichlet(alpha)."""
    _check("random_pdf_dirichlet", sample, (("alpha", alpha),), vector=True)
    x, (a,) = _inputs(sample, (alpha,), vector=True)
    normalizer = _core.gammaln(a.sum(axis=-1)) - _core.gammaln(a).sum(axis=-1)
    value = _core.add(_core.multiply(a - 1.0, _core.log(x)).sum(axis=-1), normalizer)
    if len(sample.shape) == 1:  # one vector: MXNet gives shape (1,)
        value = value.reshape((1,))
    return _from_log(value, is_log, sample, out)
