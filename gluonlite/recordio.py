"""RecordIO files (MXNet 1.x ``mxnet.recordio``), byte-compatible with MXNet's ``.rec``/``.idx``.

The layout (dmlc-core's RecordIO) is a sequence of little-endian chunks::

    uint32 magic 0xced7230a | uint32 lrec = cflag << 29 | length | payload | 0-3 zero bytes

so every chunk starts on a 4-byte boundary. A payload that itself holds the magic word at a
4-byte-aligned offset is cut there into parts (cflag 1 = first, 2 = middle, 3 = last; 0 = a
whole record) and the magic word is left out: a reader that scans for the magic to resync
never mistakes payload bytes for a chunk start. The reader puts the magic words back.

``IRHeader``/``pack``/``unpack`` add MXNet's image-record header (``struct`` format
``IfQQ``); ``pack_img``/``unpack_img`` encode and decode with Pillow instead of OpenCV,
keeping OpenCV's BGR channel order for 3-channel arrays so records written by either
library read back the same.
"""

from __future__ import annotations

import numbers
import struct
from collections import namedtuple
from multiprocessing import current_process
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from .base import MXNetError

__all__ = [
    "MXRecordIO",
    "MXIndexedRecordIO",
    "IRHeader",
    "pack",
    "unpack",
    "pack_img",
    "unpack_img",
]

_MAGIC = 0xCED7230A
_MAGIC_BYTES = struct.pack("<I", _MAGIC)
_LENGTH_MASK = (1 << 29) - 1


def _chunk_header(cflag: int, length: int) -> bytes:
    return _MAGIC_BYTES + struct.pack("<I", (cflag << 29) | length)


def _encode_record(buf: bytes) -> bytes:
    """The chunks that store ``buf`` as one record, padding included."""
    size = len(buf)
    if size >= 1 << 29:
        raise MXNetError("RecordIO only accepts records of less than 2^29 bytes, got %d" % size)
    out = []
    start = 0  # first payload byte not yet written
    pos = buf.find(_MAGIC_BYTES)
    while pos != -1:
        if pos % 4 == 0:  # only aligned occurrences split the record
            out.append(_chunk_header(1 if start == 0 else 2, pos - start))
            out.append(buf[start:pos])
            start = pos + 4
        pos = buf.find(_MAGIC_BYTES, pos + 1)
    out.append(_chunk_header(3 if start else 0, size - start))
    out.append(buf[start:])
    out.append(b"\0" * (-size % 4))
    return b"".join(out)


