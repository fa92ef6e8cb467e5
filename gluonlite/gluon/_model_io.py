"""``Block.save`` / ``Block.load``: a model's block structure and parameters, MXNet 1.9's way.

``<prefix>-model.json`` records each block (keyed by its class name and its position in
a depth-first walk) with its name and the names its parent knows its children by;
``<prefix>-model.params`` holds the parameters under structural names. ``load`` walks a
freshly built model of the same architecture in the same order, gives each block its
saved name back (so parameter names match again), restores the child keys and the
hybridize flag, then loads the parameters.

Difference from MXNet: MXNet also stores a hybridized block's cached graph (its Symbol)
in the JSON; gluonlite has no Symbol graph to store, so it records ``hybridized`` and
hybridizes the block again on load.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from typing import Any, Dict, List

from ..base import MXNetError


def _block_types():
    from .block import HybridBlock

    return HybridBlock


def save_model(block: Any, prefix: str) -> None:
    """Writes ``<prefix>-model.json`` and ``<prefix>-model.params``."""
    hybrid = _block_types()
    model: Dict[str, Any] = {}

    def walk(blk: Any, index: List[int], structure: Dict[str, Any]) -> None:
        entry: Dict[str, Any] = {"orig_name": blk.name}
        structure[type(blk).__name__.lower() + str(index[0])] = entry
        if isinstance(blk, hybrid):
            entry["hybridized"] = bool(getattr(blk, "_active", False))
        children: Dict[str, str] = {}
        entry["children"] = children
        for key, child in blk._children.items():
            index[0] += 1
            children[child.name] = key
            walk(child, index, entry)

    walk(block, [0], model)
    tmp = prefix + "-model.json.tmp"
    with open(tmp, "w") as fp:
        json.dump(model, fp)
    os.replace(tmp, prefix + "-model.json")
    block.save_parameters(prefix + "-model.params")


def load_model(block: Any, prefix: str) -> None:
    """Restores names, child keys and hybridization from ``save_model``'s files, then the
    parameters."""
    hybrid = _block_types()
    with open(prefix + "-model.json") as fp:
        model = json.load(fp)

    def walk(blk: Any, index: List[int], structure: Dict[str, Any]) -> None:
        key = type(blk).__name__.lower() + str(index[0])
        if key not in structure:
            raise MXNetError(
                "Block.load: %s-model.json has no entry %r for block %s: the model was not "
                "built in the same order as the saved one" % (prefix, key, blk.name)
            )
        entry = structure[key]
        _rename(blk, entry["orig_name"])
        if isinstance(blk, hybrid) and entry.get("hybridized"):
            blk.hybridize()
        for child in blk._children.values():
            index[0] += 1
            walk(child, index, entry)
        saved_keys = entry["children"]
        renamed = OrderedDict()
        for old_key, child in blk._children.items():
            renamed[saved_keys.get(child.name, old_key)] = child
        blk._children.clear()
        blk._children.update(renamed)

    walk(block, [0], model)
    block.load_parameters(prefix + "-model.params")


def _rename(blk: Any, name: str) -> None:
    """Gives ``blk`` the name it had when saved; its own parameters follow the new prefix."""
    old_prefix = blk.params._prefix
    blk._name = name
    new_prefix = name + "_"
    params = blk.params._params
    for pname in list(params):
        if pname.startswith(old_prefix):
            param = params.pop(pname)
            param.name = new_prefix + pname[len(old_prefix) :]
            params[param.name] = param
    blk.params._prefix = new_prefix
    blk._prefix = new_prefix
