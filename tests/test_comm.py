"""NCCL, loaded at run time (csrc/comm/nccl.h): found or reported, its checks, and on GPUs
the kvstores' NCCL reduction. Where libnccl is installed (the `nccl` extra) the loader is
checked against it; the GPU parts run only where GPUs are."""

import subprocess
import sys

import numpy as np
import pytest
from conftest import GLUONLITE_HOME, child_env

import gluonlite as mx
from gluonlite import _core, nd
from gluonlite.base import MXNetError

needs_nccl = pytest.mark.skipif(
    not _core.nccl_available(), reason="libnccl is not installed (the nccl extra)"
)


def _child(code, **env):
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=child_env(**env),
        cwd=GLUONLITE_HOME,  # not the checkout, whose gluonlite/ has no compiled core
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_missing_library_is_reported_with_the_path_tried(tmp_path):
    missing = str(tmp_path / "nope" / "libnccl.so.2")
    out = _child(
        "from gluonlite import _core\n"
        "print(_core.nccl_available())\n"
        "print(_core.nccl_unavailable_reason())\n"
        "try:\n"
        "    _core.nccl_version()\n"
        "except Exception as err:\n"
        "    print(type(err).__name__, err)\n",
        GLUONLITE_NCCL_PATH=missing,
    )
    lines = out.splitlines()
    assert lines[0] == "False"
    assert "no NCCL library could be loaded (pip install 'gluonlite[nccl]'" in lines[1]
    assert missing in out
    assert any(
        line.startswith("MXNetError nccl version: no NCCL library could be loaded")
        for line in lines
    )


def test_disabling_nccl_is_reported():
    out = _child(
        "from gluonlite import _core\n"
        "print(_core.nccl_available(), _core.nccl_unavailable_reason())\n",
        GLUONLITE_DISABLE_NCCL="1",
    )
    assert out.strip() == "False NCCL is disabled (GLUONLITE_DISABLE_NCCL=1)"


def test_allreduce_refuses_cpu_arrays_and_bad_ids():
    with pytest.raises(MXNetError, match="arrays must be on GPUs, got one on cpu\\(0\\)"):
        _core.nccl_all_reduce([nd.ones((2,)), nd.ones((2,))])
    with pytest.raises(MXNetError, match="no arrays"):
        _core.nccl_all_reduce([])
    with pytest.raises(ValueError, match="the unique id must be 128 bytes"):
        _core.NcclCommunicator(2, b"short", 0, 0)


def test_the_nccl_store_warns_only_without_nccl():
    if _core.nccl_available():
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            mx.kv.create("nccl")
    else:
        with pytest.warns(UserWarning, match="kvstore 'nccl': NCCL is not available"):
            mx.kv.create("nccl")


@needs_nccl
def test_the_loaded_library_answers():
    version = _core.nccl_version()
    assert version >= 20000  # NCCL 2.x: major * 10000 + minor * 100 + patch
    assert _core.nccl_loaded_path().endswith("libnccl.so.2")
    uid = _core.nccl_unique_id()
    assert isinstance(uid, bytes) and len(uid) == 128
    with pytest.raises(ValueError, match="NCCL communicator: rank 2 of 2"):
        _core.NcclCommunicator(2, uid, 2, 0)
    if _gpus() == 0:  # the communicator needs its GPU
        with pytest.raises(MXNetError, match="NCCL communicator"):
            _core.NcclCommunicator(1, uid, 0, 0)


def _gpus():
    return mx.context.num_gpus()


@pytest.mark.skipif(_gpus() < 1 or not _core.nccl_available(), reason="needs a GPU and NCCL")
def test_a_one_gpu_allreduce_leaves_the_values():
    x = nd.array(np.arange(6, dtype=np.float32), ctx=mx.gpu(0))
    _core.nccl_all_reduce([x])
    np.testing.assert_array_equal(x.asnumpy(), np.arange(6))


@pytest.mark.skipif(_gpus() < 2 or not _core.nccl_available(), reason="needs 2 GPUs and NCCL")
def test_the_device_store_sums_over_gpus_with_nccl():
    kv = mx.kv.create("device")
    kv.init(0, nd.zeros((3, 4), ctx=mx.gpu(0)))
    parts = [nd.ones((3, 4), ctx=mx.gpu(i)) * (i + 1) for i in range(_gpus())]
    kv.push(0, parts)
    out = [nd.zeros((3, 4), ctx=mx.gpu(i)) for i in range(_gpus())]
    kv.pull(0, out=out)
    total = sum(range(1, _gpus() + 1))
    for o in out:
        np.testing.assert_array_equal(o.asnumpy(), np.full((3, 4), total))
    for i, p in enumerate(parts):  # the pushed arrays are left as they were
        np.testing.assert_array_equal(p.asnumpy(), np.full((3, 4), i + 1))
