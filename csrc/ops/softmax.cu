// CUDA kernels of softmax / log_softmax (checks and gradients: softmax.cc). The last axis
// gets a warp per row (shuffle reductions); any other axis a thread per column, so
// neighbouring threads read neighbouring elements.
#include <limits>

#include "../cuda/elementwise.cuh"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

constexpr int kWarp = 32;

template <typename A>
__device__ __forceinline__ A warp_max(A v) {
  for (int d = kWarp / 2; d > 0; d /= 2) {
    A o = __shfl_xor_sync(0xffffffffu, v, d);
    v = (o > v || o != o) ? o : v;
  }
  return v;
}
template <typename A>
__device__ __forceinline__ A warp_sum(A v) {
  for (int d = kWarp / 2; d > 0; d /= 2) v += __shfl_xor_sync(0xffffffffu, v, d);
  return v;
}

template <typename T, bool Log>
__global__ void softmax_rows_kernel(const T* x, T* y, int64_t rows, int64_t n, acc_t<T> inv_t) {
  using A = acc_t<T>;
  const int lane = threadIdx.x % kWarp;
  const int64_t warps = int64_t(gridDim.x) * (blockDim.x / kWarp);
  for (int64_t row = (blockIdx.x * int64_t(blockDim.x) + threadIdx.x) / kWarp; row < rows;
       row += warps) {
    const T* xr = x + row * n;
    T* yr = y + row * n;
    A m = -std::numeric_limits<A>::infinity();
    for (int64_t i = lane; i < n; i += kWarp) {
      const A v = static_cast<A>(xr[i]);
      m = (v > m || v != v) ? v : m;
    }
    m = warp_max(m);
    double sum = 0;  // in double, as on the CPU
    for (int64_t i = lane; i < n; i += kWarp) sum += ::exp((static_cast<A>(xr[i]) - m) * inv_t);
    sum = warp_sum(sum);
    const A scale = static_cast<A>(Log ? ::log(sum) : 1.0 / sum);
    for (int64_t i = lane; i < n; i += kWarp) {
      const A z = (static_cast<A>(xr[i]) - m) * inv_t;
      yr[i] = static_cast<T>(Log ? z - scale : ::exp(z) * scale);
    }
  }
}

template <typename T, bool Log>
__global__ void softmax_columns_kernel(const T* x, T* y, int64_t outer, int64_t n, int64_t inner,
                                       acc_t<T> inv_t) {
  using A = acc_t<T>;
  for (int64_t c = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; c < outer * inner;
       c += int64_t(blockDim.x) * gridDim.x) {
    const int64_t base = (c / inner) * n * inner + c % inner;
    A m = -std::numeric_limits<A>::infinity();
    for (int64_t k = 0; k < n; ++k) {
      const A v = static_cast<A>(x[base + k * inner]);
      m = (v > m || v != v) ? v : m;
    }
    double sum = 0;
    for (int64_t k = 0; k < n; ++k) sum += ::exp((static_cast<A>(x[base + k * inner]) - m) * inv_t);
    const A scale = static_cast<A>(Log ? ::log(sum) : 1.0 / sum);
    for (int64_t k = 0; k < n; ++k) {
      const A z = (static_cast<A>(x[base + k * inner]) - m) * inv_t;
      y[base + k * inner] = static_cast<T>(Log ? z - scale : ::exp(z) * scale);
    }
  }
}

template <typename T, bool Log>
void launch_softmax(const T* x, T* y, int64_t outer, int64_t n, int64_t inner, double temperature) {
  const acc_t<T> inv_t = static_cast<acc_t<T>>(1.0 / temperature);
  if (inner == 1) {
    softmax_rows_kernel<T, Log>
        <<<cuda::grid_for(outer * kWarp), cuda::kBlock>>>(x, y, outer, n, inv_t);
  } else {
    softmax_columns_kernel<T, Log>
        <<<cuda::grid_for(outer * inner), cuda::kBlock>>>(x, y, outer, n, inner, inv_t);
  }
}

}  // namespace

void softmax_cuda(const Tensor& out, const Tensor& x, int64_t outer, int64_t n, int64_t inner,
                  double temperature, bool log) {
  GL_DISPATCH_FLOAT(x.dtype(), log ? "log_softmax" : "softmax", {
    const scalar_t* xp = x.data<scalar_t>();
    scalar_t* yp = out.data<scalar_t>();
    if (log)
      launch_softmax<scalar_t, true>(xp, yp, outer, n, inner, temperature);
    else
      launch_softmax<scalar_t, false>(xp, yp, outer, n, inner, temperature);
  });
  cuda::check_launch(log ? "log_softmax" : "softmax");
}

}  // namespace gl::ops
