"""Autograd: ``record``, ``pause``, ``backward``, ``grad`` (MXNet's ``mxnet.autograd``).

The recording and training flags are thread-local and live in the C++ core.
"""

from __future__ import annotations

import numbers
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from . import _core
from ._core import NDArray
from .base import MXNetError, MXNetTypeError, MXNetValueError

# MXNet's autograd has no __all__: its star-import also gives NDArray, which its tests use
__all__ = [
    "get_symbol",
    "NDArray",
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
) -> List[NDArray]:
    """Returns the gradients of ``heads`` with respect to ``variables`` (no ``.grad`` writes).

    Always a list, one gradient per variable, even for a single NDArray, as in MXNet.
    ``retain_graph`` defaults to ``create_graph``. A variable the heads do not depend on
    raises MXNetError (MXNet's "unreachable from the outputs").
    """
    heads = _as_list(heads)
    variables = _as_list(variables)
    if head_grads is None:
        head_grads = [None] * len(heads)
    else:
        head_grads = _as_list(head_grads)
    if retain_graph is None:
        retain_graph = create_graph
    with _RecordingStateScope(None, train_mode):
        return _core.grad(heads, variables, head_grads, retain_graph, create_graph)


def get_symbol(x):
    """The computation recorded behind ``x`` as a Symbol (MXNet's ``autograd.get_symbol``).

    Its variables ``var0``, ``var1``, ... are the arrays with ``attach_grad()`` it reads,
    in the order the graph first reads them; its nodes ``node_0``, ``node_1``, ... are the
    recorded operations in order, named by gluonlite's core operators (``multiply``,
    ``add``, ...), with numbers and arrays outside the graph folded into them. It is for
    inspection: ``list_arguments``, ``get_internals``, ``tojson``.
    """
    from .symbol.symbol import Node, Symbol

    heads = x if isinstance(x, (list, tuple)) else [x]
    for h in heads:
        if not isinstance(h, NDArray):
            raise TypeError("get_symbol: expected NDArray(s), got %s" % type(h).__name__)
    nodes, head_refs = _core.recorded_graph(list(heads))
    groups = _cached_op_groups(nodes, head_refs)
    variables: List[Node] = []
    built: Dict[Any, Node] = {}  # unit -> Node; a unit is ("n", node index) or ("g", group)
    position: Dict[Tuple[int, int], int] = {}  # a group's (member, output) -> output index

    def unit_of(index: int) -> Any:
        group = nodes[index][2]
        return ("g", group) if group else ("n", index)

    def unit_refs(unit: Any) -> list:
        return groups[unit[1]]["inputs"] if unit[0] == "g" else nodes[unit[1]][1]

    def resolve(kind: int, index: int, out: int) -> Tuple[Node, int]:
        if kind == 1:
            while len(variables) <= index:
                variables.append(Node("null", "var%d" % len(variables)))
            return variables[index], out
        unit = unit_of(index)
        return built[unit], position.get((index, out), out) if unit[0] == "g" else out

    def build(unit: Any) -> None:
        inputs = [resolve(*ref) for ref in unit_refs(unit)]
        if unit[0] == "g":
            info = groups[unit[1]]
            suffix = "" if info["name"] not in names else "_%d" % len(built)
            names.add(info["name"])
            attrs = {"num_outputs": str(max(1, len(info["outputs"])))}
            built[unit] = Node("_CachedOp", info["name"] + suffix, attrs, inputs=inputs)
            for i, ref in enumerate(info["outputs"]):
                position[ref] = i
        else:
            built[unit] = Node(nodes[unit[1]][0], "node_%d" % len(built), inputs=inputs)

    # post-order over the graph with each hybridized call as one unit (iterative: unrolled
    # recurrences record thousands of nodes)
    names: set = set()
    for kind, index, _ in head_refs:
        if kind != 0:
            continue
        stack = [(unit_of(index), 0)]
        while stack:
            unit, next_ref = stack[-1]
            if unit in built:
                stack.pop()
                continue
            refs = unit_refs(unit)
            while next_ref < len(refs) and (
                refs[next_ref][0] != 0 or unit_of(refs[next_ref][1]) in built
            ):
                next_ref += 1
            if next_ref < len(refs):
                stack[-1] = (unit, next_ref + 1)
                stack.append((unit_of(refs[next_ref][1]), 0))
                continue
            build(unit)
            stack.pop()
    return Symbol([resolve(kind, index, out) for kind, index, out in head_refs])


