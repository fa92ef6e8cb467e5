import http.server
import os
import threading

import numpy as np
import pytest
from local_http_support import Handler

import gluonlite

# The directory holding the gluonlite the tests import: site-packages for an installed
# package, the repository root for an in-tree build. Child processes run there and with it
# on PYTHONPATH, so they import that same gluonlite, never a source tree without its core.
GLUONLITE_HOME = os.path.dirname(os.path.dirname(os.path.abspath(gluonlite.__file__)))


def child_env(**extra) -> dict:
    """Environment for a child Python process that must import the gluonlite under test."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (GLUONLITE_HOME, env.get("PYTHONPATH")) if p)
    env.update(extra)
    return env


def run_example(script: str, *args: str, needs=("tqdm", "matplotlib"), timeout: float = 120):
    """Runs examples/<script> with --no-progress in a child that imports the gluonlite under
    test (never the source tree); skips when one of the example's extras is missing."""
    import subprocess
    import sys

    for module in needs:
        pytest.importorskip(module)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return subprocess.run(
        [sys.executable, os.path.join(repo, "examples", script), "--no-progress", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=child_env(),
        cwd=GLUONLITE_HOME,
    )


def run_example_asking_for_a_gpu(script: str, out_dir, **kwargs):
    """Runs the example with --ctx gpu on a machine without one: it must exit 2 and say so."""
    if gluonlite.context.num_gpus() > 0:
        pytest.skip("a GPU is present")
    result = run_example(script, "--ctx", "gpu", "--out-dir", str(out_dir), **kwargs)
    assert result.returncode == 2
    assert "no CUDA GPU is usable here" in result.stderr and "--ctx cpu" in result.stderr
    return result


@pytest.fixture
def server(tmp_path):
    """(base URL ending in '/', served folder); ``Handler.requests`` lists the paths asked."""
    served = tmp_path / "served"
    served.mkdir()
    Handler.requests = []

    def handler(*args, **kwargs):
        return Handler(*args, directory=str(served), **kwargs)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d/" % httpd.server_address[1], served
    httpd.shutdown()
    httpd.server_close()


def pytest_configure(config):
    config.addinivalue_line("markers", "gpu: needs a CUDA GPU")


try:  # hypothesis profiles for the property tests (tests/test_fuzz_*.py)
    from hypothesis import HealthCheck, settings
except ImportError:  # hypothesis is a test extra; tests that need it import it themselves
    pass
else:
    _QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
    # "ci" (the default): few examples from a fixed seed, so a CI run is fast and repeatable.
    settings.register_profile(
        "ci",
        max_examples=100,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=_QUIET,
    )
    # "long": GLUONLITE_FUZZ=long or --hypothesis-profile=long, for local fuzzing runs.
    settings.register_profile(
        "long", max_examples=3000, deadline=None, suppress_health_check=_QUIET
    )
    settings.load_profile("long" if os.environ.get("GLUONLITE_FUZZ") == "long" else "ci")


requires_gpu = pytest.mark.skipif(gluonlite.context.num_gpus() == 0, reason="no CUDA GPU available")


def numeric_grad(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences of the scalar function f at x (float64)."""
    x = x.astype(np.float64).copy()
    g = np.zeros_like(x)
    flat, gflat = x.reshape(-1), g.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        hi = f(x)
        flat[i] = old - eps
        lo = f(x)
        flat[i] = old
        gflat[i] = (hi - lo) / (2 * eps)
    return g
