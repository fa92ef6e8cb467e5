"""Random sampling (MXNet's ``nd.random``), all drawn from gluonlite's one Philox stream.

Each distribution takes numbers or NDArrays as its parameters. With numbers, the result has
``shape`` (``(1,)`` when not given). With NDArrays (all of one shape P), it has shape
``P + shape``: ``result[i, ...]`` is drawn with the parameters at ``i``, on their context.
Mixing numbers and NDArrays raises ``AssertionError``, as in MXNet.

Deliberate differences from MXNet 1.9.1: parameter values are checked (a negative Poisson
rate or a negative probability raises ``ValueError`` naming it and its index, where MXNet
returned garbage, hung or crashed); multinomial rows need not sum to 1 (they are divided by
their sum; MXNet returned the out-of-range index beyond an unnormalized row); ``dtype=None``
means float32 (MXNet read it as float64); ``negative_binomial`` accepts a non-integer ``k``.
"""

from __future__ import annotations

import numbers
from typing import List, Optional, Union

import numpy as np

from .. import _core
from ..base import MXNetTypeError, MXNetValueError
from ..context import Context, _as_context
from .arguments import checked_api, keyword_names, unknown_argument_error
from .ndarray import NDArray, _dtype_name, _shape_tuple

__all__ = [
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
    "uniform_like",
    "normal_like",
    "exponential_like",
    "gamma_like",
    "poisson_like",
    "negative_binomial_like",
    "generalized_negative_binomial_like",
]

Param = Union[float, NDArray]


# ---- argument handling, shared by every sampler -------------------------------------------


def _check_kwargs(op: str, kwargs: dict) -> None:
    """MXNet's operators accept ``name``; any other extra keyword is a mistake."""
    kwargs.pop("name", None)
    if kwargs:
        import inspect

        from . import legacy_random

        fn = globals().get(op) or getattr(legacy_random, op, None)
        valid = keyword_names(inspect.unwrap(fn)) if callable(fn) else ()
        raise unknown_argument_error(op, next(iter(kwargs)), valid)


def _require_ndarray(op: str, name: str, value) -> None:
    if not isinstance(value, NDArray):
        raise AssertionError(
            f"{op}: argument {name} must have NDArray type, but got {type(value).__name__}"
        )


_PLAIN_NUMBERS = frozenset((float, int))


def _refills(first, second, shape, dtype, kwargs) -> bool:
    """True for a plain refill of ``out`` with two plain-number parameters and nothing else
    given: the checks of the general path have nothing to find, so it may be skipped."""
    return (
        shape is None
        and dtype is None
        and not kwargs
        and type(first) in _PLAIN_NUMBERS
        and type(second) in _PLAIN_NUMBERS
    )


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real)


def _params_are_arrays(op: str, names, values) -> bool:
    """True if every parameter is an NDArray, False if every one is a number."""
    for name, value in zip(names, values):
        if not isinstance(value, NDArray) and not _is_number(value):
            raise MXNetValueError(
                f"{op}: {name} must be an NDArray or a number, got {type(value).__name__}"
            )
    arrays = [isinstance(v, NDArray) for v in values]
    if any(arrays) and not all(arrays):
        kinds = ", ".join(
            f"{n}={'NDArray' if a else type(v).__name__}" for n, v, a in zip(names, values, arrays)
        )
        raise AssertionError(
            f"{op}: distribution parameters must all be numbers or all be NDArrays, got {kinds}"
        )
    return bool(arrays) and arrays[0]


def _output(op: str, shape: tuple, dtype, device: tuple, out: Optional[NDArray], shape_given: bool):
    """``out`` (checked against the requested shape and dtype), or a new array."""
    if out is None:
        name = _dtype_name(dtype if dtype is not None else "float32")
        return _core.empty(shape, name, device[0], device[1])
    if not isinstance(out, NDArray):
        raise MXNetTypeError(f"{op}: out must be an NDArray, got {type(out).__name__}")
    if shape_given and tuple(out.shape) != shape:
        raise MXNetValueError(
            f"{op}: out has shape {tuple(out.shape)} but the samples have {shape}"
        )
    if dtype is not None and np.dtype(out.dtype).name != _dtype_name(dtype):
        raise MXNetTypeError(
            f"{op}: out has dtype {np.dtype(out.dtype).name} but dtype is {_dtype_name(dtype)}"
        )
    return out


