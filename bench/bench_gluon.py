"""Gluon parameter management: network build + initialize, collect_params, small-net forward.

1. build + initialize() + first forward of a Sequential of 200 and of 1,000 Dense(64), with
   deferred shapes and with in_units given (single-shot: one call per run);
2. collect_params with a regex over 10,000 parameters;
3. forward of a 3-layer MLP at batch 1 (per-call Python overhead), plain and hybridized.

Against MXNet 1.9.1 Gluon (the same script) and PyTorch CPU (nn.Linear / nn.LazyLinear),
each framework in its own process on the same thread count; medians of repeated runs, each
peer's time as a multiple of gluonlite's (>1: gluonlite is faster).
Run:  python bench/bench_gluon.py [--quick] [--threads N] [--mxnet-python PATH]
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType
from typing import Callable, List, Tuple

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import Case, Setup, run_cases  # noqa: E402

UNITS = 64
MLP_IN = 784


def _gluon(name: str, make: Callable[..., Tuple[Callable[[], object], int]], *args) -> Setup:
    """A setup that imports gluonlite or MXNet (``name``) and passes it to ``make``."""

    def setup(q: int):
        return make(importlib.import_module(name), q, *args)

    return setup


def gluon_build(lib: ModuleType, q: int, layers: int, deferred: bool):
    """Builds, initializes and runs a fresh stack of ``layers`` Dense(64) per call."""
    nn = lib.gluon.nn
    x = lib.nd.ones((1, UNITS))

    def run():
        net = nn.Sequential()
        with net.name_scope():
            for _ in range(layers):
                net.add(nn.Dense(UNITS) if deferred else nn.Dense(UNITS, in_units=UNITS))
        net.initialize()
        net(x).wait_to_read()

    return run, 1


def torch_build(layers: int, lazy: bool) -> Setup:
    """The PyTorch equivalent: nn.Linear (or nn.LazyLinear when ``lazy``) stacks."""

    def setup(q: int):
        import torch

        x = torch.ones(1, UNITS)

        def run():
            layer = (
                (lambda: torch.nn.LazyLinear(UNITS))
                if lazy
                else (lambda: torch.nn.Linear(UNITS, UNITS))
            )
            net = torch.nn.Sequential(*[layer() for _ in range(layers)])
            with torch.no_grad():
                net(x)

        return run, 1

    return setup


def build_case(layers: int, deferred: bool) -> Case:
    """Single-shot: each run builds a new network, so one call per run and few runs."""
    label = "deferred shapes" if deferred else "in_units given"
    return Case(
        f"build + initialize + first forward, {layers:,} Dense({UNITS}), {label}",
        {
            "gluonlite": _gluon("gluonlite", gluon_build, layers, deferred),
            "torch (LazyLinear)" if deferred else "torch": torch_build(layers, deferred),
            "mxnet": _gluon("mxnet", gluon_build, layers, deferred),
        },
        repeat=5,
        warmup=1,
    )


def gluon_collect(lib: ModuleType, q: int):
    """collect_params('.*weight') on 5,000 Dense(4) layers (10,000 parameters)."""
    nn = lib.gluon.nn
    net = nn.Sequential()
    with net.name_scope():
        for _ in range(5000):
            net.add(nn.Dense(4, in_units=4))
    return (lambda: net.collect_params(".*weight")), 20 // q


def torch_collect(q: int):
    """The PyTorch equivalent: filter named_parameters() with the same regex."""
    import re

    import torch

    net = torch.nn.Sequential(*[torch.nn.Linear(4, 4) for _ in range(5000)])
    pattern = re.compile(r".*weight")
    return (lambda: {n: p for n, p in net.named_parameters() if pattern.match(n)}), 20 // q


def collect_case() -> Case:
    """Regex lookup over a large parameter dict."""
    return Case(
        "collect_params('.*weight') over 10,000 parameters",
        {
            "gluonlite": _gluon("gluonlite", gluon_collect),
            "torch (named_parameters + re)": torch_collect,
            "mxnet": _gluon("mxnet", gluon_collect),
        },
        repeat=5,
    )


def _mlp_input() -> np.ndarray:
    return np.random.default_rng(0).random((1, MLP_IN), dtype=np.float32)


def gluon_mlp(lib: ModuleType, q: int, hybridize: bool):
    """Forward of Dense(256, relu) - Dense(128, relu) - Dense(10) at batch 1."""
    nn = lib.gluon.nn
    net = nn.HybridSequential() if hybridize else nn.Sequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(128, activation="relu"), nn.Dense(10))
    net.initialize()
    x = lib.nd.array(_mlp_input())
    net(x)
    if hybridize:
        net.hybridize()
        net(x)
    if lib.__name__ == "mxnet":  # asynchronous engine: time the work, not the enqueue
        return (lambda: net(x).wait_to_read()), 500 // q
    return (lambda: net(x)), 2000 // q


def torch_mlp(q: int):
    """The PyTorch equivalent under no_grad."""
    import torch

    net = torch.nn.Sequential(
        torch.nn.Linear(MLP_IN, 256),
        torch.nn.ReLU(),
        torch.nn.Linear(256, 128),
        torch.nn.ReLU(),
        torch.nn.Linear(128, 10),
    )
    x = torch.from_numpy(_mlp_input())

    def run():
        with torch.no_grad():
            net(x)

    return run, 2000 // q


def mlp_case() -> Case:
    """Per-call overhead of a small network's forward."""
    return Case(
        "3-layer MLP forward, batch 1",
        {
            "gluonlite": _gluon("gluonlite", gluon_mlp, False),
            "gluonlite hybridized": _gluon("gluonlite", gluon_mlp, True),
            "torch": torch_mlp,
            "mxnet": _gluon("mxnet", gluon_mlp, False),
            "mxnet hybridized": _gluon("mxnet", gluon_mlp, True),
        },
        unit="us",
    )


def make_cases() -> List[Case]:
    return [
        build_case(layers, deferred) for layers in (200, 1000) for deferred in (True, False)
    ] + [collect_case(), mlp_case()]


if __name__ == "__main__":
    run_cases(os.path.abspath(__file__), __doc__, make_cases)
