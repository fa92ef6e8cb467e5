import numpy as np
import pytest

import gluonlite


def pytest_configure(config):
    config.addinivalue_line("markers", "gpu: needs a CUDA GPU")


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
