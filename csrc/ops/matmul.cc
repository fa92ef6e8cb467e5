// Matrix products: gemm, dot, batch_dot and FullyConnected, their shape checks, the CPU GEMM
// (OpenBLAS; float16 goes through float32) and the gradients. CUDA GEMM: matmul.cu.
#include <cblas.h>

#include <algorithm>
#include <climits>
#include <optional>
#include <vector>

#include "../autograd/autograd.h"
#include "../core/parallel.h"
#include "../cuda/runtime.h"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

// How GEMM reads a tensor as `batch` row-major matrices of rows x cols: a leading dimension,
// a batch stride, and whether memory holds the transpose (x.T passed to dot costs no copy).
// Layouts BLAS can't express are copied to contiguous memory, which `owner` keeps alive.
struct Operand {
  Tensor owner;
  const void* data = nullptr;
  int64_t ld = 1;
  int64_t batch_stride = 0;
  bool transposed = false;
};

// Stride between consecutive matrices when the first `batch_dims` axes collapse into one.
bool collapsed_batch_stride(const Tensor& t, int batch_dims, int64_t* stride) {
  *stride = 0;
  int64_t expected = -1;
  for (int i = batch_dims - 1; i >= 0; --i) {
    if (t.size(i) == 1) continue;
    if (expected >= 0 && t.strides()[i] != expected) return false;
    if (expected < 0) *stride = t.strides()[i];
    expected = t.strides()[i] * t.size(i);
  }
  return true;
}

Operand as_operand(const Tensor& t, int batch_dims, int64_t rows, int64_t cols) {
  const int64_t cols1 = std::max<int64_t>(cols, 1), rows1 = std::max<int64_t>(rows, 1);
  if (t.is_contiguous()) return {t, t.raw_data(), cols1, rows * cols, false};
  int64_t rs = 0, cs = 0, bs = 0;
  bool strided = false;
  if (t.ndim() == batch_dims + 2 && collapsed_batch_stride(t, batch_dims, &bs)) {
    rs = t.strides()[batch_dims];
    cs = t.strides()[batch_dims + 1];
    strided = true;
  } else if (t.ndim() == 1 && batch_dims == 0) {  // a strided vector, as a row or a column
    rs = cs = t.strides()[0];
    strided = true;
  }
  if (strided) {
    if ((cols == 1 || cs == 1) && (rows == 1 || rs >= cols1))
      return {t, t.raw_data(), rows == 1 ? cols1 : rs, bs, false};
    if ((rows == 1 || rs == 1) && (cols == 1 || cs >= rows1))
      return {t, t.raw_data(), cols == 1 ? rows1 : cs, bs, true};
  }
  Tensor dense = contiguous(t);
  return {dense, dense.raw_data(), cols1, rows * cols, false};
}

template <typename T>
void scale_matrix(T* c, int64_t m, int64_t n, int64_t ldc, double beta) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      c[i * ldc + j] = beta == 0.0 ? T(0.0f) : T(static_cast<acc_t<T>>(beta) * c[i * ldc + j]);
}

// A product with one row or one column is a matrix-vector product: GEMV reads the matrix
// once, where GEMM packs it first (at batch 1 that packing is most of the time).
template <typename T, typename Gemv>
bool as_gemv(Gemv gemv, bool ta, bool tb, int m, int n, int k, T alpha, const T* a, int lda,
             const T* b, int ldb, T beta, T* c, int ldc) {
  if (m != 1 && n != 1) return false;
  if (beta == T(0)) {  // GEMV scales y by beta, and 0 * NaN is NaN: start from zeros instead
    for (int i = 0; i < (m == 1 ? n : m); ++i) c[m == 1 ? i : i * ldc] = T(0);
  }
  if (m == 1) {  // c = a op(B): a row of k, op(B) k x n
    const int inc_a = ta ? lda : 1;
    if (tb)
      gemv(CblasRowMajor, CblasNoTrans, n, k, alpha, b, ldb, a, inc_a, beta, c, 1);
    else
      gemv(CblasRowMajor, CblasTrans, k, n, alpha, b, ldb, a, inc_a, beta, c, 1);
  } else {  // c = op(A) b: op(A) m x k, b a column of k
    const int inc_b = tb ? 1 : ldb;
    if (ta)
      gemv(CblasRowMajor, CblasTrans, k, m, alpha, a, lda, b, inc_b, beta, c, ldc);
    else
      gemv(CblasRowMajor, CblasNoTrans, m, k, alpha, a, lda, b, inc_b, beta, c, ldc);
  }
  return true;
}

