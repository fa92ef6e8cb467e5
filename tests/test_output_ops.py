"""SoftmaxOutput (Softmax) and the regression outputs: forward values and the special
backward (the loss gradient, ignoring the head gradient) against MXNet 1.9.1
(tests/data/make_rnn_op_fixtures.py) and numpy, and errors."""

import json
import os

import numpy as np
import pytest
from conftest import requires_gpu

import gluonlite as mx
from gluonlite import autograd, nd
from gluonlite.base import MXNetError

FIXTURES = np.load(os.path.join(os.path.dirname(__file__), "data", "rnn_op_fixtures.npz"))
CASES = json.loads(str(FIXTURES["output_cases"]))


def fixture(case, key):
    return FIXTURES["out/%s/%s" % (case["name"], key)]


def run(op, data, label, head=None, dtype="float32", **kwargs):
    """(output, data.grad, label.grad) of ``op`` under record, then backward(head)."""
    x = nd.array(data, dtype=dtype)
    lab = nd.array(label, dtype=dtype)
    x.attach_grad()
    lab.attach_grad()
    with autograd.record():
        y = getattr(nd, op)(x, lab, **kwargs)
    y.backward(None if head is None else nd.array(head, dtype=dtype))
    return y.asnumpy(), x.grad.asnumpy(), lab.grad.asnumpy()


