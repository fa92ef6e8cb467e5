// Every operator gluonlite has, declared once. Each family lives in its own file pair
// (name.cc: checks, CPU kernel, gradient; name.cu: CUDA kernel). Ops check their inputs
// here at the boundary and throw gl::Error naming the op, the shapes and the dtypes.
#pragma once
#include <optional>
#include <vector>

#include "../core/tensor.h"

namespace gl::ops {

// ---- creation and copies (fill.cc, copy.cc) -------------------------------------------
Tensor empty(const Shape& shape, DType dtype, Device device);
Tensor full(const Shape& shape, double value, DType dtype, Device device);
Tensor full_like(const Tensor& t, double value);
Tensor arange(double start, double stop, double step, int64_t repeat, DType dtype, Device device);
void fill_(const Tensor& t, double value);
// dst[...] = src, broadcasting src to dst's shape, casting dtype, across devices.
void copy_(const Tensor& dst, const Tensor& src);
Tensor contiguous(const Tensor& t);                // t itself when already contiguous
Tensor clone(const Tensor& t);                     // always a fresh contiguous copy
Tensor astype(const Tensor& t, DType dtype);       // recorded: gradient casts back
Tensor to_device(const Tensor& t, Device device);  // recorded

// ---- elementwise (unary.cc, binary.cc) ------------------------------------------------
// The op families' members are listed once, in unary_ops.def and binary_ops.def.
enum class UnaryOp {
#define GL_UNARY_OP(ENUM, ...) ENUM,
#include "unary_ops.def"
#undef GL_UNARY_OP
};
Tensor unary(UnaryOp op, const Tensor& x);

enum class BinaryOp {
#define GL_BINARY_OP(ENUM, ...) ENUM,
#include "binary_ops.def"
#undef GL_BINARY_OP
};
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b);
// a <op> scalar, or scalar <op> a when `scalar_first` (for 1 - x, 2 ** x, ...).
Tensor binary_scalar(BinaryOp op, const Tensor& a, double scalar, bool scalar_first);
// In-place a <op>= b (b broadcast to a's shape) and a <op>= scalar.
void binary_(BinaryOp op, const Tensor& a, const Tensor& b);
void binary_scalar_(BinaryOp op, const Tensor& a, double scalar);

// What Python sees of an op: _core only, nd.<name>, or nd.<name> and NDArray.<name>().
enum class Exposure { Core, Nd, NdMethod };
// Commutative binary ops compute 2 op x as x op 2.
enum class Order { Commutative, Ordered };
struct UnaryOpInfo {
  UnaryOp op;
  const char* name;
  Exposure exposure;
};
struct BinaryOpInfo {
  BinaryOp op;
  const char* name;
  const char* nd_names;  // space-separated nd functions (MXNet's aliases), "" for none
  Order order;
};
// Every member of the family, in enum order (generated from the .def tables).
const std::vector<UnaryOpInfo>& unary_ops();
const std::vector<BinaryOpInfo>& binary_ops();
const char* unary_name(UnaryOp op);
const char* binary_name(BinaryOp op);

inline Tensor add(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Add, a, b); }
inline Tensor sub(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Sub, a, b); }
inline Tensor mul(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Mul, a, b); }
inline Tensor div(const Tensor& a, const Tensor& b) { return binary(BinaryOp::Div, a, b); }
inline Tensor neg(const Tensor& a) { return unary(UnaryOp::Neg, a); }
inline Tensor mul_scalar(const Tensor& a, double s) {
  return binary_scalar(BinaryOp::Mul, a, s, false);
}
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

Tensor clip(const Tensor& x, double a_min, double a_max);
Tensor where(const Tensor& cond, const Tensor& x, const Tensor& y);

// ---- reductions (reduce.cc) -------------------------------------------------------------
enum class ReduceOp { Sum, Mean, Max, Min, Prod };
// axes empty = all axes. `exclude` reduces every axis NOT listed (MXNet's exclude=True).
Tensor reduce(ReduceOp op, const Tensor& x, const std::vector<int>& axes, bool keepdims,
              bool exclude);
