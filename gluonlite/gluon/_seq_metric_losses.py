"""``gluon.loss.CTCLoss`` and ``gluon.loss.SDMLLoss`` (re-exported by loss.py)."""

from __future__ import annotations

from typing import Any, Optional

from ..base import MXNetError
from .loss import KLDivLoss, Loss, _apply_weighting


class CTCLoss(Loss):
    """Connectionist Temporal Classification loss (``nd.CTCLoss``, blank = the last class).

    ``layout`` is 'NTC' or 'TNC' for ``pred``, ``label_layout`` 'NT' or 'TN'; labels are
    padded with -1 unless ``label_lengths`` is given. Returns one loss per sample.
    """

    def __init__(
        self,
        layout: str = "NTC",
        label_layout: str = "NT",
        weight: Optional[float] = None,
        **kwargs: Any,
    ) -> None:
        if layout not in ("NTC", "TNC"):
            raise MXNetError("CTCLoss: layout must be 'NTC' or 'TNC', got %r" % (layout,))
        if label_layout not in ("NT", "TN"):
            raise MXNetError("CTCLoss: label_layout must be 'NT' or 'TN', got %r" % (label_layout,))
        self._layout = layout
        self._label_layout = label_layout
        super().__init__(weight, label_layout.find("N"), **kwargs)

    def hybrid_forward(
        self,
        F: Any,
        pred: Any,
        label: Any,
        pred_lengths: Any = None,
        label_lengths: Any = None,
        sample_weight: Any = None,
    ) -> Any:
        if self._layout == "NTC":
            pred = F.swapaxes(pred, 0, 1)
        if self._batch_axis == 1:
            label = F.swapaxes(label, 0, 1)
        loss = F.CTCLoss(
            pred,
            label,
            pred_lengths,
            label_lengths,
            use_data_lengths=pred_lengths is not None,
            use_label_lengths=label_lengths is not None,
            blank_label="last",
        )
        return _apply_weighting(F, loss, self._weight, sample_weight)


class SDMLLoss(Loss):
    """Smoothed Deep Metric Learning loss for two aligned batches (N, D).

    Row i of ``x1`` should be nearest to row i of ``x2``: the loss is the KL divergence
    between softmax(-squared distances) over each row and the identity matrix smoothed
    by ``smoothing_parameter``.
    """

    def __init__(
        self,
        smoothing_parameter: float = 0.3,
        weight: float = 1.0,
        batch_axis: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self.kl_loss = KLDivLoss(from_logits=True)
        self.smoothing_parameter = smoothing_parameter

    def hybrid_forward(self, F: Any, x1: Any, x2: Any) -> Any:
        if x1.shape != x2.shape or x1.ndim != 2:
            raise MXNetError(
                "SDMLLoss: x1 and x2 must be batches of the same shape (N, D), got %s and %s"
                % (x1.shape, x2.shape)
            )
        n = x1.shape[0]
        if n < 2:
            raise MXNetError("SDMLLoss: needs a batch of at least 2 pairs, got %d" % n)
        diffs = F.broadcast_sub(F.expand_dims(x1, 1), F.expand_dims(x2, 0))
        distances = F.sum(F.square(diffs), axis=2)
        gold = F.eye(n, ctx=x1.context, dtype=x1.dtype)
        s = self.smoothing_parameter
        labels = gold * (1 - s) + (1 - gold) * (s / (n - 1))
        return self.kl_loss(F.log_softmax(-distances, axis=1), labels)
