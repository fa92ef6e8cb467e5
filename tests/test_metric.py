"""mx.metric: names, values and error texts recorded from MXNet 1.9.1 on the same inputs."""

import math

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import nd


def _scores():
    return nd.array(np.random.RandomState(0).rand(6, 3)), nd.array([0, 1, 2, 2, 1, 0])


BINARY_LABEL = nd.array([0, 1, 1, 0, 1])
BINARY_PRED = nd.array([[0.3, 0.7], [0.6, 0.4], [0.2, 0.8], [0.9, 0.1], [0.1, 0.9]])


def test_metric_is_reachable_as_mx_metric():
    import gluonlite.metric

    assert mx.metric is gluonlite.metric


def test_accuracy_value_name_and_strings_match_mxnet():
    pred, label = _scores()
    metric = mx.metric.Accuracy()
    assert metric.get()[0] == "accuracy" and math.isnan(metric.get()[1])
    metric.update([label], [pred])
    assert metric.get() == ("accuracy", 0.3333333333333333)
    assert type(metric.get()[1]) is float
    assert metric.get_name_value() == [("accuracy", 0.3333333333333333)]
    assert str(metric) == "EvalMetric: {'accuracy': 0.3333333333333333}"
    assert metric.get_config() == {
        "axis": 1,
        "metric": "Accuracy",
        "name": "accuracy",
        "output_names": None,
        "label_names": None,
    }
    metric.update(label, pred)  # single arrays are wrapped
    assert metric.get() == ("accuracy", 0.3333333333333333)
    assert (metric.sum_metric, metric.num_inst) == (4, 12)
    metric.reset()
    assert math.isnan(metric.get()[1]) and metric.num_inst == 0


def test_accuracy_with_class_predictions_and_3d_scores():
    _, label = _scores()
    metric = mx.metric.Accuracy()
    metric.update([label], [nd.array([0, 1, 2, 0, 0, 0])])
    assert metric.get() == ("accuracy", 0.6666666666666666)
    scores = np.random.RandomState(1).rand(2, 3, 3)  # argmax along axis 1 -> (2, 3)
    labels = np.array([[0, 1, 2], [1, 0, 2]])
    metric = mx.metric.Accuracy()
    metric.update([nd.array(labels)], [nd.array(scores)])
    assert metric.get() == ("accuracy", float((scores.argmax(1) == labels).mean()))


def test_label_and_prediction_counts_must_match():
    pred, label = _scores()
    with pytest.raises(ValueError, match="Shape of labels 2 does not match shape of predictions 1"):
        mx.metric.Accuracy().update([label, label], [pred])
    with pytest.raises(ValueError, match="Shape of labels 2 does not match shape of predictions 6"):
        mx.metric.Accuracy().update([nd.array([0, 1])], [pred])
    with pytest.raises(
        ValueError,
        match=r"Shape of labels \(2, 3\) does not match shape of "
        r"predictions \(2,\)",
    ):
        mx.metric.check_label_shapes(nd.ones((2, 3)), nd.ones((2,)), shape=True)


def test_global_statistics_survive_reset_local():
    pred, label = _scores()
    metric = mx.metric.Accuracy()
    metric.update([label], [pred])
    assert metric.get_global() == ("accuracy", 0.3333333333333333)
    assert metric.get_global_name_value() == [("accuracy", 0.3333333333333333)]
    metric.reset_local()
    metric.update([label[:2]], [pred[:2]])
    assert metric.get() == ("accuracy", 0.0)
    assert metric.get_global() == ("accuracy", 0.25)
    assert (metric.num_inst, metric.global_num_inst) == (2, 8)


def test_top_k_accuracy():
    pred, label = _scores()
    metric = mx.metric.TopKAccuracy(top_k=2)
    metric.update([label], [pred])
    assert metric.get() == ("top_k_accuracy_2", 0.6666666666666666)
    with pytest.raises(AssertionError, match="Please use Accuracy if top_k is no more than 1"):
        mx.metric.TopKAccuracy(top_k=1)
    everything = mx.metric.TopKAccuracy(top_k=5)  # more than the classes: all count
    everything.update([nd.array([0, 1, 2])], [nd.array([[0.1, 0.5, 0.2]] * 3)])
    assert everything.get() == ("top_k_accuracy_5", 1.0)


