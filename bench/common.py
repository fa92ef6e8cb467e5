"""Timing helpers shared by the benchmarks: medians of repeated runs, optional peers."""
from __future__ import annotations

import importlib
import statistics
import time
from typing import Callable, Dict, Optional


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


def optional_import(name: str):
    """The module, or None when the peer is not installed."""
    try:
        return importlib.import_module(name)
    except Exception:  # a broken peer install must not stop the benchmark
        return None


def report(title: str, unit_scale: float, unit: str, results: Dict[str, Optional[float]],
           baseline: str = "gluonlite") -> str:
    """One table row block: each framework's time and its ratio to gluonlite's."""
    lines = [title]
    base = results.get(baseline)
    for name, t in results.items():
        if t is None:
            lines.append(f"  {name:<22} n/a")
            continue
        ratio = f"{t / base:6.2f}x gluonlite's time" if base else ""
        lines.append(f"  {name:<22} {t * unit_scale:10.3f} {unit}   {ratio}")
    return "\n".join(lines)
