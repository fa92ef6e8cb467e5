"""Gradient allreduce in data-parallel training: per key, one bucket, or overlapped buckets.

Two MPI workers (mpirun -np 2, one thread each) train an MLP 784-1024-1024-10 (2.9 M
parameters, 11 MiB of gradients) with kvstore='dist_sync' and update_on_kvstore=False, at a
global batch of 128. Modes:
  per key         after backward, one blocking allreduce per parameter (kv.pushpull(k, g))
  one bucket      after backward, every gradient in one allreduce (GLUONLITE_ALLREDUCE_OVERLAP=0)
  overlapped      buckets of GLUONLITE_BUCKET_BYTES start during backward (the default, 1 MiB)
Median step time over repeated steps, printed per mode with its ratio to 'per key'.
Run:  python bench/bench_allreduce.py [--steps N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

SIZES = (784, 1024, 1024, 10)
GLOBAL_BATCH = 128
MODES = {
    "per key": {"GLUONLITE_ALLREDUCE_OVERLAP": "0"},
    "one bucket": {"GLUONLITE_ALLREDUCE_OVERLAP": "0"},
    "overlapped, 1 MiB buckets": {"GLUONLITE_BUCKET_BYTES": str(1 << 20)},
    "overlapped, 4 MiB buckets": {"GLUONLITE_BUCKET_BYTES": str(4 << 20)},
}


def worker(mode: str, steps: int) -> None:
    import numpy as np

    import gluonlite as mx
    from gluonlite import autograd, gluon, nd

    kv = mx.kv.create("dist_sync")
    rank, workers = kv.rank, kv.num_workers
    mx.random.seed(1)
    net = gluon.nn.HybridSequential()
    for units in SIZES[1:-1]:
        net.add(gluon.nn.Dense(units, activation="relu"))
    net.add(gluon.nn.Dense(SIZES[-1]))
    net.initialize(mx.init.Xavier())
    per_key = mode == "per key"
    trainer = gluon.Trainer(
        net.collect_params(),
        "sgd",
        {"learning_rate": 0.01},
        kvstore=None if per_key else kv,
        update_on_kvstore=None if per_key else False,
    )
    share = GLOBAL_BATCH // workers
    rng = np.random.RandomState(rank)
    x = nd.array(rng.rand(share, SIZES[0]).astype(np.float32))
    y = nd.array(rng.randint(0, SIZES[-1], share).astype(np.float32))
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    params = list(net.collect_params().values())
    net(x)
    if per_key:
        for i, p in enumerate(params):
            kv.init(i, p.data())
    times = []
    for step in range(steps + 3):
        kv._barrier()
        start = time.perf_counter()
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        if per_key:
            for i, p in enumerate(params):
                kv.pushpull(i, p.grad())
        trainer.step(GLOBAL_BATCH)
        params[0].data().wait_to_read()
        if step >= 3:
            times.append(time.perf_counter() - start)
    if rank == 0:
        print(json.dumps({"mode": mode, "median_s": statistics.median(times)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.steps)
        return
    here = os.path.join(os.path.dirname(sys.executable), "mpirun")
    mpirun = here if os.path.exists(here) else shutil.which("mpirun")
    if mpirun is None:
        sys.exit("bench_allreduce: mpirun not found (pip install 'gluonlite[mpi]')")
    results = {}
    for mode, extra in MODES.items():
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        env.update(extra)
        command = [mpirun, "-np", "2", sys.executable, os.path.abspath(__file__)]
        command += ["--worker", mode, "--steps", str(args.steps)]
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
        if done.returncode != 0:
            sys.exit("bench_allreduce: mode %r failed:\n%s" % (mode, done.stderr[-3000:]))
        line = [ln for ln in done.stdout.splitlines() if ln.startswith("{")][-1]
        results[mode] = json.loads(line)["median_s"]
    base = results["per key"]
    print(
        "MLP %s, global batch %d, 2 workers x 1 thread, kvstore dist_sync, step time (median)"
        % ("-".join(map(str, SIZES)), GLOBAL_BATCH)
    )
    for mode, seconds in results.items():
        print("  %-28s %8.2f ms   %.2fx per key's speed" % (mode, seconds * 1e3, base / seconds))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
