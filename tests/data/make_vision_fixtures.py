"""Writes the recordio and vision fixtures with the real MXNet 1.9.1 (its own writer and ops).

Run it with MXNet's interpreter (a scratch virtualenv: ``pip install mxnet==1.9.1
numpy==1.23.5``; no OpenCV Python package is needed)::

    /tmp/mxenv/bin/python tests/data/make_vision_fixtures.py

Out come:

* ``recordio/seq.rec``: the records of ``RECORDS`` written by ``MXRecordIO`` (empty, padded,
  payloads holding the magic word aligned and not, packed IRHeaders);
* ``recordio/indexed.rec`` + ``.idx``: three records written by ``MXIndexedRecordIO``;
* ``recordio/images.rec`` + ``.idx``: PNG images packed with ``recordio.pack`` for
  ``ImageRecordDataset``;
* ``recordio/manifest.json``: every record's bytes (hex), as MXNet reads them back;
* ``vision/mxnet_transforms.npz``: inputs and MXNet's outputs of the deterministic
  transforms and ``mx.image`` functions, and the PNG bytes it decoded.
"""

from __future__ import annotations

import json
import os
import struct
import zlib

import mxnet as mx
import numpy as np
from mxnet.gluon.data.vision import transforms as T

HERE = os.path.dirname(os.path.abspath(__file__))
REC_DIR = os.path.join(HERE, "recordio")
VISION_DIR = os.path.join(HERE, "vision")
MAGIC = struct.pack("<I", 0xCED7230A)