def _device(ctx: Optional[Context]) -> tuple:
    ctx = _as_context(ctx)
    return ctx._core_type, ctx.device_id


def _sample(op, kind, names, values, shape, dtype, ctx, out, kwargs) -> NDArray:
    """One draw of distribution ``kind`` with MXNet's shape, dtype, ctx and out rules."""
    _check_kwargs(op, kwargs)
    if _params_are_arrays(op, names, values):
        first = values[0]
        sample_shape = () if shape is None else _shape_tuple(shape)
        target = _output(
            op,
            tuple(first.shape) + sample_shape,
            dtype,
            (first._device_type, first._device_id),
            out,
            True,
        )
    else:
        sample_shape = (1,) if shape is None else _shape_tuple(shape)
        target = _output(op, sample_shape, dtype, _device(ctx), out, shape is not None)
    second = values[1] if len(values) > 1 else 0.0
    _core.sample_(kind, target, values[0], second, op, names[0], names[1] if len(names) > 1 else "")
    return target


def _fill(op, fill, low, high, shape, dtype, ctx, out, kwargs) -> NDArray:
    """The fast fills (uniform_, normal_, randint_) for number parameters."""
    _check_kwargs(op, kwargs)
    sample_shape = (1,) if shape is None else _shape_tuple(shape)
    target = _output(op, sample_shape, dtype, _device(ctx), out, shape is not None)
    fill(target, low, high)
    return target


# ---- the distributions ----------------------------------------------------------------------


def uniform(
    low: Param = 0,
    high: Param = 1,
    shape=None,
    dtype=None,
    ctx: Optional[Context] = None,
    out: Optional[NDArray] = None,
    **kwargs,
) -> NDArray:
    """Samples U[low, high)."""
    if type(out) is NDArray and _refills(low, high, shape, dtype, kwargs):
        _core.uniform_(out, float(low), float(high))  # type: ignore[arg-type]  # numbers here
        return out
    if _params_are_arrays("uniform", ("low", "high"), (low, high)):
        return _sample(
            "uniform", "uniform", ("low", "high"), (low, high), shape, dtype, ctx, out, kwargs
        )
    assert not isinstance(low, NDArray) and not isinstance(high, NDArray)  # numbers here
    return _fill("uniform", _core.uniform_, float(low), float(high), shape, dtype, ctx, out, kwargs)


def normal(
    loc: Param = 0,
    scale: Param = 1,
    shape=None,
    dtype=None,
    ctx: Optional[Context] = None,
    out: Optional[NDArray] = None,
    **kwargs,
) -> NDArray:
    """Samples N(loc, scale²)."""
    if type(out) is NDArray and _refills(loc, scale, shape, dtype, kwargs):
        _core.normal_(out, float(loc), float(scale))  # type: ignore[arg-type]  # numbers here
        return out
    if _params_are_arrays("normal", ("loc", "scale"), (loc, scale)):
        return _sample(
            "normal", "normal", ("loc", "scale"), (loc, scale), shape, dtype, ctx, out, kwargs
        )
    assert not isinstance(loc, NDArray) and not isinstance(scale, NDArray)  # numbers here
    return _fill("normal", _core.normal_, float(loc), float(scale), shape, dtype, ctx, out, kwargs)


def randn(
    *shape,
    loc: Param = 0,
    scale: Param = 1,
    dtype=None,
    ctx: Optional[Context] = None,
    out: Optional[NDArray] = None,
    **kwargs,
) -> NDArray:
    """N(loc, scale²) samples of shape ``shape`` (given as separate ints, as numpy's randn)."""
    if "shape" in kwargs:
        raise TypeError("randn() got multiple values for keyword argument 'shape'")
    return normal(loc, scale, shape or None, dtype, ctx, out, **kwargs)


