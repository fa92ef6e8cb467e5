"""Pooling: nd.Pooling (max, avg, sum; 1-D to 3-D; 'valid' and 'full' conventions;
count_include_pad; global) against float64 numpy loops, gradients against finite
differences, the Gluon pooling layers (reprs recorded from MXNet 1.9.1) and errors."""

import itertools
import re

import numpy as np
import pytest
from conftest import numeric_grad, requires_gpu

import gluonlite as mx
from gluonlite import autograd, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import nn


def rand(*shape, seed=0):
    # a permutation: distinct values, so every window has a unique maximum
    n = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(n).reshape(shape) / n - 0.5


def pool_ref(x, kernel, stride, pad, pool_type, full=False, count_include_pad=True):
    """MXNet's pooling by direct loops in float64."""
    nsp = x.ndim - 2
    out = []
    for i in range(nsp):
        span = x.shape[2 + i] + 2 * pad[i] - kernel[i]
        out.append((-(-span // stride[i]) if full else span // stride[i]) + 1)
    y = np.zeros(x.shape[:2] + tuple(out))
    for o in itertools.product(*[range(s) for s in out]):
        lo = [o[i] * stride[i] - pad[i] for i in range(nsp)]
        hi = [min(lo[i] + kernel[i], x.shape[2 + i] + pad[i]) for i in range(nsp)]
        padded = np.prod([hi[i] - lo[i] for i in range(nsp)])
        box = tuple(slice(max(lo[i], 0), min(hi[i], x.shape[2 + i])) for i in range(nsp))
        window = x[(slice(None), slice(None)) + box].reshape(x.shape[:2] + (-1,))
        if window.shape[-1] == 0:
            value = np.finfo(np.float64).min if pool_type == "max" else 0.0
        elif pool_type == "max":
            value = window.max(axis=-1)
        elif pool_type == "sum":
            value = window.sum(axis=-1)
        else:
            value = window.sum(axis=-1) / (padded if count_include_pad else window.shape[-1])
        y[(slice(None), slice(None)) + o] = value
    return y


# (input shape, kernel, stride, pad, type, full, count_include_pad)
POOL_CASES = [
    ((2, 3, 8, 8), (2, 2), (2, 2), (0, 0), "max", False, True),
    ((2, 3, 7, 8), (3, 3), (2, 2), (1, 1), "max", True, True),
    ((1, 2, 9), (3,), (2,), (1,), "max", False, True),
    ((1, 2, 4, 5, 6), (2, 3, 2), (2, 1, 2), (1, 1, 0), "max", True, True),
    ((2, 2, 7, 6), (3, 3), (2, 2), (1, 1), "avg", False, True),
    ((2, 2, 7, 6), (3, 3), (2, 2), (1, 1), "avg", False, False),
    ((2, 2, 7, 6), (3, 3), (2, 2), (1, 1), "avg", True, True),
    ((2, 2, 7, 6), (3, 3), (2, 2), (1, 1), "avg", True, False),
    ((1, 2, 3, 4, 5), (2, 2, 2), (1, 2, 1), (1, 0, 1), "avg", False, True),
    ((2, 3, 6, 5), (2, 3), (1, 2), (0, 1), "sum", False, True),
    # 2-D max windows wholly inside the input: the unrolled kernels (2x2, 3x3) and the
    # general one (2x3), with strides that overlap windows and leave input rows unread
    ((2, 3, 9, 9), (3, 3), (1, 1), (0, 0), "max", False, True),
    ((2, 2, 7, 9), (2, 3), (2, 3), (0, 0), "max", False, True),
    ((1, 2, 7, 7), (2, 2), (3, 3), (0, 0), "max", False, True),
]


@pytest.mark.parametrize("shape,kernel,stride,pad,kind,full,include", POOL_CASES)
def test_pooling_matches_direct_loops(shape, kernel, stride, pad, kind, full, include):
    x = rand(*shape)
    y = nd.Pooling(
        nd.array(x, dtype="float64"),
        kernel=kernel,
        stride=stride,
        pad=pad,
        pool_type=kind,
        pooling_convention="full" if full else "valid",
        count_include_pad=include,
    )
    np.testing.assert_allclose(
        y.asnumpy(), pool_ref(x, kernel, stride, pad, kind, full, include), rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize("shape,kernel,stride,pad,kind,full,include", POOL_CASES)
def test_pooling_gradients_match_finite_differences(
    shape, kernel, stride, pad, kind, full, include
):
    x0 = rand(*shape)
    kw = dict(
        kernel=kernel,
        stride=stride,
        pad=pad,
        pool_type=kind,
        pooling_convention="full" if full else "valid",
        count_include_pad=include,
    )
    head = np.random.default_rng(3).standard_normal(nd.Pooling(nd.array(x0), **kw).shape)
    x = nd.array(x0, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = nd.Pooling(x, **kw)
    y.backward(nd.array(head, dtype="float64"))
    expected = numeric_grad(
        lambda v: float((nd.Pooling(nd.array(v, dtype="float64"), **kw).asnumpy() * head).sum()),
        x0,
        eps=1e-7,
    )
    np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-6, atol=1e-8)


def test_pooling_values_recorded_from_mxnet():
    x = nd.arange(25).reshape((1, 1, 5, 5))
    full = nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pooling_convention="full")
    assert full.asnumpy().tolist() == [[[[6.0, 8.0, 9.0], [16.0, 18.0, 19.0], [21.0, 23.0, 24.0]]]]
    avg = nd.Pooling(
        x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg", count_include_pad=False
    )
    assert avg.asnumpy().tolist() == [[[[3.0, 4.5, 6.0], [10.5, 12.0, 13.5], [18.0, 19.5, 21.0]]]]
    # 'full' windows lying entirely in the padding: lowest float for max, 0 for avg
    x = nd.arange(36).reshape((1, 1, 6, 6))
    empty = nd.Pooling(x, kernel=(1, 1), stride=(4, 4), pad=(1, 1), pooling_convention="full")
    lowest = float(np.finfo(np.float32).min)
    assert empty.asnumpy()[0, 0].tolist() == [[lowest] * 3, [lowest, 21.0, lowest], [lowest] * 3]


def test_max_pooling_propagates_nan():
    x = nd.array([[[1.0, float("nan"), 3.0, 2.0]]])
    y = nd.Pooling(x, kernel=(2,), stride=(2,))
    assert np.isnan(y.asnumpy()[0, 0, 0]) and y.asnumpy()[0, 0, 1] == 3.0


@pytest.mark.parametrize("kernel", [(2, 2), (3, 3), (2, 3)])
@pytest.mark.parametrize("record", [False, True])
def test_2d_max_pooling_nan_and_ties(kernel, record):
    # NaN wins its window and propagates; a tie sends the gradient to the first maximum
    # in row-major order, as in MXNet; both with and without the recorded argmax
    x0 = np.zeros((1, 1, 6, 6), dtype=np.float32)
    x0[0, 0, 1, 1] = np.nan
    x = nd.array(x0)
    x.attach_grad()
    with autograd.record(train_mode=True) if record else autograd.pause():
        y = nd.Pooling(x, kernel=kernel, stride=kernel, pool_type="max")
    got = y.asnumpy()[0, 0]
    assert np.isnan(got[0, 0]) and not np.isnan(got).ravel()[1:].any(), got
    if record:
        y.backward()
        grad = x.grad.asnumpy()[0, 0]
        expected = np.zeros((6, 6), dtype=np.float32)
        for i in range(got.shape[0]):
            for j in range(got.shape[1]):
                top, left = i * kernel[0], j * kernel[1]
                first = (1, 1) if (i, j) == (0, 0) else (top, left)
                expected[first] = 1.0
        np.testing.assert_array_equal(grad, expected)


def test_global_pooling_reduces_every_spatial_axis():
    x = rand(2, 3, 4, 5, 2)
    y_max = nd.Pooling(nd.array(x), kernel=(1, 1, 1), pool_type="max", global_pool=True)
    y_avg = nd.Pooling(nd.array(x), pool_type="avg", global_pool=True)
    np.testing.assert_allclose(y_max.asnumpy()[..., 0, 0, 0], x.max(axis=(2, 3, 4)), rtol=1e-6)
    np.testing.assert_allclose(
        y_avg.asnumpy()[..., 0, 0, 0], x.mean(axis=(2, 3, 4)), rtol=1e-5, atol=1e-7
    )


@pytest.mark.parametrize(
    "layer,shape,reduce",
    [
        (nn.GlobalMaxPool1D, (2, 3, 7), np.max),
        (nn.GlobalAvgPool2D, (2, 3, 4, 5), np.mean),
        (nn.GlobalMaxPool3D, (1, 2, 3, 4, 2), np.max),
    ],
)
def test_global_pool_layers(layer, shape, reduce):
    x = rand(*shape)
    y = layer()(nd.array(x))
    assert y.shape == shape[:2] + (1,) * (len(shape) - 2)
    np.testing.assert_allclose(
        y.asnumpy().reshape(shape[:2]),
        reduce(x, axis=tuple(range(2, len(shape)))),
        rtol=1e-5,
        atol=1e-7,
    )


@pytest.mark.parametrize(
    "make,text",
    [
        (
            nn.MaxPool1D,
            "MaxPool1D(size=(2,), stride=(2,), padding=(0,), ceil_mode=False, "
            "global_pool=False, pool_type=max, layout=NCW)",
        ),
        (
            nn.MaxPool2D,
            "MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, "
            "global_pool=False, pool_type=max, layout=NCHW)",
        ),
        (
            nn.AvgPool3D,
            "AvgPool3D(size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0), "
            "ceil_mode=False, global_pool=False, pool_type=avg, layout=NCDHW)",
        ),
        (
            lambda: nn.MaxPool2D(3, 2, 1, ceil_mode=True),
            "MaxPool2D(size=(3, 3), stride=(2, 2), padding=(1, 1), ceil_mode=True, "
            "global_pool=False, pool_type=max, layout=NCHW)",
        ),
        (
            lambda: nn.AvgPool2D(3, 2, 1, count_include_pad=False),
            "AvgPool2D(size=(3, 3), stride=(2, 2), padding=(1, 1), ceil_mode=False, "
            "global_pool=False, pool_type=avg, layout=NCHW)",
        ),
        (
            nn.GlobalMaxPool1D,
            "GlobalMaxPool1D(size=(1,), stride=(1,), padding=(0,), ceil_mode=True, "
            "global_pool=True, pool_type=max, layout=NCW)",
        ),
        (
            nn.GlobalAvgPool2D,
            "GlobalAvgPool2D(size=(1, 1), stride=(1, 1), padding=(0, 0), "
            "ceil_mode=True, global_pool=True, pool_type=avg, layout=NCHW)",
        ),
        (
            lambda: nn.MaxPool2D(layout="NHWC"),
            "MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, "
            "global_pool=False, pool_type=max, layout=NHWC)",
        ),
    ],
)
def test_pool_reprs_recorded_from_mxnet(make, text):
    layer = make()
    assert repr(layer) == text
    assert re.fullmatch(r"pool\d+", layer.name)


def test_pool_layer_options_reach_the_op():
    x = rand(2, 3, 7, 7)
    y = nn.AvgPool2D(3, 2, 1, ceil_mode=True, count_include_pad=False)(nd.array(x))
    np.testing.assert_allclose(
        y.asnumpy(), pool_ref(x, (3, 3), (2, 2), (1, 1), "avg", True, False), rtol=1e-5, atol=1e-6
    )
    last = nn.MaxPool2D(layout="NHWC")(nd.array(x.transpose(0, 2, 3, 1)))
    np.testing.assert_allclose(
        last.asnumpy().transpose(0, 3, 1, 2), pool_ref(x, (2, 2), (2, 2), (0, 0), "max"), rtol=1e-6
    )


def test_pool_errors_name_layer_and_shapes():
    layer = nn.MaxPool2D(3)
    with pytest.raises(
        MXNetError,
        match=r"MaxPool2D layer 'pool\d+' expects a 4-D input of "
        r"layout NCHW .* got an input of shape \(1, 2, 2\)",
    ):
        layer(nd.ones((1, 2, 2)))
    with pytest.raises(MXNetError) as info:
        layer(nd.ones((1, 1, 2, 2)))
    assert "MaxPool2D layer '%s'" % layer.name in str(info.value)
    assert (
        "the window (size 3) is larger than the padded input (size 2 = 2 + 2*0) along "
        "spatial axis 0; input shape (1, 1, 2, 2)" in str(info.value)
    )
    with pytest.raises(AssertionError, match=r"MaxPool2D: layout 'NCW' is not supported"):
        nn.MaxPool2D(layout="NCW")
    with pytest.raises(MXNetError, match=r"pool_type 'lp' is not supported"):
        nd.Pooling(nd.ones((1, 1, 4, 4)), kernel=(2, 2), pool_type="lp")
    with pytest.raises(MXNetError, match=r"pooling_convention 'same' is not supported"):
        nd.Pooling(nd.ones((1, 1, 4, 4)), kernel=(2, 2), pooling_convention="same")


@requires_gpu
@pytest.mark.parametrize("shape,kernel,stride,pad,kind,full,include", POOL_CASES)
def test_pooling_gpu_matches_cpu(shape, kernel, stride, pad, kind, full, include):
    x0 = rand(*shape)
    kw = dict(
        kernel=kernel,
        stride=stride,
        pad=pad,
        pool_type=kind,
        pooling_convention="full" if full else "valid",
        count_include_pad=include,
    )
    results = []
    for ctx in [mx.cpu(), mx.gpu(0)]:
        x = nd.array(x0, ctx=ctx)
        x.attach_grad()
        with autograd.record():
            y = nd.Pooling(x, **kw)
        y.backward(nd.array(np.arange(y.size).reshape(y.shape) % 7, ctx=ctx))
        results.append((y.asnumpy(), x.grad.asnumpy()))
    for cpu_value, gpu_value in zip(*results):
        np.testing.assert_allclose(gpu_value, cpu_value, rtol=1e-6, atol=1e-6)
