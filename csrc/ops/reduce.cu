// CUDA kernels of the reduction family (layout built by reduce.cc: operand 0 is the output
// with stride 0 on the reduced dims, operand 1 the input). An inner (contiguous) reduction
// gives each output a thread block; an outer one gives each output a thread, so
// neighbouring threads read neighbouring elements. Few long reductions are split over
// grid.y and their partial results folded by a second kernel.
#include <algorithm>
#include <limits>
#include <type_traits>

#include "../cuda/elementwise.cuh"
#include "reduce_functors.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

using cuda::kBlock;

// Input offset of output `o` (kept dims) and of reduced position `r` (reduced dims).
__device__ __forceinline__ int64_t kept_offset(const StridedLayout<2>& L, int64_t o) {
  int64_t off = 0;
  for (int i = L.ndim - 1; i >= 0; --i) {
    if (L.strides[0][i] == 0) continue;
    off += (o % L.shape[i]) * L.strides[1][i];
    o /= L.shape[i];
  }
  return off;
}
__device__ __forceinline__ int64_t reduced_offset(const StridedLayout<2>& L, int64_t r) {
  int64_t off = 0;
  for (int i = L.ndim - 1; i >= 0; --i) {
    if (L.strides[0][i] != 0) continue;
    off += (r % L.shape[i]) * L.strides[1][i];
    r /= L.shape[i];
  }
  return off;
}

// Writes a block's or thread's result: final value, or partial result `split` of output o.
template <typename R, typename T, typename A>
__device__ __forceinline__ void store(A acc, int64_t o, T* out, A* partial, bool mean,
                                      int64_t n_red) {
  if (partial)
    partial[o * gridDim.y + blockIdx.y] = acc;
  else
    out[o] = finalize<R, T>(acc, mean, n_red);
}

template <typename R, typename T, typename A>
__global__ void reduce_block_kernel(StridedLayout<2> L, int64_t n_out, int64_t n_red, int64_t chunk,
                                    const T* x, T* out, A* partial, bool mean) {
  __shared__ __align__(16) unsigned char smem_bytes[kBlock * sizeof(A)];
  A* smem = reinterpret_cast<A*>(smem_bytes);
  typename R::F f;
  const int64_t r0 = blockIdx.y * chunk;
  const int64_t r1 = r0 + chunk < n_red ? r0 + chunk : n_red;
  for (int64_t o = blockIdx.x; o < n_out; o += gridDim.x) {
    const T* base = x + kept_offset(L, o);
    A acc = R::template identity<A>();
    for (int64_t r = r0 + threadIdx.x; r < r1; r += blockDim.x)
      acc = f(acc, static_cast<A>(base[reduced_offset(L, r)]));
    smem[threadIdx.x] = acc;
    __syncthreads();
    for (int w = blockDim.x / 2; w > 0; w >>= 1) {
      if (threadIdx.x < w) smem[threadIdx.x] = f(smem[threadIdx.x], smem[threadIdx.x + w]);
      __syncthreads();
    }
    if (threadIdx.x == 0) store<R>(smem[0], o, out, partial, mean, n_red);
    __syncthreads();
  }
}

template <typename R, typename T, typename A>
__global__ void reduce_thread_kernel(StridedLayout<2> L, int64_t n_out, int64_t n_red,
                                     int64_t chunk, const T* x, T* out, A* partial, bool mean) {
  typename R::F f;
  const int64_t r0 = blockIdx.y * chunk;
  const int64_t r1 = r0 + chunk < n_red ? r0 + chunk : n_red;
  for (int64_t o = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; o < n_out;
       o += int64_t(blockDim.x) * gridDim.x) {
    const T* base = x + kept_offset(L, o);
    A acc = R::template identity<A>();
    for (int64_t r = r0; r < r1; ++r) acc = f(acc, static_cast<A>(base[reduced_offset(L, r)]));
    store<R>(acc, o, out, partial, mean, n_red);
  }
}

template <typename R, typename T, typename A>
__global__ void fold_partials_kernel(int64_t n_out, int splits, const A* partial, T* out, bool mean,
                                     int64_t n_red) {
  typename R::F f;
  for (int64_t o = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; o < n_out;
       o += int64_t(blockDim.x) * gridDim.x) {
    A acc = partial[o * splits];
    for (int s = 1; s < splits; ++s) acc = f(acc, partial[o * splits + s]);
    out[o] = finalize<R, T>(acc, mean, n_red);
  }
}

