"""Writes the model-zoo fixtures with the real MXNet 1.9.1 (the oracle).

Run from the repository root with MXNet's interpreter::

    /work/mxvenv/bin/python tests/data/make_model_zoo_fixtures.py

Each model is built in a fresh process, so its block counters start at zero and its
prefix is MXNet's first one (``resnetv10_``). Written:

* ``tests/data/model_zoo_manifest.json``: for every name ``get_model`` accepts, the
  net's prefix, the smallest square input side it accepts, the output shape for it and
  the ordered (parameter name without the prefix, shape) list; ``print(net)`` text for
  a few models; the ValueError text for an unknown name.
* ``tests/data/model_zoo/<name>_output.npy``: MXNet's inference output for the cases in
  ``tests/model_zoo_support.OUTPUT_CASES``, on ``model_input(name, side)``.
* ``tests/data/model_zoo/mobilenet0.25.params``: that net after Xavier init (seed 42) and
  40 training-mode forwards (non-trivial BatchNorm running statistics), written by
  MXNet's ``save_parameters``. The other cases take ``param_value`` arrays instead, so
  their (large) parameters need not be stored.
"""

import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests/, for model_zoo_support
import model_zoo_support as support  # noqa: E402

OUT_DIR = os.path.join(HERE, "model_zoo")
MANIFEST = os.path.join(HERE, "model_zoo_manifest.json")
REPR_BEFORE_INIT = ["squeezenet1.1"]
REPR_AFTER_FORWARD = [
    "squeezenet1.1",
    "mobilenet0.25",
    "mobilenetv2_0.25",
    "resnet18_v1",
    "resnet18_v2",
]


def _accepts(name, side):
    """Whether a throwaway copy of the model maps a 1x3xside x side input to (1, 1000)."""
    import mxnet as mx
    from mxnet.gluon.model_zoo import vision

    net = vision.get_model(name)
    net.initialize()
    try:
        return net(mx.nd.ones((1, 3, side, side))).shape == (1, 1000)
    except Exception:  # too small: MXNet raises MXNetError (or ValueError in deferred init)
        return False


def _smallest_side(name):
    """Double the side from 16 until accepted, then bisect down to the smallest accepted."""
    high = 16
    while not _accepts(name, high):
        high *= 2
    low = high // 2 + 1 if high > 16 else high
    while low < high:
        middle = (low + high) // 2
        if _accepts(name, middle):
            high = middle
        else:
            low = middle + 1
    return low


def _numpy_params_net(name, kwargs, x):
    """The model with every parameter set to ``param_value``, loaded through a .params file
    (set_data after a forward trips MXNet's MKLDNN layouts)."""
    import tempfile

    import mxnet as mx
    from mxnet.gluon.model_zoo import vision

    shaped = vision.get_model(name, **kwargs)
    shaped.initialize()
    shaped(x)  # resolve deferred shapes
    arrays = {}
    for key, param in shaped._collect_params_with_prefix().items():
        arrays[key] = mx.nd.array(
            support.param_value(param.name[len(shaped.prefix) :], param.shape)
        )
    net = vision.get_model(name, **kwargs)
    with tempfile.TemporaryDirectory() as tmp:
        mx.nd.save(os.path.join(tmp, "p.params"), arrays)
        net.load_parameters(os.path.join(tmp, "p.params"))
    return net


def _output_case(name, side):
    import mxnet as mx
    from mxnet import autograd
    from mxnet.gluon.model_zoo import vision

    kwargs, case_side, how = support.OUTPUT_CASES[name]
    side = case_side or side
    x = mx.nd.array(support.model_input(name, side))
    if how == "file":
        mx.random.seed(42)
        net = vision.get_model(name, **kwargs)
        net.initialize(mx.init.Xavier())
        rng = np.random.RandomState(7)
        for _ in range(40):  # running statistics near the real ones (momentum 0.9)
            with autograd.record():
                out = net(mx.nd.array(rng.uniform(0, 1, size=(4, 3, side, side))))
            out.backward()  # MXNet 1.9.1 commits the running statistics only with a backward
        net.save_parameters(os.path.join(OUT_DIR, name + ".params"))
    else:
        net = _numpy_params_net(name, kwargs, x)
    np.save(os.path.join(OUT_DIR, name + "_output.npy"), net(x).asnumpy())


def describe_one(name):
    """Everything the manifest records about model ``name`` (run in a fresh process)."""
    import mxnet as mx
    from mxnet.gluon.model_zoo import vision

    net = vision.get_model(name)
    record = {"prefix": net.prefix}
    reprs = {}
    if name in REPR_BEFORE_INIT:
        reprs["before_init"] = repr(net)
    names_before = list(net.collect_params().keys())
    side = _smallest_side(name)
    net.initialize()
    out = net(mx.nd.ones((1, 3, side, side)))
    params = net.collect_params()
    assert list(params.keys()) == names_before
    record.update(
        input=side,
        output=list(out.shape),
        params=[[key[len(net.prefix) :], list(p.shape)] for key, p in params.items()],
    )
    if name in REPR_AFTER_FORWARD:
        reprs["after_forward"] = repr(net)
    if reprs:
        record["repr"] = reprs
    if name in support.OUTPUT_CASES:
        _output_case(name, side)
    return record


def _unknown_name_error():
    from mxnet.gluon.model_zoo import vision

    try:
        vision.get_model("resnet0_v9")
    except ValueError as error:
        return str(error), error.args[0].split("\n\t")[1:]
    raise AssertionError("get_model accepted an unknown name")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    message, names = _unknown_name_error()
    models = {}
    for name in names:
        result = subprocess.run(
            [sys.executable, __file__, "--model", name], check=True, capture_output=True, text=True
        )
        models[name] = json.loads(result.stdout.strip().splitlines()[-1])
        print(name, models[name]["input"], models[name]["output"], file=sys.stderr)
    with open(MANIFEST, "w") as f:
        f.write('{"unknown_name_error": %s,\n "models": {\n' % json.dumps(message))
        f.write(
            ",\n".join(
                "  %s: %s" % (json.dumps(n), json.dumps(models[n], separators=(",", ":")))
                for n in names
            )
        )
        f.write("\n }\n}\n")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--model":
        print(json.dumps(describe_one(sys.argv[2])))
    else:
        main()