def softmax(a, axis):
    e = np.exp(a - a.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_forward_and_gradient_match_mxnet(case):
    data, label = fixture(case, "data"), fixture(case, "label")
    head = np.random.RandomState(0).uniform(-3, 3, data.shape)  # ignored by these ops
    out, grad, label_grad = run(case["op"], data, label, head=head, **case["kwargs"])
    np.testing.assert_allclose(out, fixture(case, "output"), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(grad, fixture(case, "grad"), rtol=1e-5, atol=1e-7)
    assert label_grad.shape == label.shape and not label_grad.any()


def test_the_fixtures_cover_the_documented_cases():
    kwargs = [c["kwargs"] for c in CASES]
    assert {k.get("normalization", "null") for k in kwargs} == {"null", "batch", "valid"}
    for flag in ["use_ignore", "multi_output", "preserve_shape", "out_grad"]:
        assert any(k.get(flag) for k in kwargs), flag
    assert any("grad_scale" in k for k in kwargs)
    assert any("smooth_alpha" in k for k in kwargs)
    assert {c["op"] for c in CASES} == {
        "SoftmaxOutput",
        "LinearRegressionOutput",
        "LogisticRegressionOutput",
        "MAERegressionOutput",
    }


# ---- SoftmaxOutput against numpy ---------------------------------------------------------


def test_softmax_output_gradient_is_output_minus_onehot_whatever_the_head():
    rng = np.random.RandomState(1)
    data = rng.randn(4, 5)
    label = np.array([1, 0, 3, 4.0])
    want = softmax(data, 1) - np.eye(5)[label.astype(int)]
    for head in (None, rng.randn(4, 5) * 10):
        out, grad, _ = run("SoftmaxOutput", data, label, head=head, dtype="float64")
        np.testing.assert_allclose(out, softmax(data, 1), rtol=1e-12)
        np.testing.assert_allclose(grad, want, rtol=1e-12, atol=1e-15)


def test_softmax_output_documented_example_with_ignore_label():
    # the example of MXNet's documentation: the first row's label is ignored
    data = np.array([[1, 2, 3, 4], [2, 2, 2, 2], [3, 3, 3, 3], [4, 4, 4, 4.0]])
    out, grad, _ = run(
        "SoftmaxOutput",
        data,
        np.array([1, 0, 2, 3.0]),
        multi_output=True,
        use_ignore=True,
        ignore_label=1,
    )
    np.testing.assert_allclose(out[0], [0.0320586, 0.08714432, 0.23688284, 0.64391428], 1e-6)
    np.testing.assert_allclose(out[1:], 0.25)
    np.testing.assert_allclose(
        grad,
        [
            [0, 0, 0, 0],
            [-0.75, 0.25, 0.25, 0.25],
            [0.25, 0.25, -0.75, 0.25],
            [0.25, 0.25, 0.25, -0.75],
        ],
    )


@pytest.mark.parametrize(
    "normalization,use_ignore,factor",
    [
        ("null", False, [2, 2, 2, 2]),
        ("null", True, [2, 0, 2, 0]),
        ("batch", False, [0.5, 0.5, 0.5, 0.5]),  # grad_scale / batch size
        ("batch", True, [0.5, 0, 0.5, 0]),
        ("valid", False, [1, 1, 1, 1]),  # grad_scale / labels not equal to ignore_label
        ("valid", True, [1, 0, 1, 0]),
    ],
)
def test_softmax_output_normalization_and_ignore(normalization, use_ignore, factor):
    rng = np.random.RandomState(2)
    data = rng.randn(4, 5)
    label = np.array([1, -1, 3, -1.0])  # -1 is out of range: no class is subtracted
    onehot = np.zeros((4, 5))
    onehot[0, 1] = onehot[2, 3] = 1
    want = (softmax(data, 1) - onehot) * np.array(factor)[:, None]
    _, grad, _ = run(
        "SoftmaxOutput",
        data,
        label,
        dtype="float64",
        grad_scale=2.0,
        normalization=normalization,
        use_ignore=use_ignore,
    )
    np.testing.assert_allclose(grad, want, rtol=1e-12, atol=1e-15)


def test_softmax_output_valid_with_every_label_ignored_divides_by_one():
    data = np.random.RandomState(3).randn(2, 3)
    _, grad, _ = run("SoftmaxOutput", data, [-1.0, -1.0], dtype="float64", normalization="valid")
    np.testing.assert_allclose(grad, softmax(data, 1), rtol=1e-12)
    _, grad, _ = run("SoftmaxOutput", data, [-1.0, -1.0], normalization="valid", use_ignore=True)
    assert not grad.any()


def test_softmax_output_compares_labels_by_their_integer_part():
    data = np.random.RandomState(4).randn(4, 3)
    # 1.5 and 1.0 both count as class 1 = ignore_label; 0.9 is class 0
    _, grad, _ = run(
        "SoftmaxOutput",
        data,
        [1.5, 1.0, 0.9, 2.0],
        dtype="float64",
        use_ignore=True,
        ignore_label=1,
        normalization="valid",
    )
    want = (softmax(data, 1) - np.eye(3)[[1, 1, 0, 2]]) / 2
    want[:2] = 0
    np.testing.assert_allclose(grad, want, rtol=1e-12, atol=1e-15)


def test_softmax_output_multi_output_normalizes_by_spatial_size():
    rng = np.random.RandomState(5)
    data = rng.randn(3, 2, 5)
    label = rng.randint(0, 2, (3, 5)).astype(float)
    onehot = np.moveaxis(np.eye(2)[label.astype(int)], -1, 1)
    base = softmax(data, 1) - onehot
    for normalization, divisor in [("null", 5), ("batch", 15), ("valid", 15)]:
        out, grad, _ = run(
            "SoftmaxOutput",
            data,
            label,
            dtype="float64",
            multi_output=True,
            normalization=normalization,
            smooth_alpha=0.3,  # no effect with multi_output
        )
        np.testing.assert_allclose(out, softmax(data, 1), rtol=1e-12)
        np.testing.assert_allclose(grad, base / divisor, rtol=1e-12, atol=1e-15)


def test_softmax_output_preserve_shape_uses_the_last_axis():
    rng = np.random.RandomState(6)
    data = rng.randn(2, 3, 4)
    label = rng.randint(0, 4, (2, 3)).astype(float)
    out, grad, _ = run(
        "SoftmaxOutput", data, label, dtype="float64", preserve_shape=True, normalization="batch"
    )
    np.testing.assert_allclose(out, softmax(data, -1), rtol=1e-12)
    want = (softmax(data, -1) - np.eye(4)[label.astype(int)]) / 6
    np.testing.assert_allclose(grad, want, rtol=1e-12, atol=1e-15)


def test_softmax_output_default_flattens_each_instance():
    data = np.random.RandomState(7).randn(2, 3, 4)
    out = nd.SoftmaxOutput(nd.array(data), nd.zeros((2, 3))).asnumpy()
    np.testing.assert_allclose(out, softmax(data.reshape(2, -1), 1).reshape(2, 3, 4), rtol=1e-5)


def test_softmax_output_label_smoothing():
    rng = np.random.RandomState(8)
    data = rng.randn(2, 3)
    _, grad, _ = run("SoftmaxOutput", data, [1.0, 7.0], dtype="float64", smooth_alpha=0.2)
    target = np.array([[0.1, 0.8, 0.1], [0.1, 0.1, 0.1]])  # 7 is no class: all get alpha/2
    np.testing.assert_allclose(grad, softmax(data, 1) - target, rtol=1e-12, atol=1e-15)


def test_softmax_output_probability_label_is_not_normalized():
    rng = np.random.RandomState(9)
    data, prob = rng.randn(3, 4), rng.rand(3, 4)
    _, grad, _ = run(
        "SoftmaxOutput", data, prob, dtype="float64", grad_scale=3.0, normalization="batch"
    )
    np.testing.assert_allclose(grad, (softmax(data, 1) - prob) * 3, rtol=1e-12, atol=1e-15)


def test_softmax_output_out_grad_multiplies_by_the_output():
    # MXNet 1.9.1 (recorded): out_grad=True scales by the softmax output, not the head
    rng = np.random.RandomState(10)
    data = rng.randn(3, 4)
    label = np.array([0, 3, 1.0])
    _, grad, _ = run(
        "SoftmaxOutput", data, label, head=rng.randn(3, 4), dtype="float64", out_grad=True
    )
    sm = softmax(data, 1)
    np.testing.assert_allclose(grad, (sm - np.eye(4)[[0, 3, 1]]) * sm, rtol=1e-12, atol=1e-15)


def test_softmax_is_softmax_output():
    assert nd.Softmax is nd.SoftmaxOutput
    data = np.random.RandomState(11).randn(2, 3)
    np.testing.assert_allclose(
        nd.Softmax(nd.array(data), nd.array([0, 1])).asnumpy(), softmax(data, 1), rtol=1e-5
    )


def test_softmax_output_without_recording_is_a_plain_softmax():
    data = np.random.RandomState(12).randn(2, 3)
    out = nd.zeros((2, 3))
    assert nd.SoftmaxOutput(nd.array(data), nd.array([0, 1]), out=out) is out
    np.testing.assert_allclose(out.asnumpy(), softmax(data, 1), rtol=1e-5)


def test_softmax_output_integer_labels_are_accepted():
    data = np.random.RandomState(13).randn(2, 3)
    x = nd.array(data)
    x.attach_grad()
    with autograd.record():
        y = nd.SoftmaxOutput(x, nd.array([2, 0], dtype="int32"))
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), softmax(data, 1) - np.eye(3)[[2, 0]], 1e-5)


