// The samplers whose number of draws per value varies (gamma, Poisson, negative binomial,
// multinomial) and the per-distribution transforms of nd.random's array-parameter forms.
// Included verbatim by the CPU (samplers.cc) and CUDA (samplers.cu) drivers, so both
// produce the same bits: like philox.h, only integer ops and IEEE +, -, *, /, sqrt and
// floor are used, with our own log and exp.
//
// Counter layout: value i of a draw reads the Philox blocks
//     block = (i << kAttemptBits) + j,  j = 0, 1, 2, ...
// of the draw's stream, so a rejection sampler may take as many words as it needs and a
// value still depends only on (seed, stream, i).
#pragma once
#include <math.h>

#include <cstdint>

#include "philox.h"

namespace gl::philox {

constexpr int kAttemptBits = 24;  // 2^24 blocks (2^26 words) per value; 2^40 values per draw
constexpr uint64_t kAttemptMask = (uint64_t(1) << kAttemptBits) - 1;
// Rejection loops give up (returning NaN) after this many tries; with valid parameters
// the acceptance rate is above 0.9, so this is never reached in practice.
constexpr int kMaxTries = 10000;

// ---- portable exp and log-factorial (+, -, *, /, floor only) --------------------------------

constexpr double kInvLn2 = 0x1.71547652b82fep+0;
constexpr double kHalfLog2Pi = 0x1.d67f1c864beb4p-1;  // 0.5 * ln(2 pi)

// 2^k for an integer k in [-1022, 1023], built from its bits.
GL_HD double pow2_int(int k) {
  const uint64_t bits = static_cast<uint64_t>(k + 1023) << 52;
  double r;
  memcpy(&r, &bits, sizeof r);
  return r;
}

// e^x, within 1 ulp of libm over the normal range; 0 below -745.2, +inf above 709.79.
GL_HD double portable_exp(double x) {
  if (!(x > -745.2)) return x != x ? x : 0.0;  // NaN stays NaN
  if (x > 709.79) return INFINITY;
  // x = k ln2 + r, |r| <= ln2 / 2; k * kLn2Hi is exact for |k| < 2^11.
  const double k = floor(x * kInvLn2 + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  // Taylor series of e^r through r^14 / 14!: the remainder is below 2e-18 for |r| <= ln2/2.
  double p = 1.0 / 87178291200.0;  // 1/14!
  p = p * r + 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const int ki = static_cast<int>(k);
  if (ki >= -1022) return ki > 1023 ? (p * 2.0) * pow2_int(1023) : p * pow2_int(ki);
  return (p * pow2_int(ki + 600)) * pow2_int(-600);  // subnormal result
}

// ln(k!) for an integer k >= 0 given as a double: a table below 10, Stirling's series
// (error below 1e-12) above.
GL_HD double log_factorial(double k) {
  if (k < 10.0) {
    constexpr double kTable[10] = {0.0,
                                   0.0,
                                   0.6931471805599453,
                                   1.791759469228055,
                                   3.1780538303479458,
                                   4.787491742782046,
                                   6.579251212010101,
                                   8.525161361065415,
                                   10.60460290274525,
                                   12.801827480081469};
    return kTable[static_cast<int>(k)];
  }
  const double x = k + 1.0, inv = 1.0 / x, inv2 = inv * inv;
  const double series =
      inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 * (1.0 / 1680.0))));
  return (x - 0.5) * portable_log(x) - x + kHalfLog2Pi + series;
}

// ---- the words of one value -------------------------------------------------------------------

// The word sequence of value `index` of a draw, and the variates built from it.
class ValueStream {
 public:
  GL_HD ValueStream(uint64_t seed, uint64_t stream, uint64_t index)
      : seed_(seed), stream_(stream), first_block_(index << kAttemptBits) {}

