"""A LeNet-style CNN with BatchNorm on scikit-learn's handwritten digits (8x8 images).

The convolution and BatchNorm layers are created without their input channel counts;
``print(net)`` shows them as unknown (``Conv2D(None -> 16, ...)``, ``in_channels=None``)
before the first forward pass and filled in after it, as MXNet does. The network trains
with ``gluon.Trainer`` (SGD with momentum, the learning rate cut tenfold for the last third
of the epochs) and reports the test accuracy, which must reach 97 % (the script exits with
status 1 otherwise). The images go through ``gluon.data.vision.transforms`` (``ToTensor``
and ``Normalize`` applied with ``transform_first``), as real image data would.

    pip install scikit-learn
    python examples/lenet_digits.py [--epochs 20] [--ctx gpu]

Written against the MXNet 1.x API: replacing ``gluonlite`` by ``mxnet`` in the imports runs
it on MXNet.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import gluonlite as mx
from gluonlite import autograd, gluon, nd
from gluonlite.gluon import nn
from gluonlite.gluon.data.vision import transforms

try:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
except ImportError as missing:
    sys.exit("lenet_digits.py needs scikit-learn (%s): pip install scikit-learn" % missing)


def build_net() -> nn.HybridSequential:
    """Two conv/BatchNorm/pool stages and two dense layers; no input sizes given."""
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(
            nn.Conv2D(16, kernel_size=3, padding=1, activation="relu"),  # 8x8
            nn.BatchNorm(),
            nn.MaxPool2D(pool_size=2),  # 4x4
            nn.Conv2D(32, kernel_size=3, padding=1, activation="relu"),
            nn.BatchNorm(),
            nn.MaxPool2D(pool_size=2),  # 2x2
            nn.Flatten(),
            nn.Dense(64, activation="relu"),
            nn.Dense(10),
        )
    return net


def accuracy(net: nn.HybridSequential, data: nd.NDArray, labels: np.ndarray) -> float:
    """Share of correct predictions (prediction mode: BatchNorm uses its running stats)."""
    predicted = net(data).argmax(axis=1).asnumpy().astype(np.int64)
    return float((predicted == labels).mean())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--wd", type=float, default=5e-4, help="weight decay")
    parser.add_argument("--ctx", choices=["cpu", "gpu"], default="cpu")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    ctx = mx.gpu(0) if args.ctx == "gpu" else mx.cpu()
    mx.random.seed(args.seed)
    np.random.seed(args.seed)

    digits = load_digits()
    images = digits.images.astype(np.uint8)[:, :, :, None]  # (N, 8, 8, 1), grey levels 0..16
    x_train, x_test, y_train, y_test = train_test_split(
        images, digits.target, test_size=0.25, stratify=digits.target, random_state=args.seed
    )
    # ToTensor gives (1, 8, 8) float32 images divided by 255; the digits only reach 16, so
    # Normalize divides by 16/255 to put them in [0, 1].
    to_input = transforms.Compose([transforms.ToTensor(), transforms.Normalize(0.0, 16 / 255)])
    train_set = gluon.data.ArrayDataset(nd.array(x_train, dtype=np.uint8), nd.array(y_train))
    train_data = gluon.data.DataLoader(
        train_set.transform_first(to_input), batch_size=args.batch_size, shuffle=True
    )
    test_x = to_input(nd.array(x_test, dtype=np.uint8)).as_in_context(ctx)  # (N, 1, 8, 8)

    net = build_net()
    net.initialize(mx.init.Xavier(), ctx=ctx)
    print("Before the first forward pass (input channels unknown):")
    print(net)
    net(test_x[:1])
    print("After the first forward pass:")
    print(net)

    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(
        net.collect_params(), "sgd", {"learning_rate": args.lr, "momentum": 0.9, "wd": args.wd}
    )
    for epoch in range(args.epochs):
        if epoch == (2 * args.epochs) // 3:
            trainer.set_learning_rate(args.lr / 10)
        start, total, count = time.time(), 0.0, 0
        for data, label in train_data:
            data, label = data.as_in_context(ctx), label.as_in_context(ctx)
            with autograd.record():
                loss = loss_fn(net(data), label)
            loss.backward()
            trainer.step(data.shape[0])
            total += float(loss.sum().asscalar())
            count += data.shape[0]
        print(
            "epoch %2d  loss %.4f  test accuracy %.4f  (%.1f s)"
            % (epoch + 1, total / count, accuracy(net, test_x, y_test), time.time() - start)
        )

    final = accuracy(net, test_x, y_test)
    print("final test accuracy: %.2f %% on %d images" % (100 * final, len(y_test)))
    if final < 0.97:
        print("below the 97 % target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
