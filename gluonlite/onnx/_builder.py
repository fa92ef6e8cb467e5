"""The ONNX graph under construction, and the table of op converters that fill it.

A converter is ``convert(ctx, node, inputs) -> [output tensor names]``: it reads the
MXNet node's attributes, emits ONNX nodes through ``ctx`` and returns one tensor name per
MXNet output it supports (``ctx.output(node)`` is the name output 0 should carry).
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..base import MXNetError
from ._graph import Node

OPSET = 13
INT64_MAX = np.iinfo(np.int64).max

Converter = Callable[["Builder", Node, List[str]], List[str]]
CONVERTERS: Dict[str, Converter] = {}
# Inputs of loss layers that are labels: not needed at inference, so not graph inputs.
LABEL_INPUTS: Dict[str, Tuple[int, ...]] = {}


def register(*ops: str, labels: Tuple[int, ...] = ()) -> Callable[[Converter], Converter]:
    """Registers a converter for the MXNet ops ``ops`` (names as in ``-symbol.json``)."""

    def add(convert: Converter) -> Converter:
        for op in ops:
            CONVERTERS[op] = convert
            if labels:
                LABEL_INPUTS[op] = labels
        return convert

    return add


def unsupported(node: Node, what: str) -> MXNetError:
    """The error for an attribute value a converter cannot express in ONNX."""
    return MXNetError("cannot export %s to ONNX: %s" % (node.describe(), what))


def expect_inputs(node: Node, inputs: Sequence[str], *counts: int) -> None:
    """Raises unless the node has one of the allowed numbers of inputs."""
    if len(inputs) not in counts:
        raise MXNetError(
            "%s has %d inputs; the export expects %s"
            % (node.describe(), len(inputs), " or ".join(str(c) for c in counts))
        )


class Builder:
    """Collects ONNX nodes, initializers and graph inputs; answers shape questions."""

    def __init__(self, onnx: Any) -> None:
        self.onnx = onnx
        self.helper = onnx.helper
        self.nodes: List[Any] = []
        self.inputs: List[Any] = []
        self.initializers: Dict[str, np.ndarray] = {}
        self.node: Optional[Node] = None  # the MXNet node being converted
        self._taken: set = set()
        self._int64_cache: Dict[Tuple[int, ...], str] = {}
        self._known: Dict[str, Tuple[np.dtype, Optional[Tuple[Optional[int], ...]]]] = {}
        self._hints: List[Any] = []  # shapes ONNX's opset-13 inference cannot work out
        self.origin: Dict[str, Node] = {}  # ONNX node name -> the MXNet node it came from

    # ---- names -------------------------------------------------------------------------

    def fresh(self, hint: str) -> str:
        """A tensor name not used yet, ``hint`` itself when free."""
        name, n = hint, 0
        while name in self._taken:
            n += 1
            name = "%s%d" % (hint, n)
        self._taken.add(name)
        return name

    def output(self, node: Node, index: int = 0) -> str:
        """The name of the MXNet node's output ``index``: the node's name for output 0."""
        return self.fresh(node.name if index == 0 else "%s_output%d" % (node.name, index))

    # ---- emitting ----------------------------------------------------------------------

    def add_input(self, name: str, dtype: np.dtype, shape: Sequence[Optional[int]]) -> None:
        """Declares a graph input (a variable not among the parameters)."""
        self._taken.add(name)
        elem = self.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
        self.inputs.append(self.helper.make_tensor_value_info(name, elem, list(shape)))
        self._known[name] = (np.dtype(dtype), tuple(shape))

    def add_initializer(self, name: str, value: np.ndarray) -> str:
        """Stores a constant tensor under ``name`` (a parameter or a converter's constant)."""
        self._taken.add(name)
        self.initializers[name] = value
        self._known[name] = (value.dtype, tuple(value.shape))
        return name

    def constant(self, value: Any, dtype: Any, hint: str = "const") -> str:
        """A new initializer holding ``value`` as ``dtype``."""
        base = self.node.name + "_" + hint if self.node is not None else hint
        return self.add_initializer(self.fresh(base), np.array(value, dtype=dtype))

    def int64s(self, values: Sequence[int]) -> str:
        """A 1-D int64 constant (shapes, axes, pads), shared between nodes."""
        key = tuple(int(v) for v in values)
        if key not in self._int64_cache:
            self._int64_cache[key] = self.add_initializer(
                self.fresh("int64_" + "_".join(str(v).replace("-", "m") for v in key)[:40]),
                np.array(key, dtype=np.int64),
            )
        return self._int64_cache[key]

    def scalar_like(self, value: float, tensor: str, hint: str = "scalar") -> str:
        """A 0-d constant with ``tensor``'s dtype (scalar ops, clip bounds)."""
        return self.constant(value, self.dtype(tensor), hint)

    def op(
        self, op_type: str, inputs: Sequence[str], out: Optional[str] = None, **attrs: Any
    ) -> str:
        """Emits one single-output ONNX node and returns its output's name."""
        return self.multi(op_type, inputs, [out] if out else 1, **attrs)[0]

    def multi(self, op_type: str, inputs: Sequence[str], outs: Any, **attrs: Any) -> List[str]:
        """Emits an ONNX node with several outputs: ``outs`` is a count or a list of names."""
        base = self.node.name if self.node is not None else "node"
        if isinstance(outs, int):
            outs = [self.fresh("%s_%s" % (base, op_type.lower())) for _ in range(outs)]
        name = self.fresh("%s_%s_node" % (base, op_type.lower()))
        if self.node is not None:
            self.origin[name] = self.node
        self.nodes.append(self.helper.make_node(op_type, list(inputs), list(outs), name, **attrs))
        return list(outs)

    # ---- what is known about a tensor --------------------------------------------------

    def param(self, tensor: str) -> Optional[np.ndarray]:
        """The value of a constant tensor (a parameter), or None for a computed one."""
        return self.initializers.get(tensor)

    def dtype(self, tensor: str) -> np.dtype:
        """The numpy dtype of a tensor."""
        return self._info(tensor)[0]

    def shape(self, tensor: str) -> Tuple[Optional[int], ...]:
        """A tensor's shape as far as it is static (None for a dynamic dimension)."""
        shape = self._info(tensor)[1]
        if shape is None:
            raise MXNetError(
                "cannot export %s: the rank of its input '%s' is unknown"
                % (self.node.describe() if self.node else "the graph", tensor)
            )
        return shape

    def known_shape(self, tensor: str) -> Optional[Tuple[Optional[int], ...]]:
        """A tensor's shape, or None where not even its rank is known."""
        return self._info(tensor)[1]

    def rank(self, tensor: str) -> int:
        """A tensor's number of dimensions."""
        return len(self.shape(tensor))

    def _info(self, tensor: str) -> Tuple[np.dtype, Optional[Tuple[Optional[int], ...]]]:
        if tensor not in self._known:
            self._infer()
        if tensor not in self._known:
            raise MXNetError(
                "cannot export %s: ONNX shape inference gives no type for '%s'"
                % (self.node.describe() if self.node else "the graph", tensor)
            )
        return self._known[tensor]

    def model(self, outputs: Sequence[Any], light: bool, name: str = "partial", **meta: Any) -> Any:
        """The ONNX model of the nodes so far. ``light``: the large initializers become typed
        graph inputs (shape inference and checks need no weights); small ones (shapes, axes)
        stay constants. Initializers no node reads are left out."""
        helper = self.helper
        read = {i for node in self.nodes for i in node.input} | {o.name for o in outputs}
        inputs = list(self.inputs)
        constants, weights = [], []
        for tensor, value in self.initializers.items():
            if tensor not in read:
                continue
            if value.size <= 64:
                constants.append(self.numpy_helper_from_array(value, tensor))
            elif light:
                elem = helper.np_dtype_to_tensor_dtype(value.dtype)
                inputs.append(helper.make_tensor_value_info(tensor, elem, list(value.shape)))
            else:
                weights.append((tensor, value))
        hints = self._hints if light else []
        graph = helper.make_graph(
            self.nodes, name, inputs, list(outputs), initializer=constants, value_info=hints
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], **meta)
        for tensor, value in weights:  # filled in place: one copy of the weights, not three
            proto = model.graph.initializer.add()
            proto.name = tensor
            proto.data_type = helper.np_dtype_to_tensor_dtype(value.dtype)
            proto.dims.extend(value.shape)
            proto.raw_data = np.ascontiguousarray(
                value, dtype=value.dtype.newbyteorder("<")
            ).tobytes()
        return model

    def infer(self, model: Any) -> Any:
        """ONNX's strict shape inference of ``model``; a mismatch raises naming the MXNet node."""
        try:
            return self.onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        except Exception as err:  # noqa: BLE001 - onnx's error classes vary between versions
            raise self.inference_error(err) from None

    def _infer(self) -> None:
        """Runs shape inference over the nodes emitted so far; remembers every result."""
        helper = self.helper
        inferred = self.infer(self.model([], light=True))
        for info in inferred.graph.value_info:
            kind = info.type.tensor_type
            if not kind.elem_type:
                continue
            dtype = np.dtype(helper.tensor_dtype_to_np_dtype(kind.elem_type))
            shape = None
            if kind.HasField("shape"):
                shape = tuple(
                    d.dim_value if d.HasField("dim_value") else None for d in kind.shape.dim
                )
            self._known[info.name] = (dtype, shape)

    def inference_error(self, err: Exception) -> MXNetError:
        """ONNX's shape-inference complaint, told about the MXNet node it concerns."""
        text = str(err).strip().splitlines()[0]  # the first failure; the rest follow from it
        marker = "node name: "
        where = "the graph"
        if marker in text:
            onnx_name = text.split(marker, 1)[1].split(")", 1)[0].strip()
            if onnx_name in self.origin:
                where = self.origin[onnx_name].describe()
        elif self.node is not None:
            where = self.node.describe()
        shapes = ", ".join(
            "%s: %s"
            % (
                i.name,
                tuple(
                    d.dim_value if d.HasField("dim_value") else None
                    for d in i.type.tensor_type.shape.dim
                ),
            )
            for i in self.inputs
        )
        return MXNetError(
            "cannot export %s: its input shapes or dtypes do not fit (graph inputs %s): %s"
            % (where, shapes, text)
        )

    def note(self, tensor: str, dtype: np.dtype, shape: Sequence[Optional[int]]) -> None:
        """Records a tensor's shape worked out by a converter (None: a dynamic dimension)."""
        elem = self.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
        self._hints.append(self.helper.make_tensor_value_info(tensor, elem, list(shape)))
        self._known[tensor] = (np.dtype(dtype), tuple(shape))

    def reshape(
        self,
        tensor: str,
        shape: Sequence[Optional[int]],
        dynamic_target: Callable[[], str],
        out: str,
    ) -> str:
        """Reshapes to ``shape``: a constant target when every dimension is static, else the
        tensor ``dynamic_target()`` builds at run time (and ``shape`` is noted for later)."""
        static = [d for d in shape if d is not None and (d > 0 or d == -1)]
        if len(static) == len(shape):
            return self.op("Reshape", [tensor, self.int64s(static)], out=out)
        result = self.op("Reshape", [tensor, dynamic_target()], out=out)
        self.note(result, self.dtype(tensor), shape)
        return result

    def numpy_helper_from_array(self, value: np.ndarray, name: str) -> Any:
        """An ONNX TensorProto holding ``value``."""
        return self.onnx.numpy_helper.from_array(np.ascontiguousarray(value), name)

    # ---- small building blocks shared by converters -----------------------------------

    def shape_slice(self, shape: str, start: int, end: int = INT64_MAX) -> str:
        """``shape[start:end]`` of a 1-D shape tensor (from an ONNX ``Shape`` node)."""
        return self.op("Slice", [shape, self.int64s([start]), self.int64s([end]), self.int64s([0])])

    def cast(self, tensor: str, dtype: Any, out: Optional[str] = None) -> str:
        """``tensor`` converted to the numpy ``dtype``."""
        to = self.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
        return self.op("Cast", [tensor], out=out, to=to)

    def ones_like_param(self, tensor: str) -> str:
        """A tensor of ones shaped like ``tensor`` (a constant when it is a parameter)."""
        value = self.param(tensor)
        if value is not None:
            return self.constant(np.ones(value.shape), value.dtype, "ones")
        shape = self.op("Shape", [tensor])
        one = self.helper.make_tensor(
            "one", self.helper.np_dtype_to_tensor_dtype(self.dtype(tensor)), [1], [1]
        )
        return self.op("ConstantOfShape", [shape], value=one)

    def along_axis(self, tensor: str, axis: int, rank: int) -> str:
        """A 1-D per-channel tensor reshaped to broadcast along ``axis`` of a rank-``rank`` one."""
        trailing = rank - 1 - axis
        if trailing == 0:
            return tensor
        return self.op("Reshape", [tensor, self.int64s([-1] + [1] * trailing)])
