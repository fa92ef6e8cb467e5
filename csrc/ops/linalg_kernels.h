// The per-matrix routines of nd.linalg, written once for the CPU and the GPU. Each functor
// at the bottom handles matrix `b` of a batch: the CPU runs it over the thread pool
// (for_each_matrix in linalg.h), a GPU on one thread per matrix (linalg_for_each_cuda,
// instantiated in linalg_*.cu). The matrices of these ops are small, so the loops are the
// plain textbook ones, with partial pivoting where stability needs it.
#pragma once
#include <math.h>

#include <cstdint>
#include <limits>

#if defined(__CUDACC__)
#define GL_LA __host__ __device__ inline
#else
#define GL_LA inline
#endif

namespace gl::ops::la {

// A strided matrix view: element (i, j) lives at p[i * rs + j * cs]. t() is the transpose
// (no copy), which turns an upper triangle into a lower one and a right-side product into
// a left-side one.
template <typename T>
struct Mat {
  T* p;
  int64_t rs, cs;
  GL_LA T& operator()(int64_t i, int64_t j) const { return p[i * rs + j * cs]; }
  GL_LA Mat t() const { return {p, cs, rs}; }
};

template <typename T>
GL_LA Mat<T> row_major(T* p, int64_t cols) {
  return {p, cols, 1};
}

GL_LA float la_sqrt(float x) { return sqrtf(x); }
GL_LA double la_sqrt(double x) { return sqrt(x); }
GL_LA float la_log(float x) { return logf(x); }
GL_LA double la_log(double x) { return log(x); }
template <typename T>
GL_LA T la_abs(T x) {
  return x < T(0) ? -x : x;
}

// ---- factorizations and triangular algebra ------------------------------------------------

// In-place Cholesky factor A = L L^T from the lower triangle of a (n x n); the strict upper
// triangle is zeroed. Returns 0, or j + 1 when the leading minor of order j + 1 is not
// positive (A is not positive definite, or holds NaN).
template <typename T>
GL_LA int64_t cholesky_lower(Mat<T> a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    T d = a(j, j);
    for (int64_t k = 0; k < j; ++k) d -= a(j, k) * a(j, k);
    if (!(d > T(0))) return j + 1;
    const T ljj = la_sqrt(d);
    a(j, j) = ljj;
    for (int64_t i = j + 1; i < n; ++i) {
      T s = a(i, j);
      for (int64_t k = 0; k < j; ++k) s -= a(i, k) * a(j, k);
      a(i, j) = s / ljj;
    }
  }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i + 1; j < n; ++j) a(i, j) = T(0);
  return 0;
}

// In-place inverse of the lower triangular a (n x n), column by column; the strict upper
// triangle is neither read nor written. Returns j + 1 when a(j, j) is zero.
template <typename T>
GL_LA int64_t invert_lower(Mat<T> a, int64_t n) {
  for (int64_t j = 0; j < n; ++j)
    if (a(j, j) == T(0)) return j + 1;
  for (int64_t j = 0; j < n; ++j) {
    a(j, j) = T(1) / a(j, j);
    // Column j of the inverse needs only columns >= j of the original, still in place.
    for (int64_t i = j + 1; i < n; ++i) {
      T s = a(i, j) * a(j, j);
      for (int64_t k = j + 1; k < i; ++k) s += a(i, k) * a(k, j);
      a(i, j) = -s / a(i, i);
    }
  }
  return 0;
}

// a = X^T X in place for the lower triangular X held in a, both triangles written.
template <typename T>
GL_LA void lower_gram(Mat<T> a, int64_t n) {
  // Row i of the product needs rows >= i of X; entry (i, i) is written last.
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j <= i; ++j) {
      T s = T(0);
      for (int64_t k = i; k < n; ++k) s += a(k, i) * a(k, j);
      a(i, j) = s;
    }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < i; ++j) a(j, i) = a(i, j);
}

