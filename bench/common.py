"""The benchmark harness: every framework is timed in its own subprocess.

A peer imported into the same process changes what is measured (importing MXNet sets the
OpenMP thread count to 1 for the whole process, which once hid a 10x slowdown), so a bench
script only declares its cases; ``run_cases`` starts one child per framework, each imports
only its framework, pins it to the same thread count and reports medians as JSON, and the
parent prints each case's times with their ratios to gluonlite's and the threads used.

A case is a title plus, per implementation label, a setup function ``setup(q)`` returning
``(fn, number)``: ``fn`` is timed ``number`` times per run (``q`` > 1 for --quick). The label's
first word names the framework ("gluonlite", "numpy", "torch", "mxnet"); "gluonlite
hybridized" runs in gluonlite's child.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

FRAMEWORKS = ("gluonlite", "numpy", "torch", "mxnet")
Setup = Callable[[int], Tuple[Callable[[], object], int]]


@dataclass
class Case:
    title: str
    impls: Dict[str, Setup]
    unit: str = "ms"  # "us", "ms" or "s"
    repeat: int = 7
    warmup: int = 2
    work: Optional[Tuple[float, str]] = None  # (amount per call, unit) e.g. (2*n**3, "GFLOP/s")
    notes: List[str] = field(default_factory=list)


def median_time(fn: Callable[[], object], number: int, repeat: int = 7, warmup: int = 2) -> float:
    """Median seconds per call of ``fn`` over ``repeat`` runs of ``number`` calls."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def framework_of(label: str) -> str:
    return label.split()[0]


def _pin_threads(framework: str, threads: int) -> str:
    """Imports ``framework``, sets it to ``threads`` threads; returns its version."""
    mod = importlib.import_module(framework)
    if framework == "gluonlite":
        mod.set_num_threads(threads)
    elif framework == "torch":
        mod.set_num_threads(threads)
        mod.set_num_interop_threads(1)
    version = getattr(mod, "__version__", "?")
    kernels = _blas_kernels(framework, mod)
    return f"{version} ({kernels})" if kernels else version


def _blas_kernels(framework: str, mod) -> str:
    """Which OpenBLAS kernels gluonlite's (or numpy's) OpenBLAS runs: OPENBLAS_CORETYPE in
    the environment overrides OpenBLAS's own choice, for both."""
    if framework == "gluonlite":
        return f"OpenBLAS {mod._core.blas_corename()} kernels"
    if framework == "numpy":
        try:
            from threadpoolctl import threadpool_info

            found = [
                i.get("architecture") for i in threadpool_info() if "openblas" in i["filepath"]
            ]
            return f"OpenBLAS {found[0]} kernels" if found and found[0] else ""
        except Exception:  # threadpoolctl absent or unable to inspect
            return ""
    return ""


def _threads_used(framework: str) -> str:
    if framework == "gluonlite":
        import gluonlite

        return str(gluonlite.get_num_threads())
    if framework == "torch":
        import torch

        return str(torch.get_num_threads())
    try:  # numpy's OpenBLAS (and MXNet's OpenMP) read the variables the parent set
        from threadpoolctl import threadpool_info

        counts = sorted({str(i["num_threads"]) for i in threadpool_info()})
        if counts:
            return "/".join(counts)
    except Exception:  # threadpoolctl absent or unable to inspect
        pass
    return os.environ.get("OMP_NUM_THREADS", "?") + " (env)"


def _child(cases: List[Case], framework: str, threads: int, q: int) -> None:
    version = _pin_threads(framework, threads)
    out = {"version": version, "times": {}}
    for i, case in enumerate(cases):
        for label, setup in case.impls.items():
            if framework_of(label) != framework:
                continue
            fn, number = setup(q)
            out["times"][f"{i}\t{label}"] = median_time(
                fn, max(1, number), case.repeat, case.warmup
            )
    out["threads"] = _threads_used(framework)
    print("BENCH-JSON " + json.dumps(out), flush=True)


