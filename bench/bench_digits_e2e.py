"""The main example end to end: wall time of `python examples/train_digits.py` against the
same MLP training written in PyTorch (bench/peers/torch_digits.py), each a fresh process.

Both load scikit-learn's digits, train 20 epochs at batch 32 with SGD + momentum, save,
reload and plot; the wall time includes interpreter start and imports, as a user sees it.
Run:  python bench/bench_digits_e2e.py [--runs N] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def wall_time(cmd, env) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit("%s failed:\n%s" % (" ".join(cmd), proc.stderr[-2000:]))
    final = [line for line in proc.stdout.splitlines() if line.startswith("final")]
    print("  " + (final[-1] if final else proc.stdout.splitlines()[-1]))
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--json", help="also write the medians to this file")
    args = parser.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    out = tempfile.mkdtemp(prefix="digits_e2e_")
    commands = {
        "gluonlite": [
            sys.executable,
            "examples/train_digits.py",
            "--no-progress",
            "--out-dir",
            os.path.join(out, "gl"),
        ],
        "torch": [
            sys.executable,
            "bench/peers/torch_digits.py",
            "--out-dir",
            os.path.join(out, "torch"),
        ],
    }
    times = {name: [] for name in commands}
    for _ in range(args.runs):  # interleaved, so drifting machine load hits both alike
        for name, cmd in commands.items():
            times[name].append(wall_time(cmd, env))
    base = statistics.median(times["gluonlite"])
    load = " ".join("%.2f" % v for v in os.getloadavg())
    print(
        "digits example end to end, median of %d runs, %d threads, load average %s"
        % (args.runs, args.threads, load)
    )
    for name, samples in times.items():
        t = statistics.median(samples)
        print("  %-10s %6.2f s   %5.2fx gluonlite's time" % (name, t, t / base))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {
                    "date": time.strftime("%Y-%m-%d %H:%M"),
                    "threads": args.threads,
                    "load": load,
                    "runs": args.runs,
                    "times": {k: statistics.median(v) for k, v in times.items()},
                },
                f,
            )


if __name__ == "__main__":
    main()
