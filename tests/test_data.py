"""gluon.data: datasets, samplers, batching and DataLoader workers (MXNet 1.9.1 behaviour)."""

import multiprocessing
import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from conftest import GLUONLITE_HOME, child_env

from gluonlite import gluon, nd
from gluonlite.gluon.data import (
    ArrayDataset,
    BatchSampler,
    DataLoader,
    Dataset,
    FilterSampler,
    RandomSampler,
    SequentialSampler,
    SimpleDataset,
)
from gluonlite.gluon.data.dataloader import default_batchify_fn

X = np.arange(20, dtype=np.float32).reshape(10, 2)
Y = np.arange(10)


def _labels(loader):
    return [batch[1].asnumpy().tolist() for batch in loader]


# ---- datasets ------------------------------------------------------------------------------


def test_array_dataset_items_and_length():
    dataset = ArrayDataset(X, Y)
    assert len(dataset) == 10
    data, label = dataset[3]
    np.testing.assert_array_equal(data, [6.0, 7.0])
    assert label == 3
    np.testing.assert_array_equal(ArrayDataset(X)[2], [4.0, 5.0])
    one_d = ArrayDataset(nd.arange(5))[2]  # 1-D NDArrays become numpy, as in MXNet
    assert isinstance(one_d, np.float32) and one_d == 2.0
    rows = ArrayDataset(nd.array(X))[1]
    assert isinstance(rows, nd.NDArray) and rows.asnumpy().tolist() == [2.0, 3.0]


def test_array_dataset_errors_match_mxnet():
    with pytest.raises(
        AssertionError,
        match="All arrays must have the same length; array\\[0\\] "
        "has length 10 while array\\[2\\] has 5.",
    ):
        ArrayDataset(X, Y[:5])
    with pytest.raises(AssertionError, match="Needs at least 1 arrays"):
        ArrayDataset()


def test_transform_and_transform_first():
    dataset = ArrayDataset(X, Y)
    data, label = dataset.transform(lambda a, b: (a * 2, b + 1))[1]
    np.testing.assert_array_equal(data, [4.0, 6.0])
    assert label == 2
    data, label = dataset.transform_first(lambda a: a * 2)[1]
    np.testing.assert_array_equal(data, [4.0, 6.0])
    assert label == 1
    calls = []
    lazy = SimpleDataset([1, 2, 3]).transform(lambda v: calls.append(v) or v * 10)
    assert calls == [] and lazy[2] == 30 and calls == [3]
    eager = SimpleDataset([1, 2, 3]).transform(lambda v: v * 10, lazy=False)
    assert type(eager).__name__ == "SimpleDataset" and list(eager) == [10, 20, 30]


def test_filter_shard_take_sample():
    numbers = SimpleDataset(list(range(10)))
    assert list(numbers.filter(lambda v: v % 3 == 0)) == [0, 3, 6, 9]
    assert [list(numbers.shard(3, i)) for i in range(3)] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert list(numbers.take(3)) == [0, 1, 2] and len(numbers.take(None)) == 10
    assert list(numbers.sample(SequentialSampler(3, 5))) == [5, 6, 7]
    with pytest.raises(AssertionError, match="Shard index of out bound: 3 out of 3"):
        numbers.shard(3, 3)


# ---- samplers ------------------------------------------------------------------------------


def test_samplers():
    assert list(SequentialSampler(5, 2)) == [2, 3, 4, 5, 6]
    np.random.seed(0)
    order = list(RandomSampler(10))
    assert sorted(order) == list(range(10)) and order != list(range(10))
    np.random.seed(0)
    assert list(RandomSampler(10)) == order  # numpy's global generator, as MXNet
    assert list(FilterSampler(lambda v: v > 7, list(range(10)))) == [8, 9]


def test_batch_sampler_last_batch_modes():
    seq = SequentialSampler(7)
    assert list(BatchSampler(seq, 3, "keep")) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(seq, 3, "discard")) == [[0, 1, 2], [3, 4, 5]]
    assert [len(BatchSampler(seq, 3, mode)) for mode in ("keep", "discard", "rollover")] == [
        3,
        2,
        2,
    ]
    rollover = BatchSampler(seq, 3, "rollover")
    assert list(rollover) == [[0, 1, 2], [3, 4, 5]]
    assert len(rollover) == 2  # (1 carried + 7) // 3
    assert list(rollover) == [[6, 0, 1], [2, 3, 4]]
    with pytest.raises(
        ValueError, match="last_batch must be one of 'keep', 'discard', or 'rollover', but got bad"
    ):
        BatchSampler(seq, 3, "bad")


# ---- batchify ------------------------------------------------------------------------------


