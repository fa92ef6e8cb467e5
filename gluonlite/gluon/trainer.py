"""``gluon.Trainer``: applies an optimizer to a set of Parameters (MXNet 1.9.1 semantics).

``step(batch_size)`` scales gradients by ``1/batch_size`` and updates every parameter with
one fused kernel call per context. Parameters on one context need no store and take that
fast path. On several contexts (or with an explicit KVStore) the store is created at the
first step, as in MXNet: ``'device'``/``'local'`` sum the gradients over the contexts and,
with ``update_on_kvstore`` (the default), the store applies the optimizer once to its copy
of each weight and broadcasts the result; otherwise every context's Updater applies it to
the summed gradient. A parameter whose gradient was not refreshed by ``backward`` since the
last step raises MXNet's ``UserWarning`` (an exception) unless ``ignore_stale_grad=True``.

With ``kvstore='dist_sync'`` under ``mpirun`` the gradients are summed over the workers
too, and ``step(batch_size)`` scales by ``1/batch_size``: pass the global batch size (the
sum over workers) to train as one process would on the global batches.

Differences from MXNet, on purpose: a parameter listed twice is updated once; the
stale-gradient check runs over all parameters before any is touched, also when updating on
the kvstore (MXNet pushes stale gradients again there), and ``ignore_stale_grad`` then skips
parameters whose gradients are all stale; a gluonlite KVStore shares the Trainer's first
Updater (``trainer._kvstore._updater is trainer._updaters[0]``); ``save_states`` writes
atomically (temporary file, fsync, rename).
"""

from __future__ import annotations

import math
import os
from typing import Any, List, Optional, Tuple

from .. import optimizer as opt
from ..base import MXNetError
from ..kvstore import KVStore, KVStoreBase, overlap
from ..kvstore import create as _create_kvstore
from ..ndarray import NDArray
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


