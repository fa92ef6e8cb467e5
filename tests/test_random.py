"""The Philox generator and the fills built on it (csrc/random/).

The core of these tests is a pure-numpy reimplementation of the exact algorithm
(Philox4x32-10, the counter layout, and the uniform / Box-Muller / randint / Fisher-Yates
transforms, with the same float64 operations in the same order). gluonlite's CPU output must
equal it bit for bit, and its GPU output must equal the CPU's: that is the guarantee that
one seed gives the same values on every device.
"""

import math
import os
import subprocess
import sys

import numpy as np
import pytest

import gluonlite as mx
from gluonlite import _core, autograd, nd

requires_gpu = pytest.mark.skipif(mx.context.num_gpus() == 0, reason="no CUDA GPU available")

# ---- numpy reference of csrc/random/philox.h ----------------------------------------------------

_MASK32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_ROUND_MUL = (np.uint64(0xD2511F53), np.uint64(0xCD9E8D57))
_KEY_BUMP = (0x9E3779B9, 0xBB67AE85)


def ref_philox4x32_10(ctr, key):
    """Philox4x32-10 on arrays: ctr is 4 arrays of uint32 values, key two ints."""
    c0, c1, c2, c3 = (np.asarray(c, dtype=np.uint64) for c in ctr)
    k0, k1 = int(key[0]), int(key[1])
    for rnd in range(10):
        if rnd:
            k0 = (k0 + _KEY_BUMP[0]) & 0xFFFFFFFF
            k1 = (k1 + _KEY_BUMP[1]) & 0xFFFFFFFF
        p0 = c0 * _ROUND_MUL[0]
        p1 = c2 * _ROUND_MUL[1]
        c0, c1, c2, c3 = (
            (p1 >> _S32) ^ c1 ^ np.uint64(k0),
            p1 & _MASK32,
            (p0 >> _S32) ^ c3 ^ np.uint64(k1),
            p0 & _MASK32,
        )
    return [c.astype(np.uint32) for c in (c0, c1, c2, c3)]


def ref_words(seed, stream, nblocks):
    """(nblocks, 4) uint32: counter blocks 0 .. nblocks-1 of fill number `stream`."""
    block = np.arange(nblocks, dtype=np.uint64)
    ctr = (
        block & _MASK32,
        block >> _S32,
        np.full(nblocks, stream & 0xFFFFFFFF, np.uint64),
        np.full(nblocks, stream >> 32, np.uint64),
    )
    return np.stack(ref_philox4x32_10(ctr, (seed & 0xFFFFFFFF, seed >> 32)), axis=1)


LN2_HI = float.fromhex("0x1.62e42fee00000p-1")
LN2_LO = float.fromhex("0x1.a39ef35793c76p-33")
SQRT2 = float.fromhex("0x1.6a09e667f3bcdp+0")
PI_OVER_4 = float.fromhex("0x1.921fb54442d18p-1")


def ref_log(x):
    x = np.asarray(x, dtype=np.float64)
    bits = x.view(np.uint64)
    e = ((bits >> np.uint64(52)) & np.uint64(0x7FF)).astype(np.int64) - 1023
    m = ((bits & np.uint64(0x000FFFFFFFFFFFFF)) | np.uint64(0x3FF0000000000000)).view(np.float64)
    big = m > SQRT2
    m = np.where(big, m * 0.5, m)
    e = np.where(big, e + 1, e)
    s = (m - 1.0) / (m + 1.0)
    s2 = s * s
    p = np.full_like(s, 1.0 / 23.0)
    for k in (21, 19, 17, 15, 13, 11, 9, 7, 5, 3):
        p = p * s2 + 1.0 / k
    log_m = 2.0 * s + (2.0 * s) * (s2 * p)
    de = e.astype(np.float64)
    return de * LN2_HI + (de * LN2_LO + log_m)