void blas_gemm(bool ta, bool tb, int m, int n, int k, double alpha, const float* a, int lda,
               const float* b, int ldb, double beta, float* c, int ldc) {
  if (as_gemv<float>(scipy_cblas_sgemv, ta, tb, m, n, k, float(alpha), a, lda, b, ldb, float(beta),
                     c, ldc))
    return;
  scipy_cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    m, n, k, static_cast<float>(alpha), a, lda, b, ldb, static_cast<float>(beta), c,
                    ldc);
}
void blas_gemm(bool ta, bool tb, int m, int n, int k, double alpha, const double* a, int lda,
               const double* b, int ldb, double beta, double* c, int ldc) {
  if (as_gemv<double>(scipy_cblas_dgemv, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc))
    return;
  scipy_cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// float16 has no BLAS: widen the operands to float32, run sgemm, narrow the result.
std::vector<float> widen(const half_t* src, int64_t rows, int64_t cols, int64_t ld) {
  std::vector<float> out(static_cast<size_t>(rows * cols));
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) out[i * cols + j] = static_cast<float>(src[i * ld + j]);
  return out;
}

void blas_gemm(bool ta, bool tb, int m, int n, int k, double alpha, const half_t* a, int lda,
               const half_t* b, int ldb, double beta, half_t* c, int ldc) {
  std::vector<float> a32 = ta ? widen(a, k, m, lda) : widen(a, m, k, lda);
  std::vector<float> b32 = tb ? widen(b, n, k, ldb) : widen(b, k, n, ldb);
  std::vector<float> c32 = beta != 0.0 ? widen(c, m, n, ldc) : std::vector<float>(size_t(m) * n);
  blas_gemm(ta, tb, m, n, k, alpha, a32.data(), ta ? m : k, b32.data(), tb ? k : n, beta,
            c32.data(), n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = half_t(c32[i * n + j]);
}

// Multiply-adds below which a CPU GEMM is not split over threads.
constexpr int64_t kSerialGemmMacs = int64_t(1) << 21;

// The one GEMM entry point every op goes through: checks BLAS's 32-bit limits and picks
// the device.
void run_gemm(DType dtype, Device device, bool ta, bool tb, int64_t m, int64_t n, int64_t k,
              double alpha, const void* a, int64_t lda, int64_t stride_a, const void* b,
              int64_t ldb, int64_t stride_b, double beta, void* c, int64_t ldc, int64_t stride_c,
              int64_t batch, const char* op) {
  if (m == 0 || n == 0 || batch == 0) return;
  for (int64_t v : {m, n, k, lda, ldb, ldc, batch})
    GL_CHECK(v <= INT_MAX, op, ": matrix dimension ", v, " exceeds the GEMM limit of ", INT_MAX);
  if (device.is_gpu()) {
    GL_CUDA_LAUNCH(op, device,
                   gemm_cuda(dtype, device.id, ta, tb, m, n, k, alpha, a, lda, stride_a, b, ldb,
                             stride_b, beta, c, ldc, stride_c, batch));
    return;
  }
  // Small products run on the calling thread: splitting them costs more in waking and
  // synchronizing threads than it saves (and much more when other work holds the cores).
  std::optional<SerialBlasScope> serial;
  if (double(m) * double(n) * double(k) < double(kSerialGemmMacs) && cpu_threads() > 1)
    serial.emplace();
  GL_DISPATCH_FLOAT(dtype, op, {
    const scalar_t* pa = static_cast<const scalar_t*>(a);
    const scalar_t* pb = static_cast<const scalar_t*>(b);
    scalar_t* pc = static_cast<scalar_t*>(c);
    for (int64_t i = 0; i < batch; ++i) {
      scalar_t* ci = pc + i * stride_c;
      if (k == 0) {
        scale_matrix(ci, m, n, ldc, beta);
        continue;
      }
      blas_gemm(ta, tb, int(m), int(n), int(k), alpha, pa + i * stride_a, int(lda),
                pb + i * stride_b, int(ldb), beta, ci, int(ldc));
    }
  });
}

// out (contiguous, `batch` matrices of m x n) = op(A) op(B) + beta out.
void gemm_into(const Tensor& out, const Operand& A, bool ta, const Operand& B, bool tb, int64_t m,
               int64_t n, int64_t k, int64_t batch, double beta, const char* op) {
  run_gemm(out.dtype(), out.device(), ta != A.transposed, tb != B.transposed, m, n, k, 1.0, A.data,
           A.ld, A.batch_stride, B.data, B.ld, B.batch_stride, beta, out.raw_data(), n, m * n,
           batch, op);
}

const char* py_bool(bool v) { return v ? "True" : "False"; }

void check_operands(const char* op, const Tensor& a, const Tensor& b, const char* a_name,
                    const char* b_name) {
  if (!is_floating(a.dtype())) throw_unsupported_dtype(op, a.dtype());
  GL_CHECK(a.dtype() == b.dtype(), op, ": ", a_name, " and ", b_name, " have different dtypes (",
           dtype_name(a.dtype()), " vs ", dtype_name(b.dtype()), "); convert one with .astype('",
           dtype_name(a.dtype()), "')");
  GL_CHECK(a.device() == b.device(), op, ": ", a_name, " and ", b_name,
           " are on different devices (", a.device().str(), " vs ", b.device().str(),
           "); move one with .as_in_context() or .copyto()");
}

int64_t prod(const Shape& s, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= s[i];
  return p;
}

bool any_empty(std::initializer_list<const Tensor*> ts) {
  for (const Tensor* t : ts)
    if (t->defined() && t->numel() == 0) return true;
  return false;
}

Tensor zeros_like(const Tensor& t) { return full_like(t, 0.0); }

Tensor as_matrix(const Tensor& t, int64_t rows, int64_t cols) {
  return reshape_to(t, {rows, cols});
}

// MXNet's dot reads a as one matrix: (prod(shape[:-1]), shape[-1]), or with transpose_a
// (shape[0], prod(shape[1:])) transposed; b likewise with the roles of the axes swapped.
struct DotDims {
  int64_t a_rows, a_cols, b_rows, b_cols, m, n, k;
  Shape out_shape;
};

DotDims dot_dims(const Tensor& a, const Tensor& b, bool ta, bool tb) {
  const Shape &as = a.shape(), &bs = b.shape();
  GL_CHECK(a.ndim() >= 1 && b.ndim() >= 1,
           "dot: operands must have at least one dimension, got "
           "shapes ",
           shape_str(as), " and ", shape_str(bs));
  if (a.ndim() == 1 && b.ndim() == 1)
    GL_CHECK(!ta && !tb, "dot: cannot transpose 1-D vectors (shapes ", shape_str(as), " and ",
             shape_str(bs), ", transpose_a=", py_bool(ta), ", transpose_b=", py_bool(tb), ")");
  DotDims d;
  d.a_rows = ta ? as[0] : prod(as, 0, as.size() - 1);
  d.a_cols = ta ? prod(as, 1, as.size()) : as.back();
  d.b_rows = tb ? prod(bs, 0, bs.size() - 1) : bs[0];
  d.b_cols = tb ? bs.back() : prod(bs, 1, bs.size());
  d.m = ta ? d.a_cols : d.a_rows;
  d.k = ta ? d.a_rows : d.a_cols;
  d.n = tb ? d.b_rows : d.b_cols;
  int64_t kb = tb ? d.b_cols : d.b_rows;
  GL_CHECK(d.k == kb, "dot: cannot multiply shapes ", shape_str(as), " and ", shape_str(bs),
           " (transpose_a=", py_bool(ta), ", transpose_b=", py_bool(tb),
           "): the contracted axis "
           "has ",
           d.k, " elements in the lhs but ", kb, " in the rhs");
  if (a.ndim() > 1)
    d.out_shape.insert(d.out_shape.end(), ta ? as.begin() + 1 : as.begin(),
                       ta ? as.end() : as.end() - 1);
  if (b.ndim() > 1)
    d.out_shape.insert(d.out_shape.end(), tb ? bs.begin() : bs.begin() + 1,
                       tb ? bs.end() - 1 : bs.end());
  if (d.out_shape.empty()) d.out_shape = {1};  // vector . vector, as MXNet
  return d;
}

// Gradients of op(A) op(B) for the matrix forms a2, b2 and the output gradient g2, written
// with differentiable ops (each one GEMM) so create_graph works; `mm` is dot or batch_dot.
template <typename MatMul>
GradList matmul_grads(const Tensor& a2, const Tensor& b2, const Tensor& g2, bool ta, bool tb,
                      bool need_a, bool need_b, MatMul mm) {
  Tensor ga, gb;
  if (need_a) ga = ta ? mm(b2, g2, tb, true) : mm(g2, b2, false, !tb);
  if (need_b) gb = tb ? mm(g2, a2, true, ta) : mm(a2, g2, !ta, false);
  return {ga, gb};
}

void column_sum(const Tensor& out, const Tensor& g, int64_t rows, int64_t cols) {
  if (out.device().is_gpu()) {
    GL_CUDA_LAUNCH("FullyConnected", out.device(), column_sum_cuda(out, g, rows, cols));
    return;
  }
  GL_DISPATCH_FLOAT(g.dtype(), "FullyConnected", {
    const scalar_t* src = g.data<scalar_t>();
    scalar_t* dst = out.data<scalar_t>();
    int64_t grain = std::max<int64_t>(16, kParallelGrain / std::max<int64_t>(rows, 1));
    parallel_for(cols, grain, [&](int64_t c0, int64_t c1) {
      std::vector<acc_t<scalar_t>> acc(static_cast<size_t>(c1 - c0), acc_t<scalar_t>(0));
      for (int64_t i = 0; i < rows; ++i) {
        const scalar_t* row = src + i * cols;
        for (int64_t j = c0; j < c1; ++j) acc[j - c0] += static_cast<acc_t<scalar_t>>(row[j]);
      }
      for (int64_t j = c0; j < c1; ++j) dst[j] = scalar_t(acc[j - c0]);
    });
  });
}

// FullyConnected's backward, the Dense hot path: dX = dY W and dW = dY^T X as two GEMMs
// straight into fresh buffers, db as a column sum. Only the gradients needed are computed.
GradList fully_connected_backward(const Tensor& x, const Tensor& w, const Tensor& bias,
                                  const Tensor& g, int64_t rows, int64_t in_units, bool need_x,
                                  bool need_w, bool need_b) {
  const int64_t hidden = w.size(0);
  Tensor gx, gw, gb;
  if (any_empty({&x, &w, &g})) {
    if (need_x) gx = zeros_like(x);
    if (need_w) gw = zeros_like(w);
    if (need_b) gb = zeros_like(bias);
  } else if (is_recording()) {  // create_graph: the same maths as recorded ops
    Tensor g2 = as_matrix(g, rows, hidden);
    if (need_x) gx = reshape_to(dot(g2, w, false, false), x.shape());
    if (need_w) gw = dot(g2, as_matrix(x, rows, in_units), true, false);
    if (need_b) gb = reduce(ReduceOp::Sum, g2, {0}, false, false);
  } else {
    Operand G = as_operand(g, 0, rows, hidden);
    if (need_x) {
      gx = Tensor::empty(x.shape(), x.dtype(), x.device());
      gemm_into(gx, G, false, as_operand(w, 0, hidden, in_units), false, rows, in_units, hidden, 1,
                0.0, "FullyConnected");
    }
    if (need_w) {
      gw = Tensor::empty(w.shape(), w.dtype(), w.device());
      gemm_into(gw, G, true, as_operand(x, 0, rows, in_units), false, hidden, in_units, rows, 1,
                0.0, "FullyConnected");
    }
    if (need_b) {
      gb = Tensor::empty(bias.shape(), bias.dtype(), bias.device());
      Tensor dense = G.owner.is_contiguous() ? G.owner : contiguous(g);
      column_sum(gb, dense, rows, hidden);
    }
  }
  if (bias.defined()) return {gx, gw, gb};
  return {gx, gw};
}

}  // namespace

