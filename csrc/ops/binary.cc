// Binary elementwise ops with numpy broadcasting, their scalar and in-place forms, and
// their gradients. CUDA kernel: binary.cu.
#include <algorithm>
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

const char* binary_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "add";
    case BinaryOp::Sub: return "subtract";
    case BinaryOp::Mul: return "multiply";
    case BinaryOp::Div: return "divide";
    case BinaryOp::Pow: return "power";
    case BinaryOp::Maximum: return "maximum";
    case BinaryOp::Minimum: return "minimum";
    case BinaryOp::Mod: return "mod";
    case BinaryOp::Equal: return "equal";
    case BinaryOp::NotEqual: return "not_equal";
    case BinaryOp::Greater: return "greater";
    case BinaryOp::GreaterEqual: return "greater_equal";
    case BinaryOp::Less: return "lesser";
    case BinaryOp::LessEqual: return "lesser_equal";
    case BinaryOp::ReluGrad: return "relu_backward";
    case BinaryOp::SigmoidGrad: return "sigmoid_backward";
    case BinaryOp::TanhGrad: return "tanh_backward";
  }
  return "binary";
}

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

// Gradients of a (op) b with respect to a and b, reduced back to the operands' shapes.
GradList binary_grad(BinaryOp op, const Tensor& a, const Tensor& b, const Tensor& y,
                     const Tensor& g) {
  Tensor ga, gb;
  switch (op) {
    case BinaryOp::Add:
      ga = g;
      gb = g;
      break;
    case BinaryOp::Sub:
      ga = g;
      gb = neg(g);
      break;
    case BinaryOp::Mul:
      ga = mul(g, b);
      gb = mul(g, a);
      break;
    case BinaryOp::Div:
      ga = div(g, b);
      gb = neg(div(mul(g, y), b));
      break;
    case BinaryOp::Pow:
      ga = mul(g, mul(b, binary(BinaryOp::Pow, a, binary_scalar(BinaryOp::Sub, b, 1.0, false))));
      gb = mul(g, mul(y, unary(UnaryOp::Log, a)));
      break;
    case BinaryOp::Maximum:
      ga = mul(g, binary(BinaryOp::GreaterEqual, a, b));
      gb = mul(g, binary(BinaryOp::Less, a, b));
      break;
    case BinaryOp::Minimum:
      ga = mul(g, binary(BinaryOp::LessEqual, a, b));
      gb = mul(g, binary(BinaryOp::Greater, a, b));
      break;
    case BinaryOp::Mod:
      ga = g;
      gb = neg(mul(g, unary(UnaryOp::Floor, div(a, b))));
      break;
    default:  // comparisons and gradient helpers are piecewise constant
      return {Tensor(), Tensor()};
  }
  return {sum_to_shape(ga, a.shape()), sum_to_shape(gb, b.shape())};
}

Tensor binary_scalar_grad(BinaryOp op, const Tensor& a, double s, bool first, const Tensor& y,
                          const Tensor& g) {
  switch (op) {
    case BinaryOp::Add: return g;
    case BinaryOp::Sub: return first ? neg(g) : g;
    case BinaryOp::Mul: return mul_scalar(g, s);
    case BinaryOp::Div:  // a / s, or s / a
      return first ? neg(div(mul(g, y), a)) : mul_scalar(g, 1.0 / s);
    case BinaryOp::Pow:  // a ** s, or s ** a
      if (first) return mul_scalar(mul(g, y), std::log(s));
      return mul(g, mul_scalar(binary_scalar(BinaryOp::Pow, a, s - 1.0, false), s));
    case BinaryOp::Maximum: return mul(g, binary_scalar(BinaryOp::GreaterEqual, a, s, false));
    case BinaryOp::Minimum: return mul(g, binary_scalar(BinaryOp::LessEqual, a, s, false));
    case BinaryOp::Mod:
      return first ? neg(mul(g, unary(UnaryOp::Floor, binary_scalar(BinaryOp::Div, a, s, true))))
                   : g;
    default: return Tensor();
  }
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
      return binary_grad(op, a, b, is_recording() ? binary(op, a, b) : y_saved, g[0]);
    });
  }
  return y;
}

Tensor binary_scalar(BinaryOp op, const Tensor& a, double scalar, bool scalar_first) {
  Tensor y = Tensor::empty(a.shape(), a.dtype(), a.device());
  binary_scalar_kernel(op, y, a, scalar, scalar_first);
  if (should_record({&a})) {
    Tensor y_saved = detach(y);
    record_op(binary_name(op), {a}, {&y},
              [op, a, scalar, scalar_first, y_saved](const GradList& g) -> GradList {
                Tensor out = is_recording() ? binary_scalar(op, a, scalar, scalar_first) : y_saved;
                return {binary_scalar_grad(op, a, scalar, scalar_first, out, g[0])};
              });
  }
  return y;
}

void binary_(BinaryOp op, const Tensor& a, const Tensor& b) {
  check_operands(op, a, b);
  check_not_recording_inplace(a, binary_name(op));
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
