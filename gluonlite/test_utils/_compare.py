"""Array comparison with MXNet's per-dtype tolerances and its failure report."""

from __future__ import annotations

from typing import Any, Optional, Sequence, Tuple, Union

import numpy as np

from ..ndarray import NDArray

_INT_KINDS = ("bool", "int8", "uint8", "int32", "uint32", "int64", "uint64")
_FLOAT64 = np.dtype(np.float64)


def _as_numpy(x: Any) -> np.ndarray:
    """An NDArray's data on the host, or ``np.asarray`` of anything else."""
    if isinstance(x, NDArray):
        return x.asnumpy()
    return np.asarray(x)


def default_rtols() -> dict:
    """Relative tolerance per dtype (exact for integer and bool types)."""
    tols = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4, np.dtype(np.float64): 1e-5}
    tols.update((np.dtype(name), 0) for name in _INT_KINDS)
    return tols


def default_atols() -> dict:
    """Absolute tolerance per dtype (exact for integer and bool types)."""
    tols = {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3, np.dtype(np.float64): 1e-20}
    tols.update((np.dtype(name), 0) for name in _INT_KINDS)
    return tols


def default_numeric_eps() -> dict:
    """Finite-difference step per float dtype."""
    return {
        np.dtype(np.float16): 1.0 / 2**6,
        np.dtype(np.float32): 1.0 / 2**9,
        np.dtype(np.float64): 1.0 / 2**14,
    }


def _lookup(tol: Any, dtype: np.dtype, defaults: dict) -> Any:
    """``tol`` itself, its entry for ``dtype`` when it is a dict, or the default for ``dtype``."""
    if isinstance(tol, dict):
        for key, value in tol.items():
            if np.dtype(key) == dtype:
                return value
        tol = None
    if tol is None:
        if dtype not in defaults:
            raise KeyError(
                f"no default tolerance for dtype {dtype.name}; pass rtol/atol explicitly"
            )
        return defaults[dtype]
    return tol


def get_rtol(rtol: Any = None, dtype: Any = _FLOAT64) -> Any:
    """``rtol``, or the default relative tolerance for ``dtype`` (float64 unless given)."""
    return _lookup(rtol, np.dtype(dtype), default_rtols())


def get_atol(atol: Any = None, dtype: Any = _FLOAT64) -> Any:
    """``atol``, or the default absolute tolerance for ``dtype`` (float64 unless given)."""
    return _lookup(atol, np.dtype(dtype), default_atols())


def get_etol(etol: Optional[float] = None) -> float:
    """The fraction of elements allowed to be out of tolerance (0 unless given)."""
    return 0 if etol is None else etol


def effective_dtype(dat: Any) -> np.dtype:
    """The dtype whose tolerances apply to ``dat``.

    MXNet lowers float32 on TF32-capable GPUs to float16's tolerances; gluonlite's GPU
    kernels do not compute in TF32, so this is always the data's own dtype.
    """
    if isinstance(dat, NDArray) or hasattr(dat, "dtype"):
        return np.dtype(dat.dtype)
    return np.asarray(dat).dtype


def get_tolerance(dat: Any, tol: Any, default_tol: dict) -> Any:
    """The tolerance for ``dat``: ``tol``, its entry for dat's dtype, or ``default_tol``'s."""
    return _lookup(tol, effective_dtype(dat), default_tol)


def get_tols(x: Any, y: Any, rtol: Any, atol: Any) -> Tuple[Any, Any]:
    """(rtol, atol) for comparing ``x`` with ``y``: the looser of the two arrays' tolerances."""
    if isinstance(x, (int, float, complex)) and not isinstance(y, (int, float, complex)):
        x = y
    if isinstance(y, (int, float, complex)):
        y = x
    rtol = max(get_tolerance(x, rtol, default_rtols()), get_tolerance(y, rtol, default_rtols()))
    atol = max(get_tolerance(x, atol, default_atols()), get_tolerance(y, atol, default_atols()))
    return rtol, atol


def same(a: Any, b: Any) -> bool:
    """Whether two arrays have the same shape and exactly the same values (NaN != NaN)."""
    return bool(np.array_equal(_as_numpy(a), _as_numpy(b)))


