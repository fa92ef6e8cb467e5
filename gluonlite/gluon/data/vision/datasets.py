"""Vision datasets (MXNet 1.x ``mxnet.gluon.data.vision.datasets``).

MNIST, FashionMNIST, CIFAR10 and CIFAR100 read the files MXNet reads, from ``root``
(default ``$MXNET_HOME/datasets/<name>``, ``~/.mxnet`` when unset). A missing file is
fetched with ``gluon.utils.download`` from MXNet's repository (``MXNET_GLUON_REPO``).
Differences from MXNet: a file already in ``root`` is used as it is, without the SHA-1
check that would make MXNet fetch it again; MNIST files may also be stored un-gzipped;
image sizes come from the idx headers.

Samples are ``(image, label)``: the image an HxWxC uint8 NDArray, the label a numpy int32
(MNIST, CIFAR) or what the record/folder gives. ``transform(image, label)`` maps a sample.
"""

from __future__ import annotations

import os
import struct
import warnings
from typing import Any, Callable, List, Optional, Tuple

import numpy as np

from .... import image, recordio
from .... import ndarray as nd
from ....base import MXNetError, data_dir
from .. import dataset

__all__ = [
    "MNIST",
    "FashionMNIST",
    "CIFAR10",
    "CIFAR100",
    "ImageRecordDataset",
    "ImageFolderDataset",
]


def _fetch(name: str, root: str, filename: str, sha1: str, namespace: str) -> str:
    """Download ``filename`` into ``root`` from MXNet's repository (gluon.utils.download)."""
    from ... import utils

    return utils.download(utils._get_repo_file_url(namespace, filename), path=root, sha1_hash=sha1)


def _read_maybe_gzip(path: str) -> bytes:
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        import gzip

        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as err:
            raise MXNetError("cannot decompress '%s': %s" % (path, err)) from None
    return raw


def _read_idx(path: str, magic: int, ndim: int) -> np.ndarray:
    """An idx-ubyte array (big-endian header: magic, then one uint32 per dimension)."""
    raw = _read_maybe_gzip(path)
    head = 4 * (1 + ndim)
    if len(raw) < head or struct.unpack(">I", raw[:4])[0] != magic:
        found = "0x%08x" % struct.unpack(">I", raw[:4])[0] if len(raw) >= 4 else "nothing"
        raise MXNetError(
            "'%s' is not an idx-ubyte %s file: it starts with %s, expected "
            "magic number %d" % (path, "label" if ndim == 1 else "image", found, magic)
        )
    dims = struct.unpack(">%dI" % ndim, raw[4:head])
    count = int(np.prod(dims))
    if len(raw) - head != count:
        raise MXNetError(
            "'%s' declares shape %s (%d bytes) but holds %d bytes of data"
            % (path, dims, count, len(raw) - head)
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=head).reshape(dims)


