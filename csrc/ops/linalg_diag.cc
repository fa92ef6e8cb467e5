// nd.linalg's diagonal and triangle ops: extractdiag / makediag (strided views and copies),
// extracttrian / maketrian (the packing loop of linalg_kernels.h; CUDA: linalg_diag.cu),
// each the other's gradient, and sumlogdiag (composed of recorded ops).
#include <cmath>

#include "../autograd/autograd.h"
#include "linalg.h"
#include "linalg_kernels.h"
#include "ops.h"

namespace gl::ops {

namespace {

using linalg::Batch;
using linalg::matrices;
using linalg::with_tail;

int64_t abs64(int64_t v) { return v < 0 ? -v : v; }

// The side of the square matrices left for a diagonal or triangle at `offset`.
int64_t offset_size(const char* op, int64_t n, int64_t offset) {
  GL_CHECK(abs64(offset) < n, op, ": offset ", offset, " is out of range for ", n, " x ", n,
           " matrices; it must lie in [", -(n - 1), ", ", n - 1, "]");
  return n - abs64(offset);
}

// A vector argument (makediag, maketrian): float32/float64, at least one axis, not empty.
Shape vector_lead(const char* op, const Tensor& v) {
  if (v.dtype() != DType::Float32 && v.dtype() != DType::Float64)
    GL_THROW(ErrorKind::Type, op, ": A has dtype ", dtype_name(v.dtype()),
             "; linalg operators support float32 and float64 only");
  GL_CHECK(v.ndim() >= 1, op, ": A must have at least 1 dimension, got a 0-d array");
  GL_CHECK(v.numel() > 0, op, ": A has shape ", shape_str(v.shape()),
           "; zero-size inputs are not supported");
  return Shape(v.shape().begin(), v.shape().end() - 1);
}

// The diagonal at `offset` of every n x n matrix of the contiguous x, as a strided view.
Tensor diagonal_view(const Tensor& x, const Shape& lead, int64_t n, int64_t offset) {
  Shape strides = contiguous_strides(x.shape());
  strides.resize(lead.size());
  strides.push_back(n + 1);
  const int64_t start = offset >= 0 ? offset : -offset * n;
  return Tensor::view(x, with_tail(lead, {n - abs64(offset)}), strides, x.offset() + start);
}

// Where the packed triangle of extracttrian/maketrian lives in an n x n matrix: the lower
// triangle of an m x m view (an upper triangle is the lower one of the transposed view, so
// it packs column by column, as MXNet's).
struct TrianView {
  int64_t start, rs, cs;
};
TrianView trian_view(int64_t n, int64_t offset, bool lower) {
  if (offset < 0 || (offset == 0 && lower)) return {-offset * n, n, 1};
  return {offset, 1, n};
}

void run_pack(const char* op, const Tensor& matrix, const Tensor& packed, int64_t batch, int64_t n,
              int64_t m, int64_t offset, bool lower, bool unpack) {
  const TrianView v = trian_view(n, offset, lower);
  GL_LINALG_DISPATCH(matrix.dtype(), {
    la::TrianPackFn<scalar_t> fn{
        matrix.data<scalar_t>(), packed.data<scalar_t>(), n, m, v.start, v.rs, v.cs, unpack};
    linalg::for_each_matrix(fn, batch, m * m, matrix.device(), op);
  });
}

}  // namespace

Tensor linalg_extractdiag(const Tensor& a, int64_t offset) {
  const char* op = "linalg.extractdiag";
  Batch b = matrices(op, a, "A", true);
  offset_size(op, b.rows, offset);
  Tensor y = clone(diagonal_view(contiguous(detach(a)), b.lead, b.rows, offset));
  if (should_record({&a}))
    record_op(op, {a}, {&y},
              [offset](const GradList& g) -> GradList { return {linalg_makediag(g[0], offset)}; });
  return y;
}

Tensor linalg_makediag(const Tensor& a, int64_t offset) {
  const char* op = "linalg.makediag";
  Shape lead = vector_lead(op, a);
  const int64_t n = a.size(a.ndim() - 1) + abs64(offset);
  Tensor y = full(with_tail(lead, {n, n}), 0.0, a.dtype(), a.device());
  copy_(diagonal_view(y, lead, n, offset), detach(a));
  if (should_record({&a}))
    record_op(op, {a}, {&y}, [offset](const GradList& g) -> GradList {
      return {linalg_extractdiag(g[0], offset)};
    });
  return y;
}

Tensor linalg_extracttrian(const Tensor& a, int64_t offset, bool lower) {
  const char* op = "linalg.extracttrian";
  Batch b = matrices(op, a, "A", true);
  const int64_t m = offset_size(op, b.rows, offset);
  Tensor ac = contiguous(detach(a));
  Tensor y = Tensor::empty(with_tail(b.lead, {m * (m + 1) / 2}), a.dtype(), a.device());
  run_pack(op, ac, y, b.batch, b.rows, m, offset, lower, false);
  if (should_record({&a}))
    record_op(op, {a}, {&y}, [offset, lower](const GradList& g) -> GradList {
      return {linalg_maketrian(g[0], offset, lower)};
    });
  return y;
}

Tensor linalg_maketrian(const Tensor& a, int64_t offset, bool lower) {
  const char* op = "linalg.maketrian";
  Shape lead = vector_lead(op, a);
  const int64_t len = a.size(a.ndim() - 1);
  int64_t m = static_cast<int64_t>((std::sqrt(8.0 * double(len) + 1.0) - 1.0) / 2.0);
  while (m * (m + 1) / 2 < len) ++m;  // guard the float rounding of the square root
  while (m > 0 && m * (m + 1) / 2 > len) --m;
  GL_CHECK(m * (m + 1) / 2 == len, op, ": the last axis of A has ", len,
           " elements, which is no triangle size m (m + 1) / 2 (A has shape ", shape_str(a.shape()),
           ")");
  const int64_t n = m + abs64(offset);
  int64_t batch = 1;
  for (int64_t d : lead) batch *= d;
  Tensor y = full(with_tail(lead, {n, n}), 0.0, a.dtype(), a.device());
  run_pack(op, y, contiguous(detach(a)), batch, n, m, offset, lower, true);
  if (should_record({&a}))
    record_op(op, {a}, {&y}, [offset, lower](const GradList& g) -> GradList {
      return {linalg_extracttrian(g[0], offset, lower)};
    });
  return y;
}

Tensor linalg_sumlogdiag(const Tensor& a) {
  Batch b = matrices("linalg.sumlogdiag", a, "A", true);
  Tensor logs = unary(UnaryOp::Log, linalg_extractdiag(a, 0));
  Tensor y = reduce(ReduceOp::Sum, logs, {-1}, false, false);
  return reshape_to(y, b.lead.empty() ? Shape{1} : b.lead);
}

}  // namespace gl::ops
