"""Write the gluon.rnn fixtures of tests/test_rnn.py with MXNet 1.9.1 (the oracle).

Run with an interpreter that has mxnet 1.9.1 and numpy 1.23.5:
    python tests/data/make_rnn_fixtures.py
For each layer it saves, under tests/data/rnn/: NAME.params (save_parameters) and
NAME_io.nd (nd.save of a dict: input, begin states, output, output states and the
gradients of sum(output * head) with respect to the input and every parameter; not for
the projected LSTM, which MXNet 1.9.1 cannot train on the CPU).
"""

import os

import numpy as np
from mxnet import autograd, nd
from mxnet.gluon import rnn

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rnn")
T, N, C, H = 4, 3, 5, 8

LAYERS = {
    "lstm_bi2": lambda: rnn.LSTM(H, num_layers=2, bidirectional=True, input_size=C),
    "gru2": lambda: rnn.GRU(H, num_layers=2, input_size=C),
    "rnn_tanh2_ntc": lambda: rnn.RNN(
        H, num_layers=2, activation="tanh", layout="NTC", input_size=C
    ),
    "rnn_relu_bi": lambda: rnn.RNN(H, bidirectional=True, input_size=C),
    "lstmp_bi2": lambda: rnn.LSTM(
        H, num_layers=2, bidirectional=True, projection_size=4, input_size=C
    ),
}


def main():
    os.makedirs(HERE, exist_ok=True)
    rng = np.random.RandomState(15)
    for name, make in LAYERS.items():
        layer = make()
        layer.initialize()
        for param in layer.collect_params().values():
            param.set_data(nd.array(rng.uniform(-0.5, 0.5, param.shape)))
        shape = (N, T, C) if layer._layout == "NTC" else (T, N, C)
        x = nd.array(rng.uniform(-1, 1, shape))
        states = [nd.array(rng.uniform(-0.5, 0.5, s.shape)) for s in layer.begin_state(N)]
        params = layer.collect_params()
        trainable = layer._projection_size is None
        if trainable:
            x.attach_grad()
        with autograd.record() if trainable else autograd.predict_mode():
            out, out_states = layer(x, states)
            head = nd.array(rng.uniform(-1, 1, out.shape))
            loss = (out * head).sum()
        io = {"input": x, "output": out, "head": head}
        if trainable:
            loss.backward()
            io["grad_input"] = x.grad
        for i, s in enumerate(states):
            io["state%d" % i] = s
        for i, s in enumerate(out_states):
            io["out_state%d" % i] = s
        for key, param in params.items():
            if trainable:
                io["grad_" + key[len(layer.prefix) :]] = param.grad()
        layer.save_parameters(os.path.join(HERE, name + ".params"))
        nd.save(os.path.join(HERE, name + "_io.nd"), io)
        with open(os.path.join(HERE, name + ".txt"), "w") as f:
            f.write(repr(layer) + "\n")
            f.write("\n".join(params.keys()) + "\n")
    print("wrote", sorted(os.listdir(HERE)))


if __name__ == "__main__":
    main()
