"""``gluonlite.sym`` / ``gluonlite.symbol``: MXNet's Symbol API over ``nd``'s operators.

Each operator function here is generated from the ``nd`` function of the same name (one
registry for both front ends, see registry.py): ``sym.FullyConnected(data, num_hidden=10,
name='fc1')`` makes a graph node that ``nd.FullyConnected`` computes when the graph runs.
"""

from __future__ import annotations

import types
from typing import Any, Iterable

from .. import ndarray as _nd
from ..ndarray import _internal as _nd_internal
from .executor import Executor  # noqa: F401
from .symbol import Group, Symbol, Variable, load, load_json, make_op, var  # noqa: F401

# nd functions that make or move arrays rather than compute on them: no symbolic twin
_NOT_OPERATORS = {
    "NDArray",
    "array",
    "load",
    "save",
    "load_frombuffer",
    "save_tobuffer",
    "waitall",
    "from_numpy",
    "from_dlpack",
    "to_dlpack_for_read",
    "to_dlpack_for_write",
    "empty",
    "concatenate",
    "imdecode",
    "onehot_encode",
    "moveaxis",
    "Custom",
    "full_like",
}


def _operator_names(module: Any, names: Iterable[str]) -> list:
    found = []
    for name in names:
        if name.startswith("__") or name in _NOT_OPERATORS:
            continue
        fn = getattr(module, name, None)
        if callable(fn) and not isinstance(fn, (type, types.ModuleType)):
            found.append(name)
    return found


__all__ = ["Symbol", "Variable", "var", "Group", "load", "load_json", "Executor"]
for _name in _operator_names(_nd, dir(_nd)):
    if _name.startswith("_"):
        continue
    globals()[_name] = make_op(_name)
    __all__.append(_name)


def _submodule(name: str, prefix: str, source: Any, names: Iterable[str]) -> types.ModuleType:
    module = types.ModuleType(__name__ + "." + name, "Symbolic ``nd.%s`` operators." % name)
    for op_name in _operator_names(source, names):
        module.__dict__[op_name] = make_op(prefix + op_name)
    return module


contrib = _submodule("contrib", "_contrib_", _nd.contrib, _nd.contrib.__all__)
linalg = _submodule(
    "linalg", "_linalg_", _nd.linalg, [n for n in dir(_nd.linalg) if not n.startswith("linalg_")]
)
random = _submodule("random", "_random_", _nd.random, _nd.random.__all__)
_internal = _submodule("_internal", "", _nd_internal, _nd_internal.__all__)
_internal.__dict__["_rnn_param_concat"] = make_op("_rnn_param_concat")


def _creation(public_name: str) -> Any:
    op = make_op(public_name)

    def create(shape: Any, dtype: Any = None, **kwargs: Any) -> Symbol:
        # MXNet's sym.zeros/ones/full always write a dtype (float32 by default)
        return op(shape=shape, dtype="float32" if dtype is None else dtype, **kwargs)

    create.__name__ = public_name
    create.__doc__ = op.__doc__
    return create


zeros = _creation("zeros")
ones = _creation("ones")


def __getattr__(name: str) -> Any:
    # sym.image follows nd.image, which is imported on first use
    if name == "image":
        image = _submodule("image", "_image_", _nd.image, _nd.image.__all__)
        globals()["image"] = image
        return image
    raise AttributeError("module 'gluonlite.symbol' has no attribute %r" % name)
