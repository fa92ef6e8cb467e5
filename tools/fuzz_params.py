"""Fuzz the .params reader (``nd.load_frombuffer``) with mutated MXNet fixtures.

Every input must either load - and then survive a save/load round trip unchanged - or
raise ``MXNetError: Invalid NDArray file format: buffer, ...``. Anything else (another
exception, a slow input, a crash) is a bug. The input being tried sits in an mmap'ed file
(``--crash-file``), so it survives a crash of this process for replay.

    PYTHONPATH=. python tools/fuzz_params.py --seconds 120
    PYTHONPATH=. python tools/fuzz_params.py --atheris -- -max_total_time=120

The first mode mutates the fixtures in tests/data/mxnet_params/ (plus freshly generated
valid files) with structure-aware mutations. The second lets libFuzzer drive the same
check and mutator through atheris (``pip install atheris``); since the C++ reader is not
built with coverage instrumentation, libFuzzer sees only Python-level coverage. Both
print how many inputs they tried. For memory errors, run it against the sanitized build
of tools/sanitize.sh (LD_PRELOAD of libasan, PYTHONPATH at its source copy).
"""

from __future__ import annotations

import argparse
import mmap
import os
import random
import re
import struct
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from gluonlite import nd
from gluonlite.base import MXNetError

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "data" / "mxnet_params"
INTERESTING = [
    0,
    1,
    2,
    3,
    5,
    7,
    8,
    12,
    13,
    32,
    33,
    255,
    256,
    0x7FFFFFFF,
    0x80000000,
    0xFFFFFFFF,
    1 << 32,
    1 << 40,
    1 << 62,
    (1 << 63) - 1,
    1 << 63,
    (1 << 64) - 1,
    0xF993FAC8,
    0xF993FAC9,
    0xF993FACA,
    0x112,
]
SLOW_SECONDS = 1.0
DTYPES = ["float32", "float64", "float16", "uint8", "int32", "int8", "int64", "bool"]


class Failure(Exception):
    pass


def check(data: bytes) -> str:
    """Outcome of one input: 'loaded' or the start of the error; raises Failure on a bug."""
    start = time.perf_counter()
    try:
        loaded = nd.load_frombuffer(data)
    except MXNetError as err:
        text = str(err)
        if not text.startswith("Invalid NDArray file format: buffer, "):
            raise Failure("MXNetError without the expected prefix: %s" % text) from err
        # what went wrong, without the numbers: 'dimension N of the shape is -N'
        reason = re.sub(r"-?\d+", "N", text.split("byte offset ", 1)[-1].split(": ", 1)[-1])
        outcome = "rejected: " + " ".join(reason.split()[:7])
    except Exception as err:  # noqa: BLE001 - any other class is the bug we look for
        raise Failure("%s: %s" % (type(err).__name__, err)) from err
    else:
        arrays = [
            a for a in (loaded.values() if isinstance(loaded, dict) else loaded) if a is not None
        ]
        again = nd.load_frombuffer(nd.save_tobuffer(arrays))
        if [a.asnumpy().tobytes() for a in again] != [a.asnumpy().tobytes() for a in arrays]:
            raise Failure("round trip changed the values")
        outcome = "loaded"
    if time.perf_counter() - start > SLOW_SECONDS:
        raise Failure("slow input: %.2f s" % (time.perf_counter() - start))
    return outcome


def random_file(rng: random.Random) -> bytes:
    """A valid file of random arrays (dtypes, shapes with 0-d and zero-size, names)."""
    arrays = []
    for _ in range(rng.randint(0, 4)):
        shape = tuple(rng.randint(0, 4) for _ in range(rng.randint(0, 4)))
        dtype = rng.choice(DTYPES)
        arrays.append(
            nd.array(np.arange(int(np.prod(shape))).reshape(shape).astype(dtype), dtype=dtype)
        )
    if rng.random() < 0.5:
        return nd.save_tobuffer(arrays)
    return nd.save_tobuffer({"p%d.%s" % (i, "é" * i): a for i, a in enumerate(arrays)})