def randint(
    low: int,
    high: int,
    shape=None,
    dtype=None,
    ctx: Optional[Context] = None,
    out: Optional[NDArray] = None,
    **kwargs,
) -> NDArray:
    """Integers uniform in [low, high); int32 unless ``dtype='int64'``."""
    for name, value in (("low", low), ("high", high)):
        if not isinstance(value, numbers.Integral):
            raise MXNetTypeError(f"randint: {name} must be an integer, got {value!r}")
    dtype = dtype if dtype is not None or out is not None else "int32"
    return _fill("randint", _core.randint_, int(low), int(high), shape, dtype, ctx, out, kwargs)


def exponential(
    scale: Param = 1,
    shape=None,
    dtype=None,
    ctx: Optional[Context] = None,
    out: Optional[NDArray] = None,
    **kwargs,
) -> NDArray:
    """Samples Exp with mean ``scale`` (rate 1/scale)."""
    return _sample(
        "exponential", "exponential_scale", ("scale",), (scale,), shape, dtype, ctx, out, kwargs
    )


def gamma(
    alpha: Param = 1,
    beta: Param = 1,
    shape=None,
    dtype=None,
    ctx: Optional[Context] = None,
    out: Optional[NDArray] = None,
    **kwargs,
) -> NDArray:
    """Samples Gamma with shape ``alpha`` and scale ``beta`` (mean alpha * beta)."""
    return _sample(
        "gamma", "gamma", ("alpha", "beta"), (alpha, beta), shape, dtype, ctx, out, kwargs
    )


def poisson(
    lam: Param = 1,
    shape=None,
    dtype=None,
    ctx: Optional[Context] = None,
    out: Optional[NDArray] = None,
    **kwargs,
) -> NDArray:
    """Samples Poisson(lam), as floats."""
    return _sample("poisson", "poisson", ("lam",), (lam,), shape, dtype, ctx, out, kwargs)


def negative_binomial(
    k: Param = 1,
    p: Param = 1,
    shape=None,
    dtype=None,
    ctx: Optional[Context] = None,
    out: Optional[NDArray] = None,
    **kwargs,
) -> NDArray:
    """Samples the number of failures before the k-th success, success probability p."""
    return _sample(
        "negative_binomial", "negative_binomial", ("k", "p"), (k, p), shape, dtype, ctx, out, kwargs
    )


def generalized_negative_binomial(
    mu: Param = 1,
    alpha: Param = 1,
    shape=None,
    dtype=None,
    ctx: Optional[Context] = None,
    out: Optional[NDArray] = None,
    **kwargs,
) -> NDArray:
    """Samples a negative binomial with mean ``mu`` and variance ``mu + alpha * mu**2``."""
    return _sample(
        "generalized_negative_binomial",
        "generalized_negative_binomial",
        ("mu", "alpha"),
        (mu, alpha),
        shape,
        dtype,
        ctx,
        out,
        kwargs,
    )


def multinomial(
    data: NDArray,
    shape=None,
    get_prob: bool = False,
    out: Optional[NDArray] = None,
    dtype="int32",
    **kwargs,
) -> Union[NDArray, List[NDArray]]:
    """Category indices drawn from the probabilities along data's last axis.

    The result has shape ``data.shape[:-1] + shape`` (``(1,)`` for 1-D data and no shape).
    Category j of a row is drawn with probability ``p[j] / sum(p)``. With ``get_prob=True``
    the result is ``[samples, log_prob]``, ``log_prob`` being ``log(p[sample])`` (of the
    value given, as in MXNet); its gradient flows back to ``data``.
    """
    _check_kwargs("multinomial", kwargs)
    _require_ndarray("multinomial", "data", data)
    if out is not None and not isinstance(out, NDArray):
        raise MXNetTypeError(f"multinomial: out must be an NDArray, got {type(out).__name__}")
    sample_shape = () if shape is None else _shape_tuple(shape)
    result = _core.multinomial(data, sample_shape, _dtype_name(dtype), bool(get_prob), out)
    samples = out if out is not None else result[0]
    return [samples, result[1]] if get_prob else samples


