"""Regression tests for issue #19, "Reliability, second round": each test failed (or
crashed the process) before its fix."""

import os
import pathlib
import shutil
import stat
import subprocess
import sys
import tempfile
import threading

import numpy as np
import pytest
from conftest import GLUONLITE_HOME, child_env

import gluonlite as mx
from gluonlite import nd
from gluonlite.base import MXNetError

# ---- reshape's -4 split -------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape, spec, message",
    [
        # these divided by zero (SIGFPE) before the fix
        (
            (2, 3),
            (-4, -1, 0),
            "reshape: code -4 in (-4, -1, 0) cannot infer a part of dimension 2 "
            "next to a part of size 0, for input shape (2, 3)",
        ),
        (
            (10,),
            (-4, 0, -1),
            "reshape: code -4 in (-4, 0, -1) cannot infer a part of dimension 10 "
            "next to a part of size 0, for input shape (10,)",
        ),
        # this made an array with negative dimensions
        (
            (10,),
            (-4, -2, -5),
            "reshape: code -4 in (-4, -2, -5) must be followed by two sizes "
            "(or -1), got -2 and -5 for input shape (10,)",
        ),
        # 2**32 * 2**32 wraps to 0 in 64 bits
        (
            (0,),
            (-4, 2**32, 2**32),
            "reshape: cannot split dimension 0 into 4294967296 x 4294967296 "
            "(code -4 in (-4, 4294967296, 4294967296), input shape (0,))",
        ),
    ],
)
def test_reshape_split_rejects_bad_parts(shape, spec, message):
    with pytest.raises(MXNetError) as info:
        nd.ones(shape).reshape(spec)
    assert str(info.value) == message


def test_reshape_split_still_infers_a_part():
    assert nd.ones((10,)).reshape((-4, 2, -1)).shape == (2, 5)
    assert nd.ones((10, 3)).reshape((-4, -1, 5, 0)).shape == (2, 5, 3)


# ---- byte order of numpy data ---------------------------------------------------------------


@pytest.mark.parametrize("dtype", [">f4", ">f8", ">i4", ">i8"])
def test_big_endian_numpy_data_keeps_its_values(dtype):
    values = np.arange(-3, 3).astype(dtype)
    native = values.astype(values.dtype.newbyteorder("="))
    np.testing.assert_array_equal(nd.array(values, dtype=dtype).asnumpy(), native)
    np.testing.assert_array_equal(nd.array(values).asnumpy(), native.astype(np.float32))
    np.testing.assert_array_equal(nd.from_numpy(values).asnumpy(), native)
    target = nd.zeros((6,), dtype=native.dtype)
    target[:] = values
    np.testing.assert_array_equal(target.asnumpy(), native)
    target[1:3] = values[:2]
    np.testing.assert_array_equal(target.asnumpy()[1:3], native[:2])


def test_non_contiguous_numpy_data_is_copied_in_order():
    values = np.arange(12, dtype=np.float32).reshape(3, 4).T
    np.testing.assert_array_equal(mx._core.from_numpy(values, 1, 0).asnumpy(), values)


# ---- clip of integer arrays -----------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype, low, high, expected",
    [
        ("int8", -1000, 1000, [100, -100, 5]),  # was [-24, -24, -24]
        ("int8", -1000, 50, [50, -100, 5]),
        ("uint8", -1, 120, [100, 120, 5]),  # -100 is 156 in uint8
        ("int32", -1e30, 1e30, [100, -100, 5]),
        ("int64", -1e30, 1e30, [100, -100, 5]),
    ],
)
def test_clip_bounds_beyond_integer_range_are_clamped(dtype, low, high, expected):
    data = nd.array(np.array([100, -100, 5]).astype(dtype), dtype=dtype)
    out = nd.clip(data, low, high)
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out.asnumpy(), np.array(expected).astype(dtype))


def test_clip_keeps_int64_extremes():
    big = 2**62 + 1  # not representable as float64
    data = nd.array(np.array([big, -big], dtype=np.int64), dtype="int64")
    np.testing.assert_array_equal(nd.clip(data, -1e30, 1e30).asnumpy(), [big, -big])


# ---- pick -----------------------------------------------------------------------------------


