"""``gluon.Trainer``: applies an optimizer to a set of Parameters (MXNet 1.9.1 semantics).

``step(batch_size)`` sums the gradients of parameters that live on several contexts,
scales them by ``1/batch_size`` and updates every parameter with one fused kernel call
per context. A parameter whose gradient was not refreshed by ``backward`` since the last
step raises MXNet's ``UserWarning`` (an exception) unless ``ignore_stale_grad=True``.

Differences from MXNet, on purpose: there is no KVStore (distributed kvstores are refused;
``compression_params`` is accepted and ignored; ``_kvstore`` is a stand-in with MXNet's
``type`` and ``_updater``); multi-context gradients are summed in
place on every context, whatever ``update_on_kvstore`` says; a parameter listed twice is
updated once; the stale-gradient check runs over all parameters before any is touched;
``save_states`` writes atomically (temporary file, fsync, rename).
"""

from __future__ import annotations

import os
from typing import Any, List, Optional, Tuple

from .. import autograd
from .. import optimizer as opt
from ..base import MXNetError
from ..ndarray.utils import _atomic_write
from .parameter import Parameter, ParameterDict

__all__ = ["Trainer"]

_STALE_GRAD = (
    "Gradient of Parameter `%s` on context %s has not been updated by backward since last "
    "`step`. This could mean a bug in your model that made it only use a subset of the "
    "Parameters (Blocks) for this iteration. If you are intentionally only using a subset, "
    "call step with ignore_stale_grad=True to suppress this warning and skip updating of "
    "Parameters with stale gradient"
)


def _write_file_atomically(fname: str, payload: bytes) -> None:
    """Replace ``fname`` by ``payload`` so that a failure leaves the old file as it was."""

    def write(fd: int) -> None:
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]

    try:
        _atomic_write(fname, write)
    except MXNetError as err:
        # MXNet's save_states fails with the OSError of its open()/write(): keep that class.
        if isinstance(err.__cause__, OSError):
            raise err.__cause__ from None
        raise


class _KVStoreView:
    """What ``Trainer._kvstore`` shows when gradients are reduced over several contexts.

    gluonlite has no KVStore: gradients are summed in place on every context and each
    context's Updater applies the optimizer. This stand-in carries MXNet's attributes that
    scripts and tests read: ``type`` (the kvstore name given to the Trainer) and
    ``_updater`` (the first context's Updater, whose ``optimizer`` and ``states`` are the
    Trainer's).
    """

    def __init__(self, kv_type: str, updater: Any) -> None:
        self.type = kv_type
        self._updater = updater

    def __repr__(self) -> str:
        return "<gluonlite Trainer gradient reduction %r (no KVStore)>" % (self.type,)


