"""Convolution-network layer benchmarks: Conv2D forward+backward at LeNet and ResNet-block
sizes, MaxPool2D and BatchNorm (training mode, forward+backward), float32 on the CPU.

Prints medians of repeated runs for gluonlite, PyTorch CPU and MXNet 1.9.1 when importable
(both live in the MXNet scratch environment: run this script with that interpreter and
PYTHONPATH pointing at the gluonlite checkout), each peer's time as a multiple of
gluonlite's (>1: gluonlite is faster). Each framework is timed in its own subprocess:
MXNet sets the process's OpenMP thread count to 1 when imported and its engine threads
share the cores, which would skew whoever runs beside it.
``--threads N`` runs every framework on N threads (OMP/OpenBLAS/MKL variables and
torch.set_num_threads); the default is what each picks on its own.
Run:  python bench/bench_conv.py [--quick] [--threads N]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import median_time, optional_import, report  # noqa: E402

import gluonlite as gl  # noqa: E402
from gluonlite import autograd, nd  # noqa: E402
from gluonlite.gluon import nn  # noqa: E402

torch = None  # imported in the subprocess that times it
mxnet = None
FRAMEWORKS = ("gluonlite", "torch", "mxnet")

# (title, input shape, Conv2D keyword arguments)
CONV_CASES = [
    ("Conv2D LeNet conv1: 32x1x28x28, 1->6, 5x5, pad 2", (32, 1, 28, 28),
     dict(channels=6, kernel_size=5, padding=2)),
    ("Conv2D LeNet conv2: 32x6x14x14, 6->16, 5x5", (32, 6, 14, 14),
     dict(channels=16, kernel_size=5)),
    ("Conv2D ResNet block: 32x64x32x32, 64->64, 3x3, pad 1", (32, 64, 32, 32),
     dict(channels=64, kernel_size=3, padding=1)),
]
FEATURE_SHAPE = (32, 64, 32, 32)


def _gluonlite_step(layer, x):
    def step():
        with autograd.record():
            y = layer(x)
        y.backward()
    return step


def _mxnet_step(layer, x):
    def step():
        with mxnet.autograd.record():
            y = layer(x)
        y.backward()
        mxnet.nd.waitall()
    return step


def _torch_step(layer, x):
    def step():
        layer.zero_grad(set_to_none=True)
        x.grad = None
        layer(x).sum().backward()
    return step


def _time_layer(framework, make_gl, make_mx, make_torch, shape, number):
    """Seconds per forward+backward of a fresh layer on a fixed random input."""
    data = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    if framework == "gluonlite":
        layer = make_gl()
        layer.initialize()
        x = nd.array(data)
        x.attach_grad()
        return median_time(_gluonlite_step(layer, x), number)
    if framework == "torch":
        tx = torch.from_numpy(data).requires_grad_()
        return median_time(_torch_step(make_torch(), tx), number)
    layer = make_mx()
    layer.initialize()
    mx_x = mxnet.nd.array(data)
    mx_x.attach_grad()
    return median_time(_mxnet_step(layer, mx_x), number)


def _cases():
    """(title, timing function of (framework, q)) for every benchmark."""
    out = []
    for title, shape, kw in CONV_CASES:
        def run(fw, q, shape=shape, kw=kw):
            k, pad = kw["kernel_size"], kw.get("padding", 0)
            return _time_layer(fw, lambda: nn.Conv2D(**kw), lambda: mxnet.gluon.nn.Conv2D(**kw),
                               lambda: torch.nn.Conv2d(shape[1], kw["channels"], k, padding=pad),
                               shape, max(2, 20 // q))
        out.append((title + " (fwd+bwd)", run))
    out.append(("MaxPool2D 2x2/2 on 32x64x32x32 (fwd+bwd)", lambda fw, q: _time_layer(
        fw, nn.MaxPool2D, lambda: mxnet.gluon.nn.MaxPool2D(), lambda: torch.nn.MaxPool2d(2),
        FEATURE_SHAPE, max(2, 20 // q))))
    out.append(("BatchNorm on 32x64x32x32, training (fwd+bwd)", lambda fw, q: _time_layer(
        fw, nn.BatchNorm, lambda: mxnet.gluon.nn.BatchNorm(),
        lambda: torch.nn.BatchNorm2d(FEATURE_SHAPE[1]), FEATURE_SHAPE, max(2, 20 // q))))
    return out


def _measure(framework: str, q: int) -> None:
    """Child process: time every case with one framework, print a JSON list."""
    global torch, mxnet
    if framework == "torch":
        torch = optional_import("torch")
        if torch is None:
            print(json.dumps(None))
            return
        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1)))
    elif framework == "mxnet":
        mxnet = optional_import("mxnet")
        if mxnet is None:
            print(json.dumps(None))
            return
    print(json.dumps([run(framework, q) for _, run in _cases()]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--threads", type=int, help="threads for every framework")
    parser.add_argument("--framework", choices=FRAMEWORKS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    q = 5 if args.quick else 1
    if args.framework:
        _measure(args.framework, q)
        return
    env = dict(os.environ)
    if args.threads:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(args.threads)
    timings = {}
    for fw in FRAMEWORKS:
        cmd = [sys.executable, __file__, "--framework", fw] + (["--quick"] if args.quick else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        lines = proc.stdout.strip().splitlines()
        timings[fw] = json.loads(lines[-1]) if proc.returncode == 0 and lines else None
        if proc.returncode != 0:
            print("%s failed:\n%s" % (fw, proc.stderr[-2000:]), file=sys.stderr)
    print("CPUs: %d; threads per framework: %s; load average %s" % (
        os.cpu_count() or 0, args.threads or "default",
        " ".join("%.2f" % v for v in os.getloadavg())))
    for i, (title, _) in enumerate(_cases()):
        print(report(title, 1e3, "ms",
                     {fw: (t[i] if t else None) for fw, t in timings.items()}))


if __name__ == "__main__":
    main()