@pytest.mark.parametrize(
    "name,value", [("mse", 0.4583333283662796), ("mae", 0.5), ("rmse", 0.6763019859790802)]
)
def test_regression_metrics_average_per_batch(name, value):
    metric = mx.metric.create(name)
    metric.update([nd.array([1.0, 2.0, 3.0])], [nd.array([1.5, 2.0, 2.0])])
    metric.update([nd.array([[1.0], [0.0]])], [nd.array([[0.0], [0.0]])])
    assert metric.get()[0] == name
    assert metric.get()[1] == pytest.approx(value, rel=1e-7)
    mae = mx.metric.MAE()
    mae.update([nd.array([1, 2, 3, 4])], [nd.array([[1], [2], [3], [5]])])
    assert mae.get() == ("mae", 0.25)


def test_probability_metrics():
    pred, label = _scores()
    probs = nd.softmax(pred)
    for metric, name in [
        (mx.metric.CrossEntropy(), "cross-entropy"),
        (mx.metric.NegativeLogLikelihood(), "nll-loss"),
    ]:
        metric.update([label], [probs])
        assert metric.get()[0] == name
        assert metric.get()[1] == pytest.approx(1.1032366752624512, rel=1e-6)
    column = mx.metric.CrossEntropy()
    column.update([nd.array([[0], [1]])], [nd.array([[0.2, 0.8], [0.3, 0.7]])])
    assert column.get()[1] == pytest.approx(0.9830564260482788, rel=1e-6)
    ppl = mx.metric.Perplexity(ignore_label=None)
    ppl.update([label], [probs])
    assert ppl.get() == ("perplexity", pytest.approx(3.013905286713444, rel=1e-6))
    ignoring = mx.metric.Perplexity(ignore_label=0)
    ignoring.update([label], [probs])
    assert ignoring.get()[1] == pytest.approx(2.7511097492497893, rel=1e-6)


def test_f1_and_mcc_macro_and_micro():
    second_label, second_pred = nd.array([1, 1]), nd.array([[0.3, 0.7], [0.6, 0.4]])
    expected = {
        ("f1", "macro"): 0.6666666666666666,
        ("f1", "micro"): 0.6666666666666666,
        ("mcc", "macro"): 0.08333333333333333,
        ("mcc", "micro"): 0.09128709291752768,
    }
    for (name, average), value in expected.items():
        metric = mx.metric.create(name, average=average)
        metric.update([BINARY_LABEL], [BINARY_PRED])
        metric.update([second_label], [second_pred])
        assert metric.get() == (name, pytest.approx(value, rel=1e-12))
    f1 = mx.metric.F1()
    f1.update([BINARY_LABEL], [BINARY_PRED])
    f1.update([nd.array([0, 0])], [second_pred])
    assert f1.get() == ("f1", pytest.approx(0.3333333333333333))
    micro = mx.metric.F1(average="micro")
    micro.update([BINARY_LABEL], [BINARY_PRED])
    micro.update([nd.array([0, 0])], [second_pred])
    assert micro.get() == ("f1", pytest.approx(0.5714285714285715))
    with pytest.raises(
        ValueError,
        match="_BinaryClassificationMetrics currently only supports binary classification.",
    ):
        mx.metric.F1().update([nd.array([0, 1, 2])], [nd.ones((3, 3))])
    with pytest.raises(ValueError, match=r"F1 expects|expects predictions of shape \(batch, 2\)"):
        mx.metric.F1().update([BINARY_LABEL], [nd.array([1, 0, 1, 0, 1])])


def test_pearson_correlation():
    macro, micro = mx.metric.PearsonCorrelation(), mx.metric.PearsonCorrelation(average="micro")
    for metric in (macro, micro):
        metric.update([nd.array([1.0, 2, 3, 4])], [nd.array([1.0, 3, 2, 5])])
        metric.update([nd.array([1.0, 0, 3])], [nd.array([2.0, 3, 2])])
    assert macro.get() == ("pearsonr", pytest.approx(0.03779644730092274, rel=1e-6))
    assert micro.get() == ("pearsonr", pytest.approx(0.4630991085218426, rel=1e-6))


