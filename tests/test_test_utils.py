"""mx.test_utils and the small import-time names MXNet's own tests use (recorded from 1.9.1)."""

import math
import os

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import nd
from gluonlite import test_utils as tu

A = np.arange(6, dtype=np.float32).reshape(2, 3)
B = A.copy()
B[1, 2] += 1
B[0, 1] += 0.5
B[0, 0] += 0.1

# Recorded from MXNet 1.9.1: assert_almost_equal(A, B) prints this and raises with MSG.
MXNET_PRINTED = (
    "\n*** Maximum errors for vector of size 6:  rtol=0.0001, atol=0.001\n\n"
    "  1: Error 625.000000  Location of error: (1, 2), a=5.00000000, b=6.00000000\n"
    "  2: Error 434.782593  Location of error: (0, 1), a=1.00000000, b=1.50000000\n"
    "  3: Error 99.009903  Location of error: (0, 0), a=0.00000000, b=0.10000000\n"
)
MXNET_MSG = (
    "\nItems are not equal:\nError 625.000000 exceeds tolerance rtol=1.000000e-04, "
    "atol=1.000000e-03 (mismatch 50.000000%).\nLocation of maximum error: (1, 2), "
    "a=5.00000000, b=6.00000000\n ACTUAL: array([[0., 1., 2.],\n       [3., 4., 5.]], "
    "dtype=float32)\n DESIRED: array([[0.1, 1.5, 2. ],\n       [3. , 4. , 6. ]], dtype=float32)"
)


def _failure(capsys, *args, **kwargs):
    with pytest.raises(AssertionError) as info:
        tu.assert_almost_equal(*args, **kwargs)
    return capsys.readouterr().out, str(info.value)


# ---- star-import ---------------------------------------------------------------------------


def test_star_import_exports_modules_and_helpers_like_mxnet():
    ns = {}
    exec("from gluonlite.test_utils import *", ns)
    assert ns["np"] is np and ns["mx"] is mx and ns["os"] is os and ns["rnd"] is np.random
    for name in ("assert_almost_equal", "environment", "verify_generator", "same", "sys", "npt"):
        assert name in ns
    assert "_STORAGE_TYPE_STR_TO_ID" not in ns and "annotations" not in ns
    if tu._importlib_util.find_spec("scipy") is not None:
        import scipy.stats

        assert ns["ss"] is scipy.stats


# ---- environment, retry, assert_exception, discard_stderr ----------------------------------


def test_environment_sets_and_restores_variables(monkeypatch):
    monkeypatch.setenv("GLT_A", "orig")
    monkeypatch.delenv("GLT_B", raising=False)
    with tu.environment("GLT_A", "new"):
        assert os.environ["GLT_A"] == "new" and mx.util.getenv("GLT_A") == "new"
    assert os.environ["GLT_A"] == "orig"
    with tu.environment({"GLT_A": None, "GLT_B": "b"}):
        assert "GLT_A" not in os.environ and os.environ["GLT_B"] == "b"
    assert os.environ["GLT_A"] == "orig" and "GLT_B" not in os.environ


def test_environment_restores_even_when_the_body_raises(monkeypatch):
    monkeypatch.setenv("GLT_A", "orig")
    with pytest.raises(KeyError, match="boom"):
        with tu.environment({"GLT_A": "x", "GLT_C": "c"}):
            raise KeyError("boom")
    assert os.environ["GLT_A"] == "orig" and "GLT_C" not in os.environ


def test_environment_as_decorator_applies_per_call(monkeypatch):
    monkeypatch.delenv("GLT_B", raising=False)

    @tu.environment("GLT_B", "deco")
    def read(x):
        return x, os.environ.get("GLT_B")

    assert read(3) == (3, "deco") and read(4) == (4, "deco")
    assert "GLT_B" not in os.environ and read.__name__ == "read"


def test_environment_rejects_bad_arguments_naming_them():
    with pytest.raises(TypeError, match="one dict arg or two args"):
        tu.environment("A", "b", "c")
    with pytest.raises(TypeError, match="value of 'GLT_A' must be a str or None, got int"):
        tu.environment("GLT_A", 5)


