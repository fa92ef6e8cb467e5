"""Do files gluonlite exports load in MXNet 1.9.1 and compute the same thing there?

Run it twice, once with each framework's interpreter (each in its own process):

    python tools/check_exports_in_mxnet.py write DIR          # gluonlite's venv
    /path/to/mxnet-venv/bin/python tools/check_exports_in_mxnet.py check DIR

``write`` builds a few nets in gluonlite (a conv + BatchNorm + Dropout net, a bidirectional
two-layer LSTM whose begin states the graph makes, ResNet-18 v1 and MobileNet V2 from the
model zoo), trains BatchNorm's statistics away from their initial values, and exports each
(``-symbol.json`` + ``-0000.params``) with its input and gluonlite's inference output.
``check`` loads every export with MXNet's ``SymbolBlock.imports`` and
``mx.model.load_checkpoint`` and prints the largest difference from gluonlite's output;
it exits non-zero when one exceeds 1e-4.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

MODELS = ["bn", "lstm", "resnet", "mobilenetv2"]


def write(directory: str) -> None:
    import gluonlite as mx
    from gluonlite import autograd, gluon, nd
    from gluonlite.gluon.model_zoo import vision

    class LSTMHead(gluon.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.lstm = gluon.rnn.LSTM(8, num_layers=2, bidirectional=True)
                self.out = gluon.nn.Dense(3, flatten=False)

        def hybrid_forward(self, F, x):
            return self.out(self.lstm(x))

    def bn_net():
        net = gluon.nn.HybridSequential()
        with net.name_scope():
            net.add(
                gluon.nn.Conv2D(4, 3, activation="relu"),
                gluon.nn.BatchNorm(),
                gluon.nn.MaxPool2D(),
                gluon.nn.Dropout(0.5),
                gluon.nn.Flatten(),
                gluon.nn.Dense(5),
            )
        return net

    makers = {
        "bn": (bn_net, (2, 3, 12, 12)),
        "lstm": (LSTMHead, (6, 2, 4)),
        "resnet": (lambda: vision.resnet18_v1(classes=10), (1, 3, 32, 32)),
        "mobilenetv2": (lambda: vision.mobilenet_v2_0_25(classes=10), (1, 3, 32, 32)),
    }
    os.makedirs(directory, exist_ok=True)
    rng = np.random.RandomState(0)
    for name in MODELS:
        make, shape = makers[name]
        net = make()
        net.initialize(mx.init.Xavier())
        x = nd.array(rng.rand(*shape))
        with autograd.record():  # moves BatchNorm's running statistics
            net(x)
        y = net(x)
        prefix = os.path.join(directory, name)
        net.export(prefix)
        np.savez(prefix + "-io.npz", data=x.asnumpy(), output=y.asnumpy())
        print("wrote", prefix)


def check(directory: str) -> int:
    import mxnet as mx

    worst = 0.0
    for name in MODELS:
        prefix = os.path.join(directory, name)
        io = np.load(prefix + "-io.npz")
        net = mx.gluon.SymbolBlock.imports(
            prefix + "-symbol.json", ["data"], prefix + "-0000.params"
        )
        out = net(mx.nd.array(io["data"])).asnumpy()
        _, args, aux = mx.model.load_checkpoint(prefix, 0)
        diff = float(np.abs(out - io["output"]).max())
        worst = max(worst, diff)
        print(
            "%-12s max |MXNet - gluonlite| = %.3g (%d args, %d aux)"
            % (name, diff, len(args), len(aux))
        )
    return 0 if worst <= 1e-4 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["write", "check"])
    parser.add_argument("directory")
    args = parser.parse_args()
    if args.mode == "write":
        write(args.directory)
        return 0
    return check(args.directory)


if __name__ == "__main__":
    sys.exit(main())
