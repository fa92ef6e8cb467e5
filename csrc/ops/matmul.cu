// CUDA GEMM for matmul.cc: cuBLAS when it loads at run time (float32/float64), otherwise our
// own tiled shared-memory kernel (also the float16 path), plus FullyConnected's bias-gradient
// column sum.
#include <cuda_runtime.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "../core/tensor.h"
#include "../cuda/cublas_loader.h"
#include "../cuda/runtime.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

// ---- tiled kernel ----------------------------------------------------------------------
// A block computes a 64x64 tile of C from 64x16 / 16x64 tiles of op(A) / op(B) staged in
// shared memory; each of its 256 threads owns a 4x4 set of outputs spaced 16 apart, so
// shared-memory reads are broadcasts or consecutive and stores to C coalesce.
constexpr int kTileM = 64, kTileN = 64, kTileK = 16, kThreads = 256, kSub = 4;
constexpr int kMaxGridYZ = 65535;

template <typename T>
__global__ void __launch_bounds__(kThreads)
    gemm_tiled_kernel(bool ta, bool tb, int m, int n, int k, acc_t<T> alpha,
                      const T* __restrict__ a, int64_t lda, int64_t stride_a,
                      const T* __restrict__ b, int64_t ldb, int64_t stride_b, acc_t<T> beta,
                      T* __restrict__ c, int64_t ldc, int64_t stride_c) {
  using Acc = acc_t<T>;
  __shared__ Acc a_tile[kTileK][kTileM + 1];  // [k][m]
  __shared__ Acc b_tile[kTileK][kTileN + 1];  // [k][n]
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
  a += blockIdx.z * stride_a;
  b += blockIdx.z * stride_b;
  c += blockIdx.z * stride_c;
  const int row0 = blockIdx.x * kTileM, col0 = blockIdx.y * kTileN;

  Acc acc[kSub][kSub];
#pragma unroll
  for (int i = 0; i < kSub; ++i)
#pragma unroll
    for (int j = 0; j < kSub; ++j) acc[i][j] = Acc(0);

  for (int k0 = 0; k0 < k; k0 += kTileK) {
    // Consecutive threads load consecutive addresses: along k when the operand is stored
    // k-minor, along m (or n) when it is stored transposed.
#pragma unroll
    for (int e = 0; e < kTileM * kTileK / kThreads; ++e) {
      int idx = tid + e * kThreads;
      int r = ta ? idx % kTileM : idx / kTileK, kk = ta ? idx / kTileM : idx % kTileK;
      int gr = row0 + r, gk = k0 + kk;
      Acc v(0);
      if (gr < m && gk < k) v = Acc(ta ? a[int64_t(gk) * lda + gr] : a[int64_t(gr) * lda + gk]);
      a_tile[kk][r] = v;
    }
#pragma unroll
    for (int e = 0; e < kTileN * kTileK / kThreads; ++e) {
      int idx = tid + e * kThreads;
      int col = tb ? idx / kTileK : idx % kTileN, kk = tb ? idx % kTileK : idx / kTileN;
      int gc = col0 + col, gk = k0 + kk;
      Acc v(0);
      if (gc < n && gk < k) v = Acc(tb ? b[int64_t(gc) * ldb + gk] : b[int64_t(gk) * ldb + gc]);
      b_tile[kk][col] = v;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < kTileK; ++kk) {
      Acc av[kSub], bv[kSub];
#pragma unroll
      for (int i = 0; i < kSub; ++i) av[i] = a_tile[kk][ty + 16 * i];
#pragma unroll
      for (int j = 0; j < kSub; ++j) bv[j] = b_tile[kk][tx + 16 * j];
#pragma unroll
      for (int i = 0; i < kSub; ++i)
#pragma unroll
        for (int j = 0; j < kSub; ++j) acc[i][j] += av[i] * bv[j];
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < kSub; ++i) {
    int r = row0 + ty + 16 * i;
    if (r >= m) continue;
#pragma unroll
    for (int j = 0; j < kSub; ++j) {
      int col = col0 + tx + 16 * j;
      if (col >= n) continue;
      T* out = c + int64_t(r) * ldc + col;
      Acc v = alpha * acc[i][j];
      if (beta != Acc(0)) v += beta * Acc(*out);  // beta == 0 must not read C (may be NaN)
      *out = T(v);
    }
  }
}

template <typename T>
void gemm_tiled(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const T* a,
                int64_t lda, int64_t stride_a, const T* b, int64_t ldb, int64_t stride_b,
                double beta, T* c, int64_t ldc, int64_t stride_c, int64_t batch) {
  const int64_t row_blocks = (m + kTileM - 1) / kTileM;
  const int64_t col_blocks = (n + kTileN - 1) / kTileN;
  // Grid y and z are limited to 65535: very wide outputs and long batches take several
  // launches.
  for (int64_t z0 = 0; z0 < batch; z0 += kMaxGridYZ) {
    for (int64_t y0 = 0; y0 < col_blocks; y0 += kMaxGridYZ) {
      dim3 grid(static_cast<unsigned>(row_blocks),
                static_cast<unsigned>(std::min<int64_t>(col_blocks - y0, kMaxGridYZ)),
                static_cast<unsigned>(std::min<int64_t>(batch - z0, kMaxGridYZ)));
      const int64_t col_off = y0 * kTileN;
      gemm_tiled_kernel<T><<<grid, kThreads>>>(
          ta, tb, int(m), int(n - col_off), int(k), acc_t<T>(alpha), a + z0 * stride_a, lda,
          stride_a, b + z0 * stride_b + (tb ? col_off * ldb : col_off), ldb, stride_b,
          acc_t<T>(beta), c + z0 * stride_c + col_off, ldc, stride_c);
      cuda::check_launch("GEMM (tiled kernel)");
    }
  }
}

// ---- cuBLAS ----------------------------------------------------------------------------
// One handle per device, created on first use and kept for the process (destroying it at
// exit could race the CUDA runtime's own teardown). Work goes to the default stream, like
// every other kernel of ours.
cuda::cublas::Handle cublas_handle(const cuda::cublas::Api* api, int device_id) {
  static std::mutex mutex;
  static std::vector<cuda::cublas::Handle> handles;
  static std::vector<bool> failed;
  std::lock_guard<std::mutex> lock(mutex);
  if (device_id >= static_cast<int>(handles.size())) {
    handles.resize(device_id + 1, nullptr);
    failed.resize(device_id + 1, false);
  }
  if (handles[device_id] == nullptr && !failed[device_id]) {
    cuda::cublas::Handle h = nullptr;
    if (api->create(&h) == cuda::cublas::kSuccess && h != nullptr) {
      api->set_stream(h, nullptr);
      handles[device_id] = h;
    } else {
      failed[device_id] = true;  // e.g. driver too old for this cuBLAS: use the tiled kernel
    }
  }
  return handles[device_id];
}

void check_cublas(int status, const char* what) {
  GL_CHECK(status == cuda::cublas::kSuccess, what, ": cuBLAS returned status ", status,
           "; set GLUONLITE_DISABLE_CUBLAS=1 to use gluonlite's own GEMM kernel instead");
}

// Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: swap the operands.
template <typename T, typename Gemm, typename Batched>
void gemm_cublas(cuda::cublas::Handle h, Gemm gemm_fn, Batched batched_fn, bool ta, bool tb,
                 int64_t m, int64_t n, int64_t k, double alpha, const T* a, int64_t lda,
                 int64_t stride_a, const T* b, int64_t ldb, int64_t stride_b, double beta, T* c,
                 int64_t ldc, int64_t stride_c, int64_t batch) {
  const T alpha_t = static_cast<T>(alpha), beta_t = static_cast<T>(beta);
  const int op_a = ta ? cuda::cublas::kOpT : cuda::cublas::kOpN;
  const int op_b = tb ? cuda::cublas::kOpT : cuda::cublas::kOpN;
  if (batch == 1) {
    check_cublas(gemm_fn(h, op_b, op_a, int(n), int(m), int(k), &alpha_t, b, int(ldb), a, int(lda),
                         &beta_t, c, int(ldc)),
                 "GEMM");
  } else {
    check_cublas(batched_fn(h, op_b, op_a, int(n), int(m), int(k), &alpha_t, b, int(ldb), stride_b,
                            a, int(lda), stride_a, &beta_t, c, int(ldc), stride_c, int(batch)),
                 "batched GEMM");
  }
}

// ---- column sum (FullyConnected's bias gradient) ---------------------------------------
// Threads along x take consecutive columns (coalesced reads of each row); the 8 rows of
// threads along y split the rows and are combined through shared memory.
constexpr int kSumCols = 32, kSumRows = 8;

template <typename T>
__global__ void column_sum_kernel(const T* __restrict__ g, int64_t rows, int64_t cols,
                                  T* __restrict__ out) {
  using Acc = acc_t<T>;
  __shared__ Acc partial[kSumRows][kSumCols];
  const int64_t col = int64_t(blockIdx.x) * kSumCols + threadIdx.x;
  Acc s(0);
  if (col < cols)
    for (int64_t r = threadIdx.y; r < rows; r += kSumRows) s += Acc(g[r * cols + col]);
  partial[threadIdx.y][threadIdx.x] = s;
  __syncthreads();
  if (threadIdx.y == 0 && col < cols) {
    for (int i = 1; i < kSumRows; ++i) s += partial[i][threadIdx.x];
    out[col] = T(s);
  }
}

}  // namespace

