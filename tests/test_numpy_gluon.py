"""Gluon in NumPy mode (``npx.set_np()``): parameters, blocks, losses, metrics, Trainer,
DataLoader and parameter files over ``mx.np.ndarray``, against MXNet 1.9.1's recorded
behaviour (probed with ``from mxnet import np, npx; npx.set_np()``) and numpy values."""

import warnings

import numpy as onp
import pytest

import gluonlite as mx
from gluonlite import autograd, gluon, init, np, npx
from gluonlite.gluon import nn
from gluonlite.numpy import ndarray as np_ndarray


@pytest.fixture
def np_mode():
    npx.set_np()
    try:
        yield
    finally:
        npx.reset_np()


def _x4d():
    return np.arange(2 * 3 * 6 * 6).reshape(2, 3, 6, 6) / 100.0


# --------------------------------------------------------------------------- parameters
def test_parameters_hold_np_arrays_after_deferred_init(np_mode):
    net = nn.Dense(2)
    net.initialize(init.Constant(0.5))
    x = np.ones((2, 3))
    with autograd.record():
        y = net(x)
    y.backward()
    w = net.weight
    assert type(w.data()) is np_ndarray
    assert type(w.grad()) is np_ndarray
    assert all(type(a) is np_ndarray for a in w.list_data() + w.list_grad())
    assert w.shape == (2, 3)
    onp.testing.assert_array_equal(w.data().asnumpy(), onp.full((2, 3), 0.5))
    onp.testing.assert_array_equal(w.grad().asnumpy(), onp.full((2, 3), 2.0))  # sum over batch
    assert type(y) is np_ndarray
    onp.testing.assert_allclose(y.asnumpy(), onp.full((2, 2), 1.5))


def test_set_data_accepts_np_arrays_before_and_after_init(np_mode):
    net = nn.Dense(2)
    net.initialize()
    net.weight.set_data(np.arange(6).reshape(2, 3) / 4)  # deferred: the initial value
    y = net(np.ones((1, 3)))
    onp.testing.assert_allclose(y.asnumpy(), [[0.75, 3.0]])
    net.bias.set_data(np.array([0.5, -1.0]))
    assert type(net.bias.data()) is np_ndarray
    onp.testing.assert_allclose(net(np.ones((1, 3))).asnumpy(), [[1.25, 2.0]])  # MXNet's output


def test_nd_mode_is_unchanged_after_reset():
    npx.set_np()
    npx.reset_np()
    net = nn.Dense(2, in_units=3)
    net.initialize()
    out = net(mx.nd.ones((1, 3)))
    assert type(out) is mx.nd.NDArray and type(net.weight.data()) is mx.nd.NDArray


# --------------------------------------------------------------------------- blocks
class _SumRelu(nn.HybridBlock):
    """d2l style: ``F.np`` / ``F.npx`` inside ``hybrid_forward``."""

    def hybrid_forward(self, F, x):
        return F.npx.relu(F.np.sum(x, axis=1)) * 2


def test_custom_hybrid_forward_uses_F_np_and_F_npx(np_mode):
    x = np.array([[1.0, -3.0, 1.0], [2.0, 0.5, 0.25]])
    x.attach_grad()
    with autograd.record():
        y = _SumRelu()(x)
    y.backward()
    assert type(y) is np_ndarray
    onp.testing.assert_allclose(y.asnumpy(), [0.0, 5.5])
    onp.testing.assert_allclose(x.grad.asnumpy(), [[0, 0, 0], [2, 2, 2]])
    assert mx.nd.np is np and mx.nd.npx is npx  # F is nd, as MXNet's F is mx.ndarray


