"""``download``, ``check_sha1`` and ``replace_file`` of ``gluon.utils`` (MXNet 1.x semantics).

A download goes to a uniquely named temporary file beside the target, which is renamed
onto the target only once it is complete, so the target is never half-written.
Differences from MXNet, on purpose: the standard library's ``urllib`` fetches the URL
(no ``requests`` dependency); a failed attempt removes its temporary file; a file whose
SHA-1 does not match is removed and the error names both hashes; ``overwrite=True``
replaces an existing file (MXNet 1.9.1 keeps it and warns unless a hash is given).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import ssl
import urllib.error
import urllib.request
import uuid
import warnings
from typing import Optional

__all__ = ["check_sha1", "download", "replace_file"]

# MXNet's public repository of model weights and data sets; MXNET_GLUON_REPO overrides it.
apache_repo_url = "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/"


def _get_repo_url() -> str:
    """The repository to download from, ending in '/' (``$MXNET_GLUON_REPO`` if set)."""
    url = os.environ.get("MXNET_GLUON_REPO", apache_repo_url)
    return url if url.endswith("/") else url + "/"


def _get_repo_file_url(namespace: str, filename: str) -> str:
    """The URL of a data-set file, as MXNet lays them out: ``gluon/dataset/<namespace>/<file>``."""
    return "%sgluon/dataset/%s/%s" % (_get_repo_url(), namespace, filename)


_CHUNK = 1 << 20


def file_sha1(filename: str) -> str:
    """The hex SHA-1 digest of a file's content."""
    sha1 = hashlib.sha1()
    with open(filename, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            sha1.update(chunk)
    return sha1.hexdigest()


def check_sha1(filename: str, sha1_hash: str) -> bool:
    """Whether the file's SHA-1 equals ``sha1_hash`` (full hex digest)."""
    return file_sha1(filename) == sha1_hash


def _remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def replace_file(src: str, dst: str) -> None:
    """Move ``src`` onto ``dst`` atomically (same file system); on failure remove ``src``."""
    try:
        os.replace(src, dst)
    except OSError:
        _remove_quietly(src)
        raise OSError(
            "Moving downloaded temp file - {}, to {} failed. Please retry the download.".format(
                src, dst
            )
        ) from None


def _target_path(url: str, path: Optional[str]) -> str:
    if path is None:
        fname = url.split("/")[-1]
        assert fname, (
            "Can't construct file-name from this URL. Please set the `path` option manually."
        )
        return fname
    path = os.path.expanduser(path)
    return os.path.join(path, url.split("/")[-1]) if os.path.isdir(path) else path


def _fetch(url: str, temp_path: str, verify_ssl: bool) -> None:
    """Write the body of ``url`` to ``temp_path``; raise on a non-200 status or a short body."""
    context = None if verify_ssl else ssl._create_unverified_context()
    try:
        response = urllib.request.urlopen(url, context=context)
    except urllib.error.HTTPError as error:
        raise RuntimeError(
            "Failed downloading url {} (HTTP status {})".format(url, error.code)
        ) from None
    with response:
        if response.status != 200:
            raise RuntimeError(
                "Failed downloading url {} (HTTP status {})".format(url, response.status)
            )
        expected = response.headers.get("Content-Length")
        received = 0
        with open(temp_path, "wb") as f:
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                f.write(chunk)
                received += len(chunk)
        # read(n) returns short data, not an error, when the server hangs up early
        if expected is not None and received < int(expected):
            raise http.client.IncompleteRead(b"", int(expected) - received)


def _attempt(
    url: str, fname: str, sha1_hash: Optional[str], overwrite: bool, verify_ssl: bool
) -> None:
    """One download attempt; leaves no temporary file and no file with a wrong hash."""
    temp_path = "{}.{}".format(fname, uuid.uuid4())
    try:
        _fetch(url, temp_path, verify_ssl)
        if sha1_hash:
            actual = file_sha1(temp_path)
            if actual != sha1_hash:
                raise UserWarning(
                    "File {} is downloaded but the content hash does not match (expected "
                    "sha1 {}, got {}); the file was removed. The repo may be outdated or "
                    'download may be incomplete. If the "repo_url" is overridden, consider '
                    "switching to the default repo.".format(fname, sha1_hash, actual)
                )
        if (
            overwrite
            or not os.path.exists(fname)
            or (sha1_hash and not check_sha1(fname, sha1_hash))
        ):
            replace_file(temp_path, fname)
        else:  # another process finished the same download first
            warnings.warn(
                "File {} exists in file system so the downloaded file is deleted".format(fname),
                stacklevel=3,  # the caller of download()
            )
    finally:
        _remove_quietly(temp_path)


def download(
    url: str,
    path: Optional[str] = None,
    overwrite: bool = False,
    sha1_hash: Optional[str] = None,
    retries: int = 5,
    verify_ssl: bool = True,
) -> str:
    """Download ``url`` to ``path`` (a file, or a folder to put the URL's file name in).

    An existing file is kept unless ``overwrite`` or its SHA-1 differs from ``sha1_hash``.
    ``retries`` is the number of attempts; the last attempt's error is raised. Returns the
    file's path.
    """
    fname = _target_path(url, path)
    assert retries >= 0, "Number of retries should be at least 0, currently it's {}".format(retries)
    if not verify_ssl:
        warnings.warn(
            "Unverified HTTPS request is being made (verify_ssl=False). Adding "
            "certificate verification is strongly advised.",
            stacklevel=2,
        )
    if not (
        overwrite or not os.path.exists(fname) or (sha1_hash and not check_sha1(fname, sha1_hash))
    ):
        return fname
    dirname = os.path.dirname(os.path.abspath(fname))
    os.makedirs(dirname, exist_ok=True)
    while True:
        try:
            print("Downloading {} from {}...".format(fname, url))
            _attempt(url, fname, sha1_hash, overwrite, verify_ssl)
            return fname
        except Exception as error:  # any failure of one attempt is retried, as in MXNet
            retries -= 1
            if retries <= 0:
                raise
            print(
                "download failed due to {}, retrying, {} attempt{} left".format(
                    repr(error), retries, "s" if retries > 1 else ""
                )
            )
