"""``NDArrayIter``: batches over in-memory arrays (NDArray, numpy, lists or dicts of them).

Follows MXNet 1.9.1 step for step, including its ``last_batch_handle`` modes:

* ``'pad'``: the last batch is filled up with samples from the start of the data; its
  ``pad`` says how many.
* ``'discard'``: an incomplete last batch is dropped.
* ``'roll_over'``: the samples of an incomplete last batch open the next epoch after
  ``reset()``: that first batch holds them followed by the new epoch's first samples, and
  its ``pad`` is the number of rolled-over samples.

Shuffling permutes the arrays in place on every ``reset()`` with ``numpy.random.shuffle``
(so ``numpy.random.seed`` makes it repeat, as in MXNet).

Deliberate differences from MXNet: arrays keep their dtype when shuffled (MXNet turns
them into float32); the batch axis is the ``'N'`` of ``layout`` for every step (MXNet
counts samples along axis 0 whatever the layout); a data or label array with fewer samples
than the first data array, a ``batch_size`` below 1, an unknown ``last_batch_handle`` and
``'roll_over'`` with ``batch_size`` above the number of samples raise at construction
(MXNet returns short batches, fails later in C++ or treats the mode as ``'discard'``).
h5py datasets and sparse arrays are not supported.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Dict, List, Optional, Tuple

import numpy

from ..base import MXNetError, MXNetValueError
from ..ndarray import NDArray, array, concat, slice_axis, take
from .io import DataBatch, DataDesc, DataIter

__all__ = ["NDArrayIter"]

_LAST_BATCH_HANDLES = ("pad", "discard", "roll_over")


def _init_data(data: Any, allow_empty: bool, default_name: str) -> List[Tuple[str, NDArray]]:
    """``[(name, NDArray), ...]`` sorted by name, from an array, a list or a dict of arrays.

    A single array is named ``default_name``; the i-th array of a list of several is named
    ``'_%d_' % i + default_name``.
    """
    if data is None:
        assert allow_empty, "NDArrayIter needs data: got None"
        data = []
    if isinstance(data, (numpy.ndarray, NDArray)):
        data = [data]
    if isinstance(data, list):
        assert allow_empty or data, "NDArrayIter needs data: got an empty list"
        if len(data) == 1:
            data = OrderedDict([(default_name, data[0])])
        else:
            data = OrderedDict(("_%d_%s" % (i, default_name), d) for i, d in enumerate(data))
    if not isinstance(data, dict):
        raise TypeError(
            "Input must be NDArray, numpy.ndarray, h5py.Dataset "
            "a list of them or dict with them as values"
        )
    converted: Dict[str, NDArray] = {}
    for name, value in data.items():
        if isinstance(value, NDArray):
            converted[name] = value
            continue
        try:
            converted[name] = array(value)
        except Exception:
            raise TypeError(
                "Invalid type '%s' for %s, should be NDArray, numpy.ndarray or h5py.Dataset"
                % (type(value), name)
            ) from None
    return sorted(converted.items())


class NDArrayIter(DataIter):
    """Iterate over arrays in batches of ``batch_size`` samples.

    ``data`` and ``label`` are an array, a list of arrays or a dict name -> array; the
    sources are served in name order (``provide_data`` / ``provide_label`` describe them).
    """

    def __init__(
        self,
        data: Any,
        label: Any = None,
        batch_size: int = 1,
        shuffle: bool = False,
        last_batch_handle: str = "pad",
        data_name: str = "data",
        label_name: str = "softmax_label",
        layout: str = "NCHW",
    ) -> None:
        super().__init__(batch_size)
        if last_batch_handle not in _LAST_BATCH_HANDLES:
            raise ValueError(
                "NDArrayIter: last_batch_handle must be one of %s; got %r"
                % (", ".join(repr(h) for h in _LAST_BATCH_HANDLES), last_batch_handle)
            )
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, numpy.integer)):
            raise TypeError("NDArrayIter: batch_size must be an int; got %r" % (batch_size,))
        if batch_size < 1:
            raise MXNetValueError("NDArrayIter: batch_size must be at least 1; got %d" % batch_size)
        if not isinstance(layout, str) or "N" not in layout:
            raise ValueError("NDArrayIter: layout must name the batch axis 'N'; got %r" % layout)
        self.layout = layout
        self.data = _init_data(data, allow_empty=False, default_name=data_name)
        self.label = _init_data(label, allow_empty=True, default_name=label_name)
        axis = self._batch_axis
        first_name, first = self.data[0]
        if first.ndim <= axis:
            raise ValueError(
                "NDArrayIter: %s has shape %s, without the batch axis %d of layout %r"
                % (first_name, first.shape, axis, layout)
            )
        self.num_data = first.shape[axis]
        for name, value in self.data + self.label:
            if value.ndim <= axis or value.shape[axis] < self.num_data:
                raise ValueError(
                    "NDArrayIter: %s has shape %s, fewer than the %d samples of %s along "
                    "the batch axis %d" % (name, value.shape, self.num_data, first_name, axis)
                )
        if last_batch_handle == "roll_over" and batch_size > self.num_data:
            raise ValueError(
                "NDArrayIter: 'roll_over' needs batch_size (%d) <= the number of samples (%d)"
                % (batch_size, self.num_data)
            )
        self.idx = numpy.arange(self.num_data)
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self.batch_size = batch_size
        self.cursor = -batch_size
        # roll_over: the samples of the incomplete last batch, per source
        self._cache_data: Optional[List[NDArray]] = None
        self._cache_label: Optional[List[NDArray]] = None
        self.reset()
        self.data_list = [v for _, v in self.data] + [v for _, v in self.label]
        self.num_source = len(self.data_list)

    @property
    def _batch_axis(self) -> int:
        return self.layout.find("N")

    def _describe(self, sources: List[Tuple[str, NDArray]]) -> List[DataDesc]:
        axis = self._batch_axis
        return [
            DataDesc(
                name,
                tuple(value.shape[:axis]) + (self.batch_size,) + tuple(value.shape[axis + 1 :]),
                value.dtype,
                layout=self.layout,
            )
            for name, value in sources
        ]

    @property
    def provide_data(self) -> List[DataDesc]:
        """Name, batch shape, dtype and layout of each data source."""
        return self._describe(self.data)

    @property
    def provide_label(self) -> List[DataDesc]:
        """Name, batch shape, dtype and layout of each label source."""
        return self._describe(self.label)

    def hard_reset(self) -> None:
        """Back to the start, dropping any rolled-over samples."""
        if self.shuffle:
            self._shuffle_data()
        self.cursor = -self.batch_size
        self._cache_data = None
        self._cache_label = None

    def _in_rolled_batch(self) -> bool:
        return self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0

    def reset(self) -> None:
        """Back to the start of the data (reshuffled when ``shuffle``).

        With ``'roll_over'``, an incomplete last batch is kept to open the next epoch.
        """
        rolls = (
            self.last_batch_handle == "roll_over"
            and self.num_data - self.batch_size < self.cursor < self.num_data
        )
        if rolls:  # the leftover is taken before the data are reshuffled
            self._cache_data = self._slice(self.data, self.cursor, self.num_data)
            self._cache_label = self._slice(self.label, self.cursor, self.num_data)
        if self.shuffle:
            self._shuffle_data()
        if rolls:
            # cursor + batch_size is then the number of new samples the first batch needs
            self.cursor = self.cursor - self.num_data - self.batch_size
        else:
            self.cursor = -self.batch_size

    def iter_next(self) -> bool:
        """Advance by one batch; False once the data are exhausted."""
        self.cursor += self.batch_size
        return self.cursor < self.num_data

    def next(self) -> DataBatch:
        """The next full batch; an incomplete last batch ends the epoch instead."""
        if not self.iter_next():
            raise StopIteration
        data = self.getdata()
        label = self.getlabel()
        if data[0].shape[self._batch_axis] != self.batch_size:
            raise StopIteration
        return DataBatch(data=data, label=label, pad=self.getpad(), index=None)

    def _slice(self, sources: List[Tuple[str, NDArray]], start: int, end: int) -> List[NDArray]:
        axis = self._batch_axis
        return [slice_axis(value, axis=axis, begin=start, end=end) for _, value in sources]

    def _batchify(self, sources: List[Tuple[str, NDArray]], cache: Optional[List[NDArray]]):
        if self.cursor >= self.num_data:
            raise MXNetError("NDArrayIter: the data are exhausted; call reset()")
        axis = self._batch_axis
        if self._in_rolled_batch():
            if cache is None:
                raise MXNetError("NDArrayIter: no rolled-over samples to open this epoch")
            fresh = self._slice(sources, 0, self.cursor + self.batch_size)
            return [concat(old, new, dim=axis) for old, new in zip(cache, fresh)]
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            # the tail of the data, then samples from the start (cyclically) to fill up
            wrap = numpy.arange(self.cursor, self.cursor + self.batch_size) % self.num_data
            return [
                take(value, array(wrap, ctx=value.context, dtype="int64"), axis=axis)
                for _, value in sources
            ]
        end = min(self.cursor + self.batch_size, self.num_data)
        return self._slice(sources, self.cursor, end)

    def getdata(self) -> List[NDArray]:
        """The data arrays of the current batch."""
        return self._batchify(self.data, self._cache_data)

    def getlabel(self) -> List[NDArray]:
        """The label arrays of the current batch."""
        return self._batchify(self.label, self._cache_label)

    def getpad(self) -> int:
        """Padding samples in the current batch (rolled-over samples for 'roll_over')."""
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            return self.cursor + self.batch_size - self.num_data
        if self._in_rolled_batch():
            return -self.cursor
        return 0

    def _shuffle_data(self) -> None:
        # The same steps as MXNet, so numpy.random.seed reproduces its order: shuffle the
        # index in place, then permute the current (already shuffled) arrays by it.
        numpy.random.shuffle(self.idx)
        self.data = self._permuted(self.data)
        self.label = self._permuted(self.label)

    def _permuted(self, sources: List[Tuple[str, NDArray]]) -> List[Tuple[str, NDArray]]:
        axis = self._batch_axis
        out = []
        for name, value in sources:
            host = numpy.take(value.asnumpy(), self.idx, axis=axis)
            out.append((name, array(host, ctx=value.context, dtype=value.dtype)))
        return out
