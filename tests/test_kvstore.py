"""mx.kv: the in-process KVStore against numpy, its errors, and Trainer on top of it."""

import pickle
import warnings

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import _core, autograd, gluon, nd
from gluonlite.base import MXNetError
from gluonlite.gluon import nn

CPUS = [mx.cpu(0), mx.cpu(1), mx.cpu(2)]


def arr(values, ctx=None):
    return nd.array(np.asarray(values, dtype=np.float32), ctx=ctx or mx.cpu(0))


# ---------------------------------------------------------------- create, identity
@pytest.mark.parametrize("name", ["local", "device", "local_update_cpu", "local_allreduce_device"])
def test_create_builtin_stores_reports_type_rank_workers(name):
    kv = mx.kv.create(name)
    assert isinstance(kv, mx.kv.KVStore) and isinstance(kv, mx.kv.KVStoreBase)
    assert (kv.type, kv.rank, kv.num_workers) == (name, 0, 1)
    assert kv.is_capable("optimizer") and kv.is_capable(mx.kv.KVStoreBase.OPTIMIZER)
    assert mx.kvstore.create is mx.kv.create


def test_create_default_is_local_and_name_must_be_a_string():
    assert mx.kv.create().type == "local"
    with pytest.raises(TypeError, match=r"^name must be a string$"):
        mx.kv.create(3)


@pytest.mark.skipif(_core.nccl_available(), reason="NCCL is installed: no warning")
def test_nccl_works_like_device_and_warns_when_nccl_is_missing():
    with pytest.warns(UserWarning, match=r"^kvstore 'nccl': NCCL is not available \(no NCCL"):
        kv = mx.kv.create("nccl")
    assert kv.type == "nccl"
    kv.init(0, arr([1, 2]))
    kv.push(0, [arr([1, 1]), arr([2, 2], mx.cpu(1))])
    out = nd.zeros((2,), ctx=mx.cpu(1))
    kv.pull(0, out=out)
    np.testing.assert_array_equal(out.asnumpy(), [3, 3])


@pytest.mark.parametrize("name", ["dist_async", "byteps"])
def test_unserved_distributed_stores_raise_mxneterror_naming_the_served_ones(name):
    with pytest.raises(MXNetError, match=r"^kvstore '%s' is not served.*'dist_sync'" % name):
        mx.kv.create(name)


def test_unknown_store_name_raises_listing_the_known_ones():
    with pytest.raises(MXNetError, match=r"^unknown kvstore type 'foo': gluonlite serves 'local'"):
        mx.kv.create("foo")


def test_unknown_capability_raises_value_error():
    with pytest.raises(ValueError, match=r"^Unknown capability: foo$"):
        mx.kv.create("local").is_capable("foo")


# ---------------------------------------------------------------- init, push, pull
def test_push_of_a_list_sums_and_pull_broadcasts_to_every_context():
    rng = np.random.RandomState(0)
    values = [rng.randn(2, 3).astype(np.float32) for _ in CPUS]
    for name in ("local", "device"):
        kv = mx.kv.create(name)
        kv.init(3, nd.zeros((2, 3)))
        kv.push(3, [arr(v, ctx) for v, ctx in zip(values, CPUS)])
        outs = [nd.zeros((2, 3), ctx=ctx) for ctx in CPUS]
        kv.pull(3, out=outs)
        for out, ctx in zip(outs, CPUS):
            assert out.context == ctx
            np.testing.assert_allclose(out.asnumpy(), values[0] + values[1] + values[2], rtol=1e-6)


def test_push_replaces_the_stored_value_and_init_stores_a_copy():
    kv = mx.kv.create("local")
    value = arr([1, 2, 3])
    kv.init("w", value)
    value[:] = 9  # the store kept its own copy
    out = nd.zeros((3,))
    kv.pull("w", out=out)
    np.testing.assert_array_equal(out.asnumpy(), [1, 2, 3])
    kv.push("w", arr([5, 6, 7]))
    kv.push("w", arr([1, 1, 1]))
    kv.pull("w", out=out)
    np.testing.assert_array_equal(out.asnumpy(), [1, 1, 1])