void gemm(const Tensor& a, const Tensor& b, const Tensor& c, bool trans_a, bool trans_b,
          double alpha, double beta) {
  check_operands("gemm", a, b, "A", "B");
  check_operands("gemm", a, c, "A", "C");
  GL_CHECK(a.ndim() == 2 && b.ndim() == 2 && c.ndim() == 2, "gemm: A, B and C must be 2-D, got ",
           shape_str(a.shape()), ", ", shape_str(b.shape()), " and ", shape_str(c.shape()));
  GL_CHECK(a.is_contiguous() && b.is_contiguous() && c.is_contiguous(),
           "gemm: A, B and C must be contiguous row-major buffers");
  int64_t m = trans_a ? a.size(1) : a.size(0), k = trans_a ? a.size(0) : a.size(1);
  int64_t kb = trans_b ? b.size(1) : b.size(0), n = trans_b ? b.size(0) : b.size(1);
  GL_CHECK(k == kb && c.size(0) == m && c.size(1) == n, "gemm: cannot compute C",
           shape_str(c.shape()), " = op(A", shape_str(a.shape()), ") op(B", shape_str(b.shape()),
           ") with trans_a=", py_bool(trans_a), ", trans_b=", py_bool(trans_b));
  run_gemm(a.dtype(), a.device(), trans_a, trans_b, m, n, k, alpha, a.raw_data(),
           std::max<int64_t>(a.size(1), 1), 0, b.raw_data(), std::max<int64_t>(b.size(1), 1), 0,
           beta, c.raw_data(), std::max<int64_t>(n, 1), 0, 1, "gemm");
}