class Trainer:
    """Applies an Optimizer to Parameters.

    ``params``: a ParameterDict (taken in sorted-name order, as MXNet does), a dict, or a
    list of Parameters. ``optimizer``: a name (``'sgd'``) with ``optimizer_params``, or an
    Optimizer instance. ``kvstore``: a name (``'device'``, ``'local'``) or a KVStore that
    sums the gradients of parameters on several contexts; ``None`` updates each copy with
    its own gradient. ``update_on_kvstore``: whether the store applies the optimizer
    (default: when the store can, unless ``MXNET_UPDATE_ON_KVSTORE=0``).
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
        self._compression_params = compression_params
        self._contexts = self._check_contexts()
        self._init_optimizer(optimizer, optimizer_params if optimizer_params else {})
        self._scale = self._optimizer.rescale_grad
        self._kvstore_params = {"kvstore": kvstore, "update_on_kvstore": update_on_kvstore}
        self._kv_initialized = False
        self._kvstore: Any = None  # MXNet's kvstore argument: a name, a KVStore or None
        self._update_on_kvstore: Optional[bool] = None
        self._distributed: Optional[bool] = None
        self._overlap: Optional[overlap.OverlappedReduction] = None
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
        if self._kvstore and "dist" in self._kvstore.type:
            raise RuntimeError("Cannot reset distributed KVStore.")
        self._kv_initialized = False
        self._kvstore = None
        self._distributed = None
        self._update_on_kvstore = None
        self._params_to_init = list(self._params)

    def _create_store(self) -> Tuple[Any, bool]:
        """MXNet's choice of store and of ``update_on_kvstore`` before the user's override."""
        kvstore = self._kvstore_params["kvstore"]
        update_on_kvstore = bool(int(os.getenv("MXNET_UPDATE_ON_KVSTORE", "1")))
        num_device = len(self._contexts) if self._contexts else 1
        store: Any
        if kvstore is None:
            store = None
        elif isinstance(kvstore, KVStoreBase):
            store = kvstore
        elif isinstance(kvstore, str):
            distributed = kvstore.lower().startswith(("dist", "horovod", "byteps"))
            if num_device == 1 and not distributed:
                store = None  # one device in one process: nothing to reduce
            else:
                store = _create_kvstore(kvstore)
                if kvstore == "local":
                    largest = max(
                        (math.prod(param.shape or ()) for param in self._params), default=0
                    )
                    if largest > 1024 * 1024 * 16:
                        update_on_kvstore = False
        else:
            raise TypeError("kvstore must be KVStore, str or None")
        if store is None:
            return None, False
        return store, update_on_kvstore and store.is_capable(KVStoreBase.OPTIMIZER)

    def _create_sparse_store(self) -> Tuple[Any, bool]:
        """With row-sparse weights a store always exists (it holds the weights that
        ``row_sparse_data`` pulls rows from) and applies the optimizer, as in MXNet."""
        kvstore = self._kvstore_params["kvstore"]
        if isinstance(kvstore, KVStoreBase):
            store = kvstore
        elif isinstance(kvstore, str):
            store = _create_kvstore(kvstore)
        else:
            raise TypeError(
                "Cannot create '%s' KVStore with row_sparse parameters. The type must be "
                "KVStore or str." % (kvstore,)
            )
        if not store.is_capable(KVStoreBase.OPTIMIZER):
            raise AssertionError(
                "KVStore with sparse weight requires optimizer support. However, %s does "
                "not support optimizer." % type(store).__name__
            )
        if self._kvstore_params["update_on_kvstore"] is False:
            raise ValueError("Cannot set update_on_kvstore=False when sparse weights are present.")
        return store, True

    def _init_kvstore(self) -> None:
        """Create the store (at the first step, as MXNet) and decide ``update_on_kvstore``."""
        requested = self._kvstore_params["update_on_kvstore"]
        if any(param._stype != "default" for param in self._params):
            store, update_on_kvstore = self._create_sparse_store()
        else:
            store, update_on_kvstore = self._create_store()
            if any(param._grad_stype != "default" for param in self._params):
                # dense weights, sparse gradients (MXNet's choice): reduce the gradients in
                # one process; on a distributed store push them and let it update
                distributed = store is not None and "dist" in store.type
                if requested is False and distributed:
                    raise ValueError(
                        "Cannot set update_on_kvstore=False on dist kvstore when sparse "
                        "gradients are present."
                    )
                update_on_kvstore = distributed
        if requested is not None:
            update_on_kvstore = bool(requested)
        if update_on_kvstore and store is None:
            raise AttributeError(
                "Trainer: update_on_kvstore=True needs a kvstore, but this Trainer has none "
                "(kvstore=%r with parameters on %s); pass update_on_kvstore=None or False"
                % (self._kvstore_params["kvstore"], self._contexts)
            )
        if update_on_kvstore and not store.is_capable(KVStoreBase.OPTIMIZER):
            raise ValueError(
                "Please set update_on_kvstore=False when training with %s: that store "
                "cannot apply the optimizer" % type(store).__name__
            )
        if store is not None:
            if self._compression_params:
                store.set_gradient_compression(self._compression_params)
            if update_on_kvstore:
                if isinstance(store, KVStore):
                    store._set_updater(self._updaters[0])  # one set of optimizer states
                else:
                    store.set_optimizer(self._optimizer)
            self._kvstore = store
            self._update_on_kvstore = update_on_kvstore
        else:
            self._kvstore = None
            self._update_on_kvstore = None
        # horovod: MXNet's Trainer sees no "dist" in its type; here it is reduced alike
        self._distributed = store is not None and ("dist" in store.type or store.type == "horovod")
        self._kv_initialized = True
        self._start_overlap()

    def _start_overlap(self) -> None:
        """On a distributed store with dense gradients written by each backward pass,
        reduce them in buckets during backward (kvstore/overlap.py)."""
        if self._overlap is not None:
            self._overlap.close()
            self._overlap = None
        if not self._distributed or not overlap.overlap_enabled():
            return
        entries = [(i, p) for i, p in enumerate(self._params) if p.grad_req != "null"]
        usable = all(
            p.grad_req == "write" and p._stype == "default" and p._grad_stype == "default"
            for _, p in entries
        )
        if entries and usable and not any(p._deferred_init for _, p in entries):
            self._overlap = overlap.OverlappedReduction(
                self._kvstore, entries, overlap.bucket_bytes()
            )

    def _init_params(self) -> None:
        """Put the value of each newly initialized parameter in the store and broadcast it
        from its first context to the others."""
        still_deferred = []
        store = self._kvstore
        position = {id(param): i for i, param in enumerate(self._params)}
        for param in self._params_to_init:
            if param._deferred_init:
                still_deferred.append(param)
            elif store is not None:
                arrays = param._check_and_get(param._data, list)
                index = position[id(param)]
                if isinstance(store, KVStore):
                    store._store.pop(index, None)  # a reset Trainer re-initializes its keys
                store.broadcast(index, arrays[0], arrays)
        self._params_to_init = still_deferred

    def _prepare(self) -> None:
        if not self._kv_initialized:
            self._init_kvstore()
        if self._params_to_init:
            self._init_params()

    def _row_sparse_pull(self, parameter: Parameter, out: Any, row_id: NDArray) -> None:
        """Fill ``out`` (the parameter's array or arrays) with the rows ``row_id`` of the
        store's copy of ``parameter``."""
        self._prepare()
        index = self._param2idx[parameter.name]
        self._kvstore.row_sparse_pull(index, out=out, row_ids=row_id, priority=-index)

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
        if self._kvstore and self._update_on_kvstore:
            self._update_on_store(ignore_stale_grad)
            return
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
        store = self._kvstore
        if not store:
            return
        keys = [i for i, param in enumerate(self._params) if param.grad_req != "null"]
        if self._distributed and keys:  # one bucket: a collective per step, not per key
            if self._overlap is not None and self._overlap.keys == set(keys):
                self._overlap.reduce()  # buckets started during backward
                return
            grads = [self._params[i].list_grad() for i in keys]
            store.pushpull(keys, grads, priority=0)
            return
        for i in keys:
            store.pushpull(i, self._params[i].list_grad(), priority=-i)

    def _update_on_store(self, ignore_stale_grad: bool) -> None:
        """Push every gradient to the store, which updates its weight; pull the weights."""
        selected = []
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            arrays = param._check_and_get(param._data, list)
            if not ignore_stale_grad:
                for arr in arrays:
                    if not arr._fresh_grad:
                        raise UserWarning(_STALE_GRAD % (param.name, str(arr.context)))
            if any(arr._fresh_grad for arr in arrays):
                selected.append((i, param, arrays))
        store = self._kvstore
        if self._distributed:  # dense weights in one bucket: a collective per step
            dense = [(i, p, a) for i, p, a in selected if p._stype == "default"]
            if dense and self._overlap is not None:
                if self._overlap.keys == {i for i, _, _ in dense}:
                    self._overlap.reduce(out={i: a for i, _, a in dense})
                    for _, _, arrays in dense:
                        for arr in arrays:
                            arr._fresh_grad = False
                    dense = []
                else:  # some gradients are stale this step: one bucket of the fresh ones
                    self._overlap.drop()
            if dense:
                store.pushpull(
                    [i for i, _, _ in dense],
                    [p.list_grad() for _, p, _ in dense],
                    out=[a for _, _, a in dense],
                )
                for _, _, arrays in dense:
                    for arr in arrays:
                        arr._fresh_grad = False
            selected = [(i, p, a) for i, p, a in selected if p._stype != "default"]
        for i, param, arrays in selected:
            if param._stype == "default":
                store.pushpull(i, param.list_grad(), out=arrays, priority=-i)
            else:  # row-sparse weights are pulled by row_sparse_data, rows on demand
                store.push(i, param.list_grad(), priority=-i)
            for arr in arrays:
                arr._fresh_grad = False

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
        store = self._kvstore
        if self._update_on_kvstore and not isinstance(store, KVStore):
            store.save_optimizer_states(fname, dump_optimizer=True)
            return
        _write_file_atomically(fname, self._updaters[0].get_states(dump_optimizer=True))

    def load_states(self, fname: str) -> None:
        """Restore the optimizer and states written by ``save_states``."""
        self._prepare()
        store = self._kvstore
        if self._update_on_kvstore and not isinstance(store, KVStore):
            store.load_optimizer_states(fname)
            self._optimizer = store._updater.optimizer
            self._optimizer.param_dict = {i: param for i, param in enumerate(self._params)}
            return
        with open(fname, "rb") as f:
            states = f.read()
        for updater in self._updaters:
            updater.set_states(states)
            updater.optimizer = self._updaters[0].optimizer
        self._optimizer = self._updaters[0].optimizer
        self._optimizer.param_dict = {i: param for i, param in enumerate(self._params)}
