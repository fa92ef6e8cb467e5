"""Terminal-loss markers: ``nd.make_loss`` and ``nd.MakeLoss`` (and ``sym.*`` through them).

Both return their input unchanged and, in backward, give the input a constant gradient
whatever gradient arrives from above, so a graph ending in one trains without head
gradients (``Module.backward()``). MXNet 1.9.1 has two distinct operators:

- ``make_loss(data)``: the gradient is ones. It accepts ``grad_scale``, ``valid_thresh`` and
  ``normalization`` (graph files carry them) but, as in MXNet, they have no effect; gluonlite
  warns when they are given values that would matter.
- ``MakeLoss(data, grad_scale, valid_thresh, normalization)``: the gradient is
  ``grad_scale``, divided by the batch size (``'batch'``: every axis but the last) or by the
  number of elements above ``valid_thresh`` (``'valid'``, at least 1).
"""

from __future__ import annotations

import numbers
import warnings
from typing import Optional

import numpy as np

from .. import _core
from ..autograd import Function, is_recording
from ..base import MXNetError, MXNetTypeError, MXNetValueError
from .arguments import exporter
from .ndarray import NDArray
from .ops import _write_out, filled, maximum

__all__: list = []

_export_here = exporter(__all__)

_NORMALIZATIONS = ("batch", "null", "valid")


class _ConstantGradient(Function):
    """Identity forward; backward gives ``scale`` (an NDArray that broadcasts to the input)
    in place of the incoming gradient."""

    def __init__(self, op: str, grad_scale: float, normalization: str, valid_thresh: float):
        super().__init__()
        self._op = op
        self._grad_scale = grad_scale
        self._normalization = normalization
        self._valid_thresh = valid_thresh

    def forward(self, data: NDArray) -> NDArray:
        self.save_for_backward(data)
        return _core.clone(data)

    def backward(self, _head_grad: NDArray) -> NDArray:
        (data,) = self.saved_tensors
        ones = (1,) * max(len(data.shape), 1)
        if self._normalization == "valid":
            valid = (data > self._valid_thresh).astype(data.dtype).sum().reshape(ones)
            return filled(data, self._grad_scale, ones) / maximum(valid, 1.0)
        scale = self._grad_scale
        if self._normalization == "batch":
            scale /= max(int(np.prod(data.shape[:-1])), 1)
        return filled(data, scale, ones)


def _mark_loss(op: str, data: NDArray, scale: float, normalization: str, thresh: float, out):
    if not isinstance(data, NDArray):
        raise MXNetTypeError("%s: data must be an NDArray, got %s" % (op, type(data).__name__))
    if is_recording():
        result = _ConstantGradient(op, scale, normalization, thresh)(data)
    else:
        result = _core.clone(data)
    return _write_out(result, out)


def _number(op: str, name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise MXNetTypeError(
            "%s: %s must be a number, got %s %r" % (op, name, type(value).__name__, value)
        )
    return float(value)


@_export_here
def make_loss(
    data: NDArray,
    grad_scale: float = 1.0,
    valid_thresh: float = 0.0,
    normalization: str = "null",
    out: Optional[NDArray] = None,
    name: Optional[str] = None,
) -> NDArray:
    """``data`` marked as a loss: the same values; its gradient is ones, whatever gradient
    comes from above. ``grad_scale``, ``valid_thresh`` and ``normalization`` are accepted
    and ignored, as in MXNet 1.9.1 (use ``MakeLoss`` for them); gluonlite warns when they
    are set to values that would change a gradient."""
    scaled = isinstance(grad_scale, numbers.Real) and grad_scale != 1.0
    if scaled or normalization in ("batch", "valid"):
        warnings.warn(
            "make_loss ignores grad_scale=%r, valid_thresh=%r and normalization=%r (as MXNet "
            "does): its gradient is ones. Use MakeLoss to scale or normalize the gradient."
            % (grad_scale, valid_thresh, normalization),
            UserWarning,
            stacklevel=3,
        )
    return _mark_loss("make_loss", data, 1.0, "null", 0.0, out)


@_export_here
def MakeLoss(
    data: NDArray,
    grad_scale: float = 1.0,
    valid_thresh: float = 0.0,
    normalization: str = "null",
    out: Optional[NDArray] = None,
    name: Optional[str] = None,
) -> NDArray:
    """``data`` marked as a loss: the same values; its gradient is ``grad_scale``, divided
    by the batch size (``normalization='batch'``, every axis but the last) or by the count
    of elements greater than ``valid_thresh`` (``'valid'``, at least 1), whatever gradient
    comes from above. Floating-point data only."""
    scale = _number("MakeLoss", "grad_scale", grad_scale)
    thresh = _number("MakeLoss", "valid_thresh", valid_thresh)
    if normalization not in _NORMALIZATIONS:
        raise MXNetValueError(
            "MakeLoss: normalization=%r is not valid; valid values are %s"
            % (normalization, ", ".join("'%s'" % n for n in _NORMALIZATIONS))
        )
    if isinstance(data, NDArray) and not np.issubdtype(np.dtype(data.dtype), np.floating):
        raise MXNetError(
            "MakeLoss only supports floating point types, not %s" % np.dtype(data.dtype).name
        )
    return _mark_loss("MakeLoss", data, scale, normalization, thresh, out)
