"""A short leak soak (tools/soak.py runs the long one): memory and the core's live counts
come back to where they were after many small ops and training steps."""

import importlib.util
import io
import os

from gluonlite import _core, autograd, nd

_spec = importlib.util.spec_from_file_location(
    "soak", os.path.join(os.path.dirname(__file__), "..", "tools", "soak.py")
)
soak = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(soak)


def test_live_counts_see_tensors_and_graph_nodes():
    before = soak.core_counts()
    x = nd.ones((3,))
    x.attach_grad()
    with autograd.record():
        y = (x * 2).sum()
    held = soak.core_counts()
    assert held["tensors"] >= before["tensors"] + 3  # x, its gradient buffer, y (and more)
    assert held["nodes"] == before["nodes"] + 2  # multiply and sum
    y.backward()
    del x, y
    assert soak.core_counts() == before


def test_short_soak_returns_to_baseline_with_flat_memory():
    out = io.StringIO()
    small, training = soak.run(rounds=20000, steps=2000, out=out)
    for figures in (small, training):
        assert figures["after"] == figures["before"], out.getvalue()
        if not os.environ.get("GLUONLITE_SANITIZED"):  # ASan's quarantine holds freed memory
            assert figures["growth"] <= 0.05, out.getvalue()
    assert "small op rounds      20000" in out.getvalue()
    assert "training steps        2000" in out.getvalue()


def test_a_freed_graph_releases_its_buffers_to_the_cache():
    _core.cpu_allocator_empty_cache()
    before = soak.core_counts()
    for _ in range(20):
        x = nd.ones((128, 128))
        x.attach_grad()
        with autograd.record():
            loss = (nd.dot(x, x) * x).sum()
        loss.backward()
    del x, loss
    assert soak.core_counts() == before
    _live, _bytes, cached = _core.cpu_allocator_stats()
    assert cached < 64 << 20  # the cache holds buffers for reuse, not one set per iteration
