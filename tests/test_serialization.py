"""nd.save / nd.load: MXNet's .params format, read and written bit-exactly, hostile files,
atomic saves. The fixtures in tests/data/mxnet_params/ were written by MXNet 1.9.1
(tests/data/make_mxnet_fixtures.py); manifest.json holds what MXNet loads from each."""

import errno
import gzip
import io
import json
import os
import signal
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from conftest import GLUONLITE_HOME, child_env, requires_gpu
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gluonlite as mx
from gluonlite import nd
from gluonlite.base import MXNetError
from gluonlite.ndarray import utils as nd_utils

DATA = Path(__file__).parent / "data" / "mxnet_params"
MANIFEST = {
    k: v
    for k, v in json.loads((DATA / "manifest.json").read_text("utf-8")).items()
    if k.endswith(".params")
}
ROOT = str(Path(__file__).parent.parent)


def _array(entry):
    return np.frombuffer(bytes.fromhex(entry["hex"]), dtype=entry["dtype"]).reshape(entry["shape"])


def _assert_bits(got, want: np.ndarray):
    host = got.asnumpy()
    assert (host.dtype, host.shape) == (want.dtype, want.shape)
    assert host.tobytes() == want.tobytes()


def _assert_content(loaded, info, entries_key="entries"):
    entries = info[entries_key]
    if info["container"] == "dict":
        assert isinstance(loaded, dict)
        assert list(loaded) == [e["key"] for e in entries]
        for e in entries:
            _assert_bits(loaded[e["key"]], _array(e))
    else:
        assert isinstance(loaded, list) and len(loaded) == len(entries)
        for got, e in zip(loaded, entries):
            if e is None:
                assert got is None
            else:
                _assert_bits(got, _array(e))


def _nd_data(info):
    """The arrays of a fixture as gluonlite NDArrays, in the file's container and order."""
    arrays = [(e["key"], nd.array(_array(e), dtype=e["dtype"])) for e in info["entries"]]
    if info["container"] == "dict":
        return dict(arrays)
    return [a for _, a in arrays]


# ---------------------------------------------------------------- MXNet's files, both ways
LOADABLE = sorted(n for n, i in MANIFEST.items() if i["mxnet_loads"])
WRITTEN_BY_MXNET = sorted(
    n for n in MANIFEST if n.startswith(("nd_", "gluon_")) and "sparse" not in n and "v3" not in n
)


def test_fixture_set_is_complete():
    assert len(MANIFEST) == 40 and len(LOADABLE) == 37 and len(WRITTEN_BY_MXNET) == 27
    assert sorted(p.name for p in DATA.glob("*.params")) == sorted(MANIFEST)


@pytest.mark.parametrize("name", LOADABLE)
def test_reads_every_mxnet_fixture_bit_exactly(name):
    _assert_content(nd.load(DATA / name), MANIFEST[name])


@pytest.mark.parametrize("name", WRITTEN_BY_MXNET)
def test_writes_the_bytes_mxnet_wrote(name, tmp_path):
    expected = (DATA / name).read_bytes()
    data = _nd_data(MANIFEST[name])
    assert nd.save_tobuffer(data) == expected
    nd.save(tmp_path / "out.params", data)
    assert (tmp_path / "out.params").read_bytes() == expected


def test_single_array_is_saved_as_a_one_item_list():
    expected = (DATA / "nd_arange3.params").read_bytes()
    assert nd.save_tobuffer(nd.arange(3)) == expected
    assert len(expected) == 76
    loaded = nd.load_frombuffer(expected)
    assert isinstance(loaded, list) and loaded[0].asnumpy().tolist() == [0.0, 1.0, 2.0]


def test_reads_the_0d_array_mxnet_cannot_reload():
    info = MANIFEST["nd_scalar_0d_legacy_UNLOADABLE.params"]
    assert info["mxnet_error"] == "basic_string: :resize"
    loaded = nd.load(DATA / "nd_scalar_0d_legacy_UNLOADABLE.params")
    assert loaded[0].shape == () and loaded[0].asnumpy().item() == 5.0
    _assert_content(loaded, info)


def test_v3_none_array_loads_as_none_where_mxnet_crashes():
    info = MANIFEST["hand_v3_none.params"]
    assert info["mxnet_error"] == "segmentation fault"
    _assert_content(nd.load(DATA / "hand_v3_none.params"), info, "gluonlite_entries")


