"""``Block.summary``: MXNet 1.9.1's table of layers, output shapes and parameter counts.

The table comes from forward hooks on every block but (Hybrid)Sequential, one row per call,
in the order the calls finish. MXNet infers a deferred HybridBlock's shapes by running its
``hybrid_forward`` once on symbols, which calls the hooks of the blocks inside it (the
Activation of a ``Dense(..., activation='relu')``) with a Symbol as output: those rows read
``<Symbol dense0_relu_fwd>``. gluonlite infers shapes without symbols, so it writes the same
rows itself: one per block called inside the deferred block, placed where MXNet's symbolic
pass would have put them and named after the symbol that block's output would have.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from .. import ndarray as nd

_LINE = "{:>20}  {:>42} {:>15}"


class _SymbolStandIn:
    """Prints as MXNet prints a Symbol in a list: ``<Symbol name>``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return "<Symbol %s>" % self.name

    __str__ = __repr__


class _Row:
    __slots__ = ("block", "outputs", "symbol", "symbolic")

    def __init__(self, block: Any, outputs: Any, symbol: str, symbolic: bool) -> None:
        self.block = block
        self.outputs = outputs
        self.symbol = symbol  # the name MXNet's symbolic pass would give this output
        self.symbolic = symbolic


def _shape_str(value: Any, symbol: Optional[str] = None) -> str:
    """MXNet's rendering: a shape per NDArray (or ``<Symbol ..>``), lists for sequences."""

    def convert(item: Any) -> Any:
        if isinstance(item, (list, tuple)):
            return [convert(i) for i in item]
        if isinstance(item, nd.NDArray):
            return _SymbolStandIn(symbol) if symbol is not None else item.shape
        return item

    converted = convert(value)
    text = str(converted)[1:-1] if isinstance(converted, list) else str(converted)
    return text.replace("L", "")  # as MXNet does (a Python 2 leftover)


def _mxnet_infers_symbolically(block: Any) -> bool:
    """Whether MXNet would run this block's hybrid_forward on symbols to infer its shapes:
    every built-in layer does; a user class with its own infer_shape does not."""
    method = getattr(type(block), "infer_shape", None)
    return getattr(method, "__module__", "").startswith("gluonlite.")


class _Recorder:
    """Collects the rows while the forward runs."""

    def __init__(self) -> None:
        self.rows: List[_Row] = []
        self.call_starts: List[int] = []  # row count when each hooked call began
        self.deferred_starts: Dict[int, List[int]] = {}  # block id -> where MXNet's rows go
        self.probing = 0  # > 0 while gluonlite infers a deferred block's shapes

    def pre_hook(self, block: Any, _inputs: Any) -> None:
        if not self.probing:
            self.call_starts.append(len(self.rows))

    def hook(self, block: Any, _inputs: Any, outputs: Any) -> None:
        if self.probing:
            return
        start = self.call_starts.pop()
        inner = [r for r in self.rows[start:] if not r.symbolic]
        symbol = block.prefix + "fwd"
        if inner and inner[-1].outputs is outputs:  # returns what its last child returned
            symbol = inner[-1].symbol
        pending = self.deferred_starts.get(id(block))
        if pending:  # MXNet's symbolic pass called the same blocks before the real forward
            at = pending.pop()
            real = [r for r in self.rows[at:] if not r.symbolic]
            self.rows[at:at] = [_Row(r.block, r.outputs, r.symbol, True) for r in real]
        self.rows.append(_Row(block, outputs, symbol, False))

    def wrap_deferred(self, block: Any) -> None:
        """Makes ``block._finish_deferred`` note MXNet's symbolic pass and mute the hooks."""
        original = block._finish_deferred
        symbolic = _mxnet_infers_symbolically(block)

        def finish_deferred(*args: Any) -> None:
            if symbolic and not self.probing:
                self.deferred_starts.setdefault(id(block), []).append(len(self.rows))
            self.probing += 1
            try:
                original(*args)
            finally:
                self.probing -= 1

        block.__dict__["_finish_deferred"] = finish_deferred


def print_summary(net: Any, *inputs: Any) -> None:
    """Runs ``net(*inputs)`` with hooks on every block and prints MXNet's summary table."""
    from .block import HybridBlock
    from .nn.basic_layers import HybridSequential, Sequential

    recorder = _Recorder()
    handles = []
    wrapped = []

    def register(block: Any) -> None:
        if isinstance(block, HybridBlock) and block._active:
            raise AssertionError('"{}" must not be hybridized to print summary.'.format(block.name))
        if isinstance(block, (Sequential, HybridSequential)):
            return
        # a fresh pair per visit: a block added twice gets two rows per call, as in MXNet
        handles.append(block.register_forward_pre_hook(lambda b, x: recorder.pre_hook(b, x)))
        handles.append(block.register_forward_hook(lambda b, x, y: recorder.hook(b, x, y)))
        if isinstance(block, HybridBlock) and "_finish_deferred" not in block.__dict__:
            recorder.wrap_deferred(block)
            wrapped.append(block)

    try:
        net.apply(register)
        net(*inputs)
        _print_table(_shape_str(inputs), recorder.rows)
    finally:
        for handle in handles:
            handle.detach()
        for block in wrapped:
            block.__dict__.pop("_finish_deferred", None)


def _print_table(input_shapes: str, rows: List[_Row]) -> None:
    seen = set()
    total = trainable = shared = 0
    lines = [_LINE.format("Input", input_shapes, 0)]
    for index, row in enumerate(rows, 1):
        count = 0
        for param in row.block.params.values():
            size = param.data().size
            count += size
            trainable += 0 if param.grad_req == "null" else size
            if param in seen:
                shared += size
            else:
                seen.add(param)
        total += count
        symbol = row.symbol if row.symbolic else None
        name = "%s-%i" % (type(row.block).__name__, index)
        lines.append(_LINE.format(name, _shape_str(row.outputs, symbol), count))
    print("-" * 80)
    print(_LINE.format("Layer (type)", "Output Shape", "Param #"))
    print("=" * 80)
    for line in lines:
        print(line)
    print("=" * 80)
    print("Parameters in forward computation graph, duplicate included")
    print("   Total params: " + str(total))
    print("   Trainable params: " + str(trainable))
    print("   Non-trainable params: " + str(total - trainable))
    print("Shared params in forward computation graph: " + str(shared))
    print("Unique parameters in model: " + str(total - shared))
    print("-" * 80)