def test_lists_of_keys_take_lists_of_values_and_outputs():
    kv = mx.kv.create("device")
    kv.init(["a", "b"], [arr([1, 1]), nd.zeros((3,))])
    kv.push(["a", "b"], [[arr([1, 2]), arr([3, 4], mx.cpu(1))], arr([7, 7, 7])])
    out_a = [nd.zeros((2,)), nd.zeros((2,), ctx=mx.cpu(1))]
    out_b = nd.zeros((3,))
    kv.pull(["a", "b"], out=[out_a, out_b])
    for out in out_a:
        np.testing.assert_array_equal(out.asnumpy(), [4, 6])
    np.testing.assert_array_equal(out_b.asnumpy(), [7, 7, 7])


def test_pushpull_writes_the_sum_into_out_or_back_into_the_values():
    kv = mx.kv.create("local")
    kv.init(0, nd.zeros((2,)))
    out = nd.zeros((2,))
    kv.pushpull(0, [arr([3, 3]), arr([1, 2], mx.cpu(1))], out=out)
    np.testing.assert_array_equal(out.asnumpy(), [4, 5])
    values = [arr([1, 0]), arr([2, 0], mx.cpu(1))]
    kv.pushpull(0, values)
    for value in values:
        np.testing.assert_array_equal(value.asnumpy(), [3, 0])


def test_broadcast_initializes_and_copies_to_every_output():
    kv = mx.kv.create("device")
    outs = [nd.zeros((4,), ctx=ctx) for ctx in CPUS[:2]]
    kv.broadcast("c", nd.arange(4), out=outs)
    for out in outs:
        np.testing.assert_array_equal(out.asnumpy(), [0, 1, 2, 3])
    with pytest.raises(MXNetError, match=r"^KVStore\.init: duplicate init of key 'c'"):
        kv.broadcast("c", nd.arange(4), out=outs)


# ---------------------------------------------------------------- errors name the key
def test_init_twice_raises_naming_the_key():
    kv = mx.kv.create("local")
    kv.init(3, nd.ones((2,)))
    with pytest.raises(MXNetError, match=r"^KVStore\.init: duplicate init of key 3 \(already"):
        kv.init(3, nd.ones((2,)))
    with pytest.raises(MXNetError, match=r"duplicate init of key 4 \(given 2 values\)"):
        kv.init(4, [nd.ones((2,)), nd.ones((2,))])


def test_pull_or_push_of_an_unknown_key_raises_naming_it():
    kv = mx.kv.create("local")
    kv.init(0, nd.ones((2,)))
    with pytest.raises(MXNetError, match=r"^KVStore\.pull: key 9 has not been initialized"):
        kv.pull(9, out=nd.zeros((2,)))
    with pytest.raises(MXNetError, match=r"^KVStore\.push: key 9 has not been initialized"):
        kv.push(9, nd.ones((2,)))


def test_shape_mismatch_raises_naming_key_and_shapes_and_leaves_the_store_unchanged():
    kv = mx.kv.create("device")
    kv.init("w", nd.ones((2, 3)))
    with pytest.raises(
        MXNetError,
        match=r"^KVStore\.push: key 'w' holds an array of shape \(2, 3\), "
        r"got one of shape \(2, 4\) on cpu\(1\)$",
    ):
        kv.push("w", [nd.zeros((2, 3)), nd.zeros((2, 4), ctx=mx.cpu(1))])
    with pytest.raises(MXNetError, match=r"^KVStore\.pull: key 'w' holds .* shape \(3,\)"):
        kv.pull("w", out=nd.zeros((3,)))
    out = nd.zeros((2, 3))
    kv.pull("w", out=out)
    np.testing.assert_array_equal(out.asnumpy(), np.ones((2, 3)))


def test_bad_arguments_raise_clear_errors():
    kv = mx.kv.create("local")
    kv.init("a", nd.ones((2,)))
    with pytest.raises(MXNetError, match=r"^KVStore\.init: key 5 is an int but this store "):
        kv.init(5, nd.ones((2,)))
    with pytest.raises(AssertionError, match=r"^KVStore\.pull: out is required"):
        kv.pull("a")
    with pytest.raises(AssertionError, match=r"^KVStore\.init: 2 keys need a list of 2 values"):
        kv.init(["x", "y"], [nd.ones((2,))])
    with pytest.raises(AssertionError, match=r"for key 'z' must be an NDArray, got ndarray$"):
        kv.init("z", np.ones(2))
    with pytest.raises(TypeError, match=r"^KVStore: a key must be an int or a str, got 1\.5$"):
        kv.init(1.5, nd.ones((2,)))
    with pytest.raises(MXNetError, match=r"key 'a' holds a default array; row_sparse_pull"):
        kv.row_sparse_pull("a", out=nd.zeros((2,)), row_ids=nd.array([0]))
    with pytest.raises(AssertionError, match=r"row_sparse_pull: row_ids is required"):
        kv.row_sparse_pull("a", out=nd.zeros((2,)))


