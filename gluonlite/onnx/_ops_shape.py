"""Converters for MXNet's shape and layout ops: reshape, transpose, concatenation,
slicing, splitting, padding and broadcasting."""

from __future__ import annotations

import math
from typing import List, Optional, Tuple

from ._builder import INT64_MAX, Builder, expect_inputs, register, unsupported
from ._graph import Node

# ---- shape and layout ----------------------------------------------------------------------


@register("Flatten", "flatten")
def flatten(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    return [ctx.op("Flatten", inputs, out=ctx.output(node), axis=1)]


@register("Concat", "concat")
def concat(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    return [ctx.op("Concat", inputs, out=ctx.output(node), axis=node.integer("dim", 1))]


@register("stack")
def stack(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    axis = node.integer("axis", 0)
    expanded = [ctx.op("Unsqueeze", [t, ctx.int64s([axis])]) for t in inputs]
    return [ctx.op("Concat", expanded, out=ctx.output(node), axis=axis)]


def _reshape_shape(node: Node, shape: Tuple[Optional[int], ...], codes) -> List[Optional[int]]:
    """The output shape MXNet's Reshape codes give for an input ``shape`` (None: unknown).

    0 copies an input dimension, -1 infers one, -2 copies all remaining ones, -3 merges two
    and -4 splits one into the next two codes (one of them may be -1).
    """
    out: List[Optional[int]] = []
    src, i, inferred = 0, 0, None

    def take(count: int) -> List[Optional[int]]:
        if src + count > len(shape):
            raise unsupported(
                node, "shape=%s reads more dimensions than the input's %d" % (codes, len(shape))
            )
        return list(shape[src : src + count])

    while i < len(codes):
        code = codes[i]
        if code > 0:
            out.append(code)
            src += 1
        elif code == 0:
            out += take(1)
            src += 1
        elif code == -1:
            inferred = len(out)
            out.append(None)
            src += 1
        elif code == -2:
            out += shape[src:]
            src = len(shape)
        elif code == -3:
            first, second = take(2)
            out.append(None if first is None or second is None else first * second)
            src += 2
        elif code == -4:
            if i + 2 >= len(codes):
                raise unsupported(node, "shape=%s: -4 needs two codes after it" % (codes,))
            (dim,) = take(1)
            parts: List[Optional[int]] = [codes[i + 1], codes[i + 2]]
            for k in (0, 1):
                if parts[k] == -1:
                    other = parts[1 - k]
                    parts[k] = None if dim is None or not other else dim // other
            out += parts
            src += 1
            i += 2
        else:
            raise unsupported(node, "shape=%s: unknown code %d" % (codes, code))
        i += 1
    if inferred is not None:
        sizes = [d for d in shape if d is not None]
        rest = [d for k, d in enumerate(out) if k != inferred and d is not None]
        if len(sizes) == len(shape) and len(rest) == len(out) - 1:
            divisor = math.prod(rest)
            out[inferred] = math.prod(sizes) // divisor if divisor else None
    return out


def _reshape_target(ctx: Builder, node: Node, data: str, codes) -> str:
    """MXNet's Reshape codes as a run-time int64 target shape (for dynamic dimensions)."""
    shape = ctx.op("Shape", [data])
    pieces, src, i = [], 0, 0
    while i < len(codes):
        code = codes[i]
        if code > 0 or code == -1:
            pieces.append(ctx.int64s([code]))
            src += 1
        elif code == 0:
            pieces.append(ctx.shape_slice(shape, src, src + 1))
            src += 1
        elif code == -2:
            pieces.append(ctx.shape_slice(shape, src))
        elif code == -3:
            pieces.append(ctx.op("ReduceProd", [ctx.shape_slice(shape, src, src + 2)], keepdims=1))
            src += 2
        else:  # -4, checked by _reshape_shape
            dim = ctx.shape_slice(shape, src, src + 1)
            first, second = codes[i + 1], codes[i + 2]
            if first == -1:
                pieces += [ctx.op("Div", [dim, ctx.int64s([second])]), ctx.int64s([second])]
            elif second == -1:
                pieces += [ctx.int64s([first]), ctx.op("Div", [dim, ctx.int64s([first])])]
            else:
                pieces += [ctx.int64s([first]), ctx.int64s([second])]
            src += 1
            i += 2
        i += 1
    return ctx.op("Concat", pieces, axis=0)


@register("Reshape", "reshape")
def reshape(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    if node.flag("reverse", False):
        raise unsupported(node, "reverse=True")
    codes = node.ints("shape", ())
    if not codes:
        if node.ints("target_shape", ()):
            raise unsupported(node, "the legacy target_shape; give shape instead")
        raise unsupported(node, "no shape given")
    data, out = inputs[0], ctx.output(node)
    shape = _reshape_shape(node, ctx.shape(data), codes)
    if None in shape and all(c > 0 or c in (0, -1) for c in codes):
        # ONNX's Reshape reads 0 and -1 as MXNet does when no other code comes first
        return [ctx.op("Reshape", [data, ctx.int64s(codes)], out=out)]
    return [ctx.reshape(data, shape, lambda: _reshape_target(ctx, node, data, codes), out)]


@register("transpose")
def transpose(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    axes = node.ints("axes", ())
    extra = {"perm": list(axes)} if axes else {}  # no perm: reverse the axes, as MXNet
    return [ctx.op("Transpose", inputs, out=ctx.output(node), **extra)]


@register("expand_dims")
def expand_dims(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    axes = ctx.int64s([node.integer("axis")])
    return [ctx.op("Unsqueeze", [inputs[0], axes], out=ctx.output(node))]


@register("squeeze")
def squeeze(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    axes = node.ints("axis", ())
    extra = [ctx.int64s(axes)] if axes else []
    return [ctx.op("Squeeze", [inputs[0]] + extra, out=ctx.output(node))]


def _slice(ctx: Builder, data: str, out: str, starts, ends, axes, steps) -> str:
    operands = [data, ctx.int64s(starts), ctx.int64s(ends), ctx.int64s(axes), ctx.int64s(steps)]
    return ctx.op("Slice", operands, out=out)


@register("slice_axis")
def slice_axis(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    end = node.integer("end", None)
    end = INT64_MAX if end is None else end
    axis, begin = node.integer("axis"), node.integer("begin")
    return [_slice(ctx, inputs[0], ctx.output(node), [begin], [end], [axis], [1])]


@register("slice", "crop")
def slice_op(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    begin = node.optional_ints("begin")
    end = node.optional_ints("end")
    step = node.optional_ints("step", ()) or (None,) * len(begin)
    if not len(begin) == len(end) == len(step):
        raise unsupported(node, "begin, end and step have different lengths")
    starts, ends, steps = [], [], []
    for b, e, s in zip(begin, end, step):
        s = 1 if s is None else s
        if s == 0:
            raise unsupported(node, "step 0")
        starts.append((0 if s > 0 else INT64_MAX) if b is None else b)
        ends.append((INT64_MAX if s > 0 else -INT64_MAX) if e is None else e)
        steps.append(s)
    return [_slice(ctx, inputs[0], ctx.output(node), starts, ends, range(len(begin)), steps)]


@register("SliceChannel", "split")
def split(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    count = node.integer("num_outputs")
    axis = node.integer("axis", 1)
    if not node.flag("squeeze_axis", False):
        outs = [ctx.output(node, i) for i in range(count)]
        return ctx.multi("Split", inputs, outs, axis=axis)
    parts = ctx.multi("Split", inputs, count, axis=axis)
    axes = ctx.int64s([axis])
    return [ctx.op("Squeeze", [p, axes], out=ctx.output(node, i)) for i, p in enumerate(parts)]


@register("tile")
def tile(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    data, reps = inputs[0], list(node.ints("reps"))
    rank = ctx.rank(data)
    if len(reps) > rank:  # the input gains leading axes of size 1
        data = ctx.op("Unsqueeze", [data, ctx.int64s(range(len(reps) - rank))])
    reps = [1] * (rank - len(reps)) + reps
    return [ctx.op("Tile", [data, ctx.int64s(reps)], out=ctx.output(node))]


@register("Pad", "pad")
def pad(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    mode = node.text("mode", "constant")
    if mode not in ("constant", "edge", "reflect"):
        raise unsupported(node, "mode=%s" % mode)
    widths = node.ints("pad_width")
    pads = list(widths[0::2]) + list(widths[1::2])  # MXNet: (before, after) per axis
    operands = [inputs[0], ctx.int64s(pads)]
    if mode == "constant":
        operands.append(ctx.scalar_like(node.number("constant_value", 0.0), inputs[0], "value"))
    return [ctx.op("Pad", operands, out=ctx.output(node), mode=mode)]


@register("broadcast_to")
def broadcast_to(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    """Expand; a 0 in the target keeps the input's dimension."""
    expect_inputs(node, inputs, 1)
    target = node.ints("shape")
    data = inputs[0]
    if 0 not in target:
        return [ctx.op("Expand", [data, ctx.int64s(target)], out=ctx.output(node))]
    shape = ctx.shape(data)
    kept = [shape[i] if d == 0 else d for i, d in enumerate(target)]
    static = [d for d in kept if d is not None]
    if len(static) == len(kept):
        return [ctx.op("Expand", [data, ctx.int64s(static)], out=ctx.output(node))]
    dims = ctx.op("Shape", inputs)
    pieces = [
        ctx.shape_slice(dims, i, i + 1) if d == 0 else ctx.int64s([d]) for i, d in enumerate(target)
    ]
    result = ctx.op("Expand", [data, ctx.op("Concat", pieces, axis=0)], out=ctx.output(node))
    ctx.note(result, ctx.dtype(data), kept)
    return [result]


@register("broadcast_like")
def broadcast_like(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 2)
    if node.has("lhs_axes") or node.has("rhs_axes"):
        raise unsupported(node, "lhs_axes/rhs_axes")
    return [ctx.op("Expand", [inputs[0], ctx.op("Shape", [inputs[1]])], out=ctx.output(node))]
