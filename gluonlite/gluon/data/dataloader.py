"""DataLoader (MXNet 1.x ``mxnet.gluon.data.DataLoader``): batches from a dataset.

With ``num_workers > 0`` batches are loaded in parallel by worker processes (forked, as
MXNet does on Linux, so datasets and transforms need not be picklable). A worker
batchifies into numpy arrays, which travel back through a pipe and become NDArrays in the
main process; MXNet uses shared memory and hands out ``cpu_shared(0)`` arrays instead,
gluonlite's are plain ``cpu(0)``. ``thread_pool=True`` uses threads instead of processes.
Each worker process has its own pipe (see _workers.py): abandoning an epoch half-way
cannot deadlock the shutdown, as it can with ``multiprocessing.Pool``, and a worker that
dies is reported by the next wait for its batch. The workers live as long as the
DataLoader and are stopped when it is collected or the interpreter exits. With
``auto_reload`` (MXNet's default) the next epoch's first batches are requested as soon as
an epoch ends. ``pin_memory`` is accepted and has no effect (CPU memory is already host
memory here).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import pickle
import weakref
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

import numpy as np

from ... import ndarray as nd
from ._workers import ProcessWorkers
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader", "default_batchify_fn", "default_mp_batchify_fn"]


class BatchifyError(KeyError, ValueError):
    """Samples that cannot be stacked into one batch.

    MXNet raises KeyError here (an unknown dtype); this subclass keeps that class, adds
    ValueError (what it really is) and prints its message unquoted.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _stack_plain(data: Sequence[Any]) -> np.ndarray:
    """Samples that are numbers, numpy arrays or lists as one numpy array (MXNet dtypes)."""
    try:
        batch = np.asarray(data)
    except ValueError:
        batch = None
    if batch is None or batch.dtype == object:
        shapes = [np.shape(x) for x in data]
        differing = next((i for i, s in enumerate(shapes) if s != shapes[0]), None)
        if differing is not None:
            raise BatchifyError(
                "default_batchify_fn cannot stack samples of different shapes: "
                "sample 0 has shape %s, sample %d has %s; pad them or pass a "
                "batchify_fn" % (shapes[0], differing, shapes[differing])
            )
        raise BatchifyError(
            "default_batchify_fn cannot stack samples of type %s; pass a "
            "batchify_fn" % type(data[0]).__name__
        )
    if batch.dtype.kind in "USV":
        raise BatchifyError(
            "default_batchify_fn cannot stack samples of type %s (dtype %s); "
            "pass a batchify_fn" % (type(data[0]).__name__, batch.dtype)
        )
    return batch


