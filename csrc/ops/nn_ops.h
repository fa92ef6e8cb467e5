// The neural-network layer ops (convolution, pooling, normalization, embedding, the
// LeakyReLU family), declared once. Each lives in its own file pair under csrc/ops/
// (name.cc: checks, CPU kernel, gradient; name.cu: CUDA kernel). The small geometry structs
// below are shared by a .cc and its .cu, so both index memory the same way.
#pragma once
#include <cstdint>
#include <vector>

#include "../core/tensor.h"
#include "rnn.h"

namespace gl::ops {

// a * b + c for convolution and pooling geometry, raising MXNetError that names the
// parameter instead of wrapping: a stride of 2**62 must fail, not give a bogus shape.
inline int64_t geometry_mul_add(int64_t a, int64_t b, int64_t c, const char* op, const char* param,
                                const Shape& value) {
  int64_t r;
  GL_CHECK(!__builtin_mul_overflow(a, b, &r) && !__builtin_add_overflow(r, c, &r), op, ": ", param,
           "=", shape_str(value),
           " is too large: the geometry it implies overflows "
           "64-bit sizes");
  return r;
}

// ---- convolution (convolution.cc) -------------------------------------------------------
// One entry per spatial axis (1, 2 or 3 of them); MXNet's names.
struct ConvParams {
  Shape kernel, stride, pad, dilate;
  int64_t num_filter = 0;  // output channels
  int64_t num_group = 1;
};

// x (N, C, *spatial), weight (num_filter, C / groups, *kernel), bias (num_filter,) or null.
Tensor convolution(const Tensor& x, const Tensor& weight, const Tensor* bias, const ConvParams& p);
// The transpose of convolution (its gradient with respect to the data). weight is
// (C, num_filter / groups, *kernel); `adj` adds that many rows/columns at the high end of
// each output axis (MXNet's adj, Gluon's output_padding).
Tensor deconvolution(const Tensor& x, const Tensor& weight, const Tensor* bias, const ConvParams& p,
                     const Shape& adj);

// Shape of a convolution seen as (N, C) x spatial -> (N, F) x spatial, spatial axes padded
// to three with size-1 axes so one kernel serves 1-D, 2-D and 3-D.
struct ConvGeometry {
  int64_t batch = 0, in_channels = 0, out_channels = 0, groups = 1;
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1};
  int64_t kernel[3] = {1, 1, 1}, stride[3] = {1, 1, 1}, pad[3] = {0, 0, 0};
  int64_t dilate[3] = {1, 1, 1};
  GL_HD int64_t in_size() const { return in[0] * in[1] * in[2]; }
  GL_HD int64_t out_size() const { return out[0] * out[1] * out[2]; }
  GL_HD int64_t kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
  GL_HD int64_t group_in() const { return in_channels / groups; }
  GL_HD int64_t group_out() const { return out_channels / groups; }
  GL_HD int64_t col_rows() const { return group_in() * kernel_size(); }
};

// ---- pooling (pooling.cc) ---------------------------------------------------------------
enum class PoolType { Max = 0, Avg = 1, Sum = 2 };
// MXNet's pooling_convention: 'valid' floors the output size, 'full' ceils it (Gluon's
// ceil_mode=True).
enum class PoolConvention { Valid = 0, Full = 1 };

struct PoolParams {
  Shape kernel, stride, pad;  // one entry per spatial axis; ignored for global pooling
  PoolType type = PoolType::Max;
  PoolConvention convention = PoolConvention::Valid;
  bool global = false;
  bool count_include_pad = true;  // avg: divide by the padded window size
};

// x (N, C, *spatial) with 1 to 3 spatial axes.
Tensor pooling(const Tensor& x, const PoolParams& p);

struct PoolGeometry {
  int64_t planes = 0;  // N * C
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1};
  int64_t kernel[3] = {1, 1, 1}, stride[3] = {1, 1, 1}, pad[3] = {0, 0, 0};
  int type = 0;
  bool count_include_pad = true;
  GL_HD int64_t in_size() const { return in[0] * in[1] * in[2]; }
  GL_HD int64_t out_size() const { return out[0] * out[1] * out[2]; }
};

// The input range [start, end) read along axis `a` by output index `o`, and the length of
// that window clipped to the padded input (the average's divisor with count_include_pad).
GL_HD void pool_axis_window(const PoolGeometry& g, int a, int64_t o, int64_t* start, int64_t* end,
                            int64_t* padded) {
  const int64_t s = o * g.stride[a] - g.pad[a];
  const int64_t e = s + g.kernel[a] < g.in[a] + g.pad[a] ? s + g.kernel[a] : g.in[a] + g.pad[a];
  *padded = e > s ? e - s : 0;
  *start = s < 0 ? 0 : s;
  *end = e > g.in[a] ? g.in[a] : e;
  if (*end < *start) *end = *start;
}

