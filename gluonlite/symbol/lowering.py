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
from ..ndarray.ndarray import _REDUCE_MAX, _REDUCE_MEAN, _REDUCE_MIN, _REDUCE_PROD, _REDUCE_SUM
from .executor import _call_kwargs, run_node
from .symbol import Node

Step = Callable[..., List[Any]]
Lowered = Tuple[Optional[Step], Any]  # (Python step or None: its nd function, GraphKernel)


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

    def make(kw: Dict[str, Any]) -> Lowered:
        # nd.maximum(x, 0.5) is a node of one input with the scalar as rhs (or lhs)
        for side, first in (("rhs", False), ("lhs", True)):
            if side in kw:
                return None, _core.binary_scalar_kernel(name, float(kw[side]), first)
        return (lambda a, b: [fn(a, b)]), _core.binary_kernel(name)

    return make


# Operators whose Python step stays their nd function (run_node): only the kernel is new.
def _kernel_only(make: Callable[[Dict[str, Any]], Any]) -> Callable[..., Optional[Lowered]]:
    def lowered(kw: Dict[str, Any]) -> Optional[Lowered]:
        kernel = make(kw)
        return None if kernel is None else (None, kernel)

    return lowered


# MXNet's scalar operators (x * 2 is _mul_scalar): (core binary op, scalar first)
_SCALAR_OPS = {
    "_plus_scalar": ("add", False),
    "_minus_scalar": ("subtract", False),
    "_rminus_scalar": ("subtract", True),
    "_mul_scalar": ("multiply", False),
    "_div_scalar": ("divide", False),
    "_rdiv_scalar": ("divide", True),
    "_power_scalar": ("power", False),
    "_rpower_scalar": ("power", True),
    "_maximum_scalar": ("maximum", False),
    "_minimum_scalar": ("minimum", False),
}


def _only(kw: Dict[str, Any], *names: str) -> bool:
    """Whether ``kw`` holds no attribute but ``names`` (others: the nd function judges)."""
    return all(key in names for key in kw)


def _scalar(op: str, first: bool) -> Callable[[Dict[str, Any]], Any]:
    def make(kw: Dict[str, Any]) -> Any:
        if not _only(kw, "scalar"):
            return None
        return _core.binary_scalar_kernel(op, float(kw["scalar"]), first)

    return make


# nd's reductions by name, with the core's reduction codes
_REDUCTIONS = {
    "sum": _REDUCE_SUM,
    "mean": _REDUCE_MEAN,
    "max": _REDUCE_MAX,
    "min": _REDUCE_MIN,
    "prod": _REDUCE_PROD,
    "sum_axis": _REDUCE_SUM,
    "max_axis": _REDUCE_MAX,
    "min_axis": _REDUCE_MIN,
}


def _reduce(code: int) -> Callable[[Dict[str, Any]], Any]:
    def make(kw: Dict[str, Any]) -> Any:
        if not _only(kw, "axis", "keepdims", "exclude"):
            return None
        keepdims, exclude = bool(kw.get("keepdims", False)), bool(kw.get("exclude", False))
        return _core.reduce_kernel(code, kw.get("axis"), keepdims, exclude)

    return make


def _transpose(kw: Dict[str, Any]) -> Any:
    if not _only(kw, "axes"):
        return None
    axes = kw.get("axes")
    return _core.transpose_kernel(tuple(axes) if axes else None)


def _concat(kw: Dict[str, Any], num_inputs: int) -> Any:
    if not _only(kw, "dim", "num_args"):
        return None
    if kw.get("num_args") is not None and int(kw["num_args"]) != num_inputs:
        return None  # nd.concat reports the mismatch
    return _core.concat_kernel(num_inputs, int(kw.get("dim", 1)))


def _reshape(kw: Dict[str, Any]) -> Any:
    if not _only(kw, "shape", "reverse", "target_shape", "keep_highest"):
        return None
    shape = kw.get("shape")
    if kw.get("target_shape") is not None or kw.get("keep_highest") or shape is None:
        return None  # the nd function handles (or refuses) these
    if isinstance(shape, int):
        shape = (shape,)
    return _core.reshape_kernel(tuple(int(d) for d in shape), bool(kw.get("reverse", False)))


def _softmax(log: bool) -> Callable[[Dict[str, Any]], Any]:
    def make(kw: Dict[str, Any]) -> Any:
        if not _only(kw, "axis", "temperature", "dtype", "use_length"):
            return None
        if kw.get("use_length") or kw.get("dtype") is not None:
            return None
        temperature = kw.get("temperature")
        t = 1.0 if temperature is None else float(temperature)
        return _core.softmax_kernel(int(kw.get("axis", -1)), t, log)

    return make


def _dropout(kw: Dict[str, Any]) -> Any:
    if not _only(kw, "p", "mode", "axes", "cudnn_off"):
        return None
    p = float(kw.get("p", 0.5))
    mode = kw.get("mode", "training")
    if not 0 <= p < 1 or mode not in ("training", "always"):
        return None  # nd.Dropout raises MXNet's error
    axes = kw.get("axes", ())
    return _core.dropout_kernel(p, mode == "always", tuple(axes) if axes else ())


_LOWERINGS: Dict[str, Callable[[Dict[str, Any]], Optional[Lowered]]] = {
    "FullyConnected": _fully_connected,
    "Activation": _activation,
    "Convolution": _convolution,
    "Pooling": _pooling,
    "BatchNorm": _batch_norm,
}
for _name, (_op, _first) in _SCALAR_OPS.items():
    _LOWERINGS[_name] = _kernel_only(_scalar(_op, _first))
for _name in ("Reshape", "reshape"):
    _LOWERINGS[_name] = _kernel_only(_reshape)
for _name in ("Flatten", "flatten"):
    _LOWERINGS[_name] = _kernel_only(lambda kw: _core.flatten_kernel())
_LOWERINGS["softmax"] = _kernel_only(_softmax(False))
_LOWERINGS["log_softmax"] = _kernel_only(_softmax(True))
_LOWERINGS["Dropout"] = _kernel_only(_dropout)
for _name, _code in _REDUCTIONS.items():
    _LOWERINGS[_name] = _kernel_only(_reduce(_code))
_LOWERINGS["transpose"] = _kernel_only(_transpose)
for _name, _ in _core.nd_unary_ops():
    _LOWERINGS[_name] = _unary(_name)
for _core_name, _names in _core.nd_binary_ops():
    for _name in _names:
        _LOWERINGS[_name] = _binary(_core_name)


def lower(node: Node) -> Lowered:
    """The replay step of ``node`` (an operator node) and its C++ kernel, if it has one."""
    make = _LOWERINGS.get(node.op)
    if node.op in ("Concat", "concat"):  # variadic: its kernel takes the node's inputs
        count = len(node.inputs)
        make = _kernel_only(lambda kw: _concat(kw, count))
    elif node.input_names is None:
        make = None
    if make is not None:
        kwargs = _call_kwargs(node)
        try:
            lowered = make(kwargs)
        except (TypeError, ValueError, KeyError, MXNetError):
            lowered = None  # unusual attributes: the nd function checks and reports them
        if lowered is not None:
            step, kernel = lowered
            if kernel is not None and kernel.num_args != len(node.inputs):
                # an unusual arity (softmax's length input, maximum(x, 0.5) with the scalar
                # as an attribute): the nd function handles it
                return _run_node_step(node), None
            return (step if step is not None else _run_node_step(node)), kernel
    return _run_node_step(node), None


def _run_node_step(node: Node) -> Step:
    return lambda *arrays: run_node(node, arrays, None)