  GL_HD uint32_t word() {
    if (used_ == 4) {
      block_words(seed_, stream_, first_block_ + (blocks_++ & kAttemptMask), words_);
      used_ = 0;
    }
    return words_[used_++];
  }
  // (0, 1), 32 bits, never 0 or 1: safe for log.
  GL_HD double open_unit() { return open_unit32(word()); }
  // [0, 1) with 53 bits (two words), or 24 / 11 bits (one word): the resolution of the
  // output dtype, so that rounding to it never reaches 1 (see UniformFn).
  GL_HD double uniform(int bits) {
    if (bits == 53) {
      const uint32_t hi = word();
      const uint32_t lo = word();
      return unit53(hi, lo);
    }
    return bits == 11 ? unit11(word()) : unit24(word());
  }
  // N(0, 1) by Box-Muller; the pair's second value is kept for the next call.
  GL_HD double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const uint32_t w_radius = word();
    const uint32_t w_angle = word();
    double z0, z1;
    box_muller(w_radius, w_angle, &z0, &z1);
    spare_ = z1;
    has_spare_ = true;
    return z0;
  }

 private:
  uint64_t seed_, stream_, first_block_;
  uint64_t blocks_ = 0;
  uint32_t words_[4] = {0, 0, 0, 0};
  int used_ = 4;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// ---- samplers ------------------------------------------------------------------------------

// Gamma(alpha, 1), alpha > 0: Marsaglia and Tsang, "A simple method for generating gamma
// variables" (ACM TOMS 2000), with the boost Gamma(a) = Gamma(a + 1) * U^(1/a) for a < 1.
GL_HD double sample_standard_gamma(ValueStream& rng, double alpha) {
  double boost = 1.0;
  if (alpha < 1.0) {
    boost = portable_exp(portable_log(rng.open_unit()) / alpha);
    alpha += 1.0;
  }
  const double d = alpha - 1.0 / 3.0;
  const double c = 1.0 / sqrt(9.0 * d);
  for (int attempt = 0; attempt < kMaxTries; ++attempt) {
    const double x = rng.normal();
    double v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    const double u = rng.open_unit();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * (x2 * x2) ||
        portable_log(u) < 0.5 * x2 + d * ((1.0 - v) + portable_log(v))) {
      return (d * v) * boost;
    }
  }
  return NAN;
}

