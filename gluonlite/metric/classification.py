"""Classification metrics: Accuracy, TopKAccuracy, F1, MCC."""

from __future__ import annotations

import math
from typing import Any, List, Optional

import numpy

from .base import EvalMetric, _as_numpy, alias, check_label_shapes, register

__all__ = ["Accuracy", "TopKAccuracy", "F1", "MCC"]


@alias("acc")
@register
class Accuracy(EvalMetric):
    """Fraction of correct predictions; scores are argmax-ed along ``axis`` first."""

    def __init__(
        self,
        axis: int = 1,
        name: str = "accuracy",
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
    ) -> None:
        super().__init__(
            name,
            axis=axis,
            output_names=output_names,
            label_names=label_names,
            has_global_stats=True,
        )
        self.axis = axis

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            pred = _as_numpy(pred)
            label = _as_numpy(label)
            if pred.shape != label.shape:
                pred = numpy.argmax(pred, axis=self.axis)
            pred = pred.astype("int32")
            label = label.astype("int32")
            check_label_shapes(label, pred)
            self._add(int((pred.flat == label.flat).sum()), len(pred.flat))


@alias("top_k_accuracy", "top_k_acc")
@register
class TopKAccuracy(EvalMetric):
    """Fraction of samples whose label is among the ``top_k`` highest scores."""

    def __init__(
        self,
        top_k: int = 1,
        name: str = "top_k_accuracy",
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
    ) -> None:
        super().__init__(
            name,
            top_k=top_k,
            output_names=output_names,
            label_names=label_names,
            has_global_stats=True,
        )
        self.top_k = top_k
        assert self.top_k > 1, "Please use Accuracy if top_k is no more than 1"
        self.name += "_%d" % self.top_k

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            pred = _as_numpy(pred).astype("float32")
            assert pred.ndim <= 2, "Predictions should be no more than 2 dims"
            label = _as_numpy(label).astype("int32")
            check_label_shapes(label, pred)
            if pred.ndim == 1:
                correct = (pred.astype("int32").ravel() == label.ravel()).sum()
            else:
                k = min(pred.shape[1], self.top_k)
                top = numpy.argpartition(pred, -k, axis=1)[:, -k:]
                correct = (top == label.reshape(-1, 1)).any(axis=1).sum()
            self._add(int(correct), pred.shape[0])


class _BinaryStats:
    """True/false positive/negative counts of a binary classifier."""

    def __init__(self) -> None:
        self.reset_stats()

    def reset_stats(self) -> None:
        self.true_positives = 0
        self.false_negatives = 0
        self.false_positives = 0
        self.true_negatives = 0

    def update_binary_stats(self, label: Any, pred: Any, metric_name: str) -> None:
        pred = _as_numpy(pred)
        label = _as_numpy(label).astype("int32")
        if pred.ndim != 2:
            raise ValueError(
                "%s expects predictions of shape (batch, 2) with one score per "
                "class; got shape %s" % (metric_name, pred.shape)
            )
        pred_label = numpy.argmax(pred, axis=1)
        check_label_shapes(label, pred)
        if len(numpy.unique(label)) > 2:
            raise ValueError("%s currently only supports binary classification." % metric_name)
        pred_true, label_true = pred_label == 1, label.ravel() == 1
        self.true_positives += int((pred_true & label_true).sum())
        self.false_positives += int((pred_true & ~label_true).sum())
        self.false_negatives += int((~pred_true & label_true).sum())
        self.true_negatives += int((~pred_true & ~label_true).sum())

    @property
    def total_examples(self) -> int:
        return (
            self.true_positives + self.false_negatives + self.false_positives + self.true_negatives
        )

    @property
    def fscore(self) -> float:
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        precision = tp / (tp + fp) if tp + fp > 0 else 0.0
        recall = tp / (tp + fn) if tp + fn > 0 else 0.0
        if precision + recall > 0:
            return 2 * precision * recall / (precision + recall)
        return 0.0

    @property
    def matthewscc(self) -> float:
        if not self.total_examples:
            return 0.0
        tp, fp = float(self.true_positives), float(self.false_positives)
        fn, tn = float(self.false_negatives), float(self.true_negatives)
        denom = 1.0
        for term in (tp + fp, tp + fn, tn + fp, tn + fn):
            if term != 0.0:  # a zero margin would make the coefficient undefined; skip it
                denom *= term
        return (tp * tn - fp * fn) / math.sqrt(denom)


class _BinaryMetric(EvalMetric):
    """F1 and MCC: ``'macro'`` averages per update, ``'micro'`` pools all counts."""

    _score = ""

    def __init__(
        self,
        name: str,
        output_names: Optional[List[str]],
        label_names: Optional[List[str]],
        average: str,
    ) -> None:
        self.average = average
        self.metrics = _BinaryStats()
        super().__init__(
            name=name, output_names=output_names, label_names=label_names, has_global_stats=True
        )

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            self.metrics.update_binary_stats(label, pred, "_BinaryClassificationMetrics")
        score = getattr(self.metrics, self._score)
        if self.average == "macro":
            self._add(score, 1)
            self.metrics.reset_stats()
        else:
            total = self.metrics.total_examples
            self.sum_metric = self.global_sum_metric = score * total
            self.num_inst = self.global_num_inst = total

    def reset(self) -> None:
        super().reset()
        self.metrics.reset_stats()


@register
class F1(_BinaryMetric):
    """F1 score of a binary classifier (predictions: (batch, 2) scores)."""

    _score = "fscore"

    def __init__(
        self,
        name: str = "f1",
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
        average: str = "macro",
    ) -> None:
        super().__init__(name, output_names, label_names, average)


@register
class MCC(_BinaryMetric):
    """Matthews correlation coefficient of a binary classifier."""

    _score = "matthewscc"

    def __init__(
        self,
        name: str = "mcc",
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
        average: str = "macro",
    ) -> None:
        super().__init__(name, output_names, label_names, average)
