// CUDA kernels of the selection ops (index.cc).
#include "../cuda/elementwise.cuh"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

__device__ __forceinline__ int64_t take_index_dev(int64_t i, int64_t n, bool wrap) {
  if (wrap) {
    i %= n;
    return i < 0 ? i + n : i;
  }
  return i < 0 ? 0 : (i >= n ? n - 1 : i);
}

template <typename T>
__global__ void where_kernel(StridedLayout<4> L, int64_t n, T* out, const T* c, const T* x,
                             const T* y) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    int64_t off[4];
    cuda::layout_offsets<4>(L, i, off);
    out[off[0]] = static_cast<acc_t<T>>(c[off[1]]) != 0 ? x[off[2]] : y[off[3]];
  }
}

template <typename T>
__global__ void take_kernel(T* out, const T* src, const int64_t* idx, int64_t outer, int64_t k,
                            int64_t axis_len, int64_t inner, bool wrap) {
  int64_t total = outer * k * inner;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
       i += int64_t(blockDim.x) * gridDim.x) {
    int64_t e = i % inner, j = (i / inner) % k, o = i / (inner * k);
    out[i] = src[(o * axis_len + take_index_dev(idx[j], axis_len, wrap)) * inner + e];
  }
}

template <typename T>
__global__ void take_backward_kernel(T* grad_src, const T* g, const int64_t* idx, int64_t outer,
                                     int64_t k, int64_t axis_len, int64_t inner, bool wrap) {
  int64_t total = outer * k * inner;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
       i += int64_t(blockDim.x) * gridDim.x) {
    int64_t e = i % inner, j = (i / inner) % k, o = i / (inner * k);
    atomicAdd(grad_src + (o * axis_len + take_index_dev(idx[j], axis_len, wrap)) * inner + e, g[i]);
  }
}

template <typename T>
__global__ void one_hot_kernel(T* out, const int64_t* idx, int64_t n, int64_t depth, T on, T off) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n * depth;
       i += int64_t(blockDim.x) * gridDim.x)
    out[i] = idx[i / depth] == i % depth ? on : off;
}

template <typename T>
__global__ void index_put_kernel(T* dst, const int64_t* idx, const T* src, int64_t count, int64_t n,
                                 int64_t inner) {
  for (int64_t t = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; t < count * inner;
       t += int64_t(blockDim.x) * gridDim.x) {
    int64_t i = t / inner, row = idx[i] < 0 ? idx[i] + n : idx[i];
    dst[row * inner + t % inner] = src[t];
  }
}

}  // namespace

void where_cuda(const Tensor& out, const Tensor& cond, const Tensor& x, const Tensor& y) {
  const Shape& shape = out.shape();
  StridedLayout<4> L =
      make_layout<4>(shape, {broadcast_strides(out, shape), broadcast_strides(cond, shape),
                             broadcast_strides(x, shape), broadcast_strides(y, shape)});
  int64_t n = L.numel();
  GL_DISPATCH_ALL(x.dtype(), "where", {
    where_kernel<<<cuda::grid_for(n), cuda::kBlock>>>(
        L, n, out.data<scalar_t>(), cond.data<scalar_t>(), x.data<scalar_t>(), y.data<scalar_t>());
  });
  cuda::check_launch("where");
}

void take_cuda(const Tensor& out, const Tensor& src, const Tensor& idx, int64_t outer,
               int64_t axis_len, int64_t inner, bool wrap) {
  int64_t k = idx.numel(), n = outer * k * inner;
  if (n == 0) return;
  GL_DISPATCH_ALL(src.dtype(), "take", {
    take_kernel<<<cuda::grid_for(n), cuda::kBlock>>>(out.data<scalar_t>(), src.data<scalar_t>(),
                                                     idx.data<int64_t>(), outer, k, axis_len, inner,
                                                     wrap);
  });
  cuda::check_launch("take");
}

void take_backward_cuda(const Tensor& grad_src, const Tensor& g, const Tensor& idx, int64_t outer,
                        int64_t axis_len, int64_t inner, bool wrap) {
  int64_t k = idx.numel(), n = outer * k * inner;
  if (n == 0) return;
  switch (g.dtype()) {
    case DType::Float32:
      take_backward_kernel<<<cuda::grid_for(n), cuda::kBlock>>>(
          grad_src.data<float>(), g.data<float>(), idx.data<int64_t>(), outer, k, axis_len, inner,
          wrap);
      break;
    case DType::Float64:
      take_backward_kernel<<<cuda::grid_for(n), cuda::kBlock>>>(
          grad_src.data<double>(), g.data<double>(), idx.data<int64_t>(), outer, k, axis_len, inner,
          wrap);
      break;
    case DType::Int32:  // integer heads (MXNet's topk of an int32 array) accumulate exactly
      take_backward_kernel<<<cuda::grid_for(n), cuda::kBlock>>>(
          grad_src.data<int32_t>(), g.data<int32_t>(), idx.data<int64_t>(), outer, k, axis_len,
          inner, wrap);
      break;
    default: throw_unsupported_dtype("take backward (GPU)", g.dtype());
  }
  cuda::check_launch("take backward");
}

void one_hot_cuda(const Tensor& out, const Tensor& idx, int64_t depth, double on, double off) {
  int64_t n = idx.numel();
  if (n == 0) return;
  GL_DISPATCH_ALL(out.dtype(), "one_hot", {
    one_hot_kernel<<<cuda::grid_for(n * depth), cuda::kBlock>>>(
        out.data<scalar_t>(), idx.data<int64_t>(), n, depth, static_cast<scalar_t>(on),
        static_cast<scalar_t>(off));
  });
  cuda::check_launch("one_hot");
}

void index_put_cuda(const Tensor& dst, const Tensor& idx, const Tensor& src, int64_t n,
                    int64_t inner) {
  int64_t count = idx.numel();
  if (count == 0 || inner == 0) return;
  GL_DISPATCH_ALL(dst.dtype(), "index_put_", {
    index_put_kernel<<<cuda::grid_for(count * inner), cuda::kBlock>>>(
        dst.data<scalar_t>(), idx.data<int64_t>(), src.data<scalar_t>(), count, n, inner);
  });
  cuda::check_launch("index_put_");
}

}  // namespace gl::ops
