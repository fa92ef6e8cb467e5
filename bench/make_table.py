"""The README's performance table from the JSON files bench/run_all.py wrote.

    python bench/make_table.py bench/results

One row per case: gluonlite's median and each peer's as a multiple of it (>1: gluonlite
is faster), with the threads every framework ran on.
"""

from __future__ import annotations

import glob
import json
import os
import sys

PEERS = ("numpy", "torch", "mxnet")
SCALE = [(1e-3, 1e6, "µs"), (1.0, 1e3, "ms"), (float("inf"), 1.0, "s")]


def fmt(seconds: float) -> str:
    for limit, scale, unit in SCALE:
        if seconds < limit:
            return f"{seconds * scale:.3g} {unit}"
    return f"{seconds:.3g} s"


def peer_cell(times: dict, peer: str, base: float) -> str:
    labels = [k for k in times if k.split()[0] == peer]
    cells = []
    for label in labels:
        extra = label[len(peer) :].strip()
        ratio = times[label] / base if base else float("nan")
        cells.append(f"{fmt(times[label])} ({ratio:.2f}×){' ' + extra if extra else ''}")
    return "<br>".join(cells)


def main() -> None:
    folder = (
        sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "results")
    )
    records = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(folder, "bench_*.json")))]
    print("| benchmark | gluonlite | numpy | PyTorch CPU | MXNet 1.9.1 |")
    print("|---|---|---|---|---|")
    notes = []
    for rec in records:
        if "cases" not in rec:
            continue
        notes.append(
            f"{rec['script']}: {rec['date']}, {rec['threads']} threads each, load {rec['load']}"
        )
        for title, times in rec["cases"].items():
            base = times.get("gluonlite")
            if base is None:
                continue
            own = [f"{fmt(base)}"] + [
                f"{fmt(t)} {k[len('gluonlite') :].strip()}"
                for k, t in times.items()
                if k.startswith("gluonlite") and k != "gluonlite"
            ]
            cells = [peer_cell(times, p, base) for p in PEERS]
            print(f"| {title} | {'<br>'.join(own)} | " + " | ".join(cells) + " |")
    e2e = os.path.join(folder, "bench_digits_e2e.json")
    if os.path.exists(e2e):
        rec = json.load(open(e2e))
        base = rec["times"]["gluonlite"]
        print(
            f"| `python examples/train_digits.py`, wall time | {fmt(base)} | | "
            f"{fmt(rec['times']['torch'])} ({rec['times']['torch'] / base:.2f}×) | |"
        )
        notes.append(
            f"bench_digits_e2e.py: {rec['date']}, {rec['threads']} threads, load {rec['load']}"
        )
    print()
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