def almost_equal(
    a: Any,
    b: Any,
    rtol: Any = None,
    atol: Any = None,
    equal_nan: bool = False,
    use_broadcast: bool = True,
) -> bool:
    """Whether ``|a - b| <= atol + rtol * |b|`` everywhere.

    As in MXNet the defaults are float64's (rtol 1e-5, atol 1e-20) whatever the dtype, and
    shapes that differ (without ``use_broadcast``) or cannot broadcast raise AssertionError.
    """
    a, b = _as_numpy(a), _as_numpy(b)
    _check_shapes(a, b, ("a", "b"), use_broadcast)
    return bool(np.allclose(a, b, rtol=get_rtol(rtol), atol=get_atol(atol), equal_nan=equal_nan))


def _check_shapes(a: np.ndarray, b: np.ndarray, names: Sequence[str], use_broadcast: bool):
    """AssertionError naming both shapes unless they match (or broadcast, if allowed)."""
    if a.shape == b.shape:
        return
    why = "are not equal"
    if use_broadcast:
        try:
            np.broadcast_shapes(a.shape, b.shape)
            return
        except ValueError:
            why = "cannot be broadcast together"
    msg = f"{names[0]}.shape = {a.shape} and {names[1]}.shape = {b.shape} {why}"
    raise AssertionError(np.testing.build_err_msg([a, b], err_msg=msg))


