"""The CPU thread pool: one pool shared by gluonlite's loops and OpenBLAS, its thread-count
controls, and the GEMM-then-elementwise regression that two spinning pools once caused."""

import os
import platform
import statistics
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from conftest import GLUONLITE_HOME, child_env

import gluonlite as mx
from gluonlite import nd


@pytest.fixture
def threads():
    """Restores the process's thread count after a test changes it."""
    before = mx.get_num_threads()
    yield
    mx.set_num_threads(before)


def _child_output(code, unset=(), env=None):
    """What `python -c code` prints, with the variables `unset` removed and `env` added."""
    base = child_env()
    for name in unset:
        base.pop(name, None)
    base.update(env or {})
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=base,
        cwd=GLUONLITE_HOME,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def _child_threads(env=None, prelude=""):
    code = prelude + "import gluonlite as mx; print(mx.get_num_threads())"
    return int(_child_output(code, ("OMP_NUM_THREADS", "MXNET_CPU_WORKER_NTHREADS"), env))


def test_default_is_the_cpus_this_process_may_use():
    assert _child_threads() == len(os.sched_getaffinity(0))
    assert (
        _child_threads(
            prelude="import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
        )
        == 1
    )


def test_omp_num_threads_is_honoured_then_mxnet_cpu_worker_nthreads():
    assert _child_threads({"OMP_NUM_THREADS": "3"}) == 3
    assert _child_threads({"OMP_NUM_THREADS": "5,2"}) == 5  # a nested list: the outer level
    assert _child_threads({"MXNET_CPU_WORKER_NTHREADS": "4"}) == 4
    assert _child_threads({"OMP_NUM_THREADS": "2", "MXNET_CPU_WORKER_NTHREADS": "4"}) == 2
    # unusable values fall back to the CPU count
    assert _child_threads({"OMP_NUM_THREADS": "many"}) == len(os.sched_getaffinity(0))
    assert _child_threads({"OMP_NUM_THREADS": "0"}) == len(os.sched_getaffinity(0))


def test_importing_changes_no_environment_variable():
    code = (
        "import os; before = dict(os.environ); import gluonlite; print(dict(os.environ) == before)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=child_env(),
        cwd=GLUONLITE_HOME,
    )
    assert out.stdout.strip() == "True", out.stderr


@pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64"), reason="x86 OpenBLAS core names"
)
def test_blas_corename_reports_the_kernels_openblas_chose():
    # OPENBLAS_CORETYPE (respected, as OpenBLAS does) decides; without it, the CPU does
    code = "import gluonlite as mx; print(mx._core.blas_corename())"

    def corename(coretype):
        env = {"OPENBLAS_CORETYPE": coretype} if coretype else None
        return _child_output(code, ("OPENBLAS_CORETYPE",), env)

    assert corename("Nehalem") == "Nehalem"  # SSE4.2 kernels: any CPU of the last 15 years
    assert corename(None) != ""


def test_no_openmp_runtime_is_loaded():
    # One pool: gluonlite brings no libgomp whose spinning team could fight OpenBLAS.
    code = (
        "import gluonlite as mx; from gluonlite import nd; "
        "(nd.dot(nd.ones((300, 300)), nd.ones((300, 300))) + 1).sum().asscalar(); "
        'print(any("libgomp" in line or "libiomp" in line for line in open("/proc/self/maps")))'
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=child_env(),
        cwd=GLUONLITE_HOME,
    )
    assert out.stdout.strip() == "False", out.stderr


def test_set_num_threads_changes_the_count_and_results_do_not(threads):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((300, 200)).astype(np.float32)
    b = rng.standard_normal((200, 400)).astype(np.float32)
    x = rng.standard_normal(1_000_000).astype(np.float32)
    results = {}
    for n in (1, 2, 4):
        mx.set_num_threads(n)
        assert mx.get_num_threads() == n
        assert mx.context.get_num_threads() == n
        results[n] = (
            nd.dot(nd.array(a), nd.array(b)).asnumpy(),
            nd.relu(nd.array(x) * 2 + 1).asnumpy(),
        )
        # one thread count gives one answer, bit for bit, run after run
        np.testing.assert_array_equal(nd.dot(nd.array(a), nd.array(b)).asnumpy(), results[n][0])
    expected_dot = a.astype(np.float64) @ b.astype(np.float64)
    for dot, relu in results.values():
        # across counts only closeness holds: OpenBLAS's kernels for some CPUs (AMD Zen)
        # split the inner dimension between threads, which reorders the sums
        np.testing.assert_allclose(dot, expected_dot, rtol=1e-4, atol=1e-4)
        np.testing.assert_array_equal(relu, np.maximum(x * 2 + 1, 0))


