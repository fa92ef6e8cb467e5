"""Connectionist Temporal Classification loss (MXNet's ``nd.CTCLoss`` / ``nd.ctc_loss``).

The forward (alpha) recursion in log space, over the extended label (blanks between and
around the labels), batched over the samples and written with core ops, so it runs on
both devices and autograd gives the exact gradient (the beta recursion is its adjoint).
One step per time frame: fine for the sequence lengths MXNet's CTC examples use; a fused
kernel would be faster for long sequences.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from .. import _core
from ..base import MXNetValueError
from .arguments import checked_api
from .ndarray import NDArray, array
from .ops import _write_out, batch_dot, filled, log_softmax, one_hot

__all__ = ["CTCLoss", "ctc_loss"]

# log(0) stand-in: finite, so max/exp arithmetic on impossible paths never makes NaN
_NEG = -1e30


def _lengths(values: Optional[NDArray], use: bool, default: int, n: int, what: str) -> np.ndarray:
    if not use:
        return np.full(n, default, dtype=np.int64)
    if values is None:
        raise MXNetValueError(f"CTCLoss: use_{what}=True needs {what}")
    out = values.asnumpy().astype(np.int64).reshape(-1)
    if out.shape != (n,):
        raise MXNetValueError(
            f"CTCLoss: {what} must have one entry per sample ({n}), got shape {values.shape}"
        )
    return out


@checked_api
def CTCLoss(
    data: NDArray,
    label: NDArray,
    data_lengths: Optional[NDArray] = None,
    label_lengths: Optional[NDArray] = None,
    use_data_lengths: bool = False,
    use_label_lengths: bool = False,
    blank_label: str = "first",
    out=None,
    name=None,
) -> NDArray:
    """Negative log-likelihood of ``label`` under the (T, N, C) activations ``data``.

    ``blank_label='first'``: class 0 is the blank, labels are 1..C-1, padded with 0;
    ``'last'``: class C-1 is the blank, labels 0..C-2, padded with -1. Softmax is applied
    to ``data`` over C inside the op, as in MXNet. Returns shape (N,).
    """
    if blank_label not in ("first", "last"):
        raise MXNetValueError(
            f"CTCLoss: blank_label must be 'first' or 'last', got {blank_label!r}"
        )
    if data.ndim != 3 or label.ndim != 2:
        raise MXNetValueError(
            f"CTCLoss: data must be (T, N, C) and label (N, L), got {data.shape} and {label.shape}"
        )
    t_max, n, c = data.shape
    if label.shape[0] != n:
        raise MXNetValueError(f"CTCLoss: label has {label.shape[0]} rows for {n} samples")
    blank = 0 if blank_label == "first" else c - 1
    pad = 0 if blank_label == "first" else -1
    labels = label.asnumpy().astype(np.int64)
    t_len = _lengths(data_lengths, use_data_lengths, t_max, n, "data_lengths")
    if use_label_lengths:
        l_len = _lengths(label_lengths, True, labels.shape[1], n, "label_lengths")
    else:
        l_len = np.array([np.argmax(np.append(row == pad, True)) for row in labels])
    if (t_len < 1).any() or (t_len > t_max).any():
        raise MXNetValueError(f"CTCLoss: data_lengths must be in [1, {t_max}], got {t_len}")
    s_max = 2 * labels.shape[1] + 1
    ext = np.full((n, s_max), blank, dtype=np.int64)
    skip = np.full((n, s_max), _NEG)
    for i in range(n):
        seq = labels[i, : l_len[i]]
        bad = (seq < 0) | (seq >= c)
        if bad.any():
            raise MXNetValueError(
                f"CTCLoss: sample {i} has label {int(seq[bad][0])} outside [0, {c})"
            )
        ext[i, 1 : 2 * len(seq) : 2] = seq
        for s in range(3, 2 * len(seq), 2):  # label -> label skipping a blank, if they differ
            if ext[i, s] != ext[i, s - 2]:
                skip[i, s] = 0.0
    ctx, dtype = data.context, data.dtype
    logp = log_softmax(_core.swapaxes(data, 0, 1), axis=-1)  # (N, T, C)
    picks = one_hot(array(ext, ctx=ctx, dtype="int64"), c, dtype=dtype)  # (N, S, C)
    emit = _core.swapaxes(batch_dot(logp, picks, transpose_b=True), 0, 1)  # (T, N, S)
    skip_nd = array(skip, ctx=ctx, dtype=dtype)
    valid_s = np.arange(s_max)[None, :] < (2 * l_len + 1)[:, None]

    start = np.full((n, s_max), _NEG)
    start[:, 0] = 0.0
    start[:, 1] = np.where(l_len > 0, 0.0, _NEG)
    alpha = _core.add(
        array(start, ctx=ctx, dtype=dtype), _core.slice_axis(emit, 0, 0, 1).reshape((n, s_max))
    )
    neg_col = filled(data, _NEG, (n, 1))
    neg_two = filled(data, _NEG, (n, 2))
    for t in range(1, t_max):
        shift1 = _core.concat([neg_col, _core.slice_axis(alpha, 1, 0, s_max - 1)], 1)
        shift2 = _core.add(
            _core.concat([neg_two, _core.slice_axis(alpha, 1, 0, s_max - 2)], 1), skip_nd
        )
        top = _core.maximum(_core.maximum(alpha, shift1), shift2).detach()
        total = _core.add(
            _core.add(
                _core.exp(_core.subtract(alpha, top)), _core.exp(_core.subtract(shift1, top))
            ),
            _core.exp(_core.subtract(shift2, top)),
        )
        step = _core.add(
            _core.add(top, _core.log(total)),
            _core.slice_axis(emit, 0, t, t + 1).reshape((n, s_max)),
        )
        live = array(((t < t_len)[:, None] & valid_s).astype(np.float32), ctx=ctx, dtype=dtype)
        alpha = _core.where(live, step, alpha)
    last = array(2 * l_len, ctx=ctx, dtype="int64")
    end1 = _core.pick(alpha, last, 1, False, "clip")
    end2 = _core.pick(
        alpha, array(np.maximum(2 * l_len - 1, 0), ctx=ctx, dtype="int64"), 1, False, "clip"
    )
    end2 = _core.add(end2, array(np.where(l_len > 0, 0.0, _NEG), ctx=ctx, dtype=dtype))
    top = _core.maximum(end1, end2).detach()
    loglik = _core.add(
        top,
        _core.log(
            _core.add(_core.exp(_core.subtract(end1, top)), _core.exp(_core.subtract(end2, top)))
        ),
    )
    return _write_out(_core.negative(loglik), out)


ctc_loss = CTCLoss
