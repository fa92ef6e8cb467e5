"""Classification metrics: Accuracy, TopKAccuracy, F1, MCC."""

from __future__ import annotations

import math
from typing import Any, List, Optional

import numpy

from .base import EvalMetric, _as_numpy, alias, check_label_shapes, register

__all__ = ["Accuracy", "TopKAccuracy", "F1", "MCC", "PCC"]


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
            # flattened first, as MXNet: a (2, 3) label matches 6 predictions
            pred = pred.astype("int32").ravel()
            label = label.astype("int32").ravel()
            check_label_shapes(label, pred)
            self._add(int((pred == label).sum()), pred.size)


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
    """True/false positive/negative counts of a binary classifier, local and global.

    ``counts`` holds the local ``[tp, fp, fn, tn]`` (cleared by ``reset_local``),
    ``global_counts`` the same since the last ``reset``.
    """

    def __init__(self) -> None:
        self.reset_stats()

    def reset_stats(self) -> None:
        self.counts = numpy.zeros(4, dtype=numpy.int64)
        self.global_counts = numpy.zeros(4, dtype=numpy.int64)

    def local_reset_stats(self) -> None:
        self.counts = numpy.zeros(4, dtype=numpy.int64)

    @property
    def true_positives(self) -> int:
        return int(self.counts[0])

    @property
    def false_positives(self) -> int:
        return int(self.counts[1])

    @property
    def false_negatives(self) -> int:
        return int(self.counts[2])

    @property
    def true_negatives(self) -> int:
        return int(self.counts[3])

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
        batch = numpy.array(
            [
                (pred_true & label_true).sum(),
                (pred_true & ~label_true).sum(),
                (~pred_true & label_true).sum(),
                (~pred_true & ~label_true).sum(),
            ],
            dtype=numpy.int64,
        )
        self.counts += batch
        self.global_counts += batch

    def total_examples(self, use_global: bool = False) -> int:
        return int((self.global_counts if use_global else self.counts).sum())

    def fscore(self, use_global: bool = False) -> float:
        tp, fp, fn, _ = (float(c) for c in (self.global_counts if use_global else self.counts))
        precision = tp / (tp + fp) if tp + fp > 0 else 0.0
        recall = tp / (tp + fn) if tp + fn > 0 else 0.0
        if precision + recall > 0:
            return 2 * precision * recall / (precision + recall)
        return 0.0

    def matthewscc(self, use_global: bool = False) -> float:
        tp, fp, fn, tn = (float(c) for c in (self.global_counts if use_global else self.counts))
        if tp + fp + fn + tn == 0:
            return 0.0
        denom = 1.0
        for term in (tp + fp, tp + fn, tn + fp, tn + fn):
            if term != 0.0:  # a zero margin would make the coefficient undefined; skip it
                denom *= term
        return (tp * tn - fp * fn) / math.sqrt(denom)


class _BinaryMetric(EvalMetric):
    """F1 and MCC: ``'macro'`` averages per update, ``'micro'`` pools all counts.

    Local and global statistics are kept apart, so ``reset_local`` leaves ``get_global``
    intact (micro: the pooled counts since ``reset``).
    """

    _score = ""

    def __init__(
        self,
        name: str,
        output_names: Optional[List[str]],
        label_names: Optional[List[str]],
        average: str,
    ) -> None:
        if average not in ("macro", "micro"):
            raise ValueError("average must be 'macro' or 'micro'; got %r" % (average,))
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
            self.sum_metric += score()
            self.global_sum_metric += score(use_global=True)
            self.num_inst += 1
            self.global_num_inst += 1
            self.metrics.reset_stats()
        else:
            self.num_inst = self.metrics.total_examples()
            self.global_num_inst = self.metrics.total_examples(use_global=True)
            self.sum_metric = score() * self.num_inst
            self.global_sum_metric = score(use_global=True) * self.global_num_inst

    def reset(self) -> None:
        super().reset()
        self.metrics.reset_stats()

    def reset_local(self) -> None:
        super().reset_local()
        self.metrics.local_reset_stats()


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


@register
class PCC(EvalMetric):
    """Pearson correlation of a K-class confusion matrix (the multiclass MCC).

    Equals MCC for two classes. ``get()`` is nan while a margin of the confusion matrix is
    constant (e.g. every sample predicted as one class). Classes are discovered as they
    appear; predictions are scores (argmax-ed along axis 1) or class indices.
    """

    def __init__(
        self,
        name: str = "pcc",
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
        has_global_stats: bool = True,
    ) -> None:
        self._local_confusion = numpy.zeros((2, 2))
        self._global_confusion = numpy.zeros((2, 2))
        super().__init__(
            name=name,
            output_names=output_names,
            label_names=label_names,
            has_global_stats=has_global_stats,
        )

    @staticmethod
    def _coefficient(confusion: numpy.ndarray) -> float:
        total = confusion.sum()
        pred_counts, label_counts = confusion.sum(axis=1), confusion.sum(axis=0)
        pred_spread = float((pred_counts * (total - pred_counts)).sum())
        label_spread = float((label_counts * (total - label_counts)).sum())
        if pred_spread == 0 or label_spread == 0:
            return float("nan")
        agreement = float((numpy.diag(confusion) * total - pred_counts * label_counts).sum())
        return agreement / math.sqrt(pred_spread * label_spread)

    def _grow(self, classes: int) -> None:
        extra = classes - self._local_confusion.shape[0]
        if extra > 0:
            widen = ((0, extra), (0, extra))
            self._local_confusion = numpy.pad(self._local_confusion, widen)
            self._global_confusion = numpy.pad(self._global_confusion, widen)

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label = _as_numpy(label).astype("int32").ravel()
            pred = _as_numpy(pred)
            if pred.shape != label.shape and pred.ndim > 1:
                pred = pred.argmax(axis=1)
            pred = pred.astype("int32").ravel()
            check_label_shapes(label, pred)
            if label.size == 0:
                continue
            if min(label.min(), pred.min()) < 0:
                raise ValueError(
                    "PCC needs class indices >= 0; got label min %d, prediction min %d"
                    % (label.min(), pred.min())
                )
            self._grow(int(max(label.max(), pred.max())) + 1)
            batch = numpy.zeros_like(self._local_confusion)
            numpy.add.at(batch, (pred, label), 1)
            self._local_confusion += batch
            self._global_confusion += batch
        self.num_inst += 1
        self.global_num_inst += 1
        self.sum_metric = self._coefficient(self._local_confusion) * self.num_inst
        self.global_sum_metric = self._coefficient(self._global_confusion) * self.global_num_inst

    def reset(self) -> None:
        super().reset()
        self._global_confusion = numpy.zeros_like(self._global_confusion)
        self._local_confusion = numpy.zeros_like(self._local_confusion)

    def reset_local(self) -> None:
        super().reset_local()
        self._local_confusion = numpy.zeros_like(self._local_confusion)