# (block, output shape, sum of the output) recorded from MXNet 1.9.1 in NumPy mode, with
# initialize(init.Constant(0.1)) on x = np.arange(216).reshape(2, 3, 6, 6) / 100
_LAYERS = [
    (lambda: nn.Conv2D(4, 3), (2, 4, 4, 4), 371.52001953125),
    (lambda: nn.BatchNorm(), (2, 3, 6, 6), 232.19883728027344),
    (lambda: nn.Dropout(0.5), (2, 3, 6, 6), 232.1999969482422),
    (lambda: nn.MaxPool2D(), (2, 3, 3, 3), 59.939998626708984),
    (lambda: nn.AvgPool2D(), (2, 3, 3, 3), 58.04999923706055),
    (lambda: nn.GlobalAvgPool2D(), (2, 3, 1, 1), 6.449999809265137),
    (lambda: nn.Flatten(), (2, 108), 232.1999969482422),
    (lambda: nn.Activation("relu"), (2, 3, 6, 6), 232.1999969482422),
    (lambda: nn.LeakyReLU(0.1), (2, 3, 6, 6), 232.1999969482422),
]


@pytest.mark.parametrize("make,shape,total", _LAYERS, ids=[str(i) for i in range(len(_LAYERS))])
def test_layers_take_and_return_np_arrays(np_mode, make, shape, total):
    block = make()
    with warnings.catch_warnings():  # BatchNorm warns that its own inits take precedence
        warnings.simplefilter("ignore")
        block.initialize(init.Constant(0.1))
    y = block(_x4d())
    assert type(y) is np_ndarray and y.shape == shape
    assert float(y.sum()) == pytest.approx(total, rel=1e-5)
    with autograd.record():
        y = block(_x4d())
    assert type(y) is np_ndarray and y.shape == shape


def test_embedding_and_sequentials_return_np_arrays(np_mode):
    emb = nn.Embedding(5, 3)
    emb.initialize(init.Constant(0.2))
    y = emb(np.array([1, 2, 4]))
    assert type(y) is np_ndarray and y.shape == (3, 3)
    onp.testing.assert_allclose(y.asnumpy(), onp.full((3, 3), 0.2), rtol=1e-6)
    seq = nn.Sequential()
    seq.add(nn.Dense(2))
    seq.initialize(init.One())
    assert type(seq(np.ones((2, 2)))) is np_ndarray
    hs = nn.HybridSequential()
    hs.add(nn.Dense(4, activation="relu"), nn.Dense(3))
    hs.initialize(init.Constant(0.1))
    out = hs(np.ones((4, 5)))
    assert type(out) is np_ndarray
    onp.testing.assert_allclose(out.asnumpy(), onp.full((4, 3), 0.2), rtol=1e-5)  # MXNet's
    hs.hybridize()
    again = hs(np.ones((4, 5)))
    assert type(again) is np_ndarray
    onp.testing.assert_allclose(again.asnumpy(), out.asnumpy())


# --------------------------------------------------------------------------- losses, metric
def test_losses_return_np_arrays_with_mxnet_values(np_mode):
    pred = np.full((4, 3), 0.2)
    label = np.array([0, 1, 2, 1])
    cases = [
        (gluon.loss.L2Loss(), np.ones((4, 3)), 0.32000002),
        (gluon.loss.L1Loss(), np.ones((4, 3)), 0.8),
        (gluon.loss.SoftmaxCrossEntropyLoss(), label, onp.log(3.0)),
        (gluon.loss.SigmoidBinaryCrossEntropyLoss(), np.ones((4, 3)), 0.59813887),
    ]
    for loss_fn, target, value in cases:
        loss = loss_fn(pred, target)
        assert type(loss) is np_ndarray and loss.shape == (4,), type(loss_fn).__name__
        onp.testing.assert_allclose(loss.asnumpy(), onp.full(4, value), rtol=1e-5)


def test_accuracy_metric_on_np_arrays(np_mode):
    # Deliberate difference: MXNet 1.9.1's mx.metric.Accuracy raises TypeError on mx.np
    # arrays (its legacy argmax refuses them); gluonlite computes the accuracy.
    pred = np.array([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.3, 0.4, 0.3]])
    label = np.array([1, 0, 0, 2])
    metric = mx.metric.Accuracy()
    metric.update([label], [pred])
    expected = float((onp.argmax(pred.asnumpy(), axis=1) == label.asnumpy()).mean())
    assert metric.get() == ("accuracy", pytest.approx(expected)) and expected == 0.5


