// sort, argsort, topk: one index sort per row of the sorted axis (outer x inner rows of n
// elements), rows spread over the thread pool. Values and masks are a gather and a scatter
// through the sorted indices, so the gradient is take's: it lands on the source positions.
// CUDA kernels: sort.cu.
#include "sort.h"

#include <algorithm>
#include <limits>

#include "../autograd/autograd.h"
#include "../core/parallel.h"
#include "../cuda/runtime.h"
#include "cuda_kernels.h"
#include "ops.h"

namespace gl::ops {

namespace {

struct AxisGeometry {
  int64_t outer = 1, n = 1, inner = 1;
};

AxisGeometry axis_geometry(const Shape& shape, int ax) {
  AxisGeometry g;
  g.n = shape[ax];
  for (int i = 0; i < ax; ++i) g.outer *= shape[i];
  for (int i = ax + 1; i < static_cast<int>(shape.size()); ++i) g.inner *= shape[i];
  return g;
}

// A row entry: the order-preserving key (inverted for descending, so that ascending
// order of `key` is the wanted order) and the position along the axis.
template <typename U, typename I>
struct Entry {
  U key;
  I index;
  bool operator<(const Entry& o) const { return key < o.key || (key == o.key && index < o.index); }
};

// LSD radix sort by key, one byte per pass (passes where every key has the same byte are
// skipped). Stable, so equal keys keep the ascending index order they start in.
template <typename U, typename I>
void radix_sort(std::vector<Entry<U, I>>& items, std::vector<Entry<U, I>>& spare) {
  const size_t n = items.size();
  spare.resize(n);
  for (int shift = 0; shift < static_cast<int>(8 * sizeof(U)); shift += 8) {
    size_t count[257] = {};
    for (const auto& e : items) ++count[((e.key >> shift) & 0xff) + 1];
    if (std::any_of(count + 1, count + 257, [n](size_t c) { return c == n; })) continue;
    for (int b = 0; b < 256; ++b) count[b + 1] += count[b];
    for (const auto& e : items) spare[count[(e.key >> shift) & 0xff]++] = e;
    items.swap(spare);
  }
}

template <typename T, typename I>
void sort_rows_cpu(const T* x, int64_t* out, const AxisGeometry& g, int64_t k, bool ascend) {
  using U = typename SortKey<T>::U;
  const int64_t rows = g.outer * g.inner, n = g.n;
  // A row sort costs about n log n: rows of a few thousand elements each fill a task.
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(n, 1));
  // partial_sort (a heap) wins while k is a small part of the row; a radix sort for long
  // rows; std::sort for short ones.
  const bool partial = k * 8 <= n, radix = !partial && n >= 256;
  const U flip = ascend ? U(0) : static_cast<U>(~U(0));
  parallel_for(rows, grain, [&](int64_t begin, int64_t end) {
    std::vector<Entry<U, I>> items(static_cast<size_t>(n)), spare;
    for (int64_t r = begin; r < end; ++r) {
      const int64_t o = r / g.inner, i = r % g.inner;
      const T* row = x + o * n * g.inner + i;
      for (int64_t j = 0; j < n; ++j)
        items[j] = {static_cast<U>(SortKey<T>::of(row[j * g.inner]) ^ flip), static_cast<I>(j)};
      if (partial)
        std::partial_sort(items.begin(), items.begin() + k, items.end());
      else if (radix)
        radix_sort(items, spare);
      else
        std::sort(items.begin(), items.end());
      int64_t* dst = out + o * k * g.inner + i;
      for (int64_t j = 0; j < k; ++j) dst[j * g.inner] = static_cast<int64_t>(items[j].index);
    }
  });
}

// Flat positions in x (outer, n, inner) of idx (outer, k, inner): (o * n + idx) * inner + i.
Tensor flat_positions(const Tensor& idx, const AxisGeometry& g) {
  Device dev = idx.device();
  const int64_t k = shape_numel(idx.shape()) / std::max<int64_t>(g.outer * g.inner, 1);
  Tensor j = reshape_to(idx, {g.outer, k, g.inner});
  Tensor rows =
      reshape_to(arange(0, static_cast<double>(g.outer), 1, 1, DType::Int64, dev), {g.outer, 1, 1});
  Tensor cols =
      reshape_to(arange(0, static_cast<double>(g.inner), 1, 1, DType::Int64, dev), {1, 1, g.inner});
  Tensor flat = add(
      mul_scalar(add(mul_scalar(rows, static_cast<double>(g.n)), j), static_cast<double>(g.inner)),
      cols);
  return reshape_to(flat, idx.shape());
}

}  // namespace

