"""CTC loss (nd.CTCLoss, gluon.loss.CTCLoss) and gluon.loss.SDMLLoss."""

import math

import numpy as np
import pytest
from conftest import numeric_grad

import gluonlite as mx
from gluonlite import autograd, gluon, nd
from gluonlite.base import MXNetError


def _ctc_reference(logits, labels, blank):
    """-log p(labels) by enumerating every alignment (tiny sizes only), float64."""
    t, c = logits.shape
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    total = -math.inf
    for path in np.ndindex(*([c] * t)):
        collapsed, prev = [], None
        for k in path:
            if k != prev and k != blank:
                collapsed.append(k)
            prev = k
        if collapsed == list(labels):
            total = np.logaddexp(total, sum(logp[i, k] for i, k in enumerate(path)))
    return -total


def test_ctc_matches_brute_force_enumeration_and_its_gradient_finite_differences():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((5, 2, 3))  # T=5, N=2, C=3
    labels = np.array([[1, 2], [1, 1]])  # blank_label='first': 0 is the blank
    got = nd.CTCLoss(nd.array(a, dtype="float64"), nd.array(labels)).asnumpy()
    for n in range(2):
        assert got[n] == pytest.approx(_ctc_reference(a[:, n], labels[n], 0), rel=1e-9)

    def f(v):
        return float(nd.CTCLoss(nd.array(v, dtype="float64"), nd.array(labels)).asnumpy().sum())

    x = nd.array(a, dtype="float64")
    x.attach_grad()
    with autograd.record():
        loss = nd.CTCLoss(x, nd.array(labels))
    loss.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), numeric_grad(f, a), rtol=1e-6, atol=1e-8)


def test_ctc_values_recorded_from_mxnet():
    rng = np.random.RandomState(0)
    a = rng.randn(6, 2, 5).astype("float32")
    x = nd.array(a)
    np.testing.assert_allclose(
        nd.CTCLoss(x, nd.array([[1, 2, 0], [3, 3, 1]])).asnumpy(),
        [8.207250595092773, 7.666749477386475],
        rtol=1e-5,
    )
    got = nd.CTCLoss(
        x,
        nd.array([[1, 2, 0], [3, 3, 1]]),
        nd.array([4, 6]),
        nd.array([1, 3]),
        use_data_lengths=True,
        use_label_lengths=True,
    ).asnumpy()
    np.testing.assert_allclose(got, [4.3346052169799805, 7.666749477386475], rtol=1e-5)
    got = nd.ctc_loss(x, nd.array([[0, 1, 2], [2, 3, 3]]), blank_label="last").asnumpy()
    np.testing.assert_allclose(got, [6.477566242218018, 8.595251083374023], rtol=1e-5)


def test_gluon_ctc_loss_layouts_and_lengths_from_mxnet_tests():
    expected = [18.82820702, 16.50581741]
    loss = gluon.loss.CTCLoss()
    np.testing.assert_allclose(
        loss(nd.ones((2, 20, 4)), nd.array([[1, 0, -1, -1], [2, 1, 1, -1]])).asnumpy(),
        expected,
        rtol=1e-6,
    )
    loss = gluon.loss.CTCLoss(layout="TNC", label_layout="TN")
    got = loss(nd.ones((20, 2, 4)), nd.array([[1, 0, -1, -1], [2, 1, 1, -1]]).T).asnumpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    loss = gluon.loss.CTCLoss()
    got = loss(
        nd.ones((2, 25, 4)),
        nd.array([[2, 1, 3, 3], [3, 2, 2, 3]]),
        nd.array([20, 20]),
        nd.array([2, 3]),
    ).asnumpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_ctc_errors_name_the_problem():
    with pytest.raises(MXNetError, match=r"sample 0 has label 7 outside \[0, 4\)"):
        nd.CTCLoss(nd.ones((3, 1, 4)), nd.array([[7, 1]]))
    with pytest.raises(MXNetError, match="blank_label must be"):
        nd.CTCLoss(nd.ones((3, 1, 4)), nd.array([[1]]), blank_label="middle")
    with pytest.raises(MXNetError, match="layout must be"):
        gluon.loss.CTCLoss(layout="NCT")


def test_sdml_loss_trains_aligned_pairs_together():
    mx.random.seed(0)
    data = nd.random.uniform(-1, 1, shape=(5, 10))
    pos = data + nd.random.uniform(-0.1, 0.1, shape=(5, 10))
    loss_fn = gluon.loss.SDMLLoss()
    model = gluon.nn.Dense(10, activation="tanh")
    model.initialize(mx.init.Xavier())
    trainer = gluon.Trainer(model.collect_params(), "adam", {"learning_rate": 0.1})
    first = None
    for _ in range(20):
        with autograd.record():
            loss = loss_fn(model(data), model(pos))
        loss.backward()
        trainer.step(1)
        first = loss.mean().asscalar() if first is None else first
    assert loss.mean().asscalar() < 0.05 < first
    with pytest.raises(MXNetError, match="same shape"):
        loss_fn(nd.ones((3, 2)), nd.ones((2, 2)))


def test_sdml_loss_value_recorded_from_mxnet():
    a = np.arange(12).reshape(3, 4) / 10.0
    got = gluon.loss.SDMLLoss()(nd.array(a), nd.array(a[::-1] * 0.5)).asnumpy()
    # float32 in both: the sums run in another order, hence a few ulps apart
    np.testing.assert_allclose(
        got, [0.4345952868461609, 0.284176766872406, 1.2458415031433105], rtol=3e-5
    )
