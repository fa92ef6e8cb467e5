"""Converters for MXNet's neural-network layers: dense, convolution, normalization,
activations, pooling, the softmax family, dropout and embedding."""

from __future__ import annotations

import math
from typing import Any, Dict, List

import numpy as np

from ..base import MXNetError
from ._builder import Builder, expect_inputs, register, unsupported
from ._graph import Node

_CHANNEL_FIRST = ("None", "NCW", "NCHW", "NCDHW")


def _check_layout(node: Node) -> None:
    layout = node.text("layout", "None")
    if layout not in _CHANNEL_FIRST:
        raise unsupported(
            node, "layout=%s; only channel-first layouts (NCHW...) are supported" % layout
        )


def _window(node: Node, rank_hint: int) -> tuple:
    """kernel, stride, dilate and pad of a convolution or pooling, with MXNet's defaults."""
    kernel = node.ints("kernel")
    n = len(kernel) or rank_hint
    stride = node.ints("stride", ()) or (1,) * n
    dilate = node.ints("dilate", ()) or (1,) * n
    pad = node.ints("pad", ()) or (0,) * n
    for key, value in (("stride", stride), ("dilate", dilate), ("pad", pad)):
        if len(value) != n:
            raise unsupported(node, "%s=%s does not match kernel=%s" % (key, value, kernel))
    return kernel, stride, dilate, pad


