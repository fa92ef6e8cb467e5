// CUDA kernels of pooling.cc: one thread per output element forward; the backward is a
// gather (one thread per input element over the windows that contain it), so it needs no
// atomics and is deterministic. Window geometry: pool_window() in nn_ops.h, as on the CPU.
#include <cuda_runtime.h>

#include <limits>

#include "nn_kernels.cuh"
#include "nn_ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

template <typename T>
__global__ void pool_forward_kernel(const T* __restrict__ x, T* __restrict__ y,
                                    int64_t* __restrict__ argmax, PoolGeometry g, int64_t total) {
  using A = acc_t<T>;
  const int64_t in_size = g.in_size(), out_size = g.out_size();
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
       i += int64_t(blockDim.x) * gridDim.x) {
    const int64_t plane = i / out_size;
    const PoolWindow w = pool_window(g, i % out_size);
    const T* xp = x + plane * in_size;
    A result;
    if (g.type == int(PoolType::Max)) {
      A best = std::numeric_limits<A>::lowest();
      int64_t best_at = -1;
      for (int64_t d = w.start[0]; d < w.end[0]; ++d)
        for (int64_t h = w.start[1]; h < w.end[1]; ++h)
          for (int64_t c = w.start[2]; c < w.end[2]; ++c) {
            const int64_t at = (d * g.in[1] + h) * g.in[2] + c;
            const A v = static_cast<A>(xp[at]);
            if (v > best || (v != v && best == best)) {  // the first NaN wins, as on the CPU
              best = v;
              best_at = at;
            }
          }
      result = best;
      if (argmax) argmax[i] = best_at;
    } else {
      A sum = A(0);
      for (int64_t d = w.start[0]; d < w.end[0]; ++d)
        for (int64_t h = w.start[1]; h < w.end[1]; ++h)
          for (int64_t c = w.start[2]; c < w.end[2]; ++c)
            sum += static_cast<A>(xp[(d * g.in[1] + h) * g.in[2] + c]);
      result = g.type == int(PoolType::Sum) ? sum
               : w.divisor > 0              ? sum / static_cast<A>(w.divisor)
                                            : A(0);
    }
    y[i] = static_cast<T>(result);
  }
}

// Output positions along one axis whose window can contain input index i: [lo, hi).
__device__ __forceinline__ void covering(const PoolGeometry& g, int a, int64_t i, int64_t* lo,
                                         int64_t* hi) {
  const int64_t first = i + g.pad[a] - g.kernel[a] + 1;  // window start must be >= this
  *lo = first <= 0 ? 0 : (first + g.stride[a] - 1) / g.stride[a];
  const int64_t last = (i + g.pad[a]) / g.stride[a];
  *hi = last + 1 < g.out[a] ? last + 1 : g.out[a];
}

template <typename T>
__global__ void pool_backward_kernel(const T* __restrict__ dy, const int64_t* __restrict__ argmax,
                                     T* __restrict__ dx, PoolGeometry g, int64_t total) {
  using A = acc_t<T>;
  const int64_t in_size = g.in_size(), out_size = g.out_size();
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
       i += int64_t(blockDim.x) * gridDim.x) {
    const int64_t plane = i / in_size, at = i % in_size;
    const int64_t pos[3] = {at / (g.in[1] * g.in[2]), (at / g.in[2]) % g.in[1], at % g.in[2]};
    int64_t lo[3], hi[3];
    for (int a = 0; a < 3; ++a) covering(g, a, pos[a], &lo[a], &hi[a]);
    const T* gp = dy + plane * out_size;
    A sum = A(0);
    for (int64_t od = lo[0]; od < hi[0]; ++od)
      for (int64_t oh = lo[1]; oh < hi[1]; ++oh)
        for (int64_t ow = lo[2]; ow < hi[2]; ++ow) {
          const int64_t o = (od * g.out[1] + oh) * g.out[2] + ow;
          if (g.type == int(PoolType::Max)) {
            if (argmax[plane * out_size + o] == at) sum += static_cast<A>(gp[o]);
          } else if (g.type == int(PoolType::Sum)) {
            sum += static_cast<A>(gp[o]);
          } else {
            const int64_t divisor = pool_window(g, o).divisor;
            if (divisor > 0) sum += static_cast<A>(gp[o]) / static_cast<A>(divisor);
          }
        }
    dx[i] = static_cast<T>(sum);
  }
}

}  // namespace

void pool_forward_cuda(const Tensor& x, const Tensor& y, const Tensor* argmax,
                       const PoolGeometry& g) {
  const int64_t total = g.planes * g.out_size();
  if (total == 0) return;
  GL_DISPATCH_FLOAT(x.dtype(), "Pooling", {
    pool_forward_kernel<scalar_t><<<cuda::grid_for(total), cuda::kBlock>>>(
        x.data<scalar_t>(), y.data<scalar_t>(), argmax ? argmax->data<int64_t>() : nullptr, g,
        total);
  });
  cuda::check_launch("Pooling");
}

void pool_backward_cuda(const Tensor& dy, const Tensor* argmax, const Tensor& dx,
                        const PoolGeometry& g) {
  const int64_t total = g.planes * g.in_size();
  if (total == 0) return;
  GL_DISPATCH_FLOAT(dx.dtype(), "Pooling", {
    pool_backward_kernel<scalar_t><<<cuda::grid_for(total), cuda::kBlock>>>(
        dy.data<scalar_t>(), argmax ? argmax->data<int64_t>() : nullptr, dx.data<scalar_t>(), g,
        total);
  });
  cuda::check_launch("Pooling (backward)");
}

}  // namespace gl::ops
