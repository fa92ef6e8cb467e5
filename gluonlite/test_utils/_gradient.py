"""Gradient checks by finite differences, and optimizer-against-optimizer comparison."""

from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .. import autograd
from .. import ndarray as nd
from ..context import Context, current_context
from ..ndarray import NDArray
from ._compare import assert_almost_equal, compare_ndarray_tuple, default_numeric_eps


def _parse_location(func: Callable, location: Any) -> Tuple[List[str], List[np.ndarray], bool]:
    """(names, values, by_keyword) of the inputs; list inputs take the callable's parameter
    names when it has that many positional parameters, else arg0, arg1, ..."""
    if isinstance(location, dict):
        names = list(location)
        values = [location[name] for name in names]
        return names, values, True
    if isinstance(location, (NDArray, np.ndarray)):
        location = [location]
    if not isinstance(location, (list, tuple)):
        raise TypeError(
            "check_numeric_gradient: location must be a list or dict of arrays, got "
            f"{type(location).__name__}"
        )
    names = [f"arg{i}" for i in range(len(location))]
    try:
        params = [
            p.name
            for p in inspect.signature(func).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        if len(params) == len(location):
            names = params
    except (TypeError, ValueError):  # builtins without a signature keep arg0, arg1, ...
        pass
    return names, list(location), False


def _host(x: Any) -> np.ndarray:
    return x.asnumpy() if isinstance(x, NDArray) else np.asarray(x)


def _as_outputs(out: Any, where: str) -> List[NDArray]:
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    for o in outs:
        if not isinstance(o, NDArray):
            raise TypeError(f"{where}: the function must return NDArrays, got {type(o).__name__}")
    return outs


def _symbol_function(
    sym: Any, location: Any, aux_states: Any, ctx: Any, dtype: Any, where: str
) -> Callable:
    """A callable over ``sym``'s arguments (by keyword) that runs its graph, recorded, with
    the auxiliary states fixed; ``arg_names`` holds the argument order."""
    from ..symbol.executor import run_graph

    arg_names = sym.list_arguments()
    if isinstance(location, dict):
        unknown = sorted(set(location) - set(arg_names))
        if unknown or len(location) != len(arg_names):
            raise ValueError(
                f"{where}: location must give every argument of the symbol {arg_names}; "
                f"got {sorted(location)}"
            )
    elif len(location) != len(arg_names):
        raise ValueError(
            f"{where}: {len(location)} arrays given, the symbol has {len(arg_names)} "
            f"arguments ({arg_names})"
        )
    aux_names = sym.list_auxiliary_states()
    if aux_states is None:
        aux_states = {}
    elif not isinstance(aux_states, dict):
        aux_states = dict(zip(aux_names, aux_states))
    ctx = current_context() if ctx is None else ctx
    aux = {k: nd.array(_host(v), ctx=ctx, dtype=dtype) for k, v in aux_states.items()}

    def run(**arrays: NDArray) -> List[NDArray]:
        return run_graph(sym, {**arrays, **aux}, ctx)

    run.arg_names = arg_names  # type: ignore[attr-defined]
    return run


def check_numeric_gradient(
    sym: Callable,
    location: Any,
    aux_states: Any = None,
    numeric_eps: Optional[float] = None,
    rtol: Any = None,
    atol: Any = None,
    grad_nodes: Optional[Sequence[str]] = None,
    use_forward_train: bool = True,
    ctx: Optional[Context] = None,
    grad_stype_dict: Optional[Dict[str, str]] = None,
    dtype: Any = np.float32,
) -> None:
    """Checks autograd's gradient of ``sym`` against central finite differences.

    ``sym`` is a Symbol (``location`` a list in ``list_arguments()`` order or a dict by
    name; ``aux_states`` likewise for its auxiliary states) or a callable taking NDArrays
    (positionally for a list ``location``, by keyword for a dict) and returning an NDArray
    or a list of them. As in MXNet, the outputs are projected on a random direction and the
    gradient of that scalar is compared, input by input, under the names NUMERICAL_<name>
    and BACKWARD_<name>. Tolerances default per ``dtype``; the step defaults to
    ``default_numeric_eps()[dtype]``.
    """
    where = "check_numeric_gradient"
    from ..symbol import Symbol

    if isinstance(sym, Symbol):
        sym = _symbol_function(sym, location, aux_states, ctx, dtype, where)
        if not isinstance(location, dict):
            location = dict(zip(sym.arg_names, location))  # type: ignore[attr-defined]
    elif not callable(sym):
        raise TypeError(
            f"{where}: sym must be a Symbol or a callable that takes NDArrays and returns an "
            f"NDArray, got {type(sym).__name__}"
        )
    elif aux_states is not None:
        raise ValueError(f"{where}: aux_states go with a Symbol, not with a callable")
    for name, stype in (grad_stype_dict or {}).items():  # sparse gradients hold the same values
        if stype not in ("default", "row_sparse", "csr"):
            raise ValueError(f"{where}: unknown storage type {stype!r} for the gradient of {name}")
    dtype = np.dtype(dtype)
    if numeric_eps is None:
        if dtype not in default_numeric_eps():
            raise ValueError(f"{where}: dtype must be a float type, got {dtype.name}")
        numeric_eps = default_numeric_eps()[dtype]
    ctx = current_context() if ctx is None else ctx
    names, values, by_keyword = _parse_location(sym, location)
    values = [_host(v).astype(dtype) for v in values]
    if grad_nodes is None:
        grad_nodes = names
    unknown = [n for n in grad_nodes if n not in names]
    if unknown:
        raise ValueError(f"{where}: grad_nodes {unknown} are not inputs; the inputs are {names}")

    def run(arrays: List[NDArray]) -> List[NDArray]:
        if by_keyword:
            return _as_outputs(sym(**dict(zip(names, arrays))), where)
        return _as_outputs(sym(*arrays), where)

    inputs = [nd.array(v, ctx=ctx, dtype=dtype) for v in values]
    for name in grad_nodes:
        inputs[names.index(name)].attach_grad()
    with autograd.record(train_mode=use_forward_train):
        outs = run(inputs)
    projections = [np.random.normal(0, 1, size=o.shape) for o in outs]
    autograd.backward(
        outs, [nd.array(p, ctx=ctx, dtype=o.dtype) for p, o in zip(projections, outs)]
    )
    analytic = {name: inputs[names.index(name)].grad.asnumpy() for name in grad_nodes}

    def forward(arrays: List[np.ndarray]) -> List[np.ndarray]:
        with autograd.pause(train_mode=use_forward_train):
            outs = run([nd.array(a, ctx=ctx, dtype=dtype) for a in arrays])
        return [o.asnumpy().astype(np.float64) for o in outs]

    for name in grad_nodes:
        i = names.index(name)
        numeric = np.zeros(values[i].shape, dtype=np.float64)
        for j in range(values[i].size):
            perturbed = [v.copy() for v in values]
            flat = perturbed[i].reshape(-1)
            flat[j] = values[i].reshape(-1)[j] + numeric_eps
            plus = forward(perturbed)
            flat[j] = values[i].reshape(-1)[j] - numeric_eps
            minus = forward(perturbed)
            # difference the outputs first: unperturbed elements cancel exactly
            numeric.reshape(-1)[j] = sum(
                np.sum((p - m) * proj) for p, m, proj in zip(plus, minus, projections)
            ) / (2 * numeric_eps)
        assert_almost_equal(
            numeric.astype(analytic[name].dtype),
            analytic[name],
            rtol,
            atol,
            names=(f"NUMERICAL_{name}", f"BACKWARD_{name}"),
        )


def _random_pair(shape: Any, dtype: Any, stype: str, what: str) -> Tuple[Any, Any]:
    """(dense copy, array of ``stype``) with the same random values, as MXNet's
    compare_optimizer draws them: a sparse weight stores every row (density 1), a sparse
    gradient a random density."""
    ctx = current_context()
    if stype == "default":
        second = nd.random.uniform(shape=shape, ctx=ctx, dtype=dtype)
        return second.copyto(ctx), second
    if stype in ("row_sparse", "csr"):
        from ._random import rand_ndarray

        second = rand_ndarray(shape, stype, density=1 if what == "weight" else None, dtype=dtype)
        return second.copyto(ctx).tostype("default"), second
    raise ValueError(f"compare_optimizer: unknown {what} storage type {stype!r}")


def compare_optimizer(
    opt1: Any,
    opt2: Any,
    shape: Any,
    dtype: Any,
    w_stype: str = "default",
    g_stype: str = "default",
    rtol: float = 1e-4,
    atol: float = 1e-5,
    compare_states: bool = True,
    ntensors: int = 1,
) -> None:
    """Applies one update of ``opt1`` and of ``opt2`` to the same uniform random weights and
    gradients; asserts the states (before and after) and the updated weights agree.

    With ``ntensors`` > 1, ``shape`` is a list of shapes: ``opt1`` updates the tensors one
    by one, ``opt2`` in one aggregated call with lists of indices, weights and gradients.
    """
    if ntensors == 1:
        w1, w2 = _random_pair(shape, dtype, w_stype, "weight")
        g1, g2 = _random_pair(shape, dtype, g_stype, "gradient")
        state1 = opt1.create_state_multi_precision(0, w1)
        state2 = opt2.create_state_multi_precision(0, w2)
        if compare_states:
            compare_ndarray_tuple(state1, state2)
        opt1.update_multi_precision(0, w1, g1, state1)
        opt2.update_multi_precision(0, w2, g2, state2)
        if compare_states:
            compare_ndarray_tuple(state1, state2, rtol=rtol, atol=atol)
        assert_almost_equal(w1, w2, rtol=rtol, atol=atol)
        return
    if len(shape) != ntensors:
        raise ValueError(f"compare_optimizer: ntensors={ntensors} but {len(shape)} shapes given")
    pairs_w = [_random_pair(s, dtype, w_stype, "weight") for s in shape]
    pairs_g = [_random_pair(s, dtype, g_stype, "gradient") for s in shape]
    w1, w2 = [p[0] for p in pairs_w], [p[1] for p in pairs_w]
    g1, g2 = [p[0] for p in pairs_g], [p[1] for p in pairs_g]
    state1 = [opt1.create_state_multi_precision(i, w1[i]) for i in range(ntensors)]
    state2 = [opt2.create_state_multi_precision(i, w2[i]) for i in range(ntensors)]
    if compare_states:
        compare_ndarray_tuple(tuple(state1), tuple(state2))
    for i in range(ntensors):
        opt1.update_multi_precision(i, w1[i], g1[i], state1[i])
    opt2.update_multi_precision(list(range(ntensors)), tuple(w2), tuple(g2), state2)
    if compare_states:
        compare_ndarray_tuple(tuple(state1), tuple(state2), rtol=rtol, atol=atol)
    for i in range(ntensors):
        assert_almost_equal(w1[i], w2[i], rtol=rtol, atol=atol)