def test_softmax_output_inside_a_graph_passes_its_gradient_upstream():
    rng = np.random.RandomState(14)
    w = nd.array(rng.randn(3, 4))
    x = nd.array(rng.randn(2, 4))
    w.attach_grad()
    with autograd.record():
        y = nd.SoftmaxOutput(nd.dot(x, w, transpose_b=True), nd.array([1, 2]))
    y.backward()
    logits = x.asnumpy() @ w.asnumpy().T
    dz = softmax(logits, 1) - np.eye(3)[[1, 2]]
    np.testing.assert_allclose(w.grad.asnumpy(), dz.T @ x.asnumpy(), rtol=1e-5, atol=1e-6)


# ---- regression outputs against numpy ----------------------------------------------------


@pytest.mark.parametrize(
    "op,forward,error",
    [
        ("LinearRegressionOutput", lambda x: x, lambda o, y: o - y),
        ("LogisticRegressionOutput", lambda x: 1 / (1 + np.exp(-x)), lambda o, y: o - y),
        ("MAERegressionOutput", lambda x: x, lambda o, y: np.where(o > y, 1.0, -1.0)),
    ],
)
def test_regression_output_gradient_is_scaled_by_outputs_per_instance(op, forward, error):
    rng = np.random.RandomState(15)
    data, label = rng.randn(2, 3, 5), rng.randn(2, 3, 5)
    out, grad, label_grad = run(
        op, data, label, head=rng.randn(2, 3, 5), dtype="float64", grad_scale=3.0
    )
    np.testing.assert_allclose(out, forward(data), rtol=1e-12)
    np.testing.assert_allclose(grad, error(forward(data), label) * 3.0 / 15, rtol=1e-12)
    assert not label_grad.any()


