"""Gluon parameter-management benchmarks against MXNet 1.9.1 and PyTorch CPU.

1. build + initialize() + first forward of a Sequential of 1,000 Dense(64), with deferred
   shapes and with in_units given;
2. collect_params with a regex over 10,000 parameters;
3. forward of a 3-layer MLP at batch 1 (per-call Python overhead).

Each peer's time is printed as a multiple of gluonlite's (>1: gluonlite is faster).
Run:  python bench/bench_gluon.py [--quick]
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import median_time, optional_import, report  # noqa: E402

import gluonlite  # noqa: E402

torch = optional_import("torch")
mxnet = optional_import("mxnet")

LAYERS, UNITS = 1000, 64


def build_and_run(fw, deferred: bool):
    nn, nd = fw.gluon.nn, fw.nd
    x = nd.ones((1, UNITS))

    def run():
        net = nn.Sequential()
        with net.name_scope():
            for _ in range(LAYERS):
                net.add(nn.Dense(UNITS) if deferred else nn.Dense(UNITS, in_units=UNITS))
        net.initialize()
        net(x).wait_to_read()
    return run


def torch_build_and_run():
    x = torch.ones(1, UNITS)

    def run():
        net = torch.nn.Sequential(*[torch.nn.Linear(UNITS, UNITS) for _ in range(LAYERS)])
        with torch.no_grad():
            net(x)
    return run


def torch_lazy_build_and_run():
    x = torch.ones(1, UNITS)

    def run():
        net = torch.nn.Sequential(*[torch.nn.LazyLinear(UNITS) for _ in range(LAYERS)])
        with torch.no_grad():
            net(x)
    return run


def collect_regex(fw):
    nn = fw.gluon.nn
    net = nn.Sequential()
    with net.name_scope():
        for _ in range(5000):  # 5,000 Dense layers = 10,000 parameters
            net.add(nn.Dense(4, in_units=4))
    return lambda: net.collect_params(".*weight")


def torch_collect_regex():
    import re
    net = torch.nn.Sequential(*[torch.nn.Linear(4, 4) for _ in range(5000)])
    pattern = re.compile(r".*weight")
    return lambda: {n: p for n, p in net.named_parameters() if pattern.match(n)}


def mlp_forward(fw, hybridize=False):
    nn, nd = fw.gluon.nn, fw.nd
    net = nn.HybridSequential() if hybridize else nn.Sequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(128, activation="relu"), nn.Dense(10))
    net.initialize()
    x = nd.array(np.random.rand(1, 784))
    net(x)
    if hybridize:
        net.hybridize()
        net(x)
    if fw is mxnet:
        return lambda: net(x).wait_to_read()
    return lambda: net(x)


def torch_mlp_forward():
    net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                              torch.nn.ReLU(), torch.nn.Linear(128, 10))
    x = torch.rand(1, 784)

    def run():
        with torch.no_grad():
            net(x)
    return run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    q = 5 if args.quick else 1
    print(f"gluonlite {gluonlite.__version__}, torch {getattr(torch, '__version__', 'absent')}, "
          f"mxnet {getattr(mxnet, '__version__', 'absent')}")
    for deferred in (True, False):
        res = {"gluonlite": median_time(build_and_run(gluonlite, deferred), 1, repeat=5 // q + 1, warmup=1)}
        if mxnet:
            res["mxnet"] = median_time(build_and_run(mxnet, deferred), 1, repeat=5 // q + 1, warmup=1)
        if torch:
            res["torch" + (" (LazyLinear)" if deferred else "")] = median_time(
                torch_lazy_build_and_run() if deferred else torch_build_and_run(), 1, repeat=5 // q + 1, warmup=1)
        label = "deferred shapes" if deferred else "in_units given"
        print(report(f"build + initialize + first forward, 1,000 Dense(64), {label}", 1e3, "ms", res), flush=True)
    res = {"gluonlite": median_time(collect_regex(gluonlite), 20 // q, repeat=5)}
    if mxnet:
        res["mxnet"] = median_time(collect_regex(mxnet), 20 // q, repeat=5)
    if torch:
        res["torch (named_parameters + re)"] = median_time(torch_collect_regex(), 20 // q, repeat=5)
    print(report("collect_params('.*weight') over 10,000 parameters", 1e3, "ms", res), flush=True)
    res = {"gluonlite": median_time(mlp_forward(gluonlite), 2000 // q)}
    if mxnet:
        res["mxnet"] = median_time(mlp_forward(mxnet), 500 // q)
        res["mxnet hybridized"] = median_time(mlp_forward(mxnet, hybridize=True), 500 // q)
    if torch:
        res["torch"] = median_time(torch_mlp_forward(), 2000 // q)
    print(report("3-layer MLP forward, batch 1", 1e6, "us", res), flush=True)


if __name__ == "__main__":
    main()
