"""mx.io: DataDesc, DataBatch, NDArrayIter, ResizeIter, PrefetchingIter (MXNet 1.9.1 behaviour).

Expected batches are computed here from the index arithmetic of each mode; texts and the
shuffled orders under a numpy seed were probed with real MXNet 1.9.1.
"""

import numpy as np
import pytest

import gluonlite as mx
from gluonlite.base import MXNetError

DATA = np.arange(20, dtype=np.float32).reshape(10, 2)
LABEL = np.arange(10, dtype=np.float32)


def _epoch(it):
    """[(sample ids of the batch, pad, label ids)] for one pass."""
    out = []
    for batch in it:
        assert batch.index is None
        ids = (batch.data[0].asnumpy()[:, 0] / 2).astype(int).tolist()
        labels = [lab.asnumpy().astype(int).tolist() for lab in batch.label]
        out.append((ids, batch.pad, labels))
    return out


def test_pad_fills_last_batch_from_the_start():
    it = mx.io.NDArrayIter(DATA, LABEL, batch_size=3)
    expected = [
        ([0, 1, 2], 0, [[0, 1, 2]]),
        ([3, 4, 5], 0, [[3, 4, 5]]),
        ([6, 7, 8], 0, [[6, 7, 8]]),
        ([9, 0, 1], 2, [[9, 0, 1]]),
    ]
    assert _epoch(it) == expected
    it.reset()
    assert _epoch(it) == expected


def test_pad_larger_than_data_wraps_cyclically():
    it = mx.io.NDArrayIter(DATA[:2], LABEL[:2], batch_size=5)
    assert _epoch(it) == [([0, 1, 0, 1, 0], 3, [[0, 1, 0, 1, 0]])]


def test_discard_drops_incomplete_batch():
    it = mx.io.NDArrayIter(DATA, LABEL, batch_size=3, last_batch_handle="discard")
    expected = [
        ([3 * b, 3 * b + 1, 3 * b + 2], 0, [[3 * b, 3 * b + 1, 3 * b + 2]]) for b in range(3)
    ]
    assert _epoch(it) == expected
    it.reset()
    assert _epoch(it) == expected


def test_roll_over_carries_leftover_into_next_epochs():
    it = mx.io.NDArrayIter(DATA, LABEL, batch_size=3, last_batch_handle="roll_over")
    stream = list(range(10)) * 3
    first = _epoch(it)
    assert [ids for ids, _, _ in first] == [stream[0:3], stream[3:6], stream[6:9]]
    it.reset()
    second = _epoch(it)
    # sample 9 opens the epoch; pad counts the rolled-over samples, as MXNet
    assert second == [
        ([9, 0, 1], 1, [[9, 0, 1]]),
        ([2, 3, 4], 0, [[2, 3, 4]]),
        ([5, 6, 7], 0, [[5, 6, 7]]),
    ]
    it.reset()
    third = _epoch(it)
    assert [(ids, pad) for ids, pad, _ in third] == [
        ([8, 9, 0], 2),
        ([1, 2, 3], 0),
        ([4, 5, 6], 0),
        ([7, 8, 9], 0),
    ]
    assert it.cursor == 10
    it.hard_reset()
    assert _epoch(it) == first


def test_roll_over_without_label_and_manual_stepping():
    it = mx.io.NDArrayIter(DATA, batch_size=4, last_batch_handle="roll_over")
    assert len(_epoch(it)) == 2
    it.reset()
    assert it.iter_next()
    assert it.getpad() == 2
    assert it.getlabel() == []
    np.testing.assert_array_equal(it.getdata()[0].asnumpy(), DATA[[8, 9, 0, 1]])
    # asking twice gives the same batch
    np.testing.assert_array_equal(it.getdata()[0].asnumpy(), DATA[[8, 9, 0, 1]])


