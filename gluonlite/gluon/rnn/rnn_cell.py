"""Recurrent cells (``gluon.rnn``): one time step per call, ``unroll`` for a sequence.

RNNCell, LSTMCell and GRUCell follow MXNet 1.9.1's equations, gate order and parameter
names; they are written with ``nd`` ops (FullyConnected, activations, split), so autograd
gives their gradients. The modifier and container cells (Sequential, Bidirectional,
Dropout, Residual, Zoneout) compose other cells as in MXNet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, List, Optional, cast

from ... import ndarray as nd
from ...base import MXNetError
from ..block import Block, HybridBlock
from ..utils import _indent

__all__ = [
    "RecurrentCell",
    "HybridRecurrentCell",
    "RNNCell",
    "LSTMCell",
    "GRUCell",
    "SequentialRNNCell",
    "HybridSequentialRNNCell",
    "DropoutCell",
    "ModifierCell",
    "ZoneoutCell",
    "ResidualCell",
    "BidirectionalCell",
]


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _format_sequence(length: Optional[int], inputs: Any, layout: str, merge: Optional[bool]):
    """Inputs as a list of (N, C) steps (merge False) or one array with a T axis (True);
    None keeps the form given. Returns (inputs, time axis, batch size)."""
    axis = layout.find("T")
    batch_axis = layout.find("N")
    if isinstance(inputs, nd.NDArray):
        batch_size = inputs.shape[batch_axis]
        if length is not None and inputs.shape[axis] != length:
            raise MXNetError(
                "unroll: the inputs have %d steps along axis %d (layout %r) but "
                "length=%d" % (inputs.shape[axis], axis, layout, length)
            )
        if merge is False:
            steps = inputs.shape[axis]
            parts = nd.split(inputs, num_outputs=steps, axis=axis, squeeze_axis=True)
            inputs = _as_list(parts)
    else:
        inputs = list(inputs)
        if length is not None and len(inputs) != length:
            raise MXNetError("unroll: got %d input steps but length=%d" % (len(inputs), length))
        batch_size = inputs[0].shape[0]
        if merge is True:
            inputs = nd.stack(*inputs, axis=axis)
    return inputs, axis, batch_size


def _step_mask(valid_length: Any, t: int) -> Any:
    """(N, 1) ones where step t is inside the sequence, zeros after its end."""
    return (valid_length > t).astype(valid_length.dtype).reshape((-1, 1))


def _mask_outputs(outputs: list, valid_length: Any, axis: int) -> Any:
    """Zero the outputs past each sequence's valid length (MXNet's SequenceMask) and merge."""
    masked = [out * _step_mask(valid_length, t).astype(out.dtype) for t, out in enumerate(outputs)]
    return nd.stack(*masked, axis=axis)


def _last_valid(per_step: list, valid_length: Any) -> Any:
    """Each batch row's value at its last valid step (MXNet's SequenceLast)."""
    total = None
    for t, value in enumerate(per_step):
        hit = ((valid_length == t + 1).astype(value.dtype)).reshape((-1, 1))
        total = value * hit if total is None else total + value * hit
    return total


def _reverse_steps(steps: list, valid_length: Any) -> list:
    """The steps in reverse order; with ``valid_length`` each sequence is reversed within its
    own length and its padding stays in place (MXNet's SequenceReverse)."""
    if valid_length is None:
        return list(reversed(steps))
    T, N = len(steps), steps[0].shape[0]
    flat = nd.stack(*steps, axis=0).reshape((T * N, -1))
    batch = nd.arange(N, ctx=flat.context, dtype=valid_length.dtype)
    out = []
    for t in range(T):
        inside = valid_length > t
        source = nd.where(inside, valid_length - (t + 1), valid_length * 0 + t)
        out.append(nd.take(flat, source * N + batch, axis=0))
    return out


def _check_unmodified(cell: Any) -> None:
    if cell._modified:
        raise MXNetError(
            "After applying modifier cells (e.g. ZoneoutCell) the base cell "
            "cannot be called directly. Call the modifier cell instead."
        )


def _get_begin_state(cell: Any, begin_state: Any, inputs: Any, batch_size: int) -> list:
    if begin_state is not None:
        return _as_list(begin_state)
    first = inputs[0] if isinstance(inputs, list) else inputs
    return cell.begin_state(batch_size=batch_size, ctx=first.context, dtype=first.dtype)


class RecurrentCell(Block):
    """Base of the recurrent cells: ``cell(inputs, states)`` is one step and returns
    ``(output, new_states)``; ``unroll`` runs a whole sequence."""

    def __init__(self, prefix: Optional[str] = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self._modified = False
        self.reset()

    def reset(self) -> None:
        """Reset the step counters, before a new sequence (``unroll`` calls it)."""
        self._init_counter = -1
        self._counter = -1
        for cell in self._children.values():
            cast(RecurrentCell, cell).reset()  # a recurrent cell's children are cells

    def state_info(self, batch_size: int = 0) -> List[dict]:
        """Shape and layout of each state."""
        raise NotImplementedError()

    def begin_state(self, batch_size: int = 0, func: Any = nd.zeros, **kwargs: Any) -> list:
        """The initial states, one ``func(shape=..., **kwargs)`` array per state."""
        _check_unmodified(self)
        states = []
        for info in self.state_info(batch_size):
            self._init_counter += 1
            info = dict(info or {})
            info.update(kwargs)
            info.pop("__layout__", None)
            states.append(
                func(name="%sbegin_state_%d" % (self._prefix, self._init_counter), **info)
            )
        return states

    def unroll(
        self,
        length: int,
        inputs: Any,
        begin_state: Any = None,
        layout: str = "NTC",
        merge_outputs: Optional[bool] = None,
        valid_length: Any = None,
    ):
        """Run ``length`` steps. ``inputs`` is one array with a T axis (``layout``) or a list
        of (N, C) steps; returns (outputs, states), outputs merged into one array when
        ``merge_outputs`` (None: as the inputs came, merged when ``valid_length`` is given).
        Past a sequence's ``valid_length`` outputs are zero and the states are those of its
        last valid step."""
        self.reset()
        inputs, axis, batch_size = _format_sequence(length, inputs, layout, False)
        states = _get_begin_state(self, begin_state, inputs, batch_size)
        outputs, all_states = [], []
        for i in range(length):
            output, states = self(inputs[i], states)
            outputs.append(output)
            if valid_length is not None:
                all_states.append(states)
        if valid_length is not None:
            states = [_last_valid(list(per_step), valid_length) for per_step in zip(*all_states)]
            outputs = _mask_outputs(outputs, valid_length, axis)
        outputs, _, _ = _format_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def _get_activation(self, F: Any, x: Any, activation: Any, **kwargs: Any) -> Any:
        if isinstance(activation, str):
            return F.Activation(x, act_type=activation, **kwargs)
        return activation(x, **kwargs)

    def __call__(self, inputs: Any, states: Any) -> Any:
        """One step: (output, new states)."""
        self._counter += 1
        return super().__call__(inputs, states)


class HybridRecurrentCell(RecurrentCell, HybridBlock):
    """A recurrent cell whose step is ``hybrid_forward(F, inputs, states, **params)``."""

    def __init__(self, prefix: Optional[str] = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


class _GatedCell(HybridRecurrentCell):
    """What RNNCell, LSTMCell and GRUCell share: the four parameters (``num_gates`` blocks
    of ``hidden_size`` rows each), state_info, deferred input size and the repr."""

    _num_gates = 1
    _num_states = 1

    def __init__(
        self,
        hidden_size: int,
        i2h_weight_initializer: Any,
        h2h_weight_initializer: Any,
        i2h_bias_initializer: Any,
        h2h_bias_initializer: Any,
        input_size: int,
        prefix: Optional[str],
        params: Any,
    ) -> None:
        super().__init__(prefix=prefix, params=params)
        self._hidden_size = hidden_size
        self._input_size = input_size
        rows = self._num_gates * hidden_size
        self.i2h_weight = self.params.get(
            "i2h_weight",
            shape=(rows, input_size),
            init=i2h_weight_initializer,
            allow_deferred_init=True,
        )
        self.h2h_weight = self.params.get(
            "h2h_weight",
            shape=(rows, hidden_size),
            init=h2h_weight_initializer,
            allow_deferred_init=True,
        )
        self.i2h_bias = self.params.get(
            "i2h_bias", shape=(rows,), init=i2h_bias_initializer, allow_deferred_init=True
        )
        self.h2h_bias = self.params.get(
            "h2h_bias", shape=(rows,), init=h2h_bias_initializer, allow_deferred_init=True
        )

    def state_info(self, batch_size: int = 0) -> List[dict]:
        return [
            {"shape": (batch_size, self._hidden_size), "__layout__": "NC"}
            for _ in range(self._num_states)
        ]

    def infer_shape(self, inputs: Any, *args: Any) -> None:
        """input_size = the last axis of the step input."""
        self.i2h_weight.shape = (self._num_gates * self._hidden_size, inputs.shape[-1])

    def _projections(
        self,
        F: Any,
        inputs: Any,
        h: Any,
        i2h_weight: Any,
        i2h_bias: Any,
        h2h_weight: Any,
        h2h_bias: Any,
    ):
        if inputs.ndim != 2 or inputs.shape[1] != i2h_weight.shape[1]:
            raise MXNetError(
                "%s '%s' expects a step input of shape (batch, %d), got %s"
                % (type(self).__name__, self.name, i2h_weight.shape[1], tuple(inputs.shape))
            )
        rows = self._num_gates * self._hidden_size
        i2h = F.FullyConnected(inputs, i2h_weight, i2h_bias, num_hidden=rows)
        h2h = F.FullyConnected(h, h2h_weight, h2h_bias, num_hidden=rows)
        return i2h, h2h

    def _extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        shape = self.i2h_weight.shape
        assert shape is not None  # given in __init__, only its unknown (0) dims change
        return "{name}({mapping}{extra})".format(
            name=self.__class__.__name__,
            extra=self._extra_repr(),
            mapping="{0} -> {1}".format(shape[1] if shape[1] else None, shape[0]),
        )


class RNNCell(_GatedCell):
    """Elman cell: ``h' = activation(W_i x + b_i + W_h h + b_h)``."""

    def __init__(
        self,
        hidden_size: int,
        activation: Any = "tanh",
        i2h_weight_initializer: Any = None,
        h2h_weight_initializer: Any = None,
        i2h_bias_initializer: Any = "zeros",
        h2h_bias_initializer: Any = "zeros",
        input_size: int = 0,
        prefix: Optional[str] = None,
        params: Any = None,
    ) -> None:
        super().__init__(
            hidden_size,
            i2h_weight_initializer,
            h2h_weight_initializer,
            i2h_bias_initializer,
            h2h_bias_initializer,
            input_size,
            prefix,
            params,
        )
        self._activation = activation

    def _alias(self) -> str:
        return "rnn"

    def _extra_repr(self) -> str:
        return ", {}".format(self._activation)

    def hybrid_forward(
        self,
        F: Any,
        inputs: Any,
        states: Any,
        i2h_weight: Any = None,
        h2h_weight: Any = None,
        i2h_bias: Any = None,
        h2h_bias: Any = None,
    ) -> Any:
        i2h, h2h = self._projections(
            F, inputs, states[0], i2h_weight, i2h_bias, h2h_weight, h2h_bias
        )
        output = self._get_activation(F, i2h + h2h, self._activation)
        return output, [output]


class _TwoActivationCell(_GatedCell):
    """LSTMCell and GRUCell: an activation and a recurrent (gate) activation."""

    def __init__(
        self,
        hidden_size: int,
        i2h_weight_initializer: Any = None,
        h2h_weight_initializer: Any = None,
        i2h_bias_initializer: Any = "zeros",
        h2h_bias_initializer: Any = "zeros",
        input_size: int = 0,
        prefix: Optional[str] = None,
        params: Any = None,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
    ) -> None:
        super().__init__(
            hidden_size,
            i2h_weight_initializer,
            h2h_weight_initializer,
            i2h_bias_initializer,
            h2h_bias_initializer,
            input_size,
            prefix,
            params,
        )
        self._activation = activation
        self._recurrent_activation = recurrent_activation


class LSTMCell(_TwoActivationCell):
    """LSTM cell; gates i, f, g, o stacked in that order in the weights (MXNet's)::

    c' = sigmoid(f) * c + sigmoid(i) * tanh(g),   h' = sigmoid(o) * tanh(c')
    """

    _num_gates = 4
    _num_states = 2

    def _alias(self) -> str:
        return "lstm"

    def hybrid_forward(
        self,
        F: Any,
        inputs: Any,
        states: Any,
        i2h_weight: Any = None,
        h2h_weight: Any = None,
        i2h_bias: Any = None,
        h2h_bias: Any = None,
    ) -> Any:
        i2h, h2h = self._projections(
            F, inputs, states[0], i2h_weight, i2h_bias, h2h_weight, h2h_bias
        )
        gate_i, gate_f, gate_g, gate_o = F.split(i2h + h2h, num_outputs=4, axis=1)
        act, rec = self._activation, self._recurrent_activation
        in_gate = self._get_activation(F, gate_i, rec)
        forget_gate = self._get_activation(F, gate_f, rec)
        in_transform = self._get_activation(F, gate_g, act)
        out_gate = self._get_activation(F, gate_o, rec)
        next_c = forget_gate * states[1] + in_gate * in_transform
        next_h = out_gate * self._get_activation(F, next_c, act)
        return next_h, [next_h, next_c]


class GRUCell(_TwoActivationCell):
    """GRU cell; gates r, z, n stacked in that order (MXNet's, as cuDNN)::

    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr),  z = sigmoid(... z ...)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) * n + z * h
    """

    _num_gates = 3

    def _alias(self) -> str:
        return "gru"

    def hybrid_forward(
        self,
        F: Any,
        inputs: Any,
        states: Any,
        i2h_weight: Any = None,
        h2h_weight: Any = None,
        i2h_bias: Any = None,
        h2h_bias: Any = None,
    ) -> Any:
        prev_h = states[0]
        i2h, h2h = self._projections(F, inputs, prev_h, i2h_weight, i2h_bias, h2h_weight, h2h_bias)
        i2h_r, i2h_z, i2h_n = F.split(i2h, num_outputs=3, axis=1)
        h2h_r, h2h_z, h2h_n = F.split(h2h, num_outputs=3, axis=1)
        rec = self._recurrent_activation
        reset_gate = self._get_activation(F, i2h_r + h2h_r, rec)
        update_gate = self._get_activation(F, i2h_z + h2h_z, rec)
        candidate = self._get_activation(F, i2h_n + reset_gate * h2h_n, self._activation)
        next_h = (1.0 - update_gate) * candidate + update_gate * prev_h
        return next_h, [next_h]


# The mixins below are mixed into RecurrentCell subclasses; the type checker sees them as one.
if TYPE_CHECKING:
    _CellMixinBase = RecurrentCell
else:
    _CellMixinBase = object


class _ChildrenStates(_CellMixinBase):
    """state_info and begin_state of a cell made of child cells: the children's, in order."""

    _children: Any

    def state_info(self, batch_size: int = 0) -> List[dict]:
        return sum([c.state_info(batch_size) for c in self._children.values()], [])

    def begin_state(self, batch_size: int = 0, func: Any = nd.zeros, **kwargs: Any) -> list:
        """The children's initial states, in order."""
        _check_unmodified(self)
        return sum(
            [
                c.begin_state(batch_size=batch_size, func=func, **kwargs)
                for c in self._children.values()
            ],
            [],
        )


class _CellContainer(_ChildrenStates):
    """add / indexing / len / repr / stepping shared by the sequential cells."""

    _children: Any

    def add(self, cell: Any) -> None:
        """Append a cell."""
        self.register_child(cell)

    def __getitem__(self, i: int) -> Any:
        return list(self._children.values())[i]

    def __len__(self) -> int:
        return len(self._children)

    def __repr__(self) -> str:
        modstr = "\n".join(
            "({i}): {m}".format(i=i, m=_indent(repr(m), 2)) for i, m in self._children.items()
        )
        return "{name}(\n{modstr}\n)".format(name=self.__class__.__name__, modstr=modstr)

    def _step(self, inputs: Any, states: Any) -> Any:
        next_states, at = [], 0
        for cell in self._children.values():
            n = len(cell.state_info())
            inputs, state = cell(inputs, states[at : at + n])
            at += n
            next_states.extend(state)
        return inputs, next_states

    def unroll(
        self,
        length: int,
        inputs: Any,
        begin_state: Any = None,
        layout: str = "NTC",
        merge_outputs: Optional[bool] = None,
        valid_length: Any = None,
    ):
        """Unroll each cell over the whole sequence in turn."""
        self.reset()
        inputs, _, batch_size = _format_sequence(length, inputs, layout, None)
        begin_state = _get_begin_state(self, begin_state, inputs, batch_size)
        cells = list(self._children.values())
        at, next_states = 0, []
        for i, cell in enumerate(cells):
            n = len(cell.state_info())
            inputs, states = cell.unroll(
                length,
                inputs,
                begin_state=begin_state[at : at + n],
                layout=layout,
                valid_length=valid_length,
                merge_outputs=None if i < len(cells) - 1 else merge_outputs,
            )
            at += n
            next_states.extend(states)
        return inputs, next_states


class SequentialRNNCell(_CellContainer, RecurrentCell):
    """Stack cells: each step feeds one cell's output to the next."""

    def __init__(self, prefix: Optional[str] = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)

    def __call__(self, inputs: Any, states: Any) -> Any:
        self._counter += 1
        return self._step(inputs, states)

    def forward(self, inputs: Any, states: Any) -> Any:
        return self._step(inputs, states)


class HybridSequentialRNNCell(_CellContainer, HybridRecurrentCell):
    """Stack hybrid cells: each step feeds one cell's output to the next."""

    def __init__(self, prefix: Optional[str] = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)

    def __call__(self, inputs: Any, states: Any) -> Any:
        self._counter += 1
        return self._step(inputs, states)

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:
        return self._step(inputs, states)


class DropoutCell(HybridRecurrentCell):
    """Dropout on the inputs (while training); no state."""

    def __init__(
        self, rate: float, axes: tuple = (), prefix: Optional[str] = None, params: Any = None
    ) -> None:
        super().__init__(prefix, params)
        if not isinstance(rate, (int, float)):
            raise TypeError("DropoutCell: rate must be a number, got %r" % (rate,))
        self._rate = rate
        self._axes = axes

    def _alias(self) -> str:
        return "dropout"

    def __repr__(self) -> str:
        return "{name}(rate={_rate}, axes={_axes})".format(
            name=self.__class__.__name__, **self.__dict__
        )

    def state_info(self, batch_size: int = 0) -> List[dict]:
        return []

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:
        if self._rate > 0:
            inputs = F.Dropout(inputs, p=self._rate, axes=self._axes)
        return inputs, states


class ModifierCell(HybridRecurrentCell):
    """Base of the cells that wrap another one (``base_cell``) and share its parameters."""

    def __init__(self, base_cell: Any) -> None:
        if base_cell._modified:
            raise MXNetError(
                "Cell %s is already modified. One cell cannot be modified twice" % base_cell.name
            )
        base_cell._modified = True
        super().__init__(prefix=base_cell.prefix + self._alias(), params=None)
        self.base_cell = base_cell

    @property
    def params(self) -> Any:
        return self.base_cell.params

    def state_info(self, batch_size: int = 0) -> List[dict]:
        return self.base_cell.state_info(batch_size)

    def begin_state(self, batch_size: int = 0, func: Any = nd.zeros, **kwargs: Any) -> list:
        """The base cell's initial states."""
        self.base_cell._modified = False
        try:
            return self.base_cell.begin_state(batch_size=batch_size, func=func, **kwargs)
        finally:
            self.base_cell._modified = True

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:
        raise NotImplementedError

    def __repr__(self) -> str:
        return "{name}({base_cell})".format(name=self.__class__.__name__, base_cell=self.base_cell)


class ZoneoutCell(ModifierCell):
    """Zoneout (Krueger et al.): while training, each output / state unit keeps its previous
    value with probability ``zoneout_outputs`` / ``zoneout_states``."""

    def __init__(
        self, base_cell: Any, zoneout_outputs: float = 0.0, zoneout_states: float = 0.0
    ) -> None:
        if isinstance(base_cell, BidirectionalCell):
            raise MXNetError(
                "BidirectionalCell doesn't support zoneout since it doesn't "
                "support step. Please add ZoneoutCell to the cells underneath "
                "instead."
            )
        super().__init__(base_cell)
        self.zoneout_outputs = zoneout_outputs
        self.zoneout_states = zoneout_states
        self._prev_output = None

    def _alias(self) -> str:
        return "zoneout"

    def __repr__(self) -> str:
        return "{name}(p_out={zoneout_outputs}, p_state={zoneout_states}, {base_cell})".format(
            name=self.__class__.__name__,
            zoneout_outputs=self.zoneout_outputs,
            zoneout_states=self.zoneout_states,
            base_cell=self.base_cell,
        )

    def reset(self) -> None:
        super().reset()
        self._prev_output = None

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:
        next_output, next_states = self.base_cell(inputs, states)

        def keep_new(p: float, like: Any) -> Any:
            return F.Dropout(F.ones_like(like), p=p)

        prev_output = self._prev_output
        if prev_output is None:
            prev_output = F.zeros_like(next_output)
        output = next_output
        if self.zoneout_outputs != 0.0:
            output = F.where(keep_new(self.zoneout_outputs, next_output), next_output, prev_output)
        if self.zoneout_states != 0.0:
            next_states = [
                F.where(keep_new(self.zoneout_states, new), new, old)
                for new, old in zip(next_states, states)
            ]
        self._prev_output = output
        return output, next_states


class ResidualCell(ModifierCell):
    """Adds the input to the base cell's output (He et al.): output = cell(x) + x."""

    def _alias(self) -> str:
        return "residual"

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:
        output, states = self.base_cell(inputs, states)
        return output + inputs, states

    def unroll(
        self,
        length: int,
        inputs: Any,
        begin_state: Any = None,
        layout: str = "NTC",
        merge_outputs: Optional[bool] = None,
        valid_length: Any = None,
    ):
        """Unroll the base cell, then add the inputs to its outputs."""
        self.reset()
        self.base_cell._modified = False
        try:
            outputs, states = self.base_cell.unroll(
                length,
                inputs=inputs,
                begin_state=begin_state,
                layout=layout,
                merge_outputs=merge_outputs,
                valid_length=valid_length,
            )
        finally:
            self.base_cell._modified = True
        merge_outputs = isinstance(outputs, nd.NDArray) if merge_outputs is None else merge_outputs
        inputs, axis, _ = _format_sequence(length, inputs, layout, merge_outputs)
        if valid_length is not None:
            inputs = _mask_outputs(
                _as_list(_format_sequence(length, inputs, layout, False)[0]), valid_length, axis
            )
        if merge_outputs:
            outputs = outputs + inputs
        else:
            outputs = [o + i for o, i in zip(outputs, inputs)]
        return outputs, states


class BidirectionalCell(_ChildrenStates, HybridRecurrentCell):
    """Run ``l_cell`` forward and ``r_cell`` backward over the sequence and concatenate
    their outputs on the feature axis. Can only be unrolled, not stepped."""

    def __init__(self, l_cell: Any, r_cell: Any, output_prefix: str = "bi_") -> None:
        super().__init__(prefix="", params=None)
        self.register_child(l_cell, "l_cell")
        self.register_child(r_cell, "r_cell")
        self._output_prefix = output_prefix

    def __call__(self, inputs: Any, states: Any) -> Any:
        raise NotImplementedError("Bidirectional cannot be stepped. Please use unroll")

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:
        raise NotImplementedError("Bidirectional cannot be stepped. Please use unroll")

    def __repr__(self) -> str:
        l_cell, r_cell = self._children.values()
        return "{name}(forward={l_cell}, backward={r_cell})".format(
            name=self.__class__.__name__, l_cell=l_cell, r_cell=r_cell
        )

    def unroll(
        self,
        length: int,
        inputs: Any,
        begin_state: Any = None,
        layout: str = "NTC",
        merge_outputs: Optional[bool] = None,
        valid_length: Any = None,
    ):
        """Unroll l_cell over the sequence and r_cell over it reversed (each sequence within
        its ``valid_length``); outputs are concatenated per step, the reverse outputs put
        back in time order. MXNet 1.9.1 fails here with ``valid_length`` and layout 'NTC'
        (it stacks the reverse outputs on the wrong axis); gluonlite does not."""
        self.reset()
        inputs, axis, batch_size = _format_sequence(length, inputs, layout, False)
        states = _get_begin_state(self, begin_state, inputs, batch_size)
        l_cell, r_cell = self._children.values()
        n_left = len(l_cell.state_info(batch_size))
        l_outputs, l_states = l_cell.unroll(
            length,
            inputs=inputs,
            begin_state=states[:n_left],
            layout=layout,
            merge_outputs=False,
            valid_length=valid_length,
        )
        r_outputs, r_states = r_cell.unroll(
            length,
            inputs=_reverse_steps(inputs, valid_length),
            begin_state=states[n_left:],
            layout=layout,
            merge_outputs=False,
            valid_length=valid_length,
        )
        outputs = [
            nd.concat(l_o, r_o, dim=1)
            for l_o, r_o in zip(l_outputs, _reverse_steps(r_outputs, valid_length))
        ]
        if merge_outputs is None:
            merge_outputs = valid_length is not None  # as MXNet: masking merges
        if merge_outputs:
            outputs = nd.stack(*outputs, axis=axis)
        return outputs, l_states + r_states
