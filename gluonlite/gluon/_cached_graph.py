"""What ``hybridize()`` runs: the block's traced graph, replayed step by step.

The first call of a hybridized block runs imperatively (finishing deferred
initialization), then ``hybrid_forward`` is traced with ``F = mx.sym`` into a graph, and
the graph is compiled into a flat list of steps (see ``symbol/lowering.py``). Later calls
with the same input structure replay those steps: no Block calls, no parameter gathering
per child, no argument parsing per operator. The steps are the core calls the imperative
path makes, so outputs (and, through autograd, gradients) are identical.

Each run of consecutive steps that have C++ kernels is one ``_core.GraphPlan``: the replay
calls it once and the operators run in C++ back to back, without the GIL for large inputs,
each intermediate dropped at its last use so its buffer is reused by the next steps (and,
through the caching allocator, by the next call). Operators without a kernel run as Python
steps between plans; for the usual layers (Dense, Conv, Pooling, BatchNorm, activations,
arithmetic) the whole graph is one plan.

A block whose ``hybrid_forward`` cannot be traced (it reads values or shapes of its
inputs, for instance) keeps running imperatively; a warning names the block and the
reason once.
"""

from __future__ import annotations

import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .. import _core
from ..symbol.lowering import lower
from ..symbol.symbol import Symbol, topological
from ..symbol.symbol import var as _var
from ._op_hook import monitored_replay
from .utils import _flat_values

# False: every step runs from Python (the replay before graph plans; benchmarks compare)
USE_PLANS = True


def flatten_inputs(args: Sequence[Any], into: List[Any], fmt: List[Any]) -> None:
    """Arrays (and Nones) of nested lists in order; ``fmt`` records the nesting."""
    for arg in args:
        if isinstance(arg, (list, tuple)):
            inner: List[Any] = []
            flatten_inputs(arg, into, inner)
            fmt.append((type(arg), inner))
        else:
            into.append(arg)
            fmt.append(None)


def _array_format(fmt: List[Any]) -> list:
    # MXNet's spelling of an input structure: 0 per array, a list per nested list, no Nones
    return [0 if item is None else _array_format(item[1]) for item in fmt]


def structure_key(flat: List[Any], fmt: List[Any]) -> Tuple[Any, Any]:
    """(where the Nones are, MXNet's format without them) of one call's inputs."""
    nones = tuple(a is None for a in flat)
    return nones, _strip(_array_format(fmt), iter(nones))


def _strip(fmt: list, nones: Any) -> list:
    out: list = []
    for item in fmt:
        if isinstance(item, list):
            out.append(_strip(item, nones))
        elif not next(nones):
            out.append(item)
    return out


def _symbolic_args(fmt: List[Any], names: List[str], values: List[Any], at: List[int]) -> list:
    out: list = []
    for item in fmt:
        if item is None:
            value = values[at[0]]
            out.append(None if value is None else _var(names[at[0]]))
            at[0] += 1
        else:
            kind, inner = item
            out.append(kind(_symbolic_args(inner, names, values, at)))
    return out


def _output_format(out: Any) -> Any:
    if isinstance(out, (list, tuple)):
        return (type(out), [_output_format(o) for o in out])
    return None


def _regroup(fmt: Any, flat: List[Any], at: List[int]) -> Any:
    if fmt is None:
        value = flat[at[0]]
        at[0] += 1
        return value
    kind, inner = fmt
    return kind(_regroup(item, flat, at) for item in inner)


def input_names(present: Sequence[bool]) -> List[str]:
    """MXNet's names for a traced block's inputs: ``data`` when there is one array,
    ``data0``, ``data1``, ... by position when there are several ('' where an input is None)."""
    if sum(present) == 1:
        return ["data" if p else "" for p in present]
    return ["data%d" % i for i in range(len(present))]