// numpy's rule: the first extreme wins, and the first NaN beats everything.
template <bool IsMax, typename T, typename O>
__global__ void argreduce_kernel(StridedLayout<2> L, int64_t n_out, int64_t n_red, const T* x,
                                 O* out) {
  using A = acc_t<T>;
  for (int64_t o = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; o < n_out;
       o += int64_t(blockDim.x) * gridDim.x) {
    const T* base = x + kept_offset(L, o);
    A best = static_cast<A>(base[0]);
    int64_t best_index = 0;
    for (int64_t r = 1; r < n_red; ++r) {
      const A v = static_cast<A>(base[reduced_offset(L, r)]);
      const bool better = IsMax ? v > best : v < best;
      if (better || (v != v && best == best)) {
        best = v;
        best_index = r;
      }
    }
    out[o] = static_cast<O>(best_index);
  }
}

}  // namespace

void reduce_cuda(ReduceOp op, const Tensor& out, const Tensor& x, const StridedLayout<2>& L) {
  const int64_t n_out = out.numel(), n_red = x.numel() / n_out;
  const bool mean = op == ReduceOp::Mean;
  // A block per output pays off only for long contiguous reductions.
  const bool inner = L.strides[0][L.ndim - 1] == 0 && n_red > 128;
  // Enough blocks to fill the GPU; split the reductions when the outputs alone cannot.
  constexpr int64_t kTargetBlocks = 1024, kMinPerSplit = 4096;
  const int64_t out_blocks = inner ? n_out : (n_out + kBlock - 1) / kBlock;
  int64_t splits = 1;
  if (out_blocks < kTargetBlocks && n_red >= 2 * kMinPerSplit)
    splits = std::min<int64_t>({n_red / kMinPerSplit, kTargetBlocks / out_blocks, 1024});
  const int64_t chunk = (n_red + splits - 1) / splits;
  dim3 grid(static_cast<unsigned>(std::min<int64_t>(std::max<int64_t>(out_blocks, 1), 65535 * 8)),
            static_cast<unsigned>(splits));
  GL_DISPATCH_ALL(
      x.dtype(), "reduce", visit_reduce(op, [&](auto reducer) {
        using R = decltype(reducer);
        using A = typename ReduceTypes<scalar_t, R>::Fold;
        const scalar_t* xp = x.data<scalar_t>();
        scalar_t* op_ = out.data<scalar_t>();
        Tensor partial_buf;
        A* partial = nullptr;
        if (splits > 1) {
          partial_buf = Tensor::empty({static_cast<int64_t>(n_out * splits * sizeof(A))},
                                      DType::UInt8, x.device());
          partial = static_cast<A*>(partial_buf.raw_data());
        }
        if (inner) {
          reduce_block_kernel<R><<<grid, kBlock>>>(L, n_out, n_red, chunk, xp, op_, partial, mean);
        } else {
          reduce_thread_kernel<R><<<grid, kBlock>>>(L, n_out, n_red, chunk, xp, op_, partial, mean);
        }
        cuda::check_launch("reduce");
        if (partial) {
          fold_partials_kernel<R><<<cuda::grid_for(n_out), kBlock>>>(
              n_out, static_cast<int>(splits), partial, op_, mean, n_red);
          cuda::check_launch("reduce");
        }
      }));
}

void argreduce_cuda(bool is_max, const Tensor& out, const Tensor& x, const StridedLayout<2>& L) {
  const int64_t n_out = out.numel(), n_red = x.numel() / n_out;
  GL_DISPATCH_ALL(x.dtype(), is_max ? "argmax" : "argmin", {
    using O = std::conditional_t<std::is_same<scalar_t, bool>::value, float, scalar_t>;
    if (is_max) {
      argreduce_kernel<true>
          <<<cuda::grid_for(n_out), kBlock>>>(L, n_out, n_red, x.data<scalar_t>(), out.data<O>());
    } else {
      argreduce_kernel<false>
          <<<cuda::grid_for(n_out), kBlock>>>(L, n_out, n_red, x.data<scalar_t>(), out.data<O>());
    }
    cuda::check_launch(is_max ? "argmax" : "argmin");
  });
}

}  // namespace gl::ops
