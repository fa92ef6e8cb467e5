"""Argument checks shared by the optimizer update operators (``optimizer_ops``).

Errors name the operator and the argument, in the words of MXNet's parameter parser.
"""

from __future__ import annotations

import numbers
from typing import Any, Optional

import numpy as np

from .. import _core
from ..base import MXNetError, MXNetTypeError
from .arguments import checked_api
from .ndarray import NDArray

REQUIRED: Any = object()  # marks a hyper-parameter without default, as MXNet's `required`


def exporter(names: list):
    """A decorator adding a function's name to ``names`` (an ``__all__``) and wrapping it
    with checked_api."""

    def export(fn):
        names.append(fn.__name__)
        return checked_api(fn)

    return export


def param(op: str, name: str, value: Any, kind: str = "float") -> float:
    """A hyper-parameter checked as MXNet parses it: required ones must be given."""
    if value is REQUIRED:
        raise MXNetError(
            "Required parameter %s of %s is not presented, in operator %s" % (name, kind, op)
        )
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise MXNetTypeError("%s: %s must be a number, got %r" % (op, name, value))
    if kind == "int":
        # typeshed's numbers.Real has no __int__; the reals that arrive here (Python and numpy
        # numbers) all convert with int()
        as_int = int(value)  # type: ignore[call-overload]
        if as_int != value:
            raise MXNetTypeError("%s: %s must be an int, got %r" % (op, name, value))
        return as_int
    return float(np.float32(value))  # MXNet's op parameters are float32


def array_arg(op: str, name: str, value: Any) -> NDArray:
    if not isinstance(value, NDArray):
        raise MXNetTypeError("%s: %s must be an NDArray, got %s" % (op, name, type(value).__name__))
    return value


def operand(op: str, name: str, value: Any, weight: NDArray, dtype: Any = None) -> NDArray:
    """``value`` checked to match the weight in shape and context (and to have ``dtype``)."""
    array_arg(op, name, value)
    if value.shape != weight.shape:
        raise MXNetError(
            "%s: %s has shape %s but weight has shape %s" % (op, name, value.shape, weight.shape)
        )
    if value.context != weight.context:
        raise MXNetError(
            "%s: %s is on %s but weight is on %s" % (op, name, value.context, weight.context)
        )
    dtype = weight.dtype if dtype is None else dtype
    if np.dtype(value.dtype) != np.dtype(dtype):
        raise MXNetError(
            "%s: %s has dtype %s, expected %s"
            % (op, name, np.dtype(value.dtype).name, np.dtype(dtype).name)
        )
    return value


def target_of(op: str, weight: Any, out: Optional[NDArray]) -> NDArray:
    """The array the fused kernel updates in place: ``out`` holding the weight, or a copy."""
    array_arg(op, "weight", weight)
    if out is None:
        return weight.copy()
    if out is weight:
        return weight
    operand(op, "out", out, weight)
    _core.copy_(out, weight)
    return out


def write_into(dst: NDArray, value: NDArray) -> NDArray:
    _core.copy_(dst, value)
    return dst


def result_into(op: str, value: NDArray, weight: NDArray, out: Optional[NDArray]) -> NDArray:
    if out is None:
        return value
    operand(op, "out", out, weight, out.dtype)
    return write_into(out, value)


def clip_bound(op: str, clip_gradient: Any) -> float:
    # MXNet clips when the bound is >= 0 (so 0 clips to zero); -1, its default, disables it
    return param(op, "clip_gradient", clip_gradient)


def scaled_grad(grad: NDArray, rescale_grad: float, clip: float) -> NDArray:
    scaled = grad * rescale_grad
    return scaled.clip(-clip, clip) if clip >= 0 else scaled