# --------------------------------------------------------------------------- trainer
def test_trainer_step_updates_np_parameters_as_sgd(np_mode):
    net = nn.Dense(1, in_units=3)
    net.initialize(init.Constant(0.25))
    x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    target = np.array([[1.0], [0.0]])
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    with autograd.record():
        loss = gluon.loss.L2Loss()(net(x), target)
    loss.backward()
    trainer.step(2)
    xs, ts = x.asnumpy().astype(onp.float64), target.asnumpy().astype(onp.float64)
    resid = xs @ onp.full((3, 1), 0.25) + 0.0 - ts  # the bias keeps its own init, zeros
    w_expected = 0.25 - 0.1 * (xs.T @ resid).ravel() / 2  # MXNet: [0.215625 0.21875 0.1375]
    b_expected = 0.0 - 0.1 * resid.sum() / 2
    assert type(net.weight.data()) is np_ndarray
    onp.testing.assert_allclose(net.weight.data().asnumpy().ravel(), w_expected, rtol=1e-6)
    onp.testing.assert_allclose(net.bias.data().asnumpy(), [b_expected], rtol=1e-6)


# --------------------------------------------------------------------------- DataLoader
def test_dataloader_batches_are_np_arrays(np_mode):
    ds = gluon.data.ArrayDataset(np.arange(12).reshape(6, 2), np.arange(6))
    batches = list(gluon.data.DataLoader(ds, batch_size=4))
    (a, b), (c, d) = batches
    assert all(type(t) is np_ndarray for t in (a, b, c, d))
    assert a.shape == (4, 2) and c.shape == (2, 2) and a.dtype == onp.float32
    onp.testing.assert_array_equal(b.asnumpy(), [0, 1, 2, 3])
    plain = list(gluon.data.DataLoader(gluon.data.SimpleDataset([1, 2, 3]), batch_size=2))
    assert type(plain[0]) is np_ndarray and plain[0].dtype == onp.int64  # as MXNet
    onp.testing.assert_array_equal(plain[1].asnumpy(), [3])


def test_dataloader_worker_batches_are_np_arrays(np_mode):
    ds = gluon.data.ArrayDataset(onp.arange(8, dtype="float32").reshape(4, 2), onp.arange(4))
    batches = list(gluon.data.DataLoader(ds, batch_size=2, num_workers=1))
    assert len(batches) == 2 and all(type(t) is np_ndarray for t in batches[1])
    onp.testing.assert_array_equal(batches[1][0].asnumpy(), [[4, 5], [6, 7]])


# --------------------------------------------------------------------------- files
# Bytes MXNet 1.9.1 wrote in NumPy mode: Dense(2, in_units=3).save_parameters with weight
# arange(6).reshape(2, 3) / 4 and bias [0.5, -1]; npx.save of [array(2.5), zeros((0, 2))].
_MX_DENSE_PARAMS = bytes.fromhex(
    "120100000000000000000000000000000200000000000000cafa93f900000000020000000200000000000000"
    "0300000000000000010000000000000000000000000000000000803e0000003f0000403f0000803f0000a03f"
    "cafa93f9000000000100000002000000000000000100000000000000000000000000003f000080bf02000000"
    "000000000600000000000000776569676874040000000000000062696173"
)
_MX_NPX_SAVE = bytes.fromhex(
    "120100000000000000000000000000000200000000000000cafa93f900000000000000000100000000000000"
    "0000000000002040cafa93f90000000002000000000000000000000002000000000000000100000000000000"
    "000000000000000000000000"
)


def _dense_23():
    net = nn.Dense(2, in_units=3)
    net.initialize()
    net.weight.set_data(np.arange(6).reshape(2, 3) / 4)
    net.bias.set_data(np.array([0.5, -1.0]))
    return net


def test_save_parameters_writes_mxnet_v3_bytes(np_mode, tmp_path):
    path = str(tmp_path / "dense.params")
    _dense_23().save_parameters(path)
    with open(path, "rb") as f:
        assert f.read() == _MX_DENSE_PARAMS
    path = str(tmp_path / "arrays.npy")
    npx.save(path, [np.array(2.5), np.zeros((0, 2))])
    with open(path, "rb") as f:
        assert f.read() == _MX_NPX_SAVE


