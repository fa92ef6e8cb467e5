"""gluon.utils.download / check_sha1 against a local HTTP server (127.0.0.1 only)."""

import hashlib
import http.client
import os

import pytest
from local_http_support import Handler

from gluonlite.gluon import utils


def _sha1(data):
    return hashlib.sha1(data).hexdigest()


def test_download_writes_the_file_and_leaves_no_temporary(server, tmp_path):
    url, served = server
    (served / "weights.bin").write_bytes(b"abc" * 1000)
    dest = tmp_path / "out"
    dest.mkdir()
    path = utils.download(url + "weights.bin", path=str(dest), sha1_hash=_sha1(b"abc" * 1000))
    assert path == str(dest / "weights.bin")
    assert (dest / "weights.bin").read_bytes() == b"abc" * 1000
    assert os.listdir(dest) == ["weights.bin"]


def test_check_sha1_compares_full_digest(tmp_path):
    target = tmp_path / "f"
    target.write_bytes(b"hello")
    assert utils.check_sha1(str(target), "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")
    assert not utils.check_sha1(str(target), "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434e")


def test_existing_file_is_kept_unless_overwrite_or_hash_differs(server, tmp_path):
    url, served = server
    (served / "w.bin").write_bytes(b"new")
    target = tmp_path / "w.bin"
    target.write_bytes(b"old")
    utils.download(url + "w.bin", path=str(target))
    assert target.read_bytes() == b"old" and Handler.requests == []
    utils.download(url + "w.bin", path=str(target), sha1_hash=_sha1(b"old"))
    assert target.read_bytes() == b"old" and Handler.requests == []
    utils.download(url + "w.bin", path=str(target), sha1_hash=_sha1(b"new"))
    assert target.read_bytes() == b"new"
    target.write_bytes(b"old")
    utils.download(url + "w.bin", path=str(target), overwrite=True)
    assert target.read_bytes() == b"new"


def test_bad_checksum_raises_naming_file_and_both_hashes_and_leaves_nothing(server, tmp_path):
    url, served = server
    (served / "w.bin").write_bytes(b"served content")
    target = tmp_path / "dl" / "w.bin"
    expected = _sha1(b"what the table says")
    with pytest.raises(UserWarning) as info:
        utils.download(url + "w.bin", path=str(target), sha1_hash=expected, retries=2)
    message = str(info.value)
    assert message.startswith("File %s is downloaded but the content hash does not match" % target)
    assert expected in message and _sha1(b"served content") in message
    assert os.listdir(tmp_path / "dl") == []
    assert Handler.requests == ["/w.bin", "/w.bin"]  # retried like any failed attempt


def test_dropped_connection_raises_after_retries_and_leaves_nothing(server, tmp_path, capsys):
    url, _ = server
    dest = tmp_path / "dl"
    with pytest.raises(http.client.IncompleteRead):
        utils.download(url + "drop/4096", path=str(dest / "big.bin"), retries=3)
    assert Handler.requests == ["/drop/4096"] * 3
    assert os.listdir(dest) == []
    out = capsys.readouterr().out
    assert "download failed due to IncompleteRead" in out and "1 attempt left" in out


def test_missing_url_raises_runtime_error(server, tmp_path):
    url, _ = server
    with pytest.raises(
        RuntimeError,
        match=r"Failed downloading url .*/nothing\.bin "
        r"\(HTTP status 404\)",
    ):
        utils.download(url + "nothing.bin", path=str(tmp_path / "x.bin"), retries=1)
    assert not (tmp_path / "x.bin").exists()


def test_download_rejects_negative_retries(tmp_path):
    with pytest.raises(
        AssertionError, match="Number of retries should be at least 0, currently it's -1"
    ):
        utils.download("http://127.0.0.1:9/x", path=str(tmp_path / "x"), retries=-1)
