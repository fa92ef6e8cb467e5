"""Metrics over probabilities and real values, the Loss metric and custom metrics."""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy

from .base import EvalMetric, _as_numpy, _is_array, alias, check_label_shapes, register

__all__ = [
    "CrossEntropy",
    "NegativeLogLikelihood",
    "Perplexity",
    "MAE",
    "MSE",
    "RMSE",
    "PearsonCorrelation",
    "Loss",
    "CustomMetric",
    "np",
]


# ---- probabilities --------------------------------------------------------------------------


def _probability_of_label(label: Any, pred: Any) -> Tuple[numpy.ndarray, numpy.ndarray]:
    label = _as_numpy(label).ravel()
    pred = _as_numpy(pred)
    if label.shape[0] != pred.shape[0]:
        raise ValueError(
            "Shape of labels %s does not match shape of predictions %s: one label "
            "per row of probabilities expected" % (label.shape, pred.shape)
        )
    return label, pred[numpy.arange(label.shape[0]), numpy.int64(label)]


@alias("ce")
@register
class CrossEntropy(EvalMetric):
    """Mean of ``-log(p[label] + eps)`` over samples (``pred`` holds probabilities)."""

    def __init__(
        self,
        eps: float = 1e-12,
        name: str = "cross-entropy",
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
    ) -> None:
        super().__init__(
            name, eps=eps, output_names=output_names, label_names=label_names, has_global_stats=True
        )
        self.eps = eps

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, prob = _probability_of_label(label, pred)
            self._add(float((-numpy.log(prob + self.eps)).sum()), label.shape[0])


@alias("nll_loss")
@register
class NegativeLogLikelihood(CrossEntropy):
    """Same value as CrossEntropy, named ``nll-loss``."""

    def __init__(
        self,
        eps: float = 1e-12,
        name: str = "nll-loss",
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
    ) -> None:
        super().__init__(eps=eps, name=name, output_names=output_names, label_names=label_names)


@register
class Perplexity(EvalMetric):
    """``exp`` of the mean negative log-probability of the labels; ``ignore_label`` skipped."""

    def __init__(
        self,
        ignore_label: Optional[int],
        axis: int = -1,
        name: str = "perplexity",
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
    ) -> None:
        super().__init__(
            name,
            ignore_label=ignore_label,
            output_names=output_names,
            label_names=label_names,
            has_global_stats=True,
        )
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels: Any, preds: Any) -> None:
        assert len(labels) == len(preds)
        loss, count = 0.0, 0
        for label, pred in zip(labels, preds):
            pred = _as_numpy(pred)
            label = _as_numpy(label)
            assert label.size == pred.size / pred.shape[-1], "shape mismatch: %s vs. %s" % (
                label.shape,
                pred.shape,
            )
            label = label.reshape(-1).astype("int64")
            probs = numpy.moveaxis(pred, self.axis, -1).reshape(-1, pred.shape[self.axis])
            picked = probs[numpy.arange(label.size), numpy.clip(label, 0, probs.shape[1] - 1)]
            if self.ignore_label is not None:
                ignore = label == self.ignore_label
                count -= int(ignore.sum())
                picked = numpy.where(ignore, 1.0, picked)
            loss -= float(numpy.log(numpy.maximum(1e-10, picked)).sum())
            count += picked.size
        self._add(loss, count)

    def get(self) -> Tuple[str, float]:
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.sum_metric / self.num_inst))

    def get_global(self) -> Tuple[str, float]:
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.global_sum_metric / self.global_num_inst))


# ---- regression -----------------------------------------------------------------------------


def _as_columns(label: Any, pred: Any) -> Tuple[numpy.ndarray, numpy.ndarray]:
    label, pred = _as_numpy(label), _as_numpy(pred)
    if label.ndim == 1:
        label = label.reshape(label.shape[0], 1)
    if pred.ndim == 1:
        pred = pred.reshape(pred.shape[0], 1)
    return label, pred


class _PerBatchMean(EvalMetric):
    """A per-batch error, averaged over batches (MXNet's MAE/MSE/RMSE count batches)."""

    def __init__(
        self, name: str, output_names: Optional[List[str]], label_names: Optional[List[str]]
    ) -> None:
        super().__init__(
            name, output_names=output_names, label_names=label_names, has_global_stats=True
        )

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, pred = _as_columns(label, pred)
            self._add(float(self._batch_error(label, pred)), 1)

    @staticmethod
    def _batch_error(label: numpy.ndarray, pred: numpy.ndarray) -> float:
        raise NotImplementedError


