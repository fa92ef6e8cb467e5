"""NDArray.__getstate__/__setstate__ (MXNet's raw-record state) and the basic-indexing
contiguity helper, against bytes and flags recorded from MXNet 1.9.1 and NumPy."""

from itertools import permutations

import numpy as np
import pytest

from gluonlite import nd
from gluonlite.base import MXNetError

# MXNet 1.9.1: mx.nd.arange(3).__getstate__()['handle'].hex()
ARANGE3_STATE = (
    "c9fa93f900000000010000000300000000000000010000000000000000000000000000000000803f00000040"
)
# MXNet 1.9.1's own test: the state of mx.nd.arange(1, ctx=mx.gpu())
GPU_ARANGE1_STATE = bytes.fromhex(
    "c9fa93f900000000010000000100000000000000020000000000000000000000000000000000"
)


def test_getstate_is_mxnets_record():
    state = nd.arange(3).__getstate__()
    assert list(state) == ["handle"] and isinstance(state["handle"], bytearray)
    assert state["handle"].hex() == ARANGE3_STATE


def test_setstate_takes_shape_dtype_and_data():
    x = nd.zeros((2, 2), dtype="int32")
    x.__setstate__({"handle": bytearray(bytes.fromhex(ARANGE3_STATE))})
    assert x.shape == (3,) and x.dtype == np.float32
    np.testing.assert_array_equal(x.asnumpy(), [0.0, 1.0, 2.0])
    y = nd.ones((1,))
    y.__setstate__({"handle": bytearray(GPU_ARANGE1_STATE)})  # a GPU array loads on the CPU
    assert str(y.context) == "cpu(0)"
    np.testing.assert_array_equal(y.asnumpy(), [0.0])
    src = nd.array(np.arange(6, dtype="float64").reshape(2, 3))
    z = nd.zeros((1,))
    z.__setstate__(src.__getstate__())
    np.testing.assert_array_equal(z.asnumpy(), src.asnumpy())


def test_setstate_rejects_what_is_not_a_record():
    x = nd.ones((2,))
    with pytest.raises(TypeError, match="expects {'handle'"):
        x.__setstate__({"data": b""})
    with pytest.raises(MXNetError, match="not a saved array record"):
        x.__setstate__({"handle": bytearray(b"\x00" * 12)})
    np.testing.assert_array_equal(x.asnumpy(), [1.0, 1.0])  # unchanged


def test_basic_indexing_contiguity_matches_numpy():
    is_contiguous = nd.NDArray._basic_indexing_slice_is_contiguous
    shape = (4, 5, 6)
    base = np.empty(shape)
    slices = [
        slice(None),
        slice(2),
        slice(1, 3),
        slice(None, None, 2),
        slice(0, 1),
        slice(None, None, -1),
        slice(3, None, -2),
        slice(5, 5),
    ]
    for a in slices:
        for b in slices:
            for key in permutations((a, b, slice(None))):
                assert is_contiguous(key, shape) == base[key].flags.contiguous, key
    assert is_contiguous((1, slice(None)), shape)  # an integer drops its axis
    assert not is_contiguous((slice(None), 1), shape)
    assert is_contiguous(slice(1, 3), shape)
    with pytest.raises(IndexError, match="too many indices"):
        is_contiguous((0, 0, 0, 0), shape)
