"""Running a Symbol: graph evaluation, shape and type inference, and ``Executor``.

Every operator node is one call of its ``nd`` function (registry.py), with the node's
string attributes parsed back into Python values once. Autograd records through those
calls as through any imperative code, so ``Executor.backward`` is ``autograd.backward``.

Shape inference runs the graph on zero-filled arrays, after filling the shapes of
parameters the user did not give from the operator's other inputs (``_PARAM_SHAPES``:
FullyConnected's weight from the data and ``num_hidden``, BatchNorm's statistics from the
channel axis, ...), which is what MXNet's own shape pass decides for them.
"""

from __future__ import annotations

import ast
import warnings
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .. import autograd
from .. import ndarray as nd
from ..base import MXNetError
from ..context import Context, current_context
from ..ndarray import rnn_op
from .symbol import DTYPE_NAMES, Head, Node, Symbol, topological


def parse_attr(value: str) -> Any:
    """An attribute string as the Python value it spells (``"(3, 3)"`` is a tuple)."""
    text = value.strip()
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    if lowered == "none":
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return value


def _call_kwargs(node: Node) -> Dict[str, Any]:
    if node._call_kwargs is None:
        # ``ctx`` is where the graph runs, not an attribute: the executor passes its own
        node._call_kwargs = {
            key: parse_attr(value)
            for key, value in node.attrs.items()
            if not (key.startswith("__") and key.endswith("__")) and key != "ctx"
        }
    return node._call_kwargs


def run_node(node: Node, arrays: Sequence[Any], ctx: Optional[Context]) -> List[Any]:
    """The node's outputs, from its input arrays (MXNetError naming the node on failure)."""
    spec = node.spec
    kwargs = _call_kwargs(node)
    if spec.accepts_ctx and "ctx" not in kwargs:
        kwargs = dict(kwargs, ctx=ctx or current_context())
    try:
        if spec.variadic:
            out = spec.fn(*arrays, **kwargs)
        else:
            names = node.input_names or []
            out = spec.fn(**dict(zip(names, arrays)), **kwargs)
    except MXNetError as err:
        raise type(err)("Error in operator %s (%s): %s" % (node.name, node.op, err)) from err
    except (TypeError, ValueError, IndexError) as err:
        raise MXNetError("Error in operator %s (%s): %s" % (node.name, node.op, err)) from err
    return list(out) if isinstance(out, (list, tuple)) else [out]


class _Pending:
    """A creation node (``_zeros``) whose shape has a 0 to be read off its consumer, as
    exported RNN layers make their begin states: ``shape=(1, 0, 8)`` with 0 the batch."""

    __slots__ = ("node",)

    def __init__(self, node: Node) -> None:
        self.node = node


_CREATION_OPS = ("_zeros", "_ones", "_full")


def _open_shape(node: Node) -> bool:
    if node.op not in _CREATION_OPS or node.inputs:
        return False
    shape = _call_kwargs(node).get("shape")
    return isinstance(shape, (tuple, list)) and any(int(d) == 0 for d in shape)


def _resolve_pending(node: Node, arrays: List[Any], ctx: Optional[Context]) -> List[Any]:
    shapes = [None if isinstance(a, _Pending) else tuple(a.shape) for a in arrays]
    filled = _fill_param_shapes(node, shapes)
    resolved = []
    for array, shape in zip(arrays, filled):
        if isinstance(array, _Pending):
            if not _known(shape):
                raise MXNetError(
                    "Error in operator %s (%s): cannot decide the shape of its input '%s' "
                    "(declared %s)"
                    % (node.name, node.op, array.node.name, array.node.attrs.get("shape"))
                )
            kwargs = dict(_call_kwargs(array.node), shape=shape)
            if array.node.spec.accepts_ctx:
                kwargs["ctx"] = ctx or current_context()
            array = array.node.spec.fn(**kwargs)
        resolved.append(array)
    return resolved


def _run_graph(heads: Sequence[Head], feed: Dict[str, Any], ctx: Optional[Context]) -> List[Any]:
    values: Dict[int, List[Any]] = {}
    for node in topological(heads):
        if node.is_variable:
            if node.name not in feed:
                raise MXNetError(
                    "The graph needs input '%s', which was not given (given: %s)"
                    % (node.name, sorted(feed))
                )
            values[id(node)] = [feed[node.name]]
        elif _open_shape(node):
            values[id(node)] = [_Pending(node)]
        else:
            arrays = [values[id(child)][index] for child, index in node.inputs]
            if any(isinstance(a, _Pending) for a in arrays):
                arrays = _resolve_pending(node, arrays, ctx)
            values[id(node)] = run_node(node, arrays, ctx)
    return [values[id(node)][index] for node, index in heads]


