"""Which results share memory with their input, exactly as MXNet 1.9.1 (recorded with the
oracle): NDArray.reshape, detach, same-context/same-dtype conversions and indexing that
selects a contiguous block are views; operators and every other indexing return new arrays."""

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import autograd, nd

VIEWS = {
    "x[1:3]": lambda x: x[1:3],
    "x[1]": lambda x: x[1],
    "x[1, 2]": lambda x: x[1, 2],
    "x[:]": lambda x: x[:],
    "x[...]": lambda x: x[...],
    "x.reshape": lambda x: x.reshape((4, 3)),
    "x.reshape((-1,))": lambda x: x.reshape((-1,)),
    "x.astype(copy=False)": lambda x: x.astype("float32", copy=False),
    "x.as_in_context": lambda x: x.as_in_context(mx.cpu()),
    "x.detach": lambda x: x.detach(),
}
COPIES = {
    "x.T": lambda x: x.T,
    "nd.transpose": lambda x: nd.transpose(x),
    "x.transpose()": lambda x: x.transpose(),
    "nd.swapaxes": lambda x: nd.swapaxes(x, 0, 1),
    "x.swapaxes": lambda x: x.swapaxes(0, 1),
    "nd.expand_dims": lambda x: nd.expand_dims(x, 0),
    "x.expand_dims": lambda x: x.expand_dims(0),
    "nd.squeeze": lambda x: nd.squeeze(x.reshape((1, 3, 4))),
    "x.squeeze": lambda x: x.reshape((1, 3, 4)).squeeze(),
    "nd.flatten": lambda x: nd.flatten(x),
    "x.flatten": lambda x: x.flatten(),
    "nd.split[0]": lambda x: nd.split(x, 2, axis=1)[0],
    "x.split[0]": lambda x: x.split(2, axis=1)[0],
    "nd.split along axis 0": lambda x: nd.split(x, 3, axis=0)[1],
    "nd.slice_axis": lambda x: nd.slice_axis(x, axis=0, begin=0, end=2),
    "x.slice_axis": lambda x: x.slice_axis(axis=0, begin=0, end=2),
    "x[:, 1]": lambda x: x[:, 1],
    "x[:, ::2]": lambda x: x[:, ::2],
    "x[:, 1:3]": lambda x: x[:, 1:3],
    "x[::2]": lambda x: x[::2],
    "nd.reshape": lambda x: nd.reshape(x, (4, 3)),
    "x.astype(same dtype)": lambda x: x.astype("float32"),
    "x.copy": lambda x: x.copy(),
    "nd.identity": lambda x: nd.identity(x),
}


def _writes_through(make) -> bool:
    x = nd.array(np.arange(12, dtype="float32").reshape(3, 4))
    y = make(x)
    y[:] = -1
    return bool((x.asnumpy() == -1).any())


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_views_share_memory_as_in_mxnet(name):
    assert _writes_through(VIEWS[name])


@pytest.mark.parametrize("name", sorted(COPIES))
def test_operators_and_strided_indexing_return_new_arrays(name):
    assert not _writes_through(COPIES[name])


def test_writing_the_input_leaves_a_copy_unchanged():
    x = nd.array(np.arange(6, dtype="float32").reshape(2, 3))
    t, col = x.T, x[:, 1]
    x += 100
    np.testing.assert_array_equal(t.asnumpy(), np.arange(6).reshape(2, 3).T)
    np.testing.assert_array_equal(col.asnumpy(), [1, 4])


def test_gradients_flow_through_the_copies():
    a = np.arange(6.0).reshape(2, 3)
    x = nd.array(a, dtype="float64")
    x.attach_grad()
    weights = nd.array(np.arange(6.0).reshape(3, 2), dtype="float64")
    with autograd.record():
        y = (
            (x.T * weights).sum()
            + (x[:, 1:3] ** 2).sum()
            + nd.expand_dims(x, 0).sum()
            + nd.split(x, 3, axis=1)[2].sum()
        )
    y.backward()
    expected = np.arange(6.0).reshape(3, 2).T + 1
    expected[:, 1:3] += 2 * a[:, 1:3]
    expected[:, 2] += 1
    np.testing.assert_allclose(x.grad.asnumpy(), expected)
