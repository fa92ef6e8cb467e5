"""Convolution and its transpose: nd.Convolution / nd.Deconvolution against float64 numpy
loops, gradients against central finite differences, the Gluon Conv layers (deferred
in_channels, reprs recorded from MXNet 1.9.1, layouts) and their error messages."""

import itertools
import re

import numpy as np
import pytest
from conftest import requires_gpu

import gluonlite as mx
from gluonlite import autograd, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import nn


def rand(*shape, seed=0):
    return np.random.default_rng(seed + sum(shape)).standard_normal(shape)


def f64(a):
    return nd.array(a, dtype="float64")


def conv_ref(x, w, b, stride, pad, dilate, groups):
    """Direct-loop convolution in float64.

    y[n, f, o] = sum_{c, k} x[n, c, o*s - p + k*d] w[f, c, k]
    """
    nsp = x.ndim - 2
    n, c = x.shape[:2]
    f, k = w.shape[0], w.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in pad])
    out = [
        (x.shape[2 + i] + 2 * pad[i] - dilate[i] * (k[i] - 1) - 1) // stride[i] + 1
        for i in range(nsp)
    ]
    y = np.zeros((n, f) + tuple(out))
    cg, fg = c // groups, f // groups
    for o in itertools.product(*[range(s) for s in out]):
        for kk in itertools.product(*[range(s) for s in k]):
            at = tuple(o[i] * stride[i] + kk[i] * dilate[i] for i in range(nsp))
            xs = xp[(slice(None), slice(None)) + at]
            for g in range(groups):
                wg = w[(slice(g * fg, (g + 1) * fg), slice(None)) + kk]
                y[(slice(None), slice(g * fg, (g + 1) * fg)) + o] += (
                    xs[:, g * cg : (g + 1) * cg] @ wg.T
                )
    if b is not None:
        y += b.reshape((1, f) + (1,) * nsp)
    return y


def deconv_ref(x, w, b, stride, pad, dilate, adj, groups):
    """Direct-loop transposed convolution: every input element scatters w into the output."""
    nsp = x.ndim - 2
    n, c = x.shape[:2]
    fg, k = w.shape[1], w.shape[2:]
    f = fg * groups
    full = [
        stride[i] * (x.shape[2 + i] - 1) + dilate[i] * (k[i] - 1) + 1 + adj[i] for i in range(nsp)
    ]
    y = np.zeros((n, f) + tuple(full))
    cg = c // groups
    for i in itertools.product(*[range(s) for s in x.shape[2:]]):
        for kk in itertools.product(*[range(s) for s in k]):
            at = tuple(i[a] * stride[a] + kk[a] * dilate[a] for a in range(nsp))
            for g in range(groups):
                xs = x[(slice(None), slice(g * cg, (g + 1) * cg)) + i]
                wg = w[(slice(g * cg, (g + 1) * cg), slice(None)) + kk]
                y[(slice(None), slice(g * fg, (g + 1) * fg)) + at] += xs @ wg
    crop = tuple(slice(pad[a], full[a] - pad[a]) for a in range(nsp))
    y = y[(slice(None), slice(None)) + crop]
    if b is not None:
        y += b.reshape((1, f) + (1,) * nsp)
    return y


def numeric_grads(f, arrays, head, eps=1e-6):
    """Central differences of sum(f(*arrays) * head) with respect to every array."""
    grads = []
    for i, a in enumerate(arrays):
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            plus = [v.copy() for v in arrays]
            minus = [v.copy() for v in arrays]
            plus[i][idx] += eps
            minus[i][idx] -= eps
            g[idx] = ((f(*plus) * head).sum() - (f(*minus) * head).sum()) / (2 * eps)
        grads.append(g)
    return grads


