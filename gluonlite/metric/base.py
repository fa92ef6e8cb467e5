"""EvalMetric, the name registry behind ``create``, and CompositeEvalMetric."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy

__all__ = ["EvalMetric", "CompositeEvalMetric", "create", "register", "alias", "check_label_shapes"]

_REGISTRY: Dict[str, type] = {}


def register(klass: type) -> type:
    """Register a metric class under its lower-cased name (for ``create``)."""
    _REGISTRY[klass.__name__.lower()] = klass
    return klass


def alias(*aliases: str) -> Callable[[type], type]:
    """Register a metric class under extra names as well."""

    def wrap(klass: type) -> type:
        for name in aliases:
            _REGISTRY[name.lower()] = klass
        return klass

    return wrap


def create(*args: Any, **kwargs: Any) -> "EvalMetric":
    """A metric from a name (``'acc'``), a config (a dict or the JSON of ``get_config()``,
    also ``'["acc", {"axis": 0}]'``), a class instance, a function or a list of those.

    The metric may also be given as the keyword ``metric=`` (as in a config dict).
    """
    if args:
        metric, args = args[0], args[1:]
    elif "metric" in kwargs:
        metric = kwargs.pop("metric")
    else:
        raise TypeError("create() needs the metric to create (a name, config or instance)")
    if callable(metric) and not isinstance(metric, type):
        from .numeric import CustomMetric

        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, EvalMetric):
        assert not args and not kwargs, (
            "metric is already an instance. Additional arguments are invalid"
        )
        return metric
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    if isinstance(metric, dict):
        return create(**metric)
    if isinstance(metric, type) and issubclass(metric, EvalMetric):
        return metric(*args, **kwargs)
    if not isinstance(metric, str):
        raise TypeError(
            "metric must be a name, an EvalMetric, a function or a list of them; "
            "got %s" % type(metric).__name__
        )
    if metric.startswith(("[", "{")):
        assert not args and not kwargs, (
            "a JSON metric config takes no further arguments; got %r %r" % (args, kwargs)
        )
        try:
            config = json.loads(metric)
        except ValueError as err:
            raise ValueError("metric config %r is not valid JSON: %s" % (metric, err)) from None
        if isinstance(config, list):
            if len(config) != 2 or not isinstance(config[1], dict):
                raise ValueError(
                    "a JSON list metric config must be [name, {kwargs}]; got %r" % metric
                )
            return create(config[0], **config[1])
        return create(**config)
    klass = _REGISTRY.get(metric.lower())
    if klass is None:
        # MXNet raises AssertionError here; the list of known names is gluonlite's addition.
        raise AssertionError(
            "%s is not registered. Please register with metric.register "
            "first (known: %s)" % (metric.lower(), ", ".join(sorted(_REGISTRY)))
        )
    return klass(*args, **kwargs)


def _as_numpy(array: Any) -> numpy.ndarray:
    return array.asnumpy() if hasattr(array, "asnumpy") else numpy.asarray(array)


def _is_array(value: Any) -> bool:
    return hasattr(value, "asnumpy") or isinstance(value, numpy.ndarray)


def check_label_shapes(
    labels: Any, preds: Any, wrap: bool = False, shape: bool = False
) -> Tuple[Any, Any]:
    """Check that labels and predictions match in length (or in shape when ``shape``).

    With ``wrap``, a single array is wrapped into a one-element list.
    """
    if not shape:
        label_shape, pred_shape = len(labels), len(preds)
    else:
        label_shape, pred_shape = labels.shape, preds.shape
    if label_shape != pred_shape:
        raise ValueError(
            "Shape of labels {} does not match shape of predictions {}".format(
                label_shape, pred_shape
            )
        )
    if wrap:
        if _is_array(labels):
            labels = [labels]
        if _is_array(preds):
            preds = [preds]
    return labels, preds


class EvalMetric:
    """Base class: accumulates ``sum_metric`` / ``num_inst`` (and their global twins)."""

    def __init__(
        self,
        name: str,
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
        **kwargs: Any,
    ) -> None:
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop("has_global_stats", False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self) -> str:
        return "EvalMetric: {}".format(dict(self.get_name_value()))

    def get_config(self) -> Dict[str, Any]:
        """The constructor arguments (``create(**config)`` rebuilds the metric)."""
        config = self._kwargs.copy()
        config.update(
            {
                "metric": self.__class__.__name__,
                "name": self.name,
                "output_names": self.output_names,
                "label_names": self.label_names,
            }
        )
        return config

    def update_dict(self, label: Dict[str, Any], pred: Dict[str, Any]) -> None:
        """Update from dicts of named outputs and labels (``output_names`` selects)."""
        preds = (
            [pred[name] for name in self.output_names]
            if self.output_names is not None
            else list(pred.values())
        )
        labels = (
            [label[name] for name in self.label_names]
            if self.label_names is not None
            else list(label.values())
        )
        self.update(labels, preds)

    def update(self, labels: Any, preds: Any) -> None:
        """Accumulate one batch of labels and predictions."""
        raise NotImplementedError()

    def reset(self) -> None:
        """Clear the local and the global statistics."""
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self) -> None:
        """Clear the local statistics only."""
        self.num_inst = 0
        self.sum_metric = 0.0

    def _add(self, value: float, count: int) -> None:
        self.sum_metric += value
        self.global_sum_metric += value
        self.num_inst += count
        self.global_num_inst += count

    def get(self) -> Tuple[str, float]:
        """``(name, value)``; the value is nan before the first update."""
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, float(self.sum_metric / self.num_inst))

    def get_global(self) -> Tuple[str, float]:
        """``(name, value)`` over everything since the last ``reset()``."""
        if not self._has_global_stats:
            return self.get()
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, float(self.global_sum_metric / self.global_num_inst))

    def get_name_value(self) -> List[Tuple[str, float]]:
        """``[(name, value), ...]`` (one pair for a simple metric)."""
        return self._pairs(*self.get())

    def get_global_name_value(self) -> List[Tuple[str, float]]:
        """Like ``get_name_value`` over the global statistics."""
        return self._pairs(*self.get_global())

    @staticmethod
    def _pairs(name: Any, value: Any) -> List[Tuple[str, float]]:
        if not isinstance(name, list):
            name = [name]
        if not isinstance(value, list):
            value = [value]
        return list(zip(name, value))


@alias("composite")
@register
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; ``get`` returns lists of names and values."""

    def __init__(
        self,
        metrics: Optional[Sequence[Any]] = None,
        name: str = "composite",
        output_names: Optional[List[str]] = None,
        label_names: Optional[List[str]] = None,
    ) -> None:
        super().__init__(
            name, output_names=output_names, label_names=label_names, has_global_stats=True
        )
        self.metrics = [create(m) for m in (metrics or [])]

    def add(self, metric: Any) -> None:
        """Add a child metric (anything ``create`` accepts)."""
        self.metrics.append(create(metric))

    def get_metric(self, index: int) -> EvalMetric:
        """The child metric at ``index``."""
        if not 0 <= index < len(self.metrics):
            raise ValueError(
                "Metric index {} is out of range 0 and {}".format(index, len(self.metrics))
            )
        return self.metrics[index]

    def update_dict(self, labels: Dict[str, Any], preds: Dict[str, Any]) -> None:
        if self.label_names is not None:
            labels = {name: value for name, value in labels.items() if name in self.label_names}
        if self.output_names is not None:
            preds = {name: value for name, value in preds.items() if name in self.output_names}
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels: Any, preds: Any) -> None:
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self) -> None:
        for metric in getattr(self, "metrics", []):
            metric.reset()

    def reset_local(self) -> None:
        for metric in self.metrics:
            metric.reset_local()

    def _collect(self, getter: str) -> Tuple[List[str], List[float]]:
        names, values = [], []
        for metric in self.metrics:
            name, value = getattr(metric, getter)()
            names.extend(name if isinstance(name, list) else [name])
            values.extend(value if isinstance(value, list) else [value])
        return names, values

    def get(self) -> Tuple[List[str], List[float]]:  # type: ignore[override]
        return self._collect("get")

    def get_global(self) -> Tuple[List[str], List[float]]:  # type: ignore[override]
        return self._collect("get_global")

    def get_config(self) -> Dict[str, Any]:
        config = super().get_config()
        config.update({"metrics": [m.get_config() for m in self.metrics]})
        return config
