"""Loss functions (MXNet 1.x ``mxnet.gluon.loss``).

Every loss is a HybridBlock whose output has one value per sample: the elementwise loss,
scaled by ``weight`` and ``sample_weight``, averaged over all axes but ``batch_axis``
(``KLDivLoss``, ``CosineEmbeddingLoss``, ``TripletLoss`` and ``PoissonNLLLoss`` reduce
differently, as in MXNet). The
formulas are built from ``nd`` ops, so autograd supplies the gradients; the
log-probability ones go through ``log_softmax`` and a softplus form that stays finite
for logits of any size.

Deliberate differences from MXNet: a loss also accepts its optional inputs by keyword
(``loss(pred, label, sample_weight=w)``; MXNet raises TypeError), a label whose dtype
differs from the prediction's is cast to it (MXNet refuses most mixed dtypes), and a
non-numeric ``weight`` is refused when the loss is built rather than at its first call.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Optional

from ..base import MXNetError
from ..symbol.symbol import Symbol
from .block import HybridBlock, _holds_symbol

__all__ = [
    "Loss",
    "L2Loss",
    "L1Loss",
    "SigmoidBinaryCrossEntropyLoss",
    "SigmoidBCELoss",
    "SoftmaxCrossEntropyLoss",
    "SoftmaxCELoss",
    "KLDivLoss",
    "HuberLoss",
    "HingeLoss",
    "SquaredHingeLoss",
    "LogisticLoss",
    "TripletLoss",
    "PoissonNLLLoss",
    "CosineEmbeddingLoss",
]


def _apply_weighting(
    F: Any, loss: Any, weight: Optional[float] = None, sample_weight: Any = None
) -> Any:
    """Scale ``loss`` by the broadcast ``sample_weight`` and the scalar ``weight``."""
    if sample_weight is not None:
        loss = F.broadcast_mul(loss, sample_weight)
    if weight is not None:
        loss = loss * weight
    return loss


def _reshape_like(F: Any, x: Any, like: Any, what: str = "label") -> Any:
    """``x`` with the shape and dtype of ``like`` (same element count required)."""
    if isinstance(x, Symbol) or isinstance(like, Symbol):
        return F.reshape_like(x, like)  # a graph: shapes are checked when it runs
    if x.dtype != like.dtype:
        x = x.astype(like.dtype)
    if x.shape == like.shape:
        return x
    if x.size != like.size:
        raise MXNetError(
            "%s has shape %s (%d elements) but the prediction has shape %s (%d "
            "elements); they must hold the same number of elements"
            % (what, x.shape, x.size, like.shape, like.size)
        )
    return x.reshape(like.shape)


def _softplus_of_neg_abs(F: Any, x: Any) -> Any:
    """log(1 + exp(-|x|)): the bounded part of a stable softplus (never overflows)."""
    return F.softrelu(-F.abs(x))


class Loss(HybridBlock):
    """Base class of the losses: holds ``weight`` (a scalar factor) and ``batch_axis``."""

    def __init__(self, weight: Optional[float], batch_axis: int, **kwargs: Any) -> None:
        if weight is not None and not isinstance(weight, numbers.Number):
            raise TypeError(
                "%s: weight must be a number or None, got %r (%s)"
                % (type(self).__name__, weight, type(weight).__name__)
            )
        super().__init__(**kwargs)
        self._weight = weight
        self._batch_axis = batch_axis

    def __repr__(self) -> str:
        return "%s(batch_axis=%s, w=%s)" % (type(self).__name__, self._batch_axis, self._weight)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the loss; optional inputs may also be given by keyword."""
        if kwargs:
            args = self._positional(args, kwargs)
        return super().__call__(*args)

    def _positional(self, args: tuple, kwargs: dict) -> tuple:
        """Keyword inputs placed by ``hybrid_forward``'s signature (skipped ones defaulted)."""
        import inspect

        params = list(inspect.signature(self.hybrid_forward).parameters.values())[1:]
        names = [p.name for p in params]
        bound = dict(zip(names, args))
        for key, value in kwargs.items():
            if key not in names:
                raise TypeError(
                    "%s() got an unexpected keyword argument %r" % (type(self).__name__, key)
                )
            if key in bound:
                raise TypeError(
                    "%s() got multiple values for argument %r" % (type(self).__name__, key)
                )
            bound[key] = value
        last = max(names.index(key) for key in bound)
        out = []
        for param in params[: last + 1]:
            if param.name in bound:
                out.append(bound[param.name])
            elif param.default is not inspect.Parameter.empty:
                out.append(param.default)
            else:
                raise TypeError(
                    "%s() missing required argument %r" % (type(self).__name__, param.name)
                )
        return tuple(out)

    def forward(self, x: Any, *args: Any) -> Any:
        """Call ``hybrid_forward`` with ``F = nd`` (a loss has no parameters to gather)."""
        from .. import ndarray as nd
        from ..numpy_extension import _state

        if isinstance(x, Symbol) or (args and _holds_symbol(args)):
            return self._symbolic_forward(x, *args)
        if _state.np_array():  # NumPy mode: an mx.np.ndarray result, as MXNet
            from ..numpy.multiarray import _wrap_any

            return _wrap_any(self.hybrid_forward(nd, x, *args))
        return self.hybrid_forward(nd, x, *args)

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        """Override: the per-sample loss."""
        raise NotImplementedError

    def _per_sample(
        self, F: Any, loss: Any, sample_weight: Any, weight: Optional[float] = None
    ) -> Any:
        loss = _apply_weighting(F, loss, self._weight if weight is None else weight, sample_weight)
        return F.mean(loss, axis=self._batch_axis, exclude=True)


