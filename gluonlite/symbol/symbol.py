"""``mx.sym.Symbol``: a graph of operator nodes, built from ``nd``'s operator registry.

A Symbol is a list of heads, each an (output of a) node. Nodes are variables (``op ==
"null"``) or operator applications whose attributes are kept as strings, as MXNet keeps
them, so a graph written with ``tojson`` reads back unchanged in MXNet 1.9.1 and here.
Computing a graph (``bind``, ``eval``, ``infer_shape``) is in executor.py; the JSON format
in graph_json.py.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np

from ..base import DTYPE_CODES, MXNetError, MXNetTypeError
from ..name import NameManager
from . import registry

__all__ = ["Symbol", "Variable", "var", "Group", "load", "load_json"]

DTYPE_NAMES = {code: name for name, code in DTYPE_CODES.items()}
STORAGE_CODES = {"default": 0, "row_sparse": 1, "csr": 2}


class Node:
    """One graph node: a variable (``op == "null"``) or an operator application."""

    __slots__ = ("op", "name", "attrs", "inputs", "input_names", "_spec", "_call_kwargs")

    def __init__(
        self,
        op: str,
        name: str,
        attrs: Optional[Dict[str, str]] = None,
        inputs: Optional[List[Tuple["Node", int]]] = None,
        input_names: Optional[List[str]] = None,
    ) -> None:
        self.op = op
        self.name = name
        self.attrs: Dict[str, str] = dict(attrs or {})
        self.inputs: List[Tuple[Node, int]] = list(inputs or [])
        self.input_names = input_names  # None for variadic operators
        self._spec: Optional[registry.OpSpec] = None
        self._call_kwargs: Optional[Dict[str, Any]] = None

    @property
    def is_variable(self) -> bool:
        return self.op == "null"

    @property
    def spec(self) -> registry.OpSpec:
        if self._spec is None:
            self._spec = registry.lookup(self.op, self.name)
        return self._spec

    def num_outputs(self) -> int:
        """Outputs in the graph (hidden ones included), as ``node_row_ptr`` counts them."""
        return 1 if self.is_variable else self.spec.outputs(self.attrs)[0]

    def output_names(self) -> List[str]:
        """The visible outputs' names (``fc1_output``)."""
        if self.is_variable:
            return [self.name]
        return ["%s_%s" % (self.name, out) for out in self.spec.outputs(self.attrs)[1]]


Head = Tuple[Node, int]


# attributes MXNet lists under both spellings (``__lr_mult__`` and ``lr_mult``)
_LISTED_TWICE = ("lr_mult", "wd_mult", "ctx_group")


def _listed_attrs(node: Node) -> Dict[str, str]:
    attrs = dict(node.attrs)
    for key in _LISTED_TWICE:
        value = node.attrs.get("__%s__" % key)
        if value is not None:
            attrs.setdefault(key, value)
    return attrs


def topological(heads: Sequence[Head]) -> List[Node]:
    """Every node the heads reach, inputs before users, in MXNet's depth-first order."""
    order: List[Node] = []
    seen = set()
    for head, _ in heads:
        if id(head) in seen:
            continue
        stack: List[Tuple[Node, int]] = [(head, 0)]
        seen.add(id(head))
        while stack:
            node, next_input = stack[-1]
            if next_input < len(node.inputs):
                stack[-1] = (node, next_input + 1)
                child = node.inputs[next_input][0]
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, 0))
            else:
                stack.pop()
                order.append(node)
    return order


def _attr_string(key: str, value: Any) -> str:
    """How MXNet writes an attribute value: ``str`` of it (dtypes by name)."""
    if isinstance(value, str):
        return value
    if key == "dtype" or key.endswith("_dtype"):
        return np.dtype(value).name
    if isinstance(value, list):
        value = tuple(value)
    return str(value)


