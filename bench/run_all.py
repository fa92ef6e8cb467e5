"""Runs every benchmark (each framework in its own process) and writes their JSON results
and printed tables to bench/results/, then prints the README's performance table.

    python bench/run_all.py --mxnet-python /path/to/mxnet-venv/bin/python [--quick]

Run it on a quiet machine: the table records the date, the load average and the threads.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPTS = [
    "bench_ops",
    "bench_train",
    "bench_gluon",
    "bench_conv",
    "bench_resnet",
    "bench_rnn",
    "bench_io",
    "bench_vision",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mxnet-python", default=os.environ.get("GLUONLITE_BENCH_MXNET_PYTHON"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", help="comma-separated subset of " + ",".join(SCRIPTS))
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    scripts = args.only.split(",") if args.only else SCRIPTS
    for name in scripts:
        cmd = [
            sys.executable,
            os.path.join(HERE, name + ".py"),
            "--json",
            os.path.join(args.out, name + ".json"),
        ]
        if args.mxnet_python:
            cmd += ["--mxnet-python", args.mxnet_python]
        if args.quick:
            cmd.append("--quick")
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        with open(os.path.join(args.out, name + ".txt"), "w") as f:
            f.write(proc.stdout)
        print(proc.stdout, end="", flush=True)
        if proc.returncode != 0:
            print(f"{name} failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
        print(f"[{name}: {time.perf_counter() - start:.0f} s]", flush=True)
    if not args.only or "bench_digits_e2e" in scripts:
        subprocess.run(
            [
                sys.executable,
                os.path.join(HERE, "bench_digits_e2e.py"),
                "--json",
                os.path.join(args.out, "bench_digits_e2e.json"),
            ]
        )
    subprocess.run([sys.executable, os.path.join(HERE, "make_table.py"), args.out])


if __name__ == "__main__":
    main()