def _run_child(script: str, python: str, framework: str, threads: int, quick: bool):
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    cmd = [python, script, "--framework", framework, "--threads", str(threads)]
    if quick:
        cmd.append("--quick")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH-JSON "):
            return json.loads(line[len("BENCH-JSON ") :])
    tail = (proc.stderr or proc.stdout)[-600:].strip()
    first = tail.splitlines()[-1] if tail else "no output"
    print(f"  [{framework} skipped: {first}]", file=sys.stderr)
    return None


_SCALE = {"us": 1e6, "ms": 1e3, "s": 1.0}


def format_case(case: Case, times: Dict[str, float], threads: Dict[str, str]) -> str:
    """One block: each implementation's time, its ratio to gluonlite's, its thread count."""
    lines = [case.title]
    base = times.get("gluonlite")
    for label in case.impls:
        t = times.get(label)
        if t is None:
            lines.append(f"  {label:<30} n/a")
            continue
        ratio = f"{t / base:6.2f}x gluonlite's time" if base else ""
        fw_threads = threads.get(framework_of(label), "?")
        lines.append(
            f"  {label:<30} {t * _SCALE[case.unit]:10.3f} {case.unit}  {ratio}"
            f"   [{fw_threads} threads]"
        )
    if case.work:
        amount, unit = case.work
        rates = "  ".join(f"{k}: {amount / v / 1e9:.1f}" for k, v in times.items() if v)
        lines.append(f"  {unit}: {rates}")
    lines.extend("  " + note for note in case.notes)
    return "\n".join(lines)


def run_cases(script: str, doc: str, make_cases: Callable[[], List[Case]]) -> Dict:
    """The command line of a bench script: parent (default) or one framework's child."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    parser.add_argument(
        "--threads",
        type=int,
        default=len(os.sched_getaffinity(0)),
        help="threads for every framework (default: the CPUs available)",
    )
    parser.add_argument(
        "--mxnet-python",
        default=os.environ.get("GLUONLITE_BENCH_MXNET_PYTHON"),
        help="interpreter with mxnet==1.9.1 installed (it needs numpy<1.24); default: this one",
    )
    parser.add_argument(
        "--frameworks",
        default=",".join(FRAMEWORKS),
        help="comma-separated subset of " + ",".join(FRAMEWORKS),
    )
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--framework", help=argparse.SUPPRESS)
    args = parser.parse_args()
    q = 10 if args.quick else 1
    cases = make_cases()
    if args.framework:
        _child(cases, args.framework, args.threads, q)
        return {}
    wanted = [fw for fw in args.frameworks.split(",") if fw]
    used = {framework_of(label) for case in cases for label in case.impls}
    results, threads, versions = {}, {}, {}
    for fw in wanted:
        if fw not in used:
            continue
        python = args.mxnet_python if (fw == "mxnet" and args.mxnet_python) else sys.executable
        got = _run_child(script, python, fw, args.threads, args.quick)
        if got is None:
            continue
        versions[fw], threads[fw] = got["version"], got["threads"]
        for key, t in got["times"].items():
            i, label = key.split("\t", 1)
            results.setdefault(int(i), {})[label] = t
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(
        f"{os.path.basename(script)}: {time.strftime('%Y-%m-%d %H:%M')}, "
        f"{len(os.sched_getaffinity(0))} CPUs, {args.threads} threads per framework, "
        f"load average {load}, each framework in its own process"
    )
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    for i, case in enumerate(cases):
        print(format_case(case, results.get(i, {}), threads), flush=True)
    record = {
        "script": os.path.basename(script),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "threads": args.threads,
        "load": load,
        "versions": versions,
        "cases": {case.title: results.get(i, {}) for i, case in enumerate(cases)},
    }
    if args.json:
        with open(args.json, "w") as f:
            json.dump(record, f, indent=1)
    return record
