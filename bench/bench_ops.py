"""Core op benchmarks: per-call overhead, elementwise, SGEMM, random fill, FullyConnected.

Each framework (gluonlite, numpy, PyTorch CPU torch==2.13.0, MXNet 1.9.1) runs in its own
process on the same thread count; prints medians of repeated runs with each peer's time as
a multiple of gluonlite's (>1: gluonlite is faster).
Run:  python bench/bench_ops.py [--quick] [--threads N] [--mxnet-python PATH]
"""

from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import Case, run_cases  # noqa: E402

N_ELEM = 1_000_000


def _vectors(k: int):
    rng = np.random.default_rng(0)
    return [rng.random(N_ELEM, dtype=np.float32) for _ in range(k)]


def overhead_case() -> Case:
    def gl(q):
        from gluonlite import nd

        a, b = nd.ones((10,)), nd.ones((10,))
        return (lambda: a + b), 20000 // q

    def np_(q):
        a, b = np.ones(10, np.float32), np.ones(10, np.float32)
        return (lambda: a + b), 20000 // q

    def torch_(q):
        import torch

        a, b = torch.ones(10), torch.ones(10)
        return (lambda: a + b), 20000 // q

    def mx(q):
        import mxnet

        a, b = mxnet.nd.ones((10,)), mxnet.nd.ones((10,))
        return (lambda: a + b), 2000 // q

    return Case(
        "x + y, 10 float32 elements (per-call overhead)",
        {"gluonlite": gl, "numpy": np_, "torch": torch_, "mxnet": mx},
        unit="us",
    )


def relu_case() -> Case:
    def gl(q):
        from gluonlite import nd

        x = nd.array(_vectors(1)[0])
        return (lambda: nd.relu(x)), 300 // q

    def np_(q):
        x = _vectors(1)[0]
        return (lambda: np.maximum(x, 0)), 300 // q

    def torch_(q):
        import torch

        x = torch.from_numpy(_vectors(1)[0])
        return (lambda: torch.relu(x)), 300 // q

    def mx(q):
        import mxnet

        x = mxnet.nd.array(_vectors(1)[0])
        return (lambda: mxnet.nd.relu(x).wait_to_read()), 300 // q

    return Case(
        "relu, 1e6 float32",
        {"gluonlite": gl, "numpy": np_, "torch": torch_, "mxnet": mx},
        unit="us",
    )


def fma_case() -> Case:
    def gl(q):
        from gluonlite import nd

        x, y = (nd.array(v) for v in _vectors(2))
        return (lambda: x * y + x), 200 // q

    def np_(q):
        x, y = _vectors(2)
        return (lambda: x * y + x), 200 // q

    def torch_(q):
        import torch

        x, y = (torch.from_numpy(v) for v in _vectors(2))
        return (lambda: x * y + x), 200 // q

    def mx(q):
        import mxnet

        x, y = (mxnet.nd.array(v) for v in _vectors(2))
        return (lambda: (x * y + x).wait_to_read()), 200 // q

    return Case(
        "x * y + x, 1e6 float32",
        {"gluonlite": gl, "numpy": np_, "torch": torch_, "mxnet": mx},
        unit="us",
    )


def sgemm_case(n: int) -> Case:
    number = {256: 300, 1024: 10, 2048: 3}[n]

    def mats():
        rng = np.random.default_rng(n)
        return rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)

    def gl(q):
        from gluonlite import nd

        a, b = (nd.array(m) for m in mats())
        return (lambda: nd.dot(a, b)), number // q

    def np_(q):
        a, b = mats()
        return (lambda: a @ b), number // q

    def torch_(q):
        import torch

        a, b = (torch.from_numpy(m) for m in mats())
        return (lambda: a @ b), number // q

    def mx(q):
        import mxnet

        a, b = (mxnet.nd.array(m) for m in mats())
        return (lambda: mxnet.nd.dot(a, b).wait_to_read()), number // q

    return Case(
        f"SGEMM {n}x{n}",
        {"gluonlite": gl, "numpy": np_, "torch": torch_, "mxnet": mx},
        repeat=5,
        work=(2.0 * n**3, "GFLOP/s"),
    )


def uniform_case() -> Case:
    n = 10_000_000

    def gl(q):
        from gluonlite import nd

        out = nd.empty((n,))
        return (lambda: nd.random.uniform(0, 1, out=out)), 10 // q

    def np_(q):
        rng, out = np.random.default_rng(0), np.empty(n, np.float32)
        return (lambda: rng.random(n, dtype=np.float32, out=out)), 10 // q

    def torch_(q):
        import torch

        out = torch.empty(n)
        return (lambda: out.uniform_(0, 1)), 10 // q

    def mx(q):
        import mxnet

        out = mxnet.nd.empty((n,))
        return (lambda: mxnet.nd.random.uniform(0, 1, out=out).wait_to_read()), 10 // q

    return Case(
        "uniform fill, 1e7 float32",
        {"gluonlite": gl, "numpy Generator": np_, "torch": torch_, "mxnet": mx},
        repeat=5,
    )


def fully_connected_case() -> Case:
    def data():
        rng = np.random.default_rng(1)
        x = rng.random((64, 784), dtype=np.float32)
        w = (rng.random((256, 784), dtype=np.float32) - 0.5) * 0.1
        return x, w, np.zeros(256, np.float32)

    def gluon_like(lib, q):
        x, w, b = (lib.nd.array(v) for v in data())
        w.attach_grad()
        b.attach_grad()

        def step():
            with lib.autograd.record():
                y = lib.nd.FullyConnected(x, w, b, num_hidden=256)
            y.backward()
            w.grad.wait_to_read()

        return step, 300 // q

    def gl(q):
        import gluonlite

        return gluon_like(gluonlite, q)

    def mx(q):
        import mxnet

        return gluon_like(mxnet, q)

    def torch_(q):
        import torch

        x, w, b = (torch.from_numpy(v) for v in data())
        w.requires_grad_()
        b.requires_grad_()

        def step():
            y = torch.nn.functional.linear(x, w, b)
            y.backward(torch.ones_like(y))

        return step, 300 // q

    return Case(
        "FullyConnected fwd+bwd, batch 64, 784->256",
        {"gluonlite": gl, "torch": torch_, "mxnet": mx},
    )


def make_cases():
    return [
        overhead_case(),
        relu_case(),
        fma_case(),
        sgemm_case(256),
        sgemm_case(1024),
        sgemm_case(2048),
        uniform_case(),
        fully_connected_case(),
    ]


if __name__ == "__main__":
    run_cases(os.path.abspath(__file__), __doc__, make_cases)
