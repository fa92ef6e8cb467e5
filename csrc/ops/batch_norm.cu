// CUDA kernels of batch_norm.cc. Per-channel reductions take one block per channel (the
// threads stride over the channel's outer * inner elements, so reads along `inner` are
// coalesced); normalization and the data gradient are elementwise. Parameters and
// statistics are acc_t<T> (float32 for float16 data).
#include <cuda_runtime.h>

#include "nn_kernels.cuh"
#include "nn_ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

using nn_cuda::block_sum;
using nn_cuda::kReduceThreads;
using nn_cuda::kWarp;

__device__ __forceinline__ int64_t channel_offset(int64_t j, int64_t c, int64_t channels,
                                                  int64_t inner) {
  return (j / inner * channels + c) * inner + j % inner;
}

template <typename T>
__global__ void stats_kernel(const T* __restrict__ x, acc_t<T>* mean, acc_t<T>* var, int64_t outer,
                             int64_t channels, int64_t inner) {
  using A = acc_t<T>;
  __shared__ A scratch[kReduceThreads / kWarp];
  const int64_t c = blockIdx.x, count = outer * inner;
  A sum = A(0);
  for (int64_t j = threadIdx.x; j < count; j += blockDim.x)
    sum += static_cast<A>(x[channel_offset(j, c, channels, inner)]);
  const A m = count > 0 ? block_sum(sum, scratch) / static_cast<A>(count) : A(0);
  A sq = A(0);
  for (int64_t j = threadIdx.x; j < count; j += blockDim.x) {
    const A t = static_cast<A>(x[channel_offset(j, c, channels, inner)]) - m;
    sq += t * t;
  }
  sq = block_sum(sq, scratch);
  if (threadIdx.x == 0) {
    mean[c] = m;
    var[c] = count > 0 ? sq / static_cast<A>(count) : A(0);
  }
}

template <typename T>
__global__ void apply_kernel(const T* __restrict__ x, const acc_t<T>* mean, const acc_t<T>* var,
                             const acc_t<T>* gamma, const acc_t<T>* beta, T* __restrict__ y,
                             acc_t<T> eps, int64_t channels, int64_t inner, int64_t total) {
  using A = acc_t<T>;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
       i += int64_t(blockDim.x) * gridDim.x) {
    const int64_t c = i / inner % channels;
    const A scale = (gamma ? gamma[c] : A(1)) / sqrt(var[c] + eps);
    y[i] = static_cast<T>((static_cast<A>(x[i]) - mean[c]) * scale + beta[c]);
  }
}

// Per channel: dbeta = sum(dy), dgamma = sum(dy * (x - mean)) * invstd.
template <typename T>
__global__ void grad_sums_kernel(const T* __restrict__ x, const T* __restrict__ dy,
                                 const acc_t<T>* mean, const acc_t<T>* var, acc_t<T>* dgamma,
                                 acc_t<T>* dbeta, acc_t<T> eps, int64_t outer, int64_t channels,
                                 int64_t inner) {
  using A = acc_t<T>;
  __shared__ A scratch[kReduceThreads / kWarp];
  const int64_t c = blockIdx.x, count = outer * inner;
  const A m = mean[c];
  A sum_dy = A(0), sum_dy_xmu = A(0);
  for (int64_t j = threadIdx.x; j < count; j += blockDim.x) {
    const int64_t at = channel_offset(j, c, channels, inner);
    const A g = static_cast<A>(dy[at]);
    sum_dy += g;
    sum_dy_xmu += g * (static_cast<A>(x[at]) - m);
  }
  sum_dy = block_sum(sum_dy, scratch);
  sum_dy_xmu = block_sum(sum_dy_xmu, scratch);
  if (threadIdx.x == 0) {
    dbeta[c] = sum_dy;
    dgamma[c] = sum_dy_xmu / sqrt(var[c] + eps);
  }
}