def test_loss_metric_averages_all_values():
    metric = mx.metric.Loss()
    metric.update(None, [nd.array([1.0, 2.0, 3.0])])
    metric.update(None, nd.array([[4.0]]))
    assert metric.get() == ("loss", 2.5)


def test_composite_metric():
    pred, label = _scores()
    composite = mx.metric.CompositeEvalMetric()
    composite.add(mx.metric.Accuracy())
    composite.add("mse")
    composite.update([label], [pred])
    names, values = composite.get()
    assert names == ["accuracy", "mse"]
    assert values == [0.3333333333333333, pytest.approx(0.8098722100257874, rel=1e-6)]
    assert composite.get_name_value()[0] == ("accuracy", 0.3333333333333333)
    with pytest.raises(ValueError, match="Metric index 5 is out of range 0 and 2"):
        composite.get_metric(5)
    assert composite.get_metric(1).name == "mse"
    composite.reset()
    assert all(math.isnan(v) for v in composite.get()[1])
    named = mx.metric.CompositeEvalMetric(["acc", "mse"], name="c")
    assert named.name == "c"
    assert str(named) == "EvalMetric: {'accuracy': nan, 'mse': nan}"
    assert named.get_config()["metrics"][1] == {
        "metric": "MSE",
        "name": "mse",
        "output_names": None,
        "label_names": None,
    }


@pytest.mark.parametrize(
    "name,cls,metric_name",
    [
        ("acc", "Accuracy", "accuracy"),
        ("Accuracy", "Accuracy", "accuracy"),
        ("f1", "F1", "f1"),
        ("mcc", "MCC", "mcc"),
        ("mae", "MAE", "mae"),
        ("rmse", "RMSE", "rmse"),
        ("ce", "CrossEntropy", "cross-entropy"),
        ("crossentropy", "CrossEntropy", "cross-entropy"),
        ("nll_loss", "NegativeLogLikelihood", "nll-loss"),
        ("pearsonr", "PearsonCorrelation", "pearsonr"),
        ("loss", "Loss", "loss"),
        ("composite", "CompositeEvalMetric", "composite"),
    ],
)
def test_create_by_name(name, cls, metric_name):
    metric = mx.metric.create(name)
    assert type(metric).__name__ == cls and metric.name == metric_name


def test_create_other_forms_and_unknown_names():
    assert mx.metric.create("top_k_accuracy", top_k=3).name == "top_k_accuracy_3"
    instance = mx.metric.MSE()
    assert mx.metric.create(instance) is instance
    listed = mx.metric.create(["acc", "f1"])
    assert isinstance(listed, mx.metric.CompositeEvalMetric)
    assert listed.get()[0] == ["accuracy", "f1"]
    with pytest.raises(
        AssertionError, match="nope is not registered. Please register with metric.register first"
    ):
        mx.metric.create("nope")


def test_custom_metrics():
    pred, label = _scores()

    def feval(lab, prd):
        return float((lab == prd.argmax(axis=1)).mean())

    for metric in (mx.metric.create(feval), mx.metric.np(feval)):
        metric.update([label], [pred])
        assert metric.get() == ("feval", 0.3333333333333333)
    assert mx.metric.create(lambda y, p: 1.0).name == "custom(<lambda>)"
    pairs = mx.metric.CustomMetric(lambda y, p: (3.0, 4), name="pairs")
    pairs.update([label], [pred])
    assert pairs.get() == ("pairs", 0.75)


def test_numpy_inputs_are_accepted():
    metric = mx.metric.MSE()
    metric.update([np.array([1.0, 2.0])], [np.array([1.0, 1.0])])
    assert metric.get() == ("mse", 0.5)
    acc = mx.metric.Accuracy()
    acc.update([np.array([1.0, 0.0])], [np.array([[0, 1.0], [1.0, 0]])])
    assert acc.get() == ("accuracy", 1.0)


def test_update_dict_selects_named_outputs():
    metric = mx.metric.Accuracy(output_names=["out"], label_names=["lab"])
    metric.update_dict(
        {"lab": nd.array([1, 0]), "other": nd.array([0, 0])},
        {"out": nd.array([[0.2, 0.8], [0.7, 0.3]]), "x": nd.ones((2, 2))},
    )
    assert metric.get() == ("accuracy", 1.0)
