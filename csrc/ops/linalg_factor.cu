// CUDA side of potrf, potri, gelqf, syevd, inverse, det and slogdet
// (linalg_factor.cc).
// The per-matrix loops are the CPU's, from linalg_kernels.h, run one thread per matrix.
#include "cuda_kernels.h"
#include "linalg_kernels.h"

namespace gl::ops {

template void linalg_for_each_cuda(const la::CholeskyFn<float>&, int64_t);
template void linalg_for_each_cuda(const la::CholeskyFn<double>&, int64_t);
template void linalg_for_each_cuda(const la::LuFn<float>&, int64_t);
template void linalg_for_each_cuda(const la::LuFn<double>&, int64_t);
template void linalg_for_each_cuda(const la::LqFn<float>&, int64_t);
template void linalg_for_each_cuda(const la::LqFn<double>&, int64_t);
template void linalg_for_each_cuda(const la::EigenFn<float>&, int64_t);
template void linalg_for_each_cuda(const la::EigenFn<double>&, int64_t);

}  // namespace gl::ops