def test_v3_scalar_and_zero_size_arrays():
    loaded = nd.load(DATA / "nd_v3_npx.params")
    assert loaded["scalar"].shape == () and loaded["scalar"].asnumpy().item() == 3.5
    assert loaded["zero"].shape == (2, 0) and loaded["zero"].dtype == np.float32


def test_sparse_records_load_as_dense_arrays():
    csr = nd.load(DATA / "nd_sparse_csr.params")[0]
    assert csr.stype == "default"
    assert csr.asnumpy().tolist() == [[1, 0, 2], [0, 0, 0], [0, 3, 0]]
    rows = nd.load(DATA / "nd_sparse_row_sparse.params")["rsp"].asnumpy()
    assert rows.shape == (5, 3) and not rows[[0, 2, 4]].any()


def test_bfloat16_is_widened_to_float32():
    loaded = nd.load(DATA / "hand_bfloat16_code12.params")[0]
    assert loaded.dtype == np.float32 and loaded.asnumpy().tolist() == [1.0, 2.0]


def test_int16_is_refused_with_a_clear_message():
    assert MANIFEST["hand_int16_code8.params"]["mxnet_error"] == "MXNetError: Unknown type enum 8"
    path = DATA / "hand_int16_code8.params"
    with pytest.raises(MXNetError) as info:
        nd.load(path)
    assert str(info.value) == (
        "Invalid NDArray file format: file '%s', record 0 (starts at byte 24), byte offset 52: "
        "dtype code 8 (int16) is not supported by gluonlite, which has float32, float64, "
        "float16, bfloat16 (loaded as float32), uint8, int8, int32, int64 and bool" % path
    )


def test_gpu_saved_records_load_on_the_cpu_or_the_requested_context():
    loaded = nd.load(DATA / "hand_gpu_ctx.params")
    assert loaded["w"].context == mx.cpu()
    loaded = nd.load(DATA / "hand_gpu_ctx.params", ctx=mx.cpu(0))
    assert loaded["w"].context == mx.cpu()


@requires_gpu
def test_load_onto_gpu_and_save_from_gpu_records_the_device():
    loaded = nd.load(DATA / "nd_list.params", ctx=mx.gpu(0))
    assert all(a.context == mx.gpu(0) for a in loaded)
    raw = nd.save_tobuffer(nd.arange(3, ctx=mx.gpu(0)))
    assert struct.unpack_from("<ii", raw, 44) == (2, 0)
    assert (
        raw[:44] + raw[52:]
        == (DATA / "nd_arange3.params").read_bytes()[:44]
        + (DATA / "nd_arange3.params").read_bytes()[52:]
    )


# ---------------------------------------------------------------- MXNet's semantics
def test_empty_dict_and_empty_list_are_the_same_32_bytes_and_load_as_a_list():
    assert (
        nd.save_tobuffer({}) == nd.save_tobuffer([]) == (DATA / "nd_empty_dict.params").read_bytes()
    )
    assert nd.load_frombuffer(nd.save_tobuffer({})) == []


def test_duplicate_names_keep_the_last_array_and_trailing_bytes_are_ignored():
    loaded = nd.load(DATA / "hand_duplicate_names.params")
    assert list(loaded) == ["x", "y"] and loaded["x"].shape == (1,)
    assert len(nd.load(DATA / "hand_trailing_bytes.params")) == 1


@pytest.mark.parametrize(
    "data, cls, message",
    [
        ({"a": [nd.ones(1)]}, TypeError, "save only accept dict str->NDArray or list of NDArray"),
        ({1: nd.ones(1)}, TypeError, "save only accept dict str->NDArray or list of NDArray"),
        (
            [nd.ones(1), np.ones(1)],
            TypeError,
            "save only accept dict str->NDArray or list of NDArray",
        ),
        (
            (nd.ones(1),),
            ValueError,
            "data needs to either be a NDArray, dict of str, NDArray pairs or a list of NDarrays.",
        ),
    ],
)
def test_bad_data_raises_mxnets_exceptions_and_leaves_the_file(tmp_path, data, cls, message):
    path = tmp_path / "keep.params"
    path.write_bytes(b"old")
    with pytest.raises(cls) as info:
        nd.save(path, data)
    assert str(info.value) == message
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["keep.params"]


