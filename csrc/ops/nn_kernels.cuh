// Pieces shared by the CUDA kernels of the nn ops (convolution, pooling, normalization,
// LeakyReLU): a block-wide sum. (GL_CUDA_LAUNCH makes the tensors' GPU current.)
#pragma once
#include <cuda_runtime.h>

#include "../cuda/elementwise.cuh"

namespace gl::ops::nn_cuda {

constexpr int kWarp = 32;
constexpr int kReduceThreads = 256;

template <typename A>
__device__ __forceinline__ A warp_sum(A v) {
  for (int d = kWarp / 2; d > 0; d /= 2) v += __shfl_xor_sync(0xffffffffu, v, d);
  return v;
}

// Sum of `v` over the block (blockDim.x a multiple of 32, at most 1024); every thread gets
// the result. `scratch` holds one value per warp.
template <typename A>
__device__ __forceinline__ A block_sum(A v, A* scratch) {
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp;
  v = warp_sum(v);
  __syncthreads();  // scratch may still be read by a previous call
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  const int warps = blockDim.x / kWarp;
  A total = A(0);
  for (int i = 0; i < warps; ++i) total += scratch[i];
  return total;
}

}  // namespace gl::ops::nn_cuda
