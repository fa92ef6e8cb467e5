// Binary elementwise ops with numpy broadcasting, their scalar and in-place forms, and
// their gradients, generated from the table in binary_ops.def. CUDA kernel: binary.cu.
#include <algorithm>
#include <iterator>
#include <cmath>
#include <limits>

#include "../autograd/autograd.h"
#include "../cuda/runtime.h"
#include "elementwise.h"
#include "math_functors.h"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {
// In enum order: both come from binary_ops.def.
constexpr BinaryOpInfo kBinaryOps[] = {
#define GL_BINARY_OP(ENUM, NAME, FUNCTOR, ORDER, ND_NAMES, GRAD_A, GRAD_B) \
  {BinaryOp::ENUM, NAME, ND_NAMES, Order::ORDER},
#include "binary_ops.def"
#undef GL_BINARY_OP
};
}  // namespace

const std::vector<BinaryOpInfo>& binary_ops() {
  static const std::vector<BinaryOpInfo> table(std::begin(kBinaryOps), std::end(kBinaryOps));
  return table;
}

const char* binary_name(BinaryOp op) { return kBinaryOps[static_cast<size_t>(op)].name; }

namespace {

void check_operands(BinaryOp op, const Tensor& a, const Tensor& b) {
  GL_CHECK_KIND(a.dtype() == b.dtype(), ErrorKind::MXNet, binary_name(op),
                ": operands have different dtypes (lhs ", dtype_name(a.dtype()), ", rhs ",
                dtype_name(b.dtype()), "); convert one with .astype('", dtype_name(a.dtype()),
                "')");
  GL_CHECK(a.device() == b.device(), binary_name(op), ": operands are on different devices (lhs ",
           a.device().str(), ", rhs ", b.device().str(),
           "); move one with .as_in_context() or .copyto()");
}

void binary_kernel(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) {
  if (out.device().is_gpu()) {
    GL_CUDA_LAUNCH(binary_name(op), out.device(), binary_cuda(op, out, a, b));
    return;
  }
  StridedLayout<3> L = layout_binary(out, a, b);
  GL_DISPATCH_ALL(a.dtype(), binary_name(op), visit_binary(op, [&](auto f) {
                    cpu_map2(L, out.data<scalar_t>(), a.data<scalar_t>(), b.data<scalar_t>(), f);
                  }));
}

void binary_scalar_kernel(BinaryOp op, const Tensor& out, const Tensor& a, double s, bool first) {
  if (out.device().is_gpu()) {
    GL_CUDA_LAUNCH(binary_name(op), out.device(), binary_scalar_cuda(op, out, a, s, first));
    return;
  }
  StridedLayout<2> L = layout_unary(out, a);
  GL_DISPATCH_ALL(a.dtype(), binary_name(op), visit_binary(op, [&](auto f) {
                    BindScalar<decltype(f), scalar_t> bound{f, static_cast<scalar_t>(s), first};
                    cpu_map1(L, out.data<scalar_t>(), a.data<scalar_t>(), bound);
                  }));
}

void check_not_recording_inplace(const Tensor& a, const char* op) {
  GL_CHECK(!(is_recording() && a.requires_grad()), op,
           ": in-place operations (+=, -=, x[:] = ..., etc.) are not supported on an array "
           "that is part of a recorded graph while autograd is recording. Use an "
           "out-of-place form (x = x + y) inside autograd.record().");
}

// Shorthands for the gradient expressions of binary_ops.def.
using U = UnaryOp;
using B = BinaryOp;
Tensor plus(const Tensor& t, double s) { return binary_scalar(BinaryOp::Add, t, s, false); }

// g * d(a op b)/da and g * d(a op b)/db, from the table's gradient columns (undefined: none).
Tensor binary_grad_a(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& y,
                     const Tensor& g) {
  switch (op) {
#define GL_BINARY_OP(ENUM, NAME, FUNCTOR, ORDER, ND_NAMES, GRAD_A, GRAD_B) \
  case BinaryOp::ENUM: return GRAD_A;
#include "binary_ops.def"
#undef GL_BINARY_OP
  }
  return Tensor();
}
Tensor binary_grad_b(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& y,
                     const Tensor& g) {
  switch (op) {
#define GL_BINARY_OP(ENUM, NAME, FUNCTOR, ORDER, ND_NAMES, GRAD_A, GRAD_B) \
  case BinaryOp::ENUM: return GRAD_B;
#include "binary_ops.def"
#undef GL_BINARY_OP
  }
  return Tensor();
}

Tensor reduced_to(const Tensor& grad, const Shape& shape) {
  return grad.defined() ? sum_to_shape(grad, shape) : grad;
}

// The scalar of x op 2 (or 2 op x) as a 0-d tensor, so the table's gradients apply as they are.
Tensor scalar_operand(const Tensor& like, double s) {
  return full(Shape{}, s, like.dtype(), like.device());
}

}  // namespace

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    GL_CHECK(da == db || da == 1 || db == 1, op,
             ": operands could not be broadcast together "
             "with shapes ",
             shape_str(a), " and ", shape_str(b), " (dimension ", i, ": ", da, " vs ", db, ")");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b) {
  check_operands(op, a, b);
  Shape shape =
      a.shape() == b.shape() ? a.shape() : broadcast_shapes(a.shape(), b.shape(), binary_name(op));
  Tensor y = Tensor::empty(shape, a.dtype(), a.device());
  binary_kernel(op, y, a, b);
  if (should_record({&a, &b})) {
    Tensor y_saved = detach(y);
    record_op(binary_name(op), {a, b}, {&y}, [op, a, b, y_saved](const GradList& g) {
      // Under create_graph the output used by the gradient must be differentiable too.
      Tensor out = is_recording() ? binary(op, a, b) : y_saved;
      return GradList{reduced_to(binary_grad_a(op, a, b, out, g[0]), a.shape()),
                      reduced_to(binary_grad_b(op, a, b, out, g[0]), b.shape())};
    });
  }
  return y;
}