class CachedGraph:
    """One traced and compiled forward of a block, for one input structure."""

    replays = True

    def __init__(
        self, block: Any, flat: List[Any], fmt: List[Any], out: Any, group: int = 0
    ) -> None:
        self.key = structure_key(flat, fmt)
        names = input_names([a is not None for a in flat])
        args = _symbolic_args(fmt, names, flat, [0])
        traced = block(*args)
        heads = _flat_values(traced)
        if any(not isinstance(h, Symbol) for h in heads):
            raise TypeError("hybrid_forward returned something other than Symbols when traced")
        self.out_format = _output_format(out)
        graph_heads = [h._heads[0] for h in heads]
        nodes = topological(graph_heads)
        slot = {id(node): i for i, node in enumerate(nodes)}
        self.num_slots = len(nodes)
        params = block.collect_params()
        self.inputs: List[Tuple[int, int]] = []  # (slot, flat input index)
        self.params: List[Tuple[int, Any]] = []  # (slot, Parameter)
        self.steps: List[Tuple[Any, List[Tuple[int, int]], int]] = []
        self.kernels: List[Any] = []  # each step's _core.GraphKernel, or None
        self.step_nodes: List[Any] = []  # the graph node of each step (op hooks name them)
        input_index = {name: i for i, name in enumerate(names) if name}
        for node in nodes:
            if node.is_variable:
                if node.name in input_index:
                    self.inputs.append((slot[id(node)], input_index[node.name]))
                elif node.name in params._params:
                    self.params.append((slot[id(node)], params._params[node.name]))
                else:
                    raise TypeError(
                        "the traced graph reads '%s', which is neither an input "
                        "nor a parameter of the block" % node.name
                    )
            else:
                refs = [(slot[id(child)], index) for child, index in node.inputs]
                step, kernel = lower(node)
                self.steps.append((step, refs, slot[id(node)]))
                self.kernels.append(kernel)
                self.step_nodes.append(node)
        self.heads = [(slot[id(node)], index) for node, index in graph_heads]
        self._replay = self._compile()
        # MXNet records a call of a graph with more operators than inline_limit as one
        # _CachedOp node: autograd.get_symbol shows it so (record_groups).
        limit = dict(getattr(block, "_flags", ())).get("inline_limit", 2)
        number = group if group else register_group(block.name)
        GROUP_NAMES[number][1] = len(self.steps) > limit
        self.group = number if GROUP_NAMES[number][1] else 0

    def _compile(self) -> Any:
        """The replay as one generated function: a line per C++ plan (a run of steps with
        kernels) or Python step, a variable per value, so a call costs the core and little
        else. ``self.plans`` keeps the plans (tests read their memory plan)."""
        env: Dict[str, Any] = {}
        lines = ["def replay(flat, key):"]
        native = set()  # slots whose values are variables a<slot>_<index>, not tuples
        for slot, index in self.inputs:
            lines.append("    a%d_0 = flat[%d]" % (slot, index))
            native.add(slot)
        for slot, param in self.params:
            env["P%d" % slot] = param
            # the parameter's array on the input's device (KeyError/TypeError: not there)
            lines.append("    a%d_0 = P%d._data[P%d._ctx_map[key]]" % (slot, slot, slot))
            native.add(slot)

        def value(ref: Tuple[int, int]) -> str:
            return ("a%d_%d" if ref[0] in native else "v%d[%d]") % ref

        self.plans: List[Any] = []
        kernels = self.kernels if USE_PLANS else [None] * len(self.steps)
        i = 0
        while i < len(self.steps):
            if kernels[i] is None:
                step, refs, slot = self.steps[i]
                env["s%d" % i] = step
                lines.append("    v%d = s%d(%s)" % (slot, i, ", ".join(map(value, refs))))
                i += 1
                continue
            end = i
            while end < len(self.steps) and kernels[end] is not None:
                end += 1
            lines.append(self._plan_line(i, end, value, env))
            native.update(slot for _, _, slot in self.steps[i:end])
            i = end
        lines.append("    return [%s]" % ", ".join(map(value, self.heads)))
        exec(compile("\n".join(lines), "<hybridized graph>", "exec"), env)  # noqa: S102
        # taken out of its own globals: env -> replay -> env would be a reference cycle,
        # holding a dropped network's parameters until a garbage collection
        return env.pop("replay")

    def _plan_line(self, begin: int, end: int, value: Any, env: Dict[str, Any]) -> str:
        """Steps begin..end as one _core.GraphPlan, and the replay line that runs it."""
        inside = {slot for _, _, slot in self.steps[begin:end]}
        inputs: List[Tuple[int, int]] = []
        for _, refs, _ in self.steps[begin:end]:
            inputs.extend(r for r in refs if r[0] not in inside and r not in inputs)
        used_after = [r for _, refs, _ in self.steps[end:] for r in refs] + self.heads
        outputs: List[Tuple[int, int]] = []
        for ref in used_after:
            if ref[0] in inside and ref not in outputs:
                outputs.append(ref)
        plan = _core.GraphPlan(len(inputs))
        register = {ref: r for r, ref in enumerate(inputs)}
        for (_, refs, slot), kernel in zip(self.steps[begin:end], self.kernels[begin:end]):
            for k, r in enumerate(plan.add(kernel, [register[ref] for ref in refs])):
                register[(slot, k)] = r
        plan.finish([register[ref] for ref in outputs])
        self.plans.append(plan)
        env["g%d" % begin] = plan.run
        targets = "".join("a%d_%d, " % ref for ref in outputs)
        call = "g%d([%s])" % (begin, ", ".join(map(value, inputs)))
        return "    %s = %s" % (targets, call) if outputs else "    " + call

    def __call__(
        self, flat: List[Any], first: Any, op_hook: Optional[Tuple[Any, bool]] = None
    ) -> Any:
        tagged = enter_group(self.group)
        try:
            if op_hook is not None:
                outputs = self._call_checked(flat, first, op_hook)
            else:
                try:
                    outputs = self._replay(flat, (first._device_type, first._device_id))
                except (KeyError, TypeError):
                    # a parameter not on the input's device (or not initialized): the slow
                    # path, whose param.data(ctx) raises MXNet's error for it
                    outputs = self._call_checked(flat, first)
        finally:
            if tagged:
                _core.set_record_group(0)
        if self.out_format is None:
            return outputs[0]
        return _regroup(self.out_format, outputs, [0])

    def _call_checked(
        self, flat: List[Any], first: Any, op_hook: Optional[Tuple[Any, bool]] = None
    ) -> List[Any]:
        values: List[Optional[List[Any]]] = [None] * self.num_slots
        for slot, index in self.inputs:
            values[slot] = [flat[index]]
        for slot, param in self.params:
            values[slot] = [param.data(first.context)]
        if op_hook is not None:
            monitored_replay(self.steps, self.step_nodes, values, op_hook[0], op_hook[1])
            return [values[s][i] for s, i in self.heads]  # type: ignore[index]
        for step, refs, slot in self.steps:
            values[slot] = step(*[values[s][i] for s, i in refs])  # type: ignore[index]
        return [values[s][i] for s, i in self.heads]  # type: ignore[index]