class Symbol:
    """A symbolic expression: one or more outputs of a graph (MXNet's ``mx.sym.Symbol``)."""

    __slots__ = ("_heads", "__weakref__")

    def __init__(self, heads: Sequence[Head]) -> None:
        self._heads: List[Head] = list(heads)

    # ---- identity and structure --------------------------------------------------------

    @property
    def name(self) -> Optional[str]:
        """The node's name; None for a group of several outputs."""
        if len({id(node) for node, _ in self._heads}) != 1:
            return None
        return self._heads[0][0].name

    def __repr__(self) -> str:
        if self.name is not None:
            return "<Symbol %s>" % self.name
        return "<Symbol group [%s]>" % ", ".join(node.name for node, _ in self._heads)

    __str__ = __repr__

    def __len__(self) -> int:
        return len(self._heads)

    def __iter__(self) -> Iterator["Symbol"]:
        return (Symbol([head]) for head in self._heads)

    def __hash__(self) -> int:
        return id(self)

    def __bool__(self) -> bool:
        raise NotImplementedError(
            "The truth value of a Symbol is not defined: a Symbol holds no values until it "
            "is bound and run"
        )

    def __getitem__(self, index: Union[int, str, slice]) -> "Symbol":
        if isinstance(index, str):
            names = self.list_outputs()
            matches = [i for i, name in enumerate(names) if name == index]
            if not matches:
                raise ValueError(
                    "There is no output named '%s'; the outputs are %s" % (index, names)
                )
            if len(matches) > 1:
                raise ValueError("There are multiple outputs with name '%s'" % index)
            return Symbol([self._heads[matches[0]]])
        if isinstance(index, slice):
            return Symbol(self._heads[index])
        if not isinstance(index, (int, np.integer)):
            raise TypeError("Symbol only supports integer or string indexing, got %r" % index)
        if not -len(self._heads) <= index < len(self._heads):
            raise IndexError(
                "Symbol index %d is out of range: it has %d outputs" % (index, len(self._heads))
            )
        return Symbol([self._heads[int(index)]])

    def _nodes(self) -> List[Node]:
        return topological(self._heads)

    def _aux_nodes(self) -> set:
        aux = set()
        for node in self._nodes():
            if node.is_variable or not node.spec.aux or node.input_names is None:
                continue
            for (child, _), input_name in zip(node.inputs, node.input_names):
                if input_name in node.spec.aux and child.is_variable:
                    aux.add(id(child))
        return aux

    def list_outputs(self) -> List[str]:
        """Names of the outputs (``fc1_output``; a variable's own name)."""
        names = []
        for node, index in self._heads:
            visible = node.output_names()
            names.append(
                visible[index] if index < len(visible) else "%s_output%d" % (node.name, index)
            )
        return names

    def list_inputs(self) -> List[str]:
        """Every variable, arguments and auxiliary states together, in graph order."""
        return [node.name for node in self._nodes() if node.is_variable]

    def list_arguments(self) -> List[str]:
        """The variables the graph reads, auxiliary states excepted, in graph order."""
        aux = self._aux_nodes()
        return [node.name for node in self._nodes() if node.is_variable and id(node) not in aux]

    def list_auxiliary_states(self) -> List[str]:
        """The variables operators update themselves (BatchNorm's moving statistics)."""
        aux = self._aux_nodes()
        return [node.name for node in self._nodes() if id(node) in aux]

    def get_internals(self) -> "Symbol":
        """A group of every output of every node, in graph order."""
        heads: List[Head] = []
        for node in self._nodes():
            count = 1 if node.is_variable else len(node.output_names())
            heads.extend((node, i) for i in range(count))
        return Symbol(heads)

    def get_children(self) -> Optional["Symbol"]:
        """The inputs of this (single-output) symbol's node as a group; None for a variable."""
        node = self._heads[0][0]
        if not node.inputs:
            return None
        return Symbol(node.inputs)

    # ---- attributes ------------------------------------------------------------------

    def attr(self, key: str) -> Optional[str]:
        """The node's attribute ``key`` as a string, or None."""
        if len(self._heads) != 1:
            return None
        return self._heads[0][0].attrs.get(key)

    def list_attr(self, recursive: bool = False) -> Dict[str, str]:
        """The node's attributes (``recursive`` gives every node's, keyed ``node$key``)."""
        if recursive:
            return {
                "%s$%s" % (node.name, key): value
                for node in self._nodes()
                for key, value in _listed_attrs(node).items()
            }
        if len(self._heads) != 1:
            return {}
        return _listed_attrs(self._heads[0][0])

    def attr_dict(self) -> Dict[str, Dict[str, str]]:
        """Each node's attributes, by node name (nodes without any left out)."""
        return {node.name: _listed_attrs(node) for node in self._nodes() if node.attrs}

    def _set_attr(self, **kwargs: Any) -> None:
        for node, _ in self._heads:
            for key, value in kwargs.items():
                node.attrs[key] = _attr_string(key, value)

    # ---- copying and composition -------------------------------------------------------

    def _rebuilt(self, substitute: Dict[str, Head]) -> List[Head]:
        memo: Dict[int, Node] = {}
        for node in self._nodes():
            clone = Node(node.op, node.name, node.attrs, [], node.input_names)
            clone.inputs = [
                substitute[child.name]
                if child.is_variable and child.name in substitute
                else (memo[id(child)], index)
                for child, index in node.inputs
            ]
            memo[id(node)] = clone
        heads = []
        for node, index in self._heads:
            if node.is_variable and node.name in substitute:
                heads.append(substitute[node.name])
            else:
                heads.append((memo[id(node)], index))
        return heads

    def __copy__(self) -> "Symbol":
        return Symbol(self._rebuilt({}))

    def __deepcopy__(self, memo: Any) -> "Symbol":
        return Symbol(self._rebuilt({}))

    def _compose(self, *args: "Symbol", **kwargs: Any) -> None:
        """Replace variables by symbols, in place: positionally in ``list_arguments`` order,
        or by name."""
        name = kwargs.pop("name", None)
        if args and kwargs:
            raise MXNetTypeError(
                "compose only accepts input Symbols either as positional or "
                "keyword arguments, not both"
            )
        substitute: Dict[str, Head] = {}
        pairs = list(zip(self.list_arguments(), args)) if args else list(kwargs.items())
        arguments = set(self.list_inputs())
        for key, value in pairs:
            if not isinstance(value, Symbol) or len(value._heads) != 1:
                raise MXNetTypeError(
                    "compose expects single-output Symbols, got %r for '%s'" % (value, key)
                )
            if key not in arguments:
                raise MXNetError(
                    "compose: '%s' is not an input of this symbol; its inputs are %s"
                    % (key, sorted(arguments))
                )
            substitute[key] = value._heads[0]
        self._heads = self._rebuilt(substitute)
        if name is not None and len(self._heads) == 1:
            self._heads[0][0].name = name

    def __call__(self, *args: "Symbol", **kwargs: "Symbol") -> "Symbol":
        """A copy with variables replaced (see ``_compose``)."""
        result = self.__copy__()
        result._compose(*args, **kwargs)
        return result

    def __getstate__(self) -> Dict[str, str]:
        return {"handle": self.tojson()}

    def __setstate__(self, state: Dict[str, str]) -> None:
        from .graph_json import load_graph

        self._heads = load_graph(state["handle"])._heads

    # ---- arithmetic ------------------------------------------------------------------

    def _binary(self, other: Any, op: str, hint: str, scalar_op: str, scalar_hint: str) -> "Symbol":
        if isinstance(other, Symbol):
            return _apply(op, hint, [self, other], {})
        if isinstance(other, (int, float, np.number, bool)):
            return _apply(scalar_op, scalar_hint, [self], {"scalar": str(other)})
        raise MXNetTypeError("type %s not supported with a Symbol" % type(other).__name__)

    def _scalar_only(self, other: Any, op: str, hint: str) -> "Symbol":
        if isinstance(other, (int, float, np.number, bool)):
            return _apply(op, hint, [self], {"scalar": str(other)})
        raise MXNetTypeError("type %s not supported with a Symbol" % type(other).__name__)

    def __add__(self, other: Any) -> "Symbol":
        return self._binary(other, "elemwise_add", "_plus", "_plus_scalar", "_plusscalar")

    __radd__ = __add__

    def __sub__(self, other: Any) -> "Symbol":
        return self._binary(other, "elemwise_sub", "_minus", "_minus_scalar", "_minusscalar")

    def __rsub__(self, other: Any) -> "Symbol":
        return self._scalar_only(other, "_rminus_scalar", "_rminusscalar")

    def __mul__(self, other: Any) -> "Symbol":
        return self._binary(other, "elemwise_mul", "_mul", "_mul_scalar", "_mulscalar")

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> "Symbol":
        return self._binary(other, "elemwise_div", "_div", "_div_scalar", "_divscalar")

    def __rtruediv__(self, other: Any) -> "Symbol":
        return self._scalar_only(other, "_rdiv_scalar", "_rdivscalar")

    __div__ = __truediv__
    __rdiv__ = __rtruediv__

    def __mod__(self, other: Any) -> "Symbol":
        return self._binary(other, "_mod", "_mod", "_mod_scalar", "_modscalar")

    def __rmod__(self, other: Any) -> "Symbol":
        return self._scalar_only(other, "_rmod_scalar", "_rmodscalar")

    def __pow__(self, other: Any) -> "Symbol":
        return self._binary(other, "_power", "_power", "_power_scalar", "_powerscalar")

    def __rpow__(self, other: Any) -> "Symbol":
        return self._scalar_only(other, "_rpower_scalar", "_rpower_scalar")

    def __neg__(self) -> "Symbol":
        return _apply("_mul_scalar", "_mulscalar", [self], {"scalar": "-1.0"})

    def __abs__(self) -> "Symbol":
        return _apply("abs", "abs", [self], {})

    def __eq__(self, other: Any) -> "Symbol":  # type: ignore[override]
        return self._binary(other, "_equal", "_equal", "_equal_scalar", "_equal_scalar")

    def __ne__(self, other: Any) -> "Symbol":  # type: ignore[override]
        return self._binary(
            other, "_not_equal", "_not_equal", "_not_equal_scalar", "_not_equal_scalar"
        )

    def __gt__(self, other: Any) -> "Symbol":
        return self._binary(other, "_greater", "_greater", "_greater_scalar", "_greater_scalar")

    def __ge__(self, other: Any) -> "Symbol":
        return self._binary(
            other,
            "_greater_equal",
            "_greater_equal",
            "_greater_equal_scalar",
            "_greater_equal_scalar",
        )

    def __lt__(self, other: Any) -> "Symbol":
        return self._binary(other, "_lesser", "_lesser", "_lesser_scalar", "_lesser_scalar")

    def __le__(self, other: Any) -> "Symbol":
        return self._binary(
            other, "_lesser_equal", "_lesser_equal", "_lesser_equal_scalar", "_lesser_equal_scalar"
        )

    # ---- shapes, types, execution (executor.py) ---------------------------------------

    def infer_shape(self, *args: Any, **kwargs: Any) -> Any:
        """(argument shapes, output shapes, auxiliary shapes) from the given input shapes;
        (None, None, None) with a warning when some cannot be decided."""
        from .executor import infer_shape

        return infer_shape(self, args, kwargs, partial=False)

    def infer_shape_partial(self, *args: Any, **kwargs: Any) -> Any:
        """As ``infer_shape``, with ``()`` for the shapes that cannot be decided."""
        from .executor import infer_shape

        return infer_shape(self, args, kwargs, partial=True)

    def infer_type(self, *args: Any, **kwargs: Any) -> Any:
        """(argument types, output types, auxiliary types) as numpy type classes."""
        from .executor import infer_type

        return infer_type(self, args, kwargs)

    def bind(
        self,
        ctx: Any,
        args: Any,
        args_grad: Any = None,
        grad_req: Any = "write",
        aux_states: Any = None,
        group2ctx: Any = None,
        shared_exec: Any = None,
    ) -> Any:
        """An Executor over the given argument arrays (and gradient buffers)."""
        from .executor import Executor

        return Executor(self, ctx, args, args_grad, grad_req, aux_states)

    def simple_bind(
        self,
        ctx: Any,
        grad_req: Any = "write",
        type_dict: Optional[Dict[str, Any]] = None,
        stype_dict: Any = None,
        group2ctx: Any = None,
        shared_arg_names: Any = None,
        shared_exec: Any = None,
        shared_buffer: Any = None,
        **kwargs: Any,
    ) -> Any:
        """An Executor with zero-filled arrays of the shapes inferred from ``kwargs``."""
        from .executor import simple_bind

        return simple_bind(self, ctx, grad_req, type_dict, kwargs)

    def eval(self, ctx: Any = None, **kwargs: Any) -> List[Any]:
        """The outputs, computed from the given arrays (by name)."""
        from .executor import evaluate

        return evaluate(self, kwargs, ctx)

    # ---- serialization ---------------------------------------------------------------

    def tojson(self, remove_amp_cast: bool = True) -> str:
        """The graph in MXNet's JSON format, byte for byte as MXNet 1.9.1 writes it."""
        from .graph_json import dump_graph

        return dump_graph(self)

    def save(self, fname: str, remove_amp_cast: bool = True) -> None:
        """Write ``tojson()`` to ``fname`` (replaced atomically)."""
        import os

        from ..ndarray.utils import _atomic_write

        data = memoryview(self.tojson().encode("utf-8"))

        def write(fd: int) -> None:
            written = 0
            while written < len(data):
                written += os.write(fd, data[written:])

        _atomic_write(fname, write)

    def debug_str(self) -> str:
        """A readable listing of the graph's nodes."""
        lines = ["Symbol Outputs:"]
        for i, (node, index) in enumerate(self._heads):
            lines.append("\toutput[%d]=%s(%d)" % (i, node.name, index))
        for node in self._nodes():
            if node.is_variable:
                lines.append("Variable:%s" % node.name)
                continue
            lines.append("--------------------")
            lines.append("Op:%s, Name=%s" % (node.op, node.name))
            lines.append("Inputs:")
            for j, (child, index) in enumerate(node.inputs):
                suffix = " version=0" if child.is_variable else ""
                lines.append("\targ[%d]=%s(%d)%s" % (j, child.name, index, suffix))
            if node.attrs:
                lines.append("Attrs:")
                lines.extend("\t%s=%s" % (k, v) for k, v in node.attrs.items())
        return "\n".join(lines) + "\n"

    # ---- fluent methods (``x.reshape(...)`` is ``sym.reshape(x, ...)``) --------------

    def reshape(self, *shape: Any, **kwargs: Any) -> "Symbol":
        """``sym.reshape(self, shape=...)``; the shape may be given positionally."""
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = tuple(shape[0])
        if len(shape) == 1 and isinstance(shape[0], (int, np.integer)):
            kwargs["shape"] = int(shape[0])  # x.reshape(-1): MXNet writes shape "-1"
        elif shape:
            kwargs["shape"] = tuple(shape)
        return make_op("reshape")(self, **kwargs)

    def astype(self, dtype: Any) -> "Symbol":
        """``sym.cast(self, dtype=dtype)``."""
        return make_op("cast")(self, dtype=dtype)