def run_graph(symbol: Symbol, arrays: Dict[str, Any], ctx: Any = None) -> List[Any]:
    """The outputs for the given input arrays, recorded by autograd when it records."""
    return _run_graph(symbol._heads, arrays, ctx)


def evaluate(symbol: Symbol, arrays: Dict[str, Any], ctx: Any = None) -> List[Any]:
    """``Symbol.eval``: the outputs for the given input arrays (inference mode)."""
    with autograd.pause():
        return _run_graph(symbol._heads, arrays, ctx)


# ---- shape inference ----------------------------------------------------------------


def _known(shape: Optional[Tuple[int, ...]]) -> bool:
    return shape is not None and len(shape) > 0 and all(d > 0 for d in shape)


def _attr_shape(node: Node) -> Optional[Tuple[int, ...]]:
    text = node.attrs.get("__shape__")
    if text is None:
        return None
    shape = parse_attr(text)
    return tuple(int(d) for d in shape) if isinstance(shape, (tuple, list)) else None


def _features(shape: Tuple[int, ...], flatten: bool) -> int:
    if not flatten:
        return shape[-1]
    size = 1
    for d in shape[1:]:
        size *= d
    return size


def _fc_shapes(a: Dict[str, Any], data: Tuple[int, ...]) -> Dict[str, Tuple[int, ...]]:
    hidden = int(a["num_hidden"])
    return {"weight": (hidden, _features(data, a.get("flatten", True))), "bias": (hidden,)}


def _channel_axis(a: Dict[str, Any], ndim: int) -> int:
    layout = a.get("layout")
    return ndim - 1 if layout and str(layout).endswith("C") else 1


