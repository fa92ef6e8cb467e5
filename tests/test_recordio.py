"""mx.recordio: byte compatibility with MXNet 1.9.1's .rec/.idx files, headers, errors.

The fixtures in tests/data/recordio/ were written by MXNet itself
(tests/data/make_vision_fixtures.py); manifest.json holds the records it read back.
"""

import json
import os
import pickle
import struct

import numpy as np
import pytest

import gluonlite as mx
from gluonlite.base import MXNetError
from gluonlite.recordio import IRHeader, MXIndexedRecordIO, MXRecordIO

DATA = os.path.join(os.path.dirname(__file__), "data", "recordio")
MAGIC = struct.pack("<I", 0xCED7230A)

with open(os.path.join(DATA, "manifest.json")) as _f:
    MANIFEST = json.load(_f)
SEQ_RECORDS = [bytes.fromhex(h) for h in MANIFEST["seq"]]


def _read_all(path):
    reader = MXRecordIO(path, "r")
    out = []
    while True:
        rec = reader.read()
        if rec is None:
            break
        out.append(rec)
    reader.close()
    return out


def test_mx_recordio_is_the_module():
    assert mx.recordio.MXRecordIO is MXRecordIO
    assert mx.recordio.IRHeader is IRHeader


def test_reads_records_written_by_mxnet():
    assert _read_all(os.path.join(DATA, "seq.rec")) == SEQ_RECORDS
    assert len(SEQ_RECORDS) == 12 and SEQ_RECORDS[1] == b"" and SEQ_RECORDS[8] == MAGIC


def test_writes_the_bytes_mxnet_writes(tmp_path):
    path = str(tmp_path / "out.rec")
    writer = MXRecordIO(path, "w")
    for rec in SEQ_RECORDS:
        writer.write(rec)
    writer.close()
    with open(path, "rb") as mine, open(os.path.join(DATA, "seq.rec"), "rb") as theirs:
        assert mine.read() == theirs.read()


def test_chunk_layout_padding_and_multipart(tmp_path):
    path = str(tmp_path / "layout.rec")
    writer = MXRecordIO(path, "w")
    writer.write(b"abcde")  # 5 bytes + 3 padding
    writer.write(b"1234" + MAGIC + b"5678")  # aligned magic: two parts, magic dropped
    writer.write(b"ab" + MAGIC + b"cd")  # unaligned magic: one plain chunk
    writer.close()
    with open(path, "rb") as f:
        raw = f.read()
    expected = (
        MAGIC
        + struct.pack("<I", 5)
        + b"abcde\0\0\0"
        + MAGIC
        + struct.pack("<I", (1 << 29) | 4)
        + b"1234"
        + MAGIC
        + struct.pack("<I", (3 << 29) | 4)
        + b"5678"
        + MAGIC
        + struct.pack("<I", 8)
        + b"ab"
        + MAGIC
        + b"cd"
    )
    assert raw == expected
    assert _read_all(path) == [b"abcde", b"1234" + MAGIC + b"5678", b"ab" + MAGIC + b"cd"]


def test_reset_rereads_from_the_start_and_truncates_a_writer(tmp_path):
    reader = MXRecordIO(os.path.join(DATA, "seq.rec"), "r")
    assert reader.read() == b"record_0"
    assert reader.read() == b""
    reader.reset()
    assert reader.read() == b"record_0"
    reader.close()
    path = str(tmp_path / "w.rec")
    writer = MXRecordIO(path, "w")
    writer.write(b"gone")
    writer.reset()
    writer.write(b"kept")
    writer.close()
    assert _read_all(path) == [b"kept"]


def test_indexed_reads_mxnet_files():
    rec = MXIndexedRecordIO(
        os.path.join(DATA, "indexed.idx"), os.path.join(DATA, "indexed.rec"), "r"
    )
    assert rec.keys == [10, 20, 30]
    assert rec.idx == dict(zip([10, 20, 30], MANIFEST["indexed"]["positions"]))
    assert rec.read_idx(30) == b"thirty!!"
    assert rec.read_idx(20) == b"twenty" + MAGIC
    assert rec.read() == b"thirty!!"  # sequential read goes on after read_idx
    with pytest.raises(KeyError):
        rec.read_idx(15)
    rec.close()


def test_indexed_writes_mxnet_files(tmp_path):
    idx, path = str(tmp_path / "x.idx"), str(tmp_path / "x.rec")
    writer = MXIndexedRecordIO(idx, path, "w")
    positions = []
    for key, rec in zip((10, 20, 30), (b"ten", b"twenty" + MAGIC, b"thirty!!")):
        positions.append(writer.tell())
        writer.write_idx(key, rec)
    writer.close()
    assert positions == MANIFEST["indexed"]["positions"] == [0, 12, 32]
    for mine, theirs in ((idx, "indexed.idx"), (path, "indexed.rec")):
        with open(mine, "rb") as a, open(os.path.join(DATA, theirs), "rb") as b:
            assert a.read() == b.read()


def test_indexed_key_type_str(tmp_path):
    idx, path = str(tmp_path / "k.idx"), str(tmp_path / "k.rec")
    writer = MXIndexedRecordIO(idx, path, "w", key_type=str)
    writer.write_idx("cat", b"meow")
    writer.write_idx(7, b"seven")
    writer.close()
    reader = MXIndexedRecordIO(idx, path, "r", key_type=str)
    assert reader.keys == ["cat", "7"]
    assert reader.read_idx("7") == b"seven"


