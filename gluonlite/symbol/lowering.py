"""Graph nodes bound to their kernels: the steps a cached graph replays.

``lower(node)`` gives ``(step, kernel)`` for one node: ``step(*arrays) -> list of outputs``
is a Python callable, and ``kernel`` the same call as a ``_core.GraphKernel`` that a C++
graph plan runs (None where the core has no kernel for the node). For the operators
hybridized nets spend their time in (FullyConnected, convolution, pooling, BatchNorm,
activations, elementwise arithmetic) the attributes are parsed and checked once here and
both are the bare core call the ``nd`` function would make, so a replay gives bit-identical
results without the per-call argument handling; every other operator runs through its
``nd`` function with the parsed attributes, as a Python step.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Tuple

from .. import _core
from ..base import MXNetError
from ..ndarray import nn_ops, ops
from .executor import _call_kwargs, run_node
from .symbol import Node

Step = Callable[..., List[Any]]
Lowered = Tuple[Step, Any]  # (Python step, _core.GraphKernel or None)


def _fully_connected(kw: Dict[str, Any]) -> Optional[Lowered]:
    if "num_hidden" not in kw:
        return None
    hidden, flatten = int(kw["num_hidden"]), bool(kw.get("flatten", True))
    no_bias = bool(kw.get("no_bias", False))
    kernel = _core.fully_connected_kernel(hidden, flatten, not no_bias)
    if no_bias:
        return lambda x, w, *rest: [_core.fully_connected(x, w, None, hidden, flatten)], kernel
    return lambda x, w, b: [_core.fully_connected(x, w, b, hidden, flatten)], kernel


def _activation(kw: Dict[str, Any]) -> Optional[Lowered]:
    fn = ops.ACTIVATIONS.get(kw.get("act_type", "relu"))
    if fn is None:
        return None
    return (lambda x: [fn(x)]), _core.unary_kernel(fn.__name__)


def _channel_first(kw: Dict[str, Any]) -> bool:
    layout = kw.get("layout")
    return layout is None or str(layout).startswith("NC")


def _convolution(kw: Dict[str, Any]) -> Optional[Lowered]:
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
    no_bias = bool(kw.get("no_bias", False))
    native = _core.convolution_kernel(kernel, stride, dilate, pad, filters, groups, not no_bias)
    if no_bias:
        step: Step = lambda x, w, *rest: [  # noqa: E731
            conv(x, w, None, kernel, stride, dilate, pad, filters, groups)
        ]
        return step, native
    return (lambda x, w, b: [conv(x, w, b, kernel, stride, dilate, pad, filters, groups)]), native


def _pooling(kw: Dict[str, Any]) -> Optional[Lowered]:
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
    native = _core.pooling_kernel(kernel, stride, pad, kind, convention, global_pool, include)
    return (
        lambda x: [pool(x, kernel, stride, pad, kind, convention, global_pool, include)]
    ), native


def _batch_norm(kw: Dict[str, Any]) -> Optional[Lowered]:
    if kw.get("output_mean_var", False):
        return None
    eps, momentum = float(kw.get("eps", 0.001)), float(kw.get("momentum", 0.9))
    fix_gamma = bool(kw.get("fix_gamma", True))
    global_stats = bool(kw.get("use_global_stats", False))
    axis = int(kw.get("axis", 1))
    norm = _core.batch_norm

    def step(x: Any, gamma: Any, beta: Any, mean: Any, var: Any) -> List[Any]:
        return [norm(x, gamma, beta, mean, var, eps, momentum, fix_gamma, global_stats, axis)[0]]

    return step, _core.batch_norm_kernel(eps, momentum, fix_gamma, global_stats, axis)


def _unary(name: str) -> Callable[[Dict[str, Any]], Lowered]:
    fn = getattr(_core, name)
    return lambda kw: ((lambda x: [fn(x)]), _core.unary_kernel(name))


def _binary(name: str) -> Callable[[Dict[str, Any]], Lowered]:
    fn = getattr(_core, name)
    return lambda kw: ((lambda a, b: [fn(a, b)]), _core.binary_kernel(name))


_LOWERINGS: Dict[str, Callable[[Dict[str, Any]], Optional[Lowered]]] = {
    "FullyConnected": _fully_connected,
    "Activation": _activation,
    "Convolution": _convolution,
    "Pooling": _pooling,
    "BatchNorm": _batch_norm,
}
for _name, _ in _core.nd_unary_ops():
    _LOWERINGS[_name] = _unary(_name)
for _core_name, _names in _core.nd_binary_ops():
    for _name in _names:
        _LOWERINGS[_name] = _binary(_core_name)


def lower(node: Node) -> Lowered:
    """The replay step of ``node`` (an operator node) and its C++ kernel, if it has one."""
    make = _LOWERINGS.get(node.op)
    if make is not None and node.input_names is not None:
        kwargs = _call_kwargs(node)
        try:
            lowered = make(kwargs)
        except (TypeError, ValueError, KeyError, MXNetError):
            lowered = None  # unusual attributes: the nd function checks and reports them
        if lowered is not None:
            if lowered[1] is not None and lowered[1].num_args != len(node.inputs):
                lowered = (lowered[0], None)  # an unusual arity: the Python step handles it
            return lowered
    return (lambda *arrays: run_node(node, arrays, None)), None