def _violations(
    a: Union[np.ndarray, np.float64],
    b: Union[np.ndarray, np.float64],
    rtol: Any,
    atol: Any,
    equal_nan: bool,
):
    """How many times over its tolerance each element is; NaN where undecidable."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        violation = np.abs(a - b) / (atol + rtol * np.abs(b) + 1e-20)
    violation = np.asarray(violation)
    if equal_nan:
        both_nan = np.isnan(a) & np.isnan(b)
        violation = np.where(both_nan, 0, violation)
    return violation


def _worst_first(violation: np.ndarray, bad: np.ndarray, limit: int) -> np.ndarray:
    """Flat indices of the out-of-tolerance elements, worst first (NaN counts as worst).

    With ``limit`` > 0 at most ``limit + 1`` are returned: enough to tell "more than limit".
    """
    flat_bad = np.flatnonzero(bad)
    rank = violation.reshape(-1)[flat_bad].astype(np.float64)
    rank = np.where(np.isnan(rank), np.inf, rank)
    order = flat_bad[np.argsort(-rank, kind="stable")]
    return order[: limit + 1] if limit > 0 else order


def assert_almost_equal(
    a: Any,
    b: Any,
    rtol: Any = None,
    atol: Any = None,
    names: Sequence[str] = ("a", "b"),
    equal_nan: bool = False,
    use_broadcast: bool = True,
    mismatches: Tuple[int, int] = (10, 10),
) -> None:
    """Raises AssertionError when ``|a - b| > atol + rtol * |b|`` somewhere.

    Tolerances default per dtype (the looser of the two arrays'; see ``get_tols``). The
    message, like MXNet's, gives the worst violation (how many times over tolerance), its
    location and both values under ``names``; the ``mismatches[0]`` worst elements are
    printed, and at most ``mismatches[1]`` are counted (0: count all). Unlike MXNet,
    broadcast shapes are reported correctly, and with ``equal_nan`` matching NaNs are never
    counted as mismatches.
    """
    rtol, atol = get_tols(a, b, rtol, atol)
    a_np, b_np = _as_numpy(a), _as_numpy(b)
    if a_np.dtype == np.bool_ or b_np.dtype == np.bool_:
        np.testing.assert_array_equal(a_np, b_np)
        return
    _check_shapes(a_np, b_np, names, use_broadcast)
    close = np.isclose(a_np, b_np, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if np.all(close):
        return
    wide_a, wide_b = np.broadcast_arrays(a_np, b_np)
    violation = _violations(wide_a, wide_b, rtol, atol, equal_nan)
    bad = ~np.broadcast_to(close, wide_a.shape)
    if wide_a.ndim == 0:
        scalars = [wide_a.item(), wide_b.item()]
        violation = _violations(
            np.float64(scalars[0]), np.float64(scalars[1]), rtol, atol, equal_nan
        )
        msg = "Error %f exceeds tolerance rtol=%e, atol=%e.\n" % (violation, rtol, atol)
        raise AssertionError(np.testing.build_err_msg(scalars, err_msg=msg))

    limit = mismatches[1]
    worst = _worst_first(violation, bad, limit)
    more_than_limit = limit > 0 and len(worst) > limit
    shown = worst[:limit] if limit > 0 else worst

    def where(flat_index: int) -> str:
        index = tuple(int(i) for i in np.unravel_index(flat_index, wide_a.shape))
        return "%s, %s=%.8f, %s=%.8f" % (
            index,
            names[0],
            wide_a[index],
            names[1],
            wide_b[index],
        )

    flat_violation = violation.reshape(-1)
    print(
        "\n*** Maximum errors for vector of size %d:  rtol=%s, atol=%s\n"
        % (wide_a.size, rtol, atol)
    )
    for rank, flat_index in enumerate(shown[: mismatches[0]]):
        print(
            "  %d: Error %f  Location of error: %s"
            % (rank + 1, flat_violation[flat_index], where(flat_index))
        )
    msg = "Error %f exceeds tolerance rtol=%e, atol=%e (mismatch %s%f%%).\n" % (
        flat_violation[worst[0]],
        rtol,
        atol,
        "at least " if more_than_limit else "",
        100.0 * len(worst) / wide_a.size,
    )
    msg += "Location of maximum error: " + where(worst[0])
    raise AssertionError(np.testing.build_err_msg([a_np, b_np], err_msg=msg))


def assert_almost_equal_ignore_nan(
    a: Any, b: Any, rtol: Any = None, atol: Any = None, names: Sequence[str] = ("a", "b")
) -> None:
    """``assert_almost_equal`` after zeroing every element that is NaN in either array."""
    a = np.copy(_as_numpy(a))
    b = np.copy(_as_numpy(b))
    nan_mask = np.logical_or(np.isnan(a), np.isnan(b))
    a[nan_mask] = 0
    b[nan_mask] = 0
    assert_almost_equal(a, b, rtol, atol, names)


def assert_allclose(a: Any, b: Any, rtol: float = 1e-07, atol: float = 0, equal_nan: bool = True):
    """``numpy.testing.assert_allclose`` on NDArrays or numpy arrays (NaNs match by default)."""
    np.testing.assert_allclose(
        _as_numpy(a), _as_numpy(b), rtol=rtol, atol=atol, equal_nan=equal_nan
    )


def np_reduce(dat: np.ndarray, axis: Any, keepdims: bool, numpy_reduce_func: Any) -> np.ndarray:
    """``numpy_reduce_func`` over ``axis`` (None, an int or a sequence of ints), with keepdims."""
    if isinstance(axis, int):
        axis = [axis]
    elif axis is None:
        axis = list(range(dat.ndim))
    ret = dat
    for ax in sorted(a % dat.ndim for a in axis)[::-1]:
        ret = numpy_reduce_func(ret, axis=ax)
    if keepdims:
        shape = list(dat.shape)
        for ax in axis:
            shape[ax] = 1
        ret = np.reshape(ret, shape)
    return ret


def collapse_sum_like(a: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """Sums ``a`` over the axes along which ``shape`` broadcasts to it; result has ``shape``."""
    shape = tuple(shape)
    if len(shape) > a.ndim:
        raise ValueError(f"collapse_sum_like: shape {shape} has more axes than a {a.shape}")
    lead = a.ndim - len(shape)
    axes = list(range(lead))
    for i, size in enumerate(shape):
        if size == 1 and a.shape[lead + i] != 1:
            axes.append(lead + i)
        elif size != a.shape[lead + i]:
            raise ValueError(f"collapse_sum_like: shape {shape} does not broadcast to {a.shape}")
    return np.sum(a, axis=tuple(axes)).reshape(shape)


def compare_ndarray_tuple(t1: Any, t2: Any, rtol: Any = None, atol: Any = None) -> None:
    """Asserts that two (nested) tuples of arrays are almost equal, element by element.

    As in MXNet, None on either side matches anything and tuples of different lengths are
    compared over their common length.
    """
    if t1 is None or t2 is None:
        return
    if isinstance(t1, (tuple, list)):
        if not isinstance(t2, (tuple, list)):
            raise AssertionError(
                f"compare_ndarray_tuple: a {type(t1).__name__} of {len(t1)} arrays compared "
                f"with a {type(t2).__name__}"
            )
        for s1, s2 in zip(t1, t2):
            compare_ndarray_tuple(s1, s2, rtol, atol)
    else:
        assert_almost_equal(t1, t2, rtol=rtol, atol=atol)
