"""Writes the ONNX-export fixtures with the real MXNet 1.9.1 (the oracle).

Run from the repository root with MXNet's interpreter::

    /work/mxvenv/bin/python tests/data/onnx/make_onnx_fixtures.py

Written next to this script:

* ``<model>-symbol.json`` and ``<model>-0000.params`` (``HybridBlock.export``) and
  ``<model>-io.npz`` (``data``: an input batch, ``output``: MXNet's inference output on it)
  for the models ``mlp``, ``lenet``, ``resnet`` (a small ResNet v1) and ``mobilenet``
  (``mobilenet0.25`` on 32x32 images). BatchNorm running statistics are made non-trivial
  by training-mode forwards before the export.
* ``ops-cases.json``: one small graph per converter case: its parsed ``-symbol.json``,
  the names, shapes and dtypes of its non-parameter inputs in graph order.
* ``ops-cases.npz``: for case ``c``, ``c::param::<name>`` (parameters), ``c::input::<name>``
  (inputs) and ``c::output::<i>`` (MXNet's inference outputs).
"""

import json
import os

os.environ.setdefault("MXNET_SUBGRAPH_BACKEND", "NONE")  # plain operators, no fused subgraphs

import mxnet as mx
import numpy as np
from mxnet.gluon import nn
from mxnet.gluon.model_zoo import vision

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(7)
sym = mx.sym


def randn(*shape):
    return rng.randn(*shape).astype(np.float32)


def positive(*shape):
    return rng.uniform(0.5, 2.0, size=shape).astype(np.float32)


# ---- whole models --------------------------------------------------------------------------


def mlp():
    net = nn.HybridSequential()
    net.add(nn.Dense(32, activation="relu"), nn.Dense(16, activation="tanh"), nn.Dense(10))
    return net, (4, 20)


def lenet():
    net = nn.HybridSequential()
    net.add(
        nn.Conv2D(6, kernel_size=5, padding=2, activation="relu"),
        nn.MaxPool2D(pool_size=2, strides=2),
        nn.Conv2D(16, kernel_size=5, activation="relu"),
        nn.AvgPool2D(pool_size=2, strides=2),
        nn.Flatten(),
        nn.Dense(64, activation="relu"),
        nn.Dropout(0.5),
        nn.Dense(10),
    )
    return net, (2, 1, 28, 28)


def resnet():
    net = vision.resnet.ResNetV1(
        vision.resnet.BasicBlockV1, [1, 1, 1, 1], [8, 8, 16, 32, 64], classes=10, thumbnail=True
    )
    return net, (2, 3, 32, 32)


def mobilenet():
    return vision.get_model("mobilenet0.25"), (2, 3, 32, 32)


def write_model(name, build):
    mx.random.seed(42)
    net, shape = build()
    net.initialize(mx.init.Xavier(magnitude=2.0))
    net.hybridize()
    net(mx.nd.array(randn(*shape)))  # finishes deferred initialization
    for param in net.collect_params().values():  # BatchNorm gamma/beta off their 1/0 start
        if param.name.endswith(("gamma", "beta")):
            param.set_data(mx.nd.array(rng.uniform(0.5, 1.5, size=param.shape)))
    with mx.autograd.record(train_mode=True):  # running statistics away from 0/1
        for _ in range(5):
            net(mx.nd.array(randn(*shape)))
    data = randn(*shape)
    output = net(mx.nd.array(data)).asnumpy()
    net.export(os.path.join(HERE, name))
    np.savez(os.path.join(HERE, name + "-io.npz"), data=data, output=output)


# ---- one graph per converter case ----------------------------------------------------------

CASES = {}


def case(name, out, inputs, params=None):
    """Registers a graph ``out`` with numpy ``inputs`` (dict) and ``params`` (dict)."""
    CASES[name] = (out, inputs, params or {})


x = sym.var("data")
y = sym.var("other")