class MNIST(dataset._DownloadedDataset):
    """MNIST handwritten digits: samples are (28x28x1 uint8 NDArray, numpy int32 label).

    ``train`` picks ``train-*`` or ``t10k-*`` files in ``root``.
    """

    _name = "MNIST"

    def __init__(
        self,
        root: str = os.path.join(data_dir(), "datasets", "mnist"),
        train: bool = True,
        transform: Optional[Callable] = None,
    ) -> None:
        self._train = train
        self._train_data = (
            "train-images-idx3-ubyte.gz",
            "6c95f4b05d2bf285e1bfb0e7960c31bd3b3f8a7d",
        )
        self._train_label = (
            "train-labels-idx1-ubyte.gz",
            "2a80914081dc54586dbdf242f9805a6b8d2a15fc",
        )
        self._test_data = ("t10k-images-idx3-ubyte.gz", "c3a25af1f52dad7f726cce8cacb138654b760d48")
        self._test_label = ("t10k-labels-idx1-ubyte.gz", "763e7fa3757d93b0cdec073cef058b2004252c17")
        self._namespace = "mnist"
        super().__init__(root, transform)

    def _local_file(self, filename: str, sha1: str) -> str:
        for candidate in (filename, filename[:-3] if filename.endswith(".gz") else None):
            if candidate and os.path.exists(os.path.join(self._root, candidate)):
                return os.path.join(self._root, candidate)
        return _fetch(self._name, self._root, filename, sha1, self._namespace)

    def _get_data(self) -> None:
        if self._train:
            data, label = self._train_data, self._train_label
        else:
            data, label = self._test_data, self._test_label
        labels = _read_idx(self._local_file(*label), 2049, 1).astype(np.int32)
        images = _read_idx(self._local_file(*data), 2051, 3)
        if images.shape[0] != labels.shape[0]:
            raise MXNetError(
                "%s: %d images but %d labels in %s"
                % (self._name, images.shape[0], labels.shape[0], self._root)
            )
        self._data = nd.array(images[:, :, :, None], dtype=np.uint8)
        self._label = labels


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST, a drop-in for MNIST (same files and sample types)."""

    _name = "FashionMNIST"

    def __init__(
        self,
        root: str = os.path.join(data_dir(), "datasets", "fashion-mnist"),
        train: bool = True,
        transform: Optional[Callable] = None,
    ) -> None:
        self._train = train
        self._train_data = (
            "train-images-idx3-ubyte.gz",
            "0cf37b0d40ed5169c6b3aba31069a9770ac9043d",
        )
        self._train_label = (
            "train-labels-idx1-ubyte.gz",
            "236021d52f1e40852b06a4c3008d8de8aef1e40b",
        )
        self._test_data = ("t10k-images-idx3-ubyte.gz", "626ed6a7c06dd17c0eec72fa3be1740f146a2863")
        self._test_label = ("t10k-labels-idx1-ubyte.gz", "17f9ab60e7257a1620f4ad76bbbaf857c3920701")
        self._namespace = "fashion-mnist"
        dataset._DownloadedDataset.__init__(self, root, transform)


class CIFAR10(dataset._DownloadedDataset):
    """CIFAR-10 from its *binary* batches (``data_batch_1.bin``..``_5``, ``test_batch.bin``).

    Each 3073-byte row is a label byte and a 3x32x32 image; samples are (32x32x3 uint8
    NDArray, numpy int32 label). Missing batches are extracted from
    ``cifar-10-binary.tar.gz`` in ``root`` (downloaded first when absent too).
    """

    _name = "CIFAR10"
    _label_bytes = 1

    def __init__(
        self,
        root: str = os.path.join(data_dir(), "datasets", "cifar10"),
        train: bool = True,
        transform: Optional[Callable] = None,
    ) -> None:
        self._train = train
        self._archive_file = ("cifar-10-binary.tar.gz", "fab780a1e191a7eda0f345501ccd62d20f7ed891")
        self._train_data = [
            ("data_batch_1.bin", "aadd24acce27caa71bf4b10992e9e7b2d74c2540"),
            ("data_batch_2.bin", "c0ba65cce70568cd57b4e03e9ac8d2a5367c1795"),
            ("data_batch_3.bin", "1dd00a74ab1d17a6e7d73e185b69dbf31242f295"),
            ("data_batch_4.bin", "aab85764eb3584312d3c7f65fd2fd016e36a258e"),
            ("data_batch_5.bin", "26e2849e66a845b7f1e4614ae70f4889ae604628"),
        ]
        self._test_data = [("test_batch.bin", "67eb016db431130d61cd03c7ad570b013799c88c")]
        self._namespace = "cifar10"
        super().__init__(root, transform)

    def _label_column(self) -> int:
        return 0

    def _read_batch(self, filename: str) -> Tuple[np.ndarray, np.ndarray]:
        row = 3072 + self._label_bytes
        with open(filename, "rb") as fin:
            raw = np.frombuffer(fin.read(), dtype=np.uint8)
        if raw.size % row:
            raise MXNetError(
                "%s: '%s' has %d bytes, not a multiple of the %d-byte record "
                "(%d label byte(s) + a 3x32x32 image)"
                % (self._name, filename, raw.size, row, self._label_bytes)
            )
        raw = raw.reshape(-1, row)
        images = raw[:, self._label_bytes :].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return images, raw[:, self._label_column()].astype(np.int32)

    def _ensure_files(self) -> None:
        wanted = self._train_data + self._test_data
        if all(os.path.exists(os.path.join(self._root, name)) for name, _ in wanted):
            return
        archive = os.path.join(self._root, self._archive_file[0])
        if not os.path.exists(archive):
            archive = _fetch(self._name, self._root, *self._archive_file, self._namespace)
        import tarfile

        with tarfile.open(archive) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(self._root, filter="data")
            else:  # Python < 3.12 without the security backports
                tar.extractall(self._root)
        missing = [name for name, _ in wanted if not os.path.exists(os.path.join(self._root, name))]
        if missing:
            raise MXNetError(
                "%s: '%s' did not provide %s in root '%s'"
                % (self._name, archive, ", ".join(missing), self._root)
            )

    def _get_data(self) -> None:
        self._ensure_files()
        files = self._train_data if self._train else self._test_data
        images, labels = zip(
            *(self._read_batch(os.path.join(self._root, name)) for name, _ in files)
        )
        self._data = nd.array(np.concatenate(images), dtype=np.uint8)
        self._label = np.concatenate(labels)


class CIFAR100(CIFAR10):
    """CIFAR-100 from ``train.bin``/``test.bin``: rows hold a coarse and a fine label byte.

    ``fine_label=True`` gives the 100 classes, False (default) the 20 superclasses.
    """

    _name = "CIFAR100"
    _label_bytes = 2

    def __init__(
        self,
        root: str = os.path.join(data_dir(), "datasets", "cifar100"),
        fine_label: bool = False,
        train: bool = True,
        transform: Optional[Callable] = None,
    ) -> None:
        self._train = train
        self._archive_file = ("cifar-100-binary.tar.gz", "a0bb982c76b83111308126cc779a992fa506b90b")
        self._train_data = [("train.bin", "e207cd2e05b73b1393c74c7f5e7bea451d63e08e")]
        self._test_data = [("test.bin", "8fb6623e830365ff53cf14adec797474f5478006")]
        self._fine_label = fine_label
        self._namespace = "cifar100"
        dataset._DownloadedDataset.__init__(self, root, transform)

    def _label_column(self) -> int:
        return int(bool(self._fine_label))


class ImageRecordDataset(dataset.RecordFileDataset):
    """Images packed in a RecordIO file (``recordio.pack``): samples are (HxWxC uint8
    NDArray, ``header.label``). ``flag`` 0 decodes to grey (1 channel), 1 to RGB."""

    def __init__(self, filename: str, flag: int = 1, transform: Optional[Callable] = None) -> None:
        super().__init__(filename)
        self._flag = flag
        self._transform = transform

    def __getitem__(self, idx: int) -> Any:
        header, img = recordio.unpack(super().__getitem__(idx))
        data = image.imdecode(img, self._flag)
        if self._transform is not None:
            return self._transform(data, header.label)
        return data, header.label


class ImageFolderDataset(dataset.Dataset):
    """Images in one subfolder per class (``root/car/0001.jpg``, ``root/bus/x.png``...).

    ``synsets`` lists the class folders in sorted order (label i is ``synsets[i]``);
    ``items`` lists (filename, label) for every .jpg/.jpeg/.png, sorted within each
    class. Other files are skipped with a warning. ``flag`` 0 loads grey, 1 RGB.
    """

    def __init__(self, root: str, flag: int = 1, transform: Optional[Callable] = None) -> None:
        self._root = os.path.expanduser(root)
        self._flag = flag
        self._transform = transform
        self._exts = [".jpg", ".jpeg", ".png"]
        self._list_images(self._root)

    def _list_images(self, root: str) -> None:
        self.synsets: List[str] = []
        self.items: List[Tuple[str, int]] = []
        for folder in sorted(os.listdir(root)):
            path = os.path.join(root, folder)
            if not os.path.isdir(path):
                warnings.warn("Ignoring %s, which is not a directory." % path, stacklevel=3)
                continue
            label = len(self.synsets)
            self.synsets.append(folder)
            for filename in sorted(os.listdir(path)):
                filename = os.path.join(path, filename)
                ext = os.path.splitext(filename)[1]
                if ext.lower() not in self._exts:
                    warnings.warn(
                        "Ignoring %s of type %s. Only support %s"
                        % (filename, ext, ", ".join(self._exts)),
                        stacklevel=3,
                    )
                    continue
                self.items.append((filename, label))

    def __getitem__(self, idx: int) -> Any:
        img = image.imread(self.items[idx][0], self._flag)
        label = self.items[idx][1]
        if self._transform is not None:
            return self._transform(img, label)
        return img, label

    def __len__(self) -> int:
        return len(self.items)