// Solves M X' = X in place (X: n x cols) for the triangular m, reading only its lower or
// upper triangle, with an implicit unit diagonal when `unit`.
template <typename T>
GL_LA void solve_triangular(Mat<T> m, bool lower, bool unit, Mat<T> x, int64_t n, int64_t cols) {
  for (int64_t step = 0; step < n; ++step) {
    const int64_t i = lower ? step : n - 1 - step;
    const int64_t k0 = lower ? 0 : i + 1, k1 = lower ? i : n;
    for (int64_t k = k0; k < k1; ++k) {
      const T f = m(i, k);
      for (int64_t c = 0; c < cols; ++c) x(i, c) -= f * x(k, c);
    }
    if (!unit) {
      const T d = m(i, i);
      for (int64_t c = 0; c < cols; ++c) x(i, c) /= d;
    }
  }
}

// X' = M X in place (X: n x cols) for the triangular m, reading only its lower or upper
// triangle. Rows are finished in the order that leaves the rows still needed untouched.
template <typename T>
GL_LA void multiply_triangular(Mat<T> m, bool lower, Mat<T> x, int64_t n, int64_t cols) {
  for (int64_t step = 0; step < n; ++step) {
    const int64_t i = lower ? n - 1 - step : step;
    const int64_t k0 = lower ? 0 : i + 1, k1 = lower ? i : n;
    const T d = m(i, i);
    for (int64_t c = 0; c < cols; ++c) x(i, c) *= d;
    for (int64_t k = k0; k < k1; ++k) {
      const T f = m(i, k);
      for (int64_t c = 0; c < cols; ++c) x(i, c) += f * x(k, c);
    }
  }
}

// In-place LU factorization with partial pivoting, P A = L U: L (unit diagonal) below the
// diagonal, U on and above it; row i was swapped with row piv[i] at step i. Like LAPACK's
// getrf it goes on past a zero pivot. Returns the first zero pivot's index + 1, or 0.
template <typename T>
GL_LA int64_t lu_factor(Mat<T> a, int64_t n, int32_t* piv, T* perm_sign) {
  int64_t info = 0;
  T sign = T(1);
  for (int64_t j = 0; j < n; ++j) {
    int64_t p = j;
    T best = la_abs(a(j, j));
    for (int64_t i = j + 1; i < n; ++i)
      if (la_abs(a(i, j)) > best) {
        best = la_abs(a(i, j));
        p = i;
      }
    piv[j] = static_cast<int32_t>(p);
    if (p != j) {
      sign = -sign;
      for (int64_t c = 0; c < n; ++c) {
        const T v = a(j, c);
        a(j, c) = a(p, c);
        a(p, c) = v;
      }
    }
    const T d = a(j, j);
    if (d == T(0)) {
      if (info == 0) info = j + 1;
      continue;
    }
    for (int64_t i = j + 1; i < n; ++i) {
      const T f = a(i, j) / d;
      a(i, j) = f;
      for (int64_t c = j + 1; c < n; ++c) a(i, c) -= f * a(j, c);
    }
  }
  *perm_sign = sign;
  return info;
}

