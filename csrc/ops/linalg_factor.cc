// nd.linalg's factorizations: potrf (Cholesky), potri (inverse from a Cholesky factor),
// gelqf (LQ), syevd (symmetric eigen-decomposition), and through one LU factorization with
// partial pivoting inverse, det and slogdet. The loops are in linalg_kernels.h; the
// gradients are written with linalg ops, so create_graph works. CUDA: linalg_factor.cu.
#include "../autograd/autograd.h"
#include "linalg.h"
#include "linalg_kernels.h"
#include "ops.h"

namespace gl::ops {

namespace {

using linalg::Batch;
using linalg::matrices;
using linalg::swap_last;
using linalg::with_tail;

Tensor info_tensor(const Batch& b, Device device) {
  return Tensor::empty({b.batch}, DType::Int64, device);
}

// det and slogdet give one value per matrix: the leading axes, or (1,) for a single matrix.
Shape per_matrix_shape(const Batch& b) { return b.lead.empty() ? Shape{1} : b.lead; }

// The diagonal of each matrix of x as a diagonal matrix (recorded ops).
Tensor diagonal_matrix(const Tensor& x) { return linalg_makediag(linalg_extractdiag(x, 0), 0); }

// 0.5 (x + x^T) on every matrix.
Tensor symmetric_part(const Tensor& x) { return mul_scalar(add(x, swap_last(x)), 0.5); }

// A per-matrix value (shape lead or (1,)) as (lead..., 1, 1), to scale each matrix.
Tensor per_matrix_scale(const Tensor& v, const Shape& lead) {
  return reshape_to(v, with_tail(lead, {1, 1}));
}

// potrf and potri: a copy of A transformed in place by CholeskyFn, then its info checked.
Tensor cholesky_in_place(const char* op, const Tensor& a, bool lower, bool inverse,
                         const linalg::InfoMessage& what) {
  Batch b = matrices(op, a, "A", true);
  Tensor y = clone(detach(a)), info = info_tensor(b, a.device());
  GL_LINALG_DISPATCH(a.dtype(), {
    la::CholeskyFn<scalar_t> fn{y.data<scalar_t>(), b.rows, lower, inverse, info.data<int64_t>()};
    linalg::for_each_matrix(fn, b.batch, b.rows * b.rows * b.rows, a.device(), op);
  });
  linalg::check_info(op, info, b, what);
  return y;
}

Tensor potrf_forward(const Tensor& a, bool lower) {
  return cholesky_in_place(
      "linalg.potrf", a, lower, false, [lower](const std::string& m, int64_t i) {
        return m + " is not positive definite: its leading minor of order " + std::to_string(i) +
               " is not positive (only the " + (lower ? "lower" : "upper") +
               " triangle is read; pass a symmetric positive definite matrix)";
      });
}

// Gradient of the Cholesky factor F (lower: A = F F^T, upper: A = F^T F) for dF = g, as the
// symmetric matrix MXNet returns: sym(L^-T Phi(L^T dL) L^-1), Phi = lower triangle with the
// diagonal halved (L = F, or F^T for an upper factor).
Tensor potrf_grad(const Tensor& f, const Tensor& g, bool lower) {
  Tensor m = linalg_gemm2(f, g, lower, !lower, 1.0, -2);  // L^T dL
  Tensor phi = sub(linalg::triangle(m, true), mul_scalar(diagonal_matrix(m), 0.5));
  Tensor x = linalg_trsm(f, phi, lower, false, lower, 1.0);  // L^-T Phi
  Tensor s = linalg_trsm(f, x, !lower, true, lower, 1.0);    // ... L^-1
  return symmetric_part(s);
}

Tensor potri_forward(const Tensor& a, bool lower) {
  return cholesky_in_place("linalg.potri", a, lower, true, [](const std::string& m, int64_t i) {
    return m + " is not a Cholesky factor: its diagonal entry " + std::to_string(i - 1) +
           " is zero (pass the output of linalg.potrf)";
  });
}

enum class LuOutput { Det, SlogDet, Inverse, InverseOrZero };

// One LU factorization per matrix, then det, (sign, log|det|) or the inverse.
std::vector<Tensor> lu_forward(const char* op, const Tensor& a, LuOutput what) {
  Batch b = matrices(op, a, "A", true);
  const int64_t n = b.rows;
  const Device dev = a.device();
  Tensor lu = clone(detach(a));
  Tensor piv = Tensor::empty({b.batch, n}, DType::Int32, dev);
  const bool inverse = what == LuOutput::Inverse || what == LuOutput::InverseOrZero;
  std::vector<Tensor> outs;
  if (inverse) {
    outs.push_back(Tensor::empty(a.shape(), a.dtype(), dev));
  } else {
    outs.push_back(Tensor::empty(per_matrix_shape(b), a.dtype(), dev));
    if (what == LuOutput::SlogDet)
      outs.push_back(Tensor::empty(per_matrix_shape(b), a.dtype(), dev));
  }
  Tensor info = info_tensor(b, dev);
  GL_LINALG_DISPATCH(a.dtype(), {
    la::LuFn<scalar_t> fn;
    fn.lu = lu.data<scalar_t>();
    fn.piv = piv.data<int32_t>();
    fn.n = n;
    fn.mode = inverse ? la::LuMode::Inverse
                      : (what == LuOutput::Det ? la::LuMode::Det : la::LuMode::SlogDet);
    fn.out0 = inverse ? nullptr : outs[0].data<scalar_t>();
    fn.out1 = what == LuOutput::SlogDet ? outs[1].data<scalar_t>() : nullptr;
    fn.inv = inverse ? outs[0].data<scalar_t>() : nullptr;
    fn.info = info.data<int64_t>();
    fn.zero_singular = what == LuOutput::InverseOrZero;
    linalg::for_each_matrix(fn, b.batch, n * n * n, dev, op);
  });
  if (what == LuOutput::Inverse)
    linalg::check_info(op, info, b, [](const std::string& m, int64_t i) {
      return m + " is singular (LU with partial pivoting found a zero pivot in column " +
             std::to_string(i - 1) + "); it has no inverse";
    });
  return outs;
}

// -Y^T G Y^T, the gradient of Y = A^-1.
Tensor inverse_grad(const Tensor& y, const Tensor& g) {
  return linalg_gemm2(linalg_gemm2(y, g, true, false, -1.0, -2), y, false, true, 1.0, -2);
}

Tensor record_inverse(const char* op, const Tensor& a, Tensor y, bool zero_singular) {
  if (should_record({&a})) {
    Tensor y_saved = detach(y);
    record_op(op, {a}, {&y}, [a, y_saved, zero_singular](const GradList& g) -> GradList {
      Tensor inv = !is_recording() ? y_saved
                   : zero_singular ? linalg_inverse_or_zero(a)
                                   : linalg_inverse(a);
      return {inverse_grad(inv, g[0])};
    });
  }
  return y;
}

}  // namespace

Tensor linalg_potrf(const Tensor& a, bool lower) {
  Tensor y = potrf_forward(a, lower);
  if (should_record({&a})) {
    Tensor y_saved = detach(y);
    record_op("linalg.potrf", {a}, {&y}, [a, y_saved, lower](const GradList& g) -> GradList {
      return {potrf_grad(is_recording() ? linalg_potrf(a, lower) : y_saved, g[0], lower)};
    });
  }
  return y;
}

Tensor linalg_potri(const Tensor& a, bool lower) {
  Tensor y = potri_forward(a, lower);
  if (should_record({&a})) {
    Tensor y_saved = detach(y);
    record_op("linalg.potri", {a}, {&y}, [a, y_saved, lower](const GradList& g) -> GradList {
      // out = (L L^T)^-1: dL = -Out (G + G^T) Out L, masked to L's triangle (U: -U Out ... Out)
      Tensor inv = is_recording() ? linalg_potri(a, lower) : y_saved;
      Tensor t = linalg_gemm2(linalg_gemm2(inv, add(g[0], swap_last(g[0])), false, false, 1.0, -2),
                              inv, false, false, 1.0, -2);
      Tensor f = linalg::triangle(a, lower);  // the other triangle of A is never read
      Tensor d = lower ? linalg_gemm2(t, f, false, false, -1.0, -2)
                       : linalg_gemm2(f, t, false, false, -1.0, -2);
      return {linalg::triangle(d, lower)};
    });
  }
  return y;
}

std::vector<Tensor> linalg_gelqf(const Tensor& a) {
  const char* op = "linalg.gelqf";
  Batch b = matrices(op, a, "A", false);
  const int64_t m = b.rows, n = b.cols;
  GL_CHECK(m <= n, op, ": A has shape ", shape_str(a.shape()),
           "; the LQ factorization needs matrices with no more rows than columns (x <= y for "
           "shape (x, y))");
  Tensor q = clone(detach(a));
  Tensor l = Tensor::empty(with_tail(b.lead, {m, m}), a.dtype(), a.device());
  Tensor tau = Tensor::empty({b.batch, m}, a.dtype(), a.device());
  GL_LINALG_DISPATCH(a.dtype(), {
    la::LqFn<scalar_t> fn{q.data<scalar_t>(), l.data<scalar_t>(), tau.data<scalar_t>(), m, n};
    linalg::for_each_matrix(fn, b.batch, m * m * n, a.device(), op);
  });
  if (should_record({&a})) {
    Tensor q_saved = detach(q), l_saved = detach(l);
    record_op(op, {a}, {&q, &l}, [a, q_saved, l_saved](const GradList& g) -> GradList {
      std::vector<Tensor> ql =
          is_recording() ? linalg_gelqf(a) : std::vector<Tensor>{q_saved, l_saved};
      const Tensor &qm = ql[0], &lm = ql[1], &gq = g[0], &gl = g[1];
      // dA = L^-T (dQ + copyltu(M) Q), M = L^T dL - dQ Q^T, copyltu mirrors the lower triangle
      Tensor mm = sub(linalg_gemm2(lm, gl, true, false, 1.0, -2),
                      linalg_gemm2(gq, qm, false, true, 1.0, -2));
      Tensor lower_m = linalg::triangle(mm, true);
      Tensor sym = sub(add(lower_m, swap_last(lower_m)), diagonal_matrix(mm));
      Tensor rhs = add(gq, linalg_gemm2(sym, qm, false, false, 1.0, -2));
      return {linalg_trsm(lm, rhs, true, false, true, 1.0)};
    });
  }
  return {q, l};
}

std::vector<Tensor> linalg_syevd(const Tensor& a) {
  const char* op = "linalg.syevd";
  Batch b = matrices(op, a, "A", true);
  const int64_t n = b.rows;
  Tensor ac = contiguous(detach(a));
  Tensor u = Tensor::empty(a.shape(), a.dtype(), a.device());
  Tensor work = Tensor::empty(a.shape(), a.dtype(), a.device());
  Tensor lam = Tensor::empty(with_tail(b.lead, {n}), a.dtype(), a.device());
  GL_LINALG_DISPATCH(a.dtype(), {
    la::EigenFn<scalar_t> fn{ac.data<scalar_t>(), work.data<scalar_t>(), u.data<scalar_t>(),
                             lam.data<scalar_t>(), n};
    linalg::for_each_matrix(fn, b.batch, 8 * n * n * n, a.device(), op);
  });
  if (should_record({&a})) {
    Tensor u_saved = detach(u), lam_saved = detach(lam);
    record_op(op, {a}, {&u, &lam}, [a, u_saved, lam_saved](const GradList& g) -> GradList {
      std::vector<Tensor> ul =
          is_recording() ? linalg_syevd(a) : std::vector<Tensor>{u_saved, lam_saved};
      const Tensor &um = ul[0], &lm = ul[1];
      // dA = sym(U^T (diag(dlam) + F o (U dU^T)) U), F_ij = 1 / (lam_j - lam_i) off the diagonal
      Tensor k = linalg_gemm2(um, g[0], false, true, 1.0, -2);
      Tensor k_off = sub(k, diagonal_matrix(k));
      Tensor gaps = sub(expand_dims(lm, -2), expand_dims(lm, -1));
      Tensor eye = linalg_makediag(full_like(lm, 1.0), 0);
      Tensor inner = add(linalg_makediag(g[1], 0), div(k_off, add(gaps, eye)));
      Tensor x =
          linalg_gemm2(linalg_gemm2(um, inner, true, false, 1.0, -2), um, false, false, 1.0, -2);
      return {symmetric_part(x)};
    });
  }
  return {u, lam};
}

Tensor linalg_inverse(const Tensor& a) {
  const char* op = "linalg.inverse";
  return record_inverse(op, a, lu_forward(op, a, LuOutput::Inverse)[0], false);
}

Tensor linalg_inverse_or_zero(const Tensor& a) {
  const char* op = "linalg.inverse";
  return record_inverse(op, a, lu_forward(op, a, LuOutput::InverseOrZero)[0], true);
}

// det and slogdet backpropagate nothing through a singular matrix, as MXNet.
Tensor linalg_det(const Tensor& a) {
  const char* op = "linalg.det";
  Tensor y = lu_forward(op, a, LuOutput::Det)[0];
  if (should_record({&a})) {
    Tensor y_saved = detach(y);
    record_op(op, {a}, {&y}, [a, y_saved](const GradList& g) -> GradList {
      Tensor det = is_recording() ? linalg_det(a) : y_saved;
      Shape lead(a.shape().begin(), a.shape().end() - 2);
      // d det / dA = det A^-T
      return {mul(per_matrix_scale(mul(g[0], det), lead), swap_last(linalg_inverse_or_zero(a)))};
    });
  }
  return y;
}

std::vector<Tensor> linalg_slogdet(const Tensor& a) {
  const char* op = "linalg.slogdet";
  std::vector<Tensor> outs = lu_forward(op, a, LuOutput::SlogDet);
  if (should_record({&a})) {
    record_op(op, {a}, {&outs[0], &outs[1]}, [a](const GradList& g) -> GradList {
      Shape lead(a.shape().begin(), a.shape().end() - 2);
      // d log|det| / dA = A^-T; the sign gets no gradient
      return {mul(per_matrix_scale(g[1], lead), swap_last(linalg_inverse_or_zero(a)))};
    });
  }
  return outs;
}

}  // namespace gl::ops
