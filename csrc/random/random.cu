// CUDA kernels of the random fills and of shuffle's row gather. Built with --fmad=false:
// the transforms in philox.h must round exactly as on the CPU (random.cc).
#include <cuda_runtime.h>

#include "../cuda/elementwise.cuh"
#include "philox.h"
#include "../ops/cuda_kernels.h"

namespace gl::ops {

namespace {

// One thread per Philox block; block b writes elements b*kPerBlock .. b*kPerBlock+kPerBlock-1,
// exactly as the CPU kernel does, whatever the grid.
template <typename Fn>
__global__ void philox_fill_kernel(typename Fn::value_type* out, int64_t n, uint64_t seed,
                                   uint64_t stream, Fn fn) {
  using T = typename Fn::value_type;
  constexpr int kPer = Fn::kPerBlock;
  const int64_t blocks = (n + kPer - 1) / kPer;
  for (int64_t b = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; b < blocks;
       b += int64_t(blockDim.x) * gridDim.x) {
    uint32_t words[4];
    philox::block_words(seed, stream, static_cast<uint64_t>(b), words);
    T values[kPer];
    fn(words, values);
    const int64_t first = b * kPer;
    if (first + kPer <= n) {
#pragma unroll
      for (int k = 0; k < kPer; ++k) out[first + k] = values[k];
    } else {
      for (int k = 0; first + k < n; ++k) out[first + k] = values[k];
    }
  }
}

// out row r = src row perm[r], moving `Word`-sized units (row_words of them per row).
template <typename Word>
__global__ void gather_rows_kernel(Word* out, const Word* src, const int64_t* perm, int64_t rows,
                                   int64_t row_words) {
  const int64_t total = rows * row_words;
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total;
       i += int64_t(blockDim.x) * gridDim.x) {
    const int64_t r = i / row_words, k = i - r * row_words;
    out[i] = src[perm[r] * row_words + k];
  }
}

template <typename Word>
void launch_gather(void* out, const void* src, const int64_t* perm, int64_t rows,
                   int64_t row_bytes) {
  const int64_t row_words = row_bytes / static_cast<int64_t>(sizeof(Word));
  gather_rows_kernel<Word><<<cuda::grid_for(rows * row_words), cuda::kBlock>>>(
      static_cast<Word*>(out), static_cast<const Word*>(src), perm, rows, row_words);
}

}  // namespace

void random_fill_cuda(const Tensor& t, const philox::DrawSpec& spec, uint64_t seed, uint64_t stream,
                      const char* op) {
  const int64_t n = t.numel();
  if (n == 0) return;
  philox::visit_distribution(spec, t.dtype(), op, [&](auto fn) {
    using Fn = decltype(fn);
    using T = typename Fn::value_type;
    const int64_t blocks = (n + Fn::kPerBlock - 1) / Fn::kPerBlock;
    philox_fill_kernel<Fn>
        <<<cuda::grid_for(blocks), cuda::kBlock>>>(t.data<T>(), n, seed, stream, fn);
  });
  cuda::check_launch(op);
}

// out (contiguous) row r = src (contiguous) row perm_host[r]; the permutation is computed
// on the host (random.cc) and uploaded here.
void gather_rows_cuda(const Tensor& out, const Tensor& src, const int64_t* perm_host) {
  const int64_t rows = out.size(0);
  const int64_t row_bytes = static_cast<int64_t>(out.nbytes()) / rows;
  const int device = out.device().id;
  Tensor perm = Tensor::empty({rows}, DType::Int64, out.device());
  cuda::copy_host_to_device(perm.raw_data(), perm_host, static_cast<size_t>(rows) * 8, device);
  // The widest unit dividing the row size and both base addresses.
  const uintptr_t align = reinterpret_cast<uintptr_t>(out.raw_data()) |
                          reinterpret_cast<uintptr_t>(src.raw_data()) |
                          static_cast<uintptr_t>(row_bytes);
  const int64_t* p = perm.data<int64_t>();
  if (align % 8 == 0) {
    launch_gather<uint64_t>(out.raw_data(), src.raw_data(), p, rows, row_bytes);
  } else if (align % 4 == 0) {
    launch_gather<uint32_t>(out.raw_data(), src.raw_data(), p, rows, row_bytes);
  } else if (align % 2 == 0) {
    launch_gather<uint16_t>(out.raw_data(), src.raw_data(), p, rows, row_bytes);
  } else {
    launch_gather<uint8_t>(out.raw_data(), src.raw_data(), p, rows, row_bytes);
  }
  cuda::check_launch("shuffle");
}

}  // namespace gl::ops