def test_retry_reruns_on_assertion_error_only():
    calls = []

    @tu.retry(3)
    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise AssertionError("flaky %d" % len(calls))
        return "done"

    assert flaky() == "done" and len(calls) == 3
    calls.clear()

    @tu.retry(2)
    def always():
        calls.append(1)
        raise AssertionError("always %d" % len(calls))

    with pytest.raises(AssertionError, match="always 2"):
        always()
    calls.clear()

    @tu.retry(3)
    def other():
        calls.append(1)
        raise ValueError("v")

    with pytest.raises(ValueError):
        other()
    assert len(calls) == 1
    with pytest.raises(ValueError, match="n must be a positive int, got 0"):
        tu.retry(0)


def test_assert_exception():
    def f(x):
        if x:
            raise ValueError("v")

    assert tu.assert_exception(f, ValueError, 1) is None
    with pytest.raises(AssertionError, match="f did not raise ValueError"):
        tu.assert_exception(f, ValueError, 0)
    with pytest.raises(ValueError):  # another exception type propagates
        tu.assert_exception(f, KeyError, x=1)


def test_discard_stderr_silences_file_descriptor_2(capfd):
    with tu.discard_stderr():
        os.write(2, b"hidden\n")
    os.write(2, b"visible\n")
    assert capfd.readouterr().err == "visible\n"


# ---- contexts and dtypes -------------------------------------------------------------------


def test_default_context_follows_set_default_context():
    assert tu.default_context() == mx.current_context() == mx.cpu()
    try:
        tu.set_default_context(mx.cpu(1))
        assert tu.default_context() == mx.cpu(1) and mx.current_context() == mx.cpu(1)
    finally:
        tu.set_default_context(mx.cpu())
    with pytest.raises(TypeError, match="must be a Context, got str"):
        tu.set_default_context("cpu")
    assert list(tu.list_gpus()) == list(range(mx.num_gpus())) and tu.default_dtype() is np.float32


# ---- assert_almost_equal and tolerances ----------------------------------------------------


def test_assert_almost_equal_reports_like_mxnet(capsys):
    out, msg = _failure(capsys, A, B)
    assert out == MXNET_PRINTED and msg == MXNET_MSG
    out, msg = _failure(capsys, nd.array(A), nd.array(B))  # NDArrays compare the same way
    assert out == MXNET_PRINTED and msg == MXNET_MSG


@pytest.mark.parametrize(
    "mismatches, printed, mismatch",
    [
        ((1, 2), 1, "at least 50.000000"),
        ((2, 1), 1, "at least 33.333333"),
        ((0, 0), 0, "50.000000"),
        ((2, 2), 2, "at least 50.000000"),
    ],
)
def test_assert_almost_equal_mismatches_limits_like_mxnet(capsys, mismatches, printed, mismatch):
    # recorded from MXNet 1.9.1: how many worst elements are printed and counted
    out, msg = _failure(capsys, A, B, mismatches=mismatches)
    assert out.count("Location of error") == printed
    assert f"atol=1.000000e-03 (mismatch {mismatch}%).\nLocation of maximum error: (1, 2)" in msg


def test_assert_almost_equal_names_tolerances_and_ints(capsys):
    out, msg = _failure(capsys, A, B, rtol=1e-3, atol=1e-3, names=("x", "y"))
    assert "Error 200.000000 exceeds tolerance rtol=1.000000e-03, atol=1.000000e-03" in msg
    assert "Location of maximum error: (0, 1), x=1.00000000, y=1.50000000" in msg
    _, msg = _failure(capsys, np.array([1, 2]), np.array([1, 3]))  # integers: exact
    assert msg.startswith("\nItems are not equal:\nError 100000000000000000000.000000 exceeds")
    tu.assert_almost_equal(A, A + 5e-4)  # inside float32's default atol 1e-3
    tu.assert_almost_equal(np.float64(1.0), 1.0 + 1e-6, rtol=1e-5)