def _ref_sincos_small(x):
    x2 = x * x
    ps = np.full_like(x, -1.0 / 355687428096000.0)
    for c in (
        1.0 / 1307674368000.0,
        -1.0 / 6227020800.0,
        1.0 / 39916800.0,
        -1.0 / 362880.0,
        1.0 / 5040.0,
        -1.0 / 120.0,
        1.0 / 6.0,
    ):
        ps = ps * x2 + c
    pc = np.full_like(x, 1.0 / 20922789888000.0)
    for c in (
        -1.0 / 87178291200.0,
        1.0 / 479001600.0,
        -1.0 / 3628800.0,
        1.0 / 40320.0,
        -1.0 / 720.0,
        1.0 / 24.0,
    ):
        pc = pc * x2 + c
    return x - (x * x2) * ps, (1.0 - 0.5 * x2) + (x2 * x2) * pc


def ref_sincos_turn32(w):
    """sin and cos of 2*pi * w / 2^32."""
    w = np.asarray(w, dtype=np.uint64)
    octant = w >> np.uint64(29)
    within = w & np.uint64(0x1FFFFFFF)
    odd = (octant & np.uint64(1)) == 1
    steps = np.where(odd, np.uint64(0x20000000) - within, within).astype(np.float64)
    sx, cx = _ref_sincos_small(steps * (PI_OVER_4 * 2.0**-29))
    sx = np.where(odd, -sx, sx)
    q = ((octant + np.uint64(1)) >> np.uint64(1)) & np.uint64(3)
    sin_a = np.select([q == 0, q == 1, q == 2], [sx, cx, -sx], -cx)
    cos_a = np.select([q == 0, q == 1, q == 2], [cx, -sx, -cx], sx)
    return sin_a, cos_a


def _open_unit32(w):
    return (w.astype(np.float64) + 0.5) * 2.0**-32


def _ref_box_muller(w_radius, w_angle):
    radius = np.sqrt(-2.0 * ref_log(_open_unit32(w_radius)))
    s, c = ref_sincos_turn32(w_angle)
    return radius * c, radius * s


def _round_to(v, dtype):
    dtype = np.dtype(dtype)
    if dtype == np.float16:  # the core rounds float16 through float32
        return v.astype(np.float32).astype(np.float16)
    return v.astype(dtype)


