"""gluon.data.vision datasets: tiny files in the real formats, read back exactly.

Only the local-file path is exercised: downloads are stubbed (gluon.utils.download).
"""

import gzip
import hashlib
import io
import os
import struct
import tarfile
import warnings

import numpy as np
import pytest
from local_http_support import Handler

import gluonlite as mx
from gluonlite import gluon, nd
from gluonlite.base import MXNetError
from gluonlite.gluon.data import DataLoader, RecordFileDataset, vision
from gluonlite.gluon.data.vision import transforms

PIL_Image = pytest.importorskip("PIL.Image")

DATA = os.path.join(os.path.dirname(__file__), "data")
REF = np.load(os.path.join(DATA, "vision", "mxnet_transforms.npz"))
RNG = np.random.RandomState(2)


def _idx_bytes(arr, magic):
    return struct.pack(">I", magic) + struct.pack(">%dI" % arr.ndim, *arr.shape) + arr.tobytes()


def _write_mnist(root, prefix, images, labels, gz):
    os.makedirs(root, exist_ok=True)
    for kind, arr, magic in (("images-idx3", images, 2051), ("labels-idx1", labels, 2049)):
        name = os.path.join(root, "%s-%s-ubyte" % (prefix, kind))
        raw = _idx_bytes(arr, magic)
        if gz:
            with gzip.open(name + ".gz", "wb") as f:
                f.write(raw)
        else:
            with open(name, "wb") as f:
                f.write(raw)


MNIST_IMAGES = RNG.randint(0, 256, (3, 28, 28)).astype(np.uint8)
MNIST_LABELS = np.array([7, 0, 3], np.uint8)
TEST_IMAGES = RNG.randint(0, 256, (2, 28, 28)).astype(np.uint8)
TEST_LABELS = np.array([9, 1], np.uint8)


@pytest.fixture
def mnist_root(tmp_path):
    root = str(tmp_path / "mnist")
    _write_mnist(root, "train", MNIST_IMAGES, MNIST_LABELS, gz=True)
    _write_mnist(root, "t10k", TEST_IMAGES, TEST_LABELS, gz=False)  # plain files work too
    return root


def test_imports_like_mxnet():
    assert gluon.data.vision is vision and vision.transforms is transforms
    assert mx.gluon.data.vision.datasets.MNIST is vision.MNIST
    assert sorted(vision.__all__) == sorted(
        ["MNIST", "FashionMNIST", "CIFAR10", "CIFAR100", "ImageRecordDataset", "ImageFolderDataset"]
    )


@pytest.mark.parametrize("cls", [vision.MNIST, vision.FashionMNIST])
def test_mnist_items(cls, mnist_root):
    train = cls(root=mnist_root)
    assert len(train) == 3
    data, label = train[2]
    assert isinstance(data, nd.NDArray) and data.shape == (28, 28, 1) and data.dtype == np.uint8
    np.testing.assert_array_equal(data.asnumpy()[:, :, 0], MNIST_IMAGES[2])
    assert type(label) is np.int32 and label == 3
    assert [int(train[i][1]) for i in range(3)] == [7, 0, 3]
    test = cls(root=mnist_root, train=False)
    assert len(test) == 2 and int(test[1][1]) == 1
    np.testing.assert_array_equal(test[0][0].asnumpy()[:, :, 0], TEST_IMAGES[0])


def test_mnist_transform_and_transform_first(mnist_root):
    scaled = vision.MNIST(
        root=mnist_root, transform=lambda data, label: (data.astype(np.float32) / 255, label)
    )
    data, label = scaled[0]
    np.testing.assert_allclose(data.asnumpy()[:, :, 0], MNIST_IMAGES[0] / 255.0, rtol=1e-6)
    assert label == 7
    tensors = vision.MNIST(root=mnist_root).transform_first(transforms.ToTensor())
    data, label = tensors[1]
    assert data.shape == (1, 28, 28) and data.dtype == np.float32 and label == 0
    loader = DataLoader(tensors, batch_size=2)
    batch, labels = next(iter(loader))
    assert batch.shape == (2, 1, 28, 28)
    assert labels.asnumpy().tolist() == [7, 0]


