"""``nd.CachedOp``: a Symbol graph called like an operator on NDArrays.

MXNet compiles the graph once and replays it; gluonlite runs each node through the ``nd``
function of the same name (the Symbol executor), so gradients flow through the call when
it is recorded, as MXNet's do. ``flags`` (``static_alloc``, ``static_shape``, ...) are
accepted and kept: they tune MXNet's memory planning and change no result.
"""

from __future__ import annotations

from typing import Any, List, Sequence, Tuple

from ..base import MXNetError
from .ndarray import NDArray

__all__ = ["CachedOp"]


class CachedOp:
    """The graph of ``sym`` as a callable: ``op(*inputs, out=None)``, inputs in the order of
    ``sym.list_inputs()`` (arguments and auxiliary states as the graph reads them)."""

    def __init__(self, sym: Any, flags: Sequence[Tuple[str, Any]] = ()) -> None:
        from ..symbol import Symbol

        if not isinstance(sym, Symbol):
            raise TypeError("CachedOp needs a Symbol, got %s" % type(sym).__name__)
        self._symbol = sym
        self._input_names: List[str] = sym.list_inputs()
        self._num_outputs = len(sym.list_outputs())
        self.flags = [
            (str(k), str(v)) for k, v in (flags.items() if isinstance(flags, dict) else flags)
        ]

    def __call__(self, *args: Any, out: Any = None, **kwargs: Any) -> Any:
        from ..symbol.executor import run_graph

        if kwargs.pop("default_ctx", None) is not None or kwargs:
            if kwargs:
                raise TypeError(
                    "CachedOp takes its inputs by position; got keyword(s) %s" % sorted(kwargs)
                )
        names = self._input_names
        if len(args) != len(names):
            raise MXNetError(
                "CachedOp expects %d inputs (%s), got %d"
                % (len(names), ", ".join(names), len(args))
            )
        for name, value in zip(names, args):
            if not isinstance(value, NDArray):
                raise TypeError(
                    "CachedOp input '%s' must be an NDArray, got %s" % (name, type(value).__name__)
                )
        ctx = args[0].context if args else None
        outputs = run_graph(self._symbol, dict(zip(names, args)), ctx)
        if out is not None:
            targets = [out] if isinstance(out, NDArray) else list(out)
            if len(targets) != len(outputs):
                raise MXNetError(
                    "CachedOp has %d outputs, but out= gives %d arrays"
                    % (len(outputs), len(targets))
                )
            for target, value in zip(targets, outputs):
                value.copyto(target)
            return out
        return outputs[0] if len(outputs) == 1 else outputs
