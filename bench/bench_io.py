"""Save and load of a ~100 MB parameter set: gluonlite's nd.save / nd.load (MXNet .params)
against numpy (np.savez of the same dict, and np.save of one array of the same size),
torch.save / torch.load and MXNet 1.9.1's nd.save / nd.load, in one run.

The set is like a real checkpoint: a few large weight matrices (80 % of the bytes) and
about two thousand small arrays (biases, norms, small kernels). Files go to --dir (a real
disk by default: /tmp). gluonlite's nd.save is atomic and fsyncs the file before renaming
it, which the peers do not do; the row "gluonlite, file object" writes without fsync, for
a like-for-like view. MXNet runs in-process when importable, else in the interpreter
given by --mxnet-python (default /tmp/mxenv/bin/python when it exists) on the same file.

    python bench/bench_io.py [--quick] [--dir DIR] [--mb 100]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import median_time, optional_import, report  # noqa: E402

from gluonlite import nd  # noqa: E402

torch = optional_import("torch")
mxnet = optional_import("mxnet")

MXNET_CHILD = r"""
import json, statistics, sys, time
import mxnet as mx
path, out, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = mx.nd.load(path)
mx.nd.waitall()
def timed(fn):
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter(); fn(); mx.nd.waitall()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
save = timed(lambda: mx.nd.save(out, data))
load = timed(lambda: [a.wait_to_read() for a in mx.nd.load(out).values()])
print(json.dumps({"save": save, "load": load}))
"""


def make_params(total_mb: float, seed: int = 0) -> dict:
    """Structural names -> float32 arrays, ~total_mb MB in all."""
    rng = np.random.default_rng(seed)
    total = int(total_mb * 1e6)
    params = {}
    large_elems = int(total * 0.8) // 4 // 4
    for i in range(4):
        params["features.%d.weight" % i] = rng.standard_normal(
            (large_elems // 1024, 1024), dtype=np.float32)
    small_budget = total - sum(a.nbytes for a in params.values())
    shapes = [(256,), (1024,), (256, 3, 3), (512, 16), (2048,), (64, 64)]
    i = 0
    while small_budget > 0:
        shape = shapes[i % len(shapes)]
        arr = rng.standard_normal(shape, dtype=np.float32)
        params["blocks.%d.%s" % (i // 4, ("weight", "bias", "gamma", "beta")[i % 4])] = arr
        small_budget -= arr.nbytes
        i += 1
    return params


def mb_per_s(nbytes: int, seconds: float) -> str:
    return "%.0f MB/s" % (nbytes / 1e6 / seconds)


def run(args) -> None:
    params = make_params(args.mb)
    nbytes = sum(a.nbytes for a in params.values())
    print("parameter set: %d arrays, %.1f MB (%d of them under 64 KB); files in %s"
          % (len(params), nbytes / 1e6, sum(a.nbytes < 65536 for a in params.values()),
             args.dir))
    work = tempfile.mkdtemp(prefix="bench_io_", dir=args.dir)
    repeat = 3 if args.quick else 7
    path = lambda name: os.path.join(work, name)  # noqa: E731
    try:
        gl_params = {k: nd.array(v) for k, v in params.items()}
        saves, loads = {}, {}
        saves["gluonlite"] = median_time(lambda: nd.save(path("gl.params"), gl_params), 1, repeat)
        loads["gluonlite"] = median_time(lambda: nd.load(path("gl.params")), 1, repeat)

        def save_to_object():
            with open(path("gl_obj.params"), "wb") as f:
                nd.save(f, gl_params)
        saves["gluonlite, file object"] = median_time(save_to_object, 1, repeat)

        saves["numpy.savez"] = median_time(lambda: np.savez(path("np.npz"), **params), 1, repeat)

        def np_load_all():
            with np.load(path("np.npz")) as f:
                return {k: f[k] for k in f.files}
        loads["numpy.savez"] = median_time(np_load_all, 1, repeat)

        flat = np.concatenate([a.ravel() for a in params.values()])
        saves["numpy.save, one array"] = median_time(lambda: np.save(path("flat.npy"), flat),
                                                     1, repeat)
        loads["numpy.save, one array"] = median_time(lambda: np.load(path("flat.npy")), 1, repeat)
        del flat

        if torch is not None:
            state = {k: torch.from_numpy(v) for k, v in params.items()}
            saves["torch"] = median_time(lambda: torch.save(state, path("t.pt")), 1, repeat)
            loads["torch"] = median_time(lambda: torch.load(path("t.pt")), 1, repeat)
        else:
            saves["torch"] = loads["torch"] = None

        saves["mxnet"] = loads["mxnet"] = None
        if mxnet is not None:
            mx_params = {k: mxnet.nd.array(v) for k, v in params.items()}
            saves["mxnet"] = median_time(lambda: mxnet.nd.save(path("mx.params"), mx_params),
                                         1, repeat)
            loads["mxnet"] = median_time(
                lambda: [a.wait_to_read() for a in mxnet.nd.load(path("mx.params")).values()],
                1, repeat)
        elif args.mxnet_python and os.path.exists(args.mxnet_python):
            out = subprocess.run([args.mxnet_python, "-c", MXNET_CHILD, path("gl.params"),
                                  path("mx.params"), str(repeat)],
                                 capture_output=True, text=True, check=False)
            if out.returncode == 0:
                times = json.loads(out.stdout.strip().splitlines()[-1])
                saves["mxnet"], loads["mxnet"] = times["save"], times["load"]
            else:
                print("mxnet child failed:", out.stderr.strip().splitlines()[-1:])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    for title, results in (("save", saves), ("load", loads)):
        print(report("%s, %.0f MB parameter set" % (title, nbytes / 1e6), 1e3, "ms", results))
        print("  throughput: " + ", ".join("%s %s" % (k, mb_per_s(nbytes, t))
                                           for k, t in results.items() if t))
    np_save = saves["numpy.savez"] + loads["numpy.savez"]
    gl_total = saves["gluonlite"] + loads["gluonlite"]
    print("save+load: gluonlite %.0f ms, numpy.savez %.0f ms -> gluonlite takes %.2fx numpy's "
          "time" % (gl_total * 1e3, np_save * 1e3, gl_total / np_save))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--mb", type=float, default=100)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--mxnet-python", default="/tmp/mxenv/bin/python")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
