"""The distributions of nd.random's samplers (csrc/random/distributions.h): moments within
5 standard errors, and chi-square (discrete) or Kolmogorov-Smirnov (continuous) tests at
the 1e-4 level against the exact distribution, computed with numpy and math only. Seeds are
fixed, so the tests are deterministic."""

import math

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import autograd, nd

N = 200_000
Z_CHI2 = 3.719  # upper 1e-4 point of the standard normal
KS_CRITICAL = 2.225  # sqrt(-ln(1e-4 / 2) / 2): the 1e-4 Kolmogorov critical value


def arr(values, dtype="float32"):
    return nd.array(values, dtype=dtype)


def assert_moments(x, mean, var, excess_kurtosis):
    """Sample mean and variance within 5 standard errors of the distribution's."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / n), (x.mean(), mean)
    se_var = var * math.sqrt((2 + excess_kurtosis) / n)
    assert abs(x.var() - var) < 5 * se_var, (x.var(), var)


def assert_ks(x, cdf):
    """Kolmogorov-Smirnov at the 1e-4 level against the continuous `cdf`."""
    x = np.sort(np.asarray(x, dtype=np.float64))
    n = x.size
    c = cdf(x)
    d = max((np.arange(1, n + 1) / n - c).max(), (c - np.arange(n) / n).max())
    assert d < KS_CRITICAL / math.sqrt(n), d


def assert_chi_square(samples, pmf):
    """Chi-square at the 1e-4 level against `pmf` (k -> probability) over the integers."""
    samples = np.asarray(samples)
    assert (samples == np.round(samples)).all() and samples.min() >= 0
    n = samples.size
    top = int(samples.max())
    counts = np.bincount(samples.astype(np.int64), minlength=top + 1).astype(np.float64)
    probs = np.array([pmf(k) for k in range(top + 1)])
    probs = np.append(probs, max(0.0, 1.0 - probs.sum()))  # the tail beyond the largest sample
    counts = np.append(counts, 0.0)
    # merge neighbouring cells until each expects at least 5
    cells_p, cells_c, acc_p, acc_c = [], [], 0.0, 0.0
    for p, c in zip(probs, counts):
        acc_p, acc_c = acc_p + p, acc_c + c
        if acc_p * n >= 5:
            cells_p.append(acc_p)
            cells_c.append(acc_c)
            acc_p = acc_c = 0.0
    cells_p[-1] += acc_p
    cells_c[-1] += acc_c
    expected = np.array(cells_p) * n
    chi2 = ((np.array(cells_c) - expected) ** 2 / expected).sum()
    df = len(cells_p) - 1
    critical = df * (1 - 2 / (9 * df) + Z_CHI2 * math.sqrt(2 / (9 * df))) ** 3  # Wilson-Hilferty
    assert chi2 < critical, (chi2, critical, df)


def gamma_cdf(alpha, scale):
    """The regularized lower incomplete gamma P(alpha, x / scale), by its power series."""

    def cdf(x):
        z = np.maximum(x / scale, 1e-300)
        term = np.ones_like(z)
        total = np.ones_like(z)
        for n in range(1, 2000):
            term = term * z / (alpha + n)
            total += term
            if (term < 1e-17 * total).all():
                break
        return np.exp(alpha * np.log(z) - z - math.lgamma(alpha + 1)) * total

    return cdf


def poisson_pmf(lam):
    return lambda k: math.exp(k * math.log(lam) - lam - math.lgamma(k + 1))


def negative_binomial_pmf(r, p):
    def pmf(k):
        log = math.lgamma(k + r) - math.lgamma(r) - math.lgamma(k + 1)
        return math.exp(log + r * math.log(p) + k * math.log1p(-p))

    return pmf


# ---- continuous ---------------------------------------------------------------------------------


@pytest.mark.parametrize("alpha, beta", [(0.1, 2.0), (0.5, 1.0), (1.0, 5.0), (9.0, 0.5)])
def test_gamma_matches_its_distribution(alpha, beta):
    mx.random.seed(11)
    x = nd.random.gamma(alpha, beta, shape=(N,), dtype="float64").asnumpy()
    assert (x >= 0).all()
    assert_moments(x, alpha * beta, alpha * beta**2, 6 / alpha)
    assert_ks(x, gamma_cdf(alpha, beta))


def test_gamma_float32_and_large_shape():
    mx.random.seed(12)
    x = nd.random.gamma(2.5, 3.0, shape=(N,)).asnumpy()
    assert x.dtype == np.float32
    assert_moments(x, 7.5, 22.5, 6 / 2.5)
    y = nd.random.gamma(1e4, 1e-2, shape=(N,), dtype="float64").asnumpy()
    assert_moments(y, 100.0, 1.0, 6e-4)


def test_exponential_scale_and_rate_forms():
    mx.random.seed(13)
    x = nd.random.exponential(4.0, shape=(N,), dtype="float64").asnumpy()
    assert_moments(x, 4.0, 16.0, 6.0)
    assert_ks(x, lambda v: 1 - np.exp(-v / 4.0))
    rate = nd.random_exponential(lam=4.0, shape=(N,)).asnumpy()  # mean 1/lam
    assert_moments(rate, 0.25, 0.0625, 6.0)
    like = nd.random.exponential_like(nd.zeros((N,), dtype="float64"), lam=0.5).asnumpy()
    assert_ks(like, lambda v: 1 - np.exp(-v * 0.5))


def test_array_parameters_select_each_rows_distribution():
    mx.random.seed(14)
    alpha = [[0.5, 2.5], [9.75, 11.0]]
    beta = [[1.0, 0.7], [0.5, 0.3]]
    x = nd.random.gamma(arr(alpha), arr(beta), shape=(N // 4,), dtype="float64").asnumpy()
    assert x.shape == (2, 2, N // 4)
    for i in range(2):
        for j in range(2):
            a, b = alpha[i][j], beta[i][j]
            assert_moments(x[i, j], a * b, a * b * b, 6 / a)
            assert_ks(x[i, j], gamma_cdf(a, b))


def test_uniform_and_normal_with_array_parameters():
    mx.random.seed(15)
    low, high = [0.0, 2.5, -9.75], [1.0, 3.7, 4.2]
    u = nd.random.uniform(arr(low), arr(high), shape=(N // 4,), dtype="float64").asnumpy()
    loc, scale = [0.0, 2.5, -9.75], [1.0, 3.7, 0.0]
    z = nd.sample_normal(arr(loc), arr(scale), shape=(N // 4,), dtype="float64").asnumpy()
    for i in range(3):
        assert (u[i] >= low[i]).all() and (u[i] < high[i]).all()
        assert_ks(u[i], lambda v, i=i: (v - low[i]) / (high[i] - low[i]))
    for i in range(2):
        assert_ks(
            z[i],
            lambda v, i=i: (
                0.5 * (1 + np.vectorize(math.erf)((v - loc[i]) / (scale[i] * math.sqrt(2))))
            ),
        )
    assert (z[2] == -9.75).all()  # scale 0: the mean itself


def test_like_variants_draw_their_distributions():
    mx.random.seed(16)
    template = nd.zeros((N,))
    assert_moments(nd.random.uniform_like(template, -1.5, 3.0).asnumpy(), 0.75, 4.5**2 / 12, -1.2)
    assert_moments(nd.random.normal_like(template, loc=10, scale=0.5).asnumpy(), 10, 0.25, 0)
    assert_moments(nd.random.gamma_like(template, alpha=9, beta=0.5).asnumpy(), 4.5, 2.25, 6 / 9)


# ---- discrete -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lam", [0.5, 4.0, 9.99, 10.0, 25.0, 300.0])
def test_poisson_matches_its_distribution(lam):
    mx.random.seed(21)
    x = nd.random.poisson(lam, shape=(N,), dtype="float64").asnumpy()
    assert_moments(x, lam, lam, 1 / lam)
    assert_chi_square(x, poisson_pmf(lam))


def test_poisson_extremes():
    mx.random.seed(22)
    assert (nd.random.poisson(0, shape=(100,)).asnumpy() == 0).all()
    big = nd.random.poisson(1e7, shape=(N,), dtype="float64").asnumpy()
    assert_moments(big, 1e7, 1e7, 1e-7)
    rows = nd.random.poisson(arr([[25.0, 8.5], [2.7, 0.5]]), shape=(N // 4,)).asnumpy()
    for lam, row in zip([25.0, 8.5, 2.7, 0.5], rows.reshape(4, -1)):
        assert_chi_square(row, poisson_pmf(lam))


@pytest.mark.parametrize("k, p", [(3, 0.4), (2.5, 0.7), (1, 0.05), (40, 0.9)])
def test_negative_binomial_matches_its_distribution(k, p):
    mx.random.seed(23)
    x = nd.random.negative_binomial(k, p, shape=(N,), dtype="float64").asnumpy()
    mean, var = k * (1 - p) / p, k * (1 - p) / p**2
    assert_moments(x, mean, var, 6 / k + p * p / (k * (1 - p)))
    assert_chi_square(x, negative_binomial_pmf(k, p))


@pytest.mark.parametrize("mu, alpha", [(2.0, 0.3), (1.3, 1.0), (25.0, 0.1)])
def test_generalized_negative_binomial_matches_its_distribution(mu, alpha):
    mx.random.seed(24)
    x = nd.random.generalized_negative_binomial(mu, alpha, shape=(N,), dtype="float64").asnumpy()
    r, p = 1 / alpha, 1 / (1 + alpha * mu)
    assert_moments(x, mu, mu + alpha * mu * mu, 6 / r + p * p / (r * (1 - p)))
    assert_chi_square(x, negative_binomial_pmf(r, p))


def test_negative_binomials_degenerate_cases():
    mx.random.seed(25)
    assert (nd.random.negative_binomial(0, 0.5, shape=(50,)).asnumpy() == 0).all()
    assert (nd.random.negative_binomial(2, 1, shape=(50,)).asnumpy() == 0).all()
    assert (nd.random.generalized_negative_binomial(0, 0.5, shape=(50,)).asnumpy() == 0).all()
    poisson = nd.random.generalized_negative_binomial(3.0, 0, shape=(N,)).asnumpy()
    assert_chi_square(poisson, poisson_pmf(3.0))


def test_multinomial_matches_its_probabilities():
    probs = [0.1, 0.2, 0.3, 0.05, 0.15, 0.2]
    mx.random.seed(26)
    x = nd.random.multinomial(arr(probs), shape=(N,)).asnumpy()
    counts = np.bincount(x, minlength=6)
    chi2 = ((counts - N * np.array(probs)) ** 2 / (N * np.array(probs))).sum()
    assert chi2 < 25.7  # chi-square with 5 degrees of freedom, 1e-4 level


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_multinomial_rows_and_zero_probabilities(dtype):
    probs = np.array([[0.0, 0.25, 0.0, 0.75], [0.5, 0.0, 0.5, 0.0]])
    mx.random.seed(27)
    x = nd.random.multinomial(arr(probs, dtype), shape=(N // 2,)).asnumpy()
    for row, p in zip(x, probs):
        counts = np.bincount(row, minlength=4)
        assert (counts[p == 0] == 0).all()
        nz = p > 0
        expected = row.size * p[nz]
        assert ((counts[nz] - expected) ** 2 / expected).sum() < 15.1  # 1 dof, 1e-4


def test_multinomial_rows_need_not_be_normalized():
    # MXNet's own test_sample_multinomial_num_outputs passes rows summing to 0.625 and 0.375
    probs = np.array([[0.125, 0.25, 0.25], [0.0625, 0.125, 0.1875], [2.0, 2.0, 0.0]])
    mx.random.seed(29)
    x, log_prob = nd.random.multinomial(arr(probs), shape=(N // 2,), get_prob=True)
    x = x.asnumpy()
    np.testing.assert_allclose(
        log_prob.asnumpy(), np.log(np.take_along_axis(probs, x, 1)), rtol=1e-6
    )
    for row, p in zip(x, probs):
        counts = np.bincount(row, minlength=3)
        nz = p > 0
        expected = row.size * p[nz] / p.sum()
        assert (counts[~nz] == 0).all()
        assert ((counts[nz] - expected) ** 2 / expected).sum() < 18.5  # 2 dof, 1e-4


def test_multinomial_log_prob_gradient_is_one_over_p_at_each_sample():
    # MXNet's test_sample_multinomial: r = 5 * log_prob, so dx[k] = sum over samples k of 5/p_k
    for rows in ([[0, 1, 2, 3, 4], [4, 3, 2, 1, 0]], [0, 1, 2, 3, 4]):
        x = nd.array(rows) / 10.0
        x.attach_grad()
        mx.random.seed(28)
        with autograd.record():
            y, prob = nd.random.multinomial(x, shape=10000, get_prob=True)
            r = prob * 5
        r.backward()
        xs = x.asnumpy().reshape(-1, 5)
        ys = y.asnumpy().reshape(len(xs), -1)
        for i in range(len(xs)):
            np.testing.assert_allclose(
                prob.asnumpy().reshape(len(xs), -1)[i], np.log(xs[i][ys[i]]), atol=1e-5
            )
            expected = np.bincount(ys[i], weights=5.0 / xs[i][ys[i]], minlength=5)
            np.testing.assert_allclose(x.grad.asnumpy().reshape(-1, 5)[i], expected, rtol=1e-4)
            freq = np.bincount(ys[i], minlength=5) / ys.shape[1]
            assert np.abs(freq - xs[i]).max() < 0.02