def test_shuffle_follows_numpy_seed_like_mxnet():
    np.random.seed(0)
    it = mx.io.NDArrayIter(DATA, LABEL, batch_size=4, shuffle=True)
    epochs = [_epoch(it)]
    it.reset()
    epochs.append(_epoch(it))
    # orders printed by MXNet 1.9.1 for the same script
    assert [[ids for ids, _, _ in e] for e in epochs] == [
        [[2, 8, 4, 9], [1, 6, 7, 3], [0, 5, 2, 8]],
        [[5, 7, 0, 1], [6, 2, 4, 3], [9, 8, 5, 7]],
    ]
    for epoch in epochs:
        assert [pad for _, pad, _ in epoch] == [0, 0, 2]
        for ids, _, labels in epoch:
            assert labels == [ids]  # data and label stay paired
        assert sorted(sum((ids for ids, _, _ in epoch[:2]), []) + epoch[2][0][:2]) == list(
            range(10)
        )


def test_shuffle_roll_over_matches_mxnet():
    np.random.seed(1)
    it = mx.io.NDArrayIter(DATA, LABEL, batch_size=4, shuffle=True, last_batch_handle="roll_over")
    first = _epoch(it)
    it.reset()
    second = _epoch(it)
    assert [ids for ids, _, _ in first] == [[2, 9, 6, 4], [0, 3, 1, 7]]
    assert [(ids, pad) for ids, pad, _ in second] == [
        ([8, 5, 3, 4], 2),
        ([0, 6, 8, 2], 0),
        ([1, 5, 9, 7], 0),
    ]


def test_shuffle_keeps_dtype():
    ints = mx.nd.array(np.arange(10), dtype="int32")
    it = mx.io.NDArrayIter(ints, ints, batch_size=4, shuffle=True)
    batch = it.next()
    assert batch.data[0].dtype == np.int32
    np.testing.assert_array_equal(batch.data[0].asnumpy(), batch.label[0].asnumpy())


def test_provide_data_and_label_describe_one_batch():
    it = mx.io.NDArrayIter(DATA, LABEL, batch_size=4)
    assert repr(it.provide_data) == "[DataDesc[data,(4, 2),<class 'numpy.float32'>,NCHW]]"
    assert repr(it.provide_label) == ("[DataDesc[softmax_label,(4,),<class 'numpy.float32'>,NCHW]]")
    assert it.provide_data[0] == ("data", (4, 2))
    batch = it.next()
    assert str(batch) == "DataBatch: data shapes: [(4, 2)] label shapes: [(4,)]"
    assert (batch.pad, batch.index, batch.provide_data, batch.bucket_key) == (0, None, None, None)


def test_names_from_dict_list_and_custom_names():
    it = mx.io.NDArrayIter({"b": DATA, "a": DATA * 2}, {"lab": LABEL}, batch_size=5)
    assert [d.name for d in it.provide_data] == ["a", "b"]  # sorted, as MXNet
    np.testing.assert_array_equal(it.next().data[0].asnumpy(), DATA[:5] * 2)
    it = mx.io.NDArrayIter([DATA, DATA, DATA], [LABEL, LABEL], batch_size=5, data_name="x",
                           label_name="y")  # fmt: skip
    assert [d.name for d in it.provide_data] == ["_0_x", "_1_x", "_2_x"]
    assert [d.name for d in it.provide_label] == ["_0_y", "_1_y"]
    it = mx.io.NDArrayIter(DATA.astype(np.float64), LABEL.astype(np.int32), batch_size=5)
    # numpy input becomes float32 NDArrays (nd.array's default), as MXNet
    assert [d.dtype for d in it.provide_data + it.provide_label] == [np.float32, np.float32]
    it = mx.io.NDArrayIter(mx.nd.array(DATA), batch_size=5)
    batch = it.next()
    assert (batch.label, it.provide_label) == ([], [])
    assert str(batch) == "DataBatch: data shapes: [(5, 2)] label shapes: None"