def test_load_parameters_reads_mxnet_v3_file(np_mode, tmp_path):
    path = tmp_path / "mx_dense.params"
    path.write_bytes(_MX_DENSE_PARAMS)
    net = nn.Dense(2)  # deferred: the file gives the shapes
    net.load_parameters(str(path))
    assert type(net.weight.data()) is np_ndarray and net.weight.shape == (2, 3)
    onp.testing.assert_array_equal(net.weight.data().asnumpy(), onp.arange(6).reshape(2, 3) / 4)
    onp.testing.assert_allclose(net(np.ones((1, 3))).asnumpy(), [[1.25, 2.0]])
    path = tmp_path / "mx_arrays.npy"
    path.write_bytes(_MX_NPX_SAVE)
    scalar, empty = npx.load(str(path))
    assert type(scalar) is np_ndarray and scalar.shape == () and float(scalar) == 2.5
    assert empty.shape == (0, 2)


def test_load_parameters_of_missing_file_names_it(np_mode, tmp_path):
    with pytest.raises(mx.base.MXNetError, match="nope.params"):
        nn.Dense(2).load_parameters(str(tmp_path / "nope.params"))


# --------------------------------------------------------------------------- training
def _train_mlp(numpy_mode: bool):
    """A few SGD epochs of a small MLP with fixed data and init; the losses per epoch."""
    if numpy_mode:
        npx.set_np()
    try:
        rng = onp.random.RandomState(0)
        feats = rng.uniform(-1, 1, (32, 4)).astype("float32")
        labels = (feats.sum(axis=1) > 0).astype("float32")
        mod = np if numpy_mode else mx.nd
        X, y = mod.array(feats), mod.array(labels)
        mx.random.seed(7)
        net = nn.HybridSequential()
        net.add(nn.Dense(8, activation="relu"), nn.Dense(2))
        net.initialize(init.Xavier())
        loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
        trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5})
        losses = []
        for _ in range(5):
            for i in range(0, 32, 8):
                with autograd.record():
                    loss = loss_fn(net(X[i : i + 8]), y[i : i + 8])
                loss.backward()
                trainer.step(8)
            losses.append(loss_fn(net(X), y).mean().asnumpy().item())
        return losses, type(net(X))
    finally:
        npx.reset_np()


def test_mlp_trains_to_the_same_loss_in_numpy_and_nd_mode():
    np_losses, np_type = _train_mlp(True)
    nd_losses, nd_type = _train_mlp(False)
    assert np_type is np_ndarray and nd_type is mx.nd.NDArray
    onp.testing.assert_allclose(np_losses, nd_losses, rtol=1e-5)
    assert np_losses[-1] < 0.5 * np_losses[0]  # it learns


def test_d2l_linear_regression_concise_in_numpy_mode(np_mode):
    true_w, true_b = np.array([2, -3.4]), 4.2
    mx.random.seed(1)
    features = np.random.normal(0, 1, (1000, 2))
    labels = np.dot(features, true_w) + true_b
    labels += np.random.normal(0, 0.01, labels.shape)
    data_iter = gluon.data.DataLoader(
        gluon.data.ArrayDataset(features, labels), batch_size=10, shuffle=True
    )
    net = nn.Sequential()
    net.add(nn.Dense(1))
    net.initialize(init.Normal(sigma=0.01))
    loss = gluon.loss.L2Loss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.03})
    for _ in range(3):
        for X, y in data_iter:
            assert type(X) is np_ndarray
            with autograd.record():
                step_loss = loss(net(X), y)
            step_loss.backward()
            trainer.step(10)
    final = loss(net(features), labels)
    assert type(final) is np_ndarray and float(final.mean()) < 1e-4
    w = net[0].weight.data()
    onp.testing.assert_allclose(w.reshape(true_w.shape).asnumpy(), [2, -3.4], atol=5e-3)
    assert abs(float(net[0].bias.data()[0]) - true_b) < 5e-3
