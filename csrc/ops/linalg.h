// nd.linalg: MXNet's batched linear-algebra operators. Every op works on the trailing two
// axes (gemm and gemm2: the `axis` given and the last), batched over the leading ones, in
// float32 and float64, and records its gradient. Three file pairs:
//   linalg_blas.cc/.cu    gemm, gemm2, syrk, trmm, trsm
//   linalg_factor.cc/.cu  potrf, potri, gelqf, syevd, inverse, det, slogdet
//   linalg_diag.cc/.cu    extractdiag, makediag, extracttrian, maketrian, sumlogdiag
// The per-matrix loops they run are in linalg_kernels.h, shared by the CPU and the GPU.
#pragma once
#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "../core/parallel.h"
#include "../core/tensor.h"
#include "../cuda/runtime.h"
#include "cuda_kernels.h"

namespace gl::ops {

// ---- linalg_blas.cc ---------------------------------------------------------------------
// alpha op(A) op(B) + beta C; the matrix rows lie along `axis`, the columns along the last.
Tensor linalg_gemm(const Tensor& a, const Tensor& b, const Tensor& c, bool transpose_a,
                   bool transpose_b, double alpha, double beta, int axis);
Tensor linalg_gemm2(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b,
                    double alpha, int axis);
// alpha A A^T, or alpha A^T A with `transpose`.
Tensor linalg_syrk(const Tensor& a, bool transpose, double alpha);
// alpha op(A) B (or alpha B op(A) with `rightside`) for the triangular A, and the solution X
// of op(A) X = alpha B (or X op(A) = alpha B). Only A's lower (or upper) triangle is read.
Tensor linalg_trmm(const Tensor& a, const Tensor& b, bool transpose, bool rightside, bool lower,
                   double alpha);
Tensor linalg_trsm(const Tensor& a, const Tensor& b, bool transpose, bool rightside, bool lower,
                   double alpha);

// ---- linalg_factor.cc -------------------------------------------------------------------
// Cholesky factor of the symmetric positive definite A, read from its lower (upper) triangle.
Tensor linalg_potrf(const Tensor& a, bool lower);
// B^-1 from B's Cholesky factor A (lower: B = A A^T, upper: B = A^T A).
Tensor linalg_potri(const Tensor& a, bool lower);
std::vector<Tensor> linalg_gelqf(const Tensor& a);  // {Q, L}: A = L Q
std::vector<Tensor> linalg_syevd(const Tensor& a);  // {U, lambda}: U A = diag(lambda) U
Tensor linalg_inverse(const Tensor& a);
// inverse, but singular matrices get zeros instead of an error (det's gradient).
Tensor linalg_inverse_or_zero(const Tensor& a);
Tensor linalg_det(const Tensor& a);
std::vector<Tensor> linalg_slogdet(const Tensor& a);  // {sign, log|det|}

// ---- linalg_diag.cc ---------------------------------------------------------------------
Tensor linalg_extractdiag(const Tensor& a, int64_t offset);
Tensor linalg_makediag(const Tensor& a, int64_t offset);
Tensor linalg_extracttrian(const Tensor& a, int64_t offset, bool lower);
Tensor linalg_maketrian(const Tensor& a, int64_t offset, bool lower);
Tensor linalg_sumlogdiag(const Tensor& a);

// ---- shared by the linalg_*.cc files ------------------------------------------------------
namespace linalg {

// A batch of matrices: the trailing two axes, `batch` = product of the leading ones.
struct Batch {
  Shape lead;  // the leading (batch) axes
  int64_t batch = 1, rows = 0, cols = 0;
};

// Checks that `t` (called `name` in `op`) is a float32/float64 tensor of at least two
// dimensions with no zero-size axis (and square matrices when `square`); returns its batch.
Batch matrices(const char* op, const Tensor& t, const char* name, bool square);
// Checks that `t` has `ref`'s dtype, device and leading axes.
void check_like(const char* op, const Tensor& t, const char* name, const Tensor& ref,
                const char* ref_name, const Batch& ref_batch, const Batch& t_batch);
// Raises MXNetError naming `op` and the matrix when some info value is nonzero; `what`
// gets the matrix name ("A" or "A[1, 0]") and the info value, and returns the message tail.
using InfoMessage = std::function<std::string(const std::string& matrix, int64_t info)>;
void check_info(const char* op, const Tensor& info, const Batch& b, const InfoMessage& what);
// The leading axes plus the given trailing ones.
Shape with_tail(const Shape& lead, std::initializer_list<int64_t> tail);
// x with its last two axes swapped (a recorded view).
Tensor swap_last(const Tensor& x);
// The lower (or upper) triangle of each matrix of x, the rest zeroed (recorded ops).
Tensor triangle(const Tensor& x, bool lower);

// Runs the statements with scalar_t = float or double (the dtypes matrices() admits).
#define GL_LINALG_DISPATCH(DT, ...)   \
  if ((DT) == ::gl::DType::Float64) { \
    using scalar_t = double;          \
    __VA_ARGS__;                      \
  } else {                            \
    using scalar_t = float;           \
    __VA_ARGS__;                      \
  }

// Runs fn(b) for every matrix b of a batch: on the thread pool on the CPU, one GPU thread
// per matrix on a GPU. `work` estimates one matrix's cost, to size the CPU chunks.
template <typename F>
void for_each_matrix(const F& fn, int64_t batch, int64_t work, Device device, const char* op) {
  (void)op;  // names the op in GPU launch errors; unused in CPU-only builds
  if (device.is_gpu()) {
    GL_CUDA_LAUNCH(op, device, linalg_for_each_cuda(fn, batch));
    return;
  }
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(work, 1));
  parallel_for(batch, grain, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) fn(b);
  });
}

}  // namespace linalg
}  // namespace gl::ops