@pytest.mark.parametrize("index_shape", [(3,), (3, 1)])
@pytest.mark.parametrize("keepdims, out_shape", [(False, (3,)), (True, (3, 1))])
def test_pick_takes_the_index_with_or_without_the_axis(index_shape, keepdims, out_shape):
    data = nd.arange(12).reshape((3, 4))
    out = nd.pick(data, nd.array([0, 1, 2]).reshape(index_shape), keepdims=keepdims)
    assert out.shape == out_shape  # an (N, 1) index gave (N, N)
    np.testing.assert_array_equal(out.asnumpy().reshape(-1), [0, 5, 10])


def test_pick_rejects_an_index_of_another_shape():
    with pytest.raises(MXNetError) as info:
        nd.pick(nd.ones((3, 4)), nd.array([[0, 1, 2]]))
    assert str(info.value) == (
        "pick: index has shape (1, 3) but data of shape (3, 4) and axis -1 "
        "need an index of shape (3,) or (3, 1)"
    )


def test_pick_along_the_first_axis_of_3d_data():
    data = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    index = np.array([[0, 1, 0, 1], [1, 1, 0, 1], [1, 1, 1, 1]])
    out = nd.pick(nd.array(data), nd.array(index), axis=0)
    expected = np.take_along_axis(data, index[None], axis=0)[0]
    np.testing.assert_array_equal(out.asnumpy(), expected)


def test_pick_ignores_infinities_elsewhere_on_the_axis():
    # a one-hot product made inf * 0 = NaN
    out = nd.pick(nd.array([[np.inf, 1.0], [2.0, -np.inf]]), nd.array([1, 0]))
    np.testing.assert_array_equal(out.asnumpy(), [1.0, 2.0])


def test_pick_truncates_then_wraps_as_mxnet():
    data = nd.array([[0, 1, 2, 3]])
    assert nd.pick(data, nd.array([-1.5]), mode="wrap").asnumpy().tolist() == [3.0]
    assert nd.pick(data, nd.array([7.9])).asnumpy().tolist() == [3.0]  # clipped


def test_pick_gradient_goes_to_the_picked_elements():
    x = nd.arange(12).reshape((3, 4))
    x.attach_grad()
    with mx.autograd.record():
        y = nd.pick(x, nd.array([3, 0, 9]))
    y.backward()
    expected = np.zeros((3, 4))
    expected[[0, 1, 2], [3, 0, 3]] = 1
    np.testing.assert_array_equal(x.grad.asnumpy(), expected)


# ---- Dropout axes -----------------------------------------------------------------------------


@pytest.mark.parametrize("axes", [(0,), (1, 2), (-1,)])
def test_dropout_shares_its_mask_along_axes(axes):
    mx.random.seed(7)
    x = nd.ones((6, 20, 30))
    y = nd.Dropout(x, p=0.4, axes=axes, mode="always").asnumpy()
    for axis in axes:  # every line along a shared axis is all kept or all dropped
        np.testing.assert_array_equal(y, np.broadcast_to(y.take([0], axis=axis), y.shape))
    assert set(np.unique(y)) == {0.0, np.float32(1 / 0.6)}
    kept = (y != 0).mean()
    assert 0.45 < kept < 0.75  # about 1 - p of the mask draws


def test_dropout_layer_passes_axes_and_gradient_uses_the_shared_mask():
    mx.random.seed(3)
    layer = mx.gluon.nn.Dropout(0.5, axes=(1,))
    x = nd.ones((8, 16))
    x.attach_grad()
    with mx.autograd.record():
        y = layer(x)
    y.backward()
    rows = y.asnumpy()
    np.testing.assert_array_equal(rows, np.repeat(rows[:, :1], 16, axis=1))
    assert set(np.unique(rows)) == {0.0, 2.0}
    np.testing.assert_array_equal(x.grad.asnumpy(), rows)


def test_dropout_axes_out_of_range_names_the_axis():
    with pytest.raises(IndexError, match=r"^Dropout: axis 3 is out of range for an array of 2 "):
        nd.Dropout(nd.ones((2, 3)), p=0.5, axes=(3,), mode="always")


