"""Fused recurrent layers (``gluon.rnn.RNN``, ``LSTM``, ``GRU``), as MXNet 1.9.1's.

Each layer and direction is one C++ op (csrc/ops/rnn.cc: one GEMM projects all time steps,
then per step one GEMM and a fused gate kernel; backward is BPTT in C++). This file stacks
the layers, runs the reverse direction of a bidirectional layer and concatenates it, and
applies dropout between layers. Parameter names, shapes and gate order are MXNet's, so a
``.params`` file saved by MXNet for the same layer loads and gives MXNet's outputs.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional

from ... import ndarray as nd
from ...base import MXNetError
from ...ndarray import rnn_op
from ...symbol.symbol import Symbol
from ..block import HybridBlock
from ..nn import _checks
from ..parameter import Parameter

__all__ = ["RNN", "LSTM", "GRU"]

_PARAM_NAME = re.compile(r"(l|r)(\d+)_(i2h|h2h|h2r)_(weight|bias)\Z")


class _RNNLayer(HybridBlock):
    """What RNN, LSTM and GRU share: parameters, states, checks and the layer stacking."""

    l0_i2h_weight: Parameter  # one of the parameters set by name in __init__

    def __init__(
        self,
        hidden_size: int,
        num_layers: int,
        layout: str,
        dropout: float,
        bidirectional: bool,
        input_size: int,
        i2h_weight_initializer: Any,
        h2h_weight_initializer: Any,
        i2h_bias_initializer: Any,
        h2h_bias_initializer: Any,
        mode: str,
        projection_size: Optional[int],
        h2r_weight_initializer: Any,
        dtype: Any,
        **kwargs: Any,
    ) -> None:
        use_sequence_length = bool(kwargs.pop("use_sequence_length", False))
        clip = kwargs.pop("_state_clip", (None, None, False))
        super().__init__(**kwargs)
        self._use_sequence_length = use_sequence_length
        self._clip_range = rnn_op.clip_arguments(mode, clip[0], clip[1])
        self._clip_nan = bool(clip[2])
        layer = type(self).__name__
        hidden_size = _checks.positive_int(layer, "hidden_size", hidden_size)
        num_layers = _checks.positive_int(layer, "num_layers", num_layers)
        input_size = _checks.positive_int(layer, "input_size", input_size, allow_zero=True)
        dropout = _checks.drop_rate(layer, "dropout", dropout)
        if layout not in ("TNC", "NTC"):
            raise MXNetError("Invalid layout %r; must be one of ['TNC' or 'NTC']" % (layout,))
        self._hidden_size = hidden_size
        self._num_layers = num_layers
        self._mode = mode
        self._layout = layout
        self._dropout = dropout
        self._dir = 2 if bidirectional else 1
        self._input_size = input_size
        self._dtype = dtype
        self._projection_size = projection_size
        self._gates = rnn_op._MODES[mode][1]
        rows = self._gates * hidden_size
        state_size = projection_size or hidden_size
        in_size = input_size
        for layer_index in range(num_layers):
            for direction in ["l", "r"][: self._dir]:
                name = "%s%d_" % (direction, layer_index)
                self._register_param(name + "i2h_weight", (rows, in_size), i2h_weight_initializer)
                self._register_param(
                    name + "h2h_weight", (rows, state_size), h2h_weight_initializer
                )
                self._register_param(name + "i2h_bias", (rows,), i2h_bias_initializer)
                self._register_param(name + "h2h_bias", (rows,), h2h_bias_initializer)
                if projection_size:
                    self._register_param(
                        name + "h2r_weight", (projection_size, hidden_size), h2r_weight_initializer
                    )
            in_size = state_size * self._dir

    def _register_param(self, name: str, shape: tuple, init: Any) -> None:
        param = self.params.get(
            name, shape=shape, init=init, allow_deferred_init=True, dtype=self._dtype
        )
        setattr(self, name, param)

    def _collect_params_with_prefix(self, prefix: str = "") -> Dict[str, Any]:
        """Structural names as MXNet 1.9.1 writes them in .params files, the layout of its
        older unfused layers: '_unfused.{layer}.{name}', with '{l|r}_cell.' before the name
        when bidirectional."""
        if prefix:
            prefix += "."
        out = {}
        for key, param in self._reg_params.items():
            match = _PARAM_NAME.match(key)
            assert match is not None  # every parameter registered in __init__ has this form
            direction, layer, kind, what = match.groups()
            cell = "%s_cell." % direction if self._dir == 2 else ""
            out["%s_unfused.%s.%s%s_%s" % (prefix, layer, cell, kind, what)] = param
        return out

    def __repr__(self) -> str:
        text = "{name}({mapping}, {_layout}"
        if self._num_layers != 1:
            text += ", num_layers={_num_layers}"
        if self._dropout != 0:
            text += ", dropout={_dropout}"
        if self._dir == 2:
            text += ", bidirectional"
        text += ")"
        shape = self.l0_i2h_weight.shape
        assert shape is not None  # given in __init__, only its unknown (0) dims change
        mapping = "{0} -> {1}".format(shape[1] if shape[1] else None, shape[0] // self._gates)
        return text.format(name=self.__class__.__name__, mapping=mapping, **self.__dict__)

    def _num_states(self) -> int:
        return 2 if self._mode == "lstm" else 1

    def state_info(self, batch_size: int = 0) -> List[dict]:
        """One entry per state: shape (num_layers * directions, batch, width), layout LNC;
        the width is the hidden size, or for a projected LSTM's h the projection size."""
        widths = [self._projection_size or self._hidden_size, self._hidden_size]
        return [
            {
                "shape": (self._num_layers * self._dir, batch_size, width),
                "__layout__": "LNC",
                "dtype": self._dtype,
            }
            for width in widths[: self._num_states()]
        ]

    def begin_state(self, batch_size: int = 0, func: Any = nd.zeros, **kwargs: Any) -> list:
        """The initial states, one ``func(shape=..., **kwargs)`` array per state."""
        states = []
        for i, info in enumerate(self.state_info(batch_size)):
            info = dict(info)
            info.update(kwargs)
            if not getattr(func, "__module__", "").startswith("gluonlite.symbol"):
                info.pop("__layout__", None)  # a graph keeps it as a node attribute
            states.append(func(name="%sh0_%d" % (self.prefix, i), **info))
        return states

    def _check_input(self, inputs: Any) -> None:
        if not isinstance(inputs, nd.NDArray) or inputs.ndim != 3:
            shape = tuple(inputs.shape) if hasattr(inputs, "shape") else type(inputs).__name__
            raise MXNetError(
                "%s layer '%s' expects a 3-D input in layout %r (%s), got shape %s"
                % (
                    type(self).__name__,
                    self.name,
                    self._layout,
                    "sequence length, batch, features"
                    if self._layout == "TNC"
                    else "batch, sequence length, features",
                    shape,
                )
            )
        weight_shape = self.l0_i2h_weight._shape  # 0 when still unknown, in every mode
        assert weight_shape is not None  # given in __init__
        expected = weight_shape[1]
        if expected and inputs.shape[2] != expected:
            raise MXNetError(
                "%s layer '%s' has input_size=%d (parameter '%s' of shape %s) but got an input "
                "of shape %s with %d features on its last axis"
                % (
                    type(self).__name__,
                    self.name,
                    expected,
                    self.l0_i2h_weight.name,
                    self.l0_i2h_weight.shape,
                    tuple(inputs.shape),
                    inputs.shape[2],
                )
            )

    def __call__(  # type: ignore[override]  # MXNet's (inputs, states) where Block has *args
        self, inputs: Any, states: Any = None, sequence_length: Any = None, **kwargs: Any
    ) -> Any:
        """``layer(x)`` returns the output; ``layer(x, states)`` returns (output, states)."""
        if isinstance(inputs, Symbol):
            return self._call_symbolic(inputs, states, sequence_length)
        if (sequence_length is not None) != self._use_sequence_length:
            raise ValueError(
                "%s: sequence_length is given exactly when the layer was made with "
                "use_sequence_length=True (it is %s, and sequence_length is %s)"
                % (type(self).__name__, self._use_sequence_length, type(sequence_length).__name__)
            )
        self._check_input(inputs)
        skip_states = states is None
        batch_size = inputs.shape[self._layout.find("N")]
        if skip_states:
            states = self.begin_state(batch_size, ctx=inputs.context, dtype=inputs.dtype)
        if isinstance(states, nd.NDArray):
            states = [states]
        states = list(states)
        infos = self.state_info(batch_size)
        if len(states) != len(infos):
            raise ValueError(
                "%s layer '%s' takes %d state arrays, got %d"
                % (type(self).__name__, self.name, len(infos), len(states))
            )
        for state, info in zip(states, infos):
            if tuple(state.shape) != info["shape"]:
                raise ValueError(
                    "Invalid recurrent state shape. Expecting %s, got %s."
                    % (str(info["shape"]), str(tuple(state.shape)))
                )
        if sequence_length is not None:  # an input of the block, as in MXNet
            outputs, new_states = super().__call__(inputs, states, sequence_length)
        else:
            outputs, new_states = super().__call__(inputs, states)
        return outputs if skip_states else (outputs, new_states)

    def _call_symbolic(self, inputs: Any, states: Any, sequence_length: Any = None) -> Any:
        from ... import symbol

        skip_states = states is None
        if skip_states:  # zero states whose batch size the graph reads off the input
            states = self.begin_state(0, func=symbol.zeros)
        if isinstance(states, Symbol):
            states = [states]
        extra = (sequence_length,) if sequence_length is not None else ()
        outputs, new_states = super().__call__(inputs, list(states), *extra)
        return outputs if skip_states else (outputs, new_states)

    def _symbolic_forward_rnn(
        self, F: Any, inputs: Any, states: Any, sequence_length: Any, params: Dict[str, Any]
    ) -> Any:
        """The graph MXNet exports for the layer: every parameter flattened into one packed
        vector (weights, then biases; layer by layer; l then r; i2h then h2h) and one fused
        ``RNN`` node, so the files load in MXNet."""
        if self._layout == "NTC":
            inputs = F.swapaxes(inputs, dim1=0, dim2=1)
        # nd.RNN's packing order (the input size does not change the names)
        blocks = rnn_op._packing(
            self._gates, self._num_layers, self._dir, self._hidden_size, 0, self._projection_size
        )
        packed = [params[name].reshape(-1) for name, _ in blocks]
        flat = F._internal._rnn_param_concat(*packed, dim=0)
        rnn = F.RNN(
            inputs,
            flat,
            *states,
            state_size=self._hidden_size,
            projection_size=self._projection_size,
            num_layers=self._num_layers,
            bidirectional=self._dir == 2,
            p=self._dropout,
            state_outputs=True,
            mode=self._mode,
            lstm_state_clip_min=self._clip_range[0],
            lstm_state_clip_max=self._clip_range[1],
            lstm_state_clip_nan=self._clip_nan,
            use_sequence_length=sequence_length is not None,
            **({"sequence_length": sequence_length} if sequence_length is not None else {}),
        )
        outputs = rnn[0]
        new_states = [rnn[1], rnn[2]] if self._mode == "lstm" else [rnn[1]]
        if self._layout == "NTC":
            outputs = F.swapaxes(outputs, dim1=0, dim2=1)
        return outputs, new_states

    def infer_shape(self, inputs: Any, *args: Any) -> None:
        """input_size = the input's last axis (the first layer's i2h weights)."""
        rows = self._gates * self._hidden_size
        for direction in ["l", "r"][: self._dir]:
            getattr(self, direction + "0_i2h_weight").shape = (rows, inputs.shape[2])

    def hybrid_forward(  # type: ignore[override]  # MXNet's signature: states, then parameters
        self, F: Any, inputs: Any, states: Any, sequence_length: Any = None, **params: Any
    ) -> Any:
        if isinstance(inputs, Symbol):
            return self._symbolic_forward_rnn(F, inputs, states, sequence_length, params)
        if self._layout == "NTC":
            inputs = F.swapaxes(inputs, dim1=0, dim2=1)
        lstm = self._mode == "lstm"
        lengths = None
        if sequence_length is not None:
            lengths = rnn_op.sequence_lengths(
                sequence_length, inputs.shape[0], inputs.shape[1], inputs.context
            )
        x, h_out, c_out = rnn_op.run_stack(
            inputs,
            states[0],
            states[1] if lstm else None,
            params.get,
            self._mode,
            self._num_layers,
            self._dir,
            (lambda v: F.Dropout(v, p=self._dropout)) if self._dropout > 0 else (lambda v: v),
            lengths,
            self._clip_range,
            self._clip_nan,
        )
        if self._layout == "NTC":
            x = F.swapaxes(x, dim1=0, dim2=1)
        new_states = [F.stack(*h_out, axis=0)]
        if lstm:
            new_states.append(F.stack(*c_out, axis=0))
        return x, new_states