@pytest.mark.parametrize(
    "dtype", ["float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bool"]
)
@pytest.mark.parametrize("shape", [(), (0,), (3, 0, 2), (7,), (2, 3, 4), (1, 1, 1, 1, 1, 5)])
def test_round_trip_keeps_dtype_shape_and_bits(dtype, shape):
    host = (np.arange(int(np.prod(shape))) * 7 - 3).reshape(shape).astype(dtype)
    loaded = nd.load_frombuffer(nd.save_tobuffer({"x": nd.array(host, dtype=dtype)}))["x"]
    _assert_bits(loaded, host)


def test_strided_views_save_their_logical_contents():
    base = nd.array(np.arange(12, dtype=np.float32).reshape(3, 4))
    view = base.T
    assert nd.save_tobuffer([view]) == nd.save_tobuffer([nd.array(view.asnumpy())])


def test_unicode_names_are_utf8_with_byte_lengths():
    raw = nd.save_tobuffer({"权重": nd.ones(1)})
    assert raw.endswith(struct.pack("<QQ", 1, 6) + "权重".encode("utf-8"))
    assert list(nd.load_frombuffer(raw)) == ["权重"]


def test_file_objects_and_buffers(tmp_path):
    data = {"a": nd.arange(4), "b": nd.ones((2, 2), dtype="int8")}
    stream = io.BytesIO()
    nd.save(stream, data)
    assert stream.getvalue() == nd.save_tobuffer(data)
    stream.seek(0)
    assert list(nd.load(stream)) == ["a", "b"]
    with open(tmp_path / "f.params", "wb") as f:  # written through its descriptor
        f.write(b"head")
        nd.save(f, data)
        f.write(b"tail")
    assert (tmp_path / "f.params").read_bytes() == b"head" + nd.save_tobuffer(data) + b"tail"
    with open(tmp_path / "f.params", "rb") as f:
        f.read(4)
        assert nd.load(f)["a"].asnumpy().tolist() == [0, 1, 2, 3]
    with gzip.open(tmp_path / "f.params.gz", "wb") as f:  # a wrapper: through write()
        nd.save(f, data)
    with gzip.open(tmp_path / "f.params.gz", "rb") as f:
        assert list(nd.load(f)) == ["a", "b"]
    raw = nd.save_tobuffer(data)
    for buf in (raw, bytearray(raw), memoryview(raw)):
        assert list(nd.load_frombuffer(buf)) == ["a", "b"]
    with pytest.raises(TypeError, match="binary file object"):
        nd.save(io.StringIO(), data)
    with pytest.raises(TypeError, match="load_frombuffer"):
        nd.load(raw)
    with pytest.raises(TypeError, match="buf required to be bytes"):
        nd.load_frombuffer(raw.decode("latin-1"))


def test_load_errors_name_the_file(tmp_path):
    missing = tmp_path / "nope.params"
    with pytest.raises(MXNetError) as info:
        nd.load(missing)
    assert str(info.value) == "file not found: '%s'" % missing
    with pytest.raises(MXNetError) as info:
        nd.load(tmp_path)
    assert str(info.value) == "cannot load file '%s': it is a directory" % tmp_path


# ---------------------------------------------------------------- hostile input
def _header(n):
    return struct.pack("<QQQ", 0x112, 0, n)


ARANGE = (DATA / "nd_arange3.params").read_bytes()
CSR = (DATA / "nd_sparse_csr.params").read_bytes()
ROWS = (DATA / "nd_sparse_row_sparse.params").read_bytes()


def _patch(raw, offset, fmt, value):
    return raw[:offset] + struct.pack(fmt, value) + raw[offset + struct.calcsize(fmt) :]


