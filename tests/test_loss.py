"""gluon.loss: per-sample values against MXNet 1.9.1's recorded outputs and float64 numpy,
gradients against finite differences, weighting, batch_axis, stability and errors."""

import numpy as np
import pytest
from conftest import numeric_grad

from gluonlite import autograd, gluon, nd
from gluonlite.base import MXNetError

L = gluon.loss


def make_input(kind, shape, seed):
    """Deterministic float32 test input from a legacy RandomState (same in the oracle run)."""
    rs = np.random.RandomState(seed)
    if kind == "randn":
        return rs.randn(*shape).astype(np.float32)
    if kind == "class":
        return rs.randint(0, 5, size=shape).astype(np.float32)
    if kind == "sign":
        return np.where(rs.rand(*shape) > 0.5, 1.0, -1.0).astype(np.float32)
    if kind == "binary":
        return (rs.rand(*shape) > 0.5).astype(np.float32)
    if kind == "prob":
        e = np.exp(rs.randn(*shape))
        return (e / e.sum(-1, keepdims=True)).astype(np.float32)
    if kind == "unit":
        return rs.uniform(0.05, 0.95, size=shape).astype(np.float32)
    if kind == "pos":
        return rs.uniform(0.2, 4.0, size=shape).astype(np.float32)
    if kind == "big":
        return (rs.choice([-1e4, 1e4, 0.0, 30.0], size=shape)).astype(np.float32)
    raise ValueError(kind)


# id: (class, kwargs, inputs in forward order as (kind, shape, seed) or None)
CASES = {
    "l2": ("L2Loss", {}, [("randn", (3, 4), 0), ("randn", (3, 4), 1)]),
    "l2_w_axis1": (
        "L2Loss",
        {"weight": 0.7, "batch_axis": 1},
        [("randn", (2, 3, 2), 2), ("randn", (2, 3, 2), 3)],
    ),
    "l1_sw": ("L1Loss", {}, [("randn", (3, 4), 4), ("randn", (3, 4), 5), ("pos", (3, 1), 6)]),
    "sce": ("SoftmaxCrossEntropyLoss", {}, [("randn", (4, 5), 7), ("class", (4,), 8)]),
    "sce_axis1": (
        "SoftmaxCrossEntropyLoss",
        {"axis": 1},
        [("randn", (2, 5, 3), 9), ("class", (2, 3), 10)],
    ),
    "sce_dense": (
        "SoftmaxCrossEntropyLoss",
        {"sparse_label": False, "weight": 2.0},
        [("randn", (3, 5), 11), ("prob", (3, 5), 12)],
    ),
    "sce_logits": (
        "SoftmaxCrossEntropyLoss",
        {"from_logits": True},
        [("randn", (4, 5), 13), ("class", (4,), 14)],
    ),
    "sce_big": ("SoftmaxCrossEntropyLoss", {}, [("big", (4, 5), 15), ("class", (4,), 16)]),
    "bce": ("SigmoidBinaryCrossEntropyLoss", {}, [("randn", (3, 4), 17), ("binary", (3, 4), 18)]),
    "bce_big": ("SigmoidBinaryCrossEntropyLoss", {}, [("big", (3, 4), 19), ("binary", (3, 4), 20)]),
    "bce_posw": (
        "SigmoidBinaryCrossEntropyLoss",
        {},
        [("randn", (3, 4), 21), ("binary", (3, 4), 22), None, ("pos", (4,), 23)],
    ),
    "bce_sigmoid": (
        "SigmoidBinaryCrossEntropyLoss",
        {"from_sigmoid": True},
        [("unit", (3, 4), 24), ("binary", (3, 4), 25)],
    ),
    "bce_sigmoid_posw": (
        "SigmoidBinaryCrossEntropyLoss",
        {"from_sigmoid": True},
        [("unit", (3, 4), 26), ("binary", (3, 4), 27), None, ("pos", (4,), 28)],
    ),
    "kl": ("KLDivLoss", {}, [("randn", (3, 4), 29), ("prob", (3, 4), 30)]),
    "kl_softmax": (
        "KLDivLoss",
        {"from_logits": False},
        [("randn", (3, 4), 31), ("prob", (3, 4), 32)],
    ),
    "huber": ("HuberLoss", {"rho": 0.5}, [("randn", (3, 4), 33), ("randn", (3, 4), 34)]),
    "hinge": ("HingeLoss", {"margin": 1.5}, [("randn", (3, 4), 35), ("sign", (3, 4), 36)]),
    "sqhinge": ("SquaredHingeLoss", {}, [("randn", (3, 4), 37), ("sign", (3, 4), 38)]),
    "logistic": ("LogisticLoss", {}, [("randn", (3, 4), 39), ("sign", (3, 4), 40)]),
    "logistic_binary": (
        "LogisticLoss",
        {"label_format": "binary"},
        [("big", (3, 4), 41), ("binary", (3, 4), 42)],
    ),
    "cosine": (
        "CosineEmbeddingLoss",
        {"margin": 0.2},
        [("randn", (4, 3), 43), ("randn", (4, 3), 44), ("sign", (4,), 45)],
    ),
    "triplet": (
        "TripletLoss",
        {"margin": 2.0},
        [("randn", (3, 4), 46), ("randn", (3, 4), 47), ("randn", (3, 4), 48)],
    ),
    "poisson": ("PoissonNLLLoss", {}, [("randn", (3, 4), 49), ("pos", (3, 4), 50)]),
    "poisson_full": (
        "PoissonNLLLoss",
        {"from_logits": False, "compute_full": True},
        [("pos", (3, 4), 51), ("pos", (3, 4), 52)],
    ),
}