def check_gradients(op, arrays, rtol=1e-5, atol=1e-7):
    """autograd's gradients of op (NDArrays in, NDArray out) against finite differences."""
    inputs = [f64(a) for a in arrays]
    for t in inputs:
        t.attach_grad()
    with autograd.record():
        y = op(*inputs)
    head = rand(*y.shape, seed=99)
    y.backward(f64(head))
    expected = numeric_grads(lambda *a: op(*[f64(v) for v in a]).asnumpy(), arrays, head)
    for t, want in zip(inputs, expected):
        np.testing.assert_allclose(t.grad.asnumpy(), want, rtol=rtol, atol=atol)


# (input shape, num_filter, kernel, stride, pad, dilate, groups)
CONV_CASES = [
    ((2, 3, 7, 6), 4, (3, 3), (1, 1), (0, 0), (1, 1), 1),
    ((3, 4, 9, 8), 6, (3, 2), (2, 1), (1, 2), (2, 1), 2),
    ((2, 2, 10), 4, (3,), (2,), (1,), (1,), 1),
    ((2, 4, 11), 4, (2,), (3,), (0,), (3,), 4),  # depthwise
    ((1, 2, 4, 5, 6), 2, (2, 3, 2), (1, 2, 1), (1, 0, 1), (1, 1, 2), 2),
    ((40, 3, 5, 5), 4, (3, 3), (1, 1), (1, 1), (1, 1), 1),  # several chunks of samples
    ((3, 1, 70, 70), 2, (3, 3), (1, 1), (0, 0), (1, 1), 1),  # one sample per chunk
    ((12, 2, 1002), 3, (3,), (1,), (0,), (1,), 1),  # chunks of several samples
]


@pytest.mark.parametrize("shape,nf,kernel,stride,pad,dilate,groups", CONV_CASES)
def test_convolution_matches_direct_loops(shape, nf, kernel, stride, pad, dilate, groups):
    x, w, b = rand(*shape), rand(nf, shape[1] // groups, *kernel, seed=1), rand(nf, seed=2)
    y = nd.Convolution(
        f64(x),
        f64(w),
        f64(b),
        kernel=kernel,
        stride=stride,
        pad=pad,
        dilate=dilate,
        num_filter=nf,
        num_group=groups,
    )
    np.testing.assert_allclose(
        y.asnumpy(), conv_ref(x, w, b, stride, pad, dilate, groups), rtol=1e-12, atol=1e-11
    )


def test_convolution_float32_and_no_bias():
    x, w = rand(4, 3, 9, 9), rand(5, 3, 3, 3, seed=1)
    y = nd.Convolution(
        nd.array(x), nd.array(w), kernel=(3, 3), pad=(1, 1), num_filter=5, no_bias=True
    )
    assert y.dtype == np.float32
    np.testing.assert_allclose(
        y.asnumpy(), conv_ref(x, w, None, (1, 1), (1, 1), (1, 1), 1), rtol=1e-4, atol=1e-4
    )


def conv_grads_ref(x, w, head, pad):
    """dx and dw of sum(conv(x, w) * head) for a stride-1 2-D convolution, tap by tap."""
    kh, kw = w.shape[2:]
    xp = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    oh, ow = head.shape[2:]
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for i, j in itertools.product(range(kh), range(kw)):
        dw[:, :, i, j] = np.einsum("nfhw,nchw->fc", head, xp[:, :, i : i + oh, j : j + ow])
        dxp[:, :, i : i + oh, j : j + ow] += np.einsum("nfhw,fc->nchw", head, w[:, :, i, j])
    return dxp[:, :, pad : pad + x.shape[2], pad : pad + x.shape[3]], dw


@pytest.mark.parametrize(
    "batch,dtype",
    [
        (32, "float32"),  # split over the workers; the forward keeps its columns for dw
        (96, "float64"),  # columns too large to keep: the backward lays them out again
    ],
)
@pytest.mark.parametrize("x_grad", [True, False])
def test_convolution_gradients_of_large_batches(batch, dtype, x_grad):
    x0, w0 = rand(batch, 4, 20, 20), rand(8, 4, 3, 3, seed=1)
    head = rand(batch, 8, 20, 20, seed=2)
    x, w = nd.array(x0, dtype=dtype), nd.array(w0, dtype=dtype)
    w.attach_grad()
    if x_grad:
        x.attach_grad()
    with autograd.record():
        y = nd.Convolution(x, w, kernel=(3, 3), pad=(1, 1), num_filter=8, no_bias=True)
    y.backward(nd.array(head, dtype=dtype))
    dx, dw = conv_grads_ref(x0, w0, head, 1)
    tol = 1e-3 if dtype == "float32" else 1e-10
    np.testing.assert_allclose(w.grad.asnumpy(), dw, rtol=tol, atol=tol)
    if x_grad:
        np.testing.assert_allclose(x.grad.asnumpy(), dx, rtol=tol, atol=tol)


def conv3x3_taps_ref(x, w, b, pad, head):
    """y, dx, dw, db of sum(conv(x, w) + b) * head for a stride-1 3x3 convolution with
    padding pad = (ph, pw), tap by tap in float64."""
    ph, pw = pad
    xp = np.pad(x, [(0, 0), (0, 0), (ph, ph), (pw, pw)])
    oh, ow = x.shape[2] + 2 * ph - 2, x.shape[3] + 2 * pw - 2
    y = np.zeros((x.shape[0], w.shape[0], oh, ow)) + b[None, :, None, None]
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for i, j in itertools.product(range(3), range(3)):
        window = xp[:, :, i : i + oh, j : j + ow]
        y += np.einsum("nchw,fc->nfhw", window, w[:, :, i, j])
        dw[:, :, i, j] = np.einsum("nfhw,nchw->fc", head, window)
        dxp[:, :, i : i + oh, j : j + ow] += np.einsum("nfhw,fc->nchw", head, w[:, :, i, j])
    dx = dxp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]]
    return y, dx, dw, head.sum(axis=(0, 2, 3))


