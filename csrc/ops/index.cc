// Selection ops: where (ternary select), take (gather along an axis, scatter-add
// gradient), one_hot, and the n-d family of sort.h: gather_nd, scatter_nd, index_put_.
// CUDA kernels: index.cu.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "../autograd/autograd.h"
#include "../cuda/runtime.h"
#include "elementwise.h"
#include "ops.h"
#include "cuda_kernels.h"
#include "sort.h"

namespace gl::ops {

namespace {

// Index normalisation shared by take's forward and backward (MXNet modes 'clip'/'wrap').
inline int64_t take_index(int64_t i, int64_t n, bool wrap) {
  if (wrap) {
    i %= n;
    return i < 0 ? i + n : i;
  }
  return std::min<int64_t>(std::max<int64_t>(i, 0), n - 1);
}

// Indices as int64 on the host or device of `t`, contiguous: one index type for kernels.
// Float indices are truncated; integer ones keep every bit (float64 would round above 2**53).
Tensor index_values(const Tensor& t) {
  Tensor idx = detach(t);
  return contiguous(idx.dtype() == DType::Int64 ? idx : astype(idx, DType::Int64));
}

void take_backward(const Tensor& grad_src, const Tensor& g, const Tensor& idx, int64_t outer,
                   int64_t axis_len, int64_t inner, bool wrap) {
  fill_(grad_src, 0.0);
  if (grad_src.device().is_gpu()) {
    GL_CUDA_LAUNCH("take", grad_src.device(),
                   take_backward_cuda(grad_src, g, idx, outer, axis_len, inner, wrap));
    return;
  }
  const int64_t* ix = idx.data<int64_t>();
  int64_t k = idx.numel();
  GL_DISPATCH_ALL(g.dtype(), "take", {  // integer heads too: topk of an int32 array
    const scalar_t* go = g.data<scalar_t>();
    scalar_t* gs = grad_src.data<scalar_t>();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < k; ++j) {
        int64_t src_row = take_index(ix[j], axis_len, wrap);
        scalar_t* dst = gs + (o * axis_len + src_row) * inner;
        const scalar_t* from = go + (o * k + j) * inner;
        for (int64_t e = 0; e < inner; ++e)
          dst[e] = static_cast<scalar_t>(static_cast<acc_t<scalar_t>>(dst[e]) +
                                         static_cast<acc_t<scalar_t>>(from[e]));
      }
  });
}

}  // namespace

Tensor where(const Tensor& cond, const Tensor& x, const Tensor& y) {
  GL_CHECK(x.dtype() == y.dtype(), "where: x and y must have the same dtype (x ",
           dtype_name(x.dtype()), ", y ", dtype_name(y.dtype()), ")");
  GL_CHECK(cond.device() == x.device() && x.device() == y.device(),
           "where: condition, x and y must be on the same device");
  // MXNet: a 1-D condition as long as x's first axis picks whole rows; numpy broadcasting
  // would match it against the last axis instead.
  Tensor c = detach(cond);
  if (c.ndim() == 1 && x.ndim() > 1 && c.shape()[0] == x.shape()[0]) {
    Shape rows(x.ndim(), 1);
    rows[0] = c.shape()[0];
    c = reshape_to(c, rows);
  }
  Shape shape =
      broadcast_shapes(broadcast_shapes(c.shape(), x.shape(), "where"), y.shape(), "where");
  if (c.dtype() != x.dtype()) c = astype(c, x.dtype());
  Tensor out = Tensor::empty(shape, x.dtype(), x.device());
  if (out.device().is_gpu()) {
    GL_CUDA_LAUNCH("where", out.device(), where_cuda(out, c, x, y));
  } else {
    StridedLayout<4> L =
        make_layout<4>(shape, {broadcast_strides(out, shape), broadcast_strides(c, shape),
                               broadcast_strides(x, shape), broadcast_strides(y, shape)});
    GL_DISPATCH_ALL(x.dtype(), "where", {
      scalar_t* o = out.data<scalar_t>();
      const scalar_t *cp = c.data<scalar_t>(), *xp = x.data<scalar_t>(), *yp = y.data<scalar_t>();
      for_each_run<4>(
          L, [&](const std::array<int64_t, 4>& off, int64_t n, const std::array<int64_t, 4>& st) {
            for (int64_t i = 0; i < n; ++i)
              o[off[0] + i * st[0]] = static_cast<acc_t<scalar_t>>(cp[off[1] + i * st[1]]) != 0
                                          ? xp[off[2] + i * st[2]]
                                          : yp[off[3] + i * st[3]];
          });
    });
  }
  if (should_record({&x, &y})) {
    Shape xs = x.shape(), ys = y.shape();
    record_op("where", {x, y}, {&out}, [c, xs, ys](const GradList& g) -> GradList {
      Tensor zero = full({}, 0.0, g[0].dtype(), g[0].device());
      return {sum_to_shape(where(c, g[0], zero), xs), sum_to_shape(where(c, zero, g[0]), ys)};
    });
  }
  return out;
}

