"""Writes the .params fixtures in tests/data/mxnet_params/ with the real MXNet 1.9.1.

Run it with MXNet's interpreter (a scratch virtualenv: ``pip install mxnet==1.9.1
numpy==1.23.5``)::

    /tmp/mxenv/bin/python tests/data/make_mxnet_fixtures.py

Three kinds of files come out:

* ``nd_*`` and ``gluon_*``: written by MXNet itself (``nd.save``, ``npx.save``,
  ``save_parameters``, ``collect_params().save``, ``export``). gluonlite must read them
  bit-exactly and, for the dense V2 ones, write the very same bytes.
* ``hand_*``: record versions and corner cases MXNet 1.9.1 no longer writes (V1, pre-V1,
  GPU contexts, trailing bytes, duplicate names, ...), built here with ``struct`` from
  the documented layout, then loaded back with MXNet to record what it makes of them.
* ``manifest.json``: for every file, what MXNet loads from it (container, keys, dtype,
  shape, raw data in hex), or the error MXNet raises and the values the file holds.
"""

from __future__ import annotations

import json
import os
import struct
import sys

import mxnet as mx
import numpy as np
from mxnet import gluon, nd
from mxnet.gluon import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mxnet_params")
MANIFEST: dict = {}
CODES = {
    "float32": 0,
    "float64": 1,
    "float16": 2,
    "uint8": 3,
    "int32": 4,
    "int8": 5,
    "int64": 6,
    "bool": 7,
}


def path(name: str) -> str:
    return os.path.join(OUT, name)


def entry(key, arr: np.ndarray) -> dict:
    arr = np.array(arr, order="C")  # (ascontiguousarray would make a 0-d array 1-d)
    return {
        "key": key,
        "dtype": arr.dtype.name,
        "shape": list(arr.shape),
        "hex": arr.tobytes().hex(),
    }


def record_loaded(name: str, loader=nd.load, **extra) -> None:
    """Store what MXNet loads from the file (or the error it raises)."""
    info = dict(extra)
    try:
        loaded = loader(path(name))
    except mx.base.MXNetError as err:
        info["mxnet_loads"] = False
        info["mxnet_error"] = str(err).strip().splitlines()[-1]
    else:
        info["mxnet_loads"] = True
        if isinstance(loaded, dict):
            info["container"] = "dict"
            info["entries"] = [entry(k, v.asnumpy()) for k, v in loaded.items()]
        else:
            info["container"] = "list"
            info["entries"] = [entry(None, v.asnumpy()) for v in loaded]
    MANIFEST.setdefault(name, {}).update(info)


def values(dtype: str, shape, seed: int) -> np.ndarray:
    """Deterministic test values, with the awkward ones (nan, inf, -0, extremes) included."""
    rng = np.random.RandomState(seed)
    n = int(np.prod(shape))
    if dtype == "bool":
        return (rng.rand(n) > 0.5).reshape(shape)
    if dtype.startswith("float"):
        arr = (rng.randn(n) * 3).astype(dtype)
        special = np.array(
            [np.nan, np.inf, -np.inf, -0.0, np.finfo(dtype).max, np.finfo(dtype).tiny], dtype=dtype
        )
        arr[: min(n, len(special))] = special[:n]
        return arr.reshape(shape)
    info = np.iinfo(dtype)
    arr = rng.randint(info.min, int(info.max) + 1, size=n, dtype=np.int64).astype(dtype)
    arr[:2] = [info.min, info.max][:n]
    return arr.reshape(shape)


