// Elementwise functors shared by the CPU (.cc) and CUDA (.cu) kernels. Each computes in
// acc_t<T> (float for half) so float16 is exact to its own rounding.
#pragma once
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "../core/dtype.h"
#include "ops.h"
#include "special_math.h"

#ifdef __CUDA_ARCH__
#define GL_MATH(fn) ::fn
#else
#define GL_MATH(fn) std::fn
#endif

namespace gl {

// Transcendental functions run in float, or in double for 64-bit and 32-bit integer types.
template <typename T>
struct math_type {
  using type = float;
};
template <>
struct math_type<double> {
  using type = double;
};
template <>
struct math_type<int64_t> {
  using type = double;
};
template <>
struct math_type<int32_t> {
  using type = double;
};
template <typename T>
using math_t = typename math_type<T>::type;

// ---- integer arithmetic that wraps like numpy (signed overflow is undefined in C++) ------
template <typename T>
struct is_wrapping_int
    : std::integral_constant<bool, std::is_integral<T>::value && !std::is_same<T, bool>::value> {};

template <typename A>
GL_HD A wrap_add(A a, A b) {
  if constexpr (is_wrapping_int<A>::value) {
    using U = std::make_unsigned_t<A>;
    return static_cast<A>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return static_cast<A>(a + b);
  }
}
template <typename A>
GL_HD A wrap_sub(A a, A b) {
  if constexpr (is_wrapping_int<A>::value) {
    using U = std::make_unsigned_t<A>;
    return static_cast<A>(static_cast<U>(a) - static_cast<U>(b));
  } else {
    return static_cast<A>(a - b);
  }
}
template <typename A>
GL_HD A wrap_mul(A a, A b) {
  if constexpr (is_wrapping_int<A>::value) {
    using U = std::make_unsigned_t<A>;
    return static_cast<A>(static_cast<U>(a) * static_cast<U>(b));
  } else {
    return static_cast<A>(a * b);
  }
}
template <typename A>
GL_HD bool is_negative(A a) {
  if constexpr (std::is_signed<A>::value)
    return a < A(0);
  else
    return false;  // no "comparison is always false" warning for unsigned types
}
// Integer division truncates; by zero it yields 0 and INT_MIN / -1 wraps, instead of a trap.
template <typename A>
GL_HD A safe_div(A a, A b) {
  if constexpr (std::is_integral<A>::value) {
    if (b == A(0)) return A(0);
    if constexpr (std::is_signed<A>::value)
      if (b == A(-1)) return wrap_sub(A(0), a);
    return static_cast<A>(a / b);
  } else {
    return a / b;
  }
}
// numpy-style modulo: the result takes the divisor's sign; modulo 0 yields 0 (as MXNet).
// Integers stay exact (int64 beyond 2^53 too); floats use a - floor(a / b) * b.
template <typename A>
GL_HD A floor_mod(A a, A b) {
  if constexpr (std::is_integral<A>::value) {
    if (b == A(0)) return A(0);
    if constexpr (std::is_signed<A>::value) {
      if (b == A(-1)) return A(0);  // INT_MIN % -1 would trap
      A r = static_cast<A>(a % b);
      return (r != A(0) && ((r < A(0)) != (b < A(0)))) ? static_cast<A>(r + b) : r;
    }
    return static_cast<A>(a % b);
  } else {
    using M = math_t<A>;
    M x = static_cast<M>(a), y = static_cast<M>(b);
    if (y == M(0)) return static_cast<A>(x - x);    // 0, or NaN for a NaN or infinite x
    if (GL_MATH(isinf)(y) && GL_MATH(isfinite)(x))  // numpy: x itself, or y across zero
      return static_cast<A>((x == M(0) || (x < M(0)) == (y < M(0))) ? x : y);
    return static_cast<A>(x - GL_MATH(floor)(x / y) * y);
  }
}

// A unary functor computes EXPR on x of math type M; integer types use INT_EXPR on x of
// their own type where the op is exact in integers (negate, abs, square, floor, ...).
#define GL_UNARY_FUNCTOR_INT(NAME, EXPR, INT_EXPR)       \
  struct NAME {                                          \
    template <typename T>                                \
    GL_HD T operator()(T in) const {                     \
      if constexpr (is_wrapping_int<T>::value) {         \
        T x = in;                                        \
        return static_cast<T>(INT_EXPR);                 \
      } else {                                           \
        using M = math_t<T>;                             \
        M x = static_cast<M>(static_cast<acc_t<T>>(in)); \
        (void)x;                                         \
        return static_cast<T>(EXPR);                     \
      }                                                  \
    }                                                    \
  };
#define GL_UNARY_FUNCTOR(NAME, EXPR)                   \
  struct NAME {                                        \
    template <typename T>                              \
    GL_HD T operator()(T in) const {                   \
      using M = math_t<T>;                             \
      M x = static_cast<M>(static_cast<acc_t<T>>(in)); \
      (void)x;                                         \
      return static_cast<T>(EXPR);                     \
    }                                                  \
  };

GL_UNARY_FUNCTOR_INT(NegF, -x, wrap_sub(T(0), x))
GL_UNARY_FUNCTOR_INT(AbsF, x < M(0) ? -x : x, is_negative(x) ? wrap_sub(T(0), x) : x)
// NaN propagates as in numpy: sign(NaN) and relu(NaN) are NaN.
GL_UNARY_FUNCTOR_INT(SignF, x > M(0) ? M(1) : (x < M(0) ? M(-1) : x),
                     x > T(0) ? T(1) : (is_negative(x) ? T(-1) : T(0)))
GL_UNARY_FUNCTOR(ExpF, GL_MATH(exp)(x))
GL_UNARY_FUNCTOR(LogF, GL_MATH(log)(x))
GL_UNARY_FUNCTOR(SqrtF, GL_MATH(sqrt)(x))
GL_UNARY_FUNCTOR(RsqrtF, M(1) / GL_MATH(sqrt)(x))
GL_UNARY_FUNCTOR_INT(SquareF, x* x, wrap_mul(x, x))
GL_UNARY_FUNCTOR(SigmoidF, M(1) / (M(1) + GL_MATH(exp)(-x)))
GL_UNARY_FUNCTOR(TanhF, GL_MATH(tanh)(x))
GL_UNARY_FUNCTOR_INT(ReluF, x<M(0) ? M(0) : x, x> T(0) ? x : T(0))
// log(1 + e^x) without overflow for large x
GL_UNARY_FUNCTOR(SoftreluF, x > M(20) ? x : GL_MATH(log1p)(GL_MATH(exp)(x)))
// x / (1 + |x|), written so that softsign(+-inf) is +-1 rather than inf / inf
GL_UNARY_FUNCTOR(SoftsignF, x > M(1)    ? M(1) - M(1) / (M(1) + x)
                            : x < M(-1) ? M(1) / (M(1) - x) - M(1)
                                        : x / (M(1) + (x < M(0) ? -x : x)))
GL_UNARY_FUNCTOR(SinF, GL_MATH(sin)(x))
GL_UNARY_FUNCTOR(CosF, GL_MATH(cos)(x))
GL_UNARY_FUNCTOR(TanF, GL_MATH(tan)(x))
GL_UNARY_FUNCTOR(ArcsinF, GL_MATH(asin)(x))
GL_UNARY_FUNCTOR(ArccosF, GL_MATH(acos)(x))
GL_UNARY_FUNCTOR(ArctanF, GL_MATH(atan)(x))
GL_UNARY_FUNCTOR(SinhF, GL_MATH(sinh)(x))
GL_UNARY_FUNCTOR(CoshF, GL_MATH(cosh)(x))
GL_UNARY_FUNCTOR(ArcsinhF, GL_MATH(asinh)(x))
GL_UNARY_FUNCTOR(ArccoshF, GL_MATH(acosh)(x))
GL_UNARY_FUNCTOR(ArctanhF, GL_MATH(atanh)(x))
GL_UNARY_FUNCTOR(Log2F, GL_MATH(log2)(x))
GL_UNARY_FUNCTOR(Log10F, GL_MATH(log10)(x))
GL_UNARY_FUNCTOR(Log1pF, GL_MATH(log1p)(x))
GL_UNARY_FUNCTOR(Expm1F, GL_MATH(expm1)(x))
GL_UNARY_FUNCTOR(CbrtF, GL_MATH(cbrt)(x))
GL_UNARY_FUNCTOR(RcbrtF, M(1) / GL_MATH(cbrt)(x))
GL_UNARY_FUNCTOR(ReciprocalF, M(1) / x)
// Exact pi / 180 (MXNet multiplies by a float32 constant, off by 4e-8 relative).
GL_UNARY_FUNCTOR(RadiansF, x* M(kPi / 180.0))
GL_UNARY_FUNCTOR(DegreesF, x* M(180.0 / kPi))
GL_UNARY_FUNCTOR_INT(FloorF, GL_MATH(floor)(x), x)
GL_UNARY_FUNCTOR_INT(CeilF, GL_MATH(ceil)(x), x)
GL_UNARY_FUNCTOR_INT(RoundF, GL_MATH(round)(x), x)
GL_UNARY_FUNCTOR_INT(RintF, rint_mxnet(x), x)
GL_UNARY_FUNCTOR_INT(TruncF, GL_MATH(trunc)(x), x)
GL_UNARY_FUNCTOR(GammaF, GL_MATH(tgamma)(x))
GL_UNARY_FUNCTOR(GammalnF, lgamma_safe(x))
GL_UNARY_FUNCTOR(ErfF, GL_MATH(erf)(x))
GL_UNARY_FUNCTOR(ErfinvF, erfinv(x))
GL_UNARY_FUNCTOR(DigammaF, digamma(x))
GL_UNARY_FUNCTOR_INT(LogicalNotF, x == M(0) ? M(1) : M(0), x == T(0) ? T(1) : T(0))
#undef GL_UNARY_FUNCTOR
#undef GL_UNARY_FUNCTOR_INT

// Calls v(Functor{}) for op: one switch per kernel launch, generated from unary_ops.def.
template <typename Visitor>
void visit_unary(ops::UnaryOp op, Visitor&& v) {
  switch (op) {
#define GL_UNARY_OP(ENUM, NAME, FUNCTOR, ...) \
  case ops::UnaryOp::ENUM: v(FUNCTOR{}); break;
#include "unary_ops.def"
#undef GL_UNARY_OP
  }
}

// ---- binary ------------------------------------------------------------------------------
#define GL_BINARY_FUNCTOR(NAME, EXPR)                     \
  struct NAME {                                           \
    template <typename T>                                 \
    GL_HD T operator()(T lhs, T rhs) const {              \
      using A = acc_t<T>;                                 \
      A a = static_cast<A>(lhs), b = static_cast<A>(rhs); \
      return static_cast<T>(EXPR);                        \
    }                                                     \
  };

GL_BINARY_FUNCTOR(AddF, wrap_add(a, b))
GL_BINARY_FUNCTOR(SubF, wrap_sub(a, b))
GL_BINARY_FUNCTOR(MulF, wrap_mul(a, b))
GL_BINARY_FUNCTOR(DivF, safe_div(a, b))
GL_BINARY_FUNCTOR(PowF, static_cast<A>(GL_MATH(pow)(static_cast<math_t<T>>(a),
                                                    static_cast<math_t<T>>(b))))
// NaN in either operand propagates, as in numpy.
GL_BINARY_FUNCTOR(MaximumF, (a != a || a > b) ? a : b)
GL_BINARY_FUNCTOR(MinimumF, (a != a || a < b) ? a : b)
GL_BINARY_FUNCTOR(ModF, floor_mod(a, b))
GL_BINARY_FUNCTOR(EqualF, a == b ? A(1) : A(0))
GL_BINARY_FUNCTOR(NotEqualF, a != b ? A(1) : A(0))
GL_BINARY_FUNCTOR(GreaterF, a > b ? A(1) : A(0))
GL_BINARY_FUNCTOR(GreaterEqualF, a >= b ? A(1) : A(0))
GL_BINARY_FUNCTOR(LessF, a < b ? A(1) : A(0))
GL_BINARY_FUNCTOR(LessEqualF, a <= b ? A(1) : A(0))
GL_BINARY_FUNCTOR(HypotF, static_cast<A>(GL_MATH(hypot)(static_cast<math_t<T>>(a),
                                                        static_cast<math_t<T>>(b))))
// NaN counts as true, as in MXNet and numpy.
GL_BINARY_FUNCTOR(LogicalAndF, (a != A(0) && b != A(0)) ? A(1) : A(0))
GL_BINARY_FUNCTOR(LogicalOrF, (a != A(0) || b != A(0)) ? A(1) : A(0))
GL_BINARY_FUNCTOR(LogicalXorF, ((a != A(0)) != (b != A(0))) ? A(1) : A(0))
// Gradient helpers: lhs is the forward output y, rhs the incoming gradient g.
GL_BINARY_FUNCTOR(ReluGradF, a > A(0) ? b : A(0))
GL_BINARY_FUNCTOR(SigmoidGradF, b * a * (A(1) - a))
GL_BINARY_FUNCTOR(TanhGradF, b*(A(1) - a * a))
#undef GL_BINARY_FUNCTOR

// Calls v(Functor{}) for op, generated from binary_ops.def.
template <typename Visitor>
void visit_binary(ops::BinaryOp op, Visitor&& v) {
  switch (op) {
#define GL_BINARY_OP(ENUM, NAME, FUNCTOR, ...) \
  case ops::BinaryOp::ENUM: v(FUNCTOR{}); break;
#include "binary_ops.def"
#undef GL_BINARY_OP
  }
}

// A functor with its right (or left) operand fixed to a scalar, for x + 2 and 2 - x.
template <typename F, typename T>
struct BindScalar {
  F f;
  T scalar;
  bool scalar_first;
  GL_HD T operator()(T x) const { return scalar_first ? f(scalar, x) : f(x, scalar); }
};

}  // namespace gl
