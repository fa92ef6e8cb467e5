// CUDA kernels of sort.cc: a bitonic sort of (key, index) pairs per row (SortKey, sort.h). Rows
// that fit (up to 4096 elements, 48 KiB) are sorted by one block each in shared memory; longer rows
// run the same network in global memory, one launch per merge step. The order is sort.h's total
// order, so the result equals the CPU's.
#include <algorithm>

#include "../cuda/elementwise.cuh"
#include "cuda_kernels.h"
#include "sort.h"

namespace gl::ops {

namespace {

constexpr int64_t kSharedSortMax = 4096;
constexpr size_t kSharedSortBytes = 48 * 1024;

// a sorts before b: real entries (index < n) by key then index; padding goes last. Keys
// are SortKey's, inverted for descending order.
template <typename U, typename I>
__device__ __forceinline__ bool before(U ka, I ia, U kb, I ib, int64_t n) {
  if (ia >= n) return false;
  if (ib >= n) return true;
  return ka < kb || (ka == kb && ia < ib);
}

// One compare-exchange of the bitonic network on the pair starting at `pos`.
template <typename U, typename I>
__device__ __forceinline__ void exchange(U* keys, I* idx, int64_t pos, int64_t stride, int64_t size,
                                         int64_t n) {
  const int64_t partner = pos + stride;
  const bool up = (pos & size) == 0;
  const bool swap = up ? before(keys[partner], idx[partner], keys[pos], idx[pos], n)
                       : before(keys[pos], idx[pos], keys[partner], idx[partner], n);
  if (swap) {
    U k = keys[pos];
    keys[pos] = keys[partner];
    keys[partner] = k;
    I i = idx[pos];
    idx[pos] = idx[partner];
    idx[partner] = i;
  }
}

template <typename T>
__device__ __forceinline__ typename SortKey<T>::U key_of(T v, bool ascend) {
  using U = typename SortKey<T>::U;
  U k = SortKey<T>::of(v);
  return ascend ? k : static_cast<U>(~k);
}

template <typename T>
__global__ void sort_rows_shared(const T* x, int64_t* out, int64_t rows, int64_t n, int64_t inner,
                                 int64_t k, int64_t padded, bool ascend) {
  using U = typename SortKey<T>::U;
  extern __shared__ __align__(16) unsigned char sort_smem[];
  U* keys = reinterpret_cast<U*>(sort_smem);
  int32_t* idx = reinterpret_cast<int32_t*>(sort_smem + padded * sizeof(U));
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const int64_t o = r / inner, i = r % inner;
    const T* row = x + o * n * inner + i;
    for (int64_t j = threadIdx.x; j < padded; j += blockDim.x) {
      keys[j] = j < n ? key_of(row[j * inner], ascend) : U(0);
      idx[j] = static_cast<int32_t>(j);
    }
    for (int64_t size = 2; size <= padded; size <<= 1)
      for (int64_t stride = size / 2; stride > 0; stride >>= 1) {
        __syncthreads();
        for (int64_t t = threadIdx.x; t < padded / 2; t += blockDim.x)
          exchange(keys, idx, 2 * t - (t & (stride - 1)), stride, size, n);
      }
    __syncthreads();
    int64_t* dst = out + o * k * inner + i;
    for (int64_t j = threadIdx.x; j < k; j += blockDim.x) dst[j * inner] = idx[j];
    __syncthreads();  // the next row reuses the shared buffers
  }
}

template <typename T>
__global__ void sort_rows_load(const T* x, typename SortKey<T>::U* keys, int64_t* idx, int64_t rows,
                               int64_t n, int64_t inner, int64_t padded, bool ascend) {
  const int64_t total = rows * padded;
  for (int64_t t = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; t < total;
       t += int64_t(blockDim.x) * gridDim.x) {
    const int64_t r = t / padded, j = t % padded, o = r / inner, i = r % inner;
    keys[t] = j < n ? key_of(x[(o * n + j) * inner + i], ascend) : 0;
    idx[t] = j;
  }
}

template <typename U>
__global__ void sort_rows_step(U* keys, int64_t* idx, int64_t rows, int64_t n, int64_t padded,
                               int64_t size, int64_t stride) {
  const int64_t half = padded / 2, total = rows * half;
  for (int64_t t = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; t < total;
       t += int64_t(blockDim.x) * gridDim.x) {
    const int64_t r = t / half, p = t % half;
    exchange(keys + r * padded, idx + r * padded, 2 * p - (p & (stride - 1)), stride, size, n);
  }
}

__global__ void sort_rows_store(const int64_t* idx, int64_t* out, int64_t rows, int64_t inner,
                                int64_t k, int64_t padded) {
  const int64_t total = rows * k;
  for (int64_t t = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; t < total;
       t += int64_t(blockDim.x) * gridDim.x) {
    const int64_t r = t / k, j = t % k, o = r / inner, i = r % inner;
    out[(o * k + j) * inner + i] = idx[r * padded + j];
  }
}

template <typename T>
void sort_rows_global(const Tensor& x, const Tensor& out, int64_t rows, int64_t n, int64_t inner,
                      int64_t k, int64_t padded, bool ascend) {
  using U = typename SortKey<T>::U;
  Tensor key_buf =
      Tensor::empty({rows * padded * static_cast<int64_t>(sizeof(U))}, DType::UInt8, x.device());
  Tensor idx_buf = Tensor::empty({rows * padded}, DType::Int64, x.device());
  U* keys = static_cast<U*>(key_buf.raw_data());
  int64_t* idx = idx_buf.data<int64_t>();
  sort_rows_load<<<cuda::grid_for(rows * padded), cuda::kBlock>>>(x.data<T>(), keys, idx, rows, n,
                                                                  inner, padded, ascend);
  for (int64_t size = 2; size <= padded; size <<= 1)
    for (int64_t stride = size / 2; stride > 0; stride >>= 1)
      sort_rows_step<<<cuda::grid_for(rows * padded / 2), cuda::kBlock>>>(keys, idx, rows, n,
                                                                          padded, size, stride);
  sort_rows_store<<<cuda::grid_for(rows * k), cuda::kBlock>>>(idx, out.data<int64_t>(), rows, inner,
                                                              k, padded);
}

}  // namespace

void sort_indices_cuda(const Tensor& x, const Tensor& out, int64_t outer, int64_t n, int64_t inner,
                       int64_t k, bool ascend) {
  const int64_t rows = outer * inner;
  if (rows == 0 || k == 0) return;
  int64_t padded = 1;
  while (padded < n) padded <<= 1;
  GL_DISPATCH_ALL(x.dtype(), "sort", {
    using U = typename SortKey<scalar_t>::U;
    const size_t shared = static_cast<size_t>(padded) * (sizeof(U) + sizeof(int32_t));
    if (padded <= kSharedSortMax && shared <= kSharedSortBytes) {
      const int threads =
          static_cast<int>(std::min<int64_t>(1024, std::max<int64_t>(1, padded / 2)));
      const int blocks = static_cast<int>(std::min<int64_t>(rows, 65535 * 8));
      sort_rows_shared<<<blocks, threads, shared>>>(x.data<scalar_t>(), out.data<int64_t>(), rows,
                                                    n, inner, k, padded, ascend);
    } else {
      sort_rows_global<scalar_t>(x, out, rows, n, inner, k, padded, ascend);
    }
  });
  cuda::check_launch("sort");
}

}  // namespace gl::ops