# Recorded from MXNet 1.9.1 (float32): per-sample loss, and d(sum loss)/d(first input).
# MXNet cannot record poisson_full's backward (it multiplies in place), so no gradient there.
MXNET = {
    "l2": (
        [1.786993, 0.4701842, 1.837783],
        [
            0.03492674,
            0.2529784,
            0.3767275,
            0.8284655,
            0.2505376,
            0.3310652,
            -0.1986808,
            0.1524624,
            -0.1055645,
            0.1649922,
            -0.3295161,
            0.8786035,
        ],
    ),
    "l2_w_axis1": (
        [0.5102817, 1.616667, 0.6996735],
        [
            -0.3859426,
            -0.08623592,
            -0.3907214,
            0.6131586,
            -0.2653083,
            -0.08522296,
            0.102484,
            -0.1082003,
            -0.1774735,
            -0.07556318,
            0.3264308,
            0.2463275,
        ],
    ),
    "l1_sw": (
        [5.024499, 1.880508, 2.399664],
        [
            -0.8982171,
            0.8982171,
            -0.8982171,
            0.8982171,
            -0.3653808,
            -0.3653808,
            0.3653808,
            0.3653808,
            0.8301677,
            -0.8301677,
            0.8301677,
            0.8301677,
        ],
    ),
    "sce": (
        [1.794212, 1.311097, 1.695289, 0.9801347],
        [
            0.5997738,
            0.06941406,
            0.1143024,
            -0.8337416,
            0.05025469,
            0.14815,
            0.1477127,
            0.0255704,
            0.4090419,
            -0.7304758,
            0.1165809,
            -0.8164538,
            0.3611574,
            0.1677808,
            0.1709319,
            0.0503903,
            -0.6247394,
            0.2439397,
            0.2835816,
            0.04682962,
        ],
    ),
    "sce_axis1": (
        [2.07456, 2.867048],
        [
            0.08186799,
            0.04184508,
            -0.325316,
            -0.2526028,
            0.03828878,
            0.0151279,
            0.01793346,
            0.03421438,
            0.01924008,
            0.0427792,
            0.1055737,
            0.1394622,
            0.1100221,
            -0.2199219,
            0.1514858,
            0.07880387,
            0.1283113,
            0.02609601,
            -0.2886738,
            0.1004147,
            0.1261882,
            0.05288666,
            0.0687087,
            0.09397353,
            0.08584648,
            -0.314103,
            0.07914493,
            0.07113676,
            0.01666824,
            -0.3254028,
        ],
    ),
    "sce_dense": (
        [3.661244, 4.906276, 4.105829],
        [
            0.842137,
            0.005870536,
            -0.2972425,
            -0.04693577,
            -0.503835,
            0.2979881,
            0.1576094,
            0.5148557,
            0.6255649,
            -1.596018,
            0.04457695,
            -0.09993607,
            0.1437753,
            0.6300927,
            -0.7185144,
        ],
    ),
    "sce_logits": (
        [-0.4518123, -0.5323379, -0.9137407, -0.1273033],
        [
            0.0,
            0.0,
            0.0,
            -1.0,
            0.0,
            -1.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            -1.0,
            0.0,
            -1.0,
            0.0,
            0.0,
            0.0,
        ],
    ),
    "sce_big": (
        [0.6931458, 10031.1, 10001.1, 20000.0],
        [
            0.0,
            -0.4999993,
            0.0,
            0.5000007,
            0.0,
            0.0,
            -1.0,
            0.3333341,
            0.3333341,
            0.3333341,
            0.3333341,
            -1.0,
            0.0,
            0.3333341,
            0.3333341,
            1.000001,
            0.0,
            0.0,
            -1.0,
            0.0,
        ],
    ),
    "bce": (
        [1.103791, 0.521396, 0.4126955],
        [
            -0.1078424,
            -0.2161674,
            -0.08722368,
            0.1896634,
            -0.06542312,
            -0.03290704,
            -0.1319739,
            -0.1473873,
            0.1342751,
            0.09806734,
            -0.02559037,
            -0.06001684,
        ],
    ),
    "bce_big": (
        [0.3465736, 0.1732868, 0.3465736],
        [0.0, -0.25, 0.0, -0.25, 0.0, -2.339406e-14, 0.0, -0.25, -2.339406e-14, 0.0, 0.0, -0.25],
    ),
    "bce_posw": (
        [1.142343, 0.7339581, 1.196403],
        [
            0.121753,
            0.1180574,
            0.1847991,
            -0.2477665,
            0.1695432,
            0.03825676,
            0.1121787,
            -0.1777175,
            0.1888741,
            -0.4778047,
            0.08783236,
            -0.06429958,
        ],
    ),
    "bce_sigmoid": (
        [0.9386654, 0.5475986, 0.7873636],
        [
            -0.2735183,
            -0.3678846,
            4.988082,
            0.3324736,
            0.3999684,
            0.8798384,
            -0.2640445,
            0.3757772,
            -1.446005,
            0.413621,
            0.3779103,
            0.4030784,
        ],
    ),
    "bce_sigmoid_posw": (
        [0.6509544, 1.712469, 1.647077],
        [
            0.3715491,
            -1.127017,
            -0.2275469,
            -0.5625588,
            1.501554,
            -2.661341,
            -0.5767083,
            0.4965963,
            -1.038246,
            -2.586649,
            -0.7967047,
            -0.7995473,
        ],
    ),
    "kl": (
        [-0.9612924, -1.713478, -0.8933911],
        [
            -0.04111747,
            -0.6707464,
            -0.05513446,
            -0.2330016,
            -0.123577,
            -0.1851848,
            -0.02432729,
            -0.6669109,
            -0.1538481,
            -0.04446994,
            -0.6519021,
            -0.1497799,
        ],
    ),
    "kl_softmax": (
        [0.1019401, 0.4648082, 0.7197835],
        [
            0.1135484,
            -0.1827469,
            0.08557612,
            -0.0163756,
            -0.06062634,
            -0.07393911,
            -0.2635399,
            0.3981025,
            0.04815443,
            0.1958256,
            0.3110715,
            -0.5550495,
        ],
    ),
    "huber": (
        [0.2325731, 0.5694841, 0.2674139],
        [
            -0.25,
            -0.25,
            0.01297957,
            -0.05307388,
            0.06766702,
            0.25,
            -0.2193746,
            0.25,
            -0.25,
            -0.01430823,
            -0.25,
            -0.06368566,
        ],
    ),
    "hinge": (
        [2.036307, 2.636286, 2.163255],
        [-0.25, -0.25, -0.25, 0.25, -0.25, 0.25, 0.25, 0.25, -0.25, 0.25, -0.25, -0.25],
    ),
    "sqhinge": (
        [1.679644, 0.4841564, 2.799979],
        [
            0.4727682,
            -0.162846,
            -0.3266765,
            -1.150173,
            -0.0,
            -0.005088151,
            0.6388404,
            0.2757053,
            0.9809831,
            0.08621067,
            0.7673285,
            1.114193,
        ],
    ),
    "logistic": (
        [0.9898, 2.027618, 0.5433033],
        [
            0.2007377,
            0.138764,
            -0.134067,
            0.1326902,
            0.1617585,
            0.2296368,
            -0.2179399,
            -0.2296323,
            -0.08595628,
            -0.1124486,
            -0.1347746,
            -0.07900918,
        ],
    ),
    "logistic_binary": (
        [2500.173, 2507.5, 0.1732868],
        [0.0, -2.339406e-14, -0.25, -0.25, 0.0, 0.25, 0.25, 0.0, -2.339406e-14, 0.0, 0.0, 0.0],
    ),
    "cosine": (
        [1.932335, 0.8985083, 0.0294311, 0.0],
        [
            0.144196,
            0.1589178,
            -0.2833734,
            0.4849605,
            0.5582588,
            0.5317404,
            0.3922105,
            -0.05898683,
            -0.06082969,
            0.0,
            -0.0,
            0.0,
        ],
    ),
    "triplet": (
        [0.0, 3.313689, 0.0],
        [0.0, -0.0, -0.0, 0.0, 1.794666, -1.408065, -2.124135, -0.2459805, 0.0, 0.0, 0.0, -0.0],
    ),
    "poisson": (
        [1.665163],
        [
            -0.1439289,
            -0.05222174,
            0.06449778,
            0.3735032,
            -0.116437,
            -0.226965,
            -0.02889472,
            -0.156089,
            -0.174993,
            0.3912446,
            0.2008349,
            -0.06389203,
        ],
    ),
    "poisson_full": ([1.633759], None),
}