// Householder LQ of the m x n matrix a (m <= n), in place: afterwards a holds Q (orthonormal
// rows) and l (m x m) the lower triangular L with A = L Q. The conventions are LAPACK's
// (gelqf, then orglq), so L's diagonal carries the same signs as MXNet's. tau: m scalars of
// scratch.
template <typename T>
GL_LA void lq_factor(Mat<T> a, Mat<T> l, T* tau, int64_t m, int64_t n) {
  for (int64_t i = 0; i < m; ++i) {
    // The reflector H(i) = I - tau v v^T, v = (1, a(i, i+1:) / (alpha - beta)), maps row i
    // onto beta e_i.
    const T alpha = a(i, i);
    T tail = T(0);
    for (int64_t j = i + 1; j < n; ++j) tail += a(i, j) * a(i, j);
    T t = T(0);
    if (tail > T(0)) {
      T beta = la_sqrt(alpha * alpha + tail);
      if (alpha >= T(0)) beta = -beta;
      t = (beta - alpha) / beta;
      const T scale = T(1) / (alpha - beta);
      for (int64_t j = i + 1; j < n; ++j) a(i, j) *= scale;
      a(i, i) = beta;
    }
    tau[i] = t;
    for (int64_t r = i + 1; r < m; ++r) {  // rows below: row_r H(i)
      T w = a(r, i);
      for (int64_t j = i + 1; j < n; ++j) w += a(r, j) * a(i, j);
      w *= t;
      a(r, i) -= w;
      for (int64_t j = i + 1; j < n; ++j) a(r, j) -= w * a(i, j);
    }
  }
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < m; ++j) l(i, j) = j <= i ? a(i, j) : T(0);
  // Q = [I 0] H(m-1) ... H(0), built from the last reflector back. When row i's turn comes,
  // the rows below it hold zeros left of their diagonal.
  for (int64_t i = m - 1; i >= 0; --i) {
    const T t = tau[i];
    for (int64_t r = i + 1; r < m; ++r) {
      T w = T(0);
      for (int64_t j = i + 1; j < n; ++j) w += a(r, j) * a(i, j);
      w *= t;
      a(r, i) = -w;
      for (int64_t j = i + 1; j < n; ++j) a(r, j) -= w * a(i, j);
    }
    for (int64_t j = i + 1; j < n; ++j) a(i, j) *= -t;
    a(i, i) = T(1) - t;
    for (int64_t j = 0; j < i; ++j) a(i, j) = T(0);
  }
}

// Eigen-decomposition of the symmetric matrix whose lower triangle is in a (n x n), by
// cyclic Jacobi rotations in the scratch w: the rows of u are the eigenvectors, lam the
// eigenvalues in ascending order, and each row of u has its largest-magnitude entry positive.
template <typename T>
GL_LA void symmetric_eigen(Mat<T> a, Mat<T> w, Mat<T> u, T* lam, int64_t n) {
  T norm2 = T(0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      w(i, j) = i >= j ? a(i, j) : a(j, i);
      u(i, j) = i == j ? T(1) : T(0);
      norm2 += w(i, j) * w(i, j);
    }
  const T eps = std::numeric_limits<T>::epsilon();
  const T noise = eps * eps * la_sqrt(norm2);  // off-diagonal noise level of the whole matrix
  for (int sweep = 0; sweep < 64; ++sweep) {
    bool rotated = false;
    for (int64_t p = 0; p < n; ++p)
      for (int64_t q = p + 1; q < n; ++q) {
        const T apq = w(p, q), app = w(p, p), aqq = w(q, q);
        // Negligible beside the diagonal (relative accuracy) or beside the whole matrix.
        if (la_abs(apq) <= eps * la_sqrt(la_abs(app * aqq)) || la_abs(apq) <= noise) continue;
        rotated = true;
        // J^T w J zeroes w(p, q) for t = tan(angle), the smaller root of t^2 + 2 theta t = 1.
        const T theta = (aqq - app) / (T(2) * apq);
        T t = T(1) / (la_abs(theta) + la_sqrt(theta * theta + T(1)));
        if (theta < T(0)) t = -t;
        const T c = T(1) / la_sqrt(t * t + T(1)), s = t * c;
        for (int64_t k = 0; k < n; ++k) {
          const T wkp = w(k, p), wkq = w(k, q);
          w(k, p) = c * wkp - s * wkq;
          w(k, q) = s * wkp + c * wkq;
        }
        for (int64_t k = 0; k < n; ++k) {
          const T wpk = w(p, k), wqk = w(q, k);
          w(p, k) = c * wpk - s * wqk;
          w(q, k) = s * wpk + c * wqk;
          const T upk = u(p, k), uqk = u(q, k);
          u(p, k) = c * upk - s * uqk;
          u(q, k) = s * upk + c * uqk;
        }
        w(p, q) = w(q, p) = T(0);
      }
    if (!rotated) break;
  }
  for (int64_t i = 0; i < n; ++i) lam[i] = w(i, i);
  for (int64_t i = 0; i < n; ++i) {  // selection sort, moving the eigenvector rows along
    int64_t lo = i;
    for (int64_t j = i + 1; j < n; ++j)
      if (lam[j] < lam[lo]) lo = j;
    if (lo != i) {
      const T v = lam[i];
      lam[i] = lam[lo];
      lam[lo] = v;
      for (int64_t k = 0; k < n; ++k) {
        const T e = u(i, k);
        u(i, k) = u(lo, k);
        u(lo, k) = e;
      }
    }
  }
  for (int64_t i = 0; i < n; ++i) {
    int64_t big = 0;
    for (int64_t k = 1; k < n; ++k)
      if (la_abs(u(i, k)) > la_abs(u(i, big))) big = k;
    if (u(i, big) < T(0))
      for (int64_t k = 0; k < n; ++k) u(i, k) = -u(i, k);
  }
}