class L2Loss(Loss):
    r"""Half the squared error: :math:`\frac{1}{2} w (label - pred)^2`, averaged per sample."""

    def __init__(self, weight: float = 1.0, batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        label = _reshape_like(F, label, pred)
        loss = F.square(label - pred)
        half = None if self._weight is None else self._weight / 2
        return self._per_sample(F, loss, sample_weight, half)


class L1Loss(Loss):
    r"""Absolute error :math:`|label - pred|`, averaged per sample."""

    def __init__(self, weight: Optional[float] = None, batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        label = _reshape_like(F, label, pred)
        return self._per_sample(F, F.abs(label - pred), sample_weight)


class SigmoidBinaryCrossEntropyLoss(Loss):
    """Binary cross-entropy of sigmoid(pred) against labels in [0, 1].

    ``pos_weight`` (a forward input, broadcast against the label) scales the positive
    term. With ``from_sigmoid=False`` the logits go through the softplus form
    ``max(x, 0) - x*z + log(1 + exp(-|x|))``, finite for any logit.
    """

    def __init__(
        self,
        from_sigmoid: bool = False,
        weight: Optional[float] = None,
        batch_axis: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._from_sigmoid = from_sigmoid

    def hybrid_forward(
        self, F: Any, pred: Any, label: Any, sample_weight: Any = None, pos_weight: Any = None
    ) -> Any:
        label = _reshape_like(F, label, pred)
        if not self._from_sigmoid:
            if pos_weight is None:
                loss = F.relu(pred) - pred * label + _softplus_of_neg_abs(F, pred)
            else:
                # -[p z log σ(x) + (1-z) log(1-σ(x))] = (1-z) x + (1 + (p-1) z) softplus(-x)
                scale = 1 + F.broadcast_mul(pos_weight - 1, label)
                loss = pred - pred * label + scale * (_softplus_of_neg_abs(F, pred) + F.relu(-pred))
        else:
            eps = 1e-12  # as MXNet: keeps log() finite at probabilities 0 and 1
            positive = F.log(pred + eps) * label
            if pos_weight is not None:
                positive = F.broadcast_mul(positive, pos_weight)
            loss = -(positive + F.log(1.0 - pred + eps) * (1.0 - label))
        return self._per_sample(F, loss, sample_weight)


SigmoidBCELoss = SigmoidBinaryCrossEntropyLoss


class SoftmaxCrossEntropyLoss(Loss):
    """Cross-entropy of softmax(pred) along ``axis`` against class indices or distributions.

    ``sparse_label=True``: the label holds class indices (out-of-range ones are clipped,
    as MXNet's ``pick``). ``from_logits=True``: ``pred`` already holds log-probabilities.
    """

    def __init__(
        self,
        axis: int = -1,
        sparse_label: bool = True,
        from_logits: bool = False,
        weight: Optional[float] = None,
        batch_axis: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._axis = axis
        self._sparse_label = sparse_label
        self._from_logits = from_logits

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        if not self._from_logits:
            pred = F.log_softmax(pred, axis=self._axis)
        if self._sparse_label:
            loss = -F.pick(pred, self._class_indices(pred, label), axis=self._axis, keepdims=True)
        else:
            label = _reshape_like(F, label, pred)
            loss = -F.sum(pred * label, axis=self._axis, keepdims=True)
        return self._per_sample(F, loss, sample_weight)

    def _class_indices(self, pred: Any, label: Any) -> Any:
        """The label shaped as ``pred`` without the class axis (e.g. (N, 1) -> (N,))."""
        if isinstance(pred, Symbol):
            return label
        axis = self._axis % pred.ndim
        shape = pred.shape[:axis] + pred.shape[axis + 1 :]
        if label.shape == shape:
            return label
        count = 1
        for dim in shape:
            count *= dim
        if label.size != count:
            raise MXNetError(
                "SoftmaxCrossEntropyLoss: sparse label has shape %s but the "
                "prediction %s needs one class index per sample, shape %s (or "
                "set sparse_label=False for a label of probabilities)"
                % (label.shape, pred.shape, shape)
            )
        return label.reshape(shape)


SoftmaxCELoss = SoftmaxCrossEntropyLoss


class KLDivLoss(Loss):
    """Kullback-Leibler divergence ``label * (log(label) - pred)``, summed per sample.

    ``pred`` is a log-probability when ``from_logits=True`` (the default); otherwise
    ``log_softmax`` is applied along ``axis`` first.
    """

    def __init__(
        self,
        from_logits: bool = True,
        axis: int = -1,
        weight: Optional[float] = None,
        batch_axis: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._axis = axis

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        if not self._from_logits:
            pred = F.log_softmax(pred, axis=self._axis)
        loss = label * (F.log(label + 1e-12) - pred)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        # a sum, not a mean: the divergence of each sample's whole distribution (MXNet)
        return F.sum(loss, axis=self._batch_axis, exclude=True)


class HuberLoss(Loss):
    """Smooth L1: ``0.5/rho * d^2`` where ``|d| <= rho``, else ``|d| - 0.5*rho``."""

    def __init__(
        self, rho: float = 1, weight: Optional[float] = None, batch_axis: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._rho = rho

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        label = _reshape_like(F, label, pred)
        dist = F.abs(label - pred)
        loss = F.where(dist > self._rho, dist - 0.5 * self._rho, (0.5 / self._rho) * F.square(dist))
        return self._per_sample(F, loss, sample_weight)


class _MarginLoss(Loss):
    """``max(0, margin - pred * label) ** power`` for labels in {-1, 1}, averaged per sample."""

    _power = 1

    def __init__(
        self, margin: float = 1, weight: Optional[float] = None, batch_axis: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        label = _reshape_like(F, label, pred)
        loss = F.relu(self._margin - pred * label)
        if self._power == 2:
            loss = F.square(loss)
        return self._per_sample(F, loss, sample_weight)


class HingeLoss(_MarginLoss):
    """``max(0, margin - pred * label)`` for labels in {-1, 1}."""


class SquaredHingeLoss(_MarginLoss):
    """``max(0, margin - pred * label)^2`` for labels in {-1, 1}."""

    _power = 2


class LogisticLoss(Loss):
    """``log(1 + exp(-pred * label))``; labels in {-1, 1} (``'signed'``) or {0, 1}
    (``'binary'``)."""

    def __init__(
        self,
        weight: Optional[float] = None,
        batch_axis: int = 0,
        label_format: str = "signed",
        **kwargs: Any,
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._label_format = label_format
        if self._label_format not in ("signed", "binary"):
            # MXNet's wording, typo included, since scripts may match on it.
            raise ValueError(
                "label_format can only be signed or binary, recieved %s." % label_format
            )

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        label = _reshape_like(F, label, pred)
        if self._label_format == "signed":
            label = (label + 1.0) / 2.0  # {-1, 1} -> {0, 1}
        loss = F.relu(pred) - pred * label + _softplus_of_neg_abs(F, pred)
        return self._per_sample(F, loss, sample_weight)


class TripletLoss(Loss):
    """``max(0, |pos - pred|^2 - |neg - pred|^2 + margin)`` summed over non-batch axes."""

    def __init__(
        self, margin: float = 1, weight: Optional[float] = None, batch_axis: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(
        self, F: Any, pred: Any, positive: Any, negative: Any, sample_weight: Any = None
    ) -> Any:
        positive = _reshape_like(F, positive, pred, "positive")
        negative = _reshape_like(F, negative, pred, "negative")
        gap = F.sum(
            F.square(positive - pred) - F.square(negative - pred),
            axis=self._batch_axis,
            exclude=True,
        )
        return _apply_weighting(F, F.relu(gap + self._margin), self._weight, sample_weight)


class PoissonNLLLoss(Loss):
    """Poisson negative log-likelihood, averaged over all elements (one scalar, as MXNet).

    ``from_logits=True``: ``pred`` is the log of the rate. ``compute_full`` adds the
    Stirling term for targets above 1.
    """

    def __init__(
        self,
        weight: Optional[float] = None,
        from_logits: bool = True,
        batch_axis: int = 0,
        compute_full: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._compute_full = compute_full

    def hybrid_forward(
        self, F: Any, pred: Any, target: Any, sample_weight: Any = None, epsilon: float = 1e-08
    ) -> Any:
        target = _reshape_like(F, target, pred, "target")
        if self._from_logits:
            loss = F.exp(pred) - target * pred
        else:
            loss = pred - target * F.log(pred + epsilon)
        if self._compute_full:
            # Stirling's approximation of log(target!), only where target > 1
            stirling = target * F.log(target) - target + 0.5 * F.log(2 * target * math.pi)
            loss = loss + stirling * (target > 1)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return F.mean(loss)


class CosineEmbeddingLoss(Loss):
    """``1 - cos(a, b)`` for label 1, ``max(0, cos(a, b) - margin)`` for label -1.

    The output has shape (N, 1), as in MXNet (no mean over a feature axis).
    """

    def __init__(
        self, weight: Optional[float] = None, batch_axis: int = 0, margin: float = 0, **kwargs: Any
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(
        self, F: Any, input1: Any, input2: Any, label: Any, sample_weight: Any = None
    ) -> Any:
        input1 = _reshape_like(F, input1, input2, "input1")
        label = label.astype(input2.dtype).reshape((-1, 1))
        cos_sim = self._cosine_similarity(F, input1, input2)
        similar = (1 - cos_sim) * (label == 1)
        dissimilar = F.relu((cos_sim - self._margin) * (label == -1))
        return _apply_weighting(F, similar + dissimilar, self._weight, sample_weight)

    @staticmethod
    def _cosine_similarity(F: Any, x: Any, y: Any, axis: int = -1) -> Any:
        norms = (F.norm(x, axis=axis) * F.norm(y, axis=axis)).reshape((-1, 1))
        dots = F.sum(x * y, axis=axis).reshape((-1, 1))
        return dots / F.maximum(norms, 1e-12)  # 1e-12: zero vectors give 0, not nan


from ._seq_metric_losses import CTCLoss, SDMLLoss  # noqa: E402  (they subclass Loss)

__all__ += ["CTCLoss", "SDMLLoss"]
