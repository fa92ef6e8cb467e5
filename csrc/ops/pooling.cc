// Pooling (max, average, sum; 1-D to 3-D; global; 'valid' and 'full' conventions): checks,
// CPU kernels and gradients. CUDA kernels: pooling.cu.
//
// Windows follow MXNet: a window starts at o * stride - pad; with count_include_pad the
// average divides by the window clipped to the padded input (so 'full' windows that run
// past the padding count only the part inside it), otherwise by the in-input part. A max
// window lying entirely in the padding gives the lowest finite value, an average 0.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "../autograd/autograd.h"
#include "../core/parallel.h"
#include "../cuda/runtime.h"
#include "nn_ops.h"
#include "ops.h"
#include "cuda_kernels.h"

namespace gl::ops {

namespace {

// The windows of every output position along one axis, computed once per call so the
// per-element loops do no index arithmetic beyond additions.
struct AxisWindows {
  std::vector<int64_t> start, end, padded;  // clipped [start, end) and padded extent
};

AxisWindows axis_windows(const PoolGeometry& g, int a) {
  AxisWindows w;
  const size_t n = static_cast<size_t>(g.out[a]);
  w.start.resize(n);
  w.end.resize(n);
  w.padded.resize(n);
  for (size_t o = 0; o < n; ++o)
    pool_axis_window(g, a, int64_t(o), &w.start[o], &w.end[o], &w.padded[o]);
  return w;
}

struct Windows {
  AxisWindows axis[3];
  explicit Windows(const PoolGeometry& g)
      : axis{axis_windows(g, 0), axis_windows(g, 1), axis_windows(g, 2)} {}
  int64_t divisor(const PoolGeometry& g, int64_t od, int64_t oh, int64_t ow) const {
    if (g.count_include_pad) return axis[0].padded[od] * axis[1].padded[oh] * axis[2].padded[ow];
    return (axis[0].end[od] - axis[0].start[od]) * (axis[1].end[oh] - axis[1].start[oh]) *
           (axis[2].end[ow] - axis[2].start[ow]);
  }
};

// Calls fn(o, od, oh, ow, d0, d1, h0, h1, w0, w1) for every output position of a plane.
template <typename Fn>
inline void for_each_window(const PoolGeometry& g, const Windows& w, Fn fn) {
  int64_t o = 0;
  for (int64_t od = 0; od < g.out[0]; ++od)
    for (int64_t oh = 0; oh < g.out[1]; ++oh)
      for (int64_t ow = 0; ow < g.out[2]; ++ow, ++o)
        fn(o, od, oh, ow, w.axis[0].start[od], w.axis[0].end[od], w.axis[1].start[oh],
           w.axis[1].end[oh], w.axis[2].start[ow], w.axis[2].end[ow]);
}

// One element `v` at offset `at` of a max window: the running maximum, its offset (with
// kArgmax) and whether a NaN was seen. Branch-free selects (a data-dependent branch
// mispredicts half the time on real data): the first NaN beats everything.
template <bool kArgmax, typename A>
inline void max_step(A v, int64_t at, A* best, int64_t* best_at, bool* nan) {
  const bool is_nan = v != v;
  if constexpr (kArgmax) {
    const bool take = (v > *best) | (is_nan & !*nan);
    *best = take ? v : *best;
    *best_at += (at - *best_at) * static_cast<int64_t>(take);  // an arithmetic select
  } else {
    *best = v > *best ? v : *best;
  }
  *nan |= is_nan;
}

// The maximum of one window (max_step over it): the first NaN propagates. With kArgmax,
// *at receives the offset of the first maximum (or first NaN) in the same pass.
template <bool kArgmax, typename T>
inline acc_t<T> window_max(const T* xp, int64_t hw, int64_t w_in, int64_t d0, int64_t d1,
                           int64_t h0, int64_t h1, int64_t w0, int64_t w1, int64_t* at) {
  using A = acc_t<T>;
  A best = std::numeric_limits<A>::lowest();
  bool nan = false;
  int64_t best_at = d1 > d0 && h1 > h0 && w1 > w0 ? d0 * hw + h0 * w_in + w0 : -1;
  for (int64_t d = d0; d < d1; ++d)
    for (int64_t h = h0; h < h1; ++h) {
      const int64_t base = d * hw + h * w_in;
      const T* row = xp + base;
      for (int64_t c = w0; c < w1; ++c)
        max_step<kArgmax>(static_cast<A>(row[c]), base + c, &best, &best_at, &nan);
    }
  if constexpr (kArgmax) {
    *at = best_at;
    return best;
  } else {
    return nan ? std::numeric_limits<A>::quiet_NaN() : best;
  }
}

// True for 2-D max pooling whose windows all lie inside the input (no padding, no window
// clipped by the edge): the case of nearly every CNN, served by max_pool2d_plane.
bool is_interior_max_pool2d(const PoolGeometry& g) {
  if (g.type != int(PoolType::Max) || g.in[0] != 1 || g.out[0] != 1 || g.kernel[0] != 1)
    return false;
  for (int a = 1; a < 3; ++a)
    if (g.pad[a] != 0 || (g.out[a] - 1) * g.stride[a] + g.kernel[a] > g.in[a]) return false;
  return true;
}

// One plane of interior 2-D max pooling. KH, KW > 0 fix the kernel at compile time, so the
// window loops unroll (0: read it from g). The same max_step as window_max.
template <int KH, int KW, bool kArgmax, typename T>
void max_pool2d_plane(const T* xp, T* yp, int64_t* ap, const PoolGeometry& g) {
  using A = acc_t<T>;
  const int64_t kh = KH ? KH : g.kernel[1], kw = KW ? KW : g.kernel[2];
  const int64_t W = g.in[2], OH = g.out[1], OW = g.out[2], sh = g.stride[1], sw = g.stride[2];
  for (int64_t oh = 0; oh < OH; ++oh) {
    const int64_t top = oh * sh * W;
    T* yrow = yp + oh * OW;
    for (int64_t ow = 0; ow < OW; ++ow) {
      const int64_t corner = top + ow * sw;
      A best = std::numeric_limits<A>::lowest();
      int64_t best_at = corner;
      bool nan = false;
      for (int64_t i = 0; i < kh; ++i) {
        const T* row = xp + corner + i * W;
        for (int64_t j = 0; j < kw; ++j)
          max_step<kArgmax>(static_cast<A>(row[j]), corner + i * W + j, &best, &best_at, &nan);
      }
      if constexpr (kArgmax) {
        yrow[ow] = static_cast<T>(best);
        ap[oh * OW + ow] = best_at;
      } else {
        yrow[ow] = static_cast<T>(nan ? std::numeric_limits<A>::quiet_NaN() : best);
      }
    }
  }
}

template <bool kArgmax, typename T>
void max_pool2d_plane_any(const T* xp, T* yp, int64_t* ap, const PoolGeometry& g) {
  if (g.kernel[1] == 2 && g.kernel[2] == 2)
    max_pool2d_plane<2, 2, kArgmax>(xp, yp, ap, g);
  else if (g.kernel[1] == 3 && g.kernel[2] == 3)
    max_pool2d_plane<3, 3, kArgmax>(xp, yp, ap, g);
  else
    max_pool2d_plane<0, 0, kArgmax>(xp, yp, ap, g);
}

template <typename T>
void pool_forward_cpu(const T* x, T* y, int64_t* argmax, const PoolGeometry& g) {
  using A = acc_t<T>;
  const int64_t in_size = g.in_size(), out_size = g.out_size(), hw = g.in[1] * g.in[2];
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(in_size, 1));
  if (is_interior_max_pool2d(g)) {
    parallel_for(g.planes, grain, [&](int64_t begin, int64_t end) {
      for (int64_t plane = begin; plane < end; ++plane) {
        const T* xp = x + plane * in_size;
        T* yp = y + plane * out_size;
        if (argmax)
          max_pool2d_plane_any<true>(xp, yp, argmax + plane * out_size, g);
        else
          max_pool2d_plane_any<false>(xp, yp, nullptr, g);
      }
    });
    return;
  }
  const Windows win(g);
  parallel_for(g.planes, grain, [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      const T* xp = x + plane * in_size;
      T* yp = y + plane * out_size;
      int64_t* ap = argmax ? argmax + plane * out_size : nullptr;
      if (g.type == int(PoolType::Max)) {
        for_each_window(g, win,
                        [&](int64_t o, int64_t, int64_t, int64_t, int64_t d0, int64_t d1,
                            int64_t h0, int64_t h1, int64_t w0, int64_t w1) {
                          if (ap) {
                            yp[o] = static_cast<T>(
                                window_max<true>(xp, hw, g.in[2], d0, d1, h0, h1, w0, w1, &ap[o]));
                          } else {
                            yp[o] = static_cast<T>(window_max<false>(xp, hw, g.in[2], d0, d1, h0,
                                                                     h1, w0, w1, nullptr));
                          }
                        });
      } else {
        const bool sum_only = g.type == int(PoolType::Sum);
        for_each_window(g, win,
                        [&](int64_t o, int64_t od, int64_t oh, int64_t ow, int64_t d0, int64_t d1,
                            int64_t h0, int64_t h1, int64_t w0, int64_t w1) {
                          A sum = A(0);
                          for (int64_t d = d0; d < d1; ++d)
                            for (int64_t h = h0; h < h1; ++h) {
                              const T* row = xp + d * hw + h * g.in[2];
                              for (int64_t c = w0; c < w1; ++c) sum += static_cast<A>(row[c]);
                            }
                          const int64_t div = sum_only ? 1 : win.divisor(g, od, oh, ow);
                          yp[o] = static_cast<T>(div > 0 ? sum / static_cast<A>(div) : A(0));
                        });
      }
    }
  });
}

