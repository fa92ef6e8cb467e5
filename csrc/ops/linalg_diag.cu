// CUDA side of extracttrian and maketrian (linalg_diag.cc).
// The per-matrix loops are the CPU's, from linalg_kernels.h, run one thread per matrix.
#include "cuda_kernels.h"
#include "linalg_kernels.h"

namespace gl::ops {

template void linalg_for_each_cuda(const la::TrianPackFn<float>&, int64_t);
template void linalg_for_each_cuda(const la::TrianPackFn<double>&, int64_t);

}  // namespace gl::ops
