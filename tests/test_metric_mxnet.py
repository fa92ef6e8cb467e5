"""Metric behaviours pinned to MXNet 1.9.1 (values and texts probed with real MXNet)."""

import json

import numpy as np
import pytest

import gluonlite as mx


def _binary_batches():
    p1 = mx.nd.array([[0.1, 0.9], [0.5, 0.5], [0.3, 0.7], [0.8, 0.2]])
    l1 = mx.nd.array([1, 0, 0, 0])
    p2 = mx.nd.array([[0.2, 0.8], [0.9, 0.1]])
    l2 = mx.nd.array([1, 1])
    return (l1, p1), (l2, p2)


@pytest.mark.parametrize(
    "name,average,first,after,global_after,num_inst,global_num_inst",
    [
        ("f1", "micro", 2 / 3, 2 / 3, 2 / 3, 2, 6),
        ("f1", "macro", 2 / 3, 2 / 3, 2 / 3, 1, 2),
        ("mcc", "micro", 1 / np.sqrt(3), 0.0, 1 / 3, 2, 6),
        ("mcc", "macro", 1 / np.sqrt(3), 0.0, 1 / (2 * np.sqrt(3)), 1, 2),
    ],
)
def test_binary_metric_reset_local_keeps_global(
    name, average, first, after, global_after, num_inst, global_num_inst
):
    (l1, p1), (l2, p2) = _binary_batches()
    metric = mx.metric.create(name, average=average)
    metric.update([l1], [p1])
    assert metric.get()[1] == pytest.approx(first, abs=1e-12)
    metric.reset_local()
    assert np.isnan(metric.get()[1])
    assert metric.get_global()[1] == pytest.approx(first, abs=1e-12)
    metric.update([l2], [p2])
    assert metric.get()[1] == pytest.approx(after, abs=1e-12)
    assert metric.get_global()[1] == pytest.approx(global_after, abs=1e-12)
    assert (metric.num_inst, metric.global_num_inst) == (num_inst, global_num_inst)
    metric.reset()
    assert np.isnan(metric.get_global()[1])


def test_binary_metric_rejects_unknown_average():
    with pytest.raises(ValueError, match="average"):
        mx.metric.F1(average="weighted")


def _pcc_reference(labels, preds, classes):
    """Gorodkin's R_K from its triple-sum definition over the confusion matrix."""
    c = np.zeros((classes, classes))
    for label, pred in zip(labels, preds):
        c[pred, label] += 1
    k_range = range(classes)
    numerator = sum(
        c[k, k] * c[j, m] - c[k, j] * c[m, k] for k in k_range for j in k_range for m in k_range
    )
    rows = sum(c[k, :].sum() * sum(c[f, :].sum() for f in k_range if f != k) for k in k_range)
    cols = sum(c[:, k].sum() * sum(c[:, g].sum() for g in k_range if g != k) for k in k_range)
    return numerator / np.sqrt(rows * cols)


def test_pcc_multiclass_matches_reference_and_grows_classes():
    labels = np.array([0, 1, 2, 2, 1, 0, 2])
    preds = np.array([0, 2, 2, 1, 1, 0, 2])
    metric = mx.metric.create("pcc")
    metric.update([mx.nd.array(labels)], [mx.nd.array(preds)])
    assert metric.get() == ("pcc", pytest.approx(0.5625, abs=1e-12))
    assert metric.get()[1] == pytest.approx(_pcc_reference(labels, preds, 3), abs=1e-12)
    # scores are argmax-ed; a fourth class appears
    scores = mx.nd.array([[0, 0, 0, 1.0], [1, 0, 0, 0]])
    metric.update([mx.nd.array([3, 0])], [scores])
    all_labels = np.concatenate([labels, [3, 0]])
    all_preds = np.concatenate([preds, [3, 0]])
    expected = _pcc_reference(all_labels, all_preds, 4)
    assert expected == pytest.approx(0.6896551724137931, abs=1e-12)
    assert metric.get()[1] == pytest.approx(expected, abs=1e-12)
    assert metric.num_inst == 2
    metric.reset_local()
    assert np.isnan(metric.get()[1])
    assert metric.get_global()[1] == pytest.approx(expected, abs=1e-12)
    # one class only in the local matrix: undefined, as MXNet
    metric.update([mx.nd.array([1, 1])], [mx.nd.array([1, 1])])
    assert np.isnan(metric.get()[1])
    assert metric.get_global()[1] == pytest.approx(0.7441860465116279, abs=1e-12)