// Scatter of dy into each plane of dx; a thread owns whole planes, so writes never race.
// float and double accumulate in dx itself; float16 through a float buffer.
template <typename T>
void pool_backward_cpu(const T* dy, const int64_t* argmax, T* dx, const PoolGeometry& g) {
  using A = acc_t<T>;
  constexpr bool direct = std::is_same<A, T>::value;
  const int64_t in_size = g.in_size(), out_size = g.out_size(), hw = g.in[1] * g.in[2];
  const Windows win(g);
  const int64_t grain = std::max<int64_t>(1, kParallelGrain / std::max<int64_t>(in_size, 1));
  parallel_for(g.planes, grain, [&](int64_t begin, int64_t end) {
    std::vector<A> buffer(direct ? 0 : static_cast<size_t>(in_size));
    for (int64_t plane = begin; plane < end; ++plane) {
      A* acc = direct ? reinterpret_cast<A*>(dx + plane * in_size) : buffer.data();
      std::fill(acc, acc + in_size, A(0));
      const T* gp = dy + plane * out_size;
      if (g.type == int(PoolType::Max)) {
        const int64_t* ap = argmax + plane * out_size;
        for (int64_t o = 0; o < out_size; ++o)
          if (ap[o] >= 0) acc[ap[o]] += static_cast<A>(gp[o]);
      } else {
        const bool sum_only = g.type == int(PoolType::Sum);
        for_each_window(g, win,
                        [&](int64_t o, int64_t od, int64_t oh, int64_t ow, int64_t d0, int64_t d1,
                            int64_t h0, int64_t h1, int64_t w0, int64_t w1) {
                          const int64_t div = sum_only ? 1 : win.divisor(g, od, oh, ow);
                          if (div <= 0) return;
                          const A share = static_cast<A>(gp[o]) / static_cast<A>(div);
                          for (int64_t d = d0; d < d1; ++d)
                            for (int64_t h = h0; h < h1; ++h) {
                              A* row = acc + d * hw + h * g.in[2];
                              for (int64_t c = w0; c < w1; ++c) row[c] += share;
                            }
                        });
      }
      if (!direct) {
        T* out = dx + plane * in_size;
        for (int64_t i = 0; i < in_size; ++i) out[i] = static_cast<T>(acc[i]);
      }
    }
  });
}