REC0 = "record 0 (starts at byte 24)"
HOSTILE = [
    (b"", "header, byte offset 0: truncated: the file magic needs 8 bytes but only 0 remain"),
    (
        b"hello world, this is not a params file",
        "header, byte offset 0: not an MXNet .params file: it starts with 0x6F77206F6C6C6568 "
        "instead of 0x112",
    ),
    (
        _header(2**62),
        "header, byte offset 16: the header announces 4611686018427387904 "
        "arrays, more than the 0 remaining bytes can hold",
    ),
    (
        ARANGE[:60],
        REC0 + ", byte offset 56: truncated: the data of a (3,) float32 array needs "
        "12 bytes but only 4 remain",
    ),
    (
        _patch(ARANGE, 24, "<I", 0xDEADBEEF),
        REC0 + ", byte offset 24: unknown record magic 0xDEADBEEF; expected 0xF993FAC9 (V2), "
        "0xF993FACA (V3), 0xF993FAC8 (V1) or a pre-V1 dimension count up to 32",
    ),
    (
        _patch(ARANGE, 28, "<i", 9),
        REC0 + ", byte offset 28: unknown storage type 9 (0 dense, 1 row_sparse, 2 csr)",
    ),
    (
        _patch(ARANGE, 32, "<i", 33),
        REC0 + ", byte offset 32: the shape has 33 dimensions; expected 0 to 32",
    ),
    (_patch(ARANGE, 36, "<q", -3), REC0 + ", byte offset 36: dimension 0 of the shape is -3"),
    (
        _patch(ARANGE, 44, "<i", 7),
        REC0 + ", byte offset 44: unknown device type 7 (1 cpu, 2 gpu, 3 cpu_pinned, 5 cpu_shared)",
    ),
    (_patch(ARANGE, 52, "<i", 99), REC0 + ", byte offset 52: unknown dtype code 99"),
    (
        _header(1) + struct.pack("<IiI3q", 0xF993FAC9, 0, 3, 2**40, 2**40, 2**40),
        REC0 + ", byte offset 60: truncated: the device type needs 4 bytes but only 0 remain",
    ),
    (
        _header(1) + struct.pack("<IiI3qiii", 0xF993FAC9, 0, 3, 2**40, 2**40, 2**40, 1, 0, 0),
        REC0 + ", byte offset 72: the shape (1099511627776, 1099511627776, 1099511627776) has "
        "more elements than any file can hold",
    ),
    (
        ARANGE[:-8] + struct.pack("<Q", 2),
        "name table, byte offset 68: the file holds 1 arrays "
        "but 2 names; a list has no names and a dict one per array",
    ),
    (
        ARANGE[:-8] + struct.pack("<QQ", 1, 2**60),
        "name 0 (starts at byte 76), byte offset 84: "
        "truncated: the name needs 1152921504606846976 bytes but only 0 remain",
    ),
    (
        ARANGE[:-8] + struct.pack("<QQ", 1, 3) + b"a\xff\xfe",
        "name 0 (starts at byte 76), byte offset 85: the name is not valid UTF-8",
    ),
    (
        ARANGE[:-8] + struct.pack("<QQ", 1, 3) + b"\xed\xa0\x80",
        "name 0 (starts at byte 76), byte offset 84: the name is not valid UTF-8",
    ),
    (_patch(CSR, 160, "<q", 7), REC0 + ", byte offset 160: column index 7 is outside [0, 3)"),
    (
        _patch(CSR, 144, "<q", 5),
        REC0 + ", byte offset 120: indptr must run from 0 to 3, got 0 to 5",
    ),
    (_patch(CSR, 136, "<q", 5), REC0 + ", byte offset 136: indptr[2] = 5 is out of order"),
    (_patch(ROWS, 132, "<q", 5), REC0 + ", byte offset 132: row index 5 is outside [0, 5)"),
    (
        _patch(ROWS, 56, "<q", 2**31),
        REC0 + ", byte offset 100: the row_sparse array (2147483648, 3) would take 25769803776 "
        "bytes as a dense array, more than gluonlite loads from a record of 116 bytes "
        "(limit 67108864; set GLUONLITE_SPARSE_DENSE_LIMIT to a byte count to raise it)",
    ),
]


@pytest.mark.parametrize("raw, where", HOSTILE)
def test_hostile_buffers_raise_mxnet_error_naming_record_and_offset(raw, where):
    with pytest.raises(MXNetError) as info:
        nd.load_frombuffer(raw)
    assert str(info.value) == "Invalid NDArray file format: buffer, " + where


def test_hostile_files_name_the_file(tmp_path):
    path = tmp_path / "bad.params"
    path.write_bytes(ARANGE[:60])
    with pytest.raises(MXNetError) as info:
        nd.load(path)
    assert str(info.value).startswith(
        "Invalid NDArray file format: file '%s', %s, byte offset 56: truncated" % (path, REC0)
    )