def test_assert_almost_equal_nan_handling(capsys):
    _, msg = _failure(capsys, np.array([1.0, np.nan]), np.array([1.0, np.nan]))
    assert "Error nan exceeds" in msg and "(1,), a=nan, b=nan" in msg
    tu.assert_almost_equal(np.array([1.0, np.nan]), np.array([1.0, np.nan]), equal_nan=True)
    # with equal_nan, matching NaNs are not counted (MXNet counted them as the worst error)
    _, msg = _failure(capsys, np.array([1.0, np.nan]), np.array([1.5, np.nan]), equal_nan=True)
    assert "(mismatch 50.000000%)" in msg and "(0,), a=1.00000000, b=1.50000000" in msg


def test_assert_almost_equal_shapes(capsys):
    _, msg = _failure(capsys, np.ones((2, 3)), np.ones((2, 2)), use_broadcast=False)
    assert msg.startswith(
        "\nItems are not equal: a.shape = (2, 3) and b.shape = (2, 2) are not equal\n ACTUAL:"
    )
    _, msg = _failure(capsys, np.ones((2, 3)), np.ones((2, 2)), names=("p", "q"))
    assert "p.shape = (2, 3) and q.shape = (2, 2) cannot be broadcast together" in msg
    # broadcasting compares and locates in the broadcast shape (MXNet raised IndexError)
    _, msg = _failure(capsys, np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 2.5]))
    assert "(mismatch 75.000000%)" in msg and "(1, 0), a=3.00000000, b=1.00000000" in msg


def test_assert_almost_equal_scalars_and_bools(capsys):
    _, msg = _failure(capsys, np.float32(1.0), np.float32(2.0))
    assert msg == (
        "\nItems are not equal:\nError 833.333333 exceeds tolerance rtol=1.000000e-04, "
        "atol=1.000000e-03.\n\n ACTUAL: 1.0\n DESIRED: 2.0"
    )
    with pytest.raises(AssertionError, match="Mismatched elements: 2 / 2"):
        tu.assert_almost_equal(np.ones(2, dtype=bool), np.zeros(2, dtype=bool))


def test_almost_equal_uses_float64_defaults_whatever_the_dtype():
    ones = np.ones(3, np.float32)
    assert tu.almost_equal(ones, ones + 1e-6) and not tu.almost_equal(ones, ones + 1e-4)
    assert tu.almost_equal(ones, ones + 1e-2, rtol=0.1)
    assert not tu.almost_equal(np.array([np.nan]), np.array([np.nan]))
    assert tu.almost_equal(np.array([np.nan]), np.array([np.nan]), equal_nan=True)
    assert tu.almost_equal(nd.ones(3), np.ones(3)) and tu.almost_equal(ones, ones.reshape(1, 3))
    with pytest.raises(AssertionError, match=r"a.shape = \(3,\) and b.shape = \(1, 3\) are not"):
        tu.almost_equal(ones, ones.reshape(1, 3), use_broadcast=False)


def test_same():
    assert tu.same(A, A.copy()) and not tu.same(A, B) and not tu.same(A, A[:1])
    assert tu.same(nd.array(A), A) and not tu.same(np.array([np.nan]), np.array([np.nan]))


def test_default_tolerances_match_mxnet():
    f16, f32, f64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
    rtols, atols = tu.default_rtols(), tu.default_atols()
    assert (rtols[f16], rtols[f32], rtols[f64]) == (1e-2, 1e-4, 1e-5)
    assert (atols[f16], atols[f32], atols[f64]) == (1e-1, 1e-3, 1e-20)
    assert rtols[np.dtype(np.int32)] == 0 and atols[np.dtype(np.bool_)] == 0
    assert tu.default_numeric_eps() == {f16: 1 / 64, f32: 1 / 512, f64: 1 / 16384}
    assert tu.get_rtol() == 1e-5 and tu.get_atol() == 1e-20 and tu.get_atol(0.3) == 0.3
    assert tu.get_rtol(None, f16) == 1e-2 and tu.get_atol(None, np.float16) == 1e-1
    assert (tu.get_etol(), tu.get_etol(0.2)) == (0, 0.2)


