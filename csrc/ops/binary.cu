// CUDA kernels of the binary elementwise family (functors shared with binary.cc).
#include "../cuda/elementwise.cuh"
#include "math_functors.h"
#include "cuda_kernels.h"

namespace gl::ops {

void binary_cuda(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) {
  StridedLayout<3> L = layout_binary(out, a, b);
  GL_DISPATCH_ALL(a.dtype(), "binary", visit_binary(op, [&](auto f) {
                    cuda::gpu_map2(L, out.data<scalar_t>(), a.data<scalar_t>(), b.data<scalar_t>(),
                                   f, "binary op");
                  }));
}

void binary_scalar_cuda(BinaryOp op, const Tensor& out, const Tensor& a, double s, bool first) {
  StridedLayout<2> L = layout_unary(out, a);
  GL_DISPATCH_ALL(a.dtype(), "binary", visit_binary(op, [&](auto f) {
                    BindScalar<decltype(f), scalar_t> bound{f, static_cast<scalar_t>(s), first};
                    cuda::gpu_map1(L, out.data<scalar_t>(), a.data<scalar_t>(), bound, "binary op");
                  }));
}

}  // namespace gl::ops