// Poisson(lam), lam >= 0: inversion by sequential search below 10; above, Hoermann's
// transformed rejection with squeeze (PTRS, "The transformed rejection method for
// generating Poisson random variables", 1993).
GL_HD double sample_poisson(ValueStream& rng, double lam) {
  if (lam <= 0.0) return 0.0;
  if (lam < 10.0) {
    const double u = rng.open_unit();
    double p = portable_exp(-lam), cdf = p, k = 0.0;
    // The cdf reaches u (<= 1 - 2^-33) long before k = 1000 for lam < 10.
    while (u > cdf && k < 1000.0) {
      k += 1.0;
      p = p * lam / k;
      cdf += p;
    }
    return k;
  }
  const double sqrt_lam = sqrt(lam), log_lam = portable_log(lam);
  const double b = 0.931 + 2.53 * sqrt_lam;
  const double a = -0.059 + 0.02483 * b;
  const double log_inv_alpha = portable_log(1.1239 + 1.1328 / (b - 3.4));
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  for (int attempt = 0; attempt < kMaxTries; ++attempt) {
    const double u = rng.open_unit() - 0.5;
    const double v = rng.open_unit();
    const double us = 0.5 - fabs(u);
    const double k = floor((2.0 * a / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= v_r) return k;
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (portable_log(v) + log_inv_alpha - portable_log(a / (us * us) + b) <=
        -lam + k * log_lam - log_factorial(k)) {
      return k;
    }
  }
  return NAN;
}

// ---- the distributions of nd.random's array-parameter (and *_like) forms ---------------------

enum class SampleKind : int {
  Uniform,                      // a = low, b = high
  Normal,                       // a = loc, b = scale
  Gamma,                        // a = alpha (shape), b = beta (scale)
  ExponentialScale,             // a = scale (nd.random.exponential)
  ExponentialRate,              // a = lam, the rate (exponential_like, sample_exponential)
  Poisson,                      // a = lam
  NegativeBinomial,             // a = k (failures), b = p (success probability)
  GeneralizedNegativeBinomial,  // a = mu (mean), b = alpha (dispersion)
};

// The uniform resolution for output type T: 53 bits for float64, 11 for float16, else 24.
template <typename T>
constexpr int uniform_bits() {
  return sizeof(T) == 8 ? 53 : (sizeof(T) == 2 ? 11 : 24);
}

// One value of `kind` with parameters (a, b); `bits` is the uniform resolution.
GL_HD double sample_value(SampleKind kind, double a, double b, int bits, ValueStream& rng) {
  switch (kind) {
    case SampleKind::Uniform: return a + (b - a) * rng.uniform(bits);
    case SampleKind::Normal: return a + b * rng.normal();
    case SampleKind::Gamma: return sample_standard_gamma(rng, a) * b;
    case SampleKind::ExponentialScale: return -portable_log(rng.open_unit()) * a;
    case SampleKind::ExponentialRate: return -portable_log(rng.open_unit()) / a;
    case SampleKind::Poisson: return sample_poisson(rng, a);
    case SampleKind::NegativeBinomial:
      // Poisson(Gamma(k, (1 - p) / p)): failures before the k-th success.
      if (a == 0.0 || b == 1.0) return 0.0;
      return sample_poisson(rng, sample_standard_gamma(rng, a) * ((1.0 - b) / b));
    case SampleKind::GeneralizedNegativeBinomial:
      // Poisson(Gamma(1 / alpha, alpha * mu)): mean mu, variance mu + alpha mu^2.
      if (a == 0.0) return 0.0;
      if (b == 0.0) return sample_poisson(rng, a);
      return sample_poisson(rng, sample_standard_gamma(rng, 1.0 / b) * (b * a));
  }
  return NAN;
}

// Parameters and layout of one sampling call: value i uses parameter index i / per_param,
// read from `a`/`b` (float64 arrays) or, where those are null, the scalars a0/b0.
struct SampleArgs {
  SampleKind kind = SampleKind::Uniform;
  const double* a = nullptr;
  const double* b = nullptr;
  double a0 = 0, b0 = 0;
  int64_t per_param = 1;
  uint64_t seed = 0, stream = 0;
};

template <typename T>
GL_HD T sample_at(const SampleArgs& s, int64_t i) {
  const int64_t p = i / s.per_param;
  const double a = s.a ? s.a[p] : s.a0;
  const double b = s.b ? s.b[p] : s.b0;
  ValueStream rng(s.seed, s.stream, static_cast<uint64_t>(i));
  return T(static_cast<acc_t<T>>(sample_value(s.kind, a, b, uniform_bits<T>(), rng)));
}

// ---- multinomial -----------------------------------------------------------------------------

// The running sums of one row of probabilities into cdf[0, k) and their total into *total.
// Returns the index of the first negative or non-finite probability, or -1 when there is
// none (only then are cdf and total complete).
template <typename P>
GL_HD int64_t build_cdf(const P* probs, int64_t k, double* cdf, double* total) {
  double sum = 0.0;
  for (int64_t j = 0; j < k; ++j) {
    const double p = static_cast<double>(static_cast<acc_t<P>>(probs[j]));
    if (!(p >= 0.0) || p > 1.7976931348623157e308) return j;
    sum += p;
    cdf[j] = sum;
  }
  *total = sum;
  return -1;
}

// The category of a uniform u in [0, 1) under the row's cdf: the first j with
// cdf[j] > u * total (or, should u * total round up to the total, the first j reaching it).
// Either way only categories with a non-zero probability are returned.
GL_HD int64_t pick_category(const double* cdf, int64_t k, double u) {
  const double total = cdf[k - 1];
  const double target = u * total;
  const bool at_top = target >= total;
  int64_t lo = 0, hi = k - 1;  // cdf[hi] = total satisfies the test below
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (at_top ? cdf[mid] >= total : cdf[mid] > target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

// Sample i of a multinomial draw: row i / per_row of `cdf` (rows of k), 53-bit uniform
// scaled by the row's total, so rows need not be normalized.
struct MultinomialArgs {
  const double* cdf = nullptr;
  int64_t k = 1, per_row = 1;
  uint64_t seed = 0, stream = 0;
};

GL_HD int64_t multinomial_at(const MultinomialArgs& m, int64_t i, int64_t* row_out) {
  const int64_t row = i / m.per_row;
  ValueStream rng(m.seed, m.stream, static_cast<uint64_t>(i));
  *row_out = row;
  return pick_category(m.cdf + row * m.k, m.k, rng.uniform(53));
}

}  // namespace gl::philox
