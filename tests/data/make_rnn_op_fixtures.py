"""Write tests/data/rnn_op_fixtures.npz with MXNet 1.9.1 (the oracle) for
tests/test_nd_rnn_op.py and tests/test_output_ops.py.

Run it with MXNet's interpreter (mxnet 1.9.1, numpy 1.23.5)::

    /work/mxvenv/bin/python tests/data/make_rnn_op_fixtures.py

Two groups of arrays come out, in one .npz (no pickles: the case lists are JSON strings):

* ``rnn/<case>/...``: for ``nd.RNN`` in every mode, 2 layers, one and two directions (and
  a projected LSTM, forward only: MXNet 1.9.1 cannot differentiate it on the CPU): the
  input, packed parameters, begin states, the output and output states, and the gradients
  of ``sum(out * head) + sum(h_n * head_h)`` with respect to the input, the parameters and
  the states. ``rnn_cases`` lists the cases with their operator arguments.
* ``out/<case>/...``: for ``SoftmaxOutput`` and the three regression outputs: data, label,
  forward output and the gradient ``backward()`` leaves in data (its head gradient is a
  random array, which these operators ignore). ``output_cases`` lists op and arguments.
"""

from __future__ import annotations

import json
import os

import mxnet as mx
import numpy as np
from mxnet import autograd, nd

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rnn_op_fixtures.npz")
T, N, C, H, P = 3, 2, 3, 4, 2

RNN_CASES = [
    {
        "name": "%s_%s" % (mode, "bi" if bi else "uni"),
        "mode": mode,
        "num_layers": 2,
        "bidirectional": bi,
        "projection_size": None,
        "trainable": True,
    }
    for mode in ["rnn_relu", "rnn_tanh", "gru", "lstm"]
    for bi in [False, True]
] + [
    {
        "name": "lstmp_%s" % ("bi" if bi else "uni"),
        "mode": "lstm",
        "num_layers": 2,
        "bidirectional": bi,
        "projection_size": P,
        "trainable": False,
    }
    for bi in [False, True]
]

