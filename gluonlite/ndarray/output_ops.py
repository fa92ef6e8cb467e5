"""MXNet's loss output operators: ``SoftmaxOutput`` (alias ``Softmax``),
``LinearRegressionOutput``, ``LogisticRegressionOutput`` and ``MAERegressionOutput``.

They end the graphs of MXNet's Symbol-era models. The forward pass is a plain softmax,
identity or sigmoid; the backward pass is the gradient of the loss they stand for, with
respect to ``data``, computed from the output and the label, and it IGNORES the head
gradient it is given: ``y.backward()`` and ``y.backward(anything)`` leave the same
``data.grad``. The label gets a zero gradient. Everything stays on nd ops, so it runs on
the arrays' device.
"""

from __future__ import annotations

from typing import Callable, List, Optional, Tuple

from .. import _core
from ..autograd import Function
from ..base import MXNetError
from .arguments import exporter
from .ndarray import _REDUCE_SUM, NDArray
from .ops import _write_out, filled

__all__: List[str] = []

_export_here = exporter(__all__)

_NORMALIZATIONS = ("null", "batch", "valid")


class _HeadIgnoringOutput(Function):
    """Forward ``forward_fn(data)``; backward ``grad_fn(output, label)`` for data and zeros
    for the label, whatever the output's head gradient."""

    def __init__(
        self,
        forward_fn: Callable[[NDArray], NDArray],
        grad_fn: Callable[[NDArray, NDArray], NDArray],
    ) -> None:
        super().__init__()
        self._forward_fn = forward_fn
        self._grad_fn = grad_fn

    def forward(self, data, label):
        output = self._forward_fn(data)
        self.save_for_backward(output, label)
        return output

    def backward(self, head):
        output, label = self.saved_tensors
        return self._grad_fn(output, label), filled(label, 0.0)


# One Function subclass per operator, so that the graph node carries the operator's name.
_NODE_TYPES = {
    name: type(name, (_HeadIgnoringOutput,), {})
    for name in (
        "SoftmaxOutput",
        "LinearRegressionOutput",
        "LogisticRegressionOutput",
        "MAERegressionOutput",
    )
}


def _apply(
    op: str,
    data: NDArray,
    label: NDArray,
    forward_fn: Callable[[NDArray], NDArray],
    grad_fn: Callable[[NDArray, NDArray], NDArray],
    out: Optional[NDArray],
) -> NDArray:
    if _core.is_recording():
        result = _NODE_TYPES[op](forward_fn, grad_fn)(data, label)
    else:
        result = forward_fn(data)
    return _write_out(result, out)


def _check_inputs(op: str, data, label) -> Tuple[NDArray, NDArray]:
    for what, value in (("data", data), ("label", label)):
        if not isinstance(value, NDArray):
            if value is None:
                raise MXNetError("%s: required input '%s' is missing" % (op, what))
            raise MXNetError("%s: %s must be an NDArray, got %s" % (op, what, type(value).__name__))
    if label.context != data.context:
        raise MXNetError("%s: label is on %s but data is on %s" % (op, label.context, data.context))
    if label.dtype != data.dtype:  # class indices given as integers: compared as floats
        label = _core.astype(label, data._dtype_name)
    return data, label


def _size(shape: Tuple[int, ...]) -> int:
    size = 1
    for dim in shape:
        size *= dim
    return size


def _scaled(grad: NDArray, scale: float) -> NDArray:
    return grad if scale == 1.0 else _core.multiply(grad, float(scale))


# ---- SoftmaxOutput -------------------------------------------------------------------------


def _softmax_layout(data: NDArray, multi_output: bool, preserve_shape: bool) -> Tuple[int, ...]:
    """The shape ``data`` takes for the softmax (over its axis 1) and its gradient."""
    shape = tuple(data.shape)
    if multi_output:  # (N, C, rest...) -> softmax over C, per spatial position
        return (shape[0], shape[1], _size(shape[2:]))
    if preserve_shape:  # over the last axis
        return (_size(shape[:-1]), shape[-1])
    # MXNet's default: each instance (axis 0) flattened into one softmax row
    return (shape[0], _size(shape[1:]))


def _check_softmax_label(data: NDArray, label: NDArray, multi_output: bool) -> bool:
    """Whether ``label`` holds probabilities (data's shape) rather than class indices."""
    shape, lshape = tuple(data.shape), tuple(label.shape)
    if lshape == shape:
        return True
    if multi_output:
        allowed = [shape[:1] + shape[2:], (shape[0], _size(shape[2:]))]
        what = "(batch, spatial...) class indices"
    else:
        allowed = [shape[:-1]] if len(shape) > 1 else []
        what = "class indices (data's shape without its last axis)"
    if lshape not in allowed:
        raise MXNetError(
            "SoftmaxOutput: label has shape %s but data of shape %s needs a label of shape %s "
            "(%s) or %s (probabilities)"
            % (
                lshape,
                shape,
                " or ".join(str(a) for a in dict.fromkeys(allowed)) or "-",
                what,
                shape,
            )
        )
    return False