def test_mae_regression_output_counts_a_tie_as_minus_one():
    _, grad, _ = run("MAERegressionOutput", [[0.0, 1, 2, 3]], [[0.0, 1, 3, 2]])
    np.testing.assert_array_equal(grad, [[-0.25, -0.25, -0.25, 0.25]])


def test_regression_output_labels_may_differ_by_trailing_ones():
    for dshape, lshape in [((3, 1), (3,)), ((3,), (3, 1)), ((3, 4, 1), (3, 4)), ((3,), (3, 1, 1))]:
        data, label = np.arange(12.0)[: int(np.prod(dshape))], np.zeros(int(np.prod(lshape)))
        out, grad, label_grad = run(
            "LinearRegressionOutput", data.reshape(dshape), label.reshape(lshape)
        )
        assert out.shape == grad.shape == dshape and label_grad.shape == lshape
        per_instance = int(np.prod(dshape[1:]))
        np.testing.assert_allclose(grad.reshape(-1), data / per_instance)


# ---- errors ------------------------------------------------------------------------------


def test_softmax_output_bad_label_shape_says_what_fits():
    with pytest.raises(MXNetError) as info:
        nd.SoftmaxOutput(nd.ones((3, 4)), nd.ones((2,)))
    assert str(info.value) == (
        "SoftmaxOutput: label has shape (2,) but data of shape (3, 4) needs a label of shape "
        "(3,) (class indices (data's shape without its last axis)) or (3, 4) (probabilities)"
    )
    with pytest.raises(MXNetError, match=r"needs a label of shape \(2, 4\) \(\(batch, spatial"):
        nd.SoftmaxOutput(nd.ones((2, 3, 4)), nd.ones((2, 3)), multi_output=True)


def test_output_ops_bad_arguments_raise_naming_them():
    x = nd.ones((2, 3))
    with pytest.raises(
        MXNetError,
        match=r"^SoftmaxOutput: normalization must be 'batch', "
        r"'null' or 'valid', got 'foo'$",
    ):
        nd.SoftmaxOutput(x, nd.ones((2,)), normalization="foo")
    with pytest.raises(MXNetError, match=r"^SoftmaxOutput: required input 'label' is missing$"):
        nd.SoftmaxOutput(x)
    with pytest.raises(MXNetError, match=r"^LinearRegressionOutput: label must be an NDArray, "):
        nd.LinearRegressionOutput(x, [1, 2])
    with pytest.raises(MXNetError) as info:
        nd.MAERegressionOutput(x, nd.ones((3, 2)))
    assert str(info.value) == (
        "MAERegressionOutput: label has shape (3, 2) but data has shape (2, 3); they must be "
        "equal (up to trailing axes of size 1)"
    )
    with pytest.raises(
        MXNetError,
        match=r"Cannot find argument 'grad_scal'.*in operator "
        r"LogisticRegressionOutput",
    ):
        nd.LogisticRegressionOutput(x, x, grad_scal=2)
    with pytest.raises(MXNetError, match=r"Cannot find argument 'axis'.*smooth_alpha"):
        nd.Softmax(x, nd.ones((2,)), axis=1)


# ---- GPU ---------------------------------------------------------------------------------


@requires_gpu
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_output_ops_on_gpu_match_mxnet(case):
    ctx = mx.gpu(0)
    x = nd.array(fixture(case, "data"), ctx=ctx)
    lab = nd.array(fixture(case, "label"), ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = getattr(nd, case["op"])(x, lab, **case["kwargs"])
    y.backward()
    assert y.context == ctx and x.grad.context == ctx
    np.testing.assert_allclose(y.asnumpy(), fixture(case, "output"), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), fixture(case, "grad"), rtol=1e-5, atol=1e-6)
