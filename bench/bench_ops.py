"""Core op benchmarks: per-call overhead, elementwise, SGEMM, random fill, FullyConnected.

Prints medians of repeated runs for gluonlite, numpy, PyTorch CPU (torch==2.13.0) and MXNet
1.9.1 when installed, with each peer's time as a multiple of gluonlite's (>1: gluonlite is
faster). Run:  python bench/bench_ops.py [--quick]
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import median_time, optional_import, report  # noqa: E402

import gluonlite as gl  # noqa: E402
from gluonlite import autograd, nd  # noqa: E402

torch = optional_import("torch")
mxnet = optional_import("mxnet")


def bench_overhead(q):
    results = {}
    a, b = nd.ones((10,)), nd.ones((10,))
    results["gluonlite"] = median_time(lambda: a + b, 20000 // q)
    na, nb = np.ones(10, np.float32), np.ones(10, np.float32)
    results["numpy"] = median_time(lambda: na + nb, 20000 // q)
    if torch:
        ta, tb = torch.ones(10), torch.ones(10)
        results["torch"] = median_time(lambda: ta + tb, 20000 // q)
    if mxnet:
        ma, mb = mxnet.nd.ones((10,)), mxnet.nd.ones((10,))
        results["mxnet"] = median_time(lambda: (ma + mb), 2000 // q)
    return report("x + y, 10 float32 elements (per-call overhead)", 1e6, "us", results)


def bench_elementwise(q):
    out = []
    n = 1_000_000
    x, y, z = (np.random.rand(n).astype(np.float32) for _ in range(3))
    gx, gy, gz = nd.array(x), nd.array(y), nd.array(z)
    res = {"gluonlite": median_time(lambda: nd.relu(gx), 200 // q),
           "numpy": median_time(lambda: np.maximum(x, 0), 200 // q)}
    if torch:
        tx = torch.from_numpy(x)
        res["torch"] = median_time(lambda: torch.relu(tx), 200 // q)
    if mxnet:
        mx_ = mxnet.nd.array(x)
        res["mxnet"] = median_time(lambda: mxnet.nd.relu(mx_).wait_to_read(), 200 // q)
    out.append(report("relu, 1e6 float32", 1e3, "ms", res))
    res = {"gluonlite": median_time(lambda: gx * gy + gz, 100 // q),
           "numpy": median_time(lambda: x * y + z, 100 // q)}
    if torch:
        tx, ty, tz = (torch.from_numpy(v) for v in (x, y, z))
        res["torch"] = median_time(lambda: tx * ty + tz, 100 // q)
    if mxnet:
        mx_, my, mz = (mxnet.nd.array(v) for v in (x, y, z))
        res["mxnet"] = median_time(lambda: (mx_ * my + mz).wait_to_read(), 100 // q)
    out.append(report("x * y + z, 1e6 float32", 1e3, "ms", res))
    return "\n".join(out)


def bench_sgemm(q):
    out = []
    for n in (256, 1024, 2048):
        a = np.random.rand(n, n).astype(np.float32)
        b = np.random.rand(n, n).astype(np.float32)
        ga, gb = nd.array(a), nd.array(b)
        number = max(1, {256: 200, 1024: 10, 2048: 3}[n] // q)
        res = {"gluonlite": median_time(lambda: nd.dot(ga, gb), number, repeat=5),
               "numpy": median_time(lambda: a @ b, number, repeat=5)}
        if torch:
            ta, tb = torch.from_numpy(a), torch.from_numpy(b)
            res["torch"] = median_time(lambda: ta @ tb, number, repeat=5)
        if mxnet:
            ma, mb = mxnet.nd.array(a), mxnet.nd.array(b)
            res["mxnet"] = median_time(lambda: mxnet.nd.dot(ma, mb).wait_to_read(), number, repeat=5)
        flops = 2 * n ** 3
        row = report(f"SGEMM {n}x{n}", 1e3, "ms", res)
        row += "\n  " + "  ".join(f"{k}: {flops / v / 1e9:.1f} GFLOP/s" for k, v in res.items() if v)
        out.append(row)
    return "\n".join(out)


def bench_uniform(q):
    n = 10_000_000
    target = nd.empty((n,))
    rng = np.random.default_rng(0)
    res = {"gluonlite": median_time(lambda: nd.random.uniform(0, 1, out=target), 10 // q or 1, repeat=5),
           "numpy Generator": median_time(lambda: rng.random(n, dtype=np.float32), 10 // q or 1, repeat=5)}
    if torch:
        tt = torch.empty(n)
        res["torch"] = median_time(lambda: tt.uniform_(0, 1), 10 // q or 1, repeat=5)
    if mxnet:
        mt = mxnet.nd.empty((n,))
        res["mxnet"] = median_time(lambda: mxnet.nd.random.uniform(0, 1, out=mt).wait_to_read(),
                                   10 // q or 1, repeat=5)
    return report("uniform fill, 1e7 float32", 1e3, "ms", res)


def bench_fully_connected(q):
    x = np.random.rand(64, 784).astype(np.float32)
    w = (np.random.rand(256, 784).astype(np.float32) - 0.5) * 0.1
    b = np.zeros(256, np.float32)
    gx, gw, gb = nd.array(x), nd.array(w), nd.array(b)
    gw.attach_grad()
    gb.attach_grad()

    def gl_step():
        with autograd.record():
            y = nd.FullyConnected(gx, gw, gb, num_hidden=256)
        y.backward()

    res = {"gluonlite": median_time(gl_step, 200 // q)}
    if torch:
        tx = torch.from_numpy(x)
        tw = torch.from_numpy(w.copy()).requires_grad_()
        tb = torch.from_numpy(b.copy()).requires_grad_()

        def torch_step():
            y = torch.nn.functional.linear(tx, tw, tb)
            y.backward(torch.ones_like(y))

        res["torch"] = median_time(torch_step, 200 // q)
    if mxnet:
        mx_, mw, mb = mxnet.nd.array(x), mxnet.nd.array(w), mxnet.nd.array(b)
        mw.attach_grad()
        mb.attach_grad()

        def mx_step():
            with mxnet.autograd.record():
                y = mxnet.nd.FullyConnected(mx_, mw, mb, num_hidden=256)
            y.backward()
            mw.grad.wait_to_read()

        res["mxnet"] = median_time(mx_step, 200 // q)
    return report("FullyConnected fwd+bwd, batch 64, 784->256", 1e3, "ms", res)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    args = parser.parse_args()
    q = 10 if args.quick else 1
    print(f"gluonlite {gl.__version__}, numpy {np.__version__}, "
          f"torch {getattr(torch, '__version__', 'absent')}, mxnet {getattr(mxnet, '__version__', 'absent')}")
    if torch:
        torch.set_num_threads(os.cpu_count() or 1)
    for section in (bench_overhead, bench_elementwise, bench_sgemm, bench_uniform, bench_fully_connected):
        print(section(q), flush=True)


if __name__ == "__main__":
    main()
