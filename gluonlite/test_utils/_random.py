"""Random shapes and arrays for tests, and chi-square checks of random generators."""

from __future__ import annotations

import math
from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np

from .. import ndarray as nd
from ..context import Context, current_context
from ..ndarray import NDArray


def default_dtype() -> type:
    """The dtype tests use unless told otherwise: float32."""
    return np.float32


def rand_shape_2d(dim0: int = 10, dim1: int = 10, allow_zero_size: bool = False) -> Tuple[int, int]:
    """A random 2-D shape, each size in [1, dim] (or [0, dim] with ``allow_zero_size``)."""
    low = 0 if allow_zero_size else 1
    return np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1)


def rand_shape_3d(
    dim0: int = 10, dim1: int = 10, dim2: int = 10, allow_zero_size: bool = False
) -> Tuple[int, int, int]:
    """A random 3-D shape, each size in [1, dim] (or [0, dim] with ``allow_zero_size``)."""
    low = 0 if allow_zero_size else 1
    return (
        np.random.randint(low, dim0 + 1),
        np.random.randint(low, dim1 + 1),
        np.random.randint(low, dim2 + 1),
    )


def rand_shape_nd(num_dim: int, dim: int = 10, allow_zero_size: bool = False) -> tuple:
    """A random ``num_dim``-D shape, each size in [1, dim] (or [0, dim])."""
    low = 0 if allow_zero_size else 1
    return tuple(np.random.randint(low, dim + 1, size=num_dim))


def _check_shape(where: str, shape: Any) -> tuple:
    if isinstance(shape, (int, np.integer)):
        raise TypeError(
            f"{where}: each shape must be a tuple, got the int {shape}; write ({shape},)"
        )
    return tuple(shape)


def random_arrays(*shapes: Sequence[int]) -> Any:
    """Standard-normal float32 numpy arrays, one per shape; the array itself for one shape.

    A shape ``()`` gives a 0-d array.
    """
    arrays: List[np.ndarray] = []
    for s in shapes:
        s = _check_shape("random_arrays", s)
        if len(s) == 0:
            arrays.append(np.array(np.random.randn(), dtype=default_dtype()))
        else:
            arrays.append(np.random.randn(*s).astype(default_dtype()))
    return arrays[0] if len(arrays) == 1 else arrays


def random_uniform_arrays(*shapes: Sequence[int], **kwargs: Any) -> List[np.ndarray]:
    """Uniform numpy arrays, one per shape, always as a list.

    Keyword arguments: ``low`` (0.0), ``high`` (1.0), ``dtype`` (float32).
    """
    low = kwargs.pop("low", 0.0)
    high = kwargs.pop("high", 1.0)
    dtype = kwargs.pop("dtype", default_dtype())
    if kwargs:
        raise TypeError("Got unexpected argument/s : %s" % kwargs.keys())
    arrays = []
    for s in shapes:
        s = _check_shape("random_uniform_arrays", s)
        arrays.append(np.random.uniform(low, high, size=s).astype(dtype))
    return arrays


def random_sample(population: Sequence[Any], k: int) -> list:
    """``k`` distinct elements of ``population`` in random order (numpy's RNG)."""
    population = list(population)
    if not 0 <= k <= len(population):
        raise ValueError(f"random_sample: k={k} is not in [0, {len(population)}]")
    np.random.shuffle(population)
    return population[:k]


def rand_ndarray(
    shape: Sequence[int],
    stype: str = "default",
    density: Optional[float] = None,
    dtype: Any = None,
    modifier_func: Optional[Callable] = None,
    shuffle_csr_indices: bool = False,
    distribution: Optional[str] = None,
    ctx: Optional[Context] = None,
) -> NDArray:
    """A random NDArray of ``shape``: standard normal when dense; for 'row_sparse' and 'csr'
    as ``rand_sparse_ndarray`` makes them (``density``, ``modifier_func`` and
    ``distribution`` only affect sparse arrays, as in MXNet)."""
    ctx = current_context() if ctx is None else ctx
    if stype == "default":
        return nd.array(random_arrays(_check_shape("rand_ndarray", shape)), dtype=dtype, ctx=ctx)
    arr, _ = rand_sparse_ndarray(
        shape,
        stype,
        density=density,
        dtype=dtype,
        distribution=distribution,
        modifier_func=modifier_func,
        shuffle_csr_indices=shuffle_csr_indices,
        ctx=ctx,
    )
    return arr


