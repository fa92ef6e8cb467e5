"""Checkpoints through gluonlite's three atomic save paths, for tests/test_faults.py.

Also the entry point of its child processes (``python fault_support.py MODE API PATH``),
which save while the parent kills them or while a file-size limit stops them.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
import time

import numpy as np

from gluonlite import autograd, gluon, nd
from gluonlite.gluon import nn
from gluonlite.ndarray import utils as nd_utils

SIZE = 1 << 20  # float32 elements per checkpoint (4 MiB): long enough to die mid-write
APIS = ["nd.save", "save_parameters", "save_states"]


def _net():
    net = nn.Dense(1024, in_units=SIZE // 1024, use_bias=False)
    net.initialize()
    return net


def _trainer(net):
    return gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 1.0})


def save(api: str, path: str, value: int) -> None:
    """Writes checkpoint number ``value`` (every element, or the learning rate, holds it)."""
    if api == "nd.save":
        nd.save(path, {"w": nd.full((SIZE,), value)})
    elif api == "save_parameters":
        net = _net()
        net.weight.set_data(nd.full((1024, SIZE // 1024), value))
        net.save_parameters(path)
    else:
        net = _net()
        trainer = _trainer(net)
        with autograd.record():
            loss = net(nd.ones((1, SIZE // 1024))).sum()
        loss.backward()
        trainer.step(1)  # creates Adam's mean and variance: SIZE elements each
        trainer.set_learning_rate(float(value))
        trainer.save_states(path)


def load(api: str, path: str) -> int:
    """The checkpoint number in ``path``; fails unless the checkpoint is whole."""
    if api == "nd.save":
        values = nd.load(path)["w"].asnumpy()
    elif api == "save_parameters":
        net = _net()
        net.load_parameters(path)
        values = net.weight.data().asnumpy()
    else:
        trainer = _trainer(_net())
        trainer.load_states(path)
        states = trainer._updaters[0].states
        assert all(s[0].shape == (1024, SIZE // 1024) for s in states.values()), states
        values = np.array([trainer.learning_rate])
    assert values.size and (values == values.flat[0]).all(), "a torn checkpoint"
    return int(values.flat[0])


def _child(mode: str, api: str, path: str) -> None:
    if mode == "stall":  # everything written, nothing renamed yet: the worst time to die

        def stall(fd):
            print("written", flush=True)
            time.sleep(120)

        os.fsync = stall
        save(api, path, 1)
    elif mode == "loop":  # save 1, 2, 3, ... until killed, at any point of a save
        for value in range(1, 10**6):
            save(api, path, value)
            print("saved", value, flush=True)
    else:  # 'fsize' or 'fsize-named': writes past 4 KiB fail with EFBIG
        if mode == "fsize-named":  # filesystems without O_TMPFILE: a named temporary
            nd_utils._open_unnamed = lambda directory: None
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            save(api, path, 1)
        except Exception as err:  # noqa: BLE001 - the parent checks class and message
            print("%s: %s" % (type(err).__name__, err), flush=True)


if __name__ == "__main__":
    _child(*sys.argv[1:])
