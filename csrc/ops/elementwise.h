// The one strided/broadcasting loop every elementwise op (unary, binary, copy, where) runs
// on, for CPU. Operands are described by strides aligned to the output shape (0 where an
// operand is broadcast); adjacent dims that are contiguous for every operand are merged,
// so most calls become a single flat loop that the compiler vectorizes.
#pragma once
#include <array>
#include <type_traits>
#include <vector>

#include "../core/parallel.h"
#include "../core/tensor.h"

namespace gl {

// Shape plus per-operand strides, after broadcasting and collapsing.
template <int N>
struct StridedLayout {
  int ndim = 0;
  std::array<int64_t, kMaxDims> shape{};
  std::array<std::array<int64_t, kMaxDims>, N> strides{};

  int64_t numel() const {
    int64_t n = 1;
    for (int i = 0; i < ndim; ++i) n *= shape[i];
    return n;
  }
};

// Strides of `t` viewed with shape `out_shape` (numpy broadcasting, right-aligned).
inline std::array<int64_t, kMaxDims> broadcast_strides(const Tensor& t, const Shape& out_shape) {
  check_ndim(out_shape);  // before anything is written into the fixed-size array
  GL_CHECK(t.ndim() <= static_cast<int>(out_shape.size()), "cannot broadcast shape ",
           shape_str(t.shape()), " to ", shape_str(out_shape));
  std::array<int64_t, kMaxDims> s{};
  int off = static_cast<int>(out_shape.size()) - t.ndim();
  for (int i = 0; i < t.ndim(); ++i) s[off + i] = t.shape()[i] == 1 ? 0 : t.strides()[i];
  return s;
}

template <int N>
StridedLayout<N> make_layout(const Shape& out_shape,
                             const std::array<std::array<int64_t, kMaxDims>, N>& strides) {
  GL_CHECK(out_shape.size() <= static_cast<size_t>(kMaxDims), "arrays of more than ", kMaxDims,
           " dimensions are not supported (got ", out_shape.size(), ")");
  StridedLayout<N> L;
  // Drop size-1 dims, then merge dims that are contiguous for every operand.
  for (size_t i = 0; i < out_shape.size(); ++i) {
    if (out_shape[i] == 1) continue;
    int d = L.ndim;
    if (d > 0) {
      bool mergeable = true;
      for (int k = 0; k < N; ++k)
        if (L.strides[k][d - 1] != strides[k][i] * out_shape[i]) mergeable = false;
      if (mergeable) {
        L.shape[d - 1] *= out_shape[i];
        for (int k = 0; k < N; ++k) L.strides[k][d - 1] = strides[k][i];
        continue;
      }
    }
    L.shape[d] = out_shape[i];
    for (int k = 0; k < N; ++k) L.strides[k][d] = strides[k][i];
    ++L.ndim;
  }
  if (L.ndim == 0) {  // a single element
    L.ndim = 1;
    L.shape[0] = 1;
    for (int k = 0; k < N; ++k) L.strides[k][0] = 1;
  }
  return L;
}

// Calls body(offsets, len, inner_strides) for runs along the innermost dim, covering
// every element once; runs are distributed over threads for large layouts.
template <int N, typename Body>
void for_each_run(const StridedLayout<N>& L, Body body) {
  const int nd = L.ndim;
  const int64_t inner = L.shape[nd - 1];
  std::array<int64_t, N> inner_strides;
  for (int k = 0; k < N; ++k) inner_strides[k] = L.strides[k][nd - 1];
  if (nd == 1) {
    const int64_t grain = kParallelGrain;
    parallel_for(inner, grain, [&](int64_t begin, int64_t end) {
      std::array<int64_t, N> off;
      for (int k = 0; k < N; ++k) off[k] = begin * inner_strides[k];
      body(off, end - begin, inner_strides);
    });
    return;
  }
  int64_t rows = 1;
  for (int i = 0; i < nd - 1; ++i) rows *= L.shape[i];
  int64_t grain_rows = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(inner, 1));
  parallel_for(rows, grain_rows, [&](int64_t begin, int64_t end) {
    // Decompose the first row index, then step like an odometer.
    std::array<int64_t, kMaxDims> idx{};
    std::array<int64_t, N> off{};
    int64_t r = begin;
    for (int i = nd - 2; i >= 0; --i) {
      idx[i] = r % L.shape[i];
      r /= L.shape[i];
      for (int k = 0; k < N; ++k) off[k] += idx[i] * L.strides[k][i];
    }
    for (int64_t row = begin; row < end; ++row) {
      body(off, inner, inner_strides);
      for (int i = nd - 2; i >= 0; --i) {
        ++idx[i];
        for (int k = 0; k < N; ++k) off[k] += L.strides[k][i];
        if (idx[i] < L.shape[i]) break;
        for (int k = 0; k < N; ++k) off[k] -= L.strides[k][i] * L.shape[i];
        idx[i] = 0;
      }
    }
  });
}

