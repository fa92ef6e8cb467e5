// The CUDA twin of ops/elementwise.h: one grid-stride kernel per operand count, taking the
// same collapsed StridedLayout, with a flat fast path when every operand is contiguous.
#pragma once
#include <cuda_runtime.h>

#include "../ops/elementwise.h"
#include "runtime.h"

namespace gl::cuda {

constexpr int kBlock = 256;

inline int grid_for(int64_t n) {
  int64_t blocks = (n + kBlock - 1) / kBlock;
  return static_cast<int>(blocks > 65535 * 8 ? 65535 * 8 : (blocks < 1 ? 1 : blocks));
}

template <int N>
__device__ __forceinline__ void layout_offsets(const StridedLayout<N>& L, int64_t linear,
                                               int64_t* off) {
  for (int k = 0; k < N; ++k) off[k] = 0;
  for (int i = L.ndim - 1; i >= 0; --i) {
    int64_t idx = linear % L.shape[i];
    linear /= L.shape[i];
    for (int k = 0; k < N; ++k) off[k] += idx * L.strides[k][i];
  }
}

template <int N>
bool layout_is_flat(const StridedLayout<N>& L) {
  if (L.ndim != 1) return false;
  for (int k = 0; k < N; ++k)
    if (L.strides[k][0] != 1) return false;
  return true;
}

template <typename Out, typename In, typename F>
__global__ void map1_kernel(StridedLayout<2> L, int64_t n, bool flat, Out* out, const In* in, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    if (flat) {
      out[i] = f(in[i]);
    } else {
      int64_t off[2];
      layout_offsets<2>(L, i, off);
      out[off[0]] = f(in[off[1]]);
    }
  }
}

template <typename Out, typename In, typename F>
__global__ void map2_kernel(StridedLayout<3> L, int64_t n, bool flat, Out* out, const In* a,
                            const In* b, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
       i += int64_t(blockDim.x) * gridDim.x) {
    if (flat) {
      out[i] = f(a[i], b[i]);
    } else {
      int64_t off[3];
      layout_offsets<3>(L, i, off);
      out[off[0]] = f(a[off[1]], b[off[2]]);
    }
  }
}

template <typename Out, typename In, typename F>
void gpu_map1(const StridedLayout<2>& L, Out* out, const In* in, F f, const char* op) {
  int64_t n = L.numel();
  if (n == 0) return;
  map1_kernel<<<grid_for(n), kBlock>>>(L, n, layout_is_flat(L), out, in, f);
  check_launch(op);
}

template <typename Out, typename In, typename F>
void gpu_map2(const StridedLayout<3>& L, Out* out, const In* a, const In* b, F f, const char* op) {
  int64_t n = L.numel();
  if (n == 0) return;
  map2_kernel<<<grid_for(n), kBlock>>>(L, n, layout_is_flat(L), out, a, b, f);
  check_launch(op);
}

}  // namespace gl::cuda