Tensor dot(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b) {
  check_operands("dot", a, b, "lhs", "rhs");
  DotDims d = dot_dims(a, b, transpose_a, transpose_b);
  Tensor y = Tensor::empty(d.out_shape, a.dtype(), a.device());
  gemm_into(y, as_operand(a, 0, d.a_rows, d.a_cols), transpose_a,
            as_operand(b, 0, d.b_rows, d.b_cols), transpose_b, d.m, d.n, d.k, 1, 0.0, "dot");
  if (should_record({&a, &b})) {
    bool need_a = a.requires_grad(), need_b = b.requires_grad();
    record_op("dot", {a, b}, {&y},
              [a, b, d, transpose_a, transpose_b, need_a, need_b](const GradList& g) -> GradList {
                if (any_empty({&a, &b}))
                  return {need_a ? zeros_like(a) : Tensor(), need_b ? zeros_like(b) : Tensor()};
                GradList grads = matmul_grads(
                    as_matrix(a, d.a_rows, d.a_cols), as_matrix(b, d.b_rows, d.b_cols),
                    as_matrix(g[0], d.m, d.n), transpose_a, transpose_b, need_a, need_b, dot);
                if (need_a) grads[0] = reshape_to(grads[0], a.shape());
                if (need_b) grads[1] = reshape_to(grads[1], b.shape());
                return grads;
              });
  }
  return y;
}