def test_layout_moves_batch_axis():
    seq = np.arange(24, dtype=np.float32).reshape(2, 3, 4)  # T=2, N=3, C=4
    it = mx.io.NDArrayIter(seq, batch_size=2, layout="TNC")
    assert repr(it.provide_data) == "[DataDesc[data,(2, 2, 4),<class 'numpy.float32'>,TNC]]"
    batches = list(it)
    np.testing.assert_array_equal(batches[0].data[0].asnumpy(), seq[:, :2])
    np.testing.assert_array_equal(batches[1].data[0].asnumpy(), seq[:, [2, 0]])
    assert batches[1].pad == 1


def test_longer_label_is_cut_to_data_length():
    it = mx.io.NDArrayIter(DATA[:4], np.arange(8, dtype=np.float32), batch_size=4)
    np.testing.assert_array_equal(it.next().label[0].asnumpy(), [0, 1, 2, 3])


def test_iterator_protocol_methods():
    it = mx.io.NDArrayIter(DATA, LABEL, batch_size=4)
    assert iter(it) is it
    it.next()
    assert it.iter_next() and it.getpad() == 0 and it.getindex() is None
    np.testing.assert_array_equal(it.getdata()[0].asnumpy(), DATA[4:8])
    np.testing.assert_array_equal(it.getlabel()[0].asnumpy(), LABEL[4:8])
    assert it.iter_next() and it.getpad() == 2
    assert not it.iter_next()
    with pytest.raises(StopIteration):
        it.next()
    with pytest.raises(MXNetError, match="exhausted; call reset"):
        it.getdata()


def test_base_data_iter_defaults():
    it = mx.io.DataIter(7)
    assert (it.batch_size, it.getindex(), it.iter_next(), it.getpad(), it.getdata()) == (
        7,
        None,
        None,
        None,
        None,
    )
    with pytest.raises(StopIteration):
        it.next()


def test_data_desc():
    desc = mx.io.DataDesc("x", (1, 2))
    assert repr(desc) == "DataDesc[x,(1, 2),<class 'numpy.float32'>,NCHW]"
    assert str(mx.io.DataDesc("x", (1, 2), "int32", "NTC")) == "DataDesc[x,(1, 2),int32,NTC]"
    assert (desc.name, desc.shape, desc.dtype, desc.layout) == ("x", (1, 2), np.float32, "NCHW")
    assert tuple(desc) == ("x", (1, 2)) and desc[0] == "x" and len(desc) == 2
    assert mx.io.DataDesc.get_batch_axis("TNC") == 1
    assert mx.io.DataDesc.get_batch_axis(None) == 0
    descs = mx.io.DataDesc.get_list(
        [("a", (1, 2)), ("b", (3,))], [("a", np.int32), ("b", np.float16)]
    )
    assert repr(descs) == (
        "[DataDesc[a,(1, 2),<class 'numpy.int32'>,NCHW], "
        "DataDesc[b,(3,),<class 'numpy.float16'>,NCHW]]"
    )
    assert mx.io.DataDesc.get_list([("a", (1, 2))], None)[0].dtype == np.float32


def test_data_batch_checks_and_str():
    batch = mx.io.DataBatch([mx.nd.ones((2, 3))], [mx.nd.ones((2,))], pad=1)
    assert str(batch) == "DataBatch: data shapes: [(2, 3)] label shapes: [(2,)]"
    assert batch.pad == 1
    with pytest.raises(AssertionError, match="Data must be list of NDArrays"):
        mx.io.DataBatch(mx.nd.ones((2,)))
    with pytest.raises(AssertionError, match="Label must be list of NDArrays"):
        mx.io.DataBatch([mx.nd.ones((2,))], mx.nd.ones(2))