# ---------------------------------------------------------------- optimizer on the store
def _sgd_reference(weight, grad_sums, lr, momentum, wd, rescale):
    weight, mom = weight.astype(np.float64), np.zeros_like(weight, dtype=np.float64)
    for grad in grad_sums:
        g = rescale * grad + wd * weight
        mom = momentum * mom - lr * g
        weight = weight + mom
    return weight


def test_set_optimizer_then_push_applies_sgd_to_the_summed_gradient():
    rng = np.random.RandomState(1)
    w0 = rng.randn(4, 3).astype(np.float32)
    grads = [[rng.randn(4, 3).astype(np.float32) for _ in range(2)] for _ in range(3)]
    kv = mx.kv.create("device")
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5))
    kv.init(0, arr(w0))
    for pair in grads:
        kv.push(0, [arr(pair[0]), arr(pair[1], mx.cpu(1))])
    out = nd.zeros((4, 3), ctx=mx.cpu(1))
    kv.pull(0, out=out)
    expected = _sgd_reference(w0, [a + b for a, b in grads], 0.1, 0.9, 0.01, 0.5)
    np.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-5, atol=1e-6)
    # the same as mx.optimizer.SGD applied by hand to the summed gradient
    weight, sgd = (
        arr(w0),
        mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, wd=0.01, rescale_grad=0.5),
    )
    state = sgd.create_state(0, weight)
    for a, b in grads:
        sgd.update(0, weight, arr(a + b), state)
    np.testing.assert_allclose(out.asnumpy(), weight.asnumpy(), rtol=1e-6, atol=1e-7)


def test_mxnet_recorded_momentum_example():
    # MXNet 1.9.1: SGD(lr=0.1, momentum=0.9, rescale_grad=0.5), w=1, two pushes of [1, 2]
    kv = mx.kv.create("local")
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, rescale_grad=0.5))
    kv.init(0, nd.ones((3,)))
    out = nd.zeros((3,))
    for expected in (0.85, 0.565):
        kv.push(0, [nd.ones((3,)), nd.ones((3,)) * 2])
        kv.pull(0, out=out)
        np.testing.assert_allclose(out.asnumpy(), [expected] * 3, rtol=1e-6)


def test_custom_updater_gets_key_summed_value_and_stored_value():
    calls = []

    def updater(key, value, stored):
        calls.append((key, value.asnumpy().tolist(), stored.asnumpy().tolist()))
        stored += value * 2

    kv = mx.kv.create("local")
    kv._set_updater(updater)
    kv.init("k", nd.ones((2,)))
    kv.push("k", [nd.ones((2,)), nd.ones((2,), ctx=mx.cpu(1))])
    out = nd.zeros((2,))
    kv.pull("k", out=out)
    assert calls == [("k", [2.0, 2.0], [1.0, 1.0])]
    np.testing.assert_array_equal(out.asnumpy(), [5, 5])


def test_save_and_load_optimizer_states_round_trip(tmp_path):
    kv = mx.kv.create("local")
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9))
    kv.init(0, nd.ones((3,)))
    kv.push(0, arr([1, 2, 3]))
    fname = str(tmp_path / "kv.states")
    kv.save_optimizer_states(fname)
    with open(fname, "rb") as f:
        states = pickle.load(f)
    np.testing.assert_allclose(states[0].asnumpy(), [-0.1, -0.2, -0.3], rtol=1e-6)
    kv.save_optimizer_states(fname + "2", dump_optimizer=True)
    with open(fname + "2", "rb") as f:
        states, optimizer = pickle.load(f)
    assert isinstance(optimizer, mx.optimizer.SGD) and optimizer.momentum == 0.9
    kv.push(0, arr([1, 1, 1]))  # moves the momentum on; loading brings it back
    kv.load_optimizer_states(fname)
    kv.push(0, arr([1, 1, 1]))
    out = nd.zeros((3,))
    kv.pull(0, out=out)
    expected = _after_two(np.ones(3), [1, 2, 3])
    np.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-6)