def test_missing_file_is_downloaded_from_the_repo_and_checked(tmp_path, monkeypatch, server):
    # A real download from a server on 127.0.0.1 (MXNET_GLUON_REPO): files with the right
    # SHA-1 are kept and read; a file whose SHA-1 is wrong is refused and not left behind.
    url, served = server
    folder = served / "gluon" / "dataset" / "fashion-mnist"
    folder.mkdir(parents=True)
    payloads = {
        "t10k-labels-idx1-ubyte.gz": gzip.compress(_idx_bytes(TEST_LABELS, 2049)),
        "t10k-images-idx3-ubyte.gz": gzip.compress(_idx_bytes(TEST_IMAGES, 2051)),
    }
    for name, payload in payloads.items():
        (folder / name).write_bytes(payload)
    monkeypatch.setenv("MXNET_GLUON_REPO", url)
    bad_root = tmp_path / "bad"
    with pytest.raises(
        UserWarning,
        match="t10k-labels-idx1-ubyte.gz is downloaded but the "
        "content hash does not match .expected sha1 "
        "17f9ab60e7257a1620f4ad76bbbaf857c3920701",
    ):
        vision.FashionMNIST(root=str(bad_root), train=False)  # MXNet's hashes: a mismatch
    assert not any(p.is_file() for p in bad_root.rglob("*"))
    sha1 = {name: hashlib.sha1(payload).hexdigest() for name, payload in payloads.items()}
    monkeypatch.setattr(vision.FashionMNIST, "_get_data", _with_test_hashes(sha1))
    dataset = vision.FashionMNIST(root=str(tmp_path / "good"), train=False)
    assert len(dataset) == 2 and dataset[1][1] == int(TEST_LABELS[1])
    assert Handler.requests[-2:] == [
        "/gluon/dataset/fashion-mnist/t10k-labels-idx1-ubyte.gz",
        "/gluon/dataset/fashion-mnist/t10k-images-idx3-ubyte.gz",
    ]


def _with_test_hashes(sha1):
    original = vision.MNIST._get_data

    def get_data(self):
        self._test_label = (self._test_label[0], sha1[self._test_label[0]])
        self._test_data = (self._test_data[0], sha1[self._test_data[0]])
        original(self)

    return get_data


def test_missing_file_is_downloaded_lazily(tmp_path, monkeypatch):
    calls = []

    def fake_download(url, path=None, sha1_hash=None):
        calls.append((url, sha1_hash))
        name = url.rsplit("/", 1)[1]
        arr, magic = (TEST_LABELS, 2049) if "labels" in name else (TEST_IMAGES, 2051)
        with gzip.open(os.path.join(path, name), "wb") as f:
            f.write(_idx_bytes(arr, magic))
        return os.path.join(path, name)

    monkeypatch.setattr(gluon.utils, "download", fake_download, raising=False)
    monkeypatch.setenv("MXNET_GLUON_REPO", "https://mirror.example/repo")
    dataset = vision.FashionMNIST(root=str(tmp_path / "f"), train=False)
    assert len(dataset) == 2
    assert calls == [
        (
            "https://mirror.example/repo/gluon/dataset/fashion-mnist/t10k-labels-idx1-ubyte.gz",
            "17f9ab60e7257a1620f4ad76bbbaf857c3920701",
        ),
        (
            "https://mirror.example/repo/gluon/dataset/fashion-mnist/t10k-images-idx3-ubyte.gz",
            "626ed6a7c06dd17c0eec72fa3be1740f146a2863",
        ),
    ]