def png_bytes(img: np.ndarray) -> bytes:
    """A minimal 8-bit PNG (grey, RGB or RGBA; no filtering), so no Pillow/OpenCV is needed."""
    img = np.ascontiguousarray(img, dtype=np.uint8)
    if img.ndim == 2:
        img = img[:, :, None]
    h, w, c = img.shape
    raw = b"".join(b"\0" + img[y].tobytes() for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, {1: 0, 3: 2, 4: 6}[c], 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def records() -> list:
    rng = np.random.RandomState(7)
    return [
        b"record_0",
        b"",
        b"a",
        b"abcde",
        MAGIC + b"xyz",  # magic at offset 0
        b"1234" + MAGIC + b"5678" + MAGIC + b"9",  # two aligned magics: 3 parts
        b"ab" + MAGIC + b"cd",  # unaligned: not split
        b"abcd" + MAGIC,  # ends in the magic
        MAGIC,
        mx.recordio.pack(mx.recordio.IRHeader(0, 3.0, 42, 0), b"payload"),
        mx.recordio.pack(mx.recordio.IRHeader(0, [1, 2.5, -1], 7, 0), b"img"),
        rng.randint(0, 256, 37).astype(np.uint8).tobytes(),
    ]


def write_recordio(manifest: dict) -> None:
    recs = records()
    path = os.path.join(REC_DIR, "seq.rec")
    writer = mx.recordio.MXRecordIO(path, "w")
    for rec in recs:
        writer.write(rec)
    writer.close()
    reader = mx.recordio.MXRecordIO(path, "r")
    read_back = [reader.read() for _ in recs]
    assert reader.read() is None and read_back == recs
    manifest["seq"] = [r.hex() for r in read_back]

    writer = mx.recordio.MXIndexedRecordIO(
        os.path.join(REC_DIR, "indexed.idx"), os.path.join(REC_DIR, "indexed.rec"), "w"
    )
    positions = []
    for key, rec in zip((10, 20, 30), (b"ten", b"twenty" + MAGIC, b"thirty!!")):
        positions.append(writer.tell())
        writer.write_idx(key, rec)
    writer.close()
    manifest["indexed"] = {
        "keys": [10, 20, 30],
        "positions": positions,
        "records": [b"ten".hex(), (b"twenty" + MAGIC).hex(), b"thirty!!".hex()],
    }


def write_image_records(manifest: dict, arrays: dict) -> None:
    rng = np.random.RandomState(3)
    images = [
        rng.randint(0, 256, (5, 6, 3)).astype(np.uint8),
        rng.randint(0, 256, (4, 3)).astype(np.uint8),  # a grey PNG
        rng.randint(0, 256, (3, 4, 4)).astype(np.uint8),
    ]  # RGBA
    labels = [1.0, 4.0, [2.0, 5.0]]
    writer = mx.recordio.MXIndexedRecordIO(
        os.path.join(REC_DIR, "images.idx"), os.path.join(REC_DIR, "images.rec"), "w"
    )
    for i, (img, label) in enumerate(zip(images, labels)):
        writer.write_idx(i, mx.recordio.pack(mx.recordio.IRHeader(0, label, i, 0), png_bytes(img)))
    writer.close()
    dataset = mx.gluon.data.vision.ImageRecordDataset(os.path.join(REC_DIR, "images.rec"))
    grey = mx.gluon.data.vision.ImageRecordDataset(os.path.join(REC_DIR, "images.rec"), flag=0)
    for i in range(len(dataset)):
        data, label = dataset[i]
        arrays["imagerec_%d" % i] = data.asnumpy()
        arrays["imagerec_grey_%d" % i] = grey[i][0].asnumpy()
        arrays["imagerec_label_%d" % i] = np.asarray(label)


def write_transforms(arrays: dict) -> None:
    rng = np.random.RandomState(0)
    img = rng.randint(0, 256, (7, 9, 3)).astype(np.uint8)
    batch = rng.randint(0, 256, (2, 7, 9, 3)).astype(np.uint8)
    x, xb = mx.nd.array(img, dtype="uint8"), mx.nd.array(batch, dtype="uint8")
    arrays["img"], arrays["batch"] = img, batch
    arrays["to_tensor"] = T.ToTensor()(x).asnumpy()
    arrays["to_tensor_batch"] = T.ToTensor()(xb).asnumpy()
    norm = T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
    arrays["normalize"] = norm(T.ToTensor()(x)).asnumpy()
    arrays["normalize_batch_scalar"] = T.Normalize(0.5, 0.25)(T.ToTensor()(xb)).asnumpy()
    arrays["flip_left_right"] = mx.nd.image.flip_left_right(x).asnumpy()
    arrays["flip_top_bottom"] = mx.nd.image.flip_top_bottom(x).asnumpy()
    for interp in range(5):
        for w, h in ((5, 4), (13, 11)):
            resize = T.Resize((w, h), interpolation=interp)
            arrays["resize_%dx%d_interp%d" % (w, h, interp)] = resize(x).asnumpy()
    arrays["resize_keep_12"] = T.Resize(12, keep_ratio=True)(x).asnumpy()
    arrays["resize_keep_4"] = T.Resize(4, keep_ratio=True)(x).asnumpy()
    arrays["resize_square_6"] = T.Resize(6)(x).asnumpy()
    arrays["resize_batch_5x4"] = T.Resize((5, 4))(xb).asnumpy()
    arrays["resize_float_5x4"] = T.Resize((5, 4))(x.astype("float32")).asnumpy()
    arrays["center_crop_4"] = T.CenterCrop(4)(x).asnumpy()
    arrays["center_crop_5x3"] = T.CenterCrop((5, 3))(x).asnumpy()
    arrays["center_crop_12"] = T.CenterCrop(12)(x).asnumpy()
    arrays["imresize_13x11"] = mx.image.imresize(x, 13, 11).asnumpy()
    arrays["resize_short_5"] = mx.image.resize_short(x, 5).asnumpy()
    arrays["resize_short_14"] = mx.image.resize_short(x, 14).asnumpy()
    out, rect = mx.image.center_crop(x, (4, 4))
    arrays["image_center_crop_4"], arrays["image_center_crop_4_rect"] = out.asnumpy(), rect
    out, rect = mx.image.center_crop(x, (12, 10))
    arrays["image_center_crop_12x10"], arrays["image_center_crop_12x10_rect"] = out.asnumpy(), rect
    arrays["fixed_crop"] = mx.image.fixed_crop(x, 1, 2, 4, 3).asnumpy()
    arrays["fixed_crop_resize"] = mx.image.fixed_crop(x, 1, 2, 4, 3, (6, 5), interp=1).asnumpy()
    mean, std = mx.nd.array([120.0, 110.0, 100.0]), mx.nd.array([60.0, 50.0, 40.0])
    arrays["color_normalize"] = mx.image.color_normalize(x.astype("float32"), mean, std).asnumpy()

    png = png_bytes(img)
    arrays["png"] = np.frombuffer(png, dtype=np.uint8)
    arrays["png_decode"] = mx.image.imdecode(png).asnumpy()
    arrays["png_decode_grey"] = mx.image.imdecode(png, 0).asnumpy()
    arrays["png_decode_bgr"] = mx.image.imdecode(png, to_rgb=0).asnumpy()
    big = rng.randint(0, 256, (32, 32, 3)).astype(np.uint8)
    arrays["png_big"] = np.frombuffer(png_bytes(big), dtype=np.uint8)
    arrays["png_big_grey"] = mx.image.imdecode(png_bytes(big), 0).asnumpy()


def main() -> None:
    os.makedirs(REC_DIR, exist_ok=True)
    os.makedirs(VISION_DIR, exist_ok=True)
    manifest: dict = {}
    arrays: dict = {}
    write_recordio(manifest)
    write_image_records(manifest, arrays)
    write_transforms(arrays)
    with open(os.path.join(REC_DIR, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    np.savez_compressed(os.path.join(VISION_DIR, "mxnet_transforms.npz"), **arrays)


if __name__ == "__main__":
    main()