def _not_ignored(labels: NDArray, ignore_label: float) -> NDArray:
    # labels count as their integer part, as class indices do
    return _core.not_equal(_core.trunc(labels), float(int(ignore_label)))


def _softmax_output_grad(
    output: NDArray,
    label: NDArray,
    work_shape: Tuple[int, ...],
    probabilities: bool,
    multi_output: bool,
    grad_scale: float,
    ignore_label: float,
    use_ignore: bool,
    normalization: str,
    out_grad: bool,
    smooth_alpha: float,
) -> NDArray:
    """The gradient of the cross entropy w.r.t. the softmax input, in MXNet's conventions."""
    if probabilities:
        grad = _scaled(_core.subtract(output, label), grad_scale)
    else:
        work = _core.reshape(output, work_shape, False)
        classes = work_shape[1]
        flat_labels = _core.reshape(label, (-1,), False)
        if multi_output:
            n, _, spatial = work_shape
            labels = _core.reshape(label, (n, spatial), False)
            onehot = _core.one_hot(labels, classes, 1.0, 0.0, output._dtype_name)
            grad = _core.subtract(work, _core.swapaxes(onehot, 1, 2))
            keep_shape: Tuple[int, ...] = (n, 1, spatial)
            divisor = {"null": spatial, "batch": n * spatial}.get(normalization)
        else:
            rows = work_shape[0]
            # one label per softmax row: the first `rows` of the flattened label
            labels = _core.slice_axis(flat_labels, 0, 0, rows)
            on, off = 1.0, 0.0
            if smooth_alpha:
                on = 1.0 - smooth_alpha
                off = smooth_alpha / (classes - 1) if classes > 1 else 0.0
            target = _core.one_hot(labels, classes, on, off, output._dtype_name)
            grad = _core.subtract(work, target)
            keep_shape = (rows, 1)
            divisor = {"null": 1, "batch": _size(tuple(label.shape))}.get(normalization)
        if use_ignore:
            keep = _core.reshape(_not_ignored(labels, ignore_label), keep_shape, False)
            grad = _core.multiply(grad, keep)
        if divisor is None:  # 'valid': by the number of labels that are not ignore_label
            valid = _core.reduce(
                _REDUCE_SUM, _not_ignored(flat_labels, ignore_label), None, False, False
            )
            grad = _core.divide(_scaled(grad, grad_scale), _core.maximum(valid, filled(valid, 1.0)))
        else:
            grad = _scaled(grad, grad_scale / max(divisor, 1))
        grad = _core.reshape(grad, tuple(output.shape), False)
    if out_grad:  # MXNet 1.9.1 multiplies by the softmax output here, not the head gradient
        grad = _core.multiply(grad, output)
    return grad


@_export_here
def SoftmaxOutput(
    data: Optional[NDArray] = None,
    label: Optional[NDArray] = None,
    grad_scale: float = 1.0,
    ignore_label: float = -1.0,
    multi_output: bool = False,
    use_ignore: bool = False,
    preserve_shape: bool = False,
    normalization: str = "null",
    out_grad: bool = False,
    smooth_alpha: float = 0.0,
    out=None,
    name=None,
) -> NDArray:
    """Softmax forward; backward the cross-entropy gradient ``(output - onehot(label))``.

    The softmax runs over axis 1 with ``multi_output`` (label: class per position), over
    the last axis with ``preserve_shape``, and otherwise over each instance flattened
    (label: data's shape without the last axis). A label of data's shape holds
    probabilities: the gradient is ``(output - label) * grad_scale``, unnormalized.
    Otherwise ``use_ignore`` zeroes the instances labelled ``ignore_label``;
    ``normalization`` 'batch' divides by the number of labels, 'valid' by the number not
    equal to ``ignore_label``; with ``multi_output``, 'null' and 'batch' also divide by the
    spatial size. ``smooth_alpha`` (not with ``multi_output``) moves that much of the target
    from the label's class to the others. The head gradient is ignored; ``out_grad=True``
    multiplies the gradient by the output, as MXNet 1.9.1 does.
    """
    data, label = _check_inputs("SoftmaxOutput", data, label)
    if normalization not in _NORMALIZATIONS:
        raise MXNetError(
            "SoftmaxOutput: normalization must be 'batch', 'null' or 'valid', got %r"
            % (normalization,)
        )
    if data.ndim == 0:
        raise MXNetError("SoftmaxOutput: data must have at least one axis, got a scalar")
    if multi_output and data.ndim < 2:
        raise MXNetError(
            "SoftmaxOutput: multi_output needs data of shape (batch, classes, ...), got %s"
            % (tuple(data.shape),)
        )
    probabilities = _check_softmax_label(data, label, bool(multi_output))
    work_shape = _softmax_layout(data, bool(multi_output), bool(preserve_shape))
    shape = tuple(data.shape)

    def forward_fn(x: NDArray) -> NDArray:
        work = _core.reshape(x, work_shape, False)
        return _core.reshape(_core.softmax(work, 1, 1.0), shape, False)

    def grad_fn(output: NDArray, lab: NDArray) -> NDArray:
        return _softmax_output_grad(
            output,
            lab,
            work_shape,
            probabilities,
            bool(multi_output),
            float(grad_scale),
            float(ignore_label),
            bool(use_ignore),
            normalization,
            bool(out_grad),
            0.0 if multi_output else float(smooth_alpha),
        )

    return _apply("SoftmaxOutput", data, label, forward_fn, grad_fn, out)