Tensor take(const Tensor& x, const Tensor& indices, int axis, bool wrap) {
  int ax = normalize_existing_axis(axis, x.ndim(), "take");
  GL_CHECK(x.device() == indices.device(), "take: data is on ", x.device().str(),
           " but indices are on ", indices.device().str());
  int64_t axis_len = x.shape()[ax];
  GL_CHECK_KIND(axis_len > 0, ErrorKind::Index, "take: cannot index axis ", ax, " of size 0");
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < ax; ++i) outer *= x.shape()[i];
  for (int i = ax + 1; i < x.ndim(); ++i) inner *= x.shape()[i];
  Shape shape(x.shape().begin(), x.shape().begin() + ax);
  shape.insert(shape.end(), indices.shape().begin(), indices.shape().end());
  shape.insert(shape.end(), x.shape().begin() + ax + 1, x.shape().end());
  Tensor src = contiguous(detach(x));
  Tensor idx = index_values(indices);
  Tensor out = Tensor::empty(shape, x.dtype(), x.device());
  int64_t k = idx.numel();
  if (out.device().is_gpu()) {
    GL_CUDA_LAUNCH("take", out.device(), take_cuda(out, src, idx, outer, axis_len, inner, wrap));
  } else {
    const int64_t* ix = idx.data<int64_t>();
    size_t row_bytes = static_cast<size_t>(inner) * x.itemsize();
    const char* sp = static_cast<const char*>(src.raw_data());
    char* op = static_cast<char*>(out.raw_data());
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < k; ++j)
        std::memcpy(op + (o * k + j) * row_bytes,
                    sp + (o * axis_len + take_index(ix[j], axis_len, wrap)) * row_bytes, row_bytes);
  }
  if (should_record({&x})) {
    Shape xs = x.shape();
    record_op("take", {x}, {&out},
              [idx, xs, outer, axis_len, inner, wrap](const GradList& g) -> GradList {
                Tensor grad_src = Tensor::empty(xs, g[0].dtype(), g[0].device());
                take_backward(grad_src, contiguous(g[0]), idx, outer, axis_len, inner, wrap);
                return {grad_src};
              });
  }
  return out;
}

Tensor pick(const Tensor& x, const Tensor& index, int axis, bool keepdims, bool wrap) {
  int ax = normalize_existing_axis(axis, x.ndim(), "pick");
  GL_CHECK(x.device() == index.device(), "pick: data is on ", x.device().str(),
           " but the index is on ", index.device().str());
  Shape kept = x.shape(), removed = x.shape();
  kept[ax] = 1;
  removed.erase(removed.begin() + ax);
  // MXNet takes the index shaped as the output either with or without keepdims.
  GL_CHECK(index.shape() == removed || index.shape() == kept, "pick: index has shape ",
           shape_str(index.shape()), " but data of shape ", shape_str(x.shape()), " and axis ",
           axis, " need an index of shape ", shape_str(removed), " or ", shape_str(kept));
  int64_t depth = x.shape()[ax], outer = 1, inner = 1;
  GL_CHECK_KIND(depth > 0, ErrorKind::Index, "pick: cannot pick along axis ", ax, " of size 0");
  for (int i = 0; i < ax; ++i) outer *= x.shape()[i];
  for (int i = ax + 1; i < x.ndim(); ++i) inner *= x.shape()[i];
  // A gather at flat position (o * depth + j) * inner + e for each output (o, e): no
  // one-hot product, so an inf elsewhere on the axis cannot turn the pick into NaN.
  // Indices are truncated first, then clipped or wrapped, as MXNet does.
  Tensor j = reshape_to(astype(detach(index), DType::Int64), {outer, inner});
  j = wrap ? binary_scalar(BinaryOp::Mod, j, static_cast<double>(depth), false)
           : clip(j, 0.0, static_cast<double>(depth - 1));
  Tensor rows =
      reshape_to(arange(0, static_cast<double>(outer), 1, 1, DType::Int64, x.device()), {outer, 1});
  Tensor cols =
      reshape_to(arange(0, static_cast<double>(inner), 1, 1, DType::Int64, x.device()), {1, inner});
  Tensor flat = add(
      mul_scalar(add(mul_scalar(rows, static_cast<double>(depth)), j), static_cast<double>(inner)),
      cols);
  Tensor picked = take(reshape_to(x, {x.numel()}), reshape_to(flat, {outer * inner}), 0, false);
  if (removed.empty()) removed = {1};  // MXNet's legacy arrays are never 0-d
  return reshape_to(picked, keepdims ? kept : removed);
}