class RNN(_RNNLayer):
    """Multi-layer Elman RNN, ``h_t = activation(W_i x_t + b_i + W_h h_{t-1} + b_h)`` with
    activation 'relu' (MXNet's default) or 'tanh'."""

    def __init__(
        self,
        hidden_size: int,
        num_layers: int = 1,
        activation: str = "relu",
        layout: str = "TNC",
        dropout: float = 0,
        bidirectional: bool = False,
        i2h_weight_initializer: Any = None,
        h2h_weight_initializer: Any = None,
        i2h_bias_initializer: Any = "zeros",
        h2h_bias_initializer: Any = "zeros",
        input_size: int = 0,
        dtype: Any = "float32",
        **kwargs: Any,
    ) -> None:
        if activation not in ("relu", "tanh"):
            raise MXNetError("RNN: activation must be 'relu' or 'tanh', got %r" % (activation,))
        super().__init__(
            hidden_size,
            num_layers,
            layout,
            dropout,
            bidirectional,
            input_size,
            i2h_weight_initializer,
            h2h_weight_initializer,
            i2h_bias_initializer,
            h2h_bias_initializer,
            "rnn_" + activation,
            None,
            None,
            dtype,
            **kwargs,
        )

    def _alias(self) -> str:
        return "rnn"


class LSTM(_RNNLayer):
    """Multi-layer LSTM; gates i, f, g, o stacked in that order (MXNet's and cuDNN's).

    With ``projection_size`` (LSTMP) the hidden state is projected, ``h = h2r_weight r``;
    ``state_clip_min/max`` clip the cell state at every step (``state_clip_nan``: a NaN
    becomes the minimum), which MXNet's CPU op ignores."""

    def __init__(
        self,
        hidden_size: int,
        num_layers: int = 1,
        layout: str = "TNC",
        dropout: float = 0,
        bidirectional: bool = False,
        input_size: int = 0,
        i2h_weight_initializer: Any = None,
        h2h_weight_initializer: Any = None,
        i2h_bias_initializer: Any = "zeros",
        h2h_bias_initializer: Any = "zeros",
        projection_size: Optional[int] = None,
        h2r_weight_initializer: Any = None,
        state_clip_min: Any = None,
        state_clip_max: Any = None,
        state_clip_nan: bool = False,
        dtype: Any = "float32",
        **kwargs: Any,
    ) -> None:
        kwargs["_state_clip"] = (state_clip_min, state_clip_max, state_clip_nan)
        super().__init__(
            hidden_size,
            num_layers,
            layout,
            dropout,
            bidirectional,
            input_size,
            i2h_weight_initializer,
            h2h_weight_initializer,
            i2h_bias_initializer,
            h2h_bias_initializer,
            "lstm",
            projection_size,
            h2r_weight_initializer,
            dtype,
            **kwargs,
        )

    def _alias(self) -> str:
        return "lstm"


class GRU(_RNNLayer):
    """Multi-layer GRU; gates r, z, n stacked in that order, with MXNet's (cuDNN's) formula
    ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``."""

    def __init__(
        self,
        hidden_size: int,
        num_layers: int = 1,
        layout: str = "TNC",
        dropout: float = 0,
        bidirectional: bool = False,
        input_size: int = 0,
        i2h_weight_initializer: Any = None,
        h2h_weight_initializer: Any = None,
        i2h_bias_initializer: Any = "zeros",
        h2h_bias_initializer: Any = "zeros",
        dtype: Any = "float32",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            hidden_size,
            num_layers,
            layout,
            dropout,
            bidirectional,
            input_size,
            i2h_weight_initializer,
            h2h_weight_initializer,
            i2h_bias_initializer,
            h2h_bias_initializer,
            "gru",
            None,
            None,
            dtype,
            **kwargs,
        )

    def _alias(self) -> str:
        return "gru"