def _build(cid, dtype="float32"):
    cls, kwargs, specs = CASES[cid]
    raw = [None if s is None else make_input(*s).astype(dtype) for s in specs]
    return getattr(L, cls)(**kwargs), raw


def _run(loss, raw, dtype):
    args = [None if r is None else nd.array(r, dtype=dtype) for r in raw]
    args[0].attach_grad()
    with autograd.record():
        out = loss(*args)
    out.backward()
    return out.asnumpy(), args[0].grad.asnumpy()


@pytest.mark.parametrize("cid", sorted(CASES))
def test_values_and_gradients_match_mxnet(cid):
    loss, raw = _build(cid)
    value, grad = _run(loss, raw, "float32")
    ref_value, ref_grad = MXNET[cid]
    np.testing.assert_allclose(value.ravel(), ref_value, rtol=2e-5, atol=1e-5)
    if ref_grad is not None:
        np.testing.assert_allclose(grad.ravel(), ref_grad, rtol=2e-5, atol=1e-5)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))


# ---- float64 numpy references: independent formulas of each loss ---------------------------


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _log_softmax(x, axis=-1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def _mean_per_sample(loss, batch_axis=0):
    return np.moveaxis(loss, batch_axis, 0).reshape(loss.shape[batch_axis], -1).mean(axis=1)


def _pick(logp, label, axis):
    onehot = np.moveaxis(np.eye(logp.shape[axis])[label.astype(int)], -1, axis)
    return (logp * onehot).sum(axis=axis)


def _cosine(a, b, label, margin):
    cos = (a * b).sum(-1) / np.maximum(
        np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1), 1e-12
    )
    return np.where(label == 1, 1 - cos, np.maximum(0, cos - margin) * (label == -1))[:, None]


