"""MXNet's fused recurrent operator ``nd.RNN`` and its parameter packing ``_rnn_param_concat``.

``nd.RNN`` takes every weight and bias of a multi-layer, possibly bidirectional RNN, LSTM
or GRU as one flat vector, packed as MXNet 1.9.1 packs it: first all weights, layer by
layer and within a layer direction by direction (left-to-right, then right-to-left), each
direction's ``i2h_weight`` (gates*H, input), ``h2h_weight`` (gates*H, state width) and, for a
projected LSTM, ``h2r_weight`` (P, H); then all biases in the same order, ``i2h_bias`` and
``h2h_bias`` (gates*H,) each. Gates are stacked i, f, g, o (LSTM) and r, z, n (GRU).

The vector is cut into views of those matrices (so gradients flow back into it) and each
layer and direction runs as one C++ op (``_core.rnn_layer``, csrc/ops/rnn.cc), as
``gluon.rnn``'s fused layers do.
"""

from __future__ import annotations

import numbers
from typing import Callable, List, Optional, Tuple, Union

import numpy as np

from .. import _core
from ..base import MXNetError
from .arguments import exporter
from .index_ops import SequenceMask
from .ndarray import NDArray
from .ops import _check_num_args, _write_out

__all__: List[str] = []

_export_here = exporter(__all__)

# mode -> (kernel code of _core.rnn_layer, gates per unit)
_MODES = {"rnn_tanh": (0, 1), "rnn_relu": (1, 1), "lstm": (2, 4), "gru": (3, 3)}


def _positive_int(name: str, value, optional: bool = False) -> Optional[int]:
    if value is None and optional:
        return None
    if value is None:
        raise MXNetError("RNN: required argument '%s' is missing" % name)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise MXNetError("RNN: %s must be a positive integer, got %r" % (name, value))
    return int(value)


def _packing(
    gates: int, num_layers: int, dirs: int, hidden: int, input_size: int, projection: Optional[int]
) -> List[Tuple[str, Tuple[int, ...]]]:
    """(name, shape) of every block of the packed vector, in packing order."""
    rows = gates * hidden
    width = projection or hidden
    weights: List[Tuple[str, Tuple[int, ...]]] = []
    biases: List[Tuple[str, Tuple[int, ...]]] = []
    in_size = input_size
    for layer in range(num_layers):
        for direction in "lr"[:dirs]:
            prefix = "%s%d_" % (direction, layer)
            weights.append((prefix + "i2h_weight", (rows, in_size)))
            weights.append((prefix + "h2h_weight", (rows, width)))
            if projection:
                weights.append((prefix + "h2r_weight", (projection, hidden)))
            biases.append((prefix + "i2h_bias", (rows,)))
            biases.append((prefix + "h2h_bias", (rows,)))
        in_size = width * dirs
    return weights + biases


def _size(shape: Tuple[int, ...]) -> int:
    size = 1
    for dim in shape:
        size *= dim
    return size


def _packing_text(blocks: List[Tuple[str, Tuple[int, ...]]]) -> str:
    return ", ".join("%s %s" % (name, shape) for name, shape in blocks)


def _check_array(what: str, value, ndim: int) -> NDArray:
    if not isinstance(value, NDArray):
        if value is None:
            raise MXNetError("RNN: required input '%s' is missing" % what)
        raise MXNetError("RNN: %s must be an NDArray, got %s" % (what, type(value).__name__))
    if value.ndim != ndim:
        raise MXNetError("RNN: %s must be %d-D, got shape %s" % (what, ndim, tuple(value.shape)))
    return value


def _check_state(what: str, value, expected: Tuple[int, ...], dtype, context) -> NDArray:
    state = _check_array(what, value, 3)
    if tuple(state.shape) != expected:
        raise MXNetError(
            "RNN: %s has shape %s but must be (num_layers * directions, batch, %s) = %s"
            % (
                what,
                tuple(state.shape),
                "state width" if what == "state" else "state_size",
                expected,
            )
        )
    if state.dtype != dtype or state.context != context:
        raise MXNetError(
            "RNN: %s is %s on %s but data is %s on %s"
            % (what, state.dtype.__name__, state.context, dtype.__name__, context)
        )
    return state


def sequence_lengths(sequence_length, seq_len: int, batch: int, context) -> NDArray:
    """``sequence_length`` (one length per batch row, 1..seq_len) as int64 on ``context``."""
    if not isinstance(sequence_length, NDArray):
        raise MXNetError(
            "RNN: sequence_length must be an NDArray of shape (%d,), got %s"
            % (batch, type(sequence_length).__name__)
        )
    host = sequence_length.asnumpy()
    if host.shape != (batch,):
        raise MXNetError(
            "RNN: sequence_length must have shape (%d,) (one length per batch row), got %s"
            % (batch, host.shape)
        )
    lengths = host.astype(np.int64)
    bad = (lengths != host) | (lengths < 1) | (lengths > seq_len)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise MXNetError(
            "RNN: sequence_length[%d] is %s; each length must be a whole number in [1, %d] "
            "(the sequence length)" % (row, host[row], seq_len)
        )
    return _core.from_numpy(lengths, context._core_type, context.device_id)