// ---- the per-matrix functors ---------------------------------------------------------------
// Pointers address contiguous batches of row-major matrices; matrix b starts at b * size.

// potrf: a (n x n) is overwritten by its Cholesky factor, lower or upper (info[b]: see
// cholesky_lower). potri (`inverse`): a holds a triangular Cholesky factor and is overwritten
// by the inverse of the matrix it factors, L^-T L^-1 (an upper factor U = L^T gives
// U^-1 U^-T, the same form; info[b]: see invert_lower).
template <typename T>
struct CholeskyFn {
  T* a;
  int64_t n;
  bool lower, inverse;
  int64_t* info;
  GL_LA void operator()(int64_t b) const {
    Mat<T> m = row_major(a + b * n * n, n);
    if (!lower) m = m.t();
    if (!inverse) {
      info[b] = cholesky_lower(m, n);
    } else {
      info[b] = invert_lower(m, n);
      if (info[b] == 0) lower_gram(m, n);
    }
  }
};

// trsm / trmm: x (rows x cols) is overwritten by op(A)^-1 x or op(A) x (left side), or by
// x op(A)^-1 or x op(A) (right side), for the triangular a (n x n). A right-side product is a
// left-side one on the transposes, and a transposed lower triangle an upper one.
template <typename T>
struct TriangularFn {
  T* a;
  T* x;
  int64_t n, rows, cols;
  bool lower, transpose, rightside, solve;
  GL_LA void operator()(int64_t b) const {
    Mat<T> m = row_major(a + b * n * n, n);
    Mat<T> xm = row_major(x + b * rows * cols, cols);
    const bool flip = transpose != rightside;  // the matrix applied from the left is m^T
    if (flip) m = m.t();
    const bool eff_lower = lower != flip;
    if (rightside) xm = xm.t();
    const int64_t width = rightside ? rows : cols;
    if (solve)
      solve_triangular(m, eff_lower, false, xm, n, width);
    else
      multiply_triangular(m, eff_lower, xm, n, width);
  }
};