def ref_uniform(seed, stream, n, low, high, dtype):
    dtype = np.dtype(dtype)
    if dtype == np.float64:  # 53 bits from two words
        w = ref_words(seed, stream, (n + 1) // 2).astype(np.uint64).reshape(-1, 2)
        top53 = (w[:, 0] << np.uint64(21)) | (w[:, 1] >> np.uint64(11))
        u = top53.astype(np.float64) * 2.0**-53
    else:  # one word: 24 bits
        w = ref_words(seed, stream, (n + 3) // 4).reshape(-1)
        u = (w >> np.uint32(8)).astype(np.float64) * 2.0**-24
    if dtype == np.float16:  # through float32, then rounded down to float16
        f = (low + (high - low) * u[:n]).astype(np.float32)
        h = f.astype(np.float16)
        above = h.astype(np.float32) > f
        h[above] = np.nextafter(h[above], np.float16(-np.inf))
        return h
    return _round_to(low + (high - low) * u[:n], dtype)


def ref_standard_normal(seed, stream, n):
    """float64 z of a normal fill: words (0, 1) and (2, 3) of each block are Box-Muller pairs."""
    w = ref_words(seed, stream, (n + 3) // 4)
    z0, z1 = _ref_box_muller(w[:, 0], w[:, 1])
    z2, z3 = _ref_box_muller(w[:, 2], w[:, 3])
    return np.stack([z0, z1, z2, z3], axis=1).reshape(-1)[:n]


def ref_normal(seed, stream, n, loc, scale, dtype):
    return _round_to(loc + scale * ref_standard_normal(seed, stream, n), dtype)


def _mulhi64(a, b):
    a_lo, a_hi = a & _MASK32, a >> _S32
    b_lo, b_hi = b & _MASK32, b >> _S32
    lo_lo, hi_lo, lo_hi = a_lo * b_lo, a_hi * b_lo, a_lo * b_hi
    cross = (lo_lo >> _S32) + (hi_lo & _MASK32) + lo_hi
    return a_hi * b_hi + (hi_lo >> _S32) + (cross >> _S32)


def ref_randint(seed, stream, n, low, high, dtype):
    span = np.uint64((high - low) % 2**64)
    base = np.uint64(low % 2**64)
    with np.errstate(over="ignore"):
        if np.dtype(dtype) == np.int64:  # 64 bits from two words
            w = ref_words(seed, stream, (n + 1) // 2).astype(np.uint64).reshape(-1, 2)
            x = (w[:, 0] << _S32) | w[:, 1]
            v = base + _mulhi64(x, np.full_like(x, span))
        else:
            w = ref_words(seed, stream, (n + 3) // 4).reshape(-1).astype(np.uint64)
            v = base + ((w * span) >> _S32)
    return v[:n].view(np.int64).astype(dtype)


def ref_permutation(seed, stream, n):
    """Fisher-Yates: value i (64 bits: block i//2, words 2(i%2), 2(i%2)+1) picks j in [0, i]."""
    perm = list(range(n))
    if n > 1:
        w = ref_words(seed, stream, (n + 1) // 2).astype(np.uint64).reshape(-1, 2)
        for i in range(n - 1, 0, -1):
            j = ((int(w[i, 0]) << 32 | int(w[i, 1])) * (i + 1)) >> 64
            perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm)


def ref_dropout_mask(seed, stream, n, p, dtype):
    w = ref_words(seed, stream, (n + 3) // 4).reshape(-1)[:n]
    kept = (w >> np.uint32(8)).astype(np.float64) * 2.0**-24 >= p
    return np.where(kept, _round_to(np.float64(1.0 / (1.0 - p)), dtype), 0).astype(dtype)


def assert_same_bits(got, expected):
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    mismatch = got.reshape(-1).view(np.uint8) != expected.reshape(-1).view(np.uint8)
    assert not mismatch.any(), (
        f"{mismatch.sum()} bytes differ; first values "
        f"{got.reshape(-1)[:4]} vs {expected.reshape(-1)[:4]}"
    )


# ---- Philox itself ------------------------------------------------------------------------------

# Random123's kat_vectors for philox4x32 with 10 rounds (also in TensorFlow's
# stateful_random_ops_test.py, which cites Random123-Boost's test_philox.cpp).
KAT = [
    (
        (0x00000000, 0x00000000, 0x00000000, 0x00000000),
        (0x00000000, 0x00000000),
        (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8),
    ),
    (
        (0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF),
        (0xFFFFFFFF, 0xFFFFFFFF),
        (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD),
    ),
    (
        (0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344),
        (0xA4093822, 0x299F31D0),
        (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1),
    ),
]


@pytest.mark.parametrize("ctr,key,expected", KAT)
def test_reference_philox_matches_random123_known_answers(ctr, key, expected):
    out = ref_philox4x32_10([[c] for c in ctr], key)
    assert [int(o[0]) for o in out] == list(expected)


@pytest.mark.parametrize("ctr,key,expected", KAT)
def test_core_philox_matches_random123_known_answers(ctr, key, expected):
    assert list(mx._core.philox4x32_10(list(ctr), list(key))) == list(expected)


def test_seed_zero_first_block_is_the_zero_known_answer():
    # key = seed, counter = (block, stream): the first four words after seed(0) are KAT #1.
    mx.random.seed(0)
    x = nd.random.randint(-(2**62), 2**62, shape=(2,), dtype="int64").asnumpy()
    assert_same_bits(x, ref_randint(0, 0, 2, -(2**62), 2**62, np.int64))
    w = ref_words(0, 0, 1)[0]
    assert [int(v) for v in w] == list(KAT[0][2])


# ---- bit-exact agreement with the reference -----------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_uniform_bits_match_reference(dtype):
    mx.random.seed(20240611)
    x = nd.random.uniform(-2.0, 3.0, shape=(1001,), dtype=dtype).asnumpy()
    y = nd.random.uniform(0.0, 1.0, shape=(3, 7), dtype=dtype).asnumpy()
    assert_same_bits(x, ref_uniform(20240611, 0, 1001, -2.0, 3.0, dtype))
    assert_same_bits(y, ref_uniform(20240611, 1, 21, 0.0, 1.0, dtype).reshape(3, 7))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_normal_bits_match_reference(dtype):
    mx.random.seed(7)
    x = nd.random.normal(1.5, 2.0, shape=(4099,), dtype=dtype).asnumpy()
    assert_same_bits(x, ref_normal(7, 0, 4099, 1.5, 2.0, dtype))


@pytest.mark.parametrize(
    "dtype,low,high",
    [
        ("int32", -7, 1000),
        ("int32", -(2**31), 2**31 - 1),
        ("int64", -5, 5),
        ("int64", -(2**62), 2**62),
    ],
)
def test_randint_bits_match_reference(dtype, low, high):
    mx.random.seed(99)
    x = nd.random.randint(low, high, shape=(1003,), dtype=dtype).asnumpy()
    assert_same_bits(x, ref_randint(99, 0, 1003, low, high, dtype))


def test_shuffle_matches_reference_permutation_and_moves_whole_rows():
    data = np.arange(37 * 3, dtype=np.float32).reshape(37, 3)
    mx.random.seed(5)
    out = nd.random.shuffle(nd.array(data)).asnumpy()
    perm = ref_permutation(5, 0, 37)
    assert sorted(perm.tolist()) == list(range(37))
    assert_same_bits(out, data[perm])


def test_shuffle_of_a_non_contiguous_array():
    base = nd.array(np.arange(40, dtype=np.float32).reshape(8, 5))
    view = base[:, 1:4]
    mx.random.seed(11)
    out = nd.random.shuffle(view).asnumpy()
    assert_same_bits(out, base.asnumpy()[:, 1:4][ref_permutation(11, 0, 8)])


def test_successive_fills_use_successive_streams():
    mx.random.seed(3)
    a = nd.random.uniform(shape=(10,)).asnumpy()
    b = nd.random.normal(shape=(10,)).asnumpy()
    c = nd.random.uniform(shape=(10,)).asnumpy()
    assert_same_bits(a, ref_uniform(3, 0, 10, 0.0, 1.0, np.float32))
    assert_same_bits(b, ref_normal(3, 1, 10, 0.0, 1.0, np.float32))
    assert_same_bits(c, ref_uniform(3, 2, 10, 0.0, 1.0, np.float32))


# ---- the portable log / sin / cos ---------------------------------------------------------------


def test_portable_log_is_within_one_ulp_of_libm():
    w = np.concatenate(
        [
            np.random.default_rng(0).integers(0, 2**32, 200_000, dtype=np.uint64),
            np.arange(4096, dtype=np.uint64),
            2**32 - 1 - np.arange(4096, dtype=np.uint64),
        ]
    )
    x = _open_unit32(w)
    exact = np.log(x)
    err_ulp = np.abs(ref_log(x) - exact) / np.spacing(np.abs(exact))
    assert err_ulp.max() <= 1.0


def test_portable_sincos_matches_libm():
    w = np.concatenate(
        [
            np.random.default_rng(1).integers(0, 2**32, 200_000, dtype=np.uint64),
            np.arange(0, 2**32, 2**27, dtype=np.uint64),  # octant edges
            np.arange(2**29 - 64, 2**29 + 64, dtype=np.uint64),
        ]
    )
    s, c = ref_sincos_turn32(w)
    angle = w.astype(np.float64) * (2 * np.pi / 2**32)  # itself rounded: ~4e-16 at 2*pi
    np.testing.assert_allclose(s, np.sin(angle), rtol=0, atol=1e-15)
    np.testing.assert_allclose(c, np.cos(angle), rtol=0, atol=1e-15)
    q = np.array([0, 2**30, 2**31, 3 * 2**30], dtype=np.uint64)  # exact at quarter turns
    s, c = ref_sincos_turn32(q)
    assert s.tolist() == [0.0, 1.0, 0.0, -1.0] and c.tolist() == [1.0, 0.0, -1.0, 0.0]


def test_normal_values_agree_with_libm_box_muller():
    mx.random.seed(123)
    got = nd.random.normal(shape=(20_000,), dtype="float64").asnumpy()
    w = ref_words(123, 0, 5000)
    radius = np.sqrt(-2.0 * np.log(_open_unit32(w[:, 0::2])))
    angle = w[:, 1::2].astype(np.float64) * (2 * np.pi / 2**32)
    libm = np.stack(
        [
            radius[:, 0] * np.cos(angle[:, 0]),
            radius[:, 0] * np.sin(angle[:, 0]),
            radius[:, 1] * np.cos(angle[:, 1]),
            radius[:, 1] * np.sin(angle[:, 1]),
        ],
        1,
    )
    np.testing.assert_allclose(got, libm.reshape(-1), rtol=1e-14, atol=1e-14)


# ---- statistics (fixed seeds: deterministic, not flaky) -----------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_uniform_stays_in_bounds_with_right_moments(dtype):
    mx.random.seed(1)
    n = 1_000_000
    x = nd.random.uniform(-1.5, 2.5, shape=(n,), dtype=dtype).asnumpy().astype(np.float64)
    assert x.min() >= -1.5 and x.max() < 2.5
    assert abs(x.mean() - 0.5) < 5 * 4 / math.sqrt(12 * n)
    assert abs(x.var() - 16 / 12) < 0.01
    counts = np.histogram(x, bins=20, range=(-1.5, 2.5))[0]
    chi2 = ((counts - n / 20) ** 2 / (n / 20)).sum()
    assert chi2 < 43.8  # 99.9th percentile of chi-square with 19 degrees of freedom


def test_uniform_float16_never_reaches_high():
    mx.random.seed(2)
    x = nd.random.uniform(0, 1, shape=(200_000,), dtype="float16").asnumpy()
    assert x.min() >= 0 and x.max() < 1
    # 24-bit draws rounded down: values below 2^-11 occur (about 1 in 2048 draws) and an
    # exact 0 essentially never (p = 2^-24 per draw), as when MXNet rounds float32 draws
    assert (x == 0).sum() == 0
    small = x[x < 2.0**-11]
    assert 40 < small.size < 160 and np.unique(small).size > 10
    y = nd.random.uniform(-1, 0, shape=(100_000,), dtype="float16").asnumpy()
    assert y.min() >= -1 and y.max() < 0


def test_normal_moments_and_kolmogorov_smirnov():
    mx.random.seed(4)
    n = 200_000
    x = np.sort(nd.random.normal(0, 1, shape=(n,), dtype="float64").asnumpy())
    assert abs(x.mean()) < 5 / math.sqrt(n)
    assert abs(x.std() - 1) < 0.01
    cdf = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x])
    ks = max((np.arange(1, n + 1) / n - cdf).max(), (cdf - np.arange(n) / n).max())
    assert ks < 1.95 / math.sqrt(n)  # 0.1 % critical value


def test_normal_loc_and_scale():
    mx.random.seed(6)
    x = nd.random.normal(loc=10, scale=0.5, shape=(100_000,)).asnumpy()
    assert abs(x.mean() - 10) < 0.01 and abs(x.std() - 0.5) < 0.01
    assert (nd.random.normal(loc=3, scale=0, shape=(5,)).asnumpy() == 3).all()


def test_randint_covers_its_range_uniformly():
    mx.random.seed(8)
    x = nd.random.randint(-3, 7, shape=(100_000,)).asnumpy()
    assert x.dtype == np.int32
    assert x.min() == -3 and x.max() == 6
    counts = np.bincount(x + 3, minlength=10)
    assert ((counts - 10_000) ** 2 / 10_000).sum() < 27.9  # chi-square, 9 dof, 99.9 %


# ---- reproducibility ----------------------------------------------------------------------------


def test_same_seed_same_bits_different_seed_different_bits():
    mx.random.seed(42)
    a = nd.random.normal(shape=(64,)).asnumpy()
    mx.random.seed(42)
    b = nd.random.normal(shape=(64,)).asnumpy()
    mx.random.seed(43)
    c = nd.random.normal(shape=(64,)).asnumpy()
    assert_same_bits(a, b)
    assert not np.array_equal(a, c)


def test_successive_draws_differ():
    mx.random.seed(42)
    a = nd.random.uniform(shape=(64,)).asnumpy()
    b = nd.random.uniform(shape=(64,)).asnumpy()
    assert not np.array_equal(a, b)


@pytest.mark.parametrize(
    "draw",
    [
        lambda s: nd.random.uniform(shape=s),
        lambda s: nd.random.normal(shape=s),
        lambda s: nd.random.randint(0, 100, shape=s),
    ],
)
def test_values_depend_on_element_index_not_shape(draw):
    mx.random.seed(17)
    flat = draw((1000,)).asnumpy()
    mx.random.seed(17)
    square = draw((10, 100)).asnumpy()
    assert_same_bits(square.reshape(-1), flat)


def test_fill_into_a_non_contiguous_out_uses_row_major_order():
    base = nd.zeros((3, 4))
    view = _core.transpose(base, None)  # a (4, 3) view of base (x.T copies, as in MXNet)
    assert not view._is_contiguous
    mx.random.seed(9)
    nd.random.uniform(shape=view.shape, out=view)
    assert_same_bits(
        base.asnumpy().T.copy(), ref_uniform(9, 0, 12, 0.0, 1.0, np.float32).reshape(4, 3)
    )


def test_default_seed_differs_between_processes():
    # MXNet seeds every process identically (mxnet#7410); gluonlite draws a start-up seed.
    code = (
        "from gluonlite import _core, nd; print(nd.random.uniform(shape=(4,)).asnumpy().tolist())"
    )
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(mx.__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=env,
            cwd=root,
            check=True,
        ).stdout
        for _ in range(2)
    ]
    assert runs[0] != runs[1]


# ---- argument checks ----------------------------------------------------------------------------


def test_bad_arguments_raise_named_errors():
    with pytest.raises(ValueError, match=r"uniform: need finite low <= high, got low=2, high=1"):
        nd.random.uniform(2, 1, shape=(3,))
    with pytest.raises(ValueError, match=r"normal: scale must be finite and >= 0, got scale=-1"):
        nd.random.normal(0, -1, shape=(3,))
    with pytest.raises(ValueError, match=r"randint: low must be less than high, got low=5, high=5"):
        nd.random.randint(5, 5, shape=(3,))
    with pytest.raises(ValueError, match=r"does not fit dtype int32; use dtype='int64'"):
        nd.random.randint(0, 2**40, shape=(3,), dtype="int32")
    with pytest.raises(TypeError, match=r"uniform: dtype int32 is not supported"):
        nd.random.uniform(shape=(3,), dtype="int32")
    with pytest.raises(TypeError, match=r"randint: dtype float32 is not supported"):
        nd.random.randint(0, 3, shape=(3,), dtype="float32")


def test_a_failed_call_does_not_advance_the_stream():
    mx.random.seed(10)
    with pytest.raises(ValueError):
        nd.random.uniform(2, 1, shape=(3,))
    with pytest.raises(TypeError):
        nd.random.uniform(shape=(3,), dtype="int32")
    assert_same_bits(
        nd.random.uniform(shape=(5,)).asnumpy(), ref_uniform(10, 0, 5, 0.0, 1.0, np.float32)
    )


# ---- dropout ------------------------------------------------------------------------------------


def test_dropout_keeps_scaled_values_and_matches_reference_mask():
    x_np = np.random.default_rng(0).standard_normal((50, 40)).astype(np.float32)
    x = nd.array(x_np)
    mx.random.seed(12)
    with autograd.record(train_mode=True):
        y = nd.Dropout(x, p=0.3)
    mask = ref_dropout_mask(12, 0, 2000, 0.3, np.float32).reshape(50, 40)
    assert_same_bits(y.asnumpy(), x_np * mask)
    kept = (mask != 0).mean()
    assert abs(kept - 0.7) < 0.03


def test_dropout_gradient_is_the_scaled_mask():
    x = nd.array(np.random.default_rng(1).standard_normal((1000,)).astype(np.float32))
    x.attach_grad()
    mx.random.seed(13)
    with autograd.record(train_mode=True):
        y = nd.Dropout(x, p=0.5)
        loss = (y * 3).sum()
    loss.backward()
    mask = ref_dropout_mask(13, 0, 1000, 0.5, np.float32)
    assert set(np.unique(mask).tolist()) == {0.0, 2.0}
    assert_same_bits(x.grad.asnumpy(), 3 * mask)


def test_dropout_is_identity_outside_training():
    x = nd.array([[1.0, 2.0], [3.0, 4.0]])
    assert_same_bits(nd.Dropout(x, p=0.5).asnumpy(), x.asnumpy())
    with autograd.record(train_mode=False):
        assert_same_bits(nd.Dropout(x, p=0.5).asnumpy(), x.asnumpy())


def test_dropout_p_zero_passes_everything_through():
    x = nd.array([1.0, -2.0, 3.0])
    with autograd.record(train_mode=True):
        assert_same_bits(nd.Dropout(x, p=0.0).asnumpy(), x.asnumpy())


@pytest.mark.parametrize("p", [1.0, 1.5, -0.1])
def test_dropout_rejects_p_outside_unit_interval(p):
    with autograd.record(train_mode=True):
        with pytest.raises(ValueError, match=r"Dropout: p must be in \[0, 1\), got p="):
            nd.Dropout(nd.ones((4,)), p=p)


# ---- GPU: the same bits as the CPU --------------------------------------------------------------

GPU_FILLS = {
    "uniform32": lambda ctx: nd.random.uniform(-1, 2, shape=(1001, 3), ctx=ctx),
    "uniform64": lambda ctx: nd.random.uniform(shape=(2001,), dtype="float64", ctx=ctx),
    "uniform16": lambda ctx: nd.random.uniform(shape=(999,), dtype="float16", ctx=ctx),
    "normal32": lambda ctx: nd.random.normal(0.5, 3, shape=(100_003,), ctx=ctx),
    "normal64": lambda ctx: nd.random.normal(shape=(100_003,), dtype="float64", ctx=ctx),
    "normal16": lambda ctx: nd.random.normal(shape=(4097,), dtype="float16", ctx=ctx),
    "randint32": lambda ctx: nd.random.randint(-50, 50, shape=(1001,), ctx=ctx),
    "randint64": lambda ctx: nd.random.randint(
        -(2**62), 2**62, shape=(1001,), dtype="int64", ctx=ctx
    ),
}


@requires_gpu
@pytest.mark.parametrize("name", sorted(GPU_FILLS))
def test_gpu_fill_is_bit_identical_to_cpu(name):
    mx.random.seed(2024)
    cpu = GPU_FILLS[name](mx.cpu()).asnumpy()
    mx.random.seed(2024)
    gpu = GPU_FILLS[name](mx.gpu(0)).asnumpy()
    assert_same_bits(gpu, cpu)


@requires_gpu
def test_gpu_fill_into_non_contiguous_out_matches_cpu():
    results = []
    for ctx in (mx.cpu(), mx.gpu(0)):
        x = nd.zeros((6, 8), ctx=ctx)
        mx.random.seed(31)
        nd.random.normal(shape=(6, 3), out=x[:, 2:5])
        results.append(x.asnumpy())
    assert_same_bits(results[1], results[0])


@requires_gpu
def test_gpu_shuffle_and_dropout_match_cpu():
    data = np.arange(300, dtype=np.float32).reshape(100, 3)
    outs = []
    for ctx in (mx.cpu(), mx.gpu(0)):
        mx.random.seed(77)
        shuffled = nd.random.shuffle(nd.array(data, ctx=ctx)).asnumpy()
        x = nd.array(data, ctx=ctx)
        x.attach_grad()
        with autograd.record(train_mode=True):
            y = nd.Dropout(x, p=0.25)
        y.backward()
        outs.append((shuffled, y.asnumpy(), x.grad.asnumpy()))
    for cpu, gpu in zip(outs[0], outs[1]):
        assert_same_bits(gpu, cpu)
    assert_same_bits(outs[0][0], data[ref_permutation(77, 0, 100)])