# (name, op, data shape, label kind, keyword arguments)
OUTPUT_CASES = [
    ("softmax_plain", "SoftmaxOutput", (4, 5), "class", {}),
    ("softmax_scale", "SoftmaxOutput", (4, 5), "class", {"grad_scale": 2.5}),
    ("softmax_batch", "SoftmaxOutput", (4, 5), "class", {"normalization": "batch"}),
    (
        "softmax_valid_noignore",
        "SoftmaxOutput",
        (4, 5),
        "class_ignored",
        {"normalization": "valid"},
    ),
    (
        "softmax_valid_ignore",
        "SoftmaxOutput",
        (4, 5),
        "class_ignored",
        {"normalization": "valid", "use_ignore": True, "grad_scale": 2.0},
    ),
    ("softmax_null_ignore", "SoftmaxOutput", (4, 5), "class_ignored", {"use_ignore": True}),
    (
        "softmax_ignore_label2",
        "SoftmaxOutput",
        (4, 5),
        "class",
        {"use_ignore": True, "ignore_label": 2.0, "normalization": "batch"},
    ),
    ("softmax_smooth", "SoftmaxOutput", (4, 5), "class", {"smooth_alpha": 0.1}),
    (
        "softmax_smooth_ignore",
        "SoftmaxOutput",
        (4, 5),
        "class_ignored",
        {"smooth_alpha": 0.2, "use_ignore": True, "normalization": "valid"},
    ),
    ("softmax_out_of_range", "SoftmaxOutput", (4, 5), "class_out_of_range", {}),
    ("softmax_out_grad", "SoftmaxOutput", (4, 5), "class", {"out_grad": True}),
    ("softmax_prob_label", "SoftmaxOutput", (3, 4), "prob", {"grad_scale": 3.0}),
    ("softmax_prob_label_batch", "SoftmaxOutput", (3, 4), "prob", {"normalization": "batch"}),
    ("softmax_multi_null", "SoftmaxOutput", (2, 3, 4), "multi", {"multi_output": True}),
    (
        "softmax_multi_batch",
        "SoftmaxOutput",
        (3, 2, 5),
        "multi",
        {"multi_output": True, "normalization": "batch"},
    ),
    (
        "softmax_multi_valid_ignore",
        "SoftmaxOutput",
        (2, 4, 3),
        "multi_ignored",
        {"multi_output": True, "normalization": "valid", "use_ignore": True},
    ),
    (
        "softmax_multi_smooth",
        "SoftmaxOutput",
        (2, 3, 4),
        "multi_ignored",
        {"multi_output": True, "smooth_alpha": 0.2, "use_ignore": True},
    ),
    (
        "softmax_multi_4d",
        "SoftmaxOutput",
        (2, 3, 2, 2),
        "multi",
        {"multi_output": True, "normalization": "batch", "grad_scale": 0.5},
    ),
    ("softmax_multi_prob", "SoftmaxOutput", (2, 3, 4), "prob", {"multi_output": True}),
    (
        "softmax_preserve_batch",
        "SoftmaxOutput",
        (2, 3, 4),
        "preserve",
        {"preserve_shape": True, "normalization": "batch"},
    ),
    (
        "softmax_preserve_valid_ignore",
        "SoftmaxOutput",
        (2, 3, 4),
        "preserve_ignored",
        {"preserve_shape": True, "normalization": "valid", "use_ignore": True},
    ),
    ("softmax_flat_3d", "SoftmaxOutput", (3, 2, 4), "preserve", {}),
    (
        "softmax_flat_3d_valid",
        "SoftmaxOutput",
        (3, 2, 4),
        "preserve",
        {"normalization": "valid", "use_ignore": True, "ignore_label": 1.0},
    ),
    ("softmax_1d", "SoftmaxOutput", (4,), "prob", {}),
    ("linear_2d", "LinearRegressionOutput", (3, 4), "same", {"grad_scale": 3.0}),
    ("linear_3d", "LinearRegressionOutput", (2, 3, 5), "same", {}),
    ("linear_1d", "LinearRegressionOutput", (3,), "same", {}),
    ("linear_n1_label_n", "LinearRegressionOutput", (3, 1), "squeezed", {}),
    ("logistic_2d", "LogisticRegressionOutput", (3, 4), "unit", {"grad_scale": 3.0}),
    ("logistic_3d", "LogisticRegressionOutput", (2, 3, 5), "unit", {}),
    ("mae_2d", "MAERegressionOutput", (3, 4), "same", {"grad_scale": 3.0}),
    ("mae_ties", "MAERegressionOutput", (2, 4), "ties", {"grad_scale": -2.0}),
]


def rnn_param_size(mode: str, layers: int, dirs: int, proj) -> int:
    gates = {"rnn_relu": 1, "rnn_tanh": 1, "gru": 3, "lstm": 4}[mode]
    width = proj or H
    size, in_size = 0, C
    for _ in range(layers):
        per_dir = gates * H * (in_size + width) + 2 * gates * H
        if proj:
            per_dir += proj * H
        size += dirs * per_dir
        in_size = width * dirs
    return size


