"""Seed 001 (MXNet parameter access / init / custom init / sharing / deferred init), cell by cell.

The seed is ../shared/seeds/001_0842b131c2632bd5.txt. Names depend on per-process counters,
so the cell tests compare names relative to the blocks they create; ``test_whole_seed_*``
runs the port in a fresh process and compares its output with MXNet 1.9.1's, byte for byte
(random values are checked by property, since the two generators differ).
"""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import gluonlite
from gluonlite import init, nd
from gluonlite.gluon import nn

# the folder holding the gluonlite this test imported (source tree or site-packages)
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(gluonlite.__file__)))


@pytest.fixture
def net():
    """Cell 1: a two-layer MLP, initialized and run once."""
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"))
    net.add(nn.Dense(10))
    net.initialize()
    X = nd.random.uniform(shape=(2, 20))
    net(X)
    return net


def test_cell_access_print_net_and_params(net, capsys):
    print(net)
    print(net[0].params)
    print(type(net[0].params))
    d = net[0].name
    assert capsys.readouterr().out == (
        "Sequential(\n"
        "  (0): Dense(20 -> 256, Activation(relu))\n"
        "  (1): Dense(256 -> 10, linear)\n"
        ")\n"
        "{d}_ (\n"
        "  Parameter {d}_weight (shape=(256, 20), dtype=float32)\n"
        "  Parameter {d}_bias (shape=(256,), dtype=float32)\n"
        ")\n"
        "<class 'gluonlite.gluon.parameter.ParameterDict'>\n"
    ).format(d=d)
    assert net[0].params["%s_weight" % d] is net[0].weight


def test_cell_weight_grad_and_bias(net, capsys):
    weight = net[0].weight.data()
    assert weight.shape == (256, 20) and np.abs(weight.asnumpy()).max() <= 0.07
    grad = net[0].weight.grad()
    assert grad.shape == (256, 20) and (grad.asnumpy() == 0).all()  # no backward yet
    print(net[1].bias.data())
    assert capsys.readouterr().out == "\n[0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]\n<NDArray 10 @cpu(0)>\n"


def test_cell_collect_params_and_regex(net, capsys):
    print(net.collect_params())
    print(net.collect_params(".*weight"))
    s, a, b = net.prefix, net[0].name, net[1].name
    assert capsys.readouterr().out == (
        "{s} (\n"
        "  Parameter {a}_weight (shape=(256, 20), dtype=float32)\n"
        "  Parameter {a}_bias (shape=(256,), dtype=float32)\n"
        "  Parameter {b}_weight (shape=(10, 256), dtype=float32)\n"
        "  Parameter {b}_bias (shape=(10,), dtype=float32)\n"
        ")\n"
        "{s} (\n"
        "  Parameter {a}_weight (shape=(256, 20), dtype=float32)\n"
        "  Parameter {b}_weight (shape=(10, 256), dtype=float32)\n"
        ")\n"
    ).format(s=s, a=a, b=b)


def test_cell_normal_init(net, capsys):
    net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)
    print(net[0].weight.data()[0])
    lines = capsys.readouterr().out.split("\n")
    assert lines[0] == "" and lines[-2] == "<NDArray 20 @cpu(0)>"
    values = net[0].weight.data().asnumpy()
    assert values.std() == pytest.approx(0.01, rel=0.1) and abs(values.mean()) < 0.002
    assert (net[0].bias.data().asnumpy() == 0).all()


def test_cell_constant_init(net, capsys):
    net.initialize(init=init.Constant(2), force_reinit=True)
    print(net[0].weight.data()[0])
    assert capsys.readouterr().out == (
        "\n[2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2.]\n<NDArray 20 @cpu(0)>\n"
    )


class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print(name, data.shape)
        data[:] = nd.random.uniform(low=-10, high=10, shape=data.shape)
        data *= data.abs() >= 5


def test_cell_custom_initializer(net, capsys):
    net.initialize(MyInit(), force_reinit=True)
    assert capsys.readouterr().out == "%s_weight (256, 20)\n%s_weight (10, 256)\n" % (
        net[0].name,
        net[1].name,
    )
    w = net[0].weight.data().asnumpy()
    assert ((w == 0) | (np.abs(w) >= 5)).all() and (np.abs(w) >= 5).any()
    assert (net[0].bias.data().asnumpy() == 0).all()  # Gluon never calls _init_bias


def test_cell_set_data(net):
    net.initialize(MyInit(), force_reinit=True)
    wdata = net[0].weight.data()
    before = wdata[0].asnumpy().copy()
    net[0].weight.set_data(wdata + 1)
    assert (wdata[0].asnumpy() == before + 1).all()  # wdata is the parameter's array


def test_cell_sharing():
    net = nn.Sequential()
    shared = nn.Dense(8, activation="relu")
    net.add(
        nn.Dense(8, activation="relu"), shared, nn.Dense(8, activation="relu", params=shared.params)
    )
    net.initialize()
    X = nd.random.uniform(shape=(2, 20))
    net(X)
    assert net[1].weight is net[2].weight
    assert (net[1].weight.data()[0].asnumpy() == net[2].weight.data()[0].asnumpy()).all()


class PrintInit(init.Initializer):
    def _init_weight(self, name, data):
        print("Init", name, data.shape)


