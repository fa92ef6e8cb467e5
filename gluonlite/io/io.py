"""Data descriptions, batches and the iterator protocol of MXNet 1.x's ``mx.io``.

``DataIter`` is the base of every iterator: ``next()`` returns a ``DataBatch`` built from
``iter_next()`` / ``getdata()`` / ``getlabel()`` / ``getpad()`` / ``getindex()``, and raises
``StopIteration`` at the end of an epoch; ``reset()`` starts the next one. ``ResizeIter``
and ``PrefetchingIter`` wrap other iterators.
"""

from __future__ import annotations

import threading
from collections import namedtuple
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy

__all__ = ["DataDesc", "DataBatch", "DataIter", "ResizeIter", "PrefetchingIter"]


class DataDesc(namedtuple("DataDesc", ["name", "shape"])):
    """Name and shape of one input (a ``(name, shape)`` tuple) plus its dtype and layout.

    ``layout`` says what the axes of ``shape`` mean: ``'NCHW'`` for images, ``'NTC'`` for
    sequences; the ``'N'`` axis is the batch axis. Equality and indexing see only
    ``(name, shape)``, as in MXNet.
    """

    dtype: Any
    layout: str

    def __new__(
        cls, name: str, shape: Any, dtype: Any = numpy.float32, layout: str = "NCHW"
    ) -> "DataDesc":
        desc = super().__new__(cls, name, shape)
        desc.dtype = dtype
        desc.layout = layout
        return desc

    def __repr__(self) -> str:
        return "DataDesc[%s,%s,%s,%s]" % (self.name, self.shape, self.dtype, self.layout)

    @staticmethod
    def get_batch_axis(layout: Optional[str]) -> int:
        """The batch axis of ``layout`` (the position of ``'N'``; 0 when layout is None)."""
        if layout is None:
            return 0
        return layout.find("N")

    @staticmethod
    def get_list(
        shapes: Sequence[Tuple[str, Any]], types: Optional[Sequence[Tuple[str, Any]]]
    ) -> List["DataDesc"]:
        """DataDescs from ``[(name, shape), ...]`` and optionally ``[(name, dtype), ...]``."""
        if types is None:
            return [DataDesc(name, shape) for name, shape in shapes]
        dtype_of = dict(types)
        return [DataDesc(name, shape, dtype_of[name]) for name, shape in shapes]


class DataBatch:
    """One batch: lists of data and label arrays, the padding count and sample indices.

    ``pad`` is how many samples at the end of the batch are filler (to be ignored in
    prediction).
    """

    def __init__(
        self,
        data: Optional[Sequence[Any]],
        label: Optional[Sequence[Any]] = None,
        pad: Optional[int] = None,
        index: Any = None,
        bucket_key: Any = None,
        provide_data: Optional[List[DataDesc]] = None,
        provide_label: Optional[List[DataDesc]] = None,
    ) -> None:
        if data is not None:
            assert isinstance(data, (list, tuple)), "Data must be list of NDArrays"
        if label is not None:
            assert isinstance(label, (list, tuple)), "Label must be list of NDArrays"
        self.data = data
        self.label = label
        self.pad = pad
        self.index = index
        self.bucket_key = bucket_key
        self.provide_data = provide_data
        self.provide_label = provide_label

    def __str__(self) -> str:
        # a batch without data fails here with TypeError, as in MXNet
        data_shapes = [d.shape for d in self.data]  # type: ignore[union-attr]
        label_shapes = [lab.shape for lab in self.label] if self.label else None
        return "{}: data shapes: {} label shapes: {}".format(
            self.__class__.__name__, data_shapes, label_shapes
        )


class DataIter:
    """Base class of the data iterators (a Python iterator over ``DataBatch``)."""

    def __init__(self, batch_size: int = 0) -> None:
        self.batch_size = batch_size

    def __iter__(self) -> "DataIter":
        return self

    def reset(self) -> None:
        """Go back to the beginning of the data."""

    def next(self) -> DataBatch:
        """The next batch; raises ``StopIteration`` at the end of the epoch."""
        if self.iter_next():
            return DataBatch(
                data=self.getdata(),
                label=self.getlabel(),
                pad=self.getpad(),
                index=self.getindex(),
            )
        raise StopIteration

    def __next__(self) -> DataBatch:
        return self.next()

    def iter_next(self) -> Optional[bool]:
        """Move to the next batch; False (or None in this base class) at the end."""
        return None

    def getdata(self) -> Optional[List[Any]]:
        """The data arrays of the current batch."""
        return None

    def getlabel(self) -> Optional[List[Any]]:
        """The label arrays of the current batch."""
        return None

    def getindex(self) -> Any:
        """The sample indices of the current batch (None when not tracked)."""
        return None

    def getpad(self) -> Optional[int]:
        """How many samples at the end of the current batch are padding."""
        return None


class _CurrentBatchIter(DataIter):
    """An iterator whose ``iter_next`` stores ``current_batch``; the getters read it."""

    current_batch: Optional[DataBatch] = None

    def _batch(self) -> DataBatch:
        # the getters are called after iter_next() has stored a batch
        assert self.current_batch is not None, "no current batch: call iter_next() first"
        return self.current_batch

    def getdata(self) -> Any:
        return self._batch().data

    def getlabel(self) -> Any:
        return self._batch().label

    def getindex(self) -> Any:
        return self._batch().index

    def getpad(self) -> Any:
        return self._batch().pad


