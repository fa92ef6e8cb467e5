"""GridGenerator, BilinearSampler and ROIPooling against loop references in float64
(the same definitions MXNet 1.9.1 computes; outputs were compared with it to 1e-6)."""

import math

import numpy as np
import pytest
from conftest import numeric_grad

from gluonlite import autograd, nd
from gluonlite.base import MXNetError

RNG = np.random.RandomState(1)


def _sample_reference(data, grid):
    n, c, h, w = data.shape
    out = np.zeros((n, c) + grid.shape[2:])
    for b in range(n):
        for i in range(grid.shape[2]):
            for j in range(grid.shape[3]):
                x = (grid[b, 0, i, j] + 1) * (w - 1) / 2
                y = (grid[b, 1, i, j] + 1) * (h - 1) / 2
                x0, y0 = math.floor(x), math.floor(y)
                for yy, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
                    for xx, wx in ((x0, 1 - (x - x0)), (x0 + 1, x - x0)):
                        if 0 <= xx < w and 0 <= yy < h:
                            out[b, :, i, j] += wx * wy * data[b, :, yy, xx]
    return out


def _roi_reference(data, rois, ph, pw, scale):
    def c_round(v):
        return math.floor(v + 0.5)

    n, c, h, w = data.shape
    out = np.zeros((len(rois), c, ph, pw))
    for r, (b, x1, y1, x2, y2) in enumerate(rois):
        sx, sy, ex, ey = (c_round(v * scale) for v in (x1, y1, x2, y2))
        rh, rw = max(ey - sy + 1, 1), max(ex - sx + 1, 1)
        for i in range(ph):
            hs = min(max(math.floor(i * rh / ph) + sy, 0), h)
            he = min(max(math.ceil((i + 1) * rh / ph) + sy, 0), h)
            for j in range(pw):
                ws = min(max(math.floor(j * rw / pw) + sx, 0), w)
                we = min(max(math.ceil((j + 1) * rw / pw) + sx, 0), w)
                if he > hs and we > ws:
                    out[r, :, i, j] = data[int(b), :, hs:he, ws:we].max(axis=(1, 2))
    return out


def test_grid_generator_affine_and_warp():
    theta = np.array([[1, 0, 0, 0, 1, 0], [0.5, 0.2, 0.1, -0.3, 0.8, 0.2]])
    g = nd.GridGenerator(
        nd.array(theta, dtype="float64"), transform_type="affine", target_shape=(3, 4)
    ).asnumpy()
    ys, xs = np.meshgrid(np.linspace(-1, 1, 3), np.linspace(-1, 1, 4), indexing="ij")
    for b in range(2):
        t = theta[b].reshape(2, 3)
        np.testing.assert_allclose(g[b, 0], t[0, 0] * xs + t[0, 1] * ys + t[0, 2], atol=1e-12)
        np.testing.assert_allclose(g[b, 1], t[1, 0] * xs + t[1, 1] * ys + t[1, 2], atol=1e-12)
    # MXNet 1.9.1 prints -0.59999996 for the first x of the second grid
    assert g[1, 0, 0, 0] == pytest.approx(-0.6)
    flow = RNG.randn(1, 2, 3, 4)
    gw = nd.GridGenerator(nd.array(flow, dtype="float64"), transform_type="warp").asnumpy()
    ys, xs = np.meshgrid(np.arange(3), np.arange(4), indexing="ij")
    np.testing.assert_allclose(gw[0, 0], (xs + flow[0, 0]) * 2 / 3 - 1, atol=1e-12)
    np.testing.assert_allclose(gw[0, 1], (ys + flow[0, 1]) * 2 / 2 - 1, atol=1e-12)
    with pytest.raises(MXNetError, match="transform_type must be 'affine' or 'warp'"):
        nd.GridGenerator(nd.ones((1, 6)), transform_type="perspective", target_shape=(2, 2))


def test_bilinear_sampler_matches_the_loop_reference_inside_and_outside():
    data = RNG.randn(2, 3, 5, 6)
    grid = RNG.uniform(-1.3, 1.3, (2, 2, 4, 5))  # some points fall outside: zeros there
    got = nd.BilinearSampler(nd.array(data, dtype="float64"), nd.array(grid, dtype="float64"))
    np.testing.assert_allclose(got.asnumpy(), _sample_reference(data, grid), atol=1e-12)


def test_bilinear_sampler_gradients_in_data_and_grid():
    data = RNG.randn(1, 2, 3, 4)
    grid = RNG.uniform(-0.9, 0.9, (1, 2, 2, 3))
    w = RNG.randn(1, 2, 2, 3)
    d, g = nd.array(data, dtype="float64"), nd.array(grid, dtype="float64")
    d.attach_grad()
    g.attach_grad()
    with autograd.record():
        y = nd.BilinearSampler(d, g)
    y.backward(nd.array(w, dtype="float64"))
    num_d = numeric_grad(lambda v: float((_sample_reference(v, grid) * w).sum()), data)
    num_g = numeric_grad(lambda v: float((_sample_reference(data, v) * w).sum()), grid)
    np.testing.assert_allclose(d.grad.asnumpy(), num_d, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(g.grad.asnumpy(), num_g, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("pooled,scale", [((2, 3), 1.0), ((2, 2), 0.5), ((3, 3), 2.0)])
def test_roi_pooling_matches_the_loop_reference(pooled, scale):
    data = RNG.randn(2, 3, 5, 6)
    rois = np.array([[0, 0, 0, 4, 3], [1, 1, 1, 5, 4], [0, 2.2, 1.5, 3.7, 4.1], [1, 9, 9, 12, 12]])
    got = nd.ROIPooling(
        nd.array(data, dtype="float64"), nd.array(rois), pooled_size=pooled, spatial_scale=scale
    ).asnumpy()
    np.testing.assert_allclose(got, _roi_reference(data, rois, *pooled, scale))


def test_roi_pooling_gradient_goes_to_the_max_positions():
    data = RNG.randn(1, 1, 4, 4)
    rois = np.array([[0, 0, 0, 3, 3]])
    x = nd.array(data, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = nd.ROIPooling(x, nd.array(rois), pooled_size=(2, 2), spatial_scale=1.0)
    y.backward()
    expected = np.zeros((4, 4))
    for i in range(2):
        for j in range(2):
            block = data[0, 0, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            a, b = np.unravel_index(block.argmax(), block.shape)
            expected[2 * i + a, 2 * j + b] = 1
    np.testing.assert_array_equal(x.grad.asnumpy()[0, 0], expected)
    with pytest.raises(MXNetError, match="roi 0 has batch index 3"):
        nd.ROIPooling(x, nd.array([[3, 0, 0, 1, 1]]), pooled_size=(1, 1), spatial_scale=1.0)