def clip_arguments(mode: str, clip_min, clip_max) -> Tuple[Optional[float], ...]:
    """MXNet's lstm_state_clip_min/max (given together, lstm only) as floats or Nones."""
    if clip_min is None and clip_max is None:
        return None, None
    if clip_min is None or clip_max is None:
        raise MXNetError(
            "RNN: lstm_state_clip_min and lstm_state_clip_max must be given together, got "
            "%r and %r" % (clip_min, clip_max)
        )
    if mode != "lstm":
        raise MXNetError("RNN: state clipping is only supported with mode='lstm', not %r" % mode)
    if not clip_min <= clip_max:
        raise MXNetError(
            "RNN: lstm_state_clip_min (%s) must not exceed lstm_state_clip_max (%s)"
            % (clip_min, clip_max)
        )
    return float(clip_min), float(clip_max)


def _required(weights: Callable[[str], Optional[NDArray]], name: str) -> NDArray:
    found = weights(name)
    if found is None:
        raise MXNetError("RNN: parameter %s is missing" % name)
    return found


def run_stack(
    x: NDArray,
    h0: NDArray,
    c0: Optional[NDArray],
    weights: Callable[[str], Optional[NDArray]],
    mode: str,
    layers: int,
    dirs: int,
    dropout: Callable[[NDArray], NDArray],
    lengths: Optional[NDArray] = None,
    clip: Tuple[Optional[float], ...] = (None, None),
    clip_nan: bool = False,
) -> Tuple[NDArray, List[NDArray], List[NDArray]]:
    """The layers and directions of a fused RNN over ``x`` (T, N, I): one C++ op per layer
    and direction. ``weights(name)`` gives e.g. 'l0_i2h_weight' (None when absent);
    ``dropout`` is applied to the input of every layer but the first. With ``lengths``, a
    row's output past its length is zero and its states are those at its last step.
    Returns (output, [h_n per layer and direction], [c_n ...] for an LSTM)."""
    code = _MODES[mode][0]
    lstm = mode == "lstm"
    h_out: List[NDArray] = []
    c_out: List[NDArray] = []
    for layer in range(layers):
        if layer > 0:
            x = dropout(x)
        outputs = []
        for d, direction in enumerate("lr"[:dirs]):
            at = layer * dirs + d
            prefix = "%s%d_" % (direction, layer)
            result = _core.rnn_layer(
                x,
                h0[at],
                c0[at] if lstm and c0 is not None else None,
                _required(weights, prefix + "i2h_weight"),
                _required(weights, prefix + "h2h_weight"),
                _required(weights, prefix + "i2h_bias"),
                _required(weights, prefix + "h2h_bias"),
                weights(prefix + "h2r_weight"),
                code,
                direction == "r",
                lengths,
                clip[0],
                clip[1],
                bool(clip_nan),
            )
            outputs.append(result[0])
            h_out.append(result[1])
            if lstm:
                c_out.append(result[2])
        x = outputs[0] if dirs == 1 else _core.concat(outputs, 2)
        if lengths is not None:  # past a row's length the op left its carried state
            x = SequenceMask(x, lengths, use_sequence_length=True)
    return x, h_out, c_out


