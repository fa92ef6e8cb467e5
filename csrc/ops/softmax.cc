// softmax and log_softmax along one axis, numerically stable (the maximum is subtracted
// first), with temperature, and their gradients. CUDA kernels: softmax.cu.
#include <cmath>
#include <limits>
#include <type_traits>

#include "../autograd/autograd.h"
#include "../core/parallel.h"
#include "../cuda/runtime.h"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

// A row of n contiguous elements. A NaN anywhere makes the whole row NaN (through the sum).
// Exponentials are computed in acc_t<T> (float for half) and summed in double.
template <typename T, bool Log>
void softmax_row(const T* x, T* y, int64_t n, acc_t<T> inv_t) {
  using A = acc_t<T>;
  A m = -std::numeric_limits<A>::infinity();
#pragma omp simd reduction(max : m)
  for (int64_t i = 0; i < n; ++i) {
    const A v = static_cast<A>(x[i]);
    m = v > m ? v : m;
  }
  double sum = 0;
  if constexpr (!Log && std::is_same<T, A>::value) {  // keep exp(x - m) in y, then scale
    for (int64_t i = 0; i < n; ++i) {
      y[i] = std::exp((x[i] - m) * inv_t);
      sum += y[i];
    }
    const A inv_sum = static_cast<A>(1.0 / sum);
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) y[i] *= inv_sum;
    return;
  }
  for (int64_t i = 0; i < n; ++i) sum += std::exp((static_cast<A>(x[i]) - m) * inv_t);
  if constexpr (Log) {
    const A log_sum = static_cast<A>(std::log(sum));
#pragma omp simd
    for (int64_t i = 0; i < n; ++i)
      y[i] = static_cast<T>((static_cast<A>(x[i]) - m) * inv_t - log_sum);
  } else {
    const A inv_sum = static_cast<A>(1.0 / sum);
    for (int64_t i = 0; i < n; ++i)
      y[i] = static_cast<T>(std::exp((static_cast<A>(x[i]) - m) * inv_t) * inv_sum);
  }
}

// A strided axis (not the last): `cols` neighbouring columns of one outer slice at once,
// so every pass reads the input in order.
template <typename T, bool Log>
void softmax_columns(const T* x, T* y, int64_t n, int64_t inner, int64_t cols, acc_t<T> inv_t) {
  using A = acc_t<T>;
  constexpr int64_t kCols = 256;
  A m[kCols], scale[kCols];
  double sum[kCols];
  for (int64_t j = 0; j < cols; ++j) {
    m[j] = -std::numeric_limits<A>::infinity();
    sum[j] = 0;
  }
  for (int64_t k = 0; k < n; ++k) {
    const T* xk = x + k * inner;
#pragma omp simd
    for (int64_t j = 0; j < cols; ++j) {
      const A v = static_cast<A>(xk[j]);
      m[j] = v > m[j] ? v : m[j];
    }
  }
  constexpr bool keep_exp = !Log && std::is_same<T, A>::value;
  for (int64_t k = 0; k < n; ++k) {
    const T* xk = x + k * inner;
    T* yk = y + k * inner;
    for (int64_t j = 0; j < cols; ++j) {
      const A e = std::exp((static_cast<A>(xk[j]) - m[j]) * inv_t);
      if constexpr (keep_exp) yk[j] = e;
      sum[j] += e;
    }
  }
  for (int64_t j = 0; j < cols; ++j)
    scale[j] = static_cast<A>(Log ? std::log(sum[j]) : 1.0 / sum[j]);
  for (int64_t k = 0; k < n; ++k) {
    const T* xk = x + k * inner;
    T* yk = y + k * inner;
    for (int64_t j = 0; j < cols; ++j) {
      if constexpr (keep_exp) {
        yk[j] *= scale[j];
      } else {
        const A z = (static_cast<A>(xk[j]) - m[j]) * inv_t;
        yk[j] = static_cast<T>(Log ? z - scale[j] : std::exp(z) * scale[j]);
      }
    }
  }
}