def _conv_shapes(a: Dict[str, Any], data: Tuple[int, ...]) -> Dict[str, Tuple[int, ...]]:
    kernel = tuple(a["kernel"])
    groups = int(a.get("num_group", 1))
    filters = int(a["num_filter"])
    axis = _channel_axis(a, len(data))
    channels = data[axis]
    if axis == 1:
        weight = (filters, channels // groups) + kernel
    else:
        weight = (filters,) + kernel + (channels // groups,)
    return {"weight": weight, "bias": (filters,)}


def _deconv_shapes(a: Dict[str, Any], data: Tuple[int, ...]) -> Dict[str, Tuple[int, ...]]:
    kernel = tuple(a["kernel"])
    groups = int(a.get("num_group", 1))
    filters = int(a["num_filter"])
    return {"weight": (data[1], filters // groups) + kernel, "bias": (filters,)}


def _per_channel(axis_key: Optional[str], default_axis: int, names: Sequence[str]) -> Callable:
    def shapes(a: Dict[str, Any], data: Tuple[int, ...]) -> Dict[str, Tuple[int, ...]]:
        axis = int(a.get(axis_key, default_axis)) if axis_key else default_axis
        return {name: (data[axis],) for name in names}

    return shapes


def _rnn_blocks(a: Dict[str, Any], data: Tuple[int, ...]) -> List[Tuple[str, Tuple[int, ...]]]:
    """(name, shape) of each block of an RNN node's packed parameters (nd.RNN's layout)."""
    projection = a.get("projection_size")
    return rnn_op._packing(
        rnn_op._MODES[a["mode"]][1],
        int(a["num_layers"]),
        2 if a.get("bidirectional", False) else 1,
        int(a["state_size"]),
        data[2],
        int(projection) if projection else None,
    )


def _rnn_shapes(a: Dict[str, Any], data: Tuple[int, ...]) -> Dict[str, Tuple[int, ...]]:
    size = sum(rnn_op._size(shape) for _, shape in _rnn_blocks(a, data))
    layers = int(a["num_layers"]) * (2 if a.get("bidirectional", False) else 1)
    projection = a.get("projection_size")
    hidden = int(a["state_size"])
    state = (layers, data[1], int(projection) if projection else hidden)
    return {"parameters": (size,), "state": state, "state_cell": (layers, data[1], hidden)}


def _same_as_data(*names: str) -> Callable:
    return lambda a, data: {name: data for name in names}


# op -> shapes of its parameter inputs, from the attributes and the first input's shape
_PARAM_SHAPES: Dict[str, Callable[[Dict[str, Any], Tuple[int, ...]], Dict[str, Tuple]]] = {
    "FullyConnected": _fc_shapes,
    "Convolution": _conv_shapes,
    "Deconvolution": _deconv_shapes,
    "BatchNorm": _per_channel("axis", 1, ("gamma", "beta", "moving_mean", "moving_var")),
    "LayerNorm": _per_channel("axis", -1, ("gamma", "beta")),
    "InstanceNorm": _per_channel(None, 1, ("gamma", "beta")),
    "GroupNorm": _per_channel(None, 1, ("gamma", "beta")),
    "LeakyReLU": _per_channel(None, 1, ("gamma",)),
    "Embedding": lambda a, data: {"weight": (int(a["input_dim"]), int(a["output_dim"]))},
    "RNN": _rnn_shapes,
    "SoftmaxOutput": lambda a, data: {"label": data[:1] if len(data) == 2 else data[:-1]},
    "LinearRegressionOutput": _same_as_data("label"),
    "LogisticRegressionOutput": _same_as_data("label"),
    "MAERegressionOutput": _same_as_data("label"),
}
_ELEMENTWISE = {
    "elemwise_add",
    "elemwise_sub",
    "elemwise_mul",
    "elemwise_div",
    "_plus",
    "_minus",
    "_mul",
    "_div",
    "_Plus",
    "_Minus",
    "_Mul",
    "_Div",
    "broadcast_add",
    "broadcast_sub",
    "broadcast_mul",
    "broadcast_div",
}


def _fill_param_shapes(
    node: Node, shapes: List[Optional[Tuple[int, ...]]]
) -> List[Optional[Tuple[int, ...]]]:
    rule = _PARAM_SHAPES.get(node.op)
    names = node.input_names or []
    first = shapes[0] if shapes else None
    if rule is not None and first is not None and _known(first):
        inferred = rule(_call_kwargs(node), first)
        return [
            inferred.get(name, shape) if not _known(shape) else shape
            for name, shape in zip(names, shapes)
        ]
    if node.op in _ELEMENTWISE and len(shapes) == 2:
        lhs, rhs = shapes
        if _known(lhs) and not _known(rhs):
            return [lhs, lhs]
        if _known(rhs) and not _known(lhs):
            return [rhs, rhs]
    return shapes


class _Inference:
    """Shapes (and dtypes) of every variable and node output, by running on zeros."""

    def __init__(self, symbol: Symbol, shapes: Dict[str, Tuple], dtypes: Dict[str, Any]) -> None:
        self.symbol = symbol
        self.var_shape: Dict[str, Optional[Tuple[int, ...]]] = {}
        self.out_shapes: Dict[int, List[Tuple[int, ...]]] = {}
        self.dtypes = dtypes
        nodes = topological(symbol._heads)
        for node in nodes:
            if node.is_variable:
                given = shapes.get(node.name)
                self.var_shape[node.name] = tuple(given) if given is not None else _attr_shape(node)
        self._values: Dict[int, List[Any]] = {}
        with autograd.pause(train_mode=False):
            for node in nodes:
                self._visit(node)

    def _dtype(self, node: Node) -> str:
        if node.name in self.dtypes:
            return np.dtype(self.dtypes[node.name]).name
        code = node.attrs.get("__dtype__")
        return DTYPE_NAMES.get(int(code), "float32") if code is not None else "float32"

    def _zeros(self, node: Node) -> Any:
        shape = self.var_shape.get(node.name)
        if not _known(shape):
            return None
        return nd.zeros(shape, dtype=self._dtype(node))

    def _visit(self, node: Node) -> None:
        if node.is_variable:
            if id(node) not in self._values:
                self._values[id(node)] = [self._zeros(node)]
            return
        if _open_shape(node):
            self._values[id(node)] = [_Pending(node)]
            return
        arrays = [self._values[id(child)][index] for child, index in node.inputs]
        if node.op == "RNN" and len(arrays) > 1 and arrays[0] is not None and arrays[1] is None:
            self._fill_packed_rnn_parameters(node, tuple(arrays[0].shape))
            arrays = [self._values[id(child)][index] for child, index in node.inputs]
        if any(isinstance(a, _Pending) for a in arrays) and not any(a is None for a in arrays):
            arrays = _resolve_pending(node, arrays, None)
        if any(a is None for a in arrays):
            shapes = [
                None if a is None or isinstance(a, _Pending) else tuple(a.shape) for a in arrays
            ]
            filled = _fill_param_shapes(node, shapes)
            for (child, _), before, after in zip(node.inputs, shapes, filled):
                if child.is_variable and before is None and _known(after):
                    self.var_shape[child.name] = after
                    self._values[id(child)] = [self._zeros(child)]
            arrays = [self._values[id(child)][index] for child, index in node.inputs]
        if any(a is None or isinstance(a, _Pending) for a in arrays):
            self._values[id(node)] = [None] * max(1, len(node.output_names()))
            return
        self._values[id(node)] = run_node(node, arrays, None)

    def _fill_packed_rnn_parameters(self, node: Node, data: Tuple[int, ...]) -> None:
        """An exported RNN layer's parameters reach the RNN node flattened (``Reshape``) and
        packed (``_rnn_param_concat``): their shapes follow from the packing order (weights,
        then biases; layer by layer; l then r; i2h then h2h) and the data's feature size."""
        concat = node.inputs[1][0]
        kw = _call_kwargs(node)
        if (
            concat.op != "_rnn_param_concat"
            or len(data) != 3
            or kw.get("mode") not in rnn_op._MODES
        ):
            return
        shapes = [shape for _, shape in _rnn_blocks(kw, data)]
        if len(shapes) != len(concat.inputs):
            return
        for (piece, _), shape in zip(concat.inputs, shapes):
            var = piece.inputs[0][0] if piece.op == "Reshape" and piece.inputs else piece
            if var.is_variable and not _known(self.var_shape.get(var.name)):
                self.var_shape[var.name] = shape
                self._values[id(var)] = [self._zeros(var)]
            if piece is not var:
                inputs = [self._values[id(c)][i] for c, i in piece.inputs]
                if all(a is not None for a in inputs):
                    self._values[id(piece)] = run_node(piece, inputs, None)
        inputs = [self._values[id(c)][i] for c, i in concat.inputs]
        if all(a is not None for a in inputs):
            self._values[id(concat)] = run_node(concat, inputs, None)

    def shape_of(self, head: Head) -> Optional[Tuple[int, ...]]:
        node, index = head
        value = self._values[id(node)]
        if index >= len(value) or value[index] is None or isinstance(value[index], _Pending):
            return None
        return tuple(value[index].shape)

    def dtype_of(self, head: Head) -> Optional[Any]:
        node, index = head
        value = self._values[id(node)]
        if index >= len(value) or value[index] is None:
            return None
        return value[index].dtype


def _shape_arguments(
    symbol: Symbol, args: Sequence[Any], kwargs: Dict[str, Any]
) -> Dict[str, Tuple]:
    if args and kwargs:
        raise ValueError(
            "Can only specify known argument shapes either by positional or kwargs way."
        )
    if args:
        names = symbol.list_arguments()
        return {name: tuple(shape) for name, shape in zip(names, args) if shape is not None}
    return {name: tuple(shape) for name, shape in kwargs.items() if shape is not None}


def infer_shape(symbol: Symbol, args: Sequence[Any], kwargs: Dict[str, Any], partial: bool) -> Any:
    """``Symbol.infer_shape`` / ``infer_shape_partial``."""
    known = _shape_arguments(symbol, args, kwargs)
    arg_names = symbol.list_arguments()
    unknown_given = sorted(set(known) - set(symbol.list_inputs()))
    if unknown_given:
        raise MXNetError(
            "infer_shape: %s %s not an input of this symbol; its inputs are %s"
            % (
                ", ".join("'%s'" % n for n in unknown_given),
                "is" if len(unknown_given) == 1 else "are",
                symbol.list_inputs(),
            )
        )
    inference = _Inference(symbol, known, {})
    aux_names = symbol.list_auxiliary_states()

    def var_shape(name: str) -> Tuple[int, ...]:
        shape = inference.var_shape.get(name)
        return shape if shape is not None and _known(shape) else ()

    arg_shapes = [var_shape(n) for n in arg_names]
    aux_shapes = [var_shape(n) for n in aux_names]
    out_shapes = [inference.shape_of(head) or () for head in symbol._heads]
    decided = all(arg_shapes) and all(aux_shapes) and all(out_shapes)
    if not partial and not decided:
        unknown = [n for n, s in zip(arg_names + aux_names, arg_shapes + aux_shapes) if not s]
        warnings.warn(
            "Cannot decide shape for the following arguments (0s in shape means unknown "
            "dimensions). Consider providing them as input:\n"
            + "\n".join("\t%s: %s" % (n, var_shape(n)) for n in unknown),
            stacklevel=3,
        )
        return None, None, None
    return arg_shapes, out_shapes, aux_shapes


def infer_type(symbol: Symbol, args: Sequence[Any], kwargs: Dict[str, Any]) -> Any:
    """``Symbol.infer_type``: every input takes the given (or its declared) dtype; an
    operator's outputs take its first input's, but for operators that set one."""
    if args and kwargs:
        raise ValueError(
            "Can only specify known argument types either by positional or kwargs way."
        )
    arg_names = symbol.list_arguments()
    given = dict(zip(arg_names, args)) if args else dict(kwargs)
    given = {k: np.dtype(v).type for k, v in given.items() if v is not None}
    default = next(iter(given.values()), None)
    node_types: Dict[int, List[Any]] = {}
    var_types: Dict[str, Any] = {}
    for node in topological(symbol._heads):
        if node.is_variable:
            code = node.attrs.get("__dtype__")
            dtype = given.get(node.name)
            if dtype is None and code is not None:
                dtype = np.dtype(DTYPE_NAMES[int(code)]).type
            var_types[node.name] = dtype if dtype is not None else default
            node_types[id(node)] = [var_types[node.name]]
            continue
        inputs = [node_types[id(child)][index] for child, index in node.inputs]
        kwargs_ = _call_kwargs(node)
        out = (
            np.dtype(kwargs_["dtype"]).type
            if node.op in ("Cast", "_zeros", "_ones", "_full") and kwargs_.get("dtype")
            else next((t for t in inputs if t is not None), default)
        )
        node_types[id(node)] = [out] * max(1, len(node.output_names()))
    if any(t is None for t in var_types.values()):
        return None, None, None
    aux_names = symbol.list_auxiliary_states()
    return (
        [var_types[n] for n in arg_names],
        [node_types[id(node)][index] for node, index in symbol._heads],
        [var_types[n] for n in aux_names],
    )


# ---- Executor -----------------------------------------------------------------------


def _as_name_dict(values: Any, names: List[str], what: str, allow_missing: bool) -> Dict[str, Any]:
    if values is None:
        return {}
    if isinstance(values, dict):
        extra = sorted(set(values) - set(names))
        if extra:
            raise MXNetError(
                "bind: %s %s not in the symbol's %s (%s)"
                % (
                    ", ".join("'%s'" % n for n in extra),
                    "is" if len(extra) == 1 else "are",
                    what,
                    names,
                )
            )
        missing = [n for n in names if n not in values]
        if missing and not allow_missing:
            raise MXNetError(
                "bind: %s missing for %s" % (what, ", ".join("'%s'" % n for n in missing))
            )
        return {n: values[n] for n in names if n in values}
    values = list(values)
    if len(values) != len(names):
        raise MXNetError(
            "bind: %d %s given, the symbol has %d (%s)" % (len(values), what, len(names), names)
        )
    return {n: v for n, v in zip(names, values) if v is not None}


def grad_req_dict(grad_req: Any, arg_names: List[str]) -> Dict[str, str]:
    """``grad_req`` (one string, a dict by name with 'null' for the rest, or a list in
    argument order) as a dict by argument name."""
    if isinstance(grad_req, str):
        return {n: grad_req for n in arg_names}
    if isinstance(grad_req, dict):
        return {n: grad_req.get(n, "null") for n in arg_names}
    return dict(zip(arg_names, grad_req))


class Executor:
    """A bound graph: ``forward`` computes ``outputs``; ``backward`` fills ``grad_dict``."""

    def __init__(
        self,
        symbol: Symbol,
        ctx: Any,
        args: Any,
        args_grad: Any = None,
        grad_req: Any = "write",
        aux_states: Any = None,
    ) -> None:
        self._symbol = symbol
        self._ctx = ctx
        arg_names = symbol.list_arguments()
        aux_names = symbol.list_auxiliary_states()
        self.arg_dict = _as_name_dict(args, arg_names, "arguments", False)
        self.grad_dict = _as_name_dict(args_grad, arg_names, "gradients", True)
        self.aux_dict = _as_name_dict(aux_states, aux_names, "auxiliary states", False)
        self._grad_req = grad_req_dict(grad_req, arg_names)
        self.outputs: List[Any] = []
        self._arg_names = arg_names
        self._aux_names = aux_names

    @property
    def arg_arrays(self) -> List[Any]:
        return [self.arg_dict[n] for n in self._arg_names]

    @property
    def grad_arrays(self) -> List[Any]:
        return [self.grad_dict.get(n) for n in self._arg_names]

    @property
    def aux_arrays(self) -> List[Any]:
        return [self.aux_dict[n] for n in self._aux_names]

    @property
    def output_dict(self) -> Dict[str, Any]:
        return dict(zip(self._symbol.list_outputs(), self.outputs))

    def forward(self, is_train: bool = False, **kwargs: Any) -> List[Any]:
        """Compute the outputs; ``kwargs`` arrays are first copied into the bound inputs."""
        for name, value in kwargs.items():
            if name not in self.arg_dict:
                raise MXNetError(
                    "forward: unknown argument '%s' (arguments: %s)" % (name, self._arg_names)
                )
            self.arg_dict[name][:] = value
        feed = dict(self.arg_dict)
        feed.update(self.aux_dict)
        marked = [
            n
            for n in self._arg_names
            if self._grad_req.get(n, "null") != "null" and self.grad_dict.get(n) is not None
        ]
        if is_train and marked:
            autograd.mark_variables(
                [self.arg_dict[n] for n in marked],
                [self.grad_dict[n] for n in marked],
                [self._grad_req[n] for n in marked],
            )
            with autograd.record(train_mode=True):
                self.outputs = _run_graph(self._symbol._heads, feed, self._ctx)
        else:
            scope = autograd.train_mode() if is_train else autograd.predict_mode()
            with autograd.pause(train_mode=is_train), scope:
                self.outputs = _run_graph(self._symbol._heads, feed, self._ctx)
        return self.outputs

    def backward(self, out_grads: Any = None, is_train: bool = True) -> None:
        """Gradients of the outputs (weighted by ``out_grads``) into ``grad_dict``."""
        if not self.outputs:
            raise MXNetError("backward: call forward(is_train=True) first")
        if out_grads is not None and not isinstance(out_grads, (list, tuple)):
            out_grads = [out_grads]
        autograd.backward(self.outputs, head_grads=out_grads, train_mode=is_train)

    def copy_params_from(
        self,
        arg_params: Dict[str, Any],
        aux_params: Optional[Dict[str, Any]] = None,
        allow_extra_params: bool = False,
    ) -> None:
        """Copy arrays by name into the bound arguments and auxiliary states."""
        for source, target, what in (
            (arg_params, self.arg_dict, "argument"),
            (aux_params or {}, self.aux_dict, "auxiliary state"),
        ):
            for name, value in source.items():
                if name in target:
                    target[name][:] = value
                elif not allow_extra_params:
                    raise ValueError('Find name "%s" that is not in the %ss' % (name, what))


def simple_bind(
    symbol: Symbol,
    ctx: Any,
    grad_req: Any,
    type_dict: Optional[Dict[str, Any]],
    shapes: Dict[str, Any],
) -> Executor:
    """``Symbol.simple_bind``: zero-filled arguments, gradients and states of the inferred
    shapes."""
    arg_shapes, _, aux_shapes = infer_shape(symbol, (), shapes, partial=False)
    if arg_shapes is None:
        raise MXNetError(
            "simple_bind: the shapes given (%s) do not decide every argument's "
            "shape; give the missing input shapes too" % shapes
        )
    type_dict = type_dict or {}
    ctx = ctx or current_context()
    arg_names = symbol.list_arguments()
    args = [
        nd.zeros(s, ctx=ctx, dtype=type_dict.get(n, "float32"))
        for n, s in zip(arg_names, arg_shapes)
    ]
    reqs = grad_req if isinstance(grad_req, dict) else {n: grad_req for n in arg_names}
    grads = {
        n: nd.zeros(s, ctx=ctx, dtype=type_dict.get(n, "float32"))
        for n, s in zip(arg_names, arg_shapes)
        if reqs.get(n, "null") != "null"
    }
    aux = [nd.zeros(s, ctx=ctx) for s in aux_shapes]
    return Executor(symbol, ctx, args, grads, grad_req, aux)
