// BatchNorm: checks, CPU kernels (per-channel statistics, normalization, backward) and the
// running-statistics update. CUDA kernels: batch_norm.cu.
//
// x is viewed as (outer, C, inner) with C = x.shape[axis]. Statistics and parameters are
// kept in the data's accumulation type (float32 for float16 data, as MXNet lets float16
// networks keep float32 BatchNorm parameters).
#include <algorithm>
#include <cmath>
#include <vector>

#include "../autograd/autograd.h"
#include "../core/parallel.h"
#include "../cuda/runtime.h"
#include "nn_ops.h"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

struct Dims {
  int64_t outer, channels, inner;
};

int64_t channel_grain(const Dims& d) {
  return std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(d.outer * d.inner, 1));
}

// Mean and biased variance per channel, two-pass in double.
template <typename T, typename P>
void stats_cpu(const T* x, P* mean, P* var, Dims d) {
  const int64_t count = d.outer * d.inner;
  parallel_for(d.channels, channel_grain(d), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      double sum = 0;
      for (int64_t o = 0; o < d.outer; ++o) {
        const T* row = x + (o * d.channels + c) * d.inner;
        for (int64_t i = 0; i < d.inner; ++i) sum += static_cast<double>(row[i]);
      }
      const double m = count > 0 ? sum / count : 0.0;
      double sq = 0;
      for (int64_t o = 0; o < d.outer; ++o) {
        const T* row = x + (o * d.channels + c) * d.inner;
        for (int64_t i = 0; i < d.inner; ++i) {
          const double t = static_cast<double>(row[i]) - m;
          sq += t * t;
        }
      }
      mean[c] = static_cast<P>(m);
      var[c] = static_cast<P>(count > 0 ? sq / count : 0.0);
    }
  });
}

// y = (x - mean) / sqrt(var + eps) * gamma + beta, folded into one scale and shift per channel.
template <typename T, typename P>
void apply_cpu(const T* x, const P* mean, const P* var, const P* gamma, const P* beta, T* y,
               double eps, Dims d) {
  using A = acc_t<T>;
  std::vector<A> scale(static_cast<size_t>(d.channels)), shift(scale.size());
  for (int64_t c = 0; c < d.channels; ++c) {
    const double s = (gamma ? static_cast<double>(gamma[c]) : 1.0) /
                     std::sqrt(static_cast<double>(var[c]) + eps);
    scale[c] = static_cast<A>(s);
    shift[c] = static_cast<A>(static_cast<double>(beta[c]) - static_cast<double>(mean[c]) * s);
  }
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(d.inner, 1));
  parallel_for(d.outer * d.channels, grain, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const A sc = scale[p % d.channels], sh = shift[p % d.channels];
      const T* xr = x + p * d.inner;
      T* yr = y + p * d.inner;
      for (int64_t i = 0; i < d.inner; ++i) yr[i] = static_cast<T>(static_cast<A>(xr[i]) * sc + sh);
    }
  });
}

// dbeta = sum(dy), dgamma = sum(dy * xhat); dx through the batch statistics when they were
// used (training), otherwise dx = dy * gamma / sqrt(var + eps).
template <typename T, typename P>
void backward_cpu(const T* x, const T* dy, const P* mean, const P* var, const P* gamma, T* dx,
                  P* dgamma, P* dbeta, double eps, bool batch_stats, Dims d) {
  const double count = static_cast<double>(d.outer * d.inner);
  parallel_for(d.channels, channel_grain(d), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const double m = static_cast<double>(mean[c]);
      const double invstd = 1.0 / std::sqrt(static_cast<double>(var[c]) + eps);
      double sum_dy = 0, sum_dy_xmu = 0;
      for (int64_t o = 0; o < d.outer; ++o) {
        const int64_t base = (o * d.channels + c) * d.inner;
        for (int64_t i = 0; i < d.inner; ++i) {
          const double g = static_cast<double>(dy[base + i]);
          sum_dy += g;
          sum_dy_xmu += g * (static_cast<double>(x[base + i]) - m);
        }
      }
      dbeta[c] = static_cast<P>(sum_dy);
      dgamma[c] = static_cast<P>(sum_dy_xmu * invstd);
      if (!dx) continue;
      const double k = (gamma ? static_cast<double>(gamma[c]) : 1.0) * invstd;
      const double mean_dy = batch_stats && count > 0 ? sum_dy / count : 0.0;
      const double proj = batch_stats && count > 0 ? sum_dy_xmu / count * invstd * invstd : 0.0;
      for (int64_t o = 0; o < d.outer; ++o) {
        const int64_t base = (o * d.channels + c) * d.inner;
        for (int64_t i = 0; i < d.inner; ++i) {
          const double xmu = static_cast<double>(x[base + i]) - m;
          dx[base + i] =
              static_cast<T>(k * (static_cast<double>(dy[base + i]) - mean_dy - xmu * proj));
        }
      }
    }
  });
}

