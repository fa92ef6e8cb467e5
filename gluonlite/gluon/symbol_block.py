"""``gluon.SymbolBlock``: a Block whose computation is a graph (an ``mx.sym`` Symbol).

It is how MXNet model files are used: ``SymbolBlock.imports('model-symbol.json', ['data'],
'model-0000.params')`` gives a block that runs the exported network, can be fine-tuned
(its parameters are ordinary Parameters with gradients) and exported again. Its
parameters are the graph's arguments that are not inputs, plus its auxiliary states
(``grad_req='null'``); shapes unknown at creation are inferred from the first input.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from .. import ndarray as nd
from ..base import MXNetError
from ..context import Context
from ..symbol import executor as _executor
from ..symbol.symbol import DTYPE_NAMES, STORAGE_CODES, Group, Symbol
from ..symbol.symbol import load as _load_symbol
from ..symbol.symbol import var as _var
from .block import HybridBlock
from .parameter import DeferredInitializationError, ParameterDict
from .utils import _flat_values, shape_is_known

__all__ = ["SymbolBlock"]


def _flatten(value: Any, what: str) -> List[Symbol]:
    if isinstance(value, Symbol):
        return [value[i] for i in range(len(value))] if what == "output" else [value]
    if isinstance(value, (list, tuple)):
        flat: List[Symbol] = []
        for item in value:
            flat.extend(_flatten(item, what))
        return flat
    raise TypeError(
        "SymbolBlock: %ss must be Symbols or lists of Symbols, got %s"
        % (what, type(value).__name__)
    )


class SymbolBlock(HybridBlock):
    """A block that computes ``outputs`` (Symbols) from ``inputs`` (variables)."""

    def __init__(self, outputs: Any, inputs: Any, params: Optional[ParameterDict] = None) -> None:
        super().__init__(prefix=None, params=None)
        self._prefix = ""
        self._params = ParameterDict("", params)
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            outputs = outputs[0]
        self._inputs = _flatten(inputs, "input")
        outs = _flatten(outputs, "output")
        self._single_output = len(outs) == 1
        graph = outs[0] if self._single_output else Group(outs)
        self._input_names: List[str] = []
        for sym in self._inputs:
            if len(sym.get_internals().list_outputs()) != 1:
                raise AssertionError(
                    "Input symbols must be variable, but %s is an output of operators" % sym
                )
            self._input_names.append(sym.name)  # type: ignore[arg-type]
        for internal in graph.get_internals():
            if internal.attr("__storage_type__") == str(STORAGE_CODES["row_sparse"]):
                raise AssertionError(
                    "SymbolBlock doesn't support Parameter '%s' because its storage type is "
                    "'row_sparse'." % internal.name
                )
        inputs_set = set(self._input_names)
        arg_types, aux_types = self._param_types(graph)
        for name, dtype in zip(graph.list_arguments(), arg_types):
            if name not in inputs_set:
                self._params.get(name, allow_deferred_init=True, dtype=dtype)
        for name, dtype in zip(graph.list_auxiliary_states(), aux_types):
            if name not in inputs_set:
                self._params.get(name, grad_req="null", allow_deferred_init=True, dtype=dtype)
        self._graph_symbol = graph
        prefix = len(os.path.commonprefix(list(self._params.keys())))
        self._reg_params = {key[prefix:]: param for key, param in self._params.items()}

    def _param_types(self, graph: Symbol) -> Tuple[List[Any], List[Any]]:
        """Each argument's and state's dtype: from the inputs' declared dtypes, else float32."""
        given: Dict[str, Any] = {}
        for sym in self._inputs:
            code = sym.attr("__dtype__")
            if code is not None and sym.name is not None:
                given[sym.name] = np.dtype(DTYPE_NAMES.get(int(code), "float32")).type
        arg_types, _, aux_types = graph.infer_type(**given) if given else (None, None, None)
        if arg_types is None or aux_types is None:
            arg_types = [np.float32] * len(graph.list_arguments())
            aux_types = [np.float32] * len(graph.list_auxiliary_states())
        return list(arg_types), list(aux_types)

    def __repr__(self) -> str:
        return "%s(\n%s : %d -> %d\n)" % (
            type(self).__name__,
            self._graph_symbol,
            len(self._inputs),
            len(self._graph_symbol.list_outputs()),
        )

    @staticmethod
    def imports(
        symbol_file: str,
        input_names: Union[str, Sequence[str]],
        param_file: Optional[str] = None,
        ctx: Any = None,
        allow_missing: bool = False,
        ignore_extra: bool = False,
    ) -> "SymbolBlock":
        """A SymbolBlock from a ``-symbol.json`` file and, optionally, its ``.params``."""
        graph = _load_symbol(symbol_file)
        if isinstance(input_names, str):
            input_names = [input_names]
        inputs = [_var(name) for name in input_names]
        known = set(graph.list_inputs())
        for name in input_names:
            if name not in known:
                raise MXNetError(
                    "SymbolBlock.imports: '%s' is not an input of the graph in '%s'; its "
                    "variables are %s" % (name, symbol_file, graph.list_inputs())
                )
        block = SymbolBlock(graph, inputs)
        if param_file is not None:
            block.collect_params().load(
                param_file, ctx=ctx, allow_missing=allow_missing, ignore_extra=ignore_extra
            )
        return block

    def collect_params(self, select: Optional[str] = None) -> ParameterDict:
        """The graph's parameters (arguments that are not inputs, and auxiliary states)."""
        return super().collect_params(select)

    def cast(self, dtype: Any) -> None:
        """Cast every parameter to ``dtype``."""
        for param in self._params.values():
            param.cast(dtype)

    def infer_shape(self, *args: Any) -> None:
        """Every parameter's shape, from the inputs' shapes through the graph."""
        arrays = _flat_values(args)
        shapes = {name: tuple(a.shape) for name, a in zip(self._input_names, arrays)}
        arg_shapes, _, aux_shapes = self._graph_symbol.infer_shape_partial(**shapes)
        names = self._graph_symbol.list_arguments() + self._graph_symbol.list_auxiliary_states()
        for name, shape in zip(names, list(arg_shapes) + list(aux_shapes)):
            if name in self._params._params and shape:
                self._params[name].shape = shape

    def forward(self, x: Any, *args: Any) -> Any:
        """Run the graph on NDArray inputs, or compose it onto Symbol inputs."""
        flat = _flat_values((x,) + args)
        if any(isinstance(a, Symbol) for a in flat):
            if len(flat) != len(self._input_names):
                raise ValueError(
                    "SymbolBlock takes %d inputs (%s), got %d"
                    % (len(self._input_names), ", ".join(self._input_names), len(flat))
                )
            return self._graph_symbol(**dict(zip(self._input_names, flat)))
        if len(flat) != len(self._input_names):
            raise ValueError(
                "SymbolBlock takes %d inputs (%s), got %d; pass one array per input"
                % (len(self._input_names), ", ".join(self._input_names), len(flat))
            )
        for name, array in zip(self._input_names, flat):
            if not isinstance(array, nd.NDArray):
                raise ValueError(
                    "SymbolBlock input '%s' must be an NDArray, got %s"
                    % (name, type(array).__name__)
                )
        ctx = flat[0].context
        feed = dict(zip(self._input_names, flat))
        try:
            feed.update(self._param_arrays(ctx))
        except DeferredInitializationError:
            self._finish_deferred_shapes(flat)
            feed.update(self._param_arrays(ctx))
        outputs = _executor._run_graph(self._graph_symbol._heads, feed, ctx)
        return outputs[0] if self._single_output else outputs

    def _param_arrays(self, ctx: Context) -> dict:
        return {name: param.data(ctx) for name, param in self._params.items()}

    def _finish_deferred_shapes(self, arrays: List[Any]) -> None:
        self.infer_shape(*arrays)
        for param in self._params.values():
            if not shape_is_known(param.shape):
                raise DeferredInitializationError(
                    "SymbolBlock: cannot infer the shape of parameter '%s' from inputs of "
                    "shapes %s" % (param.name, [tuple(a.shape) for a in arrays])
                )
            param._finish_deferred_init()

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def _graph(self) -> Any:
        return self._graph_symbol

    def export(self, path: str, epoch: int = 0, remove_amp_cast: bool = True) -> Any:
        """Write the graph and parameters as MXNet's ``export`` does (see HybridBlock)."""
        return super().export(path, epoch, remove_amp_cast)