class MXRecordIO:
    """Sequential reader (``flag='r'``) or writer (``flag='w'``, truncates) of a ``.rec`` file.

    ``write(buf)`` appends one record, ``read()`` returns the next one as ``bytes`` or
    None at the end of the file. Like MXNet, an open object refuses to be used from a
    forked child process (pickle it instead: unpickling reopens the file).
    """

    def __init__(self, uri: str, flag: str) -> None:
        self.uri = str(uri)
        self.flag = flag
        self.pid: Optional[int] = None
        self.is_open = False
        self._file: Any = None
        self.open()

    def open(self) -> None:
        """Opens the record file (for reading at its start, or truncated for writing)."""
        if self.flag == "w":
            mode, self.writable = "wb", True
        elif self.flag == "r":
            mode, self.writable = "rb", False
        else:
            raise ValueError("Invalid flag %s" % self.flag)
        try:
            self._file = open(self.uri, mode)
        except OSError as err:
            raise MXNetError(
                'Cannot open RecordIO file "%s" for %s: %s'
                % (self.uri, "writing" if self.writable else "reading", err.strerror)
            ) from None
        self.pid = current_process().pid
        self.is_open = True

    def __del__(self) -> None:
        self.close()

    def __getstate__(self) -> Dict[str, Any]:
        # as MXNet: pickling closes this object; the copy reopens the file at its start
        is_open = self.is_open
        self.close()
        state = dict(self.__dict__)
        state["is_open"] = is_open
        state["_file"] = None
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        was_open = state["is_open"]
        self.__dict__ = state
        self.is_open = False
        if was_open:
            self.open()

    def _check_pid(self, allow_reset: bool = False) -> None:
        if self.pid != current_process().pid:
            if allow_reset:
                self.reset()
            else:
                raise RuntimeError("Forbidden operation in multiple processes")

    def close(self) -> None:
        """Closes the record file (a writer's records are then all on disk)."""
        if not getattr(self, "is_open", False):
            return
        self._file.close()
        self._file = None
        self.is_open = False
        self.pid = None

    def reset(self) -> None:
        """Back to the first record; a writer truncates the file to empty."""
        self.close()
        self.open()

    def write(self, buf: bytes) -> None:
        """Appends ``buf`` (bytes-like) as one record."""
        assert self.writable
        self._check_pid(allow_reset=False)
        if isinstance(buf, str):
            raise TypeError(
                "MXRecordIO.write takes bytes, not str: encode the text first "
                "(e.g. buf.encode('utf-8'))"
            )
        self._file.write(_encode_record(bytes(buf)))

    def _read_chunk(self) -> Optional[Tuple[int, bytes]]:
        start = self._file.tell()
        head = self._file.read(8)
        if not head:
            return None
        if len(head) < 8:
            raise MXNetError(
                'Invalid RecordIO file "%s": truncated chunk header at byte %d' % (self.uri, start)
            )
        magic, lrec = struct.unpack("<II", head)
        if magic != _MAGIC:
            raise MXNetError(
                'Invalid RecordIO file "%s": no magic number 0xced7230a at '
                "byte %d (found 0x%08x)" % (self.uri, start, magic)
            )
        length = lrec & _LENGTH_MASK
        padded = length + (-length % 4)
        body = self._file.read(padded)
        if len(body) < padded:
            raise MXNetError(
                'Invalid RecordIO file "%s": the record at byte %d says %d bytes '
                "but the file ends after %d" % (self.uri, start, length, len(body))
            )
        return lrec >> 29, body[:length]

    def read(self) -> Optional[bytes]:
        """The next record as ``bytes``, or None after the last one."""
        assert not self.writable
        self._check_pid(allow_reset=False)
        chunk = self._read_chunk()
        if chunk is None:
            return None
        cflag, part = chunk
        if cflag == 0:
            return part
        if cflag != 1:
            raise MXNetError(
                'Invalid RecordIO file "%s": a record starts with a '
                "continuation chunk (cflag %d)" % (self.uri, cflag)
            )
        parts = [part]
        while cflag != 3:
            chunk = self._read_chunk()
            if chunk is None:
                raise MXNetError(
                    'Invalid RecordIO file "%s": the file ends inside a '
                    "multi-part record" % self.uri
                )
            cflag, part = chunk
            if cflag not in (2, 3):
                raise MXNetError(
                    'Invalid RecordIO file "%s": multi-part record broken by a '
                    "chunk with cflag %d" % (self.uri, cflag)
                )
            parts.append(part)
        return _MAGIC_BYTES.join(parts)