def test_every_truncation_of_every_fixture_is_an_mxnet_error():
    for name in LOADABLE:
        raw = (DATA / name).read_bytes()
        for cut in range(len(raw)):
            try:
                nd.load_frombuffer(raw[:cut])
            except MXNetError:
                continue
            # only a cut inside the bytes MXNet ignores (trailing garbage) may still load
            assert name == "hand_trailing_bytes.params" and cut >= len(ARANGE), (name, cut)


# A mutation: (kind, position in [0, 1), value). Kinds flip a byte, write an extreme int
# over 4 or 8 bytes, cut the file, or insert / delete bytes.
MUTATION = st.tuples(
    st.sampled_from(["flip", "int32", "int64", "cut", "insert", "delete"]),
    st.floats(0, 1, exclude_max=True),
    st.sampled_from(
        [
            0,
            1,
            -1,
            2,
            7,
            12,
            32,
            33,
            255,
            2**31 - 1,
            -(2**31),
            2**32 - 1,
            2**62,
            -(2**63),
            0xF993FAC9,
            0xF993FACA,
        ]
    ),
)


def mutate(raw: bytes, mutations) -> bytes:
    data = bytearray(raw)
    for kind, where, value in mutations:
        at = int(where * (len(data) + 1))
        if kind == "flip" and at < len(data):
            data[at] ^= (value & 0xFF) or 0x80
        elif kind in ("int32", "int64"):
            size = 4 if kind == "int32" else 8
            data[at : at + size] = (value % (1 << (8 * size))).to_bytes(size, "little")
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = (value % (1 << 64)).to_bytes(8, "little")
        elif kind == "delete":
            del data[at : at + 1 + (value & 7)]
    return bytes(data)


FUZZ_SEEDS = [(DATA / n).read_bytes() for n in sorted(MANIFEST)]


@settings(max_examples=400, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(FUZZ_SEEDS), mutations=st.lists(MUTATION, min_size=1, max_size=4))
def test_fuzzed_fixtures_load_or_raise_mxnet_error(seed, mutations):
    raw = mutate(seed, mutations)
    try:
        loaded = nd.load_frombuffer(raw)
    except MXNetError as err:
        assert str(err).startswith("Invalid NDArray file format: buffer, ")
        return
    assert isinstance(loaded, (list, dict))
    # what loads must save and load back to the same values
    arrays = loaded if isinstance(loaded, list) else list(loaded.values())
    kept = [a for a in arrays if a is not None]
    again = nd.load_frombuffer(nd.save_tobuffer(kept))
    assert [a.asnumpy().tobytes() for a in again] == [a.asnumpy().tobytes() for a in kept]


# ---------------------------------------------------------------- atomic saves
OLD = b"previous contents"


@pytest.fixture
def old_file(tmp_path):
    path = tmp_path / "model.params"
    path.write_bytes(OLD)
    return path


def _only(path):
    assert os.listdir(path.parent) == [path.name]


def _named_temporaries(monkeypatch, unnamed):
    if not unnamed:  # the fallback path: filesystems without O_TMPFILE
        monkeypatch.setattr(nd_utils, "_open_unnamed", lambda directory: None)


def test_save_replaces_the_file_and_leaves_nothing_else(old_file):
    nd.save(old_file, [nd.ones(2)])
    assert nd.load(old_file)[0].asnumpy().tolist() == [1, 1]
    _only(old_file)


@pytest.mark.parametrize("unnamed", [True, False])
def test_writer_failing_midway_keeps_the_old_file(old_file, monkeypatch, unnamed):
    _named_temporaries(monkeypatch, unnamed)

    def half_then_fail(fd, arrays, names, label):
        os.write(fd, b"\x12\x01\x00\x00 partial")
        raise RuntimeError("writer died")

    monkeypatch.setattr(nd_utils, "_write_params_fd", half_then_fail)
    with pytest.raises(RuntimeError, match="writer died"):
        nd.save(old_file, [nd.ones(2)])
    assert old_file.read_bytes() == OLD
    _only(old_file)


@pytest.mark.parametrize("unnamed", [True, False])
@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_fsync_or_rename_failure_keeps_the_old_file(old_file, monkeypatch, unnamed, step):
    _named_temporaries(monkeypatch, unnamed)

    def fail(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, step, fail)
    with pytest.raises(MXNetError) as info:
        nd.save(old_file, [nd.ones(2)])
    assert str(info.value) == "cannot save to '%s': Input/output error" % old_file
    assert isinstance(info.value.__cause__, OSError)
    assert old_file.read_bytes() == OLD
    _only(old_file)


