"""A process forked after parallel work must still run ops (GNU OpenMP is not fork-safe)."""

import multiprocessing as mp

import pytest

from gluonlite import nd


def _child_sum(q):
    x = nd.ones((1 << 20,))  # large enough for the parallel path
    q.put(float((x * 2).sum().asscalar()))


@pytest.mark.skipif(
    not hasattr(mp, "get_context") or "fork" not in mp.get_all_start_methods(),
    reason="needs fork()",
)
def test_forked_child_runs_parallel_sized_ops():
    big = nd.ones((1 << 20,))
    assert (big + big).sum().asscalar() == 2 * (1 << 20)  # parent starts the OpenMP pool
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child_sum, args=(q,))
    p.start()
    p.join(timeout=60)
    assert p.exitcode == 0, "forked child hung or crashed"
    assert q.get(timeout=5) == 2 * (1 << 20)
