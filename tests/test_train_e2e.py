"""End-to-end training with Trainer, losses, DataLoader and metrics; gluon.utils helpers;
the main example (examples/train_digits.py)."""

import time
import warnings

import numpy as np
import pytest
from conftest import requires_gpu, run_example, run_example_asking_for_a_gpu

import gluonlite as mx
from gluonlite import autograd, gluon, nd
from gluonlite.gluon.utils import clip_global_norm, split_and_load, split_data


def test_linear_regression_recovers_the_true_parameters():
    # d2l's synthetic data: MXNet 1.9.1 reached w=[2.000, -3.400], b=4.199 in 3 epochs.
    rng = np.random.RandomState(0)
    true_w, true_b = np.array([2, -3.4]), 4.2
    features = rng.normal(0, 1, (1000, 2)).astype(np.float32)
    labels = (features @ true_w + true_b + rng.normal(0, 0.01, 1000)).astype(np.float32)
    np.random.seed(1)
    mx.random.seed(1)
    loader = gluon.data.DataLoader(
        gluon.data.ArrayDataset(features, labels), batch_size=10, shuffle=True
    )
    net = gluon.nn.Sequential()
    net.add(gluon.nn.Dense(1))
    net.initialize(mx.init.Normal(sigma=0.01))
    loss = gluon.loss.L2Loss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.03})
    epoch_losses = []
    for _ in range(3):
        for x, y in loader:
            with autograd.record():
                batch_loss = loss(net(x), y)
            batch_loss.backward()
            trainer.step(10)
        epoch_losses.append(
            float(loss(net(nd.array(features)), nd.array(labels)).mean().asscalar())
        )
    np.testing.assert_allclose(net[0].weight.data().asnumpy().ravel(), true_w, atol=5e-3)
    np.testing.assert_allclose(net[0].bias.data().asnumpy(), [true_b], atol=5e-3)
    assert epoch_losses[-1] < 1e-4


def test_classifier_loss_falls_and_accuracy_rises():
    rng = np.random.RandomState(3)
    centers = rng.normal(0, 3, (4, 8))
    labels = rng.randint(0, 4, 400)
    features = (centers[labels] + rng.normal(0, 1, (400, 8))).astype(np.float32)
    np.random.seed(0)
    mx.random.seed(0)
    loader = gluon.data.DataLoader(
        gluon.data.ArrayDataset(features, labels), batch_size=32, shuffle=True, last_batch="discard"
    )
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dense(16, activation="relu"), gluon.nn.Dense(4))
    net.initialize(mx.init.Xavier())
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})
    mean_loss, accuracy = mx.metric.Loss(), mx.metric.Accuracy()
    history = []
    for _ in range(5):
        mean_loss.reset()
        accuracy.reset()
        for x, y in loader:
            with autograd.record():
                out = net(x)
                loss = loss_fn(out, y)
            loss.backward()
            trainer.step(x.shape[0])
            mean_loss.update(None, loss)
            accuracy.update(y, out)
        history.append((mean_loss.get()[1], accuracy.get()[1]))
    losses = [h[0] for h in history]
    assert all(a > b for a, b in zip(losses, losses[1:])), losses
    assert losses[-1] < 0.5 * losses[0]
    assert history[-1][1] > 0.95


# ---- gluon.utils ---------------------------------------------------------------------------


def test_clip_global_norm_scales_to_the_limit_and_returns_the_norm():
    a, b = nd.array([[3.0, 4.0], [0.0, 0.0]]), nd.array([12.0])
    norm = clip_global_norm([a, b], 1.0)
    assert norm == pytest.approx(13.0)
    joint = np.sqrt((a.asnumpy() ** 2).sum() + (b.asnumpy() ** 2).sum())
    assert joint == pytest.approx(1.0, rel=1e-6)
    np.testing.assert_allclose(a.asnumpy(), [[3 / 13, 4 / 13], [0, 0]], rtol=1e-6)
    small = nd.array([0.3, 0.4], dtype="float64")
    lazy = clip_global_norm([small], 100.0, check_isfinite=False)  # under the limit: untouched
    assert isinstance(lazy, nd.NDArray) and lazy.asscalar() == pytest.approx(0.5)
    np.testing.assert_allclose(small.asnumpy(), [0.3, 0.4], rtol=1e-12)


def test_clip_global_norm_warns_on_non_finite_norm():
    bad = nd.array([np.inf, 1.0])
    with pytest.warns(
        UserWarning, match="nan or inf is detected. Clipping results will be undefined."
    ):
        norm = clip_global_norm([bad], 1.0)
    assert np.isinf(norm)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clip_global_norm([nd.array([np.nan])], 1.0, check_isfinite=False)


def test_split_data_even_and_uneven():
    parts = split_data(nd.arange(10), 3, even_split=False)  # extras go to the first slices
    assert [p.asnumpy().tolist() for p in parts] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert [p.shape for p in split_data(nd.arange(2), 3, even_split=False)] == [(1,), (1,), (0,)]
    assert [p.shape for p in split_data(nd.ones((2, 6)), 3, batch_axis=1)] == [(2, 2)] * 3
    with pytest.raises(
        ValueError,
        match=r"data with shape \(10,\) cannot be evenly split into 3 "
        r"slices along axis 0. Use a batch size that's multiple "
        r"of 3 or set even_split=False",
    ):
        split_data(nd.arange(10), 3)


def test_split_and_load_places_slices_on_each_context():
    parts = split_and_load(np.arange(4), [mx.cpu(0), mx.cpu(1)])
    assert [p.context for p in parts] == [mx.cpu(0), mx.cpu(1)]
    assert [p.asnumpy().tolist() for p in parts] == [[0, 1], [2, 3]]
    single = split_and_load(nd.arange(4), [mx.cpu(0)])
    assert len(single) == 1 and single[0].shape == (4,)


@requires_gpu
def test_split_and_load_onto_a_gpu():
    parts = split_and_load(nd.arange(4), [mx.cpu(0), mx.gpu(0)])
    assert parts[1].context == mx.gpu(0) and parts[1].asnumpy().tolist() == [2, 3]


# ---- the main example ----------------------------------------------------------------------


def _run_example(*args):
    return run_example("train_digits.py", *args, needs=("sklearn", "tqdm", "matplotlib"))


def test_train_digits_example_reaches_95_percent_and_reloads(tmp_path):
    start = time.perf_counter()
    result = _run_example("--out-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    final = [line for line in result.stdout.splitlines() if line.startswith("final")][0]
    accuracy = float(final.split("final test accuracy ")[1].split("%")[0])
    assert accuracy >= 95.0, result.stdout
    assert "reloaded net test acc" in result.stdout
    assert (tmp_path / "digits_mlp.params").stat().st_size > 0
    png = (tmp_path / "digits_training.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert time.perf_counter() - start < 60


def test_train_digits_gpu_request_without_gpu_exits_clearly(tmp_path):
    run_example_asking_for_a_gpu(
        "train_digits.py", tmp_path, needs=("sklearn", "tqdm", "matplotlib")
    )