# dense and convolution
case(
    "fc_flatten",
    sym.FullyConnected(x, num_hidden=5, name="fc"),
    {"data": randn(2, 3, 4)},
    {"fc_weight": randn(5, 12), "fc_bias": randn(5)},
)
case(
    "fc_no_flatten",
    sym.FullyConnected(x, num_hidden=5, flatten=False, name="fc"),
    {"data": randn(2, 3, 4)},
    {"fc_weight": randn(5, 4), "fc_bias": randn(5)},
)
case(
    "fc_no_bias",
    sym.FullyConnected(x, num_hidden=3, no_bias=True, name="fc"),
    {"data": randn(2, 6)},
    {"fc_weight": randn(3, 6)},
)
case(
    "conv2d",
    sym.Convolution(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), num_filter=4, name="conv"),
    {"data": randn(1, 3, 7, 7)},
    {"conv_weight": randn(4, 3, 3, 3), "conv_bias": randn(4)},
)
case(
    "conv2d_group_dilate",
    sym.Convolution(
        x, kernel=(3, 3), dilate=(2, 2), num_group=2, num_filter=6, no_bias=True, name="conv"
    ),
    {"data": randn(1, 4, 9, 9)},
    {"conv_weight": randn(6, 2, 3, 3)},
)
case(
    "conv2d_depthwise",
    sym.Convolution(x, kernel=(3, 3), pad=(1, 1), num_group=4, num_filter=4, name="conv"),
    {"data": randn(2, 4, 6, 6)},
    {"conv_weight": randn(4, 1, 3, 3), "conv_bias": randn(4)},
)
case(
    "conv1d",
    sym.Convolution(x, kernel=(3,), stride=(2,), pad=(1,), num_filter=2, name="conv"),
    {"data": randn(2, 3, 10)},
    {"conv_weight": randn(2, 3, 3), "conv_bias": randn(2)},
)
case(
    "conv3d",
    sym.Convolution(x, kernel=(2, 2, 2), num_filter=2, name="conv"),
    {"data": randn(1, 2, 4, 4, 4)},
    {"conv_weight": randn(2, 2, 2, 2, 2), "conv_bias": randn(2)},
)
case(
    "deconv2d",
    sym.Deconvolution(
        x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), adj=(1, 1), num_filter=2, name="deconv"
    ),
    {"data": randn(1, 3, 4, 4)},
    {"deconv_weight": randn(3, 2, 3, 3)},
)
case(
    "deconv2d_group_bias",
    sym.Deconvolution(
        x, kernel=(2, 2), stride=(2, 2), num_filter=4, num_group=2, no_bias=False, name="deconv"
    ),
    {"data": randn(1, 4, 3, 3)},
    {"deconv_weight": randn(4, 2, 2, 2), "deconv_bias": randn(4)},
)

# normalization
bn_params = {
    "bn_gamma": positive(3),
    "bn_beta": randn(3),
    "bn_moving_mean": randn(3),
    "bn_moving_var": positive(3),
}
case(
    "batchnorm",
    sym.BatchNorm(x, fix_gamma=False, eps=1e-5, name="bn"),
    {"data": randn(2, 3, 4, 4)},
    bn_params,
)
case("batchnorm_fix_gamma", sym.BatchNorm(x, name="bn"), {"data": randn(2, 3, 4, 4)}, bn_params)
case(
    "batchnorm_axis_last",
    sym.BatchNorm(x, axis=-1, fix_gamma=False, name="bn"),
    {"data": randn(2, 4, 3)},
    bn_params,
)
case(
    "instancenorm",
    sym.InstanceNorm(x, eps=1e-4, name="inorm"),
    {"data": randn(2, 3, 4, 5)},
    {"inorm_gamma": positive(3), "inorm_beta": randn(3)},
)
case(
    "layernorm",
    sym.LayerNorm(x, name="ln"),
    {"data": randn(2, 3, 4)},
    {"ln_gamma": positive(4), "ln_beta": randn(4)},
)
case(
    "layernorm_axis1",
    sym.LayerNorm(x, axis=1, eps=1e-3, name="ln"),
    {"data": randn(2, 3, 4)},
    {"ln_gamma": positive(3), "ln_beta": randn(3)},
)
case("lrn", sym.LRN(x, nsize=3, alpha=1e-3, beta=0.7, knorm=1.5), {"data": randn(1, 5, 3, 3)})