def test_default_batchify_keeps_mxnet_dtypes():
    ints = default_batchify_fn([1, 2, 3])
    assert ints.dtype == np.int64 and ints.asnumpy().tolist() == [1, 2, 3]
    assert default_batchify_fn([1.0, 2.0]).dtype == np.float64
    assert default_batchify_fn([np.float32(1), np.float32(2)]).dtype == np.float32
    arrays = default_batchify_fn([np.zeros((2, 3), dtype=np.int32)] * 4)
    assert (arrays.dtype, arrays.shape) == (np.int32, (4, 2, 3))
    stacked = default_batchify_fn([nd.ones((2, 3)) * i for i in range(4)])
    assert stacked.shape == (4, 2, 3) and stacked.asnumpy()[3, 1, 2] == 3
    fields = default_batchify_fn([(nd.zeros((2,)), 1), (nd.ones((2,)), 0)])
    assert isinstance(fields, list)
    assert [(f.dtype, f.shape) for f in fields] == [(np.float32, (2, 2)), (np.int64, (2,))]
    assert default_batchify_fn([[1, 2], [3, 4]]).shape == (2, 2)


def test_batchify_refuses_ragged_samples_naming_the_shapes():
    with pytest.raises(KeyError, match=r"sample 0 has shape \(2,\), sample 1 has \(3,\)"):
        default_batchify_fn([np.zeros(2), np.zeros(3)])
    with pytest.raises(ValueError, match="cannot stack samples of type str"):
        default_batchify_fn(["a", "b"])


# ---- DataLoader ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode,first,second",
    [
        ("keep", [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]], [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]),
        ("discard", [[0, 1, 2, 3], [4, 5, 6, 7]], [[0, 1, 2, 3], [4, 5, 6, 7]]),
        ("rollover", [[0, 1, 2, 3], [4, 5, 6, 7]], [[8, 9, 0, 1], [2, 3, 4, 5], [6, 7, 8, 9]]),
    ],
)
def test_last_batch_modes_over_two_epochs(mode, first, second):
    loader = DataLoader(ArrayDataset(X, Y), batch_size=4, last_batch=mode)
    assert len(loader) == len(first)
    assert _labels(loader) == first
    assert _labels(loader) == second


def test_batches_are_ndarrays_with_the_data():
    data, label = next(iter(DataLoader(ArrayDataset(X, Y), batch_size=4)))
    assert (data.dtype, data.shape, label.dtype, label.shape) == (
        np.float32,
        (4, 2),
        np.int64,
        (4,),
    )
    np.testing.assert_array_equal(data.asnumpy(), X[:4])
    assert len(DataLoader(ArrayDataset(X, Y), batch_size=3)) == 4


def test_shuffle_visits_every_sample_once_per_epoch_in_a_new_order():
    np.random.seed(3)
    loader = DataLoader(ArrayDataset(X, Y), batch_size=3, shuffle=True)
    epochs = [sum(_labels(loader), []) for _ in range(3)]
    assert all(sorted(epoch) == list(range(10)) for epoch in epochs)
    assert len({tuple(epoch) for epoch in epochs}) == 3


def test_custom_batchify_and_batch_sampler():
    loader = DataLoader(
        SimpleDataset(list(range(10))),
        batch_sampler=BatchSampler(SequentialSampler(10), 3, "discard"),
        batchify_fn=lambda samples: sum(samples),
    )
    assert list(loader) == [3, 12, 21]


def test_argument_errors_match_mxnet():
    dataset = ArrayDataset(X, Y)
    with pytest.raises(
        ValueError, match="batch_size must be specified unless batch_sampler is specified"
    ):
        DataLoader(dataset)
    with pytest.raises(ValueError, match="shuffle must not be specified if sampler is specified"):
        DataLoader(dataset, batch_size=2, sampler=SequentialSampler(10), shuffle=True)
    with pytest.raises(
        ValueError,
        match="batch_size, shuffle, sampler and last_batch must not "
        "be specified if batch_sampler is specified.",
    ):
        DataLoader(dataset, batch_size=2, batch_sampler=BatchSampler(SequentialSampler(10), 3))
    with pytest.raises(ValueError, match="but got foo"):
        DataLoader(dataset, batch_size=4, last_batch="foo")


# ---- workers -------------------------------------------------------------------------------


class _SlowDataset(Dataset):
    """Each sample takes ``delay`` seconds and reports the process that loaded it."""

    def __init__(self, length, delay):
        self._length, self._delay = length, delay

    def __len__(self):
        return self._length

    def __getitem__(self, idx):
        time.sleep(self._delay)
        return np.float32(idx), os.getpid()


