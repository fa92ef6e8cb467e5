// Elementwise functors shared by the CPU (.cc) and CUDA (.cu) kernels. Each computes in
// acc_t<T> (float for half) so float16 is exact to its own rounding.
#pragma once
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "../core/dtype.h"
#include "ops.h"

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
GL_UNARY_FUNCTOR_INT(FloorF, GL_MATH(floor)(x), x)
GL_UNARY_FUNCTOR_INT(CeilF, GL_MATH(ceil)(x), x)
GL_UNARY_FUNCTOR_INT(RoundF, GL_MATH(round)(x), x)
GL_UNARY_FUNCTOR(ReciprocalF, M(1) / x)
GL_UNARY_FUNCTOR_INT(LogicalNotF, x == M(0) ? M(1) : M(0), x == T(0) ? T(1) : T(0))
#undef GL_UNARY_FUNCTOR
#undef GL_UNARY_FUNCTOR_INT

template <typename Visitor>
void visit_unary(ops::UnaryOp op, Visitor&& v) {
  switch (op) {
    case ops::UnaryOp::Neg: v(NegF{}); break;
    case ops::UnaryOp::Abs: v(AbsF{}); break;
    case ops::UnaryOp::Sign: v(SignF{}); break;
    case ops::UnaryOp::Exp: v(ExpF{}); break;
    case ops::UnaryOp::Log: v(LogF{}); break;
    case ops::UnaryOp::Sqrt: v(SqrtF{}); break;
    case ops::UnaryOp::Rsqrt: v(RsqrtF{}); break;
    case ops::UnaryOp::Square: v(SquareF{}); break;
    case ops::UnaryOp::Sigmoid: v(SigmoidF{}); break;
    case ops::UnaryOp::Tanh: v(TanhF{}); break;
    case ops::UnaryOp::Relu: v(ReluF{}); break;
    case ops::UnaryOp::Softrelu: v(SoftreluF{}); break;
    case ops::UnaryOp::Softsign: v(SoftsignF{}); break;
    case ops::UnaryOp::Sin: v(SinF{}); break;
    case ops::UnaryOp::Cos: v(CosF{}); break;
    case ops::UnaryOp::Floor: v(FloorF{}); break;
    case ops::UnaryOp::Ceil: v(CeilF{}); break;
    case ops::UnaryOp::Round: v(RoundF{}); break;
    case ops::UnaryOp::Reciprocal: v(ReciprocalF{}); break;
    case ops::UnaryOp::LogicalNot: v(LogicalNotF{}); break;
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
// Gradient helpers: lhs is the forward output y, rhs the incoming gradient g.
GL_BINARY_FUNCTOR(ReluGradF, a > A(0) ? b : A(0))
GL_BINARY_FUNCTOR(SigmoidGradF, b * a * (A(1) - a))
GL_BINARY_FUNCTOR(TanhGradF, b*(A(1) - a * a))
#undef GL_BINARY_FUNCTOR

template <typename Visitor>
void visit_binary(ops::BinaryOp op, Visitor&& v) {
  switch (op) {
    case ops::BinaryOp::Add: v(AddF{}); break;
    case ops::BinaryOp::Sub: v(SubF{}); break;
    case ops::BinaryOp::Mul: v(MulF{}); break;
    case ops::BinaryOp::Div: v(DivF{}); break;
    case ops::BinaryOp::Pow: v(PowF{}); break;
    case ops::BinaryOp::Maximum: v(MaximumF{}); break;
    case ops::BinaryOp::Minimum: v(MinimumF{}); break;
    case ops::BinaryOp::Mod: v(ModF{}); break;
    case ops::BinaryOp::Equal: v(EqualF{}); break;
    case ops::BinaryOp::NotEqual: v(NotEqualF{}); break;
    case ops::BinaryOp::Greater: v(GreaterF{}); break;
    case ops::BinaryOp::GreaterEqual: v(GreaterEqualF{}); break;
    case ops::BinaryOp::Less: v(LessF{}); break;
    case ops::BinaryOp::LessEqual: v(LessEqualF{}); break;
    case ops::BinaryOp::ReluGrad: v(ReluGradF{}); break;
    case ops::BinaryOp::SigmoidGrad: v(SigmoidGradF{}); break;
    case ops::BinaryOp::TanhGrad: v(TanhGradF{}); break;
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
