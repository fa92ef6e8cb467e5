// The LeakyReLU family (MXNet's nd.LeakyReLU): leaky, prelu, elu, selu, gelu. Elementwise
// kernels over the shared strided loop; functors in leaky_relu.h, CUDA kernel in
// leaky_relu.cu. PReLU, whose slope is a learnable per-channel parameter, is composed of
// recorded ops so its gradients (data and gamma) come from them.
#include "../autograd/autograd.h"
#include "../cuda/runtime.h"
#include "elementwise.h"
#include "leaky_relu.h"
#include "nn_ops.h"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

Tensor leaky_forward(const Tensor& x, LeakyAct act, double slope) {
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (x.device().is_gpu()) {
    GL_CUDA_LAUNCH("LeakyReLU", x.device(), leaky_relu_cuda(y, x, int(act), slope));
    return y;
  }
  StridedLayout<2> L = layout_unary(y, x);
  GL_DISPATCH_FLOAT(x.dtype(), "LeakyReLU", {
    cpu_map1(L, y.data<scalar_t>(), x.data<scalar_t>(), LeakyReluF{int(act), slope});
  });
  return y;
}

Tensor leaky_grad(const Tensor& x, const Tensor& dy, LeakyAct act, double slope) {
  Tensor dx = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (x.device().is_gpu()) {
    GL_CUDA_LAUNCH("LeakyReLU", x.device(), leaky_relu_grad_cuda(dx, x, dy, int(act), slope));
    return dx;
  }
  StridedLayout<3> L = layout_binary(dx, x, dy);
  GL_DISPATCH_FLOAT(x.dtype(), "LeakyReLU", {
    cpu_map2(L, dx.data<scalar_t>(), x.data<scalar_t>(), dy.data<scalar_t>(),
             LeakyReluGradF{int(act), slope});
  });
  return dx;
}

// y = x where x > 0, gamma * x elsewhere; gamma (1,) or (C,) broadcast along axis 1.
Tensor prelu(const Tensor& x, const Tensor& gamma) {
  GL_CHECK(gamma.ndim() == 1, "LeakyReLU: act_type='prelu' needs a 1-D gamma, got shape ",
           shape_str(gamma.shape()));
  Tensor slope = gamma;
  if (gamma.size(0) != 1) {
    GL_CHECK(x.ndim() >= 2 && x.size(1) == gamma.size(0), "LeakyReLU: prelu's gamma ",
             shape_str(gamma.shape()), " must have one entry per channel (axis 1) of the input ",
             shape_str(x.shape()), ", or a single entry");
    Shape s(static_cast<size_t>(x.ndim()), 1);
    s[1] = gamma.size(0);
    slope = reshape(gamma, s, false);
  }
  Tensor positive = binary_scalar(BinaryOp::Greater, detach(x), 0.0, false);
  return where(positive, x, mul(slope, x));
}

}  // namespace

Tensor leaky_relu(const Tensor& x, const Tensor* gamma, LeakyAct act, double slope) {
  if (!is_floating(x.dtype())) throw_unsupported_dtype("LeakyReLU", x.dtype());
  if (act == LeakyAct::Prelu) {
    GL_CHECK(gamma != nullptr, "LeakyReLU: act_type='prelu' needs gamma (the learnable slopes)");
    GL_CHECK(gamma->dtype() == x.dtype() && gamma->device() == x.device(), "LeakyReLU: gamma (",
             dtype_name(gamma->dtype()), ", ", gamma->device().str(), ") must match the data (",
             dtype_name(x.dtype()), ", ", x.device().str(), ")");
    return prelu(x, *gamma);
  }
  Tensor y = leaky_forward(x, act, slope);
  if (should_record({&x})) {
    record_op("LeakyReLU", {x}, {&y}, [x, act, slope](const GradList& g) -> GradList {
      return {leaky_grad(detach(x), contiguous(g[0]), act, slope)};
    });
  }
  return y;
}

}  // namespace gl::ops
