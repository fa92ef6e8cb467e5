"""Converters for MXNet's reductions (sum, mean, max, argmax...) and matrix products
(dot, batch_dot)."""

from __future__ import annotations

from typing import List

from ._builder import Builder, expect_inputs, register, unsupported
from ._graph import Node

# ---- reductions ----------------------------------------------------------------------------

_REDUCE = {
    "ReduceSum": ("sum", "sum_axis"),
    "ReduceMean": ("mean",),
    "ReduceMax": ("max", "max_axis"),
    "ReduceMin": ("min", "min_axis"),
    "ReduceProd": ("prod",),
}


def _reduce_node(ctx: Builder, op_type: str, data: str, axes, keepdims: int, out) -> str:
    if op_type == "ReduceSum":  # axes are an input from opset 13 on
        operands = [data] + ([ctx.int64s(axes)] if axes else [])
        return ctx.op(op_type, operands, out=out, keepdims=keepdims)
    extra = {"axes": axes} if axes else {}
    return ctx.op(op_type, [data], out=out, keepdims=keepdims, **extra)


def _reduce(op_type: str):
    def convert(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
        expect_inputs(node, inputs, 1)
        data = inputs[0]
        axes = list(node.ints("axis", ()))
        keepdims = int(node.flag("keepdims", False))
        if node.flag("exclude", False):
            rank = ctx.rank(data)
            chosen = {a + rank if a < 0 else a for a in axes}
            axes = [a for a in range(rank) if a not in chosen]
        everything = not axes
        if everything and not keepdims:  # MXNet gives shape (1,), not a scalar
            kept = _reduce_node(ctx, op_type, data, axes, 1, None)
            return [ctx.op("Reshape", [kept, ctx.int64s([1])], out=ctx.output(node))]
        return [_reduce_node(ctx, op_type, data, axes, keepdims, ctx.output(node))]

    return convert


for _op_type, _names in _REDUCE.items():
    register(*_names)(_reduce(_op_type))


@register("argmax", "argmin")
def argmax(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    """The index as the input's dtype (MXNet returns float indices)."""
    expect_inputs(node, inputs, 1)
    axis = node.integer("axis", None)
    if axis is None:
        raise unsupported(node, "axis=None (the index into the flattened input)")
    op_type = "ArgMax" if node.op == "argmax" else "ArgMin"
    index = ctx.op(op_type, inputs, axis=axis, keepdims=int(node.flag("keepdims", False)))
    return [ctx.cast(index, ctx.dtype(inputs[0]), out=ctx.output(node))]


# ---- products ------------------------------------------------------------------------------


def _swap_last_two(ctx: Builder, tensor: str) -> str:
    rank = ctx.rank(tensor)
    perm = list(range(rank - 2)) + [rank - 1, rank - 2]
    return ctx.op("Transpose", [tensor], perm=perm)


@register("dot")
def dot(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    """Contracts the last axis of the left operand with the first axis of the right one."""
    expect_inputs(node, inputs, 2)
    left, right = inputs
    rank_l, rank_r = ctx.rank(left), ctx.rank(right)
    trans_l, trans_r = node.flag("transpose_a", False), node.flag("transpose_b", False)
    if (trans_l and rank_l != 2) or (trans_r and rank_r != 2) or rank_l < 2 or rank_r < 2:
        raise unsupported(
            node,
            "operands of rank %d and %d with transpose_a=%s, transpose_b=%s; supported: "
            "rank >= 2, transposes of 2-D operands only" % (rank_l, rank_r, trans_l, trans_r),
        )
    if trans_l:
        left = ctx.op("Transpose", [left], perm=[1, 0])
    if trans_r:
        right = ctx.op("Transpose", [right], perm=[1, 0])
    if rank_r == 2:
        return [ctx.op("MatMul", [left, right], out=ctx.output(node))]
    # right of rank > 2: (..., K) x (K, rest...) as a matrix product, then reshaped back
    shape_l, shape_r = ctx.shape(left), ctx.shape(right)
    inner = shape_l[-1]
    left_2d = ctx.reshape(
        left, [-1, inner], lambda: _dot_target(ctx, left, True), ctx.fresh(node.name + "_left")
    )
    right_2d = ctx.reshape(
        right, [inner, -1], lambda: _dot_target(ctx, left, False), ctx.fresh(node.name + "_right")
    )
    product = ctx.op("MatMul", [left_2d, right_2d])
    target = list(shape_l[:-1]) + list(shape_r[1:])

    def run_time_target() -> str:
        dims_l, dims_r = ctx.op("Shape", [left]), ctx.op("Shape", [right])
        return ctx.op(
            "Concat", [ctx.shape_slice(dims_l, 0, -1), ctx.shape_slice(dims_r, 1)], axis=0
        )

    return [ctx.reshape(product, target, run_time_target, ctx.output(node))]


def _dot_target(ctx: Builder, left: str, for_left: bool) -> str:
    """[-1, K] or [K, -1] with K the left operand's last dimension, at run time."""
    inner = ctx.shape_slice(ctx.op("Shape", [left]), -1)
    pieces = [ctx.int64s([-1]), inner] if for_left else [inner, ctx.int64s([-1])]
    return ctx.op("Concat", pieces, axis=0)


@register("batch_dot")
def batch_dot(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 2)
    left, right = inputs
    if node.flag("transpose_a", False):
        left = _swap_last_two(ctx, left)
    if node.flag("transpose_b", False):
        right = _swap_last_two(ctx, right)
    return [ctx.op("MatMul", [left, right], out=ctx.output(node))]