def _after_two(w0, first_grad):
    """Weight after: push g1, push ones, (momentum reset to the one after g1), push ones."""
    lr, momentum = 0.1, 0.9
    mom1 = -lr * np.asarray(first_grad, np.float64)
    w = w0 + mom1
    mom2 = momentum * mom1 - lr
    w = w + mom2
    mom3 = momentum * mom1 - lr  # the loaded state is mom1 again
    return w + mom3


def test_optimizer_states_need_an_optimizer():
    kv = mx.kv.create("local")
    with pytest.raises(AssertionError, match=r"save_optimizer_states: this store has no optimizer"):
        kv.save_optimizer_states("unused")
    with pytest.raises(AssertionError, match=r"load_optimizer_states: this store has no optimizer"):
        kv.load_optimizer_states("unused")
    with pytest.raises(TypeError, match=r"optimizer must be an mx\.optimizer\.Optimizer, got str"):
        kv.set_optimizer("sgd")


def test_gradient_compression_refused_on_local_validated_and_accepted_on_device():
    with pytest.raises(Exception, match=r"^Gradient compression is not supported for this type"):
        mx.kv.create("local").set_gradient_compression({"type": "2bit", "threshold": 0.5})
    kv = mx.kv.create("device")
    with pytest.raises(MXNetError, match=r"^Unknown type for gradient compression foo"):
        kv.set_gradient_compression({"type": "foo"})
    with pytest.raises(MXNetError, match=r"needs a 'type'"):
        kv.set_gradient_compression({"threshold": 0.5})
    with pytest.raises(MXNetError, match=r"threshold must be greater than 0, got -1$"):
        kv.set_gradient_compression({"type": "2bit", "threshold": -1})
    with pytest.warns(UserWarning, match=r"gradient compression is accepted but not applied"):
        kv.set_gradient_compression({"type": "2bit", "threshold": 0.5})


# ---------------------------------------------------------------- registry
def test_teststore_and_registered_stores():
    kv = mx.kv.create("teststore")
    assert (kv.type, kv.rank, kv.num_workers, kv.is_capable("optimizer")) == (
        "teststore",
        0,
        1,
        False,
    )
    values = [arr([1, 1]), arr([2, 2], mx.cpu(1))]
    kv.pushpull("a", values)
    for value in values:
        np.testing.assert_array_equal(value.asnumpy(), [3, 3])

    class MyStore(mx.kv.KVStoreBase):
        pass

    try:
        mx.kv.KVStoreBase.register(MyStore)
        assert isinstance(mx.kv.create("MyStore"), MyStore)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            mx.kv.KVStoreBase.register(MyStore)
        assert "is overriding existing kvstore" in str(caught[0].message)
        with pytest.raises(NotImplementedError):
            mx.kv.create("mystore").pushpull("a", values)
    finally:
        mx.kv.KVStoreBase.kv_registry.pop("mystore", None)


# ---------------------------------------------------------------- Trainer on the store
def _mlp(seed):
    mx.random.seed(seed)
    net = nn.Sequential()
    net.add(nn.Dense(16, activation="relu", in_units=10), nn.Dense(4, in_units=16))
    return net


def _train(ctx_list, update_on_kvstore, kvstore="device", steps=4):
    rng = np.random.RandomState(7)
    data = rng.randn(steps, 8, 10).astype(np.float32)
    label = rng.randn(steps, 8, 4).astype(np.float32)
    net = _mlp(3)
    net.initialize(mx.init.Xavier(), ctx=ctx_list)
    trainer = gluon.Trainer(
        net.collect_params(),
        "sgd",
        {"learning_rate": 0.1, "momentum": 0.9, "wd": 1e-3},
        kvstore=kvstore,
        update_on_kvstore=update_on_kvstore,
    )
    # L2 loss: SoftmaxCrossEntropyLoss's pick fails on cpu(1) (nd.arange ignores the cpu index)
    loss_fn = gluon.loss.L2Loss()
    for step in range(steps):
        xs = gluon.utils.split_and_load(nd.array(data[step]), ctx_list)
        ys = gluon.utils.split_and_load(nd.array(label[step]), ctx_list)
        with autograd.record():
            losses = [loss_fn(net(x), y) for x, y in zip(xs, ys)]
        for loss in losses:
            loss.backward()
        trainer.step(8)
    return net, trainer