# ---------------------------------------------------------------------- nd.save files
def make_nd_files() -> None:
    nd.save(path("nd_arange3.params"), nd.arange(3))
    record_loaded("nd_arange3.params")
    for i, dtype in enumerate(CODES):
        name = "nd_dtype_%s.params" % dtype
        nd.save(path(name), nd.array(values(dtype, (2, 3), i), dtype=dtype))
        record_loaded(name)
    nd.save(
        path("nd_list.params"),
        [
            nd.array(values("float32", (2, 3), 10)),
            nd.array(values("int64", (4,), 11), dtype="int64"),
            nd.array(values("float16", (1, 1, 2), 12), dtype="float16"),
        ],
    )
    record_loaded("nd_list.params")
    nd.save(
        path("nd_dict.params"),
        {
            "w": nd.array(values("float32", (3, 2), 20)),
            "权重": nd.array(values("float64", (2,), 21), dtype="float64"),
            "b": nd.array(values("int8", (5,), 22), dtype="int8"),
        },
    )
    record_loaded("nd_dict.params")
    nd.save(path("nd_empty_list.params"), [])
    record_loaded("nd_empty_list.params")
    nd.save(path("nd_empty_dict.params"), {})
    record_loaded("nd_empty_dict.params")
    nd.save(path("nd_zero_size.params"), [nd.array([]), nd.array(np.zeros((0, 3)))])
    record_loaded("nd_zero_size.params")
    nd.save(path("nd_high_rank.params"), nd.array(values("float32", (1, 2, 1, 3, 1, 2), 30)))
    record_loaded("nd_high_rank.params")
    # MXNet writes a 0-d array it cannot read back; the values it holds are recorded.
    nd.save(path("nd_scalar_0d_legacy_UNLOADABLE.params"), nd.array(np.float32(5)))
    record_loaded(
        "nd_scalar_0d_legacy_UNLOADABLE.params",
        container="list",
        entries=[entry(None, np.array(5, dtype=np.float32))],
    )

    rows = nd.sparse.row_sparse_array(
        (values("float32", (2, 3), 40), np.array([1, 3])), shape=(5, 3)
    )
    nd.save(path("nd_sparse_row_sparse.params"), {"rsp": rows})
    record_loaded(
        "nd_sparse_row_sparse.params",
        loader=lambda f: {k: v.tostype("default") for k, v in nd.load(f).items()},
    )
    csr = nd.sparse.csr_matrix(
        (np.array([1, 2, 3], dtype="float32"), np.array([0, 2, 1]), np.array([0, 2, 2, 3])),
        shape=(3, 3),
    )
    nd.save(path("nd_sparse_csr.params"), [csr])
    record_loaded(
        "nd_sparse_csr.params", loader=lambda f: [v.tostype("default") for v in nd.load(f)]
    )


def make_v3_file() -> None:
    """npx.save under numpy semantics writes V3 records (real 0-d and zero-size arrays)."""
    from mxnet import np as mnp
    from mxnet import npx

    npx.set_np()
    try:
        npx.save(
            path("nd_v3_npx.params"),
            {
                "scalar": mnp.array(3.5, dtype="float64"),
                "zero": mnp.zeros((2, 0)),
                "vec": mnp.array(values("float32", (3,), 50)),
                "mat": mnp.array(values("int32", (2, 2), 51), dtype="int32"),
            },
        )
        record_loaded(
            "nd_v3_npx.params",
            loader=lambda f: {k: v.as_nd_ndarray() for k, v in npx.load(f).items()},
        )
    finally:
        npx.reset_np()


