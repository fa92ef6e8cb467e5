"""``npx.save`` / ``npx.load``: MXNet's ``.params`` format with V3 (NumPy-shape) records.

The core writes V2 records; a V3 record has the same layout (MXNet 1.9.1 writes a 0-d
array as ndim 0 followed by its context, dtype and one element, which is what the V2 writer
emits too), so the V3 file is the V2 bytes with each record's magic changed. The reader
(``nd.load``) reads both.
"""

from __future__ import annotations

import os
import struct
from typing import Any

from .. import _core
from ..base import MXNetError
from ..ndarray import utils as _nd_utils
from ..ndarray.ndarray import NDArray

__all__ = ["save", "load"]

_V2_MAGIC, _V3_MAGIC = 0xF993FAC9, 0xF993FACA
_HEADER = 24  # file magic, reserved, array count (uint64 each)
_ITEMSIZE = {0: 4, 1: 8, 2: 2, 3: 1, 4: 4, 5: 1, 6: 8, 7: 1, 8: 2, 9: 2, 10: 4, 11: 8, 12: 2}


def _as_v3(blob: bytes) -> bytes:
    """The V2 ``.params`` bytes ``blob`` with every record marked V3."""
    data = bytearray(blob)
    (count,) = struct.unpack_from("<Q", data, 16)
    pos = _HEADER
    for _ in range(count):
        (magic,) = struct.unpack_from("<I", data, pos)
        if magic != _V2_MAGIC:
            raise MXNetError(f"npx.save: unexpected record magic {magic:#x} at byte {pos}")
        struct.pack_into("<I", data, pos, _V3_MAGIC)
        (ndim,) = struct.unpack_from("<i", data, pos + 8)  # after magic and stype
        pos += 12
        dims = struct.unpack_from("<%dq" % ndim, data, pos) if ndim > 0 else ()
        pos += 8 * max(ndim, 0)
        if ndim < 0:
            continue
        (type_flag,) = struct.unpack_from("<i", data, pos + 8)  # after dev_type, dev_id
        pos += 12
        size = 1
        for d in dims:
            size *= d
        pos += size * _ITEMSIZE[type_flag]
    return bytes(data)


def _flatten(arr: Any):
    if isinstance(arr, NDArray):
        return [arr], []
    if isinstance(arr, dict):
        for k, v in arr.items():
            if not isinstance(k, str) or not isinstance(v, NDArray):
                raise TypeError(
                    "npx.save: a dict must map str to ndarray, got "
                    f"{type(k).__name__} -> {type(v).__name__}"
                )
        return list(arr.values()), list(arr.keys())
    if isinstance(arr, (list, tuple)):
        for i, v in enumerate(arr):
            if not isinstance(v, NDArray):
                raise TypeError(f"npx.save: item {i} is a {type(v).__name__}, not an ndarray")
        return list(arr), []
    raise TypeError(f"npx.save: arr must be an ndarray, a list or a dict, got {type(arr).__name__}")


def save(file: Any, arr: Any) -> None:
    """Saves an ndarray, a list or a str->ndarray dict as V3 (NumPy-shape) records, which
    MXNet 1.9.1 loads after ``npx.set_np()``. Written atomically, as ``nd.save``."""
    arrays, names = _flatten(arr)
    blob = _as_v3(_core.params_save_bytes(arrays, names))
    path = _nd_utils._path_of(file, "npx.save")

    def write(fd: int) -> None:
        view = memoryview(blob)
        while view:
            view = view[os.write(fd, view) :]

    _nd_utils._atomic_write(path, write)


def load(file: Any, ctx=None):
    """Loads a ``.params`` file (any record version) as ``mx.np.ndarray``s: a dict when it
    has names, else a list."""
    from ..numpy.multiarray import ndarray

    loaded = _nd_utils.load(file, ctx)
    if isinstance(loaded, dict):
        return {k: (None if v is None else ndarray(v)) for k, v in loaded.items()}
    return [None if v is None else ndarray(v) for v in loaded]