@pytest.mark.parametrize(
    "shape,nf,pad,dtype",
    [
        ((8, 64, 32, 32), 64, (1, 1), "float32"),  # the ResNet basic block's convolution
        ((8, 64, 31, 33), 64, (0, 2), "float64"),  # odd sizes: partial edge tiles
        ((6, 96, 40, 21), 80, (2, 0), "float64"),  # C != F, rows and columns padded apart
        ((16, 32, 16, 16), 32, (1, 1), "float64"),  # the smallest work that takes this path
    ],
)
@pytest.mark.parametrize("x_grad", [True, False])
def test_winograd_3x3_convolutions_match_float64_taps(shape, nf, pad, dtype, x_grad):
    # stride-1 3x3 convolutions this large run as Winograd F(2x2, 3x3) on the CPU: the
    # forward, the data gradient (the rotated kernel over dy) and the weight gradient
    x0, w0, b0 = rand(*shape), rand(nf, shape[1], 3, 3, seed=1) * 0.1, rand(nf, seed=3)
    head = rand(shape[0], nf, shape[2] + 2 * pad[0] - 2, shape[3] + 2 * pad[1] - 2, seed=2)
    y0, dx0, dw0, db0 = conv3x3_taps_ref(x0, w0, b0, pad, head)
    x, w, b = (nd.array(a, dtype=dtype) for a in (x0, w0, b0))
    w.attach_grad()
    b.attach_grad()
    if x_grad:
        x.attach_grad()
    with autograd.record():
        y = nd.Convolution(x, w, b, kernel=(3, 3), pad=pad, num_filter=nf)
    y.backward(nd.array(head, dtype=dtype))
    tol = 2e-5 if dtype == "float32" else 1e-12

    def close(got, want):
        scale = np.abs(want).max()
        np.testing.assert_allclose(got.asnumpy() / scale, want / scale, rtol=0, atol=tol)

    close(y, y0)
    close(w.grad, dw0)
    close(b.grad, db0)
    if x_grad:
        close(x.grad, dx0)