// The input box read by flat output position `o`, and the average's divisor.
struct PoolWindow {
  int64_t start[3], end[3];
  int64_t divisor;
};

GL_HD PoolWindow pool_window(const PoolGeometry& g, int64_t o) {
  const int64_t at[3] = {o / (g.out[1] * g.out[2]), (o / g.out[2]) % g.out[1], o % g.out[2]};
  PoolWindow w;
  int64_t padded = 1, inside = 1;
  for (int a = 0; a < 3; ++a) {
    int64_t p;
    pool_axis_window(g, a, at[a], &w.start[a], &w.end[a], &p);
    padded *= p;
    inside *= w.end[a] - w.start[a];
  }
  w.divisor = g.count_include_pad ? padded : inside;
  return w;
}

// ---- normalization (batch_norm.cc, norm.cc) ---------------------------------------------
struct BatchNormParams {
  double eps = 1e-3;
  double momentum = 0.9;
  bool fix_gamma = true;          // use gamma = 1 (and give gamma a zero gradient)
  bool use_global_stats = false;  // normalize with the running statistics even in training
  int axis = 1;
};

// Returns {y, mean, var}: the statistics used (batch or running), shape (C,). In training
// mode (autograd.is_training()) the batch statistics normalize x, and while recording the
// running statistics are updated in place:
//   running = running * momentum + batch * (1 - momentum)   (biased batch variance).
std::vector<Tensor> batch_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                               const Tensor& running_mean, const Tensor& running_var,
                               const BatchNormParams& p);

// Groups of `depth` elements normalized together: x viewed as (outer, depth, inner), one
// group per (o, i). `channels` > 0 indexes gamma/beta by channel, (group / inner) % channels
// (InstanceNorm); 0 indexes them by the position along depth (LayerNorm).
struct NormGeometry {
  int64_t outer = 1, depth = 1, inner = 1, channels = 0;
  GL_HD int64_t group_base(int64_t grp) const { return grp / inner * depth * inner + grp % inner; }
  GL_HD int64_t param_index(int64_t grp, int64_t d) const {
    return channels > 0 ? grp / inner % channels : d;
  }
};

// Normalizes over `axis`; gamma and beta have shape (x.shape[axis],).
Tensor layer_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, int axis, double eps);
// Normalizes each (sample, channel) over the spatial axes; gamma, beta (C,) on axis 1.
Tensor instance_norm(const Tensor& x, const Tensor& gamma, const Tensor& beta, double eps);

// ---- embedding (embedding.cc) ----------------------------------------------------------
// weight (input_dim, output_dim) rows gathered by `indices` (clipped to the valid range).
Tensor embedding(const Tensor& indices, const Tensor& weight, int64_t input_dim,
                 int64_t output_dim);

// ---- LeakyReLU family (leaky_relu.cc) ----------------------------------------------------
enum class LeakyAct { Leaky = 0, Prelu = 1, Elu = 2, Selu = 3, Gelu = 4 };
// gamma is used by Prelu only: shape (1,) or (C,) broadcast along axis 1.
Tensor leaky_relu(const Tensor& x, const Tensor* gamma, LeakyAct act, double slope);

// ---- recurrent layers (rnn.cc) ---------------------------------------------------------
// One layer, one direction of a fused RNN/LSTM/GRU over x (T, N, I), gates in MXNet's
// order (rnn.h). wi (G*H, I), wh (G*H, P), bi and bh (G*H,), h0 (N, P), c0 (N, H); c0 is
// given for lstm only. wr (P, H) projects an LSTM's hidden state (LSTMP), else null and
// P = H. `reverse` runs from the last step to the first (outputs stay at their time
// index). Returns {y (T, N, P), h_T} and for lstm c_T too.
// `opts`: per-row sequence lengths (int64 (N,) on x's device; a row past its length keeps
// its state and y holds that carried state there: callers mask the output) and LSTM
// cell-state clipping.
struct RnnOptions {
  const Tensor* lengths = nullptr;
  bool clip = false;
  double clip_min = 0.0, clip_max = 0.0;
  bool clip_nan = false;
};
std::vector<Tensor> rnn_layer(const Tensor& x, const Tensor& h0, const Tensor* c0, const Tensor& wi,
                              const Tensor& wh, const Tensor& bi, const Tensor& bh,
                              const Tensor* wr, RnnMode mode, bool reverse,
                              const RnnOptions& opts = {});

}  // namespace gl::ops
