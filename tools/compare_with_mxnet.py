"""Run a tutorial script under real MXNet 1.9.1 and under gluonlite and diff the outputs.

The scripts import gluonlite (``import gluonlite as mx``, ``from gluonlite import nd``).
Under MXNet, an import hook maps every ``gluonlite`` module onto the ``mxnet`` module of
the same name, so the very same file runs on both.

Text must match exactly; numbers must match within a tolerance. Lines whose numbers come
from MXNet's random generator (which gluonlite does not reproduce) are found by running
MXNet twice with different seeds: where the two runs differ, only the text around the
numbers is compared. A printed NDArray with random values is compared as one piece (numpy
may wrap it onto another number of lines for other values).

    python tools/compare_with_mxnet.py SCRIPT --mxnet-python /path/to/mxnet-venv/bin/python
    python tools/compare_with_mxnet.py SCRIPT --mxnet-python ... --record tests/tutorials/expected
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
from typing import List, Optional, Sequence

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")

# Executed by the MXNet interpreter before the script: alias gluonlite -> mxnet.
_SHIM = r"""
import importlib, importlib.abc, importlib.util, runpy, sys, warnings
warnings.filterwarnings("ignore", category=DeprecationWarning)
class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path, target=None):
        if name == "gluonlite" or name.startswith("gluonlite."):
            return importlib.util.spec_from_loader(name, self)
        return None
    def create_module(self, spec):
        return importlib.import_module("mxnet" + spec.name[len("gluonlite"):])
    def exec_module(self, module):
        pass
sys.meta_path.insert(0, _Alias())
seed = int(sys.argv[2])
if seed >= 0:
    import mxnet
    mxnet.random.seed(seed)
sys.argv = [sys.argv[1]]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def run_mxnet(python: str, script: str, seed: int) -> str:
    """Output (stdout + stderr) of ``script`` under MXNet, with an optional injected seed."""
    env = dict(os.environ, PYTHONWARNINGS="ignore", MXNET_SUBGRAPH_VERBOSE="0")
    proc = subprocess.run(
        [python, "-c", _SHIM, script, str(seed)],
        capture_output=True,
        text=True,
        env=env,
        cwd=os.path.dirname(os.path.abspath(script)) or ".",
    )
    if proc.returncode != 0:
        raise SystemExit(f"{script} failed under MXNet:\n{proc.stdout}\n{proc.stderr}")
    return normalize(proc.stdout)


def run_gluonlite(script: str, python: Optional[str] = None) -> str:
    """Output of ``script`` under gluonlite."""
    proc = subprocess.run(
        [python or sys.executable, script],
        capture_output=True,
        text=True,
        cwd=os.path.dirname(os.path.abspath(script)) or ".",
    )
    if proc.returncode != 0:
        raise SystemExit(f"{script} failed under gluonlite:\n{proc.stdout}\n{proc.stderr}")
    return normalize(proc.stdout)


def normalize(text: str) -> str:
    """Framework names to one spelling; trailing spaces off."""
    text = text.replace("mxnet", "gluonlite").replace("MXNet", "gluonlite")
    return "\n".join(line.rstrip() for line in text.splitlines())


def random_lines(run_a: str, run_b: str) -> List[int]:
    """Indices of lines whose numbers differ between two differently seeded runs.

    A printed array whose values differ on any line counts as random as a whole: a row
    that happened to print the same in both runs (say all zeros after a ReLU) comes from
    the same generator and may differ under gluonlite.
    """
    a, b = run_a.splitlines(), run_b.splitlines()
    if len(a) == len(b):
        differing = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    else:  # a random array wrapped onto another number of lines: align the runs first
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        differing = [
            i
            for tag, i1, i2, _, _ in matcher.get_opcodes()
            if tag != "equal"
            for i in range(i1, i2)
        ]
    return sorted(set(i for d in differing for i in _array_lines(a, d)))


def _array_lines(lines: Sequence[str], i: int) -> range:
    """The lines of the printed NDArray that line ``i`` belongs to (just ``i`` if none).

    An NDArray prints as a first line starting with '[', rows and wrapped values indented
    by a space (blank lines between the slices of 3-d arrays), and a '<NDArray ...>' line.
    """

    def inside(line: str) -> bool:
        return line == "" or line.startswith(" ")

    if not (lines[i].startswith("[") or inside(lines[i])):
        return range(i, i + 1)
    start = i
    while not lines[start].startswith("["):
        if start == 0 or not inside(lines[start - 1]) and not lines[start - 1].startswith("["):
            return range(i, i + 1)  # not an array body after all
        start -= 1
    end = i
    while end + 1 < len(lines) and inside(lines[end + 1]):
        end += 1
    if end + 1 < len(lines) and lines[end + 1].startswith("<NDArray"):
        return range(start, end + 1)
    return range(i, i + 1)


