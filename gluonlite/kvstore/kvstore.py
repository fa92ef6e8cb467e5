"""``mx.kv.KVStore``: the in-process store behind ``'local'`` and ``'device'`` (MXNet 1.9.1).

Each key holds one array: on the CPU for ``'local'``, on the device of the value given to
``init`` for ``'device'`` and ``'nccl'``. ``push`` sums the arrays given for a key (one per
device): arrays on several GPUs with one NCCL allreduce when libnccl can be loaded
(``_core.nccl_all_reduce``; the ``nccl`` extra), by copies through device memory otherwise;
then it moves the sum to the store's context and either
stores the sum or, after ``set_optimizer``, hands it to the optimizer as the gradient of the
stored weight; ``pull`` copies the stored array into every output, each on its own context.

Differences from MXNet, on purpose: work is synchronous (``priority`` is accepted and has
no effect); a shape mismatch raises at the ``push``/``pull`` that caused it, naming the key,
instead of at a later synchronization; unknown store names raise instead of silently
creating a local store; gradient compression is validated and accepted on device stores
but gradients are reduced exactly (a warning says so).
"""

from __future__ import annotations

import numbers
import os
import warnings
from typing import Any, Callable, Dict, List, Optional, Tuple

from .. import _core, autograd
from .. import optimizer as opt
from ..base import MXNetError
from ..context import Context, cpu
from ..ndarray import NDArray
from ..ndarray.utils import _atomic_write
from .base import KVStoreBase

__all__ = ["KVStore", "create"]

_CPU_STORES = ("local", "local_update_cpu", "local_allreduce_cpu")
_DEVICE_STORES = ("device", "local_allreduce_device", "nccl")
_DISTRIBUTED_PREFIXES = ("dist", "horovod", "byteps")

Pairs = List[Tuple[Any, List[NDArray]]]


def _check_name(name: str) -> None:
    if name.startswith(_DISTRIBUTED_PREFIXES):
        raise MXNetError(
            "kvstore '%s' is not served by gluonlite: its multi-process stores are "
            "'dist_sync', 'dist_device_sync' and 'horovod' (synchronous, over MPI: launch "
            "with mpirun); asynchronous updates and BytePS are not supported. Within one process "
            "use kvstore='device' or 'local'." % name
        )
    if name not in _CPU_STORES + _DEVICE_STORES:
        raise MXNetError(
            "unknown kvstore type '%s': gluonlite serves %s, and classes registered with "
            "KVStoreBase.register"
            % (name, ", ".join(repr(n) for n in _CPU_STORES + _DEVICE_STORES))
        )
    if name == "nccl" and not _core.nccl_available():
        warnings.warn(
            "kvstore 'nccl': NCCL is not available (%s); values are reduced by copies "
            "through device memory, as with kvstore='device'" % _core.nccl_unavailable_reason(),
            stacklevel=3,
        )


def _nccl_can_sum(arrays: List[NDArray]) -> bool:
    devices = [(a._device_type, a._device_id) for a in arrays]
    return (
        all(kind == 2 for kind, _ in devices)  # all on GPUs (MXNet's dev_type 2)
        and len(set(devices)) == len(devices)
        and _core.nccl_available()
    )


def _key_kind(key: Any) -> str:
    if isinstance(key, str):
        return "str"
    if isinstance(key, numbers.Integral) and not isinstance(key, bool):
        return "int"
    raise TypeError("KVStore: a key must be an int or a str, got %r" % (key,))


