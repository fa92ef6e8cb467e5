"""ResNet-18 forward+backward on the CPU: the model zoo's resnet18_v1 (gluonlite and MXNet
1.9.1, the same Gluon code) against the same network written in plain PyTorch (no
torchvision), each framework in its own process on the same thread count.

Batch 8 of 3x224x224 (ImageNet size) and batch 32 of 3x32x32 (CIFAR size); medians of
repeated runs, each peer's time as a multiple of gluonlite's (>1: gluonlite is faster).
Run:  python bench/bench_resnet.py [--quick] [--threads N] [--mxnet-python PATH]
"""

from __future__ import annotations

import os
import sys
from types import ModuleType
from typing import Tuple

sys.path.insert(0, os.path.dirname(__file__))
from bench_conv import gluon_layer_step, torch_layer_step  # noqa: E402
from common import Case, run_cases  # noqa: E402


def torch_resnet18(torch: ModuleType, classes: int = 1000):
    """ResNet-18 (v1, basic blocks [2, 2, 2, 2]) in plain torch.nn, as the model zoo builds it."""
    nn = torch.nn

    class Basic(nn.Module):
        def __init__(self, cin: int, cout: int, stride: int):
            super().__init__()
            self.body = nn.Sequential(
                nn.Conv2d(cin, cout, 3, stride, 1, bias=False),
                nn.BatchNorm2d(cout),
                nn.ReLU(),
                nn.Conv2d(cout, cout, 3, 1, 1, bias=False),
                nn.BatchNorm2d(cout),
            )
            self.down = (
                None
                if stride == 1 and cin == cout
                else nn.Sequential(
                    nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)
                )
            )

        def forward(self, x):
            residual = x if self.down is None else self.down(x)
            return torch.relu(self.body(x) + residual)

    layers = [
        nn.Conv2d(3, 64, 7, 2, 3, bias=False),
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.MaxPool2d(3, 2, 1),
    ]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [Basic(cin, cout, stride), Basic(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, classes)]
    return nn.Sequential(*layers)


def resnet_case(shape: Tuple[int, ...], steps: int) -> Case:
    def gluon(name: str):
        def setup(q: int):
            import importlib

            lib = importlib.import_module(name)
            make = lambda lib: lib.gluon.model_zoo.vision.resnet18_v1()  # noqa: E731
            return gluon_layer_step(lib, make, shape), max(1, steps // q)

        return setup

    def torch_(q: int):
        return torch_layer_step(torch_resnet18, shape), max(1, steps // q)

    return Case(
        f"ResNet-18 v1 fwd+bwd, {'x'.join(map(str, shape))}",
        {"gluonlite": gluon("gluonlite"), "torch": torch_, "mxnet": gluon("mxnet")},
        repeat=5,
        warmup=1,
    )


def make_cases():
    return [resnet_case((8, 3, 224, 224), 3), resnet_case((32, 3, 32, 32), 10)]


if __name__ == "__main__":
    run_cases(os.path.abspath(__file__), __doc__, make_cases)