Tensor batch_dot(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b) {
  check_operands("batch_dot", a, b, "lhs", "rhs");
  const Shape &as = a.shape(), &bs = b.shape();
  const int nd = a.ndim();
  GL_CHECK(nd >= 3 && b.ndim() == nd,
           "batch_dot: expects two arrays with the same number of "
           "dimensions, at least 3 (batch, rows, columns), got shapes ",
           shape_str(as), " and ", shape_str(bs));
  GL_CHECK(std::equal(as.begin(), as.end() - 2, bs.begin()),
           "batch_dot: the leading batch "
           "dimensions must be equal, got shapes ",
           shape_str(as), " and ", shape_str(bs));
  int64_t m = transpose_a ? as[nd - 1] : as[nd - 2], k = transpose_a ? as[nd - 2] : as[nd - 1];
  int64_t kb = transpose_b ? bs[nd - 1] : bs[nd - 2], n = transpose_b ? bs[nd - 2] : bs[nd - 1];
  GL_CHECK(k == kb, "batch_dot: cannot multiply shapes ", shape_str(as), " and ", shape_str(bs),
           " (transpose_a=", py_bool(transpose_a), ", transpose_b=", py_bool(transpose_b),
           "): the contracted axis has ", k, " elements in the lhs but ", kb, " in the rhs");
  Shape out_shape(as.begin(), as.end() - 2);
  int64_t batch = prod(out_shape, 0, out_shape.size());
  out_shape.push_back(m);
  out_shape.push_back(n);
  Tensor y = Tensor::empty(out_shape, a.dtype(), a.device());
  gemm_into(y, as_operand(a, nd - 2, as[nd - 2], as[nd - 1]), transpose_a,
            as_operand(b, nd - 2, bs[nd - 2], bs[nd - 1]), transpose_b, m, n, k, batch, 0.0,
            "batch_dot");
  if (should_record({&a, &b})) {
    bool need_a = a.requires_grad(), need_b = b.requires_grad();
    record_op("batch_dot", {a, b}, {&y},
              [a, b, transpose_a, transpose_b, need_a, need_b](const GradList& g) -> GradList {
                return matmul_grads(a, b, g[0], transpose_a, transpose_b, need_a, need_b,
                                    batch_dot);
              });
  }
  return y;
}

