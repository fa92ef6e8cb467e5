// CUDA kernels of leaky_relu.cc: the shared elementwise kernels with the functors of
// leaky_relu.h.
#include "../cuda/elementwise.cuh"
#include "leaky_relu.h"
#include "cuda_kernels.h"

namespace gl::ops {

void leaky_relu_cuda(const Tensor& y, const Tensor& x, int act, double slope) {
  StridedLayout<2> L = layout_unary(y, x);
  GL_DISPATCH_FLOAT(x.dtype(), "LeakyReLU", {
    cuda::gpu_map1(L, y.data<scalar_t>(), x.data<scalar_t>(), LeakyReluF{act, slope}, "LeakyReLU");
  });
}

void leaky_relu_grad_cuda(const Tensor& dx, const Tensor& x, const Tensor& dy, int act,
                          double slope) {
  StridedLayout<3> L = layout_binary(dx, x, dy);
  GL_DISPATCH_FLOAT(x.dtype(), "LeakyReLU", {
    cuda::gpu_map2(L, dx.data<scalar_t>(), x.data<scalar_t>(), dy.data<scalar_t>(),
                   LeakyReluGradF{act, slope}, "LeakyReLU (backward)");
  });
}

}  // namespace gl::ops