def test_saves_use_an_unnamed_temporary_where_the_filesystem_has_one(old_file, monkeypatch):
    if nd_utils._open_unnamed(str(old_file.parent)) is None:
        pytest.skip("this filesystem has no O_TMPFILE")

    def no_named(*args):
        raise AssertionError("fell back to a named temporary file")

    monkeypatch.setattr(nd_utils, "_open_named", no_named)
    nd.save(old_file, [nd.ones(2)])
    assert nd.load(old_file)[0].asnumpy().tolist() == [1, 1]
    _only(old_file)


def test_unusable_proc_link_falls_back_to_a_named_temporary(old_file, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError(errno.ENOENT, "No such file or directory")

    monkeypatch.setattr(os, "link", fail)
    nd.save(old_file, {"w": nd.arange(3)})
    assert old_file.read_bytes() == nd.save_tobuffer({"w": nd.arange(3)})
    _only(old_file)


def _child(code, **kwargs):
    kwargs.setdefault("cwd", GLUONLITE_HOME)
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.mark.parametrize("unnamed", [True, False])
def test_full_disk_keeps_the_old_file(old_file, unnamed):
    # RLIMIT_FSIZE makes write() fail with EFBIG past 4 KiB, as a full disk fails with ENOSPC.
    child = _child(
        """
        import resource, signal
        from gluonlite import nd
        from gluonlite.ndarray import utils
        from gluonlite.base import MXNetError
        if not %r:
            utils._open_unnamed = lambda directory: None
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            nd.save(%r, [nd.ones((100000,))])
        except MXNetError as err:
            print(err)
    """
        % (unnamed, str(old_file))
    )
    out, err = child.communicate(timeout=120)
    assert out == "cannot write file '%s': File too large\n" % old_file, err
    assert old_file.read_bytes() == OLD
    _only(old_file)


def test_killed_process_leaves_the_old_file_and_no_temporary(old_file):
    if nd_utils._open_unnamed(str(old_file.parent)) is None:
        pytest.skip("this filesystem has no O_TMPFILE")
    child = _child(
        """
        import os, time
        from gluonlite import nd

        def stall(fd):
            print('written', flush=True)
            time.sleep(60)
        os.fsync = stall   # all data written, nothing renamed yet: the worst time to die
        nd.save(%r, [nd.ones((1 << 20,))])
    """
        % str(old_file)
    )
    assert child.stdout.readline() == "written\n"
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=60)
    assert old_file.read_bytes() == OLD
    _only(old_file)


def test_save_keeps_permissions_and_symlinks(old_file, tmp_path):
    os.chmod(old_file, 0o640)
    link = tmp_path / "link.params"
    link.symlink_to(old_file.name)
    nd.save(link, [nd.ones(1)])
    assert link.is_symlink() and os.readlink(link) == old_file.name
    assert os.stat(old_file).st_mode & 0o777 == 0o640
    assert nd.load(old_file)[0].asnumpy().tolist() == [1]
    assert sorted(os.listdir(tmp_path)) == ["link.params", "model.params"]


def test_save_errors_name_the_path(tmp_path):
    target = tmp_path / "missing" / "x.params"
    with pytest.raises(MXNetError) as info:
        nd.save(target, [nd.ones(1)])
    assert str(info.value) == "cannot save to '%s': No such file or directory" % target
    with pytest.raises(MXNetError) as info:
        nd.save(tmp_path, [nd.ones(1)])
    assert str(info.value) == "cannot save to '%s': it is a directory" % tmp_path


def test_sparse_densify_limit_is_configurable(monkeypatch):
    raw = _patch(ROWS, 56, "<q", 1000)  # 1000 x 3 float32 dense from a 116-byte record
    assert nd.load_frombuffer(raw)["rsp"].shape == (1000, 3)
    monkeypatch.setenv("GLUONLITE_SPARSE_DENSE_LIMIT", "0")
    with pytest.raises(MXNetError, match=r"would take 12000 bytes .* \(limit 7424; set "):
        nd.load_frombuffer(raw)
