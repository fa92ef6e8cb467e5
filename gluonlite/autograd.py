"""Autograd: ``record``, ``pause``, ``backward``, ``grad`` (MXNet's ``mxnet.autograd``).

The recording and training flags are thread-local and live in the C++ core.
"""

from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from . import _core
from .base import MXNetTypeError, MXNetValueError

__all__ = [
    "record",
    "pause",
    "train_mode",
    "predict_mode",
    "is_recording",
    "is_training",
    "set_recording",
    "set_training",
    "backward",
    "grad",
    "mark_variables",
    "Function",
]


def set_recording(is_recording: bool) -> bool:  # noqa: D401
    """Sets the recording flag; returns the previous value."""
    return _core.set_recording(bool(is_recording))


def set_training(train_mode: bool) -> bool:
    """Sets the training flag; returns the previous value."""
    return _core.set_training(bool(train_mode))


def is_recording() -> bool:
    """Whether operations are being recorded for backward."""
    return _core.is_recording()


def is_training() -> bool:
    """Whether layers such as Dropout run in training mode."""
    return _core.is_training()


class _RecordingStateScope:
    """Context manager setting the recording and/or training flags, restoring them on exit."""

    __slots__ = ("_enter_record", "_enter_train", "_prev_record", "_prev_train")

    def __init__(self, is_record: Optional[bool], train_mode: Optional[bool]):
        # Checked here, before __enter__ changes any flag: a bad value must not leave the
        # thread recording for good.
        if train_mode is not None and not isinstance(
            train_mode, (bool, np.bool_, numbers.Integral)
        ):
            raise MXNetTypeError(
                "train_mode must be a bool, got %s %r" % (type(train_mode).__name__, train_mode)
            )
        self._enter_record = is_record
        self._enter_train = train_mode
        self._prev_record = None
        self._prev_train = None

    def __enter__(self):
        if self._enter_record is not None:
            self._prev_record = _core.set_recording(self._enter_record)
        if self._enter_train is not None:
            self._prev_train = _core.set_training(self._enter_train)
        return self

    def __exit__(self, *exc):
        if self._enter_record is not None:
            _core.set_recording(self._prev_record)
        if self._enter_train is not None:
            _core.set_training(self._prev_train)


def record(train_mode: bool = True) -> _RecordingStateScope:
    """Records operations for ``backward`` inside a ``with`` block."""
    return _RecordingStateScope(True, train_mode)


def pause(train_mode: bool = False) -> _RecordingStateScope:
    """Stops recording inside a ``with`` block."""
    return _RecordingStateScope(False, train_mode)


def train_mode() -> _RecordingStateScope:
    """Training-mode behaviour (e.g. Dropout active) without changing recording."""
    return _RecordingStateScope(None, True)


def predict_mode() -> _RecordingStateScope:
    """Inference-mode behaviour without changing recording."""
    return _RecordingStateScope(None, False)


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def backward(heads, head_grads=None, retain_graph: bool = False, train_mode: bool = True) -> None:
    """Computes the gradients of ``heads`` into the ``.grad`` of every attached variable."""
    heads = _as_list(heads)
    if head_grads is None:
        head_grads = [None] * len(heads)
    else:
        head_grads = _as_list(head_grads)
    with _RecordingStateScope(None, train_mode):
        _core.backward(heads, head_grads, retain_graph, False)


def grad(
    heads,
    variables,
    head_grads=None,
    retain_graph: Optional[bool] = None,
    create_graph: bool = False,
    train_mode: bool = True,
):
    """Returns the gradients of ``heads`` with respect to ``variables`` (no ``.grad`` writes)."""
    single = not isinstance(variables, (list, tuple))
    heads = _as_list(heads)
    variables = _as_list(variables)
    if head_grads is None:
        head_grads = [None] * len(heads)
    else:
        head_grads = _as_list(head_grads)
    if retain_graph is None:
        retain_graph = create_graph
    with _RecordingStateScope(None, train_mode):
        grads = _core.grad(heads, variables, head_grads, retain_graph, create_graph)
    return grads[0] if single else grads


def mark_variables(variables, gradients, grad_reqs="write") -> None:
    """Marks arrays as variables; their gradients land in ``gradients``' buffers on backward."""
    variables = _as_list(variables)
    gradients = _as_list(gradients)
    reqs = (
        _as_list(grad_reqs)
        if isinstance(grad_reqs, (list, tuple))
        else [grad_reqs] * len(variables)
    )
    if not len(variables) == len(gradients) == len(reqs):
        raise MXNetValueError(
            "mark_variables: got %d variables, %d gradients and %d grad_reqs; "
            "give one gradient buffer and one grad_req per variable"
            % (len(variables), len(gradients), len(reqs))
        )
    for var, g, req in zip(variables, gradients, reqs):
        var.attach_grad(req)
        if req != "null":
            var.grad[:] = g


class Function:
    """Custom differentiable function (MXNet's ``autograd.Function``); not yet supported."""

    def __init__(self):
        raise NotImplementedError("autograd.Function is not implemented in gluonlite yet")