def shuffle(data: NDArray, out: Optional[NDArray] = None, **kwargs) -> NDArray:
    """A copy of ``data`` with its first axis randomly permuted."""
    _check_kwargs("shuffle", kwargs)
    _require_ndarray("shuffle", "data", data)
    result = _core.shuffle(data)
    if out is None:
        return result
    if not isinstance(out, NDArray):
        raise MXNetTypeError(f"shuffle: out must be an NDArray, got {type(out).__name__}")
    _core.copy_(out, result)
    return out


# ---- *_like: the shape, dtype and context of an array ---------------------------------------


def _like(op, kind, names, values, data, out, kwargs) -> NDArray:
    _check_kwargs(op, kwargs)
    _require_ndarray(op, "data", data)
    for name, value in zip(names, values):
        if not _is_number(value):
            raise MXNetTypeError(f"{op}: {name} must be a number, got {type(value).__name__}")
    target = _output(
        op, tuple(data.shape), data.dtype, (data._device_type, data._device_id), out, True
    )
    second = values[1] if len(values) > 1 else 0.0
    _core.sample_(kind, target, values[0], second, op, names[0], names[1] if len(names) > 1 else "")
    return target


def uniform_like(
    data: Optional[NDArray] = None, low: float = 0, high: float = 1, out=None, **kwargs
):
    """U[low, high) samples with data's shape, dtype and context."""
    return _like("uniform_like", "uniform", ("low", "high"), (low, high), data, out, kwargs)


def normal_like(
    data: Optional[NDArray] = None, loc: float = 0, scale: float = 1, out=None, **kwargs
):
    """N(loc, scale²) samples with data's shape, dtype and context."""
    return _like("normal_like", "normal", ("loc", "scale"), (loc, scale), data, out, kwargs)


def exponential_like(data: Optional[NDArray] = None, lam: float = 1, out=None, **kwargs):
    """Exponential samples of rate ``lam`` with data's shape, dtype and context."""
    return _like("exponential_like", "exponential_rate", ("lam",), (lam,), data, out, kwargs)


def gamma_like(
    data: Optional[NDArray] = None, alpha: float = 1, beta: float = 1, out=None, **kwargs
):
    """Gamma(alpha, scale beta) samples with data's shape, dtype and context."""
    return _like("gamma_like", "gamma", ("alpha", "beta"), (alpha, beta), data, out, kwargs)


def poisson_like(data: Optional[NDArray] = None, lam: float = 1, out=None, **kwargs):
    """Poisson(lam) samples with data's shape, dtype and context."""
    return _like("poisson_like", "poisson", ("lam",), (lam,), data, out, kwargs)


def negative_binomial_like(
    data: Optional[NDArray] = None, k: float = 1, p: float = 1, out=None, **kwargs
):
    """Negative binomial (k, p) samples with data's shape, dtype and context."""
    return _like(
        "negative_binomial_like", "negative_binomial", ("k", "p"), (k, p), data, out, kwargs
    )


def generalized_negative_binomial_like(
    data: Optional[NDArray] = None, mu: float = 1, alpha: float = 1, out=None, **kwargs
):
    """Generalized negative binomial (mu, alpha) samples with data's shape, dtype, context."""
    return _like(
        "generalized_negative_binomial_like",
        "generalized_negative_binomial",
        ("mu", "alpha"),
        (mu, alpha),
        data,
        out,
        kwargs,
    )


for _name in __all__:  # binding errors become MXNetTypeError naming the argument
    globals()[_name] = checked_api(globals()[_name])