Softmax = SoftmaxOutput  # MXNet's deprecated name for the same operator
__all__.append("Softmax")


# ---- regression outputs --------------------------------------------------------------------


def _strip_trailing_ones(shape: Tuple[int, ...]) -> Tuple[int, ...]:
    while shape and shape[-1] == 1:
        shape = shape[:-1]
    return shape


def _regression(
    op: str,
    data,
    label,
    grad_scale: float,
    forward_fn: Callable[[NDArray], NDArray],
    error_grad: Callable[[NDArray, NDArray], NDArray],
    out,
) -> NDArray:
    """``forward_fn(data)``; backward ``error_grad(output, label) * grad_scale / m``, m the
    number of outputs per instance (data's size over its first axis)."""
    data, label = _check_inputs(op, data, label)
    shape = tuple(data.shape)
    if _strip_trailing_ones(tuple(label.shape)) != _strip_trailing_ones(shape):
        raise MXNetError(
            "%s: label has shape %s but data has shape %s; they must be equal (up to "
            "trailing axes of size 1)" % (op, tuple(label.shape), shape)
        )
    per_instance = _size(shape[1:]) if shape and shape[0] else 1
    scale = float(grad_scale) / max(per_instance, 1)

    def grad_fn(output: NDArray, lab: NDArray) -> NDArray:
        lab = _core.reshape(lab, shape, False)
        return _scaled(error_grad(output, lab), scale)

    return _apply(op, data, label, forward_fn, grad_fn, out)


def _identity(x: NDArray) -> NDArray:
    return _core.clone(x)


def _difference(output: NDArray, label: NDArray) -> NDArray:
    return _core.subtract(output, label)


def _sign_of_difference(output: NDArray, label: NDArray) -> NDArray:
    # +1 where output > label, else -1 (a tie counts as -1, as in MXNet)
    above = _core.greater(output, label)
    return _core.subtract(_core.multiply(above, 2.0), 1.0)


@_export_here
def LinearRegressionOutput(
    data: Optional[NDArray] = None,
    label: Optional[NDArray] = None,
    grad_scale: float = 1.0,
    out=None,
    name=None,
) -> NDArray:
    """Identity forward; backward the squared loss's ``(data - label) * grad_scale / m``
    (m outputs per instance), ignoring the head gradient."""
    return _regression(
        "LinearRegressionOutput", data, label, grad_scale, _identity, _difference, out
    )


@_export_here
def LogisticRegressionOutput(
    data: Optional[NDArray] = None,
    label: Optional[NDArray] = None,
    grad_scale: float = 1.0,
    out=None,
    name=None,
) -> NDArray:
    """Sigmoid forward; backward the binary cross entropy's ``(sigmoid(data) - label) *
    grad_scale / m`` (m outputs per instance), ignoring the head gradient."""
    return _regression(
        "LogisticRegressionOutput", data, label, grad_scale, _core.sigmoid, _difference, out
    )


@_export_here
def MAERegressionOutput(
    data: Optional[NDArray] = None,
    label: Optional[NDArray] = None,
    grad_scale: float = 1.0,
    out=None,
    name=None,
) -> NDArray:
    """Identity forward; backward the absolute loss's ``sign(data - label) * grad_scale / m``
    (m outputs per instance; a tie gives -1), ignoring the head gradient."""
    return _regression(
        "MAERegressionOutput", data, label, grad_scale, _identity, _sign_of_difference, out
    )