// det / slogdet / inverse through one LU factorization of a copy of the input in `lu`
// (n x n each, overwritten), with `piv` (n per matrix) of scratch.
//   Det:     out0[b] = det(A)
//   SlogDet: out0[b] = sign(det(A)), out1[b] = log|det(A)|
//   Inverse: inv (n x n) = A^-1; info[b] = first zero pivot + 1 (inv left unfinished), or 0;
//            with zero_singular, a singular matrix gets zeros instead (det's gradient).
enum class LuMode { Det, SlogDet, Inverse };
template <typename T>
struct LuFn {
  T* lu;
  int32_t* piv;
  int64_t n;
  LuMode mode;
  T* out0;
  T* out1;
  T* inv;
  int64_t* info;
  bool zero_singular;
  GL_LA void operator()(int64_t b) const {
    Mat<T> m = row_major(lu + b * n * n, n);
    int32_t* p = piv + b * n;
    T sign;
    const int64_t singular = lu_factor(m, n, p, &sign);
    if (mode == LuMode::Det) {
      T d = sign;
      for (int64_t i = 0; i < n; ++i) d *= m(i, i);
      out0[b] = d;
    } else if (mode == LuMode::SlogDet) {
      T logabs = T(0);
      for (int64_t i = 0; i < n; ++i) {
        const T u = m(i, i);
        sign *= u > T(0) ? T(1) : (u < T(0) ? T(-1) : T(0));
        logabs += la_log(la_abs(u));
      }
      out0[b] = sign;
      out1[b] = logabs;
    } else {
      Mat<T> x = row_major(inv + b * n * n, n);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j) x(i, j) = i == j ? T(1) : T(0);
      info[b] = singular;
      if (singular) {
        if (zero_singular)
          for (int64_t i = 0; i < n; ++i) x(i, i) = T(0);
        return;
      }
      for (int64_t j = 0; j < n; ++j)  // x = P I, then L^-1, then U^-1
        if (p[j] != j)
          for (int64_t c = 0; c < n; ++c) {
            const T v = x(j, c);
            x(j, c) = x(p[j], c);
            x(p[j], c) = v;
          }
      solve_triangular(m, true, true, x, n, n);
      solve_triangular(m, false, false, x, n, n);
    }
  }
};

// gelqf: q (m x n) holds A on entry and Q on exit, l (m x m) receives L; tau: m scratch.
template <typename T>
struct LqFn {
  T* q;
  T* l;
  T* tau;
  int64_t m, n;
  GL_LA void operator()(int64_t b) const {
    lq_factor(row_major(q + b * m * n, n), row_major(l + b * m * m, m), tau + b * m, m, n);
  }
};

// syevd: u (n x n) and lam (n) receive the eigenvectors and eigenvalues of a's lower
// triangle; w: n x n scratch.
template <typename T>
struct EigenFn {
  T* a;
  T* w;
  T* u;
  T* lam;
  int64_t n;
  GL_LA void operator()(int64_t b) const {
    const int64_t sz = n * n;
    symmetric_eigen(row_major(a + b * sz, n), row_major(w + b * sz, n), row_major(u + b * sz, n),
                    lam + b * n, n);
  }
};

// extracttrian / maketrian: the lower triangle of the m x m view of matrix b at element
// `start` with strides (rs, cs) is packed row by row into `packed` (m (m + 1) / 2 per
// matrix), or unpacked from it (the rest of the n x n matrix is left as it is).
template <typename T>
struct TrianPackFn {
  T* matrix;
  T* packed;
  int64_t n, m, start, rs, cs;
  bool unpack;
  GL_LA void operator()(int64_t b) const {
    Mat<T> v{matrix + b * n * n + start, rs, cs};
    T* p = packed + b * (m * (m + 1) / 2);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j <= i; ++j, ++p) {
        if (unpack)
          v(i, j) = *p;
        else
          *p = v(i, j);
      }
  }
};

}  // namespace gl::ops::la

#if defined(__CUDACC__)
#include "../cuda/runtime.h"

namespace gl::ops {

template <typename F>
__global__ void linalg_for_each_kernel(F fn, int64_t batch) {
  for (int64_t b = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; b < batch;
       b += int64_t(blockDim.x) * gridDim.x)
    fn(b);
}

// One thread per matrix; small blocks so that a modest batch still spreads over the SMs.
template <typename F>
void linalg_for_each_cuda(const F& fn, int64_t batch) {
  if (batch <= 0) return;
  constexpr int kThreads = 64;
  const int64_t blocks = (batch + kThreads - 1) / kThreads;
  linalg_for_each_kernel<<<static_cast<unsigned>(blocks > 65535 ? 65535 : blocks), kThreads>>>(
      fn, batch);
  cuda::check_launch("linalg");
}

}  // namespace gl::ops
#endif