// Dispatch on the data type T; parameters and statistics are acc_t<T>.
#define GL_BN_DISPATCH(DT, ...)        \
  GL_DISPATCH_FLOAT(DT, "BatchNorm", { \
    using param_t = acc_t<scalar_t>;   \
    __VA_ARGS__;                       \
  })

template <typename P>
const P* ptr_or_null(const Tensor* t) {
  return t ? t->data<P>() : nullptr;
}

void stats(const Tensor& x, const Tensor& mean, const Tensor& var, const Dims& d) {
  if (x.device().is_gpu()) {
    GL_CUDA_LAUNCH("BatchNorm", x.device(),
                   bn_stats_cuda(x, mean, var, d.outer, d.channels, d.inner));
    return;
  }
  GL_BN_DISPATCH(x.dtype(),
                 stats_cpu(x.data<scalar_t>(), mean.data<param_t>(), var.data<param_t>(), d));
}

void apply(const Tensor& x, const Tensor& mean, const Tensor& var, const Tensor* gamma,
           const Tensor& beta, const Tensor& y, double eps, const Dims& d) {
  if (x.device().is_gpu()) {
    GL_CUDA_LAUNCH("BatchNorm", x.device(),
                   bn_apply_cuda(x, mean, var, gamma, beta, y, eps, d.outer, d.channels, d.inner));
    return;
  }
  GL_BN_DISPATCH(x.dtype(), apply_cpu(x.data<scalar_t>(), mean.data<param_t>(), var.data<param_t>(),
                                      ptr_or_null<param_t>(gamma), beta.data<param_t>(),
                                      y.data<scalar_t>(), eps, d));
}

void backward(const Tensor& x, const Tensor& dy, const Tensor& mean, const Tensor& var,
              const Tensor* gamma, const Tensor* dx, const Tensor& dgamma, const Tensor& dbeta,
              double eps, bool batch_stats, const Dims& d) {
  if (x.device().is_gpu()) {
    GL_CUDA_LAUNCH("BatchNorm", x.device(),
                   bn_backward_cuda(x, dy, mean, var, gamma, dx, dgamma, dbeta, eps, batch_stats,
                                    d.outer, d.channels, d.inner));
    return;
  }
  GL_BN_DISPATCH(x.dtype(),
                 backward_cpu(x.data<scalar_t>(), dy.data<scalar_t>(), mean.data<param_t>(),
                              var.data<param_t>(), ptr_or_null<param_t>(gamma),
                              dx ? dx->data<scalar_t>() : nullptr, dgamma.data<param_t>(),
                              dbeta.data<param_t>(), eps, batch_stats, d));
}

DType param_dtype(DType data) { return data == DType::Float16 ? DType::Float32 : data; }

// A private copy in the parameter compute type (the closure must not see later in-place
// updates of the running statistics).
Tensor param_copy(const Tensor& t, DType dtype) {
  Tensor d = detach(t);
  return d.dtype() == dtype ? clone(d) : astype(d, dtype);
}

Tensor as_dtype(const Tensor& t, DType dtype) { return t.dtype() == dtype ? t : astype(t, dtype); }

void check_param(const Tensor& x, const Tensor& t, const char* name, int64_t channels, int axis) {
  GL_CHECK(t.shape() == Shape{channels}, "BatchNorm: ", name, " must have shape (", channels,
           ",), the size of axis ", axis, " of the input ", shape_str(x.shape()), ", got ",
           shape_str(t.shape()));
  GL_CHECK(t.device() == x.device(), "BatchNorm: data is on ", x.device().str(), " but ", name,
           " is on ", t.device().str());
  GL_CHECK(t.dtype() == x.dtype() || t.dtype() == param_dtype(x.dtype()), "BatchNorm: ", name,
           " is ", dtype_name(t.dtype()), " but the data is ", dtype_name(x.dtype()),
           "; parameters must match the data (float32 parameters are allowed for float16 data)");
}