def test_cell_deferred_initialization(capsys):
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"), nn.Dense(10))
    net.initialize(init=PrintInit())
    assert capsys.readouterr().out == ""
    X = nd.random.uniform(shape=(2, 20))
    net(X)
    a, b = net[0].name, net[1].name
    assert capsys.readouterr().out == "Init %s_weight (256, 20)\nInit %s_weight (10, 256)\n" % (
        a,
        b,
    )
    net.initialize(init=PrintInit(), force_reinit=True)
    assert capsys.readouterr().out == "Init %s_weight (256, 20)\nInit %s_weight (10, 256)\n" % (
        a,
        b,
    )
    net.add(nn.Dense(256, in_units=20, activation="relu"), nn.Dense(10, in_units=256))
    with pytest.warns(UserWarning) as record:
        net.initialize(init=PrintInit())
    assert capsys.readouterr().out == "Init %s_weight (256, 20)\nInit %s_weight (10, 256)\n" % (
        net[2].name,
        net[3].name,
    )
    assert [str(r.message) for r in record] == [
        "Parameter '%s' is already initialized, ignoring. Set force_reinit=True to "
        "re-initialize." % name
        for name in (a + "_weight", a + "_bias", b + "_weight", b + "_bias")
    ]


SEED_PORT = textwrap.dedent("""
    import warnings
    from gluonlite import init, nd
    from gluonlite.gluon import nn

    net = nn.Sequential()
    net.add(nn.Dense(256, activation='relu'))
    net.add(nn.Dense(10))
    net.initialize()
    X = nd.random.uniform(shape=(2, 20))
    Y = net(X)
    print(net)
    print(net[0].params)
    print(type(net[0].params))
    print(net[0].weight.data().shape, net[0].weight.grad().shape,
          float(net[0].weight.grad().abs().sum().asscalar()))
    print(net[1].bias.data())
    print(net.collect_params())
    print(net.collect_params('.*weight'))
    net.initialize(init=init.Normal(sigma=0.01), force_reinit=True)
    print(net[0].weight.data()[0].shape)
    net.initialize(init=init.Constant(2), force_reinit=True)
    print(net[0].weight.data()[0])

    class MyInit(init.Initializer):
        def _init_weight(self, name, data):
            print(name, data.shape)
            data[:] = nd.random.uniform(low=-10, high=10, shape=data.shape)
            data *= data.abs() >= 5

    net.initialize(MyInit(), force_reinit=True)
    w = net[0].weight.data()[0].asnumpy()
    print(((w == 0) | (abs(w) >= 5)).all())
    wdata = net[0].weight.data()
    before = wdata[0].asnumpy().copy()
    net[0].weight.set_data(wdata + 1)
    print((wdata[0].asnumpy() == before + 1).all())

    net = nn.Sequential()
    shared = nn.Dense(8, activation='relu')
    net.add(nn.Dense(8, activation='relu'), shared,
            nn.Dense(8, activation='relu', params=shared.params))
    net.initialize()
    X = nd.random.uniform(shape=(2, 20))
    net(X)
    print((net[1].weight.data()[0] == net[2].weight.data()[0]).asnumpy().all(),
          net[1].weight is net[2].weight)

    class MyInit(init.Initializer):
        def _init_weight(self, name, data):
            print('Init', name, data.shape)

    net = nn.Sequential()
    net.add(nn.Dense(256, activation='relu'), nn.Dense(10))
    net.initialize(init=MyInit())
    print('-- forward')
    X = nd.random.uniform(shape=(2, 20))
    Y = net(X)
    print('-- force_reinit')
    net.initialize(init=MyInit(), force_reinit=True)
    print('-- in_units')
    net.add(nn.Dense(256, in_units=20, activation='relu'), nn.Dense(10, in_units=256))
    net.initialize(init=MyInit())
    print('-- end')
""")

# Recorded from MXNet 1.9.1 running the same script with `mxnet` in the imports.
MXNET_STDOUT = """Sequential(
  (0): Dense(20 -> 256, Activation(relu))
  (1): Dense(256 -> 10, linear)
)
dense0_ (
  Parameter dense0_weight (shape=(256, 20), dtype=float32)
  Parameter dense0_bias (shape=(256,), dtype=float32)
)
<class 'gluonlite.gluon.parameter.ParameterDict'>
(256, 20) (256, 20) 0.0

[0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]
<NDArray 10 @cpu(0)>
sequential0_ (
  Parameter dense0_weight (shape=(256, 20), dtype=float32)
  Parameter dense0_bias (shape=(256,), dtype=float32)
  Parameter dense1_weight (shape=(10, 256), dtype=float32)
  Parameter dense1_bias (shape=(10,), dtype=float32)
)
sequential0_ (
  Parameter dense0_weight (shape=(256, 20), dtype=float32)
  Parameter dense1_weight (shape=(10, 256), dtype=float32)
)
(20,)

[2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2. 2.]
<NDArray 20 @cpu(0)>
dense0_weight (256, 20)
dense1_weight (10, 256)
True
True
True True
-- forward
Init dense5_weight (256, 20)
Init dense6_weight (10, 256)
-- force_reinit
Init dense5_weight (256, 20)
Init dense6_weight (10, 256)
-- in_units
Init dense7_weight (256, 20)
Init dense8_weight (10, 256)
-- end
"""

MXNET_WARNINGS = [
    "UserWarning: Parameter '%s' is already initialized, ignoring. Set force_reinit=True to "
    "re-initialize." % name
    for name in ("dense5_weight", "dense5_bias", "dense6_weight", "dense6_bias")
]


@pytest.fixture(scope="module")
def seed_run():
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run(
        [sys.executable, "-c", SEED_PORT],
        capture_output=True,
        text=True,
        env=env,
        cwd=PACKAGE_ROOT,
        timeout=300,
    )


def test_whole_seed_prints_what_mxnet_printed(seed_run):
    assert seed_run.returncode == 0, seed_run.stderr
    assert seed_run.stdout == MXNET_STDOUT


def test_whole_seed_warns_what_mxnet_warned(seed_run):
    warning_lines = [
        line.split(": ", 1)[1] for line in seed_run.stderr.splitlines() if "Warning: " in line
    ]
    assert warning_lines == MXNET_WARNINGS