# activations
for act in ["relu", "sigmoid", "tanh", "softrelu", "softsign"]:
    case("activation_" + act, sym.Activation(x, act_type=act), {"data": randn(2, 3, 4)})
case("leaky", sym.LeakyReLU(x, act_type="leaky", slope=0.1), {"data": randn(2, 3, 4)})
case("leaky_default", sym.LeakyReLU(x), {"data": randn(2, 3)})
case(
    "prelu",
    sym.LeakyReLU(x, gamma=sym.var("prelu_gamma"), act_type="prelu"),
    {"data": randn(2, 3, 4, 4)},
    {"prelu_gamma": positive(3) * 0.3},
)
case("elu", sym.LeakyReLU(x, act_type="elu", slope=0.7), {"data": randn(2, 3, 4)})
case("selu", sym.LeakyReLU(x, act_type="selu"), {"data": randn(2, 3, 4)})
case("gelu", sym.LeakyReLU(x, act_type="gelu"), {"data": randn(2, 3, 4)})
case(
    "rrelu",
    sym.LeakyReLU(x, act_type="rrelu", lower_bound=0.1, upper_bound=0.3)[0],
    {"data": randn(2, 3, 4)},
)

# pooling
img7 = randn(2, 2, 7, 7)
img8 = randn(1, 2, 8, 8)
case(
    "maxpool",
    sym.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="max"),
    {"data": img7},
)
case(
    "maxpool_full",
    sym.Pooling(x, kernel=(3, 3), stride=(2, 2), pool_type="max", pooling_convention="full"),
    {"data": img8},
)
case(
    "avgpool_pad",
    sym.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg"),
    {"data": img7},
)
case(
    "avgpool_exclude_pad",
    sym.Pooling(
        x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg", count_include_pad=False
    ),
    {"data": img7},
)
case(
    "avgpool_full",
    sym.Pooling(x, kernel=(3, 3), stride=(2, 2), pool_type="avg", pooling_convention="full"),
    {"data": img8},
)
case(
    "avgpool_full_pad",
    sym.Pooling(
        x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg", pooling_convention="full"
    ),
    {"data": img8},
)
case(
    "avgpool_full_pad_exclude",
    sym.Pooling(
        x,
        kernel=(3, 3),
        stride=(2, 2),
        pad=(1, 1),
        pool_type="avg",
        pooling_convention="full",
        count_include_pad=False,
    ),
    {"data": img8},
)
case("sumpool", sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="sum"), {"data": img8})
case(
    "lppool",
    sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="lp", p_value=2),
    {"data": img8},
)
case(
    "global_avgpool",
    sym.Pooling(x, kernel=(1, 1), global_pool=True, pool_type="avg"),
    {"data": img7},
)
case(
    "global_maxpool",
    sym.Pooling(x, kernel=(1, 1), global_pool=True, pool_type="max"),
    {"data": img7},
)
case(
    "global_sumpool",
    sym.Pooling(x, kernel=(1, 1), global_pool=True, pool_type="sum"),
    {"data": img7},
)
case(
    "maxpool1d", sym.Pooling(x, kernel=(3,), stride=(2,), pool_type="max"), {"data": randn(2, 3, 9)}
)
case(
    "avgpool3d",
    sym.Pooling(x, kernel=(2, 2, 2), stride=(2, 2, 2), pool_type="avg"),
    {"data": randn(1, 2, 4, 4, 4)},
)

