"""Convolution-network benchmarks: Conv2D, MaxPool2D, BatchNorm fwd+bwd and a LeNet train step.

Conv2D forward+backward at LeNet and ResNet-block sizes, MaxPool2D and BatchNorm (training
mode, forward+backward), and one LeNet training step (forward, softmax cross-entropy,
backward, SGD update) at batch 64, float32 on the CPU. gluonlite and MXNet 1.9.1 run the
same Gluon code, PyTorch CPU the equivalent torch.nn modules; each framework in its own
process on the same thread count; medians of repeated runs, each peer's time as a multiple
of gluonlite's (>1: gluonlite is faster).
Run:  python bench/bench_conv.py [--quick] [--threads N] [--mxnet-python PATH]
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

# (title, input shape, Conv2D keyword arguments)
CONV_CASES = [
    (
        "Conv2D LeNet conv1: 32x1x28x28, 1->6, 5x5, pad 2",
        (32, 1, 28, 28),
        dict(channels=6, kernel_size=5, padding=2),
    ),
    (
        "Conv2D LeNet conv2: 32x6x14x14, 6->16, 5x5",
        (32, 6, 14, 14),
        dict(channels=16, kernel_size=5),
    ),
    (
        "Conv2D ResNet block: 32x64x32x32, 64->64, 3x3, pad 1",
        (32, 64, 32, 32),
        dict(channels=64, kernel_size=3, padding=1),
    ),
]
FEATURE_SHAPE = (32, 64, 32, 32)
LAYER_STEPS = 20  # timed calls per run, before --quick
LENET_BATCH, LENET_STEPS, LENET_LR = 64, 50, 0.1


def _input(shape: Tuple[int, ...]) -> np.ndarray:
    return np.random.default_rng(0).standard_normal(shape).astype(np.float32)


def _sync(lib: ModuleType) -> Callable[[], object]:
    """Waits for MXNet's asynchronous engine; nothing to wait for in gluonlite."""
    return lib.nd.waitall if lib.__name__ == "mxnet" else (lambda: None)


def gluon_layer_step(
    lib: ModuleType, make_layer: Callable[[ModuleType], object], shape: Tuple[int, ...]
) -> Callable[[], None]:
    """Forward+backward of a fresh Gluon layer (gluonlite or MXNet) on a fixed input."""
    layer = make_layer(lib)
    layer.initialize()
    x = lib.nd.array(_input(shape))
    x.attach_grad()
    sync = _sync(lib)

    def step():
        with lib.autograd.record():
            y = layer(x)
        y.backward()
        sync()

    return step


def torch_layer_step(
    make_layer: Callable[[ModuleType], object], shape: Tuple[int, ...]
) -> Callable[[], None]:
    """The PyTorch equivalent; backward of sum() seeds ones, as Gluon's y.backward() does."""
    import torch

    layer = make_layer(torch)
    x = torch.from_numpy(_input(shape)).requires_grad_()

    def step():
        layer.zero_grad(set_to_none=True)
        x.grad = None
        layer(x).sum().backward()

    return step


def layer_case(
    title: str,
    shape: Tuple[int, ...],
    gluon_layer: Callable[[ModuleType], object],
    torch_layer: Callable[[ModuleType], object],
) -> Case:
    """One layer's fwd+bwd; the layer factories take the library module."""

    def gluon(name: str) -> Setup:
        def setup(q: int):
            lib = importlib.import_module(name)
            return gluon_layer_step(lib, gluon_layer, shape), max(2, LAYER_STEPS // q)

        return setup

    def torch_(q: int):
        return torch_layer_step(torch_layer, shape), max(2, LAYER_STEPS // q)

    return Case(
        title + " (fwd+bwd)",
        {"gluonlite": gluon("gluonlite"), "torch": torch_, "mxnet": gluon("mxnet")},
    )


def conv_case(title: str, shape: Tuple[int, ...], kw: dict) -> Case:
    k, pad = kw["kernel_size"], kw.get("padding", 0)
    return layer_case(
        title,
        shape,
        lambda lib: lib.gluon.nn.Conv2D(**kw),
        lambda torch: torch.nn.Conv2d(shape[1], kw["channels"], k, padding=pad),
    )


def _lenet_data() -> Tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((LENET_BATCH, 1, 28, 28), dtype=np.float32)
    return x, rng.integers(0, 10, LENET_BATCH)


def gluon_lenet_step(lib: ModuleType) -> Callable[[], None]:
    """One LeNet training step in Gluon (gluonlite or MXNet): the same script for both."""
    nn = lib.gluon.nn
    net = nn.Sequential()
    net.add(
        nn.Conv2D(6, 5, activation="relu"),
        nn.MaxPool2D(2, 2),
        nn.Conv2D(16, 5, activation="relu"),
        nn.MaxPool2D(2, 2),
        nn.Dense(120, activation="relu"),
        nn.Dense(84, activation="relu"),
        nn.Dense(10),
    )
    net.initialize(lib.init.Xavier())
    trainer = lib.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LENET_LR})
    loss_fn = lib.gluon.loss.SoftmaxCrossEntropyLoss()
    x_np, y_np = _lenet_data()
    x, y = lib.nd.array(x_np), lib.nd.array(y_np)
    sync = _sync(lib)

    def step():
        with lib.autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(LENET_BATCH)
        sync()

    return step


def torch_lenet_step() -> Callable[[], None]:
    """The PyTorch equivalent: nn.Sequential, CrossEntropyLoss, optim.SGD."""
    import torch

    nn = torch.nn
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(1, 6, 5),
        nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    )
    opt = torch.optim.SGD(net.parameters(), lr=LENET_LR)
    loss_fn = nn.CrossEntropyLoss()
    x_np, y_np = _lenet_data()
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)

    def step():
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()

    return step


def lenet_case() -> Case:
    """Forward, loss, backward and trainer.step(64) of LeNet on 64x1x28x28."""

    def gluon(name: str) -> Setup:
        def setup(q: int):
            return gluon_lenet_step(importlib.import_module(name)), max(2, LENET_STEPS // q)

        return setup

    return Case(
        f"LeNet train step, {LENET_BATCH}x1x28x28, sgd lr {LENET_LR}",
        {
            "gluonlite": gluon("gluonlite"),
            "torch": lambda q: (torch_lenet_step(), max(2, LENET_STEPS // q)),
            "mxnet": gluon("mxnet"),
        },
    )


def make_cases() -> List[Case]:
    return [conv_case(*c) for c in CONV_CASES] + [
        layer_case(
            "MaxPool2D 2x2/2 on 32x64x32x32",
            FEATURE_SHAPE,
            lambda lib: lib.gluon.nn.MaxPool2D(),
            lambda torch: torch.nn.MaxPool2d(2),
        ),
        layer_case(
            "BatchNorm on 32x64x32x32, training",
            FEATURE_SHAPE,
            lambda lib: lib.gluon.nn.BatchNorm(),
            lambda torch: torch.nn.BatchNorm2d(FEATURE_SHAPE[1]),
        ),
        lenet_case(),
    ]


if __name__ == "__main__":
    run_cases(os.path.abspath(__file__), __doc__, make_cases)