def make_rnn(rng, arrays: dict) -> list:
    cases = []
    for case in RNN_CASES:
        mode, layers, bi, proj = (
            case["mode"],
            case["num_layers"],
            case["bidirectional"],
            case["projection_size"],
        )
        dirs = 2 if bi else 1
        lstm = mode == "lstm"
        x = nd.array(rng.uniform(-1, 1, (T, N, C)))
        params = nd.array(rng.uniform(-0.5, 0.5, (rnn_param_size(mode, layers, dirs, proj),)))
        states = [nd.array(rng.uniform(-0.5, 0.5, (layers * dirs, N, proj or H)))]
        if lstm:
            states.append(nd.array(rng.uniform(-0.5, 0.5, (layers * dirs, N, H))))
        kwargs = dict(
            state_size=H, num_layers=layers, bidirectional=bi, mode=mode, state_outputs=True
        )
        if proj:
            kwargs["projection_size"] = proj
        trainable = case["trainable"]
        for a in [x, params] + states:
            if trainable:
                a.attach_grad()
        with autograd.record() if trainable else autograd.predict_mode():
            outs = nd.RNN(x, params, *states, **kwargs)
            head = nd.array(rng.uniform(-1, 1, outs[0].shape))
            head_h = nd.array(rng.uniform(-1, 1, outs[1].shape))
            loss = (outs[0] * head).sum() + (outs[1] * head_h).sum()
        if not proj:  # MXNet 1.9.1 crashes (segfault) on a projected LSTM without states out
            single = nd.RNN(x, params, *states, **dict(kwargs, state_outputs=False))
            assert np.allclose(single.asnumpy(), outs[0].asnumpy(), atol=1e-6), case["name"]
        key = "rnn/%s/" % case["name"]
        found = {"data": x, "parameters": params, "head": head, "head_h": head_h}
        found.update({"state%d" % i: s for i, s in enumerate(states)})
        found.update({"out%d" % i: o for i, o in enumerate(outs)})
        if trainable:
            loss.backward()
            found["grad_data"] = x.grad
            found["grad_parameters"] = params.grad
            found.update({"grad_state%d" % i: s.grad for i, s in enumerate(states)})
        for k, v in found.items():
            arrays[key + k] = v.asnumpy()
        cases.append(case)
    return cases


def make_label(rng, kind: str, shape: tuple) -> np.ndarray:
    classes = shape[1] if len(shape) > 1 else 1
    if kind.startswith("class"):
        label = rng.randint(0, shape[-1], shape[:1]).astype(np.float32)
        if kind == "class_ignored":
            label[1::2] = -1
        if kind == "class_out_of_range":
            label = np.array([7.0, -3.0, 3.7, 4.2], np.float32)
        return label
    if kind.startswith("multi"):
        label = rng.randint(0, classes, shape[:1] + shape[2:]).astype(np.float32)
        if kind == "multi_ignored":
            label.reshape(-1)[::3] = -1
        return label
    if kind.startswith("preserve"):
        label = rng.randint(0, shape[-1], shape[:-1]).astype(np.float32)
        if kind == "preserve_ignored":
            label.reshape(-1)[::2] = -1
        return label
    if kind == "prob":
        return rng.uniform(0, 1, shape).astype(np.float32)
    if kind == "unit":
        return rng.randint(0, 2, shape).astype(np.float32)
    if kind == "squeezed":
        return rng.uniform(-1, 1, shape[:1]).astype(np.float32)
    if kind == "ties":
        return np.array([[0, 1, 3, 2], [5, -1, 0.5, 0.25]], np.float32)
    return rng.uniform(-1, 1, shape).astype(np.float32)


def make_outputs(rng, arrays: dict) -> list:
    cases = []
    for name, op, shape, kind, kwargs in OUTPUT_CASES:
        data = rng.uniform(-2, 2, shape).astype(np.float32)
        if kind == "ties":
            data = np.array([[0, 1, 2, 3], [5, 0, 0.5, 1]], np.float32)
        label = make_label(rng, kind, shape)
        x, lab = nd.array(data), nd.array(label)
        x.attach_grad()
        lab.attach_grad()
        with autograd.record():
            y = getattr(nd, op)(x, lab, **kwargs)
        y.backward(nd.array(rng.uniform(-3, 3, y.shape)))
        assert not lab.grad.asnumpy().any()
        key = "out/%s/" % name
        arrays[key + "data"] = data
        arrays[key + "label"] = label
        arrays[key + "output"] = y.asnumpy()
        arrays[key + "grad"] = x.grad.asnumpy()
        cases.append({"name": name, "op": op, "kwargs": kwargs})
    return cases


def main() -> None:
    mx.random.seed(7)
    rng = np.random.RandomState(20)
    arrays: dict = {}
    rnn_cases = make_rnn(rng, arrays)
    output_cases = make_outputs(rng, arrays)
    arrays["rnn_cases"] = np.array(json.dumps(rnn_cases))
    arrays["output_cases"] = np.array(json.dumps(output_cases))
    np.savez_compressed(OUT, **arrays)
    print("wrote", OUT, len(arrays), "arrays")


if __name__ == "__main__":
    main()