void pool_forward(const Tensor& x, const Tensor& y, const Tensor* argmax, const PoolGeometry& g) {
  if (x.device().is_gpu()) {
    GL_CUDA_LAUNCH("Pooling", x.device(), pool_forward_cuda(x, y, argmax, g));
    return;
  }
  GL_DISPATCH_FLOAT(x.dtype(), "Pooling", {
    pool_forward_cpu(x.data<scalar_t>(), y.data<scalar_t>(),
                     argmax ? argmax->data<int64_t>() : nullptr, g);
  });
}

void pool_backward(const Tensor& dy, const Tensor* argmax, const Tensor& dx,
                   const PoolGeometry& g) {
  if (dx.device().is_gpu()) {
    GL_CUDA_LAUNCH("Pooling", dx.device(), pool_backward_cuda(dy, argmax, dx, g));
    return;
  }
  GL_DISPATCH_FLOAT(dx.dtype(), "Pooling", {
    pool_backward_cpu(dy.data<scalar_t>(), argmax ? argmax->data<int64_t>() : nullptr,
                      dx.data<scalar_t>(), g);
  });
}

const char* pool_layout(size_t nsp) {
  return nsp == 1   ? "(batch, channel, width)"
         : nsp == 2 ? "(batch, channel, height, width)"
                    : "(batch, channel, depth, height, width)";
}

