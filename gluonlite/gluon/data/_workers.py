"""DataLoader worker processes, each with its own pipe.

``multiprocessing.Pool`` sends every worker's result through one shared queue guarded by
one lock. A worker killed while it writes a large batch (the pool's own ``terminate``,
when an epoch is abandoned half-way) dies holding that lock, and the pool's shutdown then
waits for it forever. Here each worker has a private duplex pipe: batch ``k`` of an epoch
goes to worker ``k % n`` and its result is read from that worker's pipe, which keeps the
sampler's order without sequence numbers, shares no lock between processes, and lets the
reader notice a worker that died.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from typing import Any, Callable, List

# seconds between liveness checks while waiting for a batch
_POLL_S = 0.5


def _worker_loop(conn: Any, dataset: Any, batchify_fn: Callable, load: Callable) -> None:
    from ... import _core

    _core.set_num_threads(1)  # the workers are parallel already
    while True:
        try:
            samples = conn.recv()
        except (EOFError, OSError):
            return
        if samples is None:
            return
        try:
            reply = ("ok", load(dataset, samples, batchify_fn))
        except Exception as error:  # sent to the main process, raised there
            reply = ("error", error)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


class ProcessWorkers:
    """``n`` worker processes; ``submit(i, samples)`` then ``receive(i)`` in the same order."""

    def __init__(
        self, n: int, start_method: str, dataset: Any, batchify_fn: Callable, load: Callable
    ) -> None:
        context = multiprocessing.get_context(start_method)
        self._conns: List[Any] = []
        self._procs: List[Any] = []
        # batches submitted to each worker and not yet received
        self.outstanding = [0] * n
        for _ in range(n):
            parent, child = context.Pipe(duplex=True)
            # every concrete context get_context returns has Process; typeshed's BaseContext not
            proc = context.Process(  # type: ignore[attr-defined]
                target=_worker_loop, args=(child, dataset, batchify_fn, load), daemon=True
            )
            proc.start()
            child.close()
            self._conns.append(parent)
            self._procs.append(proc)

    @property
    def processes(self) -> List[Any]:
        return list(self._procs)

    def __len__(self) -> int:
        return len(self._procs)

    def submit(self, worker: int, samples: Any) -> None:
        self._conns[worker].send(samples)
        self.outstanding[worker] += 1

    def receive(self, worker: int, timeout: float, what: str) -> Any:
        """The next result of ``worker``; raises its error, a TimeoutError, or a
        RuntimeError when the worker died."""
        conn, proc = self._conns[worker], self._procs[worker]
        waited = 0.0
        while not conn.poll(min(_POLL_S, max(timeout - waited, 0.0))):
            waited += _POLL_S
            if not proc.is_alive():
                raise self._death(worker, what)
            if waited >= timeout:
                raise multiprocessing.TimeoutError(what)
        try:
            status, value = conn.recv()
        except EOFError:
            raise self._death(worker, what) from None
        self.outstanding[worker] -= 1
        if status == "error":
            raise value
        return value

    def _death(self, worker: int, what: str) -> RuntimeError:
        proc = self._procs[worker]
        proc.join(1.0)
        return RuntimeError(
            "DataLoader worker %d (pid %s) exited with code %s while loading %s; it may have "
            "been killed (e.g. out of memory)" % (worker, proc.pid, proc.exitcode, what)
        )

    def discard_outstanding(self, timeout: float) -> None:
        """Reads and drops the results of an abandoned epoch, so a new one starts clean."""
        for worker, count in enumerate(self.outstanding):
            for _ in range(count):
                try:
                    self.receive(worker, timeout, "a batch of an abandoned epoch")
                except Exception:
                    pass

    def close(self) -> None:
        """Asks the workers to stop; terminates those still busy (e.g. blocked writing a
        batch nobody will read) after a short grace period. No lock is shared, so killing
        a worker cannot wedge the others or the main process."""
        for conn in self._conns:
            try:
                conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        deadline = time.monotonic() + 0.2
        for proc in self._procs:
            proc.join(max(0.0, deadline - time.monotonic()))
        for proc in self._procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self._procs:
            proc.join(2.0)
            if proc.is_alive():
                os.kill(proc.pid, signal.SIGKILL)
                proc.join()
        for conn in self._conns:
            conn.close()