@_export_here
def RNN(
    data: Optional[NDArray] = None,
    parameters: Optional[NDArray] = None,
    state: Optional[NDArray] = None,
    state_cell: Optional[NDArray] = None,
    sequence_length: Optional[NDArray] = None,
    state_size: Optional[int] = None,
    num_layers: Optional[int] = None,
    bidirectional: bool = False,
    mode: Optional[str] = None,
    p: float = 0.0,
    state_outputs: bool = False,
    projection_size: Optional[int] = None,
    lstm_state_clip_min: Optional[float] = None,
    lstm_state_clip_max: Optional[float] = None,
    lstm_state_clip_nan: bool = False,
    use_sequence_length: bool = False,
    out=None,
    name=None,
) -> Union[NDArray, List[NDArray]]:
    """Multi-layer (bidirectional) RNN, LSTM or GRU over ``data`` (seq, batch, input), TNC.

    ``parameters`` is the flat vector of all weights and biases in MXNet's packing order
    (see the module docstring); ``state`` and, for an LSTM, ``state_cell`` are the initial
    states, (num_layers * directions, batch, width). Returns the output (seq, batch,
    directions * width), or with ``state_outputs=True`` the list [output, h_n] (and c_n for
    an LSTM). Dropout ``p`` applies to the input of every layer but the first, in training
    mode only. With ``use_sequence_length``, ``sequence_length`` (batch,) gives each row's
    length: its output past it is zero and its final states are those at its last step (the
    reverse direction starts there), as MXNet computes on GPUs (MXNet's CPU op ignores the
    lengths). ``lstm_state_clip_min/max`` clip the LSTM cell state at every step
    (``lstm_state_clip_nan``: a NaN becomes the minimum); MXNet's CPU op ignores them too.
    """
    if sequence_length is not None and not use_sequence_length:
        raise MXNetError("RNN: sequence_length is given but use_sequence_length is False")
    if use_sequence_length and sequence_length is None:
        raise MXNetError("RNN: use_sequence_length=True needs sequence_length (batch,)")
    hidden = _positive_int("state_size", state_size)
    layers = _positive_int("num_layers", num_layers)
    if mode is None:
        raise MXNetError("RNN: required argument 'mode' is missing")
    if mode not in _MODES:
        raise MXNetError(
            "RNN: mode must be one of 'gru', 'lstm', 'rnn_relu', 'rnn_tanh', got %r" % (mode,)
        )
    projection = _positive_int("projection_size", projection_size, optional=True)
    if projection is not None and mode != "lstm":
        raise MXNetError("RNN: projection_size is only supported with mode='lstm', got %r" % mode)
    if not isinstance(p, numbers.Real) or not 0 <= p < 1:
        raise MXNetError("RNN: p (dropout) must be in [0, 1), got %r" % (p,))
    assert hidden is not None and layers is not None  # required: checked above
    clip = clip_arguments(mode, lstm_state_clip_min, lstm_state_clip_max)
    gates = _MODES[mode][1]
    lstm = mode == "lstm"
    dirs = 2 if bidirectional else 1
    width = projection or hidden

    data = _check_array("data", data, 3)
    parameters = _check_array("parameters", parameters, 1)
    seq_len, batch, input_size = data.shape
    if parameters.dtype != data.dtype or parameters.context != data.context:
        raise MXNetError(
            "RNN: parameters is %s on %s but data is %s on %s"
            % (parameters.dtype.__name__, parameters.context, data.dtype.__name__, data.context)
        )
    blocks = _packing(gates, layers, dirs, hidden, input_size, projection)
    expected = sum(_size(shape) for _, shape in blocks)
    if parameters.shape[0] != expected:
        raise MXNetError(
            "RNN: parameters has %d elements but mode=%r with num_layers=%d, bidirectional=%s, "
            "state_size=%d%s and input size %d needs %d: all weights, then all biases, "
            "per layer and direction: %s"
            % (
                parameters.shape[0],
                mode,
                layers,
                bool(bidirectional),
                hidden,
                ", projection_size=%d" % projection if projection else "",
                input_size,
                expected,
                _packing_text(blocks),
            )
        )
    h0 = _check_state("state", state, (layers * dirs, batch, width), data.dtype, data.context)
    c0 = None
    if lstm:
        c0 = _check_state(
            "state_cell", state_cell, (layers * dirs, batch, hidden), data.dtype, data.context
        )
    elif state_cell is not None:
        raise MXNetError("RNN: state_cell is only used with mode='lstm', not %r" % mode)

    views = {}
    begin = 0
    for block_name, shape in blocks:
        end = begin + _size(shape)
        views[block_name] = _core.reshape(_core.slice_axis(parameters, 0, begin, end), shape, False)
        begin = end

    training_dropout = p > 0 and _core.is_training()
    lengths = (
        sequence_lengths(sequence_length, seq_len, batch, data.context)
        if use_sequence_length
        else None
    )
    x, h_out, c_out = run_stack(
        data,
        h0,
        c0,
        views.get,
        mode,
        layers,
        dirs,
        (lambda v: _core.dropout(v, float(p), ())) if training_dropout else (lambda v: v),
        lengths,
        clip,
        lstm_state_clip_nan,
    )
    if not state_outputs:
        return _write_out(x, out)
    results = [x, _core.stack(h_out, 0)]
    if lstm:
        results.append(_core.stack(c_out, 0))
    if out is None:
        return results
    outs = [out] if isinstance(out, NDArray) else list(out)
    if len(outs) != len(results):
        raise MXNetError(
            "RNN: out must hold %d arrays (output and states) with state_outputs=True, got %d"
            % (len(results), len(outs))
        )
    return [_write_out(r, o) for r, o in zip(results, outs)]


@_export_here
def _rnn_param_concat(*data: NDArray, dim: int = 1, num_args=None, out=None, name=None) -> NDArray:
    """Concatenates along ``dim`` (default 1), as ``concat``: the op MXNet's gluon RNN layers
    put in exported graphs to pack their parameters (each input already flattened)."""
    _check_num_args("_rnn_param_concat", data, num_args)
    if not data:
        raise MXNetError("_rnn_param_concat: needs at least one array")
    return _write_out(_core.concat(list(data), dim), out)
