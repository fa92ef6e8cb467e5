"""``mx.mod.Module``: trains and runs a Symbol graph on one context (MXNet 1.9.1 semantics).

``bind`` infers every argument's shape from the input shapes and allocates the
arguments, gradients and auxiliary states of one ``Executor``; the graph then runs as
``nd`` calls recorded by autograd. Parameters are initialized on host copies
(``get_params`` returns those, refreshed from the executor after updates) in sorted-name
order, each initializer called with ``InitDesc(name, the variable's attributes)`` so a
variable's ``__init__`` attribute is honoured; the optimizer updates parameter ``i`` of
the graph's non-input arguments, with the gradient scaled by ``1/batch_size``.

Differences from MXNet, on purpose: one context only (several raise NotImplementedError);
a batch whose arrays do not match the data names raises ValueError; a batch of another
size without labels gets labels of the shape the graph implies; ``Module.load`` with a
checkpoint that lacks a parameter warns (MXNet silently leaves it zero); no KVStore.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .. import autograd
from .. import ndarray as nd
from .. import optimizer as opt
from ..base import MXNetError
from ..context import Context, cpu
from ..initializer import InitDesc
from ..io import DataDesc
from ..model import load_checkpoint
from ..ndarray.utils import _atomic_write
from ..symbol.executor import Executor
from ..symbol.symbol import Symbol
from .base_module import DEFAULT_INITIALIZER, BaseModule, check_input_names, parse_data_desc

__all__ = ["Module"]

# operators whose gradient does not depend on the head gradient: a graph ending in them
# trains without out_grads (the others need one, as in MXNet)
_LOSS_OPS = frozenset(
    [
        "make_loss",
        "MakeLoss",
        "SoftmaxOutput",
        "Softmax",
        "LinearRegressionOutput",
        "LogisticRegressionOutput",
        "MAERegressionOutput",
        "SVMOutput",
        "BlockGrad",
        "stop_gradient",
    ]
)
# outputs that carry no gradient at all
_NO_GRADIENT_OPS = frozenset(["BlockGrad", "stop_gradient"])
_GRAD_REQS = ("write", "add", "null")


def _contexts(context: Any) -> List[Context]:
    if context is None:
        return [cpu()]
    if isinstance(context, Context):
        return [context]
    if isinstance(context, (list, tuple)) and all(isinstance(c, Context) for c in context):
        return list(context)
    raise TypeError("Module: context must be a Context or a list of them, got %r" % (context,))


def _names(value: Any, what: str) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    names = list(value)
    for name in names:
        if not isinstance(name, str):
            raise TypeError("Module: %s must be strings, got %r" % (what, name))
    return names


def _batch_size(desc: DataDesc) -> int:
    axis = DataDesc.get_batch_axis(getattr(desc, "layout", None))
    shape = tuple(desc.shape)
    return int(shape[axis if 0 <= axis < len(shape) else 0]) if shape else 1


def _assign(target: Any, value: Any, name: str, what: str) -> None:
    """Copy ``value`` into ``target`` (cast and moved), MXNetError on a shape mismatch."""
    if isinstance(value, np.ndarray):
        value = nd.array(value, dtype=target.dtype)
    if not isinstance(value, nd.NDArray):
        raise TypeError("%s '%s' must be an NDArray, got %s" % (what, name, type(value).__name__))
    if tuple(value.shape) != tuple(target.shape):
        raise MXNetError(
            "%s '%s' has shape %s, but the module's has shape %s"
            % (what, name, tuple(value.shape), tuple(target.shape))
        )
    with autograd.pause():
        target[:] = value.as_in_context(target.context)


class Module(BaseModule):
    """A Symbol graph with its parameters, an optimizer and the fit/score/predict loops.

    ``data_names`` and ``label_names`` name the graph's inputs fed from each batch's
    ``data`` and ``label``; every other argument is a parameter (``fixed_param_names``
    are not updated). ``state_names`` are inputs set with ``set_states``.
    """

    def __init__(
        self,
        symbol: Symbol,
        data_names: Any = ("data",),
        label_names: Any = ("softmax_label",),
        logger: Any = logging,
        context: Any = None,
        work_load_list: Any = None,
        fixed_param_names: Any = None,
        state_names: Any = None,
        group2ctxs: Any = None,
        compression_params: Any = None,
    ) -> None:
        super().__init__(logger=logger)
        if not isinstance(symbol, Symbol):
            raise TypeError("Module: symbol must be a Symbol, got %s" % type(symbol).__name__)
        self._context = _contexts(context)
        if len(self._context) != 1:
            raise NotImplementedError(
                "Module: training on several contexts (%s) is not supported by gluonlite; "
                "give one context" % (self._context,)
            )
        if work_load_list is None:
            work_load_list = [1] * len(self._context)
        if len(work_load_list) != len(self._context):
            raise AssertionError("Invalid settings for work load.")
        self._work_load_list = work_load_list
        self._group2ctxs = group2ctxs
        self._symbol = symbol
        data_names = _names(data_names, "data_names")
        label_names = _names(label_names, "label_names")
        state_names = _names(state_names, "state_names")
        fixed_param_names = _names(fixed_param_names, "fixed_param_names")
        check_input_names(symbol, data_names, "data", True)
        check_input_names(symbol, label_names, "label", False)
        check_input_names(symbol, state_names, "state", True)
        check_input_names(symbol, fixed_param_names, "fixed_param", True)
        inputs = set(data_names + label_names + state_names)
        self._arg_names = symbol.list_arguments()
        self._param_names = [name for name in self._arg_names if name not in inputs]
        self._fixed_param_names = fixed_param_names
        self._aux_names = symbol.list_auxiliary_states()
        self._data_names = data_names
        self._label_names = label_names
        self._state_names = state_names
        self._output_names = symbol.list_outputs()
        self._arg_params: Optional[Dict[str, Any]] = None
        self._aux_params: Optional[Dict[str, Any]] = None
        self._params_dirty = False
        self._compression_params = compression_params
        self._optimizer: Any = None
        self._kvstore: Any = None
        self._update_on_kvstore: Optional[bool] = None
        self._updater: Any = None
        self._preload_opt_states: Optional[str] = None
        self._grad_req: Any = None
        self._exec: Optional[Executor] = None
        self._data_shapes: Optional[List[DataDesc]] = None
        self._label_shapes: Optional[List[DataDesc]] = None
        self._output_shapes: List[Tuple[str, Tuple[int, ...]]] = []
        self._forward_was_training = False

    # ---- checkpoints -------------------------------------------------------------------

    @staticmethod
    def load(
        prefix: str, epoch: int, load_optimizer_states: bool = False, **kwargs: Any
    ) -> "Module":
        """A Module over the checkpoint ``prefix-symbol.json`` / ``prefix-%04d.params``
        (``kwargs`` go to ``Module``); its parameters are set when it is bound."""
        symbol, arg_params, aux_params = load_checkpoint(prefix, epoch)
        module = Module(symbol=symbol, **kwargs)
        module._arg_params = arg_params
        module._aux_params = aux_params
        module.params_initialized = True
        if load_optimizer_states:
            module._preload_opt_states = "%s-%04d.states" % (prefix, epoch)
        return module

    def save_checkpoint(
        self,
        prefix: str,
        epoch: int,
        save_optimizer_states: bool = False,
        remove_amp_cast: bool = True,
    ) -> None:
        """Write ``prefix-symbol.json``, ``prefix-%04d.params`` and, when asked, the
        optimizer's states to ``prefix-%04d.states``."""
        self._symbol.save("%s-symbol.json" % prefix, remove_amp_cast=remove_amp_cast)
        param_name = "%s-%04d.params" % (prefix, epoch)
        self.save_params(param_name)
        logging.info('Saved checkpoint to "%s"', param_name)
        if save_optimizer_states:
            state_name = "%s-%04d.states" % (prefix, epoch)
            self.save_optimizer_states(state_name)
            logging.info('Saved optimizer state to "%s"', state_name)

    def save_params(self, fname: str) -> None:
        """Write the parameters to ``fname`` with ``arg:``/``aux:`` keys."""
        arg_params, aux_params = self.get_params()
        arrays = {"arg:%s" % k: v.as_in_context(cpu()) for k, v in arg_params.items()}
        arrays.update({"aux:%s" % k: v.as_in_context(cpu()) for k, v in aux_params.items()})
        nd.utils.save_for_mode(fname, arrays)

    def load_params(self, fname: str) -> None:
        """Set the parameters from a file written by ``save_params``."""
        saved = nd.load(fname)
        if not isinstance(saved, dict):
            raise ValueError("Invalid param file %s: it holds no named arrays" % fname)
        arg_params, aux_params = {}, {}
        for key, value in saved.items():
            kind, _, name = key.partition(":")
            if kind == "arg":
                arg_params[name] = value
            elif kind == "aux":
                aux_params[name] = value
            else:
                raise ValueError("Invalid param file " + fname)
        self.set_params(arg_params, aux_params)

    def save_optimizer_states(self, fname: str) -> None:
        """Write the optimizer's states (the Updater's pickled states) to ``fname``."""
        if not self.optimizer_initialized:
            raise AssertionError("save_optimizer_states: call init_optimizer() first")
        payload = self._updater.get_states()

        def write(fd: int) -> None:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]

        _atomic_write(fname, write)

    def load_optimizer_states(self, fname: str) -> None:
        """Restore the optimizer's states from ``fname``."""
        if not self.optimizer_initialized:
            raise AssertionError("load_optimizer_states: call init_optimizer() first")
        with open(fname, "rb") as f:
            self._updater.set_states(f.read())

    # ---- names and shapes ------------------------------------------------------------

    @property
    def data_names(self) -> List[str]:
        """The inputs fed from each batch's ``data``."""
        return self._data_names

    @property
    def label_names(self) -> List[str]:
        """The inputs fed from each batch's ``label``."""
        return self._label_names

    @property
    def output_names(self) -> List[str]:
        """The graph's outputs (``fc1_output``)."""
        return self._output_names

    @property
    def data_shapes(self) -> List[DataDesc]:
        """The bound data descriptions."""
        self._require(params=False, what="data_shapes")
        return self._data_shapes  # type: ignore[return-value]

    @property
    def label_shapes(self) -> Optional[List[DataDesc]]:
        """The bound label descriptions (None when bound without labels)."""
        self._require(params=False, what="label_shapes")
        return self._label_shapes

    @property
    def output_shapes(self) -> List[Tuple[str, Tuple[int, ...]]]:
        """``(name, shape)`` of each output for the bound input shapes."""
        self._require(params=False, what="output_shapes")
        return self._output_shapes

    # ---- parameters ------------------------------------------------------------------

    def get_params(self) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """``(arg_params, aux_params)``: host copies, refreshed from the executor."""
        self._require(what="get_params")
        if self._params_dirty:
            self._sync_params_from_devices()
        return self._arg_params, self._aux_params  # type: ignore[return-value]

    def init_params(
        self,
        initializer: Any = DEFAULT_INITIALIZER,
        arg_params: Optional[Dict[str, Any]] = None,
        aux_params: Optional[Dict[str, Any]] = None,
        allow_missing: bool = False,
        force_init: bool = False,
        allow_extra: bool = False,
    ) -> None:
        """Give every parameter a value: from ``arg_params``/``aux_params`` when given (a
        missing one is an error unless ``allow_missing``), else from ``initializer``."""
        if self.params_initialized and not force_init:
            warnings.warn(
                "Parameters already initialized and force_init=False. init_params call ignored.",
                stacklevel=2,
            )
            return
        if not self.binded:
            raise AssertionError("call bind before initializing the parameters")
        if initializer is not None and not callable(initializer):
            raise TypeError(
                "init_params: initializer must be an Initializer (such as mx.init.Xavier()), "
                "got %s %r" % (type(initializer).__name__, initializer)
            )
        attrs = self._symbol.attr_dict()
        assert self._arg_params is not None and self._aux_params is not None
        for own, given, what in (
            (self._arg_params, arg_params, "argument"),
            (self._aux_params, aux_params, "auxiliary state"),
        ):
            for name in sorted(own):
                arr = own[name]
                desc = InitDesc(name, attrs.get(name, None))
                if given is not None and name in given:
                    if given[name] is not arr:
                        _assign(arr, given[name], name, "init_params: " + what)
                    continue
                if given is not None and not allow_missing:
                    raise RuntimeError("%s is not presented" % name)
                if initializer is None:
                    if given is None:
                        raise TypeError(
                            "init_params: no initializer and no values given for %s '%s'"
                            % (what, name)
                        )
                    continue
                initializer(desc, arr)
        self.params_initialized = True
        self._params_dirty = False
        self._copy_into_executor(self._arg_params, self._aux_params, allow_extra)

    def set_params(
        self,
        arg_params: Dict[str, Any],
        aux_params: Dict[str, Any],
        allow_missing: bool = False,
        force_init: bool = True,
        allow_extra: bool = False,
    ) -> None:
        """Set the parameters from the given dicts (``allow_missing``: only those given)."""
        if not allow_missing:
            super().set_params(arg_params, aux_params, False, force_init, allow_extra)
            return
        if self.params_initialized and not force_init:
            warnings.warn(
                "Parameters already initialized and force_init=False. set_params call ignored.",
                stacklevel=2,
            )
            return
        self._require(params=False, what="set_params")
        self._copy_into_executor(arg_params or {}, aux_params or {}, allow_extra)
        self._params_dirty = True
        self.params_initialized = True

    def _copy_into_executor(
        self, arg_params: Dict[str, Any], aux_params: Dict[str, Any], allow_extra: bool
    ) -> None:
        executor = self._executor()
        for source, target, what in (
            (arg_params, executor.arg_dict, "arguments"),
            (aux_params, executor.aux_dict, "auxiliary states"),
        ):
            for name, value in source.items():
                if name in target:
                    _assign(target[name], value, name, "parameter")
                elif not allow_extra:
                    raise ValueError('Find name "%s" that is not in the %s' % (name, what))

    def _sync_params_from_devices(self) -> None:
        executor = self._executor()
        assert self._arg_params is not None and self._aux_params is not None
        for names, source, target in (
            (self._param_names, executor.arg_dict, self._arg_params),
            (self._aux_names, executor.aux_dict, self._aux_params),
        ):
            for name in names:
                value = source[name]
                if name in target:
                    _assign(target[name], value, name, "parameter")
                else:
                    target[name] = value.copyto(cpu())
        self._params_dirty = False

    # ---- binding ---------------------------------------------------------------------

    def _executor(self) -> Executor:
        if self._exec is None:
            raise AssertionError("call bind() first")
        return self._exec

    def _reset_bind(self) -> None:
        self.binded = False
        self._exec = None
        self._data_shapes = None
        self._label_shapes = None

    def bind(
        self,
        data_shapes: Any,
        label_shapes: Any = None,
        for_training: bool = True,
        inputs_need_grad: bool = False,
        force_rebind: bool = False,
        shared_module: Optional["Module"] = None,
        grad_req: Any = "write",
    ) -> None:
        """Allocate the executor for inputs of the given shapes (``[('data', (10, 20))]``
        or DataDescs); a second bind is ignored unless ``force_rebind``."""
        if force_rebind:
            if self._exec is not None and self._params_dirty:
                self._sync_params_from_devices()  # the new executor starts from trained values
            self._reset_bind()
        if self.binded:
            self.logger.warning("Already bound, ignoring bind()")
            return
        if not for_training and inputs_need_grad:
            raise AssertionError("inputs_need_grad=True needs for_training=True")
        self._check_grad_req(grad_req)
        data_descs, label_descs = parse_data_desc(
            self._data_names, self._label_names, data_shapes, label_shapes
        )
        if shared_module is not None and not (
            isinstance(shared_module, Module)
            and shared_module.binded
            and shared_module.params_initialized
        ):
            raise AssertionError(
                "bind: shared_module must be a bound Module with initialized parameters"
            )
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self._grad_req = grad_req
        shared_exec = shared_module._exec if shared_module is not None else None
        self._build_executor(data_descs, label_descs, shared_exec)
        if shared_module is not None:
            self.params_initialized = True
            self._arg_params = shared_module._arg_params
            self._aux_params = shared_module._aux_params
        elif self.params_initialized:
            # re-binding, or a module from Module.load: its parameters go to the executor
            self._adopt_loaded_params()
        else:
            executor = self._executor()
            self._arg_params = {
                name: nd.zeros(executor.arg_dict[name].shape, dtype=executor.arg_dict[name].dtype)
                for name in self._param_names
            }
            self._aux_params = {
                name: nd.zeros(executor.aux_dict[name].shape, dtype=executor.aux_dict[name].dtype)
                for name in self._aux_names
            }
        if shared_module is not None and shared_module.optimizer_initialized:
            self.borrow_optimizer(shared_module)
        self.binded = True

    def _adopt_loaded_params(self) -> None:
        arg_params = self._arg_params if self._arg_params is not None else {}
        aux_params = self._aux_params if self._aux_params is not None else {}
        self._copy_into_executor(arg_params, aux_params, False)
        executor = self._executor()
        missing = [n for n in self._param_names if n not in arg_params]
        missing += [n for n in self._aux_names if n not in aux_params]
        if missing:
            warnings.warn(
                "Module.bind: the loaded parameters do not include %s; they are zero. Call "
                "init_params(initializer, arg_params, aux_params, allow_missing=True, "
                "force_init=True) to initialize them." % ", ".join("'%s'" % n for n in missing),
                stacklevel=3,
            )
        for name in self._param_names:
            if name not in arg_params:
                arg_params[name] = executor.arg_dict[name].copyto(cpu())
        for name in self._aux_names:
            if name not in aux_params:
                aux_params[name] = executor.aux_dict[name].copyto(cpu())
        self._arg_params, self._aux_params = arg_params, aux_params

    @staticmethod
    def _check_grad_req(grad_req: Any) -> None:
        if isinstance(grad_req, str):
            values = [grad_req]
        elif isinstance(grad_req, dict):
            values = list(grad_req.values())
        elif isinstance(grad_req, (list, tuple)):
            values = list(grad_req)
        else:
            raise TypeError("bind: grad_req must be a str, a list or a dict, got %r" % (grad_req,))
        for value in values:
            if value not in _GRAD_REQS:
                raise ValueError(
                    "bind: grad_req must be 'write', 'add' or 'null', got %r" % (value,)
                )

    def _grad_reqs(self) -> Dict[str, str]:
        """Each argument's grad_req: parameters train (fixed ones not), data only when
        ``inputs_need_grad``, labels and states never; nothing when not training."""
        req = self._grad_req
        if not self.for_training:
            return {name: "null" for name in self._arg_names}
        if isinstance(req, (list, tuple)):
            if len(req) != len(self._arg_names):
                raise ValueError(
                    "bind: grad_req lists %d values, the graph has %d arguments (%s)"
                    % (len(req), len(self._arg_names), self._arg_names)
                )
            return dict(zip(self._arg_names, req))
        if isinstance(req, dict):
            return {name: req.get(name, "null") for name in self._arg_names}
        reqs = {}
        for name in self._arg_names:
            if name in self._data_names:
                reqs[name] = req if self.inputs_need_grad else "null"
            elif name in self._param_names:
                reqs[name] = "null" if name in self._fixed_param_names else req
            else:
                reqs[name] = "null"
        return reqs

    def _arg_types(self, descs: Sequence[DataDesc]) -> Dict[str, Any]:
        given = {d.name: np.dtype(d.dtype).type for d in descs if d.name in self._arg_names}
        types = dict(given)
        arg_types = None
        if given:
            try:
                arg_types, _, _ = self._symbol.infer_type(**given)
            except (MXNetError, TypeError, ValueError, KeyError):
                arg_types = None
        for i, name in enumerate(self._arg_names):
            if name in types:
                continue
            inferred = arg_types[i] if arg_types is not None else None
            # a parameter takes the data's float type; integer inputs do not make it integer
            if inferred is not None and np.issubdtype(np.dtype(inferred), np.floating):
                types[name] = inferred
            else:
                types[name] = np.float32
        return types

    def _build_executor(
        self,
        data_descs: List[DataDesc],
        label_descs: Optional[List[DataDesc]],
        shared: Optional[Executor],
        previous_labels: Optional[List[DataDesc]] = None,
    ) -> None:
        """A new executor for these input shapes; parameter arrays (and gradients) are
        taken from ``shared`` where it has them, so updates are seen by both."""
        inputs = list(self._symbol.list_inputs())
        descs = data_descs + list(label_descs or [])
        known = {d.name: tuple(d.shape) for d in descs if d.name in inputs}
        arg_shapes, out_shapes, aux_shapes = self._symbol.infer_shape_partial(**known)
        if previous_labels:
            # a batch without labels: they keep their shape, with the new batch size
            batch = _batch_size(data_descs[0])
            unknown = {n for n, s in zip(self._arg_names, arg_shapes) if not s}
            for desc in previous_labels:
                if desc.name in unknown:
                    shape = list(desc.shape)
                    axis = max(DataDesc.get_batch_axis(getattr(desc, "layout", None)), 0)
                    if shape:
                        shape[min(axis, len(shape) - 1)] = batch
                    known[desc.name] = tuple(shape)
                    descs.append(DataDesc(desc.name, tuple(shape), desc.dtype, desc.layout))
            arg_shapes, out_shapes, aux_shapes = self._symbol.infer_shape_partial(**known)
        names_shapes = list(zip(self._arg_names, arg_shapes))
        names_shapes += list(zip(self._aux_names, aux_shapes))
        undecided = [name for name, shape in names_shapes if not shape]
        if undecided:
            raise MXNetError(
                "Module.bind: the shapes of %s cannot be inferred from the input shapes %s; "
                "give them in data_shapes / label_shapes"
                % (", ".join("'%s'" % n for n in undecided), known)
            )
        ctx = self._context[0]
        types = self._arg_types(descs)
        reqs = self._grad_reqs()
        args: Dict[str, Any] = {}
        grads: Dict[str, Any] = {}
        for name, shape in zip(self._arg_names, arg_shapes):
            reuse = shared.arg_dict.get(name) if shared is not None else None
            if reuse is not None and name in self._param_names:
                if tuple(reuse.shape) != tuple(shape):
                    raise MXNetError(
                        "Module: parameter '%s' would change shape from %s to %s with the new "
                        "input shapes %s" % (name, tuple(reuse.shape), tuple(shape), known)
                    )
                args[name] = reuse
                shared_grad = shared.grad_dict.get(name) if shared is not None else None
                if reqs[name] != "null":
                    grads[name] = (
                        shared_grad
                        if shared_grad is not None
                        else nd.zeros(shape, ctx=ctx, dtype=reuse.dtype)
                    )
                continue
            args[name] = nd.zeros(shape, ctx=ctx, dtype=types[name])
            if reqs[name] != "null":
                grads[name] = nd.zeros(shape, ctx=ctx, dtype=types[name])
        aux: Dict[str, Any] = {}
        for name, shape in zip(self._aux_names, aux_shapes):
            reuse = shared.aux_dict.get(name) if shared is not None else None
            aux[name] = reuse if reuse is not None else nd.zeros(shape, ctx=ctx)
        self._exec = Executor(self._symbol, ctx, args, grads, reqs, aux)
        self._data_shapes = data_descs
        self._label_shapes = label_descs
        self._output_shapes = [
            (name, tuple(shape)) for name, shape in zip(self._output_names, out_shapes)
        ]

    def reshape(self, data_shapes: Any, label_shapes: Any = None) -> None:
        """Re-bind for new input shapes, keeping the parameters (and their gradients)."""
        self._require(params=False, what="reshape")
        data_descs, label_descs = parse_data_desc(
            self._data_names, self._label_names, data_shapes, label_shapes
        )
        previous = self._label_shapes if label_descs is None else None
        self._build_executor(data_descs, label_descs, self._exec, previous)
        if label_descs is None and previous:
            self._label_shapes = None

    def borrow_optimizer(self, shared_module: "Module") -> None:
        """Use ``shared_module``'s optimizer (and its states)."""
        if not shared_module.optimizer_initialized:
            raise AssertionError("borrow_optimizer: the shared module has no optimizer yet")
        self._optimizer = shared_module._optimizer
        self._kvstore = shared_module._kvstore
        self._update_on_kvstore = shared_module._update_on_kvstore
        self._updater = shared_module._updater
        self.optimizer_initialized = True

    def init_optimizer(
        self,
        kvstore: Any = "local",
        optimizer: Any = "sgd",
        optimizer_params: Any = (("learning_rate", 0.01),),
        force_init: bool = False,
    ) -> None:
        """Create the optimizer (a name with ``optimizer_params``, or an Optimizer);
        gradients are scaled by ``1/batch_size`` unless ``rescale_grad`` is given."""
        self._require(what="init_optimizer")
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring...")
            return
        if isinstance(kvstore, str) and "dist" in kvstore:
            raise NotImplementedError(
                "Module: kvstore='%s' (distributed training) is not supported by gluonlite; "
                "use 'local'" % kvstore
            )
        if self._params_dirty:
            self._sync_params_from_devices()
        assert self._data_shapes is not None
        rescale_grad = 1.0 / _batch_size(self._data_shapes[0])
        idx2name = dict(enumerate(self._param_names))
        if isinstance(optimizer, str):
            params = dict(optimizer_params)
            params.setdefault("rescale_grad", rescale_grad)
            optimizer = opt.create(optimizer, param_idx2name=idx2name, **params)
            self._apply_symbol_multipliers(optimizer)
        else:
            if not isinstance(optimizer, opt.Optimizer):
                raise TypeError(
                    "init_optimizer: optimizer must be a name or an Optimizer, got %s"
                    % type(optimizer).__name__
                )
            if optimizer.rescale_grad != rescale_grad:
                warnings.warn(
                    "Optimizer created manually outside Module but rescale_grad is not "
                    "normalized to 1.0/batch_size/num_workers (%s vs. %s). Is this intended?"
                    % (optimizer.rescale_grad, rescale_grad),
                    stacklevel=2,
                )
            if not optimizer.idx2name:
                optimizer.idx2name = idx2name.copy()
        self._optimizer = optimizer
        self._kvstore = None
        self._update_on_kvstore = False
        self._updater = opt.get_updater(optimizer)
        self.optimizer_initialized = True
        if self._preload_opt_states is not None:
            self.load_optimizer_states(self._preload_opt_states)
            self._preload_opt_states = None

    def _apply_symbol_multipliers(self, optimizer: Any) -> None:
        """The variables' ``__lr_mult__`` / ``__wd_mult__`` attributes as the optimizer's
        multipliers (what MXNet's optimizer reads from ``sym=``)."""
        attrs = self._symbol.attr_dict()
        lr_mult, wd_mult = {}, {}
        for name in self._arg_names:
            node_attrs = attrs.get(name, {})
            if "__lr_mult__" in node_attrs:
                lr_mult[name] = float(node_attrs["__lr_mult__"])
            if "__wd_mult__" in node_attrs:
                wd_mult[name] = float(node_attrs["__wd_mult__"])
        optimizer.set_lr_mult(lr_mult)
        optimizer.set_wd_mult(wd_mult)

    # ---- computation -----------------------------------------------------------------

    def forward(self, data_batch: Any, is_train: Optional[bool] = None) -> None:
        """Run the graph on a batch (``is_train``: the module's ``for_training`` unless
        given); a batch of other shapes re-binds the module for them."""
        self._require(what="forward")
        data = getattr(data_batch, "data", None)
        if not isinstance(data, (list, tuple)):
            raise TypeError(
                "forward: data_batch must be a DataBatch whose data is a list of arrays, got "
                "%r" % (data_batch,)
            )
        if len(data) != len(self._data_names):
            raise ValueError(
                "forward: the batch has %d data arrays, the module has %d data inputs (%s)"
                % (len(data), len(self._data_names), ", ".join(self._data_names))
            )
        assert self._data_shapes is not None
        shapes = tuple(tuple(a.shape) for a in data)
        if shapes != tuple(tuple(d.shape) for d in self._data_shapes):
            self._reshape_for(data_batch, shapes)
        executor = self._executor()
        for desc, array in zip(self._data_shapes, data):
            _assign(executor.arg_dict[desc.name], array, desc.name, "forward: data")
        labels = getattr(data_batch, "label", None)
        if labels:
            for name, array in zip(self._label_names, labels):
                if name in executor.arg_dict:
                    _assign(executor.arg_dict[name], array, name, "forward: label")
        train = self.for_training if is_train is None else bool(is_train)
        executor.forward(is_train=train)
        self._forward_was_training = train
        if train:
            self._params_dirty = True  # auxiliary states move in a training forward

    def _reshape_for(self, data_batch: Any, shapes: Tuple[Tuple[int, ...], ...]) -> None:
        assert self._data_shapes is not None
        provided = getattr(data_batch, "provide_data", None)
        if provided:
            data_descs = provided
        else:
            data_descs = [
                DataDesc(d.name, shape, d.dtype, d.layout)
                for d, shape in zip(self._data_shapes, shapes)
            ]
        label_descs = getattr(data_batch, "provide_label", None) or None
        labels = getattr(data_batch, "label", None)
        if label_descs is None and labels:
            old = self._label_shapes or [DataDesc(name, ()) for name in self._label_names]
            label_descs = [
                DataDesc(d.name, tuple(a.shape), d.dtype, d.layout) for d, a in zip(old, labels)
            ]
        self.reshape(data_descs, label_descs)

    def backward(self, out_grads: Any = None) -> None:
        """Gradients of the outputs (weighted by ``out_grads``, needed unless every output
        is a loss such as ``make_loss``) into the parameters' gradient arrays."""
        self._require(what="backward")
        if not self.for_training:
            raise AssertionError("re-bind with for_training=True to run backward")
        if not self._forward_was_training:
            raise MXNetError(
                "Module.backward: the last forward was not a training forward; call "
                "forward(data_batch, is_train=True) before backward()"
            )
        executor = self._executor()
        heads = self._symbol._heads
        outputs = executor.outputs
        if out_grads is None:
            needs_grad = [
                name
                for name, (node, _) in zip(self._output_names, heads)
                if node.op not in _LOSS_OPS
            ]
            if needs_grad:
                raise MXNetError(
                    "Because the last operator is not Loss function, head_gradient is required "
                    "when calling backward. If you are attempting to minimize the output as an "
                    "objective, please modify your network and pass it through the make_loss "
                    "symbol. (outputs without a loss: %s)" % ", ".join(needs_grad)
                )
            grads: List[Any] = [None] * len(outputs)
        else:
            grads = list(out_grads) if isinstance(out_grads, (list, tuple)) else [out_grads]
            if len(grads) != len(outputs):
                raise ValueError(
                    "backward: %d out_grads given, the module has %d outputs (%s)"
                    % (len(grads), len(outputs), ", ".join(self._output_names))
                )
        pairs = [
            (out, grad)
            for out, grad, (node, _) in zip(outputs, grads, heads)
            if not node.is_variable and node.op not in _NO_GRADIENT_OPS
        ]
        if not pairs:
            with autograd.pause():
                for name, grad in executor.grad_dict.items():
                    if executor._grad_req.get(name) == "write":
                        grad[:] = 0
            return
        head_grads = None if out_grads is None else [g for _, g in pairs]
        autograd.backward([o for o, _ in pairs], head_grads=head_grads, train_mode=True)

    def update(self) -> None:
        """Apply the optimizer to every trained parameter with its gradient."""
        self._require(what="update")
        if not self.optimizer_initialized:
            raise AssertionError("update: call init_optimizer() first")
        self._params_dirty = True
        executor = self._executor()
        indices, grads, weights = [], [], []
        for index, name in enumerate(self._param_names):
            grad = executor.grad_dict.get(name)
            if grad is None:
                continue
            indices.append(index)
            grads.append(grad)
            weights.append(executor.arg_dict[name])
        if indices:
            self._updater(indices, grads, weights)

    def get_outputs(self, merge_multi_context: bool = True) -> list:
        """The outputs of the last forward (``merge_multi_context=False``: one list per
        output, with the one context's array)."""
        self._require(what="get_outputs")
        outputs = list(self._executor().outputs)
        return outputs if merge_multi_context else [[out] for out in outputs]

    def get_input_grads(self, merge_multi_context: bool = True) -> list:
        """The gradients of the data inputs (bind with ``inputs_need_grad=True``)."""
        self._require(what="get_input_grads")
        if not self.inputs_need_grad:
            raise AssertionError("get_input_grads: bind with inputs_need_grad=True first")
        executor = self._executor()
        grads = [executor.grad_dict[name] for name in self._data_names]
        return grads if merge_multi_context else [[grad] for grad in grads]

    def get_states(self, merge_multi_context: bool = True) -> list:
        """The state inputs' arrays (``state_names``)."""
        self._require(what="get_states")
        executor = self._executor()
        states = [executor.arg_dict[name] for name in self._state_names]
        return states if merge_multi_context else [[state] for state in states]

    def set_states(self, states: Any = None, value: Any = None) -> None:
        """Set the state inputs from arrays (``states``) or to one number (``value``)."""
        self._require(what="set_states")
        executor = self._executor()
        if states is not None:
            if value is not None:
                raise AssertionError("Only one of states & value can be specified.")
            flat = [s[0] if isinstance(s, (list, tuple)) else s for s in states]
            for name, array in zip(self._state_names, flat):
                _assign(executor.arg_dict[name], array, name, "set_states: state")
        else:
            if value is None:
                raise AssertionError("At least one of states & value must be specified.")
            with autograd.pause():
                for name in self._state_names:
                    executor.arg_dict[name][:] = value

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        """Feed the last outputs and ``labels`` to ``eval_metric`` (by name)."""
        self._require(what="update_metric")
        label_dict = OrderedDict(zip(self._label_names, labels or []))
        preds = OrderedDict(zip(self._output_names, self._executor().outputs))
        eval_metric.update_dict(label_dict, preds)

    def install_monitor(self, mon: Any) -> None:
        """Not supported: gluonlite has no executor monitor."""
        raise NotImplementedError("Module.install_monitor is not supported by gluonlite")

    def prepare(self, data_batch: Any, sparse_row_id_fn: Any = None) -> None:
        """Nothing to prepare: parameters are dense and on one context."""
        if sparse_row_id_fn is not None:
            raise NotImplementedError(
                "Module: sparse_row_id_fn (row-sparse parameters) is not supported by gluonlite"
            )