# ---- norm of integer arrays ---------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["uint8", "int32", "int64"])
def test_norm_of_integers_accumulates_wide_and_keeps_the_dtype(dtype):
    x = nd.array([255, 0, 5], dtype=dtype)
    l2, l1 = nd.norm(x), nd.norm(x, ord=1)
    assert l2.dtype == np.dtype(dtype) and l1.dtype == np.dtype(dtype)  # as MXNet
    assert l2.asnumpy().tolist() == [255]  # sqrt(65050) = 255.05; uint8 gave 6
    assert l1.asnumpy().tolist() == [255 if dtype == "uint8" else 260]  # saturates


def test_norm_of_float16_accumulates_in_float32():
    out = nd.norm(nd.array([300, 400], dtype="float16"))  # 300**2 overflows float16
    assert out.dtype == np.float16 and out.asnumpy().tolist() == [500.0]


def test_norm_along_an_axis_of_int8():
    x = nd.array([[127, -128], [3, 4]], dtype="int8")
    np.testing.assert_array_equal(nd.norm(x, axis=1).asnumpy(), np.array([127, 5], np.int8))


# ---- int64 indices, squeeze(axis=()), shape and arange arguments ---------------------------------

BIG_INDEX = 2**53 + 1  # float64 rounds it to 2**53


def test_take_uses_int64_indices_exactly():
    data = nd.arange(10).reshape((10, 1))
    index = nd.array(np.array([BIG_INDEX, -BIG_INDEX], dtype=np.int64), dtype="int64")
    out = nd.take(data, index, mode="wrap").asnumpy().ravel()
    np.testing.assert_array_equal(out, [BIG_INDEX % 10, -BIG_INDEX % 10])  # [3, 7]


def test_embedding_gradient_lands_on_the_clipped_row_of_a_huge_index():
    weight = nd.zeros((4, 2))
    weight.attach_grad()
    index = nd.array(np.array([BIG_INDEX, 1], dtype=np.int64), dtype="int64")
    with mx.autograd.record():
        out = nd.Embedding(index, weight, input_dim=4, output_dim=2)
    out.backward()
    np.testing.assert_array_equal(weight.grad.asnumpy(), [[0, 0], [1, 1], [0, 0], [1, 1]])


def test_squeeze_with_empty_axes_removes_nothing():
    x = nd.ones((1, 2, 1))
    assert nd.squeeze(x, axis=()).shape == (1, 2, 1)
    assert x.squeeze(axis=()).shape == (1, 2, 1)
    assert nd.squeeze(x).shape == (2,)
    assert nd.squeeze(x, axis=(0,)).shape == (2, 1)


@pytest.mark.parametrize("shape", [(3.5,), 3.0, ("3",), "3", (2, None)])
@pytest.mark.parametrize("make", [nd.zeros, nd.ones, nd.empty])
def test_creation_refuses_non_integer_shapes(make, shape):
    with pytest.raises(MXNetError) as info:  # (3.5,) was truncated to (3,)
        make(shape)
    assert isinstance(info.value, TypeError)
    assert str(info.value) == "shape must be an int or a tuple of ints, got %r" % (shape,)


@pytest.mark.parametrize(
    "start, stop, step", [(0, 10, float("nan")), (0, float("inf"), 1), (float("-inf"), 0, 1)]
)
def test_arange_refuses_non_finite_arguments(start, stop, step):
    with pytest.raises(MXNetError) as info:  # a NaN step gave an empty array
        nd.arange(start, stop, step)
    assert str(
        info.value
    ) == "arange: start, stop and step must be finite, got start=%g, stop=%g, step=%g" % (
        start,
        stop,
        step,
    )


def test_arange_refuses_an_astronomical_length():
    with pytest.raises(
        MXNetError,
        match=r"^arange: start=0, stop=1e\+300, step=1e-300 would "
        r"give inf elements, more than any array can hold$",
    ):
        nd.arange(0, 1e300, 1e-300)


# ---- convolution and pooling geometry overflow ------------------------------------------------


def _conv(**params):
    x, w = nd.ones((1, 1, 8)), nd.ones((1, 1, 3))
    return nd.Convolution(x, w, kernel=(3,), num_filter=1, no_bias=True, **params)


