"""``export_model``: an MXNet-format graph and its parameters to an ONNX file."""

from __future__ import annotations

import errno
import importlib
import logging
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..base import MXNetError, MXNetTypeError, MXNetValueError
from . import _ops_elementwise, _ops_nn, _ops_reduce, _ops_shape  # noqa: F401  (fill the table)
from ._builder import CONVERTERS, LABEL_INPUTS, OPSET, Builder
from ._graph import Graph, Node, normalize_shapes, read_graph, read_params

__all__ = ["export_model", "get_operator_support", "UnsupportedOperatorError", "OPSET"]

_GRAPH_NAME = "mxnet_converted_model"
# The IR version that goes with opset 13, so that older runtimes load the file too.
_IR_VERSION = 7


class UnsupportedOperatorError(MXNetError, AttributeError):
    """An op without an ONNX converter (MXNet raises AttributeError here)."""


class ExportArgumentError(MXNetValueError, AssertionError):
    """Inconsistent export arguments (MXNet asserts on these)."""


def _import_onnx() -> Any:
    # Imported by name: onnx is an optional dependency (the onnx extra), absent from the
    # environments that never export.
    try:
        onnx = importlib.import_module("onnx")
        for part in ("checker", "helper", "numpy_helper", "shape_inference"):
            importlib.import_module("onnx." + part)
    except ImportError as err:
        raise ImportError(
            "gluonlite.onnx.export_model needs the onnx package: pip install onnx "
            "(or pip install gluonlite[onnx]); importing it failed: %s" % err
        ) from None
    return onnx


def get_operator_support(opset_version: Optional[int] = None) -> List[str]:
    """The sorted names of the MXNet ops ``export_model`` converts.

    gluonlite always writes opset 13, so ``opset_version`` (kept for MXNet's signature)
    does not change the answer.
    """
    return sorted(CONVERTERS)


def _input_slots(graph: Graph) -> Tuple[set, set]:
    """Variable node ids read as data, and those read only as loss-layer labels."""
    data: set = set()
    labels: set = set()
    for node in graph.nodes:
        skip = LABEL_INPUTS.get(node.op, ())
        for slot, (source, _) in enumerate(node.inputs):
            (labels if slot in skip else data).add(source)
    data.update(n for n, _ in graph.heads)
    return data, labels - data


def _pair_inputs(
    graph: Graph, weights: Dict[str, np.ndarray], in_shapes: Any
) -> Tuple[List[Node], List[Node], set]:
    """Which variables ``in_shapes`` describes, which become ONNX graph inputs, and the ids
    of the variables read only as loss-layer labels (those need no shape, but may have one
    as in MXNet)."""
    used, label_only = _input_slots(graph)
    variables = [
        v
        for v in graph.variables()
        if v.name not in weights and (v.index in used or v.index in label_only)
    ]
    needed = [v for v in variables if v.index not in label_only]
    names = ", ".join("'%s'" % v.name for v in needed) or "none"
    if in_shapes is None:
        raise ExportArgumentError(
            "in_shapes is required: give one shape per graph input that is not a parameter "
            "(%s), e.g. in_shapes=[(1, 3, 224, 224)]" % names
        )
    if not isinstance(in_shapes, (list, tuple)):
        raise ExportArgumentError(
            "in_shapes must be a list of shapes, one per input (%s), got %r" % (names, in_shapes)
        )
    if in_shapes and all(isinstance(d, (int, np.integer)) for d in in_shapes):
        raise ExportArgumentError(
            "in_shapes must be a list of shapes, one per input (%s), got the single shape "
            "%r; for one input write [%r]" % (names, in_shapes, tuple(in_shapes))
        )
    if len(in_shapes) == len(needed):
        return needed, needed, label_only
    if len(in_shapes) == len(variables):
        return variables, needed, label_only
    if len(in_shapes) < len(needed):
        missing = ", ".join("'%s'" % v.name for v in needed[len(in_shapes) :])
        raise ExportArgumentError(
            "in_shapes gives %d shape(s) for the %d graph inputs that are not parameters "
            "(%s): no shape for %s (a parameter missing from params is an input too)"
            % (len(in_shapes), len(needed), names, missing)
        )
    raise ExportArgumentError(
        "in_shapes gives %d shapes but the graph has %d inputs that are not parameters (%s)"
        % (len(in_shapes), len(needed), names)
    )


