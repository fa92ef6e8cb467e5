"""Convolution-network layer benchmarks: Conv2D forward+backward at LeNet and ResNet-block
sizes, MaxPool2D and BatchNorm (training mode, forward+backward), float32 on the CPU.

Prints medians of repeated runs for gluonlite, PyTorch CPU and MXNet 1.9.1 when importable
(both live in the MXNet scratch environment: run this script with that interpreter and
PYTHONPATH pointing at the gluonlite checkout), each peer's time as a multiple of
gluonlite's (>1: gluonlite is faster). Run:  python bench/bench_conv.py [--quick]
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
from gluonlite.gluon import nn  # noqa: E402

torch = optional_import("torch")
mxnet = optional_import("mxnet")

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


def _time_layer(make_gl, make_mx, make_torch, shape, number):
    data = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    results = {}
    layer = make_gl()
    layer.initialize()
    x = nd.array(data)
    x.attach_grad()
    results["gluonlite"] = median_time(_gluonlite_step(layer, x), number)
    if torch:
        tlayer = make_torch()
        tx = torch.from_numpy(data).requires_grad_()
        results["torch"] = median_time(_torch_step(tlayer, tx), number)
    if mxnet:
        mlayer = make_mx()
        mlayer.initialize()
        mx_x = mxnet.nd.array(data)
        mx_x.attach_grad()
        results["mxnet"] = median_time(_mxnet_step(mlayer, mx_x), number)
    return results


def bench_conv(q):
    out = []
    for title, shape, kw in CONV_CASES:
        k, pad = kw["kernel_size"], kw.get("padding", 0)
        results = _time_layer(
            lambda: nn.Conv2D(**kw),
            lambda: mxnet.gluon.nn.Conv2D(**kw),
            lambda: torch.nn.Conv2d(shape[1], kw["channels"], k, padding=pad),
            shape, max(2, 20 // q))
        out.append(report(title + " (fwd+bwd)", 1e3, "ms", results))
    return out


def bench_maxpool(q):
    results = _time_layer(lambda: nn.MaxPool2D(), lambda: mxnet.gluon.nn.MaxPool2D(),
                          lambda: torch.nn.MaxPool2d(2), FEATURE_SHAPE, max(2, 20 // q))
    return report("MaxPool2D 2x2/2 on 32x64x32x32 (fwd+bwd)", 1e3, "ms", results)


def bench_batchnorm(q):
    results = _time_layer(lambda: nn.BatchNorm(), lambda: mxnet.gluon.nn.BatchNorm(),
                          lambda: torch.nn.BatchNorm2d(FEATURE_SHAPE[1]), FEATURE_SHAPE,
                          max(2, 20 // q))
    return report("BatchNorm on 32x64x32x32, training (fwd+bwd)", 1e3, "ms", results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    q = 5 if args.quick else 1
    print("gluonlite %s; torch %s (%d threads); mxnet %s" % (
        gl.__version__ if hasattr(gl, "__version__") else "dev",
        torch.__version__ if torch else "n/a", torch.get_num_threads() if torch else 0,
        mxnet.__version__ if mxnet else "n/a"))
    for block in bench_conv(q) + [bench_maxpool(q), bench_batchnorm(q)]:
        print(block)


if __name__ == "__main__":
    main()
