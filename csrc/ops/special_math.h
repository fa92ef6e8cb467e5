// Scalar special functions the unary functors need beyond <cmath>: digamma (the gradient of
// gammaln), erfinv, a thread-safe lgamma and MXNet's rint. Host and device (GL_HD), in the
// functor's math type M (float or double).
#pragma once
#include <cmath>

#include "../core/dtype.h"

#ifdef __CUDA_ARCH__
#define GL_SPECIAL_MATH(fn) ::fn
#else
#define GL_SPECIAL_MATH(fn) std::fn
#endif

namespace gl {

constexpr double kPi = 3.141592653589793238462643383279502884;
constexpr double kSqrtPi = 1.772453850905516027298167483341145183;
constexpr double kTwoOverSqrtPi = 1.128379167095512573896158903121545172;
constexpr double kLn2 = 0.693147180559945309417232121458176568;
constexpr double kLn10 = 2.302585092994045684017991454684364208;

// glibc's lgamma writes the global `signgam`, a data race under threads: use the _r form.
template <typename M>
GL_HD M lgamma_safe(M x) {
#ifdef __CUDA_ARCH__
  return ::lgamma(x);
#else
  int sign;
  if constexpr (sizeof(M) == sizeof(float))
    return ::lgammaf_r(x, &sign);
  else
    return ::lgamma_r(x, &sign);
#endif
}

// MXNet's rint: the nearer integer, the lower one at a tie (rint(2.5) == 2, rint(-2.5) == -3;
// numpy rounds ties to even). MXNet documents it ("for n.5 rint returns n").
template <typename M>
GL_HD M rint_mxnet(M x) {
  M lower = GL_SPECIAL_MATH(floor)(x);
  return x - lower <= M(0.5) ? lower : GL_SPECIAL_MATH(ceil)(x);
}

// psi(x) = d lgamma(x) / dx. Poles (0, -1, -2, ...) give the largest double, as MXNet's
// float64 gammaln gradient does, and inf in float, as its float32 one.
template <typename M>
GL_HD M digamma(M x) {
  if (x != x || x == M(INFINITY)) return x;
  M result = M(0);
  if (x <= M(0)) {
    if (x == GL_SPECIAL_MATH(floor)(x)) {
      if constexpr (sizeof(M) == sizeof(float))
        return M(INFINITY);
      else
        return M(1.7976931348623157e308);
    }
    // Reflection psi(x) = psi(1 - x) - pi / tan(pi x); tan's argument is reduced to
    // [-pi/2, pi/2] (tan has period pi) so it stays accurate right next to a pole.
    result = -M(kPi) / GL_SPECIAL_MATH(tan)(M(kPi) * (x - GL_SPECIAL_MATH(round)(x)));
    x = M(1) - x;
  }
  for (; x < M(10); x += M(1)) result -= M(1) / x;  // psi(x) = psi(x + 1) - 1/x
  // Asymptotic series in 1/x^2 (Bernoulli numbers), accurate to double rounding for x >= 10.
  M f = M(1) / (x * x);
  M series =
      f * (M(1) / 12 -
           f * (M(1) / 120 -
                f * (M(1) / 252 - f * (M(1) / 240 - f * (M(1) / 132 - f * (M(691) / 32760))))));
  return result + GL_SPECIAL_MATH(log)(x) - M(0.5) / x - series;
}

// Inverse of erf on [-1, 1] (+-inf at +-1, NaN outside). A rational first guess (Giles,
// "Approximating the erfinv function", 2010, its single-precision fit) refined by Newton.
template <typename M>
GL_HD M erfinv(M x) {
  if (!(x >= M(-1) && x <= M(1))) return M(NAN);
  if (x == M(1) || x == M(-1)) return x * M(INFINITY);
  M ax = x < M(0) ? -x : x;
  M w = -GL_SPECIAL_MATH(log)((M(1) - ax) * (M(1) + ax));
  M p;
  if (w < M(5)) {
    w -= M(2.5);
    p = M(2.81022636e-08);
    p = M(3.43273939e-07) + p * w;
    p = M(-3.5233877e-06) + p * w;
    p = M(-4.39150654e-06) + p * w;
    p = M(0.00021858087) + p * w;
    p = M(-0.00125372503) + p * w;
    p = M(-0.00417768164) + p * w;
    p = M(0.246640727) + p * w;
    p = M(1.50140941) + p * w;
  } else {
    w = GL_SPECIAL_MATH(sqrt)(w) - M(3);
    p = M(-0.000200214257);
    p = M(0.000100950558) + p * w;
    p = M(0.00134934322) + p * w;
    p = M(-0.00367342844) + p * w;
    p = M(0.00573950773) + p * w;
    p = M(-0.0076224613) + p * w;
    p = M(0.00943887047) + p * w;
    p = M(1.00167406) + p * w;
    p = M(2.83297682) + p * w;
  }
  M y = p * ax;
  // Newton steps: on erf(y) = |x| near 0, on log erfc(y) = log(1 - |x|) beyond 0.5, which
  // stays accurate in the tails and is nearly linear there, so a double guess extrapolated
  // past the fit's range (|x| > 1 - 2^-24) converges in a few steps too.
  const int max_steps = sizeof(M) == sizeof(float) ? 1 : 8;
  const M log_q = GL_SPECIAL_MATH(log)(M(1) - ax);
  for (int i = 0; i < max_steps; ++i) {
    M slope = M(kTwoOverSqrtPi) * GL_SPECIAL_MATH(exp)(-y * y);  // erf'(y)
    M step;
    if (ax <= M(0.5)) {
      step = (GL_SPECIAL_MATH(erf)(y) - ax) / slope;
    } else {
      M tail = GL_SPECIAL_MATH(erfc)(y);
      step = (log_q - GL_SPECIAL_MATH(log)(tail)) * tail / slope;
    }
    y -= step;
    if (!(GL_SPECIAL_MATH(fabs)(step) > y * M(1e-16))) break;
  }
  return GL_SPECIAL_MATH(copysign)(y, x);  // erfinv(-0) is -0
}

}  // namespace gl

#undef GL_SPECIAL_MATH