def test_pickled_reader_reopens_at_the_start():
    reader = MXIndexedRecordIO(
        os.path.join(DATA, "indexed.idx"), os.path.join(DATA, "indexed.rec"), "r"
    )
    reader.read_idx(20)
    clone = pickle.loads(pickle.dumps(reader))
    assert clone.is_open and clone.keys == [10, 20, 30]
    assert clone.read() == b"ten"


def test_pack_unpack_match_mxnet_bytes():
    assert mx.recordio.pack(IRHeader(0, 3.0, 42, 0), b"payload") == SEQ_RECORDS[9]
    assert mx.recordio.pack(IRHeader(0, [1, 2.5, -1], 7, 0), b"img") == SEQ_RECORDS[10]
    header, payload = mx.recordio.unpack(SEQ_RECORDS[10])
    assert (header.flag, header.id, header.id2, payload) == (3, 7, 0, b"img")
    np.testing.assert_array_equal(header.label, np.array([1, 2.5, -1], np.float32))
    assert header.label.dtype == np.float32
    header, payload = mx.recordio.unpack(SEQ_RECORDS[9])
    assert header == IRHeader(0, 3.0, 42, 0) and payload == b"payload"
    assert repr(header) == "HEADER(flag=0, label=3.0, id=42, id2=0)"


def test_pack_scalar_label_resets_flag_and_array_label_sets_it():
    header, _ = mx.recordio.unpack(mx.recordio.pack((9, 2.0, 1, 0), b""))
    assert header.flag == 0 and header.label == 2.0
    header, _ = mx.recordio.unpack(mx.recordio.pack((0, [4.0], 1, 0), b""))
    assert header.flag == 1 and header.label.tolist() == [4.0]


def test_pack_img_unpack_img_roundtrip_png_keeps_bgr():
    pytest.importorskip("PIL")
    rng = np.random.RandomState(0)
    bgr = rng.randint(0, 256, (5, 4, 3)).astype(np.uint8)
    packed = mx.recordio.pack_img(IRHeader(0, 1.0, 3, 0), bgr, quality=3, img_fmt=".png")
    header, img = mx.recordio.unpack_img(packed)
    assert header == IRHeader(0, 1.0, 3, 0)
    np.testing.assert_array_equal(img, bgr)
    # the stored PNG is RGB: imdecode (RGB by default) sees the channels reversed
    _, png = mx.recordio.unpack(packed)
    np.testing.assert_array_equal(mx.image.imdecode(png).asnumpy(), bgr[:, :, ::-1])
    _, grey = mx.recordio.unpack_img(packed, 0)
    assert grey.shape == (5, 4)


def test_pack_img_jpeg_quality_changes_size_and_stays_close():
    pytest.importorskip("PIL")
    yy, xx = np.mgrid[0:32, 0:32]
    smooth = np.stack([yy * 8, xx * 8, (yy + xx) * 4], axis=2).astype(np.uint8)
    low = mx.recordio.pack_img((0, 0.0, 0, 0), smooth, quality=10)
    high = mx.recordio.pack_img((0, 0.0, 0, 0), smooth, quality=95)
    assert len(low) < len(high)
    _, img = mx.recordio.unpack_img(high, 1)
    assert img.shape == (32, 32, 3)
    assert np.abs(img.astype(int) - smooth).mean() < 2.0


def test_bad_flag_and_str_payload():
    with pytest.raises(ValueError, match="^Invalid flag a$"):
        MXRecordIO(os.path.join(DATA, "seq.rec"), "a")
    with pytest.raises(TypeError, match="takes bytes, not str"):
        MXRecordIO(os.devnull, "w").write("text")


def test_missing_file_names_it(tmp_path):
    missing = str(tmp_path / "nope.rec")
    with pytest.raises(MXNetError, match='Cannot open RecordIO file ".*nope.rec" for reading'):
        MXRecordIO(missing, "r")


def test_corrupt_files_raise_mxnet_error(tmp_path):
    bad = tmp_path / "bad.rec"
    bad.write_bytes(b"\x01\x02\x03\x04\x05\x06\x07\x08abcd")
    with pytest.raises(MXNetError, match="no magic number 0xced7230a at byte 0"):
        MXRecordIO(str(bad), "r").read()
    short = tmp_path / "short.rec"
    short.write_bytes(MAGIC + struct.pack("<I", 100) + b"ab")
    with pytest.raises(MXNetError, match="says 100 bytes but the file ends after 2"):
        MXRecordIO(str(short), "r").read()
    cut = tmp_path / "cut.rec"
    cut.write_bytes(MAGIC + struct.pack("<I", (1 << 29) | 4) + b"1234")
    with pytest.raises(MXNetError, match="ends inside a multi-part record"):
        MXRecordIO(str(cut), "r").read()


def test_wrong_direction_and_closed_use():
    reader = MXRecordIO(os.path.join(DATA, "seq.rec"), "r")
    with pytest.raises(AssertionError):
        reader.write(b"x")
    reader.close()
    reader.close()  # closing twice is fine
    with pytest.raises(RuntimeError, match="^Forbidden operation in multiple processes$"):
        reader.read()


def test_unpack_too_short():
    with pytest.raises(struct.error, match="requires a buffer of 24 bytes"):
        mx.recordio.unpack(b"abc")