@pytest.mark.parametrize(
    "call, param",
    [
        (lambda: _conv(dilate=(2**62,)), "dilate=(4611686018427387904,)"),
        (lambda: _conv(pad=(2**63 - 1,)), "pad=(9223372036854775807,)"),
        (lambda: _conv(stride=(2**63 - 1,)), "stride=(9223372036854775807,)"),
        (
            lambda: nd.Deconvolution(
                nd.ones((1, 1, 8)), nd.ones((1, 1, 3)), kernel=(3,), num_filter=1, stride=(2**62,)
            ),
            "stride=(4611686018427387904,)",
        ),
        (
            lambda: nd.Deconvolution(
                nd.ones((1, 1, 8)), nd.ones((1, 1, 3)), kernel=(3,), num_filter=1, dilate=(2**62,)
            ),
            "dilate=(4611686018427387904,)",
        ),
        (
            lambda: nd.Pooling(nd.ones((1, 1, 8)), kernel=(2,), pad=(2**62,)),
            "pad=(4611686018427387904,)",
        ),
        (
            lambda: nd.Pooling(nd.ones((1, 1, 8)), kernel=(2,), stride=(2**63 - 1,)),
            "stride=(9223372036854775807,)",
        ),
    ],
)
def test_geometry_overflow_raises_naming_the_parameter(call, param):
    with pytest.raises(MXNetError) as info:  # these returned outputs of a wrapped size
        call()
    op = str(info.value).split(":")[0]
    assert str(
        info.value
    ) == "%s: %s is too large: the geometry it implies overflows 64-bit sizes" % (op, param)


def test_large_but_valid_stride_still_works():
    out = _conv(stride=(2**40,))
    assert out.shape == (1, 1, 1) and out.asnumpy().item() == 3.0


# ---- dimension limit, loading from endless devices ----------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: nd.ones((1,) * 33),
        lambda: nd.zeros((1,) * 17),
        lambda: nd.ones((1,)).reshape((1,) * 20),
        lambda: nd.ones((1,) * 16) + nd.ones((1,) * 17),
    ],
)
def test_more_than_16_dimensions_raise_a_clear_error(make):
    with pytest.raises(
        MXNetError,
        match=r"^arrays of more than 16 dimensions are not "
        r"supported, got \d+ \(shape \(1, 1, .*\); "
        r"gluonlite's limit is 16 where MXNet's is 32$",
    ):
        make()  # (1,) * 33 overflowed a 16-slot stack array


def test_sixteen_dimensions_work():
    x = nd.ones((1,) * 15 + (2,))
    assert (x + x).asnumpy().sum() == 4.0


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_load_from_dev_zero_stops_at_the_header():
    with pytest.raises(
        MXNetError,
        match=r"^Invalid NDArray file format: file '/dev/zero', "
        r"header, byte offset 0: not an MXNet \.params file",
    ):
        nd.load("/dev/zero")  # read until memory ran out


def test_load_from_a_fifo_reads_the_whole_stream(tmp_path):
    data = nd.save_tobuffer({"w": nd.arange(300000)})  # several pipe buffers
    fifo = str(tmp_path / "params.fifo")
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: open(fifo, "wb").write(data), daemon=True)
    writer.start()
    loaded = nd.load(fifo)
    writer.join(timeout=30)
    assert not writer.is_alive()
    np.testing.assert_array_equal(loaded["w"].asnumpy(), np.arange(300000))


# ---- deferred initialization from several threads ---------------------------------------------


def _first_call(barrier, net, x, outputs, errors):
    barrier.wait()
    try:
        outputs.append(net(x).asnumpy())
    except Exception as err:  # "has not been initialized" before the fix
        errors.append(err)