# NDArray-style methods MXNet's Symbol has, each one the operator of the same name
_FLUENT = (
    "flatten",
    "transpose",
    "expand_dims",
    "squeeze",
    "sum",
    "mean",
    "max",
    "min",
    "prod",
    "nansum",
    "nanprod",
    "norm",
    "argmax",
    "argmin",
    "exp",
    "log",
    "sqrt",
    "square",
    "abs",
    "sign",
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "slice",
    "slice_axis",
    "slice_like",
    "swapaxes",
    "split",
    "clip",
    "zeros_like",
    "ones_like",
    "broadcast_to",
    "broadcast_like",
    "broadcast_axes",
    "repeat",
    "tile",
    "pad",
    "flip",
    "topk",
    "sort",
    "argsort",
    "one_hot",
    "pick",
    "take",
    "round",
    "rint",
    "floor",
    "ceil",
    "fix",
    "trunc",
    "sin",
    "cos",
    "tan",
    "reciprocal",
    "rsqrt",
    "cbrt",
    "log1p",
    "expm1",
    "log2",
    "log10",
    "diag",
    "reshape_like",
    "depth_to_space",
    "space_to_depth",
    "softmin",
    "shape_array",
    "size_array",
    "stop_gradient",
)


def _fluent(name: str) -> Any:
    def method(self: Symbol, *args: Any, **kwargs: Any) -> Symbol:
        return make_op(name)(self, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = "``sym.%s(self, ...)``." % name
    return method


for _name in _FLUENT:
    setattr(Symbol, _name, _fluent(_name))


# ---- building nodes -----------------------------------------------------------------


def _single_head(value: Symbol, op: str, input_name: str) -> Head:
    if len(value._heads) != 1:
        raise MXNetError(
            "%s: input '%s' is a group of %d outputs; pass one of them (group[i])"
            % (op, input_name, len(value._heads))
        )
    return value._heads[0]


def _apply(
    op: str,
    hint: str,
    inputs: List[Symbol],
    attrs: Dict[str, str],
    name: Optional[str] = None,
) -> Symbol:
    """A node of ``op`` on ``inputs`` (in the spec's input order)."""
    spec = registry.lookup(op)
    node_name = NameManager.current.get(name, hint)
    input_names = None if spec.variadic else spec.inputs[: len(inputs)]
    node = Node(
        op,
        node_name,
        attrs,
        [_single_head(s, op, "input") for s in inputs],
        input_names,
    )
    return Symbol([(node, i) for i in range(len(node.output_names()))])


# keywords every MXNet operator takes as node attributes (``__lr_mult__``), not arguments
_HIDDEN_KEYS = (
    "lr_mult",
    "wd_mult",
    "ctx_group",
    "force_mirroring",
    "mirror_stage",
    "profiler_scope",
)


def _possible_arguments(spec: registry.OpSpec) -> str:
    return ", ".join(spec.positional)


def make_op(public_name: str) -> Any:
    """The ``mx.sym`` function for operator ``public_name`` (the ``nd`` function's twin)."""
    op = registry.canonical(public_name)
    hint = public_name.lower()

    def creator(*args: Any, **kwargs: Any) -> Symbol:
        spec = registry.lookup(op)
        name = kwargs.pop("name", None)
        extra_attrs = kwargs.pop("attr", None) or {}
        kwargs.pop("out", None)
        given: Dict[str, Symbol] = {}
        variadic_inputs: List[Symbol] = []
        values: Dict[str, Any] = {}
        if spec.variadic:
            items = list(args)
            if len(items) == 1 and isinstance(items[0], (list, tuple)):
                items = list(items[0])
            for item in items:
                if not isinstance(item, Symbol):
                    raise MXNetTypeError(
                        "%s: positional arguments must be Symbols, got %s"
                        % (public_name, type(item).__name__)
                    )
                variadic_inputs.append(item)
        else:
            if len(args) > len(spec.positional):
                raise MXNetTypeError(
                    "%s takes at most %d positional arguments (%s), got %d"
                    % (public_name, len(spec.positional), _possible_arguments(spec), len(args))
                )
            for param, value in zip(spec.positional, args):
                if isinstance(value, Symbol):
                    given[param] = value
                elif value is not None:
                    values[param] = value
        hidden: Dict[str, str] = {}
        for key in _HIDDEN_KEYS:  # lr_mult=0 on an op: attributes of the node and its variables
            if key in kwargs and key not in spec.positional:
                hidden["__%s__" % key] = str(kwargs.pop(key))
        for key, value in kwargs.items():
            if isinstance(value, Symbol):
                if key not in spec.inputs:
                    raise MXNetTypeError(
                        "%s has no input '%s'; its inputs are %s" % (public_name, key, spec.inputs)
                    )
                given[key] = value
            elif value is not None:
                if key not in spec.positional and not key.startswith("__"):
                    raise MXNetTypeError(
                        "Cannot find argument '%s', Possible Arguments: %s; in operator %s"
                        % (key, _possible_arguments(spec), op)
                    )
                values[key] = value
        attrs = {key: _attr_string(key, value) for key, value in values.items()}
        if spec.variadic and spec.accepts_num_args:
            attrs["num_args"] = str(len(variadic_inputs))
        node_name = NameManager.current.get(name, hint)
        node_attrs = dict(attrs)
        node_attrs.update(hidden)
        node_attrs.update({k: _attr_string(k, v) for k, v in extra_attrs.items()})
        if spec.variadic:
            heads = [_single_head(s, public_name, "data") for s in variadic_inputs]
            node = Node(op, node_name, node_attrs, heads, None)
        else:
            present = spec.present_inputs(attrs, given)
            heads = []
            for input_name in present:
                if input_name in given:
                    heads.append(_single_head(given[input_name], public_name, input_name))
                    continue
                var_attrs = dict(attrs)
                var_attrs.update(hidden)
                init = registry.AUX_INIT.get((op, input_name))
                if init is not None:
                    var_attrs["__init__"] = init
                heads.append((Node("null", "%s_%s" % (node_name, input_name), var_attrs), 0))
            node = Node(op, node_name, node_attrs, heads, present)
        return Symbol([(node, i) for i in range(len(node.output_names()))])

    creator.__name__ = public_name
    creator.__qualname__ = public_name
    creator.__doc__ = "Symbolic ``%s``: a graph node computed by ``nd.%s``." % (op, public_name)
    return creator


# ---- variables and groups -----------------------------------------------------------


def Variable(
    name: str,
    attr: Optional[Dict[str, str]] = None,
    shape: Any = None,
    lr_mult: Optional[float] = None,
    wd_mult: Optional[float] = None,
    dtype: Any = None,
    init: Any = None,
    stype: Optional[str] = None,
    profiler_scope: Optional[str] = None,
    **kwargs: Any,
) -> Symbol:
    """A named input of a graph, with optional shape, dtype, initializer and multipliers."""
    if not isinstance(name, str):
        raise TypeError("Expect a string for variable `name`, got %s" % type(name).__name__)
    attrs: Dict[str, str] = {}
    if attr:
        attrs.update({key: str(value) for key, value in attr.items()})
    if shape is not None:
        attrs["__shape__"] = str(tuple(shape))
    if lr_mult is not None:
        attrs["__lr_mult__"] = str(lr_mult)
    if wd_mult is not None:
        attrs["__wd_mult__"] = str(wd_mult)
    if dtype is not None:
        attrs["__dtype__"] = str(DTYPE_CODES[np.dtype(dtype).name])
    if init is not None:
        attrs["__init__"] = init if isinstance(init, str) else init.dumps()
    if stype is not None:
        attrs["__storage_type__"] = str(STORAGE_CODES[stype])
    if profiler_scope is not None:
        attrs["__profiler_scope__"] = profiler_scope
    for key, value in kwargs.items():
        if not (key.startswith("__") and key.endswith("__")):
            raise ValueError(
                "Attribute name=%s is not supported. Additional attributes must start and end "
                "with double underscores, e.g, __yourattr__" % key
            )
        attrs[key] = str(value)
    return Symbol([(Node("null", name, attrs), 0)])


var = Variable


def Group(symbols: Sequence[Symbol], create_fn: Any = None) -> Symbol:
    """One symbol whose outputs are all the given symbols' outputs, in order."""
    if not symbols or any(not isinstance(s, Symbol) for s in symbols):
        raise TypeError("Expected a list of symbols as input")
    heads: List[Head] = []
    for s in symbols:
        heads.extend(s._heads)
    return Symbol(heads)


def load_json(json_str: str) -> Symbol:
    """A Symbol from MXNet's JSON text (any version MXNet 0.8 to 1.9 wrote)."""
    from .graph_json import load_graph

    if not isinstance(json_str, str):
        raise TypeError("load_json expects a str, got %s" % type(json_str).__name__)
    return load_graph(json_str)


def load(fname: str) -> Symbol:
    """A Symbol from a ``-symbol.json`` file."""
    if not isinstance(fname, str):
        raise TypeError("fname must be a str, got %s" % type(fname).__name__)
    try:
        with open(fname, "r", encoding="utf-8") as f:
            text = f.read()
    except OSError as err:
        raise MXNetError(
            "Cannot load a symbol from '%s': %s" % (fname, err.strerror or err)
        ) from None
    from .graph_json import load_graph

    return load_graph(text, source=fname)