class MXIndexedRecordIO(MXRecordIO):
    """A ``.rec`` file with an ``.idx`` file of ``key<TAB>byte offset`` lines: random access.

    ``write_idx(key, buf)`` records where each record starts; ``read_idx(key)`` seeks
    there. ``keys`` lists the keys in file order, converted by ``key_type``.
    """

    def __init__(self, idx_path: str, uri: str, flag: str, key_type: Any = int) -> None:
        self.idx_path = idx_path
        self.idx: Dict[Any, int] = {}
        self.keys: List[Any] = []
        self.key_type = key_type
        self.fidx: Any = None
        super().__init__(uri, flag)

    def open(self) -> None:
        super().open()
        self.idx = {}
        self.keys = []
        self.fidx = open(self.idx_path, self.flag)
        if not self.writable:
            for line_no, line in enumerate(self.fidx, 1):
                fields = line.strip().split("\t")
                if fields == [""]:
                    continue
                if len(fields) < 2:
                    raise MXNetError(
                        'Invalid index file "%s": line %d is %r, expected '
                        '"key<TAB>offset"' % (self.idx_path, line_no, line)
                    )
                key = self.key_type(fields[0])
                self.idx[key] = int(fields[1])
                self.keys.append(key)

    def close(self) -> None:
        if not getattr(self, "is_open", False):
            return
        super().close()
        self.fidx.close()

    def __getstate__(self) -> Dict[str, Any]:
        state = super().__getstate__()
        state["fidx"] = None
        return state

    def seek(self, idx: Any) -> None:
        """Moves the read position to the record stored under key ``idx``."""
        assert not self.writable
        self._check_pid(allow_reset=True)
        self._file.seek(self.idx[idx])

    def tell(self) -> int:
        """The byte offset the next written record will start at."""
        assert self.writable
        return self._file.tell()

    def read_idx(self, idx: Any) -> Optional[bytes]:
        """The record stored under key ``idx`` (KeyError if there is none)."""
        self.seek(idx)
        return self.read()

    def write_idx(self, idx: Any, buf: bytes) -> None:
        """Appends ``buf`` as a record and indexes it under key ``idx``."""
        key = self.key_type(idx)
        pos = self.tell()
        self.write(buf)
        self.fidx.write("%s\t%d\n" % (str(key), pos))
        self.idx[key] = pos
        self.keys.append(key)


# MXNet's class is named HEADER (it shows in the repr), not IRHeader
IRHeader = namedtuple("HEADER", ["flag", "label", "id", "id2"])  # type: ignore[name-match]
IRHeader.__doc__ = """Image-record header: ``flag`` (label count, set by ``pack``), ``label``
(a float, or an array of floats), ``id`` and ``id2`` (the high bits of the id, usually 0)."""

_IR_FORMAT = "IfQQ"
_IR_SIZE = struct.calcsize(_IR_FORMAT)


def pack(header: Any, s: bytes) -> bytes:
    """Prefixes ``s`` with ``header``; an array label is stored as float32s after it."""
    header = IRHeader(*header)
    if isinstance(header.label, numbers.Number):
        header = header._replace(flag=0)
    else:
        label = np.asarray(header.label, dtype=np.float32)
        header = header._replace(flag=label.size, label=0)
        s = label.tobytes() + s
    return struct.pack(_IR_FORMAT, *header) + s


def unpack(s: bytes) -> Tuple[Any, bytes]:
    """Splits a packed record into its ``IRHeader`` and the payload."""
    if len(s) < _IR_SIZE:
        raise struct.error(
            "unpack requires a buffer of %d bytes: the record holds only %d, "
            "too short for an IRHeader" % (_IR_SIZE, len(s))
        )
    header = IRHeader(*struct.unpack(_IR_FORMAT, s[:_IR_SIZE]))
    s = s[_IR_SIZE:]
    if header.flag > 0:
        header = header._replace(label=np.frombuffer(s, np.float32, header.flag))
        s = s[header.flag * 4 :]
    return header, s


def unpack_img(s: bytes, iscolor: int = -1) -> Tuple[Any, np.ndarray]:
    """The header and the decoded image (numpy HxW or HxWxC uint8, colour in BGR order).

    ``iscolor`` follows OpenCV: -1 keeps the file's channels, 0 gives grey (HxW), 1 BGR.
    """
    from .image._codec import decode_numpy

    header, payload = unpack(s)
    return header, decode_numpy(payload, iscolor, bgr=True)


def pack_img(header: Any, img: np.ndarray, quality: int = 95, img_fmt: str = ".jpg") -> bytes:
    """Encodes ``img`` (numpy HxW grey or HxWx3 BGR, as OpenCV) and packs it with ``header``.

    ``quality`` is the JPEG quality (0-100) or the PNG compression level (0-9); values
    outside are clamped, as OpenCV does.
    """
    from .image._codec import encode_numpy

    return pack(header, encode_numpy(img, quality, img_fmt))