NUMPY = {
    "l2": lambda p, y: _mean_per_sample(0.5 * (y - p) ** 2),
    "l2_w_axis1": lambda p, y: _mean_per_sample(0.35 * (y - p) ** 2, 1),
    "l1_sw": lambda p, y, w: _mean_per_sample(np.abs(y - p) * w),
    "sce": lambda p, y: -_pick(_log_softmax(p), y, -1),
    "sce_axis1": lambda p, y: -_pick(_log_softmax(p, 1), y, 1).mean(axis=1),
    "sce_dense": lambda p, y: -2 * (_log_softmax(p) * y).sum(-1),
    "sce_logits": lambda p, y: -_pick(p, y, -1),
    "bce": lambda p, y: _mean_per_sample(
        -(y * np.log(_sigmoid(p)) + (1 - y) * np.log(1 - _sigmoid(p)))
    ),
    "bce_posw": lambda p, y, _, w: _mean_per_sample(
        -(w * y * np.log(_sigmoid(p)) + (1 - y) * np.log(1 - _sigmoid(p)))
    ),
    "bce_sigmoid": lambda p, y: _mean_per_sample(-(y * np.log(p) + (1 - y) * np.log(1 - p))),
    "bce_sigmoid_posw": lambda p, y, _, w: _mean_per_sample(
        -(w * y * np.log(p) + (1 - y) * np.log(1 - p))
    ),
    "kl": lambda p, y: (y * (np.log(y) - p)).sum(-1),
    "kl_softmax": lambda p, y: (y * (np.log(y) - _log_softmax(p))).sum(-1),
    "huber": lambda p, y: _mean_per_sample(
        np.where(np.abs(y - p) > 0.5, np.abs(y - p) - 0.25, (y - p) ** 2)
    ),
    "hinge": lambda p, y: _mean_per_sample(np.maximum(0, 1.5 - p * y)),
    "sqhinge": lambda p, y: _mean_per_sample(np.maximum(0, 1 - p * y) ** 2),
    "logistic": lambda p, y: _mean_per_sample(np.log1p(np.exp(-p * y))),
    "cosine": lambda a, b, y: _cosine(a, b, y, 0.2),
    "triplet": lambda p, q, n: np.maximum(0, ((q - p) ** 2 - (n - p) ** 2).sum(-1) + 2.0),
    "poisson": lambda p, t: np.array([(np.exp(p) - t * p).mean()]),
    "poisson_full": lambda p, t: np.array(
        [
            (
                p
                - t * np.log(p + 1e-8)
                + (t > 1) * (t * np.log(t) - t + 0.5 * np.log(2 * np.pi * t))
            ).mean()
        ]
    ),
}