Tensor fully_connected(const Tensor& x, const Tensor& weight, const Tensor* bias,
                       int64_t num_hidden, bool flatten) {
  const char* op = "FullyConnected";
  check_operands(op, x, weight, "input", "weight");
  if (bias) check_operands(op, x, *bias, "input", "bias");
  GL_CHECK(num_hidden >= 1, op, ": num_hidden must be positive, got ", num_hidden);
  GL_CHECK(x.ndim() >= 1, op, ": input must have at least one dimension, got shape ",
           shape_str(x.shape()));
  GL_CHECK(weight.ndim() == 2 && weight.size(0) == num_hidden, op,
           ": weight must have shape "
           "(num_hidden, in_units) = (",
           num_hidden, ", in_units), got ", shape_str(weight.shape()));
  const Shape& xs = x.shape();
  const int64_t rows = flatten ? xs[0] : prod(xs, 0, xs.size() - 1);
  const int64_t in_units = flatten ? prod(xs, 1, xs.size()) : xs.back();
  GL_CHECK(
      in_units == weight.size(1), op, ": input has ", in_units, " features (shape ", shape_str(xs),
      flatten && x.ndim() != 2 ? ", flattened to " + shape_str({rows, in_units}) : std::string(),
      ") but weight expects ", weight.size(1), " (weight shape ", shape_str(weight.shape()), ")");
  if (bias)
    GL_CHECK(bias->shape() == Shape{num_hidden}, op, ": bias must have shape (num_hidden,) = (",
             num_hidden, ",), got ", shape_str(bias->shape()));

  Shape out_shape = flatten ? Shape{rows} : Shape(xs.begin(), xs.end() - 1);
  out_shape.push_back(num_hidden);
  Tensor y = Tensor::empty(out_shape, x.dtype(), x.device());
  // y = x W^T + b as one GEMM: the bias is copied into every row and accumulated with beta=1.
  if (bias && rows > 0) copy_(Tensor::view(y, {rows, num_hidden}, {num_hidden, 1}, 0), *bias);
  gemm_into(y, as_operand(x, 0, rows, in_units), false, as_operand(weight, 0, num_hidden, in_units),
            true, rows, num_hidden, in_units, 1, bias ? 1.0 : 0.0, op);

  Tensor b = bias ? *bias : Tensor();
  if (should_record({&x, &weight, &b})) {
    bool need_x = x.requires_grad(), need_w = weight.requires_grad();
    bool need_b = b.defined() && b.requires_grad();
    std::vector<Tensor> inputs{x, weight};
    if (b.defined()) inputs.push_back(b);
    record_op(op, inputs, {&y},
              [x, weight, b, rows, in_units, need_x, need_w, need_b](const GradList& g) {
                return fully_connected_backward(x, weight, b, g[0], rows, in_units, need_x, need_w,
                                                need_b);
              });
  }
  return y;
}

}  // namespace gl::ops
