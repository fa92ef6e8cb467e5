"""Data iterators (MXNet 1.x ``mxnet.io``, reached as ``mx.io``).

``DataDesc``, ``DataBatch``, the ``DataIter`` protocol, ``NDArrayIter`` over in-memory
arrays, ``ResizeIter`` and ``PrefetchingIter``. The C++-backed iterators of MXNet
(``MXDataIter``, ``CSVIter``, ``ImageRecordIter``, ...) are not provided.
"""

from . import io, ndarray_iter  # noqa: F401 (submodules, as MXNet's mx.io.io)
from .io import DataBatch, DataDesc, DataIter, PrefetchingIter, ResizeIter
from .ndarray_iter import NDArrayIter

__all__ = ["DataDesc", "DataBatch", "DataIter", "NDArrayIter", "ResizeIter", "PrefetchingIter"]
