"""Save and load of a ~100 MB parameter set: gluonlite's nd.save / nd.load (MXNet .params).

Against numpy (np.savez of the same dict, and np.save of one array of the same size),
torch.save / torch.load and MXNet 1.9.1's nd.save / nd.load, each framework in its own
process on the same thread count; medians of repeated runs, each peer's time as a multiple
of gluonlite's (>1: gluonlite is faster).

The set is like a real checkpoint: a few large weight matrices (80 % of the bytes) and
about two thousand small arrays (biases, norms, small kernels). Files go to a fresh
tempfile.mkdtemp directory under the system's temporary directory (/tmp unless TMPDIR says
otherwise; use a real disk), removed when each process exits. gluonlite's nd.save is
atomic and fsyncs the file before renaming it, which the peers do not do; the row
"gluonlite (file object)" writes without fsync, for a like-for-like view.
Run:  python bench/bench_io.py [--quick] [--threads N] [--mxnet-python PATH]
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import sys
import tempfile
from typing import Callable, Dict, List, Tuple

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import Case, run_cases  # noqa: E402

TOTAL_MB = 100
REPEAT, WARMUP = 5, 1  # single-shot: one save or load per run


def param_shapes(total_mb: float) -> Dict[str, Tuple[int, ...]]:
    """Structural names -> shapes of float32 arrays, ~total_mb MB in all."""
    total = int(total_mb * 1e6)
    large_elems = int(total * 0.8) // 4 // 4
    shapes = {"features.%d.weight" % i: (large_elems // 1024, 1024) for i in range(4)}
    small_budget = total - 4 * (large_elems // 1024) * 1024 * 4
    small = [(256,), (1024,), (256, 3, 3), (512, 16), (2048,), (64, 64)]
    i = 0
    while small_budget > 0:
        shape = small[i % len(small)]
        shapes["blocks.%d.%s" % (i // 4, ("weight", "bias", "gamma", "beta")[i % 4])] = shape
        small_budget -= int(np.prod(shape)) * 4
        i += 1
    return shapes


SHAPES = param_shapes(TOTAL_MB)
NBYTES = sum(int(np.prod(s)) * 4 for s in SHAPES.values())


@functools.lru_cache(maxsize=None)
def params() -> Dict[str, np.ndarray]:
    """The parameter set (random, made once per process)."""
    rng = np.random.default_rng(0)
    return {name: rng.standard_normal(shape, dtype=np.float32) for name, shape in SHAPES.items()}


@functools.lru_cache(maxsize=None)
def _workdir() -> str:
    work = tempfile.mkdtemp(prefix="bench_io_")
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    return work


def path(name: str) -> str:
    """A file in this process's temporary directory."""
    return os.path.join(_workdir(), name)


def _flat() -> np.ndarray:
    return np.concatenate([a.ravel() for a in params().values()])


def _once(fn: Callable[[], object]) -> Tuple[Callable[[], object], int]:
    return fn, 1


# --- setups: save ---------------------------------------------------------------------------


def gl_save(q: int):
    from gluonlite import nd

    arrays = {k: nd.array(v) for k, v in params().items()}
    return _once(lambda: nd.save(path("gl.params"), arrays))


def gl_save_file_object(q: int):
    from gluonlite import nd

    arrays = {k: nd.array(v) for k, v in params().items()}

    def save():
        with open(path("gl_obj.params"), "wb") as f:
            nd.save(f, arrays)

    return _once(save)


def np_savez(q: int):
    return _once(lambda: np.savez(path("np.npz"), **params()))


def np_save_flat(q: int):
    flat = _flat()
    return _once(lambda: np.save(path("flat.npy"), flat))


def torch_save(q: int):
    import torch

    state = {k: torch.from_numpy(v) for k, v in params().items()}
    return _once(lambda: torch.save(state, path("t.pt")))


def mx_save(q: int):
    import mxnet

    arrays = {k: mxnet.nd.array(v) for k, v in params().items()}

    def save():
        mxnet.nd.save(path("mx.params"), arrays)
        mxnet.nd.waitall()

    return _once(save)


# --- setups: load (each writes its own file first) ------------------------------------------


def gl_load(q: int):
    from gluonlite import nd

    nd.save(path("gl_load.params"), {k: nd.array(v) for k, v in params().items()})
    return _once(lambda: nd.load(path("gl_load.params")))


def np_load_savez(q: int):
    np.savez(path("np_load.npz"), **params())

    def load():
        with np.load(path("np_load.npz")) as f:
            return {k: f[k] for k in f.files}

    return _once(load)


def np_load_flat(q: int):
    np.save(path("flat_load.npy"), _flat())
    return _once(lambda: np.load(path("flat_load.npy")))


def torch_load(q: int):
    import torch

    torch.save({k: torch.from_numpy(v) for k, v in params().items()}, path("t_load.pt"))
    return _once(lambda: torch.load(path("t_load.pt")))


def mx_load(q: int):
    import mxnet

    mxnet.nd.save(path("mx_load.params"), {k: mxnet.nd.array(v) for k, v in params().items()})
    return _once(lambda: [a.wait_to_read() for a in mxnet.nd.load(path("mx_load.params")).values()])


def make_cases() -> List[Case]:
    mb = NBYTES / 1e6
    small = sum(int(np.prod(s)) * 4 < 65536 for s in SHAPES.values())
    described = (
        f"parameter set: {len(SHAPES)} arrays, {mb:.1f} MB ({small} of them under "
        f"64 KB); files under {tempfile.gettempdir()}"
    )
    common = dict(repeat=REPEAT, warmup=WARMUP, work=(NBYTES, "GB/s"))
    return [
        Case(
            f"save, {mb:.0f} MB parameter set",
            {
                "gluonlite": gl_save,
                "gluonlite (file object)": gl_save_file_object,
                "numpy savez": np_savez,
                "numpy save, one array": np_save_flat,
                "torch": torch_save,
                "mxnet": mx_save,
            },
            notes=[described],
            **common,
        ),
        Case(
            f"load, {mb:.0f} MB parameter set",
            {
                "gluonlite": gl_load,
                "numpy savez": np_load_savez,
                "numpy save, one array": np_load_flat,
                "torch": torch_load,
                "mxnet": mx_load,
            },
            **common,
        ),
    ]


def summary(record: Dict) -> str:
    """gluonlite's save+load against numpy savez's (empty when either did not run)."""
    save, load = (record["cases"][c.title] for c in make_cases())
    try:
        gl_total = save["gluonlite"] + load["gluonlite"]
        np_total = save["numpy savez"] + load["numpy savez"]
    except KeyError:
        return ""
    return (
        f"save+load: gluonlite {gl_total * 1e3:.0f} ms, numpy savez {np_total * 1e3:.0f} ms"
        f" -> gluonlite takes {gl_total / np_total:.2f}x numpy's time"
    )


if __name__ == "__main__":
    result = run_cases(os.path.abspath(__file__), __doc__, make_cases)
    if result and summary(result):
        print(summary(result))
