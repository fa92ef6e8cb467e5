// LayerNorm and InstanceNorm: checks, CPU kernels and gradients. CUDA kernels: norm.cu.
//
// Both normalize groups of `depth` elements: x is viewed as (outer, depth, inner) and each
// (o, i) pair is one group. LayerNorm normalizes along `axis` (depth = x.shape[axis]) with
// gamma/beta indexed by the position in the group; InstanceNorm normalizes each (sample,
// channel) over the spatial axes (outer = N * C, depth = spatial size, inner = 1) with
// gamma/beta indexed by the channel. The forward saves each group's mean and 1/std; the
// parameter gradients are reductions written with ops.
#include <algorithm>
#include <cmath>

#include "../autograd/autograd.h"
#include "../core/parallel.h"
#include "../cuda/runtime.h"
#include "nn_ops.h"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

template <typename T>
void forward_cpu(const T* x, const T* gamma, const T* beta, T* y, T* mean_out, T* invstd_out,
                 const NormGeometry& g, double eps) {
  const int64_t groups = g.outer * g.inner;
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(g.depth, 1));
  parallel_for(groups, grain, [&](int64_t begin, int64_t end) {
    for (int64_t grp = begin; grp < end; ++grp) {
      const int64_t base = g.group_base(grp);
      double sum = 0;
      for (int64_t d = 0; d < g.depth; ++d) sum += static_cast<double>(x[base + d * g.inner]);
      const double m = sum / static_cast<double>(g.depth);
      double sq = 0;
      for (int64_t d = 0; d < g.depth; ++d) {
        const double t = static_cast<double>(x[base + d * g.inner]) - m;
        sq += t * t;
      }
      const double invstd = 1.0 / std::sqrt(sq / static_cast<double>(g.depth) + eps);
      for (int64_t d = 0; d < g.depth; ++d) {
        const int64_t at = base + d * g.inner, k = g.param_index(grp, d);
        const double xhat = (static_cast<double>(x[at]) - m) * invstd;
        y[at] = static_cast<T>(xhat * static_cast<double>(gamma[k]) + static_cast<double>(beta[k]));
      }
      mean_out[grp] = static_cast<T>(m);
      invstd_out[grp] = static_cast<T>(invstd);
    }
  });
}

// dx = invstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = dy * gamma.
template <typename T>
void backward_cpu(const T* x, const T* dy, const T* gamma, const T* mean, const T* invstd, T* dx,
                  const NormGeometry& g) {
  const int64_t groups = g.outer * g.inner;
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(g.depth, 1));
  parallel_for(groups, grain, [&](int64_t begin, int64_t end) {
    for (int64_t grp = begin; grp < end; ++grp) {
      const int64_t base = g.group_base(grp);
      const double m = static_cast<double>(mean[grp]), s = static_cast<double>(invstd[grp]);
      double sum_dxhat = 0, sum_dxhat_xhat = 0;
      for (int64_t d = 0; d < g.depth; ++d) {
        const int64_t at = base + d * g.inner;
        const double dxhat =
            static_cast<double>(dy[at]) * static_cast<double>(gamma[g.param_index(grp, d)]);
        sum_dxhat += dxhat;
        sum_dxhat_xhat += dxhat * (static_cast<double>(x[at]) - m) * s;
      }
      const double n = static_cast<double>(g.depth);
      for (int64_t d = 0; d < g.depth; ++d) {
        const int64_t at = base + d * g.inner;
        const double dxhat =
            static_cast<double>(dy[at]) * static_cast<double>(gamma[g.param_index(grp, d)]);
        const double xhat = (static_cast<double>(x[at]) - m) * s;
        dx[at] = static_cast<T>(s * (dxhat - sum_dxhat / n - xhat * sum_dxhat_xhat / n));
      }
    }
  });
}

Tensor shared_with(const Tensor& base, const Shape& shape) {
  return Tensor::view(base, shape, contiguous_strides(shape), base.offset());
}