def mutate(rng: random.Random, data: bytearray, seeds) -> bytearray:
    for _ in range(rng.randint(1, 5)):
        kind = rng.randrange(8)
        at = rng.randint(0, len(data))
        if kind == 0 and data:  # flip bits
            data[min(at, len(data) - 1)] ^= 1 << rng.randrange(8)
        elif kind in (1, 2):  # an extreme int over a 4/8-byte field
            size = 4 if kind == 1 else 8
            at -= at % 4
            value = rng.choice(INTERESTING) * rng.choice([1, -1])
            data[at : at + size] = (value % (1 << (8 * size))).to_bytes(size, "little")
        elif kind == 3:  # truncate
            del data[at:]
        elif kind == 4:  # insert random bytes
            data[at:at] = os.urandom(rng.choice([1, 4, 8, 12]))
        elif kind == 5:  # delete a few bytes
            del data[at : at + rng.randint(1, 12)]
        elif kind == 6:  # splice another seed's tail
            other = rng.choice(seeds)
            data[at:] = other[rng.randint(0, len(other)) :]
        else:  # repeat a chunk (a second record)
            end = min(len(data), at + rng.randint(4, 64))
            data[at:at] = data[at:end]
    return data


def run_random(seconds: float, crash: mmap.mmap, seed: int) -> int:
    rng = random.Random(seed)
    seeds = [p.read_bytes() for p in sorted(FIXTURES.glob("*.params"))]
    seeds += [random_file(rng) for _ in range(50)]
    outcomes: Counter = Counter()
    tried = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        data = bytes(mutate(rng, bytearray(rng.choice(seeds)), seeds))
        remember(crash, data)
        try:
            outcomes[check(data)] += 1
        except Failure as err:
            path = FIXTURES.parent / "fuzz_failure.params"
            path.write_bytes(data)
            print("FAILURE after %d inputs: %s (input saved to %s)" % (tried, err, path))
            return 1
        tried += 1
    print("tried %d inputs in %.0f s, no failure" % (tried, seconds))
    for outcome, count in outcomes.most_common(12):
        print("  %7d  %s" % (count, outcome))
    return 0


def run_atheris(argv) -> int:
    """libFuzzer drives the loop; our structure-aware mutator makes the inputs (the C++
    reader is not coverage-instrumented, so libFuzzer's own mutations would be blind)."""
    import tempfile

    import atheris  # optional dependency

    seeds = [p.read_bytes() for p in sorted(FIXTURES.glob("*.params"))]
    tried = [0]

    def one_input(data: bytes) -> None:
        tried[0] += 1
        if tried[0] % 200000 == 0:
            print("atheris: tried %d inputs" % tried[0], flush=True)
        check(data)

    def custom_mutator(data: bytes, max_size: int, seed: int) -> bytes:
        rng = random.Random(seed)
        base = data if data and rng.random() < 0.7 else rng.choice(seeds)
        return bytes(mutate(rng, bytearray(base), seeds)[:max_size])

    corpus = tempfile.mkdtemp(prefix="gluonlite_fuzz_corpus_")
    for i, raw in enumerate(seeds):
        Path(corpus, "seed%02d" % i).write_bytes(raw)
    atheris.instrument_all()  # Python-level coverage (utils.py), the only kind available
    atheris.Setup([sys.argv[0]] + list(argv) + [corpus], one_input, custom_mutator=custom_mutator)
    atheris.Fuzz()
    return 0


def remember(crash: mmap.mmap, data: bytes) -> None:
    size = min(len(data), len(crash) - 8)
    crash[:8] = struct.pack("<Q", size)
    crash[8 : 8 + size] = data[:size]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--crash-file",
        default="/tmp/gluonlite_fuzz_current.bin",
        help="holds the input being tried (uint64 length, bytes)",
    )
    parser.add_argument("--atheris", action="store_true", help="drive the check with libFuzzer")
    args, rest = parser.parse_known_args()
    if args.atheris:
        return run_atheris([a for a in rest if a != "--"])
    with open(args.crash_file, "w+b") as f:
        f.truncate(1 << 20)
        crash = mmap.mmap(f.fileno(), 1 << 20)
        return run_random(args.seconds, crash, args.seed)


if __name__ == "__main__":
    sys.exit(main())