def test_mnist_bad_files(tmp_path):
    root = str(tmp_path / "bad")
    _write_mnist(root, "train", MNIST_IMAGES, MNIST_LABELS[:2], gz=True)
    with pytest.raises(MXNetError, match="MNIST: 3 images but 2 labels"):
        vision.MNIST(root=root)
    with open(os.path.join(root, "train-labels-idx1-ubyte.gz"), "wb") as f:
        f.write(gzip.compress(_idx_bytes(MNIST_LABELS, 2051)))
    with pytest.raises(
        MXNetError,
        match="is not an idx-ubyte label file: it starts with "
        "0x00000803, expected magic number 2049",
    ):
        vision.MNIST(root=root)
    with open(os.path.join(root, "train-labels-idx1-ubyte.gz"), "wb") as f:
        f.write(gzip.compress(_idx_bytes(MNIST_LABELS, 2049)[:-1]))
    with pytest.raises(MXNetError, match=r"declares shape \(3,\) \(3 bytes\) but holds 2"):
        vision.MNIST(root=root)


def _cifar_rows(count, label_bytes):
    labels = RNG.randint(0, 100, (count, label_bytes)).astype(np.uint8)
    images = RNG.randint(0, 256, (count, 3, 32, 32)).astype(np.uint8)
    return labels, images, np.concatenate([labels, images.reshape(count, -1)], axis=1).tobytes()


def test_cifar10_binary_batches(tmp_path):
    root = tmp_path / "c10"
    root.mkdir()
    expected = []
    for i in range(1, 6):
        labels, images, raw = _cifar_rows(2, 1)
        (root / ("data_batch_%d.bin" % i)).write_bytes(raw)
        expected.append((labels, images))
    test_labels, test_images, raw = _cifar_rows(1, 1)
    (root / "test_batch.bin").write_bytes(raw)
    train = vision.CIFAR10(root=str(root))
    assert len(train) == 10
    data, label = train[7]  # batch 4, second row
    assert data.shape == (32, 32, 3) and data.dtype == np.uint8
    np.testing.assert_array_equal(data.asnumpy(), expected[3][1][1].transpose(1, 2, 0))
    assert type(label) is np.int32 and label == expected[3][0][1, 0]
    test = vision.CIFAR10(root=str(root), train=False)
    assert len(test) == 1 and test[0][1] == test_labels[0, 0]
    np.testing.assert_array_equal(test[0][0].asnumpy(), test_images[0].transpose(1, 2, 0))


def test_cifar10_extracts_a_local_archive(tmp_path):
    root = tmp_path / "c10tar"
    root.mkdir()
    members = {"data_batch_%d.bin" % i: _cifar_rows(1, 1)[2] for i in range(1, 6)}
    members["test_batch.bin"] = _cifar_rows(3, 1)[2]
    with tarfile.open(str(root / "cifar-10-binary.tar.gz"), "w:gz") as tar:
        for name, raw in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    assert len(vision.CIFAR10(root=str(root), train=False)) == 3
    assert (root / "data_batch_3.bin").read_bytes() == members["data_batch_3.bin"]


def test_cifar100_coarse_and_fine_labels(tmp_path):
    root = tmp_path / "c100"
    root.mkdir()
    labels, images, raw = _cifar_rows(4, 2)
    (root / "train.bin").write_bytes(raw)
    (root / "test.bin").write_bytes(_cifar_rows(1, 2)[2])
    coarse = vision.CIFAR100(root=str(root))
    fine = vision.CIFAR100(root=str(root), fine_label=True)
    assert [int(coarse[i][1]) for i in range(4)] == labels[:, 0].tolist()
    assert [int(fine[i][1]) for i in range(4)] == labels[:, 1].tolist()
    np.testing.assert_array_equal(fine[2][0].asnumpy(), images[2].transpose(1, 2, 0))


def test_cifar_bad_size(tmp_path):
    root = tmp_path / "c100bad"
    root.mkdir()
    (root / "train.bin").write_bytes(b"\0" * 3075)
    (root / "test.bin").write_bytes(b"")
    with pytest.raises(
        MXNetError,
        match="CIFAR100: '.*train.bin' has 3075 bytes, not a multiple of the 3074-byte record",
    ):
        vision.CIFAR100(root=str(root))


def _save_png(path, arr):
    PIL_Image.fromarray(arr).save(path, format="PNG")