def _cached_op_groups(nodes: list, head_refs: list) -> Dict[int, dict]:
    """For each hybridized call in the recorded nodes (their group tag): the references it
    reads from outside (its inputs, in order), its outputs read from outside (in order) and
    its block's name."""
    from .gluon._cached_graph import GROUP_NAMES

    groups: Dict[int, dict] = {}
    for i, (op, refs, group) in enumerate(nodes):
        name, collapse = GROUP_NAMES.get(group >> 32, ("", False))
        if not collapse:  # a call within inline_limit: its nodes show one by one
            nodes[i] = (op, refs, 0)
        elif group not in groups:
            groups[group] = {"inputs": [], "outputs": [], "name": name}

    def note_output(kind: int, index: int, out: int, reader: int) -> None:
        source = nodes[index][2] if kind == 0 else 0
        if source and source != reader and (index, out) not in groups[source]["outputs"]:
            groups[source]["outputs"].append((index, out))

    for _, refs, group in nodes:
        for kind, index, out in refs:
            outside = kind == 1 or nodes[index][2] != group
            if group and outside and (kind, index, out) not in groups[group]["inputs"]:
                groups[group]["inputs"].append((kind, index, out))
            note_output(kind, index, out, group)
    for kind, index, out in head_refs:
        note_output(kind, index, out, 0)
    return groups


def mark_variables(variables, gradients, grad_reqs="write") -> None:
    """Marks arrays as variables whose gradients ``backward`` writes INTO ``gradients``.

    Each gradient buffer is used itself, not copied: after ``backward()`` the very arrays
    passed here hold the gradients (``grad_reqs`` 'write' overwrites, 'add' accumulates,
    'null' leaves them alone). Buffers must match their variable's shape, dtype and context.
    """
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
    for i, (var, buf, req) in enumerate(zip(variables, gradients, reqs)):
        for what, arr in (("variable", var), ("gradient", buf)):
            if not isinstance(arr, NDArray):
                raise MXNetTypeError(
                    "mark_variables: %s %d must be an NDArray, got %s"
                    % (what, i, type(arr).__name__)
                )
        if req not in ("write", "add", "null"):
            raise MXNetValueError(
                "mark_variables: grad_req %d must be 'write', 'add' or 'null', got %r" % (i, req)
            )
        if buf.shape != var.shape or buf.dtype != var.dtype or buf.context != var.context:
            raise MXNetValueError(
                "mark_variables: gradient %d is %s %s on %s but variable %d is %s %s on %s; "
                "the buffer must match its variable"
                % (
                    i,
                    buf.shape,
                    np.dtype(buf.dtype).name,
                    buf.context,
                    i,
                    var.shape,
                    np.dtype(var.dtype).name,
                    var.context,
                )
            )
    from .ndarray.ndarray import note_grad_stype

    for var, buf, req in zip(variables, gradients, reqs):
        _core.mark_variable(var, buf, req)
        note_grad_stype(var, buf.stype)


