"""A worker of tests/test_dist_kvstore.py: trains a small MLP on fixed synthetic batches with
kvstore='dist_sync', each worker on its share of every global batch, and worker 0 saves the
final weights. Run as `mpirun -np N python dist_worker.py OUT.params [--die-at STEP]`, or
without mpirun as the single-process reference."""

import argparse
import os
import sys
import time

import numpy as np

import gluonlite as mx
from gluonlite import autograd, gluon, nd

GLOBAL_BATCH, STEPS, FEATURES, CLASSES = 24, 6, 16, 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--die-at", type=int, default=-1)
    parser.add_argument("--update-on-kvstore", type=int, default=1)
    parser.add_argument("--seed-per-rank", type=int, default=0)
    parser.add_argument("--stall-at", type=int, default=-1)
    parser.add_argument("--store", default="dist_sync")
    parser.add_argument("--backward-twice", type=int, default=0)
    args = parser.parse_args()
    kv = mx.kv.create(args.store)
    rank, workers = kv.rank, kv.num_workers
    rng = np.random.RandomState(0)
    data = rng.rand(STEPS, GLOBAL_BATCH, FEATURES).astype(np.float32)
    labels = rng.randint(0, CLASSES, size=(STEPS, GLOBAL_BATCH)).astype(np.float32)
    mx.random.seed(7 + rank * args.seed_per_rank)
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dense(32, activation="relu"), gluon.nn.Dense(CLASSES))
    net.initialize(mx.init.Xavier())
    trainer = gluon.Trainer(
        net.collect_params(),
        "sgd",
        {"learning_rate": 0.5, "momentum": 0.9, "wd": 1e-3},
        kvstore=kv,
        update_on_kvstore=bool(args.update_on_kvstore),
    )
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    share = GLOBAL_BATCH // workers
    for step in range(STEPS):
        if step == args.die_at and rank == 1:
            os._exit(3)  # a worker that dies without a word
        if step == args.stall_at and rank == 1:
            time.sleep(60)  # a worker that stops calling the store
        rows = slice(rank * share, (rank + 1) * share)
        x, y = nd.array(data[step, rows]), nd.array(labels[step, rows])
        if args.backward_twice:  # a discarded pass first: the step must use the second
            with autograd.record():
                loss = loss_fn(net(x * 3), y)
            loss.backward()
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(GLOBAL_BATCH)
    overlap = trainer._overlap
    reduction = "%d buckets" % len(overlap.buckets) if overlap else "after backward"
    print("worker %d reduction: %s" % (rank, reduction), file=sys.stderr, flush=True)
    if rank == 0:
        net.save_parameters(args.out)
    print("worker %d of %d done" % (rank, workers), flush=True)


if __name__ == "__main__":
    main()