def test_get_tols_takes_the_looser_dtype():
    x32 = np.ones(2, np.float32)
    assert tu.get_tols(x32, x32, None, None) == (1e-4, 1e-3)
    assert tu.get_tols(x32.astype(np.float16), x32, None, None) == (1e-2, 1e-1)
    assert tu.get_tols(x32, x32.astype(np.float64), None, None) == (1e-4, 1e-3)
    assert tu.get_tols(x32, x32, {np.float32: 0.5}, 0.25) == (0.5, 0.25)
    assert tu.get_tols(np.zeros(2, np.int32), np.zeros(2, np.int32), None, None) == (0, 0)
    assert tu.effective_dtype(nd.ones(2, dtype="float16")) == np.dtype(np.float16)
    assert tu.get_tolerance(x32, {np.dtype(np.float64): 0.3}, tu.default_rtols()) == 1e-4
    with pytest.raises(KeyError, match="no default tolerance for dtype complex64"):
        tu.get_tolerance(np.ones(2, np.complex64), None, tu.default_rtols())


def test_assert_almost_equal_ignore_nan(capsys):
    a, b = np.array([1.0, np.nan, 3.0]), np.array([np.nan, 2.0, 3.0001])
    tu.assert_almost_equal_ignore_nan(a, b, rtol=1e-3)
    assert np.isnan(a[1]) and np.isnan(b[0])  # the inputs are left alone
    with pytest.raises(AssertionError, match=r"\(2,\), u=3.00000000, v=4.00000000"):
        tu.assert_almost_equal_ignore_nan(a, np.array([np.nan, 2.0, 4.0]), names=("u", "v"))


def test_np_reduce_matches_numpy():
    d = np.arange(24.0).reshape(2, 3, 4)
    for axis in (None, 1, (0, 2), [0, 2], -1, ()):
        for keepdims in (False, True):
            np_axis = tuple(axis) if isinstance(axis, list) else axis
            expected = np.sum(d, axis=np_axis, keepdims=keepdims)
            np.testing.assert_array_equal(tu.np_reduce(d, axis, keepdims, np.sum), expected)


def test_collapse_sum_like():
    got = tu.collapse_sum_like(np.arange(24.0).reshape(2, 3, 4), (3, 1))
    np.testing.assert_array_equal(got, np.arange(24.0).reshape(2, 3, 4).sum(axis=(0, 2))[:, None])
    with pytest.raises(ValueError, match=r"shape \(5, 1\) does not broadcast to \(2, 3, 4\)"):
        tu.collapse_sum_like(np.ones((2, 3, 4)), (5, 1))


# ---- random data ---------------------------------------------------------------------------


def test_rand_shapes_draw_from_numpy_like_mxnet():
    np.random.seed(3)
    got = (tu.rand_shape_2d(), tu.rand_shape_nd(3), tu.rand_shape_3d(4, 5, 6))
    np.random.seed(3)
    r = np.random.randint
    assert got == ((r(1, 11), r(1, 11)), tuple(r(1, 11, size=3)), (r(1, 5), r(1, 6), r(1, 7)))
    np.random.seed(3)
    assert tu.rand_shape_2d(5, 7, allow_zero_size=True) == (2, 0)  # recorded from MXNet
    shapes = [tu.rand_shape_nd(4, dim=3) for _ in range(50)]
    assert all(len(s) == 4 and all(1 <= d <= 3 for d in s) for s in shapes)


def test_random_arrays():
    np.random.seed(3)
    one, pair, empty = tu.random_arrays((2, 3)), tu.random_arrays((), (4,)), tu.random_arrays()
    np.random.seed(3)
    np.testing.assert_array_equal(one, np.random.randn(2, 3).astype(np.float32))
    assert one.dtype == np.float32 and isinstance(pair, list) and empty == []
    assert pair[0].shape == () and pair[0] == np.float32(np.random.randn())
    with pytest.raises(TypeError, match=r"random_arrays: each shape must be a tuple.*\(5,\)"):
        tu.random_arrays(5)


