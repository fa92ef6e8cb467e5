// The one random-number generator, Philox4x32-10 (Salmon et al., "Parallel Random Numbers:
// As Easy as 1, 2, 3", SC11), and the transforms from its 32-bit words to uniform, normal,
// integer and dropout-mask values. Included verbatim by the CPU (random.cc) and CUDA
// (random.cu) kernels.
//
// Reproducibility contract: a fill draws its words from
//     key = seed (two 32-bit halves), counter = (block lo, block hi, stream lo, stream hi)
// where `stream` counts fill calls since seed() and element i of the fill reads block
// i / kPerBlock. So a value depends only on (seed, stream, i), never on threads or launch
// geometry. The transforms use integer ops and IEEE double +, -, *, / and sqrt only (our
// own log and sin/cos, since libm and libdevice differ in the last ulp), compiled without
// FMA contraction on both sides, so CPU and GPU produce the same bits.
#pragma once
#include <math.h>

#include <cstdint>
#include <cstring>

#include "../core/dtype.h"

namespace gl::philox {

// ---- the generator ------------------------------------------------------------------------

constexpr uint32_t kRoundMul0 = 0xD2511F53u, kRoundMul1 = 0xCD9E8D57u;
constexpr uint32_t kKeyBump0 = 0x9E3779B9u, kKeyBump1 = 0xBB67AE85u;  // golden ratio, sqrt(3)-1

// Philox4x32 with 10 rounds, exactly Random123's philox4x32_R(10, ctr, key).
GL_HD void philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
  uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
  uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += kKeyBump0;
      k1 += kKeyBump1;
    }
    const uint64_t p0 = static_cast<uint64_t>(kRoundMul0) * c0;
    const uint64_t p1 = static_cast<uint64_t>(kRoundMul1) * c2;
    const uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1 ^ k0;
    const uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3 ^ k1;
    c1 = static_cast<uint32_t>(p1);
    c3 = static_cast<uint32_t>(p0);
    c0 = n0;
    c2 = n2;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

// The four words of counter block `block` of fill number `stream` under `seed`.
GL_HD void block_words(uint64_t seed, uint64_t stream, uint64_t block, uint32_t out[4]) {
  const uint32_t ctr[4] = {static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32),
                           static_cast<uint32_t>(stream), static_cast<uint32_t>(stream >> 32)};
  const uint32_t key[2] = {static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)};
  philox4x32_10(ctr, key, out);
}

// ---- words to unit floats (all exact: the integer fits the double's mantissa) --------------

// [0, 1) with 24 bits: the float32 resolution, so float32(low + span * u) stays below 1
// for the unit interval.
GL_HD double unit24(uint32_t w) { return static_cast<double>(w >> 8) * 0x1p-24; }
// [0, 1) with 11 bits, for float16 outputs: every value is a half, so none rounds up to 1.
GL_HD double unit11(uint32_t w) { return static_cast<double>(w >> 21) * 0x1p-11; }
// [0, 1) with 53 bits, for float64 outputs: the top 53 bits of the 64-bit word (hi, lo).
GL_HD double unit53(uint32_t hi, uint32_t lo) {
  return static_cast<double>((static_cast<uint64_t>(hi) << 21) | (lo >> 11)) * 0x1p-53;
}
// (0, 1) with 32 bits, centred in its cell: never 0, so its log is finite.
GL_HD double open_unit32(uint32_t w) { return (static_cast<double>(w) + 0.5) * 0x1p-32; }

// ---- portable elementary functions (+, -, *, /, sqrt only) --------------------------------

// ln 2 split so that e * kLn2Hi is exact for |e| < 2^11 (the fdlibm constants).
constexpr double kLn2Hi = 0x1.62e42fee00000p-1;
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
constexpr double kSqrt2 = 0x1.6a09e667f3bcdp+0;
constexpr double kPiOver4 = 0x1.921fb54442d18p-1;

// Natural log of a positive normal double; within 1 ulp of libm on (0, 1) (tested).
GL_HD double portable_log(double x) {
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)]
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  int e = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  bits = (bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
  double m;
  memcpy(&m, &bits, sizeof m);
  if (m > kSqrt2) {
    m = m * 0.5;
    e = e + 1;
  }
  // ln m = 2 atanh(s) = 2s (1 + s^2/3 + s^4/5 + ...), s = (m-1)/(m+1), |s| <= 0.1716;
  // the terms through s^22/23 leave an error below 1e-18.
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double p = 1.0 / 23.0;
  p = p * s2 + 1.0 / 21.0;
  p = p * s2 + 1.0 / 19.0;
  p = p * s2 + 1.0 / 17.0;
  p = p * s2 + 1.0 / 15.0;
  p = p * s2 + 1.0 / 13.0;
  p = p * s2 + 1.0 / 11.0;
  p = p * s2 + 1.0 / 9.0;
  p = p * s2 + 1.0 / 7.0;
  p = p * s2 + 1.0 / 5.0;
  p = p * s2 + 1.0 / 3.0;
  const double log_m = 2.0 * s + (2.0 * s) * (s2 * p);
  const double de = static_cast<double>(e);
  return de * kLn2Hi + (de * kLn2Lo + log_m);
}

