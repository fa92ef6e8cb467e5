// nd.linalg's BLAS-3 family: gemm, gemm2 and syrk (one batched GEMM through batch_dot),
// trmm and trsm (the triangular loops of linalg_kernels.h), and their gradients, written
// with these same ops so that create_graph works. CUDA: linalg_blas.cu.
#include "../autograd/autograd.h"
#include "linalg.h"
#include "linalg_kernels.h"
#include "ops.h"

namespace gl::ops {

namespace {

using linalg::Batch;
using linalg::matrices;

const char* py_bool(bool v) { return v ? "True" : "False"; }

// The row axis of gemm/gemm2 in [0, ndim - 2]; the columns are always the last axis.
int row_axis(const char* op, int axis, int ndim) {
  const int ax = axis < 0 ? axis + ndim : axis;
  GL_CHECK(ax >= 0 && ax < ndim - 1, op, ": axis ", axis, " is not a valid row axis for ", ndim,
           "-D inputs; it must lie in [", -ndim, ", ", ndim - 2,
           "] (the last axis holds the columns)");
  return ax;
}

// x with its row axis moved next to the last one (a view), so that the matrices are the
// trailing two axes and every other axis is a batch axis.
Tensor rows_second_last(const Tensor& x, int ax) {
  return ax == x.ndim() - 2 ? x : swapaxes(x, ax, x.ndim() - 2);
}

// alpha op(A) op(B) (+ beta C) for matrices in the trailing two axes, as one batched GEMM.
// Inputs are detached: nothing here is recorded.
Tensor gemm_forward(const Tensor& a, const Tensor& b, const Tensor* c, bool ta, bool tb,
                    double alpha, double beta) {
  Tensor y;
  if (a.ndim() == 2) {
    y = batch_dot(expand_dims(a, 0), expand_dims(b, 0), ta, tb);
    y = reshape_to(y, {y.size(1), y.size(2)});
  } else {
    y = batch_dot(a, b, ta, tb);
  }
  if (alpha != 1.0) binary_scalar_(BinaryOp::Mul, y, alpha);
  if (c && beta != 0.0) binary_(BinaryOp::Add, y, beta == 1.0 ? *c : mul_scalar(*c, beta));
  return y;
}

// Checks gemm's operands (c may be null for gemm2) and returns the result of the forward.
Tensor gemm_checked(const char* op, const Tensor& a, const Tensor& b, const Tensor* c, bool ta,
                    bool tb, double alpha, double beta, int axis) {
  matrices(op, a, "A", false);
  matrices(op, b, "B", false);
  GL_CHECK(a.ndim() == b.ndim() && (!c || c->ndim() == a.ndim()), op,
           ": the inputs must have the same number of dimensions, got shapes ",
           shape_str(a.shape()), ", ", shape_str(b.shape()),
           c ? " and " + shape_str(c->shape()) : std::string());
  const int ax = row_axis(op, axis, a.ndim());
  Tensor av = rows_second_last(detach(a), ax), bv = rows_second_last(detach(b), ax);
  Batch ba = matrices(op, av, "A", false), bb = matrices(op, bv, "B", false);
  linalg::check_like(op, bv, "B", av, "A", ba, bb);
  const int64_t m = ta ? ba.cols : ba.rows, k = ta ? ba.rows : ba.cols;
  const int64_t kb = tb ? bb.cols : bb.rows, n = tb ? bb.rows : bb.cols;
  GL_CHECK(k == kb, op, ": cannot multiply A ", shape_str(a.shape()), " and B ",
           shape_str(b.shape()), " (transpose_a=", py_bool(ta), ", transpose_b=", py_bool(tb),
           ", axis=", axis, "): op(A) has ", k, " columns but op(B) has ", kb, " rows");
  Tensor cv;
  if (c) {
    cv = rows_second_last(detach(*c), ax);
    Batch bc = matrices(op, cv, "C", false);
    linalg::check_like(op, cv, "C", av, "A", ba, bc);
    GL_CHECK(bc.rows == m && bc.cols == n, op, ": C has shape ", shape_str(c->shape()),
             " but alpha op(A) op(B) has ", m, " x ", n, " matrices (A ", shape_str(a.shape()),
             ", B ", shape_str(b.shape()), ", transpose_a=", py_bool(ta),
             ", transpose_b=", py_bool(tb), ", axis=", axis, ")");
  }
  Tensor y = gemm_forward(av, bv, c ? &cv : nullptr, ta, tb, alpha, beta);
  return ax == a.ndim() - 2 ? y : contiguous(swapaxes(y, ax, a.ndim() - 2));
}

// d/dA and d/dB of alpha op(A) op(B) for the output gradient g.
GradList gemm_grads(const Tensor& a, const Tensor& b, const Tensor& g, bool ta, bool tb,
                    double alpha, int axis, bool need_a, bool need_b) {
  Tensor ga, gb;
  if (need_a)
    ga = ta ? linalg_gemm2(b, g, tb, true, alpha, axis)
            : linalg_gemm2(g, b, false, !tb, alpha, axis);
  if (need_b)
    gb = tb ? linalg_gemm2(g, a, true, ta, alpha, axis)
            : linalg_gemm2(a, g, !ta, false, alpha, axis);
  return {ga, gb};
}

// trmm and trsm: x = alpha B, then op(A) x or op(A)^-1 x (x op(A), x op(A)^-1 on the right)
// on every matrix.
Tensor triangular(const char* op, const Tensor& a, const Tensor& b, bool transpose, bool rightside,
                  bool lower, double alpha, bool solve) {
  Batch ba = matrices(op, a, "A", true), bb = matrices(op, b, "B", false);
  linalg::check_like(op, b, "B", a, "A", ba, bb);
  const int64_t n = ba.rows;
  GL_CHECK((rightside ? bb.cols : bb.rows) == n, op, ": B has shape ", shape_str(b.shape()),
           " but A holds ", n, " x ", n, " matrices; with rightside=", py_bool(rightside), " B's ",
           rightside ? "last" : "second-last", " axis must have ", n, " elements");
  Tensor ac = contiguous(detach(a));
  Tensor x = clone(detach(b));
  if (alpha != 1.0) binary_scalar_(BinaryOp::Mul, x, alpha);
  GL_LINALG_DISPATCH(a.dtype(), {
    la::TriangularFn<scalar_t> fn{
        ac.data<scalar_t>(), x.data<scalar_t>(), n,    bb.rows, bb.cols, lower,
        transpose,           rightside,          solve};
    linalg::for_each_matrix(fn, ba.batch, n * bb.rows * bb.cols, a.device(), op);
  });
  return x;
}

}  // namespace

Tensor linalg_gemm(const Tensor& a, const Tensor& b, const Tensor& c, bool transpose_a,
                   bool transpose_b, double alpha, double beta, int axis) {
  const char* op = "linalg.gemm";
  Tensor y = gemm_checked(op, a, b, &c, transpose_a, transpose_b, alpha, beta, axis);
  if (should_record({&a, &b, &c})) {
    const bool need_a = a.requires_grad(), need_b = b.requires_grad(), need_c = c.requires_grad();
    record_op(op, {a, b, c}, {&y},
              [a, b, transpose_a, transpose_b, alpha, beta, axis, need_a, need_b,
               need_c](const GradList& g) -> GradList {
                GradList grads =
                    gemm_grads(a, b, g[0], transpose_a, transpose_b, alpha, axis, need_a, need_b);
                grads.push_back(need_c ? mul_scalar(g[0], beta) : Tensor());
                return grads;
              });
  }
  return y;
}

Tensor linalg_gemm2(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b,
                    double alpha, int axis) {
  const char* op = "linalg.gemm2";
  Tensor y = gemm_checked(op, a, b, nullptr, transpose_a, transpose_b, alpha, 0.0, axis);
  if (should_record({&a, &b})) {
    const bool need_a = a.requires_grad(), need_b = b.requires_grad();
    record_op(op, {a, b}, {&y},
              [a, b, transpose_a, transpose_b, alpha, axis, need_a, need_b](const GradList& g) {
                return gemm_grads(a, b, g[0], transpose_a, transpose_b, alpha, axis, need_a,
                                  need_b);
              });
  }
  return y;
}

Tensor linalg_syrk(const Tensor& a, bool transpose, double alpha) {
  const char* op = "linalg.syrk";
  matrices(op, a, "A", false);
  Tensor ad = detach(a);
  Tensor y = gemm_forward(ad, ad, nullptr, transpose, !transpose, alpha, 0.0);
  if (should_record({&a})) {
    record_op(op, {a}, {&y}, [a, transpose, alpha](const GradList& g) -> GradList {
      Tensor gs = add(g[0], linalg::swap_last(g[0]));  // d(A A^T) = dA A^T + A dA^T
      return {transpose ? linalg_gemm2(a, gs, false, false, alpha, -2)
                        : linalg_gemm2(gs, a, false, false, alpha, -2)};
    });
  }
  return y;
}

Tensor linalg_trmm(const Tensor& a, const Tensor& b, bool transpose, bool rightside, bool lower,
                   double alpha) {
  const char* op = "linalg.trmm";
  Tensor y = triangular(op, a, b, transpose, rightside, lower, alpha, false);
  if (should_record({&a, &b})) {
    const bool need_a = a.requires_grad(), need_b = b.requires_grad();
    record_op(op, {a, b}, {&y},
              [a, b, transpose, rightside, lower, alpha, need_a, need_b](const GradList& g) {
                const Tensor& gy = g[0];
                Tensor ga, gb;
                if (need_b) gb = linalg_trmm(a, gy, !transpose, rightside, lower, alpha);
                if (need_a) {
                  // d op(A): alpha G B^T on the left, alpha B^T G on the right
                  Tensor d = rightside ? (transpose ? linalg_gemm2(gy, b, true, false, alpha, -2)
                                                    : linalg_gemm2(b, gy, true, false, alpha, -2))
                                       : (transpose ? linalg_gemm2(b, gy, false, true, alpha, -2)
                                                    : linalg_gemm2(gy, b, false, true, alpha, -2));
                  ga = linalg::triangle(d, lower);
                }
                return GradList{ga, gb};
              });
  }
  return y;
}

Tensor linalg_trsm(const Tensor& a, const Tensor& b, bool transpose, bool rightside, bool lower,
                   double alpha) {
  const char* op = "linalg.trsm";
  Tensor y = triangular(op, a, b, transpose, rightside, lower, alpha, true);
  if (should_record({&a, &b})) {
    const bool need_a = a.requires_grad(), need_b = b.requires_grad();
    Tensor y_saved = detach(y);
    record_op(
        op, {a, b}, {&y},
        [a, b, y_saved, transpose, rightside, lower, alpha, need_a, need_b](const GradList& g) {
          // Y = op(A)^-T G (left) or G op(A)^-T (right); dB = alpha Y.
          Tensor yg = linalg_trsm(a, g[0], !transpose, rightside, lower, 1.0);
          Tensor ga, gb;
          if (need_b) gb = alpha == 1.0 ? yg : mul_scalar(yg, alpha);
          if (need_a) {
            Tensor x =
                is_recording() ? linalg_trsm(a, b, transpose, rightside, lower, alpha) : y_saved;
            // d op(A) = -Y X^T (left) or -X^T Y (right)
            Tensor d = rightside ? (transpose ? linalg_gemm2(yg, x, true, false, -1.0, -2)
                                              : linalg_gemm2(x, yg, true, false, -1.0, -2))
                                 : (transpose ? linalg_gemm2(x, yg, false, true, -1.0, -2)
                                              : linalg_gemm2(yg, x, false, true, -1.0, -2));
            ga = linalg::triangle(d, lower);
          }
          return GradList{ga, gb};
        });
  }
  return y;
}

}  // namespace gl::ops
