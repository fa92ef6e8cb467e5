"""One training step of a 784-256-10 MLP: forward, softmax cross-entropy, backward, SGD step.

Random data at batch 1, 64 and 256 for gluonlite (plain and hybridized), PyTorch CPU
(nn.Linear + optim.SGD, plain and through torch.compile) and MXNet 1.9.1 Gluon (plain and
hybridized), each framework in its own process on the same thread count; plus the forward
pass alone at batch 1 and trainer.step / opt.step alone. Medians of repeated runs, each
peer's time as a multiple of gluonlite's (>1: gluonlite is faster).
Run:  python bench/bench_train.py [--quick] [--threads N] [--mxnet-python PATH]
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import Case, run_cases  # noqa: E402

IN, HIDDEN, OUT = 784, 256, 10
LR = 0.01
STEPS = {1: 2000, 64: 300, 256: 100}  # per timed run, before --quick


@contextlib.contextmanager
def _python_replay(on: bool):
    """Compile hybridized graphs as the replay before graph plans (every operator called
    from Python) while inside; later compiles in the process are not affected."""
    if not on:
        yield
        return
    cached_graph = importlib.import_module("gluonlite.gluon._cached_graph")
    cached_graph.USE_PLANS = False
    try:
        yield
    finally:
        cached_graph.USE_PLANS = True


def data(batch: int):
    rng = np.random.default_rng(batch)
    return rng.standard_normal((batch, IN), dtype=np.float32), rng.integers(0, OUT, batch)


def gluon_step(lib, batch: int, hybridize: bool):
    """A training step closure for gluonlite or MXNet (the same Gluon script for both)."""
    nn = lib.gluon.nn
    net = nn.HybridSequential()
    net.add(nn.Dense(HIDDEN, activation="relu", in_units=IN), nn.Dense(OUT, in_units=HIDDEN))
    net.initialize(lib.init.Xavier())
    if hybridize:
        net.hybridize(static_alloc=True, static_shape=True)
    trainer = lib.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
    loss_fn = lib.gluon.loss.SoftmaxCrossEntropyLoss()
    x_np, y_np = data(batch)
    x, y = lib.nd.array(x_np), lib.nd.array(y_np)
    weight = net[0].weight

    def step():
        with lib.autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(batch)
        weight.data().wait_to_read()  # MXNet is asynchronous; a no-op on gluonlite's CPU

    return step


def _torch_mlp(compiled: bool):
    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(IN, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, OUT)
    )
    return net, (torch.compile(net) if compiled else net)


def torch_step(batch: int, compiled: bool = False):
    """PyTorch's step; ``compiled``: the model through torch.compile (inductor's C++ code
    on the CPU), compiled by warm-up calls before the timing."""
    import torch

    params, net = _torch_mlp(compiled)
    opt = torch.optim.SGD(params.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss(reduction="mean")
    x_np, y_np = data(batch)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)

    def step():
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    if compiled:
        for _ in range(3):
            step()
    return step


def _forward_case(title: str, layers: list, x: np.ndarray, number: int) -> Case:
    """Inference: one forward pass (no autograd) of Dense layers given as (units, relu?),
    plain and hybridized (C++ plans, and the Python replay before them) / torch.compile."""

    def gluon_like(lib_name, hybridize, plans=True):
        def setup(q):
            lib = importlib.import_module(lib_name)
            nn = lib.gluon.nn
            net = nn.HybridSequential()
            width = x.shape[1]
            for units, relu in layers:
                net.add(nn.Dense(units, activation="relu" if relu else None, in_units=width))
                width = units
            net.initialize(lib.init.Xavier())
            if hybridize:
                net.hybridize(static_alloc=True, static_shape=True)
            arr = lib.nd.array(x)

            def forward():
                net(arr).wait_to_read()

            with _python_replay(not plans):  # the first call traces and compiles
                forward()
            return forward, number // q

        return setup

    def torch_(compiled):
        def setup(q):
            import torch

            modules, width = [], x.shape[1]
            for units, relu in layers:
                modules.append(torch.nn.Linear(width, units))
                if relu:
                    modules.append(torch.nn.ReLU())
                width = units
            net = torch.nn.Sequential(*modules)
            if compiled:
                net = torch.compile(net)
            arr = torch.from_numpy(x)

            def forward():
                with torch.no_grad():
                    net(arr)

            for _ in range(3):
                forward()
            return forward, number // q

        return setup

    return Case(
        title,
        {
            "gluonlite": gluon_like("gluonlite", False),
            "gluonlite hybridized": gluon_like("gluonlite", True),
            "gluonlite hybridized, Python replay": gluon_like("gluonlite", True, plans=False),
            "torch": torch_(False),
            "torch compiled": torch_(True),
            "mxnet": gluon_like("mxnet", False),
            "mxnet hybridized": gluon_like("mxnet", True),
        },
        unit="us",
    )


def forward_case(batch: int) -> Case:
    return _forward_case(
        f"forward, MLP {IN}-{HIDDEN}-{OUT}, batch {batch}",
        [(HIDDEN, True), (OUT, False)],
        data(batch)[0],
        STEPS[batch],
    )


def deep_forward_case() -> Case:
    """Dispatch cost: 8 Dense(16, relu) layers at batch 1, where the operators are tiny."""
    x = np.random.default_rng(0).standard_normal((1, 16), dtype=np.float32)
    return _forward_case("forward, 8 x Dense(16, relu), batch 1", [(16, True)] * 8, x, 4000)


def _gluon(name: str, batch: int, hybridize: bool):
    def setup(q):
        import importlib

        return gluon_step(importlib.import_module(name), batch, hybridize), STEPS[batch] // q

    return setup


def train_step_case(batch: int) -> Case:
    return Case(
        f"train step, MLP {IN}-{HIDDEN}-{OUT}, batch {batch}",
        {
            "gluonlite": _gluon("gluonlite", batch, False),
            "gluonlite hybridized": _gluon("gluonlite", batch, True),
            "torch": lambda q: (torch_step(batch), STEPS[batch] // q),
            "torch compiled": lambda q: (torch_step(batch, compiled=True), STEPS[batch] // q),
            "mxnet": _gluon("mxnet", batch, False),
            "mxnet hybridized": _gluon("mxnet", batch, True),
        },
        unit="us",
    )


def optimizer_case(title: str, name: str, kwargs: dict, torch_cls: str, torch_kwargs: dict) -> Case:
    """trainer.step / opt.step alone on the MLP's four parameters (gradients kept)."""

    def gluon_like(lib_name):
        def setup(q):
            import importlib

            lib = importlib.import_module(lib_name)
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

            def step():
                for arr in arrays:  # reuse the gradients: mark them fresh as backward would
                    arr._fresh_grad = True
                trainer.step(2)
                weight.data().wait_to_read()

            return step, 2000 // q

        return setup

    def torch_(q):
        import torch

        net = torch.nn.Sequential(torch.nn.Linear(IN, HIDDEN), torch.nn.Linear(HIDDEN, OUT))
        net(torch.ones(2, IN)).sum().backward()
        opt = getattr(torch.optim, torch_cls)(net.parameters(), **torch_kwargs)
        return opt.step, 2000 // q

    return Case(
        f"optimizer step alone ({title}), {IN}-{HIDDEN}-{OUT} params",
        {"gluonlite": gluon_like("gluonlite"), "torch": torch_, "mxnet": gluon_like("mxnet")},
        unit="us",
    )


def make_cases():
    return (
        [forward_case(1), deep_forward_case()]
        + [train_step_case(b) for b in (1, 64, 256)]
        + [
            optimizer_case(
                "sgd, momentum 0.9",
                "sgd",
                {"learning_rate": LR, "momentum": 0.9},
                "SGD",
                {"lr": LR, "momentum": 0.9},
            ),
            optimizer_case("adam", "adam", {"learning_rate": 1e-3}, "Adam", {"lr": 1e-3}),
        ]
    )


if __name__ == "__main__":
    run_cases(os.path.abspath(__file__), __doc__, make_cases)