def test_random_uniform_arrays():
    np.random.seed(3)
    got = tu.random_uniform_arrays((2, 3), (4,), low=-2, high=5, dtype=np.float16)
    np.random.seed(3)
    expected = np.random.uniform(-2, 5, (2, 3)).astype(np.float16)
    assert isinstance(got, list) and got[1].shape == (4,) and got[0].dtype == np.float16
    np.testing.assert_array_equal(got[0], expected)
    single = tu.random_uniform_arrays((100,))
    assert len(single) == 1 and single[0].dtype == np.float32 and 0 <= single[0].min()
    assert single[0].max() < 1
    with pytest.raises(TypeError, match="unexpected argument/s : dict_keys\\(\\['foo'\\]\\)"):
        tu.random_uniform_arrays((2,), foo=1)


def test_random_sample():
    np.random.seed(3)
    got = tu.random_sample([1, 2, 3, 4, 5], 3)
    assert got == [4, 5, 2]  # recorded from MXNet 1.9.1 with the same seed
    assert sorted(tu.random_sample(range(10), 10)) == list(range(10))
    with pytest.raises(ValueError, match=r"k=3 is not in \[0, 2\]"):
        tu.random_sample([1, 2], 3)


def test_rand_ndarray_is_dense_normal_data():
    np.random.seed(3)
    x = tu.rand_ndarray((2, 3))
    np.random.seed(3)
    assert isinstance(x, nd.NDArray) and x.dtype == np.float32 and x.stype == "default"
    np.testing.assert_array_equal(x.asnumpy(), np.random.randn(2, 3).astype(np.float32))
    assert tu.rand_ndarray((3,), dtype="float64").dtype == np.float64
    with pytest.raises(ValueError, match="unknown storage type 'foo'"):
        tu.rand_ndarray((2, 3), "foo")


def test_rand_sparse_ndarray_draws_rows_and_entries_at_the_density():
    np.random.seed(5)
    rsp, (values, rows) = tu.rand_sparse_ndarray((50, 3), "row_sparse", density=0.3)
    assert rsp.stype == "row_sparse" and 5 < len(rows) < 25
    np.testing.assert_array_equal(rsp.indices.asnumpy(), rows)
    np.testing.assert_array_equal(rsp.data.asnumpy(), values)
    assert ((values >= 0) & (values < 1)).all()
    full = tu.rand_ndarray((4, 3), "row_sparse", density=1)
    np.testing.assert_array_equal(full.indices.asnumpy(), [0, 1, 2, 3])
    empty = tu.rand_ndarray((4, 3), "row_sparse", density=0)
    assert empty.indices.shape == (0,) and empty.stype == "row_sparse"
    csr, (indptr, indices, data) = tu.rand_sparse_ndarray((10, 10), "csr", density=0.25)
    assert csr.stype == "csr" and data.shape == (25,) and indptr.asnumpy()[-1] == 25
    ones = tu.rand_ndarray((6, 5), "csr", density=0.5, modifier_func=lambda v: 1.0)
    assert set(ones.data.asnumpy().tolist()) == {1.0} and ones.data.shape == (15,)
    law = tu.rand_ndarray((6, 9), "csr", density=0.3, distribution="powerlaw")
    np.testing.assert_array_equal(np.diff(law.indptr.asnumpy()), [1, 2, 4, 8, 1, 0])
    with pytest.raises(ValueError, match="csr arrays are 2-D"):
        tu.rand_ndarray((2, 3, 4), "csr")
    with pytest.raises(ValueError, match="density must be in"):
        tu.rand_ndarray((2, 3), "csr", density=1.5)


# ---- generator checks ----------------------------------------------------------------------


def test_gen_buckets_probs_with_ppf():
    buckets, probs = tu.gen_buckets_probs_with_ppf(lambda q: 2 + 3 * q, 4)
    assert buckets == [(2.0, 2.75), (2.75, 3.5), (3.5, 4.25), (4.25, 5.0)]
    assert probs == [0.25] * 4