@KVStoreBase.register
class KVStore(KVStoreBase):
    """An in-process key-value store (``mx.kv.create('local' | 'device')``)."""

    def __init__(self, name: str = "local") -> None:
        _check_name(name)
        self._type = name
        self._on_device = name in _DEVICE_STORES
        self._store: Dict[Any, NDArray] = {}
        self._key_kind: Optional[str] = None
        self._updater: Optional[Callable[[Any, NDArray, NDArray], None]] = None
        self._compression_params: Optional[dict] = None

    # --------------------------------------------------------------- identity
    @property
    def type(self) -> str:
        """The store's name, as given to ``create``."""
        return self._type

    @property
    def rank(self) -> int:
        """This worker's rank: always 0 in one process."""
        return 0

    @property
    def num_workers(self) -> int:
        """The number of workers: always 1 in one process."""
        return 1

    def is_capable(self, capability: str) -> bool:
        """True for ``'optimizer'`` (updates on the store); ValueError for anything else."""
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return True
        raise ValueError("Unknown capability: {}".format(capability))

    # ------------------------------------------------------------ arguments
    def _pairs(self, op: str, key: Any, value: Any, what: str = "value") -> Pairs:
        """``(key, [arrays])`` for one key or a list of keys, arrays checked."""
        if isinstance(key, (list, tuple)):
            keys = list(key)
            if not isinstance(value, (list, tuple)) or len(value) != len(keys):
                raise AssertionError(
                    "KVStore.%s: %d keys need a list of %d %ss (one per key), got %s"
                    % (op, len(keys), len(keys), what, _describe(value))
                )
            values = list(value)
        else:
            keys, values = [key], [value]
        pairs: Pairs = []
        for k, v in zip(keys, values):
            kind = _key_kind(k)
            if self._key_kind is not None and kind != self._key_kind:
                raise MXNetError(
                    "KVStore.%s: key %r is an %s but this store holds %s keys; mixed key "
                    "types are not allowed" % (op, k, kind, self._key_kind)
                )
            arrays = list(v) if isinstance(v, (list, tuple)) else [v]
            if not arrays:
                raise AssertionError("KVStore.%s: key %r got an empty list of %ss" % (op, k, what))
            for arr in arrays:
                if not isinstance(arr, NDArray):
                    raise AssertionError(
                        "KVStore.%s: the %s for key %r must be an NDArray, got %s"
                        % (op, what, k, type(arr).__name__)
                    )
            pairs.append((k, arrays))
        return pairs

    def _stored(self, op: str, key: Any, arrays: List[NDArray]) -> NDArray:
        stored = self._store.get(key)
        if stored is None:
            raise MXNetError(
                "KVStore.%s: key %r has not been initialized (call kv.init(%r, value) first)"
                % (op, key, key)
            )
        for arr in arrays:
            if arr.shape != stored.shape:
                raise MXNetError(
                    "KVStore.%s: key %r holds an array of shape %s, got one of shape %s on %s"
                    % (op, key, stored.shape, arr.shape, arr.context)
                )
        return stored

    def _home(self, value: NDArray) -> Context:
        return value.context if self._on_device else cpu(0)

    # ------------------------------------------------------------ the store
    def init(self, key: Any, value: Any) -> None:
        """Store a copy of ``value`` under ``key`` (or of each value under each key)."""
        pairs = self._pairs("init", key, value)
        for k, arrays in pairs:
            if k in self._store or len(arrays) > 1:
                raise MXNetError(
                    "KVStore.init: duplicate init of key %r (%s); a key is initialized once, "
                    "by kv.init or kv.broadcast"
                    % (
                        k,
                        "already initialized"
                        if k in self._store
                        else "given %d values" % len(arrays),
                    )
                )
        with autograd.pause():
            for k, arrays in pairs:
                self._store[k] = arrays[0].copyto(self._home(arrays[0]))
                self._key_kind = _key_kind(k)

    def push(self, key: Any, value: Any, priority: int = 0) -> None:
        """Sum the arrays given for each key and store the sum, or, after ``set_optimizer``,
        update the stored value with the sum as its gradient."""
        pairs = self._pairs("push", key, value)
        stored_list = [self._stored("push", k, arrays) for k, arrays in pairs]
        with autograd.pause():
            for (k, arrays), stored in zip(pairs, stored_list):
                self._take_sum(k, self._local_sum(arrays, stored.context), stored)

    @staticmethod
    def _local_sum(arrays: List[NDArray], home: Context) -> NDArray:
        """The sum of one key's pushed arrays, on ``home``: one NCCL allreduce when they sit
        on distinct GPUs and NCCL is available, copies otherwise."""
        if len(arrays) > 1 and _nccl_can_sum(arrays):
            copies = [arr.copy() for arr in arrays]  # NCCL sums in place
            _core.nccl_all_reduce(copies)
            for arr in copies:
                if arr.context == home:
                    return arr
            return copies[0].copyto(home)
        merged = arrays[0].copyto(home)
        for arr in arrays[1:]:
            merged += arr.as_in_context(home)
        return merged

    def _take_sum(self, key: Any, merged: NDArray, stored: NDArray) -> None:
        """Store a pushed sum, or with an optimizer set, update the value with it."""
        if self._updater is not None:
            self._updater(key, merged, stored)
        else:
            self._store[key] = merged

    def pull(
        self, key: Any, out: Any = None, priority: int = 0, ignore_sparse: bool = True
    ) -> None:
        """Copy the stored value of each key into every array of ``out``."""
        if out is None:
            raise AssertionError(
                "KVStore.pull: out is required (the arrays to pull %r into)" % (key,)
            )
        pairs = self._pairs("pull", key, out, what="output")
        stored_list = [self._stored("pull", k, arrays) for k, arrays in pairs]
        with autograd.pause():
            for (_, arrays), stored in zip(pairs, stored_list):
                for arr in arrays:
                    stored.copyto(arr)

    def pushpull(self, key: Any, value: Any, out: Any = None, priority: int = 0) -> None:
        """``push(key, value)`` then ``pull(key, out)``; without ``out`` into ``value``."""
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def broadcast(self, key: Any, value: Any, out: Any, priority: int = 0) -> None:
        """``init(key, value)`` then ``pull(key, out)``."""
        self.init(key, value)
        self.pull(key, out, priority)

    def row_sparse_pull(
        self, key: Any, out: Any = None, priority: int = 0, row_ids: Any = None
    ) -> None:
        """Copy the rows ``row_ids`` of each key's stored row-sparse value into the arrays of
        ``out`` (their other rows read zero). ``row_ids``: one NDArray for all outputs, or
        one per output (a list of lists for a list of keys)."""
        from ..ndarray import sparse

        if out is None:
            raise AssertionError("KVStore.row_sparse_pull: out is required")
        if row_ids is None:
            raise AssertionError("KVStore.row_sparse_pull: row_ids is required")
        pairs = self._pairs("row_sparse_pull", key, out, what="output")
        ids_per_key = row_ids if isinstance(key, (list, tuple)) else [row_ids]
        if len(ids_per_key) != len(pairs):
            raise AssertionError(
                "KVStore.row_sparse_pull: %d keys but %d row_ids" % (len(pairs), len(ids_per_key))
            )
        with autograd.pause():
            for (k, arrays), ids in zip(pairs, ids_per_key):
                stored = self._stored("row_sparse_pull", k, arrays)
                if stored.stype != "row_sparse":
                    raise MXNetError(
                        "KVStore.row_sparse_pull: key %r holds a %s array; row_sparse_pull "
                        "reads row_sparse values only (use pull)" % (k, stored.stype)
                    )
                ids_list = list(ids) if isinstance(ids, (list, tuple)) else [ids] * len(arrays)
                if len(ids_list) != len(arrays):
                    raise AssertionError(
                        "KVStore.row_sparse_pull: key %r has %d outputs but %d row_ids"
                        % (k, len(arrays), len(ids_list))
                    )
                for arr, rows in zip(arrays, ids_list):
                    sparse.retain(stored, rows).copyto(arr)

    # ------------------------------------------------------------ optimizer
    def set_optimizer(self, optimizer: Any) -> None:
        """Update stored values with ``optimizer`` on every push (one Updater, its states
        kept per key on the store's contexts)."""
        if not isinstance(optimizer, opt.Optimizer):
            raise TypeError(
                "KVStore.set_optimizer: optimizer must be an mx.optimizer.Optimizer, got %s"
                % type(optimizer).__name__
            )
        self._set_updater(opt.get_updater(optimizer))

    def _set_updater(self, updater: Callable[[Any, NDArray, NDArray], None]) -> None:
        """Call ``updater(key, summed_value, stored_value)`` on every push."""
        self._updater = updater

    def _require_updater(self, op: str) -> Any:
        updater = self._updater
        if updater is None or not hasattr(updater, "get_states"):
            raise AssertionError(
                "KVStore.%s: this store has no optimizer (call set_optimizer first)" % op
            )
        return updater

    def save_optimizer_states(self, fname: str, dump_optimizer: bool = False) -> None:
        """Write the optimizer's states (and, with ``dump_optimizer``, the optimizer itself,
        pickled) to ``fname``, atomically."""
        payload = self._require_updater("save_optimizer_states").get_states(dump_optimizer)

        def write(fd: int) -> None:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]

        _atomic_write(fname, write)

    def load_optimizer_states(self, fname: str) -> None:
        """Restore states written by ``save_optimizer_states``. Like any pickle, load only
        files you trust."""
        updater = self._require_updater("load_optimizer_states")
        with open(fname, "rb") as f:
            updater.set_states(f.read())

    def set_gradient_compression(self, compression_params: dict) -> None:
        """Validate MXNet's ``{'type': '2bit', 'threshold': t}``; device stores accept it
        and warn that gradients are reduced exactly (no compression in one process)."""
        if not isinstance(compression_params, dict):
            raise AssertionError(
                "KVStore.set_gradient_compression: compression_params must be a dict, got %s"
                % type(compression_params).__name__
            )
        if "device" not in self._type:
            raise Exception("Gradient compression is not supported for this type of kvstore")
        if "type" not in compression_params:
            raise MXNetError(
                "KVStore.set_gradient_compression: compression_params needs a 'type' "
                "(the only one is '2bit'), got %r" % (compression_params,)
            )
        kind = compression_params["type"]
        if kind != "2bit":
            raise MXNetError("Unknown type for gradient compression %s (use '2bit')" % (kind,))
        threshold = float(compression_params.get("threshold", 0.5))
        if not threshold > 0:
            raise MXNetError(
                "KVStore.set_gradient_compression: threshold must be greater than 0, got %s"
                % (compression_params.get("threshold"),)
            )
        warnings.warn(
            "KVStore '%s': gradient compression is accepted but not applied; gluonlite "
            "reduces gradients exactly within one process" % self._type,
            stacklevel=2,
        )
        self._compression_params = dict(compression_params)

    def _barrier(self) -> None:
        """A no-op: one worker has nobody to wait for."""