Tensor one_hot(const Tensor& indices, int64_t depth, double on_value, double off_value,
               DType dtype) {
  GL_CHECK_KIND(depth > 0, ErrorKind::Value, "one_hot: depth must be positive, got ", depth);
  Shape shape = indices.shape();
  shape.push_back(depth);
  Tensor idx = index_values(indices);
  Tensor out = Tensor::empty(shape, dtype, indices.device());
  if (out.device().is_gpu()) {
    GL_CUDA_LAUNCH("one_hot", out.device(), one_hot_cuda(out, idx, depth, on_value, off_value));
    return out;
  }
  const int64_t* ix = idx.data<int64_t>();
  GL_DISPATCH_ALL(dtype, "one_hot", {
    scalar_t* o = out.data<scalar_t>();
    const scalar_t on = static_cast<scalar_t>(on_value), off = static_cast<scalar_t>(off_value);
    for (int64_t i = 0; i < idx.numel(); ++i) {
      int64_t hot = ix[i];  // out-of-range indices give an all-off row
      for (int64_t d = 0; d < depth; ++d) o[i * depth + d] = d == hot ? on : off;
    }
  });
  return out;
}

}  // namespace gl::ops

// ---- n-d indexing ------------------------------------------------------------------------

namespace gl::ops {

namespace {

// The rows addressed by gather_nd/scatter_nd indices (M, Y...) in an array of `shape`
// viewed as (prod(shape[:M]), prod(shape[M:])): one int64 per position y, on `device`.
Tensor nd_rows(const Tensor& indices, const Shape& shape, Device device, const char* op) {
  GL_CHECK(indices.ndim() >= 2, op,
           ": indices must have at least 2 dimensions (M, ...), got shape ",
           shape_str(indices.shape()));
  const int64_t m = indices.shape()[0];
  GL_CHECK(m <= static_cast<int64_t>(shape.size()), op, ": indices of shape ",
           shape_str(indices.shape()), " address ", m, " axes but the array of shape ",
           shape_str(shape), " has ", shape.size());
  Shape positions(indices.shape().begin() + 1, indices.shape().end());
  const int64_t count = shape_numel(positions);
  Tensor host = to_device(index_values(indices), cpu_device());
  Tensor rows = Tensor::empty(positions, DType::Int64, cpu_device());
  const int64_t* ix = host.data<int64_t>();
  int64_t* out = rows.data<int64_t>();
  for (int64_t y = 0; y < count; ++y) {
    int64_t row = 0;
    for (int64_t a = 0; a < m; ++a) {
      int64_t i = ix[a * count + y], n = shape[a];
      GL_CHECK_KIND(i >= -n && i < n, ErrorKind::Index, op, ": index ", i,
                    " is out of bounds for axis ", a, " with size ", n, " (indices[", a, ", ...]",
                    " at position ", y, ")");
      row = row * n + (i < 0 ? i + n : i);
    }
    out[y] = row;
  }
  return device.is_cpu() ? rows : to_device(rows, device);
}

Shape nd_row_shape(const Shape& shape, int64_t m) {
  int64_t lead = 1, inner = 1;
  for (int64_t a = 0; a < static_cast<int64_t>(shape.size()); ++a)
    (a < m ? lead : inner) *= shape[a];
  return {lead, inner};
}

// dst (N, inner) contiguous, idx int64 in [0, N) or [-N, 0), src (count, inner) contiguous
// in dst's dtype: the rows are written in order, so a repeated row keeps the last write.
void put_rows(const Tensor& dst, const Tensor& idx, const Tensor& src) {
  const int64_t n = dst.shape()[0], inner = dst.numel() / std::max<int64_t>(n, 1);
  if (dst.device().is_gpu()) {
    GL_CUDA_LAUNCH("index_put_", dst.device(), index_put_cuda(dst, idx, src, n, inner));
    return;
  }
  const int64_t* ix = idx.data<int64_t>();
  const size_t row_bytes = static_cast<size_t>(inner) * dst.itemsize();
  char* d = static_cast<char*>(dst.raw_data());
  const char* s = static_cast<const char*>(src.raw_data());
  for (int64_t i = 0; i < idx.numel(); ++i) {
    int64_t row = ix[i] < 0 ? ix[i] + n : ix[i];
    std::memcpy(d + row * row_bytes, s + i * row_bytes, row_bytes);
  }
}

}  // namespace

Tensor gather_nd(const Tensor& data, const Tensor& indices) {
  GL_CHECK(data.device() == indices.device(), "gather_nd: data is on ", data.device().str(),
           " but indices are on ", indices.device().str());
  Tensor rows = nd_rows(indices, data.shape(), data.device(), "gather_nd");
  const int64_t m = indices.shape()[0];
  Shape out_shape = rows.shape();
  out_shape.insert(out_shape.end(), data.shape().begin() + m, data.shape().end());
  Shape grid = nd_row_shape(data.shape(), m);
  if (rows.numel() == 0 || grid[1] == 0)
    return Tensor::empty(out_shape, data.dtype(), data.device());
  Tensor picked = take(reshape_to(data, grid), reshape_to(rows, {rows.numel()}), 0, false);
  return reshape_to(picked, out_shape);
}

Tensor scatter_nd(const Tensor& data, const Tensor& indices, const Shape& shape) {
  GL_CHECK(data.device() == indices.device(), "scatter_nd: data is on ", data.device().str(),
           " but indices are on ", indices.device().str());
  check_ndim(shape);
  Tensor rows = nd_rows(indices, shape, data.device(), "scatter_nd");
  const int64_t m = indices.shape()[0];
  Shape expected = rows.shape();
  expected.insert(expected.end(), shape.begin() + m, shape.end());
  GL_CHECK_KIND(data.shape() == expected, ErrorKind::Value, "scatter_nd: data of shape ",
                shape_str(data.shape()), " does not fit indices of shape ",
                shape_str(indices.shape()), " and output shape ", shape_str(shape),
                ": data must have shape ", shape_str(expected));
  Tensor out = full(shape, 0.0, data.dtype(), data.device());
  Shape grid = nd_row_shape(shape, m);
  Tensor flat_rows = reshape_to(rows, {rows.numel()});
  if (out.numel() > 0 && rows.numel() > 0)
    put_rows(reshape_to(out, grid), flat_rows,
             contiguous(reshape_to(detach(data), {rows.numel(), grid[1]})));
  if (should_record({&data})) {
    Shape data_shape = data.shape();
    record_op("scatter_nd", {data}, {&out},
              [flat_rows, grid, data_shape](const GradList& g) -> GradList {
                if (shape_numel(data_shape) == 0)
                  return {full(data_shape, 0.0, g[0].dtype(), g[0].device())};
                return {reshape_to(take(reshape_to(g[0], grid), flat_rows, 0, false), data_shape)};
              });
  }
  return out;
}

void index_put_(const Tensor& dst, const Tensor& index, const Tensor& src) {
  GL_CHECK(dst.ndim() >= 1, "index_put_: the target must have at least one dimension");
  GL_CHECK(dst.is_contiguous(), "index_put_: the target must be contiguous");
  GL_CHECK(dst.device() == index.device() && dst.device() == src.device(),
           "index_put_: target, index and values must be on the same device");
  const int64_t n = dst.shape()[0];
  Tensor idx = index_values(index);
  if (idx.numel() == 0) return;
  Tensor bounds = dst.device().is_cpu() ? idx : to_device(idx, cpu_device());
  const int64_t* ix = bounds.data<int64_t>();
  for (int64_t i = 0; i < bounds.numel(); ++i)
    GL_CHECK_KIND(ix[i] >= -n && ix[i] < n, ErrorKind::Index, "index ", ix[i],
                  " is out of bounds for axis 0 with size ", n);
  Shape expected = idx.shape();
  expected.insert(expected.end(), dst.shape().begin() + 1, dst.shape().end());
  Tensor values = detach(src);
  if (values.shape() != expected) values = broadcast_to(values, expected);
  if (values.dtype() != dst.dtype()) values = astype(values, dst.dtype());
  const int64_t inner = dst.numel() / std::max<int64_t>(n, 1);
  put_rows(dst, reshape_to(idx, {idx.numel()}),
           contiguous(reshape_to(values, {idx.numel(), inner})));
}

}  // namespace gl::ops