def _dtypes(in_types: Any, names: Sequence[str]) -> List[np.dtype]:
    if isinstance(in_types, (list, tuple)):
        if len(in_types) != len(names):
            raise ExportArgumentError(
                "in_types gives %d dtypes for %d inputs (%s): the lengths of in_types and "
                "in_shapes must be equal" % (len(in_types), len(names), ", ".join(names))
            )
        types = list(in_types)
    else:
        types = [in_types] * len(names)
    result = []
    for name, dtype in zip(names, types):
        try:
            result.append(np.dtype(dtype))
        except TypeError:
            raise MXNetTypeError(
                "in_types for input '%s' is not a dtype: %r" % (name, dtype)
            ) from None
    return result


def _dynamic_shapes(
    dynamic: bool, dynamic_input_shapes: Any, shapes: List[tuple], names: Sequence[str]
) -> List[tuple]:
    if not dynamic:
        if dynamic_input_shapes is not None:
            raise ExportArgumentError(
                "dynamic_input_shapes is given but dynamic=False; pass dynamic=True to export "
                "with dynamic input shapes"
            )
        return shapes
    if dynamic_input_shapes is None:  # every dimension dynamic, as MXNet does
        return [(None,) * len(s) for s in shapes]
    if len(dynamic_input_shapes) != len(shapes):
        raise ExportArgumentError(
            "dynamic_input_shapes gives %d shapes for %d inputs (%s): the lengths of "
            "dynamic_input_shapes and in_shapes must be equal"
            % (len(dynamic_input_shapes), len(shapes), ", ".join(names))
        )
    result = normalize_shapes(names, dynamic_input_shapes, "dynamic_input_shapes")
    for name, shape, dyn in zip(names, shapes, result):
        if len(shape) != len(dyn):
            raise ExportArgumentError(
                "dynamic_input_shapes for input '%s' has %d dimensions, in_shapes %d"
                % (name, len(dyn), len(shape))
            )
    return result


def _convert(
    ctx: Builder, graph: Graph, weights: Dict[str, np.ndarray], labels: set, verbose: bool
) -> List[str]:
    """Runs every node's converter; returns the ONNX names of the graph's outputs."""
    used = {source for node in graph.nodes for source, _ in node.inputs} | {
        n for n, _ in graph.heads
    }
    tensors: Dict[Tuple[int, int], str] = {}
    for node in graph.nodes:
        if verbose:
            logging.info("Converting idx: %d, op: %s, name: %s", node.index, node.op, node.name)
        if node.op == "null":
            if node.name in weights and node.index in used:
                value = weights[node.name]
                tensors[(node.index, 0)] = ctx.add_initializer(node.name, value)
            elif node.index not in labels:
                tensors[(node.index, 0)] = node.name
            continue
        convert = CONVERTERS.get(node.op)
        if convert is None:
            raise UnsupportedOperatorError(
                "No conversion function registered for op type %s yet: %s has no ONNX "
                "converter (gluonlite.onnx.get_operator_support() lists the ops it converts)"
                % (node.op, node.describe())
            )
        skip = LABEL_INPUTS.get(node.op, ())
        inputs = []
        for slot, (source, index) in enumerate(node.inputs):
            if slot in skip:
                continue
            if (source, index) not in tensors:
                producer = graph.nodes[source]
                raise MXNetError(
                    "cannot export %s: it reads output %d of %s, which the export does not "
                    "produce" % (node.describe(), index, producer.describe())
                )
            inputs.append(tensors[(source, index)])
        ctx.node = node
        outputs = convert(ctx, node, inputs)
        ctx.node = None
        for index, name in enumerate(outputs):
            tensors[(node.index, index)] = name
    heads = []
    for source, index in graph.heads:
        if (source, index) not in tensors:
            raise MXNetError(
                "cannot export the graph's output %d of %s: the export does not produce it"
                % (index, graph.nodes[source].describe())
            )
        name = tensors[(source, index)]
        if name in heads or name in ctx.initializers or any(i.name == name for i in ctx.inputs):
            name = ctx.op("Identity", [name], out=ctx.fresh(name + "_output"))
        heads.append(name)
    return heads


