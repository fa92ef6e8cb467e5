// cuBLAS, loaded at run time. The build machines have no cuBLAS headers or library, so the
// few entry points gluonlite calls are declared here by hand (the C ABI of libcublas 12/13)
// and resolved with dlopen/dlsym. When cuBLAS can't be found, GEMMs fall back to our own
// tiled kernel (ops/matmul.cu).
#pragma once

namespace gl::cuda::cublas {

using Handle = struct cublasContext*;  // cublasHandle_t
using Stream = struct CUstream_st*;    // cudaStream_t
constexpr int kSuccess = 0;            // CUBLAS_STATUS_SUCCESS
constexpr int kOpN = 0, kOpT = 1;      // cublasOperation_t

struct Api {
  int (*create)(Handle*);             // cublasCreate_v2
  int (*set_stream)(Handle, Stream);  // cublasSetStream_v2
  int (*sgemm)(Handle, int trans_a, int trans_b, int m, int n, int k, const float* alpha,
               const float* a, int lda, const float* b, int ldb, const float* beta, float* c,
               int ldc);  // cublasSgemm_v2
  int (*dgemm)(Handle, int trans_a, int trans_b, int m, int n, int k, const double* alpha,
               const double* a, int lda, const double* b, int ldb, const double* beta, double* c,
               int ldc);  // cublasDgemm_v2
  int (*sgemm_strided_batched)(Handle, int trans_a, int trans_b, int m, int n, int k,
                               const float* alpha, const float* a, int lda, long long stride_a,
                               const float* b, int ldb, long long stride_b, const float* beta,
                               float* c, int ldc, long long stride_c, int batch);
  int (*dgemm_strided_batched)(Handle, int trans_a, int trans_b, int m, int n, int k,
                               const double* alpha, const double* a, int lda, long long stride_a,
                               const double* b, int ldb, long long stride_b, const double* beta,
                               double* c, int ldc, long long stride_c, int batch);
};

// The loaded API, or nullptr when no cuBLAS library could be loaded or when the environment
// variable GLUONLITE_DISABLE_CUBLAS=1 (read on every call, so tests can flip it) forces the
// fallback kernel. Search order: $GLUONLITE_CUBLAS_PATH (the library file or its folder),
// the nvidia-cublas wheel beside the gluonlite package (nvidia/cu13/lib, nvidia/cublas/lib),
// then the system's libcublas.so.13 / libcublas.so.12.
const Api* api();

// The file that was loaded ("" when none), for diagnostics.
const char* loaded_path();

}  // namespace gl::cuda::cublas