def rand_sparse_ndarray(
    shape: Sequence[int],
    stype: str,
    density: Optional[float] = None,
    dtype: Any = None,
    distribution: Optional[str] = None,
    data_init: Optional[float] = None,
    rsp_indices: Optional[Sequence[int]] = None,
    modifier_func: Optional[Callable] = None,
    shuffle_csr_indices: bool = False,
    ctx: Optional[Context] = None,
) -> Tuple[NDArray, tuple]:
    """A random sparse array and its parts, as MXNet's test_utils makes them.

    'row_sparse': each row is stored with probability ``density`` (random when None), or
    the rows ``rsp_indices``; values uniform in [0, 1). Returns ``(arr, (values, rows))``.
    'csr': ``distribution`` 'uniform' stores round(density * size) random entries with
    uniform values; 'powerlaw' fills row i's first 2**i columns (every row at least its
    first) until density * size entries are used. Returns ``(arr, (indptr, indices,
    data))``. ``data_init`` fills the values with one number and ``modifier_func`` maps
    each value. gluonlite keeps column indices sorted, so ``shuffle_csr_indices`` changes
    nothing (the matrix is the same).
    """
    ctx = current_context() if ctx is None else ctx
    shape = _check_shape("rand_sparse_ndarray", shape)
    density = np.random.rand() if density is None else density
    if not 0 <= density <= 1:
        raise ValueError(f"rand_sparse_ndarray: density must be in [0, 1], got {density}")
    dtype = default_dtype() if dtype is None else dtype
    distribution = "uniform" if distribution is None else distribution

    def finish(values: np.ndarray) -> np.ndarray:
        if data_init is not None:
            values.fill(data_init)
        if modifier_func is not None:
            values = np.vectorize(modifier_func)(values).astype(values.dtype)
        return values

    if stype == "row_sparse":
        if distribution != "uniform":
            raise ValueError(
                f"rand_sparse_ndarray: row_sparse arrays are uniform, got {distribution!r}"
            )
        if rsp_indices is not None:
            rows = np.asarray(rsp_indices, dtype=np.int64)
        else:
            rows = np.argwhere(np.random.rand(shape[0]) < density).flatten()
        if rows.size == 0:
            return nd.zeros(shape, ctx, dtype=dtype, stype="row_sparse"), (
                np.array([], dtype=dtype),
                np.array([]),
            )
        values = finish(np.random.rand(rows.size, *shape[1:]).astype(dtype))
        arr = nd.sparse.row_sparse_array((values, rows), shape=shape, ctx=ctx, dtype=dtype)
        return arr, (values, rows)
    if stype == "csr":
        if len(shape) != 2:
            raise ValueError(f"rand_sparse_ndarray: csr arrays are 2-D, got shape {shape}")
        num_rows, num_cols = int(shape[0]), int(shape[1])
        coo: Any
        if distribution == "uniform":
            count = int(round(density * num_rows * num_cols))
            flat = np.sort(np.random.choice(num_rows * num_cols, count, replace=False))
            values = finish(np.random.rand(count).astype(dtype))
            coo = (values, (flat // num_cols, flat % num_cols))
        elif distribution == "powerlaw":
            host = _powerlaw_matrix(num_rows, num_cols, density, dtype)
            coo = (host[host != 0], np.nonzero(host))
        else:
            raise ValueError(f"rand_sparse_ndarray: unknown distribution {distribution!r}")
        csr = nd.sparse.csr_matrix(coo, shape=shape, ctx=ctx, dtype=dtype)
        return csr, (csr.indptr, csr.indices, csr.data)
    raise ValueError(f"rand_sparse_ndarray: unknown storage type {stype!r}")


def _powerlaw_matrix(rows: int, cols: int, density: float, dtype: Any) -> np.ndarray:
    """Row i holds min(cols, 2**i) leading values (at least one) until the budget of
    density * rows * cols entries is spent; values uniform in (1.001, 3)."""
    budget = int(rows * cols * density)
    host = np.zeros((rows, cols), dtype=dtype)
    for i in range(rows):
        if budget <= 0:
            break
        width = max(1, min(cols, 2**i, budget))
        host[i, :width] = 1 + np.random.uniform(0.001, 2, size=width)
        budget -= width
    if budget > 0:
        raise ValueError(
            f"rand_sparse_ndarray: density {density} is too high for a power-law "
            f"{rows}x{cols} matrix"
        )
    return host


# ---- chi-square test of random generators ----------------------------------------------


def _upper_regularized_gamma(a: float, x: float) -> float:
    """Q(a, x) = Gamma(a, x) / Gamma(a), by its series below a + 1, else its continued fraction."""
    if x <= 0:
        return 1.0
    log_prefactor = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        while abs(term) > abs(total) * 1e-16:
            n += 1
            term *= x / n
            total += term
        return max(0.0, 1.0 - total * math.exp(log_prefactor))
    # Modified Lentz evaluation of the continued fraction for Gamma(a, x).
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        step = d * c
        h *= step
        if abs(step - 1) < 1e-16:
            break
    return math.exp(log_prefactor) * h


def _chi2_pvalue(statistic: float, dof: int) -> float:
    """P(X >= statistic) for X chi-square distributed with ``dof`` degrees of freedom."""
    return _upper_regularized_gamma(dof / 2.0, statistic / 2.0)


def gen_buckets_probs_with_ppf(ppf: Callable[[float], float], nbuckets: int):
    """``nbuckets`` equal-probability buckets [(lo, hi), ...] from a quantile function, and
    their probabilities (each 1 / nbuckets)."""
    if nbuckets < 1:
        raise ValueError(f"gen_buckets_probs_with_ppf: nbuckets must be >= 1, got {nbuckets}")
    probs = [1.0 / nbuckets for _ in range(nbuckets)]
    buckets = [(ppf(i / float(nbuckets)), ppf((i + 1) / float(nbuckets))) for i in range(nbuckets)]
    return buckets, probs


def chi_square_check(
    generator: Callable[[int], Any],
    buckets: Sequence[Any],
    probs: Sequence[float],
    nsamples: int = 1000000,
):
    """Pearson's chi-square test of ``generator(nsamples)`` against bucket probabilities.

    ``buckets`` are (lo, hi) ranges, a sample counting in [lo, hi), for a continuous
    distribution, or the possible values of a discrete one. Returns (p value, observed
    counts, expected counts). Unlike MXNet (which rounds them to int32), expected counts are
    ``probs * nsamples`` exactly, and the p value needs no scipy.
    """
    if len(buckets) != len(probs):
        raise ValueError(f"chi_square_check: {len(buckets)} buckets but {len(probs)} probabilities")
    if len(buckets) < 2:
        raise ValueError("chi_square_check: needs at least 2 buckets")
    samples = generator(nsamples)
    samples = samples.asnumpy() if isinstance(samples, NDArray) else np.asarray(samples)
    samples = samples.reshape(-1)
    continuous = isinstance(buckets[0], (tuple, list))
    if continuous:
        obs_freq = np.array([np.sum((samples >= lo) & (samples < hi)) for lo, hi in buckets])
    else:
        obs_freq = np.array([np.sum(samples == value) for value in buckets])
    expected_freq = np.asarray(probs, dtype=np.float64) * nsamples
    if np.any(expected_freq <= 0):
        raise ValueError(f"chi_square_check: every probability must be > 0, got {list(probs)}")
    statistic = float(np.sum((obs_freq - expected_freq) ** 2 / expected_freq))
    p = _chi2_pvalue(statistic, len(buckets) - 1)
    return p, obs_freq, expected_freq


def verify_generator(
    generator: Callable[[int], Any],
    buckets: Sequence[Any],
    probs: Sequence[float],
    nsamples: int = 1000000,
    nrepeat: int = 5,
    success_rate: float = 0.2,
    alpha: float = 0.05,
) -> List[float]:
    """Runs ``chi_square_check`` ``nrepeat`` times; the p values when at least
    ``nrepeat * success_rate`` runs have p > ``alpha``, else AssertionError with the counts."""
    p_values, obs, expected = [], [], []
    for _ in range(nrepeat):
        p, obs_freq, expected_freq = chi_square_check(generator, buckets, probs, nsamples)
        p_values.append(p)
        obs.append(obs_freq)
        expected.append(expected_freq)
    success_num = sum(1 for p in p_values if p > alpha)
    if success_num < nrepeat * success_rate:
        raise AssertionError(
            "Generator test fails, Chi-square p=%s, obs_freq=%s, expected_freq=%s."
            "\nbuckets=%s, probs=%s" % (p_values, obs, expected, buckets, probs)
        )
    return p_values


def mean_check(
    generator: Callable[[int], Any], mu: float, sigma: float, nsamples: int = 1000000
) -> bool:
    """Whether the sample mean lies within mu +- 3 sigma / sqrt(nsamples)."""
    samples = np.asarray(_host(generator(nsamples)), dtype=np.float64)
    mean = samples.mean()
    return bool(mu - 3 * sigma / np.sqrt(nsamples) < mean < mu + 3 * sigma / np.sqrt(nsamples))


def var_check(generator: Callable[[int], Any], sigma: float, nsamples: int = 1000000) -> bool:
    """Whether the sample variance lies within sigma^2 +- 3 sqrt(2 sigma^4 / (nsamples - 1))."""
    samples = np.asarray(_host(generator(nsamples)), dtype=np.float64)
    var = samples.var(ddof=1)
    half_width = 3 * np.sqrt(2 * sigma**4 / (nsamples - 1))
    return bool(sigma**2 - half_width < var < sigma**2 + half_width)


def _host(x: Any) -> np.ndarray:
    return x.asnumpy() if isinstance(x, NDArray) else np.asarray(x)