def test_first_call_of_a_deferred_net_from_many_threads():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(5):
            net = mx.gluon.nn.HybridSequential()
            with net.name_scope():
                net.add(mx.gluon.nn.Dense(16, activation="relu"), mx.gluon.nn.Dense(4))
            net.initialize()
            x = nd.ones((2, 7))
            errors, outputs = [], []
            barrier = threading.Barrier(8)
            threads = [
                threading.Thread(target=_first_call, args=(barrier, net, x, outputs, errors))
                for _ in range(8)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert errors == []
            assert len(outputs) == 8
            for out in outputs[1:]:
                np.testing.assert_array_equal(out, outputs[0])
    finally:
        sys.setswitchinterval(old)


# ---- autograd argument checks ------------------------------------------------------------------


def test_record_with_a_bad_train_mode_leaves_recording_off():
    with pytest.raises(TypeError, match=r"^train_mode must be a bool, got str 'a'$"):
        with mx.autograd.record(train_mode="a"):
            pass
    assert not mx.autograd.is_recording()  # stayed on for good before the fix
    assert not mx.autograd.is_training()


def test_mark_variables_needs_one_gradient_per_variable():
    x = nd.ones((2,))
    with pytest.raises(
        ValueError,
        match=r"^mark_variables: got 2 variables, 1 gradients and 2 "
        r"grad_reqs; give one gradient buffer",
    ):
        mx.autograd.mark_variables([x, x], [nd.zeros((2,))])
    assert x.grad is None


# ---- no binding internals reach the user ---------------------------------------------------------

_INTERNAL_TEXT = ("pybind11", "Unable to cast", "incompatible function arguments", "C++ type")


@pytest.mark.parametrize(
    "call, cls, message",
    [
        (
            lambda x: nd.sum(x, axis=2**31),
            IndexError,
            "axis 2147483648 is out of range: each entry must lie in [-2147483648, 2147483647]",
        ),
        (
            lambda x: nd.zeros((2**64,)),
            MXNetError,
            "shape (18446744073709551616,) is out of range: "
            "each entry must lie in [-9223372036854775808, 9223372036854775807]",
        ),
        (
            lambda x: nd.max(x, axis="a"),
            TypeError,
            "axis must be an int or a tuple of ints, got 'a'",
        ),
        (lambda x: nd.sqrt(3), TypeError, "sqrt: argument data must be an NDArray, got int 3"),
        (
            lambda x: nd.relu([1, 2]),
            TypeError,
            "relu: argument data must be an NDArray, got list [1, 2]",
        ),
        (
            lambda x: nd.argmax(x, axis=1.5),
            TypeError,
            "argmax: argument axis must be an int or a tuple of ints (32-bit), got float 1.5",
        ),
        (  # an Optional[int] parameter: an int or None
            lambda x: nd.slice_axis(x, 1, 0, "x"),
            TypeError,
            "slice_axis: argument end must be an int (64-bit), got str 'x'",
        ),
        (
            lambda x: x.reshape((2.5,)),
            TypeError,
            "shape must be an int or a tuple of ints, got (2.5,)",
        ),
        (
            lambda x: nd.transpose(x, axes="ab"),
            TypeError,
            "axes must be an int or a tuple of ints, got ('a', 'b')",
        ),
    ],
)
def test_bad_arguments_raise_mxnet_classes_naming_them(call, cls, message):
    with pytest.raises(cls) as info:
        call(nd.ones((2, 3)))
    assert isinstance(info.value, MXNetError)
    assert str(info.value) == message


def test_a_scalar_too_large_for_a_float_raises_overflow_error():
    with pytest.raises(OverflowError, match=r"^int too large to convert to float$"):  # as MXNet
        nd.ones((2,)) + 10**400  # was SystemError


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda: mx.gluon.nn.Conv2D(6, 3, groups=0),
            "Conv2D: groups must be a positive int, got 0",
        ),
        (
            lambda: mx.gluon.nn.Conv1D(2, kernel_size="a"),
            "Conv1D: kernel_size must be an int or a tuple of 1 ints, each >= 1, got 'a'",
        ),
        (
            lambda: mx.gluon.nn.Conv2D(2, kernel_size=(3, 0)),
            "Conv2D: kernel_size must be an int or a tuple of 2 ints, each >= 1, got (3, 0)",
        ),
        (
            lambda: mx.gluon.nn.Conv2D(2, 3, padding=(1,)),
            "Conv2D: padding must be an int or a tuple of 2 ints, each >= 0, got (1,)",
        ),
        (
            lambda: mx.gluon.nn.MaxPool2D(pool_size="x"),
            "MaxPool2D: pool_size must be an int or a tuple of 2 ints, each >= 1, got 'x'",
        ),
    ],
)
def test_conv_layers_check_their_geometry_arguments(make, message):
    with pytest.raises(MXNetError) as info:  # ZeroDivisionError / comparison TypeError before
        make()
    assert str(info.value) == message