// The contiguous loops of cpu_map1 / cpu_map2 for floating-point operands, compiled three
// times (AVX-512, AVX2, baseline x86-64) and picked once, when the library loads, by the
// CPU: the baseline's 4-wide SSE2 loop leaves a memory-bound op like relu short of the
// bandwidth two cores have. Every clone performs the same IEEE operations (-ffp-contract=off
// keeps FMA out), so results do not depend on the CPU.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__CUDACC__)
#define GL_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GL_SIMD_CLONES
#endif

namespace detail {

template <typename T>
constexpr bool kCloned = std::is_same<T, float>::value || std::is_same<T, double>::value;

template <typename Out, typename In, typename F>
GL_SIMD_CLONES void map1_flat(Out* o, const In* a, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) o[i] = f(a[i]);
}

template <typename Out, typename In, typename F>
GL_SIMD_CLONES void map2_flat(Out* o, const In* a, const In* b, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], b[i]);
}

template <typename Out, typename In, typename F>
GL_SIMD_CLONES void map2_flat_scalar_b(Out* o, const In* a, In bv, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], bv);
}

template <typename Out, typename In, typename F>
GL_SIMD_CLONES void map2_flat_scalar_a(Out* o, In av, const In* b, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) o[i] = f(av, b[i]);
}

}  // namespace detail

// out = f(in...) elementwise over a layout whose operand 0 is the output.
template <typename Out, typename In, typename F>
void cpu_map1(const StridedLayout<2>& L, Out* out, const In* in, F f) {
  for_each_run<2>(
      L, [&](const std::array<int64_t, 2>& off, int64_t n, const std::array<int64_t, 2>& st) {
        Out* o = out + off[0];
        const In* a = in + off[1];
        if (st[0] == 1 && st[1] == 1) {
          if constexpr (detail::kCloned<Out> && detail::kCloned<In>)
            detail::map1_flat(o, a, n, f);
          else
            for (int64_t i = 0; i < n; ++i) o[i] = f(a[i]);
        } else {
          for (int64_t i = 0; i < n; ++i) o[i * st[0]] = f(a[i * st[1]]);
        }
      });
}

template <typename Out, typename In, typename F>
void cpu_map2(const StridedLayout<3>& L, Out* out, const In* in0, const In* in1, F f) {
  for_each_run<3>(
      L, [&](const std::array<int64_t, 3>& off, int64_t n, const std::array<int64_t, 3>& st) {
        Out* o = out + off[0];
        const In* a = in0 + off[1];
        const In* b = in1 + off[2];
        constexpr bool cloned = detail::kCloned<Out> && detail::kCloned<In>;
        if (st[0] == 1 && st[1] == 1 && st[2] == 1) {
          if constexpr (cloned)
            detail::map2_flat(o, a, b, n, f);
          else
            for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], b[i]);
        } else if (st[0] == 1 && st[1] == 1 && st[2] == 0) {
          const In bv = *b;
          if constexpr (cloned)
            detail::map2_flat_scalar_b(o, a, bv, n, f);
          else
            for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], bv);
        } else if (st[0] == 1 && st[1] == 0 && st[2] == 1) {
          const In av = *a;
          if constexpr (cloned)
            detail::map2_flat_scalar_a(o, av, b, n, f);
          else
            for (int64_t i = 0; i < n; ++i) o[i] = f(av, b[i]);
        } else {
          for (int64_t i = 0; i < n; ++i) o[i * st[0]] = f(a[i * st[1]], b[i * st[2]]);
        }
      });
}

// Layout helpers for the common operand arrangements.
inline StridedLayout<2> layout_unary(const Tensor& out, const Tensor& in) {
  return make_layout<2>(out.shape(),
                        {broadcast_strides(out, out.shape()), broadcast_strides(in, out.shape())});
}
inline StridedLayout<3> layout_binary(const Tensor& out, const Tensor& a, const Tensor& b) {
  return make_layout<3>(out.shape(),
                        {broadcast_strides(out, out.shape()), broadcast_strides(a, out.shape()),
                         broadcast_strides(b, out.shape())});
}

}  // namespace gl