# shape and layout
case("flatten", sym.Flatten(x), {"data": randn(2, 3, 4, 5)})
case("dropout", sym.Dropout(x, p=0.5), {"data": randn(2, 3)})
case("concat", sym.Concat(x, y, x, dim=1), {"data": randn(2, 3), "other": randn(2, 4)})
case("concat_dim0", sym.concat(x, y, dim=0), {"data": randn(2, 3), "other": randn(1, 3)})
for i, shape in enumerate(
    [(0, -1), (-1, 0, 2), (6, -1), (0, -2), (-3, -2), (-4, 2, -1, -2), (0, 0, -3), (-2,), (-3, -3)]
):
    case("reshape_%d" % i, sym.Reshape(x, shape=shape), {"data": randn(4, 3, 2, 5)})
case("transpose", sym.transpose(x, axes=(0, 2, 1)), {"data": randn(2, 3, 4)})
case("transpose_reverse", sym.transpose(x), {"data": randn(2, 3, 4)})
case("expand_dims", sym.expand_dims(x, axis=1), {"data": randn(2, 3)})
case("expand_dims_neg", sym.expand_dims(x, axis=-1), {"data": randn(2, 3)})
case("squeeze_axis", sym.squeeze(x, axis=1), {"data": randn(2, 1, 3, 1)})
case("squeeze_all", sym.squeeze(x), {"data": randn(2, 1, 3, 1)})
case("slice_axis", sym.slice_axis(x, axis=1, begin=1, end=None), {"data": randn(2, 5, 3)})
case("slice_axis_neg", sym.slice_axis(x, axis=-1, begin=-3, end=-1), {"data": randn(2, 5)})
case("slice", sym.slice(x, begin=(None, 1), end=(None, 4), step=(1, 2)), {"data": randn(2, 5, 3)})
case("split", sym.split(x, num_outputs=3, axis=1)[1], {"data": randn(2, 6, 2)})
case(
    "split_squeeze",
    sym.Group(list(sym.split(x, num_outputs=3, axis=1, squeeze_axis=True))),
    {"data": randn(2, 3, 4)},
)
case("stack", sym.stack(x, y, axis=1), {"data": randn(2, 3), "other": randn(2, 3)})
case("tile", sym.tile(x, reps=(2, 1, 3)), {"data": randn(2, 3)})
case(
    "pad_constant",
    sym.Pad(x, mode="constant", constant_value=0.5, pad_width=(0, 0, 0, 0, 1, 2, 2, 1)),
    {"data": randn(1, 2, 3, 3)},
)
case(
    "pad_edge",
    sym.Pad(x, mode="edge", pad_width=(0, 0, 0, 0, 1, 1, 2, 2)),
    {"data": randn(1, 2, 3, 3)},
)
case(
    "pad_reflect",
    sym.Pad(x, mode="reflect", pad_width=(0, 0, 0, 0, 1, 1, 2, 2)),
    {"data": randn(1, 2, 3, 3)},
)

# softmax family
case("softmax", sym.softmax(x), {"data": randn(2, 3, 4)})
case("softmax_axis1_temperature", sym.softmax(x, axis=1, temperature=2.0), {"data": randn(2, 3, 4)})
case("log_softmax", sym.log_softmax(x, axis=0), {"data": randn(2, 3, 4)})
case("softmax_activation", sym.SoftmaxActivation(x), {"data": randn(2, 3, 2, 2)})
case(
    "softmax_activation_channel",
    sym.SoftmaxActivation(x, mode="channel"),
    {"data": randn(2, 3, 2, 2)},
)
case(
    "softmax_output",
    sym.SoftmaxOutput(sym.FullyConnected(x, num_hidden=4, name="fc"), name="softmax"),
    {"data": randn(3, 5)},
    {"fc_weight": randn(4, 5), "fc_bias": randn(4)},
)
case("softmax_output_4d", sym.SoftmaxOutput(x), {"data": randn(2, 3, 2, 2)})
case("softmax_output_multi", sym.SoftmaxOutput(x, multi_output=True), {"data": randn(2, 3, 2, 2)})
case("softmax_output_preserve", sym.SoftmaxOutput(x, preserve_shape=True), {"data": randn(2, 3, 4)})

# elementwise
a34 = randn(2, 3, 4)
b34 = randn(2, 3, 4)
for op in ["elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div", "_maximum", "_minimum"]:
    case(op, getattr(sym, op.lstrip("_"))(x, y), {"data": a34, "other": b34})