@pytest.mark.parametrize("statistic", [0.01, 0.7, 3.0, 9.5, 40.0])
def test_chi_square_p_value_matches_closed_forms(statistic):
    # df=2: exp(-x/2); df=1: erfc(sqrt(x/2)); df=4: exp(-x/2) (1 + x/2)
    from gluonlite.test_utils._random import _chi2_pvalue

    assert math.isclose(_chi2_pvalue(statistic, 2), math.exp(-statistic / 2), rel_tol=1e-12)
    assert math.isclose(
        _chi2_pvalue(statistic, 1), math.erfc(math.sqrt(statistic / 2)), rel_tol=1e-10
    )
    expected4 = math.exp(-statistic / 2) * (1 + statistic / 2)
    assert math.isclose(_chi2_pvalue(statistic, 4), expected4, rel_tol=1e-10)


def test_chi_square_check_counts_buckets():
    samples = np.array([-2.0, -0.5, 0.0, 0.3, 5.0, 7.0])
    p, obs, expected = tu.chi_square_check(
        lambda n: nd.array(samples[:n]), [(-np.inf, 0), (0, np.inf)], [0.5, 0.5], nsamples=6
    )
    assert obs.tolist() == [2, 4] and expected.tolist() == [3.0, 3.0]
    assert math.isclose(p, math.erfc(math.sqrt((2 / 3) / 2)), rel_tol=1e-10)
    _, obs, _ = tu.chi_square_check(
        lambda n: np.array([0, 1, 1, 2]), [0, 1, 2], [0.25, 0.5, 0.25], 4
    )
    assert obs.tolist() == [1, 2, 1]
    with pytest.raises(ValueError, match="2 buckets but 1 probabilities"):
        tu.chi_square_check(lambda n: samples, [(-1, 0), (0, 1)], [0.5], nsamples=6)


def test_verify_generator_accepts_a_good_generator_and_rejects_a_bad_one():
    np.random.seed(0)
    buckets, probs = tu.gen_buckets_probs_with_ppf(
        lambda q: -math.log(1 - q) if q < 1 else np.inf, 5
    )
    good = tu.verify_generator(lambda n: np.random.exponential(1.0, n), buckets, probs, 20000)
    assert len(good) == 5 and sum(p > 0.05 for p in good) >= 1
    with pytest.raises(AssertionError, match=r"Generator test fails, Chi-square p=\[0.0"):
        tu.verify_generator(lambda n: np.random.exponential(1.5, n), buckets, probs, 20000)
    tu.verify_generator(lambda n: np.random.randint(0, 3, size=n), [0, 1, 2], [1 / 3.0] * 3, 3000)
    with pytest.raises(AssertionError, match=r"buckets=\[0, 1, 2\], probs=\[0.5, 0.25, 0.25\]"):
        tu.verify_generator(
            lambda n: np.random.randint(0, 3, n), [0, 1, 2], [0.5, 0.25, 0.25], 3000
        )


def test_mean_and_var_checks():
    np.random.seed(0)
    assert tu.mean_check(lambda n: np.random.normal(0, 1.0, size=n), 0, 1.0, 100000)
    assert not tu.mean_check(lambda n: np.random.normal(0.1, 1.0, size=n), 0, 1.0, 100000)
    assert tu.var_check(lambda n: np.random.normal(0, 1.0, size=n), 1.0, 100000)
    assert not tu.var_check(lambda n: np.random.normal(0, 1.1, size=n), 1.0, 100000)


# ---- gradients and optimizers --------------------------------------------------------------


def test_check_numeric_gradient_passes_for_correct_gradients():
    np.random.seed(0)
    tu.check_numeric_gradient(lambda x, y: nd.sin(x) * y, [np.random.rand(2, 3)] * 2)
    loc = {"x": np.random.rand(2, 3), "y": np.random.rand(3)}
    tu.check_numeric_gradient(lambda x, y: nd.exp(x) * y, loc, grad_nodes=["x"], dtype=np.float64)
    tu.check_numeric_gradient(lambda x: [nd.tanh(x), nd.square(x).sum()], [np.random.rand(4)])