def _describe(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "a %s of %d" % (type(value).__name__, len(value))
    return "one %s" % type(value).__name__


def create(name: str = "local") -> KVStoreBase:
    """A new key-value store.

    ``'local'`` keeps the values on the CPU and ``'device'`` on the device of the first value
    (``'local_update_cpu'``, ``'local_allreduce_cpu'``, ``'local_allreduce_device'`` are
    accepted as MXNet's variants of these). ``'nccl'`` works like ``'device'`` and warns that
    NCCL is not used (MXNet without NCCL raises instead). ``'dist_sync'`` and
    ``'dist_device_sync'`` are shared by MPI worker processes (see ``dist.py``), and
    ``'horovod'`` is the allreduce-only store over the same workers; the other distributed
    stores (``'dist_async'``, ``'byteps'``) raise MXNetError.
    Registered classes (``KVStoreBase.register``) are created by their lower-cased name.
    """
    if not isinstance(name, str):
        raise TypeError("name must be a string")
    name = name.lower()
    if name in KVStoreBase.kv_registry:
        return KVStoreBase.kv_registry[name]()
    from .dist import DIST_STORES, DistKVStore, HorovodKVStore

    if name in DIST_STORES:
        return DistKVStore(name)
    if name == "horovod":
        return HorovodKVStore()
    return KVStore(name)
