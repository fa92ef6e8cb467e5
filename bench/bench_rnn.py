"""Recurrent-layer benchmarks: gluon.rnn LSTM and GRU forward+backward, and LSTMCell unrolled.

The fused layers at a word-language-model size (sequence 35, batch 32, 256 -> 256, 2 layers)
and a small one (sequence 20, batch 8, 32 -> 64), float32 on the CPU. gluonlite and MXNet
1.9.1 run the same Gluon code, PyTorch CPU torch.nn.LSTM / GRU; each framework in its own
process on the same thread count; medians of repeated runs, each peer's time as a multiple
of gluonlite's (>1: gluonlite is faster).
Run:  python bench/bench_rnn.py [--quick] [--threads N] [--mxnet-python PATH]
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import List, Tuple

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from bench_conv import gluon_layer_step, torch_layer_step  # noqa: E402
from common import Case, run_cases  # noqa: E402

STEPS = 10  # timed calls per run, before --quick

# (title, (T, N, C), hidden, layers)
SIZES = [
    ("35x32x256, hidden 256, 2 layers", (35, 32, 256), 256, 2),
    ("20x8x32, hidden 64, 1 layer", (20, 8, 32), 64, 1),
]


def layer_case(
    kind: str, title: str, shape: Tuple[int, int, int], hidden: int, layers: int
) -> Case:
    """Forward+backward of a fused layer; torch's (output, state) -> output."""

    def gluon(name: str):
        def setup(q: int):
            lib = importlib.import_module(name)

            def make(lib):
                return getattr(lib.gluon.rnn, kind)(hidden, layers, input_size=shape[2])

            return gluon_layer_step(lib, make, shape), max(2, STEPS // q)

        return setup

    def torch_(q: int):
        import torch

        class OutputOnly(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = getattr(torch.nn, kind)(shape[2], hidden, layers)

            def forward(self, x):
                return self.rnn(x)[0]

        return torch_layer_step(lambda torch: OutputOnly(), shape), max(2, STEPS // q)

    return Case(
        "%s %s (fwd+bwd)" % (kind, title),
        {"gluonlite": gluon("gluonlite"), "torch": torch_, "mxnet": gluon("mxnet")},
    )


def cell_case() -> Case:
    """LSTMCell unrolled over 20 steps (nd ops per step): forward+backward."""
    T, N, C, H = 20, 8, 32, 64

    def gluon(name: str):
        def setup(q: int):
            lib = importlib.import_module(name)
            cell = lib.gluon.rnn.LSTMCell(H, input_size=C)
            cell.initialize()
            x = lib.nd.array(np.random.default_rng(0).standard_normal((N, T, C)).astype("f4"))
            wait = lib.nd.waitall if name == "mxnet" else (lambda: None)

            def step():
                with lib.autograd.record():
                    out, _ = cell.unroll(T, x, merge_outputs=True)
                out.backward()
                wait()

            return step, max(2, STEPS // q)

        return setup

    return Case(
        "LSTMCell unroll 20 steps, 8x32 -> 64 (fwd+bwd)",
        {"gluonlite": gluon("gluonlite"), "mxnet": gluon("mxnet")},
    )


def make_cases() -> List[Case]:
    return [layer_case(kind, *size) for kind in ("LSTM", "GRU") for size in SIZES] + [cell_case()]


if __name__ == "__main__":
    run_cases(os.path.abspath(__file__), __doc__, make_cases)
