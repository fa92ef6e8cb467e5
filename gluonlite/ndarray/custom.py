"""``nd.Custom``: runs a Python operator registered with ``mx.operator.register``."""

from __future__ import annotations

from typing import Any, Callable, List

import numpy as np

from .. import _core, autograd
from .. import operator as _operator
from ..base import MXNetError, MXNetTypeError
from ..context import current_context
from .ndarray import NDArray, zeros

__all__ = ["Custom"]


def _user_call(op_type: str, what: str, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    """Calls user code of the operator, turning its failure into MXNetError naming both."""
    try:
        return fn(*args, **kwargs)
    except Exception as error:
        raise MXNetError(
            "Error in custom operator '%s' (%s): %s: %s"
            % (op_type, what, type(error).__name__, error)
        ) from error


def _split_inferred(op_type: str, method: str, ret: Any, counts: List[int]) -> List[list]:
    """``(ins, outs[, auxs])`` returned by infer_shape / infer_type, checked against counts."""
    if not isinstance(ret, (list, tuple)) or len(ret) not in (2, 3):
        raise MXNetError(
            "Custom operator '%s': %s must return 2 or 3 lists (inputs, outputs[, auxiliary "
            "states]), got %r" % (op_type, method, ret)
        )
    parts = [list(part) for part in ret] + ([[]] if len(ret) == 2 else [])
    for part, count, kind in zip(parts, counts, ("input", "output", "auxiliary state")):
        if len(part) != count:
            raise MXNetError(
                "Custom operator '%s': %s returned %d %s entries, expected %d"
                % (op_type, method, len(part), kind, count)
            )
    return parts


def _as_shape(op_type: str, name: str, shape: Any) -> tuple:
    try:
        dims = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        dims = None
    if dims is None or any(d < 0 for d in dims):
        raise MXNetError(
            "Custom operator '%s': infer_shape gave %r for '%s'; a shape is a list of "
            "non-negative ints" % (op_type, shape, name)
        )
    return dims


def _as_dtype(op_type: str, name: str, dtype: Any) -> np.dtype:
    try:
        return np.dtype(dtype)
    except TypeError:
        raise MXNetError(
            "Custom operator '%s': infer_type gave %r for '%s', which is not a dtype"
            % (op_type, dtype, name)
        ) from None


def _check_given(op_type: str, kind: str, names, arrays, shapes, dtypes) -> None:
    """The inputs' actual shapes and dtypes must be what infer_shape / infer_type returned."""
    for name, arr, shape, dtype in zip(names, arrays, shapes, dtypes):
        if _as_shape(op_type, name, shape) != arr.shape:
            raise MXNetError(
                "Custom operator '%s': infer_shape returned shape %s for %s '%s', but the "
                "array given has shape %s" % (op_type, tuple(shape), kind, name, arr.shape)
            )
        if _as_dtype(op_type, name, dtype) != np.dtype(arr.dtype):
            raise MXNetError(
                "Custom operator '%s': infer_type returned dtype %s for %s '%s', but the array "
                "given has dtype %s"
                % (op_type, np.dtype(dtype).name, kind, name, np.dtype(arr.dtype).name)
            )


def Custom(*data: NDArray, **kwargs: Any):
    """Applies the custom operator ``op_type`` to ``data`` (its arguments, then its auxiliary
    states); other keyword arguments go to the CustomOpProp's constructor as strings.

    Returns one NDArray, or a list when the operator has several outputs. Under
    ``autograd.record()`` the outputs are recorded and ``CustomOp.backward`` gives the
    gradients of the arguments. As in MXNet the property and operator objects are created
    afresh for each call.
    """
    op_type = kwargs.pop("op_type", None)
    kwargs.pop("name", None)
    out = kwargs.pop("out", None)
    if op_type is None:
        raise MXNetError("Custom: the required argument `op_type` is missing")
    prop_cls = _operator.lookup(op_type)
    prop_name = getattr(prop_cls, "__name__", repr(prop_cls))
    prop = _user_call(
        op_type, prop_name + ".__init__", prop_cls, **{k: str(v) for k, v in kwargs.items()}
    )
    arg_names = list(_user_call(op_type, prop_name + ".list_arguments", prop.list_arguments))
    out_names = list(_user_call(op_type, prop_name + ".list_outputs", prop.list_outputs))
    aux_names = list(
        _user_call(op_type, prop_name + ".list_auxiliary_states", prop.list_auxiliary_states)
    )
    n_args, n_out, n_aux = len(arg_names), len(out_names), len(aux_names)
    if len(data) != n_args + n_aux:
        raise MXNetError(
            "Custom operator '%s' expects %d inputs (arguments: %s; auxiliary states: %s), "
            "got %d" % (op_type, n_args + n_aux, arg_names, aux_names, len(data))
        )
    for i, (name, arr) in enumerate(zip(arg_names + aux_names, data)):
        if not isinstance(arr, NDArray):
            raise MXNetTypeError(
                "Custom operator '%s': input %d ('%s') must be an NDArray, got %s"
                % (op_type, i, name, type(arr).__name__)
            )
    args, aux = list(data[:n_args]), list(data[n_args:])

    counts = [n_args, n_out, n_aux]
    shapes = _user_call(
        op_type, prop_name + ".infer_shape", prop.infer_shape, [list(a.shape) for a in args]
    )
    in_shapes, out_shapes, aux_shapes = _split_inferred(op_type, "infer_shape", shapes, counts)
    types = _user_call(op_type, prop_name + ".infer_type", prop.infer_type, [a.dtype for a in args])
    in_types, out_types, aux_types = _split_inferred(op_type, "infer_type", types, counts)
    _check_given(op_type, "argument", arg_names, args, in_shapes, in_types)
    _check_given(op_type, "auxiliary state", aux_names, aux, aux_shapes, aux_types)
    out_shapes = [_as_shape(op_type, n, s) for n, s in zip(out_names, out_shapes)]
    out_types = [_as_dtype(op_type, n, t) for n, t in zip(out_names, out_types)]

    ctx = data[0].context if data else current_context()
    op = _user_call(
        op_type,
        prop_name + ".create_operator",
        prop.create_operator,
        ctx,
        [list(d.shape) for d in data],
        [_operator.DTYPE_CODES.get(np.dtype(d.dtype).name, -1) for d in data],
    )
    out_data = _output_arrays(op_type, out, out_names, out_shapes, out_types, ctx)
    op_name = type(op).__name__
    with autograd._RecordingStateScope(False, None), ctx:
        _user_call(
            op_type,
            op_name + ".forward",
            op.forward,
            is_train=autograd.is_training(),
            req=["write"] * n_out,
            in_data=list(args),
            out_data=list(out_data),
            aux=list(aux),
        )
    if autograd.is_recording() and any(_core.requires_grad(a) for a in args):
        entry = _backward_entry(op_type, prop, op, args, out_data, aux, ctx)
        _core.record_custom(op_type, args, out_data, entry)
    return out_data[0] if n_out == 1 else list(out_data)


def _output_arrays(op_type, out, names, shapes, dtypes, ctx) -> List[NDArray]:
    """Fresh zero-filled outputs, or the ``out=`` arrays after checking they fit."""
    if out is None:
        return [zeros(s, ctx=ctx, dtype=t) for s, t in zip(shapes, dtypes)]
    outs = [out] if isinstance(out, NDArray) else list(out)
    if len(outs) != len(names):
        raise MXNetError(
            "Custom operator '%s' has %d outputs, but out= gives %d arrays"
            % (op_type, len(names), len(outs))
        )
    for name, arr, shape, dtype in zip(names, outs, shapes, dtypes):
        if not isinstance(arr, NDArray) or arr.shape != shape or np.dtype(arr.dtype) != dtype:
            raise MXNetError(
                "Custom operator '%s': out= for output '%s' must be an NDArray of shape %s and "
                "dtype %s, got %r" % (op_type, name, shape, dtype.name, arr)
            )
    return outs


def _backward_entry(op_type, prop, op, args, out_data, aux, ctx) -> Callable:
    """The graph node's callback: runs ``op.backward`` into fresh input-gradient buffers."""
    n_args, n_out = len(args), len(out_data)
    deps = _user_call(
        op_type,
        type(prop).__name__ + ".declare_backward_dependency",
        prop.declare_backward_dependency,
        list(range(n_out)),
        list(range(n_out, n_out + n_args)),
        list(range(n_out + n_args, 2 * n_out + n_args)),
    )
    deps = set(int(d) for d in deps)
    # Only what backward declared is kept alive; outputs as detached views, so the node does
    # not hold its own outputs' history (a reference cycle).
    in_data = [a if n_out + i in deps else None for i, a in enumerate(args)]
    kept_out = [o.detach() if n_out + n_args + i in deps else None for i, o in enumerate(out_data)]
    needs = [_core.requires_grad(a) for a in args]
    specs = [(a.shape, a.dtype, a.context) for a in args]
    what = type(op).__name__ + ".backward"

    def entry(out_grad: List[NDArray]) -> List[Any]:
        in_grad = [zeros(shape, ctx=c, dtype=dtype) for shape, dtype, c in specs]
        with ctx:
            _user_call(
                op_type,
                what,
                op.backward,
                req=["write" if need else "null" for need in needs],
                out_grad=list(out_grad),
                in_data=list(in_data),
                out_data=list(kept_out),
                in_grad=list(in_grad),
                aux=list(aux),
            )
        return [g if need else None for g, need in zip(in_grad, needs)]

    return entry