Tensor binary_scalar(BinaryOp op, const Tensor& a, double scalar, bool scalar_first) {
  if (kBinaryOps[static_cast<size_t>(op)].order == Order::Commutative) scalar_first = false;
  Tensor y = Tensor::empty(a.shape(), a.dtype(), a.device());
  binary_scalar_kernel(op, y, a, scalar, scalar_first);
  if (should_record({&a})) {
    Tensor y_saved = detach(y);
    record_op(binary_name(op), {a}, {&y},
              [op, a, scalar, scalar_first, y_saved](const GradList& g) -> GradList {
                Tensor out = is_recording() ? binary_scalar(op, a, scalar, scalar_first) : y_saved;
                Tensor s = scalar_operand(a, scalar);
                return {scalar_first ? binary_grad_b(op, s, a, out, g[0])
                                     : binary_grad_a(op, a, s, out, g[0])};
              });
  }
  return y;
}

void binary_(BinaryOp op, const Tensor& a, const Tensor& b) {
  check_operands(op, a, b);
  check_not_recording_inplace(a, binary_name(op));
  // MXNet's text: the gradient into b would be lost, since a in-place update records nothing.
  GL_CHECK(!(is_recording() && b.requires_grad()), binary_name(op),
           ": Inplace operations (+=, -=, x[:]=, etc) are not supported when recording with "
           "autograd: the right-hand side needs a gradient, which an in-place update cannot pass "
           "on. Use an out-of-place form (x = x + y) inside autograd.record().");
  Shape shape = broadcast_shapes(a.shape(), b.shape(), binary_name(op));
  GL_CHECK(shape == a.shape(), binary_name(op), ": in-place result would have shape ",
           shape_str(shape), " but the target has shape ", shape_str(a.shape()));
  // An rhs overlapping the target (x += x.T) must be read before it is overwritten.
  Tensor rhs = b.same_storage(a) && !(b.shape() == a.shape() && b.strides() == a.strides() &&
                                      b.offset() == a.offset())
                   ? clone(b)
                   : b;
  binary_kernel(op, a, a, rhs);
}

void binary_scalar_(BinaryOp op, const Tensor& a, double scalar) {
  check_not_recording_inplace(a, binary_name(op));
  binary_scalar_kernel(op, a, a, scalar, false);
}

Tensor clip(const Tensor& x, double a_min, double a_max) {
  GL_CHECK_KIND(a_min <= a_max, ErrorKind::Value, "clip: a_min (", a_min,
                ") must not exceed a_max (", a_max, ")");
  if (!is_floating(x.dtype())) {
    // Bounds outside an integer dtype's range would wrap when cast (int8: 1000 -> -24).
    double lowest = 0, highest = 0;
    GL_DISPATCH_ALL(x.dtype(), "clip", {
      lowest = static_cast<double>(std::numeric_limits<scalar_t>::lowest());
      highest = static_cast<double>(std::numeric_limits<scalar_t>::max());
    });
    // int64's max rounds up to 2**63 as a double, which is out of range itself.
    if (highest >= 0x1p63) highest = std::nextafter(highest, 0.0);
    a_min = std::clamp(a_min, lowest, highest);
    a_max = std::clamp(a_max, lowest, highest);
  }
  Tensor lo = binary_scalar(BinaryOp::Maximum, x, a_min, false);
  return binary_scalar(BinaryOp::Minimum, lo, a_max, false);
}

}  // namespace gl::ops