for op in [
    "broadcast_add",
    "broadcast_sub",
    "broadcast_mul",
    "broadcast_div",
    "broadcast_maximum",
    "broadcast_minimum",
    "broadcast_equal",
    "broadcast_not_equal",
    "broadcast_greater",
    "broadcast_greater_equal",
    "broadcast_lesser",
    "broadcast_lesser_equal",
]:
    case(op, getattr(sym, op)(x, y), {"data": a34, "other": randn(1, 3, 1)})
case("broadcast_power", sym.broadcast_power(x, y), {"data": positive(2, 3), "other": randn(1, 3)})
case("add_n", sym.add_n(x, y, x), {"data": a34, "other": b34})
case("plus_scalar", x + 2.5, {"data": a34})
case("minus_scalar", x - 1.5, {"data": a34})
case("rminus_scalar", 1.5 - x, {"data": a34})
case("mul_scalar", x * 3, {"data": a34})
case("div_scalar", x / 4, {"data": a34})
case("rdiv_scalar", 2 / x, {"data": positive(2, 3)})
case("power_scalar", x**2, {"data": a34})
case("rpower_scalar", 2**x, {"data": a34})
case("maximum_scalar", sym.maximum(x, 0.2), {"data": a34})
case("minimum_scalar", sym.minimum(x, 0.2), {"data": a34})
case("greater_scalar", x > 0.1, {"data": a34})
case("clip", sym.clip(x, a_min=-0.5, a_max=0.7), {"data": a34})
for op in [
    "relu",
    "sigmoid",
    "tanh",
    "exp",
    "abs",
    "negative",
    "square",
    "floor",
    "ceil",
    "erf",
    "sin",
    "cos",
    "softsign",
    "identity",
    "BlockGrad",
    "sign",
]:
    case("unary_" + op, getattr(sym, op)(x), {"data": a34})
for op in ["log", "sqrt", "rsqrt", "reciprocal"]:
    case("unary_" + op, getattr(sym, op)(x), {"data": positive(2, 3, 4)})
case("copy", sym._internal._copy(x), {"data": a34})
case("cast_float16", sym.Cast(x, dtype="float16"), {"data": a34})
case("cast_int32", sym.Cast(x * 3, dtype="int32"), {"data": a34})

# reductions
case("mean_keepdims", sym.mean(x, axis=1, keepdims=True), {"data": a34})
case("sum_axes", sym.sum(x, axis=(1, 2)), {"data": a34})
case("sum_all", sym.sum(x), {"data": a34})
case("max_axis0", sym.max(x, axis=0), {"data": a34})
case("min_neg_axis", sym.min(x, axis=-1), {"data": a34})
case("prod", sym.prod(x, axis=2), {"data": a34})
case("mean_exclude", sym.mean(x, axis=1, exclude=True), {"data": a34})
case("argmax", sym.argmax(x, axis=1), {"data": a34})
case("argmax_keepdims", sym.argmax(x, axis=-1, keepdims=True), {"data": a34})

# indexing and products
case(
    "embedding",
    sym.Embedding(x, input_dim=10, output_dim=4, name="embed"),
    {"data": rng.randint(0, 10, size=(2, 3)).astype(np.float32)},
    {"embed_weight": randn(10, 4)},
)
case("dot", sym.dot(x, y), {"data": randn(2, 3), "other": randn(3, 4)})
case(
    "dot_transpose_a", sym.dot(x, y, transpose_a=True), {"data": randn(3, 2), "other": randn(3, 4)}
)
case(
    "dot_transpose_b", sym.dot(x, y, transpose_b=True), {"data": randn(2, 3), "other": randn(4, 3)}
)
case("dot_3d_2d", sym.dot(x, y), {"data": randn(2, 5, 3), "other": randn(3, 4)})
case("dot_2d_3d", sym.dot(x, y), {"data": randn(2, 3), "other": randn(3, 4, 5)})
case("batch_dot", sym.batch_dot(x, y), {"data": randn(2, 3, 4), "other": randn(2, 4, 5)})
case(
    "batch_dot_transpose",
    sym.batch_dot(x, y, transpose_a=True, transpose_b=True),
    {"data": randn(2, 4, 3), "other": randn(2, 5, 4)},
)