// sin and cos of x in [0, pi/4] by their Taylor series (error below 1e-18 there).
GL_HD void sincos_small(double x, double* sin_x, double* cos_x) {
  const double x2 = x * x;
  double ps = -1.0 / 355687428096000.0;  // -1/17!
  ps = ps * x2 + 1.0 / 1307674368000.0;  // 1/15!
  ps = ps * x2 - 1.0 / 6227020800.0;     // 1/13!
  ps = ps * x2 + 1.0 / 39916800.0;       // 1/11!
  ps = ps * x2 - 1.0 / 362880.0;         // 1/9!
  ps = ps * x2 + 1.0 / 5040.0;           // 1/7!
  ps = ps * x2 - 1.0 / 120.0;            // 1/5!
  ps = ps * x2 + 1.0 / 6.0;              // 1/3!  (sin = x - x^3 * ps)
  double pc = 1.0 / 20922789888000.0;    // 1/16!
  pc = pc * x2 - 1.0 / 87178291200.0;    // 1/14!
  pc = pc * x2 + 1.0 / 479001600.0;      // 1/12!
  pc = pc * x2 - 1.0 / 3628800.0;        // 1/10!
  pc = pc * x2 + 1.0 / 40320.0;          // 1/8!
  pc = pc * x2 - 1.0 / 720.0;            // 1/6!
  pc = pc * x2 + 1.0 / 24.0;             // 1/4!  (cos = 1 - x^2/2 + x^4 * pc)
  *sin_x = x - (x * x2) * ps;
  *cos_x = (1.0 - 0.5 * x2) + (x2 * x2) * pc;
}

// sin and cos of the angle 2*pi * w / 2^32. The argument is a fraction of a turn, so the
// reduction is exact integer work: the top 3 bits pick the octant, and the polynomial only
// ever sees an angle in [0, pi/4].
GL_HD void sincos_turn32(uint32_t w, double* sin_a, double* cos_a) {
  const uint32_t octant = w >> 29;
  const uint32_t within = w & 0x1fffffffu;
  // Even octants: angle = q*pi/2 + x. Odd octants: angle = (q+1)*pi/2 - x, measured back
  // from the next quadrant boundary, so x stays in [0, pi/4].
  const bool odd = (octant & 1u) != 0;
  const double steps = static_cast<double>(odd ? 0x20000000u - within : within);
  const double x = steps * (kPiOver4 * 0x1p-29);
  double sx, cx;
  sincos_small(x, &sx, &cx);
  if (odd) sx = -sx;  // sin(-x), cos(-x)
  // Rotate by quadrant * pi/2: odd quadrants swap sin and cos; sin is negative in quadrants
  // 2 and 3, cos in 1 and 2. Selects, not a switch: neighbouring GPU threads don't diverge.
  const uint32_t quadrant = ((octant + 1u) >> 1) & 3u;
  const double s = (quadrant & 1u) ? cx : sx;
  const double c = (quadrant & 1u) ? sx : cx;
  *sin_a = (quadrant & 2u) ? -s : s;
  *cos_a = ((quadrant + 1u) & 2u) ? -c : c;
}

// Box-Muller: two independent N(0, 1) values from two words.
GL_HD void box_muller(uint32_t w_radius, uint32_t w_angle, double* z0, double* z1) {
  const double radius = sqrt(-2.0 * portable_log(open_unit32(w_radius)));
  double s, c;
  sincos_turn32(w_angle, &s, &c);
  *z0 = radius * c;
  *z1 = radius * s;
}

// High 64 bits of the 128-bit product a * b, from 32-bit pieces (exact everywhere).
GL_HD uint64_t mulhi64(uint64_t a, uint64_t b) {
  const uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32;
  const uint64_t b_lo = b & 0xffffffffu, b_hi = b >> 32;
  const uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi;
  const uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xffffffffu) + lo_hi;
  return a_hi * b_hi + (hi_lo >> 32) + (cross >> 32);
}

// float -> float16 rounded toward -inf (the nearest float16 not above f).
GL_HD half_t half_round_down(float f) {
  half_t h(f);                                 // nearest
  if (!(static_cast<float>(h) > f)) return h;  // already not above (or NaN)
  uint16_t b = h.bits;
  if (b == 0x0000u) {
    b = 0x8001u;  // +0 above a tiny negative f: the negative subnormal next to it
  } else if (b & 0x8000u) {
    b = static_cast<uint16_t>(b + 1);  // negative: one step away from zero
  } else {
    b = static_cast<uint16_t>(b - 1);  // positive: one step toward zero
  }
  half_t down;
  down.bits = b;
  return down;
}

// ---- distributions: one Philox block (4 words) -> kPerBlock output values ------------------