@register
class MAE(_PerBatchMean):
    """Mean absolute error."""

    def __init__(
        self,
        name: str = "mae",
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
    ) -> None:
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _batch_error(label: numpy.ndarray, pred: numpy.ndarray) -> float:
        return numpy.abs(label - pred).mean()


@register
class MSE(_PerBatchMean):
    """Mean squared error."""

    def __init__(
        self,
        name: str = "mse",
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
    ) -> None:
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _batch_error(label: numpy.ndarray, pred: numpy.ndarray) -> float:
        return ((label - pred) ** 2.0).mean()


@register
class RMSE(_PerBatchMean):
    """Root mean squared error (per batch, then averaged)."""

    def __init__(
        self,
        name: str = "rmse",
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
    ) -> None:
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _batch_error(label: numpy.ndarray, pred: numpy.ndarray) -> float:
        return numpy.sqrt(((label - pred) ** 2.0).mean())


@alias("pearsonr")
@register
class PearsonCorrelation(EvalMetric):
    """Pearson correlation of predictions and labels (``'macro'``: mean over updates)."""

    def __init__(
        self,
        name: str = "pearsonr",
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
        average: str = "macro",
    ) -> None:
        self.average = average
        super().__init__(
            name, output_names=output_names, label_names=label_names, has_global_stats=True
        )

    def reset(self) -> None:
        super().reset()
        self._moments = numpy.zeros(6)  # n, sum x, sum y, sum xx, sum yy, sum xy

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label, pred = _as_numpy(label).ravel(), _as_numpy(pred).ravel()
            check_label_shapes(label, pred, False, True)
            if self.average == "macro":
                self._add(float(numpy.corrcoef(pred, label)[0, 1]), 1)
                continue
            x, y = pred.astype(numpy.float64), label.astype(numpy.float64)
            self._moments += [x.size, x.sum(), y.sum(), (x * x).sum(), (y * y).sum(), (x * y).sum()]
            n, sx, sy, sxx, syy, sxy = self._moments
            corr = (n * sxy - sx * sy) / math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy))
            self.sum_metric = self.global_sum_metric = corr * n
            self.num_inst = self.global_num_inst = int(n)


# ---- others ---------------------------------------------------------------------------------


@register
class Loss(EvalMetric):
    """Mean of the loss values given as predictions (labels are ignored)."""

    def __init__(
        self,
        name: str = "loss",
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
    ) -> None:
        super().__init__(
            name, output_names=output_names, label_names=label_names, has_global_stats=True
        )

    def update(self, _: Any, preds: Any) -> None:
        if _is_array(preds):
            preds = [preds]
        for pred in preds:
            values = _as_numpy(pred)
            self._add(float(values.sum()), values.size)


@register
class CustomMetric(EvalMetric):
    """A metric from ``feval(label, pred) -> value`` or ``-> (sum, count)`` on numpy arrays."""

    def __init__(
        self,
        feval: Callable,
        name: Optional[str] = None,
        allow_extra_outputs: bool = False,
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
    ) -> None:
        if name is None:
            name = feval.__name__
            if name.find("<") != -1:
                name = "custom(%s)" % name
        super().__init__(
            name,
            feval=feval,
            allow_extra_outputs=allow_extra_outputs,
            output_names=output_names,
            label_names=label_names,
            has_global_stats=True,
        )
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels: Any, preds: Any) -> None:
        if not self._allow_extra_outputs:
            labels, preds = check_label_shapes(labels, preds, True)
        for pred, label in zip(preds, labels):
            value = self._feval(_as_numpy(label), _as_numpy(pred))
            if isinstance(value, tuple):
                self._add(value[0], value[1])
            else:
                self._add(value, 1)

    def get_config(self) -> Dict[str, Any]:
        raise NotImplementedError("CustomMetric cannot be serialized")


def np(
    numpy_feval: Callable, name: Optional[str] = None, allow_extra_outputs: bool = False
) -> CustomMetric:
    """A CustomMetric from a function of numpy arrays (keeps the function's name)."""

    def feval(label: numpy.ndarray, pred: numpy.ndarray) -> Any:
        return numpy_feval(label, pred)

    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)