def test_convolution_float16_on_cpu_computes_in_float32():
    x, w = rand(2, 2, 6, 6), rand(3, 2, 3, 3, seed=1)
    xh, wh = nd.array(x, dtype="float16"), nd.array(w, dtype="float16")
    xh.attach_grad()
    with autograd.record():
        y = nd.Convolution(xh, wh, kernel=(3, 3), num_filter=3, no_bias=True)
    y.backward()
    assert y.dtype == np.float16 and xh.grad.dtype == np.float16
    ref = conv_ref(
        x.astype(np.float16).astype(np.float64),
        w.astype(np.float16).astype(np.float64),
        None,
        (1, 1),
        (0, 0),
        (1, 1),
        1,
    )
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=2e-2, atol=2e-2)


@pytest.mark.parametrize(
    "shape,nf,kernel,stride,pad,dilate,groups",
    [
        ((2, 4, 5, 6), 6, (3, 2), (2, 1), (1, 1), (1, 2), 2),
        ((12, 2, 30), 3, (3,), (1,), (0,), (1,), 1),
        ((1, 2, 3, 4, 3), 2, (2, 2, 2), (1, 2, 1), (1, 0, 1), (1, 1, 1), 1),
    ],
)
def test_convolution_gradients_match_finite_differences(
    shape, nf, kernel, stride, pad, dilate, groups
):
    arrays = [rand(*shape), rand(nf, shape[1] // groups, *kernel, seed=1), rand(nf, seed=2)]
    check_gradients(
        lambda x, w, b: nd.Convolution(
            x,
            w,
            b,
            kernel=kernel,
            stride=stride,
            pad=pad,
            dilate=dilate,
            num_filter=nf,
            num_group=groups,
        ),
        arrays,
    )


# (input shape, num_filter, kernel, stride, pad, dilate, adj, groups)
DECONV_CASES = [
    ((2, 3, 4, 5), 2, (3, 3), (1, 1), (0, 0), (1, 1), (0, 0), 1),
    ((2, 4, 3, 4), 6, (3, 3), (2, 2), (1, 1), (1, 1), (1, 0), 2),
    ((1, 2, 5), 3, (4,), (3,), (1,), (2,), (2,), 1),
    ((1, 2, 2, 3, 2), 2, (2, 2, 3), (2, 1, 2), (0, 1, 1), (1, 1, 1), (1, 0, 1), 1),
]


@pytest.mark.parametrize("shape,nf,kernel,stride,pad,dilate,adj,groups", DECONV_CASES)
def test_deconvolution_matches_direct_loops(shape, nf, kernel, stride, pad, dilate, adj, groups):
    x, w, b = rand(*shape), rand(shape[1], nf // groups, *kernel, seed=1), rand(nf, seed=2)
    y = nd.Deconvolution(
        f64(x),
        f64(w),
        f64(b),
        kernel=kernel,
        stride=stride,
        pad=pad,
        dilate=dilate,
        adj=adj,
        num_filter=nf,
        num_group=groups,
        no_bias=False,
    )
    np.testing.assert_allclose(
        y.asnumpy(), deconv_ref(x, w, b, stride, pad, dilate, adj, groups), rtol=1e-12, atol=1e-11
    )


@pytest.mark.parametrize("shape,nf,kernel,stride,pad,dilate,adj,groups", DECONV_CASES[:3])
def test_deconvolution_gradients_match_finite_differences(
    shape, nf, kernel, stride, pad, dilate, adj, groups
):
    arrays = [rand(*shape), rand(shape[1], nf // groups, *kernel, seed=1), rand(nf, seed=2)]
    check_gradients(
        lambda x, w, b: nd.Deconvolution(
            x,
            w,
            b,
            kernel=kernel,
            stride=stride,
            pad=pad,
            dilate=dilate,
            adj=adj,
            num_filter=nf,
            num_group=groups,
            no_bias=False,
        ),
        arrays,
    )


def test_deconvolution_is_the_adjoint_of_convolution():
    x, w = rand(2, 4, 9, 8), rand(6, 2, 3, 3, seed=1)
    kw = dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1), dilate=(1, 2), num_group=2)
    y = nd.Convolution(f64(x), f64(w), num_filter=6, no_bias=True, **kw)
    v = rand(*y.shape, seed=5)
    back = nd.Deconvolution(f64(v), f64(w), num_filter=4, adj=(0, 1), **kw).asnumpy()
    assert back.shape == x.shape
    np.testing.assert_allclose((y.asnumpy() * v).sum(), (x * back).sum(), rtol=1e-12)


def test_deconvolution_target_shape_picks_pad_and_adj_like_mxnet():
    x, w = f64(rand(1, 2, 5, 5)), f64(rand(2, 3, 3, 3, seed=1))
    # MXNet 1.9.1: target 10 -> pad 1, adj 1; target 9 -> pad 1, adj 0; target 11 -> 0, 0
    for target, pad, adj in [(10, 1, 1), (9, 1, 0), (11, 0, 0)]:
        y = nd.Deconvolution(
            x, w, kernel=(3, 3), stride=(2, 2), num_filter=3, target_shape=(target, target)
        )
        ref = nd.Deconvolution(
            x, w, kernel=(3, 3), stride=(2, 2), num_filter=3, pad=(pad, pad), adj=(adj, adj)
        )
        assert y.shape == (1, 3, target, target)
        np.testing.assert_array_equal(y.asnumpy(), ref.asnumpy())
    with pytest.raises(MXNetError, match=r"target_shape \(12, 12\) is too big"):
        nd.Deconvolution(x, w, kernel=(3, 3), stride=(2, 2), num_filter=3, target_shape=(12, 12))


# ---- Gluon layers -------------------------------------------------------------------------


def test_conv2d_defers_in_channels_and_prints_like_mxnet():
    layer = nn.Conv2D(4, 3)
    assert repr(layer) == "Conv2D(None -> 4, kernel_size=(3, 3), stride=(1, 1))"
    assert layer.weight.shape == (4, 0, 3, 3)
    layer.initialize()
    y = layer(nd.ones((2, 3, 6, 6)))
    assert y.shape == (2, 4, 4, 4)
    assert layer.weight.shape == (4, 3, 3, 3)
    assert repr(layer) == "Conv2D(3 -> 4, kernel_size=(3, 3), stride=(1, 1))"


@pytest.mark.parametrize(
    "make,text",
    [
        (lambda: nn.Conv1D(4, 3), "Conv1D(None -> 4, kernel_size=(3,), stride=(1,))"),
        (lambda: nn.Conv3D(4, 3), "Conv3D(None -> 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))"),
        (
            lambda: nn.Conv2D(
                8,
                (3, 5),
                strides=2,
                padding=1,
                dilation=2,
                groups=2,
                activation="relu",
                use_bias=False,
                in_channels=4,
            ),
            "Conv2D(2 -> 8, kernel_size=(3, 5), stride=(2, 2), padding=(1, 1), dilation=(2, 2), "
            "groups=2, bias=False, Activation(relu))",
        ),
        (
            lambda: nn.Conv2DTranspose(4, 3),
            "Conv2DTranspose(4 -> 0, kernel_size=(3, 3), stride=(1, 1))",
        ),
        (
            lambda: nn.Conv1DTranspose(4, 3),
            "Conv1DTranspose(4 -> 0, kernel_size=(3,), stride=(1,))",
        ),
        (
            lambda: nn.Conv2DTranspose(4, 3, strides=2, padding=1, output_padding=1, in_channels=2),
            "Conv2DTranspose(4 -> 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))",
        ),
        (
            lambda: nn.Conv2D(4, 3, layout="NHWC"),
            "Conv2D(3 -> 4, kernel_size=(3, 3), stride=(1, 1))",
        ),
        (
            lambda: nn.Conv2D(4, 3, activation="relu"),
            "Conv2D(None -> 4, kernel_size=(3, 3), stride=(1, 1), Activation(relu))",
        ),
    ],
)
def test_conv_reprs_recorded_from_mxnet(make, text):
    assert repr(make()) == text


def test_conv_parameter_names_shapes_and_inits_follow_mxnet():
    net = nn.HybridSequential(prefix="net_")
    with net.name_scope():
        net.add(nn.Conv2D(6, 5, use_bias=False), nn.Conv2DTranspose(3, 2, strides=2))
    params = net.collect_params()
    assert list(params.keys()) == ["net_conv0_weight", "net_conv1_weight", "net_conv1_bias"]
    assert params["net_conv1_weight"].shape == (0, 3, 2, 2)
    assert params["net_conv1_bias"].init == "zeros"
    net.initialize()
    assert net(nd.ones((1, 2, 9, 9))).shape == (1, 3, 10, 10)
    assert params["net_conv0_weight"].shape == (6, 2, 5, 5)
    assert params["net_conv1_weight"].shape == (6, 3, 2, 2)


def test_conv2d_channel_last_layout_equals_channel_first():
    x = rand(2, 3, 7, 7)
    first = nn.Conv2D(4, 3, padding=1, in_channels=3)
    last = nn.Conv2D(4, 3, padding=1, in_channels=3, layout="NHWC")
    first.initialize()
    last.initialize()
    assert last.weight.shape == (4, 3, 3, 3)  # (channels, kh, kw, in_channels) here
    w = first.weight.data().asnumpy()
    last.weight.set_data(nd.array(w.transpose(0, 2, 3, 1)))
    last.bias.set_data(first.bias.data())
    y_first = first(nd.array(x)).asnumpy()
    y_last = last(nd.array(x.transpose(0, 2, 3, 1))).asnumpy()
    np.testing.assert_allclose(y_last.transpose(0, 3, 1, 2), y_first, rtol=1e-5, atol=1e-5)


def test_conv_layer_trains_its_weight_and_bias():
    layer = nn.Conv1D(2, 3, in_channels=1, activation="relu")
    layer.initialize(mx.init.One())
    x = nd.array(np.arange(6, dtype=np.float32).reshape(1, 1, 6))
    with autograd.record():
        y = layer(x)
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), [[[3, 6, 9, 12]] * 2])
    np.testing.assert_allclose(layer.weight.grad().asnumpy(), [[[6, 10, 14]]] * 2)
    np.testing.assert_allclose(layer.bias.grad().asnumpy(), [4, 4])


def test_conv_wrong_ndim_names_layer_and_shapes():
    layer = nn.Conv2D(4, 3)
    layer.initialize()
    with pytest.raises(
        MXNetError,
        match=re.escape("Conv2D layer 'conv")
        + r"\d+' expects a 4-D input of layout NCHW \(batch, channel, "
        r"height, width\), but got an input of shape \(3, 5, 5\)",
    ):
        layer(nd.ones((3, 5, 5)))


def test_conv_channel_mismatch_after_init_names_layer_and_shapes():
    layer = nn.Conv2D(4, 3)
    layer.initialize()
    layer(nd.ones((1, 3, 5, 5)))
    with pytest.raises(MXNetError) as info:
        layer(nd.ones((1, 2, 5, 5)))
    text = str(info.value)
    assert (
        "Conv2D layer '%s' (Conv2D(3 -> 4, kernel_size=(3, 3), stride=(1, 1)))" % layer.name in text
    )
    assert "the input has 2 channels (shape (1, 2, 5, 5))" in text
    assert "weight (4, 3, 3, 3) expects 3" in text


def test_conv_kernel_larger_than_padded_input():
    layer = nn.Conv2D(4, 5, padding=1, in_channels=3)
    layer.initialize()
    with pytest.raises(MXNetError) as info:
        layer(nd.ones((1, 3, 2, 2)))
    text = str(info.value)
    assert "Conv2D layer '%s'" % layer.name in text
    assert (
        "the kernel (size 5) is larger than the padded input (size 4 = 2 + 2*1) along "
        "spatial axis 0; input shape (1, 3, 2, 2)" in text
    )
    with pytest.raises(
        MXNetError,
        match=r"dilated to 5\) is larger than the padded input "
        r"\(size 4 = 4 \+ 2\*0\)",
    ):
        nd.Convolution(
            nd.ones((1, 2, 4, 4)),
            nd.ones((3, 2, 3, 3)),
            kernel=(3, 3),
            dilate=(2, 2),
            num_filter=3,
            no_bias=True,
        )


def test_conv_bad_layout_is_mxnet_error_and_assertion_error():
    with pytest.raises(
        MXNetError,
        match=r"Conv2D: layout 'NCWH' is not supported; expected "
        r"'NCHW' or 'NHWC'",
    ):
        nn.Conv2D(4, 3, layout="NCWH")
    with pytest.raises(AssertionError):  # the class MXNet raises
        nn.Conv1D(4, 3, layout="NCHW")
    with pytest.raises(MXNetError, match=r"Convolution: layout 'NCW' does not fit a 2-D kernel"):
        nd.Convolution(
            nd.ones((1, 1, 3, 3)),
            nd.ones((1, 1, 1, 1)),
            kernel=(1, 1),
            num_filter=1,
            no_bias=True,
            layout="NCW",
        )


def test_convolution_op_errors_name_the_culprit():
    x = nd.ones((1, 4, 5, 5))
    with pytest.raises(MXNetError, match=r"must both be divisible by num_group \(3\)"):
        nd.Convolution(
            x, nd.ones((6, 1, 3, 3)), kernel=(3, 3), num_filter=6, num_group=3, no_bias=True
        )
    with pytest.raises(
        MXNetError, match=r"bias must have shape \(num_filter,\) = \(2,\), got \(3,\)"
    ):
        nd.Convolution(x, nd.ones((2, 4, 3, 3)), nd.ones(3), kernel=(3, 3), num_filter=2)
    with pytest.raises(MXNetError, match=r"data is float32 but weight is float64"):
        nd.Convolution(
            x, nd.ones((2, 4, 3, 3), dtype="float64"), kernel=(3, 3), num_filter=2, no_bias=True
        )
    with pytest.raises(MXNetError, match=r"adj \(output_padding\) \(2, 2\) must be smaller"):
        nd.Deconvolution(x, nd.ones((4, 1, 3, 3)), kernel=(3, 3), adj=(2, 2), num_filter=1)


@requires_gpu
def test_convolution_gpu_matches_cpu():
    x, w, b = rand(5, 4, 9, 8), rand(6, 2, 3, 2, seed=1), rand(6, seed=2)
    kw = dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), dilate=(1, 2), num_filter=6, num_group=2)
    for dtype, tol in [("float32", 1e-4), ("float64", 1e-10)]:
        grads = []
        for ctx in [mx.cpu(), mx.gpu(0)]:
            arrays = [nd.array(a, ctx=ctx, dtype=dtype) for a in (x, w, b)]
            for a in arrays:
                a.attach_grad()
            with autograd.record():
                y = nd.Convolution(*arrays, **kw)
                z = nd.Deconvolution(
                    y,
                    arrays[1],
                    kernel=(3, 2),
                    stride=(2, 1),
                    pad=(1, 1),
                    dilate=(1, 2),
                    num_filter=4,
                    num_group=2,
                    adj=(0, 1),
                )
            z.backward()
            grads.append([y.asnumpy(), z.asnumpy()] + [a.grad.asnumpy() for a in arrays])
        for cpu_value, gpu_value in zip(*grads):
            np.testing.assert_allclose(gpu_value, cpu_value, rtol=tol, atol=tol)
