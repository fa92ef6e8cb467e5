"""Converters for MXNet's elementwise ops: arithmetic with tensors and scalars,
comparisons, logic, unary math, clip and cast."""

from __future__ import annotations

from typing import List

import numpy as np

from ._builder import Builder, expect_inputs, register, unsupported
from ._graph import Node

# ---- elementwise ---------------------------------------------------------------------------

_BINARY = {
    "Add": ("elemwise_add", "_plus", "_Plus", "_add", "broadcast_add", "broadcast_plus"),
    "Sub": ("elemwise_sub", "_minus", "_Minus", "_sub", "broadcast_sub", "broadcast_minus"),
    "Mul": ("elemwise_mul", "_mul", "_Mul", "broadcast_mul"),
    "Div": ("elemwise_div", "_div", "_Div", "broadcast_div"),
    "Pow": ("_power", "_Power", "broadcast_power"),
    "Max": ("_maximum", "_Maximum", "broadcast_maximum"),
    "Min": ("_minimum", "_Minimum", "broadcast_minimum"),
}

# Comparisons give 0/1 in the inputs' dtype in MXNet; ONNX gives bool, so a Cast follows.
_COMPARE = {
    "Equal": ("broadcast_equal", "_equal"),
    "NotEqual": ("broadcast_not_equal", "_not_equal"),
    "Greater": ("broadcast_greater", "_greater"),
    "GreaterOrEqual": ("broadcast_greater_equal", "_greater_equal"),
    "Less": ("broadcast_lesser", "_lesser"),
    "LessOrEqual": ("broadcast_lesser_equal", "_lesser_equal"),
}

_LOGICAL = {
    "And": ("broadcast_logical_and", "_logical_and"),
    "Or": ("broadcast_logical_or", "_logical_or"),
    "Xor": ("broadcast_logical_xor", "_logical_xor"),
}

# scalar op -> (ONNX op, scalar on the left)
_SCALAR = {
    "_plus_scalar": ("Add", False),
    "_PlusScalar": ("Add", False),
    "_minus_scalar": ("Sub", False),
    "_MinusScalar": ("Sub", False),
    "_rminus_scalar": ("Sub", True),
    "_RMinusScalar": ("Sub", True),
    "_mul_scalar": ("Mul", False),
    "_MulScalar": ("Mul", False),
    "_div_scalar": ("Div", False),
    "_DivScalar": ("Div", False),
    "_rdiv_scalar": ("Div", True),
    "_RDivScalar": ("Div", True),
    "_power_scalar": ("Pow", False),
    "_PowerScalar": ("Pow", False),
    "_rpower_scalar": ("Pow", True),
    "_RPowerScalar": ("Pow", True),
    "_maximum_scalar": ("Max", False),
    "_MaximumScalar": ("Max", False),
    "_minimum_scalar": ("Min", False),
    "_MinimumScalar": ("Min", False),
    "_equal_scalar": ("Equal", False),
    "_not_equal_scalar": ("NotEqual", False),
    "_greater_scalar": ("Greater", False),
    "_greater_equal_scalar": ("GreaterOrEqual", False),
    "_lesser_scalar": ("Less", False),
    "_lesser_equal_scalar": ("LessOrEqual", False),
}

_UNARY = {
    "relu": "Relu",
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "exp": "Exp",
    "log": "Log",
    "sqrt": "Sqrt",
    "abs": "Abs",
    "negative": "Neg",
    "reciprocal": "Reciprocal",
    "floor": "Floor",
    "ceil": "Ceil",
    "sign": "Sign",
    "erf": "Erf",
    "sin": "Sin",
    "cos": "Cos",
    "tan": "Tan",
    "arcsin": "Asin",
    "arccos": "Acos",
    "arctan": "Atan",
    "sinh": "Sinh",
    "cosh": "Cosh",
    "softsign": "Softsign",
    "_copy": "Identity",
    "identity": "Identity",
    "BlockGrad": "Identity",
    "stop_gradient": "Identity",
    "make_loss": "Identity",
    "MakeLoss": "Identity",
}


def _compare(ctx: Builder, op_type: str, left: str, right: str, like: str, out: str) -> str:
    flags = ctx.op("Not", [ctx.op("Equal", [left, right])]) if op_type == "NotEqual" else None
    if flags is None:
        flags = ctx.op(op_type, [left, right])
    return ctx.cast(flags, ctx.dtype(like), out=out)


def _binary(op_type: str):
    def convert(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
        expect_inputs(node, inputs, 2)
        return [ctx.op(op_type, inputs, out=ctx.output(node))]

    return convert


def _comparison(op_type: str):
    def convert(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
        expect_inputs(node, inputs, 2)
        return [_compare(ctx, op_type, inputs[0], inputs[1], inputs[0], ctx.output(node))]

    return convert


def _logical(op_type: str):
    def convert(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
        expect_inputs(node, inputs, 2)
        left, right = (ctx.cast(t, np.bool_) for t in inputs)
        return [
            ctx.cast(ctx.op(op_type, [left, right]), ctx.dtype(inputs[0]), out=ctx.output(node))
        ]

    return convert


def _scalar(op_type: str, scalar_first: bool):
    def convert(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
        expect_inputs(node, inputs, 1)
        data = inputs[0]
        value = ctx.scalar_like(node.number("scalar"), data, "scalar")
        left, right = (value, data) if scalar_first else (data, value)
        if op_type in _COMPARE:
            return [_compare(ctx, op_type, left, right, data, ctx.output(node))]
        return [ctx.op(op_type, [left, right], out=ctx.output(node))]

    return convert


def _unary(op_type: str):
    def convert(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
        expect_inputs(node, inputs, 1)
        return [ctx.op(op_type, inputs, out=ctx.output(node))]

    return convert


for _op_type, _names in _BINARY.items():
    register(*_names)(_binary(_op_type))
for _op_type, _names in _COMPARE.items():
    register(*_names)(_comparison(_op_type))
for _op_type, _names in _LOGICAL.items():
    register(*_names)(_logical(_op_type))
for _name, (_op_type, _first) in _SCALAR.items():
    register(_name)(_scalar(_op_type, _first))
for _name, _op_type in _UNARY.items():
    register(_name)(_unary(_op_type))


@register("square")
def square(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    return [ctx.op("Mul", [inputs[0], inputs[0]], out=ctx.output(node))]


@register("rsqrt")
def rsqrt(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    return [ctx.op("Reciprocal", [ctx.op("Sqrt", inputs)], out=ctx.output(node))]


@register("add_n", "ElementWiseSum", "_sum")
def add_n(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    return [ctx.op("Sum", inputs, out=ctx.output(node))]


@register("clip")
def clip(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    data = inputs[0]
    low = ctx.scalar_like(node.number("a_min"), data, "min")
    high = ctx.scalar_like(node.number("a_max"), data, "max")
    return [ctx.op("Clip", [data, low, high], out=ctx.output(node))]


@register("Cast", "cast", "amp_cast")
def cast(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    dtype = node.text("dtype")
    try:
        target = np.dtype(dtype)
    except TypeError:
        raise unsupported(node, "dtype=%s is not a numpy dtype" % dtype) from None
    return [ctx.cast(inputs[0], target, out=ctx.output(node))]