@register("FullyConnected")
def fully_connected(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    no_bias = node.flag("no_bias", False)
    expect_inputs(node, inputs, 2 if no_bias else 3)
    data, weight = inputs[0], inputs[1]
    bias = inputs[2:]
    if node.flag("flatten", True):
        flat = ctx.op("Flatten", [data], axis=1)
        return [ctx.op("Gemm", [flat, weight] + bias, out=ctx.output(node), transB=1)]
    weight_t = ctx.op("Transpose", [weight], perm=[1, 0])
    if not bias:
        return [ctx.op("MatMul", [data, weight_t], out=ctx.output(node))]
    product = ctx.op("MatMul", [data, weight_t])
    return [ctx.op("Add", [product, bias[0]], out=ctx.output(node))]


def _check_channels(
    ctx: Builder, node: Node, data: str, weight: str, weight_axis: int, groups: int
) -> None:
    """ONNX's shape inference does not compare a convolution's input channels with its weight."""
    value = ctx.param(weight)
    channels = ctx.shape(data)[1] if ctx.rank(data) > 1 else None
    if value is None or channels is None or value.ndim < 2:
        return
    expected = value.shape[weight_axis] * (groups if weight_axis == 1 else 1)
    if channels != expected:
        raise MXNetError(
            "cannot export %s: its input '%s' has %d channels but the weight '%s' of shape %s "
            "(num_group=%d) expects %d"
            % (node.describe(), data, channels, weight, value.shape, groups, expected)
        )


def _conv_attrs(node: Node) -> Dict[str, Any]:
    """The ONNX attributes of a convolution node shared by Conv and ConvTranspose."""
    kernel, stride, dilate, pad = _window(node, 2)
    return dict(
        kernel_shape=list(kernel),
        strides=list(stride),
        dilations=list(dilate),
        pads=list(pad) * 2,
        group=node.integer("num_group", 1),
    )


@register("Convolution")
def convolution(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    _check_layout(node)
    expect_inputs(node, inputs, 2 if node.flag("no_bias", False) else 3)
    _check_channels(ctx, node, inputs[0], inputs[1], 1, node.integer("num_group", 1))
    return [ctx.op("Conv", inputs, out=ctx.output(node), **_conv_attrs(node))]


@register("Deconvolution")
def deconvolution(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    _check_layout(node)
    expect_inputs(node, inputs, 2 if node.flag("no_bias", True) else 3)
    if node.ints("target_shape", ()):
        raise unsupported(node, "target_shape is not supported; give pad and adj instead")
    _check_channels(ctx, node, inputs[0], inputs[1], 0, node.integer("num_group", 1))
    attrs = _conv_attrs(node)
    attrs["output_padding"] = list(node.ints("adj", ()) or (0,) * len(attrs["kernel_shape"]))
    return [ctx.op("ConvTranspose", inputs, out=ctx.output(node), **attrs)]


@register("BatchNorm")
def batch_norm(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    """Inference-mode BatchNorm on the running statistics; fix_gamma=True means gamma = 1."""
    expect_inputs(node, inputs, 5)
    data, gamma, beta, mean, var = inputs
    eps = node.number("eps", 1e-3)
    if node.flag("fix_gamma", True):
        gamma = ctx.ones_like_param(gamma)
    axis = node.integer("axis", 1)
    rank = ctx.rank(data) if axis != 1 else 0
    if axis < 0:
        axis += rank
    if axis == 1:
        out = ctx.op(
            "BatchNormalization", [data, gamma, beta, mean, var], out=ctx.output(node), epsilon=eps
        )
        return [out]
    # Another channel axis: scale and shift by hand, broadcast along that axis.
    std = ctx.op("Sqrt", [ctx.op("Add", [var, ctx.scalar_like(eps, var, "eps")])])
    scale = ctx.op("Div", [gamma, std])
    shift = ctx.op("Sub", [beta, ctx.op("Mul", [mean, scale])])
    scaled = ctx.op("Mul", [data, ctx.along_axis(scale, axis, rank)])
    return [ctx.op("Add", [scaled, ctx.along_axis(shift, axis, rank)], out=ctx.output(node))]


@register("InstanceNorm")
def instance_norm(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 3)
    eps = node.number("eps", 1e-3)
    return [ctx.op("InstanceNormalization", inputs, out=ctx.output(node), epsilon=eps)]


@register("LayerNorm")
def layer_norm(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    """(x - mean) / sqrt(var + eps) * gamma + beta over one axis (opset 13 has no LayerNorm)."""
    expect_inputs(node, inputs, 3)
    data, gamma, beta = inputs
    rank = ctx.rank(data)
    axis = node.integer("axis", -1)
    axis = axis + rank if axis < 0 else axis
    mean = ctx.op("ReduceMean", [data], axes=[axis], keepdims=1)
    centered = ctx.op("Sub", [data, mean])
    var = ctx.op("ReduceMean", [ctx.op("Mul", [centered, centered])], axes=[axis], keepdims=1)
    eps = ctx.scalar_like(node.number("eps", 1e-5), data, "eps")
    normed = ctx.op("Div", [centered, ctx.op("Sqrt", [ctx.op("Add", [var, eps])])])
    scaled = ctx.op("Mul", [normed, ctx.along_axis(gamma, axis, rank)])
    return [ctx.op("Add", [scaled, ctx.along_axis(beta, axis, rank)], out=ctx.output(node))]


@register("LRN")
def lrn(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    out = ctx.op(
        "LRN",
        inputs,
        out=ctx.output(node),
        alpha=node.number("alpha", 1e-4),
        beta=node.number("beta", 0.75),
        bias=node.number("knorm", 2.0),
        size=node.integer("nsize"),
    )
    return [out]


_ACTIVATIONS = {
    "relu": "Relu",
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "softrelu": "Softplus",
    "softsign": "Softsign",
}


@register("Activation")
def activation(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    act_type = node.text("act_type")
    if act_type not in _ACTIVATIONS:
        raise unsupported(node, "act_type=%s; supported: %s" % (act_type, ", ".join(_ACTIVATIONS)))
    return [ctx.op(_ACTIVATIONS[act_type], inputs, out=ctx.output(node))]


def gelu(ctx: Builder, data: str, out: str) -> str:
    """0.5 * x * (1 + erf(x / sqrt(2))), the exact GELU (opset 13 has no Gelu)."""
    scaled = ctx.op("Div", [data, ctx.scalar_like(math.sqrt(2.0), data, "sqrt2")])
    one_plus = ctx.op("Add", [ctx.op("Erf", [scaled]), ctx.scalar_like(1.0, data, "one")])
    half_x = ctx.op("Mul", [data, ctx.scalar_like(0.5, data, "half")])
    return ctx.op("Mul", [half_x, one_plus], out=out)


@register("LeakyReLU")
def leaky_relu(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    act_type = node.text("act_type", "leaky")
    expect_inputs(node, inputs, 2 if act_type == "prelu" else 1)
    data, out = inputs[0], ctx.output(node)
    slope = node.number("slope", 0.25)
    if act_type == "leaky":
        return [ctx.op("LeakyRelu", [data], out=out, alpha=slope)]
    if act_type == "rrelu":  # at inference the slope is the middle of its random range
        middle = (node.number("lower_bound", 0.125) + node.number("upper_bound", 0.334)) / 2
        return [ctx.op("LeakyRelu", [data], out=out, alpha=middle)]
    if act_type == "elu":
        return [ctx.op("Elu", [data], out=out, alpha=slope)]
    if act_type == "selu":  # ONNX's default constants are MXNet's
        return [ctx.op("Selu", [data], out=out)]
    if act_type == "gelu":
        return [gelu(ctx, data, out)]
    if act_type == "prelu":
        rank = ctx.rank(data)
        gamma = ctx.along_axis(inputs[1], 1, rank) if rank > 2 else inputs[1]
        return [ctx.op("PRelu", [data, gamma], out=out)]
    raise unsupported(
        node, "act_type=%s; supported: leaky, prelu, rrelu, elu, selu, gelu" % act_type
    )


@register("Pooling")
def pooling(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    _check_layout(node)
    expect_inputs(node, inputs, 1)
    data, out = inputs[0], ctx.output(node)
    pool_type = node.text("pool_type", "max")
    if pool_type not in ("max", "avg", "sum", "lp"):
        raise unsupported(node, "pool_type=%s" % pool_type)
    p_value = node.integer("p_value", None)
    if pool_type == "lp" and p_value is None:
        raise unsupported(node, "pool_type=lp needs p_value")
    if node.flag("global_pool", False):
        if pool_type == "sum":
            axes = list(range(2, ctx.rank(data)))
            return [ctx.op("ReduceSum", [data, ctx.int64s(axes)], out=out, keepdims=1)]
        global_ops = {"max": "GlobalMaxPool", "avg": "GlobalAveragePool", "lp": "GlobalLpPool"}
        extra = {"p": p_value} if pool_type == "lp" else {}
        return [ctx.op(global_ops[pool_type], [data], out=out, **extra)]
    kernel, stride, _, pad = _window(node, 2)
    convention = node.text("pooling_convention", "valid")
    if convention not in ("valid", "full"):
        raise unsupported(node, "pooling_convention=%s; supported: valid, full" % convention)
    ceil = convention == "full"
    window: Dict[str, Any] = dict(
        kernel_shape=list(kernel), strides=list(stride), pads=list(pad) * 2
    )
    if pool_type == "max":
        return [ctx.op("MaxPool", [data], out=out, ceil_mode=int(ceil), **window)]
    if pool_type == "avg":
        include_pad = int(node.flag("count_include_pad", True))
        if ceil and include_pad and any(pad):
            return [_avg_pool_full_padded(ctx, data, out, kernel, stride, pad)]
        return [
            ctx.op(
                "AveragePool",
                [data],
                out=out,
                ceil_mode=int(ceil),
                count_include_pad=include_pad,
                **window,
            )
        ]
    if ceil:
        raise unsupported(node, "pool_type=%s with pooling_convention=full" % pool_type)
    if pool_type == "lp":
        return [ctx.op("LpPool", [data], out=out, p=p_value, **window)]
    # sum: the padded average times the window size
    average = ctx.op("AveragePool", [data], count_include_pad=1, **window)
    size = ctx.scalar_like(float(np.prod(kernel)), data, "window")
    return [ctx.op("Mul", [average, size], out=out)]


def _avg_pool_full_padded(ctx: Builder, data: str, out: str, kernel, stride, pad) -> str:
    """MXNet's padded average with pooling_convention=full: a window running past the padding
    divides by its part inside the padded input. That is an unpadded average over the input
    padded with zeros explicitly, counting only the cells that exist."""
    pads = [0, 0] + list(pad) + [0, 0] + list(pad)
    padded = ctx.op("Pad", [data, ctx.int64s(pads)])
    window: Dict[str, Any] = dict(kernel_shape=list(kernel), strides=list(stride), ceil_mode=1)
    return ctx.op("AveragePool", [padded], out=out, count_include_pad=0, **window)


def _softmax(ctx: Builder, node: Node, data: str, op_type: str) -> List[str]:
    if node.flag("use_length", False):
        raise unsupported(node, "use_length=True")
    axis = node.integer("axis", -1)
    if node.has("temperature") and node.number("temperature") != 1.0:
        data = ctx.op(
            "Div", [data, ctx.scalar_like(node.number("temperature"), data, "temperature")]
        )
    dtype = node.text("dtype", "None")
    if dtype in ("None", str(ctx.dtype(data))):
        return [ctx.op(op_type, [data], out=ctx.output(node), axis=axis)]
    result = ctx.op(op_type, [data], axis=axis)
    return [ctx.cast(result, dtype, out=ctx.output(node))]


@register("softmax")
def softmax(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    return _softmax(ctx, node, inputs[0], "Softmax")


@register("log_softmax")
def log_softmax(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    return _softmax(ctx, node, inputs[0], "LogSoftmax")


@register("SoftmaxActivation")
def softmax_activation(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    """mode=instance: over the last axis (as MXNet computes it); mode=channel: over axis 1."""
    expect_inputs(node, inputs, 1)
    axis = 1 if node.text("mode", "instance") == "channel" else -1
    return [ctx.op("Softmax", inputs, out=ctx.output(node), axis=axis)]


@register("SoftmaxOutput", "Softmax", labels=(1,))
def softmax_output(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    """The loss layer's forward: a softmax over the last axis (axis 1 with multi_output);
    its label input is not needed at inference."""
    expect_inputs(node, inputs, 1)
    axis = 1 if node.flag("multi_output", False) else -1
    return [ctx.op("Softmax", inputs, out=ctx.output(node), axis=axis)]


@register("LinearRegressionOutput", "MAERegressionOutput", labels=(1,))
def regression_output(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    return [ctx.op("Identity", [inputs[0]], out=ctx.output(node))]


@register("LogisticRegressionOutput", labels=(1,))
def logistic_regression_output(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    expect_inputs(node, inputs, 1)
    return [ctx.op("Sigmoid", [inputs[0]], out=ctx.output(node))]


@register("Dropout")
def dropout(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    """Identity: an exported graph runs inference."""
    expect_inputs(node, inputs, 1)
    return [ctx.op("Identity", inputs, out=ctx.output(node))]


@register("Embedding")
def embedding(ctx: Builder, node: Node, inputs: List[str]) -> List[str]:
    """Rows of the weight; indices truncate toward zero and clip to [0, input_dim), as MXNet."""
    expect_inputs(node, inputs, 2)
    data, weight = inputs
    index = ctx.cast(data, np.int64)
    last = node.integer("input_dim") - 1
    low, high = ctx.constant(0, np.int64, "low"), ctx.constant(last, np.int64, "high")
    index = ctx.op("Clip", [index, low, high])
    return [ctx.op("Gather", [weight, index], out=ctx.output(node), axis=0)]
