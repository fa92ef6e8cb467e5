// CUDA kernels of norm.cc (LayerNorm, InstanceNorm): one warp per group of `depth`
// elements, statistics by shuffle reductions in acc_t<T>, then the elementwise pass.
#include <cuda_runtime.h>

#include "nn_kernels.cuh"
#include "nn_ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

using nn_cuda::kWarp;
using nn_cuda::warp_sum;

constexpr int kGroupsPerBlock = 8;

template <typename T>
__global__ void forward_kernel(const T* __restrict__ x, const T* __restrict__ gamma,
                               const T* __restrict__ beta, T* __restrict__ y, T* mean_out,
                               T* invstd_out, NormGeometry g, acc_t<T> eps, int64_t groups) {
  using A = acc_t<T>;
  const int lane = threadIdx.x % kWarp;
  const int64_t warps = int64_t(gridDim.x) * (blockDim.x / kWarp);
  for (int64_t grp = (blockIdx.x * int64_t(blockDim.x) + threadIdx.x) / kWarp; grp < groups;
       grp += warps) {
    const int64_t base = g.group_base(grp);
    A sum = A(0);
    for (int64_t d = lane; d < g.depth; d += kWarp) sum += static_cast<A>(x[base + d * g.inner]);
    const A m = warp_sum(sum) / static_cast<A>(g.depth);
    A sq = A(0);
    for (int64_t d = lane; d < g.depth; d += kWarp) {
      const A t = static_cast<A>(x[base + d * g.inner]) - m;
      sq += t * t;
    }
    const A invstd = A(1) / sqrt(warp_sum(sq) / static_cast<A>(g.depth) + eps);
    for (int64_t d = lane; d < g.depth; d += kWarp) {
      const int64_t at = base + d * g.inner, k = g.param_index(grp, d);
      y[at] = static_cast<T>((static_cast<A>(x[at]) - m) * invstd * static_cast<A>(gamma[k]) +
                             static_cast<A>(beta[k]));
    }
    if (lane == 0) {
      mean_out[grp] = static_cast<T>(m);
      invstd_out[grp] = static_cast<T>(invstd);
    }
  }
}

template <typename T>
__global__ void backward_kernel(const T* __restrict__ x, const T* __restrict__ dy,
                                const T* __restrict__ gamma, const T* __restrict__ mean,
                                const T* __restrict__ invstd, T* __restrict__ dx, NormGeometry g,
                                int64_t groups) {
  using A = acc_t<T>;
  const int lane = threadIdx.x % kWarp;
  const int64_t warps = int64_t(gridDim.x) * (blockDim.x / kWarp);
  for (int64_t grp = (blockIdx.x * int64_t(blockDim.x) + threadIdx.x) / kWarp; grp < groups;
       grp += warps) {
    const int64_t base = g.group_base(grp);
    const A m = static_cast<A>(mean[grp]), s = static_cast<A>(invstd[grp]);
    A sum_dxhat = A(0), sum_dxhat_xhat = A(0);
    for (int64_t d = lane; d < g.depth; d += kWarp) {
      const int64_t at = base + d * g.inner;
      const A dxhat = static_cast<A>(dy[at]) * static_cast<A>(gamma[g.param_index(grp, d)]);
      sum_dxhat += dxhat;
      sum_dxhat_xhat += dxhat * (static_cast<A>(x[at]) - m) * s;
    }
    const A n = static_cast<A>(g.depth);
    const A mean_dxhat = warp_sum(sum_dxhat) / n, mean_proj = warp_sum(sum_dxhat_xhat) / n;
    for (int64_t d = lane; d < g.depth; d += kWarp) {
      const int64_t at = base + d * g.inner;
      const A dxhat = static_cast<A>(dy[at]) * static_cast<A>(gamma[g.param_index(grp, d)]);
      const A xhat = (static_cast<A>(x[at]) - m) * s;
      dx[at] = static_cast<T>(s * (dxhat - mean_dxhat - xhat * mean_proj));
    }
  }
}

int grid_for_groups(int64_t groups) {
  int64_t blocks = (groups + kGroupsPerBlock - 1) / kGroupsPerBlock;
  return static_cast<int>(blocks > 65535 * 8 ? 65535 * 8 : blocks);
}

}  // namespace

void norm_forward_cuda(const Tensor& x, const Tensor& gamma, const Tensor& beta, const Tensor& y,
                       const Tensor& mean, const Tensor& invstd, const NormGeometry& g,
                       double eps) {
  const int64_t groups = g.outer * g.inner;
  if (groups == 0) return;
  GL_DISPATCH_FLOAT(x.dtype(), "norm", {
    forward_kernel<scalar_t><<<grid_for_groups(groups), kGroupsPerBlock * kWarp>>>(
        x.data<scalar_t>(), gamma.data<scalar_t>(), beta.data<scalar_t>(), y.data<scalar_t>(),
        mean.data<scalar_t>(), invstd.data<scalar_t>(), g, static_cast<acc_t<scalar_t>>(eps),
        groups);
  });
  cuda::check_launch("LayerNorm/InstanceNorm");
}

void norm_backward_cuda(const Tensor& x, const Tensor& dy, const Tensor& gamma, const Tensor& mean,
                        const Tensor& invstd, const Tensor& dx, const NormGeometry& g) {
  const int64_t groups = g.outer * g.inner;
  if (groups == 0) return;
  GL_DISPATCH_FLOAT(x.dtype(), "norm", {
    backward_kernel<scalar_t><<<grid_for_groups(groups), kGroupsPerBlock * kWarp>>>(
        x.data<scalar_t>(), dy.data<scalar_t>(), gamma.data<scalar_t>(), mean.data<scalar_t>(),
        invstd.data<scalar_t>(), dx.data<scalar_t>(), g, groups);
  });
  cuda::check_launch("LayerNorm/InstanceNorm (backward)");
}

}  // namespace gl::ops
