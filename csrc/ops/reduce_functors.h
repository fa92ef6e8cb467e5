// The reducers of the reduction family, shared by the CPU (reduce.cc) and CUDA (reduce.cu)
// kernels: each is an elementwise functor plus its identity, and ReduceTypes fixes the
// accumulation types, so both devices accumulate alike. `widen` reducers (sum, prod)
// accumulate integers in int64 and floats in double; max/min stay exact in the element type.
#pragma once
#include <cstdint>
#include <limits>
#include <type_traits>

#include "math_functors.h"

namespace gl::ops {

template <typename A>
GL_HD A lowest_value() {
  return std::numeric_limits<A>::has_infinity ? -std::numeric_limits<A>::infinity()
                                              : std::numeric_limits<A>::lowest();
}
template <typename A>
GL_HD A highest_value() {
  return std::numeric_limits<A>::has_infinity ? std::numeric_limits<A>::infinity()
                                              : std::numeric_limits<A>::max();
}

struct SumR {
  using F = AddF;
  static constexpr bool widen = true;
  template <typename A>
  static GL_HD A identity() {
    return A(0);
  }
};
struct ProdR {
  using F = MulF;
  static constexpr bool widen = true;
  template <typename A>
  static GL_HD A identity() {
    return A(1);
  }
};
struct MaxR {
  using F = MaximumF;
  static constexpr bool widen = false;
  template <typename A>
  static GL_HD A identity() {
    return lowest_value<A>();
  }
};
struct MinR {
  using F = MinimumF;
  static constexpr bool widen = false;
  template <typename A>
  static GL_HD A identity() {
    return highest_value<A>();
  }
};

template <typename Visitor>
void visit_reduce(ReduceOp op, Visitor&& v) {
  switch (op) {
    case ReduceOp::Sum:
    case ReduceOp::Mean: v(SumR{}); break;
    case ReduceOp::Prod: v(ProdR{}); break;
    case ReduceOp::Max: v(MaxR{}); break;
    case ReduceOp::Min: v(MinR{}); break;
  }
}

// Lane: the SIMD-friendly type of the CPU's innermost loop. Fold: what every partial result
// is combined in, on both devices (double for float sums: pairwise-like accuracy).
template <typename T, typename R>
struct ReduceTypes {
  static constexpr bool integral = std::is_integral<T>::value;
  using Lane = std::conditional_t<R::widen && integral, int64_t, acc_t<T>>;
  using Fold =
      std::conditional_t<R::widen, std::conditional_t<integral, int64_t, double>, acc_t<T>>;
};

// The output value from the folded accumulator: divided by the count for a mean (integer
// means truncate, as in MXNet), then converted to the element type.
template <typename R, typename T, typename Fold>
GL_HD T finalize(Fold acc, bool mean, int64_t count) {
  if constexpr (R::widen) {
    if (mean) acc = acc / static_cast<Fold>(count);
  }
  return static_cast<T>(acc);
}

}  // namespace gl::ops
