"""MXNet's ``-symbol.json`` graph and ``.params`` weights, read without a Symbol class.

A graph is a topologically ordered list of nodes; each node has ``op``, ``name``,
``attrs`` (every value a string, e.g. ``"kernel": "(3, 3)"``) and ``inputs``
(``[node_id, output_index, version]``); variables have ``op == "null"``. ``heads`` lists
the graph's outputs the same way.
"""

from __future__ import annotations

import ast
import json
import os
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..base import MXNetError, MXNetTypeError, MXNetValueError

_REQUIRED = object()


def _literal(text: str) -> Any:
    """The Python value an MXNet attribute string spells; the text itself if none."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        lowered = text.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        if lowered == "none":
            return None
        return text


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Node:
    """One operator node of an MXNet graph, with typed access to its string attributes."""

    def __init__(self, index: int, raw: Dict[str, Any]) -> None:
        if not isinstance(raw, dict) or "op" not in raw or "name" not in raw:
            raise MXNetValueError(
                "symbol JSON node %d is not an object with 'op' and 'name': %r" % (index, raw)
            )
        self.index = index
        self.op: str = str(raw["op"])
        self.name: str = str(raw["name"])
        # Files from old MXNet versions call the attributes "attr" or "param".
        attrs = raw.get("attrs", raw.get("attr", raw.get("param", {}))) or {}
        self.attrs: Dict[str, str] = {str(k): str(v) for k, v in attrs.items()}
        self.inputs: List[Tuple[int, int]] = []
        for entry in raw.get("inputs", []):
            if not isinstance(entry, (list, tuple)) or len(entry) < 2:
                raise MXNetValueError(
                    "node '%s' (%s) has a malformed input entry %r; expected "
                    "[node_id, output_index, version]" % (self.name, self.op, entry)
                )
            self.inputs.append((int(entry[0]), int(entry[1])))

    def describe(self) -> str:
        """``node 'conv0' (Convolution)``: how error messages name the node."""
        return "node '%s' (%s)" % (self.name, self.op)

    def _raw(self, key: str, default: Any) -> Optional[str]:
        if key in self.attrs:
            return self.attrs[key]
        if default is _REQUIRED:
            raise MXNetError("%s lacks its required attribute '%s'" % (self.describe(), key))
        return None

    def _bad(self, key: str, kind: str) -> MXNetError:
        return MXNetError(
            "%s: attribute %s=%r is not %s" % (self.describe(), key, self.attrs[key], kind)
        )

    def has(self, key: str) -> bool:
        """Whether the attribute is given (and not ``None``)."""
        return key in self.attrs and _literal(self.attrs[key]) is not None

    def text(self, key: str, default: Any = _REQUIRED) -> Any:
        """A string attribute (``act_type``, ``pool_type``)."""
        text = self._raw(key, default)
        return default if text is None else text

    def flag(self, key: str, default: Any = _REQUIRED) -> Any:
        """A boolean attribute: ``True``/``False``/``1``/``0``."""
        text = self._raw(key, default)
        if text is None:
            return default
        value = _literal(text)
        if isinstance(value, (bool, int)) and value in (0, 1):
            return bool(value)
        raise self._bad(key, "a boolean")

    def _typed(self, key: str, default: Any, accept: Callable[[Any], bool], kind: str) -> Any:
        text = self._raw(key, default)
        value = None if text is None else _literal(text)
        if value is None:
            return default
        if accept(value):
            return value
        raise self._bad(key, kind)

    def integer(self, key: str, default: Any = _REQUIRED) -> Any:
        """An integer attribute; ``None`` text gives the default."""
        return self._typed(key, default, _is_int, "an integer")

    def number(self, key: str, default: Any = _REQUIRED) -> Any:
        """A floating-point attribute; ``None`` text gives the default."""
        value = self._typed(key, default, lambda v: _is_int(v) or isinstance(v, float), "a number")
        return value if value is default else float(value)

    def ints(self, key: str, default: Any = _REQUIRED) -> Any:
        """A tuple of integers (``(3, 3)``; a bare ``3`` is ``(3,)``); ``None`` gives default."""
        values = self.optional_ints(key, default)
        if values is default:
            return default
        if any(v is None for v in values):
            raise self._bad(key, "a tuple of integers")
        return values

    def optional_ints(self, key: str, default: Any = _REQUIRED) -> Any:
        """A tuple of integers or ``None`` entries (``slice``'s ``(None, 1)``)."""
        text = self._raw(key, default)
        value = None if text is None else _literal(text)
        if value is None:
            return default
        if _is_int(value):
            return (value,)
        if isinstance(value, (tuple, list)) and all(v is None or _is_int(v) for v in value):
            return tuple(value)
        raise self._bad(key, "a tuple of integers")


class Graph:
    """A parsed MXNet graph: its nodes and the ``(node, output)`` pairs it returns."""

    def __init__(self, document: Any) -> None:
        if not isinstance(document, dict) or not isinstance(document.get("nodes"), list):
            raise MXNetValueError("symbol JSON has no 'nodes' list; is it an MXNet -symbol.json?")
        self.nodes = [Node(i, raw) for i, raw in enumerate(document["nodes"])]
        heads = document.get("heads")
        if not isinstance(heads, list) or not heads:
            raise MXNetValueError("symbol JSON has no 'heads': the graph returns nothing")
        self.heads = [self._entry(h, "heads") for h in heads]
        for node in self.nodes:
            for source, _ in node.inputs:
                if not 0 <= source < node.index:
                    raise MXNetValueError(
                        "%s takes input from node %d, which does not come before it"
                        % (node.describe(), source)
                    )

    def _entry(self, entry: Any, where: str) -> Tuple[int, int]:
        if not isinstance(entry, (list, tuple)) or len(entry) < 2:
            raise MXNetValueError("symbol JSON '%s' has a malformed entry %r" % (where, entry))
        node, output = int(entry[0]), int(entry[1])
        if not 0 <= node < len(self.nodes):
            raise MXNetValueError(
                "symbol JSON '%s' names node %d; the graph has %d" % (where, node, len(self.nodes))
            )
        return node, output

    def variables(self) -> List[Node]:
        """The variable nodes (``op == "null"``), in graph order."""
        return [n for n in self.nodes if n.op == "null"]


def read_graph(sym: Any) -> Graph:
    """A Graph from a ``-symbol.json`` path, a JSON string or an object with ``tojson()``."""
    if hasattr(sym, "tojson"):
        text = sym.tojson()
    elif isinstance(sym, dict):
        return Graph(sym)
    elif isinstance(sym, (str, os.PathLike)):
        text = os.fspath(sym)
        if not text.lstrip().startswith("{"):
            try:
                with open(text, encoding="utf-8") as f:
                    text = f.read()
            except OSError as err:
                raise MXNetValueError(
                    "cannot read the symbol file '%s': %s" % (sym, err.strerror or err)
                ) from None
    else:
        raise MXNetTypeError(
            "sym must be a path to a -symbol.json file, a JSON string or a Symbol "
            "(an object with tojson()), got %s" % type(sym).__name__
        )
    try:
        document = json.loads(text)
    except ValueError as err:
        raise MXNetValueError("the symbol is not valid JSON: %s" % err) from None
    return Graph(document)


def _as_numpy(name: str, value: Any) -> np.ndarray:
    if hasattr(value, "asnumpy"):
        return np.asarray(value.asnumpy())
    try:
        return np.asarray(value)
    except Exception as err:  # noqa: BLE001 - any conversion failure names the parameter
        raise MXNetTypeError(
            "parameter '%s' is a %s, not an NDArray or numpy array: %s"
            % (name, type(value).__name__, err)
        ) from None


def _strip(name: str) -> str:
    for prefix in ("arg:", "aux:"):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def read_params(params: Any) -> Dict[str, np.ndarray]:
    """Name -> numpy array from a ``.params`` path, a dict, or ``[arg_params, aux_params]``.

    ``arg:``/``aux:`` prefixes (as ``HybridBlock.export`` writes them) are removed.
    """
    if isinstance(params, (str, os.PathLike)):
        from .. import ndarray as nd

        try:
            loaded = nd.load(os.fspath(params))
        except MXNetError as err:
            raise MXNetValueError("cannot load the params file '%s': %s" % (params, err)) from None
        if not isinstance(loaded, dict):
            raise MXNetValueError(
                "the params file '%s' holds an unnamed list of arrays; export_model needs "
                "named parameters (a file written by export or save_parameters)" % (params,)
            )
        params = loaded
    if isinstance(params, (list, tuple)):
        merged: Dict[str, Any] = {}
        for part in params:
            if not isinstance(part, dict):
                raise MXNetTypeError(
                    "params as a list must hold dicts ([arg_params, aux_params]), got a %s"
                    % type(part).__name__
                )
            merged.update(part)
        params = merged
    if not isinstance(params, dict):
        raise MXNetTypeError(
            "params must be a path to a .params file, a dict name -> array or "
            "[arg_params, aux_params], got %s" % type(params).__name__
        )
    return {_strip(str(k)): _as_numpy(str(k), v) for k, v in params.items()}


def normalize_shapes(
    names: Sequence[str], shapes: Any, what: str
) -> List[Tuple[Optional[int], ...]]:
    """Checks that ``shapes`` holds one tuple of ints (or None) per input name."""
    result = []
    for name, shape in zip(names, shapes):
        if not isinstance(shape, (tuple, list)) or not all(
            d is None or (isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0)
            for d in shape
        ):
            raise MXNetValueError(
                "%s for input '%s' must be a tuple of non-negative integers, got %r"
                % (what, name, shape)
            )
        result.append(tuple(None if d is None else int(d) for d in shape))
    return result
