"""MXNet's graph JSON (``-symbol.json``), read and written as MXNet 1.9.1 does.

The layout is nnvm's: ``nodes`` (each ``op``, ``name``, optional ``attrs``, ``inputs`` as
``[node, output, version]`` entries), ``arg_nodes`` (the variables), ``node_row_ptr`` (the
running count of outputs), ``heads`` and ``attrs`` with ``mxnet_version``. The text is
written the way dmlc's JSON writer lays it out, so ``tojson()`` matches MXNet's byte for
byte: an array goes multi-line when it holds objects or more than ten items, an object
when it has more than one key, each item of a multi-line one on its own line after ``, ``.

Reading also takes the older layouts MXNet still loads: per-node ``param`` and ``attr``
dicts instead of ``attrs`` (MXNet 0.8-0.9), two-element input entries, no version.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from ..base import MXNetError
from .symbol import Node, Symbol, topological

MXNET_VERSION = 10901  # the version gluonlite's files claim: MXNet 1.9.1's format


class _Writer:
    def __init__(self) -> None:
        self.parts: List[str] = []
        self.depth = 0

    def _newline(self) -> None:
        self.parts.append("\n" + "  " * self.depth)

    def value(self, value: Any) -> None:
        if isinstance(value, dict):
            self.obj(value)
        elif isinstance(value, (list, tuple)):
            self.array(value)
        elif isinstance(value, str):
            self.parts.append(json.dumps(value, ensure_ascii=False))
        else:
            self.parts.append(str(value))

    def array(self, items: Any) -> None:
        multi_line = len(items) > 10 or any(isinstance(item, dict) for item in items)
        self._scope("[", "]", [(None, item) for item in items], multi_line)

    def obj(self, mapping: Dict[str, Any]) -> None:
        self._scope("{", "}", list(mapping.items()), len(mapping) > 1)

    def _scope(self, open_: str, close: str, items: List[Any], multi_line: bool) -> None:
        self.parts.append(open_)
        self.depth += 1
        for i, (key, item) in enumerate(items):
            if i:
                self.parts.append(", ")
            if multi_line:
                self._newline()
            if key is not None:
                self.parts.append(json.dumps(key, ensure_ascii=False) + ": ")
            self.value(item)
        self.depth -= 1
        if multi_line and items:
            self._newline()
        self.parts.append(close)


def graph_dict(symbol: Symbol) -> Dict[str, Any]:
    """The graph as the JSON object MXNet writes (dict order is MXNet's key order)."""
    order = topological(symbol._heads)
    index = {id(node): i for i, node in enumerate(order)}
    nodes = []
    row_ptr = [0]
    for node in order:
        entry: Dict[str, Any] = {"op": node.op, "name": node.name}
        if node.attrs:
            entry["attrs"] = {key: node.attrs[key] for key in sorted(node.attrs)}
        # an auxiliary state's entry carries version 1: the operator writes to it
        aux = node.spec.aux if not node.is_variable and node.input_names else ()
        names: List[Optional[str]] = [None] * len(node.inputs)
        if node.input_names:
            names = list(node.input_names)
        entry["inputs"] = [
            [index[id(child)], out, 1 if name in aux and child.is_variable else 0]
            for (child, out), name in zip(node.inputs, names)
        ]
        nodes.append(entry)
        row_ptr.append(row_ptr[-1] + node.num_outputs())
    return {
        "nodes": nodes,
        "arg_nodes": [i for i, node in enumerate(order) if node.is_variable],
        "node_row_ptr": row_ptr,
        "heads": [[index[id(node)], out, 0] for node, out in symbol._heads],
        "attrs": {"mxnet_version": ["int", MXNET_VERSION]},
    }


def dump_graph(symbol: Symbol) -> str:
    """``symbol`` as MXNet 1.9.1's JSON text."""
    writer = _Writer()
    writer.value(graph_dict(symbol))
    return "".join(writer.parts)


# user attributes MXNet 0.8-0.9 wrote without the double underscores it later gave them
_LEGACY_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage")


def _node_attrs(raw: Dict[str, Any]) -> Dict[str, str]:
    attrs: Dict[str, str] = {}
    # MXNet 0.8-0.9 kept operator parameters in "param" and user attributes in "attr"
    for key in ("param", "attr", "attrs"):
        values = raw.get(key)
        if values:
            attrs.update({str(k): str(v) for k, v in values.items()})
    for key in _LEGACY_KEYS:
        if key in attrs:
            attrs["__%s__" % key] = attrs.pop(key)
    return attrs


def _entry(raw: Any, nodes: List[Node], where: str) -> tuple:
    if not isinstance(raw, list) or len(raw) < 1 or not isinstance(raw[0], int):
        raise MXNetError("%s: malformed input entry %r" % (where, raw))
    node_id, out = raw[0], raw[1] if len(raw) > 1 else 0
    if not 0 <= node_id < len(nodes):
        raise MXNetError(
            "%s: input entry %r names node %d, which comes later or does not "
            "exist" % (where, raw, node_id)
        )
    return nodes[node_id], int(out)


def load_graph(text: str, source: Optional[str] = None) -> Symbol:
    """A Symbol from MXNet JSON text; MXNetError naming the file, node and op on bad input."""
    label = "'%s'" % source if source else "the JSON"
    try:
        graph = json.loads(text)
    except ValueError as err:
        raise MXNetError(
            "Cannot load a symbol from %s: it is not valid JSON (%s)" % (label, err)
        ) from None
    if not isinstance(graph, dict) or not isinstance(graph.get("nodes"), list):
        raise MXNetError(
            "Cannot load a symbol from %s: it has no 'nodes' list, so it is not "
            "an MXNet symbol file" % label
        )
    nodes: List[Node] = []
    for i, raw in enumerate(graph["nodes"]):
        if not isinstance(raw, dict) or "op" not in raw or "name" not in raw:
            raise MXNetError("%s: node %d has no 'op' or 'name'" % (label, i))
        op, name = str(raw["op"]), str(raw["name"])
        where = "%s, node %d ('%s')" % (label, i, name)
        inputs = [_entry(entry, nodes, where) for entry in raw.get("inputs", [])]
        node = Node(op, name, _node_attrs(raw), inputs)
        if not node.is_variable:
            try:
                spec = node.spec
            except MXNetError as err:
                raise MXNetError(
                    "Failed loading Op %s of type %s from %s: %s" % (name, op, label, err)
                ) from None
            if not spec.variadic:
                present = spec.present_inputs(node.attrs, {})
                if len(present) == len(inputs):
                    node.input_names = present
                elif len(inputs) <= len(spec.inputs):
                    node.input_names = spec.inputs[: len(inputs)]
                else:
                    raise MXNetError(
                        "%s: operator %s takes at most %d inputs (%s), the node "
                        "has %d" % (where, op, len(spec.inputs), spec.inputs, len(inputs))
                    )
        nodes.append(node)
    heads_raw = graph.get("heads")
    if not heads_raw:
        heads_raw = [[len(nodes) - 1, 0, 0]] if nodes else []
    heads = [_entry(entry, nodes, "%s, heads" % label) for entry in heads_raw]
    if not heads:
        raise MXNetError("Cannot load a symbol from %s: it has no nodes" % label)
    return Symbol(heads)