def test_check_numeric_gradient_names_the_wrong_input(capsys):
    # the gradient of detach() is missing, so BACKWARD_y is off from NUMERICAL_y
    with pytest.raises(AssertionError, match=r"NUMERICAL_y=.*BACKWARD_y="):
        tu.check_numeric_gradient(
            lambda x, y: x * y + y.detach() * 2,
            [np.random.rand(3), np.random.rand(3)],
            dtype=np.float64,
        )
    with pytest.raises(ValueError, match=r"grad_nodes \['z'\] are not inputs; the inputs are"):
        tu.check_numeric_gradient(lambda x: nd.sin(x), [np.ones(2)], grad_nodes=["z"])
    with pytest.raises(TypeError, match="sym must be a Symbol or a callable"):
        tu.check_numeric_gradient("sym", [np.ones(2)])


def test_compare_optimizer():
    sgd = mx.optimizer.SGD
    tu.compare_optimizer(sgd(momentum=0.9), sgd(momentum=0.9), (2, 3), np.float32)
    mp = {"momentum": 0.9, "multi_precision": True}
    tu.compare_optimizer(sgd(**mp), sgd(**mp), (2, 3), np.float16, rtol=1e-3)
    with pytest.raises(AssertionError, match="Location of maximum error"):
        tu.compare_optimizer(sgd(learning_rate=0.1), sgd(learning_rate=0.2), (4,), np.float32)
    tu.compare_optimizer(sgd(), sgd(), (2, 3), np.float32, w_stype="row_sparse")
    tu.compare_optimizer(sgd(lazy_update=False), sgd(), (4, 3), np.float32, g_stype="csr")
    with pytest.raises(ValueError, match="unknown weight storage type 'coo'"):
        tu.compare_optimizer(sgd(), sgd(), (2, 3), np.float32, w_stype="coo")


def test_compare_ndarray_tuple():
    ones = nd.ones(2)
    tu.compare_ndarray_tuple((ones, None), (ones.copy(), nd.zeros(2)))  # None matches anything
    tu.compare_ndarray_tuple([ones, (nd.ones(1),)], [ones, (nd.ones(1),)])
    with pytest.raises(AssertionError, match=r"\(0,\), a=1.00000000, b=0.00000000"):
        tu.compare_ndarray_tuple((ones, ones), (ones, nd.zeros(2)))
    with pytest.raises(AssertionError, match="a tuple of 1 arrays compared with a NDArray"):
        tu.compare_ndarray_tuple((ones,), ones)


# ---- import-time names MXNet's tests use ---------------------------------------------------


def test_base_py_str_and_ndarray_names():
    from gluonlite.ndarray.ndarray import _STORAGE_TYPE_STR_TO_ID, py_slice

    assert mx.base.py_str(b"abc") == "abc" and mx.base.py_str("x") == "x"
    with pytest.raises(TypeError, match="py_str expects bytes or str, got int"):
        mx.base.py_str(3)
    assert _STORAGE_TYPE_STR_TO_ID == {"undefined": -1, "default": 0, "row_sparse": 1, "csr": 2}
    assert py_slice is slice


def test_util_numpy_mode_and_env(monkeypatch):
    @tu.use_np
    def f(x):
        return mx.util.is_np_array(), x

    assert f(1) == (True, 1) and tu.use_np is mx.util.use_np and not mx.util.is_np_array()
    monkeypatch.delenv("GLT_D", raising=False)
    mx.util.setenv("GLT_D", "d")
    assert os.environ["GLT_D"] == "d" and mx.util.getenv("GLT_D") == "d"
    mx.util.setenv("GLT_D", None)
    assert mx.util.getenv("GLT_D") is None
    with pytest.raises(TypeError, match="value of 'GLT_D' must be a str or None, got int"):
        mx.util.setenv("GLT_D", 1)


