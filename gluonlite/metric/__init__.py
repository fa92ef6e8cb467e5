"""Evaluation metrics (MXNet 1.x ``mxnet.metric``, reached as ``mx.metric``).

A metric accumulates ``sum_metric`` and ``num_inst`` over ``update(labels, preds)`` calls
and reports ``(name, sum_metric / num_inst)``; the ``global_*`` twins survive
``reset_local()``. Names, values and error texts follow MXNet 1.9.1.

Deliberate differences from MXNet: values are returned as Python floats (not numpy
scalars), numpy arrays are accepted wherever NDArrays are, ``TopKAccuracy`` with
``top_k`` above the number of classes counts every class (MXNet crashes) and reads 1-D
predictions as class indices, ``CompositeEvalMetric.get_metric`` raises its
``ValueError`` (MXNet returns it), F1/MCC reject an ``average`` other than
``'macro'``/``'micro'`` (MXNet treats it as micro), PCC rejects negative class indices
(MXNet's confusion matrix wraps them around).
"""

from . import base, classification, numeric  # noqa: F401 (submodules, as MXNet)
from .base import CompositeEvalMetric, EvalMetric, alias, check_label_shapes, create, register
from .classification import F1, MCC, PCC, Accuracy, TopKAccuracy
from .numeric import (
    MAE,
    MSE,
    RMSE,
    CrossEntropy,
    CustomMetric,
    Loss,
    NegativeLogLikelihood,
    PearsonCorrelation,
    Perplexity,
    np,
)

__all__ = [
    "EvalMetric",
    "CompositeEvalMetric",
    "Accuracy",
    "TopKAccuracy",
    "F1",
    "MCC",
    "PCC",
    "Perplexity",
    "MAE",
    "MSE",
    "RMSE",
    "CrossEntropy",
    "NegativeLogLikelihood",
    "PearsonCorrelation",
    "Loss",
    "CustomMetric",
    "np",
    "create",
    "register",
    "alias",
    "check_label_shapes",
]
