"""``pretrained=True`` and model_store: MXNet's file names, the download from
``$MXNET_GLUON_REPO``, hash checks. Only a local server on 127.0.0.1 is ever contacted.

The real hash table names MXNet's real weights, which these tests cannot download. So
the tests that load weights serve tests/data/model_zoo/mobilenet0.25.params (written by
MXNet) and point the table entry for 'mobilenet0.25' at that file's own SHA-1; the file
name, URL layout, zip unpacking and checks are the real code paths.
"""

import hashlib
import inspect
import logging
import os
import zipfile

import model_zoo_support as support
import numpy as np
import pytest
from local_http_support import Handler

import gluonlite as mx
from gluonlite import base
from gluonlite.gluon.model_zoo import model_store, vision

ZOO_DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "model_zoo")
PARAMS = os.path.join(ZOO_DATA, "mobilenet0.25.params")
ALL_NAMES = sorted(vision._models)


def _fixture_sha1():
    with open(PARAMS, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


@pytest.fixture
def repo(server, monkeypatch):
    """The local server as MXNET_GLUON_REPO (without the trailing '/', which is added)."""
    url, served = server
    monkeypatch.setenv("MXNET_GLUON_REPO", url.rstrip("/"))
    (served / "gluon" / "models").mkdir(parents=True)
    return served / "gluon" / "models"


def _serve_zip(models_dir, file_name, params_path=PARAMS):
    with zipfile.ZipFile(str(models_dir / (file_name + ".zip")), "w") as archive:
        archive.write(params_path, file_name + ".params")


def _check_mobilenet_output(net):
    x = mx.nd.array(support.model_input("mobilenet0.25", 32))
    expected = np.load(os.path.join(ZOO_DATA, "mobilenet0.25_output.npy"))
    np.testing.assert_allclose(net(x).asnumpy(), expected, rtol=1e-4, atol=1e-4)


def test_short_hash_is_the_start_of_mxnet_sha1():
    assert model_store.short_hash("resnet18_v1") == "a0666292"
    assert model_store.short_hash("mobilenetv2_0.25") == "ae8f9392"
    assert sorted(model_store._model_sha1) == ALL_NAMES
    with pytest.raises(
        ValueError,
        match=r"^Pretrained model for resnet19_v1 is not "
        r"available\.$",
    ):
        model_store.get_model_file("resnet19_v1")


@pytest.mark.parametrize("name", ALL_NAMES)
def test_pretrained_asks_the_repo_for_mxnet_file_name(name, repo, tmp_path):
    with pytest.raises(RuntimeError, match="Failed downloading url"):
        vision.get_model(name, pretrained=True, root=str(tmp_path / "models"))
    expected = "/gluon/models/%s-%s.zip" % (name, model_store._model_sha1[name][:8])
    assert Handler.requests == [expected] * 5  # download's 5 attempts
    assert os.listdir(tmp_path / "models") == []  # nothing half-written left


def test_pretrained_downloads_unzips_and_loads(repo, tmp_path, monkeypatch):
    sha1 = _fixture_sha1()
    monkeypatch.setitem(model_store._model_sha1, "mobilenet0.25", sha1)
    file_name = "mobilenet0.25-" + sha1[:8]
    _serve_zip(repo, file_name)
    root = tmp_path / "models"  # created by get_model_file
    net = vision.get_model(
        "mobilenet0.25", pretrained=True, root=str(root), classes=10, ctx=mx.cpu()
    )
    _check_mobilenet_output(net)
    assert os.listdir(root) == [file_name + ".params"]  # no zip, no unpacking folder
    assert Handler.requests == ["/gluon/models/%s.zip" % file_name]


def test_pretrained_uses_the_file_already_in_root_without_network(repo, tmp_path, monkeypatch):
    sha1 = _fixture_sha1()
    monkeypatch.setitem(model_store._model_sha1, "mobilenet0.25", sha1)
    root = tmp_path / "models"
    root.mkdir()
    (root / ("mobilenet0.25-%s.params" % sha1[:8])).write_bytes(open(PARAMS, "rb").read())
    _check_mobilenet_output(vision.mobilenet0_25(pretrained=True, root=str(root), classes=10))
    assert Handler.requests == []


def test_corrupt_local_file_is_downloaded_again(repo, tmp_path, monkeypatch, caplog):
    sha1 = _fixture_sha1()
    monkeypatch.setitem(model_store._model_sha1, "mobilenet0.25", sha1)
    file_name = "mobilenet0.25-" + sha1[:8]
    _serve_zip(repo, file_name)
    root = tmp_path / "models"
    root.mkdir()
    (root / (file_name + ".params")).write_bytes(b"truncated")
    with caplog.at_level(logging.WARNING):
        path = model_store.get_model_file("mobilenet0.25", root=str(root))
    assert "Mismatch in the content of model file detected. Downloading again." in caplog.text
    assert path == str(root / (file_name + ".params"))
    assert model_store.check_sha1(path, sha1) and len(Handler.requests) == 1


def test_downloaded_file_with_wrong_hash_raises_and_is_removed(repo, tmp_path, monkeypatch):
    wrong = hashlib.sha1(b"not the served file").hexdigest()
    monkeypatch.setitem(model_store._model_sha1, "mobilenet0.25", wrong)
    file_name = "mobilenet0.25-" + wrong[:8]
    _serve_zip(repo, file_name)
    root = tmp_path / "models"
    with pytest.raises(
        ValueError, match="Downloaded file has different hash. Please try again."
    ) as info:
        model_store.get_model_file("mobilenet0.25", root=str(root))
    assert wrong in str(info.value) and file_name + ".params" in str(info.value)
    assert os.listdir(root) == []


def test_default_root_is_mxnet_home_models(monkeypatch, tmp_path):
    default = inspect.signature(model_store.get_model_file).parameters["root"].default
    assert default == os.path.join(base.data_dir(), "models")
    assert inspect.signature(vision.get_resnet).parameters["root"].default == default
    monkeypatch.setenv("MXNET_HOME", str(tmp_path))
    assert base.data_dir() == str(tmp_path)
    monkeypatch.delenv("MXNET_HOME")
    assert base.data_dir() == os.path.join(os.path.expanduser("~"), ".mxnet")


def test_purge_removes_only_params_files(tmp_path):
    (tmp_path / "a.params").write_bytes(b"1")
    (tmp_path / "notes.txt").write_bytes(b"2")
    model_store.purge(str(tmp_path))
    assert os.listdir(tmp_path) == ["notes.txt"]