class Function:
    """A differentiable function with a hand-written gradient (MXNet's ``autograd.Function``).

    Subclass it and define ``forward(*inputs)`` (returning an NDArray or a tuple of them) and
    ``backward(*output_grads)`` (returning one gradient per input); stash what backward needs
    with ``self.save_for_backward(...)`` and read it back from ``self.saved_tensors``. Call an
    instance once: ``y = MyFunc()(x)``. Forward runs unrecorded; under ``record()`` its
    outputs join the graph, so gradients flow through ``backward`` into the rest of it.
    Backward runs unrecorded too, so (as in MXNet) its result is not differentiated again
    under ``create_graph``. A gradient that broadcasts to its input's shape is broadcast and
    one of another dtype is cast, as MXNet's assignment into the gradient buffer does.
    """

    def __init__(self) -> None:
        self._used = False
        self.saved_tensors: tuple = ()

    def save_for_backward(self, *args) -> None:
        """Keeps ``args`` for ``backward`` as ``self.saved_tensors``."""
        self.saved_tensors = args

    def forward(self, *inputs):
        """The computation; override."""
        raise NotImplementedError

    def backward(self, *output_grads):
        """One gradient per forward input, given one gradient per forward output; override."""
        raise NotImplementedError

    def __call__(self, *inputs):
        name = type(self).__name__
        if self._used:
            raise AssertionError(
                "Each Function instance can only be called once. Please create another "
                "instance (%s was called before)." % name
            )
        self._used = True
        recording = is_recording()
        if recording:
            for i, arr in enumerate(inputs):
                if not isinstance(arr, NDArray):
                    raise MXNetTypeError(
                        "%s: argument %d must be an NDArray to be recorded, got %s"
                        % (name, i, type(arr).__name__)
                    )
        with _RecordingStateScope(False, None):
            outputs = self.forward(*inputs)
        if not recording:
            return outputs
        outs = (outputs,) if isinstance(outputs, NDArray) else outputs
        if not isinstance(outs, (list, tuple)) or not all(isinstance(o, NDArray) for o in outs):
            raise MXNetTypeError(
                "%s.forward must return an NDArray or a tuple of NDArrays, got %r" % (name, outputs)
            )
        specs = [(arr.shape, arr.dtype, arr.context) for arr in inputs]
        _core.record_custom(name, list(inputs), list(outs), self._backward_entry(specs))
        # An output kept in saved_tensors would tie the graph node to itself through this
        # object; a detached view holds the same data without that cycle.
        self.saved_tensors = tuple(
            s.detach() if any(s is o for o in outs) else s for s in self.saved_tensors
        )
        return outputs

    def _backward_entry(self, specs):
        """The callback the graph node runs: ``backward`` with its result checked."""
        name = type(self).__name__

        def entry(output_grads):
            try:
                grads = self.backward(*output_grads)
            except Exception as error:
                raise MXNetError(
                    "Error in %s.backward: %s: %s" % (name, type(error).__name__, error)
                ) from error
            if not isinstance(grads, (list, tuple)):
                grads = (grads,)
            if len(grads) != len(specs):
                raise MXNetError(
                    "%s.backward must return exactly the same number of NDArrays as the number "
                    "of NDArrays arguments to forward. Expecting %d got %d"
                    % (name, len(specs), len(grads))
                )
            return [
                _fit_gradient(name, i, g, spec) for i, (g, spec) in enumerate(zip(grads, specs))
            ]

        return entry


def _fit_gradient(op: str, index: int, grad, spec):
    """``grad`` as input ``index``'s gradient: broadcast, cast and moved like MXNet's copy."""
    shape, dtype, ctx = spec
    if not isinstance(grad, NDArray):
        raise MXNetTypeError(
            "%s.backward must return NDArrays, not %s (gradient %d)"
            % (op, type(grad).__name__, index)
        )
    if grad.shape != shape:
        try:
            fits = np.broadcast_shapes(grad.shape, shape) == shape
        except ValueError:
            fits = False
        if not fits:
            raise MXNetError(
                "%s.backward returned a gradient of shape %s for input %d, whose shape is %s"
                % (op, grad.shape, index, shape)
            )
        grad = grad.broadcast_to(shape)
    if grad.dtype != dtype:
        grad = grad.astype(dtype)
    return grad.as_in_context(ctx)