def _public_nd_callables():
    for name in sorted(dir(nd)):
        fn = getattr(nd, name)
        if name.startswith("_") or not callable(fn) or isinstance(fn, type):
            continue
        yield name, fn


_WRONG_VALUES = ["a", [1, 2], 1.5, 2**64, -(2**63) - 1, None, (1.5, 2), {"k": 1}]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # np.dtype("a") from nd.cast
@pytest.mark.parametrize("name, fn", list(_public_nd_callables()))
def test_no_binding_internals_escape_from_nd(name, fn):
    """Every public nd callable, fed wrong-typed arguments in every position, either works
    or raises an error without pybind11's internals (and never SystemError)."""
    import inspect

    if name in ("save", "load", "waitall"):  # file functions: tested on their own
        return
    x = nd.ones((2, 3))
    try:
        params = [
            p
            for p in inspect.signature(fn).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        params = []
    n = max(1, min(len(params), 4))
    for position in range(n):
        for wrong in _WRONG_VALUES:
            args = [x] * n
            args[position] = wrong
            if position > 0 and params[position].default is not inspect.Parameter.empty:
                args = [x] * position + [wrong]
            try:
                fn(*args)
            except SystemError as err:
                pytest.fail("%s%r raised SystemError: %s" % (name, tuple(args), err))
            except Exception as err:
                text = "%s: %s" % (type(err).__name__, err)
                assert not any(t in text for t in _INTERNAL_TEXT), (
                    "%s%r leaked binding internals: %s" % (name, tuple(args), text)
                )


# ---- saving: stale temporaries, FIFOs, devices, symlink loops, trailing slashes ---------------


def test_next_save_removes_a_temporary_left_by_a_killed_save(tmp_path):
    target = tmp_path / "model.params"
    nd.save(str(target), nd.ones((3,)))
    stale = tmp_path / ".model.params.0123456789ab.tmp"  # killed between link and rename
    stale.write_bytes(b"x" * 4096)
    other = tmp_path / ".other.params.0123456789ab.tmp"  # another target's: left alone
    other.write_bytes(b"y")
    unrelated = tmp_path / ".model.params.notours.tmp"
    unrelated.write_bytes(b"z")
    nd.save(str(target), nd.zeros((2,)))
    assert not stale.exists()
    assert other.exists() and unrelated.exists()
    np.testing.assert_array_equal(nd.load(str(target))[0].asnumpy(), [0, 0])


def test_a_temporary_in_use_by_a_live_save_is_kept(tmp_path):
    import fcntl

    target = tmp_path / "model.params"
    live = tmp_path / ".model.params.abcdefabcdef.tmp"
    with open(live, "wb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as a save in progress holds it
        nd.save(str(target), nd.ones((1,)))
        assert live.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".model.params.abcdefabcdef.tmp",
        "model.params",
    ]


def test_save_to_a_fifo_writes_through(tmp_path):
    fifo = str(tmp_path / "out.fifo")
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    nd.save(fifo, {"w": nd.arange(5)})
    reader.join(timeout=30)  # blocks for good if the FIFO was replaced by a file
    assert not reader.is_alive()
    import stat

    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # was replaced by a regular file
    assert received == [nd.save_tobuffer({"w": nd.arange(5)})]


def test_save_to_a_character_device_writes_through():
    import stat

    mode = os.stat("/dev/null").st_mode
    if not stat.S_ISCHR(mode):
        pytest.skip("/dev/null is not a character device here")
    from gluonlite.ndarray import utils

    # Guard: only write when the fix sees a character device, never replacing /dev/null.
    assert utils._existing_kind("/dev/null") == stat.S_IFCHR
    nd.save("/dev/null", nd.ones((2,)))
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_save_through_a_symlink_to_a_fifo_writes_through(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    link = tmp_path / "link.params"
    link.symlink_to(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo, "rb").read()), daemon=True)
    reader.start()
    nd.save(str(link), nd.ones((1,)))
    reader.join(timeout=30)  # blocks for good if the FIFO was replaced by a file
    assert not reader.is_alive()
    assert link.is_symlink() and received == [nd.save_tobuffer(nd.ones((1,)))]


