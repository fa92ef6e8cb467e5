// Ordering along one axis (sort.cc; CUDA kernels in sort.cu) and n-d gather/scatter
// (index.cc, index.cu): MXNet's sort, argsort, topk, gather_nd, scatter_nd.
//
// The order is total and the same on every device: ascending by value with NaN after
// +inf (descending: NaN first), ties broken by the lower index. So sorting is stable, and
// argsort/topk give the same indices on CPU and GPU.
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "../core/tensor.h"

namespace gl::ops {

// Which of topk's outputs to build (MXNet's ret_typ).
enum class TopkReturn { Value, Indices, Mask, Both };

// int64 positions along `axis` of the first `k` elements of x's sorted order, shape x's
// with `axis` of length k. k in [0, n]. Not differentiable (indices).
Tensor sort_indices(const Tensor& x, int axis, int64_t k, bool ascend);
// y[..., j, ...] = x[..., idx[..., j, ...], ...] along `axis` (numpy's take_along_axis);
// idx is int64, x's shape except along `axis`, values in [0, n). Recorded: the gradient
// scatters back to the source positions (summing repeats).
Tensor take_along_axis(const Tensor& x, const Tensor& idx, int axis);
Tensor sort(const Tensor& x, int axis, bool ascend);
Tensor argsort(const Tensor& x, int axis, bool ascend, DType index_dtype);
// k < 1 selects the whole axis, as in MXNet. Returns [value], [indices], [mask] or
// [value, indices]; the mask has x's dtype and shape, 1 at the selected positions.
std::vector<Tensor> topk(const Tensor& x, int axis, int64_t k, TopkReturn ret, bool ascend,
                         DType index_dtype);

// ---- n-d indexing (index.cc) ------------------------------------------------------------
// indices (M, Y...) address data's first M axes (negative entries count from the end):
// out[y...] = data[indices[0, y...], ..., indices[M-1, y...], ...]. Out of range raises
// IndexError naming the entry. Gradient: scatter-add into data's shape.
Tensor gather_nd(const Tensor& data, const Tensor& indices);
// The inverse placement: zeros of `shape` with data[y...] written at indices[:, y...]
// (a repeated position keeps one of the writes, the last on the CPU). Gradient: gather_nd.
Tensor scatter_nd(const Tensor& data, const Tensor& indices, const Shape& shape);
// dst[index[i], ...] = src[i, ...] in place, for dst (N, ...) and int64 `index` in [-N, N)
// of any shape; src has index's shape followed by dst.shape[1:] (or broadcasts to it).
void index_put_(const Tensor& dst, const Tensor& index, const Tensor& src);

// The order above as unsigned integers: sort_key(a) < sort_key(b) exactly when a sorts
// before b ascending (-0 equals +0, every NaN is the largest key), so kernels sort plain
// integers. Shared by the CPU and CUDA kernels.
template <typename T>
struct SortKey {  // integers: flip the sign bit so signed order becomes unsigned order
  using U = std::make_unsigned_t<T>;
  static GL_HD U of(T v) {
    U u = static_cast<U>(v);
    if constexpr (std::is_signed_v<T>) u ^= U(1) << (8 * sizeof(T) - 1);
    return u;
  }
};
template <>
struct SortKey<bool> {
  using U = uint8_t;
  static GL_HD U of(bool v) { return v ? 1 : 0; }
};
template <typename F, typename Bits>
GL_HD Bits float_sort_key(F v) {
  constexpr Bits sign = Bits(1) << (8 * sizeof(Bits) - 1);
  if (v != v) return ~Bits(0);
  if (v == F(0)) v = F(0);  // -0 sorts as +0
  Bits u;
  memcpy(&u, &v, sizeof(u));
  return (u & sign) ? ~u : (u | sign);
}
template <>
struct SortKey<float> {
  using U = uint32_t;
  static GL_HD U of(float v) { return float_sort_key<float, uint32_t>(v); }
};
template <>
struct SortKey<double> {
  using U = uint64_t;
  static GL_HD U of(double v) { return float_sort_key<double, uint64_t>(v); }
};
template <>
struct SortKey<half_t> {
  using U = uint32_t;
  static GL_HD U of(half_t v) { return float_sort_key<float, uint32_t>(static_cast<float>(v)); }
};

}  // namespace gl::ops