void gemm_cuda(DType dtype, int device_id, bool trans_a, bool trans_b, int64_t m, int64_t n,
               int64_t k, double alpha, const void* a, int64_t lda, int64_t stride_a, const void* b,
               int64_t ldb, int64_t stride_b, double beta, void* c, int64_t ldc, int64_t stride_c,
               int64_t batch) {
  const cuda::cublas::Api* api =
      (dtype == DType::Float32 || dtype == DType::Float64) && k > 0 ? cuda::cublas::api() : nullptr;
  cuda::cublas::Handle handle = api ? cublas_handle(api, device_id) : nullptr;
  if (handle != nullptr && dtype == DType::Float32) {
    gemm_cublas<float>(handle, api->sgemm, api->sgemm_strided_batched, trans_a, trans_b, m, n, k,
                       alpha, static_cast<const float*>(a), lda, stride_a,
                       static_cast<const float*>(b), ldb, stride_b, beta, static_cast<float*>(c),
                       ldc, stride_c, batch);
    return;
  }
  if (handle != nullptr && dtype == DType::Float64) {
    gemm_cublas<double>(handle, api->dgemm, api->dgemm_strided_batched, trans_a, trans_b, m, n, k,
                        alpha, static_cast<const double*>(a), lda, stride_a,
                        static_cast<const double*>(b), ldb, stride_b, beta, static_cast<double*>(c),
                        ldc, stride_c, batch);
    return;
  }
  GL_DISPATCH_FLOAT(dtype, "GEMM", {
    gemm_tiled<scalar_t>(trans_a, trans_b, m, n, k, alpha, static_cast<const scalar_t*>(a), lda,
                         stride_a, static_cast<const scalar_t*>(b), ldb, stride_b, beta,
                         static_cast<scalar_t*>(c), ldc, stride_c, batch);
  });
}

void column_sum_cuda(const Tensor& out, const Tensor& g, int64_t rows, int64_t cols) {
  if (cols == 0) return;
  GL_DISPATCH_FLOAT(g.dtype(), "FullyConnected", {
    dim3 grid(static_cast<unsigned>((cols + kSumCols - 1) / kSumCols));
    column_sum_kernel<scalar_t>
        <<<grid, dim3(kSumCols, kSumRows)>>>(g.data<scalar_t>(), rows, cols, out.data<scalar_t>());
    cuda::check_launch("FullyConnected (bias gradient)");
  });
}

}  // namespace gl::ops