def test_save_refuses_a_symlink_loop(tmp_path):
    a, b = tmp_path / "a.params", tmp_path / "b.params"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(MXNetError) as info:  # a link was silently replaced
        nd.save(str(a), nd.ones((1,)))
    assert str(info.value) == "cannot save to '%s': Too many levels of symbolic links" % a
    assert a.is_symlink() and b.is_symlink()


def test_save_refuses_a_trailing_slash(tmp_path):
    path = str(tmp_path / "model.params") + "/"
    with pytest.raises(MXNetError) as info:  # created a file named model.params
        nd.save(path, nd.ones((1,)))
    assert (
        str(info.value) == "cannot save to '%s': a path ending in '/' names a directory, "
        "and there is none" % path
    )
    assert list(tmp_path.iterdir()) == []


# ---- what a save does to permissions, owners and hard links (item 12) ---------------------


def test_a_replaced_file_keeps_its_permission_bits(tmp_path):
    target = tmp_path / "w.params"
    nd.save(str(target), nd.ones((2,)))
    os.chmod(target, 0o640)
    nd.save(str(target), nd.zeros((3,)))
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert nd.load(str(target))[0].shape == (3,)


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file owner needs root")
def test_root_saving_over_a_file_keeps_its_owner(tmp_path):
    target = tmp_path / "w.params"
    nd.save(str(target), nd.ones((2,)))
    os.chown(target, 65534, 65534)
    nd.save(str(target), nd.zeros((3,)))
    st = os.stat(target)
    assert (st.st_uid, st.st_gid) == (65534, 65534)
    assert nd.load(str(target))[0].shape == (3,)


def _save_as_unprivileged(path):
    """Child process: drop to an unprivileged user when root, then try to save to path."""
    code = (
        "import os, sys\n"
        "from gluonlite import nd\n"
        "from gluonlite.base import MXNetError\n"
        "if os.geteuid() == 0:\n"
        "    os.setgid(65534); os.setuid(65534)\n"
        "try:\n"
        "    nd.save(sys.argv[1], nd.zeros((3,)))\n"
        "except MXNetError as e:\n"
        '    print("MXNetError:", e)\n'
        "else:\n"
        '    print("saved")\n'
    )
    return subprocess.run(
        [sys.executable, "-c", code, path],
        capture_output=True,
        text=True,
        timeout=60,
        env=child_env(),
        cwd=GLUONLITE_HOME,
    )


def test_a_read_only_file_is_refused_not_replaced():
    # A folder everyone may write, so only the file's own bits protect it (tmp_path's parents
    # are private to the user running the tests).
    folder = pathlib.Path(tempfile.mkdtemp(dir="/tmp"))
    folder.chmod(0o777)
    target = folder / "frozen.params"
    nd.save(str(target), nd.ones((2,)))
    os.chmod(target, 0o444)
    before = target.read_bytes()
    out = _save_as_unprivileged(str(target))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        "MXNetError: cannot save to '%s': the file is read-only (make "
        "it writable or save elsewhere)" % target
    )
    assert target.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["frozen.params"]
    shutil.rmtree(folder)


def test_other_hard_links_keep_the_previous_contents(tmp_path):
    target, other = tmp_path / "w.params", tmp_path / "link.params"
    nd.save(str(target), nd.ones((2,)))
    os.link(target, other)
    nd.save(str(target), nd.zeros((3,)))
    assert nd.load(str(target))[0].shape == (3,)
    assert nd.load(str(other))[0].asnumpy().tolist() == [1.0, 1.0]  # the old file, intact


def test_a_racing_first_call_never_sees_a_parameter_as_uninitialized():
    # the read order that closes the window: _deferred_init before _data (see
    # Parameter._settled_data); a parameter between the two writes is either still pending
    # (DeferredInitializationError, which the forward pass completes) or has its data
    param = mx.gluon.Parameter("w", shape=(0, 3), allow_deferred_init=True)
    param.initialize()
    with pytest.raises(mx.gluon.parameter.DeferredInitializationError):
        param.data()
    init = param._deferred_init
    param.shape = (2, 3)
    param._init_impl(nd.ones((2, 3)), init[1])  # _data set, _deferred_init not yet cleared
    np.testing.assert_array_equal(param.data().asnumpy(), 1)
    param._deferred_init = ()
    np.testing.assert_array_equal(param.data().asnumpy(), 1)
    assert param.grad().shape == (2, 3)
