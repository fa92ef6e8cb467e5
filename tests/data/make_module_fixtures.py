"""Writes the checkpoint fixtures in tests/data/module/ (tests/test_model_checkpoint.py and
tests/test_module.py read them).

Two steps, the first with gluonlite, the second with the real MXNet 1.9.1::

    /work/venv/bin/python tests/data/make_module_fixtures.py gluonlite
    /work/mxvenv/bin/python tests/data/make_module_fixtures.py mxnet

``gluonlite`` writes ``gluonlite_mlp-symbol.json`` and ``gluonlite_mlp-0003.params`` with
``mx.model.save_checkpoint`` (parameters from ``np.random.RandomState(5)``; the tests
rebuild them and check the files byte for byte). ``mxnet`` then records:

* ``gluonlite_mlp-mxnet.npz``: what MXNet's ``load_checkpoint`` returned for those files
  (key order) and its ``Module`` prediction on ``data``.
* ``mxnet_mlp-symbol.json``, ``mxnet_mlp-0007.params``: a checkpoint MXNet wrote
  (FullyConnected, BatchNorm, relu, FullyConnected; parameters and BatchNorm statistics
  from ``np.random.RandomState(3)``), with ``mxnet_mlp-io.npz``: its ``data``, MXNet's
  inference ``output`` and the key order of the ``.params`` file.
* ``mxnet_sgd-steps.npz``: two ``Module`` SGD steps (momentum 0.9, wd 0.01, ``fc2_weight``
  with ``lr_mult=0.5``) on a make_loss mean-squared-error graph, from fixed parameters:
  the batches, the start values and the parameters after each update.
"""

from __future__ import annotations

import os
import sys

import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "module")


def mlp(mx):
    """The checkpointed graph: FC(5) -> BatchNorm -> relu -> FC(3)."""
    data = mx.sym.var("data")
    fc1 = mx.sym.FullyConnected(data, num_hidden=5, name="fc1")
    bn = mx.sym.BatchNorm(fc1, name="bn1")
    act = mx.sym.Activation(bn, act_type="relu", name="relu1")
    return mx.sym.FullyConnected(act, num_hidden=3, name="fc2")


def mlp_params(mx, seed):
    """(arg_params, aux_params) of ``mlp`` from ``np.random.RandomState(seed)``."""
    rs = np.random.RandomState(seed)
    shapes = [
        ("fc1_weight", (5, 4)),
        ("fc1_bias", (5,)),
        ("bn1_gamma", (5,)),
        ("bn1_beta", (5,)),
        ("fc2_weight", (3, 5)),
        ("fc2_bias", (3,)),
    ]
    args = {n: mx.nd.array(rs.uniform(-1, 1, s).astype("float32")) for n, s in shapes}
    aux = {
        "bn1_moving_mean": mx.nd.array(rs.uniform(-0.5, 0.5, (5,)).astype("float32")),
        "bn1_moving_var": mx.nd.array(rs.uniform(0.5, 2.0, (5,)).astype("float32")),
    }
    return args, aux


def regression(mx):
    """A make_loss MSE graph with an lr_mult on fc2_weight."""
    data = mx.sym.var("data")
    label = mx.sym.var("label")
    fc1 = mx.sym.FullyConnected(data, num_hidden=4, name="fc1")
    act = mx.sym.Activation(fc1, act_type="tanh", name="tanh1")
    w2 = mx.sym.var("fc2_weight", lr_mult=0.5)
    fc2 = mx.sym.FullyConnected(act, weight=w2, num_hidden=2, name="fc2")
    return mx.sym.make_loss(mx.sym.mean(mx.sym.square(fc2 - label), axis=1), name="mse")


def regression_start():
    rs = np.random.RandomState(11)
    params = {
        "fc1_weight": rs.uniform(-1, 1, (4, 3)),
        "fc1_bias": rs.uniform(-1, 1, (4,)),
        "fc2_weight": rs.uniform(-1, 1, (2, 4)),
        "fc2_bias": rs.uniform(-1, 1, (2,)),
    }
    batches = [(rs.uniform(-1, 1, (6, 3)), rs.uniform(-1, 1, (6, 2))) for _ in range(2)]
    as32 = {k: v.astype("float32") for k, v in params.items()}
    return as32, [(x.astype("float32"), y.astype("float32")) for x, y in batches]


def write_gluonlite():
    import gluonlite as mx

    os.makedirs(HERE, exist_ok=True)
    args, aux = mlp_params(mx, 5)
    mx.model.save_checkpoint(os.path.join(HERE, "gluonlite_mlp"), 3, mlp(mx), args, aux)


def write_mxnet():
    import mxnet as mx

    # gluonlite's checkpoint, read by MXNet
    prefix = os.path.join(HERE, "gluonlite_mlp")
    sym, args, aux = mx.model.load_checkpoint(prefix, 3)
    data = np.random.RandomState(6).uniform(-1, 1, (7, 4)).astype("float32")
    mod = mx.mod.Module(sym, label_names=None)
    mod.bind([("data", data.shape)], for_training=False)
    mod.set_params(args, aux)
    out = mod.predict(mx.nd.array(data)).asnumpy()
    np.savez(
        prefix + "-mxnet.npz",
        data=data,
        output=out,
        arg_keys=np.array(list(args)),
        aux_keys=np.array(list(aux)),
        outputs=np.array(sym.list_outputs()),
    )

    # MXNet's own checkpoint
    prefix = os.path.join(HERE, "mxnet_mlp")
    args, aux = mlp_params(mx, 3)
    mx.model.save_checkpoint(prefix, 7, mlp(mx), args, aux)
    data = np.random.RandomState(4).uniform(-1, 1, (6, 4)).astype("float32")
    mod = mx.mod.Module.load(prefix, 7, label_names=None)
    mod.bind([("data", data.shape)], for_training=False)
    out = mod.predict(mx.nd.array(data)).asnumpy()
    keys = list(mx.nd.load(prefix + "-0007.params"))
    np.savez(prefix + "-io.npz", data=data, output=out, keys=np.array(keys))

    # two SGD steps of Module on a make_loss graph
    start, batches = regression_start()
    mod = mx.mod.Module(regression(mx), data_names=("data",), label_names=("label",))
    mod.bind([("data", (6, 3))], [("label", (6, 2))])
    mod.init_params(arg_params={k: mx.nd.array(v) for k, v in start.items()})
    mod.init_optimizer(
        optimizer="sgd", optimizer_params={"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}
    )
    record = {}
    for step, (x, y) in enumerate(batches):
        mod.forward_backward(mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)]))
        mod.update()
        record["loss%d" % step] = mod.get_outputs()[0].asnumpy()
        for name, value in mod.get_params()[0].items():
            record["%s_after%d" % (name, step)] = value.asnumpy()
    for step, (x, y) in enumerate(batches):
        record["data%d" % step] = x
        record["label%d" % step] = y
    for name, value in start.items():
        record[name + "_start"] = value
    np.savez(os.path.join(HERE, "mxnet_sgd-steps.npz"), **record)


if __name__ == "__main__":
    if sys.argv[1:] == ["gluonlite"]:
        write_gluonlite()
    elif sys.argv[1:] == ["mxnet"]:
        write_mxnet()
    else:
        sys.exit("usage: make_module_fixtures.py gluonlite|mxnet")