@pytest.mark.parametrize("update_on_kvstore", [True, False])
def test_two_contexts_with_device_kvstore_train_like_one_context(update_on_kvstore):
    single, single_trainer = _train([mx.cpu(0)], None)
    assert single_trainer._kvstore is None and single_trainer._update_on_kvstore is None
    multi, trainer = _train([mx.cpu(0), mx.cpu(1)], update_on_kvstore)
    assert isinstance(trainer._kvstore, mx.kv.KVStore) and trainer._kvstore.type == "device"
    assert trainer._update_on_kvstore is update_on_kvstore
    for p_single, p_multi in zip(single.collect_params().values(), multi.collect_params().values()):
        expected = p_single.data().asnumpy()
        for copy in p_multi.list_data():
            np.testing.assert_allclose(copy.asnumpy(), expected, rtol=1e-6, atol=1e-6)


def test_trainer_creates_the_store_at_the_first_step_with_mxnet_rules():
    x = gluon.Parameter("x", shape=(10,))
    x.initialize(ctx=[mx.cpu(0), mx.cpu(1)], init="zeros")
    trainer = gluon.Trainer([x], "sgd", {"learning_rate": 1.0}, kvstore="local")
    assert trainer._kvstore is None and trainer._kv_initialized is False
    with autograd.record():
        for w in x.list_data():
            (w + 1).backward()
    trainer.step(1)
    assert trainer._kvstore.type == "local" and trainer._update_on_kvstore is True
    assert trainer._kvstore._updater.optimizer is trainer._optimizer
    for w in x.list_data():
        np.testing.assert_array_equal(w.asnumpy(), np.full(10, -2.0))
    with pytest.raises(UserWarning, match=r"^Gradient of Parameter `x` on context cpu\(0\)"):
        trainer.step(1)  # stale gradients are refused before anything changes
    trainer.step(1, ignore_stale_grad=True)  # nothing fresh: nothing moves
    np.testing.assert_array_equal(x.data(mx.cpu(1)).asnumpy(), np.full(10, -2.0))


def test_trainer_with_a_kvstore_instance_on_one_context_uses_it():
    x = gluon.Parameter("x", shape=(3,))
    x.initialize(ctx=mx.cpu(0), init="zeros")
    kv = mx.kv.create("local")
    trainer = gluon.Trainer([x], "sgd", {"learning_rate": 1.0}, kvstore=kv)
    with autograd.record():
        (x.data() + 1).backward()
    trainer.step(1)
    assert trainer._kvstore is kv and trainer._update_on_kvstore is True
    np.testing.assert_array_equal(x.data().asnumpy(), [-1, -1, -1])


def test_trainer_update_on_kvstore_without_a_store_or_capability_raises():
    x = gluon.Parameter("x", shape=(3,))
    x.initialize(ctx=mx.cpu(0), init="zeros")
    trainer = gluon.Trainer([x], "sgd", update_on_kvstore=True)
    with pytest.raises(AttributeError, match=r"update_on_kvstore=True needs a kvstore"):
        trainer._init_kvstore()
    trainer = gluon.Trainer([x], "sgd", kvstore=mx.kv.create("teststore"), update_on_kvstore=True)
    with pytest.raises(ValueError, match=r"^Please set update_on_kvstore=False .*TestStore"):
        trainer._init_kvstore()
    trainer = gluon.Trainer([x], "sgd", kvstore=3)
    with pytest.raises(TypeError, match=r"^kvstore must be KVStore, str or None$"):
        trainer._init_kvstore()


def test_trainer_save_load_states_with_update_on_kvstore(tmp_path):
    net, trainer = _train([mx.cpu(0), mx.cpu(1)], True, steps=2)
    fname = str(tmp_path / "t.states")
    trainer.save_states(fname)
    before = {k: v.asnumpy() for k, v in trainer._kvstore._updater.states.items()}
    trainer.load_states(fname)
    after = trainer._kvstore._updater.states
    assert sorted(after) == sorted(before)
    for key, value in before.items():
        np.testing.assert_array_equal(after[key].asnumpy(), value)
    assert trainer._optimizer is trainer._kvstore._updater.optimizer


def test_arange_and_class_index_losses_stay_on_the_cpu_device_asked_for():
    # SoftmaxCrossEntropyLoss picks with an arange: it must live on the input's cpu(i)
    assert mx.nd.arange(0, 4, ctx=mx.cpu(1)).context == mx.cpu(1)
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    out = loss(mx.nd.ones((2, 3), ctx=mx.cpu(1)), mx.nd.array([0, 1], ctx=mx.cpu(1)))
    assert out.context == mx.cpu(1)
    np.testing.assert_allclose(out.asnumpy(), [np.log(3)] * 2, rtol=1e-6)