def _write(path: str, payload: bytes) -> None:
    """Replaces the file atomically, as nd.save does: a failed write leaves the old one."""
    from ..ndarray.utils import _atomic_write

    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):  # MXNet raises FileNotFoundError here
        raise FileNotFoundError(
            errno.ENOENT, "cannot write the ONNX file: no folder '%s'" % folder, path
        )

    def write(fd: int) -> None:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]

    _atomic_write(path, write)


def export_model(
    sym: Any,
    params: Any,
    in_shapes: Optional[Sequence[Sequence[int]]] = None,
    in_types: Any = np.float32,
    onnx_file_path: str = "model.onnx",
    verbose: bool = False,
    dynamic: bool = False,
    dynamic_input_shapes: Optional[Sequence[Sequence[Optional[int]]]] = None,
    run_shape_inference: bool = False,
    input_type: Any = None,
    input_shape: Optional[Sequence[Sequence[int]]] = None,
) -> str:
    """Exports an MXNet-format model to an ONNX file (opset 13) and returns its path.

    ``sym``: a ``-symbol.json`` path, a JSON string or a Symbol (anything with ``tojson()``).
    ``params``: a ``.params`` path, a dict name -> NDArray/numpy array (``arg:``/``aux:``
    prefixes allowed) or ``[arg_params, aux_params]``. ``in_shapes``/``in_types``: the shape
    and dtype of each graph input that is not a parameter, in graph order (a single dtype
    applies to all). ``dynamic=True`` leaves the input dimensions symbolic: all of them, or
    those given as None in ``dynamic_input_shapes``. ``input_type``/``input_shape`` are the
    old names of ``in_types``/``in_shapes``.

    Differences from MXNet: a JSON string is accepted for ``sym``; label inputs of loss
    layers (``softmax_label``) need no shape and are not inputs of the ONNX graph; errors
    name the op, node or input at fault.
    """
    onnx = _import_onnx()
    helper = onnx.helper
    if input_type is not None:
        in_types = input_type
    if input_shape is not None:
        in_shapes = input_shape
    if verbose and isinstance(sym, str) and isinstance(params, str):
        logging.info("Converting json and weight file to sym and params")
    graph = read_graph(sym)
    weights = read_params(params)
    shaped, needed, labels = _pair_inputs(graph, weights, in_shapes)
    names = [v.name for v in shaped]
    assert in_shapes is not None  # _pair_inputs raised otherwise
    shapes = normalize_shapes(names, in_shapes, "in_shapes")
    dtypes = _dtypes(in_types, names)
    declared = _dynamic_shapes(dynamic, dynamic_input_shapes, shapes, names)

    ctx = Builder(onnx)
    for var, dtype, shape in zip(shaped, dtypes, declared):
        if var in needed:
            ctx.add_input(var.name, dtype, shape)
    heads = _convert(ctx, graph, weights, labels, verbose)
    outputs = []
    for name in heads:
        elem = helper.np_dtype_to_tensor_dtype(ctx.dtype(name))
        out_shape = ctx.known_shape(name)
        outputs.append(
            helper.make_tensor_value_info(
                name, elem, None if out_shape is None else list(out_shape)
            )
        )
        if verbose:
            logging.info("Output node is: %s", name)

    from .. import __version__

    meta = dict(producer_name="gluonlite", producer_version=__version__)
    light = ctx.model(outputs, light=True, name=_GRAPH_NAME, **meta)
    light.ir_version = _IR_VERSION
    inferred = ctx.infer(light)
    try:
        onnx.checker.check_model(light)
    except Exception as err:  # noqa: BLE001 - onnx's error classes vary between versions
        raise MXNetError("the exported ONNX model does not pass onnx.checker: %s" % err) from None
    model = ctx.model(outputs, light=False, name=_GRAPH_NAME, **meta)
    model.ir_version = _IR_VERSION
    if run_shape_inference:
        weights_in = {t.name for t in model.graph.initializer}
        model.graph.value_info.extend(
            v for v in inferred.graph.value_info if v.name not in weights_in
        )
    if verbose:
        logging.info("Input shape of the model %s ", shapes)
    _write(onnx_file_path, model.SerializeToString())
    if verbose:
        logging.info("Exported ONNX file %s saved to disk", onnx_file_path)
    return onnx_file_path
