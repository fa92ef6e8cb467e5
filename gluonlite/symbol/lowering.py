"""Graph nodes bound to their kernels: the steps a cached graph replays.

``lower(node)`` gives a callable ``step(*arrays) -> list of outputs`` for one node. For the
operators hybridized nets spend their time in (FullyConnected, convolution, pooling,
BatchNorm, activations, elementwise arithmetic) the attributes are parsed and checked once
here and the step is the bare core call the ``nd`` function would make, so a replay gives
bit-identical results without the per-call argument handling; every other operator runs
through its ``nd`` function with the parsed attributes.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from .. import _core
from ..ndarray import nn_ops, ops
from .executor import _call_kwargs, run_node
from .symbol import Node

Step = Callable[..., List[Any]]


def _fully_connected(kw: Dict[str, Any]) -> Optional[Step]:
    if "num_hidden" not in kw:
        return None
    hidden, flatten = int(kw["num_hidden"]), bool(kw.get("flatten", True))
    if kw.get("no_bias", False):
        return lambda x, w, *rest: [_core.fully_connected(x, w, None, hidden, flatten)]
    return lambda x, w, b: [_core.fully_connected(x, w, b, hidden, flatten)]


def _activation(kw: Dict[str, Any]) -> Optional[Step]:
    fn = ops.ACTIVATIONS.get(kw.get("act_type", "relu"))
    if fn is None:
        return None
    return lambda x: [fn(x)]


def _channel_first(kw: Dict[str, Any]) -> bool:
    layout = kw.get("layout")
    return layout is None or str(layout).startswith("NC")


def _convolution(kw: Dict[str, Any]) -> Optional[Step]:
    if not _channel_first(kw) or "num_filter" not in kw:
        return None
    kernel = nn_ops._tuple(kw.get("kernel"), "kernel", "Convolution")
    stride = nn_ops._tuple(kw.get("stride"), "stride", "Convolution")
    dilate = nn_ops._tuple(kw.get("dilate"), "dilate", "Convolution")
    pad = nn_ops._tuple(kw.get("pad"), "pad", "Convolution")
    filters, groups = int(kw["num_filter"]), int(kw.get("num_group", 1))
    if not kernel:
        return None
    conv = _core.convolution
    if kw.get("no_bias", False):
        return lambda x, w, *rest: [conv(x, w, None, kernel, stride, dilate, pad, filters, groups)]
    return lambda x, w, b: [conv(x, w, b, kernel, stride, dilate, pad, filters, groups)]


def _pooling(kw: Dict[str, Any]) -> Optional[Step]:
    kind = nn_ops.POOL_TYPES.get(kw.get("pool_type", "max"))
    convention = nn_ops.POOL_CONVENTIONS.get(kw.get("pooling_convention", "valid"))
    if kind is None or convention is None or not _channel_first(kw):
        return None
    kernel = nn_ops._tuple(kw.get("kernel", ()), "kernel", "Pooling")
    stride = nn_ops._tuple(kw.get("stride", ()), "stride", "Pooling")
    pad = nn_ops._tuple(kw.get("pad", ()), "pad", "Pooling")
    global_pool = bool(kw.get("global_pool", False))
    if not kernel and not global_pool:
        return None
    include = kw.get("count_include_pad")
    include = True if include is None else bool(include)
    pool = _core.pooling
    return lambda x: [pool(x, kernel, stride, pad, kind, convention, global_pool, include)]


def _batch_norm(kw: Dict[str, Any]) -> Optional[Step]:
    if kw.get("output_mean_var", False):
        return None
    eps, momentum = float(kw.get("eps", 0.001)), float(kw.get("momentum", 0.9))
    fix_gamma = bool(kw.get("fix_gamma", True))
    global_stats = bool(kw.get("use_global_stats", False))
    axis = int(kw.get("axis", 1))
    norm = _core.batch_norm

    def step(x: Any, gamma: Any, beta: Any, mean: Any, var: Any) -> List[Any]:
        return [norm(x, gamma, beta, mean, var, eps, momentum, fix_gamma, global_stats, axis)[0]]

    return step


def _unary(fn: Callable) -> Callable[[Dict[str, Any]], Step]:
    return lambda kw: lambda x: [fn(x)]


def _binary(fn: Callable) -> Callable[[Dict[str, Any]], Step]:
    return lambda kw: lambda a, b: [fn(a, b)]


_LOWERINGS: Dict[str, Callable[[Dict[str, Any]], Optional[Step]]] = {
    "FullyConnected": _fully_connected,
    "Activation": _activation,
    "Convolution": _convolution,
    "Pooling": _pooling,
    "BatchNorm": _batch_norm,
}
for _name, _ in _core.nd_unary_ops():
    _LOWERINGS[_name] = _unary(getattr(_core, _name))
for _core_name, _names in _core.nd_binary_ops():
    for _name in _names:
        _LOWERINGS[_name] = _binary(getattr(_core, _core_name))


def lower(node: Node) -> Step:
    """The replay step for ``node`` (which must be an operator node)."""
    make = _LOWERINGS.get(node.op)
    if make is not None and node.input_names is not None:
        kwargs = _call_kwargs(node)
        try:
            step = make(kwargs)
        except (TypeError, ValueError, KeyError):
            step = None  # unusual attributes: the nd function checks and reports them
        if step is not None:
            return step
    return lambda *arrays: run_node(node, arrays, None)
