"""One training step of a 784-256-10 MLP: forward, softmax cross-entropy, backward, SGD step.

Random data at batch 1, 64 and 256, in one run against PyTorch CPU (nn.Linear + optim.SGD)
and MXNet 1.9.1 Gluon (plain and hybridized) when they are importable; medians of repeated
runs, each peer's time as a multiple of gluonlite's (>1: gluonlite is faster), plus a
section timing trainer.step alone. Run:  python bench/bench_train.py [--quick]
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import median_time, optional_import, report  # noqa: E402

import gluonlite as gl  # noqa: E402
import gluonlite.gluon  # noqa: E402,F401  (loads gl.gluon, gl.init)

torch = optional_import("torch")
mxnet = optional_import("mxnet")

IN, HIDDEN, OUT = 784, 256, 10
LR = 0.01
BATCHES = (1, 64, 256)
STEPS = {1: 2000, 64: 300, 256: 100}   # per timed run, before --quick


def data(batch: int):
    rng = np.random.default_rng(batch)
    return rng.standard_normal((batch, IN), dtype=np.float32), rng.integers(0, OUT, batch)


def gluon_step_fn(lib, batch: int, hybridize: bool):
    """A training step closure for gluonlite or MXNet (same Gluon script for both)."""
    nn = lib.gluon.nn
    net = nn.HybridSequential()
    net.add(nn.Dense(HIDDEN, activation='relu', in_units=IN), nn.Dense(OUT, in_units=HIDDEN))
    net.initialize(lib.init.Xavier())
    if hybridize:
        net.hybridize(static_alloc=True, static_shape=True)
    trainer = lib.gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': LR})
    loss_fn = lib.gluon.loss.SoftmaxCrossEntropyLoss()
    x_np, y_np = data(batch)
    x, y = lib.nd.array(x_np), lib.nd.array(y_np)
    weight = net[0].weight

    def step():
        with lib.autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(batch)
        weight.data().wait_to_read()   # MXNet is asynchronous; a no-op on gluonlite's CPU

    return step


def torch_step_fn(batch: int):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(IN, HIDDEN), torch.nn.ReLU(),
                              torch.nn.Linear(HIDDEN, OUT))
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss(reduction='mean')
    x_np, y_np = data(batch)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)

    def step():
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    return step


def bench_train_step(q: int) -> str:
    rows = []
    for batch in BATCHES:
        number = max(1, STEPS[batch] // q)
        res = {"gluonlite": median_time(gluon_step_fn(gl, batch, False), number),
               "gluonlite hybridized": median_time(gluon_step_fn(gl, batch, True), number)}
        if torch:
            res["torch"] = median_time(torch_step_fn(batch), number)
        if mxnet:
            res["mxnet"] = median_time(gluon_step_fn(mxnet, batch, False), number)
            res["mxnet hybridized"] = median_time(gluon_step_fn(mxnet, batch, True), number)
        row = report(f"train step, MLP {IN}-{HIDDEN}-{OUT}, batch {batch}", 1e6, "us", res)
        row += "\n  steps/s: " + "  ".join(f"{k}: {1 / v:,.0f}" for k, v in res.items() if v)
        rows.append(row)
    return "\n".join(rows)


def bench_optimizer_step(q: int) -> str:
    """trainer.step / opt.step alone on the MLP's four parameters (gradients kept)."""
    rows = []
    for title, name, kwargs, torch_cls, torch_kwargs in (
            ('sgd, momentum 0.9', 'sgd', {'learning_rate': LR, 'momentum': 0.9}, 'SGD',
             {'lr': LR, 'momentum': 0.9}),
            ('adam', 'adam', {'learning_rate': 1e-3}, 'Adam', {'lr': 1e-3})):
        res = {}
        for label, lib in (("gluonlite", gl), ("mxnet", mxnet)):
            if lib is None:
                continue
            nn = lib.gluon.nn
            net = nn.HybridSequential()
            net.add(nn.Dense(HIDDEN, in_units=IN), nn.Dense(OUT, in_units=HIDDEN))
            net.initialize()
            trainer = lib.gluon.Trainer(net.collect_params(), name, dict(kwargs))
            with lib.autograd.record():
                loss = net(lib.nd.ones((2, IN))).sum()
            loss.backward()
            weight = net[0].weight
            arrays = [p.data() for p in net.collect_params().values()]

            def step(trainer=trainer, weight=weight, arrays=arrays):
                for arr in arrays:   # reuse the gradients: mark them fresh as backward would
                    arr._fresh_grad = True
                trainer.step(2)
                weight.data().wait_to_read()

            res[label] = median_time(step, 2000 // q)
        if torch:
            net = torch.nn.Sequential(torch.nn.Linear(IN, HIDDEN), torch.nn.Linear(HIDDEN, OUT))
            net(torch.ones(2, IN)).sum().backward()
            opt = getattr(torch.optim, torch_cls)(net.parameters(), **torch_kwargs)
            res["torch"] = median_time(opt.step, 2000 // q)
        rows.append(report(f"optimizer step alone ({title}), {IN}-{HIDDEN}-{OUT} params", 1e6,
                           "us", res))
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    args = parser.parse_args()
    q = 10 if args.quick else 1
    print(f"gluonlite {gl.__version__}, numpy {np.__version__}, "
          f"torch {getattr(torch, '__version__', 'absent')} "
          f"({torch.get_num_threads() if torch else '-'} threads), "
          f"mxnet {getattr(mxnet, '__version__', 'absent')}")
    for section in (bench_train_step, bench_optimizer_step):
        print(section(q), flush=True)


if __name__ == "__main__":
    main()
