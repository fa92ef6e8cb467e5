"""Leak soak: many small ops and many MLP training steps at flat memory.

    PYTHONPATH=. python tools/soak.py                        # 1,000,000 ops, 10,000 steps
    PYTHONPATH=. python tools/soak.py --ops 20000 --steps 200

Checks, and prints as figures: resident memory (RSS) after warm-up and at the end (growth
within --rss-tolerance, 5 % by default), and the core's live tensor, autograd node and CPU
allocator buffer counts, which must come back to their values before each phase.
Exits 1 when a check fails. tests/test_soak.py runs a short version.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from typing import Callable, Dict

import numpy as np

import gluonlite as mx
from gluonlite import _core, autograd, gluon, nd
from gluonlite.gluon import nn

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE


def core_counts() -> Dict[str, int]:
    gc.collect()
    live_buffers, live_bytes, _cached = _core.cpu_allocator_stats()
    return {
        "tensors": _core.live_tensor_count(),
        "nodes": _core.live_node_count(),
        "buffers": live_buffers,
        "bytes": live_bytes,
    }


def small_ops_iteration(x: nd.NDArray, w: nd.NDArray) -> int:
    """One round of 20 small ops across the op families; returns how many it ran."""
    y = x + w  # 1
    y = y * 0.5 - 1  # 3
    y = nd.relu(y)  # 4
    y = nd.exp(-y)  # 6
    s = y.sum(axis=1)  # 7
    m = y.max()  # 8
    t = y.T  # 9
    r = t.reshape((-1,))  # 10
    c = nd.concat(x, y, dim=0)  # 11
    d = nd.dot(x, w.T)  # 13 (transpose + dot)
    z = y[1:3, ::2]  # 14
    z[:] = 2.0  # 15
    e = nd.where(x > 0, x, w)  # 17
    x += 0.0  # 18
    p = nd.softmax(c)  # 19
    q = p.astype("float64")  # 20
    del s, m, r, d, e, q
    return 20


def training_setup():
    mx.random.seed(0)
    net = nn.Sequential()
    net.add(nn.Dense(64, activation="relu"), nn.Dense(64, activation="relu"), nn.Dense(10))
    net.initialize(mx.init.Xavier())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.05, "momentum": 0.9})
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    rng = np.random.RandomState(0)
    batches = [
        (nd.array(rng.uniform(-1, 1, (32, 20))), nd.array(rng.randint(0, 10, 32))) for _ in range(8)
    ]
    return net, trainer, loss_fn, batches


def soak(
    label: str, steps: int, step: Callable[[int], None], tolerance: float, out=sys.stdout
) -> Dict[str, object]:
    """Runs ``step(i)`` ``steps`` times; RSS is compared between 10 % and 100 % of the run."""
    before = core_counts()
    warm = max(1, steps // 10)
    started = time.perf_counter()
    for i in range(warm):
        step(i)
    rss_warm = rss_bytes()
    for i in range(warm, steps):
        step(i)
    rss_end = rss_bytes()
    seconds = time.perf_counter() - started
    after = core_counts()
    growth = (rss_end - rss_warm) / rss_warm
    figures = {
        "label": label,
        "steps": steps,
        "seconds": seconds,
        "rss_warm": rss_warm,
        "rss_end": rss_end,
        "growth": growth,
        "before": before,
        "after": after,
        "ok": growth <= tolerance and after == before,
    }
    print(
        "%-16s %9d in %7.2f s  RSS after warm-up %7.1f MiB, at the end %7.1f MiB (%+.2f %%)"
        % (label, steps, seconds, rss_warm / 2**20, rss_end / 2**20, 100 * growth),
        file=out,
    )
    print(
        "%-16s live tensors %d -> %d, autograd nodes %d -> %d, allocator buffers %d -> %d "
        "(%d -> %d bytes)%s"
        % (
            "",
            before["tensors"],
            after["tensors"],
            before["nodes"],
            after["nodes"],
            before["buffers"],
            after["buffers"],
            before["bytes"],
            after["bytes"],
            "" if figures["ok"] else "  FAILED",
        ),
        file=out,
    )
    return figures


def run(rounds: int, steps: int, tolerance: float = 0.05, out=sys.stdout):
    """``rounds`` rounds of 20 small ops, then ``steps`` training steps: (figures, figures)."""
    x = nd.array(np.linspace(-1, 1, 12).reshape(4, 3))
    w = nd.array(np.linspace(1, -1, 12).reshape(4, 3))
    small_ops_iteration(x, w)
    small = soak("small op rounds", rounds, lambda i: small_ops_iteration(x, w), tolerance, out)
    net, trainer, loss_fn, batches = training_setup()

    losses = []

    def train_step(i):
        data, label = batches[i % len(batches)]
        with autograd.record():
            loss = loss_fn(net(data), label)
        loss.backward()
        trainer.step(data.shape[0])
        if i in (0, steps - 1):
            losses.append(float(loss.mean().asscalar()))

    train_step(0)  # deferred initialization and optimizer state, outside the counts
    losses.clear()
    training = soak("training steps", steps, train_step, tolerance, out)
    training["loss"] = (losses[0], losses[-1])
    print(
        "%-16s mean loss of the batch: %.4f at the first step, %.4f at the last"
        % ("", losses[0], losses[-1]),
        file=out,
    )
    return small, training


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=1_000_000, help="small ops to run")
    parser.add_argument("--steps", type=int, default=10_000, help="MLP training steps")
    parser.add_argument("--rss-tolerance", type=float, default=0.05)
    args = parser.parse_args(argv)
    rounds = max(1, args.ops // 20)
    print(
        "gluonlite soak: %d small ops (%d rounds of 20), %d training steps (3-layer MLP, "
        "batch 32, SGD with momentum)" % (rounds * 20, rounds, args.steps)
    )
    small, training = run(rounds, args.steps, args.rss_tolerance)
    return 0 if small["ok"] and training["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