@pytest.mark.parametrize(
    "bad, cls, text",
    [
        (0, ValueError, "set_num_threads: 0 threads is out of range; give 1 to 256"),
        (-3, ValueError, "set_num_threads: -3 threads is out of range"),
        (10**30, ValueError, "out of range"),
        (2.0, TypeError, "set_num_threads: expected an int, got float"),
        ("2", TypeError, "expected an int, got str"),
    ],
)
def test_set_num_threads_rejects_bad_counts(threads, bad, cls, text):
    before = mx.get_num_threads()
    with pytest.raises(cls, match=text.replace("(", r"\(")):
        mx.set_num_threads(bad)
    assert mx.get_num_threads() == before


def _median_seconds(fn, number=20, repeat=7):
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def test_gemm_then_elementwise_is_not_pathologically_slow(threads):
    # Two thread pools on the same cores (OpenBLAS's and an OpenMP team) once made this pair
    # cost 8 ms against 0.15 + 0.02 ms for its parts. Generous bound: the pair < 5x the parts.
    mx.set_num_threads(max(2, mx.get_num_threads()))
    x, w = nd.ones((64, 784)), nd.ones((256, 784))
    big_a, big_b = nd.ones((256, 784)), nd.ones((256, 784))  # 200K elements: a parallel add
    gemm = lambda: nd.dot(x, w, transpose_b=True)  # noqa: E731
    add = lambda: big_a + big_b  # noqa: E731

    def pair():
        gemm()
        add()

    t_gemm, t_add, t_pair = _median_seconds(gemm), _median_seconds(add), _median_seconds(pair)
    assert t_pair < 5 * (t_gemm + t_add), (t_gemm, t_add, t_pair)


def test_idle_workers_sleep():
    # After work, the pool's workers poll briefly and then sleep: an idle process holds no core.
    code = (
        "import time; from gluonlite import nd; a = nd.ones((1000, 1000)); "
        "[(nd.dot(a, a) + a).sum().asscalar() for _ in range(3)]; time.sleep(0.05); "
        "c0 = time.process_time(); time.sleep(0.5); print(time.process_time() - c0)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=child_env(OMP_NUM_THREADS="2"),
        cwd=GLUONLITE_HOME,
    )
    assert out.returncode == 0, out.stderr
    assert float(out.stdout) < 0.1  # CPU seconds used over half a second of sleep


def test_threads_sharing_the_pool_get_correct_results(threads):
    # Several Python threads issue parallel ops at once: one gets the pool, the others run
    # their loops serially or their GEMM jobs on threads of their own; all results are right.
    mx.set_num_threads(2)
    rng = np.random.default_rng(1)
    mats = [rng.standard_normal((200, 200)).astype(np.float32) for _ in range(4)]
    expected = [
        float(np.maximum(m.astype(np.float64) @ m.astype(np.float64) + 1, 0).sum()) for m in mats
    ]
    errors, got = [], {}

    def work(i):
        try:
            a = nd.array(mats[i])
            for _ in range(20):
                got[i] = float(nd.relu(nd.dot(a, a) + 1).sum().asscalar())
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread hung"
    assert not errors, errors
    for i in range(4):
        assert got[i] == pytest.approx(expected[i], rel=1e-4)


def test_convolution_gemms_inside_parallel_tasks(threads):
    # Convolution runs its GEMMs inside the pool's tasks (OpenBLAS serial there); the result
    # must equal the one-thread result.
    rng = np.random.default_rng(2)
    x = nd.array(rng.standard_normal((8, 16, 32, 32)).astype(np.float32))
    w = nd.array(rng.standard_normal((32, 16, 3, 3)).astype(np.float32))
    outs = []
    for n in (1, 2):
        mx.set_num_threads(n)
        outs.append(nd.Convolution(x, w, kernel=(3, 3), num_filter=32, no_bias=True).asnumpy())
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-5, atol=1e-4)
    # and BLAS is multi-threaded again afterwards: a large GEMM still matches numpy
    a = rng.standard_normal((512, 512)).astype(np.float32)
    np.testing.assert_allclose(
        nd.dot(nd.array(a), nd.array(a)).asnumpy(),
        a.astype(np.float64) @ a.astype(np.float64),
        rtol=1e-3,
        atol=1e-3,
    )


def test_forked_child_runs_parallel_ops_and_gemms():
    code = """
import os, numpy as np
from gluonlite import nd
a = nd.ones((600, 600))
(nd.dot(a, a) + a).sum().asscalar()          # the parent's pool and BLAS are in use
pid = os.fork()
if pid == 0:
    ok = float((nd.dot(a, a) + a).sum().asscalar()) == 600 * 600 * 601
    os._exit(0 if ok else 3)
_, status = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(status))
"""
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env=child_env(OMP_NUM_THREADS="2"),
        cwd=GLUONLITE_HOME,
    )
    assert out.stdout.strip() == "0", out.stderr