class _FailingDataset(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, idx):
        if idx == 5:
            raise ZeroDivisionError("boom at %d" % idx)
        return np.float32(idx)


@pytest.mark.parametrize("thread_pool", [False, True])
def test_workers_give_the_same_batches_in_order(thread_pool):
    dataset = ArrayDataset(X, Y).transform_first(lambda x: x * 2)  # a lambda: fork, no pickling
    serial = list(DataLoader(dataset, batch_size=3))
    loader = DataLoader(dataset, batch_size=3, num_workers=2, thread_pool=thread_pool)
    for _ in range(2):
        parallel = list(loader)
        assert len(parallel) == len(serial) == 4
        for (a, b), (c, d) in zip(serial, parallel):
            assert isinstance(c, nd.NDArray) and c.context == a.context
            assert (c.dtype, d.dtype) == (a.dtype, b.dtype)
            np.testing.assert_array_equal(c.asnumpy(), a.asnumpy())
            np.testing.assert_array_equal(d.asnumpy(), b.asnumpy())
    loader.close()


def test_worker_processes_really_load_in_parallel():
    delay, samples, workers = 0.1, 8, 4
    loader = DataLoader(_SlowDataset(samples, delay), batch_size=1, num_workers=workers)
    next(iter(loader))  # start the workers
    start = time.perf_counter()
    batches = list(loader)
    elapsed = time.perf_counter() - start
    pids = {int(pid.asscalar()) for _, pid in batches}
    assert [int(v.asscalar()) for v, _ in batches] == list(range(samples))
    assert os.getpid() not in pids and len(pids) >= 2
    assert elapsed < 0.6 * samples * delay, elapsed  # serial would take samples * delay
    loader.close()


def test_worker_error_is_raised_in_the_main_process_naming_the_index():
    loader = DataLoader(_FailingDataset(), batch_size=2, num_workers=2)
    with pytest.raises(
        ZeroDivisionError,
        match=r"DataLoader worker \(pid \d+\) failed while "
        r"loading dataset\[5\]: boom at 5",
    ):
        list(loader)
    assert _labels_of_plain(
        DataLoader(_FailingDataset(), batch_size=2, num_workers=2), batches=2
    ) == [[0.0, 1.0], [2.0, 3.0]]
    with pytest.raises(ZeroDivisionError, match="^boom at 5$"):  # no workers: untouched
        list(DataLoader(_FailingDataset(), batch_size=2))


def _labels_of_plain(loader, batches):
    out = []
    for batch in loader:
        out.append(batch.asnumpy().tolist())
        if len(out) == batches:
            break
    loader.close()
    return out


def test_a_stuck_worker_times_out_with_a_clear_message():
    loader = DataLoader(_SlowDataset(2, 2.0), batch_size=1, num_workers=1, timeout=0.2)
    with pytest.raises(
        multiprocessing.TimeoutError,
        match=r"timeout=0.2 s to load the batch "
        r"of samples \[0\]",
    ):
        next(iter(loader))
    loader.close()


def test_close_and_collection_terminate_the_workers():
    loader = DataLoader(_SlowDataset(4, 0.0), batch_size=1, num_workers=2)
    list(loader)
    processes = loader._pool.processes
    assert all(p.is_alive() for p in processes)
    loader.close()
    for p in processes:
        p.join(5)
    assert not any(p.is_alive() for p in processes)
    loader = DataLoader(_SlowDataset(4, 0.0), batch_size=1, num_workers=2)
    list(loader)
    processes = loader._pool.processes
    del loader
    for p in processes:
        p.join(5)
    assert not any(p.is_alive() for p in processes)


def test_interpreter_exits_promptly_with_live_workers_and_a_broken_epoch():
    script = textwrap.dedent("""
        import numpy as np
        from gluonlite import nd
        from gluonlite.gluon.data import ArrayDataset, DataLoader
        big = nd.ones((2000, 2000)); (big * 2).sum().asscalar()   # parent ran OpenMP work
        data = ArrayDataset(nd.array(np.random.rand(64, 300, 300)), np.arange(64))
        loader = DataLoader(data.transform_first(lambda x: (x * 2).sum()), batch_size=4,
                            num_workers=2, timeout=10)   # a worker hung in OpenMP times out
        for i, (x, y) in enumerate(loader):
            if i == 2:
                break                      # leave batches in flight
        print('ok', x.shape)
    """)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=45,
        env=child_env(OMP_NUM_THREADS="2"),
        cwd=GLUONLITE_HOME,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok (4, 1)"
    assert time.perf_counter() - start < 30


def test_gluon_exports_data_and_loss():
    assert gluon.data.DataLoader is DataLoader
    assert gluon.loss.L2Loss is not None