def default_batchify_fn(data: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch.

    NDArrays are stacked, tuples are batched field by field into a list, anything else
    goes through ``numpy.asarray`` and keeps numpy's dtype (Python ints give int64,
    Python floats float64, as in MXNet).
    """
    if isinstance(data[0], nd.NDArray):
        return _np_if_on(nd.stack(*data))
    if isinstance(data[0], tuple):
        return [default_batchify_fn(list(field)) for field in zip(*data)]
    batch = _stack_plain(data)
    return _np_if_on(nd.array(batch, dtype=batch.dtype))


def _np_if_on(batch: nd.NDArray) -> nd.NDArray:
    """``batch`` as an ``mx.np.ndarray`` (no copy) in NumPy mode (``npx.set_np()``), as MXNet."""
    from ...numpy_extension import _state

    if _state.np_array():
        from ...numpy.multiarray import ndarray

        return ndarray(batch)
    return batch


def default_mp_batchify_fn(data: Sequence[Any]) -> Any:
    """``default_batchify_fn`` for worker processes: numpy arrays, made NDArrays later."""
    if isinstance(data[0], nd.NDArray):
        return np.stack([x.asnumpy() for x in data])
    if isinstance(data[0], tuple):
        return [default_mp_batchify_fn(list(field)) for field in zip(*data)]
    return _stack_plain(data)


def _as_ndarrays(batch: Any) -> Any:
    """The main-process half of ``default_mp_batchify_fn``: numpy arrays become NDArrays."""
    if isinstance(batch, np.ndarray):
        return _np_if_on(nd.array(batch, dtype=batch.dtype))
    if isinstance(batch, list):
        return [_as_ndarrays(field) for field in batch]
    return batch


# ---- worker side ------------------------------------------------------------------------------


def _reraise_with_index(error: BaseException, where: str) -> None:
    """Re-raise ``error`` as the same class, its message naming what was being loaded."""
    message = "DataLoader worker (pid %d) failed while loading %s: %s" % (os.getpid(), where, error)
    try:
        renamed = type(error)(message)
        pickle.loads(pickle.dumps(renamed))  # must survive the trip to the main process
    except Exception:
        renamed = RuntimeError("%s: %s" % (type(error).__name__, message))
    raise renamed from error


def _load_batch(dataset: Any, samples: List[Any], batchify_fn: Callable) -> Any:
    items = []
    for index in samples:
        try:
            items.append(dataset[index])
        except Exception as error:
            _reraise_with_index(error, "dataset[%r]" % (index,))
    try:
        return batchify_fn(items)
    except Exception as error:
        _reraise_with_index(error, "the batch of samples %r" % (samples,))


# ---- main side --------------------------------------------------------------------------------


def _start_method() -> str:
    # fork shares the dataset without pickling (lambdas in transforms work), as in MXNet
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


class _MultiWorkerIter:
    """Keeps ``prefetch`` batches in flight and yields them in sampler order.

    A running iterator keeps its loader alive (``iter(DataLoader(...))`` must work: the
    loader's collection stops the workers). The next epoch's iterator that ``auto_reload``
    parks in the loader does not, until it is handed out: a reference back from there
    would make a cycle that delays the workers' shutdown until a garbage collection.
    """

    def __init__(self, loader: "DataLoader") -> None:
        self._keepalive: Optional["DataLoader"] = loader
        self._pool = loader._pool
        self._thread_pool = loader._thread_pool
        self._dataset = loader._dataset
        self._batchify_fn = loader._batchify_fn
        self._timeout = loader._timeout
        self._convert_numpy = loader._convert_numpy
        self._reload = weakref.ref(loader) if loader._auto_reload else None
        self._batches = iter(loader._batch_sampler)
        self._pending: Dict[int, Any] = {}
        self._samples: Dict[int, List[Any]] = {}
        self._sent = 0
        self._received = 0
        if not self._thread_pool:
            # an abandoned epoch's batches are still in the workers' pipes
            self._pool.discard_outstanding(self._timeout)
        for _ in range(loader._prefetch):
            self._push_next()

    def _push_next(self) -> None:
        samples = next(self._batches, None)
        if samples is None:
            return
        if self._thread_pool:
            pending = self._pool.apply_async(
                _load_batch, (self._dataset, samples, self._batchify_fn)
            )
        else:
            pending = self._sent % len(self._pool)
            self._pool.submit(pending, samples)
        self._pending[self._sent] = pending
        self._samples[self._sent] = samples
        self._sent += 1

    def __next__(self) -> Any:
        self._push_next()
        if self._received == self._sent:
            loader = self._reload() if self._reload is not None else None
            if loader is not None and loader._pool is self._pool:
                parked = _MultiWorkerIter(loader)  # MXNet's auto_reload
                parked._keepalive = None
                loader._prefetched = parked
            self._reload = None
            self._keepalive = None
            raise StopIteration
        pending = self._pending.pop(self._received)
        samples = self._samples.pop(self._received)
        self._received += 1
        try:
            if self._thread_pool:
                batch = pending.get(self._timeout)
            else:
                what = "the batch of samples %r" % (samples,)
                batch = self._pool.receive(pending, self._timeout, what)
        except multiprocessing.TimeoutError:
            raise multiprocessing.TimeoutError(
                "DataLoader worker took longer than timeout=%s s to load the batch of samples "
                "%r. A slow transform needs a larger timeout; a worker that died (killed, out "
                "of memory) never answers." % (self._timeout, samples)
            ) from None
        if self._convert_numpy:
            batch = _as_ndarrays(batch)
        return batch

    def __iter__(self) -> "_MultiWorkerIter":
        return self


class DataLoader:
    """Loads batches of ``dataset`` in ``sampler`` order (MXNet 1.x signature).

    Give ``batch_size`` (with ``shuffle``, ``sampler`` and ``last_batch``) or a complete
    ``batch_sampler``. ``num_workers > 0`` loads in that many processes (threads with
    ``thread_pool=True``), keeping ``prefetch`` batches (default ``2 * num_workers``) in
    flight; ``timeout`` bounds the wait for one batch.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: Optional[int] = None,
        shuffle: bool = False,
        sampler: Any = None,
        last_batch: Optional[str] = None,
        batch_sampler: Any = None,
        batchify_fn: Optional[Callable] = None,
        num_workers: int = 0,
        pin_memory: bool = False,
        pin_device_id: int = 0,
        prefetch: Optional[int] = None,
        thread_pool: bool = False,
        timeout: float = 120,
        try_nopython: Any = None,
        auto_reload: bool = True,
    ) -> None:
        self._pool: Any = None
        self._prefetched: Optional[_MultiWorkerIter] = None
        self._auto_reload = bool(auto_reload)
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._timeout = timeout
        self._thread_pool = thread_pool
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError("batch_size must be specified unless batch_sampler is specified")
            if sampler is None:
                sampler = (
                    RandomSampler(len(dataset)) if shuffle else SequentialSampler(len(dataset))
                )
            elif shuffle:
                raise ValueError("shuffle must not be specified if sampler is specified")
            batch_sampler = BatchSampler(sampler, batch_size, last_batch if last_batch else "keep")
        elif batch_size is not None or shuffle or sampler is not None or last_batch is not None:
            raise ValueError(
                "batch_size, shuffle, sampler and last_batch must not be "
                "specified if batch_sampler is specified."
            )
        self._batch_sampler = batch_sampler
        self._num_workers = num_workers if num_workers >= 0 else 0
        self._prefetch = max(0, int(prefetch) if prefetch is not None else 2 * self._num_workers)
        # Worker processes send numpy back; the default batchify is split in two halves.
        self._convert_numpy = batchify_fn is None and self._num_workers > 0 and not thread_pool
        if batchify_fn is None:
            batchify_fn = default_mp_batchify_fn if self._convert_numpy else default_batchify_fn
        self._batchify_fn = batchify_fn

    def _ensure_pool(self) -> None:
        if self._pool is not None:
            return
        if self._thread_pool:
            self._pool = multiprocessing.pool.ThreadPool(self._num_workers)
        else:
            self._pool = ProcessWorkers(
                self._num_workers, _start_method(), self._dataset, self._batchify_fn, _load_batch
            )
        # stop the workers when the loader is collected, or at exit at the latest
        closer = self._pool.terminate if self._thread_pool else self._pool.close
        self._finalizer = weakref.finalize(self, closer)

    def __iter__(self) -> Iterator[Any]:
        if self._num_workers == 0:
            return self._same_process_iter()
        self._ensure_pool()
        prefetched, self._prefetched = self._prefetched, None
        if prefetched is None:
            return _MultiWorkerIter(self)
        prefetched._keepalive = self
        return prefetched

    def _same_process_iter(self) -> Iterator[Any]:
        for samples in self._batch_sampler:
            yield self._batchify_fn([self._dataset[index] for index in samples])

    def __len__(self) -> int:
        return len(self._batch_sampler)

    def close(self) -> None:
        """Terminate the worker processes now (they are also ended on collection and exit)."""
        if self._pool is not None:
            self._prefetched = None
            self._finalizer()
            self._pool = None
