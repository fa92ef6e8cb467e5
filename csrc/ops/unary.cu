// CUDA kernel of the unary elementwise family (functors shared with unary.cc).
#include "../cuda/elementwise.cuh"
#include "math_functors.h"
#include "cuda_kernels.h"

namespace gl::ops {

void unary_cuda(UnaryOp op, const Tensor& out, const Tensor& x) {
  StridedLayout<2> L = layout_unary(out, x);
  GL_DISPATCH_ALL(x.dtype(), "unary", visit_unary(op, [&](auto f) {
                    cuda::gpu_map1(L, out.data<scalar_t>(), x.data<scalar_t>(), f, "unary op");
                  }));
}

}  // namespace gl::ops