def skeleton(line: str) -> str:
    """The line with every number replaced by '#' and all whitespace removed."""
    return re.sub(r"\s+", "", NUMBER.sub("#", line))


def compare(
    expected: str, actual: str, random_idx: Sequence[int], rtol: float = 1e-4, atol: float = 1e-5
) -> List[str]:
    """Differences between expected and actual output, one message per mismatching line.

    A printed NDArray with random values is compared as one unit (its lines joined): numpy
    picks the notation and the line wrapping from the values, so such an array may take
    another number of lines in each run.
    """
    problems = []
    exp_lines, act_lines = expected.splitlines(), actual.splitlines()
    random_set = set(random_idx)
    i = j = 0
    while i < len(exp_lines) and j < len(act_lines):
        e_end = _random_array_end(exp_lines, i, random_set)
        if e_end is not None:
            a_end = next(
                (k for k in range(j, len(act_lines)) if act_lines[k].startswith("<NDArray")), None
            )
            if a_end is None:
                problems.append(
                    f"line {i + 1}: expected a printed NDArray, got none\n"
                    f"  expected: {exp_lines[i]}\n  actual:   {act_lines[j]}"
                )
                return problems
            e = "\n".join(exp_lines[i : e_end + 1])
            a = "\n".join(act_lines[j : a_end + 1])
            if skeleton(e) != skeleton(a):
                problems.append(
                    f"line {i + 1}: random NDArray differs in layout\n"
                    f"  expected: {_one_line(e)}\n  actual:   {_one_line(a)}"
                )
            i, j = e_end + 1, a_end + 1
            continue
        e, a = exp_lines[i], act_lines[j]
        i, j = i + 1, j + 1
        # numpy pads for signs and widths, so whitespace never counts as a difference.
        if skeleton(e) != skeleton(a):
            problems.append(f"line {i}: text differs\n  expected: {e}\n  actual:   {a}")
            continue
        if i - 1 in random_set:
            continue  # MXNet's random stream is not reproduced; the layout matched
        for x, y in zip(NUMBER.findall(e), NUMBER.findall(a)):
            fx, fy = float(x), float(y)
            if abs(fx - fy) > atol + rtol * abs(fx):
                problems.append(f"line {i}: {x} != {y}\n  expected: {e}\n  actual:   {a}")
                break
    if i < len(exp_lines) or j < len(act_lines):
        problems.append(
            f"expected {len(exp_lines)} lines, got {len(act_lines)}"
            f" (unmatched from expected line {i + 1}, actual line {j + 1})"
        )
    return problems


def _random_array_end(lines: Sequence[str], i: int, random_set: set) -> Optional[int]:
    """Index of the '<NDArray' line closing the random array that starts at line ``i``."""
    if i not in random_set or not lines[i].startswith("["):
        return None
    k = i
    while k + 1 < len(lines) and k + 1 in random_set:
        if lines[k + 1].startswith("<NDArray") or lines[k + 1].startswith("["):
            break
        k += 1
    if k + 1 < len(lines) and lines[k + 1].startswith("<NDArray"):
        return k + 1
    return None


def _one_line(text: str) -> str:
    return " | ".join(text.splitlines())


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("script")
    parser.add_argument("--mxnet-python", required=True, help="an interpreter with mxnet==1.9.1")
    parser.add_argument(
        "--record",
        metavar="DIR",
        help="write DIR/<name>.txt (MXNet's output) and DIR/<name>.random.json",
    )
    args = parser.parse_args(argv)
    args.script = os.path.abspath(args.script)
    name = os.path.splitext(os.path.basename(args.script))[0]
    expected = run_mxnet(args.mxnet_python, args.script, 1)
    other = run_mxnet(args.mxnet_python, args.script, 2)
    rand = random_lines(expected, other)
    if args.record:
        os.makedirs(args.record, exist_ok=True)
        with open(os.path.join(args.record, name + ".txt"), "w") as f:
            f.write(expected + "\n")
        with open(os.path.join(args.record, name + ".random.json"), "w") as f:
            json.dump(rand, f)
        print(
            f"recorded {name}: {len(expected.splitlines())} lines, {len(rand)} with random values"
        )
    problems = compare(expected, run_gluonlite(args.script), rand)
    for p in problems:
        print(p)
    print(f"{name}: {'identical to MXNet' if not problems else f'{len(problems)} difference(s)'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