PoolGeometry make_geometry(const Tensor& x, const PoolParams& p, Shape* out_shape) {
  const char* op = "Pooling";
  if (!is_floating(x.dtype())) throw_unsupported_dtype(op, x.dtype());
  const size_t nsp = p.global ? static_cast<size_t>(std::max(x.ndim() - 2, 0)) : p.kernel.size();
  GL_CHECK(nsp >= 1 && nsp <= 3, op, ": ",
           p.global ? "global pooling needs a 3-D to 5-D input"
                    : "kernel must have 1, 2 or 3 dimensions",
           ", got ",
           p.global ? "input shape " + shape_str(x.shape()) : "kernel " + shape_str(p.kernel));
  GL_CHECK(x.ndim() == static_cast<int>(nsp) + 2, op, ": expected a ", nsp + 2, "-D input ",
           pool_layout(nsp), " for the ", nsp, "-D kernel ", shape_str(p.kernel), ", got shape ",
           shape_str(x.shape()));
  Shape kernel(nsp), stride(nsp, 1), pad(nsp, 0);
  for (size_t i = 0; i < nsp; ++i) kernel[i] = p.global ? x.size(int(i) + 2) : p.kernel[i];
  if (!p.global) {
    if (!p.stride.empty()) stride = p.stride;
    if (!p.pad.empty()) pad = p.pad;
    GL_CHECK(stride.size() == nsp && pad.size() == nsp, op, ": stride ", shape_str(stride),
             " and pad ", shape_str(pad), " must have one entry per kernel axis (", nsp, ")");
  }
  PoolGeometry g;
  g.planes = x.size(0) * x.size(1);
  g.type = static_cast<int>(p.type);
  g.count_include_pad = p.count_include_pad;
  *out_shape = {x.size(0), x.size(1)};
  const int off = 3 - static_cast<int>(nsp);
  for (size_t i = 0; i < nsp; ++i) {
    const int64_t n = x.size(int(i) + 2);
    GL_CHECK(kernel[i] >= 1 && stride[i] >= 1 && pad[i] >= 0, op,
             ": kernel and stride must be "
             "positive and pad non-negative, got kernel=",
             shape_str(kernel), ", stride=", shape_str(stride), ", pad=", shape_str(pad));
    const int64_t padded = geometry_mul_add(pad[i], 2, n, op, "pad", pad);
    // The windows step by the stride across the padded input ('full' rounds up by one).
    geometry_mul_add(1, padded, stride[i], op, "stride", stride);
    GL_CHECK(p.global || kernel[i] <= padded, op, ": the window (size ", kernel[i],
             ") is larger than the padded input (size ", padded, " = ", n, " + 2*", pad[i],
             ") along spatial axis ", i, "; input shape ", shape_str(x.shape()),
             ", kernel=", shape_str(kernel), ", pad=", shape_str(pad));
    const int64_t span = padded - kernel[i];
    const int64_t out = p.convention == PoolConvention::Full
                            ? (span + stride[i] - 1) / stride[i] + 1
                            : span / stride[i] + 1;
    out_shape->push_back(out);
    g.in[off + i] = n;
    g.out[off + i] = out;
    g.kernel[off + i] = kernel[i];
    g.stride[off + i] = stride[i];
    g.pad[off + i] = pad[i];
  }
  return g;
}

}  // namespace

Tensor pooling(const Tensor& x, const PoolParams& p) {
  Shape out_shape;
  const PoolGeometry g = make_geometry(x, p, &out_shape);
  Tensor xc = contiguous(detach(x));
  Tensor y = Tensor::empty(out_shape, x.dtype(), x.device());
  const bool record = should_record({&x});
  // Max pooling remembers where each maximum came from; the backward scatters to it.
  Tensor argmax = record && p.type == PoolType::Max
                      ? Tensor::empty(out_shape, DType::Int64, x.device())
                      : Tensor();
  if (y.numel() > 0) pool_forward(xc, y, argmax.defined() ? &argmax : nullptr, g);
  if (record) {
    Shape x_shape = x.shape();
    record_op("Pooling", {x}, {&y}, [argmax, g, x_shape](const GradList& grads) -> GradList {
      Tensor dy = contiguous(detach(grads[0]));
      Tensor dx = Tensor::empty(x_shape, dy.dtype(), dy.device());
      if (dy.numel() == 0) {
        fill_(dx, 0.0);
      } else if (dx.numel() > 0) {
        pool_backward(dy, argmax.defined() ? &argmax : nullptr, dx, g);
      }
      return {dx};
    });
  }
  return y;
}

}  // namespace gl::ops
