"""Strategies and comparisons shared by the property tests against numpy (test_fuzz_*.py).

The number of examples per test comes from the hypothesis profile chosen in conftest.py:
"ci" by default, "long" with GLUONLITE_FUZZ=long or --hypothesis-profile=long.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gluonlite import nd

FLOATS = ["float32", "float64", "float16"]
INTS = ["int8", "uint8", "int32", "int64"]
# (rtol, atol) per dtype for results computed in a different order or precision than numpy.
TOLERANCE = {"float16": (2e-3, 2e-3), "float32": (2e-5, 1e-5), "float64": (1e-12, 1e-12)}


def shapes(min_dims=0, max_dims=4, min_side=0, max_side=4):
    """Shapes including 0-d and zero-size dimensions."""
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def elements(dtype, lo=-10.0, hi=10.0, full_int_range=False):
    """Values of ``dtype`` in [lo, hi]; integers over the whole type when full_int_range."""
    dt = np.dtype(dtype)
    if dt.kind == "f":
        return st.floats(lo, hi, width=8 * dt.itemsize, allow_subnormal=False)
    if dt.kind == "b":
        return st.booleans()
    info = np.iinfo(dt)
    if full_int_range:
        return st.integers(int(info.min), int(info.max))
    return st.integers(max(int(lo), int(info.min)), min(int(hi), int(info.max)))


def arrays(dtype, shape, **kwargs):
    return hnp.arrays(np.dtype(dtype), shape, elements=elements(dtype, **kwargs))


def to_nd(a: np.ndarray):
    return nd.array(a, dtype=a.dtype)


def assert_matches(got, want: np.ndarray, scale: float = 1.0) -> None:
    """``got`` (an NDArray) has want's shape and dtype and its values (NaN equal to NaN).

    Floats compare within TOLERANCE times ``scale``; integers and booleans exactly.
    """
    assert isinstance(got, nd.NDArray), type(got)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert np.dtype(got.dtype) == want.dtype, (got.dtype, want.dtype)
    values = got.asnumpy()
    if want.dtype.kind == "f":
        rtol, atol = TOLERANCE[want.dtype.name]
        np.testing.assert_allclose(
            values.astype(np.float64),
            want.astype(np.float64),
            rtol=rtol * scale,
            atol=atol * scale,
            equal_nan=True,
        )
    else:
        np.testing.assert_array_equal(values, want)


def mxnet_full_reduction_shape(result: np.ndarray) -> np.ndarray:
    """MXNet's legacy arrays are never 0-d: a reduction to a scalar has shape (1,)."""
    return result.reshape(1) if result.ndim == 0 else result