def test_pcc_equals_mcc_for_two_classes():
    labels = mx.nd.array([0, 1, 1, 0, 1, 1, 0])
    preds = mx.nd.array(
        [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7], [0.1, 0.9]] + [[0.5, 0.6]] * 2
    )
    pcc, mcc = mx.metric.create("pcc"), mx.metric.create("mcc")
    pcc.update([labels], [preds])
    mcc.update([labels], [preds])
    assert pcc.get()[1] == pytest.approx(mcc.get()[1], abs=1e-12)


def test_pcc_negative_class_names_culprit():
    metric = mx.metric.PCC()
    with pytest.raises(ValueError, match="class indices >= 0"):
        metric.update([mx.nd.array([0, -1])], [mx.nd.array([0, 1])])


def test_accuracy_flattens_2d_label():
    pred = mx.nd.array([[0.3, 0.7], [0, 1.0], [0.4, 0.6], [0.8, 0.2], [0.3, 0.5], [0.6, 0.4]])
    label = mx.nd.array([[0, 1, 1], [1, 0, 1]])
    metric = mx.metric.create("acc")
    metric.update([label], [pred])
    expected = (np.argmax(pred.asnumpy(), axis=1) == label.asnumpy().ravel()).mean()
    assert metric.get() == ("accuracy", pytest.approx(expected, abs=0))
    with pytest.raises(ValueError, match="Shape of labels 4 does not match shape of predictions 3"):
        metric.update([mx.nd.array([[0, 1], [1, 0]])], [pred[:3]])


@pytest.mark.parametrize(
    "args,kwargs,config",
    [
        (("acc",), {"axis": 0}, '{"axis": 0, "metric": "Accuracy", "name": "accuracy", '),
        (("pcc",), {}, '{"metric": "PCC", "name": "pcc", '),
        (("perplexity", -1), {}, '{"ignore_label": -1, "metric": "Perplexity", '),
        (("nll_loss",), {}, '{"eps": 1e-12, "metric": "NegativeLogLikelihood", '),
    ],
)
def test_create_from_json_config_round_trips(args, kwargs, config):
    metric = mx.metric.create(*args, **kwargs)
    text = json.dumps(metric.get_config())
    assert text.startswith(config)
    again = mx.metric.create(text)
    assert type(again) is type(metric)
    assert again.get_config() == metric.get_config()


def test_create_composite_from_json_config():
    composite = mx.metric.create(["acc", "mcc", mx.metric.create("perplexity", ignore_label=3)])
    again = mx.metric.create(json.dumps(composite.get_config()))
    assert isinstance(again, mx.metric.CompositeEvalMetric)
    assert [type(m).__name__ for m in again.metrics] == ["Accuracy", "MCC", "Perplexity"]
    assert again.metrics[2].ignore_label == 3
    assert again.get_config() == composite.get_config()


def test_create_from_dict_list_json_and_keyword():
    assert mx.metric.create({"metric": "acc", "axis": 0}).axis == 0
    assert mx.metric.create('["acc", {"axis": 0}]').axis == 0
    assert mx.metric.create(metric="acc").axis == 1


def test_create_bad_configs_name_the_culprit():
    with pytest.raises(AssertionError, match="nope is not registered"):
        mx.metric.create('{"metric": "nope"}')
    with pytest.raises(ValueError, match=r"\[name, \{kwargs\}\]"):
        mx.metric.create('["acc"]')
    with pytest.raises(ValueError, match="not valid JSON"):
        mx.metric.create("{metric: acc}")
    metric = mx.metric.create("acc")
    assert mx.metric.create(metric) is metric
    with pytest.raises(AssertionError, match="already an instance"):
        mx.metric.create(metric, axis=1)