// The op shared by LayerNorm and InstanceNorm. `param_view` is the 3-D shape the input is
// reduced over (axes 0 and 2) for the parameter gradients; `stat_view` is the 3-D shape
// the per-group statistics broadcast from.
Tensor group_norm(const char* op, const Tensor& x, const Tensor& gamma, const Tensor& beta,
                  const NormGeometry& g, double eps, const Shape& param_view,
                  const Shape& stat_view) {
  GL_CHECK(eps > 0, op, ": eps must be positive, got ", eps);
  Tensor xc = contiguous(detach(x));
  Tensor gc = contiguous(detach(gamma)), bc = contiguous(detach(beta));
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  const Shape stats_shape{g.outer * g.inner};
  Tensor mean = Tensor::empty(stats_shape, x.dtype(), x.device());
  Tensor invstd = Tensor::empty(stats_shape, x.dtype(), x.device());
  if (x.numel() > 0) {
    if (x.device().is_gpu()) {
      GL_CUDA_LAUNCH(op, x.device(), norm_forward_cuda(xc, gc, bc, y, mean, invstd, g, eps));
    } else {
      GL_DISPATCH_FLOAT(
          x.dtype(), op,
          forward_cpu(xc.data<scalar_t>(), gc.data<scalar_t>(), bc.data<scalar_t>(),
                      y.data<scalar_t>(), mean.data<scalar_t>(), invstd.data<scalar_t>(), g, eps));
    }
  }
  if (should_record({&x, &gamma, &beta})) {
    const bool need_x = x.requires_grad(), need_g = gamma.requires_grad();
    const bool need_b = beta.requires_grad();
    record_op(
        op, {x, gamma, beta}, {&y},
        [op, xc, gc, mean, invstd, g, need_x, need_g, need_b, param_view,
         stat_view](const GradList& grads) -> GradList {
          RecordingGuard off(false);  // first-order only, as in MXNet
          Tensor dy = contiguous(detach(grads[0]));
          Tensor dx, dgamma, dbeta;
          if (need_x) {
            dx = Tensor::empty(xc.shape(), xc.dtype(), xc.device());
            if (dx.numel() > 0 && dx.device().is_gpu()) {
              GL_CUDA_LAUNCH(op, dx.device(), norm_backward_cuda(xc, dy, gc, mean, invstd, dx, g));
            } else if (dx.numel() > 0) {
              GL_DISPATCH_FLOAT(dx.dtype(), op,
                                backward_cpu(xc.data<scalar_t>(), dy.data<scalar_t>(),
                                             gc.data<scalar_t>(), mean.data<scalar_t>(),
                                             invstd.data<scalar_t>(), dx.data<scalar_t>(), g));
            }
          }
          Tensor dy3 = shared_with(dy, param_view);
          if (need_g) {
            Tensor xhat = mul(sub(shared_with(xc, param_view), shared_with(mean, stat_view)),
                              shared_with(invstd, stat_view));
            dgamma = reduce(ReduceOp::Sum, mul(dy3, xhat), {0, 2}, false, false);
          }
          if (need_b) dbeta = reduce(ReduceOp::Sum, dy3, {0, 2}, false, false);
          return {dx, dgamma, dbeta};
        });
  }
  return y;
}

void check_params(const char* op, const Tensor& x, const Tensor& gamma, const Tensor& beta,
                  int64_t size, const char* what) {
  if (!is_floating(x.dtype())) throw_unsupported_dtype(op, x.dtype());
  for (const Tensor* t : {&gamma, &beta}) {
    const char* name = t == &gamma ? "gamma" : "beta";
    GL_CHECK(t->shape() == Shape{size}, op, ": ", name, " must have shape (", size, ",), ", what,
             " of the input ", shape_str(x.shape()), ", got ", shape_str(t->shape()));
    GL_CHECK(t->dtype() == x.dtype(), op, ": ", name, " is ", dtype_name(t->dtype()),
             " but the data is ", dtype_name(x.dtype()));
    GL_CHECK(t->device() == x.device(), op, ": data is on ", x.device().str(), " but ", name,
             " is on ", t->device().str());
  }
}

}  // namespace

Tensor layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, int axis, double eps) {
  GL_CHECK(x.ndim() >= 1, "LayerNorm: the input must have at least one axis");
  const int ax = normalize_axis(axis, x.ndim(), "LayerNorm");
  check_params("LayerNorm", x, gamma, beta, x.size(ax), "the size of the normalized axis");
  NormGeometry g;
  g.depth = x.size(ax);
  for (int i = 0; i < ax; ++i) g.outer *= x.size(i);
  for (int i = ax + 1; i < x.ndim(); ++i) g.inner *= x.size(i);
  return group_norm("LayerNorm", x, gamma, beta, g, eps, {g.outer, g.depth, g.inner},
                    {g.outer, 1, g.inner});
}

Tensor instance_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, double eps) {
  GL_CHECK(x.ndim() >= 3,
           "InstanceNorm: expected an input (batch, channel, *spatial) with at "
           "least one spatial axis, got shape ",
           shape_str(x.shape()));
  check_params("InstanceNorm", x, gamma, beta, x.size(1), "the channel count (axis 1)");
  NormGeometry g;
  g.channels = x.size(1);
  g.outer = x.size(0) * x.size(1);
  for (int i = 2; i < x.ndim(); ++i) g.depth *= x.size(i);
  return group_norm("InstanceNorm", x, gamma, beta, g, eps, {x.size(0), g.channels, g.depth},
                    {x.size(0), g.channels, 1});
}

}  // namespace gl::ops