class ResizeIter(_CurrentBatchIter):
    """Present ``data_iter`` as ``size`` batches per epoch, restarting it when it runs out.

    With ``reset_internal=False``, ``reset()`` keeps the wrapped iterator's position, so
    the next epoch continues where this one stopped.
    """

    def __init__(self, data_iter: DataIter, size: int, reset_internal: bool = True) -> None:
        super().__init__()
        self.data_iter = data_iter
        self.size = size
        self.reset_internal = reset_internal
        self.cur = 0
        self.current_batch: Optional[DataBatch] = None
        # the iterators define provide_data/provide_label; the DataIter base does not (as in MXNet)
        self.provide_data = data_iter.provide_data  # type: ignore[attr-defined]
        self.provide_label = data_iter.provide_label  # type: ignore[attr-defined]
        self.batch_size = data_iter.batch_size
        if hasattr(data_iter, "default_bucket_key"):
            self.default_bucket_key = data_iter.default_bucket_key

    def reset(self) -> None:
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self) -> bool:
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True


class _Fetcher:
    """A thread that reads the next batch of one iterator ahead of time."""

    def __init__(self, data_iter: DataIter) -> None:
        self.data_iter = data_iter
        self.batch: Optional[DataBatch] = None
        self.error: Optional[BaseException] = None
        self.running = True
        self.wanted = threading.Event()
        self.ready = threading.Event()
        self.wanted.set()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            self.wanted.wait()
            self.wanted.clear()
            if not self.running:
                return
            try:
                self.batch, self.error = self.data_iter.next(), None
            except StopIteration:
                self.batch, self.error = None, None
            except BaseException as err:  # handed to the consumer, who re-raises it
                self.batch, self.error = None, err
            self.ready.set()

    def take(self) -> Optional[DataBatch]:
        """The prefetched batch (None at the end); starts fetching the next one."""
        self.ready.wait()
        self.ready.clear()
        batch, error = self.batch, self.error
        self.wanted.set()
        if error is not None:
            raise error
        return batch

    def peek(self) -> Optional[DataBatch]:
        """The prefetched batch without consuming it."""
        self.ready.wait()
        if self.error is not None:
            raise self.error
        return self.batch

    def restart(self) -> None:
        """Reset the iterator once the pending fetch is done, then prefetch again."""
        self.ready.wait()
        self.ready.clear()
        self.data_iter.reset()
        self.wanted.set()

    def stop(self) -> None:
        self.running = False
        self.wanted.set()
        self.thread.join(timeout=10)


def _renamed(descs: List[Any], renames: Optional[Dict[str, str]]) -> List[DataDesc]:
    if renames is None:
        return list(descs)
    out = []
    for desc in descs:
        if not isinstance(desc, DataDesc):
            desc = DataDesc(*desc)
        if desc.name not in renames:
            raise KeyError(
                "PrefetchingIter: no new name for %r in the rename map %r" % (desc.name, renames)
            )
        out.append(DataDesc(renames[desc.name], desc.shape, desc.dtype, desc.layout))
    return out


class PrefetchingIter(_CurrentBatchIter):
    """Reads the next batch of one or several iterators on background threads.

    The batches of the iterators are joined (data after data, label after label);
    ``rename_data`` / ``rename_label`` hold one ``{old_name: new_name}`` dict per iterator.
    An exception raised by a wrapped iterator is re-raised by ``next()`` (MXNet's thread
    dies and the caller hangs).
    """

    def __init__(
        self,
        iters: Union[DataIter, List[DataIter]],
        rename_data: Optional[List[Dict[str, str]]] = None,
        rename_label: Optional[List[Dict[str, str]]] = None,
    ) -> None:
        super().__init__()
        if not isinstance(iters, list):
            iters = [iters]
        assert iters, "PrefetchingIter needs at least one iterator"
        self.n_iter = len(iters)
        self.iters = iters
        self.rename_data = rename_data
        self.rename_label = rename_label
        self.batch_size = self.provide_data[0][1][0]
        self.current_batch: Optional[DataBatch] = None
        self._fetchers = [_Fetcher(it) for it in iters]

    def __del__(self) -> None:
        for fetcher in getattr(self, "_fetchers", []):
            fetcher.stop()

    def _joined(self, attr: str, renames: Optional[List[Dict[str, str]]]) -> List[DataDesc]:
        if renames is None:
            return sum((list(getattr(it, attr)) for it in self.iters), [])
        return sum(
            (_renamed(getattr(it, attr), names) for names, it in zip(renames, self.iters)), []
        )

    @property
    def provide_data(self) -> List[DataDesc]:
        return self._joined("provide_data", self.rename_data)

    @property
    def provide_label(self) -> List[DataDesc]:
        return self._joined("provide_label", self.rename_label)

    def reset(self) -> None:
        for fetcher in self._fetchers:
            fetcher.restart()

    def iter_next(self) -> bool:
        pending = [fetcher.peek() for fetcher in self._fetchers]
        if pending[0] is None:
            assert all(b is None for b in pending), "Number of entry mismatches between iterators"
            return False
        for batch in pending:
            assert batch is not None and batch.pad == pending[0].pad, (
                "Number of entry mismatches between iterators"
            )
        batches: List[DataBatch] = []
        for fetcher in self._fetchers:
            batch = fetcher.take()
            assert batch is not None and batch.data is not None  # peeked above
            batches.append(batch)
        self.current_batch = DataBatch(
            sum((list(b.data or []) for b in batches), []),
            sum((list(b.label or []) for b in batches), []),
            batches[0].pad,
            batches[0].index,
            provide_data=self.provide_data,
            provide_label=self.provide_label,
        )
        return True

    def next(self) -> DataBatch:
        if self.iter_next():
            return self._batch()
        raise StopIteration