# ---------------------------------------------------------------------- gluon files
class MLP(gluon.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.hidden = nn.Dense(4, in_units=3)
            self.output = nn.Dense(2, in_units=4)

    def forward(self, x):
        return self.output(nd.relu(self.hidden(x)))


class Unit(gluon.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.conv = nn.Dense(2, in_units=2)

    def forward(self, x):
        return self.conv(x)


class Nested(gluon.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.Sequential()
            self.features.add(
                nn.Dense(2, in_units=2), nn.Dense(2, in_units=2), nn.Dense(2, in_units=2), Unit()
            )
            self.output = nn.Dense(1, in_units=2)

    def forward(self, x):
        return self.output(self.features(x))


def fill(net, seed: int) -> None:
    """Deterministic parameter values, in collect_params order."""
    for i, param in enumerate(net.collect_params().values()):
        param.set_data(
            nd.array(values("float32", param.shape, seed + i), dtype=param.dtype)
            if param.dtype != np.float16
            else nd.array(values("float16", param.shape, seed + i), dtype="float16")
        )


def finite(net) -> None:
    # Parameters get plain finite values: the special ones are covered by nd_dtype_*.
    for param in net.collect_params().values():
        data = np.nan_to_num(param.data().asnumpy(), nan=1.5, posinf=2.5, neginf=-2.5)
        data[np.abs(data) > 1e4] = 0.25
        param.set_data(nd.array(data, dtype=param.dtype))


def make_gluon_files() -> None:
    MLP()  # takes mlp0_: the saved model below is mlp1_, as happens
    mlp = MLP()  # when a script builds a model twice
    mlp.initialize()
    fill(mlp, 100)
    finite(mlp)
    mlp.save_parameters(path("gluon_mlp_structural.params"))
    record_loaded("gluon_mlp_structural.params", prefix=mlp.prefix)
    mlp.collect_params().save(path("gluon_mlp_legacy_global.params"))
    record_loaded("gluon_mlp_legacy_global.params", prefix=mlp.prefix)
    mlp.collect_params().save(path("gluon_mlp_legacy_stripped.params"), strip_prefix=mlp.prefix)
    record_loaded("gluon_mlp_legacy_stripped.params", prefix=mlp.prefix)

    seq = nn.Sequential(prefix="seqfix_")
    with seq.name_scope():
        seq.add(nn.Dense(3, in_units=2), nn.Dense(2, in_units=3))
    seq.initialize()
    fill(seq, 200)
    finite(seq)
    seq.save_parameters(path("gluon_sequential.params"))
    record_loaded("gluon_sequential.params", prefix=seq.prefix)
    seq.collect_params().save(path("gluon_sequential_collect.params"))
    record_loaded("gluon_sequential_collect.params", prefix=seq.prefix)

    nested = Nested()
    nested.initialize()
    fill(nested, 300)
    finite(nested)
    nested.save_parameters(path("gluon_nested.params"))
    record_loaded("gluon_nested.params", prefix=nested.prefix)

    # Layer 2 shares layer 0's parameters: deduplicate keeps the last alias's name at the
    # first alias's position.
    shared = nn.Sequential()
    first = nn.Dense(2, in_units=2)
    shared.add(first, nn.Dense(2, in_units=2), nn.Dense(2, in_units=2, params=first.params))
    shared.initialize()
    fill(shared, 400)
    finite(shared)
    shared.save_parameters(path("gluon_shared.params"))
    record_loaded("gluon_shared.params")
    shared.save_parameters(path("gluon_shared_dedup.params"), deduplicate=True)
    record_loaded("gluon_shared_dedup.params")

    half = nn.Sequential()
    half.add(nn.Dense(3, in_units=2))
    half.initialize()
    half.cast("float16")
    fill(half, 500)
    finite(half)
    half.save_parameters(path("gluon_float16.params"))
    record_loaded("gluon_float16.params")

    exp = nn.HybridSequential(prefix="expfix_")
    with exp.name_scope():
        exp.add(nn.Dense(3, in_units=2, activation="relu"), nn.Dense(1, in_units=3))
    exp.initialize()
    fill(exp, 600)
    finite(exp)
    exp.hybridize()
    exp(nd.ones((1, 2)))
    exp.export(path("gluon_export"), epoch=7)
    record_loaded("gluon_export-0007.params", prefix=exp.prefix)

    bn = nn.HybridSequential(prefix="bnfix_")
    with bn.name_scope():
        bn.add(nn.Dense(4, in_units=3), nn.BatchNorm(in_channels=4), nn.Dense(2, in_units=4))
    bn.initialize()
    fill(bn, 700)
    finite(bn)
    bn.hybridize()
    bn(nd.ones((2, 3)))
    bn.export(path("gluon_export_bn"))
    record_loaded("gluon_export_bn-0000.params", prefix=bn.prefix)


# ---------------------------------------------------------------------- hand-made files
V1, V2, V3 = 0xF993FAC8, 0xF993FAC9, 0xF993FACA


def header(n: int) -> bytes:
    return struct.pack("<QQQ", 0x112, 0, n)


def names_block(names) -> bytes:
    out = struct.pack("<Q", len(names))
    for name in names:
        raw = name.encode("utf-8")
        out += struct.pack("<Q", len(raw)) + raw
    return out


def tail(arr: np.ndarray, dev_type: int = 1, dev_id: int = 0, code=None) -> bytes:
    code = CODES[arr.dtype.name] if code is None else code
    return struct.pack("<iii", dev_type, dev_id, code) + np.ascontiguousarray(arr).tobytes()


def v2_record(arr: np.ndarray, magic: int = V2, **kw) -> bytes:
    shape = struct.pack("<i", arr.ndim) + struct.pack("<%dq" % arr.ndim, *arr.shape)
    return struct.pack("<Ii", magic, 0) + shape + tail(arr, **kw)


def v1_record(arr: np.ndarray) -> bytes:
    shape = struct.pack("<i", arr.ndim) + struct.pack("<%dq" % arr.ndim, *arr.shape)
    return struct.pack("<I", V1) + shape + tail(arr)


def prev1_record(arr: np.ndarray) -> bytes:
    return struct.pack("<I", arr.ndim) + struct.pack("<%dI" % arr.ndim, *arr.shape) + tail(arr)


def write(name: str, data: bytes) -> None:
    with open(path(name), "wb") as f:
        f.write(data)


def _load_v3_none() -> None:
    from mxnet import npx

    npx.set_np()
    npx.load(path("hand_v3_none.params"))


def crash_status(fn) -> str:
    """Runs fn in a forked child: 'ok', or how the child died (MXNet segfaults on some files)."""
    pid = os.fork()
    if pid == 0:
        try:
            fn()
        except BaseException:
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return "process killed by signal %d" % os.WTERMSIG(status)
    # MXNet's own SIGSEGV handler prints 'Segmentation fault: 11' and exits with 255.
    return {0: "ok", 3: "raised an exception", 255: "segmentation fault"}.get(
        os.WEXITSTATUS(status), "exit status %d" % os.WEXITSTATUS(status)
    )


def make_hand_files() -> None:
    a = values("float32", (2, 2), 800)
    b = values("int32", (3,), 801)
    write("hand_v1.params", header(2) + v1_record(a) + v1_record(b) + names_block([]))
    record_loaded("hand_v1.params")
    c = values("float64", (2,), 802)
    d = values("uint8", (2, 2), 803)
    write(
        "hand_prev1.params", header(2) + prev1_record(c) + prev1_record(d) + names_block(["c", "d"])
    )
    record_loaded("hand_prev1.params")
    e = values("float32", (2, 3), 804)
    write(
        "hand_gpu_ctx.params", header(1) + v2_record(e, dev_type=2, dev_id=1) + names_block(["w"])
    )
    record_loaded("hand_gpu_ctx.params")
    write(
        "hand_cpu_pinned_shared_ctx.params",
        header(2) + v2_record(a, dev_type=3) + v2_record(b, dev_type=5, dev_id=2) + names_block([]),
    )
    record_loaded("hand_cpu_pinned_shared_ctx.params")
    with open(path("nd_arange3.params"), "rb") as f:
        base = f.read()
    write("hand_trailing_bytes.params", base + b"trailing garbage \x00\xff" * 3)
    record_loaded("hand_trailing_bytes.params")
    write(
        "hand_duplicate_names.params",
        header(3)
        + v2_record(a)
        + v2_record(b)
        + v2_record(values("float32", (1,), 805))
        + names_block(["x", "y", "x"]),
    )
    record_loaded("hand_duplicate_names.params")
    write(
        "hand_reserved_nonzero.params",
        struct.pack("<QQQ", 0x112, 0xDEADBEEF, 1) + v2_record(a) + names_block([]),
    )
    record_loaded("hand_reserved_nonzero.params")
    # A V3 'none' array (ndim -1) between two real ones; MXNet needs np-shape on for V3.
    f = values("float32", (2,), 806)
    write(
        "hand_v3_none.params",
        header(3)
        + v2_record(f, magic=V3)
        + struct.pack("<Iii", V3, 0, -1)
        + v2_record(f, magic=V3)
        + names_block([]),
    )
    # MXNet itself crashes on this file (checked in a child process).
    MANIFEST["hand_v3_none.params"] = {
        "mxnet_loads": False,
        "mxnet_error": crash_status(_load_v3_none),
    }
    MANIFEST["hand_v3_none.params"].update(
        container="list", gluonlite_entries=[entry(None, f), None, entry(None, f)]
    )
    # dtype codes MXNet knows but gluonlite does not have: int16 (8) and bfloat16 (12).
    write(
        "hand_int16_code8.params",
        header(1) + v2_record(values("int32", (2,), 807).astype("<i2"), code=8) + names_block([]),
    )
    record_loaded("hand_int16_code8.params")
    write(
        "hand_bfloat16_code12.params",
        header(1) + v2_record(np.array([0x3F80, 0x4000], dtype="<u2"), code=12) + names_block([]),
    )
    record_loaded(
        "hand_bfloat16_code12.params", loader=lambda p: [v.astype("float32") for v in nd.load(p)]
    )


def main() -> None:
    assert mx.__version__ == "1.9.1", mx.__version__
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.unlink(path(name))
    make_nd_files()
    make_v3_file()
    make_gluon_files()
    make_hand_files()
    MANIFEST["_generator"] = {
        "mxnet": mx.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
    }
    with open(path("manifest.json"), "w", encoding="utf-8") as f:
        json.dump(MANIFEST, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    print("wrote %d files to %s" % (len(os.listdir(OUT)), OUT))


if __name__ == "__main__":
    main()