def test_runtime_features():
    from gluonlite import runtime

    features = runtime.Features()
    assert list(features)[:6] == ["CUDA", "CUDNN", "NCCL", "CUDA_RTC", "TENSORRT", "CPU_SSE"]
    assert len(features) == 32 and list(features)[-1] == "TVM_OP"
    cuda = mx._core.compiled_with_cuda()
    assert features.is_enabled("CUDA") == features.is_enabled("cuda") == cuda
    assert not features.is_enabled("MKLDNN") and features.is_enabled("BLAS_OPEN")
    assert repr(features["BLAS_OPEN"]) == "✔ BLAS_OPEN" and repr(features["OPENMP"]) == "✖ OPENMP"
    assert repr(features).startswith("[✔ CUDA, ✖ CUDNN" if features["CUDA"].enabled else "[✖ CUDA")
    with pytest.raises(RuntimeError, match=r"'NOPE' is unknown, known features are: \['CUDA'"):
        features.is_enabled("NOPE")


def test_name_manager_and_prefix():
    nm = mx.name.NameManager()
    names = [nm.get(None, "conv"), nm.get(None, "conv"), nm.get("given", "conv")]
    assert names == ["conv0", "conv1", "given"]
    outer = mx.name.NameManager.current
    with mx.name.NameManager() as m:
        assert mx.name.NameManager.current is m and m.get(None, "fc") == "fc0"
        with mx.name.Prefix("net_") as p:
            assert mx.name.NameManager.current is p
            assert (p.get(None, "conv"), p.get("w", "conv")) == ("net_conv0", "net_w")
        assert mx.name.NameManager.current is m
    assert mx.name.NameManager.current is outer


# ---- check_symbolic_forward / check_symbolic_backward / check_numeric_gradient on Symbols ----


def test_check_symbolic_forward_and_backward_on_a_dot():
    from gluonlite.test_utils import (
        check_numeric_gradient,
        check_symbolic_backward,
        check_symbolic_forward,
    )

    lhs, rhs = mx.sym.var("lhs"), mx.sym.var("rhs")
    prod = mx.sym.dot(lhs, rhs)
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    b = np.array([[5.0, 6.0], [7.0, 8.0]])
    (out,) = check_symbolic_forward(prod, [a, b], [a @ b])
    np.testing.assert_array_equal(out.asnumpy(), a @ b)
    check_symbolic_forward(prod, {"rhs": b, "lhs": a}, {prod.list_outputs()[0]: a @ b})
    with pytest.raises(AssertionError, match="EXPECTED_dot"):
        check_symbolic_forward(prod, [a, b], [a @ b + 1])
    head = np.ones((2, 2))
    grads = check_symbolic_backward(prod, [a, b], [head], {"lhs": head @ b.T, "rhs": a.T @ head})
    np.testing.assert_allclose(grads["lhs"], head @ b.T)
    # grad_req='add' expects the gradient added to what the buffer held
    check_symbolic_backward(prod, [a, b], [head], [head @ b.T, a.T @ head], grad_req="add")
    with pytest.raises(AssertionError, match="BACKWARD_rhs"):
        check_symbolic_backward(prod, [a, b], [head], {"rhs": a.T @ head + 1})
    with pytest.raises(ValueError, match=r"1 arguments given, the symbol has 2"):
        check_symbolic_forward(prod, [a], [a @ b])
    check_numeric_gradient(prod, [a, b], dtype=np.float64, rtol=1e-6, atol=1e-8)
    check_numeric_gradient(prod, {"lhs": a, "rhs": b}, grad_nodes=["rhs"], dtype=np.float64)
    with pytest.raises(ValueError, match="has 2 arguments"):
        check_numeric_gradient(prod, [a], dtype=np.float64)


def test_check_numeric_gradient_catches_a_wrong_symbol_gradient():
    from gluonlite.test_utils import check_numeric_gradient

    class Wrong(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            self.assign(out_data[0], req[0], in_data[0] * in_data[0])

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            self.assign(in_grad[0], req[0], out_grad[0] * in_data[0])  # should be 2x

    @mx.operator.register("tu_wrong_square")
    class WrongProp(mx.operator.CustomOpProp):
        def create_operator(self, ctx, shapes, dtypes):
            return Wrong()

    x = np.array([1.0, 2.0, 3.0])
    func = lambda data: mx.nd.Custom(data, op_type="tu_wrong_square")  # noqa: E731
    with pytest.raises(AssertionError, match="NUMERICAL_data"):
        check_numeric_gradient(func, [x], dtype=np.float64)
