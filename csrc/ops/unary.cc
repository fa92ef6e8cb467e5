// Unary elementwise ops: CPU kernel, dispatch and gradients, all generated from the table in
// unary_ops.def. CUDA kernel: unary.cu.
#include <iterator>

#include "../autograd/autograd.h"
#include "../cuda/runtime.h"
#include "elementwise.h"
#include "math_functors.h"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {
// In enum order: both come from unary_ops.def.
constexpr UnaryOpInfo kUnaryOps[] = {
#define GL_UNARY_OP(ENUM, NAME, FUNCTOR, EXPOSURE, GRAD) {UnaryOp::ENUM, NAME, Exposure::EXPOSURE},
#include "unary_ops.def"
#undef GL_UNARY_OP
};
}  // namespace

const std::vector<UnaryOpInfo>& unary_ops() {
  static const std::vector<UnaryOpInfo> table(std::begin(kUnaryOps), std::end(kUnaryOps));
  return table;
}

const char* unary_name(UnaryOp op) { return kUnaryOps[static_cast<size_t>(op)].name; }

namespace {

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

// Shorthands for the gradient expressions of unary_ops.def.
using U = UnaryOp;
using B = BinaryOp;
Tensor zeros(const Tensor& x) { return full_like(x, 0.0); }
Tensor sq(const Tensor& t) { return mul(t, t); }
Tensor plus(const Tensor& t, double s) { return binary_scalar(BinaryOp::Add, t, s, false); }
Tensor rsub(double s, const Tensor& t) { return binary_scalar(BinaryOp::Sub, t, s, true); }
Tensor scale(const Tensor& t, double s) { return mul_scalar(t, s); }
[[noreturn]] Tensor no_gradient(UnaryOp op) {
  GL_THROW(ErrorKind::MXNet, unary_name(op),
           " is not differentiable (it is only the gradient of gamma and gammaln, whose "
           "second-order gradients are not supported)");
}

// g * d op(x) / dx, from the table's gradient column.
Tensor unary_grad(UnaryOp op, const Tensor& x, const Tensor& y, const Tensor& g) {
  switch (op) {
#define GL_UNARY_OP(ENUM, NAME, FUNCTOR, EXPOSURE, GRAD) \
  case UnaryOp::ENUM: return GRAD;
#include "unary_ops.def"
#undef GL_UNARY_OP
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
