"""``check_symbolic_forward`` / ``check_symbolic_backward``: a Symbol bound to NumPy inputs,
its outputs and gradients compared with expected values (MXNet 1.9.1's signatures)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np

from .. import ndarray as nd
from ..context import Context, current_context
from ..symbol.executor import grad_req_dict
from ._compare import assert_almost_equal

_FLOAT_DTYPES = (np.float16, np.float32, np.float64)


def _as_array(value: Any, ctx: Context, dtype: Any) -> Any:
    host = value.asnumpy() if isinstance(value, nd.NDArray) else np.asarray(value)
    return nd.array(host, ctx=ctx, dtype=host.dtype if dtype == "asnumpy" else dtype)


def _by_name(values: Any, names: List[str], what: str, where: str) -> Dict[str, Any]:
    """``values`` (a list in ``names`` order, or a dict by name) as a dict by name."""
    if values is None:
        return {}
    if isinstance(values, dict):
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise ValueError(f"{where}: {what} {unknown} are not in the symbol's {names}")
        return dict(values)
    values = list(values)
    if len(values) != len(names):
        raise ValueError(
            f"{where}: {len(values)} {what} given, the symbol has {len(names)} ({names})"
        )
    return dict(zip(names, values))


def _bind_inputs(sym: Any, location: Any, aux_states: Any, ctx: Context, dtype: Any, where: str):
    if not (dtype == "asnumpy" or dtype in _FLOAT_DTYPES):
        raise ValueError(f"{where}: dtype must be 'asnumpy' or a float type, got {dtype!r}")
    arg_names = sym.list_arguments()
    args = _by_name(location, arg_names, "arguments", where)
    missing = [n for n in arg_names if n not in args]
    if missing:
        raise ValueError(f"{where}: location has no value for argument(s) {missing}")
    aux = _by_name(aux_states, sym.list_auxiliary_states(), "auxiliary states", where)
    args = {k: _as_array(v, ctx, dtype) for k, v in args.items()}
    aux = {k: _as_array(v, ctx, dtype) for k, v in aux.items()}
    return args, aux


def check_symbolic_forward(
    sym: Any,
    location: Any,
    expected: Any,
    rtol: Any = None,
    atol: Any = None,
    aux_states: Any = None,
    ctx: Optional[Context] = None,
    equal_nan: bool = False,
    dtype: Any = np.float32,
) -> List[Any]:
    """Binds ``sym`` to ``location`` (a list in ``list_arguments()`` order or a dict), runs
    it forward in inference mode and compares each output with ``expected`` (a list, or a
    dict by output name) as EXPECTED_<name> against FORWARD_<name>; returns the outputs."""
    where = "check_symbolic_forward"
    ctx = current_context() if ctx is None else ctx
    args, aux = _bind_inputs(sym, location, aux_states, ctx, dtype, where)
    executor = sym.bind(ctx, args=args, aux_states=aux or None, grad_req="null")
    outputs = executor.forward(is_train=False)
    names = sym.list_outputs()
    wanted = _by_name(expected, names, "expected outputs", where)
    for name, output in zip(names, outputs):
        if name not in wanted:
            continue
        assert_almost_equal(
            np.asarray(wanted[name]),
            output.asnumpy(),
            rtol,
            atol,
            names=("EXPECTED_%s" % name, "FORWARD_%s" % name),
            equal_nan=equal_nan,
        )
    return outputs


def check_symbolic_backward(
    sym: Any,
    location: Any,
    out_grads: Any,
    expected: Any,
    rtol: Any = None,
    atol: Any = None,
    aux_states: Any = None,
    grad_req: Any = "write",
    ctx: Optional[Context] = None,
    grad_stypes: Optional[Dict[str, str]] = None,
    equal_nan: bool = False,
    dtype: Any = np.float32,
) -> Dict[str, np.ndarray]:
    """Binds ``sym``, runs forward (training mode) and backward with ``out_grads``, and
    compares the gradients with ``expected`` (a list in ``list_arguments()`` order or a dict)
    as EXPECTED_<name> against BACKWARD_<name>. ``grad_req='add'`` starts every gradient
    from random values and expects them added to; returns the gradients as NumPy arrays."""
    where = "check_symbolic_backward"
    if grad_stypes and any(s != "default" for s in grad_stypes.values()):
        raise NotImplementedError(f"{where}: sparse gradients are not supported: {grad_stypes}")
    ctx = current_context() if ctx is None else ctx
    args, aux = _bind_inputs(sym, location, aux_states, ctx, dtype, where)
    arg_names = sym.list_arguments()
    wanted = _by_name(expected, arg_names, "expected gradients", where)
    reqs = grad_req_dict(grad_req, arg_names)
    for name, req in reqs.items():
        if req not in ("write", "add", "null"):
            raise ValueError(f"{where}: grad_req for '{name}' must be write, add or null: {req!r}")
    start = {
        n: np.random.normal(size=args[n].shape).astype(args[n].dtype)
        if reqs[n] == "add"
        else np.zeros(args[n].shape, dtype=args[n].dtype)
        for n in arg_names
    }
    grads = {n: nd.array(start[n], ctx=ctx, dtype=args[n].dtype) for n in arg_names}
    executor = sym.bind(ctx, args=args, args_grad=grads, grad_req=reqs, aux_states=aux or None)
    outputs = executor.forward(is_train=True)
    if out_grads is not None:
        if isinstance(out_grads, dict):
            names = sym.list_outputs()
            out_grads = [out_grads[n] for n in names]
        elif not isinstance(out_grads, (list, tuple)):
            out_grads = [out_grads]
        out_grads = [_as_array(g, ctx, o.dtype) for g, o in zip(out_grads, outputs)]
    executor.backward(out_grads)
    result = {n: executor.grad_dict[n].asnumpy() for n in arg_names if n in executor.grad_dict}
    for name, want in wanted.items():
        if reqs[name] == "null":
            continue
        want = np.asarray(want)
        if reqs[name] == "add":
            want = want + start[name]
        assert_almost_equal(
            want,
            result[name],
            rtol,
            atol,
            names=("EXPECTED_%s" % name, "BACKWARD_%s" % name),
            equal_nan=equal_nan,
        )
    return result