Tensor sort_indices(const Tensor& x, int axis, int64_t k, bool ascend) {
  int ax = normalize_existing_axis(axis, x.ndim(), "sort");
  AxisGeometry g = axis_geometry(x.shape(), ax);
  GL_CHECK_KIND(k >= 0 && k <= g.n, ErrorKind::Value, "sort: k=", k, " is out of range for axis ",
                ax, " of size ", g.n);
  Shape shape = x.shape();
  shape[ax] = k;
  Tensor out = Tensor::empty(shape, DType::Int64, x.device());
  if (out.numel() == 0) return out;
  Tensor src = contiguous(detach(x));
  if (out.device().is_gpu()) {
    GL_CUDA_LAUNCH("sort", out.device(),
                   sort_indices_cuda(src, out, g.outer, g.n, g.inner, k, ascend));
    return out;
  }
  int64_t* o = out.data<int64_t>();
  GL_DISPATCH_ALL(x.dtype(), "sort", {
    if (g.n <= std::numeric_limits<uint32_t>::max())
      sort_rows_cpu<scalar_t, uint32_t>(src.data<scalar_t>(), o, g, k, ascend);
    else
      sort_rows_cpu<scalar_t, int64_t>(src.data<scalar_t>(), o, g, k, ascend);
  });
  return out;
}

Tensor take_along_axis(const Tensor& x, const Tensor& idx, int axis) {
  int ax = normalize_existing_axis(axis, x.ndim(), "take_along_axis");
  GL_CHECK(idx.ndim() == x.ndim(), "take_along_axis: indices have ", idx.ndim(),
           " dimension(s) but data has ", x.ndim());
  for (int d = 0; d < x.ndim(); ++d)
    GL_CHECK(d == ax || idx.shape()[d] == x.shape()[d], "take_along_axis: indices of shape ",
             shape_str(idx.shape()), " do not match data of shape ", shape_str(x.shape()),
             " outside axis ", ax);
  GL_CHECK(idx.device() == x.device(), "take_along_axis: data is on ", x.device().str(),
           " but the indices are on ", idx.device().str());
  AxisGeometry g = axis_geometry(x.shape(), ax);
  if (idx.numel() == 0) return Tensor::empty(idx.shape(), x.dtype(), x.device());
  GL_CHECK_KIND(g.n > 0, ErrorKind::Index, "take_along_axis: axis ", ax, " has size 0");
  Tensor flat = flat_positions(astype(detach(idx), DType::Int64), g);
  Tensor picked = take(reshape_to(x, {x.numel()}), reshape_to(flat, {flat.numel()}), 0, false);
  return reshape_to(picked, idx.shape());
}

Tensor sort(const Tensor& x, int axis, bool ascend) {
  int ax = normalize_existing_axis(axis, x.ndim(), "sort");
  return take_along_axis(x, sort_indices(x, ax, x.shape()[ax], ascend), ax);
}

Tensor argsort(const Tensor& x, int axis, bool ascend, DType index_dtype) {
  int ax = normalize_existing_axis(axis, x.ndim(), "argsort");
  Tensor idx = sort_indices(x, ax, x.shape()[ax], ascend);
  return index_dtype == DType::Int64 ? idx : astype(idx, index_dtype);
}

std::vector<Tensor> topk(const Tensor& x, int axis, int64_t k, TopkReturn ret, bool ascend,
                         DType index_dtype) {
  int ax = normalize_existing_axis(axis, x.ndim(), "topk");
  AxisGeometry g = axis_geometry(x.shape(), ax);
  GL_CHECK_KIND(k <= g.n, ErrorKind::Value, "topk: k=", k, " is larger than axis ", ax, " of size ",
                g.n, " (k < 1 selects the whole axis)");
  if (k < 1) k = g.n;
  Tensor idx = sort_indices(x, ax, k, ascend);
  auto indices = [&] { return index_dtype == DType::Int64 ? idx : astype(idx, index_dtype); };
  switch (ret) {
    case TopkReturn::Value: return {take_along_axis(x, idx, ax)};
    case TopkReturn::Indices: return {indices()};
    case TopkReturn::Both: return {take_along_axis(x, idx, ax), indices()};
    case TopkReturn::Mask: break;
  }
  Tensor mask = full(x.shape(), 0.0, x.dtype(), x.device());
  if (idx.numel() > 0) {
    Tensor flat = flat_positions(idx, g);
    index_put_(reshape_to(mask, {mask.numel()}), flat, full({}, 1.0, x.dtype(), x.device()));
  }
  return {mask};
}

}  // namespace gl::ops