void update_running(const Tensor& running, const Tensor& batch, double momentum) {
  RecordingGuard off(false);
  binary_scalar_(BinaryOp::Mul, running, momentum);
  binary_(BinaryOp::Add, running, mul_scalar(as_dtype(batch, running.dtype()), 1.0 - momentum));
}

}  // namespace

std::vector<Tensor> batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                               const Tensor& running_mean, const Tensor& running_var,
                               const BatchNormParams& p) {
  if (!is_floating(x.dtype())) throw_unsupported_dtype("BatchNorm", x.dtype());
  GL_CHECK(x.ndim() >= 1, "BatchNorm: the input must have at least one axis, got shape ",
           shape_str(x.shape()));
  const int axis = normalize_axis(p.axis, x.ndim(), "BatchNorm");
  const int64_t channels = x.size(axis);
  check_param(x, gamma, "gamma", channels, axis);
  check_param(x, beta, "beta", channels, axis);
  check_param(x, running_mean, "moving_mean", channels, axis);
  check_param(x, running_var, "moving_var", channels, axis);
  GL_CHECK(p.eps > 0, "BatchNorm: eps must be positive, got ", p.eps);

  Dims d{1, channels, 1};
  for (int i = 0; i < axis; ++i) d.outer *= x.size(i);
  for (int i = axis + 1; i < x.ndim(); ++i) d.inner *= x.size(i);
  const DType pt = param_dtype(x.dtype());
  const bool batch_stats = is_training() && !p.use_global_stats;

  Tensor xc = contiguous(detach(x));
  Tensor g = p.fix_gamma ? Tensor() : param_copy(gamma, pt);
  Tensor b = param_copy(beta, pt);
  Tensor mean, var;
  if (batch_stats) {
    mean = Tensor::empty({channels}, pt, x.device());
    var = Tensor::empty({channels}, pt, x.device());
    stats(xc, mean, var, d);
  } else {
    mean = param_copy(running_mean, pt);
    var = param_copy(running_var, pt);
  }
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (x.numel() > 0) apply(xc, mean, var, g.defined() ? &g : nullptr, b, y, p.eps, d);
  if (batch_stats && is_recording() && x.numel() > 0) {
    update_running(running_mean, mean, p.momentum);
    update_running(running_var, var, p.momentum);
  }

  if (should_record({&x, &gamma, &beta})) {
    const bool need_x = x.requires_grad(), need_g = gamma.requires_grad();
    const bool need_b = beta.requires_grad(), fix_gamma = p.fix_gamma;
    const DType gamma_dtype = gamma.dtype(), beta_dtype = beta.dtype();
    const double eps = p.eps;
    record_op("BatchNorm", {x, gamma, beta}, {&y},
              [xc, mean, var, g, d, need_x, need_g, need_b, fix_gamma, gamma_dtype, beta_dtype, eps,
               batch_stats](const GradList& grads) -> GradList {
                RecordingGuard off(false);  // first-order only, as in MXNet
                Tensor dy = contiguous(detach(grads[0]));
                const Shape c_shape{d.channels};
                Tensor dgamma = Tensor::empty(c_shape, mean.dtype(), dy.device());
                Tensor dbeta = Tensor::empty(c_shape, mean.dtype(), dy.device());
                Tensor dx = need_x ? Tensor::empty(xc.shape(), xc.dtype(), xc.device()) : Tensor();
                if (xc.numel() > 0) {
                  backward(xc, dy, mean, var, g.defined() ? &g : nullptr, need_x ? &dx : nullptr,
                           dgamma, dbeta, eps, batch_stats, d);
                } else {
                  fill_(dgamma, 0.0);
                  fill_(dbeta, 0.0);
                }
                if (fix_gamma) fill_(dgamma, 0.0);  // gamma is pinned to 1
                return {dx, need_g ? as_dtype(dgamma, gamma_dtype) : Tensor(),
                        need_b ? as_dtype(dbeta, beta_dtype) : Tensor()};
              });
  }
  return {y, mean, var};
}

}  // namespace gl::ops
