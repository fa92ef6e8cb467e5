// Unary elementwise ops: CPU kernel, dispatch and gradients. CUDA kernel: unary.cu.
#include "../autograd/autograd.h"
#include "../cuda/runtime.h"
#include "elementwise.h"
#include "math_functors.h"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

const char* unary_name(UnaryOp op) {
  switch (op) {
    case UnaryOp::Neg: return "negative";
    case UnaryOp::Abs: return "abs";
    case UnaryOp::Sign: return "sign";
    case UnaryOp::Exp: return "exp";
    case UnaryOp::Log: return "log";
    case UnaryOp::Sqrt: return "sqrt";
    case UnaryOp::Rsqrt: return "rsqrt";
    case UnaryOp::Square: return "square";
    case UnaryOp::Sigmoid: return "sigmoid";
    case UnaryOp::Tanh: return "tanh";
    case UnaryOp::Relu: return "relu";
    case UnaryOp::Softrelu: return "softrelu";
    case UnaryOp::Softsign: return "softsign";
    case UnaryOp::Sin: return "sin";
    case UnaryOp::Cos: return "cos";
    case UnaryOp::Floor: return "floor";
    case UnaryOp::Ceil: return "ceil";
    case UnaryOp::Round: return "round";
    case UnaryOp::Reciprocal: return "reciprocal";
    case UnaryOp::LogicalNot: return "logical_not";
  }
  return "unary";
}

Tensor unary_forward(UnaryOp op, const Tensor& x) {
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (x.device().is_gpu()) {
    GL_CUDA_LAUNCH(unary_name(op), out.device(), unary_cuda(op, out, x));
    return out;
  }
  StridedLayout<2> L = layout_unary(out, x);
  GL_DISPATCH_ALL(x.dtype(), unary_name(op), visit_unary(op, [&](auto f) {
                    cpu_map1(L, out.data<scalar_t>(), x.data<scalar_t>(), f);
                  }));
  return out;
}

// d op(x) / dx times g, written with ops so it runs on any device and can be recorded.
Tensor unary_grad(UnaryOp op, const Tensor& x, const Tensor& y, const Tensor& g) {
  switch (op) {
    case UnaryOp::Neg: return neg(g);
    case UnaryOp::Abs: return mul(g, unary(UnaryOp::Sign, x));
    case UnaryOp::Exp: return mul(g, y);
    case UnaryOp::Log: return div(g, x);
    case UnaryOp::Sqrt: return div(g, mul_scalar(y, 2.0));
    case UnaryOp::Rsqrt: return mul(g, mul_scalar(mul(y, mul(y, y)), -0.5));
    case UnaryOp::Square: return mul(g, mul_scalar(x, 2.0));
    // The fused *Grad kernels are not differentiable; under create_graph use plain ops.
    case UnaryOp::Sigmoid:
      if (is_recording()) return mul(g, mul(y, binary_scalar(BinaryOp::Sub, y, 1.0, true)));
      return binary(BinaryOp::SigmoidGrad, y, g);
    case UnaryOp::Tanh:
      if (is_recording()) return mul(g, binary_scalar(BinaryOp::Sub, mul(y, y), 1.0, true));
      return binary(BinaryOp::TanhGrad, y, g);
    case UnaryOp::Relu:
      if (is_recording()) return mul(g, binary_scalar(BinaryOp::Greater, y, 0.0, false));
      return binary(BinaryOp::ReluGrad, y, g);
    case UnaryOp::Softrelu: return mul(g, unary(UnaryOp::Sigmoid, x));
    case UnaryOp::Softsign: {
      Tensor d = binary_scalar(BinaryOp::Add, unary(UnaryOp::Abs, x), 1.0, false);
      return div(g, mul(d, d));
    }
    case UnaryOp::Sin: return mul(g, unary(UnaryOp::Cos, x));
    case UnaryOp::Cos: return neg(mul(g, unary(UnaryOp::Sin, x)));
    case UnaryOp::Reciprocal: return neg(mul(g, mul(y, y)));
    case UnaryOp::Sign:
    case UnaryOp::Floor:
    case UnaryOp::Ceil:
    case UnaryOp::Round:
    case UnaryOp::LogicalNot: return full_like(x, 0.0);
  }
  return Tensor();
}

}  // namespace

Tensor unary(UnaryOp op, const Tensor& x) {
  Tensor y = unary_forward(op, x);
  if (should_record({&x})) {
    Tensor y_saved = detach(y);  // a plain view: capturing y itself would form a cycle
    record_op(unary_name(op), {x}, {&y}, [op, x, y_saved](const GradList& g) -> GradList {
      // Under create_graph the output used by the gradient must be differentiable too.
      Tensor out = is_recording() ? unary(op, x) : y_saved;
      return {unary_grad(op, x, out, g[0])};
    });
  }
  return y;
}

}  // namespace gl::ops