@pytest.mark.parametrize("cid", sorted(NUMPY))
def test_float64_values_and_gradients_match_numpy(cid):
    loss, raw = _build(cid, "float64")
    head = np.random.RandomState(99).uniform(0.5, 1.5, size=NUMPY[cid](*raw).shape)
    args = [None if r is None else nd.array(r, dtype="float64") for r in raw]
    args[0].attach_grad()
    with autograd.record():
        out = loss(*args)
    out.backward(nd.array(head, dtype="float64"))
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.asnumpy(), NUMPY[cid](*raw), rtol=1e-10, atol=1e-12)
    expected = numeric_grad(lambda p: float((NUMPY[cid](p, *raw[1:]) * head).sum()), raw[0])
    np.testing.assert_allclose(args[0].grad.asnumpy(), expected, rtol=1e-6, atol=1e-8)


# ---- stability -----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cross_entropies_stay_finite_for_huge_logits(dtype):
    logits = nd.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [1e4, 1e4, -1e4]], dtype=dtype)
    logits.attach_grad()
    with autograd.record():
        sce = L.SoftmaxCrossEntropyLoss()(logits, nd.array([1, 2, 0], dtype=dtype))
        bce = L.SigmoidBinaryCrossEntropyLoss()(
            logits, nd.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]], dtype=dtype)
        )
        logistic = L.LogisticLoss()(logits, nd.array([[1, -1, 1]] * 3, dtype=dtype))
        total = sce.sum() + bce.sum() + logistic.sum()
    total.backward()
    np.testing.assert_allclose(sce.asnumpy(), [2e4, 0.0, np.log(2)], rtol=1e-6, atol=1e-6)
    # a wrong-side logit costs |x|, a right-side one 0, a zero logit log 2
    np.testing.assert_allclose(bce.asnumpy(), [(2e4 + np.log(2)) / 3, 1e4 / 3, 0.0], rtol=1e-6)
    assert np.all(np.isfinite(logits.grad.asnumpy()))


# ---- weighting, axes, shapes ---------------------------------------------------------------