template <typename T>
__global__ void data_grad_kernel(const T* __restrict__ x, const T* __restrict__ dy,
                                 const acc_t<T>* mean, const acc_t<T>* var, const acc_t<T>* gamma,
                                 const acc_t<T>* dgamma, const acc_t<T>* dbeta, T* __restrict__ dx,
                                 acc_t<T> eps, bool batch_stats, int64_t count, int64_t channels,
                                 int64_t inner, int64_t total) {
  using A = acc_t<T>;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
       i += int64_t(blockDim.x) * gridDim.x) {
    const int64_t c = i / inner % channels;
    const A invstd = A(1) / sqrt(var[c] + eps);
    const A k = (gamma ? gamma[c] : A(1)) * invstd;
    A g = static_cast<A>(dy[i]);
    if (batch_stats) {
      // dgamma[c] = sum(dy * xhat), so the projection term is xhat * dgamma / count.
      const A xhat = (static_cast<A>(x[i]) - mean[c]) * invstd;
      g -= (dbeta[c] + xhat * dgamma[c]) / static_cast<A>(count);
    }
    dx[i] = static_cast<T>(k * g);
  }
}

template <typename P>
const P* ptr_or_null(const Tensor* t) {
  return t ? t->data<P>() : nullptr;
}

}  // namespace

void bn_stats_cuda(const Tensor& x, const Tensor& mean, const Tensor& var, int64_t outer,
                   int64_t channels, int64_t inner) {
  if (channels == 0) return;
  GL_DISPATCH_FLOAT(x.dtype(), "BatchNorm", {
    using A = acc_t<scalar_t>;
    stats_kernel<scalar_t><<<static_cast<unsigned>(channels), kReduceThreads>>>(
        x.data<scalar_t>(), mean.data<A>(), var.data<A>(), outer, channels, inner);
  });
  cuda::check_launch("BatchNorm (statistics)");
}

void bn_apply_cuda(const Tensor& x, const Tensor& mean, const Tensor& var, const Tensor* gamma,
                   const Tensor& beta, const Tensor& y, double eps, int64_t outer, int64_t channels,
                   int64_t inner) {
  const int64_t total = outer * channels * inner;
  if (total == 0) return;
  GL_DISPATCH_FLOAT(x.dtype(), "BatchNorm", {
    using A = acc_t<scalar_t>;
    apply_kernel<scalar_t><<<cuda::grid_for(total), cuda::kBlock>>>(
        x.data<scalar_t>(), mean.data<A>(), var.data<A>(), ptr_or_null<A>(gamma), beta.data<A>(),
        y.data<scalar_t>(), static_cast<A>(eps), channels, inner, total);
  });
  cuda::check_launch("BatchNorm");
}

void bn_backward_cuda(const Tensor& x, const Tensor& dy, const Tensor& mean, const Tensor& var,
                      const Tensor* gamma, const Tensor* dx, const Tensor& dgamma,
                      const Tensor& dbeta, double eps, bool batch_stats, int64_t outer,
                      int64_t channels, int64_t inner) {
  if (channels == 0) return;
  const int64_t total = outer * channels * inner;
  GL_DISPATCH_FLOAT(x.dtype(), "BatchNorm", {
    using A = acc_t<scalar_t>;
    grad_sums_kernel<scalar_t><<<static_cast<unsigned>(channels), kReduceThreads>>>(
        x.data<scalar_t>(), dy.data<scalar_t>(), mean.data<A>(), var.data<A>(), dgamma.data<A>(),
        dbeta.data<A>(), static_cast<A>(eps), outer, channels, inner);
    cuda::check_launch("BatchNorm (backward sums)");
    if (dx && total > 0) {
      data_grad_kernel<scalar_t><<<cuda::grid_for(total), cuda::kBlock>>>(
          x.data<scalar_t>(), dy.data<scalar_t>(), mean.data<A>(), var.data<A>(),
          ptr_or_null<A>(gamma), dgamma.data<A>(), dbeta.data<A>(), dx->data<scalar_t>(),
          static_cast<A>(eps), batch_stats, outer * inner, channels, inner, total);
      cuda::check_launch("BatchNorm (backward)");
    }
  });
}

}  // namespace gl::ops