@pytest.mark.parametrize(
    "kwargs,error,message",
    [
        ({"data": (DATA,)}, TypeError, "Input must be NDArray, numpy.ndarray"),
        ({"data": None}, AssertionError, "needs data: got None"),
        ({"data": []}, AssertionError, "needs data: got an empty list"),
        ({"data": {"data": "abc"}}, TypeError, "Invalid type '<class 'str'>' for data"),
        ({"data": DATA, "batch_size": 0}, ValueError, "batch_size must be at least 1; got 0"),
        ({"data": DATA, "batch_size": 2.5}, TypeError, "batch_size must be an int"),
        ({"data": DATA, "last_batch_handle": "foo"}, ValueError, "last_batch_handle .* 'foo'"),
        ({"data": DATA, "layout": "TC"}, ValueError, "layout must name the batch axis 'N'"),
        ({"data": DATA, "label": LABEL[:5]}, ValueError, "softmax_label has shape \\(5,\\)"),
        (
            {"data": DATA[:2], "batch_size": 7, "last_batch_handle": "roll_over"},
            ValueError,
            "'roll_over' needs batch_size \\(7\\)",
        ),
    ],
)
def test_bad_arguments_name_the_culprit(kwargs, error, message):
    with pytest.raises(error, match=message):
        mx.io.NDArrayIter(**kwargs)


def test_batch_size_error_is_also_mxnet_error():
    with pytest.raises(MXNetError):
        mx.io.NDArrayIter(DATA, batch_size=-1)


def test_resize_iter_restarts_inner_iterator():
    resized = mx.io.ResizeIter(mx.io.NDArrayIter(DATA, LABEL, batch_size=3), 5)
    expected = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 0, 1], [0, 1, 2]]
    assert [ids for ids, _, _ in _epoch(resized)] == expected
    resized.reset()
    assert [ids for ids, _, _ in _epoch(resized)] == expected
    assert resized.batch_size == 3
    assert resized.provide_data[0] == ("data", (3, 2))
    kept = mx.io.ResizeIter(mx.io.NDArrayIter(DATA, LABEL, batch_size=3), 2, reset_internal=False)
    assert [ids for ids, _, _ in _epoch(kept)] == [[0, 1, 2], [3, 4, 5]]
    kept.reset()
    assert [(ids, pad) for ids, pad, _ in _epoch(kept)] == [([6, 7, 8], 0), ([9, 0, 1], 2)]


def test_prefetching_iter_joins_and_renames():
    first = mx.io.NDArrayIter({"data": DATA}, batch_size=4)
    second = mx.io.NDArrayIter({"data": DATA * 3}, {"l": LABEL}, batch_size=4)
    it = mx.io.PrefetchingIter([first, second], rename_data=[{"data": "d1"}, {"data": "d2"}])
    assert repr(it.provide_data) == (
        "[DataDesc[d1,(4, 2),<class 'numpy.float32'>,NCHW], "
        "DataDesc[d2,(4, 2),<class 'numpy.float32'>,NCHW]]"
    )
    assert it.provide_label[0] == ("l", (4,)) and it.batch_size == 4
    for _ in range(2):
        batches = list(it)
        assert [b.pad for b in batches] == [0, 0, 2]
        np.testing.assert_array_equal(batches[2].data[0].asnumpy(), DATA[[8, 9, 0, 1]])
        np.testing.assert_array_equal(batches[2].data[1].asnumpy(), DATA[[8, 9, 0, 1]] * 3)
        np.testing.assert_array_equal(batches[2].label[0].asnumpy(), LABEL[[8, 9, 0, 1]])
        assert batches[0].provide_data == it.provide_data
        it.reset()


class _Failing(mx.io.DataIter):
    provide_data = [mx.io.DataDesc("data", (1,))]
    provide_label = []

    def next(self):
        raise KeyError("broken source")


def test_prefetching_iter_reraises_source_errors():
    it = mx.io.PrefetchingIter(_Failing())
    with pytest.raises(KeyError, match="broken source"):
        it.next()


def test_prefetching_rename_needs_every_name():
    it = mx.io.NDArrayIter({"data": DATA}, batch_size=4)
    with pytest.raises(KeyError, match="no new name for 'data'"):
        mx.io.PrefetchingIter(it, rename_data=[{"other": "x"}])


def test_mxdataiter_is_absent():
    assert not hasattr(mx.io, "MXDataIter")
    assert mx.io.io.DataBatch is mx.io.DataBatch