def test_image_folder_dataset(tmp_path):
    root = tmp_path / "folder"
    images = {}
    for cls in ("dog", "cat"):
        (root / cls).mkdir(parents=True)
        for name in ("b.png", "a.PNG"):
            arr = RNG.randint(0, 256, (4, 5, 3)).astype(np.uint8)
            _save_png(str(root / cls / name), arr)
            images[(cls, name)] = arr
    (root / "cat" / "notes.txt").write_text("not an image")
    (root / "stray.png").write_bytes(b"")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dataset = vision.ImageFolderDataset(str(root))
    messages = sorted(str(w.message) for w in caught)
    assert len(messages) == 2
    assert (
        messages[0].startswith("Ignoring ")
        and "notes.txt of type .txt. Only support .jpg, .jpeg, .png" in messages[0]
    )
    assert messages[1].endswith("stray.png, which is not a directory.")
    assert dataset.synsets == ["cat", "dog"]
    assert [(os.path.basename(f), label) for f, label in dataset.items] == [
        ("a.PNG", 0),
        ("b.png", 0),
        ("a.PNG", 1),
        ("b.png", 1),
    ]
    data, label = dataset[3]
    assert data.shape == (4, 5, 3) and data.dtype == np.uint8 and label == 1
    np.testing.assert_array_equal(data.asnumpy(), images[("dog", "b.png")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grey = vision.ImageFolderDataset(
            str(root), flag=0, transform=lambda d, label: (d.shape, label + 10)
        )
    assert grey[0] == ((4, 5, 1), 10)


def test_image_folder_missing_root_raises_like_mxnet(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such file or directory: .*nowhere"):
        vision.ImageFolderDataset(str(tmp_path / "nowhere"))


def test_image_record_dataset_reads_mxnet_file():
    path = os.path.join(DATA, "recordio", "images.rec")
    dataset = vision.ImageRecordDataset(path)
    assert len(dataset) == 3
    for i in range(3):
        data, label = dataset[i]
        np.testing.assert_array_equal(data.asnumpy(), REF["imagerec_%d" % i])
        np.testing.assert_array_equal(label, REF["imagerec_label_%d" % i])
    grey = vision.ImageRecordDataset(path, flag=0)
    for i in range(3):
        np.testing.assert_array_equal(grey[i][0].asnumpy(), REF["imagerec_grey_%d" % i])
    shapes = vision.ImageRecordDataset(path, transform=lambda d, label: (d.shape, label))
    assert shapes[1] == ((4, 3, 3), 4.0)
    raw = RecordFileDataset(path)
    assert len(raw) == 3 and mx.recordio.unpack(raw[0])[1][:4] == b"\x89PNG"


def test_image_record_dataset_roundtrip_with_pack_img(tmp_path):
    idx, rec = str(tmp_path / "own.idx"), str(tmp_path / "own.rec")
    writer = mx.recordio.MXIndexedRecordIO(idx, rec, "w")
    bgr = RNG.randint(0, 256, (3, 4, 3)).astype(np.uint8)
    writer.write_idx(0, mx.recordio.pack_img((0, 6.0, 0, 0), bgr, img_fmt=".png"))
    writer.close()
    data, label = vision.ImageRecordDataset(rec)[0]
    np.testing.assert_array_equal(data.asnumpy(), bgr[:, :, ::-1])
    assert label == 6.0


def test_image_record_dataset_in_loader_workers():
    # forked workers reopen the record file (MXIndexedRecordIO resets in a new process)
    path = os.path.join(DATA, "recordio", "images.rec")
    dataset = vision.ImageRecordDataset(path).take(2).transform_first(transforms.ToTensor())
    batches = list(DataLoader(dataset, batch_size=1, num_workers=2))
    assert [b[1].asnumpy().tolist() for b in batches] == [[1.0], [4.0]]
    np.testing.assert_array_equal(
        batches[0][0].asnumpy()[0], REF["imagerec_0"].transpose(2, 0, 1) / np.float32(255)
    )