class Trainer:
    """Applies an Optimizer to Parameters.

    ``params``: a ParameterDict (taken in sorted-name order, as MXNet does), a dict, or a
    list of Parameters. ``optimizer``: a name (``'sgd'``) with ``optimizer_params``, or an
    Optimizer instance. ``kvstore``: ``'device'``/``'local'`` sum the gradients of
    parameters on several contexts before the update; ``None`` updates each copy with its
    own gradient.
    """

    def __init__(
        self,
        params: Any,
        optimizer: Any,
        optimizer_params: Optional[dict] = None,
        kvstore: Any = "device",
        compression_params: Optional[dict] = None,
        update_on_kvstore: Optional[bool] = None,
    ) -> None:
        if isinstance(params, (dict, ParameterDict)):
            params = [params[key] for key in sorted(list(params.keys()))]
        if not isinstance(params, (list, tuple)):
            raise ValueError(
                "First argument must be a list or dict of Parameters, got %s." % (type(params))
            )
        self._params: List[Parameter] = []
        self._param2idx = {}
        seen = set()
        for param in params:
            if not isinstance(param, Parameter):
                raise ValueError(
                    "First argument must be a list or dict of Parameters, "
                    "got list of %s." % (type(param))
                )
            if id(param) in seen:  # a shared parameter listed twice is updated once
                continue
            seen.add(id(param))
            self._param2idx[param.name] = len(self._params)
            self._params.append(param)
            param._set_trainer(self)
        if isinstance(kvstore, str) and "dist" in kvstore:
            raise NotImplementedError(
                "kvstore='%s': distributed training is not supported by gluonlite; use "
                "kvstore='device' (gradients summed over the local contexts) or None" % kvstore
            )
        self._compression_params = compression_params
        self._contexts = self._check_contexts()
        self._init_optimizer(optimizer, optimizer_params if optimizer_params else {})
        self._scale = self._optimizer.rescale_grad
        self._kvstore_params = {"kvstore": kvstore, "update_on_kvstore": update_on_kvstore}
        self._kv_initialized = False
        self._kvstore: Any = None  # MXNet's kvstore argument: a name, a KVStore or None
        self._update_on_kvstore: Optional[bool] = None
        self._distributed: Optional[bool] = None
        self._params_to_init: List[Parameter] = []
        self._reset_kvstore()

    def _check_contexts(self) -> Optional[list]:
        contexts = None
        for param in self._params:
            ctx = param.list_ctx()
            if contexts is not None and contexts != ctx:
                raise AssertionError(
                    "All Parameters must be initialized on the same set of contexts, but "
                    "Parameter %s is initialized on %s while previous Parameters are "
                    "initialized on %s." % (param.name, str(ctx), str(contexts))
                )
            contexts = ctx
        return contexts

    def _init_optimizer(self, optimizer: Any, optimizer_params: dict) -> None:
        param_dict = {i: param for i, param in enumerate(self._params)}
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise AssertionError(
                    "optimizer_params must be None if optimizer is an "
                    "instance of Optimizer instead of str"
                )
            self._optimizer = optimizer
            self._optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        self._updaters = [opt.get_updater(self._optimizer) for _ in (self._contexts or [None])]

    # ------------------------------------------------------------- "kvstore"
    def _reset_kvstore(self) -> None:
        """Forget the reduction setup; it is redone (and values re-broadcast) at next step."""
        self._kv_initialized = False
        self._kvstore = None
        self._distributed = None
        self._update_on_kvstore = None
        self._params_to_init = list(self._params)

    def _init_kvstore(self) -> None:
        """Decide whether gradients are summed over contexts (MXNet's kvstore choice)."""
        config = self._kvstore_params
        multi = self._contexts is not None and len(self._contexts) > 1
        if multi and config["kvstore"]:
            # gradients are reduced over the contexts
            self._kvstore = _KVStoreView(config["kvstore"], self._updaters[0])
            update_on_kvstore = config["update_on_kvstore"]
            self._update_on_kvstore = True if update_on_kvstore is None else bool(update_on_kvstore)
        else:
            self._kvstore = None
            self._update_on_kvstore = None
        self._distributed = False
        self._kv_initialized = True

    def _init_params(self) -> None:
        """Copy context 0's value to the other contexts of newly initialized parameters."""
        still_deferred = []
        for param in self._params_to_init:
            if param._deferred_init:
                still_deferred.append(param)
            elif self._kvstore is not None:
                arrays = param._check_and_get(param._data, list)
                with autograd.pause():
                    for arr in arrays[1:]:
                        arr[:] = arrays[0]
        self._params_to_init = still_deferred

    def _prepare(self) -> None:
        if not self._kv_initialized:
            self._init_kvstore()
        if self._params_to_init:
            self._init_params()

    # -------------------------------------------------------- learning rate
    @property
    def learning_rate(self) -> float:
        """The optimizer's current learning rate."""
        return self._optimizer.learning_rate

    @property
    def optimizer(self) -> "opt.Optimizer":
        """The Optimizer in use."""
        return self._optimizer

    def set_learning_rate(self, lr: float) -> None:
        """Set the optimizer's learning rate (UserWarning when an lr_scheduler drives it)."""
        self._optimizer.set_learning_rate(lr)

    # ---------------------------------------------------------------- steps
    def _check_and_rescale_grad(self, scale: float) -> None:
        self._optimizer.rescale_grad = scale

    def step(self, batch_size: float, ignore_stale_grad: bool = False) -> None:
        """One optimization step: reduce gradients over contexts, then update every
        parameter with its gradient scaled by ``1/batch_size``."""
        self._check_and_rescale_grad(self._scale / batch_size)
        self._prepare()
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self) -> None:
        """Sum the gradients over contexts (for gradient clipping between reduce and update)."""
        self._prepare()
        if self._kvstore and self._update_on_kvstore:
            raise AssertionError(
                "allreduce_grads() when parameters are updated on kvstore is "
                "not supported. Try setting `update_on_kvstore` to False when "
                "creating trainer."
            )
        self._allreduce_grads()

    def _allreduce_grads(self) -> None:
        if not self._kvstore:
            return
        with autograd.pause():
            for param in self._params:
                if param.grad_req == "null":
                    continue
                grads = param.list_grad()
                total = grads[0].copy()
                for grad in grads[1:]:
                    total += grad.as_in_context(total.context)
                for grad in grads:
                    grad[:] = total

    def update(self, batch_size: float, ignore_stale_grad: bool = False) -> None:
        """The update half of ``step`` (after ``allreduce_grads``)."""
        self._prepare()
        if self._kvstore and self._update_on_kvstore:
            raise AssertionError(
                "update() when parameters are updated on kvstore is not "
                "supported. Try setting `update_on_kvstore` to False when "
                "creating trainer."
            )
        self._check_and_rescale_grad(self._scale / batch_size)
        self._update(ignore_stale_grad)

    def _update(self, ignore_stale_grad: bool = False) -> None:
        # Per context: the indices, gradients and weights to update. Every gradient is
        # checked before any weight changes, so a stale one leaves everything as it was.
        updates: List[Tuple[List[int], List[Any], List[Any]]] = [
            ([], [], []) for _ in self._updaters
        ]
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            arrays = param._check_and_get(param._data, list)
            if not ignore_stale_grad:
                for arr in arrays:
                    if not arr._fresh_grad:
                        raise UserWarning(_STALE_GRAD % (param.name, str(arr.context)))
            for (indices, grads, weights), arr, grad in zip(updates, arrays, param.list_grad()):
                if not ignore_stale_grad or arr._fresh_grad:
                    indices.append(i)
                    grads.append(grad)
                    weights.append(arr)
        for updater, (indices, grads, weights) in zip(self._updaters, updates):
            for arr in weights:
                arr._fresh_grad = False
            updater(indices, grads, weights)

    # --------------------------------------------------------------- states
    def save_states(self, fname: str) -> None:
        """Save the optimizer and its states (pickled, as MXNet does) to ``fname``,
        atomically. Like any pickle, load only files you trust."""
        assert self._optimizer is not None
        self._prepare()
        _write_file_atomically(fname, self._updaters[0].get_states(dump_optimizer=True))

    def load_states(self, fname: str) -> None:
        """Restore the optimizer and states written by ``save_states``."""
        self._prepare()
        with open(fname, "rb") as f:
            states = f.read()
        for updater in self._updaters:
            updater.set_states(states)
            updater.optimizer = self._updaters[0].optimizer
        self._optimizer = self._updaters[0].optimizer
        self._optimizer.param_dict = {i: param for i, param in enumerate(self._params)}
