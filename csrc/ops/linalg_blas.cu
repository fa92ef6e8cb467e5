// CUDA side of trmm and trsm (linalg_blas.cc); gemm, gemm2 and syrk run on the
// GEMM of matmul.cu.
// The per-matrix loops are the CPU's, from linalg_kernels.h, run one thread per matrix.
#include "cuda_kernels.h"
#include "linalg_kernels.h"

namespace gl::ops {

template void linalg_for_each_cuda(const la::TriangularFn<float>&, int64_t);
template void linalg_for_each_cuda(const la::TriangularFn<double>&, int64_t);

}  // namespace gl::ops