def test_weight_and_sample_weight_scale_per_sample():
    pred, label = nd.array([[1.0, 2.0], [3.0, 5.0]]), nd.array([[0.0, 0.0], [1.0, 1.0]])
    np.testing.assert_allclose(L.L1Loss()(pred, label).asnumpy(), [1.5, 3.0])
    np.testing.assert_allclose(L.L1Loss(weight=2.0)(pred, label).asnumpy(), [3.0, 6.0])
    np.testing.assert_allclose(L.L2Loss()(pred, label).asnumpy(), [1.25, 5.0])
    np.testing.assert_allclose(L.L2Loss(weight=None)(pred, label).asnumpy(), [2.5, 10.0])
    sample_weight = nd.array([[0.0], [2.0]])
    np.testing.assert_allclose(L.L1Loss()(pred, label, sample_weight).asnumpy(), [0.0, 6.0])
    per_element = nd.array([[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(L.L1Loss()(pred, label, per_element).asnumpy(), [0.5, 2.0])


def test_sample_weight_may_be_given_by_keyword():
    pred, label = nd.array([[1.0, 2.0], [3.0, 5.0]]), nd.array([[0.0, 0.0], [1.0, 1.0]])
    loss = L.L1Loss()
    np.testing.assert_allclose(
        loss(pred, label, sample_weight=nd.array([[0.0], [2.0]])).asnumpy(), [0.0, 6.0]
    )
    bce = L.SigmoidBCELoss()
    by_keyword = bce(pred, nd.ones((2, 2)), pos_weight=nd.array([2.0]))
    positional = bce(pred, nd.ones((2, 2)), None, nd.array([2.0]))
    np.testing.assert_allclose(by_keyword.asnumpy(), positional.asnumpy())
    with pytest.raises(
        TypeError, match="L1Loss\\(\\) got an unexpected keyword argument 'weights'"
    ):
        loss(pred, label, weights=nd.ones((2, 1)))


def test_batch_axis_selects_the_sample_axis():
    pred = nd.array(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    out = L.L1Loss(batch_axis=1)(pred, nd.zeros((2, 3, 4)))
    np.testing.assert_allclose(out.asnumpy(), np.arange(24).reshape(2, 3, 4).mean(axis=(0, 2)))
    assert L.L2Loss()(nd.ones((5,)), nd.zeros((5,))).shape == (5,)


def test_label_is_reshaped_and_cast_to_the_prediction():
    pred = nd.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    flat_label = nd.array([1, 2, 3, 4, 5, 6], dtype="int64")
    np.testing.assert_allclose(L.L2Loss()(pred, flat_label).asnumpy(), [0.0, 0.0])
    logits = nd.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    col = L.SoftmaxCrossEntropyLoss()(logits, nd.array([[1], [2]], dtype="int32"))
    np.testing.assert_allclose(col.asnumpy(), [1.4076059, 0.40760595], rtol=1e-6)
    # out-of-range classes are clipped, as MXNet's pick
    np.testing.assert_allclose(
        L.SoftmaxCELoss()(logits, nd.array([5, -1])).asnumpy(), [0.40760595, 2.4076059], rtol=1e-6
    )


def test_mismatched_label_names_both_shapes():
    with pytest.raises(
        MXNetError,
        match=r"label has shape \(4, 2\) \(8 elements\) but the "
        r"prediction has shape \(4, 3\)",
    ):
        L.L2Loss()(nd.ones((4, 3)), nd.ones((4, 2)))
    with pytest.raises(
        MXNetError,
        match=r"sparse label has shape \(3,\) but the prediction "
        r"\(2, 5\) needs one class index per sample",
    ):
        L.SoftmaxCrossEntropyLoss()(nd.ones((2, 5)), nd.ones((3,)))


def test_constructor_errors_name_the_argument():
    with pytest.raises(
        ValueError, match="label_format can only be signed or binary, recieved foo."
    ):
        L.LogisticLoss(label_format="foo")
    with pytest.raises(TypeError, match="L2Loss: weight must be a number or None, got 'a'"):
        L.L2Loss(weight="a")


def test_repr_and_names_match_mxnet():
    assert repr(L.L2Loss()) == "L2Loss(batch_axis=0, w=1.0)"
    assert repr(L.L1Loss(weight=2.0)) == "L1Loss(batch_axis=0, w=2.0)"
    assert repr(L.SoftmaxCrossEntropyLoss()) == "SoftmaxCrossEntropyLoss(batch_axis=0, w=None)"
    assert L.SoftmaxCELoss is L.SoftmaxCrossEntropyLoss
    assert L.SigmoidBCELoss is L.SigmoidBinaryCrossEntropyLoss
    assert L.HingeLoss().name.startswith("hingeloss")
    assert isinstance(L.L2Loss(), gluon.HybridBlock)


def test_loss_inside_a_hybridized_block_gives_the_same_values():
    loss = L.SoftmaxCrossEntropyLoss()
    pred, label = nd.array(make_input("randn", (4, 5), 7)), nd.array(make_input("class", (4,), 8))
    eager = loss(pred, label).asnumpy()
    loss.hybridize()
    np.testing.assert_allclose(loss(pred, label).asnumpy(), eager)
    np.testing.assert_allclose(eager, MXNET["sce"][0], rtol=2e-5)