# Record groups: the nodes a hybridized call records are tagged (graph number << 32) | call
# number, so two calls of one graph in one recording stay two _CachedOp nodes. GROUP_NAMES
# maps a graph number to [the block's name, whether its calls show as one node]; the first
# call (imperative, before the graph exists) is tagged too, and the flag is set once the
# graph is built. The outermost hybridized call tags; nested ones leave its tag.
GROUP_NAMES: Dict[int, list] = {}
_calls = [0]


def register_group(name: str) -> int:
    """A new graph number for the block ``name`` (its calls not yet shown as one node)."""
    number = len(GROUP_NAMES) + 1
    GROUP_NAMES[number] = [name, False]
    return number


def enter_group(group: int) -> bool:
    """Tag what is recorded from now on as a new call of graph ``group``, unless nothing is
    recorded or an enclosing hybridized call tags already (that one is the _CachedOp).
    True when this call tags: it clears the tag when it ends (set_record_group(0))."""
    if not group or not _core.is_recording():
        return False
    _calls[0] = (_calls[0] + 1) & 0xFFFFFFFF
    previous = _core.set_record_group((group << 32) | _calls[0])
    if previous:
        _core.set_record_group(previous)
        return False
    return True


class Untraceable:
    """Marks a block whose forward could not be traced: it runs imperatively."""

    replays = False

    def __init__(self, key: Any) -> None:
        self.key = key


def build(block: Any, flat: List[Any], fmt: List[Any], out: Any, group: int = 0) -> Any:
    """A CachedGraph for the block, or Untraceable (with a warning) if tracing fails;
    ``group``: the graph number its first call was tagged with."""
    key = structure_key(flat, fmt)
    try:
        return CachedGraph(block, flat, fmt, out, group)
    except Exception as err:  # tracing runs user code: any failure means "not traceable"
        warnings.warn(
            "hybridize: block '%s' (%s) could not be traced into a graph and runs "
            "imperatively: %s: %s" % (block.name, type(block).__name__, type(err).__name__, err),
            stacklevel=4,
        )
        return Untraceable(key)
