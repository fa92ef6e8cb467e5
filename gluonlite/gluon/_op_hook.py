"""``HybridBlock.register_op_hook``: a callback for every operator a hybridized block runs.

MXNet calls ``callback(name, op_name, array)`` from its cached op after each node, with the
node's output, and with monitor_all=True also before it with each input. The names are
bytes, as MXNet passes them (``mx.base.py_str`` decodes them); the array is the NDArray
itself (MXNet passes a raw handle). The suffixes follow MXNet 1.9.1 (probed): an
operator that names its outputs reports ``<node>_output``, others ``<node>_<index>``; an
operator that names its inputs reports ``<node>_<input name>`` (``data``, ``weight``,
``lhs``...), others ``<node>_input<i>``.
"""

from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence

# Operators whose outputs MXNet names ("output"), and those whose inputs it names (the rest
# report positions), as its op hook shows them.
_NAMED_OUTPUTS = frozenset(
    [
        "Activation",
        "BatchNorm",
        "Concat",
        "Convolution",
        "Deconvolution",
        "Dropout",
        "FullyConnected",
        "InstanceNorm",
        "LayerNorm",
        "GroupNorm",
        "LeakyReLU",
        "Pooling",
        "SoftmaxOutput",
        "elemwise_add",
        "softmax",
    ]
)
_NAMED_INPUTS = frozenset(
    [
        "BatchNorm",
        "Convolution",
        "Deconvolution",
        "Dropout",
        "Embedding",
        "FullyConnected",
        "InstanceNorm",
        "LayerNorm",
        "GroupNorm",
        "LeakyReLU",
        "Pooling",
        "SoftmaxOutput",
        "batch_dot",
        "broadcast_add",
        "broadcast_div",
        "broadcast_mul",
        "broadcast_sub",
        "dot",
        "elemwise_add",
        "elemwise_div",
        "elemwise_mul",
        "elemwise_sub",
        "log_softmax",
        "softmax",
    ]
)


def input_labels(node: Any) -> List[str]:
    """The names MXNet's hook gives ``node``'s inputs."""
    count = len(node.inputs)
    if node.op == "Concat":
        return ["arg%d" % i for i in range(count)]
    names = node.input_names
    if node.op in _NAMED_INPUTS and names is not None and len(names) >= count:
        return list(names[:count])
    return ["input%d" % i for i in range(count)]


def output_label(node: Any, index: int) -> str:
    """The name MXNet's hook gives ``node``'s output ``index``."""
    if node.op in _NAMED_OUTPUTS:
        return "output" if index == 0 else "output%d" % index
    return str(index)


def monitored_replay(
    steps: Sequence[Any],
    nodes: Sequence[Any],
    values: List[Optional[List[Any]]],
    callback: Callable[[bytes, bytes, Any], Any],
    monitor_all: bool,
) -> None:
    """Runs the steps (filling ``values`` by slot) and calls ``callback`` around each."""
    for (step, refs, slot), node in zip(steps, nodes):
        arrays = [values[s][i] for s, i in refs]
        op = node.op.encode()
        if monitor_all:
            for label, array in zip(input_labels(node), arrays):
                callback(("%s_%s" % (node.name, label)).encode(), op, array)
        outputs = step(*arrays)
        values[slot] = outputs
        for index, array in enumerate(outputs):
            callback(("%s_%s" % (node.name, output_label(node, index))).encode(), op, array)