# a graph with two heads
case("two_heads", sym.Group([sym.relu(x), sym.sigmoid(x) * 2]), {"data": a34})


# more ops, appended so that the random values of the cases above stay as they were
case("broadcast_to", sym.broadcast_to(x, shape=(2, 0, 4)), {"data": randn(1, 3, 1)})
case("broadcast_like", sym.broadcast_like(x, y), {"data": randn(1, 3, 1), "other": randn(2, 3, 4)})
case(
    "logical_and",
    sym.broadcast_logical_and(x, y),
    {
        "data": rng.randint(0, 2, (2, 3)).astype(np.float32),
        "other": rng.randint(0, 2, (1, 3)).astype(np.float32),
    },
)
case("linear_regression_output", sym.LinearRegressionOutput(x), {"data": randn(3, 2)})
case("logistic_regression_output", sym.LogisticRegressionOutput(x), {"data": randn(3, 2)})
case("argmin", sym.argmin(x, axis=0), {"data": randn(3, 4)})
for op in ["tan", "arctan", "sinh", "cosh"]:
    case("unary_" + op, getattr(sym, op)(x), {"data": randn(2, 3) * 0.5})
for op in ["arcsin", "arccos"]:
    case("unary_" + op, getattr(sym, op)(x), {"data": rng.uniform(-0.9, 0.9, (2, 3)).astype("f")})


def labels_of(out, inputs, params):
    """The loss layers' label variables: graph inputs that the case gives no value."""
    return [n for n in out.list_inputs() if n not in inputs and n not in params]


def evaluate(out, inputs, params):
    """MXNet's inference outputs for ``out`` (a list of numpy arrays); labels are zeros."""
    values = {k: mx.nd.array(v, dtype=v.dtype) for k, v in {**inputs, **params}.items()}
    shapes, _, _ = out.infer_shape_partial(**{k: v.shape for k, v in inputs.items()})
    for label in labels_of(out, inputs, params):
        values[label] = mx.nd.zeros(shapes[out.list_arguments().index(label)])
    args = {n: values[n] for n in out.list_arguments()}
    aux = {n: values[n] for n in out.list_auxiliary_states()}
    exe = out.bind(mx.cpu(), args=args, aux_states=aux, grad_req="null")
    return [o.asnumpy() for o in exe.forward(is_train=False)]


def write_cases():
    spec = {}
    arrays = {}
    for name, (out, inputs, params) in CASES.items():
        labels = labels_of(out, inputs, params)
        names = [n for n in out.list_inputs() if n not in params and n not in labels]
        assert sorted(names) == sorted(inputs), (name, names, list(inputs))
        spec[name] = {
            "symbol": json.loads(out.tojson()),
            "inputs": [[n, list(inputs[n].shape), str(inputs[n].dtype)] for n in names],
            "labels": labels,
        }
        for key, value in params.items():
            if key in out.list_inputs():
                arrays["%s::param::%s" % (name, key)] = value
        for key, value in inputs.items():
            arrays["%s::input::%s" % (name, key)] = value
        for i, value in enumerate(evaluate(out, inputs, params)):
            arrays["%s::output::%d" % (name, i)] = value
    with open(os.path.join(HERE, "ops-cases.json"), "w") as f:
        json.dump(spec, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    np.savez_compressed(os.path.join(HERE, "ops-cases.npz"), **arrays)


if __name__ == "__main__":
    for model_name, builder in [
        ("mlp", mlp),
        ("lenet", lenet),
        ("resnet", resnet),
        ("mobilenet", mobilenet),
    ]:
        write_model(model_name, builder)
    write_cases()
    print("wrote", len(CASES), "op cases")
