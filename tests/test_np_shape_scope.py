"""mx.np_shape / is_np_shape / set_np_shape: MXNet's NumPy-shape switch, per thread."""

import threading

import gluonlite as mx
from gluonlite import gluon


def test_scope_sets_and_restores_the_switch():
    assert mx.is_np_shape() is False
    with mx.np_shape(True):
        assert mx.is_np_shape() and mx.util.is_np_shape()
        with mx.np_shape(False):
            assert not mx.is_np_shape()
        assert mx.is_np_shape()
    assert not mx.is_np_shape()
    assert mx.set_np_shape(True) is False
    assert mx.set_np_shape(False) is True


def test_switch_is_per_thread_and_gluon_works_inside():
    seen = []
    with mx.np_shape(True):
        t = threading.Thread(target=lambda: seen.append(mx.is_np_shape()))
        t.start()
        t.join()
        net = gluon.nn.Dense(16)
        net.initialize()
        assert net(mx.nd.zeros((2, 2016))).shape == (2, 16)
    assert seen == [False]