// low + (high - low) * u. As in numpy, rounding to T may produce `high` itself when the
// interval is not [0, 1)-like.
template <typename T>
struct UniformFn {
  using value_type = T;
  static constexpr int kPerBlock = sizeof(T) == 8 ? 2 : 4;  // float64 takes 53 bits
  double low, span;
  GL_HD void operator()(const uint32_t w[4], T* out) const {
    if constexpr (sizeof(T) == 8) {
      out[0] = static_cast<T>(low + span * unit53(w[0], w[1]));
      out[1] = static_cast<T>(low + span * unit53(w[2], w[3]));
    } else if constexpr (sizeof(T) == 2) {
      // 24 bits, rounded down to float16: every float16 in the interval is reachable with
      // the mass of its bin (0 only for u < 2^-24, as when MXNet rounds a float32 draw),
      // and the draw stays below `high` for [0, 1)-like intervals.
      for (int k = 0; k < 4; ++k)
        out[k] = half_round_down(static_cast<float>(low + span * unit24(w[k])));
    } else {
      for (int k = 0; k < 4; ++k) out[k] = static_cast<T>(low + span * unit24(w[k]));
    }
  }
};

// mean + stddev * z, z from Box-Muller on words (0, 1) and (2, 3), computed in double for
// every T and rounded once (float16: via float32). The radius uses a 32-bit uniform, so
// |z| <= sqrt(-2 ln 2^-33) = 6.76: tails beyond that (p = 1.3e-11) are never drawn.
template <typename T>
struct NormalFn {
  using value_type = T;
  static constexpr int kPerBlock = 4;
  double mean, stddev;
  GL_HD void operator()(const uint32_t w[4], T* out) const {
    double z[4];
    box_muller(w[0], w[1], &z[0], &z[1]);
    box_muller(w[2], w[3], &z[2], &z[3]);
    for (int k = 0; k < 4; ++k) out[k] = T(static_cast<acc_t<T>>(mean + stddev * z[k]));
  }
};

// low + floor(u * range / 2^bits) (multiply-shift, no rejection). int32 uses one word per
// value, so an outcome's probability is off by at most range / 2^32 relative (2.3e-7 for
// range 1000); int64 uses 64 bits per value (bias <= range / 2^64).
template <typename T>
struct RandintFn {
  using value_type = T;
  static constexpr int kPerBlock = sizeof(T) == 8 ? 2 : 4;
  int64_t low;
  uint64_t range;  // high - low, in [1, 2^64)
  GL_HD void operator()(const uint32_t w[4], T* out) const {
    const uint64_t base = static_cast<uint64_t>(low);
    if constexpr (sizeof(T) == 8) {
      for (int k = 0; k < 2; ++k) {
        const uint64_t x = (static_cast<uint64_t>(w[2 * k]) << 32) | w[2 * k + 1];
        out[k] = static_cast<T>(base + mulhi64(x, range));
      }
    } else {
      for (int k = 0; k < 4; ++k)
        out[k] = static_cast<T>(base + ((static_cast<uint64_t>(w[k]) * range) >> 32));
    }
  }
};

// Inverted-dropout mask: 1/(1-p) where unit24(w) >= p (kept), 0 where dropped.
template <typename T>
struct DropoutMaskFn {
  using value_type = T;
  static constexpr int kPerBlock = 4;
  double p, scale;
  GL_HD void operator()(const uint32_t w[4], T* out) const {
    const T kept = T(static_cast<acc_t<T>>(scale));
    const T dropped = T(static_cast<acc_t<T>>(0));
    for (int k = 0; k < 4; ++k) out[k] = unit24(w[k]) >= p ? kept : dropped;
  }
};

// Which distribution a fill draws, and its parameters.
struct DrawSpec {
  enum Kind { Uniform, Normal, Randint, DropoutMask } kind = Uniform;
  double a = 0, b = 0;  // uniform: low, span; normal: mean, stddev; dropout: p, 1/(1-p)
  int64_t low = 0;      // randint
  uint64_t range = 0;   // randint
};

// Calls v(fn) with the functor for `spec` and dtype `dt`; TypeError for unsupported dtypes.
// Shared by the CPU and CUDA drivers so both pick the same transform.
template <typename Visitor>
void visit_distribution(const DrawSpec& spec, DType dt, const char* op, Visitor v) {
  switch (spec.kind) {
    case DrawSpec::Uniform:
      GL_DISPATCH_FLOAT(dt, op, v(UniformFn<scalar_t>{spec.a, spec.b}));
      break;
    case DrawSpec::Normal: GL_DISPATCH_FLOAT(dt, op, v(NormalFn<scalar_t>{spec.a, spec.b})); break;
    case DrawSpec::DropoutMask:
      GL_DISPATCH_FLOAT(dt, op, v(DropoutMaskFn<scalar_t>{spec.a, spec.b}));
      break;
    case DrawSpec::Randint:
      if (dt == DType::Int32) {
        v(RandintFn<int32_t>{spec.low, spec.range});
      } else if (dt == DType::Int64) {
        v(RandintFn<int64_t>{spec.low, spec.range});
      } else {
        throw_unsupported_dtype(op, dt);
      }
      break;
  }
}

}  // namespace gl::philox
