"""Vision data benchmarks: image transforms, PNG decoding and RecordIO, gluonlite vs MXNet.

gluonlite runs these on the host in numpy and Pillow; MXNet 1.9.1 in C++ and OpenCV. Each
framework runs in its own process on the same thread count (bench/common.py); times are
medians, with MXNet's as a multiple of gluonlite's (>1: gluonlite is faster).
Run:  python bench/bench_vision.py [--quick] [--threads N] [--mxnet-python PATH]
"""

from __future__ import annotations

import os
import struct
import sys
import tempfile
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from common import Case, run_cases  # noqa: E402


def _photo() -> np.ndarray:
    """A 375x500 RGB image (an ImageNet-sized photo) with some smooth structure."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:375, 0:500]
    base = np.stack([yy * 0.6, xx * 0.5, (yy + xx) * 0.3], axis=2)
    return np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)


def _png_bytes(img: np.ndarray) -> bytes:
    """A plain RGB PNG built with zlib, so neither side needs an encoder."""
    h, w, _ = img.shape
    raw = b"".join(b"\0" + img[y].tobytes() for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def _transform_case(title: str, build, number: int) -> Case:
    def make(framework: str):
        def setup(q):
            mod = __import__(framework)
            transforms = mod.gluon.data.vision.transforms
            x = mod.nd.array(_photo(), dtype="uint8")
            fn = build(transforms)
            return (lambda: fn(x).wait_to_read()), max(1, number // q)

        return setup

    return Case(title, {"gluonlite": make("gluonlite"), "mxnet": make("mxnet")})


def _decode_case() -> Case:
    def make(framework: str):
        def setup(q):
            mod = __import__(framework)
            buf = _png_bytes(_photo())
            return (lambda: mod.image.imdecode(buf).wait_to_read()), max(1, 20 // q)

        return setup

    return Case(
        "imdecode, 375x500 RGB PNG", {"gluonlite": make("gluonlite"), "mxnet": make("mxnet")}
    )


def _recordio_case() -> Case:
    def make(framework: str):
        def setup(q):
            mod = __import__(framework)
            path = os.path.join(tempfile.mkdtemp(), "bench.rec")
            payloads = [np.random.default_rng(i).bytes(1000) for i in range(1000)]

            def write_and_read():
                writer = mod.recordio.MXRecordIO(path, "w")
                for rec in payloads:
                    writer.write(rec)
                writer.close()
                reader = mod.recordio.MXRecordIO(path, "r")
                while reader.read() is not None:
                    pass
                reader.close()

            return write_and_read, max(1, 5 // q)

        return setup

    return Case(
        "recordio: write then read 1,000 records of 1 KB",
        {"gluonlite": make("gluonlite"), "mxnet": make("mxnet")},
    )


def make_cases():
    return [
        _transform_case(
            "Resize(256, keep_ratio=True), 375x500 uint8, bilinear",
            lambda T: T.Resize(256, keep_ratio=True),
            20,
        ),
        _transform_case(
            "eval pipeline: Resize 256 + CenterCrop 224 + ToTensor + Normalize",
            lambda T: T.Compose(
                [
                    T.Resize(256, keep_ratio=True),
                    T.CenterCrop(224),
                    T.ToTensor(),
                    T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
                ]
            ),
            20,
        ),
        _transform_case(
            "RandomResizedCrop(224) + RandomFlipLeftRight, 375x500",
            lambda T: T.Compose([T.RandomResizedCrop(224), T.RandomFlipLeftRight()]),
            20,
        ),
        _transform_case(
            "RandomColorJitter(0.4, 0.4, 0.4, 0.1), 375x500",
            lambda T: T.RandomColorJitter(0.4, 0.4, 0.4, 0.1),
            5,
        ),
        _decode_case(),
        _recordio_case(),
    ]


if __name__ == "__main__":
    run_cases(os.path.abspath(__file__), __doc__, make_cases)