Tensor argmax(const Tensor& x, std::optional<int> axis,
              bool keepdims);  // indices in x's dtype, as MXNet
Tensor argmin(const Tensor& x, std::optional<int> axis, bool keepdims);
// Sums `grad` down to `shape` (reverse of broadcasting); used by binary-op gradients.
Tensor sum_to_shape(const Tensor& grad, const Shape& shape);
Tensor broadcast_to(const Tensor& x, const Shape& shape);

// ---- softmax family (softmax.cc) --------------------------------------------------------
Tensor softmax(const Tensor& x, int axis, double temperature);
Tensor log_softmax(const Tensor& x, int axis, double temperature);

// ---- shape and indexing (shape.cc, index.cc) -------------------------------------------
// MXNet reshape codes: 0 copies a dim, -1 infers, -2 copies the rest, -3 merges two, -4 splits.
Tensor reshape(const Tensor& x, const Shape& spec, bool reverse);
Tensor reshape_to(const Tensor& x, const Shape& shape);  // exact shape: no codes, 0 is a size
Tensor transpose(const Tensor& x, const std::vector<int>& axes);  // empty = reverse
Tensor swapaxes(const Tensor& x, int a, int b);
Tensor expand_dims(const Tensor& x, int axis);
Tensor squeeze(const Tensor& x, const std::optional<std::vector<int>>& axes);  // none: all 1s
Tensor flatten(const Tensor& x);  // (N, ...) -> (N, prod(...))
Tensor concat(const std::vector<Tensor>& xs, int axis);
Tensor stack(const std::vector<Tensor>& xs, int axis);
std::vector<Tensor> split(const Tensor& x, int num_outputs, int axis, bool squeeze_axis);
// Basic indexing: one entry per indexed axis.
struct SliceSpec {
  enum Kind { Index, Range, NewAxis } kind = Range;
  int64_t start = 0, stop = 0, step = 1;  // Index uses start; Range is normalised by caller
};
Tensor slice_view(const Tensor& x, const std::vector<SliceSpec>& spec);  // recorded view
Tensor slice_axis(const Tensor& x, int axis, int64_t begin, std::optional<int64_t> end);
Tensor take(const Tensor& x, const Tensor& indices, int axis, bool wrap);  // gather; clip or wrap
// x[..., index[...], ...] along `axis`; index is x's shape without that axis (or with it as 1).
Tensor pick(const Tensor& x, const Tensor& index, int axis, bool keepdims, bool wrap);
Tensor one_hot(const Tensor& indices, int64_t depth, double on_value, double off_value,
               DType dtype);

// ---- linear algebra (matmul.cc) ---------------------------------------------------------
Tensor dot(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b);
Tensor batch_dot(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b);
// y = x W^T + b, one GEMM with the bias folded in. `flatten` collapses x to 2-D first;
// otherwise the last axis is the feature axis.
Tensor fully_connected(const Tensor& x, const Tensor& weight, const Tensor* bias,
                       int64_t num_hidden, bool flatten);
// Raw GEMM on contiguous row-major buffers: C = alpha op(A) op(B) + beta C.
void gemm(const Tensor& a, const Tensor& b, const Tensor& c, bool trans_a, bool trans_b,
          double alpha, double beta);
// The contiguous rows x cols row-major matrix starting `offset` elements into t: gemm's
// operand cut out of a workspace or a batch.
inline Tensor matrix_at(const Tensor& t, int64_t rows, int64_t cols, int64_t offset) {
  return Tensor::view(t, {rows, cols}, {cols, 1}, t.offset() + offset);
}

// ---- random (random/random.cc) ----------------------------------------------------------
void seed(uint64_t seed);
void uniform_(const Tensor& t, double low, double high);
void normal_(const Tensor& t, double mean, double stddev);
void randint_(const Tensor& t, int64_t low, int64_t high);
Tensor shuffle(const Tensor& t);  // permutes along the first axis
// Inverted dropout, one mask draw shared along `axes`; identity when p == 0.
Tensor dropout(const Tensor& x, double p, const std::vector<int>& axes);

}  // namespace gl::ops