template <typename T, bool Log>
void softmax_cpu(const T* x, T* y, int64_t outer, int64_t n, int64_t inner, double temperature) {
  using A = acc_t<T>;
  const A inv_t = static_cast<A>(1.0 / temperature);
  if (inner == 1) {
    const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(n, 1));
    parallel_for(outer, grain, [&](int64_t begin, int64_t end) {
      for (int64_t row = begin; row < end; ++row)
        softmax_row<T, Log>(x + row * n, y + row * n, n, inv_t);
    });
    return;
  }
  constexpr int64_t kCols = 256;
  const int64_t n_chunks = (inner + kCols - 1) / kCols;
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(n * kCols, 1));
  parallel_for(outer * n_chunks, grain, [&](int64_t begin, int64_t end) {
    for (int64_t task = begin; task < end; ++task) {
      const int64_t o = task / n_chunks, c0 = (task % n_chunks) * kCols;
      const int64_t offset = o * n * inner + c0;
      softmax_columns<T, Log>(x + offset, y + offset, n, inner, std::min(kCols, inner - c0), inv_t);
    }
  });
}

Tensor softmax_forward(const Tensor& x, int axis, double temperature, bool log) {
  const char* name = log ? "log_softmax" : "softmax";
  GL_CHECK_KIND(is_floating(x.dtype()), ErrorKind::Type, name, ": input dtype ",
                dtype_name(x.dtype()), " is not supported; ", name,
                " needs float16, float32 or float64 (convert with .astype('float32'))");
  GL_CHECK(x.ndim() > 0, name, ": the input must have at least one dimension (got shape ",
           shape_str(x.shape()), ")");
  GL_CHECK_KIND(temperature != 0.0 && !std::isnan(temperature), ErrorKind::Value, name,
                ": temperature must be a nonzero number (got ", temperature, ")");
  const int a = normalize_axis(axis, x.ndim(), name);
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < a; ++i) outer *= x.shape()[i];
  for (int i = a + 1; i < x.ndim(); ++i) inner *= x.shape()[i];
  const int64_t n = x.shape()[a];
  const Tensor xc = contiguous(x);
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (y.numel() == 0) return y;
  if (x.device().is_gpu()) {
    GL_CUDA_LAUNCH(name, y.device(), softmax_cuda(y, xc, outer, n, inner, temperature, log));
    return y;
  }
  GL_DISPATCH_FLOAT(x.dtype(), name, {
    const scalar_t* xp = xc.data<scalar_t>();
    scalar_t* yp = y.data<scalar_t>();
    if (log)
      softmax_cpu<scalar_t, true>(xp, yp, outer, n, inner, temperature);
    else
      softmax_cpu<scalar_t, false>(xp, yp, outer, n, inner, temperature);
  });
  return y;
}

// softmax: dx = y * (g - sum(g * y)) / T;  log_softmax: dx = (g - exp(y) * sum(g)) / T.
// Written with ops, so they run on any device and record for higher-order gradients.
Tensor softmax_grad(const Tensor& y, const Tensor& g, int axis, double temperature, bool log) {
  auto sum_axis = [axis](const Tensor& t) { return reduce(ReduceOp::Sum, t, {axis}, true, false); };
  Tensor dx =
      log ? sub(g, mul(unary(UnaryOp::Exp, y), sum_axis(g))) : mul(y, sub(g, sum_axis(mul(g, y))));
  return temperature == 1.0 ? dx : mul_scalar(dx, 1.0 / temperature);
}

Tensor softmax_op(const Tensor& x, int axis, double temperature, bool log) {
  Tensor y = softmax_forward(x, axis, temperature, log);
  if (should_record({&x})) {
    Tensor y_saved = detach(y);  // a plain view: capturing y itself would form a cycle
    record_op(log ? "log_softmax" : "softmax", {x}, {&y},
              [x, y_saved, axis, temperature, log](const GradList& g) -> GradList {
                // With create_graph the gradient must see y as a function of x: recompute.
                Tensor y = is_recording() ? softmax_op(x, axis, temperature, log) : y_saved;
                return {softmax_grad(y, g[0], axis, temperature, log)};
              });
  }
  return y;
}

}  // namespace

Tensor softmax(const Tensor& x, int axis, double temperature) {
  return softmax_op(x, axis, temperature, false);
}

Tensor log_softmax(const Tensor& x, int axis, double temperature) {
  return softmax_op(x, axis, temperature, true);
}

}  // namespace gl::ops
